# --help: every command's usage, written from the table of cli/options.c; test's alone.
"$NOVAGATE_CMD" --help; echo "exit $?"
"$NOVAGATE_CMD" test --help; echo "exit $?"
