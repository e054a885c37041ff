/* main.c: the novagate command line and its exit statuses. */
#include "novagate.h"

#include <getopt.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live.h"

#define VERSION "0.1.0"

static const char usage_text[] =
	"usage: novagate check FILE.gate [--input FILE|-] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--at TIME] [--format json|human] [--baseline FILE.json] [-v]\n"
	"                      [--prometheus URL] [SERVER OPTIONS] [--on-error fail|inconclusive]\n"
	"                      [--max-series N (10000)] [--series N (5)]\n"
	"       novagate watch FILE.gate [--prometheus URL] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--format json|human] [--baseline FILE.json] [--max-duration D]\n"
	"                      [--tolerate D (4 steps)] [--on-error fail|inconclusive] [SERVER OPTIONS] [-v]\n"
	"                      [--max-series N (10000)] [--series N (5)]\n"
	"       novagate record FILE.gate [--prometheus URL] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--at TIME] [--max-series N (10000)] [SERVER OPTIONS] [-v] > run.prom\n"
	"       novagate baseline FILE.gate [--prometheus URL] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--at TIME] [--max-series N (10000)] [SERVER OPTIONS] [-v] > baseline.json\n"
	"       novagate lint FILE.gate [--prometheus URL] [--set NAME=VALUE]... [--at TIME]\n"
	"                      [--lookback D (1h)] [--max-series N (10000)] [--format human|json]\n"
	"                      [SERVER OPTIONS] [-v]\n"
	"       novagate serve FILE.gate... [--listen ADDR:PORT (127.0.0.1:9464)] [--prometheus URL]\n"
	"                      [--auth-token-file FILE] [--on-error fail|inconclusive] [--workers N (4)]\n"
	"                      [--max-connections N (64)] [--request-timeout D (30s)] [--idle-timeout D (10s)]\n"
	"                      [--max-series N (10000)] [--series N (5)] [SERVER OPTIONS] [-v]\n"
	"       novagate compile [--dump] [--set NAME=VALUE]... FILE.gate\n"
	"       novagate test [--run REGEX] [--junit FILE] [-v] FILE|DIR...\n"
	"       novagate --help | --version\n"
	"every command that compiles: --dialect promql|metricsql (else the file's dialect, else promql)\n"
	"server: --prometheus URL, else $NOVAGATE_PROMETHEUS_URL, else the file's prometheus \"URL\";\n"
	"        basic auth from user:password@ in the URL or $NOVAGATE_PROMETHEUS_USER and\n"
	"        $NOVAGATE_PROMETHEUS_PASSWORD\n"
	"SERVER OPTIONS: --bearer-token-file FILE  --header 'NAME: VALUE' (repeatable)  --ca-file FILE\n"
	"        --cert-file FILE  --key-file FILE  --insecure  --timeout D (30s)  --connect-timeout D (5s)\n"
	"        --retries N (2)  --max-response SIZE (64Mi)  --delay D (0s: evaluate at now - D)\n";

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
	fputs(usage_text, stderr);
	return EXIT_USAGE;
}

/* How an option's argument is read. */
enum argkind {
	A_STR,		/* the text, kept */
	A_TRUE,		/* no argument: a bool set */
	A_SET,		/* NAME=VALUE, appended to sets */
	A_HEADER,	/* 'Name: value', appended to headers */
	A_AT,		/* a time */
	A_FORMAT,	/* json | human */
	A_DIALECT,	/* promql | metricsql */
	A_ON_ERROR,	/* fail | inconclusive */
	A_DURATION,	/* a duration above zero */
	A_DELAY,	/* a duration, zero allowed */
	A_RETRIES,	/* 0 to 10 */
	A_SIZE,		/* bytes, with an SI or IEC suffix */
	A_COUNT,	/* a whole number from 1 to 100000000 */
	A_HELP,
};

/* The one list of options: name, argument, where it goes, and whether it is about the server. */
#define OFF(field) offsetof(cli_opts, field)
static const struct opt {
	const char *name;
	enum argkind kind;
	size_t off;
	bool server;
	char letter;		/* its one-letter spelling, if any */
} opts[] = {
	{ "input", A_STR, OFF(input), false, 0 },
	{ "gate", A_STR, OFF(gate), false, 0 },
	{ "set", A_SET, 0, false, 0 },
	{ "at", A_AT, 0, false, 0 },
	{ "format", A_FORMAT, 0, false, 0 },
	{ "dump", A_TRUE, OFF(dump), false, 0 },
	{ "dialect", A_DIALECT, 0, false, 0 },
	{ "lookback", A_DURATION, OFF(lookback), false, 0 },
	{ "help", A_HELP, 0, false, 0 },
	{ "verbose", A_TRUE, OFF(verbose), false, 'v' },
	{ "baseline", A_STR, OFF(baseline), false, 0 },
	{ "on-error", A_ON_ERROR, 0, false, 0 },
	{ "max-duration", A_DURATION, OFF(max_duration), false, 0 },
	{ "tolerate", A_DELAY, OFF(tolerate), false, 0 },
	{ "prometheus", A_STR, OFF(url), false, 0 },
	{ "bearer-token-file", A_STR, OFF(prom.bearer_file), true, 0 },
	{ "header", A_HEADER, 0, true, 0 },
	{ "ca-file", A_STR, OFF(prom.ca_file), true, 0 },
	{ "cert-file", A_STR, OFF(prom.cert_file), true, 0 },
	{ "key-file", A_STR, OFF(prom.key_file), true, 0 },
	{ "insecure", A_TRUE, OFF(prom.insecure), true, 0 },
	{ "timeout", A_DURATION, OFF(prom.timeout), true, 0 },
	{ "connect-timeout", A_DURATION, OFF(prom.connect_timeout), true, 0 },
	{ "retries", A_RETRIES, OFF(prom.retries), true, 0 },
	{ "max-response", A_SIZE, OFF(prom.max_response), true, 0 },
	{ "delay", A_DELAY, OFF(delay), true, 0 },
	{ "max-series", A_COUNT, OFF(max_series), false, 0 },
	{ "series", A_COUNT, OFF(report_series), false, 0 },
	{ "listen", A_STR, OFF(listen), false, 0 },
	{ "auth-token-file", A_STR, OFF(auth_file), false, 0 },
	{ "workers", A_COUNT, OFF(workers), false, 0 },
	{ "max-connections", A_COUNT, OFF(max_connections), false, 0 },
	{ "request-timeout", A_DURATION, OFF(request_timeout), false, 0 },
	{ "idle-timeout", A_DURATION, OFF(idle_timeout), false, 0 },
};
#undef OFF
#define NOPTS (sizeof opts / sizeof *opts)
#define OPT_VAL 256	/* getopt_long's value of opts[i] is OPT_VAL + i */

static void *
field(cli_opts *o, const struct opt *op)
{
	return (char *)o + op->off;
}

/* Apply one option; 0, or the usage exit status (said). */
static int
apply(cli_opts *o, const struct opt *op, char *arg)
{
	char *end;
	double v;
	bool pct;

	o->server_opts |= op->server;
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
		if (strcmp(arg, "json") != 0 && strcmp(arg, "human") != 0)
			return usage("--format takes json or human, not '%s'", arg);
		o->human = strcmp(arg, "human") == 0;
		o->json = !o->human;
		return 0;
	case A_DIALECT:
		if (!ng_dialect_parse(arg, &o->dialect))
			return usage("--dialect takes promql or metricsql, not '%s'", arg);
		return 0;
	case A_ON_ERROR:
		if (strcmp(arg, "inconclusive") != 0 && strcmp(arg, "fail") != 0)
			return usage("--on-error takes fail or inconclusive, not '%s'", arg);
		o->on_error_inconclusive = strcmp(arg, "inconclusive") == 0;
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
		fputs(usage_text, stdout);
		exit(0);
	}
	return 0;
}

static int
parse_opts(int argc, char **argv, cli_opts *o)
{
	static struct option longopts[NOPTS + 1];
	int c, r;

	for (size_t i = 0; i < NOPTS; i++)
		longopts[i] = (struct option){ opts[i].name,
					       opts[i].kind == A_TRUE || opts[i].kind == A_HELP ? no_argument
												 : required_argument,
					       NULL, OPT_VAL + (int)i };
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		for (size_t i = 0; i < NOPTS; i++)
			if (opts[i].letter && c == opts[i].letter)
				c = OPT_VAL + (int)i;
		if (c < OPT_VAL || c >= OPT_VAL + (int)NOPTS)
			return usage("unknown or incomplete option '%s'", argv[optind - 1]);
		if ((r = apply(o, &opts[c - OPT_VAL], optarg)) != 0)
			return r;
	}
	/* getopt_long moved the operands to the end */
	for (; optind < argc; optind++) {
		if (o->file && strcmp(o->cmd, "serve") != 0)
			return usage("one gate file at a time: '%s'", argv[optind]);
		if (!o->file)
			o->file = argv[optind];
		o->files = ng_realloc(o->files, (size_t)(o->nfiles + 1) * sizeof *o->files);
		o->files[o->nfiles++] = argv[optind];
	}
	if (!o->file)
		return usage("no gate file given");
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

/* Options of serve's own, which no other command takes. */
static bool
serve_opts(const cli_opts *o)
{
	return o->listen || o->auth_file || o->workers || o->max_connections || o->request_timeout ||
	       o->idle_timeout;
}

static int
cmd_compile(cli_opts *o)
{
	int status;
	ng_gatefile *gf;

	if (o->input || o->gate || o->has_at || o->baseline || o->url || o->server_opts ||
	    o->on_error_inconclusive || o->max_duration || o->tolerate >= 0 || o->lookback || o->human || o->json ||
	    o->max_series || o->report_series || serve_opts(o))
		return usage("compile takes only --dump, --set and --dialect");
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
		ng_check_report(c, o->human, stdout);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "novagate: cannot write the report\n");
			status = cli_exit_status(NG_EIO);
		}
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

	if (o->input || o->gate || o->baseline || o->dump || o->on_error_inconclusive || o->max_duration ||
	    o->tolerate >= 0 || o->report_series || serve_opts(o))
		return usage("lint takes --prometheus, the server options, --set, --at, --lookback, --dialect "
			     "and --format");
	if (!o->lookback)
		o->lookback = 3600000;
	if ((status = compile(o, false, &gf)) != 0)
		return status;
	status = live_lint(o, gf);
	ng_gatefile_free(gf);
	return status;
}

static int
cmd_serve(cli_opts *o)
{
	if (o->input || o->gate || o->has_at || o->baseline || o->dump || o->lookback || o->max_duration ||
	    o->tolerate >= 0 || o->human || o->json || o->nsets)
		return usage("serve takes gate files, --listen, --prometheus and the server options, "
			     "--auth-token-file, --on-error, --workers, --max-connections, --request-timeout, "
			     "--idle-timeout, --max-series, --series and --dialect (parameters come with each request)");
	return serve_main(o);
}

static int
cmd_run(cli_opts *o)
{
	const char *cmd = o->cmd;
	bool check = strcmp(cmd, "check") == 0, watch = strcmp(cmd, "watch") == 0;
	bool record = strcmp(cmd, "record") == 0, base = strcmp(cmd, "baseline") == 0;
	int status, gate = -1;

	if (serve_opts(o))
		return usage("--listen, --auth-token-file, --workers, --max-connections, --request-timeout and "
			     "--idle-timeout go with serve");
	if (o->dump)
		return usage("--dump goes with compile");
	if (o->lookback)
		return usage("--lookback goes with lint (a gate's lookback is set in the gate file)");
	if (o->input && !check)
		return usage("%s reads a server, not --input", cmd);
	if (o->input && (o->url || o->server_opts || o->on_error_inconclusive))
		return usage("--input and the server options (--prometheus, --header, --on-error ...) "
			     "exclude each other");
	if (o->has_at && watch)
		return usage("watch evaluates from now on; check --at evaluates a past window");
	if (o->max_duration && !watch)
		return usage("--max-duration goes with watch");
	if (o->tolerate >= 0 && !watch)
		return usage("--tolerate goes with watch");
	if (o->report_series && !check && !watch)
		return usage("--series goes with check and watch (how many series a report names)");
	if ((record || base) && (o->on_error_inconclusive || o->human))
		return usage("%s writes samples, not verdicts: no --on-error or --format", cmd);
	if ((record || base) && o->baseline)
		return usage("%s records what the server has; give --baseline to the check that replays it", cmd);

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
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		fputs(usage_text, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		puts("novagate " VERSION);
		return 0;
	}
	if (strcmp(argv[1], "test") == 0)
		return cli_test(argc - 1, argv + 1);
	static const char *const cmds[] = { "check", "compile", "watch", "record", "baseline", "lint", "serve" };
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		if (strcmp(argv[1], cmds[i]) == 0)
			o.cmd = cmds[i];
	if (!o.cmd)
		return usage("unknown command '%s'", argv[1]);
	ng_prom_opts_init(&o.prom);
	r = parse_opts(argc - 1, argv + 1, &o);
	if (r == 0)
		r = strcmp(o.cmd, "compile") == 0 ? cmd_compile(&o)
		    : strcmp(o.cmd, "lint") == 0  ? cmd_lint(&o)
		    : strcmp(o.cmd, "serve") == 0 ? cmd_serve(&o)
						  : cmd_run(&o);
	free(o.sets);
	free(o.headers);
	free(o.files);
	return r;
}
