/*
 * promql.c: the nodes of a PromQL query, checked as they are built (the
 * checks of Prometheus' checkAST, in its words), the selectors kept for
 * lint, and the query written back canonically.  The lexer is
 * grammar/promql.re, the grammar grammar/promql.y; every allocation of a
 * parse is in its arena, freed with the query.
 *
 * What the MetricsQL dialect (PQ_METRICSQL) checks:
 *   - the syntax of PromQL, plus: a rollup function without a range
 *     (rate(x): VictoriaMetrics picks the window); keep_metric_names after
 *     a function call; limit N after an aggregation; by/without on
 *     MetricsQL's aggregate functions (median, share, topk_avg ...); the
 *     binary operators default, if and ifnot;
 *   - function names against MetricsQL's list (rollup, transform, label
 *     and aggregate functions: src/promql_funcs.def), and that a call has
 *     at least as many arguments as the function needs; argument types
 *     and the most a function takes are not checked;
 *   - aggregations: at least their parameter and one argument;
 *   - as in PromQL: label matchers, the non-empty matcher rule, ranges
 *     only on selectors and greater than 0, subqueries only on instant
 *     vectors, offset and @ placement, bool only on comparisons, vector
 *     matching and grouping only between instant vectors, unary minus
 *     only on scalars and instant vectors;
 *   - not checked: set operators (and, or, unless) and comparisons
 *     without bool between scalars are allowed;
 *   - WITH templates are an error ("not supported").
 */
#include "promql.h"
#include "promql_parser.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "utf8.h"
#include "util.h"

struct pq_func {
	const char *name;
	enum pq_type ret;
	const char *args;
	int min, max, flags;
};

enum {
	PQF_EXP = 1, PQF_PROM2 = 2, PQF_PROMONLY = 4, PQF_MQL = 8, PQF_ROLLUP = 16, PQF_AGGR = 32,
};

static const pq_func funcs[] = {
#define PQ_FUNC(name, ret, args, min, max, flags) { #name, ret, args, min, max, flags },
#include "promql_funcs.def"
#undef PQ_FUNC
};

/* Diagnostics kept of one query: sorting them stays cheap. */
#define PQ_MAXDIAGS 100

/* Blocks of a parse's memory, each twice the last: a few mallocs a query. */
struct pq_arena {
	pq_arena *next;
	size_t used, cap;	/* in units of max_align_t */
	max_align_t data[];
};

/* The first block: about what the tree of a query of that length takes, in units. */
#define PQ_ARENA_FIRST(len) (2 + (len) * 24 / sizeof(max_align_t))

struct pq_query {
	enum pq_dialect dialect;
	pq_diag *d;
	int nd, capd, nerrors;
	pq_selector *sels;
	int nsels, capsels;
	pq_node *root;
	pq_arena *arena;
};

/* --- memory and diagnostics ------------------------------------------------ */

void *
pq_alloc(pq_parser *p, size_t n)
{
	size_t units = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t);
	pq_arena *a = p->arena;

	if (!units)
		units = 1;
	if (!a || a->cap - a->used < units) {
		size_t cap = a ? 2 * a->cap : PQ_ARENA_FIRST((size_t)(p->lim - p->base));
		if (cap < units)
			cap = units;
		a = xmalloc(sizeof *a + cap * sizeof(max_align_t));
		a->next = p->arena;
		a->used = 0;
		a->cap = cap;
		p->arena = a;
	}
	void *r = &a->data[a->used];
	a->used += units;
	return memset(r, 0, units * sizeof(max_align_t));
}

char *
pq_strndup(pq_parser *p, const char *s, size_t n)
{
	char *d = pq_alloc(p, n + 1);

	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void vdiag(pq_parser *p, pq_span at, bool warning, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

static void
vdiag(pq_parser *p, pq_span at, bool warning, const char *fmt, va_list ap)
{
	pq_query *q = p->q;
	sbuf b = { 0 };
	char tmp[512];

	if (!warning)
		q->nerrors++;
	if (q->nd == PQ_MAXDIAGS)	/* enough to read; the count goes on */
		return;
	if (q->nd == q->capd) {
		q->capd = q->capd ? 2 * q->capd : 8;
		q->d = xrealloc(q->d, (size_t)q->capd * sizeof *q->d);
	}
	vsnprintf(tmp, sizeof tmp, fmt, ap);
	sb_add(&b, tmp, strlen(tmp));
	q->d[q->nd++] = (pq_diag){ at.off, at.len, warning, sb_take(&b) };
}

void
pq_error(pq_parser *p, pq_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(p, at, false, fmt, ap);
	va_end(ap);
}

void
pq_warn(pq_parser *p, pq_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdiag(p, at, true, fmt, ap);
	va_end(ap);
}

static pq_span
join(pq_span a, pq_span b)
{
	unsigned end = b.off + b.len > a.off + a.len ? b.off + b.len : a.off + a.len;
	unsigned off = a.off < b.off ? a.off : b.off;

	return (pq_span){ off, end - off };
}

/* --- names and quoting ------------------------------------------------------ */

const char *
pq_type_name(enum pq_type t)
{
	switch (t) {
	case PQ_SCALAR: return "scalar";
	case PQ_VECTOR: return "instant vector";
	case PQ_MATRIX: return "range vector";
	case PQ_STRING: return "string";
	}
	return "?";
}

/* Go's ValueType names, which a few of Prometheus' messages use. */
static const char *
value_type(enum pq_type t)
{
	return t == PQ_VECTOR ? "vector" : t == PQ_MATRIX ? "matrix" : pq_type_name(t);
}

/* s as a PromQL double-quoted string (Go's strconv.Quote for valid UTF-8; other bytes as \x). */
static void
quote(sbuf *b, const char *s)
{
	sb_add(b, "\"", 1);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
		switch (*c) {
		case '"': sb_add(b, "\\\"", 2); break;
		case '\\': sb_add(b, "\\\\", 2); break;
		case '\n': sb_add(b, "\\n", 2); break;
		case '\r': sb_add(b, "\\r", 2); break;
		case '\t': sb_add(b, "\\t", 2); break;
		default:
			if (*c < 0x20 || *c == 0x7f) {
				sb_printf(b, "\\x%02x", *c);
			} else if (*c >= 0x80) {
				size_t n = utf8_len((const char *)c, strlen((const char *)c));
				if (n == 0) {
					sb_printf(b, "\\x%02x", *c);
				} else {
					sb_add(b, (const char *)c, n);
					c += n - 1;
				}
			} else {
				sb_add(b, (const char *)c, 1);
			}
		}
	}
	sb_add(b, "\"", 1);
}

static char *
quoted(const char *s)
{
	sbuf b = { 0 };

	quote(&b, s);
	return sb_take(&b);
}

/* A name PromQL writes bare: [a-zA-Z_:][a-zA-Z0-9_:]* (no ':' for a label). */
static bool
plain_name(const char *s, bool metric)
{
	if (!*s)
		return false;
	for (const char *c = s; *c; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || *c == '_' ||
			(metric && *c == ':') || (c > s && *c >= '0' && *c <= '9');
		if (!ok)
			return false;
	}
	return true;
}

/*
 * A metric name written bare reads back as itself: not a number's word
 * (inf, nan) nor a keyword that cannot start an expression, in any case.
 */
static bool
bare_metric(const char *s)
{
	static const char *const words[] = { "inf", "nan", "on", "ignoring", "group_left", "group_right", "bool", "atan2" };

	if (!plain_name(s, true))
		return false;
	for (size_t i = 0; i < sizeof words / sizeof *words; i++)
		if (strcasecmp(s, words[i]) == 0)
			return false;
	return true;
}

/* A name bare where it reads back as itself: a label's unless a number's word (by (inf) is a number). */
static void
put_name(sbuf *b, const char *s, bool metric)
{
	if (metric ? bare_metric(s) : plain_name(s, false) && strcasecmp(s, "inf") != 0 && strcasecmp(s, "nan") != 0)
		sb_add(b, s, strlen(s));
	else
		quote(b, s);
}

/* --- regular expressions: does an RE2 expression match the empty string? --- */

static int re_matches_empty(const char *re, const char **err);

typedef struct re_scan {
	const char *s;
	int err;		/* 0, or which error: 1 missing ), 2 unexpected ), 3 missing ] */
} re_scan;

static bool re_alt(re_scan *r, int depth);

/* {n}, {n,}, {n,m}: a repetition, whether it allows 0; else a literal '{'. */
static bool
re_repeat(const char **s, bool *zero)
{
	const char *c = *s + 1;
	int digits = 0;
	bool none = true;	/* {0}, {00,3}: may repeat no times */

	while (*c >= '0' && *c <= '9')
		none = *c++ == '0' && none, digits++;
	if (!digits)
		return false;
	if (*c == ',') {
		c++;
		while (*c >= '0' && *c <= '9')
			c++;
	}
	if (*c != '}')
		return false;
	*s = c + 1;
	*zero = none;
	return true;
}

static bool
re_concat(re_scan *r, int depth)
{
	bool nullable = true;

	while (*r->s && *r->s != '|' && *r->s != ')' && !r->err) {
		bool atom;
		const char *c = r->s;
		if (*c == '(') {
			r->s++;
			bool flags_only = false;
			if (*r->s == '?') {
				const char *f = r->s + 1;
				if (*f == 'P' || *f == '<') {
					while (*f && *f != '>')
						f++;
					r->s = *f ? f + 1 : f;
				} else {
					while (*f && *f != ':' && *f != ')')
						f++;
					flags_only = *f == ')';
					r->s = *f ? f + 1 : f;
				}
			}
			if (flags_only) {
				atom = true;
			} else {
				atom = depth > 1000 ? false : re_alt(r, depth + 1);
				if (*r->s != ')') {
					if (!r->err)
						r->err = 1;
					return false;
				}
				r->s++;
			}
		} else if (*c == '[') {
			c++;
			if (*c == '^')
				c++;
			if (*c == ']')
				c++;
			while (*c && *c != ']') {
				if (*c == '[' && c[1] == ':') {
					const char *e = strstr(c + 2, ":]");
					c = e ? e + 2 : c + 1;
					continue;
				}
				if (*c == '\\' && c[1])
					c++;
				c++;
			}
			if (!*c) {
				r->err = 3;
				return false;
			}
			r->s = c + 1;
			atom = false;
		} else if (*c == '\\') {
			int e = c[1];
			atom = e == 'b' || e == 'B' || e == 'A' || e == 'z';
			r->s += e ? 2 : 1;
			if ((e == 'p' || e == 'P') && *r->s == '{') {
				while (*r->s && *r->s != '}')
					r->s++;
				if (*r->s)
					r->s++;
			} else if (e == 'Q') {
				const char *q = strstr(r->s, "\\E");
				atom = q == r->s;
				r->s = q ? q + 2 : r->s + strlen(r->s);
			}
		} else if (*c == '^' || *c == '$') {
			atom = true;
			r->s++;
		} else {
			atom = false;
			r->s += utf8_len(c, strlen(c)) ? utf8_len(c, strlen(c)) : 1;
		}
		/* quantifiers */
		for (;;) {
			bool zero;
			if (*r->s == '*' || *r->s == '?') {
				atom = true;
				r->s++;
			} else if (*r->s == '+') {
				r->s++;
			} else if (*r->s == '{' && re_repeat(&r->s, &zero)) {
				atom = atom || zero;
			} else {
				break;
			}
			if (*r->s == '?')	/* lazy */
				r->s++;
		}
		nullable = nullable && atom;
	}
	return nullable;
}

static bool
re_alt(re_scan *r, int depth)
{
	bool nullable = re_concat(r, depth);

	while (*r->s == '|' && !r->err) {
		r->s++;
		nullable = re_concat(r, depth) || nullable;
	}
	return nullable;
}

bool
pq_matcher_positive(const pq_matcher *m)
{
	const char *err;

	return (m->op == PQ_EQ && m->value[0] != '\0') || (m->op == PQ_RE && re_matches_empty(m->value, &err) == 0);
}

/* Whether ^(?:re)$ matches ""; -1 (and *err) when re is not a valid expression. */
static int
re_matches_empty(const char *re, const char **err)
{
	re_scan r = { re, 0 };
	bool nullable = re_alt(&r, 0);

	if (!r.err && *r.s == ')')
		r.err = 2;
	if (r.err) {
		*err = r.err == 1 ? "missing closing )" : r.err == 2 ? "unexpected )" : "missing closing ]";
		return -1;
	}
	return nullable;
}

/* --- nodes ------------------------------------------------------------------ */

pq_node *
pq_node_new(pq_parser *p, enum pn_kind k, pq_span at)
{
	pq_node *n = pq_alloc(p, sizeof *n);

	n->kind = k;
	n->at = at;
	n->depth = 1;
	n->sel = -1;
	return n;
}

/* n's depth from its children; too deep is an error (once), so that no walk recurses far. */
static pq_node *
grown(pq_parser *p, pq_node *n)
{
	pq_node *kids[] = { n->a, n->b, n->c, n->offset, n->limit };

	for (size_t i = 0; i < sizeof kids / sizeof *kids; i++)
		if (kids[i] && kids[i]->depth + 1 > n->depth)
			n->depth = kids[i]->depth + 1;
	for (pq_node *a = n->args; a; a = a->next)
		if (a->depth + 1 > n->depth)
			n->depth = a->depth + 1;
	if (n->depth > PQ_MAXDEPTH && !p->too_deep) {
		pq_error(p, n->at, "expression nested more than %d deep", PQ_MAXDEPTH);
		p->too_deep = true;
	}
	return n;
}

pq_node *
pq_mk_num(pq_parser *p, pq_span at, double v)
{
	pq_node *n = pq_node_new(p, PN_NUM, at);

	n->type = PQ_SCALAR;
	n->num = v;
	return n;
}

pq_node *
pq_mk_str(pq_parser *p, pq_span at, const char *s)
{
	pq_node *n = pq_node_new(p, PN_STR, at);

	n->type = PQ_STRING;
	n->str = s;
	return n;
}

pq_label *
pq_label_new(pq_parser *p, const char *name, pq_span at)
{
	pq_label *l = pq_alloc(p, sizeof *l);

	l->name = name;
	l->at = at;
	return l;
}

void
pq_add_matcher(pq_parser *p, const char *name, pq_span name_at, enum pq_match op, const char *value,
	       pq_span value_at)
{
	pq_mlist *m = pq_alloc(p, sizeof *m);

	m->m.name = (char *)name;
	m->m.op = op;
	m->m.value = (char *)value;
	m->m.off = value_at.off;
	m->m.len = value_at.len;
	m->name_at = name_at;
	if (!p->ml_tail)
		p->ml_tail = &p->ml;
	*p->ml_tail = m;
	p->ml_tail = &m->next;
}

pq_node *
pq_mk_sel(pq_parser *p, pq_span at, const char *name, pq_span name_at)
{
	pq_query *q = p->q;
	pq_node *n = pq_node_new(p, PN_SEL, at);
	pq_selector s = { 0 };
	pq_mlist *ml = p->ml;
	bool nonempty = name != NULL;
	int count = 0;

	p->ml = NULL;
	p->ml_tail = NULL;
	n->type = PQ_VECTOR;
	n->named = name != NULL;
	if (name) {
		s.metric = (char *)name;
		s.name_off = name_at.off;
		s.name_len = name_at.len;
	}
	for (pq_mlist *m = ml; m; m = m->next)
		count++;
	s.m = pq_alloc(p, (size_t)(count ? count : 1) * sizeof *s.m);
	for (pq_mlist *m = ml; m; m = m->next) {
		const char *err = NULL;
		bool is_name = !m->m.name || strcmp(m->m.name, "__name__") == 0;
		if (!m->m.name)
			m->m.name = "__name__";
		if (is_name && n->named) {
			char *a = quoted(name), *b = quoted(m->m.value);
			pq_error(p, (pq_span){ m->m.off, m->m.len }, "metric name must not be set twice: %s or %s", a, b);
			free(a);
			free(b);
		}
		if (m->m.op == PQ_RE || m->m.op == PQ_NRE) {
			int e = re_matches_empty(m->m.value, &err);
			if (e < 0) {
				char *v = quoted(m->m.value);
				pq_error(p, (pq_span){ m->m.off, m->m.len }, "error parsing regexp: %s: %s", err, v);
				free(v);
			} else if (m->m.op == PQ_RE ? !e : e) {
				nonempty = true;
			}
		} else if (m->m.op == PQ_EQ ? m->m.value[0] != '\0' : m->m.value[0] == '\0') {
			nonempty = true;
		}
		if (is_name && m->m.op == PQ_EQ && !s.metric) {
			s.metric = m->m.value;
			s.name_off = m->m.off;
			s.name_len = m->m.len;
			continue;
		}
		s.m[s.nm++] = m->m;
	}
	if (!nonempty)
		pq_error(p, at, "vector selector must contain at least one non-empty matcher");
	s.off = at.off;
	s.len = at.len;
	if (q->nsels == q->capsels) {
		q->capsels = q->capsels ? 2 * q->capsels : 4;
		q->sels = xrealloc(q->sels, (size_t)q->capsels * sizeof *q->sels);
	}
	n->sel = q->nsels;
	q->sels[q->nsels++] = s;
	return n;
}

/* --- duration expressions ----------------------------------------------------- */

pq_node *
pq_mk_dnum(pq_parser *p, pq_span at, double sec, bool number)
{
	pq_node *n = pq_node_new(p, PN_DNUM, at);

	n->num = sec;
	n->seconds = number;
	n->isconst = true;
	return n;
}

pq_node *
pq_mk_dparen(pq_parser *p, pq_span at, pq_node *e)
{
	pq_node *n = pq_node_new(p, PN_DPAREN, at);

	n->a = e;
	n->num = e->num;
	n->isconst = e->isconst;
	n->depth = e->depth;
	return n;
}

pq_node *
pq_mk_dunary(pq_parser *p, pq_span at, int op, pq_node *e)
{
	pq_node *n = pq_node_new(p, PN_DUNARY, at);

	n->op = op;
	n->a = e;
	n->num = op == PQT_SUB ? -e->num : e->num;
	n->isconst = e->isconst;
	return grown(p, n);
}

pq_node *
pq_mk_dbin(pq_parser *p, pq_span op_at, int op, pq_node *a, pq_node *b)
{
	pq_node *n = pq_node_new(p, PN_DBIN, join(a->at, b->at));

	n->op = op;
	n->op_at = op_at;
	n->a = a;
	n->b = b;
	n->isconst = a->isconst && b->isconst;
	if ((op == PQT_DIV || op == PQT_MOD) && b->isconst && b->num == 0)
		pq_error(p, op_at, op == PQT_DIV ? "division by zero" : "modulo by zero");
	else if (n->isconst)
		switch (op) {
		case PQT_ADD: n->num = a->num + b->num; break;
		case PQT_SUB: n->num = a->num - b->num; break;
		case PQT_MUL: n->num = a->num * b->num; break;
		case PQT_DIV: n->num = a->num / b->num; break;
		case PQT_MOD: n->num = fmod(a->num, b->num); break;
		default: n->num = pow(a->num, b->num); break;
		}
	return grown(p, n);
}

pq_node *
pq_mk_dfunc(pq_parser *p, pq_span at, const char *name, pq_span name_at, pq_node *a, pq_node *b)
{
	pq_node *n = pq_node_new(p, PN_DFUNC, at);

	n->str = name;
	n->op_at = name_at;
	n->a = a;
	n->b = b;
	if (a && strcmp(name, "min_of") != 0 && strcmp(name, "max_of") != 0)
		pq_error(p, name_at, "unknown function %s in duration expression: expected step(), range(), min_of() or max_of()", name);
	n->isconst = a && a->isconst && b->isconst;
	if (n->isconst)
		n->num = strcmp(name, "min_of") == 0 ? fmin(a->num, b->num) : fmax(a->num, b->num);
	return grown(p, n);
}

static bool
dur_literal(const pq_node *d)
{
	return d->kind == PN_DNUM || (d->kind == PN_DUNARY && d->a->kind == PN_DNUM);
}

/* A range, step or offset: its bounds, and a warning for an expression. */
static void
check_dur(pq_parser *p, pq_node *d, bool positive)
{
	if (!dur_literal(d))
		pq_warn(p, d->at, "duration expressions need Prometheus 3 with --enable-feature=promql-duration-expr");
	if (!d->isconst)
		return;
	if (!isfinite(d->num) || fabs(d->num) * 1e9 > 9.2233720368547758e18)
		pq_error(p, d->at, "duration out of range");
	else if (positive && dur_literal(d) && d->num <= 0)
		pq_error(p, d->at, "duration must be greater than 0");
}

/* --- selectors' modifiers ---------------------------------------------------- */

static const pq_node *unparen(const pq_node *n);

const pq_node *
pq_root(const pq_query *q)
{
	return q->nerrors ? NULL : q->root;
}

enum pq_view
pq_view_of(const pq_node *n, const char **name, int *nargs, int *sel)
{
	n = unparen(n);
	while (n->kind == PN_SUBQ)	/* e[10m:1m]: the values of e */
		n = unparen(n->a);
	switch (n->kind) {
	case PN_SEL:
	case PN_MATRIX:
		*sel = n->sel;
		return PQV_SELECTOR;
	case PN_CALL:
	case PN_AGGR:
		*name = n->str;
		*nargs = n->nargs;
		return PQV_CALL;
	default:
		return PQV_OTHER;
	}
}

/* n's result may have the label: false only where an aggregation certainly drops it. */
static bool
may_keep(const pq_node *n, const char *label)
{
	n = unparen(n);
	if (n->kind == PN_CALL && n->str && strcmp(n->str, "histogram_quantile") == 0 && n->nargs == 2)
		return strcmp(label, "le") != 0 && may_keep(n->args->next, label);	/* keeps all but le */
	if (n->kind != PN_AGGR || !n->a)
		return true;	/* a selector, a function, an operation: it may */
	static const char *const keep_all[] = { "topk", "bottomk", "limitk", "limit_ratio" };
	for (size_t i = 0; i < sizeof keep_all / sizeof *keep_all; i++)
		if (strcmp(n->str, keep_all[i]) == 0)
			return may_keep(n->a, label);	/* the series chosen, as they are */
	bool listed = false;
	for (const pq_label *l = n->grouping; l; l = l->next)
		listed |= strcmp(l->name, label) == 0;
	if (strcmp(n->str, "count_values") == 0 && n->b && n->b->kind == PN_STR && strcmp(n->b->str, label) == 0)
		return true;	/* the label it makes */
	if (!n->has_grouping || !n->without)
		return listed;	/* sum(x): none; sum by (a) (x): a alone */
	return !listed && may_keep(n->a, label);
}

bool
pq_may_have_label(const pq_query *q, const char *label)
{
	return !q->root || may_keep(q->root, label);
}

const pq_node *
pq_arg(const pq_node *n, int i)
{
	n = unparen(n);
	while (n->kind == PN_SUBQ)
		n = unparen(n->a);
	const pq_node *a = n->args;

	while (a && i-- > 0)
		a = a->next;
	return a;
}

static const pq_node *
unparen(const pq_node *n)
{
	while (n->kind == PN_PAREN)
		n = n->a;
	return n;
}

pq_node *
pq_mk_range(pq_parser *p, pq_span at, pq_node *e, pq_node *range, int rangemod)
{
	pq_node *n = pq_node_new(p, PN_MATRIX, at);

	n->type = PQ_MATRIX;
	n->a = e;
	n->b = range;
	n->rangemod = rangemod;
	check_dur(p, range, true);
	if (e->kind != PN_SEL) {
		pq_error(p, at, "ranges only allowed for vector selectors");
		return grown(p, n);
	}
	if (e->offset)
		pq_error(p, e->offset->at, "no offset modifiers allowed before range");
	if (e->atmod == PQT_AT)
		pq_error(p, e->at_at, "no @ modifiers allowed before range");
	else if (e->atmod)
		pq_warn(p, e->at_at, "Prometheus 2.x accepts @ %s() before a range; Prometheus 3 rejects it — write the range first",
			e->atmod == PQT_START ? "start" : "end");
	n->atmod = e->atmod;
	n->at_ts = e->at_ts;
	n->at_at = e->at_at;
	n->offset = e->offset;
	n->sel = e->sel;
	n->named = e->named;
	if (rangemod)
		pq_warn(p, (pq_span){ at.off + at.len - 8, 8 },
			"the %s modifier needs Prometheus 3 with --enable-feature=promql-extended-range-selectors",
			rangemod == PQT_SMOOTHED ? "smoothed" : "anchored");
	p->q->sels[e->sel].range = range->isconst && range->num > 0 ? (int64_t)llround(range->num * 1000) : -1;
	return grown(p, n);
}

pq_node *
pq_mk_subq(pq_parser *p, pq_span at, pq_node *e, pq_node *range, pq_node *step)
{
	pq_node *n = pq_node_new(p, PN_SUBQ, at);

	n->type = PQ_MATRIX;
	n->a = e;
	n->b = range;
	n->c = step;
	check_dur(p, range, true);
	if (step)
		check_dur(p, step, true);
	if (e->type != PQ_VECTOR)
		pq_error(p, at, "subquery is only allowed on instant vector, got %s instead", value_type(e->type));
	return grown(p, n);
}

static bool
modifiable(const pq_node *e)
{
	return e->kind == PN_SEL || e->kind == PN_MATRIX || e->kind == PN_SUBQ;
}

pq_node *
pq_mk_offset(pq_parser *p, pq_span at, pq_span kw, pq_node *e, pq_node *d)
{
	check_dur(p, d, false);
	if (!modifiable(e)) {
		pq_error(p, kw, "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
		return e;
	}
	if (e->offset)
		pq_error(p, kw, "offset may not be set multiple times");
	e->offset = d;
	e->at = at;
	return grown(p, e);
}

pq_node *
pq_mk_at(pq_parser *p, pq_span at, pq_span kw, pq_node *e, int kind, double ts, pq_span ts_at)
{
	if (kind == PQT_AT && (!isfinite(ts) || fabs(ts) * 1000 > 9.2233720368547758e18)) {
		char v[64];
		if (isnan(ts))
			snprintf(v, sizeof v, "NaN");
		else if (isinf(ts))
			snprintf(v, sizeof v, ts > 0 ? "+Inf" : "-Inf");
		else
			util_fmt_double(v, sizeof v, ts);
		pq_error(p, ts_at, "timestamp out of bounds for @ modifier: %s", v);
	}
	if (!modifiable(e)) {
		pq_error(p, kw, "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
		return e;
	}
	if (e->atmod)
		pq_error(p, kw, "@ <timestamp> may not be set multiple times");
	e->atmod = kind;
	e->at_ts = ts;
	e->at_at = (pq_span){ kw.off, ts_at.off + ts_at.len - kw.off };
	e->at = at;
	return e;
}

/* --- calls and aggregations ---------------------------------------------------- */

static const pq_func *
find_func(enum pq_dialect d, const char *name)
{
	for (size_t i = 0; i < sizeof funcs / sizeof *funcs; i++) {
		const pq_func *f = &funcs[i];
		if (f->name[0] != name[0] || strcmp(f->name, name) != 0)	/* the first byte: 20x fewer calls */
			continue;
		if ((d == PQ_PROMQL && (f->flags & PQF_MQL)) || (d == PQ_METRICSQL && (f->flags & PQF_PROMONLY)))
			continue;
		return f;
	}
	return NULL;
}

static enum pq_type
letter_type(char c)
{
	return c == 'm' ? PQ_MATRIX : c == 's' ? PQ_SCALAR : c == 'S' ? PQ_STRING : PQ_VECTOR;
}

/* The chain of arguments, built in reverse by the grammar, in written order. */
static pq_node *
reverse(pq_node *a, int *n)
{
	pq_node *r = NULL;

	*n = 0;
	while (a) {
		pq_node *next = a->next;
		a->next = r;
		r = a;
		a = next;
		(*n)++;
	}
	return r;
}

static void
expect_type(pq_parser *p, const pq_node *arg, enum pq_type want, const char *where)
{
	if (arg->type != want)
		pq_error(p, arg->at, "expected type %s in %s, got %s", pq_type_name(want), where, pq_type_name(arg->type));
}

static void
check_counts(pq_parser *p, pq_span at, const pq_func *f, int n)
{
	if (f->min == f->max && n != f->min && p->dialect == PQ_PROMQL)
		pq_error(p, at, "expected %d argument(s) in call to \"%s\", got %d", f->min, f->name, n);
	else if (n < f->min)
		pq_error(p, at, "expected at least %d argument(s) in call to \"%s\", got %d", f->min, f->name, n);
	else if (f->max >= 0 && n > f->max && p->dialect == PQ_PROMQL)
		pq_error(p, at, "expected at most %d argument(s) in call to \"%s\", got %d", f->max, f->name, n);
}

pq_node *
pq_mk_call(pq_parser *p, pq_span at, const char *name, pq_span name_at, pq_node *args)
{
	pq_node *n = pq_node_new(p, PN_CALL, at);
	const pq_func *f = find_func(p->dialect, name);

	n->str = name;
	n->op_at = name_at;
	n->args = reverse(args, &n->nargs);
	n->type = PQ_VECTOR;
	n->fn = f;
	if (!f) {
		pq_error(p, name_at, "unknown function with name \"%s\"", name);
		return grown(p, n);
	}
	n->type = f->ret;
	check_counts(p, at, f, n->nargs);
	if (p->dialect == PQ_PROMQL && (f->flags & PQF_EXP))
		pq_warn(p, name_at, "%s is experimental: Prometheus 3 needs --enable-feature=promql-experimental-functions", name);
	if (p->dialect == PQ_PROMQL && (f->flags & PQF_PROM2))
		pq_warn(p, name_at, "%s was removed in Prometheus 3 (double_exponential_smoothing replaces it)", name);
	if (strcmp(name, "info") == 0 && n->nargs == 2) {
		const pq_node *l = n->args->next;
		if (l->kind == PN_SEL && l->named)
			pq_error(p, l->at, "expected label selectors only, got vector selector instead");
		else if (l->kind != PN_SEL)
			pq_error(p, l->at, "expected label selectors only");
	}
	if (p->dialect == PQ_METRICSQL)
		return grown(p, n);
	char where[128];
	snprintf(where, sizeof where, "call to function \"%s\"", name);
	int i = 0, len = (int)strlen(f->args);
	for (const pq_node *a = n->args; a && len > 0; a = a->next, i++) {
		if (i >= len && f->max >= 0 && f->max <= len)
			break;
		expect_type(p, a, letter_type(f->args[i < len ? i : len - 1]), where);
	}
	return grown(p, n);
}

pq_node *
pq_mk_aggr(pq_parser *p, pq_span at, int op, pq_span op_at, pq_node *args)
{
	pq_node *n = pq_node_new(p, PN_AGGR, at);
	bool param;
	const char *name = pq_aggr_name(op, &param);
	int want = param ? 2 : 1;

	n->op = op;
	n->op_at = op_at;
	n->str = name;
	n->type = PQ_VECTOR;
	n->args = reverse(args, &n->nargs);
	if (n->nargs == 0) {
		pq_error(p, at, "no arguments for aggregate expression provided");
		return grown(p, n);
	}
	if (p->dialect == PQ_PROMQL ? n->nargs != want : n->nargs < want) {
		pq_error(p, at, "wrong number of arguments for aggregate expression provided, expected %d, got %d",
			 want, n->nargs);
		return grown(p, n);
	}
	n->b = param ? n->args : NULL;
	n->a = param ? n->args->next : n->args;
	if (p->dialect == PQ_PROMQL && (strcmp(name, "limitk") == 0 || strcmp(name, "limit_ratio") == 0))
		pq_warn(p, op_at, "%s is experimental: Prometheus 3 needs --enable-feature=promql-experimental-functions", name);
	if (p->dialect == PQ_METRICSQL)
		return grown(p, n);
	expect_type(p, n->a, PQ_VECTOR, "aggregation expression");
	if (param)
		expect_type(p, n->b, strcmp(name, "count_values") == 0 ? PQ_STRING : PQ_SCALAR, "aggregation parameter");
	return grown(p, n);
}

pq_node *
pq_grouped(pq_parser *p, pq_node *n, bool without, pq_label *labels, pq_span at)
{
	if (n->kind == PN_CALL) {
		if (p->dialect == PQ_PROMQL) {
			pq_error(p, at, "unexpected <%s>", without ? "without" : "by");
			return n;
		}
		if (n->fn && !(n->fn->flags & PQF_AGGR))
			pq_error(p, at, "%s is only allowed on an aggregate function, not on %s()",
				 without ? "without" : "by", n->str);
	}
	n->has_grouping = true;
	n->without = without;
	n->grouping = labels;
	return n;
}

pq_node *
pq_keep_names(pq_parser *p, pq_node *n, pq_span at)
{
	(void)p;
	(void)at;
	n->keep_names = true;
	return n;
}

pq_node *
pq_limit(pq_parser *p, pq_node *n, double v, pq_span at)
{
	if (n->kind == PN_CALL && (!n->fn || !(n->fn->flags & PQF_AGGR)))
		pq_error(p, at, "limit is only allowed after an aggregate function");
	else if (!(v >= 0) || v != floor(v))
		pq_error(p, at, "limit must be a non-negative integer");
	n->limit = pq_mk_num(p, at, v);
	n->at = join(n->at, at);
	return n;
}

pq_node *
pq_mk_kwcall(pq_parser *p, pq_span at, int kw)
{
	pq_node *n = pq_node_new(p, PN_KWCALL, at);
	const char *name = kw == PQT_START ? "start" : kw == PQT_END ? "end" : kw == PQT_STEP ? "step" : "range";

	n->op = kw;
	n->str = name;
	n->type = PQ_SCALAR;
	if (kw == PQT_RANGE || (kw == PQT_STEP && p->dialect == PQ_PROMQL))
		pq_error(p, at, "%s() is only allowed in a duration expression (a range, a step or an offset)", name);
	else if (p->dialect == PQ_PROMQL)
		pq_warn(p, at, "%s() outside @ is accepted by Prometheus 3 only", name);
	return n;
}

/* --- operators ------------------------------------------------------------------ */

static bool
comparison(int op)
{
	return op == PQT_EQLC || op == PQT_NEQ || op == PQT_LTE || op == PQT_GTE || op == PQT_LSS || op == PQT_GTR;
}

static bool
set_op(int op)
{
	return op == PQT_LAND || op == PQT_LOR || op == PQT_LUNLESS || op == PQT_DEFAULT || op == PQT_IF ||
		op == PQT_IFNOT;
}

static const char *
op_name(int op)
{
	switch (op) {
	case PQT_LOR: return "or";
	case PQT_LAND: return "and";
	case PQT_LUNLESS: return "unless";
	case PQT_DEFAULT: return "default";
	case PQT_IF: return "if";
	case PQT_IFNOT: return "ifnot";
	case PQT_ATAN2: return "atan2";
	case PQT_EQLC: return "==";
	case PQT_NEQ: return "!=";
	case PQT_LTE: return "<=";
	case PQT_GTE: return ">=";
	case PQT_LSS: return "<";
	case PQT_GTR: return ">";
	case PQT_ADD: return "+";
	case PQT_SUB: return "-";
	case PQT_MUL: return "*";
	case PQT_DIV: return "/";
	case PQT_MOD: return "%";
	case PQT_POW: return "^";
	default: return "?";
	}
}

pq_node *
pq_mk_bin(pq_parser *p, int op, pq_span op_at, pq_binmod *mod, pq_node *a, pq_node *b)
{
	pq_node *n = pq_node_new(p, PN_BIN, join(a->at, b->at));
	enum pq_type lt = a->type, rt = b->type;

	n->op = op;
	n->op_at = op_at;
	n->mod = mod;
	n->a = a;
	n->b = b;
	n->type = lt == PQ_SCALAR && rt == PQ_SCALAR ? PQ_SCALAR : PQ_VECTOR;
	if (mod && mod->bool_mod && !comparison(op))
		pq_error(p, mod->bool_at, "bool modifier can only be used on comparison operators");
	if (comparison(op) && !(mod && mod->bool_mod) && lt == PQ_SCALAR && rt == PQ_SCALAR &&
	    p->dialect == PQ_PROMQL)
		pq_error(p, op_at, "comparisons between scalars must use BOOL modifier");
	if (mod && mod->matching == PQT_ON)
		for (const pq_label *l = mod->labels; l; l = l->next)
			for (const pq_label *g = mod->include; g; g = g->next)
				if (strcmp(l->name, g->name) == 0)
					pq_error(p, g->at, "label \"%s\" must not occur in ON and GROUP clause at once", g->name);
	if (lt != PQ_SCALAR && lt != PQ_VECTOR)
		pq_error(p, a->at, "binary expression must contain only scalar and instant vector types");
	if (rt != PQ_SCALAR && rt != PQ_VECTOR)
		pq_error(p, b->at, "binary expression must contain only scalar and instant vector types");
	if (lt != PQ_VECTOR || rt != PQ_VECTOR) {
		if (mod && mod->labels)
			pq_error(p, n->at, "vector matching only allowed between instant vectors");
	} else if (set_op(op) && mod && mod->card) {
		pq_error(p, mod->card_at, "no grouping allowed for \"%s\" operation", op_name(op));
	}
	if ((lt == PQ_SCALAR || rt == PQ_SCALAR) && set_op(op) && p->dialect == PQ_PROMQL)
		pq_error(p, op_at, "set operator \"%s\" not allowed in binary scalar expression", op_name(op));
	return grown(p, n);
}

pq_node *
pq_mk_unary(pq_parser *p, pq_span at, int op, pq_node *e)
{
	if (e->type != PQ_SCALAR && e->type != PQ_VECTOR)
		pq_error(p, at, "unary expression only allowed on expressions of type scalar or instant vector, got \"%s\"",
			 pq_type_name(e->type));
	if (e->kind == PN_NUM) {	/* -1 is a number, as in Prometheus */
		if (op == PQT_SUB)
			e->num = -e->num;
		e->at = at;
		return e;
	}
	pq_node *n = pq_node_new(p, PN_UNARY, at);
	n->op = op;
	n->a = e;
	n->type = e->type;
	return grown(p, n);
}

pq_node *
pq_mk_paren(pq_parser *p, pq_span at, pq_node *e)
{
	pq_node *n = pq_node_new(p, PN_PAREN, at);

	n->a = e;
	n->type = e->type;
	n->depth = e->depth;	/* not deeper: the canonical form adds parentheses (the lexer bounds them) */
	return n;
}

/* --- tokens in messages ------------------------------------------------------------ */

void
pq_token_desc(pq_parser *p, int tok, pq_span at, sbuf *out)
{
	const char *s = p->base + at.off;
	int n = (int)at.len;

	switch (tok) {
	case PQT_IDENT:
	case PQT_METRIC_IDENT:
		sb_printf(out, "identifier \"%.*s\"", n, s);
		break;
	case PQT_NUMBER:
		sb_printf(out, "number \"%.*s\"", n, s);
		break;
	case PQT_DURATION:
		sb_printf(out, "duration \"%.*s\"", n, s);
		break;
	case PQT_STRING: {	/* written as it is, on one line */
		char *t = xstrndup(s, (size_t)n);
		sb_printf(out, "string ");
		quote(out, t);
		free(t);
		break;
	}
	case PQT_AGGR:
		sb_printf(out, "<aggr:%.*s>", n, s);
		break;
	case PQT_LPAREN:
	case PQT_GROUP_LPAREN:
		sb_printf(out, "left parenthesis '('");
		break;
	case PQT_RPAREN:
		sb_printf(out, "right parenthesis ')'");
		break;
	case PQT_LAND: case PQT_LOR: case PQT_LUNLESS: case PQT_ATAN2: case PQT_DEFAULT: case PQT_IF:
	case PQT_IFNOT: case PQT_EQLC: case PQT_NEQ: case PQT_LTE: case PQT_GTE: case PQT_LSS: case PQT_GTR:
	case PQT_ADD: case PQT_SUB: case PQT_MUL: case PQT_DIV: case PQT_MOD: case PQT_POW: case PQT_AT:
		sb_printf(out, "<op:%.*s>", n, s);
		break;
	case PQT_BY: case PQT_WITHOUT: case PQT_ON: case PQT_IGNORING: case PQT_GROUP_LEFT:
	case PQT_GROUP_RIGHT: case PQT_BOOL: case PQT_OFFSET: case PQT_START: case PQT_END: case PQT_STEP:
	case PQT_RANGE: case PQT_ANCHORED: case PQT_SMOOTHED: case PQT_KEEP_METRIC_NAMES: case PQT_LIMIT:
		sb_add(out, "<", 1);
		for (int i = 0; i < n; i++)
			sb_printf(out, "%c", s[i] >= 'A' && s[i] <= 'Z' ? s[i] + ('a' - 'A') : s[i]);
		sb_add(out, ">", 1);
		break;
	default:
		sb_printf(out, "\"%.*s\"", n, s);
	}
}

/* --- writing a query back ------------------------------------------------------------ */

static void fmt_node(const pq_query *q, const pq_node *n, sbuf *b);

static void
fmt_number(sbuf *b, double v)
{
	char buf[64];

	if (isnan(v))
		sb_printf(b, "NaN");
	else if (isinf(v))
		sb_printf(b, v > 0 ? "+Inf" : "-Inf");
	else {
		util_fmt_double(buf, sizeof buf, v);
		sb_add(b, buf, strlen(buf));
	}
}

static void
fmt_dur(sbuf *b, const pq_node *d)
{
	char buf[64];

	switch (d->kind) {
	case PN_DNUM: {
		double ms = d->num * 1000;
		/* as a duration where the lexer takes one back (operands may be larger than results) */
		if (ms > 0 && ms == floor(ms) && ms <= (double)INT64_MAX / 1e6) {
			util_fmt_duration(buf, sizeof buf, (int64_t)ms);
			sb_add(b, buf, strlen(buf));
		} else if (isinf(d->num) && d->num > 0) {
			sb_add(b, "Inf", 3);	/* a sign is a PN_DUNARY of its own: "-+Inf" would gain a "+" each time */
		} else {
			fmt_number(b, d->num);
		}
		break;
	}
	case PN_DUNARY:
		sb_add(b, d->op == PQT_SUB ? "-" : "+", 1);
		fmt_dur(b, d->a);
		break;
	case PN_DPAREN:
		sb_add(b, "(", 1);
		fmt_dur(b, d->a);
		sb_add(b, ")", 1);
		break;
	case PN_DBIN:
		fmt_dur(b, d->a);
		sb_printf(b, " %s ", op_name(d->op));
		fmt_dur(b, d->b);
		break;
	case PN_DFUNC:
		sb_printf(b, "%s(", d->str);
		if (d->a) {
			fmt_dur(b, d->a);
			sb_add(b, ", ", 2);
			fmt_dur(b, d->b);
		}
		sb_add(b, ")", 1);
		break;
	default:
		break;
	}
}

static void fmt_matcher(sbuf *b, const pq_matcher *m);

/*
 * A selector as it was written: one whose name was inside the braces
 * stays so ({__name__="x", a="b"}), since info() takes only those.
 */
static void
fmt_selector(const pq_query *q, const pq_node *n, sbuf *b)
{
	const pq_selector *s = &q->sels[n->sel];

	if (n->named || !s->metric || !bare_metric(s->metric)) {	/* {"x.y"} is written in the braces anyway */
		pq_format_selector(s, b);
		return;
	}
	sb_add(b, "{__name__=", 10);
	quote(b, s->metric);
	for (int i = 0; i < s->nm; i++)
		fmt_matcher(b, &s->m[i]);
	sb_add(b, "}", 1);
}

static void
fmt_labels(sbuf *b, const pq_label *l)
{
	sb_add(b, "(", 1);
	for (; l; l = l->next) {
		put_name(b, l->name, false);
		if (l->next)
			sb_add(b, ", ", 2);
	}
	sb_add(b, ")", 1);
}

/*
 * n, in parentheses when it is an operation that would bind differently
 * there; with unary_too also a sign: a unary operation, or a negative
 * number (the left of ^: -1^2 is -(1^2)).
 */
static void
fmt_operand(const pq_query *q, const pq_node *n, sbuf *b, bool unary_too)
{
	n = unparen(n);
	if (n->kind == PN_BIN || (unary_too && (n->kind == PN_UNARY || (n->kind == PN_NUM && signbit(n->num))))) {
		sb_add(b, "(", 1);
		fmt_node(q, n, b);
		sb_add(b, ")", 1);
	} else {
		fmt_node(q, n, b);
	}
}

static void
fmt_modifiers(const pq_node *n, sbuf *b)
{
	if (n->offset) {
		sb_add(b, " offset ", 8);
		fmt_dur(b, n->offset);
	}
	if (n->atmod == PQT_START)
		sb_printf(b, " @ start()");
	else if (n->atmod == PQT_END)
		sb_printf(b, " @ end()");
	else if (n->atmod) {
		sb_add(b, " @ ", 3);
		fmt_number(b, n->at_ts);
	}
}

static void
fmt_args(const pq_query *q, const pq_node *a, sbuf *b)
{
	sb_add(b, "(", 1);
	for (; a; a = a->next) {
		fmt_node(q, a, b);
		if (a->next)
			sb_add(b, ", ", 2);
	}
	sb_add(b, ")", 1);
}

static void
fmt_node(const pq_query *q, const pq_node *n, sbuf *b)
{
	switch (n->kind) {
	case PN_NUM:	/* "+Inf ^ 2" would read back as +(Inf ^ 2): the sign is the unary's */
		if (isinf(n->num) && n->num > 0)
			sb_add(b, "Inf", 3);
		else
			fmt_number(b, n->num);
		break;
	case PN_STR:
		quote(b, n->str);
		break;
	case PN_SEL:
		fmt_selector(q, n, b);
		fmt_modifiers(n, b);
		break;
	case PN_MATRIX:
		fmt_selector(q, n, b);
		sb_add(b, "[", 1);
		fmt_dur(b, n->b);
		sb_add(b, "]", 1);
		if (n->rangemod)
			sb_printf(b, n->rangemod == PQT_SMOOTHED ? " smoothed" : " anchored");
		fmt_modifiers(n, b);
		break;
	case PN_SUBQ:
		fmt_operand(q, n->a, b, true);
		sb_add(b, "[", 1);
		fmt_dur(b, n->b);
		sb_add(b, ":", 1);
		if (n->c)
			fmt_dur(b, n->c);
		sb_add(b, "]", 1);
		fmt_modifiers(n, b);
		break;
	case PN_CALL:
		sb_add(b, n->str, strlen(n->str));
		if (n->has_grouping) {
			sb_printf(b, n->without ? " without " : " by ");
			fmt_labels(b, n->grouping);
			sb_add(b, " ", 1);
		}
		fmt_args(q, n->args, b);
		if (n->keep_names)
			sb_printf(b, " keep_metric_names");
		if (n->limit) {
			sb_printf(b, " limit ");
			fmt_number(b, n->limit->num);
		}
		break;
	case PN_AGGR:
		sb_add(b, n->str, strlen(n->str));
		if (n->has_grouping) {
			sb_printf(b, n->without ? " without " : " by ");
			fmt_labels(b, n->grouping);
			sb_add(b, " ", 1);
		}
		fmt_args(q, n->args, b);
		if (n->limit) {
			sb_printf(b, " limit ");
			fmt_number(b, n->limit->num);
		}
		break;
	case PN_KWCALL:
		sb_printf(b, "%s()", n->str);
		break;
	case PN_BIN:
		fmt_operand(q, n->a, b, n->op == PQT_POW);
		sb_printf(b, " %s", op_name(n->op));
		if (n->mod) {
			if (n->mod->bool_mod)
				sb_printf(b, " bool");
			if (n->mod->matching) {
				sb_printf(b, n->mod->matching == PQT_ON ? " on " : " ignoring ");
				fmt_labels(b, n->mod->labels);
			}
			if (n->mod->card) {
				sb_printf(b, n->mod->card == PQT_GROUP_LEFT ? " group_left " : " group_right ");
				fmt_labels(b, n->mod->include);
			}
		}
		sb_add(b, " ", 1);
		fmt_operand(q, n->b, b, false);
		break;
	case PN_UNARY:	/* -(-5), and +(5): a sign before a number would be the number's */
		sb_add(b, n->op == PQT_SUB ? "-" : "+", 1);
		if (unparen(n->a)->kind == PN_NUM) {
			sb_add(b, "(", 1);
			fmt_node(q, unparen(n->a), b);
			sb_add(b, ")", 1);
		} else {
			fmt_operand(q, n->a, b, true);
		}
		break;
	case PN_PAREN:
		fmt_node(q, n->a, b);
		break;
	default:
		fmt_dur(b, n);
		break;
	}
}

void
pq_format(const pq_query *q, sbuf *out)
{
	sb_add(out, "", 0);
	if (q->root)
		fmt_node(q, q->root, out);
}

/* ", name=~value", but no comma at the start of the braces */
static void
fmt_matcher(sbuf *b, const pq_matcher *m)
{
	static const char *const ops[] = { "=", "!=", "=~", "!~" };

	if (b->s[b->len - 1] != '{')
		sb_add(b, ", ", 2);
	put_name(b, m->name, false);
	sb_add(b, ops[m->op], strlen(ops[m->op]));
	quote(b, m->value);
}

void
pq_format_selector(const pq_selector *s, sbuf *out)
{
	bool bare = s->metric && bare_metric(s->metric), clash = false;

	for (int i = 0; i < s->nm; i++)
		clash |= strcmp(s->m[i].name, "__name__") == 0;
	if (bare && clash) {	/* {__name__="a", __name__=~"b"}: not a{__name__=~"b"} */
		sb_add(out, "{__name__=", 10);
		quote(out, s->metric);
		for (int i = 0; i < s->nm; i++)
			fmt_matcher(out, &s->m[i]);
		sb_add(out, "}", 1);
		return;
	}

	if (bare)
		sb_add(out, s->metric, strlen(s->metric));
	if (bare && s->nm == 0)
		return;
	sb_add(out, "{", 1);
	if (s->metric && !bare)
		quote(out, s->metric);
	for (int i = 0; i < s->nm; i++)
		fmt_matcher(out, &s->m[i]);
	sb_add(out, "}", 1);
}

/* --- the query ------------------------------------------------------------------------- */

static int
by_offset(const void *a, const void *b)
{
	const pq_diag *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off ? 1 : 0;
}

pq_query *
pq_parse(const char *text, size_t len, enum pq_dialect dialect)
{
	pq_query *q = xcalloc(1, sizeof *q);
	pq_parser p = {
		.base = text,
		.cur = text,
		.lim = text + len,
		.dialect = dialect,
		.q = q,
	};

	q->dialect = dialect;
	if (len > UINT32_MAX / 2) {
		pq_error(&p, (pq_span){ 0, 0 }, "query too long");
		return q;
	}
	if (pqparse(&p) != 0)
		p.failed = true;
	q->arena = p.arena;
	if (!p.failed && !p.too_deep)
		q->root = p.root;
	if (!q->root || q->nerrors > 0)
		q->nsels = 0;
	/* stable: equal offsets keep the order they were found in */
	for (int i = 1; i < q->nd; i++)
		for (int j = i; j > 0 && by_offset(&q->d[j - 1], &q->d[j]) > 0; j--) {
			pq_diag t = q->d[j];
			q->d[j] = q->d[j - 1];
			q->d[j - 1] = t;
		}
	return q;
}

void
pq_free(pq_query *q)
{
	if (!q)
		return;
	for (pq_arena *a = q->arena, *next; a; a = next) {
		next = a->next;
		free(a);
	}
	for (int i = 0; i < q->nd; i++)
		free(q->d[i].msg);
	free(q->d);
	free(q->sels);
	free(q);
}

int
pq_ndiags(const pq_query *q)
{
	return q->nd;
}

const pq_diag *
pq_diag_at(const pq_query *q, int i)
{
	return i >= 0 && i < q->nd ? &q->d[i] : NULL;
}

int
pq_nerrors(const pq_query *q)
{
	return q->nerrors;
}

enum pq_type
pq_query_type(const pq_query *q)
{
	return q->root ? q->root->type : PQ_SCALAR;
}

int
pq_nselectors(const pq_query *q)
{
	return q->nsels;
}

const pq_selector *
pq_selector_at(const pq_query *q, int i)
{
	return i >= 0 && i < q->nsels ? &q->sels[i] : NULL;
}
