/*
 * test_stats.c: the Mann-Whitney U test, the Hodges-Lehmann shift and
 * Fisher's exact test against the tables scipy, numpy and mpmath made
 * (tests/stats/README: every row), then by hand what a gate relies on:
 * all ties are not significant, a clearly worse canary is, one error in
 * three requests is not, invalid counts are NaN, counts past 2^31, U and
 * the shift against every pair, and scratch reused across sizes.
 */
#include "stats.h"
#include "util.h"
#include "t.h"

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define STATS_DIR "tests/stats"
#define REL 1e-9
/* Where the reference is 0 (a p below the doubles), ours may be as small. */
#define ABS_FLOOR 1e-300

static bool
close_to(double got, double want)
{
	if (isnan(want))
		return isnan(got);
	if (want == 0)
		return fabs(got) <= ABS_FLOOR;
	return got == want || fabs(got - want) <= REL * fabs(want);
}

static bool
same(double got, double want)
{
	return (isnan(got) && isnan(want)) || got == want;
}

/* --- the tables ------------------------------------------------------------- */

typedef struct list {
	double *v;
	int n, cap;
} list;

/* "v,v,...,v" as strtod reads each: exactly what repr wrote. */
static bool
parse_list(const char *s, list *l)
{
	l->n = 0;
	for (;;) {
		char *end;
		double v = strtod(s, &end);

		if (end == s)
			return false;
		if (l->n == l->cap)
			l->v = xrealloc(l->v, (size_t)(l->cap = l->cap ? 2 * l->cap : 64) * sizeof *l->v);
		l->v[l->n++] = v;
		if (*end != ',')
			return *end == '\0';
		s = end + 1;
	}
}

static bool
parse_num(const char *s, double *v)
{
	char *end;

	*v = strtod(s, &end);
	return end != s && *end == '\0';
}

/* Splits line at tabs into at most max fields; returns how many. */
static int
fields(char *line, char **f, int max)
{
	int n = 0;

	while (line && n < max)
		f[n++] = strsep(&line, "\t");
	return line ? max + 1 : n;
}

typedef int row_fn(char **f, int line);

/*
 * Each row of a table: its # lines are skipped, its header must be want;
 * row() is given the fields of every other line.  Returns the rows.
 */
static int
each_row(const char *name, const char *want, int nf, row_fn *row)
{
	char path[256];
	size_t len;
	char *text, *line, *next;
	int rows = 0, lineno = 0;
	bool head = false;

	snprintf(path, sizeof path, "%s/%s", STATS_DIR, name);
	text = util_read_file(path, &len);
	T_CHECK(text != NULL, "%s: cannot read it", path);
	if (!text)
		return 0;
	for (line = text; line && *line; line = next) {
		char *f[8];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (line[0] == '#')
			continue;
		if (!head) {
			head = true;
			T_CHECK(strcmp(line, want) == 0, "%s:%d: header \"%s\", want \"%s\"", path, lineno, line, want);
			continue;
		}
		if (fields(line, f, 8) != nf) {
			T_CHECK(0, "%s:%d: want %d fields", path, lineno, nf);
			continue;
		}
		rows += row(f, lineno);
	}
	free(text);
	return rows;
}

static list lx, ly;
static stats_scratch scratch;

static int
mwu_row(char **f, int line)
{
	double u, p;
	stats_mwu r;

	if (!parse_list(f[1], &lx) || !parse_list(f[2], &ly) || !parse_num(f[3], &u) || !parse_num(f[4], &p)) {
		T_CHECK(0, "mannwhitney.tsv:%d: malformed row", line);
		return 0;
	}
	stats_mannwhitney(lx.v, lx.n, ly.v, ly.n, &scratch, &r);
	T_CHECK(r.u == u, "mannwhitney.tsv:%d (%s, %d vs %d): U %.17g, want %.17g", line, f[0], lx.n, ly.n, r.u, u);
	T_CHECK(close_to(r.p, p), "mannwhitney.tsv:%d (%s, %d vs %d): p %.17g, want %.17g",
		line, f[0], lx.n, ly.n, r.p, p);
	return 1;
}

static int
hl_row(char **f, int line)
{
	double want, got;

	if (!parse_list(f[1], &lx) || !parse_list(f[2], &ly) || !parse_num(f[3], &want)) {
		T_CHECK(0, "hodges_lehmann.tsv:%d: malformed row", line);
		return 0;
	}
	got = stats_hodges_lehmann(lx.v, lx.n, ly.v, ly.n, &scratch);
	/* Exact: the median is one of the differences, or numpy's mean of two. */
	T_CHECK(same(got, want), "hodges_lehmann.tsv:%d (%s, %d vs %d): %.17g, want %.17g",
		line, f[0], lx.n, ly.n, got, want);
	return 1;
}

static int
fisher_row(char **f, int line)
{
	double c[4], want, got;

	for (int i = 0; i < 4; i++)
		if (!parse_num(f[i + 1], &c[i])) {
			T_CHECK(0, "fisher.tsv:%d: malformed row", line);
			return 0;
		}
	if (!parse_num(f[5], &want)) {
		T_CHECK(0, "fisher.tsv:%d: malformed row", line);
		return 0;
	}
	got = stats_fisher_greater(c[0], c[1], c[2], c[3]);
	T_CHECK(close_to(got, want), "fisher.tsv:%d (%s, %.0f/%.0f vs %.0f/%.0f): p %.17g, want %.17g",
		line, f[0], c[0], c[1], c[2], c[3], got, want);
	return 1;
}

static void
tables(void)
{
	int n;

	n = each_row("mannwhitney.tsv", "case\tx\ty\tu\tp", 5, mwu_row);
	T_CHECK(n >= 100, "mannwhitney.tsv: %d rows", n);
	n = each_row("hodges_lehmann.tsv", "case\tx\ty\tshift", 4, hl_row);
	T_CHECK(n >= 100, "hodges_lehmann.tsv: %d rows", n);
	n = each_row("fisher.tsv", "case\tex\tnx\tey\tny\tp\tscipy_p", 7, fisher_row);
	T_CHECK(n >= 100, "fisher.tsv: %d rows", n);
	free(lx.v);
	free(ly.v);
}

/* --- by hand ------------------------------------------------------------------ */

static void
mannwhitney_by_hand(void)
{
	stats_scratch s = { 0 };
	stats_mwu r;

	/* All tied: sigma is 0, nothing to see, p 1 (scipy's too). */
	double t3[] = { 3, 3, 3 }, t2[] = { 3, 3 };
	stats_mannwhitney(t3, 3, t2, 2, &s, &r);
	T_CHECK(r.u == 3, "all tied: U %g, want 3", r.u);
	T_CHECK(r.p == 1, "all tied: p %.17g, want 1", r.p);
	T_CHECK(r.z == -INFINITY, "all tied: z %g, want -inf", r.z);

	/* One a side, n = 2: sigma sqrt(1/12 * 3) = 1/2, z 0, p 1/2. */
	double two[] = { 2 }, one[] = { 1 };
	stats_mannwhitney(two, 1, one, 1, &s, &r);
	T_CHECK(r.u == 1 && r.nx == 1 && r.ny == 1, "1 vs 1: U %g (%d, %d)", r.u, r.nx, r.ny);
	T_CHECK(r.p == 0.5, "1 vs 1: p %.17g, want 0.5", r.p);

	/* A canary clearly worse: 40 steps each, every canary value above every baseline one. */
	double worse[40], base[40];
	for (int i = 0; i < 40; i++) {
		worse[i] = 200 + i;
		base[i] = 100 + i;
	}
	stats_mannwhitney(worse, 40, base, 40, &s, &r);
	T_CHECK(r.u == 1600, "canary worse: U %g, want 1600", r.u);
	T_CHECK(r.p < 1e-12, "canary worse: p %g, want < 1e-12", r.p);
	/* and clearly better: p near 1 */
	stats_mannwhitney(base, 40, worse, 40, &s, &r);
	T_CHECK(r.p > 1 - 1e-12, "canary better: p %.17g, want > 1 - 1e-12", r.p);

	/* Both infinities in one sample are ranked, not NaN (scipy 1.10's check for NaN sums them). */
	double pm[] = { INFINITY, -INFINITY }, zero[] = { 0 };
	stats_mannwhitney(pm, 2, zero, 1, &s, &r);
	T_CHECK(r.u == 1, "+-inf vs 0: U %g, want 1", r.u);
	T_CHECK(r.p >= 0 && r.p <= 1, "+-inf vs 0: p %g, want in [0, 1]", r.p);

	/* The input is not reordered. */
	double unsorted[] = { 5, 1, 4 };
	stats_mannwhitney(unsorted, 3, one, 1, &s, &r);
	T_CHECK(unsorted[0] == 5 && unsorted[1] == 1 && unsorted[2] == 4, "x was reordered");

	stats_scratch_free(&s);
}

static void
hodges_lehmann_by_hand(void)
{
	stats_scratch s = { 0 };
	double worse[40], base[40];

	for (int i = 0; i < 40; i++) {
		worse[i] = 200 + i;
		base[i] = 100 + i;
	}
	T_NUMEQ(stats_hodges_lehmann(worse, 40, base, 40, &s), 100);
	/* nx * ny even: the middle two averaged, {1, 2} - {0} is 1.5 */
	double a[] = { 2, 1 }, z[] = { 0 };
	T_NUMEQ(stats_hodges_lehmann(a, 2, z, 1, &s), 1.5);
	/* inf - inf makes the median NaN, as numpy's */
	double inf1[] = { 1, INFINITY }, inf2[] = { INFINITY };
	T_CHECK(isnan(stats_hodges_lehmann(inf1, 2, inf2, 1, &s)), "inf - inf: want NaN");
	/* an infinite middle difference is no NaN */
	double inf3[] = { INFINITY, INFINITY, 1 }, y3[] = { 0 };
	T_CHECK(stats_hodges_lehmann(inf3, 3, y3, 1, &s) == INFINITY, "{inf, inf, 1} - {0}: want inf");
	stats_scratch_free(&s);
}

static void
fisher_by_hand(void)
{
	/* 1 error in 3 canary requests, none in 100 baseline: the one error lands
	 * in the canary with probability 3/103 = 0.029, not significant at 1%. */
	double p = stats_fisher_greater(1, 3, 0, 100);
	T_CHECK(fabs(p - 3.0 / 103) <= 1e-15, "1/3 vs 0/100: p %.17g, want 3/103", p);
	T_CHECK(p > 0.01, "1/3 vs 0/100: p %g is significant at 1%%", p);
	/* 5 in 5 against 0 in 100: all five errors the canary's, 1 / C(105, 5) */
	p = stats_fisher_greater(5, 5, 0, 100);
	T_CHECK(fabs(p - 1 / 96560646.0) <= 1e-12 * p, "5/5 vs 0/100: p %.17g, want 1/96560646", p);

	T_CHECK(stats_fisher_greater(0, 1000, 50, 1000) == 1, "no canary errors: p must be 1");
	T_CHECK(stats_fisher_greater(0, 1000, 0, 1000) == 1, "no errors: p must be 1");
	T_CHECK(stats_fisher_greater(1000, 1000, 1000, 1000) == 1, "all errors: p must be 1");
	/* an empty row: scipy's 1 for a degenerate table */
	T_CHECK(stats_fisher_greater(0, 0, 5, 10) == 1, "no canary requests: p must be 1");
	T_CHECK(stats_fisher_greater(3, 10, 0, 0) == 1, "no baseline requests: p must be 1");

	/* A 1e7-request canary at twice the baseline's 0.1%: p far below any threshold. */
	T_CHECK(stats_fisher_greater(20000, 1e7, 10000, 1e7) < 1e-300, "2x at 1e7: p not tiny");
	/* ten times the baseline's errors at 1e8: p is 0, found some 50 sd out, not 450,000 steps to ex */
	T_CHECK(stats_fisher_greater(1e6, 1e8, 1e5, 1e8) == 0, "10x at 1e8: p is not 0");

	T_CHECK(isnan(stats_fisher_greater(-1, 10, 0, 10)), "negative ex: want NaN");
	T_CHECK(isnan(stats_fisher_greater(1, 10, -1, 10)), "negative ey: want NaN");
	T_CHECK(isnan(stats_fisher_greater(1, 10.5, 0, 10)), "non-integer nx: want NaN");
	T_CHECK(isnan(stats_fisher_greater(0.5, 10, 0, 10)), "non-integer ex: want NaN");
	T_CHECK(isnan(stats_fisher_greater(11, 10, 0, 10)), "ex > nx: want NaN");
	T_CHECK(isnan(stats_fisher_greater(1, 10, 11, 10)), "ey > ny: want NaN");
	T_CHECK(isnan(stats_fisher_greater(NAN, 10, 0, 10)), "NaN ex: want NaN");
	T_CHECK(isnan(stats_fisher_greater(0, INFINITY, 0, 10)), "infinite nx: want NaN");
	T_CHECK(isnan(stats_fisher_greater(0, 0x1p53, 0, 1)), "nx + ny > 2^53: want NaN");
}

/* More pairs than an int counts: 70,000 a side is 4.9e9 pairs. */
static void
past_int(void)
{
	enum { N = 70000 };
	stats_scratch s = { 0 };
	double *x = xmalloc(N * sizeof *x), *y = xmalloc(N * sizeof *y);
	stats_mwu r;

	for (int i = 0; i < N; i++) {
		x[i] = i;
		y[i] = i + 0.5;
	}
	stats_mannwhitney(x, N, y, N, &s, &r);
	/* x_i is above y_0 .. y_{i-1} */
	T_CHECK(r.u == (double)N * (N - 1) / 2, "U %.17g, want %.17g", r.u, (double)N * (N - 1) / 2);
	T_CHECK(r.p > 0.5 && r.p < 0.51, "p %.17g, want just above 1/2", r.p);
	/* the differences i - j - 0.5: more of them at or below -0.5 than above, fewer below -1.5 */
	T_NUMEQ(stats_hodges_lehmann(x, N, y, N, &s), -0.5);
	for (int i = 0; i < N; i++)
		y[i] = i;
	stats_mannwhitney(x, N, y, N, &s, &r);
	T_CHECK(r.u == (double)N * (N - 1) / 2 + N / 2.0, "tied pairs: U %.17g, want %.17g", r.u,
		(double)N * (N - 1) / 2 + N / 2.0);
	T_NUMEQ(stats_hodges_lehmann(x, N, y, N, &s), 0);
	free(x);
	free(y);
	stats_scratch_free(&s);
}

/* --- against every pair ------------------------------------------------------ */

static uint64_t rng_state = 0x9e3779b97f4a7c15u;

static double
uniform(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (double)(rng_state >> 11) * 0x1p-53;
}

/*
 * Samples of the kinds that lead the sort and the search different ways:
 * ties, zeros of both signs, every scale, infinities, and values a few
 * units in the last place apart (only the sort's low bytes order them).
 */
static double
draw(int kind)
{
	double u = uniform();

	switch (kind) {
	case 0:		return u;
	case 1:		return floor(u * 3);
	case 2:		return u < 0.3 ? 0.0 : u < 0.5 ? -0.0 : u - 0.75;
	case 3:		return ldexp(u, (int)(uniform() * 2000) - 1000) * (uniform() < 0.5 ? -1 : 1);
	case 4:		return u < 0.05 ? INFINITY : round(u * 1000) / 1000;
	case 5:		return u < 0.5 ? 1.0 : 2.0;
	case 6:		return 1 + ldexp(floor(u * 256), -52 + 8 * (int)(uniform() * 6));
	default:	return 1e308 * (1 + u * 0.7) * (uniform() < 0.5 ? -1 : 1);	/* differences overflow */
	}
}

static int
cmp_double(const void *p, const void *q)
{
	double u = *(const double *)p, v = *(const double *)q;

	return (u > v) - (u < v);
}

/* U and the shift against every pair; sizes past 64 are radix-sorted, below by insertion. */
static void
by_brute_force(void)
{
	enum { MX = 150, MY = 100 };
	static double x[MX], y[MY], d[MX * MY];
	stats_scratch s = { 0 };
	stats_mwu r;

	for (int c = 0; c < 400; c++) {
		int kind = c % 8, nx = 1 + (int)(uniform() * MX), ny = 1 + (int)(uniform() * (c % 3 ? 12 : MY));
		int n = 0;
		double u = 0;

		for (int i = 0; i < nx; i++)
			x[i] = draw(kind);
		for (int j = 0; j < ny; j++)
			y[j] = draw(kind == 4 ? 0 : kind);	/* infinities on one side only: no NaN */
		for (int i = 0; i < nx; i++)
			for (int j = 0; j < ny; j++) {
				d[n++] = x[i] - y[j];
				u += x[i] > y[j] ? 1 : x[i] == y[j] ? 0.5 : 0;
			}
		qsort(d, (size_t)n, sizeof *d, cmp_double);
		double want = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
		double got = stats_hodges_lehmann(x, nx, y, ny, &s);
		T_CHECK(same(got, want), "case %d (kind %d, %d vs %d): shift %.17g, want %.17g", c, kind, nx, ny, got, want);
		stats_mannwhitney(x, nx, y, ny, &s, &r);
		T_CHECK(r.u == u, "case %d (kind %d, %d vs %d): U %.17g, want %.17g", c, kind, nx, ny, r.u, u);
	}
	stats_scratch_free(&s);
}

/* One scratch over calls of different sizes gives what a fresh one does, and grows only when it must. */
static void
scratch_reuse(void)
{
	static const int sizes[][2] = { { 480, 480 }, { 2, 3 }, { 40, 480 }, { 1, 1 }, { 300, 7 } };
	stats_scratch s = { 0 };
	double x[480], y[480];
	uint64_t seed = 12345;

	for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
		int nx = sizes[k][0], ny = sizes[k][1];
		stats_scratch fresh = { 0 };
		stats_mwu a, b;

		for (int i = 0; i < 480; i++) {
			seed = seed * 6364136223846793005u + 1442695040888963407u;
			x[i] = (double)(seed >> 40) / 1000;
			y[i] = (double)((seed >> 20) & 0xfffff) / 1000;
		}
		size_t cap = s.cap;
		stats_mannwhitney(x, nx, y, ny, &s, &a);
		stats_mannwhitney(x, nx, y, ny, &fresh, &b);
		T_CHECK(a.u == b.u && a.p == b.p, "sizes %d, %d: reused scratch gives U %g p %g, fresh U %g p %g",
			nx, ny, a.u, a.p, b.u, b.p);
		T_CHECK(stats_hodges_lehmann(x, nx, y, ny, &s) == stats_hodges_lehmann(x, nx, y, ny, &fresh),
			"sizes %d, %d: the shifts differ", nx, ny);
		T_CHECK(s.cap >= (size_t)(nx + ny) * sizeof(double), "sizes %d, %d: cap %zu", nx, ny, s.cap);
		T_CHECK(k == 0 || s.cap == cap, "sizes %d, %d: a warm scratch grew from %zu to %zu", nx, ny, cap, s.cap);
		stats_scratch_free(&fresh);
	}
	stats_scratch_free(&s);
	T_CHECK(s.buf == NULL && s.cap == 0, "stats_scratch_free leaves buf %p, cap %zu", s.buf, s.cap);
	stats_scratch_free(&s);	/* twice is harmless */
}

int
main(void)
{
	tables();
	mannwhitney_by_hand();
	hodges_lehmann_by_hand();
	fisher_by_hand();
	past_int();
	by_brute_force();
	scratch_reuse();
	stats_scratch_free(&scratch);
	return T_DONE();
}
