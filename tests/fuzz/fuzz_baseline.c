/*
 * fuzz_baseline.c: libFuzzer entry point for the recorded-baseline loader
 * (baseline_load_mem) and what check and watch do with a file that loads:
 * baseline_apply into a check of a fixed gate, run, then the next step as
 * watch applies it.  A file that does not load gives NG_EINPUT and NULL;
 * one that does may still fail to apply, with NG_EINPUT; every run gives a
 * verdict.  `make fuzz` runs it over tests/fuzz/corpus/baseline/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "novagate.h"
#include "program.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Metrics with and without baseline queries, read bare, by name and through a window function. */
static const char gate_text[] =
	"metric p99 = `p99`\n"
	"metric err = `err`\n"
	"metric cpu = `cpu` baseline `cpu_b`\n"
	"gate g {\n"
	"  step 15s\n"
	"  window 2m\n"
	"  rollback \"p99 doubled\" when p99 > baseline * 2 for 30s\n"
	"  nogo \"errors\" when err > max(baseline(err), 1m) * 2\n"
	"  go when cpu < baseline + 10% && avg(baseline(p99), 1m) > 0\n"
	"}\n"
	"gate h {\n"
	"  step 1m\n"
	"  window 10m\n"
	"  go when p99 < baseline\n"
	"}\n";

#define AT 1700000000000LL

static const ng_gatefile *
gate(FILE *null)
{
	static program *p;
	int nerrors;

	if (!p) {
		char *text = malloc(sizeof gate_text);
		if (!text)
			abort();
		memcpy(text, gate_text, sizeof gate_text);
		/* as check --baseline FILE compiles it */
		if (!(p = program_compile_ex("fuzz.gate", text, sizeof gate_text - 1, NULL, 0, true, null, &nerrors)))
			abort();
	}
	return p;
}

/* One evaluation at t: the metrics' own samples, the file's baselines, a verdict; 0 or NG_EINPUT. */
static int
step(baseline_file *b, const ng_gatefile *gf, ng_check *c, int64_t t, FILE *null)
{
	int r, v;

	ng_check_set_at(c, t);
	for (int m = 0; m < ng_gatefile_nmetrics(gf); m++)
		if (ng_check_push(c, m, false, t, 0.5 * m) != 0)
			abort();
	r = baseline_apply(b, gf, c, t, t, null);
	if (r != 0 && r != NG_EINPUT)
		abort();
	if (r)
		return r;
	v = ng_check_run(c);
	if (v < NG_GO || v > NG_INCONCLUSIVE)
		abort();
	ng_check_report(c, false, null);
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	const ng_gatefile *gf;
	baseline_file *b;
	int st = -1;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	gf = gate(null);
	b = baseline_load_mem("fuzz.json", (const char *)data, size, null, &st);
	if ((b == NULL) != (st != 0) || (st != 0 && st != NG_EINPUT))
		abort();
	if (!b)
		return 0;
	ng_check *c = ng_check_new(gf, -1);
	if (step(b, gf, c, AT, null) == 0)
		step(b, gf, c, AT + 15000, null);	/* watch: what is new at the next step */
	ng_check_free(c);
	baseline_free(b);
	return 0;
}
