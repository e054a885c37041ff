/*
 * bench/genpods.c: a recorded input for bench/pods.gate: many pods, each a
 * series of memory and (optionally) cpu.
 *
 *   genpods PODS SECONDS [INTERVAL_S [ORDER [METRICS]]] > FILE
 *
 * PODS pods (pod="pod-00000" ...), each with one sample every INTERVAL_S
 * seconds (default 15) for SECONDS seconds, ending at the same instant for
 * every pod: SECONDS / INTERVAL_S samples a series.  METRICS is 2 (default:
 * memory and cpu, PODS series each) or 1 (memory only).  ORDER says how the
 * lines are laid out:
 *
 *   time    as a scrape (or a file of concatenated scrapes) writes them:
 *           at t, the memory family's # HELP/# TYPE and every pod's sample,
 *           then the cpu family's; then t + INTERVAL_S.  Every line's labels
 *           differ from the line before.
 *   series  as `novagate record` or a query_range result writes them: one
 *           family block each, and in it every sample of pod-00000, then
 *           every sample of pod-00001, ...
 *
 * Both orders carry the same samples (the same values at the same times);
 * only the layout differs.
 *
 * Values are those of a healthy population: memory about 180Mi per pod
 * (every 50th a little fatter, 3 near 410Mi), cpu about 120m; with a slow
 * cycle and noise.  Incidents lie in the history of inputs longer than an
 * hour: every 97th pod's memory goes over 600Mi for 3 minutes, every 2
 * hours, none in the last hour.  In the last hour, pod 7's memory goes over
 * 512Mi for 1 minute (4 samples) 5 minutes before the end, shorter than
 * the gate's `for 2m`.  The verdict of pods.gate is go, with any window up
 * to an hour; the spike is in every window of 10 minutes or more.
 *
 * Deterministic: the same arguments give the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0	INT64_C(1700000000000)	/* 2023-11-14T22:13:20Z */
#define MI	1048576.0

#define GENOUT_NAME "genpods"
#include "genout.h"

/* A cpu value in [0, 10): 4 digits after the point, trailing zeros dropped. */
static void
putcpu(double x)
{
	uint64_t m = (uint64_t)llround((x < 0 ? 0 : x) * 10000);
	char b[16];
	int i = sizeof b, dec = 4;

	while (dec > 0 && m % 10 == 0 && m)
		m /= 10, dec--;
	if (m == 0) {
		puts_("0", 1);
		return;
	}
	for (int k = 0; k < dec; k++, m /= 10)
		b[--i] = (char)('0' + m % 10);
	if (dec)
		b[--i] = '.';
	do
		b[--i] = (char)('0' + m % 10);
	while (m /= 10);
	puts_(b + i, sizeof b - (size_t)i);
}

/* A hash of (pod, sample index, kind) to [0, 1): noise that does not
 * depend on the order the lines are written in. */
static double
hash01(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t h = a * UINT64_C(0x9e3779b97f4a7c15) ^ b * UINT64_C(0xc2b2ae3d27d4eb4f) ^ c * UINT64_C(0x165667b19e3779f9);

	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return (double)(h >> 11) * 0x1p-53;
}

static double
noise(uint64_t pod, uint64_t k, uint64_t kind)
{
	return (hash01(pod, k, kind) + hash01(pod, k, kind + 8) + hash01(pod, k, kind + 16) - 1.5) * 2;
}

enum { MEM, CPU };

/* Sample k (of n, the last at n - 1) of pod's series of kind. */
static double
value(int kind, long pod, long k, long n, long ivl)
{
	double slow = sin((double)k * ivl / 1800.0 + pod * 0.37);	/* a 3 h cycle, phase per pod */
	long left = (n - 1 - k) * ivl;	/* seconds before the end */

	if (kind == CPU)
		return 0.12 * (1 + 0.2 * slow) + 0.01 * noise((uint64_t)pod, (uint64_t)k, 1);
	double base = pod < 3 ? 410 : pod % 50 == 1 ? 240 : 180;
	double v = base * MI * (1 + 0.02 * slow) + 2 * MI * noise((uint64_t)pod, (uint64_t)k, 0);
	if (pod % 97 == 0 && left >= 3600 && (left + pod * 60) % 7200 < 180)
		v = 600 * MI + pod * 1000;	/* an old incident: 3 minutes over 512Mi */
	if (pod == 7 && left >= 300 && left < 360)
		v = 520 * MI;	/* 1 minute over 512Mi, 5 minutes before the end */
	return floor(v);
}

static const char *const head[2] = {
	"# HELP memory Working set of each canary pod in bytes (recorded query result).\n"
	"# TYPE memory gauge\n",
	"# HELP cpu CPU usage of each canary pod in cores (recorded query result).\n"
	"# TYPE cpu gauge\n",
};
static const char *const name[2] = { "memory{pod=\"pod-", "cpu{pod=\"pod-" };

static void
line(int kind, long pod, long k, long n, long ivl, int64_t tend)
{
	char p[16];

	puts_(name[kind], strlen(name[kind]));
	snprintf(p, sizeof p, "%05ld\"} ", pod);
	puts_(p, strlen(p));
	if (kind == CPU)
		putcpu(value(kind, pod, k, n, ivl));
	else
		putu((uint64_t)value(kind, pod, k, n, ivl));
	puts_(" ", 1);
	putu((uint64_t)(tend - (int64_t)(n - 1 - k) * ivl * 1000));
	puts_("\n", 1);
}

int
main(int argc, char **argv)
{
	long pods, secs, ivl = 15, nmet = 2;
	const char *order = "time";

	if (argc < 3 || argc > 6 || (pods = atol(argv[1])) <= 0 || pods > 99999 || (secs = atol(argv[2])) <= 0 ||
	    (argc > 3 && (ivl = atol(argv[3])) <= 0) ||
	    (argc > 4 && strcmp(order = argv[4], "time") && strcmp(order, "series")) ||
	    (argc > 5 && (nmet = atol(argv[5])) != 1 && nmet != 2)) {
		fprintf(stderr, "usage: genpods PODS SECONDS [INTERVAL_S [time|series [1|2]]] > FILE\n");
		return 2;
	}
	long n = secs / ivl;	/* samples a series */
	if (n < 1) {
		fprintf(stderr, "genpods: SECONDS shorter than INTERVAL_S\n");
		return 2;
	}
	int64_t tend = T0 + (int64_t)(n - 1) * ivl * 1000;
	char hd[256];

	snprintf(hd, sizeof hd, "# novagate bench input for bench/pods.gate: %ld pods x %ld metrics x %ld samples "
		 "(one every %lds), %s order, generated by bench/genpods.c\n", pods, nmet, n, ivl, order);
	puts_(hd, strlen(hd));
	if (strcmp(order, "time") == 0) {
		for (long k = 0; k < n; k++)
			for (int kind = 0; kind < nmet; kind++) {
				puts_(head[kind], strlen(head[kind]));
				for (long pod = 0; pod < pods; pod++)
					line(kind, pod, k, n, ivl, tend);
			}
	} else {
		for (int kind = 0; kind < nmet; kind++) {
			puts_(head[kind], strlen(head[kind]));
			for (long pod = 0; pod < pods; pod++)
				for (long k = 0; k < n; k++)
					line(kind, pod, k, n, ivl, tend);
		}
	}
	flush();
	if (fflush(stdout) || ferror(stdout)) {
		perror("genpods: write");
		return 1;
	}
	return 0;
}
