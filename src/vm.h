/*
 * vm.h: runs one gate's bytecode at one evaluation time.
 *
 * A vm borrows the program and the series; it owns its slots (the `for`
 * timers, rule states, comparison operands), which persist from step to
 * step as a Prometheus rule group's state does.
 */
#ifndef NG_VM_H
#define NG_VM_H

#include "program.h"
#include "series.h"

#define VM_NEVER INT64_MIN

/*
 * A `for` slot's memory.  COND for D is true when COND held at every step
 * since `since`, D ago or more (Prometheus' firing alert); otherwise it is
 * false when COND was false at a step from the last one at or before t - D
 * on (`last_false`: a run that holds must start after it), else unknown:
 * missing data or too little history never reads as a failure.
 */
typedef struct vm_for {
	int64_t since;		/* the first step of COND's current run of true, or VM_NEVER */
	int64_t last_false;	/* the latest step COND was false, or VM_NEVER */
	int64_t last_unknown;	/* the latest step COND was unknown, or VM_NEVER */
} vm_for;

typedef struct vm {
	const program *p;
	const prog_gate *g;
	const series *series;	/* indexed by SERIES_OF(metric, baseline) */
	vm_for *fors;		/* per `for` slot of the gate */
	double *rule;		/* per rule of the gate: 1, 0 or NaN */
	double (*cmp)[2];	/* per comparison: its operands at the last step */
	double *stack;
} vm;

void vm_init(vm *v, const program *p, int gate, const series *ss);
void vm_free(vm *v);
/* Forget all `for` timers, as a restarted Prometheus would. */
void vm_reset(vm *v);
void vm_step(vm *v, int64_t t);

/*
 * Series s at t as LOAD reads it, for the VM and the report alike: the
 * latest sample in the lookback, or the default of a metric that has no
 * samples at all.  False when it has neither (*v NaN); *x is the sample,
 * NULL when there is none.
 */
bool vm_load(const program *p, const series *ss, int s, int64_t t, int64_t lookback, double *v,
	     const sample **x);
/* A comparison opcode (OP_LT .. OP_NE) on x and y: 1, 0, or NaN (unknown) if either is NaN. */
double vm_compare(int op, double x, double y);

#endif
