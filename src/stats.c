/*
 * stats.c: the Mann-Whitney U test, the Hodges-Lehmann shift and Fisher's
 * exact test, defined as scipy and numpy define them (tests/stats/).
 * The two sample statistics work on sorted copies of x and y in the
 * caller's scratch; Fisher's test needs no memory at all.
 */
#include "stats.h"
#include "util.h"

#include <math.h>
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

static int
cmp_double(const void *a, const void *b)
{
	double u = *(const double *)a, v = *(const double *)b;

	return (u > v) - (u < v);
}

/* x sorted at [0, nx) of the scratch, y sorted at [nx, nx + ny). */
static double *
sorted_copies(const double *x, int nx, const double *y, int ny, stats_scratch *s)
{
	double *a = scratch_get(s, ((size_t)nx + (size_t)ny) * sizeof *a);

	memcpy(a, x, (size_t)nx * sizeof *a);
	memcpy(a + nx, y, (size_t)ny * sizeof *a);
	qsort(a, (size_t)nx, sizeof *a, cmp_double);
	qsort(a + nx, (size_t)ny, sizeof *a, cmp_double);
	return a;
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

	const double *a = sorted_copies(x, nx, y, ny, s), *b = a + nx;
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
 * Doubles as unsigned integers in the same order (-0 just below +0), so
 * that a binary search over them ends at a double, not between two.
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

/*
 * How many differences a_i - b_j (as rounded, which keeps their order in
 * a and b) are <= d, and the least difference above d (+Inf if none).  The
 * b_j with a_i - b_j <= d are a suffix of b, starting no earlier for a
 * greater a_i: two pointers, O(na + nb).
 */
static int64_t
count_le(const double *a, int na, const double *b, int nb, double d, double *above)
{
	int64_t c = 0;
	double least = INFINITY;

	for (int i = 0, j = 0; i < na; i++) {
		while (j < nb && a[i] - b[j] > d)
			j++;
		c += nb - j;
		if (j > 0 && a[i] - b[j - 1] < least)
			least = a[i] - b[j - 1];
	}
	*above = least;
	return c;
}

/* The k-th least difference (from 0): the least double d with more than k differences <= d. */
static double
kth_difference(const double *a, int na, const double *b, int nb, int64_t k)
{
	uint64_t lo = order_key(a[0] - b[nb - 1]), hi = order_key(a[na - 1] - b[0]);
	double unused;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (count_le(a, na, b, nb, key_value(mid), &unused) > k)
			hi = mid;
		else
			lo = mid + 1;
	}
	return key_value(lo);
}

double
stats_hodges_lehmann(const double *x, int nx, const double *y, int ny, stats_scratch *s)
{
	if (nx < 1 || ny < 1)
		return NAN;

	const double *a = sorted_copies(x, nx, y, ny, s), *b = a + nx;

	/* inf - inf: numpy's median of an array holding a NaN is NaN. */
	if ((a[nx - 1] == INFINITY && b[ny - 1] == INFINITY) || (a[0] == -INFINITY && b[0] == -INFINITY))
		return NAN;

	int64_t n = (int64_t)nx * ny, k = (n - 1) / 2;
	double lo = kth_difference(a, nx, b, ny, k), hi;

	if (n % 2)
		return lo + 0.0;	/* +0 for a zero, as x - x is */
	/* The next one: lo again, or else the least difference above it. */
	if (count_le(a, nx, b, ny, lo, &hi) > k + 1)
		hi = lo;
	/* As numpy's mean of the middle two: their sum may overflow to Inf, and -Inf + Inf is NaN. */
	return (lo + hi) / 2;
}

/* --- Fisher's exact test -------------------------------------------------- */

/* Terms below this fraction of the sum are left off: the tail they start is about sd/distance times as much. */
#define FISHER_EPS 1e-20

static int
is_count(double v)
{
	return v >= 0 && v <= 0x1p53 && v == floor(v);
}

/*
 * The canary's errors X given the margins are hypergeometric: nx + ny
 * requests of which K = ex + ey failed, nx of them the canary's.  Its pmf
 * is summed relative to the mode's, outward while the terms matter (they
 * fall monotonically each side of the mode); p = P(X >= ex) is the upper
 * part over the whole.  O(sd of X + the distance from the mode to ex)
 * steps; where the latter is large P underflows and the walk stops there.
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
	double m = floor((K + 1) * (nx + 1) / (N + 2));
	double t, total = 1, upper = m >= ex ? 1 : 0;

	m = m < lo ? lo : m > hi ? hi : m;
	/* up: f(x + 1) / f(x) = (nx - x)(K - x) / ((x + 1)(ny - K + x + 1)) */
	t = 1;
	for (double x = m; x < hi; x++) {
		t *= (nx - x) * (K - x) / ((x + 1) * (ny - K + x + 1));
		total += t;
		if (x + 1 >= ex) {
			upper += t;
			if (t <= FISHER_EPS * upper)
				break;
		} else if (t == 0)
			break;	/* underflow on the way to ex: p is below the doubles */
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
	return upper >= total ? 1 : upper / total;
}
