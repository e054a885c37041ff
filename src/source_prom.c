/*
 * source_prom.c: the Prometheus HTTP API as a source of samples: the
 * response decoder (jansson), the client (libcurl multi) and the feed that
 * turns a check's metrics into query_range calls.  See source_prom.h.
 *
 * Decoding follows the API documentation and what client_golang, Grafana,
 * Flagger and Kayenta accept (the corpus in tests/conformance/api):
 * keys in any order; timestamps as JSON numbers (seconds, ms precision);
 * values as strings ("NaN", "+Inf", "-Inf"), numbers tolerated; an error
 * envelope wins over the HTTP status; a success body with an HTTP error
 * status is inconsistent; a non-2xx status without an envelope is an HTTP
 * error whatever the body.
 */
#include "source_prom.h"
#include "curl_load.h"
#include "error.h"
#include "util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- small strings --------------------------------------------------------- */

typedef struct sbuf {
	char *s;
	size_t len, cap;
} sbuf;

static void
sb_grow(sbuf *b, size_t n)
{
	if (n >= SIZE_MAX / 4 - b->len)
		abort();	/* cannot happen: responses are limited */
	size_t need = b->len + n + 1;
	if (need > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < need)
			cap *= 2;
		b->s = xrealloc(b->s, b->cap = cap);
	}
}

static void
sb_add(sbuf *b, const char *s, size_t n)
{
	sb_grow(b, n);
	char *end = b->s + b->len;
	memcpy(end, s, n);
	end[n] = '\0';
	b->len += n;
}

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
sb_printf(sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	sb_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

static char *
sb_take(sbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");

	*b = (sbuf){ 0 };
	return s;
}

static char *xprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
xprintf(const char *fmt, ...)
{
	va_list ap;
	sbuf b = { 0 };
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return xstrdup("");
	sb_grow(&b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b.s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b.len = (size_t)n;
	return b.s;
}

/* Length of the valid UTF-8 sequence at s (of at most n bytes), or 0. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
	else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

/*
 * Text from a server for a one-line message: at most max bytes, controls
 * as spaces, bytes that are not UTF-8 as '?' (the message may go into JSON).
 */
static char *
one_line(const char *s, size_t len, size_t max)
{
	sbuf b = { 0 };
	bool space = true;

	for (size_t i = 0; i < len && b.len < max;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = utf8_len((const unsigned char *)s + i, len - i);
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
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
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
		if (!(n = utf8_len((const unsigned char *)buf + i, len - i))) {
			buf[i] = '\0';
			break;
		}
	free(r->error);
	r->error = xstrdup(buf);
	return status;
}

static prom_series *
add_series(prom_result *r, const json_t *metric)
{
	r->series = xrealloc(r->series, (r->nseries + 1) * sizeof *r->series);
	prom_series *s = &r->series[r->nseries++];
	*s = (prom_series){ .labels = labels_text(json_is_object(metric) ? metric : NULL) };
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
		s->pts = xmalloc((n ? n : 1) * sizeof *s->pts);
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
		char *line = one_line(json_string_value(e), json_string_length(e), 400);
		r->notes = xrealloc(r->notes, (r->nnotes + 1) * sizeof *r->notes);
		r->notes[r->nnotes++] = xprintf("%s: %s", kind, line);
		free(line);
	}
}

static int
http_error(prom_result *r, long http, const char *body, size_t len)
{
	char *snip = one_line(body, len, 200);
	int st = fail(r, NG_EHTTP, "HTTP %ld%s%s", http, *snip ? ": " : "", snip);

	free(snip);
	return st;
}

int
prom_decode(const char *body, size_t len, long http, prom_result *r)
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
			char *why = one_line(err.text, strlen(err.text), 200);	/* it may quote the body */
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
		char *msg = one_line(e ? e : "(no message)", strlen(e ? e : "(no message)"), 400);
		r->error_type = et ? xstrdup(et) : NULL;
		st = fail(r, NG_EAPI, "%s%s%s", et ? et : "", et ? ": " : "", msg);
		free(msg);
	} else if (!status || strcmp(status, "success") != 0) {
		st = ok ? fail(r, NG_EDECODE, "bad response: no \"status\": \"success\" or \"error\"")
			: http_error(r, http, body, len);
	} else if (!ok) {
		st = fail(r, NG_EDECODE, "bad response: \"status\": \"success\" with HTTP status %ld", http);
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
prom_result_free(prom_result *r)
{
	for (size_t i = 0; i < r->nseries; i++) {
		free(r->series[i].labels);
		free(r->series[i].pts);
	}
	for (size_t i = 0; i < r->nnotes; i++)
		free(r->notes[i]);
	free(r->series);
	free(r->notes);
	free(r->error);
	free(r->error_type);
	*r = (prom_result){ 0 };
}

/* --- the client --------------------------------------------------------------- */

struct ng_prom {
	ng_prom_opts o;
	CURLM *multi;
	char *url_range;		/* endpoint, with credentials of the URL */
	char *shown;			/* endpoint for messages */
	struct curl_slist *headers;
	const char *user, *password;	/* from the environment */
	bool url_user;			/* the URL holds user[:password]@ */
	char **secrets;
	int nsecrets;
};

void
ng_prom_opts_init(ng_prom_opts *o)
{
	*o = (ng_prom_opts){
		.connect_timeout = 5000, .timeout = 30000, .retries = 2, .retry_base = 250,
		.max_response = 64 << 20,
	};
}

static int curl_users;

static void
add_secret(ng_prom *pc, const char *s, size_t n)
{
	if (n < 3)
		return;		/* too short to hide without mangling every message */
	pc->secrets = xrealloc(pc->secrets, (size_t)(pc->nsecrets + 1) * sizeof *pc->secrets);
	char *c = xmalloc(n + 1);
	memcpy(c, s, n);
	c[n] = '\0';
	pc->secrets[pc->nsecrets++] = c;
}

/* user:password as a Basic Authorization header carries it: a server may echo it back. */
static void
add_basic_secret(ng_prom *pc, const char *user, const char *password)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *plain = xprintf("%s:%s", user, password);
	size_t n = strlen(plain), o = 0;
	char *enc = xmalloc(4 * (n / 3 + 1) + 1);

	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)plain[i] << 16;
		if (i + 1 < n)
			v |= (unsigned char)plain[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)plain[i + 2];
		enc[o++] = b64[v >> 18 & 63];
		enc[o++] = b64[v >> 12 & 63];
		enc[o++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		enc[o++] = i + 2 < n ? b64[v & 63] : '=';
	}
	enc[o] = '\0';
	add_secret(pc, enc, o);
	/* without its padding too, as some echo it */
	while (o && enc[o - 1] == '=')
		o--;
	add_secret(pc, enc, o);
	free(enc);
	free(plain);
}

char *
prom_redact(const ng_prom *pc, const char *msg)
{
	char *s = xstrdup(msg);

	for (int i = 0; pc && i < pc->nsecrets; i++) {
		const char *sec = pc->secrets[i];
		size_t n = strlen(sec);
		char *hit;
		sbuf b = { 0 };
		const char *from = s;
		if (!strstr(s, sec))
			continue;
		while ((hit = strstr(from, sec))) {
			sb_add(&b, from, (size_t)(hit - from));
			sb_add(&b, "***", 3);
			from = hit + n;
		}
		sb_add(&b, from, strlen(from));
		free(s);
		s = sb_take(&b);
	}
	return s;
}

const char *
ng_prom_url(const ng_prom *pc)
{
	return pc->shown;
}

static bool
header_ok(const char *h)
{
	const char *colon = strchr(h, ':');

	if (!colon || colon == h)
		return false;
	for (const char *p = h; p < colon; p++)
		if (!isalnum((unsigned char)*p) && !strchr("!#$%&'*+-.^_`|~", *p))
			return false;
	return !strpbrk(colon, "\r\n");
}

/* A URL for messages: no user, password, query or fragment. */
static char *
url_shown(const char *url)
{
	CURLU *u = curl_url();
	char *s = NULL, *r;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK) {
		curl_url_cleanup(u);
		return xstrdup("(a URL that does not parse)");
	}
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	curl_url_set(u, CURLUPART_OPTIONS, NULL, 0);
	curl_url_set(u, CURLUPART_QUERY, NULL, 0);
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	r = curl_url_get(u, CURLUPART_URL, &s, 0) == CURLUE_OK ? xstrdup(s) : xstrdup("(a URL)");
	curl_free(s);
	curl_url_cleanup(u);
	return r;
}

/* The endpoint of the URL: its path + /api/v1/query_range; and the same without credentials. */
static int
endpoints(ng_prom *pc, const char *url, ng_diags *d)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *path = NULL, *full = NULL, *pw = NULL, *query = NULL;
	int st = NG_EUSAGE;

	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		err_fail(d, NG_EUSAGE, NULL, "--prometheus: not a URL (http://HOST:PORT[/PATH])");
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		err_fail(d, NG_EUSAGE, NULL, "--prometheus: the URL must be http:// or https://, not %s://", scheme);
		goto out;
	}
	char *user = NULL;
	if (curl_url_get(u, CURLUPART_USER, &user, 0) == CURLUE_OK && user)
		pc->url_user = true;
	curl_free(user);
	if (curl_url_get(u, CURLUPART_PASSWORD, &pw, 0) == CURLUE_OK && pw) {
		char *dec = NULL, *udec = NULL;
		add_secret(pc, pw, strlen(pw));
		if (curl_url_get(u, CURLUPART_PASSWORD, &dec, CURLU_URLDECODE) == CURLUE_OK && dec) {
			add_secret(pc, dec, strlen(dec));
			if (curl_url_get(u, CURLUPART_USER, &udec, CURLU_URLDECODE) == CURLUE_OK && udec)
				add_basic_secret(pc, udec, dec);
			curl_free(udec);
			curl_free(dec);
		}
	}
	if (pc->url_user && pc->password) {
		err_fail(d, NG_EUSAGE, NULL, "basic auth both in the URL and in NOVAGATE_PROMETHEUS_PASSWORD");
		goto out;
	}
	if (curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
		/* ?api_key=...: not shown, and its values hidden wherever they turn up */
		for (const char *p = query; *p; p += strcspn(p, "&"), p += *p == '&') {
			size_t n = strcspn(p, "&");
			const char *eq = memchr(p, '=', n);
			if (eq)
				add_secret(pc, eq + 1, n - (size_t)(eq + 1 - p));
		}
	}
	if (curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto out;
	size_t n = strlen(path);
	while (n && path[n - 1] == '/')
		n--;
	char *ep = xprintf("%.*s/api/v1/query_range", (int)n, path);
	curl_url_set(u, CURLUPART_PATH, ep, 0);
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	free(ep);
	if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
		err_fail(d, NG_EUSAGE, NULL, "--prometheus: not a URL (http://HOST:PORT[/PATH])");
		goto out;
	}
	pc->url_range = xstrdup(full);
	pc->shown = url_shown(full);
	st = 0;
out:
	curl_free(scheme);
	curl_free(path);
	curl_free(full);
	curl_free(pw);
	curl_free(query);
	curl_url_cleanup(u);
	return st;
}

static bool
is_secret(const ng_prom *pc, const char *s)
{
	for (int i = 0; i < pc->nsecrets; i++)
		if (strcmp(pc->secrets[i], s) == 0)
			return true;
	return false;
}

/*
 * The request headers: the bearer token, read again before every run so
 * that a watch picks up a rotated token (a token that cannot be read then
 * leaves the previous one in use), --header, and ours.
 */
static int
build_headers(ng_prom *pc, ng_diags *d, bool first)
{
	struct curl_slist *h = NULL;
	const ng_prom_opts *o = &pc->o;

	if (o->bearer_file) {
		size_t len;
		char *tok = util_read_file(o->bearer_file, &len);
		if (!tok) {
			if (!first)
				return 0;
			return err_fail(d, NG_EIO, NULL, "--bearer-token-file %s: %s", o->bearer_file, strerror(errno));
		}
		while (len && isspace((unsigned char)tok[len - 1]))
			tok[--len] = '\0';
		if (!len || strpbrk(tok, "\r\n") || strlen(tok) != len) {
			if (first)
				err_fail(d, NG_EUSAGE, NULL, "--bearer-token-file %s: %s", o->bearer_file,
					 len ? "the token is more than one line" : "the file is empty");
			free(tok);
			return first ? NG_EUSAGE : 0;
		}
		if (!is_secret(pc, tok))
			add_secret(pc, tok, len);
		char *line = xprintf("Authorization: Bearer %s", tok);
		h = curl_slist_append(h, line);
		memset(line, 0, strlen(line));
		free(line);
		memset(tok, 0, len);
		free(tok);
	}
	for (int i = 0; i < o->nheaders; i++)
		h = curl_slist_append(h, o->headers[i]);
	/* no 100-continue round trip for long queries */
	h = curl_slist_append(h, "Expect:");
	h = curl_slist_append(h, "Accept: application/json");
	curl_slist_free_all(pc->headers);
	pc->headers = h;
	return 0;
}

ng_errcode
ng_prom_new(const ng_prom_opts *o, ng_prom **out, ng_diags *d)
{
	ng_prom *pc = xcalloc(1, sizeof *pc);
	const char *user = getenv("NOVAGATE_PROMETHEUS_USER");
	const char *password = getenv("NOVAGATE_PROMETHEUS_PASSWORD");
	ng_errcode status;
	char why[256];

	if (curl_users == 0 && curl_load(why, sizeof why) < 0) {
		free(pc);
		*out = NULL;
		return err_fail(d, NG_EIO, NULL, "cannot load libcurl: %s", why);
	}
	if (curl_users++ == 0)
		curl_global_init(CURL_GLOBAL_DEFAULT);
	pc->o = *o;
	pc->multi = curl_multi_init();
	if (password && *password) {
		pc->user = user ? user : "";
		pc->password = password;
		add_secret(pc, password, strlen(password));
		add_basic_secret(pc, pc->user, password);
	} else if (user && *user) {
		status = err_fail(d, NG_EUSAGE, NULL, "NOVAGATE_PROMETHEUS_USER is set but NOVAGATE_PROMETHEUS_PASSWORD is not");
		goto fail;
	}
	if ((status = endpoints(pc, o->url, d)) != 0)
		goto fail;
	for (int i = 0; i < o->nheaders; i++) {
		const char *h = o->headers[i];
		if (!header_ok(h)) {
			/* the name only: the rest may be a credential */
			status = err_fail(d, NG_EUSAGE, NULL, "--header takes 'Name: value', not '%.*s...'",
					  (int)strcspn(h, ": \t\r\n") < 40 ? (int)strcspn(h, ": \t\r\n") : 40, h);
			goto fail;
		}
		const char *val = strchr(h, ':') + 1;
		while (*val == ' ' || *val == '\t')
			val++;
		add_secret(pc, val, strlen(val));
	}
	if (o->bearer_file && (pc->password || pc->url_user)) {
		status = err_fail(d, NG_EUSAGE, NULL, "--bearer-token-file and basic auth exclude each other");
		goto fail;
	}
	if ((status = build_headers(pc, d, true)) != 0)
		goto fail;
	curl_multi_setopt(pc->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 16L);
	*out = pc;
	return NG_OK;
fail:
	ng_prom_free(pc);
	*out = NULL;
	return status;
}

void
ng_prom_free(ng_prom *pc)
{
	if (!pc)
		return;
	curl_multi_cleanup(pc->multi);
	curl_slist_free_all(pc->headers);
	for (int i = 0; i < pc->nsecrets; i++)
		free(pc->secrets[i]);
	free(pc->secrets);
	free(pc->url_range);
	free(pc->shown);
	free(pc);
	if (--curl_users == 0)
		curl_global_cleanup();
}

void
prom_query_clear(prom_query *q)
{
	free(q->error);
	q->error = NULL;
	prom_result_free(&q->res);
	q->status = 0;
	q->attempts = 0;
}

typedef struct xfer {
	ng_prom *pc;
	prom_query *q;
	CURL *h;
	char *post;
	sbuf body;
	bool toobig, done;
	int64_t retry_at;		/* monotonic ms; 0: not waiting */
	long retry_after;		/* seconds, from the header; -1: none */
	char errbuf[CURL_ERROR_SIZE];
} xfer;

static int64_t
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static size_t
on_body(char *data, size_t size, size_t n, void *ctx)
{
	xfer *x = ctx;

	n *= size;
	if ((int64_t)(x->body.len + n) > x->pc->o.max_response) {
		x->toobig = true;
		return 0;	/* CURLE_WRITE_ERROR */
	}
	sb_add(&x->body, data, n);
	return n;
}

static size_t
on_header(char *data, size_t size, size_t n, void *ctx)
{
	xfer *x = ctx;
	static const char ra[] = "retry-after:";

	n *= size;
	if (n > sizeof ra - 1 && strncasecmp(data, ra, sizeof ra - 1) == 0) {
		const char *p = data + sizeof ra - 1;
		while (p < data + n && (*p == ' ' || *p == '\t'))
			p++;
		long s = 0;
		bool digits = false;
		while (p < data + n && isdigit((unsigned char)*p) && s < 100000) {
			s = s * 10 + (*p++ - '0');
			digits = true;
		}
		if (digits)
			x->retry_after = s;
	}
	return n;
}

/* ms as decimal seconds, the form every implementation of the API reads */
static void
fmt_secs(char *buf, size_t size, int64_t ms)
{
	uint64_t a = ms < 0 ? (uint64_t)0 - (uint64_t)ms : (uint64_t)ms;

	snprintf(buf, size, "%s%llu.%03llu", ms < 0 ? "-" : "", (unsigned long long)(a / 1000),
		 (unsigned long long)(a % 1000));
}

static void
xfer_setup(ng_prom *pc, xfer *x, prom_query *q)
{
	const ng_prom_opts *o = &pc->o;
	char *esc = curl_easy_escape(NULL, q->query, 0);
	char s[40], e[40], st[40];

	x->pc = pc;
	x->q = q;
	x->retry_after = -1;
	fmt_secs(s, sizeof s, q->start);
	fmt_secs(e, sizeof e, q->end);
	fmt_secs(st, sizeof st, q->step);
	/*
	 * nocache=1: VictoriaMetrics would otherwise move start and end to
	 * multiples of step, off the evaluation grid; others ignore it.
	 */
	x->post = xprintf("query=%s&start=%s&end=%s&step=%s&nocache=1", esc ? esc : "", s, e, st);
	curl_free(esc);
	x->h = curl_easy_init();
	CURL *h = x->h;
	curl_easy_setopt(h, CURLOPT_URL, pc->url_range);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->post);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, pc->headers);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "novagate");
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)o->connect_timeout);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)o->timeout);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, x);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, x->errbuf);
	curl_easy_setopt(h, CURLOPT_PRIVATE, x);
	if (pc->password) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERNAME, pc->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, pc->password);
	}
	if (o->ca_file)
		curl_easy_setopt(h, CURLOPT_CAINFO, o->ca_file);
	if (o->cert_file)
		curl_easy_setopt(h, CURLOPT_SSLCERT, o->cert_file);
	if (o->key_file)
		curl_easy_setopt(h, CURLOPT_SSLKEY, o->key_file);
	if (o->insecure) {
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	}
}

static void
xfer_start(ng_prom *pc, xfer *x)
{
	free(x->body.s);
	x->body = (sbuf){ 0 };
	x->toobig = false;
	x->retry_at = 0;
	x->retry_after = -1;
	x->errbuf[0] = '\0';
	x->q->attempts++;
	curl_multi_add_handle(pc->multi, x->h);
}

static void
set_error(ng_prom *pc, prom_query *q, int status, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
set_error(ng_prom *pc, prom_query *q, int status, const char *fmt, ...)
{
	va_list ap;
	char buf[1024];

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	char *line = xprintf("%s: %s: %s", pc->shown, q->what, buf);
	free(q->error);
	q->error = prom_redact(pc, line);
	free(line);
	q->status = status;
}

static const char *
curl_why(xfer *x, CURLcode rc)
{
	return x->errbuf[0] ? x->errbuf : curl_easy_strerror(rc);
}

static void
fmt_ms(char *buf, size_t size, int64_t ms)
{
	util_fmt_duration(buf, size, ms);
}

/* A transfer ended: returns true when it is to be tried again. */
/* A line of -v (or a server's warning), credentials hidden. */
static void
say(const ng_prom *pc, ng_diags *d, const char *line)
{
	char *red = prom_redact(pc, line);

	err_add(d, NG_SEV_INFO, NG_OK, ERR_NOWHERE, "%s", red);
	free(red);
}

static bool
xfer_done(ng_prom *pc, xfer *x, CURLcode rc, ng_diags *diags)
{
	prom_query *q = x->q;
	long http = 0;
	char d[40], tries[64] = "";
	bool can_retry = q->attempts <= pc->o.retries, retry = false;
	curl_off_t pre = 0;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &http);
	curl_easy_getinfo(x->h, CURLINFO_PRETRANSFER_TIME_T, &pre);
	if (q->attempts > 1)
		snprintf(tries, sizeof tries, " (%d attempts)", q->attempts);
	switch (rc) {
	case CURLE_OK:
		if (http == 429 || http >= 500) {
			retry = can_retry;
			if (retry)
				break;
		}
		q->status = prom_decode(x->body.s ? x->body.s : "", x->body.len, http, &q->res);
		char *loc = NULL;
		if (http >= 300 && http < 400 && curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK &&
		    loc) {
			char *to = url_shown(loc);
			set_error(pc, q, NG_EHTTP, "HTTP %ld: redirected to %s; give --prometheus the URL it "
				  "redirects to", http, to);
			free(to);
		} else if (q->status == NG_EAPI) {
			char *qs = one_line(q->query, strlen(q->query), 300);
			set_error(pc, q, NG_EAPI, "%s (query: %s)%s", q->res.error, qs, tries);
			free(qs);
		} else if (q->status) {
			set_error(pc, q, q->status, "%s%s", q->res.error, tries);
		}
		break;
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (x->toobig || rc == CURLE_FILESIZE_EXCEEDED)
			set_error(pc, q, NG_ETOOBIG, "the response is larger than %lld bytes (--max-response)",
				  (long long)pc->o.max_response);
		else
			set_error(pc, q, NG_ECONNECT, "%s", curl_why(x, rc));
		break;
	case CURLE_OPERATION_TIMEDOUT:
		if (pre == 0) {	/* still connecting */
			retry = can_retry;
			fmt_ms(d, sizeof d, pc->o.connect_timeout);
			set_error(pc, q, NG_ETIMEOUT, "no connection within %s (--connect-timeout)%s", d, tries);
		} else {
			fmt_ms(d, sizeof d, pc->o.timeout);
			set_error(pc, q, NG_ETIMEOUT, "no complete response within %s (--timeout)", d);
		}
		break;
	case CURLE_PARTIAL_FILE:
		retry = can_retry;
		set_error(pc, q, NG_EDECODE, "bad response: cut short (%s)%s", curl_why(x, rc), tries);
		break;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		if (strstr(curl_why(x, rc), "SSL")) {	/* the TLS peer said no (a client certificate ...) */
			set_error(pc, q, NG_ECONNECT, "TLS: %s", curl_why(x, rc));
			break;
		}
		/* fall through */
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_GOT_NOTHING:
		retry = can_retry;
		set_error(pc, q, NG_ECONNECT, "cannot connect: %s%s", curl_why(x, rc), tries);
		break;
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_USE_SSL_FAILED:
		set_error(pc, q, NG_ECONNECT, "TLS: %s", curl_why(x, rc));
		break;
	default:
		set_error(pc, q, NG_ECONNECT, "%s", curl_why(x, rc));
		break;
	}
	if (retry) {
		int64_t wait = pc->o.retry_base << (q->attempts - 1 < 10 ? q->attempts - 1 : 10);
		if (x->retry_after >= 0 && http != 0)
			wait = x->retry_after * 1000 > wait ? x->retry_after * 1000 : wait;
		if (wait > 10000)
			wait = 10000;
		if (pc->o.verbose) {
			char *why = rc == CURLE_OK ? xprintf("HTTP %ld", http) : xstrdup(curl_why(x, rc));
			char *line = xprintf("%s: %s: %s; again in %lld ms", pc->shown, q->what, why, (long long)wait);
			say(pc, diags, line);
			free(line);
			free(why);
		}
		free(q->error);
		q->error = NULL;
		prom_result_free(&q->res);
		q->status = 0;
		x->retry_at = mono_ms() + wait;
		if (x->retry_at == 0)
			x->retry_at = 1;
		return true;
	}
	return false;
}

int
prom_run(ng_prom *pc, prom_query *qs, int n, ng_diags *d)
{
	xfer *xs = xcalloc((size_t)(n ? n : 1), sizeof *xs);
	int pending = n, ret = 0;
	int64_t t0 = mono_ms();

	if (pc->o.bearer_file)
		build_headers(pc, d, false);
	for (int i = 0; i < n; i++) {
		prom_query_clear(&qs[i]);
		xfer_setup(pc, &xs[i], &qs[i]);
		if (pc->o.verbose) {
			char a[40], b[40], s[40];
			util_fmt_time(a, sizeof a, qs[i].start);
			util_fmt_time(b, sizeof b, qs[i].end);
			util_fmt_duration(s, sizeof s, qs[i].step);
			char *qq = one_line(qs[i].query, strlen(qs[i].query), 100000);
			err_add(d, NG_SEV_INFO, NG_OK, ERR_NOWHERE, "%s: query_range %s .. %s step %s: %s",
				qs[i].what, a, b, s, qq);
			free(qq);
		}
		xfer_start(pc, &xs[i]);
	}
	while (pending > 0) {
		int running = 0, left;
		CURLMsg *m;

		if (pc->o.stop && *pc->o.stop) {
			ret = -1;
			break;
		}
		curl_multi_perform(pc->multi, &running);
		while ((m = curl_multi_info_read(pc->multi, &left))) {
			char *priv = NULL;
			if (m->msg != CURLMSG_DONE)
				continue;
			CURLcode rc = m->data.result;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
			xfer *x = (xfer *)priv;
			curl_multi_remove_handle(pc->multi, x->h);
			if (!xfer_done(pc, x, rc, d)) {
				x->done = true;
				pending--;
			}
		}
		int64_t now = mono_ms(), next = now + 100;
		for (int i = 0; i < n; i++) {
			xfer *x = &xs[i];
			if (x->done || !x->retry_at)
				continue;
			if (x->retry_at <= now)
				xfer_start(pc, x);
			else if (x->retry_at < next)
				next = x->retry_at;
		}
		if (pending > 0)
			curl_multi_poll(pc->multi, NULL, 0, (int)(next > now ? next - now : 0), NULL);
	}
	for (int i = 0; i < n; i++) {
		xfer *x = &xs[i];
		if (!x->done && !x->retry_at)
			curl_multi_remove_handle(pc->multi, x->h);
		curl_easy_cleanup(x->h);
		free(x->post);
		free(x->body.s);
		if (ret < 0 || !x->done)
			continue;
		for (size_t k = 0; k < qs[i].res.nnotes; k++) {
			char *line = xprintf("%s: %s: %s", pc->shown, qs[i].what, qs[i].res.notes[k]);
			say(pc, d, line);
			free(line);
		}
		if (qs[i].status && ret == 0)
			ret = qs[i].status;
	}
	if (pc->o.verbose && ret >= 0)
		err_add(d, NG_SEV_INFO, NG_OK, ERR_NOWHERE, "%d quer%s in %lld ms", n, n == 1 ? "y" : "ies",
			(long long)(mono_ms() - t0));
	free(xs);
	return ret;
}

/* --- the feed ------------------------------------------------------------------ */

typedef struct stream {
	int metric;
	bool baseline;
	const char *query;
	char *what;
	int64_t step, reach;
	bool started, have_real, stale;
	int64_t from;			/* first time fetched */
	int64_t fetched_to;		/* last grid time fetched */
	int64_t last;			/* last sample handed on */
} stream;

struct ng_feed {
	ng_prom *pc;
	const ng_gatefile *gf;
	stream *st;
	int nst;
};

#define MAX_POINTS 10000	/* per query: Prometheus refuses more than 11,000 */

ng_feed *
ng_feed_new(ng_prom *pc, const ng_gatefile *gf, const ng_check *c, ng_feed_kind kind)
{
	ng_feed *f = xcalloc(1, sizeof *f);
	int nm = ng_gatefile_nmetrics(gf);

	f->pc = pc;
	f->gf = gf;
	f->st = xcalloc((size_t)(2 * nm + 1), sizeof *f->st);
	for (int m = 0; m < nm; m++) {
		const char *name = ng_gatefile_metric_name(gf, m);
		for (int b = 0; b < 2; b++) {
			int64_t step, reach, bstep, breach;
			bool need = ng_check_needs(c, m, b, &step, &reach);
			if (kind == NG_FEED_VALUES) {
				if (b)
					break;
				/* a recorded baseline serves where the metric's baseline is read */
				if (ng_check_needs(c, m, true, &bstep, &breach)) {
					step = need ? util_gcd(step, bstep) : bstep;
					if (!need || breach > reach)
						reach = breach;
					need = true;
				}
			}
			const char *q = ng_gatefile_metric_query(gf, m, b);
			if (!need || !q)
				continue;
			f->st[f->nst++] = (stream){
				.metric = m, .baseline = b, .query = q, .step = step, .reach = reach,
				.what = b ? xprintf("baseline of %s", name) : xprintf("metric %s", name),
				.last = INT64_MIN,
			};
		}
	}
	return f;
}

void
ng_feed_free(ng_feed *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nst; i++)
		free(f->st[i].what);
	free(f->st);
	free(f);
}

int
ng_feed_nseries(const ng_feed *f)
{
	return f->nst;
}

void
ng_feed_series(const ng_feed *f, int i, int *metric, bool *baseline, const char **query,
		 int64_t *step, int64_t *from)
{
	const stream *s = &f->st[i];

	*metric = s->metric;
	*baseline = s->baseline;
	*query = s->query;
	*step = s->step;
	*from = s->from;
}

static int
emit(stream *s, ng_sample_fn fn, void *ctx, int64_t t, double v, bool stale)
{
	int r = fn(ctx, s->metric, s->baseline, t, stale ? ng_stale_nan() : v, stale);

	s->last = t;
	s->stale = stale;
	s->have_real |= !stale;
	return r;
}

/* Hand on one series' new points, with a staleness marker where the server has no value. */
static int
feed_points(stream *s, const prom_point *pts, size_t n, ng_sample_fn fn, void *ctx)
{
	int r;

	for (size_t i = 0; i < n; i++) {
		const prom_point *p = &pts[i];
		if (s->last != INT64_MIN && p->t <= s->last)
			continue;
		/* a step without a value: missing from there on, as the server had it */
		if (s->have_real && !s->stale && p->t - s->last > s->step + s->step / 2)
			if ((r = emit(s, fn, ctx, s->last + s->step, 0, true)))
				return r;
		if ((r = emit(s, fn, ctx, p->t, p->v, false)))
			return r;
	}
	return 0;
}

/*
 * No value at end (the last time fetched): a marker there, so that end is
 * the newest sample.  A server that moves the grid (a query frontend
 * aligning start to a multiple of step) has its last value up to a step
 * before end: that is current.
 */
static int
feed_end(stream *s, int64_t end, ng_sample_fn fn, void *ctx)
{
	int r;

	if (s->last != INT64_MIN && !s->stale && s->last > end - s->step)
		return 0;
	if (s->last != INT64_MIN && s->last >= end)
		return 0;
	if (s->have_real && !s->stale && s->last + s->step < end)
		if ((r = emit(s, fn, ctx, s->last + s->step, 0, true)))
			return r;
	return emit(s, fn, ctx, end, 0, true);
}

static void
series_list(sbuf *b, const prom_result *r)
{
	for (size_t i = 0; i < r->nseries && i < 5; i++)
		sb_printf(b, "%s%s", i ? ", " : "", r->series[i].labels);
	if (r->nseries > 5)
		sb_printf(b, " and %zu more", r->nseries - 5);
}

int
ng_feed_fetch(ng_feed *f, int64_t at, ng_sample_fn fn, void *ctx, ng_diags *d)
{
	prom_query *qs = NULL;
	int *owner = NULL, nq = 0, ret = 0;
	int64_t *ends = xcalloc((size_t)(f->nst ? f->nst : 1), sizeof *ends);

	for (int i = 0; i < f->nst; i++) {
		stream *s = &f->st[i];
		int64_t start, end;
		if (!s->started) {
			int64_t n = (s->reach + s->step - 1) / s->step;
			start = at - n * s->step;
			end = at;
		} else {
			start = s->fetched_to + s->step;
			if (start > at) {
				ends[i] = INT64_MIN;
				continue;
			}
			end = start + (at - start) / s->step * s->step;
		}
		ends[i] = end;
		for (int64_t c = start; c <= end; c += MAX_POINTS * s->step) {
			int64_t ce = c + (MAX_POINTS - 1) * s->step;
			qs = xrealloc(qs, (size_t)(nq + 1) * sizeof *qs);
			owner = xrealloc(owner, (size_t)(nq + 1) * sizeof *owner);
			qs[nq] = (prom_query){ .what = s->what, .query = s->query, .start = c,
					       .end = ce < end ? ce : end, .step = s->step };
			owner[nq++] = i;
		}
	}
	int st = prom_run(f->pc, qs, nq, d);
	if (st < 0) {
		ret = -1;
		goto out;
	}
	/* a metric's query must give one series, of times the engine can hold */
	for (int k = 0; k < nq && !st; k++) {
		const prom_result *r = &qs[k].res;
		for (size_t j = 0; r->nseries && j < r->series[0].npts && !st; j++) {
			int64_t t = r->series[0].pts[j].t;
			if (t < NG_MIN_TIME_MS || t > NG_MAX_TIME_MS) {
				const stream *sm = &f->st[owner[k]];
				qs[k].error = xprintf("bad response: a sample of %s%s at %lld ms, outside the years 1 to 9999",
						      sm->baseline ? "the baseline of " : "",
						      ng_gatefile_metric_name(f->gf, sm->metric), (long long)t);
				qs[k].status = st = NG_EDECODE;
			}
		}
	}
	for (int k = 0; k < nq && !st; k++) {
		if (qs[k].res.nseries > 1) {
			sbuf b = { 0 };
			char *qq = one_line(qs[k].query, strlen(qs[k].query), 300);
			sb_printf(&b, "%s: %s: the query returned %zu series, not one: ", f->pc->shown,
				  qs[k].what, qs[k].res.nseries);
			series_list(&b, &qs[k].res);
			sb_printf(&b, " (query: %s); aggregate them (sum, max ...) or select one", qq);
			free(qq);
			qs[k].error = prom_redact(f->pc, b.s);
			free(b.s);
			qs[k].status = st = NG_ESERIES;
		}
	}
	if (st) {
		int first = -1, more = 0;
		for (int k = 0; k < nq; k++) {
			if (!qs[k].status)
				continue;
			if (first < 0)
				first = k;
			else
				more++;
		}
		if (more)
			err_add(d, NG_SEV_ERROR, (ng_errcode)qs[first].status, ERR_NOWHERE,
				"%s (%d more quer%s failed)", qs[first].error, more, more == 1 ? "y" : "ies");
		else
			err_add(d, NG_SEV_ERROR, (ng_errcode)qs[first].status, ERR_NOWHERE, "%s", qs[first].error);
		err_set_server(d, f->pc->shown);
		ret = qs[first].status;
		goto out;
	}
	/* nothing is handed on before every query succeeded */
	for (int i = 0, k = 0; i < f->nst; i++) {
		stream *s = &f->st[i];
		if (ends[i] == INT64_MIN)
			continue;
		if (!s->started)
			s->from = qs[k].start;
		for (; k < nq && owner[k] == i; k++) {
			const prom_result *r = &qs[k].res;
			if (r->nseries && (ret = feed_points(s, r->series[0].pts, r->series[0].npts, fn, ctx)))
				goto out;
		}
		if ((ret = feed_end(s, ends[i], fn, ctx)))
			goto out;
		s->started = true;
		s->fetched_to = ends[i];
	}
out:
	for (int k = 0; k < nq; k++)
		prom_query_clear(&qs[k]);
	free(qs);
	free(owner);
	free(ends);
	return ret;
}
