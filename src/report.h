/* report.h: a gate's verdict as JSON (one line) or as a summary for people. */
#ifndef NG_REPORT_H
#define NG_REPORT_H

#include <stdio.h>

#include "eval.h"

/* absent: per series, the warning that the server has none of a selector in its query (ng_check_absent), or NULL. */
void report_json(const program *p, const gate_result *r, const series *ss, const char *const *absent, FILE *out);
void report_human(const program *p, const gate_result *r, const series *ss, const char *const *absent, FILE *out);

#endif
