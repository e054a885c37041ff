/* util.c: allocation, whole-file reads, time and duration formats. */
#include "util.h"

#include "novagate.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void *
oom(size_t n)
{
	fprintf(stderr, "novagate: out of memory (%zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom(n);
}

void *
xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom(n * size);
}

void *
xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q ? q : oom(n);
}

void *
util_grow_to(void *p, int *n, int k, size_t size, int first)
{
	int m = *n ? *n : first;

	if (k < *n)
		return p;
	while (m <= k)
		m *= 2;
	p = xrealloc(p, (size_t)m * size);
	memset((char *)p + (size_t)*n * size, 0, (size_t)(m - *n) * size);
	*n = m;
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

char *
xstrndup(const char *s, size_t n)
{
	char *c = xmalloc(n + 1);

	memcpy(c, s, n);
	c[n] = '\0';
	return c;
}

char *
util_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t n = 0, cap = 8192;
	char *buf;

	if (fd < 0)
		return NULL;
	/* a regular file's size is known: one buffer, no copies (+1 to see the end, +1 for the NUL) */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uintmax_t)st.st_size < SIZE_MAX / 2)
		cap = (size_t)st.st_size + 2;
	buf = xmalloc(cap);
	for (;;) {
		if (cap - n < 2)	/* it grew, or it is not a regular file */
			buf = xrealloc(buf, cap *= 2);
		ssize_t r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			free(buf);
			errno = e;
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

void
util_fmt_duration(char *buf, size_t size, int64_t ms)
{
	static const struct { char u[3]; int64_t ms; } units[] = {
		{ "y", 365LL * 24 * 3600 * 1000 }, { "w", 7LL * 24 * 3600 * 1000 },
		{ "d", 24LL * 3600 * 1000 }, { "h", 3600 * 1000 }, { "m", 60 * 1000 },
		{ "s", 1000 }, { "ms", 1 },
	};
	size_t n = 0;

	if (ms <= 0) {
		snprintf(buf, size, "0s");
		return;
	}
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof units / sizeof *units && n < size; i++) {
		if (ms >= units[i].ms) {
			n += snprintf(buf + n, size - n, "%lld%s",
				      (long long)(ms / units[i].ms), units[i].u);
			ms %= units[i].ms;
		}
	}
}

void
util_fmt_time(char *buf, size_t size, int64_t ms)
{
	int64_t s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000);
	int frac = (int)(ms - s * 1000);
	time_t t = (time_t)s;
	struct tm tm;

	gmtime_r(&t, &tm);
	if (frac)
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
	else
		snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

int
util_parse_time(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, n = 0;
	char *end;

	if (sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) == 6 && n > 0) {
		const char *p = s + n;
		int64_t frac = 0, scale = 1000;

		static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
		if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] || (mo == 2 && d == 29 && !leap) ||
		    h > 23 || mi > 59 || sec > 60)
			return -1;
		if (*p == '.') {
			p++;
			if (*p < '0' || *p > '9')
				return -1;
			for (; *p >= '0' && *p <= '9'; p++)
				if (scale > 1)
					scale /= 10, frac += (*p - '0') * scale;
		}
		int64_t off = 0;
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			int oh, om, k = 0;
			if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &k) != 2 || k != 5)
				return -1;
			off = (oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
			p += 1 + k;
		} else {
			return -1;
		}
		if (*p)
			return -1;
		int64_t t = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec - off;
		*ms = t * 1000 + frac;
		return 0;
	}
	/* plain decimal seconds: strtod alone would take " 5", 0x10 and inf */
	for (const char *c = s; *c; c++)
		if (!((*c >= '0' && *c <= '9') || *c == '.' || (c == s && *c == '-')))
			return -1;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end || errno || !(v >= -62135596800.0 && v <= 253402300799.0))
		return -1;
	*ms = (int64_t)(v * 1000 + (v < 0 ? -0.5 : 0.5));
	return 0;
}

void
util_fmt_double(char *buf, size_t size, double v)
{
	/* the shortest %g that reads back as the same double */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, size, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

int64_t
util_gcd(int64_t a, int64_t b)
{
	while (b) {
		int64_t r = a % b;
		a = b;
		b = r;
	}
	return a;
}

/* --- the public spellings (novagate.h) ------------------------------------ */

void *
ng_realloc(void *p, size_t n)
{
	return xrealloc(p, n);
}

bool
ng_parse_time(const char *s, int64_t *ms)
{
	return util_parse_time(s, ms) == 0;
}

void
ng_format_time(char *buf, size_t size, int64_t ms)
{
	util_fmt_time(buf, size, ms);
}

void
ng_format_duration(char *buf, size_t size, int64_t ms)
{
	util_fmt_duration(buf, size, ms);
}

int
util_cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	if (isnan(x))
		return isnan(y) ? 0 : -1;
	if (isnan(y))
		return 1;
	return (x > y) - (x < y);
}

double
util_quantile_sorted(const double *v, size_t k, double phi)
{
	double rank = phi * (double)(k - 1);
	size_t lo = (size_t)floor(rank), hi = lo + 1 < k ? lo + 1 : k - 1;
	double wt = rank - floor(rank);

	return v[lo] * (1 - wt) + v[hi] * wt;
}
