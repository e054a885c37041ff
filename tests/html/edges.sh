# tests/html/edges.sh: reports of values and comparisons a chart can get wrong (tests/html/edges.gate).
# Sourced by tests/run.sh after html.sh (ng, ok, bad, $tmp, $art).
mkdir -p "$art/edges"
awk 'BEGIN {
	for (i = 0; i <= 40; i++) {
		t = 1700000000000 + i * 15000
		printf "x 0.30000000000000004 %.0f\nx_stable 0.3 %.0f\n", t, t
		printf "p99 %.4f %.0f\np99_stable 0.2 %.0f\n", 0.3 + 0.001 * (i % 3), t, t
		printf "cpu{pod=\"a\"} 0.5 %.0f\ncpu{pod=\"b\"} %s %.0f\n", t, (i > 30 ? "0.9" : "0.5"), t
	}
}' | sed 's/^x_stable /x{role="baseline"} /; s/^p99_stable /p99{role="baseline"} /' >"$tmp/edges.prom"
edge() {	# edge GATE: its page at $art/edges/GATE.html, within 20 s; the JSON's verdict on stdout
	timeout 20 "$NOVAGATE" check tests/html/edges.gate --gate "$1" --input "$tmp/edges.prom" \
		--report "$art/edges/$1.html" 2>"$tmp/err" | jq -r .verdict
}
# near-equal values: the page is written at once, is well formed, has its chart of x and the
# figure of the test, and no NaN or Inf coordinate
v=$(edge ulps)
if [ -n "$v" ] && [ "$(python3 tests/html/check.py page "$art/edges/ulps.html" "$v")" = 2 ] &&
	grep -q '<figure class="chart dist">' "$art/edges/ulps.html" &&
	! grep -qi 'nan\|inf"' "$art/edges/ulps.html"; then ok; else bad "edges.gate ulps: no page, or a malformed one"; fi
# the left threshold of a quantifier: its legend and marker say 80%, the series 90%
edge left >/dev/null
if grep -q '80% &lt; cpu (80%)' "$art/edges/left.html" &&
	grep -q 'fired at [0-9:]* UTC: 80% &lt; cpu 90%, a deciding series' "$art/edges/left.html"; then ok; else
	bad "edges.gate left: the threshold on the left drawn at another value"; fi
# 1 / p99, shift(p99) and 2 * p99 are not p99's value: a lane each, no line; p99 < 1s has its line
edge notscale >/dev/null
lines=$(grep -o '<span class="key"><i class="sw thr[^"]*"></i>[^<]*' "$art/edges/notscale.html" | sed 's/.*<\/i>//')
lanes=$(grep -c '<text class="lanel"' "$art/edges/notscale.html")
if [ "$lines" = "p99 &lt; 1s" ] && [ "$lanes" = 4 ]; then ok; else
	bad "edges.gate notscale: threshold lines '$lines' (want only p99 < 1s), $lanes lanes (want 4)"; fi
