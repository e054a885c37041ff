/*
 * check_text.h: text input into a check, sample by sample: what check.c's
 * readers of a whole input share with reader.c's of a stream.  Between
 * check_text_begin() and the end of the input, errors go to its ng_diags,
 * located in the input named there.
 */
#ifndef NG_CHECK_TEXT_H
#define NG_CHECK_TEXT_H

#include <stdint.h>

#include "novagate.h"
#include "source_text.h"

/* Input named name, errors into d; now is the time of samples without a timestamp. */
void check_text_begin(ng_check *c, const char *name, int64_t now, ng_diags *d);

enum { CHECK_TEXT_NONE = -1, CHECK_TEXT_ERROR = -2 };
/*
 * The series of a text sample, made when new: its handle for
 * check_text_push() with *v the value to push (a staleness marker for one
 * with __stale__); CHECK_TEXT_NONE when there is nothing to push (a
 * record of the server's, a sample no evaluated gate reads);
 * CHECK_TEXT_ERROR after an error (NG_EINPUT: a series the check refuses).
 */
int check_text_series(ng_check *c, const text_sample *s, double *v);
/* Push it at t, from the input's line; 0, or NG_EINPUT after an error (out of time order or range). */
int check_text_push(ng_check *c, int h, int64_t t, double v, unsigned line);
/*
 * The end of a read that returned r (a text reader's status, or a
 * callback's NG_ code): the ng_errcode, with a warning when r is 0 and
 * no sample of a metric the gates read came.
 */
ng_errcode check_text_done(ng_check *c, int r);

#endif
