/*
 * watch.c: `novagate watch`: one evaluation a step, on multiples of the
 * gates' grid step as Prometheus' rule evaluations, from now until a
 * verdict is final (rollback, or the window elapsed), a signal,
 * --max-duration or a server fault that lasts longer than --tolerate.  One
 * line a step and gate, JSON or for people.  Each step gives what check
 * --at that step gives: the same instants, samples, rule states and since
 * times.  The lines are said here for --input too (watch_input.c).
 */
#include "watch.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool
reads(const watcher *w, int g, int m, bool b)
{
	return w->reads[((size_t)g * (size_t)ng_gatefile_nmetrics(w->gf) + (size_t)m) * 2 + b];
}

/* Which series each gate reads: a check of that gate alone reads them. */
static bool *
gate_reads(const ng_gatefile *gf)
{
	int nm = ng_gatefile_nmetrics(gf);
	bool *r = ng_realloc(NULL, (size_t)ng_gatefile_ngates(gf) * (size_t)nm * 2 + 1);

	for (int g = 0; g < ng_gatefile_ngates(gf); g++) {
		ng_check *c = ng_check_new(gf, g);
		for (int m = 0; m < nm; m++)
			for (int b = 0; b < 2; b++) {
				int64_t step, reach;
				r[((size_t)g * (size_t)nm + (size_t)m) * 2 + b] = ng_check_needs(c, m, b, &step, &reach);
			}
		ng_check_free(c);
	}
	return r;
}

/* The since of a rule (-1: of decided_by), as check's report gives it; null when none. */
static json_t *
since_json(const watcher *w, int g, int rule)
{
	int64_t t;

	return ng_check_since(w->c, g, rule, &t) ? live_timestamp(t) : json_null();
}

/* A value as check's JSON gives it: a number, "NaN", "+Inf", "-Inf"; null for none. */
static json_t *
value_json(int has, double v)
{
	if (has != 1)
		return json_null();
	if (isnan(v))
		return json_string("NaN");
	if (isinf(v))
		return json_string(v > 0 ? "+Inf" : "-Inf");
	if (v == floor(v) && fabs(v) < 9e15)
		return json_integer((json_int_t)v);
	return json_real(v);
}

/* How many series a metric with `by` has at the last evaluation (the report's series_count), else -1. */
static json_int_t
series_count(const watcher *w, int g, int m)
{
	const json_t *ms = json_object_get(json_object_get(w->report, ng_gatefile_gate_name(w->gf, g)), "metrics"), *o;
	size_t i;

	if (!ng_gatefile_metric_by(w->gf, m, 0))
		return -1;
	json_array_foreach(ms, i, o)
		if (json_is_integer(json_object_get(o, "series_count")) &&
		    strcmp(json_string_value(json_object_get(o, "name")) ? json_string_value(json_object_get(o, "name")) : "",
			   ng_gatefile_metric_name(w->gf, m)) == 0)
			return json_integer_value(json_object_get(o, "series_count"));
	return -1;
}

static void
human_value(const watcher *w, int g, int m, bool b)
{
	char buf[64] = "-";
	double v;
	json_int_t n = b ? -1 : series_count(w, g, m);

	if (n >= 0)
		snprintf(buf, sizeof buf, "%lld series", (long long)n);
	else if (ng_check_value(w->c, g, m, b, &v) == 1)
		ng_format_value(buf, sizeof buf, v);
	printf(b ? " (baseline %s)" : " %s=%s", b ? buf : ng_gatefile_metric_name(w->gf, m), buf);
}

/*
 * The report of the last evaluation, each gate's by its name: the series
 * that decided, as check gives them, and how many series a metric has.
 */
static json_t *
report_of(const watcher *w)
{
	char *buf = NULL;
	size_t len = 0;
	json_t *by = json_object();
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return by;
	ng_check_report(w->c, false, f);
	if (fclose(f) != 0) {
		free(buf);
		return by;
	}
	for (char *line = buf, *nl; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		json_t *j = json_loadb(line, nl ? (size_t)(nl - line) : strlen(line), 0, NULL);
		json_t *gate = json_object_get(j, "gate");
		if (json_is_string(gate))
			json_object_set(by, json_string_value(gate), j);
		json_decref(j);
	}
	free(buf);
	return by;
}

/* The quantifiers of a gate's decided_by in the report, if any (borrowed). */
static json_t *
decided_quants(const watcher *w, int g)
{
	json_t *r = json_object_get(w->report, ng_gatefile_gate_name(w->gf, g));
	json_t *q = json_object_get(json_object_get(r, "decided_by"), "quantifiers");

	return json_is_array(q) && json_array_size(q) ? q : NULL;
}

/* The decided rule's statistics in the check's report (mannwhitney() and the others), or NULL. */
static json_t *
decided_stats(const watcher *w, int g)
{
	json_t *r = json_object_get(w->report, ng_gatefile_gate_name(w->gf, g));
	json_t *s = json_object_get(json_object_get(r, "decided_by"), "statistics");

	return json_is_array(s) && json_array_size(s) ? s : NULL;
}

/* A report's labels {"pod": "a"} as {pod="a"}; (default) for none (a default standing in). */
static void
human_labels(const json_t *labels)
{
	const char *k;
	json_t *v;
	bool first = true;

	if (!json_object_size(labels)) {
		printf("(default)");
		return;
	}
	json_object_foreach((json_t *)labels, k, v) {
		printf("%s%s=\"", first ? "{" : ",", k);
		for (const char *c = json_string_value(v); c && *c; c++)
			printf(*c == '"' || *c == '\\' ? "\\%c" : *c == '\n' ? "\\n" : "%c", *c);
		putchar('"');
		first = false;
	}
	putchar('}');
}

/* A number of the report (or "NaN", "+Inf", null) as the line writes it. */
static void
human_number(const json_t *j)
{
	char buf[64];

	if (json_is_number(j))
		ng_format_value(buf, sizeof buf, json_number_value(j));
	else
		snprintf(buf, sizeof buf, "%s", json_is_string(j) ? json_string_value(j) : "-");
	fputs(buf, stdout);
}

/*
 * The series that decided, after the rules: " (any(m > 1): {pod="a"} 3 > 1,
 * {pod="b"} 2 > 1 and 3 more)" for each quantifier of the deciding rule
 * that names some (for a rollback that fired, those it fired on).
 */
static void
human_deciding(const watcher *w, int g)
{
	const json_t *qs = decided_quants(w, g), *q;
	size_t i;

	json_array_foreach(qs, i, q) {
		const json_t *at = json_object_get(q, "fired") ? json_object_get(q, "fired") : q;
		const json_t *dec = json_object_get(at, "deciding"), *d;
		size_t j;
		if (!json_array_size(dec))
			continue;
		printf(" (%s:", json_string_value(json_object_get(q, "source")));
		json_array_foreach(dec, j, d) {
			printf("%s ", j ? "," : "");
			human_labels(json_object_get(d, "labels"));
			if (json_object_get(d, "op")) {
				putchar(' ');
				human_number(json_object_get(d, "left"));
				printf(" %s ", json_string_value(json_object_get(d, "op")));
				human_number(json_object_get(d, "right"));
			} else if (json_object_get(d, "value")) {
				putchar(' ');
				human_number(json_object_get(d, "value"));
			}
		}
		json_int_t more = json_integer_value(json_object_get(at, "deciding_count")) - (json_int_t)j;
		if (more > 0)
			printf(" and %lld more", (long long)more);
		putchar(')');
	}
}

static void
human_line(const watcher *w, int g, const char *verdict, const note *n)
{
	bool ev = w->t != INT64_MIN;
	ng_gate_info gi;
	char ts[40] = "-";

	if (ev)
		ng_format_time(ts, sizeof ts, w->t);
	const char *sgr = "";	/* --color: the verdict as check's report colours it */
	for (int v = NG_GO; cli_report_opts(w->o).color && v <= NG_INCONCLUSIVE; v++)
		if (strcmp(verdict, ng_verdict_name((ng_verdict)v)) == 0)
			sgr = ng_verdict_sgr((ng_verdict)v);
	printf("%s %s: %s%s%s", ts, ng_gatefile_gate_name(w->gf, g), sgr, verdict, *sgr ? "\033[0m" : "");
	if (n->final)
		printf(" (final: %s)", n->reason ? n->reason : "");
	if (n->fault)
		printf(": %s", n->msg);
	if (n->tolerated)
		printf(" (source error, tolerated: %s)", n->msg);
	ng_gatefile_gate_info(w->gf, g, &gi);
	for (int r = 0; ev && r < gi.nrules; r++) {
		ng_rule_info ri;
		ng_gatefile_rule_info(w->gf, g, r, &ri);
		printf("%s%s=%s", r ? ", " : " [", ri.name ? ri.name : ng_rule_kind_name(ri.kind),
		       ng_state_name(ng_check_rule_state(w->c, g, r)));
	}
	printf("%s", ev && gi.nrules ? "]" : "");
	if (ev)
		human_deciding(w, g);
	const json_t *st = ev ? decided_stats(w, g) : NULL, *h;
	size_t i;
	json_array_foreach(st, i, h) {	/* the decided rule's statistics: their values, as check's report has them */
		const json_t *at = json_object_get(h, "fired") ? json_object_get(h, "fired") : h;
		printf(" (%s = ", json_string_value(json_object_get(h, "source")));
		human_number(json_object_get(at, "value"));
		putchar(')');
	}
	for (int m = 0; ev && m < ng_gatefile_nmetrics(w->gf); m++) {
		if (!reads(w, g, m, false) && !reads(w, g, m, true))
			continue;
		human_value(w, g, m, false);
		if (reads(w, g, m, true))
			human_value(w, g, m, true);
	}
	const char *sep = " (default: ";	/* the metrics whose value is their default */
	for (int m = 0; ev && m < ng_gatefile_nmetrics(w->gf); m++)
		if (reads(w, g, m, false) && ng_check_defaulted(w->c, g, m)) {
			printf("%s%s", sep, ng_gatefile_metric_name(w->gf, m));
			sep = ", ";
		}
	puts(*sep == ',' ? ")" : "");
}

static json_t *
rule_json(const ng_rule_info *ri)
{
	return json_pack("{s:s,s:o}", "kind", ng_rule_kind_name(ri->kind), "name",
			 ri->name ? json_string(ri->name) : json_null());
}

static void
json_line(const watcher *w, int g, const char *verdict, const note *n)
{
	json_t *j = json_object(), *rules = json_array(), *metrics = json_array();
	bool ev = w->t != INT64_MIN;
	ng_gate_info gi;
	ng_rule_info ri;

	json_object_set_new(j, "gate", json_string(ng_gatefile_gate_name(w->gf, g)));
	json_object_set_new(j, "at", ev ? live_timestamp(w->t) : json_null());
	json_object_set_new(j, "verdict", json_string(verdict));
	json_object_set_new(j, "final", json_boolean(n->final));
	if (n->reason)
		json_object_set_new(j, "reason", json_string(n->reason));
	if (n->fault)
		json_object_set_new(j, "error", live_error_json(n->fault, n->msg));
	if (n->tolerated)
		json_object_set_new(j, "source_error", live_error_json(n->tolerated, n->msg));
	int d = ev ? ng_check_decided(w->c, g) : -1;
	if (d >= 0 && ng_gatefile_rule_info(w->gf, g, d, &ri) == 0) {
		json_t *dj = rule_json(&ri);
		json_t *q = decided_quants(w, g), *st = decided_stats(w, g);
		json_object_set_new(dj, "since", since_json(w, g, -1));
		if (q)	/* the series that decided, as in check's decided_by */
			json_object_set(dj, "quantifiers", q);
		if (st)	/* and the statistics it decided on */
			json_object_set(dj, "statistics", st);
		json_object_set_new(j, "decided_by", dj);
	}
	ng_gatefile_gate_info(w->gf, g, &gi);
	for (int r = 0; r < gi.nrules; r++) {
		ng_gatefile_rule_info(w->gf, g, r, &ri);
		json_t *rj = rule_json(&ri);
		json_object_set_new(rj, "state", ev ? json_string(ng_state_name(ng_check_rule_state(w->c, g, r)))
						    : json_null());
		json_object_set_new(rj, "since", ev ? since_json(w, g, r) : json_null());
		json_array_append_new(rules, rj);
	}
	json_object_set_new(j, "rules", rules);
	json_t *dflt = json_array(), *warn = json_array();
	for (int m = 0; ev && m < ng_gatefile_nmetrics(w->gf); m++) {
		double v, bv = 0;
		if (!reads(w, g, m, false) && !reads(w, g, m, true))
			continue;
		int has = ng_check_value(w->c, g, m, false, &v);
		int bhas = reads(w, g, m, true) ? ng_check_value(w->c, g, m, true, &bv) : 0;
		json_t *mj = json_pack("{s:s,s:o,s:o}", "name", ng_gatefile_metric_name(w->gf, m), "value",
				       value_json(has, v), "baseline", value_json(bhas, bv));
		json_int_t count = series_count(w, g, m);
		if (count >= 0)	/* a set of series: how many, as check's series_count */
			json_object_set_new(mj, "series_count", json_integer(count));
		json_array_append_new(metrics, mj);
		if (ng_check_defaulted(w->c, g, m))
			json_array_append_new(dflt, json_string(ng_gatefile_metric_name(w->gf, m)));
		for (int b = 0; b < 2; b++)
			if (reads(w, g, m, b) && ng_check_absent_why(w->c, m, b))
				json_array_append_new(warn, json_string(ng_check_absent_why(w->c, m, b)));
	}
	json_object_set_new(j, "metrics", metrics);
	json_object_set_new(j, "defaulted", dflt);
	json_object_set_new(j, "warnings", warn);
	live_put_line(j, stdout);
}

/* One line for each gate watched: its verdict at w->t, its rules' states, the series that decided. */
void
watch_say(watcher *w, const note *n)
{
	w->report = w->t != INT64_MIN && w->by ? report_of(w) : json_object();
	for (int g = 0; g < ng_gatefile_ngates(w->gf); g++) {
		if (w->gate >= 0 && g != w->gate)
			continue;
		int v = w->t != INT64_MIN ? ng_check_verdict(w->c, g) : -1;
		const char *verdict = n->verdict ? n->verdict
						 : ng_verdict_name(v >= 0 ? (ng_verdict)v : NG_INCONCLUSIVE);
		if (w->o->human)
			human_line(w, g, verdict, n);
		else
			json_line(w, g, verdict, n);
	}
	json_decref(w->report);
	w->report = NULL;
	fflush(stdout);
	if (w->o->report && w->t != INT64_MIN)	/* the page of this step; one that cannot be written is said */
		cli_report_html(w->c, NULL, w->o->report);
}

int
watch_finish(watcher *w, const char *why, int status)
{
	watch_say(w, &(note){ .final = true, .reason = why });
	return status;
}

static void
nap(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* a signal cuts it short */
}

const char *
watch_signal_reason(void)
{
	return live_stop == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)";
}

/*
 * Wait for evaluation *k's time, skipping ahead when behind (a late
 * evaluation is no use).  0, or the status the watch ends with now (why
 * in *why).
 */
static int
wait_for(const watcher *w, int64_t *k, const char **why)
{
	const cli_opts *o = w->o;

	for (;;) {
		int64_t now = cli_now_ms() - o->delay, left = w->t0 + *k * w->tick - now;
		if (live_stop) {
			*why = watch_signal_reason();
			return EXIT_INTERRUPTED;
		}
		if (o->max_duration && cli_mono_ms() - w->started >= o->max_duration) {
			*why = "max duration";
			return EXIT_MAX_DURATION;
		}
		if (left <= 0) {
			if (-left >= w->tick && *k < w->last_k) {
				int64_t behind = (now - w->t0) / w->tick;
				*k = behind < w->last_k ? behind : w->last_k;
			}
			return 0;
		}
		int64_t slice = left < 100 ? left : 100;
		if (o->max_duration) {
			int64_t rest = o->max_duration - (cli_mono_ms() - w->started);
			if (rest < slice)
				slice = rest > 0 ? rest : 0;
		}
		nap(slice);
	}
}

/* The errors of the last fetch (its other diagnostics are printed already). */
static void
print_errors(const watcher *w)
{
	for (size_t i = 0; i < ng_diags_count(w->held); i++)
		if (ng_diags_get(w->held, i)->severity == NG_SEV_ERROR)
			ng_diag_render(ng_diags_get(w->held, i), "novagate", stderr);
}

/* A check, and the feed of a check, with the --max-series of the watch. */
static ng_check *
new_check(const watcher *w)
{
	ng_check *c = ng_check_new(w->gf, w->gate);

	ng_check_set_max_series(c, live_max_series(w->o));
	if (w->o->report_series)
		ng_check_set_report_series(c, w->o->report_series);
	return c;
}

static ng_feed *
new_feed(const watcher *w, const ng_check *c)
{
	ng_feed *f = ng_feed_new(w->pc, w->gf, c, NG_FEED_CHECK);

	ng_feed_set_max_series(f, live_max_series(w->o));
	return f;
}

/*
 * Fetch up to t: what is new into the watch's check or, fresh, all that t
 * reads into a check of its own, which replaces the last unless stopped or failed.
 * A failed fetch hands nothing on, and the feed fetches it with the next.
 */
static int
fetch(watcher *w, int64_t t)
{
	ng_check *c = w->c;
	ng_feed *f = w->f;
	live_sink fresh, *sink = &w->sink;

	if (w->fresh) {
		c = new_check(w);
		f = new_feed(w, c);
		live_sink_init(&fresh, c);
		sink = &fresh;
	}
	ng_check_set_at(c, t);
	int rc = live_fetch(f, t, live_push, sink, sink, &w->errline, w->held);
	if (w->fresh && rc) {	/* stopped, or failed: the last check's samples stay */
		live_sink_free(&fresh);
		ng_feed_free(f);
		ng_check_free(c);
		return rc;
	}
	if (w->fresh) {
		live_sink_free(&w->sink);
		ng_feed_free(w->f);
		ng_check_free(w->c);
		w->c = c;
		w->f = f;
		w->sink = fresh;
	}
	if (rc == 0)	/* fresh checks ask again: said once */
		live_absent(f, c, w->fresh && w->ok_t >= w->t0);
	return rc;
}

/* A fresh check has it all again from the file. */
int
watch_baseline(watcher *w, int64_t t)
{
	int st;

	if (!w->bf)
		return 0;
	if (w->fresh) {
		ng_baseline_free(w->bf);
		w->bf = NULL;
		if ((st = cli_baseline_load(w->o->baseline, &w->bf)) != 0)
			return st;
	}
	return cli_baseline_apply(w->bf, w->c, w->t0 + w->last_k * w->tick, t);
}

/* Evaluation k: fetch, evaluate, say.  -1 to go on, else the exit status. */
static int
step(watcher *w, int64_t k)
{
	int64_t t = w->t0 + k * w->tick;
	int rc = fetch(w, t), st;
	char failed[40], of[40];

	if (rc < 0)
		return watch_finish(w, watch_signal_reason(), EXIT_INTERRUPTED);
	if (rc && !live_is_fault(rc)) {
		print_errors(w);
		return cli_exit_status(rc);
	}
	bool over = rc && t - w->ok_t > w->tolerate;	/* failed since the step after ok_t */
	if (over && !w->o->on_error_inconclusive) {
		print_errors(w);
		return cli_exit_status(rc);
	}
	if (rc == 0)
		w->ok_t = t;
	if ((st = watch_baseline(w, t)) != 0)
		return st;
	/* a failed fetch is missing data: the samples there are give the verdict */
	ng_verdict v = ng_check_eval(w->c, t);
	w->t = t;
	if (over) {
		print_errors(w);
		watch_say(w, &(note){ .verdict = ng_verdict_name(NG_INCONCLUSIVE), .final = true,
				      .reason = "source error", .fault = rc, .msg = w->errline });
		return EXIT_INCONCLUSIVE;
	}
	if (rc) {
		ng_format_time(failed, sizeof failed, t);
		fprintf(stderr, "novagate: warning: step %s: %s", failed, w->errline);
		ng_format_duration(failed, sizeof failed, t - w->ok_t);
		ng_format_duration(of, sizeof of, w->tolerate);
		fprintf(stderr, " (tolerated: %s of %s)\n", failed, of);
	}
	note n = { .tolerated = rc, .msg = w->errline };
	if (rc) {	/* this step's samples are missing: what the others say (defaults ...) decides nothing */
		v = NG_INCONCLUSIVE;
		n.verdict = ng_verdict_name(v);
	}
	if (v == NG_ROLLBACK || k >= w->last_k) {
		n.final = true;
		n.reason = v == NG_ROLLBACK ? "rollback" : "window elapsed";
		watch_say(w, &n);
		return cli_verdict_status(v);
	}
	watch_say(w, &n);
	return ferror(stdout) ? cli_verdict_status(v) : -1;
}

/* A watch of a server: the feed, then a step at each time of the grid from now on. */
static int
watch_server(watcher *w)
{
	int st = -1;

	live_sink_init(&w->sink, w->c);
	w->tolerate = w->o->tolerate >= 0 ? w->o->tolerate : 4 * w->tick;
	w->t0 = live_now_at(w->o, w->c);
	w->ok_t = w->t0 - w->tick;
	w->f = new_feed(w, w->c);
	for (int i = 0; i < ng_feed_nseries(w->f); i++) {
		int m;
		bool b;
		const char *q;
		int64_t step, from;
		ng_feed_series(w->f, i, &m, &b, &q, &step, &from);
		w->fresh |= step != w->tick;
	}
	w->held = ng_diags_new();
	for (int64_t k = 0; st < 0; k++) {
		const char *why;
		if ((st = wait_for(w, &k, &why)) != 0)
			st = watch_finish(w, why, st);
		else
			st = step(w, k);
	}
	return st;
}

int
live_watch(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	watcher w = { .o = o, .gf = gf, .gate = gate, .t = INT64_MIN };
	struct sigaction sa = { .sa_handler = live_on_signal }, old_int, old_term;
	int64_t window;
	int st;

	if (o->baseline && (st = cli_baseline_load(o->baseline, &w.bf)) != 0)
		return st;
	if (!o->input && !(w.pc = live_client(o, gf, &st))) {
		ng_baseline_free(w.bf);
		return st;
	}
	w.c = new_check(&w);
	ng_check_grid(w.c, &w.tick, &window);	/* windows are whole steps already */
	w.last_k = (window + w.tick - 1) / w.tick;
	w.started = cli_mono_ms();
	w.reads = gate_reads(gf);
	for (int m = 0; m < ng_gatefile_nmetrics(gf); m++)
		w.by |= ng_gatefile_metric_by(gf, m, 0) != NULL;
	for (int g = 0; g < ng_gatefile_ngates(gf); g++) {
		ng_gate_info gi;
		w.by |= ng_gatefile_gate_info(gf, g, &gi) == 0 && gi.nstatistics > 0;
	}

	live_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	st = o->input ? watch_input(&w) : watch_server(&w);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	int wr = live_flush_stdout();
	free(w.errline);
	free(w.reads);
	ng_diags_free(w.held);
	live_sink_free(&w.sink);
	ng_feed_free(w.f);
	ng_check_free(w.c);
	ng_prom_free(w.pc);
	ng_baseline_free(w.bf);
	return wr ? wr : st;
}
