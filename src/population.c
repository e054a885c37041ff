/* population.c: a metric's series by identity, and the identities of a check. */
#include "population.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

void
keyset_init(keyset *ks)
{
	*ks = (keyset){ 0 };
	names_init(&ks->index, 16);
}

void
keyset_free(keyset *ks)
{
	for (int i = 0; i < ks->n; i++)
		free(ks->text[i]);
	free(ks->text);
	names_free(&ks->index);
}

int
keyset_intern(keyset *ks, const char *text, size_t len)
{
	int k = names_findn(&ks->index, text, len);

	if (k >= 0)
		return k;
	if (ks->n == ks->cap)
		ks->text = xrealloc(ks->text, (size_t)(ks->cap = ks->cap ? 2 * ks->cap : 16) * sizeof *ks->text);
	ks->text[ks->n] = xstrndup(text, len);
	names_add(&ks->index, ks->text[ks->n], ks->n);	/* the table borrows the text, which stays put */
	return ks->n++;
}

void
pop_init(population *P, int64_t keep)
{
	*P = (population){ .keep = keep, .last = -1 };
	names_init(&P->bylabels, 0);
}

void
pop_free(population *P)
{
	for (int i = 0; i < P->n; i++) {
		series_free(&P->m[i].s);
		free(P->m[i].labels);
	}
	free(P->m);
	free(P->bykey);
	names_free(&P->bylabels);
}

int
pop_add(population *P, int key, bool blank, char *labels)
{
	if (P->n == P->cap)
		P->m = xrealloc(P->m, (size_t)(P->cap = P->cap ? 2 * P->cap : 4) * sizeof *P->m);
	P->bykey = util_grow_to(P->bykey, &P->nbykey, key, sizeof *P->bykey, 16);
	pop_member *m = &P->m[P->n];
	*m = (pop_member){ .key = key, .blank = blank, .labels = labels, .llen = strlen(labels), .next = -1 };
	series_init(&m->s, P->keep);
	P->bykey[key] = P->n + 1;
	names_add(&P->bylabels, labels, P->n);	/* the member's own text: it stays put when m moves */
	return P->n++;
}

int
pop_find_labels(population *P, const char *labels, size_t len)
{
	int next = P->last >= 0 ? P->m[P->last].next : -1;
	bool same = next >= 0 && P->m[next].llen == len && memcmp(P->m[next].labels, labels, len) == 0;
	int i = same ? next : names_findn(&P->bylabels, labels, len);

	if (i >= 0) {
		if (P->last >= 0)
			P->m[P->last].next = i;
		P->last = i;
	}
	return i;
}

const series *
pop_series(const population *P, bool by, bool fallback, int key)
{
	if (!by)
		return P->n ? &P->m[0].s : NULL;
	int i = pop_find(P, key);
	if (i >= 0)
		return &P->m[i].s;
	if (fallback && P->n == 1 && P->m[0].blank)
		return &P->m[0].s;
	return NULL;
}
