/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * journald output: one journal entry per event, MESSAGE the JSON line plus
 * indexed AUSCRIBE_* fields (docs/journald.md). Entries journald does not
 * take (absent, restarting, pushing back) wait in a bounded queue and are
 * retried in order; what overflows is dropped, counted, and reported in
 * band when journald is back.
 */

struct event;
struct enrichment;
struct sink_journal;
/*
 * sent: entries journald's socket took (in-band loss entries included);
 * queued_now: waiting; retried: sent after waiting; dropped: never sent
 * (queue full, OOM, still queued at the end); errors: sends that failed
 * for another reason than journald being absent or busy (EACCES...).
 */
struct sink_journal_counters { uint64_t sent, queued_now, retried, dropped, errors; };

/* journald's native socket. */
#define SINK_JOURNAL_SOCKET "/run/systemd/journal/socket"
/* A wait_ms for replay: a file goes through whole, at journald's pace. */
#define SINK_JOURNAL_REPLAY_WAIT_MS 10000

struct sink_journal_options {
	const char *socket_path;  /* NULL: SINK_JOURNAL_SOCKET */
	size_t max_queued;        /* entries; 0: SINK_JOURNAL_MAX_QUEUED */
	size_t max_queued_bytes;  /* 0: SINK_JOURNAL_MAX_QUEUED_BYTES */
	/*
	 * When journald pushes back (its queue is full), a write or flush
	 * may block up to this long for it. 0 (live input): never block the
	 * loop, queue instead. Replay: SINK_JOURNAL_REPLAY_WAIT_MS.
	 */
	unsigned wait_ms;
};

/* Returns 0 and a new sink in *RET, or -ENOMEM. Never fails because journald is absent: entries queue. */
int sink_journal_open(struct sink_journal **ret);

/* The same with options O (borrowed for the call); -EINVAL if the socket path is too long. */
int sink_journal_open_with(const struct sink_journal_options *o, struct sink_journal **ret);

void sink_journal_free(struct sink_journal *j); /* NULL-safe; tries once more to send what is queued, counts the rest as dropped */

/* sink_journal_free() that returns the entries dropped in all, the last ones included (as output_close()). */
uint64_t sink_journal_close(struct sink_journal *j);

/* One entry per event. EV may be NULL for lines that are not audit events (AUSCRIBE_LOSS, status): then only MESSAGE, SYSLOG_IDENTIFIER, PRIORITY=4 and AUSCRIBE_RECORD=<the top-level key after "ID", e.g. AUSCRIBE_LOSS>. JSON is the event's JSON line (LEN bytes, no newline). Returns 0 (sent or queued) or -errno only for programmer errors/OOM. */
int sink_journal_write(struct sink_journal *j, const struct event *ev, const struct enrichment *enr,
		       const char *json, size_t len);

/* Retries queued entries; call on every loop tick. Returns 0 or -errno of the last failure (the queue keeps them). */
int sink_journal_flush(struct sink_journal *j);

const struct sink_journal_counters *sink_journal_counters(const struct sink_journal *j);

/*
 * The fields of the entry sink_journal_write() would send for EV (may be
 * NULL), its enrichment ENR (may be NULL) and JSON (LEN bytes): "NAME=value" each, the value any bytes
 * (newlines, NULs). Pure: no I/O. Returns 0, *RET_N fields and in *RET_IOV
 * a new array of them, all in one allocation (free(*RET_IOV)); or -ENOMEM.
 */
int sink_journal_fields(const struct event *ev, const struct enrichment *enr, const char *json, size_t len,
			struct iovec **ret_iov, size_t *ret_n);
