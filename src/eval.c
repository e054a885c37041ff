/* eval.c: the evaluation loop over a gate's window, and the verdict. */
#include "eval.h"
#include "util.h"
#include "vocab.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The operands of a rollback rule's comparisons at the step it fired: what made it fire. */
static void
fired_values(const program *p, const prog_gate *g, const vm *v, int rule, gate_result *r)
{
	const prog_rule *pr = &p->rules[rule];

	for (int i = pr->cmp0 - g->cmp0; i < pr->cmp0 - g->cmp0 + pr->ncmp; i++) {
		r->fired_cmp[i][0] = v->cmp[i][0];
		r->fired_cmp[i][1] = v->cmp[i][1];
		r->fired_cmp[i][2] = v->cmp[i][2];
	}
}

/* Rule ri at step t, for the report's spans. */
static unsigned char
step_state(const program *p, const prog_gate *g, const vm *v, int ri, int64_t t)
{
	const prog_rule *rule = &p->rules[ri];
	double s = v->rule[ri - g->rule0];

	if (s == 1)
		return STEP_TRUE;
	for (int k = rule->for0 - g->for0; k < rule->for0 - g->for0 + rule->nfor; k++)
		if (p->fors[g->for0 + k].quant < 0 && v->fors[k].seen == t && v->fors[k].since != VM_NEVER)
			return STEP_PENDING;
	return isnan(s) ? STEP_UNKNOWN : STEP_FALSE;
}

static void take_quant(const program *p, const prog_gate *g, int qi, vm *v, const keyset *keys, int64_t t,
		       int ntop, quant_result *qr);

/* What made rollback rule `rule` fire at t: its comparisons, histories and quantifiers then. */
static void
fired_state(const program *p, const prog_gate *g, vm *v, int rule, const keyset *keys, int64_t t, int ntop,
	    gate_result *r)
{
	fired_values(p, g, v, rule, r);
	for (int h = 0; h < g->nhist; h++)
		if (p->hists[g->hist0 + h].rule == rule && p->hists[g->hist0 + h].quant < 0)
			vm_hist_stat(v, h, VM_NOKEY, &r->fired_hists[h]);
	for (int q = 0; q < g->nquant; q++)
		if (p->quants[g->quant0 + q].rule == rule)
			take_quant(p, g, q, v, keys, t, ntop, &r->fired_quants[q]);
}

/*
 * How far series i of a quantifier is into its body's first comparison
 * holding: > 0 true by that much, < 0 false by that much (NaN unknown).
 */
static double
margin(const program *p, const prog_quant *pq, const vm_quant *q, int i)
{
	double x = q->cmp[i][0], y = q->cmp[i][1];

	if (q->cmpi[i] < 0)
		return NAN;
	switch (p->cmps[pq->cmp0 + q->cmpi[i]].op) {
	case OP_GT: case OP_GE: return x - y;
	case OP_LT: case OP_LE: return y - x;
	case OP_EQ: return -fabs(x - y);
	default: return fabs(x - y);
	}
}

typedef struct ranked {
	int i;
	double m;
	const char *id;		/* the identity's text: ties in its order, whatever order the series came in */
} ranked;

int
eval_rank_desc(double x, const char *xid, double y, const char *yid)
{
	if (isnan(x) != isnan(y))
		return isnan(x) - isnan(y);	/* NaN last */
	if (!isnan(x) && x != y)
		return (x < y) - (x > y);
	return strcmp(xid, yid);
}

static int
by_margin_desc(const void *a, const void *b)
{
	const ranked *ra = a, *rb = b;

	return eval_rank_desc(ra->m, ra->id, rb->m, rb->id);
}

/*
 * The series that decided a quantifier, worst first: of a true any(),
 * count() or fraction(), the true ones, most true first; of a false
 * all(), the false ones, most false first; of a true all() or a false
 * any(), every series, nearest to changing it first; of an unknown one,
 * the unknown series (for count() and fraction(), after the true ones);
 * of count() or fraction() compared with a number, the true ones when
 * they decided it and the false ones when they did (count(C) >= 5 false:
 * those that were not C).  Reducers: the series by value, the largest first
 * for max(), avg() and sum(), the smallest for min().  count(M): none.
 */
/*
 * Of count(C) or fraction(C) compared with a number: whether the true
 * series decided (the comparison holds and wants many, or fails and wants
 * few), else the false ones did.  Not compared so: the true ones.
 */
static bool
true_ones_decide(const program *p, const prog_gate *g, const prog_quant *pq, const vm *v)
{
	if (pq->outer < 0)
		return true;
	const prog_cmp *c = &p->cmps[pq->outer];
	double holds = v->cmp[pq->outer - g->cmp0][2];
	bool more = c->op == OP_GT || c->op == OP_GE;	/* count(C) > N: more true ones make it hold */
	if (c->op != OP_GT && c->op != OP_GE && c->op != OP_LT && c->op != OP_LE)
		return true;
	if (!pq->outer_left)
		more = !more;
	return isnan(holds) || (holds == 1) == more;
}

static void
quant_result_clear(quant_result *qr)
{
	for (int j = 0; qr->top && j < qr->ntop; j++)
		free(qr->top[j].hists);
	free(qr->top);
	qr->top = NULL;
}

static void
take_quant(const program *p, const prog_gate *g, int qi, vm *v, const keyset *keys, int64_t t, int ntop,
	   quant_result *qr)
{
	const prog_quant *pq = &p->quants[g->quant0 + qi];
	const vm_quant *q = &v->q[qi];
	double value = vm_across(pq->fn, q);
	bool cond = pq->fn <= FN_FRACTION;
	bool trues = true_ones_decide(p, g, pq, v);
	ranked *rk = xmalloc(((size_t)q->nkeys + 1) * sizeof *rk);
	int n = 0;

	quant_result_clear(qr);
	*qr = (quant_result){ .value = value, .n = q->nkeys, .ntrue = q->ntrue, .nfalse = q->nfalse,
			      .nunknown = q->nunknown, .at = t };
	for (int i = 0; i < q->nkeys; i++) {
		double c = q->val[i], m = margin(p, pq, q, i);
		bool in;
		if (pq->fn == FN_PRESENT)
			in = false;	/* a count of the present: none decides more than another */
		else if (!cond)
			in = true, m = pq->fn == FN_SMIN ? -c : c;
		else if (isnan(value) && (pq->fn == FN_COUNT || pq->fn == FN_FRACTION))
			in = c == 1 || isnan(c);	/* the true ones, then those that might be */
		else if (isnan(value))
			in = isnan(c);
		else if ((pq->fn == FN_COUNT || pq->fn == FN_FRACTION) && !trues)
			in = c == 0, m = -m;	/* too few true: the false ones, most false first */
		else if (pq->fn == FN_ALL && value == 0)
			in = c == 0, m = -m;	/* most false first */
		else if ((pq->fn == FN_ALL && value == 1) || (pq->fn == FN_ANY && value == 0))
			in = true, m = -fabs(m);	/* nearest to the other side first */
		else
			in = c == 1;
		if (in)
			rk[n++] = (ranked){ i, m, keys && q->keys[i] >= 0 ? keys->text[q->keys[i]] : "" };
	}
	qsort(rk, (size_t)n, sizeof *rk, by_margin_desc);
	qr->ndeciding = n;
	qr->ntop = n < ntop ? n : ntop;
	qr->top = xmalloc(((size_t)qr->ntop + 1) * sizeof *qr->top);
	for (int j = 0; j < qr->ntop; j++) {
		int i = rk[j].i;
		qr->top[j] = (quant_series){ q->keys[i], q->cmpi[i] >= 0 ? pq->cmp0 + q->cmpi[i] : -1, q->val[i], q->cmp[i][0],
					     q->cmp[i][1], q->since[i], NULL };
		if (pq->nhist) {	/* the numbers behind its statistics */
			qr->top[j].hists = xmalloc((size_t)pq->nhist * sizeof *qr->top[j].hists);
			for (int h = 0; h < pq->nhist; h++)
				vm_hist_stat(v, pq->hist0 - g->hist0 + h, q->keys[i], &qr->top[j].hists[h]);
		}
	}
	free(rk);
}

/*
 * Which rules are pending at the last step: not true, and a `for` in them
 * timing a run then (in a quantifier, of any series).
 */
static void
take_pending(const program *p, const prog_gate *g, const vm *v, gate_result *r)
{
	int64_t last = (int64_t)(r->evaluations - 1) * g->nrules;

	for (int i = 0; i < g->nrules; i++)
		r->pending[i] = r->steps[last + i] == STEP_PENDING;
	for (int qi = 0; qi < g->nquant; qi++) {
		const prog_quant *pq = &p->quants[g->quant0 + qi];
		int ri = pq->rule - g->rule0;
		for (int f = 0; f < pq->nfor && r->state[ri] != 1; f++) {
			const vm_keyed *kf = &v->keyed[pq->for0 - g->for0 + f];
			for (int k = 0; k < kf->n; k++)	/* each series' timer, run at the last step */
				r->pending[ri] |= kf->f[k].seen == r->at && kf->f[k].since != VM_NEVER;
		}
	}
}

void
eval_gate(const program *p, int gate, const population *pops, const keyset *keys, int64_t at, int ntop,
	  gate_result *r)
{
	const prog_gate *g = &p->gates[gate];
	int64_t steps = g->window / g->step;	/* sema made the window whole steps */
	int fired = -1;		/* the first rollback rule to fire */
	vm v;

	*r = (gate_result){ .gate = gate, .at = at, .from = at - steps * g->step,
			    .evaluations = (int)steps + 1, .decided_since = VM_NEVER };
	r->state = xmalloc((size_t)g->nrules * sizeof *r->state);
	r->since = xmalloc((size_t)g->nrules * sizeof *r->since);
	r->cmp = xmalloc((size_t)g->ncmp * sizeof *r->cmp);
	r->fors = xmalloc((size_t)g->nfor * sizeof *r->fors);
	r->fired_at = xmalloc((size_t)g->nrules * sizeof *r->fired_at);
	r->fired_cmp = xmalloc((size_t)g->ncmp * sizeof *r->fired_cmp);
	for (int i = 0; i < g->nrules; i++)
		r->since[i] = r->fired_at[i] = VM_NEVER;
	for (int i = 0; i < g->ncmp; i++)
		r->fired_cmp[i][0] = r->fired_cmp[i][1] = r->fired_cmp[i][2] = NAN;
	r->nquant = g->nquant;
	r->quants = xcalloc((size_t)g->nquant + 1, sizeof *r->quants);
	r->fired_quants = xcalloc((size_t)g->nquant + 1, sizeof *r->fired_quants);
	for (int i = 0; i < g->nquant; i++)
		r->quants[i].at = r->fired_quants[i].at = VM_NEVER;
	r->nhist = g->nhist;
	r->hists = xcalloc((size_t)g->nhist + 1, sizeof *r->hists);
	r->fired_hists = xcalloc((size_t)g->nhist + 1, sizeof *r->fired_hists);
	r->floor = xmalloc(((size_t)p->nmetrics + 1) * sizeof *r->floor);
	r->steps = xmalloc((size_t)r->evaluations * (size_t)g->nrules + 1);
	r->pending = xcalloc((size_t)g->nrules + 1, sizeof *r->pending);

	vm_init(&v, p, gate, pops);
	for (int64_t k = 0; k <= steps; k++) {
		int64_t t = r->from + k * g->step;	/* no t += step: it could pass INT64_MAX */
		vm_step(&v, t);
		for (int i = 0; i < g->nrules; i++) {
			const prog_rule *pr = &p->rules[g->rule0 + i];
			bool is_true = v.rule[i] == 1;

			r->steps[k * g->nrules + i] = step_state(p, g, &v, g->rule0 + i, t);

			if (pr->kind == RULE_ROLLBACK) {
				/* a rollback is for good: since is when it first fired */
				if (is_true && r->since[i] == VM_NEVER) {
					r->since[i] = r->fired_at[i] = t;
					fired_state(p, g, &v, g->rule0 + i, keys, t, ntop, r);
				}
				if (is_true && fired < 0)
					fired = i;
			} else if (!is_true) {
				r->since[i] = VM_NEVER;
			} else if (r->since[i] == VM_NEVER) {
				r->since[i] = t;
			}
		}
	}
	memcpy(r->state, v.rule, (size_t)g->nrules * sizeof *r->state);
	memcpy(r->cmp, v.cmp, (size_t)g->ncmp * sizeof *r->cmp);
	memcpy(r->fors, v.fors, (size_t)g->nfor * sizeof *r->fors);
	for (int q = 0; q < g->nquant; q++)
		take_quant(p, g, q, &v, keys, at, ntop, &r->quants[q]);
	for (int h = 0; h < g->nhist; h++)
		if (p->hists[g->hist0 + h].quant < 0)
			vm_hist_stat(&v, h, VM_NOKEY, &r->hists[h]);
	memcpy(r->floor, v.floor, (size_t)p->nmetrics * sizeof *r->floor);
	take_pending(p, g, &v, r);
	vm_free(&v);

	if (fired >= 0) {
		r->verdict = NG_ROLLBACK;
		r->decided = g->rule0 + fired;
		r->decided_since = r->since[fired];
		return;
	}
	for (int i = 0; i < g->nrules; i++) {
		if (p->rules[g->rule0 + i].kind == RULE_NOGO && r->state[i] == 1) {
			r->verdict = NG_NOGO;
			r->decided = g->rule0 + i;
			r->decided_since = r->since[i];
			return;
		}
	}
	double go = r->state[g->go - g->rule0];
	r->decided = g->go;
	r->verdict = go == 1 ? NG_GO : go == 0 ? NG_NOGO : NG_INCONCLUSIVE;
	if (go == 1)
		r->decided_since = r->since[g->go - g->rule0];
	/*
	 * A go needs every rule known, and none on its way to firing: a nogo or
	 * rollback that cannot be told may be true, and one whose `for` is
	 * timing a run will be if the run goes on
	 */
	for (int i = 0; r->verdict == NG_GO && i < g->nrules; i++)
		if ((isnan(r->state[i]) || r->pending[i]) && ast_rule_decides(p->rules[g->rule0 + i].kind)) {
			r->verdict = NG_INCONCLUSIVE;
			r->decided = g->rule0 + i;
			r->decided_since = VM_NEVER;
		}
}

bool
eval_value(const program *p, const prog_gate *g, const population *pops, int m, bool b, int key, int64_t t,
	   double *v, int64_t *sampled)
{
	const sample *x;
	bool has = vm_load(p, pops, SERIES_OF(m, b), key, t, g->lookback, v, &x);

	*sampled = x ? x->t : VM_NEVER;
	return has;
}

const char *
eval_rule_word(const gate_result *r, int i)
{
	if (r->fired_at[i] != VM_NEVER)	/* only a rollback fires */
		return "fired";
	return r->pending[i] && r->state[i] == 0 ? "pending" : ng_state_name(vocab_state(r->state[i]));
}

void
gate_result_free(gate_result *r)
{
	free(r->state);
	free(r->since);
	free(r->cmp);
	free(r->fors);
	free(r->fired_at);
	free(r->fired_cmp);
	for (int q = 0; q < r->nquant; q++) {
		quant_result_clear(&r->quants[q]);
		quant_result_clear(&r->fired_quants[q]);
	}
	free(r->quants);
	free(r->fired_quants);
	free(r->hists);
	free(r->fired_hists);
	free(r->floor);
	free(r->steps);
	free(r->pending);
}
