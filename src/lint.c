/*
 * lint.c: the preflight, `novagate lint`: every query of a gate file asked
 * about at the server before a rollout depends on it (ng_lint in
 * novagate.h).  All requests go out at once: each distinct probe
 * (/api/v1/series: a selector's metric name; its name with one matcher
 * whose value comes from a parameter) and each query once (query_range
 * over the lookback).  Then, for the names and values no series has, the
 * label's values (/api/v1/label/NAME/values), for a "did you mean".  Then
 * the findings, in file order, at the bytes of the gate file they concern.
 */
#include "diag.h"
#include "error.h"
#include "names.h"
#include "program.h"
#include "query.h"
#include "sbuf.h"
#include "source_prom.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


typedef struct linter {
	const program *p;
	ng_prom *pc;
	int64_t at, lookback, step;
	diag_src src;
	ng_diags *d;
	int nfindings;
	/* the requests: probes (deduplicated by their text) and queries */
	prom_query *qs;
	char **texts;		/* the probes' texts, owned */
	int nq, cap;
	names probes;		/* probe text -> request; "\tLABEL\tMATCH" -> its label values request */
	int *query;		/* per metric and baseline (SERIES_OF): its query's request, or -1 */
	int max_series;		/* of a check (--max-series) */
	size_t nseries;		/* the queries' series so far, in file order */
} linter;

static int
request(linter *l, const prom_query *q)
{
	if (l->nq == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 16;
		l->qs = xrealloc(l->qs, (size_t)l->cap * sizeof *l->qs);
		l->texts = xrealloc(l->texts, (size_t)l->cap * sizeof *l->texts);
	}
	l->qs[l->nq] = *q;
	l->texts[l->nq] = NULL;
	return l->nq++;
}

/* The request of a probe, made once whichever selectors share it; text is taken over. */
static int
probe(linter *l, char *text, const char *what)
{
	int i = names_find(&l->probes, text);

	if (i >= 0) {
		free(text);
		return i;
	}
	i = request(l, &(prom_query){ .what = what, .query = text, .series = true, .start = l->at - l->lookback,
				      .end = l->at });
	l->texts[i] = text;
	names_add(&l->probes, text, i);
	return i;
}

/* Every request a query needs: its probes, then itself. */
static void
plan_query(linter *l, int m, bool b)
{
	const ast_query *q = &l->p->ast->metrics[m].q[b];
	const char *what = l->p->metrics[m].name;

	if (!q->pq)
		return;
	for (int i = 0; i < pq_nselectors(q->pq); i++) {
		const pq_selector *s = pq_selector_at(q->pq, i);
		for (int j = -1; j < s->nm; j++) {
			char *text = query_probe(q, l->p->text, s, j);
			if (text)
				probe(l, text, what);
		}
	}
	/* steps back from at, so that at itself is one of the times asked */
	int64_t start = l->at - (l->lookback + l->step - 1) / l->step * l->step;
	l->query[SERIES_OF(m, b)] = request(l, &(prom_query){ .what = what, .query = q->final,
				.start = start, .end = l->at, .step = l->step });
}

static void
finding(linter *l, ng_finding f, int m, diag_span at, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void
finding(linter *l, ng_finding f, int m, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_vwarning(&l->src, at, fmt, ap);
	va_end(ap);
	err_set_metric(l->d, l->p->metrics[m].name);
	err_set_finding(l->d, f);
	l->nfindings++;
}

/* Whether the server has series of a probe; a rejected probe proves nothing, so it counts as found. */
static bool
found(const linter *l, const char *text)
{
	int i = names_find(&l->probes, text);

	return i < 0 || l->qs[i].status || l->qs[i].res.nseries > 0;
}

/* The same for probe j of a selector (-1: its metric name); true when it has none. */
static bool
probe_found(const linter *l, const ast_query *q, const pq_selector *s, int j)
{
	char *text = query_probe(q, l->p->text, s, j);
	bool r = !text || found(l, text);

	free(text);
	return r;
}

/* The key of a label values request: a tab starts it, no probe does. */
static char *
values_key(const char *label, const char *match)
{
	return sb_fmt("\t%s\t%s", label, match ? match : "");
}

/* Ask for the values of label (of the series match selects, if given), once. */
static void
plan_values(linter *l, const char *label, const char *match)
{
	char *key = values_key(label, match);

	if (names_find(&l->probes, key) >= 0) {
		free(key);
		return;
	}
	int i = request(l, &(prom_query){ .what = "did you mean", .label = label, .query = match ? match : "",
					  .start = l->at - l->lookback, .end = l->at });
	l->texts[i] = key;
	names_add(&l->probes, key, i);
}

/* The values to ask for: of __name__ where a metric name has no series, of the label where a value has none. */
static void
plan_suggestions(linter *l)
{
	const program *p = l->p;

	for (int m = 0; m < p->nmetrics; m++)
		for (int b = 0; b < 2; b++) {
			const ast_query *q = &p->ast->metrics[m].q[b];
			for (int i = 0; q->pq && i < pq_nselectors(q->pq); i++) {
				const pq_selector *s = pq_selector_at(q->pq, i);
				bool known = probe_found(l, q, s, -1);
				if (!known)
					plan_values(l, "__name__", NULL);
				for (int j = 0; j < s->nm; j++)
					if (!probe_found(l, q, s, j))
						plan_values(l, s->m[j].name, known ? s->metric : NULL);
			}
		}
}

/* The optimal string alignment distance of a and b, or more than most when it is surely more. */
static size_t
distance(const char *a, const char *b, size_t most)
{
	size_t n = strlen(a), m = strlen(b);

	if ((n > m ? n - m : m - n) > most || m > 256)
		return most + 1;
	size_t row[3][257], *pp = row[0], *prev = row[1], *cur = row[2];
	for (size_t j = 0; j <= m; j++)
		prev[j] = j;
	for (size_t i = 1; i <= n; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= m; j++) {
			size_t c = prev[j - 1] + (a[i - 1] != b[j - 1]);
			if (prev[j] + 1 < c)
				c = prev[j] + 1;
			if (cur[j - 1] + 1 < c)
				c = cur[j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && pp[j - 2] + 1 < c)
				c = pp[j - 2] + 1;	/* a transposition: lables for labels */
			cur[j] = c;
		}
		size_t *t = pp;
		pp = prev;
		prev = cur;
		cur = t;
	}
	return prev[m];
}

/*
 * " (did you mean 'X'?)" for the value of label nearest to wrong, if one
 * is near (a quarter of its length, at least 2 edits), else "".
 */
static char *
suggestion(const linter *l, const char *label, const char *match, const char *wrong)
{
	char *key = values_key(label, match);
	int i = names_find(&l->probes, key);
	const char *best = NULL;
	size_t most = strlen(wrong) / 4 > 2 ? strlen(wrong) / 4 : 2, d;

	free(key);
	for (size_t k = 0; i >= 0 && !l->qs[i].status && k < l->qs[i].res.nseries; k++) {
		const char *v = l->qs[i].res.series[k].labels;
		if ((d = distance(wrong, v, most)) <= most && d > 0) {
			best = v;
			most = d - 1;	/* a nearer one only */
		}
	}
	return best ? sb_fmt(" (did you mean '%s'?)", best) : xstrdup("");
}

/* A selector's metric name, and each parameter's value in its matchers: whether it found a typo. */
static bool
judge_selector(linter *l, int m, const ast_query *q, const pq_selector *s, const char *over)
{
	const char *text = l->p->text;
	bool known = probe_found(l, q, s, -1);

	if (!known) {
		diag_span at = s->name_len ? query_file_span(q, text, s->name_off, s->name_len)
					   : query_file_span(q, text, s->off, s->len);
		char *hint = suggestion(l, "__name__", NULL, s->metric);
		finding(l, NG_FIND_UNKNOWN_METRIC, m, at, "no series of the metric '%s' %s: a typo?%s", s->metric,
			over, hint);
		free(hint);
	}
	int before = l->nfindings;
	for (int j = 0; j < s->nm; j++) {
		const pq_matcher *mt = &s->m[j];
		char *probe = query_probe(q, text, s, j);
		diag_span ref;
		const char *pn;
		size_t pl;
		if (!probe || found(l, probe)) {
			free(probe);
			continue;
		}
		query_param_in(q, text, mt->off, mt->len, &ref, &pn, &pl);
		char *hint = suggestion(l, mt->name, known ? s->metric : NULL, mt->value);
		finding(l, NG_FIND_UNKNOWN_VALUE, m, ref, "no series of any metric matches %s %s: is the value of "
			"$%.*s (\"%s\") a typo?%s", probe, over, (int)pl, pn, mt->value, hint);
		free(hint);
		free(probe);
	}
	return !known || l->nfindings > before;
}

/* Whether a series has a point at t (its points are in time order). */
static bool
has_point(const prom_series *s, int64_t t)
{
	size_t lo = 0, hi = s->npts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->pts[mid].t < t)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->npts && s->pts[lo].t == t;
}

static size_t
series_at(const prom_result *r, int64_t t)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nseries; i++)
		n += has_point(&r->series[i], t);
	return n;
}

static int
cmp_time(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* The most of the series idx[0..n) of r with a point at one time: the longest run of one time among their points. */
static size_t
most_at_once(const prom_result *r, const size_t *idx, size_t n)
{
	size_t np = 0, most = 0, run = 0;

	for (size_t i = 0; i < n; i++)
		np += r->series[idx[i]].npts;
	int64_t *t = xmalloc((np + 1) * sizeof *t);
	np = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < r->series[idx[i]].npts; j++)
			t[np++] = r->series[idx[i]].pts[j].t;
	qsort(t, np, sizeof *t, cmp_time);
	for (size_t i = 0; i < np; i++) {
		run = i && t[i] == t[i - 1] ? run + 1 : 1;
		if (run > most)
			most = run;
	}
	free(t);
	return most;
}

/* A label's value in a series, "" when it has none (as the check counts it). */
static const char *
label_of(const prom_series *s, const char *name)
{
	for (size_t i = 0; i < s->nlv; i++)
		if (strcmp(s->lv[i].name, name) == 0)
			return s->lv[i].value;
	return "";
}

/* The labels (but __name__) whose values differ among the series idx[0..n): ", "-separated, for a `by`. */
static char *
differing(const prom_result *r, const size_t *idx, size_t n)
{
	sbuf b = { 0 };
	names seen = { 0 };

	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < r->series[idx[i]].nlv; j++) {
			const char *name = r->series[idx[i]].lv[j].name;
			if (strcmp(name, "__name__") == 0 || names_find(&seen, name) >= 0)
				continue;
			for (size_t k = 0; k < n; k++)
				if (strcmp(label_of(&r->series[idx[k]], name), label_of(&r->series[idx[0]], name)) != 0) {
					sb_printf(&b, "%s%s", b.len ? ", " : "", name);
					names_add(&seen, name, 0);
					break;
				}
		}
	names_free(&seen);
	return sb_take(&b);
}

/* The series idx[0..n) of r, as prom_list_series lists them. */
static void
list_some(sbuf *b, const prom_result *r, const size_t *idx, size_t n, size_t most)
{
	for (size_t i = 0; i < n && i < most; i++)
		sb_printf(b, "%s%s", i ? ", " : "", r->series[idx[i]].labels);
	if (n > most)
		sb_printf(b, " and %zu more", n - most);
}

/* A metric without `by`: more than one series, at once or one after another, is refused by check. */
static void
judge_one(linter *l, int m, const ast_query *q, const prom_result *r, const char *whose, const char *over)
{
	size_t *all = xmalloc((r->nseries + 1) * sizeof *all);
	sbuf s = { 0 };

	for (size_t i = 0; i < r->nseries; i++)
		all[i] = i;
	size_t most = most_at_once(r, all, r->nseries);
	char *by = differing(r, all, r->nseries);
	char *hint = *by ? sb_fmt("declare the metric `by (%s)`, aggregate them (sum, max ...) or select one", by)
			 : xstrdup("aggregate them (sum, max ...) or select one");
	list_some(&s, r, all, r->nseries, 3);
	if (most > 1)
		finding(l, NG_FIND_MANY_SERIES, m, q->span, "%s returns %zu series at once %s, not one: %s; %s", whose,
			most, over, s.s, hint);
	else if (r->nseries > 1)
		finding(l, NG_FIND_CHURN, m, q->span, "%s returns %zu different series one after another %s "
			"(a replaced pod?): %s; check refuses a second series of a metric without `by`: %s", whose,
			r->nseries, over, s.s, hint);
	free(hint);
	free(by);
	free(s.s);
	free(all);
}

/*
 * A metric with `by`: series come and go as they may; but two label sets of
 * one identity (the values of the `by` labels) are refused by check, at
 * once (many-series) or one after another (churn).  The first identity
 * that has them is named.
 */
static void
judge_by(linter *l, int m, const ast_query *q, const prom_result *r, const char *whose, const char *over)
{
	const ng_gatefile *gf = l->p;
	names ids = { 0 };
	char **keys = xcalloc(r->nseries + 1, sizeof *keys);
	size_t *group = xmalloc((r->nseries + 1) * sizeof *group), *idx = xmalloc((r->nseries + 1) * sizeof *idx);
	int worst = -1;
	size_t worst_most = 0, worst_n = 0;

	/* group[i]: the first series of series i's identity */
	for (size_t i = 0; i < r->nseries; i++) {
		sbuf k = { 0 };
		for (int j = 0; ng_gatefile_metric_by(gf, m, j); j++) {
			const char *v = label_of(&r->series[i], ng_gatefile_metric_by(gf, m, j));
			sb_printf(&k, "%zu:%s|", strlen(v), v);
		}
		keys[i] = sb_take(&k);
		int g = names_add(&ids, keys[i], (int)i);
		group[i] = g < 0 ? i : (size_t)g;
	}
	for (size_t i = 0; i < r->nseries; i++) {
		size_t n = 0;
		if (group[i] != i)
			continue;
		for (size_t j = i; j < r->nseries; j++)
			if (group[j] == i)
				idx[n++] = j;
		if (n < 2)
			continue;
		size_t most = most_at_once(r, idx, n);
		if (worst < 0 || (most > 1 && worst_most <= 1)) {
			worst = (int)i;
			worst_most = most;
			worst_n = n;
		}
	}
	if (worst >= 0) {
		sbuf s = { 0 }, id = { 0 };
		size_t n = 0;
		bool none = true;
		for (size_t j = (size_t)worst; j < r->nseries; j++)
			if (group[j] == (size_t)worst)
				idx[n++] = j;
		for (int j = 0; ng_gatefile_metric_by(gf, m, j); j++) {
			const char *name = ng_gatefile_metric_by(gf, m, j), *v = label_of(&r->series[worst], name);
			sb_printf(&id, "%s%s=\"%s\"", j ? "," : "", name, v);
			for (size_t k = 0; k < r->nseries; k++)
				none &= !*label_of(&r->series[k], name);
		}
		char *by = differing(r, idx, n);
		list_some(&s, r, idx, n, 3);
		char *hint = *by ? sb_fmt("add %s to `by`, or aggregate them", by) : xstrdup("aggregate them");
		const char *why = none ? " (no series has the `by` labels: a typo?)" : "";
		if (worst_most > 1)
			finding(l, NG_FIND_MANY_SERIES, m, q->span, "%s returns %zu series at once %s of one identity "
				"{%s}%s: %s; check refuses two label sets of one identity: %s", whose, worst_most, over,
				id.s, why, s.s, hint);
		else
			finding(l, NG_FIND_CHURN, m, q->span, "%s returns %zu label sets one after another %s for one "
				"identity {%s}%s: %s; check refuses two label sets of one identity: %s", whose, worst_n,
				over, id.s, why, s.s, hint);
		free(hint);
		free(by);
		free(s.s);
		free(id.s);
	}
	for (size_t i = 0; i < r->nseries; i++)
		free(keys[i]);
	free(keys);
	free(group);
	free(idx);
	names_free(&ids);
}

/*
 * What the query itself gave: rejected, nothing now (unless a typo says
 * why already), several at once, or series that come and go.
 */
static int
judge_result(linter *l, int m, bool b, const ast_query *q, bool typo, const char *over)
{
	const prom_query *rq = &l->qs[l->query[SERIES_OF(m, b)]];
	const prog_metric *pm = &l->p->metrics[m];
	const char *whose = b ? "the baseline query" : "the query";
	char at[40];

	util_fmt_time(at, sizeof at, l->at);
	if (rq->status == NG_EAPI) {
		finding(l, NG_FIND_REJECTED, m, q->span, "the server rejects %s: %s", whose, rq->res.error);
		return 0;
	}
	if (rq->status)
		return rq->status;
	const prom_result *r = &rq->res;
	size_t now = series_at(r, l->at);
	if (now == 0 && typo) {
		;	/* said: the selector matches nothing, and check will not apply a default */
	} else if (now == 0 && pm->has_default) {
		char v[32];
		ng_format_value(v, sizeof v, pm->dflt);
		finding(l, NG_FIND_DEFAULT, m, q->span, "the query returns no series at %s: the default (%s) "
			"would apply", at, v);
	} else if (now == 0) {
		finding(l, NG_FIND_NO_SERIES, m, q->span, "%s returns no series at %s", whose, at);
	}
	if (ng_gatefile_metric_by(l->p, m, 0))
		judge_by(l, m, q, r, whose, over);
	else
		judge_one(l, m, q, r, whose, over);
	/* check counts every series of every query, and stops past --max-series */
	size_t before = l->nseries;
	l->nseries += r->nseries;
	if (before <= (size_t)l->max_series && l->nseries > (size_t)l->max_series)
		finding(l, NG_FIND_MANY_SERIES, m, q->span, "%s brings the series of the queries to %zu %s, more "
			"than --max-series (%d): check would stop; aggregate them, or raise --max-series", whose,
			l->nseries, over, l->max_series);
	return 0;
}

/* The shortest step of the gates, so that a short-lived series shows; at most PROM_MAX_POINTS a query. */
static int64_t
lint_step(const program *p, int64_t lookback)
{
	int64_t step = 0;

	for (int g = 0; g < p->ngates; g++)
		if (!step || p->gates[g].step < step)
			step = p->gates[g].step;
	if (!step)
		step = 15000;
	if (lookback / step >= PROM_MAX_POINTS)
		step = lookback / (PROM_MAX_POINTS - 1) + 1;
	return step;
}

ng_errcode
ng_lint(ng_prom *pc, const ng_gatefile *gf, int64_t at, int64_t lookback, int max_series, ng_diags *d,
	int *nfindings)
{
	const program *p = gf;
	linter l = { .p = p, .pc = pc, .at = at, .lookback = lookback, .d = d,
		     .max_series = max_series > 0 ? max_series : NG_MAX_SERIES_DEFAULT };
	char over[64], dur[32];
	int st = 0;

	*nfindings = 0;
	l.step = lint_step(p, lookback);
	util_fmt_duration(dur, sizeof dur, lookback);
	snprintf(over, sizeof over, "over the last %s", dur);
	names_init(&l.probes, 16);
	l.query = xmalloc((size_t)(2 * p->nmetrics + 1) * sizeof *l.query);
	for (int m = 0; m < p->nmetrics; m++)
		for (int b = 0; b < 2; b++) {
			l.query[SERIES_OF(m, b)] = -1;
			plan_query(&l, m, b);
		}
	int rc = prom_run(pc, l.qs, l.nq, d);
	/* a probe or query the server rejects is a finding; any other fault ends the lint */
	for (int i = 0; i < l.nq && rc; i++)
		if (l.qs[i].status && l.qs[i].status != NG_EAPI) {
			err_add(d, NG_SEV_ERROR, (ng_errcode)l.qs[i].status, ERR_NOWHERE, "%s", l.qs[i].error);
			err_set_server(d, ng_prom_url(pc));
			st = l.qs[i].status;
			break;
		}
	if (rc < 0)
		st = NG_ECONNECT;	/* stopped */
	int first = l.nq;
	if (!st)
		plan_suggestions(&l);
	if (l.nq > first && prom_run(pc, l.qs + first, l.nq - first, d) < 0)
		st = NG_ECONNECT;	/* a suggestion that fails is only not made */
	diag_init(&l.src, p->path, p->text, p->len, d);
	for (int m = 0; m < p->nmetrics && !st; m++)
		for (int b = 0; b < 2 && !st; b++) {
			const ast_query *q = &p->ast->metrics[m].q[b];
			if (!q->pq)
				continue;
			bool typo = false;
			for (int i = 0; i < pq_nselectors(q->pq); i++)
				typo |= judge_selector(&l, m, q, pq_selector_at(q->pq, i), over);
			st = judge_result(&l, m, b, q, typo, over);
		}
	diag_free(&l.src);
	for (int i = 0; i < l.nq; i++) {
		free(l.texts[i]);
		prom_query_clear(&l.qs[i]);
	}
	free(l.qs);
	free(l.texts);
	free(l.query);
	names_free(&l.probes);
	*nfindings = l.nfindings;
	return (ng_errcode)st;
}
