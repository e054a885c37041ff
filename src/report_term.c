/*
 * report_term.c: the summary for people as a terminal shows it: the
 * verdict in colour, and under a metric its sparkline, the values the VM
 * read at each step of the window (eval_value), scaled with the first
 * threshold it is compared with, and the steps its rule was true or pending.
 */
#include "report.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SPARK_CELLS 60	/* a wider window: a cell for several steps, the highest value of them */
#define SGR_BOLD "\033[1m"

static const char *const blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char gap[] = "·";	/* no value at any step of the cell */
static const char *const spans[] = {
	[STEP_FALSE] = " ", [STEP_TRUE] = "━", [STEP_UNKNOWN] = "?", [STEP_PENDING] = "┄",
};
static const char *const span_sgr[] = {
	[STEP_FALSE] = "", [STEP_TRUE] = "\033[31m", [STEP_UNKNOWN] = "\033[2m", [STEP_PENDING] = "\033[33m",
};
/* How the language spells each comparison opcode (as report.c's). */
static const char *const ops[] = {
	[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_EQ] = "==", [OP_NE] = "!=",
};

const char *
ng_verdict_sgr(ng_verdict v)
{
	static const char *const sgr[] = {
		[NG_GO] = "\033[1;32m", [NG_NOGO] = "\033[1;31m", [NG_ROLLBACK] = "\033[1;7;31m",
		[NG_INCONCLUSIVE] = "\033[1;33m",
	};

	return (unsigned)v < sizeof sgr / sizeof *sgr ? sgr[v] : "";
}

const char *
report_verdict_sgr(const report_data *rd, ng_verdict v)
{
	return rd->color ? ng_verdict_sgr(v) : "";
}

const char *
report_sgr_reset(const report_data *rd)
{
	return rd->color ? "\033[0m" : "";
}

/* The row of v between lo and hi, 0 to 7, to the nearest; a flat window is the lowest row. */
static int
level(double v, double lo, double hi)
{
	double f = hi > lo ? (v - lo) / (hi - lo) * 7 : 0;

	return f <= 0 ? 0 : f >= 7 ? 7 : (int)(f + 0.5);
}

/* A cell of several steps: true if any was, else pending, else unknown, else false. */
static int
span_of(const gate_result *r, int nrules, int rule, int k0, int k1)
{
	static const int rank[] = { [STEP_FALSE] = 0, [STEP_UNKNOWN] = 1, [STEP_PENDING] = 2, [STEP_TRUE] = 3 };
	int s = STEP_FALSE;

	for (int k = k0; k < k1; k++) {
		int t = r->steps[(size_t)k * (size_t)nrules + (size_t)rule];
		if (rank[t] > rank[s])
			s = t;
	}
	return s;
}

void
report_spark(const program *p, const gate_result *r, const report_data *rd, int m, int key,
	     const char *label, int cmp, FILE *out)
{
	const prog_gate *g = &p->gates[r->gate];
	int n = r->evaluations, per = (n + SPARK_CELLS - 1) / SPARK_CELLS, ncell = (n + per - 1) / per;
	double *cell = xmalloc((size_t)ncell * sizeof *cell), lo = INFINITY, hi = -INFINITY;
	double thr = cmp >= 0 ? r->cmp[cmp - g->cmp0][1] : NAN;

	for (int j = 0; j < ncell; j++) {
		cell[j] = NAN;
		for (int k = j * per; k < n && k < (j + 1) * per; k++) {
			double x;
			int64_t when;
			if (eval_value(p, g, rd->pops, m, false, key, r->from + k * g->step, &x, &when) && !isnan(x)
			    && !(x <= cell[j]))
				cell[j] = x;
		}
		if (isfinite(cell[j])) {
			lo = fmin(lo, cell[j]);
			hi = fmax(hi, cell[j]);
		}
	}
	char l[32], h[32], t[32];
	report_fmtnum(l, sizeof l, lo, isfinite(lo));
	report_fmtnum(h, sizeof h, hi, isfinite(hi));
	if (isfinite(thr)) {	/* in the scale, so that its row means something */
		lo = fmin(lo, thr);
		hi = fmax(hi, thr);
	}
	fputs("      ", out);
	for (int j = 0; j < ncell; j++)
		fputs(isnan(cell[j]) ? gap : blocks[level(cell[j], lo, hi)], out);
	if (isfinite(hi))
		fprintf(out, "  %s..%s", l, h);
	else
		fputs("  no values", out);
	if (isfinite(thr)) {
		report_fmtnum(t, sizeof t, thr, true);
		fprintf(out, ", %s %s at %s%s%s", ops[p->cmps[cmp].op], t, rd->color ? SGR_BOLD : "",
			blocks[level(thr, lo, hi)], report_sgr_reset(rd));
	}
	if (per > 1)
		fprintf(out, " (a cell: %d steps, the highest)", per);
	if (label)
		fprintf(out, "  %s", label);
	fputc('\n', out);
	free(cell);

	int rule = cmp >= 0 ? p->cmps[cmp].rule : -1;
	if (rule < 0)
		return;	/* a floor's comparison: no rule of its own */
	const prog_rule *pr = &p->rules[rule];
	const char *on = "";	/* the SGR in effect: escapes only where the span changes */
	fputs("      ", out);
	for (int j = 0; j < ncell; j++) {
		int s = span_of(r, g->nrules, rule - g->rule0, j * per, j * per + per < n ? j * per + per : n);
		const char *want = rd->color ? span_sgr[s] : "";
		if (strcmp(want, on) != 0) {
			fputs(*on ? report_sgr_reset(rd) : "", out);
			fputs(want, out);
			on = want;
		}
		fputs(spans[s], out);
	}
	fprintf(out, "%s  %s%s%s%s\n", *on ? report_sgr_reset(rd) : "", ast_rule_kind_name(pr->kind),
		pr->name ? " \"" : "", pr->name ? pr->name : "", pr->name ? "\"" : "");
}
