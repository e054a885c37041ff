/* report.h: a gate's verdict as JSON (one line) or as a summary for people. */
#ifndef NG_REPORT_H
#define NG_REPORT_H

#include <stdio.h>

#include "eval.h"

/*
 * What a report reads of a check: its series; per series (SERIES_OF) the
 * warning that the server has none of a selector in its query
 * (ng_check_absent), or NULL; the identities of series of metrics with `by`.
 */
typedef struct report_data {
	const population *pops;
	const char *const *absent;
	const keyset *keys;
	int ntop;		/* series a metric with `by` lists */
} report_data;

void report_json(const program *p, const gate_result *r, const report_data *rd, FILE *out);
void report_human(const program *p, const gate_result *r, const report_data *rd, FILE *out);

#endif
