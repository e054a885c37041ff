/*
 * cli.h: what the command line's files share: its exit statuses (the
 * library's codes mapped to those novagate(1) documents) and reading
 * --input.
 */
#ifndef NG_CLI_H
#define NG_CLI_H

#include "novagate.h"

/* novagate(1), EXIT STATUS: a verdict, or what went wrong. */
enum cli_exit {
	EXIT_GO = 0, EXIT_NOGO = 1, EXIT_ROLLBACK = 2, EXIT_INCONCLUSIVE = 3,
	EXIT_USAGE = 4, EXIT_COMPILE = 5, EXIT_INPUT = 6, EXIT_IO = 7, EXIT_TEST = 8,
	EXIT_CONNECT = 9, EXIT_TIMEOUT = 10, EXIT_HTTP = 11, EXIT_API = 12, EXIT_DECODE = 13,
	EXIT_SERIES = 14, EXIT_TOOBIG = 15,
	EXIT_FINDINGS = 16,	/* novagate lint found something */
	EXIT_INTERRUPTED = 17,	/* watch: SIGINT or SIGTERM, after a line with the verdict so far */
	EXIT_MAX_DURATION = 18,	/* watch: --max-duration, after a line with the verdict so far */
};

/* The exit status of a verdict, and of an error code (0 for NG_OK). */
int cli_verdict_status(ng_verdict v);
int cli_exit_status(ng_errcode rc);

/* Print the diagnostics of a command, compiler-style, with a count when a gate file has several errors. */
void cli_print_diags(const ng_diags *d);

/* The end of one library call: its diagnostics printed, d freed, rc as an exit status. */
int cli_done(ng_diags *d, ng_errcode rc);

/* novagate test [--run ONLY] [--junit FILE] [--report DIR] [-v] PATH...: the exit status. */
int cli_test(const char *only, const char *junit, const char *report, bool verbose, const char *const *paths,
	     int npaths);

/* Wall-clock time (for --at's default and samples without a timestamp), and a monotonic one, ms. */
int64_t cli_now_ms(void);
int64_t cli_mono_ms(void);

/*
 * --report: the HTML page of c's last evaluation (o: why it was written, or
 * NULL) written to path, replaced whole; 0 or an exit status (said).
 */
int cli_report_html(const ng_check *c, const ng_html_opts *o, const char *path);

/* Read --input (a path, or "-" for standard input) into c. */
ng_errcode cli_read_input(ng_check *c, const char *path, ng_diags *d);

/* A recorded baseline (--baseline): loaded, applied; diagnostics printed; an exit status. */
int cli_baseline_load(const char *path, ng_baseline **out);
int cli_baseline_apply(ng_baseline *b, ng_check *c, int64_t anchor, int64_t upto);

#endif
