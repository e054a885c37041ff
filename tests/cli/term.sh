# --format human on a terminal (a pseudo-terminal of script(1)): colour and sparklines; into a pipe
# plain unless --color always.  Each run: its exit, escapes or not, sparkline blocks or not.
# (script runs $NOVAGATE itself: under NG_VALGRIND=1 the pty runs go without valgrind)
pty() { env "$@" script -qfec "$NOVAGATE check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --format human $TERM_ARGS" /dev/null </dev/null | tr -d '\r'; }
seen() {
	o=$(cat); esc=$(printf '\033')
	printf '%s: escapes %s, blocks %s, threshold at %s\n' "$1" \
		"$(printf '%s' "$o" | grep -q "$esc\[" && echo yes || echo no)" \
		"$(printf '%s' "$o" | grep -qE '▁|▂|▃|▄|▅|▆|▇|█' && echo yes || echo no)" \
		"$(printf '%s' "$o" | sed "s/$esc\[[0-9;]*m//g" | sed -n 's/.*> 0\.05 at //p' | head -n 1)"
}
TERM_ARGS= pty NO_COLOR= | seen "a terminal"
TERM_ARGS= pty NO_COLOR=1 | seen "NO_COLOR=1"
TERM_ARGS="--color never" pty NO_COLOR= | seen "--color never"
TERM_ARGS="--color always" pty NO_COLOR=1 | seen "--color always, NO_COLOR=1"
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --format human --color always | seen "a pipe, --color always"
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --format human >"$tmp/plain"
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --format human --color never | cmp - "$tmp/plain" && echo "a pipe: --color never as without it"
NO_COLOR=1 "$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --format human --color auto | cmp - "$tmp/plain" && echo "a pipe: --color auto as without it"
# the sparkline of error_rate exactly: its spike, the threshold's row, the rollback's pending then true steps
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --format human --color always |
	grep -A 2 '^    error_rate ' | sed "s/$(printf '\033')/\\\\033/g"
# a JSON report knows no colour
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --color always | grep -c "$(printf '\033')"
"$NOVAGATE_CMD" check rules/canary.gate --input tests/rules/canary/error-spike-1m.prom --color sometimes 2>&1 | head -n 1
