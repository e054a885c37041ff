/*
 * vm.h: runs one gate's bytecode at one evaluation time.
 *
 * A vm borrows the program and the series; it owns its slots (the `for`
 * timers, rule states, comparison operands), which persist from step to
 * step as a Prometheus rule group's state does.
 */
#ifndef NG_VM_H
#define NG_VM_H

#include "history.h"
#include "population.h"
#include "program.h"
#include "series.h"

#define VM_NEVER INT64_MIN
#define VM_NOKEY (-2)		/* outside a quantifier: no series of a set */
#define VM_VIRTUAL (-1)		/* the one series a metric with a default and no series at all stands for */

/*
 * A `for` slot's memory.  COND for D is true when COND held at every step
 * since `since`, D ago or more (Prometheus' firing alert); otherwise it is
 * false when COND was false at a step from the last one at or before t - D
 * on (`last_false`: a run that holds must start after it), else unknown:
 * missing data or too little history never reads as a failure.  Inside a
 * quantifier each series has its own, as each Prometheus alert instance
 * has: a series absent at a step (seen earlier than the step before) is
 * pending anew.
 */
typedef struct vm_for {
	int64_t since;		/* the first step of COND's current run of true, or VM_NEVER */
	int64_t last_false;	/* the latest step COND was false, or VM_NEVER */
	int64_t last_unknown;	/* the latest step COND was unknown, or VM_NEVER */
	int64_t seen;		/* the latest step it was evaluated, or VM_NEVER */
} vm_for;

/* A quantifier's pass over the series present at the last step it ran. */
typedef struct vm_quant {
	int *keys;		/* the identities present, in the order met */
	int nkeys, cap;
	int i;			/* the series whose body runs */
	int ntrue, nfalse, nunknown;
	double acc;		/* reducers: the value so far of nacc series */
	int nacc;
	bool nan;		/* a reducer met a series of no value */
	const sample **at;	/* per series: its sample in the one metric ranged over, else NULL */
	double *val;		/* per series: its body's value */
	double (*cmp)[2];	/* per series: the operands of its body's comparison that decided (cmpi) */
	int *cmpi;		/* per series: that comparison, from the quantifier's first */
	int64_t *since;		/* per series: its body's first `for`'s since, else VM_NEVER */
} vm_quant;

/* The series of a population present at one step: found once, however many quantifiers range over it alike. */
typedef struct vm_present {
	int64_t t;		/* the step, or VM_NEVER */
	int64_t reach;		/* and how far back a series was found (present()) */
	int *keys;		/* their identities, in member order */
	const sample **at;	/* each one's sample at t */
	int n, cap;
} vm_present;

/* Per `for` slot inside a quantifier: the timers by identity (key + 1; 0 is VM_VIRTUAL's). */
typedef struct vm_keyed {
	vm_for *f;
	int n;
} vm_keyed;

/*
 * The latest step at which a metric's floor did not hold (VM_NEVER: it
 * held at every step so far): one, or one per series (by key + 1).
 */
typedef struct vm_floors {
	int64_t one;
	int64_t *keyed;
	int nkeyed;
} vm_floors;

/* A history's rings: one, or one per series in a quantifier (by key + 1; 0 is VM_VIRTUAL's). */
typedef struct vm_hist {
	hist_ring one;
	hist_ring *keyed;
	int nkeyed;
	hist_stat st;		/* at the last step, of the series that ran last */
} vm_hist;

typedef struct vm {
	const program *p;
	const prog_gate *g;
	const population *pops;	/* indexed by SERIES_OF(metric, baseline) */
	vm_for *fors;		/* per `for` slot of the gate, outside quantifiers */
	vm_keyed *keyed;	/* per `for` slot of the gate, inside quantifiers */
	double *rule;		/* per rule of the gate: 1, 0 or NaN */
	double (*cmp)[3];	/* per comparison: its operands and its value at the last step */
	vm_quant *q;		/* per quantifier of the gate */
	vm_hist *h;		/* per history of the gate */
	hist_work work;
	double *floor;		/* per metric: its floor at this step (in a quantifier, the series'), NaN */
	vm_floors *held;	/* per metric: where its floor last did not hold, for the window functions */
	int64_t t0;		/* the first step run, or VM_NEVER */
	int64_t t;		/* the last one */
	vm_present *present;	/* per population (SERIES_OF) */
	int key;		/* the series of the quantifier running, or VM_NOKEY */
	int cur_s;		/* the population it ranges over alone, whose sample at t is cur_at; else -1 */
	const sample *cur_at;
	unsigned *mark;		/* by key: the pass that met it (a quantifier's dedup) */
	int nmark;
	unsigned pass;
	double *stack;
} vm;

void vm_init(vm *v, const program *p, int gate, const population *pops);
void vm_free(vm *v);
/* Forget all `for` timers, as a restarted Prometheus would. */
void vm_reset(vm *v);
void vm_step(vm *v, int64_t t);

/*
 * Series s at t as LOAD reads it, for the VM and the report alike: for a
 * metric with `by`, its series of identity key.  The latest sample in the
 * lookback, or the default of a metric that has no samples at all (for
 * that identity).  False when it has neither (*v NaN); *x is the sample,
 * NULL when there is none.
 */
bool vm_load(const program *p, const population *pops, int s, int key, int64_t t, int64_t lookback, double *v,
	     const sample **x);
/* History h of the gate (from 0) as it stands, for series key (VM_NOKEY outside quantifiers): every number. */
void vm_hist_stat(vm *v, int h, int key, hist_stat *st);
/* A comparison opcode (OP_LT .. OP_NE) on x and y: 1, 0, or NaN (unknown) if either is NaN. */
double vm_compare(int op, double x, double y);
/* A quantifier's value after its pass: fn is an enum ast_fn, FN_ANY .. FN_SSUM. */
double vm_across(int fn, const vm_quant *q);

#endif
