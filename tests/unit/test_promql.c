/*
 * test_promql.c: pq_parse() on Prometheus' own parser cases
 * (tests/conformance/promql/parser_cases.json: what either oracle accepts
 * parses, what both reject has an error), the exact message and span of
 * typical typos, the selectors a query reads, the canonical form, the
 * MetricsQL dialect, nesting, and the type of a query.
 */
#include "promql.h"
#include "t.h"

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers ---------------------------------------------------------------- */

static pq_query *
parse(const char *text, enum pq_dialect d)
{
	return pq_parse(text, strlen(text), d);
}

/* Every diagnostic of q, one a line: "E 3+2 message" or "W ...". */
static char *
diags(const pq_query *q)
{
	sbuf b = { 0 };

	sb_add(&b, "", 0);
	for (int i = 0; i < pq_ndiags(q); i++) {
		const pq_diag *d = pq_diag_at(q, i);
		sb_printf(&b, "%s %u+%u %s\n", d->warning ? "W" : "E", d->off, d->len, d->msg);
	}
	return sb_take(&b);
}

/* text has an error first of all with this span and message. */
static void
error_is(const char *text, unsigned off, unsigned len, const char *msg, int line)
{
	pq_query *q = parse(text, PQ_PROMQL);
	const pq_diag *d = NULL;

	for (int i = 0; i < pq_ndiags(q) && !d; i++)
		if (!pq_diag_at(q, i)->warning)
			d = pq_diag_at(q, i);
	T_CHECK(d != NULL, "line %d: %s: no error", line, text);
	if (d) {
		T_CHECK(strcmp(d->msg, msg) == 0, "line %d: %s: message \"%s\", want \"%s\"", line, text, d->msg, msg);
		T_CHECK(d->off == off && d->len == len, "line %d: %s: span %u+%u, want %u+%u", line, text,
			d->off, d->len, off, len);
	}
	T_CHECK(pq_nselectors(q) == 0, "line %d: %s: selectors kept despite errors", line, text);
	pq_free(q);
}
#define ERROR_IS(text, off, len, msg) error_is(text, off, len, msg, __LINE__)

/* text parses in dialect d, without errors, and is written canonically as want. */
static void
formats(const char *text, enum pq_dialect d, const char *want, int line)
{
	pq_query *q = parse(text, d);
	sbuf b = { 0 };
	char *e = diags(q);

	T_CHECK(pq_nerrors(q) == 0, "line %d: %s: errors:\n%s", line, text, e);
	pq_format(q, &b);
	T_CHECK(strcmp(b.s, want) == 0, "line %d: %s: formatted \"%s\", want \"%s\"", line, text, b.s, want);
	free(b.s);
	free(e);
	pq_free(q);
}
#define FORMATS(text, want) formats(text, PQ_PROMQL, want, __LINE__)
#define MQL_FORMATS(text, want) formats(text, PQ_METRICSQL, want, __LINE__)

/* text has at least one error in dialect d. */
static void
rejects(const char *text, enum pq_dialect d, const char *want, int line)
{
	pq_query *q = parse(text, d);
	char *e = diags(q);

	T_CHECK(pq_nerrors(q) > 0, "line %d: %s: no error", line, text);
	if (want)
		T_CHECK(strstr(e, want) != NULL, "line %d: %s: no \"%s\" in:\n%s", line, text, want, e);
	free(e);
	pq_free(q);
}
#define MQL_REJECTS(text, want) rejects(text, PQ_METRICSQL, want, __LINE__)
#define REJECTS(text, want) rejects(text, PQ_PROMQL, want, __LINE__)

/* text has no error, and a warning containing want. */
static void
warns(const char *text, const char *want, int line)
{
	pq_query *q = parse(text, PQ_PROMQL);
	char *e = diags(q);

	T_CHECK(pq_nerrors(q) == 0 && strstr(e, want) != NULL, "line %d: %s: want only a warning \"%s\":\n%s",
		line, text, want, e);
	free(e);
	pq_free(q);
}
#define WARNS(text, want) warns(text, want, __LINE__)

/* --- Prometheus' parser cases ----------------------------------------------------- */

static void
test_corpus(void)
{
	json_error_t err;
	json_t *cases = json_load_file(T_CONFORMANCE "/promql/parser_cases.json", 0, &err);
	int n = 0, ok = 0;

	T_CHECK(cases && json_is_array(cases), "parser_cases.json: %s", err.text);
	if (!cases)
		return;
	for (size_t i = 0; i < json_array_size(cases); i++) {
		json_t *c = json_array_get(cases, i);
		const char *in = json_string_value(json_object_get(c, "input"));
		size_t len = json_string_length(json_object_get(c, "input"));
		bool v3 = json_is_true(json_object_get(c, "valid_prometheus_3_14"));
		bool v2 = json_is_true(json_object_get(c, "valid_promtool_2_42"));
		pq_query *q = pq_parse(in, len, PQ_PROMQL);
		bool good = (v3 || v2) ? pq_nerrors(q) == 0 : pq_nerrors(q) > 0;
		n++;
		if (good) {
			ok++;
		} else {
			char *e = diags(q);
			fprintf(stderr, "corpus case %zu: %s (3.14 %s, 2.42 %s): got %s%s", i, in,
				v3 ? "valid" : "invalid", v2 ? "valid" : "invalid", pq_nerrors(q) ? "errors:\n" : "no error\n", e);
			free(e);
		}
		/* whatever it is, a query formats, and a valid one formats into one that parses the same */
		if (pq_nerrors(q) == 0) {
			sbuf a = { 0 }, b = { 0 };
			pq_format(q, &a);
			pq_query *r = pq_parse(a.s, a.len, PQ_PROMQL);
			pq_format(r, &b);
			T_CHECK(pq_nerrors(r) == 0 && strcmp(a.s, b.s) == 0, "case %zu: %s: formatted \"%s\" reparses as \"%s\"",
				i, in, a.s, b.s);
			pq_free(r);
			free(a.s);
			free(b.s);
		}
		pq_free(q);
	}
	T_CHECK(n == 353 && ok == n, "parser_cases.json: %d of %d cases hold", ok, n);
	printf("corpus: %d/%d\n", ok, n);
	json_decref(cases);
}

/* --- typos: the first error's span and message ---------------------------------- */

static void
test_typos(void)
{
	ERROR_IS("sum(rate(x[1m])", 3, 1, "unclosed left parenthesis");
	ERROR_IS("((1)", 0, 1, "unclosed left parenthesis");
	ERROR_IS("rat(x[1m])", 0, 3, "unknown function with name \"rat\"");
	ERROR_IS("rate(x)", 5, 1, "expected type range vector in call to function \"rate\", got instant vector");
	ERROR_IS("topk(x)", 0, 7, "wrong number of arguments for aggregate expression provided, expected 2, got 1");
	ERROR_IS("topk(x, y)", 5, 1, "expected type scalar in aggregation parameter, got instant vector");
	ERROR_IS("histogram_quantile(0.99)", 0, 24, "expected 2 argument(s) in call to \"histogram_quantile\", got 1");
	ERROR_IS("x{a=b}", 4, 1, "unexpected identifier \"b\" in label matching, expected string");
	ERROR_IS("{}", 0, 2, "vector selector must contain at least one non-empty matcher");
	ERROR_IS("{a=~\".*\"}", 0, 9, "vector selector must contain at least one non-empty matcher");
	ERROR_IS("1 == 1", 2, 2, "comparisons between scalars must use BOOL modifier");
	ERROR_IS("x[5mm]", 2, 3, "bad number or duration syntax: \"5mm\"");
	ERROR_IS("x[5m1h]", 2, 4, "not a valid duration string: \"5m1h\"");
	ERROR_IS("x[0s]", 2, 2, "duration must be greater than 0");
	ERROR_IS("x{a=\"b}", 4, 3, "unterminated quoted string");
	ERROR_IS("x{a=\"\\q\"}", 5, 2, "unknown escape sequence U+0071 'q'");
	ERROR_IS("x{a=\"\xff\"}", 5, 1, "invalid UTF-8 rune");
	ERROR_IS("sum(x) by (a", 10, 1, "unclosed left parenthesis");
	ERROR_IS("rate(x[5m]", 4, 1, "unclosed left parenthesis");
	ERROR_IS("x +", 3, 0, "unexpected end of input");
	ERROR_IS("", 0, 0, "no expression found in input");
	ERROR_IS("x)", 1, 1, "unexpected right parenthesis ')'");
	ERROR_IS("rate(x[5m],)", 11, 1, "trailing commas not allowed in function call args");
	ERROR_IS("x offset 1m offset 2m", 12, 6, "offset may not be set multiple times");
	ERROR_IS("rate(x[1m]) offset 1m", 12, 6,
		 "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
	ERROR_IS("(a + b)[5m]", 0, 11, "ranges only allowed for vector selectors");
	ERROR_IS("x and 1", 2, 3, "set operator \"and\" not allowed in binary scalar expression");
	ERROR_IS("x + bool y", 4, 4, "bool modifier can only be used on comparison operators");
	ERROR_IS("foo{__name__=\"bar\"}", 13, 5, "metric name must not be set twice: \"foo\" or \"bar\"");
	ERROR_IS("x @ Inf", 4, 3, "timestamp out of bounds for @ modifier: +Inf");
	ERROR_IS("x{a=~\"(b\"}", 5, 4, "error parsing regexp: missing closing ): \"(b\"");
	ERROR_IS("sum by (a) (x) by (b)", 15, 2, "unexpected <by>");
	ERROR_IS("1e999", 0, 5, "error parsing number: strconv.ParseFloat: parsing \"1e999\": value out of range");
	ERROR_IS("x offset 9.5e10", 9, 6, "duration out of range");
	ERROR_IS("x[5s/0s]", 4, 1, "division by zero");
	ERROR_IS("-\"a\"", 0, 4, "unary expression only allowed on expressions of type scalar or instant vector, got \"string\"");
	ERROR_IS("x[10m:5s][1m:]", 0, 14, "subquery is only allowed on instant vector, got matrix instead");
	ERROR_IS("floor(x, 1)", 0, 11, "expected 1 argument(s) in call to \"floor\", got 2");
	ERROR_IS("`a", 0, 2, "unterminated raw string");

	/* type errors are several; a syntax error stops the query */
	pq_query *q = parse("rate(x) + rat(y[1m]) + (1 == 1)", PQ_PROMQL);
	T_CHECK(pq_nerrors(q) == 3, "%d errors, want 3", pq_nerrors(q));
	pq_free(q);
	q = parse("x{a=b} + y{c=d}", PQ_PROMQL);
	T_CHECK(pq_nerrors(q) == 1, "%d errors, want 1", pq_nerrors(q));
	pq_free(q);
	/* errors in the order of the text */
	q = parse("(1 == 1) + rate(x) + rat(y)", PQ_PROMQL);
	for (int i = 1; i < pq_ndiags(q); i++)
		T_CHECK(pq_diag_at(q, i - 1)->off <= pq_diag_at(q, i)->off, "diagnostic %d out of order", i);
	pq_free(q);
}

/* --- what is legal but worth a warning ----------------------------------------------- */

static void
test_warnings(void)
{
	WARNS("foo[5s x 5s]", "Prometheus 2.x reads 'x' as ':' here; Prometheus 3 rejects it — write ':'");
	WARNS("some_metric @ start() [5m]", "Prometheus 3 rejects it");
	WARNS("foo[11s+10s-5*2^2]", "--enable-feature=promql-duration-expr");
	WARNS("foo offset -min_of(5s,step()+8s)", "--enable-feature=promql-duration-expr");
	WARNS("sort_by_label(x, \"a\")", "--enable-feature=promql-experimental-functions");
	WARNS("limitk(2, x)", "limitk is experimental");
	WARNS("double_exponential_smoothing(x[5m], 0.5, 0.5)", "experimental");
	WARNS("holt_winters(x[5m], 0.5, 0.5)", "removed in Prometheus 3");
	WARNS("rate(x[5m] anchored)", "promql-extended-range-selectors");
	REJECTS("foo[5s xy 5s]", "unexpected identifier \"xy\"");
	REJECTS("some_metric @ 1234 [5m]", "no @ modifiers allowed before range");
	pq_query *q = parse("foo[5s x 5s]", PQ_PROMQL);
	const pq_diag *d = pq_diag_at(q, 0);
	T_CHECK(d && d->warning && d->off == 7 && d->len == 1, "the warning's span");
	pq_free(q);
}

/* --- selectors --------------------------------------------------------------------------- */

static void
test_selectors(void)
{
	const char *text = "sum(rate(errors_total{code=~\"5..\"}[5m])) / sum(rate(requests_total[5m]))";
	pq_query *q = parse(text, PQ_PROMQL);
	const pq_selector *s;
	sbuf b = { 0 };

	T_CHECK(pq_nerrors(q) == 0 && pq_nselectors(q) == 2, "%d errors, %d selectors", pq_nerrors(q), pq_nselectors(q));
	if ((s = pq_selector_at(q, 0))) {
		T_STREQ(s->metric, "errors_total");
		T_CHECK(s->name_off == 9 && s->name_len == 12, "name at %u+%u", s->name_off, s->name_len);
		T_CHECK(s->off == 9 && s->len == 25, "selector at %u+%u", s->off, s->len);
		T_CHECK(s->range == 300000, "range %lld", (long long)s->range);
		T_CHECK(s->nm == 1, "%d matchers", s->nm);
		if (s->nm == 1) {
			T_STREQ(s->m[0].name, "code");
			T_CHECK(s->m[0].op == PQ_RE, "op %d", s->m[0].op);
			T_STREQ(s->m[0].value, "5..");
			T_CHECK(s->m[0].off == 28 && s->m[0].len == 5, "value at %u+%u", s->m[0].off, s->m[0].len);
		}
		pq_format_selector(s, &b);
		T_STREQ(b.s, "errors_total{code=~\"5..\"}");
		free(b.s);
		b = (sbuf){ 0 };
	}
	if ((s = pq_selector_at(q, 1))) {
		T_STREQ(s->metric, "requests_total");
		T_CHECK(s->nm == 0 && s->range == 300000, "%d matchers, range %lld", s->nm, (long long)s->range);
	}
	T_CHECK(pq_query_type(q) == PQ_VECTOR, "type %s", pq_type_name(pq_query_type(q)));
	pq_free(q);

	q = parse("histogram_quantile(0.99, sum by (le) (rate(x_bucket{v=\"1\"}[1m])))", PQ_PROMQL);
	T_CHECK(pq_nselectors(q) == 1, "%d selectors", pq_nselectors(q));
	if ((s = pq_selector_at(q, 0))) {
		T_STREQ(s->metric, "x_bucket");
		T_CHECK(s->range == 60000 && s->nm == 1 && s->off == 43 && s->len == 15, "range %lld, %d matchers, at %u+%u",
			(long long)s->range, s->nm, s->off, s->len);
		if (s->nm == 1) {
			T_STREQ(s->m[0].value, "1");
			T_CHECK(s->m[0].off == 54 && s->m[0].len == 3, "value at %u+%u", s->m[0].off, s->m[0].len);
		}
	}
	pq_free(q);

	/* the name written three ways; escapes undone; quoted back */
	q = parse("{__name__=\"up\", job!=\"a\\\"b\"} + {\"some.metric\", 'x y'=~`\\d+`}", PQ_PROMQL);
	T_CHECK(pq_nselectors(q) == 2, "%d selectors", pq_nselectors(q));
	if ((s = pq_selector_at(q, 0))) {
		T_STREQ(s->metric, "up");
		T_CHECK(s->name_off == 10 && s->name_len == 4 && s->nm == 1, "name at %u+%u, %d matchers",
			s->name_off, s->name_len, s->nm);
		if (s->nm == 1)
			T_STREQ(s->m[0].value, "a\"b");
		pq_format_selector(s, &b);
		T_STREQ(b.s, "up{job!=\"a\\\"b\"}");
		free(b.s);
		b = (sbuf){ 0 };
	}
	if ((s = pq_selector_at(q, 1))) {
		T_STREQ(s->metric, "some.metric");
		if (s->nm == 1) {
			T_STREQ(s->m[0].name, "x y");
			T_STREQ(s->m[0].value, "\\d+");
		}
		pq_format_selector(s, &b);
		T_STREQ(b.s, "{\"some.metric\", \"x y\"=~\"\\\\d+\"}");
		free(b.s);
		b = (sbuf){ 0 };
	}
	pq_free(q);

	/* a regex matcher alone is no name; a range from a duration expression is not known */
	q = parse("{__name__=~\"job:.*\"}[step()]", PQ_PROMQL);
	if ((s = pq_selector_at(q, 0))) {
		T_CHECK(s->metric == NULL && s->nm == 1 && s->range == -1, "metric %s, %d matchers, range %lld",
			s->metric ? s->metric : "(null)", s->nm, (long long)s->range);
		pq_format_selector(s, &b);
		T_STREQ(b.s, "{__name__=~\"job:.*\"}");
		free(b.s);
		b = (sbuf){ 0 };
	}
	pq_free(q);

	/* none when there are errors */
	q = parse("rate(x[5m]) + rat(y)", PQ_PROMQL);
	T_CHECK(pq_nselectors(q) == 0 && pq_selector_at(q, 0) == NULL, "%d selectors", pq_nselectors(q));
	pq_free(q);
}

/* --- the canonical form ----------------------------------------------------------------- */

static void
test_format(void)
{
	FORMATS("a + b * c", "a + (b * c)");
	FORMATS("a * b + c", "(a * b) + c");
	FORMATS("(a + b) * c", "(a + b) * c");
	FORMATS("a - b - c", "(a - b) - c");
	FORMATS("a - (b - c)", "a - (b - c)");
	FORMATS("a ^ b ^ c", "a ^ (b ^ c)");
	FORMATS("-1^2", "-(1 ^ 2)");
	FORMATS("-1 * 2", "-1 * 2");
	FORMATS("-a ^ 2", "-(a ^ 2)");
	FORMATS("Inf ^ 2 + -Inf ^ 2", "(Inf ^ 2) + -(Inf ^ 2)");	/* not "+Inf ^ 2", which reads back as +(Inf ^ 2) */
	FORMATS("(-Inf) ^ 2 + NaN", "((-Inf) ^ 2) + NaN");
	FORMATS("a or b and c", "a or (b and c)");
	FORMATS("a > bool 1 + 2", "a > bool (1 + 2)");
	FORMATS("((a))", "a");
	FORMATS("sum(rate(x[1h30m])) by (le)", "sum by (le) (rate(x[1h30m]))");
	FORMATS("sum without(a,b)(x)", "sum without (a, b) (x)");
	FORMATS("topk(5, x)", "topk(5, x)");
	FORMATS("a / on(b) group_left(c) d", "a / on (b) group_left (c) d");
	FORMATS("a and ignoring() b", "a and ignoring () b");
	FORMATS("x offset 90m", "x offset 1h30m");
	FORMATS("x[5m] offset -1w @ 100", "x[5m] offset -1w @ 100");
	FORMATS("x @ start()", "x @ start()");
	FORMATS("rate(x[5m])[30m:1m]", "rate(x[5m])[30m:1m]");
	FORMATS("(a + b)[5m:]", "(a + b)[5m:]");
	FORMATS("(-a)[5m:]", "(-a)[5m:]");
	FORMATS("x[300]", "x[5m]");
	FORMATS("'a\\'b' ", "\"a'b\"");
	FORMATS("0x10 + 010 + 1e3 + .5", "((16 + 8) + 1000) + 0.5");
	FORMATS("x{a=\"b\",c=~\"d\",}", "x{a=\"b\", c=~\"d\"}");
	FORMATS("sum by (\"a b\") ({\"x.y\"})", "sum by (\"a b\") ({\"x.y\"})");
	FORMATS("foo[2m+2m]", "foo[2m + 2m]");
	FORMATS("# a comment\nup # another\n", "up");
	FORMATS("SUM(up) BY (job)", "sum by (job) (up)");
	FORMATS("sum(sum) + by + offset", "(sum(sum) + by) + offset");
}

/* --- MetricsQL ------------------------------------------------------------------------------ */

static void
test_metricsql(void)
{
	MQL_FORMATS("rate(x)", "rate(x)");
	MQL_FORMATS("rollup_rate(x) keep_metric_names", "rollup_rate(x) keep_metric_names");
	MQL_FORMATS("sum(rate(x)) by (a) limit 5", "sum by (a) (rate(x)) limit 5");
	MQL_FORMATS("x default 0", "x default 0");
	MQL_FORMATS("x if y ifnot z", "(x if y) ifnot z");
	MQL_FORMATS("1 or 2", "1 or 2");
	MQL_FORMATS("median(x) by (a)", "median by (a) (x)");
	MQL_FORMATS("sum(x, y)", "sum(x, y)");
	MQL_FORMATS("label_set(x, \"a\", \"b\")", "label_set(x, \"a\", \"b\")");
	MQL_FORMATS("histogram_quantile(0.9, sum(rate(x_bucket)) by (le))",
		    "histogram_quantile(0.9, sum by (le) (rate(x_bucket)))");
	MQL_REJECTS("WITH (a = b) a", "MetricsQL WITH templates are not supported");
	MQL_REJECTS("rat(x)", "unknown function with name \"rat\"");
	MQL_REJECTS("clamp(x)", "expected at least 3 argument(s) in call to \"clamp\", got 1");
	MQL_REJECTS("rate(x) by (a)", "by is only allowed on an aggregate function");
	MQL_REJECTS("x{a=b}", "expected string");
	MQL_REJECTS("{}", "at least one non-empty matcher");
	MQL_REJECTS("(a+b)[5m]", "ranges only allowed");
	MQL_REJECTS("info(x)", "unknown function");
	/* and PromQL knows none of it */
	REJECTS("rate(x)", "range vector");
	REJECTS("x default 0", "unexpected identifier \"default\"");
	REJECTS("rate(x[5m]) keep_metric_names", "unexpected identifier \"keep_metric_names\"");
	REJECTS("median(x)", "unknown function with name \"median\"");
	REJECTS("sum(x) limit 5", "unexpected identifier \"limit\"");
	REJECTS("with (a = 1) a", "unexpected \"=\"");
}

/* --- limits ----------------------------------------------------------------------------------- */

static void
test_limits(void)
{
	static const char *const shapes[] = { "(", "-", "sum(", "rate(x[1m:]", "1^", "x + " , "{a=\"", "[" };
	for (size_t k = 0; k < sizeof shapes / sizeof *shapes; k++) {
		sbuf b = { 0 };
		for (int i = 0; i < 10000; i++)
			sb_printf(&b, "%s", shapes[k]);
		sb_printf(&b, "x");
		pq_query *q = pq_parse(b.s, b.len, PQ_PROMQL);
		T_CHECK(pq_nerrors(q) > 0, "10000 × \"%s\": no error", shapes[k]);
		pq_free(q);
		free(b.s);
	}
	sbuf b = { 0 };
	for (int i = 0; i < 10000; i++)
		sb_printf(&b, "(");
	pq_query *q = pq_parse(b.s, b.len, PQ_PROMQL);
	const pq_diag *d = pq_diag_at(q, 0);
	T_CHECK(d && d->off == PQ_MAXDEPTH && strstr(d->msg, "nested more than"), "10000 × '(': %s at %u",
		d ? d->msg : "(none)", d ? d->off : 0);
	pq_free(q);
	free(b.s);
	/* as deep as allowed is fine */
	b = (sbuf){ 0 };
	for (int i = 0; i < PQ_MAXDEPTH / 2 - 2; i++)
		sb_printf(&b, "abs(");
	sb_printf(&b, "x");
	for (int i = 0; i < PQ_MAXDEPTH / 2 - 2; i++)
		sb_printf(&b, ")");
	q = pq_parse(b.s, b.len, PQ_PROMQL);
	T_CHECK(pq_nerrors(q) == 0, "%d nested calls: %s", PQ_MAXDEPTH / 2 - 2,
		pq_ndiags(q) ? pq_diag_at(q, 0)->msg : "");
	pq_free(q);
	free(b.s);
	/* a long flat query is not deep: a + a + ... */
	b = (sbuf){ 0 };
	sb_printf(&b, "a");
	for (int i = 0; i < 100000; i++)
		sb_printf(&b, " or a");
	q = pq_parse(b.s, b.len, PQ_PROMQL);
	T_CHECK(pq_nerrors(q) > 0 && strstr(pq_diag_at(q, 0)->msg, "nested more than"), "a long chain of or");
	pq_free(q);
	free(b.s);
	/* text need not end in a NUL, and may hold one */
	q = pq_parse("up{a=\"b\"}xyz", 9, PQ_PROMQL);
	T_CHECK(pq_nerrors(q) == 0 && pq_nselectors(q) == 1, "length respected");
	pq_free(q);
	q = pq_parse("up\0", 3, PQ_PROMQL);
	T_CHECK(pq_nerrors(q) == 1, "a NUL byte is an error");
	pq_free(q);
}

/* --- types --------------------------------------------------------------------------------- */

static void
test_types(void)
{
	static const struct { const char *q; enum pq_type t; } cases[] = {
		{ "1", PQ_SCALAR }, { "\"a\"", PQ_STRING }, { "x", PQ_VECTOR }, { "x[5m]", PQ_MATRIX },
		{ "rate(x[5m])[1h:]", PQ_MATRIX }, { "scalar(x)", PQ_SCALAR }, { "time() - 1", PQ_SCALAR },
		{ "x * 2", PQ_VECTOR }, { "-(1 + 2)", PQ_SCALAR }, { "sum(x)", PQ_VECTOR }, { "(x[5m])", PQ_MATRIX },
	};
	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		pq_query *q = parse(cases[i].q, PQ_PROMQL);
		T_CHECK(pq_nerrors(q) == 0 && pq_query_type(q) == cases[i].t, "%s: %s, want %s", cases[i].q,
			pq_type_name(pq_query_type(q)), pq_type_name(cases[i].t));
		pq_free(q);
	}
	T_STREQ(pq_type_name(PQ_MATRIX), "range vector");
	T_STREQ(pq_type_name(PQ_VECTOR), "instant vector");
}

int
main(void)
{
	test_corpus();
	test_typos();
	test_warnings();
	test_selectors();
	test_format();
	test_metricsql();
	test_limits();
	test_types();
	return T_DONE();
}
