# tests/stream/stream.sh: watch --input fed as the samples come, sourced by tests/run.sh (it uses ok,
# bad, $tmp, $NOVAGATE).  The writer holds a FIFO open and waits for each line before it writes on,
# so each line must come before the end of the input; a rollback ends the watch while the writer
# goes on writing; --max-duration and SIGTERM end a quiet input; and each line is what check --at
# its step gives of the same samples (equal.tsv).  The exact lines of the cases that need no pauses
# are tests/cli/stream.out.  Every time limit is only a guard against a hang.
sdir=$tmp/stream
mkdir -p "$sdir"
SG=tests/stream/stream.gate
if [ "${NG_VALGRIND:-0}" = 1 ]; then
	sng() { timeout 300 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect "$NOVAGATE" "$@"; }
	sequal=1	# valgrind is slow: the first case of equal.tsv
else
	sng() { timeout 60 "$NOVAGATE" "$@"; }
	sequal=100000
fi

# until FILE has N lines, up to 60 s
slines() {
	i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
	[ "$(cat "$1" 2>/dev/null | wc -l)" -ge "$2" ]
}
# the samples of step I (10 s apart from 1700000000000 ms): err ERR, lat LAT
at() { printf 'err %s %s000\nlat %s %s000\n' "$2" "$((1700000000 + $1 * 10))" "$3" "$((1700000000 + $1 * 10))"; }
# a FIFO held open read-write on fd 3: opening it does not wait for the reader, and the input
# ends only when fd 3 is closed (novagate is started without it: a function's redirection would
# leave the shell a copy)
sopen() {
	rm -f "$sdir/in" "$sdir/out" "$sdir/err"	# not the last case's, read before this one writes
	mkfifo "$sdir/in" && exec 3<>"$sdir/in"
}

# 1. lines as the steps complete: the writer waits for each before it writes on
sopen
(exec 3>&-; sng watch "$SG" --input - <"$sdir/in" >"$sdir/out" 2>"$sdir/err") &
spid=$!
at 0 0.01 0.2 >&3
sleep 0.3
quiet=$(cat "$sdir/out" 2>/dev/null | wc -l)	# no later sample yet: step 0 may still get samples
at 1 0.02 0.3 >&3
slines "$sdir/out" 1; first=$?
at 2 0.03 0.4 >&3
slines "$sdir/out" 2; second=$?
exec 3>&-
wait "$spid"; rc=$?
if [ "$quiet" -eq 0 ] && [ $first -eq 0 ] && [ $second -eq 0 ] && [ $rc -eq 0 ] && [ ! -s "$sdir/err" ] &&
   [ "$(jq -r '[.at, .verdict, .final, .reason // "-"] | join(" ")' "$sdir/out" | tr '\n' ',')" = \
     "2023-11-14T22:13:20Z go false -,2023-11-14T22:13:30Z go false -,2023-11-14T22:13:40Z go true end of input," ]
then ok; else
	bad "stream: watch --input - through a pipe with pauses: exit $rc, $quiet lines too soon, waits for lines 1 and 2: $first/$second (want 0/0)"
	cat "$sdir/out" "$sdir/err" >&2; fi

# 2. a rollback ends the watch at once, though the writer goes on writing and holds the pipe open
sopen
(exec 3>&-; sng watch "$SG" --input - <"$sdir/in" >"$sdir/out" 2>"$sdir/err") &
spid=$!
at 0 0.6 0.2 >&3
at 1 0.7 0.2 >&3
i=2
while ! grep -q '"final":true' "$sdir/out" 2>/dev/null && [ $i -lt 1200 ]; do	# fires at step 1 when step 2 begins
	at $i 0.7 0.2 >&3
	sleep 0.05
	i=$((i + 1))
done
wait "$spid"; rc=$?	# the input has not ended: fd 3 is open
exec 3>&-
if [ $rc -eq 2 ] && [ "$(wc -l <"$sdir/out")" -eq 2 ] &&
   [ "$(tail -n 1 "$sdir/out" | jq -r '[.at, .verdict, .reason, .decided_by.name] | join(" ")')" = \
     "2023-11-14T22:13:30Z rollback rollback error spike" ]; then ok; else
	bad "stream: a rollback while the input goes on: exit $rc (want 2)"; cat "$sdir/out" "$sdir/err" >&2; fi

# 3. a quiet input: --max-duration ends it, the verdict so far on the last line
sopen
at 0 0.01 0.2 >&3
at 1 0.02 0.2 >&3
(exec 3>&-; sng watch "$SG" --input - --max-duration 2s <"$sdir/in" >"$sdir/out" 2>"$sdir/err") &
spid=$!
wait "$spid"; rc=$?
exec 3>&-
if [ $rc -eq 18 ] && [ "$(jq -r '[.at, .verdict, .final, .reason // "-"] | join(" ")' "$sdir/out" | tr '\n' ',')" = \
     "2023-11-14T22:13:20Z go false -,2023-11-14T22:13:20Z go true max duration," ]; then ok; else
	bad "stream: --max-duration of a quiet input: exit $rc (want 18)"; cat "$sdir/out" "$sdir/err" >&2; fi

# 4. SIGTERM: the verdict so far, exit 17
sopen
"$NOVAGATE" watch "$SG" --input "$sdir/in" --format human >"$sdir/out" 2>"$sdir/err" 3>&- &
spid=$!
(exec 3>&-; trap 'kill "$s" 2>/dev/null; exit 0' TERM; sleep 60 & s=$!; wait "$s"; kill -KILL "$spid" 2>/dev/null) &
sdog=$!
at 0 0.01 0.2 >&3
at 1 0.02 0.2 >&3
slines "$sdir/out" 1
kill -TERM "$spid" 2>/dev/null
wait "$spid"; rc=$?
kill "$sdog" 2>/dev/null
wait "$sdog" 2>/dev/null
exec 3>&-
if [ $rc -eq 17 ] && [ "$(tail -n 1 "$sdir/out")" = \
     "2023-11-14T22:13:20Z g: go (final: terminated (SIGTERM)) [error spike=false, go=true] err=0.01 lat=0.2" ]
then ok; else bad "stream: SIGTERM: exit $rc (want 17)"; cat "$sdir/out" "$sdir/err" >&2; fi
rm -f "$sdir/in"

# 5. each line is what check --at its step gives of the same samples (sorted by time, ties in file order)
n=0
while IFS='	' read -r sgf sin sgate; do
	case $sgf in '#'*|'') continue ;; esac
	n=$((n + 1))
	[ $n -le $sequal ] || break
	awk '!/^#/ && NF { printf "%s\t%d\t%s\n", $NF, NR, $0 }' "$sin" | sort -n -k1,1 -k2,2 | cut -f3- >"$sdir/sorted.prom"
	gopt=; [ "$sgate" = - ] || gopt="--gate $sgate"
	# shellcheck disable=SC2086
	sng watch "$sgf" $gopt --input - <"$sdir/sorted.prom" >"$sdir/out" 2>"$sdir/err"; rc=$?
	jq -r '[.gate, .at] | @tsv' "$sdir/out" >"$sdir/steps"
	jq -c '[.verdict, .decided_by, [.rules[] | [.state, .since]], [.metrics[] | {name, value, baseline, series_count}]]' \
		"$sdir/out" >"$sdir/wl"
	lines=0 diff=
	while IFS='	' read -r wgate wat && IFS= read -r wl <&4; do
		cl=$("$NOVAGATE" check "$sgf" --gate "$wgate" --input "$sdir/sorted.prom" --at "$wat" 2>/dev/null | jq -c '[.verdict,
			(.decided_by | {kind, name, since} + (if (.quantifiers // []) | length > 0 then {quantifiers} else {} end)
				+ (if (.statistics // []) | length > 0 then {statistics} else {} end)),
			[.rules[] | [.state, .since]], [.metrics[] | {name, value, baseline: .baseline.value, series_count}]]')
		[ "$wl" = "$cl" ] || diff="$diff
$wgate at $wat: watch $wl
$wgate at $wat: check $cl"
		lines=$((lines + 1))
	done <"$sdir/steps" 4<"$sdir/wl"
	if [ $rc -le 3 ] && [ $lines -ge 10 ] && [ $lines -eq "$(wc -l <"$sdir/out")" ] && [ -z "$diff" ] && tail -n 1 "$sdir/out" | grep -q '"final":true'; then ok; else
		bad "stream: watch --input of $sin: exit $rc, $lines lines, unlike check --at:$diff"; cat "$sdir/err" >&2; fi
done <tests/stream/equal.tsv

# 6. a recording of novagate record holds its samples series by series: read as they come, the
#    steps would be decided on its first series alone (a go where check says rollback), so watch
#    --input refuses it, by the header record writes, at its first bytes, even split across reads
{ printf '# novagate record: the samples %s reads, from http://127.0.0.1:9090, evaluated at 2023-11-14T22:14:20Z.\n' "$SG"
  for i in 0 1 2 3 4 5 6; do printf 'err 0.01 %s000\n' "$((1700000000 + i * 10))"; done
  for i in 0 1 2 3 4 5 6; do printf 'lat 0.2 %s000\n' "$((1700000000 + i * 10))"; done; } >"$sdir/rec.prom"
sng watch "$SG" --input "$sdir/rec.prom" >"$sdir/out" 2>"$sdir/err"; rc=$?
if [ $rc -eq 6 ] && [ ! -s "$sdir/out" ] &&
   [ "$(head -n 1 "$sdir/err")" = "$sdir/rec.prom:1:1: error: a recording of novagate record holds its samples series by series, not as they came: replay it with novagate check --input, with the --at of its header" ]
then ok; else bad "stream: watch --input of a recording: exit $rc (want 6)"; cat "$sdir/out" "$sdir/err" >&2; fi
sopen
(exec 3>&-; sng watch "$SG" --input - <"$sdir/in" >"$sdir/out" 2>"$sdir/err") &
spid=$!
printf '# novagate rec' >&3
sleep 0.2
printf 'ord: the samples\n' >&3
exec 3>&-
wait "$spid"; rc=$?
if [ $rc -eq 6 ] && grep -q '^<stdin>:1:1: error: a recording of novagate record' "$sdir/err"; then ok; else
	bad "stream: watch --input of a recording's header in two reads: exit $rc (want 6)"; cat "$sdir/out" "$sdir/err" >&2; fi
# a comment that only begins like it is no recording
{ printf '# novagate records nothing here\n'; at 0 0.01 0.2; } | sng watch "$SG" --input - >"$sdir/out" 2>"$sdir/err"; rc=$?
if [ $rc -ne 6 ] && [ -s "$sdir/out" ]; then ok; else bad "stream: a comment like a recording's header: exit $rc"; cat "$sdir/err" >&2; fi
# an input that ends inside a line was cut short: an error at that line, its part never read as a
# sample (here it would be out of time order, and that error would hide this one)
printf 'err 0.01 1700000000000\nlat 0.2 1700000000000\nerr 0.01 17000' |
	sng watch "$SG" --input - >"$sdir/out" 2>"$sdir/err"; rc=$?
if [ $rc -eq 6 ] && [ ! -s "$sdir/out" ] &&
   [ "$(head -n 1 "$sdir/err")" = "<stdin>:3:15: error: the input ends inside this line, without its newline: was it cut short?" ]
then ok; else bad "stream: an input cut short inside its last line: exit $rc (want 6)"; cat "$sdir/out" "$sdir/err" >&2; fi
