/*
 * compile.c: a checked syntax tree to bytecode.  sema.c has typed the tree
 * and folded its constants; what is left here cannot fail.
 */
#include "parse.h"
#include "program.h"
#include "sema.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct compiler {
	program *p;
	diag_src *d;
	int depth, maxdepth;	/* stack depth of the gate being compiled */
	int rule;		/* index of the rule being compiled */
} compiler;

static int
konst(compiler *c, double v)
{
	program *p = c->p;

	for (int i = 0; i < p->nk; i++)
		if (memcmp(&p->k[i], &v, sizeof v) == 0)
			return i;
	if (p->nk == p->capk)
		p->k = xrealloc(p->k, (size_t)(p->capk = p->capk ? 2 * p->capk : 16) * sizeof *p->k);
	p->k[p->nk] = v;
	return p->nk++;
}

/* Net stack effect of each opcode. */
static int
effect(int op)
{
	switch (op) {
	case OP_CONST: case OP_LOAD: case OP_AVG: case OP_MIN: case OP_MAX:
	case OP_DELTA: case OP_RATE: case OP_INCREASE:
		return 1;
	case OP_ADD: case OP_SUB: case OP_MUL: case OP_DIV: case OP_LT: case OP_LE:
	case OP_GT: case OP_GE: case OP_EQ: case OP_NE: case OP_AND: case OP_OR:
	case OP_RULE:
		return -1;
	default:
		return 0;	/* QUANTILE pops phi and pushes; NEG, NOT, FOR replace */
	}
}

static void
emit(compiler *c, int op, int32_t a, int64_t b, diag_span sp)
{
	program *p = c->p;

	if (p->ncode == p->capcode) {
		p->capcode = p->capcode ? 2 * p->capcode : 64;
		p->code = xrealloc(p->code, (size_t)p->capcode * sizeof *p->code);
		p->spans = xrealloc(p->spans, (size_t)p->capcode * sizeof *p->spans);
	}
	p->code[p->ncode] = (insn){ .op = (uint8_t)op, .a = a, .b = b };
	p->spans[p->ncode++] = sp;
	c->depth += effect(op);
	if (c->depth > c->maxdepth)
		c->maxdepth = c->depth;
}

static double
relative(const ast_node *n)
{
	return n->op == OPR_ADD ? 1 + n->arg[1]->num : 1 - n->arg[1]->num;
}

static void
metrics_read(const ast_node *n, int *out, int *nout, int max)
{
	if (!n)
		return;
	if ((n->kind == A_METRIC || n->kind == A_BASELINE) && n->metric >= 0) {
		int i;
		for (i = 0; i < *nout && out[i] != n->metric; i++)
			;
		if (i == *nout && *nout < max)
			out[(*nout)++] = n->metric;
	}
	for (int i = 0; i < n->nargs; i++)
		metrics_read(n->arg[i], out, nout, max);
}

/* The text of a span, its white space folded: a condition may span lines. */
static char *
source(compiler *c, diag_span sp)
{
	char *s = xmalloc(sp.len + 1), *o = s;

	for (unsigned i = 0; i < sp.len; i++) {
		char ch = c->d->text[sp.off + i];
		if (ch == '\n' || ch == '\t' || ch == '\r')
			ch = ' ';
		if (ch == ' ' && (o == s || o[-1] == ' '))
			continue;
		*o++ = ch;
	}
	*o = '\0';
	return s;
}

static void
gen(compiler *c, const ast_node *n)
{
	static const int fnop[] = {
		[FN_AVG] = OP_AVG, [FN_MIN] = OP_MIN, [FN_MAX] = OP_MAX, [FN_LAST] = OP_LOAD,
		[FN_DELTA] = OP_DELTA, [FN_QUANTILE] = OP_QUANTILE, [FN_RATE] = OP_RATE,
		[FN_INCREASE] = OP_INCREASE,
	};
	program *p = c->p;

	if (n->type == TY_NUM && n->isconst) {	/* sema folded it */
		emit(c, OP_CONST, konst(c, n->num), 0, n->span);
		return;
	}
	switch (n->kind) {
	case A_NUM:
		break;	/* folded by sema: taken above */
	case A_METRIC:
	case A_BASELINE: {
		bool b = n->kind == A_BASELINE;
		p->metrics[n->metric].bused |= b;
		emit(c, OP_LOAD, SERIES_OF(n->metric, b), 0, n->span);
		break;
	}
	case A_CALL: {
		const ast_node *s = n->arg[n->fn == FN_QUANTILE];
		bool b = s->kind == A_BASELINE;
		int64_t range = n->fn == FN_LAST ? 0 : (int64_t)n->arg[n->nargs - 1]->num;
		if (n->fn == FN_QUANTILE)
			gen(c, n->arg[0]);
		p->metrics[s->metric].bused |= b;
		emit(c, fnop[n->fn], SERIES_OF(s->metric, b), range, n->span);
		break;
	}
	case A_NEG:
		gen(c, n->arg[0]);
		emit(c, OP_NEG, 0, 0, n->span);
		break;
	case A_NOT:
		gen(c, n->arg[0]);
		emit(c, OP_NOT, 0, 0, n->span);
		break;
	case A_FOR:
		gen(c, n->arg[0]);
		emit(c, OP_FOR, p->nfor++, (int64_t)n->arg[1]->num, n->span);
		break;
	case A_BIN:
		gen(c, n->arg[0]);
		if (n->arg[1]->kind == A_NUM && n->arg[1]->relpct) {
			emit(c, OP_CONST, konst(c, relative(n)), 0, n->arg[1]->span);
			emit(c, OP_MUL, 0, 0, n->span);
			break;
		}
		gen(c, n->arg[1]);
		if (n->op >= OPR_LT && n->op <= OPR_NE) {
			prog_cmp *cmp;

			p->cmps = xrealloc(p->cmps, (size_t)(p->ncmps + 1) * sizeof *p->cmps);
			cmp = &p->cmps[p->ncmps];
			cmp->rule = c->rule;
			cmp->op = n->op;
			cmp->source = source(c, n->span);
			int nm = 0;
			metrics_read(n, cmp->metrics, &nm, 3);
			cmp->metrics[nm] = -1;
			emit(c, OP_LT + (n->op - OPR_LT), p->ncmps++, 0, n->span);
		} else {
			static const int binop[] = {
				[OPR_ADD] = OP_ADD, [OPR_SUB] = OP_SUB, [OPR_MUL] = OP_MUL,
				[OPR_DIV] = OP_DIV, [OPR_AND] = OP_AND, [OPR_OR] = OP_OR,
			};
			emit(c, binop[n->op], 0, 0, n->span);
		}
		break;
	}
}

static void
gate(compiler *c, const ast_gate *ag)
{
	program *p = c->p;
	prog_gate *g = &p->gates[p->ngates++];
	unsigned line, col;

	diag_linecol(c->d, ag->span.off, &line, &col);
	*g = (prog_gate){
		.name = ag->name, .line = line, .step = ag->step, .window = ag->window,
		.lookback = ag->lookback, .rule0 = p->nrules, .nrules = ag->nrules,
		.code = p->ncode, .cmp0 = p->ncmps, .for0 = p->nfor,
	};
	c->depth = c->maxdepth = 0;
	for (int i = 0; i < ag->nrules; i++) {
		const ast_rule *ar = &ag->rules[i];
		prog_rule *r = &p->rules[p->nrules];

		diag_linecol(c->d, ar->span.off, &line, &col);
		*r = (prog_rule){ .kind = ar->kind, .name = ar->name,
				  .source = source(c, ar->cond->span), .line = line };
		if (ar->kind == RULE_GO)
			g->go = p->nrules;
		c->rule = p->nrules;
		gen(c, ar->cond);
		emit(c, OP_RULE, p->nrules++, 0, ar->span);
	}
	emit(c, OP_HALT, 0, 0, ag->span);
	g->ncmp = p->ncmps - g->cmp0;
	g->nfor = p->nfor - g->for0;
	g->stack = c->maxdepth;
}

program *
program_compile(const char *path, char *text, size_t len, param_set *sets, int nsets,
		FILE *errs, int *nerrors)
{
	return program_compile_ex(path, text, len, sets, nsets, false, errs, nerrors);
}

program *
program_compile_ex(const char *path, char *text, size_t len, param_set *sets, int nsets,
		   bool any_baseline, FILE *errs, int *nerrors)
{
	program *p = xcalloc(1, sizeof *p);
	diag_src d;
	int nrules = 0;

	p->path = xstrdup(path);
	p->text = text;
	p->len = len;
	diag_init(&d, p->path, text, len, errs);
	p->ast = parse_file(&d);
	if (d.nerrors == 0)
		sema_check(p->ast, &d, sets, nsets, any_baseline);
	if (d.nerrors) {
		*nerrors = d.nerrors;
		diag_free(&d);
		program_free(p);
		return NULL;
	}

	ast_file *f = p->ast;
	compiler c = { .p = p, .d = &d };

	p->prometheus = f->prometheus;
	p->nmetrics = f->nmetrics;
	p->metrics = xcalloc((size_t)f->nmetrics, sizeof *p->metrics);
	for (int i = 0; i < f->nmetrics; i++) {
		ast_metric *am = &f->metrics[i];
		p->metrics[i] = (prog_metric){
			.name = am->name, .query = am->final, .bquery = am->bfinal,
			.has_default = am->dflt != NULL, .dflt = am->dflt ? am->dflt->num : 0,
		};
		am->final = am->bfinal = NULL;	/* the program owns them now */
	}
	for (int i = 0; i < f->ngates; i++)
		nrules += f->gates[i].nrules;
	p->rules = xcalloc((size_t)nrules, sizeof *p->rules);
	p->gates = xcalloc((size_t)f->ngates, sizeof *p->gates);
	for (int i = 0; i < f->ngates; i++)
		gate(&c, &f->gates[i]);
	diag_free(&d);
	*nerrors = 0;
	return p;
}

void
program_free(program *p)
{
	if (!p)
		return;
	if (p->ast)
		for (int i = 0; i < p->ast->nmetrics; i++) {
			free(p->ast->metrics[i].final);
			free(p->ast->metrics[i].bfinal);
		}
	for (int i = 0; i < p->nmetrics; i++) {
		free(p->metrics[i].query);
		free(p->metrics[i].bquery);
	}
	for (int i = 0; i < p->nrules; i++)
		free(p->rules[i].source);
	for (int i = 0; i < p->ncmps; i++)
		free(p->cmps[i].source);
	ast_free(p->ast);
	free(p->metrics);
	free(p->gates);
	free(p->rules);
	free(p->cmps);
	free(p->code);
	free(p->spans);
	free(p->k);
	free(p->text);
	free(p->path);
	free(p);
}
