/*
 * fuzz_seriesnot.c: libFuzzer entry point for promtool's series notation
 * (src/seriesnot.c).  The input is read as a series description and as a
 * values string; an error must point into the input, a series hold at most
 * SN_MAX_VALUES values.  And promtool reads a test's series as
 * ParseSeriesDesc(series + " " + values): the values string must read the
 * same alone as after "m " (the same values bit for bit, or the same
 * error two bytes on).  `make fuzz` runs it over tests/fuzz/corpus/seriesnot/
 * (the cases of tests/conformance/promtool/series_notation).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "seriesnot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int rc, const sn_series *s, const sn_error *e, size_t n)
{
	if (rc != 0 && rc != -1)
		abort();
	if (rc) {
		/* at the end of the input an error may stand on the byte after it */
		if (!e->msg[0] || e->off > n || e->len > n - e->off + 1)
			abort();
		return;
	}
	if (s->n > SN_MAX_VALUES || (s->n && (!s->v || !s->omitted)))
		abort();
	for (size_t i = 0; i < s->nlabels; i++)
		if (!s->labels[i].name || !s->labels[i].value || s->labels[i].value[s->labels[i].value_len] != '\0')
			abort();
}

static int
same_values(const sn_series *a, const sn_series *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->omitted[i] != b->omitted[i] || memcmp(&a->v[i], &b->v[i], sizeof a->v[i]) != 0)
			return 0;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	char *m = malloc(size + 2);
	sn_series d, v, mv;
	sn_error e, ev, emv;
	int rc, rv, rmv;

	if (!m)
		abort();
	rc = sn_parse_desc(s, size, &d, &e);
	check(rc, &d, &e, size);
	sn_free(&d);

	memcpy(m, "m ", 2);
	memcpy(m + 2, data, size);
	rv = sn_parse_values(s, size, &v, &ev);
	check(rv, &v, &ev, size);
	rmv = sn_parse_desc(m, size + 2, &mv, &emv);
	check(rmv, &mv, &emv, size + 2);
	if (rv != rmv)
		abort();
	const char *name = rmv == 0 ? sn_label_value(&mv, "__name__") : NULL;
	if (rv == 0 && (!same_values(&v, &mv) || mv.nlabels != 1 || !name || strcmp(name, "m") != 0))
		abort();
	if (rv != 0 && (strcmp(ev.msg, emv.msg) != 0 || ev.off + 2 != emv.off || ev.len != emv.len))
		abort();
	sn_free(&v);
	sn_free(&mv);
	free(m);
	return 0;
}
