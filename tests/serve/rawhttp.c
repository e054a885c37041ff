/*
 * rawhttp.c: a client that misbehaves on purpose, for the tests of novagate
 * serve (curl will not send these).  The request's bytes come from stdin.
 *
 *   rawhttp PORT send          send them, print the response's status line
 *                              ("closed" when the server closed without one)
 *   rawhttp PORT trickle MS    one byte every MS ms; print "closed after N bytes"
 *                              when the server gives up first, else the status line
 *   rawhttp PORT cut N         the first N bytes, then close at once
 *   rawhttp PORT answer        send them, print the response whole (head and body)
 *   rawhttp PORT again FILE    answer; then, once FILE exists, send them again on the
 *                              same connection and print that response too
 *   rawhttp PORT continue FILE the request's head (up to its blank line), print the
 *                              interim response (100 Continue); once FILE exists its
 *                              body, and print the response
 *
 * A response is read to its Content-Length, or to the server's close
 * ("closed" when it closed without one), and ends with a newline.  Always to 127.0.0.1, and never
 * longer than 60 s.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char req[(1 << 20) + 1];	/* NUL-terminated */

static int
dial(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a) < 0) {
		perror("rawhttp: connect");
		exit(2);
	}
	return fd;
}

/* The status line of what the server sends, or "closed". */
static void
status_line(int fd)
{
	char buf[4096];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof buf - 1 && (r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) {
		n += (size_t)r;
		if (memchr(buf, '\n', n))
			break;
	}
	buf[n] = '\0';
	char *nl = strpbrk(buf, "\r\n");
	if (nl)
		*nl = '\0';
	puts(n ? buf : "closed");
}

/* Whether the server has closed (or reset) the connection. */
static int
closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char c;

	if (poll(&p, 1, 0) <= 0)
		return 0;
	return recv(fd, &c, 1, MSG_PEEK) <= 0;
}

/* Print one response as sent: its head, and its body to its Content-Length or the close. */
static void
response(int fd)
{
	static char buf[1 << 20];
	size_t n = 0, want = 0;
	bool sized = false;
	char *end = NULL;
	ssize_t r;

	while (n < sizeof buf - 1 && (!end || !sized || n < want)) {
		if ((r = read(fd, buf + n, sizeof buf - 1 - n)) <= 0)
			break;
		n += (size_t)r;
		buf[n] = '\0';
		if (!end && (end = strstr(buf, "\r\n\r\n"))) {
			want = (size_t)(end - buf) + 4;
			for (char *h = strstr(buf, "\r\n"); h && h < end; h = strstr(h + 2, "\r\n"))
				if (strncasecmp(h + 2, "Content-Length:", 15) == 0)
					want += strtoul(h + 17, NULL, 10), sized = true;
			if (strncmp(buf + 9, "100 ", 4) == 0)	/* interim: no body */
				sized = true;
		}
	}
	fwrite(buf, 1, n, stdout);
	if (n == 0)
		puts("closed");
	else if (buf[n - 1] != '\n')
		putchar('\n');		/* the next response on a line of its own */
	fflush(stdout);
}

/* Until path exists. */
static void
await(const char *path)
{
	struct stat st;
	struct timespec t = { 0, 20 * 1000000L };

	while (stat(path, &st) != 0)
		nanosleep(&t, NULL);
}

int
main(int argc, char **argv)
{
	size_t len = 0;
	ssize_t r;

	if (argc < 3)
		return fprintf(stderr, "usage: rawhttp PORT send|trickle MS|cut N < request\n"), 2;
	signal(SIGPIPE, SIG_IGN);
	alarm(60);
	while (len < sizeof req - 1 && (r = read(0, req + len, sizeof req - 1 - len)) > 0)
		len += (size_t)r;
	int fd = dial(atoi(argv[1]));
	if (strcmp(argv[2], "send") == 0) {
		if (write(fd, req, len) != (ssize_t)len)
			return puts("closed"), 0;
		status_line(fd);
	} else if (strcmp(argv[2], "trickle") == 0 && argc == 4) {
		struct timespec t = { atoi(argv[3]) / 1000, (long)(atoi(argv[3]) % 1000) * 1000000L };
		for (size_t i = 0; i < len; i++) {
			if (closed(fd) || write(fd, req + i, 1) != 1)
				return printf("closed after %zu bytes\n", i), 0;
			nanosleep(&t, NULL);
		}
		status_line(fd);
	} else if (strcmp(argv[2], "cut") == 0 && argc == 4) {
		size_t n = (size_t)atoi(argv[3]);
		if (write(fd, req, n < len ? n : len) < 0)
			perror("rawhttp: write");
	} else if (strcmp(argv[2], "answer") == 0 || (strcmp(argv[2], "again") == 0 && argc == 4)) {
		for (int i = 0; i < (argc == 4 ? 2 : 1); i++) {
			if (i)
				await(argv[3]);
			if (write(fd, req, len) != (ssize_t)len && i)
				return puts("closed"), 0;
			response(fd);	/* also after a short write: the server may have answered before it closed */
		}
	} else if (strcmp(argv[2], "continue") == 0 && argc == 4) {
		char *body = strstr(req, "\r\n\r\n");
		size_t head = body ? (size_t)(body - req) + 4 : len;
		if (write(fd, req, head) != (ssize_t)head)
			return puts("closed"), 0;
		response(fd);
		await(argv[3]);
		if (write(fd, req + head, len - head) != (ssize_t)(len - head))
			return puts("closed"), 0;
		response(fd);
	} else {
		return fprintf(stderr, "rawhttp: unknown mode %s\n", argv[2]), 2;
	}
	close(fd);
	return 0;
}
