# toom.awk: recorded samples (text format, ms timestamps) to OpenMetrics lines for promtool, or to
# text-format lines with ms timestamps for VictoriaMetrics' import (-v vm=1).  Input lines are
# "CASE<TAB>LINE"; every series gets the label case="CASE".  Output lines are "NAME<TAB>SAMPLE", to
# be grouped by NAME (OpenMetrics wants a family's samples together).
BEGIN { FS = "\t" }
{
	c = $1; line = $2
	if (line ~ /^#/ || line ~ /^[ \t]*$/) next
	n = split(line, f, " ")
	name = f[1]; labels = ""
	i = index(name, "{")
	if (i) { labels = substr(name, i + 1, length(name) - i - 1); name = substr(name, 1, i - 1) }
	lab = "case=\"" c "\"" (labels != "" ? "," labels : "")
	ts = f[3]
	if (vm) printf "%s\t%s{%s} %s %s\n", name, name, lab, f[2], ts
	else printf "%s\t%s{%s} %s %d.%03d\n", name, name, lab, f[2], int(ts / 1000), ts % 1000
}
