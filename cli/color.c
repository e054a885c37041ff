/*
 * color.c: whether a report for people has colour and sparklines.  The
 * library takes both from here: --color always colours even a pipe;
 * never and auto leave a pipe as plain as ever; auto colours a terminal
 * unless NO_COLOR is set and not empty (no-color.org).  Sparklines go to
 * a terminal, or wherever --color always asks for one's output.
 */
#include "live.h"
#include "options.h"

#include <stdlib.h>
#include <unistd.h>

ng_report_opts
cli_report_opts(const cli_opts *o)
{
	const char *nc = getenv("NO_COLOR");
	bool tty = isatty(STDOUT_FILENO), always = o->color == COLOR_ALWAYS;

	if (!o->human)
		return (ng_report_opts){ 0 };
	return (ng_report_opts){
		.human = true,
		.color = always || (o->color == COLOR_AUTO && tty && !(nc && *nc)),
		.sparklines = tty || always,
	};
}
