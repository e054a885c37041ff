/*
 * check.c: one check: the gate file's series filled from samples, the
 * gates evaluated, the verdicts kept for the report.  Implements the
 * public API of include/novagate.h.
 */
#include "novagate.h"

#include "error.h"
#include "check_text.h"
#include "eval.h"
#include "names.h"
#include "population.h"
#include "program.h"
#include "report.h"
#include "html.h"
#include "sbuf.h"
#include "series.h"
#include "source_text.h"
#include "util.h"
#include "vocab.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A handle of ng_check_series: member m of population s. */
typedef struct handle {
	int s, m;
} handle;

/*
 * Whose a series' warning is.  A server's word (ng_check_absent: a typo;
 * ng_check_doubt: its own warning) goes over no_data()'s guess, and a
 * doubt stands until ng_check_doubt takes it back.
 */
enum warned { W_NONE, W_ABSENT, W_DOUBT, W_NODATA };

struct ng_check {
	const program *p;
	int gate;		/* -1: all */
	population *ps;		/* SERIES_OF(metric, baseline) */
	keyset keys;		/* the identities of the series of metrics with `by` */
	handle *h;		/* every series, in the order met */
	int nh, caph;
	int *plain;		/* per population: the handle of its series without labels, or -1 */
	int max_series;
	int unread;		/* the handle of series no evaluated gate reads, or -1 */
	int ntop;		/* deciding series a quantifier reports */
	sbuf lbuf, kbuf;	/* a sample's labels and identity, as text */
	const text_label **ord;	/* its labels sorted by name */
	size_t capord;
	bool *wanted;		/* read by an evaluated gate */
	char **absent;		/* per series: its warning, or NULL */
	unsigned char *warned;	/* per series: whose that warning is (enum warned) */
	size_t *namelen;	/* strlen of each metric's name */
	names byname;		/* metric names to indices */
	int64_t at, newest;
	bool has_at, any;
	int last;		/* metric of the previous sample: inputs come in runs */
	/* text_series()'s answer for the previous text sample, by its name_id
	 * and labels_id (see source_text.h; tname 0: none), and its stale label */
	uint64_t tname, tlabels;
	int thandle;
	bool tstale;
	const char *path;	/* of the input being read */
	int64_t now;		/* the time of samples without a timestamp */
	ng_diags *diags;
	gate_result *res;
	int nres;
};

/* Compile text, which the program takes over (its spans point into it). */
static ng_errcode
compile_owned(const char *name, char *text, size_t len, const ng_compile_opts *o, ng_gatefile **out,
	      ng_diags *d)
{
	static const ng_compile_opts none;
	int nerrors;

	*out = NULL;
	if (!o)
		o = &none;
	param_set *ps = xcalloc((size_t)o->nsets, sizeof *ps);
	for (int i = 0; i < o->nsets; i++)
		ps[i] = (param_set){ o->sets[i].name, o->sets[i].value };
	program *p = program_compile_ex(name, text, len, ps, o->nsets, o->any_baseline, o->dialect, d, &nerrors);
	free(ps);
	if (!p)
		return NG_ECOMPILE;
	for (int i = 0; i < o->nsets; i++) {
		bool known = false;
		for (int j = 0; j < p->ast->nparams; j++)
			known |= strcmp(p->ast->params[j].name, o->sets[i].name) == 0;
		if (!known) {
			program_free(p);
			return err_fail(d, NG_EUSAGE, NULL, "--set %s: %s declares no parameter '%s'",
					o->sets[i].name, name, o->sets[i].name);
		}
	}
	*out = p;
	return NG_OK;
}

ng_errcode
ng_compile(const char *name, const char *text, size_t len, const ng_compile_opts *o, ng_gatefile **out,
	   ng_diags *d)
{
	return compile_owned(name, xstrndup(text, len), len, o, out, d);
}

ng_errcode
ng_compile_file(const char *path, const ng_compile_opts *o, ng_gatefile **out, ng_diags *d)
{
	size_t len;
	char *text = util_read_file(path, &len);

	*out = NULL;
	if (!text)
		return err_io(d, path, errno);
	return compile_owned(path, text, len, o, out, d);	/* read once, not copied again */
}

void
ng_gatefile_free(ng_gatefile *gf)
{
	program_free(gf);
}

void
ng_gatefile_dump(const ng_gatefile *gf, FILE *out)
{
	program_dump(gf, out);
}

int
ng_gatefile_ngates(const ng_gatefile *gf)
{
	return gf->ngates;
}

const char *
ng_gatefile_gate_name(const ng_gatefile *gf, int gate)
{
	return gate >= 0 && gate < gf->ngates ? gf->gates[gate].name : NULL;
}

int
ng_gatefile_find_gate(const ng_gatefile *gf, const char *name)
{
	for (int i = 0; i < gf->ngates; i++)
		if (strcmp(gf->gates[i].name, name) == 0)
			return i;
	return -1;
}

int
ng_gatefile_find_metric(const ng_gatefile *gf, const char *name)
{
	for (int i = 0; i < gf->nmetrics; i++)
		if (strcmp(gf->metrics[i].name, name) == 0)
			return i;
	return -1;
}

ng_check *
ng_check_new(const ng_gatefile *gf, int gate)
{
	const program *p = gf;
	ng_check *c = xcalloc(1, sizeof *c);
	int nseries = 2 * p->nmetrics;

	c->p = p;
	c->gate = gate;
	c->ps = xcalloc((size_t)nseries, sizeof *c->ps);
	c->plain = xmalloc((size_t)nseries * sizeof *c->plain);
	c->wanted = xcalloc((size_t)nseries, sizeof *c->wanted);
	c->max_series = NG_MAX_SERIES_DEFAULT;
	c->unread = -1;
	c->ntop = 5;
	keyset_init(&c->keys);
	c->namelen = xcalloc((size_t)p->nmetrics, sizeof *c->namelen);
	c->absent = xcalloc((size_t)nseries, sizeof *c->absent);
	c->warned = xcalloc((size_t)nseries, sizeof *c->warned);
	names_init(&c->byname, (size_t)p->nmetrics);
	for (int m = 0; m < p->nmetrics; m++) {
		c->namelen[m] = strlen(p->metrics[m].name);
		names_add(&c->byname, p->metrics[m].name, m);
	}

	/* keep what the longest reach of any evaluated gate needs, and no more */
	int64_t *keep = xcalloc((size_t)nseries, sizeof *keep);
	for (int gi = 0; gi < p->ngates; gi++) {
		const prog_gate *g = &p->gates[gi];
		if (gate >= 0 && gi != gate)
			continue;
		for (int i = g->read0; i < g->read0 + g->nread; i++) {
			const prog_read *rd = &p->reads[i];
			c->wanted[rd->series] = true;
			if (rd->reach > keep[rd->series])
				keep[rd->series] = rd->reach;
		}
	}
	for (int s = 0; s < nseries; s++) {
		pop_init(&c->ps[s], keep[s]);
		c->plain[s] = -1;
	}
	free(keep);
	c->last = -1;
	return c;
}

void
ng_check_free(ng_check *c)
{
	if (!c)
		return;
	for (int s = 0; s < 2 * c->p->nmetrics; s++) {
		pop_free(&c->ps[s]);
		free(c->absent[s]);
	}
	free(c->absent);
	free(c->warned);
	for (int i = 0; i < c->nres; i++)
		gate_result_free(&c->res[i]);
	free(c->res);
	free(c->ps);
	free(c->plain);
	free(c->h);
	free(c->lbuf.s);
	free(c->kbuf.s);
	free(c->ord);
	keyset_free(&c->keys);
	free(c->wanted);
	free(c->namelen);
	names_free(&c->byname);
	free(c);
}

const ng_gatefile *
ng_check_gatefile(const ng_check *c)
{
	return c->p;
}

void
ng_check_set_at(ng_check *c, int64_t at_ms)
{
	c->at = at_ms;
	c->has_at = true;
}

void
ng_check_set_max_series(ng_check *c, int max)
{
	c->max_series = max > 0 ? max : 1;
}

void
ng_check_set_report_series(ng_check *c, int n)
{
	c->ntop = n > 0 ? n : 0;
}

/* Is the len bytes at s the string want? */
static bool
is(const char *s, size_t len, const char *want)
{
	return len == strlen(want) && memcmp(s, want, len) == 0;
}

/*
 * The labels of text input that say what a sample is, not which series:
 * role="baseline"; __stale__ (any value), a staleness marker; and
 * __absent__="SELECTOR", which `record` writes where the server had no
 * series of a selector of a query that had none (ng_check_absent); and
 * __warning__="WHY", where its values or default are not to be trusted
 * (ng_check_doubt).
 */
static bool
is_baseline_label(const text_label *l)
{
	return is(l->name, l->name_len, "role") && is(l->value, l->value_len, "baseline");
}

static bool
is_stale_label(const text_label *l)
{
	return is(l->name, l->name_len, "__stale__");
}

static bool
is_absent_label(const text_label *l)
{
	return is(l->name, l->name_len, "__absent__");
}

static bool
is_warning_label(const text_label *l)
{
	return is(l->name, l->name_len, "__warning__");
}

/* Is the label one a series is not named by? */
static bool
not_a_label(const text_label *l)
{
	return is_baseline_label(l) || is_stale_label(l) || is_absent_label(l) || is_warning_label(l) ||
	       is(l->name, l->name_len, "__name__");
}

/* Label names in byte order, as Prometheus sorts a label set. */
static bool
label_before(const text_label *a, const text_label *b)
{
	int c = memcmp(a->name, b->name, a->name_len < b->name_len ? a->name_len : b->name_len);

	return c < 0 || (c == 0 && a->name_len < b->name_len);
}

/* name="value", escaped as the exposition format does. */
static void
put_label(sbuf *b, const char *name, size_t nlen, const char *value, size_t vlen)
{
	size_t run = 0;

	sb_add(b, name, nlen);
	sb_add(b, "=\"", 2);
	for (size_t j = 0; j < vlen; j++) {
		char ch = value[j];
		if (ch != '"' && ch != '\\' && ch != '\n')
			continue;
		sb_add(b, value + run, j - run);	/* what needs no escape, at once */
		sb_add(b, ch == '\n' ? "\\n" : ch == '"' ? "\\\"" : "\\\\", 2);
		run = j + 1;
	}
	sb_add(b, value + run, vlen - run);
	sb_add(b, "\"", 1);
}

/*
 * The series of metric (baseline b) with labels l[0..n): c->lbuf gets its
 * labels as text ({a="b",...}), c->kbuf its identity (the `by` labels'
 * values, in the order of the `by`); then its member, made when new.  A
 * handle, or -1 after an error of code in c->diags at where.
 */
static int
series_of(ng_check *c, int m, bool b, const text_label *l, size_t n, err_where where, ng_errcode code)
{
	const prog_metric *pm = &c->p->metrics[m];
	int s = SERIES_OF(m, b);
	population *P = &c->ps[s];
	bool blank = true;

	/*
	 * A label set as Prometheus has it: in no order (so sorted by name here)
	 * and a label of value "" the same as none.
	 */
	c->lbuf.len = c->kbuf.len = 0;
	if (n > c->capord)
		c->ord = xrealloc(c->ord, (c->capord = n) * sizeof *c->ord);
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (not_a_label(&l[i]) || !l[i].value_len)
			continue;
		size_t j = k++;
		for (; j > 0 && label_before(&l[i], c->ord[j - 1]); j--)	/* a few labels: insertion */
			c->ord[j] = c->ord[j - 1];
		c->ord[j] = &l[i];
	}
	for (size_t i = 0; i < k; i++) {
		sb_add(&c->lbuf, i ? "," : "{", 1);
		put_label(&c->lbuf, c->ord[i]->name, c->ord[i]->name_len, c->ord[i]->value, c->ord[i]->value_len);
	}
	if (c->lbuf.len)
		sb_add(&c->lbuf, "}", 1);
	sb_add(&c->lbuf, "", 0);
	int known = pop_find_labels(P, c->lbuf.s, c->lbuf.len);
	if (known >= 0)
		return P->m[known].h;	/* the common case: a series seen before */
	for (int j = 0; j < pm->nby; j++) {
		size_t len = strlen(pm->by[j]), i;
		for (i = 0; i < n && !(l[i].name_len == len && memcmp(l[i].name, pm->by[j], len) == 0); i++)
			;
		sb_add(&c->kbuf, j ? "," : "{", 1);
		put_label(&c->kbuf, pm->by[j], len, i < n ? l[i].value : "", i < n ? l[i].value_len : 0);
		blank &= i == n || l[i].value_len == 0;
	}
	if (pm->nby)
		sb_add(&c->kbuf, "}", 1);
	int key = pm->by ? keyset_intern(&c->keys, c->kbuf.s ? c->kbuf.s : "", c->kbuf.len) : 0;
	int i = pm->by ? pop_find(P, key) : P->n ? 0 : -1;
	const char *what = b ? "the baseline of " : "";
	if (i >= 0 && strcmp(P->m[i].labels, c->lbuf.s) == 0)
		return P->m[i].h;
	if (i >= 0 && !pm->by) {
		err_add(c->diags, NG_SEV_ERROR, code, where,
			"a second series for %s%s: %s%s (the first was %s%s); declare `metric %s by (LABEL, ...)` "
			"to read each series, or aggregate them in the query", what, pm->name, pm->name,
			*c->lbuf.s ? c->lbuf.s : "{}", pm->name, *P->m[i].labels ? P->m[i].labels : "{}", pm->name);
		err_set_metric(c->diags, pm->name);
		return -1;
	}
	if (i >= 0) {
		err_add(c->diags, NG_SEV_ERROR, code, where,
			"two series of %s%s with the identity %s: %s%s and %s%s; with `by`, a metric has one series "
			"an identity: aggregate the others away in the query", what, pm->name, c->kbuf.s, pm->name,
			P->m[i].labels, pm->name, c->lbuf.s);
		err_set_metric(c->diags, pm->name);
		return -1;
	}
	if (c->nh - (c->unread >= 0) >= c->max_series) {
		err_add(c->diags, NG_SEV_ERROR, code, where,
			"more than %d series (--max-series): %s%s%s is one too many", c->max_series, what,
			pm->name, c->lbuf.s);
		err_set_metric(c->diags, pm->name);
		return -1;
	}
	if (c->nh == c->caph)
		c->h = xrealloc(c->h, (size_t)(c->caph = c->caph ? 2 * c->caph : 16) * sizeof *c->h);
	c->h[c->nh] = (handle){ s, pop_add(P, key, blank, xstrdup(c->lbuf.s)) };
	P->m[c->h[c->nh].m].h = c->nh;
	if (!c->lbuf.s[0])
		c->plain[s] = c->nh;
	return c->nh++;
}

/* The handle of every series no evaluated gate reads: its samples are dropped, and it counts for nothing. */
static int
unread_handle(ng_check *c)
{
	if (c->unread < 0) {
		if (c->nh == c->caph)
			c->h = xrealloc(c->h, (size_t)(c->caph = c->caph ? 2 * c->caph : 16) * sizeof *c->h);
		c->h[c->nh] = (handle){ -1, -1 };
		c->unread = c->nh++;
	}
	return c->unread;
}

int
ng_check_series(ng_check *c, int metric, bool baseline, const ng_label *labels, size_t n, ng_diags *d)
{
	if (metric < 0 || metric >= c->p->nmetrics)
		return err_fail(d, NG_EUSAGE, NULL, "no metric %d in %s", metric, c->p->path), -1;
	if (!c->wanted[SERIES_OF(metric, baseline)])
		return unread_handle(c);
	text_label *l = xmalloc((n + 1) * sizeof *l);
	for (size_t i = 0; i < n; i++)
		l[i] = (text_label){ labels[i].name, labels[i].value, strlen(labels[i].name), strlen(labels[i].value) };
	ng_diags *keep = c->diags;
	c->diags = d;
	int h = series_of(c, metric, baseline, l, n, ERR_FILE(c->p->path), NG_ESERIES);
	c->diags = keep;
	free(l);
	return h;
}

int
ng_check_push_to(ng_check *c, int h, int64_t t, double v)
{
	/* far enough from the int64 limits that no window arithmetic overflows */
	if (t < NG_MIN_TIME_MS || t > NG_MAX_TIME_MS)
		return NG_PUSH_RANGE;
	if (h < 0 || h >= c->nh)
		return -1;
	if (h == c->unread)
		return 0;
	population *P = &c->ps[c->h[h].s];
	if (!c->wanted[c->h[h].s] || (c->has_at && t > c->at))
		return 0;
	if (series_push(&P->m[c->h[h].m].s, t, v) < 0)
		return -1;
	if (!series_is_stale(v) && (P->count == 0 || t < P->first))
		P->first = t;
	P->count += !series_is_stale(v);
	if (!c->any || t > c->newest)
		c->newest = t;
	c->any = true;
	return 0;
}

int
ng_check_push(ng_check *c, int metric, bool baseline, int64_t t, double v)
{
	int s = SERIES_OF(metric, baseline);

	if (t < NG_MIN_TIME_MS || t > NG_MAX_TIME_MS)
		return NG_PUSH_RANGE;
	if (!c->wanted[s] || (c->has_at && t > c->at))
		return 0;
	if (c->plain[s] < 0) {
		ng_diags *keep = c->diags;
		c->diags = NULL;	/* no place to say it but the -1 */
		int h = series_of(c, metric, baseline, NULL, 0, ERR_NOWHERE, NG_ESERIES);
		c->diags = keep;
		if (h < 0)
			return -1;	/* another series had come first */
	}
	return ng_check_push_to(c, c->plain[s], t, v);
}

/*
 * The per-sample work of text input, run on every sample of a long input:
 * inline both in on_sample() and in check_text_series() (a stream's,
 * reader.c), whatever the compiler would weigh of two callers.
 */
#ifdef __GNUC__
#define PER_SAMPLE static inline __attribute__((always_inline))
#else
#define PER_SAMPLE static inline
#endif

PER_SAMPLE int
metric_of(ng_check *c, const char *name, size_t len)
{
	const program *p = c->p;

	if (c->last >= 0 && c->namelen[c->last] == len && memcmp(p->metrics[c->last].name, name, len) == 0)
		return c->last;
	int m = names_findn(&c->byname, name, len);	/* a file of many metrics: no scan */
	return m >= 0 ? (c->last = m) : -1;
}

/* What text_series() returns that is no series: a record of the server's, an error. */
enum { TEXT_RECORD = -1, TEXT_ERROR = -2 };

/*
 * The series a text sample is of: its handle (the unread one for a sample
 * no evaluated gate reads); TEXT_RECORD for a record of the server's that
 * is no sample (__absent__, __warning__); TEXT_ERROR after an error in
 * c->diags.
 */
PER_SAMPLE int
text_series(ng_check *c, const text_sample *s, bool *stale)
{
	const text_label *absent = NULL, *warning = NULL;
	bool baseline = false;
	int m;

	*stale = false;
	if (s->name_id && s->name_id == c->tname && s->labels_id == c->tlabels) {
		*stale = c->tstale;	/* the name and labels of the previous sample */
		return c->thandle;
	}
	if ((m = metric_of(c, s->name, s->name_len)) < 0)
		return unread_handle(c);	/* not a metric of this gate file */
	for (size_t i = 0; i < s->nlabels; i++) {
		const text_label *l = &s->labels[i];
		baseline |= is_baseline_label(l);
		*stale |= is_stale_label(l);
		if (is_absent_label(l))
			absent = l;
		if (is_warning_label(l))
			warning = l;
	}
	if (warning) {	/* a record of the server's, not a sample */
		char *why = xstrndup(warning->value, warning->value_len);
		ng_check_doubt(c, m, baseline, why);
		free(why);
		return TEXT_RECORD;
	}
	if (absent) {
		char *sel = xstrndup(absent->value, absent->value_len);
		ng_check_absent(c, m, baseline, sel);
		free(sel);
		return TEXT_RECORD;
	}
	if (!c->wanted[SERIES_OF(m, baseline)])
		return unread_handle(c);
	int h = series_of(c, m, baseline, s->labels, s->nlabels, ERR_LINE(c->path, s->line, 1), NG_EINPUT);
	return h < 0 ? TEXT_ERROR : h;
}

/* check_text_series() */
PER_SAMPLE int
sample_series(ng_check *c, const text_sample *s, double *v)
{
	bool stale;
	int h = text_series(c, s, &stale);

	if (h == TEXT_ERROR)
		return CHECK_TEXT_ERROR;
	if (s->name_id && s->labels_id && h != TEXT_RECORD) {
		c->tname = s->name_id;
		c->tlabels = s->labels_id;
		c->thandle = h;
		c->tstale = stale;
	} else {
		c->tname = 0;
	}
	if (h == TEXT_RECORD || h == c->unread)
		return CHECK_TEXT_NONE;	/* no sample, or none read: its timestamp does not matter */
	*v = stale ? series_stale_nan() : s->value;
	return h;
}

/* Why ng_check_push_to() refused a sample (r < 0): out of the years, or of time order. */
static int
refused(ng_check *c, int h, int64_t t, int r, unsigned line)
{
	if (r == NG_PUSH_RANGE) {
		return err_add(c->diags, NG_SEV_ERROR, NG_EINPUT, ERR_LINE(c->path, line, 1),
			       "timestamp %lld is out of range (years 1 to 9999 in ms)", (long long)t);
	}
	const handle *hd = &c->h[h];
	const pop_member *pm = &c->ps[hd->s].m[hd->m];
	const char *name = c->p->metrics[SERIES_METRIC(hd->s)].name;
	char a[40], b[40];
	util_fmt_time(a, sizeof a, t);
	util_fmt_time(b, sizeof b, series_newest(&pm->s)->t);
	err_add(c->diags, NG_SEV_ERROR, NG_EINPUT, ERR_LINE(c->path, line, 1),
		"sample of %s%s%s at %s is not after the previous one (%s); "
		"a series' samples must be in time order",
		SERIES_IS_BASELINE(hd->s) ? "the baseline of " : "", name, pm->labels, a, b);
	err_set_metric(c->diags, name);
	return NG_EINPUT;
}

int
check_text_series(ng_check *c, const text_sample *s, double *v)
{
	return sample_series(c, s, v);
}

int
check_text_push(ng_check *c, int h, int64_t t, double v, unsigned line)
{
	int r = ng_check_push_to(c, h, t, v);

	return r < 0 ? refused(c, h, t, r, line) : 0;
}

static int
on_sample(void *ctx, const text_sample *s)
{
	ng_check *c = ctx;
	double v;
	int h = sample_series(c, s, &v), r;
	int64_t t = s->has_ts ? s->ts_ms : c->now;

	if (h < 0)
		return h == CHECK_TEXT_ERROR ? NG_EINPUT : 0;
	r = ng_check_push_to(c, h, t, v);
	return r < 0 ? refused(c, h, t, r, s->line) : 0;
}

void
check_text_begin(ng_check *c, const char *name, int64_t now, ng_diags *d)
{
	c->path = name;
	c->now = now;
	c->diags = d;
}

ng_errcode
check_text_done(ng_check *c, int r)
{
	if (r == TEXT_EBAD)
		return NG_EINPUT;
	if (r == TEXT_EIO)
		return NG_EIO;	/* the reader said what failed */
	if (r == 0 && !c->any)	/* a typo in a metric name reads as missing data: say so */
		err_add(c->diags, NG_SEV_WARNING, NG_OK, ERR_FILE(c->path),
			"no sample of a metric the gate reads%s", c->has_at ? " at or before --at" : "");
	return (ng_errcode)r;	/* 0, or what on_sample returned */
}

ng_errcode
ng_check_read_fd(ng_check *c, int fd, const char *name, int64_t now, ng_diags *d)
{
	check_text_begin(c, name, now, d);
	return check_text_done(c, text_read_fd(fd, name, TEXT_AUTO | TEXT_WHOLE, on_sample, c, d));
}

ng_errcode
ng_check_read_file(ng_check *c, const char *path, int64_t now, ng_diags *d)
{
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return err_io(d, path, errno);
	ng_errcode rc = ng_check_read_fd(c, fd, path, now, d);
	close(fd);
	return rc;
}

ng_errcode
ng_check_read_mem(ng_check *c, const char *buf, size_t len, const char *name, int64_t now, ng_diags *d)
{
	check_text_begin(c, name, now, d);
	return check_text_done(c, text_read_mem(buf, len, name, TEXT_AUTO | TEXT_WHOLE, on_sample, c, d));
}

/* Drop series si's warning: its default stands again. */
static void
forget(ng_check *c, int si)
{
	free(c->absent[si]);
	c->absent[si] = NULL;
	c->warned[si] = W_NONE;
	c->ps[si].nodefault = false;
}

/*
 * Defaults stand in for missing series beside data, never for the lack of
 * any.  With no sample of any series the gates read, where they read it
 * for the window ending at at (an empty input, --at before the data, a
 * server with nothing), a default would decide alone: "no errors" read
 * from nothing at all.  Then no default stands, and each that would have
 * gets a warning, as a typo does (ng_check_absent).
 */
static void
no_data(ng_check *c, int64_t at)
{
	const program *p = c->p;
	bool seen = false;

	for (int m = 0; m < p->nmetrics && !seen; m++)
		for (int b = 0; b < 2 && !seen; b++) {
			int64_t step, reach;
			const population *P = &c->ps[SERIES_OF(m, b)];
			if (!ng_check_needs(c, m, b, &step, &reach))
				continue;
			for (int i = 0; i < P->n && !seen; i++)
				seen = series_count(&P->m[i].s, at, reach) > 0;
		}
	for (int si = 0; si < 2 * p->nmetrics; si++) {
		const prog_metric *pm = &p->metrics[SERIES_METRIC(si)];
		if (c->warned[si] == W_NODATA)	/* of the last evaluation */
			forget(c, si);
		if (seen || c->absent[si] || !pm->has_default || !c->wanted[si])
			continue;
		c->absent[si] = sb_fmt("%s '%s': no sample of any metric the gate reads in its window, so its "
				       "default does not apply: no data at all is not a zero",
				       si % 2 ? "the baseline of metric" : "metric", pm->name);
		c->warned[si] = W_NODATA;
		c->ps[si].nodefault = true;
	}
}

ng_verdict
ng_check_eval(ng_check *c, int64_t at)
{
	const program *p = c->p;
	ng_verdict worst = NG_GO;
	bool any = false;

	for (int i = 0; i < c->nres; i++)
		gate_result_free(&c->res[i]);
	c->nres = 0;
	c->res = xrealloc(c->res, (size_t)p->ngates * sizeof *c->res);
	no_data(c, at);
	for (int gi = 0; gi < p->ngates; gi++) {
		if (c->gate >= 0 && gi != c->gate)
			continue;
		gate_result *r = &c->res[c->nres++];
		eval_gate(p, gi, c->ps, &c->keys, at, c->ntop, r);
		if (!any || ng_verdict_worse(r->verdict, worst))
			worst = r->verdict;
		any = true;
	}
	return any ? worst : NG_INCONCLUSIVE;
}

void
ng_check_absent(ng_check *c, int metric, bool baseline, const char *selector)
{
	int si = SERIES_OF(metric, baseline);

	if (metric < 0 || metric >= c->p->nmetrics)
		return;
	if (c->warned[si] == W_NODATA)
		forget(c, si);
	if (c->warned[si] == W_DOUBT)
		return;
	if (!selector) {	/* the series came after all */
		forget(c, si);
		return;
	}
	if (c->absent[si])
		return;
	const prog_metric *pm = &c->p->metrics[metric];
	if (pm->has_default) {
		c->absent[si] = sb_fmt("%s '%s': the server has no series of %s, so its default does not "
				       "apply: a typo in a metric name, a label name or a parameter's value?",
				       baseline ? "the baseline of metric" : "metric", pm->name, selector);
		c->ps[si].nodefault = true;
	} else {
		c->absent[si] = sb_fmt("%s '%s': no series, and the server has none of %s: a typo in a metric "
				       "name, a label name or a parameter's value?",
				       baseline ? "the baseline of metric" : "metric", pm->name, selector);
	}
	c->warned[si] = W_ABSENT;
}

bool
ng_check_doubt(ng_check *c, int metric, bool baseline, const char *why)
{
	int si = SERIES_OF(metric, baseline);

	if (metric < 0 || metric >= c->p->nmetrics || (!why && c->warned[si] != W_DOUBT))
		return false;
	char *text = why ? sb_fmt("%s '%s': %s", baseline ? "the baseline of metric" : "metric",
				  c->p->metrics[metric].name, why) : NULL;
	if (text && c->warned[si] == W_DOUBT && strcmp(text, c->absent[si]) == 0) {
		free(text);
		return false;
	}
	forget(c, si);	/* any other warning too: the server's word over it */
	if (!text)
		return false;
	c->absent[si] = text;
	c->warned[si] = W_DOUBT;
	c->ps[si].nodefault = true;
	return true;
}

const char *
ng_check_absent_why(const ng_check *c, int metric, bool baseline)
{
	return metric >= 0 && metric < c->p->nmetrics ? c->absent[SERIES_OF(metric, baseline)] : NULL;
}

int
ng_check_verdict(const ng_check *c, int gate)
{
	for (int i = 0; i < c->nres; i++)
		if (c->res[i].gate == gate)
			return (int)c->res[i].verdict;
	return -1;
}

void
ng_check_report(const ng_check *c, bool human, FILE *out)
{
	ng_check_report_ex(c, &(ng_report_opts){ .human = human }, out);
}

void
ng_check_report_ex(const ng_check *c, const ng_report_opts *o, FILE *out)
{
	const report_data view = { c->ps, (const char *const *)c->absent, &c->keys, c->ntop, o->color,
				   o->sparklines };

	for (int i = 0; i < c->nres; i++) {
		if (o->human)
			report_human(c->p, &c->res[i], &view, out);
		else
			report_json(c->p, &c->res[i], &view, out);
	}
}

void
ng_check_report_html_ex(const ng_check *c, const ng_html_opts *o, FILE *out)
{
	const report_data view = { c->ps, (const char *const *)c->absent, &c->keys, c->ntop, false, false };

	report_html(c->p, c->res, c->nres, &view, o ? o->title : NULL, o ? o->note : NULL, out);
}

void
ng_check_report_html(const ng_check *c, FILE *out)
{
	ng_check_report_html_ex(c, NULL, out);
}

int
ng_gatefile_gate_info(const ng_gatefile *gf, int gate, ng_gate_info *info)
{
	if (gate < 0 || gate >= gf->ngates)
		return -1;
	const prog_gate *g = &gf->gates[gate];
	*info = (ng_gate_info){ g->step, g->window, g->lookback, g->nrules, g->nhist };
	return 0;
}

int
ng_gatefile_rule_info(const ng_gatefile *gf, int gate, int rule, ng_rule_info *info)
{
	if (gate < 0 || gate >= gf->ngates || rule < 0 || rule >= gf->gates[gate].nrules)
		return -1;
	const prog_rule *r = &gf->rules[gf->gates[gate].rule0 + rule];
	*info = (ng_rule_info){ (ng_rule_kind)r->kind, r->name, r->source, r->line };
	return 0;
}

const char *
ng_gatefile_metric_by(const ng_gatefile *gf, int metric, int i)
{
	if (metric < 0 || metric >= gf->nmetrics || i < 0 || i >= gf->metrics[metric].nby)
		return NULL;
	return gf->metrics[metric].by[i];
}

bool
ng_gatefile_metric_has_baseline(const ng_gatefile *gf, int metric)
{
	return metric >= 0 && metric < gf->nmetrics && gf->metrics[metric].bquery;
}

static const gate_result *
result_of(const ng_check *c, int gate)
{
	for (int i = 0; i < c->nres; i++)
		if (c->res[i].gate == gate)
			return &c->res[i];
	return NULL;
}

int
ng_check_decided(const ng_check *c, int gate)
{
	const gate_result *r = result_of(c, gate);

	return r ? r->decided - c->p->gates[gate].rule0 : -1;
}

ng_state
ng_check_rule_state(const ng_check *c, int gate, int rule)
{
	const gate_result *r = result_of(c, gate);

	if (!r || rule < 0 || rule >= c->p->gates[gate].nrules)
		return NG_UNKNOWN;
	return vocab_state(r->state[rule]);
}

int
ng_check_value(const ng_check *c, int gate, int metric, bool baseline, double *v)
{
	const gate_result *r = result_of(c, gate);

	if (!r || metric < 0 || metric >= c->p->nmetrics || !c->wanted[SERIES_OF(metric, baseline)])
		return -1;
	int64_t sampled;	/* as the report's value */
	if (c->p->metrics[metric].by)
		return 0;	/* a set: no one value */
	return eval_value(c->p, &c->p->gates[gate], c->ps, metric, baseline, VM_NOKEY, r->at, v, &sampled);
}

bool
ng_check_since(const ng_check *c, int gate, int rule, int64_t *t)
{
	const gate_result *r = result_of(c, gate);

	if (!r || rule < -1 || rule >= c->p->gates[gate].nrules)
		return false;
	*t = rule < 0 ? r->decided_since : r->since[rule];
	return *t != VM_NEVER;
}

bool
ng_check_defaulted(const ng_check *c, int gate, int metric)
{
	double v;
	int64_t sampled;
	const gate_result *r = result_of(c, gate);

	if (!r || metric < 0 || metric >= c->p->nmetrics || !c->wanted[SERIES_OF(metric, false)])
		return false;
	return !c->p->metrics[metric].by &&
	       eval_value(c->p, &c->p->gates[gate], c->ps, metric, false, VM_NOKEY, r->at, &v, &sampled) == 1 &&
	       sampled == VM_NEVER;
}

/* --- for sources other than text input (source_prom.c, baseline.c) --- */

int
ng_gatefile_nmetrics(const ng_gatefile *gf)
{
	return gf->nmetrics;
}

const char *
ng_gatefile_metric_name(const ng_gatefile *gf, int metric)
{
	return metric >= 0 && metric < gf->nmetrics ? gf->metrics[metric].name : NULL;
}

const char *
ng_gatefile_metric_query(const ng_gatefile *gf, int metric, bool baseline)
{
	if (metric < 0 || metric >= gf->nmetrics)
		return NULL;
	return baseline ? gf->metrics[metric].bquery : gf->metrics[metric].query;
}

const char *
ng_gatefile_prometheus(const ng_gatefile *gf)
{
	return gf->prometheus;
}

int
ng_gatefile_nparams(const ng_gatefile *gf)
{
	return gf->ast->nparams;
}

const char *
ng_gatefile_param(const ng_gatefile *gf, int i, const char **value)
{
	if (i < 0 || i >= gf->ast->nparams)
		return NULL;
	if (value)
		*value = gf->ast->params[i].value;
	return gf->ast->params[i].name;
}

double
ng_stale_nan(void)
{
	return series_stale_nan();
}

bool
ng_check_needs(const ng_check *c, int metric, bool baseline, int64_t *step, int64_t *reach)
{
	const program *p = c->p;
	int s = SERIES_OF(metric, baseline);
	bool any = false;

	*step = *reach = 0;
	if (metric < 0 || metric >= p->nmetrics || !c->wanted[s])
		return false;
	for (int gi = 0; gi < p->ngates; gi++) {
		const prog_gate *g = &p->gates[gi];
		bool reads = false;
		if (c->gate >= 0 && gi != c->gate)
			continue;
		for (int i = g->read0; i < g->read0 + g->nread; i++) {
			const prog_read *rd = &p->reads[i];
			if (rd->series != s)
				continue;
			if (rd->reach > *reach)
				*reach = rd->reach;
			reads = true;
		}
		if (reads) {
			*step = any ? util_gcd(*step, g->step) : g->step;
			any = true;
		}
	}
	return any;
}

bool
ng_check_newest(const ng_check *c, int64_t *t)
{
	if (c->any)
		*t = c->newest;
	return c->any;
}

int64_t
ng_check_samples(const ng_check *c, int metric, bool baseline)
{
	if (metric < 0 || metric >= c->p->nmetrics)
		return 0;
	const population *P = &c->ps[SERIES_OF(metric, baseline)];
	int64_t n = 0;
	for (int i = 0; i < P->n; i++)
		n += P->m[i].s.count;
	return n;
}

void
ng_check_grid(const ng_check *c, int64_t *step, int64_t *window)
{
	*step = *window = 0;
	for (int gi = 0; gi < c->p->ngates; gi++) {
		const prog_gate *g = &c->p->gates[gi];
		if (c->gate >= 0 && gi != c->gate)
			continue;
		*step = *step ? util_gcd(*step, g->step) : g->step;
		if (g->window > *window)
			*window = g->window;
	}
}
