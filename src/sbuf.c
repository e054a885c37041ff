/* sbuf.c: the growing string, doubling from 256 bytes, trimmed when taken. */
#include "sbuf.h"
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Room for n more bytes and the NUL. */
static void
grow(sbuf *b, size_t n)
{
	if (n >= SIZE_MAX / 4 - b->len)
		abort();	/* cannot happen: every input is limited far below */
	size_t need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < need)
			cap *= 2;
		b->s = xrealloc(b->s, b->cap = cap);
	}
}

void
sb_add(sbuf *b, const char *s, size_t n)
{
	grow(b, n);
	if (n)
		memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void vprintf_to(sbuf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

static void
vprintf_to(sbuf *b, const char *fmt, va_list ap)
{
	va_list again;
	int n;

	/* in place when it fits, else once more into room made for it */
	va_copy(again, ap);
	n = vsnprintf(b->s ? b->s + b->len : NULL, b->cap - b->len, fmt, ap);
	if (n >= 0 && (size_t)n >= b->cap - b->len) {
		grow(b, (size_t)n);
		vsnprintf(b->s + b->len, (size_t)n + 1, fmt, again);
	}
	va_end(again);
	if (n < 0) {
		grow(b, 0);
		b->s[b->len] = '\0';	/* an encoding error adds nothing */
		return;
	}
	b->len += (size_t)n;
}

void
sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf_to(b, fmt, ap);
	va_end(ap);
}

void
sb_trim_spaces(sbuf *b, size_t from)
{
	while (b->len > from && b->s[b->len - 1] == ' ')
		b->s[--b->len] = '\0';
}

char *
sb_take(sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	if (b->s && b->cap - b->len > 64)	/* kept strings (probes, messages) hold no slack */
		s = xrealloc(s, b->len + 1);
	*b = (sbuf){ 0 };
	return s;
}

char *
sb_fmt(const char *fmt, ...)
{
	sbuf b = { 0 };
	va_list ap;

	va_start(ap, fmt);
	vprintf_to(&b, fmt, ap);
	va_end(ap);
	return sb_take(&b);
}
