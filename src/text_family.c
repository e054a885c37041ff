/*
 * text_family.c: metric families and their metadata.  A family is the
 * name of a HELP or TYPE line, or of a sample of no current family; its
 * samples are that name and the suffixes of its type (_bucket, _total...).
 * The rules of both formats: one HELP and one TYPE per family, TYPE before
 * the samples, a numeric le and quantile, no negative histogram counts, a
 * UNIT that ends the name.  Only the current family is kept.
 */
#include "text_internal.h"

#include <stdatomic.h>
#include <string.h>

#include "utf8.h"

#define B(t)	(1u << (t))

/* Suffixes of a family's sample names. */
enum { S_NONE, S_BUCKET, S_COUNT, S_SUM, S_GCOUNT, S_GSUM, S_TOTAL, S_CREATED, S_INFO };

const char *const text_kwname[] = { "HELP", "TYPE", "UNIT" };

/*
 * A new name_id or labels_id, unique in the process (so that a callback
 * may keep one across readers).  1 is TEXT_NOLABELS.
 */
uint64_t
text_newid(void)
{
	static _Atomic uint64_t last = TEXT_NOLABELS;

	return atomic_fetch_add_explicit(&last, 1, memory_order_relaxed) + 1;
}

/* name[0..n) the current family, untyped, with nothing seen yet. */
static void
setfam(text_reader *r, const char *name, size_t n)
{
	bool plain = n > 0 && (CL(name[0]) & C_MS);

	if (n + 1 > r->famcap)
		r->fam = text_grow(r->fam, &r->famcap, n + 1, 1);
	memcpy(r->fam, name, n);
	r->fam[n] = '\0';
	r->famlen = n;
	r->famtype = M_UNTYPED;
	r->famhelp = r->famtyped = r->famsamples = false;
	for (size_t i = 1; i < n && plain; i++)
		plain = CL(name[i]) & C_MC;
	r->fastok = plain && !r->om;
	r->famid = text_newid();
	{
		unsigned char w[8] = { 0 }, m[8] = { 0 };

		memcpy(w, name, n < 8 ? n : 8);
		memset(m, 0xff, n < 8 ? n : 8);
		memcpy(&r->famw, w, 8);
		memcpy(&r->fammask, m, 8);
	}
}

/* The suffix that makes name a sample of the current family, or -1. */
static int
member(const text_reader *r, const char *name, size_t n)
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
checkbound(text_reader *r, const text_sample *s, const char *key, size_t keylen)
{
	char qb[64];
	double d;

	for (size_t i = 0; i < s->nlabels; i++) {
		const text_label *l = &s->labels[i];

		if (l->name_len != keylen || memcmp(l->name, key, keylen) != 0)
			continue;
		if (text_parse_float(r, l->value, l->value_len, &d))
			return text_bad(r, r->raw[i].v - 1, r->raw[i].vl + 2,
					"%s label value %s is not a number", key,
					text_quote(qb, sizeof qb, l->value, l->value_len));
	}
	return 0;
}

int
text_family_sample(text_reader *r, const text_sample *s)
{
	char qb[64];
	int k = s->name == r->fam ? S_NONE : member(r, s->name, s->name_len);

	if (k < 0) {	/* a new family, untyped */
		setfam(r, s->name, s->name_len);
		k = S_NONE;
	}
	r->famsamples = true;
	switch (r->famtype) {
	case M_HISTOGRAM:
	case M_GAUGEHIST:
		if ((k == S_BUCKET || k == S_COUNT) && s->value < 0)
			return text_bad(r, r->val, r->vallen, "negative %s for histogram %s",
					k == S_BUCKET ? "bucket count" : "count",
					text_quote(qb, sizeof qb, r->fam, r->famlen));
		return checkbound(r, s, "le", 2);
	case M_SUMMARY:
		return checkbound(r, s, "quantile", 8);
	default:
		return 0;
	}
}

static int
family_meta(text_reader *r, int kind, const char *name, size_t n, const char *at, size_t atlen,
	    enum mtype ty)
{
	char qb[64];

	if (!(r->famlen == n && memcmp(r->fam, name, n) == 0))
		setfam(r, name, n);
	switch (kind) {
	case K_HELP:
		if (r->famhelp)
			return text_bad(r, at, atlen, "second HELP line for metric %s",
					text_quote(qb, sizeof qb, name, n));
		r->famhelp = true;
		break;
	case K_TYPE:
		if (r->famtyped)
			return text_bad(r, at, atlen, "second TYPE line for metric %s",
					text_quote(qb, sizeof qb, name, n));
		if (r->famsamples)
			return text_bad(r, at, atlen, "TYPE line for metric %s after its samples",
					text_quote(qb, sizeof qb, name, n));
		r->famtyped = true;
		r->famtype = r->lasttype = ty;
		r->lcfam = 0;	/* the label checks depend on the type */
		break;
	}
	return 0;
}

static int
mtypeof(const text_reader *r, const char *t, size_t n)
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
int
text_meta(text_reader *r, int kind, const char *p, const char *e)
{
	const char *ns = p, *t, *name;
	char gb[64], qb[64], qc[64], *w = r->tmp;
	size_t nl, tl, dl;
	int ty = M_UNTYPED;

	r->esc = false;
	if (p < e && *p == '"') {
		ns = ++p;
		if (!(p = text_qstr(r, p, e)))
			return r->err;
		nl = (size_t)(p++ - ns);
		if (!nl)
			return text_bad(r, ns - 1, 2, "empty metric name");
	} else if (p < e && (CL(*p) & C_MS)) {
		p = text_ident(p + 1, C_MC);
		nl = (size_t)(p - ns);
	} else
		return text_bad(r, p, 1, "expected a metric name after %s, got %s", text_kwname[kind],
				text_got(gb, sizeof gb, p, e));
	if (r->om) {
		if (p == e || *p != ' ')
			return text_bad(r, p, 1, "expected a space and text after the metric name in %s, got %s",
					text_kwname[kind], text_got(gb, sizeof gb, p, e));
		t = p + 1;
	} else if (p == e)
		t = e;
	else if (*p == ' ' || *p == '\t')
		t = p + 1;
	else
		return text_bad(r, p, 1, "invalid character %s after the metric name in %s",
				text_got(gb, sizeof gb, p, e), text_kwname[kind]);
	tl = (size_t)(e - t);
	name = text_put(r, &w, ns, nl, &dl);
	switch (kind) {
	case K_TYPE:
		if ((ty = mtypeof(r, t, tl)) < 0) {
			if (tl && t[tl - 1] == '\r')
				return text_bad(r, t + tl - 1, 1, "carriage return at the end of the line "
						"(lines must end in \\n, not \\r\\n)");
			return text_bad(r, t, tl, "unknown metric type %s",
					text_quote(qb, sizeof qb, t, tl));
		}
		break;
	case K_HELP:
		if (!utf8_valid(t, tl))
			return text_bad(r, t, tl, "HELP text is not valid UTF-8");
		if (text_skipws(t) == e)
			return 0;	/* no text: a comment, as expfmt has it */
		break;
	case K_UNIT:
		if (tl && (dl <= tl || memcmp(name + dl - tl, t, tl) != 0 || name[dl - tl - 1] != '_'))
			return text_bad(r, t, tl, "unit %s is not a suffix of the metric name %s",
					text_quote(qb, sizeof qb, t, tl),
					text_quote(qc, sizeof qc, name, dl));
		break;
	}
	return family_meta(r, kind, name, dl, ns, nl, (enum mtype)ty);
}
