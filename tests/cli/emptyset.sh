# An empty --set of a parameter in a matcher's value (a CI step's unset $VERSION) is a compile
# error: version="" would select the series without the label.  Exit 5, nothing on stdout.
run() { "$NOVAGATE_CMD" "$@" >"$tmp/o" 2>"$tmp/e"; echo "exit $? stdout $(wc -c <"$tmp/o")"; cat "$tmp/e"; }
run compile --dump --set version= rules/canary.gate
run check rules/canary.gate --input tests/rules/canary/healthy.prom --set version=
# a value, and the same gate compiles
run compile --set version=v1.2.5 rules/canary.gate
