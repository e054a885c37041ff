/* report.c: --report, the page of the last evaluation (check and watch FILE.html, test a page in DIR). */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Written beside path and renamed over it: a reader (watch rewrites it) never sees half a page. */
int
cli_report_html(const ng_check *c, const ng_html_opts *o, const char *path)
{
	size_t n = strlen(path) + 8;
	char *tmp = ng_realloc(NULL, n);
	int st = 0;

	snprintf(tmp, n, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) {
		fprintf(stderr, "novagate: %s: %s\n", tmp, strerror(errno));
		free(tmp);
		return cli_exit_status(NG_EIO);
	}
	ng_check_report_html_ex(c, o, f);
	if (ferror(f) | (fclose(f) != 0)) {
		fprintf(stderr, "novagate: %s: cannot write the report\n", tmp);
		st = cli_exit_status(NG_EIO);
	} else if (rename(tmp, path) != 0) {
		fprintf(stderr, "novagate: %s: %s\n", path, strerror(errno));
		st = cli_exit_status(NG_EIO);
	}
	if (st)
		remove(tmp);
	free(tmp);
	return st;
}
