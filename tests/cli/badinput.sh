# Malformed samples: exit 6, FILE:LINE:COL, and no verdict printed.
run() { "$NOVAGATE_CMD" "$@" >"$tmp/o" 2>"$tmp/e"; echo "exit $? stdout $(wc -c <"$tmp/o")"; cat "$tmp/e"; }
printf 'error_rate 0.001 1700000000000\nerror_rate 0.0.1 1700000015000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
printf 'error_rate 0.001 1700000015000\ncpu 0.1 1700000015000\nerror_rate 0.002 1700000000000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
printf 'cpu{pod="a"} 0.1 1700000000000\ncpu{pod="b"} 0.1 1700000000000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
printf 'memory{le="1"} 5 1700000000000\nmemory{le="1",le="2"} 5 1700000015000\n' >"$tmp/in.prom"
run check rules/canary.gate --input "$tmp/in.prom"
