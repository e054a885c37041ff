# Files that cannot be read: exit 7.
run() { "$NOVAGATE_CMD" "$@" >"$tmp/o" 2>"$tmp/e"; echo "exit $? stdout $(wc -c <"$tmp/o") | $(cat "$tmp/e")"; }
run check rules/nosuch.gate --input tests/rules/canary/healthy.prom
run check rules/canary.gate --input tests/rules/canary/nosuch.prom
run compile tests
