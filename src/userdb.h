/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

/*
 * A cache of user and group names for the [translate] user-db option.
 * Names come from NSS (getpwuid_r / getgrgid_r); the cache is dropped
 * when /etc/passwd or /etc/group change (checked at most once a second,
 * on the caller's clock).
 */

struct userdb;

/* Returns a new, empty cache; free with userdb_free(). NULL only on OOM. */
struct userdb *userdb_new(void);

/* NULL-safe. */
void userdb_free(struct userdb *db);

/*
 * Tells the cache the time (milliseconds, any monotonic origin) so it can
 * check the files for changes at most once a second.
 */
void userdb_tick(struct userdb *db, uint64_t now_ms);

/*
 * The name of user UID: "unset" for (uid_t)-1 (4294967295), the account
 * name, or "unknown(UID)". Never NULL; borrowed until the next call on DB.
 */
const char *userdb_user(struct userdb *db, uint32_t uid);

/* The same for group GID. */
const char *userdb_group(struct userdb *db, uint32_t gid);

/*
 * The group names of user UID (UID_GROUPS): the primary group, then the
 * supplementary ones, '\n'-joined ("" when there are none; an unknown
 * group is "unknown(N)"). NULL for an unknown user, "unset" or a failed
 * lookup. Borrowed until the next call on DB.
 */
const char *userdb_user_groups(struct userdb *db, uint32_t uid);
