/* report.h: a gate's verdict as JSON (one line) or as a summary for people. */
#ifndef NG_REPORT_H
#define NG_REPORT_H

#include <stdio.h>

#include "eval.h"

/* nodefault: per metric, why its default must not apply (a warning of the report), or NULL. */
void report_json(const program *p, const gate_result *r, const series *ss, const char *const *nodefault,
		 FILE *out);
void report_human(const program *p, const gate_result *r, const series *ss, const char *const *nodefault,
		  FILE *out);

#endif
