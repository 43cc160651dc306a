/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assembler.h"
#include "proctable.h"

/*
 * Enrichment: keeps the process table current from /proc and from the
 * event stream, and gives each event what the encoder adds to it
 * (LAUREL 0.8's PID, PPID, SPAWNED_BY, *pid objects, SCRIPT, LABELS,
 * UID_GROUPS, EXECVE.ENV, plus ANCESTORS). It adds, never overwrites;
 * what cannot be known is left out, never guessed.
 */

/* Deepest ANCESTORS list. */
#define ENRICH_MAX_ANCESTORS 64
/*
 * Events older than this by the wall clock (a replayed log) are enriched
 * from the events alone: /proc now says nothing true about them.
 */
#define ENRICH_PROC_MAX_AGE_MS 10000

struct labels;
struct userdb;

struct enrich_options {
	const char *proc_root;       /* "/proc", or a fixture tree; borrowed */
	size_t max_processes;        /* process table limit */
	bool pid;                    /* SYSCALL.PID, PPID, other *pid objects */
	bool ppid_verbose;           /* PPID also has comm, exe, ppid */
	bool spawned_by;             /* SYSCALL.SPAWNED_BY */
	bool container;              /* PID.container.id */
	bool systemd;                /* PID.systemd_service */
	bool script;                 /* SYSCALL.SCRIPT */
	bool uid_groups;             /* SYSCALL.UID_GROUPS */
	size_t ancestors;            /* SYSCALL.ANCESTORS depth; 0: off */
	const char *const *env_names; /* EXECVE.ENV names ('PREFIX*'); borrowed */
	size_t n_env_names;          /* 0: no EXECVE.ENV */
	struct labels *labels;       /* label names and rules; NULL: none. Borrowed */
	const char *const *label_keys; /* rule keys that become labels; borrowed */
	size_t n_label_keys;
	const char *const *propagate; /* labels children inherit; borrowed */
	size_t n_propagate;
	size_t label_argv_count;     /* label-argv: args matched */
	size_t label_argv_bytes;     /* label-argv: bytes matched */
	struct userdb *userdb;       /* for UID_GROUPS; borrowed; NULL: none */
	uint64_t proc_max_age_ms;    /* no /proc reads for older events; 0: no limit */
};

/* One process as the output shows it; strings borrowed until the next enrich_event(). */
struct enrich_proc {
	bool present;
	uint32_t pid;
	uint32_t ppid;
	struct proc_key key;
	const char *comm;            /* NULL: unknown */
	const char *exe;             /* NULL: unknown */
	const char *container;       /* 64 hex digits; NULL: none */
	const char *services;        /* NUL-separated names */
	size_t n_services;
};

struct enrich_env {
	const char *name;
	size_t name_len;
	const char *value;
	size_t value_len;
};

/* Another *pid field's process (OPID, USER_* pid ...), by pid value. */
struct enrich_pidobj {
	uint32_t pid;
	struct enrich_proc proc;
};

/* What the encoder adds to one event. Borrowed until the next enrich_event(). */
struct enrichment {
	bool syscall;                /* the event has a SYSCALL record */
	struct enrich_proc pid;      /* SYSCALL.PID */
	struct enrich_proc ppid;     /* SYSCALL.PPID */
	struct enrich_proc spawned_by;
	const struct enrich_proc *ancestors;
	size_t n_ancestors;
	const char *script;          /* NULL: none */
	const char *const *labels;   /* names */
	size_t n_labels;
	const char *const *uid_groups;
	size_t n_uid_groups;
	bool has_env;                /* exec event with env enrichment on */
	const struct enrich_env *env;
	size_t n_env;
	const struct enrich_pidobj *pids;
	size_t n_pids;
	bool ppid_verbose;
	bool show_container;
	bool show_services;
};

struct enrich_stats {
	uint64_t proc_reads;         /* files read under the proc root */
	uint64_t scans;              /* full scans of the proc root */
};

struct enricher;

/*
 * Returns a new enricher (OPTS copied; what it points to is borrowed for
 * the enricher's lifetime); free with enrich_free(). NULL only on OOM.
 */
struct enricher *enrich_new(const struct enrich_options *opts);

/* NULL-safe. */
void enrich_free(struct enricher *e);

/*
 * Reads every process under the proc root into the table (start-up).
 * Returns the number of processes read, or -errno if the root cannot be
 * read (enrichment then works from events only).
 */
int enrich_scan(struct enricher *e, uint64_t now_ms);

/*
 * Housekeeping at NOW_MS (the pipeline's clock): at most once per
 * ENRICH_EXPIRE_PERIOD_MS, lists the live pids and expires the table.
 */
void enrich_tick(struct enricher *e, uint64_t now_ms);

/*
 * Updates the table from EV (exec, fork, first sighting, label keys) and
 * returns what the encoder adds to it; NULL when there is nothing to add.
 * The result and its strings are borrowed until the next call.
 */
const struct enrichment *enrich_event(struct enricher *e, const struct event *ev, uint64_t now_ms);

/* The labels of the event's process (for filters and journald), after enrich_event(). */
struct proctable *enrich_table(struct enricher *e);

const struct enrich_stats *enrich_stats(const struct enricher *e);
