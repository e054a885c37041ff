/*
 * html.c: the report as a page for people who were not there: per gate a
 * header (verdict, deciding rule, window), then per metric a chart of the
 * window as the rules saw it (html_chart.c), then a figure per test of
 * canary against baseline (html_dist.c).  The values are read at each step
 * as the VM's LOAD reads them (eval_value), and the comparisons' operands
 * and the rules' states are those of the VM run again over the window,
 * step by step (html_trace.c).  Inline CSS and SVG only: nothing is
 * fetched, nothing runs.
 */
#include "html.h"
#include "html_internal.h"
#include "util.h"
#include "vocab.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The series of a metric with `by` charted, at most. */
enum { MAX_SERIES = 12 };

/* --- text ------------------------------------------------------------------ */

void
html_esc(FILE *out, const char *s)
{
	for (; s && *s; s++)
		switch (*s) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(*s, out);
		}
}

void
html_clock(char *buf, size_t size, int64_t ms, bool seconds)
{
	time_t s = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	strftime(buf, size, seconds ? "%H:%M:%S" : "%H:%M", &tm);
}

const char *
html_rule_label(const prog_rule *pr, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%s%s", ast_rule_kind_name(pr->kind), pr->name ? " \"" : "", pr->name ? pr->name : "",
		 pr->name ? "\"" : "");
	return buf;
}

/* --- the page -------------------------------------------------------------- */

static const char css[] =
	"body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:62em;padding:0 1em;color:#111;background:#fff}"
	"h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.2em;margin:1.2em 0 .3em}h3{font-size:1em;margin:.8em 0 .2em}h4{font-size:.9em;font-weight:normal;margin:.4em 0 0}"
	"code{font:13px ui-monospace,monospace}table{border-collapse:collapse;margin:.4em 0}"
	"td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
	".verdict{display:inline-block;padding:.1em .6em;border-radius:.3em;color:#fff;font-weight:bold;text-transform:uppercase}"
	/* white on each at least WCAG AA's 4.5:1, so darker than the charts' hues; told apart by dichromats */
	".v-go{background:#00805D}.v-no-go{background:#B35900}.v-rollback{background:#A4001D}"
	".v-inconclusive{background:#555}"
	"section.gate{border-top:3px solid #333;margin-top:1.5em}"
	"figure.chart{margin:.6em 0 1.2em;break-inside:avoid}svg{width:100%;height:auto;display:block}"
	"figcaption{font-size:13px}.key{margin-right:1.2em;white-space:nowrap}"
	".sw{display:inline-block;width:1.6em;height:.7em;margin-right:.3em;vertical-align:middle}"
	".sw.series{border-top:3px solid " C_SERIES "}.sw.base{border-top:3px solid " C_BASE "}"
	".sw.thr{border-top:2px solid " C_THRESH "}.sw.thr.go{border-top-color:" C_GOOD "}.sw.thr.dashed{border-top-style:dashed}"
	".sw.dflt{border:2px solid " C_SERIES ";width:.5em;height:.5em;border-radius:50%}"
	".sw.gap{background:#eee;border:1px solid #ccc}.sw.on.bad{background:" C_THRESH ";opacity:.55}"
	".sw.on.good{background:" C_GOOD ";opacity:.45}"
	".sw.pend{background:" C_PEND ";opacity:.8}.sw.unk{background:repeating-linear-gradient(45deg," C_UNK
	" 0 2px,#fff 2px 4px)}"
	".grid{stroke:#e4e4e4}.frame{fill:none;stroke:#888}.tick{font:11px sans-serif;fill:#333}"
	".gap{fill:#eee}.series{fill:none;stroke:" C_SERIES ";stroke-width:2}.pt{fill:" C_SERIES "}"
	".dflt{fill:#fff;stroke:" C_SERIES ";stroke-width:1.5}.base{fill:none;stroke:" C_BASE ";stroke-width:2}"
	".thr{fill:none;stroke:" C_THRESH ";stroke-width:1.5}.thr.go{stroke:" C_GOOD "}.dashed{stroke-dasharray:6 4}"
	".lanebg{fill:#f6f6f6}.on.bad{fill:" C_THRESH ";opacity:.55}.on.good{fill:" C_GOOD ";opacity:.45}"
	".pend{fill:" C_PEND ";opacity:.8}.lanel{font:10px sans-serif;fill:#000}"
	".mark{stroke:" C_MARK ";stroke-width:2}.markdot{fill:none;stroke:" C_MARK ";stroke-width:2.5}"
	".marktext{font:bold 12px sans-serif;fill:#000}"
	".whisk{stroke:#555}.box{fill-opacity:.18;stroke-width:1.5}.box.canary{fill:" C_SERIES ";stroke:" C_SERIES "}"
	".box.baseline{fill:" C_BASE ";stroke:" C_BASE "}.median{stroke:#000;stroke-width:2.5}.dot{fill-opacity:.75}"
	".dot.canary{fill:" C_SERIES "}.dot.baseline{fill:" C_BASE "}.pooled{fill:#000}"
	".sw.pooled{background:#000;width:.6em;height:.6em;transform:rotate(45deg)}"
	".why{border-left:6px solid " C_THRESH ";background:#fdf1ea;padding:.3em 1em;margin-bottom:1em}"
	".why h1{font-size:1.3em}.why pre{white-space:pre-wrap;font:13px ui-monospace,monospace;margin:.4em 0}"
	"h1 code{font-size:inherit}h2,h3,h4{break-after:avoid}"
	"@media print{@page{margin:12mm}body{margin:0;max-width:none;font-size:11pt}section.gate{break-before:page}"
	"section.gate:first-of-type{break-before:auto}.verdict{border:1px solid #000}"
	"*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";

/* The deciding rule's comparisons of one series: what they compared when it decided. */
static void
decided_values(FILE *out, const program *p, const gate_result *r, const report_data *rd)
{
	const prog_gate *g = &p->gates[r->gate];
	const prog_rule *dr = &p->rules[r->decided];
	bool fired = r->fired_at[r->decided - g->rule0] != VM_NEVER;

	for (int ci = dr->cmp0; ci < dr->cmp0 + dr->ncmp; ci++) {
		const prog_cmp *c = &p->cmps[ci];
		const double *o = fired ? r->fired_cmp[ci - g->cmp0] : r->cmp[ci - g->cmp0];
		char l[32], rr[32];
		if (c->quant >= 0 || c->metrics[0] < 0)
			continue;
		enum unit u = html_metric_unit(p, g, c->metrics[0]);
		html_fmt_val(l, sizeof l, o[0], u);
		html_fmt_val(rr, sizeof rr, o[1], u);
		fputs("<li><code>", out);
		html_esc(out, c->source);
		fprintf(out, "</code>: %s ", l);
		html_esc(out, html_cmpops[c->op]);
		fprintf(out, " %s, %s</li>\n", rr, ng_state_name(vocab_state(o[2])));
	}
	for (int q = 0; q < g->nquant; q++) {	/* its conditions across series: the value, the series that decided */
		const prog_quant *pq = &p->quants[g->quant0 + q];
		const quant_result *qr = html_decided_quant(r, g, q);
		if (pq->rule != r->decided || pq->fn > FN_FRACTION)
			continue;
		fputs("<li><code>", out);
		html_esc(out, pq->source);
		fprintf(out, "</code>: %s, %d of %d series true, %d unknown", pq->fn <= FN_ALL ?
			ng_state_name(vocab_state(qr->value)) : "", qr->ntrue, qr->n, qr->nunknown);
		for (int j = 0; j < qr->ntop; j++) {
			fputs(j ? ", " : "; deciding: <code>", out);
			html_esc(out, qr->top[j].key >= 0 ? rd->keys->text[qr->top[j].key] : "(default)");
		}
		fputs(qr->ntop ? "</code></li>\n" : "</li>\n", out);
	}
}

static void
gate_header(FILE *out, const program *p, const gate_result *r, const report_data *rd)
{
	const prog_gate *g = &p->gates[r->gate];
	const prog_rule *dr = &p->rules[r->decided];
	const char *v = ng_verdict_name(r->verdict);
	char from[40], at[40], since[40], step[32], rl[128];

	util_fmt_time(from, sizeof from, r->from);
	util_fmt_time(at, sizeof at, r->at);
	util_fmt_duration(step, sizeof step, g->step);
	fputs("<h1>Gate <code>", out);
	html_esc(out, g->name);
	fprintf(out, "</code>: <span class=\"verdict v-%s\">%s</span></h1>\n<table>\n", v, v);
	fputs("<tr><th>decided by</th><td>", out);
	html_esc(out, html_rule_label(dr, rl, sizeof rl));
	fputs(" when <code>", out);
	html_esc(out, dr->source);
	fputs("</code> (", out);
	html_esc(out, p->path);
	fprintf(out, " line %u)", dr->line);
	if (r->decided_since != VM_NEVER) {
		util_fmt_time(since, sizeof since, r->decided_since);
		fprintf(out, ", %s %s", dr->kind == RULE_ROLLBACK ? "fired at" : "true since", since);
	}
	fputs("<ul>\n", out);
	decided_values(out, p, r, rd);
	fputs("</ul></td></tr>\n", out);
	fprintf(out, "<tr><th>window</th><td>%s to %s UTC, %d evaluations every %s</td></tr>\n", from, at,
		r->evaluations, step);
	fprintf(out, "<tr><th>decided at</th><td>%s (the window's last evaluation)</td></tr>\n</table>\n", at);
	fputs("<h2>Rules</h2>\n<table>\n<tr><th>rule</th><th>state</th><th>condition</th><th>line</th></tr>\n", out);
	for (int i = 0; i < g->nrules; i++) {
		const prog_rule *pr = &p->rules[g->rule0 + i];
		fputs("<tr><td>", out);
		html_esc(out, html_rule_label(pr, rl, sizeof rl));
		fprintf(out, "</td><td>%s", eval_rule_word(r, i));
		if (r->fired_at[i] != VM_NEVER) {
			util_fmt_time(since, sizeof since, r->fired_at[i]);
			fprintf(out, " at %s", since);
		}
		fputs("</td><td><code>", out);
		html_esc(out, pr->source);
		fprintf(out, "</code></td><td>%u</td></tr>\n", pr->line);
	}
	fputs("</table>\n", out);
}

/* A member to order by its labels' text, whatever order the source gave them in. */
typedef struct by_member {
	const char *labels;
	int key;
} by_member;

static int
by_labels(const void *a, const void *b)
{
	return strcmp(((const by_member *)a)->labels, ((const by_member *)b)->labels);
}

/*
 * A metric with `by`: the identities to draw, the deciding series first,
 * then the others by their labels; *total counts the series that had a
 * sample (a live query of none leaves an empty member behind).
 */
static int
by_order(const program *p, const gate_result *r, const report_data *rd, int m, int *keys, int max, int *total)
{
	const prog_gate *g = &p->gates[r->gate];
	const population *P = &rd->pops[SERIES_OF(m, false)];
	int n = 0, nm = 0;
	by_member *ms = xmalloc(((size_t)P->n + 1) * sizeof *ms);

	for (int i = 0; i < P->n; i++)
		if (P->m[i].s.count > 0)
			ms[nm++] = (by_member){ P->m[i].labels, P->m[i].key };
	qsort(ms, (size_t)nm, sizeof *ms, by_labels);
	for (int q = 0; q < g->nquant; q++) {	/* the deciding rule's quantifiers' series first */
		const quant_result *qr = html_decided_quant(r, g, q);
		if (p->quants[g->quant0 + q].rule != r->decided)
			continue;
		for (int j = 0; j < qr->ntop && n < max; j++) {
			int mi = qr->top[j].key < 0 ? -1 : pop_find(P, qr->top[j].key);
			bool dup = mi < 0 || P->m[mi].s.count == 0;
			for (int i = 0; i < n && !dup; i++)
				dup = keys[i] == qr->top[j].key;
			if (!dup)
				keys[n++] = qr->top[j].key;
		}
	}
	for (int i = 0; i < nm && n < max; i++) {
		bool dup = false;
		for (int j = 0; j < n && !dup; j++)
			dup = keys[j] == ms[i].key;
		if (!dup)
			keys[n++] = ms[i].key;
	}
	*total = nm;
	free(ms);
	return n;
}

/* Metric m's heading, then its chart, or a chart per series of a metric with `by`. */
static void
metric_charts(FILE *out, const program *p, const gate_result *r, const trace *tr, const report_data *rd, int m,
	      int *id)
{
	const prog_metric *pm = &p->metrics[m];

	fputs("<h3><code>", out);
	html_esc(out, pm->name);
	fputs("</code></h3>\n", out);
	if (rd->absent[SERIES_OF(m, false)]) {
		fputs("<p>", out);
		html_esc(out, rd->absent[SERIES_OF(m, false)]);
		fputs("</p>\n", out);
	}
	if (!pm->by) {
		char label[160];
		snprintf(label, sizeof label, "%s", pm->name);
		html_chart(out, p, r, tr, rd, m, VM_NOKEY, label, (*id)++);
		return;
	}
	int keys[MAX_SERIES], total, n = by_order(p, r, rd, m, keys, MAX_SERIES, &total);
	if (!n)
		fputs("<p>No series in the window.</p>\n", out);
	else
		fprintf(out, "<p>%d series, a chart each%s.</p>\n", total, n < total ? ", the first of them" : "");
	for (int i = 0; i < n; i++) {
		char label[512];
		snprintf(label, sizeof label, "%s%s", pm->name, rd->keys->text[keys[i]]);
		fputs("<h4><code>", out);
		html_esc(out, label);
		fputs("</code></h4>\n", out);
		html_chart(out, p, r, tr, rd, m, keys[i], label, (*id)++);
	}
}

static void
gate_section(FILE *out, const program *p, const gate_result *r, const report_data *rd, int *id)
{
	const prog_gate *g = &p->gates[r->gate];
	trace tr;
	bool *used = xcalloc((size_t)p->nmetrics + 1, sizeof *used);

	html_trace_run(p, r, rd->pops, &tr);
	fputs("<section class=\"gate\">\n", out);
	gate_header(out, p, r, rd);
	fputs("<h2>Metrics</h2>\n<p>Each chart shows a metric at every evaluation step as the rules read it "
	      "(the latest sample within the lookback); time in UTC.</p>\n", out);
	for (int i = g->read0; i < g->read0 + g->nread; i++)
		used[SERIES_METRIC(p->reads[i].series)] = true;
	for (int m = 0; m < p->nmetrics; m++)
		if (used[m])
			metric_charts(out, p, r, &tr, rd, m, id);
	if (tr.ndist)
		fputs("<h2>Canary against baseline</h2>\n<p>Each test's two samples, side by side on one axis: "
		      "the values of the steps of its range when it was reported.</p>\n", out);
	for (int i = 0; i < tr.ndist; i++)
		html_dist(out, p, r, &tr.dist[i], rd, (*id)++);
	fputs("</section>\n", out);
	html_trace_free(&tr);
	free(used);
}

void
report_html(const program *p, const gate_result *results, int n, const report_data *rd, const char *title,
	    const char *note, FILE *out)
{
	int id = 0;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", out);
	if (title) {	/* first: a tab or a list of pages tells them apart by it */
		html_esc(out, title);
		fputs(" &mdash; ", out);
	}
	fputs("novagate: ", out);
	for (int i = 0; i < n; i++) {
		fputs(i ? ", " : "", out);
		html_esc(out, p->gates[results[i].gate].name);
		fprintf(out, " %s", ng_verdict_name(results[i].verdict));
	}
	fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n", css);
	if (title || note) {	/* why the page was written (a failed test): set apart from the gates' pages */
		fputs("<header class=\"why\">", out);
		if (title) {
			fputs("<h1>", out);
			html_esc(out, title);
			fputs("</h1>\n", out);
		}
		if (note) {
			fputs("<pre>", out);
			html_esc(out, note);
			fputs("</pre>\n", out);
		}
		fputs("</header>\n", out);
	}
	fputs("<p>novagate report of <code>", out);
	html_esc(out, p->path);
	fputs("</code></p>\n", out);
	for (int i = 0; i < n; i++)
		gate_section(out, p, &results[i], rd, &id);
	fputs("</body>\n</html>\n", out);
}

