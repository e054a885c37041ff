/* input.c: what check reads besides a server: --input and --baseline, diagnostics printed. */
#include "cli.h"

#include <string.h>
#include <sys/time.h>

#include "baseline.h"

ng_errcode
cli_read_input(ng_check *c, const char *path, ng_diags *d)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	/* samples without a timestamp were taken now, as a scrape's are */
	int64_t now = (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
	if (strcmp(path, "-") == 0)
		return ng_check_read_fd(c, 0, "<stdin>", now, d);
	return ng_check_read_file(c, path, now, d);
}

int
cli_baseline_load(const char *path, baseline_file **out)
{
	ng_diags *d = ng_diags_new();
	ng_errcode rc = baseline_load(path, out, d);

	ng_diags_render(d, "novagate", stderr);
	ng_diags_free(d);
	return cli_exit_status(rc);
}

int
cli_baseline_apply(baseline_file *b, const ng_gatefile *gf, ng_check *c, int64_t anchor, int64_t upto)
{
	ng_diags *d = ng_diags_new();
	ng_errcode rc = baseline_apply(b, gf, c, anchor, upto, d);

	ng_diags_render(d, "novagate", stderr);
	ng_diags_free(d);
	return cli_exit_status(rc);
}
