/*
 * completion.c: `novagate completion bash|zsh`, a completion script
 * written from the table of options.h: the commands, the options each
 * takes, and their arguments' words, or file names for FILE arguments.
 */
#include "options.h"

#include <string.h>

#include "cli.h"

typedef void shell_fn(FILE *out);
static shell_fn put_bash, put_zsh;

static const struct shell {
	const char *name;
	shell_fn *put;
} shells[] = {
	{ "bash", put_bash },
	{ "zsh", put_zsh },
};
#define NSHELLS (sizeof shells / sizeof *shells)

const char *
cli_shell(int i)
{
	return i >= 0 && (size_t)i < NSHELLS ? shells[i].name : NULL;
}

int
cli_completion(const char *shell, FILE *out)
{
	int i = cli_value_index(cli_shell, shell);

	if (i < 0) {
		fprintf(stderr, "novagate: no completion for %s\n", shell);	/* main.c lets none through */
		return EXIT_USAGE;
	}
	shells[i].put(out);
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "novagate: cannot write the completion script\n");
		return EXIT_IO;
	}
	return 0;
}

/* The words of v, space-separated. */
static const char *
words(char *buf, size_t n, cli_values v)
{
	return cli_words(buf, n, v, -1, " ", " ");
}

/* --- bash --- */

/* Whether an argument is a directory (test --report DIR). */
static bool
is_dir_arg(const char *arg)
{
	return arg && strcmp(arg, "DIR") == 0;
}

/* How bash completes an argument: a call of the script's functions. */
static const char *
bash_action(char *buf, size_t n, cli_values values, const char *arg)
{
	char w[256], glob[64];
	const char *g = cli_file_glob(arg, glob, sizeof glob);

	if (values)
		snprintf(buf, n, "_novagate_words '%s'", words(w, sizeof w, values));
	else if (g)
		snprintf(buf, n, "_novagate_files '%s'", g);
	else if (is_dir_arg(arg))
		snprintf(buf, n, "_novagate_dirs");
	else
		snprintf(buf, n, ":");
	return buf;
}

/* Whether op is the first row of its name: the others are of other commands (options.h). */
static bool
first_of_name(const cli_option *op)
{
	return cli_option_for(op->name, -1) == op;
}

static void
put_bash(FILE *out)
{
	char buf[256], other[256];

	fputs("# bash completion of novagate(1), written by `novagate completion bash` from the\n"
	      "# table that its options and --help come from.  Source it, or install it as\n"
	      "# /etc/bash_completion.d/novagate.\n"
	      "\n"
	      "# COMPREPLY: the lines of standard input\n"
	      "_novagate_reply() {\n"
	      "\tlocal w\n"
	      "\tCOMPREPLY=()\n"
	      "\twhile IFS= read -r w; do COMPREPLY+=(\"$w\"); done\n"
	      "}\n"
	      "# WORDS: those that start with $cur\n"
	      "_novagate_words() {\n"
	      "\t_novagate_reply < <(compgen -W \"$1\" -- \"$cur\")\n"
	      "}\n"
	      "# GLOB: the files that match it (any file when empty) and the directories, that start with $cur\n"
	      "_novagate_files() {\n"
	      "\tcompopt -o filenames 2>/dev/null\n"
	      "\tif [ -n \"$1\" ]; then\n"
	      "\t\t_novagate_reply < <(compgen -f -X \"!$1\" -- \"$cur\"; compgen -d -- \"$cur\")\n"
	      "\telse\n"
	      "\t\t_novagate_reply < <(compgen -f -- \"$cur\")\n"
	      "\tfi\n"
	      "}\n"
	      "# the directories that start with $cur\n"
	      "_novagate_dirs() {\n"
	      "\tcompopt -o filenames 2>/dev/null\n"
	      "\t_novagate_reply < <(compgen -d -- \"$cur\")\n"
	      "}\n"
	      "\n"
	      "_novagate() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} opts operand\n"
	      "\t# bash splits --option=value at the =\n"
	      "\tif [ \"$cur\" = = ]; then\n"
	      "\t\tcur=\n"
	      "\telif [ \"$prev\" = = ] && [ \"$COMP_CWORD\" -gt 2 ]; then\n"
	      "\t\tprev=${COMP_WORDS[COMP_CWORD-2]}\n"
	      "\tfi\n"
	      "\tCOMPREPLY=()\n"
	      "\tif [ \"$COMP_CWORD\" -eq 1 ]; then\n"
	      "\t\t_novagate_words '",
	      out);
	for (int c = 0; c < NCMDS; c++)
		fprintf(out, "%s ", cli_commands[c].name);
	const char *sep = "";
	for (size_t i = 0; i < cli_noptions; i++)
		if (cli_options[i].cmds & C_TOP) {
			fprintf(out, "%s--%s", sep, cli_options[i].name);
			sep = " ";
		}
	fputs("'\n\t\treturn\n\tfi\n\tcase ${COMP_WORDS[1]} in\n", out);
	for (int c = 0; c < NCMDS; c++) {
		const cli_operand_kind *k = &cli_operands[cli_commands[c].operand];
		fprintf(out, "\t%s)\n\t\topts='", cli_commands[c].name);
		sep = "";
		for (size_t i = 0; i < cli_noptions; i++)
			if (cli_options[i].cmds & (1u << c)) {
				fprintf(out, "%s--%s", sep, cli_options[i].name);
				sep = " ";
			}
		fprintf(out, "'\n\t\toperand=(%s) ;;\n", bash_action(buf, sizeof buf, k->values, k->arg));
	}
	fputs("\t*)\n\t\treturn ;;\n\tesac\n"
	      "\t# the argument of an option the command takes\n"
	      "\tif [[ \" $opts \" == *\" $prev \"* ]]; then\n",
	      out);
	/* a name's later rows first, each for its own commands */
	bool later = false;
	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		if (!cli_has_arg(op) || first_of_name(op))
			continue;
		if (!later)
			fputs("\t\tcase ${COMP_WORDS[1]}:$prev in\n", out);
		later = true;
		sep = "\t\t";
		for (int c = 0; c < NCMDS; c++)
			if (op->cmds & (1u << c)) {
				fprintf(out, "%s%s:--%s", sep, cli_commands[c].name, op->name);
				sep = "|";
			}
		fprintf(out, ")\n\t\t\t%s\n\t\t\treturn ;;\n", bash_action(buf, sizeof buf, op->values, op->arg));
	}
	if (later)
		fputs("\t\tesac\n", out);
	fputs("\t\tcase $prev in\n", out);
	/* the options that take an argument, grouped by how it completes */
	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		if (!cli_has_arg(op) || !first_of_name(op))
			continue;
		bash_action(buf, sizeof buf, op->values, op->arg);
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = cli_has_arg(&cli_options[j]) && first_of_name(&cli_options[j]) &&
			       strcmp(bash_action(other, sizeof other, cli_options[j].values, cli_options[j].arg), buf) == 0;
		if (seen)
			continue;
		fprintf(out, "\t\t--%s", op->name);
		for (size_t j = i + 1; j < cli_noptions; j++)
			if (cli_has_arg(&cli_options[j]) && first_of_name(&cli_options[j]) &&
			    strcmp(bash_action(other, sizeof other, cli_options[j].values, cli_options[j].arg), buf) == 0)
				fprintf(out, "|--%s", cli_options[j].name);
		fprintf(out, ")\n\t\t\t%s\n\t\t\treturn ;;\n", buf);
	}
	fputs("\t\tesac\n"
	      "\tfi\n"
	      "\tif [[ $cur == -* ]]; then\n"
	      "\t\t_novagate_words \"$opts\"\n"
	      "\telse\n"
	      "\t\t\"${operand[@]}\"\n"
	      "\tfi\n"
	      "}\n"
	      "complete -F _novagate novagate\n",
	      out);
}

/* --- zsh --- */

/* s in a single-quoted word of zsh, with the colons of an _arguments message escaped if colons. */
static void
zsh_quoted(FILE *out, const char *s, bool colons)
{
	for (; *s; s++)
		if (*s == '\'')
			fputs("'\\''", out);
		else if (*s == ':' && colons)
			fputs("\\:", out);
		else
			fputc(*s, out);
}

/* An argument's ":message:action" in _arguments, in a single-quoted word. */
static void
zsh_arg(FILE *out, const char *message, cli_values values, const char *arg)
{
	char buf[256], glob[64];
	const char *g = cli_file_glob(arg, glob, sizeof glob);

	fputc(':', out);
	zsh_quoted(out, message, true);
	if (values)
		fprintf(out, ":(%s)", words(buf, sizeof buf, values));
	else if (g && *g)
		fprintf(out, ":_files -g \"%s\"", g);
	else if (g)
		fputs(":_files", out);
	else if (is_dir_arg(arg))
		fputs(":_files -/", out);
	else
		fputs(": ", out);	/* a space: the message, and nothing to complete */
}

static void
put_zsh(FILE *out)
{
	char buf[256];

	fputs("#compdef novagate\n"
	      "# zsh completion of novagate(1), written by `novagate completion zsh` from the\n"
	      "# table that its options and --help come from.  Install it as _novagate in a\n"
	      "# directory of $fpath, or source it after compinit.\n"
	      "\n"
	      "_novagate() {\n"
	      "\tif (( CURRENT == 2 )); then\n"
	      "\t\tcompadd --",
	      out);
	for (int c = 0; c < NCMDS; c++)
		fprintf(out, " %s", cli_commands[c].name);
	fputs("\n\t\t[[ $PREFIX == -* ]] && compadd --", out);
	for (size_t i = 0; i < cli_noptions; i++)
		if (cli_options[i].cmds & C_TOP)
			fprintf(out, " --%s", cli_options[i].name);
	fputs("\n\t\treturn\n\tfi\n"
	      "\tlocal cmd=$words[2]\n"
	      "\tshift words\n"
	      "\t(( CURRENT-- ))\n"
	      "\tcase $cmd in\n",
	      out);
	for (int c = 0; c < NCMDS; c++) {
		const cli_operand_kind *k = &cli_operands[cli_commands[c].operand];
		fprintf(out, "\t(%s)\n\t\t_arguments -S", cli_commands[c].name);
		for (size_t i = 0; i < cli_noptions; i++) {
			const cli_option *op = &cli_options[i];
			if (!(op->cmds & (1u << c)))
				continue;
			fputs(" \\\n\t\t\t", out);
			if (op->letter && !cli_has_arg(op)) {
				fprintf(out, "'(-%c --%s)'{-%c,--%s}", op->letter, op->name, op->letter, op->name);
				continue;
			}
			fprintf(out, "'%s--%s", op->kind == A_SET || op->kind == A_HEADER ? "*" : "", op->name);
			if (cli_has_arg(op)) {
				fputc('=', out);
				zsh_arg(out, op->arg ? op->arg : op->name, op->values, op->arg);
			}
			fputc('\'', out);
		}
		const char *message = k->values ? cli_words(buf, sizeof buf, k->values, -1, "|", "|") : k->arg;
		fprintf(out, " \\\n\t\t\t'%s", k->many ? "*" : "");
		zsh_arg(out, message, k->values, k->arg);
		fputs("' ;;\n", out);
	}
	fputs("\tesac\n"
	      "}\n"
	      "\n"
	      "if [[ $funcstack[1] == _novagate ]]; then\n"
	      "\t_novagate \"$@\"\n"
	      "else\n"
	      "\tcompdef _novagate novagate\n"
	      "fi\n",
	      out);
}
