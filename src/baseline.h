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
#include <stdint.h>
#include <stdio.h>

#include "novagate.h"
#include "source_prom.h"


#endif
