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
	live_sink *sink;		/* of c: each series the check takes, as check --input will */
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
	fprintf(r->out, RECORD_MAGIC "the samples %s%s%s reads, from %s, evaluated at %s.\n",
		o->file, o->gate ? " gate " : "", o->gate ? o->gate : "", r->server, at);
	fprintf(r->out, "# Each value is the server's result of the metric's query at that time; a sample\n"
		"# labelled __stale__ marks where the server had no value.  Replay:\n");
	fprintf(r->out, "#   novagate check %s --input FILE", o->file);
	if (o->gate)
		fprintf(r->out, " --gate %s", o->gate);
	for (int i = 0; i < o->nsets; i++)
		fprintf(r->out, " --set '%s=%s'", o->sets[i].name, o->sets[i].value);
	fprintf(r->out, " --at %s", at);
	if (o->max_series > 0 && o->max_series != NG_MAX_SERIES_DEFAULT)
		fprintf(r->out, " --max-series %d", o->max_series);
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

/* A label's name or value in the text format: quoted, with \\, \" and \n escaped. */
static void
put_quoted(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '\\' || *s == '"')
			fputc('\\', out);
		if (*s == '\n')
			fputs("\\n", out);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

/* A name the text format takes unquoted: [a-zA-Z_][a-zA-Z0-9_]* (Prometheus 3 quotes the others). */
static bool
plain_name(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || *s == '_'))
			return false;
	return true;
}

/* Labels that are not the series' own (ng_check_series): the recording writes its own. */
static bool
not_own(const ng_label *l)
{
	return strcmp(l->name, "__name__") == 0 || strcmp(l->name, "__stale__") == 0 ||
	       strcmp(l->name, "__absent__") == 0 || strcmp(l->name, "__warning__") == 0 ||
	       (strcmp(l->name, "role") == 0 && strcmp(l->value, "baseline") == 0);
}

/* name{role="baseline",LABELS...,__stale__="true"} as each applies, the labels sorted as the feed gives them. */
static void
put_series(FILE *out, const char *name, bool baseline, const ng_label *labels, size_t n, bool stale)
{
	bool any = false;

	fputs(name, out);
	if (baseline) {
		fputs("{role=\"baseline\"", out);
		any = true;
	}
	for (size_t i = 0; i < n; i++) {
		/* a baseline's own role (role="canary") cannot go beside role="baseline" */
		if (not_own(&labels[i]) || (baseline && strcmp(labels[i].name, "role") == 0))
			continue;
		fputs(any ? "," : "{", out);
		any = true;
		if (plain_name(labels[i].name))
			fputs(labels[i].name, out);
		else
			put_quoted(out, labels[i].name);
		fputc('=', out);
		put_quoted(out, labels[i].value);
	}
	if (stale) {
		fputs(any ? "," : "{", out);
		fputs("__stale__=\"true\"", out);
		any = true;
	}
	if (any)
		fputc('}', out);
}

static int
record_sample(void *ctx, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels, int64_t t,
	      double v, bool stale)
{
	recorder *r = ctx;
	const char *name = ng_gatefile_metric_name(r->gf, metric);
	char val[64];

	/* what the check would refuse (a second series of a metric without `by` ...) is not recorded */
	if (live_sink_handle(r->sink, metric, baseline, sid, labels, nlabels) < 0)
		return NG_ESERIES;
	record_header(r);
	bool first = metric != r->last_metric || baseline != r->last_baseline;	/* of a query */
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
		const char *q = ng_feed_absent(r->f, metric, baseline), *why = ng_feed_doubt(r->f, metric, baseline);
		if (why) {	/* the evidence of ng_check_doubt */
			fprintf(r->out, "# Of %s%s: %s.\n%s{%s__warning__=", baseline ? "the baseline of " : "", name, why,
				name, baseline ? "role=\"baseline\"," : "");
			put_quoted(r->out, why);
			fprintf(r->out, "} NaN %lld\n", (long long)r->at);
		}
		if (q) {	/* the evidence of ng_check_absent, for the replay */
			fprintf(r->out, "# The server has no series of %s.\n%s{%s__absent__=", q, name,
				baseline ? "role=\"baseline\"," : "");
			put_quoted(r->out, q);
			fprintf(r->out, "} NaN %lld\n", (long long)r->at);
		}
	}
	if (stale)
		snprintf(val, sizeof val, "NaN");
	else
		ng_format_value(val, sizeof val, v);
	put_series(r->out, name, baseline, labels, nlabels, stale);
	fprintf(r->out, " %s %lld\n", val, (long long)t);
	return ferror(r->out) ? NG_EIO : 0;
}

/* The recording, written in full to standard output: 0 or NG_EIO. */
static int
copy_out(FILE *tmp)
{
	char buf[65536];
	size_t n;

	if (fflush(tmp) != 0 || ferror(tmp) || fseek(tmp, 0, SEEK_SET) != 0)
		return NG_EIO;
	while ((n = fread(buf, 1, sizeof buf, tmp)) > 0)
		if (fwrite(buf, 1, n, stdout) != n)
			return NG_EIO;
	return ferror(tmp) ? NG_EIO : 0;
}

int
live_record(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	live_shot s;
	int st = live_shot_open(&s, o, gf, gate, NG_FEED_CHECK);

	if (st)
		return st;
	/*
	 * Into a file of its own first: a series the check refuses may come
	 * after others were written, and a fault writes nothing
	 */
	FILE *tmp = tmpfile();
	recorder r = { .o = o, .gf = gf, .c = s.c, .sink = &s.sink, .f = s.f, .server = ng_prom_url(s.pc),
		       .at = s.at, .last_metric = -1, .out = tmp ? tmp : stdout };
	int rc = live_shot_fetch(&s, record_sample, &r);
	if (rc == 0)
		record_header(&r);
	if (rc == 0 && tmp)
		rc = copy_out(tmp);
	if (rc == NG_EIO)
		fprintf(stderr, "novagate: cannot write to standard output\n");
	if (rc == 0)
		st = live_flush_stdout();
	else
		st = cli_exit_status(rc);
	if (tmp)
		fclose(tmp);
	live_shot_close(&s);
	return st;
}

/* novagate baseline: each series as the check takes it, then into the recorder. */
typedef struct brec {
	live_sink *sink;
	ng_baseline_rec *rec;
} brec;

static int
baseline_sample(void *ctx, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels, int64_t t,
		double v, bool stale)
{
	brec *b = ctx;

	if (live_sink_handle(b->sink, metric, baseline, sid, labels, nlabels) < 0)
		return NG_ESERIES;
	return ng_baseline_rec_sample(b->rec, metric, baseline, sid, labels, nlabels, t, v, stale);
}

int
live_baseline(const cli_opts *o, const ng_gatefile *gf, int gate)
{
	live_shot s;
	int st = live_shot_open(&s, o, gf, gate, NG_FEED_VALUES);

	if (st)
		return st;
	ng_baseline_rec *rec = ng_baseline_rec_new(gf);
	brec b = { &s.sink, rec };
	int rc = live_shot_fetch(&s, baseline_sample, &b);
	if (rc == 0 && (rc = ng_baseline_rec_write(rec, s.f, o->file, ng_prom_url(s.pc), s.at, stdout)))
		fprintf(stderr, "novagate: cannot write to standard output\n");
	ng_baseline_rec_free(rec);
	live_shot_close(&s);
	return cli_exit_status(rc);
}
