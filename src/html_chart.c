/*
 * html_chart.c: a metric's chart over the window (or one series' of a
 * metric with `by`): its values and its baseline's, the threshold lines,
 * a lane per comparison or quantifier of it with its states step by step,
 * the marker where the deciding rule fired or began to hold, the legend.
 */
#include "html_internal.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The plot's height, a lane's, under it. */
enum { PLOT_H = 150, LANE_H = 16 };

const char *const html_cmpops[] = {
	[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_EQ] = "==", [OP_NE] = "!=",
};

/* Where comparison c reads metric m in its scale (prog_cmp.sides), 0 nowhere. */
static unsigned
cmp_sides(const prog_cmp *c, int m)
{
	for (int k = 0; c->metrics[k] >= 0; k++)
		if (c->metrics[k] == m)
			return c->sides[k];
	return 0;
}

enum unit
html_metric_unit(const program *p, const prog_gate *g, int m)
{
	enum unit u = p->ast->metrics[m].unit;

	if (u != UNIT_NONE && u != UNIT_COUNT)
		return u;
	for (int ci = g->cmp0; ci < g->cmp0 + g->ncmp; ci++)
		if (cmp_sides(&p->cmps[ci], m) & (CMP_VAL_L | CMP_VAL_R) && p->cmps[ci].unit != UNIT_NONE &&
		    p->cmps[ci].unit != UNIT_COUNT)
			return (enum unit)p->cmps[ci].unit;
	return u;
}

/* One line a chart compares its series with. */
typedef struct threshold {
	const prog_cmp *c;
	int ci;			/* gate-local */
	bool left;		/* the threshold is the comparison's left side */
	bool dashed;		/* read from the baseline */
	bool lane;		/* of one series: its states step by step */
	bool line;		/* drawn as a line: the other side is in the metric's scale */
	bool in_for;		/* true before its `for` held: pending */
	double konst;		/* of a quantifier's comparison: NaN when unknown */
} threshold;

typedef struct chart {
	const program *p;
	const prog_gate *g;
	const gate_result *r;
	const trace *tr;
	int m, key;
	enum unit unit;
	double *val, *base;
	bool *has, *dflt, *bhas;
	bool has_base;
	int nmissing, ndefault;	/* steps without a value, with the default */
	double vmin, vmax;	/* of its values, finite ones */
	threshold th[16];
	int nth;
	int ql[8];		/* of a series: the quantifiers (gate-local) whose condition ranges over it */
	int nql;
	double lo, hi;
	int64_t tmin, tmax;
	int id;			/* the page's count of it: its hatch's id */
} chart;

static double
thr_at(const chart *ch, const threshold *t, int k)
{
	if (!t->lane)
		return t->konst;
	return ch->tr->cmp[(size_t)k * (size_t)ch->g->ncmp + (size_t)t->ci][t->left ? 0 : 1];
}

static double
xpos(const chart *ch, int64_t t)
{
	return X0 + (double)(t - ch->tmin) * (X1 - X0) / (double)(ch->tmax - ch->tmin);
}

static double
ypos(const chart *ch, double v)
{
	return html_axis_pos(v, ch->lo, ch->hi, Y0 + PLOT_H, Y0);
}

static int64_t
step_time(const chart *ch, int k)
{
	return ch->r->from + (int64_t)k * ch->g->step;
}

/* A polyline of values with gaps where there is none, as path data. */
static void
path(FILE *out, const chart *ch, const double *v, const bool *has, const char *attrs)
{
	bool pen = false;

	fprintf(out, "<path %s d=\"", attrs);
	for (int k = 0; k < ch->tr->nsteps; k++) {
		if (!has[k] || isnan(v[k]) || isinf(v[k])) {
			pen = false;
			continue;
		}
		fprintf(out, "%s%.1f %.1f", pen ? "L" : "M", xpos(ch, step_time(ch, k)), ypos(ch, v[k]));
		pen = true;
	}
	fputs("\"/>\n", out);
}

/* The y range: the data, the baseline and every threshold line. */
static double
y_range(chart *ch)
{
	double lo = INFINITY, hi = -INFINITY;

	for (int k = 0; k < ch->tr->nsteps; k++) {
		if (ch->has[k])
			html_range_add(&lo, &hi, ch->val[k]);
		if (ch->has_base && ch->bhas[k])
			html_range_add(&lo, &hi, ch->base[k]);
		for (int i = 0; i < ch->nth; i++)
			if (ch->th[i].line)
				html_range_add(&lo, &hi, thr_at(ch, &ch->th[i], k));
	}
	return html_nice_axis(lo, hi, ch->unit, &ch->lo, &ch->hi);
}

static void
time_ticks(FILE *out, const chart *ch, double ybase)
{
	static const int64_t iv[] = { 15000, 30000, 60000, 120000, 300000, 600000, 900000, 1800000, 3600000,
				      7200000, 10800000, 21600000, 43200000, 86400000 };
	int64_t span = ch->tmax - ch->tmin, step = iv[sizeof iv / sizeof *iv - 1];

	for (size_t i = 0; i < sizeof iv / sizeof *iv; i++)
		if (span / iv[i] <= 8) {
			step = iv[i];
			break;
		}
	int64_t t = ch->tmin / step * step;
	if (t < ch->tmin)
		t += step;
	for (; t <= ch->tmax; t += step) {
		char buf[16];
		double x = xpos(ch, t);
		html_clock(buf, sizeof buf, t, step < 60000);
		fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			"<text class=\"tick\" x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%s</text>\n",
			x, x, Y0, Y0 + PLOT_H, x, ybase, buf);
	}
}

/* Where a comparison of the chart's metric stands at step k: "on", "pend", "unk" or NULL (false). */
static const char *
lane_state(const chart *ch, const threshold *t, int k)
{
	double s = ch->tr->cmp[(size_t)k * (size_t)ch->g->ncmp + (size_t)t->ci][2];
	double rs = ch->tr->rule[(size_t)k * (size_t)ch->g->nrules + (size_t)(t->c->rule - ch->g->rule0)];

	if (isnan(s))
		return "unk";
	if (s != 1)
		return NULL;
	return t->in_for && rs != 1 ? "pend" : "on";
}

/*
 * A quantifier's condition for the chart's series at step k: "on", "pend"
 * (its `for` timing, not yet held), "unk", or NULL (false, or absent).
 */
static const char *
qlane_state(const chart *ch, int qi, int k)
{
	const struct qstep *qs = &ch->tr->q[(size_t)k * (size_t)ch->tr->nquant + (size_t)qi];

	for (int i = 0; i < qs->n; i++)
		if (qs->keys[i] == ch->key)
			return qs->val[i] == 1 ? "on" : qs->since[i] != VM_NEVER ? "pend" : isnan(qs->val[i]) ? "unk" : NULL;
	return NULL;
}

/* One lane at y: its background, and a span for each run of steps in one state (NULL: none drawn). */
static void
lane(FILE *out, const chart *ch, double y, enum rule_kind kind, const char *const *st)
{
	bool bad = kind == RULE_ROLLBACK || kind == RULE_NOGO;
	int64_t half = ch->g->step / 2;

	fprintf(out, "<rect class=\"lanebg\" x=\"%d\" y=\"%.0f\" width=\"%d\" height=\"%d\"/>\n", X0, y, X1 - X0,
		LANE_H - 3);
	for (int k = 0; k < ch->tr->nsteps;) {
		const char *s = st[k];
		int e = k + 1;
		while (e < ch->tr->nsteps && s && st[e] && strcmp(st[e], s) == 0)
			e++;
		if (s) {
			double x0 = xpos(ch, step_time(ch, k) - half), x1 = xpos(ch, step_time(ch, e - 1) + half);
			char fill[32] = "";
			if (strcmp(s, "unk") == 0)	/* hatched: the chart's pattern */
				snprintf(fill, sizeof fill, " fill=\"url(#u%d)\"", ch->id);
			fprintf(out, "<rect class=\"%s%s\"%s x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%d\"/>\n", s,
				strcmp(s, "on") == 0 ? (bad ? " bad" : " good") : "", fill, x0, y, x1 - x0, LANE_H - 3);
		}
		k = e;
	}
}

/* The text under a lane: what it shows, and the rule's name. */
static void
lane_label(FILE *out, const chart *ch, double y, const char *source, const char *of, int rule)
{
	char rl[128];

	fprintf(out, "<text class=\"lanel\" x=\"%d\" y=\"%.0f\">", X0 + 4, y + LANE_H - 6);
	html_esc(out, source);
	fputs(of, out);
	html_esc(out, html_rule_label(&ch->p->rules[rule], rl, sizeof rl));
	fputs(")</text>\n", out);
}

/*
 * The lanes of a chart: one per comparison of the metric, then (a series'
 * chart) one per quantifier's condition, for that series.
 */
static void
lanes(FILE *out, const chart *ch, int *nlanes)
{
	int n = 0;
	const char **st = xmalloc(((size_t)ch->tr->nsteps + 1) * sizeof *st);

	for (int i = 0; i < ch->nth; i++) {
		const threshold *t = &ch->th[i];
		if (!t->lane)
			continue;
		double y = Y0 + PLOT_H + 6 + n++ * LANE_H;
		for (int k = 0; k < ch->tr->nsteps; k++)
			st[k] = lane_state(ch, t, k);
		lane(out, ch, y, ch->p->rules[t->c->rule].kind, st);
		lane_label(out, ch, y, t->c->source, " (", t->c->rule);
	}
	for (int i = 0; i < ch->nql; i++) {
		const prog_quant *pq = &ch->p->quants[ch->g->quant0 + ch->ql[i]];
		double y = Y0 + PLOT_H + 6 + n++ * LANE_H;
		for (int k = 0; k < ch->tr->nsteps; k++)
			st[k] = qlane_state(ch, ch->ql[i], k);
		lane(out, ch, y, ch->p->rules[pq->rule].kind, st);
		lane_label(out, ch, y, pq->source, ", of this series (", pq->rule);
	}
	free(st);
	*nlanes = n;
}

/* The step of the window nearest t. */
static int
step_of(const chart *ch, int64_t t)
{
	int64_t k = (t - ch->r->from) / ch->g->step;

	return k < 0 ? 0 : k >= ch->tr->nsteps ? ch->tr->nsteps - 1 : (int)k;
}

/* The function over the last steps that is an operand of comparison ci (program-wide), or NULL. */
static const prog_hist *
cmp_hist(const program *p, const prog_gate *g, int ci)
{
	for (int h = g->hist0; h < g->hist0 + g->nhist; h++)
		if (p->hists[h].cmp == ci)
			return &p->hists[h];
	return NULL;
}

/* Is the chart's series one that decided quantifier q of the deciding rule, at the step it decided? */
static bool
deciding_series(const chart *ch, int q)
{
	const quant_result *qr = html_decided_quant(ch->r, ch->g, q);

	for (int j = 0; j < qr->ntop; j++)
		if (qr->top[j].key == ch->key)
			return true;
	return false;
}

/*
 * What the marker says of step k: the comparison t of the deciding rule
 * (NULL: the series' value alone), in its numbers, into what.
 */
static void
marker_what(const chart *ch, const threshold *t, int k, char *what, size_t size)
{
	char v[32], th[80];
	const char *name = ch->p->metrics[ch->m].name;

	html_fmt_val(v, sizeof v, ch->val[k], ch->unit);
	if (t && t->line) {
		html_fmt_val(th, sizeof th, thr_at(ch, t, k), ch->unit);
		if (t->left)
			snprintf(what, size, "%s %s %s %s", th, html_cmpops[t->c->op], name, v);
		else
			snprintf(what, size, "%s %s %s %s", name, v, html_cmpops[t->c->op], th);
	} else if (t) {	/* a test of the metric, not its value: the comparison's own numbers */
		const double *o = ch->tr->cmp[(size_t)k * (size_t)ch->g->ncmp + (size_t)t->ci];
		const prog_hist *h = cmp_hist(ch->p, ch->g, (int)(t->c - ch->p->cmps));
		if (h && (h->fn == FN_MANNWHITNEY || h->fn == FN_RATIO_TEST)) {
			snprintf(th, sizeof th, "p = %.2g", o[isnan(t->c->konst[0]) ? 0 : 1]);
		} else {	/* both sides, in the comparison's unit */
			char l[32], rr[32];
			html_fmt_val(l, sizeof l, o[0], (enum unit)t->c->unit);
			html_fmt_val(rr, sizeof rr, o[1], (enum unit)t->c->unit);
			snprintf(th, sizeof th, "%s %s %s", l, html_cmpops[t->c->op], rr);
		}
		snprintf(what, size, "%s: %s; %s %s", t->c->source, th, name, v);
	} else {
		snprintf(what, size, "%s %s", name, v);
	}
}

/*
 * The marker where the deciding rule fired or began to hold, if it compares
 * this series (alone, or as a deciding series of its quantifier): its text
 * in buf.
 */
static bool
marker(FILE *out, const chart *ch, char *buf, size_t size)
{
	const gate_result *r = ch->r;
	const prog_rule *dr = &ch->p->rules[r->decided];
	const threshold *t = NULL;
	const prog_quant *pq = NULL;

	if (r->decided_since == VM_NEVER)
		return false;
	for (int i = 0; i < ch->nth && !t; i++)
		if (ch->th[i].c->rule == r->decided && (ch->key == VM_NOKEY ? ch->th[i].lane : ch->th[i].line))
			t = &ch->th[i];
	for (int i = 0; i < ch->nql && !pq; i++)
		if (ch->p->quants[ch->g->quant0 + ch->ql[i]].rule == r->decided && deciding_series(ch, ch->ql[i]))
			pq = &ch->p->quants[ch->g->quant0 + ch->ql[i]];
	if (ch->key != VM_NOKEY ? !pq : !t)
		return false;
	int k = step_of(ch, r->decided_since);
	char when[16], rl[128], what[320];
	html_clock(when, sizeof when, r->decided_since, true);
	marker_what(ch, t, k, what, sizeof what);
	snprintf(buf, size, "%s %s %s UTC: %s%s%s", html_rule_label(dr, rl, sizeof rl),
		 dr->kind == RULE_ROLLBACK ? "fired at" : "held from", when, what, pq ? ", a deciding series of " : "",
		 pq ? pq->source : "");
	double x = xpos(ch, r->decided_since);
	fprintf(out, "<line class=\"mark\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>\n", x, x, Y0, Y0 + PLOT_H);
	if (ch->has[k])
		fprintf(out, "<circle class=\"markdot\" cx=\"%.1f\" cy=\"%.1f\" r=\"5\"/>\n", x, ypos(ch, ch->val[k]));
	/*
	 * In the plot, the moment and the comparison (the rule is in the caption), on the side
	 * with more room; squeezed into it where the reader's font would run past the edge
	 * (bold 12px: under 8px a character in DejaVu Sans, Debian's default).
	 */
	char label[400];
	snprintf(label, sizeof label, "%s %s UTC: %s", dr->kind == RULE_ROLLBACK ? "fired at" : "held from", when, what);
	bool right = X1 - x >= x - X0;
	double room = (right ? X1 - x : x - X0) - 10, wide = 8.0 * (double)strlen(label);
	fprintf(out, "<text class=\"marktext\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\"", x + (right ? 6 : -6), Y0 + 12,
		right ? "start" : "end");
	if (wide > room)
		fprintf(out, " textLength=\"%.0f\" lengthAdjust=\"spacingAndGlyphs\"", room);
	fputc('>', out);
	html_esc(out, label);
	fputs("</text>\n", out);
	return true;
}

/*
 * The comparisons of the gate that read metric m: lanes of its chart, and
 * lines where the other side is in the metric's scale (not p99 of
 * mannwhitney(p99, 10m) < 1%, nor errors of errors / requests > 1%).
 */
static void
thresholds(chart *ch)
{
	const program *p = ch->p;
	const prog_gate *g = ch->g;

	ch->nth = 0;
	for (int ci = g->cmp0; ci < g->cmp0 + g->ncmp && ch->nth < (int)(sizeof ch->th / sizeof *ch->th); ci++) {
		const prog_cmp *c = &p->cmps[ci];
		unsigned sides = cmp_sides(c, ch->m);
		bool reads = false;
		for (int k = 0; c->metrics[k] >= 0; k++)
			reads |= c->metrics[k] == ch->m;
		if (!reads || c->rule < 0 || c->inner)
			continue;
		threshold t = { .c = c, .ci = ci - g->cmp0, .konst = NAN, .in_for = c->in_for,
				.line = (sides & (CMP_VAL_L | CMP_VAL_R)) != 0 };
		/* the threshold is the side that does not read the metric's value */
		t.left = (sides & (CMP_VAL_L | CMP_VAL_R)) == CMP_VAL_R;
		if ((sides & (CMP_VAL_L | CMP_VAL_R)) == (CMP_VAL_L | CMP_VAL_R))
			t.line = false;	/* p99 > 2 * p99 - x: no side stands for the other */
		if (c->quant >= 0 || p->metrics[ch->m].by) {
			if (c->quant < 0 || !t.line)
				continue;
			/* a line only where it is one for every series: known when compiled (any(memory > 256Mi)) */
			t.konst = c->konst[t.left ? 0 : 1];
			if (isnan(t.konst))
				continue;
		} else {
			t.lane = true;
		}
		for (int k = 0; c->metrics[k] >= 0; k++)
			t.dashed |= (c->sides[k] & (t.left ? CMP_BASE_L : CMP_BASE_R)) != 0;
		ch->th[ch->nth++] = t;
	}
	ch->nql = 0;
	for (int qi = 0; qi < g->nquant && ch->key != VM_NOKEY && ch->nql < (int)(sizeof ch->ql / sizeof *ch->ql); qi++) {
		const prog_quant *pq = &p->quants[g->quant0 + qi];
		bool reads = false;
		if (pq->fn > FN_FRACTION || pq->fn == FN_PRESENT)
			continue;	/* a number across the series, not a condition of each */
		for (int ci = pq->cmp0; ci < pq->cmp0 + pq->ncmp; ci++)
			for (int k = 0; p->cmps[ci].metrics[k] >= 0; k++)
				reads |= p->cmps[ci].metrics[k] == ch->m;
		if (reads)
			ch->ql[ch->nql++] = qi;
	}
}

static void
chart_free(chart *ch)
{
	free(ch->val);
	free(ch->base);
	free(ch->has);
	free(ch->dflt);
	free(ch->bhas);
}

/* The values of the chart's series and its baseline's at each step, as the VM's LOAD reads them. */
static void
chart_values(chart *ch, const report_data *rd)
{
	const prog_metric *pm = &ch->p->metrics[ch->m];
	size_t n = (size_t)ch->tr->nsteps + 1;

	ch->val = xmalloc(n * sizeof *ch->val);
	ch->base = xmalloc(n * sizeof *ch->base);
	ch->has = xmalloc(n * sizeof *ch->has);
	ch->dflt = xmalloc(n * sizeof *ch->dflt);
	ch->bhas = xmalloc(n * sizeof *ch->bhas);
	ch->has_base = pm->bquery || pm->bused;
	ch->vmin = INFINITY, ch->vmax = -INFINITY;
	for (int k = 0; k < ch->tr->nsteps; k++) {
		int64_t when, t = step_time(ch, k);
		ch->has[k] = eval_value(ch->p, ch->g, rd->pops, ch->m, false, ch->key, t, &ch->val[k], &when);
		ch->dflt[k] = ch->has[k] && when == VM_NEVER;
		ch->nmissing += !ch->has[k];
		ch->ndefault += ch->dflt[k];
		if (ch->has[k])
			html_range_add(&ch->vmin, &ch->vmax, ch->val[k]);
		ch->bhas[k] = ch->has_base && eval_value(ch->p, ch->g, rd->pops, ch->m, true, ch->key, t, &ch->base[k], &when);
	}
}

/* The figure's start: its title, the one sentence of what it shows, and the hatch of unknown. */
static void
chart_head(FILE *out, const chart *ch, const char *label, int height)
{
	char from[40], to[16], a[32], b[32];

	html_clock(to, sizeof to, ch->r->at, true);
	util_fmt_time(from, sizeof from, ch->r->from);
	fprintf(out, "<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-labelledby=\"t%d d%d\">\n<title id=\"t%d\">", W, height, ch->id, ch->id, ch->id);
	html_esc(out, label);
	fprintf(out, "</title>\n<desc id=\"d%d\">", ch->id);
	html_esc(out, label);
	fprintf(out, " at each of the %d steps from %s to %s UTC", ch->tr->nsteps, from, to);
	if (ch->vmax >= ch->vmin) {
		html_fmt_val(a, sizeof a, ch->vmin, ch->unit);
		html_fmt_val(b, sizeof b, ch->vmax, ch->unit);
		fprintf(out, ", between %s and %s", a, b);
	}
	if (ch->nmissing)
		fprintf(out, ", without a value at %d", ch->nmissing);
	if (ch->ndefault)
		fprintf(out, ", its default at %d", ch->ndefault);
	for (int i = 0; i < ch->nth; i++) {
		fputs(i ? "; " : "; compared as ", out);
		html_esc(out, ch->th[i].c->source);
	}
	fputs(".</desc>\n", out);
	/* unknown is hatched, not a colour of its own: told from every fill by its texture, in any vision */
	fprintf(out, "<defs><pattern id=\"u%d\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
		"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
		"<rect width=\"3\" height=\"6\" fill=\"" C_UNK "\"/></pattern></defs>\n", ch->id);
}

/* The value axis of tick step ystep, the time axis, the frame, and a light band where a step has no value. */
static void
chart_axes(FILE *out, const chart *ch, double ystep, int height)
{
	int64_t half = ch->g->step / 2;

	for (int i = 0, nt = html_ticks(ch->lo, ch->hi, ystep); i <= nt; i++) {
		double v = ch->lo + i * ystep;
		char t[32];
		html_fmt_tick(t, sizeof t, v, ystep, fmax(fabs(ch->lo), fabs(ch->hi)), ch->unit);
		fprintf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			X0, X1, ypos(ch, v), ypos(ch, v), X0 - 6, ypos(ch, v) + 4, t);
	}
	time_ticks(out, ch, height - 6);
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", X0, Y0, X1 - X0, PLOT_H);
	for (int k = 0; k < ch->tr->nsteps; k++)	/* so that a gap reads as one */
		if (!ch->has[k])
			fprintf(out, "<rect class=\"gap\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n",
				xpos(ch, step_time(ch, k) - half), Y0,
				xpos(ch, step_time(ch, k) + half) - xpos(ch, step_time(ch, k) - half), PLOT_H);
}

/* The threshold lines, then the baseline, the series and its points over them. */
static void
chart_lines(FILE *out, const chart *ch)
{
	size_t n = (size_t)ch->tr->nsteps + 1;

	for (int i = 0; i < ch->nth; i++) {
		const threshold *t = &ch->th[i];
		if (!t->line)
			continue;
		double *tv = xmalloc(n * sizeof *tv);
		bool *th = xmalloc(n * sizeof *th);
		for (int k = 0; k < ch->tr->nsteps; k++) {
			tv[k] = thr_at(ch, t, k);
			th[k] = !isnan(tv[k]);
		}
		bool go = ch->p->rules[t->c->rule].kind == RULE_GO;	/* a go's limits green, the others' red */
		path(out, ch, tv, th, t->dashed ? (go ? "class=\"thr go dashed\"" : "class=\"thr dashed\"") :
				      go ? "class=\"thr go\"" : "class=\"thr\"");
		free(tv);
		free(th);
	}
	if (ch->has_base)
		path(out, ch, ch->base, ch->bhas, "class=\"base\"");
	path(out, ch, ch->val, ch->has, "class=\"series\"");
	for (int k = 0; k < ch->tr->nsteps; k++)
		if (ch->has[k] && !isnan(ch->val[k]) && !isinf(ch->val[k]))
			fprintf(out, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>\n", ch->dflt[k] ? "dflt" : "pt",
				xpos(ch, step_time(ch, k)), ypos(ch, ch->val[k]));
}

/* The caption: the marker's text (mtext, NULL: none), then the legend in words and swatches. */
static void
chart_caption(FILE *out, const chart *ch, const char *mtext, int nlanes)
{
	fputs("</svg>\n<figcaption>", out);
	if (mtext) {
		fputs("<strong>", out);
		html_esc(out, mtext);
		fputs(".</strong> ", out);
	}
	fputs("<span class=\"key\"><i class=\"sw series\"></i>", out);
	html_esc(out, ch->p->metrics[ch->m].name);
	fputs(" at each step</span>", out);
	if (ch->has_base)
		fputs("<span class=\"key\"><i class=\"sw base\"></i>baseline</span>", out);
	for (int i = 0; i < ch->nth; i++) {
		char tv[32];
		if (!ch->th[i].line)
			continue;
		fprintf(out, "<span class=\"key\"><i class=\"sw thr%s%s\"></i>",
			ch->p->rules[ch->th[i].c->rule].kind == RULE_GO ? " go" : "", ch->th[i].dashed ? " dashed" : "");
		html_esc(out, ch->th[i].c->source);
		if (!ch->th[i].lane) {
			html_fmt_val(tv, sizeof tv, ch->th[i].konst, ch->unit);
			fprintf(out, " (%s)", tv);
		}
		fputs("</span>", out);
	}
	if (ch->ndefault)
		fputs("<span class=\"key\"><i class=\"sw dflt\"></i>the default</span>", out);
	if (ch->nmissing)
		fputs("<span class=\"key\"><i class=\"sw gap\"></i>no value</span>", out);
	if (nlanes)
		fputs("<span class=\"key\"><i class=\"sw on bad\"></i>true (rollback, no-go)</span>"
		      "<span class=\"key\"><i class=\"sw on good\"></i>true (go)</span>"
		      "<span class=\"key\"><i class=\"sw pend\"></i>true, its <code>for</code> not yet held</span>"
		      "<span class=\"key\"><i class=\"sw unk\"></i>unknown</span>", out);
	fputs("</figcaption>\n</figure>\n", out);
}

void
html_chart(FILE *out, const program *p, const gate_result *r, const trace *tr, const report_data *rd, int m,
	   int key, const char *label, int id)
{
	chart ch = { .p = p, .g = &p->gates[r->gate], .r = r, .tr = tr, .m = m, .key = key, .id = id };

	ch.unit = html_metric_unit(p, ch.g, m);
	chart_values(&ch, rd);
	thresholds(&ch);
	double ystep = y_range(&ch);
	ch.tmin = r->from - ch.g->step / 2;
	ch.tmax = r->at + ch.g->step / 2;
	int nlanes = ch.nql;
	for (int i = 0; i < ch.nth; i++)
		nlanes += ch.th[i].lane;
	int height = Y0 + PLOT_H + 6 + nlanes * LANE_H + 22;

	chart_head(out, &ch, label, height);
	chart_axes(out, &ch, ystep, height);
	chart_lines(out, &ch);
	lanes(out, &ch, &nlanes);
	char mtext[640];
	bool marked = marker(out, &ch, mtext, sizeof mtext);
	chart_caption(out, &ch, marked ? mtext : NULL, nlanes);
	chart_free(&ch);
}
