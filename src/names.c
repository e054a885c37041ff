/* names.c: open addressing with linear probing, FNV-1a, at most half full. */
#include "names.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct names_slot {
	const char *name;	/* NULL: empty */
	size_t len;
	uint32_t hash;
	int v;
};

static uint32_t
hash(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

/* The slot of name, or the empty one where it would go. */
static names_slot *
probe(const names *t, const char *name, size_t len, uint32_t h)
{
	size_t mask = t->cap - 1;

	for (size_t i = h & mask;; i = (i + 1) & mask) {
		names_slot *s = &t->slot[i];
		if (!s->name || (s->hash == h && s->len == len && memcmp(s->name, name, len) == 0))
			return s;
	}
}

static void
resize(names *t, size_t cap)
{
	names old = *t;

	t->cap = cap;
	t->slot = xcalloc(cap, sizeof *t->slot);
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].name)
			*probe(t, old.slot[i].name, old.slot[i].len, old.slot[i].hash) = old.slot[i];
	free(old.slot);
}

void
names_init(names *t, size_t n)
{
	size_t cap = 16;

	*t = (names){ 0 };
	if (!n)
		return;
	while (cap < 2 * n)
		cap *= 2;
	resize(t, cap);
}

void
names_free(names *t)
{
	free(t->slot);
	*t = (names){ 0 };
}

int
names_add(names *t, const char *name, int v)
{
	size_t len = strlen(name);
	uint32_t h = hash(name, len);
	names_slot *s;

	if (2 * (t->n + 1) > t->cap)
		resize(t, t->cap ? 2 * t->cap : 16);
	s = probe(t, name, len, h);
	if (s->name)
		return s->v;
	*s = (names_slot){ .name = name, .len = len, .hash = h, .v = v };
	t->n++;
	return -1;
}

int
names_findn(const names *t, const char *name, size_t len)
{
	if (!t->cap)
		return -1;
	const names_slot *s = probe(t, name, len, hash(name, len));
	return s->name ? s->v : -1;
}

int
names_find(const names *t, const char *name)
{
	return names_findn(t, name, strlen(name));
}
