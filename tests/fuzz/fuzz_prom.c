/*
 * fuzz_prom.c: libFuzzer entry point for the Prometheus API response
 * decoder, prom_decode().  The first byte picks the HTTP status the body
 * was served with; the rest is the body.  Besides the sanitizers it checks
 * what source_prom.h promises: a status of the decoder's four, an error
 * (one line of UTF-8: it may go into JSON) exactly when it failed, an
 * errorType only for NG_EAPI, and on success well-formed series: one point
 * each for a vector or a scalar, strictly increasing times in a matrix.
 * `make fuzz` runs it over tests/fuzz/corpus/prom/ (the API bodies of
 * tests/conformance/api).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_prom.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const long statuses[] = { 200, 200, 200, 200, 204, 206, 301, 400, 401, 404, 422, 429, 500, 502, 503, 599 };

/* Valid UTF-8 without a newline or a NUL. */
static int
one_line(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3 :
			*p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
		if (n == 0 || *p == '\n')
			return 0;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return 0;
		p += n;
	}
	return 1;
}

static void
check(int st, const prom_result *r)
{
	if (st != 0 && st != NG_EAPI && st != NG_EHTTP && st != NG_EDECODE)
		abort();
	if ((st != 0) != (r->error != NULL) || (r->error && !one_line(r->error)))
		abort();
	if (r->error_type && st != NG_EAPI)
		abort();
	for (size_t i = 0; i < r->nnotes; i++)
		if (!r->notes[i] || !one_line(r->notes[i]))
			abort();
	if (st != 0)
		return;
	if (r->type == PROM_NONE || (r->type == PROM_SCALAR && r->nseries != 1))
		abort();
	for (size_t i = 0; i < r->nseries; i++) {
		const prom_series *s = &r->series[i];
		if (!s->labels || !one_line(s->labels) || (r->type != PROM_MATRIX && s->npts != 1))
			abort();
		for (size_t j = 1; j < s->npts; j++)
			if (s->pts[j].t <= s->pts[j - 1].t)
				abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	prom_result r;
	char *body;
	int st;

	if (size == 0)
		return 0;
	/* a copy of its own: the decoder must not read past len */
	if (!(body = malloc(size - 1 ? size - 1 : 1)))
		abort();
	memcpy(body, data + 1, size - 1);
	st = prom_decode(body, size - 1, statuses[data[0] % (sizeof statuses / sizeof *statuses)], &r);
	check(st, &r);
	prom_result_free(&r);
	/* the scalar result's shape alone */
	prom_point p;
	st = prom_decode_point(body, size - 1, &p);
	if (st != 0 && st != -1)
		abort();
	free(body);
	return 0;
}
