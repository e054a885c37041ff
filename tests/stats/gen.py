#!/usr/bin/python3
"""gen.py: the reference tables of tests/unit/test_stats.c, made with scipy (and mpmath).

    /usr/bin/python3 tests/stats/gen.py

writes mannwhitney.tsv, hodges_lehmann.tsv and fisher.tsv next to itself.
The samples come from numpy's default_rng with a fixed seed, so the rows
are the same each time (the date in the header is not).  Lists are written
comma-separated, each value with repr(), which strtod reads back exactly.
"""
import datetime
import os
import sys

import mpmath
import numpy as np
import scipy
import scipy.stats

SEED = 20240611
HERE = os.path.dirname(os.path.abspath(__file__))


def fmt(v):
    return repr(float(v))


def fmt_list(a):
    return ",".join(fmt(v) for v in a)


def header(f, what, call):
    f.write("# tests/stats/%s: %s\n" % (os.path.basename(f.name), what))
    f.write("# made by tests/stats/gen.py (seed %d) on %s, python %s, scipy %s, numpy %s, mpmath %s\n"
            % (SEED, datetime.date.today().isoformat(), sys.version.split()[0],
               scipy.__version__, np.__version__, mpmath.__version__))
    f.write("# with %s\n" % call)


def sizes(rng, count, lo, hi):
    """count (nx, ny) pairs, log-uniform in [lo, hi], independent sides."""
    s = np.exp(rng.uniform(np.log(lo), np.log(hi + 1), size=(count, 2)))
    return [(int(a), int(b)) for a, b in np.minimum(s, hi)]


def latency(rng, n, median=120.0, sigma=0.4):
    """lognormal latencies in ms, to the microsecond as an exporter gives them"""
    return np.round(rng.lognormal(np.log(median), sigma, size=n), 3)


def sample_cases(rng):
    """(name, x, y): the inputs both two-sample tables use."""
    cases = []
    for nx, ny in sizes(rng, 24, 2, 40):
        cases.append(("normal", rng.normal(0, 1, nx), rng.normal(0, 1, ny)))
    for nx, ny in sizes(rng, 22, 2, 500):
        cases.append(("latency", latency(rng, nx), latency(rng, ny)))
    for nx, ny in sizes(rng, 8, 10, 60):
        cases.append(("lognormal", rng.lognormal(0, 1.5, nx), rng.lognormal(0, 1.5, ny)))
    # the canary slower by a little (harmless), by a lot (p down to 1e-30 and below), faster (p near 1)
    for nx, ny in sizes(rng, 8, 10, 300):
        cases.append(("shift_harmless", latency(rng, nx, 121), latency(rng, ny)))
    for n, f in ((40, 1.5), (100, 1.5), (200, 1.6), (480, 1.25), (150, 1.5), (300, 2.0), (12, 3.0), (60, 1.3)):
        cases.append(("canary_worse", latency(rng, n, 120 * f), latency(rng, n)))
    for n, f in ((40, 0.6), (100, 0.7), (480, 0.8), (25, 0.5), (200, 0.9)):
        cases.append(("canary_better", latency(rng, n, 120 * f), latency(rng, n)))
    # ties: whole numbers, few distinct values
    for nx, ny in sizes(rng, 16, 2, 300):
        cases.append(("ties", np.round(rng.normal(5, 2, nx)), np.round(rng.normal(5, 2, ny))))
    for nx, ny in sizes(rng, 6, 5, 200):
        cases.append(("ties_binary", rng.integers(0, 2, nx).astype(float), rng.integers(0, 2, ny).astype(float)))
    for nx, ny in ((1, 1), (1, 2), (2, 1), (2, 2), (3, 7), (480, 480), (1, 40)):
        cases.append(("all_tied", np.full(nx, 7.5), np.full(ny, 7.5)))
    for nx, ny in ((10, 30), (1, 25), (200, 150)):
        cases.append(("x_constant", np.full(nx, 120.0), latency(rng, ny)))
        cases.append(("y_constant", latency(rng, nx), np.full(ny, 120.0)))
    cases.append(("x_constant_zero", np.zeros(40), latency(rng, 40)))
    cases.append(("y_constant_zero", latency(rng, 40), np.zeros(40)))
    # one element a side
    cases.append(("one_each", np.array([2.0]), np.array([1.0])))
    cases.append(("one_each", np.array([1.0]), np.array([2.0])))
    cases.append(("one_each", np.array([1.0]), np.array([1.0])))
    for n in (2, 5, 40, 480):
        cases.append(("one_x", latency(rng, 1), latency(rng, n)))
        cases.append(("one_y", latency(rng, n), latency(rng, 1)))
    cases.append(("separated", np.array([3.0, 4.0]), np.array([1.0, 2.0])))
    cases.append(("separated", np.array([1.0, 2.0]), np.array([3.0, 4.0])))
    cases.append(("separated", latency(rng, 30, 1000, 0.1), latency(rng, 30, 10, 0.1)))
    return cases


def infinite_cases(rng):
    """(name, x, y): samples holding infinities, the last five with inf - inf among the differences."""
    inf = np.inf
    c = []
    c.append(("inf_x", np.append(latency(rng, 9), inf), latency(rng, 12)))
    c.append(("inf_y", latency(rng, 15), np.append(latency(rng, 8), inf)))
    c.append(("ninf_x", np.append(latency(rng, 6), -inf), latency(rng, 7)))
    c.append(("ninf_y", latency(rng, 20), np.append(latency(rng, 20), [-inf, -inf])))
    c.append(("inf_x_ninf_y", np.append(latency(rng, 4), [inf, inf]), np.append(latency(rng, 5), -inf)))
    c.append(("inf_most_x", np.array([inf, inf, inf, 1.0]), np.array([1.0, 2.0, 3.0])))
    c.append(("inf_one_each_x", np.array([inf]), np.array([5.0])))
    c.append(("inf_one_each_y", np.array([5.0]), np.array([-inf])))
    c.append(("inf_middle_pair", np.array([inf, 1.0]), np.array([0.0, 1e300])))
    c.append(("inf_both_sides", np.append(latency(rng, 10), inf), np.append(latency(rng, 10), inf)))
    c.append(("ninf_both_sides", np.append(latency(rng, 3), -inf), np.append(latency(rng, 4), -inf)))
    c.append(("inf_all", np.array([inf, inf]), np.array([inf])))
    c.append(("inf_mixed_all", np.array([inf, -inf]), np.array([-inf, inf])))
    c.append(("inf_pm_middle", np.array([inf, -inf]), np.array([0.0])))
    return c


def finite_stand_ins(x, y):
    """x and y with -inf and +inf replaced by finite values below and above all others: the same ranks"""
    xy = np.concatenate((x, y))
    f = xy[np.isfinite(xy)]
    lo = f.min() - abs(f.min()) - 1 if f.size else -1.0
    hi = f.max() + abs(f.max()) + 1 if f.size else 1.0
    return tuple(np.where(a == -np.inf, lo, np.where(a == np.inf, hi, a)) for a in (x, y))


def mannwhitney(rng, cases, path):
    with open(path, "w") as f:
        header(f, "the Mann-Whitney U test that x is greater than y",
               'scipy.stats.mannwhitneyu(x, y, alternative="greater", method="asymptotic", '
               'use_continuity=True): its statistic (U of x) and pvalue')
        f.write("# except where x and y together hold both -inf and +inf, for which scipy %s gives nan (its check\n"
                "# for NaN sums the values; scipy/scipy#20467, 2024, fixed it): there the reference is scipy's on the\n"
                "# same samples with -inf and +inf replaced by finite values below and above all the others,\n"
                "# which leaves the ranks, U and p as they are (the case is marked \"stand_in\")\n" % scipy.__version__)
        f.write("case\tx\ty\tu\tp\n")
        for name, x, y in cases:
            xy = np.concatenate((x, y))
            sx, sy = x, y
            if (xy == np.inf).any() and (xy == -np.inf).any():
                sx, sy = finite_stand_ins(x, y)
                name += "_stand_in"
            r = scipy.stats.mannwhitneyu(sx, sy, alternative="greater", method="asymptotic", use_continuity=True)
            f.write("%s\t%s\t%s\t%s\t%s\n" % (name, fmt_list(x), fmt_list(y), fmt(r.statistic), fmt(r.pvalue)))


def hodges_lehmann(rng, cases, path):
    with open(path, "w") as f:
        header(f, "the Hodges-Lehmann estimate of x minus y",
               "numpy.median(numpy.subtract.outer(x, y)) (nan where a difference is inf - inf)")
        f.write("case\tx\ty\tshift\n")
        with np.errstate(invalid="ignore", over="ignore"):
            for name, x, y in cases:
                f.write("%s\t%s\t%s\t%s\n" % (name, fmt_list(x), fmt_list(y),
                                              fmt(np.median(np.subtract.outer(x, y)))))


def fisher_cases(rng):
    """(name, ex, nx, ey, ny)"""
    c = []
    c.append(("one_of_3_vs_0_of_100", 1, 3, 0, 100))
    for t in ((1, 1, 0, 1), (1, 2, 0, 2), (2, 5, 1, 5), (3, 10, 0, 10), (5, 20, 2, 40), (1, 10, 1, 10),
              (0, 1, 1, 1), (1, 1, 1, 2), (2, 3, 0, 1), (7, 12, 3, 12), (1, 100, 0, 100), (2, 100, 0, 100),
              (3, 100, 0, 100), (10, 50, 30, 50), (1, 3, 1, 1000)):
        c.append(("small",) + t)
    for _ in range(40):
        nx, ny = (int(v) for v in rng.integers(1, 300, 2))
        rate = rng.uniform(0, 0.3)
        c.append(("small_random", int(rng.binomial(nx, min(1, rate * rng.uniform(0.5, 2)))), nx,
                  int(rng.binomial(ny, rate)), ny))
    for nx, ny in ((1, 1), (3, 100), (1000, 1000), (10**7, 10**7), (10**8, 10**8)):
        c.append(("zero_errors", 0, nx, 0, ny))
        c.append(("all_errors", nx, nx, ny, ny))
    for t in ((0, 10, 5, 10), (0, 10**6, 10, 10**6), (0, 10**7, 10**4, 10**8)):
        c.append(("zero_canary_errors",) + t)
    for t in ((3, 3, 0, 100), (5, 5, 1, 10), (10**4, 10**4, 10, 10**7)):
        c.append(("all_canary_errors",) + t)
    for t in ((0, 0, 5, 10), (0, 0, 0, 10), (3, 10, 0, 0), (0, 10, 0, 0)):
        c.append(("empty_row",) + t)
    # large: a million to a hundred million requests, 0.1% to 5% errors
    for _ in range(60):
        nx = int(10 ** rng.uniform(6, 8))
        ny = int(nx * 10 ** rng.uniform(0, 1)) if rng.uniform() < 0.7 else nx
        rate = 10 ** rng.uniform(-3, np.log10(0.05))
        ey = int(rng.binomial(ny, rate))
        ex = int(rng.binomial(nx, min(1, rate * rng.choice([0.99, 0.997, 1.0, 1.001, 1.003, 1.01]))))
        c.append(("large", ex, nx, ey, ny))
    # canary far worse (p tiny) and better (p near 1) at a million to a hundred million
    for nx, rate, f in ((10**6, 0.001, 1.3), (10**6, 0.01, 1.15), (10**7, 0.001, 1.3), (10**7, 0.002, 1.2),
                        (10**7, 0.05, 1.04), (10**8, 0.001, 1.06), (10**8, 0.01, 1.02), (10**6, 0.001, 1.5)):
        c.append(("large_worse", int(nx * rate * f), nx, int(nx * rate), nx))
    for nx, rate, f in ((10**6, 0.001, 0.7), (10**7, 0.01, 0.9), (10**8, 0.001, 0.95), (10**8, 0.05, 0.99)):
        c.append(("large_better", int(nx * rate * f), nx, int(nx * rate), nx))
    for t in ((1, 10**6, 0, 10**8), (5, 10**6, 200, 10**8), (1000, 10**6, 90000, 10**8)):
        c.append(("large_unequal",) + t)
    # the far tail: p just above the least normal double, and ten thousand standard deviations out (0)
    for t in ((15950, 10**7, 10000, 10**7), (16000, 10**7, 10000, 10**7), (10**6, 10**8, 10**5, 10**8)):
        c.append(("large_far_tail",) + t)
    return c


def lbinom(n, k):
    return mpmath.loggamma(n + 1) - mpmath.loggamma(k + 1) - mpmath.loggamma(n - k + 1)


def fisher_mp(ex, nx, ey, ny):
    """P(X >= ex), X hypergeometric, at mpmath's 50 digits: each term from its binomials, the smaller tail summed"""
    K, N = ex + ey, nx + ny
    if nx == 0 or ny == 0 or K == 0 or K == N:
        return mpmath.mpf(1)    # scipy's degenerate table; X has the one value ex
    lo, hi = max(0, K - ny), min(K, nx)
    lc = lbinom(N, K)
    mode = (K + 1) * (nx + 1) // (N + 2)
    upper = ex > mode
    s = mpmath.mpf(0)
    for k in (range(ex, hi + 1) if upper else range(ex - 1, lo - 1, -1)):
        t = mpmath.exp(lbinom(nx, k) + lbinom(ny, K - k) - lc)
        s += t
        if t < s * mpmath.mpf(10) ** -40:   # past the mode: the rest falls faster than geometrically
            break
    return s if upper else 1 - s


def fisher(rng, path):
    mpmath.mp.dps = 50
    rows, worst = [], [0.0, 0.0]    # below a million requests, at a million and more
    for name, ex, nx, ey, ny in fisher_cases(rng):
        sp = scipy.stats.fisher_exact([[ex, nx - ex], [ey, ny - ey]], alternative="greater").pvalue
        p = float(fisher_mp(ex, nx, ey, ny))
        if p != 0:
            big = nx + ny >= 10**6
            worst[big] = max(worst[big], abs(sp - p) / p)
        rows.append((name, ex, nx, ey, ny, p, sp))
    with open(path, "w") as f:
        header(f, "Fisher's exact test that the canary's error rate ex/nx is greater than the baseline's ey/ny",
               'scipy.stats.fisher_exact([[ex, nx - ex], [ey, ny - ey]], alternative="greater").pvalue: scipy_p')
        f.write("# p is the reference: P(X >= ex) for X hypergeometric (nx + ny requests, ex + ey errors, nx the\n"
                "# canary's), each term from mpmath %s's loggamma at %d digits, the smaller tail summed; scipy_p is\n"
                "# beside it because boost's hypergeometric CDF, which scipy calls, drifts from it as the counts grow:\n"
                "# here by up to %.1e relative below a million requests, %.1e at a million and more\n"
                "# (p is the 50 digits rounded to a double; 0 where it is below the doubles)\n"
                % (mpmath.__version__, mpmath.mp.dps, worst[0], worst[1]))
        f.write("case\tex\tnx\tey\tny\tp\tscipy_p\n")
        for name, ex, nx, ey, ny, p, sp in rows:
            f.write("%s\t%d\t%d\t%d\t%d\t%s\t%s\n" % (name, ex, nx, ey, ny, fmt(p), fmt(sp)))


def main():
    rng = np.random.default_rng(SEED)
    cases = sample_cases(rng)
    inf = infinite_cases(rng)
    mannwhitney(rng, cases + inf, os.path.join(HERE, "mannwhitney.tsv"))
    hl = cases + inf
    # differences that overflow: numpy's Inf, and its mean of two finite middle ones overflowing too
    hl.append(("overflow", np.array([1e308, 1.5e308]), np.array([-1e308])))
    hl.append(("overflow_mean", np.array([1.7e308, 1.5e308]), np.array([0.0])))
    hodges_lehmann(rng, hl, os.path.join(HERE, "hodges_lehmann.tsv"))
    fisher(rng, os.path.join(HERE, "fisher.tsv"))


if __name__ == "__main__":
    main()
