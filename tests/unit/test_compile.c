/*
 * test_compile.c: program_compile() on gate texts held in memory: the
 * exact diagnostics (text and caret), that every error is reported,
 * constant folding, the disassembly, $param substitution and escaping,
 * the gate defaults (window, step, lookback), the stack size and the
 * series each gate reads.
 */
#include "program.h"
#include "t.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- helpers ---------------------------------------------------------------- */

typedef struct result {
	program *p;		/* NULL when the text has errors */
	int nerrors;
	char *errs;		/* everything written to the error stream */
} result;

static char *
dup(const char *s)
{
	size_t n = strlen(s);
	char *d = malloc(n + 1);

	if (!d)
		abort();
	memcpy(d, s, n + 1);
	return d;
}

static result
compile_with(const char *text, param_set *sets, int nsets)
{
	result r = { 0 };
	size_t len;
	FILE *f = open_memstream(&r.errs, &len);

	if (!f)
		abort();
	ng_diags *d = ng_diags_new();
	r.nerrors = -1;
	r.p = program_compile("t.gate", dup(text), strlen(text), sets, nsets, d, &r.nerrors);
	ng_diags_render(d, NULL, f);
	ng_diags_free(d);
	fclose(f);
	return r;
}

static result
compile(const char *text)
{
	return compile_with(text, NULL, 0);
}

static void
result_free(result *r)
{
	program_free(r->p);
	free(r->errs);
}

/* The text fails to compile with exactly these diagnostics. */
static void
diags(const char *text, int nerrors, const char *want, int line)
{
	result r = compile(text);

	T_CHECK(r.p == NULL, "line %d: compiled, want errors", line);
	T_CHECK(r.nerrors == nerrors, "line %d: %d errors, want %d", line, r.nerrors, nerrors);
	T_CHECK(strcmp(r.errs, want) == 0, "line %d: diagnostics differ:\n--- got\n%s--- want\n%s", line, r.errs, want);
	result_free(&r);
}
#define DIAGS(text, n, want) diags(text, n, want, __LINE__)

/* The text compiles without a word on the error stream. */
static program *
ok(const char *text, int line)
{
	result r = compile(text);

	T_CHECK(r.p && r.nerrors == 0 && *r.errs == '\0', "line %d: does not compile (%d errors):\n%s",
		line, r.nerrors, r.errs);
	free(r.errs);
	return r.p;
}
#define OK(text) ok(text, __LINE__)

/* The opcodes of gate g (HALT excluded) as "LOAD CONST MUL ...". */
static void
ops(const program *p, int g, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (int pc = p->gates[g].code; pc < p->ncode && p->code[pc].op != OP_HALT; pc++)
		n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s", n ? " " : "",
				      opcode_name(p->code[pc].op));
}

/* The constant of the i-th CONST of gate g. */
static double
const_at(const program *p, int g, int i)
{
	for (int pc = p->gates[g].code; pc < p->ncode && p->code[pc].op != OP_HALT; pc++)
		if (p->code[pc].op == OP_CONST && i-- == 0)
			return p->k[p->code[pc].a];
	return NAN;
}

/* --- exact diagnostics ------------------------------------------------------ */

static void
diagnostics(void)
{
	/* unknown metric: the caret spans the name */
	DIAGS("metric error_rate = `x`\n"
	      "gate g {\n"
	      "  go when eror_rate < 0.5%\n"
	      "}\n", 1,
	      "t.gate:3:11: error: unknown metric 'eror_rate'\n"
	      "  go when eror_rate < 0.5%\n"
	      "          ^~~~~~~~~\n");

	/* a unit in the wrong context: the caret under the unit; a tab is kept
	   so the caret lines up under it */
	DIAGS("metric cpu = `x`\n"
	      "metric lat = `y`\n"
	      "gate g {\n"
	      "  nogo \"lat\" when lat > 1h\n"
	      "\tgo when cpu < 200q && lat < 1s for 0.5\n"
	      "}\n", 3,
	      "t.gate:4:26: error: a duration where a value belongs\n"
	      "  nogo \"lat\" when lat > 1h\n"
	      "                         ^\n"
	      "t.gate:5:19: error: unknown unit 'q' (value units: % n u k M G T P Ki Mi Gi Ti Pi ms s)\n"
	      "\tgo when cpu < 200q && lat < 1s for 0.5\n"
	      "\t                 ^\n"
	      "t.gate:5:37: error: a duration needs a unit, as in 15s or 5m\n"
	      "\tgo when cpu < 200q && lat < 1s for 0.5\n"
	      "\t                                   ^~~\n");

	/* the baseline of a metric without one: an error and a note */
	DIAGS("metric lat = `y`\n"
	      "gate g {\n"
	      "  go when lat < baseline * 2\n"
	      "}\n", 1,
	      "t.gate:3:17: error: metric 'lat' has no baseline\n"
	      "  go when lat < baseline * 2\n"
	      "                ^~~~~~~~\n"
	      "t.gate:1:8: note: add `baseline `QUERY`` to the metric 'lat'\n"
	      "metric lat = `y`\n"
	      "       ^~~\n");

	/* syntax: Bison's message, the caret under the token */
	DIAGS("metric e = `x`\n"
	      "gate g {\n"
	      "  rollback \"spike\" when e > > 5%\n"
	      "  go when e < 1%\n"
	      "}\n", 1,
	      "t.gate:3:29: error: syntax error, unexpected '>'\n"
	      "  rollback \"spike\" when e > > 5%\n"
	      "                            ^\n");

	/* an error on the second line of a condition points into that line */
	DIAGS("metric e = `x`\n"
	      "gate g {\n"
	      "  go when e < 1 &&\n"
	      "    e > 0 for 1m && nosuch < 2\n"
	      "}\n", 1,
	      "t.gate:4:21: error: unknown metric 'nosuch'\n"
	      "    e > 0 for 1m && nosuch < 2\n"
	      "                    ^~~~~~\n");

	/* a constant division by zero is an error, not an Inf */
	DIAGS("metric e = `x`\n"
	      "gate g {\n"
	      "  go when e / (2 - 2) > 1\n"
	      "}\n", 1,
	      "t.gate:3:15: error: division by zero\n"
	      "  go when e / (2 - 2) > 1\n"
	      "              ^~~~~~~\n");

	/* no gate at all: the caret at the end of the file */
	DIAGS("metric e = `x`\n", 1,
	      "t.gate:2:1: error: no gate in this file (gate NAME { ... })\n"
	      "\n"
	      "^\n");

	/* a gate without a go rule */
	DIAGS("metric e = `x`\n"
	      "gate quiet {\n"
	      "  nogo \"errors\" when e > 1\n"
	      "}\n", 1,
	      "t.gate:2:6: error: gate 'quiet' has no go rule (go when CONDITION)\n"
	      "gate quiet {\n"
	      "     ^~~~~\n");
}

/* --- every error is reported -------------------------------------------------- */

static void
all_errors(void)
{
	result r;

	/* seven errors of sema, each counted once, notes not counted */
	r = compile("param v = \"1\"\n"
		    "param v = \"2\"\n"				/* 1 duplicate parameter */
		    "metric e = `x{a=\"$v\",b=\"$nope\"}`\n"	/* 2 undefined parameter */
		    "metric e = `y`\n"				/* 3 duplicate metric */
		    "metric f = `z`\n"
		    "gate g {\n"
		    "  nogo \"a\" when e > 1h\n"		/* 4 duration in a value */
		    "  nogo \"a\" when f > baseline\n"		/* 5 duplicate rule, 6 no baseline */
		    "  go when nosuch < 1\n"			/* 7 unknown metric */
		    "}\n");
	T_CHECK(r.p == NULL && r.nerrors == 7, "%d errors, want 7:\n%s", r.nerrors, r.errs);
	{
		int lines = 0;
		for (const char *s = r.errs; (s = strstr(s, ": error: ")); s++)
			lines++;
		T_CHECK(lines == 7, "%d error lines written, want 7:\n%s", lines, r.errs);
	}
	result_free(&r);

	/* errors in several gates */
	r = compile("metric e = `x`\n"
		    "gate a {\n  go when e < 1x\n}\n"
		    "gate b {\n  step 15\n  go when e < 1\n}\n"
		    "gate c {\n  nogo \"x\" when e < 1\n}\n");
	T_CHECK(r.p == NULL && r.nerrors == 3, "%d errors, want 3:\n%s", r.nerrors, r.errs);
	result_free(&r);

	/* syntax errors are all reported: the parser recovers at the next item */
	r = compile("metric e = `x`\n"
		    "gate g {\n"
		    "  rollback \"spike\" when e > > 5%\n"
		    "  go when e < 1%\n"
		    "}\n"
		    "gate h {\n"
		    "  nogo \"also\" when (e < 1\n"
		    "  go when e < 1%\n"
		    "}\n");
	T_CHECK(r.p == NULL && r.nerrors == 2, "%d errors, want 2:\n%s", r.nerrors, r.errs);
	result_free(&r);

	/*
	 * "all errors in the file reported": a constant division by zero next
	 * to an unknown metric is two errors.
	 */
	r = compile("metric e = `x`\n"
		    "gate g {\n"
		    "  go when e / 0 > 1 && nosuch < 1\n"
		    "}\n");
	T_CHECK(r.p == NULL && r.nerrors == 2 && strstr(r.errs, "division by zero"),
		"%d errors, want 2 (unknown metric and division by zero):\n%s", r.nerrors, r.errs);
	result_free(&r);

	/* a clean file: no program without errors, no errors without a program */
	r = compile("metric e = `x`\ngate g {\n  go when e < 1\n}\n");
	T_CHECK(r.p != NULL && r.nerrors == 0 && *r.errs == '\0', "%d errors:\n%s", r.nerrors, r.errs);
	result_free(&r);
}

/* --- constant folding ------------------------------------------------------- */

static void
folding(void)
{
	char buf[512];
	program *p;

	/* baseline + 20% is baseline * 1.2 */
	p = OK("metric p99 = `x` baseline `y`\ngate g {\n  go when p99 < baseline + 20%\n}\n");
	if (p) {
		ops(p, 0, buf, sizeof buf);
		T_STREQ(buf, "LOAD LOAD CONST MUL LT RULE");
		T_NUMEQ(const_at(p, 0, 0), 1.2);
		T_CHECK(p->code[p->gates[0].code + 1].a == SERIES_OF(0, true),
			"the second LOAD reads series %d, want p99's baseline (%d)",
			p->code[p->gates[0].code + 1].a, SERIES_OF(0, true));
	}
	program_free(p);

	/* x - 10% is x * 0.9; x + 20 (no %) stays an addition; 10% + x is 0.1 + x */
	p = OK("metric x = `x`\ngate g {\n  go when x - 10% > 1 && x + 20 > 1 && 10% + x > 1 && x * 20% > 1\n}\n");
	if (p) {
		ops(p, 0, buf, sizeof buf);
		T_STREQ(buf, "LOAD CONST MUL CONST GT LOAD CONST ADD CONST GT AND "
			     "CONST LOAD ADD CONST GT AND LOAD CONST MUL CONST GT AND RULE");
		T_NUMEQ(const_at(p, 0, 0), 0.9);
		T_NUMEQ(const_at(p, 0, 2), 20);
		T_NUMEQ(const_at(p, 0, 4), 0.1);
		T_NUMEQ(const_at(p, 0, 6), 0.2);
	}
	program_free(p);

	/* 2 * 50ms is one constant, 0.1 (seconds); so are -1Ki / 4 and 1 + 20% */
	p = OK("metric x = `x`\ngate g {\n  go when x < 2 * 50ms && x > -1Ki / 4 && x != 1 + 20% && x < (2 + 3) * 4 - 1\n}\n");
	if (p) {
		ops(p, 0, buf, sizeof buf);
		T_STREQ(buf, "LOAD CONST LT LOAD CONST GT AND LOAD CONST NE AND LOAD CONST LT AND RULE");
		T_NUMEQ(const_at(p, 0, 0), 0.1);
		T_NUMEQ(const_at(p, 0, 1), -256);
		T_NUMEQ(const_at(p, 0, 2), 1.2);
		T_NUMEQ(const_at(p, 0, 3), 19);
	}
	program_free(p);

	/* a constant is stored once however often it is used */
	p = OK("metric x = `x`\ngate g {\n  go when x > 2 && x < 2 * 1 && x != 4 / 2\n}\n");
	if (p)
		T_CHECK(p->nk == 1 && p->k[0] == 2, "%d constants, want 1 (2)", p->nk);
	program_free(p);

	/* what reads data is not folded: -x stays NEG */
	p = OK("metric x = `x`\ngate g {\n  go when -x < 1\n}\n");
	if (p) {
		ops(p, 0, buf, sizeof buf);
		T_STREQ(buf, "LOAD NEG CONST LT RULE");
	}
	program_free(p);
}

/* --- disassembly ------------------------------------------------------------ */

static const char dump_text[] =
	"# two gates\n"
	"metric e = `x` default 0\n"
	"metric p99 = `y` baseline `z`\n"
	"gate canary {\n"
	"  step 30s\n"
	"  rollback \"bad\" when e > 5% for 1m\n"
	"  nogo \"slow\" when quantile(0.9, p99, 5m) > baseline(p99) * 2\n"
	"  go when !(e >= 0.5%) || rate(e, 1m) == 0\n"
	"       && p99 < baseline + 20%\n"
	"}\n"
	"gate later {\n"
	"  lookback 1m\n"
	"  window 10m\n"
	"  go \"fine\" when last(e) - 10% <= -1k / 4 && min(baseline(p99), 2m) != max(p99, 90s)\n"
	"}\n";

static const char dump_want[] =
	"metric e  (t.gate:2)  instant vector\n"
	"  query     x\n"
	"metric p99  (t.gate:3)  instant vector\n"
	"  query     y\n"
	"  baseline  z\n"
	"\n"
	"gate canary  (t.gate:4)  step 30s  window 1m  lookback 5m  stack 5\n"
	"    6|   rollback \"bad\" when e > 5% for 1m\n"
	"  0000  LOAD      s0          ; e\n"
	"  0001  CONST     k0          ; 0.05\n"
	"  0002  GT        c0\n"
	"  0003  FOR       f0 1m\n"
	"  0004  RULE      r0          ; rollback \"bad\"\n"
	"    7|   nogo \"slow\" when quantile(0.9, p99, 5m) > baseline(p99) * 2\n"
	"  0005  CONST     k1          ; 0.9\n"
	"  0006  QUANTILE  s2 5m       ; p99\n"
	"  0007  LOAD      s3          ; baseline(p99)\n"
	"  0008  CONST     k2          ; 2\n"
	"  0009  MUL\n"
	"  0010  GT        c1\n"
	"  0011  RULE      r1          ; nogo \"slow\"\n"
	"    8|   go when !(e >= 0.5%) || rate(e, 1m) == 0\n"
	"  0012  LOAD      s0          ; e\n"
	"  0013  CONST     k3          ; 0.005\n"
	"  0014  GE        c2\n"
	"  0015  NOT\n"
	"  0016  RATE      s0 1m       ; e\n"
	"  0017  CONST     k4          ; 0\n"
	"  0018  EQ        c3\n"
	"    9|        && p99 < baseline + 20%\n"
	"  0019  LOAD      s2          ; p99\n"
	"  0020  LOAD      s3          ; baseline(p99)\n"
	"  0021  CONST     k5          ; 1.2\n"
	"  0022  MUL\n"
	"  0023  LT        c4\n"
	"  0024  AND\n"
	"  0025  OR\n"
	"  0026  RULE      r2          ; go\n"
	"  0027  HALT\n"
	"\n"
	"gate later  (t.gate:11)  step 15s  window 10m  lookback 1m  stack 3\n"
	"   14|   go \"fine\" when last(e) - 10% <= -1k / 4 && min(baseline(p99), 2m) != max(p99, 90s)\n"
	"  0000  LOAD      s0          ; e\n"
	"  0001  CONST     k1          ; 0.9\n"
	"  0002  MUL\n"
	"  0003  CONST     k6          ; -250\n"
	"  0004  LE        c5\n"
	"  0005  MIN       s3 2m       ; baseline(p99)\n"
	"  0006  MAX       s2 1m30s    ; p99\n"
	"  0007  NE        c6\n"
	"  0008  AND\n"
	"  0009  RULE      r3          ; go \"fine\"\n"
	"  0010  HALT\n";

static void
disassembly(void)
{
	program *p = OK(dump_text);
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	if (!p)
		return;
	f = open_memstream(&out, &len);
	if (!f)
		abort();
	program_dump(p, f);
	fclose(f);
	T_CHECK(strcmp(out, dump_want) == 0, "disassembly differs:\n--- got\n%s--- want\n%s", out, dump_want);
	free(out);

	/* what the dump shows is what the program holds */
	T_CHECK(p->ngates == 2 && p->nrules == 4 && p->ncmps == 7 && p->nfor == 1,
		"%d gates, %d rules, %d comparisons, %d for slots; want 2, 4, 7, 1",
		p->ngates, p->nrules, p->ncmps, p->nfor);
	T_CHECK(p->gates[0].stack == 5 && p->gates[1].stack == 3, "stack %d and %d, want 5 and 3",
		p->gates[0].stack, p->gates[1].stack);
	T_CHECK(p->gates[0].go == 2 && p->gates[1].go == 3, "go rules %d and %d, want 2 and 3",
		p->gates[0].go, p->gates[1].go);
	T_STREQ(p->rules[2].source, "!(e >= 0.5%) || rate(e, 1m) == 0 && p99 < baseline + 20%");
	T_CHECK(p->rules[2].line == 8 && p->rules[3].line == 14, "rule lines %u and %u, want 8 and 14",
		p->rules[2].line, p->rules[3].line);
	T_STREQ(p->rules[3].name, "fine");
	T_CHECK(p->rules[2].name == NULL, "an unnamed go rule has a name: %s", p->rules[2].name);
	T_CHECK(p->metrics[0].has_default && p->metrics[0].dflt == 0 && !p->metrics[1].has_default,
		"defaults: e %d (%g), p99 %d", p->metrics[0].has_default, p->metrics[0].dflt,
		p->metrics[1].has_default);
	program_free(p);
}

/* --- $param substitution ------------------------------------------------------ */

static void
params(void)
{
	result r;

	/* a file's param, as $name and ${name}; $$ is a literal $ */
	r = compile("param version = \"v1.2.4\"\n"
		    "metric e = `x{version=\"$version\",v2=\"${version}x\",d=\"$$\"}`\n"
		    "gate g {\n  go when e < 1\n}\n");
	T_CHECK(r.p != NULL, "does not compile:\n%s", r.errs);
	if (r.p)
		T_STREQ(r.p->metrics[0].query, "x{version=\"v1.2.4\",v2=\"v1.2.4x\",d=\"$\"}");
	result_free(&r);

	/* --set overrides the file's value */
	{
		param_set sets[] = { { "version", "v9" }, { "unused", "u" } };
		r = compile_with("param version = \"v1\"\n"
				 "metric e = `x{version=\"$version\"}` baseline `x{version!=\"$version\"}`\n"
				 "gate g {\n  go when e < baseline\n}\n", sets, 2);
		T_CHECK(r.p != NULL, "does not compile:\n%s", r.errs);
		if (r.p) {
			T_STREQ(r.p->metrics[0].query, "x{version=\"v9\"}");
			T_STREQ(r.p->metrics[0].bquery, "x{version!=\"v9\"}");
		}
		result_free(&r);
	}

	/* a value with " \ and a newline, inside a double-quoted PromQL string */
	{
		param_set sets[] = { { "version", "a\"b\\c\nd" } };
		r = compile_with("param version = \"v1\"\n"
				 "metric e = `x{version=\"$version\"}`\n"
				 "gate g {\n  go when e < 1\n}\n", sets, 1);
		T_CHECK(r.p != NULL, "does not compile:\n%s", r.errs);
		if (r.p)
			T_STREQ(r.p->metrics[0].query, "x{version=\"a\\\"b\\\\c\\nd\"}");
		result_free(&r);
	}

	/* in a single-quoted string ' is escaped, " is not */
	{
		param_set sets[] = { { "v", "it's \"q\"" } };
		r = compile_with("param v = \"\"\n"
				 "metric e = `x{a='$v'}`\n"
				 "gate g {\n  go when e < 1\n}\n", sets, 1);
		T_CHECK(r.p != NULL, "does not compile:\n%s", r.errs);
		if (r.p)
			T_STREQ(r.p->metrics[0].query, "x{a='it\\'s \"q\"'}");
		result_free(&r);
	}

	/* an escaped quote in the query does not end the string literal */
	{
		param_set sets[] = { { "v", "\"" } };
		r = compile_with("param v = \"\"\n"
				 "metric e = `x{a=\"q\\\"$v\"}`\n"
				 "gate g {\n  go when e < 1\n}\n", sets, 1);
		T_CHECK(r.p != NULL, "does not compile:\n%s", r.errs);
		if (r.p)
			T_STREQ(r.p->metrics[0].query, "x{a=\"q\\\"\\\"\"}");
		result_free(&r);
	}

	/* a plain word may stand outside a string literal */
	{
		param_set sets[] = { { "win", "5m" } };
		r = compile_with("param win = \"1m\"\n"
				 "metric e = `rate(x[$win])`\n"
				 "gate g {\n  go when e < 1\n}\n", sets, 1);
		T_CHECK(r.p != NULL, "does not compile:\n%s", r.errs);
		if (r.p)
			T_STREQ(r.p->metrics[0].query, "rate(x[5m])");
		result_free(&r);
	}

	/* anything else outside a literal could change the query: an error */
	{
		param_set sets[] = { { "win", "5m]) or vector(1" } };
		r = compile_with("param win = \"1m\"\n"
				 "metric e = `rate(x[$win])`\n"
				 "gate g {\n  go when e < 1\n}\n", sets, 1);
		T_CHECK(r.p == NULL && r.nerrors == 1, "%d errors, want 1", r.nerrors);
		T_STREQ(r.errs,
			"t.gate:2:20: error: the value of '$win' (\"5m]) or vector(1\") may stand outside a "
			"string literal only if it is a plain word\n"
			"metric e = `rate(x[$win])`\n"
			"                   ^~~~\n");
		result_free(&r);
	}
	{
		param_set sets[] = { { "sel", "x\"" } };
		r = compile_with("param sel = \"x\"\n"
				 "metric e = `sum(${sel})`\n"
				 "gate g {\n  go when e < 1\n}\n", sets, 1);
		T_CHECK(r.p == NULL && r.nerrors == 1, "a quote outside a literal: %d errors, want 1", r.nerrors);
		result_free(&r);
	}

	/* undefined and malformed references */
	DIAGS("param version = \"v1\"\n"
	      "metric e = `x{version=\"$version\",zone=\"$zone\"}`\n"
	      "metric f = `rate(x[${window])`\n"
	      "gate g {\n  go when e < 1 && f < 1\n}\n", 2,
	      "t.gate:2:40: error: undefined parameter '$zone'\n"
	      "metric e = `x{version=\"$version\",zone=\"$zone\"}`\n"
	      "                                       ^~~~~\n"
	      "t.gate:3:20: error: malformed parameter reference; write $name or ${name} ($$ for a literal $)\n"
	      "metric f = `rate(x[${window])`\n"
	      "                   ^~~~~~~~~\n");
}

/* --- defaults ----------------------------------------------------------------- */

static void
defaults(void)
{
	program *p;

	/* step 15s, lookback 5m, window the longest `for` */
	p = OK("metric e = `x`\n"
	       "gate g {\n"
	       "  rollback \"a\" when e > 1 for 1m\n"
	       "  nogo \"b\" when (e > 2 for 3m || e > 3 for 30s) && e < 9\n"
	       "  go when e < 1 for 2m\n"
	       "}\n");
	if (p) {
		const prog_gate *g = &p->gates[0];
		T_CHECK(g->step == 15000, "step %lld ms, want 15000", (long long)g->step);
		T_CHECK(g->lookback == 300000, "lookback %lld ms, want 300000", (long long)g->lookback);
		T_CHECK(g->window == 180000, "window %lld ms, want 180000 (the longest for)", (long long)g->window);
		T_CHECK(g->nfor == 4, "%d for slots, want 4", g->nfor);
	}
	program_free(p);

	/* given values win */
	p = OK("metric e = `x`\n"
	       "gate g {\n  window 10m\n  step 1m\n  lookback 2m\n  go when e < 1 for 5m\n}\n");
	if (p) {
		const prog_gate *g = &p->gates[0];
		T_CHECK(g->step == 60000 && g->window == 600000 && g->lookback == 120000,
			"step %lld, window %lld, lookback %lld; want 60000, 600000, 120000",
			(long long)g->step, (long long)g->window, (long long)g->lookback);
	}
	program_free(p);

	/* a `for` longer than a given window compiles, with a warning: it can never hold */
	{
		result r = compile("metric e = `x`\ngate g {\n  window 1m\n  go when e < 1 for 5m\n}\n");
		T_CHECK(r.p && r.nerrors == 0, "does not compile:\n%s", r.errs);
		T_STREQ(r.errs, "t.gate:4:21: warning: this 'for' is longer than the window of gate 'g' (1m): "
			"it can never hold\n  go when e < 1 for 5m\n                    ^~\n");
		program_free(r.p);
		free(r.errs);
	}

	/* the window is the longest `for` "or one step if that is longer" (spec, novagate-gate(5)) */
	p = OK("metric e = `x`\ngate g {\n  go when e < 1\n}\n");
	if (p)
		T_CHECK(p->gates[0].window == 15000, "window without for: %lld ms, want one step (15000)",
			(long long)p->gates[0].window);
	program_free(p);
	p = OK("metric e = `x`\ngate g {\n  step 1m\n  go when e < 1 for 10s\n}\n");
	if (p)
		T_CHECK(p->gates[0].window == 60000, "window with a for shorter than the step: %lld ms, want 60000",
			(long long)p->gates[0].window);
	program_free(p);

	/* each gate its own */
	p = OK("metric e = `x`\n"
	       "gate a {\n  step 30s\n  go when e < 1 for 5m\n}\n"
	       "gate b {\n  lookback 1m\n  go when e < 1 for 1m\n}\n");
	if (p) {
		T_CHECK(p->gates[0].step == 30000 && p->gates[0].window == 300000 && p->gates[0].lookback == 300000,
			"gate a: step %lld window %lld lookback %lld", (long long)p->gates[0].step,
			(long long)p->gates[0].window, (long long)p->gates[0].lookback);
		T_CHECK(p->gates[1].step == 15000 && p->gates[1].window == 60000 && p->gates[1].lookback == 60000,
			"gate b: step %lld window %lld lookback %lld", (long long)p->gates[1].step,
			(long long)p->gates[1].window, (long long)p->gates[1].lookback);
	}
	program_free(p);
}

/* --- stack size and the series read ----------------------------------------- */

/* The deepest stack of a gate's code, however its expressions nest. */
static void
stack(void)
{
	static const struct {
		const char *cond;
		int stack;
	} cases[] = {
		{ "e < 1", 2 },
		{ "quantile(0.5, e, 1m) > 1", 2 },		/* QUANTILE pops phi and pushes */
		{ "e < 1 for 1m && !(e > 2) || -e < 3", 3 },	/* FOR, NOT and NEG replace the top */
		{ "(e + e) * (e + e) < (e + e) * (e - 1)", 4 },
		{ "e < e + (e + (e * (e / (e - avg(e, 1m)))))", 7 },
	};
	char text[8192];
	program *p;

	for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
		snprintf(text, sizeof text, "metric e = `x`\ngate g {\n  go when %s\n}\n", cases[i].cond);
		p = OK(text);
		if (p)
			T_CHECK(p->gates[0].stack == cases[i].stack, "%s: stack %d, want %d", cases[i].cond,
				p->gates[0].stack, cases[i].stack);
		program_free(p);
	}

	/* e < e + (e + (... + e)), nested 200 deep: every e is pushed before the first ADD */
	int n = snprintf(text, sizeof text, "metric e = `x`\ngate g {\n  go when e < ");
	for (int i = 0; i < 200; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, "e + (");
	n += snprintf(text + n, sizeof text - (size_t)n, "e");
	for (int i = 0; i < 200; i++)
		n += snprintf(text + n, sizeof text - (size_t)n, ")");
	snprintf(text + n, sizeof text - (size_t)n, "\n}\n");
	p = OK(text);
	if (p)
		T_CHECK(p->gates[0].stack == 202, "200 deep: stack %d, want 202", p->gates[0].stack);
	program_free(p);
}

/* Each gate's series, once each, and how far before the evaluation time it reads them. */
static void
reads(void)
{
	program *p = OK("metric x = `x`\nmetric y = `y`\nmetric z = `z` baseline `zb`\n"
			"gate a {\n  window 1m\n  lookback 2m\n  go when x < 1 && avg(y, 10m) < 1 && last(x) > 0\n}\n"
			"gate b {\n  go when z < baseline * 2 && rate(z, 10s) < 1\n}\n");

	if (!p)
		return;
	const prog_gate *a = &p->gates[0], *b = &p->gates[1];
	T_CHECK(a->nread == 2 && b->nread == 2, "gate a reads %d series, b %d; want 2 and 2", a->nread, b->nread);
	if (a->nread == 2 && b->nread == 2) {
		const prog_read *ra = &p->reads[a->read0], *rb = &p->reads[b->read0];
		/* the window plus the lookback or the function's range, whichever is longer */
		T_CHECK(ra[0].series == SERIES_OF(0, false) && ra[0].reach == 180000,
			"a: series %d reach %lld; want x, 180000", ra[0].series, (long long)ra[0].reach);
		T_CHECK(ra[1].series == SERIES_OF(1, false) && ra[1].reach == 660000,
			"a: series %d reach %lld; want y, 660000", ra[1].series, (long long)ra[1].reach);
		/* the defaults: window one step (15s), lookback 5m; rate's 10s is shorter */
		T_CHECK(rb[0].series == SERIES_OF(2, false) && rb[0].reach == 315000,
			"b: series %d reach %lld; want z, 315000", rb[0].series, (long long)rb[0].reach);
		T_CHECK(rb[1].series == SERIES_OF(2, true) && rb[1].reach == 315000,
			"b: series %d reach %lld; want baseline(z), 315000", rb[1].series, (long long)rb[1].reach);
	}
	program_free(p);
}

/*
 * Large counts of what compile.c looks up as it goes: constants (each
 * stored once, 0 apart from -0), the series of many gates (each gate's
 * own records), comparisons and their source text, folded or not.
 */
static void
many(void)
{
	size_t cap = 1 << 16, n = 0;
	char *text = malloc(cap);

	if (!text)
		abort();
	n += (size_t)snprintf(text + n, cap - n, "metric x = `x`\nmetric y = `y`\n");
	for (int g = 0; g < 3; g++) {
		n += (size_t)snprintf(text + n, cap - n, "gate g%d {\n", g);
		for (int i = 0; i < 100; i++)	/* 300 constants, each twice */
			n += (size_t)snprintf(text + n, cap - n, "  nogo \"r%d\" when x > %d.5 || y < %d.5\n",
					      i, g * 100 + i, g * 100 + i);
		n += (size_t)snprintf(text + n, cap - n, "  go when x > 0 && x > -0 &&\n\tavg(y, %dm)  <  1\n}\n", g + 6);
	}
	program *p = OK(text);
	free(text);
	if (!p)
		return;
	T_CHECK(p->nk == 303, "%d constants, want 303 (300, 0, -0 and 1)", p->nk);
	bool dup = false;
	for (int i = 0; i < p->nk; i++)
		for (int j = i + 1; j < p->nk; j++)
			dup |= memcmp(&p->k[i], &p->k[j], sizeof p->k[i]) == 0;
	T_CHECK(!dup, "a constant is stored twice");
	T_NUMEQ(const_at(p, 1, 0), 100.5);
	T_NUMEQ(const_at(p, 2, 199), 299.5);
	T_CHECK(const_at(p, 2, 200) == 0 && !signbit(const_at(p, 2, 200)) && signbit(const_at(p, 2, 201)),
		"0 and -0: %g, %g", const_at(p, 2, 200), const_at(p, 2, 201));
	for (int g = 0; g < 3; g++) {
		const prog_gate *pg = &p->gates[g];
		const prog_read *r = &p->reads[pg->read0];
		T_CHECK(pg->nread == 2 && r[0].series == SERIES_OF(0, false) && r[1].series == SERIES_OF(1, false),
			"gate %d reads %d series, want x and y", g, pg->nread);
		T_CHECK(pg->nread == 2 && r[1].reach == pg->window + (g + 6) * 60000 && r[0].reach == pg->window + 300000,
			"gate %d: reach %lld and %lld", g, (long long)r[0].reach, (long long)r[1].reach);
	}
	T_CHECK(p->ncmps == 3 * 203, "%d comparisons, want %d", p->ncmps, 3 * 203);
	if (p->ncmps == 3 * 203) {
		T_STREQ(p->cmps[2 * 203 + 199].source, "y < 299.5");
		T_STREQ(p->cmps[2 * 203 + 202].source, "avg(y, 8m) < 1");
		T_STREQ(p->rules[2 * 101 + 100].source, "x > 0 && x > -0 && avg(y, 8m) < 1");
	}
	program_free(p);
}

int
main(void)
{
	diagnostics();
	all_errors();
	folding();
	disassembly();
	params();
	defaults();
	stack();
	reads();
	many();
	return T_DONE();
}
