# bench/serve.sh: the serve case of bench/run.sh, which sources it (it uses die, measure, expect_go,
# $tmp, $NOVAGATE, $RSS, $HTTPLOAD, the BENCH_SERVE knobs, and serve_stop, which stops the servers
# whose PIDs are in $serve_pid and $prom_pid, also on the way out).  How many verdicts a second
# `novagate serve` answers and how long they take, against a real Prometheus on 127.0.0.1:
#   cached     one question (the gate, its parameters, a fixed `at`) asked over and over: one
#              evaluation serves them all (serve keeps a result for the gate's step)
#   uncached   a distinct question each (instants 1 ms apart): an evaluation and its queries each
# and its peers in the same run: one `novagate check --prometheus URL --at T` process a decision, as
# a Job provider runs it; and Prometheus alone answering the requests a decision makes (the
# query_range and series requests of `check -v`), sent by httpload, so that serve's overhead over
# the queries it needs shows.  The gate is rules/canary.gate as tests/prom/xform.pl rewrites it to
# read the recorded samples (tests/rules/canary/healthy.prom, loaded with promtool as
# tests/prom/prom.sh does); its verdict is go.
#
# Fails when serve or Prometheus cannot be started, when serve's answer to the cached question is not
# the report `novagate check` gives for it, or on any answer but a 200 in a cached row or from
# Prometheus alone (an uncached row prints its own).
#
# serve keeps each result for the rest of its step (15s) and answers 503 ("busy") to a question
# beyond 512 results kept (MAX_RESULTS of cli/serve_eval.c), whether or not any is in flight: the
# uncached rows ask at most 510 distinct questions in all, within one step.
# shellcheck shell=sh disable=SC2154 # $tmp and the rest are bench/run.sh's

sv=$tmp/serve
mkdir -p "$sv" || die "cannot create $sv"
SERVE_CASE=canary/healthy
SERVE_DATA=tests/rules/canary/healthy.prom

# http_get HOST:PORT PATH FILE: GET PATH, its body into FILE; true if the answer was a 200.
http_get() {
	r=$("$HTTPLOAD" -n 1 -T 10 -o "$3" "$1" "$2" 2> /dev/null) || return 1
	# shellcheck disable=SC2086 # httpload's fields
	set -- $r
	[ "$7" = 0 ] && [ "$8" = 0 ]
}

# cpu_ticks PID: its user + system time, in clock ticks (0 when it is gone).
cpu_ticks() {
	sed 's/^.*) //' "/proc/$1/stat" 2> /dev/null | awk '{ print $12 + $13 }' | grep . || echo 0
}

# evals HOST:PORT: serve's evaluations so far (novagate_evaluation_duration_seconds_count).
evals() {
	http_get "$1" /metrics "$sv/metrics" || die "serve: GET /metrics failed"
	awk '$1 == "novagate_evaluation_duration_seconds_count" { print $2; f = 1 } END { if (!f) print "-" }' "$sv/metrics"
}

# load TAG NAME CONNS HOST:PORT TARGETS HTTPLOAD-ARGS...: one row, from httpload's line, with the
# evaluations serve made meanwhile (when HOST:PORT is serve's) and the CPU of serve and Prometheus
# a request.  Leaves httpload's line in $sv/row and its stderr in $sv/row.err; adds "TAG CONNS
# REQ_PER_S P50_MS P99_MS" to $sv/figures.
load() {
	l_tag=$1 l_name=$2 l_c=$3 l_hp=$4 l_t=$5
	shift 5
	[ "$l_hp" = "$SHP" ] && e0=$(evals "$SHP") || e0=
	n0=$(cpu_ticks "$serve_pid") p0=$(cpu_ticks "$prom_pid")
	"$HTTPLOAD" -c "$l_c" "$@" "$l_hp" "$l_t" > "$sv/row" 2> "$sv/row.err" ||
		{ cat "$sv/row.err" >&2; die "httpload $l_hp failed"; }
	n1=$(cpu_ticks "$serve_pid") p1=$(cpu_ticks "$prom_pid")
	[ -n "$e0" ] && ev=$(($(evals "$SHP") - e0)) || ev=-
	read -r r_n _ r_rps r_p50 r_p99 r_max r_bad r_err < "$sv/row"
	awk -v name="$l_name" -v c="$l_c" -v n="$r_n" -v rps="$r_rps" -v p50="$r_p50" -v p99="$r_p99" -v max="$r_max" \
	    -v bad="$((r_bad + r_err))" -v ev="$ev" -v ng=$((n1 - n0)) -v pr=$((p1 - p0)) -v hz="$hz" -v serve="$([ "$l_hp" = "$SHP" ] && echo 1)" \
	    'BEGIN { d = n > 0 ? hz * n : 1
		     printf "  %-46s %5d %8d %9.1f %8.3f %8.3f %8.3f %7d %6s %10s %11.1f\n", name, c, n, rps, p50, p99, max, bad, ev,
		     serve ? sprintf("%.1f", ng / d * 1e6) : "-", pr / d * 1e6 }'
	echo "$l_tag $l_c $r_rps $r_p50 $r_p99" >> "$sv/figures"
}

serve_case() {
	if ! command -v "$PROMETHEUS" > /dev/null 2>&1 || ! command -v "$PROMTOOL" > /dev/null 2>&1; then
		echo
		echo "novagate serve: skipped ($PROMETHEUS or $PROMTOOL not installed)"
		return 0
	fi
	hz=$(getconf CLK_TCK 2> /dev/null || echo 100)
	: > "$sv/figures"
	# the samples, every series labelled with its case, as OpenMetrics for promtool (tests/prom/prom.sh)
	awk -v c="$SERVE_CASE" '{ print c "\t" $0 }' "$SERVE_DATA" | awk -f tests/prom/toom.awk | sort -t '	' -k1,1 -s |
		awk -F '\t' '$1 != last { print "# TYPE " $1 " gauge"; last = $1 } { print $2 } END { print "# EOF" }' > "$sv/data.om"
	"$PROMTOOL" tsdb create-blocks-from openmetrics "$sv/data.om" "$sv/pdata" > "$sv/promtool.out" 2>&1 ||
		{ tail -n 5 "$sv/promtool.out" >&2; die "promtool tsdb create-blocks-from openmetrics failed"; }
	at=$(awk '!/^#/ && NF >= 3 && $3 > m { m = $3 } END { printf "%d", m / 1000 }' "$SERVE_DATA")
	perl tests/prom/xform.pl < "$GATE" > "$sv/canary.gate" || die "tests/prom/xform.pl $GATE failed"
	G=$sv/canary.gate

	printf 'global:\n  scrape_interval: 1h\n' > "$sv/prometheus.yml"
	pport=$("$HTTPLOAD" --free-port) || die "httpload --free-port failed"
	"$PROMETHEUS" --config.file="$sv/prometheus.yml" --storage.tsdb.path="$sv/pdata" \
		--storage.tsdb.retention.time=100y --web.listen-address="127.0.0.1:$pport" \
		--log.level=error > "$sv/prometheus.log" 2>&1 &
	prom_pid=$!
	PHP=127.0.0.1:$pport
	i=0
	until http_get "$PHP" /-/ready "$sv/ready"; do
		[ $i -lt 400 ] || { tail -n 20 "$sv/prometheus.log" >&2; die "prometheus did not become ready on $PHP"; }
		sleep 0.05; i=$((i + 1))
	done
	P=http://$PHP

	# what check says, and the requests it makes (-v)
	"$NOVAGATE" check "$G" --set "case=$SERVE_CASE" --prometheus "$P" --at "$at" -v > "$sv/check.json" 2> "$sv/check.err"
	st=$?
	if [ "$st" -ne 0 ] || ! grep -q '^{"gate":"canary",.*"verdict":"go"' "$sv/check.json"; then
		cat "$sv/check.err" >&2; head -c 300 "$sv/check.json" >&2
		die "novagate check $G --prometheus $P --at $at: exit status $st; want 0 and go"
	fi
	# each request as httpload sends it: POST PATH BODY, the body as novagate writes it (curl_easy_escape)
	LC_ALL=C awk '
		BEGIN { for (i = 1; i < 256; i++) ord[sprintf("%c", i)] = i }
		function esc(s,   r, i, ch) {
			r = ""
			for (i = 1; i <= length(s); i++) {
				ch = substr(s, i, 1)
				r = r (ch ~ /[A-Za-z0-9._~-]/ ? ch : sprintf("%%%02X", ord[ch]))
			}
			return r
		}
		{ sub(/^novagate: [^:]*: /, "") }
		$1 == "query_range" && $3 == ".." && $5 == "step" {
			q = substr($0, index($0, ": ") + 2); st = $6; sub(/:$/, "", st)
			printf "POST /api/v1/query_range query=%s&start=%s&end=%s&step=%s&nocache=1\n", esc(q), esc($2), esc($4), esc(st)
		}
		$1 == "series" && $3 == ".." {
			q = substr($0, index($0, ": ") + 2); e = $4; sub(/:$/, "", e)
			printf "POST /api/v1/series match[]=%s&start=%s&end=%s\n", esc(q), esc($2), esc(e)
		}' "$sv/check.err" > "$sv/prom.targets"
	nq=$(wc -l < "$sv/prom.targets" | tr -d ' ')
	nrange=$(grep -c '^POST /api/v1/query_range ' "$sv/prom.targets")
	[ "$nq" -gt 0 ] || { cat "$sv/check.err" >&2; die "novagate check -v: no query_range lines to send Prometheus"; }

	# its default --max-connections (64) unless a row needs more (and one for /metrics)
	set --
	for c in $BENCH_SERVE_CONNS; do [ "$c" -lt 64 ] || set -- --max-connections $((c + 1)); done
	"$NOVAGATE" serve "$G" --listen 127.0.0.1:0 --prometheus "$P" "$@" > "$sv/serve.out" 2> "$sv/serve.err" &
	serve_pid=$!
	i=0
	until SHP=$(sed -n 's|^novagate: serving [0-9]* gates* on http://\([0-9.]*:[0-9]*\)$|\1|p' "$sv/serve.err") && [ -n "$SHP" ]; do
		if [ $i -ge 200 ] || ! kill -0 "$serve_pid" 2> /dev/null; then
			cat "$sv/serve.err" >&2
			die "novagate serve did not start"
		fi
		sleep 0.05; i=$((i + 1))
	done
	path="/v1/gates/canary/verdict?set.case=$(echo "$SERVE_CASE" | sed 's|/|%2F|g')"
	# the server measured must answer right: its body is check's report, byte for byte
	http_get "$SHP" "$path&at=$at" "$sv/serve.json" || { cat "$sv/serve.json" "$sv/serve.err" >&2; die "serve: $path&at=$at: not a 200"; }
	printf '\n' >> "$sv/serve.json"
	cmp -s "$sv/check.json" "$sv/serve.json" ||
		{ diff "$sv/check.json" "$sv/serve.json" | head -c 2000 >&2; die "serve's verdict for $path&at=$at is not check's report"; }

	echo
	printf 'novagate serve against %s on 127.0.0.1: %s as tests/prom/xform.pl reads it, %s loaded with promtool\n' \
		"$("$PROMETHEUS" --version 2>&1 | sed -n 's/^prometheus, version \([^ ]*\).*/Prometheus \1/p' | head -n 1)" \
		"$GATE" "$SERVE_DATA"
	printf '  a decision: %d requests to Prometheus (%d query_range, %d series); verdict go, the same body as check'"'"'s;\n' \
		"$nq" "$nrange" $((nq - nrange))
	printf '  serve with its default --workers; bench/httpload.c, a closed loop: each connection one request at a time;\n'
	printf '  cached and Prometheus rows %ss each; us/req: CPU of serve (of check, its row) and of Prometheus a request\n' \
		"$BENCH_SERVE_SECONDS"
	printf '  %-46s %5s %8s %9s %8s %8s %8s %7s %6s %10s %11s\n' case conns requests "req/s" "p50 ms" "p99 ms" "max ms" \
		non-200 evals "ng us/req" "prom us/req"

	# cached: the question just asked, again and again
	for c in $BENCH_SERVE_CONNS; do
		load cached "serve, cached (one question, at=$at)" "$c" "$SHP" "$path&at=$at" -t "$BENCH_SERVE_SECONDS"
		read -r _ _ _ _ _ _ bad err < "$sv/row"
		[ $((bad + err)) -eq 0 ] ||
			{ cat "$sv/row.err" >&2; die "serve: $bad answers other than 200 and $err without an answer to the cached question"; }
	done
	# uncached: each request a question of its own, at instants 1 ms apart after the last sample
	k=0
	for c in $BENCH_SERVE_CONNS; do
		awk -v p="$path" -v at="$at" -v k="$k" -v n="$BENCH_SERVE_UNCACHED" \
			'BEGIN { for (i = 1; i <= n; i++) printf "%s&at=%d.%03d\n", p, at, k + i }' > "$sv/distinct"
		k=$((k + BENCH_SERVE_UNCACHED))
		load uncached "serve, uncached ($BENCH_SERVE_UNCACHED questions, 1 ms apart)" "$c" "$SHP" "@$sv/distinct"
		read -r _ _ _ _ _ _ bad err < "$sv/row"
		[ $((bad + err)) -eq 0 ] || echo "  note: the row above: $(tr '\n' ' ' < "$sv/row.err")"
	done

	if [ "$BENCH_PEERS" != 0 ]; then
		# a process a decision, one after another
		p0=$(cpu_ticks "$prom_pid")
		measure "$BENCH_SERVE_CHECKS" arg /dev/null "$NOVAGATE" check "$G" --set "case=$SERVE_CASE" --prometheus "$P" --at "$at"
		p1=$(cpu_ticks "$prom_pid")
		expect_go "check $G --prometheus $P --at $at"
		sort -g "$tmp/runs" > "$sv/runs"
		awk -v name="novagate check --prometheus, a process each" -v pr=$((p1 - p0)) -v hz="$hz" -v figs="$sv/figures" '
			{ s[NR] = $1; tot += $1; cpu += $2; if ($4 != 0) bad++ }
			END {
				n = NR; k50 = int((50 * n + 99) / 100); k99 = int((99 * n + 99) / 100)
				printf "  %-46s %5d %8d %9.1f %8.3f %8.3f %8.3f %7d %6d %10.1f %11.1f\n", name, 1, n, n / tot,
				       s[k50] * 1e3, s[k99] * 1e3, s[n] * 1e3, bad, n, cpu / n * 1e6, pr / hz / n * 1e6
				printf "check 1 %.1f %.3f %.3f\n", n / tot, s[k50] * 1e3, s[k99] * 1e3 >> figs
			}' "$sv/runs"
		# Prometheus alone: the requests of a decision in turn, with the headers novagate's libcurl
		# sends (CURLOPT_ACCEPT_ENCODING "": every encoding Debian's libcurl has; Prometheus answers
		# deflate, the first), then without: not compressed
		for c in $BENCH_SERVE_CONNS; do
			for enc in novagate identity; do
				if [ "$enc" = novagate ]; then
					set -- -H 'Accept-Encoding: deflate, gzip, br, zstd' -H 'Accept: application/json'
					name="Prometheus alone: a decision's $nq requests"
				else
					set --
					name="Prometheus alone: the same, not compressed"
				fi
				load "prom-$enc" "$name" "$c" "$PHP" "@$sv/prom.targets" -t "$BENCH_SERVE_SECONDS" "$@"
				read -r _ _ _ _ _ _ bad err < "$sv/row"
				[ $((bad + err)) -eq 0 ] ||
					{ cat "$sv/row.err" >&2; die "Prometheus: $bad answers other than 200 and $err without an answer"; }
			done
		done
	fi
	serve_stop

	# per decision: serve's rows as they are, check's, Prometheus' requests / nq
	awk -v nq="$nq" '
		{ tag = $1; c = $2; rps = $3; p50 = $4 }
		tag == "cached" { cached = cached sprintf("%s%.0f (%d conn%s)", cached ? ", " : "", rps, c, c > 1 ? "s" : "") }
		tag == "uncached" { unc = unc sprintf("%s%.1f (%d)", unc ? ", " : "", rps, c); if (c == 1) u50 = p50 }
		tag == "check" { chk = sprintf("%.1f", rps); c50 = p50 }
		tag == "prom-novagate" { prom = prom sprintf("%s%.1f (%d)", prom ? ", " : "", rps / nq, c); if (c == 1) q50 = p50 }
		tag == "prom-identity" { raw = raw sprintf("%s%.1f (%d)", raw ? ", " : "", rps / nq, c) }
		END {
			printf "  decisions/s  serve cached %s; uncached %s\n", cached, unc
			if (chk != "") {
				printf "               a check process each %s; Prometheus alone, %d requests a decision, %s (%s not compressed)\n",
				       chk, nq, prom, raw
				if (u50 != "" && q50 != "")
					printf "  at 1 conn    an uncached decision %.2f ms (p50), a check process %.2f ms; its %d requests one after another %.2f ms (%d x %.3f)\n",
					       u50, c50, nq, nq * q50, nq, q50
			}
		}' "$sv/figures"
}
