// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * libFuzzer target: raw audit lines -> record parser -> assembler -> JSON.
 * Every JSON line written must parse back (cJSON); any crash, sanitizer
 * report or invalid JSON is a finding. Runs with and without translation.
 */
#include "config.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"
#include "buf.h"
#include "json.h"
#include "record.h"
#include "stats.h"

struct ctx {
	struct json_encoder *enc;
	struct buf out;
};

static void emit(const struct event *ev, void *userdata)
{
	struct ctx *c = userdata;
	cJSON *j;

	buf_reset(&c->out);
	if (json_encode_event(c->enc, ev, NULL, &c->out) < 0)
		return;
	j = cJSON_ParseWithLength(c->out.data, c->out.len);
	if (!j)
		abort(); /* we wrote invalid JSON */
	cJSON_Delete(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct json_options opts = { .argv_array = true, .argv_string = size & 1,
				     .argv_limit_bytes = size & 2 ? 64 : 0, .universal = size & 4 };
	struct stats stats = { 0 };
	struct ctx c;
	struct assembler *a;
	const char *p = (const char *)data, *end = p + size;
	uint64_t now = 0;

	c.enc = json_encoder_new(&opts);
	buf_init(&c.out);
	a = assembler_new(5000, emit, &c, &stats);
	if (!c.enc || !a)
		abort();
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		struct record *r;

		if (record_parse_line(p, len, &r) == 0) {
			uint64_t t = r->id.sec * 1000 + r->id.msec;

			if (t > now)
				now = t;
			assembler_push(a, r, now);
			assembler_expire(a, now);
		}
		p += len + 1;
	}
	assembler_flush(a);
	assembler_free(a);
	json_encoder_free(c.enc);
	buf_done(&c.out);
	return 0;
}
