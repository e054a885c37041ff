/*
 * source_text.h: samples in the Prometheus text exposition format (0.0.4)
 * and OpenMetrics 1.0, read as a stream.
 *
 * The reader owns a fixed-size buffer; each ng_sample handed to the callback
 * points into it and is valid only during the call.  Memory does not grow
 * with the length of the input (a line may be at most 1 MiB).
 *
 * Samples reach the callback as they are read: when the reader then fails,
 * the caller drops what it was given.  OpenMetrics `_created` samples of
 * counters, summaries and histograms are start times and are not passed on.
 * What is accepted is set out at the top of source_text.c.
 */
#ifndef NG_SOURCE_TEXT_H
#define NG_SOURCE_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "novagate.h"

typedef struct text_label {
	const char *name, *value;	/* unescaped, NUL-terminated */
	size_t name_len, value_len;
} text_label;

typedef struct text_sample {
	const char *name;		/* metric name, unescaped, NUL-terminated */
	size_t name_len;
	const text_label *labels;	/* without __name__, in input order */
	size_t nlabels;
	double value;
	int64_t ts_ms;			/* valid when has_ts */
	bool has_ts;
	unsigned line;			/* 1-based line of the sample */
	/*
	 * Shortcuts for callbacks that look samples up: two samples with the
	 * same nonzero name_id have the same name, two with the same nonzero
	 * labels_id the same labels (names, values, order), whichever reader
	 * of the process gave them.  0 says nothing; the reverse does not hold
	 * (the same name may come again under another id).  labels_id is
	 * TEXT_NOLABELS for every sample without labels.
	 */
	uint64_t name_id, labels_id;
} text_sample;

#define TEXT_NOLABELS 1

/* Return 0 to go on; anything else stops the reader, which returns it. */
typedef int (*text_sample_fn)(void *ctx, const text_sample *s);

enum text_format {
	TEXT_AUTO,		/* OpenMetrics if the path ends in .om.txt or the input ends in a
				 * '# EOF' line, else 0.0.4.  text_read_fd looks at the end of a
				 * regular file; a pipe it reads ahead up to 64 KiB, and if it is
				 * longer reads it as 0.0.4 and fails should it end in '# EOF'. */
	TEXT_PROM,		/* text format 0.0.4 */
	TEXT_OPENMETRICS,	/* OpenMetrics 1.0 */
	/*
	 * Or'ed into one of the above: the input must be whole.  0.0.4 input
	 * that ends inside a line (its last without the newline the format
	 * asks for, which the Prometheus server does not insist on) is then an
	 * error, not a last sample: it was likely cut short, and a gate must
	 * not decide on part of its input.  OpenMetrics has "# EOF" for this.
	 */
	TEXT_WHOLE = 0x100
};

/*
 * Read all of fd.  On a malformed line, adds one diagnostic (NG_EINPUT,
 * at PATH:LINE:COL, with the line) to diags and returns TEXT_EBAD; on a read
 * error TEXT_EIO, also with a diagnostic; a callback's nonzero return is
 * passed through; 0 at the end of a well-formed input.  Out of memory
 * aborts, as everywhere in the engine (util.h).
 */
#define TEXT_EBAD (-1)
#define TEXT_EIO  (-2)
int text_read_fd(int fd, const char *path, enum text_format fmt,
		 text_sample_fn fn, void *ctx, ng_diags *diags);
/* The same over a buffer in memory. */
int text_read_mem(const char *buf, size_t len, const char *path,
		  enum text_format fmt, text_sample_fn fn, void *ctx, ng_diags *diags);

/*
 * Input given piece by piece as it comes (watch --input): each line is
 * read as soon as it is whole, as text_read_fd would read it.  TEXT_AUTO,
 * which cannot look ahead here, reads OpenMetrics if the path ends in
 * .om.txt, else 0.0.4, and fails at the end should the input end in a
 * '# EOF' line.  The stream keeps the bytes of its partial line, at most
 * a line's worth.
 */
typedef struct text_stream text_stream;
text_stream *text_stream_new(const char *path, enum text_format fmt, text_sample_fn fn, void *ctx);
void text_stream_free(text_stream *s);
/* Append n bytes (copied); n 0: the input has ended. */
void text_stream_write(text_stream *s, const char *p, size_t n);
/*
 * Read the lines that are whole (after the end, every line, and check the
 * end): 0 when none is left, else as text_read_fd with its diagnostic in
 * diags.  After a callback's nonzero return the next call goes on with
 * the next line.
 */
int text_stream_read(text_stream *s, ng_diags *diags);

/*
 * For tests and fuzzing.  text_read_mem_slow reads every line with the
 * general parser, never the fast path for runs of one family's samples: the
 * two must agree on every sample, error and line.  (A sample without a
 * timestamp reaches the callback with has_ts false; ng_check gives it the
 * time its caller says is now.)
 */
int text_read_mem_slow(const char *buf, size_t len, const char *path,
		       enum text_format fmt, text_sample_fn fn, void *ctx, ng_diags *diags);

#endif
