/* report.h: a gate's verdict as JSON (one line) or as a summary for people. */
#ifndef NG_REPORT_H
#define NG_REPORT_H

#include <stdio.h>

#include "eval.h"

void report_json(const program *p, const gate_result *r, const series *ss, FILE *out);
void report_human(const program *p, const gate_result *r, const series *ss, FILE *out);

#endif
