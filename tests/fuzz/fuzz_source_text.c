/*
 * fuzz_source_text.c: libFuzzer entry point for the text-format reader.
 * The first byte picks the format; every sample handed over must be
 * NUL-terminated where it says, on a line that does not go backwards.
 * `make fuzz` runs it over tests/fuzz/corpus/source_text/ (the exposition
 * files of tests/conformance, valid and not, and its fuzz seeds).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
check(void *ctx, const text_sample *s)
{
	unsigned *line = ctx;

	if (s->name[s->name_len] != '\0' || s->line < *line || s->name_len == 0)
		abort();
	for (size_t i = 0; i < s->nlabels; i++)
		if (s->labels[i].name[s->labels[i].name_len] != '\0' ||
		    s->labels[i].value[s->labels[i].value_len] != '\0')
			abort();
	*line = s->line;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static ng_diags *diags;
	unsigned line = 0;
	int rc;

	if (!diags)
		diags = ng_diags_new();
	if (size == 0)
		return 0;
	rc = text_read_mem((const char *)data + 1, size - 1, "fuzz", (enum text_format)(data[0] % 3),
			   check, &line, diags);
	ng_diags_clear(diags);
	if (rc != 0 && rc != TEXT_EBAD)
		abort();
	return 0;
}
