/*
 * seriesnot.c: promtool's expanding series notation.  The lexer follows
 * promql/parser/lex.go (lexValueSequence, lexInsideBraces, scanNumber, with
 * seriesDesc set), the parser the series_description rules of
 * generated_parser.y, and numbers go through Go's ParseInt(s, 0, 64) and
 * ParseFloat as parser.number() does.  Messages follow Prometheus' wording.
 */
#include "seriesnot.h"
#include "gonum.h"
#include "series.h"
#include "utf8.h"
#include "util.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok {
	T_EOF, T_SPACE, T_ADD, T_SUB, T_TIMES, T_BLANK, T_NUMBER, T_IDENT,	/* value sequence */
	T_LBRACE, T_RBRACE, T_COMMA, T_EQL, T_EQL_REGEX, T_NEQ, T_NEQ_REGEX, T_STRING	/* label set */
};

typedef struct token {
	enum tok t;
	size_t off, len;
} token;

typedef struct lexer {
	const char *s;
	size_t n, pos;
	sn_error *err;
	token peeked;
	bool has_peeked;
} lexer;

static int fail(lexer *l, size_t off, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
fail(lexer *l, size_t off, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->err->msg, sizeof l->err->msg, fmt, ap);
	va_end(ap);
	l->err->off = off;
	l->err->len = len;
	return -1;
}

static bool
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static bool
is_alpha(int c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

static bool
in_set(const char *set, int c)
{
	return c != '\0' && strchr(set, c) != NULL;
}

static int
peekc(const lexer *l)
{
	return l->pos < l->n ? (unsigned char)l->s[l->pos] : -1;
}

/* Bytes of the UTF-8 character at s (1 for anything malformed): for spans in messages. */
static size_t
charlen(const char *s, size_t n)
{
	size_t k = utf8_len(s, n);

	return k ? k : 1;
}

/* After an exponent or an underscore: no separator may follow, nor the end. */
static bool
digit_follows(lexer *l)
{
	if (in_set("._eE", peekc(l))) {
		l->pos++;
		return false;
	}
	return peekc(l) >= 0;
}

/*
 * scanNumber with seriesDesc set: no hexadecimal (`0x3` is 0 repeated),
 * underscores between digits, one dot, one exponent; what follows must not
 * be alphanumeric unless it is the `x` of a repetition.
 */
static bool
scan_number(lexer *l)
{
	size_t start = l->pos;
	bool dot = false, exp = false;

	if (peekc(l) == '.')
		l->pos++;
	if (is_digit(peekc(l)))
		l->pos++;
	while (in_set("0123456789._eE", peekc(l))) {
		int c = peekc(l);
		if ((c == '.' && dot) || ((c == 'e' || c == 'E') && exp)) {
			l->pos++;
			return false;
		}
		if (c == '.') {
			l->pos++;
			dot = true;
			if (in_set("_.", peekc(l))) {
				l->pos++;
				return false;
			}
			continue;
		}
		if (c == 'e' || c == 'E') {
			l->pos++;
			exp = true;
			if (in_set("+-", peekc(l)))
				l->pos++;
			if (!digit_follows(l))
				return false;
			continue;
		}
		if (c == '_') {
			l->pos++;
			if (!digit_follows(l))
				return false;
			continue;
		}
		while (is_digit(peekc(l)))
			l->pos++;
	}
	if (l->pos == start)
		return false;
	return peekc(l) == 'x' || !is_alnum(peekc(l));
}

/* The quoted text of a character for a message: 'c'. */
static void
quote_char(char *buf, size_t size, const char *s, size_t n)
{
	size_t k = charlen(s, n);

	if (k == 1 && ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f))
		snprintf(buf, size, "'\\x%02x'", (unsigned char)*s);
	else
		snprintf(buf, size, "'%.*s'", (int)k, s);
}

/* lexValueSequence */
static int
lex_value(lexer *l, token *t)
{
	size_t start = l->pos;
	int c = peekc(l);
	char q[16];

	t->off = start;
	t->len = 1;
	if (c < 0) {
		t->t = T_EOF;
		t->len = 0;
		return 0;
	}
	if (c == '{' && l->pos + 1 < l->n && l->s[l->pos + 1] == '{')
		return fail(l, start, 2, "native histograms ({{...}}) are not supported");
	if (is_space(c)) {
		while (is_space(peekc(l)))
			l->pos++;
		t->t = T_SPACE;
		t->len = l->pos - start;
		return 0;
	}
	l->pos++;
	switch (c) {
	case '+': t->t = T_ADD; return 0;
	case '-': t->t = T_SUB; return 0;
	case 'x': t->t = T_TIMES; return 0;
	case '_': t->t = T_BLANK; return 0;
	}
	if (is_digit(c) || (c == '.' && is_digit(peekc(l)))) {
		l->pos = start;
		if (!scan_number(l))
			return fail(l, start, l->pos - start, "bad number syntax: \"%.*s\"",
				    (int)(l->pos - start), l->s + start);
		t->t = T_NUMBER;
		t->len = l->pos - start;
		return 0;
	}
	if (is_alpha(c)) {
		while (is_alnum(peekc(l)) || peekc(l) == ':')
			l->pos++;
		t->t = T_IDENT;
		t->len = l->pos - start;
		return 0;
	}
	quote_char(q, sizeof q, l->s + start, l->n - start);
	return fail(l, start, charlen(l->s + start, l->n - start),
		    "unexpected character in series sequence: %s", q);
}

static int
next_value(lexer *l, token *t)
{
	if (l->has_peeked) {
		*t = l->peeked;
		l->has_peeked = false;
		return 0;
	}
	return lex_value(l, t);
}

static int
peek_value(lexer *l, token *t)
{
	if (!l->has_peeked) {
		if (lex_value(l, &l->peeked) < 0)
			return -1;
		l->has_peeked = true;
	}
	*t = l->peeked;
	return 0;
}

/* How a token reads in a message, as Prometheus' Item.desc(). */
static void
describe(const lexer *l, const token *t, char *buf, size_t size)
{
	static const char *const fixed[] = {
		[T_EOF] = "end of input", [T_SPACE] = "<space>", [T_ADD] = "\"+\"", [T_SUB] = "\"-\"",
		[T_TIMES] = "\"x\"", [T_BLANK] = "\"_\"", [T_LBRACE] = "\"{\"", [T_RBRACE] = "\"}\"",
		[T_COMMA] = "\",\"", [T_EQL] = "\"=\"", [T_EQL_REGEX] = "\"=~\"", [T_NEQ] = "\"!=\"",
		[T_NEQ_REGEX] = "\"!~\"",
	};
	const char *kind = t->t == T_NUMBER ? "number" : t->t == T_IDENT ? "identifier" :
		t->t == T_STRING ? "string" : NULL;

	if (!kind)
		snprintf(buf, size, "%s", fixed[t->t]);
	else if (t->t == T_STRING)
		snprintf(buf, size, "%s %.*s", kind, (int)(t->len < 80 ? t->len : 80), l->s + t->off);
	else
		snprintf(buf, size, "%s \"%.*s\"", kind, (int)(t->len < 80 ? t->len : 80), l->s + t->off);
}

static int
unexpected(lexer *l, const token *t, const char *context, const char *expected)
{
	char d[128];

	describe(l, t, d, sizeof d);
	return fail(l, t->off, t->len ? t->len : 1, "unexpected %s in %s%s%s", d, context,
		    expected ? ", expected " : "", expected ? expected : "");
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* parser.number(): ParseInt(s, 0, 64), else ParseFloat(s, 64); Inf and NaN are keywords. */
static int
number(lexer *l, const token *t, double *v)
{
	const char *s = l->s + t->off;
	size_t n = t->len;
	uint64_t u;
	int r;

	if (n == 3 && lower(s[0]) == 'i' && lower(s[1]) == 'n' && lower(s[2]) == 'f') {
		*v = INFINITY;
		return 0;
	}
	if (n == 3 && lower(s[0]) == 'n' && lower(s[1]) == 'a' && lower(s[2]) == 'n') {
		*v = NAN;
		return 0;
	}
	if (gonum_parse_uint(s, n, 0, &u) == GONUM_OK && u <= (uint64_t)INT64_MAX) {
		*v = (double)(int64_t)u;
		return 0;
	}
	if ((r = gonum_parse_float(s, n, v)) == GONUM_OK)
		return 0;
	return fail(l, t->off, t->len, "error parsing number: strconv.ParseFloat: parsing \"%.*s\": %s",
		    (int)(n < 80 ? n : 80), s, r == GONUM_RANGE ? "value out of range" : "invalid syntax");
}

static bool
is_numword(const lexer *l, const token *t)
{
	const char *s = l->s + t->off;

	return t->t == T_IDENT && t->len == 3 &&
		((lower(s[0]) == 'i' && lower(s[1]) == 'n' && lower(s[2]) == 'f') ||
		 (lower(s[0]) == 'n' && lower(s[1]) == 'a' && lower(s[2]) == 'n'));
}

/* uint: NUMBER, read by ParseUint(s, 10, 64). */
static int
repetitions(lexer *l, uint64_t *count, size_t *off, size_t *len)
{
	token t;
	const char *s;
	int r;

	if (next_value(l, &t) < 0)
		return -1;
	if (t.t != T_NUMBER && !is_numword(l, &t))
		return unexpected(l, &t, "series values", "number of repetitions");
	s = l->s + t.off;
	*off = t.off;
	*len = t.len;
	if ((r = gonum_parse_uint(s, t.len, 10, count)) != GONUM_OK)
		return fail(l, t.off, t.len, "invalid repetition in series values: "
			    "strconv.ParseUint: parsing \"%.*s\": %s", (int)(t.len < 80 ? t.len : 80), s,
			    r == GONUM_RANGE ? "value out of range" : "invalid syntax");
	return 0;
}

static int
grow(lexer *l, sn_series *out, uint64_t more, size_t off, size_t len)
{
	if (more > SN_MAX_VALUES - out->n)
		return fail(l, off, len, "the series expands to more than %u values", SN_MAX_VALUES);
	if (out->n + more > out->cap) {
		size_t cap = out->cap ? out->cap : 16;
		while (cap < out->n + more)
			cap *= 2;
		out->v = xrealloc(out->v, cap * sizeof *out->v);
		out->omitted = xrealloc(out->omitted, cap * sizeof *out->omitted);
		out->cap = cap;
	}
	return 0;
}

/* series_value: a number, a signed number, or `stale`. */
static int
series_value(lexer *l, const token *t, double *v)
{
	token u;

	if (t->t == T_NUMBER || is_numword(l, t))
		return number(l, t, v);
	if (t->t == T_IDENT) {
		if (t->len == 5 && memcmp(l->s + t->off, "stale", 5) == 0) {
			*v = series_stale_nan();
			return 0;
		}
		return unexpected(l, t, "series values", "number or \"stale\"");
	}
	if (t->t == T_ADD || t->t == T_SUB) {
		if (next_value(l, &u) < 0)
			return -1;
		if (u.t != T_NUMBER && !is_numword(l, &u))
			return unexpected(l, &u, "series values", "number");
		if (number(l, &u, v) < 0)
			return -1;
		if (t->t == T_SUB)
			*v = -*v;
		return 0;
	}
	return unexpected(l, t, "series values", NULL);
}

/*
 * series_values: items after a blank each.  after_item: the text so far
 * (a metric) needs a blank before the first item.
 */
static int
parse_values(lexer *l, sn_series *out, bool after_item)
{
	token t, u;
	uint64_t count;
	size_t coff, clen;

	for (;;) {
		if (next_value(l, &t) < 0)
			return -1;
		if (t.t == T_EOF)
			return 0;
		if (t.t == T_SPACE) {
			after_item = false;
			continue;
		}
		if (after_item)
			return unexpected(l, &t, "series values", "<space>");
		after_item = true;
		if (t.t == T_BLANK) {
			/* `_` one step without a sample, `_xn` n of them */
			if (peek_value(l, &u) < 0)
				return -1;
			count = 1;
			coff = t.off, clen = t.len;
			if (u.t == T_TIMES) {
				next_value(l, &u);
				if (repetitions(l, &count, &coff, &clen) < 0)
					return -1;
			}
			if (grow(l, out, count, coff, clen) < 0)
				return -1;
			for (uint64_t i = 0; i < count; i++) {
				out->v[out->n] = 0;
				out->omitted[out->n++] = true;
			}
			continue;
		}
		double v, inc = 0;
		if (series_value(l, &t, &v) < 0 || peek_value(l, &u) < 0)
			return -1;
		count = 0;
		coff = t.off, clen = t.len;
		if (u.t == T_ADD || u.t == T_SUB) {
			/* a+bxn, a-bxn: n+1 values */
			token x;
			next_value(l, &u);
			if (series_value(l, &u, &inc) < 0)
				return -1;
			if (next_value(l, &x) < 0)
				return -1;
			if (x.t != T_TIMES)
				return unexpected(l, &x, "series values", "\"x\"");
			if (repetitions(l, &count, &coff, &clen) < 0)
				return -1;
		} else if (u.t == T_TIMES) {
			/* axn: n+1 copies */
			next_value(l, &u);
			if (repetitions(l, &count, &coff, &clen) < 0)
				return -1;
		}
		if (count >= SN_MAX_VALUES)
			return fail(l, coff, clen, "the series expands to more than %u values", SN_MAX_VALUES);
		if (grow(l, out, count + 1, coff, clen) < 0)
			return -1;
		for (uint64_t i = 0; i <= count; i++) {
			out->v[out->n] = v;
			out->omitted[out->n++] = false;
			v += inc;
		}
	}
}

/* --- label sets ------------------------------------------------------------ */

static int
digit_val(int c)
{
	if (is_digit(c))
		return c - '0';
	if (lower(c) >= 'a' && lower(c) <= 'f')
		return lower(c) - 'a' + 10;
	return 16;
}

/* lexEscape: the escape after the backslash at `at`, decoded onto buf[*k]; 0, or -1 (failed). */
static int
lex_escape(lexer *l, size_t at, char quote, char *buf, size_t *k)
{
	int e = peekc(l);
	int nd = 0, base = 0;
	uint32_t max = 0, x = 0;

	if (e < 0)
		return fail(l, at, l->pos - at, "escape sequence not terminated");
	l->pos++;
	switch (e) {
	case 'a': buf[(*k)++] = '\a'; return 0;
	case 'b': buf[(*k)++] = '\b'; return 0;
	case 'f': buf[(*k)++] = '\f'; return 0;
	case 'n': buf[(*k)++] = '\n'; return 0;
	case 'r': buf[(*k)++] = '\r'; return 0;
	case 't': buf[(*k)++] = '\t'; return 0;
	case 'v': buf[(*k)++] = '\v'; return 0;
	case '\\': buf[(*k)++] = '\\'; return 0;
	case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
		nd = 3, base = 8, max = 255;
		l->pos--;
		break;
	case 'x': nd = 2, base = 16, max = 255; break;
	case 'u': nd = 4, base = 16, max = 0x10ffff; break;
	case 'U': nd = 8, base = 16, max = 0x10ffff; break;
	default:
		if (e == quote) {
			buf[(*k)++] = quote;
			return 0;
		}
		return fail(l, at, l->pos - at, "unknown escape sequence U+%04X '%c'", e, e);
	}
	for (; nd > 0; nd--) {
		int d = peekc(l);
		if (d < 0)
			return fail(l, at, l->pos - at, "escape sequence not terminated");
		if (digit_val(d) >= base)
			return fail(l, l->pos, 1, "illegal character U+%04X '%c' in escape sequence", d, d);
		x = x * (uint32_t)base + (uint32_t)digit_val(d);
		l->pos++;
	}
	if (x > max || (x >= 0xd800 && x < 0xe000 && max > 255))
		return fail(l, at, l->pos - at, "escape sequence is an invalid Unicode code point");
	if (max == 255)
		buf[(*k)++] = (char)x;
	else
		*k += utf8_put(buf + *k, x);
	return 0;
}

/*
 * lexString / lexRawString and unquoting in one pass: the string starting
 * at l->pos (its quote), decoded into a new buffer.
 */
static int
lex_string(lexer *l, token *t, char **val, size_t *vlen)
{
	size_t start = l->pos;
	char quote = l->s[l->pos++];
	char *buf = xmalloc(l->n - start + 1);
	size_t k = 0, w;

	for (;;) {
		int c = peekc(l);
		size_t at = l->pos;
		if (c < 0 || (c == '\n' && quote != '`')) {
			free(buf);
			return fail(l, start, l->pos - start, quote == '`' ? "unterminated raw string" :
				    "unterminated quoted string");
		}
		/* Go's RuneError check of lexString */
		if (!(w = utf8_len(l->s + l->pos, l->n - l->pos))) {
			free(buf);
			return fail(l, at, 1, "invalid UTF-8 rune");
		}
		l->pos += w;
		if (c == quote)
			break;
		if (c != '\\' || quote == '`') {
			memcpy(buf + k, l->s + at, w);
			k += w;
			continue;
		}
		if (lex_escape(l, at, quote, buf, &k) < 0) {
			free(buf);
			return -1;
		}
	}
	buf[k] = '\0';
	t->t = T_STRING;
	t->off = start;
	t->len = l->pos - start;
	*val = buf;
	*vlen = k;
	return 0;
}

/* lexInsideBraces; a string's decoded value goes to *val. */
static int
lex_brace(lexer *l, token *t, char **val, size_t *vlen)
{
	char q[16];
	int c;

	while (is_space(peekc(l)))
		l->pos++;
	c = peekc(l);
	t->off = l->pos;
	t->len = 1;
	if (c < 0)
		return fail(l, l->pos, 1, "unexpected end of input inside braces");
	if (is_alpha(c)) {
		while (is_alnum(peekc(l)))
			l->pos++;
		t->t = T_IDENT;
		t->len = l->pos - t->off;
		return 0;
	}
	if (c == '"' || c == '\'' || c == '`')
		return lex_string(l, t, val, vlen);
	l->pos++;
	switch (c) {
	case ',': t->t = T_COMMA; return 0;
	case '}': t->t = T_RBRACE; return 0;
	case '=':
		if (peekc(l) == '~') {
			l->pos++;
			t->t = T_EQL_REGEX;
			t->len = 2;
		} else {
			t->t = T_EQL;
		}
		return 0;
	case '!':
		if (peekc(l) == '~' || peekc(l) == '=') {
			t->t = l->s[l->pos++] == '~' ? T_NEQ_REGEX : T_NEQ;
			t->len = 2;
			return 0;
		}
		if (peekc(l) < 0)
			return fail(l, t->off, 1, "unexpected character after '!' inside braces: EOF");
		quote_char(q, sizeof q, l->s + l->pos, l->n - l->pos);
		return fail(l, t->off, 2, "unexpected character after '!' inside braces: %s", q);
	case '{':
		return fail(l, t->off, 1, "unexpected left brace '{'");
	}
	quote_char(q, sizeof q, l->s + t->off, l->n - t->off);
	return fail(l, t->off, charlen(l->s + t->off, l->n - t->off),
		    "unexpected character inside braces: %s", q);
}

static void
add_label(sn_series *out, char *name, char *value, size_t vlen, const token *at)
{
	out->labels = xrealloc(out->labels, (out->nlabels + 1) * sizeof *out->labels);
	out->labels[out->nlabels++] = (sn_label){ name, value, vlen, at->off, at->len };
}

/* label_set after its `{`: items `name="value"`, `"name"="value"` or `"metric"`, comma-separated. */
static int
parse_labels(lexer *l, sn_series *out)
{
	token t, u;
	char *a = NULL, *b = NULL;
	size_t alen, blen;

	if (lex_brace(l, &t, &a, &alen) < 0)
		return -1;
	if (t.t == T_RBRACE)
		return 0;
	for (;;) {
		if (t.t == T_IDENT || t.t == T_STRING) {
			char *name = t.t == T_IDENT ? xstrndup(l->s + t.off, t.len) : a;
			size_t save = l->pos;
			a = NULL;
			if (lex_brace(l, &u, &b, &blen) < 0) {
				free(name);
				return -1;
			}
			if (u.t == T_EQL) {
				free(b);
				b = NULL;
				if (lex_brace(l, &u, &b, &blen) < 0) {
					free(name);
					return -1;
				}
				if (u.t != T_STRING) {
					free(name);
					return unexpected(l, &u, "label set", "string");
				}
				add_label(out, name, b, blen, &t);
				b = NULL;
			} else if (t.t == T_STRING) {
				/* a quoted metric name */
				free(b);
				b = NULL;
				l->pos = save;
				add_label(out, xstrdup("__name__"), name, strlen(name), &t);
			} else {
				free(name);
				free(b);
				return unexpected(l, &u, "label set", "\"=\"");
			}
		} else {
			free(a);
			return unexpected(l, &t, "label set", "identifier or \"}\"");
		}
		if (lex_brace(l, &t, &a, &alen) < 0)
			return -1;
		if (t.t == T_RBRACE)
			return 0;
		if (t.t != T_COMMA) {
			free(a);
			return unexpected(l, &t, "label set", "\",\" or \"}\"");
		}
		if (lex_brace(l, &t, &a, &alen) < 0)
			return -1;
		if (t.t == T_RBRACE)
			return 0;
	}
}

static void
init(lexer *l, const char *s, size_t n, sn_series *out, sn_error *err)
{
	*l = (lexer){ .s = s, .n = n, .err = err };
	*out = (sn_series){ 0 };
	err->msg[0] = '\0';
	err->off = err->len = 0;
}

int
sn_parse_values(const char *s, size_t n, sn_series *out, sn_error *err)
{
	lexer l;

	init(&l, s, n, out, err);
	if (parse_values(&l, out, false) < 0) {
		sn_free(out);
		return -1;
	}
	return 0;
}

int
sn_parse_desc(const char *s, size_t n, sn_series *out, sn_error *err)
{
	lexer l;
	int c;

	init(&l, s, n, out, err);
	while (is_space(peekc(&l)))
		l.pos++;
	c = peekc(&l);
	if (c < 0)
		return 0;
	if (is_alpha(c) || c == ':') {
		size_t start = l.pos;
		while (is_alnum(peekc(&l)) || peekc(&l) == ':')
			l.pos++;
		token t = { T_IDENT, start, l.pos - start };
		if (is_numword(&l, &t)) {
			t.t = T_NUMBER;
			unexpected(&l, &t, "series description", "metric name or \"{\"");
			goto bad;
		}
		add_label(out, xstrdup("__name__"), xstrndup(s + start, t.len), t.len, &t);
		c = peekc(&l);
	}
	if (c == '{') {
		l.pos++;
		if (parse_labels(&l, out) < 0)
			goto bad;
	} else if (out->nlabels == 0) {
		char q[16];
		quote_char(q, sizeof q, s + l.pos, n - l.pos);
		fail(&l, l.pos, charlen(s + l.pos, n - l.pos), "unexpected character: %s", q);
		goto bad;
	}
	if (parse_values(&l, out, true) < 0)
		goto bad;
	return 0;
bad:
	sn_free(out);
	return -1;
}

const char *
sn_label_value(const sn_series *s, const char *name)
{
	for (size_t i = 0; i < s->nlabels; i++)
		if (strcmp(s->labels[i].name, name) == 0)
			return s->labels[i].value;
	return NULL;
}

void
sn_free(sn_series *s)
{
	for (size_t i = 0; i < s->nlabels; i++) {
		free(s->labels[i].name);
		free(s->labels[i].value);
	}
	free(s->labels);
	free(s->v);
	free(s->omitted);
	*s = (sn_series){ 0 };
}
