/* baseline.c: recorded baselines, written by `novagate baseline`, read by `check --baseline`. */
#include "baseline.h"
#include "error.h"
#include "util.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void
ng_format_value(char *buf, size_t size, double v)
{
	if (isnan(v))
		snprintf(buf, size, "NaN");
	else if (isinf(v))
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
	else
		util_fmt_double(buf, size, v);
}

/* --- reading ----------------------------------------------------------------- */

/* The values of one series of a metric: a metric's "values", or one of its "series" with its labels. */
typedef struct bseries {
	ng_label *labels;		/* their strings are the JSON's */
	size_t nlabels;
	prom_point *pts;
	bool *stale;
	size_t n;
	size_t next;			/* the next to push */
	int handle;			/* of ng_check_series, once asked; -1 before */
} bseries;

typedef struct bentry {
	const char *name;		/* a key of the JSON object */
	bool constant;
	double value;
	int64_t next_t;			/* value: the next time to push it at */
	bseries *s;			/* "values": one, without labels; "series": each */
	size_t ns;
} bentry;

struct ng_baseline {
	json_t *root;
	int64_t at;
	bentry *e;
	size_t n;
	bool applied;
};

void
ng_baseline_free(ng_baseline *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		for (size_t j = 0; j < b->e[i].ns; j++) {
			free(b->e[i].s[j].labels);
			free(b->e[i].s[j].pts);
			free(b->e[i].s[j].stale);
		}
		free(b->e[i].s);
	}
	free(b->e);
	json_decref(b->root);
	free(b);
}

static ng_errcode bad(const char *path, ng_diags *d, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static ng_errcode
bad(const char *path, ng_diags *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vadd(d, NG_SEV_ERROR, NG_EINPUT, ERR_FILE(path), fmt, ap);
	va_end(ap);
	return NG_EINPUT;
}

/* A time of the file, in the years 1 to 9999 as every sample's: shifts cannot overflow. */
static bool
in_range(int64_t t)
{
	return t >= NG_MIN_TIME_MS && t <= NG_MAX_TIME_MS;
}

/* values: [[unix seconds, value or null], ...] in increasing time. */
static ng_errcode
load_values(const char *path, const char *key, bseries *e, const json_t *vals, ng_diags *d)
{
	const json_t *p;
	size_t i;

	e->handle = -1;
	if (!json_is_array(vals))
		return bad(path, d, "metric \"%s\": a series has no \"values\" array", key);
	e->pts = xcalloc(json_array_size(vals) + 1, sizeof *e->pts);
	e->stale = xcalloc(json_array_size(vals) + 1, sizeof *e->stale);
	json_array_foreach(vals, i, p) {
		const json_t *x = json_array_get(p, 1);
		if (!json_is_array(p) || json_array_size(p) != 2 ||
		    prom_json_ts(json_array_get(p, 0), &e->pts[i].t) < 0)
			return bad(path, d, "metric \"%s\": a value is not [unix seconds, value]", key);
		if (!in_range(e->pts[i].t))
			return bad(path, d, "metric \"%s\": a time outside the years 1 to 9999", key);
		if (i && e->pts[i].t <= e->pts[i - 1].t)
			return bad(path, d, "metric \"%s\": values out of time order", key);
		e->stale[i] = json_is_null(x);
		if (!e->stale[i] && prom_json_value(x, &e->pts[i].v) < 0)
			return bad(path, d, "metric \"%s\": a value is not a number or null", key);
		e->n++;
	}
	return NG_OK;
}

/* series: [{"labels": {"NAME": "VALUE", ...}, "values": [...]}, ...], a metric declared with `by`. */
static ng_errcode
load_series(const char *path, bentry *e, const json_t *ser, ng_diags *d)
{
	const json_t *o, *v;
	const char *k;
	size_t i;

	e->s = xcalloc(json_array_size(ser) + 1, sizeof *e->s);
	json_array_foreach(ser, i, o) {
		bseries *bs = &e->s[e->ns++];
		const json_t *labels = json_object_get(o, "labels");
		bs->handle = -1;
		if (!json_is_object(o) || (labels && !json_is_object(labels)))
			return bad(path, d, "metric \"%s\": series %zu is not {\"labels\": {...}, \"values\": [...]}",
				   e->name, i + 1);
		bs->labels = xcalloc(json_object_size(labels) + 1, sizeof *bs->labels);
		json_object_foreach((json_t *)labels, k, v) {
			if (!json_is_string(v))
				return bad(path, d, "metric \"%s\": series %zu: the label %s is not a string", e->name,
					   i + 1, k);
			bs->labels[bs->nlabels++] = (ng_label){ k, json_string_value(v) };
		}
		if (load_values(path, e->name, bs, json_object_get(o, "values"), d) != NG_OK)
			return NG_EINPUT;
	}
	return NG_OK;
}

/* The file's object, read into b. */
static ng_errcode
load_root(const char *path, ng_baseline *b, ng_diags *d)
{
	const json_t *metrics, *v, *at;
	const char *key;

	if (!json_is_object(b->root) || json_integer_value(json_object_get(b->root, "novagate_baseline")) != 1)
		return bad(path, d, "not a baseline file of novagate (no \"novagate_baseline\": 1)");
	at = json_object_get(b->root, "at");
	if (!(json_is_string(at) ? util_parse_time(json_string_value(at), &b->at) == 0
				 : prom_json_ts(at, &b->at) == 0))
		return bad(path, d, "\"at\" is not a time (RFC 3339 or unix seconds)");
	if (!in_range(b->at))
		return bad(path, d, "\"at\" is outside the years 1 to 9999");
	metrics = json_object_get(b->root, "metrics");
	if (!json_is_object(metrics))
		return bad(path, d, "no \"metrics\" object");
	b->e = xcalloc(json_object_size(metrics) + 1, sizeof *b->e);
	json_object_foreach((json_t *)metrics, key, v) {
		bentry *e = &b->e[b->n++];
		const json_t *vals = json_object_get(v, "values"), *val = json_object_get(v, "value");
		const json_t *ser = json_object_get(v, "series");

		e->name = key;
		if (!json_is_object(v))
			return bad(path, d, "metric \"%s\" is not an object", key);
		if (val && !vals && !ser) {
			e->constant = true;
			if (prom_json_value(val, &e->value) < 0)
				return bad(path, d, "metric \"%s\": \"value\" is not a number", key);
			continue;
		}
		if (json_is_array(ser) && !vals) {
			if (load_series(path, e, ser, d) != NG_OK)
				return NG_EINPUT;
			continue;
		}
		if (!json_is_array(vals) || ser)
			return bad(path, d, "metric \"%s\" has no \"values\" array (or \"value\", or \"series\")", key);
		e->s = xcalloc(1, sizeof *e->s);
		e->ns = 1;
		if (load_values(path, key, e->s, vals, d) != NG_OK)
			return NG_EINPUT;
	}
	return NG_OK;
}

/* jansson's error at its line and column, the line shown under it as the compiler's are. */
static ng_errcode
json_error(ng_diags *d, const char *path, const char *text, size_t len, const json_error_t *err)
{
	err_where at = ERR_LINE(path, err->line > 0 ? (unsigned)err->line : 1, err->column > 0 ? (unsigned)err->column : 1);
	const char *p = text, *e = text + len;

	for (int l = 1; l < err->line && p < e; l++) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		p = nl ? nl + 1 : e;
	}
	if (err->line > 0 && p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		at.text = p;
		at.textlen = (size_t)((nl ? nl : e) - p);
	}
	return err_add(d, NG_SEV_ERROR, NG_EINPUT, at, "%s", err->text);
}

ng_errcode
ng_baseline_load_mem(const char *path, const char *text, size_t len, ng_baseline **out, ng_diags *d)
{
	json_error_t err;
	ng_baseline *b = xcalloc(1, sizeof *b);
	ng_errcode rc;

	*out = NULL;
	if (!(b->root = json_loadb(text, len, 0, &err)))
		rc = json_error(d, path, text, len, &err);
	else
		rc = load_root(path, b, d);
	if (rc != NG_OK)
		ng_baseline_free(b);
	else
		*out = b;
	return rc;
}

ng_errcode
ng_baseline_load(const char *path, ng_baseline **out, ng_diags *d)
{
	size_t len;
	char *text = util_read_file(path, &len);

	*out = NULL;
	if (!text)
		return err_io(d, path, errno);
	ng_errcode rc = ng_baseline_load_mem(path, text, len, out, d);
	free(text);
	return rc;
}

/* Load ordered the values: a push fails only for a time the shift moved out of range. */
static ng_errcode
out_of_range(const char *name, ng_diags *d)
{
	err_fail(d, NG_EINPUT, NULL, "the baseline of %s, moved to the check's time, falls outside the years 1 to 9999",
		 name);
	err_set_metric(d, name);
	return NG_EINPUT;
}

ng_errcode
ng_baseline_apply(ng_baseline *b, ng_check *c, int64_t anchor, int64_t upto, ng_diags *d)
{
	const ng_gatefile *gf = ng_check_gatefile(c);
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
				err_add(d, NG_SEV_WARNING, NG_OK, ERR_NOWHERE, "the baseline file records no metric '%s': "
					"its baseline is missing", name);
			continue;
		}
		if (first && ng_check_samples(c, m, true) > 0) {
			return err_fail(d, NG_EINPUT, NULL, "the input has samples of the baseline of %s, and so has the "
					"baseline file: give one of them", name);
		}
		if (e->constant) {
			/* a sample every step from as far back as the first evaluation reads */
			if (first)
				e->next_t = upto - (reach + step - 1) / step * step;
			for (; e->next_t <= upto; e->next_t += step)
				if (ng_check_push(c, m, true, e->next_t, e->value) != 0)
					return out_of_range(name, d);
			continue;
		}
		for (size_t j = 0; j < e->ns; j++) {
			bseries *bs = &e->s[j];
			/* "values" is the series without labels; each of "series" is the series of its labels */
			if (bs->handle < 0 && (bs->handle = ng_check_series(c, m, true, bs->labels, bs->nlabels, d)) < 0) {
				err_set_code(d, NG_EINPUT);	/* the file does not fit the gate */
				return NG_EINPUT;
			}
			for (; bs->next < bs->n; bs->next++) {
				int64_t t = bs->pts[bs->next].t + (anchor - b->at);
				if (t > upto)
					break;
				if (ng_check_push_to(c, bs->handle, t, bs->stale[bs->next] ? ng_stale_nan()
										     : bs->pts[bs->next].v) != 0)
					return out_of_range(name, d);
			}
		}
	}
	return 0;
}

/* --- writing ------------------------------------------------------------------ */

/* One series of a metric's values, as the feed handed it on (by its sid). */
typedef struct rseries {
	int metric;			/* -1: no such sid */
	ng_label *labels;		/* owned */
	size_t nlabels;
	bool real;			/* a value besides staleness markers */
	prom_point *pts;
	bool *stale;
	size_t n, cap;
} rseries;

struct ng_baseline_rec {
	const ng_gatefile *gf;
	rseries *s;		/* by sid */
	int ns;
	int *first;		/* per metric: the sid it was first seen with, or -1 */
};

ng_baseline_rec *
ng_baseline_rec_new(const ng_gatefile *gf)
{
	ng_baseline_rec *r = xcalloc(1, sizeof *r);
	int nm = ng_gatefile_nmetrics(gf);

	r->gf = gf;
	r->first = xmalloc(((size_t)nm + 1) * sizeof *r->first);
	for (int m = 0; m < nm; m++)
		r->first[m] = -1;
	return r;
}

void
ng_baseline_rec_free(ng_baseline_rec *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->ns; i++) {
		for (size_t j = 0; j < r->s[i].nlabels; j++) {
			free((char *)r->s[i].labels[j].name);
			free((char *)r->s[i].labels[j].value);
		}
		free(r->s[i].labels);
		free(r->s[i].pts);
		free(r->s[i].stale);
	}
	free(r->s);
	free(r->first);
	free(r);
}

int
ng_baseline_rec_sample(void *ctx, int metric, bool baseline, int sid, const ng_label *labels, size_t nlabels,
		       int64_t t, double v, bool stale)
{
	ng_baseline_rec *r = ctx;

	if (baseline || sid < 0)
		return 0;
	if (sid >= r->ns) {
		r->s = xrealloc(r->s, (size_t)(sid + 1) * sizeof *r->s);
		for (int i = r->ns; i <= sid; i++)
			r->s[i] = (rseries){ .metric = -1 };
		r->ns = sid + 1;
	}
	rseries *s = &r->s[sid];
	if (s->metric < 0) {
		/* a metric without `by` is one series (the caller's ng_check_series() says so, with the labels) */
		if (r->first[metric] >= 0 && !ng_gatefile_metric_by(r->gf, metric, 0))
			return NG_ESERIES;
		if (r->first[metric] < 0)
			r->first[metric] = sid;
		s->metric = metric;
		s->labels = nlabels ? xmalloc(nlabels * sizeof *s->labels) : NULL;
		for (size_t j = 0; j < nlabels; j++)
			s->labels[j] = (ng_label){ xstrdup(labels[j].name), xstrdup(labels[j].value) };
		s->nlabels = nlabels;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->pts = xrealloc(s->pts, s->cap * sizeof *s->pts);
		s->stale = xrealloc(s->stale, s->cap * sizeof *s->stale);
	}
	s->pts[s->n] = (prom_point){ t, v };
	s->stale[s->n++] = stale;
	s->real |= !stale;
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

static void
put_values(FILE *out, const rseries *s, const char *indent)
{
	char buf[64];

	fputs("[", out);
	for (size_t k = 0; s && k < s->n; k++) {
		fprintf(out, "%s\n%s[", k ? "," : "", indent);
		put_seconds(out, s->pts[k].t);
		if (s->stale[k]) {
			fputs(", null]", out);
		} else {
			ng_format_value(buf, sizeof buf, s->pts[k].v);
			fprintf(out, ", \"%s\"]", buf);
		}
	}
	fputs("]", out);
}

int
ng_baseline_rec_write(ng_baseline_rec *r, const ng_feed *f, const char *file, const char *server,
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
	for (int i = 0; i < ng_feed_nseries(f); i++) {
		int m;
		bool b;
		const char *query;
		int64_t step, from;
		ng_feed_series(f, i, &m, &b, &query, &step, &from);
		fprintf(out, "%s\n  ", first ? "" : ",");
		put_string(out, ng_gatefile_metric_name(r->gf, m));
		fputs(": {\"query\": ", out);
		put_string(out, query);
		util_fmt_duration(buf, sizeof buf, step);
		fprintf(out, ", \"step\": \"%s\"", buf);
		util_fmt_time(buf, sizeof buf, from);
		fprintf(out, ", \"from\": \"%s\", ", buf);
		first = false;
		if (!ng_gatefile_metric_by(r->gf, m, 0)) {
			/* one series: its values */
			fputs("\"values\": ", out);
			put_values(out, r->first[m] >= 0 ? &r->s[r->first[m]] : NULL, "    ");
			fputs("}", out);
			continue;
		}
		/* a set of series: each with its labels, but the one the feed makes of no series at all */
		fputs("\"by\": [", out);
		for (int k = 0; ng_gatefile_metric_by(r->gf, m, k); k++) {
			fputs(k ? ", " : "", out);
			put_string(out, ng_gatefile_metric_by(r->gf, m, k));
		}
		fputs("], \"series\": [", out);
		bool any = false;
		for (int sid = 0; sid < r->ns; sid++) {
			const rseries *s = &r->s[sid];
			if (s->metric != m || (!s->nlabels && !s->real))
				continue;
			fprintf(out, "%s\n   {\"labels\": {", any ? "," : "");
			for (size_t j = 0; j < s->nlabels; j++) {
				fputs(j ? ", " : "", out);
				put_string(out, s->labels[j].name);
				fputs(": ", out);
				put_string(out, s->labels[j].value);
			}
			fputs("}, \"values\": ", out);
			put_values(out, s, "     ");
			fputs("}", out);
			any = true;
		}
		fputs("]}", out);
	}
	fputs("\n }}\n", out);
	return fflush(out) != 0 || ferror(out) ? NG_EIO : 0;
}
