/*
 * testfile.c: a test file read and checked whole (testfile.h): the YAML
 * document's keys by table, the gate file compiled with the sets, series in
 * promtool's notation, expect entries against the gate's names.
 */
#include "testfile.h"

#include "error.h"
#include "sbuf.h"
#include "series.h"
#include "units.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* A gate file compiled with one set of parameters. */
struct tf_compiled {
	char *path, *key;	/* the gate file and its sets, as "NAME=VALUE\n"... sorted */
	ng_gatefile *gf;
	ng_errcode status;
	ng_diags *diags;	/* the compiler's */
};

/* Item i of n to an "a, b and c" list in buf (of size, *len used so far). */
static void
list_add(char *buf, size_t size, size_t *len, int i, int n, const char *item)
{
	if (*len < size)
		*len += (size_t)snprintf(buf + *len, size - *len, "%s%s", i == 0 ? "" : i == n - 1 ? " and " : ", ",
					 item);
}

/* --- keys by table ------------------------------------------------------------ */

/*
 * A key a mapping takes: the node of its value is kept in the object read,
 * at offset node; read, if any, reads it at once, in file order.
 */
typedef struct keydef {
	const char *name;
	size_t node;
	void (*read)(tfile *f, void *obj, yaml_node_t *v);
} keydef;

/* The keys of a mapping; another is "unknown key 'K'IN (WHO takes a, b and c)". */
typedef struct keytable {
	const char *in, *who;
	keydef keys[8];		/* up to a NULL name */
} keytable;

static void
unknown_key(tfile *f, yaml_node_t *k, const keytable *kt)
{
	char names[256] = "";
	size_t len = 0;
	int n = 0;

	if (k->type != YAML_SCALAR_NODE)
		return;		/* yn_pairs said so */
	while (kt->keys[n].name)
		n++;
	for (int i = 0; i < n; i++)
		list_add(names, sizeof names, &len, i, n, kt->keys[i].name);
	yn_err_at(&f->y, k, "unknown key '%s'%s (%s takes %s)", (const char *)k->data.scalar.value, kt->in,
		  kt->who, names);
}

/* Each pair's value to its key's field and reader. */
static void
read_keys(tfile *f, const yaml_node_pair_t *p, int np, const keytable *kt, void *obj)
{
	for (int i = 0; i < np; i++) {
		yaml_node_t *v = yn_node(&f->y, p[i].value);
		const keydef *k = kt->keys;
		while (k->name && !yn_key_is(&f->y, &p[i], k->name))
			k++;
		if (!k->name) {
			unknown_key(f, yn_node(&f->y, p[i].key), kt);
			continue;
		}
		*(yaml_node_t **)((char *)obj + k->node) = v;
		if (k->read)
			k->read(f, obj, v);
	}
}

/* --- values -------------------------------------------------------------------- */

/* A Prometheus duration (or 0). */
static int
duration(tfile *f, yaml_node_t *n, const char *what, int64_t *ms)
{
	const char *s = yn_scalar(&f->y, n, what), *err;
	size_t errat;

	if (!s)
		return -1;
	if (strcmp(s, "0") == 0) {
		*ms = 0;
		return 0;
	}
	if (units_duration(s, strlen(s), ms, &err, &errat) < 0) {
		yn_err_span(&f->y, yn_scalar_span(&f->y, n, errat, 1), "%s: %s", what, err);
		return -1;
	}
	return 0;
}

/* interval: more than 0, at most 100y (so that SN_MAX_VALUES steps fit in int64 ms). */
static void
interval(tfile *f, yaml_node_t *n, int64_t *ms)
{
	if (duration(f, n, "interval", ms) < 0)
		return;
	if (*ms <= 0)
		yn_err_at(&f->y, n, "interval must be more than 0");
	else if (*ms > 100LL * 365 * 24 * 3600 * 1000)
		yn_err_at(&f->y, n, "interval must be at most 100y");
	else
		return;
	*ms = 0;
}


/* --- gate files ------------------------------------------------------------ */

/* dir of from + rel, with "." and ".." taken out where the result still names the same file. */
static char *
resolve(const char *from, const char *rel)
{
	sbuf b = { 0 };
	const char *slash = strrchr(from, '/');

	if (rel[0] != '/' && slash)
		sb_add(&b, from, (size_t)(slash - from + 1));
	sb_add(&b, rel, strlen(rel));

	/* lexical clean: a/b/../c -> a/c, ./x -> x */
	char *in = b.s, *out = xmalloc(b.len + 2);
	size_t n = 0, i = 0;
	bool abs = in[0] == '/';
	size_t floor = 0;	/* out[0..floor) holds leading ".." parts */

	if (abs)
		out[n++] = '/', floor = 1;
	while (in[i]) {
		while (in[i] == '/')
			i++;
		size_t s = i;
		while (in[i] && in[i] != '/')
			i++;
		size_t len = i - s;
		if (len == 0 || (len == 1 && in[s] == '.'))
			continue;
		if (len == 2 && in[s] == '.' && in[s + 1] == '.') {
			if (n > floor) {
				while (n > floor && out[n - 1] != '/')
					n--;
				if (n > floor)
					n--;	/* the slash */
				continue;
			}
			if (abs)
				continue;
			if (n)
				out[n++] = '/';
			memcpy(out + n, "..", 2);
			n += 2;
			floor = n;
			continue;
		}
		if (n && out[n - 1] != '/')
			out[n++] = '/';
		memcpy(out + n, in + s, len);
		n += len;
	}
	if (n == 0)
		out[n++] = '.';
	out[n] = '\0';
	/* the clean form is only shown when it names the same file (no symlinked directories) */
	struct stat a, c;
	if (stat(in, &a) == 0 && (stat(out, &c) != 0 || a.st_ino != c.st_ino || a.st_dev != c.st_dev)) {
		free(out);
		return in;
	}
	free(in);
	return out;
}

static int
cmp_param(const void *a, const void *b)
{
	return strcmp(((const ng_param *)a)->name, ((const ng_param *)b)->name);
}

/* The gate file compiled with these sets, from the cache or now. */
static tf_compiled *
compile_gate(tf_gates *g, const char *path, const ng_param *sets, int nsets)
{
	ng_param *sorted = xmalloc((size_t)nsets * sizeof *sorted);
	sbuf b = { 0 };

	if (nsets) {
		memcpy(sorted, sets, (size_t)nsets * sizeof *sorted);
		qsort(sorted, (size_t)nsets, sizeof *sorted, cmp_param);
	}
	for (int i = 0; i < nsets; i++)
		sb_printf(&b, "%s=%s\n", sorted[i].name, sorted[i].value);
	char *key = sb_take(&b);
	for (int i = 0; i < g->ncc; i++) {
		if (strcmp(g->cc[i].path, path) == 0 && strcmp(g->cc[i].key, key) == 0) {
			free(key);
			free(sorted);
			return &g->cc[i];
		}
	}
	g->cc = xrealloc(g->cc, (size_t)(g->ncc + 1) * sizeof *g->cc);
	tf_compiled *c = &g->cc[g->ncc++];
	*c = (tf_compiled){ .path = xstrdup(path), .key = key };
	ng_compile_opts co = { .sets = sorted, .nsets = nsets };
	c->diags = ng_diags_new();
	c->status = g->load ? g->load(g->load_ctx, path, &co, &c->gf, c->diags)
			    : ng_compile_file(path, &co, &c->gf, c->diags);
	free(sorted);
	return c;
}

/* The key of a set: mapping that names param, else the mapping. */
static yaml_node_t *
set_key(tfile *f, yaml_node_t *set, const char *param)
{
	if (set->type != YAML_MAPPING_NODE)
		return set;
	for (yaml_node_pair_t *p = set->data.mapping.pairs.start; p < set->data.mapping.pairs.top; p++)
		if (yn_key_is(&f->y, p, param))
			return yn_node(&f->y, p->key);
	return set;
}

/*
 * The file's gate file compiled with sets (from the set: mapping set_node),
 * or NULL after reporting why not.
 */
static const ng_gatefile *
file_gate(tf_gates *g, tfile *f, yaml_node_t *set_node, const ng_param *sets, int nsets)
{
	tf_compiled *c = compile_gate(g, f->gatepath, sets, nsets);

	if (c->gf)
		return c->gf;
	if (c->status == NG_EIO) {
		const ng_diag *why = ng_diags_get(c->diags, 0);
		yn_err_at(&f->y, f->gate_node, "cannot read the gate file %s: %s", f->gatepath,
			  why ? why->message : "read error");
		f->y.status = NG_EIO;
		return NULL;
	}
	if (c->status == NG_EUSAGE) {
		/* a set that names no parameter: find which */
		for (int i = 0; i < nsets; i++) {
			tf_compiled *one = compile_gate(g, f->gatepath, &sets[i], 1);
			if (one->status == NG_EUSAGE)
				yn_err_at(&f->y, set_node ? set_key(f, set_node, sets[i].name) : f->gate_node,
					  "%s declares no parameter '%s'", f->gatepath, sets[i].name);
		}
		return NULL;
	}
	yn_err_at(&f->y, f->gate_node, "the gate file %s does not compile:", f->gatepath);
	size_t first = ng_diags_count(f->y.pending);
	for (size_t i = 0; i < ng_diags_count(c->diags); i++)
		err_copy(f->y.pending, ng_diags_get(c->diags, i));
	yn_add_diags(&f->y, yn_mark_off(&f->y, f->gate_node->start_mark), first);
	f->y.status = NG_ECOMPILE;
	return NULL;
}

/* `set:`: NAME: VALUE pairs. */
static void
parse_sets(tfile *f, yaml_node_t *n, ng_param **sets, int *nsets)
{
	int np;
	yaml_node_pair_t *p = yn_pairs(&f->y, n, "set", &np);

	for (int i = 0; p && i < np; i++) {
		yaml_node_t *k = yn_node(&f->y, p[i].key), *v = yn_node(&f->y, p[i].value);
		const char *name = k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : NULL;
		const char *value = yn_scalar(&f->y, v, "a parameter's value");
		if (!name || !value)
			continue;
		int j;
		for (j = 0; j < *nsets && strcmp((*sets)[j].name, name) != 0; j++)
			;
		if (j == *nsets) {
			*sets = xrealloc(*sets, (size_t)(*nsets + 1) * sizeof **sets);
			(*nsets)++;
		}
		(*sets)[j] = (ng_param){ name, value };
	}
}

/* --- series keys and values -------------------------------------------------- */

/* name="value", escaped as the exposition format (and check's reports) write it. */
static void
put_label(sbuf *b, const char *name, const char *value)
{
	sb_printf(b, "%s=\"", name);
	for (const char *c = value; *c; c++) {
		if (*c == '"' || *c == '\\')
			sb_printf(b, "\\%c", *c);
		else if (*c == '\n')
			sb_printf(b, "\\n");
		else
			sb_add(b, c, 1);
	}
	sb_add(b, "\"", 1);
}

static int
cmp_label(const void *a, const void *b)
{
	return strcmp(((const ng_label *)a)->name, ((const ng_label *)b)->name);
}

/* {a="x",...} of labels l[0..n), sorted by name, those with empty values left out; only the `by` of metric unless it is -1. */
static char *
canon(const ng_label *l, size_t n, const ng_gatefile *gf, int metric)
{
	ng_label *sorted = xmalloc((n + 1) * sizeof *sorted);
	size_t k = 0;
	sbuf b = { 0 };

	for (size_t i = 0; i < n; i++) {
		bool keep = *l[i].value != '\0';
		if (keep && metric >= 0) {
			const char *by;
			keep = false;
			for (int j = 0; !keep && (by = ng_gatefile_metric_by(gf, metric, j)); j++)
				keep = strcmp(by, l[i].name) == 0;
		}
		if (keep)
			sorted[k++] = l[i];
	}
	if (k)
		qsort(sorted, k, sizeof *sorted, cmp_label);
	sb_add(&b, "{", 1);
	for (size_t i = 0; i < k; i++) {
		if (i)
			sb_add(&b, ",", 1);
		put_label(&b, sorted[i].name, sorted[i].value);
	}
	sb_add(&b, "}", 1);
	free(sorted);
	return sb_take(&b);
}

char *
tf_canon_json(const json_t *labels)
{
	size_t n = json_object_size(labels), k = 0;
	ng_label *l = xmalloc((n + 1) * sizeof *l);
	const char *name;
	json_t *v;

	json_object_foreach((json_t *)labels, name, v)
		if (json_is_string(v))
			l[k++] = (ng_label){ name, json_string_value(v) };
	char *s = canon(l, k, NULL, -1);
	free(l);
	return s;
}

static void
tkey_free(tkey *k)
{
	sn_free(&k->desc);
	free(k->labels);
	free(k->canon);
	free(k->ident);
	*k = (tkey){ 0 };
}

/*
 * A key: METRIC{LABELS} (metric: the gate file's metric it names, and
 * whether role="baseline"), or with metric NULL a label set {LABELS} with
 * no metric name.  0, or -1 after an error at the key.
 */
static int
parse_key(tfile *f, const ng_gatefile *gf, yaml_node_t *k, const char *what, tkey *out)
{
	const char *s = yn_scalar(&f->y, k, what);
	sn_error e;
	bool named = gf != NULL;

	*out = (tkey){ .metric = -1 };
	if (!s)
		return -1;
	sn_series *d = &out->desc;
	if (sn_parse_desc(s, strlen(s), d, &e) < 0) {
		yn_err_span(&f->y, yn_scalar_span(&f->y, k, e.off, e.len), "bad %s '%s': %s",
			    named ? "series" : "label set", s, e.msg);
		return -1;
	}
	const char *name = sn_label_value(d, "__name__"), *role = sn_label_value(d, "role");
	const char *bad = NULL;
	for (size_t i = 0; i < d->nlabels && !bad; i++) {
		const sn_label *l = &d->labels[i];
		diag_span at = yn_scalar_span(&f->y, k, l->off, l->len);
		for (size_t j = 0; j < i && !bad; j++)
			if (strcmp(d->labels[j].name, l->name) == 0)
				yn_err_span(&f->y, at, "duplicate label name \"%s\"", bad = l->name);
		if (bad)
			break;
		if (strncmp(l->name, "__", 2) == 0 && strcmp(l->name, "__name__") != 0)
			yn_err_span(&f->y, at, "label names beginning with __ are reserved, as \"%s\"", bad = l->name);
		else if (strlen(l->value) != l->value_len)
			yn_err_span(&f->y, at, "the value of label \"%s\" holds a NUL byte", bad = l->name);
	}
	if (bad) {
	} else if (d->n) {
		yn_err_at(&f->y, k, "the %s '%s' holds values: they go after the colon", named ? "series" : "label set", s);
	} else if (!named && name) {
		yn_err_at(&f->y, k, "a deciding series is a label set such as {pod=\"a\"}, without a metric name, not '%s'", s);
	} else if (named && !name) {
		yn_err_at(&f->y, k, "the series '%s' has no metric name", s);
	} else if (named && (out->metric = ng_gatefile_find_metric(gf, name)) < 0) {
		yn_err_at(&f->y, k, "the gate file has no metric '%s'", name);
	} else {
		out->baseline = named && role && strcmp(role, "baseline") == 0;
		if (out->baseline && !ng_gatefile_metric_has_baseline(gf, out->metric)) {
			yn_err_at(&f->y, k, "metric '%s' has no baseline", name);
		} else {
			out->by = named && ng_gatefile_metric_by(gf, out->metric, 0);
			out->labels = xmalloc((d->nlabels + 1) * sizeof *out->labels);
			for (size_t i = 0; i < d->nlabels; i++) {
				const sn_label *l = &d->labels[i];
				if (strcmp(l->name, "__name__") != 0 && !(out->baseline && strcmp(l->name, "role") == 0) &&
				    *l->value)
					out->labels[out->nlabels++] = (ng_label){ l->name, l->value };
			}
			if (out->nlabels)
				qsort(out->labels, out->nlabels, sizeof *out->labels, cmp_label);
			out->canon = canon(out->labels, out->nlabels, NULL, -1);
			out->ident = out->by ? canon(out->labels, out->nlabels, gf, out->metric) : xstrdup("{}");
			return 0;
		}
	}
	tkey_free(out);
	return -1;
}

/* A series of the same metric (or baseline) and identity as k, in t, or -1. */
static int
same_identity(const ttest *t, const tkey *k)
{
	for (int j = 0; j < t->nseries; j++) {
		const tkey *o = &t->series[j].k;
		if (o->metric == k->metric && o->baseline == k->baseline && strcmp(o->ident, k->ident) == 0)
			return j;
	}
	return -1;
}

/*
 * One series, unless merged (<<) and set already: a merge brings in the
 * series of identities not given.  A key given here is made a series of
 * the test's scratch check, whose error (two label sets for one identity,
 * too many series) is this key's.
 */
static void
add_series(tfile *f, ttest *t, yaml_node_t *k, yaml_node_t *v, bool merged)
{
	tseries ts = { .node = k };
	const char *vals;
	sn_error e;
	ng_diags *d;

	if (parse_key(f, t->gf, k, "a series", &ts.k) < 0)
		return;
	ts.name = (const char *)k->data.scalar.value;
	int other = same_identity(t, &ts.k);
	if (merged && other >= 0) {
		tkey_free(&ts.k);
		return;
	}
	if (other >= 0 && strcmp(t->series[other].k.canon, ts.k.canon) == 0) {
		yn_err_at(&f->y, k, "'%s' is the same series as '%s' on line %zu", ts.name, t->series[other].name,
			  t->series[other].node->start_mark.line + 1);
		tkey_free(&ts.k);
		return;
	}
	if (f->nvalues > TF_MAX_VALUES || !(vals = yn_scalar(&f->y, v, "a series' values"))) {
		tkey_free(&ts.k);
		return;
	}
	if (sn_parse_values(vals, strlen(vals), &ts.s, &e) < 0) {
		yn_err_span(&f->y, yn_scalar_span(&f->y, v, e.off, e.len), "bad series values: %s", e.msg);
		tkey_free(&ts.k);
		return;
	}
	if (ts.s.n > TF_MAX_VALUES - f->nvalues) {
		/* every test is read before any runs: memory is bounded by the file's values */
		yn_err_at(&f->y, v, "the series of the file expand to more than %zu values in all", TF_MAX_VALUES);
		f->nvalues = TF_MAX_VALUES + 1;
		goto drop;
	}
	d = ng_diags_new();
	if (ng_check_series(f->scratch, ts.k.metric, ts.k.baseline, ts.k.labels, ts.k.nlabels, d) < 0) {
		const ng_diag *why = ng_diags_get(d, 0);
		if (other >= 0)
			yn_err_at(&f->y, k, "%s; the first is on line %zu", why ? why->message : "a second series",
				  t->series[other].node->start_mark.line + 1);
		else
			yn_err_at(&f->y, k, "%s", why ? why->message : "too many series");
		ng_diags_free(d);
		goto drop;
	}
	ng_diags_free(d);
	f->nvalues += ts.s.n;
	t->series = xrealloc(t->series, (size_t)(t->nseries + 1) * sizeof *t->series);
	t->series[t->nseries++] = ts;
	return;
drop:
	sn_free(&ts.s);
	tkey_free(&ts.k);
}

/*
 * series: KEY: VALUES pairs.  A YAML merge key (<<: *anchor, or a list of
 * them) brings in the series of other mappings that this one does not set;
 * a mapping merged a second time into the same test brings in nothing new,
 * so it is read once per test (f->pass).
 */
static void
parse_series(tfile *f, ttest *t, yaml_node_t *n, int depth)
{
	int np;
	yaml_node_pair_t *p;

	if (n->type == YAML_MAPPING_NODE) {
		unsigned *m = &f->merged[yn_id(&f->y, n)];
		if (*m == f->pass)
			return;
		*m = f->pass;
	}
	p = yn_pairs(&f->y, n, "series", &np);
	for (int i = 0; p && i < np; i++)
		if (!yn_key_is(&f->y, &p[i], "<<"))
			add_series(f, t, yn_node(&f->y, p[i].key), yn_node(&f->y, p[i].value), depth > 0);
	for (int i = 0; p && i < np; i++) {
		yaml_node_t *v = yn_node(&f->y, p[i].value);
		if (!yn_key_is(&f->y, &p[i], "<<"))
			continue;
		if (depth > 8) {
			yn_err_at(&f->y, v, "merge keys (<<) nest too deep");
		} else if (v->type == YAML_MAPPING_NODE) {
			parse_series(f, t, v, depth + 1);
		} else if (v->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
				parse_series(f, t, yn_node(&f->y, *it), depth + 1);
		} else {
			yn_err_at(&f->y, v, "<< takes a mapping or a list of mappings (as *healthy), not %s", yn_kind(v));
		}
	}
}

/*
 * An expected value: a number in PromQL's forms (1e-3, NaN, +Inf), or with
 * the gate language's units (164Mi, 0.5%, 200m), or YAML's .nan and .inf;
 * null for none.
 */
static int
expected_value(tfile *f, yaml_node_t *v, tvaluecheck *vc)
{
	const char *s;
	sn_series x;
	sn_error e;

	if (yn_is_null(v)) {
		vc->has = false;
		return 0;
	}
	if (!(s = yn_scalar(&f->y, v, "a value")))
		return -1;
	static const struct { const char *s; double v; } yaml_floats[] = {
		{ ".nan", NAN }, { ".NaN", NAN }, { ".NAN", NAN }, { ".inf", INFINITY }, { ".Inf", INFINITY },
		{ ".INF", INFINITY }, { "+.inf", INFINITY }, { "+.Inf", INFINITY }, { "+.INF", INFINITY },
		{ "-.inf", -INFINITY }, { "-.Inf", -INFINITY }, { "-.INF", -INFINITY },
	};
	for (size_t i = 0; i < sizeof yaml_floats / sizeof *yaml_floats; i++) {
		if (strcmp(s, yaml_floats[i].s) == 0) {
			vc->has = true;
			vc->v = yaml_floats[i].v;
			return 0;
		}
	}
	if (sn_parse_values(s, strlen(s), &x, &e) < 0) {
		double u;
		bool pct;
		const char *uerr;
		size_t uat;
		if (units_value(s, strlen(s), &u, &pct, &uerr, &uat) == 0) {
			vc->has = true;
			vc->v = u;
			return 0;
		}
		yn_err_span(&f->y, yn_scalar_span(&f->y, v, e.off, e.len), "bad value: %s", e.msg);
		return -1;
	}
	if (x.n != 1 || x.omitted[0] || series_is_stale(x.v[0])) {
		yn_err_at(&f->y, v, "a value must be one number (1e-3, NaN, +Inf, ...) or null for none, not '%s'", s);
		sn_free(&x);
		return -1;
	}
	vc->has = true;
	vc->v = x.v[0];
	sn_free(&x);
	return 0;
}

/* --- expect entries ---------------------------------------------------------- */

static int
find_rule(const ng_gatefile *gf, int gate, const char *name)
{
	ng_gate_info gi;
	ng_rule_info ri;

	ng_gatefile_gate_info(gf, gate, &gi);
	for (int i = 0; i < gi.nrules; i++)
		if (ng_gatefile_rule_info(gf, gate, i, &ri) == 0 && ri.name && strcmp(ri.name, name) == 0)
			return i;
	if (strcmp(name, "go") == 0)
		for (int i = 0; i < gi.nrules; i++)
			if (ng_gatefile_rule_info(gf, gate, i, &ri) == 0 && ri.kind == NG_RULE_GO)
				return i;
	return -1;
}

/* "a, b and c": the gates' names for a message. */
static void
gate_names(const ng_gatefile *gf, char *buf, size_t size)
{
	size_t len = 0;
	int ng = ng_gatefile_ngates(gf);

	buf[0] = '\0';
	for (int i = 0; i < ng; i++)
		list_add(buf, size, &len, i, ng, ng_gatefile_gate_name(gf, i));
}

static void
read_at(tfile *f, void *obj, yaml_node_t *v)
{
	duration(f, v, "at", &((texpect *)obj)->at);
}

static const keytable expect_keys = { " in an expect entry", "it", {
	{ "at", offsetof(texpect, at_node), read_at },
	{ "gate", offsetof(texpect, gate_node), NULL },
	{ "verdict", offsetof(texpect, verdict_node), NULL },
	{ "rule", offsetof(texpect, rule_node), NULL },
	{ "rules", offsetof(texpect, rules_node), NULL },
	{ "values", offsetof(texpect, values_node), NULL },
	{ "deciding", offsetof(texpect, deciding_node), NULL },
} };

/* The gate an entry checks: named by gate:, or the file's only one; -1 after an error. */
static int
expect_gate(tfile *f, const ng_gatefile *gf, const texpect *e)
{
	char names[512];
	int gate = -1;

	if (e->gate_node) {
		const char *g = yn_scalar(&f->y, e->gate_node, "gate");
		if (g && (gate = ng_gatefile_find_gate(gf, g)) < 0) {
			gate_names(gf, names, sizeof names);
			yn_err_at(&f->y, e->gate_node, "no gate '%s' in %s (its gates: %s)", g, f->gatepath, names);
		}
	} else if (ng_gatefile_ngates(gf) == 1) {
		gate = 0;
	} else {
		gate_names(gf, names, sizeof names);
		yn_err_at(&f->y, e->node, "%s has %d gates (%s): name one with gate:", f->gatepath,
			  ng_gatefile_ngates(gf), names);
	}
	return gate;
}

/* verdict: and rule:, the deciding rule. */
static void
expect_decision(tfile *f, const ng_gatefile *gf, texpect *e)
{
	if (e->verdict_node) {
		const char *v = yn_scalar(&f->y, e->verdict_node, "verdict");
		ng_verdict want;
		if (v && ng_verdict_parse(v, &want))
			e->verdict = (int)want;
		if (v && e->verdict < 0)
			yn_err_at(&f->y, e->verdict_node, "unknown verdict '%s': go, no-go, rollback or inconclusive", v);
	}
	if (e->rule_node) {
		const char *r = yn_scalar(&f->y, e->rule_node, "rule");
		if (r && (e->rule = find_rule(gf, e->gate, r)) < 0)
			yn_err_at(&f->y, e->rule_node, "gate %s has no rule named '%s'",
				  ng_gatefile_gate_name(gf, e->gate), r);
	}
}

/* rules: RULE: STATE pairs. */
static void
expect_rules(tfile *f, const ng_gatefile *gf, texpect *e)
{
	int nr;
	yaml_node_pair_t *rp = yn_pairs(&f->y, e->rules_node, "rules", &nr);

	e->rules = xcalloc((size_t)nr, sizeof *e->rules);
	for (int i = 0; rp && i < nr; i++) {
		yaml_node_t *k = yn_node(&f->y, rp[i].key), *v = yn_node(&f->y, rp[i].value);
		const char *name = yn_scalar(&f->y, k, "a rule name"), *st = yn_scalar(&f->y, v, "a rule state");
		trulecheck *rc = &e->rules[e->nrules];
		if (!name || !st)
			continue;
		if ((rc->rule = find_rule(gf, e->gate, name)) < 0) {
			yn_err_at(&f->y, k, "gate %s has no rule named '%s'", ng_gatefile_gate_name(gf, e->gate), name);
			continue;
		}
		if (!strcasecmp(st, "true"))
			rc->state = "true";
		else if (!strcasecmp(st, "false"))
			rc->state = "false";
		else if (!strcmp(st, "unknown"))
			rc->state = "unknown";
		else {
			yn_err_at(&f->y, v, "a rule's state is true, false or unknown, not '%s'", st);
			continue;
		}
		rc->node = v;
		e->nrules++;
	}
}

/* values: SERIES: VALUE pairs. */
static void
expect_values(tfile *f, const ng_gatefile *gf, texpect *e)
{
	int nv;
	yaml_node_pair_t *vp = yn_pairs(&f->y, e->values_node, "values", &nv);

	e->values = xcalloc((size_t)nv, sizeof *e->values);
	for (int i = 0; vp && i < nv; i++) {
		yaml_node_t *k = yn_node(&f->y, vp[i].key), *v = yn_node(&f->y, vp[i].value);
		tvaluecheck *vc = &e->values[e->nvalues];
		if (parse_key(f, gf, k, "a series", &vc->k) < 0)
			continue;
		if (vc->k.by && vc->k.baseline) {
			yn_err_at(&f->y, k, "metric '%s' is a set of series (by): the report gives no values of its "
				  "baseline", ng_gatefile_metric_name(gf, vc->k.metric));
			tkey_free(&vc->k);
			continue;
		}
		if (expected_value(f, v, vc) < 0) {
			tkey_free(&vc->k);
			continue;
		}
		vc->node = v;
		vc->name = (const char *)k->data.scalar.value;
		e->wants_report |= vc->k.by;
		e->nvalues++;
	}
}

/* The report of gate evaluated without samples: what its rules' quantifiers are. */
struct tf_quants {
	const ng_gatefile *gf;
	int gate;
	json_t *report;
};

static json_t *
gate_report(tfile *f, const ng_gatefile *gf, int gate)
{
	for (int i = 0; i < f->nquants; i++)
		if (f->quants[i].gf == gf && f->quants[i].gate == gate)
			return f->quants[i].report;
	ng_check *c = ng_check_new(gf, gate);
	ng_check_eval(c, 0);
	json_t *r = tf_report(c, gate);
	ng_check_free(c);
	f->quants = xrealloc(f->quants, (size_t)(f->nquants + 1) * sizeof *f->quants);
	f->quants[f->nquants++] = (struct tf_quants){ gf, gate, r };
	return r;
}

/* Whether a rule of gate has a quantifier of source src; if not, an error at k naming those it has. */
static bool
find_quant(tfile *f, const ng_gatefile *gf, int gate, yaml_node_t *k, const char *src)
{
	json_t *rules = json_object_get(gate_report(f, gf, gate), "rules"), *rule, *q;
	char names[512] = "";
	size_t i, j, len = 0;
	int n = 0, at = 0;

	for (int pass = 0; pass < 2; pass++) {
		json_array_foreach(rules, i, rule) {
			json_array_foreach(json_object_get(rule, "quantifiers"), j, q) {
				const char *qs = json_string_value(json_object_get(q, "source"));
				if (!qs)
					continue;
				if (pass == 0 && tf_same_source(qs, src))
					return true;
				if (pass == 0)
					n++;
				else
					list_add(names, sizeof names, &len, at++, n, qs);
			}
		}
	}
	if (n)
		yn_err_at(&f->y, k, "gate %s has no quantifier '%s' (its quantifiers: %s)", ng_gatefile_gate_name(gf, gate),
			  src, names);
	else
		yn_err_at(&f->y, k, "gate %s has no quantifier '%s' (it has none)", ng_gatefile_gate_name(gf, gate), src);
	return false;
}

/* One label set of a deciding entry; 0, or -1 after an error. */
static int
add_want(tfile *f, tdecidecheck *dc, yaml_node_t *n)
{
	tkey k;
	const char *s = yn_scalar(&f->y, n, "a label set");

	if (!s)
		return -1;
	s += strspn(s, " \t");
	if (*s != '{') {
		yn_err_at(&f->y, n, "a deciding series is a label set such as {pod=\"a\"}, not '%s'", s);
		return -1;
	}
	if (parse_key(f, NULL, n, "a label set", &k) < 0)
		return -1;
	for (int i = 0; i < dc->nwant; i++) {
		if (strcmp(dc->want[i], k.canon) == 0) {
			yn_err_at(&f->y, n, "the label set %s is listed twice", k.canon);
			tkey_free(&k);
			return -1;
		}
	}
	dc->want = xrealloc(dc->want, (size_t)(dc->nwant + 1) * sizeof *dc->want);
	dc->want[dc->nwant++] = k.canon;
	k.canon = NULL;
	tkey_free(&k);
	return 0;
}

/* deciding: QUANTIFIER: a label set, a list of them, or null (none). */
static void
expect_deciding(tfile *f, const ng_gatefile *gf, texpect *e)
{
	int nd;
	yaml_node_pair_t *dp = yn_pairs(&f->y, e->deciding_node, "deciding", &nd);

	e->deciding = xcalloc((size_t)nd, sizeof *e->deciding);
	for (int i = 0; dp && i < nd; i++) {
		yaml_node_t *k = yn_node(&f->y, dp[i].key), *v = yn_node(&f->y, dp[i].value);
		const char *q = yn_scalar(&f->y, k, "a quantifier");
		tdecidecheck *dc = &e->deciding[e->ndeciding];
		int bad = 0;
		if (!q || !find_quant(f, gf, e->gate, k, q))
			continue;
		*dc = (tdecidecheck){ .node = v, .quant = q };
		if (v->type == YAML_SEQUENCE_NODE) {
			for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
				bad |= add_want(f, dc, yn_node(&f->y, *it));
		} else if (!yn_is_null(v)) {
			bad = add_want(f, dc, v);
		}
		if (bad) {
			for (int j = 0; j < dc->nwant; j++)
				free(dc->want[j]);
			free(dc->want);
			continue;
		}
		e->wants_report = true;
		e->ndeciding++;
	}
}

static void
parse_expect(tfile *f, ttest *t, yaml_node_t *n, texpect *e)
{
	int np;
	yaml_node_pair_t *p = yn_pairs(&f->y, n, "an expect entry", &np);

	*e = (texpect){ .node = n, .verdict = -1, .rule = -1, .gate = -1 };
	if (!p) {
		if (n->type == YAML_MAPPING_NODE || yn_is_null(n))
			yn_err_at(&f->y, n, "an empty expect entry: it needs at least at: and verdict:");
		return;
	}
	read_keys(f, p, np, &expect_keys, e);
	if (!e->at_node)
		yn_err_at(&f->y, n, "an expect entry needs at: (the end of the window, as 5m after the first sample)");
	if (!e->verdict_node && !e->rule_node && !e->rules_node && !e->values_node && !e->deciding_node)
		yn_err_at(&f->y, n, "an expect entry checks nothing: give verdict, rule, rules, values or deciding");
	if ((e->gate = expect_gate(f, t->gf, e)) < 0)
		return;
	expect_decision(f, t->gf, e);
	if (e->rules_node)
		expect_rules(f, t->gf, e);
	if (e->values_node)
		expect_values(f, t->gf, e);
	if (e->deciding_node)
		expect_deciding(f, t->gf, e);
}

/* --- tests ------------------------------------------------------------------- */

static void
read_name(tfile *f, void *obj, yaml_node_t *v)
{
	ttest *t = obj;

	t->name = yn_scalar(&f->y, v, "name");
	if (t->name && !*t->name)
		yn_err_at(&f->y, v, "a test's name must not be empty");
}

/* A test's set: the file's, and its own over them. */
static void
read_test_set(tfile *f, void *obj, yaml_node_t *v)
{
	ttest *t = obj;

	free(t->sets);	/* of a second set: key, an error already */
	t->nsets = f->nsets;
	t->sets = xmalloc((size_t)(f->nsets + 1) * sizeof *t->sets);
	if (f->nsets)
		memcpy(t->sets, f->sets, (size_t)f->nsets * sizeof *t->sets);
	parse_sets(f, v, &t->sets, &t->nsets);
}

static const keytable test_keys = { " in a test", "it", {
	{ "name", offsetof(ttest, name_node), read_name },
	{ "interval", offsetof(ttest, interval_node), NULL },
	{ "set", offsetof(ttest, set_node), read_test_set },
	{ "series", offsetof(ttest, series_node), NULL },
	{ "expect", offsetof(ttest, expect_node), NULL },
} };

/* expect: the list of entries; the interval, when not given, the smallest step of their gates.  -1: none read. */
static int
parse_expects(tfile *f, ttest *t)
{
	yaml_node_t *en = t->expect_node;

	if (!en || yn_is_null(en)) {
		yn_err_at(&f->y, en ? en : t->node, "a test needs expect: (a list of entries with at: and "
			  "what to check)");
		return -1;
	}
	if (en->type != YAML_SEQUENCE_NODE) {
		yn_err_at(&f->y, en, "expect must be a list (- at: ...), not %s", yn_kind(en));
		return -1;
	}
	yaml_node_item_t *it = en->data.sequence.items.start;
	int ne = (int)(en->data.sequence.items.top - it);
	if (ne == 0)
		yn_err_at(&f->y, en, "a test needs at least one expect entry");
	t->expects = xcalloc((size_t)ne, sizeof *t->expects);
	int64_t min_step = 0;
	for (int i = 0; i < ne; i++) {
		texpect *e = &t->expects[t->nexpects];
		parse_expect(f, t, yn_node(&f->y, it[i]), e);
		if (e->gate >= 0) {
			ng_gate_info gi;
			ng_gatefile_gate_info(t->gf, e->gate, &gi);
			if (!min_step || gi.step_ms < min_step)
				min_step = gi.step_ms;
			t->nexpects++;
		}
	}
	if (!t->interval)
		t->interval = min_step;
	return 0;
}

/* An `at` past the series is a mistake, not a window of missing data. */
static void
check_ats(tfile *f, const ttest *t)
{
	size_t longest = 0;

	for (int i = 0; i < t->nseries; i++)
		if (t->series[i].s.n > longest)
			longest = t->series[i].s.n;
	for (int i = 0; i < t->nexpects; i++) {
		const texpect *e = &t->expects[i];
		char at[40], end[40], iv[40];
		if (e->at_node && e->at > NG_MAX_TIME_MS) {	/* the engine takes no sample past it */
			yn_err_at(&f->y, e->at_node, "at is past the year 9999");
			continue;
		}
		if (!e->at_node || (longest && e->at <= (int64_t)(longest - 1) * t->interval))
			continue;
		util_fmt_duration(at, sizeof at, e->at);
		util_fmt_duration(iv, sizeof iv, t->interval);
		if (!longest) {
			yn_err_at(&f->y, e->at_node, "at %s is past the series: the test has no values", at);
		} else {
			util_fmt_duration(end, sizeof end, (int64_t)(longest - 1) * t->interval);
			yn_err_at(&f->y, e->at_node, "at %s is past the series: the last value is at %s "
				  "(%zu values, every %s)", at, end, longest, iv);
		}
	}
}

static void
parse_test(tf_gates *g, tfile *f, yaml_node_t *n, ttest *t)
{
	int np;
	yaml_node_pair_t *p = yn_pairs(&f->y, n, "a test", &np);

	*t = (ttest){ .node = n, .interval = f->interval };
	if (!p) {
		if (yn_is_null(n))
			yn_err_at(&f->y, n, "an empty test: it needs name:, series: and expect:");
		return;
	}
	read_keys(f, p, np, &test_keys, t);
	if (!t->name)
		yn_err_at(&f->y, n, "a test needs a name:");
	if (t->interval_node)
		interval(f, t->interval_node, &t->interval);
	if (t->set_node) {
		if (!(t->gf = file_gate(g, f, t->set_node, t->sets, t->nsets)))
			return;
	} else {
		t->gf = f->gf;
	}
	int before = f->y.d.nerrors;
	f->pass++;
	f->scratch = ng_check_new(t->gf, -1);
	if (t->series_node)
		parse_series(f, t, t->series_node, 0);
	ng_check_free(f->scratch);
	f->scratch = NULL;
	bool series_ok = f->y.d.nerrors == before;
	if (parse_expects(f, t) == 0 && t->interval > 0 && series_ok)
		check_ats(f, t);
}

/* --- a file -------------------------------------------------------------------- */

static void
read_file_interval(tfile *f, void *obj, yaml_node_t *v)
{
	(void)obj;
	interval(f, v, &f->interval);
}

static void
read_file_set(tfile *f, void *obj, yaml_node_t *v)
{
	(void)obj;
	parse_sets(f, v, &f->sets, &f->nsets);
}

static const keytable file_keys = { "", "a test file", {
	{ "gate", offsetof(tfile, gate_node), NULL },
	{ "interval", offsetof(tfile, interval_node), read_file_interval },
	{ "set", offsetof(tfile, set_node), read_file_set },
	{ "tests", offsetof(tfile, tests_node), NULL },
} };

static int
cmp_test(const void *a, const void *b)
{
	const ttest *x = *(const ttest *const *)a, *y = *(const ttest *const *)b;
	int c = strcmp(x->name, y->name);

	return c ? c : x < y ? -1 : x > y;
}

/* Names are unique: sorted by name, then file order, a name's later tests follow its first. */
static void
unique_names(tfile *f)
{
	ttest **by = xmalloc((size_t)f->ntests * sizeof *by);
	int nn = 0;

	for (int i = 0; i < f->ntests; i++)
		if (f->tests[i].name)
			by[nn++] = &f->tests[i];
	if (nn)
		qsort(by, (size_t)nn, sizeof *by, cmp_test);
	for (int i = 1; i < nn; i++) {
		int first = i - 1;
		while (first > 0 && strcmp(by[first - 1]->name, by[i]->name) == 0)
			first--;
		if (strcmp(by[first]->name, by[i]->name) == 0)
			yn_err_at(&f->y, by[i]->node, "a second test named '%s' (the first is on line %zu)", by[i]->name,
				  by[first]->node->start_mark.line + 1);
	}
	free(by);
}

/* tests: the list, each test once. */
static void
parse_tests(tf_gates *g, tfile *f, yaml_node_t *root)
{
	yaml_node_t *tn = f->tests_node;

	if (!tn || yn_is_null(tn) ||
	    (tn->type == YAML_SEQUENCE_NODE && tn->data.sequence.items.top == tn->data.sequence.items.start)) {
		yn_err_at(&f->y, tn ? tn : root, "a test file needs tests: (a list of tests)");
		return;
	}
	if (tn->type != YAML_SEQUENCE_NODE) {
		yn_err_at(&f->y, tn, "tests must be a list (- name: ...), not %s", yn_kind(tn));
		return;
	}
	yaml_node_item_t *it = tn->data.sequence.items.start;
	int nt = (int)(tn->data.sequence.items.top - it);
	f->tests = xcalloc((size_t)nt, sizeof *f->tests);
	for (int i = 0; i < nt; i++) {
		yaml_node_t *t = yn_node(&f->y, it[i]);
		if (f->is_test[yn_id(&f->y, t)]) {
			yn_err_at(&f->y, t, "this test is listed again through a YAML alias: list each test once");
			continue;
		}
		f->is_test[yn_id(&f->y, t)] = true;
		parse_test(g, f, t, &f->tests[f->ntests++]);
	}
	unique_names(f);
}

/* The document read: its keys, the gate file, the tests. */
static void
parse_file(tf_gates *g, tfile *f)
{
	yaml_node_t *root = yaml_document_get_root_node(&f->y.doc);
	int np;

	if (!root) {
		yn_err_span(&f->y, (diag_span){ 0, 1 }, "an empty test file: it needs gate: and tests:");
		return;
	}
	f->merged = xcalloc(yn_count(&f->y) + 1, sizeof *f->merged);
	f->is_test = xcalloc(yn_count(&f->y) + 1, sizeof *f->is_test);
	if (yn_check_aliases(&f->y) < 0)
		return;
	yaml_node_pair_t *p = yn_pairs(&f->y, root, "a test file", &np);
	if (!p)
		return;
	read_keys(f, p, np, &file_keys, f);
	if (!f->gate_node) {
		yn_err_at(&f->y, root, "a test file needs gate: (the .gate file, relative to the test file)");
		return;
	}
	const char *gate = yn_scalar(&f->y, f->gate_node, "gate");
	if (!gate)
		return;
	f->gatepath = resolve(f->y.path, gate);
	if ((f->gf = file_gate(g, f, f->set_node, f->sets, f->nsets)))
		parse_tests(g, f, root);
}

void
tf_load(tf_gates *g, tfile *f, const char *path, const char *text, size_t len)
{
	char *own;

	*f = (tfile){ 0 };
	yn_init(&f->y, path);
	if (text) {
		own = xstrndup(text, len);
	} else if (!(own = util_read_file(path, &len))) {
		yn_io_error(&f->y, errno);
		return;
	}
	if (yn_load(&f->y, own, len) == 0)
		parse_file(g, f);
}

void
tf_free(tfile *f)
{
	for (int i = 0; i < f->ntests; i++) {
		ttest *t = &f->tests[i];
		for (int j = 0; j < t->nseries; j++) {
			sn_free(&t->series[j].s);
			tkey_free(&t->series[j].k);
		}
		for (int j = 0; j < t->nexpects; j++) {
			texpect *e = &t->expects[j];
			for (int k = 0; k < e->nvalues; k++)
				tkey_free(&e->values[k].k);
			for (int k = 0; k < e->ndeciding; k++) {
				for (int w = 0; w < e->deciding[k].nwant; w++)
					free(e->deciding[k].want[w]);
				free(e->deciding[k].want);
			}
			free(e->rules);
			free(e->values);
			free(e->deciding);
		}
		free(t->series);
		free(t->expects);
		free(t->sets);
	}
	free(f->tests);
	free(f->sets);
	free(f->gatepath);
	free(f->merged);
	free(f->is_test);
	for (int i = 0; i < f->nquants; i++)
		json_decref(f->quants[i].report);
	free(f->quants);
	yn_free(&f->y);
}

void
tf_gates_free(tf_gates *g)
{
	for (int i = 0; i < g->ncc; i++) {
		free(g->cc[i].path);
		free(g->cc[i].key);
		ng_diags_free(g->cc[i].diags);
		if (g->cc[i].gf)
			ng_gatefile_free(g->cc[i].gf);
	}
	free(g->cc);
	*g = (tf_gates){ 0 };
}

json_t *
tf_report(const ng_check *c, int gate)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = open_memstream(&buf, &len);
	const char *name = ng_gatefile_gate_name(ng_check_gatefile(c), gate);
	json_t *found = NULL;

	if (!mem)
		return NULL;
	ng_check_report(c, false, mem);
	fclose(mem);
	for (char *line = buf; line && *line && !found;) {
		char *nl = strchr(line, '\n');
		json_t *o = json_loadb(line, nl ? (size_t)(nl - line) : strlen(line), 0, NULL);
		const char *g = json_string_value(json_object_get(o, "gate"));
		if (g && name && strcmp(g, name) == 0)
			found = o;
		else
			json_decref(o);
		line = nl ? nl + 1 : NULL;
	}
	free(buf);
	return found;
}

bool
tf_same_source(const char *a, const char *b)
{
	for (;;) {
		while (*a == ' ' || *a == '\t' || *a == '\n')
			a++;
		while (*b == ' ' || *b == '\t' || *b == '\n')
			b++;
		if (*a != *b)
			return false;
		if (!*a)
			return true;
		a++, b++;
	}
}
