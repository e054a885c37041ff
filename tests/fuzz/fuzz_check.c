/*
 * fuzz_check.c: libFuzzer entry point for a fixed gate file evaluated on
 * fuzzed samples, through the public API as `check --input` does it: the
 * exposition reader and check.c's mapping of samples to series
 * (ng_check_read_mem, samples without a timestamp taken at a fixed now),
 * then the gates evaluated at the newest sample and reported in both
 * formats and as an HTML page (which runs the VM again over the window).  `make fuzz` runs it over tests/fuzz/corpus/check/ (recorded
 * inputs of tests/rules and tests/check).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "novagate.h"
#include "source_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every kind of rule, each window function, baselines (bare and named), a default, two steps. */
static const char gate_text[] =
	"metric error_rate = `e` default 0\n"
	"metric p99 = `p` baseline `pb`\n"
	"metric requests = `r`\n"
	"gate canary {\n"
	"  step 15s\n"
	"  window 2m\n"
	"  lookback 30s\n"
	"  rollback \"spike\" when error_rate > 5% for 30s\n"
	"  rollback \"slow\" when p99 > baseline * 2 for 1m\n"
	"  nogo \"traffic\" when rate(requests, 1m) > 1000 || increase(requests, 2m) < 0\n"
	"  nogo \"tail\" when quantile(0.9, p99, 1m) > max(baseline(p99), 1m) * 3\n"
	"  go when avg(error_rate, 1m) < 0.5% && delta(p99, 1m) < 1 && min(p99, 30s) >= 0 && last(requests) >= 0\n"
	"}\n"
	"gate slow {\n"
	"  step 1m\n"
	"  window 5m\n"
	"  go when error_rate < 1% for 2m && p99 < baseline + 20%\n"
	"}\n"
	/* populations: each quantifier and reducer, a timer per series, a baseline per identity, a default */
	"metric memory by (pod) = `mem`\n"
	"metric restarts by (pod) = `r` default 0\n"
	"metric m by (pod) = `x` baseline `y`\n"
	"gate pods {\n"
	"  step 15s\n"
	"  window 3m\n"
	"  lookback 1m\n"
	"  rollback \"runaway\" when any(memory > 512Mi for 1m) || any(avg(m, 1m) > 5) for 30s\n"
	"  nogo \"restarted\" when any(restarts > 0) || count(m > 1) >= 2\n"
	"  go when all(memory < 300Mi) && count(memory) >= 3 && fraction(m < baseline * 2) >= 50% &&\n"
	"    max(memory) < 1Gi && min(m) >= 0 && avg(restarts) < 1 && sum(m) < 100\n"
	"}\n"
	/* the functions over the last steps, per series too; floors of one series and per series; observe */
	"metric errs = `ee` baseline `eb` default 0 when requests >= 10\n"
	"metric reqs = `rr` baseline `rb`\n"
	"metric lat by (pod) = `l` baseline `lb` when restarts < 1\n"
	"gate stats {\n"
	"  step 15s\n"
	"  window 3m\n"
	"  lookback 30s\n"
	"  rollback \"slower\" when mannwhitney(p99, 3m) < 1% && shift(p99, 3m) > 10% * baseline(p99)\n"
	"  rollback \"errors\" when ratio_test(errs, reqs, 2m) < 1% || burn_rate(errs / reqs, 99.9%, 1m) > 14.4\n"
	"  nogo \"flaky\" when times(errs > 0, 1m) >= 3 || times(errs > 5) > 2 || any(times(lat > 1, 1m) >= 2)\n"
	"  observe \"pods\" when any(mannwhitney(lat, 3m) < 5%) || count(shift(lat, 3m) > 0) >= 1\n"
	"  go when errs < 1 && max(lat) < 2\n"
	"}\n";

#define NOW 1700000000000LL

static const ng_gatefile *
gate(void)
{
	static ng_gatefile *gf;

	if (!gf && ng_compile("fuzz.gate", gate_text, sizeof gate_text - 1, NULL, &gf, NULL) != NG_OK)
		abort();
	return gf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	static ng_diags *d;
	const ng_gatefile *gf;
	int64_t at = NOW;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	if (!d)
		d = ng_diags_new();
	gf = gate();
	ng_check *c = ng_check_new(gf, -1);
	ng_errcode r = ng_check_read_mem(c, (const char *)data, size, "fuzz.prom", NOW, d);
	if ((r != NG_OK && r != NG_EINPUT) || (r != NG_OK) != (ng_diags_error(d) != NG_OK))
		abort();	/* an error, and only then, with its diagnostic */
	if (r == NG_OK) {
		ng_check_newest(c, &at);
		ng_verdict w = ng_check_eval(c, at);
		if (w < NG_GO || w > NG_INCONCLUSIVE)
			abort();
		for (int g = 0; g < ng_gatefile_ngates(gf); g++) {
			int v = ng_check_verdict(c, g), dec = ng_check_decided(c, g);
			ng_gate_info gi;
			if (v < NG_GO || v > NG_INCONCLUSIVE || ng_gatefile_gate_info(gf, g, &gi) != 0 ||
			    dec < -1 || dec >= gi.nrules)
				abort();
			for (int k = 0; k < gi.nrules; k++)
				if ((unsigned)ng_check_rule_state(c, g, k) > NG_UNKNOWN)
					abort();
		}
		ng_check_report(c, false, null);
		ng_check_report(c, true, null);
		ng_check_report_html(c, null);
	}
	ng_diags_render(d, "novagate", null);
	ng_diags_clear(d);
	ng_check_free(c);
	return 0;
}
