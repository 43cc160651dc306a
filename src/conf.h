/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

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

struct conf {
	/* top level */
	size_t status_period;    /* statusreport-period, seconds; 0: only on SIGUSR1 */

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

	/* [netlink] (auscribe's own) */
	size_t netlink_rcvbuf;   /* receive-buffer, bytes */
	size_t event_timeout_ms; /* event-timeout: live events without EOE */
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
