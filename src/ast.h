/*
 * ast.h: the syntax tree of a .gate file.
 *
 * Every node and string of a tree lives in its ast_file's arena and dies
 * with ast_free(); nodes point into each other freely.
 */
#ifndef NG_AST_H
#define NG_AST_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "promql.h"
#include "units.h"

typedef struct arena arena;

enum ast_kind {
	A_NUM,		/* literal; text in span, unit resolved by sema */
	A_METRIC,	/* name */
	A_BASELINE,	/* baseline, or baseline(name) when name is set */
	A_CALL,		/* name(args) */
	A_NEG,		/* -a */
	A_NOT,		/* !a */
	A_BIN,		/* a op b */
	A_FOR		/* a for b */
};

/*
 * Binary operators.  Each is implemented by the opcode of its name
 * (compile.c maps one to the other through this list, so their orders are
 * free); sema.c takes OPR_LT .. OPR_NE as the comparisons.
 */
#define AST_BINOPS(X) \
	X(ADD) X(SUB) X(MUL) X(DIV) \
	X(LT) X(LE) X(GT) X(GE) X(EQ) X(NE) \
	X(AND) X(OR)

enum ast_op {
#define AST_OPR(name) OPR_##name,
	AST_BINOPS(AST_OPR)
#undef AST_OPR
};
_Static_assert(OPR_NE - OPR_LT == 5, "the six comparisons are contiguous");

enum ast_type { TY_NONE, TY_NUM, TY_BOOL, TY_DUR };

#define AST_MAXARGS 3

enum ast_fn {
	FN_AVG, FN_MIN, FN_MAX, FN_LAST, FN_DELTA, FN_QUANTILE, FN_RATE, FN_INCREASE,
	/* over the values of the last steps evaluated (a history each): statistics, burn rates, counts */
	FN_MANNWHITNEY, FN_SHIFT, FN_RATIO_TEST, FN_BURN_RATE, FN_TIMES,
	/* across the series of a set (populations): quantifiers, then reducers */
	FN_ANY, FN_ALL, FN_COUNT, FN_FRACTION, FN_PRESENT, FN_SMIN, FN_SMAX, FN_SAVG, FN_SSUM,
	FN__N
};
#define FN_IS_ACROSS(fn) ((fn) >= FN_ANY)
#define FN_IS_HIST(fn) ((fn) >= FN_MANNWHITNEY && (fn) <= FN_TIMES)
/* mannwhitney() and shift(): fewer values than this on either side, and they are unknown */
#define HIST_MIN_VALUES 10
/* the longest history, in steps: a step's statistics cost O(n log n) in it */
#define HIST_MAX_STEPS 10000

/*
 * The small fields in bytes, after the wide ones: a big file has ~8 nodes
 * a rule, and their pages are most of the memory compiling it touches.
 */
typedef struct ast_node ast_node;
struct ast_node {
	diag_span span;			/* the whole expression */
	const char *name;		/* A_METRIC, A_BASELINE(name), A_CALL */
	diag_span name_span;
	ast_node *arg[AST_MAXARGS];	/* operands, call arguments */
	int depth;			/* height of the subtree, bounded by the parser */
	enum ast_kind kind : 8;
	enum ast_op op : 8;		/* A_BIN */
	unsigned char nargs;
	/* set by sema */
	enum ast_type type : 8;
	enum ast_fn fn : 8;		/* A_CALL */
	enum unit unit : 8;		/* a value's unit, UNIT_NONE when not known */
	bool relpct;			/* A_NUM: a percentage relative to the left operand */
	bool isconst;			/* a value known at compile time: num holds it */
	bool set;			/* one value or condition per series (a metric with `by`) */
	int metric;			/* A_METRIC, A_BASELINE: index into metrics */
	int by;				/* set: a metric whose `by` identifies the series */
	double num;			/* A_NUM value, or duration in ms */
};

typedef struct ast_param {
	const char *name, *value;	/* value unescaped */
	diag_span span, value_span;
} ast_param;

/* A metric's query, or its baseline's (query.h). */
typedef struct ast_query {
	const char *text;		/* as written between the backquotes; NULL: none */
	diag_span span;			/* the backquoted text, backquotes included */
	/* set by sema */
	char *final;			/* parameters substituted: what the server is sent */
	struct query_run *runs;		/* where the bytes of final come from (query.h) */
	int nruns;
	pq_query *pq;			/* final, parsed; NULL when substitution failed */
} ast_query;

/* A label of a metric's `by`, in a list in the order written. */
typedef struct ast_label {
	const char *name;
	diag_span span;
	struct ast_label *next;
} ast_label;

typedef struct ast_metric {
	const char *name;
	diag_span span;
	ast_label *by;			/* `by (LABEL, ...)`, or NULL: one series */
	diag_span by_span;
	ast_query q[2];			/* [0] the metric's own, [1] its baseline's */
	ast_node *dflt;			/* default literal, or NULL */
	const char *unit_word;		/* `unit WORD`, or NULL */
	diag_span unit_span;		/* of the word */
	ast_node *floor;		/* `when COND`: unknown at a step where COND is not true; or NULL */
	diag_span floor_span;		/* of the keyword */
	/* set by sema */
	enum unit unit;			/* declared, else inferred from q[0] */
	int unit_sel;			/* inferred: the selector of q[0] it comes from; else -1 */
} ast_metric;

/* The public kinds, so that a rule's kind is handed out as it is. */
enum rule_kind {
	RULE_ROLLBACK = NG_RULE_ROLLBACK, RULE_NOGO = NG_RULE_NOGO, RULE_GO = NG_RULE_GO,
	RULE_OBSERVE = NG_RULE_OBSERVE	/* evaluated and reported, never part of the verdict */
};

/* Whether a rule of kind k takes part in the verdict: every kind but observe. */
static inline bool
ast_rule_decides(enum rule_kind k)
{
	return k != RULE_OBSERVE;
}

/* "rollback", "nogo", "go" or "observe", as the language spells the rule. */
const char *ast_rule_kind_name(enum rule_kind k);

typedef struct ast_rule {
	enum rule_kind kind;
	const char *name;		/* NULL for an unnamed go */
	diag_span span, name_span;	/* span: the keyword */
	ast_node *cond;
} ast_rule;

enum gate_setting { SET_STEP, SET_WINDOW, SET_LOOKBACK, SET__N };

typedef struct ast_gate {
	const char *name;
	diag_span span;
	ast_node *set[SET__N];		/* durations, NULL when not given */
	diag_span set_span[SET__N];
	ast_rule *rules;
	int nrules, caprules;
	int64_t step, window, lookback;	/* set by sema, in ms */
} ast_gate;

typedef struct ast_file {
	arena *arena;
	ast_param *params;
	int nparams, capparams;
	ast_metric *metrics;
	int nmetrics, capmetrics;
	ast_gate *gates;
	int ngates, capgates;
	const char *prometheus;		/* `prometheus "URL"`, or NULL */
	diag_span prometheus_span;
	const char *dialect;		/* `dialect NAME`, or NULL */
	diag_span dialect_span;
} ast_file;

ast_file *ast_new(void);
void ast_free(ast_file *f);
void *ast_alloc(ast_file *f, size_t n);		/* zeroed */
char *ast_strndup(ast_file *f, const char *s, size_t n);

ast_node *ast_node_new(ast_file *f, enum ast_kind k, diag_span span);
ast_param *ast_add_param(ast_file *f);
ast_metric *ast_add_metric(ast_file *f);
ast_gate *ast_add_gate(ast_file *f);
ast_rule *ast_add_rule(ast_file *f, ast_gate *g);
/* list with name appended (list NULL: a new one); returns the list. */
ast_label *ast_add_label(ast_file *f, ast_label *list, const char *name, diag_span span);

/* The span from the start of a to the end of b. */
diag_span ast_join(diag_span a, diag_span b);

/*
 * Is n x + p% or x - p%, p% relative to x (sema has cleared relpct where
 * it is not)?  If so, *factor is what x is multiplied by: 1 + p or 1 - p.
 */
bool ast_relative(const ast_node *n, double *factor);

#endif
