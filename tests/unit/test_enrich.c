// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_enrich: process tracking and enrichment. Each test builds its own
 * proc root with mkdtemp() holding only what it needs (pid directories
 * with stat, an exe link, cgroup, status, environ, root/; a top-level
 * stat with btime), or leaves it empty when the table must come from
 * the events alone; events are built from raw audit lines. Event N is
 * at audit(T0 + N.000:N), and the pipeline clock is the event's time.
 * Each event is freed before its result is checked: the result must not
 * point into it (ASan builds catch it if it does).
 *
 * Expected behaviour is LAUREL 0.8's process tracking (PID, PPID,
 * SPAWNED_BY, *pid objects, SCRIPT, LABELS, ENV) plus ANCESTORS, as
 * described at the top of src/enrich.c.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "event_util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "enrich.h"
#include "labels.h"
#include "proctable.h"
#include "userdb.h"
#include "fixture_util.h"

/* btime of every fixture root, and the second of event 0. */
#define BTIME 1700000000ULL
#define T0 1700001000ULL
/* The first event's time, in ms: the clock of enrich_scan() in these tests. */
#define T0_MS (T0 * 1000)
/* Must match ENRICH_GONE_GRACE_MS and ENRICH_EXPIRE_PERIOD_MS in src/enrich.c. */
#define GONE_GRACE_MS 10000
#define EXPIRE_PERIOD_MS 1000
/* Must match ENRICH_MAX_PIDOBJS in src/enrich.c. */
#define MAX_PIDOBJS 16

#define X86_64 "c000003e"
#define NR_OPENAT 257
#define NR_EXECVE 59
#define NR_EXECVEAT 322
#define NR_CLONE 56
#define NR_FORK 57
#define NR_VFORK 58
#define NR_CLONE3 435
#define NR_KILL 62

#define DOCKER_ID "4d3c5b1e0f7a9d2c8b6e4a1f3c5d7e9b0a2c4e6f8a1b3d5c7e9f0a2b4c6d8e0f"

/* Formatted lines per event (L() ring). */
#define LINE_RING 16
#define LINE_MAX_TEST 8192

/* --- helpers -------------------------------------------------------------- */

/* A formatted line, valid until LINE_RING more calls. */
__attribute__((format(printf, 1, 2))) static const char *L(const char *format, ...)
{
	static char ring[LINE_RING][LINE_MAX_TEST];
	static unsigned next;
	char *buf = ring[next++ % LINE_RING];
	va_list ap;
	int n;

	va_start(ap, format);
	n = vsnprintf(buf, LINE_MAX_TEST, format, ap);
	va_end(ap);
	assert_true(n >= 0 && n < LINE_MAX_TEST);
	return buf;
}

static long hz(void)
{
	long h = sysconf(_SC_CLK_TCK);

	assert_true(h > 0);
	return h;
}

/* Start ticks of a process that started at second SEC (absolute, >= BTIME). */
static unsigned long long ticks_at(unsigned long long sec)
{
	return (sec - BTIME) * (unsigned long long)hz();
}

/* The START_TIME enrich.c must compute for TICKS. */
static uint64_t start_ms(unsigned long long ticks)
{
	return BTIME * 1000 + ticks * 1000 / (uint64_t)hz();
}

struct fx {
	char root[PATH_MAX];
	struct labels *labels;
	struct userdb *userdb;
	struct enrich_options o;
	struct enricher *e;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");
	char btime[64];

	assert_non_null(f);
	fmt(f->root, sizeof(f->root), "%s/test_enrich.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(f->root));
	fmt(btime, sizeof(btime), "cpu  1 2 3 4\nbtime %llu\nprocesses 1\n", BTIME);
	put_text(f->root, "stat", btime);
	f->o = (struct enrich_options){
		.proc_root = f->root,
		.max_processes = 1000,
		.pid = true,
		.ppid_verbose = true,
		.spawned_by = true,
		.container = true,
		.systemd = true,
		.script = true,
		.uid_groups = false,
		.ancestors = 8,
		.label_argv_count = 32,
		.label_argv_bytes = 4096,
	};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	enrich_free(f->e);
	labels_free(f->labels);
	userdb_free(f->userdb);
	rm_tree(f->root);
	free(f);
	return 0;
}

/* The enricher, made from f->o on first use. */
static struct enricher *E(struct fx *f)
{
	if (!f->e) {
		f->o.labels = f->labels;
		f->e = enrich_new(&f->o);
		assert_non_null(f->e);
	}
	return f->e;
}

/* A new label set with rules added later; label-keys and propagate set here. */
static void use_labels(struct fx *f, const char *const *keys, size_t n_keys, const char *const *prop,
		       size_t n_prop)
{
	f->labels = labels_new();
	assert_non_null(f->labels);
	f->o.label_keys = keys;
	f->o.n_label_keys = n_keys;
	f->o.propagate = prop;
	f->o.n_propagate = n_prop;
}

static void add_rule(struct fx *f, enum label_subject subject, const char *label, const char *regex)
{
	char err[256];

	assert_int_equal(labels_add_rule(f->labels, subject, false, label, regex, err, sizeof(err)), 0);
}

/* A process directory: stat (PPID, COMM, start TICKS) and, when EXE, the exe link. */
static void put_proc(struct fx *f, unsigned pid, unsigned ppid, const char *comm, unsigned long long ticks,
		     const char *exe)
{
	char rel[64], text[512];

	fmt(rel, sizeof(rel), "%u/stat", pid);
	fmt(text, sizeof(text),
	    "%u (%s) S %u %u %u 0 -1 4194560 120 0 0 0 3 2 0 0 20 0 1 0 %llu 12345678 512 "
	    "18446744073709551615 1 1 0 0 0 0 0 4096 65536 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
	    pid, comm, ppid, pid, pid, ticks);
	put_text(f->root, rel, text);
	if (exe) {
		fmt(rel, sizeof(rel), "%u/exe", pid);
		put_link(f->root, rel, exe);
	}
}

static void put_pid_file(struct fx *f, unsigned pid, const char *name, const void *data, size_t len)
{
	char rel[64];

	fmt(rel, sizeof(rel), "%u/%s", pid, name);
	put_file(f->root, rel, data, len);
}

static void put_status(struct fx *f, unsigned pid, const char *nspid)
{
	char text[256];

	fmt(text, sizeof(text), "Name:\tx\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t%u\nPid:\t%u\nNSpid:\t%s\n",
	    pid, pid, nspid);
	put_pid_file(f, pid, "status", text, strlen(text));
}

static void rm_proc(struct fx *f, unsigned pid)
{
	char path[PATH_MAX];

	fmt(path, sizeof(path), "%s/%u", f->root, pid);
	rm_tree(path);
}

/* Feeds the event of LINES (NULL-terminated) at its own time. The event is freed before return:
 * the result must not point into it. */
static const struct enrichment *feed(struct fx *f, const char *const *lines)
{
	struct event ev;
	const struct enrichment *out;

	build_event(lines, &ev);
	out = enrich_event(E(f), &ev, ev.id.sec * 1000 + ev.id.msec);
	free_event(&ev);
	return out;
}

#define FEED(f, ...) feed((f), (const char *const[]){ __VA_ARGS__, NULL })

/* The SYSCALL line of event N. RES is "success=... exit=...", KEY the raw key value. */
#define SC(n, nr, res, pid, ppid, comm, exe, key)                                                      \
	L("type=SYSCALL msg=audit(%llu.000:%u): arch=" X86_64 " syscall=%u %s a0=3 a1=7ffd a2=0 a3=0 " \
	  "items=1 ppid=%u pid=%u auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 "          \
	  "fsgid=0 tty=pts0 ses=3 comm=\"%s\" exe=\"%s\" key=%s",                                        \
	  T0 + (n), (unsigned)(n), (unsigned)(nr), (res), (unsigned)(ppid), (unsigned)(pid), (comm),   \
	  (exe), (key))
#define AT(n) L("%llu.000:%u", T0 + (n), (unsigned)(n))

/* Event N: a successful execve of EXE (argv[0] COMM) by PID, child of PPID. */
static const struct enrichment *exec_key(struct fx *f, unsigned n, unsigned pid, unsigned ppid, const char *comm,
					 const char *exe, const char *key)
{
	return FEED(f, SC(n, NR_EXECVE, "success=yes exit=0", pid, ppid, comm, exe, key),
		    L("type=EXECVE msg=audit(%s): argc=1 a0=\"%s\"", AT(n), comm));
}

static const struct enrichment *exec_ev(struct fx *f, unsigned n, unsigned pid, unsigned ppid, const char *comm,
					const char *exe)
{
	return exec_key(f, n, pid, ppid, comm, exe, "(null)");
}

/* Event N: a non-exec syscall (openat) of PID. */
static const struct enrichment *other_ev(struct fx *f, unsigned n, unsigned pid, unsigned ppid, const char *comm,
					 const char *exe)
{
	return FEED(f, SC(n, NR_OPENAT, "success=yes exit=3", pid, ppid, comm, exe, "(null)"));
}

/* Event N: a successful fork-type syscall NR of PID returning CHILD. */
static const struct enrichment *fork_ev(struct fx *f, unsigned n, unsigned nr, unsigned pid, unsigned ppid,
					unsigned child, const char *comm, const char *exe)
{
	return FEED(f, SC(n, nr, L("success=yes exit=%u", child), pid, ppid, comm, exe, "(null)"));
}

static void check_event_key(const struct proc_key *k, unsigned n)
{
	assert_true(k->is_event);
	assert_int_equal(k->event.sec, T0 + n);
	assert_int_equal(k->event.msec, 0);
	assert_int_equal(k->event.serial, n);
}

static void check_start_key(const struct proc_key *k, uint64_t ms)
{
	assert_false(k->is_event);
	assert_int_equal(k->start_ms, ms);
}

static void check_str(const char *got, const char *want)
{
	if (!want) {
		assert_null(got);
		return;
	}
	assert_non_null(got);
	assert_string_equal(got, want);
}

/* A present process with PID, key event N, EXE. */
static void check_proc(const struct enrich_proc *p, unsigned pid, unsigned n, const char *exe)
{
	assert_true(p->present);
	assert_int_equal(p->pid, pid);
	check_event_key(&p->key, n);
	check_str(p->exe, exe);
}

static bool has_label(const struct enrichment *out, const char *name)
{
	for (size_t i = 0; i < out->n_labels; i++)
		if (strcmp(out->labels[i], name) == 0)
			return true;
	return false;
}

/* --- exec chain from events only ------------------------------------------ */

static void test_exec_chain(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	out = exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	assert_non_null(out);
	assert_true(out->syscall);
	check_proc(&out->pid, 100, 1, "/usr/bin/bash");
	assert_int_equal(out->pid.ppid, 1);
	assert_false(out->ppid.present);        /* pid 1 is in neither /proc nor the table */
	assert_false(out->spawned_by.present);  /* nothing known before it */
	assert_int_equal(out->n_ancestors, 0);

	out = exec_ev(f, 2, 101, 100, "make", "/usr/bin/make");
	check_proc(&out->pid, 101, 2, "/usr/bin/make");
	check_str(out->pid.comm, "make");
	assert_int_equal(out->pid.ppid, 100);
	/* PPID: the shell's entry, with comm, exe, ppid. */
	check_proc(&out->ppid, 100, 1, "/usr/bin/bash");
	check_str(out->ppid.comm, "bash");
	assert_int_equal(out->ppid.ppid, 1);
	assert_true(out->ppid_verbose);
	check_proc(&out->spawned_by, 100, 1, "/usr/bin/bash");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 100, 1, "/usr/bin/bash");

	out = exec_ev(f, 3, 102, 101, "cc", "/usr/bin/cc");
	check_proc(&out->pid, 102, 3, "/usr/bin/cc");
	check_proc(&out->ppid, 101, 2, "/usr/bin/make");
	check_proc(&out->spawned_by, 101, 2, "/usr/bin/make");
	assert_int_equal(out->n_ancestors, 2);
	check_proc(&out->ancestors[0], 101, 2, "/usr/bin/make");
	check_proc(&out->ancestors[1], 100, 1, "/usr/bin/bash");

	/* A later non-exec event of the same process: the same key and lineage. */
	out = other_ev(f, 4, 102, 101, "cc", "/usr/bin/cc");
	check_proc(&out->pid, 102, 3, "/usr/bin/cc");
	check_proc(&out->ppid, 101, 2, "/usr/bin/make");
	check_proc(&out->spawned_by, 101, 2, "/usr/bin/make");
	assert_int_equal(out->n_ancestors, 2);

	/* execveat counts as an exec. */
	out = FEED(f, SC(5, NR_EXECVEAT, "success=yes exit=0", 102, 101, "ld", "/usr/bin/ld", "(null)"));
	check_proc(&out->pid, 102, 5, "/usr/bin/ld");
	check_proc(&out->spawned_by, 102, 3, "/usr/bin/cc");

	/* A failed execve is not an exec: the process is still the cc one. */
	out = FEED(f, SC(6, NR_EXECVE, "success=no exit=-2", 103, 101, "cc", "/usr/bin/cc", "(null)"));
	check_proc(&out->pid, 103, 6, "/usr/bin/cc");
	out = FEED(f, SC(7, NR_EXECVE, "success=no exit=-2", 103, 101, "cc", "/usr/bin/cc", "(null)"));
	check_proc(&out->pid, 103, 6, "/usr/bin/cc");
}

static void test_ancestors_depth(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	f->o.ancestors = 1;
	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	exec_ev(f, 2, 101, 100, "make", "/usr/bin/make");
	out = exec_ev(f, 3, 102, 101, "cc", "/usr/bin/cc");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 101, 2, "/usr/bin/make");
}

static void test_ancestors_off(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	f->o.ancestors = 0;
	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	out = exec_ev(f, 2, 101, 100, "make", "/usr/bin/make");
	assert_int_equal(out->n_ancestors, 0);
	check_proc(&out->ppid, 100, 1, "/usr/bin/bash");
}

/* A depth beyond ENRICH_MAX_ANCESTORS is cut to it. */
static void test_ancestors_max(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out = NULL;

	f->o.ancestors = 1000;
	for (unsigned i = 0; i < ENRICH_MAX_ANCESTORS + 10; i++)
		out = exec_ev(f, i + 1, 1000 + i, i ? 1000 + i - 1 : 1, "sh", "/bin/sh");
	assert_int_equal(out->n_ancestors, ENRICH_MAX_ANCESTORS);
	for (unsigned k = 0; k < ENRICH_MAX_ANCESTORS; k++)
		assert_int_equal(out->ancestors[k].pid, 1000 + ENRICH_MAX_ANCESTORS + 10 - 2 - k);
}

/* --- exec without fork ---------------------------------------------------- */

static void test_exec_without_fork(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	exec_ev(f, 1, 50, 1, "sshd", "/usr/sbin/sshd");
	exec_ev(f, 2, 100, 50, "bash", "/usr/bin/bash");
	out = exec_ev(f, 3, 100, 50, "python3", "/usr/bin/python3");
	check_proc(&out->pid, 100, 3, "/usr/bin/python3");
	/* SPAWNED_BY: the pre-exec self, not the parent. */
	check_proc(&out->spawned_by, 100, 2, "/usr/bin/bash");
	check_str(out->spawned_by.comm, "bash");
	/* PPID and ANCESTORS: still the parent. */
	check_proc(&out->ppid, 50, 1, "/usr/sbin/sshd");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 50, 1, "/usr/sbin/sshd");

	/* Its non-exec events keep saying so. */
	out = other_ev(f, 4, 100, 50, "python3", "/usr/bin/python3");
	check_proc(&out->pid, 100, 3, "/usr/bin/python3");
	check_proc(&out->spawned_by, 100, 2, "/usr/bin/bash");
}

/* --- logged fork ---------------------------------------------------------- */

static void test_logged_fork(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	out = fork_ev(f, 2, NR_CLONE, 100, 1, 102, "bash", "/usr/bin/bash");
	check_proc(&out->pid, 100, 1, "/usr/bin/bash");
	/* The child exists after the clone, keyed by the clone. */
	out = other_ev(f, 3, 102, 100, "bash", "/usr/bin/bash");
	check_proc(&out->pid, 102, 2, "/usr/bin/bash");
	check_proc(&out->ppid, 100, 1, "/usr/bin/bash");
	check_proc(&out->spawned_by, 100, 1, "/usr/bin/bash");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 100, 1, "/usr/bin/bash");

	out = exec_ev(f, 4, 102, 100, "ls", "/usr/bin/ls");
	check_proc(&out->pid, 102, 4, "/usr/bin/ls");
	/* SPAWNED_BY: the parent, not the fork copy. */
	check_proc(&out->spawned_by, 100, 1, "/usr/bin/bash");
	check_proc(&out->ppid, 100, 1, "/usr/bin/bash");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 100, 1, "/usr/bin/bash");
}

/*
 * vfork (posix_spawn): the parent resumes only when the child has exec'd,
 * so the child's execve event often comes first; the vfork event, stamped
 * at syscall entry, is older but arrives later. It must not replace what
 * the child's exec made.
 */
static void test_fork_after_child_exec(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "spawned" };
	const struct enrichment *out;

	use_labels(f, keys, 1, NULL, 0);
	exec_ev(f, 1, 100, 1, "python3", "/usr/bin/python3");
	/* The child's exec: at T0+3, serial 3. */
	out = FEED(f, L("type=SYSCALL msg=audit(%llu.500:3): arch=" X86_64 " syscall=59 success=yes exit=0 "
			"ppid=100 pid=102 uid=0 comm=\"ls\" exe=\"/usr/bin/ls\" key=\"spawned\"", T0 + 3));
	assert_int_equal(out->pid.key.event.serial, 3);
	assert_int_equal(out->pid.key.event.msec, 500);
	check_str(out->pid.exe, "/usr/bin/ls");
	/* The parent's vfork: at T0+3.100, serial 4. */
	FEED(f, L("type=SYSCALL msg=audit(%llu.100:4): arch=" X86_64 " syscall=58 success=yes exit=102 "
		  "ppid=1 pid=100 uid=0 comm=\"python3\" exe=\"/usr/bin/python3\" key=(null)", T0 + 3));
	out = other_ev(f, 5, 102, 100, "ls", "/usr/bin/ls");
	assert_true(out->pid.present);
	assert_true(out->pid.key.is_event);
	assert_int_equal(out->pid.key.event.serial, 3);
	check_str(out->pid.exe, "/usr/bin/ls");
	assert_true(has_label(out, "spawned"));
	check_proc(&out->spawned_by, 100, 1, "/usr/bin/python3");

	/* A later fork that reuses the pid does replace it. */
	fork_ev(f, 6, NR_FORK, 100, 1, 102, "python3", "/usr/bin/python3");
	out = other_ev(f, 7, 102, 100, "python3", "/usr/bin/python3");
	check_proc(&out->pid, 102, 6, "/usr/bin/python3");
	assert_int_equal(out->n_labels, 0);
}

static void test_fork_variants(void **state)
{
	struct fx *f = *state;
	static const unsigned nrs[] = { NR_FORK, NR_VFORK, NR_CLONE3, NR_CLONE };
	const struct enrichment *out;
	unsigned n = 1;

	exec_ev(f, n++, 100, 1, "bash", "/usr/bin/bash");
	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++) {
		unsigned child = 200 + (unsigned)i, fork_n = n++;

		fork_ev(f, fork_n, nrs[i], 100, 1, child, "bash", "/usr/bin/bash");
		out = other_ev(f, n++, child, 100, "bash", "/usr/bin/bash");
		check_proc(&out->pid, child, fork_n, "/usr/bin/bash");
	}

	/* A failed clone makes no child: 300's event then keys it by itself. */
	FEED(f, SC(n, NR_CLONE, "success=no exit=-11", 100, 1, "bash", "/usr/bin/bash", "(null)"));
	n++;
	/* exit=300 on a failed call must not count either. */
	FEED(f, SC(n, NR_CLONE, "success=no exit=300", 100, 1, "bash", "/usr/bin/bash", "(null)"));
	n++;
	out = other_ev(f, n, 300, 100, "bash", "/usr/bin/bash");
	check_proc(&out->pid, 300, n, "/usr/bin/bash");
	n++;

	/* A non-fork syscall's exit is not a child. */
	FEED(f, SC(n, NR_OPENAT, "success=yes exit=301", 100, 1, "bash", "/usr/bin/bash", "(null)"));
	n++;
	out = other_ev(f, n, 301, 100, "bash", "/usr/bin/bash");
	check_proc(&out->pid, 301, n, "/usr/bin/bash");
}

/* --- pid reuse ------------------------------------------------------------ */

static void test_pid_reuse(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "tagged" };
	const struct enrichment *out;

	use_labels(f, keys, 1, keys, 1);
	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	exec_ev(f, 2, 200, 1, "cron", "/usr/sbin/cron");
	out = exec_key(f, 3, 101, 100, "sleep", "/usr/bin/sleep", "\"tagged\"");
	assert_true(has_label(out, "tagged"));

	/* 101 again, now a child of 200: another process. */
	out = other_ev(f, 4, 101, 200, "job", "/usr/bin/job");
	check_proc(&out->pid, 101, 4, "/usr/bin/job");
	assert_int_equal(out->pid.ppid, 200);
	assert_int_equal(out->n_labels, 0);
	check_proc(&out->ppid, 200, 2, "/usr/sbin/cron");
	check_proc(&out->spawned_by, 200, 2, "/usr/sbin/cron");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 200, 2, "/usr/sbin/cron");
}

static void test_pid_reuse_exec(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "tagged" };
	const struct enrichment *out;

	use_labels(f, keys, 1, keys, 1);
	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	exec_ev(f, 2, 200, 1, "cron", "/usr/sbin/cron");
	exec_key(f, 3, 101, 100, "sleep", "/usr/bin/sleep", "\"tagged\"");

	/* An exec by a new 101 under 200: its previous self is not the old 101. */
	out = exec_ev(f, 4, 101, 200, "job", "/usr/bin/job");
	check_proc(&out->pid, 101, 4, "/usr/bin/job");
	assert_int_equal(out->n_labels, 0);
	check_proc(&out->spawned_by, 200, 2, "/usr/sbin/cron");
	check_proc(&out->ppid, 200, 2, "/usr/sbin/cron");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 200, 2, "/usr/sbin/cron");

	/* Unknown new parent: no PPID, no lineage, still a new entry. */
	out = other_ev(f, 5, 100, 4242, "x", "/usr/bin/x");
	check_proc(&out->pid, 100, 5, "/usr/bin/x");
	assert_false(out->ppid.present);
	assert_false(out->spawned_by.present);
	assert_int_equal(out->n_ancestors, 0);
}

/* --- orphans -------------------------------------------------------------- */

static void test_orphan(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "tagged" };
	const struct enrichment *out;

	use_labels(f, keys, 1, keys, 1);
	exec_key(f, 1, 100, 1, "bash", "/usr/bin/bash", "\"tagged\"");
	fork_ev(f, 2, NR_CLONE, 100, 1, 103, "bash", "/usr/bin/bash");
	/* 100 exits; 103 is re-parented to init and execs. */
	out = exec_ev(f, 3, 103, 1, "daemon", "/usr/sbin/daemon");
	check_proc(&out->pid, 103, 3, "/usr/sbin/daemon");
	assert_int_equal(out->pid.ppid, 1);
	/* The previous self (the fork child) matched: its label came along ... */
	assert_true(has_label(out, "tagged"));
	/* ... and so did the lineage. */
	check_proc(&out->spawned_by, 100, 1, "/usr/bin/bash");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 100, 1, "/usr/bin/bash");

	out = other_ev(f, 4, 103, 1, "daemon", "/usr/sbin/daemon");
	check_proc(&out->pid, 103, 3, "/usr/sbin/daemon");
	assert_int_equal(out->n_ancestors, 1);
	check_proc(&out->ancestors[0], 100, 1, "/usr/bin/bash");
}

/* A non-exec event of a fork child that was re-parented. */
static void test_orphan_non_exec(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	/* init from /proc, with its NSpid. */
	put_proc(f, 1, 0, "systemd", 1, "/usr/lib/systemd/systemd");
	put_status(f, 1, "1");
	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	fork_ev(f, 2, NR_CLONE, 100, 1, 103, "bash", "/usr/bin/bash");
	out = other_ev(f, 3, 103, 1, "bash", "/usr/bin/bash");
	check_proc(&out->pid, 103, 2, "/usr/bin/bash");
	/* PPID is the event's ppid (init); ANCESTORS keep the lineage. */
	assert_true(out->ppid.present);
	assert_int_equal(out->ppid.pid, 1);
	check_start_key(&out->ppid.key, start_ms(1));
	assert_int_equal(out->n_ancestors, 2);
	check_proc(&out->ancestors[0], 100, 1, "/usr/bin/bash");
	assert_int_equal(out->ancestors[1].pid, 1);
	check_start_key(&out->ancestors[1].key, start_ms(1));
}

/* --- processes from /proc ------------------------------------------------- */

static void test_from_proc(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	unsigned long long t500 = ticks_at(BTIME + 100) + 7, t1 = 3;

	put_proc(f, 1, 0, "systemd", t1, "/usr/lib/systemd/systemd");
	put_status(f, 1, "1");
	put_proc(f, 500, 1, "nginx", t500, "/usr/sbin/nginx");
	put_status(f, 500, "500");

	out = other_ev(f, 10, 500, 1, "nginx", "/usr/sbin/nginx");
	assert_true(out->pid.present);
	assert_int_equal(out->pid.pid, 500);
	check_start_key(&out->pid.key, start_ms(t500));
	check_str(out->pid.comm, "nginx");
	check_str(out->pid.exe, "/usr/sbin/nginx");
	assert_true(out->ppid.present);
	check_start_key(&out->ppid.key, start_ms(t1));
	check_str(out->ppid.comm, "systemd");
	check_str(out->ppid.exe, "/usr/lib/systemd/systemd");
	assert_int_equal(out->ppid.ppid, 0);
	assert_true(out->spawned_by.present);
	assert_int_equal(out->spawned_by.pid, 1);
	assert_int_equal(out->n_ancestors, 1);
	assert_int_equal(out->ancestors[0].pid, 1);
}

static void test_from_proc_younger(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	unsigned long long t502 = ticks_at(T0 + 20 + 1), t501 = ticks_at(T0 + 20 + 2), t504 = ticks_at(T0 + 30);

	/* Started 1 s after its event: within the slack, the same process. */
	put_proc(f, 502, 1, "late", t502, "/usr/bin/late");
	/* Started 2 s after its event: another process that reuses the pid. */
	put_proc(f, 501, 1, "newer", t501, "/usr/bin/newer");

	out = other_ev(f, 20, 502, 1, "late", "/usr/bin/late");
	check_start_key(&out->pid.key, start_ms(t502));

	out = other_ev(f, 20, 501, 1, "older", "/usr/bin/older");
	check_proc(&out->pid, 501, 20, "/usr/bin/older");
	check_str(out->pid.comm, "older");

	/* Its child's PPID: the process of the event, not the newer one in /proc. */
	out = other_ev(f, 21, 503, 501, "child", "/usr/bin/child");
	check_proc(&out->pid, 503, 21, "/usr/bin/child");
	check_proc(&out->ppid, 501, 20, "/usr/bin/older");

	/* A parent younger than the event is not its parent. */
	put_proc(f, 504, 1, "newer", t504, "/usr/bin/newer");
	out = other_ev(f, 22, 505, 504, "child", "/usr/bin/child");
	check_proc(&out->pid, 505, 22, "/usr/bin/child");
	assert_false(out->ppid.present);
	assert_int_equal(out->n_ancestors, 0);
}

/* The start-up scan reads the tree and links it, in any pid order. */
static void test_scan(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	put_proc(f, 1, 0, "systemd", 1, "/usr/lib/systemd/systemd");
	put_status(f, 1, "1");
	put_proc(f, 30, 40, "child", 300, "/usr/bin/child");
	put_proc(f, 40, 1, "parent", 200, "/usr/bin/parent");
	put_text(f->root, "self", "not a pid directory");
	assert_int_equal(enrich_scan(E(f), T0_MS), 3);
	assert_int_equal(enrich_stats(E(f))->scans, 1);
	assert_int_equal(proctable_size(enrich_table(E(f))), 3);

	out = other_ev(f, 1, 30, 40, "child", "/usr/bin/child");
	check_start_key(&out->pid.key, start_ms(300));
	check_start_key(&out->ppid.key, start_ms(200));
	assert_int_equal(out->n_ancestors, 2);
	assert_int_equal(out->ancestors[0].pid, 40);
	assert_int_equal(out->ancestors[1].pid, 1);
	assert_int_equal(out->spawned_by.pid, 40);

	/* An exec of a scanned process: its previous self is the scanned entry. */
	out = exec_ev(f, 2, 30, 40, "ls", "/usr/bin/ls");
	check_proc(&out->pid, 30, 2, "/usr/bin/ls");
	assert_true(out->spawned_by.present);
	assert_int_equal(out->spawned_by.pid, 30);
	check_start_key(&out->spawned_by.key, start_ms(300));
}

static void test_scan_no_root(void **state)
{
	struct fx *f = *state;
	char path[PATH_MAX];

	fmt(path, sizeof(path), "%s/missing", f->root);
	f->o.proc_root = path;
	assert_true(enrich_scan(E(f), T0_MS) < 0);
	/* Events still work. */
	check_proc(&exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash")->pid, 100, 1, "/usr/bin/bash");
}

/* --- no /proc reads for known processes ----------------------------------- */

static void test_no_proc_read_known(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	uint64_t reads;

	put_proc(f, 1, 0, "systemd", 1, "/usr/lib/systemd/systemd");
	put_status(f, 1, "1");
	put_proc(f, 500, 1, "nginx", 100, "/usr/sbin/nginx");
	put_pid_file(f, 500, "cgroup", "0::/system.slice/nginx.service\n", 31);

	out = other_ev(f, 1, 500, 1, "nginx", "/usr/sbin/nginx");
	check_start_key(&out->pid.key, start_ms(100));
	reads = enrich_stats(E(f))->proc_reads;
	assert_true(reads > 0);
	for (unsigned n = 2; n < 10; n++) {
		out = other_ev(f, n, 500, 1, "nginx", "/usr/sbin/nginx");
		check_start_key(&out->pid.key, start_ms(100));
		assert_int_equal(out->pid.n_services, 1);
	}
	assert_int_equal(enrich_stats(E(f))->proc_reads, reads);
}

/*
 * Events older than proc_max_age_ms by the wall clock (the fixture's are
 * from 2023) are enriched from the events alone: /proc is not read, no
 * START_TIME, no container, no ENV (unknown, so absent rather than {}).
 */
static void test_stale_events_no_proc(void **state)
{
	static const char *const env_names[] = { "LD_PRELOAD" };
	static const char cg[] = "0::/system.slice/docker-4d3c2b1a00112233445566778899aabbccddeeff00112233445566778899aabb.scope\n";
	struct fx *f = *state;
	const struct enrichment *out;

	put_proc(f, 500, 1, "nginx", 100, "/usr/sbin/nginx");
	put_pid_file(f, 500, "cgroup", cg, sizeof(cg) - 1);
	put_pid_file(f, 500, "environ", "LD_PRELOAD=/x.so", 17);
	f->o.proc_max_age_ms = 10000;
	f->o.env_names = env_names;
	f->o.n_env_names = 1;
	out = other_ev(f, 1, 500, 1, "nginx", "/usr/sbin/nginx");
	assert_true(out->pid.present);
	check_event_key(&out->pid.key, 1);
	assert_null(out->pid.container);
	out = exec_ev(f, 2, 500, 1, "nginx", "/usr/sbin/nginx");
	assert_false(out->has_env);
	assert_null(out->pid.container);
	assert_int_equal(enrich_stats(E(f))->proc_reads, 0);
	/* Without the limit, the same events read /proc. */
	enrich_free(f->e);
	f->e = NULL;
	f->o.proc_max_age_ms = 0;
	out = other_ev(f, 1, 500, 1, "nginx", "/usr/sbin/nginx");
	check_start_key(&out->pid.key, start_ms(100));
	assert_non_null(out->pid.container);
	assert_true(enrich_stats(E(f))->proc_reads > 0);
}

/* The same for a process known from its exec whose parent is unknown (gone, or never seen). */
static void test_no_proc_read_known_orphan(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	uint64_t reads;

	exec_ev(f, 1, 100, 50, "bash", "/usr/bin/bash");
	out = other_ev(f, 2, 100, 50, "bash", "/usr/bin/bash");
	check_proc(&out->pid, 100, 1, "/usr/bin/bash");
	reads = enrich_stats(E(f))->proc_reads;
	for (unsigned n = 3; n < 10; n++) {
		out = other_ev(f, n, 100, 50, "bash", "/usr/bin/bash");
		check_proc(&out->pid, 100, 1, "/usr/bin/bash");
	}
	assert_int_equal(enrich_stats(E(f))->proc_reads, reads);
}

/*
 * A process known from /proc whose exe link differs from the event's exe
 * for good (a chroot: the kernel logs the path as the process sees it):
 * one /proc read and one entry, not one per event.
 */
static void test_no_proc_read_exe_view(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	uint64_t reads;
	size_t size;

	put_proc(f, 1, 0, "systemd", 1, "/usr/lib/systemd/systemd");
	put_status(f, 1, "1");
	put_proc(f, 520, 1, "named", 100, "/srv/jail/usr/sbin/named");
	out = other_ev(f, 1, 520, 1, "named", "/usr/sbin/named");
	check_start_key(&out->pid.key, start_ms(100));
	reads = enrich_stats(E(f))->proc_reads;
	size = proctable_size(enrich_table(E(f)));
	for (unsigned n = 2; n < 10; n++) {
		out = other_ev(f, n, 520, 1, "named", "/usr/sbin/named");
		check_start_key(&out->pid.key, start_ms(100));
	}
	assert_int_equal(enrich_stats(E(f))->proc_reads, reads);
	assert_int_equal(proctable_size(enrich_table(E(f))), size);
}

/* An exec we did not see (another exe in the event) is a new process read from /proc. */
static void test_unseen_exec(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	out = other_ev(f, 2, 100, 1, "vim", "/usr/bin/vim");
	check_proc(&out->pid, 100, 2, "/usr/bin/vim");
	check_str(out->pid.comm, "vim");
	out = other_ev(f, 3, 100, 1, "vim", "/usr/bin/vim");
	check_proc(&out->pid, 100, 2, "/usr/bin/vim");
}

/* --- labels --------------------------------------------------------------- */

static void test_label_keys_propagate(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "software_mgmt", "other" };
	static const char *const prop[] = { "software_mgmt" };
	const struct enrichment *out;

	use_labels(f, keys, 2, prop, 1);
	out = exec_key(f, 1, 100, 1, "apt-get", "/usr/bin/apt-get", "\"software_mgmt\"");
	assert_int_equal(out->n_labels, 1);
	check_str(out->labels[0], "software_mgmt");

	/* A child's exec inherits it ... */
	fork_ev(f, 2, NR_CLONE, 100, 1, 101, "apt-get", "/usr/bin/apt-get");
	out = other_ev(f, 3, 101, 100, "apt-get", "/usr/bin/apt-get");
	assert_true(has_label(out, "software_mgmt"));
	out = exec_ev(f, 4, 101, 100, "dpkg", "/usr/bin/dpkg");
	assert_int_equal(out->n_labels, 1);
	assert_true(has_label(out, "software_mgmt"));
	/* ... without a logged fork too, and across a plain exec, and down another level. */
	out = exec_ev(f, 5, 102, 100, "http", "/usr/lib/apt/methods/http");
	assert_true(has_label(out, "software_mgmt"));
	out = exec_ev(f, 6, 101, 100, "sh", "/bin/sh");
	assert_true(has_label(out, "software_mgmt"));
	out = exec_ev(f, 7, 103, 101, "dpkg-deb", "/usr/bin/dpkg-deb");
	assert_true(has_label(out, "software_mgmt"));
	out = other_ev(f, 8, 103, 101, "dpkg-deb", "/usr/bin/dpkg-deb");
	assert_true(has_label(out, "software_mgmt"));

	/* "other" is a label but not propagated. */
	out = exec_key(f, 10, 200, 1, "tool", "/usr/bin/tool", "\"other\"");
	assert_int_equal(out->n_labels, 1);
	assert_true(has_label(out, "other"));
	out = other_ev(f, 11, 200, 1, "tool", "/usr/bin/tool");
	assert_true(has_label(out, "other"));
	out = exec_ev(f, 12, 201, 200, "child", "/usr/bin/child");
	assert_int_equal(out->n_labels, 0);
	out = exec_ev(f, 13, 200, 1, "tool2", "/usr/bin/tool2");
	assert_int_equal(out->n_labels, 0);

	/* A key that is not a label-key is nothing. */
	out = exec_key(f, 14, 300, 1, "x", "/usr/bin/x", "\"exec\"");
	assert_int_equal(out->n_labels, 0);
}

static void test_label_keys_hex(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "software_mgmt", "other" };
	const struct enrichment *out;

	use_labels(f, keys, 2, NULL, 0);
	/* "software_mgmt\x01other", as the kernel logs several keys. */
	out = exec_key(f, 1, 100, 1, "apt-get", "/usr/bin/apt-get", "736F6674776172655F6D676D74016F74686572");
	assert_int_equal(out->n_labels, 2);
	assert_true(has_label(out, "software_mgmt"));
	assert_true(has_label(out, "other"));

	/* "x\x01other" on a non-exec event of a new process. */
	out = FEED(f, SC(2, NR_OPENAT, "success=yes exit=3", 200, 1, "cat", "/usr/bin/cat", "78016F74686572"));
	assert_int_equal(out->n_labels, 1);
	assert_true(has_label(out, "other"));
}

static void test_label_exe(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	use_labels(f, NULL, 0, NULL, 0);
	add_rule(f, LABEL_EXE, "shell", "/(ba|da)?sh$");
	out = exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	assert_int_equal(out->n_labels, 1);
	check_str(out->labels[0], "shell");
	/* Not propagated, not kept across an exec. */
	out = exec_ev(f, 2, 101, 100, "ls", "/usr/bin/ls");
	assert_int_equal(out->n_labels, 0);
	out = exec_ev(f, 3, 100, 1, "vi", "/usr/bin/vi");
	assert_int_equal(out->n_labels, 0);
}

/* LAUREL #309: processes first seen on a non-exec syscall get label-exe too. */
static void test_label_exe_first_seen(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	use_labels(f, NULL, 0, NULL, 0);
	add_rule(f, LABEL_EXE, "curl", "/curl$");
	/* Known from the event only. */
	out = other_ev(f, 1, 600, 1, "curl", "/usr/bin/curl");
	assert_int_equal(out->n_labels, 1);
	assert_true(has_label(out, "curl"));
	/* Known from /proc. */
	put_proc(f, 601, 1, "curl", 5, "/usr/bin/curl");
	out = other_ev(f, 2, 601, 1, "curl", "/usr/bin/curl");
	check_start_key(&out->pid.key, start_ms(5));
	assert_true(has_label(out, "curl"));
	/* ... and by the scan. */
	put_proc(f, 602, 1, "curl", 6, "/usr/bin/curl");
	enrich_scan(E(f), T0_MS + 3000);
	out = other_ev(f, 3, 602, 1, "curl", "/usr/bin/curl");
	check_start_key(&out->pid.key, start_ms(6));
	assert_true(has_label(out, "curl"));
}

static void test_label_argv(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	use_labels(f, NULL, 0, NULL, 0);
	add_rule(f, LABEL_ARGV, "fetch", "^wget https?://");
	add_rule(f, LABEL_ARGV, "spaced", "^echo a b c$");
	out = FEED(f, SC(1, NR_EXECVE, "success=yes exit=0", 100, 1, "wget", "/usr/bin/wget", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=2 a0=\"wget\" a1=\"http://x/y\"", AT(1)));
	assert_int_equal(out->n_labels, 1);
	assert_true(has_label(out, "fetch"));
	out = FEED(f, SC(2, NR_EXECVE, "success=yes exit=0", 101, 1, "wget", "/usr/bin/wget", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=2 a0=\"wget\" a1=\"ftp://x/y\"", AT(2)));
	assert_int_equal(out->n_labels, 0);
	/* Hex-encoded args ("a b" has a space) are decoded. */
	out = FEED(f, SC(3, NR_EXECVE, "success=yes exit=0", 102, 1, "echo", "/usr/bin/echo", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=3 a0=\"echo\" a1=612062 a2=\"c\"", AT(3)));
	assert_true(has_label(out, "spaced"));
	/* Not on a non-exec event. */
	out = other_ev(f, 4, 103, 1, "wget", "/usr/bin/wget");
	assert_int_equal(out->n_labels, 0);
}

static void test_label_argv_count(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	use_labels(f, NULL, 0, NULL, 0);
	f->o.label_argv_count = 1;
	add_rule(f, LABEL_ARGV, "fetch", "^wget http");
	out = FEED(f, SC(1, NR_EXECVE, "success=yes exit=0", 100, 1, "wget", "/usr/bin/wget", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=2 a0=\"wget\" a1=\"http://x/y\"", AT(1)));
	assert_int_equal(out->n_labels, 0);
}

static void test_label_argv_bytes(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	use_labels(f, NULL, 0, NULL, 0);
	f->o.label_argv_bytes = 6;
	add_rule(f, LABEL_ARGV, "six", "^wget h$");
	add_rule(f, LABEL_ARGV, "seven", "^wget ht");
	out = FEED(f, SC(1, NR_EXECVE, "success=yes exit=0", 100, 1, "wget", "/usr/bin/wget", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=2 a0=\"wget\" a1=\"http://x/y\"", AT(1)));
	assert_int_equal(out->n_labels, 1);
	assert_true(has_label(out, "six"));
}

/* label-exe plus propagate-labels in the start-up scan, pids not in tree order. */
static void test_label_scan_propagate(void **state)
{
	struct fx *f = *state;
	static const char *const prop[] = { "pkg" };
	const struct enrichment *out;

	use_labels(f, NULL, 0, prop, 1);
	add_rule(f, LABEL_EXE, "pkg", "/apt$");
	put_proc(f, 1, 0, "systemd", 1, "/usr/lib/systemd/systemd");
	put_status(f, 1, "1");
	put_proc(f, 10, 1, "apt", 10, "/usr/bin/apt");
	put_proc(f, 20, 10, "dpkg", 20, "/usr/bin/dpkg");
	put_proc(f, 15, 20, "sh", 30, "/bin/sh");
	put_proc(f, 12, 15, "cp", 40, "/bin/cp");
	put_proc(f, 11, 1, "other", 50, "/bin/other");
	assert_int_equal(enrich_scan(E(f), T0_MS), 6);
	out = other_ev(f, 1, 12, 15, "cp", "/bin/cp");
	assert_true(has_label(out, "pkg"));
	out = other_ev(f, 2, 11, 1, "other", "/bin/other");
	assert_int_equal(out->n_labels, 0);
}

/* Labels of init do not propagate, even when /proc/1/status cannot be read. */
static void test_label_init_not_propagated(void **state)
{
	struct fx *f = *state;
	static const char *const prop[] = { "sd" };
	const struct enrichment *out;

	use_labels(f, NULL, 0, prop, 1);
	add_rule(f, LABEL_EXE, "sd", "^/usr/lib/systemd/");
	put_proc(f, 1, 0, "systemd", 1, "/usr/lib/systemd/systemd");
	put_proc(f, 2, 1, "journald", 5, "/usr/lib/systemd/systemd-journald");
	put_proc(f, 3, 1, "sshd", 6, "/usr/sbin/sshd");
	assert_int_equal(enrich_scan(E(f), T0_MS), 3);
	out = other_ev(f, 1, 3, 1, "sshd", "/usr/sbin/sshd");
	assert_int_equal(out->n_labels, 0);
	out = other_ev(f, 2, 2, 1, "journald", "/usr/lib/systemd/systemd-journald");
	assert_true(has_label(out, "sd"));
	out = exec_ev(f, 3, 100, 1, "bash", "/usr/bin/bash");
	assert_int_equal(out->n_labels, 0);
	out = other_ev(f, 4, 101, 1, "cat", "/usr/bin/cat");
	assert_int_equal(out->n_labels, 0);
}

/* The same when init is known from its events only. */
static void test_label_init_events_only(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "k" };
	const struct enrichment *out;

	use_labels(f, keys, 1, keys, 1);
	out = FEED(f, SC(1, NR_OPENAT, "success=yes exit=3", 1, 0, "systemd", "/usr/lib/systemd/systemd", "\"k\""));
	assert_true(has_label(out, "k"));
	out = exec_ev(f, 2, 100, 1, "bash", "/usr/bin/bash");
	assert_int_equal(out->n_labels, 0);
	out = other_ev(f, 3, 101, 1, "cat", "/usr/bin/cat");
	assert_int_equal(out->n_labels, 0);
	fork_ev(f, 4, NR_CLONE, 1, 0, 102, "systemd", "/usr/lib/systemd/systemd");
	out = other_ev(f, 5, 102, 1, "systemd", "/usr/lib/systemd/systemd");
	assert_int_equal(out->n_labels, 0);
}

/* label-script, with SCRIPT itself switched off. */
static void test_label_script(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	char rel[64];
	struct stat st;
	char path[PATH_MAX];

	use_labels(f, NULL, 0, NULL, 0);
	add_rule(f, LABEL_SCRIPT, "scripted", "\\.sh$");
	f->o.script = false;
	fmt(rel, sizeof(rel), "%u/root/usr/bin/dash", 800u);
	put_text(f->root, rel, "ELF");
	fmt(path, sizeof(path), "%s/%s", f->root, rel);
	assert_int_equal(stat(path, &st), 0);
	out = FEED(f, SC(1, NR_EXECVE, "success=yes exit=0", 800, 1, "s.sh", "/usr/bin/dash", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=2 a0=\"/bin/sh\" a1=\"./s.sh\"", AT(1)),
		   L("type=CWD msg=audit(%s): cwd=\"/tmp\"", AT(1)),
		   L("type=PATH msg=audit(%s): item=0 name=\"./s.sh\" inode=%llu dev=fd:01 mode=0100755 "
		     "ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		     AT(1), (unsigned long long)st.st_ino + 1));
	assert_null(out->script);
	assert_true(has_label(out, "scripted"));
}

/* --- container and systemd ------------------------------------------------ */

static void test_container(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	static const char docker[] = "0::/system.slice/docker-" DOCKER_ID ".scope\n";
	static const char shim[] = "0::/system.slice/containerd.service\n";

	put_pid_file(f, 299, "cgroup", shim, strlen(shim));
	put_pid_file(f, 300, "cgroup", docker, strlen(docker));
	out = exec_ev(f, 1, 299, 1, "containerd-shim", "/usr/bin/containerd-shim");
	assert_null(out->pid.container);
	assert_int_equal(out->pid.n_services, 1);
	check_str(out->pid.services, "containerd");
	assert_true(out->show_container);
	assert_true(out->show_services);

	out = exec_ev(f, 2, 300, 299, "nginx", "/usr/sbin/nginx");
	check_str(out->pid.container, DOCKER_ID);
	assert_int_equal(out->pid.n_services, 0);
	assert_null(out->ppid.container);

	/* No /proc dir: the parent's container. */
	out = exec_ev(f, 3, 301, 300, "sh", "/bin/sh");
	check_str(out->pid.container, DOCKER_ID);
	check_str(out->ppid.container, DOCKER_ID);
	out = other_ev(f, 4, 302, 301, "cat", "/bin/cat");
	check_str(out->pid.container, DOCKER_ID);
	assert_int_equal(out->n_ancestors, 3);
	check_str(out->ancestors[0].container, DOCKER_ID);
	assert_null(out->ancestors[2].container);

	/* Gone after its first exec: the previous self's container, not the parent's none. */
	rm_proc(f, 300);
	out = exec_ev(f, 5, 300, 299, "nginx2", "/usr/sbin/nginx2");
	check_str(out->pid.container, DOCKER_ID);
}

static void test_container_fork(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	static const char docker[] = "0::/system.slice/docker-" DOCKER_ID ".scope\n";

	put_pid_file(f, 300, "cgroup", docker, strlen(docker));
	exec_ev(f, 1, 300, 1, "nginx", "/usr/sbin/nginx");
	fork_ev(f, 2, NR_CLONE, 300, 1, 310, "nginx", "/usr/sbin/nginx");
	out = other_ev(f, 3, 310, 300, "nginx", "/usr/sbin/nginx");
	check_proc(&out->pid, 310, 2, "/usr/sbin/nginx");
	check_str(out->pid.container, DOCKER_ID);
}

static void test_container_off(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	static const char docker[] = "0::/system.slice/docker-" DOCKER_ID ".scope\n";

	static const char both[] = "0::/system.slice/foo.service/docker-" DOCKER_ID ".scope\n";
	uint64_t reads;

	/* Container off, services on: the cgroup is read, the container not shown. */
	f->o.container = false;
	put_pid_file(f, 300, "cgroup", both, strlen(both));
	out = exec_ev(f, 1, 300, 1, "nginx", "/usr/sbin/nginx");
	assert_null(out->pid.container);
	assert_false(out->show_container);
	assert_true(out->show_services);
	assert_int_equal(out->pid.n_services, 1);
	check_str(out->pid.services, "foo");

	/* Both off: no services, and no cgroup read at all. */
	enrich_free(f->e);
	f->e = NULL;
	f->o.systemd = false;
	put_pid_file(f, 301, "cgroup", docker, strlen(docker));
	exec_ev(f, 1, 300, 1, "nginx", "/usr/sbin/nginx");
	reads = enrich_stats(E(f))->proc_reads;
	out = exec_ev(f, 2, 300, 1, "nginx", "/usr/sbin/nginx");
	assert_int_equal(enrich_stats(E(f))->proc_reads, reads);
	assert_null(out->pid.container);
	assert_int_equal(out->pid.n_services, 0);
	assert_false(out->show_container);
	assert_false(out->show_services);
}

static void test_services(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	static const char ssh[] = "0::/system.slice/ssh.service\n";
	static const char user[] = "0::/user.slice/user-1000.slice/user@1000.service/app.slice/emacs.service\n";

	put_pid_file(f, 400, "cgroup", ssh, strlen(ssh));
	put_pid_file(f, 500, "cgroup", user, strlen(user));
	out = exec_ev(f, 1, 400, 1, "sshd", "/usr/sbin/sshd");
	assert_int_equal(out->pid.n_services, 1);
	check_str(out->pid.services, "ssh");
	assert_null(out->pid.container);
	/* Inherited by a process too short-lived to read. */
	out = exec_ev(f, 2, 401, 400, "sshd-session", "/usr/lib/openssh/sshd-session");
	assert_int_equal(out->pid.n_services, 1);
	check_str(out->pid.services, "ssh");

	out = exec_ev(f, 3, 500, 1, "emacs", "/usr/bin/emacs");
	assert_int_equal(out->pid.n_services, 2);
	check_str(out->pid.services, "user@1000");
	check_str(out->pid.services + strlen("user@1000") + 1, "emacs");
}

/* --- ENV ------------------------------------------------------------------ */

static bool has_env(const struct enrichment *out, const char *name, const char *value)
{
	for (size_t i = 0; i < out->n_env; i++)
		if (out->env[i].name_len == strlen(name) && memcmp(out->env[i].name, name, strlen(name)) == 0 &&
		    out->env[i].value_len == strlen(value) && memcmp(out->env[i].value, value, strlen(value)) == 0)
			return true;
	return false;
}

static const char environ_text[] = "LD_PRELOAD=/x.so\0HOME=/root\0LD_LIBRARY_PATH=/l\0";

static void test_env_exact(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = { "LD_PRELOAD" };
	const struct enrichment *out;

	f->o.env_names = names;
	f->o.n_env_names = 1;
	put_pid_file(f, 700, "environ", environ_text, sizeof(environ_text) - 1);
	out = exec_ev(f, 1, 700, 1, "true", "/bin/true");
	assert_true(out->has_env);
	assert_int_equal(out->n_env, 1);
	assert_true(has_env(out, "LD_PRELOAD", "/x.so"));
}

static void test_env_prefix(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = { "LD_PRELOAD", "LD_*" };
	const struct enrichment *out;

	f->o.env_names = names;
	f->o.n_env_names = 2;
	put_pid_file(f, 700, "environ", environ_text, sizeof(environ_text) - 1);
	out = exec_ev(f, 1, 700, 1, "true", "/bin/true");
	assert_true(out->has_env);
	assert_int_equal(out->n_env, 2);
	assert_true(has_env(out, "LD_PRELOAD", "/x.so"));
	assert_true(has_env(out, "LD_LIBRARY_PATH", "/l"));

	/* Not on a non-exec event. */
	out = other_ev(f, 2, 700, 1, "true", "/bin/true");
	assert_false(out->has_env);
	assert_int_equal(out->n_env, 0);
}

static void test_env_none(void **state)
{
	struct fx *f = *state;
	static const char *const names[] = { "LD_PRELOAD" };
	static const char home[] = "HOME=/root\0";
	const struct enrichment *out;

	f->o.env_names = names;
	f->o.n_env_names = 1;
	put_pid_file(f, 700, "environ", home, sizeof(home) - 1);
	out = exec_ev(f, 1, 700, 1, "true", "/bin/true");
	assert_true(out->has_env);
	assert_int_equal(out->n_env, 0);
	/* Gone before it was read: unknown, so no ENV (not a wrong {}). */
	out = exec_ev(f, 2, 701, 1, "true", "/bin/true");
	assert_false(out->has_env);
	assert_int_equal(out->n_env, 0);
}

static void test_env_off(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	put_pid_file(f, 700, "environ", environ_text, sizeof(environ_text) - 1);
	out = exec_ev(f, 1, 700, 1, "true", "/bin/true");
	assert_false(out->has_env);
	assert_int_equal(out->n_env, 0);
}

/* --- SCRIPT --------------------------------------------------------------- */

/* PID/root/usr/bin/dash in the proc root; returns its inode. */
/* The dev= of script_ev()'s PATH item 0: put_dash() makes it the fixture's real device. */
static char script_dev[32] = "fd:01";

static unsigned long long put_dash(struct fx *f, unsigned pid)
{
	char rel[64], path[PATH_MAX];
	struct stat st;

	fmt(rel, sizeof(rel), "%u/root/usr/bin/dash", pid);
	put_text(f->root, rel, "ELF");
	fmt(path, sizeof(path), "%s/%s", f->root, rel);
	assert_int_equal(stat(path, &st), 0);
	fmt(script_dev, sizeof(script_dev), "%02x:%02x", major(st.st_dev), minor(st.st_dev));
	return (unsigned long long)st.st_ino;
}

static const struct enrichment *script_ev(struct fx *f, unsigned n, unsigned pid, unsigned ppid, const char *name,
					  unsigned long long inode, const char *cwd)
{
	return FEED(f, SC(n, NR_EXECVE, "success=yes exit=0", pid, ppid, "s.sh", "/usr/bin/dash", "(null)"),
		    L("type=EXECVE msg=audit(%s): argc=2 a0=\"/bin/sh\" a1=\"%s\"", AT(n), name),
		    L("type=CWD msg=audit(%s): cwd=\"%s\"", AT(n), cwd),
		    L("type=PATH msg=audit(%s): item=0 name=\"%s\" inode=%llu dev=%s mode=0100755 ouid=0 "
		      "ogid=0 rdev=00:00 nametype=NORMAL",
		      AT(n), name, inode, script_dev),
		    L("type=PATH msg=audit(%s): item=1 name=\"/bin/sh\" inode=%llu dev=fd:01 mode=0100755 "
		      "ouid=0 ogid=0 rdev=00:00 nametype=NORMAL",
		      AT(n), inode + 5));
}

static void test_script(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	unsigned long long dash = put_dash(f, 800);

	out = script_ev(f, 1, 800, 1, "./s.sh", dash + 1, "/tmp");
	check_str(out->script, "/tmp/s.sh");
	out = script_ev(f, 2, 800, 1, "/opt/run.sh", dash + 1, "/tmp");
	check_str(out->script, "/opt/run.sh");
	out = script_ev(f, 3, 800, 1, "./s.sh", dash + 1, "/");
	check_str(out->script, "/s.sh");
	out = script_ev(f, 4, 800, 1, "bin/s.sh", dash + 1, "/home/u");
	check_str(out->script, "/home/u/bin/s.sh");
	/* The executed file is the exe: no script. */
	out = script_ev(f, 5, 800, 1, "./dash", dash, "/usr/bin");
	assert_null(out->script);
	/* PATH item 0 is the exe by name: no script. */
	out = script_ev(f, 6, 800, 1, "/usr/bin/dash", dash + 1, "/tmp");
	assert_null(out->script);
	/* The same inode number on another device is another file. */
	fmt(script_dev, sizeof(script_dev), "%s", "00:2a");
	out = script_ev(f, 8, 800, 1, "./s.sh", dash, "/tmp");
	check_str(out->script, "/tmp/s.sh");
	/* Not on a non-exec event. */
	out = other_ev(f, 7, 800, 1, "s.sh", "/usr/bin/dash");
	assert_null(out->script);
}

/* The process is gone: its parent's view of the exe. */
static void test_script_parent_root(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	unsigned long long dash = put_dash(f, 800);

	out = script_ev(f, 1, 801, 800, "./s.sh", dash + 1, "/tmp");
	check_str(out->script, "/tmp/s.sh");
	/* Neither can be read: unknown, so none. */
	out = script_ev(f, 2, 901, 900, "./s.sh", dash + 1, "/tmp");
	assert_null(out->script);
}

static void test_script_off(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	unsigned long long dash = put_dash(f, 800);

	f->o.script = false;
	out = script_ev(f, 1, 800, 1, "./s.sh", dash + 1, "/tmp");
	assert_null(out->script);
}

/* --- other *pid fields ---------------------------------------------------- */

static void test_obj_pid(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	put_proc(f, 600, 1, "victim", 42, "/usr/bin/victim");
	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	out = FEED(f, SC(2, NR_KILL, "success=yes exit=0", 101, 100, "kill", "/usr/bin/kill", "(null)"),
		   L("type=OBJ_PID msg=audit(%s): opid=100 oauid=1000 ouid=0 oses=3 obj=unconfined ocomm=\"bash\"",
		     AT(2)),
		   L("type=OBJ_PID msg=audit(%s): opid=100 oauid=1000 ouid=0 oses=3 obj=unconfined ocomm=\"bash\"",
		     AT(2)),
		   L("type=OBJ_PID msg=audit(%s): opid=600 oauid=1000 ouid=0 oses=3 obj=unconfined ocomm=\"victim\"",
		     AT(2)),
		   L("type=OBJ_PID msg=audit(%s): opid=999 oauid=1000 ouid=0 oses=3 obj=unconfined ocomm=\"gone\"",
		     AT(2)));
	assert_true(out->syscall);
	assert_int_equal(out->n_pids, 3);
	assert_int_equal(out->pids[0].pid, 100);
	check_proc(&out->pids[0].proc, 100, 1, "/usr/bin/bash");
	check_str(out->pids[0].proc.comm, "bash");
	assert_int_equal(out->pids[1].pid, 600);
	assert_true(out->pids[1].proc.present);
	check_start_key(&out->pids[1].proc.key, start_ms(42));
	check_str(out->pids[1].proc.exe, "/usr/bin/victim");
	assert_int_equal(out->pids[2].pid, 999);
	assert_false(out->pids[2].proc.present);
	/* The event's own process is still there. */
	check_proc(&out->pid, 101, 2, "/usr/bin/kill");
	check_proc(&out->ppid, 100, 1, "/usr/bin/bash");
}

static void test_user_pid(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;

	exec_ev(f, 1, 100, 1, "sshd", "/usr/sbin/sshd");
	out = FEED(f, L("type=USER_START msg=audit(%s): pid=100 uid=0 auid=1000 ses=3 subj=unconfined "
			"msg='op=PAM:session_open grantors=pam_unix acct=\"root\" exe=\"/usr/sbin/sshd\" "
			"hostname=10.0.0.1 addr=10.0.0.1 terminal=ssh res=success'",
			AT(2)));
	assert_non_null(out);
	assert_false(out->syscall);
	assert_int_equal(out->n_pids, 1);
	assert_int_equal(out->pids[0].pid, 100);
	check_proc(&out->pids[0].proc, 100, 1, "/usr/sbin/sshd");
	assert_false(out->pid.present);
	assert_int_equal(out->n_labels, 0);

	/* Nothing to add. */
	out = FEED(f, L("type=DAEMON_START msg=audit(%s): op=start ver=3.1 format=enriched kernel=6.1 auid=4294967295 "
			"res=success",
			AT(3)));
	assert_null(out);

	/* pid objects off. */
	enrich_free(f->e);
	f->e = NULL;
	f->o.pid = false;
	exec_ev(f, 4, 100, 1, "sshd", "/usr/sbin/sshd");
	out = FEED(f, L("type=USER_START msg=audit(%s): pid=100 uid=0 auid=1000 ses=3 msg='op=x res=success'", AT(5)));
	assert_null(out);
	out = exec_ev(f, 6, 101, 100, "sh", "/bin/sh");
	assert_false(out->pid.present);
	assert_false(out->ppid.present);
	assert_true(out->spawned_by.present);
}

/* --- UID_GROUPS ----------------------------------------------------------- */

static void test_uid_groups(void **state)
{
	struct fx *f = *state;
	const struct enrichment *out;
	bool root = false;

	f->userdb = userdb_new();
	assert_non_null(f->userdb);
	f->o.userdb = f->userdb;
	f->o.uid_groups = true;
	out = exec_ev(f, 1, 100, 1, "id", "/usr/bin/id");
	assert_true(out->n_uid_groups >= 1);
	for (size_t i = 0; i < out->n_uid_groups; i++)
		root |= strcmp(out->uid_groups[i], "root") == 0;
	assert_true(root);
	/* Unset uid: none. */
	out = FEED(f, L("type=SYSCALL msg=audit(%s): arch=" X86_64 " syscall=257 success=yes exit=3 ppid=1 pid=100 "
			"uid=4294967295 comm=\"id\" exe=\"/usr/bin/id\" key=(null)",
			AT(2)));
	assert_int_equal(out->n_uid_groups, 0);
}

/* --- expiry --------------------------------------------------------------- */

static void test_expiry(void **state)
{
	struct fx *f = *state;
	struct proctable *t;
	const struct enrichment *out;
	uint64_t now = T0_MS;

	put_proc(f, 1, 0, "systemd", 1, "/usr/lib/systemd/systemd");
	put_status(f, 1, "1");
	put_proc(f, 900, 1, "parent", 10, "/usr/bin/parent");
	put_proc(f, 901, 900, "child", 20, "/usr/bin/child");
	put_proc(f, 902, 1, "single", 30, "/usr/bin/single");
	assert_int_equal(enrich_scan(E(f), now), 4);
	t = enrich_table(E(f));
	assert_non_null(proctable_current(t, 902));
	assert_int_equal(enrich_stats(E(f))->scans, 1);

	/* Within the period: no scan. */
	enrich_tick(E(f), now + EXPIRE_PERIOD_MS / 2);
	assert_int_equal(enrich_stats(E(f))->scans, 1);

	rm_proc(f, 900);
	rm_proc(f, 902);
	now += EXPIRE_PERIOD_MS;
	enrich_tick(E(f), now);
	assert_int_equal(enrich_stats(E(f))->scans, 2);
	/* Gone, but within the grace period. */
	assert_non_null(proctable_current(t, 902));
	now += GONE_GRACE_MS / 2;
	enrich_tick(E(f), now);
	assert_non_null(proctable_current(t, 902));
	now += GONE_GRACE_MS;
	enrich_tick(E(f), now);
	assert_null(proctable_current(t, 902));
	/* A gone parent of a live child stays, reachable from the child only. */
	assert_null(proctable_current(t, 900));
	out = other_ev(f, 1, 901, 900, "child", "/usr/bin/child");
	check_start_key(&out->pid.key, start_ms(20));
	assert_true(out->ppid.present);
	check_start_key(&out->ppid.key, start_ms(10));
	assert_int_equal(out->n_ancestors, 2);
	assert_int_equal(out->ancestors[0].pid, 900);
	assert_int_equal(out->ancestors[1].pid, 1);

	/* When the child goes too, both go. */
	rm_proc(f, 901);
	now += EXPIRE_PERIOD_MS;
	enrich_tick(E(f), now);
	now += GONE_GRACE_MS + EXPIRE_PERIOD_MS;
	enrich_tick(E(f), now);
	assert_null(proctable_current(t, 901));
	assert_null(proctable_current(t, 900));
	assert_non_null(proctable_current(t, 1));
	assert_int_equal(proctable_size(t), 1);
}

/* Entries from events expire too; replaced (pre-exec) entries of live processes stay. */
static void test_expiry_events(void **state)
{
	struct fx *f = *state;
	struct proctable *t;
	const struct enrichment *out;
	uint64_t now = (T0 + 10) * 1000;

	put_proc(f, 100, 1, "python3", 10, "/usr/bin/python3");
	exec_ev(f, 1, 100, 1, "bash", "/usr/bin/bash");
	exec_ev(f, 2, 100, 1, "python3", "/usr/bin/python3");
	exec_ev(f, 3, 200, 1, "short", "/usr/bin/short");
	t = enrich_table(E(f));
	enrich_tick(E(f), now);
	now += GONE_GRACE_MS + EXPIRE_PERIOD_MS;
	enrich_tick(E(f), now);
	assert_null(proctable_current(t, 200));
	out = other_ev(f, 20, 100, 1, "python3", "/usr/bin/python3");
	check_proc(&out->pid, 100, 2, "/usr/bin/python3");
	check_proc(&out->spawned_by, 100, 1, "/usr/bin/bash");
	/* 200 again: a new process. */
	out = other_ev(f, 21, 200, 1, "short", "/usr/bin/short");
	check_proc(&out->pid, 200, 21, "/usr/bin/short");
}

/* --- limits --------------------------------------------------------------- */

static void test_limits(void **state)
{
	struct fx *f = *state;
	struct proctable *t;
	const struct proctable_stats *ps;
	const struct enrichment *out;
	unsigned n = 1;

	f->o.max_processes = 4;
	t = enrich_table(E(f));
	for (unsigned i = 0; i < 50; i++, n++) {
		out = exec_ev(f, n, 100 + i, i ? 100 + i - 1 : 1, "sh", "/bin/sh");
		assert_non_null(out);
		assert_true(proctable_size(t) <= 4);
	}
	ps = proctable_stats(t);
	assert_true(ps->full > 0);
	for (unsigned i = 0; i < 50; i++, n++) {
		fork_ev(f, n, NR_CLONE, 100 + i, 1, 300 + i, "sh", "/bin/sh");
		other_ev(f, ++n, 300 + i, 100 + i, "sh", "/bin/sh");
		assert_true(proctable_size(t) <= 4);
	}
	/* With expiry between the events (the proc root is empty: all are gone), old entries make room. */
	for (unsigned i = 0; i < 50; i++, n++) {
		enrich_tick(E(f), (T0 + n) * 1000);
		out = exec_ev(f, n, 500 + i, i ? 500 + i - 1 : 1, "sh", "/bin/sh");
		assert_true(proctable_size(t) <= 4);
	}
	assert_true(ps->evicted > 0 || ps->expired > 0);
	/* The newest process is known. */
	check_proc(&out->pid, 549, n - 1, "/bin/sh");
}

static void test_limit_zero(void **state)
{
	struct fx *f = *state;

	f->o.max_processes = 0;
	for (unsigned i = 1; i < 10; i++)
		exec_ev(f, i, 100 + i, 1, "sh", "/bin/sh");
	assert_true(proctable_size(enrich_table(E(f))) <= 1);
}

/* --- bad input ------------------------------------------------------------ */

static void check_no_process(struct fx *f, const struct enrichment *out)
{
	assert_non_null(out);
	assert_true(out->syscall);
	assert_false(out->pid.present);
	assert_false(out->ppid.present);
	assert_false(out->spawned_by.present);
	assert_int_equal(out->n_labels, 0);
	assert_int_equal(out->n_ancestors, 0);
	assert_int_equal(proctable_size(enrich_table(E(f))), 0);
}

/* Room for three 100 KB strings in one line. */
#define LINE_BIG (4 * 100000 + 1024)

#define BAD_SC(n, rest) L("type=SYSCALL msg=audit(%llu.000:%u): arch=" X86_64 " syscall=59 success=yes exit=0 %s", \
			  T0 + (n), (unsigned)(n), (rest))

static void test_bad_input(void **state)
{
	struct fx *f = *state;
	static const char *const keys[] = { "k" };
	const struct enrichment *out;
	size_t big = 100000;
	char *huge = malloc(big + 64), *line = malloc(LINE_BIG);

	assert_non_null(huge);
	assert_non_null(line);
	use_labels(f, keys, 1, keys, 1);
	add_rule(f, LABEL_ARGV, "a", "x");

	check_no_process(f, FEED(f, BAD_SC(1, "ppid=1 pid=abc comm=\"x\" exe=\"/x\" key=\"k\"")));
	check_no_process(f, FEED(f, BAD_SC(2, "pid=100 comm=\"x\" exe=\"/x\" key=\"k\"")));
	check_no_process(f, FEED(f, BAD_SC(3, "ppid=1 pid=4294967296 comm=\"x\" exe=\"/x\"")));
	check_no_process(f, FEED(f, BAD_SC(4, "ppid=-1 pid=100 comm=\"x\" exe=\"/x\"")));
	check_no_process(f, FEED(f, BAD_SC(5, "ppid=1 pid=\"100\" comm=\"x\" exe=\"/x\"")));
	check_no_process(f, FEED(f, BAD_SC(6, "ppid=1 pid=99999999999999999999999 comm=\"x\"")));
	check_no_process(f, FEED(f, BAD_SC(7, "ppid=1 pid= comm=\"x\"")));

	/* Odd or broken hex in strings: no crash. */
	out = FEED(f, BAD_SC(10, "ppid=1 pid=100 comm=ABC exe=ABC key=ABC"));
	assert_true(out->pid.present);
	out = FEED(f, BAD_SC(11, "ppid=1 pid=101 comm=(null) exe=(null) key=(null)"));
	assert_true(out->pid.present);
	assert_null(out->pid.exe);
	out = FEED(f, BAD_SC(12, "ppid=1 pid=102 comm=00 exe=0000 key=01"));
	assert_true(out->pid.present);

	/* Huge key, quoted and hex; huge comm and exe. */
	memset(huge, 'A', big);
	huge[big] = '\0';
	fmt(line, LINE_BIG, "type=SYSCALL msg=audit(%llu.000:20): arch=" X86_64 " syscall=257 success=yes "
	    "exit=0 ppid=1 pid=200 comm=\"%s\" exe=\"/%s\" key=\"%s\"", T0 + 20, huge, huge, huge);
	out = FEED(f, line);
	assert_true(out->pid.present);
	assert_int_equal(out->n_labels, 0);
	assert_true(strlen(out->pid.comm) < 16);
	fmt(line, LINE_BIG, "type=SYSCALL msg=audit(%llu.000:21): arch=" X86_64 " syscall=257 success=yes "
	    "exit=0 ppid=1 pid=201 comm=%s exe=%s key=%s", T0 + 21, huge, huge, huge);
	out = FEED(f, line);
	assert_true(out->pid.present);
	assert_int_equal(out->n_labels, 0);
	/* "k" then 8 KiB of separators and "k"s, hex-encoded. */
	{
		size_t len = 0;

		for (size_t i = 0; i < 8192; i++)
			len += (size_t)snprintf(huge + len, big - len, i % 2 ? "01" : "6B");
		fmt(line, LINE_BIG, "type=SYSCALL msg=audit(%llu.000:22): arch=" X86_64 " syscall=257 "
		    "success=yes exit=0 ppid=1 pid=202 comm=\"x\" exe=\"/x\" key=%s", T0 + 22, huge);
		out = FEED(f, line);
		assert_true(out->pid.present);
	}

	/* Odd syscall and arch fields. */
	out = FEED(f, L("type=SYSCALL msg=audit(%s): arch=zz syscall=59 success=yes exit=0 ppid=1 pid=300 "
			"comm=\"x\" exe=\"/x\"", AT(30)));
	check_proc(&out->pid, 300, 30, "/x");
	out = FEED(f, L("type=SYSCALL msg=audit(%s): arch=ffffffffffffffffff syscall=99999999999 success=yes exit=0 "
			"ppid=1 pid=301 comm=\"x\" exe=\"/x\"", AT(31)));
	check_proc(&out->pid, 301, 31, "/x");
	out = FEED(f, L("type=SYSCALL msg=audit(%s): syscall=59 success=yes exit=0 ppid=1 pid=302", AT(32)));
	assert_true(out->pid.present);
	out = FEED(f, L("type=SYSCALL msg=audit(%s): arch=40000003 syscall=11 success=yes exit=0 ppid=1 pid=303 "
			"comm=\"x\" exe=\"/x\"", AT(33)));
	assert_true(out->pid.present);

	/* Fork results that are no pid. */
	out = FEED(f, SC(40, NR_CLONE, "success=yes exit=-1", 300, 1, "x", "/x", "(null)"));
	out = FEED(f, SC(41, NR_CLONE, "success=yes exit=abc", 300, 1, "x", "/x", "(null)"));
	out = FEED(f, SC(42, NR_CLONE, "success=yes exit=4294967296", 300, 1, "x", "/x", "(null)"));
	out = FEED(f, SC(43, NR_CLONE, "success=yes exit=0", 300, 1, "x", "/x", "(null)"));
	out = FEED(f, SC(44, NR_CLONE, "success=yes", 300, 1, "x", "/x", "(null)"));
	assert_true(out->pid.present);

	/* EXECVE with an absurd argc, missing and huge args; PATH and CWD junk. */
	out = FEED(f, SC(50, NR_EXECVE, "success=yes exit=0", 400, 1, "x", "/x", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=4294967296 a0=\"x\" a2=\"y\"", AT(50)),
		   L("type=CWD msg=audit(%s): cwd=ZZZ", AT(50)),
		   L("type=PATH msg=audit(%s): item=0 name=(null) inode=abc", AT(50)),
		   L("type=PATH msg=audit(%s): item=0 name=\"x\" inode=", AT(50)));
	check_proc(&out->pid, 400, 50, "/x");
	assert_true(has_label(out, "a"));
	assert_null(out->script);
	/* An argc beyond any number: no argv labels, no crash. */
	out = FEED(f, SC(52, NR_EXECVE, "success=yes exit=0", 402, 1, "x", "/x", "(null)"),
		   L("type=EXECVE msg=audit(%s): argc=184467440737095516150 a0=\"x\"", AT(52)));
	check_proc(&out->pid, 402, 52, "/x");
	assert_false(has_label(out, "a"));
	fmt(line, LINE_BIG, "type=EXECVE msg=audit(%llu.000:51): argc=2 a0=%s a1=\"%s\"", T0 + 51, huge, huge);
	out = FEED(f, SC(51, NR_EXECVE, "success=yes exit=0", 401, 1, "x", "/x", "(null)"), line);
	check_proc(&out->pid, 401, 51, "/x");

	/* *pid fields that are no pids. */
	out = FEED(f, L("type=OBJ_PID msg=audit(%s): opid=abc", AT(60)),
		   L("type=OBJ_PID msg=audit(%s): opid=0", AT(60)),
		   L("type=OBJ_PID msg=audit(%s): opid=4294967296", AT(60)),
		   L("type=OBJ_PID msg=audit(%s): opid=\"5\"", AT(60)),
		   L("type=OBJ_PID msg=audit(%s): opid=", AT(60)));
	assert_null(out);
	free(huge);
	free(line);
}

/* Forty *pid fields: the first MAX_PIDOBJS of them, no overflow. */
static void test_many_pids(void **state)
{
	struct fx *f = *state;
	char line[4096];
	size_t len;
	const struct enrichment *out;

	len = (size_t)snprintf(line, sizeof(line), "type=USER_AVC msg=audit(%llu.000:1):", T0 + 1);
	for (unsigned i = 1; i <= 40; i++)
		len += (size_t)snprintf(line + len, sizeof(line) - len, " p%upid=%u", i, 1000 + i);
	out = FEED(f, line);
	assert_non_null(out);
	assert_int_equal(out->n_pids, MAX_PIDOBJS);
	for (size_t i = 0; i < out->n_pids; i++)
		assert_int_equal(out->pids[i].pid, 1001 + i);
}

/* A /proc tree with a cycle (a racy scan): no hang. */
static void test_scan_cycle(void **state)
{
	struct fx *f = *state;
	static const char *const prop[] = { "l" };
	const struct enrichment *out;

	use_labels(f, NULL, 0, prop, 1);
	add_rule(f, LABEL_EXE, "l", "/a$");
	put_proc(f, 10, 20, "a", 10, "/a");
	put_proc(f, 20, 10, "b", 20, "/b");
	f->o.ancestors = ENRICH_MAX_ANCESTORS;
	assert_int_equal(enrich_scan(E(f), T0_MS), 2);
	out = other_ev(f, 1, 20, 10, "b", "/b");
	assert_true(has_label(out, "l"));
	assert_true(out->n_ancestors <= ENRICH_MAX_ANCESTORS);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_exec_chain),
		T(test_ancestors_depth),
		T(test_ancestors_off),
		T(test_ancestors_max),
		T(test_exec_without_fork),
		T(test_logged_fork),
		T(test_fork_after_child_exec),
		T(test_fork_variants),
		T(test_pid_reuse),
		T(test_pid_reuse_exec),
		T(test_orphan),
		T(test_orphan_non_exec),
		T(test_from_proc),
		T(test_from_proc_younger),
		T(test_scan),
		T(test_scan_no_root),
		T(test_no_proc_read_known),
		T(test_no_proc_read_known_orphan),
		T(test_stale_events_no_proc),
		T(test_no_proc_read_exe_view),
		T(test_unseen_exec),
		T(test_label_keys_propagate),
		T(test_label_keys_hex),
		T(test_label_exe),
		T(test_label_exe_first_seen),
		T(test_label_argv),
		T(test_label_argv_count),
		T(test_label_argv_bytes),
		T(test_label_scan_propagate),
		T(test_label_init_not_propagated),
		T(test_label_init_events_only),
		T(test_label_script),
		T(test_container),
		T(test_container_fork),
		T(test_container_off),
		T(test_services),
		T(test_env_exact),
		T(test_env_prefix),
		T(test_env_none),
		T(test_env_off),
		T(test_script),
		T(test_script_parent_root),
		T(test_script_off),
		T(test_obj_pid),
		T(test_user_pid),
		T(test_uid_groups),
		T(test_expiry),
		T(test_expiry_events),
		T(test_limits),
		T(test_limit_zero),
		T(test_bad_input),
		T(test_many_pids),
		T(test_scan_cycle),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
