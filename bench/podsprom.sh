#!/bin/sh
# bench/podsprom.sh: bench/pods.gate as `promtool test rules` sees it, on the
# samples of a series-order input of bench/genpods.c.
#
#   sh bench/podsprom.sh FILE.prom DIR
#
# Writes DIR/rules.yml, each rule of pods.gate as an alerting rule (a
# quantifier as the PromQL aggregation it stands for), evaluated every 15s,
# and DIR/tests.yml, one test group whose input_series are FILE's series
# (their values in order, one every 15s from 0, as the file has them) and
# whose alert_rule_test is each alert's state at the last sample: the
# verdict of pods.gate on FILE is go, so no rollback or nogo alert fires and
# Healthy does.  promtool evaluates the rules at every 15s from 0 to the last
# sample, so the novagate row to put next to it is pods.gate with a window
# as long as FILE (one evaluation every 15s over all of it).  POSIX sh and awk.
set -eu
f=${1:?usage: podsprom.sh FILE.prom DIR}
dir=${2:?usage: podsprom.sh FILE.prom DIR}
mkdir -p "$dir"
cat > "$dir/rules.yml" <<'RULES'
# bench/podsprom.sh: the rules of bench/pods.gate as promtool alerting rules
groups:
  - name: pods
    interval: 15s
    rules:
      - alert: PodMemoryRunaway        # rollback when any(memory > 512Mi for 2m)
        expr: memory > 536870912
        for: 2m
      - alert: PodsNearTheLimit        # nogo when count(memory > 400Mi) >= 5
        expr: count(memory > 419430400) >= 5
      - alert: CpuStarved              # nogo when fraction(cpu > 900m) >= 1%
        expr: count(cpu > 0.9) / count(cpu) >= 0.01
      - alert: Healthy                 # go when all(memory < 450Mi) && fraction(cpu < 500m) >= 99% && count(memory) >= 5
        expr: >-
          count(memory < 471859200) == count(memory)
          and on() count(cpu < 0.5) / count(cpu) >= 0.99
          and on() count(memory) >= 5
RULES
awk -v out="$dir/tests.yml" '
function flush() {
	if (cur != "")
		printf "      - series: '\''%s'\''\n        values: '\''%s'\''\n", cur, vals > out
}
BEGIN {
	print "# bench/podsprom.sh: the samples of a bench/genpods.c input, for promtool test rules" > out
	print "rule_files: [rules.yml]" > out
	print "evaluation_interval: 15s" > out
	print "tests:" > out
	print "  - interval: 15s" > out
	print "    input_series:" > out
}
/^#/ { next }
{
	if ($1 != cur) {
		flush()
		cur = $1; vals = $2; k = 1
	} else {
		vals = vals " " $2; k++
	}
	if (k > n) n = k
}
END {
	flush()
	last = (n - 1) * 15
	printf "    alert_rule_test:\n" > out
	split("PodMemoryRunaway PodsNearTheLimit CpuStarved", a, " ")
	for (i = 1; i <= 3; i++)
		printf "      - eval_time: %ds\n        alertname: %s\n        exp_alerts: []\n", last, a[i] > out
	printf "      - eval_time: %ds\n        alertname: Healthy\n        exp_alerts:\n          - exp_labels: {}\n", last > out
}' "$f"
