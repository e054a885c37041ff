/* gonum.h: numbers as Go's strconv reads them (gonum.c). */
#ifndef NG_GONUM_H
#define NG_GONUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { GONUM_OK, GONUM_SYNTAX, GONUM_RANGE };

/* strconv.ParseUint(s, base, 64); base 0 reads a prefix (0b, 0o, 0x, 0) and allows underscores. */
int gonum_parse_uint(const char *s, size_t n, int base, uint64_t *out);
/* strconv.ParseFloat(s, 64) for the decimal forms a series number can take. */
int gonum_parse_float(const char *s, size_t n, double *out);

#endif
