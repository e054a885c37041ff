/* parser.y: the grammar of .gate files (GNU Bison), building an ast_file. */
%define api.pure full
%define parse.error detailed
%define api.location.type {diag_span}
%locations
%expect 0
%parse-param {parser *p}
%lex-param {parser *p}

%code requires {
#include "parse.h"

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
}

%code {
#include <string.h>

#define yylex lexer_next

static void
yyerror(diag_span *loc, parser *p, const char *msg)
{
	diag_error(p->d, *loc, "%s", msg);
}

static ast_node *
node(parser *p, enum ast_kind k, diag_span at)
{
	return ast_node_new(p->f, k, at);
}

/*
 * Later passes recurse over expressions: bound their height here, so that
 * no input can exhaust the C stack (a chain of 100k && would).
 */
#define MAX_HEIGHT 256

static ast_node *
grown(parser *p, ast_node *n)
{
	for (int i = 0; i < n->nargs; i++)
		if (n->arg[i]->depth + 1 > n->depth)
			n->depth = n->arg[i]->depth + 1;
	if (n->depth > MAX_HEIGHT && !p->too_deep) {
		diag_error(p->d, n->span, "expression nested more than %d deep; split it into rules", MAX_HEIGHT);
		p->too_deep = true;
	}
	if (n->depth > MAX_HEIGHT)	/* keep the tree shallow: later passes never run */
		n->nargs = 0, n->kind = A_NUM;
	return n;
}

static ast_node *
unary(parser *p, enum ast_kind k, diag_span at, ast_node *a)
{
	ast_node *n = node(p, k, at);

	n->arg[0] = a;
	n->nargs = 1;
	return grown(p, n);
}

static ast_node *
binary(parser *p, enum ast_op op, ast_node *a, ast_node *b)
{
	ast_node *n = node(p, A_BIN, ast_join(a->span, b->span));

	n->op = op;
	n->arg[0] = a;
	n->arg[1] = b;
	n->nargs = 2;
	return grown(p, n);
}

static void
setting(parser *p, ast_gate *g, enum gate_setting s, diag_span kw, ast_node *v)
{
	static const char *const names[] = { "step", "window", "lookback" };

	if (g->set[s]) {
		diag_error(p->d, kw, "'%s' given twice in gate '%s'", names[s], g->name);
		diag_note(p->d, g->set_span[s], "first given here");
		return;
	}
	g->set[s] = v;
	g->set_span[s] = kw;
}

static void
rule(parser *p, ast_gate *g, enum rule_kind k, diag_span kw, const char *name,
     diag_span name_span, ast_node *cond)
{
	ast_rule *r = ast_add_rule(p->f, g);

	r->kind = k;
	r->name = name;
	r->span = kw;
	r->name_span = name_span;
	r->cond = cond;
}

}

%union {
	const char *str;
	ast_node *node;
	struct ast_metric *metric;
	struct ast_label *labels;
	ast_node *args[AST_MAXARGS + 1];
}

%token PARAM "'param'" METRIC "'metric'" BASELINE "'baseline'" DEFAULT "'default'" UNIT "'unit'"
%token PROMETHEUS "'prometheus'" DIALECT "'dialect'" GATE "'gate'" STEP "'step'" WINDOW "'window'"
%token LOOKBACK "'lookback'" ROLLBACK "'rollback'" NOGO "'nogo'" GO "'go'" OBSERVE "'observe'"
%token WHEN "'when'" FOR "'for'"
%token <str> IDENT "identifier" STRING "string" QUERY "query"
%token NUMBER "number"
%token AND "'&&'" OR "'||'" LE "'<='" GE "'>='" EQ "'=='" NE "'!='"

%type <node> expr number duration signed_number
%type <metric> metric_head
%type <labels> labels
%type <str> rule_name
%type <node> call
%type <args> args

%left OR
%left AND
%precedence '!'
%precedence FOR
%nonassoc '<' LE '>' GE EQ NE
%left '+' '-'
%left '*' '/'
%precedence UMINUS

%%

/* file -> item* */
file
	: %empty
	| file item
	;

item
	: PARAM IDENT '=' STRING {
		ast_param *a = ast_add_param(p->f);
		a->name = $2;
		a->span = @2;
		a->value = $4;
		a->value_span = @4;
	}
	| metric_head metric_opts
	| PROMETHEUS STRING {
		if (p->f->prometheus) {
			diag_error(p->d, @1, "'prometheus' given twice");
			diag_note(p->d, p->f->prometheus_span, "first given here");
		}
		p->f->prometheus = $2;
		p->f->prometheus_span = @2;
	}
	| DIALECT IDENT {
		if (p->f->dialect) {
			diag_error(p->d, @1, "'dialect' given twice");
			diag_note(p->d, p->f->dialect_span, "first given here");
		}
		p->f->dialect = $2;
		p->f->dialect_span = @2;
	}
	| GATE IDENT '{' {
		p->gate = ast_add_gate(p->f);
		p->gate->name = $2;
		p->gate->span = @2;
	  } gate_body '}'
	| error
	;

/* metric NAME [by (LABEL, ...)] = `query` [baseline `query`] [default NUMBER] [unit WORD] [when COND] */
metric_head
	: METRIC IDENT '=' QUERY {
		$$ = ast_add_metric(p->f);
		$$->name = $2;
		$$->span = @2;
		$$->q[0].text = $4;
		$$->q[0].span = @4;
	}
	| METRIC IDENT IDENT '(' labels ')' '=' QUERY {
		$$ = ast_add_metric(p->f);
		$$->name = $2;
		$$->span = @2;
		$$->q[0].text = $8;
		$$->q[0].span = @8;
		$$->by = $5;
		$$->by_span = @5;
		if (strcmp($3, "by") != 0)	/* by is a word only here: a metric may be named by */
			diag_error(p->d, @3, "expected '=' or 'by' after the metric's name, found '%s'", $3);
	}
	;
/* labels -> IDENT {, IDENT} */
labels
	: IDENT			{ $$ = ast_add_label(p->f, NULL, $1, @1); }
	| labels ',' IDENT	{ $$ = ast_add_label(p->f, $1, $3, @3); }
	;

metric_opts
	: %empty
	| metric_opts BASELINE QUERY {
		ast_metric *m = &p->f->metrics[p->f->nmetrics - 1];
		if (m->q[1].text) {
			diag_error(p->d, @2, "metric '%s' has two baselines", m->name);
		} else {
			m->q[1].text = $3;
			m->q[1].span = @3;
		}
	}
	| metric_opts DEFAULT signed_number {
		ast_metric *m = &p->f->metrics[p->f->nmetrics - 1];
		if (m->dflt)
			diag_error(p->d, @2, "metric '%s' has two defaults", m->name);
		else
			m->dflt = $3;
	}
	| metric_opts UNIT IDENT {
		ast_metric *m = &p->f->metrics[p->f->nmetrics - 1];
		if (m->unit_word) {
			diag_error(p->d, @2, "metric '%s' has two units", m->name);
		} else {
			m->unit_word = $3;
			m->unit_span = @3;
		}
	}
	| metric_opts WHEN expr {
		ast_metric *m = &p->f->metrics[p->f->nmetrics - 1];
		if (m->floor) {
			diag_error(p->d, @2, "metric '%s' has two floors; join the conditions with &&", m->name);
		} else {
			m->floor = $3;
			m->floor_span = @2;
		}
	}
	;

gate_body
	: %empty
	| gate_body gate_item
	;

/* gate_item -> step D | window D | lookback D | rule (rollback, nogo, observe NAME when C; go [NAME] when C) */
gate_item
	: STEP duration		{ setting(p, p->gate, SET_STEP, @1, $2); }
	| WINDOW duration	{ setting(p, p->gate, SET_WINDOW, @1, $2); }
	| LOOKBACK duration	{ setting(p, p->gate, SET_LOOKBACK, @1, $2); }
	| ROLLBACK rule_name WHEN expr	{ rule(p, p->gate, RULE_ROLLBACK, @1, $2, @2, $4); }
	| NOGO rule_name WHEN expr	{ rule(p, p->gate, RULE_NOGO, @1, $2, @2, $4); }
	| OBSERVE rule_name WHEN expr	{ rule(p, p->gate, RULE_OBSERVE, @1, $2, @2, $4); }
	| GO WHEN expr			{ rule(p, p->gate, RULE_GO, @1, NULL, @1, $3); }
	| GO STRING WHEN expr		{ rule(p, p->gate, RULE_GO, @1, $2, @2, $4); }
	| error
	;

rule_name
	: STRING
	;

duration
	: number
	;

number
	: NUMBER { $$ = node(p, A_NUM, @1); }
	;

signed_number
	: number
	| '-' number { $$ = unary(p, A_NEG, @$, $2); }
	;

expr
	: expr OR expr		{ $$ = binary(p, OPR_OR, $1, $3); }
	| expr AND expr		{ $$ = binary(p, OPR_AND, $1, $3); }
	| '!' expr		{ $$ = unary(p, A_NOT, @$, $2); }
	| expr FOR duration	{ $$ = unary(p, A_FOR, @$, $1); $$->arg[1] = $3; $$->nargs = 2; }
	| expr '<' expr		{ $$ = binary(p, OPR_LT, $1, $3); }
	| expr LE expr		{ $$ = binary(p, OPR_LE, $1, $3); }
	| expr '>' expr		{ $$ = binary(p, OPR_GT, $1, $3); }
	| expr GE expr		{ $$ = binary(p, OPR_GE, $1, $3); }
	| expr EQ expr		{ $$ = binary(p, OPR_EQ, $1, $3); }
	| expr NE expr		{ $$ = binary(p, OPR_NE, $1, $3); }
	| expr '+' expr		{ $$ = binary(p, OPR_ADD, $1, $3); }
	| expr '-' expr		{ $$ = binary(p, OPR_SUB, $1, $3); }
	| expr '*' expr		{ $$ = binary(p, OPR_MUL, $1, $3); }
	| expr '/' expr		{ $$ = binary(p, OPR_DIV, $1, $3); }
	| '-' expr %prec UMINUS	{ $$ = unary(p, A_NEG, @$, $2); }
	| '(' expr ')' {
		$$ = $2;
		if ($$->kind != A_NUM)	/* a literal's span is its text, which sema reads */
			$$->span = @$;
	}
	| number
	| IDENT			{ $$ = node(p, A_METRIC, @1); $$->name = $1; $$->name_span = @1; }
	| BASELINE		{ $$ = node(p, A_BASELINE, @1); }
	| BASELINE '(' IDENT ')' {
		$$ = node(p, A_BASELINE, @$);
		$$->name = $3;
		$$->name_span = @3;
	}
	| call
	;

/* call -> IDENT ( expr {, expr} ) */
call
	: IDENT '(' args ')' {
		$$ = node(p, A_CALL, @$);
		$$->name = $1;
		$$->name_span = @1;
		$$->nargs = 0;
		for (int i = 0; $3[i] && i < AST_MAXARGS; i++)
			$$->arg[$$->nargs++] = $3[i];
		if ($3[AST_MAXARGS])
			diag_error(p->d, @3, "too many arguments to '%s'", $1);
		$$ = grown(p, $$);
	}
	;

args
	: expr {
		memset($$, 0, sizeof $$);
		$$[0] = $1;
	}
	| args ',' expr {
		memcpy($$, $1, sizeof $$);
		int i = 0;
		while (i < AST_MAXARGS && $$[i])
			i++;
		$$[i] = $3;	/* slot AST_MAXARGS marks "too many" */
	}
	;

%%
