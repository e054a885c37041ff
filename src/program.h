/*
 * program.h: a compiled .gate file: metrics, series, gates, rules and the
 * bytecode that evaluates them.  Files that depend on the bytecode format:
 * opcodes.def, compile.c, vm.c, bytecode.c; the others learn what a gate
 * reads from its prog_read records.
 *
 * A program owns everything it points to, including the syntax tree and
 * the source text its spans refer to; program_free() releases it all.
 */
#ifndef NG_PROGRAM_H
#define NG_PROGRAM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ast.h"
#include "diag.h"

enum opcode {
#define OP(name, pops, pushes, a, b, syn) OP_##name,
#include "opcodes.def"
#undef OP
	OP__COUNT
};

/* What an operand is (the a and b columns of opcodes.def). */
enum operand { OPND_NONE, OPND_K, OPND_SERIES, OPND_CMP, OPND_FOR, OPND_RULE, OPND_DUR, OPND_QUANT, OPND_QARG,
	       OPND_HIST, OPND_METRIC, OPND__COUNT };

/*
 * A comparison's QARG operand, what makes it a range: quantifier q
 * (count(C), fraction(C)) is q + 1, history h (times(C)) QARG_HIST + h + 1;
 * negated when it is the right operand; 0 none.
 */
#define QARG_HIST (1 << 30)

typedef struct insn {
	uint8_t op;
	int32_t a;
	int64_t b;
} insn;

_Static_assert(OP__COUNT <= UINT8_MAX + 1, "an opcode must fit insn.op");

/* An opcode's row of opcodes.def (bytecode.c). */
typedef struct opinfo {
	const char *name, *synopsis;
	uint8_t pops, pushes;
	uint8_t a, b;		/* enum operand */
} opinfo;

extern const opinfo op_info[OP__COUNT];

/* Does the instruction read a series (LOAD and the window functions)? */
static inline bool
insn_reads_series(const insn *in)
{
	return op_info[in->op].a == OPND_SERIES;
}

/* A series is a metric's own samples or its baseline's: series 2*m and 2*m+1. */
#define SERIES_OF(m, is_baseline) (2 * (m) + ((is_baseline) ? 1 : 0))
#define SERIES_METRIC(s) ((s) / 2)
#define SERIES_IS_BASELINE(s) ((s) % 2 == 1)

typedef struct prog_metric {
	const char *name;
	const char *query, *bquery;	/* parameters substituted (the tree's); bquery NULL without baseline */
	bool has_default;
	double dflt;
	bool bused;		/* some gate reads its baseline */
	const char *floor;	/* `when COND`, its text, or NULL: its values are unknown where COND is not true */
	bool floor_set;		/* ... series by series (of metrics with the same `by`) */
	const char **by;	/* `by` labels, NULL terminated; NULL: one series */
	int nby;
	/*
	 * Selectors for /api/v1/series, each once: the metric names of the
	 * query's selectors, each matcher whose value comes from a parameter,
	 * alone (query_probe), and the labels its written matchers need, with
	 * their metric (query_label_probe).  When the query has no series, a
	 * probe without any shows a typo, and the default must not apply
	 * (ng_check_absent).
	 */
	char **probes[2];	/* [0] of the query, [1] of the baseline query */
	int nprobes[2];
} prog_metric;

typedef struct prog_rule {
	enum rule_kind kind;
	const char *name;	/* NULL for an unnamed go rule */
	char *source;		/* the condition's text */
	unsigned line;
	int cmp0, ncmp;		/* its comparisons: cmps[cmp0 .. cmp0+ncmp), as compiled in order */
	int for0, nfor;		/* its `for`s: fors[for0 .. for0+nfor) */
} prog_rule;

/* A comparison, kept so reports can show both sides at the last step. */
typedef struct prog_cmp {
	int rule;		/* index into the program's rules; -1 in a floor of one series */
	int floor;		/* the metric whose floor it is in, or -1 */
	bool inner;		/* in the operand of a function over the last steps (times(x > 1, 5m)) */
	char *source;
	int op;			/* its opcode, OP_LT .. OP_NE */
	int quant;		/* the quantifier it is in (compared series by series), or -1 */
	int metrics[4];		/* metrics it reads, -1 terminated */
	unsigned char sides[4];	/* of each: CMP_* bits, where it is read */
	bool in_for;		/* in a `for` of its rule: true there is pending until the for holds */
	int unit;		/* enum unit of its operands, or the one its literal's suffix names; UNIT_NONE */
	double konst[2];	/* a side known when compiled (memory < 256Mi: 268435456), else NaN */
} prog_cmp;
/* prog_cmp.sides: a side that is a metric's value, on the left or the right; a side in its baseline's scale. */
enum { CMP_VAL_L = 1, CMP_VAL_R = 2, CMP_BASE_L = 4, CMP_BASE_R = 8 };

/* A `for`, kept so reports can show how long it has held and needs to. */
typedef struct prog_for {
	int rule;		/* index into the program's rules */
	int quant;		/* the quantifier it is in (a timer per series), or -1 */
	const char *source;	/* the whole COND for D (the tree's text) */
	int64_t dur;		/* D, ms */
} prog_for;

/*
 * A quantifier or reducer across series (any, all, count, fraction,
 * count(M), min/max/avg/sum(M)): its body is code[each+1 .. qend), run for
 * each identity present in the series it ranges over (drivers).
 */
typedef struct prog_quant {
	int rule;		/* index into the program's rules */
	const char *source;	/* any(C) as written */
	int fn;			/* enum ast_fn, FN_ANY .. FN_SSUM */
	int each, qend;		/* its EACH and QEND (program-wide) */
	int *drivers;		/* SERIES_OF of the metrics with `by` it reads (values; baselines if none) */
	int64_t *reach;		/* per driver: the longest range of a window function reading it, ms; 0 */
	int64_t *hreach;	/* ... of a function over the last steps (times(C, D)) */
	int ndrivers;
	int by;			/* a metric whose `by` names the series */
	int cmp0, ncmp;		/* its body's comparisons */
	int for0, nfor;		/* its body's `for`s: one timer per series */
	int hist0, nhist;	/* its body's histories: one per series */
	int outer;		/* count(C) or fraction(C): the comparison it is a side of, or -1 */
	bool outer_left;	/* ... its left side */
} prog_quant;

/*
 * A function over the values of the last steps evaluated (mannwhitney,
 * shift, ratio_test, burn_rate, times): its opcode adds each step's lanes
 * to a history of `steps` steps, one per series in a quantifier.
 */
typedef struct prog_hist {
	int rule;		/* index into the program's rules */
	const char *source;	/* mannwhitney(p99, 10m) as written */
	int fn;			/* enum ast_fn, FN_MANNWHITNEY .. FN_TIMES */
	int lanes;		/* values a step: 2 (canary, baseline), 4 (errors, requests, and baselines'), 1 */
	int steps;		/* the last steps it covers, the range's; 0: each since the window began */
	int cap;		/* the steps a ring holds: steps, or the window's evaluations if fewer */
	int64_t range;		/* D, ms; 0 for times(C) */
	double slo;		/* burn_rate() */
	int unit;		/* enum unit of its values (shift()'s, mannwhitney()'s metric's) */
	int quant;		/* the quantifier it is in (a history per series), or -1 */
	int cmp;		/* the comparison it is an operand of, or -1 */
} prog_hist;

/*
 * A series a gate reads, and its reach: how far before the evaluation
 * time a check keeps and fetches its samples.  That is the first step's
 * distance (the window) plus the lookback or the function's range,
 * whichever is longer (ng_check_needs in novagate.h).
 */
typedef struct prog_read {
	int series;		/* SERIES_OF */
	int64_t reach;		/* ms */
} prog_read;

typedef struct prog_gate {
	const char *name;
	unsigned line;
	int64_t step, window, lookback;	/* ms */
	int rule0, nrules;		/* its rules: rules[rule0 .. rule0+nrules) */
	int go;				/* index of its go rule */
	int code;			/* first instruction */
	int cmp0, ncmp, for0, nfor;	/* its comparison and `for` slots */
	int read0, nread;		/* the series it reads: reads[read0 .. read0+nread) */
	int quant0, nquant;		/* its quantifiers */
	int hist0, nhist;		/* its histories */
	int stack;			/* deepest stack its code needs */
} prog_gate;

/* The public header's ng_gatefile. */
typedef struct ng_gatefile program;

struct ng_gatefile {
	char *path;
	char *text;			/* the source; spans refer to it */
	size_t len;
	ast_file *ast;
	prog_metric *metrics;
	int nmetrics;
	prog_gate *gates;
	int ngates;
	prog_rule *rules;
	int nrules;
	prog_cmp *cmps;
	int ncmps;
	prog_for *fors;			/* every gate's, slot for slot */
	prog_quant *quants;		/* every gate's */
	int nquants;
	prog_hist *hists;		/* every gate's */
	int nhists;
	prog_read *reads;		/* each gate's, each series once */
	int nreads, capreads;
	insn *code;
	diag_span *spans;		/* source of each instruction */
	int ncode, capcode;
	double *k;			/* constants */
	int nk, capk;
	int nfor;			/* `for` slots in all */
	const char *prometheus;		/* `prometheus "URL"`, or NULL */
};

/* A --set NAME=VALUE. */
typedef struct param_set {
	const char *name, *value;
} param_set;

/*
 * Compile path's text (taken over by the program).  Diagnostics go to diags.
 * Returns NULL when the file has errors; *nerrors counts them.
 */
program *program_compile(const char *path, char *text, size_t len,
			 param_set *sets, int nsets, ng_diags *diags, int *nerrors);
/*
 * The same; any_baseline: every metric has a baseline (a recorded baseline
 * file gives it); dialect: the queries' language (NG_DIALECT_FILE: the file's).
 */
program *program_compile_ex(const char *path, char *text, size_t len, param_set *sets, int nsets,
			    bool any_baseline, ng_dialect dialect, ng_diags *diags, int *nerrors);
void program_free(program *p);

/* Print the disassembly, each gate's code with the source lines it came from. */
void program_dump(const program *p, FILE *out);

/* The opcode's name and synopsis. */
const char *opcode_name(int op);
const char *opcode_synopsis(int op);

#endif
