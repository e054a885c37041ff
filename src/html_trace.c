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

/* A figure of history h at step at, of series key. */
static struct dist *
add_dist(trace *tr, int h, int64_t at, int key)
{
	tr->dist = xrealloc(tr->dist, (size_t)(tr->ndist + 1) * sizeof *tr->dist);
	tr->dist[tr->ndist] = (struct dist){ .h = h, .at = at, .key = key };
	return &tr->dist[tr->ndist++];
}

/* Which histories get a figure, at which step, of which series. */
static void
trace_dists(const program *p, const gate_result *r, trace *tr)
{
	const prog_gate *g = &p->gates[r->gate];

	tr->dist = NULL;
	tr->ndist = 0;
	for (int h = 0; h < g->nhist; h++) {
		const prog_hist *ph = &p->hists[g->hist0 + h];
		int64_t fired = ph->rule >= 0 ? r->fired_at[ph->rule - g->rule0] : VM_NEVER;
		int64_t at = fired != VM_NEVER ? fired : r->at;
		if (!html_dist_figure(p, g, ph))
			continue;
		if (ph->quant < 0) {
			add_dist(tr, h, at, VM_NOKEY);
			continue;
		}
		if (ph->rule != r->decided)
			continue;	/* of the deciding rule only: its deciding series' */
		const quant_result *qr = html_decided_quant(r, g, ph->quant - g->quant0);
		struct dist *last = NULL;
		int shown = 0;
		for (int j = 0; j < qr->ntop && shown < MAX_DIST_SERIES; j++)
			if (qr->top[j].key >= 0) {
				last = add_dist(tr, h, at, qr->top[j].key);
				shown++;
			}
		if (last)
			last->more = qr->ndeciding - shown;
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
		for (int i = 0; i < tr->ndist; i++)
			if (tr->dist[i].at == t)
				keep_dist(&p->hists[g->hist0 + tr->dist[i].h], &v, tr->dist[i].h, &tr->dist[i]);
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
	for (int i = 0; i < tr->ndist; i++)
		free(tr->dist[i].v);
	free(tr->dist);
}
