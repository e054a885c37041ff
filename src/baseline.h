/*
 * baseline.h: recorded baselines.  `novagate baseline FILE --prometheus URL
 * [--at T]` stores each metric's values over the window it is read in;
 * `check --baseline FILE.json` replays them as the baseline of the metrics
 * that have no baseline query, shifted in time so that the recorded `at`
 * falls on the check's.
 *
 * The file (JSON, version 1):
 *
 *   {"novagate_baseline": 1,
 *    "file": "rules/canary.gate",                    the gate file (informative)
 *    "server": "http://prom:9090/api/v1/query_range", (informative; no credentials)
 *    "at": "2023-11-14T22:18:20Z",                   RFC 3339 or unix seconds
 *    "metrics": {
 *      "p99": {"query": "histogram_quantile(...)",    informative
 *              "step": "15s",                         informative
 *              "values": [[1700000000, "0.21"], [1700000015, null], ...]},
 *      "error_rate": {"value": 0.001}
 *    }}
 *
 * values: [unix seconds, value] in increasing time, the value a string as
 * in Prometheus' API ("NaN", "+Inf", "-Inf" too) or a number; null where
 * the server had no value (the series is missing from there on).
 * value: instead of values, one constant baseline over the whole window.
 * Unknown keys are ignored.
 */
#ifndef NG_BASELINE_H
#define NG_BASELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "novagate.h"
#include "source_prom.h"

typedef struct baseline_file baseline_file;

/* NULL with a message and *status NG_EIO (cannot read) or NG_EINPUT (malformed). */
baseline_file *baseline_load(const char *path, FILE *errs, int *status);
/* The same over text[0..len), named path in messages (NG_EINPUT only); text is not kept. */
baseline_file *baseline_load_mem(const char *path, const char *text, size_t len, FILE *errs, int *status);
void baseline_free(baseline_file *b);

/*
 * Push into c the recorded baseline of every metric whose baseline c reads
 * and that has no baseline query, shifted in time so that the file's `at`
 * falls on anchor; only what lies up to upto, and on later calls only what
 * is new (watch: anchor is the last evaluation, upto the current one; check:
 * both are c's evaluation time, so call it after the other samples are in).
 * A metric the file lacks is warned about and left without a baseline.
 * Returns 0 or NG_EINPUT.
 */
int baseline_apply(baseline_file *b, const ng_gatefile *gf, ng_check *c, int64_t anchor, int64_t upto,
		   FILE *errs);

/* Writing: a prom_sample_fn collecting a feed's samples, then the file. */
typedef struct baseline_rec baseline_rec;
baseline_rec *baseline_rec_new(const ng_gatefile *gf);
int baseline_rec_sample(void *rec, int metric, bool baseline, int64_t t, double v, bool stale);
/* Write the file; 0, or NG_EIO when out cannot be written. */
int baseline_rec_write(baseline_rec *r, const prom_feed *f, const char *file, const char *server,
		       int64_t at, FILE *out);
void baseline_rec_free(baseline_rec *r);

/* A value as the API writes it: shortest round trip, "NaN", "+Inf", "-Inf". */
void fmt_sample_value(char *buf, size_t size, double v);

#endif
