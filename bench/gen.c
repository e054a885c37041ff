/*
 * bench/gen.c: a recorded input for rules/canary.gate, N samples long.
 *
 *   gen N [INTERVAL_S] > FILE
 *
 * Six series, one block each as Prometheus exports them (and as the
 * recordings in tests/rules/canary/ are laid out): error_rate, p99 with its
 * baseline p99{role="baseline"}, restarts, cpu, memory.  The N samples are
 * shared out evenly; every series ends at the same instant, so the gate's
 * window (the default --at is the last sample) is the last 5 minutes of all
 * of them.  One sample every INTERVAL_S seconds (default 15, the gate's
 * step).
 *
 * Values are those of a healthy canary (see tests/rules/canary/healthy.prom):
 * error_rate about 0.11%, p99 about 0.18 s against a baseline of about
 * 0.175 s, cpu about 118m, memory about 164Mi, no restarts; with a daily
 * cycle and noise, printed like the recordings (6 significant digits,
 * memory in whole bytes).
 * The history has incidents (an error spike, a latency spike, a restart)
 * every few hours, none in the last half hour: the verdict is go.
 *
 * Deterministic: the same arguments give the same bytes.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0	INT64_C(1700000000000)	/* 2023-11-14T22:13:20Z */
#define TAU	6.283185307179586

#define GENOUT_NAME "gen"
#include "genout.h"

/* x >= 0 with 6 significant digits, trailing zeros dropped: what %g prints
 * for 1e-4 <= x < 1e6; from 1e6 up the whole number (memory is in bytes,
 * as in the recordings). */
static void
putg(double x)
{
	int e, dec;
	uint64_t m;

	if (x <= 0) {
		puts_("0", 1);
		return;
	}
	e = (int)floor(log10(x));	/* x = d.ddddd * 10^e */
	dec = 5 - e;			/* digits after the point */
	if (dec <= 0) {			/* an integer */
		putu((uint64_t)llround(x));
		return;
	}
	m = (uint64_t)llround(x * pow(10, dec));
	if (m >= 1000000) {		/* rounded up to the next power of ten */
		m /= 10;
		dec--;
	}
	while (dec > 0 && m % 10 == 0)
		m /= 10, dec--;
	if (dec == 0) {
		putu(m);
		return;
	}
	char b[32];
	int i = sizeof b, k = 0;
	do {
		b[--i] = (char)('0' + m % 10);
		m /= 10;
		if (++k == dec)
			b[--i] = '.';
	} while (m || k < dec);
	if (b[i] == '.')
		b[--i] = '0';
	puts_(b + i, sizeof b - (size_t)i);
}

/* xorshift64*: uniform in [0, 1) */
static uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);

static double
uniform(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return (double)((rng * UINT64_C(2685821657736338717)) >> 11) * 0x1p-53;
}

/* About normal, mean 0, sd 1 (sum of four uniforms). */
static double
noise(void)
{
	return (uniform() + uniform() + uniform() + uniform() - 2) * 1.7320508;
}

enum { ERR, P99, BASE, RESTARTS, CPU, MEM, NSERIES };
static const char *const head[NSERIES] = {
	"# HELP error_rate Ratio of 5xx responses of the canary (recorded query result).\n"
	"# TYPE error_rate gauge\n",
	"# HELP p99 99th percentile request latency in seconds, canary and baseline.\n"
	"# TYPE p99 gauge\n",
	"",
	"# HELP restarts Container restarts of the canary in the last 5 minutes.\n"
	"# TYPE restarts gauge\n",
	"# HELP cpu CPU usage of the canary in cores.\n"
	"# TYPE cpu gauge\n",
	"# HELP memory Working set of the canary in bytes.\n"
	"# TYPE memory gauge\n",
};
static const char *const name[NSERIES] = {
	"error_rate ", "p99 ", "p99{role=\"baseline\"} ", "restarts ", "cpu ", "memory ",
};

/* Incidents: every `every` ms an event lasting `len` ms, phase-shifted per
 * kind; none in the last `quiet` ms of the recording. */
static int
incident(int64_t t, int64_t tend, int64_t every, int64_t phase, int64_t len)
{
	const int64_t quiet = 30 * 60 * 1000;

	if (t > tend - quiet)
		return 0;
	return (t - T0 + phase) % every < len;
}

static double
value(int s, int64_t t, int64_t tend)
{
	double day = (double)(t - T0) / 86400e3 * TAU;
	double cyc = sin(day), wob = sin((double)(t - T0) / 150e3);	/* daily, 2.5 min */
	double v;

	switch (s) {
	case ERR:
		v = 0.0011 * (1 + 0.15 * cyc + 0.1 * wob) + 0.00005 * noise();
		if (incident(t, tend, 7 * 3600e3, 0, 90e3))
			v = 0.02 + 0.005 * uniform();
		return v < 0.00001 ? 0.00001 : v;
	case P99:
		v = 0.18 * (1 + 0.05 * cyc + 0.03 * wob) + 0.002 * noise();
		if (incident(t, tend, 11 * 3600e3, 3 * 3600e3, 150e3))
			v *= 2.4;
		return v;
	case BASE:
		return 0.175 * (1 + 0.05 * cyc + 0.03 * wob) + 0.002 * noise();
	case RESTARTS:
		return incident(t, tend, 29 * 3600e3, 5 * 3600e3, 300e3);
	case CPU:
		return 0.118 * (1 + 0.2 * cyc) + 0.004 * noise();
	case MEM:
		return floor(164.0 * 1048576 * (1 + 0.03 * cyc) + 262144 * noise());
	}
	return 0;
}

int
main(int argc, char **argv)
{
	char *end;
	long long n, ivl = 15;

	if (argc < 2 || argc > 3 || (n = strtoll(argv[1], &end, 10)) <= 0 || *end ||
	    (argc == 3 && ((ivl = strtoll(argv[2], &end, 10)) <= 0 || *end))) {
		fprintf(stderr, "usage: gen SAMPLES [INTERVAL_S] > FILE\n");
		return 2;
	}
	int64_t step = (int64_t)ivl * 1000;
	int64_t per = n / NSERIES, extra = n % NSERIES;
	int64_t tend = T0 + (per + (extra > 0) - 1) * step;

	snprintf(out, sizeof out, "# novagate bench input for rules/canary.gate: %lld samples, "
		 "one every %llds, generated by bench/gen.c\n", n, ivl);
	outn = strlen(out);
	for (int s = 0; s < NSERIES; s++) {
		int64_t k = per + (s < extra);

		puts_(head[s], strlen(head[s]));
		for (int64_t t = tend - (k - 1) * step; t <= tend; t += step) {
			puts_(name[s], strlen(name[s]));
			putg(value(s, t, tend));
			puts_(" ", 1);
			putu((uint64_t)t);
			puts_("\n", 1);
			if (outn >= OUTSZ)
				flush();
		}
	}
	flush();
	if (fflush(stdout) || ferror(stdout)) {
		perror("gen: write");
		return 1;
	}
	return 0;
}
