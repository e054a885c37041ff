/*
 * compile.c: a checked syntax tree to bytecode.  sema.c has typed the tree
 * and folded its constants; what is left here cannot fail.
 */
#include "names.h"
#include "parse.h"
#include "program.h"
#include "query.h"
#include "sema.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct compiler {
	program *p;
	diag_src *d;
	prog_gate *g;		/* the gate being compiled */
	int depth, maxdepth;	/* its stack depth */
	int rule;		/* index of the rule being compiled */
	int capcmps;		/* p->cmps' room */
	int capfors;		/* p->fors' room */
	int capquants;		/* p->quants' room */
	int quant;		/* the quantifier being compiled, or -1 */
	int floor;		/* the metric whose floor is being compiled, or -1 */
	bool as_baseline;	/* compiling the baselines' side of mannwhitney() and the like */
	int in_hist;		/* how deep in the operands of functions over the last steps */
	int in_for;		/* how deep in `for`s */
	int caphists;		/* p->hists' room */
	int last_hist;		/* the history the last step-history function compiled to */
	int *floormark;		/* by metric: 1 + the last gate, quantifier or history that compiled its floor */
	int mark;
	int *kslot;		/* constants by their bits: index + 1, 0 empty */
	int capkslot;		/* a power of two */
	int *readat;		/* by series: where in p->reads it was last put */
	size_t line;		/* index in d->bol of the last line line_of() found */
	diag_span cond;		/* the condition of the rule being compiled */
	bool cond_plain;	/* its text needed no folding */
} compiler;

/* The line of off; offsets come in file order, so the cursor walks d->bol once. */
static unsigned
line_of(compiler *c, unsigned off)
{
	const diag_src *d = c->d;
	size_t l = c->line;
	unsigned line, col;

	if (!d->bol || off < d->bol[l]) {	/* not indexed yet, or behind */
		diag_linecol(d, off, &line, &col);
		c->line = line - 1;
		return line;
	}
	while (l + 1 < d->nlines && d->bol[l + 1] <= off)
		l++;
	c->line = l;
	return (unsigned)l + 1;
}

static unsigned
khash(uint64_t bits, int cap)
{
	bits ^= bits >> 33;	/* small integers differ only in their high bits */
	bits *= 0xff51afd7ed558ccdu;
	bits ^= bits >> 33;
	return (unsigned)bits & (unsigned)(cap - 1);
}

/* A slot of c->kslot: v's, or the empty one where it goes. */
static int *
kfind(compiler *c, uint64_t bits)
{
	const program *p = c->p;

	for (unsigned h = khash(bits, c->capkslot); ; h = (h + 1) & (unsigned)(c->capkslot - 1)) {
		int *slot = &c->kslot[h];
		if (*slot == 0 || memcmp(&p->k[*slot - 1], &bits, sizeof bits) == 0)
			return slot;
	}
}

/* The index of constant v, the same for the same bits (0.0 and -0.0 differ). */
static int
konst(compiler *c, double v)
{
	program *p = c->p;
	uint64_t bits;
	int *slot;

	memcpy(&bits, &v, sizeof bits);
	if (c->capkslot && *(slot = kfind(c, bits)))
		return *slot - 1;
	if (2 * (p->nk + 1) > c->capkslot) {	/* at most half full */
		free(c->kslot);
		c->capkslot = c->capkslot ? 2 * c->capkslot : 64;
		c->kslot = xcalloc((size_t)c->capkslot, sizeof *c->kslot);
		for (int i = 0; i < p->nk; i++) {
			uint64_t b;
			memcpy(&b, &p->k[i], sizeof b);
			*kfind(c, b) = i + 1;
		}
	}
	if (p->nk == p->capk)
		p->k = xrealloc(p->k, (size_t)(p->capk = p->capk ? 2 * p->capk : 16) * sizeof *p->k);
	p->k[p->nk] = v;
	*kfind(c, bits) = p->nk + 1;
	return p->nk++;
}

/* Note that the gate reads series s, range ms back from each step (0: LOAD). */
static void
reads(compiler *c, int s, int64_t range)
{
	program *p = c->p;
	prog_gate *g = c->g;
	int64_t reach = g->window + (range > g->lookback ? range : g->lookback);
	int i = c->readat[s];	/* stale when it is not this gate's record of s */

	if (i < g->read0 || i >= p->nreads || p->reads[i].series != s) {
		c->readat[s] = p->nreads;
		if (p->nreads == p->capreads)
			p->reads = xrealloc(p->reads, (size_t)(p->capreads = p->capreads ? 2 * p->capreads : 16) *
					    sizeof *p->reads);
		p->reads[p->nreads++] = (prog_read){ .series = s, .reach = reach };
		g->nread++;
	} else if (reach > p->reads[i].reach) {
		p->reads[i].reach = reach;
	}
}

static void
emit(compiler *c, int op, int32_t a, int64_t b, diag_span sp)
{
	program *p = c->p;
	const opinfo *oi = &op_info[op];

	if (p->ncode == p->capcode) {
		p->capcode = p->capcode ? 2 * p->capcode : 64;
		p->code = xrealloc(p->code, (size_t)p->capcode * sizeof *p->code);
		p->spans = xrealloc(p->spans, (size_t)p->capcode * sizeof *p->spans);
	}
	insn *in = &p->code[p->ncode];
	*in = (insn){ .op = (uint8_t)op, .a = a, .b = b };
	p->spans[p->ncode++] = sp;
	if (insn_reads_series(in))
		reads(c, a, oi->b == OPND_DUR ? b : 0);
	/* what it pops, gen emitted before it */
	c->depth += oi->pushes - oi->pops;
	if (c->depth > c->maxdepth)
		c->maxdepth = c->depth;
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

/*
 * The text of a span, its white space folded: a condition may span lines.
 * It lives in the tree's arena, as long as the program.  *plain: folding
 * changed nothing.
 */
static char *
source(compiler *c, diag_span sp, bool *plain)
{
	const char *t = c->d->text + sp.off, *e = t + sp.len;
	char *s = ast_alloc(c->p->ast, sp.len + 1), *o = s;
	bool blank = true;	/* at the start or after a space: drop the next */
	bool mapped = false;	/* a \n, \t or \r became a space */

	while (t < e) {
		if ((unsigned char)*t > ' ') {	/* the common case: no white space */
			do
				*o++ = *t++;
			while (t < e && (unsigned char)*t > ' ');
			blank = false;
			continue;
		}
		char ch = *t++;
		if (ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r') {
			if (!blank)
				*o++ = ' ';
			blank = true;
			mapped |= ch != ' ';
		} else {
			*o++ = ch;
			blank = false;
		}
	}
	*o = '\0';
	*plain = !mapped && (size_t)(o - s) == sp.len;
	return s;
}

/*
 * A comparison's text: within a rule's condition that folding left as it
 * was, any span that starts on a token folds to itself.
 */
static char *
cmp_source(compiler *c, diag_span sp)
{
	bool plain;

	if (c->cond_plain && sp.off >= c->cond.off && sp.off + sp.len <= c->cond.off + c->cond.len &&
	    sp.len > 0 && c->d->text[sp.off] != ' ')
		return ast_strndup(c->p->ast, c->d->text + sp.off, sp.len);
	return source(c, sp, &plain);
}

/*
 * Where side (0 left, 1 right) of a comparison reads its metrics, as
 * prog_cmp.sides bits: a metric's value when the side is that value (x,
 * avg(x, 5m), max(x) across series; not 2 * x, rate(x), shift(x, 10m), a
 * test's p-value), a baseline when the side's value moves in its scale
 * (baseline, baseline * 2, baseline + 20%, b + 10ms; not 1 / b); and the
 * unit the first literal of such a path names (a report's axis for
 * metrics of no declared unit).  bare: n is the side, or a value function
 * of it.
 */
static void
scale_reads(const char *text, const ast_node *n, int side, bool bare, prog_cmp *cmp, int *lit)
{
	switch (n->kind) {
	case A_METRIC:
	case A_BASELINE:
		for (int k = 0; cmp->metrics[k] >= 0; k++)
			if (cmp->metrics[k] == n->metric && (bare || n->kind == A_BASELINE))
				cmp->sides[k] |= (n->kind == A_BASELINE ? CMP_BASE_L : CMP_VAL_L) << side;
		return;
	case A_NUM:
		if (*lit == UNIT_NONE && !n->relpct)
			*lit = (int)units_of_literal(text + n->span.off, n->span.len);
		return;
	case A_BIN:
		if (n->op == OPR_ADD || n->op == OPR_SUB) {
			scale_reads(text, n->arg[0], side, false, cmp, lit);
			scale_reads(text, n->arg[1], side, false, cmp, lit);
		} else if (n->op == OPR_MUL && (n->arg[0]->isconst || n->arg[1]->isconst)) {
			scale_reads(text, n->arg[n->arg[0]->isconst], side, false, cmp, lit);
		} else if (n->op == OPR_DIV && n->arg[1]->isconst) {
			scale_reads(text, n->arg[0], side, false, cmp, lit);
		}
		return;
	case A_CALL:
		switch (n->fn) {
		case FN_AVG: case FN_MIN: case FN_MAX: case FN_LAST:
		case FN_SMIN: case FN_SMAX: case FN_SAVG:
			scale_reads(text, n->arg[0], side, bare, cmp, lit);
			return;
		case FN_QUANTILE:	/* quantile(phi, x, D) */
			scale_reads(text, n->arg[1], side, bare, cmp, lit);
			return;
		default:
			return;
		}
	default:
		return;
	}
}

/* A comparison's slot: the report shows its operands at the last step. */
static int
cmp_slot(compiler *c, const ast_node *n, int op)
{
	program *p = c->p;
	prog_cmp *cmp;
	int nm = 0;

	if (p->ncmps == c->capcmps)
		p->cmps = xrealloc(p->cmps, (size_t)(c->capcmps = c->capcmps ? 2 * c->capcmps : 16) *
				   sizeof *p->cmps);
	cmp = &p->cmps[p->ncmps];
	*cmp = (prog_cmp){ .rule = c->rule, .floor = c->floor, .inner = c->in_hist > 0, .op = op, .quant = c->quant,
			   .source = cmp_source(c, n->span) };
	metrics_read(n, cmp->metrics, &nm, 3);
	cmp->metrics[nm] = -1;
	cmp->in_for = c->in_for > 0;
	for (int i = 0; i < 2; i++)
		cmp->konst[i] = n->arg[i]->isconst ? n->arg[i]->num : NAN;
	int lit = UNIT_NONE;
	scale_reads(c->d->text, n->arg[0], 0, true, cmp, &lit);
	scale_reads(c->d->text, n->arg[1], 1, true, cmp, &lit);
	cmp->unit = n->arg[0]->unit != UNIT_NONE ? n->arg[0]->unit : n->arg[1]->unit != UNIT_NONE ? n->arg[1]->unit : lit;
	return p->ncmps++;
}

static void gen(compiler *c, const ast_node *n);

/*
 * The floors of the metrics n reads as values (A_METRIC), each once a mark:
 * those of one series (set false) or those series by series (set true).
 * Each leaves the truth of its COND in the metric's floor slot, which the
 * metric's reads (FLOORED) consult.
 */
static void
floors(compiler *c, const ast_node *n, bool set)
{
	const ast_file *f = c->p->ast;

	if (n->kind == A_METRIC && f->metrics[n->metric].floor && f->metrics[n->metric].floor->set == set &&
	    c->floormark[n->metric] != c->mark) {
		int rule = c->rule;
		c->floormark[n->metric] = c->mark;
		c->floor = n->metric;
		if (!set)
			c->rule = -1;	/* the gate's, before its rules */
		gen(c, f->metrics[n->metric].floor);
		emit(c, OP_FLOOR, n->metric, 0, f->metrics[n->metric].floor_span);
		c->floor = -1;
		c->rule = rule;
	}
	for (int i = 0; i < n->nargs; i++)
		floors(c, n->arg[i], set);
}

/*
 * mannwhitney(V, D) and the others over the last steps: their operands
 * (for the comparisons with baselines, V as written and then on the
 * baselines), and the opcode that keeps them.
 */
static void
hist(compiler *c, const ast_node *n)
{
	static const int op[] = {
		[FN_MANNWHITNEY] = OP_MWU, [FN_SHIFT] = OP_SHIFT, [FN_RATIO_TEST] = OP_RATIOTEST,
		[FN_BURN_RATE] = OP_BURN, [FN_TIMES] = OP_TIMES,
	};
	program *p = c->p;
	bool paired = n->fn == FN_MANNWHITNEY || n->fn == FN_SHIFT || n->fn == FN_RATIO_TEST;
	int nv = paired ? n->nargs - 1 : 1;
	bool ranged = n->fn != FN_TIMES || n->nargs == 2;
	int64_t range = ranged ? (int64_t)n->arg[n->nargs - 1]->num : 0;

	c->in_hist++;
	for (int i = 0; i < nv; i++)
		gen(c, n->arg[i]);
	if (paired) {
		c->as_baseline = true;
		for (int i = 0; i < nv; i++)
			gen(c, n->arg[i]);
		c->as_baseline = false;
	}
	c->in_hist--;
	int steps = (int)((range + c->g->step - 1) / c->g->step), evals = (int)(c->g->window / c->g->step + 1);
	prog_hist ph = {
		.rule = c->rule, .source = cmp_source(c, n->span), .fn = n->fn, .lanes = op_info[op[n->fn]].pops,
		.steps = steps, .cap = steps < evals ? steps : evals, .range = range,
		.slo = n->fn == FN_BURN_RATE ? n->arg[1]->num : 0, .unit = n->arg[0]->unit, .quant = c->quant,
		.cmp = -1,
	};
	/* the same function of the same values twice in a rule (shift(p99, 10m) > 20ms && shift(p99, 10m) > ...): one history */
	for (int h = p->nhists - 1; h >= c->g->hist0 && p->hists[h].rule == c->rule; h--) {
		const prog_hist *o = &p->hists[h];
		if (o->fn == ph.fn && o->range == ph.range && o->slo == ph.slo && o->quant == ph.quant &&
		    strcmp(o->source, ph.source) == 0) {
			c->last_hist = h;
			emit(c, op[n->fn], h, range, n->span);
			return;
		}
	}
	if (p->nhists == c->caphists)
		p->hists = xrealloc(p->hists, (size_t)(c->caphists = c->caphists ? 2 * c->caphists : 8) *
				    sizeof *p->hists);
	p->hists[p->nhists] = ph;
	c->last_hist = p->nhists;
	emit(c, op[n->fn], p->nhists++, range, n->span);
	c->g->nhist++;
}

/*
 * The metrics with `by` a quantifier's body reads, as series, each once,
 * and how far back each is read (prog_quant): range, the longest range
 * of a window function around n; hrange, of a function over the last
 * steps (times(C) without one: the window's).
 */
static void
drivers(const compiler *c, const ast_node *n, bool baselines, int64_t range, int64_t hrange, prog_quant *pq)
{
	if ((n->kind == A_METRIC || (baselines && n->kind == A_BASELINE)) && n->set) {
		int s = SERIES_OF(n->metric, n->kind == A_BASELINE), i = 0;
		while (i < pq->ndrivers && pq->drivers[i] != s)
			i++;
		if (i == pq->ndrivers) {
			pq->drivers = xrealloc(pq->drivers, (size_t)(i + 1) * sizeof *pq->drivers);
			pq->reach = xrealloc(pq->reach, (size_t)(i + 1) * sizeof *pq->reach);
			pq->hreach = xrealloc(pq->hreach, (size_t)(i + 1) * sizeof *pq->hreach);
			pq->drivers[i] = s;
			pq->reach[i] = pq->hreach[i] = 0;
			pq->ndrivers++;
		}
		if (range > pq->reach[i])
			pq->reach[i] = range;
		if (hrange > pq->hreach[i])
			pq->hreach[i] = hrange;
	}
	if (n->kind == A_CALL && FN_IS_HIST(n->fn)) {
		bool ranged = n->fn != FN_TIMES || n->nargs == 2;
		int64_t d = ranged ? (int64_t)n->arg[n->nargs - 1]->num : c->g->window;
		if (d > hrange)
			hrange = d;
	} else if (n->kind == A_CALL && !FN_IS_ACROSS(n->fn) && n->fn != FN_LAST && n->nargs >= 2) {
		int64_t d = (int64_t)n->arg[n->nargs - 1]->num;	/* max(memory, 3m) */
		if (d > range)
			range = d;
	}
	for (int i = 0; i < n->nargs; i++)
		drivers(c, n->arg[i], baselines, range, hrange, pq);
}

/* any(C) and the others across series: EACH, the body, QEND. */
static void
across(compiler *c, const ast_node *n)
{
	program *p = c->p;

	if (p->nquants == c->capquants)
		p->quants = xrealloc(p->quants, (size_t)(c->capquants = c->capquants ? 2 * c->capquants : 8) *
				     sizeof *p->quants);
	int q = p->nquants++;
	prog_quant *pq = &p->quants[q];
	*pq = (prog_quant){ .rule = c->rule, .source = cmp_source(c, n->span), .fn = n->fn, .by = n->arg[0]->by,
			    .cmp0 = p->ncmps, .for0 = p->nfor, .hist0 = p->nhists, .each = p->ncode, .outer = -1 };
	drivers(c, n->arg[0], false, 0, 0, pq);
	if (!pq->ndrivers)	/* any(baseline(p99) > 1s): the baseline's series */
		drivers(c, n->arg[0], true, 0, 0, pq);
	emit(c, OP_EACH, q, 0, n->span);
	int in_hist = c->in_hist;	/* its body's comparisons are its own, even in times() */
	c->quant = q;
	c->in_hist = 0;
	c->mark++;
	floors(c, n->arg[0], true);	/* the body's series' floors, before the body reads them */
	gen(c, n->arg[0]);
	c->quant = -1;
	c->in_hist = in_hist;
	pq->qend = p->ncode;
	pq->ncmp = p->ncmps - pq->cmp0;
	pq->nfor = p->nfor - pq->for0;
	pq->nhist = p->nhists - pq->hist0;
	emit(c, OP_QEND, q, 0, n->span);
	c->g->nquant++;
}

/* A comparison's operand that is count(C), fraction(C) or times(C): unknown ones make a range of it. */
static int
qarg(const compiler *c, const ast_node *n, int sign)
{
	if (n->kind == A_CALL && (n->fn == FN_COUNT || n->fn == FN_FRACTION))
		return sign * (c->p->nquants - 1 + 1);	/* the last quantifier compiled: n's */
	if (n->kind == A_CALL && n->fn == FN_TIMES)
		return sign * (QARG_HIST + c->last_hist + 1);	/* the last history compiled: n's */
	return 0;
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
		bool b = n->kind == A_BASELINE || c->as_baseline;
		p->metrics[n->metric].bused |= b;
		emit(c, OP_LOAD, SERIES_OF(n->metric, b), 0, n->span);
		if (!b && p->metrics[n->metric].floor)
			emit(c, OP_FLOORED, n->metric, 0, n->span);	/* the sample of this step's */
		break;
	}
	case A_CALL: {
		if (FN_IS_ACROSS(n->fn)) {
			across(c, n);
			break;
		}
		if (FN_IS_HIST(n->fn)) {
			hist(c, n);
			break;
		}
		const ast_node *s = n->arg[n->fn == FN_QUANTILE];
		bool b = s->kind == A_BASELINE || c->as_baseline;
		int64_t range = n->fn == FN_LAST ? 0 : (int64_t)n->arg[n->nargs - 1]->num;
		if (n->fn == FN_QUANTILE)
			gen(c, n->arg[0]);
		p->metrics[s->metric].bused |= b;
		emit(c, fnop[n->fn], SERIES_OF(s->metric, b), range, n->span);
		if (!b && p->metrics[s->metric].floor)	/* every sample of its range, of a step the floor held at */
			emit(c, OP_FLOORED, s->metric, range, n->span);
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
		c->in_for++;
		gen(c, n->arg[0]);
		c->in_for--;
		if (p->nfor == c->capfors)
			p->fors = xrealloc(p->fors, (size_t)(c->capfors = c->capfors ? 2 * c->capfors : 8) *
					   sizeof *p->fors);
		p->fors[p->nfor] = (prog_for){ .rule = c->rule, .quant = c->quant, .source = cmp_source(c, n->span),
					       .dur = (int64_t)n->arg[1]->num };
		emit(c, OP_FOR, p->nfor++, (int64_t)n->arg[1]->num, n->span);
		break;
	case A_BIN: {
		/* each operator by the opcode of its name: no order to keep in step */
		static const uint8_t binop[] = {
#define OPCODE_OF(name) [OPR_##name] = OP_##name,
			AST_BINOPS(OPCODE_OF)
#undef OPCODE_OF
		};
		int op = binop[n->op];
		double factor;

		gen(c, n->arg[0]);
		int qa = qarg(c, n->arg[0], 1);
		if (ast_relative(n, &factor)) {	/* x + 20% is x * 1.2 */
			emit(c, OP_CONST, konst(c, factor), 0, n->arg[1]->span);
			emit(c, OP_MUL, 0, 0, n->span);
			break;
		}
		gen(c, n->arg[1]);
		if (!qa)
			qa = qarg(c, n->arg[1], -1);
		if (op_info[op].a == OPND_CMP) {
			int slot = cmp_slot(c, n, op);
			for (int h = p->nhists - 1; h >= c->g->hist0 && p->hists[h].cmp < 0; h--)
				p->hists[h].cmp = slot;	/* those in its operands: the innermost comparison's */
			if (qa && (qa > 0 ? qa : -qa) - 1 < QARG_HIST) {	/* its report names the series this wants */
				prog_quant *q = &p->quants[(qa > 0 ? qa : -qa) - 1];
				q->outer = slot;
				q->outer_left = qa > 0;
			}
			emit(c, op, slot, qa, n->span);
		} else
			emit(c, op, 0, 0, n->span);
		break;
	}
	}
}

static void
gate(compiler *c, const ast_gate *ag)
{
	program *p = c->p;
	prog_gate *g = &p->gates[p->ngates++];

	*g = (prog_gate){
		.name = ag->name, .line = line_of(c, ag->span.off), .step = ag->step, .window = ag->window,
		.lookback = ag->lookback, .rule0 = p->nrules, .nrules = ag->nrules,
		.code = p->ncode, .cmp0 = p->ncmps, .for0 = p->nfor, .read0 = p->nreads, .quant0 = p->nquants,
		.hist0 = p->nhists,
	};
	c->g = g;
	c->depth = c->maxdepth = 0;
	c->mark++;
	for (int i = 0; i < ag->nrules; i++)	/* the floors of one series, once a step */
		floors(c, ag->rules[i].cond, false);
	for (int i = 0; i < ag->nrules; i++) {
		const ast_rule *ar = &ag->rules[i];
		prog_rule *r = &p->rules[p->nrules];

		*r = (prog_rule){ .kind = ar->kind, .name = ar->name,
				  .source = source(c, ar->cond->span, &c->cond_plain),
				  .line = line_of(c, ar->span.off) };
		c->cond = ar->cond->span;
		if (ar->kind == RULE_GO)
			g->go = p->nrules;
		c->rule = p->nrules;
		r->cmp0 = p->ncmps;
		r->for0 = p->nfor;
		gen(c, ar->cond);
		r = &p->rules[p->nrules];	/* gen does not move rules, but say so */
		r->ncmp = p->ncmps - r->cmp0;
		r->nfor = p->nfor - r->for0;
		emit(c, OP_RULE, p->nrules++, 0, ar->span);
	}
	emit(c, OP_HALT, 0, 0, ag->span);
	g->ncmp = p->ncmps - g->cmp0;
	g->nfor = p->nfor - g->for0;
	g->stack = c->maxdepth;
}

/* The distinct probes of a query's selectors (program.h). */
static void
probes(prog_metric *pm, bool b, const ast_query *q, const char *text)
{
	int n = q->pq ? pq_nselectors(q->pq) : 0;
	names seen;

	int cap = 0;

	names_init(&seen, (size_t)n);
	for (int i = 0; i < n; i++) {
		const pq_selector *s = pq_selector_at(q->pq, i);
		for (int j = -1; j < 2 * s->nm; j++) {	/* the name, the matchers, their labels */
			char *probe = j < s->nm ? query_probe(q, text, s, j) : query_label_probe(q, text, s, j - s->nm);
			if (!probe || names_add(&seen, probe, 0) >= 0) {
				free(probe);
				continue;
			}
			if (pm->nprobes[b] == cap)
				pm->probes[b] = xrealloc(pm->probes[b], (size_t)(cap = 2 * cap + 2) * sizeof *pm->probes[b]);
			pm->probes[b][pm->nprobes[b]++] = probe;
		}
	}
	names_free(&seen);
}

program *
program_compile(const char *path, char *text, size_t len, param_set *sets, int nsets,
		ng_diags *diags, int *nerrors)
{
	return program_compile_ex(path, text, len, sets, nsets, false, NG_DIALECT_FILE, diags, nerrors);
}

program *
program_compile_ex(const char *path, char *text, size_t len, param_set *sets, int nsets,
		   bool any_baseline, ng_dialect dialect, ng_diags *diags, int *nerrors)
{
	program *p = xcalloc(1, sizeof *p);
	diag_src d;
	int nrules = 0;

	p->path = xstrdup(path);
	p->text = text;
	p->len = len;
	diag_init(&d, p->path, text, len, diags);
	p->ast = parse_file(&d);
	if (d.nerrors == 0)
		sema_check(p->ast, &d, sets, nsets, any_baseline, dialect);
	if (d.nerrors) {
		*nerrors = d.nerrors;
		diag_free(&d);
		program_free(p);
		return NULL;
	}

	ast_file *f = p->ast;
	compiler c = { .p = p, .d = &d, .quant = -1, .floor = -1 };

	p->prometheus = f->prometheus;
	p->nmetrics = f->nmetrics;
	p->metrics = xcalloc((size_t)f->nmetrics, sizeof *p->metrics);
	for (int i = 0; i < f->nmetrics; i++) {
		ast_metric *am = &f->metrics[i];
		p->metrics[i] = (prog_metric){
			.name = am->name, .query = am->q[0].final, .bquery = am->q[1].final,
			.has_default = am->dflt != NULL, .dflt = am->dflt ? am->dflt->num : 0,
			.floor_set = am->floor && am->floor->set,
		};
		for (const ast_label *l = am->by; l; l = l->next)
			p->metrics[i].nby++;
		if (am->by) {
			int k = 0;
			p->metrics[i].by = ast_alloc(f, (size_t)(p->metrics[i].nby + 1) * sizeof *p->metrics[i].by);
			for (const ast_label *l = am->by; l; l = l->next)
				p->metrics[i].by[k++] = l->name;
		}
	}
	for (int i = 0; i < f->nmetrics; i++) {
		bool plain;
		for (int b = 0; b < 2; b++)
			probes(&p->metrics[i], b, &f->metrics[i].q[b], p->text);
		if (f->metrics[i].floor)
			p->metrics[i].floor = source(&c, f->metrics[i].floor->span, &plain);
	}
	for (int i = 0; i < f->ngates; i++)
		nrules += f->gates[i].nrules;
	p->rules = xcalloc((size_t)nrules, sizeof *p->rules);
	p->gates = xcalloc((size_t)f->ngates, sizeof *p->gates);
	c.readat = xcalloc((size_t)f->nmetrics * 2, sizeof *c.readat);
	c.floormark = xcalloc((size_t)f->nmetrics + 1, sizeof *c.floormark);
	for (int i = 0; i < f->ngates; i++)
		gate(&c, &f->gates[i]);
	free(c.readat);
	free(c.floormark);
	free(c.kslot);
	diag_free(&d);
	*nerrors = 0;
	return p;
}

void
program_free(program *p)
{
	if (!p)
		return;
	for (int i = 0; p->ast && i < p->ast->nmetrics; i++) {
		query_clear(&p->ast->metrics[i].q[0]);
		query_clear(&p->ast->metrics[i].q[1]);
	}
	for (int i = 0; i < p->nmetrics; i++)
		for (int b = 0; b < 2; b++) {
			for (int j = 0; j < p->metrics[i].nprobes[b]; j++)
				free(p->metrics[i].probes[b][j]);
			free(p->metrics[i].probes[b]);
		}
	ast_free(p->ast);
	free(p->metrics);
	free(p->gates);
	free(p->rules);
	free(p->cmps);
	free(p->fors);
	for (int i = 0; i < p->nquants; i++) {
		free(p->quants[i].drivers);
		free(p->quants[i].reach);
		free(p->quants[i].hreach);
	}
	free(p->quants);
	free(p->hists);
	free(p->reads);
	free(p->code);
	free(p->spans);
	free(p->k);
	free(p->text);
	free(p->path);
	free(p);
}
