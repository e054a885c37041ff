#!/bin/sh
# tests/fuzz/run.sh TARGET BINARY WORKDIR SECONDS [LIBFUZZER-FLAGS...]: one target of `make fuzz`.
# Fuzzes for SECONDS over a fresh copy of tests/fuzz/corpus/TARGET/ in WORKDIR (the log is
# WORKDIR/log), then prints one line: executions, coverage (libFuzzer's cov: and ft:) and
# corpus.  A crash, leak, timeout or out-of-memory fails it, its input copied into
# tests/fuzz/crashes/TARGET/ for `make check` to replay once it is fixed.
set -u
t=$1 bin=$2 work=$3 secs=$4
shift 4
rm -rf "$work"
mkdir -p "$work/corpus" "$work/artifacts"
[ -d "tests/fuzz/corpus/$t" ] && cp tests/fuzz/corpus/"$t"/* "$work/corpus/"
t0=$(date +%s)
"$bin" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$@" \
	"$work/corpus" >"$work/log" 2>&1
rc=$?
secs=$(($(date +%s) - t0))
last=$(grep -E '^#[0-9]+' "$work/log" | tail -n 1)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log")
field() { printf '%s\n' "$last" | sed -n "s/.* $1: *\\([^ ]*\\).*/\\1/p"; }
printf 'fuzz %-12s %s runs in %ss: cov %s ft %s corpus %s\n' "$t" "${execs:-?}" "$secs" \
	"$(field cov)" "$(field ft)" "$(field corp)"
found=$(find "$work/artifacts" -type f \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' \
	-o -name 'oom-*' \) | sort)
if [ $rc -eq 0 ] && [ -z "$found" ]; then
	exit 0
fi
mkdir -p "tests/fuzz/crashes/$t"
for f in $found; do
	cp "$f" "tests/fuzz/crashes/$t/"
	echo "fuzz $t: kept tests/fuzz/crashes/$t/$(basename "$f")" >&2
done
grep -v '^#[0-9]' "$work/log" | tail -n 60 >&2
echo "fuzz $t: FAILED (exit $rc; the log is $work/log)" >&2
exit 1
