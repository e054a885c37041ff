/*
 * fuzz_promql.c: libFuzzer entry point for the PromQL front end,
 * pq_parse().  The first byte picks the dialect (even PromQL, odd
 * MetricsQL); the rest is the query, in a buffer of its own so that
 * reading past its end is caught.  Besides the sanitizers it checks what
 * promql.h promises: every diagnostic's span inside the text and a
 * message of one line, the error count, no selectors when there are
 * errors, selectors' spans inside the text; and that a query without
 * errors is written into one that parses without errors and is written
 * the same again.  `make fuzz` runs it over tests/fuzz/corpus/promql/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "promql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const pq_query *q, size_t len)
{
	int nerr = 0;

	for (int i = 0; i < pq_ndiags(q); i++) {
		const pq_diag *d = pq_diag_at(q, i);
		if (!d || !d->msg || !d->msg[0] || strchr(d->msg, '\n') || d->off > len || d->len > len - d->off)
			abort();
		if (i > 0 && pq_diag_at(q, i - 1)->off > d->off)
			abort();
		nerr += !d->warning;
	}
	if (nerr > pq_nerrors(q) || (pq_nerrors(q) > 0 && pq_nselectors(q) != 0))
		abort();
	for (int i = 0; i < pq_nselectors(q); i++) {
		const pq_selector *s = pq_selector_at(q, i);
		if (s->off > len || s->len > len - s->off || s->name_off + s->name_len > len || s->nm < 0)
			abort();
		for (int j = 0; j < s->nm; j++)
			if (!s->m[j].name || !s->m[j].value || s->m[j].off + s->m[j].len > len)
				abort();
		sbuf b = { 0 };
		pq_format_selector(s, &b);
		free(b.s);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	enum pq_dialect d = data[0] & 1 ? PQ_METRICSQL : PQ_PROMQL;
	size_t len = size - 1;
	char *text = malloc(len ? len : 1);
	if (!text)
		abort();
	memcpy(text, data + 1, len);
	pq_query *q = pq_parse(text, len, d);
	check(q, len);
	if (pq_nerrors(q) == 0) {
		sbuf a = { 0 }, b = { 0 };
		pq_format(q, &a);
		pq_query *r = pq_parse(a.s, a.len, d);
		check(r, a.len);
		pq_format(r, &b);
		if (pq_nerrors(r) != 0 || strcmp(a.s, b.s) != 0 || pq_query_type(r) != pq_query_type(q))
			abort();
		pq_free(r);
		free(a.s);
		free(b.s);
	}
	pq_free(q);
	free(text);
	return 0;
}
