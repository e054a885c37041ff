/*
 * series.h: the samples of one series, kept only as far back as the gate
 * needs (a sliding buffer), and the window functions over them.
 *
 * A series owns its buffer.  Timestamps are ms and strictly increase.
 */
#ifndef NG_SERIES_H
#define NG_SERIES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct sample {
	int64_t t;
	double v;
} sample;

typedef struct series {
	sample *buf;
	size_t head, len, cap;	/* live samples: buf[head .. head+len) */
	int64_t keep;		/* history kept behind the newest sample, ms */
	int64_t count;		/* samples ever pushed, staleness markers aside */
	int64_t first;		/* the time of the first of them (count > 0) */
	size_t hint;		/* where the last search by time ended (series.c's upper()) */
} series;

/* Prometheus' staleness marker: a NaN with this bit pattern. */
#define STALE_BITS 0x7ff0000000000002ULL

static inline bool
series_is_stale(double v)
{
	uint64_t b;

	memcpy(&b, &v, sizeof b);
	return b == STALE_BITS;
}

double series_stale_nan(void);

void series_init(series *s, int64_t keep);
void series_free(series *s);
void series_reset(series *s);

/* Appends a sample; -1 when t is not after the newest sample's. */
int series_push(series *s, int64_t t, double v);

static inline bool
series_empty(const series *s)
{
	return s->len == 0;
}

static inline const sample *
series_newest(const series *s)
{
	return s->len ? &s->buf[s->head + s->len - 1] : NULL;
}

/*
 * The latest sample in (t - lookback, t]; NULL when there is none or it is
 * a staleness marker.
 */
const sample *series_at(const series *s, int64_t t, int64_t lookback);

/* How many samples lie in (t - range, t], staleness markers excluded. */
size_t series_count(const series *s, int64_t t, int64_t range);

/* Window functions over (t - range, t]; NaN when the window has too few samples. */
double series_avg(const series *s, int64_t t, int64_t range);
double series_min(const series *s, int64_t t, int64_t range);
double series_max(const series *s, int64_t t, int64_t range);
double series_quantile(const series *s, double phi, int64_t t, int64_t range);
/* Prometheus' extrapolated delta, rate and increase (counter resets for the latter two). */
double series_delta(const series *s, int64_t t, int64_t range);
double series_rate(const series *s, int64_t t, int64_t range);
double series_increase(const series *s, int64_t t, int64_t range);

#endif
