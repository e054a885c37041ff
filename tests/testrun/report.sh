# tests/testrun/report.sh: test --report DIR.  Sourced by tests/run.sh (ng, ok, bad, $tmp, $BUILD).
# tests/testrun/report.test.yaml has one test that fails on purpose among two that pass; what test
# --report prints of it is tests/testrun/report.out (the directory shown as DIR).  Its pages are
# kept under $BUILD/testrun as artefacts.
art=$BUILD/testrun
rm -rf "$art" && mkdir -p "$art"
rt=tests/testrun/report.test.yaml
page=$art/pages/report-L19-error-spike-1m-goes-wrong-on-purpose.html

# a. exit 1, exactly report.out on stdout, nothing on stderr; DIR made, one page in it and nothing
#    else (none for the tests that pass, no .tmp left)
ng test --report "$art/pages" "$rt" >"$tmp/out" 2>"$tmp/err"; rc=$?
sed "s|$art/pages|DIR|g" "$tmp/out" >"$tmp/out.dir"
if [ $rc -eq 1 ] && [ ! -s "$tmp/err" ] && cmp -s "$tmp/out.dir" tests/testrun/report.out &&
   [ "$(ls -A "$art/pages")" = "$(basename "$page")" ]; then ok; else
	bad "test --report: exit $rc (want 1), output differs or not one page: $(ls -A "$art/pages" 2>&1)"
	diff tests/testrun/report.out "$tmp/out.dir" >&2; cat "$tmp/err" >&2; fi

# b. without --report, the same but for the report line
ng test "$rt" >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && grep -v '^  report: ' tests/testrun/report.out | cmp -s - "$tmp/out"; then ok; else
	bad "test without --report: exit $rc, or not report.out less its report line"; cat "$tmp/out" >&2; fi

# c. the page: well formed, fetching and running nothing, with the verdict the gate gave at the
#    test's first failure in order of at (7m30s, the second in the file); its title and note name
#    the test and hold that entry's FAIL line, and only that one; its window ends at 7m30s
line=$(grep ': FAIL: .* at 7m30s: ' tests/testrun/report.out)
got=$(echo "$line" | sed -n 's/.*, got \([a-z-]*\)$/\1/p')
html=$(echo "$line" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g; s/"/\&quot;/g')
title='Test &quot;error spike &quot;1m&quot; goes (wrong on purpose)&quot; failed'
if [ "$got" = rollback ] && python3 tests/html/check.py page "$page" "$got" >/dev/null &&
   grep -qF "<title>$title &mdash; novagate: canary rollback</title>" "$page" &&
   grep -qF "<h1>$title</h1>" "$page" && grep -qF "$html" "$page" && ! grep -q ' at 10m: verdict' "$page" &&
   grep -qF '<tr><th>decided at</th><td>1970-01-01T00:07:30Z ' "$page"; then ok; else
	bad "test --report: $page is malformed, not of verdict '$got', or its title, note or window differ"; fi

# d. a second run writes the same name over the page (no -2: names are unique within a run) and
#    leaves the directory's other files alone
echo keep >"$art/pages/mine.txt"
ng test --report "$art/pages/" "$rt" >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && [ "$(ls -A "$art/pages" | tr '\n' ' ')" = "mine.txt $(basename "$page") " ] &&
   [ "$(cat "$art/pages/mine.txt")" = keep ] && grep -qxF "  report: $page" "$tmp/out"; then ok; else
	bad "test --report again: exit $rc, or $(ls -A "$art/pages" | tr '\n' ' ')"; cat "$tmp/out" >&2; fi

# e. with --run, -v and --junit: a PASS line, one page, and the report line in JUnit's failure too
ng test -v --run spike --junit "$tmp/report.xml" --report "$art/run" "$rt" >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 1 ] && [ "$(grep -c ': PASS: ' "$tmp/out")" -eq 1 ] && [ "$(ls -A "$art/run" | wc -l)" -eq 1 ] &&
   [ "$(tail -n 1 "$tmp/out")" = "1 passed, 1 failed" ] &&
   grep -qF "  report: $art/run/$(basename "$page")" "$tmp/out" "$tmp/report.xml"; then ok; else
	bad "test -v --run --junit --report: exit $rc"; cat "$tmp/out" >&2; fi

# f. two test files of one name, in two directories: two pages, never one name
mkdir -p "$tmp/a" "$tmp/b"
sed "s|^gate: .*|gate: $PWD/rules/canary.gate|" "$rt" >"$tmp/a/report.test.yaml"
cp "$tmp/a/report.test.yaml" "$tmp/b/report.test.yaml"
ng test --report "$art/two" "$tmp/a" "$tmp/b" >"$tmp/out" 2>&1; rc=$?
second=$art/two/$(basename "$page" .html)-2.html
if [ $rc -eq 1 ] && [ "$(ls -A "$art/two" | wc -l)" -eq 2 ] && grep -qxF "  report: $second" "$tmp/out" &&
   python3 tests/html/check.py page "$second" rollback >/dev/null; then ok; else
	bad "test --report of two files of one name: exit $rc, $(ls -A "$art/two" | tr '\n' ' ')"; cat "$tmp/out" >&2; fi

# g. --report onto a regular file: exit 7 before any test runs, the file untouched; a page that
#    cannot be written (its .tmp a directory): exit 7 after the run, and no report line
echo plain >"$tmp/plain"
ng test --report "$tmp/plain" "$rt" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 7 ] && [ ! -s "$tmp/out" ] && [ "$(cat "$tmp/plain")" = plain ] &&
   [ "$(cat "$tmp/err")" = "novagate: --report $tmp/plain: not a directory" ]; then ok; else
	bad "test --report FILE: exit $rc (want 7)"; cat "$tmp/out" "$tmp/err" >&2; fi
mkdir -p "$tmp/stuck/$(basename "$page").tmp"
ng test --report "$tmp/stuck" "$rt" >"$tmp/out" 2>"$tmp/err"; rc=$?
if [ $rc -eq 7 ] && ! grep -q '^  report: ' "$tmp/out" && [ "$(tail -n 1 "$tmp/out")" = "2 passed, 1 failed" ] &&
   grep -qF "novagate: $tmp/stuck/$(basename "$page").tmp: " "$tmp/err"; then ok; else
	bad "test --report, a page that cannot be written: exit $rc (want 7)"; cat "$tmp/out" "$tmp/err" >&2; fi

# h. in a headless Chromium, when there is one (tests/html/html.sh's checks, fewer): rendered,
#    the page has its charts and shows the verdict
if [ -n "${browser:-}" ]; then
	charts=$(python3 tests/html/check.py page "$page" rollback)
	timeout 60 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/chrome" \
		--disable-background-networking --disable-component-update --disable-sync --no-first-run \
		--disable-default-apps --host-resolver-rules='MAP * ~NOTFOUND' --dump-dom \
		"file://$(cd "$(dirname "$page")" && pwd)/$(basename "$page")" >"$tmp/dom.html" 2>/dev/null
	got=$(python3 tests/html/check.py dom "$tmp/dom.html")
	if [ "$got" = "$charts rollback" ]; then ok; else
		bad "chromium: the test --report page rendered '$got' (want '$charts rollback')"; fi
fi
