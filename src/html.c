/*
 * html.c: the report as a page for people who were not there: per gate a
 * header (verdict, deciding rule, window), then per metric a chart of the
 * window as the rules saw it.  The values are read at each step as the
 * VM's LOAD reads them (eval_value), and the comparisons' operands and the
 * rules' states are those of the VM run again over the window, step by step.
 * Inline CSS and SVG only: nothing is fetched, nothing runs.
 */
#include "html.h"
#include "report.h"
#include "units.h"
#include "util.h"
#include "vocab.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The Okabe-Ito palette: told apart with any colour vision. */
#define C_SERIES "#0072B2"
#define C_BASE "#E69F00"
#define C_THRESH "#D55E00"
#define C_GOOD "#009E73"
#define C_PEND "#F0E442"
#define C_UNK "#999999"
#define C_MARK "#CC79A7"

/* Chart geometry, in SVG units. */
enum { W = 960, X0 = 78, X1 = 940, Y0 = 14, PLOT_H = 150, LANE_H = 16, MAX_SERIES = 12 };

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
	 * per history of the gate (outside quantifiers) that tests canary
	 * against baseline: its values and numbers at the step the report
	 * gives them for (its rollback's firing, else the last)
	 */
	struct dist {
		int64_t at;	/* VM_NEVER: none kept */
		int key;	/* in a quantifier: the series (its first deciding one), else VM_NOKEY */
		int n;		/* steps held, each hist->lanes values */
		double *v;
		hist_stat st;
	} *dist;
	int nhist;
} trace;

static const char *const cmpops[] = {
	[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_EQ] = "==", [OP_NE] = "!=",
};

/* Quantifier q (gate-local) of the deciding rule as it decided: when its rollback fired, else at the last step. */
static const quant_result *
decided_quant(const gate_result *r, const prog_gate *g, int q)
{
	return r->fired_at[r->decided - g->rule0] != VM_NEVER && r->fired_quants[q].at != VM_NEVER ? &r->fired_quants[q]
												     : &r->quants[q];
}

/* Is shift h beside a mannwhitney() of the same operands in its rule (mannwhitney(p99, 10m), shift(p99, 10m))? */
static bool
shift_of_test(const program *p, const prog_gate *g, const prog_hist *h)
{
	const char *args = strchr(h->source, '(');

	for (int i = g->hist0; i < g->hist0 + g->nhist; i++) {
		const prog_hist *o = &p->hists[i];
		if (o->fn == FN_MANNWHITNEY && o->rule == h->rule && o->quant == h->quant && o->range == h->range &&
		    args && strchr(o->source, '(') && strcmp(strchr(o->source, '('), args) == 0)
			return true;
	}
	return false;
}

/* A history's values now, and what it makes of them. */
static void
keep_dist(const prog_hist *ph, vm *v, int h, struct dist *d)
{
	const vm_hist *vh = &v->h[h];
	const hist_ring *ring = d->key == VM_NOKEY ? &vh->one : d->key + 1 < vh->nkeyed ? &vh->keyed[d->key + 1] : NULL;
	size_t n = ring ? (size_t)ring->len * (size_t)ph->lanes : 0;

	d->n = ring ? ring->len : 0;
	d->v = xmalloc((n + 1) * sizeof *d->v);
	if (n)
		memcpy(d->v, ring->v, n * sizeof *d->v);
	vm_hist_stat(v, h, d->key, &d->st);
}

static void
run_trace(const program *p, const gate_result *r, const population *pops, trace *tr)
{
	const prog_gate *g = &p->gates[r->gate];
	vm v;

	tr->nsteps = r->evaluations;
	tr->rule = xmalloc(((size_t)tr->nsteps * (size_t)g->nrules + 1) * sizeof *tr->rule);
	tr->cmp = xmalloc(((size_t)tr->nsteps * (size_t)g->ncmp + 1) * sizeof *tr->cmp);
	tr->nquant = g->nquant;
	tr->q = xcalloc((size_t)tr->nsteps * (size_t)g->nquant + 1, sizeof *tr->q);
	tr->nhist = g->nhist;
	tr->dist = xcalloc((size_t)g->nhist + 1, sizeof *tr->dist);
	for (int h = 0; h < g->nhist; h++) {
		const prog_hist *ph = &p->hists[g->hist0 + h];
		int64_t fired = ph->rule >= 0 ? r->fired_at[ph->rule - g->rule0] : VM_NEVER;
		bool tests = ph->fn == FN_MANNWHITNEY || ph->fn == FN_SHIFT || ph->fn == FN_RATIO_TEST;
		if (ph->fn == FN_SHIFT && shift_of_test(p, g, ph))
			tests = false;	/* the test's figure gives the same values, and the shift */
		tr->dist[h].at = !tests ? VM_NEVER : fired != VM_NEVER ? fired : r->at;
		tr->dist[h].key = VM_NOKEY;
		if (ph->quant >= 0 && tests) {	/* of the deciding rule: its first deciding series' */
			int q = ph->quant - g->quant0;
			const quant_result *qr = decided_quant(r, g, q);
			if (ph->rule == r->decided && qr->ntop > 0 && qr->top[0].key >= 0)
				tr->dist[h].key = qr->top[0].key;
			else
				tr->dist[h].at = VM_NEVER;
		}
	}
	vm_init(&v, p, r->gate, pops);
	for (int k = 0; k < tr->nsteps; k++) {
		int64_t t = r->from + (int64_t)k * g->step;
		vm_step(&v, t);
		for (int h = 0; h < g->nhist; h++)
			if (tr->dist[h].at == t)
				keep_dist(&p->hists[g->hist0 + h], &v, h, &tr->dist[h]);
		if (g->nrules > 0)	/* memcpy from NULL is undefined even for 0 bytes */
			memcpy(tr->rule + (size_t)k * (size_t)g->nrules, v.rule, (size_t)g->nrules * sizeof *v.rule);
		if (g->ncmp > 0)
			memcpy(tr->cmp + (size_t)k * (size_t)g->ncmp, v.cmp, (size_t)g->ncmp * sizeof *v.cmp);
		for (int qi = 0; qi < g->nquant; qi++) {
			const vm_quant *q = &v.q[qi];
			struct qstep *qs = &tr->q[(size_t)k * (size_t)g->nquant + (size_t)qi];
			qs->n = q->nkeys;
			qs->keys = xmalloc(((size_t)q->nkeys + 1) * sizeof *qs->keys);
			qs->val = xmalloc(((size_t)q->nkeys + 1) * sizeof *qs->val);
			qs->since = xmalloc(((size_t)q->nkeys + 1) * sizeof *qs->since);
			if (q->nkeys > 0) {
				memcpy(qs->keys, q->keys, (size_t)q->nkeys * sizeof *qs->keys);
				memcpy(qs->val, q->val, (size_t)q->nkeys * sizeof *qs->val);
			}
			const prog_quant *pq = &p->quants[g->quant0 + qi];
			for (int i = 0; i < q->nkeys; i++) {	/* a timer that ran at this step, not one left over */
				const vm_keyed *kf = pq->nfor ? &v.keyed[pq->for0 - g->for0] : NULL;
				int key = q->keys[i] + 1;
				qs->since[i] = kf && key < kf->n && kf->f[key].seen == t ? kf->f[key].since : VM_NEVER;
			}
		}
	}
	vm_free(&v);
}

static void
trace_free(trace *tr)
{
	free(tr->rule);
	free(tr->cmp);
	for (int i = 0; i < tr->nsteps * tr->nquant; i++) {
		free(tr->q[i].keys);
		free(tr->q[i].val);
		free(tr->q[i].since);
	}
	free(tr->q);
	for (int h = 0; h < tr->nhist; h++)
		free(tr->dist[h].v);
	free(tr->dist);
}

/* --- text ------------------------------------------------------------------ */

static void
esc(FILE *out, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
}

/* "22:13:20" (with seconds) or "22:13", UTC. */
static void
clock_utc(char *buf, size_t size, int64_t ms, bool seconds)
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, size, seconds ? "%H:%M:%S" : "%H:%M", &tm);
}

/* Where comparison c reads metric m in its scale (prog_cmp.sides), 0 nowhere. */
static unsigned
cmp_sides(const prog_cmp *c, int m)
{
	for (int k = 0; c->metrics[k] >= 0; k++)
		if (c->metrics[k] == m)
			return c->sides[k];
	return 0;
}

/* The unit a metric's values are shown in: its own, else that of a comparison of its values. */
static enum unit
metric_unit(const program *p, const prog_gate *g, int m)
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

/* How a unit scales its numbers for an axis whose largest value is max: the factor and the suffix. */
static double
unit_scale(enum unit u, double max, const char **suffix)
{
	max = fabs(max);
	switch (u) {
	case UNIT_RATIO: *suffix = "%"; return 100;
	case UNIT_SECONDS:
		if (max < 1) { *suffix = "ms"; return 1000; }
		*suffix = "s"; return 1;
	case UNIT_BYTES:
		if (max >= 1073741824.0) { *suffix = "GiB"; return 1 / 1073741824.0; }
		if (max >= 1048576.0) { *suffix = "MiB"; return 1 / 1048576.0; }
		if (max >= 1024.0) { *suffix = "KiB"; return 1 / 1024.0; }
		*suffix = "B"; return 1;
	case UNIT_CORES:
		if (max < 1) { *suffix = "m"; return 1000; }
		*suffix = " cores"; return 1;
	default: *suffix = ""; return 1;
	}
}

/* A value for people, in its unit: 7.2%, 430ms, 270MiB, 215m. */
static void
fmt_val(char *buf, size_t size, double v, enum unit u)
{
	const char *suffix;
	double f = unit_scale(u, v, &suffix);

	if (isnan(v))
		snprintf(buf, size, "no value");
	else if (isinf(v))
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
	else
		snprintf(buf, size, "%.4g%s", v * f, suffix);
}

/* A tick's label: as many decimals as the tick step needs. */
static void
fmt_tick(char *buf, size_t size, double v, double step, double max, enum unit u)
{
	const char *suffix;
	double f = unit_scale(u, max, &suffix);
	int dec = (int)ceil(-log10(step * f) - 1e-9);

	if (dec < 0)
		dec = 0;
	if (dec > 6)
		dec = 6;
	if (fabs(v) < step * 1e-6)
		v = 0;
	snprintf(buf, size, "%.*f%s", dec, v * f, suffix);
}

/* --- charts ---------------------------------------------------------------- */

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

/* Where v is on an axis from lo (at a) to hi (at b): kept near the plot, so that no coordinate is Inf. */
static double
axis_pos(double v, double lo, double hi, double a, double b)
{
	double f = (v / 2 - lo / 2) / (hi / 2 - lo / 2);	/* halves: hi - lo may overflow */

	return a + (b - a) * (f < -1 ? -1 : f > 2 ? 2 : f);
}

static double
xpos(const chart *ch, int64_t t)
{
	return X0 + (double)(t - ch->tmin) * (X1 - X0) / (double)(ch->tmax - ch->tmin);
}

static double
ypos(const chart *ch, double v)
{
	return axis_pos(v, ch->lo, ch->hi, Y0 + PLOT_H, Y0);
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

static void
range_add(double *lo, double *hi, double v)
{
	if (isnan(v) || isinf(v))
		return;
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

/*
 * An axis over [lo, hi] of unit u on whole ticks: *alo, *ahi and the tick
 * step, nice (1, 2, 5 times a power of ten) in the numbers as the axis
 * writes them (MiB, ms, %), from zero when that costs little.
 */
static double
nice_axis(double lo, double hi, enum unit u, double *alo, double *ahi)
{
	if (lo > hi)
		lo = 0, hi = 1;
	if (!isfinite(hi - lo))	/* values near the double's limits: an axis that halves can hold */
		lo = fmax(lo, -DBL_MAX / 4), hi = fmin(hi, DBL_MAX / 4);
	if (hi - lo <= 1e-9 * fmax(fabs(lo), fabs(hi)))
		lo = hi;	/* a few ulps apart: ticks that small would not move v */
	if (lo > 0 && lo < hi * 0.5)
		lo = 0;		/* latencies, ratios, bytes */
	if (lo == hi && lo >= 0)
		hi = hi > 0 ? hi * 1.2 : 1, lo = 0;
	else if (lo == hi)
		lo = lo * 1.2, hi = 0;
	const char *suffix;
	double f = unit_scale(u, fmax(fabs(lo), fabs(hi)), &suffix);
	double raw = (hi - lo) * f / 5, mag = pow(10, floor(log10(raw))), norm = raw / mag;
	double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag / f;
	*alo = floor(lo / step) * step;
	*ahi = ceil(hi / step) * step;
	if (*ahi <= hi)	/* room above the highest line */
		*ahi += step;
	return step;
}

/* The ticks after the first of an axis nice_axis() made: counted, not stepped to, so rounding cannot run on. */
static int
ticks(double lo, double hi, double step)
{
	double n = round((hi - lo) / step);

	return isfinite(n) && n >= 0 && n <= 100 ? (int)n : 0;
}

/* The y range: the data, the baseline and every threshold line. */
static double
y_range(chart *ch)
{
	double lo = INFINITY, hi = -INFINITY;

	for (int k = 0; k < ch->tr->nsteps; k++) {
		if (ch->has[k])
			range_add(&lo, &hi, ch->val[k]);
		if (ch->has_base && ch->bhas[k])
			range_add(&lo, &hi, ch->base[k]);
		for (int i = 0; i < ch->nth; i++)
			if (ch->th[i].line)
				range_add(&lo, &hi, thr_at(ch, &ch->th[i], k));
	}
	return nice_axis(lo, hi, ch->unit, &ch->lo, &ch->hi);
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
		clock_utc(buf, sizeof buf, t, step < 60000);
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

static const char *
rule_label(const prog_rule *pr, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", ast_rule_kind_name(pr->kind), pr->name ? " \"" : "", pr->name ? pr->name : "",
		 pr->name ? "\"" : "");
	return buf;
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
	esc(out, source);
	fputs(of, out);
	esc(out, rule_label(&ch->p->rules[rule], rl, sizeof rl));
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
	const quant_result *qr = decided_quant(ch->r, ch->g, q);

	for (int j = 0; j < qr->ntop; j++)
		if (qr->top[j].key == ch->key)
			return true;
	return false;
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
	char v[32], th[80], when[16], rl[128], what[320];
	const char *name = ch->p->metrics[ch->m].name;
	fmt_val(v, sizeof v, ch->val[k], ch->unit);
	clock_utc(when, sizeof when, r->decided_since, true);
	if (t && t->line) {
		fmt_val(th, sizeof th, thr_at(ch, t, k), ch->unit);
		if (t->left)
			snprintf(what, sizeof what, "%s %s %s %s", th, cmpops[t->c->op], name, v);
		else
			snprintf(what, sizeof what, "%s %s %s %s", name, v, cmpops[t->c->op], th);
	} else if (t) {	/* a test of the metric, not its value: the comparison's own numbers */
		const double *o = ch->tr->cmp[(size_t)k * (size_t)ch->g->ncmp + (size_t)t->ci];
		const prog_hist *h = cmp_hist(ch->p, ch->g, (int)(t->c - ch->p->cmps));
		if (h && (h->fn == FN_MANNWHITNEY || h->fn == FN_RATIO_TEST)) {
			snprintf(th, sizeof th, "p = %.2g", o[isnan(t->c->konst[0]) ? 0 : 1]);
		} else {	/* both sides, in the comparison's unit */
			char l[32], rr[32];
			fmt_val(l, sizeof l, o[0], (enum unit)t->c->unit);
			fmt_val(rr, sizeof rr, o[1], (enum unit)t->c->unit);
			snprintf(th, sizeof th, "%s %s %s", l, cmpops[t->c->op], rr);
		}
		snprintf(what, sizeof what, "%s: %s; %s %s", t->c->source, th, name, v);
	} else {
		snprintf(what, sizeof what, "%s %s", name, v);
	}
	snprintf(buf, size, "%s %s %s UTC: %s%s%s", rule_label(dr, rl, sizeof rl),
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
	esc(out, label);
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

/* One chart: the series of metric m (key: of a metric with `by`, else VM_NOKEY). */
static void
write_chart(FILE *out, const program *p, const gate_result *r, const trace *tr, const report_data *rd, int m,
	    int key, const char *label, int id)
{
	const prog_gate *g = &p->gates[r->gate];
	const prog_metric *pm = &p->metrics[m];
	chart ch = { .p = p, .g = g, .r = r, .tr = tr, .m = m, .key = key, .id = id };
	size_t n = (size_t)tr->nsteps + 1;
	int nmissing = 0, ndefault = 0;

	ch.unit = metric_unit(p, g, m);
	ch.val = xmalloc(n * sizeof *ch.val);
	ch.base = xmalloc(n * sizeof *ch.base);
	ch.has = xmalloc(n * sizeof *ch.has);
	ch.dflt = xmalloc(n * sizeof *ch.dflt);
	ch.bhas = xmalloc(n * sizeof *ch.bhas);
	ch.has_base = pm->bquery || pm->bused;
	double vmin = INFINITY, vmax = -INFINITY;
	for (int k = 0; k < tr->nsteps; k++) {
		int64_t when;
		ch.has[k] = eval_value(p, g, rd->pops, m, false, key, step_time(&ch, k), &ch.val[k], &when);
		ch.dflt[k] = ch.has[k] && when == VM_NEVER;
		nmissing += !ch.has[k];
		ndefault += ch.dflt[k];
		if (ch.has[k])
			range_add(&vmin, &vmax, ch.val[k]);
		ch.bhas[k] = ch.has_base &&
			     eval_value(p, g, rd->pops, m, true, key, step_time(&ch, k), &ch.base[k], &when);
	}
	thresholds(&ch);
	double ystep = y_range(&ch);
	ch.tmin = r->from - g->step / 2;
	ch.tmax = r->at + g->step / 2;
	int nlanes = ch.nql;
	for (int i = 0; i < ch.nth; i++)
		nlanes += ch.th[i].lane;
	int height = Y0 + PLOT_H + 6 + nlanes * LANE_H + 22;

	char from[40], to[16], a[32], b[32];
	util_fmt_time(from, sizeof from, r->from);
	clock_utc(to, sizeof to, r->at, true);
	fprintf(out, "<figure class=\"chart\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-labelledby=\"t%d d%d\">\n<title id=\"t%d\">", W, height, id, id, id);
	esc(out, label);
	fprintf(out, "</title>\n<desc id=\"d%d\">", id);
	/* the one sentence of what it shows */
	esc(out, label);
	fprintf(out, " at each of the %d steps from %s to %s UTC", tr->nsteps, from, to);
	if (vmax >= vmin) {
		fmt_val(a, sizeof a, vmin, ch.unit);
		fmt_val(b, sizeof b, vmax, ch.unit);
		fprintf(out, ", between %s and %s", a, b);
	}
	if (nmissing)
		fprintf(out, ", without a value at %d", nmissing);
	if (ndefault)
		fprintf(out, ", its default at %d", ndefault);
	for (int i = 0; i < ch.nth; i++) {
		fputs(i ? "; " : "; compared as ", out);
		esc(out, ch.th[i].c->source);
	}
	fputs(".</desc>\n", out);
	/* unknown is hatched, not a colour of its own: told from every fill by its texture, in any vision */
	fprintf(out, "<defs><pattern id=\"u%d\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
		"patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#fff\"/>"
		"<rect width=\"3\" height=\"6\" fill=\"" C_UNK "\"/></pattern></defs>\n", id);

	/* value axis */
	for (int i = 0, nt = ticks(ch.lo, ch.hi, ystep); i <= nt; i++) {
		double v = ch.lo + i * ystep;
		char t[32];
		fmt_tick(t, sizeof t, v, ystep, fmax(fabs(ch.lo), fabs(ch.hi)), ch.unit);
		fprintf(out, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
			"<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>\n",
			X0, X1, ypos(&ch, v), ypos(&ch, v), X0 - 6, ypos(&ch, v) + 4, t);
	}
	time_ticks(out, &ch, height - 6);
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", X0, Y0, X1 - X0, PLOT_H);
	/* missing steps: a light band, so a gap reads as one */
	for (int k = 0; k < tr->nsteps; k++)
		if (!ch.has[k])
			fprintf(out, "<rect class=\"gap\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\"/>\n",
				xpos(&ch, step_time(&ch, k) - g->step / 2), Y0,
				xpos(&ch, step_time(&ch, k) + g->step / 2) - xpos(&ch, step_time(&ch, k) - g->step / 2),
				PLOT_H);
	for (int i = 0; i < ch.nth; i++) {
		const threshold *t = &ch.th[i];
		if (!t->line)
			continue;
		double *tv = xmalloc(n * sizeof *tv);
		bool *th = xmalloc(n * sizeof *th);
		for (int k = 0; k < tr->nsteps; k++) {
			tv[k] = thr_at(&ch, t, k);
			th[k] = !isnan(tv[k]);
		}
		bool go = ch.p->rules[t->c->rule].kind == RULE_GO;	/* a go's limits green, the others' red */
		path(out, &ch, tv, th, t->dashed ? (go ? "class=\"thr go dashed\"" : "class=\"thr dashed\"") :
				       go ? "class=\"thr go\"" : "class=\"thr\"");
		free(tv);
		free(th);
	}
	if (ch.has_base)
		path(out, &ch, ch.base, ch.bhas, "class=\"base\"");
	path(out, &ch, ch.val, ch.has, "class=\"series\"");
	for (int k = 0; k < tr->nsteps; k++)
		if (ch.has[k] && !isnan(ch.val[k]) && !isinf(ch.val[k]))
			fprintf(out, "<circle class=\"%s\" cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\"/>\n", ch.dflt[k] ? "dflt" : "pt",
				xpos(&ch, step_time(&ch, k)), ypos(&ch, ch.val[k]));
	lanes(out, &ch, &nlanes);
	char mtext[640];
	bool marked = marker(out, &ch, mtext, sizeof mtext);
	fputs("</svg>\n<figcaption>", out);
	if (marked) {
		fputs("<strong>", out);
		esc(out, mtext);
		fputs(".</strong> ", out);
	}
	/* the legend, in words and swatches */
	fputs("<span class=\"key\"><i class=\"sw series\"></i>", out);
	esc(out, pm->name);
	fputs(" at each step</span>", out);
	if (ch.has_base)
		fputs("<span class=\"key\"><i class=\"sw base\"></i>baseline</span>", out);
	for (int i = 0; i < ch.nth; i++) {
		char tv[32];
		if (!ch.th[i].line)
			continue;
		fprintf(out, "<span class=\"key\"><i class=\"sw thr%s%s\"></i>",
			ch.p->rules[ch.th[i].c->rule].kind == RULE_GO ? " go" : "", ch.th[i].dashed ? " dashed" : "");
		esc(out, ch.th[i].c->source);
		if (!ch.th[i].lane) {
			fmt_val(tv, sizeof tv, ch.th[i].konst, ch.unit);
			fprintf(out, " (%s)", tv);
		}
		fputs("</span>", out);
	}
	if (ndefault)
		fputs("<span class=\"key\"><i class=\"sw dflt\"></i>the default</span>", out);
	if (nmissing)
		fputs("<span class=\"key\"><i class=\"sw gap\"></i>no value</span>", out);
	if (nlanes)
		fputs("<span class=\"key\"><i class=\"sw on bad\"></i>true (rollback, no-go)</span>"
		      "<span class=\"key\"><i class=\"sw on good\"></i>true (go)</span>"
		      "<span class=\"key\"><i class=\"sw pend\"></i>true, its <code>for</code> not yet held</span>"
		      "<span class=\"key\"><i class=\"sw unk\"></i>unknown</span>", out);
	fputs("</figcaption>\n</figure>\n", out);
	chart_free(&ch);
}

/* --- canary against baseline ------------------------------------------------ */

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
	return axis_pos(v, lo, hi, X0, X1);
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
	fmt_val(a, sizeof a, util_quantile_sorted(v, (size_t)n, .5), u);
	fmt_val(b, sizeof b, util_quantile_sorted(v, (size_t)n, .25), u);
	fmt_val(c, sizeof c, util_quantile_sorted(v, (size_t)n, .75), u);
	fprintf(out, "the %s's %d values have the median %s (quartiles %s to %s)", side, n, a, b, c);
}

/*
 * A test of canary against baseline (mannwhitney, shift, ratio_test): the
 * two sides' values over its range at the step it is reported for, on one
 * axis, one row each, and the test's numbers.
 */
static void
write_dist(FILE *out, const program *p, const gate_result *r, const trace *tr, const report_data *rd, int h, int id)
{
	const prog_gate *g = &p->gates[r->gate];
	const prog_hist *ph = &p->hists[g->hist0 + h];
	const struct dist *d = &tr->dist[h];
	enum unit u = ph->fn == FN_RATIO_TEST ? UNIT_RATIO : (enum unit)ph->unit;
	double *x = xmalloc(((size_t)d->n + 1) * sizeof *x), *y = xmalloc(((size_t)d->n + 1) * sizeof *y);
	int nx = dist_side(ph, d, 0, x), ny = dist_side(ph, d, 1, y);
	double lo = INFINITY, hi = -INFINITY, alo, ahi;
	char when[16], range[32], *res = NULL;
	size_t reslen = 0;
	const char *what = ph->fn == FN_RATIO_TEST ? "the ratio of errors to requests" : "the values";
	int height = Y0 + 2 * ROW_H + 30;

	for (int i = 0; i < nx; i++)
		range_add(&lo, &hi, x[i]);
	for (int i = 0; i < ny; i++)
		range_add(&lo, &hi, y[i]);
	double step = nice_axis(lo, hi, u, &alo, &ahi);
	clock_utc(when, sizeof when, d->at, true);
	util_fmt_duration(range, sizeof range, ph->range);
	FILE *m = open_memstream(&res, &reslen);
	report_stat_text(ph, &d->st, m);
	fclose(m);

	fprintf(out, "<figure class=\"chart dist\">\n<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-labelledby=\"t%d d%d\">\n<title id=\"t%d\">", W, height, id, id, id);
	esc(out, ph->source);
	if (d->key != VM_NOKEY) {
		fputs(" of ", out);
		esc(out, rd->keys->text[d->key]);
	}
	fprintf(out, " at %s UTC</title>\n<desc id=\"d%d\">", when, id);
	fputs(ph->fn == FN_RATIO_TEST ? "The ratio of errors to requests that " : "The values that ", out);
	esc(out, ph->source);
	fprintf(out, " %s, at each of the %d steps of its %s to %s UTC, the canary's row above the baseline's: ",
		ph->fn == FN_RATIO_TEST ? "sums" : "compares", d->n, range, when);
	dist_words(out, "canary", x, nx, u);
	fputs("; ", out);
	dist_words(out, "baseline", y, ny, u);
	fputs(". ", out);
	esc(out, res);
	fputs(".</desc>\n", out);
	for (int i = 0, nt = ticks(alo, ahi, step); i <= nt; i++) {
		double v = alo + i * step;
		char t[32];
		double px = dist_x(v, alo, ahi);
		fmt_tick(t, sizeof t, v, step, fmax(fabs(alo), fabs(ahi)), u);
		fprintf(out, "<line class=\"grid\" x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\"/>"
			"<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>\n",
			px, px, Y0, Y0 + 2 * ROW_H, px, height - 8, t);
	}
	fprintf(out, "<rect class=\"frame\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>\n", X0, Y0, X1 - X0, 2 * ROW_H);
	fprintf(out, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">canary</text>\n", X0 - 6, Y0 + ROW_H / 2 + 4);
	fprintf(out, "<text class=\"tick\" x=\"%d\" y=\"%d\" text-anchor=\"end\">baseline</text>\n", X0 - 6,
		Y0 + ROW_H + ROW_H / 2 + 4);
	dist_row(out, x, nx, Y0 + ROW_H / 2, "canary", alo, ahi);
	dist_row(out, y, ny, Y0 + ROW_H + ROW_H / 2, "baseline", alo, ahi);
	if (ph->fn == FN_RATIO_TEST)	/* the ratio the test tests: of the sums */
		for (int side = 0; side < 2; side++) {
			double e = d->st.count[2 * side], n = d->st.count[2 * side + 1];
			if (n > 0)
				fprintf(out, "<path class=\"pooled\" d=\"M%.1f %dl6 8l-6 8l-6 -8z\"/>\n",
					dist_x(e / n, alo, ahi), Y0 + side * ROW_H + ROW_H / 2 - 8);
		}
	fputs("</svg>\n<figcaption><strong><code>", out);
	esc(out, ph->source);
	if (d->key != VM_NOKEY) {
		fputs("</code> of <code>", out);
		esc(out, rd->keys->text[d->key]);
	}
	fprintf(out, "</code> at %s UTC", when);
	if (r->fired_at[ph->rule - g->rule0] == d->at)
		fputs(", when its rule fired", out);
	fputs(": ", out);
	esc(out, res);
	fputs(".</strong> ", out);
	fprintf(out, "<span class=\"key\"><i class=\"sw series\"></i>canary</span>"
		"<span class=\"key\"><i class=\"sw base\"></i>baseline</span>"
		"<span class=\"key\">a dot a step, %s; the box from the first to the third quartile, "
		"the bar its median</span>", what);
	if (ph->fn == FN_RATIO_TEST)
		fputs("<span class=\"key\"><i class=\"sw pooled\"></i>all errors over all requests</span>", out);
	fputs("</figcaption>\n</figure>\n", out);
	free(res);
	free(x);
	free(y);
}

/* --- the page -------------------------------------------------------------- */

static const char css[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:62em;padding:0 1em;color:#111;background:#fff}"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.2em 0 .3em}h3{font-size:1em;margin:.8em 0 .2em}h4{font-size:.9em;font-weight:normal;margin:.4em 0 0}"
	"code{font:13px ui-monospace,monospace}table{border-collapse:collapse;margin:.4em 0}"
	"td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
	".verdict{display:inline-block;padding:.1em .6em;border-radius:.3em;color:#fff;font-weight:bold;text-transform:uppercase}"
	".v-go{background:" C_GOOD "}.v-no-go{background:#B35900}.v-rollback{background:" C_THRESH "}"
	".v-inconclusive{background:#555}"
	"section.gate{border-top:3px solid #333;margin-top:1.5em}"
	"figure.chart{margin:.6em 0 1.2em;break-inside:avoid}svg{width:100%;height:auto;display:block}"
	"figcaption{font-size:13px}.key{margin-right:1.2em;white-space:nowrap}"
	".sw{display:inline-block;width:1.6em;height:.7em;margin-right:.3em;vertical-align:middle}"
	".sw.series{border-top:3px solid " C_SERIES "}.sw.base{border-top:3px solid " C_BASE "}"
	".sw.thr{border-top:2px solid " C_THRESH "}.sw.thr.go{border-top-color:" C_GOOD "}.sw.thr.dashed{border-top-style:dashed}"
	".sw.dflt{border:2px solid " C_SERIES ";width:.5em;height:.5em;border-radius:50%}"
	".sw.gap{background:#eee;border:1px solid #ccc}.sw.on.bad{background:" C_THRESH ";opacity:.55}"
	".sw.on.good{background:" C_GOOD ";opacity:.45}"
	".sw.pend{background:" C_PEND ";opacity:.8}.sw.unk{background:repeating-linear-gradient(45deg," C_UNK
	" 0 2px,#fff 2px 4px)}"
	".grid{stroke:#e4e4e4}.frame{fill:none;stroke:#888}.tick{font:11px sans-serif;fill:#333}"
	".gap{fill:#eee}.series{fill:none;stroke:" C_SERIES ";stroke-width:2}.pt{fill:" C_SERIES "}"
	".dflt{fill:#fff;stroke:" C_SERIES ";stroke-width:1.5}.base{fill:none;stroke:" C_BASE ";stroke-width:2}"
	".thr{fill:none;stroke:" C_THRESH ";stroke-width:1.5}.thr.go{stroke:" C_GOOD "}.dashed{stroke-dasharray:6 4}"
	".lanebg{fill:#f6f6f6}.on.bad{fill:" C_THRESH ";opacity:.55}.on.good{fill:" C_GOOD ";opacity:.45}"
	".pend{fill:" C_PEND ";opacity:.8}.lanel{font:10px sans-serif;fill:#000}"
	".mark{stroke:" C_MARK ";stroke-width:2}.markdot{fill:none;stroke:" C_MARK ";stroke-width:2.5}"
	".marktext{font:bold 12px sans-serif;fill:#000}"
	".whisk{stroke:#555}.box{fill-opacity:.18;stroke-width:1.5}.box.canary{fill:" C_SERIES ";stroke:" C_SERIES "}"
	".box.baseline{fill:" C_BASE ";stroke:" C_BASE "}.median{stroke:#000;stroke-width:2.5}.dot{fill-opacity:.75}"
	".dot.canary{fill:" C_SERIES "}.dot.baseline{fill:" C_BASE "}.pooled{fill:#000}"
	".sw.pooled{background:#000;width:.6em;height:.6em;transform:rotate(45deg)}"
	".why{border-left:6px solid " C_THRESH ";background:#fdf1ea;padding:.3em 1em;margin-bottom:1em}"
	".why h1{font-size:1.3em}.why pre{white-space:pre-wrap;font:13px ui-monospace,monospace;margin:.4em 0}"
	"h1 code{font-size:inherit}h2,h3,h4{break-after:avoid}"
	"@media print{@page{margin:12mm}body{margin:0;max-width:none;font-size:11pt}section.gate{break-before:page}"
	"section.gate:first-of-type{break-before:auto}.verdict{border:1px solid #000}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

static const char *
state_word(const gate_result *r, int i)
{
	return r->fired_at[i] != VM_NEVER ? "fired" : ng_state_name(vocab_state(r->state[i]));
}

/* The deciding rule's comparisons of one series: what they compared when it decided. */
static void
decided_values(FILE *out, const program *p, const gate_result *r, const report_data *rd)
{
	const prog_gate *g = &p->gates[r->gate];
	const prog_rule *dr = &p->rules[r->decided];
	bool fired = r->fired_at[r->decided - g->rule0] != VM_NEVER;

	for (int ci = dr->cmp0; ci < dr->cmp0 + dr->ncmp; ci++) {
		const prog_cmp *c = &p->cmps[ci];
		const double *o = fired ? r->fired_cmp[ci - g->cmp0] : r->cmp[ci - g->cmp0];
		char l[32], rr[32];
		if (c->quant >= 0 || c->metrics[0] < 0)
			continue;
		enum unit u = metric_unit(p, g, c->metrics[0]);
		fmt_val(l, sizeof l, o[0], u);
		fmt_val(rr, sizeof rr, o[1], u);
		fputs("<li><code>", out);
		esc(out, c->source);
		fprintf(out, "</code>: %s ", l);
		esc(out, cmpops[c->op]);
		fprintf(out, " %s, %s</li>\n", rr, ng_state_name(vocab_state(o[2])));
	}
	for (int q = 0; q < g->nquant; q++) {	/* its conditions across series: the value, the series that decided */
		const prog_quant *pq = &p->quants[g->quant0 + q];
		const quant_result *qr = decided_quant(r, g, q);
		if (pq->rule != r->decided || pq->fn > FN_FRACTION)
			continue;
		fputs("<li><code>", out);
		esc(out, pq->source);
		fprintf(out, "</code>: %s, %d of %d series true, %d unknown", pq->fn <= FN_ALL ?
			ng_state_name(vocab_state(qr->value)) : "", qr->ntrue, qr->n, qr->nunknown);
		for (int j = 0; j < qr->ntop; j++) {
			fputs(j ? ", " : "; deciding: <code>", out);
			esc(out, qr->top[j].key >= 0 ? rd->keys->text[qr->top[j].key] : "(default)");
		}
		fputs(qr->ntop ? "</code></li>\n" : "</li>\n", out);
	}
}

static void
gate_header(FILE *out, const program *p, const gate_result *r, const report_data *rd)
{
	const prog_gate *g = &p->gates[r->gate];
	const prog_rule *dr = &p->rules[r->decided];
	const char *v = ng_verdict_name(r->verdict);
	char from[40], at[40], since[40], step[32], rl[128];

	util_fmt_time(from, sizeof from, r->from);
	util_fmt_time(at, sizeof at, r->at);
	util_fmt_duration(step, sizeof step, g->step);
	fputs("<h1>Gate <code>", out);
	esc(out, g->name);
	fprintf(out, "</code>: <span class=\"verdict v-%s\">%s</span></h1>\n<table>\n", v, v);
	fputs("<tr><th>decided by</th><td>", out);
	esc(out, rule_label(dr, rl, sizeof rl));
	fputs(" when <code>", out);
	esc(out, dr->source);
	fputs("</code> (", out);
	esc(out, p->path);
	fprintf(out, " line %u)", dr->line);
	if (r->decided_since != VM_NEVER) {
		util_fmt_time(since, sizeof since, r->decided_since);
		fprintf(out, ", %s %s", dr->kind == RULE_ROLLBACK ? "fired at" : "true since", since);
	}
	fputs("<ul>\n", out);
	decided_values(out, p, r, rd);
	fputs("</ul></td></tr>\n", out);
	fprintf(out, "<tr><th>window</th><td>%s to %s UTC, %d evaluations every %s</td></tr>\n", from, at,
		r->evaluations, step);
	fprintf(out, "<tr><th>decided at</th><td>%s (the window's last evaluation)</td></tr>\n</table>\n", at);
	fputs("<h2>Rules</h2>\n<table>\n<tr><th>rule</th><th>state</th><th>condition</th><th>line</th></tr>\n", out);
	for (int i = 0; i < g->nrules; i++) {
		const prog_rule *pr = &p->rules[g->rule0 + i];
		fputs("<tr><td>", out);
		esc(out, rule_label(pr, rl, sizeof rl));
		fprintf(out, "</td><td>%s", state_word(r, i));
		if (r->fired_at[i] != VM_NEVER) {
			util_fmt_time(since, sizeof since, r->fired_at[i]);
			fprintf(out, " at %s", since);
		}
		fputs("</td><td><code>", out);
		esc(out, pr->source);
		fprintf(out, "</code></td><td>%u</td></tr>\n", pr->line);
	}
	fputs("</table>\n", out);
}

/* A member to order by its labels' text, whatever order the source gave them in. */
typedef struct by_member {
	const char *labels;
	int key;
} by_member;

static int
by_labels(const void *a, const void *b)
{
	return strcmp(((const by_member *)a)->labels, ((const by_member *)b)->labels);
}

/*
 * A metric with `by`: the identities to draw, the deciding series first,
 * then the others by their labels; *total counts the series that had a
 * sample (a live query of none leaves an empty member behind).
 */
static int
by_order(const program *p, const gate_result *r, const report_data *rd, int m, int *keys, int max, int *total)
{
	const prog_gate *g = &p->gates[r->gate];
	const population *P = &rd->pops[SERIES_OF(m, false)];
	int n = 0, nm = 0;
	by_member *ms = xmalloc(((size_t)P->n + 1) * sizeof *ms);

	for (int i = 0; i < P->n; i++)
		if (P->m[i].s.count > 0)
			ms[nm++] = (by_member){ P->m[i].labels, P->m[i].key };
	qsort(ms, (size_t)nm, sizeof *ms, by_labels);
	for (int q = 0; q < g->nquant; q++) {	/* the deciding rule's quantifiers' series first */
		const quant_result *qr = decided_quant(r, g, q);
		if (p->quants[g->quant0 + q].rule != r->decided)
			continue;
		for (int j = 0; j < qr->ntop && n < max; j++) {
			int mi = qr->top[j].key < 0 ? -1 : pop_find(P, qr->top[j].key);
			bool dup = mi < 0 || P->m[mi].s.count == 0;
			for (int i = 0; i < n && !dup; i++)
				dup = keys[i] == qr->top[j].key;
			if (!dup)
				keys[n++] = qr->top[j].key;
		}
	}
	for (int i = 0; i < nm && n < max; i++) {
		bool dup = false;
		for (int j = 0; j < n && !dup; j++)
			dup = keys[j] == ms[i].key;
		if (!dup)
			keys[n++] = ms[i].key;
	}
	*total = nm;
	free(ms);
	return n;
}

static void
gate_section(FILE *out, const program *p, const gate_result *r, const report_data *rd, int *id)
{
	const prog_gate *g = &p->gates[r->gate];
	trace tr;
	bool *used = xcalloc((size_t)p->nmetrics + 1, sizeof *used);

	run_trace(p, r, rd->pops, &tr);
	fputs("<section class=\"gate\">\n", out);
	gate_header(out, p, r, rd);
	fputs("<h2>Metrics</h2>\n<p>Each chart shows a metric at every evaluation step as the rules read it "
	      "(the latest sample within the lookback); time in UTC.</p>\n", out);
	for (int i = g->read0; i < g->read0 + g->nread; i++)
		used[SERIES_METRIC(p->reads[i].series)] = true;
	for (int m = 0; m < p->nmetrics; m++) {
		const prog_metric *pm = &p->metrics[m];
		if (!used[m])
			continue;
		fputs("<h3><code>", out);
		esc(out, pm->name);
		fputs("</code></h3>\n", out);
		if (rd->absent[SERIES_OF(m, false)]) {
			fputs("<p>", out);
			esc(out, rd->absent[SERIES_OF(m, false)]);
			fputs("</p>\n", out);
		}
		if (!pm->by) {
			char label[160];
			snprintf(label, sizeof label, "%s", pm->name);
			write_chart(out, p, r, &tr, rd, m, VM_NOKEY, label, (*id)++);
			continue;
		}
		int keys[MAX_SERIES], total, n = by_order(p, r, rd, m, keys, MAX_SERIES, &total);
		if (!n)
			fputs("<p>No series in the window.</p>\n", out);
		else
			fprintf(out, "<p>%d series, a chart each%s.</p>\n", total,
				n < total ? ", the first of them" : "");
		for (int i = 0; i < n; i++) {
			char label[512];
			snprintf(label, sizeof label, "%s%s", pm->name, rd->keys->text[keys[i]]);
			fputs("<h4><code>", out);
			esc(out, label);
			fputs("</code></h4>\n", out);
			write_chart(out, p, r, &tr, rd, m, keys[i], label, (*id)++);
		}
	}
	int ndist = 0;
	for (int h = 0; h < g->nhist; h++)
		ndist += tr.dist[h].at != VM_NEVER;
	if (ndist)
		fputs("<h2>Canary against baseline</h2>\n<p>Each test's two samples, side by side on one axis: "
		      "the values of the steps of its range when it was reported.</p>\n", out);
	for (int h = 0; h < g->nhist; h++)
		if (tr.dist[h].at != VM_NEVER)
			write_dist(out, p, r, &tr, rd, h, (*id)++);
	fputs("</section>\n", out);
	trace_free(&tr);
	free(used);
}

void
report_html(const program *p, const gate_result *results, int n, const report_data *rd, const char *title,
	    const char *note, FILE *out)
{
	int id = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
	if (title) {	/* first: a tab or a list of pages tells them apart by it */
		esc(out, title);
		fputs(" &mdash; ", out);
	}
	fputs("novagate: ", out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		esc(out, p->gates[results[i].gate].name);
		fprintf(out, " %s", ng_verdict_name(results[i].verdict));
	}
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	if (title || note) {	/* why the page was written (a failed test): set apart from the gates' pages */
		fputs("<header class=\"why\">", out);
		if (title) {
			fputs("<h1>", out);
			esc(out, title);
			fputs("</h1>\n", out);
		}
		if (note) {
			fputs("<pre>", out);
			esc(out, note);
			fputs("</pre>\n", out);
		}
		fputs("</header>\n", out);
	}
	fputs("<p>novagate report of <code>", out);
	esc(out, p->path);
	fputs("</code></p>\n", out);
	for (int i = 0; i < n; i++)
		gate_section(out, p, &results[i], rd, &id);
	fputs("</body>\n</html>\n", out);
}
