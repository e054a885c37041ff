/*
 * text_number.c: the numbers of the exposition formats: values as Go's
 * strconv.ParseFloat reads them, bit for bit what strtod gives, 0.0.4's
 * integer-millisecond timestamps and OpenMetrics' timestamps in seconds.
 * The common short number is read by text_fastnum() (text_internal.h).
 */
#include "text_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const double text_pow10[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

#ifdef SWAR
const uint64_t text_pow10u[9] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};
#endif

static bool
ieq(const char *s, const char *lower, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] | 0x20) != lower[i])
			return false;
	return true;
}

/* Not correctly rounded by one operation: strtod, in the "C" locale (the
 * program never calls setlocale). */
static int
slowfloat(text_reader *r, const char *s, size_t n, double *out)
{
	char sb[128], *c = sb;
	double d;

	if (n >= sizeof sb) {
		if (n + 1 > r->numcap)
			r->num = text_grow(r->num, &r->numcap, n + 1, 1);
		c = r->num;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	d = strtod(c, NULL);
	if (isinf(d))
		return 2;	/* Go's ParseFloat says ErrRange; underflow is fine */
	*out = d;
	return 0;
}

/*
 * A number as Go's strconv.ParseFloat reads it, less what Prometheus turns
 * away (hex, '_'): [+-] (digits [. digits] | . digits) [(e|E) [+-] digits],
 * or inf, infinity (signed) or nan, in any case.  0 if good, 1 if not a
 * number, 2 if out of range.
 *
 * A mantissa of at most 2^53 and a power of ten of at most 22 are both
 * exact doubles, so one multiply or divide rounds correctly (Clinger's fast
 * path); anything else goes to strtod.
 */
int
text_parse_float(text_reader *r, const char *s, size_t n, double *out)
{
	const char *p = s, *e = s + n;
	uint64_t m = 0;
	int nd = 0, x10 = 0, x;
	bool neg = false, any = false, lost = false, eneg = false;
	double d;

	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == e)
		return 1;
	if (!(CL(*p) & C_D) && *p != '.') {
		size_t k = (size_t)(e - p);

		if ((k == 3 && ieq(p, "inf", 3)) || (k == 8 && ieq(p, "infinity", 8))) {
			*out = neg ? -INFINITY : INFINITY;
			return 0;
		}
		if (k == 3 && p == s && ieq(p, "nan", 3)) {	/* no sign on NaN */
			*out = NAN;
			return 0;
		}
		return 1;
	}
	for (; p < e && (CL(*p) & C_D); p++) {
		any = true;
		if (nd < 19) {
			m = m * 10 + (unsigned)(*p - '0');
			nd += m != 0;	/* leading zeros are not digits */
		} else {
			x10++;
			lost |= *p != '0';
		}
	}
	if (p < e && *p == '.')
		for (p++; p < e && (CL(*p) & C_D); p++) {
			any = true;
			if (nd < 19) {
				m = m * 10 + (unsigned)(*p - '0');
				nd += m != 0;
				x10--;
			} else
				lost |= *p != '0';
		}
	if (!any)
		return 1;
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == e || !(CL(*p) & C_D))
			return 1;
		for (x = 0; p < e && (CL(*p) & C_D); p++)
			if (x < 100000)	/* far past any double; no overflow */
				x = x * 10 + (*p - '0');
		x10 += eneg ? -x : x;
	}
	if (p != e)
		return 1;
	if (m == 0) {
		*out = neg ? -0.0 : 0.0;
		return 0;
	}
	if (lost || m > (UINT64_C(1) << 53) || x10 < -22 || x10 > 22)
		return slowfloat(r, s, n, out);
	d = (double)m;
	d = x10 < 0 ? d / text_pow10[-x10] : d * text_pow10[x10];
	*out = neg ? -d : d;
	return 0;
}

/* -?[0-9]+ as int64: 0, 1 if not an integer, 2 if out of range. */
static int
parse_int(const char *s, size_t n, int64_t *out)
{
	const char *e = s + n;
	bool neg = s < e && *s == '-';
	uint64_t v = 0, lim;
	unsigned d;

	s += neg;
	if (s == e)
		return 1;
	if (e - s <= 18) {	/* cannot overflow */
		for (; s < e; s++) {
			if ((d = (unsigned)(unsigned char)*s - '0') > 9)
				return 1;
			v = v * 10 + d;
		}
	} else {
		lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; s < e; s++) {
			if ((d = (unsigned)(unsigned char)*s - '0') > 9)
				return 1;
			if (v > (lim - d) / 10)
				return 2;
			v = v * 10 + d;
		}
	}
	if (!neg)
		*out = (int64_t)v;
	else
		*out = v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
	return 0;
}

/* timestamp -> ['-'] digit+, integer ms.  Returns its end, NULL on error. */
const char *
text_prom_ts(text_reader *r, const char *s, const char *e, int64_t *ts)
{
	const char *d = s + (*s == '-'), *p;
	uint64_t v = 0;
	char qb[64];

	p = text_digits(d, &v);
	if (p > d && p - d <= 18 && (p == e || *p == ' ' || *p == '\t')) {
		*ts = *s == '-' ? -(int64_t)v : (int64_t)v;
		return p;
	}
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	switch (parse_int(s, (size_t)(p - s), ts)) {
	case 0:
		return p;
	case 2:
		text_bad(r, s, (size_t)(p - s), "timestamp %s is out of range",
			 text_quote(qb, sizeof qb, s, (size_t)(p - s)));
		return NULL;
	default:
		text_bad(r, s, (size_t)(p - s), "invalid timestamp %s: want integer milliseconds",
			 text_quote(qb, sizeof qb, s, (size_t)(p - s)));
		return NULL;
	}
}

int
text_number(text_reader *r, const char *s, size_t n, double *d, const char *what)
{
	char qb[64];

	switch (text_parse_float(r, s, n, d)) {
	case 0:
		return 0;
	case 2:
		return text_bad(r, s, n, "%s %s is out of range", what,
				text_quote(qb, sizeof qb, s, n));
	default:
		return text_bad(r, s, n, "%s %s is not a number", what,
				text_quote(qb, sizeof qb, s, n));
	}
}

/* OpenMetrics timestamps are seconds; as Prometheus, ms = trunc(s * 1000). */
int
text_om_ts(text_reader *r, const char *s, size_t n, int64_t *ms, const char *what)
{
	char qb[64];
	double t, x;
	int rc;

	if ((rc = text_number(r, s, n, &t, what)))
		return rc;
	if (isnan(t) || isinf(t))
		return text_bad(r, s, n, "%s %s must be a finite number of seconds", what,
				text_quote(qb, sizeof qb, s, n));
	x = t * 1000;
	if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
		return text_bad(r, s, n, "%s %s is out of range", what,
				text_quote(qb, sizeof qb, s, n));
	*ms = (int64_t)x;
	return 0;
}
