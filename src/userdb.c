// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * userdb: uid -> user name and gid -> group name for [translate] user-db,
 * cached in one open-addressing hash table.
 *
 * Names come from NSS (getpwuid_r / getgrgid_r), so directory users
 * resolve as they do for id(1); a lookup blocks for as long as NSS does.
 * Policies:
 * - (uint32_t)-1 is "unset", without a lookup.
 * - "not found" is cached too, as "unknown(N)". A lookup that fails for
 *   another reason (EIO, EMFILE, a directory service that is down) is
 *   answered "unknown(N)" but not cached, so the next call retries. An
 *   entry too big for USERDB_NSS_BUF_MAX counts as not found.
 * - At most USERDB_MAX_ENTRIES users and groups together; when the table
 *   is full it is emptied and refills on demand (no LRU on the hot path).
 * - userdb_tick() stats /etc/passwd and /etc/group at most once every
 *   USERDB_CHECK_INTERVAL_MS of the caller's clock (a clock that goes
 *   backwards counts as elapsed) and empties the table when the device,
 *   inode, size or mtime of either file changed. That sees every local
 *   edit (shadow-utils and editors replace the file; any write moves the
 *   mtime), but not changes in a directory service, which show up only
 *   after such an invalidation or a restart. LAUREL instead expires each
 *   entry after 30 minutes.
 */
#include "config.h"

#include "userdb.h"

#include <assert.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Users plus groups kept; a site with more pays one NSS call per miss. */
#define USERDB_MAX_ENTRIES 4096
/* Open addressing at a load factor of at most 1/2. */
#define USERDB_TABLE_BITS 13
#define USERDB_TABLE_SIZE (1u << USERDB_TABLE_BITS)
/* How often userdb_tick() looks at the files. */
#define USERDB_CHECK_INTERVAL_MS 1000
/* getpw*_r / getgr*_r buffer: grown on ERANGE, e.g. for huge groups. */
#define USERDB_NSS_BUF_MIN 1024
#define USERDB_NSS_BUF_MAX (1024 * 1024)
/* Groups listed per user (UID_GROUPS); more are left out. */
#define USERDB_MAX_GROUPS 1024
/* (uid_t)-1 and (gid_t)-1: "no id" in audit records. */
#define USERDB_UNSET 0xffffffffu

_Static_assert(USERDB_MAX_ENTRIES * 2 <= USERDB_TABLE_SIZE, "table too small");

static const char *const userdb_files[] = { "/etc/passwd", "/etc/group" };
#define USERDB_NFILES (sizeof(userdb_files) / sizeof(userdb_files[0]))

enum userdb_kind {
	USERDB_USER,
	USERDB_GROUP,
	USERDB_GROUPS, /* a user's group names, '\n'-joined (UID_GROUPS) */
};

struct userdb_entry {
	uint64_t key; /* kind << 32 | id */
	char *name;   /* NULL: free slot */
};

struct userdb_file_sig {
	bool present;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
};

struct userdb {
	struct userdb_entry *table; /* USERDB_TABLE_SIZE slots */
	size_t count;
	char *nss_buf;
	size_t nss_size;
	struct userdb_file_sig sig[USERDB_NFILES];
	bool checked;
	uint64_t last_check_ms;
	char scratch[sizeof("unknown(4294967295)")];
};

static void file_sig(const char *path, struct userdb_file_sig *ret)
{
	struct stat st;

	*ret = (struct userdb_file_sig){ 0 };
	if (stat(path, &st) < 0)
		return;
	ret->present = true;
	ret->dev = st.st_dev;
	ret->ino = st.st_ino;
	ret->size = st.st_size;
	ret->mtime = st.st_mtim;
}

static bool file_sig_equal(const struct userdb_file_sig *a, const struct userdb_file_sig *b)
{
	return a->present == b->present && a->dev == b->dev && a->ino == b->ino &&
	       a->size == b->size && a->mtime.tv_sec == b->mtime.tv_sec &&
	       a->mtime.tv_nsec == b->mtime.tv_nsec;
}

static void userdb_clear(struct userdb *db)
{
	for (size_t i = 0; i < USERDB_TABLE_SIZE && db->count; i++) {
		if (db->table[i].name) {
			free(db->table[i].name);
			db->table[i].name = NULL;
			db->count--;
		}
	}
	assert(db->count == 0);
}

struct userdb *userdb_new(void)
{
	struct userdb *db = calloc(1, sizeof(*db));

	if (!db)
		return NULL;
	db->table = calloc(USERDB_TABLE_SIZE, sizeof(*db->table));
	if (!db->table)
		goto fail;
	db->nss_size = USERDB_NSS_BUF_MIN;
	db->nss_buf = malloc(db->nss_size);
	if (!db->nss_buf)
		goto fail;
	for (size_t i = 0; i < USERDB_NFILES; i++)
		file_sig(userdb_files[i], &db->sig[i]);
	return db;
fail:
	free(db->table);
	free(db);
	return NULL;
}

void userdb_free(struct userdb *db)
{
	if (!db)
		return;
	userdb_clear(db);
	free(db->table);
	free(db->nss_buf);
	free(db);
}

void userdb_tick(struct userdb *db, uint64_t now_ms)
{
	bool changed = false;

	/* Unsigned: a clock that went backwards looks like a long wait. */
	if (db->checked && now_ms - db->last_check_ms < USERDB_CHECK_INTERVAL_MS)
		return;
	db->checked = true;
	db->last_check_ms = now_ms;

	for (size_t i = 0; i < USERDB_NFILES; i++) {
		struct userdb_file_sig sig;

		file_sig(userdb_files[i], &sig);
		if (!file_sig_equal(&sig, &db->sig[i])) {
			db->sig[i] = sig;
			changed = true;
		}
	}
	if (changed)
		userdb_clear(db);
}

/* Doubles the NSS buffer. Returns false at USERDB_NSS_BUF_MAX or on OOM. */
static bool grow_nss_buf(struct userdb *db)
{
	size_t size = db->nss_size * 2;
	char *p;

	if (size > USERDB_NSS_BUF_MAX)
		return false;
	p = realloc(db->nss_buf, size);
	if (!p)
		return false;
	db->nss_buf = p;
	db->nss_size = size;
	return true;
}

/*
 * Asks NSS. Returns 0 with *RET_NAME pointing into db->nss_buf (and, for
 * a user, its primary group in *RET_GID unless NULL), -ENOENT for "no
 * such id" (to be cached), another -errno for a failure not to be cached.
 */
static int nss_lookup(struct userdb *db, enum userdb_kind kind, uint32_t id, const char **ret_name,
		      gid_t *ret_gid)
{
	for (;;) {
		const char *name = NULL;
		int r;

		if (kind == USERDB_USER) {
			struct passwd pw, *res = NULL;

			r = getpwuid_r((uid_t)id, &pw, db->nss_buf, db->nss_size, &res);
			if (r == 0 && res) {
				name = res->pw_name;
				if (ret_gid)
					*ret_gid = res->pw_gid;
			}
		} else {
			struct group gr, *res = NULL;

			r = getgrgid_r((gid_t)id, &gr, db->nss_buf, db->nss_size, &res);
			if (r == 0 && res)
				name = res->gr_name;
		}
		if (name) {
			*ret_name = name;
			return 0;
		}
		switch (r) {
		case ERANGE:
			if (grow_nss_buf(db))
				continue;
			/* Too big to fetch: as good as absent. */
			return -ENOENT;
		/* getpwuid_r(3): all of these mean "not found". */
		case 0:
		case ENOENT:
		case ESRCH:
		case EBADF:
		case EPERM:
			return -ENOENT;
		default:
			return -r;
		}
	}
}

static size_t slot_of(uint64_t key)
{
	/* Fibonacci hashing: the top bits of key * 2^64 / phi. */
	return (size_t)((key * 0x9e3779b97f4a7c15ull) >> (64 - USERDB_TABLE_BITS));
}

static const char *userdb_lookup(struct userdb *db, enum userdb_kind kind, uint32_t id);

/*
 * The names of the groups of user UID (primary first, then the
 * supplementary ones from getgrouplist()), '\n'-joined, in a new string.
 * -ENOENT: no such user.
 */
static int nss_groups(struct userdb *db, uint32_t uid, char **ret)
{
	gid_t groups[USERDB_MAX_GROUPS];
	int n = USERDB_MAX_GROUPS;
	char *user, *list = NULL;
	size_t len = 0;
	const char *name;
	gid_t primary;
	int r;

	r = nss_lookup(db, USERDB_USER, uid, &name, &primary);
	if (r < 0)
		return r;
	user = strdup(name);
	if (!user)
		return -ENOMEM;
	if (getgrouplist(user, primary, groups, &n) < 0)
		n = USERDB_MAX_GROUPS; /* too many: the first ones */
	free(user);
	for (int i = 0; i < n; i++) {
		char *grown;
		size_t nl;

		name = userdb_lookup(db, USERDB_GROUP, (uint32_t)groups[i]);
		nl = strlen(name);
		grown = realloc(list, len + nl + 2);
		if (!grown) {
			free(list);
			return -ENOMEM;
		}
		list = grown;
		if (len)
			list[len++] = '\n';
		memcpy(list + len, name, nl + 1);
		len += nl;
	}
	if (!list && !(list = strdup("")))
		return -ENOMEM;
	*ret = list;
	return 0;
}

static const char *userdb_lookup(struct userdb *db, enum userdb_kind kind, uint32_t id)
{
	uint64_t key = (uint64_t)kind << 32 | id;
	size_t i = slot_of(key);
	const char *name = NULL;
	char *copy;
	int r;

	assert(db);
	if (id == USERDB_UNSET)
		return "unset";

	for (; db->table[i].name; i = (i + 1) & (USERDB_TABLE_SIZE - 1))
		if (db->table[i].key == key)
			return db->table[i].name;

	r = nss_lookup(db, kind, id, &name, NULL);
	if (r < 0) {
		snprintf(db->scratch, sizeof(db->scratch), "unknown(%u)", (unsigned)id);
		name = db->scratch;
		if (r != -ENOENT)
			return name;
	}

	if (db->count >= USERDB_MAX_ENTRIES) {
		userdb_clear(db);
		i = slot_of(key);
	}
	/* Without memory, NAME (in nss_buf or scratch) lasts until the next call. */
	copy = strdup(name);
	if (!copy)
		return name;
	db->table[i] = (struct userdb_entry){ .key = key, .name = copy };
	db->count++;
	return copy;
}

const char *userdb_user_groups(struct userdb *db, uint32_t uid)
{
	uint64_t key = (uint64_t)USERDB_GROUPS << 32 | uid;
	char *list = NULL;
	size_t i;

	assert(db);
	if (uid == USERDB_UNSET)
		return NULL;
	for (i = slot_of(key); db->table[i].name; i = (i + 1) & (USERDB_TABLE_SIZE - 1))
		if (db->table[i].key == key)
			return *db->table[i].name ? db->table[i].name + 1 : NULL;
	/* Cached with a leading '+' for "found", or "" for "no such user". */
	{
		int r = nss_groups(db, uid, &list);
		char *entry;

		if (r < 0 && r != -ENOENT)
			return NULL;
		entry = malloc((list ? strlen(list) : 0) + 2);
		if (!entry) {
			free(list);
			return NULL;
		}
		if (list) {
			entry[0] = '+';
			strcpy(entry + 1, list);
		} else {
			entry[0] = '\0';
		}
		free(list);
		if (db->count >= USERDB_MAX_ENTRIES)
			userdb_clear(db);
		for (i = slot_of(key); db->table[i].name; i = (i + 1) & (USERDB_TABLE_SIZE - 1))
			;
		db->table[i] = (struct userdb_entry){ .key = key, .name = entry };
		db->count++;
		return *entry ? entry + 1 : NULL;
	}
}

const char *userdb_user(struct userdb *db, uint32_t uid)
{
	return userdb_lookup(db, USERDB_USER, uid);
}

const char *userdb_group(struct userdb *db, uint32_t gid)
{
	return userdb_lookup(db, USERDB_GROUP, gid);
}
