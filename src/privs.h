/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/capability.h>
#include <sys/types.h>

/*
 * Least privilege after start: the user to switch to, and the one call
 * that switches to it (when root) and reduces the capability sets to the
 * few the daemon still needs.
 */

/* A user to run as: its ids and supplementary groups. Embedded; privs_user_done(). */
struct privs_user {
	uid_t uid;
	gid_t gid;              /* primary group */
	gid_t *groups;          /* supplementary groups (getgrouplist), owned */
	size_t n_groups;
};

/*
 * Looks up the user NAME (getpwnam_r) and its groups into *RET, which
 * must be freed with privs_user_done() on success. Returns 0, -ESRCH when
 * there is no such user, -ENOMEM, or another -errno from the lookup.
 */
int privs_user_lookup(const char *name, struct privs_user *ret);

/* Frees what privs_user_lookup() allocated; NULL-safe, idempotent. */
void privs_user_done(struct privs_user *u);

/*
 * Drops privileges for good. With USER (which needs root): supplementary
 * groups, gid and uid all become USER's, real, effective and saved.
 * Then the permitted and effective capability sets become exactly the
 * capabilities of KEEP[0, N_KEEP) the process had permitted; the
 * inheritable and ambient sets are cleared and, when allowed
 * (CAP_SETPCAP), the bounding set too of everything else. The result is
 * verified; any failure returns -errno and the caller must not go on
 * (fail closed). Without USER only the capabilities are reduced. Ask
 * privs_cap_have() afterwards which of KEEP are there.
 */
int privs_drop(const struct privs_user *user, const cap_value_t *keep, size_t n_keep);

/* Whether capability CAP is in this thread's effective set. */
bool privs_cap_have(cap_value_t cap);
