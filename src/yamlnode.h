/*
 * yamlnode.h: a YAML file of one document read whole with libyaml, its
 * nodes, and errors at them, kept to be reported in file order as
 * FILE:LINE:COL with the line and a caret, each once and the first
 * YN_MAX_ERRORS of them.  What the nodes mean is the reader's (testfile.c).
 *
 * A yn_file owns its text (once given to yn_load), its document and its
 * diagnostics; yn_free() releases them.  Node ids count from 1, as
 * libyaml's do; libyaml resolves an alias to the node its anchor names, so
 * a node may be met more than once (yn_check_aliases bounds how often).
 */
#ifndef NG_YAMLNODE_H
#define NG_YAMLNODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <yaml.h>

#include "diag.h"
#include "novagate.h"

#define YN_MAX_ERRORS 100	/* shown of a file: each shows its line, which may be long */

typedef struct yn_file {
	const char *path;
	char *text;		/* NUL-terminated */
	size_t len;
	int status;		/* the first error's status: NG_ETEST, or what the reader set */
	diag_src d;		/* d.nerrors: the errors so far, shown or not */
	ng_diags *pending;	/* the diagnostics, in the order made */
	yaml_document_t doc;
	bool loaded;		/* doc holds a document */
	/* where characters and messages are */
	size_t nlines;		/* of d's line table, which says where each starts */
	struct yn_line *lines;	/* the characters of each line, made when first asked */
	struct yn_msg *msgs;
	int nmsgs, msgcap;
	struct yn_err *errs;	/* the first YN_MAX_ERRORS errors, each once */
	int nerrs;		/* how many, or YN_MAX_ERRORS + 1 when there are more */
} yn_file;

void yn_init(yn_file *y, const char *path);
/* The file could not be read (errno errnum): its one error, NG_EIO. */
void yn_io_error(yn_file *y, int errnum);
/* Read text (y owns it from now on) as one YAML document; -1 after an error when it is not YAML. */
int yn_load(yn_file *y, char *text, size_t len);
void yn_free(yn_file *y);

/* How many nodes the document has: ids run from 1 to that. */
size_t yn_count(const yn_file *y);
yaml_node_t *yn_node(yn_file *y, int id);
int yn_id(const yn_file *y, const yaml_node_t *n);
/* "a mapping", "a list" or "a scalar", for messages. */
const char *yn_kind(const yaml_node_t *n);
bool yn_is_null(const yaml_node_t *n);
/* A scalar's text, or NULL after an error naming what was wanted. */
const char *yn_scalar(yn_file *y, yaml_node_t *n, const char *what);
/*
 * The pairs of a mapping, keys checked to be unique scalars; NULL (after an
 * error unless n is null) when n is not a mapping.  *n_out: how many.
 */
yaml_node_pair_t *yn_pairs(yn_file *y, yaml_node_t *n, const char *what, int *n_out);
bool yn_key_is(yn_file *y, const yaml_node_pair_t *p, const char *name);
/* No node holds itself, and aliases do not make the tree far larger than the text; 0, or -1 after an error. */
int yn_check_aliases(yn_file *y);

/* A libyaml mark (line from 0, column in characters) as a byte offset. */
size_t yn_mark_off(const yn_file *y, yaml_mark_t m);
/*
 * Where bytes [k, k+len) of a scalar's value are in the file: exact when the
 * scalar sits on one line and its text is the value, else its first byte.
 */
diag_span yn_scalar_span(const yn_file *y, const yaml_node_t *n, size_t k, size_t len);
void yn_err_at(yn_file *y, const yaml_node_t *n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void yn_err_span(yn_file *y, diag_span at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The diagnostics added to y->pending since it held first, as one message at byte off. */
void yn_add_diags(yn_file *y, size_t off, size_t first);

/*
 * The diagnostics to `to` in file order, and rendered to `render` unless it
 * is NULL; returns the file's status (NG_ETEST after any error).
 */
ng_errcode yn_report(yn_file *y, ng_diags *to, FILE *render);

#endif
