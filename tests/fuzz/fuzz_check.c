/*
 * fuzz_check.c: libFuzzer entry point for a fixed gate file evaluated on
 * fuzzed samples: the input, as `check --input FILE` reads it
 * (ng_check_read_text: the exposition reader, then check.c's mapping of
 * samples to series), then the gates run and reported in both formats.
 * Samples without a timestamp take a fixed time (text_fix_now), so a run
 * never reads the clock.  The input reaches ng_check_read_text, which takes
 * a path, through a memfd.  `make fuzz` runs it over
 * tests/fuzz/corpus/check/ (recorded inputs of tests/rules).
 */
#define _GNU_SOURCE	/* memfd_create */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "novagate.h"
#include "program.h"
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
	"}\n";

#define NOW 1700000000000LL

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
		if (!(p = program_compile("fuzz.gate", text, sizeof gate_text - 1, NULL, 0, null, &nerrors)))
			abort();
		text_fix_now(NOW);
	}
	return p;
}

/* A file holding the input, by a path ng_check_read_text can open. */
static const char *
input_path(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];

	if (fd < 0) {
		if ((fd = memfd_create("fuzz_check", 0)) < 0)
			abort();
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || (size && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	return path;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	const ng_gatefile *gf;
	int64_t samples = 0;
	int r;

	if (!null && !(null = fopen("/dev/null", "w")))
		abort();
	gf = gate(null);
	ng_check *c = ng_check_new(gf, -1);
	r = ng_check_read_text(c, input_path(data, size), null);
	if (r != 0 && r != NG_EINPUT)
		abort();	/* NG_EIO: the memfd failed, no input */
	for (int m = 0; m < ng_gatefile_nmetrics(gf); m++)
		samples += ng_check_samples(c, m, false) + ng_check_samples(c, m, true);
	if (r == 0) {
		if (!samples)
			ng_check_set_at(c, NOW);	/* else the clock */
		r = ng_check_run(c);
		if (r < NG_GO || r > NG_INCONCLUSIVE)
			abort();
		for (int g = 0; g < ng_gatefile_ngates(gf); g++) {
			int v = ng_check_verdict(c, g), d = ng_check_decided(c, g);
			ng_gate_info gi;
			if (v < NG_GO || v > NG_INCONCLUSIVE || ng_gatefile_gate_info(gf, g, &gi) != 0 ||
			    d < -1 || d >= gi.nrules)
				abort();
			for (int k = 0; k < gi.nrules; k++)
				if (!ng_check_rule_state(c, g, k))
					abort();
		}
		ng_check_report(c, false, null);
		ng_check_report(c, true, null);
	}
	ng_check_free(c);
	return 0;
}
