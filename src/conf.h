/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * The configuration: an INI file (libinih) with LAUREL's section and key
 * names. Every key is listed in one keyword table in conf.c; unknown
 * sections and keys are errors, keys whose feature is not built yet are
 * rejected with "not supported yet".
 */

#define CONF_DEFAULT_PATH "/etc/auscribe/auscribe.conf"
/* Receive buffer for the multicast socket: ~5 s of a busy system's records. */
#define CONF_DEFAULT_NETLINK_RCVBUF (64u * 1024 * 1024)
/* Seconds between in-band status records (live); a SIEM can alert on their absence. */
#define CONF_DEFAULT_STATUS_PERIOD 60
/* Live events without EOE end this long after their first record. */
#define CONF_DEFAULT_EVENT_TIMEOUT_MS 500
/* Processes the table tracks: a busy host's live processes and their ancestors. */
#define CONF_DEFAULT_MAX_PROCESSES 262144
/* ANCESTORS entries per event: enough for sshd -> shell -> sudo -> shell -> tool. */
#define CONF_DEFAULT_ANCESTORS 8

/* One [label-process] regex rule: label-exe.'REGEX' = 'LABEL' and the like. */
struct conf_label_rule {
	int subject;             /* enum label_subject (labels.h) */
	bool unlabel;            /* unlabel-*: removes LABEL */
	char *regex;
	char *label;
};

struct conf {
	/* top level */
	size_t status_period;    /* statusreport-period, seconds; 0: only on SIGUSR1 */
	char *user;              /* the daemon switches to this user after start; NULL: none */

	/* [auditlog] */
	char *auditlog_file;     /* output file; NULL: none configured */
	char *line_prefix;       /* written before every JSON line; NULL: none */
	size_t auditlog_size;    /* rotate the file past this size; 0: never */
	size_t auditlog_generations; /* rotated copies kept */
	char *auditlog_group;    /* group of the file (auscribe's own key); NULL: ours */
	char *auditlog_read_users;  /* ACL read grants, names joined by ','; NULL: none */
	char *auditlog_read_groups;
	bool auditlog_read_other;

	/* [transform] */
	bool argv_array;         /* EXECVE.ARGV as a list (default true) */
	bool argv_string;        /* EXECVE.ARGV_STR as one string (default false) */
	size_t argv_limit_bytes; /* execve-argv-limit-bytes; 0: no limit */

	/* [translate] */
	bool universal;          /* ARCH, SYSCALL names, SADDR objects */
	bool user_db;            /* UID, AUID, ... names for *uid / *gid */

	/* [enrich] */
	bool enrich_pid;         /* pid: PID, PPID and *pid objects */
	bool ppid_verbose;       /* PPID also has comm, exe, ppid */
	bool spawned_by;         /* SYSCALL.SPAWNED_BY */
	char *execve_env;        /* execve-env: names ('PREFIX*') joined by '\n'; NULL: none */
	bool enrich_container;   /* container: PID.container.id */
	bool enrich_systemd;     /* systemd: PID.systemd_service */
	bool enrich_script;      /* script: SYSCALL.SCRIPT */
	bool uid_groups;         /* uid-groups: SYSCALL.UID_GROUPS */
	size_t ancestors;        /* ancestors (auscribe's own): ANCESTORS depth; 0: off */
	size_t max_processes;    /* max-processes (auscribe's own): process table limit */
	char *proc_root;         /* proc-root (auscribe's own): where /proc is; NULL: /proc */

	/* [label-process] */
	char *label_keys;        /* names joined by '\n'; NULL: none */
	char *propagate_labels;  /* names joined by '\n'; NULL: none */
	size_t label_argv_count;
	size_t label_argv_bytes;
	struct conf_label_rule *label_rules;
	size_t n_label_rules;

	/* [netlink] (auscribe's own) */
	size_t netlink_rcvbuf;   /* receive-buffer, bytes */
	size_t event_timeout_ms; /* event-timeout: live events without EOE */
	bool kernel_lost_counter; /* kernel-lost-counter: watch AUDIT_GET's lost (keeps CAP_AUDIT_CONTROL) */
};

/* Returns a new configuration holding the built-in defaults; free with
 * conf_free(). NULL only on OOM. */
struct conf *conf_new(void);

/* NULL-safe. */
void conf_free(struct conf *c);

/*
 * Reads PATH into C, on top of what C already holds.
 * Returns 0 on success; -ENOENT if PATH does not exist (C unchanged);
 * -EINVAL for a bad file, with "PATH:LINE: what is wrong" in RET_ERR;
 * other -errno if PATH cannot be read, with a message in RET_ERR.
 * RET_ERR is always NUL-terminated when ERRLEN > 0.
 */
int conf_load(struct conf *c, const char *path, char *ret_err, size_t errlen);

/*
 * Whether a configuration file with status ST may be trusted by a process
 * whose effective uid is EUID: writable by nobody but its owner (no group
 * or other write bit), and owned by root or, when EUID is not root, by
 * EUID. conf_load() refuses other files with -EPERM. Returns 0 or -EPERM.
 */
struct stat;
int conf_file_trusted(const struct stat *st, uid_t euid);

/*
 * Splits a '\n'-joined list (execve_env, label_keys, ...) into a new
 * NULL-terminated array in *RET (free with free(); the strings point into
 * it), its length in *RET_N. A NULL LIST gives an empty array.
 * Returns 0 or -ENOMEM.
 */
int conf_split_list(const char *list, char ***ret, size_t *ret_n);
