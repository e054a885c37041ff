/*
 * testrun.c: `novagate test`, unit tests of gates in YAML (the file:
 * testfile.h), run and reported.
 *
 * A test runs each of its expect entries through one ng_check, in order of
 * `at`, the samples pushed up to each `at` in turn, each series made
 * (ng_check_series) at its first sample.  Expected values compare with a
 * relative tolerance of 1e-9; NaN equals NaN.  What only the report tells,
 * the value of one series of a metric with `by` and the deciding series of
 * a quantifier, is read from its JSON (every series listed:
 * ng_check_set_report_series).  A malformed file runs none of its tests:
 * its errors go to the caller's diagnostics in file order.
 *
 * Output (stdout): per failed check `FILE:LINE: FAIL: TEST: GATE at AT: what:
 * expected X, got Y`, then the deciding rule and a table of the series'
 * values around AT, and what on_fail wrote of the test (test --report: the
 * page's name); with -v `FILE:LINE: PASS: TEST`; last `N passed, N
 * failed`.  Exit: 0, 1 (a test failed), 4 (usage), 5 (a gate file does not
 * compile), 7 (a file cannot be read), 8 (NG_ETEST, a malformed test file);
 * an error in any file beats failures.  With JUnit, a test suite a file.
 */
#include "novagate.h"

#include "error.h"
#include "sbuf.h"
#include "series.h"
#include "testfile.h"
#include "util.h"

#include <jansson.h>
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TOLERANCE 1e-9

struct ng_tester {
	regex_t re;
	bool has_re, verbose, junit;
	tf_gates gates;		/* compiled once for all the files */
	FILE *out;		/* results of the file being run */
	ng_diags *diags;	/* its errors */
	int passed, failed, badfiles;
	sbuf xml;		/* the JUnit test suites */
	ng_test_fail_fn *on_fail;
	void *fail_ctx;
};
typedef struct ng_tester runner;

/* --- failures ---------------------------------------------------------------- */

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
		size_t start = b->len;
		sb_printf(b, "      %-*s", (int)namew, r ? t->series[r - 1].name : "");
		for (int c = 0; c < ncol; c++)
			sb_printf(b, "  %*s", width[c], cell[r][c]);
		sb_trim_spaces(b, start);
		sb_printf(b, "\n");
	}
	free(cell);
}

typedef struct outcome {
	sbuf text;		/* failure lines, then the context */
	size_t faillen;		/* of text, the failure lines */
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
	sb_printf(&o->text, "%s:%zu: FAIL: %s: %s at %s: %s\n", f->y.path, at->start_mark.line + 1, t->name,
		  ng_gatefile_gate_name(t->gf, e->gate), when, msg);
	if (!o->nfail++)
		snprintf(o->first, sizeof o->first, "%s at %s: %s", ng_gatefile_gate_name(t->gf, e->gate),
			 when, msg);
}

/* A number of the report: a JSON number, or NaN, +Inf and -Inf as strings; false for null. */
static bool
json_value(const json_t *j, double *v)
{
	const char *s = json_string_value(j);

	if (json_is_number(j)) {
		*v = json_number_value(j);
		return true;
	}
	if (!s)
		return false;
	*v = strcmp(s, "+Inf") == 0 ? INFINITY : strcmp(s, "-Inf") == 0 ? -INFINITY : NAN;
	return true;
}

/*
 * The value of a series of a metric with `by` at the last step, as the
 * report gives it (its metrics' series): 1 with *v set, 0 for no value, -1
 * when the gate does not read the metric.  A series the report does not
 * list has no value, unless no series of its identity was ever made: then
 * it reads the metric's default, as a quantifier would.
 */
static int
by_value(const ttest *t, const int *handle, const tvaluecheck *vc, const json_t *rep, double *v)
{
	const char *name = ng_gatefile_metric_name(t->gf, vc->k.metric);
	json_t *m, *ser;
	size_t i, j;

	json_array_foreach(json_object_get(rep, "metrics"), i, m) {
		if (!json_is_string(json_object_get(m, "name")) ||
		    strcmp(json_string_value(json_object_get(m, "name")), name) != 0)
			continue;
		json_array_foreach(json_object_get(m, "series"), j, ser) {
			char *id = tf_canon_json(json_object_get(ser, "labels"));
			bool same = strcmp(id, vc->k.ident) == 0;
			free(id);
			if (same)
				return json_value(json_object_get(ser, "value"), v) ? 1 : 0;
		}
		for (int s = 0; s < t->nseries; s++) {
			const tkey *k = &t->series[s].k;
			if (handle[s] >= 0 && k->metric == vc->k.metric && !k->baseline && strcmp(k->ident, vc->k.ident) == 0)
				return 0;	/* made, and without a sample in the lookback */
		}
		return json_value(json_object_get(m, "default"), v) ? 1 : 0;
	}
	return -1;
}

/*
 * The series that decided the quantifier of source src in the report: of
 * the deciding rule's quantifiers first, and of a rollback that fired as
 * they were when it fired.  NULL when the gate has no such quantifier.
 */
static json_t *
deciding_of(const json_t *rep, int decided, const char *src)
{
	json_t *rules = json_object_get(rep, "rules"), *rule, *q;
	size_t i, j;

	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(rules, i, rule) {
			if ((pass == 0) != ((int)i == decided))
				continue;
			json_array_foreach(json_object_get(rule, "quantifiers"), j, q) {
				const char *qs = json_string_value(json_object_get(q, "source"));
				if (!qs || !tf_same_source(qs, src))
					continue;
				if (json_is_true(json_object_get(rule, "fired")) && json_object_get(q, "fired"))
					q = json_object_get(q, "fired");
				return json_object_get(q, "deciding");
			}
		}
	}
	return NULL;
}

/* Label sets as "a, b and c", or "none". */
static void
label_sets(char *buf, size_t size, char *const *sets, int n)
{
	size_t len = 0;

	snprintf(buf, size, "none");
	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(buf + len, size - len, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ", sets[i]);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
check_deciding(const tfile *f, const ttest *t, const texpect *e, const tdecidecheck *dc, const json_t *rep,
	       int decided, outcome *o)
{
	json_t *got = deciding_of(rep, decided, dc->quant), *ser;
	size_t n = json_array_size(got), i;
	char **have = xmalloc((n + 1) * sizeof *have), **want = xmalloc(((size_t)dc->nwant + 1) * sizeof *want);
	char gbuf[512], wbuf[512];
	bool same = (int)n == dc->nwant;

	if (!got) {
		fail_line(o, f, t, e, dc->node, "deciding series of %s: the report has no such quantifier", dc->quant);
		free(have);
		free(want);
		return;
	}
	json_array_foreach(got, i, ser)
		have[i] = tf_canon_json(json_object_get(ser, "labels"));
	if (dc->nwant)
		memcpy(want, dc->want, (size_t)dc->nwant * sizeof *want);
	if (n)
		qsort(have, n, sizeof *have, cmp_str);
	if (dc->nwant)
		qsort(want, (size_t)dc->nwant, sizeof *want, cmp_str);
	for (i = 0; same && i < n; i++)
		same = strcmp(have[i], want[i]) == 0;
	if (!same) {
		/* as the report orders them, the worst first */
		json_array_foreach(got, i, ser) {
			free(have[i]);
			have[i] = tf_canon_json(json_object_get(ser, "labels"));
		}
		label_sets(gbuf, sizeof gbuf, have, (int)n);
		label_sets(wbuf, sizeof wbuf, dc->want, dc->nwant);
		fail_line(o, f, t, e, dc->node, "deciding series of %s: expected %s, got %s", dc->quant, wbuf, gbuf);
	}
	for (i = 0; i < n; i++)
		free(have[i]);
	free(have);
	free(want);
}

static void
check_expect(const tfile *f, const ttest *t, const texpect *e, const ng_check *c, const int *handle, outcome *o)
{
	const ng_gatefile *gf = t->gf;
	int verdict = ng_check_verdict(c, e->gate), decided = ng_check_decided(c, e->gate);
	int before = o->nfail;
	ng_rule_info di, ri;
	char got[160], want[160];
	json_t *rep = e->wants_report ? tf_report(c, e->gate) : NULL;

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
		int r = vc->k.by ? by_value(t, handle, vc, rep, &v)
				 : ng_check_value(c, e->gate, vc->k.metric, vc->k.baseline, &v);
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
	for (int i = 0; i < e->ndeciding; i++)
		check_deciding(f, t, e, &e->deciding[i], rep, decided, o);
	json_decref(rep);
	if (o->nfail == before)
		return;
	o->faillen = o->text.len;
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

/* --- JUnit --------------------------------------------------------------------- */

/* XML text: markup escaped, bytes XML 1.0 cannot hold replaced. */
static void
xml_text(sbuf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '&': sb_add(b, "&amp;", 5); break;
		case '<': sb_add(b, "&lt;", 4); break;
		case '>': sb_add(b, "&gt;", 4); break;
		case '"': sb_add(b, "&quot;", 6); break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
				sb_add(b, "?", 1);
			else
				sb_add(b, &s[i], 1);
		}
	}
}

/* <testcase name= classname= file= of a test (or of a file in error), the tag left open. */
static void
junit_case(sbuf *b, const char *name, const char *path)
{
	sb_printf(b, "    <testcase name=\"");
	xml_text(b, name, strlen(name));
	sb_printf(b, "\" classname=\"");
	xml_text(b, path, strlen(path));
	sb_printf(b, "\" file=\"");
	xml_text(b, path, strlen(path));
	sb_printf(b, "\"");
}

/* A test's case: passed, or failed with the first failure as the message and all of them as the text. */
static void
junit_test(sbuf *cases, const tfile *f, const ttest *t, double secs, const char *first, const sbuf *all)
{
	junit_case(cases, t->name, f->y.path);
	sb_printf(cases, " line=\"%zu\" time=\"%.6f\"", t->node->start_mark.line + 1, secs);
	if (!first) {
		sb_printf(cases, "/>\n");
		return;
	}
	sb_printf(cases, ">\n      <failure message=\"");
	xml_text(cases, first, strlen(first));
	sb_printf(cases, "\" type=\"failure\">");
	xml_text(cases, all->s, all->len);
	sb_printf(cases, "</failure>\n    </testcase>\n");
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
	const char *path = f->y.path;

	sb_printf(&R->xml, "  <testsuite name=\"");
	xml_text(&R->xml, path, strlen(path));
	sb_printf(&R->xml, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.6f\">\n",
		  rc ? 1 : ncases, nfailed, rc ? 1 : 0, secs);
	if (rc) {
		junit_case(&R->xml, path, path);
		sb_printf(&R->xml, ">\n      <error message=\"%s\" type=\"error\">", error_title(rc));
		xml_text(&R->xml, errs, errlen);
		sb_printf(&R->xml, "</error>\n    </testcase>\n");
	} else if (cases->len) {
		sb_add(&R->xml, cases->s, cases->len);
	}
	sb_printf(&R->xml, "  </testsuite>\n");
}

/* --- running ----------------------------------------------------------------- */

/* The order of a test's expect entries by at, stable. */
static int *
by_at(const ttest *t)
{
	int *order = xmalloc((size_t)t->nexpects * sizeof *order);

	for (int i = 0; i < t->nexpects; i++) {
		int j = i;	/* insertion sort */
		while (j > 0 && t->expects[order[j - 1]].at > t->expects[i].at) {
			order[j] = order[j - 1];
			j--;
		}
		order[j] = i;
	}
	return order;
}

/* The first failed entry of a test, told while c holds its evaluation; what on_fail writes to notes. */
static void
tell_failure(const runner *R, const tfile *f, const ttest *t, const texpect *e, const outcome *o,
	     const ng_check *c, FILE *notes)
{
	char *fail = sb_fmt("%.*s", (int)o->faillen, o->text.s);
	ng_test_failure tf = { f->y.path, t->name, (unsigned)(t->node->start_mark.line + 1),
			       ng_gatefile_gate_name(t->gf, e->gate), e->at, fail, c, notes };

	R->on_fail(R->fail_ctx, &tf);
	free(fail);
}

/*
 * The expect entries in order of at, on one check fed up to each at in
 * turn: o[i] the outcome of entry i.  A series is made in the check at its
 * first sample, as check's input makes it.  With notes, on_fail is told of
 * the first entry that fails.
 */
static void
check_all(const runner *R, const tfile *f, const ttest *t, outcome *o, FILE *notes)
{
	int gate = t->expects[0].gate, *order = by_at(t);
	size_t *next = xcalloc((size_t)t->nseries + 1, sizeof *next);
	int *handle = xmalloc(((size_t)t->nseries + 1) * sizeof *handle);

	for (int i = 0; i < t->nexpects; i++)
		if (t->expects[i].gate != gate)
			gate = -1;
	ng_check *c = ng_check_new(t->gf, gate);
	ng_check_set_report_series(c, t->nseries + 1);	/* every series: deciding is checked whole */
	for (int s = 0; s < t->nseries; s++)
		handle[s] = -1;
	for (int i = 0; i < t->nexpects; i++) {
		const texpect *e = &t->expects[order[i]];
		ng_check_set_at(c, e->at);
		for (int s = 0; s < t->nseries; s++) {
			const tseries *ts = &t->series[s];
			for (; next[s] < ts->s.n && (int64_t)next[s] * t->interval <= e->at; next[s]++) {
				if (ts->s.omitted[next[s]])
					continue;
				if (handle[s] < 0)	/* checked when the file was read: it cannot fail */
					handle[s] = ng_check_series(c, ts->k.metric, ts->k.baseline, ts->k.labels,
								    ts->k.nlabels, NULL);
				ng_check_push_to(c, handle[s], (int64_t)next[s] * t->interval, ts->s.v[next[s]]);
			}
		}
		ng_check_eval(c, e->at);
		check_expect(f, t, e, c, handle, &o[order[i]]);
		if (notes && o[order[i]].nfail) {
			tell_failure(R, f, t, e, &o[order[i]], c, notes);
			notes = NULL;
		}
	}
	ng_check_free(c);
	free(handle);
	free(next);
	free(order);
}

/* Run one test, its failures to R->out, its case to cases. */
static void
run_test(runner *R, tfile *f, ttest *t, sbuf *cases, int *nfailed)
{
	double t0 = now_s();
	outcome *o = xcalloc((size_t)t->nexpects, sizeof *o);
	sbuf all = { 0 };
	const char *first = NULL;
	char *notes = NULL;
	size_t nlen = 0;
	FILE *nf = R->on_fail ? open_memstream(&notes, &nlen) : NULL;

	if (R->on_fail && !nf) {	/* as util.h's allocations do: on_fail is never skipped */
		fputs("novagate: out of memory\n", stderr);
		abort();
	}
	check_all(R, f, t, o, nf);
	if (nf)
		fclose(nf);
	for (int i = 0; i < t->nexpects; i++) {
		if (!o[i].nfail)
			continue;
		if (!first)
			first = o[i].first;
		sb_add(&all, o[i].text.s, o[i].text.len);
	}
	if (first && nlen)
		sb_add(&all, notes, nlen);	/* after the test's blocks */
	free(notes);
	double secs = now_s() - t0;
	if (first) {
		fputs(all.s, R->out);
		R->failed++;
		(*nfailed)++;
	} else {
		R->passed++;
		if (R->verbose)
			fprintf(R->out, "%s:%zu: PASS: %s\n", f->y.path, t->node->start_mark.line + 1, t->name);
	}
	if (R->junit)
		junit_test(cases, f, t, secs, first, &all);
	for (int i = 0; i < t->nexpects; i++)
		free(o[i].text.s);
	free(all.s);
	free(o);
}

ng_errcode
ng_tester_run(ng_tester *R, const char *path, const char *text, size_t len, FILE *out, ng_diags *d)
{
	tfile f;
	sbuf cases = { 0 };
	int ncases = 0, nfailed = 0;
	double t0 = now_s();
	char *errs = NULL;
	size_t errlen = 0;

	R->out = out;
	R->diags = d;
	tf_load(&R->gates, &f, path, text, len);
	/* the file's diagnostics to the caller in file order, and rendered for JUnit */
	FILE *mem = R->junit ? open_memstream(&errs, &errlen) : NULL;
	ng_errcode rc = yn_report(&f.y, R->diags, mem);
	if (mem)
		fclose(mem);
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
	tf_free(&f);
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
	R->gates.load = o->load;
	R->gates.load_ctx = o->load_ctx;
	R->on_fail = o->on_fail;
	R->fail_ctx = o->fail_ctx;
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
	if (R->xml.len)
		fwrite(R->xml.s, 1, R->xml.len, out);
	fputs("</testsuites>\n", out);
}

void
ng_tester_free(ng_tester *R)
{
	if (!R)
		return;
	tf_gates_free(&R->gates);
	free(R->xml.s);
	if (R->has_re)
		regfree(&R->re);
	free(R);
}
