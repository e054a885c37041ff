/*
 * text_internal.h: what the files of the exposition-format reader share
 * (source_text.c the line grammar, text_family.c families and metadata,
 * text_number.c numbers, text_reader.c buffering, drivers and the fast
 * path, text_diag.c diagnostics).  The reader state belongs to the driver
 * that made it; the others only read and update it.
 *
 * The short helpers of the hot paths are static inline here, not calls
 * across files: fastline() and sample() in two files both run them on
 * every line.
 */
#ifndef NG_TEXT_INTERNAL_H
#define NG_TEXT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "source_text.h"

#define BUFSZ	(64 * 1024)	/* read buffer; grows only for one long line */
#define MAXLINE	(1024 * 1024)	/* longest line, without its newline */
#define SLACK	16		/* readable bytes past a line's '\n' */
#define LCRAW	256		/* the longest label set fastline() looks for */
#define LCMAX	8		/* and its most labels */

/* Character classes (text_cls, in source_text.c): metric name
 * start/continue, label name start/continue, stops a quoted-string scan,
 * digit, ends a 0.0.4 value, blank.  The '\n' that ends every line (see
 * text_line()) is in none of the name, digit or blank classes, so those
 * scans need no end check. */
enum { C_MS = 1, C_MC = 2, C_LS = 4, C_LC = 8, C_Q = 16, C_D = 32, C_VE = 64, C_WS = 128 };
extern const unsigned char text_cls[256];
#define CL(c)	text_cls[(unsigned char)(c)]

#ifdef __GNUC__
#define ALWAYS_INLINE	__attribute__((always_inline))
#else
#define ALWAYS_INLINE
#endif

enum mtype {
	M_UNTYPED, M_COUNTER, M_GAUGE, M_HISTOGRAM, M_GAUGEHIST, M_SUMMARY,
	M_INFO, M_STATESET
};

enum { K_HELP, K_TYPE, K_UNIT };
extern const char *const text_kwname[];	/* "HELP", "TYPE", "UNIT" */

typedef struct rawlabel {
	const char *n, *v;	/* in the line, without quotes, still escaped */
	size_t nl, vl;
} rawlabel;

typedef struct text_reader {
	const char *path;
	ng_diags *diags;
	text_sample_fn fn;
	void *ctx;
	bool om;		/* OpenMetrics, else 0.0.4 */
	bool guess;		/* TEXT_AUTO could not tell: read as 0.0.4 */
	bool stream;		/* ... because the input is a stream (text_stream) */
	bool lasteof;		/* guess: the last non-blank line was "# EOF" */
	bool eofword;		/* OpenMetrics: "# EOF" seen */
	bool lastnl;		/* the input ended with a newline */
	bool whole;		/* TEXT_WHOLE: it must */
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
	uint64_t famid;		/* the name_id of fam, new with each family */
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
} text_reader;

/* --- source_text.c: the line grammar -------------------------------------- */

/* One line, p[0..n); p[n] is '\n' and SLACK - 1 more bytes may be read. */
int text_line(text_reader *r, const char *p, size_t n);
/* A quoted string from s, past its opening quote: its closing quote, NULL on error. */
const char *text_qstr(text_reader *r, const char *s, const char *e);

/* --- text_family.c: families and their metadata --------------------------- */

/* The family rules for a checked sample; may start a new family. */
int text_family_sample(text_reader *r, const text_sample *s);
/* A HELP, TYPE or UNIT line (kind), p on the metric name. */
int text_meta(text_reader *r, int kind, const char *p, const char *e);
/* A new name_id or labels_id, unique in the process. */
uint64_t text_newid(void);

/* --- text_number.c: numbers and timestamps -------------------------------- */

extern const double text_pow10[23];	/* 1e0 to 1e22, all exact */
/* A number as Go's ParseFloat reads it: 0 if good, 1 if not a number, 2 if out of range. */
int text_parse_float(text_reader *r, const char *s, size_t n, double *out);
/* The same, with a diagnostic naming what ("value", "exemplar value"). */
int text_number(text_reader *r, const char *s, size_t n, double *d, const char *what);
/* A 0.0.4 timestamp (integer ms) at s: its end, NULL on error. */
const char *text_prom_ts(text_reader *r, const char *s, const char *e, int64_t *ts);
/* An OpenMetrics timestamp (seconds) as ms. */
int text_om_ts(text_reader *r, const char *s, size_t n, int64_t *ms, const char *what);

/* --- text_reader.c: memory and the fast path ------------------------------ */

/* p grown to at least need elements of size bytes, *cap updated; never NULL. */
void *text_grow(void *p, size_t *cap, size_t need, size_t size);
/* Keep s's label set for fastline(); returns its labels_id, 0 if not kept. */
uint64_t text_lcache(text_reader *r, const text_sample *s);

/* --- text_diag.c: diagnostics --------------------------------------------- */

/* A diagnostic at at[0..span) of the current line; returns TEXT_EBAD. */
int text_bad(text_reader *r, const char *at, size_t span, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* s[0..n) quoted for a message, escaped and cut short, in dst. */
const char *text_quote(char *dst, size_t size, const char *s, size_t n);
/* What is at p, for "expected X, got Y". */
const char *text_got(char *dst, size_t size, const char *p, const char *e);

/* --- hot helpers ---------------------------------------------------------- */

/* Lines end in '\n' (see text_line()), which stops these two. */
static inline const char *
text_skipws(const char *p)
{
	while (CL(*p) & C_WS)
		p++;
	return p;
}

static inline const char *
text_ident(const char *p, int cont)
{
	while (CL(*p) & cont)
		p++;
	return p;
}

/* memcpy, without a call for the short strings of most lines. */
static inline void
text_copy(char *d, const char *s, size_t n)
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
text_same(const char *a, const char *b, size_t n)
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
text_put(const text_reader *r, char **wp, const char *s, size_t n, size_t *len)
{
	char *w = *wp, *b = w;
	const char *e = s + n;

	if (!r->esc) {
		text_copy(w, s, n);
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

#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define SWAR 1
extern const uint64_t text_pow10u[9];	/* 1 to 10^8 */

/* The value of 8 digit values (first in the low byte): pairs, then two
 * multiplies that weigh the four pairs and add them up. */
static inline ALWAYS_INLINE uint64_t
text_value8(uint64_t d)
{
	const uint64_t lo = UINT64_C(0x000000ff000000ff);

	d = d * 10 + (d >> 8);	/* pairs, in bytes 0, 2, 4 and 6 */
	/* bytes 0 and 4 times 10^6 and 100, 2 and 6 times 10^4 and 1, summed in the high half */
	return ((d & lo) * (100 + (UINT64_C(1000000) << 32)) +
		((d >> 16) & lo) * (1 + (UINT64_C(10000) << 32))) >> 32;
}
#endif

/*
 * digit* at p into *v, which may wrap: the caller counts the digits.
 * Eight bytes at a time: with x = b - '0' in each byte, b is a digit iff
 * neither x nor x + 0x76 has its top bit set.  A borrow (b < '0') or carry
 * (x + 0x76 > 0xff) comes only out of a byte that is no digit, and only
 * touches the bytes after it, so the lowest flagged byte is the first that
 * is no digit.  The line's '\n' ends the digits, and 8 bytes may be read
 * from anywhere up to it (see text_line()).
 */
static inline ALWAYS_INLINE const char *
text_digits(const char *p, uint64_t *v)
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
		m = m * text_pow10u[k] + text_value8(x << (64 - 8 * k));
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
 * kind and text_parse_float must read it.
 */
static inline ALWAYS_INLINE const char *
text_fastnum(const char *p, double *out)
{
	const char *d = p + (*p == '-'), *q, *f;
	uint64_t m = 0;
	size_t nd, nf = 0;
	double x;

	if ((unsigned)(*d - '0') < 10 && d[1] == '.')	/* one digit before the point, as in 0.25 */
		m = (unsigned)(*d - '0'), q = d + 1;
	else
		q = text_digits(d, &m);
	nd = (size_t)(q - d);
	if (*q == '.') {
		f = q + 1;
		q = text_digits(f, &m);
		nf = (size_t)(q - f);
	}
	/* nd + nf in 1..19; (x | 0x20) == 'e' for 'e' and 'E' alone */
	if (nd + nf - 1 > 18 || m > (UINT64_C(1) << 53) || (*q | 0x20) == 'e')
		return NULL;
	x = (double)m / text_pow10[nf];	/* exact when nf is 0 */
	*out = *p == '-' ? -x : x;
	return q;
}

#endif
