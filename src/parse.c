/* parse.c: runs the generated parser over a file held in memory. */
#include "parse.h"
#include "parser.h"

ast_file *
parse_file(diag_src *d)
{
	parser p = {
		.d = d,
		.f = ast_new(),
		.base = d->text,
		.cur = d->text,
		.lim = d->text + d->len,
	};

	yyparse(&p);
	return p.f;
}
