/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "assembler.h"
#include "buf.h"

/*
 * Event -> one JSON line in LAUREL's shape (docs/json-format.md).
 */

struct enrichment;
struct userdb;

struct json_options {
	bool argv_array;          /* EXECVE.ARGV */
	bool argv_string;         /* EXECVE.ARGV_STR */
	size_t argv_limit_bytes;  /* 0: no limit */
	bool universal;           /* ARCH, SYSCALL names, SADDR objects */
	struct userdb *userdb;    /* names for *uid / *gid; NULL: off. Borrowed. */
};

struct json_encoder;

/* Returns a new encoder (OPTS copied); free with json_encoder_free(). NULL on OOM. */
struct json_encoder *json_encoder_new(const struct json_options *opts);

/* NULL-safe. */
void json_encoder_free(struct json_encoder *enc);

/*
 * Appends EV as one JSON object, without a trailing newline, to OUT,
 * with ENR's process enrichment (enrich_event(); NULL: none).
 * Returns 0, or -ENOMEM (OUT's content is then unspecified).
 */
int json_encode_event(struct json_encoder *enc, const struct event *ev, const struct enrichment *enr,
		      struct buf *out);
