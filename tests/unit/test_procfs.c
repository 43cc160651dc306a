// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests for procfs: the pure parsers on crafted text (each input in
 * a heap buffer of exactly its length, so ASan reports any over-read),
 * the reads on the fixture tree tests/data/proc (found through
 * $top_srcdir, or relative to this file), on temporary trees built with
 * mkdtemp() for what a fixture cannot hold (huge environments, odd
 * directory names), and on the live /proc for this very process.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "procfs.h"
#include "fixture_util.h"

#define FIXTURE_ID "4d3c5b1e0f7a9d2c8b6e4a1f3c5d7e9b0a2c4e6f8a1b3d5c7e9f0a2b4c6d8e0f"
#define ID_A "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define ID_B "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"
/* The file this test is built from, relative to the top of the source tree. */
#define SELF_SRC "/tests/unit/test_procfs.c"
#define EXE_MAX 4096
#define CGROUP_MAX 4096
#define SERVICES_MAX 256
/* Most variables one environ test collects. */
#define ENV_MAX_SEEN 16
/* Longer than any sane PROCFS_ENV_NAME_MAX: such a name is skipped. */
#define ENV_LONG_NAME 300
/* A name a reader must accept. */
#define ENV_OK_NAME 100
/* Bytes read per chunk by procfs.c (a page); the straddle sweep centres on it. */
#define IO_CHUNK 4096
/* Directories in the growth test: more than the pid array's first size. */
#define MANY_PIDS 1500
#define USER_HZ 100

/* --- helpers ------------------------------------------------------------ */

/* The fixture proc root into BUF. */
static void fixture_root(char *buf, size_t size)
{
	const char *top = getenv("top_srcdir"), *file = __FILE__;
	size_t flen = strlen(file), slen = strlen(SELF_SRC);

	if (top && *top)
		fmt(buf, size, "%s/tests/data/proc", top);
	else if (flen >= slen && strcmp(file + flen - slen, SELF_SRC) == 0)
		fmt(buf, size, "%.*s/tests/data/proc", (int)(flen - slen), file);
	else
		fmt(buf, size, "tests/data/proc");
}

/* True when the fixture's PID/exe is a symlink (a dist tarball drops dangling ones). */
static bool fixture_has_exe_link(const char *root, uint32_t pid)
{
	char path[PATH_MAX];
	struct stat st;

	fmt(path, sizeof(path), "%s/%u/exe", root, (unsigned)pid);
	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode);
}

/* A new empty directory into BUF. */
static void make_tmpdir(char *buf, size_t size)
{
	const char *tmp = getenv("TMPDIR");

	fmt(buf, size, "%s/test_procfs.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(buf));
}

static void put_dir(const char *dir, const char *rel)
{
	char path[PATH_MAX];

	fmt(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(mkdir(path, 0755), 0);
}

/* A heap copy of exactly LEN bytes of S, so reads past LEN are caught. */
static char *exact(const char *s, size_t len)
{
	char *p = malloc(len ? len : 1);

	assert_non_null(p);
	memcpy(p, s, len);
	return p;
}

static uint64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	assert_int_equal(clock_gettime(id, &ts), 0);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* --- procfs_parse_stat ---------------------------------------------------- */

/* A full stat line: PID (COMM) S PPID ... with START as field 22. */
static void stat_text(char *buf, size_t size, const char *pid, const char *comm, const char *ppid,
		      const char *start)
{
	fmt(buf, size,
	    "%s (%s) S %s 42 42 0 -1 4194560 120 0 0 0 3 2 0 0 20 0 1 0 %s 12345678 512 "
	    "18446744073709551615 1 1 0 0 0 0 0 4096 65536 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
	    pid, comm, ppid, start);
}

/* Parses TEXT from an exact heap copy. */
static int parse(const char *text, size_t len, struct procfs_stat *st)
{
	char *copy = exact(text, len);
	int r = procfs_parse_stat(copy, len, st);

	free(copy);
	return r;
}

static void test_parse_stat(void **state)
{
	char text[1024];
	struct procfs_stat st;

	stat_text(text, sizeof(text), "1", "systemd", "0", "10");
	assert_int_equal(parse(text, strlen(text), &st), 0);
	assert_int_equal(st.pid, 1);
	assert_int_equal(st.ppid, 0);
	assert_string_equal(st.comm, "systemd");
	assert_int_equal(st.start_ticks, 10);

	/* Largest values; no trailing newline; only 22 fields. */
	strcpy(text, "4294967295 (x) R 4294967295 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 18446744073709551615");
	assert_int_equal(parse(text, strlen(text), &st), 0);
	assert_int_equal(st.pid, 4294967295u);
	assert_int_equal(st.ppid, 4294967295u);
	assert_true(st.start_ticks == UINT64_MAX);
}

static void test_parse_stat_odd_comm(void **state)
{
	char text[1024];
	struct procfs_stat st;

	stat_text(text, sizeof(text), "3000", "(my) proc)", "1000", "400000");
	assert_int_equal(parse(text, strlen(text), &st), 0);
	assert_int_equal(st.pid, 3000);
	assert_string_equal(st.comm, "(my) proc)");
	assert_int_equal(st.ppid, 1000);
	assert_int_equal(st.start_ticks, 400000);

	/* A comm that looks like the fields after it: only the last ')' ends it. */
	stat_text(text, sizeof(text), "42", "x) S 99 ", "7", "5");
	assert_int_equal(parse(text, strlen(text), &st), 0);
	assert_string_equal(st.comm, "x) S 99 ");
	assert_int_equal(st.ppid, 7);
	assert_int_equal(st.start_ticks, 5);

	/* Empty comm (prctl(PR_SET_NAME, "")). */
	stat_text(text, sizeof(text), "43", "", "1", "6");
	assert_int_equal(parse(text, strlen(text), &st), 0);
	assert_string_equal(st.comm, "");

	/* Longer than TASK_COMM_LEN - 1: cut to 15. */
	stat_text(text, sizeof(text), "44", "abcdefghijklmnopqrstu", "1", "6");
	assert_int_equal(parse(text, strlen(text), &st), 0);
	assert_string_equal(st.comm, "abcdefghijklmno");
	assert_int_equal(strlen(st.comm), PROCFS_COMM_MAX);
	assert_int_equal(st.ppid, 1);
}

static void test_parse_stat_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"1",
		"1 ",
		"1 (",
		"1 (x",
		"1 x) S 0",
		"(x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"-1 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"a (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"4294967296 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"1  (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"1 (x) S",
		"1 (x) S 0",
		/* 21 fields */
		"1 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0",
		"1 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 \n",
		/* bad ppid: not a number, negative, too big */
		"1 (x) S a 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"1 (x) S -1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"1 (x) S 4294967296 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		/* bad start time */
		"1 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 18446744073709551616",
		"1 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 12x",
		"1 (x) S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 -5",
		/* two spaces, a newline inside */
		"1 (x)  S 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5",
		"1 (x) S 0 0 0 0 0 0 0 0 0\n0 0 0 0 0 0 0 0 0 5",
	};
	struct procfs_stat st = { .pid = 77, .ppid = 77 };
	char text[1024];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int r = parse(bad[i], strlen(bad[i]), &st);

		if (r != -EBADMSG)
			fail_msg("\"%s\": got %d, want -EBADMSG", bad[i], r);
	}
	/* A failed parse leaves the result alone. */
	assert_int_equal(st.pid, 77);
	assert_int_equal(st.ppid, 77);

	/* LEN is honoured: a good line cut before field 22 is bad. */
	stat_text(text, sizeof(text), "5", "x", "1", "123456");
	assert_int_equal(parse(text, (size_t)(strstr(text, "123456") - text), &st), -EBADMSG);
	assert_int_equal(parse(text, (size_t)(strstr(text, "123456") - text) + 3, &st), 0);
	assert_int_equal(st.start_ticks, 123);
}

/* --- reads of the fixture ------------------------------------------------- */

static void test_read_stat_fixture(void **state)
{
	static const struct {
		uint32_t pid, ppid;
		const char *comm;
		uint64_t start;
	} want[] = {
		{ 1, 0, "systemd", 10 },
		{ 500, 1, "sshd", 1500 },
		{ 1000, 500, "bash", 250000 },
		{ 2000, 1, "runc", 300000 },
		{ 2001, 2000, "nginx", 300005 },
		{ 3000, 1000, "(my) proc)", 400000 },
	};
	char root[PATH_MAX];

	fixture_root(root, sizeof(root));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct procfs_stat st;

		assert_int_equal(procfs_read_stat(root, want[i].pid, &st), 0);
		assert_int_equal(st.pid, want[i].pid);
		assert_int_equal(st.ppid, want[i].ppid);
		assert_string_equal(st.comm, want[i].comm);
		assert_int_equal(st.start_ticks, want[i].start);
	}
}

static void test_read_missing(void **state)
{
	char root[PATH_MAX], buf[EXE_MAX];
	struct procfs_stat st;
	struct stat sb;
	bool b;

	fixture_root(root, sizeof(root));
	assert_int_equal(procfs_read_stat(root, 4242, &st), -ENOENT);
	assert_int_equal(procfs_read_exe(root, 4242, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_read_cgroup(root, 4242, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_read_is_init(root, 4242, &b), -ENOENT);
	assert_int_equal(procfs_stat_in_root(root, 4242, "/", &sb), -ENOENT);
	assert_int_equal(procfs_read_stat("/nonexistent/proc", 1, &st), -ENOENT);
}

static void env_unexpected(const char *name, size_t name_len, const char *value, size_t value_len,
			   void *userdata)
{
	fail_msg("unexpected variable %.*s", (int)name_len, name);
}

/* Odd content in a fixture: a bad stat, a file where a link belongs and the reverse. */
static void test_read_odd_files(void **state)
{
	static const char *const names[] = { "X" };
	char dir[PATH_MAX], buf[EXE_MAX];
	struct procfs_stat st;
	bool b;

	make_tmpdir(dir, sizeof(dir));
	put_file(dir, "7/stat", "7 (x) S 1 garbage\n", 18);
	put_file(dir, "7/exe", "not a link", 10);
	put_file(dir, "8/elsewhere", "8 (x) S 1 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 5\n", 44);
	put_link(dir, "8/stat", "elsewhere");
	put_link(dir, "8/environ", "elsewhere");
	put_link(dir, "8/status", "elsewhere");

	assert_int_equal(procfs_read_stat(dir, 7, &st), -EBADMSG);
	assert_int_equal(procfs_read_exe(dir, 7, buf, sizeof(buf)), -EINVAL);
	/* O_NOFOLLOW: a symlinked stat is refused, not followed. */
	assert_int_equal(procfs_read_stat(dir, 8, &st), -ELOOP);
	assert_int_equal(procfs_read_environ(dir, 8, names, 1, env_unexpected, NULL), -ELOOP);
	assert_int_equal(procfs_read_is_init(dir, 8, &b), -ELOOP);
	rm_tree(dir);
}

static void test_read_exe_fixture(void **state)
{
	char root[PATH_MAX], buf[EXE_MAX];
	const char *want = "/usr/lib/systemd/systemd", *deleted = "/tmp/my proc (deleted)";
	size_t len = strlen(want);

	fixture_root(root, sizeof(root));
	if (!fixture_has_exe_link(root, 1))
		skip();
	assert_int_equal(procfs_read_exe(root, 1, buf, sizeof(buf)), (int)len);
	assert_string_equal(buf, want);

	/* The kernel's " (deleted)" suffix is passed on as it is. */
	assert_int_equal(procfs_read_exe(root, 3000, buf, sizeof(buf)), (int)strlen(deleted));
	assert_string_equal(buf, deleted);

	/* Exactly room for the path and its NUL; one byte less does not fit. */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(procfs_read_exe(root, 1, buf, len + 1), (int)len);
	assert_string_equal(buf, want);
	assert_int_equal(procfs_read_exe(root, 1, buf, len), -ENAMETOOLONG);
	assert_int_equal(procfs_read_exe(root, 1, buf, 1), -ENAMETOOLONG);
	assert_int_equal(procfs_read_exe(root, 1, buf, 0), -ENAMETOOLONG);
}

static void test_read_cgroup_fixture(void **state)
{
	const char *want = "0::/system.slice/docker-" FIXTURE_ID ".scope\n";
	char root[PATH_MAX], buf[CGROUP_MAX], id[PROCFS_CONTAINER_ID_LEN + 1];
	int n;

	fixture_root(root, sizeof(root));
	n = procfs_read_cgroup(root, 2000, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(want));
	assert_string_equal(buf, want);
	assert_true(procfs_container_id(buf, (size_t)n, id));
	assert_string_equal(id, FIXTURE_ID);

	/* Cut to the buffer, still NUL-terminated. */
	memset(buf, 'X', sizeof(buf));
	assert_int_equal(procfs_read_cgroup(root, 2000, buf, 10), 9);
	assert_string_equal(buf, "0::/syste");
	assert_int_equal(procfs_read_cgroup(root, 2000, buf, 1), 0);
	assert_string_equal(buf, "");
	assert_int_equal(procfs_read_cgroup(root, 2000, buf, 0), -EINVAL);

	n = procfs_read_cgroup(root, 1000, buf, sizeof(buf));
	assert_true(n > 0);
	assert_false(procfs_container_id(buf, (size_t)n, id));
}

/* --- procfs_read_btime ----------------------------------------------------- */

static void test_btime(void **state)
{
	char dir[PATH_MAX], intr[2000];
	uint64_t btime = 0;

	make_tmpdir(dir, sizeof(dir));
	/* Behind a line longer than the read piece, as /proc/stat's intr is. */
	memset(intr, '1', sizeof(intr) - 1);
	intr[sizeof(intr) - 1] = '\0';
	{
		char text[sizeof(intr) + 128];

		fmt(text, sizeof(text), "cpu  1 2 3\nintr %s\nbtime 1700000000\nprocesses 5\n", intr);
		put_text(dir, "stat", text);
	}
	assert_int_equal(procfs_read_btime(dir, &btime), 0);
	assert_true(btime == 1700000000ull);
	put_text(dir, "stat", "cpu  1 2 3\nprocesses 5\n");
	assert_int_equal(procfs_read_btime(dir, &btime), -EBADMSG);
	rm_tree(dir);
	assert_int_equal(procfs_read_btime(dir, &btime), -ENOENT);
	/* The real one. */
	assert_int_equal(procfs_read_btime("/proc", &btime), 0);
	assert_true(btime > 1000000000ull);
}

/* --- procfs_start_ms ------------------------------------------------------ */

static void test_start_ms(void **state)
{
	/* 2500 s after boot, booted 3600 s ago: started 1100 s ago. */
	assert_true(procfs_start_ms(250000, 100, 1700000000000ull, 3600000) == 1699998900000ull);
	/* Sub-second ticks, without floating point. */
	assert_true(procfs_start_ms(12345, 100, 1000000, 200000) == 1000000 - 200000 + 123450);
	assert_true(procfs_start_ms(1, 3, 10000, 1000) == 10000 - 1000 + 333);
	assert_true(procfs_start_ms(2, 3, 10000, 1000) == 10000 - 1000 + 666);
	assert_true(procfs_start_ms(7, 1000, 10000, 1000) == 10000 - 1000 + 7);
	/* At boot; at "now". */
	assert_true(procfs_start_ms(0, 100, 5000000, 1000) == 4999000);
	assert_true(procfs_start_ms(100, 100, 5000000, 1000) == 5000000);
	/* A start after the boottime reading (clocks read before the stat): exact. */
	assert_true(procfs_start_ms(200, 100, 5000, 1000) == 6000);
	/* Bad hz. */
	assert_true(procfs_start_ms(100, 0, 5000, 1000) == 0);
	assert_true(procfs_start_ms(100, -100, 5000, 1000) == 0);
	/* Before the epoch: 0, not a wrapped huge number. */
	assert_true(procfs_start_ms(0, 100, 1000, 1000000) == 0);
	assert_true(procfs_start_ms(0, 100, 1000, 1000) == 0);
	assert_true(procfs_start_ms(0, 100, 1001, 1000) == 1);
	/* Absurd inputs stay defined. */
	assert_true(procfs_start_ms(UINT64_MAX, 1, 5000, 1000) == 0);
	assert_true(procfs_start_ms(UINT64_MAX, 1000000, UINT64_MAX, 0) == UINT64_MAX);
	assert_true(procfs_start_ms(5, 1000000000L, 5000, 1000) == 4000);
	assert_true(procfs_start_ms(5, LONG_MAX, 5000, 1000) == 0);
}

/* --- procfs_container_id -------------------------------------------------- */

static bool container_id(const char *text, char *id)
{
	size_t len = strlen(text);
	char *copy = exact(text, len);
	bool r = procfs_container_id(copy, len, id);

	free(copy);
	return r;
}

static void test_container_id(void **state)
{
	static const struct {
		const char *cgroup;
		const char *want; /* NULL: none */
	} cases[] = {
		/* docker, cgroup v2 with the systemd driver */
		{ "0::/system.slice/docker-" ID_A ".scope\n", ID_A },
		{ "0::/system.slice/docker-" ID_A ".scope", ID_A },
		/* docker, cgroup v1 (first controller), and v2 with the cgroupfs driver */
		{ "12:pids:/docker/" ID_A "\n11:memory:/docker/" ID_A "\n", ID_A },
		{ "0::/docker/" ID_A "\n", ID_A },
		{ "1:name=systemd:/docker/" ID_B "\n", ID_B },
		/* podman, rootful and rootless */
		{ "0::/machine.slice/libpod-" ID_A ".scope\n", ID_A },
		{ "0::/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-" ID_B
		  ".scope/container\n",
		  ID_B },
		/* conmon, podman's monitor, carries its container's id: it counts as in it. */
		{ "0::/machine.slice/libpod-conmon-" ID_A ".scope\n", ID_A },
		/* containerd, cri-o */
		{ "0::/system.slice/cri-containerd-" ID_A ".scope\n", ID_A },
		{ "0::/kubepods.slice/crio-" ID_B ".scope\n", ID_B },
		{ "0::/kubepods.slice/crio-conmon-" ID_B ".scope\n", ID_B },
		/* kubepods, cgroupfs driver (v1) and systemd driver */
		{ "11:pids:/kubepods/besteffort/pod3b7a1c2e-8d4f-4e6a-9b1c-2d3e4f5a6b7c/" ID_A "\n", ID_A },
		{ "0::/kubepods.slice/kubepods-burstable.slice/"
		  "kubepods-burstable-pod3b7a1c2e_8d4f_4e6a_9b1c_2d3e4f5a6b7c.slice/cri-containerd-" ID_B
		  ".scope\n",
		  ID_B },
		/* an id followed by a suffix */
		{ "0::/system.slice/" ID_A "-init\n", ID_A },
		/* nested: the outermost, the one the host knows */
		{ "0::/docker/" ID_A "/docker/" ID_B "\n", ID_A },
		/* a ':' inside the path */
		{ "0::/weird:name/docker-" ID_A ".scope\n", ID_A },
		/* not ids */
		{ "0::/system.slice/docker-0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef"
		  ".scope\n",
		  NULL },
		{ "0::/docker/" "123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n", NULL },
		{ "0::/docker/" "f" ID_A "\n", NULL },
		{ "0::/docker/" ID_A "f\n", NULL },
		{ "0::/docker/" "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg\n", NULL },
		{ "0::/user.slice/user-1000.slice/session-3.scope\n", NULL },
		{ "0::/init.scope\n", NULL },
		{ "0::/\n", NULL },
		{ "", NULL },
		{ "\n", NULL },
		{ "garbage without colons " ID_A "\n", NULL },
		{ "0:/docker/" ID_A "\n", NULL },
		/* every line counts: v1/hybrid hosts list "/" hierarchies first */
		{ "12:pids:/\n11:memory:/docker/" ID_A "\n", ID_A },
		{ "0::/user.slice\n0::/docker/" ID_A "\n", ID_A },
		/* the first line with an id wins */
		{ "9:name=systemd:/docker/" ID_B "\n1:cpu:/docker/" ID_A "\n", ID_B },
		/* ".scope" is a suffix, not something anywhere */
		{ "0::/docker-" ID_A ".scopex\n", NULL },
	};
	char id[PROCFS_CONTAINER_ID_LEN + 1];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool got;

		memset(id, 'X', sizeof(id));
		got = container_id(cases[i].cgroup, id);
		if (got != (cases[i].want != NULL))
			fail_msg("case %zu \"%s\": got %d", i, cases[i].cgroup, got);
		if (got && strcmp(id, cases[i].want) != 0)
			fail_msg("case %zu: got id %.65s, want %s", i, id, cases[i].want);
	}
	assert_false(procfs_container_id(NULL, 0, id));
}

/* LEN is honoured: the same text cut before the end of the id has none. */
static void test_container_id_len(void **state)
{
	const char *text = "0::/docker/" ID_A "\n0::/";
	char id[PROCFS_CONTAINER_ID_LEN + 1];
	size_t full = strlen("0::/docker/" ID_A);
	char *copy;

	copy = exact(text, full);
	assert_true(procfs_container_id(copy, full, id));
	assert_string_equal(id, ID_A);
	assert_false(procfs_container_id(copy, full - 1, id));
	free(copy);
}

/* --- procfs_systemd_services ---------------------------------------------- */

/* Services of TEXT into BUF (SIZE bytes, filled with 'X' first). */
static size_t services(const char *text, char *buf, size_t size)
{
	size_t len = strlen(text), n;
	char *copy = exact(text, len);

	memset(buf, 'X', size);
	n = procfs_systemd_services(copy, len, buf, size);
	free(copy);
	return n;
}

static void test_systemd_services(void **state)
{
	const char *user = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/emacs.service\n";
	char buf[SERVICES_MAX];

	assert_int_equal(services("0::/system.slice/sshd.service\n", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "sshd");

	assert_int_equal(services(user, buf, sizeof(buf)), 2);
	assert_memory_equal(buf, "user@1000\0emacs\0", 16);
	assert_int_equal(buf[16], 'X');

	assert_int_equal(services("0::/system.slice/getty.slice/getty@tty1.service", buf, sizeof(buf)), 1);
	assert_string_equal(buf, "getty@tty1");

	/* None. */
	assert_int_equal(services("0::/user.slice/user-1000.slice/session-3.scope\n", buf, sizeof(buf)), 0);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(services("0::/init.scope\n", buf, sizeof(buf)), 0);
	assert_int_equal(services("", buf, sizeof(buf)), 0);
	assert_int_equal(services("0::/.service/x.service.d/service\n", buf, sizeof(buf)), 0);
	assert_int_equal(buf[0], 'X');
	/* Only the first line. */
	assert_int_equal(services("0::/init.scope\n0::/system.slice/sshd.service\n", buf, sizeof(buf)), 0);
	/* v1: the first controller's path. */
	assert_int_equal(services("12:pids:/system.slice/cron.service\n1:name=systemd:/x.service\n", buf,
				  sizeof(buf)),
			 1);
	assert_string_equal(buf, "cron");
}

static void test_systemd_services_overflow(void **state)
{
	const char *user = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/emacs.service\n";
	char buf[SERVICES_MAX];

	/* Room for the first name and its NUL, and 5 of emacs's 6 bytes: one name. */
	assert_int_equal(services(user, buf, 10 + 5), 1);
	assert_memory_equal(buf, "user@1000\0XXXXX", 15);
	/* Room for both, exactly. */
	assert_int_equal(services(user, buf, 16), 2);
	assert_memory_equal(buf, "user@1000\0emacs\0", 16);
	/* Not even the first (9 bytes plus its NUL): nothing, not a later shorter name. */
	assert_int_equal(services(user, buf, 9), 0);
	assert_memory_equal(buf, "XXXXXXXXX", 9);
	assert_int_equal(services(user, buf, 0), 0);
}

/* --- procfs_read_is_init -------------------------------------------------- */

static void test_is_init_fixture(void **state)
{
	static const struct {
		uint32_t pid;
		bool init;
	} want[] = {
		{ 1, true }, { 500, false }, { 1000, false },
		{ 2000, false }, { 2001, true }, { 3000, false },
	};
	char root[PATH_MAX];

	fixture_root(root, sizeof(root));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		bool b = !want[i].init;

		assert_int_equal(procfs_read_is_init(root, want[i].pid, &b), 0);
		if (b != want[i].init)
			fail_msg("pid %u: is_init %d", (unsigned)want[i].pid, b);
	}
}

/* Status files that a fixed buffer or a naive parser would get wrong. */
static void test_is_init_status(void **state)
{
	char dir[PATH_MAX], *text;
	size_t off, size = 64 * 1024;
	bool b;

	make_tmpdir(dir, sizeof(dir));

	/* No NSpid (kernel < 4.1): false, and not an error. */
	put_file(dir, "10/status", "Name:\tx\nPid:\t10\nNStgid:\t10\t1\n", 28);
	b = true;
	assert_int_equal(procfs_read_is_init(dir, 10, &b), 0);
	assert_false(b);

	/* Nested namespaces; no newline at the end; spaces around fields. */
	put_file(dir, "11/status", "NSpid:\t11\t7\t1", 13);
	b = false;
	assert_int_equal(procfs_read_is_init(dir, 11, &b), 0);
	assert_true(b);
	put_file(dir, "12/status", "NSpid:\t12\t1\t5 \n", 15);
	assert_int_equal(procfs_read_is_init(dir, 12, &b), 0);
	assert_false(b);
	/* "10" and "11" are not "1". */
	put_file(dir, "13/status", "NSpid:\t13\t11\n", 13);
	b = true;
	assert_int_equal(procfs_read_is_init(dir, 13, &b), 0);
	assert_false(b);

	/* Unparsable NSpid. */
	put_file(dir, "14/status", "NSpid:\t14\tx\n", 12);
	assert_int_equal(procfs_read_is_init(dir, 14, &b), -EBADMSG);
	put_file(dir, "15/status", "NSpid:\n", 7);
	assert_int_equal(procfs_read_is_init(dir, 15, &b), -EBADMSG);
	/* An NSpid line longer than any kernel writes (33 levels): refused, not read in part. */
	text = malloc(size);
	assert_non_null(text);
	off = (size_t)sprintf(text, "NSpid:");
	for (int i = 0; i < 300; i++)
		off += (size_t)sprintf(text + off, "\t2");
	off += (size_t)sprintf(text + off, "\t1\n");
	put_file(dir, "18/status", text, off);
	assert_int_equal(procfs_read_is_init(dir, 18, &b), -EBADMSG);
	free(text);
	/* A line that merely starts like it. */
	put_file(dir, "16/status", "NSpidx:\t1\n", 10);
	b = true;
	assert_int_equal(procfs_read_is_init(dir, 16, &b), 0);
	assert_false(b);

	/* A Groups: line far longer than a page before NSpid; NSpid across a page boundary. */
	text = malloc(size);
	assert_non_null(text);
	for (size_t split = IO_CHUNK - 12; split < IO_CHUNK + 2; split++) {
		memcpy(text, "Groups:", 7);
		off = 7;
		for (; off < 3 * IO_CHUNK + split - 1; off++)
			text[off] = off % 6 ? '1' : ' ';
		text[off++] = '\n';
		off += (size_t)sprintf(text + off, "NSpid:\t77\t1\nNSpgid:\t77\t5\n");
		put_file(dir, "17/status", text, off);
		b = false;
		assert_int_equal(procfs_read_is_init(dir, 17, &b), 0);
		if (!b)
			fail_msg("NSpid at offset %zu not seen", split);
	}
	free(text);
	rm_tree(dir);
}

/* --- procfs_read_environ -------------------------------------------------- */

struct env_seen {
	size_t n;
	struct {
		char name[ENV_LONG_NAME + 1];
		char *value;
		size_t value_len;
	} v[ENV_MAX_SEEN];
};

static void env_collect(const char *name, size_t name_len, const char *value, size_t value_len,
			void *userdata)
{
	struct env_seen *seen = userdata;

	assert_true(seen->n < ENV_MAX_SEEN);
	assert_true(name_len <= ENV_LONG_NAME);
	memcpy(seen->v[seen->n].name, name, name_len);
	seen->v[seen->n].name[name_len] = '\0';
	seen->v[seen->n].value = exact(value, value_len);
	seen->v[seen->n].value_len = value_len;
	seen->n++;
}

static void env_seen_free(struct env_seen *seen)
{
	for (size_t i = 0; i < seen->n; i++)
		free(seen->v[i].value);
	seen->n = 0;
}

/* Entry I of SEEN is NAME=VALUE. */
static void expect_env(const struct env_seen *seen, size_t i, const char *name, const char *value,
		       size_t value_len)
{
	assert_true(i < seen->n);
	assert_string_equal(seen->v[i].name, name);
	if (seen->v[i].value_len != value_len)
		fail_msg("%s: value of %zu bytes, want %zu", name, seen->v[i].value_len, value_len);
	assert_memory_equal(seen->v[i].value, value, value_len);
}

static void test_environ_fixture(void **state)
{
	static const char *const preload[] = { "LD_PRELOAD" };
	static const char *const two[] = { "PATH", "HOME", "NOPE" };
	static const char *const all[] = { "*" };
	struct env_seen seen = { 0 };
	char root[PATH_MAX];

	fixture_root(root, sizeof(root));
	assert_int_equal(procfs_read_environ(root, 1000, preload, 1, env_collect, &seen), 1);
	expect_env(&seen, 0, "LD_PRELOAD", "/tmp/evil.so", 12);
	env_seen_free(&seen);

	/* File order, not the order of NAMES. */
	assert_int_equal(procfs_read_environ(root, 1000, two, 3, env_collect, &seen), 2);
	expect_env(&seen, 0, "HOME", "/home/alice", 11);
	expect_env(&seen, 1, "PATH", "/usr/local/bin:/usr/bin:/bin", 28);
	env_seen_free(&seen);

	assert_int_equal(procfs_read_environ(root, 1000, all, 1, env_collect, &seen), 4);
	env_seen_free(&seen);
	assert_int_equal(procfs_read_environ(root, 500, preload, 1, env_collect, &seen), 0);
	/* Empty environ; no names asked for; a missing process. */
	assert_int_equal(procfs_read_environ(root, 2000, all, 1, env_collect, &seen), 0);
	assert_int_equal(procfs_read_environ(root, 1000, all, 0, env_collect, &seen), 0);
	assert_int_equal(procfs_read_environ(root, 4242, all, 1, env_collect, &seen), -ENOENT);
	assert_int_equal(seen.n, 0);
}

/* Appends S (LEN bytes) to BUF at *OFF. */
static void append(char *buf, size_t size, size_t *off, const void *s, size_t len)
{
	assert_true(*off + len <= size);
	memcpy(buf + *off, s, len);
	*off += len;
}

static void append_str(char *buf, size_t size, size_t *off, const char *s)
{
	append(buf, size, off, s, strlen(s) + 1);
}

static void test_environ_mixed(void **state)
{
	static const char *const names[] = { "LD_*", "MY_*", "BIG", "EXACT", "LONG*", "OK*", "" };
	const size_t big = PROCFS_ENV_VALUE_MAX + 1000, size = 64 * 1024;
	struct env_seen seen = { 0 };
	char dir[PATH_MAX], *env = malloc(size), *value = malloc(big);
	size_t off = 0;
	int n;

	assert_non_null(env);
	assert_non_null(value);
	for (size_t i = 0; i < big; i++)
		value[i] = (char)('a' + i % 26);

	append_str(env, size, &off, "LD_PRELOAD=/tmp/evil.so");
	append_str(env, size, &off, "SECRET=hunter2");
	append_str(env, size, &off, "NOEQUALSIGN");
	append_str(env, size, &off, "=nameless");
	append_str(env, size, &off, "MY_A=1");
	append_str(env, size, &off, "");
	append_str(env, size, &off, "EXACTLY=no");
	append_str(env, size, &off, "EXACT=yes=really");
	/* A value over the limit, cut; one exactly at the limit, kept. */
	append(env, size, &off, "BIG=", 4);
	append(env, size, &off, value, big);
	append(env, size, &off, "", 1);
	append(env, size, &off, "MY_B=", 5);
	append(env, size, &off, value, PROCFS_ENV_VALUE_MAX);
	append(env, size, &off, "", 1);
	/* A name over the limit is skipped; a long one within it is not. */
	append(env, size, &off, "LONG", 4);
	for (size_t i = 4; i < ENV_LONG_NAME; i++)
		append(env, size, &off, "N", 1);
	append_str(env, size, &off, "=skipped");
	append(env, size, &off, "OK", 2);
	for (size_t i = 2; i < ENV_OK_NAME; i++)
		append(env, size, &off, "N", 1);
	append_str(env, size, &off, "=kept");
	append_str(env, size, &off, "LD_LIBRARY_PATH=/tmp/lib");
	append_str(env, size, &off, "MY_=empty suffix");
	/* The last one without its NUL. */
	append(env, size, &off, "MY_LAST=", 8);

	make_tmpdir(dir, sizeof(dir));
	put_file(dir, "9/environ", env, off);
	n = procfs_read_environ(dir, 9, names, sizeof(names) / sizeof(names[0]), env_collect, &seen);
	assert_int_equal(n, 9);
	assert_int_equal(seen.n, 9);
	expect_env(&seen, 0, "LD_PRELOAD", "/tmp/evil.so", 12);
	expect_env(&seen, 1, "MY_A", "1", 1);
	expect_env(&seen, 2, "EXACT", "yes=really", 10);
	expect_env(&seen, 3, "BIG", value, PROCFS_ENV_VALUE_MAX);
	expect_env(&seen, 4, "MY_B", value, PROCFS_ENV_VALUE_MAX);
	assert_int_equal(strlen(seen.v[5].name), ENV_OK_NAME);
	expect_env(&seen, 5, seen.v[5].name, "kept", 4);
	assert_memory_equal(seen.v[5].name, "OKNNN", 5);
	expect_env(&seen, 6, "LD_LIBRARY_PATH", "/tmp/lib", 8);
	expect_env(&seen, 7, "MY_", "empty suffix", 12);
	expect_env(&seen, 8, "MY_LAST", "", 0);
	for (size_t i = 0; i < seen.n; i++)
		assert_string_not_equal(seen.v[i].name, "SECRET");
	env_seen_free(&seen);

	rm_tree(dir);
	free(env);
	free(value);
}

/* A variable at every position around the page boundary, and a huge environment. */
static void test_environ_straddle(void **state)
{
	static const char *const names[] = { "TARGET", "AFTER" };
	const char *target = "TARGET=value-123";
	const size_t size = 1024 * 1024 + 2 * IO_CHUNK;
	char dir[PATH_MAX], *env = malloc(size);
	struct env_seen seen = { 0 };

	assert_non_null(env);
	make_tmpdir(dir, sizeof(dir));
	/* TARGET starts at PAD + 5: from well before IO_CHUNK to past it. */
	for (size_t pad = IO_CHUNK - 30; pad < IO_CHUNK + 2; pad++) {
		size_t off = 0;

		append(env, size, &off, "PAD=", 4);
		memset(env + off, 'p', pad);
		off += pad;
		append(env, size, &off, "", 1);
		append_str(env, size, &off, target);
		append_str(env, size, &off, "AFTER=1");
		put_file(dir, "9/environ", env, off);
		if (procfs_read_environ(dir, 9, names, 2, env_collect, &seen) != 2)
			fail_msg("pad %zu: %zu matches", pad, seen.n);
		expect_env(&seen, 0, "TARGET", "value-123", 9);
		expect_env(&seen, 1, "AFTER", "1", 1);
		env_seen_free(&seen);
	}

	/* A megabyte of variables, the one wanted last. */
	{
		size_t off = 0;

		while (off < size - 2 * IO_CHUNK) {
			char var[64];

			fmt(var, sizeof(var), "FILLER_%zu=%0*d", off, 20, 7);
			append_str(env, size, &off, var);
		}
		append_str(env, size, &off, target);
		put_file(dir, "9/environ", env, off);
		assert_int_equal(procfs_read_environ(dir, 9, names, 2, env_collect, &seen), 1);
		expect_env(&seen, 0, "TARGET", "value-123", 9);
		env_seen_free(&seen);
	}
	rm_tree(dir);
	free(env);
}

/* --- procfs_list_pids ----------------------------------------------------- */

static void test_list_pids_fixture(void **state)
{
	static const uint32_t want[] = { 1, 500, 1000, 2000, 2001, 3000 };
	char root[PATH_MAX];
	uint32_t *pids = NULL;
	size_t n = 0;

	fixture_root(root, sizeof(root));
	assert_int_equal(procfs_list_pids(root, &pids, &n), 0);
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < n; i++)
		assert_int_equal(pids[i], want[i]);
	free(pids);
}

static void test_list_pids_names(void **state)
{
	static const char *const junk[] = {
		"abc", "12a", "a12", "007", "0", "4294967296", "99999999999", "-5", "+5", " 5", "self",
	};
	char dir[PATH_MAX], name[32];
	uint32_t *pids = (uint32_t *)1;
	size_t n = 99;

	make_tmpdir(dir, sizeof(dir));
	/* Empty: a valid, empty array. */
	assert_int_equal(procfs_list_pids(dir, &pids, &n), 0);
	assert_int_equal(n, 0);
	free(pids);

	for (size_t i = 0; i < sizeof(junk) / sizeof(junk[0]); i++)
		put_dir(dir, junk[i]);
	put_dir(dir, "4294967295");
	/* Created in a scrambled order, more than the array's first size. */
	for (unsigned i = 0; i < MANY_PIDS; i++) {
		fmt(name, sizeof(name), "%u", 1 + (i * 7919u) % MANY_PIDS * 3);
		put_dir(dir, name);
	}
	assert_int_equal(procfs_list_pids(dir, &pids, &n), 0);
	assert_int_equal(n, MANY_PIDS + 1);
	for (size_t i = 0; i < MANY_PIDS; i++)
		assert_int_equal(pids[i], 1 + 3 * i);
	assert_int_equal(pids[MANY_PIDS], 4294967295u);
	free(pids);
	rm_tree(dir);
}

static void test_list_pids_errors(void **state)
{
	char root[PATH_MAX], path[PATH_MAX];
	uint32_t *pids = NULL;
	size_t n = 0;

	assert_int_equal(procfs_list_pids("/nonexistent/proc", &pids, &n), -ENOENT);
	fixture_root(root, sizeof(root));
	fmt(path, sizeof(path), "%s/README.md", root);
	assert_int_equal(procfs_list_pids(path, &pids, &n), -ENOTDIR);
	assert_null(pids);
}

/* --- procfs_stat_in_root -------------------------------------------------- */

static void test_stat_in_root_fixture(void **state)
{
	char root[PATH_MAX];
	struct stat st;

	fixture_root(root, sizeof(root));
	assert_int_equal(procfs_stat_in_root(root, 1000, "/usr/local/bin/hello.sh", &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_size, strlen("#!/bin/sh\necho hello\n"));
	assert_int_equal(procfs_stat_in_root(root, 1000, "//usr/local/bin", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(procfs_stat_in_root(root, 1000, "/", &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(procfs_stat_in_root(root, 1000, "/etc/nope", &st), -ENOENT);
	assert_int_equal(procfs_stat_in_root(root, 1000, "/etc/hostname/x", &st), -ENOTDIR);
	/* PATH must be absolute. */
	assert_int_equal(procfs_stat_in_root(root, 1000, "etc/hostname", &st), -EINVAL);
	assert_int_equal(procfs_stat_in_root(root, 1000, "", &st), -EINVAL);
}

/* Whether this kernel (and any seccomp filter) lets us use openat2(2). */
static bool have_openat2(void)
{
#ifdef SYS_openat2
	struct {
		uint64_t flags, mode, resolve;
	} how = { .flags = O_PATH | O_CLOEXEC };
	long fd = syscall(SYS_openat2, AT_FDCWD, "/", &how, sizeof(how));

	if (fd >= 0) {
		close((int)fd);
		return true;
	}
#endif
	return false;
}

/* An absolute symlink inside the process's root resolves inside it (openat2 RESOLVE_IN_ROOT). */
static void test_stat_in_root_abs_link(void **state)
{
	char dir[PATH_MAX], rootdir[PATH_MAX];
	struct stat st;
	int r;

	make_tmpdir(dir, sizeof(dir));
	fmt(rootdir, sizeof(rootdir), "%s/fs", dir);
	put_file(dir, "fs/procfs-test-target", "1234567", 7);
	/* Absolute: on the host, /procfs-test-target does not exist. */
	put_link(dir, "fs/etc/alt", "/procfs-test-target");
	put_link(dir, "5/root", rootdir);
	assert_int_equal(procfs_stat_in_root(dir, 5, "/procfs-test-target", &st), 0);
	assert_int_equal(st.st_size, 7);

	r = procfs_stat_in_root(dir, 5, "/etc/alt", &st);
	rm_tree(dir);
	if (!have_openat2())
		skip();
	assert_int_equal(r, 0);
	assert_int_equal(st.st_size, 7);
}

/* --- the live /proc ------------------------------------------------------- */

static void test_live_self(void **state)
{
	uint32_t self = (uint32_t)getpid(), *pids = NULL;
	char buf[EXE_MAX];
	struct procfs_stat st;
	struct stat a, b;
	uint64_t start, now;
	bool init = true, found = false;
	size_t n = 0;
	int len;

	assert_int_equal(procfs_read_stat("/proc", self, &st), 0);
	assert_int_equal(st.pid, self);
	assert_int_equal(st.ppid, (uint32_t)getppid());
	assert_string_equal(st.comm, "test_procfs");

	/* Started within the last hour by the realtime clock. */
	now = clock_ms(CLOCK_REALTIME);
	start = procfs_start_ms(st.start_ticks, sysconf(_SC_CLK_TCK), now, clock_ms(CLOCK_BOOTTIME));
	assert_true(start <= now + 10);
	assert_true(start + 3600 * 1000 > now);

	len = procfs_read_exe("/proc", self, buf, sizeof(buf));
	assert_true(len > 0);
	assert_int_equal((size_t)len, strlen(buf));
	assert_true(len >= 12 && strcmp(buf + len - 12, "/test_procfs") == 0);

	if (self != 1) {
		assert_int_equal(procfs_read_is_init("/proc", self, &init), 0);
		assert_false(init);
	}

	assert_int_equal(procfs_list_pids("/proc", &pids, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(pids[i - 1] < pids[i]);
		found |= pids[i] == self;
	}
	assert_true(found);
	free(pids);

	assert_int_equal(procfs_stat_in_root("/proc", self, "/", &a), 0);
	assert_int_equal(stat("/", &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
}

/* A reaped child is gone: -ENOENT from every read. */
static void test_live_gone(void **state)
{
	static const char *const all[] = { "*" };
	char buf[EXE_MAX];
	struct procfs_stat st;
	bool b;
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(procfs_read_stat("/proc", (uint32_t)pid, &st), -ENOENT);
	assert_int_equal(procfs_read_exe("/proc", (uint32_t)pid, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_read_cgroup("/proc", (uint32_t)pid, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(procfs_read_is_init("/proc", (uint32_t)pid, &b), -ENOENT);
	assert_int_equal(procfs_read_environ("/proc", (uint32_t)pid, all, 1, env_unexpected, NULL), -ENOENT);
}

/* The kernel's own " (deleted)": exec a copy of sleep(1), delete it, read the link. */
static void test_live_deleted_exe(void **state)
{
	static const char *const sleeps[] = { "/bin/sleep", "/usr/bin/sleep" };
	char dir[PATH_MAX], copy[PATH_MAX], want[PATH_MAX + 16], buf[EXE_MAX], chunk[4096];
	int in = -1, out, p[2], err = 0, status, r;
	ssize_t n;
	pid_t pid;

	for (size_t i = 0; i < sizeof(sleeps) / sizeof(sleeps[0]) && in < 0; i++)
		in = open(sleeps[i], O_RDONLY | O_CLOEXEC);
	if (in < 0)
		skip();
	make_tmpdir(dir, sizeof(dir));
	fmt(copy, sizeof(copy), "%s/sleep copy", dir);
	out = open(copy, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	assert_true(out >= 0);
	while ((n = read(in, chunk, sizeof(chunk))) > 0)
		assert_int_equal(write(out, chunk, (size_t)n), n);
	close(in);
	assert_int_equal(close(out), 0);

	/* The pipe closes on a successful exec, or carries exec's errno. */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		execl(copy, "sleep", "30", (char *)NULL);
		err = errno;
		if (write(p[1], &err, sizeof(err)) < 0)
			_exit(2);
		_exit(1);
	}
	close(p[1]);
	n = read(p[0], &err, sizeof(err));
	close(p[0]);
	if (n > 0) {
		/* A noexec TMPDIR. */
		waitpid(pid, &status, 0);
		unlink(copy);
		rmdir(dir);
		skip();
	}
	unlink(copy);
	r = procfs_read_exe("/proc", (uint32_t)pid, buf, sizeof(buf));
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	rmdir(dir);
	fmt(want, sizeof(want), "%s (deleted)", copy);
	assert_int_equal(r, (int)strlen(want));
	assert_string_equal(buf, want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_stat),
		cmocka_unit_test(test_parse_stat_odd_comm),
		cmocka_unit_test(test_parse_stat_bad),
		cmocka_unit_test(test_read_stat_fixture),
		cmocka_unit_test(test_read_missing),
		cmocka_unit_test(test_read_odd_files),
		cmocka_unit_test(test_read_exe_fixture),
		cmocka_unit_test(test_read_cgroup_fixture),
		cmocka_unit_test(test_start_ms),
		cmocka_unit_test(test_btime),
		cmocka_unit_test(test_container_id),
		cmocka_unit_test(test_container_id_len),
		cmocka_unit_test(test_systemd_services),
		cmocka_unit_test(test_systemd_services_overflow),
		cmocka_unit_test(test_is_init_fixture),
		cmocka_unit_test(test_is_init_status),
		cmocka_unit_test(test_environ_fixture),
		cmocka_unit_test(test_environ_mixed),
		cmocka_unit_test(test_environ_straddle),
		cmocka_unit_test(test_list_pids_fixture),
		cmocka_unit_test(test_list_pids_names),
		cmocka_unit_test(test_list_pids_errors),
		cmocka_unit_test(test_stat_in_root_fixture),
		cmocka_unit_test(test_stat_in_root_abs_link),
		cmocka_unit_test(test_live_self),
		cmocka_unit_test(test_live_gone),
		cmocka_unit_test(test_live_deleted_exe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
