/*
 * eval.h: a gate over its window: the VM at every step from at - window to
 * at, rollback rules latched, and the verdict.
 *
 * A gate_result owns its arrays; gate_result_free() releases them.
 */
#ifndef NG_EVAL_H
#define NG_EVAL_H

#include "novagate.h"
#include "program.h"
#include "series.h"
#include "vm.h"


typedef struct gate_result {
	int gate;
	ng_verdict verdict;
	int64_t from, at;	/* first and last evaluation */
	int evaluations;
	int decided;		/* rule index (program-wide) */
	int64_t decided_since;	/* VM_NEVER when it does not apply */
	double *state;		/* per rule of the gate, at the last step */
	int64_t *since;		/* per rule: start of its current truth, or when a rollback fired */
	double (*cmp)[2];	/* per comparison of the gate: operands at the last step */
	vm_for *fors;		/* per `for` of the gate: its timers at the last step */
	/* per rollback rule that fired: the step, and its comparisons' operands then */
	int64_t *fired_at;	/* per rule, VM_NEVER */
	double (*fired_cmp)[2];	/* per comparison of the gate, NaN unless its rule fired */
} gate_result;

void eval_gate(const program *p, int gate, const series *ss, int64_t at, gate_result *r);
void gate_result_free(gate_result *r);

/*
 * A metric's (or its baseline's) value at t as the VM's LOAD reads it: the
 * latest sample in the lookback, or the default of a metric that has no
 * samples at all.  False when it has no value; *sampled is VM_NEVER unless
 * a sample gave it.
 */
bool eval_value(const program *p, const prog_gate *g, const series *ss, int m, bool b, int64_t t,
		double *v, int64_t *sampled);


#endif
