/*
 * text_reader.c: the drivers of the exposition-format reader.  An fd is
 * read into a buffer of BUFSZ that grows only for a line longer than that;
 * memory is read where it lies; a stream keeps what it is given until its
 * lines are whole.  All split the input into lines for
 * text_line(), guess the format when asked to, and check the end of the
 * input.  The fast path, fastline(), takes the run of one family's samples
 * that makes up most long inputs, and its label cache, text_lcache(), is
 * filled by the general parser.
 */
#include "text_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "util.h"

/* Capacities double, from 16. */
void *
text_grow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;

	while (n < need)
		n *= 2;
	*cap = n;
	return xrealloc(p, n * size);
}

/* Errors of the system, not of the input: no line to show. */
static int
syserr(text_reader *r, const char *what)
{
	err_add(r->diags, NG_SEV_ERROR, NG_EIO, ERR_LINE(r->path, r->lineno + 1, 1), "%s", what);
	return r->err = TEXT_EIO;
}

/*
 * Keep the label set of s, a sample of fam whose labels passed every check,
 * for fastline(): the same text on a later line of fam gives the same labels
 * and passes them again (the checks depend only on the family and its type,
 * and a new family or TYPE line ends the cache).  Returns its labels_id, 0
 * if it is too long to keep.
 */
uint64_t
text_lcache(text_reader *r, const text_sample *s)
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
	return r->lcid = text_newid();
}

/*
 * The line of almost every long input, "name[{labels}] value[ ts]\n" with
 * one space between the parts, a value text_fastnum() reads, a timestamp of
 * at most 18 digits, the current family's (plain) name, and if labels, those
 * of the label cache byte for byte.  Reads at p up to the first '\n' at or
 * after p, with text_line()'s slack past it; the name is compared only if it
 * ends before e.  Returns the '\n' that ends the line, with s filled but for
 * its line; NULL when the line is of another kind, for text_line() to read.
 *
 * Such a line is one that sample() in source_text.c would take with no
 * error and nothing to do but to hand it on (see its emit() and
 * text_lcache()); the caller must do the rest of what a sample line does
 * (lineno, lasteof, famsamples).  Only when r->fastok.
 */
static inline ALWAYS_INLINE const char *
fastline(const text_reader *r, const char *p, const char *e, text_sample *s)
{
	size_t n = r->famlen, k;
	uint64_t v, w;
	const char *d;

	if ((size_t)(e - p) <= n)
		return NULL;
	if (n <= 8) {	/* 8 bytes at p can be read: see text_line() */
		memcpy(&w, p, 8);
		if ((w ^ r->famw) & r->fammask)
			return NULL;
	} else if (!text_same(p, r->fam, n))
		return NULL;
	p += n;
	if (*p == '{') {
		k = r->lcrawlen;
		if (r->lcfam != r->famid || (size_t)(e - p) <= k || !text_same(p, r->lcraw, k))
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
	if (*p != ' ' || !(p = text_fastnum(p + 1, &s->value)))
		return NULL;
	s->has_ts = *p == ' ';
	s->ts_ms = 0;
	if (s->has_ts) {
		d = p + 1;
		v = 0;
		p = text_digits(d, &v);
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
fastemit(text_reader *r, text_sample *s)
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
fastlines(text_reader *r, const char *p, const char *e, int *rc)
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

/* A line without the room text_line() wants (the input's last): copied. */
static int
line_copy(text_reader *r, const char *p, size_t n)
{
	if (n + SLACK > r->cpycap)
		r->cpy = text_grow(r->cpy, &r->cpycap, n + SLACK, 1);
	memcpy(r->cpy, p, n);
	memset(r->cpy + n, 0, SLACK);
	r->cpy[n] = '\n';
	return text_line(r, r->cpy, n);
}

/*
 * The last line p[0..n), without its newline, when the input must be
 * whole (TEXT_WHOLE): cut short, and not read, so that no part of a
 * sample is taken for one.
 */
static int
cut_short(text_reader *r, const char *p, size_t n)
{
	r->lineno++;
	r->line = p;
	r->linelen = n;
	return text_bad(r, p + n, 1, "the input ends inside this line, without its newline: was it cut short?");
}

static int
toolong(text_reader *r, const char *p, size_t avail)
{
	r->lineno++;
	r->line = p;
	r->linelen = avail < 60 ? avail : 60;
	return text_bad(r, p, 1, "line too long (more than %d bytes)", MAXLINE);
}

static int
finish(text_reader *r)
{
	if (r->om && !r->eofword) {
		if (r->lastnl) {
			r->lineno++;
			r->line = "";
			r->linelen = 0;
		}
		return text_bad(r, r->line + r->linelen, 1,
				"missing \"# EOF\" at the end of OpenMetrics input");
	}
	if (r->guess && r->lasteof) {
		r->lineno = r->eofline;
		r->line = "# EOF";
		r->linelen = 5;
		return text_bad(r, r->line, 5, "input ends in \"# EOF\" like OpenMetrics, but was read as "
				"text format 0.0.4 (%s): give the format", r->stream ?
				"a stream is read as it comes, as OpenMetrics only if its name ends in .om.txt" :
				"it came from a pipe too long to look ahead");
	}
	return 0;
}

/* fmt without TEXT_WHOLE */
static enum text_format
base_format(enum text_format fmt)
{
	return (enum text_format)(fmt & ~TEXT_WHOLE);
}

static void
init(text_reader *r, const char *path, enum text_format fmt, text_sample_fn fn, void *ctx,
     ng_diags *diags)
{
	memset(r, 0, sizeof *r);
	r->path = path ? path : "<input>";
	r->whole = fmt & TEXT_WHOLE;
	r->om = base_format(fmt) == TEXT_OPENMETRICS;
	r->fn = fn;
	r->ctx = ctx;
	r->diags = diags;
	r->fd = -1;
	r->line = "";
}

static void
fini(text_reader *r)
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
fill(text_reader *r)
{
	ssize_t k;
	size_t nc;

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
		r->buf = xrealloc(r->buf, nc + SLACK);
		memset(r->buf + r->end, 0, nc + SLACK - r->end);	/* read ahead, never undefined */
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
guess_fd(text_reader *r)
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

/*
 * Every whole line of buf[beg, end) to text_line(), runs of one family's
 * samples to fastline() first: 0 when no whole line is left, else the
 * first nonzero return.  The line that returned it is read: a stream goes
 * on with the next one.
 */
static int
whole_lines(text_reader *r)
{
	char *nl;
	size_t n;
	int rc = 0;

	r->buf[r->end] = '\n';	/* stops fastline() at the end; within the slack */
	for (;;) {
		if (r->fastok) {	/* no search for the '\n': the line's parse finds it */
			r->beg = (size_t)(fastlines(r, r->buf + r->beg, r->buf + r->end, &rc) - r->buf);
			if (rc)
				return rc;
			if (r->scan < r->beg)
				r->scan = r->beg;
		}
		if (!(nl = memchr(r->buf + r->scan, '\n', r->end - r->scan)))
			break;
		n = (size_t)(nl - (r->buf + r->beg));
		rc = text_line(r, r->buf + r->beg, n);
		r->beg = r->scan = r->beg + n + 1;
		if (rc)
			return rc;
	}
	r->scan = r->end;
	return 0;
}

/* What is left at the end: a last line without its newline. */
static int
last_line(text_reader *r)
{
	size_t b = r->beg;

	r->lastnl = b == r->end;
	r->beg = r->end;
	r->buf[r->end] = '\n';	/* within the slack */
	if (r->lastnl)
		return 0;
	if (r->whole && !r->om)
		return cut_short(r, r->buf + b, r->end - b);
	return text_line(r, r->buf + b, r->end - b);
}

int
text_read_fd(int fd, const char *path, enum text_format fmt,
	     text_sample_fn fn, void *ctx, ng_diags *diags)
{
	text_reader r;
	int rc = 0;

	init(&r, path, fmt, fn, ctx, diags);
	fmt = base_format(fmt);
	r.fd = fd;
	r.buf = xcalloc(1, BUFSZ + SLACK);
	r.cap = BUFSZ;
	if (fmt == TEXT_AUTO && (rc = guess_fd(&r)))
		goto out;
	while (!(rc = whole_lines(&r)) && !r.eof && !(rc = fill(&r)))
		;
	if (!rc && !(rc = last_line(&r)))
		rc = finish(&r);
out:
	fini(&r);
	return rc;
}

/* --- a stream: bytes as they come ---------------------------------------- */

struct text_stream {
	text_reader r;
	bool last;		/* the end: last_line() has run */
	bool done;		/* finish() has run */
};

text_stream *
text_stream_new(const char *path, enum text_format fmt, text_sample_fn fn, void *ctx)
{
	text_stream *s = xcalloc(1, sizeof *s);
	text_reader *r = &s->r;

	init(r, path, fmt, fn, ctx, NULL);
	if (base_format(fmt) == TEXT_AUTO) {	/* nothing to look ahead at: the name says, else 0.0.4 */
		r->om = om_path(path);
		r->guess = r->stream = !r->om;
	}
	r->buf = xcalloc(1, BUFSZ + SLACK);
	r->cap = BUFSZ;
	return s;
}

void
text_stream_free(text_stream *s)
{
	if (!s)
		return;
	fini(&s->r);
	free(s);
}

void
text_stream_write(text_stream *s, const char *p, size_t n)
{
	text_reader *r = &s->r;

	if (n == 0 || r->eof) {
		r->eof = true;
		return;
	}
	if (r->beg > 0) {	/* keep the partial line only */
		memmove(r->buf, r->buf + r->beg, r->end - r->beg);
		r->end -= r->beg;
		r->scan -= r->beg;
		r->beg = 0;
	}
	if (r->end + n > r->cap) {
		size_t nc = r->cap;
		while (nc < r->end + n)
			nc *= 2;
		r->buf = xrealloc(r->buf, nc + SLACK);
		memset(r->buf + r->end, 0, nc + SLACK - r->end);	/* read ahead, never undefined */
		r->cap = nc;
	}
	memcpy(r->buf + r->end, p, n);
	r->end += n;
}

int
text_stream_read(text_stream *s, ng_diags *diags)
{
	text_reader *r = &s->r;
	int rc;

	r->diags = diags;
	if (!s->last) {
		if ((rc = whole_lines(r)))
			return rc;
		if (r->end - r->beg > MAXLINE)
			return toolong(r, r->buf + r->beg, r->end - r->beg);
		if (!r->eof)
			return 0;
		s->last = true;
		if ((rc = last_line(r)))
			return rc;
	}
	if (s->done)
		return 0;
	s->done = true;
	return finish(r);
}

/* slow: every line through text_line(), none through fastline() */
static int
read_mem(const char *buf, size_t len, const char *path, enum text_format fmt,
	 text_sample_fn fn, void *ctx, ng_diags *diags, bool slow)
{
	text_reader r;
	text_sample smp;
	const char *p, *e, *nl;
	size_t avail;
	int rc;

	if (!buf)
		buf = "", len = 0;
	init(&r, path, fmt, fn, ctx, diags);
	if (base_format(fmt) == TEXT_AUTO)
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
			if ((rc = r.whole && !r.om ? cut_short(&r, p, avail) : line_copy(&r, p, avail)))
				goto out;
			break;
		}
		if (e - nl < SLACK)
			rc = line_copy(&r, p, (size_t)(nl - p));
		else if (r.fastok && !slow && fastline(&r, p, nl, &smp) == nl)
			rc = fastemit(&r, &smp);
		else
			rc = text_line(&r, p, (size_t)(nl - p));
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
