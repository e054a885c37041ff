# tests/examples/examples.sh: the examples of examples/, sourced by tests/run.sh (it uses ng, ok,
# bad, $tmp, $NOVAGATE) before tests/prom/prom.sh, which calls examples_live.  With PyYAML
# (Debian: python3-yaml; skipped with a notice without it), tests/examples/examples.py reads them:
#   1. every YAML file under examples/ parses and has what its orchestrator requires, and each
#      of those requirements is checked: the file without it is refused; each folder has a README
#   2. the novagate lines of the GitHub workflow's steps and the GitLab job's script run as they
#      are, in a folder where rules/ and tests/ are the repository's: exit 0, and the JUnit report
#      the file keeps is well-formed, with the tests and no failure
#   3. examples_live URL (from prom.sh, URL a Prometheus loaded with the recorded cases, each
#      series labelled with its case): `novagate serve` of rules/canary.gate made to read them
#      (tests/prom/xform.pl) answers every exchange of the Argo Rollouts and Flagger examples
#      as `novagate check --at` of the same case says, mapped as the orchestrator maps it.
#      Time: Argo's URL is asked with at= (the case's last sample) added to its query, and
#      set.case=; the Job's command line with --set case= and --at; Flagger's hooks take no
#      query, so for them (and Argo's URL as it is) a serve of a copy of the gate whose case is
#      its default runs with --delay, how long ago the case was, so that its "now" is on the
#      gate's grid a step after the last sample; each answer is compared with check at the
#      instant the answer gives.  Then the same exchanges with Prometheus down: 502, or with
#      --on-error inconclusive a 200 inconclusive.
expython=/usr/bin/python3	# Debian's, whose PyYAML is python3-yaml
[ -x "$expython" ] || expython=python3
expy="$expython tests/examples/examples.py"
exdir=$tmp/examples.d	# $tmp/examples is run.sh's (the man pages' examples)
mkdir -p "$exdir"
if $expython -c 'import yaml' 2>/dev/null; then
	ex_yaml=1
else
	ex_yaml=0
	echo "notice: python3 with PyYAML (python3-yaml) not installed: the tests of examples/ are skipped" >&2
fi

# novagate as ./novagate in a folder: the binary, or valgrind of it with NG_VALGRIND=1
ex_bin() {
	case $NOVAGATE in /*) b=$NOVAGATE ;; *) b=$PWD/$NOVAGATE ;; esac
	if [ "${NG_VALGRIND:-0}" = 1 ]; then
		printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect "%s" "$@"\n' \
			"$b" >"$1"
	else
		printf '#!/bin/sh\nexec "%s" "$@"\n' "$b" >"$1"
	fi
	chmod +x "$1"
}

if [ $ex_yaml = 1 ]; then
	# --- 1. the files ---
	find examples -name '*.yaml' -o -name '*.yml' | sort >"$exdir/files"
	if [ -s "$exdir/files" ]; then ok; else bad "examples: no YAML file under examples/"; fi
	# shellcheck disable=SC2046 # one word a file
	$expy lint $(cat "$exdir/files") >"$exdir/lint" 2>&1
	while read -r res rest; do
		case $res in ok) ok ;; *) bad "examples: $res $rest" ;; esac
	done <"$exdir/lint"
	if [ "$(grep -c '^ok ' "$exdir/lint")" -eq "$(grep -c . "$exdir/files")" ]; then ok; else
		bad "examples: examples.py lint did not answer for every file"; cat "$exdir/lint" >&2; fi
	while read -r f; do
		$expy mutate "$f" >"$exdir/mutate" 2>&1
		n=$(grep -c '^ok ' "$exdir/mutate")
		if [ "$n" -gt 0 ] && ! grep -qv '^ok ' "$exdir/mutate"; then ok; else
			bad "examples: $f: a requirement that nothing checks"; grep -v '^ok ' "$exdir/mutate" >&2; fi
	done <"$exdir/files"
	sed 's|/[^/]*$||' "$exdir/files" | sort -u >"$exdir/dirs"
	while read -r d; do
		if [ -s "$d/README.md" ]; then ok; else bad "examples: $d has no README.md"; fi
	done <"$exdir/dirs"

	# --- 2. the CI jobs' novagate lines, as they are ---
	for f in examples/github-actions/*.yml examples/gitlab-ci/*.yml; do
		[ -e "$f" ] || continue
		w=$exdir/ci-$(basename "$(dirname "$f")")
		mkdir -p "$w"
		ln -s "$PWD/rules" "$w/rules" && ln -s "$PWD/tests" "$w/tests" && ex_bin "$w/novagate"
		$expy ci "$f" >"$exdir/ci" 2>"$exdir/ci.err" || { bad "examples: $f: cannot read"; cat "$exdir/ci.err" >&2; }
		if grep -q '^run [^ ]*novagate check ' "$exdir/ci" && grep -q '^run [^ ]*novagate test .*--junit ' "$exdir/ci"; then
			ok; else bad "examples: $f: no novagate check, or no novagate test --junit"; cat "$exdir/ci" >&2; fi
		sed -n 's/^run //p' "$exdir/ci" >"$exdir/ci.run"
		while IFS= read -r line; do
			(cd "$w" && sh -c "$line") >"$exdir/ci.out" 2>&1 </dev/null
			rc=$?
			if [ $rc -eq 0 ]; then ok; else bad "examples: $f: '$line': exit $rc"; tail -n 20 "$exdir/ci.out" >&2; fi
		done <"$exdir/ci.run"
		sed -n 's/^junit //p' "$exdir/ci" >"$exdir/ci.junit"
		if [ -s "$exdir/ci.junit" ]; then ok; else bad "examples: $f keeps no JUnit report"; fi
		while IFS= read -r j; do
			if grep -qF -- "--junit $j " "$exdir/ci.run"; then ok; else
				bad "examples: $f keeps $j, which no novagate test --junit writes"; fi
			if $expy junit "$w/$j" >"$exdir/junit" 2>&1 &&
			   n=$(sed -n 's/^testcases \([0-9]*\) failures 0 errors 0$/\1/p' "$exdir/junit") && [ "${n:-0}" -gt 0 ]; then
				ok; else bad "examples: $f: $j is not well-formed JUnit with tests and no failure"; cat "$exdir/junit" >&2; fi
		done <"$exdir/ci.junit"
	done
fi

# --- 3. live: examples_live URL ----------------------------------------------------------------

# What the orchestrators make of a verdict: Argo's web measurement, Argo's Job, Flagger's status.
ex_argo_web() { case $1 in go) echo Successful ;; rollback) echo Failed ;; *) echo Inconclusive ;; esac; }
ex_argo_job() { case $1 in go) echo Successful ;; *) echo Failed ;; esac; }
ex_flagger() {
	case $1 in
	confirm-rollout|confirm-traffic-increase|confirm-promotion) [ "$2" = go ] && echo 200 || echo 412 ;;
	pre-rollout|rollout|post-rollout) [ "$2" = rollback ] && echo 412 || echo 200 ;;
	rollback) [ "$2" = rollback ] && echo 200 || echo 412 ;;
	*) echo "no mapping for hook $1" ;;
	esac
}

# ex_serve LOG ARGS...: novagate serve ARGS on a free port of 127.0.0.1; sets ex_pid and ex_base
ex_serve() {
	log=$1
	shift
	: >"$log"
	"$NOVAGATE" serve "$@" --listen 127.0.0.1:0 2>"$log" &
	ex_pid=$!
	pids="$pids $ex_pid"	# prom.sh's: stopped with its servers if the tests are interrupted
	i=0
	until port=$(sed -n 's|^novagate: serving [0-9]* gates* on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$log") && [ -n "$port" ]; do
		if [ $i -ge 400 ] || ! kill -0 "$ex_pid" 2>/dev/null; then
			bad "examples: novagate serve $*: did not start"; cat "$log" >&2
			return 1
		fi
		sleep 0.05
		i=$((i + 1))
	done
	ex_base=http://127.0.0.1:$port
}
# ex_alive: serve still runs (it stops only on SIGTERM or SIGINT: from whom, its log says)
ex_alive() {
	kill -0 "$ex_pid" 2>/dev/null && return 0
	bad "examples: novagate serve (pid $ex_pid) stopped before the test was done"; cat "$log" >&2
	return 1
}
# ex_unserve: SIGTERM, and serve stops with status 0
ex_unserve() {
	kill "$ex_pid" 2>/dev/null
	wait "$ex_pid"
	rc=$?
	pids=$(echo " $pids " | sed "s/ $ex_pid / /")
	if [ $rc -eq 0 ]; then ok; else bad "examples: novagate serve: exit $rc on SIGTERM"; cat "$log" >&2; fi
}

# ex_same BODY REPORT: serve's body is check's report (which ends with a newline)
ex_same() { { cat "$1"; echo; } | cmp -s - "$2"; }

# ex_job CASE AT: run each job metric's command line of the example as the Job would (novagate
# check, the gates of /etc/novagate from the test's copies, Prometheus at $url), with --set case=
# and --at; "NAME EXIT" a line
ex_job() {
	jc=$1 jat=$2 n=0 prev=
	$expy argo-job "$AJ" --arg "version=$version" >"$ed/job.words" || return
	set --
	while IFS= read -r w; do
		if [ "$w" = -- ]; then
			n=$((n + 1))
			ngt "$@" --set "case=$jc" --at "$jat" >"$ed/job$n.out" 2>"$ed/job$n.err"
			echo "$n $?"
			set --
			prev=
			continue
		fi
		case "$# $w" in
		"0 novagate") continue ;;
		*" /etc/novagate/"*) w=$ed/gates/${w#/etc/novagate/} ;;
		esac
		[ "$prev" = --prometheus ] && w=$url
		prev=$w
		set -- "$@" "$w"
	done <"$ed/job.words"
}

examples_live() {
	[ $ex_yaml = 1 ] || return 0
	url=$1 ed=$exdir/live version=v1.2.4
	AW=examples/argo-rollouts/analysis-web.yaml AJ=examples/argo-rollouts/analysis-job.yaml FC=examples/flagger/canary.yaml
	mkdir -p "$ed/gates" "$ed/out"
	for g in rules/*.gate; do perl tests/prom/xform.pl <"$g" >"$ed/gates/$(basename "$g")"; done
	G=$ed/gates/canary.gate
	printf 'ex4mple-t0ken\n' >"$ed/token"
	tok=ex4mple-t0ken
	# the recorded cases of rules/canary.gate, each at its last sample
	awk -F '\t' '$1 == "rules/canary.gate" { print $2 }' tests/rules/verdicts.tsv | head -n "${ncases:-100000}" >"$ed/cases"
	ex_serve "$ed/serve.log" "$G" --prometheus "$url" --auth-token-file "$ed/token" || return
	while read -r input; do
		c=${input#tests/rules/}
		c=${c%.prom}
		at=$(awk '!/^#/ && NF == 3 { if ($3 > m) m = $3 } END { printf "%d", m / 1000 }' "$input")
		ngt check "$G" --gate canary --set "version=$version" --set "case=$c" --prometheus "$url" --at "$at" \
			>"$ed/want.json" 2>"$ed/want.err"
		wrc=$?
		v=$(jq -r .verdict "$ed/want.json" 2>/dev/null)
		case $v in go|no-go|rollback|inconclusive) ;; *) bad "examples: check of $c: exit $wrc"; cat "$ed/want.err" >&2; continue ;; esac
		ex_alive || break
		# Argo's web metric: the URL, at and the case added to its query
		$expy argo-web "$AW" "$ex_base" --arg "version=$version" --arg "novagate-token=$tok" \
			--query "set.case=$c&at=$at" "$ed/out" >"$ed/web" 2>&1
		[ -s "$ed/web" ] || { bad "examples: argo-web $c: no measurement"; cat "$ed/web" >&2; }
		while read -r name status phase; do
			want=$(ex_argo_web "$v")
			if [ "$status" = 200 ] && [ "$phase" = "$want" ] && ex_same "$ed/out/$name.body" "$ed/want.json"; then ok; else
				bad "examples: Argo web metric $name, $c ($v): HTTP $status, $phase (want 200, $want) or not check's report"
				head -c 300 "$ed/out/$name.body" >&2; echo >&2; fi
		done <"$ed/web"
		# Argo's Job: its exit status
		ex_job "$c" "$at" >"$ed/job"
		[ -s "$ed/job" ] || bad "examples: argo-job $c: no command line"
		while read -r n rc; do
			phase=Failed
			[ "$rc" -eq 0 ] && phase=Successful
			want=$(ex_argo_job "$v")
			if [ "$rc" -eq "$wrc" ] && [ "$phase" = "$want" ] && cmp -s "$ed/job$n.out" "$ed/want.json"; then ok; else
				bad "examples: Argo Job $n, $c ($v): exit $rc (check: $wrc), $phase (want $want) or another report"
				cat "$ed/job$n.err" >&2; fi
		done <"$ed/job"
	done <"$ed/cases"
	# the token is what lets Argo in: without it, an Error measurement
	$expy argo-web "$AW" "$ex_base" --arg "version=$version" --arg "novagate-token=wr0ng" \
		--query "set.case=canary/healthy" "$ed/out" >"$ed/web" 2>&1
	if [ "$(cut -d ' ' -f 2,3 "$ed/web")" = "401 Error" ]; then ok; else
		bad "examples: Argo web metric with a wrong token: $(cat "$ed/web") (want 401 Error)"; fi
	if [ "$(curl -s -H "Authorization: Bearer $tok" "$ex_base/v1/gates" | jq -r '.gates[] | select(.name == "canary") | .step')" = 15s ]; then
		ok; else bad "examples: GET /v1/gates: gate canary's step is not 15s (the grid below)"; fi
	ex_unserve

	# Flagger's hooks, and Argo's URL as it is: no at, no case.  A case each verdict: its serve
	# evaluates at "now" less --delay, put at the next point of the 15s grid after the case's
	# last sample, plus 7 s to spare either way.
	for cv in canary/healthy:go canary/restart:no-go canary/error-spike-1m:rollback canary/cpu-missing:inconclusive; do
		c=${cv%:*} v=${cv#*:}
		input=tests/rules/$c.prom
		[ -e "$input" ] || { bad "examples: no case $c"; continue; }
		at=$(awk '!/^#/ && NF == 3 { if ($3 > m) m = $3 } END { printf "%d", m / 1000 }' "$input")
		grid=$(( (at + 14) / 15 * 15 ))
		mkdir -p "$ed/now-$v"
		g=$ed/now-$v/canary.gate
		sed "s|^param case = \"none\"\$|param case = \"$c\"|" "$G" >"$g"
		ex_serve "$ed/now-$v.log" "$g" --prometheus "$url" --delay "$(($(date +%s) - grid - 7))s" || continue
		$expy flagger "$FC" "$ex_base" "$ed/out" >"$ed/hooks" 2>&1
		[ -s "$ed/hooks" ] || { bad "examples: flagger $c: no webhook called"; cat "$ed/hooks" >&2; }
		$expy argo-web "$AW" "$ex_base" --arg "version=$version" --arg "novagate-token=$tok" "$ed/out" >"$ed/web" 2>&1
		{ sed 's/^\([^ ]*\) \([^ ]*\) \([^ ]*\) \([^ ]*\)$/flagger \1.\3 \2 \4/' "$ed/hooks"
		  sed 's/^\([^ ]*\) \([^ ]*\) \([^ ]*\)$/argo \1 \2 \3/' "$ed/web"; } >"$ed/answers"
		while read -r who name x y; do
			body=$ed/out/$name.body
			got=$(jq -r .verdict "$body" 2>/dev/null)
			t=$(jq -r .at "$body" 2>/dev/null)
			ngt check "$g" --gate canary --set "version=$version" --prometheus "$url" --at "$t" >"$ed/want.json" 2>/dev/null
			if [ "$who" = flagger ]; then
				want=$(ex_flagger "$x" "$v")
				what="Flagger's $x hook $name: HTTP $y"
				right=$([ "$y" = "$want" ] && echo 1)
			else
				want=$(ex_argo_web "$v")
				what="Argo's web metric $name: HTTP $x, $y"
				right=$([ "$x" = 200 ] && [ "$y" = "$want" ] && echo 1)
			fi
			if [ "$right" = 1 ] && [ "$got" = "$v" ] && ex_same "$body" "$ed/want.json"; then ok; else
				bad "examples: $c, now ($t): $what, verdict $got (want $want, $v) or not check's report at $t"
				head -c 300 "$body" >&2; echo >&2; fi
		done <"$ed/answers"
		ex_alive
		ex_unserve
	done

	# a Prometheus that does not answer: a 502 (Argo: Error; Flagger: a failed check, no rollback,
	# no promotion), or with --on-error inconclusive a 200 inconclusive, mapped as one
	dead=$($expython -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	for mode in fail inconclusive; do
		ex_serve "$ed/dead-$mode.log" "$G" --prometheus "http://127.0.0.1:$dead" --retries 0 --on-error $mode || continue
		$expy flagger "$FC" "$ex_base" "$ed/out" >"$ed/hooks" 2>&1
		$expy argo-web "$AW" "$ex_base" --arg "version=$version" --arg "novagate-token=$tok" "$ed/out" >"$ed/web" 2>&1
		while read -r name type phase status; do
			want=502
			[ $mode = inconclusive ] && want=$(ex_flagger "$type" inconclusive)
			if [ "$status" = "$want" ]; then ok; else
				bad "examples: Prometheus down, --on-error $mode: Flagger's $type hook $name ($phase): HTTP $status, want $want"; fi
		done <"$ed/hooks"
		want="502 Error"
		[ $mode = inconclusive ] && want="200 Inconclusive"
		if [ -s "$ed/web" ] && [ "$(cut -d ' ' -f 2,3 "$ed/web" | sort -u)" = "$want" ]; then ok; else
			bad "examples: Prometheus down, --on-error $mode: Argo's web metric: $(cat "$ed/web"), want $want"; fi
		ex_unserve
	done
}
