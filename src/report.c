/*
 * report.c: why a gate decided what it did, without rerunning anything:
 * the deciding rule, every rule's state, each metric's query, value,
 * baseline and the thresholds it was compared with.
 */
#include "report.h"
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

static json_t *
rule_json(const program *p, int ri, const gate_result *r, bool with_state)
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
	return o;
}

void
report_json(const program *p, const gate_result *r, const series *ss, const char *const *absent, FILE *out)
{
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

	json_t *d = rule_json(p, r->decided, r, false);
	json_object_set_new(d, "since", timestamp(r->decided_since));
	json_object_set_new(o, "decided_by", d);
	for (int i = 0; i < g->nrules; i++)
		json_array_append_new(rules, rule_json(p, g->rule0 + i, r, true));
	json_object_set_new(o, "rules", rules);
	json_t *unknown = json_array();	/* the rules that could not be told at the last step */
	for (int i = 0; i < g->nrules; i++)
		if (isnan(r->state[i])) {
			const prog_rule *pr = &p->rules[g->rule0 + i];
			json_array_append_new(unknown, json_string(pr->name ? pr->name : ast_rule_kind_name(pr->kind)));
		}
	json_object_set_new(o, "unknown", unknown);

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
		double v;
		bool has = eval_value(p, g, ss, m, false, r->at, &v, &when);
		json_object_set_new(mo, "value", value_json(v, has));
		json_object_set_new(mo, "sampled_at", timestamp(when));
		if (pm->bquery || pm->bused) {	/* bused alone: a recorded baseline (--baseline) */
			json_t *b = json_object();
			double bv;
			bool bhas = eval_value(p, g, ss, m, true, r->at, &bv, &when);
			json_object_set_new(b, "query", pm->bquery ? json_string(pm->bquery) : json_null());
			json_object_set_new(b, "value", value_json(bv, bhas));
			json_object_set_new(b, "sampled_at", timestamp(when));
			json_object_set_new(mo, "baseline", b);
		} else {
			json_object_set_new(mo, "baseline", json_null());
		}
		json_object_set_new(mo, "default", pm->has_default ? number(pm->dflt) : json_null());
		json_object_set_new(mo, "defaulted", json_boolean(has && when == VM_NEVER));
		for (int j = bm.from[m]; j < bm.from[m + 1]; j++) {
			int ci = bm.at[j];
			const prog_cmp *c = &p->cmps[ci];
			const double *lr = r->cmp[ci - g->cmp0];
			const prog_rule *pr = &p->rules[c->rule];
			json_t *co = json_object();
			json_object_set_new(co, "rule", json_string(pr->name ? pr->name : ast_rule_kind_name(pr->kind)));
			json_object_set_new(co, "source", json_string(c->source));
			/* the VM does not tell missing from NaN: either is no value here */
			json_object_set_new(co, "left", isnan(lr[0]) ? json_null() : number(lr[0]));
			json_object_set_new(co, "op", json_string(cmpops[c->op]));
			json_object_set_new(co, "right", isnan(lr[1]) ? json_null() : number(lr[1]));
			json_object_set_new(co, "state", json_string(state(vm_compare(c->op, lr[0], lr[1]))));
			const double *fl = r->fired_cmp[ci - g->cmp0];
			if (r->fired_at[c->rule - g->rule0] != VM_NEVER) {	/* what made its rollback fire */
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

static void
fmtnum(char *buf, size_t size, double v, bool present)
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
		progress pr = for_progress(g, r, pf, &r->fors[k]);
		char held[32], needs[32], from[40];
		if (pr.held >= pf->dur || (pr.held == 0 && pr.data_from == VM_NEVER))
			continue;	/* it holds, or it is plainly false */
		util_fmt_duration(held, sizeof held, pr.held);
		util_fmt_duration(needs, sizeof needs, pf->dur);
		fprintf(out, "      %-30s held %s of %s", pf->source, held, needs);
		if (pr.data_from != VM_NEVER) {
			util_fmt_time(from, sizeof from, pr.data_from);
			fprintf(out, "; no data before %s", from);
		}
		fputc('\n', out);
	}
}

void
report_human(const program *p, const gate_result *r, const series *ss, const char *const *absent, FILE *out)
{
	const prog_gate *g = &p->gates[r->gate];
	const prog_rule *dr = &p->rules[r->decided];
	char from[40], at[40], step[40], since[40];
	bool *used = xcalloc((size_t)p->nmetrics, sizeof *used);

	util_fmt_time(from, sizeof from, r->from);
	util_fmt_time(at, sizeof at, r->at);
	util_fmt_duration(step, sizeof step, g->step);
	fprintf(out, "%s: ", g->name);
	for (const char *w = ng_verdict_name(r->verdict); *w; w++)	/* shouted, for people */
		fputc(toupper((unsigned char)*w), out);
	fprintf(out, " at %s\n", at);
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
		fprintf(out, "    %-32s %-7s  %s", name, fired ? "fired" : state(r->state[i]), pr->source);
		if (fired) {	/* never a plain false: it fired, and stays fired */
			char when[40];
			util_fmt_time(when, sizeof when, r->fired_at[i]);
			fprintf(out, "  (at %s; now %s)", when, state(r->state[i]));
		}
		fputc('\n', out);
		human_fors(p, g, r, g->rule0 + i, out);
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
		bool has = eval_value(p, g, ss, m, false, r->at, &x, &when);
		fmtnum(v, sizeof v, x, has);
		fprintf(out, "    %-20s %s", pm->name, v);
		if (pm->bquery || pm->bused) {
			double b;
			bool bhas = eval_value(p, g, ss, m, true, r->at, &b, &bwhen);
			fmtnum(bv, sizeof bv, b, bhas);
			fprintf(out, "  (baseline %s)", bv);
		}
		if (has && when == VM_NEVER)
			fputs(" (default)", out);
		else if (!has && ss[SERIES_OF(m, false)].nodefault)
			fputs(" (no series: the default does not apply)", out);
		fputc('\n', out);
		for (int j = bm.from[m]; j < bm.from[m + 1]; j++) {	/* listed once, under its first metric */
			int ci = bm.at[j];
			const prog_cmp *c = &p->cmps[ci];
			const double *lr = r->cmp[ci - g->cmp0];
			char l[32], rr[32];
			fmtnum(l, sizeof l, lr[0], !isnan(lr[0]));
			fmtnum(rr, sizeof rr, lr[1], !isnan(lr[1]));
			fprintf(out, "      %-34s %s %s %s  %s", c->source, l, cmpops[c->op], rr,
				state(vm_compare(c->op, lr[0], lr[1])));
			if (r->fired_at[c->rule - g->rule0] != VM_NEVER) {	/* and what made it fire */
				const double *fl = r->fired_cmp[ci - g->cmp0];
				char fired[40];
				util_fmt_time(fired, sizeof fired, r->fired_at[c->rule - g->rule0]);
				fmtnum(l, sizeof l, fl[0], !isnan(fl[0]));
				fmtnum(rr, sizeof rr, fl[1], !isnan(fl[1]));
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
