/* error.c: diagnostics as values (ng_diags) and their one rendering. */
#include "error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

struct ng_diags {
	ng_diag *v;
	size_t n, cap;
};

static const char *const code_names[] = {
	[NG_OK] = "ok", [NG_EUSAGE] = "usage", [NG_ECOMPILE] = "compile", [NG_EINPUT] = "input",
	[NG_EIO] = "io", [NG_ETEST] = "test", [NG_ECONNECT] = "connect", [NG_ETIMEOUT] = "timeout",
	[NG_EHTTP] = "http", [NG_EAPI] = "api", [NG_EDECODE] = "decode", [NG_ESERIES] = "series",
	[NG_ETOOBIG] = "too-big",
};
_Static_assert(sizeof code_names / sizeof *code_names == NG_ETOOBIG + 1, "a name for every ng_errcode");

const char *
ng_errcode_name(ng_errcode code)
{
	if ((unsigned)code >= sizeof code_names / sizeof *code_names || !code_names[code])
		return "error";
	return code_names[code];
}

ng_diags *
ng_diags_new(void)
{
	return xcalloc(1, sizeof(ng_diags));
}

static void
diag_release(ng_diag *g)
{
	free((char *)g->file);
	free((char *)g->text);
	free((char *)g->metric);
	free((char *)g->server);
	free((char *)g->message);
}

void
ng_diags_clear(ng_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		diag_release(&d->v[i]);
	d->n = 0;
}

void
ng_diags_free(ng_diags *d)
{
	ng_diags_clear(d);
	if (d)
		free(d->v);
	free(d);
}

size_t
ng_diags_count(const ng_diags *d)
{
	return d ? d->n : 0;
}

const ng_diag *
ng_diags_get(const ng_diags *d, size_t i)
{
	return d && i < d->n ? &d->v[i] : NULL;
}

ng_errcode
ng_diags_error(const ng_diags *d)
{
	for (size_t i = 0; d && i < d->n; i++)
		if (d->v[i].severity == NG_SEV_ERROR)
			return d->v[i].code;
	return NG_OK;
}

ng_errcode
err_vadd(ng_diags *d, ng_severity sev, ng_errcode code, err_where at, const char *fmt, va_list ap)
{
	if (!d)
		return code;
	if (d->n == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 8;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	ng_diag *g = &d->v[d->n++];
	va_list aq;
	va_copy(aq, ap);
	int len = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	char *msg = xmalloc(len > 0 ? (size_t)len + 1 : 1);
	vsnprintf(msg, len > 0 ? (size_t)len + 1 : 1, fmt, ap);
	*g = (ng_diag){
		.severity = sev, .code = sev == NG_SEV_ERROR ? code : NG_OK,
		.file = at.file ? xstrdup(at.file) : NULL,
		.line = at.line, .col = at.col, .span = at.span,
		.text = at.text ? xstrndup(at.text, at.textlen) : NULL, .textlen = at.text ? at.textlen : 0,
		.message = msg,
	};
	return code;
}

ng_errcode
err_add(ng_diags *d, ng_severity sev, ng_errcode code, err_where at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vadd(d, sev, code, at, fmt, ap);
	va_end(ap);
	return code;
}

ng_errcode
err_fail(ng_diags *d, ng_errcode code, const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vadd(d, NG_SEV_ERROR, code, ERR_FILE(file), fmt, ap);
	va_end(ap);
	return code;
}

ng_errcode
err_io(ng_diags *d, const char *path, int errnum)
{
	return err_fail(d, NG_EIO, path, "%s", strerror(errnum));
}

void
err_copy(ng_diags *d, const ng_diag *g)
{
	if (!d || !g)
		return;
	err_add(d, g->severity, g->code, (err_where){ g->file, g->line, g->col, g->span, g->text, g->textlen },
		"%s", g->message);
	d->v[d->n - 1].code = g->code;
	err_set_metric(d, g->metric);
	err_set_server(d, g->server);
	err_set_finding(d, (ng_finding)g->finding);
}

void
err_set_code(ng_diags *d, ng_errcode code)
{
	if (d && d->n && d->v[d->n - 1].severity == NG_SEV_ERROR)
		d->v[d->n - 1].code = code;
}

static void
replace(const char **field, const char *v)
{
	free((char *)*field);
	*field = v ? xstrdup(v) : NULL;
}

void
err_set_metric(ng_diags *d, const char *metric)
{
	if (d && d->n)
		replace(&d->v[d->n - 1].metric, metric);
}

void
err_set_server(ng_diags *d, const char *server)
{
	if (d && d->n)
		replace(&d->v[d->n - 1].server, server);
}

void
err_set_finding(ng_diags *d, ng_finding f)
{
	if (d && d->n)
		d->v[d->n - 1].finding = (int)f;
}

static const char *const severity_names[] = {
	[NG_SEV_ERROR] = "error", [NG_SEV_WARNING] = "warning", [NG_SEV_NOTE] = "note", [NG_SEV_INFO] = NULL,
};

/* The source line with control bytes shown as spaces, so that the caret lines up. */
static void
render_caret(FILE *out, const char *text, size_t len, unsigned col, unsigned span)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		fputc(c == '\t' ? '\t' : (c < 0x20 || c == 0x7f) ? ' ' : c, out);
	}
	fputc('\n', out);
	for (unsigned i = 1; i < col && i - 1 < len; i++)
		fputc(text[i - 1] == '\t' ? '\t' : ' ', out);
	fputc('^', out);
	for (unsigned i = 1; i < span && col - 1 + i < len; i++)
		fputc('~', out);
	fputc('\n', out);
}

void
ng_diag_render(const ng_diag *g, const char *prog, FILE *out)
{
	const char *sev = severity_names[g->severity];

	if (g->file && g->line) {
		fprintf(out, "%s:%u:%u: %s: %s\n", g->file, g->line, g->col ? g->col : 1, sev ? sev : "info",
			g->message);
		if (g->text)
			render_caret(out, g->text, g->textlen, g->col ? g->col : 1, g->span ? g->span : 1);
		return;
	}
	if (prog)
		fprintf(out, "%s: ", prog);
	if (g->severity != NG_SEV_ERROR && sev)
		fprintf(out, "%s: ", sev);
	if (g->file)
		fprintf(out, "%s: ", g->file);
	fprintf(out, "%s\n", g->message);
}

void
ng_diags_render(const ng_diags *d, const char *prog, FILE *out)
{
	for (size_t i = 0; d && i < d->n; i++)
		ng_diag_render(&d->v[i], prog, out);
}
