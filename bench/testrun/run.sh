#!/bin/sh
# run.sh: `novagate test` against `promtool test rules` on the same generated cases (gen.sh), in one
# run; prints both times and their ratio. It prints the figures and never fails on them: the exit
# status is 0 unless the cases could not be generated.
#
#   make bench-test                  or   NOVAGATE=./novagate sh bench/testrun/run.sh
#   N=5000 make bench-test           more cases (default 1000)
#   PROMTOOL=/path/to/promtool       another promtool (default: promtool on PATH, Debian's prometheus)
set -u
: "${NOVAGATE:=./novagate}" "${N:=1000}" "${PROMTOOL:=promtool}"
here=$(dirname "$0")
dir=$(mktemp -d) || exit 1
trap 'rm -rf "$dir"' EXIT INT TERM

sh "$here/gen.sh" "$N" "$dir" || exit 1

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }

# novagate: the best of 3 runs, as it takes milliseconds
best=
for i in 1 2 3; do
	t0=$(now)
	"$NOVAGATE" test "$dir/bench.test.yaml" >"$dir/ng.out" 2>&1
	ngrc=$?
	t1=$(now)
	t=$(secs "$t0" "$t1")
	best=$(awk -v b="$best" -v t="$t" 'BEGIN { print (b == "" || t + 0 < b + 0) ? t : b }')
done
ngsum=$(tail -n 1 "$dir/ng.out")
printf 'novagate test:        %d tests, %s (exit %d), best of 3: %s s\n' "$N" "$ngsum" "$ngrc" "$best"
[ "$ngrc" -eq 0 ] || sed -n '1,20p' "$dir/ng.out"

if ! command -v "$PROMTOOL" >/dev/null 2>&1; then
	echo "promtool test rules:  $PROMTOOL not found (Debian package prometheus): no ratio"
	exit 0
fi
t0=$(now)
(cd "$dir" && "$PROMTOOL" test rules tests.yml) >"$dir/pt.out" 2>&1
ptrc=$?
t1=$(now)
pt=$(secs "$t0" "$t1")
if [ "$ptrc" -eq 0 ]; then ptsum="SUCCESS"; else ptsum="FAILED"; fi
printf 'promtool test rules:  %d test groups, %d alert checks, %s (exit %d): %s s  (%s)\n' "$N" \
	$((5 * N)) "$ptsum" "$ptrc" "$pt" "$("$PROMTOOL" --version 2>&1 | sed -n '1s/^promtool, //p')"
[ "$ptrc" -eq 0 ] || sed -n '1,20p' "$dir/pt.out"

awk -v ng="$best" -v pt="$pt" -v n="$N" 'BEGIN {
	ratio = ng > 0 ? pt / ng : 0
	printf "ratio:                novagate is %.0fx faster than promtool (goal: at least 50x)\n", ratio
	printf "per test:             novagate %.1f us, promtool %.1f ms; %d tests in under 1 s: %s\n",
		ng / n * 1e6, pt / n * 1e3, n, ng < 1 ? "yes" : "no"
}'
