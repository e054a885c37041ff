/*
 * bench/rss.c: run a command, report its wall time and peak RSS.
 *
 *   rss OUTFILE COMMAND [ARG]...
 *
 * Runs COMMAND (searched in PATH) with this process's stdin, stdout and
 * stderr, and writes one line to OUTFILE:
 *
 *   SECONDS CPU_SECONDS PEAK_RSS_KIB EXIT_STATUS
 *
 * SECONDS is wall-clock time from just before the spawn to the reap
 * (CLOCK_MONOTONIC, ns resolution; GNU time's %e has only 10 ms), and
 * PEAK_RSS_KIB is ru_maxrss of the child from wait4(), the figure GNU time
 * prints as %M.  CPU_SECONDS is the child's user + system time.  EXIT_STATUS is the command's exit status, or 128+N if
 * signal N killed it.  rss itself exits 0 unless it could not run COMMAND.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct rusage ru;
	FILE *f;
	pid_t pid;
	int st, rc;

	if (argc < 3) {
		fprintf(stderr, "usage: rss OUTFILE COMMAND [ARG]...\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if ((rc = posix_spawnp(&pid, argv[2], NULL, NULL, argv + 2, environ))) {
		fprintf(stderr, "rss: %s: %s\n", argv[2], strerror(rc));
		return 127;
	}
	while (wait4(pid, &st, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("rss: wait4");
			return 1;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!(f = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 1;
	}
	fprintf(f, "%.6f %.6f %ld %d\n",
		(double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
		(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		ru.ru_maxrss, WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	return fclose(f) ? 1 : 0;
}
