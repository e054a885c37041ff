/*
 * watch.h: what the two sources of `novagate watch` share: a server
 * (watch.c) and samples as they come (watch_input.c, --input).  Both step
 * on the same grid, evaluate one check and say the same lines (watch.c).
 */
#ifndef NG_WATCH_H
#define NG_WATCH_H

#include "live.h"

typedef struct watcher {
	const cli_opts *o;
	const ng_gatefile *gf;
	int gate;
	ng_check *c;
	ng_baseline *bf;
	bool *reads;			/* [(gate * nmetrics + metric) * 2 + baseline]: the gate reads it */
	int64_t t0, tick, last_k;	/* evaluation k is at t0 + k * tick, the last at last_k */
	int64_t started;		/* monotonic, for --max-duration */
	int64_t t;			/* of the last evaluation; INT64_MIN before */
	bool by;			/* a metric with `by`, or statistics: lines name what decided, from the report */
	json_t *report;			/* while lines are said: check's JSON report of each gate, by name */
	/* a server's (watch.c) */
	ng_prom *pc;
	ng_feed *f;
	live_sink sink;			/* c's handles of f's series */
	/*
	 * A series the feed steps on a coarser grid than the watch (gates of
	 * different steps): fetched on from one step to the next, its points
	 * would not end at every step as check --at's do.  Then every step has
	 * a check and a feed of its own.
	 */
	bool fresh;
	int64_t tolerate;		/* ms of failed fetches in a row ridden out */
	int64_t ok_t;			/* of the last fetch that succeeded; t0 - tick before */
	char *errline;
	ng_diags *held;			/* the last fetch's diagnostics, its errors not yet printed */
} watcher;

/* What one line says beyond the gate's own verdict and rules. */
typedef struct note {
	const char *verdict;		/* NULL: the gate's own (inconclusive before an evaluation) */
	bool final;
	const char *reason;		/* why it is final */
	ng_errcode fault;		/* NG_OK, or the fault that ends the watch ("error"), with msg */
	ng_errcode tolerated;		/* NG_OK, or the fault this step rode out ("source_error"), with msg */
	const char *msg;
} note;

/* One line for each gate watched: its verdict at w->t (none before the first step), and n. */
void watch_say(watcher *w, const note *n);
/* The end before the verdict is final: a line with the verdict so far, and status. */
int watch_finish(watcher *w, const char *why, int status);
/* The reason a signal ended the watch with (live_stop). */
const char *watch_signal_reason(void);
/* A recorded baseline (--baseline) up to t, anchored at the last step; 0 or an exit status. */
int watch_baseline(watcher *w, int64_t t);

/* watch --input (watch_input.c): w's check, grid and lines ready; the exit status. */
int watch_input(watcher *w);

#endif
