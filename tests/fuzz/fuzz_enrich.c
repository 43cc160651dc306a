// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * libFuzzer target: raw audit lines -> events -> process enrichment (an
 * empty proc root, label rules on keys, exe, argv and script) -> JSON,
 * across one process table that lives as long as the fuzzer; and the
 * same bytes through the /proc parsers (stat, cgroup). Any crash,
 * sanitizer report or invalid JSON is a finding.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assembler.h"
#include "buf.h"
#include "enrich.h"
#include "json.h"
#include "labels.h"
#include "procfs.h"
#include "record.h"
#include "stats.h"

/* The table is kept small so eviction and refusal run too. */
#define FUZZ_MAX_PROCESSES 64

struct ctx {
	struct json_encoder *enc;
	struct enricher *enr;
	struct buf out;
	uint64_t now;
};

static void emit(const struct event *ev, void *userdata)
{
	struct ctx *c = userdata;
	const struct enrichment *e = enrich_event(c->enr, ev, c->now);
	cJSON *j;

	buf_reset(&c->out);
	if (json_encode_event(c->enc, ev, e, &c->out) < 0)
		return;
	j = cJSON_ParseWithLength(c->out.data, c->out.len);
	if (!j)
		abort(); /* we wrote invalid JSON */
	cJSON_Delete(j);
}

static char root[] = "/tmp/fuzz_enrich.XXXXXX";

static void remove_root(void)
{
	rmdir(root);
}

static struct ctx *setup(void)
{
	static const char *const keys[] = { "software_mgmt", "fork" };
	static const char *const prop[] = { "software_mgmt" };
	static const char *const env[] = { "LD_PRELOAD", "LC_*" };
	struct json_options jo = { .argv_array = true, .universal = true };
	struct enrich_options eo = {
		.max_processes = FUZZ_MAX_PROCESSES, .pid = true, .ppid_verbose = true, .spawned_by = true,
		.container = true, .systemd = true, .script = true, .ancestors = 8, .env_names = env,
		.n_env_names = 2, .label_keys = keys, .n_label_keys = 2, .propagate = prop, .n_propagate = 1,
		.label_argv_count = 4, .label_argv_bytes = 64,
	};
	struct labels *l = labels_new();
	struct ctx *c = calloc(1, sizeof(*c));
	char err[256];

	if (!l || !c || !mkdtemp(root))
		abort();
	atexit(remove_root);
	if (labels_add_rule(l, LABEL_EXE, false, "web", "^/usr/sbin/(nginx|apache2)$", err, sizeof(err)) < 0 ||
	    labels_add_rule(l, LABEL_ARGV, true, "web", "--version", err, sizeof(err)) < 0 ||
	    labels_add_rule(l, LABEL_SCRIPT, false, "php", "\\.php$", err, sizeof(err)) < 0)
		abort();
	eo.proc_root = root;
	eo.labels = l;
	c->enc = json_encoder_new(&jo);
	c->enr = enrich_new(&eo);
	if (!c->enc || !c->enr)
		abort();
	buf_init(&c->out);
	return c;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ctx *c;
	struct stats stats = { 0 };
	struct assembler *a;
	const char *p = (const char *)data, *end = p + size;
	struct procfs_stat st;
	char id[PROCFS_CONTAINER_ID_LEN + 1], names[64];

	if (!c)
		c = setup();
	/* The /proc parsers on the raw bytes. */
	(void)procfs_parse_stat(p, size, &st);
	(void)procfs_container_id(p, size, id);
	(void)procfs_systemd_services(p, size, names, sizeof(names));

	a = assembler_new(5000, emit, c, &stats);
	if (!a)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct record *r;

		if (record_parse_line(p, len, &r) == 0) {
			uint64_t t = r->id.sec * 1000 + r->id.msec;

			if (t > c->now)
				c->now = t;
			assembler_push(a, r, c->now);
			assembler_expire(a, c->now);
			enrich_tick(c->enr, c->now);
		}
		p += len + 1;
	}
	assembler_flush(a);
	assembler_free(a);
	return 0;
}
