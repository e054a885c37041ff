/* main.c: the novagate command line and its exit statuses. */
#include "novagate.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live.h"
#include "testrun.h"

#define VERSION "0.1.0"

static const char usage_text[] =
	"usage: novagate check FILE.gate [--input FILE|-] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--at TIME] [--format json|human] [--baseline FILE.json] [-v]\n"
	"                      [--prometheus URL] [SERVER OPTIONS] [--on-error fail|inconclusive]\n"
	"       novagate watch FILE.gate [--prometheus URL] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--format json|human] [--baseline FILE.json] [--max-duration D]\n"
	"                      [--on-error fail|inconclusive] [SERVER OPTIONS] [-v]\n"
	"       novagate record FILE.gate [--prometheus URL] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--at TIME] [SERVER OPTIONS] [-v] > run.prom\n"
	"       novagate baseline FILE.gate [--prometheus URL] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--at TIME] [SERVER OPTIONS] [-v] > baseline.json\n"
	"       novagate compile [--dump] [--set NAME=VALUE]... FILE.gate\n"
	"       novagate test [--run REGEX] [--junit FILE] [-v] FILE|DIR...\n"
	"       novagate --help | --version\n"
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

enum {
	O_INPUT = 256, O_GATE, O_SET, O_AT, O_FORMAT, O_DUMP, O_HELP, O_BASELINE, O_ON_ERROR,
	O_PROMETHEUS, O_BEARER, O_HEADER, O_CA, O_CERT, O_KEY, O_INSECURE, O_TIMEOUT,
	O_CONNECT_TIMEOUT, O_RETRIES, O_MAX_RESPONSE, O_DELAY, O_MAX_DURATION,
};

static const struct option longopts[] = {
	{ "input", required_argument, NULL, O_INPUT },
	{ "gate", required_argument, NULL, O_GATE },
	{ "set", required_argument, NULL, O_SET },
	{ "at", required_argument, NULL, O_AT },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "dump", no_argument, NULL, O_DUMP },
	{ "help", no_argument, NULL, O_HELP },
	{ "verbose", no_argument, NULL, 'v' },
	{ "baseline", required_argument, NULL, O_BASELINE },
	{ "on-error", required_argument, NULL, O_ON_ERROR },
	{ "prometheus", required_argument, NULL, O_PROMETHEUS },
	{ "bearer-token-file", required_argument, NULL, O_BEARER },
	{ "header", required_argument, NULL, O_HEADER },
	{ "ca-file", required_argument, NULL, O_CA },
	{ "cert-file", required_argument, NULL, O_CERT },
	{ "key-file", required_argument, NULL, O_KEY },
	{ "insecure", no_argument, NULL, O_INSECURE },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "connect-timeout", required_argument, NULL, O_CONNECT_TIMEOUT },
	{ "retries", required_argument, NULL, O_RETRIES },
	{ "max-response", required_argument, NULL, O_MAX_RESPONSE },
	{ "delay", required_argument, NULL, O_DELAY },
	{ "max-duration", required_argument, NULL, O_MAX_DURATION },
	{ NULL, 0, NULL, 0 },
};

/* A Prometheus duration (15s, 1m30s, 500ms); zero allowed when zero_ok. */
static int
duration_arg(const char *opt, const char *s, int64_t *ms, bool zero_ok)
{
	if (!ng_parse_duration(s, ms) || (*ms == 0 && !zero_ok))
		return usage("%s takes a duration such as 30s, 1m or 500ms, not '%s'", opt, s);
	return 0;
}

static int
parse_opts(int argc, char **argv, cli_opts *o)
{
	int c;
	char *end;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (c) {
		case O_INPUT:
			o->input = optarg;
			break;
		case O_GATE:
			o->gate = optarg;
			break;
		case O_SET: {
			char *eq = strchr(optarg, '=');
			if (!eq || eq == optarg)
				return usage("--set takes NAME=VALUE, not '%s'", optarg);
			*eq = '\0';
			o->sets = ng_realloc(o->sets, (size_t)(o->nsets + 1) * sizeof *o->sets);
			o->sets[o->nsets++] = (ng_param){ optarg, eq + 1 };
			break;
		}
		case O_AT:
			if (!ng_parse_time(optarg, &o->at))
				return usage("--at takes unix seconds or an RFC 3339 time, not '%s'", optarg);
			o->has_at = true;
			break;
		case O_FORMAT:
			if (strcmp(optarg, "json") == 0)
				o->human = false;
			else if (strcmp(optarg, "human") == 0)
				o->human = true;
			else
				return usage("--format takes json or human, not '%s'", optarg);
			break;
		case O_DUMP:
			o->dump = true;
			break;
		case 'v':
			o->verbose = true;
			break;
		case O_BASELINE:
			o->baseline = optarg;
			break;
		case O_ON_ERROR:
			if (strcmp(optarg, "inconclusive") == 0)
				o->on_error_inconclusive = true;
			else if (strcmp(optarg, "fail") == 0)
				o->on_error_inconclusive = false;
			else
				return usage("--on-error takes fail or inconclusive, not '%s'", optarg);
			break;
		case O_PROMETHEUS:
			o->url = optarg;
			break;
		case O_BEARER:
			o->prom.bearer_file = optarg;
			o->server_opts = true;
			break;
		case O_HEADER:
			o->headers = ng_realloc(o->headers, (size_t)(o->nheaders + 1) * sizeof *o->headers);
			o->headers[o->nheaders++] = optarg;
			o->server_opts = true;
			break;
		case O_CA:
			o->prom.ca_file = optarg;
			o->server_opts = true;
			break;
		case O_CERT:
			o->prom.cert_file = optarg;
			o->server_opts = true;
			break;
		case O_KEY:
			o->prom.key_file = optarg;
			o->server_opts = true;
			break;
		case O_INSECURE:
			o->prom.insecure = true;
			o->server_opts = true;
			break;
		case O_TIMEOUT:
			if (duration_arg("--timeout", optarg, &o->prom.timeout, false))
				return EXIT_USAGE;
			o->server_opts = true;
			break;
		case O_CONNECT_TIMEOUT:
			if (duration_arg("--connect-timeout", optarg, &o->prom.connect_timeout, false))
				return EXIT_USAGE;
			o->server_opts = true;
			break;
		case O_DELAY:
			if (duration_arg("--delay", optarg, &o->delay, true))
				return EXIT_USAGE;
			o->server_opts = true;
			break;
		case O_MAX_DURATION:
			if (duration_arg("--max-duration", optarg, &o->max_duration, false))
				return EXIT_USAGE;
			break;
		case O_RETRIES: {
			long n = strtol(optarg, &end, 10);
			if (end == optarg || *end || n < 0 || n > 10)
				return usage("--retries takes a number from 0 to 10, not '%s'", optarg);
			o->prom.retries = (int)n;
			o->server_opts = true;
			break;
		}
		case O_MAX_RESPONSE: {
			double v;
			bool pct;
			if (!ng_parse_value(optarg, &v, &pct) || pct || v < 1 ||
			    v != (double)(int64_t)v || v > 1e15)
				return usage("--max-response takes a size in bytes such as 1000000, 500k or 64Mi, "
					     "not '%s'", optarg);
			o->prom.max_response = (int64_t)v;
			o->server_opts = true;
			break;
		}
		case O_HELP:
			fputs(usage_text, stdout);
			exit(0);
		default:
			return usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	/* getopt_long moved the operands to the end */
	for (; optind < argc; optind++) {
		if (o->file)
			return usage("one gate file at a time: '%s'", argv[optind]);
		o->file = argv[optind];
	}
	if (!o->file)
		return usage("no gate file given");
	return 0;
}

/*
 * The diagnostics of a command, rendered once, compiler-style, with a count
 * when a gate file has several errors.
 */
static void
print_diags(const ng_diags *d)
{
	int nerrors = 0;

	ng_diags_render(d, "novagate", stderr);
	for (size_t i = 0; i < ng_diags_count(d); i++)
		nerrors += ng_diags_get(d, i)->severity == NG_SEV_ERROR && ng_diags_get(d, i)->code == NG_ECOMPILE;
	if (nerrors > 1)
		fprintf(stderr, "%d errors\n", nerrors);
}

static int
compile(const cli_opts *o, bool any_baseline, ng_gatefile **gf)
{
	ng_diags *d = ng_diags_new();
	ng_compile_opts co = { .sets = o->sets, .nsets = o->nsets, .any_baseline = any_baseline };
	ng_errcode rc = ng_compile_file(o->file, &co, gf, d);

	print_diags(d);
	ng_diags_free(d);
	return cli_exit_status(rc);
}

static int
cmd_compile(cli_opts *o)
{
	int status;
	ng_gatefile *gf;

	if (o->input || o->gate || o->has_at || o->baseline || o->url || o->server_opts ||
	    o->on_error_inconclusive || o->max_duration)
		return usage("compile takes only --dump and --set");
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
	print_diags(d);
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
cmd_run(cli_opts *o)
{
	const char *cmd = o->cmd;
	bool check = strcmp(cmd, "check") == 0, watch = strcmp(cmd, "watch") == 0;
	bool record = strcmp(cmd, "record") == 0, base = strcmp(cmd, "baseline") == 0;
	int status, gate = -1;

	if (o->dump)
		return usage("--dump goes with compile");
	if (o->input && !check)
		return usage("%s reads a server, not --input", cmd);
	if (o->input && (o->url || o->server_opts || o->on_error_inconclusive))
		return usage("--input and the server options (--prometheus, --header, --on-error ...) "
			     "exclude each other");
	if (o->has_at && watch)
		return usage("watch evaluates from now on; check --at evaluates a past window");
	if (o->max_duration && !watch)
		return usage("--max-duration goes with watch");
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
	cli_opts o = { 0 };
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
		return testrun_main(argc - 1, argv + 1);
	static const char *const cmds[] = { "check", "compile", "watch", "record", "baseline" };
	for (size_t i = 0; i < sizeof cmds / sizeof *cmds; i++)
		if (strcmp(argv[1], cmds[i]) == 0)
			o.cmd = cmds[i];
	if (!o.cmd)
		return usage("unknown command '%s'", argv[1]);
	ng_prom_opts_init(&o.prom);
	r = parse_opts(argc - 1, argv + 1, &o);
	if (r == 0)
		r = strcmp(o.cmd, "compile") == 0 ? cmd_compile(&o) : cmd_run(&o);
	free(o.sets);
	free(o.headers);
	return r;
}
