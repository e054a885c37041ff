/*
 * stats.h: the statistics of canary against baseline, on the values a gate
 * saw at its steps: the Mann-Whitney U test, the Hodges-Lehmann shift and
 * Fisher's exact test.  Each matches an independent implementation to
 * 1e-9 relative (tests/stats/, made with scipy, numpy and mpmath).
 *
 * The callers give finite or infinite values, never NaN (they drop the
 * steps that had none).  Scratch space is the caller's, reused from call
 * to call, so a gate's step allocates nothing once it is warm.
 */
#ifndef NG_STATS_H
#define NG_STATS_H

#include <stddef.h>

typedef struct stats_scratch {
	void *buf;
	size_t cap;		/* bytes */
} stats_scratch;

void stats_scratch_free(stats_scratch *s);

/* The Mann-Whitney U test that x is stochastically greater than y. */
typedef struct stats_mwu {
	int nx, ny;
	double u;		/* U of x: pairs (x_i, y_j) with x_i > y_j, ties counting 1/2 */
	double z;		/* (U - nx*ny/2 - 1/2) / sigma, sigma tie-corrected; -Inf when sigma is 0 (all tied) */
	double p;		/* one-sided, normal approximation with continuity correction, in [0, 1] */
} stats_mwu;

/*
 * scipy.stats.mannwhitneyu(x, y, alternative="greater",
 * method="asymptotic", use_continuity=True): U and p.  All values tied
 * (sigma 0): p is 1, as scipy's.  nx, ny >= 1 (else U, z and p are NaN).
 * Infinities are ranked as the extremes they are, where scipy 1.10 gives
 * NaN for a sample holding both -Inf and +Inf (tests/stats/README).
 */
void stats_mannwhitney(const double *x, int nx, const double *y, int ny, stats_scratch *s, stats_mwu *r);

/*
 * The Hodges-Lehmann estimate of x minus y: the median of the nx*ny
 * differences x_i - y_j (the mean of the middle two when their number is
 * even), as numpy.median(numpy.subtract.outer(x, y)).  Exact, without
 * forming the differences: O(nx + ny) space, and time for a linear sort
 * and a search of a few O(nx + ny) counts (3 to 16 seen, at most ~140).
 * NaN when a difference is (the same infinity on both sides); as numpy's
 * mean, the middle two's sum may overflow to Inf.  nx, ny >= 1 (else NaN).
 */
double stats_hodges_lehmann(const double *x, int nx, const double *y, int ny, stats_scratch *s);

/*
 * Fisher's exact test that the canary's rate ex/nx is greater than the
 * baseline's ey/ny: scipy.stats.fisher_exact([[ex, nx - ex], [ey, ny - ey]],
 * alternative="greater").pvalue, the hypergeometric probability of ex or
 * more canary errors given the margins.  Counts are whole numbers with
 * 0 <= ex <= nx, 0 <= ey <= ny, nx + ny <= 2^53; NaN otherwise.  A table
 * with an empty row or column (nx or ny 0, no errors, all errors) is 1, as
 * scipy's, and so is ex 0.  A p below 2^-1022 is a subnormal or 0.  Within
 * ~1e-13 relative of the exact p, where scipy's (boost's) is off by ~5e-8 at
 * 1e7 requests and more.  Time grows with the standard deviation of the
 * errors, not their count: ~5 us at 1e7 requests and 0.1% errors.
 */
double stats_fisher_greater(double ex, double nx, double ey, double ny);

#endif
