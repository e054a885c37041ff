/*
 * embed.c: a program that embeds libnovagate as a user would, through the
 * installed header and `pkg-config --cflags --libs novagate` alone.  `make
 * check` installs the library into a temporary prefix, builds this against
 * it and runs it: it compiles a gate from a buffer, feeds samples, evaluates
 * at times it chooses and reads verdicts, rule states and diagnostics as C
 * values.  It prints what it found; tests/embed/embed.out holds what it
 * must print.
 */
#include <novagate.h>

#include <stdio.h>
#include <string.h>

static const char gate[] =
	"metric error_rate = `sum(rate(errors[1m])) / sum(rate(requests[1m]))`\n"
	"gate canary {\n"
	"  step 10s\n"
	"  window 1m\n"
	"  rollback \"errors\" when error_rate > 5% for 30s\n"
	"  go when error_rate < 1% for 1m\n"
	"}\n";

static const char broken[] =
	"metric e = `x`\n"
	"gate g {\n"
	"  go when e < 1 && f > 2\n"
	"}\n";

static void
show(const ng_check *c, int g, int64_t at)
{
	ng_gate_info gi;

	ng_gatefile_gate_info(ng_check_gatefile(c), g, &gi);
	printf("at %lld: %s", (long long)at, ng_verdict_name(ng_check_verdict(c, g)));
	for (int r = 0; r < gi.nrules; r++) {
		ng_rule_info ri;
		ng_gatefile_rule_info(ng_check_gatefile(c), g, r, &ri);
		printf(", %s %s=%s", ng_rule_kind_name(ri.kind), ri.name ? ri.name : "-",
		       ng_state_name(ng_check_rule_state(c, g, r)));
	}
	putchar('\n');
}

int
main(void)
{
	ng_diags *d = ng_diags_new();
	ng_gatefile *gf;

	/* a gate that does not compile: the errors are values, rendered once by the caller */
	if (ng_compile("broken.gate", broken, strlen(broken), NULL, &gf, d) != NG_ECOMPILE || gf)
		return 1;
	for (size_t i = 0; i < ng_diags_count(d); i++) {
		const ng_diag *e = ng_diags_get(d, i);
		printf("diag %s:%u:%u %s\n", e->file, e->line, e->col, e->message);
	}
	ng_diags_clear(d);

	if (ng_compile("canary.gate", gate, strlen(gate), NULL, &gf, d) != NG_OK)
		return 2;
	int g = ng_gatefile_find_gate(gf, "canary"), m = ng_gatefile_find_metric(gf, "error_rate");
	ng_check *c = ng_check_new(gf, g);
	const int64_t t0 = 1700000000000;

	/* healthy for two minutes, then 10% errors */
	for (int i = 0; i <= 24; i++)
		if (ng_check_push(c, m, false, t0 + i * 10000, i <= 12 ? 0.002 : 0.10) != 0)
			return 3;
	for (int i = 0; i <= 24; i += 6) {
		ng_check_eval(c, t0 + i * 10000);
		show(c, g, (t0 + i * 10000 - t0) / 1000);
	}
	/* a sample out of order is refused, not silently taken */
	printf("out of order: %d\n", ng_check_push(c, m, false, t0, 0.0));
	ng_check_free(c);
	ng_gatefile_free(gf);
	ng_diags_free(d);
	return 0;
}
