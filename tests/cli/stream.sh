# watch --input: samples as they come, their own timestamps the time (tests/stream/stream.sh feeds
# pipes with pauses).  Steps of 10s from the first sample; a step is written when a later sample comes.
w() { "$NOVAGATE_CMD" watch tests/stream/stream.gate --format human "$@"; echo "exit $?"; }
t() { echo "# $*"; }
t "a sample at a step's very time belongs to it; at the end, the step that holds the last sample"
printf 'err 0.01 1700000000000\nlat 0.2 1700000000000\nerr 0.02 1700000010000\nlat 0.3 1700000010000\nerr 0.03 1700000013000\n' |
	w --input -
t "the first step is the first of the grid at or after the first sample; a gap of steps writes each"
printf 'err 0.01 1700000003000\nlat 0.2 1700000003000\nerr 0.02 1700000031000\n' | w --input -
t "a rollback ends it at once: the samples after it are not read"
printf 'err 0.6 1700000000000\nlat 0.2 1700000000000\nerr 0.7 1700000010000\nerr 0.01 1700000020000\nerr 0.0.1 1700000030000\n' |
	w --input -
t "the window (1m) elapses at the seventh step"
awk 'BEGIN { for (i = 0; i < 12; i++) printf "err 0.01 %.0f\nlat 0.2 %.0f\n", 1700000000000 + i * 10000, 1700000000000 + i * 10000 }' |
	w --input -
t "a late sample of another series: the steps after read it, warned once and counted"
printf 'err 0.01 1700000000000\nlat 0.2 1700000000000\nerr 0.02 1700000011000\nlat 3 1700000008000\nlat 4 1700000009000\nerr 0.03 1700000021000\n' |
	w --input -
t "a malformed line: exit 6, its diagnostic, and no line after"
printf 'err 0.01 1700000000000\nlat 0.2 1700000000000\nerr 0.02 1700000011000\nerr 0.0.3 1700000012000\nerr 0.04 1700000031000\n' |
	w --input -
t "out of time order within a series, as check says"
printf 'err 0.01 1700000000000\nerr 0.02 1700000015000\nerr 0.03 1700000012000\n' | w --input -
t "a sample without a timestamp: the time is the samples'"
printf 'err 0.01 1700000000000\nlat 0.2\n' | w --input -
t "no sample: one line, inconclusive, at no time"
printf 'other 1 1700000000000\n' | w --input -
t "samples of metrics the gate does not read drive no step"
printf 'err 0.01 1700000000000\nother 1 1700000050000\nlat 0.2 1700000000000\n' | w --input -
t "JSON: the lines of a watch of a server"
printf 'err 0.01 1700000000000\nlat 0.2 1700000000000\nerr 0.02 1700000010000\n' |
	"$NOVAGATE_CMD" watch tests/stream/stream.gate --input -; echo "exit $?"
t "a file; OpenMetrics when it ends in .om.txt (seconds)"
printf 'err 0.01 1700000000000\nlat 0.2 1700000010000\n' >"$tmp/s.prom"
w --input "$tmp/s.prom"
printf '# TYPE err gauge\nerr 0.01 1700000000\n# TYPE lat gauge\nlat 0.2 1700000000.5\n# EOF\n' >"$tmp/s.om.txt"
w --input "$tmp/s.om.txt"
t "a stream read as 0.0.4 that ends in # EOF"
printf 'err 0.01 1700000000000\n# EOF\n' | w --input -
w --input "$tmp/nosuch.prom"
t "usage: a server's options, --tolerate, --at"
u() { "$NOVAGATE_CMD" watch tests/stream/stream.gate "$@" </dev/null >"$tmp/o" 2>"$tmp/e"; echo "exit $? stdout $(wc -c <"$tmp/o") | $(head -n 1 "$tmp/e")"; }
u --input - --prometheus http://127.0.0.1:9
u --input - --header 'X-A: b'
u --input - --tolerate 1s
u --input - --on-error inconclusive
u --input - --at 1700000000
