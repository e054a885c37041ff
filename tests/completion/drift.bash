# drift.bash NOVAGATE TMP: the options of cli/options.c's table, the options
# each command's parser takes, those --help shows it with, and those bash's
# and zsh's completions offer it are the same.  A line a check, "ok: ..." or
# "FAIL: ..." and why (details indented); "notice: ..." for a check skipped.
ng=$1 tmp=$2
"$ng" completion bash >"$tmp/drift.bash" || { echo "FAIL: completion bash"; exit; }
# shellcheck disable=SC1091 # written just now
. "$tmp/drift.bash"
"$ng" --help >"$tmp/help" || { echo "FAIL: --help"; exit; }

# what bash offers for the words (the cursor at the end of the last), one a line
offer() {
	COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMPREPLY=()
	_novagate novagate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
}
# fails CHECK DETAIL...: a check that failed
fails=0
fails() { echo "FAIL: $*"; fails=1; }

table=$(sed -n 's/^\t{ \.name = "\([a-z-]*\)".*/--\1/p' cli/options.c | LC_ALL=C sort)
[ "$(echo "$table" | wc -l)" -gt 30 ] || fails "the table: cli/options.c has no rows like { .name = \"input\", ..."
letters=$(sed -n "s/^\t{ \.name = \"\([a-z-]*\)\", \.letter = '\(.\)'.*/--\1 -\2/p" cli/options.c)
commands=$(offer novagate '' | grep -v '^-')
top=$(offer novagate -)
# --help's block of a command: its lines, from "novagate CMD " to the next command's
block() { awk -v c="$1" '/^(usage:)? +novagate / { on = $0 ~ "novagate " c " " } on' "$tmp/help"; }
servers=$(sed -n '/^SERVER OPTIONS:/,/^[^ ]/p' "$tmp/help" | grep -o -- '--[a-z-]*' | LC_ALL=C sort)
once=$(sed -n 's/^every command that compiles: //p' "$tmp/help" | grep -o -- '--[a-z-]*')
offered=$top
for c in $commands; do
	fails=0
	bash_opts=$(offer novagate "$c" -)
	offered=$(printf '%s\n%s\n' "$offered" "$bash_opts")
	blk=$(block "$c")
	[ -n "$blk" ] || fails "$c: --help has no line 'novagate $c ...'"
	for o in $table; do
		# the parser: an option a command does not take is refused by name (nothing else is read)
		msg=$("$ng" "$c" "$o" "$tmp/none.gate" 2>&1 >/dev/null | head -n 1)
		case $msg in *"takes no $o:"* | *"unknown or incomplete option '$o'"*) takes=0 ;; *) takes=1 ;; esac
		grep -qx -- "$o" <<<"$bash_opts" && offers=1 || offers=0
		[ "$takes" = "$offers" ] || fails "$c $o: the parser takes it ($takes), bash offers it ($offers): $msg"
		[ $takes = 1 ] || continue
		short=$(awk -v o="$o" '$1 == o { print $2 }' <<<"$letters")
		if grep -q -- "\\[${o}[] ]" <<<"$blk" || { [ -n "$short" ] && grep -q -- "\\[$short\\]" <<<"$blk"; }; then :
		elif grep -qx -- "$o" <<<"$servers" && grep -q '\[SERVER OPTIONS\]' <<<"$blk"; then :
		elif grep -qx -- "$o" <<<"$once" || grep -q -- "^ *novagate $o\\b" "$tmp/help"; then :
		else fails "$c $o: taken, and not in --help"; fi
	done
	# and --help shows no option the command does not take
	for o in $(grep -o -- '\[--*[a-z-]*' <<<"$blk" | tr -d '['); do
		long=$(awk -v s="$o" '$2 == s { print $1 }' <<<"$letters")
		grep -qx -- "${long:-$o}" <<<"$bash_opts" || fails "$c $o: in --help, not offered by bash"
	done
	[ $fails = 0 ] && echo "ok: $c: the parser, --help and bash agree on the options it takes ($(wc -l <<<"$bash_opts"))"
done
fails=0
for o in $table; do
	short=$(awk -v o="$o" '$1 == o { print $2 }' <<<"$letters")
	grep -q -- "$o\\b" "$tmp/help" || { [ -n "$short" ] && grep -q -- "\\[$short\\]" "$tmp/help"; } ||
		fails "$o: in the table, not in --help"
	grep -qx -- "$o" <<<"$offered" || fails "$o: in the table, not offered by bash"
done
[ $fails = 0 ] && echo "ok: each option of the table ($(wc -l <<<"$table")) is in --help and offered by bash"

if command -v zsh >/dev/null 2>&1; then
	"$ng" completion zsh >"$tmp/_novagate"
	if zsh -n "$tmp/_novagate"; then echo "ok: zsh -n parses completion zsh"; else echo "FAIL: zsh -n: completion zsh"; fi
	# shellcheck disable=SC2086 # the commands are words
	zsh -f tests/completion/zsh-options.zsh "$tmp/_novagate" $commands >"$tmp/zsh.out" 2>&1
	want=$( { echo "$commands"; echo "$top"; for c in $commands; do offer novagate "$c" - | sed "s/^/$c /"; done; } |
		LC_ALL=C sort)
	if [ "$(LC_ALL=C sort "$tmp/zsh.out")" = "$want" ]; then
		echo "ok: zsh offers the commands, and each command's options, that bash does"
	else
		echo "FAIL: zsh and bash offer different words"; diff <(echo "$want") <(LC_ALL=C sort "$tmp/zsh.out") | sed 's/^/    /'
	fi
else
	echo "notice: zsh not installed: the zsh completion is not tested"
fi
