// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * pipeline: the data path, and the one place where bad input is reported.
 *
 *   line_input ──(line)── record ── assembler ── enrich ── json ── outputs
 *                                                  │
 *                                              proctable ← /proc
 *
 * Replay runs on the records' own clock (the newest timestamp seen), so a
 * replay is deterministic whatever the machine's speed. A line that cannot
 * be parsed is counted and reported on stderr with its source, line
 * number and an excerpt; after PIPELINE_MAX_REPORTS reports they are only
 * counted, and the summary says how many there were.
 */
#include "config.h"

#include "pipeline.h"

#include <errno.h>
#include <inttypes.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"
#include "buf.h"
#include "conf.h"
#include "enrich.h"
#include "json.h"
#include "labels.h"
#include "output.h"
#include "record.h"
#include "serialgap.h"
#include "strenc.h"
#include "userdb.h"

/* Bad lines reported one by one; the rest are counted. */
#define PIPELINE_MAX_REPORTS 10
/* Loss reports go to stderr at most once per this many seconds. */
#define PIPELINE_LOSS_LOG_SECONDS 1
/* Bytes of a bad line shown in its report. */
#define PIPELINE_EXCERPT 80

struct pipeline {
	struct stats stats;
	struct assembler *assembler;
	struct json_encoder *encoder;
	struct userdb *userdb;
	struct enricher *enricher;   /* NULL: every enrichment is off */
	struct labels *labels;
	char **env_names, **label_keys, **propagate; /* the enricher borrows them */
	struct output **outputs;
	size_t n_outputs;
	struct buf line;
	uint64_t now_ms;
	uint64_t reports;
	struct serialgap gaps;
	uint64_t gaps_unreported;
	uint64_t loss_logged_at;   /* monotonic seconds of the last loss line on stderr */
	uint64_t loss_unlogged;    /* loss reports since then not on stderr */
	struct timespec started;   /* CLOCK_MONOTONIC, for the uptime */
};

/* Writes P->line to every output; each output reports its own failures. */
static void write_line(struct pipeline *p, const struct event *ev, const struct enrichment *enr)
{
	for (size_t i = 0; i < p->n_outputs; i++)
		if (output_write(p->outputs[i], ev, enr, p->line.data, p->line.len) < 0)
			p->stats.output_errors++;
}

static void emit_event(const struct event *ev, void *userdata)
{
	struct pipeline *p = userdata;

	const struct enrichment *enr = NULL;

	if (p->enricher) {
		enr = enrich_event(p->enricher, ev, p->now_ms);
		p->stats.proc_reads = enrich_stats(p->enricher)->proc_reads;
		p->stats.processes = proctable_size(enrich_table(p->enricher));
	}

	buf_reset(&p->line);
	if (json_encode_event(p->encoder, ev, enr, &p->line) < 0) {
		p->stats.output_errors++;
		fprintf(stderr, "auscribe: out of memory encoding event %llu.%03u:%llu, event lost\n",
			(unsigned long long)ev->id.sec, ev->id.msec, (unsigned long long)ev->id.serial);
		return;
	}
	p->stats.events_out++;
	write_line(p, ev, enr);
}

void pipeline_report_loss(struct pipeline *p, const char *signal, const char *unit, uint64_t count,
			  uint64_t total, bool reset)
{
	struct timespec ts;
	char text[256];
	int n;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(text, sizeof(text),
		     "{\"ID\":\"%lld.%03ld:0\",\"AUSCRIBE_LOSS\":{\"signal\":\"%s\",\"%s\":%" PRIu64
		     ",\"total\":%" PRIu64 "%s}}",
		     (long long)ts.tv_sec, ts.tv_nsec / 1000000, signal, unit, count, total,
		     reset ? ",\"reset\":true" : "");
	buf_reset(&p->line);
	buf_add(&p->line, text, (size_t)n);
	write_line(p, NULL, NULL);

	/* stderr gets at most one line a second; the stream gets every report. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	if ((uint64_t)ts.tv_sec >= p->loss_logged_at + PIPELINE_LOSS_LOG_SECONDS || reset) {
		fprintf(stderr, "auscribe: loss: %" PRIu64 " %s lost (%s), %" PRIu64 " in all%s%s\n", count, unit,
			signal, total, reset ? "; the kernel's counter was reset" : "",
			p->loss_unlogged ? "; more loss reports are in the output" : "");
		p->loss_logged_at = (uint64_t)ts.tv_sec;
		p->loss_unlogged = 0;
	} else {
		p->loss_unlogged++;
	}
}

/* The enricher CONF asks for, or none when every enrichment is off. */
static int make_enricher(struct pipeline *p, const struct conf *conf)
{
	struct enrich_options eo = { 0 };
	size_t n_env = 0, n_keys = 0, n_prop = 0;
	char err[256];

	if (conf_split_list(conf->execve_env, &p->env_names, &n_env) < 0 ||
	    conf_split_list(conf->label_keys, &p->label_keys, &n_keys) < 0 ||
	    conf_split_list(conf->propagate_labels, &p->propagate, &n_prop) < 0)
		return -ENOMEM;
	if (!conf->enrich_pid && !conf->spawned_by && !conf->ancestors && !conf->enrich_script &&
	    !conf->uid_groups && !n_env && !n_keys && !conf->n_label_rules)
		return 0;
	p->labels = labels_new();
	if (!p->labels)
		return -ENOMEM;
	for (size_t i = 0; i < conf->n_label_rules; i++) {
		const struct conf_label_rule *lr = &conf->label_rules[i];
		/* conf_load() compiled these already: only memory can fail. */
		int r = labels_add_rule(p->labels, lr->subject, lr->unlabel, lr->label, lr->regex, err, sizeof(err));

		if (r < 0)
			return r;
	}
	if (conf->uid_groups && !p->userdb && !(p->userdb = userdb_new()))
		return -ENOMEM;
	eo.proc_root = conf->proc_root ? conf->proc_root : "/proc";
	eo.max_processes = conf->max_processes;
	eo.pid = conf->enrich_pid;
	eo.ppid_verbose = conf->ppid_verbose;
	eo.spawned_by = conf->spawned_by;
	eo.container = conf->enrich_container;
	eo.systemd = conf->enrich_systemd;
	eo.script = conf->enrich_script;
	eo.uid_groups = conf->uid_groups;
	eo.ancestors = conf->ancestors;
	eo.env_names = (const char *const *)p->env_names;
	eo.n_env_names = n_env;
	eo.labels = p->labels;
	eo.label_keys = (const char *const *)p->label_keys;
	eo.n_label_keys = n_keys;
	eo.propagate = (const char *const *)p->propagate;
	eo.n_propagate = n_prop;
	eo.label_argv_count = conf->label_argv_count;
	eo.label_argv_bytes = conf->label_argv_bytes;
	eo.userdb = p->userdb;
	eo.proc_max_age_ms = ENRICH_PROC_MAX_AGE_MS;
	p->enricher = enrich_new(&eo);
	if (!p->enricher)
		return -ENOMEM;
	if (enrich_scan(p->enricher, p->now_ms) < 0)
		fprintf(stderr, "auscribe: cannot read '%s'; process enrichment works from events only\n",
			eo.proc_root);
	return 0;
}

struct pipeline *pipeline_new(const struct conf *conf, struct output **outputs, size_t n_outputs,
			      uint64_t timeout_ms)
{
	struct pipeline *p = calloc(1, sizeof(*p));
	struct json_options jo = { 0 };

	if (!p)
		goto fail;
	p->outputs = outputs;
	p->n_outputs = n_outputs;
	buf_init(&p->line);
	clock_gettime(CLOCK_MONOTONIC, &p->started);
	if (conf->user_db) {
		p->userdb = userdb_new();
		if (!p->userdb)
			goto fail;
	}
	jo.argv_array = conf->argv_array;
	jo.argv_string = conf->argv_string;
	jo.argv_limit_bytes = conf->argv_limit_bytes;
	jo.universal = conf->universal;
	jo.userdb = conf->user_db ? p->userdb : NULL;
	if (make_enricher(p, conf) < 0)
		goto fail;
	p->encoder = json_encoder_new(&jo);
	p->assembler = assembler_new(timeout_ms, emit_event, p, &p->stats);
	if (!p->encoder || !p->assembler)
		goto fail;
	return p;
fail:
	pipeline_free(p);
	return NULL;
}

void pipeline_free(struct pipeline *p)
{
	if (!p)
		return;
	if (p->assembler)
		pipeline_flush(p);
	assembler_free(p->assembler);
	json_encoder_free(p->encoder);
	enrich_free(p->enricher);
	labels_free(p->labels);
	free(p->env_names);
	free(p->label_keys);
	free(p->propagate);
	userdb_free(p->userdb);
	for (size_t i = 0; i < p->n_outputs; i++)
		output_close(p->outputs[i]);
	free(p->outputs);
	buf_done(&p->line);
	free(p);
}

static void report_bad(struct pipeline *p, const char *line, size_t len, const char *source,
		       uint64_t lineno, int err)
{
	struct buf ex;

	p->stats.records_bad++;
	if (++p->reports > PIPELINE_MAX_REPORTS) {
		if (p->reports == PIPELINE_MAX_REPORTS + 1)
			fprintf(stderr, "auscribe: more bad lines follow; counting them without reports\n");
		return;
	}
	buf_init(&ex);
	strenc_json_escape(&ex, line, len < PIPELINE_EXCERPT ? len : PIPELINE_EXCERPT);
	fprintf(stderr, "auscribe: %s:%llu: %s, line skipped: \"%.*s\"%s\n", source,
		(unsigned long long)lineno, err == -ENOMEM ? "out of memory" : "not an audit record",
		(int)ex.len, ex.data ? ex.data : "", len > PIPELINE_EXCERPT ? "..." : "");
	buf_done(&ex);
}

void pipeline_feed_line(struct pipeline *p, const char *line, size_t len, const char *source,
			uint64_t lineno)
{
	struct record *rec;
	uint64_t t;
	int r;

	p->stats.lines_in++;
	if (len == 0 || line[0] == '#' || (len == 1 && line[0] == '\r')) {
		p->stats.records_ignored++;
		return;
	}
	r = record_parse_line(line, len, &rec);
	if (r < 0) {
		report_bad(p, line, len, source, lineno, r);
		return;
	}
	p->stats.records_in++;
	p->stats.fields_dropped += rec->fields_dropped;
	p->stats.fields_duplicate += rec->fields_duplicate;
	t = rec->id.sec * 1000 + rec->id.msec;
	if (t > p->now_ms)
		p->now_ms = t;
	if (p->userdb)
		userdb_tick(p->userdb, p->now_ms);
	if (p->enricher)
		enrich_tick(p->enricher, p->now_ms);
	assembler_push(p->assembler, rec, p->now_ms);
	assembler_expire(p->assembler, p->now_ms);
}

void pipeline_feed_record(struct pipeline *p, int type, const char *payload, size_t len, uint64_t now_ms)
{
	struct record *rec;
	int r = record_parse_netlink(type, payload, len, &rec);

	if (r < 0) {
		report_bad(p, payload, len, "netlink", p->stats.records_in + p->stats.records_bad + 1, r);
		return;
	}
	p->stats.records_in++;
	p->stats.fields_dropped += rec->fields_dropped;
	p->stats.fields_duplicate += rec->fields_duplicate;
	p->gaps_unreported += serialgap_see(&p->gaps, (uint32_t)rec->id.serial);
	p->now_ms = now_ms;
	if (p->userdb)
		userdb_tick(p->userdb, now_ms);
	assembler_push(p->assembler, rec, now_ms);
}

static void flush_outputs(struct pipeline *p)
{
	uint64_t lost = 0;

	for (size_t i = 0; i < p->n_outputs; i++) {
		if (output_flush(p->outputs[i]) < 0)
			p->stats.output_errors++;
		lost += output_counters(p->outputs[i])->lost;
	}
	p->stats.output_lost = lost;
}

void pipeline_close_outputs(struct pipeline *p)
{
	uint64_t lost = 0;

	for (size_t i = 0; i < p->n_outputs; i++)
		lost += output_close(p->outputs[i]);
	p->n_outputs = 0;
	p->stats.output_lost = lost;
}

void pipeline_flush_outputs(struct pipeline *p)
{
	flush_outputs(p);
}

void pipeline_tick(struct pipeline *p, uint64_t now_ms)
{
	p->now_ms = now_ms;
	assembler_expire(p->assembler, now_ms);
	if (p->enricher)
		enrich_tick(p->enricher, now_ms);
	if (p->gaps_unreported) {
		p->stats.lost_serial_gap += p->gaps_unreported;
		pipeline_report_loss(p, "serial_gap", "serials", p->gaps_unreported, p->stats.lost_serial_gap,
				     false);
		p->gaps_unreported = 0;
	}
	flush_outputs(p);
}

/* Resident memory now, in kB (/proc/self/statm); 0 if unknown. */
static uint64_t rss_kb(void)
{
	unsigned long size, resident = 0;
	FILE *f = fopen("/proc/self/statm", "re");

	if (f) {
		if (fscanf(f, "%lu %lu", &size, &resident) != 2)
			resident = 0;
		fclose(f);
	}
	return (uint64_t)resident * (uint64_t)(sysconf(_SC_PAGESIZE) / 1024);
}

void pipeline_report_status(struct pipeline *p, const char *input, bool to_stderr)
{
	const struct stats *s = &p->stats;
	struct timespec now, mono;
	struct rusage ru;
	struct buf b;
	char num[256];
	int n;

	clock_gettime(CLOCK_REALTIME, &now);
	clock_gettime(CLOCK_MONOTONIC, &mono);
	getrusage(RUSAGE_SELF, &ru);
	buf_init(&b);
	n = snprintf(num, sizeof(num), "{\"ID\":\"%lld.%03ld:0\",\"AUSCRIBE_STATUS\":{\"version\":\"%s\",\"input\":\"",
		     (long long)now.tv_sec, now.tv_nsec / 1000000, PACKAGE_VERSION);
	buf_add(&b, num, (size_t)n);
	strenc_json_escape(&b, input, strlen(input));
	n = snprintf(num, sizeof(num),
		     "\",\"uptime\":%lld,\"records_in\":%" PRIu64 ",\"records_bad\":%" PRIu64
		     ",\"events_out\":%" PRIu64 ",\"events_timed_out\":%" PRIu64 ",\"events_evicted\":%" PRIu64,
		     (long long)(mono.tv_sec - p->started.tv_sec), s->records_in, s->records_bad, s->events_out,
		     s->events_timed_out, s->events_evicted);
	buf_add(&b, num, (size_t)n);
	n = snprintf(num, sizeof(num),
		     ",\"events_truncated\":%" PRIu64 ",\"open_events\":%zu,\"lost\":{\"receive_buffer\":%" PRIu64
		     ",\"kernel_lost\":%" PRIu64 ",\"serial_gap\":%" PRIu64 ",\"truncated\":%" PRIu64 "},\"outputs\":[",
		     s->events_truncated, assembler_open(p->assembler), s->lost_socket, s->lost_kernel,
		     s->lost_serial_gap, s->nl_truncated);
	buf_add(&b, num, (size_t)n);
	for (size_t i = 0; i < p->n_outputs; i++) {
		const struct output_counters *c = output_counters(p->outputs[i]);

		buf_add(&b, i ? ",{\"name\":\"" : "{\"name\":\"", i ? 10 : 9);
		strenc_json_escape(&b, output_name(p->outputs[i]), strlen(output_name(p->outputs[i])));
		n = snprintf(num, sizeof(num),
			     "\",\"lines\":%" PRIu64 ",\"queued\":%" PRIu64 ",\"lost\":%" PRIu64 ",\"errors\":%" PRIu64 "}",
			     c->lines, c->queued, c->lost, c->errors);
		buf_add(&b, num, (size_t)n);
	}
	buf_addc(&b, ']');
	if (p->enricher) {
		struct proctable *t = enrich_table(p->enricher);
		const struct proctable_stats *ts = proctable_stats(t);

		n = snprintf(num, sizeof(num),
			     ",\"processes\":{\"tracked\":%zu,\"memory_kb\":%zu,\"full\":%" PRIu64
			     ",\"proc_reads\":%" PRIu64 "}",
			     proctable_size(t), proctable_memory(t) / 1024, ts->full,
			     enrich_stats(p->enricher)->proc_reads);
		buf_add(&b, num, (size_t)n);
	}
	n = snprintf(num, sizeof(num), ",\"cpu_user\":%.3f,\"cpu_system\":%.3f,\"rss_kb\":%" PRIu64 ",\"rss_max_kb\":%ld}}",
		     (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6,
		     (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, rss_kb(), ru.ru_maxrss);
	buf_add(&b, num, (size_t)n);
	if (!buf_oom(&b)) {
		buf_reset(&p->line);
		buf_add(&p->line, b.data, b.len);
		write_line(p, NULL, NULL);
		flush_outputs(p);
	}
	buf_done(&b);
	if (to_stderr) {
		fputs("auscribe: ", stderr);
		stats_print(s, stderr);
	}
}

void pipeline_reopen(struct pipeline *p)
{
	flush_outputs(p);
	for (size_t i = 0; i < p->n_outputs; i++) {
		int r = output_reopen(p->outputs[i]);

		if (r < 0)
			fprintf(stderr, "auscribe: Failed to reopen '%s': %s; still writing to the old file\n",
				output_name(p->outputs[i]), strerror(-r));
	}
}

struct stats *pipeline_stats_mut(struct pipeline *p)
{
	return &p->stats;
}

void pipeline_flush(struct pipeline *p)
{
	assembler_flush(p->assembler);
	flush_outputs(p);
}

const struct stats *pipeline_stats(const struct pipeline *p)
{
	return &p->stats;
}
