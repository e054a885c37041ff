/* status.c: the one map from the library's verdicts and errors to exit statuses, and how errors are shown. */
#include "cli.h"


static const int verdict_status[] = {
	[NG_GO] = EXIT_GO, [NG_NOGO] = EXIT_NOGO, [NG_ROLLBACK] = EXIT_ROLLBACK,
	[NG_INCONCLUSIVE] = EXIT_INCONCLUSIVE,
};

static const int error_status[] = {
	[NG_OK] = 0, [NG_EUSAGE] = EXIT_USAGE, [NG_ECOMPILE] = EXIT_COMPILE, [NG_EINPUT] = EXIT_INPUT,
	[NG_EIO] = EXIT_IO, [NG_ETEST] = EXIT_TEST, [NG_ECONNECT] = EXIT_CONNECT,
	[NG_ETIMEOUT] = EXIT_TIMEOUT, [NG_EHTTP] = EXIT_HTTP, [NG_EAPI] = EXIT_API,
	[NG_EDECODE] = EXIT_DECODE, [NG_ESERIES] = EXIT_SERIES, [NG_ETOOBIG] = EXIT_TOOBIG,
};
_Static_assert(sizeof verdict_status / sizeof *verdict_status == NG_INCONCLUSIVE + 1, "every verdict");
_Static_assert(sizeof error_status / sizeof *error_status == NG_ETOOBIG + 1, "every error code");

int
cli_verdict_status(ng_verdict v)
{
	return (unsigned)v < sizeof verdict_status / sizeof *verdict_status ? verdict_status[v]
									    : EXIT_INCONCLUSIVE;
}

int
cli_exit_status(ng_errcode rc)
{
	/* a code without a status of its own is still a failure, never a verdict */
	if ((unsigned)rc >= sizeof error_status / sizeof *error_status || (rc && !error_status[rc]))
		return EXIT_IO;
	return error_status[rc];
}

int
cli_done(ng_diags *d, ng_errcode rc)
{
	cli_print_diags(d);
	ng_diags_free(d);
	return cli_exit_status(rc);
}

void
cli_print_diags(const ng_diags *d)
{
	int nerrors = 0;

	ng_diags_render(d, "novagate", stderr);
	for (size_t i = 0; i < ng_diags_count(d); i++)
		nerrors += ng_diags_get(d, i)->severity == NG_SEV_ERROR && ng_diags_get(d, i)->code == NG_ECOMPILE;
	if (nerrors > 1)
		fprintf(stderr, "%d errors\n", nerrors);
}
