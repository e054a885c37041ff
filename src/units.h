/*
 * units.h: number literals with units.  A literal's meaning depends on
 * where it stands: `5m` is 5 minutes after `for`, but 0.005 (milli) in a
 * value.  Both functions take the literal's whole text.
 */
#ifndef NG_UNITS_H
#define NG_UNITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* On error both return -1 and set *err to a message; *errat is the byte offset in s it is about. */
int units_value(const char *s, size_t n, double *v, bool *percent, const char **err, size_t *errat);
int units_duration(const char *s, size_t n, int64_t *ms, const char **err, size_t *errat);

#endif
