/*
 * promql.re: tokens of PromQL and MetricsQL (re2c), as Prometheus' lexer
 * makes them: three modes (statements, inside {...}, inside [...]),
 * keywords that are also names, numbers and durations read the way
 * strconv and model.ParseDuration read them, strings with Go's escapes.
 */
#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "gonum.h"
#include "promql_parser.h"
#include "sbuf.h"
#include "utf8.h"

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

static pq_span
span(const pq_parser *p)
{
	return (pq_span){ (unsigned)(p->tok - p->base), (unsigned)(p->cur - p->tok) };
}

static int
peek(const pq_parser *p, size_t i)
{
	return p->cur + i < p->lim ? (unsigned char)p->cur[i] : -1;
}

static bool
alnum(int c)
{
	return c == '_' || (c >= 0 && c < 0x80 && isalnum(c));
}

/* A character as Go's %q prints a rune: 'x', '\'', '\x00'. */
static void
quote_char(const pq_parser *p, const char *s, sbuf *b)
{
	size_t n = utf8_len(s, (size_t)(p->lim - s));
	unsigned char c = (unsigned char)*s;

	if (c == '\'' || c == '\\')
		sb_printf(b, "'\\%c'", c);
	else if (c >= 0x20 && c < 0x7f)
		sb_printf(b, "'%c'", c);
	else if (n > 1)
		sb_printf(b, "'%.*s'", (int)n, s);
	else
		sb_printf(b, "'\\x%02x'", c);
}

static int
bad_char(pq_parser *p, pq_span *loc, const char *what, const char *s)
{
	sbuf b = { 0 };

	quote_char(p, s, &b);
	loc->off = (unsigned)(s - p->base);
	loc->len = 1;
	pq_error(p, *loc, "%s%s", what, b.s);
	free(b.s);
	return PQT_PQerror;
}

/* Go's %#U: U+0063 'c' */
static void
go_rune(uint32_t r, sbuf *b)
{
	char u[4];

	sb_printf(b, "U+%04X", (unsigned)r);
	if (r >= 0x20 && r != 0x7f && !(r >= 0x80 && r < 0xa0) && r <= 0x10ffff && !(r >= 0xd800 && r < 0xe000))
		sb_printf(b, " '%.*s'", (int)utf8_put(u, r), u);
}

/* The rune at s (invalid UTF-8 is U+FFFD, one byte). */
static uint32_t
rune_at(const pq_parser *p, const char *s, size_t *n)
{
	const unsigned char *u = (const unsigned char *)s;

	*n = utf8_len(s, (size_t)(p->lim - s));
	switch (*n) {
	case 1: return u[0];
	case 2: return (uint32_t)(u[0] & 0x1f) << 6 | (u[1] & 0x3f);
	case 3: return (uint32_t)(u[0] & 0x0f) << 12 | (uint32_t)(u[1] & 0x3f) << 6 | (u[2] & 0x3f);
	case 4: return (uint32_t)(u[0] & 0x07) << 18 | (uint32_t)(u[1] & 0x3f) << 12 | (uint32_t)(u[2] & 0x3f) << 6 | (u[3] & 0x3f);
	default: *n = 1; return 0xfffd;
	}
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
		c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
}

/* A "..." or '...' string after its opening quote: Go's escapes, as Prometheus' lexString and lexEscape. */
static int
string(pq_parser *p, PQSTYPE *lval, pq_span *loc, char q)
{
	sbuf b = { 0 };

	sb_add(&b, "", 0);
	for (;;) {
		if (p->cur >= p->lim || *p->cur == '\n') {
			*loc = span(p);
			pq_error(p, *loc, "unterminated quoted string");
			free(b.s);
			return PQT_PQerror;
		}
		const char *s = p->cur;
		if (*s == q) {
			p->cur++;
			break;
		}
		if (*s != '\\') {
			size_t n = utf8_len(s, (size_t)(p->lim - s));
			if (n == 0) {
				free(b.s);
				*loc = (pq_span){ (unsigned)(s - p->base), 1 };
				pq_error(p, *loc, "invalid UTF-8 rune");
				return PQT_PQerror;
			}
			sb_add(&b, s, n);
			p->cur += n;
			continue;
		}
		/* an escape */
		p->cur++;
		int c = peek(p, 0), digits = 0, base = 0;
		uint32_t max = 0, v = 0;
		static const char from[] = "abfnrtv\\", to[] = "\a\b\f\n\r\t\v\\";
		const char *simple = c > 0 ? strchr(from, c) : NULL;
		if (c == q || simple) {
			char ch = c == q ? q : to[simple - from];
			sb_add(&b, &ch, 1);
			p->cur++;
			continue;
		}
		if (c >= '0' && c <= '7')
			digits = 3, base = 8, max = 255;
		else if (c == 'x')
			digits = 2, base = 16, max = 255, p->cur++;
		else if (c == 'u')
			digits = 4, base = 16, max = 0x10ffff, p->cur++;
		else if (c == 'U')
			digits = 8, base = 16, max = 0x10ffff, p->cur++;
		sbuf m = { 0 };
		if (c < 0) {
			*loc = (pq_span){ (unsigned)(s - p->base), (unsigned)(p->cur - s) };
			pq_error(p, *loc, "escape sequence not terminated");
			free(b.s);
			return PQT_PQerror;
		}
		if (!digits) {
			size_t n;
			uint32_t r = rune_at(p, p->cur, &n);
			go_rune(r, &m);
			*loc = (pq_span){ (unsigned)(s - p->base), (unsigned)(p->cur + n - s) };
			pq_error(p, *loc, "unknown escape sequence %s", m.s);
			free(m.s);
			free(b.s);
			return PQT_PQerror;
		}
		for (; digits > 0; digits--) {
			int d = peek(p, 0);
			if (d < 0) {
				*loc = (pq_span){ (unsigned)(s - p->base), (unsigned)(p->cur - s) };
				pq_error(p, *loc, "escape sequence not terminated");
				free(b.s);
				return PQT_PQerror;
			}
			if (hexval(d) >= base) {
				size_t n;
				uint32_t r = rune_at(p, p->cur, &n);
				go_rune(r, &m);
				*loc = (pq_span){ (unsigned)(s - p->base), (unsigned)(p->cur + n - s) };
				pq_error(p, *loc, "illegal character %s in escape sequence", m.s);
				free(m.s);
				free(b.s);
				return PQT_PQerror;
			}
			v = v * (uint32_t)base + (uint32_t)hexval(d);
			p->cur++;
		}
		if (v > max || (v >= 0xd800 && v < 0xe000)) {
			*loc = (pq_span){ (unsigned)(s - p->base), (unsigned)(p->cur - s) };
			pq_error(p, *loc, "escape sequence is an invalid Unicode code point");
			free(b.s);
			return PQT_PQerror;
		}
		if (max == 255) {	/* \377 and \xFF are bytes */
			char ch = (char)v;
			sb_add(&b, &ch, 1);
		} else {
			char u[4];
			sb_add(&b, u, utf8_put(u, v));
		}
	}
	*loc = span(p);
	lval->str = pq_strndup(p, b.s, b.len);
	free(b.s);
	return PQT_STRING;
}

/* A `raw string` after its opening backquote. */
static int
raw_string(pq_parser *p, PQSTYPE *lval, pq_span *loc)
{
	const char *s = p->cur;

	while (p->cur < p->lim && *p->cur != '`') {
		size_t n = utf8_len(p->cur, (size_t)(p->lim - p->cur));
		if (n == 0) {
			*loc = (pq_span){ (unsigned)(p->cur - p->base), 1 };
			pq_error(p, *loc, "invalid UTF-8 rune");
			return PQT_PQerror;
		}
		p->cur += n;
	}
	if (p->cur >= p->lim) {
		*loc = span(p);
		pq_error(p, *loc, "unterminated raw string");
		return PQT_PQerror;
	}
	lval->str = pq_strndup(p, s, (size_t)(p->cur - s));
	p->cur++;
	*loc = span(p);
	return PQT_STRING;
}

/* model.ParseDuration: units y w d h m s ms, each once, in that order; ms in *out. */
static int
duration(pq_parser *p, const char *s, size_t n, pq_span at, double *out)
{
	static const struct { const char *u; double ms; } units[] = {
		{ "y", 365 * 86400e3 }, { "w", 7 * 86400e3 }, { "d", 86400e3 }, { "h", 3600e3 },
		{ "m", 60e3 }, { "s", 1e3 }, { "ms", 1 },
	};
	size_t i = 0;
	int next = 0;
	double ms = 0;

	while (i < n) {
		double v = 0;
		size_t j = i;
		while (j < n && s[j] >= '0' && s[j] <= '9')
			v = v * 10 + (s[j++] - '0');
		size_t k = j;
		while (k < n && !(s[k] >= '0' && s[k] <= '9'))
			k++;
		int u = -1;
		for (int x = 0; x < 7; x++)
			if (strlen(units[x].u) == k - j && memcmp(units[x].u, s + j, k - j) == 0)
				u = x;
		if (u < 0) {
			pq_error(p, at, "unknown unit \"%.*s\" in duration \"%.*s\"", (int)(k - j), s + j, (int)n, s);
			return -1;
		}
		if (u < next || j == i) {
			pq_error(p, at, "not a valid duration string: \"%.*s\"", (int)n, s);
			return -1;
		}
		next = u + 1;
		ms += v * units[u].ms;
		i = k;
	}
	if (ms > (double)INT64_MAX / 1e6) {
		pq_error(p, at, "duration out of range");
		return -1;
	}
	*out = ms;
	return 0;
}

/*
 * A number or a duration from p->tok, as Prometheus' scanNumber and
 * acceptRemainingDuration: 0x1f, 0755, 1_000, 1.5e-3, .5, 5.; 1h30m.
 */
static int
number(pq_parser *p, PQSTYPE *lval, pq_span *loc)
{
	const char *s = p->tok, *c = s;
	bool plain = true;	/* digits only: a duration may follow */

#define DIGITS(ok) while (c < p->lim && ((ok) || (*c == '_' && c + 1 < p->lim && (c[1] != '_'))))
	if (p->lim - c > 2 && c[0] == '0' && (c[1] == 'x' || c[1] == 'X') && hexval((unsigned char)c[2]) < 16) {
		c += 2;
		DIGITS(hexval((unsigned char)*c) < 16) c++;
		plain = false;
	} else {
		DIGITS(*c >= '0' && *c <= '9') c++;
		if (c < p->lim && *c == '.') {
			c++, plain = false;
			DIGITS(*c >= '0' && *c <= '9') c++;
		}
		if (c < p->lim && (*c == 'e' || *c == 'E')) {
			const char *e = c + 1;
			if (e < p->lim && (*e == '+' || *e == '-'))
				e++;
			if (e < p->lim && *e >= '0' && *e <= '9') {
				c = e, plain = false;
				DIGITS(*c >= '0' && *c <= '9') c++;
			}
		}
	}
#undef DIGITS
	p->cur = c;
	int nc = peek(p, 0);
	if (nc == '.') {
		p->cur++;
		goto bad;
	}
	if (!alnum(nc)) {
		uint64_t u;
		double v;
		*loc = span(p);
		size_t n = (size_t)(c - s);
		if (gonum_parse_uint(s, n, 0, &u) == GONUM_OK && u <= INT64_MAX) {
			v = (double)u;
		} else {
			char *t = pq_strndup(p, s, n), *o = t;
			for (char *i = t; *i; i++)	/* 1_000.5: Go allows the underscores of a literal */
				if (*i != '_')
					*o++ = *i;
			*o = '\0';
			int st = gonum_parse_float(t, strlen(t), &v);
			if (st != GONUM_OK) {
				pq_error(p, *loc, "error parsing number: strconv.ParseFloat: parsing \"%.*s\": %s",
					 (int)n, s, st == GONUM_RANGE ? "value out of range" : "invalid syntax");
				return PQT_PQerror;
			}
		}
		lval->num = v;
		return PQT_NUMBER;
	}
	/* a duration: unit [s] {digits unit [s]}, then no letter or digit */
	if (!plain || !strchr("smhdwy", nc))
		goto bad_next;
	p->cur++;
	if (peek(p, 0) == 's')
		p->cur++;
	while (peek(p, 0) >= '0' && peek(p, 0) <= '9') {
		while (peek(p, 0) >= '0' && peek(p, 0) <= '9')
			p->cur++;
		if (peek(p, 0) <= 0 || !strchr("smhdw", peek(p, 0)))
			goto bad;
		p->cur++;
		if (peek(p, 0) == 's')
			p->cur++;
	}
	if (alnum(peek(p, 0)))
		goto bad_next;
	*loc = span(p);
	if (duration(p, s, (size_t)(p->cur - s), *loc, &lval->num) != 0)
		return PQT_PQerror;
	return PQT_DURATION;
bad_next:
	if (p->cur < p->lim)
		p->cur++;
bad:
	*loc = span(p);
	pq_error(p, *loc, "bad number or duration syntax: \"%.*s\"", (int)loc->len, s);
	return PQT_PQerror;
}

static const struct keyword {
	const char *w;
	int tok, aggr;
	bool mql;		/* a keyword of MetricsQL only */
} keywords[] = {
	{ "and", PQT_LAND, 0, false }, { "or", PQT_LOR, 0, false }, { "unless", PQT_LUNLESS, 0, false },
	{ "atan2", PQT_ATAN2, 0, false }, { "by", PQT_BY, 0, false }, { "without", PQT_WITHOUT, 0, false },
	{ "on", PQT_ON, 0, false }, { "ignoring", PQT_IGNORING, 0, false },
	{ "group_left", PQT_GROUP_LEFT, 0, false }, { "group_right", PQT_GROUP_RIGHT, 0, false },
	{ "bool", PQT_BOOL, 0, false }, { "offset", PQT_OFFSET, 0, false }, { "start", PQT_START, 0, false },
	{ "end", PQT_END, 0, false }, { "step", PQT_STEP, 0, false }, { "range", PQT_RANGE, 0, false },
	{ "anchored", PQT_ANCHORED, 0, false }, { "smoothed", PQT_SMOOTHED, 0, false },
	{ "sum", PQT_AGGR, 1, false }, { "avg", PQT_AGGR, 1, false }, { "count", PQT_AGGR, 1, false },
	{ "min", PQT_AGGR, 1, false }, { "max", PQT_AGGR, 1, false }, { "group", PQT_AGGR, 1, false },
	{ "stddev", PQT_AGGR, 1, false }, { "stdvar", PQT_AGGR, 1, false }, { "topk", PQT_AGGR, 2, false },
	{ "bottomk", PQT_AGGR, 2, false }, { "quantile", PQT_AGGR, 2, false },
	{ "count_values", PQT_AGGR, 2, false }, { "limitk", PQT_AGGR, 2, false },
	{ "limit_ratio", PQT_AGGR, 2, false },
	{ "default", PQT_DEFAULT, 0, true }, { "if", PQT_IF, 0, true }, { "ifnot", PQT_IFNOT, 0, true },
	{ "keep_metric_names", PQT_KEEP_METRIC_NAMES, 0, true }, { "limit", PQT_LIMIT, 0, true },
};

/* The word in lower case into low (keywords are any case), or "" when it is longer than any keyword. */
static void
lower(const char *s, size_t n, char low[24])
{
	if (n >= 24)
		n = 0;
	for (size_t i = 0; i < n; i++)
		low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	low[n] = '\0';
}

/* A word in statements: a keyword (any case), Inf or NaN, or a name; ':' makes a metric name. */
static int
word(pq_parser *p, PQSTYPE *lval, pq_span *loc)
{
	const char *s = p->tok;
	size_t n = (size_t)(p->cur - s);
	char low[24];

	*loc = span(p);
	if (memchr(s, ':', n)) {
		lval->str = pq_strndup(p, s, n);
		return PQT_METRIC_IDENT;
	}
	lower(s, n, low);
	if (strcmp(low, "inf") == 0 || strcmp(low, "nan") == 0) {
		lval->num = low[0] == 'i' ? HUGE_VAL : NAN;
		return PQT_NUMBER;
	}
	if (p->brackets) {
		if (strcmp(low, "step") == 0)
			return PQT_STEP;
		if (strcmp(low, "range") == 0)
			return PQT_RANGE;
	} else {
		if (p->dialect == PQ_METRICSQL && strcmp(low, "with") == 0) {
			const char *c = p->cur;
			while (c < p->lim && strchr(" \t\r\n", *c))
				c++;
			if (c < p->lim && *c == '(') {
				pq_error(p, *loc, "MetricsQL WITH templates are not supported: expand the template in the query");
				return PQT_PQerror;
			}
		}
		for (size_t i = 0; i < sizeof keywords / sizeof *keywords; i++) {
			if ((keywords[i].mql && p->dialect != PQ_METRICSQL) || keywords[i].w[0] != low[0] ||
			    strcmp(low, keywords[i].w) != 0)
				continue;
			lval->op = (int)i;
			return keywords[i].tok;
		}
	}
	lval->str = pq_strndup(p, s, n);
	return PQT_IDENT;
}

const char *
pq_aggr_name(int op, bool *param)
{
	if (param)
		*param = keywords[op].aggr == 2;
	return keywords[op].w;
}

static int
lex(PQSTYPE *lval, pq_span *loc, pq_parser *p)
{
	for (;;) {
		p->tok = p->cur;
/*!re2c
	ws      = [ \t\r\n]+;
	comment = "#" [^\n\x00]*;
	word    = [a-zA-Z_:] [a-zA-Z0-9_:]*;
	label   = [a-zA-Z_] [a-zA-Z0-9_]*;

	$              { *loc = span(p); return PQT_YYEOF; }
	ws | comment   { continue; }

	["']           { return string(p, lval, loc, p->tok[0]); }
	"`"            { return raw_string(p, lval, loc); }

	label {
		if (p->braces) {
			*loc = span(p);
			lval->str = pq_strndup(p, p->tok, (size_t)(p->cur - p->tok));
			return PQT_IDENT;
		}
		return word(p, lval, loc);
	}
	word {
		if (p->braces || p->brackets) {	/* a ':' where no name may have one */
			const char *c = memchr(p->tok, ':', (size_t)(p->cur - p->tok));
			if (p->brackets && c == p->tok) {
				p->cur = p->tok + 1;
				*loc = span(p);
				return PQT_COLON;
			}
			if (p->brackets) {
				p->cur = c;
				return word(p, lval, loc);
			}
			return bad_char(p, loc, "unexpected character inside braces: ", c);
		}
		return word(p, lval, loc);
	}
	[0-9] | "." [0-9] {
		if (p->braces)
			return bad_char(p, loc, "unexpected character inside braces: ", p->tok);
		return number(p, lval, loc);
	}

	"=="           { *loc = span(p); if (p->braces) { p->cur--; *loc = span(p); return PQT_ASSIGN; } return PQT_EQLC; }
	"!="           { *loc = span(p); return PQT_NEQ; }
	"=~"           { *loc = span(p); if (!p->braces) return bad_char(p, loc, "unexpected character after '=': ", p->tok + 1); return PQT_EQL_RE; }
	"!~"           { *loc = span(p); if (!p->braces) return bad_char(p, loc, "unexpected character after '!': ", p->tok + 1); return PQT_NEQ_RE; }
	"<="           { *loc = span(p); return p->braces ? bad_char(p, loc, "unexpected character inside braces: ", p->tok) : PQT_LTE; }
	">="           { *loc = span(p); return p->braces ? bad_char(p, loc, "unexpected character inside braces: ", p->tok) : PQT_GTE; }
	"="            { *loc = span(p); return PQT_ASSIGN; }
	","            { *loc = span(p); return PQT_COMMA; }
	"{"            { *loc = span(p); return p->braces ? bad_char(p, loc, "unexpected character inside braces: ", p->tok) : PQT_LBRACE; }
	"}"            { *loc = span(p); return p->braces ? PQT_RBRACE : bad_char(p, loc, "unexpected character: ", p->tok); }
	[-+*/%^<>()[\]@!] {
		static const char ops[] = "-+*/%^<>()[]@!";
		static const int toks[] = { PQT_SUB, PQT_ADD, PQT_MUL, PQT_DIV, PQT_MOD, PQT_POW, PQT_LSS, PQT_GTR,
			PQT_LPAREN, PQT_RPAREN, PQT_LBRACKET, PQT_RBRACKET, PQT_AT, 0 };
		*loc = span(p);
		if (p->braces)
			return bad_char(p, loc, p->tok[0] == '!' ? "unexpected character after '!' inside braces: " :
					"unexpected character inside braces: ", p->tok[0] == '!' && p->cur < p->lim ? p->cur : p->tok);
		if (p->tok[0] == '!')
			return p->cur < p->lim ? bad_char(p, loc, "unexpected character after '!': ", p->cur) :
				(pq_error(p, *loc, "unexpected end of input after '!'"), PQT_PQerror);
		return toks[strchr(ops, p->tok[0]) - ops];
	}

	* {
		return bad_char(p, loc, p->braces ? "unexpected character inside braces: " : "unexpected character: ", p->tok);
	}
*/
	}
}

/* The lexer: one token, and the state the next one depends on. */
int
pq_lex(PQSTYPE *lval, pq_span *loc, pq_parser *p)
{
	p->was_braces = p->braces;
	p->was_brackets = p->brackets;
	p->was_grouping = p->grouping;
	p->ntokens++;
	int t = lex(lval, loc, p);

	switch (t) {
	case PQT_LPAREN:
		if (p->after_group)
			t = PQT_GROUP_LPAREN;
		if (t == PQT_GROUP_LPAREN || p->last == PQT_BY || p->last == PQT_WITHOUT || p->last == PQT_ON ||
		    p->last == PQT_IGNORING)
			p->grouping = true;
		if (p->parens == PQ_MAXDEPTH) {
			pq_error(p, *loc, "expression nested more than %d deep", PQ_MAXDEPTH);
			p->too_deep = true;
			t = PQT_PQerror;
			break;
		}
		p->paren_at[p->parens++] = loc->off;
		break;
	case PQT_RPAREN:
		if (p->parens == 0) {
			pq_error(p, *loc, "unexpected right parenthesis ')'");
			t = PQT_PQerror;
			break;
		}
		p->parens--;
		p->grouping = false;
		break;
	case PQT_LBRACE:
		p->braces = true;
		break;
	case PQT_RBRACE:
		p->braces = false;
		break;
	case PQT_LBRACKET:
		p->brackets = true;
		break;
	case PQT_RBRACKET:
		if (!p->brackets) {
			pq_error(p, *loc, "unexpected right bracket ']'");
			t = PQT_PQerror;
		}
		p->brackets = false;
		break;
	default:
		break;
	}
	if (t == PQT_PQerror)
		p->failed = true;
	p->after_group = t == PQT_GROUP_LEFT || t == PQT_GROUP_RIGHT;
	p->prev = p->last;
	p->last = t;
	return t;
}
