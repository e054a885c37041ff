/*
 * history.c: the step-history functions over the rings of their last
 * steps.  What each gives, and when it is unknown, is novagate-gate(5)'s
 * "STATISTICS OVER THE LAST STEPS"; the statistics are stats.c's.
 */
#include "history.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NEVER INT64_MIN

void
hist_ring_free(hist_ring *r)
{
	free(r->v);
	r->v = NULL;
}

void
hist_work_free(hist_work *w)
{
	free(w->x);
	free(w->y);
	stats_scratch_free(&w->s);
}

/* times(): what a step's truth adds to the counts (sign -1: what it takes away). */
static void
count(hist_ring *r, double c, int sign)
{
	r->ntrue += sign * (c == 1);
	r->nunknown += sign * (isnan(c) != 0);
}

/* The slot of the next step, the oldest's once the ring is full (its count taken away). */
static double *
next_slot(const prog_hist *h, hist_ring *r)
{
	double *at = &r->v[(size_t)r->head * (size_t)h->lanes];

	if (r->len == h->cap && h->fn == FN_TIMES)
		count(r, at[0], -1);
	r->head = (r->head + 1) % h->cap;
	if (r->len < h->cap)
		r->len++;
	return at;
}

/*
 * Step t's lanes into the ring; the steps between the last one and t, at
 * which this series was not evaluated, are unknown.  Before its first step
 * a ring holds nothing, and a bounded one counts what it lacks (len).
 */
static void
put(const prog_hist *h, hist_ring *r, int64_t step, int64_t t0, int64_t t, const double *lanes)
{
	int64_t missing = r->last == NEVER ? (t - t0) / step : (t - r->last) / step - 1;

	r->last = t;
	if (h->steps == 0) {	/* times(C): counts since the window began */
		r->nunknown += missing;
		r->nsteps += missing + 1;
		count(r, lanes[0], 1);
		return;
	}
	if (!r->v)
		r->v = xmalloc((size_t)h->cap * (size_t)h->lanes * sizeof *r->v);
	if (r->len == 0)
		missing = 0;
	for (int64_t k = 0; k < missing && k < h->cap; k++) {
		double *at = next_slot(h, r);
		for (int l = 0; l < h->lanes; l++)
			at[l] = NAN;
		if (h->fn == FN_TIMES)
			count(r, NAN, 1);
	}
	memcpy(next_slot(h, r), lanes, (size_t)h->lanes * sizeof *lanes);
	if (h->fn == FN_TIMES)
		count(r, lanes[0], 1);
}

static void
room(hist_work *w, int n)
{
	if (n <= w->cap)
		return;
	w->cap = n;
	w->x = xrealloc(w->x, (size_t)n * sizeof *w->x);
	w->y = xrealloc(w->y, (size_t)n * sizeof *w->y);
}

/* The values lane a and lane b had at the steps held, each without the steps it had none. */
static void
sides(const prog_hist *h, const hist_ring *r, hist_work *w, hist_stat *st)
{
	room(w, r->len);
	st->nx = st->ny = 0;
	for (int i = 0; i < r->len; i++) {
		const double *at = &r->v[(size_t)i * (size_t)h->lanes];
		if (!isnan(at[0]))
			w->x[st->nx++] = at[0];
		if (!isnan(at[1]))
			w->y[st->ny++] = at[1];
	}
}

/*
 * The counts of a side of ratio_test: the sums over the steps that had
 * both, rounded to whole events (increase() extrapolates).
 */
static void
counts(const prog_hist *h, const hist_ring *r, hist_stat *st)
{
	for (int side = 0; side < 2; side++) {
		double e = 0, n = 0;
		for (int i = 0; i < r->len; i++) {
			const double *at = &r->v[(size_t)i * (size_t)h->lanes + 2 * side];
			if (!isnan(at[0]) && !isnan(at[1]))
				e += at[0], n += at[1];
		}
		st->count[2 * side] = round(e);
		st->count[2 * side + 1] = round(n);
	}
}

/* mannwhitney(), shift(), ratio_test() at a step they test at, on a whole range. */
static void
test(const prog_hist *h, const hist_ring *r, hist_work *w, hist_stat *st, bool full)
{
	if (h->fn == FN_RATIO_TEST) {
		counts(h, r, st);
		if (st->count[1] > 0 && st->count[3] > 0)	/* no requests on a side: nothing to test */
			st->value = st->p = stats_fisher_greater(st->count[0], st->count[1], st->count[2], st->count[3]);
		return;
	}
	sides(h, r, w, st);
	if (st->nx < HIST_MIN_VALUES || st->ny < HIST_MIN_VALUES)
		return;	/* never a p-value from a handful of points */
	if (h->fn == FN_MANNWHITNEY) {
		stats_mwu m;
		stats_mannwhitney(w->x, st->nx, w->y, st->ny, &w->s, &m);
		st->u = m.u;
		st->value = st->p = m.p;
	}
	if (h->fn == FN_SHIFT || full)
		st->shift = stats_hodges_lehmann(w->x, st->nx, w->y, st->ny, &w->s);
	if (h->fn == FN_SHIFT)
		st->value = st->shift;
}

static double
compute(const prog_hist *h, const hist_ring *r, bool at_test, hist_work *w, hist_stat *st, bool full)
{
	*st = (hist_stat){ .value = NAN, .u = NAN, .p = NAN, .shift = NAN, .mean = NAN,
			   .steps = h->steps ? h->steps : r->nsteps, .held = h->steps ? r->len : r->nsteps,
			   .tested = at_test && r->len == h->steps };
	switch (h->fn) {
	case FN_MANNWHITNEY:
	case FN_SHIFT:
	case FN_RATIO_TEST:
		if (st->tested)
			test(h, r, w, st, full);
		else if (full && h->fn == FN_RATIO_TEST)
			counts(h, r, st);	/* for the report: what it would test */
		break;
	case FN_BURN_RATE: {
		double sum = 0;
		if (r->len < h->steps)
			break;	/* a step not evaluated may have burnt it all */
		for (int i = 0; i < r->len; i++)
			if (!isnan(r->v[i]))
				sum += r->v[i], st->known++;
		if (st->known == h->steps) {	/* so may a step without a ratio */
			st->mean = sum / (double)h->steps;
			st->value = st->mean / (1 - h->slo);
		}
		break;
	}
	case FN_TIMES:
		st->ntrue = r->ntrue;
		st->nunknown = r->nunknown + (h->steps ? h->steps - r->len : 0);	/* + not evaluated */
		st->value = st->nunknown ? NAN : (double)st->ntrue;
		break;
	}
	return st->value;
}

double
hist_add(const prog_hist *h, hist_ring *r, int64_t step, int64_t t0, int64_t t, bool at_test,
	 const double *lanes, hist_work *w, hist_stat *st)
{
	put(h, r, step, t0, t, lanes);
	return compute(h, r, at_test, w, st, false);
}

void
hist_stat_of(const prog_hist *h, const hist_ring *r, bool at_test, hist_work *w, hist_stat *st)
{
	compute(h, r, at_test, w, st, true);
}
