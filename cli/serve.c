/*
 * serve.c: `novagate serve`, the gates over HTTP for orchestrators (Argo
 * Rollouts' web provider, Flagger's webhooks, scripts).  libmicrohttpd
 * runs one polling thread; a request that needs an evaluation is suspended
 * until a worker of serve_eval.c has it, so a slow client or a slow server
 * holds a connection, never a thread.  The main thread waits for SIGTERM
 * or SIGINT and meanwhile closes connections that have not sent a whole
 * request within --request-timeout.
 */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BODY (64 * 1024)		/* a Flagger payload is a few hundred bytes */
/*
 * A request target and header fields longer than these are answered 414
 * and 431 here, in JSON.  libmicrohttpd answers a request that does not
 * fit in a connection's memory itself, with a body of its own (HTML):
 * POOL_SIZE leaves room above both limits, so only a request far over
 * them gets that.
 */
#define MAX_TARGET (8 * 1024)		/* Argo's and Flagger's are a few hundred bytes */
#define MAX_HEADERS (16 * 1024)		/* names, values and their ": " and CRLF */
#define POOL_SIZE (64 * 1024)
#define DEFAULT_LISTEN "127.0.0.1:9464"
#define DEFAULT_CONNECTIONS 64
#define DEFAULT_REQUEST_TIMEOUT 30000
#define DEFAULT_IDLE_TIMEOUT 10000

/* A connection, for the reaper. */
typedef struct conn {
	int fd;
	int64_t since;			/* monotonic ms: opened, or its last answer sent */
	struct request *rq;		/* suspended on an evaluation (not the client's delay), or NULL */
	struct conn *prev, *next;
} conn;

/* One request, from its first call of the handler to its completion. */
typedef struct request {
	enum serve_route route;
	struct MHD_Connection *c;
	conn *cn;
	bool begun;			/* the handler has seen it (counted in S.active) */
	size_t target;			/* the request target's length, as sent */
	bool queued;			/* an answer is queued: the rest of the body is dropped */
	char *body;
	size_t len;
	bool too_big;
	bool gone;			/* its client left while it waited: closed when resumed */
	int hook;			/* ROUTE_FLAGGER: index in hooks[] */
	serve_ask q;
	char *err;			/* a 400 found while reading the query string */
	serve_result *res;
	serve_waiter w;
} request;

static struct {
	const cli_opts *o;
	serve_eval *e;
	struct MHD_Daemon *d;
	char *token;			/* --auth-token-file, or NULL */
	size_t ntoken;
	pthread_mutex_t mu;		/* the rest */
	conn *conns;
	int nconns;
	int active;			/* requests begun and not completed */
	bool draining;
} S = { .mu = PTHREAD_MUTEX_INITIALIZER };

/*
 * Flagger's webhook types, and the verdicts each answers 2xx to.  Flagger
 * reads only the status: for confirm-* a non-2xx holds the canary where
 * it is, for pre-rollout and rollout it is a failed check (counted towards
 * the analysis' threshold, then a rollback), for post-rollout it is
 * logged, and for rollback a 2xx starts the rollback.
 */
#define GO (1u << NG_GO)
#define NOGO (1u << NG_NOGO)
#define ROLLBACK (1u << NG_ROLLBACK)
#define INCONCLUSIVE (1u << NG_INCONCLUSIVE)
static const struct hook {
	const char *name;
	unsigned ok;
} hooks[] = {
	{ "confirm-rollout", GO },
	{ "pre-rollout", GO | NOGO | INCONCLUSIVE },
	{ "rollout", GO | NOGO | INCONCLUSIVE },
	{ "confirm-traffic-increase", GO },
	{ "confirm-promotion", GO },
	{ "post-rollout", GO | NOGO | INCONCLUSIVE },
	{ "rollback", ROLLBACK },
};
#define NHOOKS (sizeof hooks / sizeof *hooks)
#define HOOK_NOT 412	/* the hook's condition does not hold (the body says why) */

/* --- answers --- */

/* Whether SIGTERM has come (set by the main thread, read by the HTTP thread). */
static bool
draining(void)
{
	pthread_mutex_lock(&S.mu);
	bool d = S.draining;
	pthread_mutex_unlock(&S.mu);
	return d;
}

static enum MHD_Result
answer(request *rq, int status, const char *body, size_t len, const char *type)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);

	rq->queued = true;
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", type ? type : "application/json");
	if (status == 401)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	if (status == 405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rq->route == ROUTE_FLAGGER ? "POST" : "GET, HEAD");
	if (status == 503)
		MHD_add_response_header(r, MHD_HTTP_HEADER_RETRY_AFTER, "1");
	if (draining())
		MHD_add_response_header(r, "Connection", "close");
	enum MHD_Result ok = MHD_queue_response(rq->c, (unsigned)status, r);
	MHD_destroy_response(r);
	serve_metrics_request(rq->route, status);
	return ok;
}

/* Text from a request, fit for a message: printable ASCII, at most 64 bytes. */
static void
clean(char *out, size_t size, const char *s, size_t n)
{
	size_t j = 0;

	for (size_t i = 0; i < n && j + 1 < size && i < 64; i++)
		out[j++] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : '?';
	out[j] = '\0';
}

static enum MHD_Result fail(request *rq, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* An error answer: {"error": "..."}. */
static enum MHD_Result
fail(request *rq, int status, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	json_t *j = json_pack("{s:s}", "error", msg);
	char *s = json_dumps(j, JSON_COMPACT);
	enum MHD_Result r = answer(rq, status, s ? s : "{}", s ? strlen(s) : 2, NULL);
	free(s);
	json_decref(j);
	return r;
}

/* --- questions: parameters from the query string or Flagger's metadata --- */

static void set_err(request *rq, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The first 400 of a request: what was wrong with it. */
static void
set_err(request *rq, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (rq->err)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	rq->err = strdup(msg);
}

static int
by_name(const void *a, const void *b)
{
	return strcmp(((const ng_param *)a)->name, ((const ng_param *)b)->name);
}

static bool
declares(const ng_gatefile *gf, const char *name)
{
	const char *p;

	for (int i = 0; (p = ng_gatefile_param(gf, i, NULL)) != NULL; i++)
		if (strcmp(p, name) == 0)
			return true;
	return false;
}

/* Set parameter name of the request's gate; false with rq->err when it is not one, or set twice. */
static bool
set_param(request *rq, const char *name, const char *value)
{
	int gi;
	const ng_gatefile *gf = serve_eval_gatefile(S.e, rq->q.gate, &gi);
	char nm[80];

	clean(nm, sizeof nm, name, strlen(name));
	if (!declares(gf, name)) {
		set_err(rq, "%s declares no parameter '%s'", serve_eval_file(S.e, rq->q.gate), nm);
		return false;
	}
	for (int i = 0; i < rq->q.nsets; i++)
		if (strcmp(rq->q.sets[i].name, name) == 0) {
			set_err(rq, "parameter '%s' given twice", nm);
			return false;
		}
	rq->q.sets = ng_realloc(rq->q.sets, (size_t)(rq->q.nsets + 1) * sizeof *rq->q.sets);
	rq->q.sets[rq->q.nsets++] = (ng_param){ strdup(name), strdup(value ? value : "") };
	return true;
}

/* GET /v1/gates/{gate}/verdict?set.NAME=VALUE&at=TIME */
static enum MHD_Result
query_arg(void *cls, enum MHD_ValueKind kind, const char *key, size_t klen, const char *value, size_t vlen)
{
	request *rq = cls;
	char k[80];

	(void)kind;
	if (rq->err)
		return MHD_NO;
	if (strlen(key) != klen || (value && strlen(value) != vlen)) {	/* a %00 would cut it short */
		set_err(rq, "a NUL byte in the query string");
		return MHD_NO;
	}
	if (strcmp(key, "at") == 0) {
		if (rq->q.has_at || !value || !ng_parse_time(value, &rq->q.at)) {
			clean(k, sizeof k, value ? value : "", value ? strlen(value) : 0);
			set_err(rq, rq->q.has_at ? "at given twice" : "at takes unix seconds or an RFC 3339 time, not '%s'",
				     k);
			return MHD_NO;
		}
		rq->q.has_at = true;
	} else if (strncmp(key, "set.", 4) == 0 && key[4]) {
		if (!set_param(rq, key + 4, value))
			return MHD_NO;
	} else {
		clean(k, sizeof k, key, strlen(key));
		set_err(rq, "unknown query parameter '%s' (set.NAME=VALUE, at=TIME)", k);
		return MHD_NO;
	}
	return MHD_YES;
}

/* Flagger's payload: {name, namespace, phase, checksum, metadata: {string: string}}. */
static bool
flagger_params(request *rq)
{
	json_error_t je;
	json_t *j = json_loadb(rq->body ? rq->body : "", rq->len, 0, &je), *v, *md;
	const char *k;
	int gi;
	const ng_gatefile *gf = serve_eval_gatefile(S.e, rq->q.gate, &gi);
	bool ok = false;

	if (!j) {
		set_err(rq, "the body is not JSON: %d:%d: %s", je.line, je.column, je.text);
		return false;
	}
	if (!json_is_object(j)) {
		set_err(rq, "the body is not a JSON object (Flagger's webhook payload)");
		goto out;
	}
	static const char *const strings[] = { "name", "namespace", "phase", "checksum" };
	for (size_t i = 0; i < sizeof strings / sizeof *strings; i++)
		if ((v = json_object_get(j, strings[i])) && !json_is_string(v)) {
			set_err(rq, "the payload's %s is not a string", strings[i]);
			goto out;
		}
	md = json_object_get(j, "metadata");
	if (md && !json_is_object(md) && !json_is_null(md)) {
		set_err(rq, "the payload's metadata is not an object");
		goto out;
	}
	json_object_foreach(md, k, v) {
		if (!json_is_string(v)) {
			char nm[80];
			clean(nm, sizeof nm, k, strlen(k));
			set_err(rq, "metadata '%s' is not a string", nm);
			goto out;
		}
		if (!set_param(rq, k, json_string_value(v)))
			goto out;
	}
	/* the canary's name and namespace, for a gate that asks for them and was not told otherwise */
	for (int i = 0; i < 2; i++) {
		const char *name = strings[i];
		bool given = false;
		for (int s = 0; s < rq->q.nsets; s++)
			given |= strcmp(rq->q.sets[s].name, name) == 0;
		if (!given && declares(gf, name) && (v = json_object_get(j, name)) && !set_param(rq, name, json_string_value(v)))
			goto out;
	}
	ok = true;
out:
	json_decref(j);
	return ok;
}

/* --- the routes --- */

static void
w_suspend(void *ctx)
{
	request *rq = ctx;

	MHD_suspend_connection(rq->c);	/* under the results' lock: never S.mu, which the reaper takes first */
}

static void
w_resume(void *ctx)
{
	MHD_resume_connection(((request *)ctx)->c);
}

/* A ready result, as the route says it. */
static enum MHD_Result
answer_result(request *rq)
{
	size_t len;
	const char *body;
	int status, v;

	serve_result_get(S.e, rq->res, &status, &body, &len, &v);

	pthread_mutex_lock(&S.mu);
	rq->cn->rq = NULL;
	rq->cn->since = cli_mono_ms();	/* the answer's time to go out is not the client's delay */
	pthread_mutex_unlock(&S.mu);
	if (rq->route == ROUTE_FLAGGER && status == 200 && v >= 0 && !(hooks[rq->hook].ok & (1u << v)))
		status = HOOK_NOT;
	return answer(rq, status, body ? body : "", body ? len : 0, NULL);
}

static enum MHD_Result
evaluate(request *rq)
{
	if (rq->q.nsets > 1)
		qsort(rq->q.sets, (size_t)rq->q.nsets, sizeof *rq->q.sets, by_name);
	bool ready;

	rq->w = (serve_waiter){ w_suspend, w_resume, rq, NULL };
	pthread_mutex_lock(&S.mu);
	rq->cn->since = cli_mono_ms();	/* whole: from now on the wait is the server's */
	pthread_mutex_unlock(&S.mu);
	rq->res = serve_eval_ask(S.e, &rq->q, &rq->w, &ready);
	if (!rq->res) {
		return fail(rq, 503, draining() ? "shutting down" : "busy: too many evaluations asked for at once");
	}
	if (!ready) {
		pthread_mutex_lock(&S.mu);
		rq->cn->rq = rq;	/* for the reaper, which looks for clients that leave */
		pthread_mutex_unlock(&S.mu);
		return MHD_YES;	/* suspended; the handler is called again when it is ready */
	}
	return answer_result(rq);
}

/* The gate named by the len bytes at s, or -1 with a 404 queued. */
static int
gate_of(request *rq, const char *s, size_t len, enum MHD_Result *r)
{
	char name[128];

	if (len < sizeof name) {
		memcpy(name, s, len);
		name[len] = '\0';
		int g = serve_eval_find(S.e, name);
		if (g >= 0)
			return g;
	}
	clean(name, sizeof name, s, len);
	*r = fail(rq, 404, "no gate '%s' (GET /v1/gates lists them)", name);
	return -1;
}

/* The request whole: answer it, or suspend it until its evaluation is ready. */
static enum MHD_Result
finish(request *rq, const char *url)
{
	enum MHD_Result r = MHD_YES;

	switch (rq->route) {
	case ROUTE_HEALTHZ:
		return draining() ? fail(rq, 503, "shutting down") : answer(rq, 200, "{\"status\":\"ok\"}", 15, NULL);
	case ROUTE_METRICS: {
		pthread_mutex_lock(&S.mu);
		int n = S.nconns;
		pthread_mutex_unlock(&S.mu);
		char *text = serve_metrics_text(S.e, n);
		r = answer(rq, text ? 200 : 500, text ? text : "", text ? strlen(text) : 0, "text/plain; version=0.0.4");
		free(text);
		return r;
	}
	case ROUTE_GATES: {
		char *text = serve_eval_list(S.e);
		r = answer(rq, text ? 200 : 500, text ? text : "", text ? strlen(text) : 0, NULL);
		free(text);
		return r;
	}
	case ROUTE_VERDICT: {
		const char *g = url + strlen("/v1/gates/");
		if ((rq->q.gate = gate_of(rq, g, strlen(g) - strlen("/verdict"), &r)) < 0)
			return r;
		MHD_get_connection_values_n(rq->c, MHD_GET_ARGUMENT_KIND, query_arg, rq);
		if (rq->err)
			return fail(rq, 400, "%s", rq->err);
		return evaluate(rq);
	}
	case ROUTE_FLAGGER: {
		const char *hook = url + strlen("/v1/flagger/"), *g = strchr(hook, '/') + 1;
		if ((rq->q.gate = gate_of(rq, g, strlen(g), &r)) < 0)
			return r;
		if (rq->too_big)
			return fail(rq, 413, "the body is larger than %d bytes", MAX_BODY);
		if (MHD_get_connection_values(rq->c, MHD_GET_ARGUMENT_KIND, NULL, NULL) > 0)
			return fail(rq, 400, "Flagger's route takes no query string: parameters come in the "
					     "webhook's metadata");
		if (!flagger_params(rq))
			return fail(rq, 400, "%s", rq->err ? rq->err : "a bad payload");
		return evaluate(rq);
	}
	default:
		return fail(rq, 404, "no such route: GET /v1/gates, GET /v1/gates/{gate}/verdict, "
				     "POST /v1/flagger/{hook}/{gate}, GET /healthz, GET /metrics");
	}
}

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool
has_suffix(const char *s, const char *p)
{
	size_t n = strlen(s), m = strlen(p);

	return n >= m && strcmp(s + n - m, p) == 0;
}

/* Which route a path is; for Flagger's, which hook (else -1). */
static enum serve_route
route_of(const char *url, int *hook)
{
	*hook = -1;
	if (strcmp(url, "/v1/gates") == 0)
		return ROUTE_GATES;
	if (strcmp(url, "/healthz") == 0)
		return ROUTE_HEALTHZ;
	if (strcmp(url, "/metrics") == 0)
		return ROUTE_METRICS;
	if (has_prefix(url, "/v1/gates/") && has_suffix(url, "/verdict") &&
	    strlen(url) > strlen("/v1/gates//verdict") && !memchr(url + 10, '/', strlen(url) - 10 - 8))
		return ROUTE_VERDICT;
	if (has_prefix(url, "/v1/flagger/")) {
		const char *h = url + strlen("/v1/flagger/"), *slash = strchr(h, '/');
		if (!slash || !slash[1] || strchr(slash + 1, '/'))
			return ROUTE_OTHER;
		for (size_t i = 0; i < NHOOKS; i++)
			if (strlen(hooks[i].name) == (size_t)(slash - h) && strncmp(h, hooks[i].name, (size_t)(slash - h)) == 0)
				*hook = (int)i;
		return ROUTE_FLAGGER;
	}
	return ROUTE_OTHER;
}

/* Constant time in the token's bytes: how long a guess matched does not show. */
static bool
authorized(struct MHD_Connection *c)
{
	const char *h = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	unsigned char diff = 0;

	if (!h || strncasecmp(h, "Bearer ", 7) != 0)	/* the scheme's case does not matter (RFC 7235) */
		return false;
	h += 7;
	size_t n = strlen(h);
	for (size_t i = 0; i < S.ntoken; i++)
		diff |= (unsigned char)(S.token[i] ^ (i < n ? h[i] : 0));
	return diff == 0 && n == S.ntoken;
}

/* A header field's bytes as sent: name, ": ", value, CRLF. */
static enum MHD_Result
add_header_size(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	(void)kind;
	*(size_t *)cls += strlen(key) + (value ? strlen(value) : 0) + 4;
	return MHD_YES;
}

/* The first call for a request: its headers are in; its body, if any, comes next. */
static enum MHD_Result
begin(request *rq, const char *url, const char *method)
{
	bool get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	bool post = strcmp(method, "POST") == 0;

	size_t hsize = 0;

	rq->route = route_of(url, &rq->hook);
	if (rq->target > MAX_TARGET)
		return fail(rq, 414, "the request target is %zu bytes, more than %d", rq->target, MAX_TARGET);
	MHD_get_connection_values(rq->c, MHD_HEADER_KIND, add_header_size, &hsize);
	if (hsize > MAX_HEADERS)
		return fail(rq, 431, "the header fields are %zu bytes, more than %d", hsize, MAX_HEADERS);
	if (S.token && rq->route != ROUTE_HEALTHZ && !authorized(rq->c))
		return fail(rq, 401, "a bearer token is required (Authorization: Bearer ...)");
	if (rq->route == ROUTE_OTHER)
		return MHD_YES;	/* 404 once whole */
	if (rq->route == ROUTE_FLAGGER ? !post : !get)
		return fail(rq, 405, "%s %s: method not allowed", post ? "POST" : get ? "GET" : "this method",
			    serve_route_path[rq->route]);
	if (rq->route == ROUTE_FLAGGER && rq->hook < 0) {
		char h[80];
		const char *s = url + strlen("/v1/flagger/");
		clean(h, sizeof h, s, (size_t)(strchr(s, '/') - s));
		return fail(rq, 404, "no Flagger hook '%s' (confirm-rollout, pre-rollout, rollout, "
				     "confirm-traffic-increase, confirm-promotion, post-rollout, rollback)", h);
	}
	const char *cl = MHD_lookup_connection_value(rq->c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl && strtoull(cl, NULL, 10) > MAX_BODY)
		return fail(rq, 413, "the body is larger than %d bytes", MAX_BODY);
	return MHD_YES;
}

/*
 * The request target as the client sent it, before libmicrohttpd parses
 * it (the handler's url has no query string): the request begins here.
 */
static void *
on_target(void *cls, const char *target, struct MHD_Connection *c)
{
	request *rq = ng_realloc(NULL, sizeof *rq);

	(void)cls;
	*rq = (request){ .c = c, .hook = -1, .target = strlen(target) };
	return rq;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method, const char *version,
       const char *upload, size_t *upload_size, void **ctx)
{
	request *rq = *ctx;

	(void)cls, (void)version;
	if (!rq)
		*ctx = rq = on_target(NULL, url, c);	/* on_target runs first; in case it did not */
	if (!rq->begun) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		rq->cn = ci ? ci->socket_context : NULL;
		rq->begun = true;
		pthread_mutex_lock(&S.mu);
		S.active++;
		pthread_mutex_unlock(&S.mu);
		return begin(rq, url, method);
	}
	if (*upload_size) {
		if (!rq->queued && !rq->too_big) {
			if (rq->len + *upload_size > MAX_BODY) {
				rq->too_big = true;
			} else {
				rq->body = ng_realloc(rq->body, rq->len + *upload_size + 1);
				memcpy(rq->body + rq->len, upload, *upload_size);
				rq->len += *upload_size;
			}
		}
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->queued)
		return MHD_YES;
	pthread_mutex_lock(&S.mu);
	bool gone = rq->gone;
	pthread_mutex_unlock(&S.mu);
	if (gone)
		return MHD_NO;			/* resumed by the reaper: nobody to answer */
	if (rq->res)
		return answer_result(rq);	/* resumed: its evaluation is ready */
	return finish(rq, url);
}

static void
completed(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_RequestTerminationCode toe)
{
	request *rq = *ctx;

	(void)cls, (void)c, (void)toe;
	if (!rq)
		return;
	if (rq->res)
		serve_result_drop(S.e, rq->res);
	for (int i = 0; i < rq->q.nsets; i++) {
		free((char *)rq->q.sets[i].name);
		free((char *)rq->q.sets[i].value);
	}
	pthread_mutex_lock(&S.mu);
	if (rq->begun)
		S.active--;
	if (rq->cn) {
		rq->cn->since = cli_mono_ms();
		if (rq->cn->rq == rq)
			rq->cn->rq = NULL;
	}
	pthread_mutex_unlock(&S.mu);
	free(rq->q.sets);
	free(rq->body);
	free(rq->err);
	free(rq);
	*ctx = NULL;
}

static void
notify(void *cls, struct MHD_Connection *c, void **ctx, enum MHD_ConnectionNotificationCode toe)
{
	(void)cls;
	pthread_mutex_lock(&S.mu);
	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		conn *cn = ng_realloc(NULL, sizeof *cn);
		*cn = (conn){ .fd = ci ? ci->connect_fd : -1, .since = cli_mono_ms(), .next = S.conns };
		if (S.conns)
			S.conns->prev = cn;
		S.conns = cn;
		S.nconns++;
		*ctx = cn;
	} else if (*ctx) {	/* closed: before its socket is, so the reaper never shuts another */
		conn *cn = *ctx;
		if (cn->prev)
			cn->prev->next = cn->next;
		else
			S.conns = cn->next;
		if (cn->next)
			cn->next->prev = cn->prev;
		S.nconns--;
		free(cn);
		*ctx = NULL;
	}
	pthread_mutex_unlock(&S.mu);
}

/* Whether the client of a connection has closed it or reset it (a request it pipelined is not). */
static bool
left(int fd)
{
	char c;
	ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

/*
 * Close the connections that took longer than --request-timeout to send a
 * request, and let go of the requests whose client left while they waited
 * for an evaluation: a question nobody waits for any more is not evaluated.
 */
static void
reap(int64_t timeout)
{
	int64_t now = cli_mono_ms();

	pthread_mutex_lock(&S.mu);
	for (conn *cn = S.conns; cn; cn = cn->next) {
		if (cn->fd < 0)
			continue;
		if (cn->rq) {
			/* completed() clears cn->rq under S.mu before it frees the request: it is alive here */
			request *rq = cn->rq;
			if (left(cn->fd) && serve_eval_leave(S.e, rq->res, &rq->w)) {
				rq->gone = true;
				cn->rq = NULL;
				MHD_resume_connection(rq->c);	/* the worker will not: it is no waiter now */
			}
		} else if (now - cn->since > timeout) {
			shutdown(cn->fd, SHUT_RDWR);	/* the daemon sees it and closes the connection */
			cn->since = now;		/* once */
		}
	}
	pthread_mutex_unlock(&S.mu);
}

/* --- start and stop --- */

static int
read_token(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	size_t n;

	if (!f) {
		fprintf(stderr, "novagate: cannot read --auth-token-file %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	n = fread(buf, 1, sizeof buf, f);
	bool big = n == sizeof buf;
	fclose(f);
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r' || buf[n - 1] == ' '))
		n--;
	if (n == 0 || big || memchr(buf, '\n', n) || memchr(buf, '\0', n)) {
		fprintf(stderr, "novagate: --auth-token-file %s: want one line with the token (under 4 KiB)\n", path);
		return EXIT_USAGE;
	}
	S.token = ng_realloc(NULL, n + 1);
	memcpy(S.token, buf, n);
	S.token[n] = '\0';
	S.ntoken = n;
	memset(buf, 0, sizeof buf);
	return 0;
}

/* ADDR:PORT, [ADDR6]:PORT or :PORT; a bound, listening socket, or -1 with the error said. */
static int
listen_on(const char *spec, char *shown, size_t size)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl;
	const char *colon = strrchr(spec, ':');
	char host[128];
	char *end;
	long port;

	if (!colon || (size_t)(colon - spec) >= sizeof host ||
	    (port = strtol(colon + 1, &end, 10), end == colon + 1 || *end || port < 0 || port > 65535)) {
		fprintf(stderr, "novagate: --listen takes ADDR:PORT, [ADDR]:PORT or :PORT, not '%s'\n", spec);
		return -1;
	}
	memcpy(host, spec, (size_t)(colon - spec));
	host[colon - spec] = '\0';
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	size_t hl = strlen(host);
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &s6->sin6_addr) != 1)
			goto bad;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		sl = sizeof *s6;
	} else {
		if (hl == 0)
			s4->sin_addr.s_addr = htonl(INADDR_ANY);
		else if (inet_pton(AF_INET, host, &s4->sin_addr) != 1)
			goto bad;
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		sl = sizeof *s4;
	}
	int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, SOMAXCONN) < 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) < 0) {
		fprintf(stderr, "novagate: cannot listen on %s: %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	char a[INET6_ADDRSTRLEN];
	if (ss.ss_family == AF_INET6)
		snprintf(shown, size, "[%s]:%u", inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a), ntohs(s6->sin6_port));
	else
		snprintf(shown, size, "%s:%u", inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a), ntohs(s4->sin_port));
	return fd;
bad:
	fprintf(stderr, "novagate: --listen: '%s' is not an IP address\n", host);
	return -1;
}

/* Until SIGTERM or SIGINT, reaping slow connections; the signal. */
static int
wait_for_signal(const sigset_t *set, int64_t timeout)
{
	struct timespec tick = { 0, 250 * 1000000L };

	for (;;) {
		int sig = sigtimedwait(set, NULL, &tick);
		if (sig > 0)
			return sig;
		reap(timeout);
	}
}

/* Wait until the requests begun are answered, at most bound ms, closing slow connections meanwhile. */
static void
settle(int64_t bound, int64_t timeout)
{
	int64_t start = cli_mono_ms();

	for (;;) {
		pthread_mutex_lock(&S.mu);
		int active = S.active;
		pthread_mutex_unlock(&S.mu);
		if (active == 0 || cli_mono_ms() - start > bound)
			return;
		reap(timeout);
		struct timespec t = { 0, 20 * 1000000L };
		nanosleep(&t, NULL);
	}
}

/*
 * Stop taking connections and questions; answer the requests begun: those
 * whose evaluation runs get it, bounded by the time one may take, after
 * which its queries are abandoned (a fault, 502); then the workers stop.
 */
static void
drain(int64_t bound, int64_t timeout)
{
	pthread_mutex_lock(&S.mu);
	S.draining = true;
	pthread_mutex_unlock(&S.mu);
	MHD_socket fd = MHD_quiesce_daemon(S.d);
	if (fd != MHD_INVALID_SOCKET)
		close(fd);
	serve_eval_drain(S.e);
	settle(bound, timeout);
	live_stop = SIGTERM;
	serve_eval_stop(S.e);	/* every waiter resumed */
	settle(5000, timeout);
}

int
serve_main(const cli_opts *o)
{
	int st, fd;
	char shown[200];
	sigset_t set;

	S.o = o;
	int64_t rto = o->request_timeout ? o->request_timeout : DEFAULT_REQUEST_TIMEOUT;
	int64_t idle = o->idle_timeout ? o->idle_timeout : DEFAULT_IDLE_TIMEOUT;
	if (o->auth_file && (st = read_token(o->auth_file)) != 0)
		return st;
	if ((st = serve_eval_new(o, &S.e)) != 0) {
		serve_eval_free(S.e);
		free(S.token);
		return st;
	}
	if ((fd = listen_on(o->listen ? o->listen : DEFAULT_LISTEN, shown, sizeof shown)) < 0) {
		serve_eval_free(S.e);
		free(S.token);
		return EXIT_USAGE;
	}
	serve_metrics_init(serve_eval_ngates(S.e));
	/* the signals are this thread's, taken by sigtimedwait: block them before any thread starts */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	S.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO | MHD_ALLOW_SUSPEND_RESUME,	/* no MHD_USE_ERROR_LOG: a line a client that leaves */
			       0, NULL, NULL, handle, NULL, MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_CONNECTION_LIMIT,
			       (unsigned)(o->max_connections ? o->max_connections : DEFAULT_CONNECTIONS),
			       MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)((idle + 999) / 1000),
			       MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)POOL_SIZE,
			       MHD_OPTION_URI_LOG_CALLBACK, on_target, NULL,
			       MHD_OPTION_NOTIFY_COMPLETED, completed, NULL, MHD_OPTION_NOTIFY_CONNECTION, notify, NULL,
			       MHD_OPTION_END);
	if (!S.d || serve_eval_start(S.e) != 0) {
		fprintf(stderr, "novagate: cannot start the HTTP server on %s\n", shown);
		if (S.d)
			MHD_stop_daemon(S.d);
		else
			close(fd);
		serve_eval_free(S.e);
		serve_metrics_free();
		free(S.token);
		return EXIT_IO;
	}
	fprintf(stderr, "novagate: serving %d gate%s on http://%s\n", serve_eval_ngates(S.e),
		serve_eval_ngates(S.e) == 1 ? "" : "s", shown);
	int sig = wait_for_signal(&set, rto);
	fprintf(stderr, "novagate: %s: answering the requests begun, then stopping\n", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	drain(o->prom.timeout * (o->prom.retries + 1) + 5000, rto);
	MHD_stop_daemon(S.d);
	serve_eval_free(S.e);
	serve_metrics_free();
	if (S.token)
		memset(S.token, 0, S.ntoken);
	free(S.token);
	return 0;
}
