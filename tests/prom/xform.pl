# xform.pl: a gate file whose metrics read the recorded samples of tests/rules/ as loaded into a
# server by tests/prom/prom.sh, each series labelled with its case:
#   metric NAME [by (LABELS)] = `QUERY` [baseline `QUERY`]
# becomes
#   metric NAME [by (LABELS)] = `NAME{case="$case",role=""}` [baseline `NAME{case="$case",role="baseline"}`]
# (a metric with `by` reads every series of its name, each with its labels, as check --input does)
# and `param case` is declared at the end.  Rules, defaults and gates stay as they are, on the same
# lines (a query's line breaks are kept), so reports can be compared with those of the original.
undef $/;
$_ = <STDIN>;
sub sel {
	my ($n, $role, $q) = @_;
	return '`' . $n . '{case="$case",role="' . $role . '"}' . ("\n" x ($q =~ tr/\n//)) . '`';
}
s{metric(\s+)(\w+)((?:\s+by\s*\([^)]*\))?\s*)=(\s*)`([^`]*)`(?:(\s*)baseline(\s*)`([^`]*)`)?}{
	"metric$1$2$3=$4" . sel($2, "", $5) . (defined $6 ? "$6baseline$7" . sel($2, "baseline", $8) : "")
}ge;
print $_, "param case = \"none\"\n";	# not "": case="" would select the series without the label (a compile error)
