/* main.c: the novagate command line and its exit statuses. */
#include "novagate.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define VERSION "0.1.0"

static const char usage_text[] =
	"usage: novagate check FILE.gate [--input FILE|-] [--gate NAME] [--set NAME=VALUE]...\n"
	"                      [--at TIME] [--format json|human]\n"
	"       novagate compile [--dump] [--set NAME=VALUE]... FILE.gate\n"
	"       novagate --help | --version\n";

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
	return NG_EUSAGE;
}

typedef struct opts {
	const char *file, *input, *gate;
	ng_param *sets;
	int nsets;
	bool has_at, human, dump;
	int64_t at;
} opts;

enum { O_INPUT = 256, O_GATE, O_SET, O_AT, O_FORMAT, O_DUMP, O_HELP };

static const struct option longopts[] = {
	{ "input", required_argument, NULL, O_INPUT },
	{ "gate", required_argument, NULL, O_GATE },
	{ "set", required_argument, NULL, O_SET },
	{ "at", required_argument, NULL, O_AT },
	{ "format", required_argument, NULL, O_FORMAT },
	{ "dump", no_argument, NULL, O_DUMP },
	{ "help", no_argument, NULL, O_HELP },
	{ NULL, 0, NULL, 0 },
};

/* Options of check and compile; which apply is checked by the caller. */
static int
parse_opts(int argc, char **argv, opts *o)
{
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
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
			o->sets = xrealloc(o->sets, (size_t)(o->nsets + 1) * sizeof *o->sets);
			o->sets[o->nsets++] = (ng_param){ optarg, eq + 1 };
			break;
		}
		case O_AT:
			if (util_parse_time(optarg, &o->at) < 0)
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

static int
cmd_compile(opts *o)
{
	int status;
	ng_gatefile *gf;

	if (o->input || o->gate || o->has_at)
		return usage("compile takes only --dump and --set");
	gf = ng_compile_file(o->file, o->sets, o->nsets, stderr, &status);
	if (!gf)
		return status;
	if (o->dump)
		ng_gatefile_dump(gf, stdout);
	ng_gatefile_free(gf);
	return 0;
}

static int
cmd_check(opts *o)
{
	int status, gate = -1;
	ng_gatefile *gf;

	if (o->dump)
		return usage("--dump goes with compile");
	if (!o->input)
		return usage("check needs --input FILE (or - for standard input)");
	gf = ng_compile_file(o->file, o->sets, o->nsets, stderr, &status);
	if (!gf)
		return status;
	if (o->gate && (gate = ng_gatefile_find_gate(gf, o->gate)) < 0) {
		fprintf(stderr, "novagate: %s has no gate '%s'\n", o->file, o->gate);
		ng_gatefile_free(gf);
		return NG_EUSAGE;
	}
	ng_check *c = ng_check_new(gf, gate);
	if (o->has_at)
		ng_check_set_at(c, o->at);
	status = ng_check_read_text(c, o->input, stderr);
	if (status == 0) {
		status = ng_check_run(c);
		ng_check_report(c, o->human, stdout);
		if (fflush(stdout) != 0 || ferror(stdout)) {
			fprintf(stderr, "novagate: cannot write the report\n");
			status = NG_EIO;
		}
	}
	ng_check_free(c);
	ng_gatefile_free(gf);
	return status;
}

int
main(int argc, char **argv)
{
	opts o = { 0 };
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
	if (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "compile") != 0)
		return usage("unknown command '%s'", argv[1]);
	r = parse_opts(argc - 1, argv + 1, &o);
	if (r == 0)
		r = strcmp(argv[1], "check") == 0 ? cmd_check(&o) : cmd_compile(&o);
	free(o.sets);
	return r;
}
