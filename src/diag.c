/* diag.c: the one place diagnostics are rendered. */
#include "diag.h"

#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

void
diag_init(diag_src *d, const char *path, const char *text, size_t len, FILE *out)
{
	*d = (diag_src){ .path = path, .text = text, .len = len, .out = out };
}

void
diag_free(diag_src *d)
{
	free(d->bol);
	d->bol = NULL;
	d->nlines = 0;
}

/* Offsets are unsigned: a text past UINT_MAX bytes is seen up to there. */
static unsigned
limit(const diag_src *d)
{
	return d->len > UINT_MAX ? UINT_MAX : (unsigned)d->len;
}

/* The start of the line after the one holding i, or 0 past the last line. */
static size_t
next_bol(const diag_src *d, size_t i, size_t lim)
{
	const char *nl = i < lim ? memchr(d->text + i, '\n', lim - i) : NULL;

	return nl ? (size_t)(nl - d->text) + 1 : 0;
}

/* The start of every line, once: each span would otherwise rescan the text. */
static void
index_lines(diag_src *d)
{
	size_t n = 1, lim = limit(d);

	for (size_t i = 0; (i = next_bol(d, i, lim)); )
		n++;
	d->bol = xmalloc(n * sizeof *d->bol);
	d->bol[0] = 0;
	d->nlines = 1;
	for (size_t i = 0; (i = next_bol(d, i, lim)); )
		d->bol[d->nlines++] = (unsigned)i;
}

void
diag_linecol(const diag_src *d, unsigned off, unsigned *line, unsigned *col)
{
	size_t lo = 0, hi;

	if (!d->bol)	/* a cache: filling it changes nothing d stands for */
		index_lines((diag_src *)d);
	if (off > limit(d))
		off = limit(d);
	/* the last line that starts at or before off */
	for (hi = d->nlines; hi - lo > 1; ) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->bol[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	*line = (unsigned)lo + 1;
	*col = off - d->bol[lo] + 1;
}

void
diag_render_line(FILE *out, const char *path, unsigned line, unsigned col,
		 const char *linetext, size_t linelen, unsigned span,
		 const char *kind, const char *msg)
{
	fprintf(out, "%s:%u:%u: %s: %s\n", path, line, col, kind, msg);
	if (!linetext)
		return;
	/* Echo the line with control bytes shown as spaces so the caret lines up. */
	for (size_t i = 0; i < linelen; i++) {
		unsigned char c = (unsigned char)linetext[i];
		fputc(c == '\t' ? '\t' : (c < 0x20 || c == 0x7f) ? ' ' : c, out);
	}
	fputc('\n', out);
	for (unsigned i = 1; i < col && i - 1 < linelen; i++)
		fputc(linetext[i - 1] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	for (unsigned i = 1; i < span && col - 1 + i < linelen; i++)
		fputc('~', out);
	fputc('\n', out);
}

static void render(diag_src *d, diag_span at, const char *kind, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void
render(diag_src *d, diag_span at, const char *kind, const char *fmt, va_list ap)
{
	char msg[1024];
	unsigned line, col, bol, eol;

	vsnprintf(msg, sizeof msg, fmt, ap);
	diag_linecol(d, at.off, &line, &col);
	bol = at.off > d->len ? (unsigned)d->len : at.off;
	bol -= col - 1;
	for (eol = bol; eol < d->len && d->text[eol] != '\n'; eol++)
		;
	if (at.len > eol - at.off || at.off > eol)
		at.len = at.off < eol ? eol - at.off : 1;
	diag_render_line(d->out, d->path, line, col, d->text + bol, eol - bol,
			 at.len ? at.len : 1, kind, msg);
}

void
diag_verror(diag_src *d, diag_span at, const char *fmt, va_list ap)
{
	render(d, at, "error", fmt, ap);
	d->nerrors++;
}

void
diag_error(diag_src *d, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(d, at, fmt, ap);
	va_end(ap);
}

void
diag_warning(diag_src *d, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	render(d, at, "warning", fmt, ap);
	va_end(ap);
}

void
diag_note(diag_src *d, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	render(d, at, "note", fmt, ap);
	va_end(ap);
}
