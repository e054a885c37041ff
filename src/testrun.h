/*
 * testrun.h: `novagate test`: unit tests of gates in YAML, with samples in
 * promtool's series notation, run through the engine API (the same
 * compiler and VM as `check`).  The test-file format and the output are
 * described at the top of testrun.c.
 */
#ifndef NG_TESTRUN_H
#define NG_TESTRUN_H

#include <stddef.h>
#include <stdio.h>

#include "novagate.h"

/*
 * novagate test [--run REGEX] [--junit FILE] [-v] FILE|DIR...
 * argv[0] is "test".  Returns the exit status: 0 every selected test
 * passed, 1 some failed, NG_EUSAGE, NG_ECOMPILE (a gate file does not
 * compile), NG_EIO (a file cannot be read or written), NG_ETEST (a
 * malformed test file).  An error in any file beats failures.
 */
int testrun_main(int argc, char **argv);

/*
 * For fuzzing and tests: one test file held in memory, text[0..len) named
 * path, checked and run as testrun_main runs a file.  Its gate: is resolved
 * against path and compiled by compile (NULL: ng_compile_file, from disk;
 * on NG_EIO, errno says why).  Results go to out, errors to errs.  Returns
 * testrun_main's status for that one file.
 */
typedef ng_gatefile *testrun_compile_fn(void *ctx, const char *path, const ng_param *sets, int nsets,
					FILE *errs, int *status);
int testrun_mem(const char *path, const char *text, size_t len, testrun_compile_fn *compile, void *ctx,
		FILE *out, FILE *errs);

#endif
