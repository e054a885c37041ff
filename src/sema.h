/* sema.h: checks and annotates a parsed .gate file (see sema.c). */
#ifndef NG_SEMA_H
#define NG_SEMA_H

#include "ast.h"
#include "program.h"

/*
 * Returns the number of errors in d (all reported there).  any_baseline:
 * every metric has a baseline from elsewhere (a recorded baseline file);
 * dialect: the queries' language, NG_DIALECT_FILE for the file's own.
 */
int sema_check(ast_file *f, diag_src *d, param_set *sets, int nsets, bool any_baseline, ng_dialect dialect);

/* A function's name as the language spells it (enum ast_fn). */
const char *sema_fn_name(int fn);

#endif
