#!/bin/sh
# bench/run.sh: how fast `novagate check` reads long recorded inputs and how
# much memory it takes, next to other readers of the same files; and how
# fast `novagate compile [--dump]` compiles (and prints) long gate files.
# Run by `make bench` (NOVAGATE, BUILD set); see bench/README.md.
#
# Figures are printed, never asserted.  Fails only when a tool of its own
# cannot be built, an input cannot be made, or novagate errs or gives a
# verdict other than go on the (healthy) generated inputs, or does not
# compile a generated gate file.
#
# Knobs (environment):
#   BENCH_SIZES="1000000 10000000"  samples per input; one input file each
#   BENCH_RUNS=3                    runs per measurement; the best is shown
#   BENCH_RULES="1000 10000"        rules per generated gate file, one file each (empty: none)
#   BENCH_COMPILE_RUNS=15           runs per compile and compile --dump measurement (each takes ms)
#   BENCH_INTERVAL=15               seconds between two samples of a series
#   BENCH_PEERS=1                   0: novagate only
#   PROMTOOL=promtool               the promtool to compare with
set -u
: "${NOVAGATE:=./novagate}" "${BUILD:=build}" "${CC:=cc}"
: "${BENCH_SIZES:=1000000 10000000}" "${BENCH_RUNS:=3}" "${BENCH_INTERVAL:=15}" "${BENCH_PEERS:=1}"
: "${BENCH_RULES=1000 10000}" "${BENCH_COMPILE_RUNS:=15}"
: "${PROMTOOL:=promtool}"
GATE=rules/canary.gate
OUT=bench/out
GOAL_RATE=20	# M samples/s
GOAL_RSS=8	# MiB
GOAL_COMPILE_MS=20	# for a file of 10k rules
PROMTOOL_KIB_PER_SAMPLE=0.4	# promtool check metrics holds the whole input: ~0.33 KiB a sample

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[ -r "$GATE" ] || die "run from the top of the source tree (no $GATE here)"
[ -x "$NOVAGATE" ] || die "$NOVAGATE: not built (run make)"
case $BENCH_RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer" ;; esac
case $BENCH_COMPILE_RUNS in '' | *[!0-9]* | 0) die "BENCH_COMPILE_RUNS must be a positive integer" ;; esac

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
t_start=$(date +%s)

# --- the tools of the benchmark itself --------------------------------------
mkdir -p "$OUT/bin" || die "cannot create $OUT"
GEN=$OUT/bin/gen RSS=$OUT/bin/rss
$CC -O2 -o "$GEN" bench/gen.c -lm || die "cannot build bench/gen.c with $CC"
$CC -O2 -o "$RSS" bench/rss.c || die "cannot build bench/rss.c with $CC"

# --- inputs -----------------------------------------------------------------
label() {	# 10000000 -> 10M
	case $1 in
	*000000) echo "${1%000000}M" ;;
	*000) echo "${1%000}k" ;;
	*) echo "$1" ;;
	esac
}

# make_input N: bench/out/canary-<N>.prom, made by gen unless it is there and
# its stamp (gen's source, N, interval, size in bytes) matches.
make_input() {
	n=$1
	f=$OUT/canary-$(label "$n").prom
	want="gen=$(cksum < bench/gen.c | cut -d' ' -f1) samples=$n interval=$BENCH_INTERVAL"
	if [ -f "$f" ] && [ -f "$f.stamp" ] &&
	   [ "$(cat "$f.stamp")" = "$want bytes=$(wc -c < "$f" | tr -d ' ')" ]; then
		printf '  %-28s reused (%s samples)\n' "$f" "$n"
		return 0
	fi
	rm -f "$f" "$f.stamp"
	"$GEN" "$n" "$BENCH_INTERVAL" > "$f.tmp" || { rm -f "$f.tmp"; die "gen $n failed"; }
	got=$(grep -vc '^#' "$f.tmp")
	[ "$got" -eq "$n" ] || { rm -f "$f.tmp"; die "gen $n wrote $got samples"; }
	mv "$f.tmp" "$f" || die "cannot write $f"
	echo "$want bytes=$(wc -c < "$f" | tr -d ' ')" > "$f.stamp"
	printf '  %-28s generated (%s samples, %s bytes)\n' "$f" "$n" "$(wc -c < "$f" | tr -d ' ')"
}

# make_gate N: bench/out/gate-<N>.gate, N rules; made each run (it takes ms).
make_gate() {
	g=$OUT/gate-$(label "$1").gate
	sh bench/gengate.sh "$1" > "$g.tmp" || { rm -f "$g.tmp"; die "gengate.sh $1 failed"; }
	mv "$g.tmp" "$g" || die "cannot write $g"
	printf '  %-28s generated (%s rules, %s lines, %s bytes)\n' "$g" "$1" \
		"$(wc -l < "$g" | tr -d ' ')" "$(wc -c < "$g" | tr -d ' ')"
}

# --- measuring --------------------------------------------------------------
# measure RUNS MODE FILE CMD [ARG]...: run CMD RUNS times under rss.
# MODE: arg (CMD names FILE itself), stdin (< FILE), pipe (cat FILE |).
# Leaves in $tmp/best "SECONDS CPU_SECONDS MAX_RSS_KIB WORST_STATUS" (the
# fastest run's times, the largest RSS and exit status of all runs), the last
# run's stdout and stderr in $tmp/out and $tmp/err.
measure() {
	runs=$1 mode=$2 src=$3
	shift 3
	: > "$tmp/runs"
	i=0
	while [ "$i" -lt "$runs" ]; do
		i=$((i + 1))
		# shellcheck disable=SC2002 # the pipe is the point
		case $mode in
		arg) "$RSS" "$tmp/r" "$@" < /dev/null > "$tmp/out" 2> "$tmp/err" ;;
		stdin) "$RSS" "$tmp/r" "$@" < "$src" > "$tmp/out" 2> "$tmp/err" ;;
		pipe) cat "$src" | "$RSS" "$tmp/r" "$@" > "$tmp/out" 2> "$tmp/err" ;;
		esac
		[ -s "$tmp/r" ] || { cat "$tmp/err" >&2; die "cannot run $1"; }
		cat "$tmp/r" >> "$tmp/runs"
		rm -f "$tmp/r"
	done
	awk 'NR == 1 || $1 < s { s = $1; c = $2 }
	     $3 > k { k = $3 } $4 > x { x = $4 }
	     END { print s, c, k + 0, x + 0 }' "$tmp/runs" > "$tmp/best"
}

# The generated inputs are healthy canaries: novagate must say go (exit 0).
expect_go() {	# WHAT
	read -r _ _ _ st < "$tmp/best"
	if [ "$st" -ne 0 ] || ! grep -q '^{"gate":"canary",.*"verdict":"go"' "$tmp/out"; then
		cat "$tmp/err" >&2
		cut -c1-300 "$tmp/out" | head -n 3 >&2
		v=$(sed -n 's/.*"verdict":"\([^"]*\)".*/\1/p' "$tmp/out" | head -n 1)
		die "novagate $1: exit status $st, verdict ${v:-none}; want 0 and go"
	fi
}

# row NAME: one line of the table from $tmp/best; the first row of an input
# (novagate) is the base of the ratios.  row NAME NOTE: a row without figures.
row() {
	if [ $# -gt 1 ]; then
		printf '  %-46s %s\n' "$1" "$2"
		return
	fi
	read -r s c k st < "$tmp/best"
	[ -n "${base_s:-}" ] || { base_s=$s base_k=$k; }
	note=
	[ "$st" -eq 0 ] || note="  (exit status $st)"
	awk -v name="$1" -v s="$s" -v c="$c" -v k="$k" -v n="$n" -v bs="$base_s" -v bk="$base_k" \
	    -v note="$note" 'BEGIN {
		printf "  %-46s %8.3f %8.3f %9.2f %10.1f %8.2fx %8.1fx%s\n",
		       name, s, c, n / s / 1e6, k / 1024, s / bs, k / bk, note }'
}

mem_avail_kib() {
	awk '$1 == "MemAvailable:" { print $2; f = 1 } END { if (!f) print 0 }' /proc/meminfo 2>/dev/null || echo 0
}

awk_name() {
	v=$(awk -W version 2>/dev/null < /dev/null | head -n 1)
	case $v in
	mawk*) echo mawk ;;
	*GNU\ Awk*) echo gawk ;;
	*BusyBox*) echo busybox ;;
	*) echo awk ;;
	esac
}

# --- the run ----------------------------------------------------------------
echo "novagate bench: $GATE on generated recordings (one sample every ${BENCH_INTERVAL}s per series)"
rev=$(git rev-parse --short HEAD 2>/dev/null) &&
	{ git diff --quiet HEAD -- src include grammar 2>/dev/null || rev="$rev + uncommitted changes"; }
cpu=$(awk -F': *' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null)
echo "  binary    $NOVAGATE ($($NOVAGATE --version 2>/dev/null | head -n 1)${rev:+, tree $rev})"
echo "  machine   ${cpu:-unknown CPU}, $(getconf _NPROCESSORS_ONLN 2>/dev/null || echo '?') cores," \
     "load average $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
echo "  method    best of $BENCH_RUNS runs (wall clock); peak RSS = ru_maxrss from wait4," \
     "largest of the runs (bench/rss.c)"
echo
echo "inputs (bench/out, made once, reused while gen.c and the size match):"
for n in $BENCH_SIZES; do
	case $n in '' | *[!0-9]* | 0) die "BENCH_SIZES: '$n' is not a positive integer" ;; esac
	make_input "$n"
done
for n in $BENCH_RULES; do
	case $n in '' | *[!0-9]* | 0) die "BENCH_RULES: '$n' is not a positive integer" ;; esac
	make_gate "$n"
done

: > "$tmp/goals"
for n in $BENCH_SIZES; do
	f=$OUT/canary-$(label "$n").prom
	base_s=
	echo
	printf '%s: %s samples, %s MiB\n' "$f" "$n" "$(awk -v b="$(wc -c < "$f")" 'BEGIN { printf "%.1f", b / 1048576 }')"
	printf '  %-46s %8s %8s %9s %10s %9s %9s\n' tool seconds "cpu s" "M samp/s" "peak MiB" \
		"time/ng" "RSS/ng"

	measure "$BENCH_RUNS" arg "$f" "$NOVAGATE" check "$GATE" --input "$f"
	expect_go "check $GATE --input $f"
	row "novagate check --input FILE"
	read -r s c k _ < "$tmp/best"
	echo "$n file $s $k" >> "$tmp/goals"

	measure "$BENCH_RUNS" pipe "$f" "$NOVAGATE" check "$GATE" --input -
	expect_go "check $GATE --input - (from a pipe)"
	row "novagate check --input - (cat FILE |)"
	read -r s c k _ < "$tmp/best"
	echo "$n pipe $s $k" >> "$tmp/goals"

	[ "$BENCH_PEERS" = 0 ] && continue

	# Prometheus' own text-format parser (prometheus/common expfmt), with lint
	name="promtool check metrics < FILE"
	if ! command -v "$PROMTOOL" > /dev/null 2>&1; then
		row "$name" "skipped (not installed)"
	else
		need=$(awk -v n="$n" -v k="$PROMTOOL_KIB_PER_SAMPLE" 'BEGIN { printf "%d", n * k }')
		avail=$(mem_avail_kib)
		runs=$BENCH_RUNS
		[ "$n" -lt 5000000 ] || { runs=1; name="$name (1 run)"; }
		if [ "$avail" -gt 0 ] && [ "$avail" -lt "$need" ]; then
			row "$name" "skipped (needs ~$((need / 1024)) MiB, $((avail / 1024)) MiB available)"
		else
			measure "$runs" stdin "$f" "$PROMTOOL" check metrics
			row "$name"
		fi
	fi

	# floors: read the bytes and count lines; split fields and add a column
	measure "$BENCH_RUNS" arg "$f" wc -l "$f"
	row "wc -l FILE"
	aw=$(awk_name)
	# shellcheck disable=SC2016 # awk's $2
	measure "$BENCH_RUNS" arg "$f" awk '{ s += $2 } END { print s }' "$f"
	row "awk '{ s += \$2 } END { print s }' FILE ($aw)"
done

# --- compiling --------------------------------------------------------------
# The whole of `novagate compile FILE`: read, parse, check, generate code;
# and of `compile --dump FILE`, which also prints every instruction with
# its source lines (about 3 KiB of output a rule).
: > "$tmp/cgoals"
if [ -n "$BENCH_RULES" ]; then
	echo
	echo "novagate compile [--dump] FILE on generated gate files (bench/gengate.sh), best of $BENCH_COMPILE_RUNS runs:"
	printf '  %-46s %8s %8s %9s %10s %9s\n' file ms "cpu ms" "us/rule" "peak MiB" "time/1st"
fi
base_s=''
base_d=''
for n in $BENCH_RULES; do
	g=$OUT/gate-$(label "$n").gate
	for dump in "" --dump; do
		# shellcheck disable=SC2086 # $dump is a word or none
		measure "$BENCH_COMPILE_RUNS" arg "$g" "$NOVAGATE" compile $dump "$g"
		read -r s c k st < "$tmp/best"
		[ "$st" -eq 0 ] || { cat "$tmp/err" >&2; die "novagate compile $dump $g: exit status $st; want 0"; }
		if [ -z "$dump" ]; then
			[ -n "$base_s" ] || { base_s=$s base_n=$n; }
			bs=$base_s
			echo "$n $s" >> "$tmp/cgoals"
		else
			[ -n "$base_d" ] || base_d=$s
			bs=$base_d
		fi
		awk -v name="${dump:+--dump }$g ($(label "$n") rules)" -v s="$s" -v c="$c" -v k="$k" -v n="$n" \
		    -v bs="$bs" -v bn="$base_n" 'BEGIN {
			printf "  %-46s %8.2f %8.2f %9.2f %10.1f %8.2fx  (%.1fx the rules)\n",
			       name, s * 1000, c * 1000, s / n * 1e6, k / 1024, s / bs, n / bn }'
	done
done

# --- goals ------------------------------------------------------------------
echo
echo "goals (printed, not enforced):"
awk -v goal="$GOAL_RATE" -v grss="$GOAL_RSS" '
	function lab(n) { return n % 1000000 == 0 ? n / 1000000 "M" : n % 1000 == 0 ? n / 1000 "k" : n }
	{
		m = $2; k = ++cnt[m]; n[m, k] = $1
		rate[m, k] = $1 / $3 / 1e6; rss[m, k] = $4 / 1024
	}
	END {
		split("file pipe", modes, " ")
		name["file"] = "--input FILE"; name["pipe"] = "--input -   "
		for (j = 1; j <= 2; j++) {
			m = modes[j]; line = ""; ok = 1
			for (k = 1; k <= cnt[m]; k++) {
				line = line sprintf("%s%.1f (%s)", k > 1 ? ", " : "", rate[m, k], lab(n[m, k]))
				if (rate[m, k] < goal) ok = 0
			}
			printf "  %-32s %s: %s  -> %s\n", j == 1 ? sprintf(">= %d M samples/s on one core", goal) : "",
			       name[m], line, ok ? "met" : "NOT met"
		}
		for (j = 1; j <= 2; j++) {
			m = modes[j]; line = ""; ok = 1
			for (k = 1; k <= cnt[m]; k++) {
				line = line sprintf("%s%.2f MiB (%s)", k > 1 ? ", " : "", rss[m, k], lab(n[m, k]))
				if (rss[m, k] >= grss) ok = 0
			}
			d = cnt[m] > 1 ? sprintf(", %s - %s: %+d KiB", lab(n[m, cnt[m]]), lab(n[m, 1]),
						 (rss[m, cnt[m]] - rss[m, 1]) * 1024) : ""
			printf "  %-32s %s: %s  -> %s%s\n", j == 1 ? sprintf("peak RSS < %d MiB, any length", grss) : "",
			       name[m], line, ok ? "met" : "NOT met", d
		}
	}' "$tmp/goals"
awk -v goal="$GOAL_COMPILE_MS" '
	function lab(n) { return n % 1000000 == 0 ? n / 1000000 "M" : n % 1000 == 0 ? n / 1000 "k" : n }
	$1 == 10000 { line = sprintf("%.1f ms (%s)", $2 * 1000, lab($1)); ok = $2 * 1000 < goal }
	END {
		printf "  %-32s %s: %s  -> %s\n", sprintf("10k rules compile in < %d ms", goal), "compile FILE",
		       line == "" ? "not measured (BENCH_RULES has no 10000)" : line, line == "" ? "-" : ok ? "met" : "NOT met"
	}' "$tmp/cgoals"

# What a process of novagate takes before it reads anything: loader, libraries.
measure "$BENCH_RUNS" arg /dev/null "$NOVAGATE" --version
read -r s _ k _ < "$tmp/best"
awk -v s="$s" -v k="$k" 'BEGIN { printf "  %-32s %s: %.2f MiB, %.1f ms\n", "", "start-up alone (novagate --version)", k / 1024, s * 1000 }'

# The same figure as GNU time reports it, when it is installed.
if [ -x /usr/bin/time ]; then
	# shellcheck disable=SC2086 # split on purpose
	set -- $BENCH_SIZES
	while [ $# -gt 1 ]; do shift; done
	f=$OUT/canary-$(label "$1").prom
	k=$(/usr/bin/time -f %M "$NOVAGATE" check "$GATE" --input "$f" 2>&1 > /dev/null | tail -n 1)
	echo "  cross-check: /usr/bin/time -f %M novagate check on $(label "$1"): $k KiB"
fi
load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null)
awk -v l="${load:-0}" 'BEGIN { exit !(l > 0.7) }' &&
	echo "  note: the machine is busy (load average $load now): figures are pessimistic;" \
	     "BENCH_RUNS=5 or a quiet machine gives steadier ones"
echo
echo "done in $(( $(date +%s) - t_start )) s"
