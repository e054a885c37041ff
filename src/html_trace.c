/*
 * html_trace.c: what the VM saw at each step of a gate's window, run again
 * step by step for the charts: the rules' states, the comparisons'
 * operands, each quantifier's series, and the values of the tests that
 * get a figure at the step the report gives them for.
 */
#include "html_internal.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const quant_result *
html_decided_quant(const gate_result *r, const prog_gate *g, int q)
{
	return r->fired_at[r->decided - g->rule0] != VM_NEVER && r->fired_quants[q].at != VM_NEVER ? &r->fired_quants[q]
												     : &r->quants[q];
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

/* Which histories get a figure, at which step, of which series (VM_NEVER: none). */
static void
trace_dists(const program *p, const gate_result *r, trace *tr)
{
	const prog_gate *g = &p->gates[r->gate];

	tr->nhist = g->nhist;
	tr->dist = xcalloc((size_t)g->nhist + 1, sizeof *tr->dist);
	for (int h = 0; h < g->nhist; h++) {
		const prog_hist *ph = &p->hists[g->hist0 + h];
		int64_t fired = ph->rule >= 0 ? r->fired_at[ph->rule - g->rule0] : VM_NEVER;
		bool tests = html_dist_figure(p, g, ph);
		tr->dist[h].at = !tests ? VM_NEVER : fired != VM_NEVER ? fired : r->at;
		tr->dist[h].key = VM_NOKEY;
		if (ph->quant >= 0 && tests) {	/* of the deciding rule: its first deciding series' */
			int q = ph->quant - g->quant0;
			const quant_result *qr = html_decided_quant(r, g, q);
			if (ph->rule == r->decided && qr->ntop > 0 && qr->top[0].key >= 0)
				tr->dist[h].key = qr->top[0].key;
			else
				tr->dist[h].at = VM_NEVER;
		}
	}
}

/* Step k's (at t) series of each quantifier, their body's values and timers. */
static void
trace_quants(const program *p, const prog_gate *g, const vm *v, int k, int64_t t, trace *tr)
{
	for (int qi = 0; qi < g->nquant; qi++) {
		const vm_quant *q = &v->q[qi];
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
			const vm_keyed *kf = pq->nfor ? &v->keyed[pq->for0 - g->for0] : NULL;
			int key = q->keys[i] + 1;
			qs->since[i] = kf && key < kf->n && kf->f[key].seen == t ? kf->f[key].since : VM_NEVER;
		}
	}
}

void
html_trace_run(const program *p, const gate_result *r, const population *pops, trace *tr)
{
	const prog_gate *g = &p->gates[r->gate];
	vm v;

	tr->nsteps = r->evaluations;
	tr->rule = xmalloc(((size_t)tr->nsteps * (size_t)g->nrules + 1) * sizeof *tr->rule);
	tr->cmp = xmalloc(((size_t)tr->nsteps * (size_t)g->ncmp + 1) * sizeof *tr->cmp);
	tr->nquant = g->nquant;
	tr->q = xcalloc((size_t)tr->nsteps * (size_t)g->nquant + 1, sizeof *tr->q);
	trace_dists(p, r, tr);
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
		trace_quants(p, g, &v, k, t, tr);
	}
	vm_free(&v);
}

void
html_trace_free(trace *tr)
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
