/* diag.c: diagnostics of a text the engine holds whole (gate and test files), as values. */
#include "diag.h"

#include "error.h"

#include <string.h>

void
diag_init(diag_src *d, const char *path, const char *text, size_t len, ng_diags *sink)
{
	d->path = path;
	d->text = text;
	d->len = len;
	d->sink = sink;
	d->nerrors = 0;
}

void
diag_linecol(const diag_src *d, unsigned off, unsigned *line, unsigned *col)
{
	unsigned l = 1, bol = 0;

	if (off > d->len)
		off = (unsigned)d->len;
	for (unsigned i = 0; i < off; i++)
		if (d->text[i] == '\n')
			l++, bol = i + 1;
	*line = l;
	*col = off - bol + 1;
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
diag_warning(diag_src *d, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	render(d, at, NG_SEV_WARNING, fmt, ap);
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
