/*
 * serve.h: what the parts of `novagate serve` share.  serve.c is the HTTP
 * side (libmicrohttpd: routes, limits, auth, shutdown); serve_eval.c keeps
 * the gates and runs evaluations on worker threads, one per distinct
 * question (gate, parameters, instant) however many requests ask it;
 * serve_metrics.c counts what /metrics says.
 */
#ifndef NG_SERVE_H
#define NG_SERVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "live.h"

/* The routes, for counting; the order /metrics lists them in. */
#define SERVE_ROUTES(X) \
	X(ROUTE_GATES, "/v1/gates") \
	X(ROUTE_VERDICT, "/v1/gates/{gate}/verdict") \
	X(ROUTE_FLAGGER, "/v1/flagger/{hook}/{gate}") \
	X(ROUTE_HEALTHZ, "/healthz") \
	X(ROUTE_METRICS, "/metrics") \
	X(ROUTE_OTHER, "other")
#define X(id, path) id,
enum serve_route { SERVE_ROUTES(X) NROUTES };
#undef X
extern const char *const serve_route_path[NROUTES];

/* --- gates and evaluations (serve_eval.c) --- */

typedef struct serve_eval serve_eval;
typedef struct serve_result serve_result;

/* A question: gate (serve_eval's index), parameter values sorted by name, and the instant. */
typedef struct serve_ask {
	int gate;
	ng_param *sets;			/* owned by the caller */
	int nsets;
	bool has_at;
	int64_t at;
} serve_ask;

/*
 * Someone waiting for a result: suspend(ctx) is called when it must wait
 * (under the lock that keeps the result from being ready meanwhile), and
 * then resume(ctx) once, on a worker thread, when it is ready.
 */
typedef struct serve_waiter {
	void (*suspend)(void *ctx);
	void (*resume)(void *ctx);
	void *ctx;
	struct serve_waiter *next;
} serve_waiter;

/* The gate files compiled; 0, or an exit status with the error printed. */
int serve_eval_new(const cli_opts *o, serve_eval **out);
/* Start the workers (after the daemon is up); 0 or -1. */
int serve_eval_start(serve_eval *e);
/* SIGTERM: no more questions; those queued are answered 503 at once, those running finish. */
void serve_eval_drain(serve_eval *e);
/* serve_eval_drain(), and wait for the workers to end (every waiter resumed). */
void serve_eval_stop(serve_eval *e);
/* serve_eval_stop(), and free: after the last request holding a result is done. */
void serve_eval_free(serve_eval *e);

int serve_eval_ngates(const serve_eval *e);
/* The gate named name, or -1. */
int serve_eval_find(const serve_eval *e, const char *name);
const char *serve_eval_gate_name(const serve_eval *e, int gate);
/* The file a gate is in, compiled with its parameters' defaults. */
const ng_gatefile *serve_eval_gatefile(const serve_eval *e, int gate, int *index);
const char *serve_eval_file(const serve_eval *e, int gate);
/* GET /v1/gates: every gate, with its file, parameters, settings and rules; a JSON text to free. */
char *serve_eval_list(const serve_eval *e);

/*
 * The result of a question (a reference: serve_result_drop).  When it is
 * at hand, *ready is true.  Otherwise w has been suspended and will be
 * resumed when the result is ready.  NULL when too many questions wait
 * already (the server is busy).
 */
serve_result *serve_eval_ask(serve_eval *e, const serve_ask *q, serve_waiter *w, bool *ready);
/*
 * A waiter that leaves (its client closed the connection): true when it
 * was still waiting, and is not resumed by a worker now.  A question
 * nobody waits for any more that no worker has begun is dropped.
 */
bool serve_eval_leave(serve_eval *e, serve_result *r, serve_waiter *w);
/* A ready result: HTTP status, body (JSON, len bytes), and the verdict (-1: none). */
void serve_result_get(serve_eval *e, const serve_result *r, int *status, const char **body, size_t *len,
		      int *verdict);
void serve_result_drop(serve_eval *e, serve_result *r);

/* --- counters (serve_metrics.c) --- */

void serve_metrics_init(int ngates);
void serve_metrics_free(void);
void serve_metrics_request(enum serve_route route, int status);
void serve_metrics_verdict(int gate, ng_verdict v);
void serve_metrics_evaluation(double seconds, ng_errcode fault);
void serve_metrics_shared(void);
/* The text exposition of every counter; a text to free. */
char *serve_metrics_text(const serve_eval *e, int connections);

#endif
