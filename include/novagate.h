/*
 * novagate.h: the engine behind the novagate command, for the CLI and for
 * programs that embed it.  Types are opaque.  Whoever creates an object
 * frees it with the matching _free(); nothing returned is shared.
 * Diagnostics go to the FILE * a function is given, never elsewhere.
 */
#ifndef NOVAGATE_H
#define NOVAGATE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Verdicts and errors: these are also novagate's exit statuses. */
enum ng_status {
	NG_GO = 0,
	NG_NOGO = 1,
	NG_ROLLBACK = 2,
	NG_INCONCLUSIVE = 3,
	NG_EUSAGE = 4,		/* bad command line */
	NG_ECOMPILE = 5,	/* the gate file does not compile */
	NG_EINPUT = 6,		/* malformed samples */
	NG_EIO = 7		/* a file cannot be read */
};

typedef struct ng_gatefile ng_gatefile;	/* a compiled .gate file */
typedef struct ng_check ng_check;	/* samples and verdicts of one check */

typedef struct ng_param {
	const char *name, *value;	/* --set NAME=VALUE */
} ng_param;

/*
 * Compile a .gate file.  On failure returns NULL with *status NG_ECOMPILE
 * (errors written to errs) or NG_EIO; an ng_param naming no parameter of
 * the file is NG_EUSAGE.
 */
ng_gatefile *ng_compile_file(const char *path, const ng_param *sets, int nsets,
			     FILE *errs, int *status);
void ng_gatefile_free(ng_gatefile *gf);
/* The disassembly of every gate, with source lines. */
void ng_gatefile_dump(const ng_gatefile *gf, FILE *out);
int ng_gatefile_ngates(const ng_gatefile *gf);
const char *ng_gatefile_gate_name(const ng_gatefile *gf, int gate);
/* Index of the gate named name, or -1. */
int ng_gatefile_find_gate(const ng_gatefile *gf, const char *name);
/* Index of the metric named name, or -1. */
int ng_gatefile_find_metric(const ng_gatefile *gf, const char *name);

/* A check of one gate (gate >= 0) or of all (gate < 0).  gf must outlive it. */
ng_check *ng_check_new(const ng_gatefile *gf, int gate);
void ng_check_free(ng_check *c);
/* Samples later than at are not needed and are dropped; default: none dropped. */
void ng_check_set_at(ng_check *c, int64_t at_ms);
/*
 * Add one sample of a metric (or of its baseline).  Returns 0, or -1 when
 * t is not after the series' previous sample.
 */
int ng_check_push(ng_check *c, int metric, bool baseline, int64_t t_ms, double v);
/* Read samples in the text exposition format from path ("-": stdin). Returns 0 or an ng_status. */
int ng_check_read_text(ng_check *c, const char *path, FILE *errs);
/*
 * Evaluate the gates with the window ending at at_ms, or, when the check
 * has no --at (ng_check_set_at), at the newest sample.  Returns the worst
 * verdict as an ng_status.
 */
int ng_check_run(ng_check *c);
/* Report the last run: JSON Lines, or a summary for people. */
void ng_check_report(const ng_check *c, bool human, FILE *out);

/* The verdict of the gate named, after ng_check_run: an ng_status, or -1 if it was not evaluated. */
int ng_check_verdict(const ng_check *c, int gate);

#endif
