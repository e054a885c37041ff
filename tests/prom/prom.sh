# tests/prom/prom.sh: novagate against servers, sourced by tests/run.sh (it uses ng, ok, bad, $tmp,
# $NOVAGATE).  Every server runs on 127.0.0.1 on a free port and is stopped by PID on the way out.
#   1. faults: faultsrv.c, a misbehaving Prometheus API (built here with cc)
#   2. watch, against faultsrv
#   3. Prometheus (if installed): the recorded inputs of tests/rules/ loaded with promtool; each case
#      of verdicts.tsv checked live must give check --input's verdict (or the one divergences.tsv
#      documents for that engine), and record must replay to the very same report
#   4. baselines recorded from Prometheus and replayed; lint and the default rule (preflight); metrics with
#      `by` over many series (populations)
#   5. VictoriaMetrics (if installed): as 3 and 4, the data imported over HTTP
pdir=$tmp/prom
mkdir -p "$pdir"
pids=
prom_stop() {
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	pids=
}
trap 'prom_stop; rm -rf "$tmp"' EXIT
trap 'prom_stop; rm -rf "$tmp"; exit 130' INT TERM

# novagate with a time limit: nothing may hang
if [ "${NG_VALGRIND:-0}" = 1 ]; then
	ngt() { timeout 300 valgrind -q --error-exitcode=99 --leak-check=full \
		--errors-for-leak-kinds=definite,indirect "$NOVAGATE" "$@"; }
	ncases=4	# valgrind is slow: a few cases per server
else
	ngt() { timeout 60 "$NOVAGATE" "$@"; }
	ncases=100000
fi

# wait_for FILE-or-URL: up to 20 s
wait_file() {
	i=0
	while [ ! -s "$1" ] && [ $i -lt 400 ]; do sleep 0.05; i=$((i + 1)); done
	[ -s "$1" ]
}
wait_url() {
	i=0
	until curl -sf -o /dev/null "$1" 2>/dev/null; do
		[ $i -lt 400 ] || return 1
		sleep 0.05; i=$((i + 1))
	done
}

# want_exit NAME STATUS PATTERN -- ARGS...: novagate ARGS exits STATUS; its stderr holds PATTERN (a
# fixed string; - for none); a fault (status 9 to 15) prints nothing on stdout and one line on stderr
want_exit() {
	name=$1 want=$2 pat=$3
	shift 4
	ngt "$@" >"$pdir/out" 2>"$pdir/err"
	rc=$?
	lines=$(wc -l <"$pdir/err")
	if [ $rc -ne "$want" ]; then
		bad "prom: $name: exit $rc, want $want"; cat "$pdir/err" >&2
	elif [ "$pat" != - ] && ! grep -qF -- "$pat" "$pdir/err"; then
		bad "prom: $name: stderr lacks '$pat'"; cat "$pdir/err" >&2
	elif [ "$want" -ge 9 ] && [ "$want" -le 15 ] && { [ -s "$pdir/out" ] || [ "$lines" -ne 1 ]; }; then
		bad "prom: $name: a fault printed a report or more than one line"; cat "$pdir/out" "$pdir/err" >&2
	else
		ok
	fi
}

# never a credential in what novagate prints
no_secret() {
	for s in "$@"; do
		if grep -qF -- "$s" "$pdir/out" "$pdir/err"; then bad "prom: a credential was printed: $s"; return; fi
	done
	ok
}

# novagate serve (called with Prometheus below)
. tests/serve/serve.sh

# --- 1. faults -------------------------------------------------------------
if ! ${CC:-cc} -O1 -o "$pdir/faultsrv" tests/prom/faultsrv.c -lpthread 2>"$pdir/cc.err"; then
	bad "prom: tests/prom/faultsrv.c does not build"; cat "$pdir/cc.err" >&2
else
	"$pdir/faultsrv" "$pdir/fs.port" "$pdir/fs.log" &
	pids="$pids $!"
	wait_file "$pdir/fs.port" || bad "prom: faultsrv did not start"
	read -r FP HOLE <"$pdir/fs.port"
	F=http://127.0.0.1:$FP
	DEAD=$("$pdir/faultsrv" --free-port)
	cat >"$pdir/f.gate" <<-'EOF'
	metric a = `0.5`
	metric b = `2`
	gate g {
	  step 15s
	  window 1m
	  rollback "b huge" when b > 100
	  go when a < 1 && b < 3
	}
	EOF
	G=$pdir/f.gate
	at=--at=1700000000
	lim="--timeout 1s --max-response 1Mi"
	want_exit ok 0 - -- check "$G" --prometheus "$F/ok" $at
	if [ "$(jq -r .verdict "$pdir/out" 2>/dev/null)" = go ]; then ok; else bad "prom: ok: not go"; fi
	want_exit "route prefix + query string" 0 - -- check "$G" --prometheus "$F/ok/?x=1" $at
	want_exit "zero series: missing data" 3 - -- check "$G" --prometheus "$F/empty" $at
	if [ "$(jq -r '.rules[1].state' "$pdir/out" 2>/dev/null)" = unknown ]; then ok; else bad "prom: empty: go rule not unknown"; fi
	# the server's warnings: the values of a query answered with one are not trusted, nor its default;
	# each is in the report's warnings (in the order the report reads the metrics: the rollback's b first),
	# with the metric and the query; infos change nothing
	want_exit warnings 3 "metric a: warning: PromQL warning: a thing" -- check "$G" --prometheus "$F/warn" $at
	if [ "$(jq -r '[.verdict, (.warnings|join("|"))] | join(" ")' "$pdir/out")" = "inconclusive metric 'b': the server \
warned: PromQL warning: a thing (query: 2), so its values are not trusted|metric 'a': the server warned: PromQL \
warning: a thing (query: 0.5), so its values are not trusted" ]; then ok; else bad "prom: warnings: report"; cat "$pdir/out" >&2; fi
	cat >"$pdir/pw.gate" <<-'EOF'
	metric p99 = `0.5`
	metric errors = `errors_total` default 0
	gate g {
	  step 15s
	  window 1m
	  go when p99 < 1 && errors < 1
	}
	EOF
	pw="metric 'errors': the server warned: partial response: store 10.0.0.7:10901 unavailable (query: errors_total), so \
its values are not trusted and its default does not apply"
	for cmd in check record watch; do
		case $cmd in watch) st=18 more="--max-duration 300ms" ;; *) st=3 more=$at ;; esac
		[ $cmd = record ] && st=0
		pat="warning: $pw"
		[ $cmd = record ] && pat="metric errors: warning: partial response: store 10.0.0.7:10901 unavailable"
		want_exit "partial response: $cmd" $st "$pat" -- $cmd "$pdir/pw.gate" --prometheus "$F/partial" $more
		[ $cmd = record ] && { cp "$pdir/out" "$pdir/rec.prom"; continue; }
		if [ "$(head -n 1 "$pdir/out" | jq -r '[.verdict, (.warnings|join("|"))] | join(" ")')" = "inconclusive $pw" ]; then
			ok; else bad "prom: partial response: $cmd: not inconclusive with the warning"; cat "$pdir/out" >&2; fi
	done
	ngt check "$pdir/pw.gate" --prometheus "$F/partial" $at >"$pdir/live.json" 2>/dev/null
	ngt check "$pdir/pw.gate" --input "$pdir/rec.prom" >"$pdir/replay.json" 2>"$pdir/err"
	if cmp -s "$pdir/live.json" "$pdir/replay.json"; then ok; else
		bad "prom: partial response: record: replay differs"; diff "$pdir/live.json" "$pdir/replay.json" >&2; fi
	for mode in infos oldinfo; do
		want_exit "$mode: no warning" 0 "metric a: info: PromQL info: metric might not be a counter" -- \
			check "$G" --prometheus "$F/$mode" $at
		if [ "$(jq -r '[.verdict, (.warnings|length|tostring)] | join(" ")' "$pdir/out")" = "go 0" ]; then ok; else
			bad "prom: $mode: not go without warnings"; cat "$pdir/out" >&2; fi
	done
	# a probe the server cannot answer does not rule out a typo: the default does not stand, and a warning says why
	pn="metric 'errors': no series, and the server could not tell whether it has series of errors_total (bad_data: \
unsupported selector), so its default does not apply"
	want_exit "probe refused" 3 "warning: $pn" -- check "$pdir/pw.gate" --prometheus "$F/noseries" $at
	if [ "$(jq -r '[.verdict, (.warnings|join("|"))] | join(" ")' "$pdir/out")" = "inconclusive $pn" ]; then ok; else
		bad "prom: probe refused: not inconclusive with the warning"; cat "$pdir/out" >&2; fi
	# a metric without `by`: the check refuses the second label set, naming both (exit 14 as before)
	want_exit "two series" 14 '{instance="pod-2"}' -- check "$G" --prometheus "$F/two" $at
	if grep -qF '{instance="pod-1"}' "$pdir/err" && grep -qF 'metric a' "$pdir/err"; then ok; else
		bad "prom: two series: the message names not both label sets"; cat "$pdir/err" >&2; fi
	want_exit "two series: record" 14 '{instance="pod-2"}' -- record "$G" --prometheus "$F/two" $at
	# a metric with `by`: every series of the query, each with its labels
	printf '%s\n' 'metric m by (pod) = `3`' 'metric one = `1`' 'gate g {' '  step 15s' '  window 1m' \
		'  nogo "a big pod" when any(m > 2.5)' '  go when all(m < 5) && count(m) >= 3 && one < 2' '}' >"$pdir/pods.gate"
	want_exit "by: three series" 1 - -- check "$pdir/pods.gate" --prometheus "$F/pods" $at
	if [ "$(jq -r '[.decided_by.name, (.decided_by.quantifiers[0].deciding | map(.labels.pod) | join(",")),
		(.metrics[0].series_count|tostring)] | join(" ")' "$pdir/out")" = "a big pod p-3 3" ]; then ok; else
		bad "prom: by: the deciding series"; cat "$pdir/out" >&2; fi
	want_exit "by: record" 0 - -- record "$pdir/pods.gate" --prometheus "$F/pods" $at
	cp "$pdir/out" "$pdir/rec.prom"
	if grep -qxF 'm{pod="p-2"} 2 1700000000000' "$pdir/rec.prom" && grep -qxF 'one{pod="p-1"} 1 1700000000000' "$pdir/rec.prom"; then
		ok; else bad "prom: by: record does not write the labels"; cat "$pdir/rec.prom" >&2; fi
	ngt check "$pdir/pods.gate" --prometheus "$F/pods" $at >"$pdir/live.json" 2>/dev/null
	ngt check "$pdir/pods.gate" --input "$pdir/rec.prom" >"$pdir/replay.json" 2>"$pdir/err"
	if cmp -s "$pdir/live.json" "$pdir/replay.json"; then ok; else bad "prom: by: record: replay differs"; diff "$pdir/live.json" "$pdir/replay.json" >&2; fi
	# labels that need escaping, and a name that needs quoting, written so that they read back the same
	want_exit "by: record escapes labels" 0 - -- record "$pdir/pods.gate" --prometheus "$F/odd" $at
	cp "$pdir/out" "$pdir/rec.prom"
	if grep -qxF 'm{"k8s.node"="n0",pod="a\"b\\c\nd"} 1 1700000000000' "$pdir/rec.prom" &&
	   grep -qxF 'm{"k8s.node"="n1",pod="été"} 2 1700000000000' "$pdir/rec.prom"; then ok; else
		bad "prom: by: record: escaped labels"; grep 1700000000000 "$pdir/rec.prom" >&2; fi
	ngt check "$pdir/pods.gate" --prometheus "$F/odd" $at >"$pdir/live.json" 2>/dev/null
	ngt check "$pdir/pods.gate" --input "$pdir/rec.prom" >"$pdir/replay.json" 2>"$pdir/err"
	if cmp -s "$pdir/live.json" "$pdir/replay.json" &&
	   [ "$(jq -r '.metrics[0].series[2].labels.pod' "$pdir/live.json")" = 'a"b\c
d' ]; then ok; else bad "prom: by: escaped labels: replay differs"; diff "$pdir/live.json" "$pdir/replay.json" >&2; fi
	# --max-series: the feed keeps no more series than the check may have, whatever the server sends
	want_exit "--max-series exceeded" 14 "metric m: more than 2 series (--max-series), counting every query of the check: this one returned 3: {pod=\"p-1\"}, {pod=\"p-2\"}, {pod=\"p-3\"} (query: 3)" -- \
		check "$pdir/pods.gate" --prometheus "$F/pods" $at --max-series 2
	want_exit "--max-series: the other queries count" 14 "more than 3 series (--max-series)" -- \
		check "$pdir/pods.gate" --prometheus "$F/pods" $at --max-series 3
	want_exit "--max-series: record" 14 "more than 3 series (--max-series)" -- \
		record "$pdir/pods.gate" --prometheus "$F/pods" $at --max-series 3
	want_exit "--max-series: baseline" 14 "more than 3 series (--max-series)" -- \
		baseline "$pdir/pods.gate" --prometheus "$F/pods" $at --max-series 3
	want_exit "--max-series: enough" 1 - -- check "$pdir/pods.gate" --prometheus "$F/pods" $at --max-series 4
	printf '%s\n' 'metric m by (pod) = `20000`' 'gate g {' '  step 1m' '  window 1m' '  go when all(m < 1e9)' '}' >"$pdir/many.gate"
	want_exit "--max-series: the default" 14 "more than 10000 series (--max-series)" -- check "$pdir/many.gate" --prometheus "$F/pods" $at
	want_exit "--max-series: raised" 0 - -- check "$pdir/many.gate" --prometheus "$F/pods" $at --max-series 20000
	want_exit "--max-series: check --input takes it too" 6 "more than 2 series (--max-series)" -- \
		check "$pdir/pods.gate" --input "$pdir/rec.prom" --max-series 2
	want_exit "--max-series: lint" 16 - -- lint "$pdir/pods.gate" --prometheus "$F/pods" $at --max-series 2
	if grep -qF "more than --max-series (2): check would stop" "$pdir/out"; then ok; else
		bad "prom: lint --max-series: no finding"; cat "$pdir/out" >&2; fi
	want_exit "--max-series 0" 4 "--max-series takes a number from 1 to 100000000, not '0'" -- \
		check "$pdir/pods.gate" --prometheus "$F/pods" --max-series 0
	want_exit "compile takes no --max-series" 4 - -- compile "$pdir/pods.gate" --max-series 5
	want_exit "a point past the year 9999" 13 "novagate: bad response: a sample of a at 300000000000000 ms, outside the years 1 to 9999" -- \
		check "$G" --prometheus "$F/future" $at
	want_exit "500, retried" 11 "HTTP 500: internal error: the storage is on fire (3 attempts)" -- \
		check "$G" --prometheus "$F/500" $at $lim
	want_exit "503 envelope, retried" 12 "unavailable: too many queries (query: 0.5) (2 attempts)" -- \
		check "$G" --prometheus "$F/503" $at $lim --retries 1
	want_exit "no retry" 11 "HTTP 500" -- check "$G" --prometheus "$F/500" $at --retries 0
	before=$(grep -c '^req 429' "$pdir/fs.log")
	want_exit "429 then success" 0 - -- check "$G" --prometheus "$F/429" $at
	n=$(($(grep -c '^req 429' "$pdir/fs.log") - before))
	if [ "$n" -eq 4 ]; then ok; else bad "prom: 429: $n requests, want 4 (2 refused, 2 answered)"; fi
	want_exit "connection closed, retried" 0 - -- check "$G" --prometheus "$F/flaky" $at
	want_exit "total timeout" 10 "no complete response within 1s (--timeout)" -- check "$G" --prometheus "$F/slow" $at $lim
	want_exit "connect timeout" 10 "no connection within 200ms (--connect-timeout) (2 attempts)" -- \
		check "$G" --prometheus "http://127.0.0.1:$HOLE" $at --connect-timeout 200ms --retries 1
	want_exit "connection refused" 9 "cannot connect: " -- check "$G" --prometheus "http://127.0.0.1:$DEAD" $at
	# lint ends on a fault as check does: its status, one line, no findings
	want_exit "lint: connection refused" 9 "cannot connect: " -- lint "$G" --prometheus "http://127.0.0.1:$DEAD" $at
	want_exit "lint: HTTP 500" 11 "HTTP 500: internal error" -- lint "$G" --prometheus "$F/500" $at --retries 0
	want_exit "lint: a clean file of constants" 0 - -- lint "$G" --prometheus "$F/ok" $at
	want_exit "TLS to a plain server" 9 "TLS: " -- check "$G" --prometheus "https://127.0.0.1:$FP/ok" $at
	want_exit "cut short" 13 "bad response: cut short" -- check "$G" --prometheus "$F/cut" $at $lim --retries 0
	want_exit "truncated JSON" 13 "bad response: not JSON: premature end of input" -- check "$G" --prometheus "$F/trunc" $at
	want_exit "not JSON" 13 "bad response: not JSON" -- check "$G" --prometheus "$F/notjson" $at
	want_exit "error envelope" 12 "metric a: execution: query processing would load too many samples into memory (query: 0.5)" -- \
		check "$G" --prometheus "$F/envelope" $at
	want_exit "huge response" 15 "the response is larger than 1048576 bytes (--max-response)" -- \
		check "$G" --prometheus "$F/huge" $at $lim
	want_exit "native histograms" 13 "native histogram samples" -- check "$G" --prometheus "$F/hist" $at
	want_exit "string result" 13 "a string result" -- check "$G" --prometheus "$F/string" $at
	want_exit redirect 11 "HTTP 302: redirected to $F/ok/api/v1/query_range" -- check "$G" --prometheus "$F/redirect" $at
	want_exit "on-error inconclusive" 3 "cannot connect" -- \
		check "$G" --prometheus "http://127.0.0.1:$DEAD" $at --on-error inconclusive
	if [ "$(jq -r '.verdict + " " + (.error.status|tostring) + " " + .error.kind' "$pdir/out" 2>/dev/null)" = "inconclusive 9 connect" ]; then
		ok; else bad "prom: on-error inconclusive: report"; cat "$pdir/out" >&2; fi
	want_exit "on-error fail" 12 - -- check "$G" --prometheus "$F/envelope" $at --on-error fail

	# auth: the server checks it, and echoes what it got when it is wrong
	printf 's3cret-token\n' >"$pdir/token"
	printf 'wr0ng-t0ken\n' >"$pdir/badtoken"
	want_exit "bearer token + header" 0 - -- check "$G" --prometheus "$F/auth" $at \
		--bearer-token-file "$pdir/token" --header 'X-Scope-OrgID: team'
	want_exit "wrong bearer token" 11 "HTTP 401: unauthorized: got Authorization: Bearer ***" -- \
		check "$G" --prometheus "$F/auth" $at --bearer-token-file "$pdir/badtoken" --header 'X-Scope-OrgID: team'
	no_secret wr0ng-t0ken
	want_exit "basic auth in the URL" 0 - -- check "$G" --prometheus "http://user:pa55word@127.0.0.1:$FP/basic" $at -v
	no_secret pa55word dXNlcjpwYTU1d29yZA
	want_exit "wrong basic auth" 11 "got Authorization: Basic ***" -- \
		check "$G" --prometheus "http://user:wr0ngpass@127.0.0.1:$FP/basic" $at
	no_secret wr0ngpass dXNlcjp3cjBuZ3Bhc3M
	export NOVAGATE_PROMETHEUS_USER=user NOVAGATE_PROMETHEUS_PASSWORD=pa55word
	want_exit "basic auth from the environment" 0 - -- check "$G" --prometheus "$F/basic" $at
	NOVAGATE_PROMETHEUS_PASSWORD=wr0ngpass
	want_exit "wrong basic auth from the environment" 11 "Basic ***" -- check "$G" --prometheus "$F/basic" $at
	no_secret wr0ngpass dXNlcjp3cjBuZ3Bhc3M
	unset NOVAGATE_PROMETHEUS_USER NOVAGATE_PROMETHEUS_PASSWORD
	want_exit "secret in a header" 11 - -- check "$G" --prometheus "$F/auth" $at --header 'Authorization: Bearer t0p-s3cr3t'
	no_secret t0p-s3cr3t
	want_exit "-v shows the queries" 0 "metric b: query_range 2023-11-14T22:07:20Z .. 2023-11-14T22:13:20Z step 15s: 2" -- \
		check "$G" --prometheus "$F/ok" $at -v
	export NOVAGATE_PROMETHEUS_URL="$F/ok"
	want_exit "server from the environment" 0 - -- check "$G" $at
	unset NOVAGATE_PROMETHEUS_URL
	{ printf 'prometheus "%s/ok"\n' "$F"; cat "$G"; } >"$pdir/f2.gate"
	want_exit "server from the gate file" 0 - -- check "$pdir/f2.gate" $at
	want_exit "usage: a URL that is not http" 4 "must be http:// or https://" -- check "$G" --prometheus ftp://x/ $at
	want_exit "usage: a bad header" 4 "--header takes 'Name: value'" -- check "$G" --prometheus "$F/ok" --header nocolon
	want_exit "usage: --input and --prometheus" 4 "exclude each other" -- \
		check "$G" --prometheus "$F/ok" --input tests/rules/canary/healthy.prom
	want_exit "usage: a bad --timeout" 4 "--timeout takes a duration" -- check "$G" --prometheus "$F/ok" --timeout 5
	want_exit "usage: no server" 4 "check needs --input FILE" -- check "$G"
	want_exit "token file missing" 7 "--bearer-token-file" -- check "$G" --prometheus "$F/ok" --bearer-token-file "$pdir/nosuch"

	# a parameter's value reaches the server inside its string literal, escaped
	cat >"$pdir/p.gate" <<-'EOF'
	param job = "x"
	metric a = `up{job="$job"}`
	gate g {
	  go when a > 0
	}
	EOF
	want_exit "an escaped parameter" 0 - -- check "$pdir/p.gate" --prometheus "$F/ok" $at --set 'job=a"b\c'
	if grep -qF 'query=up{job="a\"b\\c"}' "$pdir/fs.log"; then ok; else
		bad "prom: the escaped query did not reach the server as it is"; grep up "$pdir/fs.log" >&2; fi
	# more than 10000 points: one query per 10000
	cat >"$pdir/long.gate" <<-'EOF'
	metric long = `0.5`
	gate g {
	  step 1s
	  window 4h
	  go when long < 1
	}
	EOF
	before=$(grep -c '^req ok query=0.5 start=' "$pdir/fs.log")
	want_exit "a long window in two queries" 0 - -- check "$pdir/long.gate" --prometheus "$F/ok" $at
	n=$(($(grep -c '^req ok query=0.5 start=' "$pdir/fs.log") - before))
	if [ "$n" -eq 2 ]; then ok; else bad "prom: 14701 points in $n queries, want 2"; fi

	# record: what check --input replays to the same report
	want_exit "record" 0 - -- record "$G" --prometheus "$F/ok" $at
	cp "$pdir/out" "$pdir/rec.prom"
	ngt check "$G" --prometheus "$F/ok" $at >"$pdir/live.json" 2>/dev/null
	ngt check "$G" --input "$pdir/rec.prom" >"$pdir/replay.json" 2>"$pdir/err"
	if cmp -s "$pdir/live.json" "$pdir/replay.json"; then ok; else bad "prom: faultsrv record: replay differs"; fi
	want_exit "record of a fault writes nothing" 11 - -- record "$G" --prometheus "$F/500" $at --retries 0

	# --- 2. watch ---------------------------------------------------------------
	# a fault rides out --tolerate (four steps of 500ms here), the missed steps fetched after
	watch_outages() {
		want_exit "watch: a server restarting" 0 "(tolerated: 1s500ms of 2s)" -- \
			watch "$pdir/wm.gate" --prometheus "$F/blink-a" --retries 0
		errs=$(jq -r 'select(.source_error) | [.source_error.status, .source_error.kind, .source_error.message,
			.verdict, .final] | join(" ")' "$pdir/out" | sort | uniq -c | sed 's/^ *//')
		want="3 11 http $F/blink-a/api/v1/query_range: metric a: HTTP 503: restarting (3 more queries failed) inconclusive false"
		if [ "$errs" = "$want" ] && [ "$(grep -c '^novagate: warning: step .*: HTTP 503: restarting .*(tolerated: ' "$pdir/err")" -eq 3 ] &&
		   [ "$(tail -n 1 "$pdir/out" | jq -r '[.verdict, .final, .reason] | join(" ")')" = "go true window elapsed" ]; then
			ok; else bad "prom: watch rides out a restart: '$errs'"; cat "$pdir/out" "$pdir/err" >&2; fi
		# the values of what the gate reads, as check gives them
		if [ "$(head -n 1 "$pdir/out" | jq -c .metrics)" = \
		     '[{"name":"a","value":0.5,"baseline":null},{"name":"n","value":"NaN","baseline":null},{"name":"b","value":200,"baseline":150}]' ]; then
			ok; else bad "prom: watch: the metrics' values"; head -n 1 "$pdir/out" >&2; fi
		# the first fetch after the outage starts where the last that succeeded ended
		starts=$(grep '^req blink-a query=0.5 ' "$pdir/fs.log" | sed -n '3p;6p' | sed 's/.* start=\([^ ]*\) .*/\1/' | uniq | wc -l)
		if [ "$starts" -eq 1 ]; then ok; else bad "prom: watch: the missed steps not fetched again"; grep blink-a "$pdir/fs.log" >&2; fi
		ngt watch "$pdir/wm.gate" --prometheus "$F/blink-b" --retries 0 --tolerate 1s >"$pdir/out" 2>"$pdir/err"
		rc=$?
		if [ $rc -eq 11 ] && [ "$(wc -l <"$pdir/out")" -eq 4 ] && [ "$(grep -c 'warning: .*(tolerated: ' "$pdir/err")" -eq 2 ] &&
		   tail -n 1 "$pdir/err" | grep -q '^novagate: http://.*HTTP 503: restarting (3 more queries failed)$'; then
			ok; else bad "prom: watch: outage past --tolerate: exit $rc"; cat "$pdir/out" "$pdir/err" >&2; fi
		want_exit "watch: an outage longer than --tolerate, --on-error inconclusive" 3 "HTTP 503" -- \
			watch "$pdir/wm.gate" --prometheus "$F/blink-c" --retries 0 --tolerate 1s --on-error inconclusive
		if [ "$(tail -n 1 "$pdir/out" | jq -r '[.verdict, .final, .reason, .error.status, .source_error] | join(" ")')" = \
		     "inconclusive true source error 11 " ]; then ok; else bad "prom: watch: outage, on-error"; cat "$pdir/out" >&2; fi
	}
	# every step's line is what check --at that step gives: instants, values, rule states, since
	watch_grid() {
		for wg in ws wmix wstat; do
			ngt watch "$pdir/$wg.gate" --prometheus "$F/saw" --max-duration 2600ms >"$pdir/grid.json" 2>"$pdir/err"
			rc=$? n=0 diff=
			while read -r line; do
				wat=$(printf '%s\n' "$line" | jq -r .at) wgate=$(printf '%s\n' "$line" | jq -r .gate)
				wl=$(printf '%s\n' "$line" | jq -c '[.verdict, .decided_by.since, [.rules[] | [.state, .since]], .metrics,
					[.decided_by.statistics[]? | .value]]')
				cl=$(ngt check "$pdir/$wg.gate" --gate "$wgate" --prometheus "$F/saw" --at "$wat" 2>/dev/null | jq -c '[.verdict,
					.decided_by.since, [.rules[] | [.state, .since]], [.metrics[] | {name, value, baseline: .baseline.value}],
					[.decided_by.statistics[]? | .value]]')
				[ "$wl" = "$cl" ] || diff="$diff
$wgate at $wat: watch $wl, check $cl"
				n=$((n + 1))
			done <"$pdir/grid.json"
			if { [ $rc -le 2 ] || [ $rc -eq 18 ]; } && [ $n -ge 4 ] && [ -z "$diff" ]; then ok; else
				bad "prom: watch $wg: exit $rc, $n lines, unlike check --at:$diff"; cat "$pdir/err" >&2; fi
		done
		# check without --at: now, down to a multiple of the step (15s)
		want_exit "check: now on the grid" 0 - -- check "$G" --prometheus "$F/ok"
		if [ "$(jq -r '(.at | fromdateiso8601) % 15' "$pdir/out" 2>/dev/null)" = 0 ]; then ok; else
			bad "prom: check without --at: off the grid"; cat "$pdir/out" >&2; fi
	}
	# pods that come and go while a watch runs (churn: {pod="a"} one second, {pod="b"} the next): each
	# line, its deciding series included, is what check --at that step gives; lines name the series
	watch_pods() {
		ngt watch "$pdir/wp.gate" --prometheus "$F/churn" >"$pdir/grid.json" 2>"$pdir/err"
		rc=$? n=0 diff=
		while read -r line; do
			wat=$(printf '%s\n' "$line" | jq -r .at)
			wl=$(printf '%s\n' "$line" | jq -c '[.verdict, .decided_by, [.rules[] | [.state, .since]],
				[.metrics[] | {name, value, series_count}]]')
			cl=$(ngt check "$pdir/wp.gate" --prometheus "$F/churn" --at "$wat" 2>/dev/null | jq -c '[.verdict,
				(.decided_by | {kind, name, since, quantifiers}), [.rules[] | [.state, .since]],
				[.metrics[] | {name, value, series_count}]]')
			[ "$wl" = "$cl" ] || diff="$diff
at $wat: watch $wl, check $cl"
			n=$((n + 1))
		done <"$pdir/grid.json"
		pods=$(jq -r '.decided_by.quantifiers[0].deciding[0].labels.pod' "$pdir/grid.json" | sort -u | tr '\n' ' ')
		if [ $rc -eq 0 ] && [ $n -ge 6 ] && [ -z "$diff" ] && [ "$pods" = "a b " ]; then ok; else
			bad "prom: watch of pods that come and go: exit $rc, $n lines, pods '$pods', unlike check --at:$diff"
			cat "$pdir/err" >&2; fi
		want_exit "watch --format human names the deciding series" 2 - -- \
			watch "$pdir/wp2.gate" --prometheus "$F/pods" --format human
		case $(cat "$pdir/out") in
		*' g: rollback (final: rollback) [big=true, go=true] (any(m > 2.5 for 1s): {pod="p-3"} 3 > 2.5) m=3 series') ok ;;
		*) bad "prom: watch human: the deciding series"; cat "$pdir/out" >&2 ;;
		esac
		want_exit "watch: --max-series" 14 "more than 2 series (--max-series)" -- \
			watch "$pdir/wp2.gate" --prometheus "$F/pods" --max-series 2 --tolerate 0s
	}
	cat >"$pdir/wp.gate" <<-'EOF'
	metric m by (pod) = `3`
	gate g {
	  step 500ms
	  window 3s
	  lookback 500ms
	  rollback "big" when any(m > 3.5 for 1s)
	  go when all(m < 5) && count(m) >= 1
	}
	EOF
	cat >"$pdir/wp2.gate" <<-'EOF'
	metric m by (pod) = `3`
	gate g {
	  step 500ms
	  window 3s
	  rollback "big" when any(m > 2.5 for 1s)
	  go when all(m < 5)
	}
	EOF
	cat >"$pdir/wm.gate" <<-'EOF'
	metric a = `0.5`
	metric n = `NaN` default 1
	metric b = `200` baseline `150`
	gate g {
	  step 500ms
	  window 4s
	  go when a < 1 && b < baseline * 2 && (n > 1 || a < 1)
	}
	EOF
	cat >"$pdir/ws.gate" <<-'EOF'
	metric a = `4`
	metric b = `3` baseline `2`
	gate g {
	  step 500ms
	  window 2s
	  lookback 1s
	  nogo "high" when a >= 2
	  go when a < 2 && b < baseline
	}
	EOF
	cat >"$pdir/wstat.gate" <<-'EOF'
	metric a = `4` baseline `3`
	gate g {
	  step 500ms
	  window 5s
	  lookback 1s
	  rollback "worse" when mannwhitney(a, 5s) < 1%
	  observe "a high" when a > 3
	  go when mannwhitney(a, 5s) >= 1% && a > 0
	}
	EOF
	cat >"$pdir/wmix.gate" <<-'EOF'
	metric a = `4`
	metric b = `3`
	gate slow {
	  step 1s
	  window 3s
	  lookback 1s
	  nogo "high" when a >= 2 for 1s
	  go when a < 2
	}
	gate fast {
	  step 500ms
	  window 2s
	  lookback 1s
	  go when b < 2
	}
	EOF
	cat >"$pdir/w.gate" <<-'EOF'
	metric a = `0.5`
	gate g {
	  step 500ms
	  window 1s
	  go when a < 1
	}
	EOF
	cat >"$pdir/wr.gate" <<-'EOF'
	metric a = `0.5`
	metric b = `200`
	gate g {
	  step 1s
	  window 1h
	  rollback "b huge" when b > 100
	  go when a < 1
	}
	EOF
	cat >"$pdir/wl.gate" <<-'EOF'
	metric a = `0.5`
	gate g {
	  step 500ms
	  window 1h
	  go when a < 1
	}
	EOF
	# (a has data: defaults stand beside data, not for the lack of any)
	cat >"$pdir/wd.gate" <<-'EOF'
	metric d = `vector(1) unless vector(1)` default 0
	metric t = `typo_metric` default 0
	metric a = `0.5`
	gate g {
	  step 500ms
	  window 1h
	  go when d < 1 && t < 1 && a < 1
	}
	EOF
	want_exit "watch: defaults, and one a typo rules out" 18 "warning: metric 't': the server has no series of typo_metric" -- \
		watch "$pdir/wd.gate" --prometheus "$F/empty+num" --max-duration 300ms
	if [ "$(head -n 1 "$pdir/out" | jq -r '[.verdict, (.defaulted|join(",")), (.warnings|length|tostring)] | join(" ")')" = "inconclusive d 1" ]; then
		ok; else bad "prom: watch: defaulted and warnings"; cat "$pdir/out" >&2; fi
	# a series late to appear: unknown at first, its default once the server has it
	want_exit "watch: a late series" 18 "warning: metric 't': the server has no series of typo_metric" -- \
		watch "$pdir/wd.gate" --prometheus "$F/late+num" --max-duration 1200ms
	if [ "$(head -n 1 "$pdir/out" | jq -r '[(.defaulted|join(",")), (.warnings|length|tostring)] | join(" ")')" = "d 1" ] &&
	   [ "$(sed -n 2p "$pdir/out" | jq -r '[(.defaulted|join(",")), (.warnings|length|tostring)] | join(" ")')" = "d,t 0" ]; then
		ok; else bad "prom: watch: a late series"; cat "$pdir/out" >&2; fi
	# a metric without `by` whose series, labels and all, comes after the watch began: one series still
	printf '%s\n' 'metric a = `0.25`' 'gate g {' '  step 500ms' '  window 1s' '  go when a < 1' '}' >"$pdir/wapp.gate"
	want_exit "watch: a series with labels that comes late" 0 - -- watch "$pdir/wapp.gate" --prometheus "$F/appear"
	# (a slow build, ASan or valgrind, may skip the middle step as late: watch skips ahead)
	case $(jq -r .verdict "$pdir/out" | tr '\n' ' ') in "inconclusive go go "|"inconclusive go ") ok ;; *)
		bad "prom: watch: a late series with labels"; cat "$pdir/out" >&2 ;; esac
	want_exit "watch --format human: defaults" 18 - -- \
		watch "$pdir/wd.gate" --prometheus "$F/empty+num" --max-duration 300ms --format human
	case $(head -n 1 "$pdir/out") in *"g: inconclusive [go=unknown] d=0 t=- a=0.5 (default: d)") ok ;; *) bad "prom: watch human: default"; cat "$pdir/out" >&2 ;; esac
	conns=$(grep -c '^conn' "$pdir/fs.log")
	want_exit "watch: the window elapses" 0 - -- watch "$pdir/w.gate" --prometheus "$F/ok"
	n=$(wc -l <"$pdir/out")
	last=$(tail -n 1 "$pdir/out" | jq -r '[.verdict, .final, .reason] | join(" ")' 2>/dev/null)
	# (a slow build or a busy machine may skip a step that is late: watch skips ahead, by design)
	if { [ "$n" -eq 3 ] || [ "$n" -eq 2 ]; } && [ "$last" = "go true window elapsed" ] &&
	   [ "$(head -n 1 "$pdir/out" | jq -r '.final')" = false ]; then ok; else
		bad "prom: watch: $n lines, last '$last'"; cat "$pdir/out" >&2; fi
	n=$(($(grep -c '^conn' "$pdir/fs.log") - conns))
	if [ "$n" -eq 1 ]; then ok; else bad "prom: watch: $n connections for 3 steps, want 1 (reused)"; fi
	want_exit "watch: a rollback ends it at once" 2 - -- watch "$pdir/wr.gate" --prometheus "$F/ok"
	if [ "$(wc -l <"$pdir/out")" -eq 1 ] &&
	   [ "$(jq -r '[.verdict, .final, .reason, .decided_by.name] | join(" ")' "$pdir/out")" = "rollback true rollback b huge" ]; then
		ok; else bad "prom: watch rollback"; cat "$pdir/out" >&2; fi
	want_exit "watch: --max-duration" 18 - -- watch "$pdir/wl.gate" --prometheus "$F/ok" --max-duration 700ms
	# the verdict so far, from the latest evaluation
	if [ "$(tail -n 1 "$pdir/out" | jq -r '[.verdict, .final, .reason, .rules[0].state] | join(" ")')" = "go true max duration true" ] &&
	   [ "$(wc -l <"$pdir/out")" -ge 2 ]; then ok; else bad "prom: watch --max-duration"; cat "$pdir/out" >&2; fi
	"$NOVAGATE" watch "$pdir/wl.gate" --prometheus "$F/ok" >"$pdir/out" 2>"$pdir/err" &
	wpid=$!
	(trap 'kill "$s" 2>/dev/null; exit 0' TERM; sleep 30 & s=$!; wait "$s"; kill -KILL "$wpid" 2>/dev/null) &
	dog=$!
	sleep 0.7
	kill -TERM "$wpid" 2>/dev/null
	wait "$wpid"
	rc=$?
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	if [ $rc -eq 17 ] && [ "$(tail -n 1 "$pdir/out" | jq -r '[.verdict, .final, .reason] | join(" ")')" = "go true terminated (SIGTERM)" ]; then
		ok; else bad "prom: watch SIGTERM: exit $rc"; cat "$pdir/out" "$pdir/err" >&2; fi
	want_exit "watch: a fault, --tolerate 0s" 11 "HTTP 500" -- watch "$pdir/w.gate" --prometheus "$F/500" --retries 0 --tolerate 0s
	# an unreachable server: the defaults of series never fetched decide nothing, no rollback
	printf '%s\n' 'metric pods = `sum(up)` default 0' 'gate g {' '  step 250ms' '  window 10s' \
		'  rollback "no pods" when pods < 1' '  go when pods >= 1' '}' >"$pdir/wdead.gate"
	ngt watch "$pdir/wdead.gate" --prometheus "http://127.0.0.1:$DEAD" --retries 0 >"$pdir/out" 2>"$pdir/err"
	rc=$?
	if [ $rc -eq 9 ] && [ -s "$pdir/out" ] && [ "$(jq -r .verdict "$pdir/out" | sort -u)" = inconclusive ]; then ok; else
		bad "prom: watch: an unreachable server: exit $rc"; cat "$pdir/out" "$pdir/err" >&2; fi
	want_exit "watch: a fault, --on-error inconclusive" 3 "HTTP 500" -- \
		watch "$pdir/w.gate" --prometheus "$F/500" --retries 0 --on-error inconclusive --tolerate 0s
	if [ "$(jq -r '[.verdict, .final, .error.status] | join(" ")' "$pdir/out")" = "inconclusive true 11" ]; then
		ok; else bad "prom: watch on-error"; cat "$pdir/out" >&2; fi
	watch_outages
	watch_grid
	watch_pods
	want_exit "watch: no --at" 4 "watch evaluates from now on" -- watch "$pdir/w.gate" --prometheus "$F/ok" $at
	# the token file is read again at every step: a rotated token is used (timing: not under valgrind)
	if [ "${NG_VALGRIND:-0}" != 1 ]; then
		printf 's3cret-token\n' >"$pdir/rtoken"
		ngt watch "$pdir/wl.gate" --prometheus "$F/auth" --bearer-token-file "$pdir/rtoken" \
			--header 'X-Scope-OrgID: team' --tolerate 0s >"$pdir/out" 2>"$pdir/err" &
		wpid=$!
		sleep 0.3
		printf 'r0tated-t0ken\n' >"$pdir/rtoken"
		wait "$wpid"
		rc=$?
		if [ $rc -eq 11 ] && [ -s "$pdir/out" ] && grep -qF 'Bearer ***' "$pdir/err" && ! grep -qF r0tated "$pdir/err"; then
			ok; else bad "prom: watch with a rotated token: exit $rc"; cat "$pdir/out" "$pdir/err" >&2; fi
	fi
fi

# --- 3-5. real servers -------------------------------------------------------
# all recorded inputs of tests/rules/, each series labelled with its case
for f in tests/rules/*/*.prom tests/rules/*/*/*.prom; do
	[ -e "$f" ] || continue
	c=${f#tests/rules/}
	sed "s|^|${c%.prom}	|" "$f"
done >"$pdir/all.tsv"
for g in rules/*.gate; do perl tests/prom/xform.pl <"$g" >"$pdir/$(basename "$g")"; done
# the series of tests/prom/preflight.gate and typos.gate: an hour, every 15s (%.0f: mawk's %d is 32-bit); pod canary-a is
# replaced by canary-b (10 minutes apart: the backfill writes no staleness markers)
awk 'BEGIN {
	for (t = 1699996400; t <= 1700000000; t += 15) {
		ms = t * 1000; i = (t - 1699996400) / 15
		printf "preflight\thttp_requests_total{handler=\"/api/v1/labels\",code=\"200\"} %d %.0f\n", 10 * i, ms
		printf "preflight\tprocess_resident_memory_bytes{instance=\"a\"} 104857600 %.0f\n", ms
		if (t < 1699997900 || t >= 1699998500)
			printf "preflight\tpod_memory_bytes{pod=\"%s\"} 2e8 %.0f\n", t < 1699997900 ? "canary-a" : "canary-b", ms
		printf "preflight\ttwo_series{pod=\"x\"} 1 %.0f\npreflight\ttwo_series{pod=\"y\"} 2 %.0f\n", ms, ms
	}
}' >>"$pdir/all.tsv"
# the series of populations(): five pods' memory over the hour before 1700000000, and a sidecar's in p-0; p-2 ends
# at 1699999500 and p-5 takes its place; p-3 goes to 600 MB 3 minutes before the end
awk 'BEGIN {
	for (t = 1699996400; t <= 1700000000; t += 15) {
		ms = t * 1000
		printf "pop\tpop_memory_bytes{pod=\"p-0\",container=\"api\"} 2e8 %.0f\n", ms
		printf "pop\tpop_memory_bytes{pod=\"p-0\",container=\"sidecar\"} 1e7 %.0f\n", ms
		printf "pop\tpop_memory_bytes{pod=\"p-1\",container=\"api\"} 2.1e8 %.0f\n", ms
		if (t < 1699999500) printf "pop\tpop_memory_bytes{pod=\"p-2\",container=\"api\"} 2.2e8 %.0f\n", ms
		else printf "pop\tpop_memory_bytes{pod=\"p-5\",container=\"api\"} 2.3e8 %.0f\n", ms
		printf "pop\tpop_memory_bytes{pod=\"p-3\",container=\"api\"} %s %.0f\n", (t >= 1699999820 ? "6e8" : "2e8"), ms
	}
}' >>"$pdir/all.tsv"

# preflight ENGINE URL: novagate lint, and a default that cannot hide a typo (check, record, replay)
preflight() {
	engine=$1 url=$2 at=--at=1700000000
	PF=tests/prom/preflight.gate TY=tests/prom/typos.gate
	want_exit "$engine: lint: clean but for a default" 16 - -- lint "$PF" --prometheus "$url" $at
	lint_out "$engine" preflight
	want_exit "$engine: lint: a typo in a parameter's value" 16 - -- \
		lint "$PF" --prometheus "$url" $at --set handler=/api/v1/lables
	lint_out "$engine" preflight-lables
	want_exit "$engine: lint: a metric name, a replaced pod, two series" 16 - -- lint "$TY" --prometheus "$url" $at
	lint_out "$engine" typos
	want_exit "$engine: lint --format json" 16 - -- lint "$TY" --prometheus "$url" $at --format json
	if [ "$(jq -r '[.findings[] | .kind + ":" + .metric + ":" + (.line|tostring)] | join(" ")' "$pdir/out")" = \
	   "unknown-metric:rss:3 churn:pod:4 many-series:two:5" ]; then ok; else
		bad "prom: $engine: lint --format json"; cat "$pdir/out" >&2; fi
	printf '%s\n' 'metric requests = `sum(rate(http_requests_total{handler="/api/v1/labels"}[5m]))`' \
		'metric rss = `max(process_resident_memory_byte)` default 0' \
		'gate g {' '  go when requests > 0 && rss < 1Gi' '}' >"$pdir/name.gate"
	sed 's/_byte)/_bytes)/' "$pdir/name.gate" >"$pdir/clean.gate"
	want_exit "$engine: lint: a clean file" 0 - -- lint "$pdir/clean.gate" --prometheus "$url" $at --lookback 10m
	if [ ! -s "$pdir/out" ]; then ok; else bad "prom: $engine: lint: a clean file: output"; cat "$pdir/out" >&2; fi
	# a lookback of no whole number of steps still asks about at itself
	want_exit "$engine: lint: a long lookback" 0 - -- lint "$pdir/clean.gate" --prometheus "$url" $at --lookback 50h
	# a parameter in a negative matcher cannot be asked about alone ({handler!="x"} is no selector)
	# (beside data: requests, as defaults stand only beside data)
	printf '%s\n' 'param handler = "/api/v1/labels"' \
		'metric others = `sum(rate(http_requests_total{handler!="$handler"}[5m]))` default 0' \
		'metric requests = `sum(rate(http_requests_total{handler="/api/v1/labels"}[5m]))`' \
		'gate g {' '  go when others < 1 && requests > 0' '}' >"$pdir/neg.gate"
	want_exit "$engine: default: a negative matcher" 0 - -- check "$pdir/neg.gate" --prometheus "$url" $at
	# check: a literal matcher that matches nothing is a real zero, the default applies
	want_exit "$engine: default: code=\"503\" never happened" 0 - -- check "$PF" --prometheus "$url" $at
	if [ "$(jq -r '([.metrics[] | .name + "=" + (.defaulted|tostring)] | join(" ")) + " " + (.warnings|length|tostring)' "$pdir/out")" = \
	   "errors=true requests=false rss=false 0" ]; then ok; else bad "prom: $engine: default: report"; cat "$pdir/out" >&2; fi
	# a typo in a label name written in the query (status for code): no series of the metric has
	# the label, so no default, and not go; the label as written, in a value that matches nothing, is no typo
	sed 's/code="503"/status="503"/' "$PF" >"$pdir/label.gate"
	warn="warning: metric 'errors': the server has no series of http_requests_total{status!=\"\"}, so its default does not apply"
	want_exit "$engine: default: a typo in a label name" 3 "$warn" -- check "$pdir/label.gate" --prometheus "$url" $at
	if [ "$(jq -r '[.verdict, (.metrics[0].defaulted|tostring)] | join(" ")' "$pdir/out")" = "inconclusive false" ]; then
		ok; else bad "prom: $engine: default: a typo in a label name: report"; cat "$pdir/out" >&2; fi
	# a typo in a parameter's value: no default, so not go
	warn="warning: metric 'errors': the server has no series of {handler=\"/api/v1/lables\"}, so its default does not apply"
	want_exit "$engine: default: a typo in \$handler" 3 "$warn" -- \
		check "$PF" --prometheus "$url" $at --set handler=/api/v1/lables
	if [ "$(jq -r '[.verdict, (.metrics[0].defaulted|tostring), (.warnings|length|tostring)] | join(" ")' "$pdir/out")" = \
	   "inconclusive false 2" ]; then ok; else bad "prom: $engine: default: typo report"; cat "$pdir/out" >&2; fi
	cp "$pdir/out" "$pdir/typo.json"
	ngt record "$PF" --prometheus "$url" $at --set handler=/api/v1/lables >"$pdir/rec.prom" 2>"$pdir/err"
	ngt check "$PF" --input "$pdir/rec.prom" --set handler=/api/v1/lables >"$pdir/replay.json" 2>>"$pdir/err"
	if cmp -s "$pdir/typo.json" "$pdir/replay.json"; then ok; else
		bad "prom: $engine: default: the recording does not replay the typo"; diff "$pdir/typo.json" "$pdir/replay.json" >&2; cat "$pdir/err" >&2; fi
	# a typo in a metric name
	want_exit "$engine: default: a typo in a metric name" 3 "the server has no series of process_resident_memory_byte," -- \
		check "$pdir/name.gate" --prometheus "$url" $at
}
# populations ENGINE URL: metrics with `by` over many series, live: check names the deciding series, record replays
# to the very same report (a series that ended included), baselines series by series, watch names the series;
# a metric without `by` given two series and two series of one identity are the check's clear errors, as is
# --max-series exceeded; lint finds no many-series of a metric with `by` but where an identity has two
pop_gate() {
	printf '%s\n' "metric memory by (pod) = \`$1\`" 'gate canary {' "  step ${2:-15s}" "  window ${3:-3m}" \
		'  rollback "pod memory runaway" when any(memory > 512Mi for 1m)' \
		'  go when all(memory < 300Mi) && count(memory) >= 4' '}'
}
populations() {
	engine=$1 url=$2 at=--at=1700000000
	sum='sum by (pod) (pop_memory_bytes{case="pop"})'
	pop_gate "$sum" >"$pdir/pop.gate"
	PG=$pdir/pop.gate
	want_exit "$engine: by: a pod's memory runaway" 2 - -- check "$PG" --prometheus "$url" $at
	if [ "$(jq -r '[.decided_by.name, (.decided_by.quantifiers[0].deciding | map(.labels.pod) | join(",")),
		(.metrics[0].series_count|tostring), ([.metrics[0].series[].labels.pod] | sort | join(","))] | join(" ")' "$pdir/out")" = \
	   "pod memory runaway p-3 4 p-0,p-1,p-3,p-5" ]; then ok; else bad "prom: $engine: by: the report"; cat "$pdir/out" >&2; fi
	cp "$pdir/out" "$pdir/live.json"
	want_exit "$engine: by: --format human names the pod" 2 - -- check "$PG" --prometheus "$url" $at --format human
	if grep -q '^ *{pod="p-3"} *true  600000000 > 536870912' "$pdir/out"; then ok; else
		bad "prom: $engine: by: human report"; cat "$pdir/out" >&2; fi
	for t in 1700000000 1699999700 1699999870; do
		ngt check "$PG" --prometheus "$url" --at $t >"$pdir/live.json" 2>"$pdir/err"
		rc=$?
		ngt record "$PG" --prometheus "$url" --at $t >"$pdir/rec.prom" 2>>"$pdir/err"
		ngt check "$PG" --input "$pdir/rec.prom" >"$pdir/replay.json" 2>>"$pdir/err"
		rrc=$?
		if [ $rc -le 3 ] && [ $rc -eq $rrc ] && cmp -s "$pdir/live.json" "$pdir/replay.json"; then ok; else
			bad "prom: $engine: by at $t: record does not replay to the live report (exit $rc, $rrc)"
			diff "$pdir/live.json" "$pdir/replay.json" | head -n 4 >&2; cat "$pdir/err" >&2; fi
		# the recording names each series by its labels; p-2, returned before (Prometheus' lookback of 5m) and
		# missing at the end, has its marker
		if [ $t = 1700000000 ]; then
			if { [ "$engine" != prometheus ] || grep -q '^memory{pod="p-2",__stale__="true"} NaN ' "$pdir/rec.prom"; } &&
			   grep -qxF 'memory{pod="p-3"} 600000000 1700000000000' "$pdir/rec.prom"; then ok; else
				bad "prom: $engine: by: the recording's series"; grep -c . "$pdir/rec.prom" >&2; fi
		fi
	done
	# baselines recorded series by series: each pod's own, matched by identity
	printf '%s\n' "metric memory by (pod) = \`$sum\`" 'gate g {' '  step 15s' '  window 2m' \
		'  go when all(memory < baseline * 1.5)' '}' >"$pdir/popb.gate"
	want_exit "$engine: by: baseline" 0 - -- baseline "$pdir/popb.gate" --prometheus "$url" --at 1699999700
	cp "$pdir/out" "$pdir/popb.json"
	if [ "$(jq -r '.metrics.memory | [(.by | join(",")), ([.series[].labels.pod] | sort | join(","))] | join(" ")' "$pdir/popb.json")" = \
	   "pod p-0,p-1,p-2,p-3,p-5" ]; then ok; else bad "prom: $engine: by: the baseline file"; head -c 800 "$pdir/popb.json" >&2; fi
	want_exit "$engine: by: against its baseline" 1 - -- check "$pdir/popb.gate" --prometheus "$url" $at --baseline "$pdir/popb.json"
	if [ "$(jq -r '.rules[0].quantifiers[0] | [.value, (.deciding | map(.labels.pod) | join(","))] | join(" ")' "$pdir/out")" = "false p-3" ]; then
		ok; else bad "prom: $engine: by: baseline per pod"; cat "$pdir/out" >&2; fi
	cp "$pdir/out" "$pdir/live.json"
	ngt record "$pdir/popb.gate" --prometheus "$url" $at >"$pdir/rec.prom" 2>"$pdir/err"
	ngt check "$pdir/popb.gate" --input "$pdir/rec.prom" --baseline "$pdir/popb.json" >"$pdir/replay.json" 2>>"$pdir/err"
	if cmp -s "$pdir/live.json" "$pdir/replay.json"; then ok; else
		bad "prom: $engine: by: baseline: --input replay differs"; diff "$pdir/live.json" "$pdir/replay.json" | head -n 4 >&2; fi
	# watch, a second a step, over the recorded hour (--delay: now less the time since then): the line names p-3
	pop_gate "$sum" 1s 3s | sed "s/ for 1m/ for 2s/" >"$pdir/popw.gate"
	want_exit "$engine: by: watch names the pod" 2 - -- watch "$pdir/popw.gate" --prometheus "$url" \
		--delay "$(($(date +%s) - 1700000000))s"
	if [ "$(jq -r '[.verdict, .final, (.decided_by.quantifiers[0].deciding | map(.labels.pod) | join(","))] | join(" ")' "$pdir/out")" = \
	   "rollback true p-3" ]; then ok; else bad "prom: $engine: by: watch"; cat "$pdir/out" >&2; fi
	# the check's clear errors, exit 14 as more than one series always was
	printf '%s\n' 'metric raw = `pop_memory_bytes{case="pop",pod="p-0"}`' 'gate g {' '  go when raw < 1Gi' '}' >"$pdir/raw.gate"
	want_exit "$engine: no by, two series" 14 'a second series for raw: raw{' -- check "$pdir/raw.gate" --prometheus "$url" $at
	if grep -qF 'container="sidecar"' "$pdir/err" && grep -qF 'container="api"' "$pdir/err"; then ok; else
		bad "prom: $engine: no by: both label sets"; cat "$pdir/err" >&2; fi
	pop_gate 'pop_memory_bytes{case="pop"}' >"$pdir/popc.gate"
	want_exit "$engine: by: two series of one identity" 14 'with the identity {pod="p-0"}' -- check "$pdir/popc.gate" --prometheus "$url" $at
	want_exit "$engine: by: --max-series" 14 "more than 3 series (--max-series)" -- check "$PG" --prometheus "$url" $at --max-series 3
	# lint: a metric with `by` has many series by design; two of one identity are a finding
	want_exit "$engine: lint: by, clean" 0 - -- lint "$PG" --prometheus "$url" $at
	want_exit "$engine: lint: by, two of one identity" 16 - -- lint "$pdir/popc.gate" --prometheus "$url" $at
	if grep -qF 'series at once over the last 1h of one identity {pod="p-0"}: ' "$pdir/out" &&
	   grep -qF 'add container to `by`, or aggregate them [many-series]' "$pdir/out"; then ok; else
		bad "prom: $engine: lint: by, one identity"; cat "$pdir/out" >&2; fi
	want_exit "$engine: lint: no by, many" 16 - -- lint "$pdir/raw.gate" --prometheus "$url" $at
	if grep -qF 'declare the metric `by (container)`' "$pdir/out"; then ok; else
		bad "prom: $engine: lint: no by: the hint"; cat "$pdir/out" >&2; fi
}
# lint_out ENGINE NAME: lint's report is tests/prom/NAME.lint (NG_UPDATE=1 writes it: review the diff)
lint_out() {
	[ "${NG_UPDATE:-0}" = 1 ] && [ "$1" = prometheus ] && cp "$pdir/out" "tests/prom/$2.lint"
	if cmp -s "$pdir/out" "tests/prom/$2.lint"; then ok; else
		bad "prom: $1: lint: the report differs from tests/prom/$2.lint"; diff "tests/prom/$2.lint" "$pdir/out" >&2; fi
}

# The cases of verdicts.tsv: gatefile, gate, input, case name, at (the input's newest sample);
# and check --input's report of each without what differs: the file, the queries, and sampled_at
# (a server's values are its query's results at the evaluation steps, not the raw samples' times).
strip() { sed 's/"file":"[^"]*"//g; s/"query":"\([^"\\]\|\\.\)*"//g; s/"sampled_at":"[^"]*"//g' "$@"; }
awk -F '\t' '
	FNR == 1 { file = FILENAME }
	FILENAME != "tests/rules/verdicts.tsv" && !/^#/ && $0 != "" { split($0, f, " "); if (f[3] > m[file]) m[file] = f[3]; next }
	FILENAME == "tests/rules/verdicts.tsv" && $1 != "gatefile" && $1 !~ /^#/ && $1 != "" {
		c = $2; sub(/^tests\/rules\//, "", c); sub(/\.prom$/, "", c)
		printf "%s\t%s\t%s\t%s\t%.3f\n", $1, $3, $2, c, m[$2] / 1000
	}' tests/rules/*/*.prom tests/rules/*/*/*.prom tests/rules/verdicts.tsv | head -n "$ncases" >"$pdir/cases.tsv"
n=0
while IFS='	' read -r gatefile gate input c at; do
	n=$((n + 1))
	ngt check "$gatefile" --input "$input" --gate "$gate" >"$pdir/in.json" 2>/dev/null
	echo $? >"$pdir/in$n.rc"
	strip "$pdir/in.json" >"$pdir/in$n.json"
done <"$pdir/cases.tsv"

# cases ENGINE URL: each case against the server: the report check --input gave (but for the file
# and queries), or the verdict divergences.tsv gives; and record replays to the live report
cases() {
	engine=$1 url=$2 n=0
	while IFS='	' read -r gatefile gate input c at; do
		n=$((n + 1))
		g=$pdir/$(basename "$gatefile")
		ngt check "$g" --gate "$gate" --set "case=$c" --prometheus "$url" --at "$at" >"$pdir/live.json" 2>"$pdir/err"
		rc=$?
		div=$(awk -F '\t' -v e="$engine" -v c="$c" '$1 == e && $2 == c { print $3 }' tests/prom/divergences.tsv)
		if [ -n "$div" ]; then
			case $(head -c 200 "$pdir/live.json") in
			*'"verdict":"'"$div"'"'*) ok ;;
			*) bad "prom: $engine $c: want $div (divergences.tsv)"; cat "$pdir/live.json" "$pdir/err" >&2 ;;
			esac
		elif [ $rc -eq "$(cat "$pdir/in$n.rc")" ] && strip "$pdir/live.json" | cmp -s - "$pdir/in$n.json"; then
			ok
		else
			bad "prom: $engine $c: exit $rc, the report differs from check --input's:"
			strip "$pdir/live.json" | diff "$pdir/in$n.json" - | head -n 4 >&2; cat "$pdir/err" >&2
		fi
		# record: check --input on it gives the live report, byte for byte
		ngt record "$g" --gate "$gate" --set "case=$c" --prometheus "$url" --at "$at" >"$pdir/rec.prom" 2>"$pdir/err"
		ngt check "$g" --gate "$gate" --set "case=$c" --input "$pdir/rec.prom" >"$pdir/replay.json" 2>>"$pdir/err"
		if cmp -s "$pdir/live.json" "$pdir/replay.json"; then ok; else
			bad "prom: $engine $c: record does not replay to the live report"; cat "$pdir/err" >&2; fi
	done <"$pdir/cases.tsv"
}

if command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; then
	awk -f tests/prom/toom.awk "$pdir/all.tsv" | sort -t '	' -k1,1 -s |
		awk -F '\t' '$1 != last { print "# TYPE " $1 " gauge"; last = $1 } { print $2 } END { print "# EOF" }' >"$pdir/all.om"
	if promtool tsdb create-blocks-from openmetrics "$pdir/all.om" "$pdir/pdata" >"$pdir/promtool.out" 2>&1; then
		printf 'global:\n  scrape_interval: 1h\n' >"$pdir/prometheus.yml"
		PP=$("$pdir/faultsrv" --free-port 2>/dev/null || echo 19090)
		prometheus --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/pdata" \
			--storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$PP" \
			--log.level=error >"$pdir/prometheus.log" 2>&1 &
		ppid=$!
		pids="$pids $ppid"
		if wait_url "http://127.0.0.1:$PP/-/ready"; then
			cases prometheus "http://127.0.0.1:$PP"

			# 4. recorded baselines
			cat >"$pdir/b.gate" <<-'EOF'
			param case = "none"
			metric p99 = `p99{case="$case",role=""}`
			metric err = `error_rate{case="$case",role=""}`
			gate g {
			  step 15s
			  window 2m
			  rollback "p99 doubled" when p99 > baseline * 2 for 1m
			  go when p99 < baseline + 20% && err < max(baseline(err), 5m) * 2
			}
			EOF
			P=http://127.0.0.1:$PP
			B=$pdir/b.gate
			want_exit "baseline needs --baseline" 5 "metric 'p99' has no baseline" -- check "$B" --prometheus "$P"
			want_exit "baseline: record" 0 - -- baseline "$B" --set case=canary/healthy --prometheus "$P" --at 1700000540
			cp "$pdir/out" "$pdir/bl.json"
			if [ "$(jq -r '[.novagate_baseline, .at, (.metrics.p99.values | length), (.metrics.err.values | length), .metrics.p99.step] | map(tostring) | join(" ")' "$pdir/bl.json")" = "1 2023-11-14T22:22:20Z 29 29 15s" ]; then
				ok; else bad "prom: baseline file"; head -c 600 "$pdir/bl.json" >&2; fi
			want_exit "baseline: healthy against itself" 0 - -- \
				check "$B" --set case=canary/healthy --prometheus "$P" --at 1700000600 --baseline "$pdir/bl.json"
			want_exit "baseline: p99 doubled" 2 - -- \
				check "$B" --set case=canary/p99-doubled-2m --prometheus "$P" --at 1700000600 --baseline "$pdir/bl.json"
			if [ "$(jq -r .decided_by.name "$pdir/out")" = "p99 doubled" ]; then ok; else bad "prom: baseline: not p99 doubled"; fi
			# the same through a recording and --input
			ngt record "$B" --set case=canary/p99-doubled-2m --prometheus "$P" --at 1700000600 >"$pdir/rec.prom" 2>/dev/null
			ngt check "$B" --set case=canary/p99-doubled-2m --input "$pdir/rec.prom" --baseline "$pdir/bl.json" \
				>"$pdir/replay.json" 2>/dev/null
			if cmp -s "$pdir/out" "$pdir/replay.json"; then ok; else bad "prom: baseline: --input replay differs"; fi
			printf '{"novagate_baseline": 1, "at": 1700000000, "metrics": {"p99": {"value": "0.1"}, "err": {"value": 1}}}\n' >"$pdir/const.json"
			want_exit "baseline: constants" 1 - -- \
				check "$B" --set case=canary/healthy --prometheus "$P" --at 1700000600 --baseline "$pdir/const.json"
			printf '{"novagate_baseline": 1, "at": 1700000000, "metrics": {"err": {"value": 1}}}\n' >"$pdir/part.json"
			want_exit "baseline: a metric missing" 3 "records no metric 'p99'" -- \
				check "$B" --set case=canary/healthy --prometheus "$P" --at 1700000600 --baseline "$pdir/part.json"
			printf '{"novagate_baseline": 1, "at": 1700000000, "metrics": {"p99": {"values": [[2, "1"], [1, "1"]]}}}\n' >"$pdir/bad.json"
			want_exit "baseline: malformed" 6 "values out of time order" -- \
				check "$B" --prometheus "$P" --baseline "$pdir/bad.json"
			want_exit "baseline: unreadable" 7 "nosuch.json" -- check "$B" --prometheus "$P" --baseline "$pdir/nosuch.json"
			preflight prometheus "$P"
			populations prometheus "$P"
			serve_tests "$P" "$F"
			examples_live "$P"
		else
			bad "prom: prometheus did not become ready"; tail -n 20 "$pdir/prometheus.log" >&2
		fi
		prom_stop

		# TLS, a client certificate and a route prefix, with Prometheus' own web config
		if command -v openssl >/dev/null 2>&1; then
			for k in server client; do
				openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
					-keyout "$pdir/$k.key" -out "$pdir/$k.crt" -subj "/CN=$k" \
					-addext subjectAltName=IP:127.0.0.1 >/dev/null 2>&1
			done
			printf 'tls_server_config:\n  cert_file: %s\n  key_file: %s\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: %s\n' \
				"$pdir/server.crt" "$pdir/server.key" "$pdir/client.crt" >"$pdir/web.yml"
			TP=$("$pdir/faultsrv" --free-port 2>/dev/null || echo 19443)
			prometheus --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/tdata" \
				--web.config.file="$pdir/web.yml" --web.route-prefix=/prometheus \
				--web.listen-address="127.0.0.1:$TP" --log.level=error >"$pdir/tls.log" 2>&1 &
			pids="$pids $!"
			T=https://127.0.0.1:$TP/prometheus
			i=0
			until curl -sf -o /dev/null --cacert "$pdir/server.crt" --cert "$pdir/client.crt" --key "$pdir/client.key" \
				"$T/-/ready" 2>/dev/null; do
				[ $i -lt 400 ] || break
				sleep 0.05; i=$((i + 1))
			done
			G=$pdir/f.gate
			want_exit "TLS: an unknown CA" 9 "TLS: SSL certificate problem" -- check "$G" --prometheus "$T" --at 1700000000
			want_exit "TLS: no client certificate" 9 "TLS: " -- \
				check "$G" --prometheus "$T" --at 1700000000 --ca-file "$pdir/server.crt"
			want_exit "TLS: --ca-file, --cert-file, --key-file" 0 - -- check "$G" --prometheus "$T" --at 1700000000 \
				--ca-file "$pdir/server.crt" --cert-file "$pdir/client.crt" --key-file "$pdir/client.key"
			want_exit "TLS: --insecure" 0 - -- check "$G" --prometheus "$T" --at 1700000000 --insecure \
				--cert-file "$pdir/client.crt" --key-file "$pdir/client.key"
			prom_stop
		else
			echo "notice: openssl not installed: the TLS tests are skipped" >&2
		fi
	else
		bad "prom: promtool tsdb create-blocks-from openmetrics failed"; tail -n 5 "$pdir/promtool.out" >&2
	fi
else
	echo "notice: prometheus/promtool not installed: the tests against a real Prometheus are skipped" >&2
fi

if command -v victoria-metrics >/dev/null 2>&1; then
	VP=$("$pdir/faultsrv" --free-port 2>/dev/null || echo 18428)
	victoria-metrics -storageDataPath="$pdir/vmdata" -retentionPeriod=100y -httpListenAddr="127.0.0.1:$VP" \
		-loggerLevel=ERROR >"$pdir/vm.log" 2>&1 &
	pids="$pids $!"
	V=http://127.0.0.1:$VP
	if wait_url "$V/health"; then
		awk -v vm=1 -f tests/prom/toom.awk "$pdir/all.tsv" | cut -f 2 >"$pdir/all.vm"
		curl -sf --data-binary @"$pdir/all.vm" "$V/api/v1/import/prometheus" &&
			curl -sf -o /dev/null "$V/internal/force_flush"
		want=$(grep -c . "$pdir/all.vm")
		i=0
		until [ "$(curl -sf "$V/api/v1/query" --data-urlencode 'query=sum(count_over_time({__name__=~".+"}[1d]))' \
			--data-urlencode time=1700010000 | jq -r '.data.result[0].value[1]' 2>/dev/null)" = "$want" ]; do
			[ $i -lt 200 ] || break
			sleep 0.1; i=$((i + 1))
		done
		if [ $i -lt 200 ]; then
			cases victoria-metrics "$V"
			preflight victoria-metrics "$V"
			populations victoria-metrics "$V"
			# MetricsQL: a gate in VictoriaMetrics' dialect is checked as such, and runs
			want_exit "victoria-metrics: a MetricsQL gate" 0 - -- check tests/prom/metricsql.gate --prometheus "$V" \
				--at 1700000000
			if [ "$(jq -r '[.metrics[] | .name + "=" + (.value|tostring)] | join(" ")' "$pdir/out")" = \
			   "requests=0.666666666666667 rss=104857600 pods=1" ]; then ok; else
				bad "prom: victoria-metrics: MetricsQL values"; cat "$pdir/out" >&2; fi
			want_exit "victoria-metrics: lint of a MetricsQL gate" 0 - -- lint tests/prom/metricsql.gate --prometheus "$V" \
				--at 1700000000
			want_exit "victoria-metrics: MetricsQL is not PromQL" 5 \
				'error: PromQL: expected type range vector in call to function "rate", got instant vector' -- \
				compile tests/prom/metricsql.gate --dialect promql
		else
			bad "prom: victoria-metrics did not take the $want samples"
		fi
	else
		bad "prom: victoria-metrics did not become ready"; tail -n 20 "$pdir/vm.log" >&2
	fi
	prom_stop
else
	echo "notice: victoria-metrics not installed: the tests against VictoriaMetrics are skipped" >&2
fi
prom_stop
trap 'rm -rf "$tmp"' EXIT INT TERM

# --- 6. check --report against Prometheus -----------------------------------
# Two recorded canary cases checked live with --report FILE.html (Prometheus started again on the
# blocks of 3): each page well formed (tests/html/check.py) and, against the page check --input
# writes of the same gate on the same samples, of the same exit status and verdict, as many charts
# and the same text, in the page's order (a metric with `by`: the deciding series, then the others by
# their labels, whichever order the source gave them in; a live query of no series draws none, as a
# file of none).  The live page of one case against the --input page of the other fails.
if command -v prometheus >/dev/null 2>&1 && [ -d "$pdir/pdata" ] && [ -s "$pdir/cases.tsv" ]; then
	trap 'prom_stop; rm -rf "$tmp"' EXIT
	trap 'prom_stop; rm -rf "$tmp"; exit 130' INT TERM
	RP=$("$pdir/faultsrv" --free-port 2>/dev/null || echo 19091)
	prometheus --config.file="$pdir/prometheus.yml" --storage.tsdb.path="$pdir/pdata" \
		--storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$RP" \
		--log.level=error >"$pdir/report.log" 2>&1 &
	pids="$pids $!"
	# same_page LIVE.html IN.html: the same verdict, charts and text; else a message on stdout
	same_page() {
		want=$(jq -r .verdict "$pdir/$2.json" 2>/dev/null)
		nin=$(python3 tests/html/check.py page "$pdir/$2.html" "$want" 2>&1)
		nlive=$(python3 tests/html/check.py page "$pdir/$1.html" "$want" 2>&1)
		python3 tests/html/check.py text "$pdir/$2.html" >"$pdir/$2.txt"
		python3 tests/html/check.py text "$pdir/$1.html" >"$pdir/$1.txt"
		if [ "$nlive" != "$nin" ]; then echo "charts (or check.py) '$nlive', --input's '$nin'"
		elif ! cmp -s "$pdir/$2.txt" "$pdir/$1.txt"; then echo "the text differs:"; diff "$pdir/$2.txt" "$pdir/$1.txt" | head -n 6
		fi
	}
	if wait_url "http://127.0.0.1:$RP/-/ready"; then
		for c in canary/error-spike-1m canary/p99-doubled-2m; do
			IFS='	' read -r gatefile gate input _ at <<-EOT
			$(awk -F '\t' -v c="$c" '$4 == c' "$pdir/cases.tsv")
			EOT
			g=$pdir/$(basename "$gatefile") name=$(echo "$c" | tr / -)
			ngt check "$g" --gate "$gate" --set "case=$c" --input "$input" --report "$pdir/in-$name.html" \
				>"$pdir/in-$name.json" 2>"$pdir/err"; inrc=$?
			ngt check "$g" --gate "$gate" --set "case=$c" --prometheus "http://127.0.0.1:$RP" --at "$at" \
				--report "$pdir/live-$name.html" >"$pdir/live-$name.json" 2>>"$pdir/err"; rc=$?
			why=$(same_page "live-$name" "in-$name")
			if [ -n "$at" ] && [ $rc -eq $inrc ] && [ $rc -le 3 ] && [ -z "$why" ]; then ok; else
				bad "prom: prometheus $c: check --report: exit $rc (--input $inrc): $why"; cat "$pdir/err" >&2; fi
		done
		why=$(same_page live-canary-p99-doubled-2m in-canary-error-spike-1m)
		case $why in "the text differs:"*) ok ;; *) bad "prom: check --report: another case's page passes for the same: '$why'" ;; esac
	else
		bad "prom: prometheus did not become ready again on its blocks"; tail -n 20 "$pdir/report.log" >&2
	fi
	prom_stop
	trap 'rm -rf "$tmp"' EXIT INT TERM
fi
