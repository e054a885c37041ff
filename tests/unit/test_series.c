/*
 * test_series.c: the sliding sample buffer and the window functions
 * against PromQL's semantics over (t - range, t]: avg/min/max/quantile
 * _over_time, and delta/rate/increase with Prometheus' extrapolation
 * (promql/functions.go extrapolatedRate) and counter resets.
 *
 * Where a comment says "promtool", the value is what Prometheus itself
 * computed: `promtool test rules` (Debian prometheus 2.42.0) with a
 * promql_expr_test over input_series at a 15s interval, the sample times
 * 0s, 15s, 30s, ... as here.  Those cases keep clear of the one place
 * Prometheus 2.x differs on purpose: 2.x selects [t - range, t], 3.x and
 * novagate (t - range, t].  The rest are worked by hand from the current
 * extrapolatedRate, which since Prometheus 2.51 (PR #13725) caps the
 * extrapolation at the counter's zero point after, not before, the
 * half-interval rule; promtool 2.42 predates that.
 */
#include "series.h"
#include "t.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define S 1000LL

/* --- helpers ---------------------------------------------------------------- */

/* A series from values as promtool's input_series writes them: one every 15s from 0; SKIP for _, STALE for stale. */
#define SKIP (-1e308)
#define STALE (-INFINITY)	/* becomes a staleness marker; -Inf is never a test value */

static void
load(series *s, int64_t base, const double *v, size_t n)
{
	series_init(s, INT64_MAX / 4);
	for (size_t i = 0; i < n; i++) {
		if (v[i] == SKIP)
			continue;
		int rc = series_push(s, base + (int64_t)i * 15 * S, isinf(v[i]) && v[i] < 0 ? series_stale_nan() : v[i]);
		if (rc != 0)
			abort();
	}
}
#define LOAD(s, ...) do {						\
	static const double v_[] = { __VA_ARGS__ };			\
	load(s, 0, v_, sizeof v_ / sizeof *v_);				\
} while (0)

/* --- the buffer ---------------------------------------------------------------- */

static void
buffer(void)
{
	series s;

	/* samples older than newest - keep are dropped; exactly keep old stays */
	series_init(&s, 1000);
	T_CHECK(series_empty(&s) && series_newest(&s) == NULL, "a new series is not empty");
	T_CHECK(series_push(&s, 0, 1) == 0 && series_push(&s, 500, 2) == 0 &&
		series_push(&s, 1000, 3) == 0, "in-order pushes refused");
	T_CHECK(s.len == 3, "%zu samples, want 3", s.len);
	series_push(&s, 1500, 4);
	T_CHECK(s.len == 3 && s.buf[s.head].t == 500, "after 1500: %zu samples from %lld, want 3 from 500",
		s.len, (long long)s.buf[s.head].t);
	series_push(&s, 2000, 5);
	T_CHECK(s.len == 3 && s.buf[s.head].t == 1000, "after 2000: %zu samples from %lld, want 3 from 1000",
		s.len, (long long)s.buf[s.head].t);
	T_CHECK(s.count == 5, "count %lld, want 5 (every sample pushed)", (long long)s.count);
	T_CHECK(series_newest(&s) && series_newest(&s)->t == 2000 && series_newest(&s)->v == 5, "newest is not (2000, 5)");

	/* out of order or a repeated timestamp: refused, nothing changes */
	T_CHECK(series_push(&s, 1999, 9) == -1, "an older sample was accepted");
	T_CHECK(series_push(&s, 2000, 9) == -1, "a repeated timestamp was accepted");
	T_CHECK(s.len == 3 && s.count == 5 && series_newest(&s)->v == 5, "a refused push changed the series");
	T_CHECK(series_push(&s, 2001, 6) == 0, "the next sample was refused");

	/* a big jump drops everything before it but the new sample */
	series_push(&s, 100000, 7);
	T_CHECK(s.len == 1 && s.buf[s.head].t == 100000, "after a jump: %zu samples, want 1", s.len);
	series_free(&s);
	T_CHECK(s.buf == NULL && s.len == 0, "series_free left samples");

	/* a long stream in a short window: memory stays bounded, the samples stay right */
	series_init(&s, 10 * S);
	bool right = true;
	for (int64_t i = 0; i < 100000; i++) {
		series_push(&s, i * 100, (double)i);
		const sample *n = series_newest(&s);
		right &= n->t == i * 100 && n->v == (double)i && s.buf[s.head].t >= i * 100 - 10 * S &&
			 (i < 100 || s.buf[s.head].t == i * 100 - 10 * S);
	}
	T_CHECK(right, "the buffer lost or kept the wrong samples while sliding");
	T_CHECK(s.len == 101, "%zu live samples, want 101", s.len);
	T_CHECK(s.cap <= 256, "capacity %zu for 101 live samples: the buffer grows with the stream", s.cap);
	T_NUMEQ(series_avg(&s, 99999 * 100, 10 * S), (99900.0 + 99999.0) / 2);	/* (t-10s, t]: 100 samples */
	T_CHECK(series_count(&s, 99999 * 100, 10 * S) == 100, "count %zu, want 100", series_count(&s, 99999 * 100, 10 * S));
	series_free(&s);

	/* reset forgets the samples but keeps the setting */
	series_init(&s, 5 * S);
	series_push(&s, 10, 1);
	series_reset(&s);
	T_CHECK(series_empty(&s) && s.count == 0 && s.keep == 5 * S, "reset left %zu samples", s.len);
	T_CHECK(series_push(&s, 5, 1) == 0, "after a reset an earlier time is fine");
	series_free(&s);
}

/* --- the value at a step ------------------------------------------------------------ */

static void
instant(void)
{
	series s;
	const sample *x;

	series_init(&s, INT64_MAX / 4);
	T_CHECK(series_at(&s, 0, 300 * S) == NULL, "an empty series has a value");
	series_push(&s, 10 * S, 1);
	series_push(&s, 20 * S, 2);
	series_push(&s, 30 * S, 3);

	x = series_at(&s, 30 * S, 300 * S);
	T_CHECK(x && x->v == 3, "at 30s: the sample at t itself counts");
	x = series_at(&s, 29999, 300 * S);
	T_CHECK(x && x->v == 2, "at 29.999s: the later sample is not seen");
	T_CHECK(series_at(&s, 9999, 300 * S) == NULL, "before the first sample there is a value");
	x = series_at(&s, 24 * S, 5 * S);
	T_CHECK(x && x->v == 2, "a sample 4s old within a 5s lookback");
	T_CHECK(series_at(&s, 25 * S, 5 * S) == NULL, "a sample exactly lookback old is in: (t - lookback, t]");
	x = series_at(&s, 100 * S, 300 * S);
	T_CHECK(x && x->v == 3, "the last sample serves for the whole lookback");

	/* a staleness marker ends the series at once; a later sample revives it */
	series_push(&s, 40 * S, series_stale_nan());
	T_CHECK(series_is_stale(series_stale_nan()) && !series_is_stale(NAN), "stale NaN and NaN are the same");
	T_CHECK(series_at(&s, 40 * S, 300 * S) == NULL, "a stale series has a value");
	T_CHECK(series_at(&s, 100 * S, 300 * S) == NULL, "a stale series has a value later");
	x = series_at(&s, 39 * S, 300 * S);
	T_CHECK(x && x->v == 3, "before the marker the value was there");
	T_CHECK(series_count(&s, 100 * S, 300 * S) == 3, "count %zu, want 3 (the marker is not a sample)",
		series_count(&s, 100 * S, 300 * S));
	series_push(&s, 50 * S, NAN);
	x = series_at(&s, 50 * S, 300 * S);
	T_CHECK(x && isnan(x->v) && !series_is_stale(x->v), "a NaN sample is a value (NaN)");
	T_CHECK(series_count(&s, 50 * S, 300 * S) == 4, "count %zu, want 4 (NaN is a sample)", series_count(&s, 50 * S, 300 * S));
	series_free(&s);
}

/* --- *_over_time ------------------------------------------------------------------ */

static void
over_time(void)
{
	series s;

	/* g: 1 3 2 8 4 6 5 9 7 at 0s, 15s, ..., 120s */
	LOAD(&s, 1, 3, 2, 8, 4, 6, 5, 9, 7);
	T_NUMEQ(series_avg(&s, 100 * S, 60 * S), 5.75);		/* promtool avg_over_time(g[1m]) @100s */
	T_NUMEQ(series_min(&s, 100 * S, 60 * S), 4);
	T_NUMEQ(series_max(&s, 100 * S, 60 * S), 8);
	/* (t - range, t]: at 105s over 1m the sample at 45s is out, the one at 105s in */
	T_NUMEQ(series_avg(&s, 105 * S, 60 * S), (4 + 6 + 5 + 9) / 4.0);
	T_NUMEQ(series_max(&s, 105 * S, 60 * S), 9);
	T_NUMEQ(series_min(&s, 105 * S, 60 * S), 4);
	T_NUMEQ(series_avg(&s, 105 * S - 1, 60 * S), (8 + 4 + 6 + 5) / 4.0);
	T_CHECK(series_count(&s, 105 * S, 60 * S) == 4, "count %zu, want 4", series_count(&s, 105 * S, 60 * S));
	/* an empty window: NaN */
	T_NUMEQ(series_avg(&s, 300 * S, 60 * S), NAN);
	T_NUMEQ(series_min(&s, 300 * S, 60 * S), NAN);
	T_NUMEQ(series_max(&s, -1, 60 * S), NAN);
	/* one sample is enough */
	T_NUMEQ(series_avg(&s, 0, 1), 1);
	T_NUMEQ(series_max(&s, 0, 1), 1);

	/* quantile_over_time: promtool over g[2m] @130s (3 2 8 4 6 5 9 7) */
	T_NUMEQ(series_quantile(&s, 0.9, 130 * S, 120 * S), 8.3);
	T_NUMEQ(series_quantile(&s, 0.25, 130 * S, 120 * S), 3.75);
	T_NUMEQ(series_quantile(&s, -1, 130 * S, 120 * S), -INFINITY);	/* phi < 0 */
	T_NUMEQ(series_quantile(&s, 2, 130 * S, 120 * S), INFINITY);	/* phi > 1 */
	T_NUMEQ(series_quantile(&s, 0, 130 * S, 120 * S), 2);
	T_NUMEQ(series_quantile(&s, 1, 130 * S, 120 * S), 9);
	T_NUMEQ(series_quantile(&s, 0.5, 130 * S, 120 * S), 5.5);		/* between 5 and 6 */
	T_NUMEQ(series_quantile(&s, NAN, 130 * S, 120 * S), NAN);
	T_NUMEQ(series_quantile(&s, 0.5, 300 * S, 60 * S), NAN);		/* no samples */
	T_NUMEQ(series_quantile(&s, -1, 300 * S, 60 * S), NAN);		/* no samples beats phi */
	T_NUMEQ(series_quantile(&s, 0.7, 0, 1), 1);			/* one sample */
	series_free(&s);

	/* n: 1 NaN 3 2 NaN 5: min and max skip NaN (promtool @70s over 1m: 2 and 3) */
	LOAD(&s, 1, NAN, 3, 2, NAN, 5);
	T_NUMEQ(series_min(&s, 70 * S, 60 * S), 2);
	T_NUMEQ(series_max(&s, 70 * S, 60 * S), 3);
	T_NUMEQ(series_min(&s, 15 * S, 1 * S), NAN);			/* only NaN: NaN */
	T_NUMEQ(series_max(&s, 15 * S, 1 * S), NAN);
	T_NUMEQ(series_min(&s, 30 * S, 20 * S), 3);			/* NaN first, then 3 */
	T_NUMEQ(series_max(&s, 30 * S, 20 * S), 3);
	T_NUMEQ(series_avg(&s, 70 * S, 60 * S), NAN);			/* avg does not skip NaN */
	series_free(&s);

	/* staleness markers are not samples */
	LOAD(&s, 1, 2, 3, STALE, 5, 6);
	T_NUMEQ(series_avg(&s, 60 * S, 60 * S), (2 + 3 + 5) / 3.0);
	T_NUMEQ(series_min(&s, 45 * S, 10 * S), NAN);			/* only the marker */
	T_NUMEQ(series_max(&s, 60 * S, 60 * S), 5);
	T_NUMEQ(series_quantile(&s, 1, 60 * S, 60 * S), 5);
	T_NUMEQ(series_avg(&s, 45 * S, 10 * S), NAN);
	series_free(&s);
}

/* --- delta, rate, increase --------------------------------------------------------------- */

static void
extrapolation(void)
{
	series s;

	/* c: 10 20 35 50 5 15 40 45 60, a counter reset at 60s */
	LOAD(&s, 10, 20, 35, 50, 5, 15, 40, 45, 60);
	/* @100s [1m]: 50 5 15 40 at 45..90s; 40 - 50 + 50 (reset) = 40, over 45s, extrapolated 5s and 10s */
	T_NUMEQ(series_rate(&s, 100 * S, 60 * S), 8.888888888888888e-01);	/* promtool */
	T_NUMEQ(series_increase(&s, 100 * S, 60 * S), 5.333333333333333e+01);	/* promtool */
	T_NUMEQ(series_increase(&s, 100 * S, 60 * S), 40.0 * 60 / 45);
	/* @130s [2m]: 20 .. 60 at 15..120s, one reset: 90 over 105s, to 120s */
	T_NUMEQ(series_increase(&s, 130 * S, 120 * S), 1.0285714285714285e+02);	/* promtool */
	T_NUMEQ(series_rate(&s, 130 * S, 120 * S), 8.571428571428571e-01);	/* promtool */
	/* delta ignores the reset: (60 - 20) * 120 / 105 */
	T_NUMEQ(series_delta(&s, 130 * S, 120 * S), 4.571428571428571e+01);	/* promtool */
	/* fewer than two samples: no value */
	T_NUMEQ(series_rate(&s, 0, 60 * S), NAN);
	T_NUMEQ(series_increase(&s, 15 * S, 1 * S), NAN);
	T_NUMEQ(series_delta(&s, 500 * S, 60 * S), NAN);
	series_free(&s);

	/* g: a gauge; delta(g[1m]) @100s = (5 - 8) * 60 / 45 */
	LOAD(&s, 1, 3, 2, 8, 4, 6, 5, 9, 7);
	T_NUMEQ(series_delta(&s, 100 * S, 60 * S), -4);	/* promtool */
	/*
	 * @125s [50s]: (75s, 125s] holds 5 9 7 at 90..120s: 2 over 30s, 15s to the
	 * start (< 16.5s, so all of it) and 5s to the end: 2 * 50 / 30.  promtool
	 * 2.42 says 1.111 here because it also takes the sample at 75s, on the
	 * left edge, which Prometheus 3 and the spec leave out.
	 */
	T_NUMEQ(series_delta(&s, 125 * S, 50 * S), 2.0 * 50 / 30);
	series_free(&s);

	/* z: _ _ _ 2 12 22 32: near zero, the start is extrapolated only to the zero point */
	LOAD(&s, SKIP, SKIP, SKIP, 2, 12, 22, 32);
	/* @100s [1m]: 30 over 45s; 5s to the start, but zero is 45 * 2/30 = 3s before the first sample */
	T_NUMEQ(series_increase(&s, 100 * S, 60 * S), 3.866666666666667e+01);	/* promtool */
	T_NUMEQ(series_rate(&s, 100 * S, 60 * S), 6.444444444444445e-01);	/* promtool */
	T_NUMEQ(series_delta(&s, 100 * S, 60 * S), 30.0 * 60 / 45);		/* a gauge may go below zero */
	series_free(&s);

	/* zero: _ 0 6 9 12: a counter starting at 0 is not extrapolated before its start */
	LOAD(&s, SKIP, 0, 6, 9, 12);
	T_NUMEQ(series_increase(&s, 70 * S, 60 * S), 1.4666666666666668e+01);	/* promtool: 12 * 55 / 45 */
	T_NUMEQ(series_rate(&s, 70 * S, 60 * S), 2.4444444444444446e-01);	/* promtool */
	series_free(&s);

	/* early: 1 2 3 4, then nothing: the end is extrapolated half an interval */
	LOAD(&s, 1, 2, 3, 4);
	T_NUMEQ(series_increase(&s, 130 * S, 120 * S), 2.8333333333333335e+00);	/* promtool */
	T_NUMEQ(series_rate(&s, 130 * S, 120 * S), 2.3611111111111114e-02);	/* promtool */
	T_NUMEQ(series_delta(&s, 130 * S, 120 * S), 2.8333333333333335e+00);	/* promtool */
	series_free(&s);

	/*
	 * late: _ _ _ _ _ 10 20 30 @130s [2m]: 20 over 30s; the first sample is 65s
	 * from the start, past 1.1 intervals, so the start is extrapolated half an
	 * interval (7.5s); the zero point, 15s back, is farther and does not cap
	 * it.  The end, 25s, also gets 7.5s: 20 * 45 / 30 = 30.  (promtool 2.42
	 * says 35: before PR #13725 the zero point, 15s, replaced the 65s first and
	 * then passed the 1.1-interval test.)
	 */
	LOAD(&s, SKIP, SKIP, SKIP, SKIP, SKIP, 10, 20, 30);
	T_NUMEQ(series_increase(&s, 130 * S, 120 * S), 30);
	T_NUMEQ(series_rate(&s, 130 * S, 120 * S), 30.0 / 120);
	T_NUMEQ(series_delta(&s, 130 * S, 120 * S), 30);			/* promtool agrees: 3E+01 */
	series_free(&s);

	/* rr: 100 120 3 10 2 8 30 31 1: three resets in (5s, 125s] */
	LOAD(&s, 100, 120, 3, 10, 2, 8, 30, 31, 1);
	T_NUMEQ(series_increase(&s, 125 * S, 120 * S), 48);			/* promtool 4.8E+01 */
	T_NUMEQ(series_rate(&s, 125 * S, 120 * S), 3.9999999999999997e-01);	/* promtool */
	T_NUMEQ(series_delta(&s, 125 * S, 120 * S), -136);			/* promtool */
	series_free(&s);

	/* dn: 10 5: a reset between two samples */
	LOAD(&s, 10, 5);
	T_NUMEQ(series_increase(&s, 20 * S, 60 * S), 9.166666666666666e+00);	/* promtool */
	T_NUMEQ(series_delta(&s, 20 * S, 60 * S), -9.166666666666666e+00);	/* promtool */
	series_free(&s);

	/* st: 1 2 3 stale 5 ...: the marker is no sample, and no reset */
	LOAD(&s, 1, 2, 3, STALE, 5, 6, 7, 8, 9);
	T_NUMEQ(series_increase(&s, 70 * S, 60 * S), 4);			/* promtool 4E+00 */
	series_free(&s);
}

/*
 * Prometheus measures the gaps to the range's edges in whole ms
 * (float64(firstT-rangeStart)/1000), so only the layout of the samples
 * relative to t matters, not the epoch.  Seconds since 1970 as doubles
 * carry only ~2^-22 s of precision, so converting each time first moves
 * the result, and can flip the 1.1-interval test.
 */
static void
epoch(void)
{
	static const int64_t bases[] = { 0, 1700000000000LL, 1700000000123LL, 1731234567891LL };
	double (*const fns[])(const series *, int64_t, int64_t) = { series_delta, series_rate, series_increase };
	static const char *const names[] = { "delta", "rate", "increase" };
	unsigned rnd = 12345;

	for (size_t f = 0; f < 3; f++) {
		int differ = 0, cases = 0;
		double g0 = 0, g1 = 0;

		for (int k = 0; k < 500; k++) {
			int64_t off[8], range = 60 * S + (int64_t)(k % 7) * 1001;
			double v[8];
			int n = 0;

			for (int64_t t = 1 + (rnd = rnd * 1103515245 + 12345) % 20000; t <= range && n < 8;
			     t += 900 + (rnd = rnd * 1103515245 + 12345) % 20000) {
				off[n] = t;
				v[n++] = (double)((rnd = rnd * 1103515245 + 12345) % 1000);
			}
			if (n < 2)
				continue;
			double r0 = 0;
			for (size_t b = 0; b < sizeof bases / sizeof *bases; b++) {
				series s;
				int64_t at = bases[b] + range;
				series_init(&s, INT64_MAX / 4);
				for (int i = 0; i < n; i++)
					series_push(&s, bases[b] + off[i], v[i]);
				double r = fns[f](&s, at, range);
				series_free(&s);
				if (b == 0)
					r0 = r;
				else if (r != r0 && !(isnan(r) && isnan(r0))) {
					if (!differ)
						g0 = r0, g1 = r;
					differ++;
				}
			}
			cases++;
		}
		T_CHECK(differ == 0, "%s: %d of %d results move with the epoch (e.g. %.17g at 0, %.17g at 2023)",
			names[f], differ, 3 * cases, g0, g1);
	}

	/*
	 * Scrapes every second, the first sample 1.1s after the range start:
	 * Prometheus finds 1.1 >= 1.1 * 1s and extrapolates only half an
	 * interval there.  delta = 3 * (3 + 0.5 + 0.9) / 3 = 4.4.
	 */
	{
		series s;
		int64_t at = 1700000000000LL, start = at - 5 * S;

		series_init(&s, INT64_MAX / 4);
		for (int i = 0; i < 4; i++)
			series_push(&s, start + 1100 + i * S, 10 + i);
		T_NUMEQ(series_delta(&s, at, 5 * S), 4.4);
		series_free(&s);
	}
}

int
main(void)
{
	buffer();
	instant();
	over_time();
	extrapolation();
	epoch();
	return T_DONE();
}
