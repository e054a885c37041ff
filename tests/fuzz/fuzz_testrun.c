/*
 * fuzz_testrun.c: libFuzzer entry point for `novagate test`: the input is a
 * test file (tests/rules/fuzz.test.yaml), loaded, checked and run by
 * testrun_mem().  Its gate: is served from memory by its last component
 * (canary.gate, for.gate, ... read once from the repository, which the
 * target runs from the top of; bad.gate does not compile), never read from
 * where the input points.  The status must be one of the five of a file,
 * with messages exactly when the file is in error.  `make fuzz` runs it
 * over tests/fuzz/corpus/testrun/ (the test files of tests/rules and
 * tests/testrun).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "novagate.h"
#include "program.h"
#include "testrun.h"
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

/* ng_compile_file over the gate files in memory: what check.c does with a file's text. */
static ng_gatefile *
serve(void *ctx, const char *path, const ng_param *sets, int nsets, FILE *errs, int *status)
{
	param_set ps[64];
	program *p;
	char *text;
	int nerrors;

	(void)ctx;
	for (size_t i = 0; i < NGATES; i++) {
		if (strcmp(base(path), base(gate_files[i])) != 0)
			continue;
		if (nsets > 64) {
			*status = NG_EUSAGE;	/* no gate of ours has that many parameters */
			return NULL;
		}
		for (int j = 0; j < nsets; j++)
			ps[j] = (param_set){ sets[j].name, sets[j].value };
		text = xmalloc(lens[i] + 1);
		memcpy(text, texts[i], lens[i] + 1);
		if (!(p = program_compile(path, text, lens[i], ps, nsets, errs, &nerrors))) {
			*status = NG_ECOMPILE;
			return NULL;
		}
		for (int j = 0; j < nsets; j++) {
			int known = 0;
			for (int k = 0; k < p->ast->nparams; k++)
				known |= strcmp(p->ast->params[k].name, sets[j].name) == 0;
			if (!known) {
				program_free(p);
				*status = NG_EUSAGE;
				return NULL;
			}
		}
		*status = 0;
		return p;
	}
	errno = ENOENT;
	*status = NG_EIO;
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	char *errs = NULL;
	size_t nerrs = 0;
	FILE *ef;
	int st;

	if (!null) {
		if (!(null = fopen("/dev/null", "w")))
			abort();
		for (size_t i = 0; i < NGATES; i++)
			if (!(texts[i] = util_read_file(gate_files[i], &lens[i]))) {
				fprintf(stderr, "fuzz_testrun: %s: run from the top of the repository\n", gate_files[i]);
				abort();
			}
	}
	if (!(ef = open_memstream(&errs, &nerrs)))
		abort();
	st = testrun_mem("tests/rules/fuzz.test.yaml", (const char *)data, size, serve, NULL, null, ef);
	fclose(ef);
	if (st != 0 && st != 1 && st != NG_ECOMPILE && st != NG_EIO && st != NG_ETEST)
		abort();
	if ((st > 1) != (nerrs > 0))
		abort();	/* a file in error says why; a file that ran says nothing on errs */
	free(errs);
	return 0;
}
