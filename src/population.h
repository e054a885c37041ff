/*
 * population.h: the series of one metric (or of its baseline) in a check.
 *
 * A metric declared `by (L, ...)` is a population of series, each its own
 * sliding buffer, identified by its values of L: the identity, interned
 * check-wide as a key (keyset) so that the series of two metrics with the
 * same `by` meet on the same number.  A metric without `by` has at most
 * one member.  Members are only added during a check, so a key or member
 * index stays valid; the VM walks members in the order they came.
 */
#ifndef NG_POPULATION_H
#define NG_POPULATION_H

#include "names.h"
#include "series.h"

#include <stdbool.h>
#include <stdint.h>

/* The identities seen by a check: key k is text[k], as {pod="a"}. */
typedef struct keyset {
	char **text;
	int n, cap;
	names index;
} keyset;

void keyset_init(keyset *ks);
void keyset_free(keyset *ks);
/* The key of the identity text[0..len), added when new. */
int keyset_intern(keyset *ks, const char *text, size_t len);

typedef struct pop_member {
	series s;
	int key;		/* identity, in the check's keyset */
	bool blank;		/* none of the `by` labels: a baseline of this one stands for every series */
	char *labels;		/* its labels as first seen, {a="b",...}: what an error names it by */
	size_t llen;		/* strlen(labels) */
	int h;			/* the check's handle of it */
	int next;		/* the member looked up after it last time, or -1 */
} pop_member;

typedef struct population {
	pop_member *m;
	int n, cap;
	names bylabels;		/* members by their labels' text (borrowed from them) */
	int *bykey;		/* by key: member index + 1, 0 for none; nbykey long */
	int nbykey;
	int64_t keep;		/* each member's history (series_init) */
	int last;		/* the member looked up last, or -1 */
	int64_t count;		/* samples pushed into its members, staleness markers aside */
	int64_t first;		/* the earliest of them (count > 0) */
	bool nodefault;		/* its metric's default must not stand in for it (ng_check_absent) */
} population;

void pop_init(population *P, int64_t keep);
void pop_free(population *P);
/* Add a member of identity key; labels is taken over.  Returns its index. */
int pop_add(population *P, int key, bool blank, char *labels);

/*
 * The member whose labels are the len bytes at labels, or -1.  Samples
 * come in the same order scrape after scrape: the member that followed
 * the last one found last time is tried first, with no hashing.
 */
int pop_find_labels(population *P, const char *labels, size_t len);

/* The member of key, or -1. */
static inline int
pop_find(const population *P, int key)
{
	return key >= 0 && key < P->nbykey ? P->bykey[key] - 1 : -1;
}

/*
 * The series read for key: a metric without `by` (by false) has its one
 * member whatever the key; one with `by` the member of that identity,
 * and, as a baseline (fallback), else its only member when that one has
 * none of the `by` labels.  NULL when there is none.
 */
const series *pop_series(const population *P, bool by, bool fallback, int key);

#endif
