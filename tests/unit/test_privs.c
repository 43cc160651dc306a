// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_privs: user lookup, the capability helper, and privs_drop() in a
 * forked child (a drop is for good), checked against /proc/self/status.
 * The drops to another user need root and are skipped without it.
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "privs.h"

#define NOBODY 65534

/* One "CapXxx:" mask of /proc/self/status; all ones when unreadable. */
static uint64_t status_caps(const char *field)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	uint64_t v = UINT64_MAX;
	size_t n = strlen(field);

	if (!f)
		return v;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, n) == 0 && line[n] == ':')
			v = strtoull(line + n + 1, NULL, 16);
	fclose(f);
	return v;
}

#define BIT(c) (UINT64_C(1) << (c))

static void test_lookup_root(void **state)
{
	struct privs_user u;
	bool has0 = false;

	assert_int_equal(privs_user_lookup("root", &u), 0);
	assert_int_equal(u.uid, 0);
	assert_int_equal(u.gid, 0);
	assert_true(u.n_groups >= 1);
	for (size_t i = 0; i < u.n_groups; i++)
		has0 |= u.groups[i] == 0;
	assert_true(has0);
	privs_user_done(&u);
	privs_user_done(&u); /* idempotent */
	privs_user_done(NULL);
}

static void test_lookup_nobody(void **state)
{
	struct privs_user u;

	assert_int_equal(privs_user_lookup("nobody", &u), 0);
	assert_int_equal(u.uid, NOBODY);
	assert_int_equal(u.gid, NOBODY);
	privs_user_done(&u);
}

static void test_lookup_unknown(void **state)
{
	struct privs_user u;

	assert_int_equal(privs_user_lookup("auscribe-no-such-user", &u), -ESRCH);
	assert_null(u.groups);
	assert_int_equal(privs_user_lookup("", &u), -EINVAL);
	assert_int_equal(privs_user_lookup(NULL, &u), -EINVAL);
}

/* privs_cap_have() agrees with the kernel's CapEff. */
static void test_cap_have(void **state)
{
	static const cap_value_t caps[] = { CAP_CHOWN, CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE, CAP_AUDIT_READ,
					    CAP_NET_ADMIN };
	uint64_t eff = status_caps("CapEff");

	assert_true(eff != UINT64_MAX);
	for (size_t i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
		assert_int_equal(privs_cap_have(caps[i]), (eff & BIT(caps[i])) != 0);
}

/* Child checks: each failure exits with its line number, so the parent can say which. */
#define CHILD_CHECK(cond)                        \
	do {                                     \
		if (!(cond))                     \
			_exit(__LINE__ % 250 + 1); \
	} while (0)

/* Runs FN in a child and expects it to exit 0. */
static void in_child(void (*fn)(void))
{
	int status = 0;
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		fn();
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		print_error("child failed: status %d (a CHILD_CHECK line %% 250 + 1)\n", status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* Root drops to nobody keeping CAP_SYS_PTRACE. */
static void drop_to_nobody(void)
{
	static const cap_value_t keep[] = { CAP_SYS_PTRACE };
	static const cap_value_t keep2[] = { CAP_SYS_PTRACE, CAP_AUDIT_READ };
	struct privs_user u, root;
	bool setpcap = privs_cap_have(CAP_SETPCAP);
	uid_t r, e, s;

	CHILD_CHECK(privs_user_lookup("nobody", &u) == 0);
	CHILD_CHECK(privs_user_lookup("root", &root) == 0);
	CHILD_CHECK(privs_drop(&u, keep, 1) == 0);
	CHILD_CHECK(getresuid(&r, &e, &s) == 0 && r == NOBODY && e == NOBODY && s == NOBODY);
	CHILD_CHECK(getuid() == NOBODY && getgid() == NOBODY);
	CHILD_CHECK(privs_cap_have(CAP_SYS_PTRACE));
	CHILD_CHECK(!privs_cap_have(CAP_AUDIT_READ));
	CHILD_CHECK(!privs_cap_have(CAP_SETUID));
	CHILD_CHECK(status_caps("CapEff") == BIT(CAP_SYS_PTRACE));
	CHILD_CHECK(status_caps("CapPrm") == BIT(CAP_SYS_PTRACE));
	CHILD_CHECK(status_caps("CapInh") == 0);
	CHILD_CHECK(status_caps("CapAmb") == 0);
	/* With CAP_SETPCAP, the bounding set went too. */
	CHILD_CHECK(!setpcap || status_caps("CapBnd") == BIT(CAP_SYS_PTRACE));
	CHILD_CHECK(prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0) == 0);
	/* No way back, and no switching without root. */
	CHILD_CHECK(setuid(0) < 0);
	CHILD_CHECK(privs_drop(&root, keep, 1) == -EPERM);
	CHILD_CHECK(getuid() == NOBODY);
	/* Asking to keep what is gone is no error: it is just not there. */
	CHILD_CHECK(privs_drop(NULL, keep2, 2) == 0);
	CHILD_CHECK(privs_cap_have(CAP_SYS_PTRACE) && !privs_cap_have(CAP_AUDIT_READ));
	/* Keeping nothing. */
	CHILD_CHECK(privs_drop(NULL, NULL, 0) == 0);
	CHILD_CHECK(status_caps("CapEff") == 0 && status_caps("CapPrm") == 0);
	privs_user_done(&u);
	privs_user_done(&root);
}

static void test_drop_to_user(void **state)
{
	if (geteuid() != 0) {
		skip();
		return;
	}
	in_child(drop_to_nobody);
}

/* Without a user: the uid stays, the sets shrink to what was kept and permitted. */
static void drop_caps_only(void)
{
	static const cap_value_t keep[] = { CAP_DAC_READ_SEARCH, CAP_SYS_PTRACE };
	uint64_t before = status_caps("CapPrm");
	uint64_t want = before & (BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_SYS_PTRACE));
	uid_t uid = getuid();

	CHILD_CHECK(before != UINT64_MAX);
	CHILD_CHECK(privs_drop(NULL, keep, 2) == 0);
	CHILD_CHECK(getuid() == uid);
	CHILD_CHECK(status_caps("CapEff") == want);
	CHILD_CHECK(status_caps("CapPrm") == want);
	CHILD_CHECK(status_caps("CapInh") == 0);
	CHILD_CHECK(status_caps("CapAmb") == 0);
	CHILD_CHECK(!privs_cap_have(CAP_NET_ADMIN));
}

static void test_drop_caps_only(void **state)
{
	in_child(drop_caps_only);
}

/* Switching users needs root: refused before anything changes. */
static void refuse_without_root(void)
{
	static const cap_value_t keep[] = { CAP_SYS_PTRACE };
	struct privs_user u;

	CHILD_CHECK(privs_user_lookup("nobody", &u) == 0);
	if (geteuid() == 0) {
		/* Become an ordinary user first, with all capabilities gone. */
		CHILD_CHECK(privs_drop(&u, NULL, 0) == 0);
		CHILD_CHECK(status_caps("CapEff") == 0);
	}
	CHILD_CHECK(privs_drop(&u, keep, 1) == -EPERM);
	privs_user_done(&u);
}

static void test_refuse_without_root(void **state)
{
	in_child(refuse_without_root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup_root),
		cmocka_unit_test(test_lookup_nobody),
		cmocka_unit_test(test_lookup_unknown),
		cmocka_unit_test(test_cap_have),
		cmocka_unit_test(test_drop_to_user),
		cmocka_unit_test(test_drop_caps_only),
		cmocka_unit_test(test_refuse_without_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
