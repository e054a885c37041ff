/*
 * serve_metrics.c: what `novagate serve` counts, and /metrics, in the
 * Prometheus text format 0.0.4.  Counted by the HTTP thread and the
 * workers, under one lock: a few increments a request.
 */
#include "serve.h"

#include <stdlib.h>
#include <string.h>

#define X(id, path) [id] = path,
const char *const serve_route_path[NROUTES] = { SERVE_ROUTES(X) };
#undef X

/* The statuses serve answers, in the order /metrics lists them; anything else is the last. */
static const int codes[] = { 200, 400, 401, 404, 405, 412, 413, 414, 431, 500, 502, 503, 0 };
#define NCODES (sizeof codes / sizeof *codes)
/* Seconds: an evaluation is a few queries, up to --timeout each. */
static const double buckets[] = { 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60 };
#define NBUCKETS (sizeof buckets / sizeof *buckets)
#define NVERDICTS (NG_INCONCLUSIVE + 1)
#define NCODES_ERR (NG_ETOOBIG + 1)

static struct {
	pthread_mutex_t mu;
	int ngates;
	unsigned long long requests[NROUTES][NCODES];
	unsigned long long *verdicts;		/* [gate * NVERDICTS + verdict] */
	unsigned long long evals, shared, faults[NCODES_ERR];
	unsigned long long le[NBUCKETS];	/* evaluations that took at most buckets[i], not cumulated */
	double seconds;
} m = { .mu = PTHREAD_MUTEX_INITIALIZER };

void
serve_metrics_init(int ngates)
{
	m.ngates = ngates;
	m.verdicts = calloc((size_t)(ngates ? ngates : 1) * NVERDICTS, sizeof *m.verdicts);
	if (!m.verdicts)
		abort();
}

void
serve_metrics_free(void)
{
	free(m.verdicts);
	m.verdicts = NULL;
}

void
serve_metrics_request(enum serve_route route, int status)
{
	size_t i = 0;

	while (codes[i] && codes[i] != status)
		i++;
	pthread_mutex_lock(&m.mu);
	m.requests[route][i]++;
	pthread_mutex_unlock(&m.mu);
}

void
serve_metrics_verdict(int gate, ng_verdict v)
{
	pthread_mutex_lock(&m.mu);
	if (gate >= 0 && gate < m.ngates && (unsigned)v < NVERDICTS)
		m.verdicts[(size_t)gate * NVERDICTS + v]++;
	pthread_mutex_unlock(&m.mu);
}

void
serve_metrics_evaluation(double seconds, ng_errcode fault)
{
	size_t i = 0;

	while (i < NBUCKETS && seconds > buckets[i])
		i++;
	pthread_mutex_lock(&m.mu);
	m.evals++;
	m.seconds += seconds;
	if (i < NBUCKETS)
		m.le[i]++;
	if (fault != NG_OK && (unsigned)fault < NCODES_ERR)
		m.faults[fault]++;
	pthread_mutex_unlock(&m.mu);
}

void
serve_metrics_shared(void)
{
	pthread_mutex_lock(&m.mu);
	m.shared++;
	pthread_mutex_unlock(&m.mu);
}

static void
head(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value, escaped as the text format wants. */
static void
label(FILE *f, const char *s)
{
	for (; *s; s++)
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
}

char *
serve_metrics_text(const serve_eval *e, int connections)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	if (!f)
		return NULL;
	pthread_mutex_lock(&m.mu);
	head(f, "novagate_http_requests_total", "counter", "HTTP requests answered, by route and status.");
	for (int r = 0; r < NROUTES; r++)
		for (size_t c = 0; c < NCODES; c++)
			if (m.requests[r][c]) {
				fprintf(f, "novagate_http_requests_total{route=\"%s\",code=\"", serve_route_path[r]);
				codes[c] ? fprintf(f, "%d", codes[c]) : fputs("other", f);
				fprintf(f, "\"} %llu\n", m.requests[r][c]);
			}
	head(f, "novagate_verdicts_total", "counter", "Verdicts computed (one an evaluation, however many requests shared it), by gate.");
	for (int g = 0; g < m.ngates; g++)
		for (int v = 0; v < NVERDICTS; v++) {
			fputs("novagate_verdicts_total{gate=\"", f);
			label(f, serve_eval_gate_name(e, g));
			fprintf(f, "\",verdict=\"%s\"} %llu\n", ng_verdict_name((ng_verdict)v),
				m.verdicts[(size_t)g * NVERDICTS + v]);
		}
	head(f, "novagate_evaluations_shared_total", "counter",
	     "Requests answered by an evaluation that another request had asked for.");
	fprintf(f, "novagate_evaluations_shared_total %llu\n", m.shared);
	head(f, "novagate_evaluation_duration_seconds", "histogram",
	     "Time an evaluation took: the queries to the server, and the gate.");
	unsigned long long cum = 0;
	for (size_t i = 0; i < NBUCKETS; i++) {
		cum += m.le[i];
		fprintf(f, "novagate_evaluation_duration_seconds_bucket{le=\"%g\"} %llu\n", buckets[i], cum);
	}
	fprintf(f, "novagate_evaluation_duration_seconds_bucket{le=\"+Inf\"} %llu\n", m.evals);
	fprintf(f, "novagate_evaluation_duration_seconds_sum %.6f\n", m.seconds);
	fprintf(f, "novagate_evaluation_duration_seconds_count %llu\n", m.evals);
	head(f, "novagate_upstream_faults_total", "counter",
	     "Evaluations the server's fault left without a verdict, by kind.");
	for (int c = NG_ECONNECT; c < (int)NCODES_ERR; c++)
		fprintf(f, "novagate_upstream_faults_total{kind=\"%s\"} %llu\n", ng_errcode_name((ng_errcode)c),
			m.faults[c]);
	pthread_mutex_unlock(&m.mu);
	head(f, "novagate_open_connections", "gauge", "HTTP connections open.");
	fprintf(f, "novagate_open_connections %d\n", connections);
	fclose(f);
	return s;
}
