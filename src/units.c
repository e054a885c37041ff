/*
 * units.c: values with Kubernetes/SI units, Prometheus durations, and the
 * units of metrics: the words, the suffixes each takes, and what a query
 * measures by Prometheus' naming conventions.
 */
#include "units.h"

#include "novagate.h"
#include "promql.h"
#include "sbuf.h"

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
	{ "us", -6, 1 }, { "\xc2\xb5s", -6, 1 }, { "ms", -3, 1 }, { "s",  0, 1 },	/* µs */
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

/* --- units of metrics ----------------------------------------------------- */

/*
 * The one table of units: the word a metric declares, the suffixes a
 * literal compared with it may have (a bare number always does), and the
 * end of a metric name that is in it (Prometheus' base units).  UNIT_NONE
 * takes every value suffix but m (milli, or minutes of a value in
 * seconds?), as a literal with no unit to meet: those listed, and us and
 * µs, which its list leaves to seconds (the messages that show it are
 * older than them).
 */
static const struct unitinfo {
	const char *word;
	const char *suffixes;
	const char *name_end;
} unitinfo[] = {
	[UNIT_NONE] = { "none", "% n u k M G T P Ki Mi Gi Ti Pi ms s", NULL },
	[UNIT_SECONDS] = { "seconds", "us \xc2\xb5s ms s h d w y", "_seconds" },
	[UNIT_BYTES] = { "bytes", "k M G T P Ki Mi Gi Ti Pi", "_bytes" },
	[UNIT_RATIO] = { "ratio", "%", "_ratio" },
	[UNIT_CORES] = { "cores", "n u m", NULL },
	[UNIT_COUNT] = { "count", "k M G T P", NULL },
};
_Static_assert(sizeof unitinfo / sizeof *unitinfo == UNIT__N, "a word for every unit");

/* Is x[0..n) one of the space-separated words of list? */
static bool
listed(const char *list, const char *x, size_t n)
{
	for (const char *w = list; *w;) {
		size_t len = strcspn(w, " ");
		if (len == n && memcmp(w, x, n) == 0)
			return true;
		w += len;
		w += *w == ' ';
	}
	return false;
}

const char *
units_name(enum unit u)
{
	return (unsigned)u < UNIT__N ? unitinfo[u].word : "none";
}

bool
units_parse(const char *word, enum unit *u)
{
	for (int i = 0; i < UNIT__N; i++)
		if (strcmp(unitinfo[i].word, word) == 0) {
			*u = (enum unit)i;
			return true;
		}
	return false;
}

const char *
units_suffixes(enum unit u)
{
	return unitinfo[(unsigned)u < UNIT__N ? u : UNIT_NONE].suffixes;
}


/* The unit only a literal's suffix belongs to: 1% a ratio, 256Mi bytes, 300ms seconds; 5k none. */
enum unit
units_of_literal(const char *s, size_t n)
{
	size_t k = numlen(s, n);
	enum unit only = UNIT_NONE;

	if (k == n)
		return UNIT_NONE;
	for (int u = UNIT_NONE + 1; u < UNIT__N; u++)
		if (listed(unitinfo[u].suffixes, s + k, n - k)) {
			if (only != UNIT_NONE)
				return UNIT_NONE;
			only = (enum unit)u;
		}
	return only;
}

int
units_value_in(const char *s, size_t n, enum unit u, double *v, bool *percent, const char **err, size_t *errat)
{
	size_t k = numlen(s, n), un = n - k;
	const char *x = s + k;
	bool compound = false;
	int d;

	if (u == UNIT_NONE && k > 0 && un == 1 && *x == 'm') {	/* 10m: 0.01, or ten minutes of a value in seconds? */
		*percent = false;
		*errat = k;
		return UNITS_EAMBIG;
	}
	if ((unsigned)u >= UNIT__N || u == UNIT_NONE || k == 0)
		return units_value(s, n, v, percent, err, errat);
	if (un == 0 || (listed(unitinfo[u].suffixes, x, un) && vunit_find(x, un)))
		return units_value(s, n, v, percent, err, errat);
	if (listed(unitinfo[u].suffixes, x, un) && (d = dunit_find(x, un)) >= 0) {
		if (units_value(s, k, v, percent, err, errat) < 0)
			return -1;
		*v *= (double)(dunits[d].ms / 1000);	/* h d w y: whole seconds */
		return 0;
	}
	*percent = false;
	*errat = k;
	for (size_t i = 0; i < un; i++)
		compound |= x[i] >= '0' && x[i] <= '9';
	if (u == UNIT_SECONDS && compound) {	/* 1h30m: a duration, minutes and all */
		int64_t ms;
		if (units_duration(s, n, &ms, err, errat) < 0)
			return -1;
		*v = (double)ms / 1000;
		return 0;
	}
	if (u == UNIT_SECONDS && un == 1 && *x == 'm')
		return UNITS_EAMBIG;
	if (vunit_find(x, un) || dunit_find(x, un) >= 0 || compound)
		return UNITS_EOTHER;
	*err = "unknown unit";
	return -1;
}

/*
 * What a query measures, read off its canonical text (pq_format): a walk
 * that knows selectors, calls and aggregations, and gives up (UNIT_NONE)
 * on anything else.  A selector's unit is its name's: NAME_seconds,
 * NAME_seconds_total and NAME_seconds_sum are seconds (bytes alike),
 * NAME_ratio a ratio, NAME_count a count, NAME_seconds_bucket the buckets
 * of a histogram in seconds, which only histogram_quantile() turns into
 * seconds.  Kept: by sum, min, max, avg, quantile, topk, bottomk, the
 * *_over_time of those, increase, delta and idelta; buckets by sum, rate,
 * irate and increase.  Lost: by rate of anything else (seconds per second
 * is no unit), any other function, and any operator, even `* 1000`.
 */
#define BUCKET 0x100	/* the buckets of a histogram in the unit below */

typedef struct inferred {
	int u;		/* enum unit, maybe | BUCKET */
	int sel;	/* the selector it comes from, or -1 */
} inferred;

static const inferred nothing = { UNIT_NONE, -1 };

/* Does the name[0..n) end with end, and then with tail (which may be "")? */
static bool
ends(const char *name, size_t n, const char *end, const char *tail)
{
	size_t e = strlen(end), t = strlen(tail);

	return n > e + t && memcmp(name + n - t, tail, t) == 0 && memcmp(name + n - t - e, end, e) == 0;
}

/* Selector i's unit, by its metric name. */
static inferred
selector(const pq_query *q, int i)
{
	const char *name = pq_selector_at(q, i)->metric;
	inferred r = { UNIT_NONE, i };
	size_t n = name ? strlen(name) : 0;

	if (!name)
		return nothing;
	if (ends(name, n, "_count", ""))
		r.u = UNIT_COUNT;
	for (int u = UNIT_SECONDS; u <= UNIT_BYTES; u++) {	/* the units with counters and histograms */
		const char *e = unitinfo[u].name_end;
		if (ends(name, n, e, "") || ends(name, n, e, "_total") || ends(name, n, e, "_sum"))
			r.u = u;
		else if (ends(name, n, e, "_bucket"))
			r.u = u | BUCKET;
	}
	if (ends(name, n, unitinfo[UNIT_RATIO].name_end, ""))
		r.u = UNIT_RATIO;
	return r.u == UNIT_NONE ? nothing : r;
}

static inferred expr(const pq_query *q, const pq_node *n);

/* The unit of a call: kept by the functions below, from the argument they keep. */
static inferred
call(const pq_query *q, const pq_node *n, const char *name, int nargs)
{
	static const struct { const char *name; int arg; bool buckets, plain; } keep[] = {
		{ "sum", 0, true, true }, { "min", 0, false, true }, { "max", 0, false, true },
		{ "avg", 0, false, true }, { "quantile", 1, false, true }, { "topk", 1, false, true },
		{ "bottomk", 1, false, true }, { "avg_over_time", 0, false, true },
		{ "min_over_time", 0, false, true }, { "max_over_time", 0, false, true },
		{ "last_over_time", 0, false, true }, { "quantile_over_time", 1, false, true },
		{ "increase", 0, true, true }, { "delta", 0, false, true }, { "idelta", 0, false, true },
		{ "rate", 0, true, false }, { "irate", 0, true, false },
	};

	if (strcmp(name, "histogram_quantile") == 0 && nargs == 2) {
		inferred b = expr(q, pq_arg(n, 1));
		return b.u & BUCKET ? (inferred){ b.u & ~BUCKET, b.sel } : nothing;
	}
	for (size_t i = 0; i < sizeof keep / sizeof *keep; i++)
		if (strcmp(keep[i].name, name) == 0) {
			if (nargs != keep[i].arg + 1)
				return nothing;
			inferred x = expr(q, pq_arg(n, keep[i].arg));
			return (x.u & BUCKET ? keep[i].buckets : keep[i].plain) ? x : nothing;
		}
	return nothing;
}

/* The parse tree is bounded in depth (PQ_MAXDEPTH): the recursion is too. */
static inferred
expr(const pq_query *q, const pq_node *n)
{
	const char *name;
	int nargs, sel;

	switch (n ? pq_view_of(n, &name, &nargs, &sel) : PQV_OTHER) {
	case PQV_SELECTOR:
		return selector(q, sel);
	case PQV_CALL:
		return call(q, n, name, nargs);
	default:
		return nothing;	/* numbers, operators (even * 1000), subqueries */
	}
}

enum unit
units_infer(const pq_query *q, int *sel)
{
	inferred r = q ? expr(q, pq_root(q)) : nothing;

	if (r.u & BUCKET)	/* buckets themselves are no value of the unit */
		r = nothing;
	*sel = r.sel;
	return (enum unit)r.u;
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
