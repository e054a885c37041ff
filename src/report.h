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
	bool color, spark;	/* of the summary for people: ng_report_opts */
} report_data;

void report_json(const program *p, const gate_result *r, const report_data *rd, FILE *out);
void report_human(const program *p, const gate_result *r, const report_data *rd, FILE *out);
/* A number for people: "-" when absent, whole numbers whole, else 6 digits. */
void report_fmtnum(char *buf, size_t size, double v, bool present);
/* What a function over the last steps gave and from what, one line for people ("canary > baseline: p = ..."). */
void report_stat_text(const prog_hist *h, const hist_stat *st, FILE *out);

/* report_term.c: for a terminal.  SGR escapes of a verdict, and the reset (both "" without colour). */
const char *report_verdict_sgr(const report_data *rd, ng_verdict v);
const char *report_sgr_reset(const report_data *rd);
/*
 * Metric m's sparkline over r's window, of the series key (VM_NOKEY: of one
 * series) labelled label (NULL: none); cmp: the comparison whose threshold
 * it marks and whose rule's spans it shows, or -1.
 */
void report_spark(const program *p, const gate_result *r, const report_data *rd, int m, int key,
		  const char *label, int cmp, FILE *out);

#endif
