/*
 * test_units.c: number literals with units (units_value) and Prometheus
 * durations (units_duration), as the spec's "Numbers with units" sets them
 * out: every value unit, every duration unit, the same text read both ways,
 * and each error with its message and the offset the caret points at.
 */
#include "units.h"
#include "promql.h"
#include "t.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MS_S	1000LL
#define MS_M	(60 * MS_S)
#define MS_H	(60 * MS_M)
#define MS_D	(24 * MS_H)
#define MS_W	(7 * MS_D)
#define MS_Y	(365 * MS_D)

/* --- helpers -------------------------------------------------------------- */

static void
value_ok(const char *s, double want, bool want_pct, int line)
{
	double v = -12345;
	bool pct = !want_pct;
	const char *err = NULL;
	size_t at = 999;
	int rc = units_value(s, strlen(s), &v, &pct, &err, &at);

	T_CHECK(rc == 0, "line %d: units_value(\"%s\") failed: %s", line, s, err ? err : "?");
	if (rc != 0)
		return;
	T_CHECK(v == want || fabs(v - want) <= 1e-15 * fabs(want),
		"line %d: units_value(\"%s\") = %.17g, want %.17g", line, s, v, want);
	T_CHECK(pct == want_pct, "line %d: units_value(\"%s\"): percent %d, want %d", line, s, pct, want_pct);
}

static void
value_err(const char *s, const char *want, size_t want_at, int line)
{
	double v = 0;
	bool pct;
	const char *err = NULL;
	size_t at = 999;
	int rc = units_value(s, strlen(s), &v, &pct, &err, &at);

	T_CHECK(rc == -1, "line %d: units_value(\"%s\") = %d (value %g), want an error", line, s, rc, v);
	if (rc != -1)
		return;
	T_CHECK(err && strcmp(err, want) == 0, "line %d: units_value(\"%s\"): error \"%s\", want \"%s\"",
		line, s, err ? err : "(null)", want);
	T_CHECK(at == want_at, "line %d: units_value(\"%s\"): error at %zu, want %zu", line, s, at, want_at);
}

static void
dur_ok(const char *s, int64_t want, int line)
{
	int64_t ms = -12345;
	const char *err = NULL;
	size_t at = 999;
	int rc = units_duration(s, strlen(s), &ms, &err, &at);

	T_CHECK(rc == 0, "line %d: units_duration(\"%s\") failed: %s", line, s, err ? err : "?");
	if (rc == 0)
		T_CHECK(ms == want, "line %d: units_duration(\"%s\") = %lld ms, want %lld",
			line, s, (long long)ms, (long long)want);
}

static void
dur_err(const char *s, const char *want, size_t want_at, int line)
{
	int64_t ms = 0;
	const char *err = NULL;
	size_t at = 999;
	int rc = units_duration(s, strlen(s), &ms, &err, &at);

	T_CHECK(rc == -1, "line %d: units_duration(\"%s\") = %d (%lld ms), want an error",
		line, s, rc, (long long)ms);
	if (rc != -1)
		return;
	T_CHECK(err && strcmp(err, want) == 0, "line %d: units_duration(\"%s\"): error \"%s\", want \"%s\"",
		line, s, err ? err : "(null)", want);
	T_CHECK(at == want_at, "line %d: units_duration(\"%s\"): error at %zu, want %zu", line, s, at, want_at);
}

#define VALUE_OK(s, w)		value_ok(s, w, false, __LINE__)
#define PCT_OK(s, w)		value_ok(s, w, true, __LINE__)
#define VALUE_ERR(s, e, at)	value_err(s, e, at, __LINE__)
#define DUR_OK(s, w)		dur_ok(s, w, __LINE__)
#define DUR_ERR(s, e, at)	dur_err(s, e, at, __LINE__)

static const char E_DUR_IN_VALUE[] = "a duration where a value belongs";
static const char E_VALUE_IN_DUR[] = "a value where a duration belongs";
static const char E_NEEDS_UNIT[] = "a duration needs a unit, as in 15s or 5m";
static const char E_WHOLE[] = "durations take whole numbers, as in 90s";
static const char E_ORDER[] = "duration units must go from largest to smallest, as in 1h30m";

/* --- values ----------------------------------------------------------------- */

static void
values(void)
{
	/* plain numbers */
	VALUE_OK("0", 0);
	VALUE_OK("42", 42);
	VALUE_OK("0.5", 0.5);
	VALUE_OK(".5", 0.5);
	VALUE_OK("5.", 5);
	VALUE_OK("1e-3", 0.001);
	VALUE_OK("1E3", 1000);
	VALUE_OK("2.5e+2", 250);

	/* every value unit */
	PCT_OK("5%", 0.05);
	PCT_OK("0.5%", 0.005);
	PCT_OK("100%", 1);
	VALUE_OK("3n", 3e-9);
	VALUE_OK("3u", 3e-6);
	VALUE_OK("200m", 0.2);		/* Kubernetes milli-CPU */
	VALUE_OK("5m", 0.005);		/* milli, never minutes, in a value */
	VALUE_OK("2k", 2000);
	VALUE_OK("2M", 2e6);
	VALUE_OK("2G", 2e9);
	VALUE_OK("1G", 1e9);
	VALUE_OK("2T", 2e12);
	VALUE_OK("2P", 2e15);
	VALUE_OK("1Ki", 1024);
	VALUE_OK("256Mi", 256.0 * 1048576);
	VALUE_OK("2Gi", 2.0 * 1073741824);
	VALUE_OK("3Ti", 3.0 * 1099511627776);
	VALUE_OK("1Pi", 1125899906842624.0);
	VALUE_OK("300ms", 0.3);		/* seconds, as latencies are */
	VALUE_OK("2s", 2);
	VALUE_OK("1.5k", 1500);
	VALUE_OK("1e3k", 1e6);
	VALUE_OK(".5Ki", 512);

	/* units are case-sensitive: M is mega, m is milli */
	VALUE_OK("1M", 1e6);
	VALUE_OK("1m", 1e-3);

	/* durations in a value context: the caret goes under the unit */
	VALUE_ERR("1h", E_DUR_IN_VALUE, 1);
	VALUE_ERR("2d", E_DUR_IN_VALUE, 1);
	VALUE_ERR("1w", E_DUR_IN_VALUE, 1);
	VALUE_ERR("1y", E_DUR_IN_VALUE, 1);
	VALUE_ERR("1h30m", E_DUR_IN_VALUE, 1);
	VALUE_ERR("15m30s", E_DUR_IN_VALUE, 2);
	VALUE_ERR("1m30s", E_DUR_IN_VALUE, 1);

	/* unknown units */
	VALUE_ERR("200q", "unknown unit", 3);
	VALUE_ERR("5KB", "unknown unit", 1);
	VALUE_ERR("5ki", "unknown unit", 1);	/* Ki, not ki */
	VALUE_ERR("5mi", "unknown unit", 1);
	VALUE_ERR("1e", "unknown unit", 1);	/* an exponent needs digits */
	VALUE_ERR("5%%", "unknown unit", 1);

	/* no digits at all */
	VALUE_ERR("", "malformed number", 0);
	VALUE_ERR("k", "malformed number", 0);

	/* only n bytes are read: "5m" of "5ms" is 0.005 */
	{
		double v = 0;
		bool pct = true;
		const char *err = NULL;
		size_t at = 0;
		T_CHECK(units_value("5ms", 2, &v, &pct, &err, &at) == 0 && v == 0.005 && !pct,
			"units_value(\"5ms\", 2) = %g, want 0.005", v);
	}
}

/* --- durations -------------------------------------------------------------- */

static void
durations(void)
{
	/* every duration unit */
	DUR_OK("500ms", 500);
	DUR_OK("1ms", 1);
	DUR_OK("15s", 15 * MS_S);
	DUR_OK("5m", 5 * MS_M);
	DUR_OK("5m", 300000);		/* the same text as the value 0.005 */
	DUR_OK("1h", MS_H);
	DUR_OK("2d", 2 * MS_D);
	DUR_OK("1w", MS_W);
	DUR_OK("1y", MS_Y);
	DUR_OK("1y", 31536000000LL);	/* a Prometheus year is 365 days */
	DUR_OK("0s", 0);

	/* compound, largest unit first */
	DUR_OK("1h30m", MS_H + 30 * MS_M);
	DUR_OK("1h30m", 5400000);
	DUR_OK("1m30s", 90 * MS_S);
	DUR_OK("2s500ms", 2500);
	DUR_OK("1y2w3d4h5m6s7ms", MS_Y + 2 * MS_W + 3 * MS_D + 4 * MS_H + 5 * MS_M + 6 * MS_S + 7);
	DUR_OK("90s", 90 * MS_S);	/* a unit need not be "full" */
	DUR_OK("120m", 2 * MS_H);

	/* only n bytes are read */
	{
		int64_t ms = 0;
		const char *err = NULL;
		size_t at = 0;
		T_CHECK(units_duration("5ms", 2, &ms, &err, &at) == 0 && ms == 5 * MS_M,
			"units_duration(\"5ms\", 2) = %lld, want 300000", (long long)ms);
	}

	/* a unitless number */
	DUR_ERR("15", E_NEEDS_UNIT, 0);
	DUR_ERR("0", E_NEEDS_UNIT, 0);
	DUR_ERR("0.5", E_NEEDS_UNIT, 0);
	DUR_ERR("1e3", E_NEEDS_UNIT, 0);

	/* value units where a duration belongs: the caret under the unit */
	DUR_ERR("5%", E_VALUE_IN_DUR, 1);
	DUR_ERR("256Mi", E_VALUE_IN_DUR, 3);
	DUR_ERR("2k", E_VALUE_IN_DUR, 1);
	DUR_ERR("1M", E_VALUE_IN_DUR, 1);	/* mega is not months */

	/* fractions */
	DUR_ERR("1.5m", E_WHOLE, 1);
	DUR_ERR("1.5h", E_WHOLE, 1);
	DUR_ERR("1h1.5m", E_WHOLE, 3);
	DUR_ERR("1e3s", E_WHOLE, 1);

	/* order: largest first, each unit once */
	DUR_ERR("30m1h", E_ORDER, 4);
	DUR_ERR("1s1m", E_ORDER, 3);
	DUR_ERR("500ms1s", E_ORDER, 6);
	DUR_ERR("1m1m", E_ORDER, 3);
	DUR_ERR("1h30m1h", E_ORDER, 6);

	/* unknown units */
	DUR_ERR("5q", "unknown duration unit", 1);
	DUR_ERR("5M5", "unknown duration unit", 1);
	DUR_ERR("1hx", "unknown duration unit", 1);
	DUR_ERR("1h5q", "unknown duration unit", 3);

	/* malformed */
	DUR_ERR(".5s", "malformed duration", 0);

	/* out of range: never wraps to a small or negative duration */
	DUR_ERR("300000000y", "duration out of range", 0);
	DUR_ERR("99999999999999999999s", "duration out of range", 0);
	DUR_ERR("1y9223372036854775807ms", "duration out of range", 2);
	DUR_OK("106751991167d", 106751991167LL * MS_D);	/* the largest whole number of days */
	DUR_ERR("106751991168d", "duration out of range", 0);
}

/*
 * A literal is the double nearest the decimal number it denotes, as
 * Prometheus parses 0.7 or 7e-1: `70%` must equal a ratio of 0.7 that
 * Prometheus computes, or `cache_hit_rate < 70%` holds at exactly 70%.
 * Scaling by an inexact factor (n * 0.01) is off by an ulp for 35%, 70%,
 * 95% and many more.
 */
static void
exact(const char *unit, int exp10)
{
	char lit[32], dec[32];
	int bad = 0, first = -1;
	double got = 0, want = 0;

	for (int n = 0; n <= 1000; n++) {
		double v;
		bool pct;
		const char *err;
		size_t at;

		snprintf(lit, sizeof lit, "%d%s", n, unit);
		snprintf(dec, sizeof dec, "%de%d", n, exp10);
		if (units_value(lit, strlen(lit), &v, &pct, &err, &at) != 0 || v != strtod(dec, NULL)) {
			if (first < 0)
				first = n, got = v, want = strtod(dec, NULL);
			bad++;
		}
	}
	T_CHECK(bad == 0, "%d of 0%s..1000%s are not the nearest double, the first %d%s: got %.17g, want %.17g",
		bad, unit, unit, first, unit, got, want);
}

static void
exactness(void)
{
	double v = 0;
	bool pct;
	const char *err;
	size_t at;

	T_CHECK(units_value("70%", 3, &v, &pct, &err, &at) == 0 && v == 0.7,
		"70%% = %.17g, want 0.7 (%.17g)", v, 0.7);
	T_CHECK(units_value("95%", 3, &v, &pct, &err, &at) == 0 && v == 0.95,
		"95%% = %.17g, want 0.95 (%.17g)", v, 0.95);
	T_CHECK(units_value("9m", 2, &v, &pct, &err, &at) == 0 && v == 0.009,
		"9m = %.17g, want 0.009 (%.17g)", v, 0.009);
	exact("%", -2);
	exact("m", -3);
	exact("ms", -3);
	exact("u", -6);
	exact("n", -9);
	exact("k", 3);
	exact("M", 6);
	exact("G", 9);
	exact("T", 12);
	exact("P", 15);
}

/*
 * Plain decimals skip strtod (units.c, fast_decimal): on random literals,
 * most of them near the edges of that path (16 to 20 digits, D around
 * 2^53, powers of ten around 10^+-22) and some past them, every value
 * must have the bits of strtod's reading of MANTISSA e EXP+UNIT, times
 * the unit's factor, which is what units_value computed before it had
 * the fast path.
 */
static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const struct { const char *name; int exp10; double mult; } some_units[] = {
	{ "", 0, 1 }, { "%", -2, 1 }, { "n", -9, 1 }, { "u", -6, 1 }, { "m", -3, 1 }, { "k", 3, 1 },
	{ "M", 6, 1 }, { "G", 9, 1 }, { "T", 12, 1 }, { "P", 15, 1 }, { "Ki", 0, 1024.0 },
	{ "Mi", 0, 1048576.0 }, { "Pi", 0, 1125899906842624.0 }, { "ms", -3, 1 }, { "s", 0, 1 },
};

/* A random mantissa: digits, maybe a point (or two), maybe leading zeros. */
static size_t
random_mantissa(char *b)
{
	size_t n = 0;

	if (next_rand() % 3 == 0) {	/* an integer near 2^53, or any 64-bit one */
		uint64_t d = next_rand() % 2 ? ((uint64_t)1 << 53) - 1000 + next_rand() % 2000 :
			     next_rand() >> (next_rand() % 64);
		n = (size_t)snprintf(b, 32, "%llu", (unsigned long long)d);
	} else {
		int nd = 1 + (int)(next_rand() % (next_rand() % 2 ? 6 : 21));
		for (int i = next_rand() % 5 == 0 ? (int)(next_rand() % 4) : 0; i > 0; i--)
			b[n++] = '0';
		for (int i = 0; i < nd; i++)
			b[n++] = (char)('0' + (next_rand() % 4 == 0 ? 0 : next_rand() % 10));
	}
	if (next_rand() % 4) {	/* a point anywhere, the ends included */
		size_t at = (size_t)(next_rand() % (n + 1));
		memmove(b + at + 1, b + at, n - at);
		b[at] = '.';
		n++;
	}
	if (next_rand() % 64 == 0)
		b[n++] = '.';
	b[n] = '\0';
	return n;
}

static void
fast_path(void)
{
	char lit[96], ref[96];
	int bad = 0, n = 0;
	char first[96] = "";
	double got1 = 0, want1 = 0;

	for (int i = 0; i < 200000; i++) {
		size_t len = random_mantissa(lit);
		long e = 0;
		int u = (int)(next_rand() % (sizeof some_units / sizeof *some_units));

		if (next_rand() % 3 == 0) {
			e = (long)(next_rand() % 61) - 30;
			if (next_rand() % 16 == 0)
				e = (long)(next_rand() % 1001) - 500;
			len += (size_t)snprintf(lit + len, sizeof lit - len, "e%s%ld", e >= 0 && next_rand() % 2 ? "+" : "", e);
		}
		len += (size_t)snprintf(lit + len, sizeof lit - len, "%s", some_units[u].name);
		if (e > 400 || e < -400)
			e = e > 0 ? 400 : -400;
		snprintf(ref, sizeof ref, "%.*se%ld", (int)strcspn(lit, "eE%nukKMGTPms"), lit, e + some_units[u].exp10);

		double v = 0, want = strtod(ref, NULL) * some_units[u].mult;
		bool pct;
		const char *err = NULL;
		size_t at;
		int rc = units_value(lit, len, &v, &pct, &err, &at);
		n++;
		if (rc != 0 || memcmp(&v, &want, sizeof v) != 0 || pct != (some_units[u].name[0] == '%')) {
			if (!bad++)
				snprintf(first, sizeof first, "%s", lit), got1 = v, want1 = want;
		}
	}
	T_CHECK(bad == 0, "%d of %d random literals differ from strtod, the first %s: got %.17g, want %.17g",
		bad, n, first, got1, want1);
}

/* --- literals against a unit (units_value_in) -------------------------------- */

static void
value_in(const char *s, enum unit u, int want_rc, double want, size_t want_at, int line)
{
	double v = -12345;
	bool pct;
	const char *err = NULL;
	size_t at = 999;
	int rc = units_value_in(s, strlen(s), u, &v, &pct, &err, &at);

	T_CHECK(rc == want_rc, "line %d: units_value_in(\"%s\", %s) = %d (%s), want %d", line, s, units_name(u),
		rc, rc == -1 && err ? err : "", want_rc);
	if (rc == 0 && want_rc == 0)
		T_CHECK(v == want, "line %d: units_value_in(\"%s\", %s) = %.17g, want %.17g", line, s,
			units_name(u), v, want);
	else if (rc == want_rc)
		T_CHECK(at == want_at, "line %d: units_value_in(\"%s\", %s): error at %zu, want %zu", line, s,
			units_name(u), at, want_at);
}
#define IN_OK(s, u, want) value_in(s, u, 0, want, 0, __LINE__)
#define IN_ERR(s, u, rc, at) value_in(s, u, rc, 0, at, __LINE__)

static void
against_units(void)
{
	/* a bare number stands against any unit */
	for (int u = 0; u < UNIT__N; u++)
		IN_OK("42", (enum unit)u, 42);

	/* seconds: durations, m aside */
	IN_OK("250ms", UNIT_SECONDS, 0.25);
	IN_OK("1.5s", UNIT_SECONDS, 1.5);
	IN_OK("500us", UNIT_SECONDS, 0.0005);
	IN_OK("500\xc2\xb5s", UNIT_SECONDS, 0.0005);
	IN_OK("1h", UNIT_SECONDS, 3600);
	IN_OK("1.5h", UNIT_SECONDS, 5400);
	IN_OK("2d", UNIT_SECONDS, 172800);
	IN_OK("1w", UNIT_SECONDS, 604800);
	IN_OK("1y", UNIT_SECONDS, 31536000);
	IN_OK("1h30m", UNIT_SECONDS, 5400);	/* compound: m is minutes there */
	IN_OK("1m30s", UNIT_SECONDS, 90);
	IN_ERR("1m", UNIT_SECONDS, UNITS_EAMBIG, 1);
	IN_ERR("1.5m", UNIT_SECONDS, UNITS_EAMBIG, 3);
	IN_ERR("64Mi", UNIT_SECONDS, UNITS_EOTHER, 2);
	IN_ERR("5%", UNIT_SECONDS, UNITS_EOTHER, 1);
	IN_ERR("500u", UNIT_SECONDS, UNITS_EOTHER, 3);
	IN_ERR("1q", UNIT_SECONDS, -1, 1);
	IN_ERR("1h30", UNIT_SECONDS, -1, 4);
	IN_ERR("1.5h30m", UNIT_SECONDS, -1, 1);		/* durations take whole numbers */

	/* bytes: SI and binary multiples */
	IN_OK("256Mi", UNIT_BYTES, 256.0 * 1048576);
	IN_OK("1G", UNIT_BYTES, 1e9);
	IN_OK("2k", UNIT_BYTES, 2000);
	IN_ERR("256ms", UNIT_BYTES, UNITS_EOTHER, 3);
	IN_ERR("256m", UNIT_BYTES, UNITS_EOTHER, 3);
	IN_ERR("1h", UNIT_BYTES, UNITS_EOTHER, 1);
	IN_ERR("1h30m", UNIT_BYTES, UNITS_EOTHER, 1);

	/* ratio: percentages */
	IN_OK("5%", UNIT_RATIO, 0.05);
	IN_ERR("5m", UNIT_RATIO, UNITS_EOTHER, 1);

	/* cores: milli, micro, nano */
	IN_OK("200m", UNIT_CORES, 0.2);
	IN_OK("5n", UNIT_CORES, 5e-9);
	IN_ERR("200ms", UNIT_CORES, UNITS_EOTHER, 3);
	IN_ERR("60%", UNIT_CORES, UNITS_EOTHER, 2);

	/* count: multiples */
	IN_OK("1.5k", UNIT_COUNT, 1500);
	IN_ERR("500m", UNIT_COUNT, UNITS_EOTHER, 3);

	/* none: as units_value, us and \xc2\xb5s included, m not */
	IN_ERR("1m", UNIT_NONE, UNITS_EAMBIG, 1);	/* 0.001, or a minute of a value in seconds? */
	IN_OK("500us", UNIT_NONE, 0.0005);
	IN_OK("500\xc2\xb5s", UNIT_NONE, 0.0005);
	IN_ERR("1h", UNIT_NONE, -1, 1);

	/* every suffix a unit lists is read against it */
	for (int u = 0; u < UNIT__N; u++) {
		const char *w = units_suffixes((enum unit)u);
		while (*w) {
			char buf[16] = "1";
			size_t len = strcspn(w, " ");
			memcpy(buf + 1, w, len);
			buf[len + 1] = '\0';
			double v;
			bool pct;
			const char *err = "";
			size_t at;
			T_CHECK(units_value_in(buf, len + 1, (enum unit)u, &v, &pct, &err, &at) == 0,
				"\"%s\" against %s: %s", buf, units_name((enum unit)u), err);
			w += len;
			w += *w == ' ';
		}
	}

	/* the words */
	enum unit u = UNIT_NONE;
	T_CHECK(units_parse("seconds", &u) && u == UNIT_SECONDS, "units_parse(seconds)");
	T_CHECK(units_parse("none", &u) && u == UNIT_NONE, "units_parse(none)");
	T_CHECK(!units_parse("furlongs", &u), "units_parse(furlongs)");
	for (int i = 0; i < UNIT__N; i++)
		T_CHECK(units_parse(units_name((enum unit)i), &u) && u == (enum unit)i, "units_name(%d)", i);
}

/* --- what a query measures (units_infer) ------------------------------------- */

static void
infer(const char *query, enum unit want, const char *want_from, int line)
{
	pq_query *q = pq_parse(query, strlen(query), PQ_PROMQL);
	int sel = 99;
	enum unit u = units_infer(q, &sel);
	const char *from = sel >= 0 ? pq_selector_at(q, sel)->metric : NULL;

	T_CHECK(pq_nerrors(q) == 0, "line %d: %s does not parse", line, query);
	T_CHECK(u == want, "line %d: units_infer(%s) = %s, want %s", line, query, units_name(u), units_name(want));
	if (want_from)
		T_CHECK(from && strcmp(from, want_from) == 0, "line %d: units_infer(%s) from %s, want %s", line,
			query, from ? from : "(none)", want_from);
	else
		T_CHECK(sel == -1, "line %d: units_infer(%s): selector %d, want none", line, query, sel);
	pq_free(q);
}
#define INFER(q, u, from) infer(q, u, from, __LINE__)

static void
inference(void)
{
	/* names */
	INFER("foo_seconds", UNIT_SECONDS, "foo_seconds");
	INFER("foo_seconds_total", UNIT_SECONDS, "foo_seconds_total");
	INFER("foo_seconds_sum", UNIT_SECONDS, "foo_seconds_sum");
	INFER("foo_seconds_count", UNIT_COUNT, "foo_seconds_count");
	INFER("foo_bytes{a=\"b\"}", UNIT_BYTES, "foo_bytes");
	INFER("foo_bytes_total offset 5m", UNIT_BYTES, "foo_bytes_total");
	INFER("{\"foo_ratio\"}", UNIT_RATIO, "foo_ratio");
	INFER("{__name__=\"foo_ratio\"}", UNIT_RATIO, "foo_ratio");
	INFER("foo_total", UNIT_NONE, NULL);
	INFER("foo", UNIT_NONE, NULL);
	INFER("_seconds", UNIT_NONE, NULL);
	INFER("foo_seconds_bucket", UNIT_NONE, NULL);	/* a bucket's count */
	INFER("foo_seconds_created", UNIT_NONE, NULL);

	/* histograms */
	INFER("histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{job=\"a\"}[1m])))",
	      UNIT_SECONDS, "http_request_duration_seconds_bucket");
	INFER("histogram_quantile(0.5, rate(x_bytes_bucket[5m] offset 1d))", UNIT_BYTES, "x_bytes_bucket");
	INFER("histogram_quantile(0.5, sum without (pod) (increase(x_seconds_bucket[5m])))", UNIT_SECONDS,
	      "x_seconds_bucket");
	INFER("histogram_quantile(0.5, max by (le) (rate(x_seconds_bucket[5m])))", UNIT_NONE, NULL);
	INFER("histogram_quantile(0.5, rate(x_seconds[5m]))", UNIT_NONE, NULL);	/* a native histogram: not sure */
	INFER("sum(rate(x_seconds_bucket[5m]))", UNIT_NONE, NULL);

	/* what keeps a unit */
	INFER("max(container_memory_working_set_bytes)", UNIT_BYTES, "container_memory_working_set_bytes");
	INFER("max(sum by (pod) (container_memory_working_set_bytes))", UNIT_BYTES,
	      "container_memory_working_set_bytes");
	INFER("(avg(x_seconds))", UNIT_SECONDS, "x_seconds");
	INFER("quantile(0.9, x_seconds)", UNIT_SECONDS, "x_seconds");
	INFER("topk(3, x_bytes)", UNIT_BYTES, "x_bytes");
	INFER("max_over_time(x_seconds[5m])", UNIT_SECONDS, "x_seconds");
	INFER("quantile_over_time(0.9, x_seconds[5m])", UNIT_SECONDS, "x_seconds");
	INFER("max_over_time(x_seconds[10m:1m])", UNIT_SECONDS, "x_seconds");
	INFER("sum(increase(x_seconds_total[1h]))", UNIT_SECONDS, "x_seconds_total");
	INFER("increase(x_seconds_count[1h])", UNIT_COUNT, "x_seconds_count");
	INFER("delta(x_bytes[1h])", UNIT_BYTES, "x_bytes");
	INFER("max(x_seconds @ start())", UNIT_SECONDS, "x_seconds");

	/* what loses it */
	INFER("sum(rate(container_cpu_usage_seconds_total[1m]))", UNIT_NONE, NULL);	/* seconds per second */
	INFER("rate(x_bytes_total[1m])", UNIT_NONE, NULL);
	INFER("count(x_seconds)", UNIT_NONE, NULL);
	INFER("abs(x_seconds)", UNIT_NONE, NULL);
	INFER("-x_seconds", UNIT_NONE, NULL);
	INFER("x_seconds * 1000", UNIT_NONE, NULL);
	INFER("max(x_bytes / y_bytes)", UNIT_NONE, NULL);
	INFER("sum(rate(x_seconds_sum[5m])) / sum(rate(x_seconds_count[5m]))", UNIT_NONE, NULL);
	INFER("x_seconds > bool on (a) group_left (b) y", UNIT_NONE, NULL);
	INFER("1 - avg(rate(node_cpu_seconds_total{mode=\"idle\"}[5m]))", UNIT_NONE, NULL);
	INFER("vector(1)", UNIT_NONE, NULL);
	INFER("1", UNIT_NONE, NULL);
	{
		int sel = 99;
		T_CHECK(units_infer(NULL, &sel) == UNIT_NONE && sel == -1, "units_infer(NULL)");
	}
}

int
main(void)
{
	values();
	exactness();
	fast_path();
	durations();
	against_units();
	inference();
	return T_DONE();
}
