/*
 * lint.c: `novagate lint FILE.gate --prometheus URL`, the preflight: the
 * library asks the server about every query (ng_lint); this prints the
 * findings, compiler-style with their kind, or as one JSON object.
 */
#include "live.h"

#include <stdlib.h>
#include <string.h>

static void
print_human(const ng_diags *d, int nfindings, FILE *out)
{
	for (size_t i = 0; i < ng_diags_count(d); i++) {
		ng_diag g = *ng_diags_get(d, i);
		char *msg = NULL;
		if (g.finding) {
			size_t n = strlen(g.message) + 32;
			msg = ng_realloc(NULL, n);
			snprintf(msg, n, "%s [%s]", g.message, ng_finding_name((ng_finding)g.finding));
			g.message = msg;
		}
		ng_diag_render(&g, "novagate", out);
		free(msg);
	}
	if (nfindings)
		fprintf(out, "%d finding%s\n", nfindings, nfindings == 1 ? "" : "s");
}

static void
print_json(const cli_opts *o, const ng_diags *d, int64_t at, FILE *out)
{
	json_t *j = json_object(), *a = json_array();
	char lb[32];

	ng_format_duration(lb, sizeof lb, o->lookback);
	json_object_set_new(j, "file", json_string(o->file));
	json_object_set_new(j, "at", live_timestamp(at));
	json_object_set_new(j, "lookback", json_string(lb));
	for (size_t i = 0; i < ng_diags_count(d); i++) {
		const ng_diag *g = ng_diags_get(d, i);
		if (!g->finding)
			continue;
		json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:i,s:i,s:s}", "kind",
						   ng_finding_name((ng_finding)g->finding), "metric", g->metric,
						   "file", g->file, "line", (int)g->line, "column", (int)g->col,
						   "message", g->message));
	}
	json_object_set_new(j, "findings", a);
	live_put_line(j, out);
}

int
live_lint(const cli_opts *o, const ng_gatefile *gf)
{
	int st, nfindings = 0;
	ng_prom *pc = live_client(o, gf, &st);

	if (!pc)
		return st;
	int64_t at = o->has_at ? o->at : cli_now_ms() / 1000 * 1000 - o->delay;
	ng_diags *d = ng_diags_new();
	ng_errcode rc = ng_lint(pc, gf, at, o->lookback, live_max_series(o), d, &nfindings);
	if (rc) {
		st = cli_done(d, rc);
	} else {
		if (!o->human)
			print_json(o, d, at, stdout);
		else
			print_human(d, nfindings, stdout);
		ng_diags_free(d);
		st = live_flush_stdout();
		if (!st && nfindings)
			st = EXIT_FINDINGS;
	}
	ng_prom_free(pc);
	return st;
}
