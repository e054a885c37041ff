/*
 * html_internal.h: what the files of the HTML report share: html.c the
 * page (its CSS, the gates' headers and sections) and its text,
 * html_trace.c what the VM saw step by step, html_axis.c numbers and
 * axes, html_chart.c a metric's chart, html_dist.c a test's figure of
 * canary against baseline.
 */
#ifndef NG_HTML_INTERNAL_H
#define NG_HTML_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"
#include "units.h"

/* The Okabe-Ito palette: told apart with any colour vision. */
#define C_SERIES "#0072B2"
#define C_BASE "#E69F00"
#define C_THRESH "#D55E00"
#define C_GOOD "#009E73"
#define C_PEND "#F0E442"
#define C_UNK "#999999"
#define C_MARK "#CC79A7"

/* A figure's geometry, in SVG units: the width, and the plot's left, right and top. */
enum { W = 960, X0 = 78, X1 = 940, Y0 = 14 };

/* The figures of a test in a quantifier, one a deciding series, at most. */
enum { MAX_DIST_SERIES = 5 };

/* What the VM saw at each step of a gate's window. */
typedef struct trace {
	int nsteps;
	double *rule;		/* [k * nrules + i] */
	double (*cmp)[3];	/* [k * ncmp + i]: operands and value */
	/* per step and quantifier [k * nquant + q]: the series present and their body's values */
	struct qstep {
		int n;
		int *keys;
		double *val;
		int64_t *since;	/* its body's first `for` timing since, VM_NEVER */
	} *q;
	int nquant;
	/*
	 * a figure per history of the gate that tests canary against baseline
	 * (in a quantifier of the deciding rule, per deciding series): its
	 * values and numbers at the step the report gives them for (its
	 * rollback's firing, else the last), in the order of the histories
	 */
	struct dist {
		int h;		/* the history, gate-local */
		int64_t at;
		int key;	/* in a quantifier: the series, else VM_NOKEY */
		int more;	/* of its history's last figure: the deciding series without one */
		int n;		/* steps held, each hist->lanes values */
		double *v;
		hist_stat st;
	} *dist;
	int ndist;
} trace;

/* The operators' texts, by opcode (OP_LT .. OP_NE). */
extern const char *const html_cmpops[];

/* html_trace.c */
/* Quantifier q (gate-local) of the deciding rule as it decided: when its rollback fired, else at the last step. */
const quant_result *html_decided_quant(const gate_result *r, const prog_gate *g, int q);
/* Run gate r->gate's VM again over its window into *tr; html_trace_free() releases it. */
void html_trace_run(const program *p, const gate_result *r, const population *pops, trace *tr);
void html_trace_free(trace *tr);

/* html.c: text */
/* s as HTML text (& < > " as entities); NULL as nothing. */
void html_esc(FILE *out, const char *s);
/* "22:13:20" (with seconds) or "22:13", UTC. */
void html_clock(char *buf, size_t size, int64_t ms, bool seconds);
/* rollback "name", go: into buf, returned. */
const char *html_rule_label(const prog_rule *pr, char *buf, size_t size);

/* html_axis.c */
/* A value for people, in its unit: 7.2%, 430ms, 270MiB, 215m. */
void html_fmt_val(char *buf, size_t size, double v, enum unit u);
/* A tick's label: as many decimals as the tick step needs. */
void html_fmt_tick(char *buf, size_t size, double v, double step, double max, enum unit u);
/* Where v is on an axis from lo (at a) to hi (at b): kept near the plot, so that no coordinate is Inf. */
double html_axis_pos(double v, double lo, double hi, double a, double b);
/* Widen [*lo, *hi] to v, a finite one. */
void html_range_add(double *lo, double *hi, double v);
/*
 * An axis over [lo, hi] of unit u on whole ticks: *alo, *ahi and the tick
 * step returned, nice (1, 2, 5 times a power of ten) in the numbers as the
 * axis writes them (MiB, ms, %), from zero when that costs little.
 */
double html_nice_axis(double lo, double hi, enum unit u, double *alo, double *ahi);
/* The ticks after the first of an axis html_nice_axis() made: counted, not stepped to, so rounding cannot run on. */
int html_ticks(double lo, double hi, double step);

/* html_chart.c */
/* The unit a metric's values are shown in: its own, else that of a comparison of its values. */
enum unit html_metric_unit(const program *p, const prog_gate *g, int m);
/* One chart: the series of metric m (key: of a metric with `by`, else VM_NOKEY), the id-th figure of the page. */
void html_chart(FILE *out, const program *p, const gate_result *r, const trace *tr, const report_data *rd, int m,
		int key, const char *label, int id);

/* html_dist.c */
/* Does history ph test canary against baseline in a figure of its own? */
bool html_dist_figure(const program *p, const prog_gate *g, const prog_hist *ph);
/* Figure d as the trace kept it, the id-th of the page. */
void html_dist(FILE *out, const program *p, const gate_result *r, const struct dist *d, const report_data *rd, int id);

#endif
