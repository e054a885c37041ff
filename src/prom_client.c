/*
 * prom_client.c: the Prometheus HTTP API client over libcurl multi (loaded
 * on first use, curl_load.h): queries in parallel on kept connections,
 * faults retried with backoff, every fault one ng_errcode and one line with
 * no credential in it.  See source_prom.h.
 */
#include "source_prom.h"
#include "curl_load.h"
#include "error.h"
#include "sbuf.h"
#include "util.h"

#include <ctype.h>
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

struct ng_prom {
	ng_prom_opts o;
	CURLM *multi;
	char *url_range, *url_series;	/* endpoints, with credentials of the URL */
	char *base_path;		/* the URL's path, without a trailing / */
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
	pc->secrets[pc->nsecrets++] = xstrndup(s, n);
}

/* user:password as a Basic Authorization header carries it: a server may echo it back. */
static void
add_basic_secret(ng_prom *pc, const char *user, const char *password)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char *plain = sb_fmt("%s:%s", user, password);
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

/*
 * The endpoints of the URL: its path + /api/v1/query_range and
 * /api/v1/series; and the first without credentials, for messages.
 */
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
	curl_url_set(u, CURLUPART_FRAGMENT, NULL, 0);
	pc->base_path = xstrndup(path, n);
	char **to[] = { &pc->url_range, &pc->url_series };
	const char *api[] = { "query_range", "series" };
	for (int i = 0; i < 2; i++) {
		char *ep = sb_fmt("%.*s/api/v1/%s", (int)n, path, api[i]);
		curl_url_set(u, CURLUPART_PATH, ep, 0);
		free(ep);
		curl_free(full);
		full = NULL;
		if (curl_url_get(u, CURLUPART_URL, &full, 0) != CURLUE_OK) {
			err_fail(d, NG_EUSAGE, NULL, "--prometheus: not a URL (http://HOST:PORT[/PATH])");
			goto out;
		}
		*to[i] = xstrdup(full);
		if (i == 0)
			pc->shown = url_shown(full);
	}
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
		char *line = sb_fmt("Authorization: Bearer %s", tok);
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
	free(pc->url_series);
	free(pc->base_path);
	free(pc->shown);
	free(pc);
	if (--curl_users == 0)
		curl_global_cleanup();
}

/* The outcome of a query dropped: before another try, or a run. */
static void
query_reset(prom_query *q)
{
	free(q->error);
	q->error = NULL;
	prom_result_free(&q->res);
	q->status = 0;
}

void
prom_query_clear(prom_query *q)
{
	query_reset(q);
	q->attempts = 0;
}

typedef struct xfer {
	ng_prom *pc;
	prom_query *q;
	CURL *h;
	char *post;
	char *url;			/* a label values request's own, else NULL */
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

/* GET .../api/v1/label/NAME/values?start=S&end=E[&match[]=SEL], the URL's own query kept. */
static char *
label_url(const ng_prom *pc, const prom_query *q, const char *s, const char *e)
{
	CURLU *u = curl_url();
	char *esc = curl_easy_escape(NULL, q->label, 0), *full = NULL, *r = NULL;
	char *path = sb_fmt("%s/api/v1/label/%s/values", pc->base_path, esc ? esc : "");
	char *qs[3] = { sb_fmt("start=%s", s), sb_fmt("end=%s", e), q->query && *q->query ?
			sb_fmt("match[]=%s", q->query) : NULL };

	if (curl_url_set(u, CURLUPART_URL, pc->url_range, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PATH, path, 0) == CURLUE_OK) {
		for (int i = 0; i < 3; i++)
			if (qs[i])
				curl_url_set(u, CURLUPART_QUERY, qs[i], CURLU_APPENDQUERY | CURLU_URLENCODE);
		if (curl_url_get(u, CURLUPART_URL, &full, 0) == CURLUE_OK)
			r = xstrdup(full);
	}
	for (int i = 0; i < 3; i++)
		free(qs[i]);
	free(path);
	curl_free(esc);
	curl_free(full);
	curl_url_cleanup(u);
	return r ? r : xstrdup(pc->url_range);
}

static void
xfer_setup(ng_prom *pc, xfer *x, prom_query *q)
{
	const ng_prom_opts *o = &pc->o;
	char *esc = q->query ? curl_easy_escape(NULL, q->query, 0) : NULL;
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
	if (q->label)
		x->url = label_url(pc, q, s, e);
	else if (q->series)
		x->post = sb_fmt("match[]=%s&start=%s&end=%s", esc ? esc : "", s, e);
	else
		x->post = sb_fmt("query=%s&start=%s&end=%s&step=%s&nocache=1", esc ? esc : "", s, e, st);
	curl_free(esc);
	x->h = curl_easy_init();
	CURL *h = x->h;
	curl_easy_setopt(h, CURLOPT_URL, x->url ? x->url : q->series ? pc->url_series : pc->url_range);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	if (x->post)
		curl_easy_setopt(h, CURLOPT_POSTFIELDS, x->post);
	else
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);	/* Prometheus takes label values by GET only */
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
	char *line = sb_fmt("%s: %s: %s", pc->shown, q->what, buf);
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

/* A line of -v (or a server's warning), credentials hidden. */
static void
say(const ng_prom *pc, ng_diags *d, const char *line)
{
	char *red = prom_redact(pc, line);

	err_add(d, NG_SEV_INFO, NG_OK, ERR_NOWHERE, "%s", red);
	free(red);
}

/* --- how a transfer ended ------------------------------------------------------ */

static bool
tls_fault(CURLcode rc)
{
	switch (rc) {
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
		return true;
	default:
		return false;
	}
}

/* A response came: decoded into the query; 429 and 5xx are transient. */
static bool
xfer_response(ng_prom *pc, xfer *x, long http, const char *tries)
{
	prom_query *q = x->q;
	char *loc = NULL;

	q->status = (q->series || q->label ? prom_decode_series : prom_decode)(x->body.s ? x->body.s : "",
										x->body.len, http, &q->res);
	if (http >= 300 && http < 400 && curl_easy_getinfo(x->h, CURLINFO_REDIRECT_URL, &loc) == CURLE_OK && loc) {
		char *to = url_shown(loc);
		set_error(pc, q, NG_EHTTP, "HTTP %ld: redirected to %s; give --prometheus the URL it "
			  "redirects to", http, to);
		free(to);
	} else if (q->status == NG_EAPI) {
		char *qs = prom_one_line(q->query, strlen(q->query), 300);
		set_error(pc, q, NG_EAPI, "%s (query: %s)%s", q->res.error, qs, tries);
		free(qs);
	} else if (q->status) {
		set_error(pc, q, q->status, "%s%s", q->res.error, tries);
	}
	return http == 429 || http >= 500;
}

/*
 * What a finished transfer gives, as the query's status and error (and
 * result); returns whether the fault is transient, one that another try may
 * not meet: no connection, none in time, a response cut short, 429 or 5xx.
 */
static bool
xfer_outcome(ng_prom *pc, xfer *x, CURLcode rc, long http)
{
	prom_query *q = x->q;
	const char *why = curl_why(x, rc);
	char d[40], tries[64] = "";
	curl_off_t pre = 0;

	if (q->attempts > 1)
		snprintf(tries, sizeof tries, " (%d attempts)", q->attempts);
	switch (rc) {
	case CURLE_OK:
		return xfer_response(pc, x, http, tries);
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (x->toobig || rc == CURLE_FILESIZE_EXCEEDED)
			set_error(pc, q, NG_ETOOBIG, "the response is larger than %lld bytes (--max-response)",
				  (long long)pc->o.max_response);
		else
			set_error(pc, q, NG_ECONNECT, "%s", why);
		return false;
	case CURLE_OPERATION_TIMEDOUT:
		curl_easy_getinfo(x->h, CURLINFO_PRETRANSFER_TIME_T, &pre);
		if (pre == 0) {	/* still connecting */
			util_fmt_duration(d, sizeof d, pc->o.connect_timeout);
			set_error(pc, q, NG_ETIMEOUT, "no connection within %s (--connect-timeout)%s", d, tries);
			return true;
		}
		util_fmt_duration(d, sizeof d, pc->o.timeout);
		set_error(pc, q, NG_ETIMEOUT, "no complete response within %s (--timeout)", d);
		return false;
	case CURLE_PARTIAL_FILE:
		set_error(pc, q, NG_EDECODE, "bad response: cut short (%s)%s", why, tries);
		return true;
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
		if (!strstr(why, "SSL"))
			break;
		/* the TLS peer said no (a client certificate ...) */
		set_error(pc, q, NG_ECONNECT, "TLS: %s", why);
		return false;
	case CURLE_COULDNT_CONNECT:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_GOT_NOTHING:
		break;
	default:
		set_error(pc, q, NG_ECONNECT, "%s%s", tls_fault(rc) ? "TLS: " : "", why);
		return false;
	}
	set_error(pc, q, NG_ECONNECT, "cannot connect: %s%s", why, tries);
	return true;
}

/* Before the next try: doubling from --retry-base, or the server's Retry-After if longer; at most 10 s. */
static int64_t
retry_wait(const ng_prom *pc, const xfer *x, long http)
{
	int64_t wait = pc->o.retry_base << (x->q->attempts - 1 < 10 ? x->q->attempts - 1 : 10);

	if (x->retry_after >= 0 && http != 0)
		wait = x->retry_after * 1000 > wait ? x->retry_after * 1000 : wait;
	return wait > 10000 ? 10000 : wait;
}

/* A transfer ended: returns true when it is to be tried again (its outcome dropped). */
static bool
xfer_done(ng_prom *pc, xfer *x, CURLcode rc, ng_diags *d)
{
	prom_query *q = x->q;
	long http = 0;

	curl_easy_getinfo(x->h, CURLINFO_RESPONSE_CODE, &http);
	if (!xfer_outcome(pc, x, rc, http) || q->attempts > pc->o.retries)
		return false;
	int64_t wait = retry_wait(pc, x, http);
	if (pc->o.verbose) {
		char *why = rc == CURLE_OK ? sb_fmt("HTTP %ld", http) : xstrdup(curl_why(x, rc));
		char *line = sb_fmt("%s: %s: %s; again in %lld ms", pc->shown, q->what, why, (long long)wait);
		say(pc, d, line);
		free(line);
		free(why);
	}
	query_reset(q);
	x->retry_at = mono_ms() + wait;
	if (x->retry_at == 0)
		x->retry_at = 1;
	return true;
}

/* --- running queries ------------------------------------------------------------ */

/* -v: a query about to run. */
static void
say_query(ng_diags *d, const prom_query *q)
{
	char a[40], b[40], s[40];
	char *qq = prom_one_line(q->query, strlen(q->query), 100000);

	util_fmt_time(a, sizeof a, q->start);
	util_fmt_time(b, sizeof b, q->end);
	util_fmt_duration(s, sizeof s, q->step);
	if (q->label)
		err_add(d, NG_SEV_INFO, NG_OK, ERR_NOWHERE, "%s: label %s values %s .. %s: %s", q->what, q->label, a, b,
			qq);
	else if (q->series)
		err_add(d, NG_SEV_INFO, NG_OK, ERR_NOWHERE, "%s: series %s .. %s: %s", q->what, a, b, qq);
	else
		err_add(d, NG_SEV_INFO, NG_OK, ERR_NOWHERE, "%s: query_range %s .. %s step %s: %s", q->what, a, b, s, qq);
	free(qq);
}

/* Drive the started transfers until each is done, or until o->stop is set (-1). */
static int
run_all(ng_prom *pc, xfer *xs, int n, ng_diags *d)
{
	int pending = n;

	while (pending > 0) {
		int running = 0, left;
		CURLMsg *m;

		if (pc->o.stop && *pc->o.stop)
			return -1;
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
	return 0;
}

int
prom_run(ng_prom *pc, prom_query *qs, int n, ng_diags *d)
{
	xfer *xs = xcalloc((size_t)n, sizeof *xs);
	int64_t t0 = mono_ms();

	if (pc->o.bearer_file)
		build_headers(pc, d, false);
	for (int i = 0; i < n; i++) {
		prom_query_clear(&qs[i]);
		xfer_setup(pc, &xs[i], &qs[i]);
		if (pc->o.verbose)
			say_query(d, &qs[i]);
		xfer_start(pc, &xs[i]);
	}
	int ret = run_all(pc, xs, n, d);
	for (int i = 0; i < n; i++) {
		xfer *x = &xs[i];
		if (!x->done && !x->retry_at)
			curl_multi_remove_handle(pc->multi, x->h);
		curl_easy_cleanup(x->h);
		free(x->post);
		free(x->url);
		free(x->body.s);
		if (ret < 0 || !x->done)
			continue;
		for (size_t k = 0; k < qs[i].res.nnotes; k++) {
			char *line = sb_fmt("%s: %s: %s", pc->shown, qs[i].what, qs[i].res.notes[k]);
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
