/*
 * rawhttp.c: a client that misbehaves on purpose, for the tests of novagate
 * serve (curl will not send these).  The request's bytes come from stdin.
 *
 *   rawhttp PORT send          send them, print the response's status line
 *                              ("closed" when the server closed without one)
 *   rawhttp PORT trickle MS    one byte every MS ms; print "closed after N bytes"
 *                              when the server gives up first, else the status line
 *   rawhttp PORT cut N         the first N bytes, then close at once
 *
 * Always to 127.0.0.1, and never longer than 60 s.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char req[1 << 20];

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

int
main(int argc, char **argv)
{
	size_t len = 0;
	ssize_t r;

	if (argc < 3)
		return fprintf(stderr, "usage: rawhttp PORT send|trickle MS|cut N < request\n"), 2;
	signal(SIGPIPE, SIG_IGN);
	alarm(60);
	while (len < sizeof req && (r = read(0, req + len, sizeof req - len)) > 0)
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
	} else {
		return fprintf(stderr, "rawhttp: unknown mode %s\n", argv[2]), 2;
	}
	close(fd);
	return 0;
}
