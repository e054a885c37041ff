/*
 * html_axis.c: numbers for people in their units, and the axes they are
 * drawn on: nice ticks (1, 2, 5 times a power of ten) in the numbers as
 * the axis writes them, positions that stay finite.
 */
#include "html_internal.h"

#include <float.h>
#include <math.h>

/* How a unit scales its numbers for an axis whose largest value is max: the factor and the suffix. */
static double
unit_scale(enum unit u, double max, const char **suffix)
{
	max = fabs(max);
	switch (u) {
	case UNIT_RATIO: *suffix = "%"; return 100;
	case UNIT_SECONDS:
		if (max < 1) { *suffix = "ms"; return 1000; }
		*suffix = "s"; return 1;
	case UNIT_BYTES:
		if (max >= 1073741824.0) { *suffix = "GiB"; return 1 / 1073741824.0; }
		if (max >= 1048576.0) { *suffix = "MiB"; return 1 / 1048576.0; }
		if (max >= 1024.0) { *suffix = "KiB"; return 1 / 1024.0; }
		*suffix = "B"; return 1;
	case UNIT_CORES:
		if (max < 1) { *suffix = "m"; return 1000; }
		*suffix = " cores"; return 1;
	default: *suffix = ""; return 1;
	}
}

void
html_fmt_val(char *buf, size_t size, double v, enum unit u)
{
	const char *suffix;
	double f = unit_scale(u, v, &suffix);

	if (isnan(v))
		snprintf(buf, size, "no value");
	else if (isinf(v))
		snprintf(buf, size, v > 0 ? "+Inf" : "-Inf");
	else
		snprintf(buf, size, "%.4g%s", v * f, suffix);
}

void
html_fmt_tick(char *buf, size_t size, double v, double step, double max, enum unit u)
{
	const char *suffix;
	double f = unit_scale(u, max, &suffix);
	int dec = (int)ceil(-log10(step * f) - 1e-9);

	if (dec < 0)
		dec = 0;
	if (dec > 6)
		dec = 6;
	if (fabs(v) < step * 1e-6)
		v = 0;
	snprintf(buf, size, "%.*f%s", dec, v * f, suffix);
}

double
html_axis_pos(double v, double lo, double hi, double a, double b)
{
	double f = (v / 2 - lo / 2) / (hi / 2 - lo / 2);	/* halves: hi - lo may overflow */

	return a + (b - a) * (f < -1 ? -1 : f > 2 ? 2 : f);
}

void
html_range_add(double *lo, double *hi, double v)
{
	if (isnan(v) || isinf(v))
		return;
	if (v < *lo)
		*lo = v;
	if (v > *hi)
		*hi = v;
}

double
html_nice_axis(double lo, double hi, enum unit u, double *alo, double *ahi)
{
	if (lo > hi)
		lo = 0, hi = 1;
	if (!isfinite(hi - lo))	/* values near the double's limits: an axis that halves can hold */
		lo = fmax(lo, -DBL_MAX / 4), hi = fmin(hi, DBL_MAX / 4);
	if (hi - lo <= 1e-9 * fmax(fabs(lo), fabs(hi)))
		lo = hi;	/* a few ulps apart: ticks that small would not move v */
	if (lo > 0 && lo < hi * 0.5)
		lo = 0;		/* latencies, ratios, bytes */
	if (lo == hi && lo >= 0)
		hi = hi > 0 ? hi * 1.2 : 1, lo = 0;
	else if (lo == hi)
		lo = lo * 1.2, hi = 0;
	const char *suffix;
	double f = unit_scale(u, fmax(fabs(lo), fabs(hi)), &suffix);
	double raw = (hi - lo) * f / 5, mag = pow(10, floor(log10(raw))), norm = raw / mag;
	double step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag / f;
	*alo = floor(lo / step) * step;
	*ahi = ceil(hi / step) * step;
	if (*ahi <= hi)	/* room above the highest line */
		*ahi += step;
	return step;
}

int
html_ticks(double lo, double hi, double step)
{
	double n = round((hi - lo) / step);

	return isfinite(n) && n >= 0 && n <= 100 ? (int)n : 0;
}
