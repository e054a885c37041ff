/* baseline.c: recorded baselines, written by `novagate baseline`, read by `check --baseline`. */
#include "baseline.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
fmt_sample_value(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "NaN");
	else if (isinf(v))
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
	else
		util_fmt_double(buf, size, v);
}

/* --- reading ----------------------------------------------------------------- */

typedef struct bentry {
	const char *name;		/* a key of the JSON object */
	bool constant;
	double value;
	prom_point *pts;
	bool *stale;
	size_t n;
	size_t next;			/* values: the next to push */
	int64_t next_t;			/* value: the next time to push it at */
} bentry;

struct baseline_file {
	json_t *root;
	int64_t at;
	bentry *e;
	size_t n;
	bool applied;
};

void
baseline_free(baseline_file *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		free(b->e[i].pts);
		free(b->e[i].stale);
	}
	free(b->e);
	json_decref(b->root);
	free(b);
}

static baseline_file *bad(const char *path, baseline_file *b, int *status, FILE *errs, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static baseline_file *
bad(const char *path, baseline_file *b, int *status, FILE *errs, const char *fmt, ...)
{
	va_list ap;

	fprintf(errs, "%s: error: ", path);
	va_start(ap, fmt);
	vfprintf(errs, fmt, ap);
	va_end(ap);
	fputc('\n', errs);
	baseline_free(b);
	*status = NG_EINPUT;
	return NULL;
}

/* A time of the file, in the years 1 to 9999 as every sample's: shifts cannot overflow. */
static bool
in_range(int64_t t)
{
	return t >= NG_MIN_TIME_MS && t <= NG_MAX_TIME_MS;
}

/* values: [[unix seconds, value or null], ...] in increasing time. */
static baseline_file *
load_values(const char *path, baseline_file *b, bentry *e, const json_t *vals, int *status, FILE *errs)
{
	const char *key = e->name;
	const json_t *p;
	size_t i;

	e->pts = xcalloc(json_array_size(vals) + 1, sizeof *e->pts);
	e->stale = xcalloc(json_array_size(vals) + 1, sizeof *e->stale);
	json_array_foreach(vals, i, p) {
		const json_t *x = json_array_get(p, 1);
		if (!json_is_array(p) || json_array_size(p) != 2 ||
		    prom_json_ts(json_array_get(p, 0), &e->pts[i].t) < 0)
			return bad(path, b, status, errs, "metric \"%s\": a value is not [unix seconds, value]", key);
		if (!in_range(e->pts[i].t))
			return bad(path, b, status, errs, "metric \"%s\": a time outside the years 1 to 9999", key);
		if (i && e->pts[i].t <= e->pts[i - 1].t)
			return bad(path, b, status, errs, "metric \"%s\": values out of time order", key);
		e->stale[i] = json_is_null(x);
		if (!e->stale[i] && prom_json_value(x, &e->pts[i].v) < 0)
			return bad(path, b, status, errs, "metric \"%s\": a value is not a number or null", key);
		e->n++;
	}
	return b;
}

/* The file's object, read: b, or NULL after a message. */
static baseline_file *
load_root(const char *path, baseline_file *b, int *status, FILE *errs)
{
	const json_t *metrics, *v, *at;
	const char *key;

	if (!json_is_object(b->root) || json_integer_value(json_object_get(b->root, "novagate_baseline")) != 1)
		return bad(path, b, status, errs, "not a baseline file of novagate (no \"novagate_baseline\": 1)");
	at = json_object_get(b->root, "at");
	if (!(json_is_string(at) ? util_parse_time(json_string_value(at), &b->at) == 0
				 : prom_json_ts(at, &b->at) == 0))
		return bad(path, b, status, errs, "\"at\" is not a time (RFC 3339 or unix seconds)");
	if (!in_range(b->at))
		return bad(path, b, status, errs, "\"at\" is outside the years 1 to 9999");
	metrics = json_object_get(b->root, "metrics");
	if (!json_is_object(metrics))
		return bad(path, b, status, errs, "no \"metrics\" object");
	b->e = xcalloc(json_object_size(metrics) + 1, sizeof *b->e);
	json_object_foreach((json_t *)metrics, key, v) {
		bentry *e = &b->e[b->n++];
		const json_t *vals = json_object_get(v, "values"), *val = json_object_get(v, "value");

		e->name = key;
		if (!json_is_object(v))
			return bad(path, b, status, errs, "metric \"%s\" is not an object", key);
		if (val && !vals) {
			e->constant = true;
			if (prom_json_value(val, &e->value) < 0)
				return bad(path, b, status, errs, "metric \"%s\": \"value\" is not a number", key);
			continue;
		}
		if (!json_is_array(vals))
			return bad(path, b, status, errs, "metric \"%s\" has no \"values\" array (or \"value\")", key);
		if (!load_values(path, b, e, vals, status, errs))
			return NULL;
	}
	*status = 0;
	return b;
}

baseline_file *
baseline_load_mem(const char *path, const char *text, size_t len, FILE *errs, int *status)
{
	json_error_t err;
	baseline_file *b = xcalloc(1, sizeof *b);

	b->root = json_loadb(text, len, 0, &err);
	if (!b->root) {
		fprintf(errs, "%s:%d:%d: error: %s\n", path, err.line, err.column, err.text);
		*status = NG_EINPUT;
		baseline_free(b);
		return NULL;
	}
	return load_root(path, b, status, errs);
}

baseline_file *
baseline_load(const char *path, FILE *errs, int *status)
{
	size_t len;
	char *text = util_read_file(path, &len);
	baseline_file *b;

	if (!text) {
		fprintf(errs, "novagate: %s: %s\n", path, strerror(errno));
		*status = NG_EIO;
		return NULL;
	}
	b = baseline_load_mem(path, text, len, errs, status);
	free(text);
	return b;
}

/* Load ordered the values: a push fails only for a time the shift moved out of range. */
static int
out_of_range(const char *name, FILE *errs)
{
	fprintf(errs, "novagate: the baseline of %s, moved to the check's time, falls outside the years 1 to 9999\n",
		name);
	return NG_EINPUT;
}

int
baseline_apply(baseline_file *b, const ng_gatefile *gf, ng_check *c, int64_t anchor, int64_t upto,
	       FILE *errs)
{
	bool first = !b->applied;

	b->applied = true;
	for (int m = 0; m < ng_gatefile_nmetrics(gf); m++) {
		const char *name = ng_gatefile_metric_name(gf, m);
		int64_t step, reach;
		bentry *e = NULL;

		if (!ng_check_needs(c, m, true, &step, &reach) || ng_gatefile_metric_query(gf, m, true))
			continue;
		for (size_t i = 0; i < b->n && !e; i++)
			if (strcmp(b->e[i].name, name) == 0)
				e = &b->e[i];
		if (!e) {
			if (first)
				fprintf(errs, "novagate: warning: the baseline file records no metric '%s': "
					"its baseline is missing\n", name);
			continue;
		}
		if (first && ng_check_samples(c, m, true) > 0) {
			fprintf(errs, "novagate: the input has samples of the baseline of %s, and so has the "
				"baseline file: give one of them\n", name);
			return NG_EINPUT;
		}
		if (e->constant) {
			/* a sample every step from as far back as the first evaluation reads */
			if (first)
				e->next_t = upto - (reach + step - 1) / step * step;
			for (; e->next_t <= upto; e->next_t += step)
				if (ng_check_push(c, m, true, e->next_t, e->value) != 0)
					return out_of_range(name, errs);
			continue;
		}
		for (; e->next < e->n; e->next++) {
			int64_t t = e->pts[e->next].t + (anchor - b->at);
			if (t > upto)
				break;
			if (ng_check_push(c, m, true, t, e->stale[e->next] ? ng_stale_nan() : e->pts[e->next].v) != 0)
				return out_of_range(name, errs);
		}
	}
	return 0;
}

/* --- writing ------------------------------------------------------------------ */

typedef struct rseries {
	prom_point *pts;
	bool *stale;
	size_t n, cap;
} rseries;

struct baseline_rec {
	const ng_gatefile *gf;
	rseries *s;		/* per metric: its values */
};

baseline_rec *
baseline_rec_new(const ng_gatefile *gf)
{
	baseline_rec *r = xcalloc(1, sizeof *r);

	r->gf = gf;
	r->s = xcalloc((size_t)ng_gatefile_nmetrics(gf) + 1, sizeof *r->s);
	return r;
}

void
baseline_rec_free(baseline_rec *r)
{
	if (!r)
		return;
	for (int m = 0; m < ng_gatefile_nmetrics(r->gf); m++) {
		free(r->s[m].pts);
		free(r->s[m].stale);
	}
	free(r->s);
	free(r);
}

int
baseline_rec_sample(void *ctx, int metric, bool baseline, int64_t t, double v, bool stale)
{
	baseline_rec *r = ctx;
	rseries *s = &r->s[metric];

	if (baseline)
		return 0;
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->pts = xrealloc(s->pts, s->cap * sizeof *s->pts);
		s->stale = xrealloc(s->stale, s->cap * sizeof *s->stale);
	}
	s->pts[s->n] = (prom_point){ t, v };
	s->stale[s->n++] = stale;
	return 0;
}

static void
put_string(FILE *out, const char *s)
{
	json_t *j = json_string(s);
	char *txt = j ? json_dumps(j, JSON_ENCODE_ANY) : NULL;

	fputs(txt ? txt : "\"\"", out);
	free(txt);
	json_decref(j);
}

static void
put_seconds(FILE *out, int64_t ms)
{
	uint64_t a = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;

	fprintf(out, "%s%llu", ms < 0 ? "-" : "", (unsigned long long)(a / 1000));
	if (a % 1000)
		fprintf(out, ".%03llu", (unsigned long long)(a % 1000));
}

int
baseline_rec_write(baseline_rec *r, const prom_feed *f, const char *file, const char *server,
		   int64_t at, FILE *out)
{
	char buf[64];
	bool first = true;

	fputs("{\"novagate_baseline\": 1,\n \"file\": ", out);
	put_string(out, file);
	fputs(",\n \"server\": ", out);
	put_string(out, server);
	util_fmt_time(buf, sizeof buf, at);
	fprintf(out, ",\n \"at\": \"%s\",\n \"metrics\": {", buf);
	for (int i = 0; i < prom_feed_nseries(f); i++) {
		int m;
		bool b;
		const char *query;
		int64_t step, from;
		prom_feed_series(f, i, &m, &b, &query, &step, &from);
		const rseries *s = &r->s[m];
		fprintf(out, "%s\n  ", first ? "" : ",");
		put_string(out, ng_gatefile_metric_name(r->gf, m));
		fputs(": {\"query\": ", out);
		put_string(out, query);
		util_fmt_duration(buf, sizeof buf, step);
		fprintf(out, ", \"step\": \"%s\"", buf);
		util_fmt_time(buf, sizeof buf, from);
		fprintf(out, ", \"from\": \"%s\", \"values\": [", buf);
		for (size_t k = 0; k < s->n; k++) {
			fputs(k ? ",\n    [" : "\n    [", out);
			put_seconds(out, s->pts[k].t);
			if (s->stale[k]) {
				fputs(", null]", out);
			} else {
				fmt_sample_value(buf, sizeof buf, s->pts[k].v);
				fprintf(out, ", \"%s\"]", buf);
			}
		}
		fputs("]}", out);
		first = false;
	}
	fputs("\n }}\n", out);
	return fflush(out) != 0 || ferror(out) ? NG_EIO : 0;
}
