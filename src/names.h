/*
 * names.h: names mapped to indices, in an open-addressing hash table, so
 * that sema.c finds a name and spots a duplicate in constant time.
 *
 * A table borrows its names (they outlive it) and owns only its slots,
 * which names_free() releases; a zeroed table is an empty one.
 */
#ifndef NG_NAMES_H
#define NG_NAMES_H

#include <stddef.h>

typedef struct names_slot names_slot;

typedef struct names {
	names_slot *slot;
	size_t cap, n;		/* cap: 0 or a power of two */
} names;

/* An empty table with room for n names before it grows. */
void names_init(names *t, size_t n);
void names_free(names *t);

/*
 * Map name to v unless the table has it already: returns -1 when added,
 * else the index given with the name first (that one is kept).
 */
int names_add(names *t, const char *name, int v);

/* The index of name, or -1. */
int names_find(const names *t, const char *name);
/* The same for the len bytes at name (no NUL needed). */
int names_findn(const names *t, const char *name, size_t len);

#endif
