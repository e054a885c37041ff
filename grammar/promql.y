/* promql.y: the grammar of PromQL and MetricsQL (GNU Bison); promql.c builds and checks the nodes. */
%define api.pure full
%define api.prefix {pq}
%define api.token.prefix {PQT_}
%define api.location.type {pq_span}
%define parse.error custom
%define parse.lac full
%locations
%expect 0
%parse-param {pq_parser *p}
%lex-param {pq_parser *p}

%code requires {
#include <stdbool.h>
#include <stdint.h>

#include "promql.h"

typedef struct pq_span {
	unsigned off, len;
} pq_span;

/* Locations are byte spans; a rule's span runs from its first to its last symbol. */
#define YYLLOC_DEFAULT(Cur, Rhs, N) do {					\
	if (N) {								\
		(Cur).off = YYRHSLOC(Rhs, 1).off;				\
		(Cur).len = YYRHSLOC(Rhs, N).off + YYRHSLOC(Rhs, N).len - (Cur).off; \
	} else {								\
		(Cur).off = YYRHSLOC(Rhs, 0).off + YYRHSLOC(Rhs, 0).len;	\
		(Cur).len = 0;							\
	}									\
} while (0)

/* The nodes of a query (promql.c). */
enum pn_kind {
	PN_NUM, PN_STR, PN_SEL, PN_MATRIX, PN_SUBQ, PN_CALL, PN_AGGR, PN_BIN, PN_UNARY,
	PN_PAREN, PN_KWCALL,
	/* duration expressions (ranges, steps, offsets); values in seconds */
	PN_DNUM, PN_DBIN, PN_DUNARY, PN_DPAREN, PN_DFUNC,
};

/* A list of names: grouping labels, on()/ignoring() and group_x() labels. */
typedef struct pq_label {
	const char *name;
	pq_span at;
	struct pq_label *next;
} pq_label;

/* A label matcher being parsed; name NULL for a bare {"metric"}. */
typedef struct pq_mlist {
	pq_matcher m;
	pq_span name_at;
	struct pq_mlist *next;
} pq_mlist;

/* What follows a binary operator: bool, on/ignoring, group_left/group_right. */
typedef struct pq_binmod {
	bool bool_mod;
	int matching;		/* 0, PQT_ON or PQT_IGNORING */
	pq_label *labels;
	int card;		/* 0, PQT_GROUP_LEFT or PQT_GROUP_RIGHT */
	pq_label *include;
	pq_span bool_at, card_at;
} pq_binmod;

typedef struct pq_func pq_func;

typedef struct pq_node {
	enum pn_kind kind;
	enum pq_type type;
	pq_span at;		/* the whole node */
	pq_span op_at;		/* the operator, function or keyword */
	int op;			/* a token code: operator, aggregation, start/end/step/range */
	int depth;
	double num;		/* PN_NUM; duration expressions: seconds */
	bool seconds;		/* PN_DNUM written as a number (of seconds), not a duration */
	bool isconst;		/* duration expressions: num is its value */
	const char *str;	/* PN_STR; PN_CALL's and PN_AGGR's name; PN_DFUNC's */
	const pq_func *fn;
	struct pq_node *a, *b, *c;	/* operands; PN_SUBQ: a [b:c]; PN_AGGR: param b */
	struct pq_node *args;	/* PN_CALL, PN_AGGR: the arguments, chained by next */
	struct pq_node *next;
	int nargs;
	int sel;		/* PN_SEL, PN_MATRIX: index of its pq_selector */
	bool named;		/* PN_SEL: the name is written before the braces */
	struct pq_node *offset;	/* a duration expression */
	int atmod;		/* @: 0, PQT_AT (a timestamp), PQT_START or PQT_END */
	double at_ts;
	pq_span at_at;
	int rangemod;		/* 0, PQT_SMOOTHED or PQT_ANCHORED */
	pq_binmod *mod;
	pq_label *grouping;
	bool without, has_grouping, keep_names;
	struct pq_node *limit;
} pq_node;

typedef struct pq_arena pq_arena;

/* Lexer and parser state, one per pq_parse(). */
typedef struct pq_parser {
	const char *base, *cur, *lim, *mark, *tok;
	enum pq_dialect dialect;
	pq_query *q;
	pq_arena *arena;
	bool braces, brackets;	/* inside {...}, [...] */
	bool grouping;		/* inside by (...) and the like */
	bool was_braces, was_brackets, was_grouping;	/* the same before the last token */
	int ntokens;
	bool after_group;	/* the last token was group_left or group_right */
	int last, prev;		/* the last two tokens' codes */
	int parens;		/* unclosed '(', and where the innermost few are */
	unsigned paren_at[PQ_MAXDEPTH + 1];
	bool failed;		/* a syntax error: no tree */
	bool too_deep;
	pq_mlist *ml, **ml_tail;	/* the matchers of the selector being parsed */
	pq_node *root;
} pq_parser;

/* promql.c */
void *pq_alloc(pq_parser *p, size_t n);
char *pq_strndup(pq_parser *p, const char *s, size_t n);
void pq_error(pq_parser *p, pq_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void pq_warn(pq_parser *p, pq_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
pq_node *pq_node_new(pq_parser *p, enum pn_kind k, pq_span at);
pq_node *pq_mk_num(pq_parser *p, pq_span at, double v);
pq_node *pq_mk_str(pq_parser *p, pq_span at, const char *s);
pq_node *pq_mk_sel(pq_parser *p, pq_span at, const char *name, pq_span name_at);
void pq_add_matcher(pq_parser *p, const char *name, pq_span name_at, enum pq_match op, const char *value, pq_span value_at);
pq_node *pq_mk_range(pq_parser *p, pq_span at, pq_node *e, pq_node *range, int rangemod);
pq_node *pq_mk_subq(pq_parser *p, pq_span at, pq_node *e, pq_node *range, pq_node *step);
pq_node *pq_mk_offset(pq_parser *p, pq_span at, pq_span kw, pq_node *e, pq_node *d);
pq_node *pq_mk_at(pq_parser *p, pq_span at, pq_span kw, pq_node *e, int kind, double ts, pq_span ts_at);
pq_node *pq_mk_call(pq_parser *p, pq_span at, const char *name, pq_span name_at, pq_node *args);
pq_node *pq_mk_aggr(pq_parser *p, pq_span at, int op, pq_span op_at, pq_node *args);
pq_node *pq_mk_kwcall(pq_parser *p, pq_span at, int kw);
pq_node *pq_grouped(pq_parser *p, pq_node *n, bool without, pq_label *labels, pq_span at);
pq_node *pq_mk_bin(pq_parser *p, int op, pq_span op_at, pq_binmod *mod, pq_node *a, pq_node *b);
pq_node *pq_mk_unary(pq_parser *p, pq_span at, int op, pq_node *e);
pq_node *pq_mk_paren(pq_parser *p, pq_span at, pq_node *e);
pq_node *pq_mk_dnum(pq_parser *p, pq_span at, double sec, bool number);
pq_node *pq_mk_dbin(pq_parser *p, pq_span at, int op, pq_node *a, pq_node *b);
pq_node *pq_mk_dunary(pq_parser *p, pq_span at, int op, pq_node *e);
pq_node *pq_mk_dparen(pq_parser *p, pq_span at, pq_node *e);
pq_node *pq_mk_dfunc(pq_parser *p, pq_span at, const char *name, pq_span name_at, pq_node *a, pq_node *b);
pq_node *pq_keep_names(pq_parser *p, pq_node *n, pq_span at);
pq_node *pq_limit(pq_parser *p, pq_node *n, double v, pq_span at);
pq_label *pq_label_new(pq_parser *p, const char *name, pq_span at);
/* The aggregation keyword AGGR's value stands for, and whether it takes a parameter (topk ...). */
const char *pq_aggr_name(int op, bool *param);
/* A token's text as Prometheus names it in "unexpected ..." */
void pq_token_desc(pq_parser *p, int tok, pq_span at, sbuf *out);

/* promql.re */
union PQSTYPE;
int pq_lex(union PQSTYPE *lval, pq_span *loc, pq_parser *p);
}

%code {
#include <stdlib.h>
#include <string.h>

#define pqlex pq_lex

/*
 * The stack of a legal query grows by a few symbols a nesting level;
 * deeper is reported as too deep (pqerror), so that no input exhausts it.
 */
#define YYMAXDEPTH (10 * PQ_MAXDEPTH)

static void
pqerror(pq_span *loc, pq_parser *p, const char *msg)
{
	p->failed = true;
	if (strcmp(msg, "memory exhausted") == 0)
		pq_error(p, *loc, "expression nested more than %d deep", PQ_MAXDEPTH);
	else
		pq_error(p, *loc, "%s", msg);
}

static pq_binmod *
binmod(pq_parser *p)
{
	return pq_alloc(p, sizeof(pq_binmod));
}

static pq_label *
append(pq_label *list, pq_label *l)
{
	pq_label **t = &list;

	while (*t)
		t = &(*t)->next;
	*t = l;
	return list;
}
}

%union {
	double num;
	char *str;
	int op;
	pq_node *node;
	pq_label *labels;
	pq_binmod *mod;
	enum pq_match match;
}

%token <str> IDENT "identifier" METRIC_IDENT "metric identifier" STRING "string"
%token <num> NUMBER "number" DURATION "duration"
%token <op> AGGR "aggregation"
%token LAND "and" LOR "or" LUNLESS "unless" ATAN2 "atan2"
%token BY "by" WITHOUT "without" ON "on" IGNORING "ignoring"
%token GROUP_LEFT "group_left" GROUP_RIGHT "group_right" BOOL "bool" OFFSET "offset"
%token START "start" END "end" STEP "step" RANGE "range" ANCHORED "anchored" SMOOTHED "smoothed"
%token DEFAULT "default" IF "if" IFNOT "ifnot" KEEP_METRIC_NAMES "keep_metric_names" LIMIT "limit"
%token EQLC "\"==\"" NEQ "\"!=\"" LTE "\"<=\"" GTE "\">=\"" EQL_RE "\"=~\"" NEQ_RE "\"!~\""
%token LPAREN "\"(\"" GROUP_LPAREN "\"(\" " RPAREN "\")\"" LBRACE "\"{\"" RBRACE "\"}\""
%token LBRACKET "\"[\"" RBRACKET "\"]\"" COMMA "\",\"" COLON "\":\"" ASSIGN "\"=\""
%token ADD "\"+\"" SUB "\"-\"" MUL "\"*\"" DIV "\"/\"" MOD "\"%\"" POW "\"^\"" LSS "\"<\"" GTR "\">\"" AT "\"@\""

%type <node> expr selector call aggr args arglist dexpr dlit dfunc odur
%type <str> metric_name label_name
%type <labels> grouping_labels label_list labels
%type <mod> bin_mod on_ignoring
%type <match> match_op
%type <op> colon

%left LOR DEFAULT
%left LAND LUNLESS IF IFNOT
%left EQLC NEQ LTE GTE LSS GTR
%left ADD SUB
%left MUL DIV MOD ATAN2
%precedence UNARY
%right POW
%precedence OFFSET AT
%precedence LBRACKET

%%

query
	: expr			{ p->root = $1; }
	;

expr
	: NUMBER		{ $$ = pq_mk_num(p, @1, $1); }
	| DURATION		{ $$ = pq_mk_num(p, @1, $1 / 1000); }
	| STRING		{ $$ = pq_mk_str(p, @1, $1); }
	| selector
	| call
	| aggr
	| START LPAREN RPAREN	{ $$ = pq_mk_kwcall(p, @$, PQT_START); }
	| END LPAREN RPAREN	{ $$ = pq_mk_kwcall(p, @$, PQT_END); }
	| STEP LPAREN RPAREN	{ $$ = pq_mk_kwcall(p, @$, PQT_STEP); }
	| RANGE LPAREN RPAREN	{ $$ = pq_mk_kwcall(p, @$, PQT_RANGE); }
	| LPAREN expr RPAREN	{ $$ = pq_mk_paren(p, @$, $2); }
	| SUB expr %prec UNARY	{ $$ = pq_mk_unary(p, @$, PQT_SUB, $2); }
	| ADD expr %prec UNARY	{ $$ = pq_mk_unary(p, @$, PQT_ADD, $2); }
	| expr LOR bin_mod expr		{ $$ = pq_mk_bin(p, PQT_LOR, @2, $3, $1, $4); }
	| expr DEFAULT bin_mod expr	{ $$ = pq_mk_bin(p, PQT_DEFAULT, @2, $3, $1, $4); }
	| expr LAND bin_mod expr	{ $$ = pq_mk_bin(p, PQT_LAND, @2, $3, $1, $4); }
	| expr LUNLESS bin_mod expr	{ $$ = pq_mk_bin(p, PQT_LUNLESS, @2, $3, $1, $4); }
	| expr IF bin_mod expr		{ $$ = pq_mk_bin(p, PQT_IF, @2, $3, $1, $4); }
	| expr IFNOT bin_mod expr	{ $$ = pq_mk_bin(p, PQT_IFNOT, @2, $3, $1, $4); }
	| expr EQLC bin_mod expr	{ $$ = pq_mk_bin(p, PQT_EQLC, @2, $3, $1, $4); }
	| expr NEQ bin_mod expr		{ $$ = pq_mk_bin(p, PQT_NEQ, @2, $3, $1, $4); }
	| expr LTE bin_mod expr		{ $$ = pq_mk_bin(p, PQT_LTE, @2, $3, $1, $4); }
	| expr GTE bin_mod expr		{ $$ = pq_mk_bin(p, PQT_GTE, @2, $3, $1, $4); }
	| expr LSS bin_mod expr		{ $$ = pq_mk_bin(p, PQT_LSS, @2, $3, $1, $4); }
	| expr GTR bin_mod expr		{ $$ = pq_mk_bin(p, PQT_GTR, @2, $3, $1, $4); }
	| expr ADD bin_mod expr		{ $$ = pq_mk_bin(p, PQT_ADD, @2, $3, $1, $4); }
	| expr SUB bin_mod expr		{ $$ = pq_mk_bin(p, PQT_SUB, @2, $3, $1, $4); }
	| expr MUL bin_mod expr		{ $$ = pq_mk_bin(p, PQT_MUL, @2, $3, $1, $4); }
	| expr DIV bin_mod expr		{ $$ = pq_mk_bin(p, PQT_DIV, @2, $3, $1, $4); }
	| expr MOD bin_mod expr		{ $$ = pq_mk_bin(p, PQT_MOD, @2, $3, $1, $4); }
	| expr ATAN2 bin_mod expr	{ $$ = pq_mk_bin(p, PQT_ATAN2, @2, $3, $1, $4); }
	| expr POW bin_mod expr		{ $$ = pq_mk_bin(p, PQT_POW, @2, $3, $1, $4); }
	| expr LBRACKET dexpr RBRACKET	{ $$ = pq_mk_range(p, @$, $1, $3, 0); }
	| expr LBRACKET dexpr RBRACKET SMOOTHED	{ $$ = pq_mk_range(p, @$, $1, $3, PQT_SMOOTHED); }
	| expr LBRACKET dexpr RBRACKET ANCHORED	{ $$ = pq_mk_range(p, @$, $1, $3, PQT_ANCHORED); }
	| expr LBRACKET dexpr colon RBRACKET	{ $$ = pq_mk_subq(p, @$, $1, $3, NULL); }
	| expr LBRACKET dexpr colon dexpr RBRACKET	{ $$ = pq_mk_subq(p, @$, $1, $3, $5); }
	| expr OFFSET odur	{ $$ = pq_mk_offset(p, @$, @2, $1, $3); }
	| expr AT NUMBER	{ $$ = pq_mk_at(p, @$, @2, $1, PQT_AT, $3, @3); }
	| expr AT DURATION	{ $$ = pq_mk_at(p, @$, @2, $1, PQT_AT, $3 / 1000, @3); }
	| expr AT SUB NUMBER	{ $$ = pq_mk_at(p, @$, @2, $1, PQT_AT, -$4, (pq_span){ @3.off, @4.off + @4.len - @3.off }); }
	| expr AT ADD NUMBER	{ $$ = pq_mk_at(p, @$, @2, $1, PQT_AT, $4, (pq_span){ @3.off, @4.off + @4.len - @3.off }); }
	| expr AT START LPAREN RPAREN	{ $$ = pq_mk_at(p, @$, @2, $1, PQT_START, 0, @3); }
	| expr AT END LPAREN RPAREN	{ $$ = pq_mk_at(p, @$, @2, $1, PQT_END, 0, @3); }
	;

/* The ':' of a subquery; Prometheus 2 took any letter for it. */
colon
	: COLON			{ $$ = 0; }
	| IDENT {
		$$ = 0;
		if (strlen($1) == 1)
			pq_warn(p, @1, "Prometheus 2.x reads '%s' as ':' here; Prometheus 3 rejects it — write ':'", $1);
		else {
			pq_error(p, @1, "unexpected identifier \"%s\" in subquery or range selector, expected \":\" or \"]\"", $1);
			p->failed = true;
			YYABORT;
		}
	}
	;

/* bool, on(...)/ignoring(...), group_left(...)/group_right(...) */
bin_mod
	: %empty		{ $$ = NULL; }
	| BOOL			{ $$ = binmod(p); $$->bool_mod = true; $$->bool_at = @1; }
	| on_ignoring
	| on_ignoring GROUP_LEFT { $$ = $1; $$->card = PQT_GROUP_LEFT; $$->card_at = @2; }
	| on_ignoring GROUP_RIGHT { $$ = $1; $$->card = PQT_GROUP_RIGHT; $$->card_at = @2; }
	| on_ignoring GROUP_LEFT GROUP_LPAREN label_list RPAREN {
		$$ = $1; $$->card = PQT_GROUP_LEFT; $$->card_at = @2; $$->include = $4;
	}
	| on_ignoring GROUP_RIGHT GROUP_LPAREN label_list RPAREN {
		$$ = $1; $$->card = PQT_GROUP_RIGHT; $$->card_at = @2; $$->include = $4;
	}
	;

on_ignoring
	: ON grouping_labels	{ $$ = binmod(p); $$->matching = PQT_ON; $$->labels = $2; }
	| IGNORING grouping_labels { $$ = binmod(p); $$->matching = PQT_IGNORING; $$->labels = $2; }
	| BOOL ON grouping_labels {
		$$ = binmod(p); $$->bool_mod = true; $$->bool_at = @1; $$->matching = PQT_ON; $$->labels = $3;
	}
	| BOOL IGNORING grouping_labels {
		$$ = binmod(p); $$->bool_mod = true; $$->bool_at = @1; $$->matching = PQT_IGNORING; $$->labels = $3;
	}
	;

grouping_labels
	: LPAREN label_list RPAREN	{ $$ = $2; }
	;

label_list
	: %empty		{ $$ = NULL; }
	| labels
	| labels COMMA
	;

labels
	: label_name		{ $$ = pq_label_new(p, $1, @1); }
	| labels COMMA label_name { $$ = append($1, pq_label_new(p, $3, @3)); }
	;

/* A label in by (...): any word, keywords too, or a quoted name. */
label_name
	: metric_name
	| STRING
	| labelkw		{ $$ = pq_strndup(p, p->base + @1.off, @1.len); }
	;

labelkw
	: BOOL | ON | IGNORING | GROUP_LEFT | GROUP_RIGHT | ATAN2
	;

/* The keywords that may name a metric, as written. */
metric_name
	: IDENT
	| METRIC_IDENT
	| kwname		{ $$ = pq_strndup(p, p->base + @1.off, @1.len); }
	;

kwname
	: AGGR | LAND | LOR | LUNLESS | BY | WITHOUT | OFFSET | START | END | STEP | RANGE
	| ANCHORED | SMOOTHED | DEFAULT | IF | IFNOT | KEEP_METRIC_NAMES | LIMIT
	;

selector
	: metric_name		{ $$ = pq_mk_sel(p, @$, $1, @1); }
	| metric_name LBRACE matchers RBRACE { $$ = pq_mk_sel(p, @$, $1, @1); }
	| LBRACE matchers RBRACE	{ $$ = pq_mk_sel(p, @$, NULL, @1); }
	;

matchers
	: %empty
	| matcher_list
	| matcher_list COMMA
	;

matcher_list
	: matcher
	| matcher_list COMMA matcher
	;

matcher
	: IDENT match_op STRING	{ pq_add_matcher(p, $1, @1, $2, $3, @3); }
	| STRING match_op STRING { pq_add_matcher(p, $1, @1, $2, $3, @3); }
	| STRING		{ pq_add_matcher(p, NULL, @1, PQ_EQ, $1, @1); }
	;

match_op
	: ASSIGN		{ $$ = PQ_EQ; }
	| NEQ			{ $$ = PQ_NE; }
	| EQL_RE		{ $$ = PQ_RE; }
	| NEQ_RE		{ $$ = PQ_NRE; }
	;

/* call -> name ( args ) [by (...)] [keep_metric_names]; grouping is MetricsQL's */
call
	: IDENT LPAREN args RPAREN	{ $$ = pq_mk_call(p, @$, $1, @1, $3); }
	| IDENT LPAREN args RPAREN BY grouping_labels {
		$$ = pq_grouped(p, pq_mk_call(p, @$, $1, @1, $3), false, $6, @5);
	}
	| IDENT LPAREN args RPAREN WITHOUT grouping_labels {
		$$ = pq_grouped(p, pq_mk_call(p, @$, $1, @1, $3), true, $6, @5);
	}
	| IDENT BY grouping_labels LPAREN args RPAREN {
		$$ = pq_grouped(p, pq_mk_call(p, @$, $1, @1, $5), false, $3, @2);
	}
	| IDENT WITHOUT grouping_labels LPAREN args RPAREN {
		$$ = pq_grouped(p, pq_mk_call(p, @$, $1, @1, $5), true, $3, @2);
	}
	| call KEEP_METRIC_NAMES	{ $$ = pq_keep_names(p, $1, @2); }
	| call LIMIT NUMBER		{ $$ = pq_limit(p, $1, $3, @$); }
	;

/* aggr -> op [by|without (...)] ( args ) [by|without (...)] */
aggr
	: AGGR LPAREN args RPAREN	{ $$ = pq_mk_aggr(p, @$, $1, @1, $3); }
	| AGGR BY grouping_labels LPAREN args RPAREN {
		$$ = pq_grouped(p, pq_mk_aggr(p, @$, $1, @1, $5), false, $3, @2);
	}
	| AGGR WITHOUT grouping_labels LPAREN args RPAREN {
		$$ = pq_grouped(p, pq_mk_aggr(p, @$, $1, @1, $5), true, $3, @2);
	}
	| AGGR LPAREN args RPAREN BY grouping_labels {
		$$ = pq_grouped(p, pq_mk_aggr(p, @$, $1, @1, $3), false, $6, @5);
	}
	| AGGR LPAREN args RPAREN WITHOUT grouping_labels {
		$$ = pq_grouped(p, pq_mk_aggr(p, @$, $1, @1, $3), true, $6, @5);
	}
	| aggr LIMIT NUMBER		{ $$ = pq_limit(p, $1, $3, @$); }
	;

args
	: %empty		{ $$ = NULL; }
	| arglist
	;

/* The arguments are chained in reverse; pq_mk_call and pq_mk_aggr turn them round. */
arglist
	: expr
	| arglist COMMA expr	{ $$ = $3; $$->next = $1; }
	;

/* Duration expressions (Prometheus 3, promql-duration-expr), in seconds. */
dexpr
	: dlit
	| dfunc
	| LPAREN dexpr RPAREN	{ $$ = pq_mk_dparen(p, @$, $2); }
	| SUB dexpr %prec UNARY	{ $$ = pq_mk_dunary(p, @$, PQT_SUB, $2); }
	| ADD dexpr %prec UNARY	{ $$ = pq_mk_dunary(p, @$, PQT_ADD, $2); }
	| dexpr ADD dexpr	{ $$ = pq_mk_dbin(p, @2, PQT_ADD, $1, $3); }
	| dexpr SUB dexpr	{ $$ = pq_mk_dbin(p, @2, PQT_SUB, $1, $3); }
	| dexpr MUL dexpr	{ $$ = pq_mk_dbin(p, @2, PQT_MUL, $1, $3); }
	| dexpr DIV dexpr	{ $$ = pq_mk_dbin(p, @2, PQT_DIV, $1, $3); }
	| dexpr MOD dexpr	{ $$ = pq_mk_dbin(p, @2, PQT_MOD, $1, $3); }
	| dexpr POW dexpr	{ $$ = pq_mk_dbin(p, @2, PQT_POW, $1, $3); }
	;

dlit
	: NUMBER		{ $$ = pq_mk_dnum(p, @1, $1, true); }
	| DURATION		{ $$ = pq_mk_dnum(p, @1, $1 / 1000, false); }
	;

dfunc
	: STEP LPAREN RPAREN	{ $$ = pq_mk_dfunc(p, @$, "step", @1, NULL, NULL); }
	| RANGE LPAREN RPAREN	{ $$ = pq_mk_dfunc(p, @$, "range", @1, NULL, NULL); }
	| IDENT LPAREN dexpr COMMA dexpr RPAREN { $$ = pq_mk_dfunc(p, @$, $1, @1, $3, $5); }
	;

/* offset -> [+-] literal | [+-] function | [+-] ( duration expression ) */
odur
	: dlit
	| dfunc
	| SUB dlit		{ $$ = pq_mk_dunary(p, @$, PQT_SUB, $2); }
	| ADD dlit		{ $$ = pq_mk_dunary(p, @$, PQT_ADD, $2); }
	| SUB dfunc		{ $$ = pq_mk_dunary(p, @$, PQT_SUB, $2); }
	| ADD dfunc		{ $$ = pq_mk_dunary(p, @$, PQT_ADD, $2); }
	| LPAREN dexpr RPAREN	{ $$ = pq_mk_dparen(p, @$, $2); }
	| SUB LPAREN dexpr RPAREN { $$ = pq_mk_dunary(p, @$, PQT_SUB, pq_mk_dparen(p, (pq_span){ @2.off, @4.off + 1 - @2.off }, $3)); }
	| ADD LPAREN dexpr RPAREN { $$ = pq_mk_dunary(p, @$, PQT_ADD, pq_mk_dparen(p, (pq_span){ @2.off, @4.off + 1 - @2.off }, $3)); }
	;

%%

/* The words of "expected ..." for a set of tokens, or NULL when there are too many to say. */
static const char *
expected_word(yysymbol_kind_t k)
{
	switch ((int)k) {
	case YYSYMBOL_IDENT: return "identifier";
	case YYSYMBOL_STRING: return "string";
	case YYSYMBOL_NUMBER: return "number";
	case YYSYMBOL_DURATION: return "duration";
	default: return NULL;
	}
}

static int
yyreport_syntax_error(const yypcontext_t *ctx, pq_parser *p)
{
	yysymbol_kind_t la = yypcontext_token(ctx), exp[8];
	pq_span at = *yypcontext_location(ctx);
	int n = yypcontext_expected_tokens(ctx, exp, 8);
	sbuf b = { 0 };

	p->failed = true;
	if (la == YYSYMBOL_YYEOF) {
		at.len = 0;
		if (p->ntokens == 1) {
			pq_error(p, at, "no expression found in input");
		} else if (p->was_braces) {
			pq_error(p, at, "unexpected end of input inside braces");
		} else if (p->parens > 0) {
			unsigned o = p->paren_at[p->parens - 1];
			pq_error(p, (pq_span){ o, 1 }, "unclosed left parenthesis");
		} else if (p->was_brackets) {
			pq_error(p, at, "unexpected end of input in duration expression");
		} else if (p->prev == PQT_OFFSET) {
			pq_error(p, at, "unexpected end of input in offset, expected number, duration, step(), or range()");
		} else if (p->prev == PQT_AT) {
			pq_error(p, at, "unexpected end of input in @, expected timestamp");
		} else {
			pq_error(p, at, "unexpected end of input");
		}
		return 0;
	}
	if (la == YYSYMBOL_YYerror || la == YYSYMBOL_YYUNDEF)	/* the lexer said why */
		return 0;
	if (p->prev == PQT_COMMA && la == YYSYMBOL_RPAREN && !p->was_grouping && !p->was_braces) {
		pq_error(p, at, "trailing commas not allowed in function call args");
		return 0;
	}
	bool grouping = p->was_grouping || p->prev == PQT_BY || p->prev == PQT_WITHOUT || p->prev == PQT_ON ||
		p->prev == PQT_IGNORING;
	bool eof = false;
	for (int i = 0; i < n; i++)
		eof |= exp[i] == YYSYMBOL_YYEOF;
	sb_add(&b, "unexpected ", 11);
	pq_token_desc(p, p->last, at, &b);
	if (p->was_braces)
		sb_printf(&b, " in label matching");
	else if (grouping)
		sb_printf(&b, " in grouping opts");
	else if (p->was_brackets)
		sb_printf(&b, " in subquery or range selector");
	if (p->was_grouping) {
		sb_printf(&b, ", expected label");
	} else if (p->was_brackets && (p->prev == PQT_LBRACKET || p->prev == PQT_STEP || p->prev == PQT_RANGE ||
				       p->prev == PQT_COLON)) {
		sb_printf(&b, ", expected number, duration, step(), or range()");
	} else if (n > 0 && n <= 4 && !eof) {
		bool op = false;
		for (int i = 0; i < n; i++)
			op |= exp[i] == YYSYMBOL_EQL_RE;
		if (op) {
			sb_printf(&b, ", expected label matching operator");
		} else {
			sb_printf(&b, ", expected ");
			for (int i = 0; i < n; i++) {
				const char *w = expected_word(exp[i]);
				sb_printf(&b, "%s%s", i == 0 ? "" : i == n - 1 ? " or " : ", ",
					  w ? w : yysymbol_name(exp[i]));
			}
		}
	}
	pq_error(p, at, "%s", b.s);
	free(b.s);
	return 0;
}
