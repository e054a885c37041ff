/*
 * html.h: a check's report as one self-contained HTML page: inline CSS and
 * SVG, nothing fetched, no script.  A header per gate, a chart per metric
 * over the window as the rules saw it.
 */
#ifndef NG_HTML_H
#define NG_HTML_H

#include <stdio.h>

#include "report.h"

/*
 * The page of results[0 .. n): one section per gate evaluated, after the
 * title (a heading, and the start of <title>) and the note (preformatted
 * text) of why the page was written, each when not NULL.
 */
void report_html(const program *p, const gate_result *results, int n, const report_data *rd, const char *title,
		 const char *note, FILE *out);

#endif
