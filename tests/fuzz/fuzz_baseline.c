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

#include "novagate.h"

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
gate(void)
{
	static ng_gatefile *gf;

	/* as check --baseline FILE compiles it */
	if (!gf && ng_compile("fuzz.gate", gate_text, sizeof gate_text - 1,
			      &(ng_compile_opts){ .any_baseline = true }, &gf, NULL) != NG_OK)
		abort();
	return gf;
}

/* One evaluation at t: the metrics' own samples, the file's baselines, a verdict; NG_OK or NG_EINPUT. */
static ng_errcode
step(ng_baseline *b, const ng_gatefile *gf, ng_check *c, int64_t t, ng_diags *d, FILE *null)
{
	ng_check_set_at(c, t);
	for (int m = 0; m < ng_gatefile_nmetrics(gf); m++)
		if (ng_check_push(c, m, false, t, 0.5 * m) != 0)
			abort();
	ng_errcode r = ng_baseline_apply(b, c, t, t, d);
	if (r != NG_OK && r != NG_EINPUT)
		abort();
	if (r)
		return r;
	ng_verdict v = ng_check_eval(c, t);
	if (v < NG_GO || v > NG_INCONCLUSIVE)
		abort();
	ng_check_report(c, false, null);
	return NG_OK;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static ng_diags *d;
	const ng_gatefile *gf;
	ng_baseline *b;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	if (!d)
		d = ng_diags_new();
	gf = gate();
	ng_errcode st = ng_baseline_load_mem("fuzz.json", (const char *)data, size, &b, d);
	if ((b == NULL) != (st != NG_OK) || (st != NG_OK && st != NG_EINPUT) || (st != NG_OK) != (ng_diags_error(d) != NG_OK))
		abort();	/* an error, and only then, with its diagnostic */
	if (b) {
		ng_check *c = ng_check_new(gf, -1);
		if (step(b, gf, c, AT, d, null) == NG_OK)
			step(b, gf, c, AT + 15000, d, null);	/* watch: what is new at the next step */
		ng_check_free(c);
		ng_baseline_free(b);
	}
	ng_diags_render(d, "novagate", null);
	ng_diags_clear(d);
	return 0;
}
