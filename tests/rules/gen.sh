#!/bin/sh
# gen.sh: regenerate the recorded samples of tests/rules/ and verdicts.tsv.
#
#   sh tests/rules/gen.sh
#
# Deterministic (no randomness, no clock): POSIX sh and awk only. Each case is a small spec fed to
# mk on standard input:
#
#   # text                       a comment copied to the head of the file (say why the verdict)
#   span SECONDS STEP            samples every STEP seconds at offsets -SECONDS..0 from the end;
#                                the first sample is at START (1700000000000 ms), the last at
#                                START + SECONDS*1000, which is `at`, the end of the window
#   series NAME BASE [WIGGLE]    a series with value BASE, varied by a deterministic sine of
#                                relative amplitude WIGGLE (0.05 = +-5%); NAME may be
#                                NAME{role="baseline"}
#   set NAME FROM TO VALUE       VALUE, written as given, at offsets FROM..TO (seconds, <= 0)
#   ramp NAME FROM TO V0 V1      a straight line at offsets FROM..TO: V0 at FROM, V1 at TO
#   drop NAME FROM TO            no samples at offsets FROM..TO
#   omit NAME                    no samples at all
#
# Later lines override earlier ones. Offsets are relative to `at`: -300 is 5 minutes before it.
# mk also writes the expected verdict into the file's head and a row into verdicts.tsv.
set -eu
cd "$(dirname "$0")"

GEN_AWK='
BEGIN { START = 1700000000000; nser = 0; nh = 0; nop = 0; bad = 0 }
/^#/ { hdr[++nh] = $0; next }
/^[ \t]*$/ { next }
$1 == "span" && NF == 3 { span = $2 + 0; step = $3 + 0; next }
$1 == "series" && (NF == 3 || NF == 4) {
	if (!($2 in idx)) { idx[$2] = ++nser; sname[nser] = $2 }
	base[$2] = $3 + 0; wig[$2] = (NF == 4) ? $4 + 0 : 0; next
}
($1 == "set" && NF == 5) || ($1 == "drop" && NF == 4) {
	if (!($2 in idx)) { bad = 1; print "gen: no series " $2 > "/dev/stderr"; exit 1 }
	nop++; op[nop] = $1; on[nop] = $2; of[nop] = $3 + 0; ot[nop] = $4 + 0; ov[nop] = $5
	if (of[nop] % step != 0 || ot[nop] % step != 0) {
		bad = 1; print "gen: offset not on a step: " $0 > "/dev/stderr"; exit 1
	}
	next
}
$1 == "ramp" && NF == 6 {
	if (!($2 in idx)) { bad = 1; print "gen: no series " $2 > "/dev/stderr"; exit 1 }
	nop++; op[nop] = $1; on[nop] = $2; of[nop] = $3 + 0; ot[nop] = $4 + 0; ov[nop] = $5 + 0; ov1[nop] = $6 + 0
	if (of[nop] % step != 0 || ot[nop] % step != 0 || ot[nop] <= of[nop]) {
		bad = 1; print "gen: ramp not from one step to a later one: " $0 > "/dev/stderr"; exit 1
	}
	next
}
$1 == "omit" && NF == 2 { omitted[$2] = 1; next }
{ bad = 1; print "gen: bad spec line: " $0 > "/dev/stderr"; exit 1 }
function fmt(v) {
	if (v == int(v) || v >= 1e6 || v <= -1e6) return sprintf("%.0f", v)
	return sprintf("%.6g", v)
}
END {
	if (bad) exit 1
	if (step <= 0) { print "gen: no span" > "/dev/stderr"; exit 1 }
	for (i = 1; i <= nh; i++) print hdr[i]
	for (s = 1; s <= nser; s++) { f = sname[s]; sub(/[{].*/, "", f); fam[s] = f }
	# the series of one family (a metric and its baseline) are written together
	for (s = 1; s <= nser; s++) {
		if (done[s]) continue
		typed = 0
		for (t = s; t <= nser; t++) {
			if (fam[t] != fam[s] || done[t]) continue
			done[t] = 1; n = sname[t]
			if (n in omitted) continue
			if (!typed) { print "# TYPE " fam[t] " gauge"; typed = 1 }
			k = 0
			for (off = -span; off <= 0; off += step) {
				v = fmt(base[n] * (1 + wig[n] * sin(k * 0.9 + t))); keep = 1
				for (o = 1; o <= nop; o++) {
					if (on[o] != n || off < of[o] || off > ot[o]) continue
					if (op[o] == "set") v = ov[o]
					else if (op[o] == "ramp") v = fmt(ov[o] + (ov1[o] - ov[o]) * (off - of[o]) / (ot[o] - of[o]))
					else keep = 0
				}
				if (keep) printf "%s %s %.0f\n", n, v, START + (span + off) * 1000
				k++
			}
		}
	}
}'

TSV=verdicts.tsv
printf 'gatefile\tinput\tgate\tverdict\trule\tnote\n' > "$TSV.tmp"

# row GATEFILE INPUT GATE VERDICT RULE NOTE: one more row of verdicts.tsv
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "tests/rules/$2" "$3" "$4" "$5" "$6" >> "$TSV.tmp"
}

# mk INPUT GATEFILE GATE VERDICT RULE NOTE < spec: write tests/rules/INPUT and its row
mk() {
	case $4 in
	go) code=0 ;; no-go) code=1 ;; rollback) code=2 ;; inconclusive) code=3 ;;
	*) echo "gen: bad verdict $4" >&2; exit 1 ;;
	esac
	if [ "$5" = - ]; then by='the go rule'; else by="\"$5\""; fi
	mkdir -p "$(dirname "$1")"
	{
		printf '# novagate check %s --gate %s --input tests/rules/%s\n' "$2" "$3" "$1"
		printf '# Expect: verdict %s (exit %s), decided by %s: %s\n' "$4" "$code" "$by" "$6"
		cat
	} | awk "$GEN_AWK" > "$1.tmp"
	mv "$1.tmp" "$1"
	row "$2" "$1" "$3" "$4" "$5" "$6"
}

###########################################################################################
# rules/canary.gate, gate canary: step 15s, window 5m (21 evaluations, at-5m .. at).
# 10 minutes of samples; healthy values well inside every threshold. The canary is one pod (CP);
# its outbound gRPC calls go to two services.
C=rules/canary.gate
CP='{pod="identity-7d9f-x2k4p"}'
CANARY="span 600 15
series error_rate 0.0011 0.2
series p99 0.182 0.04
series p99{role=\"baseline\"} 0.175 0.03
series restarts$CP 0
series cpu$CP 0.118 0.08
series memory$CP 171966464 0.02
series grpc_success{grpc_service=\"nova.session.v1.SessionStore\"} 0.9994 0.0003
series grpc_success{grpc_service=\"nova.audit.v1.AuditLog\"} 0.9991 0.0004"

mk canary/healthy.prom $C canary go - 'all metrics well within limits' <<EOF
# Scenario: healthy canary. error_rate about 0.11%, p99 about 0.18 s against a baseline of
# about 0.175 s (limit +20%), cpu about 118m (limit 200m), memory about 164Mi (limit 256Mi),
# no restarts, outbound gRPC calls about 99.9% successful to both services (limit > 99%).
$CANARY
EOF

mk canary/error-spike-1m.prom $C canary rollback 'critical error rate' 'error_rate 7.2% at 5 consecutive steps (at-3m30s..at-2m30s): for 1m holds at at-2m30s' <<EOF
# Scenario: the error rate jumps to 7.2% at at-3m30s and stays there through at-2m30s, then
# recovers. That is 5 consecutive evaluations above 5%, so error_rate > 5% for 1m becomes true
# at at-2m30s: rollback, final even though the error rate recovered.
$CANARY
set error_rate -210 -150 0.072
EOF

mk canary/error-spike-45s.prom $C canary no-go - 'error_rate 7.2% at only 4 consecutive steps: for 1m one step short; the spike still breaks error_rate < 0.5% for 5m' <<EOF
# Scenario: the same spike, one step shorter: 7.2% at at-3m30s..at-2m45s, 4 evaluations, 45 s.
# The critical trigger (for 1m, 5 evaluations) never fires. At the last step the error rate is
# back to normal, but it was not below 0.5% for the whole 5 minutes: the go rule is false.
$CANARY
set error_rate -210 -165 0.072
EOF

mk canary/error-spike-straddles-window.prom $C canary no-go - 'error_rate 7.2% from at-5m45s to at-4m15s: only 4 steps inside the window, for counts from the first evaluated step' <<EOF
# Scenario: a 7.2% error spike of 7 samples (at-5m45s..at-4m15s) that starts before the window.
# for counts from the first evaluated step (at-5m): only at-5m..at-4m15s, 4 evaluations, 45 s,
# so the critical trigger does not fire. The spike inside the window breaks the go rule.
$CANARY
set error_rate -345 -255 0.072
EOF

mk canary/error-spike-before-window.prom $C canary go - 'error_rate 7.2% for 1m45s, all before the window (at-7m..at-5m15s): not evaluated' <<EOF
# Scenario: a 7.2% error spike of 8 samples (at-7m..at-5m15s) that ends before the window opens
# at at-5m. Samples before the window only serve the lookback; at at-5m the latest sample is the
# normal one taken at at-5m. Nothing in the window is wrong.
$CANARY
set error_rate -420 -315 0.072
EOF

mk canary/error-gap-2m.prom $C canary go - 'error_rate not scraped from at-3m to at-1m15s: the sample at at-3m15s stays within the 5m lookback' <<EOF
# Scenario: 8 error_rate samples are missing (at-3m..at-1m15s). At each of those steps the latest
# sample (at-3m15s) is at most 2 minutes old, inside the 5-minute lookback, so the value is known
# and error_rate < 0.5% for 5m holds throughout.
$CANARY
drop error_rate -180 -75
EOF

mk canary/error-gap-over-lookback.prom $C canary inconclusive - 'error_rate missing from at-5m to at-4m15s (no sample in the lookback): for 5m restarts at at-4m, and nothing false was seen: not known' <<EOF
# Scenario: error_rate samples stop after at-10m and resume at at-4m. From at-5m to at-4m15s no
# sample lies within the 5-minute lookback: error_rate is missing (unknown) at 4 evaluations,
# which resets the for. At the last step error_rate < 0.5% has held only since at-4m, 4 minutes,
# and it was never seen false: the go rule is unknown, no rollback rule fired.
$CANARY
drop error_rate -585 -255
EOF

mk canary/p99-doubled-2m.prom $C canary rollback 'p99 doubled' 'p99 0.43 s against a baseline of about 0.175 s for the last 9 steps (at-2m..at): for 2m holds at at' <<EOF
# Scenario: p99 rises to 0.43 s at at-2m, more than twice the baseline (at most 0.1803 s), and
# stays: 9 consecutive evaluations, exactly 2 minutes, so p99 > baseline * 2.0 for 2m is true at
# the last step.
$CANARY
set p99 -120 0 0.43
EOF

mk canary/p99-doubled-1m45s.prom $C canary no-go - 'p99 doubled for the last 8 steps only (1m45s): rollback pending; p99 < baseline + 20% is false' <<EOF
# Scenario: p99 rises to 0.43 s at at-1m45s: 8 evaluations, one short of for 2m. The rollback
# rule is pending, not fired; the go rule fails on p99 < baseline + 20%.
$CANARY
set p99 -105 0 0.43
EOF

mk canary/p99-exactly-double.prom $C canary no-go - 'p99 0.4 s, baseline 0.2 s for 3 minutes: 0.4 > 0.2 * 2.0 is false (strict), but p99 fails +20%' <<EOF
# Scenario: for the last 3 minutes p99 is exactly twice the baseline (0.4 s against 0.2 s). The
# trigger is p99 > baseline * 2.0, strictly greater: never true. The go rule fails (0.4 >= 0.24).
$CANARY
set p99 -180 0 0.4
set p99{role="baseline"} -180 0 0.2
EOF

mk canary/restart.prom $C canary no-go 'pod restarts' 'a restart 2 minutes before the end: restarts (increase over 5m) is 1 at the last step' <<EOF
# Scenario: the canary pod restarted at at-2m; the restarts query (increase over 5m) reads 1
# from then on. Checklist: "No pod crashes or restarts".
$CANARY
set restarts$CP -120 0 1
EOF

mk canary/restart-before-window.prom $C canary go - 'a restart at at-7m, before the monitoring window: the 5m increase is back to 0 by at-1m45s; no-go looks at the last step' <<EOF
# Scenario: a restart 7 minutes before the end, before the 5-minute monitoring window: the
# restarts query reads 1 from at-7m to at-2m and 0 after. A nogo rule decides at the last step
# only, where restarts is 0.
$CANARY
set restarts$CP -420 -120 1
EOF

mk canary/restarts-absent.prom $C canary go - 'no restarts series at all (no restart counter yet): default 0' <<EOF
# Scenario: the restarts query returned nothing (no sample at all); restarts has default 0, so
# restarts > 0 is false rather than unknown, and the go rule does not use it.
$CANARY
omit restarts$CP
EOF

mk canary/cpu-over.prom $C canary no-go - 'cpu 215m for the last 2 minutes: cpu < 200m is false' <<EOF
# Scenario: canary CPU climbs to 215m (limit 200m) for the last 2 minutes.
$CANARY
set cpu$CP -120 0 0.215
EOF

mk canary/memory-over.prom $C canary no-go - 'memory 270Mi for the last minute: memory < 256Mi is false' <<EOF
# Scenario: canary working set grows to 270Mi (283115520 bytes; limit 256Mi) in the last minute.
$CANARY
set memory$CP -60 0 283115520
EOF

mk canary/cpu-missing.prom $C canary inconclusive - 'no cpu samples at all: cpu < 200m is unknown, the rest of the go rule true' <<EOF
# Scenario: the cpu query returned nothing. Every other metric is healthy, so the go rule is
# true && unknown: unknown, inconclusive.
$CANARY
omit cpu$CP
EOF

mk canary/baseline-missing.prom $C canary inconclusive - 'no p99 baseline series: p99 < baseline + 20% is unknown' <<EOF
# Scenario: no baseline samples (no old-version traffic to compare with). p99 > baseline * 2.0
# is unknown (never fires); p99 < baseline + 20% is unknown, so the go rule is unknown.
$CANARY
omit p99{role="baseline"}
EOF

mk canary/memory-stale-4m45s.prom $C canary go - 'last memory sample at at-4m45s: still within the 5m lookback at the last step' <<EOF
# Scenario: memory stops being scraped after at-4m45s. At the last step the latest sample is
# 4m45s old, inside the lookback (at-5m, at], so memory keeps its value and the canary is go.
$CANARY
drop memory$CP -270 0
EOF

mk canary/memory-stale-5m.prom $C canary inconclusive - 'last memory sample exactly at at-5m: outside the lookback (at-5m, at] at the last step' <<EOF
# Scenario: memory stops being scraped after at-5m. The lookback is (t-5m, t], open at the left:
# at the last step the sample from at-5m no longer counts, memory is missing, the go rule unknown.
$CANARY
drop memory$CP -285 0
EOF

# Series by pod and by dependency. The canary pod rescheduled: NP replaces CP at at-3m, each a
# series of its own (the old one's last samples stay within the lookback to the end).
NP='{pod="identity-7d9f-m8q2z"}'
REPLACED="$CANARY
series restarts$NP 0
series cpu$NP 0.121 0.08
series memory$NP 150994944 0.02
drop restarts$CP -180 0
drop cpu$CP -180 0
drop memory$CP -180 0
drop restarts$NP -600 -195
drop cpu$NP -600 -195
drop memory$NP -600 -195"

mk canary/pod-replaced.prom $C canary go - 'the canary pod replaced at at-3m: two pods, each healthy while it ran' <<EOF
# Scenario: the canary pod is rescheduled: identity-7d9f-x2k4p's series end at at-3m15s and
# identity-7d9f-m8q2z's begin at at-3m. Two series of each of restarts, cpu and memory, each over
# part of the window; every pod is within the limits, no pod restarted.
$REPLACED
EOF

mk canary/pod-replaced-restarts.prom $C canary no-go 'pod restarts' 'the replacement pod restarted at at-1m: any(restarts > 0) names identity-7d9f-m8q2z' <<EOF
# Scenario: the canary pod is replaced at at-3m and the new pod restarts at at-1m. The old pod's
# counter is 0 to its end; the new pod's restarts read 1 from at-1m.
$REPLACED
set restarts$NP -60 0 1
EOF

mk canary/pod-replaced-memory-unscraped.prom $C canary inconclusive - 'the replacement pod has cpu samples but no memory series: all(cpu < 200m && memory < 256Mi) is unknown for it' <<EOF
# Scenario: the canary pod is replaced at at-3m, and the new pod's working set is not scraped:
# identity-7d9f-m8q2z has cpu samples but no memory series. For that pod memory < 256Mi is
# unknown, so the go rule is: a pod missing from one metric is not taken for a healthy one.
$REPLACED
omit memory$NP
EOF

mk canary/grpc-dependency-failing.prom $C canary no-go - 'calls to nova.audit.v1.AuditLog 97% successful for the last 2 minutes (limit > 99%)' <<EOF
# Scenario: the outbound gRPC calls to one of the two services start failing: 97% succeed from
# at-2m. Checklist, Dependency Health: "Outbound gRPC calls succeeding: >99%".
$CANARY
set grpc_success{grpc_service="nova.audit.v1.AuditLog"} -120 0 0.97
EOF

mk canary/grpc-all-failing.prom $C canary no-go - 'every call to nova.audit.v1.AuditLog fails from at-2m: no grpc_code="OK" series, which the query reads as 0 successes' <<EOF
# Scenario: every outbound gRPC call to one of the two services fails from at-2m. Its counters are
# created lazily, so it has no grpc_code="OK" series: the query's "or on (grpc_service) 0 * ..."
# makes that 0 successes of its calls (tests/rules/queries/grpc_success.yaml), not no series at
# all, which the default 1 would have stood for (a go).
$CANARY
set grpc_success{grpc_service="nova.audit.v1.AuditLog"} -120 0 0
EOF

mk canary/grpc-absent.prom $C canary go - 'no outbound gRPC call in the last minute: no grpc_success series, default 1 (calls that all fail read 0: grpc-all-failing)' <<EOF
# Scenario: the canary made no outbound gRPC call: the success query has no series. grpc_success
# has default 1: nothing failed. The query gives no series only when no service was called in the
# last minute: one whose calls all fail reads 0 (grpc-all-failing.prom), so the default cannot
# stand for failing calls, as it did when the quotient of a missing grpc_code="OK" series was empty.
$CANARY
omit grpc_success{grpc_service="nova.session.v1.SessionStore"}
omit grpc_success{grpc_service="nova.audit.v1.AuditLog"}
EOF

###########################################################################################
# rules/stages.gate: gates stage_25 and stage_50 (step 15s, window 10m: 41 evaluations) and
# full_rollout (step 15s, window 5m: 21 evaluations).
S=rules/stages.gate
# pods METRIC BASE WIGGLE POD...: a series line for each pod
pods() {
	m=$1 b=$2 w=$3
	shift 3
	for p in "$@"; do printf 'series %s{pod="%s"} %s %s\n' "$m" "$p" "$b" "$w"; done
}
# omitpods METRIC POD...: an omit line for each pod
omitpods() {
	m=$1
	shift
	for p in "$@"; do printf 'omit %s{pod="%s"}\n' "$m" "$p"; done
}
# identity-service at 5 pods, all ready; the first is the canary's
P25='identity-7d9f-x2k4p identity-7d9f-m8q2z identity-7d9f-h5n7c identity-7d9f-t3w9d identity-7d9f-b6r4j'
STAGE25="span 900 15
series error_rate 0.0014 0.2
series p99 0.19 0.04
series p99{role=\"baseline\"} 0.18 0.03
$(pods cpu 0.21 0.08 $P25)
$(pods memory 262144000 0.03 $P25)
$(pods ready 1 0 $P25)
series grpc_success{grpc_service=\"nova.session.v1.SessionStore\"} 0.9993 0.0003"

mk stages/stage_25/healthy.prom $S stage_25 go - 'error about 0.14%, p99 within +20%, 5 pods ready, each about 210m cpu (<300m) and 250Mi memory (<350Mi)' <<EOF
# Scenario: identity-service at 5 pods, healthy for the 15 minutes recorded: error rate about
# 0.14%, p99 about 0.19 s against a baseline of about 0.18 s, 5 pods ready, each about 210m CPU
# and 250Mi memory, outbound gRPC calls about 99.9% successful.
$STAGE25
EOF

mk stages/stage_25/error-spike-1m.prom $S stage_25 rollback 'critical error rate' 'error_rate 6.1% at 5 consecutive steps (at-6m45s..at-5m45s)' <<EOF
# Scenario: the error rate is 6.1% from at-6m45s to at-5m45s, 5 evaluations: error_rate > 5%
# for 1m fires at at-5m45s, inside the 10-minute window.
$STAGE25
set error_rate -405 -345 0.061
EOF

mk stages/stage_25/cpu-over.prom $S stage_25 no-go - 'one pod of five, identity-7d9f-h5n7c, at 320m CPU for the last 2 minutes (limit 300m)' <<EOF
# Scenario: one pod of five reaches 320m CPU in the last 2 minutes; the stage limit is 300m.
# The go rule's all() is false for that pod alone, and names it.
$STAGE25
set cpu{pod="identity-7d9f-h5n7c"} -120 0 0.32
EOF

mk stages/stage_25/memory-over.prom $S stage_25 no-go - 'one pod of five, identity-7d9f-t3w9d, at 360Mi for the last minute (limit 350Mi)' <<EOF
# Scenario: one pod's working set reaches 360Mi (377487360 bytes) in the last minute; the stage
# limit is 350Mi.
$STAGE25
set memory{pod="identity-7d9f-t3w9d"} -60 0 377487360
EOF

mk stages/stage_25/memory-missing.prom $S stage_25 inconclusive - 'no memory samples: memory < 350Mi is unknown for every pod' <<EOF
# Scenario: the memory query returned nothing; everything else is healthy.
$STAGE25
$(omitpods memory $P25)
EOF

mk stages/stage_25/error-blip-mid-window.prom $S stage_25 no-go - 'one sample of 0.9% at at-5m: error_rate < 0.5% for 10m broken, no trigger' <<EOF
# Scenario: a single evaluation at 0.9% errors, at at-5m, then back to normal. Far from the
# critical trigger, but the error rate was not below 0.5% for the whole 10 minutes.
$STAGE25
set error_rate -300 -300 0.009
EOF

mk stages/stage_25/error-blip-at-window-start.prom $S stage_25 no-go - 'one sample of 0.9% at at-10m, the first evaluated step: for 10m broken' <<EOF
# Scenario: a single 0.9% sample at at-10m, exactly the first evaluation of the window (both
# ends of the window are evaluated). error_rate < 0.5% then holds only from at-9m45s: 9m45s.
$STAGE25
set error_rate -600 -600 0.009
EOF

mk stages/stage_25/error-blip-before-window.prom $S stage_25 go - 'one sample of 0.9% at at-10m15s, one step before the window: not evaluated' <<EOF
# Scenario: the same 0.9% sample one step earlier, at at-10m15s. At at-10m the latest sample is
# the normal one taken at at-10m, so error_rate < 0.5% holds at all 41 evaluations.
$STAGE25
set error_rate -615 -615 0.009
EOF

# Pods: one not ready, one missing, one not scraped, one replaced; a dependency failing.
mk stages/stage_25/pod-not-ready.prom $S stage_25 no-go - 'pod identity-7d9f-t3w9d not ready for the last 2 minutes: "All 5 pods running and ready" fails for it' <<EOF
# Scenario: one pod of five loses its Ready condition at at-2m (a failing readiness probe) and
# stays unready. Its cpu and memory are fine; all(ready == 1 && ...) is false for it.
$STAGE25
set ready{pod="identity-7d9f-t3w9d"} -120 0 0
EOF

mk stages/stage_25/pod-missing.prom $S stage_25 no-go - 'only 4 pods: identity-7d9f-b6r4j never came up, count(ready) >= 5 is false' <<EOF
# Scenario: the deployment was scaled to 5 but one pod never got scheduled: no series of it at
# all. The 4 pods are healthy; count(ready) is 4.
$STAGE25
$(omitpods cpu identity-7d9f-b6r4j)
$(omitpods memory identity-7d9f-b6r4j)
$(omitpods ready identity-7d9f-b6r4j)
EOF

mk stages/stage_25/pod-unscraped.prom $S stage_25 inconclusive - 'pod identity-7d9f-b6r4j ready but without cpu or memory series: unknown for it, so the go rule is' <<EOF
# Scenario: 5 pods ready, but one pod's container metrics are not scraped (no cpu, no memory
# series of it). Whether it is within the limits is not known: not go, and not a no-go either.
$STAGE25
$(omitpods cpu identity-7d9f-b6r4j)
$(omitpods memory identity-7d9f-b6r4j)
EOF

mk stages/stage_25/pod-replaced.prom $S stage_25 go - 'pod identity-7d9f-h5n7c replaced by identity-7d9f-q7v2n at at-4m: 6 series, each healthy while it ran' <<EOF
# Scenario: one pod is evicted and replaced mid-window: identity-7d9f-h5n7c's series end at
# at-4m15s and identity-7d9f-q7v2n's begin at at-4m, ready from its first sample. The old pod's
# last samples (ready, within the limits) stay within the lookback: 6 pods at the last step.
$STAGE25
series cpu{pod="identity-7d9f-q7v2n"} 0.2 0.08
series memory{pod="identity-7d9f-q7v2n"} 241172480 0.03
series ready{pod="identity-7d9f-q7v2n"} 1
drop cpu{pod="identity-7d9f-h5n7c"} -240 0
drop memory{pod="identity-7d9f-h5n7c"} -240 0
drop ready{pod="identity-7d9f-h5n7c"} -240 0
drop cpu{pod="identity-7d9f-q7v2n"} -900 -255
drop memory{pod="identity-7d9f-q7v2n"} -900 -255
drop ready{pod="identity-7d9f-q7v2n"} -900 -255
EOF

mk stages/stage_25/dependency-failing.prom $S stage_25 no-go - 'calls to nova.session.v1.SessionStore 98% successful for the last 3 minutes: "All dependencies healthy" fails' <<EOF
# Scenario: outbound gRPC calls to the session store start failing at at-3m: 98% succeed.
$STAGE25
set grpc_success{grpc_service="nova.session.v1.SessionStore"} -180 0 0.98
EOF

# user-service at 5 pods
P50='user-5b8c-a1d3f user-5b8c-c4g6h user-5b8c-e7j9k user-5b8c-f2l5m user-5b8c-g8n1p'
STAGE50="span 900 15
series error_rate 0.0016 0.2
series p99 0.19 0.04
series p99{role=\"baseline\"} 0.18 0.03
$(pods cpu 0.35 0.05 $P50)
$(pods memory 419430400 0.02 $P50)
$(pods ready 1 0 $P50)"

mk stages/stage_50/healthy.prom $S stage_50 go - 'error about 0.16%, p99 within +20%, 5 pods ready, each about 350m cpu (<400m) and 400Mi memory (<450Mi)' <<EOF
# Scenario: user-service at 5 pods, healthy: error rate about 0.16%, p99 about 0.19 s against
# about 0.18 s, 5 pods ready, each about 350m CPU and 400Mi memory: within the 50% limits, though
# above the 25% limits (300m, 350Mi).
$STAGE50
EOF
row $S stages/stage_50/healthy.prom stage_25 no-go - 'healthy at 50% (each pod about 350m cpu, 400Mi memory) is over the 25% limits of 300m and 350Mi'

mk stages/stage_50/p99-doubled.prom $S stage_50 rollback 'p99 doubled' 'p99 0.41 s from at-2m30s against a baseline of at most 0.1854 s: for 2m holds at at-30s' <<EOF
# Scenario: p99 rises to 0.41 s at at-2m30s and stays, more than twice the baseline (at most
# 0.1854 s): the 9th consecutive evaluation, at at-30s, fires p99 > baseline * 2.0 for 2m.
$STAGE50
set p99 -150 0 0.41
EOF

mk stages/stage_50/cpu-over.prom $S stage_50 no-go - 'one pod of five, user-5b8c-e7j9k, at 430m CPU for the last 45 s (limit 400m)' <<EOF
# Scenario: one pod reaches 430m CPU in the last 45 seconds; the stage limit is 400m.
$STAGE50
set cpu{pod="user-5b8c-e7j9k"} -45 0 0.43
EOF

mk stages/stage_50/memory-over.prom $S stage_50 no-go - 'one pod of five, user-5b8c-a1d3f, at 460Mi for the last minute (limit 450Mi)' <<EOF
# Scenario: one pod's working set reaches 460Mi (482344960 bytes); the stage limit is 450Mi.
$STAGE50
set memory{pod="user-5b8c-a1d3f"} -60 0 482344960
EOF

mk stages/stage_50/cpu-missing.prom $S stage_50 inconclusive - 'no cpu samples: cpu < 400m is unknown for every pod' <<EOF
# Scenario: the cpu query returned nothing; everything else is healthy.
$STAGE50
$(omitpods cpu $P50)
EOF

mk stages/stage_50/error-last-step.prom $S stage_50 no-go - 'error_rate 0.6% at the last step only: error_rate < 0.5% for 10m false at the end' <<EOF
# Scenario: the very last sample reads 0.6% errors. The go rule is decided at the last step,
# where error_rate < 0.5% is false, so its for is false too.
$STAGE50
set error_rate 0 0 0.006
EOF

FULL='span 600 15
series system_error_rate 0.0009 0.2
series system_p99 0.2 0.03
series system_p99{role="baseline"} 0.195 0.02
series cluster_cpu 0.46 0.04
series cluster_memory 0.58 0.02'

mk stages/full_rollout/healthy.prom $S full_rollout go - 'error about 0.09% (<0.3%), p99 within +15% of the T-24h baseline, cluster CPU 46%, memory 58%' <<EOF
# Scenario: everything on v1.2.4 at T+90: error rate about 0.09%, p99 about 0.2 s against about
# 0.195 s the day before, cluster CPU about 46% and memory about 58%.
$FULL
EOF

mk stages/full_rollout/error-critical.prom $S full_rollout rollback 'critical error rate' 'system error rate 8% for the last 6 samples: for 1m holds at at-15s' <<EOF
# Scenario: the system error rate jumps to 8% at at-1m15s: the 5th consecutive evaluation above
# 5%, at at-15s, fires the critical trigger.
$FULL
set system_error_rate -75 0 0.08
EOF

mk stages/full_rollout/p99-17pct.prom $S full_rollout no-go - 'p99 0.229 s against 0.195 s (+17.4%): within the +20% of earlier stages, over the +15% of the full rollout' <<EOF
# Scenario: p99 settles 17.4% above the T-24h baseline (0.229 s against 0.195 s): it would pass
# the +20% of the 25% and 50% stages, but the full-system limit is +15% (0.22425 s).
$FULL
set system_p99 -600 0 0.229
set system_p99{role="baseline"} -600 0 0.195
EOF

mk stages/full_rollout/cluster-cpu-over.prom $S full_rollout no-go - 'cluster CPU 64% for the last 90 s (limit 60%)' <<EOF
# Scenario: cluster CPU rises to 64% in the last 90 seconds; the limit is 60%.
$FULL
set cluster_cpu -90 0 0.64
EOF

mk stages/full_rollout/cluster-memory-missing.prom $S full_rollout inconclusive - 'no cluster memory samples: cluster_memory < 70% is unknown' <<EOF
# Scenario: the node exporter memory query returned nothing; everything else is healthy.
$FULL
omit cluster_memory
EOF

mk stages/full_rollout/error-blip-mid-window.prom $S full_rollout go - 'system error rate 0.4% at two steps mid-window: the T+90 table is a point-in-time check (no for)' <<EOF
# Scenario: the error rate reads 0.4% at at-2m30s and at-2m15s, then recovers. The full-system
# table is read at T+90 and the go rule has no for: only the last step counts, where all is well.
$FULL
set system_error_rate -150 -135 0.004
EOF

mk stages/full_rollout/error-last-step.prom $S full_rollout no-go - 'system error rate 0.35% at the last step (limit 0.3%)' <<EOF
# Scenario: the last sample reads 0.35% errors, over the full-system limit of 0.3%.
$FULL
set system_error_rate 0 0 0.0035
EOF

###########################################################################################
# rules/rollback.gate: gates critical and high_priority (step 15s, window 10m: 41 evaluations).
R=rules/rollback.gate
# oom_kills and memory_usage by pod: identity-service's pods, as at the 25% stage (RP the first)
RP='{pod="identity-7d9f-x2k4p"}'
CRIT="span 900 15
series error_rate 0.0015 0.2
series p99 0.2 0.04
series p99{role=\"baseline\"} 0.19 0.03
series healthy_pods 5
series auth_failure_rate 0.0012 0.2
series db_pool_usage 0.45 0.1
series disk_free 42949672960 0.01
series oom_kills$RP 0"

mk rollback/critical/healthy.prom $R critical go - 'no critical condition: 5 healthy pods, pool 45% used, 40Gi free, no OOM kills' <<EOF
# Scenario: healthy: error rate about 0.15%, p99 about 0.2 s against about 0.19 s the day before,
# 5 available pods, auth failures about 0.12%, DB pool about 45% in use, about 40Gi disk free.
$CRIT
EOF

mk rollback/critical/error-5pct-1m.prom $R critical rollback 'error rate > 5% for >1 minute' 'error_rate 6.5% at 5 consecutive steps (at-5m..at-4m)' <<EOF
# Scenario: 6.5% errors from at-5m to at-4m, 5 evaluations: error_rate > 5% for 1m fires at at-4m.
$CRIT
set error_rate -300 -240 0.065
EOF

mk rollback/critical/error-5pct-45s-at-end.prom $R critical no-go - 'error_rate 6.5% for the last 4 steps (45 s): trigger pending, go rule false' <<EOF
# Scenario: 6.5% errors from at-45s to the end: 4 evaluations, one short of for 1m. The trigger
# is pending; the go rule (error_rate <= 5%) is false: hold, no-go.
$CRIT
set error_rate -45 0 0.065
EOF

mk rollback/critical/p99-doubled-2m.prom $R critical rollback 'P99 latency > baseline x 2.0 for >2 minutes' 'p99 0.5 s against at most 0.1957 s at 9 consecutive steps (at-3m30s..at-1m30s)' <<EOF
# Scenario: p99 at 0.5 s from at-3m30s to at-1m30s, then back: 9 evaluations over 2 minutes,
# more than twice the T-24h baseline (at most 0.1957 s). Fires at at-1m30s.
$CRIT
set p99 -210 -90 0.5
EOF

mk rollback/critical/zero-healthy-pods.prom $R critical rollback 'service completely unavailable' 'healthy_pods 0 for the last 45 s' <<EOF
# Scenario: the deployment has 0 available replicas from at-30s. Checklist: "Service completely
# unavailable (0 healthy pods)" is an immediate rollback.
$CRIT
set healthy_pods -30 0 0
EOF

mk rollback/critical/auth-failures.prom $R critical rollback 'auth/authz failures >1%' 'auth failure ratio 1.3% at one step (at-7m); immediate trigger, no for' <<EOF
# Scenario: 1.3% of requests fail with 401/403 at at-7m, one evaluation. The trigger has no for:
# it fires at once, and a rollback is final.
$CRIT
set auth_failure_rate -420 -420 0.013
EOF

mk rollback/critical/db-pool-exhausted.prom $R critical rollback 'DB connection pool exhaustion' 'db_pool_usage exactly 1 (100%) at at-1m45s: >= 100% holds' <<EOF
# Scenario: every pooled server connection in use (usage exactly 1) at at-1m45s, one evaluation.
# The trigger is db_pool_usage >= 100%: 1 >= 1 is true.
$CRIT
set db_pool_usage -105 -105 1
EOF

mk rollback/critical/disk-below-1GB.prom $R critical rollback 'disk space < 1GB free' 'disk_free 0.9 GB for the last minute' <<EOF
# Scenario: a node's free disk space drops to 900000000 bytes (0.9 GB) in the last minute.
$CRIT
set disk_free -60 0 900000000
EOF

mk rollback/critical/disk-1.05GB.prom $R critical go - 'disk_free 1.05e9 bytes: above 1G (1e9, the checklist says GB) though below 1Gi' <<EOF
# Scenario: 1050000000 bytes free in the last minute: less than 1Gi (1073741824) but more than
# 1 GB; the gate writes 1G, which is 1e9. No trigger, and disk_free >= 1G holds.
$CRIT
set disk_free -60 0 1050000000
EOF

mk rollback/critical/oom-kill.prom $R critical rollback 'OOM kill events' 'an OOM kill: oom_kills 1 from at-8m30s to at-3m30s' <<EOF
# Scenario: a container is OOM-killed at at-8m30s; the query (increase over 5m) reads 1 until
# at-3m30s. The trigger fires at at-8m30s.
$CRIT
set oom_kills$RP -510 -210 1
EOF

mk rollback/critical/oom-absent.prom $R critical go - 'no OOM event series at all: default 0' <<EOF
# Scenario: no OOM event counter was ever exported, so the query returns nothing: oom_kills has
# default 0, the trigger is false and oom_kills == 0 in the go rule holds.
$CRIT
omit oom_kills$RP
EOF

mk rollback/critical/two-triggers-earliest-wins.prom $R critical rollback 'OOM kill events' 'OOM kill fires at at-9m, the error-rate trigger (earlier in the file) only at at-6m30s: the first to fire decides' <<EOF
# Scenario: two critical triggers fire. oom_kills reads 1 from at-9m (fires at at-9m); the error
# rate is 6.5% from at-7m30s to at-6m30s (5 evaluations, fires at at-6m30s). The rule that fired
# first in time, "OOM kill events", decides, though "error rate ..." comes first in the file.
$CRIT
set error_rate -450 -390 0.065
set oom_kills$RP -540 -240 1
EOF

mk rollback/critical/disk-missing.prom $R critical inconclusive - 'no disk_free samples: disk_free >= 1G is unknown' <<EOF
# Scenario: the node exporter filesystem query returned nothing; everything else is healthy.
$CRIT
omit disk_free
EOF

mk rollback/critical/baseline-missing.prom $R critical inconclusive - 'no p99 baseline (T-24h) series: p99 <= baseline * 2.0 is unknown' <<EOF
# Scenario: no baseline samples for p99 (the recording from the day before is missing).
$CRIT
omit p99{role="baseline"}
EOF

HIGH="span 900 15
series error_rate 0.0015 0.2
series p99 0.2 0.04
series p99{role=\"baseline\"} 0.19 0.03
series memory_usage$RP 0.55 0.05
series cpu_throttling 0.04 0.2
series db_query_time 0.012 0.05
series db_query_time{role=\"baseline\"} 0.011 0.05
series cache_hit_rate 0.93 0.01
series queue_lag 2.5 0.3"

mk rollback/high_priority/healthy.prom $R high_priority go - 'no high-priority condition: memory 55% of limit, 4% throttling, cache hits 93%, lag 2.5 s' <<EOF
# Scenario: healthy: error rate about 0.15%, p99 about 0.2 s against about 0.19 s, memory about
# 55% of the limit, about 4% of CFS periods throttled, DB query time about 12 ms against 11 ms,
# cache hit rate about 93%, consumer lag about 2.5 s.
$HIGH
EOF

mk rollback/high_priority/error-2pct-5m.prom $R high_priority rollback 'error rate > 2% for >5 minutes' 'error_rate 3.1% at 21 consecutive steps (at-6m45s..at-1m45s)' <<EOF
# Scenario: 3.1% errors from at-6m45s to at-1m45s, 21 evaluations, 5 minutes: error_rate > 2%
# for 5m fires at at-1m45s.
$HIGH
set error_rate -405 -105 0.031
EOF

mk rollback/high_priority/error-2pct-4m45s-at-end.prom $R high_priority no-go - 'error_rate 3.1% for the last 20 steps (4m45s): trigger pending, go rule false' <<EOF
# Scenario: 3.1% errors from at-4m45s to the end: 20 evaluations, one short of for 5m. The
# trigger is pending, the go rule (error_rate <= 2%) false: hold.
$HIGH
set error_rate -285 0 0.031
EOF

mk rollback/high_priority/p99-1.5x-5m.prom $R high_priority rollback 'P99 latency > baseline x 1.5 for >5 minutes' 'p99 0.32 s against at most 0.1957 s x 1.5 = 0.2936 s from at-5m30s: for 5m holds at at-30s' <<EOF
# Scenario: p99 at 0.32 s from at-5m30s to the end, over 1.5 times the baseline throughout: the
# 21st consecutive evaluation, at at-30s, fires the trigger.
$HIGH
set p99 -330 0 0.32
EOF

mk rollback/high_priority/memory-sustained.prom $R high_priority rollback 'memory usage > 80% (sustained)' 'memory at 86% of the limit at 21 consecutive steps (at-6m..at-1m)' <<EOF
# Scenario: memory at 86% of the container limit from at-6m to at-1m, 21 evaluations: sustained
# for 5 minutes, fires at at-1m.
$HIGH
set memory_usage$RP -360 -60 0.86
EOF

mk rollback/high_priority/memory-pending.prom $R high_priority no-go - 'memory at 86% for the last 20 steps (4m45s): not yet sustained 5m; go rule false' <<EOF
# Scenario: memory at 86% of the limit from at-4m45s to the end: one evaluation short of 5
# minutes. The trigger is pending, memory_usage <= 80% in the go rule is false: hold.
$HIGH
set memory_usage$RP -285 0 0.86
EOF

# Four more pods, each at about 50% of its limit.
P4='identity-7d9f-m8q2z identity-7d9f-h5n7c identity-7d9f-t3w9d identity-7d9f-b6r4j'
HIGH5="$HIGH
$(pods memory_usage 0.5 0.05 $P4)"

mk rollback/high_priority/memory-sustained-one-pod.prom $R high_priority rollback 'memory usage > 80% (sustained)' 'one pod of five, identity-7d9f-h5n7c, at 86% of its limit at 21 consecutive steps (at-6m..at-1m)' <<EOF
# Scenario: one pod of five holds 86% of its memory limit from at-6m to at-1m, 21 evaluations:
# sustained for 5 minutes in that pod, which the rollback names.
$HIGH5
set memory_usage{pod="identity-7d9f-h5n7c"} -360 -60 0.86
EOF

mk rollback/high_priority/memory-two-pods-by-turns.prom $R high_priority go - 'two pods at 86% by turns (at-6m..at-3m, at-2m45s..at-1m): over 80% for 5m in no pod, back under at the end' <<EOF
# Scenario: identity-7d9f-x2k4p is at 86% of its limit from at-6m to at-3m, then
# identity-7d9f-m8q2z from at-2m45s to at-1m. Some pod was over 80% for 5 minutes, but no pod
# was: each pod has its own for (the busiest pod, max(), would have fired at at-1m). At the end
# every pod is back under 80%.
$HIGH5
set memory_usage$RP -360 -180 0.86
set memory_usage{pod="identity-7d9f-m8q2z"} -165 -60 0.86
EOF

mk rollback/high_priority/cpu-throttling.prom $R high_priority rollback 'CPU throttling affecting >30%' '34% of CFS periods throttled at one step (at-3m15s); immediate trigger' <<EOF
# Scenario: 34% of CFS periods throttled at at-3m15s, one evaluation; the trigger has no for.
$HIGH
set cpu_throttling -195 -195 0.34
EOF

mk rollback/high_priority/db-query-doubled.prom $R high_priority rollback 'DB query time degradation > 100%' 'mean DB query time 25 ms against at most 11.55 ms x 2 = 23.1 ms at at-2m30s..at-2m' <<EOF
# Scenario: the mean DB query time reaches 25 ms from at-2m30s to at-2m, more than twice the
# baseline (at most 11.55 ms): db_query_time > baseline + 100% fires at at-2m30s.
$HIGH
set db_query_time -150 -120 0.025
EOF

mk rollback/high_priority/cache-hit-low.prom $R high_priority rollback 'cache hit rate < 70%' 'cache hit rate 68% for the last 45 s' <<EOF
# Scenario: the Redis cache hit rate falls to 68% from at-30s.
$HIGH
set cache_hit_rate -30 0 0.68
EOF

mk rollback/high_priority/queue-lag.prom $R high_priority rollback 'queue lag > 60 seconds' 'consumer lag 75 s at at-6m45s..at-6m15s' <<EOF
# Scenario: Kafka consumer lag of 75 s from at-6m45s to at-6m15s; fires at at-6m45s.
$HIGH
set queue_lag -405 -375 75
EOF

mk rollback/high_priority/queue-lag-exactly-60s.prom $R high_priority go - 'consumer lag exactly 60 s for the last minute: > 60s is false, <= 60s holds' <<EOF
# Scenario: consumer lag of exactly 60 s in the last minute. The checklist trigger is "Queue lag
# > 60 seconds", strictly greater: not a trigger, and queue_lag <= 60s holds in the go rule.
$HIGH
set queue_lag -60 0 60
EOF

mk rollback/high_priority/queue-lag-missing.prom $R high_priority inconclusive - 'no queue lag samples: queue_lag <= 60s is unknown' <<EOF
# Scenario: the Kafka lag exporter returned nothing; everything else is healthy.
$HIGH
omit queue_lag
EOF

###########################################################################################
# rules/video-ranking.gate: gate canary (step 15s, window 15m: 61 evaluations) and gate
# rollout_25 (step 1m, window 30m: 31 evaluations).
V=rules/video-ranking.gate
# crash_loops and restarts by pod: the canary pod (VP); rollout_25 has 3 pods of the new version, ready
VP='{pod="video-ranking-service-canary-7b5c9-k2m4x"}'
VCAN="span 1200 15
series error_rate 0.0008 0.2
series p95 0.21 0.05
series uptime 1
series crash_loops$VP 0
series db_connection_failures 0
series restarts$VP 0"

mk video-ranking/canary/healthy.prom $V canary go - 'error about 0.08% (<0.5%), p95 about 210 ms (<400ms), uptime 100%, no crash loop, restart or DB failure' <<EOF
# Scenario: the 10% canary of video-ranking-service, healthy over 20 minutes.
$VCAN
EOF

mk video-ranking/canary/error-5pct.prom $V canary rollback 'error rate > 5%' 'error_rate 5.5% at one step (at-8m15s): immediate trigger' <<EOF
# Scenario: one evaluation at 5.5% errors, at at-8m15s, then normal. "Error rate > 5%" is an
# immediate-action rollback criterion: no for, it fires at once.
$VCAN
set error_rate -495 -495 0.055
EOF

mk video-ranking/canary/p95-over-1s.prom $V canary rollback 'latency P95 > 1000ms' 'p95 1.2 s at one step (at-1m)' <<EOF
# Scenario: p95 latency of 1.2 s at at-1m, one evaluation; over 1000ms: immediate rollback.
$VCAN
set p95 -60 -60 1.2
EOF

mk video-ranking/canary/p95-exactly-1s-at-end.prom $V canary no-go 'latency P95 > 500ms' 'p95 exactly 1.0 s at the last step: > 1000ms is false (strict), > 500ms true' <<EOF
# Scenario: the last sample reads p95 = 1.0 s exactly. "Latency P95 > 1000ms" is strict, so no
# rollback; the investigative "Latency P95 > 500ms" holds: no-go.
$VCAN
set p95 0 0 1.0
EOF

mk video-ranking/canary/crash-loop.prom $V canary rollback 'pod crash loop detected' 'a container in CrashLoopBackOff for the last 2 minutes (with 3 restarts)' <<EOF
# Scenario: the canary pod enters CrashLoopBackOff at at-2m (3 restarts in the last 5 minutes).
# The crash-loop rollback fires at at-2m; the restarts no-go is moot.
$VCAN
set crash_loops$VP -120 0 1
set restarts$VP -120 0 3
EOF

mk video-ranking/canary/uptime-dip.prom $V canary rollback 'service uptime < 99%' 'uptime 98.5% from at-6m45s to at-5m' <<EOF
# Scenario: scrape uptime over 5 minutes drops to 98.5% from at-6m45s to at-5m.
$VCAN
set uptime -405 -300 0.985
EOF

mk video-ranking/canary/db-connection-failures.prom $V canary rollback 'database connection failures' '2 DB connection errors at at-3m15s' <<EOF
# Scenario: the canary logs 2 database connection errors (increase over 5m) at at-3m15s.
$VCAN
set db_connection_failures -195 -195 2
EOF

mk video-ranking/canary/restart.prom $V canary no-go 'pod crashes or restarts' 'one restart, seen from at-3m15s to the end' <<EOF
# Scenario: the canary pod restarted once at at-3m15s (no crash loop). "No pod crashes or
# restarts" fails.
$VCAN
set restarts$VP -195 0 1
EOF

mk video-ranking/canary/error-1pct-at-end.prom $V canary no-go 'error rate 1-5%' 'error_rate 1.5% for the last 45 s: investigative' <<EOF
# Scenario: 1.5% errors from at-30s: between 1% and 5%, investigate rather than roll back.
$VCAN
set error_rate -30 0 0.015
EOF

mk video-ranking/canary/p95-600ms-at-end.prom $V canary no-go 'latency P95 > 500ms' 'p95 0.6 s for the last minute: investigative' <<EOF
# Scenario: p95 latency of 0.6 s from at-1m: over 500ms (investigate), under 1000ms (no rollback).
$VCAN
set p95 -60 0 0.6
EOF

mk video-ranking/canary/p95-450ms-at-end.prom $V canary no-go - 'p95 0.45 s for the last minute: not acceptable (>= 400ms) but not investigative (<= 500ms)' <<EOF
# Scenario: p95 latency of 0.45 s from at-1m: fails "Latency P95 acceptable (< 400ms)"; no nogo
# rule holds, so the go rule decides.
$VCAN
set p95 -60 0 0.45
EOF

mk video-ranking/canary/error-blip-mid-window.prom $V canary no-go - 'one sample of 0.7% at at-7m30s: "stay < 0.5%" for 15m broken' <<EOF
# Scenario: a single 0.7% error sample at at-7m30s: "No error rate spike (stay < 0.5%)" fails,
# though far from any trigger.
$VCAN
set error_rate -450 -450 0.007
EOF

mk video-ranking/canary/p95-missing.prom $V canary inconclusive - 'no p95 samples: p95 < 400ms is unknown' <<EOF
# Scenario: the latency histogram query returned nothing. The p95 triggers are unknown (not
# fired), and the go rule is unknown.
$VCAN
omit p95
EOF

mk video-ranking/canary/defaults.prom $V canary go - 'no crash loop, restart or DB error series at all: defaults 0' <<EOF
# Scenario: the crash-loop, restart and DB connection error queries return nothing (no such
# series exist while all is well); each has default 0.
$VCAN
omit crash_loops$VP
omit db_connection_failures
omit restarts$VP
EOF

mk video-ranking/canary/stable-pod-restart.prom $V canary no-go 'pod crashes or restarts' 'a pod of the stable version restarted at at-2m: any(restarts > 0) names it, not the canary' <<EOF
# Scenario: the restarts query covers every video-ranking-service pod; one of the stable version
# (90% of traffic) restarts at at-2m while the canary pod does not. "No pod crashes or restarts"
# fails, and the report says which pod.
$VCAN
series restarts{pod="video-ranking-service-59c6d-p4t8v"} 0
set restarts{pod="video-ranking-service-59c6d-p4t8v"} -120 0 1
EOF

P3='video-ranking-service-5d8f7-h2c9q video-ranking-service-5d8f7-n6w3z video-ranking-service-5d8f7-r8k5j'
V25="span 2100 60
series error_rate 0.0005 0.2
series p95 0.19 0.05
series uptime 1
series crash_loops{pod=\"video-ranking-service-5d8f7-h2c9q\"} 0
series db_connection_failures 0
series cache_hit_rate 0.95 0.01
$(pods ready 1 0 $P3)"

mk video-ranking/rollout_25/healthy.prom $V rollout_25 go - 'error about 0.05% (<0.1%), p95 about 190 ms (<300ms), cache hits about 95% (>90%), 3 pods ready' <<EOF
# Scenario: 3 pods, 25% of traffic, healthy for 35 minutes (samples every minute, the gate's step).
$V25
EOF

mk video-ranking/rollout_25/p95-over-1s.prom $V rollout_25 rollback 'latency P95 > 1000ms' 'p95 1.3 s at one step (at-10m)' <<EOF
# Scenario: p95 latency of 1.3 s at at-10m, one evaluation: immediate rollback.
$V25
set p95 -600 -600 1.3
EOF

mk video-ranking/rollout_25/cache-hit-88pct.prom $V rollout_25 no-go - 'cache hit rate 88% for the last 5 minutes (limit > 90%)' <<EOF
# Scenario: the cache hit rate falls to 88% from at-5m; the 25% stage wants more than 90%.
$V25
set cache_hit_rate -300 0 0.88
EOF

mk video-ranking/rollout_25/cache-missing.prom $V rollout_25 inconclusive - 'no cache hit rate samples: cache_hit_rate > 90% is unknown' <<EOF
# Scenario: the cache metrics query returned nothing; everything else is healthy.
$V25
omit cache_hit_rate
EOF

mk video-ranking/rollout_25/error-blip-at-window-start.prom $V rollout_25 no-go - 'error_rate 0.15% at at-30m, the first evaluated step: "stable (< 0.1%)" for 30m broken' <<EOF
# Scenario: one sample of 0.15% errors at at-30m, the first of the 31 evaluations (step 1m).
$V25
set error_rate -1800 -1800 0.0015
EOF

mk video-ranking/rollout_25/error-blip-before-window.prom $V rollout_25 go - 'error_rate 0.15% at at-31m, one step before the window' <<EOF
# Scenario: the same 0.15% sample one step (1 minute) earlier, at at-31m: before the window;
# at at-30m the latest sample is the normal one taken at at-30m.
$V25
set error_rate -1860 -1860 0.0015
EOF

mk video-ranking/rollout_25/p95-320ms-at-end.prom $V rollout_25 no-go - 'p95 0.32 s at the last step (limit 300ms)' <<EOF
# Scenario: the last sample reads p95 = 0.32 s: over 300ms, under the 500ms investigative level.
$V25
set p95 0 0 0.32
EOF

mk video-ranking/rollout_25/error-gap-4m.prom $V rollout_25 go - 'error_rate not scraped at at-15m..at-12m (4 samples): the at-16m sample is at most 4m old' <<EOF
# Scenario: 4 error_rate samples missing (at-15m..at-12m). The latest sample before the gap, at
# at-16m, is at most 4 minutes old at those steps: within the 5-minute lookback, so error_rate
# stays known and the for is not reset.
$V25
drop error_rate -900 -720
EOF

mk video-ranking/rollout_25/pod-not-ready.prom $V rollout_25 no-go - 'pod video-ranking-service-5d8f7-n6w3z not ready for the last 5 minutes: "All pods healthy and ready" fails for it' <<EOF
# Scenario: one of the 3 pods loses its Ready condition at at-5m and stays unready.
$V25
set ready{pod="video-ranking-service-5d8f7-n6w3z"} -300 0 0
EOF

mk video-ranking/rollout_25/two-pods.prom $V rollout_25 no-go - 'only 2 pods of the new version: "Replicas scaled to 3 pods" fails (count(ready) >= 3)' <<EOF
# Scenario: the scale-up to 3 replicas left one pod unscheduled: 2 pods, both ready and healthy.
$V25
omit ready{pod="video-ranking-service-5d8f7-r8k5j"}
EOF

mk video-ranking/rollout_25/pod-crash-loop.prom $V rollout_25 rollback 'pod crash loop detected' 'pod video-ranking-service-5d8f7-r8k5j in CrashLoopBackOff from at-12m: any(crash_loops > 0) names it' <<EOF
# Scenario: one pod of the new version goes into CrashLoopBackOff at at-12m (and is not ready
# from then on): "Pod crash loop detected" is an immediate rollback.
$V25
series crash_loops{pod="video-ranking-service-5d8f7-r8k5j"} 0
set crash_loops{pod="video-ranking-service-5d8f7-r8k5j"} -720 0 1
set ready{pod="video-ranking-service-5d8f7-r8k5j"} -720 0 0
EOF

###########################################################################################
# rules/blue-green.gate: gate streaming_switch (step 15s, window 10m: 41 evaluations) and gate
# gateway_switch (step 30s, window 25m: 51 evaluations).
B=rules/blue-green.gate
STREAM='span 900 15
series streaming_error_rate 0.0004 0.2
series streaming_p95 0.12 0.05
series streaming_db_p95 0.045 0.05
series streaming_api_up 1'

mk blue-green/streaming_switch/healthy.prom $B streaming_switch go - 'green healthy: errors about 0.04% (<0.1%), p95 about 120 ms (<200ms), DB p95 about 45 ms (<100ms), health probe up' <<EOF
# Scenario: 15 minutes after switching the ingress to user-service-green, all healthy.
$STREAM
EOF

mk blue-green/streaming_switch/api-down-1m.prom $B streaming_switch rollback 'CRITICAL: API down' 'health probe failing at 5 consecutive steps (at-4m..at-3m)' <<EOF
# Scenario: the /health probe fails from at-4m to at-3m, 5 evaluations, a full minute:
# streaming_api_up == 0 for 1m fires at at-3m.
$STREAM
set streaming_api_up -240 -180 0
EOF

mk blue-green/streaming_switch/api-blip-45s.prom $B streaming_switch go - 'health probe failing at 4 consecutive steps (45 s), then up: not API down' <<EOF
# Scenario: the /health probe fails from at-4m to at-3m15s, 4 evaluations, 45 s, then recovers:
# one step short of for 1m. The go rule does not look at the probe: go.
$STREAM
set streaming_api_up -240 -195 0
EOF

mk blue-green/streaming_switch/errors-over-5pct-5m.prom $B streaming_switch rollback 'HIGH: errors > 5% after 5 min investigation' 'errors 7% for the last 21 steps (5 minutes): for 5m holds at at' <<EOF
# Scenario: 7% errors from at-5m to the end, 21 evaluations: after 5 minutes of investigation
# the HIGH trigger fires at the last step.
$STREAM
set streaming_error_rate -300 0 0.07
EOF

mk blue-green/streaming_switch/errors-over-5pct-4m45s.prom $B streaming_switch no-go 'HIGH: errors > 5%' 'errors 7% for the last 20 steps (4m45s): still investigating' <<EOF
# Scenario: 7% errors from at-4m45s, 20 evaluations: not yet 5 minutes. The rollback is
# pending; the first nogo rule, "HIGH: errors > 5%", holds.
$STREAM
set streaming_error_rate -285 0 0.07
EOF

mk blue-green/streaming_switch/errors-2pct.prom $B streaming_switch no-go 'MEDIUM: errors 1-5%' 'errors 2% for the last 2 minutes' <<EOF
# Scenario: 2% errors from at-2m: MEDIUM, investigate.
$STREAM
set streaming_error_rate -120 0 0.02
EOF

mk blue-green/streaming_switch/p95-250ms.prom $B streaming_switch no-go - 'API p95 250 ms for the last 45 s (threshold < 200ms)' <<EOF
# Scenario: API response p95 rises to 250 ms from at-30s; the threshold is < 200ms.
$STREAM
set streaming_p95 -30 0 0.25
EOF

mk blue-green/streaming_switch/error-blip.prom $B streaming_switch no-go - 'errors 0.2% at one step (at-5m): < 0.1% for 10m broken' <<EOF
# Scenario: a single sample at 0.2% errors, at at-5m; no trigger, but the error rate was not
# below 0.1% for the whole 10 minutes.
$STREAM
set streaming_error_rate -300 -300 0.002
EOF

mk blue-green/streaming_switch/db-p95-missing.prom $B streaming_switch inconclusive - 'no DB query latency samples: streaming_db_p95 < 100ms is unknown' <<EOF
# Scenario: the pg_query_duration_seconds histogram query returned nothing.
$STREAM
omit streaming_db_p95
EOF

GW='span 1800 30
series gateway_error_rate 0.0003 0.2
series gateway_latency 0.062 0.05
series gateway_db_latency 0.018 0.05
series gateway_db_up 1'

mk blue-green/gateway_switch/healthy.prom $B gateway_switch go - 'green healthy: errors about 0.03% (<0.1%), latency about 62 ms (<100ms), DB about 18 ms (<50ms)' <<EOF
# Scenario: 30 minutes after switching the api-gateway service to slot green (samples every
# 30 s, the gate's step), all healthy.
$GW
EOF

mk blue-green/gateway_switch/error-5m.prom $B gateway_switch rollback 'error rate > 5% for > 5 minutes' 'errors 9% at 11 consecutive steps of 30 s (at-15m..at-10m)' <<EOF
# Scenario: 9% errors from at-15m to at-10m: 11 evaluations at a 30 s step, 5 minutes: the
# trigger fires at at-10m.
$GW
set gateway_error_rate -900 -600 0.09
EOF

mk blue-green/gateway_switch/error-4m30s-at-end.prom $B gateway_switch no-go 'high error rate' 'errors 9% for the last 10 steps (4m30s): rollback pending, error rate > 1%' <<EOF
# Scenario: 9% errors from at-4m30s, 10 evaluations: one short of for 5m. The rollback is
# pending; "high error rate" (> 1%) holds: no-go.
$GW
set gateway_error_rate -270 0 0.09
EOF

mk blue-green/gateway_switch/error-spike-straddles-window.prom $B gateway_switch no-go - 'errors 9% from at-29m to at-21m: only 9 steps (4 min) inside the window, which starts at at-25m' <<EOF
# Scenario: 9% errors for 8 minutes, from at-29m to at-21m, 17 samples; the window opens at
# at-25m. for counts from the first evaluated step: at-25m..at-21m is 9 evaluations, 4 minutes,
# so the trigger does not fire. The go rule (errors < 0.1% for 25m) is false.
$GW
set gateway_error_rate -1740 -1260 0.09
EOF

mk blue-green/gateway_switch/latency-spike.prom $B gateway_switch rollback 'API latency > 500ms' 'API latency 0.55 s at one step (at-16m30s)' <<EOF
# Scenario: API latency of 0.55 s at at-16m30s, one evaluation: immediate rollback.
$GW
set gateway_latency -990 -990 0.55
EOF

mk blue-green/gateway_switch/latency-exactly-500ms.prom $B gateway_switch no-go - 'API latency exactly 0.5 s at the last step: > 500ms false (strict), < 100ms false' <<EOF
# Scenario: the last sample reads exactly 0.5 s. "API latency > 500ms" is strict: no rollback.
# The go rule fails on latency < 100ms.
$GW
set gateway_latency 0 0 0.5
EOF

mk blue-green/gateway_switch/db-down.prom $B gateway_switch rollback 'database unavailable' 'pg_up 0 at one step (at-1m)' <<EOF
# Scenario: the PostgreSQL exporter reports the database down at at-1m.
$GW
set gateway_db_up -60 -60 0
EOF

mk blue-green/gateway_switch/db-latency-60ms.prom $B gateway_switch no-go - 'DB query latency 60 ms for the last 90 s (threshold < 50ms)' <<EOF
# Scenario: database query latency rises to 60 ms from at-1m30s.
$GW
set gateway_db_latency -90 0 0.06
EOF

mk blue-green/gateway_switch/db-latency-missing.prom $B gateway_switch inconclusive - 'no DB query latency samples: gateway_db_latency < 50ms is unknown' <<EOF
# Scenario: the DB query histogram query returned nothing; everything else is healthy.
$GW
omit gateway_db_latency
EOF

###########################################################################################
# rules/nova-backend.gate: gates phase4_canary (step 15s, window 15m: 61 evaluations),
# phase5_half (step 30s, window 30m: 61 evaluations) and phase8_monitoring (step 15s, window 2h:
# 481 evaluations). No crash_loops series but where a case needs one: no container waiting in
# CrashLoopBackOff, the usual case, has none (default 0).
N=rules/nova-backend.gate
# the canary: 1 replica of each of the 11 services ("Deploy Canary (1 replica per service)")
P4='auth-service-v1-0-0-7c4d9-k2x9p user-service-v1-0-0-5f8b6-m3q7t content-service-v1-0-0-6d2c8-r9w4z
feed-service-v1-0-0-8a7e5-t5n2j media-service-v1-0-0-4b9f3-h8c6v messaging-service-v1-0-0-9e1a7-p4d3s
search-service-v1-0-0-3c6d2-w7k5m streaming-service-v1-0-0-2f5e9-b6r8x notification-service-v1-0-0-7a3b4-g2m9q
cdn-service-v1-0-0-5d8c1-j3t6w events-service-v1-0-0-6e2f8-n5v4k'
CANARY4="span 1200 15
series requests_1m 2400 0.05
series error_rate 0.002 0.3
series p95 0.21 0.05
series p99 0.42 0.05
$(pods cpu 0.35 0.1 $P4)
$(pods memory 0.45 0.03 $P4)"

mk nova-backend/phase4_canary/healthy.prom $N phase4_canary go 'metrics healthy for 15 minutes' 'error rate about 0.2% (<1%), p95 about 210 ms (<500ms) at all 61 steps; p99 about 420 ms, pods about 35% CPU and 45% memory: no observe rule true' <<EOF
# Scenario: the 5% canary, 1 pod of each of the 11 services, healthy over 20 minutes: about 2400
# requests a minute (floor 100), error rate about 0.2%, p95 about 210 ms, p99 about 420 ms, each
# pod about 35% of its CPU limit and 45% of its memory limit, no crash loop.
$CANARY4
EOF

mk nova-backend/phase4_canary/error-1.5pct-6m.prom $N phase4_canary rollback 'error rate > 1% for 5 minutes' 'error_rate 1.5% at 25 consecutive steps (at-10m..at-4m): for 5m (21 steps) holds at at-5m' <<EOF
# Scenario: the error rate is 1.5% for 6 minutes, from at-10m to at-4m, then recovers. 21
# consecutive evaluations above 1% are 5 minutes: the trigger fires at at-5m, and a rollback is
# final.
$CANARY4
set error_rate -600 -240 0.015
EOF

mk nova-backend/phase4_canary/error-1.5pct-3m.prom $N phase4_canary no-go 'metrics healthy for 15 minutes' 'error_rate 1.5% for 3 minutes only (at-10m..at-7m, 13 steps): the for 5m never holds, but the canary was not healthy for 15 minutes' <<EOF
# Scenario: the same 1.5% for 3 minutes, at-10m to at-7m (13 evaluations), then recovered. The
# rollback trigger needs 5 minutes (21 evaluations): it never fires. The checkpoint, "Metrics
# healthy for 15 minutes", is broken (error_rate < 1% held only for the last 6m45s): no-go,
# the canary does not proceed to 50%, and it is no rollback either.
$CANARY4
set error_rate -600 -420 0.015
EOF

mk nova-backend/phase4_canary/p95-600ms-6m.prom $N phase4_canary rollback 'P95 latency > 500ms for 5 minutes' 'p95 600 ms at 25 consecutive steps (at-7m..at-1m): for 5m holds at at-2m' <<EOF
# Scenario: the canary's p95 is 600 ms for 6 minutes, from at-7m to at-1m: the 21st consecutive
# evaluation above 500 ms, at at-2m, fires the trigger.
$CANARY4
set p95 -420 -60 0.6
EOF

mk nova-backend/phase4_canary/quiet.prom $N phase4_canary inconclusive 'metrics healthy for 15 minutes' 'about 40 requests a minute, under the floor of 100: error_rate, p95 and p99 have no value at any step; the go rule and both rollback triggers are unknown' <<EOF
# Scenario: the canary gets almost no traffic (about 40 requests a minute: the 5% split not in
# place). Below the floor of 100 requests a minute its error rate and latencies are unknown at
# every step, however they read (its error rate reads 2.5%, one request in 40): no rollback, no go.
$CANARY4
series requests_1m 40 0.1
set error_rate -1200 0 0.025
EOF

mk nova-backend/phase4_canary/p99-over-1s.prom $N phase4_canary go 'metrics healthy for 15 minutes' 'p99 1.2 s for the last 5 minutes: the observe rule "P99 latency > 1000ms (INVESTIGATE)" is true, and never decides; p95 and the error rate are healthy' <<EOF
# Scenario: the canary's p99 is 1.2 s for the last 5 minutes, its p95 still about 210 ms. P99 over
# 1000 ms is "INVESTIGATE" in the checklist, not ROLLBACK: the observe rule is true and reported,
# the verdict is go.
$CANARY4
set p99 -300 0 1.2
EOF

mk nova-backend/phase4_canary/cpu-over-80pct.prom $N phase4_canary go 'metrics healthy for 15 minutes' 'one pod, search-service-v1-0-0-3c6d2-w7k5m, at 88% of its CPU limit for the last 3 minutes: "CPU usage > 80% (MONITOR)" true, the verdict go' <<EOF
# Scenario: one canary pod runs at 88% of its CPU limit for the last 3 minutes. CPU is "MONITOR":
# reported (the observe rule names the pod), not a verdict.
$CANARY4
set cpu{pod="search-service-v1-0-0-3c6d2-w7k5m"} -180 0 0.88
EOF

mk nova-backend/phase4_canary/crash-loop.prom $N phase4_canary rollback 'pod crash loop' 'media-service-v1-0-0-4b9f3-h8c6v in CrashLoopBackOff at at-2m30s..at-1m30s: immediate rollback' <<EOF
# Scenario: the media-service canary's container crashes and waits in CrashLoopBackOff from
# at-2m30s to at-1m30s (between restarts it runs). "Any pod crash loop → ROLLBACK": at once.
$CANARY4
series crash_loops{pod="media-service-v1-0-0-4b9f3-h8c6v"} 0
set crash_loops{pod="media-service-v1-0-0-4b9f3-h8c6v"} -150 -90 1
EOF

# 50/50: 3 replicas of each version; samples every 30 s, the gate's step. Per step of 30 s about
# 12000 requests of each version (the canary's 2400 a minute at 5% is 24000 a minute at 50%).
HALF="span 2100 30
series requests_1m 24000 0.05
series requests 12000 0.05
series requests{role=\"baseline\"} 12000 0.05
series errors 24 0.3
series errors{role=\"baseline\"} 24 0.3
series error_rate 0.002 0.3
series p95 0.21 0.05
series p95{role=\"baseline\"} 0.21 0.05"

mk nova-backend/phase5_half/healthy.prom $N phase5_half go 'metrics stable for 30 minutes' 'both versions about 0.2% errors and p95 about 210 ms: neither comparison significant; about 12000 requests a step each' <<EOF
# Scenario: both versions alike for 35 minutes: about 12000 requests a step of 30 s each, 0.2% of
# them errors (about 24 a step), p95 about 210 ms with the same spread.
$HALF
EOF

mk nova-backend/phase5_half/error-ratio-2.5x.prom $N phase5_half rollback 'error rate > old version by 2x' 'new version 0.5% errors against the old 0.2% (2.5x) at about 12000 requests a step: ratio_test p far below 1% from the first whole 10m, at-20m30s' <<EOF
# Scenario: the new version fails 0.5% of its requests (about 60 a step), the old one 0.2% (about
# 24), with plenty of traffic: over 10 minutes about 1200 errors in 240000 against about 480: 2.5
# times, and Fisher's test far below 1%. The first step with 10 minutes of history, at-20m30s,
# rolls back. (0.5% is under the critical 1%: only the comparison fires.)
$HALF
series errors 60 0.3
series error_rate 0.005 0.3
EOF

mk nova-backend/phase5_half/two-errors-against-one.prom $N phase5_half go 'metrics stable for 30 minutes' '2 errors of about 228000 requests against 1 of 240000 in the last 10 minutes: 2.1x the old ratio, but ratio_test p 0.48: no rollback' <<EOF
# Scenario: neither version errs but for 2 errors of the new version (at-2m30s, at-1m) and 1 of
# the old (at-4m), in the last 10 minutes; the new version serves 11400 requests a step, the old
# 12000. The new ratio is 2.1 times the old, but 2 events against 1 is chance (Fisher's one-sided p
# 0.48): the statistical guard holds the rollback back.
$HALF
series requests 11400 0
series requests{role="baseline"} 12000 0
series errors 0
series errors{role="baseline"} 0
series error_rate 0
set errors -150 -150 1
set errors -60 -60 1
set errors{role="baseline"} -240 -240 1
EOF

mk nova-backend/phase5_half/latency-1.6x.prom $N phase5_half rollback 'latency > old version by 1.5x' 'new p95 about 336 ms against the old 210 ms (1.6x): Mann-Whitney p far below 1%, shift about 125 ms > 50% of the old median, about 105 ms; fires at at-20m30s' <<EOF
# Scenario: the new version's p95 is about 336 ms, 1.6 times the old version's 210 ms (each
# +-5%), throughout: under the critical 500 ms, but more than 1.5x the old. At the first step with
# 10 minutes of history, at-20m30s, every value of the new is above every value of the old.
$HALF
series p95 0.336 0.05
EOF

mk nova-backend/phase5_half/latency-1.05x.prom $N phase5_half go 'metrics stable for 30 minutes' 'new p95 about 220.5 ms against the old 210 ms (1.05x, each +-2%): Mann-Whitney p far below 1%, but the shift (about 10.4 ms) is under 50% of the old median (about 105 ms): no rollback' <<EOF
# Scenario: the new version's p95 is about 220.5 ms against the old 210 ms, each +-2%: the two
# never overlap, so the difference is significant, and harmless: 5%, not the checklist's 1.5x.
$HALF
series p95 0.2205 0.02
series p95{role="baseline"} 0.21 0.02
EOF

mk nova-backend/phase5_half/split-lost.prom $N phase5_half no-go 'metrics stable for 30 minutes' 'the old version serves 30 requests a step from at-5m (the split lost): no trigger, but "both versions serving for 30 minutes" (50 a step) fails' <<EOF
# Scenario: 5 minutes before the end the traffic split breaks: the old version gets 30 requests a
# step of 30 s, none of them errors, under the floor of 50. Neither comparison fires (its last 10
# minutes still hold plenty of the old version's requests); the 30 minutes of 50/50 are not
# complete: no-go.
$HALF
set requests{role="baseline"} -270 0 30
set errors{role="baseline"} -270 0 0
EOF

# 2-hour monitoring: all traffic on the new version (48000 requests a minute). Memory of three
# pods, auth-service's 3 replicas: the other 30 pods of the 11 services behave alike and are left
# out of the recording, to keep it small.
P8='auth-service-v1-0-0-7c4d9-k2x9p auth-service-v1-0-0-7c4d9-q8w3n auth-service-v1-0-0-7c4d9-z5h7r'
MON="span 7500 15
series requests_1m 48000 0.05
series error_rate 0.0015 0.3
series p95 0.2 0.05
$(pods memory 0.45 0.02 $P8)"

mk nova-backend/phase8_monitoring/healthy.prom $N phase8_monitoring go 'monitoring stable for 2 hours' 'error rate about 0.15% (<0.5%) and p95 about 200 ms (<500ms) at all 481 steps; memory flat' <<EOF
# Scenario: 2 hours 5 minutes after the full rollout, all well: error rate about 0.15%, p95 about
# 200 ms, memory about 45% of the limit in each pod, flat.
$MON
EOF

mk nova-backend/phase8_monitoring/error-0.6pct-10m.prom $N phase8_monitoring no-go 'monitoring stable for 2 hours' 'error_rate 0.6% from at-1h10m to at-1h: over the 0.5% of the 2 hours, under the critical 1%: not complete, no rollback' <<EOF
# Scenario: the error rate rises to 0.6% for 10 minutes in the middle of the 2 hours, then back
# to 0.15%. "No increase in error rate (< 0.5%)" fails: no-go; 0.6% is not the critical 1%.
$MON
set error_rate -4200 -3600 0.006
EOF

mk nova-backend/phase8_monitoring/memory-leak.prom $N phase8_monitoring go 'monitoring stable for 2 hours' 'auth-service-v1-0-0-7c4d9-q8w3n working set from 45% to 63% of its limit over the last hour: "memory growing (leak?)" true, reported; error rate and p95 healthy: go' <<EOF
# Scenario: one pod's working set climbs steadily from 45% to 63% of its limit over the last hour,
# 18 points an hour: "No memory leaks (memory usage stable)" is in doubt. The checklist gives no
# threshold: the observe rule reports it, the verdict stays go.
$MON
ramp memory{pod="auth-service-v1-0-0-7c4d9-q8w3n"} -3600 0 0.45 0.63
EOF

mk nova-backend/phase8_monitoring/p95-600ms-6m.prom $N phase8_monitoring rollback 'P95 latency > 500ms for 5 minutes' 'p95 600 ms from at-1h30m to at-1h24m (25 steps): Phase 4 critical trigger, Phase 9 "critical metric exceeds threshold": fires at at-1h25m' <<EOF
# Scenario: p95 at 600 ms for 6 minutes, 1h30m before the end. Phase 9's trigger, "critical metric
# exceeds threshold", with Phase 4's "P95 latency > 500ms for 5 minutes": rollback at at-1h25m.
$MON
set p95 -5400 -5040 0.6
EOF

mv "$TSV.tmp" "$TSV"
