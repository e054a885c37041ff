/*
 * prom_decode.c: one response body of the Prometheus HTTP API decoded
 * (jansson) into series, and the one-line text of a server's words for a
 * message.  See source_prom.h.
 *
 * Decoding follows the API documentation and what client_golang, Grafana,
 * Flagger and Kayenta accept (the corpus in tests/conformance/api):
 * keys in any order; timestamps as JSON numbers (seconds, ms precision);
 * values as strings ("NaN", "+Inf", "-Inf"), numbers tolerated; an error
 * envelope wins over the HTTP status; a success body with an HTTP error
 * status is inconsistent; a non-2xx status without an error envelope is an
 * HTTP error whatever the body.
 */
#include "source_prom.h"
#include "sbuf.h"
#include "utf8.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* --- messages ---------------------------------------------------------------- */

char *
prom_one_line(const char *s, size_t len, size_t max)
{
	sbuf b = { 0 };
	bool space = true;

	for (size_t i = 0; i < len && b.len < max;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = utf8_len(s + i, len - i);
		if (n > 1) {
			sb_add(&b, s + i, n);
			space = false;
			i += n;
			continue;
		}
		i++;
		if (n == 0)
			c = '?';
		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && space)
			continue;
		space = c == ' ';
		sb_add(&b, (const char *)&c, 1);
	}
	sb_trim_spaces(&b, 0);
	if (b.len >= max)
		sb_add(&b, "...", 3);
	return sb_take(&b);
}

/* --- decoding --------------------------------------------------------------- */

int
prom_parse_value(const char *s, double *v)
{
	char *end;

	/* what Go's strconv.ParseFloat writes and reads back; no blanks around it */
	if (!*s || isspace((unsigned char)*s))
		return -1;
	errno = 0;
	double x = strtod(s, &end);
	if (end == s || *end)
		return -1;
	if (isnan(x))
		x = NAN;	/* never a staleness marker's payload */
	*v = x;
	return 0;
}

/* Seconds (a JSON number, ms precision) as ms. */
int
prom_json_ts(const json_t *j, int64_t *ms)
{
	if (json_is_integer(j)) {
		json_int_t i = json_integer_value(j);
		if (i > INT64_MAX / 1000 || i < INT64_MIN / 1000)
			return -1;
		*ms = (int64_t)i * 1000;
		return 0;
	}
	if (json_is_real(j)) {
		double x = json_real_value(j), f = floor(x);
		if (!isfinite(x) || fabs(x) > 9.2e15)
			return -1;
		/* the fraction apart: x * 1000 would lose the last ms of large times */
		*ms = (int64_t)f * 1000 + (int64_t)llround((x - f) * 1000);
		return 0;
	}
	return -1;
}

int
prom_json_value(const json_t *j, double *v)
{
	if (json_is_string(j))
		return prom_parse_value(json_string_value(j), v);
	if (json_is_number(j)) {
		*v = json_number_value(j);
		return 0;
	}
	return -1;
}

/* [ts, "value"] */
static int
json_point(const json_t *j, prom_point *p, const char **why)
{
	if (!json_is_array(j) || json_array_size(j) != 2) {
		*why = "a sample is not a [time, \"value\"] pair";
		return -1;
	}
	if (prom_json_ts(json_array_get(j, 0), &p->t) < 0) {
		*why = "a sample's time is not a number of seconds";
		return -1;
	}
	if (prom_json_value(json_array_get(j, 1), &p->v) < 0) {
		*why = "a sample's value is not a number";
		return -1;
	}
	return 0;
}

static void
label_value(sbuf *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			sb_printf(b, "\\%c", *v);
		else if (*v == '\n')
			sb_add(b, "\\n", 2);
		else
			sb_add(b, v, 1);
	}
}

/*
 * name{a="b",...} as PromQL writes a series; {} without labels (metric
 * NULL).  Names are escaped as values are: a server may send any key, and
 * the text goes into one-line messages.
 */
static char *
labels_text(const json_t *metric)
{
	sbuf b = { 0 };
	const char *k;
	const json_t *v, *name = json_object_get(metric, "__name__");
	bool first = true;

	if (json_is_string(name))
		sb_add(&b, json_string_value(name), json_string_length(name));
	sb_add(&b, "{", 1);
	if (metric) {
		json_object_foreach((json_t *)metric, k, v) {
			if (strcmp(k, "__name__") == 0)
				continue;
			if (!first)
				sb_add(&b, ",", 1);
			label_value(&b, k);
			sb_add(&b, "=\"", 2);
			label_value(&b, json_is_string(v) ? json_string_value(v) : "?");
			sb_add(&b, "\"", 1);
			first = false;
		}
	}
	sb_add(&b, "}", 1);
	return sb_take(&b);
}

static int
fail(prom_result *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int
fail(prom_result *r, int status, const char *fmt, ...)
{
	va_list ap;
	char buf[512];
	size_t len, n;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	/* cut short, it must still be UTF-8: the message may go into JSON */
	len = strlen(buf);
	for (size_t i = 0; i < len; i += n)
		if (!(n = utf8_len(buf + i, len - i))) {
			buf[i] = '\0';
			break;
		}
	free(r->error);
	r->error = xstrdup(buf);
	return status;
}

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(((const ng_label *)a)->name, ((const ng_label *)b)->name);
}

/* The labels of metric as name/value pairs sorted by name: the same set whatever order the server sent. */
static void
labels_vec(prom_series *s, const json_t *metric)
{
	const char *k;
	const json_t *v;
	size_t n = 0;

	if (!metric || !json_object_size(metric))
		return;
	s->lv = xmalloc(json_object_size(metric) * sizeof *s->lv);
	json_object_foreach((json_t *)metric, k, v)
		s->lv[n++] = (ng_label){ xstrdup(k), xstrdup(json_is_string(v) ? json_string_value(v) : "?") };
	qsort(s->lv, n, sizeof *s->lv, cmp_label);
	s->nlv = n;
}

static prom_series *
add_series(prom_result *r, const json_t *metric)
{
	r->series = xrealloc(r->series, (r->nseries + 1) * sizeof *r->series);
	prom_series *s = &r->series[r->nseries++];
	if (!json_is_object(metric))
		metric = NULL;
	*s = (prom_series){ .labels = labels_text(metric) };
	labels_vec(s, metric);
	return s;
}

static int
decode_result(prom_result *r, const json_t *data)
{
	const json_t *type = json_object_get(data, "resultType");
	const json_t *result = json_object_get(data, "result");
	const char *t = json_string_value(type), *why = NULL;
	size_t i;
	const json_t *e;

	if (!t)
		return fail(r, NG_EDECODE, "bad response: data has no resultType");
	if (strcmp(t, "scalar") == 0) {
		prom_point p;
		r->type = PROM_SCALAR;
		if (json_point(result, &p, &why) < 0)
			return fail(r, NG_EDECODE, "bad response: scalar result: %s", why);
		prom_series *s = add_series(r, NULL);
		s->pts = xmalloc(sizeof *s->pts);
		s->pts[0] = p;
		s->npts = 1;
		return 0;
	}
	if (strcmp(t, "matrix") != 0 && strcmp(t, "vector") != 0)
		return fail(r, NG_EDECODE, "bad response: a %s result where numbers belong", t);
	r->type = t[0] == 'm' ? PROM_MATRIX : PROM_VECTOR;
	if (json_is_null(result) || !result)
		return 0;	/* some implementations send null for no series */
	if (!json_is_array(result))
		return fail(r, NG_EDECODE, "bad response: result of a %s is not an array", t);
	json_array_foreach(result, i, e) {
		if (!json_is_object(e))
			return fail(r, NG_EDECODE, "bad response: series %zu is not an object", i + 1);
		const json_t *metric = json_object_get(e, "metric");
		if (metric && !json_is_object(metric))
			return fail(r, NG_EDECODE, "bad response: series %zu: metric is not an object", i + 1);
		if (json_object_get(e, r->type == PROM_MATRIX ? "histograms" : "histogram"))
			return fail(r, NG_EDECODE, "the query returned native histogram samples; "
				    "give a query that returns numbers (histogram_quantile(), histogram_count() ...)");
		prom_series *s = add_series(r, metric);
		if (r->type == PROM_VECTOR) {
			s->pts = xmalloc(sizeof *s->pts);
			if (json_point(json_object_get(e, "value"), &s->pts[0], &why) < 0)
				return fail(r, NG_EDECODE, "bad response: series %s: %s", s->labels, why);
			s->npts = 1;
			continue;
		}
		const json_t *values = json_object_get(e, "values");
		if (!json_is_array(values))
			return fail(r, NG_EDECODE, "bad response: series %s has no values", s->labels);
		size_t n = json_array_size(values), j;
		const json_t *pv;
		s->pts = xmalloc(n * sizeof *s->pts);
		json_array_foreach(values, j, pv) {
			if (json_point(pv, &s->pts[j], &why) < 0)
				return fail(r, NG_EDECODE, "bad response: series %s: %s", s->labels, why);
			if (j && s->pts[j].t <= s->pts[j - 1].t)
				return fail(r, NG_EDECODE, "bad response: series %s: samples out of time order",
					    s->labels);
		}
		s->npts = n;
	}
	return 0;
}

void
prom_list_series(sbuf *b, const prom_result *r, size_t most)
{
	for (size_t i = 0; i < r->nseries && i < most; i++)
		sb_printf(b, "%s%s", i ? ", " : "", r->series[i].labels);
	if (r->nseries > most)
		sb_printf(b, " and %zu more", r->nseries - most);
}

/* /api/v1/series: data is an array of label sets; each becomes a series without points. */
static int
decode_series_list(prom_result *r, const json_t *data)
{
	const json_t *e;
	size_t i;

	r->type = PROM_SERIES;
	if (json_is_null(data) || !data)
		return 0;
	if (!json_is_array(data))
		return fail(r, NG_EDECODE, "bad response: data of a series request is not an array");
	json_array_foreach(data, i, e) {
		if (json_is_string(e)) {	/* label values */
			add_series(r, NULL);
			free(r->series[r->nseries - 1].labels);
			r->series[r->nseries - 1].labels = xstrdup(json_string_value(e));
			continue;
		}
		if (!json_is_object(e))
			return fail(r, NG_EDECODE, "bad response: label set %zu is not an object", i + 1);
		add_series(r, e);
	}
	return 0;
}

/*
 * Prometheus 2.45 to 2.53 (and Thanos) send PromQL's infos among the
 * warnings; their text says which they are.
 */
static void
add_notes(prom_result *r, const json_t *root, const char *key, const char *kind)
{
	const json_t *a = json_object_get(root, key), *e;
	size_t i;

	if (!json_is_array(a))
		return;
	json_array_foreach(a, i, e) {
		if (!json_is_string(e))
			continue;
		char *line = prom_one_line(json_string_value(e), json_string_length(e), 400);
		bool info = strncmp(line, "PromQL info:", 12) == 0;
		r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
		r->notes[r->nnotes++] = sb_fmt("%s: %s", info ? "info" : kind, line);
		free(line);
	}
}

static int
http_error(prom_result *r, long http, const char *body, size_t len)
{
	char *snip = prom_one_line(body, len, 200);
	int st = fail(r, NG_EHTTP, "HTTP %ld%s%s", http, *snip ? ": " : "", snip);

	free(snip);
	return st;
}

static int
decode(const char *body, size_t len, long http, bool series_list, prom_result *r)
{
	json_error_t err;
	bool ok = http >= 200 && http < 300;
	int st;

	*r = (prom_result){ 0 };
	json_t *root = json_loadb(body, len, 0, &err);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		if (!ok)
			return http_error(r, http, body, len);
		if (len == 0)
			return fail(r, NG_EDECODE, "bad response: an empty body");
		if (!root) {
			char *why = prom_one_line(err.text, strlen(err.text), 200);	/* it may quote the body */
			st = fail(r, NG_EDECODE, "bad response: not JSON: %s (line %d, column %d)",
				  why, err.line, err.column);
			free(why);
			return st;
		}
		return fail(r, NG_EDECODE, "bad response: not a JSON object");
	}
	add_notes(r, root, "warnings", "warning");
	add_notes(r, root, "infos", "info");
	const char *status = json_string_value(json_object_get(root, "status"));
	if (status && strcmp(status, "error") == 0) {
		const char *et = json_string_value(json_object_get(root, "errorType"));
		const char *e = json_string_value(json_object_get(root, "error"));
		char *msg = prom_one_line(e ? e : "(no message)", strlen(e ? e : "(no message)"), 400);
		r->error_type = et ? xstrdup(et) : NULL;
		st = fail(r, NG_EAPI, "%s%s%s", et ? et : "", et ? ": " : "", msg);
		free(msg);
	} else if (!status || strcmp(status, "success") != 0) {
		st = ok ? fail(r, NG_EDECODE, "bad response: no \"status\": \"success\" or \"error\"")
			: http_error(r, http, body, len);
	} else if (!ok) {
		st = fail(r, NG_EDECODE, "bad response: \"status\": \"success\" with HTTP status %ld", http);
	} else if (series_list) {
		st = decode_series_list(r, json_object_get(root, "data"));
	} else {
		const json_t *data = json_object_get(root, "data");
		if (!json_is_object(data))
			st = fail(r, NG_EDECODE, "bad response: data is %s, not a query result",
				  !data ? "missing" : json_is_string(data) ? "a string" :
				  json_is_array(data) ? "an array" : "not an object");
		else
			st = decode_result(r, data);
	}
	json_decref(root);
	return st;
}

int
prom_decode(const char *body, size_t len, long http, prom_result *r)
{
	return decode(body, len, http, false, r);
}

int
prom_decode_series(const char *body, size_t len, long http, prom_result *r)
{
	return decode(body, len, http, true, r);
}

int
prom_decode_point(const char *text, size_t len, prom_point *p)
{
	json_error_t err;
	json_t *j = json_loadb(text, len, JSON_DECODE_ANY, &err);
	const char *why;
	int r = j && json_point(j, p, &why) == 0 ? 0 : -1;

	json_decref(j);
	return r;
}

void
prom_labels_free(ng_label *l, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		free((char *)l[j].name);
		free((char *)l[j].value);
	}
	free(l);
}

void
prom_result_free(prom_result *r)
{
	for (size_t i = 0; i < r->nseries; i++) {
		prom_series *s = &r->series[i];
		prom_labels_free(s->lv, s->nlv);
		free(s->labels);
		free(s->pts);
	}
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->series);
	free(r->notes);
	free(r->error);
	free(r->error_type);
	*r = (prom_result){ 0 };
}
