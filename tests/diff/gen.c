/*
 * gen.c: one random case of the differential test of per-series `for`
 * (tests/diff/README): novagate's `any(m > 0.5 for D)` against the alert
 * instances of Prometheus' rule engine (`promtool test rules`).
 *
 *   gen SEED DIR    write DIR/rules.yml, DIR/test.yml (promtool), DIR/case.gate,
 *                   DIR/case.prom (novagate) and DIR/case.txt (the series as
 *                   promtool's notation, for a reader); print one line:
 *                   "STEPS D_SECONDS NSERIES" (the case has STEPS+1 steps of 15s)
 *   gen edge DIR    the same for one fixed case: 0.9 then 20 missing samples,
 *                   for 5m, the gate with the default lookback (see LOOKBACK)
 *
 * The same SEED gives the same case on every machine: the generator has its
 * own PRNG (splitmix64), no rand(), no floating point in what it writes
 * (values are hundredths, printed from integers).
 *
 * Time 0 of promtool's test is T0 below (2023-11-15T00:00:00Z) for novagate,
 * so a novagate time of day is the promtool offset.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define T0 1700006400LL /* 2023-11-15T00:00:00Z, a midnight */
#define STEP 15		/* seconds: the scrape and evaluation interval */
#define MAXSTEPS 240	/* 60 minutes */
#define MAXSERIES 6
/*
 * The gates' lookback.  promtool 2.42 (Prometheus before 3.0) sees a sample
 * for 5m inclusive, [t-5m, t]; novagate's lookback is open on the left,
 * (t-5m, t], as in Prometheus 3.0 (tests/rules/verdicts.tsv, memory-stale-5m).
 * On a grid of 15s, (t-5m1ms, t] holds exactly the samples of [t-5m, t], so
 * the cases compare `for` and presence, not the two versions' edge; `gen edge`
 * shows the edge itself, with the default lookback.
 */
#define LOOKBACK "5m1ms"

static uint64_t rng;

static uint64_t next(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* 0 <= r < n */
static int rnd(int n) { return (int)(next() % (uint64_t)n); }
/* true with probability pct percent */
static int chance(int pct) { return rnd(100) < pct; }

/* what a series has at a step */
enum { NONE, VAL, NAN_, STALE };
struct pt { int kind; int v; };	/* v: hundredths */

static struct pt tab[MAXSERIES][MAXSTEPS + 1];

static const int durs[] = { 0, 15, 60, 150, 300 };
static const char *dursrc[] = { "0s", "15s", "1m", "2m30s", "5m" };

/* a value above 0.5, or not (sometimes exactly 0.5, which is not > 0.5) */
static int high(void) { return 51 + rnd(50); }			/* 0.51 .. 1.00 */
static int low(void) { return chance(15) ? 50 : rnd(50); }	/* 0.00 .. 0.50 */

/*
 * One series over steps 0..steps: absent before a random start s, gone after a
 * random end e (with a staleness marker or without, then 5m of lookback), in
 * between stretches below 0.5 and bursts above it.  A burst has about as many
 * samples as the `for` needs (need steps in a row: D/15s + 1), a few more or
 * fewer (bias: in some cases mostly fewer, so that nothing fires), so whether
 * it fires depends on the details; half the bursts are interrupted
 * once, at a random point, by what resets an alert instance (NaN, a staleness
 * marker, 0.5, more than 5m without a sample) or what does not (a gap of up to
 * 20 missing samples: after 20 the last sample is exactly 5m old, still seen by
 * Prometheus 2.x).  NaN (pnan%) and gaps (pgap%) also fall anywhere.
 */
static void series(struct pt *p, int steps, int need, int bias, int meanlow, int pnan, int pgap)
{
	int s = chance(50) ? 0 : 1 + rnd(steps * 2 / 3);
	int e = chance(50) ? steps : s + rnd(steps - s + 1);
	int burst = chance(30), i = s, j, len, cut, n;

	for (j = 0; j <= steps; j++)
		p[j].kind = NONE;
	while (i <= e) {
		len = burst ? need + bias + rnd(5) - 2 : 1 + rnd(2 * meanlow);
		if (len < 1)
			len = 1;
		cut = burst && chance(50) ? rnd(len) : -1;
		for (j = 0; j < len && i <= e; j++, i++) {
			n = 0;
			if (i > s && j == cut) {
				switch (rnd(6)) {
				case 0: p[i].kind = NAN_; continue;
				case 1: p[i].kind = STALE; continue;
				case 2: p[i].kind = VAL; p[i].v = 50; continue;
				case 3: n = 20; break;
				case 4: n = 21 + rnd(3); break;
				default: n = 1 + rnd(19); break;
				}
			} else if (i > s && chance(pgap)) {
				n = rnd(2) ? 1 + rnd(4) : 19 + rnd(4);
			}
			if (n) {	/* n missing samples, not counted in the burst's length */
				i += n - 1;
				j--;
				continue;
			}
			if (chance(pnan)) {
				p[i].kind = NAN_;
				continue;
			}
			p[i].kind = VAL;
			p[i].v = burst ? high() : low();
		}
		burst = !burst;
	}
	if (e < steps && chance(50))
		p[e + 1].kind = STALE;
	/*
	 * An edge probe, in some series: a lone sample above 0.5, 20 missing, then
	 * one below.  The lone sample is seen for exactly 5m, so a `for: 5m` fires on
	 * it at the 20th missing one, at the very edge of the lookback.
	 */
	if (e - s > 22 && chance(20)) {
		i = s + 1 + rnd(e - s - 22);
		p[i].kind = VAL;
		p[i].v = high();
		for (j = 1; j <= 20; j++)
			p[i + j].kind = NONE;
		p[i + 21].kind = VAL;
		p[i + 21].v = rnd(50);
		if (p[i - 1].kind == VAL && p[i - 1].v > 50)	/* alone: not the end of a burst */
			p[i - 1].v = rnd(50);
	}
}

static FILE *create(const char *dir, const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(f = fopen(path, "w"))) {
		fprintf(stderr, "gen: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static void done(FILE *f)
{
	if (ferror(f) || fclose(f) != 0) {
		fprintf(stderr, "gen: write error\n");
		exit(1);
	}
}

static void val(FILE *f, int v) { fprintf(f, "%d.%02d", v / 100, v % 100); }

/* promtool's series notation, up to the last step that has something */
static void notation(FILE *f, const struct pt *p, int steps)
{
	int last = -1, i;

	for (i = 0; i <= steps; i++)
		if (p[i].kind != NONE)
			last = i;
	for (i = 0; i <= last; i++) {
		if (i)
			fputc(' ', f);
		switch (p[i].kind) {
		case NONE: fputc('_', f); break;
		case NAN_: fputs("NaN", f); break;
		case STALE: fputs("stale", f); break;
		default: val(f, p[i].v);
		}
	}
}

int main(int argc, char **argv)
{
	char *end;
	unsigned long long seed = 0;
	int edge, steps, di, n, bias, meanlow, pnan, pgap, i, k;
	const char *lookback = LOOKBACK;
	FILE *f;

	if (argc != 3 || !*argv[1]) {
		fprintf(stderr, "usage: gen SEED DIR\n       gen edge DIR\n");
		return 2;
	}
	edge = strcmp(argv[1], "edge") == 0;
	errno = 0;
	if (!edge && ((seed = strtoull(argv[1], &end, 10)), *end || errno)) {
		fprintf(stderr, "gen: bad seed '%s'\n", argv[1]);
		return 2;
	}
	rng = seed * 0x2545f4914f6cdd1dULL + 1;

	if (edge) {	/* 0.9 _x20 0.1, for 5m: promtool 2.42 fires at 5m; the default lookback */
		steps = 21, di = 4, n = 1, lookback = NULL;
		tab[0][0] = (struct pt){ VAL, 90 };
		tab[0][21] = (struct pt){ VAL, 10 };
	} else {
		steps = 120 + rnd(MAXSTEPS - 120 + 1);	/* 30 to 60 minutes */
		di = rnd(5);
		n = 1 + rnd(MAXSERIES);
		bias = rnd(7) - 5;		/* bursts of need-7 .. need+3 samples */
		meanlow = 2 + rnd(30);		/* the mean stretch below 0.5, in steps */
		pnan = rnd(6);
		pgap = rnd(5);
		for (k = 0; k < n; k++)
			series(tab[k], steps, durs[di] / STEP + 1, bias, meanlow, pnan, pgap);
	}

	f = create(argv[2], "rules.yml");
	fprintf(f, "# gen %s\ngroups:\n  - name: g\n    interval: 15s\n    rules:\n"
		   "      - alert: x\n        expr: m > 0.5\n        for: %s\n", argv[1], dursrc[di]);
	done(f);

	f = create(argv[2], "test.yml");
	fprintf(f, "# gen %s: every step expects no firing alert; promtool lists the ones it got\n"
		   "rule_files: [rules.yml]\nevaluation_interval: 15s\ntests:\n"
		   "  - name: seed %s\n    interval: 15s\n    input_series:\n", argv[1], argv[1]);
	for (k = 0; k < n; k++) {
		fprintf(f, "      - series: 'm{pod=\"%c\"}'\n        values: '", 'a' + k);
		notation(f, tab[k], steps);
		fputs("'\n", f);
	}
	fputs("    alert_rule_test:\n", f);
	for (i = 0; i <= steps; i++)
		fprintf(f, "      - {eval_time: %ds, alertname: x, exp_alerts: []}\n", i * STEP);
	done(f);

	f = create(argv[2], "case.txt");
	fprintf(f, "seed %s: %d steps of 15s from 0 (%lld), for %s\n", argv[1], steps, T0, dursrc[di]);
	for (k = 0; k < n; k++) {
		fprintf(f, "m{pod=\"%c\"}: ", 'a' + k);
		notation(f, tab[k], steps);
		fputc('\n', f);
	}
	done(f);

	f = create(argv[2], "case.gate");
	fprintf(f, "# gen %s\nmetric m by (pod) = `m`\n\ngate g {\n  step 15s\n  window %ds\n",
		argv[1], steps * STEP);
	if (lookback)
		fprintf(f, "  lookback %s\n", lookback);
	fprintf(f, "  rollback \"x\" when any(m > 0.5 for %s)\n  go when count(m) >= 0\n}\n", dursrc[di]);
	done(f);

	f = create(argv[2], "case.prom");
	fprintf(f, "# gen %s\n# TYPE m gauge\n", argv[1]);
	for (k = 0; k < n; k++)
		for (i = 0; i <= steps; i++) {
			long long ms = (T0 + (long long)i * STEP) * 1000;
			switch (tab[k][i].kind) {
			case VAL:
				fprintf(f, "m{pod=\"%c\"} ", 'a' + k);
				val(f, tab[k][i].v);
				fprintf(f, " %lld\n", ms);
				break;
			case NAN_:
				fprintf(f, "m{pod=\"%c\"} NaN %lld\n", 'a' + k, ms);
				break;
			case STALE:
				fprintf(f, "m{pod=\"%c\",__stale__=\"true\"} NaN %lld\n", 'a' + k, ms);
				break;
			}
		}
	done(f);

	printf("%d %d %d\n", steps, durs[di], n);
	return 0;
}
