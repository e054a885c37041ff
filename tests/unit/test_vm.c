/*
 * test_vm.c: gates run by eval_gate() over series built by hand.  The
 * `for` edge cases of a Prometheus alerting rule evaluated every step,
 * missing data (gaps, NaN, staleness markers, defaults), three-valued
 * logic, the latched rollback, the verdict, bare `baseline`, the stack
 * the compiler sizes, and how far back a check keeps and asks for samples.
 *
 * Times are ms; AT is the end of the window, and samples sit on the steps.
 */
#include "eval.h"
#include "novagate.h"
#include "population.h"
#include "program.h"
#include "series.h"
#include "t.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AT	1700000000000LL		/* 2023-11-14T22:13:20Z */
#define S	1000LL
#define STEP	(15 * S)
#define NEVER	VM_NEVER

/* --- helpers ---------------------------------------------------------------- */

typedef struct world {
	program *p;
	population *ss;	/* SERIES_OF(metric, baseline): one series each, no `by` */
	int nss;
} world;

static world
make(const char *text)
{
	world w = { 0 };
	size_t n = strlen(text);
	char *copy = malloc(n + 1);
	int nerrors = 0;

	if (!copy)
		abort();
	memcpy(copy, text, n + 1);
	ng_diags *d = ng_diags_new();
	w.p = program_compile("t.gate", copy, n, NULL, 0, d, &nerrors);
	if (!w.p) {
		fprintf(stderr, "test gate does not compile:\n%s\n", text);
		ng_diags_render(d, NULL, stderr);
		abort();
	}
	ng_diags_free(d);
	w.nss = 2 * w.p->nmetrics;
	w.ss = calloc((size_t)w.nss, sizeof *w.ss);
	if (!w.ss)
		abort();
	for (int i = 0; i < w.nss; i++)
		pop_init(&w.ss[i], INT64_MAX / 4);	/* keep everything */
	return w;
}

static void
unmake(world *w)
{
	for (int i = 0; i < w->nss; i++)
		pop_free(&w->ss[i]);
	free(w->ss);
	program_free(w->p);
}

static int
metric(const world *w, const char *name)
{
	for (int i = 0; i < w->p->nmetrics; i++)
		if (strcmp(w->p->metrics[i].name, name) == 0)
			return i;
	abort();
}

/* One sample; t relative to AT. */
static void
push(world *w, const char *name, bool baseline, int64_t t, double v)
{
	population *P = &w->ss[SERIES_OF(metric(w, name), baseline)];
	char *none = calloc(1, 1);

	if (!P->n && none)
		pop_add(P, 0, true, none);
	else
		free(none);
	P->count += !series_is_stale(v);
	if (series_push(&P->m[0].s, AT + t, v) != 0) {
		fprintf(stderr, "test pushes out of order: %s at %lld\n", name, (long long)t);
		abort();
	}
}

/* Samples every step from..to (relative to AT, both included). */
static void
fill(world *w, const char *name, bool baseline, int64_t from, int64_t to, double v)
{
	for (int64_t t = from; t <= to; t += STEP)
		push(w, name, baseline, t, v);
}

static gate_result
run(const world *w, int gate)
{
	gate_result r;

	eval_gate(w->p, gate, w->ss, NULL, AT, 5, &r);
	return r;
}

/* Index of the named rule within gate g (NULL: the go rule). */
static int
rule(const world *w, int g, const char *name)
{
	const prog_gate *pg = &w->p->gates[g];

	for (int i = 0; i < pg->nrules; i++) {
		const prog_rule *r = &w->p->rules[pg->rule0 + i];
		if (name ? r->name && strcmp(r->name, name) == 0 : r->kind == RULE_GO)
			return i;
	}
	abort();
}

static const char *
tv(double x)
{
	return isnan(x) ? "unknown" : x == 1 ? "true" : x == 0 ? "false" : "?";
}

static void
expect(const world *w, const gate_result *r, ng_verdict v, const char *by, int line)
{
	const char *got = w->p->rules[r->decided].name;

	T_CHECK(r->verdict == v, "line %d: verdict %s, want %s", line, ng_verdict_name(r->verdict), ng_verdict_name(v));
	if (by)
		T_CHECK(got && strcmp(got, by) == 0, "line %d: decided by \"%s\", want \"%s\"",
			line, got ? got : "(go)", by);
	else
		T_CHECK(r->decided == w->p->gates[r->gate].go, "line %d: decided by \"%s\", want the go rule",
			line, got ? got : "?");
}
#define EXPECT(w, r, v, by) expect(w, r, v, by, __LINE__)

static void
state(const gate_result *r, int i, double want, int64_t since, int line)
{
	T_CHECK((isnan(want) && isnan(r->state[i])) || r->state[i] == want,
		"line %d: rule %d is %s, want %s", line, i, tv(r->state[i]), tv(want));
	T_CHECK(r->since[i] == since, "line %d: rule %d since %s%lld, want %s%lld", line, i,
		r->since[i] == NEVER ? "never " : "AT", r->since[i] == NEVER ? 0LL : (long long)(r->since[i] - AT),
		since == NEVER ? "never " : "AT", since == NEVER ? 0LL : (long long)(since - AT));
}
#define STATE(r, i, want, since) state(r, i, want, since, __LINE__)

/* --- `for`, as a Prometheus alerting rule evaluated every step ----------------- */

static const char for_gate[] =
	"metric e = `x`\n"
	"gate g {\n"
	"  window 2m\n"
	"  go when e > 1 for 1m\n"
	"}\n";

static void
for_exact(void)
{
	world w;
	gate_result r;

	/* true at exactly the last 5 steps (t - t0 = 1m): fires at the 5th */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -75 * S, 0);
	fill(&w, "e", false, -60 * S, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, 0, 1, AT);
	T_CHECK(r.decided_since == AT, "decided since AT%+lld, want AT", (long long)(r.decided_since - AT));
	gate_result_free(&r);
	unmake(&w);

	/* one step short: pending, reported false */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -60 * S, 0);
	fill(&w, "e", false, -45 * S, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_NOGO, NULL);
	STATE(&r, 0, 0, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/* true for longer: since is the step it began to fire, not when the condition began */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -105 * S, 0);
	fill(&w, "e", false, -90 * S, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, 0, 1, AT - 30 * S);
	gate_result_free(&r);
	unmake(&w);

	/* one false step resets it: true, false at AT-60s, true again for 4 steps */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -75 * S, 2);
	push(&w, "e", false, -60 * S, 0.5);
	fill(&w, "e", false, -45 * S, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_NOGO, NULL);
	STATE(&r, 0, 0, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/*
	 * `for` counts from the first evaluated step: with a 45s window a `for 1m` never holds,
	 * and, never seen false, it is unknown
	 */
	w = make("metric e = `x`\ngate g {\n  window 45s\n  go when e > 1 for 1m\n}\n");
	fill(&w, "e", false, -60 * 60 * S, 0, 2);
	r = run(&w, 0);
	T_CHECK(r.evaluations == 4, "%d evaluations, want 4", r.evaluations);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	gate_result_free(&r);
	unmake(&w);
	/* with a 1m window it holds at the last step */
	w = make("metric e = `x`\ngate g {\n  window 1m\n  go when e > 1 for 1m\n}\n");
	fill(&w, "e", false, -60 * 60 * S, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, 0, 1, AT);
	gate_result_free(&r);
	unmake(&w);

	/* for 0s is the condition itself */
	w = make("metric e = `x`\ngate g {\n  window 1m\n  go when e > 1 for 0s\n}\n");
	fill(&w, "e", false, -60 * S, -15 * S, 0);
	push(&w, "e", false, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, 0, 1, AT);
	gate_result_free(&r);
	unmake(&w);

	/* with a 30s step, `for 1m` needs 3 steps */
	w = make("metric e = `x`\ngate g {\n  step 30s\n  window 5m\n  go when e > 1 for 1m\n}\n");
	fill(&w, "e", false, -5 * 60 * S, -90 * S, 0);
	fill(&w, "e", false, -60 * S, 0, 2);
	r = run(&w, 0);
	T_CHECK(r.evaluations == 11, "%d evaluations, want 11", r.evaluations);
	EXPECT(&w, &r, NG_GO, NULL);
	gate_result_free(&r);
	unmake(&w);
}

static void
for_missing(void)
{
	world w;
	gate_result r;

	/* a gap shorter than the lookback: the last sample serves, the timer runs on */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -75 * S, 0);
	push(&w, "e", false, -60 * S, 2);
	push(&w, "e", false, -45 * S, 2);
	push(&w, "e", false, 0, 2);			/* nothing at -30s, -15s */
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, 0, 1, AT);
	gate_result_free(&r);
	unmake(&w);

	/* the series stops a minute early: still within the 5m lookback */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -75 * S, 0);
	push(&w, "e", false, -60 * S, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	T_NUMEQ(r.cmp[0][0], 2);
	gate_result_free(&r);
	unmake(&w);

	/* a gap longer than the lookback: no value at -15s, unknown, the timer resets: unknown, not false */
	w = make("metric e = `x`\ngate g {\n  window 2m\n  lookback 20s\n  go when e > 1 for 1m\n}\n");
	fill(&w, "e", false, -10 * 60 * S, -75 * S, 2);
	push(&w, "e", false, -60 * S, 2);
	push(&w, "e", false, -45 * S, 2);	/* serves -30s (15s old), not -15s (30s old) */
	push(&w, "e", false, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	STATE(&r, 0, NAN, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/* a sample exactly lookback old is out: (t - lookback, t] */
	w = make("metric e = `x`\ngate g {\n  lookback 20s\n  go when e > 1\n}\n");
	push(&w, "e", false, -20 * S, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	gate_result_free(&r);
	unmake(&w);
	w = make("metric e = `x`\ngate g {\n  lookback 20s\n  go when e > 1\n}\n");
	push(&w, "e", false, -20 * S + 1, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	gate_result_free(&r);
	unmake(&w);

	/* a NaN sample: the comparison is unknown, the timer resets: unknown */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -45 * S, 2);
	push(&w, "e", false, -30 * S, NAN);
	push(&w, "e", false, -15 * S, 2);
	push(&w, "e", false, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	STATE(&r, 0, NAN, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/* a staleness marker ends the value at once (no lookback), and resets the timer: unknown */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -45 * S, 2);
	push(&w, "e", false, -30 * S, series_stale_nan());
	push(&w, "e", false, -15 * S, 2);
	push(&w, "e", false, 0, 2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	STATE(&r, 0, NAN, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/* a staleness marker as the newest sample: no value, though 2 is 15s old */
	w = make(for_gate);
	fill(&w, "e", false, -10 * 60 * S, -15 * S, 2);
	push(&w, "e", false, -1, series_stale_nan());
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	STATE(&r, 0, NAN, NEVER);
	T_CHECK(isnan(r.cmp[0][0]) && r.cmp[0][1] == 1, "operands %g and %g, want NaN and 1", r.cmp[0][0], r.cmp[0][1]);
	gate_result_free(&r);
	unmake(&w);
}

/* --- three-valued logic ----------------------------------------------------- */

static void
logic(void)
{
	static const struct {
		const char *cond;
		ng_verdict v;
		double state;
	} cases[] = {
		/* a = 0, z = 0, b has no data */
		{ "a > 1 && b > 1", NG_NOGO, 0 },		/* false && unknown = false */
		{ "b > 1 && a > 1", NG_NOGO, 0 },		/* unknown && false = false */
		{ "a < 1 && b > 1", NG_INCONCLUSIVE, NAN },	/* true && unknown = unknown */
		{ "a < 1 || b > 1", NG_GO, 1 },			/* true || unknown = true */
		{ "b > 1 || a < 1", NG_GO, 1 },			/* unknown || true = true */
		{ "a > 1 || b > 1", NG_INCONCLUSIVE, NAN },	/* false || unknown = unknown */
		{ "!(b > 1)", NG_INCONCLUSIVE, NAN },		/* !unknown = unknown */
		{ "!(a > 1)", NG_GO, 1 },
		{ "!(a < 1)", NG_NOGO, 0 },
		{ "b > 1", NG_INCONCLUSIVE, NAN },
		{ "b != b", NG_INCONCLUSIVE, NAN },		/* NaN compares unknown, even != */
		{ "a + b < 1", NG_INCONCLUSIVE, NAN },		/* missing makes arithmetic NaN */
		{ "a * 0 + b * 0 == 0", NG_INCONCLUSIVE, NAN },
		{ "a < 1 && (b > 1 || a == 0)", NG_GO, 1 },
		{ "a / z > 1 || a < 1", NG_GO, 1 },		/* 0/0 is NaN: unknown */
		{ "a / z > 1", NG_INCONCLUSIVE, NAN },
		{ "(a + 1) / z > 1", NG_GO, 1 },		/* 1/0 is +Inf, as in PromQL */
		{ "-(a + 1) / z < -1e300", NG_GO, 1 },		/* -1/0 is -Inf */
	};

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		char text[256];
		world w;
		gate_result r;

		snprintf(text, sizeof text, "metric a = `a`\nmetric b = `b`\nmetric z = `z`\n"
			 "gate g {\n  go when %s\n}\n", cases[i].cond);
		w = make(text);
		fill(&w, "a", false, -60 * S, 0, 0);
		fill(&w, "z", false, -60 * S, 0, 0);
		r = run(&w, 0);
		T_CHECK(r.verdict == cases[i].v, "go when %s: verdict %s, want %s", cases[i].cond,
			ng_verdict_name(r.verdict), ng_verdict_name(cases[i].v));
		T_CHECK((isnan(cases[i].state) && isnan(r.state[0])) || r.state[0] == cases[i].state,
			"go when %s: state %s, want %s", cases[i].cond, tv(r.state[0]), tv(cases[i].state));
		gate_result_free(&r);
		unmake(&w);
	}
}

/* --- verdicts ------------------------------------------------------------------ */

static const char verdict_gate[] =
	"metric e = `x`\n"
	"metric p99 = `y`\n"
	"gate g {\n"
	"  window 5m\n"
	"  rollback \"spike\" when e > 5%\n"
	"  rollback \"slow\" when p99 > 1s for 30s\n"
	"  nogo \"warm\" when e > 1%\n"
	"  go when e < 0.5% && p99 < 500ms\n"
	"}\n";

static void
verdicts(void)
{
	world w;
	gate_result r;

	/* all well */
	w = make(verdict_gate);
	fill(&w, "e", false, -10 * 60 * S, 0, 0.001);
	fill(&w, "p99", false, -10 * 60 * S, 0, 0.2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	T_CHECK(r.evaluations == 21, "%d evaluations, want 21 (5m / 15s + 1)", r.evaluations);
	T_CHECK(r.from == AT - 300 * S && r.at == AT, "from AT%+lld, at AT%+lld", (long long)(r.from - AT),
		(long long)(r.at - AT));
	STATE(&r, rule(&w, 0, NULL), 1, AT - 300 * S);	/* true from the first step */
	T_CHECK(r.decided_since == AT - 300 * S, "decided since AT%+lld", (long long)(r.decided_since - AT));
	gate_result_free(&r);
	unmake(&w);

	/* a rollback that fires mid-window and recovers is still a rollback, since the firing step */
	w = make(verdict_gate);
	fill(&w, "e", false, -10 * 60 * S, -135 * S, 0.001);
	push(&w, "e", false, -120 * S, 0.2);
	fill(&w, "e", false, -105 * S, 0, 0.001);
	fill(&w, "p99", false, -10 * 60 * S, 0, 0.2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_ROLLBACK, "spike");
	STATE(&r, rule(&w, 0, "spike"), 0, AT - 120 * S);	/* false now, since kept: it fired then */
	T_CHECK(r.decided_since == AT - 120 * S, "decided since AT%+lld, want AT-120000",
		(long long)(r.decided_since - AT));
	STATE(&r, rule(&w, 0, NULL), 1, AT - 105 * S);		/* the go rule holds again */
	gate_result_free(&r);
	unmake(&w);

	/* a rollback with `for`: since is the step it fired, not when its condition began */
	w = make(verdict_gate);
	fill(&w, "e", false, -10 * 60 * S, 0, 0.001);
	fill(&w, "p99", false, -10 * 60 * S, -195 * S, 0.2);
	fill(&w, "p99", false, -180 * S, -150 * S, 2);	/* true at -180, -165, -150: fires at -150 */
	fill(&w, "p99", false, -135 * S, 0, 0.2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_ROLLBACK, "slow");
	T_CHECK(r.decided_since == AT - 150 * S, "decided since AT%+lld, want AT-150000",
		(long long)(r.decided_since - AT));
	gate_result_free(&r);
	unmake(&w);

	/* the same, a step short: never fired, so go */
	w = make(verdict_gate);
	fill(&w, "e", false, -10 * 60 * S, 0, 0.001);
	fill(&w, "p99", false, -10 * 60 * S, -195 * S, 0.2);
	fill(&w, "p99", false, -180 * S, -165 * S, 2);
	fill(&w, "p99", false, -150 * S, 0, 0.2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, rule(&w, 0, "slow"), 0, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/* the first rollback to fire decides, whatever the file order */
	w = make(verdict_gate);
	fill(&w, "e", false, -10 * 60 * S, -75 * S, 0.001);
	fill(&w, "e", false, -60 * S, 0, 0.2);			/* "spike" fires at -60s */
	fill(&w, "p99", false, -10 * 60 * S, -150 * S, 0.2);
	fill(&w, "p99", false, -135 * S, 0, 2);			/* "slow" fires at -105s */
	r = run(&w, 0);
	EXPECT(&w, &r, NG_ROLLBACK, "slow");
	T_CHECK(r.decided_since == AT - 105 * S, "decided since AT%+lld, want AT-105000",
		(long long)(r.decided_since - AT));
	STATE(&r, rule(&w, 0, "spike"), 1, AT - 60 * S);
	gate_result_free(&r);
	unmake(&w);

	/* a rollback before the window does not count */
	w = make(verdict_gate);
	fill(&w, "e", false, -10 * 60 * S, -315 * S, 0.2);
	fill(&w, "e", false, -300 * S, 0, 0.001);
	fill(&w, "p99", false, -10 * 60 * S, 0, 0.2);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	gate_result_free(&r);
	unmake(&w);

	/* a nogo true at the last step: no-go, though go holds */
	w = make("metric e = `x`\ngate g {\n  window 1m\n  nogo \"warm\" when e > 1%\n  go when e < 5%\n}\n");
	fill(&w, "e", false, -60 * S, -15 * S, 0.001);
	push(&w, "e", false, 0, 0.02);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_NOGO, "warm");
	T_CHECK(r.decided_since == AT, "decided since AT%+lld, want AT", (long long)(r.decided_since - AT));
	STATE(&r, rule(&w, 0, NULL), 1, AT - 60 * S);
	gate_result_free(&r);
	unmake(&w);

	/* a nogo true earlier but not at the last step: not latched */
	w = make("metric e = `x`\ngate g {\n  window 1m\n  nogo \"warm\" when e > 1%\n  go when e < 5%\n}\n");
	fill(&w, "e", false, -60 * S, -15 * S, 0.02);
	push(&w, "e", false, 0, 0.001);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, rule(&w, 0, "warm"), 0, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/* a nogo unknown stops a go: it may be true; the verdict names it */
	w = make("metric e = `x`\nmetric f = `f`\ngate g {\n  nogo \"f\" when f > 1\n  go when e < 5%\n}\n");
	fill(&w, "e", false, -60 * S, 0, 0.001);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, "f");
	STATE(&r, rule(&w, 0, "f"), NAN, NEVER);
	gate_result_free(&r);
	unmake(&w);

	/* go false at the last step: no-go decided by the go rule */
	w = make("metric e = `x`\ngate g {\n  go when e < 5%\n}\n");
	fill(&w, "e", false, -60 * S, -15 * S, 0.001);
	push(&w, "e", false, 0, 0.07);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_NOGO, NULL);
	T_CHECK(r.decided_since == NEVER, "decided since AT%+lld, want never", (long long)(r.decided_since - AT));
	gate_result_free(&r);
	unmake(&w);

	/* no data at all: inconclusive, the window's every step evaluated */
	w = make("metric e = `x`\ngate g {\n  window 10m\n  step 1m\n  go when e < 5%\n}\n");
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	T_CHECK(r.evaluations == 11 && r.from == AT - 600 * S, "%d evaluations from AT%+lld, want 11 from AT-600000",
		r.evaluations, (long long)(r.from - AT));
	gate_result_free(&r);
	unmake(&w);

	/* without a window or a `for`, the window is one step: two evaluations */
	w = make("metric e = `x`\ngate g {\n  go when e < 5%\n}\n");
	fill(&w, "e", false, -60 * S, 0, 0.001);
	r = run(&w, 0);
	T_CHECK(r.evaluations == 2 && r.from == AT - STEP, "%d evaluations from AT%+lld, want 2 from AT-15000",
		r.evaluations, (long long)(r.from - AT));
	gate_result_free(&r);
	unmake(&w);

	/* exactly at the threshold: 70% is the double nearest 0.7, so 0.7 < 70% is false */
	w = make("metric hit = `x`\ngate g {\n  rollback \"cold\" when hit < 70%\n  go when hit >= 70% && hit <= 95%\n}\n");
	fill(&w, "hit", false, -60 * S, -15 * S, 0.95);
	push(&w, "hit", false, 0, 7.0 / 10.0);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	gate_result_free(&r);
	unmake(&w);
}

/* --- default ---------------------------------------------------------------------- */

static const char default_gate[] =
	"metric restarts = `r` default 0\n"
	"metric e = `x`\n"
	"gate g {\n"
	"  nogo \"restarts\" when restarts > 0 || increase(restarts, 5m) > 0\n"
	"  go when e < 1% && restarts == 0\n"
	"}\n";

static void
defaults(void)
{
	world w, w2;
	gate_result r, r2;

	/* no sample at all: the default */
	w = make(default_gate);
	fill(&w, "e", false, -60 * S, 0, 0.001);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	STATE(&r, rule(&w, 0, "restarts"), 0, NEVER);
	T_CHECK(r.cmp[3][0] == 0, "restarts compared as %g, want the default 0", r.cmp[3][0]);
	T_CHECK(r.cmp[1][0] == 0, "increase(restarts, 5m) is %g, want the default 0", r.cmp[1][0]);
	gate_result_free(&r);
	unmake(&w);

	/* samples, but none within the lookback: no default (a failed scrape is not a 0), unknown */
	w = make(default_gate);
	fill(&w, "e", false, -60 * S, 0, 0.001);
	push(&w, "restarts", false, -10 * 60 * S, 3);
	push(&w, "restarts", false, -9 * 60 * S, 4);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	gate_result_free(&r);
	unmake(&w);

	/* a sample within the lookback wins over the default */
	w = make(default_gate);
	fill(&w, "e", false, -60 * S, 0, 0.001);
	push(&w, "restarts", false, -4 * 60 * S, 1);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_NOGO, "restarts");
	gate_result_free(&r);
	unmake(&w);

	/* a staleness marker after samples: the series ended, it has no value and no default */
	w = make(default_gate);
	fill(&w, "e", false, -60 * S, 0, 0.001);
	push(&w, "restarts", false, -60 * S, 1);
	push(&w, "restarts", false, -30 * S, series_stale_nan());
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	T_CHECK(isnan(r.cmp[3][0]), "a stale metric compared as %g, want no value", r.cmp[3][0]);

	/* only staleness markers: no samples at all, so the default */
	w2 = make(default_gate);
	fill(&w2, "e", false, -60 * S, 0, 0.001);
	push(&w2, "restarts", false, -30 * S, series_stale_nan());
	r2 = run(&w2, 0);
	EXPECT(&w2, &r2, NG_GO, NULL);
	gate_result_free(&r2);
	unmake(&w2);
	gate_result_free(&r);
	unmake(&w);

	/* a NaN sample is a value: no default, unknown */
	w = make(default_gate);
	fill(&w, "e", false, -60 * S, 0, 0.001);
	push(&w, "restarts", false, -30 * S, NAN);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	gate_result_free(&r);
	unmake(&w);

	/* the default is its baseline's too: the stable version's errors before its first */
	w = make("metric e = `x` baseline `y` default 0\ngate g {\n  go when e <= baseline(e)\n}\n");
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	T_CHECK(r.cmp[0][0] == 0 && r.cmp[0][1] == 0, "operands %g and %g, want 0 and 0", r.cmp[0][0], r.cmp[0][1]);
	gate_result_free(&r);
	unmake(&w);

	/* ... and a baseline that had samples and lost them stays unknown, as the metric does */
	w = make("metric e = `x` baseline `y` default 0\ngate g {\n  go when e <= baseline(e)\n}\n");
	fill(&w, "e", true, -600 * S, -400 * S, 1);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	T_CHECK(r.cmp[0][0] == 0 && isnan(r.cmp[0][1]), "operands %g and %g, want 0 and NaN", r.cmp[0][0], r.cmp[0][1]);
	gate_result_free(&r);
	unmake(&w);

	/* a negative default */
	w = make("metric e = `x` default -1\ngate g {\n  go when e < 0\n}\n");
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	gate_result_free(&r);
	unmake(&w);
}

/* --- baseline ------------------------------------------------------------------- */

static void
baselines(void)
{
	static const char text[] =
		"metric a = `a` baseline `a0`\n"
		"metric b = `b` baseline `b0`\n"
		"gate g {\n"
		"  nogo \"left\" when baseline * 2 < b\n"
		"  go when b < baseline * 2\n"
		"}\n";
	world w;
	gate_result r;

	/* bare baseline is b's on both sides of the comparison; a's would make it go */
	w = make(text);
	fill(&w, "a", false, -60 * S, 0, 1);
	fill(&w, "a", true, -60 * S, 0, 100);
	fill(&w, "b", false, -60 * S, 0, 3);
	fill(&w, "b", true, -60 * S, 0, 1);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_NOGO, "left");
	STATE(&r, rule(&w, 0, NULL), 0, NEVER);
	T_CHECK(r.cmp[1][0] == 3 && r.cmp[1][1] == 2, "go compared %g < %g, want 3 < 2", r.cmp[1][0], r.cmp[1][1]);
	T_CHECK(r.cmp[0][0] == 2 && r.cmp[0][1] == 3, "nogo compared %g < %g, want 2 < 3", r.cmp[0][0], r.cmp[0][1]);
	gate_result_free(&r);
	unmake(&w);

	/* baseline + 20% is relative; baseline(NAME) names the series; functions read baselines */
	w = make("metric p99 = `y` baseline `z`\n"
		 "metric e = `x`\n"
		 "gate g {\n"
		 "  nogo \"avg\" when avg(baseline(p99), 1m) > 1\n"
		 "  go when p99 < baseline + 20% && e < baseline(p99)\n"
		 "}\n");
	fill(&w, "p99", false, -60 * S, 0, 0.23);
	fill(&w, "p99", true, -60 * S, 0, 0.2);
	fill(&w, "e", false, -60 * S, 0, 0.1);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	T_NUMEQ(r.cmp[1][1], 0.24);
	T_NUMEQ(r.cmp[0][0], 0.2);
	gate_result_free(&r);
	unmake(&w);

	/* a missing baseline is unknown */
	w = make("metric p99 = `y` baseline `z`\ngate g {\n  go when p99 < baseline + 20%\n}\n");
	fill(&w, "p99", false, -60 * S, 0, 0.23);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_INCONCLUSIVE, NULL);
	gate_result_free(&r);
	unmake(&w);
}

/* --- several gates, and the severity order ------------------------------------------ */

static void
gates(void)
{
	world w = make("metric e = `x`\n"
		       "gate a {\n  go when e < 1\n}\n"
		       "gate b {\n  window 1m\n  nogo \"high\" when e > 0.5\n  go when e < 1\n}\n");
	gate_result r;

	fill(&w, "e", false, -60 * S, 0, 0.7);
	r = run(&w, 0);
	EXPECT(&w, &r, NG_GO, NULL);
	T_CHECK(r.gate == 0, "gate %d", r.gate);
	gate_result_free(&r);
	r = run(&w, 1);
	EXPECT(&w, &r, NG_NOGO, "high");
	T_CHECK(r.gate == 1 && r.evaluations == 5, "gate %d, %d evaluations; want 1, 5", r.gate, r.evaluations);
	gate_result_free(&r);
	unmake(&w);

	T_CHECK(ng_verdict_worse(NG_ROLLBACK, NG_NOGO) && ng_verdict_worse(NG_NOGO, NG_INCONCLUSIVE) &&
		ng_verdict_worse(NG_INCONCLUSIVE, NG_GO) && !ng_verdict_worse(NG_GO, NG_GO),
		"worst wins: rollback > no-go > inconclusive > go");
	T_STREQ(ng_verdict_name(NG_GO), "go");
	T_STREQ(ng_verdict_name(NG_NOGO), "no-go");
	T_STREQ(ng_verdict_name(NG_ROLLBACK), "rollback");
	T_STREQ(ng_verdict_name(NG_INCONCLUSIVE), "inconclusive");
}

/* --- the stack the compiler sizes from opcodes.def ------------------------------ */

/* The VM goes exactly as deep as the compiler says: no deeper (a heap overrun), and as deep. */
static void
stack_exact(void)
{
	static const char *const conds[] = {
		"e < 1",
		"quantile(0.5, e, 1m) > 1 || rate(e, 1m) < delta(e, 2m)",
		"e < 1 for 1m && !(e > 2) || -e < 3 && min(e, 1m) != max(e, 1m)",
		"e < e + (e + (e * (e / (e - avg(e, 1m) + increase(e, 1m)))))",
	};
	char text[4096];

	for (size_t i = 0; i <= sizeof conds / sizeof *conds; i++) {
		if (i < sizeof conds / sizeof *conds) {
			snprintf(text, sizeof text, "metric e = `x`\ngate g {\n  go when %s\n}\n", conds[i]);
		} else {	/* nested 200 deep */
			int n = snprintf(text, sizeof text, "metric e = `x`\ngate g {\n  go when e < ");
			for (int k = 0; k < 200; k++)
				n += snprintf(text + n, sizeof text - (size_t)n, "e + (");
			n += snprintf(text + n, sizeof text - (size_t)n, "e");
			for (int k = 0; k < 200; k++)
				n += snprintf(text + n, sizeof text - (size_t)n, ")");
			snprintf(text + n, sizeof text - (size_t)n, "\n}\n");
		}
		world w = make(text);
		int depth = w.p->gates[0].stack;
		const double mark = -1234.5;	/* no value these gates compute */
		vm v;

		fill(&w, "e", false, -120 * S, 0, 0.5);
		vm_init(&v, w.p, 0, w.ss);
		for (int k = 0; k <= depth; k++)	/* vm_init gives one slot to spare */
			v.stack[k] = mark;
		vm_step(&v, AT);
		T_CHECK(depth > 0 && v.stack[depth - 1] != mark, "gate %zu: stack %d, but the VM never went that deep",
			i, depth);
		T_CHECK(v.stack[depth] == mark, "gate %zu: the VM went deeper than its stack of %d", i, depth);
		vm_free(&v);
		unmake(&w);
	}
}

/* --- what a check keeps and asks for (ng_check_needs) ---------------------------- */

static void
reach(void)
{
	world w = make("metric x = `x`\nmetric y = `y`\nmetric z = `z` baseline `zb`\n"
		       "gate a {\n  window 1m\n  lookback 2m\n  go when x < 1 for 1m && avg(y, 10m) < 1\n}\n"
		       "gate b {\n  step 10s\n  window 30s\n  go when avg(x, 1m) < 1 && z < baseline\n}\n");
	int64_t step, far;
	ng_check *c;

	/* the first step's distance (the window) plus the lookback or the function's range */
	c = ng_check_new(w.p, -1);
	T_CHECK(ng_check_needs(c, 0, false, &step, &far) && step == 5 * S && far == 330 * S,
		"x: step %lld reach %lld; want 5000 (both gates'), 330000 (b's)", (long long)step, (long long)far);
	T_CHECK(ng_check_needs(c, 1, false, &step, &far) && step == STEP && far == 660 * S,
		"y: step %lld reach %lld; want 15000, 660000", (long long)step, (long long)far);
	T_CHECK(ng_check_needs(c, 2, true, &step, &far) && step == 10 * S && far == 330 * S,
		"baseline(z): step %lld reach %lld; want 10000, 330000", (long long)step, (long long)far);
	T_CHECK(!ng_check_needs(c, 1, true, &step, &far) && step == 0 && far == 0,
		"the baseline of y is read by no gate");
	ng_check_free(c);
	c = ng_check_new(w.p, 0);
	T_CHECK(ng_check_needs(c, 0, false, &step, &far) && step == STEP && far == 180 * S,
		"gate a alone, x: step %lld reach %lld; want 15000, 180000", (long long)step, (long long)far);
	T_CHECK(!ng_check_needs(c, 2, false, &step, &far), "gate a does not read z");

	/*
	 * It keeps as far back as that: the first step (AT-1m) reads a sample
	 * 1ms inside its lookback (2m), however late the newest sample is.
	 */
	ng_check_set_at(c, AT);
	ng_check_push(c, 0, false, AT - 180 * S + 1, 0);
	ng_check_push(c, 0, false, AT - 60 * S + 1, 0);
	ng_check_push(c, 0, false, AT, 0);
	for (int64_t t = -600 * S; t <= 0; t += STEP)
		ng_check_push(c, 1, false, AT + t, 0);
	T_CHECK(ng_check_eval(c, AT) == NG_GO, "x < 1 held for 1m only if the first step saw the oldest sample");
	ng_check_free(c);
	unmake(&w);
}

/* ng_check_series: the errors an embedder meets, which text input cannot reach in the same way. */
static void
series_api(void)
{
	world w = make("metric one = `x`\nmetric pods by (pod) = `y`\nmetric unread = `z`\n"
		       "gate g {\n  go when one < 1 && all(pods < 1)\n}\n"
		       "gate h {\n  go when unread < 1\n}\n");
	ng_diags *d = ng_diags_new();
	ng_label a[] = { { "pod", "a" }, { "node", "n1" } }, a2[] = { { "node", "n1" }, { "pod", "a" } };
	ng_label b[] = { { "pod", "b" } }, a3[] = { { "pod", "a" }, { "node", "n2" } };
	ng_check *c = ng_check_new(w.p, 0);

	T_CHECK(ng_check_series(c, 9, false, NULL, 0, d) == -1 && ng_diags_error(d) == NG_EUSAGE, "no metric 9");
	ng_diags_clear(d);
	int ha = ng_check_series(c, 1, false, a, 2, d);
	T_CHECK(ha >= 0 && ng_check_series(c, 1, false, a2, 2, d) == ha, "a label set in another order is the same series");
	T_CHECK(ng_check_series(c, 1, false, a3, 2, d) == -1 && ng_diags_error(d) == NG_ESERIES,
		"two label sets of the identity pod=\"a\"");
	ng_diags_clear(d);
	int hu = ng_check_series(c, 2, false, NULL, 0, d);
	T_CHECK(hu >= 0 && ng_check_push_to(c, hu, AT, 5) == 0, "a metric no evaluated gate reads takes its samples");
	ng_check_set_max_series(c, 2);	/* ha, and one more: the unread one counts for nothing */
	T_CHECK(ng_check_series(c, 0, false, b, 1, d) >= 0, "a second series, within the max");
	T_CHECK(ng_check_series(c, 1, false, b, 1, d) == -1 && ng_diags_error(d) == NG_ESERIES, "a third, past it");
	ng_diags_clear(d);
	T_CHECK(ng_check_push(c, 0, false, AT, 0) == -1, "one, without by, has a labeled series: none without labels");
	ng_diags_free(d);
	ng_check_free(c);
	unmake(&w);
}

int
main(void)
{
	for_exact();
	for_missing();
	logic();
	verdicts();
	defaults();
	baselines();
	gates();
	stack_exact();
	reach();
	series_api();
	return T_DONE();
}
