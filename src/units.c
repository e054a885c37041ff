/* units.c: values with Kubernetes/SI units, and Prometheus durations. */
#include "units.h"

#include "novagate.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*
 * Decimal units shift the decimal exponent, so 70% reads as 70e-2, the
 * double nearest 0.7, not 70 * 0.01; binary units multiply, exactly.
 */
static const struct vunit {
	const char *name;
	int exp10;
	double mult;
} vunits[] = {
	{ "",   0, 1 },  { "%",  -2, 1 }, { "n",  -9, 1 }, { "u",  -6, 1 },
	{ "m",  -3, 1 }, { "k",  3, 1 },  { "M",  6, 1 },  { "G",  9, 1 },
	{ "T",  12, 1 }, { "P",  15, 1 },
	{ "Ki", 0, 1024.0 }, { "Mi", 0, 1048576.0 }, { "Gi", 0, 1073741824.0 },
	{ "Ti", 0, 1099511627776.0 }, { "Pi", 0, 1125899906842624.0 },
	{ "ms", -3, 1 }, { "s",  0, 1 },
};

static const struct dunit {
	const char *name;
	int64_t ms;
} dunits[] = {	/* in the order Prometheus requires them */
	{ "y", 365LL * 86400000 }, { "w", 7LL * 86400000 }, { "d", 86400000 },
	{ "h", 3600000 }, { "m", 60000 }, { "s", 1000 }, { "ms", 1 },
};

/* Length of the numeric part: digits, fraction, and an exponent only when digits follow it. */
static size_t
numlen(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'))
		i++;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t j = i + 1;
		if (j < n && (s[j] == '+' || s[j] == '-'))
			j++;
		if (j < n && s[j] >= '0' && s[j] <= '9') {
			while (j < n && s[j] >= '0' && s[j] <= '9')
				j++;
			i = j;
		}
	}
	return i;
}

/* Is u[0..n) the whole of name? */
static bool
spells(const char *name, const char *u, size_t n)
{
	size_t i = 0;

	while (i < n && name[i] && name[i] == u[i])
		i++;
	return i == n && name[i] == '\0';
}

/* The value unit spelled u[0..n), or NULL. */
static const struct vunit *
vunit_find(const char *u, size_t n)
{
	for (size_t i = 0; i < sizeof vunits / sizeof *vunits; i++)
		if (spells(vunits[i].name, u, n))
			return &vunits[i];
	return NULL;
}

/* The index in dunits of the duration unit spelled u[0..n), or -1. */
static int
dunit_find(const char *u, size_t n)
{
	for (size_t i = 0; i < sizeof dunits / sizeof *dunits; i++)
		if (spells(dunits[i].name, u, n))
			return (int)i;
	return -1;
}

/*
 * The mantissa s[0..m) times 10^e, when strtod is not needed for it:
 * digits with at most one point are an integer D and a power of ten; with
 * D <= 2^53 and the power within 10^+-22 both are exact doubles, so one
 * multiply or divide rounds once, to the double nearest the literal, the
 * one strtod returns (Clinger's fast path).  false: not that case.
 */
static bool
fast_decimal(const char *s, size_t m, long e, double *v)
{
#if FLT_EVAL_METHOD == 0	/* x87 extended precision would round twice */
	static const double pow10[] = {
		1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	};
	uint64_t d = 0;
	int ndigits = 0;	/* in d, leading zeros aside: 19 cannot overflow it */
	bool point = false, any = false;

	for (size_t i = 0; i < m; i++) {
		if (s[i] == '.') {
			if (point)
				return false;	/* strtod stops at the second one */
			point = true;
			continue;
		}
		any = true;
		e -= point;
		if (d == 0 && s[i] == '0')
			continue;
		if (++ndigits > 19)
			return false;
		d = d * 10 + (uint64_t)(s[i] - '0');
	}
	if (!any || d > (uint64_t)1 << 53)
		return false;
	if (d == 0)
		*v = 0;
	else if (e >= 0 && e <= 22)
		*v = (double)d * pow10[e];
	else if (e < 0 && e >= -22)
		*v = (double)d / pow10[-e];
	else
		return false;
	return true;
#else
	(void)s, (void)m, (void)e, (void)v;
	return false;
#endif
}

int
units_value(const char *s, size_t n, double *v, bool *percent, const char **err, size_t *errat)
{
	char buf[64];
	size_t k = numlen(s, n);
	const char *u = s + k;
	size_t un = n - k;
	const struct vunit *vu;

	*percent = false;
	if (k == 0 || k >= sizeof buf - 8) {
		*err = "malformed number";
		*errat = 0;
		return -1;
	}
	if ((vu = vunit_find(u, un))) {
		size_t m = 0;
		long e = 0;
		while (m < k && s[m] != 'e' && s[m] != 'E')
			m++;
		if (m < k)
			e = strtol(s + m + 1, NULL, 10);	/* numlen() vouched for the digits */
		if (e > 400 || e < -400)
			e = e > 0 ? 400 : -400;
		if (!fast_decimal(s, m, e + vu->exp10, v)) {
			snprintf(buf, sizeof buf, "%.*se%ld", (int)m, s, e + vu->exp10);
			*v = strtod(buf, NULL);
		}
		*v *= vu->mult;
		*percent = un == 1 && *u == '%';
		return 0;
	}
	bool compound = false;	/* 1h30m */
	for (size_t i = 0; i < un; i++)
		compound |= u[i] >= '0' && u[i] <= '9';
	*errat = k;
	*err = dunit_find(u, un) >= 0 || compound ?
		"a duration where a value belongs" : "unknown unit";
	return -1;
}

int
units_duration(const char *s, size_t n, int64_t *ms, const char **err, size_t *errat)
{
	size_t i = 0, next = 0;	/* next: index of the smallest unit still allowed */
	int64_t total = 0;

	if (numlen(s, n) == n) {
		*err = "a duration needs a unit, as in 15s or 5m";
		*errat = 0;
		return -1;
	}
	while (i < n) {
		size_t start = i;
		int64_t x = 0;

		if (s[i] < '0' || s[i] > '9') {
			*err = "malformed duration";
			*errat = i;
			return -1;
		}
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
			if (x > (INT64_MAX - 9) / 10) {
				*err = "duration out of range";
				*errat = start;
				return -1;
			}
			x = x * 10 + (s[i] - '0');
		}
		if (i < n && (s[i] == '.' || s[i] == 'e' || s[i] == 'E')) {
			*err = "durations take whole numbers, as in 90s";
			*errat = i;
			return -1;
		}
		size_t u = i;
		while (i < n && !(s[i] >= '0' && s[i] <= '9'))
			i++;
		int d = dunit_find(s + u, i - u);
		if (d < 0) {
			double v;
			bool pct;
			const char *e2;
			size_t at2;
			*err = units_value(s, n, &v, &pct, &e2, &at2) == 0 ?
				"a value where a duration belongs" : "unknown duration unit";
			*errat = u;
			return -1;
		}
		if ((size_t)d < next) {
			*err = "duration units must go from largest to smallest, as in 1h30m";
			*errat = u;
			return -1;
		}
		next = (size_t)d + 1;
		if (x > INT64_MAX / dunits[d].ms || total > INT64_MAX - x * dunits[d].ms) {
			*err = "duration out of range";
			*errat = start;
			return -1;
		}
		total += x * dunits[d].ms;
	}
	*ms = total;
	return 0;
}

/* --- the public spellings (novagate.h) ------------------------------------ */

bool
ng_parse_duration(const char *s, int64_t *ms)
{
	const char *err;
	size_t at;

	return units_duration(s, strlen(s), ms, &err, &at) == 0 && *ms >= 0;
}

bool
ng_parse_value(const char *s, double *v, bool *percent)
{
	const char *err;
	size_t at;

	return units_value(s, strlen(s), v, percent, &err, &at) == 0;
}
