/*
 * prom_feed.c: the series a check reads, fetched from the server with one
 * query_range each over the window at the gates' step, and handed on as
 * samples with staleness markers where the server has no value.  A query
 * may return any number of series: each keeps its own place in time, and
 * has a number (its sid) for the callee.  See source_prom.h.
 */
#include "source_prom.h"
#include "error.h"
#include "names.h"
#include "program.h"
#include "sbuf.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* One series of a query's result, by its labels: sid is its index in ng_feed.ser. */
typedef struct fseries {
	int stream;
	char *key;			/* the stream and the labels: the key of ng_feed.bykey */
	ng_label *labels;		/* owned, sorted by name */
	size_t nlabels;
	bool have_real, stale;
	bool stand_in;			/* made for a query that had no series, to carry the markers */
	char *alias;			/* a stand-in's key since it took a series' labels, or NULL */
	int64_t last;			/* last sample handed on, INT64_MIN before */
	int seen;			/* the query of the fetch that last returned it (fetch.stamp) */
} fseries;

/* One query: a metric's, or its baseline's. */
typedef struct stream {
	int metric;
	bool baseline;
	const char *query;
	char *what;
	int64_t step, reach;
	bool started;
	int64_t from;			/* first time fetched */
	int64_t fetched_to;		/* last grid time fetched */
	int *sids;			/* its series, in the order first seen */
	int nsids, capsids;
	/*
	 * The default rule: whether the query ever had series; while it has
	 * not, a probe the server has no series of (asked at the first fetch,
	 * and again at each fetch while one is absent: the series may only be
	 * late, as a canary's before its first scrape)
	 */
	bool nonempty;
	const char *absent;
	char *unsure;			/* else the warning of a probe the server could not answer, or NULL */
	int64_t probed_at;		/* the fetch that last asked its probes, or INT64_MIN */
	/*
	 * The warning of the server's warnings on its query in the last fetch
	 * that asked it, or NULL: its values were not handed on, as if the
	 * server had none (a partial response has fewer series, or none)
	 */
	char *warned;
} stream;

struct ng_feed {
	ng_prom *pc;
	const ng_gatefile *gf;
	stream *st;
	int nst;
	fseries *ser;			/* by sid */
	int nser, capser;
	int max_series;
	names bykey;			/* fseries.key -> sid */
	int stamp;			/* of the last query whose series were numbered */
};

ng_feed *
ng_feed_new(ng_prom *pc, const ng_gatefile *gf, const ng_check *c, ng_feed_kind kind)
{
	ng_feed *f = xcalloc(1, sizeof *f);
	int nm = ng_gatefile_nmetrics(gf);

	f->pc = pc;
	f->gf = gf;
	f->st = xcalloc((size_t)(2 * nm + 1), sizeof *f->st);
	for (int m = 0; m < nm; m++) {
		const char *name = ng_gatefile_metric_name(gf, m);
		for (int b = 0; b < 2; b++) {
			int64_t step, reach, bstep, breach;
			bool need = ng_check_needs(c, m, b, &step, &reach);
			if (kind == NG_FEED_VALUES) {
				if (b)
					break;
				/* a recorded baseline serves where the metric's baseline is read */
				if (ng_check_needs(c, m, true, &bstep, &breach)) {
					step = need ? util_gcd(step, bstep) : bstep;
					if (!need || breach > reach)
						reach = breach;
					need = true;
				}
			}
			const char *q = ng_gatefile_metric_query(gf, m, b);
			if (!need || !q)
				continue;
			f->st[f->nst++] = (stream){
				.metric = m, .baseline = b, .query = q, .step = step, .reach = reach,
				.what = b ? sb_fmt("baseline of %s", name) : sb_fmt("metric %s", name),
				.probed_at = INT64_MIN,
			};
		}
	}
	f->max_series = NG_MAX_SERIES_DEFAULT;
	names_init(&f->bykey, 16);
	return f;
}

void
ng_feed_set_max_series(ng_feed *f, int max)
{
	f->max_series = max > 0 ? max : 1;
}

void
ng_feed_free(ng_feed *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nst; i++) {
		free(f->st[i].what);
		free(f->st[i].sids);
		free(f->st[i].unsure);
		free(f->st[i].warned);
	}
	for (int i = 0; i < f->nser; i++) {
		fseries *fs = &f->ser[i];
		prom_labels_free(fs->labels, fs->nlabels);
		free(fs->key);
		free(fs->alias);
	}
	free(f->ser);
	names_free(&f->bykey);
	free(f->st);
	free(f);
}

int
ng_feed_nseries(const ng_feed *f)
{
	return f->nst;
}

void
ng_feed_series(const ng_feed *f, int i, int *metric, bool *baseline, const char **query,
		 int64_t *step, int64_t *from)
{
	const stream *s = &f->st[i];

	*metric = s->metric;
	*baseline = s->baseline;
	*query = s->query;
	*step = s->step;
	*from = s->from;
}

/* The key of a series: its stream, and its labels each length-prefixed (a value may hold any byte). */
static char *
series_key(int si, const ng_label *lv, size_t n)
{
	sbuf b = { 0 };

	sb_printf(&b, "%d", si);
	for (size_t i = 0; i < n; i++)
		sb_printf(&b, "|%zu:%s%zu:%s", strlen(lv[i].name), lv[i].name, strlen(lv[i].value), lv[i].value);
	return sb_take(&b);
}

/* The sid of a stream's series with these labels, or -1 (key taken over) when it is new and the feed is full. */
static int
series_of(ng_feed *f, int i, const ng_label *lv, size_t n)
{
	char *key = series_key(i, lv, n);
	int sid = names_find(&f->bykey, key);

	if (sid >= 0) {
		free(key);
		return sid;
	}
	if (f->nser >= f->max_series) {
		free(key);
		return -1;
	}
	if (f->nser == f->capser) {
		f->capser = f->capser ? 2 * f->capser : 16;
		f->ser = xrealloc(f->ser, (size_t)f->capser * sizeof *f->ser);
	}
	sid = f->nser++;
	fseries *fs = &f->ser[sid];
	*fs = (fseries){ .stream = i, .key = key, .last = INT64_MIN, .seen = -1, .nlabels = n };
	fs->labels = n ? xmalloc(n * sizeof *fs->labels) : NULL;
	for (size_t j = 0; j < n; j++)
		fs->labels[j] = (ng_label){ xstrdup(lv[j].name), xstrdup(lv[j].value) };
	names_add(&f->bykey, fs->key, sid);
	stream *s = &f->st[i];
	if (s->nsids == s->capsids) {
		s->capsids = s->capsids ? 2 * s->capsids : 4;
		s->sids = xrealloc(s->sids, (size_t)s->capsids * sizeof *s->sids);
	}
	s->sids[s->nsids++] = sid;
	return sid;
}

/*
 * A metric without `by` is one series: when its query, which had no series
 * (its stand-in got the markers), returns one, that is the stand-in, which
 * takes its labels, so that the callee sees one series (in a check of one
 * fetch this never happens: a query has series or a stand-in).
 */
static void
adopt(ng_feed *f, int i, const prom_series *ps)
{
	stream *s = &f->st[i];
	fseries *fs = s->nsids == 1 ? &f->ser[s->sids[0]] : NULL;

	if (!fs || !fs->stand_in || fs->have_real || !ps->nlv || ng_gatefile_metric_by(f->gf, s->metric, 0))
		return;
	fs->alias = series_key(i, ps->lv, ps->nlv);
	if (names_add(&f->bykey, fs->alias, s->sids[0]) >= 0) {
		free(fs->alias);	/* a series of its own already (cannot be: the stream has one) */
		fs->alias = NULL;
		return;
	}
	fs->labels = xmalloc(ps->nlv * sizeof *fs->labels);
	for (size_t j = 0; j < ps->nlv; j++)
		fs->labels[j] = (ng_label){ xstrdup(ps->lv[j].name), xstrdup(ps->lv[j].value) };
	fs->nlabels = ps->nlv;
	fs->stand_in = false;
}

static int
emit(ng_feed *f, int sid, ng_sample_fn fn, void *ctx, int64_t t, double v, bool stale)
{
	fseries *fs = &f->ser[sid];
	const stream *s = &f->st[fs->stream];
	int r = fn(ctx, s->metric, s->baseline, sid, fs->labels, fs->nlabels, t, stale ? ng_stale_nan() : v, stale);

	fs = &f->ser[sid];
	fs->last = t;
	fs->stale = stale;
	fs->have_real |= !stale;
	return r;
}

/* Hand on one series' new points, with a staleness marker where the server has no value. */
static int
feed_points(ng_feed *f, int sid, const prom_point *pts, size_t n, ng_sample_fn fn, void *ctx)
{
	const fseries *fs = &f->ser[sid];
	int64_t step = f->st[fs->stream].step;
	int r;

	for (size_t i = 0; i < n; i++) {
		const prom_point *p = &pts[i];
		if (fs->last != INT64_MIN && p->t <= fs->last)
			continue;
		/* a step without a value: missing from there on, as the server had it */
		if (fs->have_real && !fs->stale && p->t - fs->last > step + step / 2)
			if ((r = emit(f, sid, fn, ctx, fs->last + step, 0, true)))
				return r;
		if ((r = emit(f, sid, fn, ctx, p->t, p->v, false)))
			return r;
	}
	return 0;
}

/*
 * No value at end (the last time fetched): a marker there, so that end is
 * the newest sample; a series that ended has it where its values end, too.
 * A server that moves the grid (a query frontend aligning start to a
 * multiple of step) has its last value up to a step before end: that is
 * current.
 */
static int
feed_end(ng_feed *f, int sid, int64_t end, ng_sample_fn fn, void *ctx)
{
	const fseries *fs = &f->ser[sid];
	int64_t step = f->st[fs->stream].step;
	int r;

	if (fs->last != INT64_MIN && !fs->stale && fs->last > end - step)
		return 0;
	if (fs->last != INT64_MIN && fs->last >= end)
		return 0;
	if (fs->have_real && !fs->stale && fs->last + step < end)
		if ((r = emit(f, sid, fn, ctx, fs->last + step, 0, true)))
			return r;
	return emit(f, sid, fn, ctx, end, 0, true);
}

/*
 * The queries of one fetch: a stream's new grid times, in chunks of
 * PROM_MAX_POINTS; and, the first time, the probes (program.h) of each metric
 * with a default, asked at once so that a typo cannot pass as its default.
 * A query without a default that had no series has its probes asked after,
 * for the warning alone.
 */
typedef struct fetch {
	prom_query *qs;
	int *owner;		/* the stream of each query */
	const char **probe;	/* the probe a query asks about, or NULL */
	int **sids;		/* of each query's series (not a probe's), once every query succeeded */
	int nq;
	int64_t at;
	int64_t *ends;		/* of each stream: the last time fetched, INT64_MIN when none is new */
} fetch;

static prom_query *
add_query(fetch *x, int owner, const char *probe)
{
	x->qs = xrealloc(x->qs, (size_t)(x->nq + 1) * sizeof *x->qs);
	x->owner = xrealloc(x->owner, (size_t)(x->nq + 1) * sizeof *x->owner);
	x->probe = xrealloc(x->probe, (size_t)(x->nq + 1) * sizeof *x->probe);
	x->sids = xrealloc(x->sids, (size_t)(x->nq + 1) * sizeof *x->sids);
	x->owner[x->nq] = owner;
	x->probe[x->nq] = probe;
	x->sids[x->nq] = NULL;
	return &x->qs[x->nq++];
}

static int report_failure(const ng_feed *f, const fetch *x, ng_diags *d);

static void
fetch_free(fetch *x)
{
	for (int k = 0; k < x->nq; k++) {
		prom_query_clear(&x->qs[k]);
		free(x->sids[k]);
	}
	free(x->qs);
	free(x->owner);
	free(x->probe);
	free(x->sids);
	free(x->ends);
}

/*
 * A probe the server rejects (a regex it takes otherwise ...) is not a
 * fault of the check, nor a typo; but nor does it show there is none
 * (unanswered).
 */
static bool
moot(const fetch *x, int k)
{
	return x->probe[k] && x->qs[k].status == NG_EAPI;
}

/* The first warning among a query's notes, or NULL. */
static const char *
first_warning(const prom_query *q)
{
	for (size_t i = 0; i < q->res.nnotes; i++)
		if (strncmp(q->res.notes[i], PROM_WARNING, strlen(PROM_WARNING)) == 0)
			return q->res.notes[i] + strlen(PROM_WARNING);
	return NULL;
}

/* Why a probe with no series shows nothing: rejected, or answered with a warning; NULL when it shows. */
static const char *
unanswered(const fetch *x, int k)
{
	const prom_query *q = &x->qs[k];

	if (moot(x, k))
		return q->res.error ? q->res.error : q->error;
	return q->status || q->res.nseries ? NULL : first_warning(q);
}

/* The warning of a probe that could not be answered, after "metric 'm': ". */
static char *
unsure_text(const ng_feed *f, const stream *s, const char *probe, const char *why)
{
	char *sel = prom_one_line(probe, strlen(probe), 300);
	char *text = sb_fmt("no series, and the server could not tell whether it has series of %s (%s)%s", sel, why,
			    f->gf->metrics[s->metric].has_default ? ", so its default does not apply" : "");

	free(sel);
	return text;
}

/* The status of the first query that failed, but for moot probes. */
static int
failed(const fetch *x)
{
	for (int k = 0; k < x->nq; k++)
		if (x->qs[k].status && !moot(x, k))
			return x->qs[k].status;
	return 0;
}

/* The probes of a stream's query, over what the check reads. */
static void
plan_probes(ng_feed *f, int i, fetch *x)
{
	stream *s = &f->st[i];
	const prog_metric *pm = &f->gf->metrics[s->metric];

	s->probed_at = x->at;
	int64_t start = x->at - (s->reach + s->step - 1) / s->step * s->step;	/* what the check reads */
	for (int k = 0; k < pm->nprobes[s->baseline]; k++) {
		const char *q = pm->probes[s->baseline][k];
		*add_query(x, i, q) = (prom_query){ .what = s->what, .query = q, .series = true,
						    .start = start, .end = x->at };
	}
}

/* After a fetch's queries and probes: whether each query had series, and a probe with none. */
static void
judge_probes(ng_feed *f, const fetch *x)
{
	for (int k = 0; k < x->nq; k++) {
		stream *s = &f->st[x->owner[k]];
		if (!x->probe[k]) {
			s->nonempty |= x->qs[k].res.nseries > 0;
		} else {
			s->absent = NULL;	/* asked again: this fetch's answer counts */
			free(s->unsure);
			s->unsure = NULL;
		}
	}
	for (int k = 0; k < x->nq; k++) {
		stream *s = &f->st[x->owner[k]];
		const char *why = x->probe[k] ? unanswered(x, k) : NULL;
		if (!x->probe[k] || s->nonempty)
			continue;
		if (why && !s->unsure)
			s->unsure = unsure_text(f, s, x->probe[k], why);
		else if (!why && !s->absent && !x->qs[k].res.nseries)
			s->absent = x->probe[k];
	}
	for (int i = 0; i < f->nst; i++)
		if (f->st[i].nonempty) {
			f->st[i].absent = NULL;
			free(f->st[i].unsure);
			f->st[i].unsure = NULL;
		}
}

/* Whether a stream's probes are to be asked in this fetch: not yet, or one was absent or unanswered. */
static bool
to_probe(const stream *s, const fetch *x)
{
	return !s->nonempty && s->probed_at != x->at && (!s->started || s->absent || s->unsure);
}

/* The second round: the probes of the queries without series that were not asked in the first. */
static int
probe_empty(ng_feed *f, const fetch *x, ng_diags *d)
{
	fetch y = { .at = x->at };
	int st = 0;

	for (int i = 0; i < f->nst; i++)
		if (x->ends[i] != INT64_MIN && to_probe(&f->st[i], x))
			plan_probes(f, i, &y);
	if (y.nq && (st = prom_run(f->pc, y.qs, y.nq, d)) < 0)
		;	/* stopped */
	else if (y.nq && (st = failed(&y)))
		st = report_failure(f, &y, d);
	else if (y.nq)
		judge_probes(f, &y);
	fetch_free(&y);
	return st;
}

static void
plan(ng_feed *f, int64_t at, fetch *x)
{
	x->ends = xcalloc((size_t)f->nst, sizeof *x->ends);
	for (int i = 0; i < f->nst; i++) {
		stream *s = &f->st[i];
		int64_t start, end;
		if (!s->started) {
			int64_t n = (s->reach + s->step - 1) / s->step;
			start = at - n * s->step;
			end = at;
		} else {
			start = s->fetched_to + s->step;
			if (start > at) {
				x->ends[i] = INT64_MIN;
				continue;
			}
			end = start + (at - start) / s->step * s->step;
		}
		x->ends[i] = end;
		for (int64_t c = start; c <= end; c += PROM_MAX_POINTS * s->step) {
			int64_t ce = c + (PROM_MAX_POINTS - 1) * s->step;
			*add_query(x, i, NULL) = (prom_query){ .what = s->what, .query = s->query, .start = c,
							       .end = ce < end ? ce : end, .step = s->step };
		}
		if (to_probe(s, x) && f->gf->metrics[s->metric].has_default)	/* a baseline takes the default too */
			plan_probes(f, i, x);
	}
}

/* A query's error: "URL: metric m: " what, then the query. */
static void
query_error(const ng_feed *f, prom_query *q, int status, const char *what)
{
	char *qq = prom_one_line(q->query, strlen(q->query), 300);
	char *msg = sb_fmt("%s: %s: %s (query: %s)", ng_prom_url(f->pc), q->what, what, qq);

	q->error = prom_redact(f->pc, msg);
	q->status = status;
	free(msg);
	free(qq);
}

/*
 * The series of a fetch's results numbered (new ones made), and each
 * query without series yet given its series without labels, for the
 * markers: 0, or the status of the first query whose times the engine
 * cannot hold, that returns one series twice, or that makes the feed keep
 * more series than its maximum.
 */
static int
check_results(ng_feed *f, fetch *x)
{
	for (int k = 0; k < x->nq; k++) {
		const prom_result *r = &x->qs[k].res;
		if (x->probe[k] || f->st[x->owner[k]].warned)
			continue;
		for (size_t i = 0; i < r->nseries; i++)
			for (size_t j = 0; j < r->series[i].npts; j++) {
				int64_t t = r->series[i].pts[j].t;
				if (t < NG_MIN_TIME_MS || t > NG_MAX_TIME_MS) {
					const stream *sm = &f->st[x->owner[k]];
					x->qs[k].error = sb_fmt("bad response: a sample of %s%s at %lld ms, outside the "
								"years 1 to 9999", sm->baseline ? "the baseline of " : "",
								ng_gatefile_metric_name(f->gf, sm->metric), (long long)t);
					return x->qs[k].status = NG_EDECODE;
				}
			}
	}
	for (int k = 0; k < x->nq; k++) {
		prom_query *q = &x->qs[k];
		const prom_result *r = &q->res;
		if (x->probe[k] || f->st[x->owner[k]].warned)
			continue;	/* a warned query's series are not the server's all */
		int stamp = ++f->stamp;
		x->sids[k] = xmalloc((r->nseries + 1) * sizeof *x->sids[k]);
		for (size_t j = 0; j < r->nseries; j++) {
			adopt(f, x->owner[k], &r->series[j]);
			int sid = series_of(f, x->owner[k], r->series[j].lv, r->series[j].nlv);
			if (sid < 0) {
				sbuf b = { 0 };
				sb_printf(&b, "more than %d series (--max-series), counting every query of the check: "
					  "this one returned %zu: ", f->max_series, r->nseries);
				prom_list_series(&b, r, 3);
				query_error(f, q, NG_ESERIES, b.s);
				free(b.s);
				return NG_ESERIES;
			}
			if (f->ser[sid].seen == stamp) {
				char *why = sb_fmt("bad response: two series with the labels %s", r->series[j].labels);
				query_error(f, q, NG_EDECODE, why);
				free(why);
				return NG_EDECODE;
			}
			f->ser[sid].seen = stamp;
			x->sids[k][j] = sid;
		}
	}
	for (int i = 0; i < f->nst; i++) {
		if (x->ends[i] == INT64_MIN || f->st[i].nsids)
			continue;
		int sid = series_of(f, i, NULL, 0);
		if (sid >= 0) {
			f->ser[sid].stand_in = true;
			continue;
		}
			for (int k = 0; k < x->nq; k++)
				if (x->owner[k] == i && !x->probe[k]) {
					char *why = sb_fmt("more than %d series (--max-series), counting every query of "
							   "the check", f->max_series);
					query_error(f, &x->qs[k], NG_ESERIES, why);
					free(why);
					break;
				}
		return NG_ESERIES;
	}
	return 0;
}

/* The first failed query as the error, with how many more failed; its status. */
static int
report_failure(const ng_feed *f, const fetch *x, ng_diags *d)
{
	int first = -1, more = 0;

	for (int k = 0; k < x->nq; k++) {
		if (!x->qs[k].status || moot(x, k))
			continue;
		if (first < 0)
			first = k;
		else
			more++;
	}
	const prom_query *q = &x->qs[first];
	if (more)
		err_add(d, NG_SEV_ERROR, (ng_errcode)q->status, ERR_NOWHERE, "%s (%d more quer%s failed)", q->error,
			more, more == 1 ? "y" : "ies");
	else
		err_add(d, NG_SEV_ERROR, (ng_errcode)q->status, ERR_NOWHERE, "%s", q->error);
	err_set_server(d, ng_prom_url(f->pc));
	return q->status;
}

/* Every stream's new points handed on, and a marker at its end for each series without a value there. */
static int
hand_on(ng_feed *f, const fetch *x, ng_sample_fn fn, void *ctx)
{
	int ret;

	for (int i = 0, k = 0; i < f->nst; i++) {
		stream *s = &f->st[i];
		if (x->ends[i] == INT64_MIN)
			continue;
		if (!s->started)
			s->from = x->qs[k].start;
		for (; k < x->nq && x->owner[k] == i; k++) {
			const prom_result *r = &x->qs[k].res;
			for (size_t j = 0; x->sids[k] && j < r->nseries; j++)
				if ((ret = feed_points(f, x->sids[k][j], r->series[j].pts, r->series[j].npts, fn, ctx)))
					return ret;
		}
		for (int j = 0; j < s->nsids; j++)
			if ((ret = feed_end(f, s->sids[j], x->ends[i], fn, ctx)))
				return ret;
		s->started = true;
		s->fetched_to = x->ends[i];
	}
	return 0;
}

/* The server's warnings on the queries of each stream fetched, deduplicated, and their query. */
static char *
warned_text(const ng_feed *f, const fetch *x, int i)
{
	const stream *s = &f->st[i];
	sbuf b = { 0 };

	for (int k = 0; k < x->nq; k++)
		for (size_t j = 0; x->owner[k] == i && !x->probe[k] && j < x->qs[k].res.nnotes; j++) {
			const char *w = x->qs[k].res.notes[j];
			if (strncmp(w, PROM_WARNING, strlen(PROM_WARNING)) != 0)
				continue;
			w += strlen(PROM_WARNING);
			if (!b.s || !strstr(b.s, w))
				sb_printf(&b, "%s%s", b.s ? "; " : "", w);
		}
	if (!b.s)
		return NULL;
	char *q = prom_one_line(s->query, strlen(s->query), 300);
	char *text = sb_fmt("the server warned: %s (query: %s), so its values are not trusted%s", b.s, q,
			    f->gf->metrics[s->metric].has_default ? " and its default does not apply" : "");
	free(q);
	free(b.s);
	return text;
}

/* Each stream fetched: warned, or not, by this fetch (prom_result.notes). */
static void
judge_warnings(ng_feed *f, const fetch *x)
{
	for (int i = 0; i < f->nst; i++) {
		if (x->ends[i] == INT64_MIN)
			continue;
		free(f->st[i].warned);
		f->st[i].warned = warned_text(f, x, i);
	}
}

int
ng_feed_fetch(ng_feed *f, int64_t at, ng_sample_fn fn, void *ctx, ng_diags *d)
{
	fetch x = { 0 };
	int ret;

	x.at = at;
	plan(f, at, &x);
	int st = prom_run(f->pc, x.qs, x.nq, d);
	if (st < 0)
		ret = -1;
	else if ((st = failed(&x)) || (judge_warnings(f, &x), check_results(f, &x)))
		ret = report_failure(f, &x, d);
	else if (judge_probes(f, &x), (ret = probe_empty(f, &x, d)) == 0)
		ret = hand_on(f, &x, fn, ctx);	/* nothing is handed on before every query succeeded */
	fetch_free(&x);
	return ret;
}

static const stream *
stream_of(const ng_feed *f, int metric, bool baseline)
{
	for (int i = 0; i < f->nst; i++)
		if (f->st[i].metric == metric && f->st[i].baseline == baseline)
			return &f->st[i];
	return NULL;
}

/* One finding a series: the server's warnings, else a typo, else a probe not answered. */
const char *
ng_feed_absent(const ng_feed *f, int metric, bool baseline)
{
	const stream *s = stream_of(f, metric, baseline);

	return s && !s->warned ? s->absent : NULL;
}

const char *
ng_feed_doubt(const ng_feed *f, int metric, bool baseline)
{
	const stream *s = stream_of(f, metric, baseline);

	return !s ? NULL : s->warned ? s->warned : s->absent ? NULL : s->unsure;
}
