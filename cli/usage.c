/* usage.c: --help, written from the table of options.h: a line a command, then what they share. */
#include "options.h"

#include <string.h>

#define WIDTH 100	/* lines are folded before this column */
#define INDENT 22	/* where a command's folded options go on */

/* The text of one option in --help: "--at TIME (default)", "-v"; bracketed in a command's line. */
static const char *
option_text(char *buf, size_t n, const cli_option *op, int cmd, bool bracket)
{
	char arg[128] = "";
	bool repeats = op->kind == A_SET || op->kind == A_HEADER;

	if (op->values)
		cli_words(arg, sizeof arg, op->values, cli_default_value(op, cmd), "|", "|");
	else if (op->arg)
		snprintf(arg, sizeof arg, "%s", op->arg);
	char name[64];
	if (op->letter && !cli_has_arg(op))
		snprintf(name, sizeof name, "-%c", op->letter);
	else
		snprintf(name, sizeof name, "--%s", op->name);
	snprintf(buf, n, "%s%s%s%s%s%s%s%s", bracket ? "[" : "", name, arg[0] ? " " : "", arg,
		 op->dflt ? " (" : "", op->dflt ? op->dflt : "", op->dflt ? ")" : "",
		 bracket ? (repeats ? "]..." : "]") : (repeats ? " (repeatable)" : ""));
	return buf;
}

/* Put item after sep on the line at *col, or on a new line indented by indent. */
static void
put(FILE *out, int *col, int indent, const char *sep, const char *item)
{
	int len = (int)strlen(item);

	if (*col > indent && *col + (int)strlen(sep) + len > WIDTH) {
		fprintf(out, "\n%*s", indent, "");
		*col = indent;
	} else if (*col > indent) {
		*col += fprintf(out, "%s", sep);
	}
	*col += fprintf(out, "%s", item);
}

static void
command_usage(FILE *out, int cmd, bool first)
{
	const cli_command *c = &cli_commands[cmd];
	const cli_operand_kind *k = &cli_operands[c->operand];
	char buf[256];
	bool servers = false;
	int col = fprintf(out, "%s", first ? "usage: " : "       ");

	col += fprintf(out, "novagate %s ", c->name);
	if (k->values)
		cli_words(buf, sizeof buf, k->values, -1, "|", "|");
	else
		snprintf(buf, sizeof buf, "%s%s", k->arg, k->many ? "..." : "");
	col += fprintf(out, "%s", buf);
	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		if (!(op->cmds & (1u << cmd)) || (op->cmds & C_TOP) || (op->flags & O_ONCE))
			continue;
		if (op->flags & O_SERVER) {
			if (!servers)
				put(out, &col, INDENT, " ", "[SERVER OPTIONS]");
			servers = true;
			continue;
		}
		put(out, &col, INDENT, " ", option_text(buf, sizeof buf, op, cmd, true));
	}
	if (c->writes)
		put(out, &col, INDENT, " ", c->writes);
	fputc('\n', out);
}

/* What the commands of mask share: the options shown once, the server and its options. */
static void
shared_usage(FILE *out, unsigned mask)
{
	char buf[256];
	bool servers = false;

	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		if ((op->flags & O_ONCE) && (op->cmds & mask))
			fprintf(out, "every command that compiles: %s\n", option_text(buf, sizeof buf, op, -1, false));
		servers |= (op->flags & O_SERVER) && (op->cmds & mask);
	}
	if (!servers)
		return;
	fputs("server: --prometheus URL, else $NOVAGATE_PROMETHEUS_URL, else the file's prometheus \"URL\";\n"
	      "        basic auth from user:password@ in the URL or $NOVAGATE_PROMETHEUS_USER and\n"
	      "        $NOVAGATE_PROMETHEUS_PASSWORD\n", out);
	int col = fprintf(out, "SERVER OPTIONS:");
	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		if ((op->flags & O_SERVER) && (op->cmds & mask))
			put(out, &col, 8, col == 15 ? " " : "  ", option_text(buf, sizeof buf, op, -1, false));
	}
	fputc('\n', out);
}

void
cli_usage(FILE *out, int cmd)
{
	unsigned mask = 0;

	if (cmd >= 0 && cli_commands[cmd].alone) {
		command_usage(out, cmd, true);
		shared_usage(out, 1u << cmd);
		return;
	}
	for (int c = 0; c < NCMDS; c++) {
		command_usage(out, c, c == 0);
		mask |= 1u << c;
	}
	const char *sep = " ";
	fputs("       novagate", out);
	for (size_t i = 0; i < cli_noptions; i++)
		if (cli_options[i].cmds & C_TOP) {
			fprintf(out, "%s--%s", sep, cli_options[i].name);
			sep = " | ";
		}
	fputc('\n', out);
	shared_usage(out, mask);
}
