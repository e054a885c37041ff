/*
 * test.c: `novagate test [--run REGEX] [--junit FILE] [-v] FILE|DIR...`:
 * the library's gate-test runner (ng_tester) over the files named and the
 * *.test.yaml under the directories named, in name order.  Results on
 * stdout, ending "N passed, N failed"; errors on stderr.  Exit: 0, 1 (a
 * test failed), or the status of the first file's error, which beats
 * failures.  main.c parses the options, from the table of options.h.
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
run(ng_tester *t, const filelist *files, const char *junit)
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
	return w ? w : status;
}

int
cli_test(const char *only, const char *junit, bool verbose, const char *const *paths, int npaths)
{
	ng_tester_opts o = { .run = only, .junit = junit != NULL, .verbose = verbose };
	ng_diags *d = ng_diags_new();
	ng_tester *t;
	int rc = cli_done(d, ng_tester_new(&o, &t, d));

	if (rc) {
		cli_usage(stderr, CMD_TEST);
		return rc;
	}
	filelist files = { 0 };
	int status = operands(paths, npaths, &files);
	if (!status)
		status = run(t, &files, junit);
	for (int i = 0; i < files.n; i++)
		free(files.v[i]);
	free(files.v);
	ng_tester_free(t);
	return status;
}
