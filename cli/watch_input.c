/*
 * watch_input.c: `novagate watch --input FILE|-`: samples as they come,
 * their own timestamps driving the steps of the grid that a watch of a
 * server steps on.  The first step is the first time of the grid at or
 * after the first sample; step k, at t0 + k * tick, is complete when a
 * sample later than it comes (one at its very time still belongs to it),
 * and is evaluated before that sample is pushed, so that each line is what
 * check --at that step gives of the samples read so far.  A quiet input
 * prints nothing; at its end the step that holds the last sample is
 * evaluated for the last line.  Memory: the check keeps what the gates can
 * still read; the reader, a partial line; the input is read in CHUNKs.
 */
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (64 * 1024)

typedef struct stream {
	watcher *w;
	ng_reader *r;
	ng_diags *d;
	const char *name;
	int fd;
	char *buf;		/* CHUNK bytes */
	bool begun;		/* a sample came: t0 is set */
	bool ended;		/* the input has ended */
	int magic;		/* of RECORD_MAGIC, the bytes matched so far; -1: not a recording */
	int64_t k;		/* the next step to evaluate */
} stream;

static int64_t
step_at(const watcher *w, int64_t k)
{
	return w->t0 + k * w->tick;
}

/* Evaluate step k; -1 to go on, else the exit status, after the last line. */
static int
step(watcher *w, int64_t k, bool end)
{
	int64_t t = step_at(w, k);
	note n = { 0 };
	int st;

	if ((st = watch_baseline(w, t)) != 0)
		return st;
	ng_verdict v = ng_check_eval(w->c, t);
	w->t = t;
	if (v == NG_ROLLBACK || k >= w->last_k || end) {
		n.final = true;
		n.reason = v == NG_ROLLBACK ? "rollback" : k >= w->last_k ? "window elapsed" : "end of input";
		watch_say(w, &n);
		return cli_verdict_status(v);
	}
	watch_say(w, &n);
	return ferror(stdout) ? cli_verdict_status(v) : -1;
}

/*
 * Whether the input, of which p[0..n) came next, is a recording of
 * novagate record: it holds its samples series by series, so read as they
 * come the steps would be decided on its first series alone.
 */
static bool
recording(stream *s, const char *p, size_t n)
{
	int want = (int)sizeof RECORD_MAGIC - 1;

	for (size_t i = 0; i < n && s->magic >= 0 && s->magic < want; i++)
		s->magic = p[i] == RECORD_MAGIC[s->magic] ? s->magic + 1 : -1;
	if (s->magic != want)
		return false;
	fprintf(stderr, "%s:1:1: error: a recording of novagate record holds its samples series by series, "
		"not as they came: replay it with novagate check --input, with the --at of its header\n"
		"%s\n^%.*s\n", s->name, RECORD_MAGIC, want - 2, "~~~~~~~~~~~~~~~~~~~~~~~~~~~~~~");
	return true;
}

/*
 * Wait for more input and give it to the reader.  0, or the status the
 * watch ends with now: a signal, --max-duration, a read error.  Waits in
 * slices, so that a signal that comes just before poll() is not missed.
 */
static int
more(stream *s)
{
	const cli_opts *o = s->w->o;

	for (;;) {
		int64_t slice = 100;
		if (live_stop)
			return watch_finish(s->w, watch_signal_reason(), EXIT_INTERRUPTED);
		if (o->max_duration) {
			int64_t rest = o->max_duration - (cli_mono_ms() - s->w->started);
			if (rest <= 0)
				return watch_finish(s->w, "max duration", EXIT_MAX_DURATION);
			if (rest < slice)
				slice = rest;
		}
		struct pollfd p = { .fd = s->fd, .events = POLLIN };
		int ready = poll(&p, 1, (int)slice);
		if (ready == 0 || (ready < 0 && errno == EINTR))	/* a signal: said above */
			continue;
		ssize_t n = read(s->fd, s->buf, CHUNK);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			fprintf(stderr, "novagate: %s: %s\n", s->name, strerror(errno));
			return EXIT_IO;
		}
		if (recording(s, s->buf, (size_t)n))
			return EXIT_INPUT;
		ng_reader_write(s->r, s->buf, (size_t)n);
		s->ended = n == 0;
		return 0;
	}
}

/* Read, and evaluate each step as it is complete, until the end; the exit status. */
static int
run(stream *s)
{
	watcher *w = s->w;
	int64_t t;
	int st;

	for (;;) {
		int64_t until = s->begun ? step_at(w, s->k) : INT64_MIN;
		int64_t done = s->begun && s->k > 0 ? step_at(w, s->k - 1) : INT64_MIN;
		ng_errcode rc = ng_reader_read(s->r, done, until, s->d);
		cli_print_diags(s->d);
		ng_diags_clear(s->d);
		if (rc)	/* no line after it: the step under way has not seen all of its samples */
			return cli_exit_status(rc);
		if (ng_reader_held(s->r, &t)) {
			if (!s->begun) {	/* the first sample: the first step at or after it */
				w->t0 = t + ((-t) % w->tick + w->tick) % w->tick;
				s->begun = true;
			}
			for (; step_at(w, s->k) < t; s->k++)	/* a later sample: the steps before it are complete */
				if ((st = step(w, s->k, false)) >= 0)
					return st;
			continue;
		}
		if (s->ended)
			break;
		if ((st = more(s)) != 0)
			return st;
	}
	if (!s->begun)
		return watch_finish(w, "end of input", EXIT_INCONCLUSIVE);
	return step(w, s->k, true);	/* the one that holds the last sample */
}

int
watch_input(watcher *w)
{
	const char *path = w->o->input;
	stream s = { .w = w, .fd = 0, .name = "<stdin>" };
	int st;

	if (strcmp(path, "-") != 0) {
		s.name = path;
		while ((s.fd = open(path, O_RDONLY)) < 0 && errno == EINTR && !live_stop)
			;	/* a FIFO waits for its writer */
		if (s.fd < 0 && live_stop)
			return watch_finish(w, watch_signal_reason(), EXIT_INTERRUPTED);
		if (s.fd < 0) {
			fprintf(stderr, "novagate: %s: %s\n", path, strerror(errno));
			return EXIT_IO;
		}
	}
	s.r = ng_reader_new(w->c, s.name);
	s.d = ng_diags_new();
	s.buf = ng_realloc(NULL, CHUNK);
	st = run(&s);
	if (ng_reader_late(s.r) > 1)
		fprintf(stderr, "novagate: warning: %s: %lld samples came late in all\n", s.name,
			(long long)ng_reader_late(s.r));
	free(s.buf);
	ng_diags_free(s.d);
	ng_reader_free(s.r);
	if (s.fd > 0)
		close(s.fd);
	return st;
}
