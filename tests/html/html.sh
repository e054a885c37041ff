# tests/html/html.sh: check --report FILE.html.  Sourced by tests/run.sh (ng, ok, bad, $tmp, $BUILD).
# The pages, and the screenshots Chromium takes of them, are kept under $BUILD/html as artefacts.
art=$BUILD/html
rm -rf "$art" && mkdir -p "$art/rules"

# a. every recorded case of tests/rules: its page is well formed, fetches nothing, runs nothing,
#    has a chart with a text alternative per metric (or series), and shows the case's verdict;
#    kept as $art/rules/CASE-GATE.html, CASE the input's path under tests/rules with - for /
#    (an input may be checked by two gates; two folders have inputs of one name)
while IFS='	' read -r gatefile input gate verdict _; do
	[ "$gatefile" = gatefile ] && continue
	page=$art/rules/$(echo "${input#tests/rules/}" | sed 's/\.prom$//; s|/|-|g')-$gate.html
	ng check "$gatefile" --gate "$gate" --input "$input" --report "$page" >/dev/null 2>"$tmp/err"; rc=$?
	if [ $rc -le 3 ] && python3 tests/html/check.py page "$page" "$verdict" >/dev/null; then ok; else
		bad "$input: check --report (exit $rc)"; cat "$tmp/err" >&2; fi
done <tests/rules/verdicts.tsv

# b. the size bound: a 1-hour window at 15 s, 3 metrics and a baseline, well under 1 MB (500 kB)
awk 'BEGIN {
	for (t = 0; t <= 3900; t += 15) {
		ms = 1700000000000 + t * 1000
		printf "error_rate %.6g %.0f\n", 0.002 + 0.001 * sin(t / 300) + (t > 2000 && t < 2100 ? 0.07 : 0), ms
		printf "p99 %.6g %.0f\n", 0.2 + 0.02 * sin(t / 200), ms
		printf "p99{role=\"baseline\"} %.6g %.0f\n", 0.19 + 0.02 * cos(t / 250), ms
		if (t < 1000 || t > 1300)
			printf "memory %.0f %.0f\n", 200 * 1048576 + 1048576 * (t % 600) / 10, ms
	}
}' >"$tmp/hour.prom"
ng check tests/html/hour.gate --input "$tmp/hour.prom" --report "$art/hour.html" >/dev/null 2>"$tmp/err"
size=$(wc -c <"$art/hour.html")
if [ "$size" -lt 500000 ] && python3 tests/html/check.py page "$art/hour.html" rollback >/dev/null; then ok; else
	bad "tests/html/hour.gate: a report of $size bytes, or malformed"; cat "$tmp/err" >&2; fi
echo "$size" >"$art/hour.size"

# b2. watch --report rewrites the page at each step: at the end it shows the last line's verdict
ng watch rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --report "$art/watch.html" \
	>"$tmp/watch.out" 2>"$tmp/err"
want=$(tail -n 1 "$tmp/watch.out" | sed -n 's/^{"gate":"canary","at":"[^"]*","verdict":"\([^"]*\)".*/\1/p')
if [ -n "$want" ] && python3 tests/html/check.py page "$art/watch.html" "$want" >/dev/null && [ ! -e "$art/watch.html.tmp" ]
then ok; else bad "watch --report: no page, or not of the last step's verdict '$want'"; cat "$tmp/err" >&2; fi

# b3. colour vision (tests/html/cvd.py): the colours the pages' CSS gives the charts' roles (series,
#     baseline, thresholds, lane states) and the verdict badges stay CIEDE2000 >= 10 apart, pair by
#     pair as the charts draw them together, under simulated protanopia, deuteranopia, tritanopia
#     and in greyscale, but for the pairs tests/html/cvd.known records as known to fail (which must
#     still fail); and every text, each verdict's badge among them, has a contrast of at least 4.5:1
#     (WCAG AA) against what it is drawn on.  The pages include one of test --report, whose header
#     (its pre) says why it was written, on a background of its own.  The table is kept as
#     $art/cvd.txt.  A page whose red and green are a pair deuteranopes confuse fails, and so does
#     one with the badges' colours of before (white on #009E73 and #D55E00: 3.42 and 3.87:1).
ng test --report "$art/why" tests/testrun/report.test.yaml >/dev/null 2>&1
if python3 tests/html/cvd.py --known tests/html/cvd.known "$art"/rules/*.html "$art/hour.html" "$art/watch.html" \
	"$art"/why/*.html >"$art/cvd.txt" 2>"$tmp/err" && grep -q '^contrast pre ' "$art/cvd.txt"
then ok; else bad "colour vision: the report's colours"; cat "$tmp/err" >&2; fi
sed '/<style>/,/<\/style>/{s/\.v-go{background:#[0-9A-Fa-f]*}/.v-go{background:#009E73}/;s/\.v-rollback{background:#[0-9A-Fa-f]*}/.v-rollback{background:#D55E00}/}' \
	"$art/rules/canary-error-spike-1m-canary.html" >"$tmp/badges.html"
python3 tests/html/cvd.py --known tests/html/cvd.known "$tmp/badges.html" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && grep -qF 'span.v-go.verdict: #FFFFFF on #009E73: contrast 3.42:1 < 4.5:1' "$tmp/err" &&
	grep -qF 'span.v-rollback.verdict: #FFFFFF on #D55E00: contrast 3.87:1 < 4.5:1' "$tmp/err"
then ok; else bad "contrast: the verdict badges' colours of before pass (exit $rc)"; cat "$tmp/err" >&2; fi
sed '/<style>/,/<\/style>/{s/#D55E00/#E00000/g;s/#009E73/#00A000/g}' "$art/rules/canary-error-spike-1m-canary.html" >"$tmp/redgreen.html"
python3 tests/html/cvd.py --known tests/html/cvd.known "$tmp/redgreen.html" >/dev/null 2>"$tmp/err"; rc=$?
if [ $rc -eq 1 ] && grep -qF 'deuteranopia: threshold (go) / threshold (rollback, no-go): ΔE00 3.17 < 10' "$tmp/err"
then ok; else bad "colour vision: #E00000 and #00A000 pass for deuteranopes (exit $rc)"; cat "$tmp/err" >&2; fi

# c. in a real headless Chromium (Debian's chromium; skipped with a notice without it): the page
#    fetches nothing (its requests in Chromium's net log), logs nothing to the console, and after
#    rendering has its charts and its verdict; the screenshot is kept.  A page that does fetch and
#    does fail first shows that these checks can fail (skipped under sanitizers and valgrind).  Each page is also printed to PDF
#    (--print-to-pdf; pdftotext and pdfinfo of poppler-utils read it, skipped with a notice without
#    them), and a page whose print CSS hides everything shows that the print check can fail.
chrome() {	# chrome NAME.html ARGS...: $tmp/chrome.err the log, $tmp/net.json the net log
	f=$1; shift
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chrome" \
		--disable-background-networking --disable-component-update --disable-sync --no-first-run \
		--disable-default-apps --host-resolver-rules='MAP * ~NOTFOUND' --enable-logging=stderr --v=0 \
		--log-net-log="$tmp/net.json" "$@" "file://$(cd "$(dirname "$f")" && pwd)/$(basename "$f")" \
		2>"$tmp/chrome.err"
}
pdftext=$(command -v pdftotext)
[ -n "$pdftext" ] || [ -z "${browser:-}" ] || echo "notice: pdftotext not installed (apt-get install poppler-utils): the printed reports are not checked" >&2
if [ -n "${browser:-}" ]; then	# (tests/run.sh: chromium, when installed and the build is plain)
	printf '<!DOCTYPE html><html><body><img src="http://example.invalid/x.png"><script>console.error("boom")</script></body></html>\n' \
		>"$tmp/bad.html"
	chrome "$tmp/bad.html" --dump-dom >/dev/null
	if [ -n "$(python3 tests/html/check.py netlog "$tmp/net.json")" ] && grep -q 'CONSOLE.*boom' "$tmp/chrome.err"
	then ok; else bad "chromium: a page that fetches and logs an error passes the checks"; fi
	for case in canary/error-spike-1m canary/healthy canary/p99-doubled-2m canary/cpu-missing hour; do
		name=$(echo "$case" | tr / -)
		if [ "$case" = hour ]; then page=$art/hour.html want=rollback; else
			awk -F'\t' -v i="tests/rules/$case.prom" '$2 == i { print $1; print $3; print $4; exit }' \
				tests/rules/verdicts.tsv >"$tmp/row"
			page=$art/rules/$name-$(sed -n 2p "$tmp/row").html want=$(sed -n 3p "$tmp/row")
		fi
		charts=$(python3 tests/html/check.py page "$page" "$want")
		chrome "$page" --dump-dom >"$tmp/dom.html"
		got=$(python3 tests/html/check.py dom "$tmp/dom.html")
		fetched=$(python3 tests/html/check.py netlog "$tmp/net.json")
		console=$(grep 'CONSOLE' "$tmp/chrome.err")
		if [ "$got" = "$charts $want" ] && [ -z "$fetched" ] && [ -z "$console" ]; then ok; else
			bad "chromium $case: rendered '$got' (want '$charts $want'), fetched '$fetched', console '$console'"; fi
		chrome "$page" --screenshot="$art/$name.png" --window-size=1200,2400 >/dev/null
		# a PNG of 1200 pixels across, not a blank page (a blank one is a few kB)
		w=$(od -An -tu1 -j16 -N4 "$art/$name.png" 2>/dev/null | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
		if [ "$w" = 1200 ] && [ "$(wc -c <"$art/$name.png")" -gt 40000 ]; then ok; else
			bad "chromium $case: no screenshot, or a blank one"; fi
		# printed (the page's print CSS): what a reader of the printout needs, from check's own report:
		# the gate's name and verdict, the deciding rule, each chart's title; kept as $art/NAME.pdf
		# with what check.py found ($art/NAME.pdf.txt: pages, charts, pages ending on a heading)
		[ -n "$pdftext" ] || continue
		if [ "$case" = hour ]; then ng check tests/html/hour.gate --input "$tmp/hour.prom" >"$tmp/report.json" 2>/dev/null
		else ng check "$(sed -n 1p "$tmp/row")" --gate "$(sed -n 2p "$tmp/row")" --input "tests/rules/$case.prom" \
				>"$tmp/report.json" 2>/dev/null
		fi
		gate=$(jq -r .gate "$tmp/report.json") verdict=$(jq -r .verdict "$tmp/report.json")
		rule=$(jq -r '.decided_by | if . == null then "-" else .kind + (if .name then " \"" + .name + "\"" else "" end) end' \
			"$tmp/report.json")
		rm -f "$art/$name.pdf"
		chrome "$page" --print-to-pdf="$art/$name.pdf" --no-pdf-header-footer >/dev/null
		if [ "$verdict" = "$want" ] &&
		   python3 tests/html/check.py pdf "$art/$name.pdf" "$page" "$gate" "$verdict" "$rule" >"$art/$name.pdf.txt" 2>"$tmp/err"
		then ok; else bad "chromium $case: printed, it lacks what a reader needs (gate $gate, $verdict, $rule)"; cat "$tmp/err" >&2; fi
	done
	# a page whose print CSS hides everything prints a blank page, and fails
	if [ -n "$pdftext" ]; then
		sed 's|</style>|@media print{body{display:none}}</style>|' "$art/rules/canary-error-spike-1m-canary.html" >"$tmp/hidden.html"
		rm -f "$tmp/hidden.pdf"
		chrome "$tmp/hidden.html" --print-to-pdf="$tmp/hidden.pdf" --no-pdf-header-footer >/dev/null
		python3 tests/html/check.py pdf "$tmp/hidden.pdf" "$tmp/hidden.html" canary rollback \
			'rollback "critical error rate"' >/dev/null 2>"$tmp/err"; rc=$?
		if [ $rc -eq 1 ] && grep -qF "blank page 1; no 'Gate canary: rollback'" "$tmp/err"; then ok; else
			bad "chromium: a page that prints nothing passes the print checks (exit $rc)"; cat "$tmp/err" >&2; fi
	fi
fi
