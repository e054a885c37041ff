/*
 * test_source_prom.c: the Prometheus API response decoder over the
 * conformance corpus (tests/conformance/api), each
 * body decoded with the HTTP status MANIFEST.tsv serves it with; every file
 * of the manifest must have an expectation here.  Then decoder cases of our
 * own, value parsing, and credential redaction.
 *
 * Where novagate's classes differ from client_golang's (MANIFEST "expected"):
 * a non-2xx status without an error envelope is NG_EHTTP whatever the body
 * (client_golang says bad_response for a 422 that is not JSON).
 */
#include "series.h"
#include "source_prom.h"
#include "t.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

enum { ANY = -1 };

typedef struct expect {
	const char *file;
	int status;		/* 0 or an NG_E... */
	const char *error;	/* a part of r.error, or NULL */
	const char *etype;	/* errorType, or NULL */
	enum prom_type type;
	int nseries;
	int npts;		/* points of the first series, ANY */
	int64_t t0;		/* first point of the first series */
	double v0;
	const char *labels0;	/* labels of the first series, or NULL */
	int nnotes;
	const char *note0;
} expect;

static const expect corpus[] = {
	{ .file = "client_golang_http200_status_error_timeout.json", .status = NG_EAPI,
	  .error = "timed out", .etype = "timeout" },
	{ .file = "client_golang_http200_status_error_warnings_infos.json", .status = NG_EAPI,
	  .error = "timed out", .etype = "timeout",
	  .nnotes = 2, .note0 = "warning: a" },
	{ .file = "client_golang_http200_status_error_with_infos.json", .status = NG_EAPI,
	  .error = "timed out", .etype = "timeout",
	  .nnotes = 1, .note0 = "info: b" },
	{ .file = "client_golang_http200_status_error_with_warnings.json", .status = NG_EAPI,
	  .error = "timed out", .etype = "timeout",
	  .nnotes = 1, .note0 = "warning: a" },
	{ .file = "client_golang_http400_error_bad_data_range.json", .status = NG_EAPI,
	  .error = "bad_data: end timestamp must not be before start time", .etype = "bad_data" },
	{ .file = "client_golang_http404_plain_text.txt", .status = NG_EHTTP,
	  .error = "HTTP 404: 404 error details" },
	{ .file = "client_golang_http422_error_bad_data.json", .status = NG_EAPI,
	  .error = "bad_data: failed", .etype = "bad_data" },
	{ .file = "client_golang_http422_error_timeout_data_string.json", .status = NG_EAPI,
	  .error = "timeout: timed out", .etype = "timeout" },
	{ .file = "client_golang_http422_not_json.txt", .status = NG_EHTTP, .error = "HTTP 422: bad json" },
	{ .file = "client_golang_http422_success_inconsistent.json", .status = NG_EDECODE,
	  .error = "with HTTP status 422" },
	{ .file = "client_golang_http422_success_with_errortype_inconsistent.json", .status = NG_EDECODE,
	  .error = "with HTTP status 422" },
	{ .file = "client_golang_http500_plain_text.txt", .status = NG_EHTTP,
	  .error = "HTTP 500: 500 error details" },
	{ .file = "flagger_matrix_multiple_values_NaN.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 2, .npts = 4,
	  .t0 = 1714404069294, .v0 = NAN, .labels0 = "processTime_seconds:avg{}" },
	{ .file = "flagger_vector_NaN.json", .status = 0,
	  .type = PROM_VECTOR, .nseries = 1, .npts = 1, .t0 = 1643023250379,
	  .v0 = NAN, .labels0 = "{}" },
	{ .file = "flagger_vector_empty_result.json", .status = 0, .type = PROM_VECTOR, .nseries = 0 },
	{ .file = "flagger_vector_single_100.json", .status = 0, .type = PROM_VECTOR, .nseries = 1, .npts = 1,
	  .t0 = 1545905245458, .v0 = 100 },
	{ .file = "grafana_prom-error.json", .status = NG_EAPI,
	  .error = "bad_data: invalid parameter \"start\"", .etype = "bad_data" },
	{ .file = "grafana_prom-infos-no-data.json", .status = 0,
	  .type = PROM_VECTOR, .nseries = 0, .nnotes = 2,
	  .note0 = "info: info 1" },
	{ .file = "grafana_prom-infos.json", .status = 0,
	  .type = PROM_VECTOR, .nseries = 5, .npts = 1, .t0 = 1435781451781,
	  .v0 = 1, .labels0 = "up{job=\"prometheus\",instance=\"localhost:9090\"}", .nnotes = 2 },
	{ .file = "grafana_prom-matrix-with-nans.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 1, .npts = 3,
	  .t0 = 1641889530000, .v0 = INFINITY, .labels0 = "{handler=\"/api/v1/query_range\",job=\"prometheus\"}" },
	{ .file = "grafana_prom-matrix.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 2, .npts = 3, .t0 = 1435781430781,
	  .v0 = 1 },
	{ .file = "grafana_prom-scalar.json", .status = 0,
	  .type = PROM_SCALAR, .nseries = 1, .npts = 1, .t0 = 1651680139104,
	  .v0 = 0.00002482, .labels0 = "{}" },
	{ .file = "grafana_prom-warnings-no-data.json", .status = 0,
	  .type = PROM_VECTOR, .nseries = 0, .nnotes = 2,
	  .note0 = "warning: warning 1" },
	{ .file = "kayenta_rangeQueryEmpty.json", .status = 0, .type = PROM_MATRIX, .nseries = 0 },
	{ .file = "kayenta_rangeQueryWithTags.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 1, .npts = 57,
	  .t0 = 1599658195474, .v0 = 4, .labels0 = "{exception=\"InternalServerError\",method=\"GET\",uri=\"/uri-1\"}" },
	{ .file = "kayenta_rangeQueryWithoutTags.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 1, .npts = 58,
	  .t0 = 1599657179540, .v0 = 43, .labels0 = "{}" },
	{ .file = "prometheus-docs_format_query_string_data.json", .status = NG_EDECODE,
	  .error = "data is a string" },
	{ .file = "prometheus-docs_query_range_matrix_up.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 2, .npts = 3,
	  .t0 = 1435781430781, .v0 = 1, .labels0 = "up{job=\"prometheus\",instance=\"localhost:9090\"}" },
	{ .file = "prometheus-docs_query_vector_up.json", .status = 0,
	  .type = PROM_VECTOR, .nseries = 2, .npts = 1,
	  .t0 = 1435781451781, .v0 = 1, .labels0 = "up{job=\"prometheus\",instance=\"localhost:9090\"}" },
	{ .file = "prometheus-json_codec_exemplars.json", .status = NG_EDECODE, .error = "data is an array" },
	{ .file = "prometheus-json_codec_exemplars_plusInf.json", .status = NG_EDECODE,
	  .error = "data is an array" },
	{ .file = "prometheus-json_codec_matrix_native_histogram.json", .status = NG_EDECODE,
	  .error = "native histogram" },
	{ .file = "prometheus-json_codec_matrix_one_series.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 1, .npts = 1,
	  .t0 = 1000, .v0 = 1, .labels0 = "foo{}" },
	{ .file = "prometheus-json_codec_matrix_two_series.json", .status = 0,
	  .type = PROM_MATRIX, .nseries = 2, .npts = 1,
	  .t0 = 1000, .v0 = 1, .labels0 = "foo{}" },
	{ .file = "prometheus-json_codec_vector_two_series.json", .status = 0,
	  .type = PROM_VECTOR, .nseries = 2, .npts = 1,
	  .t0 = 1000, .v0 = 1, .labels0 = "foo{}" },
	{ .file = "derived/keyorder_result_before_resultType.json", .status = 0,
	  .type = PROM_VECTOR, .nseries = 2, .npts = 1,
	  .t0 = 1435781451781, .v0 = 1, .labels0 = "up{job=\"prometheus\",instance=\"localhost:9090\"}" },
};

/* The point_* files: data is a bare [ts, "value"] pair; what it must decode to. */
static const struct {
	const char *name;
	int64_t t;
	double v;
} points[] = {
	{ "0.001_20", 1, 20 }, { "0.010_20", 10, 20 }, { "0.100_20", 100, 20 }, { "0_0", 0, 0 },
	{ "1.001_20", 1001, 20 }, { "1.010_20", 1010, 20 }, { "1.100_20", 1100, 20 },
	{ "1.2345678e-67", 0, 1.2345678e-67 }, { "1234567.8", 0, 1234567.8 }, { "NaN", 0, NAN },
	{ "large_ts", 12345678123456555, 20 }, { "minusInf", 0, -INFINITY }, { "negative_ts", -1, 20 },
	{ "plusInf", 0, INFINITY }, { "small_decimal", 0, 0.0000012345678 },
};

static bool
same(double a, double b)
{
	return (isnan(a) && isnan(b)) || a == b;
}

static void
check_result(const char *what, int st, const prom_result *r, const expect *e)
{
	T_CHECK(st == e->status, "%s: status %d, want %d (%s)", what, st, e->status, r->error ? r->error : "");
	if (e->error)
		T_CHECK(r->error && strstr(r->error, e->error), "%s: error \"%s\", want it to hold \"%s\"", what,
			r->error ? r->error : "(none)", e->error);
	if (e->etype)
		T_CHECK(r->error_type && strcmp(r->error_type, e->etype) == 0, "%s: errorType %s, want %s", what,
			r->error_type ? r->error_type : "(none)", e->etype);
	T_CHECK((int)r->nnotes == e->nnotes, "%s: %zu warnings/infos, want %d", what, r->nnotes, e->nnotes);
	if (e->note0 && r->nnotes)
		T_CHECK(strcmp(r->notes[0], e->note0) == 0, "%s: note \"%s\", want \"%s\"", what, r->notes[0], e->note0);
	if (e->status)
		return;
	T_CHECK(r->type == e->type, "%s: type %d, want %d", what, r->type, e->type);
	T_CHECK((int)r->nseries == e->nseries, "%s: %zu series, want %d", what, r->nseries, e->nseries);
	if (!r->nseries || !e->nseries)
		return;
	const prom_series *s = &r->series[0];
	if (e->npts != ANY)
		T_CHECK((int)s->npts == e->npts, "%s: %zu points, want %d", what, s->npts, e->npts);
	if (s->npts) {
		T_CHECK(s->pts[0].t == e->t0, "%s: first time %lld, want %lld", what, (long long)s->pts[0].t,
			(long long)e->t0);
		T_CHECK(same(s->pts[0].v, e->v0), "%s: first value %.17g, want %.17g", what, s->pts[0].v, e->v0);
	}
	if (e->labels0)
		T_STREQ(s->labels, e->labels0);
}

static char *
slurp(const char *dir, const char *name, size_t *len)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *path = xmalloc(n), *r;

	snprintf(path, n, "%s/%s", dir, name);
	r = util_read_file(path, len);
	free(path);
	return r;
}

static void
test_corpus(void)
{
	const char *dir = T_CONFORMANCE "/api";
	size_t len;

	char *manifest = slurp(dir, "MANIFEST.tsv", &len);
	T_CHECK(manifest, "%s/MANIFEST.tsv: cannot be read (run from the top of the repository)", dir);
	if (!manifest)
		return;
	int rows = 0, pointrows = 0;
	for (char *line = strtok(manifest, "\n"); line; line = strtok(NULL, "\n")) {
		char file[512];
		long http;
		if (sscanf(line, "%511[^\t]\t%ld", file, &http) != 2)
			continue;	/* the header */
		rows++;
		size_t blen;
		char *body = slurp(dir, file, &blen);
		T_CHECK(body != NULL, "%s: cannot read", file);
		if (!body)
			continue;
		prom_result r;
		int st = prom_decode(body, blen, http, &r);
		const char *pt = strstr(file, "json_codec_point_");
		if (pt) {
			/* not a query result; the pair in it pins numbers and times */
			char name[128];
			snprintf(name, sizeof name, "%s", pt + strlen("json_codec_point_"));
			*strrchr(name, '.') = '\0';
			T_CHECK(st == NG_EDECODE, "%s: status %d, want NG_EDECODE", file, st);
			const char *data = strstr(body, "\"data\":");
			const char *end = strrchr(body, '}');
			prom_point p = { 0, 0 };
			int k = -1;
			for (size_t i = 0; i < sizeof points / sizeof *points; i++)
				if (strcmp(points[i].name, name) == 0)
					k = (int)i;
			T_CHECK(k >= 0, "%s: no expectation for this point file", file);
			T_CHECK(data && end && prom_decode_point(data + 7, (size_t)(end - data - 7), &p) == 0,
				"%s: the pair does not decode", file);
			if (k >= 0) {
				T_CHECK(p.t == points[k].t, "%s: time %lld ms, want %lld", file, (long long)p.t,
					(long long)points[k].t);
				T_CHECK(same(p.v, points[k].v), "%s: value %.17g, want %.17g", file, p.v, points[k].v);
			}
			pointrows++;
		} else {
			const expect *e = NULL;
			for (size_t i = 0; i < sizeof corpus / sizeof *corpus; i++)
				if (strcmp(corpus[i].file, file) == 0)
					e = &corpus[i];
			T_CHECK(e != NULL, "%s: in the manifest but no expectation here", file);
			if (e)
				check_result(file, st, &r, e);
		}
		prom_result_free(&r);
		free(body);
	}
	T_CHECK(rows == (int)(sizeof corpus / sizeof *corpus) + pointrows,
		"%d manifest rows, %zu expectations + %d point files", rows, sizeof corpus / sizeof *corpus, pointrows);
	T_CHECK(pointrows == (int)(sizeof points / sizeof *points), "%d point files, want %zu", pointrows,
		sizeof points / sizeof *points);
	free(manifest);
}

static void
dec(const char *what, const char *body, long http, const expect *e)
{
	prom_result r;
	int st = prom_decode(body, strlen(body), http, &r);

	check_result(what, st, &r, e);
	prom_result_free(&r);
}

static void
test_own(void)
{
	dec("values as numbers", "{\"data\":{\"result\":[{\"values\":[[10,2.5],[20.5,\"3\"]],\"metric\":{}}],"
	    "\"resultType\":\"matrix\"},\"status\":\"success\"}", 200,
	    &(expect){ .type = PROM_MATRIX, .nseries = 1, .npts = 2, .t0 = 10000, .v0 = 2.5, .labels0 = "{}" });
	dec("result null", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":null}}", 200,
	    &(expect){ .type = PROM_MATRIX, .nseries = 0 });
	dec("escaped label", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[{\"metric\":{\"a\":\"x\\\"y\\\\z\\nw\"},\"value\":[1,\"1\"]}]}}", 200,
	    &(expect){ .type = PROM_VECTOR, .nseries = 1, .npts = 1, .t0 = 1000, .v0 = 1,
		       .labels0 = "{a=\"x\\\"y\\\\z\\nw\"}" });
	/* a series without "metric": no labels, and nothing left allocated (make asan's LeakSanitizer) */
	dec("vector without metric", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[{\"value\":[1,\"1\"]}]}}", 200,
	    &(expect){ .type = PROM_VECTOR, .nseries = 1, .npts = 1, .t0 = 1000, .v0 = 1, .labels0 = "{}" });
	dec("matrix without metric", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
	    "[{\"values\":[[1,\"2\"]]},{\"values\":[[1,\"3\"]]}]}}", 200,
	    &(expect){ .type = PROM_MATRIX, .nseries = 2, .npts = 1, .t0 = 1000, .v0 = 2, .labels0 = "{}" });
	dec("bad vector without metric", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[{\"value\":[1,\"x\"]}]}}", 200,
	    &(expect){ .status = NG_EDECODE, .error = "bad response: series {}: a sample's value is not a number" });
	/* a label name is escaped as a value is: the labels go into one-line messages */
	dec("label name with a newline", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[{\"metric\":{\"a\\nb\\\"\":\"x\"},\"value\":[1,\"1\"]}]}}", 200,
	    &(expect){ .type = PROM_VECTOR, .nseries = 1, .npts = 1, .t0 = 1000, .v0 = 1,
		       .labels0 = "{a\\nb\\\"=\"x\"}" });
	dec("out of order", "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
	    "[{\"metric\":{},\"values\":[[2,\"1\"],[1,\"1\"]]}]}}", 200,
	    &(expect){ .status = NG_EDECODE, .error = "out of time order" });
	dec("bad value", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[{\"metric\":{},\"value\":[1,\"1x\"]}]}}", 200, &(expect){ .status = NG_EDECODE, .error = "not a number" });
	dec("bad time", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[{\"metric\":{},\"value\":[\"1\",\"1\"]}]}}", 200, &(expect){ .status = NG_EDECODE, .error = "time" });
	dec("vector histogram", "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
	    "[{\"metric\":{},\"histogram\":[1,{}]}]}}", 200, &(expect){ .status = NG_EDECODE, .error = "native histogram" });
	dec("string result", "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"x\"]}}",
	    200, &(expect){ .status = NG_EDECODE, .error = "a string result" });
	dec("no resultType", "{\"status\":\"success\",\"data\":{\"result\":[]}}", 200,
	    &(expect){ .status = NG_EDECODE, .error = "resultType" });
	dec("no status", "{\"data\":{}}", 200, &(expect){ .status = NG_EDECODE, .error = "status" });
	dec("empty body", "", 200, &(expect){ .status = NG_EDECODE, .error = "empty" });
	dec("truncated", "{\"status\":\"success\",\"data\":{\"resultType\":\"matr", 200,
	    &(expect){ .status = NG_EDECODE, .error = "not JSON" });
	dec("array", "[1,2]", 200, &(expect){ .status = NG_EDECODE, .error = "not a JSON object" });
	dec("503 envelope", "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"busy\"}", 503,
	    &(expect){ .status = NG_EAPI, .error = "unavailable: busy", .etype = "unavailable" });
	dec("401 gateway JSON", "{\"message\":\"no\"}", 401,
	    &(expect){ .status = NG_EHTTP, .error = "HTTP 401: {\"message\":\"no\"}" });
	dec("error without type", "{\"status\":\"error\",\"error\":\"x\\ny\"}", 200,
	    &(expect){ .status = NG_EAPI, .error = "x y" });
	dec("html 502", "<html>\n<body>Bad   Gateway</body>\n</html>", 502,
	    &(expect){ .status = NG_EHTTP, .error = "HTTP 502: <html> <body>Bad Gateway</body> </html>" });

	dec("latin-1 body", "caf\xe9 \xc3\xa9t\xc3", 500,
	    &(expect){ .status = NG_EHTTP, .error = "HTTP 500: caf? \xc3\xa9t?" });
	static const struct { const char *s; double v; int ok; } vals[] = {
		{ "1", 1, 0 }, { "-2.5e-3", -2.5e-3, 0 }, { "NaN", NAN, 0 }, { "+Inf", INFINITY, 0 },
		{ "-Inf", -INFINITY, 0 }, { "Inf", INFINITY, 0 }, { "", 0, -1 }, { " 1", 0, -1 },
		{ "1 ", 0, -1 }, { "0x", 0, -1 }, { "1e400", INFINITY, 0 },
	};
	for (size_t i = 0; i < sizeof vals / sizeof *vals; i++) {
		double v = 0;
		int r = prom_parse_value(vals[i].s, &v);
		T_CHECK(r == vals[i].ok && (r || same(v, vals[i].v)), "prom_parse_value(\"%s\"): %d %.17g",
			vals[i].s, r, v);
	}
	double nan;
	prom_parse_value("NaN", &nan);
	T_CHECK(isnan(nan) && !series_is_stale(nan), "a NaN from the API is not a staleness marker");
}

/* Valid UTF-8 on one line. */
static bool
utf8_line(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t n = *p < 0x80 ? 1 : *p >= 0xc2 && *p <= 0xdf ? 2 : *p >= 0xe0 && *p <= 0xef ? 3 :
			*p >= 0xf0 && *p <= 0xf4 ? 4 : 0;
		if (!n || *p == '\n')
			return false;
		for (size_t i = 1; i < n; i++)
			if ((p[i] & 0xc0) != 0x80)
				return false;
		p += n;
	}
	return true;
}

/* Errors are one line of UTF-8 whatever the body (found by tests/fuzz/fuzz_prom.c). */
static void
test_one_line(void)
{
	prom_result r;
	char body[1024];
	int st;

	/* jansson quotes the body near an error, newline and all */
	st = prom_decode("{\"a\": \"\\\\\\\n}", 11, 200, &r);
	T_CHECK(st == NG_EDECODE && r.error && strstr(r.error, "not JSON: invalid escape") && utf8_line(r.error),
		"a newline in jansson's message: %d \"%s\"", st, r.error ? r.error : "");
	prom_result_free(&r);
	/* a message cut at its 511th byte keeps whole characters: names of two lengths put
	 * the cut inside a two-byte character one way or the other */
	for (int k = 1; k <= 2; k++) {
		int n = snprintf(body, sizeof body, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
				 "\"result\":[{\"metric\":{\"%.*s\":\"", k, "ab");
		for (int i = 0; i < 300; i++)
			n += snprintf(body + n, sizeof body - (size_t)n, "\xc3\xa9");
		n += snprintf(body + n, sizeof body - (size_t)n, "\"},\"value\":[1,\"x\"]}]}}");
		st = prom_decode(body, (size_t)n, 200, &r);
		T_CHECK(st == NG_EDECODE && r.error && strlen(r.error) > 400 && utf8_line(r.error),
			"a long label in a message: %d \"%s\"", st, r.error ? r.error : "");
		prom_result_free(&r);
	}
}

static void
test_redact(void)
{
	ng_prom_opts o;
	int st;
	ng_diags *errs = ng_diags_new();
	ng_prom *pc;

	ng_prom_opts_init(&o);
	o.url = "http://alice:s%40cret@prom.example:9090/prefix/?token=t0ps3cret#frag";
	st = ng_prom_new(&o, &pc, errs);
	T_CHECK(pc != NULL && st == 0, "ng_prom_new: %d", st);
	if (pc) {
		T_STREQ(ng_prom_url(pc), "http://prom.example:9090/prefix/api/v1/query_range");
		char *r = prom_redact(pc, "a s%40cret b s@cret c t0ps3cret d YWxpY2U6c0BjcmV0 e");
		T_STREQ(r, "a *** b *** c *** d *** e");
		free(r);
		ng_prom_free(pc);
	}
	o.url = "gopher://x/";
	T_CHECK((st = ng_prom_new(&o, &pc, errs)) == NG_EUSAGE && !pc, "a gopher URL: %d", st);
	o.url = "http://x/";
	const char *bad[] = { "NoColon" };
	o.headers = bad;
	o.nheaders = 1;
	T_CHECK((st = ng_prom_new(&o, &pc, errs)) == NG_EUSAGE && !pc, "a header without a colon: %d", st);
	T_CHECK(ng_diags_count(errs) == 2 && ng_diags_error(errs) == NG_EUSAGE, "%zu diagnostics", ng_diags_count(errs));
	ng_diags_free(errs);
}

int
main(void)
{
	test_corpus();
	test_own();
	test_one_line();
	test_redact();
	return T_DONE();
}
