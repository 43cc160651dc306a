/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record.h"

/*
 * The process table: what auscribe knows about processes, as a pure data
 * structure. It does no I/O; enrich.c feeds it from /proc and from the
 * event stream. Lookups by pid are O(1) (a hash of pid -> current
 * entry); entries are linked to their parent and to their pre-exec self
 * by references that go stale, never dangle, when an entry is freed.
 *
 * An entry's identity is its key: the ID of the event that created it
 * (exec, fork), or its start time for a process read from /proc. A pid
 * reused by a new process gets a new entry with a new key, so it can
 * never inherit the old process's parent or labels.
 */

/* Longest exe path kept per entry (longer ones are cut, counted). */
#define PROCTABLE_MAX_EXE 4096
/* Bytes of systemd service names kept per entry (NUL-separated list). */
#define PROCTABLE_MAX_SERVICES 256

enum proc_origin {
	PROC_FROM_PROC,    /* read from /proc (start-up scan, unknown pid) */
	PROC_FROM_EXEC,    /* an execve/execveat event */
	PROC_FROM_FORK,    /* a clone/fork/vfork event (the child) */
	PROC_FROM_EVENT,   /* another event of a process gone from /proc */
};

struct proc_key {
	bool is_event;           /* true: EVENT_ID; false: START_TIME */
	struct event_id event;   /* is_event */
	uint64_t start_ms;       /* !is_event: start time, ms since the epoch */
};

/* A reference that cannot dangle: slot index and generation; {0, 0} is none. */
struct proc_ref {
	uint32_t slot;
	uint32_t gen;
};

struct proc {
	uint32_t pid;
	uint32_t ppid;
	struct proc_key key;
	uint8_t origin;           /* enum proc_origin */
	bool is_init;             /* pid 1 in its PID namespace */
	bool has_container;
	struct proc_ref parent;
	struct proc_ref previous_self; /* the same pid before its exec */
	uint64_t labels;          /* bit i: label i (labels.h) */
	char comm[16];
	char container[65];       /* has_container: 64 hex digits */
	char *exe;                /* owned; NULL: unknown */
	char *services;           /* owned; NUL-separated names; NULL: none */
	size_t services_len;      /* bytes of SERVICES including the NULs */
	/* Bookkeeping, maintained by the table: */
	bool gone;                /* pid seen missing from /proc */
	uint64_t gone_since_ms;
};

struct proctable_stats {
	uint64_t inserted;
	uint64_t expired;
	uint64_t full;            /* inserts refused: the table was full of live entries */
	uint64_t evicted;         /* dead entries dropped early to make room */
	uint64_t truncated;       /* strings cut to their limit */
};

struct proctable;

/*
 * Returns a new, empty table of at most MAX_ENTRIES entries; free with
 * proctable_free(). NULL only on OOM.
 */
struct proctable *proctable_new(size_t max_entries);

/* NULL-safe. */
void proctable_free(struct proctable *t);

/* The entry PID maps to now, or NULL. Valid until the next insert or expire. */
struct proc *proctable_current(struct proctable *t, uint32_t pid);

/* The entry REF names, or NULL when REF is none or stale. */
struct proc *proctable_get(struct proctable *t, struct proc_ref ref);

/* A reference to P (an entry of T). */
struct proc_ref proctable_ref(const struct proctable *t, const struct proc *p);

/*
 * Adds a copy of TMPL (its strings copied, cut to their limits; its
 * bookkeeping fields ignored) and makes it the current entry of
 * TMPL->pid. The entry it replaces stays (it may be someone's parent or
 * previous self) until expiry. When the table is full, the longest-gone
 * entry is evicted; if every entry is live, the insert is refused.
 * Returns the new entry, or NULL (full, counted; or OOM).
 */
struct proc *proctable_insert(struct proctable *t, const struct proc *tmpl, uint64_t now_ms);

/*
 * Expiry, given ALIVE (N_ALIVE pids, sorted ascending, from
 * procfs_list_pids()) at NOW_MS: entries whose pid is not alive, or that
 * are no longer current for their pid, are marked gone; gone entries
 * that have been gone GRACE_MS or longer and are neither the parent nor
 * the previous self of a kept entry (transitively) are freed; those kept
 * for that reason stop answering for their pid (proctable_current()).
 */
void proctable_expire(struct proctable *t, const uint32_t *alive, size_t n_alive, uint64_t now_ms,
		      uint64_t grace_ms);

/* Number of entries. */
size_t proctable_size(const struct proctable *t);

/* Bytes held by the table (entries, index, strings), for the status record. */
size_t proctable_memory(const struct proctable *t);

const struct proctable_stats *proctable_stats(const struct proctable *t);
