// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests for userdb against the host's NSS: uid/gid 0 must be "root"
 * and ids 3999998 / 3999999 must not exist.
 *
 * Invalidation is tested without touching the real /etc/group: a forked
 * child enters a private mount namespace (as root, or through a user
 * namespace) and bind-mounts a scratch copy over /etc/group, then edits
 * the copy. Where namespaces are not available that test is skipped.
 */
#include "config.h"
/* unshare(); config.h has it from AC_USE_SYSTEM_EXTENSIONS. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "userdb.h"

#define UNUSED_ID 3999999u
#define TEST_GID 3999998u
#define NAME_MAX_LEN 256
/* More distinct ids than any sane USERDB_MAX_ENTRIES: forces a clear. */
#define MANY_IDS 10000u
/* Exit codes of the namespace child. */
#define CHILD_OK 0
#define CHILD_FAIL 1
#define CHILD_SKIP 77

static void test_root(void **state)
{
	struct userdb *db = userdb_new();

	assert_non_null(db);
	assert_string_equal(userdb_user(db, 0), "root");
	assert_string_equal(userdb_group(db, 0), "root");
	userdb_free(db);
}

static void test_unset(void **state)
{
	struct userdb *db = userdb_new();

	assert_non_null(db);
	assert_string_equal(userdb_user(db, 4294967295u), "unset");
	assert_string_equal(userdb_group(db, 4294967295u), "unset");
	userdb_free(db);
}

static void test_unknown(void **state)
{
	struct userdb *db = userdb_new();

	assert_null(getpwuid(UNUSED_ID));
	assert_null(getgrgid(UNUSED_ID));
	assert_non_null(db);
	assert_string_equal(userdb_user(db, UNUSED_ID), "unknown(3999999)");
	assert_string_equal(userdb_group(db, UNUSED_ID), "unknown(3999999)");
	/* Negative answers are cached entries like any other. */
	assert_string_equal(userdb_user(db, UNUSED_ID), "unknown(3999999)");
	assert_string_equal(userdb_group(db, UNUSED_ID), "unknown(3999999)");
	userdb_free(db);
}

/* UID_GROUPS: the primary group first, then the supplementary ones ('\n'-joined). */
static void test_user_groups(void **state)
{
	struct userdb *db = userdb_new();
	struct passwd *pw = getpwuid(0);
	gid_t groups[64];
	int n = 64;
	char want[4096] = "";
	const char *got;

	assert_non_null(db);
	assert_non_null(pw);
	assert_true(getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) >= 0);
	for (int i = 0; i < n; i++) {
		struct group *g = getgrgid(groups[i]);

		if (i)
			strcat(want, "\n");
		strcat(want, g ? g->gr_name : "?");
	}
	got = userdb_user_groups(db, 0);
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(strncmp(got, "root", 4), 0);
	/* Cached: the same answer again. */
	assert_string_equal(userdb_user_groups(db, 0), want);
	/* No such user, and "unset": none. */
	assert_null(userdb_user_groups(db, UNUSED_ID));
	assert_null(userdb_user_groups(db, UNUSED_ID));
	assert_null(userdb_user_groups(db, 4294967295u));
	userdb_free(db);
}

static void test_cache_hit(void **state)
{
	struct userdb *db = userdb_new();
	const char *a, *b;

	assert_non_null(db);
	a = userdb_user(db, 0);
	b = userdb_user(db, 0);
	assert_ptr_equal(a, b);
	assert_string_equal(b, "root");

	/* Users and groups with the same id are separate entries. */
	a = userdb_user(db, UNUSED_ID);
	assert_string_equal(userdb_group(db, 0), "root");
	b = userdb_user(db, UNUSED_ID);
	assert_ptr_equal(a, b);
	assert_string_equal(b, "unknown(3999999)");

	/* A tick with nothing changed keeps the entries. */
	userdb_tick(db, 0);
	userdb_tick(db, 5000);
	assert_ptr_equal(userdb_user(db, UNUSED_ID), b);
	userdb_free(db);
}

static void test_full_cache(void **state)
{
	struct userdb *db = userdb_new();
	char want[NAME_MAX_LEN];

	assert_non_null(db);
	/* Every answer stays right across the clears a full table causes. */
	for (uint32_t id = 3000000; id < 3000000 + MANY_IDS; id++) {
		if (id % 1000 == 0)
			assert_string_equal(userdb_user(db, 0), "root");
		snprintf(want, sizeof(want), "unknown(%u)", (unsigned)id);
		assert_string_equal(userdb_group(db, id), want);
	}
	assert_string_equal(userdb_group(db, 0), "root");
	userdb_free(db);
}

static void test_free_null(void **state)
{
	userdb_free(NULL);
}

/* --- invalidation, in a private mount namespace ------------------------ */

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,   \
				__LINE__, #cond);                                \
			_exit(CHILD_FAIL);                                       \
		}                                                                \
	} while (0)

#define CHECK_NAME(got, want)                                                    \
	do {                                                                     \
		const char *got_ = (got);                                        \
		if (strcmp(got_, want) != 0) {                                   \
			fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n",        \
				__FILE__, __LINE__, got_, want);                 \
			_exit(CHILD_FAIL);                                       \
		}                                                                \
	} while (0)

static int write_file(const char *path, const char *data)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -errno;
	fputs(data, f);
	r = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	return r;
}

static int write_id_map(const char *path, unsigned id)
{
	char line[64];

	snprintf(line, sizeof(line), "0 %u 1\n", id);
	return write_file(path, line);
}

/* Enters a mount namespace that cannot propagate back to the host. */
static int enter_private_mount_ns(void)
{
	uid_t uid = getuid();
	gid_t gid = getgid();

	if (unshare(CLONE_NEWNS) < 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
			return -errno;
		if (write_file("/proc/self/setgroups", "deny\n") < 0 ||
		    write_id_map("/proc/self/uid_map", uid) < 0 ||
		    write_id_map("/proc/self/gid_map", gid) < 0)
			return -EPERM;
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return -errno;
	return 0;
}

/* Rewrites PATH in place (same inode, same size) with DATA. */
static void overwrite(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY);
	size_t len = strlen(data);

	CHECK(fd >= 0);
	CHECK(pwrite(fd, data, len, 0) == (ssize_t)len);
	CHECK(close(fd) == 0);
}

static void set_mtime(const char *path, struct timespec mtime)
{
	struct timespec ts[2] = { { .tv_nsec = UTIME_OMIT }, mtime };

	CHECK(utimensat(AT_FDCWD, path, ts, 0) == 0);
}

static struct timespec get_mtime(const char *path)
{
	struct stat st;

	CHECK(stat(path, &st) == 0);
	return st.st_mtim;
}

/* Writes the host's groups to PATH, after a first line for TEST_GID named NAME. */
static void make_group_file(const char *path, const char *name)
{
	char line[NAME_MAX_LEN];
	FILE *in = fopen("/etc/group", "r"), *out = fopen(path, "w");
	int c;

	CHECK(in && out);
	/* Our entry first: its bytes are at offset 0 for overwrite(). */
	snprintf(line, sizeof(line), "%s:x:%u:\n", name, TEST_GID);
	fputs(line, out);
	while ((c = fgetc(in)) != EOF)
		fputc(c, out);
	CHECK(!ferror(in) && !ferror(out));
	fclose(in);
	CHECK(fclose(out) == 0);
}

static int invalidation_child(const char *dir)
{
	char a[NAME_MAX_LEN], b[NAME_MAX_LEN];
	struct timespec mtime;
	struct userdb *db;
	int r;

	r = enter_private_mount_ns();
	if (r < 0) {
		fprintf(stderr, "no private mount namespace: %s\n", strerror(-r));
		return CHILD_SKIP;
	}
	snprintf(a, sizeof(a), "%s/group.a", dir);
	snprintf(b, sizeof(b), "%s/group.b", dir);
	make_group_file(a, "auscribe-aaaa");
	make_group_file(b, "auscribe-dddd");
	if (mount(a, "/etc/group", NULL, MS_BIND, NULL) < 0) {
		fprintf(stderr, "bind mount: %s\n", strerror(errno));
		return CHILD_SKIP;
	}

	db = userdb_new();
	CHECK(db);
	/* The first tick compares with what userdb_new() saw: no change. */
	userdb_tick(db, 1000);
	CHECK_NAME(userdb_group(db, TEST_GID), "auscribe-aaaa");
	CHECK_NAME(userdb_group(db, UNUSED_ID), "unknown(3999999)");
	CHECK_NAME(userdb_group(db, 0), "root");

	/*
	 * Same inode, same size, new name and a new mtime. The mtime is set
	 * explicitly: two writes within a timer tick can share one.
	 */
	mtime = get_mtime("/etc/group");
	overwrite(a, "auscribe-bbbb");
	mtime.tv_sec += 2;
	set_mtime(a, mtime);
	/* Cached, and not checked again before 1000 ms have passed. */
	CHECK_NAME(userdb_group(db, TEST_GID), "auscribe-aaaa");
	userdb_tick(db, 1999);
	CHECK_NAME(userdb_group(db, TEST_GID), "auscribe-aaaa");
	/* 1000 ms later: the mtime changed, the cache is dropped. */
	userdb_tick(db, 2000);
	CHECK_NAME(userdb_group(db, TEST_GID), "auscribe-bbbb");
	CHECK_NAME(userdb_group(db, 0), "root");

	/*
	 * The policy in reverse: with inode, size and mtime all restored
	 * (touch -r), an edit is not seen.
	 */
	overwrite(a, "auscribe-cccc");
	set_mtime(a, mtime);
	userdb_tick(db, 3000);
	CHECK_NAME(userdb_group(db, TEST_GID), "auscribe-bbbb");

	/* Another file (inode) of the same size and mtime: dropped. */
	set_mtime(b, mtime);
	CHECK(mount(b, "/etc/group", NULL, MS_BIND, NULL) == 0);
	userdb_tick(db, 4000);
	CHECK_NAME(userdb_group(db, TEST_GID), "auscribe-dddd");

	/* A clock that jumps back counts as time passed. */
	CHECK(umount("/etc/group") == 0);
	userdb_tick(db, 10);
	CHECK_NAME(userdb_group(db, TEST_GID), "auscribe-cccc");

	/* /etc/passwd was never touched: users are still resolved. */
	CHECK_NAME(userdb_user(db, 0), "root");
	userdb_free(db);
	return CHILD_OK;
}

static void test_invalidation(void **state)
{
	char dir[] = "/tmp/test_userdb.XXXXXX";
	char path[NAME_MAX_LEN];
	int status;
	pid_t pid;

	assert_null(getgrgid(TEST_GID));
	assert_non_null(mkdtemp(dir));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(invalidation_child(dir));
	assert_int_equal(waitpid(pid, &status, 0), pid);

	snprintf(path, sizeof(path), "%s/group.a", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/group.b", dir);
	unlink(path);
	rmdir(dir);

	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIP)
		skip();
	assert_int_equal(WEXITSTATUS(status), CHILD_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_unset),
		cmocka_unit_test(test_unknown),
		cmocka_unit_test(test_user_groups),
		cmocka_unit_test(test_cache_hit),
		cmocka_unit_test(test_full_cache),
		cmocka_unit_test(test_free_null),
		cmocka_unit_test(test_invalidation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
