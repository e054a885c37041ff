/*
 * sema.c: names, units and types of a parsed .gate file.  Annotates the
 * tree in place (types, values, metric indices) and reports every error
 * it finds with its location; compile.c trusts a tree that passed.
 */
#include "sema.h"
#include "names.h"
#include "query.h"
#include "sbuf.h"
#include "units.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DURATION (100LL * 365 * 86400000)	/* keeps every sum of durations far from overflow */
#define MAX_EVALUATIONS 1000000

typedef struct sema {
	ast_file *f;
	diag_src *d;
	ast_gate *gate;
	bool any_baseline;	/* --baseline given: every metric has one */
	/* each name's first definition: the one a lookup finds and a duplicate's note shows */
	names params, metrics, sets;
	const param_set *setv;	/* --set values, by the index sets holds */
	const ast_node *quant;	/* the quantifier being typed, or NULL */
	const ast_node *hist;	/* the times() or burn_rate() whose argument is typed, or NULL */
	int floor_of;		/* the metric whose floor is typed, or -1 */
} sema;

static const struct fninfo {
	const char *name;
	int nargs;		/* including the series and the range */
	bool range;		/* the last argument is a duration */
	bool phi;		/* the first argument is a value */
} fns[] = {
	[FN_AVG] = { "avg", 2, true, false },
	[FN_MIN] = { "min", 2, true, false },
	[FN_MAX] = { "max", 2, true, false },
	[FN_LAST] = { "last", 1, false, false },
	[FN_DELTA] = { "delta", 2, true, false },
	[FN_QUANTILE] = { "quantile", 3, true, true },
	[FN_RATE] = { "rate", 2, true, false },
	[FN_INCREASE] = { "increase", 2, true, false },
	[FN_MANNWHITNEY] = { "mannwhitney", 2, true, false },
	[FN_SHIFT] = { "shift", 2, true, false },
	[FN_RATIO_TEST] = { "ratio_test", 3, true, false },
	[FN_BURN_RATE] = { "burn_rate", 3, true, false },
	[FN_TIMES] = { "times", 2, true, false },	/* or 1: since the window began */
	[FN_ANY] = { "any", 1, false, false },
	[FN_ALL] = { "all", 1, false, false },
	[FN_COUNT] = { "count", 1, false, false },
	[FN_FRACTION] = { "fraction", 1, false, false },
	[FN_PRESENT] = { "count", 1, false, false },
	[FN_SMIN] = { "min", 1, false, false },
	[FN_SMAX] = { "max", 1, false, false },
	[FN_SAVG] = { "avg", 1, false, false },
	[FN_SSUM] = { "sum", 1, false, false },
};
_Static_assert(sizeof fns / sizeof *fns == FN__N, "a row of fns for each enum ast_fn");

const char *
sema_fn_name(int fn)
{
	return fn >= 0 && fn < FN__N ? fns[fn].name : "?";
}

static int
find_metric(const sema *s, const char *name)
{
	return names_find(&s->metrics, name);
}

/* The metric a value has its unit from: the first in it of that unit, or -1. */
static int
unit_metric(const sema *s, const ast_node *n)
{
	if (!n || n->unit == UNIT_NONE)
		return -1;
	if ((n->kind == A_METRIC || n->kind == A_BASELINE) && n->metric >= 0 &&
	    s->f->metrics[n->metric].unit == n->unit)
		return n->metric;
	for (int i = 0; i < n->nargs; i++) {
		int m = n->arg[i]->unit == n->unit ? unit_metric(s, n->arg[i]) : -1;
		if (m >= 0)
			return m;
	}
	return -1;
}

/* Where metric m has its unit from, as a note under the error just reported. */
static void
unit_note(sema *s, int m)
{
	const ast_metric *am = &s->f->metrics[m];

	if (am->unit_word) {
		diag_note(s->d, am->unit_span, "'%s' is declared in %s here", am->name, units_name(am->unit));
	} else if (am->unit_sel >= 0) {
		const pq_selector *sel = pq_selector_at(am->q[0].pq, am->unit_sel);
		diag_note(s->d, query_file_span(&am->q[0], s->d->text, sel->name_off, sel->name_len),
			  "'%s' is in %s: its query reads %s (declare `unit none` if it is not)",
			  am->name, units_name(am->unit), sel->metric);
	}
}

/* The first metric a value reads, or -1. */
static int
first_metric(const ast_node *n)
{
	if (!n)
		return -1;
	if ((n->kind == A_METRIC || n->kind == A_BASELINE) && n->metric >= 0)
		return n->metric;
	for (int i = 0; i < n->nargs; i++) {
		int m = first_metric(n->arg[i]);
		if (m >= 0)
			return m;
	}
	return -1;
}

/* An error of a value literal read against a unit (units_value_in()), with its suggestion. */
static void
value_error(sema *s, const ast_node *n, const ast_node *against, int rc, const char *err, size_t at)
{
	const char *text = s->d->text + n->span.off;
	diag_span u = { n->span.off + (unsigned)at, n->span.len - (unsigned)at };
	enum unit unit = against ? against->unit : UNIT_NONE;
	int m = unit_metric(s, against);
	const char *name = m >= 0 ? s->f->metrics[m].name : "the other side";

	if (rc == UNITS_EAMBIG) {
		double v = 0;
		bool pct;
		size_t at2;
		units_value(text, at, &v, &pct, &err, &at2);	/* the number before the m */
		if (unit == UNIT_SECONDS)
			diag_error(s->d, u, "'%.*s' against %s (seconds) is ambiguous: write %.*sms for a millisecond "
				   "or %.15gs for a minute", (int)n->span.len, text, name, (int)at, text, v * 60);
		else {
			m = first_metric(against);
			diag_error(s->d, u, "'%.*s' against %s (no unit) is ambiguous: write %.15gs for %.*s minutes "
				   "or %.15g for %.*s thousandths, or declare the metric's unit (`unit cores` "
				   "reads m as milli)", (int)n->span.len, text, m >= 0 ? s->f->metrics[m].name : name,
				   v * 60, (int)at, text, v / 1000, (int)at, text);
			if (m >= 0 && s->f->metrics[m].unit_word)
				diag_note(s->d, s->f->metrics[m].unit_span, "'%s' is declared `unit none` here",
					  s->f->metrics[m].name);
			else if (m >= 0)
				diag_note(s->d, s->f->metrics[m].span, "'%s' has no unit: declared without `unit`, and "
					  "its query's cannot be inferred", s->f->metrics[m].name);
			return;
		}
	} else if (rc == UNITS_EOTHER) {
		diag_error(s->d, u, "'%.*s' against %s (%s): '%.*s' is not a unit of %s (units of %s: %s)",
			   (int)n->span.len, text, name, units_name(unit), (int)u.len, text + at,
			   units_name(unit), units_name(unit), units_suffixes(unit));
	} else if (strcmp(err, "unknown unit") == 0) {
		diag_error(s->d, u, "unknown unit '%.*s' (%s%s: %s)", (int)u.len, text + at,
			   unit ? "units of " : "value units", unit ? units_name(unit) : "", units_suffixes(unit));
	} else {
		diag_error(s->d, u, "%s", err);
	}
	if (m >= 0 && (rc == UNITS_EAMBIG || rc == UNITS_EOTHER))
		unit_note(s, m);
}

/*
 * A value literal, read against the unit of the value against (NULL:
 * none), or a duration literal when dur.
 */
static bool
literal(sema *s, ast_node *n, bool dur, const ast_node *against)
{
	const char *err;
	size_t at;
	const char *text = s->d->text + n->span.off;

	if (n->kind == A_NEG && dur) {
		diag_error(s->d, n->span, "a duration cannot be negative");
		return false;
	}
	if (n->kind == A_NEG) {
		if (!literal(s, n->arg[0], false, against))
			return false;
		n->kind = A_NUM;
		n->num = -n->arg[0]->num;
		n->type = TY_NUM;
		n->unit = n->arg[0]->unit;
		return true;
	}
	if (n->kind != A_NUM) {
		diag_error(s->d, n->span, "expected a number");
		return false;
	}
	if (dur) {
		int64_t ms;
		if (units_duration(text, n->span.len, &ms, &err, &at) < 0) {
			diag_error(s->d, (diag_span){ n->span.off + (unsigned)at, n->span.len - (unsigned)at }, "%s", err);
			return false;
		}
		if (ms > MAX_DURATION) {
			diag_error(s->d, n->span, "duration longer than 100y");
			return false;
		}
		n->num = (double)ms;
		n->type = TY_DUR;
	} else {
		bool pct;
		enum unit u = against ? against->unit : UNIT_NONE;
		int rc = units_value_in(text, n->span.len, u, &n->num, &pct, &err, &at);
		if (rc < 0) {
			value_error(s, n, against, rc, err, at);
			return false;
		}
		n->relpct = pct;	/* kept only where a + or - makes it relative */
		n->type = TY_NUM;
		n->unit = u;
		n->isconst = true;
	}
	return true;
}

static bool is_across(const ast_node *n);

/* Does the subtree hold a bare `baseline` (not one a quantifier's own comparison binds)? */
static bool
has_bare_baseline(const ast_node *n)
{
	if (!n || is_across(n))
		return false;
	if (n->kind == A_BASELINE && !n->name)
		return true;
	for (int i = 0; i < n->nargs; i++)
		if (has_bare_baseline(n->arg[i]))
			return true;
	return false;
}

/* Collect the distinct metrics a subtree reads as values (not baselines). */
static void
metrics_of(const sema *s, const ast_node *n, int *out, int *nout, int max)
{
	int m;

	if (!n)
		return;
	if (n->kind == A_METRIC && (m = find_metric(s, n->name)) >= 0) {
		for (int i = 0; i < *nout && i < max; i++)
			if (out[i] == m)
				return;
		if (*nout < max)
			out[*nout] = m;
		(*nout)++;
	}
	for (int i = 0; i < n->nargs; i++)
		metrics_of(s, n->arg[i], out, nout, max);
}

static void
bind_baseline(ast_node *n, int metric)
{
	if (!n)
		return;
	if (n->kind == A_BASELINE && !n->name)
		n->metric = metric;
	for (int i = 0; i < n->nargs; i++)
		bind_baseline(n->arg[i], metric);
}

/* Whether metrics a and b are declared with the same `by` labels, in the same order. */
static bool
same_by(const sema *s, int a, int b)
{
	const ast_label *x = s->f->metrics[a].by, *y = s->f->metrics[b].by;

	for (; x && y; x = x->next, y = y->next)
		if (strcmp(x->name, y->name) != 0)
			return false;
	return !x && !y;
}

/* A metric's `by` as written: (pod, route). */
static void
by_text(const sema *s, int m, sbuf *b)
{
	sb_add(b, "(", 1);
	for (const ast_label *l = s->f->metrics[m].by; l; l = l->next)
		sb_printf(b, "%s%s", l->name, l->next ? ", " : "");
	sb_add(b, ")", 1);
}

/* n is a set when it reads a metric with `by` (set by expr() on its operands first). */
static void
set_of(ast_node *n, const ast_node *a)
{
	if (a && a->set) {
		n->set = true;
		n->by = a->by;
	}
}

/* Two sets meet series by series, so they must be of one identity. */
static bool
join_sets(sema *s, ast_node *n)
{
	const ast_node *a = n->arg[0], *b = n->arg[1];

	n->set = false;
	set_of(n, a);
	set_of(n, b);
	if (!a->set || !b->set || same_by(s, a->by, b->by))
		return true;
	sbuf x = { 0 }, y = { 0 };
	by_text(s, a->by, &x);
	by_text(s, b->by, &y);
	diag_error(s->d, n->span, "'%s' is by %s and '%s' by %s: series of two identities cannot be matched",
		   s->f->metrics[a->by].name, x.s, s->f->metrics[b->by].name, y.s);
	free(x.s);
	free(y.s);
	return false;
}

static bool
check_baseline(sema *s, const ast_node *n, int m)
{
	const ast_metric *am = &s->f->metrics[m];

	if (am->q[1].text || s->any_baseline)
		return true;
	diag_error(s->d, n->span, "metric '%s' has no baseline", am->name);
	diag_note(s->d, am->span, "add `baseline `QUERY`` to the metric '%s'", am->name);
	return false;
}

/*
 * A bare `baseline` is the baseline of the one metric on the other side of
 * its comparison: resolve it before the operands are typed.
 */
static bool
resolve_baselines(sema *s, ast_node *cmp)
{
	bool l = has_bare_baseline(cmp->arg[0]), r = has_bare_baseline(cmp->arg[1]);
	int ms[4], nm = 0;

	if (!l && !r)
		return true;
	if (l && r) {
		diag_error(s->d, cmp->span, "'baseline' on both sides of a comparison; name one: baseline(NAME)");
		return false;
	}
	metrics_of(s, cmp->arg[l ? 1 : 0], ms, &nm, 4);
	if (nm != 1) {
		diag_error(s->d, cmp->arg[l ? 0 : 1]->span,
			   nm ? "'baseline' is ambiguous: the other side reads %d metrics; write baseline(NAME)"
			      : "'baseline' needs one metric on the other side of the comparison%.0d; write baseline(NAME)",
			   nm);
		return false;
	}
	bind_baseline(cmp->arg[l ? 0 : 1], ms[0]);
	return true;
}

/* A metric the floor of metric s->floor_of reads: not itself, and not one with a floor of its own. */
static bool
floor_read(sema *s, const ast_node *n)
{
	const ast_metric *of = &s->f->metrics[s->floor_of];

	if (n->metric == s->floor_of) {
		diag_error(s->d, n->span, "the floor of '%s' reads '%s' itself", of->name, of->name);
		return false;
	}
	if (s->f->metrics[n->metric].floor) {
		diag_error(s->d, n->span, "the floor of '%s' reads '%s', which has a floor of its own: floors do "
			   "not chain", of->name, n->name);
		diag_note(s->d, s->f->metrics[n->metric].floor_span, "the floor of '%s'", n->name);
		return false;
	}
	return true;
}

static const char *const typenames[] = {
	[TY_NONE] = "nothing", [TY_NUM] = "a value", [TY_BOOL] = "a condition", [TY_DUR] = "a duration",
};

static bool expr(sema *s, ast_node *n, const ast_node *against);

static bool
want(sema *s, ast_node *n, enum ast_type t, const char *what)
{
	if (n->type == t || n->type == TY_NONE)
		return n->type == t;
	diag_error(s->d, n->span, "%s where %s belongs%s", typenames[n->type], typenames[t], what);
	return false;
}

/* The series argument of a function: a metric or a baseline, nothing computed. */
static bool
series_arg(sema *s, ast_node *call, ast_node *a)
{
	if (a->kind != A_METRIC && a->kind != A_BASELINE) {
		diag_error(s->d, a->span, "%s() reads a metric's samples: give a metric name or baseline(NAME)",
			   fns[call->fn].name);
		return false;
	}
	return expr(s, a, NULL);
}

/* A call across series, by its name and one argument: before it is typed, too. */
static bool
is_across(const ast_node *n)
{
	if (n->kind != A_CALL || n->nargs != 1)
		return false;
	for (int fn = FN_ANY; fn < FN__N; fn++)
		if (strcmp(fns[fn].name, n->name) == 0)
			return true;
	return false;
}

/*
 * any(C), all(C), count(C), fraction(C), count(M), and min/max/avg/sum(M)
 * across series: C or M a set, read series by series; the result is one
 * value.  They do not nest: a series is the one of the quantifier.
 */
static bool
across(sema *s, ast_node *n, int fn)
{
	ast_node *a = n->arg[0];
	bool cond = fn <= FN_FRACTION;

	if (s->quant) {
		diag_error(s->d, n->span, "%s() inside %s(): quantifiers do not nest", fns[fn].name,
			   fns[s->quant->fn].name);
		return false;
	}
	if (s->floor_of >= 0) {
		diag_error(s->d, n->span, "%s() in the floor of '%s': a floor is a condition on the values of "
			   "each step%s", fns[fn].name, s->f->metrics[s->floor_of].name,
			   s->f->metrics[s->floor_of].by ? ", series by series" : "");
		return false;
	}
	n->fn = fn;
	s->quant = n;
	bool ok = expr(s, a, NULL);
	s->quant = NULL;
	if (!ok)
		return false;
	if (fn == FN_COUNT && a->type == TY_NUM)
		n->fn = fn = FN_PRESENT;	/* count(M): the series present */
	if (cond && fn != FN_PRESENT && !want(s, a, TY_BOOL, fn == FN_COUNT ? "" : " (a comparison, as in memory < 300Mi)"))
		return false;
	if (!cond && !want(s, a, TY_NUM, fn == FN_SMIN || fn == FN_SMAX || fn == FN_SAVG ?
			   " (with one argument, a value across series; with a duration, over time)" : ""))
		return false;
	if (!a->set) {
		diag_error(s->d, a->span, "%s() ranges over the series of a metric declared with `by (LABEL, ...)`, "
			   "and this reads none", fns[fn].name);
		return false;
	}
	n->type = fn == FN_ANY || fn == FN_ALL ? TY_BOOL : TY_NUM;
	n->unit = fn >= FN_SMIN ? a->unit : UNIT_NONE;
	return true;
}

/*
 * The argument of mannwhitney(), shift() and ratio_test(): a value the
 * compiler reads twice, as written and on the baselines of its metrics,
 * so each metric needs a baseline and none may be written in it.
 */
static bool
paired(sema *s, const ast_node *call, const ast_node *n)
{
	bool ok = true;

	if (n->kind == A_BASELINE) {
		diag_error(s->d, n->span, "%s() reads the baselines itself: write the canary's side alone, as in "
			   "%s(p99, 10m)", fns[call->fn].name, fns[call->fn].name);
		return false;
	}
	if (n->kind == A_CALL && (FN_IS_ACROSS(n->fn) || FN_IS_HIST(n->fn))) {
		diag_error(s->d, n->span, "%s() compares values of each step: %s() cannot stand in it",
			   fns[call->fn].name, fns[n->fn].name);
		return false;
	}
	if (n->kind == A_METRIC && !check_baseline(s, n, n->metric))
		return false;
	for (int i = 0; i < n->nargs; i++)
		ok &= paired(s, call, n->arg[i]);
	return ok;
}

/*
 * ratio_test() adds up the counts of every step: a count over a range
 * longer than the step counts each event range/step times, and makes p
 * far too small.  Said of a metric whose query reads such a range.
 */
static void
overlapping(sema *s, const ast_node *call, const ast_node *a)
{
	const ast_metric *m;
	int64_t longest = 0, step = s->gate->step;

	if (a->kind != A_METRIC || !(m = &s->f->metrics[a->metric])->q[0].pq)
		return;
	for (int i = 0; i < pq_nselectors(m->q[0].pq); i++)
		if (pq_selector_at(m->q[0].pq, i)->range > longest)
			longest = pq_selector_at(m->q[0].pq, i)->range;
	if (longest <= step)
		return;
	char r[32], st[32];
	util_fmt_duration(r, sizeof r, longest);
	util_fmt_duration(st, sizeof st, step);
	diag_warning(s->d, a->span, "'%s' counts over [%s] at a step of %s: %s() adds up every step's count, so "
		     "each event counts %.3g times and p is too small; count over [%s]", m->name, r, st,
		     fns[call->fn].name, (double)longest / (double)step, st);
}

/* An operand compared with the baselines reads a metric: a constant has no baseline to compare with. */
static bool
reads_metric(sema *s, const ast_node *call, const ast_node *a)
{
	int ms[1], nm = 0;

	metrics_of(s, a, ms, &nm, 1);
	if (nm)
		return true;
	diag_error(s->d, a->span, "%s() compares a metric's values with its baseline's: this reads no metric",
		   fns[call->fn].name);
	return false;
}

/* The range of a function, a duration literal longer than 0 (example: one to write). */
static bool
range_literal(sema *s, const ast_node *call, ast_node *r, const char *example)
{
	if (r->kind != A_NUM) {
		diag_error(s->d, r->span, "the range of %s() must be a duration literal, as in %s", fns[call->fn].name,
			   example);
		return false;
	}
	if (!literal(s, r, true, NULL))
		return false;
	if (r->num <= 0) {
		diag_error(s->d, r->span, "the range of %s() must be longer than 0", fns[call->fn].name);
		return false;
	}
	return true;
}

/* The range of a step-history function, D of the last D: a duration literal. */
static bool
hist_range(sema *s, const ast_node *call, ast_node *r)
{
	const char *name = fns[call->fn].name;

	if (!range_literal(s, call, r, "10m"))
		return false;
	int64_t step = s->gate->step, steps = ((int64_t)r->num + step - 1) / step;
	if (steps > HIST_MAX_STEPS) {
		char st[32];
		util_fmt_duration(st, sizeof st, step);
		diag_error(s->d, r->span, "%s() over %lld steps of %s: a history holds at most %d steps", name,
			   (long long)steps, st, HIST_MAX_STEPS);
		return false;
	}
	if ((call->fn == FN_MANNWHITNEY || call->fn == FN_SHIFT) && steps < HIST_MIN_VALUES) {
		char st[32], need[32];
		util_fmt_duration(st, sizeof st, step);
		util_fmt_duration(need, sizeof need, HIST_MIN_VALUES * step);
		diag_error(s->d, r->span, "%s() over %lld step%s of %s: it needs at least %d values a side; "
			   "make the range at least %s", name, (long long)steps, steps == 1 ? "" : "s", st,
			   HIST_MIN_VALUES, need);
		return false;
	}
	return true;
}

/*
 * The functions over the values of the last steps evaluated:
 * mannwhitney(V, D), shift(V, D), ratio_test(E, N, D), burn_rate(R, SLO, D),
 * times(C[, D]).  Each keeps a history in the VM; in a quantifier, one
 * per series.
 */
static bool
hist(sema *s, ast_node *n, int fn)
{
	static const char *const sig[] = {
		[FN_MANNWHITNEY] = "mannwhitney(VALUE, DURATION)", [FN_SHIFT] = "shift(VALUE, DURATION)",
		[FN_RATIO_TEST] = "ratio_test(ERRORS, REQUESTS, DURATION)",
		[FN_BURN_RATE] = "burn_rate(RATIO, SLO, DURATION)", [FN_TIMES] = "times(CONDITION[, DURATION])",
	};
	const char *name = fns[fn].name;
	bool ok = true;

	n->fn = fn;
	n->type = TY_NUM;
	if (n->nargs != fns[fn].nargs && !(fn == FN_TIMES && n->nargs == 1)) {
		diag_error(s->d, n->span, "%s() takes %s: %s", name,
			   fn == FN_TIMES ? "1 or 2 arguments" : fns[fn].nargs == 2 ? "2 arguments" : "3 arguments",
			   sig[fn]);
		return false;
	}
	if (s->floor_of >= 0) {
		diag_error(s->d, n->span, "%s() in the floor of '%s': a floor is a condition on the values of "
			   "each step", name, s->f->metrics[s->floor_of].name);
		return false;
	}
	if ((fn == FN_MANNWHITNEY || fn == FN_RATIO_TEST) && s->hist) {
		diag_error(s->d, n->span, "%s() inside %s(): a test repeated at every step finds by chance what "
			   "one test does not; test the whole range once, as in %s < 1%%", name, fns[s->hist->fn].name,
			   fn == FN_MANNWHITNEY ? "mannwhitney(p99, 10m)" : "ratio_test(errors, requests, 10m)");
		return false;
	}
	const ast_node *outer = s->hist;
	if (fn == FN_TIMES || fn == FN_BURN_RATE)
		s->hist = n;	/* what counts or averages its operand step by step */
	if (fn == FN_TIMES) {
		ok = expr(s, n->arg[0], NULL) &&
		     want(s, n->arg[0], TY_BOOL, " (times() counts the steps a condition held, as in times(x > 1%, 5m))");
	} else if (fn == FN_BURN_RATE) {
		ast_node *slo = n->arg[1];
		ok = expr(s, n->arg[0], NULL) && want(s, n->arg[0], TY_NUM, "");
		if (expr(s, slo, NULL) && (!slo->isconst || !(slo->num > 0 && slo->num < 1))) {
			diag_error(s->d, slo->span, "the SLO of burn_rate() is a constant above 0 and below 100%%, "
				   "as in 99.9%%");
			ok = false;
		}
	} else {
		for (int i = 0; i < n->nargs - 1; i++)
			ok &= expr(s, n->arg[i], NULL) && want(s, n->arg[i], TY_NUM, "") && paired(s, n, n->arg[i]) &&
			      reads_metric(s, n, n->arg[i]);
	}
	s->hist = outer;
	if (n->nargs == fns[fn].nargs)
		ok &= hist_range(s, n, n->arg[n->nargs - 1]);
	if (!ok)
		return false;
	n->unit = fn == FN_SHIFT ? n->arg[0]->unit : UNIT_NONE;
	if (fn == FN_RATIO_TEST) {	/* errors and requests meet series by series */
		overlapping(s, n, n->arg[0]);
		overlapping(s, n, n->arg[1]);
		return join_sets(s, n);
	}
	set_of(n, n->arg[0]);
	return true;
}

static bool
call(sema *s, ast_node *n)
{
	int fn;
	bool ok = true;

	for (fn = FN_ANY; fn < FN__N; fn++)	/* one argument: across series */
		if (n->nargs == 1 && strcmp(fns[fn].name, n->name) == 0)
			return across(s, n, fn);
	for (fn = FN_MANNWHITNEY; fn <= FN_TIMES; fn++)
		if (strcmp(fns[fn].name, n->name) == 0)
			return hist(s, n, fn);
	for (fn = 0; fn < FN_MANNWHITNEY; fn++)
		if (strcmp(fns[fn].name, n->name) == 0)
			break;
	if (fn == FN_MANNWHITNEY)
		fn = FN_ANY;	/* not a function over time */
	if (fn == FN_ANY && n->nargs != 1) {
		for (int q = FN_ANY; q < FN__N; q++)
			if (strcmp(fns[q].name, n->name) == 0) {
				diag_error(s->d, n->span, "%s() takes one argument, a %s on a metric with `by`",
					   fns[q].name, q <= FN_FRACTION ? "condition" : "value");
				return false;
			}
	}
	if (fn == FN_ANY) {
		diag_error(s->d, n->name_span, "unknown function '%s'", n->name);
		return false;
	}
	n->fn = fn;
	n->type = TY_NUM;
	if (n->nargs != fns[fn].nargs) {
		static const char *const sig[] = {
			[FN_AVG] = "avg(METRIC, DURATION)", [FN_MIN] = "min(METRIC, DURATION)",
			[FN_MAX] = "max(METRIC, DURATION)", [FN_LAST] = "last(METRIC)",
			[FN_DELTA] = "delta(METRIC, DURATION)", [FN_QUANTILE] = "quantile(PHI, METRIC, DURATION)",
			[FN_RATE] = "rate(METRIC, DURATION)", [FN_INCREASE] = "increase(METRIC, DURATION)",
		};
		diag_error(s->d, n->span, "%s() takes %d argument%s: %s", fns[fn].name, fns[fn].nargs,
			   fns[fn].nargs == 1 ? "" : "s", sig[fn]);
		return false;
	}
	int a = 0;
	if (fns[fn].phi) {
		ok &= expr(s, n->arg[0], NULL) && want(s, n->arg[0], TY_NUM, "");
		a = 1;
	}
	ok &= series_arg(s, n, n->arg[a]);
	if (fns[fn].range && !range_literal(s, n, n->arg[a + 1], "5m"))
		return false;
	if (fn != FN_RATE)	/* per second: no unit of the metric's */
		n->unit = n->arg[a]->unit;
	if (fns[fn].phi)	/* quantile(PHI, M, D): a set either way, and one identity */
		return ok && join_sets(s, n);
	set_of(n, n->arg[a]);
	return ok;
}

static bool
is_cmp(enum ast_op op)
{
	return op >= OPR_LT && op <= OPR_NE;
}

/* Is n's right operand a percentage relative to its left one (x + 20%)? */
static bool
relative_pct(const ast_node *n)
{
	return (n->op == OPR_ADD || n->op == OPR_SUB) && n->arg[1]->kind == A_NUM && n->arg[1]->relpct;
}

/*
 * Fold arithmetic on constants, refusing what would be wrong at compile
 * time, as Lua does: a constant divisor of zero is an error, not an Inf.
 */
static bool
fold(sema *s, ast_node *n)
{
	const ast_node *a = n->arg[0], *b = n->arg[1];

	if (n->op == OPR_DIV && b->isconst && b->num == 0) {
		diag_error(s->d, b->span, "division by zero");
		return false;
	}
	if (!a->isconst || !b->isconst)
		return true;
	n->isconst = true;
	if (relative_pct(n)) {
		n->num = a->num * (n->op == OPR_ADD ? 1 + b->num : 1 - b->num);
		return true;
	}
	switch (n->op) {
	case OPR_ADD: n->num = a->num + b->num; break;
	case OPR_SUB: n->num = a->num - b->num; break;
	case OPR_MUL: n->num = a->num * b->num; break;
	default: n->num = a->num / b->num; break;
	}
	return true;
}

/* A value of literals alone: read against the unit of what it is compared with. */
static bool
literal_only(const ast_node *n)
{
	if (n->kind == A_NUM)
		return true;
	if (n->kind == A_NEG)
		return literal_only(n->arg[0]);
	return n->kind == A_BIN && n->op <= OPR_DIV && literal_only(n->arg[0]) && literal_only(n->arg[1]);
}

/* A literal alone of no unit: 2, not 2s. */
static bool
bare(const sema *s, const ast_node *n)
{
	while (n->kind == A_NEG)
		n = n->arg[0];
	if (n->kind != A_NUM)
		return false;
	for (unsigned i = 0; i < n->span.len; i++) {
		char c = s->d->text[n->span.off + i];
		if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'))
			return false;
	}
	return true;
}

/* A percentage literal, relative to the left operand after + or - (x + 20%). */
static bool
pct_literal(const sema *s, const ast_node *n)
{
	return n->kind == A_NUM && n->span.len && s->d->text[n->span.off + n->span.len - 1] == '%';
}

/*
 * The units of a binary operation's operands.  A literal side is read
 * against the other side, so both are typed, the other first; literals
 * alone are read against what the operation is (against).
 */
static bool
operands(sema *s, ast_node *n, const ast_node *against)
{
	ast_node *a = n->arg[0], *b = n->arg[1];
	bool la = literal_only(a), lb = literal_only(b), ok;
	bool same = is_cmp(n->op) || n->op == OPR_ADD || n->op == OPR_SUB;	/* operands of one unit */
	bool rel = (n->op == OPR_ADD || n->op == OPR_SUB) && pct_literal(s, b);

	if (n->op == OPR_AND || n->op == OPR_OR || (la && lb)) {
		const ast_node *ag = n->op == OPR_AND || n->op == OPR_OR ? NULL : against;
		ok = expr(s, a, ag);
		ok &= expr(s, b, rel ? NULL : ag);
		return ok;
	}
	if (la) {
		ok = expr(s, b, NULL);
		return expr(s, a, same && ok ? b : NULL) && ok;
	}
	ok = expr(s, a, NULL);
	return expr(s, b, same && !rel && ok ? a : NULL) && ok;
}

/* The unit of an arithmetic operation; two units that cannot meet are an error. */
static bool
bin_unit(sema *s, ast_node *n, const ast_node *against)
{
	const ast_node *a = n->arg[0], *b = n->arg[1];
	bool same = is_cmp(n->op) || n->op == OPR_ADD || n->op == OPR_SUB;

	if (same && a->unit && b->unit && a->unit != b->unit) {
		int ma = unit_metric(s, a), mb = unit_metric(s, b);
		diag_error(s->d, n->span, "%s (%s) and %s (%s) are not of one unit",
			   ma >= 0 ? s->f->metrics[ma].name : "the left side", units_name(a->unit),
			   mb >= 0 ? s->f->metrics[mb].name : "the right side", units_name(b->unit));
		return false;
	}
	if (is_cmp(n->op))
		n->unit = UNIT_NONE;
	else if (literal_only(n))
		n->unit = against ? against->unit : UNIT_NONE;
	else if (same)
		n->unit = relative_pct(n) ? a->unit : a->unit == b->unit ? a->unit : UNIT_NONE;
	else if (bare(s, b))	/* x * 2, x / 2 */
		n->unit = a->unit;
	else if (n->op == OPR_MUL && bare(s, a))
		n->unit = b->unit;
	return true;
}

static bool
expr(sema *s, ast_node *n, const ast_node *against)
{
	bool ok;

	switch (n->kind) {
	case A_NUM:
		return literal(s, n, false, against);
	case A_METRIC:
		n->metric = find_metric(s, n->name);
		if (n->metric < 0) {
			diag_error(s->d, n->span, "unknown metric '%s'", n->name);
			return false;
		}
		n->type = TY_NUM;
		n->unit = s->f->metrics[n->metric].unit;
		n->set = s->f->metrics[n->metric].by != NULL;
		n->by = n->metric;
		return s->floor_of < 0 || floor_read(s, n);
	case A_BASELINE:
		n->type = TY_NUM;
		if (n->name) {
			n->metric = find_metric(s, n->name);
			if (n->metric < 0) {
				diag_error(s->d, n->name_span, "unknown metric '%s'", n->name);
				return false;
			}
		} else if (n->metric < 0) {
			diag_error(s->d, n->span, "'baseline' alone stands only in a comparison with one metric "
				   "on the other side; write baseline(NAME)");
			return false;
		}
		n->unit = s->f->metrics[n->metric].unit;
		n->set = s->f->metrics[n->metric].by != NULL;
		n->by = n->metric;
		return check_baseline(s, n, n->metric);
	case A_CALL:
		return call(s, n);
	case A_NEG:
		ok = expr(s, n->arg[0], against) && want(s, n->arg[0], TY_NUM, "");
		n->type = TY_NUM;
		n->unit = n->arg[0]->unit;
		n->isconst = ok && n->arg[0]->isconst;
		n->num = -n->arg[0]->num;
		set_of(n, n->arg[0]);
		return ok;
	case A_NOT:
		ok = expr(s, n->arg[0], NULL) && want(s, n->arg[0], TY_BOOL, " (! negates a condition)");
		n->type = TY_BOOL;
		set_of(n, n->arg[0]);
		return ok;
	case A_FOR:
		if (s->floor_of >= 0) {
			diag_error(s->d, n->span, "'for' in the floor of '%s': a floor is a condition on the values "
				   "of each step", s->f->metrics[s->floor_of].name);
			return false;
		}
		ok = expr(s, n->arg[0], NULL) && want(s, n->arg[0], TY_BOOL, " ('for' holds a condition, as in x > 1 for 5m)");
		ok &= literal(s, n->arg[1], true, NULL);
		n->type = TY_BOOL;
		set_of(n, n->arg[0]);
		return ok;
	case A_BIN:
		break;
	}
	if (is_cmp(n->op) && !resolve_baselines(s, n))
		return false;
	if (!operands(s, n, against) || !join_sets(s, n))
		return false;
	if (n->op == OPR_AND || n->op == OPR_OR) {
		n->type = TY_BOOL;
		ok = want(s, n->arg[0], TY_BOOL, "");
		return want(s, n->arg[1], TY_BOOL, "") && ok;
	}
	n->type = is_cmp(n->op) ? TY_BOOL : TY_NUM;
	ok = want(s, n->arg[0], TY_NUM, is_cmp(n->op) ? " (combine conditions with && or ||)" : "");
	ok &= want(s, n->arg[1], TY_NUM, is_cmp(n->op) ? " (combine conditions with && or ||)" : "");
	if (ok && (n->op == OPR_ADD || n->op == OPR_SUB) && n->arg[1]->kind == A_NEG &&
	    n->arg[1]->arg[0]->kind == A_NUM && n->arg[1]->arg[0]->relpct) {
		/* x + 20% is relative, so x + -20% would read as relative too, yet be absolute */
		diag_error(s->d, n->arg[1]->span, "a negated percentage after %s; write x %s %.*s",
			   n->op == OPR_ADD ? "+" : "-", n->op == OPR_ADD ? "-" : "+",
			   (int)n->arg[1]->arg[0]->span.len, s->d->text + n->arg[1]->arg[0]->span.off);
		return false;
	}
	ok = ok && bin_unit(s, n, against);
	if (ok && !is_cmp(n->op))
		ok = fold(s, n);
	return ok;
}

/* x + 20% is x * 1.2: only a percentage literal right of + or - is relative. */
static void
clear_relpct(ast_node *n, bool right_of_addsub)
{
	if (!n)
		return;
	if (n->kind == A_NUM && !right_of_addsub)
		n->relpct = false;
	for (int i = 0; i < n->nargs; i++)
		clear_relpct(n->arg[i], n->kind == A_BIN && i == 1 && (n->op == OPR_ADD || n->op == OPR_SUB));
}

/*
 * The unit of metric i: the one declared, else the one its query is in.
 * A declared unit that the query's names contradict is legal (the query
 * may convert), but said.
 */
static void
metric_unit(sema *s, int i)
{
	ast_metric *m = &s->f->metrics[i];
	enum unit declared;

	m->unit = units_infer(m->q[0].pq, &m->unit_sel);
	if (!m->unit_word)
		return;
	if (!units_parse(m->unit_word, &declared)) {
		sbuf words = { 0 };
		for (int u = 1; u <= UNIT__N; u++)	/* UNIT_NONE last */
			sb_printf(&words, "%s%s", u > 1 ? ", " : "", units_name((enum unit)(u % UNIT__N)));
		diag_error(s->d, m->unit_span, "unknown unit '%s' for metric '%s' (units: %s)", m->unit_word,
			   m->name, words.s);
		free(words.s);
		m->unit_word = NULL;	/* as if not declared: no errors that follow from this one */
		return;
	}
	if (m->unit && declared && declared != m->unit)
		diag_warning(s->d, m->unit_span, "metric '%s' is declared in %s, but its query reads %s, in %s",
			     m->name, units_name(declared), pq_selector_at(m->q[0].pq, m->unit_sel)->metric,
			     units_name(m->unit));
	m->unit = declared;
	m->unit_sel = -1;
}

/* A `by` names each label once, and a label a series can have; its query keeps it. */
static void
by_labels(sema *s, const ast_metric *m)
{
	for (const ast_label *l = m->by; l; l = l->next) {
		if (strncmp(l->name, "__", 2) == 0)
			diag_error(s->d, l->span, "'%s' is reserved: no series is identified by it", l->name);
		else if (m->q[0].pq && !pq_may_have_label(m->q[0].pq, l->name))
			diag_warning(s->d, l->span, "the query of '%s' aggregates '%s' away: every series would have "
				     "%s=\"\"; keep it, as in sum by (%s) (...)", m->name, l->name, l->name, l->name);
		for (const ast_label *e = m->by; e != l; e = e->next)
			if (strcmp(e->name, l->name) == 0) {
				diag_error(s->d, l->span, "label '%s' twice in the `by` of metric '%s'", l->name, m->name);
				break;
			}
	}
}

/* The value of the parameter named by the len bytes at name, or NULL: a --set wins over the file. */
static const char *
param_value(void *ctx, const char *name, size_t len)
{
	const sema *s = ctx;
	int i = names_findn(&s->sets, name, len);

	if (i >= 0)
		return s->setv[i].value;
	i = names_findn(&s->params, name, len);
	return i >= 0 ? s->f->params[i].value : NULL;
}

/*
 * Does matcher m select series without its label?  {version=""} does,
 * and so does a regular expression that matches "" ({v=~"|v0.9.0"});
 * {version!=""} selects every series with it: either way not the value
 * meant.
 */
static bool
matches_absent(const pq_matcher *m)
{
	pq_matcher re = { .op = PQ_RE, .value = m->value };

	if (m->op == PQ_EQ || m->op == PQ_NE)
		return m->value[0] == '\0';
	return !pq_matcher_positive(&re);
}

/* The first reference ($name, ${name}; not $$) in text[span] to a parameter whose value is empty, or NULL. */
static const char *
empty_ref(const sema *s, diag_span span, diag_span *ref, size_t *len)
{
	const char *text = s->d->text;

	for (unsigned i = span.off; i < span.off + span.len; i++) {
		if (text[i] != '$')
			continue;
		if (text[i + 1] == '$') {
			i++;
			continue;
		}
		const char *name = text + i + 1 + (text[i + 1] == '{'), *end = name;
		while ((*end >= 'a' && *end <= 'z') || (*end >= 'A' && *end <= 'Z') || (*end >= '0' && *end <= '9') ||
		       *end == '_')
			end++;
		const char *v = param_value((void *)s, name, (size_t)(end - name));
		if (v && !*v) {
			*ref = (diag_span){ i, (unsigned)(end - (text + i)) + (text[i + 1] == '{') };
			*len = (size_t)(end - name);
			return name;
		}
	}
	return NULL;
}

/*
 * A parameter left empty in a matcher's value changes what the selector
 * means (a CI step's unset $VERSION: {version=""} is every series without
 * the label): an error at its first such matcher.  Empty is kept where the
 * matcher still needs a value (a regex v$minor.*).  told: by --set, then
 * by parameter, those reported.
 */
static void
empty_params(sema *s, const ast_query *q, bool *told, int nsets)
{
	static const char *const op[] = { [PQ_EQ] = "=", [PQ_NE] = "!=", [PQ_RE] = "=~", [PQ_NRE] = "!~" };
	int n = q->pq ? pq_nselectors(q->pq) : 0;

	for (int i = 0; i < n; i++) {
		const pq_selector *sel = pq_selector_at(q->pq, i);
		for (int j = 0; j < sel->nm; j++) {
			const pq_matcher *m = &sel->m[j];
			diag_span at = query_file_span(q, s->d->text, m->off, m->len), ref;
			size_t len;
			const char *name = matches_absent(m) ? empty_ref(s, at, &ref, &len) : NULL;
			if (!name)
				continue;
			int set = names_findn(&s->sets, name, len), p = names_findn(&s->params, name, len);
			int k = set >= 0 ? set : nsets + p;
			if (k < 0 || told[k])
				continue;
			told[k] = true;
			const char *what = m->op == PQ_NE || m->op == PQ_NRE ? "every series with the label" :
					   m->op == PQ_RE ? "the series without the label too" :
					   "the series without the label";
			if (set >= 0) {
				diag_error(s->d, at, "--set %.*s= leaves parameter '%.*s' empty, and %s%s\"%s\" selects %s: "
					   "give it a value", (int)len, name, (int)len, name, m->name, op[m->op], m->value, what);
			} else {
				diag_error(s->d, at, "parameter '%.*s' is empty (its default, and no --set %.*s=VALUE), and "
					   "%s%s\"%s\" selects %s: give it a value", (int)len, name, (int)len, name, m->name,
					   op[m->op], m->value, what);
				diag_note(s->d, s->f->params[p].value_span, "'%.*s' is declared empty here", (int)len, name);
			}
		}
	}
}

/* `dialect NAME` of the file, unless the caller chose one. */
static enum pq_dialect
dialect(sema *s, ng_dialect chosen)
{
	const ast_file *f = s->f;

	if (chosen == NG_DIALECT_FILE && f->dialect && !ng_dialect_parse(f->dialect, &chosen))
		diag_error(s->d, f->dialect_span, "unknown dialect '%s' (promql or metricsql)", f->dialect);
	return chosen == NG_DIALECT_METRICSQL ? PQ_METRICSQL : PQ_PROMQL;
}

/*
 * The range of a `for`, of a step-history function, or of a window
 * function of a floored metric (known only where the floor held at every
 * step of it), or -1.
 */
static double
range_of(const sema *s, const ast_node *n)
{
	if (n->kind == A_FOR && n->arg[1]->type == TY_DUR)
		return n->arg[1]->num;
	if (n->kind != A_CALL || FN_IS_ACROSS(n->fn) || n->nargs != fns[n->fn].nargs || !fns[n->fn].range ||
	    n->arg[n->nargs - 1]->type != TY_DUR)
		return -1;
	const ast_node *series = n->arg[fns[n->fn].phi ? 1 : 0];
	if (FN_IS_HIST(n->fn) ||
	    (series->kind == A_METRIC && series->metric >= 0 && s->f->metrics[series->metric].floor))
		return n->arg[n->nargs - 1]->num;
	return -1;
}

/* The longest range of range_of() in a condition (the parser bounds its height): the default window's. */
static int64_t
max_for(const sema *s, const ast_node *n, int64_t longest)
{
	if (range_of(s, n) > (double)longest)
		longest = (int64_t)range_of(s, n);
	for (int i = 0; i < n->nargs; i++)
		longest = max_for(s, n->arg[i], longest);
	return longest;
}

/*
 * A `for` longer than the window can never hold, and a range of more
 * steps than the window evaluates is never whole: legal, but say so.
 */
static void
for_fits(sema *s, const ast_gate *g, const ast_node *n)
{
	double r = range_of(s, n);
	int64_t steps = ((int64_t)r + g->step - 1) / g->step;

	if (r > 0 && (n->kind == A_FOR ? r > (double)g->window : steps > g->window / g->step + 1)) {
		char w[32];
		util_fmt_duration(w, sizeof w, g->window);
		diag_warning(s->d, n->arg[n->nargs - 1]->span, "this %s is longer than the window of gate '%s' "
			     "(%s): %s", n->kind == A_FOR ? "'for'" : "range", g->name, w,
			     n->kind == A_FOR ? "it can never hold" :
			     n->fn == FN_TIMES ? "the steps before the window count as unknown" :
			     FN_IS_HIST(n->fn) ? "it can never be known" :
			     "it can never be known, since its metric's floor must hold at every step of it");
	}
	for (int i = 0; i < n->nargs; i++)
		for_fits(s, g, n->arg[i]);
}

/*
 * A condition on a set holds or not series by series: a rule needs one
 * answer.  The error goes under the outermost part that is still a set
 * condition, a comparison or a `for`.
 */
static void
unquantified(sema *s, const ast_node *n)
{
	while ((n->kind == A_BIN && (n->op == OPR_AND || n->op == OPR_OR)) || n->kind == A_NOT) {
		const ast_node *a = n->arg[0]->set ? n->arg[0] : n->arg[n->nargs - 1];
		n = a;
	}
	const ast_metric *m = &s->f->metrics[n->by];
	sbuf b = { 0 };
	by_text(s, n->by, &b);
	int len = (int)n->span.len;
	const char *text = s->d->text + n->span.off;
	diag_error(s->d, n->span, "'%s' is by %s: this holds or not series by series; say which must hold: "
		   "any(%.*s), or all(...), count(...) >= N, fraction(...) >= P%%", m->name, b.s, len, text);
	free(b.s);
}

/*
 * A metric's floor, `when COND`: typed once here, compiled where the
 * metric is read.  A condition of one series, or of the metric's own
 * identity, series by series.
 */
static void
floor_check(sema *s, int i)
{
	ast_metric *m = &s->f->metrics[i];
	ast_node *c = m->floor;

	s->floor_of = i;
	bool ok = expr(s, c, NULL);
	s->floor_of = -1;
	if (!ok)
		return;
	clear_relpct(c, false);
	if (c->type != TY_BOOL) {
		diag_error(s->d, c->span, "the floor of a metric is a condition, as in when requests >= 100");
	} else if (c->set && (!m->by || !same_by(s, c->by, i))) {
		sbuf b = { 0 };
		by_text(s, c->by, &b);
		diag_error(s->d, c->span, "the floor of '%s' reads '%s', by %s: a floor is of one series, or of "
			   "the metric's own by", m->name, s->f->metrics[c->by].name, b.s);
		free(b.s);
	}
}

/* A rule named as an earlier one of its gate (those are in seen) is an error. */
static void
rule_name(sema *s, names *seen, const ast_gate *g, int i)
{
	const ast_rule *r = &g->rules[i];
	int j;

	if (r->name && (j = names_add(seen, r->name, i)) >= 0) {
		diag_error(s->d, r->name_span, "duplicate rule name \"%s\" in gate '%s'", r->name, g->name);
		diag_note(s->d, g->rules[j].name_span, "first used here");
	}
}

static void
gate(sema *s, ast_gate *g)
{
	int64_t longest_for = 0;
	int go = -1;
	names seen;

	s->gate = g;
	for (int i = 0; i < SET__N; i++)
		if (g->set[i] && !literal(s, g->set[i], true, NULL))
			g->set[i] = NULL;
	g->step = g->set[SET_STEP] ? (int64_t)g->set[SET_STEP]->num : 15000;
	g->lookback = g->set[SET_LOOKBACK] ? (int64_t)g->set[SET_LOOKBACK]->num : 300000;
	if (g->step <= 0) {
		diag_error(s->d, g->set[SET_STEP]->span, "the step must be longer than 0");
		g->step = 15000;
	}
	if (g->lookback <= 0) {
		diag_error(s->d, g->set[SET_LOOKBACK]->span, "the lookback must be longer than 0");
		g->lookback = 300000;
	}
	names_init(&seen, (size_t)g->nrules);
	for (int i = 0; i < g->nrules; i++) {
		ast_rule *r = &g->rules[i];

		rule_name(s, &seen, g, i);
		if (r->kind == RULE_GO) {
			if (go >= 0) {
				diag_error(s->d, r->span, "gate '%s' has a second go rule; join the conditions with &&", g->name);
				diag_note(s->d, g->rules[go].span, "the first go rule is here");
			}
			go = i;
		}
		if (!expr(s, r->cond, NULL))
			continue;
		clear_relpct(r->cond, false);
		if (r->cond->type != TY_BOOL)
			diag_error(s->d, r->cond->span, "the condition of %s %s rule must be a comparison, "
				   "as in error_rate > 5%%", r->kind == RULE_OBSERVE ? "an" : "a",
				   ng_rule_kind_name((ng_rule_kind)r->kind));
		else if (r->cond->set)
			unquantified(s, r->cond);
	}
	names_free(&seen);
	if (go < 0)
		diag_error(s->d, g->span, "gate '%s' has no go rule (go when CONDITION)", g->name);
	/* the longest `for`, so that by default the window lets it hold */
	if (!g->set[SET_WINDOW])
		for (int i = 0; i < g->nrules; i++)
			if (g->rules[i].cond)
				longest_for = max_for(s, g->rules[i].cond, longest_for);
	g->window = g->set[SET_WINDOW] ? (int64_t)g->set[SET_WINDOW]->num : longest_for > g->step ? longest_for : g->step;
	/* whole steps, rounded up, so that a `for` as long as the window can hold */
	int64_t steps = (g->window + g->step - 1) / g->step;
	if (steps > MAX_EVALUATIONS) {
		diag_error(s->d, g->set[SET_WINDOW] ? g->set[SET_WINDOW]->span : g->span,
			   "a window of %lld steps; at most %d evaluations a check", (long long)steps,
			   MAX_EVALUATIONS);
		steps = 1;
	}
	g->window = steps * g->step;
	if (g->set[SET_WINDOW])
		for (int i = 0; i < g->nrules; i++)
			if (g->rules[i].cond)
				for_fits(s, g, g->rules[i].cond);
}

int
sema_check(ast_file *f, diag_src *d, param_set *sets, int nsets, bool any_baseline, ng_dialect chosen)
{
	sema s = { .f = f, .d = d, .any_baseline = any_baseline, .setv = sets, .floor_of = -1 };
	names gates;
	int j;

	names_init(&s.sets, (size_t)nsets);
	names_init(&s.params, (size_t)f->nparams);
	names_init(&s.metrics, (size_t)f->nmetrics);
	names_init(&gates, (size_t)f->ngates);
	for (int i = 0; i < nsets; i++)
		if (sets[i].value)	/* a set without a value does not count */
			names_add(&s.sets, sets[i].name, i);
	for (int i = 0; i < f->nparams; i++)
		if ((j = names_add(&s.params, f->params[i].name, i)) >= 0) {
			diag_error(d, f->params[i].span, "duplicate parameter '%s'", f->params[i].name);
			diag_note(d, f->params[j].span, "first defined here");
		}
	enum pq_dialect dl = dialect(&s, chosen);
	bool *told = xcalloc((size_t)nsets + (size_t)f->nparams + 1, sizeof *told);
	for (int i = 0; i < f->nmetrics; i++) {
		ast_metric *m = &f->metrics[i];

		if ((j = names_add(&s.metrics, m->name, i)) >= 0) {
			diag_error(d, m->span, "duplicate metric '%s'", m->name);
			diag_note(d, f->metrics[j].span, "first defined here");
		}
		for (int b = 0; b < 2; b++)
			if (m->q[b].text && *m->q[b].text) {
				if (query_prepare(&m->q[b], dl, param_value, &s, d))
					empty_params(&s, &m->q[b], told, nsets);
			} else if (m->q[b].text)
				diag_error(d, m->q[b].span, "empty query for metric '%s'", m->name);
		metric_unit(&s, i);
		by_labels(&s, m);
		if (m->dflt) {
			ast_node self = { .kind = A_METRIC, .metric = i, .unit = m->unit };
			literal(&s, m->dflt, false, &self);
		}
	}
	for (int i = 0; i < f->nmetrics; i++)
		if (f->metrics[i].floor)
			floor_check(&s, i);
	for (int i = 0; i < f->ngates; i++) {
		if ((j = names_add(&gates, f->gates[i].name, i)) >= 0) {
			diag_error(d, f->gates[i].span, "duplicate gate '%s'", f->gates[i].name);
			diag_note(d, f->gates[j].span, "first defined here");
		}
		gate(&s, &f->gates[i]);
	}
	if (f->ngates == 0 && d->nerrors == 0)
		diag_error(d, (diag_span){ (unsigned)d->len, 0 }, "no gate in this file (gate NAME { ... })");
	free(told);
	names_free(&s.sets);
	names_free(&s.params);
	names_free(&s.metrics);
	names_free(&gates);
	return d->nerrors;
}
