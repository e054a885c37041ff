/* yamlnode.c: a YAML file's document, its nodes, and errors at them in file order. */
#include "yamlnode.h"

#include "error.h"
#include "utf8.h"
#include "util.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A diagnostic, kept to be reported in the order of the file. */
typedef struct yn_msg {
	size_t off;
	int seq;
	size_t first, n;	/* its diagnostics in the file's pending list */
} yn_msg;

/* An error as reported, before it is rendered with its line. */
typedef struct yn_err {
	diag_span at;
	char *msg;
} yn_err;

/* Where the characters of a line are: libyaml's columns count characters. */
struct yn_line {
	size_t len;	/* in bytes */
	size_t *off;	/* of each character, NULL when they are its bytes */
	size_t n;
	bool done;
};

void
yn_init(yn_file *y, const char *path)
{
	*y = (yn_file){ .path = path, .pending = ng_diags_new() };
}

void
yn_free(yn_file *y)
{
	if (y->loaded)
		yaml_document_delete(&y->doc);
	for (size_t i = 0; y->lines && i < y->nlines; i++)
		free(y->lines[i].off);
	free(y->lines);
	diag_free(&y->d);
	free(y->text);
	for (int i = 0; i < y->nerrs && i < YN_MAX_ERRORS; i++)
		free(y->errs[i].msg);
	free(y->errs);
	free(y->msgs);
	ng_diags_free(y->pending);
}

/* --- locations ------------------------------------------------------------- */

/* Where the characters of line l are: each error on a long line would rescan it. */
static void
index_line(yn_file *y, size_t l)
{
	struct yn_line *lc = &y->lines[l];
	size_t bol = diag_line_start(&y->d, (unsigned)l);
	const char *p = y->text + bol, *nl = memchr(p, '\n', y->len - bol);
	size_t len = nl ? (size_t)(nl - p) : y->len - bol, k = 0, w;

	lc->done = true;
	lc->len = len;
	while (k < len && !(p[k] & 0x80))
		k++;
	if (k == len)
		return;
	lc->off = xmalloc((len + 1) * sizeof *lc->off);
	/* libyaml refused text that is not UTF-8: a stray byte is only counted, as one */
	for (k = 0; k < len; k += (w = utf8_len(p + k, len - k)) ? w : 1)
		lc->off[lc->n++] = bol + k;
	lc->off[lc->n] = bol + len;
}

size_t
yn_mark_off(const yn_file *cy, yaml_mark_t m)
{
	yn_file *y = (yn_file *)cy;	/* a cache: filling it changes nothing y stands for */
	struct yn_line *lc;

	if (m.line >= y->nlines)
		return y->len;
	lc = &y->lines[m.line];
	if (!lc->done)
		index_line(y, m.line);
	if (!lc->off)
		return diag_line_start(&y->d, (unsigned)m.line) + (m.column < lc->len ? m.column : lc->len);
	return lc->off[m.column < lc->n ? m.column : lc->n];
}

static diag_span
span_of(const yn_file *y, const yaml_node_t *n)
{
	size_t a = yn_mark_off(y, n->start_mark), b = yn_mark_off(y, n->end_mark);

	return (diag_span){ (unsigned)a, (unsigned)(b > a ? b - a : 1) };
}

diag_span
yn_scalar_span(const yn_file *y, const yaml_node_t *n, size_t k, size_t len)
{
	size_t a = yn_mark_off(y, n->start_mark), b = yn_mark_off(y, n->end_mark);
	size_t q = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ? 0 : 1;

	/* no escapes, no folding: the text between the quotes is the value */
	if (n->start_mark.line == n->end_mark.line && b >= a + 2 * q &&
	    (n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
	     n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
	     n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) &&
	    b - a - 2 * q == n->data.scalar.length &&
	    memcmp(y->text + a + q, n->data.scalar.value, n->data.scalar.length) == 0)
		return (diag_span){ (unsigned)(a + q + k), (unsigned)(len ? len : 1) };
	return (diag_span){ (unsigned)a, 1 };
}

/* --- errors ---------------------------------------------------------------- */

void
yn_add_diags(yn_file *y, size_t off, size_t first)
{
	if (y->nmsgs == y->msgcap) {
		y->msgcap = y->msgcap ? 2 * y->msgcap : 16;
		y->msgs = xrealloc(y->msgs, (size_t)y->msgcap * sizeof *y->msgs);
	}
	y->msgs[y->nmsgs] = (yn_msg){ off, y->nmsgs, first, ng_diags_count(y->pending) - first };
	y->nmsgs++;
}

void
yn_io_error(yn_file *y, int errnum)
{
	err_io(y->pending, y->path, errnum);
	yn_add_diags(y, 0, 0);
	y->status = NG_EIO;
}

static void verr(yn_file *y, diag_span at, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));

/*
 * An error: rendered with its line unless it was reported before (a node
 * read again through an alias) or YN_MAX_ERRORS are; counted either way.
 */
static void
verr(yn_file *y, diag_span at, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (!y->status)
		y->status = NG_ETEST;
	for (int i = 0; i < y->nerrs && i < YN_MAX_ERRORS; i++) {
		if (y->errs[i].at.off == at.off && y->errs[i].at.len == at.len && strcmp(y->errs[i].msg, msg) == 0) {
			y->d.nerrors++;
			return;
		}
	}
	if (y->nerrs >= YN_MAX_ERRORS) {
		y->nerrs = YN_MAX_ERRORS + 1;
		y->d.nerrors++;
		return;
	}
	if (!y->errs)
		y->errs = xmalloc(YN_MAX_ERRORS * sizeof *y->errs);
	y->errs[y->nerrs++] = (yn_err){ at, xstrdup(msg) };
	size_t first = ng_diags_count(y->pending);
	y->d.sink = y->pending;
	diag_error(&y->d, at, "%s", msg);	/* counts it */
	err_set_code(y->pending, NG_ETEST);
	yn_add_diags(y, at.off, first);
}

void
yn_err_at(yn_file *y, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(y, span_of(y, n), fmt, ap);
	va_end(ap);
}

void
yn_err_span(yn_file *y, diag_span at, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verr(y, at, fmt, ap);
	va_end(ap);
}

static int
cmp_msg(const void *a, const void *b)
{
	const yn_msg *x = a, *y = b;

	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return x->seq - y->seq;
}

ng_errcode
yn_report(yn_file *y, ng_diags *to, FILE *render)
{
	if (y->nmsgs)
		qsort(y->msgs, (size_t)y->nmsgs, sizeof *y->msgs, cmp_msg);
	for (int i = 0; i < y->nmsgs; i++)
		for (size_t k = 0; k < y->msgs[i].n; k++)
			err_copy(to, ng_diags_get(y->pending, y->msgs[i].first + k));
	if (y->nerrs > YN_MAX_ERRORS)
		err_add(to, NG_SEV_INFO, NG_OK, ERR_FILE(y->path), "only the first %d errors are shown",
			YN_MAX_ERRORS);
	for (int i = 0; render && i < y->nmsgs; i++)
		for (size_t k = 0; k < y->msgs[i].n; k++)
			ng_diag_render(ng_diags_get(y->pending, y->msgs[i].first + k), "novagate", render);
	if (y->status == 0 && y->d.nerrors)
		y->status = NG_ETEST;
	return (ng_errcode)y->status;
}

/* --- the document ------------------------------------------------------------ */

static void
yaml_error(yn_file *y, yaml_parser_t *yp)
{
	size_t off;
	char msg[512];

	if (yp->error == YAML_READER_ERROR) {
		off = yp->problem_offset;
		snprintf(msg, sizeof msg, "%s", yp->problem ? yp->problem : "cannot read");
	} else {
		off = yn_mark_off(y, yp->problem_mark);
		if (yp->context && yp->context_mark.line != yp->problem_mark.line)
			snprintf(msg, sizeof msg, "%s (%s on line %zu)", yp->problem ? yp->problem : "error",
				 yp->context, yp->context_mark.line + 1);
		else if (yp->context)
			snprintf(msg, sizeof msg, "%s (%s)", yp->problem ? yp->problem : "error", yp->context);
		else
			snprintf(msg, sizeof msg, "%s", yp->problem ? yp->problem : "error");
	}
	if (off > y->len)
		off = y->len;
	yn_err_span(y, (diag_span){ (unsigned)off, 1 }, "YAML: %s", msg);
}

int
yn_load(yn_file *y, char *text, size_t len)
{
	yaml_parser_t yp;

	y->text = text;
	y->len = len;
	diag_init(&y->d, y->path, y->text, y->len, NULL);
	y->nlines = diag_nlines(&y->d);
	y->lines = xcalloc(y->nlines, sizeof *y->lines);
	yaml_parser_initialize(&yp);
	yaml_parser_set_input_string(&yp, (const unsigned char *)y->text, y->len);
	if (!yaml_parser_load(&yp, &y->doc)) {
		yaml_error(y, &yp);
		yaml_parser_delete(&yp);
		return -1;
	}
	y->loaded = true;
	if (yaml_document_get_root_node(&y->doc)) {
		/* one document per file */
		yaml_document_t extra;
		if (!yaml_parser_load(&yp, &extra)) {
			yaml_error(y, &yp);
		} else {
			if (yaml_document_get_root_node(&extra))
				yn_err_span(y, (diag_span){ (unsigned)yn_mark_off(y, extra.start_mark), 3 },
					    "a second YAML document: a test file holds one");
			yaml_document_delete(&extra);
		}
	}
	yaml_parser_delete(&yp);
	return 0;
}

/* --- nodes --------------------------------------------------------------------- */

size_t
yn_count(const yn_file *y)
{
	return (size_t)(y->doc.nodes.top - y->doc.nodes.start);
}

yaml_node_t *
yn_node(yn_file *y, int id)
{
	return yaml_document_get_node(&y->doc, id);
}

int
yn_id(const yn_file *y, const yaml_node_t *n)
{
	return (int)(n - y->doc.nodes.start) + 1;
}

const char *
yn_kind(const yaml_node_t *n)
{
	return n->type == YAML_MAPPING_NODE ? "a mapping" : n->type == YAML_SEQUENCE_NODE ?
		"a list" : "a scalar";
}

const char *
yn_scalar(yn_file *y, yaml_node_t *n, const char *what)
{
	if (n->type != YAML_SCALAR_NODE) {
		yn_err_at(y, n, "%s must be %s, not %s", what, "a single value", yn_kind(n));
		return NULL;
	}
	if (strlen((const char *)n->data.scalar.value) != n->data.scalar.length) {
		yn_err_at(y, n, "%s holds a NUL character", what);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

bool
yn_is_null(const yaml_node_t *n)
{
	const char *s = (const char *)n->data.scalar.value;

	if (n->type != YAML_SCALAR_NODE)
		return false;
	if (n->tag && strcmp((const char *)n->tag, YAML_NULL_TAG) == 0)
		return true;
	return n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
		(!*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL"));
}

bool
yn_key_is(yn_file *y, const yaml_node_pair_t *p, const char *name)
{
	yaml_node_t *k = yn_node(y, p->key);

	return k->type == YAML_SCALAR_NODE && strcmp((const char *)k->data.scalar.value, name) == 0;
}

/* --- duplicate keys ------------------------------------------------------------ */

/* A scalar key and its place in the mapping, for finding duplicates. */
typedef struct keyref {
	const yaml_node_t *k;
	size_t i;
} keyref;

static bool
same_key(const yaml_node_t *a, const yaml_node_t *b)
{
	return a->data.scalar.length == b->data.scalar.length &&
		memcmp(a->data.scalar.value, b->data.scalar.value, a->data.scalar.length) == 0;
}

static int
cmp_keyref(const void *a, const void *b)
{
	const keyref *x = a, *y = b;
	size_t n = x->k->data.scalar.length, m = y->k->data.scalar.length;
	int c = n != m ? (n < m ? -1 : 1) : memcmp(x->k->data.scalar.value, y->k->data.scalar.value, n);

	return c ? c : x->i < y->i ? -1 : x->i > y->i;
}

static void
dup_error(yn_file *y, const yaml_node_t *k, const yaml_node_t *first, const char *what)
{
	yn_err_at(y, k, "duplicate key '%s' in %s (the first is on line %zu)", (const char *)k->data.scalar.value,
		  what, first->start_mark.line + 1);
}

/* Each scalar key equal to an earlier one: pairwise when few, else sorted. */
static void
dup_keys(yn_file *y, const yaml_node_pair_t *p0, size_t n, const char *what)
{
	keyref *kr;
	size_t m = 0;

	if (n <= 16) {
		for (size_t i = 0; i < n; i++) {
			yaml_node_t *k = yn_node(y, p0[i].key);
			for (size_t j = 0; k->type == YAML_SCALAR_NODE && j < i; j++) {
				yaml_node_t *k2 = yn_node(y, p0[j].key);
				if (k2->type == YAML_SCALAR_NODE && same_key(k, k2)) {
					dup_error(y, k, k2, what);
					break;
				}
			}
		}
		return;
	}
	kr = xmalloc(n * sizeof *kr);
	for (size_t i = 0; i < n; i++)
		if (yn_node(y, p0[i].key)->type == YAML_SCALAR_NODE)
			kr[m++] = (keyref){ yn_node(y, p0[i].key), i };
	qsort(kr, m, sizeof *kr, cmp_keyref);
	for (size_t i = 1, first = 0; i < m; i++) {
		if (!same_key(kr[first].k, kr[i].k))
			first = i;
		else
			dup_error(y, kr[i].k, kr[first].k, what);
	}
	free(kr);
}

yaml_node_pair_t *
yn_pairs(yn_file *y, yaml_node_t *n, const char *what, int *n_out)
{
	yaml_node_pair_t *p0, *top;

	*n_out = 0;
	if (n->type != YAML_MAPPING_NODE) {
		if (yn_is_null(n))
			return NULL;	/* nothing in it */
		yn_err_at(y, n, "%s must be a mapping (KEY: VALUE lines), not %s", what, yn_kind(n));
		return NULL;
	}
	p0 = n->data.mapping.pairs.start;
	top = n->data.mapping.pairs.top;
	for (yaml_node_pair_t *p = p0; p < top; p++) {
		yaml_node_t *k = yn_node(y, p->key);
		if (k->type != YAML_SCALAR_NODE)
			yn_err_at(y, k, "a key of %s must be a single value, not %s", what, yn_kind(k));
	}
	dup_keys(y, p0, (size_t)(top - p0), what);
	*n_out = (int)(top - p0);
	return p0;
}

/* --- aliases ------------------------------------------------------------------ */

/*
 * libyaml resolves an alias to the node its anchor names, so a document is a
 * graph: an alias inside its own anchor's node makes a cycle, and aliases of
 * mappings full of aliases make the tree they stand for exponentially larger
 * than the text.  Both are refused before the document is read, as yaml.v3
 * (promtool's) refuses them: no node may hold itself, and the tree may be at
 * most ALIAS_RATIO times the document (a node counting 1, a scalar also its
 * length).  Reading the tree then costs time in proportion to the file.
 */
#define ALIAS_RATIO 100
#define SAT (UINT64_C(1) << 62)	/* counts saturate here */

enum { ON_PATH = 1, DONE = 2, REPORTED = 4 };

static int
nchildren(const yaml_node_t *n)
{
	if (n->type == YAML_MAPPING_NODE)
		return 2 * (int)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
	if (n->type == YAML_SEQUENCE_NODE)
		return (int)(n->data.sequence.items.top - n->data.sequence.items.start);
	return 0;
}

static int
child(const yaml_node_t *n, int k)
{
	if (n->type == YAML_MAPPING_NODE)
		return k & 1 ? n->data.mapping.pairs.start[k / 2].value : n->data.mapping.pairs.start[k / 2].key;
	return n->data.sequence.items.start[k];
}

/* Depth first from the root: *order the nodes in post order; a cycle is an error at its anchor's node. */
static int
walk(yn_file *y, unsigned char *state, int *order, int *norder)
{
	int nn = (int)yn_count(y), sp = 0, before = y->d.nerrors;
	struct frame { int id, k; } *stack = xmalloc((size_t)nn * sizeof *stack);

	stack[sp++] = (struct frame){ 1, 0 };	/* the root */
	state[1] = ON_PATH;
	while (sp) {
		struct frame *fr = &stack[sp - 1];
		yaml_node_t *n = yn_node(y, fr->id);
		if (fr->k == nchildren(n)) {
			state[fr->id] = (unsigned char)((state[fr->id] & REPORTED) | DONE);
			order[(*norder)++] = fr->id;
			sp--;
			continue;
		}
		int c = child(n, fr->k++);
		if ((state[c] & (ON_PATH | REPORTED)) == ON_PATH) {
			/* yn_kind() + 2: "mapping", "list" */
			yn_err_at(y, yn_node(y, c), "this %s holds a YAML alias of itself (its anchor is used inside it)",
				  yn_kind(yn_node(y, c)) + 2);
			state[c] |= REPORTED;
		} else if (!state[c]) {
			state[c] = ON_PATH;
			stack[sp++] = (struct frame){ c, 0 };
		}
	}
	free(stack);
	return y->d.nerrors == before ? 0 : -1;
}

static uint64_t
sat_add(uint64_t a, uint64_t b)
{
	return a >= SAT - b ? SAT : a + b;
}

static uint64_t
sat_mul(uint64_t a, uint64_t b)
{
	return b && a >= SAT / b ? SAT : a * b;
}

int
yn_check_aliases(yn_file *y)
{
	int nn = (int)yn_count(y), norder = 0, worst = 0;
	unsigned char *state = xcalloc((size_t)nn + 1, 1);
	int *order = xmalloc((size_t)nn * sizeof *order);
	uint64_t *paths = xcalloc((size_t)nn + 1, sizeof *paths), plain = 0, tree = 0;
	int r = walk(y, state, order, &norder);

	/* reversed, the post order has every node after those that hold it */
	paths[1] = 1;
	for (int i = norder - 1; r == 0 && i >= 0; i--) {
		yaml_node_t *n = yn_node(y, order[i]);
		uint64_t own = 1 + (n->type == YAML_SCALAR_NODE ? n->data.scalar.length : 0);
		plain += own;
		tree = sat_add(tree, sat_mul(paths[order[i]], own));
		if (paths[order[i]] > paths[worst])
			worst = order[i];
		for (int k = 0; k < nchildren(n); k++)
			paths[child(n, k)] = sat_add(paths[child(n, k)], paths[order[i]]);
	}
	if (r == 0 && tree > sat_mul(plain, ALIAS_RATIO)) {
		yn_err_at(y, yn_node(y, worst), "YAML aliases repeat this %s %s%llu times: the file expands to more "
			  "than %d times its size", yn_kind(yn_node(y, worst)) + 2, paths[worst] == SAT ? "over " : "",
			  (unsigned long long)paths[worst], ALIAS_RATIO);
		r = -1;
	}
	free(paths);
	free(order);
	free(state);
	return r;
}
