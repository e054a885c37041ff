"""bench/statspeer.py: the peer of the statistics case of `make bench`:
scipy and numpy making the same tests as novagate, on the same values.

  statspeer.py canary FILE EVALS STEPS MWU HL FISHER [JSON]
  statspeer.py pods FILE EVALS STEPS MWU HL [JSON]

FILE is the input of bench/genstats.c that novagate checked, EVALS the
gate's evaluations (one every 15 s, the last at the file's last sample),
STEPS the range of its tests in steps, MWU, HL, FISHER how many of each
novagate computed (run.sh's count), and JSON novagate's report of that
check.  The values of step k (0-based, k = EVALS-1 the last) are the
samples at its instant; a test at step k takes steps k-STEPS+1..k.
novagate tests at the last step and at every step a whole range before
it, on disjoint ranges, while the range is whole: steps k with
(EVALS-1-k) % STEPS == 0 and k >= STEPS-1, floor(EVALS/STEPS) of them;
the peer tests at the same steps, in their order.  Then the report's:
canary: novagate's report recomputes each history at the last step (its
mannwhitney with its shift), so the peer makes one more of each there;
pods: the report recomputes the mannwhitney, and its shift, of the TOP (5,
novagate's --top) deciding pods at the last step, which the peer takes from
JSON (without it, the first pods by name).  The peer checks that MWU, HL
and FISHER are what this gives, and exits with an error if not.

canary: p99 against p99{role="baseline"} for mannwhitneyu and the shift,
the sums of errors and requests (each side) for fisher_exact.  pods: each
lat{pod=...} against lat{role="baseline"}, step after step.

Timed in-process, time.perf_counter() and time.process_time() (the
process's CPU) around each function's loop: not the interpreter's start,
the imports, reading FILE, nor one warm-up call of each function made
before.  Each iteration takes numpy views of the range (for fisher_exact,
also sums its four counts), makes the call and keeps what it gives.

Prints, one a line: "mannwhitneyu CALLS SECONDS CPU_SECONDS", the same
for "shift" and, canary, "fisher_exact"; then "check ...": canary with
JSON, the last step's p, U, shift and Fisher p against novagate's report;
pods, how many of the tests were under 1 % and, with JSON, the reported
pods' p, U and shift against novagate's.
"""
import json
import sys
import time

import numpy
from scipy.stats import fisher_exact, mannwhitneyu

STEP_MS = 15000
TOP = 5  # novagate check's --top: the deciding series of a quantifier it reports


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


def test_steps(evals, steps):
    """The steps novagate tests at: the last and every whole range before it,
    the range whole (k >= steps - 1): floor(evals / steps) steps, in order."""
    if steps < 1 or evals < steps:
        return []
    return list(range(evals - 1 - (evals - steps) // steps * steps, evals, steps))


def ends(evals, steps, calls):
    """The step each call ends at: the test steps, then the last again (the report's)."""
    ts = test_steps(evals, steps)
    if not ts:
        return []
    return [ts[c] if c < len(ts) else ts[-1] for c in range(calls)]


def expect(what, got, want):
    if got != want:
        sys.exit("statspeer: novagate's %s are %s; testing at the last step and every %s before it "
                 "(and the report's) makes %s" % (what, got, "whole range", want))


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
    t = len(test_steps(evals, steps))
    r = 1 if t else 0  # the report's recomputation at the last step
    expect("Mann-Whitney tests, shifts, Fisher tests", (n_mwu, n_hl, n_fisher), (t + r, t + 2 * r, t + r))
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


def reported_pods(report):
    """The pods novagate's report gives the statistics of: pod -> its mannwhitney's."""
    with open(report) as f:
        rep = json.loads(f.readline())
    got = {}
    for rule in rep["rules"]:
        for q in rule["quantifiers"]:
            for d in q["deciding"]:
                for st in d.get("statistics", []):
                    if st["function"] == "mannwhitney":
                        got.setdefault('lat{pod="%s"}' % d["labels"]["pod"], st)
    return got


def pods(path, evals, steps, n_mwu, n_hl, report):
    s = read(path)
    base = s.pop('lat{role="baseline"}')
    last = max(base)
    y = at_steps(base, evals, last)
    names = sorted(s)
    ts = test_steps(evals, steps)
    top = min(TOP, len(names)) if ts else 0
    expect("Mann-Whitney tests, shifts", (n_mwu, n_hl), (len(ts) * len(names) + top, top))
    xs = {name: at_steps(s[name], evals, last) for name in names}
    rep = reported_pods(report) if report and ts else {}
    if rep and len(rep) != top:
        sys.exit("statspeer: novagate's report gives %d pods' statistics, not %d" % (len(rep), top))
    shown = sorted(rep) if rep else names[:top]
    # step after step, every pod at each, as novagate; then the report's pods at the last step
    pairs = [(xs[name], y, e) for e in ts for name in names]
    t, out = timed(mwu, pairs + [(xs[name], y, evals - 1) for name in shown], steps)
    t_hl, out_hl = timed(hl, [(xs[name], y, evals - 1) for name in shown], steps)
    print("mannwhitneyu", n_mwu, "%.6f %.6f" % t)
    print("shift", n_hl, "%.6f %.6f" % t_hl)
    if not out:
        return
    line = ("check scipy's p under 1%%: %d of the %d tests, the least %.6g (novagate: any() never true, go)"
            % (sum(r.pvalue < 0.01 for r in out), len(out), min(r.pvalue for r in out)))
    if rep:
        mine = out[len(pairs):]
        worst = max(max(rel(m.pvalue, rep[n]["p"]), rel(m.statistic, rep[n]["u"]), rel(h, rep[n]["shift"]))
                    for n, m, h in zip(shown, mine, out_hl))
        line += ("; the report's %d pods' p, U, shift: scipy's and novagate's differ by %.1e at most (relative)"
                 % (len(shown), worst))
    print(line)


def main(argv):
    try:
        if len(argv) in (8, 9) and argv[1] == "canary":
            canary(argv[2], *map(int, argv[3:8]), argv[8] if len(argv) == 9 else None)
        elif len(argv) in (7, 8) and argv[1] == "pods":
            pods(argv[2], *map(int, argv[3:7]), argv[7] if len(argv) == 8 else None)
        else:
            sys.exit(__doc__.split("\n\n")[1])
    except ValueError as e:
        sys.exit("statspeer: %s" % e)


if __name__ == "__main__":
    main(sys.argv)
