/*
 * test_seriesnot.c: the series-notation expander against promtool's own
 * cases (tests/conformance/promtool/series_notation/parser_series_cases.json:
 * every case, labels, values and error substrings), then the quirks by hand:
 * numbers as Go reads them, `stale` as the staleness marker, error spans.
 */
#include "seriesnot.h"
#include "series.h"
#include "t.h"

#include <jansson.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A value as the cases write it: a number, "_" (omitted) or "stale". */
static bool
value_is(const sn_series *s, size_t i, const char *want)
{
	if (strcmp(want, "_") == 0)
		return s->omitted[i];
	if (s->omitted[i])
		return false;
	if (strcmp(want, "stale") == 0)
		return series_is_stale(s->v[i]);
	double w = strtod(want, NULL);
	return (isnan(w) && isnan(s->v[i]) && !series_is_stale(s->v[i])) || w == s->v[i];
}

static void
one_case(json_t *c)
{
	const char *id = json_string_value(json_object_get(c, "id"));
	const char *input = json_string_value(json_object_get(c, "input"));
	const char *expect = json_string_value(json_object_get(c, "expect"));
	const char *vfield = json_string_value(json_object_get(c, "values_field"));
	sn_series s;
	sn_error err;

	T_CHECK(id && input && expect, "malformed case");
	if (!id || !input || !expect)
		return;
	int r = sn_parse_desc(input, strlen(input), &s, &err);
	if (strcmp(expect, "error") == 0) {
		T_CHECK(r < 0, "%s: '%s' parsed, want an error", id, input);
		if (r == 0)
			sn_free(&s);
		const char *sub = json_string_value(json_object_get(c, "error_contains"));
		if (r < 0 && sub) {
			/* Prometheus prefixes "parse error: " (and a position); the message is ours */
			if (strncmp(sub, "parse error: ", 13) == 0)
				sub += 13;
			T_CHECK(strstr(err.msg, sub) != NULL, "%s: error \"%s\" lacks \"%s\"", id, err.msg, sub);
		}
		T_CHECK(r >= 0 || err.off + err.len <= strlen(input) + 1, "%s: error span outside the input", id);
		return;
	}
	T_CHECK(r == 0, "%s: '%s': %s (at %zu)", id, input, err.msg, err.off);
	if (r < 0)
		return;
	json_t *labels = json_object_get(c, "labels"), *values = json_object_get(c, "values");
	T_CHECK(s.nlabels == json_object_size(labels), "%s: %zu labels, want %zu", id, s.nlabels,
		json_object_size(labels));
	const char *k;
	json_t *v;
	json_object_foreach(labels, k, v) {
		const char *got = sn_label_value(&s, k);
		T_CHECK(got && strcmp(got, json_string_value(v)) == 0, "%s: label %s = %s, want %s", id, k,
			got ? got : "(none)", json_string_value(v));
	}
	T_CHECK(s.n == json_array_size(values), "%s: %zu values, want %zu", id, s.n, json_array_size(values));
	for (size_t i = 0; i < s.n && i < json_array_size(values); i++) {
		const char *w = json_string_value(json_array_get(values, i));
		T_CHECK(value_is(&s, i, w), "%s: value %zu is %s%.17g, want %s", id, i,
			s.omitted[i] ? "_ " : "", s.v[i], w);
	}
	sn_free(&s);

	/* the docs' cases again as the YAML `values:` field alone */
	if (vfield) {
		r = sn_parse_values(vfield, strlen(vfield), &s, &err);
		T_CHECK(r == 0 && s.n == json_array_size(values), "%s: values_field '%s': %s", id, vfield,
			r ? err.msg : "wrong count");
		for (size_t i = 0; r == 0 && i < s.n && i < json_array_size(values); i++)
			T_CHECK(value_is(&s, i, json_string_value(json_array_get(values, i))),
				"%s: values_field value %zu", id, i);
		if (r == 0)
			sn_free(&s);
	}
}

static void
conformance(void)
{
	const char *path = T_CONFORMANCE "/promtool/series_notation/parser_series_cases.json";
	json_error_t je;

	json_t *cases = json_load_file(path, 0, &je);
	T_CHECK(cases && json_is_array(cases), "%s: %s", path, je.text);
	if (!cases)
		return;
	T_CHECK(json_array_size(cases) == 36, "%zu cases, the manifest says 36", json_array_size(cases));
	size_t i;
	json_t *c;
	json_array_foreach(cases, i, c)
		one_case(c);
	json_decref(cases);
}

/* Expand values and compare with want (numbers, or "_" / "stale" as strings). */
static void
expands(const char *in, size_t nwant, const char *const *want)
{
	sn_series s;
	sn_error err;
	int r = sn_parse_values(in, strlen(in), &s, &err);

	T_CHECK(r == 0, "'%s': %s", in, err.msg);
	if (r < 0)
		return;
	T_CHECK(s.n == nwant, "'%s': %zu values, want %zu", in, s.n, nwant);
	for (size_t i = 0; i < s.n && i < nwant; i++)
		T_CHECK(value_is(&s, i, want[i]), "'%s': value %zu is %.17g, want %s", in, i, s.v[i], want[i]);
	sn_free(&s);
}

#define EXPANDS(in, ...) do {						\
	static const char *const w_[] = { __VA_ARGS__ };		\
	expands(in, sizeof w_ / sizeof *w_, w_);			\
} while (0)

/* An error, its message holding msg, its span starting at off. */
static void
rejects(const char *in, const char *msg, size_t off)
{
	sn_series s;
	sn_error err;
	int r = sn_parse_values(in, strlen(in), &s, &err);

	T_CHECK(r < 0, "'%s' parsed, want an error", in);
	if (r == 0) {
		sn_free(&s);
		return;
	}
	T_CHECK(strstr(err.msg, msg) != NULL, "'%s': error \"%s\", want \"%s\"", in, err.msg, msg);
	T_CHECK(err.off == off, "'%s': error at %zu, want %zu (%s)", in, err.off, off, err.msg);
}

static void
by_hand(void)
{
	sn_series s;
	sn_error err;

	/* the notation of the issue */
	EXPANDS("0.001x4 0.08x2", "0.001", "0.001", "0.001", "0.001", "0.001", "0.08", "0.08", "0.08");
	expands("_x0", 0, NULL);
	EXPANDS("1 _x3 stale", "1", "_", "_", "_", "stale");
	expands("", 0, NULL);
	expands("   ", 0, NULL);
	EXPANDS("  7  ", "7");
	EXPANDS("1\t2\n3", "1", "2", "3");
	/* numbers: Go's ParseInt(s, 0, 64) first, then ParseFloat */
	EXPANDS("010 08 0_17 1_000 1e3 .5 1. 5e-1 1E+2", "8", "8", "15", "1000", "1000", "0.5", "1", "0.5", "100");
	EXPANDS("1_000.5 1e5_0", "1000.5", "1e50");
	EXPANDS("Inf -inf +INF NaN nan", "inf", "-inf", "inf", "nan", "nan");
	EXPANDS("9223372036854775807 99999999999999999999", "9223372036854775807", "1e20");
	EXPANDS("1e-400", "0");
	/* no hexadecimal: 0x3 is 0 four times */
	EXPANDS("0x3", "0", "0", "0", "0");
	EXPANDS("-2+4x3 1-2x4", "-2", "2", "6", "10", "1", "-1", "-3", "-5", "-7");
	EXPANDS("+1 -1", "1", "-1");
	EXPANDS("Inf+1x1", "inf", "inf");
	EXPANDS("1x00", "1");
	/* a+bxn by repeated addition, as Go's $1 += $2 */
	{
		double x = 0.1;
		char a[32], b[32], c[32];
		snprintf(a, sizeof a, "%.17g", x);
		x += 0.1;
		snprintf(b, sizeof b, "%.17g", x);
		x += 0.1;
		snprintf(c, sizeof c, "%.17g", x);
		const char *const w[] = { a, b, c };
		expands("0.1+0.1x2", 3, w);
		T_CHECK(strcmp(c, "0.30000000000000004") == 0, "0.1+0.1+0.1 is %s", c);
	}
	/* stale is the staleness marker, not any NaN */
	T_CHECK(sn_parse_values("stale NaN", 9, &s, &err) == 0, "%s", err.msg);
	T_CHECK(s.n == 2 && series_is_stale(s.v[0]) && isnan(s.v[1]) && !series_is_stale(s.v[1]),
		"stale and NaN");
	sn_free(&s);

	/* errors, and where */
	rejects("1+1", "unexpected end of input in series values, expected \"x\"", 3);
	rejects("1 2 3-10", "unexpected end of input", 8);
	rejects("-3-3 -3", "unexpected <space> in series values, expected \"x\"", 4);
	rejects("3+3x4-4", "unexpected \"-\" in series values, expected <space>", 5);
	rejects("_-2", "unexpected \"-\" in series values, expected <space>", 1);
	rejects("_a4", "unexpected identifier \"a4\" in series values, expected <space>", 1);
	rejects("stalex2", "unexpected identifier \"stalex2\" in series values, expected number or \"stale\"", 0);
	rejects("NaNx2", "unexpected identifier \"NaNx2\"", 0);
	rejects("Stale", "expected number or \"stale\"", 0);
	rejects("1 sum", "unexpected identifier \"sum\"", 2);
	rejects("1a", "bad number syntax: \"1\"", 0);
	rejects("1+-1x2", "unexpected \"-\" in series values, expected number", 2);
	rejects("1.5.3", "bad number syntax: \"1.5.\"", 0);
	rejects("1e", "bad number syntax: \"1e\"", 0);
	rejects("1__0", "bad number syntax: \"1__\"", 0);
	rejects("1_", "bad number syntax: \"1_\"", 0);
	rejects("0o17", "bad number syntax", 0);
	rejects("1e400", "error parsing number: strconv.ParseFloat: parsing \"1e400\": value out of range", 0);
	rejects("1 x4", "unexpected \"x\" in series values", 2);
	rejects("1x 4", "unexpected <space> in series values, expected number of repetitions", 2);
	rejects("1x-1", "unexpected \"-\"", 2);
	rejects("1x1.5", "invalid repetition in series values: strconv.ParseUint: parsing \"1.5\": invalid syntax", 2);
	rejects("1x1e3", "invalid repetition in series values", 2);
	rejects("1x18446744073709551616", "value out of range", 2);
	rejects("1x18446744073709551615", "the series expands to more than", 2);
	rejects("_x1048577", "the series expands to more than", 2);
	rejects("1x1048575 1", "the series expands to more than", 10);
	rejects("1 ; 2", "unexpected character in series sequence: ';'", 2);
	rejects("1 {{sum:1}}", "native histograms", 2);
	rejects("1,2", "unexpected character in series sequence: ','", 1);
	rejects("1 +", "unexpected end of input in series values, expected number", 3);
	rejects("1 +stale", "unexpected identifier \"stale\" in series values, expected number", 3);
}

/* The largest series allowed, and one value more. */
static void
limits(void)
{
	sn_series s;
	sn_error err;

	T_CHECK(sn_parse_values("1x1048575", 9, &s, &err) == 0 && s.n == SN_MAX_VALUES, "%s", err.msg);
	sn_free(&s);
	T_CHECK(sn_parse_values("_x1048576", 9, &s, &err) == 0 && s.n == SN_MAX_VALUES && s.omitted[0],
		"%s", err.msg);
	sn_free(&s);
}

static void
descriptions(void)
{
	sn_series s;
	sn_error err;
	const char *in;

	in = "p99{role=\"baseline\"}";
	T_CHECK(sn_parse_desc(in, strlen(in), &s, &err) == 0, "%s", err.msg);
	T_STREQ(sn_label_value(&s, "__name__"), "p99");
	T_STREQ(sn_label_value(&s, "role"), "baseline");
	T_CHECK(s.n == 0, "no values");
	sn_free(&s);

	in = "m{a='x\\'y', b=`r\\aw`, c=\"\\x41\\101\\u00e9\\U0001F600\\n\",} 1";
	T_CHECK(sn_parse_desc(in, strlen(in), &s, &err) == 0, "%s", err.msg);
	T_STREQ(sn_label_value(&s, "a"), "x'y");
	T_STREQ(sn_label_value(&s, "b"), "r\\aw");
	T_STREQ(sn_label_value(&s, "c"), "AA\xc3\xa9\xf0\x9f\x98\x80\n");
	T_CHECK(s.n == 1 && s.v[0] == 1, "one value");
	sn_free(&s);

	static const struct { const char *in, *msg; size_t off; } bad[] = {
		{ "m{a=\"b\"}1", "unexpected number \"1\" in series values, expected <space>", 8 },
		{ "m {a=\"b\"} 1", "unexpected character in series sequence: '{'", 2 },
		{ "m{a=~\"b\"}", "unexpected \"=~\" in label set, expected \"=\"", 3 },
		{ "m{a=,b=\"c\"}", "unexpected \",\" in label set, expected string", 4 },
		{ "m{a!=\"b\"}", "unexpected \"!=\" in label set, expected \"=\"", 3 },
		{ "m{a=\"b\"", "unexpected end of input inside braces", 7 },
		{ "m{a=\"b\\q\"}", "unknown escape sequence U+0071 'q'", 6 },
		{ "m{a=\"b\\'\"}", "unknown escape sequence U+0027", 6 },
		{ "m{a=\"\\uD800\"}", "invalid Unicode code point", 5 },
		{ "m{a=\"\\x4\"}", "illegal character U+0022", 8 },
		{ "m{a=\"b\nc\"}", "unterminated quoted string", 4 },
		{ "m{a=`b}", "unterminated raw string", 4 },
		{ "m{a=\"\xff\"}", "invalid UTF-8 rune", 5 },
		{ "m{,}", "unexpected \",\" in label set, expected identifier or \"}\"", 2 },
		{ "m{{", "unexpected left brace '{'", 2 },
		{ "m{a=\"b\" c=\"d\"}", "unexpected identifier \"c\" in label set, expected \",\" or \"}\"", 8 },
		{ "1 2 3", "unexpected character: '1'", 0 },
		{ "inf 1", "unexpected number \"inf\"", 0 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		int r = sn_parse_desc(bad[i].in, strlen(bad[i].in), &s, &err);
		T_CHECK(r < 0, "'%s' parsed", bad[i].in);
		if (r == 0) {
			sn_free(&s);
			continue;
		}
		T_CHECK(strstr(err.msg, bad[i].msg) != NULL, "'%s': \"%s\", want \"%s\"", bad[i].in, err.msg,
			bad[i].msg);
		T_CHECK(err.off == bad[i].off, "'%s': at %zu, want %zu", bad[i].in, err.off, bad[i].off);
	}
}

int
main(void)
{
	conformance();
	by_hand();
	limits();
	descriptions();
	return T_DONE();
}
