/*
 * fuzz_text_diff.c: libFuzzer entry point that reads one input twice, with
 * the exposition reader's fast path (fastline() and its label cache) and
 * with every line through the general parser (text_read_mem_slow), and
 * aborts unless both give the same samples (name, labels, value bit for
 * bit, timestamp, line), the same status and the same diagnostic; and, for
 * a format given, read as a stream in pieces of 1 to 64 bytes (the second
 * byte says) as against the rest of the input read at once.  Within
 * each read, two samples with the same nonzero name_id must have the same
 * name, and with the same nonzero labels_id the same labels.  The first byte
 * picks the format.  `make fuzz` runs it (tests/fuzz/corpus/text_diff/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* One sample, flattened: its name, then each label's name and value, each as length and bytes. */
typedef struct flat {
	unsigned line;
	uint64_t value;		/* the double's bits */
	int64_t ts;
	int has_ts;
	uint64_t name_id, labels_id;
	char *name, *labels;
	size_t namelen, labelslen;
} flat;

typedef struct reading {
	flat *s;
	size_t n, cap;
} reading;

static char *
put(char *p, const char *s, size_t n)
{
	memcpy(p, &n, sizeof n);
	memcpy(p + sizeof n, s, n);
	return p + sizeof n + n;
}

static int
keep(void *ctx, const text_sample *s)
{
	reading *rd = ctx;
	size_t len = 0;
	flat *f;

	if (rd->n == rd->cap) {
		rd->cap = rd->cap ? 2 * rd->cap : 64;
		if (!(rd->s = realloc(rd->s, rd->cap * sizeof *rd->s)))
			abort();
	}
	f = &rd->s[rd->n++];
	*f = (flat){ .line = s->line, .ts = s->ts_ms, .has_ts = s->has_ts, .name_id = s->name_id,
		     .labels_id = s->labels_id, .namelen = s->name_len };
	memcpy(&f->value, &s->value, sizeof f->value);
	if (!(f->name = malloc(s->name_len + 1)))
		abort();
	memcpy(f->name, s->name, s->name_len);
	for (size_t i = 0; i < s->nlabels; i++)
		len += 2 * sizeof(size_t) + s->labels[i].name_len + s->labels[i].value_len;
	if (!(f->labels = malloc(len + 1)))
		abort();
	char *p = f->labels;
	for (size_t i = 0; i < s->nlabels; i++) {
		p = put(p, s->labels[i].name, s->labels[i].name_len);
		p = put(p, s->labels[i].value, s->labels[i].value_len);
	}
	f->labelslen = len;
	return 0;
}

static void
clear(reading *rd)
{
	for (size_t i = 0; i < rd->n; i++) {
		free(rd->s[i].name);
		free(rd->s[i].labels);
	}
	free(rd->s);
}

static int
same_text(const char *a, size_t an, const char *b, size_t bn)
{
	return an == bn && memcmp(a, b, an) == 0;
}

/* By id, then index: samples sharing an id sort together. */
static const reading *by;
static int by_labels;

static int
cmp_id(const void *x, const void *y)
{
	const flat *a = &by->s[*(const size_t *)x], *b = &by->s[*(const size_t *)y];
	uint64_t i = by_labels ? a->labels_id : a->name_id, j = by_labels ? b->labels_id : b->name_id;

	return i != j ? (i < j ? -1 : 1) : a < b ? -1 : a > b;
}

/* Equal nonzero ids, equal names (labels): source_text.h's promise to callbacks. */
static void
check_ids(const reading *rd, int labels)
{
	size_t *ix = malloc((rd->n ? rd->n : 1) * sizeof *ix), m = 0;

	if (!ix)
		abort();
	for (size_t i = 0; i < rd->n; i++)
		if (labels ? rd->s[i].labels_id : rd->s[i].name_id)
			ix[m++] = i;
	by = rd;
	by_labels = labels;
	qsort(ix, m, sizeof *ix, cmp_id);
	for (size_t i = 1; i < m; i++) {
		const flat *a = &rd->s[ix[i - 1]], *b = &rd->s[ix[i]];
		if (labels ? a->labels_id != b->labels_id : a->name_id != b->name_id)
			continue;
		if (labels ? !same_text(a->labels, a->labelslen, b->labels, b->labelslen)
			   : !same_text(a->name, a->namelen, b->name, b->namelen))
			abort();
	}
	free(ix);
}

/* As watch --input reads: a stream given pieces of piece bytes, read after each. */
static int
read_stream(const char *buf, size_t len, enum text_format fmt, size_t piece, reading *rd, ng_diags *d)
{
	text_stream *s = text_stream_new("fuzz", fmt, keep, rd);
	size_t o = 0, n;
	int rc;

	do {
		n = len - o < piece ? len - o : piece;
		text_stream_write(s, buf + o, n);
		o += n;
		rc = text_stream_read(s, d);
	} while (!rc && n);
	text_stream_free(s);
	return rc;
}

/* Read the input one way (0 fast, 1 slow, else a stream in pieces of how - 1 bytes): its samples, its diagnostic, its status. */
static int
read_one(const char *buf, size_t len, enum text_format fmt, size_t how, reading *rd, char **diag, size_t *dlen)
{
	FILE *err = open_memstream(diag, dlen);
	ng_diags *d = ng_diags_new();
	int rc;

	if (!err)
		abort();
	if (how > 1)
		rc = read_stream(buf, len, fmt, how - 1, rd, d);
	else
		rc = (how ? text_read_mem_slow : text_read_mem)(buf, len, "fuzz", fmt, keep, rd, d);
	ng_diags_render(d, NULL, err);	/* compared as the user sees them */
	ng_diags_free(d);
	fclose(err);
	check_ids(rd, 0);
	check_ids(rd, 1);
	return rc;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	reading fast = { 0 }, slow = { 0 };
	char *dfast = NULL, *dslow = NULL;
	size_t nfast = 0, nslow = 0;
	enum text_format fmt;
	int a, b;

	if (size == 0)
		return 0;
	fmt = (enum text_format)(data[0] % 3);
	a = read_one((const char *)data + 1, size - 1, fmt, 0, &fast, &dfast, &nfast);
	b = read_one((const char *)data + 1, size - 1, fmt, 1, &slow, &dslow, &nslow);
	if (a != b || !same_text(dfast, nfast, dslow, nslow) || fast.n != slow.n)
		abort();
	for (size_t i = 0; i < fast.n; i++) {
		const flat *x = &fast.s[i], *y = &slow.s[i];
		if (x->line != y->line || x->value != y->value || x->has_ts != y->has_ts ||
		    (x->has_ts && x->ts != y->ts) || !same_text(x->name, x->namelen, y->name, y->namelen) ||
		    !same_text(x->labels, x->labelslen, y->labels, y->labelslen))
			abort();
	}
	/* a stream, when the format is given (TEXT_AUTO looks ahead in memory, not in a stream) */
	if (fmt != TEXT_AUTO && size > 1) {
		reading st = { 0 };
		char *dst = NULL;
		size_t nst = 0;
		int c = read_one((const char *)data + 2, size - 2, fmt, 2 + data[1] % 64, &st, &dst, &nst);
		clear(&fast);
		free(dfast);
		fast = (reading){ 0 };
		dfast = NULL;
		a = read_one((const char *)data + 2, size - 2, fmt, 0, &fast, &dfast, &nfast);
		if (a != c || !same_text(dfast, nfast, dst, nst) || fast.n != st.n)
			abort();
		for (size_t i = 0; i < fast.n; i++) {
			const flat *x = &fast.s[i], *y = &st.s[i];
			if (x->line != y->line || x->value != y->value || x->has_ts != y->has_ts ||
			    (x->has_ts && x->ts != y->ts) || !same_text(x->name, x->namelen, y->name, y->namelen) ||
			    !same_text(x->labels, x->labelslen, y->labels, y->labelslen))
				abort();
		}
		clear(&st);
		free(dst);
	}
	clear(&fast);
	clear(&slow);
	free(dfast);
	free(dslow);
	return 0;
}
