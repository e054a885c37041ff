#!/bin/sh
# tests/run.sh: every test of novagate; the last line is "N passed, N failed".
# Run by `make check` with NOVAGATE (the binary) and BUILD (the build directory) set.
# NG_VALGRIND=1 runs the binary under valgrind.  Everything read is in the repository.
set -u
: "${NOVAGATE:=./novagate}" "${BUILD:=build}"
pass=0 fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ "${NG_VALGRIND:-0}" = 1 ]; then
	ng() { valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "$NOVAGATE" "$@"; }
else
	ng() { "$NOVAGATE" "$@"; }
fi

ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*" >&2; }

# the headless browser (Debian's chromium) that renders the HTML reports.  A page is the same
# bytes from every build, so a run under sanitizers or valgrind, which is there for the binary's
# memory, leaves the browser to the plain build (it would cost make asan about a minute)
browser=
if ! command -v chromium >/dev/null 2>&1; then
	echo "notice: chromium not installed (apt-get install chromium): the headless browser checks of HTML reports are skipped" >&2
elif [ -n "${SANFLAGS:-}" ] || [ "${NG_VALGRIND:-0}" = 1 ]; then
	echo "notice: the headless browser checks of HTML reports run in the plain build (make check), not under sanitizers or valgrind" >&2
else
	browser=chromium
fi

# 1. unit tests: each binary ends with its own "N passed, N failed"
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	"$t" >"$tmp/unit.out" 2>"$tmp/unit.err"
	rc=$?
	line=$(tail -n 1 "$tmp/unit.out")
	p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	if [ -z "$p" ]; then
		bad "$t: crashed or printed no summary (exit $rc)"; cat "$tmp/unit.err" >&2
		continue
	fi
	pass=$((pass + p)); fail=$((fail + f))
	[ "$f" -eq 0 ] && [ "$rc" -eq 0 ] || { cat "$tmp/unit.err" >&2; [ "$f" -gt 0 ] || bad "$t: exit $rc"; }
done

# 2. compile diagnostics: tests/compile/NAME.gate must fail with exactly NAME.err
#    (or, with NAME.dump, compile and disassemble to exactly that)
for g in tests/compile/*.gate; do
	[ -e "$g" ] || continue
	base=${g%.gate}
	if [ -e "$base.dump" ]; then
		ng compile --dump "$g" >"$tmp/out" 2>"$tmp/err"; rc=$?
		if [ $rc -eq 0 ] && cmp -s "$tmp/out" "$base.dump"; then ok; else
			bad "$g: disassembly differs (exit $rc)"; diff "$base.dump" "$tmp/out" >&2; fi
	else
		ng compile "$g" >"$tmp/out" 2>"$tmp/err"; rc=$?
		if [ $rc -eq 5 ] && [ ! -s "$tmp/out" ] && cmp -s "$tmp/err" "$base.err"; then ok; else
			bad "$g: exit $rc (want 5) or diagnostics differ"; diff "$base.err" "$tmp/err" >&2; fi
	fi
done

# 3. command-line cases: tests/cli/NAME.sh prints what the command did;
#    NAME.out holds what it must print (stdout, stderr, exit status; $tmp shown as TMP)
for c in tests/cli/*.sh; do
	[ -e "$c" ] || continue
	NOVAGATE_CMD=ng . "$c" 2>&1 | sed "s|$tmp|TMP|g" >"$tmp/out"
	if cmp -s "$tmp/out" "${c%.sh}.out"; then ok; else
		bad "$c: output differs"; diff "${c%.sh}.out" "$tmp/out" >&2; fi
done

# 3b. checks as data (tests/check/README): NAME.gate over NAME.prom prints exactly NAME.out
for g in tests/check/*.gate; do
	[ -e "$g" ] || continue
	base=${g%.gate}
	args="--format human"
	[ -e "$base.args" ] && args=$(cat "$base.args")
	# shellcheck disable=SC2086 # the args are words
	{ ng check "$g" --input "$base.prom" $args 2>&1; echo "exit $?"; } >"$tmp/out"
	[ "${NG_UPDATE:-0}" = 1 ] && cp "$tmp/out" "$base.out"
	if cmp -s "$tmp/out" "$base.out"; then ok; else
		bad "$g: output differs"; diff "$base.out" "$tmp/out" >&2; fi
done

# 3c. completion cannot drift (tests/completion/drift.bash, run by bash for compgen): the options of
#     cli/options.c's table, those each command's parser takes, --help shows and bash and zsh offer
#     are the same; each check counts.  zsh's is skipped with a notice when zsh is not installed.
bash tests/completion/drift.bash "$NOVAGATE" "$tmp" >"$tmp/drift" 2>&1
while IFS= read -r line; do
	case $line in
	ok:*) ok ;;
	notice:* | ' '*) echo "$line" >&2 ;;
	*) bad "completion: $line" ;;
	esac
done <"$tmp/drift"
grep -q '^ok: each option of the table' "$tmp/drift" || bad "completion: tests/completion/drift.bash did not finish"

# 4. the gates in rules/ on their recorded inputs
if [ -f tests/rules/verdicts.tsv ]; then
	while IFS='	' read -r gatefile input gate verdict rule note; do
		case $gatefile in gatefile|'#'*|'') continue ;; esac
		ng check "$gatefile" --input "$input" --gate "$gate" >"$tmp/out" 2>"$tmp/err"; rc=$?
		case $verdict in go) want=0 ;; no-go) want=1 ;; rollback) want=2 ;; *) want=3 ;; esac
		got=$(jq -r '.verdict' "$tmp/out" 2>/dev/null)
		gotrule=$(jq -r '.decided_by.name // "-"' "$tmp/out" 2>/dev/null)
		if [ $rc -eq $want ] && [ "$got" = "$verdict" ] && [ "$gotrule" = "$rule" ]; then ok; else
			bad "$gatefile $input: got $got/$gotrule exit $rc, want $verdict/$rule exit $want ($note)"
			cat "$tmp/err" >&2
		fi
	done <tests/rules/verdicts.tsv
fi
# 4b. the queries of rules/ that their recorded inputs stand for, against promtool (tests/rules/queries.sh)
. tests/rules/queries.sh

# 5. man pages: lint-clean, and every example gate compiles
for m in man/*.[0-9]; do
	[ -e "$m" ] || continue
	if command -v mandoc >/dev/null 2>&1; then
		if [ -z "$(mandoc -T lint -W warning "$m" 2>&1)" ]; then ok; else bad "$m: mandoc -T lint"; mandoc -T lint -W warning "$m" >&2; fi
	fi
	awk -v dir="$tmp" '
		/^\.\\" example-begin / { name = $3; out = dir "/" name ".gate"; printf "" > out; next }
		/^\.\\" example-end/ { close(out); print name; name = ""; next }
		name != "" { print >> out }' "$m" >"$tmp/examples"
	while read -r ex; do
		if ng compile "$tmp/$ex.gate" >/dev/null 2>"$tmp/err"; then ok; else
			bad "$m: example '$ex' does not compile"; cat "$tmp/err" >&2; fi
	done <"$tmp/examples"
done

# 6. novagate test: the YAML tests of tests/rules/, tests/testrun/for.test.yaml and pop.test.yaml all
#    pass (each test counts); tests/testrun/failing.test.yaml and pop-failing.test.yaml print exactly
#    their .out and exit 1;
#    tests/testrun/malformed/NAME.test.yaml fails with exactly NAME.err on stderr and the status in
#    NAME.status (8, a malformed test file, when there is none); then --run, -v, --junit, usage;
#    --report DIR (tests/testrun/report.sh): a page of each failed test's check at its first
#    failure, named in the output, valid, of that window and verdict; none for those that pass
ng test tests/rules tests/testrun/for.test.yaml tests/testrun/pop.test.yaml tests/testrun/steps.test.yaml >"$tmp/out" 2>"$tmp/err"; rc=$?
line=$(tail -n 1 "$tmp/out")
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
if [ -n "$p" ] && [ "$p" -gt 0 ] && [ "$f" -eq 0 ] && [ $rc -eq 0 ] && [ ! -s "$tmp/err" ]; then
	pass=$((pass + p))
else
	bad "novagate test tests/rules tests/testrun/for.test.yaml tests/testrun/pop.test.yaml tests/testrun/steps.test.yaml: exit $rc, '$line'"
	cat "$tmp/out" "$tmp/err" >&2
fi
for t in failing pop-failing; do
	ng test "tests/testrun/$t.test.yaml" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -eq 1 ] && [ ! -s "$tmp/err" ] && cmp -s "$tmp/out" "tests/testrun/$t.out"; then ok; else
		bad "tests/testrun/$t.test.yaml: exit $rc (want 1) or output differs"; diff "tests/testrun/$t.out" "$tmp/out" >&2
		cat "$tmp/err" >&2; fi
done
for t in tests/testrun/malformed/*.test.yaml; do
	[ -e "$t" ] || continue
	base=${t%.test.yaml}
	want=8; [ -f "$base.status" ] && want=$(cat "$base.status")
	ng test "$t" >"$tmp/out" 2>"$tmp/err"; rc=$?
	if [ $rc -eq "$want" ] && [ "$(cat "$tmp/out")" = "0 passed, 0 failed" ] && cmp -s "$tmp/err" "$base.err"; then ok; else
		bad "$t: exit $rc (want $want) or diagnostics differ"; diff "$base.err" "$tmp/err" >&2; fi
done
ng test --run '^(exactly|NaN) ' -v tests/testrun/for.test.yaml >"$tmp/out" 2>&1; rc=$?
if [ $rc -eq 0 ] && [ "$(grep -c ': PASS: ' "$tmp/out")" -eq 2 ] && [ "$(tail -n 1 "$tmp/out")" = "2 passed, 0 failed" ]; then ok; else
	bad "novagate test --run -v: exit $rc"; cat "$tmp/out" >&2; fi
ng test --junit "$tmp/junit.xml" tests/testrun/for.test.yaml tests/testrun/failing.test.yaml \
	tests/testrun/malformed/names.test.yaml >/dev/null 2>&1; rc=$?
if [ $rc -eq 8 ] && [ "$(grep -c '<testcase ' "$tmp/junit.xml")" -eq 20 ] &&
   [ "$(grep -c '<failure ' "$tmp/junit.xml")" -eq 2 ] && [ "$(grep -c '<error ' "$tmp/junit.xml")" -eq 1 ] &&
   { ! command -v xmllint >/dev/null 2>&1 || xmllint --noout "$tmp/junit.xml"; }; then ok; else
	bad "novagate test --junit: exit $rc (want 8) or the XML is wrong"; cat "$tmp/junit.xml" >&2; fi
for args in "" "--run ( tests/rules" "--bogus tests/rules" "tests/unit"; do
	# shellcheck disable=SC2086
	ng test $args >/dev/null 2>&1; rc=$?
	if [ $rc -eq 4 ]; then ok; else bad "novagate test $args: exit $rc, want 4 (usage)"; fi
done
ng test tests/testrun/no-such.test.yaml >/dev/null 2>&1; rc=$?
if [ $rc -eq 7 ]; then ok; else bad "novagate test of a missing file: exit $rc, want 7"; fi
# YAML aliases cannot make a test file's time or messages outgrow it: 1,000 merges of a mapping
# into itself, 60 doublings, 500 tests merging one mapping of 200 bad keys (each shown once, the
# first 100); each is refused in moments with at most MAX lines
rep() { i=0; while [ $i -lt "$1" ]; do printf "$2" $i; i=$((i + 1)); done; }	# FORMAT with one %d
head="gate: $PWD/tests/testrun/for.gate\ntests:\n  - name: a\n    expect: [{ at: 0s, gate: hold, verdict: go }]\n"
{ printf "$head    series: &s\n"; rep 1000 '      <<: *s  # %d\n'; printf '      m: 1\n'; } >"$tmp/self.test.yaml"
{ printf "$head    series:\n      <<:\n        - &a0 {m: 1}\n"; i=1
  while [ $i -le 60 ]; do printf '        - &a%d {<<: [*a%d, *a%d]}\n' $i $((i - 1)) $((i - 1)); i=$((i + 1)); done
} >"$tmp/double.test.yaml"
{ printf "$head    series: &b {m: 1"; rep 200 ', x%d: 1'; printf '}\n'
  rep 500 '  - name: t%d\n    series: { <<: *b, m: 1 }\n    expect: [{ at: 0s, gate: hold, verdict: go }]\n'
} >"$tmp/shared.test.yaml"
for c in self:3 double:3 shared:301; do
	t=${c%:*} max=${c#*:}
	timeout 20 "$NOVAGATE" test "$tmp/$t.test.yaml" >/dev/null 2>"$tmp/err"; rc=$?
	n=$(grep -c ': error: ' "$tmp/err")
	if [ $rc -eq 8 ] && [ "$(wc -l <"$tmp/err")" -le $((max + 1)) ]; then ok; else
		bad "novagate test of aliases ($t): exit $rc (want 8, 124 is a timeout), $n errors (want at most $max lines)"; fi
done
. tests/testrun/report.sh

# 6b. examples/ (tests/examples/examples.sh): the YAML parses and has what its orchestrator
#     requires, the CI jobs' novagate lines run; it defines examples_live, which prom.sh calls with
#     its Prometheus to replay the Argo Rollouts and Flagger exchanges against novagate serve
. tests/examples/examples.sh

# 7. live sources (tests/prom/prom.sh): a misbehaving API of our own (fault statuses, retries, auth,
#    no credential printed, watch), then a real Prometheus and VictoriaMetrics on 127.0.0.1 loaded
#    with the recorded inputs of tests/rules/: the same verdicts as --input, record replays exactly,
#    recorded baselines.  The servers are skipped with a notice when not installed.
. tests/prom/prom.sh

# 8. the library exports the API and nothing else: every global symbol of
#    libnovagate.a is ng_*
if command -v nm >/dev/null 2>&1 && [ -f "$BUILD/libnovagate.a" ]; then
	others=$(nm -g --defined-only "$BUILD/libnovagate.a" | awk 'NF == 3 && $3 !~ /^ng_/ { print $3 }')
	apis=$(nm -g --defined-only "$BUILD/libnovagate.a" | awk 'NF == 3 && $3 ~ /^ng_/' | wc -l)
	if [ -z "$others" ] && [ "$apis" -gt 50 ]; then ok; else
		bad "libnovagate.a: $apis ng_ symbols; exported besides: $others"; fi
fi

# a program embedding the installed library (tests/embed/embed.c, built by
#    make check through pkg-config) prints exactly tests/embed/embed.out
if [ -x "$BUILD/embed/embed" ] && "$BUILD/embed/embed" >"$tmp/out" 2>&1 && cmp -s "$tmp/out" tests/embed/embed.out; then
	ok; else bad "tests/embed: the embedding program failed or printed otherwise"; diff tests/embed/embed.out "$tmp/out" >&2; fi

# libnovagate(3): its example programs build against the installed library and say go
prefix=$(cd "$BUILD" && pwd)/embed/prefix
mkdir -p "$tmp/cex"	# a folder of their own: an example's name is no other test's file
awk -v dir="$tmp/cex" '
	/^\.\\" example-c-begin / { name = $3; out = dir "/" name ".c"; printf "" > out; next }
	/^\.\\" example-c-end/ { close(out); print name; name = ""; next }
	name != "" && !/^\.(Bd|Ed)/ { gsub(/\\e/, "\\"); print >> out }' man/libnovagate.3 >"$tmp/cexamples"
while read -r ex; do
	# shellcheck disable=SC2046
	if [ -d "$prefix" ] && ${CC:-cc} -o "$tmp/cex/$ex" "$tmp/cex/$ex.c" $(PKG_CONFIG_PATH="$prefix/lib/pkgconfig" \
		pkg-config --cflags --libs novagate) ${SANFLAGS:-} 2>"$tmp/err" && "$tmp/cex/$ex" >"$tmp/out" 2>&1 &&
	   [ "$(cat "$tmp/out")" = go ]; then ok; else
		bad "libnovagate(3): example '$ex' does not build or run"; cat "$tmp/err" "$tmp/out" >&2; fi
done <"$tmp/cexamples"
[ -s "$tmp/cexamples" ] || bad "libnovagate(3): no example program found"

# 9. inputs that once crashed a fuzz entry point (tests/fuzz/crashes/TARGET/FILE) run
#    through it again, each a test: a fixed crash stays fixed
for d in tests/fuzz/crashes/*/; do
	[ -d "$d" ] || continue
	target=$(basename "$d")
	for f in "$d"*; do
		[ -f "$f" ] || continue
		if [ ! -x "$BUILD/fuzz/replay_$target" ]; then
			bad "$f: no fuzz entry point tests/fuzz/fuzz_$target.c"; continue; fi
		"$BUILD/fuzz/replay_$target" "$f" >"$tmp/out" 2>&1; rc=$?
		if [ $rc -eq 0 ] && [ ! -s "$tmp/out" ]; then ok; else
			bad "$f: replay_$target exit $rc"; cat "$tmp/out" >&2; fi
	done
done

# 10. per-series for against Prometheus (tests/diff/diff.sh): random series of m{pod=...}, late,
#     ended, NaN, gaps; any(m > 0.5 for D) must first fire when promtool test rules first has an
#     alert instance of m > 0.5 with for: D firing; skipped without promtool
. tests/diff/diff.sh

# 11. watch --input (tests/stream/stream.sh): samples through a FIFO that the writer holds open and
#     writes with pauses: each line before the end, a rollback's exit while the input goes on,
#     --max-duration and SIGTERM of a quiet input; each line is what check --at its step gives
. tests/stream/stream.sh

# 12. check --report FILE.html (tests/html/html.sh): the page of every recorded case of tests/rules
#     well formed, fetching and running nothing, with its verdict; a 1-hour window's under 500 kB;
#     in a headless Chromium (skipped with a notice without it) no fetch, no console message, the
#     charts and verdict after rendering, and a screenshot kept under $BUILD/html; its figures of
#     canary against baseline held against the human report and the JSON (tests/html/stats.sh)
. tests/html/html.sh
. tests/html/stats.sh
. tests/html/series.sh
. tests/html/edges.sh

# README and novagate(1): their gate-test examples pass.  They name
# ../../rules/canary.gate, so they run two folders below a link to rules/.
mkdir -p "$tmp/ex/a/b" && ln -sf "$PWD/rules" "$tmp/ex/rules"
awk '/^```yaml/ { f = 1; next } /^```/ { f = 0 } f' README.md >"$tmp/ex/a/b/readme.test.yaml"
awk '/^\.\\" example-test-begin / { f = 1; next } /^\.\\" example-test-end/ { f = 0 } f' man/novagate.1 \
	>"$tmp/ex/a/b/man.test.yaml"
for ex in readme man; do
	if [ -s "$tmp/ex/a/b/$ex.test.yaml" ] && ng test "$tmp/ex/a/b/$ex.test.yaml" >"$tmp/out" 2>&1; then ok; else
		bad "the $ex gate-test example"; cat "$tmp/out" >&2; fi
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
