/*
 * serve_eval.c: the gates of `novagate serve` and their evaluations.  A
 * question (gate, parameters, instant) has one result however many
 * requests ask it: the first queues it for a worker, the others wait on the
 * same result, and a result that is ready is answered from until its gate's
 * step is over (the instant of a question without `at` moves on with the
 * grid).  A fault is never kept: the requests that waited get it, the next
 * asks again.  Each worker has a client of its own; the compiled files are
 * shared, read only.
 */
#include "serve.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_INFLIGHT 256	/* questions queued or being evaluated; beyond: busy */
#define MAX_KEPT 1024		/* results kept, ready or not; beyond: the oldest ready one goes */
#define MAX_KEPT_BYTES (64 << 20)	/* and their bodies (a gate of many series has large reports) */
#define NBUCKETS 1024		/* of the table of results by key */
#define DEFAULT_WORKERS 4

struct serve_result {
	serve_result *hnext;		/* in its bucket of e->table */
	serve_result *older, *newer;	/* in e->oldest .. e->newest */
	unsigned hash;
	serve_result *qnext;		/* in the queue */
	char *key;
	int gate;
	ng_param *sets;			/* copies */
	int nsets;
	int64_t at;
	int refs;
	bool ready, listed, started;
	bool fault;			/* the server's: never kept, even as an inconclusive verdict */
	int64_t until;			/* monotonic ms: answered from until then */
	int status, verdict;
	char *body;
	size_t len;
	serve_waiter *waiters;
};

typedef struct gate_ref {
	int file, index;
} gate_ref;

struct serve_eval {
	const cli_opts *o;
	int nfiles;
	char **text;			/* each file's source, read once */
	size_t *len;
	ng_gatefile **gf;		/* compiled with the parameters' defaults */
	gate_ref *gates;
	int ngates;
	pthread_mutex_t mu;
	pthread_cond_t work;
	serve_result *table[NBUCKETS];	/* the results kept, by key */
	serve_result *oldest, *newest;
	int nkept, inflight;
	size_t kept_bytes;
	serve_result *qhead, *qtail;
	bool stopping;
	int nworkers, started;
	pthread_t *threads;
	int nservers;			/* the distinct servers the files name (or --prometheus) */
	int *server;			/* each file's, an index of them */
	ng_prom **pc;			/* [worker * nservers + server]: a client a worker and server */
};

static char *
dup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(ng_realloc(NULL, n), s, n);
}

static int
read_text(const char *path, char **text, size_t *len)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 4096, n = 0, r;
	char *b;

	if (!f) {
		fprintf(stderr, "novagate: cannot read %s: %s\n", path, strerror(errno));
		return EXIT_IO;
	}
	b = ng_realloc(NULL, cap);
	while ((r = fread(b + n, 1, cap - n, f)) > 0)
		if ((n += r) == cap)
			b = ng_realloc(b, cap *= 2);
	bool bad = ferror(f);
	fclose(f);
	if (bad) {
		fprintf(stderr, "novagate: cannot read %s\n", path);
		free(b);
		return EXIT_IO;
	}
	*text = b;
	*len = n;
	return 0;
}

static ng_errcode
compile(const serve_eval *e, int file, const ng_param *sets, int nsets, ng_gatefile **gf, ng_diags *d)
{
	ng_compile_opts co = { .sets = sets, .nsets = nsets, .dialect = e->o->dialect };

	return ng_compile(e->o->files[file], e->text[file], e->len[file], &co, gf, d);
}

/*
 * The clients: each file's server is its own (--prometheus,
 * $NOVAGATE_PROMETHEUS_URL, else the file's `prometheus`), and each worker
 * has a client of each.  ng_prom_new is not thread-safe: all of them now.
 */
static int
clients(serve_eval *e)
{
	const char **urls = ng_realloc(NULL, (size_t)e->nfiles * sizeof *urls);
	int first[64], st = 0;	/* a file of each server, for live_client */

	e->server = ng_realloc(NULL, (size_t)e->nfiles * sizeof *e->server);
	for (int i = 0; i < e->nfiles; i++) {
		const char *u = live_url(e->o, e->gf[i]);
		if (!u) {
			fprintf(stderr, "novagate: serve needs a server for %s: --prometheus URL, NOVAGATE_PROMETHEUS_URL "
				"or `prometheus \"URL\"` in it\n", e->o->files[i]);
			free(urls);
			return EXIT_USAGE;
		}
		int j = 0;
		while (j < e->nservers && strcmp(urls[j], u) != 0)
			j++;
		if (j == e->nservers) {
			if (j == (int)(sizeof first / sizeof *first)) {
				fprintf(stderr, "novagate: serve: more than %d servers\n", j);
				free(urls);
				return EXIT_USAGE;
			}
			first[j] = i;
			urls[e->nservers++] = u;
		}
		e->server[i] = j;
	}
	free(urls);
	e->nworkers = e->o->workers ? e->o->workers : DEFAULT_WORKERS;
	size_t n = (size_t)e->nworkers * (size_t)e->nservers;
	e->pc = ng_realloc(NULL, n * sizeof *e->pc);
	for (size_t k = 0; k < n; k++)
		e->pc[k] = NULL;
	for (size_t k = 0; k < n && st == 0; k++)
		e->pc[k] = live_client(e->o, e->gf[first[k % (size_t)e->nservers]], &st);
	return st;
}

int
serve_eval_new(const cli_opts *o, serve_eval **out)
{
	serve_eval *e = ng_realloc(NULL, sizeof *e);
	int st = 0;

	*e = (serve_eval){ .o = o, .nfiles = o->nfiles };
	e->text = ng_realloc(NULL, (size_t)o->nfiles * sizeof *e->text);
	e->len = ng_realloc(NULL, (size_t)o->nfiles * sizeof *e->len);
	e->gf = ng_realloc(NULL, (size_t)o->nfiles * sizeof *e->gf);
	for (int i = 0; i < o->nfiles; i++)
		e->text[i] = NULL, e->gf[i] = NULL;
	pthread_mutex_init(&e->mu, NULL);
	pthread_cond_init(&e->work, NULL);
	*out = e;
	for (int i = 0; i < o->nfiles && st == 0; i++) {
		if ((st = read_text(o->files[i], &e->text[i], &e->len[i])) != 0)
			break;
		ng_diags *d = ng_diags_new();
		st = cli_done(d, compile(e, i, NULL, 0, &e->gf[i], d));
		for (int g = 0; st == 0 && g < ng_gatefile_ngates(e->gf[i]); g++) {
			const char *name = ng_gatefile_gate_name(e->gf[i], g);
			int j = serve_eval_find(e, name);
			if (j >= 0) {
				fprintf(stderr, "novagate: gate '%s' is in both %s and %s: a gate's name is its route\n",
					name, serve_eval_file(e, j), o->files[i]);
				st = EXIT_USAGE;
				break;
			}
			e->gates = ng_realloc(e->gates, (size_t)(e->ngates + 1) * sizeof *e->gates);
			e->gates[e->ngates++] = (gate_ref){ i, g };
		}
	}
	/* the clients: ng_prom_new is not thread-safe, so all of them now */
	return st ? st : clients(e);
}

int
serve_eval_ngates(const serve_eval *e)
{
	return e->ngates;
}

int
serve_eval_find(const serve_eval *e, const char *name)
{
	for (int g = 0; g < e->ngates; g++)
		if (strcmp(serve_eval_gate_name(e, g), name) == 0)
			return g;
	return -1;
}

const char *
serve_eval_gate_name(const serve_eval *e, int gate)
{
	return ng_gatefile_gate_name(e->gf[e->gates[gate].file], e->gates[gate].index);
}

const ng_gatefile *
serve_eval_gatefile(const serve_eval *e, int gate, int *index)
{
	*index = e->gates[gate].index;
	return e->gf[e->gates[gate].file];
}

const char *
serve_eval_file(const serve_eval *e, int gate)
{
	return e->o->files[e->gates[gate].file];
}

static json_t *
duration_json(int64_t ms)
{
	char buf[40];

	ng_format_duration(buf, sizeof buf, ms);
	return json_string(buf);
}

char *
serve_eval_list(const serve_eval *e)
{
	json_t *gates = json_array();

	for (int g = 0; g < e->ngates; g++) {
		int gi;
		const ng_gatefile *gf = serve_eval_gatefile(e, g, &gi);
		ng_gate_info info;
		ng_gatefile_gate_info(gf, gi, &info);
		json_t *params = json_object(), *rules = json_array();
		const char *name, *value;
		for (int i = 0; (name = ng_gatefile_param(gf, i, &value)) != NULL; i++)
			json_object_set_new(params, name, json_string(value));
		for (int r = 0; r < info.nrules; r++) {
			ng_rule_info ri;
			ng_gatefile_rule_info(gf, gi, r, &ri);
			json_array_append_new(rules, json_pack("{s:s,s:o,s:s,s:i}", "kind", ng_rule_kind_name(ri.kind),
							       "name", ri.name ? json_string(ri.name) : json_null(),
							       "condition", ri.source, "line", (int)ri.line));
		}
		json_array_append_new(gates, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o}", "name", serve_eval_gate_name(e, g),
						       "file", serve_eval_file(e, g), "parameters", params,
						       "step", duration_json(info.step_ms), "window",
						       duration_json(info.window_ms), "lookback",
						       duration_json(info.lookback_ms), "rules", rules));
	}
	json_t *j = json_pack("{s:o}", "gates", gates);
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	return s;
}

/* --- one evaluation, on a worker --- */

static void
set_body(serve_result *r, int status, json_t *j)
{
	r->status = status;
	r->body = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
	r->len = r->body ? strlen(r->body) : 0;
	json_decref(j);
}

/* Parameter values the file's queries do not take: 400, with what the compiler said. */
static void
bad_values(serve_result *r, const ng_diags *d)
{
	char *text = NULL, first[1024] = "";
	size_t n = 0;
	FILE *f = open_memstream(&text, &n);

	for (size_t i = 0; i < ng_diags_count(d); i++) {
		const ng_diag *dg = ng_diags_get(d, i);
		if (dg->severity == NG_SEV_ERROR && !first[0])
			snprintf(first, sizeof first, "%s:%u:%u: %s", dg->file ? dg->file : "", dg->line, dg->col,
				 dg->message);
		if (f && dg->severity == NG_SEV_ERROR)
			ng_diag_render(dg, NULL, f);
	}
	if (f)
		fclose(f);
	set_body(r, 400, json_pack("{s:s,s:s}", "error", first[0] ? first : "the parameters do not compile",
				   "diagnostics", text ? text : ""));
	free(text);
}

static void
evaluate(serve_eval *e, int w, serve_result *r)
{
	const gate_ref *g = &e->gates[r->gate];
	const cli_opts *o = e->o;
	ng_gatefile *own = NULL;
	const ng_gatefile *gf = e->gf[g->file];
	int64_t t0 = cli_mono_ms();
	ng_diags *d = ng_diags_new();
	int rc;

	r->verdict = -1;
	if (r->nsets > 0) {
		/* no cache of these: a compile is ~50 us of an evaluation's ~10 ms (bench/serve.sh, uncached) */
		if (compile(e, g->file, r->sets, r->nsets, &own, d) != NG_OK) {
			bad_values(r, d);
			ng_diags_free(d);
			return;
		}
		gf = own;
	}
	ng_check *c = ng_check_new(gf, g->index);
	ng_check_set_max_series(c, live_max_series(o));
	if (o->report_series)
		ng_check_set_report_series(c, o->report_series);
	ng_check_set_at(c, r->at);
	ng_feed *f = ng_feed_new(e->pc[w * e->nservers + e->server[g->file]], gf, c, NG_FEED_CHECK);
	ng_feed_set_max_series(f, live_max_series(o));
	live_sink sink;
	live_sink_init(&sink, c);
	char *errline = NULL;
	rc = live_fetch(f, r->at, live_push, &sink, &sink, &errline, d);
	if (rc == 0) {
		live_absent(f, c, true);
		ng_verdict v = ng_check_eval(c, r->at);
		char *text = NULL;
		size_t n = 0;
		FILE *out = open_memstream(&text, &n);
		if (out) {
			ng_check_report(c, false, out);
			fclose(out);
		}
		while (n > 0 && text[n - 1] == '\n')
			text[--n] = '\0';
		r->status = text ? 200 : 500;
		r->body = text;
		r->len = n;
		r->verdict = (int)v;
		serve_metrics_verdict(r->gate, v);
	} else {
		ng_errcode code = rc > 0 ? (ng_errcode)rc : NG_ECONNECT;	/* -1: stopped */
		r->fault = true;
		fprintf(stderr, "novagate: serve: gate %s at %lld: %s\n", serve_eval_gate_name(e, r->gate),
			(long long)(r->at / 1000), errline && *errline ? errline : ng_errcode_name(code));
		json_t *j = live_fault_json(serve_eval_file(e, r->gate), serve_eval_gate_name(e, r->gate), r->at, code,
					    errline ? errline : "");
		if (o->on_error_inconclusive && live_is_fault(code)) {
			r->verdict = NG_INCONCLUSIVE;
			set_body(r, 200, j);
		} else {
			json_object_del(j, "verdict");	/* a fault is not a verdict */
			set_body(r, 502, j);
		}
	}
	serve_metrics_evaluation((double)(cli_mono_ms() - t0) / 1000, rc == 0 ? NG_OK : rc > 0 ? (ng_errcode)rc : NG_ECONNECT);
	free(errline);
	live_sink_free(&sink);
	ng_feed_free(f);
	ng_check_free(c);
	ng_gatefile_free(own);
	ng_diags_free(d);
}

/* What a result kept takes: its body, key and values. */
static size_t
footprint(const serve_result *r)
{
	size_t n = sizeof *r + r->len + strlen(r->key);

	for (int i = 0; i < r->nsets; i++)
		n += strlen(r->sets[i].name) + strlen(r->sets[i].value) + 2;
	return n;
}

static void
unlist(serve_eval *e, serve_result *r)
{
	for (serve_result **p = &e->table[r->hash % NBUCKETS]; *p; p = &(*p)->hnext)
		if (*p == r) {
			*p = r->hnext;
			break;
		}
	if (r->older)
		r->older->newer = r->newer;
	else
		e->oldest = r->newer;
	if (r->newer)
		r->newer->older = r->older;
	else
		e->newest = r->older;
	r->listed = false;
	e->nkept--;
	e->kept_bytes -= r->ready ? footprint(r) : 0;
}

static void
result_free(serve_result *r)
{
	for (int i = 0; i < r->nsets; i++) {
		free((char *)r->sets[i].name);
		free((char *)r->sets[i].value);
	}
	free(r->sets);
	free(r->key);
	free(r->body);
	free(r);
}

typedef struct worker_arg {
	serve_eval *e;
	int w;
} worker_arg;

static void *
worker(void *arg)
{
	serve_eval *e = ((worker_arg *)arg)->e;
	int w = ((worker_arg *)arg)->w;

	free(arg);
	pthread_mutex_lock(&e->mu);
	for (;;) {
		while (!e->qhead && !e->stopping)
			pthread_cond_wait(&e->work, &e->mu);
		serve_result *r = e->qhead;
		if (!r)
			break;
		if (!(e->qhead = r->qnext))
			e->qtail = NULL;
		r->started = true;
		bool stopping = e->stopping;
		pthread_mutex_unlock(&e->mu);
		if (stopping) {	/* queued when SIGTERM came: answered at once, not evaluated */
			r->verdict = -1;
			r->fault = true;
			set_body(r, 503, json_pack("{s:s}", "error", "shutting down"));
		} else {
			evaluate(e, w, r);
		}
		pthread_mutex_lock(&e->mu);
		int64_t step = 0;
		int gi;
		ng_gate_info info;
		const ng_gatefile *gf = serve_eval_gatefile(e, r->gate, &gi);
		if (ng_gatefile_gate_info(gf, gi, &info) == 0)
			step = info.step_ms;
		r->ready = true;
		e->inflight--;
		e->kept_bytes += footprint(r);
		r->until = cli_mono_ms() + step;
		if (r->fault || (r->status != 200 && r->status != 400))
			unlist(e, r);	/* a fault: the next question asks again */
		serve_waiter *ws = r->waiters;
		r->waiters = NULL;
		bool last = --r->refs == 0 && !r->listed;
		pthread_mutex_unlock(&e->mu);
		/* each waiter was suspended under e->mu, before the worker could see it */
		while (ws) {
			serve_waiter *next = ws->next;
			ws->resume(ws->ctx);
			ws = next;
		}
		if (last)
			result_free(r);
		pthread_mutex_lock(&e->mu);
	}
	pthread_mutex_unlock(&e->mu);
	return NULL;
}

int
serve_eval_start(serve_eval *e)
{
	e->threads = ng_realloc(NULL, (size_t)e->nworkers * sizeof *e->threads);
	for (int w = 0; w < e->nworkers; w++) {
		worker_arg *a = ng_realloc(NULL, sizeof *a);
		*a = (worker_arg){ e, w };
		if (pthread_create(&e->threads[w], NULL, worker, a) != 0) {
			free(a);
			fprintf(stderr, "novagate: cannot start a worker thread\n");
			return -1;
		}
		e->started++;
	}
	return 0;
}

void
serve_eval_drain(serve_eval *e)
{
	pthread_mutex_lock(&e->mu);
	e->stopping = true;
	pthread_cond_broadcast(&e->work);
	pthread_mutex_unlock(&e->mu);
}

void
serve_eval_stop(serve_eval *e)
{
	serve_eval_drain(e);
	for (int w = 0; w < e->started; w++)
		pthread_join(e->threads[w], NULL);
	e->started = 0;
}

void
serve_eval_free(serve_eval *e)
{
	if (!e)
		return;
	serve_eval_stop(e);
	while (e->oldest) {
		serve_result *r = e->oldest;
		unlist(e, r);
		result_free(r);
	}
	for (int k = 0; e->pc && k < e->nworkers * e->nservers; k++)
		ng_prom_free(e->pc[k]);
	for (int i = 0; i < e->nfiles; i++) {
		ng_gatefile_free(e->gf[i]);
		free(e->text[i]);
	}
	pthread_mutex_destroy(&e->mu);
	pthread_cond_destroy(&e->work);
	free(e->pc);
	free(e->server);
	free(e->threads);
	free(e->gf);
	free(e->text);
	free(e->len);
	free(e->gates);
	free(e);
}

/* --- questions --- */

/* The instant of a question without `at`: now less --delay, down to the gate's grid, as check's. */
static int64_t
instant(const serve_eval *e, const serve_ask *q)
{
	int gi;
	ng_gate_info info;
	int64_t at = cli_now_ms() - e->o->delay, step = 1000;

	if (q->has_at)
		return q->at;
	const ng_gatefile *gf = serve_eval_gatefile(e, q->gate, &gi);
	if (ng_gatefile_gate_info(gf, gi, &info) == 0 && info.step_ms > 0)
		step = info.step_ms;
	return at - (at % step + step) % step;
}

static char *
key_of(const serve_ask *q, int64_t at)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		return NULL;
	fprintf(f, "%d %lld", q->gate, (long long)at);
	for (int i = 0; i < q->nsets; i++)	/* lengths first: no value can fake a boundary */
		fprintf(f, " %zu:%s=%zu:%s", strlen(q->sets[i].name), q->sets[i].name, strlen(q->sets[i].value),
			q->sets[i].value);
	fclose(f);
	return s;
}

/* FNV-1a */
static unsigned
hash_of(const char *s)
{
	unsigned h = 2166136261u;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* Room for one more result: the oldest that are ready and held by nobody go; false when none can. */
static bool
room(serve_eval *e)
{
	for (serve_result *r = e->oldest, *next; r && (e->nkept >= MAX_KEPT || e->kept_bytes > MAX_KEPT_BYTES); r = next) {
		next = r->newer;
		if (r->ready && r->refs == 0) {
			unlist(e, r);
			result_free(r);
		}
	}
	return e->nkept < MAX_KEPT;
}

serve_result *
serve_eval_ask(serve_eval *e, const serve_ask *q, serve_waiter *w, bool *ready)
{
	int64_t at = instant(e, q), now = cli_mono_ms();
	char *key = key_of(q, at);
	serve_result *r;

	if (!key)
		return NULL;
	unsigned h = hash_of(key);
	pthread_mutex_lock(&e->mu);
	for (r = e->table[h % NBUCKETS]; r; r = r->hnext)
		if (r->hash == h && strcmp(r->key, key) == 0 && (!r->ready || r->until > now))
			break;
	if (r) {
		free(key);
		serve_metrics_shared();
	} else {
		if (e->inflight >= MAX_INFLIGHT || e->stopping || !room(e)) {
			pthread_mutex_unlock(&e->mu);
			free(key);
			return NULL;
		}
		r = ng_realloc(NULL, sizeof *r);
		*r = (serve_result){ .key = key, .hash = h, .gate = q->gate, .at = at, .nsets = q->nsets, .listed = true,
				     .refs = 1 /* the worker's */ };
		r->sets = ng_realloc(NULL, (size_t)(q->nsets ? q->nsets : 1) * sizeof *r->sets);
		for (int i = 0; i < q->nsets; i++)
			r->sets[i] = (ng_param){ dup(q->sets[i].name), dup(q->sets[i].value) };
		r->hnext = e->table[h % NBUCKETS];
		e->table[h % NBUCKETS] = r;
		r->older = e->newest;
		if (e->newest)
			e->newest->newer = r;
		else
			e->oldest = r;
		e->newest = r;
		e->nkept++;
		e->inflight++;
		if (e->qtail)
			e->qtail->qnext = r;
		else
			e->qhead = r;
		e->qtail = r;
		pthread_cond_signal(&e->work);
	}
	r->refs++;
	*ready = r->ready;	/* read here, under e->mu: after, a worker may be writing it */
	if (!r->ready) {
		w->next = r->waiters;
		r->waiters = w;
		w->suspend(w->ctx);	/* under e->mu: the worker cannot resume it first */
	}
	pthread_mutex_unlock(&e->mu);
	return r;
}

bool
serve_eval_leave(serve_eval *e, serve_result *r, serve_waiter *w)
{
	bool found = false;

	pthread_mutex_lock(&e->mu);
	for (serve_waiter **p = &r->waiters; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			found = true;
			break;
		}
	if (found && !r->waiters && !r->started) {	/* nobody asks it any more: out of the queue */
		serve_result *prev = NULL;
		for (serve_result *q = e->qhead; q && q != r; q = q->qnext)
			prev = q;
		if (prev)
			prev->qnext = r->qnext;
		else
			e->qhead = r->qnext;
		if (e->qtail == r)
			e->qtail = prev;
		e->inflight--;
		if (r->listed)
			unlist(e, r);
		r->refs--;	/* the worker's; the leaving request drops its own */
	}
	pthread_mutex_unlock(&e->mu);
	return found;
}

void
serve_result_get(serve_eval *e, const serve_result *r, int *status, const char **body, size_t *len, int *verdict)
{
	pthread_mutex_lock(&e->mu);	/* the worker wrote them under it */
	*status = r->status;
	*body = r->body;
	*len = r->len;
	*verdict = r->verdict;
	pthread_mutex_unlock(&e->mu);
}

void
serve_result_drop(serve_eval *e, serve_result *r)
{
	pthread_mutex_lock(&e->mu);
	bool last = --r->refs == 0;
	if (last && r->listed)
		last = false;	/* kept for the rest of its step; room() frees it */
	pthread_mutex_unlock(&e->mu);
	if (last)
		result_free(r);
}
