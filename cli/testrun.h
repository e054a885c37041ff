/*
 * testrun.h: `novagate test`: unit tests of gates in YAML, with samples in
 * promtool's series notation, run through the engine API (the same
 * compiler and VM as `check`).  The test-file format and the output are
 * described at the top of testrun.c.
 */
#ifndef NG_TESTRUN_H
#define NG_TESTRUN_H

/*
 * novagate test [--run REGEX] [--junit FILE] [-v] FILE|DIR...
 * argv[0] is "test".  Returns the exit status: 0 every selected test
 * passed, 1 some failed, NG_EUSAGE, NG_ECOMPILE (a gate file does not
 * compile), NG_EIO (a file cannot be read or written), NG_ETEST (a
 * malformed test file).  An error in any file beats failures.
 */
int testrun_main(int argc, char **argv);

#endif
