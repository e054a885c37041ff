/* main.c: the novagate command line and its exit statuses. */
#include "novagate.h"

#include <getopt.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live.h"
#include "options.h"

#define VERSION "0.1.0"

static int command = -1;	/* the command's index in cli_commands, once known */

static int usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static int
usage(const char *fmt, ...)
{
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		fputs("novagate: ", stderr);
		vfprintf(stderr, fmt, ap);
		fputc('\n', stderr);
		va_end(ap);
	}
	cli_usage(stderr, command);
	return EXIT_USAGE;
}

#define OPT_VAL 256	/* getopt_long's value of cli_options[i] is OPT_VAL + i */

static void *
field(cli_opts *o, const cli_option *op)
{
	return (char *)o + op->off;
}

/* The usage exit status, said: arg is none of op's words. */
static int
bad_word(const cli_option *op, const char *arg)
{
	char buf[256];

	cli_words(buf, sizeof buf, op->values, -1, ", ", " or ");
	return usage("--%s takes %s, not '%s'", op->name, buf, arg);
}

/* Apply one option; 0, or the usage exit status (said). */
static int
apply(cli_opts *o, const cli_option *op, char *arg)
{
	char *end;
	double v;
	bool pct;
	int i;

	o->server_opts |= (op->flags & O_SERVER) != 0;
	switch (op->kind) {
	case A_STR:
		*(const char **)field(o, op) = arg;
		return 0;
	case A_TRUE:
		*(bool *)field(o, op) = true;
		return 0;
	case A_SET: {
		char *eq = strchr(arg, '=');
		if (!eq || eq == arg)
			return usage("--set takes NAME=VALUE, not '%s'", arg);
		*eq = '\0';
		o->sets = ng_realloc(o->sets, (size_t)(o->nsets + 1) * sizeof *o->sets);
		o->sets[o->nsets++] = (ng_param){ arg, eq + 1 };
		return 0;
	}
	case A_HEADER:
		o->headers = ng_realloc(o->headers, (size_t)(o->nheaders + 1) * sizeof *o->headers);
		o->headers[o->nheaders++] = arg;
		return 0;
	case A_AT:
		if (!ng_parse_time(arg, &o->at))
			return usage("--at takes unix seconds or an RFC 3339 time, not '%s'", arg);
		o->has_at = true;
		return 0;
	case A_FORMAT:
		if ((i = cli_value_index(op->values, arg)) < 0)
			return bad_word(op, arg);
		o->human = i == FMT_HUMAN;
		return 0;
	case A_COLOR:
		if ((i = cli_value_index(op->values, arg)) < 0)
			return bad_word(op, arg);
		*(int *)field(o, op) = i;
		return 0;
	case A_DIALECT:
		if (!ng_dialect_parse(arg, &o->dialect))
			return bad_word(op, arg);
		return 0;
	case A_ON_ERROR:
		if ((i = cli_value_index(op->values, arg)) < 0)
			return bad_word(op, arg);
		o->on_error_inconclusive = i > 0;	/* fail first */
		return 0;
	case A_DURATION:
	case A_DELAY: {
		int64_t *ms = field(o, op);
		if (!ng_parse_duration(arg, ms) || (*ms == 0 && op->kind == A_DURATION))
			return usage("--%s takes a duration such as 30s, 1m or 500ms, not '%s'", op->name, arg);
		return 0;
	}
	case A_RETRIES: {
		long n = strtol(arg, &end, 10);
		if (end == arg || *end || n < 0 || n > 10)
			return usage("--retries takes a number from 0 to 10, not '%s'", arg);
		*(int *)field(o, op) = (int)n;
		return 0;
	}
	case A_SIZE:
		if (!ng_parse_value(arg, &v, &pct) || pct || v < 1 || v != (double)(int64_t)v || v > 1e15)
			return usage("--max-response takes a size in bytes such as 1000000, 500k or 64Mi, "
				     "not '%s'", arg);
		*(int64_t *)field(o, op) = (int64_t)v;
		return 0;
	case A_COUNT: {
		long n = strtol(arg, &end, 10);
		if (end == arg || *end || n < 1 || n > 100000000)
			return usage("--%s takes a number from 1 to 100000000, not '%s'", op->name, arg);
		*(int *)field(o, op) = (int)n;
		return 0;
	}
	case A_HELP:
		cli_usage(stdout, command);
		exit(0);
	case A_VERSION:
		puts("novagate " VERSION);
		exit(0);
	}
	return 0;
}

/* An option the command does not take: where it goes instead, and maybe why. */
static int
not_taken(const cli_option *op, bool letter)
{
	char with[256], spelt[64];
	const char *cmd = cli_commands[command].name;
	bool why = op->why && (op->why_to & (1u << command));

	if (letter)
		snprintf(spelt, sizeof spelt, "-%c", op->letter);
	else
		snprintf(spelt, sizeof spelt, "--%s", op->name);
	cli_command_list(with, sizeof with, cli_option_cmds(op->name));
	return usage("%s takes no %s: it goes with %s%s%s%s%s", cmd, spelt, with, why ? "; " : "", why ? cmd : "",
		     why ? " " : "", why ? op->why : "");
}

static int
parse_opts(int argc, char **argv, cli_opts *o)
{
	static struct option longopts[CLI_MAX_OPTIONS + 1];
	char shorts[CLI_MAX_OPTIONS + 1];
	size_t n = 0, ns = 0;
	unsigned bit = 1u << command;
	bool format = false;
	int c, r;

	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		if (!(op->cmds & ~(unsigned)C_TOP))
			continue;	/* novagate --version alone */
		if (cli_option_for(op->name, command) != op)
			continue;	/* a name getopt_long is given once: the row of this command */
		longopts[n++] = (struct option){ op->name, cli_has_arg(op) ? required_argument : no_argument, NULL,
						 OPT_VAL + (int)i };
		if (op->letter)
			shorts[ns++] = op->letter;
	}
	longopts[n] = (struct option){ 0 };
	shorts[ns] = '\0';
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shorts, longopts, NULL)) != -1) {
		bool letter = false;
		for (size_t i = 0; i < cli_noptions; i++)
			if (cli_options[i].letter && c == cli_options[i].letter) {
				c = OPT_VAL + (int)i;
				letter = true;
			}
		if (c < OPT_VAL || c >= OPT_VAL + (int)cli_noptions)
			return usage("unknown or incomplete option '%s'", argv[optind - 1]);
		const cli_option *op = &cli_options[c - OPT_VAL];
		if (!(op->cmds & bit))
			return not_taken(op, letter);
		format |= op->kind == A_FORMAT;
		if ((r = apply(o, op, optarg)) != 0)
			return r;
	}
	if (!format)
		o->human = cli_commands[command].format == FMT_HUMAN;
	/* getopt_long moved the operands to the end */
	const cli_operand_kind *k = &cli_operands[cli_commands[command].operand];
	char buf[256];
	for (; optind < argc; optind++) {
		if (o->file && !k->many)
			return usage("%s: '%s'", k->second, argv[optind]);
		if (k->values && cli_value_index(k->values, argv[optind]) < 0)
			return usage("%s takes %s, not '%s'", o->cmd, cli_words(buf, sizeof buf, k->values, -1, ", ", " or "),
				     argv[optind]);
		if (!o->file)
			o->file = argv[optind];
		o->files = ng_realloc(o->files, (size_t)(o->nfiles + 1) * sizeof *o->files);
		o->files[o->nfiles++] = argv[optind];
	}
	if (!o->file && k->values)
		return usage("%s: %s", k->missing, cli_words(buf, sizeof buf, k->values, -1, ", ", " or "));
	if (!o->file)
		return usage("%s", k->missing);
	return 0;
}

static int
compile(const cli_opts *o, bool any_baseline, ng_gatefile **gf)
{
	ng_diags *d = ng_diags_new();
	ng_compile_opts co = { .sets = o->sets, .nsets = o->nsets, .any_baseline = any_baseline,
			       .dialect = o->dialect };

	return cli_done(d, ng_compile_file(o->file, &co, gf, d));
}

static int
cmd_compile(cli_opts *o)
{
	int status;
	ng_gatefile *gf;

	if ((status = compile(o, false, &gf)) != 0)
		return status;
	if (o->dump)
		ng_gatefile_dump(gf, stdout);
	ng_gatefile_free(gf);
	return 0;
}

/* check --input: the text exposition format, and maybe a recorded baseline. */
static int
check_input(cli_opts *o, const ng_gatefile *gf, int gate)
{
	ng_diags *d = ng_diags_new();
	ng_baseline *bf = NULL;
	ng_errcode rc = NG_OK;
	int status = 0;

	if (o->baseline)
		rc = ng_baseline_load(o->baseline, &bf, d);
	ng_check *c = ng_check_new(gf, gate);
	ng_check_set_max_series(c, live_max_series(o));
	if (o->report_series)
		ng_check_set_report_series(c, o->report_series);
	if (o->has_at)
		ng_check_set_at(c, o->at);
	if (rc == NG_OK)
		rc = cli_read_input(c, o->input, d);
	/* recorded samples are judged where they end, unless --at says where */
	int64_t at = cli_now_ms();
	if (o->has_at)
		at = o->at;
	else
		ng_check_newest(c, &at);
	if (rc == NG_OK && bf)
		rc = ng_baseline_apply(bf, c, at, at, d);
	cli_print_diags(d);
	if (rc == NG_OK) {
		status = (int)ng_check_eval(c, at);
		ng_report_opts ro = cli_report_opts(o);
		ng_check_report_ex(c, &ro, stdout);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "novagate: cannot write the report\n");
			status = cli_exit_status(NG_EIO);
		}
		int hs = o->report ? cli_report_html(c, NULL, o->report) : 0;
		if (hs)
			status = hs;
	} else {
		status = cli_exit_status(rc);
	}
	ng_check_free(c);
	ng_baseline_free(bf);
	ng_diags_free(d);
	return status;
}

static int
cmd_lint(cli_opts *o)
{
	int status;
	ng_gatefile *gf;

	if (!o->lookback)
		o->lookback = 3600000;
	if ((status = compile(o, false, &gf)) != 0)
		return status;
	status = live_lint(o, gf);
	ng_gatefile_free(gf);
	return status;
}

/* check, watch, record, baseline: what the table of options cannot say was said by parse_opts */
static int
cmd_run(cli_opts *o)
{
	bool check = command == CMD_CHECK, watch = command == CMD_WATCH, record = command == CMD_RECORD;
	bool base = command == CMD_BASELINE;
	int status, gate = -1;

	if (o->input && (o->url || o->server_opts || o->on_error_inconclusive || (watch && o->tolerate >= 0)))
		return usage("--input and the server options (--prometheus, --header, --on-error ...) "
			     "exclude each other");
	/* record and baseline read no baselines of metrics without a query: they may come from a file */
	ng_gatefile *gf;
	if ((status = compile(o, o->baseline || base || record, &gf)) != 0)
		return status;
	if (o->gate && (gate = ng_gatefile_find_gate(gf, o->gate)) < 0) {
		fprintf(stderr, "novagate: %s has no gate '%s'\n", o->file, o->gate);
		ng_gatefile_free(gf);
		return EXIT_USAGE;
	}
	if (check && !o->input && !live_url(o, gf)) {
		ng_gatefile_free(gf);
		return usage("check needs --input FILE (or - for standard input)\n"
			     "          or a server: --prometheus URL, NOVAGATE_PROMETHEUS_URL or "
			     "`prometheus \"URL\"` in the gate file");
	}
	if (check)
		status = o->input ? check_input(o, gf, gate) : live_check(o, gf, gate);
	else if (watch)
		status = live_watch(o, gf, gate);
	else if (record)
		status = live_record(o, gf, gate);
	else
		status = live_baseline(o, gf, gate);
	ng_gatefile_free(gf);
	return status;
}

int
main(int argc, char **argv)
{
	cli_opts o = { .tolerate = -1 };
	int r;

	if (argc < 2)
		return usage(NULL);
	for (size_t i = 0; i < cli_noptions; i++) {
		const cli_option *op = &cli_options[i];
		char letter[3] = { '-', op->letter, '\0' };
		bool named = strncmp(argv[1], "--", 2) == 0 && strcmp(argv[1] + 2, op->name) == 0;
		if ((op->cmds & C_TOP) && (named || (op->letter && strcmp(argv[1], letter) == 0)))
			return apply(&o, op, NULL);	/* novagate --help, --version */
	}
	for (int c = 0; c < NCMDS; c++)
		if (strcmp(argv[1], cli_commands[c].name) == 0)
			command = c;
	if (command < 0)
		return usage("unknown command '%s'", argv[1]);
	o.cmd = cli_commands[command].name;
	ng_prom_opts_init(&o.prom);
	r = parse_opts(argc - 1, argv + 1, &o);
	if (r == 0)
		switch ((enum cli_cmd)command) {
		case CMD_COMPILE:
			r = cmd_compile(&o);
			break;
		case CMD_LINT:
			r = cmd_lint(&o);
			break;
		case CMD_SERVE:
			r = serve_main(&o);
			break;
		case CMD_TEST:
			r = cli_test(o.run, o.junit, o.report, o.verbose, o.files, o.nfiles);
			break;
		case CMD_COMPLETION:
			r = cli_completion(o.file, stdout);
			break;
		case CMD_CHECK:
		case CMD_WATCH:
		case CMD_RECORD:
		case CMD_BASELINE:
			r = cmd_run(&o);
			break;
		case NCMDS:
			break;
		}
	free(o.sets);
	free(o.headers);
	free(o.files);
	return r;
}
