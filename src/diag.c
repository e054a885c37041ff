/* diag.c: the one place diagnostics are rendered. */
#include "diag.h"

#include <string.h>

void
diag_init(diag_src *d, const char *path, const char *text, size_t len, FILE *out)
{
	d->path = path;
	d->text = text;
	d->len = len;
	d->out = out;
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
