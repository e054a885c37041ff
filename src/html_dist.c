/*
 * html_dist.c: a test's figure of canary against baseline (mannwhitney,
 * shift, ratio_test): the two sides' values over its range, a row each
 * on one axis, and the test's numbers; and which tests get one.
 */
#include "html_internal.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The instruction of the gate's code that adds to history h (program-wide). */
static int
hist_insn(const program *p, const prog_gate *g, int h)
{
	int i = g->code;

	while (p->code[i].op != OP_HALT && !(op_info[p->code[i].op].a == OPND_HIST && p->code[i].a == h))
		i++;
	return i;
}

/*
 * Where the code of the operands of instruction at begins: back from it,
 * the instructions that push what it pops (a quantifier, EACH to QEND, as
 * the one value it pushes).
 */
static int
operands_code(const program *p, int at)
{
	int need = op_info[p->code[at].op].pops, i = at;

	while (need > 0 && i > 0) {
		const insn *in = &p->code[--i];
		if (in->op == OP_QEND) {
			i = p->quants[in->a].each;
			need--;
		} else {
			need += op_info[in->op].pops - op_info[in->op].pushes;
		}
	}
	return i;
}

/*
 * Do code[a ..) and code[b ..) compute the same for n instructions?  The
 * same opcodes of the same series, constants and durations; the slots of
 * comparisons, `for`s and the like are their own, but not what a
 * quantifier or a history makes of its values.
 */
static bool
same_code(const program *p, int a, int b, int n)
{
	for (int i = 0; i < n; i++) {
		const insn *x = &p->code[a + i], *y = &p->code[b + i];
		const opinfo *o = &op_info[x->op];
		if (x->op != y->op)
			return false;
		if ((o->a == OPND_K && p->k[x->a] != p->k[y->a]) ||
		    ((o->a == OPND_SERIES || o->a == OPND_METRIC) && x->a != y->a) || (o->b == OPND_DUR && x->b != y->b))
			return false;
		if (o->a == OPND_QUANT && p->quants[x->a].fn != p->quants[y->a].fn)
			return false;
		if (o->a == OPND_HIST && (p->hists[x->a].fn != p->hists[y->a].fn || p->hists[x->a].slo != p->hists[y->a].slo))
			return false;
	}
	return true;
}

/*
 * Is shift h beside a mannwhitney() of the same values in its rule
 * (mannwhitney(p99, 10m), shift(p99, 600s))?  The same as compiled, not
 * as written: their operands' code and their range.
 */
static bool
shift_of_test(const program *p, const prog_gate *g, const prog_hist *h)
{
	int hi = hist_insn(p, g, (int)(h - p->hists)), h0 = operands_code(p, hi);

	for (int i = g->hist0; i < g->hist0 + g->nhist; i++) {
		const prog_hist *o = &p->hists[i];
		if (o->fn != FN_MANNWHITNEY || o->rule != h->rule || o->quant != h->quant || o->range != h->range)
			continue;
		int oi = hist_insn(p, g, i), o0 = operands_code(p, oi);
		if (oi - o0 == hi - h0 && same_code(p, o0, h0, hi - h0))
			return true;
	}
	return false;
}

/* A side's row. */
enum { ROW_H = 46 };

/*
 * A side's values of history d: mannwhitney's and shift's lane (0 canary,
 * 1 baseline), ratio_test's ratio of a step (errors / requests of the side).
 * Sorted; the count returned.
 */
static int
dist_side(const prog_hist *h, const struct dist *d, int side, double *out)
{
	int n = 0;

	for (int i = 0; i < d->n; i++) {
		const double *at = &d->v[(size_t)i * (size_t)h->lanes];
		double v = h->fn == FN_RATIO_TEST ? (at[2 * side + 1] > 0 ? at[2 * side] / at[2 * side + 1] : NAN) : at[side];
		if (!isnan(v) && !isinf(v))
			out[n++] = v;
	}
	qsort(out, (size_t)n, sizeof *out, util_cmp_double);
	return n;
}

static double
dist_x(double v, double lo, double hi)
{
	return html_axis_pos(v, lo, hi, X0, X1);
}

/* One side's row: a box from the quartiles with the median, whiskers to the extremes, and every value a dot. */
static void
dist_row(FILE *out, const double *v, int n, double y, const char *cls, double lo, double hi)
{
	if (n == 0) {
		fprintf(out, "<text class=\"tick\" x=\"%d\" y=\"%.0f\">no values</text>\n", X0 + 6, y + 4);
		return;
	}
	double q1 = util_quantile_sorted(v, (size_t)n, .25), md = util_quantile_sorted(v, (size_t)n, .5);
	double q3 = util_quantile_sorted(v, (size_t)n, .75);
	fprintf(out, "<line class=\"whisk\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\"/>\n", dist_x(v[0], lo, hi),
		dist_x(v[n - 1], lo, hi), y, y);
	fprintf(out, "<rect class=\"box %s\" x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"22\"/>\n", cls,
		dist_x(q1, lo, hi), y - 11, dist_x(q3, lo, hi) - dist_x(q1, lo, hi));
	fprintf(out, "<line class=\"median\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\"/>\n", dist_x(md, lo, hi),
		dist_x(md, lo, hi), y - 13, y + 13);
	for (int i = 0; i < n; i++) {	/* spread across the row so that equal values stay countable */
		double dy = ((double)((unsigned)(i * 2654435761u) >> 20) / 4096.0 - 0.5) * 26;
		fprintf(out, "<circle class=\"dot %s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.2\"/>\n", cls, dist_x(v[i], lo, hi),
			y + dy);
	}
}

/* "median 344.9ms (quartiles 300ms to 380ms)" of a side, for the text alternative. */
static void
dist_words(FILE *out, const char *side, const double *v, int n, enum unit u)
{
	char a[32], b[32], c[32];

	if (n == 0) {
		fprintf(out, "the %s had none", side);
		return;
	}
	html_fmt_val(a, sizeof a, util_quantile_sorted(v, (size_t)n, .5), u);
	html_fmt_val(b, sizeof b, util_quantile_sorted(v, (size_t)n, .25), u);
	html_fmt_val(c, sizeof c, util_quantile_sorted(v, (size_t)n, .75), u);
	fprintf(out, "the %s's %d values have the median %s (quartiles %s to %s)", side, n, a, b, c);
}

/* A figure of canary against baseline as it is drawn: its two sides' values and its axis. */
typedef struct fig {
	const prog_hist *ph;
	const struct dist *d;
	const char *of;		/* the series' labels, or NULL */
	enum unit u;
	double *x, *y;		/* canary's, baseline's: sorted */
	int nx, ny;
	double alo, ahi, step;
	char when[16];
	char *res;		/* the test's numbers, the human report's line */
} fig;

/* The title and the text alternative: what the test compares, each side in words, its numbers. */
static void
dist_head(FILE *out, const fig *f, int height, int id)
{
	char range[32];

	util_fmt_duration(range, sizeof range, f->ph->range);
	fprintf(out, "<figure class=\"chart dist\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-labelledby=\"t%d d%d\">\n<title id=\"t%d\">", W, height, id, id, id);
	html_esc(out, f->ph->source);
	if (f->of) {
		fputs(" of ", out);
		html_esc(out, f->of);
	}
	fprintf(out, " at %s UTC</title>\n<desc id=\"d%d\">", f->when, id);
	fputs(f->ph->fn == FN_RATIO_TEST ? "The ratio of errors to requests that " : "The values that ", out);
	html_esc(out, f->ph->source);
	fprintf(out, " %s, at each of the %d steps of its %s to %s UTC, the canary's row above the baseline's: ",
		f->ph->fn == FN_RATIO_TEST ? "sums" : "compares", f->d->n, range, f->when);
	dist_words(out, "canary", f->x, f->nx, f->u);
	fputs("; ", out);
	dist_words(out, "baseline", f->y, f->ny, f->u);
	fputs(". ", out);
	html_esc(out, f->res);
	fputs(".</desc>\n", out);
}

/* The axis, the frame with its rows' names, the rows, and ratio_test's pooled ratios. */
static void
dist_plot(FILE *out, const fig *f, int height)
{
	for (int i = 0, nt = html_ticks(f->alo, f->ahi, f->step); i <= nt; i++) {
		double v = f->alo + i * f->step;
		char t[32];
		double px = dist_x(v, f->alo, f->ahi);
		html_fmt_tick(t, sizeof t, v, f->step, fmax(fabs(f->alo), fabs(f->ahi)), f->u);
		fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			"<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			px, px, Y0, Y0 + 2 * ROW_H, px, height - 8, t);
	}
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", X0, Y0, X1 - X0, 2 * ROW_H);
	fprintf(out, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">canary</text>\n", X0 - 6, Y0 + ROW_H / 2 + 4);
	fprintf(out, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">baseline</text>\n", X0 - 6,
		Y0 + ROW_H + ROW_H / 2 + 4);
	dist_row(out, f->x, f->nx, Y0 + ROW_H / 2, "canary", f->alo, f->ahi);
	dist_row(out, f->y, f->ny, Y0 + ROW_H + ROW_H / 2, "baseline", f->alo, f->ahi);
	if (f->ph->fn == FN_RATIO_TEST)	/* the ratio the test tests: of the sums */
		for (int side = 0; side < 2; side++) {
			double e = f->d->st.count[2 * side], n = f->d->st.count[2 * side + 1];
			if (n > 0)
				fprintf(out, "<path class=\"pooled\" d=\"M%.1f %dl6 8l-6 8l-6 -8z\"/>\n",
					dist_x(e / n, f->alo, f->ahi), Y0 + side * ROW_H + ROW_H / 2 - 8);
		}
}

/* The caption: the test, when (when its rule fired), its numbers; the legend. */
static void
dist_caption(FILE *out, const fig *f, bool fired)
{
	fputs("</svg>\n<figcaption><strong><code>", out);
	html_esc(out, f->ph->source);
	if (f->of) {
		fputs("</code> of <code>", out);
		html_esc(out, f->of);
	}
	fprintf(out, "</code> at %s UTC", f->when);
	if (fired)
		fputs(", when its rule fired", out);
	fputs(": ", out);
	html_esc(out, f->res);
	fputs(".</strong> ", out);
	fprintf(out, "<span class=\"key\"><i class=\"sw series\"></i>canary</span>"
		"<span class=\"key\"><i class=\"sw base\"></i>baseline</span>"
		"<span class=\"key\">a dot a step, %s; the box from the first to the third quartile, "
		"the bar its median</span>",
		f->ph->fn == FN_RATIO_TEST ? "the ratio of errors to requests" : "the values");
	if (f->ph->fn == FN_RATIO_TEST)
		fputs("<span class=\"key\"><i class=\"sw pooled\"></i>all errors over all requests</span>", out);
	fputs("</figcaption>\n</figure>\n", out);
}

void
html_dist(FILE *out, const program *p, const gate_result *r, const struct dist *d, const report_data *rd, int id)
{
	const prog_gate *g = &p->gates[r->gate];
	fig f = { .ph = &p->hists[g->hist0 + d->h], .d = d };
	double lo = INFINITY, hi = -INFINITY;
	size_t reslen = 0;
	int height = Y0 + 2 * ROW_H + 30;

	f.of = f.d->key != VM_NOKEY ? rd->keys->text[f.d->key] : NULL;
	f.u = f.ph->fn == FN_RATIO_TEST ? UNIT_RATIO : (enum unit)f.ph->unit;
	f.x = xmalloc(((size_t)f.d->n + 1) * sizeof *f.x);
	f.y = xmalloc(((size_t)f.d->n + 1) * sizeof *f.y);
	f.nx = dist_side(f.ph, f.d, 0, f.x);
	f.ny = dist_side(f.ph, f.d, 1, f.y);
	for (int i = 0; i < f.nx; i++)
		html_range_add(&lo, &hi, f.x[i]);
	for (int i = 0; i < f.ny; i++)
		html_range_add(&lo, &hi, f.y[i]);
	f.step = html_nice_axis(lo, hi, f.u, &f.alo, &f.ahi);
	html_clock(f.when, sizeof f.when, f.d->at, true);
	FILE *m = open_memstream(&f.res, &reslen);
	report_stat_text(f.ph, &f.d->st, m);
	fclose(m);
	dist_head(out, &f, height, id);
	dist_plot(out, &f, height);
	dist_caption(out, &f, r->fired_at[f.ph->rule - g->rule0] == f.d->at);
	if (d->more > 0) {	/* as the human report ends its list of them */
		fprintf(out, "<p>And %d more deciding series of <code>", d->more);
		html_esc(out, p->quants[f.ph->quant].source);
		fprintf(out, "</code>, without a figure of <code>");
		html_esc(out, f.ph->source);
		fputs("</code>.</p>\n", out);
	}
	free(f.res);
	free(f.x);
	free(f.y);
}

bool
html_dist_figure(const program *p, const prog_gate *g, const prog_hist *ph)
{
	if (ph->fn == FN_SHIFT)
		return !shift_of_test(p, g, ph);	/* the test's figure gives the same values, and the shift */
	return ph->fn == FN_MANNWHITNEY || ph->fn == FN_RATIO_TEST;
}
