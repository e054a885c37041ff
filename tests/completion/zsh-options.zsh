# zsh-options.zsh SCRIPT CMD...: what zsh's _novagate (SCRIPT is `novagate
# completion zsh`) offers, with completion's functions replaced by ones that
# print: the commands and top-level options after "novagate", then "CMD
# --OPTION" for each long option _arguments is given after "novagate CMD".
compdef() { : }
compadd() { [[ $1 == -- ]] && shift; print -rl -- "$@" }
_arguments() {
	local a
	for a in "$@"; do
		a=${a#\(*\)}	# (-v --verbose)--verbose: the options it excludes
		a=${a#\*}	# *--set: repeatable
		[[ $a == --* ]] && print -r -- "$c ${a%%[=:\[]*}"
	done
}
source $1 || exit 1
shift
words=(novagate '') CURRENT=2 PREFIX=-
_novagate
for c; do
	words=(novagate $c '') CURRENT=3 PREFIX=
	_novagate
done
