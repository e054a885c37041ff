#!/bin/sh
# bench/run.sh: how fast `novagate check` reads long recorded inputs and how
# much memory it takes, next to other readers of the same files; and how
# fast `novagate compile [--dump]` compiles (and prints) long gate files;
# and the per-series case: many pods, each a series, through quantifiers
# (bench/pods.gate on inputs of bench/genpods.c); and the statistics case:
# the functions over the last steps (mannwhitney, shift, ratio_test, ...)
# of bench/stats.gate and bench/podstats.gate on inputs of bench/genstats.c,
# next to scipy making the same tests on the same values.
# And how many verdicts a second `novagate serve` answers, cached and not,
# against a real Prometheus (bench/serve.sh), next to a `novagate check`
# process a decision and to Prometheus answering the same queries alone.
# Run by `make bench` (NOVAGATE, BUILD set); see bench/README.md.
#
# Figures are printed, never asserted.  Fails only when a tool of its own
# cannot be built, an input cannot be made, or novagate errs or gives a
# verdict other than go on the (healthy) generated inputs, or does not
# compile a generated gate file, or gives a verdict other than go on a
# per-series input or an input of the statistics case, or (under gdb) makes
# other tests than the bench counts there; or (the serve case) serve or
# Prometheus does not start, serve's answer is not check's report, or a
# cached question, or Prometheus alone, gets an answer other than 200.
#
# Knobs (environment):
#   BENCH_SIZES="1000000 10000000"  samples per input; one input file each
#   BENCH_RUNS=3                    runs per measurement; the best is shown
#   BENCH_RULES="1000 10000"        rules per generated gate file, one file each (empty: none)
#   BENCH_COMPILE_RUNS=15           runs per compile and compile --dump measurement (each takes ms)
#   BENCH_INTERVAL=15               seconds between two samples of a series
#   BENCH_PEERS=1                   0: novagate only
#   PROMTOOL=promtool               the promtool to compare with
#   BENCH_PODS=5000                 per-series case: pods, each a memory and a cpu series (empty: none)
#   BENCH_POD_SECONDS=3600          ... how long each series is (one sample every 15s)
#   BENCH_POD_LONG=14400            ... the long input of the memory check (empty: no memory check)
#   BENCH_POD_WINDOWS="10m 30m"     ... the gate's windows of the memory check
#   BENCH_POD_PROMTOOL=500          ... pods of the promtool test rules comparison (empty: none)
#   BENCH_PERF=0                    1: perf's top functions for each order of the per-series case
#                                   and for the longest window of each gate of the statistics case
#   BENCH_STATS="2h 24h 720h"       statistics case: windows of bench/stats.gate, whose ranges stay
#                                   2h, 1h, 5m (each at least 2h; empty: no statistics case); the
#                                   last is also the one of the per-function figures (100 tests
#                                   a function or more: 48000 steps, 200h, or longer)
#   BENCH_STATS_PODS=1000           ... pods of its per-series variant, bench/podstats.gate (empty: none)
#   BENCH_STATS_POD_WINDOWS="10m 1h"   ... that variant's windows; its range stays 10m (each at least 10m)
#   BENCH_STATS_PEER_MAX=100000     ... the most tests the scipy peer makes for one row (more: not run)
#   BENCH_STATS_GDB=1               ... count novagate's tests under gdb (when installed), fail unless
#                                   they are the bench's count; 0: not counted
#   PYTHON=/usr/bin/python3         the Python of the peer, with scipy and numpy (Debian python3-scipy)
#   BENCH_SERVE=1                   the serve case (bench/serve.sh): novagate serve against a real
#                                   Prometheus, cached and uncached, next to a check process a decision
#                                   and Prometheus alone; 0: none (skipped when Prometheus is missing)
#   BENCH_SERVE_CONNS="1 32"        ... the connections of each row
#   BENCH_SERVE_SECONDS=3           ... how long each cached row and each row of Prometheus alone runs
#   BENCH_SERVE_UNCACHED=250        ... the distinct questions of each uncached row (all of them at most 510)
#   BENCH_SERVE_CHECKS=30           ... the check processes of the peer's row
#   PROMETHEUS=prometheus           ... the Prometheus to run
set -u
: "${NOVAGATE:=./novagate}" "${BUILD:=build}" "${CC:=cc}"
: "${BENCH_SIZES:=1000000 10000000}" "${BENCH_RUNS:=3}" "${BENCH_INTERVAL:=15}" "${BENCH_PEERS:=1}"
: "${BENCH_RULES=1000 10000}" "${BENCH_COMPILE_RUNS:=15}"
: "${PROMTOOL:=promtool}"
: "${BENCH_PODS=5000}" "${BENCH_POD_SECONDS:=3600}" "${BENCH_POD_LONG=14400}" "${BENCH_POD_WINDOWS=10m 30m}"
: "${BENCH_POD_PROMTOOL=500}" "${BENCH_PERF:=0}"
: "${BENCH_STATS=2h 24h 720h}" "${BENCH_STATS_PODS=1000}" "${BENCH_STATS_POD_WINDOWS=10m 1h}"
: "${BENCH_STATS_PEER_MAX:=100000}" "${BENCH_STATS_GDB:=1}" "${PYTHON:=/usr/bin/python3}"
: "${BENCH_SERVE:=1}" "${BENCH_SERVE_CONNS:=1 32}" "${BENCH_SERVE_SECONDS:=3}" "${BENCH_SERVE_UNCACHED:=250}"
: "${BENCH_SERVE_CHECKS:=30}" "${PROMETHEUS:=prometheus}"
GATE=rules/canary.gate
PODGATE=bench/pods.gate
STATSGATE=bench/stats.gate
PODSTATSGATE=bench/podstats.gate
OUT=bench/out
GOAL_RATE=20	# M samples/s
GOAL_RSS=8	# MiB
GOAL_COMPILE_MS=20	# for a file of 10k rules
GOAL_POD_S=1	# seconds for 10,000 series over 1 h (2.4M samples), issue 11
PROMTOOL_KIB_PER_SAMPLE=0.4	# promtool check metrics holds the whole input: ~0.33 KiB a sample

die() { printf 'bench: %s\n' "$*" >&2; exit 1; }

[ -r "$GATE" ] || die "run from the top of the source tree (no $GATE here)"
[ -x "$NOVAGATE" ] || die "$NOVAGATE: not built (run make)"
case $BENCH_RUNS in '' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer" ;; esac
case $BENCH_COMPILE_RUNS in '' | *[!0-9]* | 0) die "BENCH_COMPILE_RUNS must be a positive integer" ;; esac
for v in "$BENCH_PODS" "$BENCH_POD_LONG" "$BENCH_POD_PROMTOOL"; do
	case $v in *[!0-9]* | 0) die "BENCH_PODS, BENCH_POD_LONG, BENCH_POD_PROMTOOL: a positive integer or empty" ;; esac
done
case $BENCH_POD_SECONDS in '' | *[!0-9]* | 0) die "BENCH_POD_SECONDS must be a positive integer" ;; esac
case $BENCH_STATS_PODS in *[!0-9]* | 0) die "BENCH_STATS_PODS: a positive integer or empty" ;; esac
case $BENCH_STATS_PEER_MAX in '' | *[!0-9]*) die "BENCH_STATS_PEER_MAX must be a whole number" ;; esac
case $BENCH_STATS_GDB in 0 | 1) ;; *) die "BENCH_STATS_GDB must be 0 or 1" ;; esac
# One series a pod and the baseline, under the 10,000 series a check takes.
[ -z "$BENCH_STATS_PODS" ] || [ "$BENCH_STATS_PODS" -le 9999 ] || die "BENCH_STATS_PODS: at most 9999"
# Two series a pod, and a check takes at most 10,000 series (NG_MAX_SERIES_DEFAULT;
# the command line cannot change it yet).
[ -z "$BENCH_PODS" ] || [ "$BENCH_PODS" -le 5000 ] ||
	die "BENCH_PODS=$BENCH_PODS: more than 5000 pods is more than the 10,000 series a check takes"
[ -z "$BENCH_POD_PROMTOOL" ] || [ "$BENCH_POD_PROMTOOL" -le 5000 ] || die "BENCH_POD_PROMTOOL: at most 5000"
case $BENCH_SERVE in 0 | 1) ;; *) die "BENCH_SERVE must be 0 or 1" ;; esac
nconns=0
for c in $BENCH_SERVE_CONNS; do
	case $c in '' | *[!0-9]* | 0) die "BENCH_SERVE_CONNS: '$c' is not a positive integer" ;; esac
	[ "$c" -le 1024 ] || die "BENCH_SERVE_CONNS: at most 1024 connections"
	nconns=$((nconns + 1))
done
[ "$nconns" -gt 0 ] || [ "$BENCH_SERVE" = 0 ] || die "BENCH_SERVE_CONNS: none"
case $BENCH_SERVE_SECONDS in '' | *[!0-9.]*) die "BENCH_SERVE_SECONDS must be a positive number" ;; esac
case $BENCH_SERVE_UNCACHED in '' | *[!0-9]* | 0) die "BENCH_SERVE_UNCACHED must be a positive integer" ;; esac
case $BENCH_SERVE_CHECKS in '' | *[!0-9]* | 0) die "BENCH_SERVE_CHECKS must be a positive integer" ;; esac
# serve keeps a result for its step and answers 503 beyond 512 kept (bench/serve.sh)
[ $((nconns * BENCH_SERVE_UNCACHED)) -le 510 ] ||
	die "BENCH_SERVE_UNCACHED x the connections of BENCH_SERVE_CONNS: at most 510 questions (serve keeps 512 results)"

tmp=$(mktemp -d) || die "mktemp failed"
serve_pid='' prom_pid=''
# the servers of the serve case (bench/serve.sh), stopped by their PIDs
serve_stop() {
	for p in $serve_pid $prom_pid; do kill "$p" 2> /dev/null; done
	for p in $serve_pid $prom_pid; do wait "$p" 2> /dev/null; done
	serve_pid='' prom_pid=''
}
trap 'serve_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
t_start=$(date +%s)

# --- the tools of the benchmark itself --------------------------------------
mkdir -p "$OUT/bin" || die "cannot create $OUT"
GEN=$OUT/bin/gen RSS=$OUT/bin/rss GENPODS=$OUT/bin/genpods GENSTATS=$OUT/bin/genstats HTTPLOAD=$OUT/bin/httpload
$CC -O2 -o "$GEN" bench/gen.c -lm || die "cannot build bench/gen.c with $CC"
$CC -O2 -o "$GENPODS" bench/genpods.c -lm || die "cannot build bench/genpods.c with $CC"
$CC -O2 -o "$GENSTATS" bench/genstats.c -lm || die "cannot build bench/genstats.c with $CC"
$CC -O2 -o "$RSS" bench/rss.c || die "cannot build bench/rss.c with $CC"
$CC -O2 -o "$HTTPLOAD" bench/httpload.c || die "cannot build bench/httpload.c with $CC"

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
	want="gen=$(cat bench/gen.c bench/genout.h | cksum | cut -d' ' -f1) samples=$n interval=$BENCH_INTERVAL"
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

dur_label() {	# 3600 -> 1h, 900 -> 15m, 45 -> 45s
	if [ $(($1 % 3600)) -eq 0 ]; then echo "$(($1 / 3600))h"
	elif [ $(($1 % 60)) -eq 0 ]; then echo "$(($1 / 60))m"
	else echo "${1}s"; fi
}

dur_secs() {	# 5m -> 300, 1h -> 3600, 1h30m -> 5400 (the gate's durations: h, m, s)
	awk -v d="$1" 'BEGIN {
		s = 0
		while (match(d, /^[0-9]+[hms]/)) {
			n = substr(d, 1, RLENGTH - 1); u = substr(d, RLENGTH, 1); d = substr(d, RLENGTH + 1)
			s += n * (u == "h" ? 3600 : u == "m" ? 60 : 1)
		}
		if (d != "" || s == 0) exit 1
		print s
	}'
}

# pods_file PODS SECONDS ORDER: the name of genpods' input.
pods_file() {
	echo "$OUT/pods-$(label "$1")-$(dur_label "$2")-$3.prom"
}

# make_pods PODS SECONDS ORDER: pods_file, made by genpods unless it is there
# and its stamp matches (as make_input).  Two series a pod, one sample every 15s.
make_pods() {
	f=$(pods_file "$1" "$2" "$3")
	want="genpods=$(cat bench/genpods.c bench/genout.h | cksum | cut -d' ' -f1) pods=$1 seconds=$2 order=$3"
	if [ -f "$f" ] && [ -f "$f.stamp" ] &&
	   [ "$(cat "$f.stamp")" = "$want bytes=$(wc -c < "$f" | tr -d ' ')" ]; then
		printf '  %-36s reused (%s samples)\n' "$f" "$((2 * $1 * ($2 / 15)))"
		return 0
	fi
	rm -f "$f" "$f.stamp"
	"$GENPODS" "$1" "$2" 15 "$3" > "$f.tmp" || { rm -f "$f.tmp"; die "genpods $1 $2 15 $3 failed"; }
	got=$(grep -vc '^#' "$f.tmp")
	[ "$got" -eq $((2 * $1 * ($2 / 15))) ] || { rm -f "$f.tmp"; die "genpods $1 $2 15 $3 wrote $got samples"; }
	mv "$f.tmp" "$f" || die "cannot write $f"
	echo "$want bytes=$(wc -c < "$f" | tr -d ' ')" > "$f.stamp"
	printf '  %-36s generated (%s samples, %s bytes)\n' "$f" "$got" "$(wc -c < "$f" | tr -d ' ')"
}

# pods_gate WINDOW: bench/pods.gate with another window, as bench/out/pods-wWINDOW.gate.
pods_gate() {
	g=$OUT/pods-w$1.gate
	sed "s/^  window 10m\$/  window $1/" "$PODGATE" > "$g" || die "cannot write $g"
	grep -q "^  window $1\$" "$g" || die "$PODGATE has no line '  window 10m'"
	echo "$g"
}

# make_gate N: bench/out/gate-<N>.gate, N rules; made each run (it takes ms).
make_gate() {
	g=$OUT/gate-$(label "$1").gate
	sh bench/gengate.sh "$1" > "$g.tmp" || { rm -f "$g.tmp"; die "gengate.sh $1 failed"; }
	mv "$g.tmp" "$g" || die "cannot write $g"
	printf '  %-28s generated (%s rules, %s lines, %s bytes)\n' "$g" "$1" \
		"$(wc -l < "$g" | tr -d ' ')" "$(wc -c < "$g" | tr -d ' ')"
}

# --- the statistics case's inputs and gates --------------------------------
# window_gate GATE WINDOW FROM: GATE with the window WINDOW instead of FROM,
# as bench/out/<name>-wWINDOW.gate.
window_gate() {
	g=$OUT/$(basename "$1" .gate)-w$2.gate
	sed "s/^  window $3\$/  window $2/" "$1" > "$g" || die "cannot write $g"
	grep -q "^  window $2\$" "$g" || die "$1 has no line '  window $3'"
	echo "$g"
}

# gate_window GATE: the window GATE is written with.
gate_window() {
	sed -n 's/^  window \([0-9hms]*\)$/\1/p' "$1" | head -n 1
}

# stats_hists GATE: GATE's histories, one a line: "OPCODE RANGE_SECONDS SOURCE"
# (from its compiled code; times(C) without a range: 0).
stats_hists() {
	"$NOVAGATE" compile --dump "$1" < /dev/null > "$tmp/dump" 2>&1 || { cat "$tmp/dump" >&2; die "novagate compile --dump $1 failed"; }
	awk '$2 ~ /^(MWU|SHIFT|RATIOTEST|BURN|TIMES)$/ && !seen[$3]++ { s = $0; sub(/^[^;]*; /, "", s); print $2, $4, s }' \
		"$tmp/dump" | while read -r op r src; do echo "$op $(dur_secs "$r" || echo 0) $src"; done
}

# one_gate GATE WINDOW COND TAG: GATE at WINDOW without its rollback rules,
# and with `observe "one" when COND` if COND is not empty (an observe rule is
# evaluated at every step, never decides), as bench/out/<name>-TAG.gate.
one_gate() {
	g=$OUT/$(basename "$1" .gate)-$4.gate
	awk -v w="$2" -v e="$3" '/^  window / { print "  window " w; next } /^  rollback / { next }
		/^  go when/ && e != "" { print "  observe \"one\" when " e } { print }' "$1" > "$g" || die "cannot write $g"
	echo "$g"
}

# stats_range GATE: the range of its first mannwhitney(), in seconds.
stats_range() {
	stats_hists "$1" | awk '$1 == "MWU" { print $2; exit }'
}

# stats_file KIND WINDOW: the name of genstats' input (KIND canary or pods).
stats_file() {
	case $1 in
	canary) echo "$OUT/stats-canary-w$2.prom" ;;
	*) echo "$OUT/stats-pods-$(label "$BENCH_STATS_PODS")-w$2.prom" ;;
	esac
}

# make_stats KIND WINDOW RANGE_S: stats_file, made by genstats on every run
# (it takes ms): the window, the range and the lookback (5m) of samples.
make_stats() {
	f=$(stats_file "$1" "$2")
	secs=$(($(dur_secs "$2") + $3 + 300))
	case $1 in
	canary) set -- canary "$secs"; sn=6 ;;
	*) set -- pods "$BENCH_STATS_PODS" "$secs"; sn=$((BENCH_STATS_PODS + 1)) ;;
	esac
	"$GENSTATS" "$@" > "$f.tmp" || { rm -f "$f.tmp"; die "genstats $* failed"; }
	got=$(grep -vc '^#' "$f.tmp")
	[ "$got" -eq $((sn * (secs / 15))) ] || { rm -f "$f.tmp"; die "genstats $* wrote $got samples"; }
	mv "$f.tmp" "$f" || die "cannot write $f"
	printf '  %-36s generated (%s samples, %s bytes)\n' "$f" "$got" "$(wc -c < "$f" | tr -d ' ')"
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
expect_go() {	# WHAT [GATE]
	read -r _ _ _ st < "$tmp/best"
	if [ "$st" -ne 0 ] || ! grep -q "^{\"gate\":\"${2:-canary}\",.*\"verdict\":\"go\"" "$tmp/out"; then
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
if [ -n "$BENCH_PODS" ]; then
	for o in time series; do
		make_pods "$BENCH_PODS" "$BENCH_POD_SECONDS" "$o"
		[ -z "$BENCH_POD_LONG" ] || [ -z "$BENCH_POD_WINDOWS" ] || make_pods "$BENCH_PODS" "$BENCH_POD_LONG" "$o"
	done
	[ "$BENCH_PEERS" = 0 ] || [ -z "$BENCH_POD_PROMTOOL" ] || make_pods "$BENCH_POD_PROMTOOL" "$BENCH_POD_SECONDS" series
fi
# the statistics case: the ranges of the tests, from the gates' code; each window at least a range
# stats_inputs KNOB KIND GATE WINDOW...: make_stats KIND for each window, each checked against GATE's range
stats_inputs() {
	knob=$1 kind=$2 sgate=$3
	shift 3
	range=$(stats_range "$sgate")
	[ -n "$range" ] || die "$sgate has no mannwhitney()"
	for w in "$@"; do
		if ! ws=$(dur_secs "$w") || [ $((ws % 15)) -ne 0 ] || [ "$ws" -lt "$range" ]; then
			die "$knob: '$w' is not a whole number of 15s of at least $(dur_label "$range")"
		fi
		make_stats "$kind" "$w" "$range"
	done
}
if [ -n "$BENCH_STATS" ]; then
	# shellcheck disable=SC2086 # the windows are words
	stats_inputs BENCH_STATS canary "$STATSGATE" $BENCH_STATS
	srange=$range
	# shellcheck disable=SC2086
	[ -z "$BENCH_STATS_PODS" ] || stats_inputs BENCH_STATS_POD_WINDOWS pods "$PODSTATSGATE" $BENCH_STATS_POD_WINDOWS
	prange=$range
fi

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

# --- per series -------------------------------------------------------------
# bench/pods.gate: BENCH_PODS pods, each a series of memory and one of cpu,
# through any(... for 2m), count(...) >= N, fraction(...), all(...) and
# count(M); the same samples laid out in time order (concatenated scrapes:
# every series at t, then t + 15s) and in series order (a recording: every
# sample of one series, then the next).
: > "$tmp/pgoals"
if [ -n "$BENCH_PODS" ]; then
	nser=$((2 * BENCH_PODS)) per=$((BENCH_POD_SECONDS / 15))
	n=$((nser * per))
	ft=$(pods_file "$BENCH_PODS" "$BENCH_POD_SECONDS" time)
	fs=$(pods_file "$BENCH_PODS" "$BENCH_POD_SECONDS" series)
	measure "$BENCH_RUNS" arg /dev/null "$NOVAGATE" --version
	read -r _ _ k0 _ < "$tmp/best"	# the start-up's RSS: not the series'
	base_s=
	echo
	printf '%s: per series: %s pods x {memory, cpu} = %s series x %s samples (%s, one every 15s) = %s samples, %s MiB\n' \
		"$PODGATE" "$BENCH_PODS" "$nser" "$per" "$(dur_label "$BENCH_POD_SECONDS")" "$n" \
		"$(awk -v b="$(wc -c < "$ft")" 'BEGIN { printf "%.1f", b / 1048576 }')"
	printf '  %-46s %8s %8s %9s %10s %9s %9s\n' tool seconds "cpu s" "M samp/s" "peak MiB" \
		"time/ng" "RSS/ng"
	for o in time series; do
		case $o in time) f=$ft ;; *) f=$fs ;; esac
		measure "$BENCH_RUNS" arg "$f" "$NOVAGATE" check "$PODGATE" --input "$f"
		expect_go "check $PODGATE --input $f" pods
		row "novagate check --input FILE ($o order)"
		read -r s c k _ < "$tmp/best"
		echo "$o $s $c $k" >> "$tmp/pgoals"
		[ "$o" = time ] || continue
		measure "$BENCH_RUNS" pipe "$f" "$NOVAGATE" check "$PODGATE" --input -
		expect_go "check $PODGATE --input - (from a pipe)" pods
		row "novagate check --input - ($o, cat FILE |)"
	done
	if [ "$BENCH_PEERS" != 0 ]; then
		name="promtool check metrics < FILE (series, 1 run)"
		if ! command -v "$PROMTOOL" > /dev/null 2>&1; then
			row "$name" "skipped (not installed)"
		else
			need=$(awk -v n="$n" -v k="$PROMTOOL_KIB_PER_SAMPLE" 'BEGIN { printf "%d", n * k }')
			avail=$(mem_avail_kib)
			if [ "$avail" -gt 0 ] && [ "$avail" -lt "$need" ]; then
				row "$name" "skipped (needs ~$((need / 1024)) MiB, $((avail / 1024)) MiB available)"
			else
				measure 1 stdin "$fs" "$PROMTOOL" check metrics
				row "$name"
			fi
			row "promtool check metrics < FILE (time order)" \
			    "not run: expfmt takes each family once (\"second HELP line\")"
		fi
		measure "$BENCH_RUNS" arg "$ft" wc -l "$ft"
		row "wc -l FILE"
		# shellcheck disable=SC2016 # awk's $2
		measure "$BENCH_RUNS" arg "$ft" awk '{ s += $2 } END { print s }' "$ft"
		row "awk '{ s += \$2 } END { print s }' FILE ($(awk_name))"
	fi
	# per sample, next to the single-series case; per series, next to what the window needs
	w=$(sed -n 's/^  window \([0-9hms]*\)$/\1/p' "$PODGATE" | head -n 1)
	ws=$(dur_secs "$w") || die "$PODGATE: cannot read its window"
	read -r cn _ cs _ < "$tmp/goals" 2>/dev/null || cn=
	awk -v n="$n" -v nser="$nser" -v k0="$k0" -v cn="${cn:-0}" -v cs="${cs:-0}" -v w="$w" -v ws="$ws" \
	    -v per="$per" '
		$1 == "time" { t = $2; kt = $4 } $1 == "series" { s = $2; ks = $4 }
		END {
			printf "  per sample   %.0f ns (time order), %.0f ns (series order)", t / n * 1e9, s / n * 1e9
			if (cn > 0)
				printf "; single series (canary, %s samples): %.0f ns: %.1fx and %.1fx that", \
				       cn, cs / cn * 1e9, t / n / (cs / cn), s / n / (cs / cn)
			need = (ws + 300) / 15 + 1; if (need > per) need = per
			printf "\n  per series   %.2f KiB (time order), %.2f KiB (series order): peak RSS less start-up (%.1f MiB), / %d series;\n", \
			       (kt - k0) / nser, (ks - k0) / nser, k0 / 1024, nser
			printf "               the window (%s) and lookback (5m) need %d samples a series, %.2f KiB at 16 bytes a sample\n", \
			       w, need, need * 16 / 1024
		}' "$tmp/pgoals"
	echo "k0 $k0" >> "$tmp/pgoals"

	# memory: RSS against the window and against the input's length
	if [ -n "$BENCH_POD_LONG" ] && [ -n "$BENCH_POD_WINDOWS" ]; then
		echo
		printf '%s: peak RSS by window and input length (%s series, one run each)\n' "$PODGATE" "$nser"
		printf '  %-8s %-8s %-7s %10s %8s %8s %10s %12s %13s\n' window input order samples seconds "cpu s" \
			"peak MiB" "KiB/series" "need KiB/ser"
		for w in $BENCH_POD_WINDOWS; do
			if ! ws=$(dur_secs "$w") || [ $((ws % 15)) -ne 0 ]; then
				die "BENCH_POD_WINDOWS: '$w' is not a whole number of 15s"
			fi
			g=$(pods_gate "$w")
			for secs in "$BENCH_POD_SECONDS" "$BENCH_POD_LONG"; do
				for o in time series; do
					f=$(pods_file "$BENCH_PODS" "$secs" "$o")
					measure 1 arg "$f" "$NOVAGATE" check "$g" --input "$f"
					expect_go "check $g --input $f" pods
					read -r s c k _ < "$tmp/best"
					echo "mem $w $secs $o $k $ws" >> "$tmp/pgoals"
					awk -v w="$w" -v in_="$(dur_label "$secs")" -v o="$o" -v s="$s" -v c="$c" -v k="$k" \
					    -v k0="$k0" -v nser="$nser" -v ws="$ws" -v per="$((secs / 15))" 'BEGIN {
						need = (ws + 300) / 15 + 1; if (need > per) need = per
						printf "  %-8s %-8s %-7s %10d %8.3f %8.3f %10.1f %12.2f %13.2f\n", w, in_, o, \
						       nser * per, s, c, k / 1024, (k - k0) / nser, need * 16 / 1024 }'
				done
			done
		done
	fi

	# promtool test rules: the same rules, on fewer pods, every 15s over the whole input
	if [ "$BENCH_PEERS" != 0 ] && [ -n "$BENCH_POD_PROMTOOL" ]; then
		pn=$((2 * BENCH_POD_PROMTOOL * per))
		fp=$(pods_file "$BENCH_POD_PROMTOOL" "$BENCH_POD_SECONDS" series)
		echo
		printf '%s against promtool test rules: %s pods x {memory, cpu} = %s series, %s samples, every 15s over %s\n' \
			"$PODGATE" "$BENCH_POD_PROMTOOL" "$((2 * BENCH_POD_PROMTOOL))" "$pn" "$(dur_label "$BENCH_POD_SECONDS")"
		printf '  %-46s %8s %8s %9s %10s %9s %9s\n' tool seconds "cpu s" "M samp/s" "peak MiB" \
			"time/ng" "RSS/ng"
		base_s=
		n=$pn
		g=$(pods_gate "$(((per - 1) * 15))s")
		measure "$BENCH_RUNS" arg "$fp" "$NOVAGATE" check "$g" --input "$fp"
		expect_go "check $g --input $fp" pods
		row "novagate check, window $(dur_label $(((per - 1) * 15))) ($per evaluations)"
		measure "$BENCH_RUNS" arg "$fp" "$NOVAGATE" check "$PODGATE" --input "$fp"
		expect_go "check $PODGATE --input $fp" pods
		row "novagate check, window 10m (41 evaluations)"
		name="promtool test rules ($per evaluations, 1 run)"
		if ! command -v "$PROMTOOL" > /dev/null 2>&1; then
			row "$name" "skipped (not installed)"
		else
			mkdir -p "$tmp/pt"
			sh bench/podsprom.sh "$fp" "$tmp/pt" || die "podsprom.sh $fp failed"
			measure 1 arg "$tmp/pt/tests.yml" "$PROMTOOL" test rules "$tmp/pt/tests.yml"
			grep -q SUCCESS "$tmp/out" || { cat "$tmp/out" "$tmp/err" | head -n 20 >&2; die "promtool test rules: no SUCCESS"; }
			row "$name"
		fi
	fi

	if [ "$BENCH_PERF" = 1 ]; then
		if ! command -v perf > /dev/null 2>&1; then
			echo "  perf: not installed"
		else
			for o in time series; do
				f=$(pods_file "$BENCH_PODS" "$BENCH_POD_SECONDS" "$o")
				echo
				echo "perf record novagate check $PODGATE --input $f: the functions over 2% of the time (self)"
				if perf record -F 4000 -o "$tmp/perf.data" "$NOVAGATE" check "$PODGATE" --input "$f" \
				    > /dev/null 2> "$tmp/perf.err"; then
					perf report -i "$tmp/perf.data" --no-children --stdio --percent-limit 2 2> /dev/null |
						awk '/^ *[0-9.]+%/ { printf "  %7s  %s\n", $1, $NF }' | head -n 20
				else
					sed -n '1,3p' "$tmp/perf.err"
				fi
			done
		fi
	fi
fi

# --- statistics over the last steps -------------------------------------------
# bench/stats.gate (a canary against its baseline: mannwhitney, shift and
# ratio_test over 2h, burn_rate over 1h and 5m, times over 5m) at each window
# of BENCH_STATS, and bench/podstats.gate (a Mann-Whitney test a pod over
# 10m, BENCH_STATS_PODS pods against one baseline) at each window of
# BENCH_STATS_POD_WINDOWS, on inputs of bench/genstats.c.  Every history
# takes its values at every evaluation (O(1) a step); burn_rate sums its
# ring at every step (O(n) a step, n the range's steps), times() counts as
# it goes (O(1)).  A test (mannwhitney, shift, ratio_test) runs only at the
# window's last step and at every step a whole range before it, on disjoint
# ranges, while its range is whole: of W evaluations, steps k (0-based, the
# last k = W - 1) with (W - 1 - k) % n == 0 and k >= n - 1, floor(W / n) of
# them; at other steps it does no work.  The report then recomputes, at the
# last step, each history outside a quantifier (a mannwhitney its shift
# too), and of one in a quantifier those of the deciding series it shows
# (--top, 5); also at the step a rollback fired, which a go never has.  The
# peer, scipy and numpy, makes as many tests, of the same sizes, on the same
# values, at the same steps; under gdb (BENCH_STATS_GDB=1) the bench counts
# novagate's calls of the three tests and fails if they are not as many.

STATS_TOP=5	# novagate check's --top, not passed: the deciding series of a quantifier its report shows

# stats_tests HISTS EVALS PODS: "MWU HL FISHER", how many Mann-Whitney tests,
# Hodges-Lehmann shifts and Fisher tests novagate computes (PODS 0: the
# histories are in no quantifier; else in one whose PODS series all decide,
# as the gates' any() false, or true of every pod).  The gates' step is 15s.
stats_tests() {
	awk -v w="$2" -v pods="$3" -v top="$STATS_TOP" '
		{
			n = int(($2 + 14) / 15); t = n > 0 && w >= n ? int(w / n) : 0
			rep = !t ? 0 : !pods ? 1 : pods < top ? pods : top	# the report at the last step
			k = t * (pods ? pods : 1) + rep
		}
		$1 == "MWU" { mw += k; hl += rep }
		$1 == "SHIFT" { hl += k }
		$1 == "RATIOTEST" { f += k }
		END { print mw + 0, hl + 0, f + 0 }' "$1"
}

# stats_count GATE FILE MWU HL FISHER: with BENCH_STATS_GDB=1 and gdb, count
# the calls of stats_mannwhitney, stats_hodges_lehmann and
# stats_fisher_greater in `novagate check GATE --input FILE` under gdb's
# breakpoints; dies unless they are MWU HL FISHER.  Counted checks are added
# to $tmp/counted; when gdb cannot count (no symbols, no ptrace), says why
# once and counts no more.
stats_count() {
	[ "$stats_gdb" = 1 ] || return 0
	gdb -q -batch -nx -x "$tmp/count.gdb" --args "$NOVAGATE" check "$1" --input "$2" < /dev/null > "$tmp/gdb.out" 2>&1
	# breakpoints 1, 2, 3 in count.gdb's order (by number: one of several locations names no function)
	got=$(awk '/^[0-9]+ +breakpoint +keep/ { b = $1; nb++ } /already hit/ { h[b] = $4 }
		/^\[Inferior 1 .* exited/ { ran = 1 }
		END { if (nb == 3 && ran) print h[1] + 0, h[2] + 0, h[3] + 0 }' "$tmp/gdb.out")
	if [ -z "$got" ]; then
		echo "  tests      not counted under gdb: $(grep -m 1 -iv '^warning' "$tmp/gdb.out" | cut -c1-100)"
		stats_gdb=0
		return 0
	fi
	[ "$got" = "$3 $4 $5" ] ||
		die "novagate check $1 --input $2 under gdb: $got calls of stats_mannwhitney, stats_hodges_lehmann," \
		    "stats_fisher_greater; the bench counts $3 $4 $5 (stats_tests, bench/statspeer.py)"
	echo "$got" >> "$tmp/counted"
}

# stats_counted WHAT: the line of what stats_count counted, then none again.
stats_counted() {
	[ -s "$tmp/counted" ] &&
		awk -v what="$1" '{ mw += $1; hl += $2; f += $3; n++ }
			END { printf "  tests      counted under gdb (breakpoints on the three tests) in %d checks of %s: %d + %d + %d, as the bench counts\n",
			      n, what, mw, hl, f }' "$tmp/counted"
	: > "$tmp/counted"
}

# stats_row NAME WINDOW EVALS N TESTS EVH: a row from $tmp/best; EVH is
# evaluations x histories (x pods in a quantifier).  Leaves novagate's CPU
# microseconds a test in $ng_us.
stats_row() {
	read -r s c k _ < "$tmp/best"
	ng_us=$(awk -v c="$c" -v t="$5" 'BEGIN { printf "%.3f", t ? c / t * 1e6 : 0 }')
	awk -v name="$1" -v w="$2" -v ev="$3" -v n="$4" -v t="$5" -v evh="$6" -v s="$s" -v c="$c" -v k="$k" 'BEGIN {
		printf "  %-38s %6s %6d %7s %8d %8.3f %8.3f %8.2f %9s %8.1f %8s\n", name, w, ev, n, t, s, c,
		       c / evh * 1e6, t ? sprintf("%.1f", c / t * 1e6) : "-", k / 1024, "1.00x" }'
}

# stats_peer NAME WINDOW N TESTS ARG...: run bench/statspeer.py ARG... (one
# run) and print its row, its calls and its check; TESTS: how many it makes.
stats_peer() {
	p_name=$1 p_w=$2 p_n=$3 p_tests=$4
	shift 4
	: > "$tmp/peerout"
	if [ -z "$peer_ok" ]; then
		row "$p_name" "skipped (not installed: $PYTHON with scipy and numpy)"
		return
	fi
	if [ "$p_tests" -gt "$BENCH_STATS_PEER_MAX" ]; then
		row "$p_name" "not run ($p_tests tests, more than BENCH_STATS_PEER_MAX=$BENCH_STATS_PEER_MAX)"
		return
	fi
	measure 1 arg "$1" "$PYTHON" bench/statspeer.py "$@"
	read -r _ _ k st < "$tmp/best"
	if [ "$st" -ne 0 ]; then
		row "$p_name" "failed (exit status $st: $(tail -n 1 "$tmp/err"))"
		return
	fi
	cp "$tmp/out" "$tmp/peerout"
	awk -v name="$p_name" -v w="$p_w" -v n="$p_n" -v k="$k" -v ng="$ng_us" '
		$1 == "check" { sub(/^check /, ""); check = $0; next }
		NF == 4 { calls[++nf] = $1; cnt[nf] = $2; s += $3; c += $4; cc[nf] = $4; t += $2 }
		END {
			label["mannwhitneyu"] = "mannwhitneyu"; label["shift"] = "median(subtract.outer)"
			us = t ? c / t * 1e6 : 0
			printf "  %-38s %6s %6s %7s %8d %8.3f %8.3f %8s %9.1f %8.1f %7.2fx\n", name, w, "-", n, t, s, c,
			       "-", us, k / 1024, (ng > 0 ? us / ng : 0)
			line = ""
			for (i = 1; i <= nf; i++)
				if (cnt[i])
					line = line sprintf("%s%s %d x %.1f us", line == "" ? "" : ", ",
							    calls[i] in label ? label[calls[i]] : calls[i], cnt[i], cc[i] / cnt[i] * 1e6)
			printf "      %s (CPU a call, in-process)\n", line
			if (check != "")
				printf "      %s\n", check
		}' "$tmp/out"
}

# stats_ref OPCODE SOURCE: an expression that reads at every step what the
# history SOURCE reads (mannwhitney(X, R), shift(X, R): X and its baseline;
# ratio_test(E, N, R): E, N and their baselines; burn_rate(X, SLO, R): X;
# times(C, R): C), without a history.
stats_ref() {
	awk -v op="$1" -v s="$2" 'BEGIN {
		sub(/^[a-z_]+\(/, "", s); sub(/\)$/, "", s)
		n = 0; d = 0; a = ""
		for (i = 1; i <= length(s); i++) {
			ch = substr(s, i, 1)
			if (ch == "(") d++
			else if (ch == ")") d--
			if (ch == "," && d == 0) { arg[++n] = a; a = ""; continue }
			a = a ch
		}
		arg[++n] = a
		for (i = 1; i <= n; i++) { sub(/^ +/, "", arg[i]); sub(/ +$/, "", arg[i]) }
		if (op == "MWU" || op == "SHIFT") print arg[1] " >= baseline(" arg[1] ")"
		else if (op == "RATIOTEST") print arg[1] " + " arg[2] " >= baseline(" arg[1] ") + baseline(" arg[2] ")"
		else if (op == "BURN") print arg[1] " >= 0"
		else print arg[1]
	}'
}

# stats_split GATE NAME WINDOW FILE PODS EVALS: per function, at WINDOW on
# FILE, from GATE's histories in $tmp/hists (NAME: the gate's name in the
# report): the CPU of GATE cut down to one observe rule of that function
# (`observe "one" when mannwhitney(p99, 2h) >= 0`, in any() when PODS > 0:
# evaluated at every step, never deciding) less that of GATE cut down to an
# observe rule reading the same operands at every step without a history
# (stats_ref), over its tests (a test with its share of its history's
# upkeep, n steps) or, for burn_rate and times, over the evaluations; next
# to it the peer's CPU a call, from $tmp/peerout.  The two gates run in
# turn, BENCH_RUNS times but at least 15, and the difference is the median
# of the pairs': the CPU of a run of either swings by half on a loaded
# machine, and the best of a few is one lucky run.
stats_split() {
	s_gate=$1 s_name=$2 s_w=$3 s_f=$4 s_pods=$5 s_ev=$6
	s_runs=$BENCH_RUNS
	[ "$s_runs" -ge 15 ] || s_runs=15
	: > "$tmp/split"
	while read -r op _ hsrc; do
		e="$hsrc >= 0" r=$(stats_ref "$op" "$hsrc")
		[ "$s_pods" = 0 ] || { e="any($e)" r="any($r)"; }
		gr=$(one_gate "$s_gate" "$s_w" "$r" ref)
		g=$(one_gate "$s_gate" "$s_w" "$e" one)
		# the two gates in turn, so that the machine's load weighs on both alike
		: > "$tmp/runs.ref"
		: > "$tmp/runs.one"
		s_i=0
		while [ "$s_i" -lt "$s_runs" ]; do
			s_i=$((s_i + 1))
			for s_x in ref one; do
				[ "$s_x" = ref ] && s_g=$gr || s_g=$g
				measure 1 arg "$s_f" "$NOVAGATE" check "$s_g" --input "$s_f"
				expect_go "check $s_g --input $s_f" "$s_name"
				cat "$tmp/runs" >> "$tmp/runs.$s_x"
			done
		done
		d=$(paste "$tmp/runs.ref" "$tmp/runs.one" | awk '{ print $6 - $2 }' | sort -g |
			awk '{ d[NR] = $1 } END { print NR % 2 ? d[(NR + 1) / 2] : (d[NR / 2] + d[NR / 2 + 1]) / 2 }')
		stats_hists "$g" > "$tmp/hists1"
		stats_tests "$tmp/hists1" "$s_ev" "$s_pods" > "$tmp/tests1"
		read -r mw hl fx < "$tmp/tests1"
		stats_count "$g" "$s_f" "$mw" "$hl" "$fx"
		echo "$op $mw $hl $fx $d $hsrc" >> "$tmp/split"
	done < "$tmp/hists"
	printf '  per function at %s: the CPU of a gate of that one function (an observe rule) less a gate reading\n' "$s_w"
	printf '  its operands at every step without it (the median of %d pairs of runs); over its tests (a test with its n steps\n' \
		"$s_runs"
	printf '  of upkeep) or over the %d evaluations%s; next to it the peer'"'"'s CPU a call from its row above\n' \
		"$s_ev" "$([ "$s_pods" = 0 ] || echo " x $s_pods pods")"
	awk -v ev="$s_ev" -v pods="$s_pods" '
		FNR == NR { k++; op[k] = $1; mw[k] = $2; hl[k] = $3; f[k] = $4; d[k] = $5
			    s = $0; for (j = 0; j < 5; j++) sub(/^[^ ]+ /, "", s); src[k] = s
			    if ($1 == "SHIFT") hlus = $5 / $3
			    next }
		NF == 4 { pn[$1] = $2; pcpu[$1] = $4 }
		END {
			peer["MWU"] = "mannwhitneyu"; peer["SHIFT"] = "shift"; peer["RATIOTEST"] = "fisher_exact"
			label["mannwhitneyu"] = "scipy mannwhitneyu"; label["shift"] = "numpy median(subtract.outer)"
			label["fisher_exact"] = "scipy fisher_exact"
			for (i = 1; i <= k; i++) {
				if (op[i] == "BURN" || op[i] == "TIMES") {
					printf "    %-40s %6d steps %7.3f us a step%s\n", src[i], ev * (pods ? pods : 1),
					       d[i] / (ev * (pods ? pods : 1)) * 1e6,
					       op[i] == "BURN" ? " (its ring summed)" : " (its counts kept)"
					continue
				}
				n = op[i] == "MWU" ? mw[i] : op[i] == "SHIFT" ? hl[i] : f[i]
				# a mannwhitney computes its shift too, for the report
				us = (d[i] - (op[i] == "MWU" ? hl[i] * hlus : 0)) / n * 1e6
				p = peer[op[i]]
				line = sprintf("    %-40s %6d tests %7.1f us", src[i], n, us)
				if (pn[p] > 0)
					line = line sprintf("    %-28s %8.1f us %7.1fx", label[p], pcpu[p] / pn[p] * 1e6,
							    (us > 0 ? pcpu[p] / pn[p] * 1e6 / us : 0))
				print line
			}
		}' "$tmp/split" "$tmp/peerout"
}

# perf_top GATE FILE: perf's top functions (self time) of a check.
perf_top() {
	if ! command -v perf > /dev/null 2>&1; then
		echo "  perf: not installed"
		return
	fi
	echo
	echo "perf record novagate check $1 --input $2: the functions over 2% of the time (self)"
	if perf record -F 4000 -o "$tmp/perf.data" "$NOVAGATE" check "$1" --input "$2" > /dev/null 2> "$tmp/perf.err"; then
		perf report -i "$tmp/perf.data" --no-children --stdio --percent-limit 2 2> /dev/null |
			awk '/^ *[0-9.]+%/ { printf "  %7s  %s\n", $1, $NF }' | head -n 20
	else
		sed -n '1,3p' "$tmp/perf.err"
	fi
}

stats_head() {
	printf '  %-38s %6s %6s %7s %8s %8s %8s %8s %9s %8s %8s\n' tool window evals n/side tests seconds "cpu s" \
		"us/ev*h" "us/test" "peak MiB" "test/ng"
}

# stats_marginal EVALS_AND_CPU_FILE WHAT: from the first window to the last,
# CPU seconds more over evaluations (x pods) more.
stats_marginal() {
	awk -v what="$2" 'NR == 1 { e0 = $1; c0 = $2; w0 = $3 } { e1 = $1; c1 = $2; w1 = $3 }
		END {
			if (NR > 1 && e1 > e0)
				printf "  marginal   %.2f us %s: %s - %s, %.3f s more CPU for %d more\n",
				       (c1 - c0) / (e1 - e0) * 1e6, what, w1, w0, c1 - c0, e1 - e0
		}' "$1"
}

# stats_cost EVALS_AND_CPU_FILE N: at how many evaluations a test of N steps runs.
stats_cost() {
	awk -v n="$2" '{ line = line sprintf("%s%d of %d at %s", NR > 1 ? ", " : "", $4 >= n ? int($4 / n) : 0, $4, $3) }
		END { printf "  cost       a test runs at the last step and every %d before it, its range whole: floor(W / %d) of W evaluations,\n             %s\n", n, n, line }' "$1"
}

peer_ok=
if [ -n "$BENCH_STATS" ] && [ "$BENCH_PEERS" != 0 ] &&
   "$PYTHON" -c 'import numpy, scipy.stats' > /dev/null 2>&1; then
	peer_ok=1
fi
stats_gdb=0
: > "$tmp/counted"
if [ -n "$BENCH_STATS" ] && [ "$BENCH_STATS_GDB" = 1 ]; then
	if command -v gdb > /dev/null 2>&1; then
		stats_gdb=1
		for fn in stats_mannwhitney stats_hodges_lehmann stats_fisher_greater; do
			printf 'break %s\ncommands\nsilent\ncontinue\nend\n' "$fn"
		done > "$tmp/count.gdb"
		printf 'run\ninfo breakpoints\n' >> "$tmp/count.gdb"
	fi
fi
if [ -n "$BENCH_STATS" ]; then
	stats_hists "$STATSGATE" > "$tmp/hists"
	nh=$(wc -l < "$tmp/hists" | tr -d ' ')
	echo
	printf '%s: the functions over the last steps, a canary against its baseline (bench/genstats.c, one sample every 15s)\n' \
		"$STATSGATE"
	awk '{
		split("MWU mannwhitney SHIFT shift RATIOTEST ratio_test BURN burn_rate TIMES times", m, " ")
		for (i = 1; i < 10; i += 2) if (m[i] == $1) f = m[i + 1]
		r = $2 % 3600 == 0 ? $2 / 3600 "h" : $2 % 60 == 0 ? $2 / 60 "m" : $2 "s"
		line = line sprintf("%s%s %s (%d steps)", NR > 1 ? ", " : "", f, $2 ? r : "since the window began",
				    int(($2 + 14) / 15))
	} END { printf "  histories  %d: %s\n", NR, line }' "$tmp/hists"
	[ "$BENCH_STATS_GDB" = 1 ] && [ "$stats_gdb" = 0 ] && echo "  tests      not counted under gdb: gdb not installed"
	stats_head
	: > "$tmp/smarg"
	sw0=$(gate_window "$STATSGATE")
	sn=$(((srange + 14) / 15))
	for w in $BENCH_STATS; do
		g=$(window_gate "$STATSGATE" "$w" "$sw0")
		f=$(stats_file canary "$w")
		measure "$BENCH_RUNS" arg "$f" "$NOVAGATE" check "$g" --input "$f"
		expect_go "check $g --input $f" stats
		cp "$tmp/out" "$tmp/report.json"
		ev=$(sed -n 's/.*"evaluations":\([0-9]*\).*/\1/p' "$tmp/out" | head -n 1)
		stats_tests "$tmp/hists" "$ev" 0 > "$tmp/tests"
		read -r mw hl fx < "$tmp/tests"
		row_t=$((mw + hl + fx))
		stats_row "novagate check --input FILE" "$w" "$ev" "$sn/$sn" "$row_t" "$((ev * nh))"
		read -r _ c _ _ < "$tmp/best"
		echo "$ev $c $w $ev" >> "$tmp/smarg"
		stats_count "$g" "$f" "$mw" "$hl" "$fx"
		: > "$tmp/peerout"
		[ "$BENCH_PEERS" = 0 ] || stats_peer "scipy/numpy, the same tests (1 run)" "$w" "$sn/$sn" "$row_t" \
			canary "$f" "$ev" "$sn" "$mw" "$hl" "$fx" "$tmp/report.json"
	done
	# per function, at the last window
	sg=$g
	if [ $((ev / sn)) -lt 100 ]; then
		echo "  per function: not measured (fewer than 100 tests a function at $w: $((ev / sn)))"
	else
		stats_split "$STATSGATE" stats "$w" "$f" 0 "$ev"
	fi
	stats_counted "$STATSGATE"
	stats_marginal "$tmp/smarg" "an evaluation (reading, 6 histories, burn_rate's sums, the tests' share)"
	stats_cost "$tmp/smarg" "$sn"
	if [ "$BENCH_PERF" = 1 ]; then
		perf_top "$sg" "$f"
	fi

	if [ -n "$BENCH_STATS_PODS" ] && [ -n "$BENCH_STATS_POD_WINDOWS" ]; then
		stats_hists "$PODSTATSGATE" > "$tmp/hists"
		nh=$(wc -l < "$tmp/hists" | tr -d ' ')
		pw0=$(gate_window "$PODSTATSGATE")
		sn=$(((prange + 14) / 15))
		echo
		printf '%s: per series: %s pods, each a series of lat, against one baseline, mannwhitney(lat, %s) a pod\n' \
			"$PODSTATSGATE" "$BENCH_STATS_PODS" "$(dur_label "$prange")"
		stats_head
		: > "$tmp/smarg"
		for w in $BENCH_STATS_POD_WINDOWS; do
			g=$(window_gate "$PODSTATSGATE" "$w" "$pw0")
			f=$(stats_file pods "$w")
			measure "$BENCH_RUNS" arg "$f" "$NOVAGATE" check "$g" --input "$f"
			expect_go "check $g --input $f" podstats
			cp "$tmp/out" "$tmp/report.json"
			ev=$(sed -n 's/.*"evaluations":\([0-9]*\).*/\1/p' "$tmp/out" | head -n 1)
			stats_tests "$tmp/hists" "$ev" "$BENCH_STATS_PODS" > "$tmp/tests"
			read -r mw hl fx < "$tmp/tests"
			stats_row "novagate check --input FILE" "$w" "$ev" "$sn/$sn" "$((mw + hl))" "$((ev * nh * BENCH_STATS_PODS))"
			read -r _ c _ _ < "$tmp/best"
			echo "$((ev * BENCH_STATS_PODS)) $c $w $ev" >> "$tmp/smarg"
			stats_count "$g" "$f" "$mw" "$hl" "$fx"
			: > "$tmp/peerout"
			[ "$BENCH_PEERS" = 0 ] || stats_peer "scipy/numpy, the same tests (1 run)" "$w" "$sn/$sn" "$((mw + hl))" \
				pods "$f" "$ev" "$sn" "$mw" "$hl" "$tmp/report.json"
		done
		s_per=$((ev / sn))	# tests a pod
		if [ $((s_per * BENCH_STATS_PODS)) -lt 100 ]; then
			echo "  per function: not measured (fewer than 100 tests at $w)"
		else
			stats_split "$PODSTATSGATE" podstats "$w" "$f" "$BENCH_STATS_PODS" "$ev"
		fi
		stats_counted "$PODSTATSGATE"
		stats_marginal "$tmp/smarg" "an evaluation of a pod (reading, its history, the quantifiers, the tests' share)"
		stats_cost "$tmp/smarg" "$sn"
		if [ "$BENCH_PERF" = 1 ]; then
			perf_top "$g" "$f"
		fi
	fi
fi

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

# --- serve ------------------------------------------------------------------
if [ "$BENCH_SERVE" = 1 ]; then
	# shellcheck source=bench/serve.sh
	. bench/serve.sh
	serve_case
fi

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

[ -z "$BENCH_PODS" ] || awk -v goal="$GOAL_POD_S" -v nser="$((2 * ${BENCH_PODS:-0}))" \
    -v secs="$BENCH_POD_SECONDS" -v long="${BENCH_POD_LONG:-0}" '
	function lab(s) { return s % 3600 == 0 ? s / 3600 "h" : s % 60 == 0 ? s / 60 "m" : s "s" }
	$1 == "time" || $1 == "series" { t[$1] = $2 }
	$1 == "k0" { k0 = $2 }
	$1 == "mem" { k[$2, $3, $4] = $5; if (!($2 in seen)) { seen[$2] = 1; w[++nw] = $2; ws[nw] = $6 } }
	END {
		line = sprintf("time order %.2f s, series order %.2f s", t["time"], t["series"])
		printf "  %-32s %s: %s  -> %s\n", sprintf("%d series x %s in < %d s", nser, lab(secs), goal),
		       "check", line, t["time"] < goal && t["series"] < goal ? "met" : "NOT met"
		if (!nw || !long)
			exit
		# bounded: the long input takes no more than the short one at the same window,
		# when the short one already holds all the window and lookback need
		for (i = 1; i <= nw; i++) {
			line = ""; ok = 1
			if (secs < ws[i] + 300) {
				printf "  %-32s %s: not compared (the %s input is shorter than window + lookback)\n",
				       i == 1 ? "RSS by series x window, not input" : "", "window " w[i], lab(secs)
				continue
			}
			split("time series", o, " ")
			for (j = 1; j <= 2; j++) {
				a = k[w[i], secs, o[j]]; b = k[w[i], long, o[j]]
				line = line sprintf("%s%s order %.1f -> %.1f MiB", j > 1 ? ", " : "", o[j], a / 1024, b / 1024)
				if (b > a * 1.1 + 1024) ok = 0
			}
			printf "  %-32s %s: %s  -> %s\n", i == 1 ? "RSS by series x window, not input" : "",
			       sprintf("window %s, %s -> %s input", w[i], lab(secs), lab(long)), line, ok ? "met" : "NOT met"
		}
	}' "$tmp/pgoals"

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
