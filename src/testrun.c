/*
 * testrun.c: `novagate test`, unit tests of gates in YAML.
 *
 *   gate: ../../rules/canary.gate     # the gate file, relative to this file (required)
 *   interval: 15s                     # spacing of the samples; default: the step of the
 *                                     # gates a test names (the smallest, if several)
 *   set: { version: v1.2.5 }          # --set for every test (a test's own set wins)
 *   tests:
 *     - name: healthy canary goes     # unique within the file
 *       interval: 15s                 # optional, this test only
 *       set: { version: v1.2.6 }      # optional
 *       series: &healthy              # METRIC or METRIC{role="baseline"}: promtool's notation
 *         error_rate: '0.001x20'      # (seriesnot.h); other labels are ignored, as by check
 *         'p99{role="baseline"}': '0.19x20'
 *       expect:
 *         - at: 5m                    # the window ends 5m after the first sample (required)
 *           gate: canary              # optional when the gate file has one gate
 *           verdict: go               # go, no-go, rollback or inconclusive
 *           rule: critical error rate # the deciding rule; `go` names the go rule
 *           rules: { p99 doubled: false }           # states at the last step: true, false, unknown
 *           values: { error_rate: 0.001, cpu: null } # at the last step; null: no value
 *     - name: a spike
 *       series: { <<: *healthy, error_rate: '0.001x4 0.08x8' }   # YAML merge keys in series
 *       ...
 *
 * The first value of a series is at time 0, the next at `interval`, ...  A
 * test runs each of its expect entries through one ng_check, in order of
 * `at`, the samples pushed up to each `at` in turn.  Expected values take
 * PromQL's numbers or the gate language's units (164Mi, 0.5%) and compare
 * with a relative tolerance of 1e-9; NaN equals NaN.
 *
 * Every file is checked whole before any of its tests runs: a malformed
 * file runs none and reports its errors as FILE:LINE:COL with the line and
 * a caret, in file order, each once and the first MAX_ERRORS of them.  An
 * `at` past the last value of the test's longest series is an error, not a
 * window of missing data.  YAML anchors and aliases may be used, but not to
 * make a node hold itself or the file many times larger (check_aliases); a
 * test is listed once; the series of a file expand to MAX_VALUES values at
 * most.
 *
 * Output (stdout): per failed check `FILE:LINE: FAIL: TEST: GATE at AT: what:
 * expected X, got Y`, then the deciding rule and a table of the series'
 * values around AT; with -v `FILE:LINE: PASS: TEST`; last `N passed, N
 * failed`.  Exit: 0, 1 (a test failed), 4 (usage), 5 (a gate file does not
 * compile), 7 (a file cannot be read), 8 (NG_ETEST, a malformed test file);
 * an error in any file beats failures.
 */
#include "novagate.h"

#include "error.h"

#include "diag.h"
#include "series.h"
#include "seriesnot.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <yaml.h>

#define TOLERANCE 1e-9
#define MAX_VALUES (8 * (size_t)SN_MAX_VALUES)	/* of all the series of a file */
#define MAX_ERRORS 100		/* shown of a file: each shows its line, which may be long */


/* --- a growing string ------------------------------------------------------ */

typedef struct sbuf {
	char *s;
	size_t n, cap;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		va_start(ap, fmt);
		k = vsnprintf(b->s ? b->s + b->n : NULL, b->s ? b->cap - b->n : 0, fmt, ap);
		va_end(ap);
		if (k < 0)
			return;
		if (b->s && b->n + (size_t)k < b->cap)
			break;
		b->cap = (b->cap ? 2 * b->cap : 256) + (size_t)k;
		b->s = xrealloc(b->s, b->cap);
	}
	b->n += (size_t)k;
}

static void
sb_put(sbuf *b, const char *s, size_t n)
{
	if (b->n + n + 1 > b->cap) {
		b->cap = 2 * (b->n + n + 1);
		b->s = xrealloc(b->s, b->cap);
	}
	if (n)
		memcpy(b->s + b->n, s, n);
	b->n += n;
	b->s[b->n] = '\0';
}

/* XML text: markup escaped, bytes XML 1.0 cannot hold replaced. */
static void
sb_xml(sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': sb_put(b, "&amp;", 5); break;
		case '<': sb_put(b, "&lt;", 4); break;
		case '>': sb_put(b, "&gt;", 4); break;
		case '"': sb_put(b, "&quot;", 6); break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				sb_put(b, "?", 1);
			else
				sb_put(b, (const char *)&s[i], 1);
		}
	}
}

/* --- the model of a test file ---------------------------------------------- */

typedef struct tseries {
	yaml_node_t *key;
	const char *name;	/* the key as written */
	int metric;
	bool baseline;
	sn_series s;
} tseries;

typedef struct trulecheck {
	yaml_node_t *node;	/* the value */
	int rule;		/* in the gate */
	const char *state;	/* "true", "false", "unknown" */
} trulecheck;

typedef struct tvaluecheck {
	yaml_node_t *node;
	const char *name;	/* the key as written */
	int metric;
	bool baseline, has;	/* has: a value is expected (else none) */
	double v;
} tvaluecheck;

typedef struct texpect {
	yaml_node_t *node, *at_node;
	int64_t at;
	int gate;
	yaml_node_t *verdict_node, *rule_node;
	int verdict;		/* an ng_status, or -1 */
	int rule;		/* the deciding rule expected, in the gate */
	trulecheck *rules;
	int nrules;
	tvaluecheck *values;
	int nvalues;
} texpect;

typedef struct ttest {
	yaml_node_t *node;
	const char *name;
	int64_t interval;
	ng_param *sets;
	int nsets;
	yaml_node_t *set_node;	/* its set: mapping */
	const ng_gatefile *gf;	/* compiled with sets */
	tseries *series;
	int nseries;
	texpect *expects;
	int nexpects;
} ttest;

typedef struct compiled {
	char *path, *key;	/* the gate file and its sets, as "NAME=VALUE\n"... sorted */
	ng_gatefile *gf;
	ng_errcode status;
	ng_diags *diags;	/* the compiler's */
} compiled;

struct ng_tester {
	regex_t re;
	bool has_re, verbose, junit;
	ng_gate_loader *load;	/* NULL: ng_compile_file */
	void *load_ctx;
	FILE *out;		/* results of the file being run */
	ng_diags *diags;	/* its errors */
	compiled *cc;
	int ncc;
	int passed, failed, badfiles;
	sbuf xml;		/* the JUnit test suites */
};
typedef struct ng_tester runner;

/* A diagnostic, kept to be reported in the order of the file. */
typedef struct tmsg {
	size_t off;
	int seq;
	size_t first, n;	/* its diagnostics in the file's pending list */
} tmsg;

/* An error as reported, before it is rendered with its line. */
typedef struct terr {
	diag_span at;
	char *msg;
} terr;

typedef struct tfile {
	const char *path;
	char *text;
	size_t len;
	size_t *bol;		/* offset of each line */
	size_t nlines;
	struct linechars {	/* of each line, once asked (done) */
		size_t len;	/* in bytes */
		size_t *off;	/* of each character, NULL when they are its bytes */
		size_t n;
		bool done;
	} *lc;
	yaml_document_t doc;
	bool loaded;
	diag_src d;
	ng_diags *pending;	/* diagnostics, reported in file order when it is read */
	tmsg *msgs;
	int nmsgs, msgcap;
	terr *errs;		/* the first MAX_ERRORS errors, each once */
	int nerrs;		/* how many, or MAX_ERRORS + 1 when there are more */
	int status;		/* the first error's status */
	unsigned *merged;	/* per node: the pass that last merged it into series */
	bool *is_test;		/* per node: read as a test */
	unsigned pass;		/* one per test */
	size_t nvalues;		/* expanded by the series so far */
	yaml_node_t *gate_node, *set_node;
	char *gatepath;
	const ng_gatefile *gf;	/* compiled with the file's sets */
	int64_t interval;
	ng_param *sets;
	int nsets;
	ttest *tests;
	int ntests;
} tfile;


/* --- locations ------------------------------------------------------------- */

static size_t
u8len(const char *s, size_t n)
{
	unsigned char c = (unsigned char)*s;
	size_t k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;

	return k <= n ? k : 1;
}

/* Where the characters of line l are: each error on a long line would rescan it. */
static void
index_line(tfile *f, size_t l)
{
	struct linechars *lc = &f->lc[l];
	const char *p = f->text + f->bol[l], *nl = memchr(p, '\n', f->len - f->bol[l]);
	size_t len = nl ? (size_t)(nl - p) : f->len - f->bol[l], k = 0;

	lc->done = true;
	lc->len = len;
	while (k < len && !(p[k] & 0x80))
		k++;
	if (k == len)
		return;
	lc->off = xmalloc((len + 1) * sizeof *lc->off);
	for (k = 0; k < len; k += u8len(p + k, len - k))
		lc->off[lc->n++] = f->bol[l] + k;
	lc->off[lc->n] = f->bol[l] + len;
}

/* A libyaml mark (line from 0, column in characters) as a byte offset. */
static size_t
mark_off(const tfile *cf, yaml_mark_t m)
{
	tfile *f = (tfile *)cf;	/* a cache: filling it changes nothing f stands for */
	struct linechars *lc;

	if (m.line >= f->nlines)
		return f->len;
	lc = &f->lc[m.line];
	if (!lc->done)
		index_line(f, m.line);
	if (!lc->off)
		return f->bol[m.line] + (m.column < lc->len ? m.column : lc->len);
	return lc->off[m.column < lc->n ? m.column : lc->n];
}

static diag_span
span_of(const tfile *f, const yaml_node_t *n)
{
	size_t a = mark_off(f, n->start_mark), b = mark_off(f, n->end_mark);

	return (diag_span){ (unsigned)a, (unsigned)(b > a ? b - a : 1) };
}

/* The diagnostics added to f->pending since it held first: one message, at off. */
static void
add_msg(tfile *f, size_t off, size_t first)
{
	if (f->nmsgs == f->msgcap) {
		f->msgcap = f->msgcap ? 2 * f->msgcap : 16;
		f->msgs = xrealloc(f->msgs, (size_t)f->msgcap * sizeof *f->msgs);
	}
	f->msgs[f->nmsgs] = (tmsg){ off, f->nmsgs, first, ng_diags_count(f->pending) - first };
	f->nmsgs++;
}

static void verr(tfile *f, diag_span at, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * An error: rendered with its line unless it was reported before (a node
 * read again through an alias) or MAX_ERRORS are; counted either way.
 */
static void
verr(tfile *f, diag_span at, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (!f->status)
		f->status = NG_ETEST;
	for (int i = 0; i < f->nerrs && i < MAX_ERRORS; i++) {
		if (f->errs[i].at.off == at.off && f->errs[i].at.len == at.len && strcmp(f->errs[i].msg, msg) == 0) {
			f->d.nerrors++;
			return;
		}
	}
	if (f->nerrs >= MAX_ERRORS) {
		f->nerrs = MAX_ERRORS + 1;
		f->d.nerrors++;
		return;
	}
	if (!f->errs)
		f->errs = xmalloc(MAX_ERRORS * sizeof *f->errs);
	f->errs[f->nerrs++] = (terr){ at, xstrdup(msg) };
	size_t first = ng_diags_count(f->pending);
	f->d.sink = f->pending;
	diag_error(&f->d, at, "%s", msg);	/* counts it */
	err_set_code(f->pending, NG_ETEST);
	add_msg(f, at.off, first);
}

static void err_at(tfile *f, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
err_at(tfile *f, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(f, span_of(f, n), fmt, ap);
	va_end(ap);
}

static void
err_span(tfile *f, diag_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
err_span(tfile *f, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(f, at, fmt, ap);
	va_end(ap);
}

static int
cmp_msg(const void *a, const void *b)
{
	const tmsg *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq - y->seq;
}

/*
 * Where bytes [k, k+len) of a scalar's value are in the file: exact when the
 * scalar sits on one line and its text is the value (no escapes, no
 * folding), else the scalar's first byte.
 */
static diag_span
scalar_span(const tfile *f, const yaml_node_t *n, size_t k, size_t len)
{
	size_t a = mark_off(f, n->start_mark), b = mark_off(f, n->end_mark);
	size_t q = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;

	if (n->start_mark.line == n->end_mark.line && b >= a + 2 * q &&
	    (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
	     n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	     n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) &&
	    b - a - 2 * q == n->data.scalar.length &&
	    memcmp(f->text + a + q, n->data.scalar.value, n->data.scalar.length) == 0)
		return (diag_span){ (unsigned)(a + q + k), (unsigned)(len ? len : 1) };
	return (diag_span){ (unsigned)a, 1 };
}

/* --- YAML nodes ------------------------------------------------------------ */

static yaml_node_t *
node(tfile *f, int id)
{
	return yaml_document_get_node(&f->doc, id);
}

/* The id of a node of the document (from 1, as libyaml counts). */
static int
node_id(const tfile *f, const yaml_node_t *n)
{
	return (int)(n - f->doc.nodes.start) + 1;
}

static const char *
node_kind(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a mapping" : n->type == YAML_SEQUENCE_NODE ?
		"a list" : "a scalar";
}

/* A scalar's text, or NULL after an error naming what was wanted. */
static const char *
scalar(tfile *f, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		err_at(f, n, "%s must be %s, not %s", what, "a single value", node_kind(n));
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		err_at(f, n, "%s holds a NUL character", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

static bool
is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE)
		return false;
	if (n->tag && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
		return true;
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		(!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

/* A scalar key and its place in the mapping, for finding duplicates. */
typedef struct keyref {
	const yaml_node_t *k;
	size_t i;
} keyref;

static bool
same_key(const yaml_node_t *a, const yaml_node_t *b)
{
	return a->data.scalar.length == b->data.scalar.length &&
		memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

static int
cmp_keyref(const void *a, const void *b)
{
	const keyref *x = a, *y = b;
	size_t n = x->k->data.scalar.length, m = y->k->data.scalar.length;
	int c = n != m ? (n < m ? -1 : 1) : memcmp(x->k->data.scalar.value, y->k->data.scalar.value, n);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

static void
dup_error(tfile *f, const yaml_node_t *k, const yaml_node_t *first, const char *what)
{
	err_at(f, k, "duplicate key '%s' in %s (the first is on line %zu)", (const char *)k->data.scalar.value,
	       what, first->start_mark.line + 1);
}

/* Each scalar key equal to an earlier one: pairwise when few, else sorted. */
static void
dup_keys(tfile *f, const yaml_node_pair_t *p0, size_t n, const char *what)
{
	keyref *kr;
	size_t m = 0;

	if (n <= 16) {
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *k = node(f, p0[i].key);
			for (size_t j = 0; k->type == YAML_SCALAR_NODE && j < i; j++) {
				yaml_node_t *k2 = node(f, p0[j].key);
				if (k2->type == YAML_SCALAR_NODE && same_key(k, k2)) {
					dup_error(f, k, k2, what);
					break;
				}
			}
		}
		return;
	}
	kr = xmalloc(n * sizeof *kr);
	for (size_t i = 0; i < n; i++)
		if (node(f, p0[i].key)->type == YAML_SCALAR_NODE)
			kr[m++] = (keyref){ node(f, p0[i].key), i };
	qsort(kr, m, sizeof *kr, cmp_keyref);
	for (size_t i = 1, first = 0; i < m; i++) {
		if (!same_key(kr[first].k, kr[i].k))
			first = i;
		else
			dup_error(f, kr[i].k, kr[first].k, what);
	}
	free(kr);
}

/*
 * The pairs of a mapping, keys checked to be unique scalars; NULL (after an
 * error) when n is not a mapping.  *n_out: how many.
 */
static yaml_node_pair_t *
pairs(tfile *f, yaml_node_t *n, const char *what, int *n_out)
{
	yaml_node_pair_t *p0, *top;

	*n_out = 0;
	if (n->type != YAML_MAPPING_NODE) {
		if (is_null(n))
			return NULL;	/* nothing in it */
		err_at(f, n, "%s must be a mapping (KEY: VALUE lines), not %s", what, node_kind(n));
		return NULL;
	}
	p0 = n->data.mapping.pairs.start;
	top = n->data.mapping.pairs.top;
	for (yaml_node_pair_t *p = p0; p < top; p++) {
		yaml_node_t *k = node(f, p->key);
		if (k->type != YAML_SCALAR_NODE)
			err_at(f, k, "a key of %s must be a single value, not %s", what, node_kind(k));
	}
	dup_keys(f, p0, (size_t)(top - p0), what);
	*n_out = (int)(top - p0);
	return p0;
}

static bool
key_is(tfile *f, const yaml_node_pair_t *p, const char *name)
{
	yaml_node_t *k = node(f, p->key);

	return k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, name) == 0;
}

/* A Prometheus duration (or 0). */
static int
duration(tfile *f, yaml_node_t *n, const char *what, int64_t *ms)
{
	const char *s = scalar(f, n, what), *err;
	size_t errat;

	if (!s)
		return -1;
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	if (units_duration(s, strlen(s), ms, &err, &errat) < 0) {
		err_span(f, scalar_span(f, n, errat, 1), "%s: %s", what, err);
		return -1;
	}
	return 0;
}

/* interval: more than 0, at most 100y (so that SN_MAX_VALUES steps fit in int64 ms). */
static void
interval(tfile *f, yaml_node_t *n, int64_t *ms)
{
	if (duration(f, n, "interval", ms) < 0)
		return;
	if (*ms <= 0)
		err_at(f, n, "interval must be more than 0");
	else if (*ms > 100LL * 365 * 24 * 3600 * 1000)
		err_at(f, n, "interval must be at most 100y");
	else
		return;
	*ms = 0;
}

/* --- gate files ------------------------------------------------------------ */

/* dir of from + rel, with "." and ".." taken out where the result still names the same file. */
static char *
resolve(const char *from, const char *rel)
{
	sbuf b = { 0 };
	const char *slash = strrchr(from, '/');

	if (rel[0] != '/' && slash)
		sb_put(&b, from, (size_t)(slash - from + 1));
	sb_put(&b, rel, strlen(rel));

	/* lexical clean: a/b/../c -> a/c, ./x -> x */
	char *in = b.s, *out = xmalloc(b.n + 2);
	size_t n = 0, i = 0;
	bool abs = in[0] == '/';
	size_t floor = 0;	/* out[0..floor) holds leading ".." parts */

	if (abs)
		out[n++] = '/', floor = 1;
	while (in[i]) {
		while (in[i] == '/')
			i++;
		size_t s = i;
		while (in[i] && in[i] != '/')
			i++;
		size_t len = i - s;
		if (len == 0 || (len == 1 && in[s] == '.'))
			continue;
		if (len == 2 && in[s] == '.' && in[s + 1] == '.') {
			if (n > floor) {
				while (n > floor && out[n - 1] != '/')
					n--;
				if (n > floor)
					n--;	/* the slash */
				continue;
			}
			if (abs)
				continue;
			if (n)
				out[n++] = '/';
			memcpy(out + n, "..", 2);
			n += 2;
			floor = n;
			continue;
		}
		if (n && out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, in + s, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = '\0';
	/* the clean form is only shown when it names the same file (no symlinked directories) */
	struct stat a, c;
	if (stat(in, &a) == 0 && (stat(out, &c) != 0 || a.st_ino != c.st_ino || a.st_dev != c.st_dev)) {
		free(out);
		return in;
	}
	free(in);
	return out;
}

static int
cmp_param(const void *a, const void *b)
{
	return strcmp(((const ng_param *)a)->name, ((const ng_param *)b)->name);
}

/* The gate file compiled with these sets, from the cache or now. */
static compiled *
compile_gate(runner *R, const char *path, const ng_param *sets, int nsets)
{
	ng_param *sorted = xmalloc((size_t)(nsets ? nsets : 1) * sizeof *sorted);
	sbuf key = { 0 };

	if (nsets) {
		memcpy(sorted, sets, (size_t)nsets * sizeof *sorted);
		qsort(sorted, (size_t)nsets, sizeof *sorted, cmp_param);
	}
	sb_put(&key, "", 0);
	for (int i = 0; i < nsets; i++)
		sb_printf(&key, "%s=%s\n", sorted[i].name, sorted[i].value);
	for (int i = 0; i < R->ncc; i++) {
		if (strcmp(R->cc[i].path, path) == 0 && strcmp(R->cc[i].key, key.s) == 0) {
			free(key.s);
			free(sorted);
			return &R->cc[i];
		}
	}
	R->cc = xrealloc(R->cc, (size_t)(R->ncc + 1) * sizeof *R->cc);
	compiled *c = &R->cc[R->ncc++];
	*c = (compiled){ .path = xstrdup(path), .key = key.s };
	ng_compile_opts co = { .sets = sorted, .nsets = nsets };
	c->diags = ng_diags_new();
	c->status = R->load ? R->load(R->load_ctx, path, &co, &c->gf, c->diags)
			    : ng_compile_file(path, &co, &c->gf, c->diags);
	free(sorted);
	return c;
}

/* The key of a set: mapping that names param, else the mapping. */
static yaml_node_t *
set_key(tfile *f, yaml_node_t *set, const char *param)
{
	if (set->type != YAML_MAPPING_NODE)
		return set;
	for (yaml_node_pair_t *p = set->data.mapping.pairs.start; p < set->data.mapping.pairs.top; p++)
		if (key_is(f, p, param))
			return node(f, p->key);
	return set;
}

/*
 * The file's gate file compiled with sets (from the set: mapping set_node),
 * or NULL after reporting why not.
 */
static const ng_gatefile *
file_gate(runner *R, tfile *f, yaml_node_t *set_node, const ng_param *sets, int nsets)
{
	compiled *c = compile_gate(R, f->gatepath, sets, nsets);

	if (c->gf)
		return c->gf;
	if (c->status == NG_EIO) {
		const ng_diag *why = ng_diags_get(c->diags, 0);
		err_at(f, f->gate_node, "cannot read the gate file %s: %s", f->gatepath,
		       why ? why->message : "read error");
		f->status = NG_EIO;
		return NULL;
	}
	if (c->status == NG_EUSAGE) {
		/* a set that names no parameter: find which */
		for (int i = 0; i < nsets; i++) {
			compiled *one = compile_gate(R, f->gatepath, &sets[i], 1);
			if (one->status == NG_EUSAGE)
				err_at(f, set_node ? set_key(f, set_node, sets[i].name) : f->gate_node,
				       "%s declares no parameter '%s'", f->gatepath, sets[i].name);
		}
		return NULL;
	}
	err_at(f, f->gate_node, "the gate file %s does not compile:", f->gatepath);
	size_t first = ng_diags_count(f->pending);
	for (size_t i = 0; i < ng_diags_count(c->diags); i++)
		err_copy(f->pending, ng_diags_get(c->diags, i));
	add_msg(f, mark_off(f, f->gate_node->start_mark), first);
	f->status = NG_ECOMPILE;
	return NULL;
}

/* `set:`: NAME: VALUE pairs. */
static void
parse_sets(tfile *f, yaml_node_t *n, ng_param **sets, int *nsets)
{
	int np;
	yaml_node_pair_t *p = pairs(f, n, "set", &np);

	for (int i = 0; p && i < np; i++) {
		yaml_node_t *k = node(f, p[i].key), *v = node(f, p[i].value);
		const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL;
		const char *value = scalar(f, v, "a parameter's value");
		if (!name || !value)
			continue;
		int j;
		for (j = 0; j < *nsets && strcmp((*sets)[j].name, name) != 0; j++)
			;
		if (j == *nsets) {
			*sets = xrealloc(*sets, (size_t)(*nsets + 1) * sizeof **sets);
			(*nsets)++;
		}
		(*sets)[j] = (ng_param){ name, value };
	}
}

/* --- series keys and values -------------------------------------------------- */

/* METRIC or METRIC{role="baseline"} (other labels are allowed and ignored, as by check). */
static int
series_key(tfile *f, const ng_gatefile *gf, yaml_node_t *k, int *metric, bool *baseline)
{
	const char *s = scalar(f, k, "a series");
	sn_series d;
	sn_error e;

	if (!s)
		return -1;
	if (sn_parse_desc(s, strlen(s), &d, &e) < 0) {
		err_span(f, scalar_span(f, k, e.off, e.len),
			 "bad series '%s': %s", s, e.msg);
		return -1;
	}
	const char *name = sn_label_value(&d, "__name__"), *role = sn_label_value(&d, "role");
	int r = -1;
	if (d.n) {
		err_at(f, k, "the series '%s' holds values: they go after the colon", s);
	} else if (!name) {
		err_at(f, k, "the series '%s' has no metric name", s);
	} else if ((*metric = ng_gatefile_find_metric(gf, name)) < 0) {
		err_at(f, k, "the gate file has no metric '%s'", name);
	} else {
		*baseline = role && strcmp(role, "baseline") == 0;
		if (*baseline && !ng_gatefile_metric_has_baseline(gf, *metric))
			err_at(f, k, "metric '%s' has no baseline", name);
		else
			r = 0;
	}
	sn_free(&d);
	return r;
}

/* One series, unless merged (<<) and set already. */
static void
add_series(tfile *f, ttest *t, yaml_node_t *k, yaml_node_t *v, bool merged)
{
	tseries ts = { .key = k };
	const char *vals;
	sn_error e;

	if (series_key(f, t->gf, k, &ts.metric, &ts.baseline) < 0)
		return;
	ts.name = (const char *)k->data.scalar.value;
	for (int j = 0; j < t->nseries; j++) {
		if (t->series[j].metric != ts.metric || t->series[j].baseline != ts.baseline)
			continue;
		if (!merged && strcmp(t->series[j].name, ts.name) != 0)
			err_at(f, k, "'%s' is a second series for the same %s as '%s' on line %zu", ts.name,
			       ts.baseline ? "baseline" : "metric", t->series[j].name,
			       t->series[j].key->start_mark.line + 1);
		return;
	}
	if (f->nvalues > MAX_VALUES || !(vals = scalar(f, v, "a series' values")))
		return;
	if (sn_parse_values(vals, strlen(vals), &ts.s, &e) < 0) {
		err_span(f, scalar_span(f, v, e.off, e.len), "bad series values: %s", e.msg);
		return;
	}
	if (ts.s.n > MAX_VALUES - f->nvalues) {
		/* every test is read before any runs: memory is bounded by the file's values */
		err_at(f, v, "the series of the file expand to more than %zu values in all", MAX_VALUES);
		f->nvalues = MAX_VALUES + 1;
		sn_free(&ts.s);
		return;
	}
	f->nvalues += ts.s.n;
	t->series = xrealloc(t->series, (size_t)(t->nseries + 1) * sizeof *t->series);
	t->series[t->nseries++] = ts;
}

/*
 * series: KEY: VALUES pairs.  A YAML merge key (<<: *anchor, or a list of
 * them) brings in the series of other mappings that this one does not set;
 * a mapping merged a second time into the same test brings in nothing new,
 * so it is read once per test (f->pass).
 */
static void
parse_series(tfile *f, ttest *t, yaml_node_t *n, int depth)
{
	int np;
	yaml_node_pair_t *p;

	if (n->type == YAML_MAPPING_NODE) {
		unsigned *m = &f->merged[node_id(f, n)];
		if (*m == f->pass)
			return;
		*m = f->pass;
	}
	p = pairs(f, n, "series", &np);
	for (int i = 0; p && i < np; i++)
		if (!key_is(f, &p[i], "<<"))
			add_series(f, t, node(f, p[i].key), node(f, p[i].value), depth > 0);
	for (int i = 0; p && i < np; i++) {
		yaml_node_t *v = node(f, p[i].value);
		if (!key_is(f, &p[i], "<<"))
			continue;
		if (depth > 8) {
			err_at(f, v, "merge keys (<<) nest too deep");
		} else if (v->type == YAML_MAPPING_NODE) {
			parse_series(f, t, v, depth + 1);
		} else if (v->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
				parse_series(f, t, node(f, *it), depth + 1);
		} else {
			err_at(f, v, "<< takes a mapping or a list of mappings (as *healthy), not %s", node_kind(v));
		}
	}
}

/*
 * An expected value: a number in PromQL's forms (1e-3, NaN, +Inf), or with
 * the gate language's units (164Mi, 0.5%, 200m), or YAML's .nan and .inf;
 * null for none.
 */
static int
expected_value(tfile *f, yaml_node_t *v, tvaluecheck *vc)
{
	const char *s;
	sn_series x;
	sn_error e;

	if (is_null(v)) {
		vc->has = false;
		return 0;
	}
	if (!(s = scalar(f, v, "a value")))
		return -1;
	static const struct { const char *s; double v; } yaml_floats[] = {
		{ ".nan", NAN }, { ".NaN", NAN }, { ".NAN", NAN }, { ".inf", INFINITY }, { ".Inf", INFINITY },
		{ ".INF", INFINITY }, { "+.inf", INFINITY }, { "+.Inf", INFINITY }, { "+.INF", INFINITY },
		{ "-.inf", -INFINITY }, { "-.Inf", -INFINITY }, { "-.INF", -INFINITY },
	};
	for (size_t i = 0; i < sizeof yaml_floats / sizeof *yaml_floats; i++) {
		if (strcmp(s, yaml_floats[i].s) == 0) {
			vc->has = true;
			vc->v = yaml_floats[i].v;
			return 0;
		}
	}
	if (sn_parse_values(s, strlen(s), &x, &e) < 0) {
		double u;
		bool pct;
		const char *uerr;
		size_t uat;
		if (units_value(s, strlen(s), &u, &pct, &uerr, &uat) == 0) {
			vc->has = true;
			vc->v = u;
			return 0;
		}
		err_span(f, scalar_span(f, v, e.off, e.len), "bad value: %s", e.msg);
		return -1;
	}
	if (x.n != 1 || x.omitted[0] || series_is_stale(x.v[0])) {
		err_at(f, v, "a value must be one number (1e-3, NaN, +Inf, ...) or null for none, not '%s'", s);
		sn_free(&x);
		return -1;
	}
	vc->has = true;
	vc->v = x.v[0];
	sn_free(&x);
	return 0;
}

/* --- expect entries ---------------------------------------------------------- */

static int
find_rule(const ng_gatefile *gf, int gate, const char *name)
{
	ng_gate_info gi;
	ng_rule_info ri;

	ng_gatefile_gate_info(gf, gate, &gi);
	for (int i = 0; i < gi.nrules; i++)
		if (ng_gatefile_rule_info(gf, gate, i, &ri) == 0 && ri.name && strcmp(ri.name, name) == 0)
			return i;
	if (strcmp(name, "go") == 0)
		for (int i = 0; i < gi.nrules; i++)
			if (ng_gatefile_rule_info(gf, gate, i, &ri) == 0 && ri.kind == NG_RULE_GO)
				return i;
	return -1;
}

/* "a, b and c": the gate's names for a message. */
static void
gate_names(const ng_gatefile *gf, char *buf, size_t size)
{
	size_t n = 0;
	int ng = ng_gatefile_ngates(gf);

	buf[0] = '\0';
	for (int i = 0; i < ng && n < size; i++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", i == 0 ? "" : i == ng - 1 ? " and " : ", ",
				      ng_gatefile_gate_name(gf, i));
}

static void
parse_expect(tfile *f, ttest *t, yaml_node_t *n, texpect *e)
{
	int np;
	yaml_node_pair_t *p = pairs(f, n, "an expect entry", &np);
	yaml_node_t *gate_node = NULL, *rules_node = NULL, *values_node = NULL;
	const ng_gatefile *gf = t->gf;

	*e = (texpect){ .node = n, .verdict = -1, .rule = -1, .gate = -1 };
	if (!p) {
		if (n->type == YAML_MAPPING_NODE || is_null(n))
			err_at(f, n, "an empty expect entry: it needs at least at: and verdict:");
		return;
	}
	for (int i = 0; i < np; i++) {
		yaml_node_t *v = node(f, p[i].value);
		if (key_is(f, &p[i], "at")) {
			e->at_node = v;
			duration(f, v, "at", &e->at);
		} else if (key_is(f, &p[i], "gate")) {
			gate_node = v;
		} else if (key_is(f, &p[i], "verdict")) {
			e->verdict_node = v;
		} else if (key_is(f, &p[i], "rule")) {
			e->rule_node = v;
		} else if (key_is(f, &p[i], "rules")) {
			rules_node = v;
		} else if (key_is(f, &p[i], "values")) {
			values_node = v;
		} else {
			yaml_node_t *k = node(f, p[i].key);
			if (k->type == YAML_SCALAR_NODE)
				err_at(f, k, "unknown key '%s' in an expect entry (it takes at, gate, verdict, "
				       "rule, rules and values)", (const char *)k->data.scalar.value);
		}
	}
	if (!e->at_node)
		err_at(f, n, "an expect entry needs at: (the end of the window, as 5m after the first sample)");
	if (!e->verdict_node && !e->rule_node && !rules_node && !values_node)
		err_at(f, n, "an expect entry checks nothing: give verdict, rule, rules or values");

	/* the gate */
	if (gate_node) {
		const char *g = scalar(f, gate_node, "gate");
		if (g && (e->gate = ng_gatefile_find_gate(gf, g)) < 0) {
			char names[512];
			gate_names(gf, names, sizeof names);
			err_at(f, gate_node, "no gate '%s' in %s (its gates: %s)", g, f->gatepath, names);
		}
	} else if (ng_gatefile_ngates(gf) == 1) {
		e->gate = 0;
	} else {
		char names[512];
		gate_names(gf, names, sizeof names);
		err_at(f, n, "%s has %d gates (%s): name one with gate:", f->gatepath, ng_gatefile_ngates(gf), names);
	}
	if (e->gate < 0)
		return;
	const char *gname = ng_gatefile_gate_name(gf, e->gate);

	if (e->verdict_node) {
		const char *v = scalar(f, e->verdict_node, "verdict");
		ng_verdict want;
		if (v && ng_verdict_parse(v, &want))
			e->verdict = (int)want;
		if (v && e->verdict < 0)
			err_at(f, e->verdict_node, "unknown verdict '%s': go, no-go, rollback or inconclusive", v);
	}
	if (e->rule_node) {
		const char *r = scalar(f, e->rule_node, "rule");
		if (r && (e->rule = find_rule(gf, e->gate, r)) < 0)
			err_at(f, e->rule_node, "gate %s has no rule named '%s'", gname, r);
	}
	if (rules_node) {
		int nr;
		yaml_node_pair_t *rp = pairs(f, rules_node, "rules", &nr);
		e->rules = xcalloc((size_t)(nr ? nr : 1), sizeof *e->rules);
		for (int i = 0; rp && i < nr; i++) {
			yaml_node_t *k = node(f, rp[i].key), *v = node(f, rp[i].value);
			const char *name = scalar(f, k, "a rule name"), *st = scalar(f, v, "a rule state");
			trulecheck *rc = &e->rules[e->nrules];
			if (!name || !st)
				continue;
			if ((rc->rule = find_rule(gf, e->gate, name)) < 0) {
				err_at(f, k, "gate %s has no rule named '%s'", gname, name);
				continue;
			}
			if (!strcasecmp(st, "true"))
				rc->state = "true";
			else if (!strcasecmp(st, "false"))
				rc->state = "false";
			else if (!strcmp(st, "unknown"))
				rc->state = "unknown";
			else {
				err_at(f, v, "a rule's state is true, false or unknown, not '%s'", st);
				continue;
			}
			rc->node = v;
			e->nrules++;
		}
	}
	if (values_node) {
		int nv;
		yaml_node_pair_t *vp = pairs(f, values_node, "values", &nv);
		e->values = xcalloc((size_t)(nv ? nv : 1), sizeof *e->values);
		for (int i = 0; vp && i < nv; i++) {
			yaml_node_t *k = node(f, vp[i].key), *v = node(f, vp[i].value);
			tvaluecheck *vc = &e->values[e->nvalues];
			if (series_key(f, gf, k, &vc->metric, &vc->baseline) < 0 || expected_value(f, v, vc) < 0)
				continue;
			vc->node = v;
			vc->name = (const char *)k->data.scalar.value;
			e->nvalues++;
		}
	}
}

/* --- tests ------------------------------------------------------------------- */

static void
parse_test(runner *R, tfile *f, yaml_node_t *n, ttest *t)
{
	int np;
	yaml_node_pair_t *p = pairs(f, n, "a test", &np);
	yaml_node_t *series_node = NULL, *expect_node = NULL, *interval_node = NULL;

	*t = (ttest){ .node = n, .interval = f->interval };
	if (!p) {
		if (is_null(n))
			err_at(f, n, "an empty test: it needs name:, series: and expect:");
		return;
	}
	for (int i = 0; i < np; i++) {
		yaml_node_t *v = node(f, p[i].value);
		if (key_is(f, &p[i], "name")) {
			t->name = scalar(f, v, "name");
			if (t->name && !*t->name)
				err_at(f, v, "a test's name must not be empty");
		} else if (key_is(f, &p[i], "interval")) {
			interval_node = v;
		} else if (key_is(f, &p[i], "set")) {
			t->set_node = v;
			t->nsets = f->nsets;
			t->sets = xmalloc((size_t)(f->nsets + 1) * sizeof *t->sets);
			if (f->nsets)
				memcpy(t->sets, f->sets, (size_t)f->nsets * sizeof *t->sets);
			parse_sets(f, v, &t->sets, &t->nsets);
		} else if (key_is(f, &p[i], "series")) {
			series_node = v;
		} else if (key_is(f, &p[i], "expect")) {
			expect_node = v;
		} else {
			yaml_node_t *k = node(f, p[i].key);
			if (k->type == YAML_SCALAR_NODE)
				err_at(f, k, "unknown key '%s' in a test (it takes name, interval, set, series "
				       "and expect)", (const char *)k->data.scalar.value);
		}
	}
	if (!t->name)
		err_at(f, n, "a test needs a name:");
	if (interval_node)
		interval(f, interval_node, &t->interval);
	if (t->set_node) {
		if (!(t->gf = file_gate(R, f, t->set_node, t->sets, t->nsets)))
			return;
	} else {
		t->gf = f->gf;
	}
	int before = f->d.nerrors;
	f->pass++;
	if (series_node)
		parse_series(f, t, series_node, 0);
	bool series_ok = f->d.nerrors == before;
	if (!expect_node || is_null(expect_node)) {
		err_at(f, expect_node ? expect_node : n, "a test needs expect: (a list of entries with at: and "
		       "what to check)");
		return;
	}
	if (expect_node->type != YAML_SEQUENCE_NODE) {
		err_at(f, expect_node, "expect must be a list (- at: ...), not %s", node_kind(expect_node));
		return;
	}
	yaml_node_item_t *it = expect_node->data.sequence.items.start;
	int ne = (int)(expect_node->data.sequence.items.top - it);
	if (ne == 0)
		err_at(f, expect_node, "a test needs at least one expect entry");
	t->expects = xcalloc((size_t)(ne ? ne : 1), sizeof *t->expects);
	int64_t min_step = 0;
	for (int i = 0; i < ne; i++) {
		texpect *e = &t->expects[t->nexpects];
		parse_expect(f, t, node(f, it[i]), e);
		if (e->gate >= 0) {
			ng_gate_info gi;
			ng_gatefile_gate_info(t->gf, e->gate, &gi);
			if (!min_step || gi.step_ms < min_step)
				min_step = gi.step_ms;
			t->nexpects++;
		}
	}
	if (!t->interval)
		t->interval = min_step;
	if (t->interval <= 0 || !series_ok)
		return;

	/* an `at` past the series is a mistake, not a window of missing data */
	size_t longest = 0;
	for (int i = 0; i < t->nseries; i++)
		if (t->series[i].s.n > longest)
			longest = t->series[i].s.n;
	for (int i = 0; i < t->nexpects; i++) {
		texpect *e = &t->expects[i];
		char at[40], end[40], iv[40];
		if (e->at_node && e->at > NG_MAX_TIME_MS) {	/* the engine takes no sample past it */
			err_at(f, e->at_node, "at is past the year 9999");
			continue;
		}
		if (!e->at_node || (longest && e->at <= (int64_t)(longest - 1) * t->interval))
			continue;
		util_fmt_duration(at, sizeof at, e->at);
		util_fmt_duration(iv, sizeof iv, t->interval);
		if (!longest) {
			err_at(f, e->at_node, "at %s is past the series: the test has no values", at);
		} else {
			util_fmt_duration(end, sizeof end, (int64_t)(longest - 1) * t->interval);
			err_at(f, e->at_node, "at %s is past the series: the last value is at %s "
			       "(%zu values, every %s)", at, end, longest, iv);
		}
	}
}

/* --- aliases ------------------------------------------------------------------ */

/*
 * libyaml resolves an alias to the node its anchor names, so a document is a
 * graph: an alias inside its own anchor's node makes a cycle, and aliases of
 * mappings full of aliases make the tree they stand for exponentially larger
 * than the text.  Both are refused before the document is read, as yaml.v3
 * (promtool's) refuses them: no node may hold itself, and the tree may be at
 * most ALIAS_RATIO times the document (a node counting 1, a scalar also its
 * length).  Reading the tree then costs time in proportion to the file.
 */
#define ALIAS_RATIO 100
#define SAT (UINT64_C(1) << 62)	/* counts saturate here */

enum { ON_PATH = 1, DONE = 2, REPORTED = 4 };

static int
nchildren(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return 2 * (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (n->type == YAML_SEQUENCE_NODE)
		return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 0;
}

static int
child(const yaml_node_t *n, int k)
{
	if (n->type == YAML_MAPPING_NODE)
		return k & 1 ? n->data.mapping.pairs.start[k / 2].value : n->data.mapping.pairs.start[k / 2].key;
	return n->data.sequence.items.start[k];
}

/* Depth first from the root: *order the nodes in post order; a cycle is an error at its anchor's node. */
static int
walk(tfile *f, unsigned char *state, int *order, int *norder)
{
	int nn = (int)(f->doc.nodes.top - f->doc.nodes.start), sp = 0, before = f->d.nerrors;
	struct frame { int id, k; } *stack = xmalloc((size_t)nn * sizeof *stack);

	stack[sp++] = (struct frame){ 1, 0 };	/* the root */
	state[1] = ON_PATH;
	while (sp) {
		struct frame *fr = &stack[sp - 1];
		yaml_node_t *n = node(f, fr->id);
		if (fr->k == nchildren(n)) {
			state[fr->id] = (unsigned char)((state[fr->id] & REPORTED) | DONE);
			order[(*norder)++] = fr->id;
			sp--;
			continue;
		}
		int c = child(n, fr->k++);
		if ((state[c] & (ON_PATH | REPORTED)) == ON_PATH) {
			/* node_kind() + 2: "mapping", "list" */
			err_at(f, node(f, c), "this %s holds a YAML alias of itself (its anchor is used inside it)",
			       node_kind(node(f, c)) + 2);
			state[c] |= REPORTED;
		} else if (!state[c]) {
			state[c] = ON_PATH;
			stack[sp++] = (struct frame){ c, 0 };
		}
	}
	free(stack);
	return f->d.nerrors == before ? 0 : -1;
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a >= SAT - b ? SAT : a + b;
}

static uint64_t
sat_mul(uint64_t a, uint64_t b)
{
	return b && a >= SAT / b ? SAT : a * b;
}

/* No cycles, and no more than ALIAS_RATIO times the document once expanded; 0 or -1 after an error. */
static int
check_aliases(tfile *f)
{
	int nn = (int)(f->doc.nodes.top - f->doc.nodes.start), norder = 0, worst = 0;
	unsigned char *state = xcalloc((size_t)nn + 1, 1);
	int *order = xmalloc((size_t)nn * sizeof *order);
	uint64_t *paths = xcalloc((size_t)nn + 1, sizeof *paths), plain = 0, tree = 0;
	int r = walk(f, state, order, &norder);

	/* reversed, the post order has every node after those that hold it */
	paths[1] = 1;
	for (int i = norder - 1; r == 0 && i >= 0; i--) {
		yaml_node_t *n = node(f, order[i]);
		uint64_t own = 1 + (n->type == YAML_SCALAR_NODE ? n->data.scalar.length : 0);
		plain += own;
		tree = sat_add(tree, sat_mul(paths[order[i]], own));
		if (paths[order[i]] > paths[worst])
			worst = order[i];
		for (int k = 0; k < nchildren(n); k++)
			paths[child(n, k)] = sat_add(paths[child(n, k)], paths[order[i]]);
	}
	if (r == 0 && tree > sat_mul(plain, ALIAS_RATIO)) {
		err_at(f, node(f, worst), "YAML aliases repeat this %s %s%llu times: the file expands to more "
		       "than %d times its size", node_kind(node(f, worst)) + 2, paths[worst] == SAT ? "over " : "",
		       (unsigned long long)paths[worst], ALIAS_RATIO);
		r = -1;
	}
	free(paths);
	free(order);
	free(state);
	return r;
}

/* --- loading a file ---------------------------------------------------------- */

static int
cmp_test(const void *a, const void *b)
{
	const ttest *x = *(const ttest *const *)a, *y = *(const ttest *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : x < y ? -1 : x > y;
}

static void
yaml_error(tfile *f, yaml_parser_t *yp)
{
	size_t off;
	char msg[512];

	if (yp->error == YAML_READER_ERROR) {
		off = yp->problem_offset;
		snprintf(msg, sizeof msg, "%s", yp->problem ? yp->problem : "cannot read");
	} else {
		off = mark_off(f, yp->problem_mark);
		if (yp->context && yp->context_mark.line != yp->problem_mark.line)
			snprintf(msg, sizeof msg, "%s (%s on line %zu)", yp->problem ? yp->problem : "error",
				 yp->context, yp->context_mark.line + 1);
		else if (yp->context)
			snprintf(msg, sizeof msg, "%s (%s)", yp->problem ? yp->problem : "error", yp->context);
		else
			snprintf(msg, sizeof msg, "%s", yp->problem ? yp->problem : "error");
	}
	if (off > f->len)
		off = f->len;
	err_span(f, (diag_span){ (unsigned)off, 1 }, "YAML: %s", msg);
}

/* f->text read: where its lines begin, and the document (with f->loaded); -1 when it is not YAML. */
static int
parse_yaml(tfile *f)
{
	yaml_parser_t yp;
	const char *p, *e = f->text + f->len;

	f->nlines = 1;
	for (p = f->text; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		f->nlines++;
	f->bol = xmalloc(f->nlines * sizeof *f->bol);
	f->lc = xcalloc(f->nlines, sizeof *f->lc);
	f->bol[0] = 0;
	f->nlines = 1;
	for (p = f->text; (p = memchr(p, '\n', (size_t)(e - p))); p++)
		f->bol[f->nlines++] = (size_t)(p + 1 - f->text);
	diag_init(&f->d, f->path, f->text, f->len, NULL);

	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)f->text, f->len);
	if (!yaml_parser_load(&yp, &f->doc)) {
		yaml_error(f, &yp);
		yaml_parser_delete(&yp);
		return -1;
	}
	f->loaded = true;
	if (yaml_document_get_root_node(&f->doc)) {
		/* one document per file */
		yaml_document_t extra;
		if (!yaml_parser_load(&yp, &extra)) {
			yaml_error(f, &yp);
		} else {
			if (yaml_document_get_root_node(&extra))
				err_span(f, (diag_span){ (unsigned)mark_off(f, extra.start_mark), 3 },
					 "a second YAML document: a test file holds one");
			yaml_document_delete(&extra);
		}
	}
	yaml_parser_delete(&yp);
	return 0;
}

static void
load(runner *R, tfile *f)
{
	yaml_node_t *root, *tests_node = NULL;
	int np;

	if (parse_yaml(f) < 0)
		return;
	root = yaml_document_get_root_node(&f->doc);

	if (!root) {
		err_span(f, (diag_span){ 0, 1 }, "an empty test file: it needs gate: and tests:");
		return;
	}
	size_t nnodes = (size_t)(f->doc.nodes.top - f->doc.nodes.start) + 1;
	f->merged = xcalloc(nnodes, sizeof *f->merged);
	f->is_test = xcalloc(nnodes, sizeof *f->is_test);
	if (check_aliases(f) < 0)
		return;
	yaml_node_pair_t *p = pairs(f, root, "a test file", &np);
	if (!p)
		return;
	for (int i = 0; i < np; i++) {
		yaml_node_t *v = node(f, p[i].value);
		if (key_is(f, &p[i], "gate")) {
			f->gate_node = v;
		} else if (key_is(f, &p[i], "interval")) {
			interval(f, v, &f->interval);
		} else if (key_is(f, &p[i], "set")) {
			f->set_node = v;
			parse_sets(f, v, &f->sets, &f->nsets);
		} else if (key_is(f, &p[i], "tests")) {
			tests_node = v;
		} else {
			yaml_node_t *k = node(f, p[i].key);
			if (k->type == YAML_SCALAR_NODE)
				err_at(f, k, "unknown key '%s' (a test file takes gate, interval, set and tests)",
				       (const char *)k->data.scalar.value);
		}
	}
	if (!f->gate_node) {
		err_at(f, root, "a test file needs gate: (the .gate file, relative to the test file)");
		return;
	}
	const char *g = scalar(f, f->gate_node, "gate");
	if (!g)
		return;
	f->gatepath = resolve(f->path, g);
	if (!(f->gf = file_gate(R, f, f->set_node, f->sets, f->nsets)))
		return;
	if (!tests_node || is_null(tests_node) ||
	    (tests_node->type == YAML_SEQUENCE_NODE &&
	     tests_node->data.sequence.items.top == tests_node->data.sequence.items.start)) {
		err_at(f, tests_node ? tests_node : root, "a test file needs tests: (a list of tests)");
		return;
	}
	if (tests_node->type != YAML_SEQUENCE_NODE) {
		err_at(f, tests_node, "tests must be a list (- name: ...), not %s", node_kind(tests_node));
		return;
	}
	yaml_node_item_t *it = tests_node->data.sequence.items.start;
	int nt = (int)(tests_node->data.sequence.items.top - it);
	f->tests = xcalloc((size_t)nt, sizeof *f->tests);
	for (int i = 0; i < nt; i++) {
		yaml_node_t *tn = node(f, it[i]);
		if (f->is_test[node_id(f, tn)]) {
			err_at(f, tn, "this test is listed again through a YAML alias: list each test once");
			continue;
		}
		f->is_test[node_id(f, tn)] = true;
		parse_test(R, f, tn, &f->tests[f->ntests++]);
	}

	/* names are unique: sorted by name, then file order, a name's later tests follow its first */
	ttest **by = xmalloc((size_t)nt * sizeof *by);
	int nn = 0;
	for (int i = 0; i < f->ntests; i++)
		if (f->tests[i].name)
			by[nn++] = &f->tests[i];
	if (nn)
		qsort(by, (size_t)nn, sizeof *by, cmp_test);
	for (int i = 1; i < nn; i++) {
		int first = i - 1;
		while (first > 0 && strcmp(by[first - 1]->name, by[i]->name) == 0)
			first--;
		if (strcmp(by[first]->name, by[i]->name) == 0)
			err_at(f, by[i]->node, "a second test named '%s' (the first is on line %zu)", by[i]->name,
			       by[first]->node->start_mark.line + 1);
	}
	free(by);
}

static void
free_file(tfile *f)
{
	for (int i = 0; i < f->ntests; i++) {
		ttest *t = &f->tests[i];
		for (int j = 0; j < t->nseries; j++)
			sn_free(&t->series[j].s);
		for (int j = 0; j < t->nexpects; j++) {
			free(t->expects[j].rules);
			free(t->expects[j].values);
		}
		free(t->series);
		free(t->expects);
		free(t->sets);
	}
	free(f->tests);
	free(f->sets);
	free(f->gatepath);
	if (f->loaded)
		yaml_document_delete(&f->doc);
	for (size_t i = 0; f->lc && i < f->nlines; i++)
		free(f->lc[i].off);
	free(f->lc);
	free(f->bol);
	diag_free(&f->d);
	free(f->text);
	free(f->merged);
	free(f->is_test);
	for (int i = 0; i < f->nerrs && i < MAX_ERRORS; i++)
		free(f->errs[i].msg);
	free(f->errs);
	free(f->msgs);
	ng_diags_free(f->pending);
}

/* --- running ----------------------------------------------------------------- */

static void
fmt_value(char *buf, size_t size, double v)
{
	if (series_is_stale(v))
		snprintf(buf, size, "stale");
	else if (isnan(v))
		snprintf(buf, size, "NaN");
	else if (isinf(v))
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
	else
		util_fmt_double(buf, size, v);
}

static bool
close_to(double got, double want)
{
	if (isnan(got) || isnan(want))
		return isnan(got) && isnan(want);
	if (got == want)
		return true;
	return fabs(got - want) <= TOLERANCE * fmax(fabs(got), fabs(want));
}

/* kind "name", or go for an unnamed go rule */
static void
rule_label(char *buf, size_t size, const ng_rule_info *ri)
{
	if (ri->name)
		snprintf(buf, size, "%s \"%s\"", ng_rule_kind_name(ri->kind), ri->name);
	else
		snprintf(buf, size, "%s", ng_rule_kind_name(ri->kind));
}

/* The series' values on the steps around at: a table with a column per step. */
static void
series_table(sbuf *b, const ttest *t, int64_t at)
{
	enum { BEFORE = 4, AFTER = 2, COLS = BEFORE + AFTER + 1 };
	size_t longest = 0, namew = 0;
	char iv[40], atbuf[40];

	for (int i = 0; i < t->nseries; i++) {
		if (t->series[i].s.n > longest)
			longest = t->series[i].s.n;
		if (strlen(t->series[i].name) > namew)
			namew = strlen(t->series[i].name);
	}
	util_fmt_duration(iv, sizeof iv, t->interval);
	util_fmt_duration(atbuf, sizeof atbuf, at);
	if (!longest) {
		sb_printf(b, "    no series\n");
		return;
	}
	int64_t k_at = at / t->interval, k0 = k_at - BEFORE < 0 ? 0 : k_at - BEFORE;
	int64_t k1 = k_at + AFTER > (int64_t)longest - 1 ? (int64_t)longest - 1 : k_at + AFTER;
	int ncol = (int)(k1 - k0 + 1), nrow = t->nseries + 1;
	char (*cell)[COLS][48] = xcalloc((size_t)nrow, sizeof *cell);
	int width[COLS] = { 0 };

	for (int c = 0; c < ncol; c++) {
		int64_t tm = (k0 + c) * t->interval;
		char d[40];
		util_fmt_duration(d, sizeof d, tm);
		if (tm == at)
			snprintf(cell[0][c], sizeof cell[0][c], "[%s]", d);
		else
			snprintf(cell[0][c], sizeof cell[0][c], "%s", d);
		for (int i = 0; i < t->nseries; i++) {
			const sn_series *s = &t->series[i].s;
			size_t k = (size_t)(k0 + c);
			if (k >= s->n)
				cell[i + 1][c][0] = '\0';
			else if (s->omitted[k])
				snprintf(cell[i + 1][c], sizeof cell[i + 1][c], "_");
			else
				fmt_value(cell[i + 1][c], sizeof cell[i + 1][c], s->v[k]);
		}
		for (int r = 0; r < nrow; r++)
			if ((int)strlen(cell[r][c]) > width[c])
				width[c] = (int)strlen(cell[r][c]);
	}
	sb_printf(b, "    series around %s, every %s:\n", atbuf, iv);
	for (int r = 0; r < nrow; r++) {
		size_t start = b->n;
		sb_printf(b, "      %-*s", (int)namew, r ? t->series[r - 1].name : "");
		for (int c = 0; c < ncol; c++)
			sb_printf(b, "  %*s", width[c], cell[r][c]);
		while (b->n > start && b->s[b->n - 1] == ' ')
			b->s[--b->n] = '\0';
		sb_printf(b, "\n");
	}
	free(cell);
}

typedef struct outcome {
	sbuf text;		/* failure lines, then the context */
	int nfail;
	char first[1024];	/* the first failure, for JUnit's message */
} outcome;

static void fail_line(outcome *o, const tfile *f, const ttest *t, const texpect *e, const yaml_node_t *at,
		      const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void
fail_line(outcome *o, const tfile *f, const ttest *t, const texpect *e, const yaml_node_t *at,
	  const char *fmt, ...)
{
	char msg[512], when[40];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	util_fmt_duration(when, sizeof when, e->at);
	sb_printf(&o->text, "%s:%zu: FAIL: %s: %s at %s: %s\n", f->path, at->start_mark.line + 1, t->name,
		  ng_gatefile_gate_name(t->gf, e->gate), when, msg);
	if (!o->nfail++)
		snprintf(o->first, sizeof o->first, "%s at %s: %s", ng_gatefile_gate_name(t->gf, e->gate),
			 when, msg);
}

static void
check_expect(const tfile *f, const ttest *t, const texpect *e, const ng_check *c, outcome *o)
{
	const ng_gatefile *gf = t->gf;
	int verdict = ng_check_verdict(c, e->gate), decided = ng_check_decided(c, e->gate);
	int before = o->nfail;
	ng_rule_info di, ri;
	char got[160], want[160];

	ng_gatefile_rule_info(gf, e->gate, decided, &di);
	if (e->verdict >= 0 && verdict != e->verdict)
		fail_line(o, f, t, e, e->verdict_node, "verdict: expected %s, got %s",
			  ng_verdict_name((ng_verdict)e->verdict),
			  verdict >= 0 ? ng_verdict_name((ng_verdict)verdict) : "none");
	if (e->rule >= 0 && decided != e->rule) {
		ng_gatefile_rule_info(gf, e->gate, e->rule, &ri);
		rule_label(want, sizeof want, &ri);
		rule_label(got, sizeof got, &di);
		fail_line(o, f, t, e, e->rule_node, "deciding rule: expected %s, got %s", want, got);
	}
	for (int i = 0; i < e->nrules; i++) {
		const char *st = ng_state_name(ng_check_rule_state(c, e->gate, e->rules[i].rule));
		if (strcmp(st, e->rules[i].state) == 0)
			continue;
		ng_gatefile_rule_info(gf, e->gate, e->rules[i].rule, &ri);
		rule_label(want, sizeof want, &ri);
		fail_line(o, f, t, e, e->rules[i].node, "rule %s: expected %s, got %s", want, e->rules[i].state, st);
	}
	for (int i = 0; i < e->nvalues; i++) {
		const tvaluecheck *vc = &e->values[i];
		double v;
		int r = ng_check_value(c, e->gate, vc->metric, vc->baseline, &v);
		if (r < 0) {
			fail_line(o, f, t, e, vc->node, "value of %s: gate %s does not read it", vc->name,
				  ng_gatefile_gate_name(gf, e->gate));
			continue;
		}
		if (r == 0 ? !vc->has : vc->has && close_to(v, vc->v))
			continue;
		if (vc->has)
			fmt_value(want, sizeof want, vc->v);
		else
			snprintf(want, sizeof want, "no value");
		if (r)
			fmt_value(got, sizeof got, v);
		else
			snprintf(got, sizeof got, "no value");
		fail_line(o, f, t, e, vc->node, "value of %s: expected %s, got %s", vc->name, want, got);
	}
	if (o->nfail == before)
		return;
	rule_label(got, sizeof got, &di);
	sb_printf(&o->text, "    decided by %s when %s (%s:%u)\n", got, di.source, f->gatepath, di.line);
	series_table(&o->text, t, e->at);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Run one test: its expect entries in order of at, on one check fed up to each at in turn. */
static void
run_test(runner *R, tfile *f, ttest *t, sbuf *cases, int *nfailed)
{
	double t0 = now_s();
	int gate = t->expects[0].gate, *order = xmalloc((size_t)t->nexpects * sizeof *order);
	size_t *next = xcalloc((size_t)(t->nseries ? t->nseries : 1), sizeof *next);
	outcome *o = xcalloc((size_t)t->nexpects, sizeof *o);

	for (int i = 0; i < t->nexpects; i++) {
		if (t->expects[i].gate != gate)
			gate = -1;
		/* insertion sort, stable */
		int j = i;
		while (j > 0 && t->expects[order[j - 1]].at > t->expects[i].at) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	ng_check *c = ng_check_new(t->gf, gate);
	for (int i = 0; i < t->nexpects; i++) {
		texpect *e = &t->expects[order[i]];
		ng_check_set_at(c, e->at);
		for (int s = 0; s < t->nseries; s++) {
			tseries *ts = &t->series[s];
			for (; next[s] < ts->s.n && (int64_t)next[s] * t->interval <= e->at; next[s]++)
				if (!ts->s.omitted[next[s]])
					ng_check_push(c, ts->metric, ts->baseline, (int64_t)next[s] * t->interval,
						      ts->s.v[next[s]]);
		}
		ng_check_eval(c, e->at);
		check_expect(f, t, e, c, &o[order[i]]);
	}
	ng_check_free(c);

	int nfail = 0;
	sbuf all = { 0 };
	const char *first = NULL;
	for (int i = 0; i < t->nexpects; i++) {
		if (!o[i].nfail)
			continue;
		nfail += o[i].nfail;
		if (!first)
			first = o[i].first;
		sb_put(&all, o[i].text.s, o[i].text.n);
	}
	double secs = now_s() - t0;
	if (nfail) {
		fputs(all.s, R->out);
		R->failed++;
		(*nfailed)++;
	} else {
		R->passed++;
		if (R->verbose)
			fprintf(R->out, "%s:%zu: PASS: %s\n", f->path, t->node->start_mark.line + 1, t->name);
	}
	if (R->junit) {
		sb_printf(cases, "    <testcase name=\"");
		sb_xml(cases, t->name, strlen(t->name));
		sb_printf(cases, "\" classname=\"");
		sb_xml(cases, f->path, strlen(f->path));
		sb_printf(cases, "\" file=\"");
		sb_xml(cases, f->path, strlen(f->path));
		sb_printf(cases, "\" line=\"%zu\" time=\"%.6f\"", t->node->start_mark.line + 1, secs);
		if (nfail) {
			sb_printf(cases, ">\n      <failure message=\"");
			sb_xml(cases, first, strlen(first));
			sb_printf(cases, "\" type=\"failure\">");
			sb_xml(cases, all.s, all.n);
			sb_printf(cases, "</failure>\n    </testcase>\n");
		} else {
			sb_printf(cases, "/>\n");
		}
	}
	for (int i = 0; i < t->nexpects; i++)
		free(o[i].text.s);
	free(all.s);
	free(o);
	free(next);
	free(order);
}

static const char *
error_title(ng_errcode rc)
{
	return rc == NG_ECOMPILE ? "the gate file does not compile" :
	       rc == NG_EIO ? "a file cannot be read" : "malformed test file";
}

/* The JUnit suite of a file: its tests, or one error with the diagnostics. */
static void
junit_suite(runner *R, const tfile *f, ng_errcode rc, const sbuf *cases, int ncases, int nfailed,
	    const char *errs, size_t errlen, double secs)
{
	const char *path = f->path;

	sb_printf(&R->xml, "  <testsuite name=\"");
	sb_xml(&R->xml, path, strlen(path));
	sb_printf(&R->xml, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.6f\">\n",
		  rc ? 1 : ncases, nfailed, rc ? 1 : 0, secs);
	if (rc) {
		sb_printf(&R->xml, "    <testcase name=\"");
		sb_xml(&R->xml, path, strlen(path));
		sb_printf(&R->xml, "\" classname=\"");
		sb_xml(&R->xml, path, strlen(path));
		sb_printf(&R->xml, "\" file=\"");
		sb_xml(&R->xml, path, strlen(path));
		sb_printf(&R->xml, "\">\n      <error message=\"%s\" type=\"error\">", error_title(rc));
		sb_xml(&R->xml, errs, errlen);
		sb_printf(&R->xml, "</error>\n    </testcase>\n");
	} else if (cases->n) {
		sb_put(&R->xml, cases->s, cases->n);
	}
	sb_printf(&R->xml, "  </testsuite>\n");
}

/*
 * The file's diagnostics to the caller in file order, and rendered for
 * JUnit; the status of the file.
 */
static ng_errcode
report_file(runner *R, tfile *f, char **errs, size_t *errlen)
{
	FILE *mem = R->junit ? open_memstream(errs, errlen) : NULL;

	if (f->nmsgs)
		qsort(f->msgs, (size_t)f->nmsgs, sizeof *f->msgs, cmp_msg);
	for (int i = 0; i < f->nmsgs; i++)
		for (size_t k = 0; k < f->msgs[i].n; k++)
			err_copy(R->diags, ng_diags_get(f->pending, f->msgs[i].first + k));
	if (f->nerrs > MAX_ERRORS)
		err_add(R->diags, NG_SEV_INFO, NG_OK, ERR_FILE(f->path), "only the first %d errors are shown",
			MAX_ERRORS);
	if (mem) {
		for (int i = 0; i < f->nmsgs; i++)
			for (size_t k = 0; k < f->msgs[i].n; k++)
				ng_diag_render(ng_diags_get(f->pending, f->msgs[i].first + k), "novagate", mem);
		fclose(mem);
	}
	if (f->status == 0 && f->d.nerrors)
		f->status = NG_ETEST;
	return (ng_errcode)f->status;
}

ng_errcode
ng_tester_run(ng_tester *R, const char *path, const char *text, size_t len, FILE *out, ng_diags *d)
{
	tfile f = { .path = path, .pending = ng_diags_new() };
	sbuf cases = { 0 };
	int ncases = 0, nfailed = 0;
	double t0 = now_s();
	char *errs = NULL;
	size_t errlen = 0;

	R->out = out;
	R->diags = d;
	if (text) {
		f.text = xmalloc(len + 1);
		memcpy(f.text, text, len);
		f.text[len] = '\0';
		f.len = len;
	} else {
		f.text = util_read_file(path, &f.len);
	}
	if (!f.text) {
		err_io(f.pending, path, errno);
		add_msg(&f, 0, 0);
		f.status = NG_EIO;
	} else {
		load(R, &f);
	}
	ng_errcode rc = report_file(R, &f, &errs, &errlen);
	if (rc == NG_OK) {
		for (int i = 0; i < f.ntests; i++) {
			if (R->has_re && regexec(&R->re, f.tests[i].name, 0, NULL, 0) != 0)
				continue;
			ncases++;
			run_test(R, &f, &f.tests[i], &cases, &nfailed);
		}
	} else {
		R->badfiles++;
	}
	if (R->junit)
		junit_suite(R, &f, rc, &cases, ncases, nfailed, errs ? errs : "", errlen, now_s() - t0);
	free(errs);
	free(cases.s);
	free_file(&f);
	R->out = NULL;
	R->diags = NULL;
	return rc;
}

/* --- the runner ------------------------------------------------------------- */

ng_errcode
ng_tester_new(const ng_tester_opts *o, ng_tester **out, ng_diags *d)
{
	static const ng_tester_opts none;
	ng_tester *R = xcalloc(1, sizeof *R);
	int e;

	*out = NULL;
	if (!o)
		o = &none;
	if (o->run && (e = regcomp(&R->re, o->run, REG_EXTENDED | REG_NOSUB)) != 0) {
		char msg[256];
		regerror(e, &R->re, msg, sizeof msg);
		free(R);
		return err_fail(d, NG_EUSAGE, NULL, "--run '%s': %s", o->run, msg);
	}
	R->has_re = o->run != NULL;
	R->verbose = o->verbose;
	R->junit = o->junit;
	R->load = o->load;
	R->load_ctx = o->load_ctx;
	*out = R;
	return NG_OK;
}

void
ng_tester_counts(const ng_tester *R, int *passed, int *failed, int *bad_files)
{
	*passed = R->passed;
	*failed = R->failed;
	*bad_files = R->badfiles;
}

void
ng_tester_junit(const ng_tester *R, FILE *out)
{
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"novagate test\" tests=\"%d\" failures=\"%d\" errors=\"%d\">\n",
		R->passed + R->failed + R->badfiles, R->failed, R->badfiles);
	if (R->xml.n)
		fwrite(R->xml.s, 1, R->xml.n, out);
	fputs("</testsuites>\n", out);
}

void
ng_tester_free(ng_tester *R)
{
	if (!R)
		return;
	for (int i = 0; i < R->ncc; i++) {
		free(R->cc[i].path);
		free(R->cc[i].key);
		ng_diags_free(R->cc[i].diags);
		if (R->cc[i].gf)
			ng_gatefile_free(R->cc[i].gf);
	}
	free(R->cc);
	free(R->xml.s);
	if (R->has_re)
		regfree(&R->re);
	free(R);
}
