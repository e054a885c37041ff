/*
 * fuzz_gate.c: libFuzzer entry point for the gate compiler: lexer, parser,
 * sema, constant folding and code generation on arbitrary text.  A text
 * that compiles is also disassembled and, when its window is short, run
 * over empty and one-sample series, so that what the compiler produces is
 * checked by the VM too.  `make fuzz` builds and runs it over
 * tests/fuzz/corpus/gate/ (rules/, tests/compile/).
 *
 * The text is handed over without a terminating NUL: program_compile()
 * takes a length, and must not read past it.  Inputs that crashed are kept
 * in tests/fuzz/crashes/gate/ (build/fuzz/fuzz_gate FILE replays one).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval.h"
#include "program.h"
#include "population.h"
#include "series.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
run(const program *p, FILE *null)
{
	int nss = 2 * p->nmetrics;
	population *ss = calloc((size_t)(nss ? nss : 1), sizeof *ss);

	if (!ss)
		abort();
	program_dump(p, null);
	for (int i = 0; i < nss; i++)
		pop_init(&ss[i], INT64_MAX / 4);
	for (int pass = 0; pass < 2; pass++) {
		for (int g = 0; g < p->ngates; g++) {
			const prog_gate *pg = &p->gates[g];
			gate_result r;

			if (pg->step <= 0 || pg->window / pg->step > 1000)
				continue;	/* a long run is no bug */
			eval_gate(p, g, ss, NULL, 1700000000000LL, 3, &r);
			if (r.evaluations < 1 || r.verdict < NG_GO || r.verdict > NG_INCONCLUSIVE)
				abort();
			gate_result_free(&r);
		}
		/* the second pass has a sample in every series, and two series of a metric with `by` */
		for (int i = 0; i < nss && pass == 0; i++) {
			int n = p->metrics[SERIES_METRIC(i)].by ? 2 : 1;
			for (int k = 0; k < n; k++) {
				char *labels = calloc(1, 1);
				if (!labels)
					abort();
				int j = pop_add(&ss[i], k, k == 0, labels);
				if (series_push(&ss[i].m[j].s, 1700000000000LL - 1000, (double)(i + k + 1) / 3) != 0)
					abort();
				ss[i].count++;
			}
		}
	}
	for (int i = 0; i < nss; i++)
		pop_free(&ss[i]);
	free(ss);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static ng_diags *diags;
	char *text;
	int nerrors = -1;
	program *p;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	if (!diags)
		diags = ng_diags_new();
	if (!(text = malloc(size ? size : 1)))
		abort();
	if (size)
		memcpy(text, data, size);
	p = program_compile("fuzz.gate", text, size, NULL, 0, diags, &nerrors);
	if ((p == NULL) != (nerrors > 0) || (p == NULL) != (ng_diags_error(diags) == NG_ECOMPILE))
		abort();	/* no program without errors, no errors with a program */
	ng_diags_render(diags, NULL, null);
	ng_diags_clear(diags);
	if (p)
		run(p, null);
	program_free(p);
	return 0;
}
