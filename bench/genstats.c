/*
 * bench/genstats.c: recorded inputs for the statistics case of `make bench`:
 * bench/stats.gate (a canary against its baseline) and bench/podstats.gate
 * (many pods against one baseline).
 *
 *   genstats canary SECONDS [INTERVAL_S] > FILE
 *   genstats pods PODS SECONDS [INTERVAL_S] > FILE
 *
 * One sample every INTERVAL_S seconds (default 15, the gates' step) for
 * SECONDS seconds, SECONDS / INTERVAL_S samples a series, every series
 * ending at the same instant (the default --at of a check).  Laid out as a
 * recording: one block a family with # HELP/# TYPE, in it every sample of
 * one series, then the next.
 *
 * canary: six series, as tests/check/stats.prom but healthy and long:
 *   p99, p99{role="baseline"}   about 0.18 s against 0.175 s (bench/gen.c's
 *                               canary), a shared 15-minute wobble and
 *                               noise: the canary is slower, significantly
 *                               over 480 steps, but by ~5 ms, under the
 *                               gate's 20 ms;
 *   errors, errors{role="baseline"}, requests, requests{role="baseline"}
 *                               counts a step: ~300 requests against ~3000,
 *                               errors Poisson at 0.11 % against 0.13 %.
 * pods: lat{role="baseline"} (about 0.18 s, as the canary's baseline, one
 *   series that stands for every pod), then lat{pod="pod-00000"} ... each
 *   pod about 0.169-0.173 s: every pod a little faster than the baseline,
 *   so no pod's Mann-Whitney test finds it slower.  (With pods drawn like
 *   the baseline, 1 % of them would be under 1 % at each step by chance,
 *   and any(mannwhitney(lat, 10m) < 1%) would roll back.)
 *
 * No incidents: the verdict of both gates is go whatever the window.
 * Values are printed with 6 significant digits (few ties), counts whole.
 *
 * Deterministic: the same arguments give the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0	INT64_C(1700000000000)	/* 2023-11-14T22:13:20Z */

#define GENOUT_NAME "genstats"
#include "genout.h"

/* 0 < x < 1e6 with 6 significant digits (bench/gen.c's putg, without its
 * integers from 1e6 up). */
static void
putg(double x)
{
	char b[32];
	int n;

	if (x <= 0) {
		puts_("0", 1);
		return;
	}
	n = snprintf(b, sizeof b, "%.6g", x);
	puts_(b, (size_t)n);
}

/* A hash of (series, sample index, kind) to [0, 1), as bench/genpods.c's:
 * noise that does not depend on the order the lines are written in. */
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

/* About normal, mean 0, sd 1 (sum of four uniforms). */
static double
noise(uint64_t s, uint64_t k, uint64_t kind)
{
	double u = 0;

	for (uint64_t i = 0; i < 4; i++)
		u += hash01(s, k, kind + 8 * i);
	return (u - 2) * 1.7320508;
}

/* Poisson with mean lambda (small: Knuth's product of uniforms). */
static uint64_t
poisson(double lambda, uint64_t s, uint64_t k, uint64_t kind)
{
	double l = exp(-lambda), p = 1;
	uint64_t n = 0;

	for (;;) {
		p *= hash01(s, k, kind + 64 * (n + 1));
		if (p <= l)
			return n;
		n++;
	}
}

/* The shared 15-minute wobble of latencies at sample k. */
static double
wobble(long k, long ivl)
{
	return sin((double)k * (double)ivl / 150.0);
}

enum { P99, P99B, ERR, ERRB, REQ, REQB, NCANARY };

static const char *const chead[NCANARY] = {
	"# HELP p99 99th percentile request latency in seconds, canary and baseline (recorded query result).\n"
	"# TYPE p99 gauge\n",
	"",
	"# HELP errors 5xx responses a step (15s), canary and baseline (recorded query result).\n"
	"# TYPE errors gauge\n",
	"",
	"# HELP requests Requests a step (15s), canary and baseline (recorded query result).\n"
	"# TYPE requests gauge\n",
	"",
};
static const char *const cname[NCANARY] = {
	"p99 ", "p99{role=\"baseline\"} ", "errors ", "errors{role=\"baseline\"} ", "requests ",
	"requests{role=\"baseline\"} ",
};

static uint64_t
requests(int base, long k)
{
	double m = base ? 3000 : 300, v = m * (1 + 0.05 * sin((double)k / 400.0)) + m / 30 * noise((uint64_t)base, (uint64_t)k, 2);
	return (uint64_t)llround(v < 1 ? 1 : v);
}

static void
canary_value(int s, long k, long ivl)
{
	double w = wobble(k, ivl);

	switch (s) {
	case P99:
		putg(0.18 * (1 + 0.03 * w) + 0.002 * noise(0, (uint64_t)k, 0));
		break;
	case P99B:
		putg(0.175 * (1 + 0.03 * w) + 0.002 * noise(1, (uint64_t)k, 0));
		break;
	case ERR:
		putu(poisson((double)requests(0, k) * 0.0011, 0, (uint64_t)k, 3));
		break;
	case ERRB:
		putu(poisson((double)requests(1, k) * 0.0013, 1, (uint64_t)k, 3));
		break;
	case REQ:
	case REQB:
		putu(requests(s == REQB, k));
		break;
	}
}

static void
stamp(long k, long n, long ivl, int64_t tend)
{
	puts_(" ", 1);
	putu((uint64_t)(tend - (int64_t)(n - 1 - k) * ivl * 1000));
	puts_("\n", 1);
}

static int
usage(void)
{
	fprintf(stderr, "usage: genstats canary SECONDS [INTERVAL_S] > FILE\n"
			"       genstats pods PODS SECONDS [INTERVAL_S] > FILE\n");
	return 2;
}

int
main(int argc, char **argv)
{
	long pods = 0, secs, ivl = 15;
	int a;
	char hd[256];

	if (argc < 3)
		return usage();
	if (strcmp(argv[1], "canary") == 0)
		a = 2;
	else if (strcmp(argv[1], "pods") == 0) {
		if (argc < 4 || (pods = atol(argv[2])) <= 0 || pods > 99999)
			return usage();
		a = 3;
	} else
		return usage();
	if (argc > a + 2 || (secs = atol(argv[a])) <= 0 || (argc == a + 2 && (ivl = atol(argv[a + 1])) <= 0))
		return usage();
	long n = secs / ivl;	/* samples a series */
	if (n < 1) {
		fprintf(stderr, "genstats: SECONDS shorter than INTERVAL_S\n");
		return 2;
	}
	int64_t tend = T0 + (int64_t)(n - 1) * ivl * 1000;

	if (!pods) {
		snprintf(hd, sizeof hd, "# novagate bench input for bench/stats.gate: %d series x %ld samples "
			 "(one every %lds), generated by bench/genstats.c\n", NCANARY, n, ivl);
		puts_(hd, strlen(hd));
		for (int s = 0; s < NCANARY; s++) {
			puts_(chead[s], strlen(chead[s]));
			for (long k = 0; k < n; k++) {
				puts_(cname[s], strlen(cname[s]));
				canary_value(s, k, ivl);
				stamp(k, n, ivl, tend);
			}
		}
	} else {
		snprintf(hd, sizeof hd, "# novagate bench input for bench/podstats.gate: %ld pods and a baseline x %ld "
			 "samples (one every %lds), generated by bench/genstats.c\n", pods, n, ivl);
		puts_(hd, strlen(hd));
		static const char lhead[] =
			"# HELP lat 99th percentile request latency of each canary pod and of the baseline "
			"in seconds (recorded query result).\n"
			"# TYPE lat gauge\n";
		puts_(lhead, sizeof lhead - 1);
		for (long pod = -1; pod < pods; pod++) {
			char p[40];
			double mean = pod < 0 ? 0.18 : 0.171 + 0.002 * (double)(pod % 7 - 3) / 3;

			if (pod < 0)
				snprintf(p, sizeof p, "lat{role=\"baseline\"} ");
			else
				snprintf(p, sizeof p, "lat{pod=\"pod-%05ld\"} ", pod);
			for (long k = 0; k < n; k++) {
				puts_(p, strlen(p));
				putg(mean * (1 + 0.03 * wobble(k, ivl)) +
				     0.004 * noise((uint64_t)(pod + 2), (uint64_t)k, 5));
				stamp(k, n, ivl, tend);
			}
		}
	}
	flush();
	if (fflush(stdout) || ferror(stdout)) {
		perror("genstats: write");
		return 1;
	}
	return 0;
}
