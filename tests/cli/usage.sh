# Usage errors: exit 4, a message, and nothing on stdout.
run() { "$NOVAGATE_CMD" "$@" >"$tmp/o" 2>"$tmp/e"; echo "exit $? stdout $(wc -c <"$tmp/o") | $(head -n 1 "$tmp/e")"; }
run
run frobnicate rules/canary.gate
run check rules/canary.gate
run check rules/canary.gate --input tests/rules/canary/healthy.prom --format yaml
run check rules/canary.gate --input tests/rules/canary/healthy.prom --set version
run check rules/canary.gate --input tests/rules/canary/healthy.prom --set zone=eu
run check rules/canary.gate --input tests/rules/canary/healthy.prom --gate nosuch
run check rules/canary.gate --input tests/rules/canary/healthy.prom --at yesterday
run check rules/canary.gate rules/stages.gate --input tests/rules/canary/healthy.prom
run compile --dump rules/canary.gate --at 5
run check rules/canary.gate --input tests/rules/canary/healthy.prom --at 0x10
run check rules/canary.gate --input tests/rules/canary/healthy.prom --at 2025-02-31T00:00:00Z
run check rules/canary.gate --input tests/rules/canary/healthy.prom --dialect sql
run check rules/canary.gate --input tests/rules/canary/healthy.prom --lookback 1h
run lint rules/canary.gate --input tests/rules/canary/healthy.prom
run lint rules/canary.gate --lookback 0s --prometheus http://127.0.0.1:9
(unset NOVAGATE_PROMETHEUS_URL; run lint rules/canary.gate)
run check rules/canary.gate --input tests/rules/canary/healthy.prom --tolerate 30s
run watch rules/canary.gate --prometheus http://127.0.0.1:9 --tolerate soon
# an option the command does not take: where it goes, and sometimes why not here
run record rules/canary.gate --format json
run baseline rules/canary.gate --baseline "$tmp/b.json"
run serve rules/canary.gate --set zone=eu
run compile rules/canary.gate -v
run test --dialect promql tests/rules
run check rules/canary.gate --version
run completion
run completion fish
run completion bash zsh
