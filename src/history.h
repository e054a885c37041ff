/*
 * history.h: the values a gate saw at its last steps, and what the
 * step-history functions make of them (mannwhitney, shift, ratio_test,
 * burn_rate, times; program.h's prog_hist).
 *
 * A ring holds one series' lanes for the history's last steps, at most
 * as many as the window evaluates; a step the series was absent at
 * holds NaN: unknown, and the steps before its first are counted as
 * missing (len).  The tests run on a whole range at the steps they test
 * at, the window's last and every range before it (disjoint ranges, so
 * that a test repeated at every step does not find by chance what one
 * does not); O(steps log steps) each.  times() keeps its counts as it
 * goes; burn_rate() sums its ring at each step.
 */
#ifndef NG_HISTORY_H
#define NG_HISTORY_H

#include <stdint.h>

#include "program.h"
#include "stats.h"

typedef struct hist_ring {
	double *v;		/* steps x lanes, NULL until the first step */
	int head;		/* where the next step goes */
	int len;		/* steps held, at most the history's */
	int64_t last;		/* the step of the latest, or INT64_MIN */
	int64_t ntrue, nunknown;	/* times(): of the steps held (bounded: not those lacking) */
	int64_t nsteps;		/* times(C), since the window began: the steps, with no ring */
} hist_ring;

/* Space for one computation, reused by every history of a gate. */
typedef struct hist_work {
	double *x, *y;
	int cap;
	stats_scratch s;
} hist_work;

/* What a history gives at a step, and from what: the report's numbers. */
typedef struct hist_stat {
	double value;		/* what the function gives; NaN unknown */
	int64_t steps;		/* the steps it covers */
	int64_t held;		/* of them evaluated so far */
	bool tested;		/* mannwhitney, shift, ratio_test: a step they test at, on a whole range */
	int nx, ny;		/* mannwhitney, shift: the canary's values and the baseline's */
	double u, p, shift;	/* mannwhitney (its shift for the report), shift */
	double count[4];	/* ratio_test: errors, requests; the baseline's errors, requests */
	double mean;		/* burn_rate: the ratio's mean, NaN unless every step had one */
	int64_t known;		/* burn_rate: the steps with a ratio */
	int64_t ntrue, nunknown;	/* times */
} hist_stat;

void hist_ring_free(hist_ring *r);
void hist_work_free(hist_work *w);

/*
 * Add the lanes of step t to r (t0: the window's first step; step: the
 * gate's; at_test: a step the tests test at) and return what h gives now;
 * st gets the numbers behind it, but for a mannwhitney's shift
 * (hist_stat_of).
 */
double hist_add(const prog_hist *h, hist_ring *r, int64_t step, int64_t t0, int64_t t, bool at_test,
		const double *lanes, hist_work *w, hist_stat *st);
/* The numbers behind r's value now, every one (the report's). */
void hist_stat_of(const prog_hist *h, const hist_ring *r, bool at_test, hist_work *w, hist_stat *st);

#endif
