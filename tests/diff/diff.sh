# tests/diff/diff.sh: per-series `for` against Prometheus' rule engine (issue 11; see
# tests/diff/README).  Each case, made by gen.c from its seed, is a few series of m{pod=...};
# novagate's `rollback "x" when any(m > 0.5 for D)` must first fire at the step at which
# `promtool test rules` first has an alert instance of `m > 0.5` with `for: D` firing, or
# neither ever; and the series its report says were true then must be those alert instances.
#
# Sourced by tests/run.sh (it uses ng, ok, bad, $tmp, $CC): seeds 1 to DIFF_CASES (100; 5 with
# NG_VALGRIND=1), one test each, and the lookback's edge (gen edge).  Or alone, to rerun cases,
# keeping their files in DIFF_KEEP (default /tmp/novagate-diff/SEED):
#   NOVAGATE=build/novagate sh tests/diff/diff.sh SEED... [edge]
# Skipped, with a notice, without promtool.
if command -v ok >/dev/null 2>&1; then
	df_alone=0
	df_count=100; [ "${NG_VALGRIND:-0}" = 1 ] && df_count=5	# valgrind is slow: a few cases
	df_seeds="$(i=1; while [ $i -le "${DIFF_CASES:-$df_count}" ]; do echo $i; i=$((i + 1)); done) edge"
	df_dir=$tmp/diff
else	# run alone
	set -u
	df_alone=1 pass=0 fail=0
	: "${NOVAGATE:=./novagate}"
	ok() { pass=$((pass + 1)); }
	bad() { fail=$((fail + 1)); printf 'FAIL: %s\n' "$*" >&2; }
	ng() { "$NOVAGATE" "$@"; }
	df_seeds=$*
	[ -n "$df_seeds" ] || { echo "usage: sh tests/diff/diff.sh SEED... [edge]" >&2; exit 4; }
	df_dir=${DIFF_KEEP:-/tmp/novagate-diff}
fi
df_t0=1700006400	# time 0 of promtool's tests: 2023-11-15T00:00:00Z (gen.c's T0)
mkdir -p "$df_dir"

# df_promtool DIR: run DIR/test.yml, which expects no firing alert at every step.  promtool fails
# it at each step that has one, writing
#     alertname: x, time: 1m15s,
# followed by the alerts it got, one Labels:{alertname="x", pod="b"} each.  Prints the earliest
# such time in seconds and its pods ("75 a,b"), "-" when the test passed (no alert ever fired), and
# nothing when the output is neither (an error of promtool's).
df_promtool() {
	promtool test rules "$1/test.yml" >"$1/promtool.out" 2>&1
	df_prc=$?
	awk -v rc=$df_prc '
		function secs(d,   s, n, u) {	# a Prometheus duration: 1h2m15s, 45s, 0s, 500ms
			s = 0
			while (match(d, /^[0-9]+(ms|[ywdhms])/)) {
				n = substr(d, 1, RLENGTH); d = substr(d, RLENGTH + 1)
				u = n; sub(/^[0-9]+/, "", u); sub(/[a-z]+$/, "", n)
				s += n * (u == "y" ? 31536000 : u == "w" ? 604800 : u == "d" ? 86400 : \
				          u == "h" ? 3600 : u == "m" ? 60 : u == "s" ? 1 : 0.001)
			}
			return d == "" ? s : -1
		}
		/^ *SUCCESS *$/ { success = 1 }
		/^ *FAILED: *$/ { failed = 1 }
		/^ *alertname: x, time: / {
			t = $4; sub(/,$/, "", t); cur = secs(t)
			if (cur < 0) { broken = 1; next }
			n++
			if (first == "" || cur < first) { first = cur; pods = "" }
			next
		}
		/Labels:\{alertname="x", pod="[a-z]"\}/ && cur == first {
			p = $0; sub(/.*pod="/, "", p); sub(/".*/, "", p)
			pods = pods (pods == "" ? "" : ",") p
		}
		END {
			if (rc == 0 && success && !failed && !n) print "-"
			else if (rc == 1 && failed && n && !broken && pods != "") print first, pods
		}' "$1/promtool.out"
}

# df_samepods PROMPODS TRUE PODS: the alert instances that fired first (a,e) are the series that
# novagate's quantifier had true then: as many, and each of those its report lists among them
df_samepods() {
	awk -v p="$1" -v t="$2" -v n="$3" 'BEGIN {
		k = split(p, a, ","); for (i = 1; i <= k; i++) in_p[a[i]] = 1
		m = n == "-" ? 0 : split(n, b, ","); for (i = 1; i <= m; i++) if (!(b[i] in in_p)) exit 1
		exit k != t
	}'
}

if ! command -v promtool >/dev/null 2>&1; then
	echo "notice: promtool not installed: the differential test of per-series for (tests/diff) is skipped" >&2
elif ! ${CC:-cc} -O1 -o "$df_dir/gen" tests/diff/gen.c 2>"$df_dir/cc.err" ||
     ! ${CC:-cc} -O1 -o "$df_dir/since" tests/diff/since.c \
	$(pkg-config --cflags --libs jansson 2>/dev/null || echo -ljansson) 2>>"$df_dir/cc.err"; then
	bad "diff: tests/diff/gen.c or since.c does not build"; cat "$df_dir/cc.err" >&2
else
	df_fired=0 df_quiet=0 df_broke=0
	for df_seed in $df_seeds; do
		df_c=$df_dir/$df_seed
		mkdir -p "$df_c"
		if ! df_meta=$("$df_dir/gen" "$df_seed" "$df_c"); then
			bad "diff: seed $df_seed: gen failed"; continue; fi
		read -r df_steps df_d df_ns <<-EOF
		$df_meta
		EOF
		df_p=$(df_promtool "$df_c")
		ng check "$df_c/case.gate" --input "$df_c/case.prom" --at $((df_t0 + df_steps * 15)) \
			--format json >"$df_c/novagate.json" 2>"$df_c/novagate.err"
		df_nrc=$?
		df_n=
		case $df_nrc in
		[0-3]) df_n=$("$df_dir/since" "$df_t0" <"$df_c/novagate.json" 2>>"$df_c/novagate.err") ;;
		esac
		read -r df_v df_nt df_ntrue df_npods <<-EOF
		${df_n:-? ?}
		EOF
		df_pt=${df_p%% *}
		[ $df_seed = edge ] || case $df_p in -) df_quiet=$((df_quiet + 1)) ;; ?*) df_fired=$((df_fired + 1)) ;; esac
		case $df_p in -) df_pw="never fires" ;; *) df_pw="first fires at ${df_pt}s (pods ${df_p#* })" ;; esac
		case $df_nt in -) df_nw="never rolls back ($df_v)" ;; *) df_nw="rolls back at ${df_nt}s (${df_ntrue:-?} series true: ${df_npods:-?})" ;; esac
		df_what="diff: seed $df_seed (for ${df_d}s, $df_ns series, $df_steps steps)"
		if [ -z "$df_p" ]; then
			bad "$df_what: promtool's output is not understood (exit $df_prc)"
			sed 20q "$df_c/promtool.out" >&2
		elif [ $df_nrc -eq 5 ]; then	# the gate does not compile: once is enough
			bad "$df_what: novagate check exit 5 (the gate does not compile); the other cases not run"
			sed 5q "$df_c/novagate.err" >&2
			df_broke=1
			break
		elif [ -z "$df_n" ]; then
			bad "$df_what: novagate check exit $df_nrc, no report understood"
			sed 5q "$df_c/novagate.err" >&2
		elif [ $df_seed = edge ]; then
			# one series, 0.9 then 20 missing samples, for 5m, the default lookback of 5m:
			# promtool 2.42 still sees the sample at exactly 5m ([t-5m, t]) and fires at 5m;
			# novagate's lookback is open on the left, as Prometheus 3.0's, (t-5m, t]: never
			if [ "$df_p" = "300 a" ] && [ "$df_nt" = - ]; then ok; else
				bad "$df_what: the lookback's edge: promtool $df_pw (want at 300s), novagate $df_nw" \
					"(want never: its lookback is open on the left)"; fi
		elif [ "$df_pt" = "$df_nt" ] && { [ -z "$df_ntrue" ] || df_samepods "${df_p#* }" "$df_ntrue" "$df_npods"; }; then
			ok
		else
			bad "$df_what: promtool $df_pw, novagate $df_nw;" \
				"rerun: NOVAGATE=$NOVAGATE sh tests/diff/diff.sh $df_seed"
			[ $df_alone = 1 ] || cat "$df_c/case.txt" >&2
		fi
	done
	# the generator must keep making both kinds of case (a reader that never sees a firing would
	# pass); checked over 20 cases or more
	if [ $df_alone = 0 ] && [ $df_broke = 0 ] && [ $((df_fired + df_quiet)) -ge 20 ] &&
	   { [ $df_fired -eq 0 ] || [ $df_quiet -eq 0 ]; }; then
		bad "diff: the cases no longer cover both kinds: promtool fired in $df_fired, never in $df_quiet"; fi
	[ $df_alone = 0 ] || echo "cases in $df_dir/SEED; promtool fired in $df_fired, never in $df_quiet"
fi
if [ $df_alone = 1 ]; then
	echo "$pass passed, $fail failed"
	[ "$fail" -eq 0 ]
fi
