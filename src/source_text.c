/*
 * source_text.c: Prometheus text format 0.0.4 and OpenMetrics 1.0, read
 * as a stream of lines.
 *
 * Lines are parsed where they lie (the read buffer, or the caller's memory)
 * and never written to, so a diagnostic shows the line as it was.  Names and
 * values are unescaped into a scratch buffer as long as the longest line;
 * nothing is allocated per sample.
 *
 * What is accepted.  Prometheus has two parsers: the server's (textparse) is
 * lenient, prometheus/common's (expfmt) strict.  This reader takes the
 * server's lexical leniency (blanks around tokens and optional commas in
 * 0.0.4, a missing final newline, any case of NaN/Inf) and the rules of the
 * format documents where the strict parser enforces them and the server does
 * not: only \\, \" and \n escapes; unique label names, none of them
 * __name__; a numeric le on histograms and quantile on summaries; no negative
 * histogram counts; one HELP and one TYPE per family, TYPE before the
 * family's samples.  Unlike the server it takes negative timestamps and the
 * gaugehistogram type in 0.0.4, as expfmt does.  Family rules look only at
 * the current family so that memory stays bounded: a family split in two is
 * not caught.  Line endings are \n only; a \r before it is an error, as in
 * both upstream parsers.
 *
 * OpenMetrics `_created` samples of counters, summaries and histograms are
 * start times, not samples: as in Prometheus they are checked, then dropped.
 */
#include "source_text.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"

#define BUFSZ	(64 * 1024)	/* read buffer; grows only for one long line */
#define MAXLINE	(1024 * 1024)	/* longest line, without its newline */
#define SLACK	16		/* readable bytes past a line's '\n' */
#define LCRAW	256		/* the longest label set fastline() looks for */
#define LCMAX	8		/* and its most labels */

/* Character classes: metric name start/continue, label name start/continue,
 * stops a quoted-string scan, digit, ends a 0.0.4 value, blank.  The '\n'
 * that ends every line (see line()) is in none of the name, digit or blank
 * classes, so those scans need no end check. */
enum { C_MS = 1, C_MC = 2, C_LS = 4, C_LC = 8, C_Q = 16, C_D = 32, C_VE = 64, C_WS = 128 };
static const unsigned char cls[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 80, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	192, 0, 16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	42, 42, 42, 42, 42, 42, 42, 42, 42, 42, 3, 0, 0, 0, 0, 0,
	0, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 0, 16, 0, 0, 15,
	0, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15,
	15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 15, 64, 0, 0, 0, 0,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
	16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16,
};
#define CL(c)	cls[(unsigned char)(c)]

#ifdef __GNUC__
#define ALWAYS_INLINE	__attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif

enum mtype {
	M_UNTYPED, M_COUNTER, M_GAUGE, M_HISTOGRAM, M_GAUGEHIST, M_SUMMARY,
	M_INFO, M_STATESET
};
#define B(t)	(1u << (t))

enum { K_HELP, K_TYPE, K_UNIT };
static const char *const kwname[] = { "HELP", "TYPE", "UNIT" };

/* Suffixes of a family's sample names. */
enum { S_NONE, S_BUCKET, S_COUNT, S_SUM, S_GCOUNT, S_GSUM, S_TOTAL, S_CREATED, S_INFO };

typedef struct rawlabel {
	const char *n, *v;	/* in the line, without quotes, still escaped */
	size_t nl, vl;
} rawlabel;

typedef struct reader {
	const char *path;
	ng_diags *diags;
	text_sample_fn fn;
	void *ctx;
	bool om;		/* OpenMetrics, else 0.0.4 */
	bool guess;		/* TEXT_AUTO could not tell: read as 0.0.4 */
	bool lasteof;		/* guess: the last non-blank line was "# EOF" */
	bool eofword;		/* OpenMetrics: "# EOF" seen */
	bool lastnl;		/* the input ended with a newline */
	bool esc;		/* a quoted string in the line has a backslash */
	int err;		/* the last error, for functions that return NULL */
	unsigned lineno, eofline;
	const char *line;	/* the line being read, for diagnostics */
	size_t linelen;

	int fd;
	char *buf;		/* [beg, end) not yet read; no '\n' in [beg, scan) */
	size_t cap, beg, end, scan;
	bool eof;

	char *cpy;		/* a last line, given its '\n' and slack */
	size_t cpycap;
	char *tmp;		/* unescaped strings of one line */
	size_t tmpcap;
	char *num;		/* a long number for strtod */
	size_t numcap;
	text_label *lab;
	rawlabel *raw;
	size_t nlab, labcap;
	uint32_t *set;		/* open hash set, for many labels */
	size_t setcap;

	const char *name;	/* of the sample, in the line, escaped */
	size_t namelen;
	const char *val;	/* the value token */
	size_t vallen;

	char *fam;		/* current family, unescaped */
	size_t famlen, famcap;
	enum mtype famtype, lasttype;
	bool famhelp, famtyped, famsamples;
	bool fastok;		/* 0.0.4 and fam is a plain metric name: fastline() may run */
	uint64_t famid;		/* the name_id of fam, new at each setfam */
	uint64_t famw, fammask;	/* fam's first 8 bytes, as a word (zero after its end), and
				 * the mask of those in it */

	const char *lb;		/* the sample's label set, '{' to '}', when after its name */
	size_t lblen;

	/* The label set of a sample of fam, for fastline(): its text in the
	 * line, and the labels it gave (unescaped into lcstr). */
	uint64_t lcfam;		/* the famid it was read under; no other is valid */
	uint64_t lcid;		/* its labels_id */
	size_t lcrawlen, lcn;
	char lcraw[LCRAW], lcstr[LCRAW];
	text_label lclab[LCMAX];
} reader;


static const double pow10tab[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int bad(reader *r, const char *at, size_t span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* --- diagnostics ---------------------------------------------------------- */

static int
bad(reader *r, const char *at, size_t span, const char *fmt, ...)
{
	va_list ap;
	size_t col = (size_t)(at - r->line);

	if (col > r->linelen)
		col = r->linelen;
	if (span == 0 || span > r->linelen - col)
		span = r->linelen > col ? r->linelen - col : 1;
	if (span > 200)
		span = 200;
	va_start(ap, fmt);
	err_vadd(r->diags, NG_SEV_ERROR, NG_EINPUT,
		 (err_where){ r->path, r->lineno, (unsigned)col + 1, (unsigned)span, r->line, r->linelen },
		 fmt, ap);
	va_end(ap);
	return r->err = TEXT_EBAD;
}

/* Errors of the system, not of the input: no line to show. */
static int
syserr(reader *r, const char *what)
{
	err_add(r->diags, NG_SEV_ERROR, NG_EIO, ERR_LINE(r->path, r->lineno + 1, 1), "%s", what);
	return r->err = TEXT_EIO;
}

static int
oom(reader *r)
{
	return syserr(r, "out of memory");
}

/* Length of the UTF-8 sequence at p (a byte >= 0x80), 0 if invalid. */
static size_t
utf8len(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c < 0xc2)
		return 0;
	if (c < 0xe0)
		n = 2;
	else if (c < 0xf0) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c < 0xf5) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if ((size_t)(e - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static bool
utf8ok(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *e = p + n;
	size_t k;

	while (p < e) {
		if (*p < 0x80) {
			p++;
			continue;
		}
		if (!(k = utf8len(p, e)))
			return false;
		p += k;
	}
	return true;
}

/* s[0..n) quoted for a message, escaped and cut short. */
static const char *
quote(char *dst, size_t size, const char *s, size_t n)
{
	bool u = utf8ok(s, n);
	size_t o = 0, i;

	dst[o++] = '"';
	for (i = 0; i < n && o + 10 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			dst[o++] = '\\', dst[o++] = (char)c;
		else if (c < 0x20 || c == 0x7f || (c >= 0x80 && !u))
			o += (size_t)snprintf(dst + o, size - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	if (i < n)
		memcpy(dst + o, "...", 3), o += 3;
	dst[o++] = '"';
	dst[o] = '\0';
	return dst;
}

/* What is at p, for "expected X, got Y". */
static const char *
got(char *dst, size_t size, const char *p, const char *e)
{
	if (p >= e)
		return "end of line";
	return quote(dst, size, p, 1);
}

/* --- memory --------------------------------------------------------------- */

/* p grown to at least need elements of size bytes; NULL leaves p alone. */
static void *
grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	while (n < need)
		n *= 2;
	if (!(q = realloc(p, n * size)))
		return NULL;
	*cap = n;
	return q;
}

/*
 * A new name_id or labels_id, unique in the process (so that a callback
 * may keep one across readers).  1 is TEXT_NOLABELS.
 */
static uint64_t
newid(void)
{
	static _Atomic uint64_t last = TEXT_NOLABELS;

	return atomic_fetch_add_explicit(&last, 1, memory_order_relaxed) + 1;
}

static int
setfam(reader *r, const char *name, size_t n)
{
	char *q;
	bool plain = n > 0 && (CL(name[0]) & C_MS);

	if (n + 1 > r->famcap) {
		if (!(q = grow(r->fam, &r->famcap, n + 1, 1)))
			return oom(r);
		r->fam = q;
	}
	memcpy(r->fam, name, n);
	r->fam[n] = '\0';
	r->famlen = n;
	r->famtype = M_UNTYPED;
	r->famhelp = r->famtyped = r->famsamples = false;
	for (size_t i = 1; i < n && plain; i++)
		plain = CL(name[i]) & C_MC;
	r->fastok = plain && !r->om;
	r->famid = newid();
	{
		unsigned char w[8] = { 0 }, m[8] = { 0 };

		memcpy(w, name, n < 8 ? n : 8);
		memset(m, 0xff, n < 8 ? n : 8);
		memcpy(&r->famw, w, 8);
		memcpy(&r->fammask, m, 8);
	}
	return 0;
}

/* --- numbers -------------------------------------------------------------- */

static bool
ieq(const char *s, const char *lower, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((s[i] | 0x20) != lower[i])
			return false;
	return true;
}

/* Not correctly rounded by one operation: strtod, in the "C" locale (the
 * program never calls setlocale). */
static int
slowfloat(reader *r, const char *s, size_t n, double *out)
{
	char sb[128], *c = sb, *q;
	double d;

	if (n >= sizeof sb) {
		if (n + 1 > r->numcap) {
			if (!(q = grow(r->num, &r->numcap, n + 1, 1)))
				return -1;
			r->num = q;
		}
		c = r->num;
	}
	memcpy(c, s, n);
	c[n] = '\0';
	d = strtod(c, NULL);
	if (isinf(d))
		return 2;	/* Go's ParseFloat says ErrRange; underflow is fine */
	*out = d;
	return 0;
}

/*
 * A number as Go's strconv.ParseFloat reads it, less what Prometheus turns
 * away (hex, '_'): [+-] (digits [. digits] | . digits) [(e|E) [+-] digits],
 * or inf, infinity (signed) or nan, in any case.  0 if good, 1 if not a
 * number, 2 if out of range, -1 out of memory.
 *
 * A mantissa of at most 2^53 and a power of ten of at most 22 are both
 * exact doubles, so one multiply or divide rounds correctly (Clinger's fast
 * path); anything else goes to strtod.
 */
static int
parse_float(reader *r, const char *s, size_t n, double *out)
{
	const char *p = s, *e = s + n;
	uint64_t m = 0;
	int nd = 0, x10 = 0, x;
	bool neg = false, any = false, lost = false, eneg = false;
	double d;

	if (p < e && (*p == '+' || *p == '-'))
		neg = *p++ == '-';
	if (p == e)
		return 1;
	if (!(CL(*p) & C_D) && *p != '.') {
		size_t k = (size_t)(e - p);

		if ((k == 3 && ieq(p, "inf", 3)) || (k == 8 && ieq(p, "infinity", 8))) {
			*out = neg ? -INFINITY : INFINITY;
			return 0;
		}
		if (k == 3 && p == s && ieq(p, "nan", 3)) {	/* no sign on NaN */
			*out = NAN;
			return 0;
		}
		return 1;
	}
	for (; p < e && (CL(*p) & C_D); p++) {
		any = true;
		if (nd < 19) {
			m = m * 10 + (unsigned)(*p - '0');
			nd += m != 0;	/* leading zeros are not digits */
		} else {
			x10++;
			lost |= *p != '0';
		}
	}
	if (p < e && *p == '.')
		for (p++; p < e && (CL(*p) & C_D); p++) {
			any = true;
			if (nd < 19) {
				m = m * 10 + (unsigned)(*p - '0');
				nd += m != 0;
				x10--;
			} else
				lost |= *p != '0';
		}
	if (!any)
		return 1;
	if (p < e && (*p == 'e' || *p == 'E')) {
		if (++p < e && (*p == '+' || *p == '-'))
			eneg = *p++ == '-';
		if (p == e || !(CL(*p) & C_D))
			return 1;
		for (x = 0; p < e && (CL(*p) & C_D); p++)
			if (x < 100000)	/* far past any double; no overflow */
				x = x * 10 + (*p - '0');
		x10 += eneg ? -x : x;
	}
	if (p != e)
		return 1;
	if (m == 0) {
		*out = neg ? -0.0 : 0.0;
		return 0;
	}
	if (lost || m > (UINT64_C(1) << 53) || x10 < -22 || x10 > 22)
		return slowfloat(r, s, n, out);
	d = (double)m;
	d = x10 < 0 ? d / pow10tab[-x10] : d * pow10tab[x10];
	*out = neg ? -d : d;
	return 0;
}

/* -?[0-9]+ as int64: 0, 1 if not an integer, 2 if out of range. */
static int
parse_int(const char *s, size_t n, int64_t *out)
{
	const char *e = s + n;
	bool neg = s < e && *s == '-';
	uint64_t v = 0, lim;
	unsigned d;

	s += neg;
	if (s == e)
		return 1;
	if (e - s <= 18) {	/* cannot overflow */
		for (; s < e; s++) {
			if ((d = (unsigned)(unsigned char)*s - '0') > 9)
				return 1;
			v = v * 10 + d;
		}
	} else {
		lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
		for (; s < e; s++) {
			if ((d = (unsigned)(unsigned char)*s - '0') > 9)
				return 1;
			if (v > (lim - d) / 10)
				return 2;
			v = v * 10 + d;
		}
	}
	if (!neg)
		*out = (int64_t)v;
	else
		*out = v > (uint64_t)INT64_MAX ? INT64_MIN : -(int64_t)v;
	return 0;
}

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
static const uint64_t pow10u[] = {
	1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000
};

/* The value of 8 digit values (first in the low byte): pairs, then two
 * multiplies that weigh the four pairs and add them up. */
static inline ALWAYS_INLINE uint64_t
value8(uint64_t d)
{
	const uint64_t lo = UINT64_C(0x000000ff000000ff);

	d = d * 10 + (d >> 8);	/* pairs, in bytes 0, 2, 4 and 6 */
	/* bytes 0 and 4 times 10^6 and 100, 2 and 6 times 10^4 and 1, summed in the high half */
	return ((d & lo) * (100 + (UINT64_C(1000000) << 32)) +
		((d >> 16) & lo) * (1 + (UINT64_C(10000) << 32))) >> 32;
}

/* No '"', '\\' nor byte >= 0x80 in the 8 bytes of w: a plain stretch of a
 * quoted string.  A word x has a zero byte iff (x - 0x01..) & ~x & 0x80..
 * is not zero. */
static bool
plain8(uint64_t w)
{
	const uint64_t lo = UINT64_C(0x0101010101010101), hi = UINT64_C(0x8080808080808080);
	uint64_t q = w ^ UINT64_C(0x2222222222222222), b = w ^ UINT64_C(0x5c5c5c5c5c5c5c5c);

	return !((((q - lo) & ~q) | ((b - lo) & ~b) | w) & hi);
}
#endif

/*
 * digit* at p into *v, which may wrap: the caller counts the digits.
 * Eight bytes at a time: with x = b - '0' in each byte, b is a digit iff
 * neither x nor x + 0x76 has its top bit set.  A borrow (b < '0') or carry
 * (x + 0x76 > 0xff) comes only out of a byte that is no digit, and only
 * touches the bytes after it, so the lowest flagged byte is the first that
 * is no digit.  The line's '\n' ends the digits, and 8 bytes may be read
 * from anywhere up to it (see line()).
 */
static inline ALWAYS_INLINE const char *
digits(const char *p, uint64_t *v)
{
	uint64_t m = *v;
#ifdef SWAR
	uint64_t x, t;
	unsigned k;

	for (;;) {
		memcpy(&x, p, 8);
		x -= UINT64_C(0x3030303030303030);
		t = (x | (x + UINT64_C(0x7676767676767676))) & UINT64_C(0x8080808080808080);
		k = t ? (unsigned)__builtin_ctzll(t) >> 3 : 8;
		if (k == 0)
			break;
		/* the k digits to the top, zeros (leading) below */
		m = m * pow10u[k] + value8(x << (64 - 8 * k));
		p += k;
		if (k < 8)
			break;
	}
#else
	for (; CL(*p) & C_D; p++)
		m = m * 10 + (unsigned)(*p - '0');
#endif
	*v = m;
	return p;
}

/*
 * The common number, [-]digits[.digits] with at most 19 digits, exact by
 * the fast path alone.  Returns its end; NULL if the number is of another
 * kind and parse_float must read it.
 */
static inline ALWAYS_INLINE const char *
fastnum(const char *p, double *out)
{
	const char *d = p + (*p == '-'), *q, *f;
	uint64_t m = 0;
	size_t nd, nf = 0;
	double x;

	if ((unsigned)(*d - '0') < 10 && d[1] == '.')	/* one digit before the point, as in 0.25 */
		m = (unsigned)(*d - '0'), q = d + 1;
	else
		q = digits(d, &m);
	nd = (size_t)(q - d);
	if (*q == '.') {
		f = q + 1;
		q = digits(f, &m);
		nf = (size_t)(q - f);
	}
	/* nd + nf in 1..19; (x | 0x20) == 'e' for 'e' and 'E' alone */
	if (nd + nf - 1 > 18 || m > (UINT64_C(1) << 53) || (*q | 0x20) == 'e')
		return NULL;
	x = (double)m / pow10tab[nf];	/* exact when nf is 0 */
	*out = *p == '-' ? -x : x;
	return q;
}

/* timestamp -> ['-'] digit+, integer ms.  Returns its end, NULL on error. */
static const char *
prom_ts(reader *r, const char *s, const char *e, int64_t *ts)
{
	const char *d = s + (*s == '-'), *p;
	uint64_t v = 0;
	char qb[64];

	p = digits(d, &v);
	if (p > d && p - d <= 18 && (p == e || *p == ' ' || *p == '\t')) {
		*ts = *s == '-' ? -(int64_t)v : (int64_t)v;
		return p;
	}
	while (p < e && *p != ' ' && *p != '\t')
		p++;
	switch (parse_int(s, (size_t)(p - s), ts)) {
	case 0:
		return p;
	case 2:
		bad(r, s, (size_t)(p - s), "timestamp %s is out of range",
		    quote(qb, sizeof qb, s, (size_t)(p - s)));
		return NULL;
	default:
		bad(r, s, (size_t)(p - s), "invalid timestamp %s: want integer milliseconds",
		    quote(qb, sizeof qb, s, (size_t)(p - s)));
		return NULL;
	}
}

static int
number(reader *r, const char *s, size_t n, double *d, const char *what)
{
	char qb[64];

	switch (parse_float(r, s, n, d)) {
	case 0:
		return 0;
	case 2:
		return bad(r, s, n, "%s %s is out of range", what, quote(qb, sizeof qb, s, n));
	case -1:
		return oom(r);
	default:
		return bad(r, s, n, "%s %s is not a number", what, quote(qb, sizeof qb, s, n));
	}
}

/* OpenMetrics timestamps are seconds; as Prometheus, ms = trunc(s * 1000). */
static int
om_ts(reader *r, const char *s, size_t n, int64_t *ms, const char *what)
{
	char qb[64];
	double t, x;
	int rc;

	if ((rc = number(r, s, n, &t, what)))
		return rc;
	if (isnan(t) || isinf(t))
		return bad(r, s, n, "%s %s must be a finite number of seconds", what,
			   quote(qb, sizeof qb, s, n));
	x = t * 1000;
	if (!(x > -9223372036854775808.0 && x < 9223372036854775808.0))
		return bad(r, s, n, "%s %s is out of range", what, quote(qb, sizeof qb, s, n));
	*ms = (int64_t)x;
	return 0;
}

/* --- lexical pieces ------------------------------------------------------- */

/* Lines end in '\n' (see line()), which stops these two. */
static const char *
skipws(const char *p)
{
	while (CL(*p) & C_WS)
		p++;
	return p;
}

static const char *
ident(const char *p, int cont)
{
	while (CL(*p) & cont)
		p++;
	return p;
}

/* qstring -> '"' { char | '\' ('\' | '"' | 'n') } '"'; s is past the
 * opening quote.  Returns the closing quote, NULL on error. */
static const char *
qstr(reader *r, const char *s, const char *e)
{
	const char *p = s;
	unsigned char c;
	size_t k;

	for (;;) {
		while (p < e && !(CL(*p) & C_Q))
			p++;
		if (p == e || (*p == '\\' && p + 1 == e)) {
			bad(r, s - 1, 1, "unterminated quoted string");
			return NULL;
		}
		if (*p == '"')
			return p;
		if (*p == '\\') {
			c = (unsigned char)p[1];
			if (c != '\\' && c != '"' && c != 'n') {
				if (c > 0x20 && c < 0x7f)
					bad(r, p, 2, "invalid escape sequence '\\%c' "
					    "(only \\\\, \\\" and \\n are allowed)", c);
				else
					bad(r, p, 2, "invalid escape sequence: '\\' before byte 0x%02x "
					    "(only \\\\, \\\" and \\n are allowed)", c);
				return NULL;
			}
			r->esc = true;
			p += 2;
		} else {
			if (!(k = utf8len((const unsigned char *)p, (const unsigned char *)e))) {
				bad(r, p, 1, "invalid UTF-8 in quoted string");
				return NULL;
			}
			p += k;
		}
	}
}

/* memcpy, without a call for the short strings of most lines. */
static void
copy(char *d, const char *s, size_t n)
{
	uint64_t a, b;
	uint32_t x, y;

	if (n >= 8 && n <= 16) {	/* two overlapping words */
		memcpy(&a, s, 8);
		memcpy(&b, s + n - 8, 8);
		memcpy(d, &a, 8);
		memcpy(d + n - 8, &b, 8);
	} else if (n >= 4 && n < 8) {
		memcpy(&x, s, 4);
		memcpy(&y, s + n - 4, 4);
		memcpy(d, &x, 4);
		memcpy(d + n - 4, &y, 4);
	} else if (n < 4) {
		if (n)
			d[0] = s[0], d[n / 2] = s[n / 2], d[n - 1] = s[n - 1];
	} else
		memcpy(d, s, n);
}

/* a[0..n) == b[0..n), without a call for short strings. */
static inline ALWAYS_INLINE bool
same(const char *a, const char *b, size_t n)
{
	uint64_t x, y, u, v;

	if (n >= 8 && n <= 16) {
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + n - 8, 8);
		memcpy(&v, b + n - 8, 8);
		return ((x ^ y) | (u ^ v)) == 0;
	}
	if (n > 16 && n <= 32) {	/* four words, the last two overlapping */
		uint64_t x2, y2, u2, v2;

		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		memcpy(&u, a + 8, 8);
		memcpy(&v, b + 8, 8);
		memcpy(&x2, a + n - 16, 8);
		memcpy(&y2, b + n - 16, 8);
		memcpy(&u2, a + n - 8, 8);
		memcpy(&v2, b + n - 8, 8);
		return ((x ^ y) | (u ^ v) | (x2 ^ y2) | (u2 ^ v2)) == 0;
	}
	if (n >= 4 && n < 8) {
		uint32_t p, q, t, z;

		memcpy(&p, a, 4);
		memcpy(&q, b, 4);
		memcpy(&t, a + n - 4, 4);
		memcpy(&z, b + n - 4, 4);
		return ((p ^ q) | (t ^ z)) == 0;
	}
	if (n < 4) {
		for (size_t i = 0; i < n; i++)
			if (a[i] != b[i])
				return false;
		return true;
	}
	return memcmp(a, b, n) == 0;
}

/* Copy s[0..n) to *wp unescaped and NUL-terminated. */
static inline const char *
put(const reader *r, char **wp, const char *s, size_t n, size_t *len)
{
	char *w = *wp, *b = w;
	const char *e = s + n;

	if (!r->esc) {
		copy(w, s, n);
		w += n;
	} else
		for (; s < e; s++) {
			if (*s == '\\')
				s++, *w++ = *s == 'n' ? '\n' : *s;
			else
				*w++ = *s;
		}
	*len = (size_t)(w - b);
	*w++ = '\0';
	*wp = w;
	return b;
}

static int
morelabels(reader *r)
{
	void *q;
	size_t cap = r->labcap;

	if (!(q = grow(r->lab, &cap, r->nlab + 1, sizeof *r->lab)))
		return oom(r);
	r->lab = q;
	cap = r->labcap;
	if (!(q = grow(r->raw, &cap, r->nlab + 1, sizeof *r->raw)))
		return oom(r);
	r->raw = q;
	r->labcap = cap;
	return 0;
}

static inline int
addlabel(reader *r, const char *n, size_t nl, const char *v, size_t vl)
{
	int rc;

	if (r->nlab == r->labcap && (rc = morelabels(r)))
		return rc;
	r->raw[r->nlab].n = n;
	r->raw[r->nlab].nl = nl;
	r->raw[r->nlab].v = v;
	r->raw[r->nlab].vl = vl;
	r->nlab++;
	return 0;
}

/* --- the grammar ---------------------------------------------------------- */

/*
 * labels -> '{' [ label { ',' label } [','] ] '}'
 * label -> (lname | qstring) '=' qstring | qstring	(the last names the metric)
 * In 0.0.4 blanks may surround every token and the commas may be left out,
 * as the server allows.  p is past the '{'; returns the end of the set, NULL
 * on error.  (Pointers go in and out by value so that they stay in
 * registers: this is the hot loop.)
 */
static const char *
labels(reader *r, const char *p, const char *e, bool exemplar)
{
	const char *ns, *vs;
	char gb[64];
	size_t nl;
	bool quoted;

	for (;;) {
		if (!r->om)
			p = skipws(p);
		if (*p == '}')
			return p + 1;
		ns = p;
		if (CL(*p) & C_LS) {
			p = ident(p + 1, C_LC);
			nl = (size_t)(p - ns);
			quoted = false;
		} else if (*p == '"') {
			ns = ++p;
			if (!(p = qstr(r, p, e)))
				return NULL;
			nl = (size_t)(p++ - ns);
			quoted = true;
		} else
			goto expected;
		if (!r->om)
			p = skipws(p);
		if (quoted && (*p == ',' || *p == '}')) {
			if (exemplar)
				bad(r, ns - 1, nl + 2, "expected '=' after the exemplar label name");
			else if (r->name)
				bad(r, ns - 1, nl + 2, "metric name given twice");
			else if (!nl)
				bad(r, ns - 1, 2, "empty metric name");
			else {
				r->name = ns;
				r->namelen = nl;
				p += *p == ',';
				continue;
			}
			return NULL;
		}
		if (quoted && !nl) {
			bad(r, ns - 1, 2, "empty label name");
			return NULL;
		}
		if (*p != '=') {
			bad(r, p, 1, "expected '=' after label name, got %s", got(gb, sizeof gb, p, e));
			return NULL;
		}
		p++;
		if (!r->om)
			p = skipws(p);
		if (*p != '"') {
			bad(r, p, 1, "expected '\"' to start the label value, got %s",
			    got(gb, sizeof gb, p, e));
			return NULL;
		}
		vs = ++p;
#ifdef SWAR
		for (uint64_t w; e - p >= 8 && (memcpy(&w, p, 8), plain8(w)); p += 8)
			;
#endif
		while (!(CL(*p) & C_Q))	/* stops at the '\n' at e, too */
			p++;
		if (*p != '"' && !(p = qstr(r, vs, e)))
			return NULL;
		if (!exemplar && addlabel(r, ns, nl, vs, (size_t)(p - vs)))
			return NULL;
		p++;
		if (!r->om) {
			p = skipws(p);
			p += *p == ',';
		} else if (*p == ',')
			p++;
		else if (*p != '}') {
			bad(r, p, 1, "expected ',' or '}' after the label value, got %s",
			    got(gb, sizeof gb, p, e));
			return NULL;
		}
	}
expected:
	bad(r, p, 1, "expected a label name or '}', got %s", got(gb, sizeof gb, p, e));
	return NULL;
}

static bool
isexemplar(const char *p, const char *e)
{
	return e - p >= 4 && memcmp(p, " # {", 4) == 0;
}

/* om_tail -> [ ' ' timestamp ] [ " # " labels ' ' value [ ' ' timestamp ] ] */
static int
om_tail(reader *r, const char *p, const char *e, text_sample *s)
{
	const char *t;
	char gb[64];
	double ev;
	int64_t ets;
	int rc;

	if (p == e)
		return 0;
	if (!isexemplar(p, e)) {
		t = ++p;
		while (p < e && *p != ' ')
			p++;
		if (p == t)
			return bad(r, t - 1, 1, "expected a timestamp after the space, got %s",
				   got(gb, sizeof gb, t, e));
		if ((rc = om_ts(r, t, (size_t)(p - t), &s->ts_ms, "timestamp")))
			return rc;
		s->has_ts = true;
		if (p == e)
			return 0;
		if (!isexemplar(p, e))
			return bad(r, p, (size_t)(e - p), "expected an exemplar (\" # {...} value\") "
				   "or the end of the line after the timestamp");
	}
	if (!(p = labels(r, p + 4, e, true)))
		return r->err;
	if (p == e || *p != ' ')
		return bad(r, p, 1, "expected a space and a value after the exemplar's labels, got %s",
			   got(gb, sizeof gb, p, e));
	t = ++p;
	while (p < e && *p != ' ')
		p++;
	if (p == t)
		return bad(r, t, 1, "expected the exemplar's value, got %s", got(gb, sizeof gb, t, e));
	if ((rc = number(r, t, (size_t)(p - t), &ev, "exemplar value")))
		return rc;
	if (p == e)
		return 0;
	t = ++p;
	while (p < e && *p != ' ')
		p++;
	if (p == t)
		return bad(r, t - 1, 1, "expected the exemplar's timestamp after the space, got %s",
			   got(gb, sizeof gb, t, e));
	if ((rc = om_ts(r, t, (size_t)(p - t), &ets, "exemplar timestamp")))
		return rc;
	if (p < e)
		return bad(r, p, (size_t)(e - p), "unexpected text after the exemplar");
	return 0;
}

/* The suffix that makes name a sample of the current family, or -1. */
static int
member(const reader *r, const char *name, size_t n)
{
	static const struct {
		const char *s;
		size_t n;
		int kind;
		unsigned types;
	} sfx[] = {
		{ "_bucket", 7, S_BUCKET, B(M_HISTOGRAM) | B(M_GAUGEHIST) },
		{ "_count", 6, S_COUNT, B(M_HISTOGRAM) | B(M_GAUGEHIST) | B(M_SUMMARY) },
		{ "_sum", 4, S_SUM, B(M_HISTOGRAM) | B(M_GAUGEHIST) | B(M_SUMMARY) },
		{ "_total", 6, S_TOTAL, B(M_COUNTER) },
		{ "_created", 8, S_CREATED, B(M_COUNTER) | B(M_HISTOGRAM) | B(M_SUMMARY) },
		{ "_gcount", 7, S_GCOUNT, B(M_GAUGEHIST) },
		{ "_gsum", 5, S_GSUM, B(M_GAUGEHIST) },
		{ "_info", 5, S_INFO, B(M_INFO) },
	};
	const char *x = name + r->famlen;
	size_t xl = n - r->famlen;

	if (!r->famlen || n < r->famlen || memcmp(name, r->fam, r->famlen) != 0)
		return -1;
	if (xl == 0)
		return S_NONE;
	for (size_t i = 0; i < sizeof sfx / sizeof sfx[0]; i++)
		if ((sfx[i].types & B(r->famtype)) && xl == sfx[i].n && memcmp(x, sfx[i].s, xl) == 0)
			return sfx[i].kind;
	return -1;
}

/* A histogram's le or a summary's quantile must be a number. */
static int
checkbound(reader *r, const text_sample *s, const char *key, size_t keylen)
{
	char qb[64];
	double d;
	int rc;

	for (size_t i = 0; i < s->nlabels; i++) {
		if (s->labels[i].name_len != keylen || memcmp(s->labels[i].name, key, keylen) != 0)
			continue;
		rc = parse_float(r, s->labels[i].value, s->labels[i].value_len, &d);
		if (rc < 0)
			return oom(r);
		if (rc)
			return bad(r, r->raw[i].v - 1, r->raw[i].vl + 2,
				   "%s label value %s is not a number", key,
				   quote(qb, sizeof qb, s->labels[i].value, s->labels[i].value_len));
	}
	return 0;
}

static int
family_sample(reader *r, const text_sample *s)
{
	char qb[64];
	int k = s->name == r->fam ? S_NONE : member(r, s->name, s->name_len), rc;

	if (k < 0) {	/* a new family, untyped */
		if ((rc = setfam(r, s->name, s->name_len)))
			return rc;
		k = S_NONE;
	}
	r->famsamples = true;
	switch (r->famtype) {
	case M_HISTOGRAM:
	case M_GAUGEHIST:
		if ((k == S_BUCKET || k == S_COUNT) && s->value < 0)
			return bad(r, r->val, r->vallen, "negative %s for histogram %s",
				   k == S_BUCKET ? "bucket count" : "count",
				   quote(qb, sizeof qb, r->fam, r->famlen));
		return checkbound(r, s, "le", 2);
	case M_SUMMARY:
		return checkbound(r, s, "quantile", 8);
	default:
		return 0;
	}
}

static int
family_meta(reader *r, int kind, const char *name, size_t n, const char *at, size_t atlen,
	    enum mtype ty)
{
	char qb[64];
	int rc;

	if (!(r->famlen == n && memcmp(r->fam, name, n) == 0) && (rc = setfam(r, name, n)))
		return rc;
	switch (kind) {
	case K_HELP:
		if (r->famhelp)
			return bad(r, at, atlen, "second HELP line for metric %s",
				   quote(qb, sizeof qb, name, n));
		r->famhelp = true;
		break;
	case K_TYPE:
		if (r->famtyped)
			return bad(r, at, atlen, "second TYPE line for metric %s",
				   quote(qb, sizeof qb, name, n));
		if (r->famsamples)
			return bad(r, at, atlen, "TYPE line for metric %s after its samples",
				   quote(qb, sizeof qb, name, n));
		r->famtyped = true;
		r->famtype = r->lasttype = ty;
		r->lcfam = 0;	/* the label checks depend on the type */
		break;
	}
	return 0;
}

static int
labelset(reader *r)
{
	char qb[64];
	size_t n = r->nlab, i, j, mask;
	const text_label *l = r->lab;
	uint64_t h;
	uint32_t *q;

	for (i = 0; i < n; i++)
		if (l[i].name_len == 8 && memcmp(l[i].name, "__name__", 8) == 0)
			return bad(r, r->raw[i].n, r->raw[i].nl,
				   "label name \"__name__\" is reserved for the metric name");
	if (n <= 8) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (l[i].name_len == l[j].name_len &&
				    memcmp(l[i].name, l[j].name, l[i].name_len) == 0)
					goto dup;
		return 0;
	}
	if (r->setcap < 2 * n) {
		if (!(q = grow(r->set, &r->setcap, 2 * n, sizeof *r->set)))
			return oom(r);
		r->set = q;
	}
	mask = r->setcap - 1;	/* a power of two */
	memset(r->set, 0, r->setcap * sizeof *r->set);
	for (i = 0; i < n; i++) {
		h = 14695981039346656037u;	/* FNV-1a */
		for (size_t k = 0; k < l[i].name_len; k++)
			h = (h ^ (unsigned char)l[i].name[k]) * 1099511628211u;
		for (j = (size_t)h & mask; r->set[j]; j = (j + 1) & mask) {
			const text_label *o = &l[r->set[j] - 1];

			if (o->name_len == l[i].name_len && memcmp(o->name, l[i].name, o->name_len) == 0)
				goto dup;
		}
		r->set[j] = (uint32_t)i + 1;
	}
	return 0;
dup:
	return bad(r, r->raw[i].n, r->raw[i].nl, "duplicate label name %s",
		   quote(qb, sizeof qb, l[i].name, l[i].name_len));
}

/*
 * Keep the label set of s, a sample of fam whose labels passed every check,
 * for fastline(): the same text on a later line of fam gives the same labels
 * and passes them again (the checks depend only on the family and its type,
 * and a new family or TYPE line ends the cache).  Returns its labels_id, 0
 * if it is too long to keep.
 */
static uint64_t
lcache(reader *r, const text_sample *s)
{
	size_t o = 0;

	r->lcfam = 0;
	if (r->lblen > LCRAW || s->nlabels > LCMAX)
		return 0;
	memcpy(r->lcraw, r->lb, r->lblen);
	r->lcrawlen = r->lblen;
	for (size_t i = 0; i < s->nlabels; i++) {	/* unescaped, they are no longer */
		const text_label *l = &s->labels[i];

		r->lclab[i].name = r->lcstr + o;
		r->lclab[i].name_len = l->name_len;
		memcpy(r->lcstr + o, l->name, l->name_len + 1);
		o += l->name_len + 1;
		r->lclab[i].value = r->lcstr + o;
		r->lclab[i].value_len = l->value_len;
		memcpy(r->lcstr + o, l->value, l->value_len + 1);
		o += l->value_len + 1;
	}
	r->lcn = s->nlabels;
	r->lcfam = r->famid;
	return r->lcid = newid();
}

/* The checked sample to the callback. */
static int
emit(reader *r, text_sample *s)
{
	char *w = r->tmp;
	int rc;

	if (!r->esc && r->namelen == r->famlen && same(r->name, r->fam, r->famlen)) {
		s->name = r->fam;	/* the same metric again: no copy */
		s->name_len = r->famlen;
	} else
		s->name = put(r, &w, r->name, r->namelen, &s->name_len);
	for (size_t i = 0; i < r->nlab; i++) {
		r->lab[i].name = put(r, &w, r->raw[i].n, r->raw[i].nl, &r->lab[i].name_len);
		r->lab[i].value = put(r, &w, r->raw[i].v, r->raw[i].vl, &r->lab[i].value_len);
	}
	s->labels = r->lab;
	s->nlabels = r->nlab;
	s->line = r->lineno;
	if ((r->nlab && (rc = labelset(r))) || (rc = family_sample(r, s)))
		return rc;
	if (r->om && (r->lasttype == M_COUNTER || r->lasttype == M_SUMMARY ||
		      r->lasttype == M_HISTOGRAM) &&
	    s->name_len >= 8 && memcmp(s->name + s->name_len - 8, "_created", 8) == 0)
		return 0;	/* a start time, as Prometheus skips it */
	/* a sample's name is its family's and a suffix: the same length, the same name */
	s->name_id = s->name_len == r->famlen ? r->famid : 0;
	s->labels_id = r->nlab ? 0 : TEXT_NOLABELS;
	if (r->nlab && s->name_id && r->lb && r->fastok)
		s->labels_id = lcache(r, s);
	return r->fn(r->ctx, s);
}

/*
 * sample -> (mname [labels] | labels) value [timestamp]		(0.0.4)
 * sample -> (mname [labels] | labels) ' ' value om_tail		(OpenMetrics)
 */
static int
sample(reader *r, const char *p, const char *e)
{
	const char *s = p, *lb = NULL, *v;
	char gb[64];
	text_sample smp;
	int rc;

	if (e[-1] == '\r')
		return bad(r, e - 1, 1, "carriage return at the end of the line "
			   "(lines must end in \\n, not \\r\\n)");
	r->name = NULL;
	r->nlab = 0;
	r->esc = false;
	r->lb = NULL;
	if (CL(*p) & C_MS) {
		p = ident(p + 1, C_MC);
		r->name = s;
		r->namelen = (size_t)(p - s);
		if (!r->om)
			p = skipws(p);
	}
	if (p < e && *p == '{') {
		lb = p;
		if (r->name)
			r->lb = lb;
		if (!(p = labels(r, p + 1, e, false)))
			return r->err;
		if (!r->name)
			return bad(r, lb, (size_t)(p - lb), "no metric name: put it before the '{' "
				   "or first inside, quoted");
		r->lblen = (size_t)(p - lb);
	} else if (!r->name)
		return bad(r, p, 1, "expected a metric name or '{', got %s", got(gb, sizeof gb, p, e));

	if (r->om) {
		if (p == e || *p != ' ')
			return bad(r, p, 1, "expected a space and a value after the metric, got %s",
				   got(gb, sizeof gb, p, e));
		v = ++p;
		if (!(p = fastnum(v, &smp.value)) || (p < e && *p != ' ')) {
			for (p = v; p < e && *p != ' '; p++)
				;
			if (p > v && (rc = number(r, v, (size_t)(p - v), &smp.value, "value")))
				return rc;
		}
	} else {
		v = skipws(p);
		if (!(p = fastnum(v, &smp.value)) || !(CL(*p) & C_VE)) {
			for (p = v; !(CL(*p) & C_VE); p++)	/* '\n' is C_VE */
				;
			if (p > v && (rc = number(r, v, (size_t)(p - v), &smp.value, "value")))
				return rc;
		}
	}
	if (p == v)
		return bad(r, v, 1, "expected a value after the metric, got %s", got(gb, sizeof gb, v, e));
	r->val = v;
	r->vallen = (size_t)(p - v);

	smp.has_ts = false;
	smp.ts_ms = 0;
	if (r->om) {
		if ((rc = om_tail(r, p, e, &smp)))
			return rc;
	} else if ((p = skipws(p)) < e) {
		if (!(p = prom_ts(r, p, e, &smp.ts_ms)))
			return r->err;
		smp.has_ts = true;
		if ((p = skipws(p)) < e)
			return bad(r, p, (size_t)(e - p), "unexpected text after the timestamp");
	}
	return emit(r, &smp);
}

static int
mtypeof(const reader *r, const char *t, size_t n)
{
	static const struct {
		const char *s;
		size_t n;
		enum mtype t;
		bool prom, om;
	} tab[] = {
		{ "counter", 7, M_COUNTER, true, true },
		{ "gauge", 5, M_GAUGE, true, true },
		{ "histogram", 9, M_HISTOGRAM, true, true },
		{ "summary", 7, M_SUMMARY, true, true },
		{ "untyped", 7, M_UNTYPED, true, false },
		{ "unknown", 7, M_UNTYPED, false, true },
		{ "gaugehistogram", 14, M_GAUGEHIST, true, true },
		{ "gauge_histogram", 15, M_GAUGEHIST, true, false },	/* expfmt's */
		{ "info", 4, M_INFO, false, true },
		{ "stateset", 8, M_STATESET, false, true },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if ((r->om ? tab[i].om : tab[i].prom) && n == tab[i].n && memcmp(t, tab[i].s, n) == 0)
			return (int)tab[i].t;
	return -1;
}

/*
 * meta -> kw blank mname [blank text]		(0.0.4; blank is [ \t]+)
 * meta -> kw ' ' mname ' ' text		(OpenMetrics)
 * p is on the metric name.
 */
static int
meta(reader *r, int kind, const char *p, const char *e)
{
	const char *ns = p, *t, *name;
	char gb[64], qb[64], qc[64], *w = r->tmp;
	size_t nl, tl, dl;
	int ty = M_UNTYPED;

	r->esc = false;
	if (p < e && *p == '"') {
		ns = ++p;
		if (!(p = qstr(r, p, e)))
			return r->err;
		nl = (size_t)(p++ - ns);
		if (!nl)
			return bad(r, ns - 1, 2, "empty metric name");
	} else if (p < e && (CL(*p) & C_MS)) {
		p = ident(p + 1, C_MC);
		nl = (size_t)(p - ns);
	} else
		return bad(r, p, 1, "expected a metric name after %s, got %s", kwname[kind],
			   got(gb, sizeof gb, p, e));
	if (r->om) {
		if (p == e || *p != ' ')
			return bad(r, p, 1, "expected a space and text after the metric name in %s, got %s",
				   kwname[kind], got(gb, sizeof gb, p, e));
		t = p + 1;
	} else if (p == e)
		t = e;
	else if (*p == ' ' || *p == '\t')
		t = p + 1;
	else
		return bad(r, p, 1, "invalid character %s after the metric name in %s",
			   got(gb, sizeof gb, p, e), kwname[kind]);
	tl = (size_t)(e - t);
	name = put(r, &w, ns, nl, &dl);
	switch (kind) {
	case K_TYPE:
		if ((ty = mtypeof(r, t, tl)) < 0) {
			if (tl && t[tl - 1] == '\r')
				return bad(r, t + tl - 1, 1, "carriage return at the end of the line "
					   "(lines must end in \\n, not \\r\\n)");
			return bad(r, t, tl, "unknown metric type %s", quote(qb, sizeof qb, t, tl));
		}
		break;
	case K_HELP:
		if (!utf8ok(t, tl))
			return bad(r, t, tl, "HELP text is not valid UTF-8");
		if (skipws(t) == e)
			return 0;	/* no text: a comment, as expfmt has it */
		break;
	case K_UNIT:
		if (tl && (dl <= tl || memcmp(name + dl - tl, t, tl) != 0 || name[dl - tl - 1] != '_'))
			return bad(r, t, tl, "unit %s is not a suffix of the metric name %s",
				   quote(qb, sizeof qb, t, tl), quote(qc, sizeof qc, name, dl));
		break;
	}
	return family_meta(r, kind, name, dl, ns, nl, (enum mtype)ty);
}

/* A 0.0.4 comment; "# HELP" and "# TYPE" lines are metadata. */
static int
prom_comment(reader *r, const char *p, const char *e)
{
	const char *q = p + 1;
	int kind;

	if (r->guess && (r->lasteof = e - p == 5 && memcmp(p, "# EOF", 5) == 0))
		r->eofline = r->lineno;
	if (q == e || (*q != ' ' && *q != '\t'))
		return 0;
	q = skipws(q);
	if (e - q >= 4 && memcmp(q, "HELP", 4) == 0)
		kind = K_HELP;
	else if (e - q >= 4 && memcmp(q, "TYPE", 4) == 0)
		kind = K_TYPE;
	else
		return 0;
	q += 4;
	if (q == e || (*q != ' ' && *q != '\t'))
		return 0;	/* "# HELPFUL" */
	return meta(r, kind, skipws(q), e);
}

static int
prom_line(reader *r, const char *p, const char *e)
{
	p = skipws(p);
	if (p == e)
		return 0;
	if (*p == '#')
		return prom_comment(r, p, e);
	r->lasteof = false;
	return sample(r, p, e);
}

static int
om_line(reader *r, const char *p, const char *e)
{
	size_t n = (size_t)(e - p);

	if (r->eofword)
		return bad(r, p, n, "unexpected data after \"# EOF\"");
	if (n == 0)
		return bad(r, p, 1, "empty line (OpenMetrics has none)");
	if (*p != '#')
		return sample(r, p, e);
	if (n >= 5 && memcmp(p, "# EOF", 5) == 0) {
		if (n > 5)
			return bad(r, p + 5, n - 5, "unexpected data after \"# EOF\"");
		r->eofword = true;
		return 0;
	}
	if (n >= 7 && p[1] == ' ' && p[6] == ' ')
		for (int k = K_HELP; k <= K_UNIT; k++)
			if (memcmp(p + 2, kwname[k], 4) == 0)
				return meta(r, k, p + 7, e);
	return bad(r, p, n, "invalid comment: OpenMetrics has only \"# HELP\", \"# TYPE\", "
		   "\"# UNIT\" and \"# EOF\" lines");
}

/*
 * One line, p[0..n).  p[n] is '\n' and SLACK - 1 more bytes after it may be
 * read: the scanners stop at the '\n' instead of checking the end, and the
 * digit scanner reads 8 bytes at a time.
 */
static int
line(reader *r, const char *p, size_t n)
{
	void *q;

	r->lineno++;
	r->line = p;
	r->linelen = n;
	if (n + 2 > r->tmpcap) {
		if (!(q = grow(r->tmp, &r->tmpcap, n + 2, 1)))
			return oom(r);
		r->tmp = q;
	}
	return r->om ? om_line(r, p, p + n) : prom_line(r, p, p + n);
}

/*
 * The line of almost every long input, "name[{labels}] value[ ts]\n" with
 * one space between the parts, a value fastnum() reads, a timestamp of at
 * most 18 digits, the current family's (plain) name, and if labels, those of
 * the label cache byte for byte.  Reads at p up to the first '\n' at or after
 * p, with line()'s slack past it; the name is compared only if it ends
 * before e.  Returns the '\n' that ends the line, with s filled but for its
 * line; NULL when the line is of another kind, for line() to read.
 *
 * Such a line is one that sample() would take with no error and nothing to
 * do but to hand it on (see emit() and lcache()); the caller must do the
 * rest of what a sample line does (lineno, lasteof, famsamples).  Only when
 * r->fastok.
 */
static inline ALWAYS_INLINE const char *
fastline(const reader *r, const char *p, const char *e, text_sample *s)
{
	size_t n = r->famlen, k;
	uint64_t v, w;
	const char *d;

	if ((size_t)(e - p) <= n)
		return NULL;
	if (n <= 8) {	/* 8 bytes at p can be read: see line() */
		memcpy(&w, p, 8);
		if ((w ^ r->famw) & r->fammask)
			return NULL;
	} else if (!same(p, r->fam, n))
		return NULL;
	p += n;
	if (*p == '{') {
		k = r->lcrawlen;
		if (r->lcfam != r->famid || (size_t)(e - p) <= k || !same(p, r->lcraw, k))
			return NULL;
		p += k;
		s->labels = r->lclab;
		s->nlabels = r->lcn;
		s->labels_id = r->lcid;
	} else {
		s->labels = NULL;
		s->nlabels = 0;
		s->labels_id = TEXT_NOLABELS;
	}
	if (*p != ' ' || !(p = fastnum(p + 1, &s->value)))
		return NULL;
	s->has_ts = *p == ' ';
	s->ts_ms = 0;
	if (s->has_ts) {
		d = p + 1;
		v = 0;
		p = digits(d, &v);
		if (p == d || p - d > 18)
			return NULL;
		s->ts_ms = (int64_t)v;
	}
	if (*p != '\n')
		return NULL;
	s->name = r->fam;
	s->name_len = n;
	s->name_id = r->famid;
	return p;
}

/* What a sample line does besides its sample, for a line of fastline(). */
static inline ALWAYS_INLINE int
fastemit(reader *r, text_sample *s)
{
	s->line = ++r->lineno;
	r->lasteof = false;
	r->famsamples = true;
	return r->fn(r->ctx, s);
}

/*
 * The lines from p on that fastline() takes, each to the callback, as long
 * as they end before e (which is a '\n').  Returns the first line it did not
 * take, or sets *rc to the callback's nonzero return.
 */
static const char *
fastlines(reader *r, const char *p, const char *e, int *rc)
{
	text_sample s;
	const char *q;

	while ((q = fastline(r, p, e, &s)) && q < e) {
		p = q + 1;
		if ((*rc = fastemit(r, &s)))
			break;
	}
	return p;
}

/* A line without the room line() wants (the input's last): copied. */
static int
line_copy(reader *r, const char *p, size_t n)
{
	void *q;

	if (n + SLACK > r->cpycap) {
		if (!(q = grow(r->cpy, &r->cpycap, n + SLACK, 1)))
			return oom(r);
		r->cpy = q;
	}
	memcpy(r->cpy, p, n);
	memset(r->cpy + n, 0, SLACK);
	r->cpy[n] = '\n';
	return line(r, r->cpy, n);
}

static int
toolong(reader *r, const char *p, size_t avail)
{
	r->lineno++;
	r->line = p;
	r->linelen = avail < 60 ? avail : 60;
	return bad(r, p, 1, "line too long (more than %d bytes)", MAXLINE);
}

static int
finish(reader *r)
{
	if (r->om && !r->eofword) {
		if (r->lastnl) {
			r->lineno++;
			r->line = "";
			r->linelen = 0;
		}
		return bad(r, r->line + r->linelen, 1, "missing \"# EOF\" at the end of OpenMetrics input");
	}
	if (r->guess && r->lasteof) {
		r->lineno = r->eofline;
		r->line = "# EOF";
		r->linelen = 5;
		return bad(r, r->line, 5, "input ends in \"# EOF\" like OpenMetrics, but was read as "
			   "text format 0.0.4 (it came from a pipe too long to look ahead): "
			   "give the format");
	}
	return 0;
}

/* --- drivers -------------------------------------------------------------- */

static void
init(reader *r, const char *path, enum text_format fmt, text_sample_fn fn, void *ctx, ng_diags *diags)
{
	memset(r, 0, sizeof *r);
	r->path = path ? path : "<input>";
	r->om = fmt == TEXT_OPENMETRICS;
	r->fn = fn;
	r->ctx = ctx;
	r->diags = diags;
	r->fd = -1;
	r->line = "";
}

static void
fini(reader *r)
{
	free(r->buf);
	free(r->cpy);
	free(r->tmp);
	free(r->num);
	free(r->lab);
	free(r->raw);
	free(r->set);
	free(r->fam);
}

static bool
om_path(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	return n >= 7 && strcmp(path + n - 7, ".om.txt") == 0;
}

/* Does s[0..n) end in a "# EOF" line?  s starts the input if atstart. */
static bool
ends_eof(const char *s, size_t n, bool atstart)
{
	if (n && s[n - 1] == '\n')
		n--;
	if (n < 5 || memcmp(s + n - 5, "# EOF", 5) != 0)
		return false;
	return n == 5 ? atstart : s[n - 6] == '\n';
}

/* Keep the partial line, make room, read once. */
static int
fill(reader *r)
{
	ssize_t k;
	size_t nc;
	char *nb;

	if (r->beg > 0) {
		memmove(r->buf, r->buf + r->beg, r->end - r->beg);
		r->end -= r->beg;
		r->scan -= r->beg;
		r->beg = 0;
	}
	if (r->end == r->cap) {
		if (r->cap > MAXLINE)
			return toolong(r, r->buf, r->end);
		nc = r->cap * 2 > MAXLINE + 1 ? MAXLINE + 1 : r->cap * 2;
		if (!(nb = realloc(r->buf, nc + SLACK)))
			return oom(r);
		memset(nb + r->end, 0, nc + SLACK - r->end);	/* read ahead, never undefined */
		r->buf = nb;
		r->cap = nc;
	}
	do
		k = read(r->fd, r->buf + r->end, r->cap - r->end);
	while (k < 0 && errno == EINTR);
	if (k < 0) {
		char msg[256];

		snprintf(msg, sizeof msg, "read error: %s", strerror(errno));
		return syserr(r, msg);
	}
	if (k == 0)
		r->eof = true;
	r->end += (size_t)k;
	return 0;
}

/* TEXT_AUTO on a descriptor: look at the end of a file, or ahead in a pipe. */
static int
guess_fd(reader *r)
{
	struct stat st;
	char tail[7];
	ssize_t k;
	off_t off;
	int rc;

	if (om_path(r->path)) {
		r->om = true;
		return 0;
	}
	if (fstat(r->fd, &st) == 0 && S_ISREG(st.st_mode)) {
		off = st.st_size > 7 ? st.st_size - 7 : 0;
		do
			k = pread(r->fd, tail, (size_t)(st.st_size - off), off);
		while (k < 0 && errno == EINTR);
		r->om = k > 0 && ends_eof(tail, (size_t)k, off == 0);
		return 0;
	}
	while (!r->eof && r->end < r->cap)
		if ((rc = fill(r)))
			return rc;
	if (r->eof)
		r->om = ends_eof(r->buf, r->end, true);
	else
		r->guess = true;
	return 0;
}

int
text_read_fd(int fd, const char *path, enum text_format fmt,
	     text_sample_fn fn, void *ctx, ng_diags *diags)
{
	reader r;
	char *nl;
	size_t n;
	int rc = 0;

	init(&r, path, fmt, fn, ctx, diags);
	r.fd = fd;
	if (!(r.buf = calloc(1, BUFSZ + SLACK))) {
		rc = oom(&r);
		goto out;
	}
	r.cap = BUFSZ;
	if (fmt == TEXT_AUTO && (rc = guess_fd(&r)))
		goto out;
	for (;;) {
		r.buf[r.end] = '\n';	/* stops fastline() at the end; within the slack */
		for (;;) {
			if (r.fastok) {	/* no search for the '\n': the line's parse finds it */
				r.beg = (size_t)(fastlines(&r, r.buf + r.beg, r.buf + r.end, &rc) - r.buf);
				if (rc)
					goto out;
				if (r.scan < r.beg)
					r.scan = r.beg;
			}
			if (!(nl = memchr(r.buf + r.scan, '\n', r.end - r.scan)))
				break;
			n = (size_t)(nl - (r.buf + r.beg));
			if ((rc = line(&r, r.buf + r.beg, n)))
				goto out;
			r.beg = r.scan = r.beg + n + 1;
		}
		r.scan = r.end;
		if (r.eof)
			break;
		if ((rc = fill(&r)))
			goto out;
	}
	r.lastnl = r.beg == r.end;
	r.buf[r.end] = '\n';	/* within the slack */
	if (!r.lastnl && (rc = line(&r, r.buf + r.beg, r.end - r.beg)))
		goto out;
	rc = finish(&r);
out:
	fini(&r);
	return rc;
}

/* slow: every line through line(), none through fastline() */
static int
read_mem(const char *buf, size_t len, const char *path, enum text_format fmt,
	 text_sample_fn fn, void *ctx, ng_diags *diags, bool slow)
{
	reader r;
	text_sample smp;
	const char *p, *e, *nl;
	size_t avail;
	int rc;

	if (!buf)
		buf = "", len = 0;
	init(&r, path, fmt, fn, ctx, diags);
	if (fmt == TEXT_AUTO)
		r.om = om_path(path) || ends_eof(buf, len, true);
	r.lastnl = true;
	for (p = buf, e = buf + len; p < e; p = nl + 1) {
		avail = (size_t)(e - p);
		if (!(nl = memchr(p, '\n', avail > MAXLINE ? MAXLINE + 1 : avail))) {
			if (avail > MAXLINE) {
				rc = toolong(&r, p, avail);
				goto out;
			}
			r.lastnl = false;
			if ((rc = line_copy(&r, p, avail)))
				goto out;
			break;
		}
		if (e - nl < SLACK)
			rc = line_copy(&r, p, (size_t)(nl - p));
		else if (r.fastok && !slow && fastline(&r, p, nl, &smp) == nl)
			rc = fastemit(&r, &smp);
		else
			rc = line(&r, p, (size_t)(nl - p));
		if (rc)
			goto out;
	}
	rc = finish(&r);
out:
	fini(&r);
	return rc;
}

int
text_read_mem(const char *buf, size_t len, const char *path,
	      enum text_format fmt, text_sample_fn fn, void *ctx, ng_diags *diags)
{
	return read_mem(buf, len, path, fmt, fn, ctx, diags, false);
}

int
text_read_mem_slow(const char *buf, size_t len, const char *path,
		   enum text_format fmt, text_sample_fn fn, void *ctx, ng_diags *diags)
{
	return read_mem(buf, len, path, fmt, fn, ctx, diags, true);
}
