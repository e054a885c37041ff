/* vocab.c: the one table of each word novagate writes. */
#include "vocab.h"

#include <math.h>
#include <string.h>

#define NELEM(a) (sizeof (a) / sizeof *(a))

static const char *const verdict_names[] = {
	[NG_GO] = "go", [NG_NOGO] = "no-go", [NG_ROLLBACK] = "rollback", [NG_INCONCLUSIVE] = "inconclusive",
};
/* Worst wins: a gate that cannot tell beats one that says go, and loses to one that says stop. */
static const int verdict_rank[] = {
	[NG_GO] = 0, [NG_INCONCLUSIVE] = 1, [NG_NOGO] = 2, [NG_ROLLBACK] = 3,
};
static const char *const state_names[] = {
	[NG_FALSE] = "false", [NG_TRUE] = "true", [NG_UNKNOWN] = "unknown",
};
static const char *const rule_kind_names[] = {
	[NG_RULE_ROLLBACK] = "rollback", [NG_RULE_NOGO] = "nogo", [NG_RULE_GO] = "go",
	[NG_RULE_OBSERVE] = "observe",
};
static const char *const finding_names[] = {
	[NG_FIND_NONE] = "none", [NG_FIND_UNKNOWN_METRIC] = "unknown-metric",
	[NG_FIND_UNKNOWN_VALUE] = "unknown-value", [NG_FIND_REJECTED] = "rejected",
	[NG_FIND_NO_SERIES] = "no-series", [NG_FIND_DEFAULT] = "default", [NG_FIND_MANY_SERIES] = "many-series",
	[NG_FIND_CHURN] = "churn",
};
static const char *const dialect_names[] = {
	[NG_DIALECT_PROMQL] = "promql", [NG_DIALECT_METRICSQL] = "metricsql",
};
_Static_assert(NELEM(verdict_names) == NG_INCONCLUSIVE + 1, "a name for every verdict");
_Static_assert(NELEM(verdict_rank) == NELEM(verdict_names), "a rank for every verdict");
_Static_assert(NELEM(state_names) == NG_UNKNOWN + 1, "a name for every state");
_Static_assert(NELEM(rule_kind_names) == NG_RULE_OBSERVE + 1, "a name for every rule kind");
_Static_assert(NELEM(finding_names) == NG_FIND_CHURN + 1, "a name for every finding");
_Static_assert(NELEM(dialect_names) == NG_DIALECT_METRICSQL + 1, "a name for every dialect");

const char *
ng_verdict_name(ng_verdict v)
{
	return (unsigned)v < NELEM(verdict_names) ? verdict_names[v] : "inconclusive";
}

bool
ng_verdict_parse(const char *s, ng_verdict *v)
{
	for (size_t i = 0; i < NELEM(verdict_names); i++)
		if (strcmp(s, verdict_names[i]) == 0) {
			*v = (ng_verdict)i;
			return true;
		}
	return false;
}

const char *
ng_finding_name(ng_finding f)
{
	return (unsigned)f < NELEM(finding_names) ? finding_names[f] : "none";
}

bool
ng_dialect_parse(const char *s, ng_dialect *d)
{
	for (size_t i = NG_DIALECT_PROMQL; i < NELEM(dialect_names); i++)
		if (strcmp(s, dialect_names[i]) == 0) {
			*d = (ng_dialect)i;
			return true;
		}
	return false;
}

const char *
ng_dialect_name(ng_dialect d)
{
	return d != NG_DIALECT_FILE && (unsigned)d < NELEM(dialect_names) ? dialect_names[d] : NULL;
}

bool
ng_verdict_worse(ng_verdict v, ng_verdict w)
{
	return verdict_rank[v] > verdict_rank[w];
}

const char *
ng_state_name(ng_state s)
{
	return (unsigned)s < NELEM(state_names) ? state_names[s] : "unknown";
}

const char *
ng_rule_kind_name(ng_rule_kind k)
{
	return (unsigned)k < NELEM(rule_kind_names) ? rule_kind_names[k] : "go";
}

ng_state
vocab_state(double truth)
{
	return isnan(truth) ? NG_UNKNOWN : truth != 0 ? NG_TRUE : NG_FALSE;
}
