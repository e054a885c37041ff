/*
 * reader.c: ng_reader, text input pushed into a check as it comes (watch
 * --input).  The lines are text_stream's, the series and pushes
 * check_text.h's: the same as a check of the whole input, but for the
 * limit in time, which holds the first sample past it back.
 */
#include "novagate.h"

#include <stdlib.h>

#include "check_text.h"
#include "error.h"
#include "source_text.h"
#include "util.h"

/* on_sample's return that stops the stream: a sample is held back */
#define HOLD (-100)

struct ng_reader {
	ng_check *c;
	text_stream *ts;
	char *name;
	ng_diags *d;		/* of the read under way */
	int64_t done, until;	/* of the read under way */
	bool ended;		/* the input has ended */
	bool finished;		/* ... and all of it is read */
	ng_errcode failed;	/* NG_OK, or the error that stopped it */
	bool held;		/* the sample held back: */
	int h;
	int64_t t;
	double v;
	unsigned line;
	int64_t late;
};

static int
push(ng_reader *r, int h, int64_t t, double v, unsigned line)
{
	char at[40], step[40];

	if (t <= r->done && r->late++ == 0) {
		util_fmt_time(at, sizeof at, t);
		util_fmt_time(step, sizeof step, r->done);
		err_add(r->d, NG_SEV_WARNING, NG_OK, ERR_LINE(r->name, line, 1),
			"a late sample, at %s: it came after the step at %s was evaluated, so only the steps "
			"after that read it (later ones are counted, not shown)", at, step);
	}
	return check_text_push(r->c, h, t, v, line);
}

static int
on_sample(void *ctx, const text_sample *s)
{
	ng_reader *r = ctx;
	double v;
	int h = check_text_series(r->c, s, &v);

	if (h < 0)
		return h == CHECK_TEXT_ERROR ? NG_EINPUT : 0;
	if (!s->has_ts)
		return err_add(r->d, NG_SEV_ERROR, NG_EINPUT, ERR_LINE(r->name, s->line, 1),
			       "a sample without a timestamp: a stream's time is its samples' timestamps");
	if (s->ts_ms > r->until && s->ts_ms >= NG_MIN_TIME_MS && s->ts_ms <= NG_MAX_TIME_MS) {	/* else refused now */
		r->held = true;
		r->h = h;
		r->t = s->ts_ms;
		r->v = v;
		r->line = s->line;
		return HOLD;
	}
	return push(r, h, s->ts_ms, v, s->line);
}

ng_reader *
ng_reader_new(ng_check *c, const char *name)
{
	ng_reader *r = xcalloc(1, sizeof *r);

	r->c = c;
	r->name = xstrdup(name ? name : "<input>");
	r->ts = text_stream_new(r->name, TEXT_AUTO | TEXT_WHOLE, on_sample, r);
	return r;
}

void
ng_reader_free(ng_reader *r)
{
	if (!r)
		return;
	text_stream_free(r->ts);
	free(r->name);
	free(r);
}

void
ng_reader_write(ng_reader *r, const void *buf, size_t len)
{
	r->ended |= len == 0;
	text_stream_write(r->ts, buf, len);
}

ng_errcode
ng_reader_read(ng_reader *r, int64_t done, int64_t until, ng_diags *d)
{
	int rc;

	if (r->failed || r->finished)
		return r->failed;
	r->d = d;
	r->done = done;
	r->until = until;
	check_text_begin(r->c, r->name, 0, d);
	if (r->held) {
		if (r->t > until)
			return NG_OK;
		r->held = false;
		if ((rc = push(r, r->h, r->t, r->v, r->line)))
			return r->failed = (ng_errcode)rc;
	}
	rc = text_stream_read(r->ts, d);
	if (rc == HOLD || (rc == 0 && !r->ended))
		return NG_OK;
	r->finished = rc == 0;
	return r->failed = check_text_done(r->c, rc);	/* the end, or an error */
}

bool
ng_reader_held(const ng_reader *r, int64_t *t)
{
	if (r->held)
		*t = r->t;
	return r->held;
}

int64_t
ng_reader_late(const ng_reader *r)
{
	return r->late;
}
