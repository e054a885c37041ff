/*
 * query.h: a metric's query, from the text of the gate file to the PromQL
 * a server is sent.  Parameters are substituted, escaped for the literal
 * they stand in; the result is parsed and type-checked (promql.h), every
 * problem reported at its place in the gate file; and what it selects
 * becomes probes: the selectors the default rule and `novagate lint` ask
 * /api/v1/series about, to tell a typo from a series that does not exist
 * yet.
 */
#ifndef NG_QUERY_H
#define NG_QUERY_H

#include "ast.h"
#include "diag.h"
#include "promql.h"

/*
 * Where the bytes of a substituted query come from, run by run: from off
 * of final on (to the next run's off), the bytes of the file from offset
 * from on; or, param, a parameter's value, every byte from its reference
 * at from (the '$').  The last run is final's NUL, the closing backquote.
 */
typedef struct query_run {
	unsigned off, from;
	bool param;
} query_run;

/* A parameter's value by name (the len bytes at name), or NULL when there is none. */
typedef const char *query_param_fn(void *ctx, const char *name, size_t len);

/*
 * Substitute q's parameters, then parse and check the result in dialect;
 * errors (and warnings) go to d, at the bytes of the gate file they
 * concern.  Returns whether q has no error.
 */
bool query_prepare(ast_query *q, enum pq_dialect dialect, query_param_fn *value, void *ctx, diag_src *d);
void query_clear(ast_query *q);

/*
 * The span of the gate file that bytes [off, off+len) of q->final come
 * from; a byte of a parameter's value stands for its whole reference.
 */
diag_span query_file_span(const ast_query *q, const char *file_text, unsigned off, unsigned len);

/*
 * Whether a byte of [off, off+len) of q->final comes from a parameter's
 * value; if so *ref is the first such reference ($name or ${name}) and
 * *name, *namelen the parameter's name in the file's text.
 */
bool query_param_in(const ast_query *q, const char *file_text, unsigned off, unsigned len, diag_span *ref,
		    const char **name, size_t *namelen);

/*
 * The probes of selector s of q, selectors for /api/v1/series: j < 0, its
 * metric name alone (NULL when it names none); j >= 0, its matcher j alone
 * when the value comes from a parameter and the matcher is positive
 * (pq_matcher_positive; else NULL).  Newly allocated.  A literal matcher
 * is not asked about: code="503" may rightly match nothing.
 */
char *query_probe(const ast_query *q, const char *file_text, const pq_selector *s, int j);

/*
 * The label probe of matcher j of selector s: its metric name with the
 * matcher's label present, as http_requests_total{status!=""}, when the
 * matcher is written in the query (not from a parameter), needs the label
 * (pq_matcher_positive) and the selector names its metric; else NULL.
 * code="503" may rightly match nothing, but a metric none of whose series
 * has a code label was asked about under a label it does not have: a
 * typo, as status=~"5.." where the label is code.
 */
char *query_label_probe(const ast_query *q, const char *file_text, const pq_selector *s, int j);

#endif
