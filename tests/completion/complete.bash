# complete.bash SCRIPT < CASES: bash completion as bash does it.  SCRIPT is
# `novagate completion bash`; each line of CASES is the words typed, in
# shell syntax ('' for an empty word), with the cursor at the end of the
# last.  Prints each line, "->", and the replies sorted.
# shellcheck disable=SC1090
. "$1" || exit 1
while IFS= read -r line; do
	eval "COMP_WORDS=($line)"
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="${COMP_WORDS[*]}"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_novagate novagate "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
	replies=$( ((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort | paste -sd ' ')
	printf '%s ->%s\n' "$line" "${replies:+ $replies}"
done
