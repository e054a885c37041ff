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

int
main(void)
{
	test_corpus();
	ERROR_IS("x{", 2, 0, "unexpected end of input inside braces");
	FORMATS("a + b * c", "a + (b * c)");
	REJECTS("1 == 1", NULL);
	MQL_REJECTS("WITH (x = 1) x", NULL);
	MQL_FORMATS("rate(x)", "rate(x)");
	WARNS("foo[5s x 5s]", "Prometheus 2.x");
	return T_DONE();
}
