// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_labels: [label-process] names and rules. Interning and its limits,
 * anchored and unanchored exe rules, argv rules, unlabel winning over
 * label rules and over the input set, bad regexes, subjects that are
 * bytes (invalid UTF-8, NULs), many rules, a backtracking bomb, and the
 * interpreter fallback when a sandbox forbids JIT (this program re-run
 * under PR_SET_MDWE; skipped where the kernel lacks it).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "labels.h"

/* Memory-Deny-Write-Execute for this process (Linux 6.3); old headers lack it. */
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#endif
#ifndef PR_MDWE_REFUSE_EXEC_GAIN
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
/* Must match LABELS_NAME_MAX and LABELS_MAX_RULES in src/labels.c. */
#define NAME_MAX_LEN 255
#define MAX_RULES 1024
#define ERR_LEN 256
/* Exit codes of the sandboxed child. */
#define CHILD_OK 0
#define CHILD_FAIL 1
#define CHILD_SKIP 77

#define BIT(b) (UINT64_C(1) << (b))

/* Adds a rule that must be accepted. */
static void add(struct labels *l, enum label_subject s, bool unlabel, const char *label,
		const char *regex)
{
	char err[ERR_LEN];

	assert_int_equal(labels_add_rule(l, s, unlabel, label, regex, err, sizeof(err)), 0);
	assert_string_equal(err, "");
}

static uint64_t apply(struct labels *l, enum label_subject s, const char *text, uint64_t set)
{
	return labels_apply(l, s, text, strlen(text), set);
}

static void test_intern_find_name(void **state)
{
	struct labels *l = labels_new();
	char name[NAME_MAX_LEN + 2];

	(void)state;
	assert_non_null(l);
	assert_int_equal(labels_find(l, "pkg"), -ENOENT);
	assert_null(labels_name(l, 0));
	assert_int_equal(labels_intern(l, "pkg"), 0);
	assert_int_equal(labels_intern(l, "shell"), 1);
	assert_int_equal(labels_intern(l, "pkg"), 0);
	assert_int_equal(labels_find(l, "pkg"), 0);
	assert_int_equal(labels_find(l, "shell"), 1);
	assert_int_equal(labels_find(l, "she"), -ENOENT);
	assert_int_equal(labels_find(l, "shell2"), -ENOENT);
	assert_string_equal(labels_name(l, 0), "pkg");
	assert_string_equal(labels_name(l, 1), "shell");
	assert_null(labels_name(l, 2));
	assert_null(labels_name(l, LABELS_MAX));

	/* The name is a copy, not the caller's buffer. */
	strcpy(name, "copied");
	assert_int_equal(labels_intern(l, name), 2);
	strcpy(name, "changed");
	assert_string_equal(labels_name(l, 2), "copied");
	assert_int_equal(labels_find(l, "copied"), 2);

	/* NAME_MAX_LEN bytes are a name; one more is not. */
	memset(name, 'n', NAME_MAX_LEN);
	name[NAME_MAX_LEN] = '\0';
	assert_int_equal(labels_intern(l, name), 3);
	assert_string_equal(labels_name(l, 3), name);
	name[NAME_MAX_LEN] = 'n';
	name[NAME_MAX_LEN + 1] = '\0';
	assert_int_equal(labels_intern(l, name), -EINVAL);
	assert_int_equal(labels_find(l, name), -ENOENT);
	assert_null(labels_name(l, 4));
	labels_free(l);
}

static void test_intern_full(void **state)
{
	struct labels *l = labels_new();
	char name[32], err[ERR_LEN];

	(void)state;
	assert_non_null(l);
	for (int i = 0; i < LABELS_MAX; i++) {
		snprintf(name, sizeof(name), "label%d", i);
		assert_int_equal(labels_intern(l, name), i);
	}
	assert_int_equal(labels_intern(l, "one-too-many"), -ENOSPC);
	assert_int_equal(labels_find(l, "one-too-many"), -ENOENT);
	/* Existing names still resolve, and the last bit is usable. */
	assert_int_equal(labels_intern(l, "label0"), 0);
	assert_int_equal(labels_intern(l, "label63"), 63);
	assert_string_equal(labels_name(l, 63), "label63");
	assert_null(labels_name(l, 64));

	/* A rule for a new label fails; one for an existing label works. */
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "one-too-many", "x", err,
					 sizeof(err)),
			 -ENOSPC);
	assert_string_not_equal(err, "");
	assert_false(labels_has_rules(l, LABEL_EXE));
	add(l, LABEL_EXE, false, "label63", "^/bin/top$");
	assert_true(apply(l, LABEL_EXE, "/bin/top", 0) == BIT(63));
	labels_free(l);
}

static void test_empty_name(void **state)
{
	struct labels *l = labels_new();
	char err[ERR_LEN];

	(void)state;
	assert_non_null(l);
	assert_int_equal(labels_intern(l, ""), -EINVAL);
	assert_int_equal(labels_intern(l, NULL), -EINVAL);
	assert_int_equal(labels_find(l, ""), -ENOENT);
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "", "x", err, sizeof(err)), -EINVAL);
	assert_string_not_equal(err, "");
	assert_false(labels_has_rules(l, LABEL_EXE));
	/* Nothing was used up: the first real name still gets bit 0. */
	assert_int_equal(labels_intern(l, "a"), 0);
	labels_free(l);
}

static void test_exe_anchored(void **state)
{
	struct labels *l = labels_new();
	int pkg;

	(void)state;
	assert_non_null(l);
	add(l, LABEL_EXE, false, "pkg", "^/usr/bin/(apt|apt-get|dpkg)$");
	pkg = labels_find(l, "pkg");
	assert_int_equal(pkg, 0);
	assert_true(apply(l, LABEL_EXE, "/usr/bin/apt-get", 0) == BIT(pkg));
	assert_true(apply(l, LABEL_EXE, "/usr/bin/apt", 0) == BIT(pkg));
	assert_true(apply(l, LABEL_EXE, "/usr/bin/dpkg", 0) == BIT(pkg));
	assert_true(apply(l, LABEL_EXE, "/usr/bin/apt-get2", 0) == 0);
	assert_true(apply(l, LABEL_EXE, "/usr/bin/aptitude", 0) == 0);
	assert_true(apply(l, LABEL_EXE, "/tmp/usr/bin/apt", 0) == 0);
	assert_true(apply(l, LABEL_EXE, "", 0) == 0);
	/* Only LEN bytes are the subject: "$" sees the end there. */
	assert_true(labels_apply(l, LABEL_EXE, "/usr/bin/apt-get2", 16, 0) == BIT(pkg));
	assert_true(labels_apply(l, LABEL_EXE, "/usr/bin/dpkg-query", 13, 0) == BIT(pkg));
	/* Other labels in the set are kept. */
	assert_true(apply(l, LABEL_EXE, "/usr/bin/apt", BIT(5) | BIT(63)) ==
		    (BIT(pkg) | BIT(5) | BIT(63)));
	assert_true(apply(l, LABEL_EXE, "/usr/bin/ls", BIT(5)) == BIT(5));
	labels_free(l);
}

static void test_unanchored(void **state)
{
	struct labels *l = labels_new();

	(void)state;
	assert_non_null(l);
	add(l, LABEL_EXE, false, "shell", "bin/(ba|z)?sh");
	assert_true(apply(l, LABEL_EXE, "/bin/sh", 0) == BIT(0));
	assert_true(apply(l, LABEL_EXE, "/usr/bin/bash", 0) == BIT(0));
	assert_true(apply(l, LABEL_EXE, "/usr/local/bin/zshell", 0) == BIT(0));
	assert_true(apply(l, LABEL_EXE, "bin/sh", 0) == BIT(0));
	assert_true(apply(l, LABEL_EXE, "/usr/bin/csh", 0) == 0);
	assert_true(apply(l, LABEL_EXE, "/usr/sbin", 0) == 0);
	labels_free(l);
}

static void test_argv(void **state)
{
	struct labels *l = labels_new();

	(void)state;
	assert_non_null(l);
	add(l, LABEL_ARGV, false, "pip", "^python3? (-\\S+ )*-m pip( |$)");
	assert_false(labels_has_rules(l, LABEL_EXE));
	assert_true(labels_has_rules(l, LABEL_ARGV));
	assert_true(apply(l, LABEL_ARGV, "python3 -m pip install requests", 0) == BIT(0));
	assert_true(apply(l, LABEL_ARGV, "python -u -m pip", 0) == BIT(0));
	assert_true(apply(l, LABEL_ARGV, "python3 -m pipx install", 0) == 0);
	assert_true(apply(l, LABEL_ARGV, "python3 pip.py", 0) == 0);
	/* Rules only apply to their own subject. */
	assert_true(apply(l, LABEL_EXE, "python3 -m pip install requests", 0) == 0);
	assert_true(apply(l, LABEL_SCRIPT, "python3 -m pip install requests", 0) == 0);
	labels_free(l);
}

static void test_unlabel(void **state)
{
	struct labels *l = labels_new();
	int sys, trusted, other;

	(void)state;
	assert_non_null(l);
	/* The unlabel rule comes first: order does not matter, unlabel wins. */
	add(l, LABEL_EXE, true, "sys", "/ssh$");
	add(l, LABEL_EXE, false, "sys", "^/usr/bin/");
	add(l, LABEL_EXE, true, "trusted", "^/tmp/");
	sys = labels_find(l, "sys");
	trusted = labels_find(l, "trusted");
	other = labels_intern(l, "other");
	assert_true(sys >= 0 && trusted >= 0 && other >= 0);

	/* Added by one rule, removed by another. */
	assert_true(apply(l, LABEL_EXE, "/usr/bin/ls", 0) == BIT(sys));
	assert_true(apply(l, LABEL_EXE, "/usr/bin/ssh", 0) == 0);
	/* Already in the input set, removed. */
	assert_true(apply(l, LABEL_EXE, "/usr/sbin/ssh", BIT(sys)) == 0);
	assert_true(apply(l, LABEL_EXE, "/tmp/x", BIT(trusted) | BIT(other)) == BIT(other));
	assert_true(apply(l, LABEL_EXE, "/tmp/ssh", BIT(trusted) | BIT(sys) | BIT(other)) ==
		    BIT(other));
	/* Unlabel rules that do not match remove nothing. */
	assert_true(apply(l, LABEL_EXE, "/opt/x", BIT(trusted) | BIT(sys)) ==
		    (BIT(trusted) | BIT(sys)));
	/* An unlabel rule never adds its label. */
	assert_true(apply(l, LABEL_EXE, "/tmp/sbin/ssh", 0) == 0);
	/* Another subject's unlabel rules do not apply. */
	add(l, LABEL_SCRIPT, true, "other", ".");
	assert_true(apply(l, LABEL_EXE, "/usr/bin/ls", BIT(other)) == (BIT(other) | BIT(sys)));
	assert_true(apply(l, LABEL_SCRIPT, "/usr/bin/ls", BIT(other) | BIT(sys)) == BIT(sys));
	labels_free(l);
}

static void test_has_rules(void **state)
{
	struct labels *l = labels_new();
	char err[ERR_LEN];

	(void)state;
	assert_non_null(l);
	for (int s = 0; s < LABEL_SUBJECTS; s++)
		assert_false(labels_has_rules(l, (enum label_subject)s));
	assert_false(labels_has_rules(l, LABEL_SUBJECTS));
	/* A rejected rule does not count. */
	assert_int_equal(labels_add_rule(l, LABEL_SCRIPT, false, "s", "(", err, sizeof(err)),
			 -EINVAL);
	assert_false(labels_has_rules(l, LABEL_SCRIPT));
	add(l, LABEL_SCRIPT, true, "s", "\\.sh$");
	assert_true(labels_has_rules(l, LABEL_SCRIPT));
	assert_false(labels_has_rules(l, LABEL_EXE));
	assert_false(labels_has_rules(l, LABEL_ARGV));
	add(l, LABEL_EXE, false, "e", "x");
	assert_true(labels_has_rules(l, LABEL_EXE));
	assert_false(labels_has_rules(l, LABEL_ARGV));
	/* An unknown subject is refused. */
	assert_int_equal(labels_add_rule(l, LABEL_SUBJECTS, false, "s", "x", err, sizeof(err)),
			 -EINVAL);
	assert_false(labels_has_rules(l, LABEL_SUBJECTS));
	assert_true(labels_apply(l, LABEL_SUBJECTS, "x", 1, BIT(3)) == BIT(3));
	labels_free(l);
}

static void test_bad_regex(void **state)
{
	struct labels *l = labels_new();
	char err[ERR_LEN], small[8];

	(void)state;
	assert_non_null(l);
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "bad", "(", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "offset"));
	assert_non_null(strstr(err, "at offset 1"));
	assert_true(strlen(err) > strlen("at offset 1"));
	/* The label of a rejected rule is not interned. */
	assert_int_equal(labels_find(l, "bad"), -ENOENT);

	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "bad", "ab[", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "at offset 3"));
	/* Subjects are bytes: UTF mode cannot be turned on from the pattern. */
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "bad", "(*UTF)x", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "offset"));

	/* A short buffer is truncated and terminated; no buffer at all is fine. */
	memset(small, 'x', sizeof(small));
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "bad", "(", small, sizeof(small)),
			 -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "bad", "(", NULL, 0), -EINVAL);
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "bad", NULL, err, sizeof(err)),
			 -EINVAL);
	assert_false(labels_has_rules(l, LABEL_EXE));
	assert_int_equal(labels_find(l, "bad"), -ENOENT);

	/* A good rule afterwards clears the message. */
	add(l, LABEL_EXE, false, "good", "x");
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "good", "y", NULL, 0), 0);
	labels_free(l);
}

static void test_invalid_utf8(void **state)
{
	struct labels *l = labels_new();

	(void)state;
	assert_non_null(l);
	add(l, LABEL_EXE, false, "bin", "bin");
	add(l, LABEL_EXE, false, "ff", "^\\xff");
	/* "." is one byte, not one character. */
	add(l, LABEL_EXE, false, "two", "^..(/|$)");
	assert_true(apply(l, LABEL_EXE, "\xff\xfe/bin", 0) == (BIT(0) | BIT(1) | BIT(2)));
	assert_true(apply(l, LABEL_EXE, "/usr/\xc3/bin\xc3", 0) == BIT(0));
	/* A valid two-byte sequence is two bytes too. */
	assert_true(apply(l, LABEL_EXE, "\xc3\xa9", 0) == BIT(2));
	assert_true(apply(l, LABEL_EXE, "\xfe\xff", 0) == BIT(2));
	labels_free(l);
}

static void test_nul_in_subject(void **state)
{
	struct labels *l = labels_new();
	const char argv[] = "sh\0-c\0id";

	(void)state;
	assert_non_null(l);
	add(l, LABEL_ARGV, false, "nul", "sh\\x00-c");
	add(l, LABEL_ARGV, false, "id", "id$");
	add(l, LABEL_ARGV, false, "sh", "^sh$");
	assert_true(labels_apply(l, LABEL_ARGV, argv, sizeof(argv) - 1, 0) == (BIT(0) | BIT(1)));
	/* The subject ends at LEN, not at a NUL. */
	assert_true(labels_apply(l, LABEL_ARGV, argv, 2, 0) == BIT(2));
	assert_true(labels_apply(l, LABEL_ARGV, argv, 5, 0) == BIT(0));
	/* An empty subject, also as NULL. */
	add(l, LABEL_SCRIPT, false, "empty", "^$");
	assert_true(labels_apply(l, LABEL_SCRIPT, "", 0, 0) == BIT(3));
	assert_true(labels_apply(l, LABEL_SCRIPT, NULL, 0, 0) == BIT(3));
	assert_true(labels_apply(l, LABEL_SCRIPT, "x", 1, 0) == 0);
	labels_free(l);
}

static void test_many_rules(void **state)
{
	struct labels *l = labels_new();
	char name[32], regex[64], path[64], err[ERR_LEN];

	(void)state;
	assert_non_null(l);
	/* 100 rules, 50 labels: each label has two alternative rules. */
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "app%d", i % 50);
		snprintf(regex, sizeof(regex), "^/%s/app%d$", i < 50 ? "opt" : "srv", i % 50);
		add(l, LABEL_EXE, false, name, regex);
	}
	for (int i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "/opt/app%d", i);
		assert_true(apply(l, LABEL_EXE, path, 0) == BIT(i));
		snprintf(path, sizeof(path), "/srv/app%d", i);
		assert_true(apply(l, LABEL_EXE, path, 0) == BIT(i));
		snprintf(path, sizeof(path), "/usr/app%d", i);
		assert_true(apply(l, LABEL_EXE, path, BIT(60)) == BIT(60));
	}
	assert_true(apply(l, LABEL_EXE, "/opt/app50", 0) == 0);
	assert_int_equal(labels_find(l, "app49"), 49);
	assert_int_equal(labels_find(l, "app50"), -ENOENT);

	/* Up to MAX_RULES per subject; other subjects have their own room. */
	for (int i = 100; i < MAX_RULES; i++)
		add(l, LABEL_EXE, false, "filler", "^/filler$");
	assert_int_equal(labels_add_rule(l, LABEL_EXE, false, "app0", "x", err, sizeof(err)),
			 -ENOSPC);
	assert_string_not_equal(err, "");
	add(l, LABEL_ARGV, false, "app0", "x");
	assert_true(apply(l, LABEL_EXE, "/filler", 0) == BIT(labels_find(l, "filler")));
	assert_true(apply(l, LABEL_EXE, "/srv/app7", 0) == BIT(7));
	labels_free(l);
}

static void test_backtracking_bomb(void **state)
{
	struct labels *l = labels_new();
	char text[4097];

	(void)state;
	assert_non_null(l);
	add(l, LABEL_ARGV, false, "bomb", "^(a+)+$");
	add(l, LABEL_ARGV, false, "plain", "^a");
	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = 'b';
	text[sizeof(text) - 1] = '\0';
	/* Gives up at the match limit: no match, the other rule still runs. */
	assert_true(apply(l, LABEL_ARGV, text, 0) == BIT(1));
	/* The shared match data still works afterwards. */
	assert_true(apply(l, LABEL_ARGV, "aaa", 0) == (BIT(0) | BIT(1)));
	labels_free(l);
}

/* Rules that must match the same way with or without JIT. */
static int check_rules(struct labels *l)
{
	if (labels_add_rule(l, LABEL_EXE, false, "pkg", "^/usr/bin/(apt|apt-get|dpkg)$", NULL,
			    0) < 0 ||
	    labels_add_rule(l, LABEL_EXE, true, "pkg", "dpkg", NULL, 0) < 0 ||
	    labels_add_rule(l, LABEL_ARGV, false, "bin", "bin", NULL, 0) < 0)
		return -1;
	if (labels_apply(l, LABEL_EXE, "/usr/bin/apt-get", 16, 0) != BIT(0) ||
	    labels_apply(l, LABEL_EXE, "/usr/bin/apt-get2", 17, 0) != 0 ||
	    labels_apply(l, LABEL_EXE, "/usr/bin/dpkg", 13, BIT(0)) != 0 ||
	    labels_apply(l, LABEL_ARGV, "\xff\xfe/bin", 7, 0) != BIT(1))
		return -1;
	return 0;
}

#define CHECK(cond)                                                                    \
	do {                                                                           \
		if (!(cond)) {                                                         \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, \
				#cond);                                                \
			_exit(CHILD_FAIL);                                             \
		}                                                                      \
	} while (0)

/*
 * The sandboxed side of test_jit, run as "test_labels --mdwe-child" in a
 * fresh image: a forked copy would inherit the executable memory PCRE2
 * keeps cached from earlier JIT compiles, and JIT would not fail there.
 */
static int mdwe_child(void)
{
	struct labels *l;

	if (prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) < 0)
		return CHILD_SKIP;
	l = labels_new();
	CHECK(l != NULL);
	CHECK(check_rules(l) == 0);
	CHECK(!labels_jit(l));
	labels_free(l);
	return CHILD_OK;
}

static void test_jit(void **state)
{
	struct labels *l = labels_new();
	bool jit;
	pid_t pid;
	int status;

	(void)state;
	assert_non_null(l);
	assert_false(labels_jit(l));
	assert_int_equal(check_rules(l), 0);
	/* JIT may be missing here; whichever it is, it is the same for more rules. */
	jit = labels_jit(l);
	add(l, LABEL_SCRIPT, false, "sh", "\\.sh$");
	assert_true(labels_jit(l) == jit);
	assert_true(apply(l, LABEL_SCRIPT, "/x/y.sh", 0) == BIT(2));
	labels_free(l);

	/*
	 * A sandbox that refuses executable memory: JIT fails, the rules fall
	 * back to the interpreter and match the same. MDWE cannot be undone,
	 * hence another process.
	 */
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		execl("/proc/self/exe", "test_labels", "--mdwe-child", (char *)NULL);
		_exit(CHILD_SKIP);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == CHILD_SKIP)
		skip();
	assert_int_equal(WEXITSTATUS(status), CHILD_OK);
}

static void test_free_null(void **state)
{
	(void)state;
	labels_free(NULL);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intern_find_name),
		cmocka_unit_test(test_intern_full),
		cmocka_unit_test(test_empty_name),
		cmocka_unit_test(test_exe_anchored),
		cmocka_unit_test(test_unanchored),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_unlabel),
		cmocka_unit_test(test_has_rules),
		cmocka_unit_test(test_bad_regex),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_nul_in_subject),
		cmocka_unit_test(test_many_rules),
		cmocka_unit_test(test_backtracking_bomb),
		cmocka_unit_test(test_jit),
		cmocka_unit_test(test_free_null),
	};

	if (argc == 2 && strcmp(argv[1], "--mdwe-child") == 0)
		return mdwe_child();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
