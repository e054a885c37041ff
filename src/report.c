/*
 * report.c: why a gate decided what it did, without rerunning anything:
 * the deciding rule, every rule's state, each metric's query, value,
 * baseline and the thresholds it was compared with.
 */
#include "report.h"
#include "sbuf.h"
#include "sema.h"
#include "util.h"
#include "vocab.h"

#include <ctype.h>

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* JSON has no NaN or Inf: they are strings, as in Prometheus' API; no value is null. */
static json_t *
number(double v)
{
	if (isnan(v))
		return json_string("NaN");
	if (isinf(v))
		return json_string(v > 0 ? "+Inf" : "-Inf");
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

static json_t *
timestamp(int64_t t)
{
	char buf[40];

	if (t == VM_NEVER)
		return json_null();
	util_fmt_time(buf, sizeof buf, t);
	return json_string(buf);
}

static json_t *
duration(int64_t ms)
{
	char buf[40];

	util_fmt_duration(buf, sizeof buf, ms);
	return json_string(buf);
}

static const char *
state(double v)
{
	return ng_state_name(vocab_state(v));
}

/* How the language spells each comparison opcode. */
static const char *const cmpops[] = {
	[OP_LT] = "<", [OP_LE] = "<=", [OP_GT] = ">", [OP_GE] = ">=", [OP_EQ] = "==", [OP_NE] = "!=",
};

/* Whether a gate reads metric m's own values (and so evaluates its floor). */
static bool
reads_values(const program *p, const prog_gate *g, int m)
{
	for (int i = g->read0; i < g->read0 + g->nread; i++)
		if (p->reads[i].series == SERIES_OF(m, false))
			return true;
	return false;
}

/* The metrics a gate reads (value or baseline), as the compiler recorded them. */
static void
gate_metrics(const program *p, const prog_gate *g, bool *used)
{
	memset(used, 0, (size_t)p->nmetrics * sizeof *used);
	for (int i = g->read0; i < g->read0 + g->nread; i++)
		used[SERIES_METRIC(p->reads[i].series)] = true;
}

/*
 * The comparisons of a gate by the metrics they read (each under every
 * metric it reads, or with first only under its first), as ranges of one
 * array: those of metric m are at[from[m] .. from[m+1]).  Built once a
 * report, so that a gate of many metrics and comparisons stays linear.
 */
typedef struct by_metric {
	int *from, *at;
} by_metric;

/* Whether metric k of a comparison is one of its earlier ones (p99 > baseline(p99) reads p99 once). */
static bool
again(const prog_cmp *c, int k)
{
	for (int j = 0; j < k; j++)
		if (c->metrics[j] == c->metrics[k])
			return true;
	return false;
}

static by_metric
cmps_by_metric(const program *p, const prog_gate *g, bool first)
{
	by_metric b = { xcalloc((size_t)p->nmetrics + 2, sizeof *b.from), NULL };
	int n = 0;

	/* a counting sort: counts at from[m+2], starts at from[m+1], then filled to from[m+1] = end */
	for (int ci = g->cmp0; ci < g->cmp0 + g->ncmp; ci++)
		for (int k = 0; p->cmps[ci].metrics[k] >= 0 && (!first || k == 0); k++)
			if (!again(&p->cmps[ci], k))
				b.from[p->cmps[ci].metrics[k] + 2]++, n++;
	for (int m = 0; m < p->nmetrics; m++)
		b.from[m + 2] += b.from[m + 1];
	b.at = xmalloc(((size_t)n + 1) * sizeof *b.at);
	for (int ci = g->cmp0; ci < g->cmp0 + g->ncmp; ci++)
		for (int k = 0; p->cmps[ci].metrics[k] >= 0 && (!first || k == 0); k++)
			if (!again(&p->cmps[ci], k))
				b.at[b.from[p->cmps[ci].metrics[k] + 1]++] = ci;
	return b;	/* now metric m's are at[from[m] .. from[m+1]) */
}

static void
by_metric_free(by_metric *b)
{
	free(b->from);
	free(b->at);
}

static json_t *
value_json(double v, bool present)
{
	return present ? number(v) : json_null();
}

/* A series' identity as an object, from its text {a="b",...} (population.h); {} for VM_VIRTUAL. */
static json_t *
labels_json(const report_data *rd, int key)
{
	json_t *o = json_object();
	const char *t = key >= 0 ? rd->keys->text[key] : "";
	sbuf name = { 0 }, value = { 0 };

	while (*t == '{' || *t == ',') {
		const char *eq = strchr(++t, '=');
		if (!eq || eq[1] != '"')
			break;
		name.len = value.len = 0;
		sb_add(&name, t, (size_t)(eq - t));
		sb_add(&name, "", 0);
		for (t = eq + 2; *t && *t != '"'; t++) {
			char ch = *t;
			if (ch == '\\' && t[1])
				ch = *++t == 'n' ? '\n' : *t;
			sb_add(&value, &ch, 1);
		}
		json_object_set_new(o, name.s, json_stringn(value.s ? value.s : "", value.len));
		if (*t == '"')
			t++;
	}
	free(name.s);
	free(value.s);
	return o;
}

static json_t *stat_json(const program *p, const prog_hist *h, const hist_stat *st);

/* The quantifier's value: a condition's state, or a number (no value: null). */
static json_t *
quant_value(const prog_quant *pq, double v)
{
	if (pq->fn == FN_ANY || pq->fn == FN_ALL)
		return json_string(state(v));
	return isnan(v) ? json_null() : number(v);
}

/* A quantifier at one step: its value and counts, and the series that decided it, worst first. */
static json_t *
quant_json(const program *p, const report_data *rd, const prog_quant *pq, const quant_result *qr)
{
	json_t *o = json_object(), *a = json_array();
	bool cond = pq->fn <= FN_FRACTION;

	json_object_set_new(o, "source", json_string(pq->source));
	json_object_set_new(o, "at", timestamp(qr->at));
	json_object_set_new(o, "value", quant_value(pq, qr->value));
	json_object_set_new(o, "series", json_integer(qr->n));
	if (cond && pq->fn != FN_PRESENT) {
		json_object_set_new(o, "true", json_integer(qr->ntrue));
		json_object_set_new(o, "false", json_integer(qr->nfalse));
		json_object_set_new(o, "unknown", json_integer(qr->nunknown));
	}
	for (int i = 0; i < qr->ntop; i++) {
		const quant_series *qs = &qr->top[i];
		json_t *so = json_object();
		json_object_set_new(so, "labels", labels_json(rd, qs->key));
		if (cond && pq->fn != FN_PRESENT)
			json_object_set_new(so, "state", json_string(state(qs->val)));
		else
			json_object_set_new(so, "value", value_json(qs->val, !isnan(qs->val)));
		if (qs->cmp >= 0) {	/* the comparison that decided it: its threshold */
			if (pq->ncmp > 1)
				json_object_set_new(so, "comparison", json_string(p->cmps[qs->cmp].source));
			json_object_set_new(so, "left", value_json(qs->x, !isnan(qs->x)));
			json_object_set_new(so, "op", json_string(cmpops[p->cmps[qs->cmp].op]));
			json_object_set_new(so, "right", value_json(qs->y, !isnan(qs->y)));
		}
		if (pq->nfor)
			json_object_set_new(so, "since", timestamp(qs->since));
		if (pq->nhist) {	/* this series' statistics */
			json_t *sa = json_array();
			for (int h = 0; h < pq->nhist; h++)
				json_array_append_new(sa, stat_json(p, &p->hists[pq->hist0 + h], &qs->hists[h]));
			json_object_set_new(so, "statistics", sa);
		}
		json_array_append_new(a, so);
	}
	json_object_set_new(o, "deciding", a);
	json_object_set_new(o, "deciding_count", json_integer(qr->ndeciding));
	return o;
}

/* The quantifiers of rule ri, at the last step and, for a rollback that fired, when it fired. */
static json_t *
quants_json(const program *p, const report_data *rd, int ri, const gate_result *r)
{
	const prog_gate *g = &p->gates[r->gate];
	json_t *a = json_array();

	for (int q = 0; q < g->nquant; q++) {
		const prog_quant *pq = &p->quants[g->quant0 + q];
		if (pq->rule != ri)
			continue;
		json_t *o = quant_json(p, rd, pq, &r->quants[q]);
		if (r->fired_quants[q].at != VM_NEVER)
			json_object_set_new(o, "fired", quant_json(p, rd, pq, &r->fired_quants[q]));
		json_array_append_new(a, o);
	}
	return a;
}

/* A metric with `by`: its series present at the last step, the highest first, at most ntop. */
typedef struct member_value {
	int i;
	double v;
	int64_t when;
	const char *id;		/* ties in the order of the identities' text */
} member_value;

static int
by_value_desc(const void *a, const void *b)
{
	const member_value *ma = a, *mb = b;

	return eval_rank_desc(ma->v, ma->id, mb->v, mb->id);
}

static member_value *
members_now(const program *p, const prog_gate *g, const report_data *rd, int m, int64_t at, int *n)
{
	const population *P = &rd->pops[SERIES_OF(m, false)];
	member_value *mv = xmalloc(((size_t)P->n + 1) * sizeof *mv);

	*n = 0;
	for (int i = 0; i < P->n; i++) {
		double v;
		int64_t when;
		if (eval_value(p, g, rd->pops, m, false, P->m[i].key, at, &v, &when) && when != VM_NEVER)
			mv[(*n)++] = (member_value){ i, v, when, rd->keys->text[P->m[i].key] };
	}
	qsort(mv, (size_t)*n, sizeof *mv, by_value_desc);
	return mv;
}

/* How far a `for` got by the last step: held since, for how long, and since when it has data. */
typedef struct progress {
	int64_t held, since;	/* since: VM_NEVER when it does not hold now */
	int64_t data_from;	/* the step after the latest unknown one within D, else VM_NEVER */
} progress;

static progress
for_progress(const prog_gate *g, const gate_result *r, const prog_for *pf, const vm_for *f)
{
	progress pr = { .held = f->since == VM_NEVER ? 0 : r->at - f->since, .since = f->since,
			.data_from = VM_NEVER };

	if (f->last_unknown != VM_NEVER && r->at - f->last_unknown <= pf->dur)
		pr.data_from = f->last_unknown + g->step;
	return pr;
}

/* The `for`s of a rule with their progress, for the report. */
static json_t *
fors_json(const program *p, const prog_gate *g, int ri, const gate_result *r)
{
	json_t *a = json_array();
	const prog_rule *rule = &p->rules[ri];

	for (int k = rule->for0 - g->for0; k < rule->for0 - g->for0 + rule->nfor; k++) {
		const prog_for *pf = &p->fors[g->for0 + k];
		if (pf->quant >= 0)
			continue;	/* a timer per series: under its quantifier's deciding series */
		progress pr = for_progress(g, r, pf, &r->fors[k]);
		json_t *o = json_object();
		json_object_set_new(o, "source", json_string(pf->source));
		json_object_set_new(o, "held", duration(pr.held));
		json_object_set_new(o, "needs", duration(pf->dur));
		json_object_set_new(o, "since", timestamp(pr.since));
		json_object_set_new(o, "data_since", timestamp(pr.data_from));
		json_array_append_new(a, o);
	}
	return a;
}

/* Canary and baseline, as the statistics' JSON pairs them. */
static json_t *
sides_json(double canary, double baseline)
{
	return json_pack("{s:o,s:o}", "canary", number(canary), "baseline", number(baseline));
}

/* A step-history function at one step: its inputs and what it gave (hist_stat). */
static json_t *
stat_json(const program *p, const prog_hist *h, const hist_stat *st)
{
	json_t *o = json_object();

	json_object_set_new(o, "function", json_string(sema_fn_name(h->fn)));
	json_object_set_new(o, "source", json_string(h->source));
	json_object_set_new(o, "comparison", h->cmp >= 0 ? json_string(p->cmps[h->cmp].source) : json_null());
	json_object_set_new(o, "range", h->range ? duration(h->range) : json_null());
	json_object_set_new(o, "steps", json_integer(st->steps));
	json_object_set_new(o, "steps_evaluated", json_integer(st->held));
	if (h->fn == FN_MANNWHITNEY || h->fn == FN_SHIFT || h->fn == FN_RATIO_TEST)
		json_object_set_new(o, "tested", json_boolean(st->tested));
	json_object_set_new(o, "value", value_json(st->value, !isnan(st->value)));
	switch (h->fn) {
	case FN_MANNWHITNEY:
	case FN_SHIFT:
		if (h->fn == FN_MANNWHITNEY) {
			json_object_set_new(o, "test", json_string("mann-whitney-u"));
			json_object_set_new(o, "alternative", json_string("canary greater"));
		} else {
			json_object_set_new(o, "estimator", json_string("hodges-lehmann"));
		}
		json_object_set_new(o, "n", sides_json(st->nx, st->ny));
		json_object_set_new(o, "min_n", json_integer(HIST_MIN_VALUES));
		if (h->fn == FN_MANNWHITNEY) {
			json_object_set_new(o, "u", value_json(st->u, !isnan(st->u)));
			json_object_set_new(o, "p", value_json(st->p, !isnan(st->p)));
		}
		json_object_set_new(o, "shift", value_json(st->shift, !isnan(st->shift)));
		break;
	case FN_RATIO_TEST:
		json_object_set_new(o, "test", json_string("fisher-exact"));
		json_object_set_new(o, "alternative", json_string("canary greater"));
		json_object_set_new(o, "errors", sides_json(st->count[0], st->count[2]));
		json_object_set_new(o, "requests", sides_json(st->count[1], st->count[3]));
		json_object_set_new(o, "p", value_json(st->p, !isnan(st->p)));
		break;
	case FN_BURN_RATE:
		json_object_set_new(o, "slo", number(h->slo));
		json_object_set_new(o, "mean", value_json(st->mean, !isnan(st->mean)));
		json_object_set_new(o, "steps_known", json_integer(st->known));
		break;
	case FN_TIMES:
		json_object_set_new(o, "true", json_integer(st->ntrue));
		json_object_set_new(o, "unknown", json_integer(st->nunknown));
		break;
	}
	return o;
}

/* The step-history functions of rule ri outside quantifiers (those within are series by series). */
static json_t *
stats_json(const program *p, int ri, const gate_result *r)
{
	const prog_gate *g = &p->gates[r->gate];
	json_t *a = json_array();

	for (int h = 0; h < g->nhist; h++) {
		const prog_hist *ph = &p->hists[g->hist0 + h];
		if (ph->rule != ri || ph->quant >= 0)
			continue;
		json_t *o = stat_json(p, ph, &r->hists[h]);
		if (r->fired_at[ri - g->rule0] != VM_NEVER && r->fired_hists[h].steps)
			json_object_set_new(o, "fired", stat_json(p, ph, &r->fired_hists[h]));
		json_array_append_new(a, o);
	}
	return a;
}

static json_t *
rule_json(const program *p, const report_data *rd, int ri, const gate_result *r, bool with_state)
{
	const prog_rule *pr = &p->rules[ri];
	const prog_gate *g = &p->gates[r->gate];
	json_t *o = json_object();

	json_object_set_new(o, "kind", json_string(ast_rule_kind_name(pr->kind)));
	json_object_set_new(o, "name", pr->name ? json_string(pr->name) : json_null());
	json_object_set_new(o, "source", json_string(pr->source));
	json_object_set_new(o, "file", json_string(p->path));
	json_object_set_new(o, "line", json_integer(pr->line));
	if (with_state)
		json_object_set_new(o, "state", json_string(state(r->state[ri - g->rule0])));
	if (with_state && pr->kind == RULE_ROLLBACK)	/* latched: it may be false again by now */
		json_object_set_new(o, "fired", json_boolean(r->since[ri - g->rule0] != VM_NEVER));
	json_object_set_new(o, "since", timestamp(r->since[ri - g->rule0]));
	if (with_state)
		json_object_set_new(o, "for", fors_json(p, g, ri, r));
	json_object_set_new(o, "quantifiers", quants_json(p, rd, ri, r));
	json_object_set_new(o, "statistics", stats_json(p, ri, r));
	return o;
}

/* A metric with `by`: its labels, how many series are present, and the highest of them. */
static void
by_json(const program *p, const prog_gate *g, const report_data *rd, int m, int64_t at, json_t *mo)
{
	const prog_metric *pm = &p->metrics[m];
	json_t *by = json_array(), *a = json_array();
	int n, ntop = rd->ntop;
	member_value *mv = members_now(p, g, rd, m, at, &n);

	for (int i = 0; i < pm->nby; i++)
		json_array_append_new(by, json_string(pm->by[i]));
	json_object_set_new(mo, "by", by);
	json_object_set_new(mo, "series_count", json_integer(n));
	for (int i = 0; i < n && i < ntop; i++) {
		json_t *so = json_object();
		const pop_member *pmm = &rd->pops[SERIES_OF(m, false)].m[mv[i].i];
		json_object_set_new(so, "labels", labels_json(rd, pmm->key));
		json_object_set_new(so, "value", number(mv[i].v));
		json_object_set_new(so, "sampled_at", timestamp(mv[i].when));
		json_array_append_new(a, so);
	}
	json_object_set_new(mo, "series", a);
	free(mv);
}

/*
 * The names of the rollback and nogo rules that keep the gate from a go
 * at the last step (eval_gate): unknown ones, that may be true, or with
 * pending, those whose `for` is timing a run.
 */
static json_t *
keeping_from_go(const program *p, const prog_gate *g, const gate_result *r, bool pending)
{
	json_t *a = json_array();

	for (int i = 0; i < g->nrules; i++) {
		const prog_rule *pr = &p->rules[g->rule0 + i];
		if ((pending ? r->pending[i] : isnan(r->state[i])) && ast_rule_decides(pr->kind))
			json_array_append_new(a, json_string(pr->name ? pr->name : ast_rule_kind_name(pr->kind)));
	}
	return a;
}

void
report_json(const program *p, const gate_result *r, const report_data *rd, FILE *out)
{
	const char *const *absent = rd->absent;
	const prog_gate *g = &p->gates[r->gate];
	json_t *o = json_object(), *w = json_object(), *rules = json_array(), *metrics = json_array();
	bool *used = xcalloc((size_t)p->nmetrics, sizeof *used);

	json_object_set_new(o, "gate", json_string(g->name));
	json_object_set_new(o, "file", json_string(p->path));
	json_object_set_new(o, "verdict", json_string(ng_verdict_name(r->verdict)));
	json_object_set_new(o, "at", timestamp(r->at));
	json_object_set_new(w, "from", timestamp(r->from));
	json_object_set_new(w, "to", timestamp(r->at));
	json_object_set_new(w, "step", duration(g->step));
	json_object_set_new(w, "lookback", duration(g->lookback));
	json_object_set_new(w, "evaluations", json_integer(r->evaluations));
	json_object_set_new(o, "window", w);

	json_t *d = rule_json(p, rd, r->decided, r, false);
	json_object_set_new(d, "since", timestamp(r->decided_since));
	json_object_set_new(o, "decided_by", d);
	for (int i = 0; i < g->nrules; i++)
		json_array_append_new(rules, rule_json(p, rd, g->rule0 + i, r, true));
	json_object_set_new(o, "rules", rules);
	json_object_set_new(o, "unknown", keeping_from_go(p, g, r, false));
	json_object_set_new(o, "pending", keeping_from_go(p, g, r, true));

	gate_metrics(p, g, used);
	by_metric bm = cmps_by_metric(p, g, false);
	for (int m = 0; m < p->nmetrics; m++) {
		const prog_metric *pm = &p->metrics[m];
		json_t *mo, *cmps;
		int64_t when;

		if (!used[m])
			continue;
		mo = json_object();
		cmps = json_array();
		json_object_set_new(mo, "name", json_string(pm->name));
		json_object_set_new(mo, "query", json_string(pm->query));
		double v = NAN;
		bool has = !pm->by && eval_value(p, g, rd->pops, m, false, VM_NOKEY, r->at, &v, &when);
		if (!has)
			when = VM_NEVER;
		json_object_set_new(mo, "value", value_json(v, has));
		json_object_set_new(mo, "sampled_at", timestamp(when));
		if (pm->by)
			by_json(p, g, rd, m, r->at, mo);
		if (pm->bquery || pm->bused) {	/* bused alone: a recorded baseline (--baseline) */
			json_t *b = json_object();
			double bv = NAN;
			bool bhas = !pm->by && eval_value(p, g, rd->pops, m, true, VM_NOKEY, r->at, &bv, &when);
			if (!bhas)
				when = VM_NEVER;
			json_object_set_new(b, "query", pm->bquery ? json_string(pm->bquery) : json_null());
			json_object_set_new(b, "value", value_json(bv, bhas));
			json_object_set_new(b, "sampled_at", timestamp(when));
			json_object_set_new(mo, "baseline", b);
		} else {
			json_object_set_new(mo, "baseline", json_null());
		}
		json_object_set_new(mo, "default", pm->has_default ? number(pm->dflt) : json_null());
		json_object_set_new(mo, "defaulted", json_boolean(has && when == VM_NEVER));
		if (pm->floor)	/* of one series: its state at the last step; series by series: not one */
			json_object_set_new(mo, "floor", json_pack("{s:s,s:o}", "condition", pm->floor, "state",
								   pm->floor_set || !reads_values(p, g, m) ? json_null() :
								   json_string(state(r->floor[m]))));
		else
			json_object_set_new(mo, "floor", json_null());
		for (int j = bm.from[m]; j < bm.from[m + 1]; j++) {
			int ci = bm.at[j];
			const prog_cmp *c = &p->cmps[ci];
			const double *lr = r->cmp[ci - g->cmp0];
			if (c->quant >= 0)
				continue;	/* series by series: its quantifier's deciding series tell */
			json_t *co = json_object();
			if (c->rule < 0) {	/* a floor's, before every rule */
				json_object_set_new(co, "rule", json_null());
				json_object_set_new(co, "floor_of", json_string(p->metrics[c->floor].name));
			} else {
				const prog_rule *pr = &p->rules[c->rule];
				json_object_set_new(co, "rule", json_string(pr->name ? pr->name : ast_rule_kind_name(pr->kind)));
			}
			json_object_set_new(co, "source", json_string(c->source));
			/* the VM does not tell missing from NaN: either is no value here */
			json_object_set_new(co, "left", isnan(lr[0]) ? json_null() : number(lr[0]));
			json_object_set_new(co, "op", json_string(cmpops[c->op]));
			json_object_set_new(co, "right", isnan(lr[1]) ? json_null() : number(lr[1]));
			json_object_set_new(co, "state", json_string(state(lr[2])));
			const double *fl = r->fired_cmp[ci - g->cmp0];
			if (c->rule >= 0 && r->fired_at[c->rule - g->rule0] != VM_NEVER) {	/* what made its rollback fire */
				json_t *fo = json_object();
				json_object_set_new(fo, "at", timestamp(r->fired_at[c->rule - g->rule0]));
				json_object_set_new(fo, "left", isnan(fl[0]) ? json_null() : number(fl[0]));
				json_object_set_new(fo, "right", isnan(fl[1]) ? json_null() : number(fl[1]));
				json_object_set_new(co, "fired", fo);
			}
			json_array_append_new(cmps, co);
		}
		json_object_set_new(mo, "comparisons", cmps);
		json_array_append_new(metrics, mo);
	}
	json_object_set_new(o, "metrics", metrics);
	json_t *warnings = json_array();
	for (int i = g->read0; i < g->read0 + g->nread; i++)
		if (absent[p->reads[i].series])
			json_array_append_new(warnings, json_string(absent[p->reads[i].series]));
	json_object_set_new(o, "warnings", warnings);

	json_dumpf(o, out, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	fputc('\n', out);
	json_decref(o);
	free(used);
	by_metric_free(&bm);
}

void
report_fmtnum(char *buf, size_t size, double v, bool present)
{
	if (!present)
		snprintf(buf, size, "-");
	else if (isnan(v))
		snprintf(buf, size, "NaN");
	else if (isinf(v))
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		snprintf(buf, size, "%.0f", v);	/* bytes read better whole */
	else
		snprintf(buf, size, "%.6g", v);
}

/* "held 1m of 5m; no data before 06:54:00Z" for each `for` of a rule under way: held a while, or short of data. */
static void
human_fors(const program *p, const prog_gate *g, const gate_result *r, int ri, FILE *out)
{
	const prog_rule *rule = &p->rules[ri];

	for (int k = rule->for0 - g->for0; k < rule->for0 - g->for0 + rule->nfor; k++) {
		const prog_for *pf = &p->fors[g->for0 + k];
		if (pf->quant >= 0)
			continue;	/* per series */
		progress pr = for_progress(g, r, pf, &r->fors[k]);
		char held[32], needs[32], from[40];
		if (pr.held >= pf->dur || (pr.held == 0 && pr.data_from == VM_NEVER))
			continue;	/* it holds, or it is plainly false */
		util_fmt_duration(held, sizeof held, pr.held);
		util_fmt_duration(needs, sizeof needs, pf->dur);
		fprintf(out, "      %-30s held %s of %s", pf->source, held, needs);
		if (pr.data_from != VM_NEVER) {
			util_fmt_time(from, sizeof from, pr.data_from);
			if (pr.data_from > r->at)	/* the last step itself had none */
				fputs("; no data at the last step", out);
			else
				fprintf(out, "; no data before %s", from);
		}
		fputc('\n', out);
	}
}

/* A metric with `by`: how many series, and the highest of them. */
static void
human_by(const program *p, const prog_gate *g, const report_data *rd, int m, int64_t at, int first,
	 const gate_result *r, FILE *out)
{
	int n;
	member_value *mv = members_now(p, g, rd, m, at, &n);
	sbuf by = { 0 };

	for (int i = 0; i < p->metrics[m].nby; i++)
		sb_printf(&by, "%s%s", i ? ", " : "", p->metrics[m].by[i]);
	fprintf(out, "    %-20s %d series by (%s)%s\n", p->metrics[m].name, n, by.s, n ? ", the highest:" : "");
	for (int i = 0; i < n && i < rd->ntop; i++) {
		char v[32];
		report_fmtnum(v, sizeof v, mv[i].v, true);
		fprintf(out, "      %-24s %s\n", rd->keys->text[rd->pops[SERIES_OF(m, false)].m[mv[i].i].key], v);
	}
	if (n > rd->ntop)
		fprintf(out, "      ... and %d more\n", n - rd->ntop);
	if (rd->spark && n) {	/* of the highest series alone */
		int key = rd->pops[SERIES_OF(m, false)].m[mv[0].i].key;
		report_spark(p, r, rd, m, key, rd->keys->text[key], first, out);
	}
	free(by.s);
	free(mv);
}

/* A quantifier's deciding series, a line each: {pod="a"}  3 > 0, since T. */
static void
human_series(const program *p, const report_data *rd, const prog_quant *pq, const quant_result *qr,
	     const char *indent, FILE *out)
{
	for (int i = 0; i < qr->ntop; i++) {
		const quant_series *qs = &qr->top[i];
		char l[32], rr[32], v[32];
		fprintf(out, "%s%-24s", indent, qs->key >= 0 ? rd->keys->text[qs->key] : "(default)");
		if (pq->fn <= FN_FRACTION && pq->fn != FN_PRESENT) {
			fprintf(out, " %s", state(qs->val));
		} else {
			report_fmtnum(v, sizeof v, qs->val, !isnan(qs->val));
			fprintf(out, " %s", v);
		}
		if (qs->cmp >= 0) {
			report_fmtnum(l, sizeof l, qs->x, !isnan(qs->x));
			report_fmtnum(rr, sizeof rr, qs->y, !isnan(qs->y));
			fprintf(out, "  %s %s %s", l, cmpops[p->cmps[qs->cmp].op], rr);
			if (pq->ncmp > 1)	/* which of its comparisons */
				fprintf(out, "  (%s)", p->cmps[qs->cmp].source);
		}
		if (pq->nfor && qs->since != VM_NEVER) {
			char since[40];
			util_fmt_time(since, sizeof since, qs->since);
			fprintf(out, "  since %s", since);
		}
		fputc('\n', out);
		for (int h = 0; h < pq->nhist; h++) {	/* its statistics, a line each under it */
			fprintf(out, "%s  %-28s ", indent, p->hists[pq->hist0 + h].source);
			report_stat_text(&p->hists[pq->hist0 + h], &qs->hists[h], out);
			fputc('\n', out);
		}
	}
	if (qr->ndeciding > qr->ntop)
		fprintf(out, "%s... and %d more\n", indent, qr->ndeciding - qr->ntop);
}

/* A value in its unit, for people: +34ms rather than 0.034. */
static void
fmt_unit(char *buf, size_t size, double v, int unit, bool sign)
{
	const char *plus = sign && v > 0 ? "+" : "";

	if (isnan(v))
		snprintf(buf, size, "-");
	else if (unit == UNIT_SECONDS && fabs(v) < 1 && v != 0)
		snprintf(buf, size, "%s%.4gms", plus, v * 1000);
	else if (unit == UNIT_SECONDS)
		snprintf(buf, size, "%s%.4gs", plus, v);
	else if (unit == UNIT_RATIO)
		snprintf(buf, size, "%s%.4g%%", plus, v * 100);
	else
		snprintf(buf, size, "%s%.6g", plus, v);
}

/* Whether a test tested at the step; if not, say why it has no value. */
static bool
tested_here(const hist_stat *st, FILE *out)
{
	if (st->tested)
		return true;
	if (st->held < st->steps)
		fprintf(out, "unknown: %lld of %lld steps evaluated", (long long)st->held, (long long)st->steps);
	else
		fputs("unknown: not a step it tests at (the window's last, and every range before it)", out);
	return false;
}

/* What a step-history function gave and from what, for people. */
void
report_stat_text(const prog_hist *h, const hist_stat *st, FILE *out)
{
	char a[40], b[40];

	switch (h->fn) {
	case FN_MANNWHITNEY:
	case FN_SHIFT:
		fmt_unit(a, sizeof a, st->shift, h->unit, true);
		if (!tested_here(st, out))
			break;
		if (st->nx < HIST_MIN_VALUES || st->ny < HIST_MIN_VALUES)
			fprintf(out, "unknown: n %d/%d, it needs %d a side", st->nx, st->ny, HIST_MIN_VALUES);
		else if (h->fn == FN_MANNWHITNEY)
			fprintf(out, "canary > baseline: p = %.3g, shift %s (n %d/%d)", st->p, a, st->nx, st->ny);
		else
			fprintf(out, "%s (n %d/%d)", a, st->nx, st->ny);
		break;
	case FN_RATIO_TEST:
		report_fmtnum(a, sizeof a, st->count[0], true);
		report_fmtnum(b, sizeof b, st->count[1], true);
		fprintf(out, "canary %s of %s", a, b);
		report_fmtnum(a, sizeof a, st->count[2], true);
		report_fmtnum(b, sizeof b, st->count[3], true);
		fprintf(out, " against baseline %s of %s: ", a, b);
		if (!tested_here(st, out))
			break;
		if (st->count[1] <= 0 || st->count[3] <= 0)
			fputs("unknown (a side without requests)", out);
		else if (isnan(st->p))
			fputs("unknown (more errors than requests)", out);
		else
			fprintf(out, "p = %.3g", st->p);
		break;
	case FN_BURN_RATE:
		if (isnan(st->value))
			fprintf(out, "unknown: %lld of %lld steps had a ratio", (long long)st->known, (long long)st->steps);
		else
			fprintf(out, "%.4g (mean %.4g over %lld steps, SLO %.6g%%)", st->value, st->mean,
				(long long)st->steps, h->slo * 100);
		break;
	case FN_TIMES:
		fprintf(out, "%lld of %lld steps", (long long)st->ntrue, (long long)st->steps);
		if (st->nunknown)
			fprintf(out, ", %lld unknown", (long long)st->nunknown);
		break;
	}
}

/* One step-history function, a line. */
static void
human_stat(const prog_hist *h, const hist_stat *st, FILE *out)
{
	fprintf(out, "      %-30s ", h->source);
	report_stat_text(h, st, out);
	fputc('\n', out);
}

/* The step-history functions of rule ri, at the step it fired if it did, else at the last. */
static void
human_stats(const program *p, const gate_result *r, int ri, bool fired, FILE *out)
{
	const prog_gate *g = &p->gates[r->gate];

	for (int h = 0; h < g->nhist; h++) {
		const prog_hist *ph = &p->hists[g->hist0 + h];
		if (ph->rule == ri && ph->quant < 0)
			human_stat(ph, fired && r->fired_hists[h].steps ? &r->fired_hists[h] : &r->hists[h], out);
	}
}

/* Each quantifier of rule ri: its value and counts, and the series that decided it. */
static void
human_quants(const program *p, const report_data *rd, const gate_result *r, int ri, bool fired, FILE *out)
{
	const prog_gate *g = &p->gates[r->gate];

	for (int q = 0; q < g->nquant; q++) {
		const prog_quant *pq = &p->quants[g->quant0 + q];
		const quant_result *qr = fired && r->fired_quants[q].at != VM_NEVER ? &r->fired_quants[q] : &r->quants[q];
		char v[72];
		if (pq->rule != ri)
			continue;
		if (pq->fn == FN_ANY || pq->fn == FN_ALL) {
			snprintf(v, sizeof v, "%s", state(qr->value));
		} else if (isnan(qr->value) && qr->nunknown && (pq->fn == FN_COUNT || pq->fn == FN_FRACTION)) {
			double d = pq->fn == FN_FRACTION ? qr->n : 1;	/* what the unknown series leave open */
			char lo[32], hi[32];
			report_fmtnum(lo, sizeof lo, qr->ntrue / d, true);
			report_fmtnum(hi, sizeof hi, (qr->ntrue + qr->nunknown) / d, true);
			snprintf(v, sizeof v, "%s..%s", lo, hi);
		} else {
			report_fmtnum(v, sizeof v, qr->value, !isnan(qr->value));
		}
		fprintf(out, "      %-30s %s", pq->source, v);
		if (pq->fn <= FN_FRACTION && pq->fn != FN_PRESENT)
			fprintf(out, "  (%d of %d series true, %d unknown)", qr->ntrue, qr->n, qr->nunknown);
		else
			fprintf(out, "  (%d series)", qr->n);
		if (qr != &r->quants[q]) {
			char when[40];
			util_fmt_time(when, sizeof when, qr->at);
			fprintf(out, " when it fired at %s", when);
		}
		fputc('\n', out);
		human_series(p, rd, pq, qr, "        ", out);
	}
}

void
report_human(const program *p, const gate_result *r, const report_data *rd, FILE *out)
{
	const char *const *absent = rd->absent;
	const prog_gate *g = &p->gates[r->gate];
	const prog_rule *dr = &p->rules[r->decided];
	char from[40], at[40], step[40], since[40];
	bool *used = xcalloc((size_t)p->nmetrics, sizeof *used);

	util_fmt_time(from, sizeof from, r->from);
	util_fmt_time(at, sizeof at, r->at);
	util_fmt_duration(step, sizeof step, g->step);
	fprintf(out, "%s: %s", g->name, report_verdict_sgr(rd, r->verdict));
	for (const char *w = ng_verdict_name(r->verdict); *w; w++)	/* shouted, for people */
		fputc(toupper((unsigned char)*w), out);
	fprintf(out, "%s at %s\n", report_sgr_reset(rd), at);
	fprintf(out, "  window   %s .. %s, %d evaluations every %s\n", from, at, r->evaluations, step);
	fprintf(out, "  decided  %s%s%s%s when %s  (%s:%u)", ast_rule_kind_name(dr->kind), dr->name ? " \"" : "",
		dr->name ? dr->name : "", dr->name ? "\"" : "", dr->source, p->path, dr->line);
	if (r->decided_since != VM_NEVER) {
		util_fmt_time(since, sizeof since, r->decided_since);
		fprintf(out, ", true since %s", since);
	}
	fputs("\n  rules\n", out);
	for (int i = 0; i < g->nrules; i++) {
		const prog_rule *pr = &p->rules[g->rule0 + i];
		char name[96];
		snprintf(name, sizeof name, "%s%s%s%s", ast_rule_kind_name(pr->kind), pr->name ? " \"" : "",
			 pr->name ? pr->name : "", pr->name ? "\"" : "");
		bool fired = pr->kind == RULE_ROLLBACK && r->fired_at[i] != VM_NEVER;
		fprintf(out, "    %-32s %-7s  %s", name, eval_rule_word(r, i), pr->source);
		if (fired) {	/* never a plain false: it fired, and stays fired */
			char when[40];
			util_fmt_time(when, sizeof when, r->fired_at[i]);
			fprintf(out, "  (at %s; now %s)", when, state(r->state[i]));
		}
		fputc('\n', out);
		human_fors(p, g, r, g->rule0 + i, out);
		human_quants(p, rd, r, g->rule0 + i, fired, out);
		human_stats(p, r, g->rule0 + i, fired, out);
	}
	fputs("  metrics\n", out);
	gate_metrics(p, g, used);
	by_metric bm = cmps_by_metric(p, g, true);
	for (int m = 0; m < p->nmetrics; m++) {
		const prog_metric *pm = &p->metrics[m];
		char v[32], bv[32];
		int64_t when, bwhen;

		if (!used[m])
			continue;
		double x;
		int first = bm.from[m] < bm.from[m + 1] ? bm.at[bm.from[m]] : -1;	/* its threshold */
		if (pm->by) {
			human_by(p, g, rd, m, r->at, first, r, out);
		} else {
			bool has = eval_value(p, g, rd->pops, m, false, VM_NOKEY, r->at, &x, &when);
			report_fmtnum(v, sizeof v, x, has);
			fprintf(out, "    %-20s %s", pm->name, v);
			if (pm->bquery || pm->bused) {
				double b;
				bool bhas = eval_value(p, g, rd->pops, m, true, VM_NOKEY, r->at, &b, &bwhen);
				report_fmtnum(bv, sizeof bv, b, bhas);
				fprintf(out, "  (baseline %s)", bv);
			}
			if (pm->floor && r->floor[m] != 1 && reads_values(p, g, m))
				fprintf(out, " (floor %s: %s, so unknown)", pm->floor, state(r->floor[m]));
			if (has && when == VM_NEVER)
				fputs(" (default)", out);
			else if (!has && rd->pops[SERIES_OF(m, false)].nodefault)
				fputs(" (no series: the default does not apply)", out);
			fputc('\n', out);
			if (rd->spark)
				report_spark(p, r, rd, m, VM_NOKEY, NULL, first, out);
		}
		for (int j = bm.from[m]; j < bm.from[m + 1]; j++) {	/* listed once, under its first metric */
			int ci = bm.at[j];
			const prog_cmp *c = &p->cmps[ci];
			const double *lr = r->cmp[ci - g->cmp0];
			char l[32], rr[32];
			if (c->quant >= 0)
				continue;	/* series by series: under its rule */
			report_fmtnum(l, sizeof l, lr[0], !isnan(lr[0]));
			report_fmtnum(rr, sizeof rr, lr[1], !isnan(lr[1]));
			fprintf(out, "      %-34s %s %s %s  %s", c->source, l, cmpops[c->op], rr,
				state(lr[2]));
			if (c->rule < 0)
				fprintf(out, "  (the floor of %s)", p->metrics[c->floor].name);
			else if (r->fired_at[c->rule - g->rule0] != VM_NEVER) {	/* and what made it fire */
				const double *fl = r->fired_cmp[ci - g->cmp0];
				char fired[40];
				util_fmt_time(fired, sizeof fired, r->fired_at[c->rule - g->rule0]);
				report_fmtnum(l, sizeof l, fl[0], !isnan(fl[0]));
				report_fmtnum(rr, sizeof rr, fl[1], !isnan(fl[1]));
				fprintf(out, "; at %s, when it fired: %s %s %s", fired, l, cmpops[c->op], rr);
			}
			fputc('\n', out);
		}
	}
	bool head = false;
	for (int i = g->read0; i < g->read0 + g->nread; i++)
		if (absent[p->reads[i].series]) {
			fprintf(out, "%s    %s\n", head ? "" : "  warnings\n", absent[p->reads[i].series]);
			head = true;
		}
	free(used);
	by_metric_free(&bm);
}
