# tests/html/series.sh: the charts of a metric with `by`, a chart per series.  Sourced by tests/run.sh
# after html.sh (ng, ok, bad, $tmp, $art).  The deciding series' chart comes first and carries the
# marker of the rule it decided; a per-series `for` that is timing shows as pending, from its since
# (the JSON's) to the last step, on that series' lane.
series_page() {	# series_page CASE: $art/series/CASE.html and $tmp/series.json
	ng check rules/rollback.gate --gate high_priority --input "tests/rules/rollback/high_priority/$1.prom" \
		--report "$art/series/$1.html" >"$tmp/series.json" 2>"$tmp/err"
}
mkdir -p "$art/series"
# charts: the text between one <h4> (a series) and the next; X0 78, X1 940 (src/html_internal.h)
cat >"$tmp/series.py" <<'PY'
import json, re, sys, datetime
page, rep, what = open(sys.argv[1]).read(), json.load(open(sys.argv[2])), sys.argv[3]
charts = re.split(r"<h4><code>", page)[1:]
rule = next(r for r in rep["rules"] if r["name"] == "memory usage > 80% (sustained)")
q = rule["quantifiers"][0]
d = q.get("fired", q)["deciding"][0]	# as it decided: when it fired, if it did
first = 'memory_usage{pod=&quot;%s&quot;}' % d["labels"]["pod"]
if not charts or not charts[0].startswith(first):
    sys.exit("the deciding series' chart is not first")
ts = lambda s: datetime.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").timestamp()
if what == "pending":
    pend = [(i, m) for i, c in enumerate(charts) for m in re.findall(r'<rect class="pend" x="([\d.]+)" [^>]*width="([\d.]+)"', c)]
    w = rep["window"]; half = 7.5
    t0, t1 = ts(w["from"]) - half, ts(w["to"]) + half
    x = 78 + (ts(d["since"]) - half - t0) * 862 / (t1 - t0)
    if len(pend) != 1 or pend[0][0] != 0 or abs(float(pend[0][1][0]) - x) > 0.1 or \
       abs(float(pend[0][1][0]) + float(pend[0][1][1]) - 940) > 0.1:
        sys.exit("pending spans %r, want one in the first chart from x %.1f to 940" % (pend, x))
else:
    marks = [i for i, c in enumerate(charts) for _ in re.findall(r'class="marktext"', c)]
    if marks != [0]:
        sys.exit("markers in the series charts %r, want one in the first" % marks)
PY
series_page memory-pending
if python3 "$tmp/series.py" "$art/series/memory-pending.html" "$tmp/series.json" pending; then ok; else
	bad "memory-pending: the deciding pod's pending for"; fi
series_page memory-sustained-one-pod
if python3 "$tmp/series.py" "$art/series/memory-sustained-one-pod.html" "$tmp/series.json" marker; then ok; else
	bad "memory-sustained-one-pod: the marker on the deciding pod's chart"; fi
# the checks fail on the page of another case: no pending span, the marker elsewhere
if python3 "$tmp/series.py" "$art/series/memory-sustained-one-pod.html" "$tmp/series.json" pending 2>/dev/null; then
	bad "series.py: a page without the pending span passes"; else ok; fi
