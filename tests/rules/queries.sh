# tests/rules/queries.sh: sourced by tests/run.sh (ok, bad, $tmp).  Each tests/rules/queries/NAME.yaml
# is a promtool test of the query of metric NAME in every rules/*.gate that declares it: QUERY is
# replaced with that query ($version as v2) and `promtool test rules` must pass.  Skipped with a
# notice without promtool.
if command -v promtool >/dev/null 2>&1; then
	for y in tests/rules/queries/*.yaml; do
		[ -e "$y" ] || continue
		m=$(basename "$y" .yaml)
		for g in rules/*.gate; do
			q=$(sed -n "s/^metric $m\\( by ([^)]*)\\)\\{0,1\\} = \`\\([^\`]*\\)\`.*/\\2/p" "$g")
			[ -n "$q" ] || continue
			q=$(printf '%s' "$q" | sed "s/\\\$version/v2/g; s/'/''/g")
			awk -v q="$q" '{ gsub(/QUERY/, q) } 1' "$y" >"$tmp/query-$m.yaml"
			if (cd "$tmp" && promtool test rules "query-$m.yaml") >"$tmp/query.out" 2>&1; then ok; else
				bad "$y: the query of $m in $g"; cat "$tmp/query.out" >&2; fi
		done
	done
else
	echo "notice: promtool not installed: tests/rules/queries/ skipped" >&2
fi
