/*
 * fuzz_testrun.c: libFuzzer entry point for `novagate test`: the input is a
 * test file (tests/rules/fuzz.test.yaml), loaded, checked and run by
 * ng_tester_run().  Its gate: is served from memory by its last component
 * (canary.gate, for.gate, ... read once from the repository, which the
 * target runs from the top of; bad.gate does not compile), never read from
 * where the input points.  The status must be one of the five of a file,
 * with messages exactly when the file is in error.  `make fuzz` runs it
 * over tests/fuzz/corpus/testrun/ (the test files of tests/rules and
 * tests/testrun).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "novagate.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const gate_files[] = {
	"rules/blue-green.gate", "rules/canary.gate", "rules/rollback.gate", "rules/stages.gate",
	"rules/video-ranking.gate", "tests/testrun/for.gate", "tests/testrun/malformed/bad.gate",
};
#define NGATES (sizeof gate_files / sizeof *gate_files)

static char *texts[NGATES];
static size_t lens[NGATES];

static const char *
base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* ng_compile_file over the gate files in memory. */
static ng_errcode
serve(void *ctx, const char *path, const ng_compile_opts *o, ng_gatefile **out, ng_diags *d)
{
	(void)ctx;
	for (size_t i = 0; i < NGATES; i++)
		if (strcmp(base(path), base(gate_files[i])) == 0)
			return ng_compile(path, texts[i], lens[i], o, out, d);
	(void)d;
	*out = NULL;
	return NG_EIO;	/* "cannot read the gate file ...: read error" */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	ng_tester *t;
	ng_diags *d;

	if (!null) {
		if (!(null = fopen("/dev/null", "w")))
			abort();
		for (size_t i = 0; i < NGATES; i++)
			if (!(texts[i] = util_read_file(gate_files[i], &lens[i]))) {
				fprintf(stderr, "fuzz_testrun: %s: run from the top of the repository\n", gate_files[i]);
				abort();
			}
	}
	/* one runner an input, as one novagate test: its compiled gates do not pile up */
	if (ng_tester_new(&(ng_tester_opts){ .junit = true, .load = serve }, &t, NULL) != NG_OK)
		abort();
	d = ng_diags_new();
	ng_errcode st = ng_tester_run(t, "tests/rules/fuzz.test.yaml", (const char *)data, size, null, d);
	if (st != NG_OK && st != NG_ECOMPILE && st != NG_EIO && st != NG_ETEST)
		abort();
	if ((st != NG_OK) != (ng_diags_error(d) != NG_OK))
		abort();	/* a file in error says why; a file that ran has no error */
	ng_diags_render(d, "novagate", null);
	ng_tester_junit(t, null);
	ng_diags_free(d);
	ng_tester_free(t);
	return 0;
}
