/* lexer.re: tokens of the gate language (re2c). */
#include <string.h>

#include "parse.h"
#include "parser.h"

/*!re2c
	re2c:api = custom;
	re2c:api:style = free-form;
	re2c:define:YYCTYPE = "unsigned char";
	re2c:define:YYCURSOR = "p->cur";
	re2c:define:YYMARKER = "p->mark";
	re2c:define:YYLIMIT = "p->lim";
	re2c:define:YYPEEK = "(p->cur < p->lim ? (unsigned char)*p->cur : 0)";
	re2c:define:YYSKIP = "++p->cur;";
	re2c:define:YYBACKUP = "p->mark = p->cur;";
	re2c:define:YYRESTORE = "p->cur = p->mark;";
	re2c:define:YYLESSTHAN = "p->lim - p->cur < @@";
	re2c:eof = 0;
	re2c:yyfill:enable = 0;
	re2c:indent:top = 1;
*/

static diag_span
span(const parser *p)
{
	return (diag_span){ (unsigned)(p->tok - p->base), (unsigned)(p->cur - p->tok) };
}

/* A "string": unescape \" \\ \n \t; anything else after \ is an error. */
static int
string(parser *p, YYSTYPE *lval)
{
	const char *s = p->tok + 1, *e = p->cur - 1;
	char *out = ast_alloc(p->f, (size_t)(e - s) + 1), *o = out;

	for (; s < e; s++) {
		if (*s != '\\') {
			*o++ = *s;
			continue;
		}
		switch (*++s) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case 'n': *o++ = '\n'; break;
		case 't': *o++ = '\t'; break;
		default:
			diag_error(p->d, (diag_span){ (unsigned)(s - 1 - p->base), 2 },
				   "unknown escape sequence '\\%c' in string", *s);
			return YYerror;
		}
	}
	*o = '\0';
	lval->str = out;
	return STRING;
}

int
lexer_next(YYSTYPE *lval, diag_span *loc, parser *p)
{
	for (;;) {
		p->tok = p->cur;
/*!re2c
	ws     = [ \t\r\n\f\v]+;
	comment = "#" [^\n\x00]*;
	ident  = [a-zA-Z_][a-zA-Z0-9_]*;
	digits = [0-9]+;
	exp    = [eE] [+-]? digits;
	suffix = [a-zA-Z%] | "\xc2\xb5";	/* µ, of µs */
	number = (digits ("." [0-9]*)? | "." digits) exp? suffix* ([0-9]+ suffix+)*;

	$              { *loc = span(p); return YYEOF; }
	ws | comment   { continue; }

	"param"        { *loc = span(p); return PARAM; }
	"metric"       { *loc = span(p); return METRIC; }
	"baseline"     { *loc = span(p); return BASELINE; }
	"default"      { *loc = span(p); return DEFAULT; }
	"unit"         { *loc = span(p); return UNIT; }
	"prometheus"   { *loc = span(p); return PROMETHEUS; }
	"dialect"      { *loc = span(p); return DIALECT; }
	"gate"         { *loc = span(p); return GATE; }
	"step"         { *loc = span(p); return STEP; }
	"window"       { *loc = span(p); return WINDOW; }
	"lookback"     { *loc = span(p); return LOOKBACK; }
	"rollback"     { *loc = span(p); return ROLLBACK; }
	"nogo"         { *loc = span(p); return NOGO; }
	"observe"      { *loc = span(p); return OBSERVE; }
	"go"           { *loc = span(p); return GO; }
	"when"         { *loc = span(p); return WHEN; }
	"for"          { *loc = span(p); return FOR; }

	ident          { *loc = span(p); lval->str = ast_strndup(p->f, p->tok, (size_t)(p->cur - p->tok)); return IDENT; }
	number         { *loc = span(p); return NUMBER; }

	["] ([^"\\\n\x00] | "\\" [^\n\x00])* ["] {
		*loc = span(p);
		return string(p, lval);
	}
	["] {
		*loc = span(p);
		diag_error(p->d, *loc, "unterminated string");
		p->cur = p->lim;
		return YYerror;
	}
	"`" [^`\x00]* "`" {
		*loc = span(p);
		lval->str = ast_strndup(p->f, p->tok + 1, (size_t)(p->cur - p->tok - 2));
		return QUERY;
	}
	"`" {
		*loc = span(p);
		diag_error(p->d, *loc, "unterminated query (a query runs from ` to the next `)");
		p->cur = p->lim;
		return YYerror;
	}

	"&&"           { *loc = span(p); return AND; }
	"||"           { *loc = span(p); return OR; }
	"<="           { *loc = span(p); return LE; }
	">="           { *loc = span(p); return GE; }
	"=="           { *loc = span(p); return EQ; }
	"!="           { *loc = span(p); return NE; }
	[-+*/<>=!(){},] { *loc = span(p); return p->tok[0]; }

	* {
		*loc = span(p);
		unsigned char c = (unsigned char)p->tok[0];
		if (c >= 0x20 && c < 0x7f)
			diag_error(p->d, *loc, "unexpected character '%c'", c);
		else
			diag_error(p->d, *loc, "unexpected byte 0x%02x", c);
		return YYerror;
	}
*/
	}
}
