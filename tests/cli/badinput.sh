# Malformed samples: exit 6, FILE:LINE:COL, and no verdict printed.
run() { "$NOVAGATE_CMD" "$@" >"$tmp/o" 2>"$tmp/e"; echo "exit $? stdout $(wc -c <"$tmp/o")"; cat "$tmp/e"; }
printf 'error_rate 0.001 1700000000000\nerror_rate 0.0.1 1700000015000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
printf 'error_rate 0.001 1700000015000\ncpu 0.1 1700000015000\nerror_rate 0.002 1700000000000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
printf 'p99{pod="a"} 0.1 1700000000000\np99{pod="b"} 0.1 1700000000000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
printf 'memory{le="1"} 5 1700000000000\nmemory{le="1",le="2"} 5 1700000015000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
# the first sample without labels, then one with: two series
printf 'p99 0.1 1700000000000\np99{pod="b"} 0.1 1700000015000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
# label values that print alike unescaped are still different series
printf 'p99{a="x\\",b=\\"y"} 0.1 1700000000000\np99{a="x",b="y"} 0.1 1700000015000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
# a timestamp no window arithmetic could survive
printf 'error_rate 0 9223372036854775807\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
# a recorded baseline that its shift to the check's time moves before the year 1
printf 'metric cpu = `x`\ngate g {\n  go when cpu < baseline(cpu)\n}\n' >"$tmp/b.gate"
printf '{"novagate_baseline":1,"at":253402300000,"metrics":{"cpu":{"values":[[0,"1"],[253402300000,"1"]]}}}' >"$tmp/b.json"
printf 'cpu 0.5 1700000000000\n' >"$tmp/in.prom"
run check "$tmp/b.gate" --input "$tmp/in.prom" --baseline "$tmp/b.json"
# recorded baseline files that are not: JSON broken (where), not ours, values out of order, missing
printf '{"novagate_baseline":1,\n "at": }\n' >"$tmp/b.json"
run check "$tmp/b.gate" --input "$tmp/in.prom" --baseline "$tmp/b.json"
printf '{"at":1700000000,"metrics":{}}' >"$tmp/b.json"
run check "$tmp/b.gate" --input "$tmp/in.prom" --baseline "$tmp/b.json"
printf '{"novagate_baseline":1,"at":1700000000,"metrics":{"cpu":{"values":[[2,"1"],[1,"1"]]}}}' >"$tmp/b.json"
run check "$tmp/b.gate" --input "$tmp/in.prom" --baseline "$tmp/b.json"
run check "$tmp/b.gate" --input "$tmp/in.prom" --baseline "$tmp/nosuch.json"
