# Several gates: the worst verdict wins; --gate picks one; --at moves the window; stdin works.
v() { "$NOVAGATE_CMD" "$@" >"$tmp/o" 2>"$tmp/e"; echo "exit $? $(jq -r '"\(.gate)=\(.verdict)"' "$tmp/o" | tr '\n' ' ')"; cat "$tmp/e"; }
v check rules/stages.gate --input tests/rules/stages/stage_25/healthy.prom
v check rules/stages.gate --input tests/rules/stages/stage_25/healthy.prom --gate stage_25
v check rules/canary.gate --input - <tests/rules/canary/error-spike-1m.prom
# an hour earlier there is no data: every value is missing, restarts takes its default
v check rules/canary.gate --input tests/rules/canary/healthy.prom --at 2023-11-14T21:23:20Z
v check rules/canary.gate --input tests/rules/canary/healthy.prom --at 1700000600
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/healthy.prom --set 'version=v2"}' | jq -r '.metrics[0].query'
# a typo in a metric name: missing data, inconclusive, and a warning
printf 'error_rates 0 1700000000000\n' | v check rules/canary.gate --input -
# worst wins: rollback over inconclusive, no-go over inconclusive
v check rules/rollback.gate --input tests/rules/rollback/critical/auth-failures.prom
v check rules/stages.gate --input tests/rules/stages/stage_50/cpu-over.prom
# a past rollback, for people: the rule shows as fired (never a plain false), with the step and
# the values that fired it besides today's; a `for` under way shows how long it held of how long
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --format human
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-gap-over-lookback.prom --format human
# the same as JSON: the rule's fired members, the comparison's values when it fired, the for's progress
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom |
	jq -c '[.rules[0].fired, .rules[0].since, .rules[0].for, (.metrics[0].comparisons[0].fired), .unknown]'
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-gap-over-lookback.prom |
	jq -c '[.verdict, .rules[3].for[0], .unknown]'
