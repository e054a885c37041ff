/* options.c: the table of commands and options (options.h), and the words of its enumerations. */
#include "options.h"

#include <string.h>

#include "live.h"

#define STR_(x) #x
#define STR(x) STR_(x)

const cli_command cli_commands[NCMDS] = {
#define X(id, name, operand, format, writes, alone) [CMD_##id] = { name, operand, format, writes, alone },
	CLI_COMMANDS(X)
#undef X
};

const cli_operand_kind cli_operands[] = {
	[OPD_GATE] = { "FILE.gate", false, "no gate file given", "one gate file at a time", NULL },
	[OPD_GATES] = { "FILE.gate", true, "no gate file given", NULL, NULL },
	[OPD_TESTS] = { "FILE|DIR", true, "test needs test files or directories", NULL, NULL },
	[OPD_SHELL] = { NULL, false, "completion needs a shell", "one shell at a time", cli_shell },
};

/* What the options go with. */
#define RUNS (C_CHECK | C_WATCH | C_RECORD | C_BASELINE)	/* one gate file, its gates evaluated */
#define SERVED (RUNS | C_LINT | C_SERVE)			/* read a server */
#define COMPILES (SERVED | C_COMPILE)				/* compile gate files of the command line */
#define ALL ((1u << NCMDS) - 1)
#define SAMPLES "writes samples, not verdicts"	/* why record and baseline take no --format ... */

/* In --help's order; a server option's place is that of [SERVER OPTIONS]. */
#define OFF(field) offsetof(cli_opts, field)
const cli_option cli_options[] = {
	{ .name = "input", .kind = A_STR, .off = OFF(input), .cmds = C_CHECK | C_WATCH,
	  .arg = "FILE|-", .why = "reads a server", .why_to = SERVED },
	{ .name = "gate", .kind = A_STR, .off = OFF(gate), .cmds = RUNS, .arg = "NAME" },
	{ .name = "set", .kind = A_SET, .cmds = RUNS | C_LINT | C_COMPILE,
	  .arg = "NAME=VALUE", .why = "takes parameters with each request", .why_to = C_SERVE },
	{ .name = "at", .kind = A_AT, .cmds = C_CHECK | C_RECORD | C_BASELINE | C_LINT,
	  .arg = "TIME", .why = "evaluates from now on", .why_to = C_WATCH | C_SERVE },
	{ .name = "format", .kind = A_FORMAT, .cmds = C_CHECK | C_WATCH | C_LINT,
	  .values = cli_format, .why = SAMPLES, .why_to = C_RECORD | C_BASELINE },
	{ .name = "color", .kind = A_COLOR, .off = OFF(color), .cmds = C_CHECK | C_WATCH,
	  .values = cli_color, .why = SAMPLES, .why_to = C_RECORD | C_BASELINE },
	{ .name = "baseline", .kind = A_STR, .off = OFF(baseline), .cmds = C_CHECK | C_WATCH,
	  .arg = "FILE.json", .why_to = C_RECORD | C_BASELINE,
	  .why = "records what the server has: give --baseline to the check that replays it" },
	{ .name = "lookback", .kind = A_DURATION, .off = OFF(lookback), .cmds = C_LINT,
	  .arg = "D", .dflt = "1h", .why = "takes a gate's lookback from its file", .why_to = RUNS | C_SERVE },
	{ .name = "max-duration", .kind = A_DURATION, .off = OFF(max_duration), .cmds = C_WATCH, .arg = "D" },
	{ .name = "tolerate", .kind = A_DELAY, .off = OFF(tolerate), .cmds = C_WATCH,
	  .arg = "D", .dflt = "4 steps" },
	{ .name = "dump", .kind = A_TRUE, .off = OFF(dump), .cmds = C_COMPILE },
	{ .name = "run", .kind = A_STR, .off = OFF(run), .cmds = C_TEST, .arg = "REGEX" },
	{ .name = "junit", .kind = A_STR, .off = OFF(junit), .cmds = C_TEST, .arg = "FILE" },
	{ .name = "verbose", .letter = 'v', .kind = A_TRUE, .off = OFF(verbose), .cmds = SERVED | C_TEST },
	{ .name = "prometheus", .kind = A_STR, .off = OFF(url), .cmds = SERVED, .arg = "URL" },
	{ .name = "bearer-token-file", .kind = A_STR, .off = OFF(prom.bearer_file), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "FILE" },
	{ .name = "header", .kind = A_HEADER, .cmds = SERVED, .flags = O_SERVER, .arg = "'NAME: VALUE'" },
	{ .name = "ca-file", .kind = A_STR, .off = OFF(prom.ca_file), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "FILE" },
	{ .name = "cert-file", .kind = A_STR, .off = OFF(prom.cert_file), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "FILE" },
	{ .name = "key-file", .kind = A_STR, .off = OFF(prom.key_file), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "FILE" },
	{ .name = "insecure", .kind = A_TRUE, .off = OFF(prom.insecure), .cmds = SERVED, .flags = O_SERVER },
	{ .name = "timeout", .kind = A_DURATION, .off = OFF(prom.timeout), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "D", .dflt = "30s" },
	{ .name = "connect-timeout", .kind = A_DURATION, .off = OFF(prom.connect_timeout), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "D", .dflt = "5s" },
	{ .name = "retries", .kind = A_RETRIES, .off = OFF(prom.retries), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "N", .dflt = "2" },
	{ .name = "max-response", .kind = A_SIZE, .off = OFF(prom.max_response), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "SIZE", .dflt = "64Mi" },
	{ .name = "delay", .kind = A_DELAY, .off = OFF(delay), .cmds = SERVED,
	  .flags = O_SERVER, .arg = "D", .dflt = "0s: evaluate at now - D" },
	{ .name = "on-error", .kind = A_ON_ERROR, .cmds = C_CHECK | C_WATCH | C_SERVE,
	  .values = cli_on_error, .why = SAMPLES, .why_to = C_RECORD | C_BASELINE },
	{ .name = "max-series", .kind = A_COUNT, .off = OFF(max_series), .cmds = SERVED,
	  .arg = "N", .dflt = STR(NG_MAX_SERIES_DEFAULT) },
	{ .name = "series", .kind = A_COUNT, .off = OFF(report_series), .cmds = C_CHECK | C_WATCH | C_SERVE,
	  .arg = "N", .dflt = "5", .why = SAMPLES, .why_to = C_RECORD | C_BASELINE },
	{ .name = "report", .kind = A_STR, .off = OFF(report), .cmds = C_CHECK | C_WATCH, .arg = "FILE.html" },
	/* a name of two rows, each of its own commands: what the argument is differs */
	{ .name = "report", .kind = A_STR, .off = OFF(report), .cmds = C_TEST, .arg = "DIR" },
	{ .name = "listen", .kind = A_STR, .off = OFF(listen), .cmds = C_SERVE,
	  .arg = "ADDR:PORT", .dflt = "127.0.0.1:9464" },
	{ .name = "auth-token-file", .kind = A_STR, .off = OFF(auth_file), .cmds = C_SERVE, .arg = "FILE" },
	{ .name = "workers", .kind = A_COUNT, .off = OFF(workers), .cmds = C_SERVE, .arg = "N", .dflt = "4" },
	{ .name = "max-connections", .kind = A_COUNT, .off = OFF(max_connections), .cmds = C_SERVE,
	  .arg = "N", .dflt = "64" },
	{ .name = "request-timeout", .kind = A_DURATION, .off = OFF(request_timeout), .cmds = C_SERVE,
	  .arg = "D", .dflt = "30s" },
	{ .name = "idle-timeout", .kind = A_DURATION, .off = OFF(idle_timeout), .cmds = C_SERVE,
	  .arg = "D", .dflt = "10s" },
	{ .name = "dialect", .kind = A_DIALECT, .cmds = COMPILES,
	  .flags = O_ONCE, .values = cli_dialect, .dflt = "else the file's dialect, else promql" },
	{ .name = "help", .letter = 'h', .kind = A_HELP, .cmds = ALL | C_TOP },
	{ .name = "version", .kind = A_VERSION, .cmds = C_TOP },
};
#undef OFF
const size_t cli_noptions = sizeof cli_options / sizeof *cli_options;
_Static_assert(sizeof cli_options / sizeof *cli_options <= CLI_MAX_OPTIONS, "room for every option");
_Static_assert(NCMDS < 31, "a bit for each command, and C_TOP");

const char *
cli_format(int i)
{
	static const char *const w[] = { [FMT_JSON] = "json", [FMT_HUMAN] = "human" };

	return i >= 0 && (size_t)i < sizeof w / sizeof *w ? w[i] : NULL;
}

/* fail first: the default, which on_error_inconclusive false is */
const char *
cli_on_error(int i)
{
	static const char *const w[] = { "fail", "inconclusive" };

	return i >= 0 && (size_t)i < sizeof w / sizeof *w ? w[i] : NULL;
}

/* auto: colour on a terminal unless NO_COLOR is set (cli/color.c) */
const char *
cli_color(int i)
{
	static const char *const w[] = { [COLOR_AUTO] = "auto", [COLOR_NEVER] = "never", [COLOR_ALWAYS] = "always" };

	return i >= 0 && (size_t)i < sizeof w / sizeof *w ? w[i] : NULL;
}

const char *
cli_dialect(int i)
{
	return i >= 0 ? ng_dialect_name((ng_dialect)(NG_DIALECT_PROMQL + i)) : NULL;
}

int
cli_value_index(cli_values v, const char *s)
{
	const char *w;

	for (int i = 0; (w = v(i)); i++)
		if (strcmp(w, s) == 0)
			return i;
	return -1;
}

static void
append(char *buf, size_t n, const char *s)
{
	size_t l = strlen(buf);

	if (l + 1 < n)
		snprintf(buf + l, n - l, "%s", s);
}

const char *
cli_words(char *buf, size_t n, cli_values v, int first, const char *sep, const char *last)
{
	int count = 0, k = 0;

	while (v(count))
		count++;
	buf[0] = '\0';
	if (first >= 0)
		append(buf, n, v(first));
	for (int i = 0; i < count; i++) {
		if (i == first)
			continue;
		if (buf[0])
			append(buf, n, ++k == count - 1 ? last : sep);
		append(buf, n, v(i));
	}
	return buf;
}

const char *
cli_command_list(char *buf, size_t n, unsigned mask)
{
	int count = 0, k = 0;

	for (int c = 0; c < NCMDS; c++)
		count += (mask >> c) & 1;
	buf[0] = '\0';
	for (int c = 0; c < NCMDS; c++)
		if (mask & (1u << c)) {
			if (k++)
				append(buf, n, k == count ? " and " : ", ");
			append(buf, n, cli_commands[c].name);
		}
	return buf;
}

const cli_option *
cli_option_for(const char *name, int cmd)
{
	const cli_option *first = NULL;

	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		if (strcmp(op->name, name) != 0)
			continue;
		if (cmd >= 0 && (op->cmds & (1u << cmd)))
			return op;
		if (!first)
			first = op;
	}
	return first;
}

unsigned
cli_option_cmds(const char *name)
{
	unsigned cmds = 0;

	for (size_t i = 0; i < cli_noptions; i++)
		if (strcmp(cli_options[i].name, name) == 0)
			cmds |= cli_options[i].cmds;
	return cmds;
}

bool
cli_has_arg(const cli_option *op)
{
	return op->kind != A_TRUE && op->kind != A_HELP && op->kind != A_VERSION;
}

int
cli_default_value(const cli_option *op, int cmd)
{
	return op->kind == A_FORMAT && cmd >= 0 && cli_commands[cmd].format >= 0 ? cli_commands[cmd].format : 0;
}

const char *
cli_file_glob(const char *arg, char *buf, size_t n)
{
	if (!arg || strncmp(arg, "FILE", 4) != 0)
		return NULL;
	size_t ext = strcspn(arg + 4, "|");
	if (arg[4] != '.' || ext < 2)
		return "";
	snprintf(buf, n, "*%.*s", (int)ext, arg + 4);
	return buf;
}
