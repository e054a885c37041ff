/*
 * eval.h: a gate over its window: the VM at every step from at - window to
 * at, rollback rules latched, and the verdict.
 *
 * A gate_result owns its arrays; gate_result_free() releases them.
 */
#ifndef NG_EVAL_H
#define NG_EVAL_H

#include "novagate.h"
#include "population.h"
#include "program.h"
#include "series.h"
#include "vm.h"


/* A series that decided a quantifier: its identity, its body's value and first comparison, its `for`. */
typedef struct quant_series {
	int key;		/* in the check's keyset, or VM_VIRTUAL */
	int cmp;		/* the comparison of x and y (program-wide), or -1 */
	double val, x, y;
	int64_t since;
	hist_stat *hists;	/* per history of the quantifier's body: this series' (prog_quant.nhist) */
} quant_series;

/* A quantifier at one step: its value, its counts, the series that decided it, worst first. */
typedef struct quant_result {
	double value;
	int n, ntrue, nfalse, nunknown;
	int64_t at;		/* the step, VM_NEVER when not taken */
	quant_series *top;	/* at most the check's report limit of them */
	int ntop;
	int ndeciding;		/* how many series decided it (top holds the first ntop) */
} quant_result;

typedef struct gate_result {
	int gate;
	ng_verdict verdict;
	int64_t from, at;	/* first and last evaluation */
	int evaluations;
	int decided;		/* rule index (program-wide) */
	int64_t decided_since;	/* VM_NEVER when it does not apply */
	double *state;		/* per rule of the gate, at the last step */
	int64_t *since;		/* per rule: start of its current truth, or when a rollback fired */
	double (*cmp)[3];	/* per comparison of the gate: operands and value at the last step */
	vm_for *fors;		/* per `for` of the gate: its timers at the last step */
	/* per rollback rule that fired: the step, and its comparisons' operands then */
	int64_t *fired_at;	/* per rule, VM_NEVER */
	double (*fired_cmp)[3];	/* per comparison of the gate, NaN unless its rule fired */
	int nquant;
	quant_result *quants;	/* per quantifier of the gate, at the last step */
	quant_result *fired_quants;	/* per quantifier, at the step its rollback fired (at VM_NEVER: not) */
	int nhist;
	hist_stat *hists;	/* per history of the gate outside quantifiers, at the last step */
	hist_stat *fired_hists;	/* ... at the step its rollback fired (steps 0: not) */
	double *floor;		/* per metric: its floor at the last step (of one series), NaN none */
	unsigned char *steps;	/* per evaluation, per rule of the gate: a step_state, the rule at that step */
	bool *pending;		/* per rule: not true at the last step, but a `for` in it is timing a run there */
} gate_result;

/* Rule i of the gate in a word, for people: "fired", "pending", else its state's name. */
const char *eval_rule_word(const gate_result *r, int i);

/* A rule at one step; pending: not true, but a `for` of its own (not a quantifier's) is timing a run. */
enum step_state { STEP_FALSE, STEP_TRUE, STEP_UNKNOWN, STEP_PENDING };

/*
 * The window ending at at; ntop: how many deciding series a quantifier
 * keeps for the report, ties in the order of their identities' text
 * (keys: the check's keyset; NULL: in the order met).
 */
void eval_gate(const program *p, int gate, const population *pops, const keyset *keys, int64_t at, int ntop,
	       gate_result *r);
void gate_result_free(gate_result *r);

/* qsort's order of series by a number, the largest first, NaN last, ties by their identities' text. */
int eval_rank_desc(double x, const char *xid, double y, const char *yid);

/*
 * A metric's (or its baseline's) value at t as the VM's LOAD reads it: the
 * latest sample in the lookback, or the default of a metric that has no
 * samples at all.  False when it has no value; *sampled is VM_NEVER unless
 * a sample gave it.
 */
bool eval_value(const program *p, const prog_gate *g, const population *pops, int m, bool b, int key, int64_t t,
		double *v, int64_t *sampled);


#endif
