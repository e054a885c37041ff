/* series.c: sliding sample buffers and PromQL's *_over_time, rate and friends. */
#include "series.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>

double
series_stale_nan(void)
{
	uint64_t b = STALE_BITS;
	double v;

	memcpy(&v, &b, sizeof v);
	return v;
}

void
series_init(series *s, int64_t keep)
{
	*s = (series){ .keep = keep };
}

void
series_free(series *s)
{
	free(s->buf);
	s->buf = NULL;
	s->cap = s->len = s->head = 0;
}

void
series_reset(series *s)
{
	s->head = s->len = 0;
	s->count = 0;
}

int
series_push(series *s, int64_t t, double v)
{
	if (s->len && t <= s->buf[s->head + s->len - 1].t)
		return -1;
	/* drop what no evaluation can reach any more (the hint counts from head) */
	while (s->len && s->buf[s->head].t < t - s->keep) {
		s->head++, s->len--;
		s->hint -= s->hint > 0;
	}
	/*
	 * Full: move the live samples down when a quarter or more is dead, so
	 * that a buffer holds at most 4/3 of what the gate keeps, plus growth.
	 */
	if (s->head + s->len == s->cap) {
		if (s->head >= s->cap / 4 && s->head) {
			memmove(s->buf, s->buf + s->head, s->len * sizeof *s->buf);
			s->head = 0;
		} else {
			s->cap = s->cap ? 2 * s->cap : 64;
			s->buf = xrealloc(s->buf, s->cap * sizeof *s->buf);
		}
	}
	s->buf[s->head + s->len++] = (sample){ t, v };
	if (s->count == 0 && !series_is_stale(v))
		s->first = t;
	s->count += !series_is_stale(v);
	return 0;
}

/*
 * Index (from head) of the first sample with time > t.  A check's steps go
 * forward in time, so the answer is most often where the last search with
 * remember ended, or one past it: s->hint, a cache that searching alone
 * writes (through a cast: no series is defined const), checked before use.
 */
static size_t
upper(const series *s, int64_t t, bool remember)
{
	size_t lo = 0, hi = s->len, h = s->hint;
	const sample *b = s->len ? s->buf + s->head : NULL;	/* no arithmetic on a NULL buf */

	if (remember && h <= s->len && (h == 0 || b[h - 1].t <= t)) {
		if (h == s->len || b[h].t > t)
			return h;
		if (h + 1 == s->len || b[h + 1].t > t)
			return ((series *)s)->hint = h + 1;
		lo = h + 2;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (b[mid].t <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (remember)
		((series *)s)->hint = lo;
	return lo;
}

/* The samples in (t - range, t], staleness markers included. */
static const sample *
window(const series *s, int64_t t, int64_t range, size_t *n)
{
	size_t hi = upper(s, t, true), lo = upper(s, t - range, false);

	*n = hi - lo;
	return s->len ? s->buf + s->head + lo : s->buf;
}

size_t
series_count(const series *s, int64_t t, int64_t range)
{
	size_t n, k = 0;
	const sample *w = window(s, t, range, &n);

	for (size_t i = 0; i < n; i++)
		k += !series_is_stale(w[i].v);
	return k;
}

const sample *
series_at(const series *s, int64_t t, int64_t lookback)
{
	size_t hi = upper(s, t, true);

	if (hi == 0)
		return NULL;
	const sample *x = &s->buf[s->head + hi - 1];
	if (x->t <= t - lookback || series_is_stale(x->v))
		return NULL;
	return x;
}

double
series_avg(const series *s, int64_t t, int64_t range)
{
	size_t n, k = 0;
	const sample *w = window(s, t, range, &n);
	double sum = 0;

	for (size_t i = 0; i < n; i++)
		if (!series_is_stale(w[i].v))
			sum += w[i].v, k++;
	return k ? sum / (double)k : NAN;
}

/* min and max skip NaN unless all are NaN, as Prometheus does. */
static double
extreme(const series *s, int64_t t, int64_t range, bool max)
{
	size_t n;
	const sample *w = window(s, t, range, &n);
	double r = NAN;
	bool any = false;

	for (size_t i = 0; i < n; i++) {
		double v = w[i].v;
		if (series_is_stale(v))
			continue;
		if (!any || isnan(r) || (max ? v > r : v < r))
			r = v;
		any = true;
	}
	return r;
}

double
series_min(const series *s, int64_t t, int64_t range)
{
	return extreme(s, t, range, false);
}

double
series_max(const series *s, int64_t t, int64_t range)
{
	return extreme(s, t, range, true);
}

double
series_quantile(const series *s, double phi, int64_t t, int64_t range)
{
	size_t n, k = 0;
	const sample *w = window(s, t, range, &n);

	if (isnan(phi))
		return NAN;
	double *v = xmalloc(n * sizeof *v);
	for (size_t i = 0; i < n; i++)
		if (!series_is_stale(w[i].v))
			v[k++] = w[i].v;
	double r;
	if (k == 0)
		r = NAN;
	else if (phi < 0)
		r = -INFINITY;
	else if (phi > 1)
		r = INFINITY;
	else {
		qsort(v, k, sizeof *v, util_cmp_double);
		r = util_quantile_sorted(v, k, phi);
	}
	free(v);
	return r;
}

/* Prometheus' extrapolatedRate (promql/functions.go), over (t - range, t]. */
static double
extrapolated(const series *s, int64_t t, int64_t range, bool counter, bool rate)
{
	size_t n, k = 0;
	const sample *w = window(s, t, range, &n);
	const sample *first = NULL, *last = NULL;
	double result = 0, prev = 0;

	for (size_t i = 0; i < n; i++) {
		if (series_is_stale(w[i].v))
			continue;
		if (!first)
			first = &w[i];
		else if (counter && w[i].v < prev)
			result += prev;	/* a reset: the counter went on from 0 */
		prev = w[i].v;
		last = &w[i];
		k++;
	}
	if (k < 2)
		return NAN;
	result += last->v - first->v;

	/* differences in whole ms first: seconds since 1970 as doubles lose the fraction */
	double to_start = (double)(first->t - (t - range)) / 1000;
	double to_end = (double)(t - last->t) / 1000;
	double sampled = (double)(last->t - first->t) / 1000;
	double avg = sampled / (double)(k - 1);
	double threshold = avg * 1.1, interval = sampled;

	if (to_start >= threshold)
		to_start = avg / 2;
	if (counter && result > 0 && first->v >= 0) {
		/* a counter does not extrapolate below zero */
		double to_zero = sampled * (first->v / result);
		if (to_zero < to_start)
			to_start = to_zero;
	}
	interval += to_start;
	if (to_end >= threshold)
		to_end = avg / 2;
	interval += to_end;
	double factor = interval / sampled;
	if (rate)
		factor /= (double)range / 1000;
	return result * factor;
}

double
series_delta(const series *s, int64_t t, int64_t range)
{
	return extrapolated(s, t, range, false, false);
}

double
series_rate(const series *s, int64_t t, int64_t range)
{
	return extrapolated(s, t, range, true, true);
}

double
series_increase(const series *s, int64_t t, int64_t range)
{
	return extrapolated(s, t, range, true, false);
}
