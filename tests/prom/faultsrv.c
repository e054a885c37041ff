/*
 * faultsrv.c: a misbehaving Prometheus API for novagate's fault tests, on
 * 127.0.0.1 only.  The first segment of the request path chooses the
 * behaviour (novagate appends /api/v1/query_range to its URL's path, so
 * --prometheus http://127.0.0.1:PORT/500 reaches the "500" mode):
 *
 *   ok        a matrix: one series with a point at every step of [start, end],
 *             the value the query's text read as a number (else 1)
 *   empty     no series                 two       two series
 *             (/api/v1/series: one label set for ok, two and warn, none for empty)
 *   late      no series; /api/v1/series: none the first time a selector is asked, then one
 *             (a series that appears after the watch began)
 *   appear    no series the first time a query is seen (query_range), then ok: a series with
 *             labels that appears after the watch began
 *   MODE+num  MODE, but a query that is a number alone is answered as ok (empty+num: a gate's
 *             other metrics have no series, beside data)
 *   warn      ok, with a warning and an info
 *   partial   a partial response (Thanos, Mimir): a query that is a number is answered as ok; any other
 *             has no series and the warning "partial response: store ... unavailable"
 *             (/api/v1/series: one label set, with the same warning)
 *   infos     ok, with infos only; oldinfo ok, with an info in warnings (Prometheus 2.45 to 2.53)
 *   noseries  as partial, without the warning; /api/v1/series answers 400 bad_data (a server that
 *             refuses the selector)
 *   500       HTTP 500, text            503       HTTP 503 with an error envelope
 *   429       429 (Retry-After: 0) the first time a query is seen, then ok
 *   flaky     closes the connection unanswered the first time a query is seen, then ok
 *   blink...  a server restarting: ok, but the 3rd, 4th and 5th requests of a query get HTTP 503
 *             (counted by the whole segment: blink-a and blink-b count apart)
 *   saw       ok, but the value at t is t modulo the query's number (seconds): it goes up and down
 *   slow      answers ok after 3 s      cut       Content-Length 1000, 40 bytes, close
 *   trunc     half a JSON body, then close (no Content-Length)
 *   notjson   HTML                      envelope  422 with an error envelope
 *   huge      an endless body           hist      native histogram samples
 *   string    a string result           redirect  302 to /ok
 *   future    a matrix whose point lies past the year 9999
 *   pods      N series {pod="p-1"} .. {pod="p-N"}, N the query's number (else 1), the value of p-i i
 *   churn     two series, {pod="a"} at the times t where t mod 2s < 1s, {pod="b"} at the others,
 *             each the query's number (else 1): pods come and go
 *   odd       pods, whose labels need escaping: a value with '"', '\\' and a newline, a value in
 *             UTF-8, a name with a dot (Prometheus 3)
 *   auth      ok with "Authorization: Bearer s3cret-token" and "X-Scope-OrgID: team",
 *             else 401 echoing the Authorization header it got
 *   basic     ok with basic auth user:pa55word, else 401 echoing it
 *
 *   faultsrv PORTFILE LOGFILE   serve until killed; the port goes to PORTFILE,
 *                               one line per connection and request to LOGFILE
 *   faultsrv --free-port        print a port nobody listens on, and exit
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static FILE *logf;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int nconn, nreq;
static char *seen[4096];
static int nseen;
static char *counted[256];		/* blink modes and queries, and their requests so far */
static int counts[256], ncounted;

static void
logline(const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&mu);
	va_start(ap, fmt);
	vfprintf(logf, fmt, ap);
	va_end(ap);
	fputc('\n', logf);
	fflush(logf);
	pthread_mutex_unlock(&mu);
}

/* True the first time key is seen. */
static int
first_time(const char *mode, const char *key)
{
	char buf[8192];
	int first = 1;

	snprintf(buf, sizeof buf, "%s\t%s", mode, key);
	pthread_mutex_lock(&mu);
	for (int i = 0; i < nseen; i++)
		if (strcmp(seen[i], buf) == 0)
			first = 0;
	if (first && nseen < 4096)
		seen[nseen++] = strdup(buf);
	pthread_mutex_unlock(&mu);
	return first;
}

/* The how-manieth request of the query key in mode this one is, from 1. */
static int
count(const char *mode, const char *key)
{
	char buf[8192];
	int i, n = 0;

	snprintf(buf, sizeof buf, "%s\t%s", mode, key);
	pthread_mutex_lock(&mu);
	for (i = 0; i < ncounted && strcmp(counted[i], buf) != 0; i++)
		;
	if (i == ncounted && ncounted < 256)
		counted[ncounted++] = strdup(buf);
	if (i < ncounted)
		n = ++counts[i];
	pthread_mutex_unlock(&mu);
	return n;
}

static int
writeall(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static int
respond(int fd, int code, const char *type, const char *body, const char *extra)
{
	char head[1024];
	const char *reason = code == 200 ? "OK" : code == 302 ? "Found" : code == 401 ? "Unauthorized" :
		code == 422 ? "Unprocessable Entity" : code == 429 ? "Too Many Requests" :
		code == 500 ? "Internal Server Error" : code == 503 ? "Service Unavailable" : "Error";
	int n = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
			 code, reason, type, strlen(body), extra ? extra : "");

	if (writeall(fd, head, (size_t)n) < 0)
		return -1;
	return writeall(fd, body, strlen(body));
}

static void
urldecode(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (*s == '+') {
			*o++ = ' ';
		} else if (*s == '%' && isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
			char hex[3] = { s[1], s[2], 0 };
			*o++ = (char)strtol(hex, NULL, 16);
			s += 2;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

/* The value of form field name in body (decoded, into out). */
static int
field(const char *body, const char *name, char *out, size_t size)
{
	size_t n = strlen(name);

	for (const char *p = body; p && *p; p = strchr(p, '&'), p = p ? p + 1 : NULL) {
		if (strncmp(p, name, n) == 0 && p[n] == '=') {
			size_t len = strcspn(p + n + 1, "&");
			if (len >= size)
				len = size - 1;
			memcpy(out, p + n + 1, len);
			out[len] = '\0';
			urldecode(out);
			return 0;
		}
	}
	out[0] = '\0';
	return -1;
}

/* A matrix of nseries series over [start, end] by step (seconds); saw: the value is t modulo it. */
/* A matrix of several series with a pod label: mode pods or churn. */
static char *
pods(const char *q, double start, double end, double step, bool churn, bool odd)
{
	size_t cap = 1 << 16, len = 0;
	char *b = malloc(cap);
	char *e;
	double v = strtod(q, &e);

	if (e == q || *e)
		v = 1;
	int n = churn ? 2 : (int)v;
	len += (size_t)snprintf(b + len, cap - len, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
	for (int s = 0, any = 0; s < n; s++) {
		size_t at = len;
		int first = 1;
		if (cap - len < 128)
			b = realloc(b, cap *= 2);
		if (odd)
			len += (size_t)snprintf(b + len, cap - len, "%s{\"metric\":{\"k8s.node\":\"n%d\",\"pod\":\"%s\"},"
						"\"values\":[", any ? "," : "", s, s == 0 ? "a\\\"b\\\\c\\nd" :
						s == 1 ? "\xc3\xa9t\xc3\xa9" : "p-3");
		else if (churn)
			len += (size_t)snprintf(b + len, cap - len, "%s{\"metric\":{\"pod\":\"%s\"},\"values\":[",
						any ? "," : "", s ? "b" : "a");
		else
			len += (size_t)snprintf(b + len, cap - len, "%s{\"metric\":{\"pod\":\"p-%d\"},\"values\":[",
						any ? "," : "", s + 1);
		for (double t = start; step > 0 && t <= end + 1e-9; t += step) {
			int64_t ms = (int64_t)(t * 1000 + 0.5);
			if (churn && (ms % 2000 < 1000) != (s == 0))
				continue;
			if (cap - len < 128)
				b = realloc(b, cap *= 2);
			len += (size_t)snprintf(b + len, cap - len, "%s[%.3f,\"%.17g\"]", first ? "" : ",", t,
						churn ? v : s + 1);
			first = 0;
		}
		if (first) {	/* no point: no series */
			len = at;
			continue;
		}
		if (cap - len < 128)
			b = realloc(b, cap *= 2);
		len += (size_t)snprintf(b + len, cap - len, "]}");
		any = 1;
	}
	if (cap - len < 512)
		b = realloc(b, cap += 512);
	snprintf(b + len, cap - len, "]}}");
	return b;
}

static char *
matrix(const char *q, double start, double end, double step, int nseries, const char *tail, int saw)
{
	size_t cap = 1 << 16, len = 0;
	char *b = malloc(cap);
	char *e;
	double v = strtod(q, &e);

	if (e == q || *e)
		v = 1;
	len += (size_t)snprintf(b + len, cap - len, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
	for (int s = 0; s < nseries; s++) {
		len += (size_t)snprintf(b + len, cap - len, "%s{\"metric\":{\"instance\":\"pod-%d\"},\"values\":[",
					s ? "," : "", s + 1);
		int first = 1;
		for (double t = start; step > 0 && t <= end + 1e-9; t += step) {
			if (cap - len < 128)
				b = realloc(b, cap *= 2);
			len += (size_t)snprintf(b + len, cap - len, "%s[%.3f,\"%.17g\"]", first ? "" : ",", t,
						saw && v >= 0.001 ? (double)((int64_t)(t * 1000 + 0.5) % (int64_t)(v * 1000 + 0.5)) / 1000 : v);
			first = 0;
		}
		if (cap - len < 128)
			b = realloc(b, cap *= 2);
		len += (size_t)snprintf(b + len, cap - len, "]}");
	}
	if (cap - len < 512)
		b = realloc(b, cap += 512);
	snprintf(b + len, cap - len, "]}%s}", tail ? tail : "");
	return b;
}

static char *
header_of(const char *head, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = strstr(head, "\r\n"); p; p = strstr(p + 2, "\r\n")) {
		if (strncasecmp(p + 2, name, n) == 0 && p[2 + n] == ':') {
			const char *v = p + 3 + n;
			while (*v == ' ')
				v++;
			size_t len = strcspn(v, "\r\n");
			char *r = malloc(len + 1);
			memcpy(r, v, len);
			r[len] = '\0';
			return r;
		}
	}
	return NULL;
}

/* The server's words without a fault: partial, infos, oldinfo, noseries; 1 for another mode. */
static int
notes_mode(int fd, const char *mode, const char *path, const char *q, double start, double end, double step)
{
	static const char partial[] = ",\"warnings\":[\"partial response: store 10.0.0.7:10901 unavailable\"]";
	size_t pl = strlen(path);
	bool series = pl >= 14 && strcmp(path + pl - 14, "/api/v1/series") == 0;
	char *e, *m;
	int r;

	if (strcmp(mode, "noseries") == 0 && series)
		return respond(fd, 400, "application/json", "{\"status\":\"error\",\"errorType\":\"bad_data\","
			       "\"error\":\"unsupported selector\"}", NULL);
	if (strcmp(mode, "partial") == 0 && series)
		return respond(fd, 200, "application/json", "{\"status\":\"success\",\"data\":"
			       "[{\"__name__\":\"x\"}],\"warnings\":[\"partial response: store 10.0.0.7:10901 "
			       "unavailable\"]}", NULL);
	if (strcmp(mode, "partial") == 0 || strcmp(mode, "noseries") == 0) {
		strtod(q, &e);
		bool number = e != q && !*e;
		m = matrix(q, start, end, step, number, number || mode[0] == 'n' ? NULL : partial, 0);
	} else if (strcmp(mode, "infos") == 0 || strcmp(mode, "oldinfo") == 0) {
		if (series)
			return respond(fd, 200, "application/json", "{\"status\":\"success\",\"data\":"
				       "[{\"__name__\":\"x\"}]}", NULL);
		m = matrix(q, start, end, step, 1, mode[0] == 'i'
			   ? ",\"infos\":[\"PromQL info: metric might not be a counter, name does not end in _total\"]"
			   : ",\"warnings\":[\"PromQL info: metric might not be a counter, name does not end in _total\"]",
			   0);
	} else {
		return 1;
	}
	r = respond(fd, 200, "application/json", m, NULL);
	free(m);
	return r;
}

static int
serve_one(int fd, const char *head, const char *path, const char *body)
{
	char mode[64], q[4096], s[64], e[64], st[64];
	size_t ml = strcspn(path + 1, "/");
	char *m;
	int r = 0;

	if (ml >= sizeof mode)
		ml = sizeof mode - 1;
	memcpy(mode, path + 1, ml);
	mode[ml] = '\0';
	field(body, "query", q, sizeof q);
	field(body, "start", s, sizeof s);
	field(body, "end", e, sizeof e);
	field(body, "step", st, sizeof st);
	double start = atof(s), end = atof(e), step = atof(st);
	logline("req %s query=%s start=%s end=%s step=%s", mode, q, s, e, st);
	if (ml > 4 && strcmp(mode + ml - 4, "+num") == 0) {
		char *end;
		mode[ml - 4] = '\0';
		if (*q && (strtod(q, &end), *end == '\0'))
			strcpy(mode, "ok");
	}

	if (strcmp(mode, "auth") == 0 || strcmp(mode, "basic") == 0) {
		char *auth = header_of(head, "Authorization"), *org = header_of(head, "X-Scope-OrgID");
		int good = strcmp(mode, "auth") == 0
			? auth && strcmp(auth, "Bearer s3cret-token") == 0 && org && strcmp(org, "team") == 0
			: auth && strcmp(auth, "Basic dXNlcjpwYTU1d29yZA==") == 0;	/* user:pa55word */
		char msg[1024];
		snprintf(msg, sizeof msg, "unauthorized: got Authorization: %s", auth ? auth : "(none)");
		free(auth);
		free(org);
		if (!good)
			return respond(fd, 401, "text/plain", msg, NULL);
		strcpy(mode, "ok");
	}
	if (strcmp(mode, "429") == 0) {
		if (first_time(mode, q))
			return respond(fd, 429, "text/plain", "slow down", "Retry-After: 0\r\n");
		strcpy(mode, "ok");
	}
	if (strcmp(mode, "flaky") == 0) {
		if (first_time(mode, q))
			return -1;	/* close without a word */
		strcpy(mode, "ok");
	}
	if (strncmp(mode, "blink", 5) == 0) {
		int n = count(mode, q);
		if (n >= 3 && n <= 5)
			return respond(fd, 503, "text/plain", "restarting\n", NULL);
		strcpy(mode, "ok");
	}
	if (strcmp(mode, "slow") == 0) {
		struct timespec ts = { 3, 0 };
		nanosleep(&ts, NULL);
		strcpy(mode, "ok");
	}
	if (strcmp(mode, "appear") == 0) {
		size_t pl = strlen(path);
		bool series = pl >= 14 && strcmp(path + pl - 14, "/api/v1/series") == 0;
		strcpy(mode, series || !first_time("appear", q) ? "ok" : "empty");
	}
	if (strcmp(mode, "late") == 0) {
		size_t pl = strlen(path);
		bool series = pl >= 14 && strcmp(path + pl - 14, "/api/v1/series") == 0;
		char sel[4096];
		field(body, "match[]", sel, sizeof sel);
		strcpy(mode, series && !first_time("late", sel) ? "ok" : "empty");
	}
	if ((r = notes_mode(fd, mode, path, q, start, end, step)) != 1)
		return r;
	if (strcmp(mode, "ok") == 0 || strcmp(mode, "two") == 0 || strcmp(mode, "empty") == 0 ||
	    strcmp(mode, "warn") == 0 || strcmp(mode, "saw") == 0) {
		int n = strcmp(mode, "two") == 0 ? 2 : strcmp(mode, "empty") == 0 ? 0 : 1;
		size_t pl = strlen(path);
		if (pl >= 14 && strcmp(path + pl - 14, "/api/v1/series") == 0)	/* a label set each */
			return respond(fd, 200, "application/json", n ? "{\"status\":\"success\",\"data\":"
				       "[{\"__name__\":\"x\"}]}" : "{\"status\":\"success\",\"data\":[]}", NULL);
		m = matrix(q, start, end, step, n, strcmp(mode, "warn") == 0
			   ? ",\"warnings\":[\"PromQL warning: a thing\"],\"infos\":[\"PromQL info: a detail\"]" : NULL,
			   strcmp(mode, "saw") == 0);
		r = respond(fd, 200, "application/json", m, NULL);
		free(m);
		return r;
	}
	if (strcmp(mode, "pods") == 0 || strcmp(mode, "churn") == 0 || strcmp(mode, "odd") == 0) {
		size_t pl = strlen(path);
		if (pl >= 14 && strcmp(path + pl - 14, "/api/v1/series") == 0)
			return respond(fd, 200, "application/json", "{\"status\":\"success\",\"data\":"
				       "[{\"__name__\":\"x\"}]}", NULL);
		m = pods(q, start, end, step, strcmp(mode, "churn") == 0, strcmp(mode, "odd") == 0);
		r = respond(fd, 200, "application/json", m, NULL);
		free(m);
		return r;
	}
	if (strcmp(mode, "500") == 0)
		return respond(fd, 500, "text/plain", "internal error: the storage is on fire\n", NULL);
	if (strcmp(mode, "503") == 0)
		return respond(fd, 503, "application/json",
			       "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"too many queries\"}", NULL);
	if (strcmp(mode, "envelope") == 0)
		return respond(fd, 422, "application/json",
			       "{\"status\":\"error\",\"errorType\":\"execution\","
			       "\"error\":\"query processing would load too many samples into memory\"}", NULL);
	if (strcmp(mode, "notjson") == 0)
		return respond(fd, 200, "text/html", "<html><body>Login</body></html>", NULL);
	if (strcmp(mode, "future") == 0)
		return respond(fd, 200, "application/json",
			       "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":"
			       "[{\"metric\":{},\"values\":[[300000000000,\"1\"]]}]}}", NULL);
	if (strcmp(mode, "string") == 0)
		return respond(fd, 200, "application/json",
			       "{\"status\":\"success\",\"data\":{\"resultType\":\"string\",\"result\":[1,\"x\"]}}", NULL);
	if (strcmp(mode, "hist") == 0)
		return respond(fd, 200, "application/json",
			       "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},"
			       "\"histograms\":[[1,{\"count\":\"10\",\"sum\":\"20\",\"buckets\":[]}]]}]}}", NULL);
	if (strcmp(mode, "redirect") == 0)
		return respond(fd, 302, "text/plain", "", "Location: /ok/api/v1/query_range\r\n");
	if (strcmp(mode, "cut") == 0) {
		const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
				"{\"status\":\"success\",\"data\":{\"resultTy";
		writeall(fd, h, strlen(h));
		return -1;
	}
	if (strcmp(mode, "trunc") == 0) {
		const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
				"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"val";
		writeall(fd, h, strlen(h));
		return -1;
	}
	if (strcmp(mode, "huge") == 0) {
		const char *h = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n"
				"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[";
		char chunk[65536];
		if (writeall(fd, h, strlen(h)) < 0)
			return -1;
		memset(chunk, ' ', sizeof chunk);
		for (int i = 0; i < 16 * 1024; i++)	/* 1 GiB at most */
			if (writeall(fd, chunk, sizeof chunk) < 0)
				break;
		return -1;
	}
	return respond(fd, 404, "text/plain", "no such mode\n", NULL);
}

static void *
conn(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *buf = malloc(1 << 20);
	size_t len = 0;

	pthread_mutex_lock(&mu);
	int id = ++nconn;
	pthread_mutex_unlock(&mu);
	logline("conn %d", id);
	for (;;) {
		char *end;
		while (!(end = len ? strstr(buf, "\r\n\r\n") : NULL)) {
			if (len >= (1 << 20) - 1)
				goto out;
			ssize_t r = read(fd, buf + len, (1 << 20) - 1 - len);
			if (r <= 0)
				goto out;
			len += (size_t)r;
			buf[len] = '\0';
			/* not HTTP (a TLS ClientHello): what a plain HTTP server says */
			if (!isupper((unsigned char)buf[0])) {
				respond(fd, 400, "text/plain", "Client sent an HTTP request to an HTTP server.\n",
					"Connection: close\r\n");
				goto out;
			}
		}
		size_t hlen = (size_t)(end - buf) + 4;
		char *cl = NULL;
		buf[hlen - 2] = '\0';
		cl = header_of(buf, "Content-Length");
		size_t blen = cl ? strtoul(cl, NULL, 10) : 0;
		free(cl);
		if (hlen + blen >= (1 << 20))
			goto out;
		while (len < hlen + blen) {
			ssize_t r = read(fd, buf + len, (1 << 20) - 1 - len);
			if (r <= 0)
				goto out;
			len += (size_t)r;
		}
		char *body = malloc(blen + 1);
		memcpy(body, buf + hlen, blen);
		body[blen] = '\0';
		char path[2048] = "/";
		sscanf(buf, "%*s %2047s", path);
		pthread_mutex_lock(&mu);
		nreq++;
		pthread_mutex_unlock(&mu);
		int r = serve_one(fd, buf, path, body);
		free(body);
		if (r < 0)
			break;
		memmove(buf, buf + hlen + blen, len - hlen - blen);
		len -= hlen + blen;
		buf[len] = '\0';
	}
out:
	close(fd);
	free(buf);
	return NULL;
}

static int
listener(int *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&a, sizeof a) < 0 || getsockname(fd, (struct sockaddr *)&a, &alen) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return fd;
}

int
main(int argc, char **argv)
{
	int port, fd;

	signal(SIGPIPE, SIG_IGN);
	if (argc == 2 && strcmp(argv[1], "--free-port") == 0) {
		if ((fd = listener(&port)) < 0)
			return 1;
		close(fd);
		printf("%d\n", port);
		return 0;
	}
	if (argc != 3) {
		fprintf(stderr, "usage: faultsrv PORTFILE LOGFILE | faultsrv --free-port\n");
		return 2;
	}
	if ((fd = listener(&port)) < 0 || listen(fd, 64) < 0) {
		perror("faultsrv");
		return 1;
	}
	logf = fopen(argv[2], "w");
	/* the port file appears whole: written aside, then renamed */
	char tmpname[4096];
	snprintf(tmpname, sizeof tmpname, "%s.tmp", argv[1]);
	FILE *pf = fopen(tmpname, "w");
	if (!logf || !pf) {
		perror("faultsrv");
		return 1;
	}
	/*
	 * A second port that answers no connection: its accept queue (backlog
	 * 0) is filled by us, so a client's SYN goes unanswered.
	 */
	int hole_port, hole = listener(&hole_port);
	if (hole < 0 || listen(hole, 0) < 0) {
		perror("faultsrv");
		return 1;
	}
	struct sockaddr_in ha = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK),
				  .sin_port = htons((uint16_t)hole_port) };
	for (int i = 0; i < 4; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (c >= 0)
			connect(c, (struct sockaddr *)&ha, sizeof ha);
	}
	fprintf(pf, "%d %d\n", port, hole_port);
	if (fclose(pf) != 0 || rename(tmpname, argv[1]) != 0) {
		perror("faultsrv");
		return 1;
	}
	for (;;) {
		int c = accept(fd, NULL, NULL);
		pthread_t t;
		if (c < 0)
			continue;
		if (pthread_create(&t, NULL, conn, (void *)(intptr_t)c) == 0)
			pthread_detach(t);
		else
			close(c);
	}
}
