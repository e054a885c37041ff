/*
 * bench/httpload.c: an HTTP/1.1 load generator, for the serve case of the
 * bench: plain sockets and poll(2), keep-alive, a fixed number of
 * connections, each with one request in flight (a closed loop).
 *
 *   httpload [-c CONNS] [-n REQUESTS] [-t SECONDS] [-T TIMEOUT_S] [-o FILE] [-H 'NAME: VALUE']...
 *            HOST:PORT TARGETS
 *   httpload --free-port
 *
 * TARGETS is @FILE, a file of requests, one a line: "GET PATH", "POST PATH
 * BODY" (BODY sent as application/x-www-form-urlencoded, as is) or a bare
 * PATH (a GET); or a PATH, the one request, a GET.  Request i is line i
 * (mod the number of lines).  Without -n and -t, each line is sent
 * once; -n sends REQUESTS in all; -t sends for SECONDS (with -n: whichever
 * ends first), then waits for the answers in flight.  -c opens CONNS
 * connections (default 1) before the clock starts; one that the server
 * closes (Connection: close, or an error) is opened again for the next
 * request.  -T: a request unanswered after TIMEOUT_S seconds (default 30)
 * is an error.  -o writes the body of the first answer to FILE.  -H adds a
 * header to every request.
 *
 * Writes one line to stdout:
 *
 *   REQUESTS SECONDS REQ_PER_S P50_MS P99_MS MAX_MS NON200 ERRORS
 *
 * REQUESTS were finished (answered, or failed) in SECONDS of wall clock
 * (CLOCK_MONOTONIC, from the first request sent to the last finished);
 * REQ_PER_S is the answered ones a second.  Each request's latency runs
 * from its first byte written to its answer's last byte read; the
 * percentiles are nearest-rank over the answered requests.  NON200 counts
 * answers of another status than 200 (on stderr: each status, how many, and
 * the first such body's beginning), ERRORS the requests that got no whole
 * answer (connection refused, reset or closed, a malformed answer, the
 * timeout).  httpload exits 0 unless it could not start (bad arguments, an
 * unreadable TARGETS, the first connection refused): the caller judges the
 * figures.
 *
 * --free-port prints a TCP port of 127.0.0.1 that nobody listens on (bound
 * and closed: free a moment later too, as a rule), and exits.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS	1024
#define MAX_ANSWER	(64 << 20)	/* bytes an answer may have */

/* A connection and its request in flight. */
typedef struct conn {
	int fd;				/* -1: closed */
	bool busy;			/* a request in flight */
	size_t target;
	size_t off;			/* bytes of the request written */
	double t0;			/* when its first byte was written */
	char *in;			/* the answer as read */
	size_t len, cap;
	size_t body;			/* 0 until the head is in: where the body begins */
	int status;
	long long clen;			/* Content-Length, or -1 */
	bool chunked, close;
	size_t cpos;			/* chunked: where the next chunk's size line is */
} conn;

static struct {
	const char *host, *port;
	struct addrinfo *ai;
	char **req;			/* each target's request, whole */
	size_t *reqlen;
	size_t ntargets;
	double *lat;			/* the answered requests' latencies, seconds */
	size_t nlat, caplat;
	size_t nerr, non200;
	int statuses[600];
	char first_bad[200];		/* the beginning of the first non-200 body */
	const char *save;		/* -o */
	bool saved;
	char headers[4096];		/* -H lines, each ending in CRLF */
} L;

static double
now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void *
xrealloc(void *p, size_t n)
{
	if (!(p = realloc(p, n ? n : 1))) {
		perror("httpload");
		exit(1);
	}
	return p;
}

static char *
fmt(const char *head, const char *path, const char *body)
{
	size_t n = strlen(head) + strlen(path) + strlen(L.host) + strlen(L.port) + strlen(L.headers) +
		   (body ? strlen(body) : 0) + 200;
	char *s = xrealloc(NULL, n);

	if (body)
		snprintf(s, n, "POST %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: httpload\r\n%s"
			 "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %zu\r\n\r\n%s",
			 path, L.host, L.port, L.headers, strlen(body), body);
	else
		snprintf(s, n, "%s %s HTTP/1.1\r\nHost: %s:%s\r\nUser-Agent: httpload\r\n%s\r\n", head, path, L.host,
			 L.port, L.headers);
	return s;
}

static void
add_target(char *line)
{
	char *path = line, *body = NULL;
	const char *method = "GET";

	if (strncmp(line, "GET ", 4) == 0) {
		path = line + 4;
	} else if (strncmp(line, "POST ", 5) == 0) {
		method = "POST";
		path = line + 5;
		if ((body = strchr(path, ' ')))
			*body++ = '\0';
		else
			body = "";
	}
	L.req = xrealloc(L.req, (L.ntargets + 1) * sizeof *L.req);
	L.reqlen = xrealloc(L.reqlen, (L.ntargets + 1) * sizeof *L.reqlen);
	L.req[L.ntargets] = fmt(method, path, body);
	L.reqlen[L.ntargets] = strlen(L.req[L.ntargets]);
	L.ntargets++;
}

static int
read_targets(const char *arg)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (arg[0] != '@') {
		char *s = xrealloc(NULL, strlen(arg) + 1);
		add_target(strcpy(s, arg));
		free(s);
		return 0;
	}
	if (!(f = fopen(++arg, "r"))) {
		perror(arg);
		return -1;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n > 0)
			add_target(line);
	}
	free(line);
	fclose(f);
	if (L.ntargets == 0) {
		fprintf(stderr, "httpload: %s: no requests\n", arg);
		return -1;
	}
	return 0;
}

/* A connected, non-blocking socket, or -1 (errno set). */
static int
dial(void)
{
	int one = 1, fd = socket(L.ai->ai_family, L.ai->ai_socktype, L.ai->ai_protocol);

	if (fd < 0)
		return -1;
	if (connect(fd, L.ai->ai_addr, L.ai->ai_addrlen) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	return fd;
}

static void
hangup(conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void
reset(conn *c)
{
	c->busy = false;
	c->len = c->body = c->cpos = 0;
	c->off = 0;
	c->status = 0;
	c->clen = -1;
	c->chunked = c->close = false;
}

static void
failed(conn *c)
{
	L.nerr++;
	hangup(c);
	reset(c);
}

static const char *
find(const char *s, size_t n, const char *pat)
{
	size_t m = strlen(pat);

	for (size_t i = 0; i + m <= n; i++)
		if (memcmp(s + i, pat, m) == 0)
			return s + i;
	return NULL;
}

/* A header's value (to the end of its line), case aside; NULL if absent. */
static const char *
header(const char *head, const char *end, const char *name, size_t *vlen)
{
	size_t n = strlen(name);

	for (const char *p = head; p < end;) {
		const char *eol = find(p, (size_t)(end - p), "\r\n");
		if (!eol)
			eol = end;
		if ((size_t)(eol - p) > n && strncasecmp(p, name, n) == 0 && p[n] == ':') {
			const char *v = p + n + 1;
			while (v < eol && (*v == ' ' || *v == '\t'))
				v++;
			*vlen = (size_t)(eol - v);
			return v;
		}
		p = eol + 2;
	}
	return NULL;
}

static bool
has_token(const char *v, size_t n, const char *tok)
{
	size_t m = strlen(tok);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp(v + i, tok, m) == 0)
			return true;
	return false;
}

/* The head, once it is in: 1 parsed, 0 not yet, -1 malformed. */
static int
parse_head(conn *c)
{
	const char *end = find(c->in, c->len, "\r\n\r\n"), *v;
	size_t vn;
	int minor;

	if (!end)
		return 0;
	c->body = (size_t)(end - c->in) + 4;
	c->in[c->body - 1] = '\0';	/* for sscanf; the '\n' is not needed again */
	if (sscanf(c->in, "HTTP/1.%d %3d", &minor, &c->status) != 2 || c->status < 100 || c->status > 599)
		return -1;
	c->in[c->body - 1] = '\n';
	if ((v = header(c->in, end, "Transfer-Encoding", &vn)) && has_token(v, vn, "chunked"))
		c->chunked = true;
	else if ((v = header(c->in, end, "Content-Length", &vn)))
		c->clen = strtoll(v, NULL, 10);
	if (minor == 0)
		c->close = !((v = header(c->in, end, "Connection", &vn)) && has_token(v, vn, "keep-alive"));
	else
		c->close = (v = header(c->in, end, "Connection", &vn)) && has_token(v, vn, "close");
	if (c->status == 204 || c->status == 304)
		c->clen = 0;
	c->cpos = c->body;
	return 1;
}

/* Where the answer ends if it is whole, else 0 (-1: a malformed chunk). */
static long long
answer_end(conn *c)
{
	if (!c->chunked)
		return c->clen >= 0 && c->len >= c->body + (size_t)c->clen ? (long long)(c->body + (size_t)c->clen) : 0;
	for (;;) {
		const char *eol = find(c->in + c->cpos, c->len - c->cpos, "\r\n");
		if (!eol)
			return 0;
		char *e;
		unsigned long long size = strtoull(c->in + c->cpos, &e, 16);
		if (e == c->in + c->cpos)
			return -1;
		size_t data = (size_t)(eol - c->in) + 2;
		if (size == 0) {	/* the last chunk; then trailers, to an empty line */
			if (c->len >= data + 2 && memcmp(c->in + data, "\r\n", 2) == 0)
				return (long long)data + 2;
			const char *t = find(c->in + data, c->len - data, "\r\n\r\n");
			return t ? (long long)(t - c->in) + 4 : 0;
		}
		if (size > MAX_ANSWER || c->len < data + size + 2)
			return 0;
		c->cpos = data + size + 2;
	}
}

/* The body of an answer, decoded, through f(piece, n). */
static void
body_pieces(const conn *c, void (*f)(const char *, size_t, void *), void *arg)
{
	if (!c->chunked) {
		f(c->in + c->body, (size_t)c->clen, arg);
		return;
	}
	for (size_t p = c->body;;) {
		const char *eol = find(c->in + p, c->len - p, "\r\n");
		unsigned long long size = strtoull(c->in + p, NULL, 16);
		if (!eol || size == 0)
			return;
		f(eol + 2, size, arg);
		p = (size_t)(eol - c->in) + 2 + size + 2;
	}
}

static void
to_file(const char *s, size_t n, void *f)
{
	fwrite(s, 1, n, f);
}

static void
to_note(const char *s, size_t n, void *arg)
{
	size_t have = strlen(L.first_bad), room = sizeof L.first_bad - 1 - have;

	(void)arg;
	for (size_t i = 0; i < n && i < room; i++)
		L.first_bad[have + i] = s[i] >= 0x20 && s[i] < 0x7f ? s[i] : ' ';
	L.first_bad[have + (n < room ? n : room)] = '\0';
}

static void
answered(conn *c)
{
	double t = now() - c->t0;

	if (L.nlat == L.caplat)
		L.lat = xrealloc(L.lat, (L.caplat = L.caplat ? 2 * L.caplat : 4096) * sizeof *L.lat);
	L.lat[L.nlat++] = t;
	L.statuses[c->status]++;
	if (c->status != 200 && L.non200++ == 0)
		body_pieces(c, to_note, NULL);
	if (L.save && !L.saved) {
		FILE *f = fopen(L.save, "w");
		if (!f) {
			perror(L.save);
		} else {
			body_pieces(c, to_file, f);
			if (fclose(f) != 0)
				perror(L.save);
		}
		L.saved = true;
	}
	if (c->close)
		hangup(c);
	reset(c);
}

/* Read what there is; the request is finished (answered or failed) or still in flight. */
static void
on_read(conn *c)
{
	for (;;) {
		if (c->cap - c->len < 16384) {
			if (c->cap > MAX_ANSWER) {
				failed(c);
				return;
			}
			c->in = xrealloc(c->in, c->cap = c->cap ? 2 * c->cap : 65536);
		}
		ssize_t n = read(c->fd, c->in + c->len, c->cap - c->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {	/* closed: whole only if the body runs to the close */
			if (n == 0 && c->body && !c->chunked && c->clen < 0) {
				c->clen = (long long)(c->len - c->body);
				c->close = true;
				answered(c);
			} else {
				failed(c);
			}
			return;
		}
		c->len += (size_t)n;
		if (!c->body) {
			int h = parse_head(c);
			if (h < 0) {
				failed(c);
				return;
			}
			if (h == 0)
				continue;
		}
		if (!c->chunked && c->clen < 0)
			continue;	/* to the close */
		long long end = answer_end(c);
		if (end < 0 || (end > 0 && (size_t)end != c->len)) {	/* malformed, or more than asked */
			failed(c);
			return;
		}
		if (end > 0) {
			answered(c);
			return;
		}
	}
}

static void
on_write(conn *c)
{
	while (c->off < L.reqlen[c->target]) {
		ssize_t n = write(c->fd, L.req[c->target] + c->off, L.reqlen[c->target] - c->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			failed(c);
			return;
		}
		c->off += (size_t)n;
	}
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The nearest-rank P-th percentile of the sorted latencies: the ceil(P/100 n)-th. */
static double
rank(size_t p)
{
	size_t k = (p * L.nlat + 99) / 100;

	return L.nlat ? L.lat[k ? k - 1 : 0] : 0;
}

static int
free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t n = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, n) < 0 || getsockname(fd, (struct sockaddr *)&a, &n) < 0) {
		perror("httpload: --free-port");
		return 1;
	}
	close(fd);
	printf("%u\n", ntohs(a.sin_port));
	return 0;
}

static int
usage(void)
{
	fprintf(stderr, "usage: httpload [-c CONNS] [-n REQUESTS] [-t SECONDS] [-T TIMEOUT_S] [-o FILE] [-H 'NAME: VALUE']...\n"
			"                HOST:PORT PATH|@FILE\n"
			"       httpload --free-port\n");
	return 2;
}

int
main(int argc, char **argv)
{
	long conns = 1;
	unsigned long long total = 0;
	double secs = 0, timeout = 30;
	int opt;
	char *end;

	if (argc == 2 && strcmp(argv[1], "--free-port") == 0)
		return free_port();
	while ((opt = getopt(argc, argv, "c:n:t:T:o:H:")) != -1) {
		switch (opt) {
		case 'c':
			conns = strtol(optarg, &end, 10);
			if (*end || conns < 1 || conns > MAX_CONNS)
				return usage();
			break;
		case 'n':
			total = strtoull(optarg, &end, 10);
			if (*end || total < 1)
				return usage();
			break;
		case 't':
			secs = strtod(optarg, &end);
			if (*end || !(secs > 0))
				return usage();
			break;
		case 'T':
			timeout = strtod(optarg, &end);
			if (*end || !(timeout > 0))
				return usage();
			break;
		case 'o':
			L.save = optarg;
			break;
		case 'H': {
			size_t have = strlen(L.headers);
			if (!strchr(optarg, ':') || strpbrk(optarg, "\r\n") ||
			    have + strlen(optarg) + 3 > sizeof L.headers)
				return usage();
			snprintf(L.headers + have, sizeof L.headers - have, "%s\r\n", optarg);
			break;
		}
		default:
			return usage();
		}
	}
	if (argc - optind != 2)
		return usage();

	static char hostport[256];
	char *colon;
	if (strlen(argv[optind]) >= sizeof hostport || !(colon = strrchr(strcpy(hostport, argv[optind]), ':')))
		return usage();
	*colon = '\0';
	L.host = hostport;
	L.port = colon + 1;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	int rc = getaddrinfo(L.host, L.port, &hints, &L.ai);
	if (rc) {
		fprintf(stderr, "httpload: %s: %s\n", argv[optind], gai_strerror(rc));
		return 2;
	}
	if (read_targets(argv[optind + 1]) < 0)
		return 2;
	if (!total && !secs)
		total = L.ntargets;
	signal(SIGPIPE, SIG_IGN);

	conn *cs = xrealloc(NULL, (size_t)conns * sizeof *cs);
	struct pollfd *pf = xrealloc(NULL, (size_t)conns * sizeof *pf);
	for (long i = 0; i < conns; i++) {
		cs[i] = (conn){ .fd = dial() };
		reset(&cs[i]);
		if (cs[i].fd < 0) {
			fprintf(stderr, "httpload: cannot connect to %s: %s\n", argv[optind], strerror(errno));
			return 1;
		}
	}

	unsigned long long issued = 0, finished = 0;
	size_t reconnects = 0;
	double start = now(), last = start;
	for (;;) {
		double t = now();
		bool more = (!total || issued < total) && (!secs || t - start < secs);
		long inflight = 0;
		for (long i = 0; i < conns; i++) {
			conn *c = &cs[i];
			if (!c->busy && more && (!total || issued < total)) {
				if (c->fd < 0) {
					if ((c->fd = dial()) < 0) {
						L.nerr++, issued++;
						continue;
					}
					reconnects++;
				}
				c->busy = true;
				c->target = (size_t)(issued++ % L.ntargets);
				c->t0 = now();
				on_write(c);
			}
			if (c->busy && t - c->t0 > timeout) {
				failed(c);
				last = t;
			}
			pf[i] = (struct pollfd){ .fd = c->busy ? c->fd : -1,
						 .events = (short)(c->busy && c->off < L.reqlen[c->target] ? POLLOUT : POLLIN) };
			inflight += c->busy;
		}
		finished = issued - (unsigned long long)inflight;
		if (!inflight) {
			if (!more)
				break;
			continue;
		}
		last = now();
		if (poll(pf, (nfds_t)conns, 100) < 0 && errno != EINTR) {
			perror("httpload: poll");
			return 1;
		}
		for (long i = 0; i < conns; i++) {
			conn *c = &cs[i];
			if (!c->busy || !pf[i].revents)
				continue;
			if (c->off < L.reqlen[c->target])
				on_write(c);
			else
				on_read(c);
			if (!c->busy)
				last = now();
		}
	}

	double wall = last - start;
	if (L.nlat)
		qsort(L.lat, L.nlat, sizeof *L.lat, cmp_double);
	printf("%llu %.6f %.1f %.3f %.3f %.3f %zu %zu\n", finished, wall, wall > 0 ? (double)L.nlat / wall : 0,
	       rank(50) * 1e3, rank(99) * 1e3, L.nlat ? L.lat[L.nlat - 1] * 1e3 : 0, L.non200, L.nerr);
	for (int s = 100; s < 600; s++)
		if (s != 200 && L.statuses[s])
			fprintf(stderr, "httpload: %d answers %d\n", L.statuses[s], s);
	if (L.non200)
		fprintf(stderr, "httpload: the first: %s\n", L.first_bad);
	if (L.nerr)
		fprintf(stderr, "httpload: %zu requests without a whole answer (%zu connections opened again)\n", L.nerr,
			reconnects);
	for (long i = 0; i < conns; i++) {
		hangup(&cs[i]);
		free(cs[i].in);
	}
	for (size_t i = 0; i < L.ntargets; i++)
		free(L.req[i]);
	free(L.req);
	free(L.reqlen);
	free(L.lat);
	free(cs);
	free(pf);
	freeaddrinfo(L.ai);
	return 0;
}
