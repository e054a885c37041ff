/*
 * watch.c: `novagate watch`: one evaluation a step, on multiples of the
 * gates' step as Prometheus' rule evaluations, from now until a verdict is
 * final (rollback, or the window elapsed), a signal, --max-duration or a
 * server fault.  One line a step and gate, JSON or for people.
 */
#include "live.h"

#include <string.h>
#include <time.h>

typedef struct watcher {
	const cli_opts *o;
	const ng_gatefile *gf;
	int gate;
	ng_check *c;
	ng_feed *f;
	ng_baseline *bf;
	int64_t t0, tick, last_k;	/* evaluation k is at t0 + k * tick, the last at last_k */
	int64_t started;		/* monotonic, for --max-duration */
	int64_t t;			/* of the last fetch; INT64_MIN before */
	bool evaluated;			/* the rules' states are those of an evaluation at t */
	char *errline;
} watcher;

/* What one line says beyond the gate's own verdict and rules. */
typedef struct note {
	const char *verdict;		/* NULL: the gate's own */
	bool final;
	const char *reason;		/* why it is final */
	ng_errcode fault;		/* NG_OK, or the server's fault with its message */
	const char *msg;
} note;

static void
human_line(const watcher *w, int g, const char *verdict, const note *n)
{
	ng_gate_info gi;
	char ts[40] = "-";

	if (w->t != INT64_MIN)
		ng_format_time(ts, sizeof ts, w->t);
	printf("%s %s: %s", ts, ng_gatefile_gate_name(w->gf, g), verdict);
	if (n->final)
		printf(" (final: %s)", n->reason ? n->reason : "");
	if (n->fault)
		printf(": %s", n->msg);
	ng_gatefile_gate_info(w->gf, g, &gi);
	for (int r = 0; w->evaluated && r < gi.nrules; r++) {
		ng_rule_info ri;
		ng_gatefile_rule_info(w->gf, g, r, &ri);
		printf("%s%s=%s", r ? ", " : " [", ri.name ? ri.name : ng_rule_kind_name(ri.kind),
		       ng_state_name(ng_check_rule_state(w->c, g, r)));
	}
	printf("%s", w->evaluated && gi.nrules ? "]" : "");
	const char *sep = " (default: ";	/* the metrics whose value is their default */
	for (int m = 0; w->evaluated && m < ng_gatefile_nmetrics(w->gf); m++)
		if (ng_check_defaulted(w->c, g, m)) {
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
	json_t *j = json_object(), *rules = json_array();
	ng_gate_info gi;
	ng_rule_info ri;

	json_object_set_new(j, "gate", json_string(ng_gatefile_gate_name(w->gf, g)));
	json_object_set_new(j, "at", w->t == INT64_MIN ? json_null() : live_timestamp(w->t));
	json_object_set_new(j, "verdict", json_string(verdict));
	json_object_set_new(j, "final", json_boolean(n->final));
	if (n->reason)
		json_object_set_new(j, "reason", json_string(n->reason));
	if (n->fault)
		json_object_set_new(j, "error", live_error_json(n->fault, n->msg));
	int d = w->evaluated ? ng_check_decided(w->c, g) : -1;
	if (d >= 0 && ng_gatefile_rule_info(w->gf, g, d, &ri) == 0)
		json_object_set_new(j, "decided_by", rule_json(&ri));
	ng_gatefile_gate_info(w->gf, g, &gi);
	for (int r = 0; r < gi.nrules; r++) {
		ng_gatefile_rule_info(w->gf, g, r, &ri);
		json_t *rj = rule_json(&ri);
		json_object_set_new(rj, "state", w->evaluated ? json_string(ng_state_name(ng_check_rule_state(w->c, g, r)))
							      : json_null());
		json_array_append_new(rules, rj);
	}
	json_object_set_new(j, "rules", rules);
	json_t *dflt = json_array(), *warn = json_array();
	for (int m = 0; w->evaluated && m < ng_gatefile_nmetrics(w->gf); m++) {
		double v;
		if (ng_check_defaulted(w->c, g, m))
			json_array_append_new(dflt, json_string(ng_gatefile_metric_name(w->gf, m)));
		for (int b = 0; b < 2; b++)
			if (ng_check_value(w->c, g, m, b, &v) >= 0 && ng_check_absent_why(w->c, m, b))
				json_array_append_new(warn, json_string(ng_check_absent_why(w->c, m, b)));
	}
	json_object_set_new(j, "defaulted", dflt);
	json_object_set_new(j, "warnings", warn);
	live_put_line(j, stdout);
}

/* One line for each gate watched: its verdict at w->t and its rules' states. */
static void
say(const watcher *w, const note *n)
{
	for (int g = 0; g < ng_gatefile_ngates(w->gf); g++) {
		if (w->gate >= 0 && g != w->gate)
			continue;
		int v = w->evaluated ? ng_check_verdict(w->c, g) : -1;
		const char *verdict = n->verdict ? n->verdict
						 : ng_verdict_name(v >= 0 ? (ng_verdict)v : NG_INCONCLUSIVE);
		if (w->o->human)
			human_line(w, g, verdict, n);
		else
			json_line(w, g, verdict, n);
	}
	fflush(stdout);
}

static void
nap(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* a signal cuts it short */
}

static const char *
signal_reason(void)
{
	return live_stop == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)";
}

/*
 * Wait for evaluation *k's time, skipping ahead when behind (a late
 * evaluation is no use).  NULL, or why the watch must end now.
 */
static const char *
wait_for(const watcher *w, int64_t *k)
{
	const cli_opts *o = w->o;

	for (;;) {
		int64_t now = cli_now_ms() - o->delay, left = w->t0 + *k * w->tick - now;
		if (live_stop)
			return signal_reason();
		if (o->max_duration && cli_mono_ms() - w->started >= o->max_duration)
			return "max duration";
		if (left <= 0) {
			if (-left >= w->tick && *k < w->last_k) {
				int64_t behind = (now - w->t0) / w->tick;
				*k = behind < w->last_k ? behind : w->last_k;
			}
			return NULL;
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

/* Evaluation k: fetch, evaluate, say.  -1 to go on, else the exit status. */
static int
step(watcher *w, int64_t k)
{
	const char *inconclusive = ng_verdict_name(NG_INCONCLUSIVE);
	int st = 0;

	w->t = w->t0 + k * w->tick;
	ng_check_set_at(w->c, w->t);
	int rc = live_fetch(w->f, w->t, live_push, w->c, &w->errline);
	if (rc == 0)
		live_absent(w->f, w->c);
	if (rc == 0 && w->bf)
		st = cli_baseline_apply(w->bf, w->c, w->t0 + w->last_k * w->tick, w->t);
	if (rc < 0) {
		say(w, &(note){ .verdict = inconclusive, .final = true, .reason = signal_reason() });
		return EXIT_INCONCLUSIVE;
	}
	if (rc && live_is_fault(rc) && w->o->on_error_inconclusive) {
		say(w, &(note){ .verdict = inconclusive, .final = true, .reason = "source error", .fault = rc,
				.msg = w->errline });
		return EXIT_INCONCLUSIVE;
	}
	if (rc || st)
		return rc ? cli_exit_status(rc) : st;
	ng_verdict v = ng_check_eval(w->c, w->t);
	w->evaluated = true;
	if (v == NG_ROLLBACK || k >= w->last_k) {
		say(w, &(note){ .final = true, .reason = v == NG_ROLLBACK ? "rollback" : "window elapsed" });
		return cli_verdict_status(v);
	}
	say(w, &(note){ 0 });
	return ferror(stdout) ? cli_verdict_status(v) : -1;
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
	ng_prom *pc = live_client(o, gf, &st);
	if (!pc) {
		ng_baseline_free(w.bf);
		return st;
	}
	w.c = ng_check_new(gf, gate);
	ng_check_grid(w.c, &w.tick, &window);	/* windows are whole steps already */
	w.last_k = (window + w.tick - 1) / w.tick;
	w.t0 = cli_now_ms() - o->delay;
	w.t0 -= (w.t0 % w.tick + w.tick) % w.tick;
	w.started = cli_mono_ms();
	w.f = ng_feed_new(pc, gf, w.c, NG_FEED_CHECK);

	live_stop = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	st = -1;
	for (int64_t k = 0; st < 0; k++) {
		const char *why = wait_for(&w, &k);
		if (why) {
			say(&w, &(note){ .verdict = ng_verdict_name(NG_INCONCLUSIVE), .final = true, .reason = why });
			st = EXIT_INCONCLUSIVE;
		} else {
			st = step(&w, k);
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	int wr = live_flush_stdout();
	free(w.errline);
	ng_feed_free(w.f);
	ng_check_free(w.c);
	ng_prom_free(pc);
	ng_baseline_free(w.bf);
	return wr ? wr : st;
}
