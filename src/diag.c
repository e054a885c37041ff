/* diag.c: diagnostics of a text the engine holds whole (gate and test files), as values. */
#include "diag.h"

#include "error.h"

#include "util.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

void
diag_init(diag_src *d, const char *path, const char *text, size_t len, ng_diags *sink)
{
	*d = (diag_src){ .path = path, .text = text, .len = len, .sink = sink };
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

unsigned
diag_nlines(const diag_src *d)
{
	if (!d->bol)
		index_lines((diag_src *)d);
	return (unsigned)d->nlines;
}

unsigned
diag_line_start(const diag_src *d, unsigned line)
{
	return line < diag_nlines(d) ? d->bol[line] : limit(d);
}

static void render(diag_src *d, diag_span at, ng_severity sev, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/* The span clipped to its line, with the line for the caret. */
static void
render(diag_src *d, diag_span at, ng_severity sev, const char *fmt, va_list ap)
{
	unsigned line, col, bol, eol;

	diag_linecol(d, at.off, &line, &col);
	bol = at.off > d->len ? (unsigned)d->len : at.off;
	bol -= col - 1;
	for (eol = bol; eol < d->len && d->text[eol] != '\n'; eol++)
		;
	if (at.len > eol - at.off || at.off > eol)
		at.len = at.off < eol ? eol - at.off : 1;
	err_vadd(d->sink, sev, NG_ECOMPILE,
		 (err_where){ d->path, line, col, at.len ? at.len : 1, d->text + bol, eol - bol }, fmt, ap);
}

void
diag_verror(diag_src *d, diag_span at, const char *fmt, va_list ap)
{
	render(d, at, NG_SEV_ERROR, fmt, ap);
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
diag_vwarning(diag_src *d, diag_span at, const char *fmt, va_list ap)
{
	render(d, at, NG_SEV_WARNING, fmt, ap);
}

void
diag_warning(diag_src *d, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vwarning(d, at, fmt, ap);
	va_end(ap);
}

void
diag_note(diag_src *d, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	render(d, at, NG_SEV_NOTE, fmt, ap);
	va_end(ap);
}
