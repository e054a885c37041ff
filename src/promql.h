/*
 * promql.h: PromQL understood at compile time.  A metric's query, its
 * parameters already substituted, is lexed (grammar/promql.re), parsed
 * (grammar/promql.y) and type-checked as Prometheus does (promql.c, with
 * the functions of promql_funcs.def), so that a typo fails `novagate
 * compile` instead of a rollout.  What the query selects is kept for the
 * preflight (novagate lint) and for the rule that a default cannot hide a
 * typo.
 *
 * Offsets are bytes into the text given to pq_parse(); the caller maps
 * them back to the gate file.
 */
#ifndef NG_PROMQL_H
#define NG_PROMQL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

/* Which server's language: Prometheus' PromQL, or VictoriaMetrics' MetricsQL. */
enum pq_dialect { PQ_PROMQL, PQ_METRICSQL };

/* The value types of PromQL. */
enum pq_type { PQ_SCALAR, PQ_VECTOR, PQ_MATRIX, PQ_STRING };

/* A label matcher's operator: = != =~ !~ */
enum pq_match { PQ_EQ, PQ_NE, PQ_RE, PQ_NRE };

typedef struct pq_matcher {
	char *name;		/* label name, unquoted */
	enum pq_match op;
	char *value;		/* unescaped */
	unsigned off, len;	/* the value's string literal, quotes included */
} pq_matcher;

/* One vector selector, as in foo{a="b"}[5m] or {__name__=~"x.*"}. */
typedef struct pq_selector {
	char *metric;		/* the metric name (foo, {"foo"} or __name__="foo"), or NULL */
	unsigned name_off, name_len;	/* where the name is written; 0, 0 when it is not */
	pq_matcher *m;		/* the other matchers, in written order (__name__="foo" not among them) */
	int nm;
	unsigned off, len;	/* the whole selector, range and modifiers excluded */
	int64_t range;		/* ms; 0 for an instant vector selector, -1 when a duration expression (step(), range()) makes it */
} pq_selector;

/* A problem at a span of the query text. */
typedef struct pq_diag {
	unsigned off, len;
	bool warning;		/* legal, but a server may reject it (an experimental feature ...) */
	char *msg;
} pq_diag;

typedef struct pq_query pq_query;

/*
 * Parse and type-check text[0..len) (need not be NUL-terminated).  Never
 * NULL: a query that does not parse has errors (pq_nerrors() > 0) and is
 * otherwise empty.  Time and memory grow linearly with len; nesting deeper
 * than PQ_MAXDEPTH is an error, not a crash.
 */
#define PQ_MAXDEPTH 200
pq_query *pq_parse(const char *text, size_t len, enum pq_dialect dialect);
void pq_free(pq_query *q);

/* Errors and warnings in the order of the text. */
int pq_ndiags(const pq_query *q);
const pq_diag *pq_diag_at(const pq_query *q, int i);
int pq_nerrors(const pq_query *q);

/* The type of the whole query (meaningful when it has no errors). */
enum pq_type pq_query_type(const pq_query *q);
const char *pq_type_name(enum pq_type t);	/* "scalar", "instant vector", "range vector", "string" */

/* Every vector selector, in written order (none when there are errors). */
int pq_nselectors(const pq_query *q);
const pq_selector *pq_selector_at(const pq_query *q, int i);

/*
 * A view of the parsed tree for analyses of a query's shape (the unit a
 * metric's name implies, units.c).  An expression is a call (a function or
 * an aggregation, by name, with its arguments: an aggregation's parameter
 * first), a selector (instant or range, by its index), or something else
 * (numbers, strings, operators ...).  Parentheses and subqueries are seen
 * through (e[10m:1m] is e); offset and @ do not change what an expression is.
 */
typedef struct pq_node pq_node;
enum pq_view { PQV_OTHER, PQV_SELECTOR, PQV_CALL };
/* The whole query's expression; NULL when it has errors. */
const pq_node *pq_root(const pq_query *q);
/* What n is: for a call *name and *nargs, for a selector *sel. */
enum pq_view pq_view_of(const pq_node *n, const char **name, int *nargs, int *sel);
/* Whether the query's series may have the label: false when an aggregation certainly drops it. */
bool pq_may_have_label(const pq_query *q, const char *label);
/* Argument i of a call. */
const pq_node *pq_arg(const pq_node *n, int i);

/*
 * The query as parsed, in PromQL written canonically: every binary
 * operation of a binary operand in parentheses, so that precedence shows;
 * strings double-quoted; durations as Prometheus writes them.
 */
void pq_format(const pq_query *q, sbuf *out);

/*
 * Whether the matcher says what a series has, not what it lacks: = with a
 * value, or =~ with a regex that cannot match "".  Only such a matcher
 * alone is a selector a server takes, and can show a value that no series
 * has (a typo); a != or !~ with a typo in it matches everything.
 */
bool pq_matcher_positive(const pq_matcher *m);

/* A selector alone as PromQL (metric{matchers}), for /api/v1/series?match[]=. */
void pq_format_selector(const pq_selector *s, sbuf *out);

#endif
