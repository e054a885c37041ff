/*
 * since.c: read `novagate check --format json` for the differential test
 * (tests/diff/README), with jansson, which novagate already links.
 *
 *   since T0 < report.json    print "VERDICT SECONDS [TRUE PODS]" for the first gate
 *                             of the report: SECONDS is decided_by.since less T0
 *                             (seconds since the epoch) when the verdict is rollback,
 *                             else "-"; for a rollback whose report has them, TRUE is
 *                             how many series were true when its quantifier fired
 *                             (decided_by.quantifiers[0].fired.true) and PODS the pods
 *                             of those listed, sorted, comma-separated
 *
 * Exit 1, with a message, on a report it cannot read.
 */
#define _GNU_SOURCE	/* strptime, timegm */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* " TRUE PODS" of a quantifier's fired object, when it has them */
static void pods(json_t *fired)
{
	json_t *t = json_object_get(fired, "true"), *dec = json_object_get(fired, "deciding"), *d;
	const char *p[64];
	size_t i, n = 0;

	if (!json_is_integer(t) || !json_is_array(dec))
		return;
	json_array_foreach(dec, i, d) {
		json_t *pod = json_object_get(json_object_get(d, "labels"), "pod");
		const char *state = json_string_value(json_object_get(d, "state"));
		if (json_is_string(pod) && state && strcmp(state, "true") == 0 && n < 64)
			p[n++] = json_string_value(pod);
	}
	qsort(p, n, sizeof *p, cmp);
	printf(" %lld ", (long long)json_integer_value(t));
	for (i = 0; i < n; i++)
		printf("%s%s", i ? "," : "", p[i]);
	if (!n)
		putchar('-');
}

int main(int argc, char **argv)
{
	json_error_t err;
	json_t *r, *v, *db, *s;
	const char *since;
	struct tm tm;
	char *rest;
	long long t0;
	double frac = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: since T0 < report.json\n");
		return 2;
	}
	t0 = strtoll(argv[1], NULL, 10);
	/* JSON Lines: the first line is the first gate's report */
	r = json_loadf(stdin, JSON_DISABLE_EOF_CHECK, &err);
	if (!r) {
		fprintf(stderr, "since: not JSON: %s (line %d)\n", err.text, err.line);
		return 1;
	}
	v = json_object_get(r, "verdict");
	if (!json_is_string(v)) {
		fprintf(stderr, "since: no verdict\n");
		return 1;
	}
	if (strcmp(json_string_value(v), "rollback") != 0) {
		printf("%s -\n", json_string_value(v));
		return 0;
	}
	db = json_object_get(r, "decided_by");
	s = json_object_get(db, "since");
	if (!json_is_string(s)) {
		fprintf(stderr, "since: a rollback without decided_by.since\n");
		return 1;
	}
	since = json_string_value(s);
	memset(&tm, 0, sizeof tm);
	rest = strptime(since, "%Y-%m-%dT%H:%M:%S", &tm);
	if (rest && *rest == '.')
		frac = strtod(rest, &rest);
	if (!rest || strcmp(rest, "Z") != 0) {
		fprintf(stderr, "since: decided_by.since '%s' is not a UTC RFC 3339 time\n", since);
		return 1;
	}
	if (frac != 0)
		printf("rollback %.3f", (double)(timegm(&tm) - t0) + frac);
	else
		printf("rollback %lld", (long long)timegm(&tm) - t0);
	pods(json_object_get(json_array_get(json_object_get(db, "quantifiers"), 0), "fired"));
	putchar('\n');
	json_decref(r);
	return 0;
}
