# tests/serve/serve.sh: novagate serve, sourced by tests/prom/prom.sh, which calls serve_tests URL FAULTS
# while a real Prometheus loaded with the recorded cases answers at URL and faultsrv (a misbehaving API)
# at FAULTS.  It uses ok, bad, ngt, want_exit, wait_file, $pdir, $ncases.  Every server novagate serve
# talks to, and every serve, is on 127.0.0.1; each serve is stopped with SIGTERM and must exit 0.
sdir=$pdir/serve
mkdir -p "$sdir"
if [ "${NG_VALGRIND:-0}" = 1 ]; then
	ngs() { exec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
		"$NOVAGATE" serve "$@"; }
	flood=40	# valgrind is slow
else
	ngs() { exec "$NOVAGATE" serve "$@"; }
	flood=200
fi

# serve_start NAME ARGS...: novagate serve ARGS on a free port; SP its port, SPID its process (ngs execs
# in the background subshell, so that SPID is serve's own)
serve_start() {
	name=$1
	shift
	rm -f "$sdir/$name.err"	# not the last one's, read before this one writes
	ngs --listen 127.0.0.1:0 "$@" 2>"$sdir/$name.err" &
	SPID=$!
	i=0
	until grep -q '^novagate: serving .* on http://127.0.0.1:' "$sdir/$name.err" 2>/dev/null; do
		[ $i -lt 600 ] && kill -0 "$SPID" 2>/dev/null || { bad "serve: $name did not start"; cat "$sdir/$name.err" >&2; SP=0; return 1; }
		sleep 0.05; i=$((i + 1))
	done
	SP=$(sed -n 's/^novagate: serving .* on http:\/\/127\.0\.0\.1:\([0-9]*\)$/\1/p' "$sdir/$name.err")
	S=http://127.0.0.1:$SP
}
# serve_stop NAME: SIGTERM; it must exit 0 within 30 s
serve_stop() {
	kill -TERM "$SPID" 2>/dev/null
	i=0
	while kill -0 "$SPID" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
	if kill -0 "$SPID" 2>/dev/null; then
		bad "serve: $1: still running 30 s after SIGTERM"; kill -KILL "$SPID"; wait "$SPID" 2>/dev/null; return
	fi
	wait "$SPID"
	rc=$?
	if [ $rc -eq 0 ]; then ok; else bad "serve: $1: exit $rc after SIGTERM"; cat "$sdir/$1.err" >&2; fi
}
# hit METHOD PATH [CURL ARGS]: the status (000: no answer); the body in $sdir/body
hit() {
	m=$1 p=$2
	shift 2
	curl -s -o "$sdir/body" -w '%{http_code}' --max-time 60 -X "$m" "$@" "$S$p"
}
# want NAME STATUS METHOD PATH [CURL ARGS]: the answer has that status, and a JSON body
want() {
	n=$1 st=$2
	shift 2
	got=$(hit "$@")
	if [ "$got" != "$st" ]; then
		bad "serve: $n: status $got, want $st"; head -c 400 "$sdir/body" >&2; echo >&2
	elif [ "$2" != /metrics ] && ! jq -e . "$sdir/body" >/dev/null 2>&1; then
		bad "serve: $n: the body is not JSON"; head -c 400 "$sdir/body" >&2
	else
		ok
	fi
}
# body_has NAME JQ WANT: jq -r JQ of the last body is WANT
body_has() {
	if [ "$(jq -r "$2" "$sdir/body" 2>/dev/null)" = "$3" ]; then ok; else
		bad "serve: $1: $2 is '$(jq -r "$2" "$sdir/body" 2>/dev/null)', want '$3'"; head -c 400 "$sdir/body" >&2; fi
}
# newest CASE: the time of the newest sample of tests/rules/CASE.prom, in seconds (the case's `at`)
newest() { awk '!/^#/ && NF >= 3 && $3 > m { m = $3 } END { printf "%.3f\n", m / 1000 }' "tests/rules/$1.prom"; }
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$SPID/status" 2>/dev/null || echo 0; }

serve_usage() {
	want_exit "serve: no file" 4 "no gate file given" -- serve
	want_exit "serve: a gate twice" 4 "gate 'canary' is in both" -- serve "$pdir/canary.gate" "$pdir/video-ranking.gate" --prometheus "$1"
	want_exit "serve: --listen" 4 "--listen takes ADDR:PORT" -- serve "$pdir/canary.gate" --listen nowhere --prometheus "$1"
	want_exit "serve: --set" 4 "serve takes parameters with each request" -- serve "$pdir/canary.gate" --set case=x --prometheus "$1"
	want_exit "serve: options of serve elsewhere" 4 "check takes no --listen: it goes with serve" -- check "$pdir/canary.gate" --listen :1 --input /dev/null
	want_exit "serve: a token file missing" 7 "cannot read --auth-token-file" -- serve "$pdir/canary.gate" --prometheus "$1" \
		--auth-token-file "$sdir/nosuch"
	printf 'x.gate:1:1: not a gate\n' >"$sdir/broken.gate"
	want_exit "serve: a file that does not compile" 5 - -- serve "$sdir/broken.gate" --prometheus "$1"
}

# The verdict route against check: the very bytes check prints, for cases of each verdict.
serve_verdicts() {
	P=$1
	want "gates" 200 GET /v1/gates
	body_has "gates: names" '[.gates[].name] | join(",")' "canary,critical,high_priority,windowed"
	body_has "gates: parameters" '.gates[0].parameters | keys | join(",")' "case,version"
	body_has "gates: rules" '.gates[0].rules[0] | [.kind, .name, .line] | map(tostring) | join(" ")' "rollback critical error rate 24"
	seen=
	n=0
	while IFS='	' read -r gatefile gate input c at; do
		[ "$gatefile" = rules/canary.gate ] || continue
		n=$((n + 1))
		[ $n -le 6 ] || break
		got=$(hit GET /v1/gates/canary/verdict -G --data-urlencode "set.case=$c" --data-urlencode "at=$at")
		ngt check "$pdir/canary.gate" --gate canary --set "case=$c" --prometheus "$P" --at "$at" >"$sdir/check.json" 2>/dev/null
		printf '\n' >>"$sdir/body"	# check ends its line; the HTTP body is the object alone
		if [ "$got" = 200 ] && cmp -s "$sdir/body" "$sdir/check.json"; then ok; else
			bad "serve: $c: status $got, or the body differs from check's"; diff "$sdir/check.json" "$sdir/body" | head -n 4 >&2; fi
		seen="$seen $(jq -r .verdict "$sdir/check.json")"
	done <"$pdir/cases.tsv"
	case $seen in *go*) ok ;; *) bad "serve: no case was go:$seen" ;; esac
	want "unknown gate" 404 GET /v1/gates/nosuch/verdict
	body_has "unknown gate: message" .error "no gate 'nosuch' (GET /v1/gates lists them)"
	want "unknown parameter" 400 GET "/v1/gates/canary/verdict?set.versoin=v2"
	body_has "unknown parameter: message" .error "$pdir/canary.gate declares no parameter 'versoin'"
	want "a parameter twice" 400 GET "/v1/gates/canary/verdict?set.case=a&set.case=b"
	want "bad at" 400 GET "/v1/gates/canary/verdict?at=yesterday"
	body_has "bad at: message" .error "at takes unix seconds or an RFC 3339 time, not 'yesterday'"
	want "unknown query key" 400 GET "/v1/gates/canary/verdict?verbose=1"
	# a value is quoted in a string (no injection) ...
	want "a value with a quote" 200 GET /v1/gates/canary/verdict -G --data-urlencode 'set.case="' --data-urlencode at=1700000000
	body_has "a value with a quote: the query" '.metrics[0].query' 'error_rate{case="\"",role=""}'
	# ... and outside one, a value the query cannot take is the compiler's error, with where
	want "bad value" 400 GET "/v1/gates/windowed/verdict?set.range=5x"
	case $(jq -r .error "$sdir/body") in "$sdir/win.gate:2:"*) ok ;; *) bad "serve: bad value: no FILE:LINE:COL"; cat "$sdir/body" >&2 ;; esac
	body_has "bad value: the diagnostics" '.diagnostics | split("\n") | length > 2' true
	want "a good value" 200 GET "/v1/gates/windowed/verdict?set.range=10m&at=1700000000"
	body_has "a good value: the query" '.metrics[0].query' 'sum(rate(error_rate{case="canary/healthy"}[10m]))'
	want "method" 405 POST /v1/gates/canary/verdict
	want "no route" 404 GET /v1/nothing
	want "no route: a gate's path" 404 GET /v1/gates/canary/verdict/more
	want "healthz" 200 GET /healthz
	got=$(hit HEAD /healthz -I)
	if [ "$got" = 200 ]; then ok; else bad "serve: HEAD /healthz: $got"; fi
}

# Flagger's webhooks: the payload Flagger posts, the status by hook type (see novagate(1)).
# The route takes no instant: serve runs with --delay back to the recorded cases, and each answer is
# held against check --at the instant the answer names.
serve_flagger() {
	P=$1
	hooks="confirm-rollout pre-rollout rollout confirm-traffic-increase confirm-promotion post-rollout rollback"
	seen=
	for c in canary/healthy canary/error-spike-1m canary/restart canary/p99-doubled-1m45s; do
		at=$(newest "$c")
		[ -n "$at" ] || continue
		serve_start flagger "$pdir/canary.gate" --prometheus "$P" --delay "$(($(date +%s) - ${at%.*}))s" || return
		for h in $hooks; do
			printf '{"name":"podinfo","namespace":"test","phase":"Progressing","checksum":"6d5f8c","metadata":{"case":"%s"}}' "$c" >"$sdir/payload"
			got=$(hit POST "/v1/flagger/$h/canary" -H 'Content-Type: application/json' --data-binary @"$sdir/payload")
			v=$(jq -r .verdict "$sdir/body" 2>/dev/null)
			case $h:$v in
			confirm-*:go | rollback:rollback) want=200 ;;
			confirm-*:* | rollback:*) want=412 ;;
			*:rollback) want=412 ;;
			*) want=200 ;;
			esac
			if [ "$got" = "$want" ]; then ok; else bad "serve: flagger $h, $c ($v): status $got, want $want"; fi
			t=$(jq -r .at "$sdir/body")
			ngt check "$pdir/canary.gate" --gate canary --set "case=$c" --prometheus "$P" --at "$t" >"$sdir/check.json" 2>/dev/null
			printf '\n' >>"$sdir/body"
			if cmp -s "$sdir/body" "$sdir/check.json"; then ok; else
				bad "serve: flagger $h, $c: the body differs from check --at $t"; diff "$sdir/check.json" "$sdir/body" | head -n 4 >&2; fi
		done
		seen="$seen $v"
		serve_stop flagger
	done
	case $seen in *go*rollback*no-go*) ok ;; *) bad "serve: flagger: the cases were not go, rollback and no-go:$seen" ;; esac
	serve_start flagger2 "$pdir/canary.gate" --prometheus "$P" || return
	want "flagger: unknown hook" 404 POST /v1/flagger/promote/canary -d '{}'
	want "flagger: unknown gate" 404 POST /v1/flagger/rollout/nosuch -d '{}'
	want "flagger: GET" 405 GET /v1/flagger/rollout/canary
	want "flagger: not JSON" 400 POST /v1/flagger/rollout/canary -d '{"name": '
	case $(jq -r .error "$sdir/body") in "the body is not JSON: 1:"*) ok ;; *) bad "serve: flagger: not JSON: message"; cat "$sdir/body" >&2 ;; esac
	want "flagger: not an object" 400 POST /v1/flagger/rollout/canary -d '[1]'
	want "flagger: metadata not strings" 400 POST /v1/flagger/rollout/canary -d '{"metadata":{"case":1}}'
	want "flagger: unknown metadata" 400 POST /v1/flagger/rollout/canary -d '{"metadata":{"verison":"v2"}}'
	body_has "flagger: unknown metadata: message" .error "$pdir/canary.gate declares no parameter 'verison'"
	want "flagger: a query string" 400 POST "/v1/flagger/rollout/canary?at=1" -d '{}'
	want "flagger: parameters in the query string" 400 POST "/v1/flagger/rollout/canary?set.case=x" -d '{}'
	body_has "flagger: parameters in the query string: message" .error \
		"Flagger's route takes no query string: parameters come in the webhook's metadata"
	head -c 70000 /dev/zero | tr '\0' ' ' >"$sdir/big"
	want "flagger: a body too large" 413 POST /v1/flagger/rollout/canary --data-binary @"$sdir/big"
	want "flagger: chunked, too large" 413 POST /v1/flagger/rollout/canary -H 'Transfer-Encoding: chunked' --data-binary @"$sdir/big"
	serve_stop flagger2
}

# A bearer token: required on every route but /healthz, compared whole, never printed.
serve_auth() {
	printf 's3cret-Tok3n\n' >"$sdir/token"
	serve_start auth "$pdir/canary.gate" --prometheus "$1" --auth-token-file "$sdir/token" || return
	want "auth: none" 401 GET /v1/gates
	want "auth: wrong" 401 GET /v1/gates -H 'Authorization: Bearer s3cret-Tok3'
	want "auth: longer" 401 GET /v1/gates -H 'Authorization: Bearer s3cret-Tok3n2'
	want "auth: basic" 401 GET /v1/gates -H 'Authorization: Basic czNjcmV0LVRvazNu'
	want "auth: right" 200 GET /v1/gates -H 'Authorization: Bearer s3cret-Tok3n'
	want "auth: metrics" 401 GET /metrics
	want "auth: healthz without" 200 GET /healthz
	want "auth: flagger" 401 POST /v1/flagger/rollout/canary -d '{}'
	serve_stop auth
	if grep -q s3cret "$sdir/auth.err" "$sdir/body"; then bad "serve: auth: the token was printed"; else ok; fi
}

# Faults of the server: 502 naming the fault, or inconclusive under --on-error inconclusive; never a verdict.
# serve_faults FAULTS PROMETHEUS
serve_faults() {
	F=$1 G=$pdir/f.gate
	serve_start fault "$G" --prometheus "$F/500" --retries 0 || return
	want "fault: 502" 502 GET "/v1/gates/g/verdict?at=1700000000"
	body_has "fault: the kind" '[.error.kind, (.verdict // "none")] | join(" ")' "http none"
	want "fault: flagger rollout" 502 POST /v1/flagger/rollout/g -d '{}'
	want "fault: flagger confirm-promotion" 502 POST /v1/flagger/confirm-promotion/g -d '{}'
	serve_stop fault
	# a server's credentials are in no answer and no log line
	serve_start fault1 "$G" --prometheus "http://scott:t1ger-pw@${F#http://}/500" --retries 0 \
		--header 'Authorization-Extra: h3ader-secret' || return
	hit GET "/v1/gates/g/verdict?at=1700000000" >"$sdir/st"
	cp "$sdir/body" "$sdir/cred.body"
	hit GET /v1/gates >/dev/null
	cat "$sdir/body" >>"$sdir/cred.body"
	serve_stop fault1
	if [ "$(cat "$sdir/st")" = 502 ] && ! grep -qE 't1ger-pw|h3ader-secret' "$sdir/cred.body" "$sdir/fault1.err"; then ok; else
		bad "serve: a credential was answered or logged (status $(cat "$sdir/st"))"; cat "$sdir/cred.body" "$sdir/fault1.err" >&2; fi
	serve_start fault2 "$G" --prometheus "$F/500" --retries 0 --on-error inconclusive || return
	want "fault: inconclusive" 200 GET "/v1/gates/g/verdict?at=1700000000"
	body_has "fault: inconclusive, why" '[.verdict, .error.kind] | join(" ")' "inconclusive http"
	want "fault: inconclusive, flagger rollout" 200 POST /v1/flagger/rollout/g -d '{}'
	want "fault: inconclusive, flagger confirm-promotion" 412 POST /v1/flagger/confirm-promotion/g -d '{}'
	serve_stop fault2
	# a fault is not kept: after the server heals, the same question is asked again (blink: the 3rd to 5th
	# requests of a query fail; each at a question of its own but the last four)
	printf '%s\n' 'metric a = `0.5`' 'gate one {' '  step 15s' '  window 1m' '  go when a < 1' '}' >"$sdir/one.gate"
	serve_start fault3 "$sdir/one.gate" --prometheus "$F/blink-serve" --retries 0 || return
	sts=
	for t in 1700000000 1700000015 1700000030 1700000030 1700000030 1700000030; do
		sts="$sts $(hit GET "/v1/gates/one/verdict?at=$t")"
	done
	if [ "$sts" = " 200 200 502 502 502 200" ]; then ok; else bad "serve: fault3: a server that heals: $sts"; fi
	serve_stop fault3
	# nor as an inconclusive verdict
	serve_start fault4 "$sdir/one.gate" --prometheus "$F/blink-serve-ic" --retries 0 --on-error inconclusive || return
	vs=
	for t in 1700000000 1700000015 1700000030 1700000030 1700000030 1700000030; do
		hit GET "/v1/gates/one/verdict?at=$t" >/dev/null
		vs="$vs $(jq -r .verdict "$sdir/body")"
	done
	if [ "$vs" = " go go inconclusive inconclusive inconclusive go" ]; then ok; else bad "serve: fault4: an inconclusive fault kept: $vs"; fi
	serve_stop fault4
	# each file's own server: a gate is evaluated against its file's `prometheus`, not the first file's
	printf '%s\n' "prometheus \"$F/ok\"" 'metric a = `0.5`' 'gate ga {' '  go when a < 1' '}' >"$sdir/a.gate"
	printf '%s\n' "prometheus \"$2\"" 'metric x = `vector(7)`' 'gate gb {' '  rollback "high" when x > 2' '  go when x < 2' '}' >"$sdir/b.gate"
	saved=${NOVAGATE_PROMETHEUS_URL-}
	unset NOVAGATE_PROMETHEUS_URL
	serve_start servers "$sdir/a.gate" "$sdir/b.gate" || return
	want "each file's server: a" 200 GET "/v1/gates/ga/verdict?at=1700000000"
	body_has "each file's server: a's verdict" .verdict go
	want "each file's server: b" 200 GET "/v1/gates/gb/verdict?at=1700000000"
	body_has "each file's server: b's verdict" .verdict rollback
	want "each file's server: b, Flagger's confirm-promotion" 412 POST /v1/flagger/confirm-promotion/gb -d '{}'
	serve_stop servers
	if [ -n "$saved" ]; then export NOVAGATE_PROMETHEUS_URL="$saved"; fi
	# more questions in one step than results are kept: the oldest ready ones make room, none is refused
	serve_start many "$sdir/one.gate" --prometheus "$F/ok" || return
	curl -s -o /dev/null -w '%{http_code}\n' --max-time 120 "$S/v1/gates/one/verdict?at=17000[00000-01199]" >"$sdir/many.st"
	if [ "$(sort "$sdir/many.st" | uniq -c | awk '{ print $1 ":" $2 }')" = "1200:200" ]; then ok; else
		bad "serve: 1200 questions: $(sort "$sdir/many.st" | uniq -c | tr '\n' ' ')"; fi
	serve_stop many
}

# Many askers of one question, one evaluation; a slow server, a slow client, a client that leaves.
serve_load() {
	F=$1 G=$pdir/f.gate
	serve_start slow "$G" --prometheus "$F/slow" --request-timeout 2s || return
	for i in $(seq 20); do
		curl -s -o "$sdir/shared.$i" -w '%{http_code}\n' --max-time 60 "$S/v1/gates/g/verdict?at=1700000000" >"$sdir/shared.st.$i" &
	done
	wait_n=0
	while [ "$(cat "$sdir"/shared.st.* 2>/dev/null | grep -c .)" -lt 20 ] && [ $wait_n -lt 1200 ]; do sleep 0.05; wait_n=$((wait_n + 1)); done
	if [ "$(cat "$sdir"/shared.st.* | sort | uniq -c | awk '{ print $1 ":" $2 }')" = "20:200" ]; then ok; else
		bad "serve: 20 at once: $(cat "$sdir"/shared.st.* | sort | uniq -c | tr '\n' ' ')"; fi
	hit GET /metrics >/dev/null
	if grep -qx 'novagate_evaluation_duration_seconds_count 1' "$sdir/body" && grep -qx 'novagate_evaluations_shared_total 19' "$sdir/body"; then
		ok; else bad "serve: 20 askers of one question: not one evaluation"; grep -E '_count|shared_total' "$sdir/body" >&2; fi
	# a client that trickles its request is cut at --request-timeout; meanwhile others are answered
	printf 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: a-very-slow-client/1.0\r\n\r\n' >"$sdir/slowreq"
	"$sdir/rawhttp" "$SP" trickle 200 <"$sdir/slowreq" >"$sdir/trickle.out" &
	tpid=$!
	sleep 0.3
	want "others answered meanwhile" 200 GET /healthz
	wait $tpid
	case $(cat "$sdir/trickle.out") in "closed after "*) ok ;; *) bad "serve: a trickling client was not cut: $(cat "$sdir/trickle.out")" ;; esac
	# clients that leave: mid-request, and while their evaluation runs
	printf 'POST /v1/flagger/rollout/g HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na' | "$sdir/rawhttp" "$SP" cut 80
	curl -s -o /dev/null --max-time 1 "$S/v1/gates/g/verdict?at=1700000015"
	printf 'NOT HTTP AT ALL\r\n\r\n' | "$sdir/rawhttp" "$SP" send >"$sdir/garbage.out"
	case $(cat "$sdir/garbage.out") in "HTTP/1.1 400"* | closed) ok ;; *) bad "serve: garbage: $(cat "$sdir/garbage.out")" ;; esac
	sleep 6	# the evaluation the leaver asked for ends
	want "up after clients left" 200 GET /healthz
	# SIGTERM while a request waits for its evaluation: it is answered, then serve exits 0
	curl -s -o "$sdir/term.body" -w '%{http_code}' --max-time 60 "$S/v1/gates/g/verdict?at=1700000030" >"$sdir/term.st" &
	cpid=$!
	sleep 0.5
	serve_stop slow
	wait $cpid
	if [ "$(cat "$sdir/term.st")" = 200 ] && [ "$(jq -r .verdict "$sdir/term.body")" = go ]; then ok; else
		bad "serve: SIGTERM: the request in flight got $(cat "$sdir/term.st")"; fi
	if curl -s -o /dev/null --max-time 2 "$S/healthz"; then bad "serve: still answering after SIGTERM"; else ok; fi
}

# Clients that leave while their questions wait: the questions nobody asks any more are not evaluated
serve_leavers() {
	F=$1
	serve_start leavers "$sdir/one.gate" --prometheus "$F/slow" --workers 1 --max-connections 100 || return
	curl -s --parallel --parallel-max 40 --max-time 1 -o /dev/null -w '%{http_code}\n' 2>/dev/null \
		"$S/v1/gates/one/verdict?at=17000[00000-00039]" >"$sdir/leavers.st"
	sleep 0.6	# the reaper's look at them
	got=$(hit GET "/v1/gates/one/verdict?at=1800000000")
	hit GET /metrics >/dev/null
	n=$(awk '$1 == "novagate_evaluation_duration_seconds_count" { print $2 }' "$sdir/body")
	c=$(awk '$1 == "novagate_open_connections" { print $2 }' "$sdir/body")
	if [ "$got" = 200 ] && [ "$n" -le 3 ] && [ "$c" -le 2 ]; then ok; else
		bad "serve: 40 clients that left: the next question $got, $n evaluations, $c connections open"; fi
	serve_stop leavers
}

# A flood: good and malformed requests at once; every one answered, the good ones right, memory bounded.
serve_flood() {
	P=$1
	c=canary/healthy
	at=$(newest "$c")
	serve_start flood "$pdir/canary.gate" --prometheus "$P" --max-connections 32 || return
	ngt check "$pdir/canary.gate" --gate canary --set "case=$c" --prometheus "$P" --at "$at" >"$sdir/check.json" 2>/dev/null
	for round in 1 2; do
		rm -f "$sdir"/fl.*
		i=0
		while [ $i -lt "$flood" ]; do
			i=$((i + 1))
			case $((i % 5)) in
			0) curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 "$S/v1/gates/canary/verdict?nope=1" >"$sdir/fl.$i.bad" & ;;
			1) curl -s -o /dev/null -w '%{http_code}\n' --max-time 60 -d '{"metadata":' "$S/v1/flagger/rollout/canary" >"$sdir/fl.$i.bad" & ;;
			2) printf 'GET /v1/gates HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n' | "$sdir/rawhttp" "$SP" send >"$sdir/fl.$i.raw" & ;;
			*) curl -s -o "$sdir/fl.$i.json" -w '%{http_code}\n' --max-time 60 -G --data-urlencode "set.case=$c" \
				--data-urlencode "at=$at" "$S/v1/gates/canary/verdict" >"$sdir/fl.$i.good" & ;;
			esac
		done
		wait_n=0
		while [ "$(cat "$sdir"/fl.*.good "$sdir"/fl.*.bad "$sdir"/fl.*.raw 2>/dev/null | grep -c .)" -lt "$flood" ] && [ $wait_n -lt 1200 ]; do
			sleep 0.05; wait_n=$((wait_n + 1)); done
		goods=$(cat "$sdir"/fl.*.good | sort | uniq -c | awk '{ print $2 }' | tr '\n' ' ')
		bads=$(cat "$sdir"/fl.*.bad | sort -u | tr '\n' ' ')
		same=0
		for j in "$sdir"/fl.*.json; do printf '\n' >>"$j"; cmp -s "$j" "$sdir/check.json" || same=1; done
		if [ "$goods" = "200 " ] && [ "$bads" = "400 " ] && [ $same = 0 ] && ! grep -q 'closed' "$sdir"/fl.*.raw; then ok; else
			bad "serve: flood $round: good $goods, malformed $bads, raw $(sort -u "$sdir"/fl.*.raw | tr '\n' ' '), bodies same: $same"; fi
		eval "rss$round=$(rss_kb)"
	done
	want "flood: still up" 200 GET /healthz
	# bounded: the second flood leaves no more behind than the first (8 MiB of slack for the allocator;
	# AddressSanitizer keeps what is freed in quarantine, so not there)
	if [ -n "${SANFLAGS:-}" ]; then
		:
	elif [ "$rss2" -gt 0 ] && [ "$rss2" -lt $((rss1 + 8192)) ] && [ "$rss2" -lt 262144 ]; then ok; else
		bad "serve: flood: RSS $rss1 kB after one, $rss2 kB after two"; fi
	hit GET /metrics >/dev/null
	if grep -q '^novagate_http_requests_total{route="/v1/gates/{gate}/verdict",code="200"} ' "$sdir/body" &&
	   grep -q '^novagate_http_requests_total{route="/v1/flagger/{hook}/{gate}",code="400"} ' "$sdir/body" &&
	   [ "$(awk '/^novagate_verdicts_total\{gate="canary",verdict="go"\}/ { print $2 }' "$sdir/body")" -le 4 ]; then ok; else
		bad "serve: /metrics after the flood"; head -n 20 "$sdir/body" >&2; fi
	serve_stop flood
}

# raw NAME MODE [ARG] < REQUEST (not in a pipeline: it sets variables): rawhttp's answer into $sdir/NAME.raw; RST its status line, RHEAD its head,
# $sdir/NAME.body its body
raw() {
	"$sdir/rawhttp" "$SP" "$2" ${3:+"$3"} >"$sdir/$1.raw"
	RST=$(head -n 1 "$sdir/$1.raw" | tr -d '\r')
	RHEAD=$(sed '/^\r$/q' "$sdir/$1.raw" | tr -d '\r')
	sed '1,/^\r$/d' "$sdir/$1.raw" >"$sdir/$1.body"
}
# pad N: N bytes of 'a'
pad() { head -c "$1" /dev/zero | tr '\0' a; }
# json_error NAME STATUS JQ: the last raw answer has that status, a JSON body whose .error JQ holds
json_error() {
	if [ "$RST" = "HTTP/1.1 $2" ] && printf '%s\n' "$RHEAD" | grep -qix 'Content-Type: application/json' &&
	   [ "$(jq -r ".error | $3" "$sdir/$1.body" 2>/dev/null)" = true ]; then ok; else
		bad "serve: $1: '$RST', or not a JSON error of that message"; head -c 400 "$sdir/$1.raw" >&2; echo >&2; fi
}
# mhd_error NAME STATUS: libmicrohttpd's own answer: that status, its HTML body, no Content-Type, closed after
mhd_error() {
	if [ "$RST" = "HTTP/1.1 $2" ] && ! printf '%s\n' "$RHEAD" | grep -qi '^Content-Type:' &&
	   printf '%s\n' "$RHEAD" | grep -qix 'Connection: close' && grep -q '^<html><head><title>' "$sdir/$1.body"; then ok; else
		bad "serve: $1: '$RST', or not libmicrohttpd's HTML (novagate(1) says what a client gets)"; head -c 400 "$sdir/$1.raw" >&2; echo >&2; fi
}

# Requests too large or malformed: a target over 8 KiB is 414 and header fields over 16 KiB 431, in
# JSON; what does not fit in libmicrohttpd's memory for a connection (64 KiB), or does not parse,
# libmicrohttpd answers itself, in HTML (novagate(1)).
serve_limits() {
	serve_start limits "$pdir/canary.gate" --prometheus "$1" || return
	t=/v1/gates/canary/verdict?set.version=
	{ printf 'GET %s' "$t"; pad $((20000 - ${#t})); printf ' HTTP/1.1\r\nHost: x\r\n\r\n'; } >"$sdir/req"
	raw uri20k answer <"$sdir/req"
	json_error uri20k "414 URI Too Long" '. == "the request target is 20000 bytes, more than 8192"'
	# exactly at the limit, and one byte over (the target as sent, its query string included)
	{ printf 'GET /healthz?'; pad $((8192 - 9)); printf ' HTTP/1.1\r\nHost: x\r\n\r\n'; } >"$sdir/req"
	raw uri8k answer <"$sdir/req"
	if [ "$RST" = "HTTP/1.1 200 OK" ]; then ok; else bad "serve: a target of 8192 bytes: '$RST'"; fi
	{ printf 'GET /healthz?'; pad $((8193 - 9)); printf ' HTTP/1.1\r\nHost: x\r\n\r\n'; } >"$sdir/req"
	raw uri8k1 answer <"$sdir/req"
	json_error uri8k1 "414 URI Too Long" '. == "the request target is 8193 bytes, more than 8192"'
	{ printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n'; i=0
	  while [ $i -lt 40 ]; do i=$((i + 1)); printf 'X-Pad-%02d: ' $i; pad 990; printf '\r\n'; done; printf '\r\n'; } >"$sdir/req"
	raw hdr40k answer <"$sdir/req"
	json_error hdr40k "431 Request Header Fields Too Large" '. == "the header fields are 40089 bytes, more than 16384"'
	# Host: x is 9 bytes, X-Pad: and CRLF 9 more
	{ printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: '; pad $((16384 - 18)); printf '\r\n\r\n'; } >"$sdir/req"
	raw hdr16k answer <"$sdir/req"
	if [ "$RST" = "HTTP/1.1 200 OK" ]; then ok; else bad "serve: header fields of 16384 bytes: '$RST'"; fi
	{ printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: '; pad $((16385 - 18)); printf '\r\n\r\n'; } >"$sdir/req"
	raw hdr16k1 answer <"$sdir/req"
	json_error hdr16k1 "431 Request Header Fields Too Large" '. == "the header fields are 16385 bytes, more than 16384"'
	# beyond libmicrohttpd's memory for the connection, and what it cannot parse: its own answers
	{ printf 'GET /healthz?'; pad 100000; printf ' HTTP/1.1\r\nHost: x\r\n\r\n'; } >"$sdir/req"
	raw uri100k answer <"$sdir/req"
	mhd_error uri100k "414 URI Too Long"
	{ printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: '; pad 100000; printf '\r\n\r\n'; } >"$sdir/req"
	raw hdr100k answer <"$sdir/req"
	mhd_error hdr100k "431 Request Header Fields Too Large"
	printf 'NOT HTTP AT ALL\r\n\r\n' >"$sdir/req"
	raw garbage answer <"$sdir/req"
	mhd_error garbage "400 Bad Request"
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n' >"$sdir/req"
	raw badheader answer <"$sdir/req"
	mhd_error badheader "400 Bad Request"
	printf 'GET /healthz HTTP/2.0\r\nHost: x\r\n\r\n' >"$sdir/req"
	raw http2 answer <"$sdir/req"
	mhd_error http2 "505 HTTP Version Not Supported"
	hit GET /metrics >/dev/null
	if grep -qx 'novagate_http_requests_total{route="/v1/gates/{gate}/verdict",code="414"} 1' "$sdir/body" &&
	   grep -qx 'novagate_http_requests_total{route="/healthz",code="431"} 2' "$sdir/body"; then ok; else
		bad "serve: limits: /metrics does not count the 414 and 431"; grep 'code="4' "$sdir/body" >&2; fi
	serve_stop limits
}

# /healthz once SIGTERM has come: 503 on a connection opened before it (a new one is refused), while
# a request begun holds the drain open: a POST that sent Expect: 100-continue and, once its 100
# Continue came, nothing more.  Its body sent, it is answered 503 too: no new question while draining.
serve_drain() {
	F=$1
	serve_start drain "$pdir/f.gate" --prometheus "$F/ok" --idle-timeout 120s --request-timeout 120s || return
	rm -f "$sdir/drain.go" "$sdir/drain.end"
	# (the held question ends last, on drain.end: once it is answered serve may exit, and close the probe's)
	printf 'POST /v1/flagger/rollout/g HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}' |
		"$sdir/rawhttp" "$SP" continue "$sdir/drain.end" >"$sdir/drain.hold" &
	hpid=$!
	printf 'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n' | "$sdir/rawhttp" "$SP" again "$sdir/drain.go" >"$sdir/drain.probe" &
	ppid=$!
	i=0
	until grep -q '^HTTP/1.1 100 Continue' "$sdir/drain.hold" && grep -q '^HTTP/1.1 200 OK' "$sdir/drain.probe" ||
	      [ $i -ge 1200 ]; do sleep 0.05; i=$((i + 1)); done
	kill -TERM "$SPID"
	# draining once it takes no more connections
	i=0
	while curl -s -o /dev/null --max-time 2 "$S/healthz" && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
	touch "$sdir/drain.go"
	wait $ppid
	touch "$sdir/drain.end"
	wait $hpid
	# each the second answer on its connection
	st=$(grep '^HTTP/1.1 ' "$sdir/drain.probe" | sed -n 2p | tr -d '\r')
	if [ "$st" = "HTTP/1.1 503 Service Unavailable" ] && [ "$(tail -n 1 "$sdir/drain.probe" | jq -r .error 2>/dev/null)" = "shutting down" ] &&
	   tr -d '\r' <"$sdir/drain.probe" | grep -qix 'Connection: close'; then ok; else
		bad "serve: /healthz while draining: not 503 {\"error\":\"shutting down\"}, closed"; cat "$sdir/drain.probe" >&2; echo >&2; fi
	st=$(grep '^HTTP/1.1 ' "$sdir/drain.hold" | sed -n 2p | tr -d '\r')
	if [ "$st" = "HTTP/1.1 503 Service Unavailable" ] && [ "$(tail -n 1 "$sdir/drain.hold" | jq -r .error 2>/dev/null)" = "shutting down" ]; then
		ok; else bad "serve: a question asked while draining: not 503"; cat "$sdir/drain.hold" >&2; echo >&2; fi
	serve_stop drain
}

# Each worker keeps its connection to the server from one evaluation to the next: faultsrv logs a
# "conn" line a connection.  Distinct questions (an evaluation each, one query each), one after another.
# serve_reuse FAULTS
serve_reuse() {
	F=$1
	for w in 1 2; do
		serve_start reuse$w "$sdir/one.gate" --prometheus "$F/ok" --workers $w || return
		c0=$(grep -c '^conn' "$pdir/fs.log")
		sts=
		for i in 1 2 3 4 5 6 7 8; do sts="$sts $(hit GET "/v1/gates/one/verdict?at=$((1700000000 + 15 * i))")"; done
		n=$(($(grep -c '^conn' "$pdir/fs.log") - c0))
		hit GET /metrics >/dev/null
		e=$(awk '$1 == "novagate_evaluation_duration_seconds_count" { print $2 }' "$sdir/body")
		if [ "$sts" = " 200 200 200 200 200 200 200 200" ] && [ "$e" = 8 ] && [ "$n" -ge 1 ] && [ "$n" -le $w ]; then ok; else
			bad "serve: $w worker(s), 8 evaluations ($e, $sts): $n connections to the server, want 1 to $w"; fi
		serve_stop reuse$w
	done
}

serve_tests() {
	if ! ${CC:-cc} -O1 -o "$sdir/rawhttp" tests/serve/rawhttp.c 2>"$sdir/cc.err"; then
		bad "serve: tests/serve/rawhttp.c does not build"; cat "$sdir/cc.err" >&2; return
	fi
	serve_usage "$1"
	serve_limits "$1"
	serve_drain "$2"
	printf '%s\n' 'param range = "5m"' 'metric r = `sum(rate(error_rate{case="canary/healthy"}[$range]))`' \
		'gate windowed {' '  go when r < 1' '}' >"$sdir/win.gate"
	serve_start main "$pdir/canary.gate" "$pdir/rollback.gate" "$sdir/win.gate" --prometheus "$1" || return
	serve_verdicts "$1"
	serve_stop main
	serve_flagger "$1"
	serve_auth "$1"
	serve_faults "$2" "$1"
	serve_load "$2"
	serve_reuse "$2"
	serve_leavers "$2"
	serve_flood "$1"
}
