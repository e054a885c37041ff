/* bytecode.c: opcode names and the disassembler. */
#include "program.h"
#include "util.h"

#include <string.h>

static const char *const names[] = {
#define OP(name, syn) #name,
#include "opcodes.def"
#undef OP
};

static const char *const synopses[] = {
#define OP(name, syn) syn,
#include "opcodes.def"
#undef OP
};

const char *
opcode_name(int op)
{
	return op >= 0 && op < OP__COUNT ? names[op] : "?";
}

const char *
opcode_synopsis(int op)
{
	return op >= 0 && op < OP__COUNT ? synopses[op] : "?";
}

static void
series_name(const program *p, int s, char *buf, size_t size)
{
	const char *m = p->metrics[s / 2].name;

	if (s % 2)
		snprintf(buf, size, "baseline(%s)", m);
	else
		snprintf(buf, size, "%s", m);
}

static void
print_line(const program *p, unsigned line, FILE *out)
{
	const char *s = p->text, *e = p->text + p->len;

	for (unsigned l = 1; l < line && s < e; s++)
		if (*s == '\n')
			l++;
	const char *eol = memchr(s, '\n', (size_t)(e - s));
	fprintf(out, "%5u| %.*s\n", line, (int)((eol ? eol : e) - s), s);
}

void
program_dump(const program *p, FILE *out)
{
	diag_src d;

	diag_init(&d, p->path, p->text, p->len, out);
	for (int gi = 0; gi < p->ngates; gi++) {
		const prog_gate *g = &p->gates[gi];
		char step[32], window[32], lookback[32];
		unsigned last = 0;

		util_fmt_duration(step, sizeof step, g->step);
		util_fmt_duration(window, sizeof window, g->window);
		util_fmt_duration(lookback, sizeof lookback, g->lookback);
		fprintf(out, "%sgate %s  (%s:%u)  step %s  window %s  lookback %s  stack %d\n",
			gi ? "\n" : "", g->name, p->path, g->line, step, window, lookback, g->stack);
		for (int pc = g->code; pc < p->ncode; pc++) {
			const insn *in = &p->code[pc];
			unsigned line, col;
			char arg[96] = "", note[128] = "";

			diag_linecol(&d, p->spans[pc].off, &line, &col);
			if (line > last) {
				for (unsigned l = last ? last + 1 : line; l <= line; l++)
					print_line(p, l, out);
				last = line;
			}
			switch (in->op) {
			case OP_CONST:
				snprintf(arg, sizeof arg, "k%d", in->a);
				util_fmt_double(note, sizeof note, p->k[in->a]);
				break;
			case OP_LOAD:
				snprintf(arg, sizeof arg, "s%d", in->a);
				series_name(p, in->a, note, sizeof note);
				break;
			case OP_AVG: case OP_MIN: case OP_MAX: case OP_DELTA:
			case OP_RATE: case OP_INCREASE: case OP_QUANTILE: {
				char dur[32], sn[80];
				util_fmt_duration(dur, sizeof dur, in->b);
				snprintf(arg, sizeof arg, "s%d %s", in->a, dur);
				series_name(p, in->a, sn, sizeof sn);
				snprintf(note, sizeof note, "%s", sn);
				break;
			}
			case OP_LT: case OP_LE: case OP_GT: case OP_GE: case OP_EQ: case OP_NE:
				snprintf(arg, sizeof arg, "c%d", in->a);
				break;
			case OP_FOR: {
				char dur[32];
				util_fmt_duration(dur, sizeof dur, in->b);
				snprintf(arg, sizeof arg, "f%d %s", in->a, dur);
				break;
			}
			case OP_RULE: {
				const prog_rule *r = &p->rules[in->a];
				static const char *const kinds[] = { "rollback", "nogo", "go" };
				snprintf(arg, sizeof arg, "r%d", in->a);
				snprintf(note, sizeof note, "%s%s%s%s", kinds[r->kind], r->name ? " \"" : "",
					 r->name ? r->name : "", r->name ? "\"" : "");
				break;
			}
			}
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
}
