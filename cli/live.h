/*
 * live.h: the commands that read a Prometheus-compatible server: check
 * --prometheus, watch, record, baseline (the library's ng_prom does the
 * HTTP).  main.c parses the command line into cli_opts and calls these.
 */
#ifndef NG_LIVE_H
#define NG_LIVE_H

#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "cli.h"
#include "novagate.h"

typedef struct cli_opts {
	const char *cmd;			/* "check", "watch", "record", "baseline", "compile", "lint" */
	const char *file, *input, *gate, *baseline;
	ng_param *sets;
	int nsets;
	bool has_at, human, json, dump, verbose;	/* json: --format json given */
	ng_dialect dialect;			/* --dialect */
	int64_t lookback;			/* lint --lookback, ms */
	int64_t at;
	/* the server */
	const char *url;			/* --prometheus */
	ng_prom_opts prom;			/* url is filled in by the command */
	const char **headers;
	int nheaders;
	bool server_opts;			/* some option other than --prometheus was given */
	bool on_error_inconclusive;
	int64_t max_duration, delay;		/* ms; 0: none */
	int64_t tolerate;			/* watch --tolerate, ms; -1: four steps of the grid */
} cli_opts;

/* The server's URL: --prometheus, NOVAGATE_PROMETHEUS_URL, the file's `prometheus`; or NULL. */
const char *live_url(const cli_opts *o, const ng_gatefile *gf);

/* Each returns novagate's exit status. gate: -1 for all. */
int live_check(const cli_opts *o, const ng_gatefile *gf, int gate);	/* server.c */
int live_watch(const cli_opts *o, const ng_gatefile *gf, int gate);	/* watch.c */
int live_record(const cli_opts *o, const ng_gatefile *gf, int gate);	/* record.c */
int live_baseline(const cli_opts *o, const ng_gatefile *gf, int gate);	/* record.c */
int live_lint(const cli_opts *o, const ng_gatefile *gf);		/* lint.c */

/* --- shared by them (server.c) --- */

/* Set by SIGINT or SIGTERM while a watch runs: transfers are abandoned. */
extern volatile sig_atomic_t live_stop;
void live_on_signal(int sig);
/* The client of the command's server; NULL with *status an exit status, the error printed. */
ng_prom *live_client(const cli_opts *o, const ng_gatefile *gf, int *status);
/* A fault of the server, which --on-error inconclusive turns into a verdict. */
bool live_is_fault(ng_errcode rc);
/* An ng_sample_fn pushing into the ng_check ctx. */
int live_push(void *ctx, int metric, bool baseline, int64_t t, double v, bool stale);
/*
 * Fetch into ctx with the diagnostics printed; the error's message is kept
 * in *errline (freed and replaced) for --on-error inconclusive.  With held
 * (cleared first) the errors are not printed but kept there, for the
 * caller to print or to tolerate.  Returns the feed's code (-1: stopped).
 */
int live_fetch(ng_feed *f, int64_t at, ng_sample_fn fn, void *ctx, char **errline, ng_diags *held);
/*
 * After a fetch: the selectors the server has no series of (ng_feed_absent)
 * into c, each warned about on stderr unless quiet.
 */
void live_absent(const ng_feed *f, ng_check *c, bool quiet);
/* Where a check without --at evaluates: now less --delay, down to a multiple of c's grid step. */
int64_t live_now_at(const cli_opts *o, const ng_check *c);
/* JSON of a time, of a fault ({status, kind, message}); one compact line of JSON. */
json_t *live_timestamp(int64_t t);
json_t *live_error_json(ng_errcode rc, const char *msg);
void live_put_line(json_t *o, FILE *out);
/* 0, or EXIT_IO (said on stderr) when standard output cannot be written. */
int live_flush_stdout(void);

/* One fetch at one time: what check, record and baseline share. */
typedef struct live_shot {
	ng_prom *pc;
	ng_check *c;
	ng_feed *f;
	int64_t at;		/* --at, or live_now_at */
	char *errline;		/* the fetch's error, for --on-error inconclusive */
} live_shot;
/* 0, or an exit status (the error printed). */
int live_shot_open(live_shot *s, const cli_opts *o, const ng_gatefile *gf, int gate, ng_feed_kind kind);
int live_shot_fetch(live_shot *s, ng_sample_fn fn, void *ctx);
void live_shot_close(live_shot *s);

#endif
