/*
 * test_source_text.c: the text-format reader against Prometheus' own test
 * material (tests/conformance/exposition, one test per file), then by
 * hand: numbers bit for bit against strtod, reads split anywhere, a stream
 * given in pieces (each conformance file is read as one too), and the
 * exact text of diagnostics.
 */
#include "source_text.h"
#include "t.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

/* --- samples, copied out of the callback --------------------------------- */

typedef struct clabel {
	char *name, *value;
	size_t name_len, value_len;
} clabel;

typedef struct csample {
	char *name;
	size_t name_len;
	clabel *labels;
	size_t nlabels;
	double value;
	int64_t ts_ms;
	bool has_ts;
	unsigned line;
} csample;

typedef struct coll {
	csample *s;
	size_t n, cap;
	int stop;		/* return this from the callback ... */
	size_t stop_after;	/* ... once this many are in, if nonzero */
	bool terminated;	/* every string was NUL-terminated */
} coll;

static char *
memdup(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (!d)
		abort();
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static int
collect(void *ctx, const text_sample *s)
{
	coll *c = ctx;
	csample *o;

	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 16;
		if (!(c->s = realloc(c->s, c->cap * sizeof *c->s)))
			abort();
	}
	o = &c->s[c->n++];
	o->name = memdup(s->name, s->name_len);
	o->name_len = s->name_len;
	if (s->name[s->name_len] != '\0')
		c->terminated = false;
	o->nlabels = s->nlabels;
	if (!(o->labels = calloc(s->nlabels + 1, sizeof *o->labels)))
		abort();
	for (size_t i = 0; i < s->nlabels; i++) {
		const text_label *l = &s->labels[i];

		o->labels[i].name = memdup(l->name, l->name_len);
		o->labels[i].name_len = l->name_len;
		o->labels[i].value = memdup(l->value, l->value_len);
		o->labels[i].value_len = l->value_len;
		if (l->name[l->name_len] != '\0' || l->value[l->value_len] != '\0')
			c->terminated = false;
	}
	o->value = s->value;
	o->ts_ms = s->ts_ms;
	o->has_ts = s->has_ts;
	o->line = s->line;
	if (c->stop_after && c->n >= c->stop_after)
		return c->stop;
	return 0;
}

static void
coll_init(coll *c)
{
	memset(c, 0, sizeof *c);
	c->terminated = true;
}

static void
coll_free(coll *c)
{
	for (size_t i = 0; i < c->n; i++) {
		for (size_t j = 0; j < c->s[i].nlabels; j++) {
			free(c->s[i].labels[j].name);
			free(c->s[i].labels[j].value);
		}
		free(c->s[i].labels);
		free(c->s[i].name);
	}
	free(c->s);
	coll_init(c);
}

static bool
samebits(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b);
	return memcmp(&a, &b, sizeof a) == 0;
}

static bool
coll_equal(const coll *a, const coll *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++) {
		const csample *x = &a->s[i], *y = &b->s[i];

		if (x->name_len != y->name_len || memcmp(x->name, y->name, x->name_len) ||
		    x->nlabels != y->nlabels || !samebits(x->value, y->value) ||
		    x->has_ts != y->has_ts || (x->has_ts && x->ts_ms != y->ts_ms) ||
		    x->line != y->line)
			return false;
		for (size_t j = 0; j < x->nlabels; j++)
			if (x->labels[j].name_len != y->labels[j].name_len ||
			    x->labels[j].value_len != y->labels[j].value_len ||
			    memcmp(x->labels[j].name, y->labels[j].name, x->labels[j].name_len) ||
			    memcmp(x->labels[j].value, y->labels[j].value, x->labels[j].value_len))
				return false;
	}
	return true;
}

/* --- running the reader -------------------------------------------------- */

/* The reader over memory; the diagnostics come back in *diag (freed by the caller). */
static int
run_mem(const char *text, size_t len, const char *path, enum text_format fmt, coll *c,
	char **diag)
{
	size_t dlen;
	FILE *f = open_memstream(diag, &dlen);
	int rc;

	if (!f)
		abort();
	ng_diags *d = ng_diags_new();
	rc = text_read_mem(text, len, path, fmt, collect, c, d);
	ng_diags_render(d, NULL, f);
	ng_diags_free(d);
	fclose(f);
	return rc;
}

static int
run_fd(int fd, const char *path, enum text_format fmt, coll *c, char **diag)
{
	size_t dlen;
	FILE *f = open_memstream(diag, &dlen);
	int rc;

	if (!f)
		abort();
	ng_diags *d = ng_diags_new();
	rc = text_read_fd(fd, path, fmt, collect, c, d);
	ng_diags_render(d, NULL, f);
	ng_diags_free(d);
	fclose(f);
	return rc;
}

/*
 * The reader of a stream, given text in pieces of piece bytes (each a heap
 * copy of its exact length) and read after each, as watch --input does; a
 * callback's STOP is gone on from at once.
 */
#define STOP 77
static int
run_stream(const char *text, size_t len, const char *path, enum text_format fmt, size_t piece, coll *c,
	   char **diag)
{
	size_t dlen, o = 0, n;
	FILE *f = open_memstream(diag, &dlen);
	text_stream *s = text_stream_new(path, fmt, collect, c);
	int rc;

	if (!f)
		abort();
	ng_diags *d = ng_diags_new();
	do {
		n = len - o < piece ? len - o : piece;
		char *p = malloc(n ? n : 1);
		if (!p)
			abort();
		memcpy(p, text + o, n);
		text_stream_write(s, p, n);
		free(p);
		o += n;
		while ((rc = text_stream_read(s, d)) == STOP)
			;
	} while (!rc && n);
	text_stream_free(s);
	ng_diags_render(d, NULL, f);
	ng_diags_free(d);
	fclose(f);
	return rc;
}

/* Parse a string, from a heap copy of its exact length (so that ASan sees
 * any read past it); keep the samples in *c, the diagnostic in *diag if asked. */
static int
parse(const char *text, enum text_format fmt, coll *c, char **diag)
{
	size_t n = strlen(text);
	char *d = NULL, *tight = malloc(n ? n : 1);
	int rc;

	if (!tight)
		abort();
	memcpy(tight, text, n);
	coll_init(c);
	rc = run_mem(tight, n, "x.prom", fmt, c, &d);
	free(tight);
	if (diag)
		*diag = d;
	else
		free(d);
	return rc;
}

/* Only the return code and the diagnostic. */
static int
verdict(const char *text, enum text_format fmt, char **diag)
{
	coll c;
	int rc = parse(text, fmt, &c, diag);

	coll_free(&c);
	return rc;
}

static bool
has(const char *hay, const char *needle)
{
	return hay && strstr(hay, needle);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b = NULL;
	size_t cap = 0, n = 0, k;

	if (!f)
		return NULL;
	do {
		if (n == cap && !(b = realloc(b, cap = cap ? 2 * cap : 4096)))
			abort();
		k = fread(b + n, 1, cap - n, f);
		n += k;
	} while (k);
	fclose(f);
	*len = n;
	return b;
}

/* A temporary file holding text, opened for reading. */
static int
tmpfd(const char *text, size_t len)
{
	char name[] = "/tmp/ng_text_XXXXXX";
	int fd = mkstemp(name);

	if (fd < 0)
		abort();
	unlink(name);
	if (write(fd, text, len) != (ssize_t)len || lseek(fd, 0, SEEK_SET) != 0)
		abort();
	return fd;
}

/* --- conformance ---------------------------------------------------------- */

static bool
endswith(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static enum text_format
format_of(const char *name)
{
	return endswith(name, ".om.txt") ? TEXT_OPENMETRICS : TEXT_PROM;
}

/* Both a number, as le and quantile are compared (Prometheus 3 writes "1" as "1.0"). */
static bool
samenumber(const char *a, const char *b)
{
	char *ea, *eb;
	double x, y;

	if (!*a || !*b)
		return false;
	x = strtod(a, &ea);
	y = strtod(b, &eb);
	return !*ea && !*eb && samebits(x, y);
}

/* Our samples against <file>.expected.json; why says what differs. */
static bool
match(const coll *c, json_t *root, char *why, size_t whysz)
{
	json_t *samples = json_object_get(root, "samples");
	size_t n = json_array_size(samples);

	if (!json_is_array(samples))
		return snprintf(why, whysz, "no samples in expected JSON"), false;
	if (n != c->n)
		return snprintf(why, whysz, "%zu samples, want %zu", c->n, n), false;
	for (size_t i = 0; i < n; i++) {
		json_t *js = json_array_get(samples, i), *labels = json_object_get(js, "labels");
		json_t *jname = json_object_get(labels, "__name__"), *jts = json_object_get(js, "timestamp_ms");
		const char *want = json_string_value(json_object_get(js, "value"));
		const csample *s = &c->s[i];
		size_t nl = 0;
		const char *k;
		json_t *v;

		if (!jname || json_string_length(jname) != s->name_len ||
		    memcmp(json_string_value(jname), s->name, s->name_len))
			return snprintf(why, whysz, "sample %zu: name \"%s\", want \"%s\"", i, s->name,
					json_string_value(jname)), false;
		json_object_foreach(labels, k, v)
			nl += strcmp(k, "__name__") != 0;
		if (nl != s->nlabels)
			return snprintf(why, whysz, "sample %zu (%s): %zu labels, want %zu", i, s->name,
					s->nlabels, nl), false;
		for (size_t j = 0; j < s->nlabels; j++) {
			const clabel *l = &s->labels[j];
			json_t *jv = json_object_get(labels, l->name);
			bool bound = strcmp(l->name, "le") == 0 || strcmp(l->name, "quantile") == 0;

			if (!jv)
				return snprintf(why, whysz, "sample %zu (%s): label %s not expected", i,
						s->name, l->name), false;
			if ((json_string_length(jv) != l->value_len ||
			     memcmp(json_string_value(jv), l->value, l->value_len)) &&
			    !(bound && samenumber(json_string_value(jv), l->value)))
				return snprintf(why, whysz, "sample %zu (%s): label %s=\"%s\", want \"%s\"",
						i, s->name, l->name, l->value, json_string_value(jv)), false;
		}
		if (!want || !samebits(s->value, strtod(want, NULL)))
			return snprintf(why, whysz, "sample %zu (%s): value %.17g, want %s", i, s->name,
					s->value, want ? want : "?"), false;
		if (s->has_ts != (jts != NULL) || (jts && s->ts_ms != json_integer_value(jts)))
			return snprintf(why, whysz, "sample %zu (%s): timestamp %s%lld, want %s%lld", i,
					s->name, s->has_ts ? "" : "none ", (long long)s->ts_ms,
					jts ? "" : "none ", (long long)json_integer_value(jts)), false;
	}
	return true;
}

static void
check_valid(const char *dir, const char *name)
{
	char path[4096], jpath[4200], why[512] = "", *d1 = NULL, *d2 = NULL, *d3 = NULL, *text;
	enum text_format fmt = format_of(name);
	json_error_t jerr;
	json_t *root;
	coll a, b, st;
	size_t len;
	int fd, rc1, rc2, rc3;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(jpath, sizeof jpath, "%s.expected.json", path);
	coll_init(&a);
	coll_init(&b);
	if (!(text = slurp(path, &len)) || (fd = open(path, O_RDONLY)) < 0) {
		T_CHECK(0, "%s: cannot read", path);
		free(text);
		return;
	}
	rc1 = run_fd(fd, name, fmt, &a, &d1);
	close(fd);
	rc2 = run_mem(text, len, name, fmt, &b, &d2);
	coll_init(&st);
	st.stop = STOP;
	st.stop_after = 1;	/* every sample stops the stream, which goes on */
	rc3 = run_stream(text, len, name, fmt, 7, &st, &d3);
	root = json_load_file(jpath, JSON_ALLOW_NUL, &jerr);
	if (rc1 || rc2 || rc3)
		snprintf(why, sizeof why, "rejected (%d, %d, %d): %s", rc1, rc2, rc3, *d1 ? d1 : d3);
	else if (!root)
		snprintf(why, sizeof why, "%.300s: %.200s", jpath, jerr.text);
	else if (!coll_equal(&a, &b))
		snprintf(why, sizeof why, "read from fd and from memory differ");
	else if (!coll_equal(&a, &st))
		snprintf(why, sizeof why, "read from fd and as a stream in pieces differ");
	else if (!a.terminated)
		snprintf(why, sizeof why, "a string is not NUL-terminated");
	else
		match(&a, root, why, sizeof why);
	T_CHECK(!*why, "valid/%s: %s", name, why);
	json_decref(root);
	coll_free(&a);
	coll_free(&b);
	coll_free(&st);
	free(d1);
	free(d2);
	free(d3);
	free(text);
}

/*
 * Files under invalid/ that this reader accepts on purpose.  The corpus takes
 * them from prometheus/common's strict parser; the brief (and the Prometheus
 * server) accept a missing final newline, and valid/ holds files without one.
 */
static const char *const accepted_invalid[] = {
	"common_testTextParseError_00.txt",	/* only fault: no newline at the end */
};

static void
check_invalid(const char *dir, const char *name)
{
	char path[4096], prefix[4200], *d1 = NULL, *d2 = NULL, *d3 = NULL, *text;
	enum text_format fmt = format_of(name);
	bool accept = false;
	coll a, b, st;
	size_t len;
	int fd, rc1, rc2, rc3;

	for (size_t i = 0; i < sizeof accepted_invalid / sizeof accepted_invalid[0]; i++)
		accept |= strcmp(name, accepted_invalid[i]) == 0;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	snprintf(prefix, sizeof prefix, "%s:", name);
	coll_init(&a);
	coll_init(&b);
	if (!(text = slurp(path, &len)) || (fd = open(path, O_RDONLY)) < 0) {
		T_CHECK(0, "%s: cannot read", path);
		free(text);
		return;
	}
	rc1 = run_fd(fd, name, fmt, &a, &d1);
	close(fd);
	rc2 = run_mem(text, len, name, fmt, &b, &d2);
	rc3 = run_stream(text, len, name, fmt, 5, (coll_init(&st), &st), &d3);
	if (accept)
		T_CHECK(rc1 == 0 && rc2 == 0 && rc3 == 0 && a.n == 2 && !*d1,
			"invalid/%s: meant to be accepted: rc %d, %zu samples, %s", name, rc1, a.n, d1);
	else
		T_CHECK(rc1 == TEXT_EBAD && rc2 == TEXT_EBAD && rc3 == TEXT_EBAD && strncmp(d1, prefix, strlen(prefix)) == 0 &&
			strstr(d1, ": error: ") && strcmp(d1, d2) == 0 && strcmp(d1, d3) == 0,
			"invalid/%s: rc %d/%d/%d, diagnostic \"%s\" / \"%s\" / \"%s\"", name, rc1, rc2, rc3, d1, d2, d3);
	coll_free(&a);
	coll_free(&b);
	coll_free(&st);
	free(d1);
	free(d2);
	free(d3);
	free(text);
}

/* Seeds of upstream fuzzers: either answer is right, crashing and leaking are not. */
static void
check_seed(const char *dir, const char *name)
{
	char path[4096], *d = NULL, *text;
	enum text_format f;
	bool ok = true;
	size_t len;
	coll c;
	int fd, rc;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (!(text = slurp(path, &len))) {
		T_CHECK(0, "%s: cannot read", path);
		return;
	}
	for (f = TEXT_AUTO; f <= TEXT_OPENMETRICS; f++) {
		coll_init(&c);
		rc = run_mem(text, len, name, f, &c, &d);
		ok &= rc == 0 || (rc == TEXT_EBAD && *d);
		coll_free(&c);
		free(d);
		if ((fd = open(path, O_RDONLY)) < 0)
			abort();
		rc = run_fd(fd, name, f, &c, &d);
		close(fd);
		ok &= rc == 0 || (rc == TEXT_EBAD && *d);
		coll_free(&c);
		free(d);
	}
	T_CHECK(ok, "fuzz-seeds/%s: a result other than 0 or TEXT_EBAD", name);
	free(text);
}

static int
plainfile(const struct dirent *e)
{
	return e->d_name[0] != '.' && !endswith(e->d_name, ".expected.json");
}

static int
each(const char *base, const char *sub, void (*fn)(const char *, const char *))
{
	char dir[4096];
	struct dirent **names;
	int n;

	snprintf(dir, sizeof dir, "%s/%s", base, sub);
	if ((n = scandir(dir, &names, plainfile, alphasort)) < 0) {
		T_CHECK(0, "%s: %s", dir, strerror(errno));
		return 0;
	}
	for (int i = 0; i < n; i++) {
		fn(dir, names[i]->d_name);
		free(names[i]);
	}
	free(names);
	return n;
}

static void
conformance(void)
{
	const char *base = T_CONFORMANCE "/exposition";
	int nv, ni, ns;

	nv = each(base, "valid", check_valid);
	ni = each(base, "invalid", check_invalid);
	ns = each(base, "fuzz-seeds", check_seed);
	T_CHECK(nv > 0 && ni > 0 && ns > 0, "corpus at %s: %d valid, %d invalid, %d seeds",
		base, nv, ni, ns);
}

/* --- numbers -------------------------------------------------------------- */

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A random decimal in one of several shapes, NUL-terminated in buf. */
static void
gendec(char *buf)
{
	char *w = buf;
	unsigned shape = (unsigned)(rnd() % 4), ni, nf;

	if (rnd() % 3 == 0)
		*w++ = rnd() % 2 ? '-' : '+';
	if (shape == 0) {	/* an exact mantissa and small exponent: the fast path */
		w += sprintf(w, "%llu", (unsigned long long)(rnd() >> (11 + rnd() % 50)));
		if (rnd() % 2)
			w += sprintf(w, "e%d", (int)(rnd() % 45) - 22);
	} else if (shape == 1) {	/* digits . digits */
		ni = (unsigned)(rnd() % 10);
		nf = (unsigned)(rnd() % 12);
		for (unsigned i = 0; i < ni; i++)
			*w++ = (char)('0' + rnd() % 10);
		*w++ = '.';
		for (unsigned i = 0; i < nf || (ni == 0 && i == 0); i++)
			*w++ = (char)('0' + rnd() % 10);
	} else if (shape == 2) {	/* long mantissas, big exponents */
		ni = 1 + (unsigned)(rnd() % 30);
		for (unsigned i = 0; i < ni; i++)
			*w++ = (char)('0' + rnd() % 10);
		if (rnd() % 2) {
			*w++ = '.';
			for (unsigned i = rnd() % 25; i; i--)
				*w++ = (char)('0' + rnd() % 10);
		}
		w += sprintf(w, "%c%d", rnd() % 2 ? 'e' : 'E', (int)(rnd() % 590) - 320);	/* below 1e300: no overflow */
	} else {	/* what %.17g and %g print */
		double d;
		uint64_t bits = rnd() & ~(UINT64_C(0x7ff) << 52);

		bits |= (uint64_t)(1023 - 60 + rnd() % 120) << 52;
		memcpy(&d, &bits, sizeof d);
		w += sprintf(w, rnd() % 2 ? "%.17g" : "%g", fabs(d));
	}
	*w = '\0';
}

/* Values through the reader, bit for bit against strtod (correctly rounded in glibc). */
static void
numbers_random(void)
{
	enum { N = 200000 };
	char *text = malloc((size_t)N * 80), *w = text, (*vals)[72] = malloc(sizeof *vals * N);
	size_t bad = 0, first = N;
	char *d;
	coll c;
	int rc;

	if (!text || !vals)
		abort();
	for (int i = 0; i < N; i++) {
		gendec(vals[i]);
		w += sprintf(w, "m %s\n", vals[i]);
	}
	coll_init(&c);
	rc = run_mem(text, (size_t)(w - text), "rand", TEXT_PROM, &c, &d);
	T_CHECK(rc == 0 && c.n == N, "random numbers: rc %d, %zu samples: %s", rc, c.n, d);
	free(d);
	for (size_t i = 0; i < c.n && i < N; i++)
		if (!samebits(c.s[i].value, strtod(vals[i], NULL)) && bad++ == 0)
			first = i;
	T_CHECK(bad == 0, "%zu of %d random numbers differ from strtod; first \"%s\": %.17g, want %.17g",
		bad, N, first < N ? vals[first] : "", first < N ? c.s[first].value : 0.0,
		first < N ? strtod(vals[first], NULL) : 0.0);
	coll_free(&c);

	/* The same as OpenMetrics, whose values end at a space only. */
	strcpy(w, "# EOF\n");
	coll_init(&c);
	rc = run_mem(text, strlen(text), "rand.om", TEXT_OPENMETRICS, &c, &d);
	bad = 0;
	for (size_t i = 0; i < c.n && i < N; i++)
		bad += !samebits(c.s[i].value, strtod(vals[i], NULL));
	T_CHECK(rc == 0 && c.n == N && bad == 0, "random numbers in OpenMetrics: rc %d, %zu, %zu differ: %s",
		rc, c.n, bad, d);
	free(d);
	coll_free(&c);
	free(vals);
	free(text);
}

/* Integer timestamps of every length, 8 digits at a time, against strtoll. */
static void
timestamps_random(void)
{
	enum { N = 100000 };
	char *text = malloc((size_t)N * 40), *w = text, (*ts)[32] = malloc(sizeof *ts * N);
	size_t bad = 0, first = N;
	char *d;
	coll c;
	int rc;

	if (!text || !ts)
		abort();
	for (int i = 0; i < N; i++) {
		unsigned len = 1 + (unsigned)(rnd() % 18);
		char *t = ts[i];

		if (rnd() % 4 == 0)
			*t++ = '-';
		for (unsigned k = 0; k < len; k++)
			*t++ = (char)('0' + rnd() % 10);
		*t = '\0';
		w += sprintf(w, "m%s1%s%s\n", rnd() % 2 ? " " : "\t", rnd() % 2 ? " " : "\t\t", ts[i]);
	}
	coll_init(&c);
	rc = run_mem(text, (size_t)(w - text), "ts", TEXT_PROM, &c, &d);
	for (size_t i = 0; i < c.n && i < N; i++)
		if (!c.s[i].has_ts || c.s[i].ts_ms != strtoll(ts[i], NULL, 10))
			if (bad++ == 0)
				first = i;
	T_CHECK(rc == 0 && c.n == N && bad == 0, "random timestamps: rc %d, %zu, %zu differ, first %s: %lld: %s",
		rc, c.n, bad, first < N ? ts[first] : "", first < N ? (long long)c.s[first].ts_ms : 0LL, d);
	free(d);
	coll_free(&c);
	free(ts);
	free(text);
}

/* One value, by itself; 0 and the value, or the reader's return. */
static int
value_of(const char *v, double *d)
{
	char line[512];
	coll c;
	int rc;

	snprintf(line, sizeof line, "m %s\n", v);
	rc = parse(line, TEXT_PROM, &c, NULL);
	if (rc == 0 && c.n == 1)
		*d = c.s[0].value;
	else if (rc == 0)
		rc = -100;
	coll_free(&c);
	return rc;
}

static void
numbers_edges(void)
{
	static const char *const exact[] = {
		"0", "-0", "+5", ".5", "5.", "1e-3", "0.001", "0.21", "1E3", "1e+3", "08", "-0.0e5",
		"9007199254740992", "9007199254740993", "9007199254740993e-5", "9007199254740991.5",
		"1e22", "1e23", "1e-22", "1e-23", "4.9351e-05", "7.424100000000001e-05",
		"0.1", "0.3", "3.0000000000000004", "123456789012345678901234567890",
		"1.7976931348623157e308", "1.7976931348623158e308", "2.2250738585072014e-308",
		"2.2250738585072011e-308", "4.9406564584124654e-324", "5e-324",
		"2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400",
		"00000000000000000000000001", "1.00000000000000000000000000001",
		"0.000000000000000000000000000001e30", "1700000000000", "18446744073709551615",
		"18446744073709551616", "9999999999999999999", "99999999999999999999e-20",
		"1.5e-45", "324789.3", "1520879607.789", "123.123",
	};
	static const char *const special[] = {
		"NaN", "nan", "NAN", "nAn", "+Inf", "-Inf", "Inf", "inf", "INF", "infinity",
		"+Infinity", "-INFINITY",
	};
	static const char *const wrong[] = {
		"+NaN", "-nan", "infin", "in", "nan1", "1e", "1e+", "e1", ".", "+", "-", "1..2",
		"1.2.3", "0x1", "0X1", "0x1p3", "0x1P-3", "1_000", "1p3", "--1", "+-1", "1.5f",
		"true", "1,5", "1e1.5", ".e1", "0b1", "0o1", "\xd9\xa1",
	};
	double d;
	int rc;

	for (size_t i = 0; i < sizeof exact / sizeof exact[0]; i++) {
		rc = value_of(exact[i], &d);
		T_CHECK(rc == 0 && samebits(d, strtod(exact[i], NULL)),
			"\"%s\": rc %d, %.17g, want %.17g", exact[i], rc, rc ? 0 : d, strtod(exact[i], NULL));
	}
	T_CHECK(value_of("-0", &d) == 0 && d == 0 && signbit(d), "-0 keeps its sign");
	T_CHECK(value_of("+0.0", &d) == 0 && d == 0 && !signbit(d), "+0.0 is positive");
	for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
		rc = value_of(special[i], &d);
		T_CHECK(rc == 0 && samebits(d, strtod(special[i], NULL)), "\"%s\": rc %d", special[i], rc);
	}
	for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++)
		T_CHECK(value_of(wrong[i], &d) == TEXT_EBAD, "\"%s\" is not a number", wrong[i]);
	T_CHECK(value_of("1e309", &d) == TEXT_EBAD, "1e309 overflows, as Go's ParseFloat says");
	T_CHECK(value_of("-1e400", &d) == TEXT_EBAD, "-1e400 overflows");
}

/* --- by hand -------------------------------------------------------------- */

static void
basics(void)
{
	coll c;
	char *d;
	int rc;

	rc = parse("error_rate 0.001 1700000000000\np99{role=\"baseline\"} 0.21 1700000000000\n"
		   "no_ts{a=\"b\",c=\"d\"} 3\n", TEXT_PROM, &c, NULL);
	T_CHECK(rc == 0 && c.n == 3, "three samples: rc %d, %zu", rc, c.n);
	if (c.n == 3) {
		T_STREQ(c.s[0].name, "error_rate");
		T_CHECK(c.s[0].value == 0.001 && c.s[0].has_ts && c.s[0].ts_ms == 1700000000000,
			"error_rate 0.001 @1700000000000");
		T_CHECK(c.s[1].nlabels == 1 && strcmp(c.s[1].labels[0].name, "role") == 0 &&
			strcmp(c.s[1].labels[0].value, "baseline") == 0, "p99 role=baseline");
		T_CHECK(!c.s[2].has_ts && c.s[2].nlabels == 2, "no timestamp: has_ts false");
		T_CHECK(c.s[0].line == 1 && c.s[1].line == 2 && c.s[2].line == 3, "sample lines");
		T_CHECK(c.terminated, "names and values are NUL-terminated");
	}
	coll_free(&c);

	rc = parse("a 1\n\n# comment\n  \t\n# HELP b help\nb 2", TEXT_PROM, &c, NULL);
	T_CHECK(rc == 0 && c.n == 2 && c.s[1].line == 6 && c.s[1].value == 2,
		"blank lines, comments, no final newline: rc %d, %zu", rc, c.n);
	coll_free(&c);

	T_CHECK(verdict("", TEXT_PROM, NULL) == 0, "empty 0.0.4 input");
	T_CHECK(verdict("\n\n", TEXT_PROM, NULL) == 0, "blank 0.0.4 input");

	/* The server's leniency in 0.0.4: blanks, tabs, optional commas. */
	rc = parse("m { a = \"1\" b=\"2\" , } \t 5 \t 7 \t\n\tn\t6\nq{a=\"x\"}-Inf\n", TEXT_PROM, &c, NULL);
	T_CHECK(rc == 0 && c.n == 3 && c.s[0].nlabels == 2 && c.s[0].ts_ms == 7 &&
		c.s[1].value == 6 && isinf(c.s[2].value) && c.s[2].value < 0,
		"blanks and missing commas: rc %d, %zu", rc, c.n);
	coll_free(&c);

	rc = parse("m 1 -5\nm 1 9223372036854775807\nm 1 -9223372036854775808\n", TEXT_PROM, &c, NULL);
	T_CHECK(rc == 0 && c.n == 3 && c.s[0].ts_ms == -5 && c.s[1].ts_ms == INT64_MAX &&
		c.s[2].ts_ms == INT64_MIN, "int64 timestamps: rc %d", rc);
	coll_free(&c);
	T_CHECK(verdict("m 1 9223372036854775808\n", TEXT_PROM, &d) == TEXT_EBAD &&
		has(d, "out of range"), "timestamp overflow: %s", d);
	free(d);
	T_CHECK(verdict("m 1 1.5\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "integer milliseconds"),
		"0.0.4 timestamps are integers: %s", d);
	free(d);
	T_CHECK(verdict("m 1 2 3\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "after the timestamp"),
		"text after the timestamp: %s", d);
	free(d);
}

static void
strings(void)
{
	static const char nul[] = "a{b=\"x\0y\"} 1\n";
	coll c;
	char *d;
	int rc;

	rc = parse("m{a=\"x\\\\y\\\"z\\nw\"} 1\n", TEXT_PROM, &c, NULL);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].labels[0].value_len == 7 &&
		memcmp(c.s[0].labels[0].value, "x\\y\"z\nw", 8) == 0, "escapes \\\\ \\\" \\n");
	coll_free(&c);
	T_CHECK(verdict("m{a=\"x\\ty\"} 1\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "'\\t'"),
		"unknown escape \\t: %s", d);
	free(d);

	rc = parse("{\"my.metric\", a=\"b\"} 1\n{a=\"c\",\"my.metric\"} 2\nm{\"dotted.label\"=\"v\"} 3\n"
		   "{\"q\\\"n\"} 4\n", TEXT_PROM, &c, NULL);
	T_CHECK(rc == 0 && c.n == 4, "quoted names: rc %d, %zu", rc, c.n);
	if (c.n == 4) {
		T_STREQ(c.s[0].name, "my.metric");
		T_CHECK(c.s[0].nlabels == 1 && strcmp(c.s[0].labels[0].name, "a") == 0 &&
			strcmp(c.s[0].labels[0].value, "b") == 0, "{\"my.metric\", a=\"b\"}");
		T_STREQ(c.s[1].name, "my.metric");
		T_STREQ(c.s[2].labels[0].name, "dotted.label");
		T_STREQ(c.s[3].name, "q\"n");
	}
	coll_free(&c);
	rc = parse("{\"my.metric\",a=\"b\"} 1\n# EOF\n", TEXT_OPENMETRICS, &c, NULL);
	T_CHECK(rc == 0 && c.n == 1 && strcmp(c.s[0].name, "my.metric") == 0, "quoted name in OpenMetrics");
	coll_free(&c);
	T_CHECK(verdict("{\"a\",\"b\"} 1\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "twice"),
		"two metric names: %s", d);
	free(d);
	T_CHECK(verdict("{a=\"b\"} 1\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "no metric name"),
		"no metric name: %s", d);
	free(d);

	rc = run_mem(nul, sizeof nul - 1, "nul", TEXT_PROM, (coll_init(&c), &c), &d);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].labels[0].value_len == 3 &&
		memcmp(c.s[0].labels[0].value, "x\0y", 4) == 0, "NUL inside a label value: rc %d", rc);
	coll_free(&c);
	free(d);
	T_CHECK(verdict("a{b=\"\xff\"} 1\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "UTF-8"),
		"invalid UTF-8: %s", d);
	free(d);
	T_CHECK(verdict("a{b=\"\xed\xa0\x80\"} 1\n", TEXT_PROM, NULL) == TEXT_EBAD, "UTF-16 surrogate");
	T_CHECK(verdict("a{b=\"\xc0\xaf\"} 1\n", TEXT_PROM, NULL) == TEXT_EBAD, "overlong UTF-8");
	T_CHECK(verdict("a{b=\"\xf0\x9f\x98\x80\"} 1\n", TEXT_PROM, NULL) == 0, "4-byte UTF-8");
}

static void
label_rules(void)
{
	char big[2048], *w, *d;
	coll c;
	int rc;

	T_CHECK(verdict("m{a=\"1\",b=\"2\",a=\"3\"} 1\n", TEXT_PROM, &d) == TEXT_EBAD &&
		has(d, "duplicate label name \"a\""), "duplicate label: %s", d);
	free(d);
	T_CHECK(verdict("m{a=\"1\",\"a\"=\"3\"} 1\n", TEXT_PROM, NULL) == TEXT_EBAD,
		"duplicate label, once quoted");
	T_CHECK(verdict("m{__name__=\"x\"} 1\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "__name__"),
		"__name__ as a label: %s", d);
	free(d);

	/* Many labels take the hash set. */
	w = big + sprintf(big, "m{");
	for (int i = 0; i < 40; i++)
		w += sprintf(w, "l%d=\"%d\",", i, i);
	strcpy(w, "} 1\n");
	rc = parse(big, TEXT_PROM, &c, NULL);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].nlabels == 40, "40 distinct labels: rc %d", rc);
	coll_free(&c);
	strcpy(w, "l17=\"x\"} 1\n");
	T_CHECK(verdict(big, TEXT_PROM, &d) == TEXT_EBAD && has(d, "duplicate label name \"l17\""),
		"a duplicate among 41 labels: %s", d);
	free(d);

	/* le and quantile must be numbers, histogram counts not negative. */
	T_CHECK(verdict("# TYPE h histogram\nh_bucket{le=\"x\"} 1\n", TEXT_PROM, &d) == TEXT_EBAD &&
		has(d, "le label value \"x\" is not a number"), "le not a number: %s", d);
	free(d);
	T_CHECK(verdict("# TYPE s summary\ns{quantile=\"0x1p-3\"} 1\n", TEXT_PROM, NULL) == TEXT_EBAD,
		"quantile in hex");
	T_CHECK(verdict("# TYPE g gauge\ng{le=\"x\"} 1\n", TEXT_PROM, NULL) == 0, "le on a gauge is free");
	T_CHECK(verdict("# TYPE h histogram\nh_count -1\n", TEXT_PROM, &d) == TEXT_EBAD &&
		has(d, "negative count"), "negative histogram count: %s", d);
	free(d);
	T_CHECK(verdict("# TYPE h histogram\nh_sum -1\n", TEXT_PROM, NULL) == 0, "negative sum is fine");

	/* One HELP and TYPE per family, TYPE first; an empty HELP is a comment. */
	T_CHECK(verdict("# HELP m a\n# HELP m b\n", TEXT_PROM, &d) == TEXT_EBAD &&
		has(d, "x.prom:2:8: error: second HELP line for metric \"m\""), "second HELP: %s", d);
	free(d);
	T_CHECK(verdict("# TYPE m gauge\n# TYPE m gauge\n", TEXT_PROM, NULL) == TEXT_EBAD, "second TYPE");
	T_CHECK(verdict("m 1\n# TYPE m gauge\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "after its samples"),
		"TYPE after samples: %s", d);
	T_CHECK(verdict("# HELP m\n# HELP m\n# HELP m x\nm 1\n# HELP n x\n# TYPE n counter\nn 1\n",
			TEXT_PROM, NULL) == 0, "empty HELP lines, HELP then TYPE");
	free(d);
	T_CHECK(verdict("# TYPE m bla\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "unknown metric type \"bla\""),
		"unknown type: %s", d);
	free(d);
	T_CHECK(verdict("# TYPE m info\n", TEXT_PROM, NULL) == TEXT_EBAD, "info is OpenMetrics only");
	T_CHECK(verdict("# TYPE m untyped\n# EOF\n", TEXT_OPENMETRICS, NULL) == TEXT_EBAD,
		"untyped is 0.0.4 only");
}

static void
crlf(void)
{
	char *d;

	/* Both Prometheus parsers reject "1\r" as a value and "5\r" as a timestamp. */
	T_CHECK(verdict("a 1\r\n", TEXT_PROM, &d) == TEXT_EBAD &&
		has(d, "x.prom:1:4: error: carriage return"), "CRLF after a value: %s", d);
	free(d);
	T_CHECK(verdict("a 1 5\r\n", TEXT_PROM, NULL) == TEXT_EBAD, "CRLF after a timestamp");
	T_CHECK(verdict("# TYPE a gauge\r\n", TEXT_PROM, &d) == TEXT_EBAD && has(d, "carriage return"),
		"CRLF after a type: %s", d);
	free(d);
	T_CHECK(verdict("# just a comment\r\n", TEXT_PROM, NULL) == 0, "CR in a comment is the comment's");
	T_CHECK(verdict("a 1\r\n# EOF\n", TEXT_OPENMETRICS, NULL) == TEXT_EBAD, "CRLF in OpenMetrics");
}

static void
diagnostics(void)
{
	char *d;

	verdict("a 1\nb 2\nc{d=\"e\"} zz\n", TEXT_PROM, &d);
	T_STREQ(d, "x.prom:3:10: error: value \"zz\" is not a number\nc{d=\"e\"} zz\n         ^~\n");
	free(d);
	verdict("# HELP a x\n\nfoo{a=b} 1\n", TEXT_PROM, &d);
	T_STREQ(d, "x.prom:3:7: error: expected '\"' to start the label value, got \"b\"\n"
		"foo{a=b} 1\n      ^\n");
	free(d);
	verdict("m{a=\"1\",a=\"2\"} 1\n", TEXT_PROM, &d);
	T_STREQ(d, "x.prom:1:9: error: duplicate label name \"a\"\nm{a=\"1\",a=\"2\"} 1\n        ^\n");
	free(d);
	verdict("a 1\nb 2\n", TEXT_OPENMETRICS, &d);
	T_STREQ(d, "x.prom:3:1: error: missing \"# EOF\" at the end of OpenMetrics input\n\n^\n");
	free(d);
	verdict("a\n", TEXT_PROM, &d);
	T_STREQ(d, "x.prom:1:2: error: expected a value after the metric, got end of line\na\n ^\n");
	free(d);
	/* Only the first bad line is reported. */
	verdict("a x\nb y\n", TEXT_PROM, &d);
	T_CHECK(d && strstr(d, "x.prom:1:") == d && !strstr(d, "x.prom:2:"), "one diagnostic: %s", d);
	free(d);
}

static void
openmetrics(void)
{
	coll c;
	char *d;
	int rc;

	rc = parse("# TYPE a gauge\na 1 1520879607.789\na 2 123.123\na 3 -1.5 # {id=\"x\"} 1 2\n"
		   "a 4 # {id=\"y\"} 5\n# EOF\n", TEXT_OPENMETRICS, &c, NULL);
	T_CHECK(rc == 0 && c.n == 4 && c.s[0].ts_ms == 1520879607789 && c.s[1].ts_ms == 123123 &&
		c.s[2].ts_ms == -1500 && !c.s[3].has_ts, "OpenMetrics seconds to ms, exemplars: rc %d", rc);
	coll_free(&c);

	rc = parse("# TYPE c counter\nc_total 1\nc_created 1.5\n# TYPE g gauge\ng_created 2\n# EOF",
		   TEXT_OPENMETRICS, &c, NULL);
	T_CHECK(rc == 0 && c.n == 2 && strcmp(c.s[1].name, "g_created") == 0,
		"a counter's _created is dropped, a gauge's kept: rc %d, %zu", rc, c.n);
	coll_free(&c);

	T_CHECK(verdict("", TEXT_OPENMETRICS, NULL) == TEXT_EBAD, "empty OpenMetrics lacks # EOF");
	T_CHECK(verdict("# EOF\na 1\n", TEXT_OPENMETRICS, &d) == TEXT_EBAD &&
		has(d, "x.prom:2:1: error: unexpected data after \"# EOF\""), "data after # EOF: %s", d);
	free(d);
	T_CHECK(verdict("# EOF\n\n", TEXT_OPENMETRICS, NULL) == TEXT_EBAD, "blank line after # EOF");
	T_CHECK(verdict("a  1\n# EOF\n", TEXT_OPENMETRICS, NULL) == TEXT_EBAD, "two spaces");
	T_CHECK(verdict("a 1 \n# EOF\n", TEXT_OPENMETRICS, NULL) == TEXT_EBAD, "trailing space");
	T_CHECK(verdict("a{b=\"c\", d=\"e\"} 1\n# EOF\n", TEXT_OPENMETRICS, NULL) == TEXT_EBAD,
		"no blanks in OpenMetrics label sets");
	T_CHECK(verdict("# a comment\n# EOF\n", TEXT_OPENMETRICS, NULL) == TEXT_EBAD,
		"no free comments in OpenMetrics");
	T_CHECK(verdict("a 1 NaN\n# EOF\n", TEXT_OPENMETRICS, &d) == TEXT_EBAD && has(d, "finite"),
		"NaN timestamp: %s", d);
	free(d);
	T_CHECK(verdict("# UNIT a_seconds seconds\na_seconds 1\n# EOF\n", TEXT_OPENMETRICS, NULL) == 0,
		"unit suffix");
	T_CHECK(verdict("# UNIT a seconds\n# EOF\n", TEXT_OPENMETRICS, &d) == TEXT_EBAD &&
		has(d, "not a suffix"), "unit not a suffix: %s", d);
	free(d);

	/* TEXT_AUTO */
	rc = parse("a 1 2\n# EOF\n", TEXT_AUTO, &c, NULL);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].ts_ms == 2000, "auto: ends in # EOF, OpenMetrics");
	coll_free(&c);
	rc = parse("a 1 2\n", TEXT_AUTO, &c, NULL);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].ts_ms == 2, "auto: 0.0.4");
	coll_free(&c);
	coll_init(&c);
	rc = run_mem("a 1 2\n", 6, "f.om.txt", TEXT_AUTO, &c, &d);
	T_CHECK(rc == TEXT_EBAD && has(d, "# EOF"), "auto: .om.txt is OpenMetrics: %s", d);
	coll_free(&c);
	free(d);
}

/* --- descriptors ---------------------------------------------------------- */

/*
 * A child writes text to a pipe a byte at a time, after first and pause
 * microseconds; the reader reads the other end.  The child frees tofree, its
 * copy of the caller's heap, for valgrind.
 */
static int
through_pipe(const char *text, size_t len, enum text_format fmt, coll *c, char **diag,
	     useconds_t pause, useconds_t first, void *tofree)
{
	int p[2], rc, st;
	pid_t pid;

	if (pipe(p) < 0 || (pid = fork()) < 0)
		abort();
	if (pid == 0) {
		close(p[0]);
		usleep(first);
		for (size_t i = 0; i < len; i++) {
			if (write(p[1], text + i, 1) != 1)
				_exit(1);
			if (pause)
				usleep(pause);
		}
		free(tofree);
		_exit(0);
	}
	close(p[1]);
	coll_init(c);
	rc = run_fd(p[0], "pipe", fmt, c, diag);
	close(p[0]);
	waitpid(pid, &st, 0);
	return rc;
}

static void
on_alarm(int sig)
{
	(void)sig;
}

static void
descriptors(void)
{
	static const char text[] = "a{b=\"c\"} 1.5 2\nd 3";
	struct sigaction sa, old;
	struct itimerval it;
	char *d, *big, *w;
	coll c, m;
	int fd, rc;
	size_t n;

	rc = through_pipe(text, sizeof text - 1, TEXT_PROM, &c, &d, 1000, 0, NULL);
	T_CHECK(rc == 0 && c.n == 2 && c.s[0].value == 1.5 && c.s[0].ts_ms == 2 &&
		strcmp(c.s[0].labels[0].value, "c") == 0 && c.s[1].value == 3,
		"1-byte reads from a pipe: rc %d, %zu samples, %s", rc, c.n, d);
	coll_free(&c);
	free(d);
	rc = through_pipe("a 1 2\n# EOF\n", 12, TEXT_AUTO, &c, &d, 0, 0, NULL);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].ts_ms == 2000, "auto on a short pipe: rc %d %s", rc, d);
	coll_free(&c);
	free(d);

	/* TEXT_AUTO on a pipe longer than the look-ahead: 0.0.4, and an error if it ends in # EOF. */
	if (!(big = malloc(100000)))
		abort();
	for (w = big; w - big < 80000;)
		w += sprintf(w, "a 1 2\n");
	strcpy(w, "# EOF\n");
	rc = through_pipe(big, strlen(big), TEXT_AUTO, &c, &d, 0, 0, big);
	T_CHECK(rc == TEXT_EBAD && c.n > 10000 && has(d, "pipe:13335:1: error: input ends in \"# EOF\""),
		"auto on a long pipe ending in # EOF: rc %d: %.80s", rc, d);
	coll_free(&c);
	free(d);
	rc = through_pipe(big, (size_t)(w - big), TEXT_AUTO, &c, &d, 0, 0, big);
	T_CHECK(rc == 0 && c.n == 13334 && c.s[0].ts_ms == 2, "auto on a long pipe: rc %d %s", rc, d);
	coll_free(&c);
	free(d);
	free(big);

	/* A read interrupted by a signal is retried. */
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	sigaction(SIGALRM, &sa, &old);
	memset(&it, 0, sizeof it);
	it.it_value.tv_usec = 20000;
	setitimer(ITIMER_REAL, &it, NULL);
	rc = through_pipe("e 4\n", 4, TEXT_PROM, &c, &d, 0, 200000, NULL);
	sigaction(SIGALRM, &old, NULL);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].value == 4, "EINTR: rc %d %s", rc, d);
	coll_free(&c);
	free(d);

	/* Lines of every length across the 64 KiB buffer, and one that grows it. */
	if (!(big = malloc(4 << 20)))
		abort();
	w = big;
	for (int i = 0; i < 20000; i++)
		w += sprintf(w, "m%d{l=\"%.*s\"} %d %d\n", i % 7, i % 97, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", i, i);
	w += sprintf(w, "long{l=\"");
	memset(w, 'y', 300000);
	w += 300000;
	w += sprintf(w, "\"} 7\nlast 8");
	n = (size_t)(w - big);
	coll_init(&c);
	coll_init(&m);
	fd = tmpfd(big, n);
	rc = run_fd(fd, "big", TEXT_PROM, &c, &d);
	close(fd);
	free(d);
	T_CHECK(rc == 0 && c.n == 20002 && c.s[20000].labels[0].value_len == 300000 &&
		c.s[20001].value == 8 && c.s[20001].line == 20002, "long input from a file: rc %d, %zu", rc, c.n);
	rc = run_mem(big, n, "big", TEXT_PROM, &m, &d);
	free(d);
	T_CHECK(rc == 0 && coll_equal(&c, &m), "file and memory agree");
	coll_free(&c);
	coll_free(&m);

	/* A line over 1 MiB is an error, from a file and from memory. */
	w = big + sprintf(big, "ok 1\nm{l=\"");
	memset(w, 'z', (1 << 20) + 10);
	w += (1 << 20) + 10;
	w += sprintf(w, "\"} 1\n");
	n = (size_t)(w - big);
	fd = tmpfd(big, n);
	coll_init(&c);
	rc = run_fd(fd, "huge", TEXT_PROM, &c, &d);
	close(fd);
	T_CHECK(rc == TEXT_EBAD && c.n == 1 && has(d, "huge:2:1: error: line too long"),
		"line too long from a file: %.60s", d);
	coll_free(&c);
	free(d);
	rc = run_mem(big, n, "huge", TEXT_PROM, (coll_init(&c), &c), &d);
	T_CHECK(rc == TEXT_EBAD && has(d, "huge:2:1: error: line too long"), "line too long in memory");
	coll_free(&c);
	free(d);
	free(big);

	/* TEXT_AUTO on a regular file looks at its end. */
	fd = tmpfd("a 1 3\n# EOF\n", 12);
	rc = run_fd(fd, "f", TEXT_AUTO, (coll_init(&c), &c), &d);
	close(fd);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].ts_ms == 3000, "auto on a file: rc %d %s", rc, d);
	coll_free(&c);
	free(d);

	/* A read error is TEXT_EIO, with a diagnostic. */
	fd = open(".", O_RDONLY);
	rc = run_fd(fd, "dir", TEXT_PROM, (coll_init(&c), &c), &d);
	close(fd);
	T_CHECK(rc == TEXT_EIO && has(d, "dir:1:1: error: read error"), "read error: %d %s", rc, d);
	coll_free(&c);
	free(d);
}

static void
callback_stop(void)
{
	coll c;
	char *d;
	int fd, rc;

	coll_init(&c);
	c.stop = 7;
	c.stop_after = 1;
	rc = run_mem("a 1\nb 2\nc x\n", 12, "s", TEXT_PROM, &c, &d);
	T_CHECK(rc == 7 && c.n == 1 && !*d, "callback stops the reader: rc %d, %zu", rc, c.n);
	coll_free(&c);
	free(d);
	coll_init(&c);
	c.stop = 9;
	c.stop_after = 2;
	fd = tmpfd("a 1\nb 2\nc 3\n", 12);
	rc = run_fd(fd, "s", TEXT_PROM, &c, &d);
	close(fd);
	T_CHECK(rc == 9 && c.n == 2, "callback stops the fd reader: rc %d, %zu", rc, c.n);
	coll_free(&c);
	free(d);
}

/* A stream: pieces of any size, the end of a line in the next piece, and what TEXT_AUTO cannot see. */
static void
streams(void)
{
	static const char text[] = "# TYPE a gauge\na{x=\"1\"} 1 10\na{x=\"1\"} 2 20\nb 3 30\nb 4";
	coll m, c;
	char *dm, *d;
	int rc;

	run_mem(text, sizeof text - 1, "s", TEXT_PROM, (coll_init(&m), &m), &dm);
	for (size_t piece = 1; piece <= sizeof text; piece++) {
		rc = run_stream(text, sizeof text - 1, "s", TEXT_PROM, piece, (coll_init(&c), &c), &d);
		T_CHECK(rc == 0 && !*d && coll_equal(&m, &c) && c.n == 4 && c.s[3].ts_ms == 0 && !c.s[3].has_ts,
			"a stream in pieces of %zu: rc %d, %zu samples, %s", piece, rc, c.n, d);
		coll_free(&c);
		free(d);
	}
	coll_free(&m);
	free(dm);

	/* TEXT_AUTO: 0.0.4, but OpenMetrics by the name, and an error at an end in # EOF */
	rc = run_stream("a 1 2\n# EOF\n", 12, "s.om.txt", TEXT_AUTO, 4, (coll_init(&c), &c), &d);
	T_CHECK(rc == 0 && c.n == 1 && c.s[0].ts_ms == 2000, "auto stream named .om.txt: rc %d %s", rc, d);
	coll_free(&c);
	free(d);
	rc = run_stream("a 1 2\n# EOF\n", 12, "-", TEXT_AUTO, 4, (coll_init(&c), &c), &d);
	T_CHECK(rc == TEXT_EBAD && c.n == 1 && c.s[0].ts_ms == 2 &&
		has(d, "-:2:1: error: input ends in \"# EOF\" like OpenMetrics, but was read as text format "
		    "0.0.4 (a stream is read as it comes"), "auto stream ending in # EOF: rc %d %s", rc, d);
	coll_free(&c);
	free(d);

	/* a line too long, though no piece is */
	size_t n = 1024 * 1024 + 10;
	char *big = malloc(n + 8);
	if (!big)
		abort();
	memcpy(big, "a 1 2\n", 6);
	memset(big + 6, 'x', n - 6);
	rc = run_stream(big, n, "s", TEXT_PROM, 65536, (coll_init(&c), &c), &d);
	T_CHECK(rc == TEXT_EBAD && c.n == 1 && has(d, "s:2:1: error: line too long"), "a stream's line too long: %.60s", d);
	coll_free(&c);
	free(d);
	free(big);
}

int
main(void)
{
	conformance();
	numbers_edges();
	numbers_random();
	timestamps_random();
	basics();
	strings();
	label_rules();
	crlf();
	diagnostics();
	openmetrics();
	descriptors();
	callback_stop();
	streams();
	return T_DONE();
}
