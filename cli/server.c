/*
 * server.c: what the commands that read a server share (the client, one
 * fetch with its diagnostics printed, the JSON of a fault), and check
 * --prometheus.  The server only feeds samples into the engine (each
 * series it returns made an ng_check_series, ng_check_push_to); the
 * verdicts come from the same compiler, VM and report as with --input.
 */
#include "live.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

volatile sig_atomic_t live_stop;

void
live_on_signal(int sig)
{
	live_stop = sig;
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

ng_prom *
live_client(const cli_opts *o, const ng_gatefile *gf, int *status)
{
	ng_prom_opts po = o->prom;
	ng_prom *pc;

	po.url = live_url(o, gf);
	if (!po.url) {
		fprintf(stderr, "novagate: %s needs a server: --prometheus URL, NOVAGATE_PROMETHEUS_URL or "
			"`prometheus \"URL\"` in %s\n", o->cmd, o->file);
		*status = EXIT_USAGE;
		return NULL;
	}
	po.headers = o->headers;
	po.nheaders = o->nheaders;
	po.verbose = o->verbose;
	po.stop = &live_stop;
	ng_diags *d = ng_diags_new();
	*status = cli_done(d, ng_prom_new(&po, &pc, d));
	return pc;
}

bool
live_is_fault(ng_errcode rc)
{
	return rc >= NG_ECONNECT && rc <= NG_ETOOBIG;
}

int
live_max_series(const cli_opts *o)
{
	return o->max_series > 0 ? o->max_series : NG_MAX_SERIES_DEFAULT;
}

void
live_sink_init(live_sink *s, ng_check *c)
{
	*s = (live_sink){ .c = c };
}

void
live_sink_free(live_sink *s)
{
	free(s->handle);
	s->handle = NULL;
	s->nhandle = 0;
}

int
live_sink_handle(live_sink *s, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels)
{
	if (sid >= s->nhandle) {
		int n = s->nhandle ? s->nhandle : 16;
		while (n <= sid)
			n *= 2;
		s->handle = ng_realloc(s->handle, (size_t)n * sizeof *s->handle);
		for (int i = s->nhandle; i < n; i++)
			s->handle[i] = -1;
		s->nhandle = n;
	}
	if (s->handle[sid] < 0)
		s->handle[sid] = ng_check_series(s->c, metric, baseline, labels, nlabels, s->d);
	return s->handle[sid];
}

int
live_push(void *ctx, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels, int64_t t,
	  double v, bool stale)
{
	live_sink *s = ctx;
	int h = live_sink_handle(s, metric, baseline, sid, labels, nlabels);

	(void)stale;
	if (h < 0)
		return NG_ESERIES;	/* why is in the fetch's diagnostics */
	/* the feed hands on each series in time order, within the years it checked: never silent all the same */
	if (ng_check_push_to(s->c, h, t, v) == 0)
		return 0;
	fprintf(stderr, "novagate: bad response: a sample of %s%s at %lld ms out of time order or range\n",
		baseline ? "the baseline of " : "", ng_gatefile_metric_name(ng_check_gatefile(s->c), metric),
		(long long)t);
	return NG_EDECODE;
}

static char *
dup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ng_realloc(NULL, n), s, n);
}

int
live_fetch(ng_feed *f, int64_t at, ng_sample_fn fn, void *ctx, live_sink *sink, char **errline, ng_diags *held)
{
	ng_diags *d = held ? held : ng_diags_new();

	ng_diags_clear(d);
	if (sink)
		sink->d = d;
	int rc = ng_feed_fetch(f, at, fn, ctx, d);
	if (sink)
		sink->d = NULL;
	free(*errline);
	*errline = NULL;
	for (size_t i = 0; i < ng_diags_count(d); i++) {
		const ng_diag *dg = ng_diags_get(d, i);
		if (dg->severity == NG_SEV_ERROR && !*errline)
			*errline = dup(dg->message);
		if (dg->severity != NG_SEV_ERROR || !held)
			ng_diag_render(dg, "novagate", stderr);
	}
	if (!*errline)
		*errline = dup("");
	if (!held)
		ng_diags_free(d);
	return rc;
}

void
live_absent(const ng_feed *f, ng_check *c, bool quiet)
{
	const ng_gatefile *gf = ng_check_gatefile(c);

	for (int m = 0; m < ng_gatefile_nmetrics(gf); m++)
		for (int b = 0; b < 2; b++) {
			if (ng_check_doubt(c, m, b, ng_feed_doubt(f, m, b)) && !quiet)
				fprintf(stderr, "novagate: warning: %s\n", ng_check_absent_why(c, m, b));
			const char *sel = ng_feed_absent(f, m, b);
			bool had = ng_check_absent_why(c, m, b) != NULL;
			if (!sel && had) {
				ng_check_absent(c, m, b, NULL);	/* it came after all */
			} else if (sel && !had) {
				ng_check_absent(c, m, b, sel);
				if (!quiet)
					fprintf(stderr, "novagate: warning: %s\n", ng_check_absent_why(c, m, b));
			}
		}
}

int64_t
live_now_at(const cli_opts *o, const ng_check *c)
{
	int64_t step, window, at = cli_now_ms() - o->delay;

	ng_check_grid(c, &step, &window);
	if (step <= 0)		/* no gate: whole seconds */
		step = 1000;
	return at - (at % step + step) % step;
}

json_t *
live_timestamp(int64_t t)
{
	char buf[40];

	ng_format_time(buf, sizeof buf, t);
	return json_string(buf);
}

json_t *
live_error_json(ng_errcode rc, const char *msg)
{
	return json_pack("{s:i,s:s,s:s}", "status", cli_exit_status(rc), "kind", ng_errcode_name(rc),
			 "message", msg);
}

void
live_put_line(json_t *o, FILE *out)
{
	char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));	/* as the reports */

	if (s) {
		fputs(s, out);
		fputc('\n', out);
		free(s);
	}
	json_decref(o);
	fflush(out);
}

int
live_flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "novagate: cannot write to standard output\n");
		return EXIT_IO;
	}
	return 0;
}

int
live_shot_open(live_shot *s, const cli_opts *o, const ng_gatefile *gf, int gate, ng_feed_kind kind)
{
	int st;

	*s = (live_shot){ 0 };
	if (!(s->pc = live_client(o, gf, &st)))
		return st;
	s->c = ng_check_new(gf, gate);
	ng_check_set_max_series(s->c, live_max_series(o));
	if (o->report_series)
		ng_check_set_report_series(s->c, o->report_series);
	s->at = o->has_at ? o->at : live_now_at(o, s->c);
	ng_check_set_at(s->c, s->at);
	s->f = ng_feed_new(s->pc, gf, s->c, kind);
	ng_feed_set_max_series(s->f, live_max_series(o));
	live_sink_init(&s->sink, s->c);
	return 0;
}

int
live_shot_fetch(live_shot *s, ng_sample_fn fn, void *ctx)
{
	return live_fetch(s->f, s->at, fn, ctx, &s->sink, &s->errline, NULL);
}

void
live_shot_close(live_shot *s)
{
	live_sink_free(&s->sink);
	free(s->errline);
	ng_feed_free(s->f);
	ng_check_free(s->c);
	ng_prom_free(s->pc);
}

json_t *
live_fault_json(const char *file, const char *gate, int64_t at, ng_errcode rc, const char *msg)
{
	json_t *j = json_object();

	json_object_set_new(j, "gate", json_string(gate));
	json_object_set_new(j, "file", json_string(file));
	json_object_set_new(j, "verdict", json_string(ng_verdict_name(NG_INCONCLUSIVE)));
	json_object_set_new(j, "at", live_timestamp(at));
	json_object_set_new(j, "error", live_error_json(rc, msg));
	return j;
}

/* --on-error inconclusive: every gate inconclusive, with the fault. */
static void
report_fault(const cli_opts *o, const ng_gatefile *gf, int gate, int64_t at, ng_errcode rc, const char *msg)
{
	for (int g = 0; g < ng_gatefile_ngates(gf); g++) {
		if (gate >= 0 && g != gate)
			continue;
		if (o->human)
			printf("%s: inconclusive: the server failed: %s\n", ng_gatefile_gate_name(gf, g), msg);
		else
			live_put_line(live_fault_json(o->file, ng_gatefile_gate_name(gf, g), at, rc, msg), stdout);
	}
	fflush(stdout);
}

int
live_check(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	int st;
	ng_baseline *bf = NULL;
	live_shot s;

	if (o->baseline && (st = cli_baseline_load(o->baseline, &bf)) != 0)
		return st;
	if ((st = live_shot_open(&s, o, gf, gate, NG_FEED_CHECK)) != 0) {
		ng_baseline_free(bf);
		return st;
	}
	int rc = live_shot_fetch(&s, live_push, &s.sink);
	if (rc == 0)
		live_absent(s.f, s.c, false);
	if (rc == 0 && bf)
		st = cli_baseline_apply(bf, s.c, s.at, s.at);
	if (rc && live_is_fault(rc) && o->on_error_inconclusive) {
		report_fault(o, gf, gate, s.at, rc, s.errline);
		st = live_flush_stdout();
		st = st ? st : EXIT_INCONCLUSIVE;
	} else if (rc) {
		st = cli_exit_status(rc);
	} else if (st == 0) {
		ng_verdict v = ng_check_eval(s.c, s.at);
		ng_report_opts ro = cli_report_opts(o);
		ng_check_report_ex(s.c, &ro, stdout);
		st = live_flush_stdout();
		if (!st && o->report)
			st = cli_report_html(s.c, NULL, o->report);
		st = st ? st : cli_verdict_status(v);
	}
	live_shot_close(&s);
	ng_baseline_free(bf);
	return st;
}
