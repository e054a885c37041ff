/*
 * vm.c: the interpreter.  A stack machine over doubles where a truth value
 * is 1, 0 or NaN (unknown); the opcodes are documented in opcodes.def.
 */
#include "vm.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
vm_init(vm *v, const program *p, int gate, const population *pops)
{
	const prog_gate *g = &p->gates[gate];

	*v = (vm){ .p = p, .g = g, .pops = pops, .key = VM_NOKEY, .cur_s = -1 };
	v->present = xcalloc(2 * (size_t)p->nmetrics + 1, sizeof *v->present);
	for (int s = 0; s < 2 * p->nmetrics; s++)
		v->present[s].t = VM_NEVER;
	v->fors = xmalloc((size_t)g->nfor * sizeof *v->fors);
	v->keyed = xcalloc((size_t)g->nfor, sizeof *v->keyed);
	v->rule = xmalloc((size_t)g->nrules * sizeof *v->rule);
	v->cmp = xmalloc((size_t)g->ncmp * sizeof *v->cmp);
	v->q = xcalloc((size_t)g->nquant, sizeof *v->q);
	v->h = xcalloc((size_t)g->nhist + 1, sizeof *v->h);
	v->floor = xmalloc(((size_t)p->nmetrics + 1) * sizeof *v->floor);
	v->held = xcalloc((size_t)p->nmetrics + 1, sizeof *v->held);
	v->stack = xmalloc((size_t)(g->stack + 1) * sizeof *v->stack);	/* test_vm.c: the spare stays unused */
	vm_reset(v);
}

void
vm_free(vm *v)
{
	for (int i = 0; i < v->g->nfor; i++)
		free(v->keyed[i].f);
	for (int i = 0; i < v->g->nquant; i++) {
		free(v->q[i].keys);
		free(v->q[i].at);
		free(v->q[i].val);
		free(v->q[i].cmp);
		free(v->q[i].cmpi);
		free(v->q[i].since);
	}
	for (int s = 0; s < 2 * v->p->nmetrics; s++) {
		free(v->present[s].keys);
		free(v->present[s].at);
	}
	for (int i = 0; i < v->g->nhist; i++) {
		hist_ring_free(&v->h[i].one);
		for (int k = 0; k < v->h[i].nkeyed; k++)
			hist_ring_free(&v->h[i].keyed[k]);
		free(v->h[i].keyed);
	}
	free(v->h);
	hist_work_free(&v->work);
	free(v->floor);
	for (int m = 0; m < v->p->nmetrics; m++)
		free(v->held[m].keyed);
	free(v->held);
	free(v->present);
	free(v->fors);
	free(v->keyed);
	free(v->rule);
	free(v->cmp);
	free(v->q);
	free(v->mark);
	free(v->stack);
}

static const vm_for fresh = { VM_NEVER, VM_NEVER, VM_NEVER, VM_NEVER };

void
vm_reset(vm *v)
{
	for (int i = 0; i < v->g->nfor; i++) {
		v->fors[i] = fresh;
		for (int k = 0; k < v->keyed[i].n; k++)
			v->keyed[i].f[k] = fresh;
	}
	for (int i = 0; i < v->g->nrules; i++)
		v->rule[i] = NAN;
	for (int i = 0; i < v->g->ncmp; i++)
		v->cmp[i][0] = v->cmp[i][1] = v->cmp[i][2] = NAN;
	for (int i = 0; i < v->g->nhist; i++) {	/* histories start empty, and their memory is kept */
		vm_hist *h = &v->h[i];
		h->one = (hist_ring){ .v = h->one.v, .last = VM_NEVER };
		for (int k = 0; k < h->nkeyed; k++)
			h->keyed[k] = (hist_ring){ .v = h->keyed[k].v, .last = VM_NEVER };
	}
	for (int m = 0; m < v->p->nmetrics; m++) {
		v->floor[m] = NAN;
		v->held[m].one = VM_NEVER;
		for (int k = 0; k < v->held[m].nkeyed; k++)
			v->held[m].keyed[k] = VM_NEVER;
	}
	v->t0 = VM_NEVER;
}

/*
 * What a metric without samples (or a series of one without) reads:
 * nothing; and a metric with `by` outside a quantifier, which sema
 * refuses: nothing either, and never its default.
 */
static const series none, outside;

/* The series LOAD and the window functions read for s: the current series' in a quantifier. */
static const series *
member(const program *p, const population *pops, int s, int key)
{
	bool by = p->metrics[SERIES_METRIC(s)].by != NULL;
	const series *x = pop_series(&pops[s], by, SERIES_IS_BASELINE(s), key);

	return x ? x : by && key == VM_NOKEY ? &outside : &none;
}

/*
 * A metric with `default` takes it at t when its series has no sample at
 * or before t (an error counter that does not exist until the first
 * error; with `by`, the series of an identity that another metric has),
 * and so does its baseline, a query of the same kind (the stable
 * version's errors, before its first): what later samples say does not
 * change an earlier step.  A series that had samples and lost them stays
 * unknown: a failing scrape must not read as a healthy 0.  Nor does one
 * whose selectors the server says match nothing (a typo): nodefault.
 */
static bool
default_stands(const program *p, const population *pops, int s, int64_t count, int64_t first, int64_t t)
{
	return p->metrics[SERIES_METRIC(s)].has_default && (count == 0 || first > t) &&
	       !pops[s].nodefault;
}

/* ... for the series x of s. */
static bool
defaulted(const program *p, const population *pops, int s, const series *x, int64_t t)
{
	return x != &outside && default_stands(p, pops, s, x->count, x->first, t);
}

static double
level(const program *p, const population *pops, int s, const series *x, int64_t t, double v)
{
	return defaulted(p, pops, s, x, t) ? p->metrics[SERIES_METRIC(s)].dflt : v;
}

/* A constant series does not change: its delta, rate and increase are 0. */
static double
change(const program *p, const population *pops, int s, const series *x, int64_t t, double v)
{
	return defaulted(p, pops, s, x, t) ? 0 : v;
}

static double
truth(bool b)
{
	return b ? 1 : 0;
}

bool
vm_load(const program *p, const population *pops, int s, int key, int64_t t, int64_t lookback, double *v,
	const sample **x)
{
	const series *m = member(p, pops, s, key);

	*x = series_at(m, t, lookback);
	*v = level(p, pops, s, m, t, *x ? (*x)->v : NAN);
	return *x || defaulted(p, pops, s, m, t);
}

double
vm_compare(int op, double x, double y)
{
	if (isnan(x) || isnan(y))
		return NAN;
	switch (op) {
	case OP_LT: return truth(x < y);
	case OP_LE: return truth(x <= y);
	case OP_GT: return truth(x > y);
	case OP_GE: return truth(x >= y);
	case OP_EQ: return truth(x == y);
	case OP_NE: return truth(x != y);
	default: return NAN;	/* not a comparison */
	}
}

double
vm_across(int fn, const vm_quant *q)
{
	int n = q->ntrue + q->nfalse + q->nunknown;

	if (fn == FN_PRESENT)
		return q->nacc;
	if (q->nkeys == 0)
		return NAN;	/* no series: nothing can be told of them */
	switch (fn) {
	case FN_ANY: return q->ntrue ? 1 : q->nunknown ? NAN : 0;
	case FN_ALL: return q->nfalse ? 0 : q->nunknown ? NAN : 1;
	case FN_COUNT: return q->nunknown ? NAN : q->ntrue;
	case FN_FRACTION: return q->nunknown ? NAN : (double)q->ntrue / n;
	case FN_SAVG: return q->nan ? NAN : q->acc / q->nacc;
	default: return q->nan ? NAN : q->acc;	/* min, max, sum */
	}
}

/*
 * A comparison with count(C), fraction(C) or times(C) whose unknown
 * series or steps make it a range: ntrue true of n, nunknown unknown (on
 * the left when left).  Known when every value in the range gives the
 * same answer.
 */
static double
compare_range(int op, int ntrue, int nunknown, int n, bool fraction, bool left, double other)
{
	double lo = ntrue, hi = ntrue + nunknown;

	if (fraction)
		lo /= n, hi /= n;
	if (isnan(other) || n == 0)
		return NAN;
	if (op == OP_EQ || op == OP_NE) {	/* open only if some count the range allows is other */
		double k = fraction ? round(other * n) : other;
		bool may = k == floor(k) && k >= ntrue && k <= ntrue + nunknown && (fraction ? k / n == other : true);
		return may ? NAN : truth(op == OP_NE);
	}
	double a = left ? vm_compare(op, lo, other) : vm_compare(op, other, lo);
	double b = left ? vm_compare(op, hi, other) : vm_compare(op, other, hi);
	return a == b ? a : NAN;	/* <, <=, >, >= are monotonic: the ends tell */
}

/* The range operand of a comparison (its QARG b, program.h), compared with other. */
static double
compare_qarg(const vm *v, int op, int64_t b, double other)
{
	int64_t qa = (b > 0 ? b : -b) - 1;

	if (qa >= QARG_HIST) {
		const hist_stat *st = &v->h[qa - QARG_HIST - v->g->hist0].st;
		return compare_range(op, (int)st->ntrue, (int)st->nunknown, (int)st->steps, false, b > 0, other);
	}
	const vm_quant *q = &v->q[qa - v->g->quant0];
	return compare_range(op, q->ntrue, q->nunknown, q->ntrue + q->nfalse + q->nunknown,
			     v->p->quants[qa].fn == FN_FRACTION, b > 0, other);
}

/*
 * Whether t is a step the tests of h test at: the window's last, and each
 * a whole range before it, so that their ranges do not overlap.
 */
static bool
at_test(const vm *v, const prog_hist *h, int64_t t)
{
	int64_t last = v->t0 + v->g->window;	/* eval.c runs the window's steps from t0 */

	return h->steps && (last - t) / v->g->step % h->steps == 0;
}

/* A per-series array a of *n elements grown to hold index k, its new elements copies of init. */
static void *
grow_keyed(void *a, int *n, int k, size_t size, const void *init)
{
	int old = *n;

	a = util_grow_to(a, n, k, size, 16);
	for (int j = old; j < *n; j++)
		memcpy((char *)a + (size_t)j * size, init, size);
	return a;
}

/* The ring of history h for the current series. */
static hist_ring *
ring(vm *v, vm_hist *h)
{
	static const hist_ring empty = { .last = VM_NEVER };

	if (v->key == VM_NOKEY)
		return &h->one;
	int k = v->key + 1;
	if (k >= h->nkeyed)
		h->keyed = grow_keyed(h->keyed, &h->nkeyed, k, sizeof *h->keyed, &empty);
	return &h->keyed[k];
}

void
vm_hist_stat(vm *v, int h, int key, hist_stat *st)
{
	vm_hist *vh = &v->h[h];
	int k = key + 1;
	const hist_ring *r = key == VM_NOKEY ? &vh->one : k < vh->nkeyed ? &vh->keyed[k] : NULL;
	hist_ring empty = { .last = VM_NEVER };

	hist_stat_of(&v->p->hists[v->g->hist0 + h], r ? r : &empty, at_test(v, &v->p->hists[v->g->hist0 + h], v->t),
		     &v->work, st);
}

static void
grow_quant(vm_quant *q, int n)
{
	if (n <= q->cap)
		return;
	while (q->cap < n)
		q->cap = q->cap ? 2 * q->cap : 16;
	q->keys = xrealloc(q->keys, (size_t)q->cap * sizeof *q->keys);
	q->at = xrealloc(q->at, (size_t)q->cap * sizeof *q->at);
	q->val = xrealloc(q->val, (size_t)q->cap * sizeof *q->val);
	q->cmp = xrealloc(q->cmp, (size_t)q->cap * sizeof *q->cmp);
	q->cmpi = xrealloc(q->cmpi, (size_t)q->cap * sizeof *q->cmpi);
	q->since = xrealloc(q->since, (size_t)q->cap * sizeof *q->since);
}

/*
 * The series of population s present at t: a sample in the lookback, or
 * any in (t - reach, t] (reach 0: none), as a range vector selects them.
 */
static const vm_present *
present(vm *v, int s, int64_t t, int64_t reach)
{
	vm_present *pr = &v->present[s];
	const population *P = &v->pops[s];

	if (pr->t == t && pr->reach == reach)
		return pr;
	if (P->n > pr->cap) {
		pr->cap = P->n;
		pr->keys = xrealloc(pr->keys, (size_t)pr->cap * sizeof *pr->keys);
		pr->at = xrealloc(pr->at, (size_t)pr->cap * sizeof *pr->at);
	}
	pr->n = 0;
	for (int j = 0; j < P->n; j++) {
		const sample *x = series_at(&P->m[j].s, t, v->g->lookback);
		if (x || (reach && series_count(&P->m[j].s, t, reach))) {
			pr->keys[pr->n] = P->m[j].key;
			pr->at[pr->n++] = x;
		}
	}
	pr->t = t;
	pr->reach = reach;
	return pr;
}

/*
 * How far back driver d of pq finds its series at t: the range of a
 * window function reading it; of one over the last steps, the series
 * present at a step of its range since the window began.
 */
static int64_t
driver_reach(const vm *v, const prog_quant *pq, int d, int64_t t)
{
	int64_t r = pq->reach[d], h = pq->hreach[d];

	if (h) {
		int64_t since = t - v->t0;
		h = (h < since ? h : since) + v->g->lookback;
	}
	return r > h ? r : h;
}

/*
 * The identities a quantifier ranges over at t: those with a series
 * present in a metric it reads, or in the range it reads one through
 * (driver_reach), each once.  None at all, and a metric of them with a
 * default and no sample yet: the default stands for one series (not for
 * count(M), which counts the present).
 */
static void
universe(vm *v, const prog_quant *pq, vm_quant *q, int64_t t)
{
	bool dflt = false;

	q->nkeys = 0;
	if (++v->pass == 0) {	/* wrapped: no mark may look current */
		memset(v->mark, 0, (size_t)v->nmark * sizeof *v->mark);
		v->pass = 1;
	}
	for (int d = 0; d < pq->ndrivers; d++) {
		int s = pq->drivers[d];
		const vm_present *pr = present(v, s, t, driver_reach(v, pq, d, t));
		grow_quant(q, q->nkeys + pr->n);
		if (pq->ndrivers == 1) {	/* the common case: each identity once already */
			if (pr->n) {
				memcpy(q->keys, pr->keys, (size_t)pr->n * sizeof *q->keys);
				memcpy(q->at, pr->at, (size_t)pr->n * sizeof *q->at);
			}
			q->nkeys = pr->n;
		} else {	/* several metrics: each identity once */
			for (int j = 0; j < pr->n; j++) {
				int k = pr->keys[j];
				v->mark = util_grow_to(v->mark, &v->nmark, k, sizeof *v->mark, 64);
				if (v->mark[k] == v->pass)
					continue;
				v->mark[k] = v->pass;
				q->at[q->nkeys] = NULL;
				q->keys[q->nkeys++] = k;
			}
		}
		dflt |= default_stands(v->p, v->pops, s, v->pops[s].count, v->pops[s].first, t);
	}
	if (q->nkeys == 0 && dflt && pq->fn != FN_PRESENT) {
		grow_quant(q, 1);
		q->at[q->nkeys] = NULL;
		q->keys[q->nkeys++] = VM_VIRTUAL;
	}
	q->i = q->ntrue = q->nfalse = q->nunknown = q->nacc = 0;
	q->acc = 0;
	q->nan = false;
	v->cur_s = pq->ndrivers == 1 ? pq->drivers[0] : -1;
}

/* The value c of the quantifier's current series, counted and kept for the report. */
static void
tally(const vm *v, const prog_quant *pq, vm_quant *q, double c)
{
	const prog_gate *g = v->g;
	int i = q->i;

	/*
	 * The comparison that decided the series: the first with the body's
	 * value (a false one of &&), else the first.  Not a floor's, which gates
	 * the values, nor one in times()'s operand, which is counted.
	 */
	int at = -1, first = -1;
	for (int j = 0; j < pq->ncmp && at < 0; j++) {
		double cv = v->cmp[pq->cmp0 - g->cmp0 + j][2];
		if (v->p->cmps[pq->cmp0 + j].floor >= 0 || v->p->cmps[pq->cmp0 + j].inner)
			continue;
		if (first < 0)
			first = j;
		if (cv == c || (isnan(cv) && isnan(c)))
			at = j;
	}
	if (at < 0)
		at = first;	/* -1: none decides, as in any(times(x > 1, 5m) >= 3) of no comparison of its own */
	q->val[i] = c;
	q->cmpi[i] = at;
	q->cmp[i][0] = at >= 0 ? v->cmp[pq->cmp0 - g->cmp0 + at][0] : NAN;
	q->cmp[i][1] = at >= 0 ? v->cmp[pq->cmp0 - g->cmp0 + at][1] : NAN;
	q->since[i] = VM_NEVER;
	if (pq->nfor) {
		const vm_keyed *kf = &v->keyed[pq->for0 - g->for0];
		int k = q->keys[i] + 1;
		if (k < kf->n)
			q->since[i] = kf->f[k].since;
	}
	switch (pq->fn) {
	case FN_ANY: case FN_ALL: case FN_COUNT: case FN_FRACTION:
		if (c == 1)
			q->ntrue++;
		else if (c == 0)
			q->nfalse++;
		else
			q->nunknown++;
		return;
	case FN_PRESENT:
		q->nacc++;
		return;
	default:
		if (isnan(c)) {
			q->nan = true;
			return;
		}
		if (q->nacc == 0 || pq->fn == FN_SSUM || pq->fn == FN_SAVG)
			q->acc = q->nacc == 0 ? c : q->acc + c;
		else if (pq->fn == FN_SMIN ? c < q->acc : c > q->acc)
			q->acc = c;
		q->nacc++;
	}
}

/* The timer of `for` slot i for the current series. */
static vm_for *
timer(vm *v, int i)
{
	if (v->key == VM_NOKEY)
		return &v->fors[i];
	vm_keyed *kf = &v->keyed[i];
	int k = v->key + 1;
	if (k >= kf->n)
		kf->f = grow_keyed(kf->f, &kf->n, k, sizeof *kf->f, &fresh);
	return &kf->f[k];
}

/* Where the floor of metric m last did not hold, for the current series. */
static int64_t *
unheld(vm *v, int m)
{
	static const int64_t never = VM_NEVER;
	vm_floors *f = &v->held[m];

	if (v->key == VM_NOKEY || !v->p->metrics[m].floor_set)	/* of one series: the gate's, before its rules */
		return &f->one;
	int k = v->key + 1;
	if (k >= f->nkeyed)
		f->keyed = grow_keyed(f->keyed, &f->nkeyed, k, sizeof *f->keyed, &never);
	return &f->keyed[k];
}

#define vmdispatch(o)	switch (o)
#define vmcase(l)	case l:
#define vmbreak		break

/*
 * One evaluation of a gate's code at t.  Longer than a screen on purpose:
 * one case an opcode in one switch, as Lua's luaV_execute, so that the
 * stack pointer stays in a register and every opcode is read in one place.
 */
void
vm_step(vm *v, int64_t t)
{
	const program *p = v->p;
	const prog_gate *g = v->g;
	const insn *in = &p->code[g->code];
	const population *ps = v->pops;
	double *sp = v->stack - 1;	/* points at the top */

	if (v->t0 == VM_NEVER)
		v->t0 = t;
	v->t = t;

	for (;; in++) {
		vmdispatch(in->op) {
		vmcase(OP_CONST) {
			*++sp = p->k[in->a];
			vmbreak;
		}
		vmcase(OP_LOAD) {
			const sample *x;
			if (in->a == v->cur_s && v->cur_at)	/* what the quantifier found: present, no default */
				*++sp = v->cur_at->v;
			else
				vm_load(p, ps, in->a, v->key, t, g->lookback, ++sp, &x);
			vmbreak;
		}
		vmcase(OP_AVG) {
			const series *x = member(p, ps, in->a, v->key);
			*++sp = level(p, ps, in->a, x, t, series_avg(x, t, in->b));
			vmbreak;
		}
		vmcase(OP_MIN) {
			const series *x = member(p, ps, in->a, v->key);
			*++sp = level(p, ps, in->a, x, t, series_min(x, t, in->b));
			vmbreak;
		}
		vmcase(OP_MAX) {
			const series *x = member(p, ps, in->a, v->key);
			*++sp = level(p, ps, in->a, x, t, series_max(x, t, in->b));
			vmbreak;
		}
		vmcase(OP_DELTA) {
			const series *x = member(p, ps, in->a, v->key);
			*++sp = change(p, ps, in->a, x, t, series_delta(x, t, in->b));
			vmbreak;
		}
		vmcase(OP_RATE) {
			const series *x = member(p, ps, in->a, v->key);
			*++sp = change(p, ps, in->a, x, t, series_rate(x, t, in->b));
			vmbreak;
		}
		vmcase(OP_INCREASE) {
			const series *x = member(p, ps, in->a, v->key);
			*++sp = change(p, ps, in->a, x, t, series_increase(x, t, in->b));
			vmbreak;
		}
		vmcase(OP_QUANTILE) {
			const series *x = member(p, ps, in->a, v->key);
			*sp = level(p, ps, in->a, x, t, series_quantile(x, *sp, t, in->b));
			vmbreak;
		}
		vmcase(OP_NEG) {
			*sp = -*sp;
			vmbreak;
		}
		vmcase(OP_ADD) {
			sp--;
			sp[0] += sp[1];
			vmbreak;
		}
		vmcase(OP_SUB) {
			sp--;
			sp[0] -= sp[1];
			vmbreak;
		}
		vmcase(OP_MUL) {
			sp--;
			sp[0] *= sp[1];
			vmbreak;
		}
		vmcase(OP_DIV) {
			sp--;
			sp[0] /= sp[1];	/* x/0 is ±Inf or NaN, as in PromQL */
			vmbreak;
		}
		vmcase(OP_LT) vmcase(OP_LE) vmcase(OP_GT) vmcase(OP_GE) vmcase(OP_EQ) vmcase(OP_NE) {
			double y = *sp--, x = *sp;
			v->cmp[in->a - g->cmp0][0] = x;
			v->cmp[in->a - g->cmp0][1] = y;
			if (in->b && (in->b > 0 ? isnan(x) : isnan(y)))	/* count(C) with unknown series */
				*sp = compare_qarg(v, in->op, in->b, in->b > 0 ? y : x);
			else
				*sp = vm_compare(in->op, x, y);
			v->cmp[in->a - g->cmp0][2] = *sp;
			vmbreak;
		}
		vmcase(OP_AND) {
			double y = *sp--, x = *sp;
			*sp = x == 0 || y == 0 ? 0 : isnan(x) || isnan(y) ? NAN : 1;
			vmbreak;
		}
		vmcase(OP_OR) {
			double y = *sp--, x = *sp;
			*sp = x == 1 || y == 1 ? 1 : isnan(x) || isnan(y) ? NAN : 0;
			vmbreak;
		}
		vmcase(OP_NOT) {
			*sp = isnan(*sp) ? NAN : truth(*sp == 0);
			vmbreak;
		}
		vmcase(OP_MWU) vmcase(OP_SHIFT) vmcase(OP_RATIOTEST) vmcase(OP_BURN) vmcase(OP_TIMES) {
			const prog_hist *ph = &p->hists[in->a];
			vm_hist *h = &v->h[in->a - g->hist0];
			hist_ring *r = ring(v, h);
			sp -= ph->lanes - 1;	/* its lanes in, its value out */
			if (r->last == t)	/* its second use in the rule (compile.c): the same values, the same value */
				*sp = h->st.value;
			else
				*sp = hist_add(ph, r, g->step, v->t0, t, at_test(v, ph, t), sp, &v->work, &h->st);
			vmbreak;
		}
		vmcase(OP_FLOOR) {
			v->floor[in->a] = *sp--;
			if (v->floor[in->a] != 1)
				*unheld(v, in->a) = t;
			vmbreak;
		}
		vmcase(OP_FLOORED) {
			/*
			 * Too little traffic now, or at a step of the range (t - b, t]: the
			 * earliest is t - (b - 1) / step steps back, not known before t0.
			 */
			int64_t bad = in->b ? *unheld(v, in->a) : VM_NEVER;
			if (v->floor[in->a] != 1 ||
			    (in->b && (t - (in->b - 1) / g->step * g->step < v->t0 || (bad != VM_NEVER && bad > t - in->b))))
				*sp = NAN;
			vmbreak;
		}
		vmcase(OP_FOR) {
			/* Prometheus' `for:`: pending from the first true step, firing b ms later */
			vm_for *f = timer(v, in->a - g->for0);
			double c = *sp;
			if (f->seen != VM_NEVER && f->seen < t - g->step) {
				f->since = VM_NEVER;	/* the series was gone: its alert went with it */
				f->last_unknown = t - g->step;
			}
			f->seen = t;
			if (c == 1 && f->since == VM_NEVER)
				f->since = t;
			else if (c != 1)
				f->since = VM_NEVER;	/* false or unknown resets it */
			if (c == 0)
				f->last_false = t;
			else if (isnan(c))
				f->last_unknown = t;
			if (c == 1 && t - f->since >= in->b)
				*sp = 1;
			else	/* not (yet) held: false only if seen false where a run that holds must start */
				*sp = f->last_false != VM_NEVER && t - f->last_false < in->b + g->step ? 0 : NAN;
			vmbreak;
		}
		vmcase(OP_EACH) {
			const prog_quant *pq = &p->quants[in->a];
			vm_quant *q = &v->q[in->a - g->quant0];
			universe(v, pq, q, t);
			if (q->nkeys == 0) {	/* no body to run */
				v->cur_s = -1;
				*++sp = vm_across(pq->fn, q);
				in = &p->code[pq->qend];
				vmbreak;
			}
			v->key = q->keys[0];
			v->cur_at = q->at[0];
			vmbreak;
		}
		vmcase(OP_QEND) {
			const prog_quant *pq = &p->quants[in->a];
			vm_quant *q = &v->q[in->a - g->quant0];
			tally(v, pq, q, *sp--);
			if (++q->i < q->nkeys) {
				v->key = q->keys[q->i];
				v->cur_at = q->at[q->i];
				in = &p->code[pq->each];	/* the body again, for the next series */
				vmbreak;
			}
			v->key = VM_NOKEY;
			v->cur_s = -1;
			*++sp = vm_across(pq->fn, q);
			vmbreak;
		}
		vmcase(OP_RULE) {
			v->rule[in->a - g->rule0] = *sp--;
			vmbreak;
		}
		vmcase(OP_HALT) {
			return;
		}
		}
	}
}
