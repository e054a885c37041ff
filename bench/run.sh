#!/bin/sh
# bench/run.sh: how fast `novagate check` reads long recorded inputs and how
# much memory it takes, next to other readers of the same files; and how
# fast `novagate compile [--dump]` compiles (and prints) long gate files;
# and the per-series case: many pods, each a series, through quantifiers
# (bench/pods.gate on inputs of bench/genpods.c).
# Run by `make bench` (NOVAGATE, BUILD set); see bench/README.md.
#
# Figures are printed, never asserted.  Fails only when a tool of its own
# cannot be built, an input cannot be made, or novagate errs or gives a
# verdict other than go on the (healthy) generated inputs, or does not
# compile a generated gate file, or gives a verdict other than go on a
# per-series input.
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
set -u
: "${NOVAGATE:=./novagate}" "${BUILD:=build}" "${CC:=cc}"
: "${BENCH_SIZES:=1000000 10000000}" "${BENCH_RUNS:=3}" "${BENCH_INTERVAL:=15}" "${BENCH_PEERS:=1}"
: "${BENCH_RULES=1000 10000}" "${BENCH_COMPILE_RUNS:=15}"
: "${PROMTOOL:=promtool}"
: "${BENCH_PODS=5000}" "${BENCH_POD_SECONDS:=3600}" "${BENCH_POD_LONG=14400}" "${BENCH_POD_WINDOWS=10m 30m}"
: "${BENCH_POD_PROMTOOL=500}" "${BENCH_PERF:=0}"
GATE=rules/canary.gate
PODGATE=bench/pods.gate
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
# Two series a pod, and a check takes at most 10,000 series (NG_MAX_SERIES_DEFAULT;
# the command line cannot change it yet).
[ -z "$BENCH_PODS" ] || [ "$BENCH_PODS" -le 5000 ] ||
	die "BENCH_PODS=$BENCH_PODS: more than 5000 pods is more than the 10,000 series a check takes"
[ -z "$BENCH_POD_PROMTOOL" ] || [ "$BENCH_POD_PROMTOOL" -le 5000 ] || die "BENCH_POD_PROMTOOL: at most 5000"

tmp=$(mktemp -d) || die "mktemp failed"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
t_start=$(date +%s)

# --- the tools of the benchmark itself --------------------------------------
mkdir -p "$OUT/bin" || die "cannot create $OUT"
GEN=$OUT/bin/gen RSS=$OUT/bin/rss GENPODS=$OUT/bin/genpods
$CC -O2 -o "$GEN" bench/gen.c -lm || die "cannot build bench/gen.c with $CC"
$CC -O2 -o "$GENPODS" bench/genpods.c -lm || die "cannot build bench/genpods.c with $CC"
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
	want="genpods=$(cksum < bench/genpods.c | cut -d' ' -f1) pods=$1 seconds=$2 order=$3"
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
