/*
 * vm.c: the interpreter.  A stack machine over doubles where a truth value
 * is 1, 0 or NaN (unknown); the opcodes are documented in opcodes.def.
 */
#include "vm.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>

void
vm_init(vm *v, const program *p, int gate, const series *ss)
{
	const prog_gate *g = &p->gates[gate];

	*v = (vm){ .p = p, .g = g, .series = ss };
	v->fors = xmalloc((size_t)g->nfor * sizeof *v->fors);
	v->rule = xmalloc((size_t)g->nrules * sizeof *v->rule);
	v->cmp = xmalloc((size_t)g->ncmp * sizeof *v->cmp);
	v->stack = xmalloc((size_t)(g->stack + 1) * sizeof *v->stack);	/* test_vm.c: the spare stays unused */
	vm_reset(v);
}

void
vm_free(vm *v)
{
	free(v->fors);
	free(v->rule);
	free(v->cmp);
	free(v->stack);
}

void
vm_reset(vm *v)
{
	for (int i = 0; i < v->g->nfor; i++)
		v->fors[i] = (vm_for){ VM_NEVER, VM_NEVER, VM_NEVER };
	for (int i = 0; i < v->g->nrules; i++)
		v->rule[i] = NAN;
	for (int i = 0; i < v->g->ncmp; i++)
		v->cmp[i][0] = v->cmp[i][1] = NAN;
}

/*
 * A metric with `default` takes it when its series has no samples at all
 * (an error counter that does not exist until the first error).  A series
 * that had samples and lost them stays unknown: a failing scrape must not
 * read as a healthy 0.  Nor does one whose selectors the server says match
 * nothing (a typo): nodefault.
 */
static bool
defaulted(const program *p, const series *ss, int s)
{
	return !SERIES_IS_BASELINE(s) && p->metrics[SERIES_METRIC(s)].has_default && ss[s].count == 0 &&
	       !ss[s].nodefault;
}

static double
level(const program *p, const series *ss, int s, double x)
{
	return defaulted(p, ss, s) ? p->metrics[SERIES_METRIC(s)].dflt : x;
}

/* A constant series does not change: its delta, rate and increase are 0. */
static double
change(const program *p, const series *ss, int s, double x)
{
	return defaulted(p, ss, s) ? 0 : x;
}

static double
truth(bool b)
{
	return b ? 1 : 0;
}

bool
vm_load(const program *p, const series *ss, int s, int64_t t, int64_t lookback, double *v,
	const sample **x)
{
	*x = series_at(&ss[s], t, lookback);
	*v = level(p, ss, s, *x ? (*x)->v : NAN);
	return *x || defaulted(p, ss, s);
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
	const series *ss = v->series;
	double *sp = v->stack - 1;	/* points at the top */

	for (;; in++) {
		vmdispatch(in->op) {
		vmcase(OP_CONST) {
			*++sp = p->k[in->a];
			vmbreak;
		}
		vmcase(OP_LOAD) {
			const sample *x;
			vm_load(p, ss, in->a, t, g->lookback, ++sp, &x);
			vmbreak;
		}
		vmcase(OP_AVG) {
			*++sp = level(p, ss, in->a, series_avg(&ss[in->a], t, in->b));
			vmbreak;
		}
		vmcase(OP_MIN) {
			*++sp = level(p, ss, in->a, series_min(&ss[in->a], t, in->b));
			vmbreak;
		}
		vmcase(OP_MAX) {
			*++sp = level(p, ss, in->a, series_max(&ss[in->a], t, in->b));
			vmbreak;
		}
		vmcase(OP_DELTA) {
			*++sp = change(p, ss, in->a, series_delta(&ss[in->a], t, in->b));
			vmbreak;
		}
		vmcase(OP_RATE) {
			*++sp = change(p, ss, in->a, series_rate(&ss[in->a], t, in->b));
			vmbreak;
		}
		vmcase(OP_INCREASE) {
			*++sp = change(p, ss, in->a, series_increase(&ss[in->a], t, in->b));
			vmbreak;
		}
		vmcase(OP_QUANTILE) {
			*sp = level(p, ss, in->a, series_quantile(&ss[in->a], *sp, t, in->b));
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
			*sp = vm_compare(in->op, x, y);
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
		vmcase(OP_FOR) {
			/* Prometheus' `for:`: pending from the first true step, firing b ms later */
			vm_for *f = &v->fors[in->a - g->for0];
			double c = *sp;
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
