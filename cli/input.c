/* input.c: what check reads besides a server: --input and --baseline, diagnostics printed. */
#include "cli.h"

#include <string.h>

ng_errcode
cli_read_input(ng_check *c, const char *path, ng_diags *d)
{
	/* samples without a timestamp were taken now, as a scrape's are */
	int64_t now = cli_now_ms();
	if (strcmp(path, "-") == 0)
		return ng_check_read_fd(c, 0, "<stdin>", now, d);
	return ng_check_read_file(c, path, now, d);
}

int
cli_baseline_load(const char *path, ng_baseline **out)
{
	ng_diags *d = ng_diags_new();

	return cli_done(d, ng_baseline_load(path, out, d));
}

int
cli_baseline_apply(ng_baseline *b, ng_check *c, int64_t anchor, int64_t upto)
{
	ng_diags *d = ng_diags_new();

	return cli_done(d, ng_baseline_apply(b, c, anchor, upto, d));
}
