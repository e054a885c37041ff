/* report.c: check --report FILE.html, the page of the last evaluation. */
#include "cli.h"

#include <errno.h>
#include <string.h>

int
cli_report_html(const ng_check *c, const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "novagate: %s: %s\n", path, strerror(errno));
		return cli_exit_status(NG_EIO);
	}
	ng_check_report_html(c, f);
	if (ferror(f) | (fclose(f) != 0)) {
		fprintf(stderr, "novagate: %s: cannot write the report\n", path);
		return cli_exit_status(NG_EIO);
	}
	return 0;
}
