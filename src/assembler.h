/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "record.h"
#include "stats.h"

/*
 * Groups records into events by (node, timestamp, serial), in any arrival
 * order. An event ends at its EOE record; a user-space record alone ends as
 * soon as it is clear no kernel records will join it; anything else ends
 * after a timeout. Time is a parameter (milliseconds): replay passes the
 * records' own clock, live input passes the loop's clock.
 */

struct event {
	struct event_id id;
	const char *node;         /* node_len bytes, not NUL-terminated; NULL: none */
	size_t node_len;
	struct record *records;   /* in arrival order, linked by ->next */
	size_t n_records;
	size_t records_dropped;   /* beyond ASSEMBLER_MAX_RECORDS */
	bool timed_out;           /* ended by timeout or flush, not by EOE */
};

/* Called for each finished event; EV is borrowed until the callback returns. */
typedef void (*assembler_emit_fn)(const struct event *ev, void *userdata);

struct assembler;

/*
 * Returns a new assembler that ends EOE-less events TIMEOUT_MS after their
 * first record; free with assembler_free(). STATS is borrowed for the
 * assembler's lifetime. NULL only on OOM.
 */
struct assembler *assembler_new(uint64_t timeout_ms, assembler_emit_fn emit, void *userdata,
				struct stats *stats);

/* Emits nothing; drops open events. NULL-safe. */
void assembler_free(struct assembler *a);

/*
 * Adds REC (takes ownership) at time NOW_MS. May emit events (this one if
 * complete, and others ended by this arrival).
 */
void assembler_push(struct assembler *a, struct record *rec, uint64_t now_ms);

/* Emits every event whose timeout has passed at NOW_MS. */
void assembler_expire(struct assembler *a, uint64_t now_ms);

/* Emits every open event, oldest first (end of input, shutdown). */
void assembler_flush(struct assembler *a);

/* Number of open events. */
size_t assembler_open(const struct assembler *a);

/* Milliseconds of the earliest deadline among open events; UINT64_MAX if none. */
uint64_t assembler_next_deadline(const struct assembler *a);
