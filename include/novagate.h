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
#include <signal.h>
#include <stddef.h>
#include <stdio.h>

/* A gate's verdict, from best to worst. */
typedef enum ng_verdict {
	NG_GO = 0,
	NG_NOGO = 1,
	NG_ROLLBACK = 2,
	NG_INCONCLUSIVE = 3
} ng_verdict;

/*
 * What went wrong.  The library returns these, never exit statuses; the
 * command line maps each to its documented exit status (novagate(1)), so
 * the numbers differ on purpose.
 */
typedef enum ng_errcode {
	NG_OK = 0,
	NG_EUSAGE = 1,		/* a bad argument: an option, a --set naming no parameter, no such gate */
	NG_ECOMPILE = 2,	/* the gate file does not compile */
	NG_EINPUT = 3,		/* malformed samples or baseline file */
	NG_EIO = 4,		/* a file cannot be read or written */
	NG_ETEST = 5,		/* novagate test: a malformed test file */
	/*
	 * Faults of a Prometheus-compatible server (check, watch, record,
	 * baseline with --prometheus).  --on-error inconclusive turns them
	 * into NG_INCONCLUSIVE.
	 */
	NG_ECONNECT = 6,	/* cannot connect: refused, DNS, TLS, connection reset or closed */
	NG_ETIMEOUT = 7,	/* --connect-timeout or --timeout expired */
	NG_EHTTP = 8,		/* an HTTP error status (after retries) without an API error body */
	NG_EAPI = 9,		/* the API's error envelope: "status":"error", errorType, error */
	NG_EDECODE = 10,	/* a response that is not a query result: not JSON, cut short, ... */
	NG_ESERIES = 11,	/* a metric's query returned more than one series */
	NG_ETOOBIG = 12		/* a response larger than --max-response */
} ng_errcode;
/* The name of a code as the JSON reports it ("connect", "timeout", ...). */
const char *ng_errcode_name(ng_errcode code);

/* --- diagnostics ------------------------------------------------------- */

/* NG_SEV_INFO: what -v tells, and a server's warnings: said, not judged. */
typedef enum ng_severity { NG_SEV_ERROR, NG_SEV_WARNING, NG_SEV_NOTE, NG_SEV_INFO } ng_severity;

/*
 * One problem, as a value: what (code, message), where (file, line and
 * column from 1, a span of bytes under the caret, the source line), and
 * which metric or server it concerns.  Absent fields are NULL or 0.
 */
typedef struct ng_diag {
	ng_severity severity;
	ng_errcode code;	/* NG_OK for warnings and notes */
	const char *file;
	unsigned line, col, span;
	const char *text;	/* the source line (textlen bytes, no newline) */
	size_t textlen;
	const char *metric;
	const char *server;	/* URL without credentials */
	const char *message;
	int finding;		/* novagate lint: an ng_finding, else NG_FIND_NONE */
} ng_diag;

/*
 * The diagnostics of one or more calls: every fallible function takes one
 * (NULL: keep none) and appends to it.  The caller creates and frees it.
 */
typedef struct ng_diags ng_diags;
ng_diags *ng_diags_new(void);
void ng_diags_free(ng_diags *d);
void ng_diags_clear(ng_diags *d);
size_t ng_diags_count(const ng_diags *d);
const ng_diag *ng_diags_get(const ng_diags *d, size_t i);
/* The code of the first error, or NG_OK. */
ng_errcode ng_diags_error(const ng_diags *d);
/*
 * Render one diagnostic as a compiler does: "FILE:LINE:COL: error: MESSAGE",
 * then the source line and a caret under the span.  Without a line:
 * "PROG: [warning: |note: ]FILE: MESSAGE" (prog may be NULL).
 */
void ng_diag_render(const ng_diag *d, const char *prog, FILE *out);
/* Every diagnostic of d, in order. */
void ng_diags_render(const ng_diags *d, const char *prog, FILE *out);

/* --- durations, times, values, memory ----------------------------------- */

/* A Prometheus duration ("15s", "1m30s", "500ms"), not negative. */
bool ng_parse_duration(const char *s, int64_t *ms);
/* Unix seconds (decimals allowed) or an RFC 3339 time, strictly. */
bool ng_parse_time(const char *s, int64_t *ms);
/* A number with an SI or IEC suffix (500m, 64Mi) or a percentage (*percent set; v = 0.05 for 5%). */
bool ng_parse_value(const char *s, double *v, bool *percent);
/* RFC 3339 UTC, milliseconds only when nonzero; a duration as Prometheus writes it ("1h30m"). */
void ng_format_time(char *buf, size_t size, int64_t ms);
void ng_format_duration(char *buf, size_t size, int64_t ms);
/* A sample value as Prometheus writes it: shortest round trip, "NaN", "+Inf", "-Inf". */
void ng_format_value(char *buf, size_t size, double v);
/* realloc that never returns NULL: out of memory, the library and the CLI abort with a message. */
void *ng_realloc(void *p, size_t n);

/* --- words: one table each, the spellings of the JSON and the reports --- */

typedef enum ng_state { NG_FALSE = 0, NG_TRUE = 1, NG_UNKNOWN = 2 } ng_state;
typedef enum ng_rule_kind { NG_RULE_ROLLBACK, NG_RULE_NOGO, NG_RULE_GO, NG_RULE_OBSERVE } ng_rule_kind;
const char *ng_verdict_name(ng_verdict v);	/* "go", "no-go", "rollback", "inconclusive" */
const char *ng_state_name(ng_state s);		/* "false", "true", "unknown" */
const char *ng_rule_kind_name(ng_rule_kind k);	/* "rollback", "nogo", "go", "observe" */
/* The verdict named s; false when s names none. */
bool ng_verdict_parse(const char *s, ng_verdict *v);
/* Whether v is worse than w (rollback > no-go > inconclusive > go). */
bool ng_verdict_worse(ng_verdict v, ng_verdict w);

/* --- gate files -------------------------------------------------------- */

typedef struct ng_gatefile ng_gatefile;	/* a compiled .gate file */
typedef struct ng_check ng_check;	/* samples and verdicts of one check */

typedef struct ng_param {
	const char *name, *value;	/* --set NAME=VALUE */
} ng_param;

/* The language of the queries: PromQL (Prometheus) or MetricsQL (VictoriaMetrics). */
typedef enum ng_dialect {
	NG_DIALECT_FILE = 0,		/* the file's `dialect NAME`, else PromQL */
	NG_DIALECT_PROMQL,
	NG_DIALECT_METRICSQL
} ng_dialect;
/* The dialect named s ("promql", "metricsql"); false when s names none. */
bool ng_dialect_parse(const char *s, ng_dialect *d);
/* The name ng_dialect_parse() knows d by; NULL for NG_DIALECT_FILE and past the last dialect. */
const char *ng_dialect_name(ng_dialect d);

typedef struct ng_compile_opts {
	const ng_param *sets;		/* parameter values; each must name a parameter of the file */
	int nsets;
	bool any_baseline;		/* every metric has a baseline (check --baseline FILE) */
	ng_dialect dialect;		/* --dialect */
} ng_compile_opts;

/*
 * Compile the gate text named name (for diagnostics); opts may be NULL.
 * NG_OK with *out set (and maybe warnings in d), or NG_ECOMPILE (the
 * errors in d) or NG_EUSAGE (a --set naming no parameter) with *out NULL.
 */
ng_errcode ng_compile(const char *name, const char *text, size_t len, const ng_compile_opts *opts,
		      ng_gatefile **out, ng_diags *d);
/* The same for a file's text; NG_EIO when it cannot be read. */
ng_errcode ng_compile_file(const char *path, const ng_compile_opts *opts, ng_gatefile **out, ng_diags *d);
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
/* Whether the metric declares a baseline query (false for no such metric). */
bool ng_gatefile_metric_has_baseline(const ng_gatefile *gf, int metric);
/* The file's `prometheus "URL"`, or NULL. */
const char *ng_gatefile_prometheus(const ng_gatefile *gf);
/* The file's parameters (`param NAME = "VALUE"`): the name of parameter i, its value in the file in *value. */
int ng_gatefile_nparams(const ng_gatefile *gf);
const char *ng_gatefile_param(const ng_gatefile *gf, int i, const char **value);	/* NULL past the last */

/* A gate's settings (ms) and how many rules it has. */
typedef struct ng_gate_info {
	int64_t step_ms, window_ms, lookback_ms;
	int nrules;
	int nstatistics;	/* the functions over the last steps its rules use (mannwhitney(), ...): the report's */
} ng_gate_info;
/* 0, or -1 when there is no such gate. */
int ng_gatefile_gate_info(const ng_gatefile *gf, int gate, ng_gate_info *info);

/* Rule `rule` (0 .. nrules-1, file order) of a gate. */
typedef struct ng_rule_info {
	ng_rule_kind kind;
	const char *name;	/* NULL for an unnamed go rule */
	const char *source;	/* the condition's text */
	unsigned line;
} ng_rule_info;
/* 0, or -1 when there is no such rule. */
int ng_gatefile_rule_info(const ng_gatefile *gf, int gate, int rule, ng_rule_info *info);

/* --- checks: samples in, verdicts out ---------------------------------- */

/* A check of one gate (gate >= 0) or of all (gate < 0).  gf must outlive it. */
ng_check *ng_check_new(const ng_gatefile *gf, int gate);
void ng_check_free(ng_check *c);
/* The gate file a check evaluates. */
const ng_gatefile *ng_check_gatefile(const ng_check *c);
/* Samples later than at are not needed and are dropped; default: none dropped. */
void ng_check_set_at(ng_check *c, int64_t at_ms);

/* Sample times run from the year 1 to the year 9999, in ms since 1970. */
#define NG_MIN_TIME_MS (-62135596800000LL)
#define NG_MAX_TIME_MS 253402300799999LL
/*
 * Add one sample of a metric (or of its baseline).  Returns 0, -1 when
 * t is not after the series' previous sample, or NG_PUSH_RANGE when t is
 * outside the years 1 to 9999.  v may be ng_stale_nan(), a
 * staleness marker: from t on the series has no value until its next sample
 * (in text input: a sample with the label __stale__, e.g.
 * `p99{__stale__="true"} NaN 1700000000000`).
 */
#define NG_PUSH_RANGE (-2)
int ng_check_push(ng_check *c, int metric, bool baseline, int64_t t_ms, double v);
double ng_stale_nan(void);
/*
 * Series with labels.  A metric declared `metric NAME by (L, ...) = ...`
 * is a set of series, each identified by its values of the labels L (a
 * label it lacks counts as ""); the rest of a series' labels only name it
 * in reports.  A metric without `by` is one series.  ng_check_push() adds
 * to the series without labels.
 */
typedef struct ng_label {
	const char *name, *value;
} ng_label;

/* At most this many series a check (all metrics and baselines together), unless set otherwise. */
#define NG_MAX_SERIES_DEFAULT 10000
void ng_check_set_max_series(ng_check *c, int max);
/* How many series of a quantifier's decision a report names (default 5; the count says how many in all). */
void ng_check_set_report_series(ng_check *c, int n);
/*
 * The series of a metric (or of its baseline) that has these labels, made
 * when first seen: a handle >= 0 for ng_check_push_to(), or -1 with an
 * NG_ESERIES error in d: a second label set of a metric without `by`, two
 * label sets of one identity (both named), or more series than the
 * check's maximum.  Labels named __name__, __stale__, __absent__, and role
 * with the value "baseline", are not labels of the series.
 */
int ng_check_series(ng_check *c, int metric, bool baseline, const ng_label *labels, size_t nlabels,
		    ng_diags *d);
/* ng_check_push() into the series of a handle. */
int ng_check_push_to(ng_check *c, int handle, int64_t t_ms, double v);
/* The labels of a metric's `by`: label i, or NULL past the last (and for a metric without `by`). */
const char *ng_gatefile_metric_by(const ng_gatefile *gf, int metric, int i);

/*
 * Read samples in the text exposition format (0.0.4 or OpenMetrics) from
 * fd, named name in diagnostics.  A sample without a timestamp is taken at
 * now_ms.  NG_OK, NG_EINPUT (malformed, where in d) or NG_EIO.  A warning
 * in d when no sample of a metric the gate reads was seen.
 */
ng_errcode ng_check_read_fd(ng_check *c, int fd, const char *name, int64_t now_ms, ng_diags *d);
/* The same from a file (NG_EIO when it cannot be opened), and from a buffer. */
ng_errcode ng_check_read_file(ng_check *c, const char *path, int64_t now_ms, ng_diags *d);
ng_errcode ng_check_read_mem(ng_check *c, const char *buf, size_t len, const char *name, int64_t now_ms,
			     ng_diags *d);
/*
 * Samples as they come (watch --input): text input given piece by piece,
 * each line read as soon as it is whole, as ng_check_read_fd reads it, its
 * sample pushed into a check.  The samples' own timestamps are the time:
 * a sample without one is malformed here, and a sample later than a read's
 * limit is held back, not pushed, so that the caller can evaluate the
 * steps before it first.  The input is text format 0.0.4, or OpenMetrics
 * if name ends in .om.txt (nothing can be looked ahead at).  A reader keeps
 * what it was given and has not read, at most a line of it once read.
 */
typedef struct ng_reader ng_reader;
/* A reader into c (which must outlive it) of input named name in diagnostics. */
ng_reader *ng_reader_new(ng_check *c, const char *name);
void ng_reader_free(ng_reader *r);
/* The next len bytes of input, copied; len 0: the input has ended. */
void ng_reader_write(ng_reader *r, const void *buf, size_t len);
/*
 * Push the held sample, if it is not later than until, then the samples of
 * the whole lines given (after the end, of every line), until one later
 * than until is held back.  A sample at or before done (the last step
 * evaluated; INT64_MIN: none) is late: it is pushed all the same, for the
 * steps after; the first is warned about in d, ng_reader_late() counts
 * them.  NG_OK (a sample held, or everything given read), or NG_EINPUT,
 * the error at FILE:LINE:COL in d, and the reader reads no more: a
 * malformed line, a sample without a timestamp, a sample or series the
 * check refuses (out of time order, a second series ...).  At the end,
 * ng_check_read_fd's warning when no sample the gates read came.
 */
ng_errcode ng_reader_read(ng_reader *r, int64_t done, int64_t until, ng_diags *d);
/* Whether a sample is held back, and its time. */
bool ng_reader_held(const ng_reader *r, int64_t *t_ms);
/* How many samples came late. */
int64_t ng_reader_late(const ng_reader *r);
/*
 * Whether an evaluated gate reads the series (a metric's values or its
 * baseline); if so, the step of a grid (ending at the evaluation time) that
 * holds every evaluated gate's steps, and how far before the evaluation time
 * its samples are read (first step's distance plus lookback or function range).
 */
bool ng_check_needs(const ng_check *c, int metric, bool baseline, int64_t *step_ms, int64_t *reach_ms);
/*
 * A query had no series, and the server has none of selector, one in it
 * (a typo in a metric name or in a parameter's value): a warning, which the
 * report lists under "warnings"; and for a metric's own query, its default
 * must not stand in for the missing samples, so the metric is unknown until
 * samples come.  Until selector is NULL (the series came after all), the
 * first call for a series counts.  In text input: a sample
 * NAME{__absent__="SELECTOR"} (with role="baseline" for a baseline).
 */
void ng_check_absent(ng_check *c, int metric, bool baseline, const char *selector);
/*
 * The server gave no proof that the series' samples are all it has: its
 * answer to the query came with a warning (a partial response), or it
 * could not answer whether a selector of a query without series has any
 * (ng_feed_doubt).  why, after "metric 'NAME': ", goes into the report's
 * warnings in place of ng_check_absent's, and the metric's default does not
 * stand in for it, until why is NULL.  True when the warning is new.  In
 * text input: a sample NAME{__warning__="WHY"}.
 */
bool ng_check_doubt(ng_check *c, int metric, bool baseline, const char *why);
/* The warning ng_check_absent or ng_check_doubt made of the series, or NULL. */
const char *ng_check_absent_why(const ng_check *c, int metric, bool baseline);
/* The newest sample pushed so far, if any: where a check of recorded samples evaluates. */
bool ng_check_newest(const ng_check *c, int64_t *t_ms);
/* The grid the evaluated gates step on (the gcd of their steps) and their longest window, ms. */
void ng_check_grid(const ng_check *c, int64_t *step_ms, int64_t *window_ms);
/* Samples pushed so far into a series (staleness markers included). */
int64_t ng_check_samples(const ng_check *c, int metric, bool baseline);
/*
 * Evaluate the gates with the window ending at at_ms.  Returns the worst
 * verdict (NG_INCONCLUSIVE when no gate was evaluated).
 */
ng_verdict ng_check_eval(ng_check *c, int64_t at_ms);
/* Report the last evaluation: JSON Lines, or a summary for people. */
void ng_check_report(const ng_check *c, bool human, FILE *out);
/*
 * How a report is written.  color and sparklines apply to the summary for
 * people only, and the caller decides them (the library looks at no
 * terminal nor environment): color, ANSI SGR escapes; sparklines, a line of
 * each metric's values over the window with its first threshold, and under
 * it the steps its rule was true or pending.  All false: ng_check_report().
 */
typedef struct ng_report_opts {
	bool human, color, sparklines;
} ng_report_opts;
void ng_check_report_ex(const ng_check *c, const ng_report_opts *o, FILE *out);
/* The SGR escape a coloured report writes a verdict in ("\033[1;32m" for go); "\033[0m" ends it. */
const char *ng_verdict_sgr(ng_verdict v);

/*
 * After ng_check_eval, for a gate it evaluated (else -1): the verdict; the
 * rule that decided it (decided_by of the report); a rule's state at the
 * last step (NG_UNKNOWN for a gate not evaluated); and a metric's value (or
 * its baseline's) at the last step as the report gives it: 1 with *v set,
 * 0 when it has no value, -1 when the check keeps no samples of that
 * series (no gate it evaluates reads it).
 */
int ng_check_verdict(const ng_check *c, int gate);
int ng_check_decided(const ng_check *c, int gate);
/*
 * The report's since of a rule (rule -1: of decided_by): for a rollback
 * that fired, when it first fired; else since when it has held; ms, false
 * when there is none (or no such gate or rule).
 */
bool ng_check_since(const ng_check *c, int gate, int rule, int64_t *t_ms);
ng_state ng_check_rule_state(const ng_check *c, int gate, int rule);
int ng_check_value(const ng_check *c, int gate, int metric, bool baseline, double *v);
/* Whether that value of the metric is its `default` (its query had no samples). */
bool ng_check_defaulted(const ng_check *c, int gate, int metric);

/*
 * The last evaluation as one self-contained HTML page (inline CSS and SVG,
 * nothing fetched, no script): per gate its verdict and deciding rule, and a
 * chart of each metric over the window as the rules read it.
 */
void ng_check_report_html(const ng_check *c, FILE *out);
/*
 * Why the page was written, each shown when not NULL before the gates:
 * title a first heading, with which the page's <title> begins too (Test
 * "error spike rolls back" failed); note preformatted text under it (the
 * FAIL lines).  Plain text: the page escapes them.  NULL opts:
 * ng_check_report_html().
 */
typedef struct ng_html_opts {
	const char *title;
	const char *note;
} ng_html_opts;
void ng_check_report_html_ex(const ng_check *c, const ng_html_opts *o, FILE *out);

/* --- a Prometheus-compatible server ------------------------------------ */

typedef struct ng_prom_opts {
	const char *url;		/* base URL; /api/v1/... is appended to its path */
	const char *bearer_file;	/* --bearer-token-file */
	const char *const *headers;	/* --header 'Name: value' */
	int nheaders;
	const char *ca_file, *cert_file, *key_file;
	bool insecure;
	int64_t connect_timeout, timeout;	/* ms */
	int retries;			/* further attempts after the first */
	int64_t retry_base;		/* first backoff, ms; doubles each time */
	int64_t max_response;		/* bytes */
	bool verbose;
	volatile sig_atomic_t *stop;	/* when set, transfers are abandoned */
} ng_prom_opts;

/* Defaults of ng_prom_opts: 5s, 30s, 2 retries from 250 ms, 64 MiB. */
void ng_prom_opts_init(ng_prom_opts *o);

typedef struct ng_prom ng_prom;

/*
 * A client for o->url (kept by pointer, as are the other strings of o).
 * Basic auth comes from the URL's user:password@ or from the environment
 * (NOVAGATE_PROMETHEUS_USER, NOVAGATE_PROMETHEUS_PASSWORD).  On error
 * returns NG_EUSAGE (a bad URL or header, auth given twice) or NG_EIO (the
 * token file cannot be read, libcurl cannot be loaded), the error in d.
 */
ng_errcode ng_prom_new(const ng_prom_opts *o, ng_prom **out, ng_diags *d);
void ng_prom_free(ng_prom *pc);
/*
 * Threads: a compiled ng_gatefile is only read, by any number of threads at
 * once; an ng_check, ng_feed or ng_prom is one thread's at a time.
 * ng_prom_new() and ng_prom_free() themselves (libcurl's global set-up) are
 * not thread-safe: make the clients before starting threads.
 */
/* The server URL without user, password or query string, for messages. */
const char *ng_prom_url(const ng_prom *pc);
/*
 * A sample for the engine, of one series of a metric (or of its baseline)
 * as the server returned it: sid is the feed's own number of that series,
 * dense from 0 over all the series of the feed, and stable across the
 * fetches of one feed (the same sid, the same labels every time), so that a
 * callee can keep the ng_check_series() handle of each sid in an array
 * instead of looking the labels up at every sample.  labels[0..nlabels)
 * are the series' labels as the server gave them (__name__ included),
 * sorted by name, valid during the call; none for a query whose result
 * has no labels, and for the series the feed makes of a query that had no
 * series at all (it gets the staleness markers).  One exception to the
 * same labels: of a metric without `by` (one series), that stand-in takes
 * the labels of the series the query returns later on (a watch begun
 * before the first scrape), so that its samples keep its sid and handle.
 * stale: a staleness marker (v is NaN).
 */
typedef int (*ng_sample_fn)(void *ctx, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels,
			    int64_t t, double v, bool stale);

typedef enum ng_feed_kind {
	NG_FEED_CHECK,		/* what the check reads: values, and baselines with a query */
	NG_FEED_VALUES		/* the value series of every metric read, also as a baseline */
} ng_feed_kind;

typedef struct ng_feed ng_feed;

/* The series c reads (or, NG_FEED_VALUES, records), fetched from pc; both must outlive it. */
ng_feed *ng_feed_new(ng_prom *pc, const ng_gatefile *gf, const ng_check *c, ng_feed_kind kind);
void ng_feed_free(ng_feed *f);

/*
 * Fetch what is new up to at (the first call: everything the evaluation at
 * at reads) and hand it to fn, query by query in file order (a metric's,
 * then its baseline's), each series in time order.  A
 * query's result is taken as it is, any number of series (whether a
 * metric may have several is the check's to say: ng_check_series()).
 * Every series gets a sample at at, so that at is also the newest sample:
 * a series the server has no value of there (one that was returned before
 * and is missing now, one that ended) gets a staleness marker, and so does
 * the series without labels of a query that has never had any series.
 * Returns 0, -1 when stopped, the ng_errcode of a fault (its one-line
 * message in d, with the server), or what fn returned if nonzero (the
 * samples handed on before it stay handed on).  NG_ESERIES: the queries
 * returned more series than the feed's maximum, counted over the feed's
 * life (series that ended count until it is freed).
 */
int ng_feed_fetch(ng_feed *f, int64_t at, ng_sample_fn fn, void *ctx, ng_diags *d);
/*
 * At most max series a feed keeps (all its queries together, max >= 1;
 * default NG_MAX_SERIES_DEFAULT): give it the check's ng_check_set_max_series().
 */
void ng_feed_set_max_series(ng_feed *f, int max);

/*
 * After the first fetch: for a series whose query had no series, a
 * selector in it that the server has no series of (a typo), for
 * ng_check_absent(); NULL when there is none.  The probes asked are each
 * selector's metric name and each matcher whose value comes from a
 * parameter, alone: for a metric with a default in the first fetch itself,
 * so that a default cannot hide a typo; for the others only when their
 * query had no series, in a second round.
 */
const char *ng_feed_absent(const ng_feed *f, int metric, bool baseline);
/*
 * After a fetch: for ng_check_doubt(), why the series' values or default
 * are not to be trusted, or NULL.  The server warned in its answer to the
 * query's last fetch (its values were not handed on: the series has no
 * value there); or, for a query without series, it rejected a probe or
 * answered it with a warning.  When there is one, ng_feed_absent() is NULL
 * but for a probe not answered while another found no series.
 */
const char *ng_feed_doubt(const ng_feed *f, int metric, bool baseline);

/*
 * For the baseline file: the query, step and first time of query i of the
 * feed (these count queries, a metric's or its baseline's, not the series
 * they return).
 */
int ng_feed_nseries(const ng_feed *f);
void ng_feed_series(const ng_feed *f, int i, int *metric, bool *baseline, const char **query,
		    int64_t *step, int64_t *from);

/* --- the preflight (novagate lint) -------------------------------------- */

/* What lint can find, each a warning in the ng_diags (ng_diag.finding). */
typedef enum ng_finding {
	NG_FIND_NONE = 0,
	NG_FIND_UNKNOWN_METRIC,	/* a metric name with no series over the lookback */
	NG_FIND_UNKNOWN_VALUE,	/* a parameter's value in a matcher that no series of the metric has */
	NG_FIND_REJECTED,	/* the server rejects the query */
	NG_FIND_NO_SERIES,	/* the query returns no series at the time asked about */
	NG_FIND_DEFAULT,	/* ... and the metric's default would apply */
	NG_FIND_MANY_SERIES,	/* it returns more than one series at once */
	NG_FIND_CHURN		/* its series' labels change over the lookback (a replaced pod) */
} ng_finding;
/* "unknown-metric", "unknown-value", "rejected", "no-series", "default", "many-series", "churn". */
const char *ng_finding_name(ng_finding f);

/*
 * Ask pc about every query of gf before a rollout depends on it: each
 * selector's metric name, and each parameter's value in a matcher, via
 * /api/v1/series over [at - lookback, at]; each query once, over the same
 * range.  Every finding is a warning in d at the place of the gate file it
 * concerns, with its metric and kind; *nfindings counts them.  Several
 * series are a finding of a metric without `by` (many-series at once,
 * churn one after another), and of a metric with `by` only where two label
 * sets have one identity; more series in all than max_series (a check's
 * bound, 0: NG_MAX_SERIES_DEFAULT) are one too.  Returns NG_OK (whatever
 * was found), or the code of a fault of the server (its message in d).
 */
ng_errcode ng_lint(ng_prom *pc, const ng_gatefile *gf, int64_t at_ms, int64_t lookback_ms, int max_series,
		   ng_diags *d, int *nfindings);

/* --- gate tests (novagate test) ---------------------------------------- */

/*
 * A runner of gate tests: YAML files with samples in promtool's series
 * notation and the verdicts, rule states and values expected of them
 * (novagate(1), TEST FILES).  It keeps each gate file compiled once per
 * set of parameters across the files it runs.
 */
typedef struct ng_tester ng_tester;
/* How a test file's gate: is read (path resolved against the test file); NULL: ng_compile_file. */
typedef ng_errcode ng_gate_loader(void *ctx, const char *path, const ng_compile_opts *opts, ng_gatefile **out,
				  ng_diags *d);
/*
 * A test that failed, told at its first failed expect entry in order of
 * at (the order they run in), while check still holds that evaluation:
 * ng_check_report_html() of it shows the window ending at at_ms.  What
 * the callee writes to out follows the test's FAIL blocks in the results
 * (and in its JUnit failure).  Everything is valid during the call only.
 */
typedef struct ng_test_failure {
	const char *file;	/* the test file's path, as ng_tester_run was given it */
	const char *test;	/* the test's name */
	unsigned line;		/* the test's line in the file */
	const char *gate;	/* the entry's gate */
	int64_t at_ms;		/* the entry's at */
	const char *fail;	/* its FAIL lines, each ending in a newline */
	const ng_check *check;
	FILE *out;
} ng_test_failure;
typedef void ng_test_fail_fn(void *ctx, const ng_test_failure *f);
typedef struct ng_tester_opts {
	const char *run;	/* run only the tests whose name this extended regex matches; NULL: all */
	bool verbose;		/* a PASS line for each test that passes */
	bool junit;		/* keep a JUnit report (ng_tester_junit) */
	ng_gate_loader *load;
	void *load_ctx;
	ng_test_fail_fn *on_fail;	/* called once for each test that fails; NULL: none */
	void *fail_ctx;
} ng_tester_opts;
/* NG_OK, or NG_EUSAGE for a regex that does not compile. */
ng_errcode ng_tester_new(const ng_tester_opts *opts, ng_tester **out, ng_diags *d);
/*
 * Check the test file text[0..len) named path (text NULL: read path) and,
 * when it is well formed, run its selected tests: a FAIL block for each
 * failed expectation (and with verbose a PASS line for each test that
 * passed) goes to out.  NG_OK whatever the tests found; else NG_ETEST,
 * NG_ECOMPILE (its gate file) or NG_EIO, every error in d in file order,
 * and none of its tests ran.
 */
ng_errcode ng_tester_run(ng_tester *t, const char *path, const char *text, size_t len, FILE *out, ng_diags *d);
/* Tests passed and failed so far, and files with errors. */
void ng_tester_counts(const ng_tester *t, int *passed, int *failed, int *bad_files);
/* The JUnit XML of every file run so far. */
void ng_tester_junit(const ng_tester *t, FILE *out);
void ng_tester_free(ng_tester *t);

/* --- recorded baselines ------------------------------------------------ */

/*
 * `novagate baseline` stores each metric's values over the window it is
 * read in; `check --baseline FILE.json` replays them as the baseline of the
 * metrics that have no baseline query (the format: novagate(1)).
 */
typedef struct ng_baseline ng_baseline;

/* NG_OK with *out set, or NG_EIO (cannot read) or NG_EINPUT (malformed), the error in d. */
ng_errcode ng_baseline_load(const char *path, ng_baseline **out, ng_diags *d);
/* The same over text[0..len), named path in diagnostics; text is not kept. */
ng_errcode ng_baseline_load_mem(const char *path, const char *text, size_t len, ng_baseline **out, ng_diags *d);
void ng_baseline_free(ng_baseline *b);

/*
 * Push into c the recorded baseline of every metric whose baseline c reads
 * and that has no baseline query, shifted in time so that the file's `at`
 * falls on anchor; only what lies up to upto, and on later calls only what
 * is new (watch: anchor is the last evaluation, upto the current one; check:
 * both are c's evaluation time, so call it after the other samples are in).
 * A metric the file lacks is warned about and left without a baseline.
 * A metric's "series" (recorded of a metric with `by`) go each to the
 * series of its labels (ng_check_series()), its "values" to the series
 * without labels (of a metric with `by`: the baseline of every series).
 * Returns NG_OK or NG_EINPUT (also when the check refuses a series).
 */
ng_errcode ng_baseline_apply(ng_baseline *b, ng_check *c, int64_t anchor, int64_t upto, ng_diags *d);

/*
 * Writing: a ng_sample_fn collecting a feed's samples, then the file.  A
 * metric declared with `by` is recorded series by series, each with its
 * labels (replayed, each is the baseline of the series of its identity);
 * a metric without `by` is one series, and a second one makes
 * ng_baseline_rec_sample return NG_ESERIES (give each series to
 * ng_check_series() first for the message).
 */
typedef struct ng_baseline_rec ng_baseline_rec;
ng_baseline_rec *ng_baseline_rec_new(const ng_gatefile *gf);
int ng_baseline_rec_sample(void *rec, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels,
			   int64_t t, double v, bool stale);
/* Write the file; 0, or NG_EIO when out cannot be written. */
int ng_baseline_rec_write(ng_baseline_rec *r, const ng_feed *f, const char *file, const char *server,
			  int64_t at, FILE *out);
void ng_baseline_rec_free(ng_baseline_rec *r);

#endif
