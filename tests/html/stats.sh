# tests/html/stats.sh: a report's figures of canary against baseline (mannwhitney, shift, ratio_test).
# Sourced by tests/run.sh after html.sh (ng, ok, bad, $tmp, $art).  dist.py holds each figure against
# the same check's human report and JSON: the caption is the human line, a row a dot per value (n),
# box and median at the dots' quartiles; and no test is drawn as a threshold line on a metric's chart.
dist() {	# dist GATEFILE GATE INPUT PAGE
	ng check "$1" --gate "$2" --input "$3" --report "$4" --format human >"$tmp/dist.txt" 2>"$tmp/err"
	ng check "$1" --gate "$2" --input "$3" >"$tmp/dist.json" 2>>"$tmp/err"
	python3 tests/html/dist.py "$4" "$tmp/dist.txt" "$tmp/dist.json" 2>>"$tmp/err"
}
mkdir -p "$art/stats"
nfig=0
while IFS='	' read -r gatefile input gate _; do
	[ "$gatefile" = gatefile ] && continue
	page=$art/stats/$gate-$(basename "$input" .prom).html
	if n=$(dist "$gatefile" "$gate" "$input" "$page"); then ok; nfig=$((nfig + ${n% figures})); else
		bad "$input: the report's canary-against-baseline figures"; cat "$tmp/err" >&2; fi
done <tests/rules/verdicts.tsv
for g in edges stats pods_stats; do
	for gate in $(sed -n 's/^gate \([A-Za-z0-9_]*\).*/\1/p' "tests/check/$g.gate"); do
		if n=$(dist "tests/check/$g.gate" "$gate" "tests/check/$g.prom" "$art/stats/$g-$gate.html"); then
			ok; nfig=$((nfig + ${n% figures})); else
			bad "tests/check/$g.gate $gate: the report's canary-against-baseline figures"; cat "$tmp/err" >&2; fi
	done
done
# the figures: 2 in each of the six cases of the Nova gate's 50% phase (ratio_test; mannwhitney, with
# the shift of the same values), 3 in tests/check/stats (a mannwhitney in two rules), one per gate of
# edges, one of pods_stats (its deciding pod's): 21
[ "$nfig" = 21 ] && ok || bad "canary-against-baseline figures: $nfig, want 21"

# a shift() beside the mannwhitney() of the same values in its rule has no figure of its own, however
# the two are written (tests/html/pairs.gate: the counts are in its comments); each page's figures
# are also held against its human report and JSON
awk 'BEGIN { for (i = 0; i <= 100; i++) { t = 1700000000000 + i * 15000
	printf "p99 %.4f %.0f\np99{role=\"baseline\"} %.4f %.0f\n", 0.30 + 0.01 * (i % 7), t, 0.25 + 0.01 * (i % 5), t } }' \
	>"$tmp/pairs.prom"
for want in tight:1 spaced:1 seconds:1 range:2 values:2 rule:2; do
	gate=${want%:*}
	if n=$(dist tests/html/pairs.gate "$gate" "$tmp/pairs.prom" "$art/stats/pairs-$gate.html") &&
		[ "$n" = "${want#*:} figures" ]; then ok; else
		bad "tests/html/pairs.gate $gate: ${n:-no figures} of canary against baseline, want ${want#*:}"
		cat "$tmp/err" >&2; fi
done

# a test in a quantifier: a figure per deciding series, at most 5, then a line of how many more
# (tests/html/pods.gate: seven pods, two of them much slower)
awk 'BEGIN { for (i = 0; i <= 40; i++) { t = 1700000000000 + i * 15000
	printf "lat{role=\"baseline\"} %.4f %.0f\n", 0.20 + 0.002 * (i % 5), t
	for (p = 0; p < 7; p++)
		printf "lat{pod=\"%c\"} %.4f %.0f\n", 97 + p, (p < 2 ? 0.30 : 0.22) + 0.002 * ((i + p) % 5), t } }' \
	>"$tmp/pods.prom"
for want in two:2:0 seven:5:2; do
	gate=${want%%:*} figs=${want#*:} more=${want##*:}
	figs=${figs%:*}
	page=$art/stats/pods-$gate.html
	if n=$(dist tests/html/pods.gate "$gate" "$tmp/pods.prom" "$page") && [ "$n" = "$figs figures" ] &&
		[ "$(grep -o '<title id="t[0-9]*">mannwhitney(lat, 5m) of {pod=&quot;[a-g]&quot;}' "$page" |
			sed 's/.* of //' | sort -u | wc -l)" = "$figs" ] &&
		{ [ "$more" = 0 ] && ! grep -q '^<p>And ' "$page" ||
		  grep -qxF "<p>And $more more deciding series of <code>any(mannwhitney(lat, 5m) &lt; 1%)</code>, without a figure of <code>mannwhitney(lat, 5m)</code>.</p>" "$page"; }
	then ok; else
		bad "tests/html/pods.gate $gate: ${n:-no figures} of canary against baseline (want $figs, of as many pods), or not the line of $more more"
		cat "$tmp/err" >&2; fi
done

# and the checks can fail: a figure with a dot less, and one whose caption is not the human line
page=$art/stats/phase5_half-latency-1.6x.html
ng check rules/nova-backend.gate --gate phase5_half --input tests/rules/nova-backend/phase5_half/latency-1.6x.prom \
	--format human >"$tmp/dist.txt"
ng check rules/nova-backend.gate --gate phase5_half --input tests/rules/nova-backend/phase5_half/latency-1.6x.prom \
	>"$tmp/dist.json"
awk '/class="dot canary"/ && !done { done = 1; next } { print }' "$page" >"$tmp/lessdot.html"
sed 's/p = 3.4e-08/p = 3.4e-07/' "$page" >"$tmp/otherp.html"
for broken in lessdot otherp; do
	if python3 tests/html/dist.py "$tmp/$broken.html" "$tmp/dist.txt" "$tmp/dist.json" >/dev/null 2>&1; then
		bad "dist.py passes a broken figure ($broken)"; else ok; fi
done
