/*
 * testfile.h: a YAML file of gate unit tests (`novagate test`), read and
 * checked whole into the model testrun.c runs:
 *
 *   gate: ../../rules/canary.gate     # the gate file, relative to this file (required)
 *   interval: 15s                     # spacing of the samples; default: the step of the
 *                                     # gates a test names (the smallest, if several)
 *   set: { version: v1.2.5 }          # --set for every test (a test's own set wins)
 *   tests:
 *     - name: healthy canary goes     # unique within the file
 *       interval: 15s                 # optional, this test only
 *       set: { version: v1.2.6 }      # optional
 *       series: &healthy              # METRIC{LABELS}: promtool's notation (seriesnot.h);
 *         error_rate: '0.001x20'      # role="baseline" for a baseline; labels name the series,
 *         'p99{role="baseline"}': '0.19x20'   # as in check's text input
 *         'memory{pod="a"}': '64Mi'   # one series of a metric `by (pod)` (64Mi: not in promtool)
 *       expect:
 *         - at: 5m                    # the window ends 5m after the first sample (required)
 *           gate: canary              # optional when the gate file has one gate
 *           verdict: go               # go, no-go, rollback or inconclusive
 *           rule: critical error rate # the deciding rule; `go` names the go rule
 *           rules: { p99 doubled: false }           # states at the last step: true, false, unknown
 *           values: { error_rate: 0.001, cpu: null, 'memory{pod="a"}': 64Mi }  # null: no value
 *           deciding: { 'all(memory < 256Mi)': '{pod="a"}' }  # a quantifier's deciding series
 *     - name: a spike
 *       series: { <<: *healthy, error_rate: '0.001x4 0.08x8' }   # YAML merge keys in series
 *       ...
 *
 * The first value of a series is at time 0, the next at `interval`, ...
 * Expected values take PromQL's numbers or the gate language's units
 * (164Mi, 0.5%).  A series of a metric with `by` is identified by the
 * values of those labels, one without by is the metric's one series; a
 * second label set for one identity is the check's error (ng_check_series),
 * found here, at its key, before any test runs.  A series is made in the
 * check at its first sample.  `deciding` names a quantifier by its source
 * (blanks aside) and the label sets of the series that decided it, as the
 * report's deciding lists them (of a rollback that fired: when it fired).
 *
 * A malformed file has its errors in its yn_file, in file order (an error
 * in any part is found before any test runs).  An `at` past the last value
 * of the test's longest series is an error, not a window of missing data.
 * YAML anchors and aliases may be used, but not to make a node hold itself
 * or the file many times larger (yn_check_aliases); a test is listed once;
 * the series of a file expand to TF_MAX_VALUES values at most.
 *
 * A tfile owns its tests and their arrays; the nodes and strings they point
 * at are its document's.  Gate files are compiled once per set of
 * parameters into a tf_gates cache, which owns them and outlives the files.
 */
#ifndef NG_TESTFILE_H
#define NG_TESTFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <yaml.h>

#include "novagate.h"
#include "seriesnot.h"
#include "yamlnode.h"

#define TF_MAX_VALUES (8 * (size_t)SN_MAX_VALUES)	/* of all the series of a file */

/*
 * A series as a key names it: METRIC{LABELS}, its labels but __name__ and
 * role="baseline", sorted, those with empty values left out (Prometheus':
 * an empty label is none).  Label sets as text, canon and ident, are
 * written {a="x",b="y"} in that order, escaped as the exposition format.
 */
typedef struct tkey {
	int metric;
	bool baseline;
	bool by;		/* the metric is a set of series */
	sn_series desc;		/* the key parsed: owns the label strings */
	ng_label *labels;	/* into desc */
	size_t nlabels;
	char *canon;		/* all its labels */
	char *ident;		/* its identity: the `by` labels only ("{}" without by) */
} tkey;

typedef struct tseries {
	yaml_node_t *node;	/* the key */
	const char *name;	/* the key as written */
	tkey k;
	sn_series s;
} tseries;

typedef struct trulecheck {
	yaml_node_t *node;	/* the value */
	int rule;		/* in the gate */
	const char *state;	/* "true", "false", "unknown" */
} trulecheck;

typedef struct tvaluecheck {
	yaml_node_t *node;
	const char *name;	/* the key as written */
	tkey k;
	bool has;		/* a value is expected (else none) */
	double v;
} tvaluecheck;

/* deciding: QUANTIFIER: the label sets of the series that decided it. */
typedef struct tdecidecheck {
	yaml_node_t *node;	/* the value */
	const char *quant;	/* the key as written */
	char **want;		/* canonical label sets (tkey) */
	int nwant;
} tdecidecheck;

typedef struct texpect {
	yaml_node_t *node, *at_node;
	int64_t at;
	int gate;
	yaml_node_t *verdict_node, *rule_node;
	int verdict;		/* an ng_status, or -1 */
	int rule;		/* the deciding rule expected, in the gate */
	trulecheck *rules;
	int nrules;
	tvaluecheck *values;
	int nvalues;
	tdecidecheck *deciding;
	int ndeciding;
	bool wants_report;	/* checks what only the report tells: values with `by`, deciding */
	yaml_node_t *gate_node, *rules_node, *values_node, *deciding_node;	/* while read */
} texpect;

typedef struct ttest {
	yaml_node_t *node;
	const char *name;
	int64_t interval;
	ng_param *sets;
	int nsets;
	yaml_node_t *set_node;	/* its set: mapping */
	const ng_gatefile *gf;	/* compiled with sets */
	tseries *series;
	int nseries;
	texpect *expects;
	int nexpects;
	yaml_node_t *name_node, *interval_node, *series_node, *expect_node;	/* while read */
} ttest;

typedef struct tfile {
	yn_file y;		/* the text, its document and its errors */
	char *gatepath;
	const ng_gatefile *gf;	/* compiled with the file's sets */
	int64_t interval;
	ng_param *sets;
	int nsets;
	ttest *tests;
	int ntests;
	/* while read */
	yaml_node_t *gate_node, *interval_node, *set_node, *tests_node;
	unsigned *merged;	/* per node: the pass that last merged it into series */
	bool *is_test;		/* per node: read as a test */
	unsigned pass;		/* one per test */
	size_t nvalues;		/* expanded by the series so far */
	ng_check *scratch;	/* of the test being read: its series, so that the check's errors are found */
	struct tf_quants *quants;	/* the quantifiers of the gates that deciding names */
	int nquants;
} tfile;

typedef struct tf_compiled tf_compiled;

/* Gate files compiled with sets: by load (NULL: ng_compile_file), each once. */
typedef struct tf_gates {
	ng_gate_loader *load;
	void *load_ctx;
	tf_compiled *cc;
	int ncc;
} tf_gates;

void tf_gates_free(tf_gates *g);

/*
 * Read the test file at path (text, len when text is not NULL: its text,
 * copied) into f, its gate files compiled through g; what is wrong with it
 * is in f->y.  tf_free() releases f either way.
 */
void tf_load(tf_gates *g, tfile *f, const char *path, const char *text, size_t len);
void tf_free(tfile *f);

/* The JSON report of gate in c's last evaluation, parsed (jansson), or NULL; the caller json_decref()s it. */
json_t *tf_report(const ng_check *c, int gate);
/* A JSON labels object of the report as a canonical label set (tkey): a new string. */
char *tf_canon_json(const json_t *labels);
/* Whether a and b are the same text, blanks aside (a quantifier's source). */
bool tf_same_source(const char *a, const char *b);

#endif
