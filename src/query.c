/*
 * query.c: a metric's query from the gate file to the server: parameter
 * substitution that keeps where each byte came from, the PromQL check with
 * its problems reported inside the backquotes, and the probes.  See
 * query.h.
 */
#include "query.h"
#include "sbuf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

static bool
is_word(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* The output of a substitution and, byte for byte, where it comes from. */
typedef struct out {
	sbuf b;
	unsigned *orig;
	size_t cap;
} out;

static void
put(out *o, char c, unsigned from)
{
	if (o->b.len + 1 >= o->cap)
		o->orig = xrealloc(o->orig, (o->cap = 2 * o->cap + 64) * sizeof *o->orig);
	o->orig[o->b.len] = from;
	sb_add(&o->b, &c, 1);
}

/* The length of the reference ($name or ${name}) at the '$' text[off]. */
static unsigned
ref_len(const char *text, unsigned off)
{
	const char *p = text + off + 1, *q;
	bool brace = *p == '{';

	for (q = p + brace; is_word(*q); q++)
		;
	return (unsigned)(q - (text + off)) + (brace && *q == '}');
}

/*
 * $name and ${name} become the parameter's value, escaped for the PromQL
 * string literal they stand in; outside a literal a value may only be a
 * plain word, so that no value can change the query's structure.
 */
static bool
substitute(ast_query *q, query_param_fn *value, void *ctx, diag_src *d)
{
	const char *s = q->text;
	unsigned base = q->span.off + 1;	/* past the backquote */
	out o = { 0 };
	char quote = 0;
	bool ok = true;

	for (const char *p = s; *p; p++) {
		unsigned at = base + (unsigned)(p - s);
		if (quote && *p == '\\' && p[1]) {
			put(&o, p[0], at);
			put(&o, p[1], at + 1);
			p++;
			continue;
		}
		if (*p == '"' || *p == '\'')
			quote = !quote ? *p : quote == *p ? 0 : quote;
		if (*p != '$') {
			put(&o, *p, at);
			continue;
		}
		if (p[1] == '$') {
			put(&o, '$', at);
			p++;
			continue;
		}
		const char *name = p + 1 + (p[1] == '{'), *end = name;
		while (is_word(*end))
			end++;
		bool brace = p[1] == '{';
		diag_span ref = { at, (unsigned)(end - p) + brace };
		if (end == name || (brace && *end != '}')) {
			diag_error(d, ref, "malformed parameter reference; write $name or ${name} ($$ for a literal $)");
			ok = false;
			break;
		}
		size_t len = (size_t)(end - name);
		const char *val = value(ctx, name, len);
		p = end - !brace;
		if (!val) {
			diag_error(d, ref, "undefined parameter '$%.*s'", (int)len, name);
			ok = false;
			continue;
		}
		for (const char *v = val; *v; v++) {
			if (!quote && !(is_word(*v) || *v == ':' || *v == '.')) {
				diag_error(d, ref, "the value of '$%.*s' (\"%s\") may stand outside a string literal "
					   "only if it is a plain word", (int)len, name, val);
				ok = false;
				break;
			}
			if (quote && (*v == quote || *v == '\\' || *v == '\n'))
				put(&o, '\\', ref.off | QUERY_PARAM);
			put(&o, quote && *v == '\n' ? 'n' : *v, ref.off | QUERY_PARAM);
		}
	}
	put(&o, '\0', base + (unsigned)strlen(s));	/* the end: the closing backquote */
	o.b.len--;
	if (!ok) {
		free(o.b.s);
		free(o.orig);
		return false;
	}
	q->final = sb_take(&o.b);
	q->orig = o.orig;
	return true;
}

diag_span
query_file_span(const ast_query *q, const char *file_text, unsigned off, unsigned len)
{
	size_t n = strlen(q->final);

	if (off > n)
		off = (unsigned)n;
	if (len > n - off)
		len = (unsigned)(n - off);
	unsigned a = q->orig[off], b = q->orig[len ? off + len - 1 : off];
	unsigned from = a & ~QUERY_PARAM;
	unsigned to = b & QUERY_PARAM ? (b & ~QUERY_PARAM) + ref_len(file_text, b & ~QUERY_PARAM)
				      : (b & ~QUERY_PARAM) + (len != 0);
	return (diag_span){ from, to > from ? to - from : 0 };
}

bool
query_param_in(const ast_query *q, const char *file_text, unsigned off, unsigned len, diag_span *ref,
	       const char **name, size_t *namelen)
{
	size_t n = strlen(q->final);

	for (size_t i = off; i < off + (size_t)len && i < n; i++) {
		if (!(q->orig[i] & QUERY_PARAM))
			continue;
		unsigned at = q->orig[i] & ~QUERY_PARAM;
		*ref = (diag_span){ at, ref_len(file_text, at) };
		*name = file_text + at + 1 + (file_text[at + 1] == '{');
		*namelen = ref->len - 1 - 2 * (file_text[at + 1] == '{');
		return true;
	}
	return false;
}

char *
query_probe(const ast_query *q, const char *file_text, const pq_selector *s, int j)
{
	pq_selector p = { 0 };
	diag_span ref;
	const char *name;
	size_t len;
	sbuf b = { 0 };

	if (j < 0 && !s->metric)
		return NULL;
	if (j < 0)
		p.metric = s->metric;
	else if (query_param_in(q, file_text, s->m[j].off, s->m[j].len, &ref, &name, &len))
		p = (pq_selector){ .m = &s->m[j], .nm = 1 };
	else
		return NULL;
	pq_format_selector(&p, &b);
	return sb_take(&b);
}

/* Report the parser's problems at their bytes of the file, with the values of the parameters there. */
static void
report(const ast_query *q, const pq_query *pq, enum pq_dialect dialect, diag_src *d)
{
	const char *lang = dialect == PQ_METRICSQL ? "MetricsQL" : "PromQL";

	for (int i = 0; i < pq_ndiags(pq); i++) {
		const pq_diag *e = pq_diag_at(pq, i);
		diag_span at = query_file_span(q, d->text, e->off, e->len), ref;
		const char *name;
		size_t len;

		if (e->warning)
			diag_warning(d, at, "%s: %s", lang, e->msg);
		else
			diag_error(d, at, "%s: %s", lang, e->msg);
		if (query_param_in(q, d->text, e->off, e->len ? e->len : 1, &ref, &name, &len))
			diag_note(d, ref, "the query as sent: %s", q->final);
	}
}

bool
query_prepare(ast_query *q, enum pq_dialect dialect, query_param_fn *value, void *ctx, diag_src *d)
{
	int before = d->nerrors;

	if (!substitute(q, value, ctx, d))
		return false;
	q->pq = pq_parse(q->final, strlen(q->final), dialect);
	report(q, q->pq, dialect, d);
	return d->nerrors == before;
}

void
query_clear(ast_query *q)
{
	free(q->final);
	free(q->orig);
	pq_free(q->pq);
	q->final = NULL;
	q->orig = NULL;
	q->pq = NULL;
}
