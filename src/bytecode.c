/* bytecode.c: the opcode table and the disassembler. */
#include "program.h"
#include "sbuf.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

const opinfo op_info[OP__COUNT] = {
#define OP(name, pops, pushes, a, b, syn) \
	[OP_##name] = { #name, syn, pops, pushes, OPND_##a, OPND_##b },
#include "opcodes.def"
#undef OP
};

const char *
opcode_name(int op)
{
	return op >= 0 && op < OP__COUNT ? op_info[op].name : "?";
}

const char *
opcode_synopsis(int op)
{
	return op >= 0 && op < OP__COUNT ? op_info[op].synopsis : "?";
}

static void
series_name(const program *p, int s, char *buf, size_t size)
{
	const char *m = p->metrics[SERIES_METRIC(s)].name;

	if (SERIES_IS_BASELINE(s))
		snprintf(buf, size, "baseline(%s)", m);
	else
		snprintf(buf, size, "%s", m);
}

/* Source line `line` (from 1) of d, which diag_linecol() has indexed. */
static void
print_line(const diag_src *d, unsigned line, FILE *out)
{
	const char *s = d->text + d->bol[line - 1], *e = d->text + d->len;
	const char *eol = memchr(s, '\n', (size_t)(e - s));
	fprintf(out, "%5u| %.*s\n", line, (int)((eol ? eol : e) - s), s);
}

/* A constant as the dump shows it: each is formatted once, not at every use. */
typedef char knote[32];		/* util_fmt_double() writes 24 at most */

/*
 * An instruction's operands by their kinds (opcodes.def), and a note on
 * what a names: a constant's value, a series' metric, a rule.
 */
static void
operands(const program *p, const knote *kn, const insn *in, char *arg, size_t size, char *note, size_t nsize)
{
	static const char prefix[OPND__COUNT] = {
		[OPND_K] = 'k', [OPND_SERIES] = 's', [OPND_CMP] = 'c', [OPND_FOR] = 'f', [OPND_RULE] = 'r',
		[OPND_QUANT] = 'q', [OPND_HIST] = 'h', [OPND_METRIC] = 'm',
	};
	const opinfo *oi = &op_info[in->op];
	int n = 0;

	*arg = *note = '\0';
	if (oi->a != OPND_NONE)
		n = snprintf(arg, size, "%c%d", prefix[oi->a], in->a);
	if (oi->b == OPND_QARG && in->b && n >= 0 && (size_t)n < size) {	/* count() a range of values */
		long long b = in->b > 0 ? in->b - 1 : -in->b - 1;
		n += snprintf(arg + n, size - (size_t)n, " %s%c%lld", in->b > 0 ? "" : "right ",
			      b >= QARG_HIST ? 'h' : 'q', b >= QARG_HIST ? b - QARG_HIST : b);
	}
	if (oi->b == OPND_DUR && !(oi->a == OPND_METRIC && in->b == 0) && n >= 0 && (size_t)n < size) {
		char dur[32];
		if (oi->a == OPND_HIST && in->b == 0)	/* times(C): since the window began */
			snprintf(dur, sizeof dur, "window");
		else
			util_fmt_duration(dur, sizeof dur, in->b);
		snprintf(arg + n, size - (size_t)n, "%s%s", n ? " " : "", dur);
	}
	switch (oi->a) {
	case OPND_K:
		snprintf(note, nsize, "%s", kn[in->a]);
		break;
	case OPND_SERIES:
		series_name(p, in->a, note, nsize);
		break;
	case OPND_QUANT:
		snprintf(note, nsize, "%s", p->quants[in->a].source);
		break;
	case OPND_HIST:
		snprintf(note, nsize, "%s", p->hists[in->a].source);
		break;
	case OPND_METRIC:
		snprintf(note, nsize, "floor of %s", p->metrics[in->a].name);
		break;
	case OPND_RULE: {
		const prog_rule *r = &p->rules[in->a];
		snprintf(note, nsize, "%s%s%s%s", ast_rule_kind_name(r->kind), r->name ? " \"" : "",
			 r->name ? r->name : "", r->name ? "\"" : "");
		break;
	}
	}
}

/* Each metric's queries as parsed, parameters substituted: what the server is sent, precedence shown. */
static void
dump_metrics(const program *p, diag_src *d, FILE *out)
{
	for (int m = 0; m < p->ast->nmetrics; m++) {
		const ast_metric *am = &p->ast->metrics[m];
		unsigned line, col;

		diag_linecol(d, am->span.off, &line, &col);
		fprintf(out, "metric %s", am->name);
		for (const ast_label *l = am->by; l; l = l->next)
			fprintf(out, "%s%s%s", l == am->by ? " by (" : ", ", l->name, l->next ? "" : ")");
		fprintf(out, "  (%s:%u)  %s\n", p->path, line, pq_type_name(pq_query_type(am->q[0].pq)));
		for (int b = 0; b < 2; b++) {
			sbuf s = { 0 };
			if (!am->q[b].pq)
				continue;
			pq_format(am->q[b].pq, &s);
			fprintf(out, "  %-9s %s\n", b ? "baseline" : "query", s.s);
			free(s.s);
		}
	}
}

void
program_dump(const program *p, FILE *out)
{
	diag_src d;
	knote *kn = xcalloc((size_t)p->nk, sizeof *kn);

	for (int i = 0; i < p->nk; i++)
		util_fmt_double(kn[i], sizeof kn[i], p->k[i]);
	diag_init(&d, p->path, p->text, p->len, NULL);	/* for line numbers only */
	dump_metrics(p, &d, out);
	for (int gi = 0; gi < p->ngates; gi++) {
		const prog_gate *g = &p->gates[gi];
		char step[32], window[32], lookback[32];
		unsigned last = 0;

		util_fmt_duration(step, sizeof step, g->step);
		util_fmt_duration(window, sizeof window, g->window);
		util_fmt_duration(lookback, sizeof lookback, g->lookback);
		fprintf(out, "%sgate %s  (%s:%u)  step %s  window %s  lookback %s  stack %d\n",
			gi || p->ast->nmetrics ? "\n" : "", g->name, p->path, g->line, step, window, lookback, g->stack);
		for (int pc = g->code; pc < p->ncode; pc++) {
			const insn *in = &p->code[pc];
			unsigned line, col;
			char arg[96] = "", note[128] = "";

			diag_linecol(&d, p->spans[pc].off, &line, &col);
			if (line > last) {
				for (unsigned l = last ? last + 1 : line; l <= line; l++)
					print_line(&d, l, out);
				last = line;
			}
			operands(p, kn, in, arg, sizeof arg, note, sizeof note);
			if (*note)
				fprintf(out, "  %04d  %-9s %-12s; %s\n", pc - g->code, opcode_name(in->op), arg, note);
			else if (*arg)
				fprintf(out, "  %04d  %-9s %s\n", pc - g->code, opcode_name(in->op), arg);
			else
				fprintf(out, "  %04d  %s\n", pc - g->code, opcode_name(in->op));
			if (in->op == OP_HALT)
				break;
		}
	}
	diag_free(&d);
	free(kn);
}
