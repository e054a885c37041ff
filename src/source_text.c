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
 *
 * This file is the line grammar: samples, labels, escapes, exemplars and
 * comments.  Families and metadata are in text_family.c, numbers in
 * text_number.c, buffering, the drivers and the fast path in text_reader.c
 * (text_internal.h lists them).
 */
#include "text_internal.h"

#include <string.h>

#include "utf8.h"

/* The character classes of each byte (C_MS...: see text_internal.h). */
const unsigned char text_cls[256] = {
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

/* qstring -> '"' { char | '\' ('\' | '"' | 'n') } '"'; s is past the
 * opening quote.  Returns the closing quote, NULL on error. */
const char *
text_qstr(text_reader *r, const char *s, const char *e)
{
	const char *p = s;
	unsigned char c;
	size_t k;

	for (;;) {
		while (p < e && !(CL(*p) & C_Q))
			p++;
		if (p == e || (*p == '\\' && p + 1 == e)) {
			text_bad(r, s - 1, 1, "unterminated quoted string");
			return NULL;
		}
		if (*p == '"')
			return p;
		if (*p == '\\') {
			c = (unsigned char)p[1];
			if (c != '\\' && c != '"' && c != 'n') {
				if (c > 0x20 && c < 0x7f)
					text_bad(r, p, 2, "invalid escape sequence '\\%c' "
						 "(only \\\\, \\\" and \\n are allowed)", c);
				else
					text_bad(r, p, 2, "invalid escape sequence: '\\' before byte 0x%02x "
						 "(only \\\\, \\\" and \\n are allowed)", c);
				return NULL;
			}
			r->esc = true;
			p += 2;
		} else {
			if (!(k = utf8_len(p, (size_t)(e - p)))) {
				text_bad(r, p, 1, "invalid UTF-8 in quoted string");
				return NULL;
			}
			p += k;
		}
	}
}

#ifdef SWAR
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

static void
morelabels(text_reader *r)
{
	size_t cap = r->labcap;

	r->lab = text_grow(r->lab, &cap, r->nlab + 1, sizeof *r->lab);
	cap = r->labcap;
	r->raw = text_grow(r->raw, &cap, r->nlab + 1, sizeof *r->raw);
	r->labcap = cap;
}

static inline void
addlabel(text_reader *r, const char *n, size_t nl, const char *v, size_t vl)
{
	if (r->nlab == r->labcap)
		morelabels(r);
	r->raw[r->nlab].n = n;
	r->raw[r->nlab].nl = nl;
	r->raw[r->nlab].v = v;
	r->raw[r->nlab].vl = vl;
	r->nlab++;
}

/* A quoted string alone in a label set, ns[0..nl): the metric name. */
static bool
qname(text_reader *r, const char *ns, size_t nl, bool exemplar)
{
	if (exemplar)
		text_bad(r, ns - 1, nl + 2, "expected '=' after the exemplar label name");
	else if (r->name)
		text_bad(r, ns - 1, nl + 2, "metric name given twice");
	else if (!nl)
		text_bad(r, ns - 1, 2, "empty metric name");
	else {
		r->name = ns;
		r->namelen = nl;
		return true;
	}
	return false;
}

/*
 * labels -> '{' [ label { ',' label } [','] ] '}'
 * label -> (lname | qstring) '=' qstring | qstring	(the last names the metric)
 * In 0.0.4 blanks may surround every token and the commas may be left out,
 * as the server allows.  p is past the '{'; returns the end of the set, NULL
 * on error.  (Pointers go in and out by value so that they stay in
 * registers: this is the hot loop.)
 */
static const char *
labels(text_reader *r, const char *p, const char *e, bool exemplar)
{
	const char *ns, *vs;
	char gb[64];
	size_t nl;
	bool quoted;

	for (;;) {
		if (!r->om)
			p = text_skipws(p);
		if (*p == '}')
			return p + 1;
		ns = p;
		if (CL(*p) & C_LS) {
			p = text_ident(p + 1, C_LC);
			nl = (size_t)(p - ns);
			quoted = false;
		} else if (*p == '"') {
			ns = ++p;
			if (!(p = text_qstr(r, p, e)))
				return NULL;
			nl = (size_t)(p++ - ns);
			quoted = true;
		} else
			goto expected;
		if (!r->om)
			p = text_skipws(p);
		if (quoted && (*p == ',' || *p == '}')) {
			if (!qname(r, ns, nl, exemplar))
				return NULL;
			p += *p == ',';
			continue;
		}
		if (quoted && !nl) {
			text_bad(r, ns - 1, 2, "empty label name");
			return NULL;
		}
		if (*p != '=') {
			text_bad(r, p, 1, "expected '=' after label name, got %s",
				 text_got(gb, sizeof gb, p, e));
			return NULL;
		}
		p++;
		if (!r->om)
			p = text_skipws(p);
		if (*p != '"') {
			text_bad(r, p, 1, "expected '\"' to start the label value, got %s",
				 text_got(gb, sizeof gb, p, e));
			return NULL;
		}
		vs = ++p;
#ifdef SWAR
		for (uint64_t w; e - p >= 8 && (memcpy(&w, p, 8), plain8(w)); p += 8)
			;
#endif
		while (!(CL(*p) & C_Q))	/* stops at the '\n' at e, too */
			p++;
		if (*p != '"' && !(p = text_qstr(r, vs, e)))
			return NULL;
		if (!exemplar)
			addlabel(r, ns, nl, vs, (size_t)(p - vs));
		p++;
		if (!r->om) {
			p = text_skipws(p);
			p += *p == ',';
		} else if (*p == ',')
			p++;
		else if (*p != '}') {
			text_bad(r, p, 1, "expected ',' or '}' after the label value, got %s",
				 text_got(gb, sizeof gb, p, e));
			return NULL;
		}
	}
expected:
	text_bad(r, p, 1, "expected a label name or '}', got %s", text_got(gb, sizeof gb, p, e));
	return NULL;
}

static bool
isexemplar(const char *p, const char *e)
{
	return e - p >= 4 && memcmp(p, " # {", 4) == 0;
}

/* om_tail -> [ ' ' timestamp ] [ " # " labels ' ' value [ ' ' timestamp ] ] */
static int
om_tail(text_reader *r, const char *p, const char *e, text_sample *s)
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
			return text_bad(r, t - 1, 1, "expected a timestamp after the space, got %s",
					text_got(gb, sizeof gb, t, e));
		if ((rc = text_om_ts(r, t, (size_t)(p - t), &s->ts_ms, "timestamp")))
			return rc;
		s->has_ts = true;
		if (p == e)
			return 0;
		if (!isexemplar(p, e))
			return text_bad(r, p, (size_t)(e - p), "expected an exemplar (\" # {...} value\") "
					"or the end of the line after the timestamp");
	}
	if (!(p = labels(r, p + 4, e, true)))
		return r->err;
	if (p == e || *p != ' ')
		return text_bad(r, p, 1, "expected a space and a value after the exemplar's labels, got %s",
				text_got(gb, sizeof gb, p, e));
	t = ++p;
	while (p < e && *p != ' ')
		p++;
	if (p == t)
		return text_bad(r, t, 1, "expected the exemplar's value, got %s",
				text_got(gb, sizeof gb, t, e));
	if ((rc = text_number(r, t, (size_t)(p - t), &ev, "exemplar value")))
		return rc;
	if (p == e)
		return 0;
	t = ++p;
	while (p < e && *p != ' ')
		p++;
	if (p == t)
		return text_bad(r, t - 1, 1, "expected the exemplar's timestamp after the space, got %s",
				text_got(gb, sizeof gb, t, e));
	if ((rc = text_om_ts(r, t, (size_t)(p - t), &ets, "exemplar timestamp")))
		return rc;
	if (p < e)
		return text_bad(r, p, (size_t)(e - p), "unexpected text after the exemplar");
	return 0;
}

static int
labelset(text_reader *r)
{
	char qb[64];
	size_t n = r->nlab, i, j, mask;
	const text_label *l = r->lab;
	uint64_t h;

	for (i = 0; i < n; i++)
		if (l[i].name_len == 8 && memcmp(l[i].name, "__name__", 8) == 0)
			return text_bad(r, r->raw[i].n, r->raw[i].nl,
					"label name \"__name__\" is reserved for the metric name");
	if (n <= 8) {
		for (i = 1; i < n; i++)
			for (j = 0; j < i; j++)
				if (l[i].name_len == l[j].name_len &&
				    memcmp(l[i].name, l[j].name, l[i].name_len) == 0)
					goto dup;
		return 0;
	}
	if (r->setcap < 2 * n)
		r->set = text_grow(r->set, &r->setcap, 2 * n, sizeof *r->set);
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
	return text_bad(r, r->raw[i].n, r->raw[i].nl, "duplicate label name %s",
			text_quote(qb, sizeof qb, l[i].name, l[i].name_len));
}

/* The checked sample to the callback. */
static int
emit(text_reader *r, text_sample *s)
{
	char *w = r->tmp;
	int rc;

	if (!r->esc && r->namelen == r->famlen && text_same(r->name, r->fam, r->famlen)) {
		s->name = r->fam;	/* the same metric again: no copy */
		s->name_len = r->famlen;
	} else
		s->name = text_put(r, &w, r->name, r->namelen, &s->name_len);
	for (size_t i = 0; i < r->nlab; i++) {
		r->lab[i].name = text_put(r, &w, r->raw[i].n, r->raw[i].nl, &r->lab[i].name_len);
		r->lab[i].value = text_put(r, &w, r->raw[i].v, r->raw[i].vl, &r->lab[i].value_len);
	}
	s->labels = r->lab;
	s->nlabels = r->nlab;
	s->line = r->lineno;
	if ((r->nlab && (rc = labelset(r))) || (rc = text_family_sample(r, s)))
		return rc;
	if (r->om && (r->lasttype == M_COUNTER || r->lasttype == M_SUMMARY ||
		      r->lasttype == M_HISTOGRAM) &&
	    s->name_len >= 8 && memcmp(s->name + s->name_len - 8, "_created", 8) == 0)
		return 0;	/* a start time, as Prometheus skips it */
	/* a sample's name is its family's and a suffix: the same length, the same name */
	s->name_id = s->name_len == r->famlen ? r->famid : 0;
	s->labels_id = r->nlab ? 0 : TEXT_NOLABELS;
	if (r->nlab && s->name_id && r->lb && r->fastok)
		s->labels_id = text_lcache(r, s);
	return r->fn(r->ctx, s);
}

/*
 * sample -> (mname [labels] | labels) value [timestamp]		(0.0.4)
 * sample -> (mname [labels] | labels) ' ' value om_tail		(OpenMetrics)
 */
static int
sample(text_reader *r, const char *p, const char *e)
{
	const char *s = p, *lb = NULL, *v;
	char gb[64];
	text_sample smp;
	int rc;

	if (e[-1] == '\r')
		return text_bad(r, e - 1, 1, "carriage return at the end of the line "
				"(lines must end in \\n, not \\r\\n)");
	r->name = NULL;
	r->nlab = 0;
	r->esc = false;
	r->lb = NULL;
	if (CL(*p) & C_MS) {
		p = text_ident(p + 1, C_MC);
		r->name = s;
		r->namelen = (size_t)(p - s);
		if (!r->om)
			p = text_skipws(p);
	}
	if (p < e && *p == '{') {
		lb = p;
		if (r->name)
			r->lb = lb;
		if (!(p = labels(r, p + 1, e, false)))
			return r->err;
		if (!r->name)
			return text_bad(r, lb, (size_t)(p - lb), "no metric name: put it before the '{' "
					"or first inside, quoted");
		r->lblen = (size_t)(p - lb);
	} else if (!r->name)
		return text_bad(r, p, 1, "expected a metric name or '{', got %s",
				text_got(gb, sizeof gb, p, e));

	if (r->om) {
		if (p == e || *p != ' ')
			return text_bad(r, p, 1, "expected a space and a value after the metric, got %s",
					text_got(gb, sizeof gb, p, e));
		v = ++p;
		if (!(p = text_fastnum(v, &smp.value)) || (p < e && *p != ' ')) {
			for (p = v; p < e && *p != ' '; p++)
				;
			if (p > v && (rc = text_number(r, v, (size_t)(p - v), &smp.value, "value")))
				return rc;
		}
	} else {
		v = text_skipws(p);
		if (!(p = text_fastnum(v, &smp.value)) || !(CL(*p) & C_VE)) {
			for (p = v; !(CL(*p) & C_VE); p++)	/* '\n' is C_VE */
				;
			if (p > v && (rc = text_number(r, v, (size_t)(p - v), &smp.value, "value")))
				return rc;
		}
	}
	if (p == v)
		return text_bad(r, v, 1, "expected a value after the metric, got %s",
				text_got(gb, sizeof gb, v, e));
	r->val = v;
	r->vallen = (size_t)(p - v);

	smp.has_ts = false;
	smp.ts_ms = 0;
	if (r->om) {
		if ((rc = om_tail(r, p, e, &smp)))
			return rc;
	} else if ((p = text_skipws(p)) < e) {
		if (!(p = text_prom_ts(r, p, e, &smp.ts_ms)))
			return r->err;
		smp.has_ts = true;
		if ((p = text_skipws(p)) < e)
			return text_bad(r, p, (size_t)(e - p), "unexpected text after the timestamp");
	}
	return emit(r, &smp);
}

/* A 0.0.4 comment; "# HELP" and "# TYPE" lines are metadata. */
static int
prom_comment(text_reader *r, const char *p, const char *e)
{
	const char *q = p + 1;
	int kind;

	if (r->guess && (r->lasteof = e - p == 5 && memcmp(p, "# EOF", 5) == 0))
		r->eofline = r->lineno;
	if (q == e || (*q != ' ' && *q != '\t'))
		return 0;
	q = text_skipws(q);
	if (e - q >= 4 && memcmp(q, "HELP", 4) == 0)
		kind = K_HELP;
	else if (e - q >= 4 && memcmp(q, "TYPE", 4) == 0)
		kind = K_TYPE;
	else
		return 0;
	q += 4;
	if (q == e || (*q != ' ' && *q != '\t'))
		return 0;	/* "# HELPFUL" */
	return text_meta(r, kind, text_skipws(q), e);
}

static int
prom_line(text_reader *r, const char *p, const char *e)
{
	p = text_skipws(p);
	if (p == e)
		return 0;
	if (*p == '#')
		return prom_comment(r, p, e);
	r->lasteof = false;
	return sample(r, p, e);
}

static int
om_line(text_reader *r, const char *p, const char *e)
{
	size_t n = (size_t)(e - p);

	if (r->eofword)
		return text_bad(r, p, n, "unexpected data after \"# EOF\"");
	if (n == 0)
		return text_bad(r, p, 1, "empty line (OpenMetrics has none)");
	if (*p != '#')
		return sample(r, p, e);
	if (n >= 5 && memcmp(p, "# EOF", 5) == 0) {
		if (n > 5)
			return text_bad(r, p + 5, n - 5, "unexpected data after \"# EOF\"");
		r->eofword = true;
		return 0;
	}
	if (n >= 7 && p[1] == ' ' && p[6] == ' ')
		for (int k = K_HELP; k <= K_UNIT; k++)
			if (memcmp(p + 2, text_kwname[k], 4) == 0)
				return text_meta(r, k, p + 7, e);
	return text_bad(r, p, n, "invalid comment: OpenMetrics has only \"# HELP\", \"# TYPE\", "
			"\"# UNIT\" and \"# EOF\" lines");
}

/*
 * One line, p[0..n).  p[n] is '\n' and SLACK - 1 more bytes after it may be
 * read: the scanners stop at the '\n' instead of checking the end, and the
 * digit scanner reads 8 bytes at a time.
 */
int
text_line(text_reader *r, const char *p, size_t n)
{
	r->lineno++;
	r->line = p;
	r->linelen = n;
	if (n + 2 > r->tmpcap)
		r->tmp = text_grow(r->tmp, &r->tmpcap, n + 2, 1);
	return r->om ? om_line(r, p, p + n) : prom_line(r, p, p + n);
}
