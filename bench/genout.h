/*
 * genout.h: the output buffer of the bench's generators (gen.c, genpods.c,
 * genstats.c): bytes, whole numbers, a flush.  Each includes it once after
 * defining GENOUT_NAME, the name its write error is said under.
 */
#ifndef GENOUT_H
#define GENOUT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTSZ	(1 << 20)

static char out[OUTSZ + 256];	/* the spare: a number after a full buffer */
static size_t outn;

static void
flush(void)
{
	if (outn && fwrite(out, 1, outn, stdout) != outn) {
		perror(GENOUT_NAME ": write");
		exit(1);
	}
	outn = 0;
}

static void
puts_(const char *s, size_t n)
{
	memcpy(out + outn, s, n);
	outn += n;
	if (outn >= OUTSZ)
		flush();
}

static void
putu(uint64_t v)
{
	char b[24];
	int i = sizeof b;

	do
		b[--i] = (char)('0' + v % 10);
	while (v /= 10);
	puts_(b + i, sizeof b - (size_t)i);
}

#endif
