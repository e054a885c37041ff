/*
 * source_prom.h: samples from a Prometheus-compatible HTTP API
 * (Prometheus, Thanos, Mimir, VictoriaMetrics ...).  Three layers:
 *
 * - prom_decode(): one response body of /api/v1/query_range or
 *   /api/v1/query (matrix, vector or scalar; the error envelope; warnings)
 *   into series of (ms, value) points.  No I/O: the unit tests run it over
 *   the conformance corpus.
 * - prom_client: libcurl multi.  Queries run in parallel, connections are
 *   kept and reused between calls (watch), faults are retried (connection
 *   errors, 429, 5xx) with backoff, every fault ends in one ng_errcode
 *   (NG_ECONNECT ... NG_ETOOBIG) and a one-line message with no credential
 *   in it.
 * - prom_feed: the series an ng_check reads, fetched with one query_range
 *   each over the window (plus lookback and window-function ranges) at the
 *   gates' step, and handed on as samples.  At a step where the server has
 *   no value the series gets a staleness marker, so the engine sees the
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

/* --- decoding ------------------------------------------------------------ */

typedef struct prom_point {
	int64_t t;
	double v;
} prom_point;

typedef struct prom_series {
	char *labels;		/* {a="b",c="d"} as Prometheus prints them, __name__ first */
	prom_point *pts;	/* in the order received */
	size_t npts;
} prom_series;

enum prom_type { PROM_NONE, PROM_MATRIX, PROM_VECTOR, PROM_SCALAR };

typedef struct prom_result {
	enum prom_type type;
	prom_series *series;
	size_t nseries;
	char **notes;		/* "warning: ..." and "info: ..." lines of the response */
	size_t nnotes;
	char *error;		/* why it failed, one line, when prom_decode returned nonzero */
	char *error_type;	/* the envelope's errorType (NG_EAPI), else NULL */
} prom_result;

/*
 * Decode a response body served with HTTP status http_status.  Returns 0,
 * NG_EAPI (status "error": errorType and error in r->error), NG_EHTTP (a
 * non-2xx status without an error envelope), or NG_EDECODE (not JSON, not a
 * query result, a string result, native histograms, an HTTP error status
 * with a success body).  r is filled either way and freed by the caller.
 */
int prom_decode(const char *body, size_t len, long http_status, prom_result *r);
void prom_result_free(prom_result *r);

/* One [seconds, "value"] pair in JSON text (a scalar result's shape); 0 or -1. */
int prom_decode_point(const char *text, size_t len, prom_point *p);
/* A sample value as the API writes it: "1", "1e-3", "NaN", "+Inf", "-Inf". */
int prom_parse_value(const char *s, double *v);
/* A JSON number of seconds (ms precision) as ms; a value as a string ("NaN", "+Inf") or a number. */
int prom_json_ts(const json_t *j, int64_t *ms);
int prom_json_value(const json_t *j, double *v);

/* --- the HTTP client ----------------------------------------------------- */

typedef struct prom_opts {
	const char *url;		/* base URL; /api/v1/... is appended to its path */
	const char *bearer_file;	/* --bearer-token-file */
	const char *const *headers;	/* --header 'Name: value' */
	int nheaders;
	const char *ca_file, *cert_file, *key_file;
	bool insecure;
	int64_t connect_timeout, timeout;	/* ms */
	int retries;			/* further attempts after the first */
	int64_t retry_base;		/* first backoff, ms; doubles each time */
	int64_t max_response;		/* bytes */
	bool verbose;
	volatile sig_atomic_t *stop;	/* when set, transfers are abandoned */
} prom_opts;

/* Defaults of prom_opts: 5s, 30s, 2 retries from 250 ms, 64 MiB. */
void prom_opts_init(prom_opts *o);

typedef struct prom_client prom_client;

/*
 * A client for o->url (kept by pointer, as are the other strings of o).
 * Basic auth comes from the URL's user:password@ or from the environment
 * (NOVAGATE_PROMETHEUS_USER, NOVAGATE_PROMETHEUS_PASSWORD).  On error
 * returns NG_EUSAGE (a bad URL or header, auth given twice) or NG_EIO (the
 * token file cannot be read, libcurl cannot be loaded), the error in d.
 */
ng_errcode prom_client_new(const prom_opts *o, prom_client **out, ng_diags *d);
void prom_client_free(prom_client *pc);
/* The server URL without user, password or query string, for messages. */
const char *prom_client_url(const prom_client *pc);
/* Copy of msg with every credential the client knows replaced by "***". */
char *prom_redact(const prom_client *pc, const char *msg);

typedef struct prom_query {
	const char *what;		/* "metric p99", for messages */
	const char *query;
	int64_t start, end, step;	/* step 0: an instant query at end */
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
int prom_run(prom_client *pc, prom_query *qs, int n, ng_diags *d);
void prom_query_clear(prom_query *q);

/* --- feeding a check ----------------------------------------------------- */

/* A sample for the engine; stale: a staleness marker (v is NaN). */
typedef int (*prom_sample_fn)(void *ctx, int metric, bool baseline, int64_t t, double v, bool stale);

enum prom_feed_kind {
	FEED_CHECK,		/* what the check reads: values, and baselines with a query */
	FEED_VALUES		/* the value series of every metric read, also as a baseline */
};

typedef struct prom_feed prom_feed;

prom_feed *prom_feed_new(prom_client *pc, const ng_gatefile *gf, const ng_check *c,
			 enum prom_feed_kind kind);
void prom_feed_free(prom_feed *f);

/*
 * Fetch what is new up to at (the first call: everything the evaluation at
 * at reads) and hand it to fn, series by series in file order, each in time
 * order.  Every series gets a sample at at (a staleness marker when the
 * server has no value there), so that at is also the newest sample.
 * Returns 0, -1 when stopped, the ng_errcode of a fault (its one-line
 * message in d, with the server), or what fn returned if nonzero.
 */
int prom_feed_fetch(prom_feed *f, int64_t at, prom_sample_fn fn, void *ctx, ng_diags *d);

/* For the baseline file: the query, step and first time of series i of the feed. */
int prom_feed_nseries(const prom_feed *f);
void prom_feed_series(const prom_feed *f, int i, int *metric, bool *baseline, const char **query,
		      int64_t *step, int64_t *from);

#endif
