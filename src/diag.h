/*
 * diag.h: diagnostics at byte spans of a text held whole (a gate file, a
 * test file), added as values to an ng_diags (error.h) with the line and
 * column of the span and its source line; ng_diag_render() prints them
 * compiler-style:
 *
 *   FILE:LINE:COL: error: MESSAGE
 *   <the source line>
 *       ^~~~
 *
 * A diag_src borrows its text; the caller keeps it alive while the diag_src
 * is in use, and ends its use with diag_free().  Columns count bytes from 1.
 */
#ifndef NG_DIAG_H
#define NG_DIAG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

#include "novagate.h"

typedef struct diag_src {
	const char *path;	/* as the user named it */
	const char *text;	/* whole text, need not be NUL-terminated */
	size_t len;
	ng_diags *sink;		/* where diagnostics go; NULL: counted only */
	int nerrors;
	unsigned *bol;		/* offset of each line, made on first use */
	size_t nlines;
} diag_src;

/* A byte span [off, off+len) in a diag_src's text. */
typedef struct diag_span {
	unsigned off, len;
} diag_span;

void diag_init(diag_src *d, const char *path, const char *text, size_t len, ng_diags *sink);
/* Frees what d holds (not its text); a zeroed diag_src may be freed too. */
void diag_free(diag_src *d);

/* Line and column (both from 1) of a byte offset; an offset past the end counts as the end. */
void diag_linecol(const diag_src *d, unsigned off, unsigned *line, unsigned *col);

/* How many lines the text has, and where line (from 0) starts (past the last: the end). */
unsigned diag_nlines(const diag_src *d);
unsigned diag_line_start(const diag_src *d, unsigned line);

/* Report an error at span; increments d->nerrors. */
void diag_error(diag_src *d, diag_span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_verror(diag_src *d, diag_span at, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* A warning: something legal that cannot be what the author meant (no count). */
void diag_warning(diag_src *d, diag_span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void diag_vwarning(diag_src *d, diag_span at, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));
/* A note attached to the previous error (no count). */
void diag_note(diag_src *d, diag_span at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
