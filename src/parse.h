/*
 * parse.h: the front end.  Lexer (grammar/lexer.re) and parser
 * (grammar/parser.y) share one struct parser; parse_file() drives them.
 */
#ifndef NG_PARSE_H
#define NG_PARSE_H

#include "ast.h"
#include "diag.h"

typedef struct parser {
	diag_src *d;
	ast_file *f;
	const char *base, *cur, *lim, *mark, *tok;
	ast_gate *gate;		/* the gate whose body is being parsed */
	bool too_deep;		/* an expression outgrew MAX_HEIGHT (reported once) */
} parser;

/* Parse d's text into a new tree; errors go to d.  Always returns a tree. */
ast_file *parse_file(diag_src *d);

/* The lexer; returns a token code of the generated parser. */
union YYSTYPE;
int lexer_next(union YYSTYPE *lval, diag_span *loc, parser *p);

#endif
