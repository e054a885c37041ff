/*
 * source_prom.h: samples from a Prometheus-compatible HTTP API
 * (Prometheus, Thanos, Mimir, VictoriaMetrics ...).  Three layers, a file
 * each:
 *
 * - prom_decode.c: one response body of /api/v1/query_range or
 *   /api/v1/query (matrix, vector or scalar; the error envelope; warnings)
 *   into series of (ms, value) points.  No I/O: the unit tests run it over
 *   the conformance corpus.
 * - prom_client.c, ng_prom: libcurl multi.  Queries run in parallel,
 *   connections are kept and reused between calls (watch), faults are
 *   retried (connection errors, 429, 5xx) with backoff, every fault ends in
 *   one ng_errcode (NG_ECONNECT ... NG_ETOOBIG) and a one-line message with
 *   no credential in it.
 * - prom_feed.c, ng_feed: the series an ng_check reads, fetched with one
 *   query_range each over the window (plus lookback and window-function
 *   ranges) at the gates' step, and handed on as samples, each series of a
 *   result with its labels and the feed's number for it (at most
 *   ng_feed_set_max_series of them).  At a step where the server has no
 *   value of a series, it gets a staleness marker, so the engine sees the
 *   value missing there as the server did (its own lookback is not applied
 *   a second time).
 *
 * Times are ms since the epoch; steps and durations ms.
 */
#ifndef NG_SOURCE_PROM_H
#define NG_SOURCE_PROM_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "novagate.h"
#include "sbuf.h"

/* --- decoding ------------------------------------------------------------ */

typedef struct prom_point {
	int64_t t;
	double v;
} prom_point;

typedef struct prom_series {
	char *labels;		/* {a="b",c="d"} as Prometheus prints them, __name__ first */
	ng_label *lv;		/* the same labels (__name__ too) sorted by name, owned; none for a label value */
	size_t nlv;
	prom_point *pts;	/* in the order received */
	size_t npts;
} prom_series;

/* PROM_SERIES: label sets of /api/v1/series, series without points. */
enum prom_type { PROM_NONE, PROM_MATRIX, PROM_VECTOR, PROM_SCALAR, PROM_SERIES };

typedef struct prom_result {
	enum prom_type type;
	prom_series *series;
	size_t nseries;
	char **notes;		/* "warning: ..." and "info: ..." lines of the response (PROM_WARNING) */
	size_t nnotes;
	char *error;		/* why it failed, one line, when prom_decode returned nonzero */
	char *error_type;	/* the envelope's errorType (NG_EAPI), else NULL */
} prom_result;

/* A note that is a warning: the values it came with are not to be trusted (prom_feed.c). */
#define PROM_WARNING "warning: "

/*
 * Decode a response body served with HTTP status http_status.  Returns 0,
 * NG_EAPI (status "error": errorType and error in r->error), NG_EHTTP (a
 * non-2xx status without an error envelope), or NG_EDECODE (not JSON, not a
 * query result, a string result, native histograms, an HTTP error status
 * with a success body).  r is filled either way and freed by the caller.
 */
int prom_decode(const char *body, size_t len, long http_status, prom_result *r);
/*
 * The same for a body of /api/v1/series or of label values: a PROM_SERIES
 * result, a series a label set or a value (in labels), without points.
 */
int prom_decode_series(const char *body, size_t len, long http_status, prom_result *r);
/* Labels whose names and values the array owns, and the array. */
void prom_labels_free(ng_label *l, size_t n);
void prom_result_free(prom_result *r);

/* One [seconds, "value"] pair in JSON text (a scalar result's shape); 0 or -1. */
int prom_decode_point(const char *text, size_t len, prom_point *p);
/* A sample value as the API writes it: "1", "1e-3", "NaN", "+Inf", "-Inf". */
int prom_parse_value(const char *s, double *v);
/* A JSON number of seconds (ms precision) as ms; a value as a string ("NaN", "+Inf") or a number. */
int prom_json_ts(const json_t *j, int64_t *ms);
int prom_json_value(const json_t *j, double *v);

/* The first most series' labels, comma-separated, and "and N more": for a message. */
void prom_list_series(sbuf *b, const prom_result *r, size_t most);

/* A query_range asks for at most this many points: Prometheus refuses more than 11,000. */
#define PROM_MAX_POINTS 10000

/*
 * Text from a server for a one-line message, newly allocated: cut with
 * "..." after max bytes, controls as spaces, bytes that are not UTF-8 as
 * '?' (the message may go into JSON).
 */
char *prom_one_line(const char *s, size_t len, size_t max);

/* --- the HTTP client (ng_prom in novagate.h) -------------------------------- */

/* Copy of msg with every credential the client knows replaced by "***". */
char *prom_redact(const ng_prom *pc, const char *msg);

typedef struct prom_query {
	const char *what;		/* "metric p99", for messages */
	const char *query;		/* series, label: the selector for match[] (label: may be "") */
	bool series;			/* /api/v1/series instead of /api/v1/query_range */
	const char *label;		/* /api/v1/label/LABEL/values instead (GET) */
	int64_t start, end, step;
	/* results */
	int status;			/* 0 or an ng_errcode */
	char *error;			/* one line, credentials removed (status != 0) */
	prom_result res;
	int attempts;
} prom_query;

/*
 * Run the queries in parallel.  Returns 0 when all succeeded, -1 when
 * o->stop was set (transfers abandoned), else the status of the first
 * failed query (in array order).  The server's warnings, and with verbose
 * each request, go to d as NG_SEV_INFO lines.
 */
int prom_run(ng_prom *pc, prom_query *qs, int n, ng_diags *d);
void prom_query_clear(prom_query *q);

#endif
