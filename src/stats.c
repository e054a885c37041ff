/*
 * stats.c: the Mann-Whitney U test, the Hodges-Lehmann shift and Fisher's
 * exact test, defined as scipy and numpy define them (tests/stats/).
 * The two sample statistics work on sorted copies of x and y in the
 * caller's scratch; Fisher's test needs no memory at all.
 */
#include "stats.h"
#include "util.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void
stats_scratch_free(stats_scratch *s)
{
	free(s->buf);
	s->buf = NULL;
	s->cap = 0;
}

/* At least n bytes; doubling, since a gate's samples grow by one a step. */
static void *
scratch_get(stats_scratch *s, size_t n)
{
	if (s->cap < n) {
		size_t cap = s->cap * 2 > n ? s->cap * 2 : n;

		s->buf = xrealloc(s->buf, cap);
		s->cap = cap;
	}
	return s->buf;
}

/*
 * Doubles as unsigned integers in the same order (-0 just below +0): what
 * the sort sorts, and what the shift's search narrows, so that it ends at
 * a double, not between two.
 */
static uint64_t
order_key(double d)
{
	uint64_t u;

	memcpy(&u, &d, sizeof u);
	return u >> 63 ? ~u : u | UINT64_C(1) << 63;
}

static double
key_value(uint64_t k)
{
	uint64_t u = k >> 63 ? k & ~(UINT64_C(1) << 63) : ~k;
	double d;

	memcpy(&d, &u, sizeof d);
	return d;
}

static void
insertion_sort(uint64_t *k, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		uint64_t v = k[i];
		size_t j = i;

		for (; j > 0 && k[j - 1] > v; j--)
			k[j] = k[j - 1];
		k[j] = v;
	}
}

/*
 * LSD radix sort, a byte a pass, into tmp and back; a byte every key
 * shares (the sign and exponent of samples of one scale) takes no pass.
 * Linear, whatever the order or the ties; about 3 times qsort's speed at
 * a few hundred values.
 */
static void
sort_keys(uint64_t *k, uint64_t *tmp, size_t n)
{
	uint32_t count[8][256];
	uint64_t *src = k, *dst = tmp, *t;

	if (n <= 64) {
		insertion_sort(k, n);
		return;
	}
	memset(count, 0, sizeof count);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = k[i];

		/* written out: gcc -O2 keeps a loop here, at a third more time */
		count[0][v & 255]++;
		count[1][v >> 8 & 255]++;
		count[2][v >> 16 & 255]++;
		count[3][v >> 24 & 255]++;
		count[4][v >> 32 & 255]++;
		count[5][v >> 40 & 255]++;
		count[6][v >> 48 & 255]++;
		count[7][v >> 56]++;
	}
	for (int b = 0; b < 8; b++) {
		uint32_t *c = count[b], at = 0;

		if (c[src[0] >> 8 * b & 255] == n)
			continue;
		for (int v = 0; v < 256; v++) {
			uint32_t m = c[v];

			c[v] = at;
			at += m;
		}
		for (size_t i = 0; i < n; i++)
			dst[c[src[i] >> 8 * b & 255]++] = src[i];
		t = src, src = dst, dst = t;
	}
	if (src != k)
		memcpy(k, src, n * sizeof *k);
}

/*
 * x sorted at [0, nx) of the scratch, y at [nx, nx + ny), n = nx + ny
 * doubles; the scratch is made words 8-byte words long, at least 2n, the
 * sort's keys at [n, 2n).  Keys become doubles by memcpy, which C's
 * aliasing rules allow.
 */
static double *
sorted_copies(const double *x, int nx, const double *y, int ny, stats_scratch *s, size_t words)
{
	size_t n = (size_t)nx + (size_t)ny;
	uint64_t *k = scratch_get(s, words * sizeof *k);

	for (size_t i = 0; i < (size_t)nx; i++)
		k[i] = order_key(x[i]);
	for (size_t j = 0; j < (size_t)ny; j++)
		k[nx + j] = order_key(y[j]);
	sort_keys(k, k + n, (size_t)nx);
	sort_keys(k + nx, k + n, (size_t)ny);
	for (size_t i = 0; i < n; i++) {
		double d = key_value(k[i]);

		memcpy(&k[i], &d, sizeof d);
	}
	return (double *)k;
}

/* --- Mann-Whitney U ------------------------------------------------------- */

/* How many of a[i..n) equal v (a sorted, a[i] >= v). */
static int
run_of(const double *a, int i, int n, double v)
{
	int j = i;

	while (j < n && a[j] == v)
		j++;
	return j - i;
}

void
stats_mannwhitney(const double *x, int nx, const double *y, int ny, stats_scratch *s, stats_mwu *r)
{
	if (nx < 1 || ny < 1) {
		*r = (stats_mwu){ nx, ny, NAN, NAN, NAN };
		return;
	}

	const double *a = sorted_copies(x, nx, y, ny, s, 2 * ((size_t)nx + ny)), *b = a + nx;
	int64_t below = 0, tied = 0;	/* pairs with x_i > y_j, with x_i == y_j */
	double ties = 0;		/* sum of t^3 - t over the groups of equal values */
	int i = 0, j = 0;

	/* One merge of the sorted samples, a group of equal values at a time. */
	while (i < nx || j < ny) {
		double v = j == ny || (i < nx && a[i] <= b[j]) ? a[i] : b[j];
		int ci = i < nx ? run_of(a, i, nx, v) : 0;
		int cj = j < ny ? run_of(b, j, ny, v) : 0;
		double t = (double)ci + cj;

		below += (int64_t)ci * j;
		tied += (int64_t)ci * cj;
		ties += t * t * t - t;
		i += ci;
		j += cj;
	}

	double n = (double)nx + ny, nxy = (double)nx * ny;
	/* As scipy: all values tied makes sigma 0 exactly, since then U = nx*ny/2, z -Inf and p 1. */
	double sigma = sqrt(nxy / 12 * ((n + 1) - ties / (n * (n - 1))));

	r->nx = nx;
	r->ny = ny;
	r->u = (double)below + (double)tied / 2;
	r->z = (r->u - nxy / 2 - 0.5) / sigma;
	r->p = 0.5 * erfc(r->z * M_SQRT1_2);
	r->p = r->p < 0 ? 0 : r->p > 1 ? 1 : r->p;
}

/* --- Hodges-Lehmann ------------------------------------------------------- */

/*
 * How many differences a_i - b_j are <= v, the greatest of those and the
 * least of the rest (-Inf, +Inf for none).  Rounded as they are, the
 * differences still fall along a row and rise down a column, so the b_j
 * with a_i - b_j <= v are a suffix of b that starts no earlier for the
 * next a_i: two pointers, O(na + nb).
 */
static int64_t
count_le(const double *a, int na, const double *b, int nb, double v, double *below, double *above)
{
	int64_t c = 0;
	double most = -INFINITY, least = INFINITY;

	for (int i = 0, j = 0; i < na; i++) {
		while (j < nb && a[i] - b[j] > v)
			j++;
		c += nb - j;
		if (j < nb && a[i] - b[j] > most)
			most = a[i] - b[j];
		if (j > 0 && a[i] - b[j - 1] < least)
			least = a[i] - b[j - 1];
	}
	*below = most;
	*above = least;
	return c;
}

/* The differences in (lo, hi] (all <= hi when lo_none) into k as keys; returns how many. */
static size_t
collect(const double *a, int na, const double *b, int nb, double lo, bool lo_none, double hi, uint64_t *k)
{
	size_t m = 0;

	for (int i = 0, jh = 0, jl = 0; i < na; i++) {
		while (jh < nb && a[i] - b[jh] > hi)
			jh++;
		if (lo_none)
			jl = nb;
		while (jl < nb && a[i] - b[jl] > lo)
			jl++;
		for (int j = jh; j < jl; j++)
			k[m++] = order_key(a[i] - b[j]);
	}
	return m;
}

/* The median of one or two middle values, as numpy's mean of them. */
static double
middle_of(double v0, double v1, bool two)
{
	return (two ? (v0 + v1) / 2 : v0) + 0.0;	/* +0 for a zero, as x - x is */
}

/*
 * The search's bounds, keys lo < hi: the differences in (lo, hi] hold the
 * middle ones, cl of them are <= lo (0: lo is below them all), ch <= hi.
 */
typedef struct hl_range {
	uint64_t lo, hi;
	int64_t cl, ch;
} hl_range;

/*
 * The next value to count, strictly inside the range.  First the guess;
 * then, on a straight line through the bounds and their counts, a rank
 * just short of the middle ones on the side further from them, so that
 * bound lands close; or, when that is no use, the middle of the keys,
 * which alone would end the search in 64 steps whatever the values.
 * Latency-like samples take 3 to 6 counts at 480 a side; values spread
 * over all the exponents, up to 16.
 */
static uint64_t
next_trial(const hl_range *R, int64_t r0, int64_t r1, double guess, bool bisect)
{
	uint64_t t = 0;

	if (!bisect && !isnan(guess))
		t = order_key(guess);
	else if (!bisect) {
		double lv = key_value(R->lo + 1), hv = key_value(R->hi);
		int64_t span = R->ch - R->cl, m = span / 32 + 1;
		double r = r0 - R->cl >= R->ch - r1 ? (double)r0 - m : (double)r1 + 1 + m;

		r = fmax(R->cl + 0.5, fmin(r, R->ch - 0.5));
		if (isfinite(hv - lv))
			t = order_key(lv + (hv - lv) * ((r - R->cl) / span));
	}
	if (t <= R->lo || t >= R->hi)
		t = R->lo + (R->hi - R->lo) / 2;
	return t;
}

/* The median of the differences of ranks r0 and r1 (r1 = r0 or r0 + 1); cand has room for 2(na + nb) keys. */
static double
median_difference(const double *a, int na, const double *b, int nb, int64_t r0, int64_t r1, uint64_t *cand)
{
	hl_range R = { order_key(a[0] - b[nb - 1]) - 1, order_key(a[na - 1] - b[0]), 0, (int64_t)na * nb };
	int64_t limit = (int64_t)na + nb;
	double guess = a[na / 2] - b[nb / 2];	/* near the middle for most samples */
	bool bisect = false;
	int misses = 0;

	while (R.ch - R.cl > limit && R.lo + 1 < R.hi) {
		uint64_t t = next_trial(&R, r0, r1, guess, bisect);
		double below, above;
		int64_t span = R.ch - R.cl, c = count_le(a, na, b, nb, key_value(t), &below, &above);

		/* Either bound moves to the attained difference next to it, keeping its count. */
		if (c > r1) {
			uint64_t k = order_key(below);

			R.hi = k < t ? k : t;
			R.ch = c;
		} else if (c <= r0) {
			uint64_t k = order_key(above == 0 ? -0.0 : above) - 1;

			R.lo = k > t ? k : t;
			R.cl = c;
		} else
			return middle_of(below, above, true);	/* r0 is the last <= t, r1 the first above */
		/* A guess that did not halve the candidates is followed by a bisection; after 8 such, bisections alone. */
		if (!bisect && R.ch - R.cl > span / 2)
			misses++, bisect = true;
		else
			bisect = misses > 8;
		guess = NAN;
	}
	if (R.lo + 1 >= R.hi)	/* one value in (lo, hi]: the middle ones are it */
		return middle_of(key_value(R.hi), key_value(R.hi), r1 > r0);

	uint64_t *tmp = cand + limit;
	size_t m = collect(a, na, b, nb, key_value(R.lo), R.cl == 0, key_value(R.hi), cand);

	sort_keys(cand, tmp, m);
	return middle_of(key_value(cand[r0 - R.cl]), key_value(cand[r1 - R.cl]), r1 > r0);
}

double
stats_hodges_lehmann(const double *x, int nx, const double *y, int ny, stats_scratch *s)
{
	if (nx < 1 || ny < 1)
		return NAN;

	size_t n = (size_t)nx + ny;
	const double *a = sorted_copies(x, nx, y, ny, s, 3 * n), *b = a + nx;

	/* inf - inf: numpy's median of an array holding a NaN is NaN. */
	if ((a[nx - 1] == INFINITY && b[ny - 1] == INFINITY) || (a[0] == -INFINITY && b[0] == -INFINITY))
		return NAN;

	int64_t pairs = (int64_t)nx * ny;	/* past an int's range at 46,341 a side */

	/* the candidates and their sort in the scratch past the samples */
	return median_difference(a, nx, b, ny, (pairs - 1) / 2, pairs / 2, (uint64_t *)s->buf + n);
}

/* --- Fisher's exact test -------------------------------------------------- */

/* Terms below this fraction of the sum are left off: the tail they start is about sd/distance times as much. */
#define FISHER_EPS 1e-20

static bool
is_count(double v)
{
	return v >= 0 && v <= 0x1p53 && v == floor(v);
}

/*
 * The canary's errors X given the margins are hypergeometric: nx + ny
 * requests of which K = ex + ey failed, nx of them the canary's.  Its pmf
 * is summed relative to the mode's, outward while the terms matter (they
 * fall monotonically each side of the mode); p = P(X >= ex) is the upper
 * part over the whole.  Ratios of successive terms only: no lgamma of
 * huge counts, whose differences lose digits.  O(sd of X) steps, and for
 * an ex far above the mode, as many as take the terms 2^-1800 down (some
 * 50 sd), past which p is 0.
 */
double
stats_fisher_greater(double ex, double nx, double ey, double ny)
{
	if (!is_count(ex) || !is_count(nx) || !is_count(ey) || !is_count(ny) ||
	    ex > nx || ey > ny || nx > 0x1p53 - ny)
		return NAN;
	/* scipy's degenerate tables (an empty row or column), where X has one value, ex. */
	if (nx == 0 || ny == 0 || ex + ey == 0 || ex + ey == nx + ny)
		return 1;
	if (ex == 0)
		return 1;

	double K = ex + ey, N = nx + ny;
	double lo = K > ny ? K - ny : 0, hi = K < nx ? K : nx;
	double m = fmin(fmax(floor((K + 1) * (nx + 1) / (N + 2)), lo), hi);	/* the mode */
	double t, total = 1, upper = m >= ex ? 1 : 0;
	int shift = 0;	/* on the way to a far ex, t is scaled by 2^shift */

	/* up: f(x + 1) / f(x) = (nx - x)(K - x) / ((x + 1)(ny - K + x + 1)) */
	t = 1;
	for (double x = m; x < hi; x++) {
		t *= (nx - x) * (K - x) / ((x + 1) * (ny - K + x + 1));
		if (shift == 0)
			total += t;	/* scaled, a term is far below total's last digit */
		if (x + 1 >= ex) {
			upper += t;
			if (t <= FISHER_EPS * upper)
				break;
		} else if (t < 0x1p-900) {
			/* Exactly, where subnormals would stall the walk; twice: p < 2^-1800 * 2^53 terms. */
			if (shift)
				return 0;
			t *= 0x1p900;
			shift = 900;
		}
	}
	/* down: the same ratio, inverted */
	t = 1;
	for (double x = m; x > lo; x--) {
		t *= x * (ny - K + x) / ((nx - x + 1) * (K - x + 1));
		total += t;
		if (x - 1 >= ex)
			upper += t;
		if (t <= FISHER_EPS * total)
			break;
	}
	return shift ? ldexp(upper / total, -shift) : fmin(upper / total, 1);
}
