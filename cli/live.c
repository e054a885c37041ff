/*
 * live.c: check --prometheus, watch, record and baseline.  The server only
 * feeds samples into the engine (ng_check_push); the verdicts come from the
 * same compiler, VM and report as with --input.
 */
#include "live.h"

#include "cli.h"

#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static volatile sig_atomic_t stop_signal;

static void
on_signal(int sig)
{
	stop_signal = sig;
}

const char *
live_url(const cli_opts *o, const ng_gatefile *gf)
{
	const char *env = getenv("NOVAGATE_PROMETHEUS_URL");

	if (o->url)
		return o->url;
	if (env && *env)
		return env;
	return ng_gatefile_prometheus(gf);
}

static ng_prom *
client(const cli_opts *o, const ng_gatefile *gf, int *status)
{
	ng_prom_opts po = o->prom;

	po.url = live_url(o, gf);
	if (!po.url) {
		fprintf(stderr, "novagate: %s needs a server: --prometheus URL, NOVAGATE_PROMETHEUS_URL or "
			"`prometheus \"URL\"` in %s\n", o->cmd, o->file);
		*status = NG_EUSAGE;
		return NULL;
	}
	po.headers = o->headers;
	po.nheaders = o->nheaders;
	po.verbose = o->verbose;
	po.stop = &stop_signal;
	ng_diags *d = ng_diags_new();
	ng_prom *pc;
	*status = cli_exit_status(ng_prom_new(&po, &pc, d));
	ng_diags_render(d, "novagate", stderr);
	ng_diags_free(d);
	return pc;
}

/* Now, whole seconds, less --delay: data younger than that may not be in yet. */
static int64_t
now_at(const cli_opts *o)
{
	return cli_now_ms() / 1000 * 1000 - o->delay;
}

static bool
is_fault(int st)
{
	return st >= NG_ECONNECT && st <= NG_ETOOBIG;
}

static const char *
fault_kind(int st)
{
	static const char *const kinds[] = {
		[NG_ECONNECT - NG_ECONNECT] = "connect", [NG_ETIMEOUT - NG_ECONNECT] = "timeout",
		[NG_EHTTP - NG_ECONNECT] = "http", [NG_EAPI - NG_ECONNECT] = "api",
		[NG_EDECODE - NG_ECONNECT] = "decode", [NG_ESERIES - NG_ECONNECT] = "series",
		[NG_ETOOBIG - NG_ECONNECT] = "too-big",
	};

	return is_fault(st) ? kinds[st - NG_ECONNECT] : "error";
}

static int
push(void *ctx, int metric, bool baseline, int64_t t, double v, bool stale)
{
	(void)stale;
	/* the feed hands on each series in time order, within the years it checked */
	return ng_check_push(ctx, metric, baseline, t, v) == 0 ? 0 : NG_EDECODE;
}

static char *
dup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ng_realloc(NULL, n), s, n);
}

/*
 * Fetch into ctx with the diagnostics printed; the error's message is kept
 * for --on-error inconclusive.  Returns the feed's status.
 */
static int
fetch(ng_feed *f, int64_t at, ng_sample_fn fn, void *ctx, char **errline)
{
	ng_diags *d = ng_diags_new();
	int st = ng_feed_fetch(f, at, fn, ctx, d);

	ng_diags_render(d, "novagate", stderr);
	free(*errline);
	*errline = NULL;
	for (size_t i = 0; i < ng_diags_count(d) && !*errline; i++)
		if (ng_diags_get(d, i)->severity == NG_SEV_ERROR)
			*errline = dup(ng_diags_get(d, i)->message);
	if (!*errline)
		*errline = dup("");
	ng_diags_free(d);
	return st;
}

static json_t *
timestamp(int64_t t)
{
	char buf[40];

	ng_format_time(buf, sizeof buf, t);
	return json_string(buf);
}

static json_t *
error_json(int st, const char *msg)
{
	return json_pack("{s:i,s:s,s:s}", "status", st, "kind", fault_kind(st), "message", msg);
}

static void
put_line(json_t *o, FILE *out)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s) {
		fputs(s, out);
		fputc('\n', out);
		free(s);
	}
	json_decref(o);
	fflush(out);
}

/* --on-error inconclusive: every gate inconclusive, with the fault. */
static void
report_fault(const cli_opts *o, const ng_gatefile *gf, int gate, int64_t at, int st, const char *msg)
{
	for (int g = 0; g < ng_gatefile_ngates(gf); g++) {
		if (gate >= 0 && g != gate)
			continue;
		if (o->human) {
			printf("%s: inconclusive: the server failed: %s\n", ng_gatefile_gate_name(gf, g),
			       msg);
			continue;
		}
		json_t *j = json_object();
		json_object_set_new(j, "gate", json_string(ng_gatefile_gate_name(gf, g)));
		json_object_set_new(j, "file", json_string(o->file));
		json_object_set_new(j, "verdict", json_string("inconclusive"));
		json_object_set_new(j, "at", timestamp(at));
		json_object_set_new(j, "error", error_json(st, msg));
		put_line(j, stdout);
	}
	fflush(stdout);
}

static int
flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "novagate: cannot write to standard output\n");
		return NG_EIO;
	}
	return 0;
}

/* One fetch at one time: what check, record and baseline share. */
typedef struct shot {
	ng_prom *pc;
	ng_check *c;
	ng_feed *f;
	int64_t at;
	char *errline;		/* the fetch's error, for --on-error inconclusive */
} shot;

static int
shot_open(shot *s, const cli_opts *o, const ng_gatefile *gf, int gate, ng_feed_kind kind)
{
	int st;

	*s = (shot){ 0 };
	if (!(s->pc = client(o, gf, &st)))
		return st;
	s->at = o->has_at ? o->at : now_at(o);
	s->c = ng_check_new(gf, gate);
	ng_check_set_at(s->c, s->at);
	s->f = ng_feed_new(s->pc, gf, s->c, kind);
	return 0;
}

static int
shot_fetch(shot *s, ng_sample_fn fn, void *ctx)
{
	return fetch(s->f, s->at, fn, ctx, &s->errline);
}

static void
shot_close(shot *s)
{
	free(s->errline);
	ng_feed_free(s->f);
	ng_check_free(s->c);
	ng_prom_free(s->pc);
}

int
live_check(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	int st;
	ng_baseline *bf = NULL;
	shot s;

	if (o->baseline && (st = cli_baseline_load(o->baseline, &bf)) != 0)
		return st;
	if ((st = shot_open(&s, o, gf, gate, NG_FEED_CHECK)) != 0) {
		ng_baseline_free(bf);
		return st;
	}
	st = shot_fetch(&s, push, s.c);
	if (st == 0 && bf)
		st = cli_baseline_apply(bf, s.c, s.at, s.at);
	if (is_fault(st) && o->on_error_inconclusive) {
		report_fault(o, gf, gate, s.at, st, s.errline);
		st = EXIT_INCONCLUSIVE;
		int w = flush_stdout();
		st = w ? w : st;
	} else if (st == 0) {
		st = cli_verdict_status(ng_check_eval(s.c, s.at));
		ng_check_report(s.c, o->human, stdout);
		int w = flush_stdout();
		st = w ? w : st;
	}
	shot_close(&s);
	ng_baseline_free(bf);
	return st;
}

/* --- watch --------------------------------------------------------------- */

/*
 * One line of watch: the gate's verdict at t and its rules' states (as of
 * the last evaluation, if any).  verdict NULL: the gate's own.
 */
static void
watch_line(const cli_opts *o, const ng_gatefile *gf, const ng_check *c, int g, int64_t t, bool evaluated,
	   const char *verdict, bool final, const char *reason, int fault, const char *msg)
{
	ng_gate_info gi;
	int v = evaluated ? ng_check_verdict(c, g) : -1;

	if (!verdict)
		verdict = ng_verdict_name(v >= 0 ? (ng_verdict)v : NG_INCONCLUSIVE);
	if (o->human) {
		char ts[40] = "-";
		if (t != INT64_MIN)
			ng_format_time(ts, sizeof ts, t);
		printf("%s %s: %s", ts, ng_gatefile_gate_name(gf, g), verdict);
		if (final)
			printf(" (final: %s)", reason ? reason : "");
		if (fault)
			printf(": %s", msg);
		ng_gatefile_gate_info(gf, g, &gi);
		for (int r = 0; evaluated && r < gi.nrules; r++) {
			ng_rule_info ri;
			ng_gatefile_rule_info(gf, g, r, &ri);
			printf("%s%s=%s", r ? ", " : " [", ri.name ? ri.name : ng_rule_kind_name(ri.kind),
			       ng_state_name(ng_check_rule_state(c, g, r)));
		}
		puts(evaluated && gi.nrules ? "]" : "");
		return;
	}
	json_t *j = json_object(), *rules = json_array();
	json_object_set_new(j, "gate", json_string(ng_gatefile_gate_name(gf, g)));
	json_object_set_new(j, "at", t == INT64_MIN ? json_null() : timestamp(t));
	json_object_set_new(j, "verdict", json_string(verdict));
	json_object_set_new(j, "final", json_boolean(final));
	if (reason)
		json_object_set_new(j, "reason", json_string(reason));
	if (fault)
		json_object_set_new(j, "error", error_json(fault, msg));
	int d = evaluated ? ng_check_decided(c, g) : -1;
	ng_rule_info ri;
	if (d >= 0 && ng_gatefile_rule_info(gf, g, d, &ri) == 0)
		json_object_set_new(j, "decided_by", json_pack("{s:s,s:o}", "kind", ng_rule_kind_name(ri.kind), "name",
							       ri.name ? json_string(ri.name) : json_null()));
	ng_gatefile_gate_info(gf, g, &gi);
	for (int r = 0; r < gi.nrules; r++) {
		const char *state = evaluated ? ng_state_name(ng_check_rule_state(c, g, r)) : NULL;
		ng_gatefile_rule_info(gf, g, r, &ri);
		json_array_append_new(rules, json_pack("{s:s,s:o,s:o}", "kind", ng_rule_kind_name(ri.kind), "name",
						       ri.name ? json_string(ri.name) : json_null(), "state",
						       state ? json_string(state) : json_null()));
	}
	json_object_set_new(j, "rules", rules);
	put_line(j, stdout);
}

static void
watch_lines(const cli_opts *o, const ng_gatefile *gf, const ng_check *c, int gate, int64_t t, bool evaluated,
	    const char *verdict, bool final, const char *reason, int fault, const char *msg)
{
	for (int g = 0; g < ng_gatefile_ngates(gf); g++)
		if (gate < 0 || g == gate)
			watch_line(o, gf, c, g, t, evaluated, verdict, final, reason, fault, msg);
	fflush(stdout);
}

static void
nap(int64_t ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);	/* a signal cuts it short */
}


int
live_watch(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	int st;
	ng_baseline *bf = NULL;
	char *errline = NULL;
	int64_t tick = 0, window = 0;
	struct sigaction sa = { .sa_handler = on_signal }, old_int, old_term;

	if (o->baseline && (st = cli_baseline_load(o->baseline, &bf)) != 0)
		return st;
	ng_prom *pc = client(o, gf, &st);
	if (!pc) {
		ng_baseline_free(bf);
		return st;
	}
	ng_check *c = ng_check_new(gf, gate);
	ng_check_grid(c, &tick, &window);	/* windows are whole steps already */
	int64_t last_k = (window + tick - 1) / tick;
	/* steps on multiples of the step, as Prometheus' rule evaluations */
	int64_t t0 = cli_now_ms() - o->delay, started = cli_mono_ms(), t = INT64_MIN;

	t0 -= (t0 % tick + tick) % tick;
	bool evaluated = false;
	ng_feed *f = ng_feed_new(pc, gf, c, NG_FEED_CHECK);

	stop_signal = 0;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	for (int64_t k = 0;; k++) {
		/* wait for the step's time; catch up when behind */
		const char *why = NULL;
		for (;;) {
			int64_t now = cli_now_ms() - o->delay, left = t0 + k * tick - now;
			if (stop_signal)
				why = stop_signal == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)";
			else if (o->max_duration && cli_mono_ms() - started >= o->max_duration)
				why = "max duration";
			if (why || left <= 0) {
				if (!why && -left >= tick && k < last_k) {
					int64_t behind = (now - t0) / tick;
					k = behind < last_k ? behind : last_k;
				}
				break;
			}
			int64_t slice = left < 100 ? left : 100;
			if (o->max_duration) {
				int64_t rest = o->max_duration - (cli_mono_ms() - started);
				if (rest < slice)
					slice = rest > 0 ? rest : 0;
			}
			nap(slice);
		}
		if (why) {
			watch_lines(o, gf, c, gate, t, evaluated, "inconclusive", true, why, 0, NULL);
			st = EXIT_INCONCLUSIVE;
			break;
		}
		t = t0 + k * tick;
		ng_check_set_at(c, t);
		st = fetch(f, t, push, c, &errline);
		if (st == 0 && bf)
			st = cli_baseline_apply(bf, c, t0 + last_k * tick, t);
		if (st < 0) {
			const char *w = stop_signal == SIGINT ? "interrupted (SIGINT)" : "terminated (SIGTERM)";
			watch_lines(o, gf, c, gate, t, evaluated, "inconclusive", true, w, 0, NULL);
			st = EXIT_INCONCLUSIVE;
			break;
		}
		if (st) {
			if (is_fault(st) && o->on_error_inconclusive) {
				watch_lines(o, gf, c, gate, t, evaluated, "inconclusive", true, "source error", st,
					    errline);
				st = EXIT_INCONCLUSIVE;
			}
			break;
		}
		st = cli_verdict_status(ng_check_eval(c, t));
		evaluated = true;
		if (st == EXIT_ROLLBACK) {
			watch_lines(o, gf, c, gate, t, true, NULL, true, "rollback", 0, NULL);
			break;
		}
		if (k >= last_k) {
			watch_lines(o, gf, c, gate, t, true, NULL, true, "window elapsed", 0, NULL);
			break;
		}
		watch_lines(o, gf, c, gate, t, true, NULL, false, NULL, 0, NULL);
		if (ferror(stdout))
			break;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	int w = flush_stdout();
	st = w ? w : st;
	free(errline);
	ng_feed_free(f);
	ng_check_free(c);
	ng_prom_free(pc);
	ng_baseline_free(bf);
	return st;
}

/* --- record ------------------------------------------------------------- */

typedef struct recorder {
	const cli_opts *o;
	const ng_gatefile *gf;
	const ng_check *c;
	const char *server;
	int64_t at;
	bool header;
	int last_metric;
	FILE *out;
} recorder;

static void
record_header(recorder *r)
{
	char at[40];
	const cli_opts *o = r->o;

	if (r->header)
		return;
	r->header = true;
	ng_format_time(at, sizeof at, r->at);
	fprintf(r->out, "# novagate record: the samples %s%s%s reads, from %s, evaluated at %s.\n",
		o->file, o->gate ? " gate " : "", o->gate ? o->gate : "", r->server, at);
	fprintf(r->out, "# Each value is the server's result of the metric's query at that time; a sample\n"
		"# labelled __stale__ marks where the server had no value.  Replay:\n");
	fprintf(r->out, "#   novagate check %s --input FILE", o->file);
	if (o->gate)
		fprintf(r->out, " --gate %s", o->gate);
	for (int i = 0; i < o->nsets; i++)
		fprintf(r->out, " --set '%s=%s'", o->sets[i].name, o->sets[i].value);
	fprintf(r->out, " --at %s", at);
	for (int m = 0; m < ng_gatefile_nmetrics(r->gf); m++) {
		int64_t step, reach;
		if (!ng_gatefile_metric_query(r->gf, m, true) && ng_check_needs(r->c, m, true, &step, &reach)) {
			fprintf(r->out, " --baseline FILE.json\n#   (the gate reads recorded baselines: give the file"
				" the live check was given)");
			break;
		}
	}
	fputc('\n', r->out);
}

static int
record_sample(void *ctx, int metric, bool baseline, int64_t t, double v, bool stale)
{
	recorder *r = ctx;
	const char *name = ng_gatefile_metric_name(r->gf, metric);
	char val[64];

	record_header(r);
	if (metric != r->last_metric) {
		const char *q = ng_gatefile_metric_query(r->gf, metric, false);
		fprintf(r->out, "# HELP %s ", name);
		for (; *q; q++) {	/* HELP text escapes \ and newline */
			if (*q == '\\')
				fputs("\\\\", r->out);
			else if (*q == '\n')
				fputs("\\n", r->out);
			else
				fputc(*q, r->out);
		}
		fprintf(r->out, "\n# TYPE %s gauge\n", name);
		r->last_metric = metric;
	}
	if (stale)
		snprintf(val, sizeof val, "NaN");
	else
		ng_format_value(val, sizeof val, v);
	fprintf(r->out, "%s%s%s%s %s %lld\n", name, baseline || stale ? "{" : "",
		baseline ? (stale ? "role=\"baseline\"," : "role=\"baseline\"") : "",
		stale ? "__stale__=\"true\"}" : baseline ? "}" : "", val, (long long)t);
	return ferror(r->out) ? NG_EIO : 0;
}

int
live_record(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	shot s;
	int st = shot_open(&s, o, gf, gate, NG_FEED_CHECK);

	if (st)
		return st;
	recorder r = { .o = o, .gf = gf, .c = s.c, .server = ng_prom_url(s.pc), .at = s.at,
		       .last_metric = -1, .out = stdout };
	st = shot_fetch(&s, record_sample, &r);
	if (st == 0) {
		record_header(&r);
		st = flush_stdout();
	}
	shot_close(&s);
	return st;
}

/* --- baseline ----------------------------------------------------------- */

int
live_baseline(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	shot s;
	int st = shot_open(&s, o, gf, gate, NG_FEED_VALUES);

	if (st)
		return st;
	ng_baseline_rec *rec = ng_baseline_rec_new(gf);
	st = shot_fetch(&s, ng_baseline_rec_sample, rec);
	if (st == 0 && (st = ng_baseline_rec_write(rec, s.f, o->file, ng_prom_url(s.pc), s.at, stdout)))
		fprintf(stderr, "novagate: cannot write to standard output\n");
	ng_baseline_rec_free(rec);
	shot_close(&s);
	return st;
}
