/*
 * text_diag.c: the diagnostics of the exposition-format reader: an error
 * at a span of the line being read (NG_EINPUT, shown with the line), and
 * the quoting of the input's bytes in messages.
 */
#include "text_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "utf8.h"

int
text_bad(text_reader *r, const char *at, size_t span, const char *fmt, ...)
{
	va_list ap;
	size_t col = (size_t)(at - r->line);

	if (col > r->linelen)
		col = r->linelen;
	if (span == 0 || span > r->linelen - col)
		span = r->linelen > col ? r->linelen - col : 1;
	if (span > 200)
		span = 200;
	va_start(ap, fmt);
	err_vadd(r->diags, NG_SEV_ERROR, NG_EINPUT,
		 (err_where){ r->path, r->lineno, (unsigned)col + 1, (unsigned)span, r->line, r->linelen },
		 fmt, ap);
	va_end(ap);
	return r->err = TEXT_EBAD;
}

/* Bytes of invalid UTF-8 or control characters as \xHH. */
const char *
text_quote(char *dst, size_t size, const char *s, size_t n)
{
	bool u = utf8_valid(s, n);
	size_t o = 0, i;

	dst[o++] = '"';
	for (i = 0; i < n && o + 10 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			dst[o++] = '\\', dst[o++] = (char)c;
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !u))
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	if (i < n)
		memcpy(dst + o, "...", 3), o += 3;
	dst[o++] = '"';
	dst[o] = '\0';
	return dst;
}

/* The byte at p quoted, or "end of line". */
const char *
text_got(char *dst, size_t size, const char *p, const char *e)
{
	if (p >= e)
		return "end of line";
	return text_quote(dst, size, p, 1);
}
