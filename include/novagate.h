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
	NG_EIO = 7,		/* a file cannot be read */
	NG_ETEST = 8,		/* novagate test: a malformed test file */
	/*
	 * Faults of a Prometheus-compatible server (check, watch, record,
	 * baseline with --prometheus).  --on-error inconclusive turns them
	 * into NG_INCONCLUSIVE.
	 */
	NG_ECONNECT = 9,	/* cannot connect: refused, DNS, TLS, connection reset or closed */
	NG_ETIMEOUT = 10,	/* --connect-timeout or --timeout expired */
	NG_EHTTP = 11,		/* an HTTP error status (after retries) without an API error body */
	NG_EAPI = 12,		/* the API's error envelope: "status":"error", errorType, error */
	NG_EDECODE = 13,	/* a response that is not a query result: not JSON, cut short, ... */
	NG_ESERIES = 14,	/* a metric's query returned more than one series */
	NG_ETOOBIG = 15		/* a response larger than --max-response */
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
/* ng_compile_file with flags: */
#define NG_COMPILE_ANY_BASELINE 1	/* every metric has a baseline (check --baseline FILE) */
ng_gatefile *ng_compile_file_ex(const char *path, const ng_param *sets, int nsets, unsigned flags,
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

int ng_gatefile_nmetrics(const ng_gatefile *gf);
const char *ng_gatefile_metric_name(const ng_gatefile *gf, int metric);
/* The query (or baseline query) with parameters substituted; NULL when there is none. */
const char *ng_gatefile_metric_query(const ng_gatefile *gf, int metric, bool baseline);
/* The file's `prometheus "URL"`, or NULL. */
const char *ng_gatefile_prometheus(const ng_gatefile *gf);

/* A check of one gate (gate >= 0) or of all (gate < 0).  gf must outlive it. */
ng_check *ng_check_new(const ng_gatefile *gf, int gate);
void ng_check_free(ng_check *c);
/* The gate file a check evaluates. */
const ng_gatefile *ng_check_gatefile(const ng_check *c);
/* Samples later than at are not needed and are dropped; default: none dropped. */
void ng_check_set_at(ng_check *c, int64_t at_ms);
/*
 * Add one sample of a metric (or of its baseline).  Returns 0, -1 when
 * t is not after the series' previous sample, or NG_PUSH_RANGE when t is
 * outside the years 1 to 9999.  v may be ng_stale_nan(), a
 * staleness marker: from t on the series has no value until its next sample
 * (in text input: a sample with the label __stale__, e.g.
 * `p99{__stale__="true"} NaN 1700000000000`).
 */
#define NG_PUSH_RANGE (-2)
/* Sample times run from the year 1 to the year 9999, in ms since 1970. */
#define NG_MIN_TIME_MS (-62135596800000LL)
#define NG_MAX_TIME_MS 253402300799999LL
int ng_check_push(ng_check *c, int metric, bool baseline, int64_t t_ms, double v);
double ng_stale_nan(void);
/*
 * Whether an evaluated gate reads the series (a metric's values or its
 * baseline); if so, the step of a grid (ending at the evaluation time) that
 * holds every evaluated gate's steps, and how far before the evaluation time
 * its samples are read (first step's distance plus lookback or function range).
 */
bool ng_check_needs(const ng_check *c, int metric, bool baseline, int64_t *step_ms, int64_t *reach_ms);
/* The time ng_check_run evaluates at: --at, else the newest sample, else now. */
int64_t ng_check_at(const ng_check *c);
/* Samples pushed so far into a series (staleness markers included). */
int64_t ng_check_samples(const ng_check *c, int metric, bool baseline);
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

/* A gate's settings (ms) and how many rules it has. */
typedef struct ng_gate_info {
	int64_t step_ms, window_ms, lookback_ms;
	int nrules;
} ng_gate_info;
/* 0, or -1 when there is no such gate. */
int ng_gatefile_gate_info(const ng_gatefile *gf, int gate, ng_gate_info *info);

/* Rule `rule` (0 .. nrules-1, file order) of a gate. */
typedef struct ng_rule_info {
	const char *kind;	/* "rollback", "nogo" or "go" */
	const char *name;	/* NULL for an unnamed go rule */
	const char *source;	/* the condition's text */
	unsigned line;
} ng_rule_info;
/* 0, or -1 when there is no such rule. */
int ng_gatefile_rule_info(const ng_gatefile *gf, int gate, int rule, ng_rule_info *info);
/* Whether the metric declares a baseline query (false for no such metric). */
bool ng_gatefile_metric_has_baseline(const ng_gatefile *gf, int metric);

/*
 * After ng_check_run, for a gate it evaluated (else -1 or NULL): the rule
 * that decided the verdict (decided_by of the report); a rule's state at
 * the last step, "true", "false" or "unknown"; and a metric's value (or
 * its baseline's) at the last step as the report gives it: 1 with *v set,
 * 0 when it has no value, -1 when the check keeps no samples of that
 * series (no gate it evaluates reads it).
 */
int ng_check_decided(const ng_check *c, int gate);
const char *ng_check_rule_state(const ng_check *c, int gate, int rule);
int ng_check_value(const ng_check *c, int gate, int metric, bool baseline, double *v);

#endif
