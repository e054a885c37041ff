/*
 * sbuf.h: the one growing string.  A zeroed sbuf is empty; after any sb_
 * call s is allocated and NUL-terminated, len bytes long.  The sbuf owns s
 * until sb_take() hands it over (or the caller frees b.s).  Allocation
 * aborts on out of memory (util.h).
 */
#ifndef NG_SBUF_H
#define NG_SBUF_H

#include <stddef.h>

typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

/* Append n bytes of s (which may hold NULs). */
void sb_add(sbuf *b, const char *s, size_t n);
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Drop the spaces at the end, back to byte from at most. */
void sb_trim_spaces(sbuf *b, size_t from);
/* The string, "" when nothing was added; b is empty again. */
char *sb_take(sbuf *b);
/* A new string, formatted. */
char *sb_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
