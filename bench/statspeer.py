"""bench/statspeer.py: the peer of the statistics case of `make bench`:
scipy and numpy making the same tests as novagate, on the same values.

  statspeer.py canary FILE EVALS STEPS MWU HL FISHER [JSON]
  statspeer.py pods FILE EVALS STEPS MWU

FILE is the input of bench/genstats.c that novagate checked, EVALS the
gate's evaluations (one every 15 s, the last at the file's last sample),
STEPS the range of its tests in steps, and MWU, HL, FISHER how many of
each novagate computed.  The values of step k are the samples at its
instant; a test at step k takes steps k-STEPS+1..k, and runs only once
the range is whole (k >= STEPS-1, as novagate's), from the first such step
on; calls beyond the whole steps (novagate's report recomputes the last
step's) take the last step again.  canary: p99 against p99{role="baseline"}
for mannwhitneyu and the shift, the sums of errors and requests (each
side) for fisher_exact.  pods: each lat{pod=...} against lat{role="baseline"},
pod after pod.

Timed in-process, time.perf_counter() and time.process_time() (the
process's CPU) around each function's loop: not the interpreter's start,
the imports, reading FILE, nor one warm-up call of each function made
before.  Each iteration takes numpy views of the range (for fisher_exact,
also sums its four counts), makes the call and keeps what it gives.

Prints, one a line: "mannwhitneyu CALLS SECONDS CPU_SECONDS", the same
for "shift" and "fisher_exact" (canary), and "check ..." (canary with
JSON: the last step's p, U, shift and Fisher p against novagate's report;
pods: how many of the tests were under 1 %).
"""
import json
import sys
import time

import numpy
from scipy.stats import fisher_exact, mannwhitneyu

STEP_MS = 15000


def read(path):
    """Series name (with labels) -> {timestamp ms: value}."""
    series = {}
    with open(path) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            name, value, ts = line.rsplit(None, 2)
            series.setdefault(name, {})[int(ts)] = float(value)
    return series


def at_steps(samples, evals, last):
    """The values at the gate's EVALS steps, the last at `last`."""
    try:
        return numpy.array([samples[last - (evals - 1 - k) * STEP_MS] for k in range(evals)])
    except KeyError as e:
        sys.exit("statspeer: no sample at %s" % e)


def ends(evals, steps, calls):
    """The step each call ends at: every whole step, then the last again."""
    whole = list(range(steps - 1, evals))
    if not whole:
        return []
    return [whole[c] if c < len(whole) else whole[-1] for c in range(calls)]


def mwu(x, y):
    return mannwhitneyu(x, y, alternative="greater", method="asymptotic")


def hl(x, y):
    return numpy.median(numpy.subtract.outer(x, y))


def timed(fn, pairs, steps):
    """Time fn over the ranges of pairs [(x, y, end)], keeping what it gives
    (as novagate compares it); one untimed warm-up call first."""
    out = []
    if not pairs:
        return (0.0, 0.0), out
    x, y, e = pairs[0]
    fn(x[e - steps + 1:e + 1], y[e - steps + 1:e + 1])
    t0, c0 = time.perf_counter(), time.process_time()
    for x, y, e in pairs:
        out.append(fn(x[e - steps + 1:e + 1], y[e - steps + 1:e + 1]))
    return (time.perf_counter() - t0, time.process_time() - c0), out


def rel(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


def canary(path, evals, steps, n_mwu, n_hl, n_fisher, report):
    s = read(path)
    last = max(s["p99"])
    v = {k: at_steps(s[k], evals, last) for k in
         ("p99", 'p99{role="baseline"}', "errors", 'errors{role="baseline"}', "requests",
          'requests{role="baseline"}')}
    x, y = v["p99"], v['p99{role="baseline"}']
    t_mwu, _ = timed(mwu, [(x, y, e) for e in ends(evals, steps, n_mwu)], steps)
    t_hl, _ = timed(hl, [(x, y, e) for e in ends(evals, steps, n_hl)], steps)

    ex, nx = v["errors"], v["requests"]
    ey, ny = v['errors{role="baseline"}'], v['requests{role="baseline"}']

    def fisher(e):
        r = slice(e - steps + 1, e + 1)
        a, b, c, d = round(ex[r].sum()), round(nx[r].sum()), round(ey[r].sum()), round(ny[r].sum())
        return fisher_exact([[a, b - a], [c, d - c]], alternative="greater")

    fe = ends(evals, steps, n_fisher)
    t_f, out = (0.0, 0.0), []
    if fe:
        fisher(fe[0])
        t0, c0 = time.perf_counter(), time.process_time()
        for e in fe:
            out.append(fisher(e))
        t_f = (time.perf_counter() - t0, time.process_time() - c0)
    print("mannwhitneyu", n_mwu, "%.6f %.6f" % t_mwu)
    print("shift", n_hl, "%.6f %.6f" % t_hl)
    print("fisher_exact", n_fisher, "%.6f %.6f" % t_f)
    if not report or evals < steps:
        return
    # the last step, against novagate's report (the first gate of its JSON)
    with open(report) as f:
        rep = json.loads(f.readline())
    ng = {}
    for rule in rep["rules"]:
        for st in rule["statistics"]:
            ng.setdefault(st["function"], st)
    r = slice(evals - steps, evals)
    m = mwu(x[r], y[r])
    ours = {"mannwhitney p": (m.pvalue, ng["mannwhitney"]["p"]),
            "U": (m.statistic, ng["mannwhitney"]["u"]),
            "shift": (hl(x[r], y[r]), ng["shift"]["shift"])}
    a, b, c, d = (round(q[r].sum()) for q in (ex, nx, ey, ny))
    ours["fisher p"] = (fisher_exact([[a, b - a], [c, d - c]], alternative="greater")[1],
                        ng["ratio_test"]["p"])
    worst = max(rel(p, q) for p, q in ours.values())
    print("check the last step's " + ", ".join(ours) + ": scipy's and novagate's report differ by %.1e "
          "at most (relative; mannwhitney p %.6g and %.6g)"
          % (worst, ours["mannwhitney p"][0], ours["mannwhitney p"][1]))


def pods(path, evals, steps, n_mwu):
    s = read(path)
    base = s.pop('lat{role="baseline"}')
    last = max(base)
    y = at_steps(base, evals, last)
    names = sorted(s)
    per = max(0, evals - steps + 1)
    if per * len(names) != n_mwu:
        sys.exit("statspeer: %d pods x %d whole steps is not novagate's %d tests" % (len(names), per, n_mwu))
    pairs = []
    for name in names:
        x = at_steps(s[name], evals, last)
        pairs.extend((x, y, e) for e in range(steps - 1, evals))
    t, out = timed(mwu, pairs, steps)
    print("mannwhitneyu", n_mwu, "%.6f %.6f" % t)
    if out:
        print("check scipy's p under 1%%: %d of the %d tests, the least %.6g (novagate: any() never true, go)"
              % (sum(r.pvalue < 0.01 for r in out), len(out), min(r.pvalue for r in out)))


def main(argv):
    try:
        if len(argv) in (8, 9) and argv[1] == "canary":
            canary(argv[2], *map(int, argv[3:8]), argv[8] if len(argv) == 9 else None)
        elif len(argv) == 6 and argv[1] == "pods":
            pods(argv[2], *map(int, argv[3:6]))
        else:
            sys.exit(__doc__.split("\n\n")[1])
    except ValueError as e:
        sys.exit("statspeer: %s" % e)


if __name__ == "__main__":
    main(sys.argv)
