/* util.h: allocation that never returns NULL (it aborts with a message), and small helpers. */
#ifndef NG_UTIL_H
#define NG_UTIL_H

#include <stddef.h>
#include <stdint.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/*
 * An array indexed by a number that grows (a key, a member): p of *n
 * elements of size bytes, grown by doubling from first so that index k
 * fits, the new elements zeroed.  Returns the array; *n is its new length.
 */
void *util_grow_to(void *p, int *n, int k, size_t size, int first);
char *xstrdup(const char *s);
/* s[0..n) and a NUL: text that is not NUL-terminated, or holds NULs, kept whole. */
char *xstrndup(const char *s, size_t n);

/* Read a whole file (gate and test files, not sample streams); NULL and errno on failure. */
char *util_read_file(const char *path, size_t *len);

/* Format a duration in ms the way Prometheus does ("1h30m", "15s", "500ms"). */
void util_fmt_duration(char *buf, size_t size, int64_t ms);
/* RFC 3339 UTC, milliseconds only when nonzero. */
void util_fmt_time(char *buf, size_t size, int64_t ms);
/* Unix seconds (decimals allowed) or RFC 3339; 0 on success. */
int util_parse_time(const char *s, int64_t *ms);
/* Greatest common divisor, for step grids. */
int64_t util_gcd(int64_t a, int64_t b);
/* qsort's comparison of doubles, NaN first (as Go's sort.Float64s). */
int util_cmp_double(const void *a, const void *b);
/* The phi-quantile (0 <= phi <= 1) of sorted v[0..k), k > 0, interpolated as Prometheus' quantile_over_time. */
double util_quantile_sorted(const double *v, size_t k, double phi);
/* The shortest decimal that reads back as v. */
void util_fmt_double(char *buf, size_t size, double v);

#endif
