/*
 * seriesnot.h: Prometheus' expanding series notation, read exactly as
 * promtool's unit tests read a `values:` string (promql/parser: the lexer's
 * value-sequence state and the series_description grammar), quirks kept:
 *
 *   a      one value              a+bxn  a-bxn  n+1 values a, a+b, ... (repeated addition)
 *   axn    n+1 copies of a        _      one step without a sample
 *   _xn    n steps without one    stale  the staleness marker (series_stale_nan())
 *
 * Items are separated by blanks.  Numbers are PromQL's as Go reads them:
 * ParseInt(s, 0, 64) first (so 010 is 8 and 1_000 is 1000), then
 * ParseFloat (1e-3, .5, 1.); Inf and NaN in any case; a sign only as `+`
 * or `-` in front.  `1+1` (no `x`), `-3-3 -3`, `3+3x4-4`, `stalex2` and
 * `NaNx2` are errors, as in promtool.  Native histograms ({{...}}) are not
 * supported.  A series may expand to at most SN_MAX_VALUES values.
 *
 * An sn_series owns its arrays and strings; sn_free() releases them.
 */
#ifndef NG_SERIESNOT_H
#define NG_SERIESNOT_H

#include <stdbool.h>
#include <stddef.h>

#define SN_MAX_VALUES (1u << 20)

typedef struct sn_label {
	char *name, *value;	/* unquoted; value may hold NUL bytes from escapes */
	size_t value_len;
	size_t off, len;	/* the bytes of its name in the input (of the metric name for __name__) */
} sn_label;

typedef struct sn_series {
	sn_label *labels;	/* in input order; a metric name is __name__ */
	size_t nlabels;
	double *v;		/* one per step */
	bool *omitted;		/* the step has no sample (`_`) */
	size_t n, cap;
} sn_series;

typedef struct sn_error {
	char msg[256];
	size_t off, len;	/* the bytes of the input it is about */
} sn_error;

/* A values string: what follows the series in promtool's `values:`. 0, or -1 with *err set. */
int sn_parse_values(const char *s, size_t n, sn_series *out, sn_error *err);
/* A whole series description, `metric{labels} values...`, as promqltest's load lines. */
int sn_parse_desc(const char *s, size_t n, sn_series *out, sn_error *err);
/* The value of label name, or NULL. */
const char *sn_label_value(const sn_series *s, const char *name);
void sn_free(sn_series *s);

#endif
