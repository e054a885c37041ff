/*
 * error.h: the one way library code reports a problem: it appends an
 * ng_diag to the caller's ng_diags (include/novagate.h) and returns the
 * error's code.  Nothing in the library prints; the command line renders
 * the list with ng_diag_render().
 */
#ifndef NG_ERROR_H
#define NG_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#include "novagate.h"

/* Where a diagnostic points: file and position (line 0: none), the source line for the caret. */
typedef struct err_where {
	const char *file;
	unsigned line, col, span;
	const char *text;	/* the source line, not NUL-terminated; NULL: none */
	size_t textlen;
} err_where;

#define ERR_NOWHERE ((err_where){ 0 })
#define ERR_FILE(path) ((err_where){ .file = (path) })
#define ERR_LINE(path, l, c) ((err_where){ .file = (path), .line = (l), .col = (c) })

/*
 * Append a diagnostic; d may be NULL (nothing kept).  Returns code, so that
 * `return err_add(d, ...)` reports and fails in one step.
 */
ng_errcode err_add(ng_diags *d, ng_severity sev, ng_errcode code, err_where at, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
ng_errcode err_vadd(ng_diags *d, ng_severity sev, ng_errcode code, err_where at, const char *fmt, va_list ap)
	__attribute__((format(printf, 5, 0)));
/* An error without a position: err_add(d, NG_SEV_ERROR, code, ERR_FILE(file), ...). */
ng_errcode err_fail(ng_diags *d, ng_errcode code, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A file that cannot be read or written: "PATH: strerror(errnum)", NG_EIO. */
ng_errcode err_io(ng_diags *d, const char *path, int errnum);
/* Append a copy of g; set the code of the last diagnostic (an error). */
void err_copy(ng_diags *d, const ng_diag *g);
void err_set_code(ng_diags *d, ng_errcode code);
/* Attach the metric or the server (no credentials) to the last diagnostic. */
void err_set_metric(ng_diags *d, const char *metric);
void err_set_server(ng_diags *d, const char *server);
void err_set_finding(ng_diags *d, ng_finding f);

#endif
