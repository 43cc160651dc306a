/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Unit-test helper: an event built from raw audit lines, the way the
 * assembler would hand it over. Include after <cmocka.h>.
 */

#include <string.h>

#include "assembler.h"
#include "record.h"

static inline void free_event(struct event *ev)
{
	struct record *r = ev->records;

	while (r) {
		struct record *next = r->next;

		record_free(r);
		r = next;
	}
	ev->records = NULL;
}

/* Builds an event from the NULL-terminated LINES, in that order. */
static inline void build_event(const char *const *lines, struct event *ev)
{
	struct record *tail = NULL;

	*ev = (struct event){ 0 };
	for (size_t i = 0; lines[i]; i++) {
		struct record *r = NULL;
		int rc = record_parse_line(lines[i], strlen(lines[i]), &r);

		if (rc != 0)
			fail_msg("cannot parse line %zu: %d: %s", i, rc, lines[i]);
		if (!tail) {
			ev->records = r;
			ev->id = r->id;
			ev->node = r->node_len ? r->text + r->node : NULL;
			ev->node_len = r->node_len;
		} else {
			tail->next = r;
		}
		tail = r;
		ev->n_records++;
	}
}
