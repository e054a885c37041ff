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

/* The output of a substitution, and the runs of where it comes from. */
typedef struct out {
	char *s;
	size_t n, cap;
	query_run *runs;
	int nruns, capruns;
} out;

static void
reserve(out *o, size_t k)
{
	if (o->n + k < o->cap)
		return;
	o->cap = 2 * (o->n + k) + 64;
	o->s = xrealloc(o->s, o->cap);
}

/* Bytes from from on, or all from the reference at from (param): a new run unless they go on the last. */
static void
origin(out *o, unsigned from, bool param)
{
	const query_run *r = o->nruns ? &o->runs[o->nruns - 1] : NULL;

	if (r && r->param == param && (param ? r->from == from : r->from + (o->n - r->off) == from))
		return;
	if (o->nruns == o->capruns)
		o->runs = xrealloc(o->runs, (size_t)(o->capruns = 2 * o->capruns + 4) * sizeof *o->runs);
	o->runs[o->nruns++] = (query_run){ (unsigned)o->n, from, param };
}

static void
put(out *o, char c, unsigned from, bool param)
{
	origin(o, from, param);
	reserve(o, 1);
	o->s[o->n++] = c;
}

/* k bytes of the query as they are, from offset from of the file on */
static void
put_run(out *o, const char *p, size_t k, unsigned from)
{
	origin(o, from, false);
	reserve(o, k);
	memcpy(o->s + o->n, p, k);
	o->n += k;
}

/* Where byte i of final comes from; *param: from a parameter's value. */
static unsigned
source_of(const ast_query *q, unsigned i, bool *param)
{
	int lo = 0, hi = q->nruns - 1;

	while (lo < hi) {	/* the last run whose off is <= i */
		int mid = lo + (hi - lo + 1) / 2;
		if (q->runs[mid].off <= i)
			lo = mid;
		else
			hi = mid - 1;
	}
	const query_run *r = &q->runs[lo];
	*param = r->param;
	return r->param ? r->from : r->from + (i - r->off);
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

	reserve(&o, strlen(s) + 1);	/* the usual size: one allocation */
	for (const char *p = s; *p; p++) {
		unsigned at = base + (unsigned)(p - s);
		size_t run = strcspn(p, quote ? "\"'\\$" : "\"'\\$#");	/* nothing to quote or replace */
		if (!quote && *p == '#')	/* a comment, to the end of its line: no quote in it counts */
			run = strcspn(p, "\n");
		if (run) {
			put_run(&o, p, run, at);
			p += run - 1;
			continue;
		}
		if (quote && *p == '\\' && p[1]) {
			put(&o, p[0], at, false);
			put(&o, p[1], at + 1, false);
			p++;
			continue;
		}
		if (*p == '"' || *p == '\'')
			quote = !quote ? *p : quote == *p ? 0 : quote;
		if (*p != '$') {
			put(&o, *p, at, false);
			continue;
		}
		if (p[1] == '$') {
			put(&o, '$', at, false);
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
				put(&o, '\\', ref.off, true);
			put(&o, quote && *v == '\n' ? 'n' : *v, ref.off, true);
		}
	}
	put(&o, '\0', base + (unsigned)strlen(s), false);	/* the end: the closing backquote */
	if (!ok) {
		free(o.s);
		free(o.runs);
		return false;
	}
	q->final = o.s;
	q->runs = o.runs;
	q->nruns = o.nruns;
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
	bool pa, pb;
	unsigned from = source_of(q, off, &pa), last = source_of(q, len ? off + len - 1 : off, &pb);
	unsigned to = pb ? last + ref_len(file_text, last) : last + (len != 0);
	(void)pa;
	return (diag_span){ from, to > from ? to - from : 0 };
}

bool
query_param_in(const ast_query *q, const char *file_text, unsigned off, unsigned len, diag_span *ref,
	       const char **name, size_t *namelen)
{
	size_t n = strlen(q->final);

	for (size_t i = off; i < off + (size_t)len && i < n; i++) {
		bool param;
		unsigned at = source_of(q, (unsigned)i, &param);
		if (!param)
			continue;
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
	else if (pq_matcher_positive(&s->m[j]) &&
		 query_param_in(q, file_text, s->m[j].off, s->m[j].len, &ref, &name, &len))
		p = (pq_selector){ .m = &s->m[j], .nm = 1 };
	else
		return NULL;
	pq_format_selector(&p, &b);
	return sb_take(&b);
}

char *
query_label_probe(const ast_query *q, const char *file_text, const pq_selector *s, int j)
{
	const pq_matcher *m = &s->m[j];
	diag_span ref;
	const char *name;
	size_t len;
	sbuf b = { 0 };

	if (!s->metric || !pq_matcher_positive(m) || strcmp(m->name, "__name__") == 0 ||
	    query_param_in(q, file_text, m->off, m->len, &ref, &name, &len))
		return NULL;
	pq_matcher has = { .name = m->name, .op = PQ_NE, .value = "" };
	pq_format_selector(&(pq_selector){ .metric = s->metric, .m = &has, .nm = 1 }, &b);
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
	free(q->runs);
	pq_free(q->pq);
	q->final = NULL;
	q->runs = NULL;
	q->nruns = 0;
	q->pq = NULL;
}
