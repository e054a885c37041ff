/*
 * options.h: the one table of novagate's commands and of their options.
 * The parser (main.c), --help (usage.c) and the shell completions
 * (completion.c) are all read from it, so none of them can know an option,
 * a command or a word the others do not.
 */
#ifndef NG_OPTIONS_H
#define NG_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* An enumeration's i-th word, NULL past the last: what its option takes, in --help's order. */
typedef const char *(*cli_values)(int i);

/* What a command takes besides options. */
enum cli_operand { OPD_GATE, OPD_GATES, OPD_TESTS, OPD_SHELL };

/* The words of --format, in the order of cli_format(). */
enum cli_format { FMT_JSON, FMT_HUMAN };
/* The words of --color, in the order of cli_color(): the default first. */
enum cli_color { COLOR_AUTO, COLOR_NEVER, COLOR_ALWAYS };

/*
 * The commands, in --help's order: name, operand, the --format it writes
 * without one (-1: no verdicts nor findings), what --help says it writes
 * on standard output, whether its usage messages show its own line alone.
 */
#define CLI_COMMANDS(X) \
	X(CHECK, "check", OPD_GATE, FMT_JSON, NULL, false) \
	X(WATCH, "watch", OPD_GATE, FMT_JSON, NULL, false) \
	X(RECORD, "record", OPD_GATE, -1, "> run.prom", false) \
	X(BASELINE, "baseline", OPD_GATE, -1, "> baseline.json", false) \
	X(LINT, "lint", OPD_GATE, FMT_HUMAN, NULL, false) \
	X(SERVE, "serve", OPD_GATES, -1, NULL, false) \
	X(COMPILE, "compile", OPD_GATE, -1, NULL, false) \
	X(TEST, "test", OPD_TESTS, -1, NULL, true) \
	X(COMPLETION, "completion", OPD_SHELL, -1, NULL, false)

enum cli_cmd {
#define X(id, ...) CMD_##id,
	CLI_COMMANDS(X)
#undef X
	NCMDS
};
/* Sets of commands: what an option goes with. */
enum {
#define X(id, ...) C_##id = 1u << CMD_##id,
	CLI_COMMANDS(X)
#undef X
	C_TOP = 1u << NCMDS,	/* novagate --help, novagate --version: in place of a command */
};

typedef struct cli_command {
	const char *name;
	enum cli_operand operand;
	int format;
	const char *writes;
	bool alone;
} cli_command;
extern const cli_command cli_commands[NCMDS];

typedef struct cli_operand_kind {
	const char *arg;	/* in --help; NULL: the words of values */
	bool many;
	const char *missing;	/* said when there is none */
	const char *second;	/* said of a second one, when !many */
	cli_values values;	/* an enumeration, or NULL */
} cli_operand_kind;
extern const cli_operand_kind cli_operands[];

/* How an option's argument is read. */
enum cli_argkind {
	A_STR,		/* the text, kept */
	A_TRUE,		/* no argument: a bool set */
	A_SET,		/* NAME=VALUE, appended to sets */
	A_HEADER,	/* 'Name: value', appended to headers */
	A_AT,		/* a time */
	A_FORMAT,	/* one of cli_format() */
	A_DIALECT,	/* one of ng_dialect_name() */
	A_ON_ERROR,	/* one of cli_on_error() */
	A_COLOR,	/* one of cli_color() */
	A_DURATION,	/* a duration above zero */
	A_DELAY,	/* a duration, zero allowed */
	A_RETRIES,	/* 0 to 10 */
	A_SIZE,		/* bytes, with an SI or IEC suffix */
	A_COUNT,	/* a whole number from 1 to 100000000 */
	A_HELP,		/* no argument: --help */
	A_VERSION,	/* no argument: --version */
};

enum {
	O_SERVER = 1,	/* about the server: one [SERVER OPTIONS] in --help */
	O_ONCE = 2,	/* shown once in --help, for every command that compiles */
};

typedef struct cli_option {
	const char *name;
	char letter;		/* its one-letter spelling, if any */
	enum cli_argkind kind;
	size_t off;		/* where it goes in cli_opts (live.h) */
	unsigned cmds;		/* C_ bits: the commands that take it */
	unsigned flags;		/* O_ bits */
	const char *arg;	/* its argument in --help (FILE, URL, D ...); FILE... completes file names */
	cli_values values;	/* the words its argument may be */
	const char *dflt;	/* shown in --help as (dflt) */
	const char *why;	/* why a command of why_to does not take it, said after the command's name */
	unsigned why_to;
} cli_option;
#define CLI_MAX_OPTIONS 64	/* room for the parser's getopt_long tables */
/*
 * In --help's order.  A name may have several rows, for disjoint sets of
 * commands, when what it takes differs (test --report DIR, check --report
 * FILE.html).
 */
extern const cli_option cli_options[];
extern const size_t cli_noptions;
/* The row of the option named name that cmd takes, else the first of that name (NULL: none). */
const cli_option *cli_option_for(const char *name, int cmd);
/* The commands that take an option of this name, whichever its row. */
unsigned cli_option_cmds(const char *name);

const char *cli_format(int i);
const char *cli_on_error(int i);
const char *cli_color(int i);
const char *cli_dialect(int i);		/* ng_dialect_name()'s */
const char *cli_shell(int i);		/* completion.c's */

/* The index of s among the words of v, or -1. */
int cli_value_index(cli_values v, const char *s);
/* The words of v, word first first (-1: none), joined by sep, the last by last: "a|b", "a, b or c". */
const char *cli_words(char *buf, size_t n, cli_values v, int first, const char *sep, const char *last);
/* The commands of mask, "check, watch and lint". */
const char *cli_command_list(char *buf, size_t n, unsigned mask);
/* Whether an option takes an argument. */
bool cli_has_arg(const cli_option *op);
/* The word of op's argument that --help shows first for cmd, its default: cmd's --format, else the first. */
int cli_default_value(const cli_option *op, int cmd);
/*
 * A file argument's completion: NULL when arg is not one, "" for any file,
 * "*.ext" for FILE.ext (in buf).
 */
const char *cli_file_glob(const char *arg, char *buf, size_t n);

/* --help: every command's usage, or cmd's alone when its row says so (cmd -1: every command). */
void cli_usage(FILE *out, int cmd);

/* novagate completion SHELL: the script on out; an exit status. */
int cli_completion(const char *shell, FILE *out);

#endif
