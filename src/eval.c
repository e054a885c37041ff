/* eval.c: the evaluation loop over a gate's window, and the verdict. */
#include "eval.h"
#include "util.h"

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
	}
}

void
eval_gate(const program *p, int gate, const series *ss, int64_t at, gate_result *r)
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
		r->fired_cmp[i][0] = r->fired_cmp[i][1] = NAN;

	vm_init(&v, p, gate, ss);
	for (int64_t k = 0; k <= steps; k++) {
		int64_t t = r->from + k * g->step;	/* no t += step: it could pass INT64_MAX */
		vm_step(&v, t);
		for (int i = 0; i < g->nrules; i++) {
			const prog_rule *pr = &p->rules[g->rule0 + i];
			bool is_true = v.rule[i] == 1;

			if (pr->kind == RULE_ROLLBACK) {
				/* a rollback is for good: since is when it first fired */
				if (is_true && r->since[i] == VM_NEVER) {
					r->since[i] = r->fired_at[i] = t;
					fired_values(p, g, &v, g->rule0 + i, r);
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
	/* a go needs every rule known: a nogo or rollback that cannot be told may be true */
	for (int i = 0; r->verdict == NG_GO && i < g->nrules; i++)
		if (isnan(r->state[i])) {
			r->verdict = NG_INCONCLUSIVE;
			r->decided = g->rule0 + i;
			r->decided_since = VM_NEVER;
		}
}

bool
eval_value(const program *p, const prog_gate *g, const series *ss, int m, bool b, int64_t t,
	   double *v, int64_t *sampled)
{
	const sample *x;
	bool has = vm_load(p, ss, SERIES_OF(m, b), t, g->lookback, v, &x);

	*sampled = x ? x->t : VM_NEVER;
	return has;
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
}
