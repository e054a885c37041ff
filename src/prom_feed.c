/*
 * prom_feed.c: the series a check reads, fetched from the server with one
 * query_range each over the window at the gates' step, and handed on as
 * samples with staleness markers where the server has no value.  See
 * source_prom.h.
 */
#include "source_prom.h"
#include "error.h"
#include "program.h"
#include "sbuf.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct stream {
	int metric;
	bool baseline;
	const char *query;
	char *what;
	int64_t step, reach;
	bool started, have_real, stale;
	int64_t from;			/* first time fetched */
	int64_t fetched_to;		/* last grid time fetched */
	int64_t last;			/* last sample handed on */
	/*
	 * The default rule: whether the query ever had series; while it has
	 * not, a probe the server has no series of (asked at the first fetch,
	 * and again at each fetch while one is absent: the series may only be
	 * late, as a canary's before its first scrape)
	 */
	bool nonempty;
	const char *absent;
	int64_t probed_at;		/* the fetch that last asked its probes, or INT64_MIN */
} stream;

struct ng_feed {
	ng_prom *pc;
	const ng_gatefile *gf;
	stream *st;
	int nst;
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
				.last = INT64_MIN, .probed_at = INT64_MIN,
			};
		}
	}
	return f;
}

void
ng_feed_free(ng_feed *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nst; i++)
		free(f->st[i].what);
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

static int
emit(stream *s, ng_sample_fn fn, void *ctx, int64_t t, double v, bool stale)
{
	int r = fn(ctx, s->metric, s->baseline, t, stale ? ng_stale_nan() : v, stale);

	s->last = t;
	s->stale = stale;
	s->have_real |= !stale;
	return r;
}

/* Hand on one series' new points, with a staleness marker where the server has no value. */
static int
feed_points(stream *s, const prom_point *pts, size_t n, ng_sample_fn fn, void *ctx)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		const prom_point *p = &pts[i];
		if (s->last != INT64_MIN && p->t <= s->last)
			continue;
		/* a step without a value: missing from there on, as the server had it */
		if (s->have_real && !s->stale && p->t - s->last > s->step + s->step / 2)
			if ((r = emit(s, fn, ctx, s->last + s->step, 0, true)))
				return r;
		if ((r = emit(s, fn, ctx, p->t, p->v, false)))
			return r;
	}
	return 0;
}

/*
 * No value at end (the last time fetched): a marker there, so that end is
 * the newest sample.  A server that moves the grid (a query frontend
 * aligning start to a multiple of step) has its last value up to a step
 * before end: that is current.
 */
static int
feed_end(stream *s, int64_t end, ng_sample_fn fn, void *ctx)
{
	int r;

	if (s->last != INT64_MIN && !s->stale && s->last > end - s->step)
		return 0;
	if (s->last != INT64_MIN && s->last >= end)
		return 0;
	if (s->have_real && !s->stale && s->last + s->step < end)
		if ((r = emit(s, fn, ctx, s->last + s->step, 0, true)))
			return r;
	return emit(s, fn, ctx, end, 0, true);
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
	x->owner[x->nq] = owner;
	x->probe[x->nq] = probe;
	return &x->qs[x->nq++];
}

static int report_failure(const ng_feed *f, const fetch *x, ng_diags *d);

/* A probe the server rejects (a regex it takes otherwise ...) proves nothing: not a fault, not a typo. */
static bool
moot(const fetch *x, int k)
{
	return x->probe[k] && x->qs[k].status == NG_EAPI;
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
		if (!x->probe[k])
			s->nonempty |= x->qs[k].res.nseries > 0;
		else
			s->absent = NULL;	/* asked again: this fetch's answer counts */
	}
	for (int k = 0; k < x->nq; k++) {
		stream *s = &f->st[x->owner[k]];
		if (x->probe[k] && !moot(x, k) && !s->nonempty && !s->absent && !x->qs[k].res.nseries)
			s->absent = x->probe[k];
	}
	for (int i = 0; i < f->nst; i++)
		if (f->st[i].nonempty)
			f->st[i].absent = NULL;
}

/* Whether a stream's probes are to be asked in this fetch: not yet, or one was absent. */
static bool
to_probe(const stream *s, const fetch *x)
{
	return !s->nonempty && s->probed_at != x->at && (!s->started || s->absent);
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
	for (int k = 0; k < y.nq; k++)
		prom_query_clear(&y.qs[k]);
	free(y.qs);
	free(y.owner);
	free(y.probe);
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
		if (to_probe(s, x) && !s->baseline && f->gf->metrics[s->metric].has_default)
			plan_probes(f, i, x);
	}
}

/* A metric's query must give one series, of times the engine can hold: 0 or the status of the first that does not. */
static int
check_results(const ng_feed *f, fetch *x)
{
	int st = 0;

	for (int k = 0; k < x->nq && !st; k++) {
		const prom_result *r = &x->qs[k].res;
		if (x->probe[k])
			continue;
		for (size_t j = 0; r->nseries && j < r->series[0].npts && !st; j++) {
			int64_t t = r->series[0].pts[j].t;
			if (t < NG_MIN_TIME_MS || t > NG_MAX_TIME_MS) {
				const stream *sm = &f->st[x->owner[k]];
				x->qs[k].error = sb_fmt("bad response: a sample of %s%s at %lld ms, outside the years 1 to 9999",
							sm->baseline ? "the baseline of " : "",
							ng_gatefile_metric_name(f->gf, sm->metric), (long long)t);
				x->qs[k].status = st = NG_EDECODE;
			}
		}
	}
	for (int k = 0; k < x->nq && !st; k++) {
		prom_query *q = &x->qs[k];
		if (!x->probe[k] && q->res.nseries > 1) {
			sbuf b = { 0 };
			char *qq = prom_one_line(q->query, strlen(q->query), 300);
			sb_printf(&b, "%s: %s: the query returned %zu series, not one: ", ng_prom_url(f->pc),
				  q->what, q->res.nseries);
			prom_list_series(&b, &q->res, 5);
			sb_printf(&b, " (query: %s); aggregate them (sum, max ...) or select one", qq);
			free(qq);
			q->error = prom_redact(f->pc, b.s);
			free(b.s);
			q->status = st = NG_ESERIES;
		}
	}
	return st;
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

/* Every stream's new points handed on, and a marker at its end where the server has no value. */
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
			if (!x->probe[k] && r->nseries &&
			    (ret = feed_points(s, r->series[0].pts, r->series[0].npts, fn, ctx)))
				return ret;
		}
		if ((ret = feed_end(s, x->ends[i], fn, ctx)))
			return ret;
		s->started = true;
		s->fetched_to = x->ends[i];
	}
	return 0;
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
	else if ((st = failed(&x)) || check_results(f, &x))
		ret = report_failure(f, &x, d);
	else if (judge_probes(f, &x), (ret = probe_empty(f, &x, d)) == 0)
		ret = hand_on(f, &x, fn, ctx);	/* nothing is handed on before every query succeeded */
	for (int k = 0; k < x.nq; k++)
		prom_query_clear(&x.qs[k]);
	free(x.qs);
	free(x.owner);
	free(x.probe);
	free(x.ends);
	return ret;
}

const char *
ng_feed_absent(const ng_feed *f, int metric, bool baseline)
{
	for (int i = 0; i < f->nst; i++)
		if (f->st[i].metric == metric && f->st[i].baseline == baseline)
			return f->st[i].absent;
	return NULL;
}
