/*
 * units.h: number literals with units, and the units of metrics.  A
 * literal's meaning depends on where it stands: `5m` is 5 minutes after
 * `for`, 0.005 (milli) in a value, and an error against a metric in
 * seconds, where it could mean either.  The functions on literals take
 * the literal's whole text.
 */
#ifndef NG_UNITS_H
#define NG_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pq_query;

/* What a metric measures: declared (`unit seconds`) or inferred from its query.  UNIT_NONE checks nothing. */
enum unit { UNIT_NONE, UNIT_SECONDS, UNIT_BYTES, UNIT_RATIO, UNIT_CORES, UNIT_COUNT, UNIT__N };

/* On error these return -1 and set *err to a message; *errat is the byte offset in s it is about. */
int units_value(const char *s, size_t n, double *v, bool *percent, const char **err, size_t *errat);
int units_duration(const char *s, size_t n, int64_t *ms, const char **err, size_t *errat);

/*
 * A value literal compared with a value of unit u: read as units_value()
 * does when u is UNIT_NONE, else only with a suffix of u (units_suffixes),
 * durations in seconds for UNIT_SECONDS.  Errors beyond units_value()'s:
 * UNITS_EOTHER, a suffix that is not one of u's; UNITS_EAMBIG, `m` against
 * seconds or no unit (milli or minute?); *errat is then the suffix.
 */
#define UNITS_EOTHER (-2)
#define UNITS_EAMBIG (-3)
int units_value_in(const char *s, size_t n, enum unit u, double *v, bool *percent, const char **err, size_t *errat);

/* The one unit whose suffixes include the literal's (1% ratio, 256Mi bytes, 300ms seconds), else UNIT_NONE. */
enum unit units_of_literal(const char *s, size_t n);
const char *units_name(enum unit u);		/* "seconds", ..., "none" for UNIT_NONE */
bool units_parse(const char *word, enum unit *u);
const char *units_suffixes(enum unit u);	/* the literal suffixes u takes, as "k M G", a bare number aside */

/*
 * The unit of a parsed query by Prometheus' naming conventions, when it
 * is certain (units.c says what that means), else UNIT_NONE; *sel is the
 * selector the unit comes from (-1 when none).
 */
enum unit units_infer(const struct pq_query *q, int *sel);

#endif
