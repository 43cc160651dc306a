/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * Where JSON lines go: stdout ("-"), journald ("journal", one entry per
 * event with indexed fields: sink_journal.c) or a file appended to and
 * rotated by size. Each output has its own queue and error accounting, so one that
 * fails (a full disk) neither stops the others nor loses events silently:
 * what it could not write is counted and, once writing works again,
 * stated in-band in that output.
 */

struct event;
struct enrichment;
struct output;

struct output_options {
	const char *prefix;     /* written before each line; NULL: none */
	uint64_t rotate_size;   /* rotate a file once it would exceed this; 0: never */
	unsigned generations;   /* rotated copies kept (.1 ... .N); 0: none kept */
	unsigned journal_wait_ms; /* journald pushing back: block this long (replay), 0: queue (live) */
	const char *group;      /* files' group; NULL: the process's */
	const char *read_users; /* names joined by ',', granted read by POSIX ACL; NULL: none */
	const char *read_groups;
	bool read_other;        /* everyone may read */
	bool has_user;          /* the daemon runs as USER_UID after start ('user'): a file's */
	uid_t user_uid;         /* directory may belong to it, and what is created while */
	gid_t user_gid;         /* root is given to it (group: GROUP, else USER_GID) */
};

struct output_counters {
	uint64_t lines;         /* written */
	uint64_t lost;          /* lines that could not be written */
	uint64_t errors;        /* failed writes */
	uint64_t rotations;
	uint64_t queued;        /* lines waiting to be written now */
};

/*
 * Opens TARGET ("-" for stdout, otherwise a file path, created 0640, never
 * through a symbolic link). The file's directory is created 0750 when
 * missing (the last component only) and refused (-ELOOP, -EPERM, said on
 * stderr) when it is a symbolic link, belongs to a user other than root,
 * us or OPTS' user, or is writable by group or others; it stays open, so
 * rotation and reopening work relative to it. OPTS is copied. Returns 0
 * and a new output in *RET, or -errno.
 */
int output_open(const char *target, const struct output_options *opts, struct output **ret);

/* Flushes and closes. Returns the lines it lost in all, the last flush included. NULL-safe. */
uint64_t output_close(struct output *o);

/*
 * Queues one line (a newline is added). EV is the event it encodes, or NULL
 * for a line that is not an audit event (loss records). Returns 0, or
 * -errno when the output is failing (the line is queued or counted lost).
 */
int output_write(struct output *o, const struct event *ev, const struct enrichment *enr, const char *line,
		 size_t len);

/* Writes what is queued, retrying after failures. Returns 0 or -errno. */
int output_flush(struct output *o);

/*
 * Reopens a file output by name (after logrotate moved it); stdout is left
 * alone. On failure the old file stays in use. Returns 0 or -errno.
 */
int output_reopen(struct output *o);

/* The target's name, for messages. */
const char *output_name(const struct output *o);

/* The counters, with the queue depth as of now. */
const struct output_counters *output_counters(struct output *o);
