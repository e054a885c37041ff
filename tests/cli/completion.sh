# bash completion, as bash runs it (tests/completion/complete.bash): the words typed, the cursor at
# the end of the last ('' when it is empty), and what is offered, sorted.
"$NOVAGATE_CMD" completion bash >"$tmp/novagate.bash"; echo "exit $?"
mkdir -p "$tmp/c/d" "$tmp/r/s" && touch "$tmp/c/a.gate" "$tmp/c/b.txt" "$tmp/c/x.json" "$tmp/r/p.html" "$tmp/r/q.txt"
bash tests/completion/complete.bash "$tmp/novagate.bash" <<CASES
novagate ch
novagate c
novagate --
novagate frobnicate --
novagate check --for
novagate check --format ''
novagate check --format = ''
novagate check --format = h
novagate lint --format ''
novagate check --dialect ''
novagate watch --on-error i
novagate serve --li
novagate check --li
novagate check --lookb
novagate lint --lookb
novagate record --se
novagate serve --se
novagate compile --
novagate test --
novagate completion --
novagate completion ''
novagate check --gate ''
novagate check $tmp/c/
novagate check --input $tmp/c/
novagate check --baseline $tmp/c/
novagate record --format $tmp/c/
novagate serve $tmp/c/a.gate $tmp/c/
novagate test --junit $tmp/c/b
novagate test $tmp/c/
novagate check --report $tmp/r/
novagate watch --report = $tmp/r/
novagate test --report $tmp/r/
novagate test --report = $tmp/r/
CASES
