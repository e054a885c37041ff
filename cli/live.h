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

/* How a recording of novagate record begins (record.c), which watch --input refuses (watch_input.c). */
#define RECORD_MAGIC "# novagate record: "

typedef struct cli_opts {
	const char *cmd;			/* a name of cli_commands (options.h) */
	const char *file, *input, *gate, *baseline;
	ng_param *sets;
	int nsets;
	bool has_at, human, dump, verbose;	/* human: --format human, else the command's format */
	int color;				/* --color: a cli_color */
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
	int max_series;				/* --max-series; 0: NG_MAX_SERIES_DEFAULT */
	int report_series;			/* --series: deciding series a report names; 0: 5 */
	const char *report;			/* --report FILE.html (check, watch), DIR (test) */
	/* serve */
	const char **files;			/* every gate file operand (file is the first) */
	int nfiles;
	const char *listen, *auth_file;		/* --listen, --auth-token-file */
	int workers, max_connections;		/* 0: the defaults */
	int64_t request_timeout, idle_timeout;	/* ms; 0: the defaults */
	/* test */
	const char *run, *junit;		/* --run, --junit */
} cli_opts;

/* The server's URL: --prometheus, NOVAGATE_PROMETHEUS_URL, the file's `prometheus`; or NULL. */
const char *live_url(const cli_opts *o, const ng_gatefile *gf);

/* Each returns novagate's exit status. gate: -1 for all. */
int live_check(const cli_opts *o, const ng_gatefile *gf, int gate);	/* server.c */
int live_watch(const cli_opts *o, const ng_gatefile *gf, int gate);	/* watch.c */
int live_record(const cli_opts *o, const ng_gatefile *gf, int gate);	/* record.c */
int live_baseline(const cli_opts *o, const ng_gatefile *gf, int gate);	/* record.c */
int live_lint(const cli_opts *o, const ng_gatefile *gf);		/* lint.c */
int serve_main(const cli_opts *o);					/* serve.c */

/* How check writes its report: --format, and for people --color, NO_COLOR, a terminal (color.c). */
ng_report_opts cli_report_opts(const cli_opts *o);

/* --- shared by them (server.c) --- */

/* Set by SIGINT or SIGTERM while a watch runs: transfers are abandoned. */
extern volatile sig_atomic_t live_stop;
void live_on_signal(int sig);
/* The client of the command's server; NULL with *status an exit status, the error printed. */
ng_prom *live_client(const cli_opts *o, const ng_gatefile *gf, int *status);
/* A fault of the server, which --on-error inconclusive turns into a verdict. */
bool live_is_fault(ng_errcode rc);
/* The bound of series (--max-series) of a check and of its feed. */
int live_max_series(const cli_opts *o);
/*
 * The series a feed hands on, in a check: the ng_check_series() handle of
 * each sid, asked the first time the sid comes.  d is where the check says
 * why it refuses one (a second label set of a metric without `by` ...):
 * live_fetch points it at the fetch's diagnostics.
 */
typedef struct live_sink {
	ng_check *c;
	int *handle;		/* by sid; -1: not asked yet */
	int nhandle;
	ng_diags *d;
} live_sink;
void live_sink_init(live_sink *s, ng_check *c);
void live_sink_free(live_sink *s);
/* The handle of a series, or -1 when the check refuses it (why in s->d). */
int live_sink_handle(live_sink *s, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels);
/* An ng_sample_fn pushing into the check of the live_sink ctx: NG_ESERIES when it refuses a series. */
int live_push(void *ctx, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels, int64_t t,
	      double v, bool stale);
/*
 * Fetch into ctx with the diagnostics printed; the error's message is kept
 * in *errline (freed and replaced) for --on-error inconclusive.  With held
 * (cleared first) the errors are not printed but kept there, for the
 * caller to print or to tolerate.  sink (may be NULL): the series of the
 * check fn pushes into, its refusals among the fetch's errors.  Returns the
 * feed's code (-1: stopped).
 */
int live_fetch(ng_feed *f, int64_t at, ng_sample_fn fn, void *ctx, live_sink *sink, char **errline,
	       ng_diags *held);
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
/* --on-error inconclusive: the report of a gate the server's fault left inconclusive. */
json_t *live_fault_json(const char *file, const char *gate, int64_t at, ng_errcode rc, const char *msg);
/* 0, or EXIT_IO (said on stderr) when standard output cannot be written. */
int live_flush_stdout(void);

/* One fetch at one time: what check, record and baseline share. */
typedef struct live_shot {
	ng_prom *pc;
	ng_check *c;
	ng_feed *f;
	live_sink sink;		/* of c */
	int64_t at;		/* --at, or live_now_at */
	char *errline;		/* the fetch's error, for --on-error inconclusive */
} live_shot;
/* 0, or an exit status (the error printed). */
int live_shot_open(live_shot *s, const cli_opts *o, const ng_gatefile *gf, int gate, ng_feed_kind kind);
/* The fetch, fn's series in s->sink (live_push with ctx &s->sink pushes them into s->c). */
int live_shot_fetch(live_shot *s, ng_sample_fn fn, void *ctx);
void live_shot_close(live_shot *s);

#endif
