/*
 * live.h: the commands that read a Prometheus-compatible server: check
 * --prometheus, watch, record, baseline (source_prom.h does the HTTP).
 * main.c parses the command line into cli_opts and calls these.
 */
#ifndef NG_LIVE_H
#define NG_LIVE_H

#include <stdbool.h>
#include <stdint.h>

#include "novagate.h"

typedef struct cli_opts {
	const char *cmd;			/* "check", "watch", "record", "baseline", "compile" */
	const char *file, *input, *gate, *baseline;
	ng_param *sets;
	int nsets;
	bool has_at, human, dump, verbose;
	int64_t at;
	/* the server */
	const char *url;			/* --prometheus */
	ng_prom_opts prom;				/* url is filled in by the command */
	const char **headers;
	int nheaders;
	bool server_opts;			/* some option other than --prometheus was given */
	bool on_error_inconclusive;
	int64_t max_duration, delay;		/* ms; 0: none */
} cli_opts;

/* The server's URL: --prometheus, NOVAGATE_PROMETHEUS_URL, the file's `prometheus`; or NULL. */
const char *live_url(const cli_opts *o, const ng_gatefile *gf);

/* Each returns novagate's exit status. gate: -1 for all. */
int live_check(const cli_opts *o, const ng_gatefile *gf, int gate);
int live_watch(const cli_opts *o, const ng_gatefile *gf, int gate);
int live_record(const cli_opts *o, const ng_gatefile *gf, int gate);
int live_baseline(const cli_opts *o, const ng_gatefile *gf, int gate);

#endif
