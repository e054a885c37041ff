/*
 * test.c: `novagate test [--run REGEX] [--junit FILE] [--report DIR] [-v]
 * FILE|DIR...`: the library's gate-test runner (ng_tester) over the files
 * named and the *.test.yaml under the directories named, in name order.
 * Results on stdout, ending "N passed, N failed"; errors on stderr.  Exit:
 * 0, 1 (a test failed), or the status of the first file's error, which
 * beats failures; a --junit or --report file that cannot be written beats
 * both.  main.c parses the options, from the table of options.h.
 *
 * --report DIR: a page for each failed test, of its check at the first
 * entry that failed, named after the test file, the test's line and name
 * (FILE-L12-error-spike.html), with -2, -3 ... for a name taken earlier in
 * the run.  DIR is made if missing; nothing else in it is touched, so a
 * page of an earlier run stays until a run writes the same name.
 */
#include "cli.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "options.h"

typedef struct filelist {
	char **v;
	int n;
} filelist;

static char *
join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);

	if (dl && dir[dl - 1] == '/')
		dl--;
	char *p = ng_realloc(NULL, dl + nl + 2);
	memcpy(p, dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	return p;
}

static void
add(filelist *l, char *path)
{
	l->v = ng_realloc(l->v, (size_t)(l->n + 1) * sizeof *l->v);
	l->v[l->n++] = path;
}

static bool
is_test_file(const char *name)
{
	size_t n = strlen(name);

	return n > 10 && strcmp(name + n - 10, ".test.yaml") == 0 && name[0] != '.';
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The *.test.yaml under dir, recursively, in name order; 0 or an exit status (said). */
static int
collect(const char *dir, filelist *out)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	filelist names = { 0 };
	int r = 0;

	if (!d) {
		fprintf(stderr, "novagate: %s: %s\n", dir, strerror(errno));
		return EXIT_IO;
	}
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			add(&names, join(dir, de->d_name));
	closedir(d);
	if (names.n)
		qsort(names.v, (size_t)names.n, sizeof *names.v, cmp_str);
	for (int i = 0; i < names.n; i++) {
		struct stat st;
		if (stat(names.v[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			if (!r)
				r = collect(names.v[i], out);
			free(names.v[i]);
		} else if (is_test_file(strrchr(names.v[i], '/') + 1)) {
			add(out, names.v[i]);
		} else {
			free(names.v[i]);
		}
	}
	free(names.v);
	return r;
}

/* The files the operands name; 0 or an exit status (said). */
static int
operands(const char *const *argv, int argc, filelist *files)
{
	for (int i = 0; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "novagate: %s: %s\n", argv[i], strerror(errno));
			return EXIT_IO;
		}
		if (S_ISDIR(st.st_mode)) {
			int before = files->n, r = collect(argv[i], files);
			if (r)
				return r;
			if (files->n == before) {
				fprintf(stderr, "novagate: no *.test.yaml files under %s\n", argv[i]);
				return EXIT_USAGE;
			}
		} else {
			size_t n = strlen(argv[i]) + 1;
			add(files, memcpy(ng_realloc(NULL, n), argv[i], n));
		}
	}
	return 0;
}

/* --- --report DIR --- */

enum { SLUG_MAX = 48 };	/* bytes of a test's name in its page's name */

typedef struct pages {
	const char *dir;
	filelist names;		/* written so far, for names never to collide */
	int status;		/* of the first page that could not be written */
} pages;

/* s as a file name: [A-Za-z0-9._-] kept, runs of others one '-', none at the ends; at most max bytes. */
static void
slug(char *buf, size_t max, const char *s, size_t n)
{
	size_t len = 0;

	for (size_t i = 0; i < n && len < max; i++) {
		unsigned char c = (unsigned char)s[i];
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
			    c == '_' || c == '-';
		if (keep)
			buf[len++] = (char)c;
		else if (len && buf[len - 1] != '-')
			buf[len++] = '-';
	}
	while (len && buf[len - 1] == '-')
		len--;
	buf[len] = '\0';
}

static bool
taken(const pages *pg, const char *path)
{
	for (int i = 0; i < pg->names.n; i++)
		if (strcmp(pg->names.v[i], path) == 0)
			return true;
	return false;
}

/* DIR/FILE-LLINE-NAME.html, FILE the test file's name less .test.yaml, unique in the run. */
static char *
page_name(pages *pg, const ng_test_failure *f)
{
	const char *base = strrchr(f->file, '/') ? strrchr(f->file, '/') + 1 : f->file;
	size_t bl = strlen(base);
	char file[SLUG_MAX + 1], test[SLUG_MAX + 1], name[2 * SLUG_MAX + 48];

	if (is_test_file(base))
		bl -= strlen(".test.yaml");
	slug(file, SLUG_MAX, base, bl);
	slug(test, SLUG_MAX, f->test, strlen(f->test));
	for (int k = 1;; k++) {
		int len = snprintf(name, sizeof name, "%s-L%u-%s", file[0] ? file : "test", f->line,
				   test[0] ? test : "test");
		if (k > 1)
			len += snprintf(name + len, sizeof name - (size_t)len, "-%d", k);
		snprintf(name + len, sizeof name - (size_t)len, ".html");
		char *path = join(pg->dir, name);
		if (!taken(pg, path))
			return path;
		free(path);
	}
}

/* ng_tester's on_fail: the page of the test's failed check, and a line naming it. */
static void
write_page(void *ctx, const ng_test_failure *f)
{
	pages *pg = ctx;
	size_t tn = strlen(f->test) + 32;
	char *title = ng_realloc(NULL, tn), *path = page_name(pg, f);
	ng_html_opts o = { title, f->fail };

	snprintf(title, tn, "Test \"%s\" failed", f->test);
	add(&pg->names, path);
	int st = cli_report_html(f->check, &o, path);
	if (st && !pg->status)
		pg->status = st;
	if (!st)
		fprintf(f->out, "  report: %s\n", path);
	free(title);
}

/* DIR made if missing (not its parents); 0 or an exit status (said). */
static int
report_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0777) == 0)
		return 0;
	if (errno != EEXIST) {
		fprintf(stderr, "novagate: --report %s: %s\n", dir, strerror(errno));
		return EXIT_IO;
	}
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "novagate: --report %s: not a directory\n", dir);
		return EXIT_IO;
	}
	return 0;
}

/* --- running --- */

static int
write_junit(const ng_tester *t, const char *path)
{
	FILE *jf = fopen(path, "w");

	if (!jf) {
		fprintf(stderr, "novagate: %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	ng_tester_junit(t, jf);
	if (fclose(jf) != 0) {
		fprintf(stderr, "novagate: %s: cannot write\n", path);
		return EXIT_IO;
	}
	return 0;
}

/* Run every file; the exit status. */
static int
run(ng_tester *t, const filelist *files, const char *junit, const pages *pg)
{
	ng_errcode first = NG_OK;
	int passed, failed, bad;

	for (int i = 0; i < files->n; i++) {
		ng_diags *d = ng_diags_new();
		ng_errcode rc = ng_tester_run(t, files->v[i], NULL, 0, stdout, d);
		cli_print_diags(d);
		ng_diags_free(d);
		if (rc && !first)
			first = rc;	/* the first file's error, which beats failures */
	}
	ng_tester_counts(t, &passed, &failed, &bad);
	printf("%d passed, %d failed\n", passed, failed);
	if (bad)
		fprintf(stderr, "novagate: %d test file%s had errors; %s tests did not run\n", bad,
			bad == 1 ? "" : "s", bad == 1 ? "its" : "their");
	int status = first ? cli_exit_status(first) : failed ? 1 : 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "novagate: cannot write the results\n");
		status = EXIT_IO;
	}
	int w = junit ? write_junit(t, junit) : 0;
	return w ? w : pg->status ? pg->status : status;
}

int
cli_test(const char *only, const char *junit, const char *report, bool verbose, const char *const *paths,
	 int npaths)
{
	pages pg = { .dir = report };
	ng_tester_opts o = { .run = only, .junit = junit != NULL, .verbose = verbose,
			     .on_fail = report ? write_page : NULL, .fail_ctx = &pg };
	ng_diags *d = ng_diags_new();
	ng_tester *t;
	int rc = cli_done(d, ng_tester_new(&o, &t, d));

	if (rc) {
		cli_usage(stderr, CMD_TEST);
		return rc;
	}
	filelist files = { 0 };
	int status = report ? report_dir(report) : 0;
	if (!status)
		status = operands(paths, npaths, &files);
	if (!status)
		status = run(t, &files, junit, &pg);
	for (int i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	for (int i = 0; i < pg.names.n; i++)
		free(pg.names.v[i]);
	free(pg.names.v);
	ng_tester_free(t);
	return status;
}
