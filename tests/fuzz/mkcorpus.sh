#!/bin/sh
# tests/fuzz/mkcorpus.sh: (re)make the seed corpora tests/fuzz/corpus/TARGET/ from the
# repository's own material, files of at most 16 KiB (small seeds fuzz faster).  Run from
# the top of the repository; the corpora are kept in the repository, so `make fuzz` does not
# run this.  A target's input format is at the top of tests/fuzz/fuzz_TARGET.c: some take a
# first byte that picks a format or an HTTP status, which is prepended here.
#   sh tests/fuzz/mkcorpus.sh [TARGET...]
# remakes the corpora of the targets named (of all without one): a corpus remade loses the
# seeds fuzzing added to it, so name only the targets whose material changed.
set -eu
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
max=16384

# seed TARGET FILE [PREFIX-BYTE]
seed() {
	[ "$(wc -c <"$2")" -le $max ] || return 0
	mkdir -p "$out/$1"
	name=$(printf '%s' "$2" | tr '/' '_')
	if [ $# -gt 2 ]; then
		{ printf "\\$(printf '%o' "$3")"; cat "$2"; } >"$out/$1/$name"
	else
		cp "$2" "$out/$1/$name"
	fi
}

for f in rules/*.gate tests/compile/*.gate tests/testrun/*.gate; do seed gate "$f"; done

# the format byte: 0 auto, 1 text 0.0.4, 2 OpenMetrics (data[0] % 3)
for f in tests/conformance/exposition/valid/*.txt tests/conformance/exposition/fuzz-seeds/* \
	tests/conformance/exposition/invalid/*.txt; do
	seed source_text "$f" 0
	case $f in *.om.txt) seed text_diff "$f" 2 ;; */invalid/*) ;; *) seed text_diff "$f" 1 ;; esac
done

# the status byte: an index into fuzz_prom.c's statuses[]
tail -n +2 tests/conformance/api/MANIFEST.tsv | while IFS='	' read -r f status rest; do
	case $status in
	200) b=0 ;; 204) b=4 ;; 400) b=7 ;; 401) b=8 ;; 404) b=9 ;; 422) b=10 ;; 500) b=12 ;; 502) b=13 ;;
	503) b=14 ;; *) echo "mkcorpus.sh: $f: HTTP $status has no byte" >&2; exit 1 ;;
	esac
	seed prom "tests/conformance/api/$f" "$b"
done

for f in tests/rules/*.test.yaml tests/testrun/*.test.yaml tests/testrun/malformed/*.test.yaml; do
	case $f in */values-budget.*) continue ;; esac	# 8M values: a second a run, a slow seed
	seed testrun "$f"
done

mkdir -p "$out/seriesnot"
jq -r '.[].input' tests/conformance/promtool/series_notation/parser_series_cases.json |
	awk -v d="$out/seriesnot" '{ f = sprintf("%s/case_%03d", d, NR); printf "%s", $0 > f; close(f) }'

# PromQL: the first byte picks the dialect (even PromQL, odd MetricsQL); Prometheus' parser
# cases, and every query of the gate files in the repository
mkdir -p "$out/promql"
n=0
jq -r '.[].input | @base64' tests/conformance/promql/parser_cases.json | while read -r c; do
	n=$((n + 1))
	{ printf '\000'; printf '%s' "$c" | base64 -d; } >"$out/promql/case_$(printf %03d $n)"
done
for q in 'rate(x) keep_metric_names' 'sum(rate(x)) by (a) limit 5' 'x default 0 if y ifnot z' \
	'median(x) by (a)' 'WITH (a = b) a'; do
	n=$((n + 1))
	{ printf '\001'; printf '%s' "$q"; } >"$out/promql/metricsql_$(printf %03d $n)"
done
cat rules/*.gate tests/compile/*.gate tests/prom/*.gate | tr '\n' ' ' | grep -o '`[^`]*`' | tr -d '`' |
	while IFS= read -r q; do
		n=$((n + 1))
		case $q in *keep_metric_names*|*' default '*) b='\001' ;; *) b='\000' ;; esac
		{ printf "$b"; printf '%s' "$q"; } >"$out/promql/query_$(printf %03d $n)"
	done

for f in tests/rules/canary/*.prom tests/rules/rollback/*/*.prom tests/check/*.prom; do seed check "$f"; done

# recorded baselines: the shapes baseline.h describes, and the edges the tests know
mkdir -p "$out/baseline"
b=$out/baseline
printf '{"novagate_baseline": 1, "file": "rules/canary.gate", "server": "http://p:9090/api/v1/query_range",\n "at": "2023-11-14T22:18:20Z",\n "metrics": {\n  "p99": {"query": "q", "step": "15s", "from": "2023-11-14T22:11:05Z", "values": [\n    [1700000000, "0.21"],\n    [1700000015, null],\n    [1700000030, "NaN"],\n    [1700000045.5, "+Inf"]]},\n  "err": {"value": 0.001}}}\n' >"$b/recorded.json"
printf '{"novagate_baseline": 1, "at": 1700000000, "metrics": {"p99": {"value": "0.1"}, "err": {"value": 1}, "cpu": {"value": "-Inf"}}}\n' >"$b/constants.json"
printf '{"novagate_baseline": 1, "at": 1700000000, "metrics": {"err": {"value": 1}}}\n' >"$b/partial.json"
printf '{"novagate_baseline": 1, "at": 1700000000, "metrics": {"p99": {"values": [[2, "1"], [1, "1"]]}}}\n' >"$b/order.json"
printf '{"novagate_baseline":1,"at":253402300000,"metrics":{"p99":{"values":[[0,"1"],[253402300000,"1"]]}}}' >"$b/shift.json"
printf '{"novagate_baseline": 1, "at": "1700000000", "metrics": {"p99": {"values": []}, "err": {"values": [[1699999990, 3], [1700000005, "1e-3"]]}}}\n' >"$b/numbers.json"
printf '{"novagate_baseline": 2}\n' >"$b/version.json"

for t in ${*:-$(ls "$out")}; do
	[ -d "$out/$t" ] || { echo "mkcorpus.sh: no target '$t'" >&2; exit 1; }
	rm -rf "tests/fuzz/corpus/$t"
	mv "$out/$t" "tests/fuzz/corpus/$t"
done
