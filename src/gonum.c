/*
 * gonum.c: numbers as Go's strconv reads them (ParseUint with base 0,
 * ParseFloat), for promtool's series notation, which PromQL's lexer hands
 * to strconv: 010 is 8, 1_000 is 1000, 0x1p-2 is not a number here.
 */
#include "gonum.h"

#include <math.h>
#include <stdlib.h>

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* strconv.underscoreOK: underscores only between digits (or after a base prefix). */
static bool
underscore_ok(const char *s, size_t n)
{
	int saw = '^';
	size_t i = 0;
	bool hex = false;

	if (n >= 1 && (s[0] == '-' || s[0] == '+'))
		s++, n--;
	if (n >= 2 && s[0] == '0' && (lower(s[1]) == 'b' || lower(s[1]) == 'o' || lower(s[1]) == 'x')) {
		i = 2;
		saw = '0';
		hex = lower(s[1]) == 'x';
	}
	for (; i < n; i++) {
		if (is_digit(s[i]) || (hex && lower(s[i]) >= 'a' && lower(s[i]) <= 'f')) {
			saw = '0';
			continue;
		}
		if (s[i] == '_') {
			if (saw != '0')
				return false;
			saw = '_';
			continue;
		}
		if (saw == '_')
			return false;
		saw = '!';
	}
	return saw != '_';
}

/* strconv.ParseUint(s, base, 64); base 0 reads a prefix (0b, 0o, 0x, 0) and allows underscores. */
int
gonum_parse_uint(const char *s, size_t n, int base, uint64_t *out)
{
	const char *s0 = s;
	size_t n0 = n;
	bool base0 = base == 0, underscores = false;
	uint64_t x = 0;

	if (n == 0)
		return GONUM_SYNTAX;
	if (base0) {
		base = 10;
		if (s[0] == '0') {
			if (n >= 3 && lower(s[1]) == 'b')
				base = 2, s += 2, n -= 2;
			else if (n >= 3 && lower(s[1]) == 'o')
				base = 8, s += 2, n -= 2;
			else if (n >= 3 && lower(s[1]) == 'x')
				base = 16, s += 2, n -= 2;
			else
				base = 8, s++, n--;
		}
	}
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i], d;
		if (c == '_' && base0) {
			underscores = true;
			continue;
		}
		if (is_digit(c))
			d = c - '0';
		else if (lower(c) >= 'a' && lower(c) <= 'z')
			d = lower(c) - 'a' + 10;
		else
			return GONUM_SYNTAX;
		if (d >= base)
			return GONUM_SYNTAX;
		if (x > (UINT64_MAX - (uint64_t)d) / (uint64_t)base) {
			/* Go keeps reading for syntax errors before it reports the range */
			for (size_t j = i + 1; j < n; j++) {
				int cj = (unsigned char)s[j];
				int dj = is_digit(cj) ? cj - '0' : lower(cj) >= 'a' && lower(cj) <= 'z' ?
					lower(cj) - 'a' + 10 : 99;
				if (!(cj == '_' && base0) && dj >= base)
					return GONUM_SYNTAX;
			}
			if (underscores && !underscore_ok(s0, n0))
				return GONUM_SYNTAX;
			return GONUM_RANGE;
		}
		x = x * (uint64_t)base + (uint64_t)d;
	}
	if (underscores && !underscore_ok(s0, n0))
		return GONUM_SYNTAX;
	*out = x;
	return GONUM_OK;
}

/* strconv.ParseFloat(s, 64) for the decimal forms a series number can take. */
int
gonum_parse_float(const char *s, size_t n, double *out)
{
	size_t i = 0;
	bool digits = false, dot = false, underscores = false;
	char buf[512], *end;
	size_t k = 0;

	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	for (; i < n; i++) {
		if (s[i] == '_')
			underscores = true;
		else if (s[i] == '.' && !dot)
			dot = true;
		else if (is_digit(s[i]))
			digits = true;
		else
			break;
	}
	if (!digits)
		return GONUM_SYNTAX;
	if (i < n && lower(s[i]) == 'e') {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !is_digit(s[i]))
			return GONUM_SYNTAX;
		for (; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
			underscores |= s[i] == '_';
	}
	if (i != n || (underscores && !underscore_ok(s, n)))
		return GONUM_SYNTAX;
	for (i = 0; i < n && k + 1 < sizeof buf; i++)
		if (s[i] != '_')
			buf[k++] = s[i];
	if (i < n)
		return GONUM_RANGE;	/* longer than any double needs: a number this long is absurd */
	buf[k] = '\0';
	*out = strtod(buf, &end);
	if (isinf(*out))
		return GONUM_RANGE;	/* Go reports overflow, not underflow */
	return GONUM_OK;
}

