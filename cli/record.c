/*
 * record.c: `novagate record` writes the samples a check would read, in
 * the text format, so that `check --input` replays the very same verdict;
 * `novagate baseline` writes each metric's values as a recorded baseline.
 */
#include "live.h"

#include <string.h>

typedef struct recorder {
	const cli_opts *o;
	const ng_gatefile *gf;
	const ng_check *c;
	const ng_feed *f;
	const char *server;
	int64_t at;
	bool header;
	int last_metric;
	bool last_baseline;
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
	bool first = metric != r->last_metric || baseline != r->last_baseline;	/* of a series */
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
	r->last_baseline = baseline;
	if (first) {
		const char *q = ng_feed_absent(r->f, metric, baseline);
		if (q) {	/* the evidence of ng_check_absent, for the replay */
			fprintf(r->out, "# The server has no series of %s.\n%s{%s__absent__=\"", q, name,
				baseline ? "role=\"baseline\"," : "");
			for (; *q; q++) {	/* a label value escapes \\, " and newline */
				if (*q == '\\' || *q == '"')
					fputc('\\', r->out);
				fputc(*q, r->out);
			}
			fprintf(r->out, "\"} NaN %lld\n", (long long)r->at);
		}
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
	live_shot s;
	int st = live_shot_open(&s, o, gf, gate, NG_FEED_CHECK);

	if (st)
		return st;
	recorder r = { .o = o, .gf = gf, .c = s.c, .f = s.f, .server = ng_prom_url(s.pc), .at = s.at,
		       .last_metric = -1, .out = stdout };
	int rc = live_shot_fetch(&s, record_sample, &r);
	if (rc == NG_EIO)
		fprintf(stderr, "novagate: cannot write to standard output\n");
	if (rc == 0) {
		record_header(&r);
		st = live_flush_stdout();
	} else {
		st = cli_exit_status(rc);
	}
	live_shot_close(&s);
	return st;
}

int
live_baseline(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	live_shot s;
	int st = live_shot_open(&s, o, gf, gate, NG_FEED_VALUES);

	if (st)
		return st;
	ng_baseline_rec *rec = ng_baseline_rec_new(gf);
	int rc = live_shot_fetch(&s, ng_baseline_rec_sample, rec);
	if (rc == 0 && (rc = ng_baseline_rec_write(rec, s.f, o->file, ng_prom_url(s.pc), s.at, stdout)))
		fprintf(stderr, "novagate: cannot write to standard output\n");
	ng_baseline_rec_free(rec);
	live_shot_close(&s);
	return cli_exit_status(rc);
}
