// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * Unit tests for proctable: lookups, exec and pid reuse, stale references,
 * expiry (grace, ancestry, cycles), limits and eviction, string limits, a
 * 100k-entry consistency run against a reference array, and memory
 * accounting. test_many prints the measured bytes per entry as a TAP
 * comment.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "proctable.h"

/* Large enough never to expire anything in a test that does not mean to. */
#define FOREVER_MS UINT64_C(1000000000000)
/* Entries of the consistency run. */
#define MANY 100000u
/* A typical exe path and one service, for the memory measurement. */
#define TYPICAL_EXE "/usr/lib/systemd/systemd-journald"
#define TYPICAL_SERVICE "systemd-journald.service"
/* A long ancestry chain: deep recursion would show under the sanitizers. */
#define LONG_CHAIN 50000u
/* An empty table, whatever its maximum: a few initial slots and buckets. */
#define SMALL_TABLE_BYTES (64 * 1024)

static struct proc mk(uint32_t pid, uint64_t start_ms)
{
	struct proc p = { 0 };

	p.pid = pid;
	p.key.start_ms = start_ms;
	p.origin = PROC_FROM_PROC;
	snprintf(p.comm, sizeof(p.comm), "p%u", (unsigned)pid);
	return p;
}

static struct proc *add(struct proctable *t, uint32_t pid, uint64_t start_ms, struct proc_ref parent)
{
	struct proc p = mk(pid, start_ms);
	struct proc *r;

	p.parent = parent;
	r = proctable_insert(t, &p, 0);
	assert_non_null(r);
	return r;
}

static const struct proc_ref none = { 0, 0 };

static void test_insert_lookup(void **state)
{
	struct proctable *t = proctable_new(16);
	struct proc tmpl = mk(100, 1234);
	static char services[] = "a.service\0b.service";
	struct proc *p;
	struct proc_ref ref;

	assert_non_null(t);
	assert_int_equal(proctable_size(t), 0);
	assert_null(proctable_current(t, 100));
	assert_null(proctable_get(t, none));

	tmpl.ppid = 1;
	tmpl.labels = 0x5;
	tmpl.has_container = true;
	strcpy(tmpl.container, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
	tmpl.exe = (char *)"/usr/bin/sleep";
	tmpl.services = services;
	tmpl.services_len = sizeof(services);
	/* Bookkeeping in the template is ignored. */
	tmpl.gone = true;
	tmpl.gone_since_ms = 77;

	p = proctable_insert(t, &tmpl, 10);
	assert_non_null(p);
	assert_ptr_equal(proctable_current(t, 100), p);
	assert_null(proctable_current(t, 101));
	assert_int_equal(proctable_size(t), 1);
	assert_int_equal(proctable_stats(t)->inserted, 1);

	assert_int_equal(p->pid, 100);
	assert_int_equal(p->ppid, 1);
	assert_false(p->key.is_event);
	assert_int_equal(p->key.start_ms, 1234);
	assert_int_equal(p->labels, 0x5);
	assert_string_equal(p->comm, "p100");
	assert_true(p->has_container);
	assert_string_equal(p->container, tmpl.container);
	assert_false(p->gone);
	assert_int_equal(p->gone_since_ms, 0);
	/* Strings are copies. */
	assert_ptr_not_equal(p->exe, tmpl.exe);
	assert_string_equal(p->exe, "/usr/bin/sleep");
	assert_ptr_not_equal(p->services, services);
	assert_int_equal(p->services_len, sizeof(services));
	assert_memory_equal(p->services, services, sizeof(services));

	ref = proctable_ref(t, p);
	assert_int_not_equal(ref.slot, 0);
	assert_ptr_equal(proctable_get(t, ref), p);
	/* A made-up generation or slot is not an entry. */
	assert_null(proctable_get(t, (struct proc_ref){ ref.slot, ref.gen + 1 }));
	assert_null(proctable_get(t, (struct proc_ref){ ref.slot + 1, ref.gen }));
	assert_null(proctable_get(t, (struct proc_ref){ UINT32_MAX, ref.gen }));
	assert_int_equal(proctable_ref(t, NULL).slot, 0);
	proctable_free(t);
}

static void test_exec_replace(void **state)
{
	struct proctable *t = proctable_new(16);
	struct proc tmpl = mk(100, 0);
	struct proc *a, *b;
	struct proc_ref ra, rb;
	const uint32_t alive[] = { 100 };

	assert_non_null(t);
	tmpl.key.is_event = true;
	tmpl.key.event = (struct event_id){ .sec = 1, .msec = 2, .serial = 3 };
	tmpl.origin = PROC_FROM_FORK;
	tmpl.exe = (char *)"/bin/sh";
	a = proctable_insert(t, &tmpl, 0);
	assert_non_null(a);
	ra = proctable_ref(t, a);

	tmpl.key.event.serial = 4;
	tmpl.origin = PROC_FROM_EXEC;
	tmpl.exe = (char *)"/usr/bin/make";
	tmpl.previous_self = ra;
	b = proctable_insert(t, &tmpl, 0);
	assert_non_null(b);
	rb = proctable_ref(t, b);

	assert_int_equal(proctable_size(t), 2);
	b = proctable_current(t, 100);
	assert_ptr_equal(b, proctable_get(t, rb));
	assert_int_equal(b->key.event.serial, 4);
	assert_memory_equal(&b->previous_self, &ra, sizeof(ra));
	a = proctable_get(t, ra);
	assert_non_null(a);
	assert_string_equal(a->exe, "/bin/sh");
	assert_int_equal(a->key.event.serial, 3);

	/* No longer current: gone, but kept as B's previous self. */
	proctable_expire(t, alive, 1, 1000, 0);
	a = proctable_get(t, ra);
	assert_non_null(a);
	assert_true(a->gone);
	assert_int_equal(a->gone_since_ms, 1000);
	b = proctable_get(t, rb);
	assert_false(b->gone);
	assert_ptr_equal(proctable_current(t, 100), b);
	assert_int_equal(proctable_size(t), 2);
	assert_int_equal(proctable_stats(t)->expired, 0);
	proctable_free(t);
}

static void test_pid_reuse(void **state)
{
	struct proctable *t = proctable_new(16);
	struct proc *parent, *a, *b;
	struct proc_ref rparent, ra, rb;
	const uint32_t alive[] = { 1, 100 };

	assert_non_null(t);
	parent = add(t, 1, 10, none);
	rparent = proctable_ref(t, parent);
	a = add(t, 100, 1000, rparent);
	ra = proctable_ref(t, a);
	/* The pid is reused by an unrelated process: a new entry, new key. */
	b = add(t, 100, 2000, none);
	rb = proctable_ref(t, b);
	assert_true(ra.slot != rb.slot);

	b = proctable_current(t, 100);
	assert_ptr_equal(b, proctable_get(t, rb));
	assert_int_equal(b->key.start_ms, 2000);
	assert_null(proctable_get(t, b->parent));
	a = proctable_get(t, ra);
	assert_non_null(a);
	assert_int_equal(a->key.start_ms, 1000);
	assert_memory_equal(&a->parent, &rparent, sizeof(rparent));

	/* The old process is nobody's ancestor: it goes; the parent stays (alive). */
	proctable_expire(t, alive, 2, 5000, 0);
	assert_null(proctable_get(t, ra));
	assert_ptr_equal(proctable_current(t, 100), proctable_get(t, rb));
	assert_int_equal(proctable_current(t, 100)->key.start_ms, 2000);
	assert_non_null(proctable_get(t, rparent));
	assert_int_equal(proctable_size(t), 2);
	assert_int_equal(proctable_stats(t)->expired, 1);
	proctable_free(t);
}

static void test_stale_ref(void **state)
{
	struct proctable *t = proctable_new(16);
	struct proc *a, *c;
	struct proc_ref ra, rc;

	assert_non_null(t);
	a = add(t, 42, 1, none);
	ra = proctable_ref(t, a);
	proctable_expire(t, NULL, 0, 100, 0);
	assert_null(proctable_get(t, ra));
	assert_null(proctable_current(t, 42));
	assert_int_equal(proctable_size(t), 0);

	/* The slot is reused, with a new generation: the old ref stays stale. */
	c = add(t, 42, 2, none);
	rc = proctable_ref(t, c);
	assert_int_equal(rc.slot, ra.slot);
	assert_int_not_equal(rc.gen, ra.gen);
	assert_null(proctable_get(t, ra));
	assert_ptr_equal(proctable_get(t, rc), c);
	assert_ptr_equal(proctable_current(t, 42), c);
	proctable_free(t);
}

static void test_orphan(void **state)
{
	struct proctable *t = proctable_new(16);
	struct proc_ref rp, rc;
	const uint32_t alive[] = { 11 };

	assert_non_null(t);
	rp = proctable_ref(t, add(t, 10, 1, none));
	rc = proctable_ref(t, add(t, 11, 2, rp));

	/* The parent exits; the child lives on. */
	proctable_expire(t, alive, 1, 1000, 5000);
	assert_non_null(proctable_get(t, rp));
	assert_true(proctable_get(t, rp)->gone);
	assert_int_equal(proctable_get(t, rp)->gone_since_ms, 1000);

	/* Long past the grace period the parent stays, for the child. */
	proctable_expire(t, alive, 1, 100000, 5000);
	assert_non_null(proctable_get(t, rp));
	assert_int_equal(proctable_get(t, rp)->gone_since_ms, 1000);
	assert_false(proctable_get(t, rc)->gone);

	/* The child exits: both stay for the grace period, then go. */
	proctable_expire(t, NULL, 0, 200000, 5000);
	assert_non_null(proctable_get(t, rc));
	assert_non_null(proctable_get(t, rp));
	proctable_expire(t, NULL, 0, 204999, 5000);
	assert_non_null(proctable_get(t, rc));
	assert_non_null(proctable_get(t, rp));
	proctable_expire(t, NULL, 0, 205000, 5000);
	assert_null(proctable_get(t, rc));
	assert_null(proctable_get(t, rp));
	assert_int_equal(proctable_size(t), 0);
	assert_int_equal(proctable_stats(t)->expired, 2);
	proctable_free(t);
}

static void test_ancestry(void **state)
{
	struct proctable *t = proctable_new(16);
	struct proc_ref r1, r2, r3, r4, r5;
	const uint32_t alive[] = { 4 };

	assert_non_null(t);
	r1 = proctable_ref(t, add(t, 1, 1, none));
	r2 = proctable_ref(t, add(t, 2, 2, r1));
	r3 = proctable_ref(t, add(t, 3, 3, r2));
	r4 = proctable_ref(t, add(t, 4, 4, r3));
	r5 = proctable_ref(t, add(t, 5, 5, r4));

	proctable_expire(t, alive, 1, 0, 100);
	assert_int_equal(proctable_size(t), 5);
	assert_true(proctable_get(t, r5)->gone);
	proctable_expire(t, alive, 1, 100, 100);
	/* Gone ancestors 3, 2, 1 of live 4 stay; the gone leaf 5 goes. */
	assert_non_null(proctable_get(t, r1));
	assert_non_null(proctable_get(t, r2));
	assert_non_null(proctable_get(t, r3));
	assert_true(proctable_get(t, r1)->gone);
	assert_true(proctable_get(t, r3)->gone);
	assert_non_null(proctable_get(t, r4));
	assert_false(proctable_get(t, r4)->gone);
	assert_null(proctable_get(t, r5));
	assert_null(proctable_current(t, 5));
	/* Kept for 4's ancestry, but past the grace period no longer current for its pid. */
	assert_null(proctable_current(t, 3));
	assert_int_equal(proctable_size(t), 4);
	assert_int_equal(proctable_stats(t)->expired, 1);
	proctable_free(t);
}

static void test_long_chain_and_cycle(void **state)
{
	struct proctable *t = proctable_new(LONG_CHAIN + 8);
	struct proc_ref first, prev = none, ra, rb;
	struct proc *a, *b;
	const uint32_t alive[] = { LONG_CHAIN };
	const uint32_t alive2[] = { LONG_CHAIN, LONG_CHAIN + 1 };

	assert_non_null(t);
	first = proctable_ref(t, add(t, 1, 1, none));
	prev = first;
	for (uint32_t pid = 2; pid <= LONG_CHAIN; pid++)
		prev = proctable_ref(t, add(t, pid, pid, prev));
	proctable_expire(t, alive, 1, 0, 0);
	proctable_expire(t, alive, 1, 10, 0);
	assert_int_equal(proctable_size(t), LONG_CHAIN);
	assert_non_null(proctable_get(t, first));

	/* A cycle (a caller may set refs by hand) reachable from a live
	 * entry must not loop forever, and is freed once nothing keeps it. */
	a = add(t, LONG_CHAIN + 1, 1, none);
	ra = proctable_ref(t, a);
	b = add(t, LONG_CHAIN + 2, 1, ra);
	rb = proctable_ref(t, b);
	proctable_get(t, ra)->previous_self = rb;
	proctable_expire(t, alive2, 2, 20, 0);
	proctable_expire(t, alive2, 2, 30, 0);
	assert_non_null(proctable_get(t, ra));
	assert_non_null(proctable_get(t, rb));
	assert_true(proctable_get(t, rb)->gone);
	proctable_expire(t, alive, 1, 40, 0);
	assert_null(proctable_get(t, ra));
	assert_null(proctable_get(t, rb));
	assert_int_equal(proctable_size(t), LONG_CHAIN);
	/* The live leaf dies: the whole chain goes. */
	proctable_expire(t, NULL, 0, 50, 0);
	assert_int_equal(proctable_size(t), 0);
	assert_null(proctable_get(t, first));
	proctable_free(t);
}

static void test_grace(void **state)
{
	struct proctable *t = proctable_new(16);
	struct proc_ref r;

	assert_non_null(t);
	r = proctable_ref(t, add(t, 7, 1, none));
	proctable_expire(t, NULL, 0, 1000, 500);
	assert_non_null(proctable_get(t, r));
	/* Later expiries do not move gone_since_ms. */
	proctable_expire(t, NULL, 0, 1200, 500);
	assert_int_equal(proctable_get(t, r)->gone_since_ms, 1000);
	proctable_expire(t, NULL, 0, 1499, 500);
	assert_non_null(proctable_get(t, r));
	/* A clock that goes backwards keeps entries. */
	proctable_expire(t, NULL, 0, 10, 500);
	assert_non_null(proctable_get(t, r));
	proctable_expire(t, NULL, 0, 1500, 500);
	assert_null(proctable_get(t, r));
	assert_int_equal(proctable_stats(t)->expired, 1);
	proctable_free(t);
}

static void test_reappears(void **state)
{
	struct proctable *t = proctable_new(2);
	struct proc_ref r;
	const uint32_t alive[] = { 7 };
	struct proc p = mk(9, 1);

	assert_non_null(t);
	r = proctable_ref(t, add(t, 7, 1, none));
	add(t, 8, 1, none);
	/* A racy scan missed pid 7; it is back and still current: live again. */
	proctable_expire(t, NULL, 0, 1000, FOREVER_MS);
	assert_true(proctable_get(t, r)->gone);
	proctable_expire(t, alive, 1, 2000, FOREVER_MS);
	assert_false(proctable_get(t, r)->gone);
	assert_int_equal(proctable_get(t, r)->gone_since_ms, 0);
	/* So the only evictable entry is 8. */
	assert_non_null(proctable_insert(t, &p, 0));
	assert_non_null(proctable_get(t, r));
	assert_null(proctable_current(t, 8));
	assert_int_equal(proctable_stats(t)->evicted, 1);
	p.pid = 10;
	assert_null(proctable_insert(t, &p, 0));
	assert_int_equal(proctable_stats(t)->full, 1);
	/* Marked gone again later: a new gone_since_ms. */
	proctable_expire(t, NULL, 0, 3000, FOREVER_MS);
	assert_int_equal(proctable_get(t, r)->gone_since_ms, 3000);
	proctable_free(t);
}

/* Gone ancestors of live entries are evicted after every other gone entry. */
static void test_evict_ancestry_last(void **state)
{
	struct proctable *t = proctable_new(3);
	const uint32_t alive1[] = { 2, 3 };
	const uint32_t alive2[] = { 2 };
	struct proc_ref parent, child, leaf;
	struct proc p;

	assert_non_null(t);
	parent = proctable_ref(t, add(t, 1, 1, none));
	child = proctable_ref(t, add(t, 2, 2, parent));
	leaf = proctable_ref(t, add(t, 3, 3, none));
	proctable_expire(t, alive1, 2, 0, 100);   /* 1 gone since 0 */
	proctable_expire(t, alive2, 1, 100, 100); /* 3 gone since 100; 1 past grace, kept as 2's parent */
	assert_non_null(proctable_get(t, parent));
	assert_null(proctable_current(t, 1));
	assert_non_null(proctable_get(t, leaf));

	/* Full: the leaf goes, though the parent has been gone longer. */
	p = mk(4, 4);
	assert_non_null(proctable_insert(t, &p, 150));
	assert_null(proctable_get(t, leaf));
	assert_non_null(proctable_get(t, parent));
	assert_ptr_equal(proctable_get(t, proctable_get(t, child)->parent), proctable_get(t, parent));
	/* Then the parent, when nothing else is gone. */
	p = mk(5, 5);
	assert_non_null(proctable_insert(t, &p, 160));
	assert_null(proctable_get(t, parent));
	assert_int_equal(proctable_stats(t)->evicted, 2);
	proctable_free(t);
}

static void test_evict_longest_gone(void **state)
{
	struct proctable *t = proctable_new(4);
	struct proc_ref r[5];
	const uint32_t alive1[] = { 2, 3, 4 };
	const uint32_t alive2[] = { 3, 4 };
	const uint32_t alive3[] = { 3, 4, 5 };
	struct proc p;

	assert_non_null(t);
	for (uint32_t pid = 1; pid <= 4; pid++)
		r[pid] = proctable_ref(t, add(t, pid, pid, none));
	proctable_expire(t, alive1, 3, 100, FOREVER_MS);
	proctable_expire(t, alive2, 2, 200, FOREVER_MS);
	assert_int_equal(proctable_size(t), 4);

	/* Full: 1 (gone since 100) goes before 2 (gone since 200). */
	p = mk(5, 5);
	assert_non_null(proctable_insert(t, &p, 300));
	assert_null(proctable_get(t, r[1]));
	assert_null(proctable_current(t, 1));
	assert_non_null(proctable_get(t, r[2]));
	assert_int_equal(proctable_stats(t)->evicted, 1);
	assert_int_equal(proctable_size(t), 4);

	/* Replacing a current entry makes it gone only at the next expiry. */
	p = mk(3, 33);
	assert_non_null(proctable_insert(t, &p, 300));
	assert_null(proctable_get(t, r[2]));
	assert_non_null(proctable_get(t, r[3]));
	assert_int_equal(proctable_stats(t)->evicted, 2);

	/* 3's old entry, 4, 5 and 3's new entry: nothing gone, refused. */
	p = mk(6, 6);
	assert_null(proctable_insert(t, &p, 300));
	assert_int_equal(proctable_stats(t)->full, 1);
	assert_null(proctable_current(t, 6));

	proctable_expire(t, alive3, 3, 400, FOREVER_MS);
	assert_true(proctable_get(t, r[3])->gone);
	assert_non_null(proctable_insert(t, &p, 400));
	assert_null(proctable_get(t, r[3]));
	assert_int_equal(proctable_current(t, 3)->key.start_ms, 33);
	assert_int_equal(proctable_stats(t)->evicted, 3);
	assert_int_equal(proctable_size(t), 4);
	proctable_free(t);
}

static void test_all_live_refused(void **state)
{
	struct proctable *t = proctable_new(3);
	struct proctable *t0 = proctable_new(0);
	struct proc_ref r[4];
	const uint32_t alive[] = { 1, 2, 3 };
	struct proc p = mk(4, 4);

	assert_non_null(t);
	for (uint32_t pid = 1; pid <= 3; pid++)
		r[pid] = proctable_ref(t, add(t, pid, pid, none));
	proctable_expire(t, alive, 3, 100, 0);
	assert_null(proctable_insert(t, &p, 100));
	assert_null(proctable_insert(t, &p, 100));
	assert_int_equal(proctable_stats(t)->full, 2);
	assert_int_equal(proctable_stats(t)->evicted, 0);
	assert_int_equal(proctable_stats(t)->inserted, 3);
	assert_int_equal(proctable_size(t), 3);
	assert_null(proctable_current(t, 4));
	for (uint32_t pid = 1; pid <= 3; pid++)
		assert_ptr_equal(proctable_current(t, pid), proctable_get(t, r[pid]));
	proctable_free(t);

	assert_non_null(t0);
	assert_null(proctable_insert(t0, &p, 0));
	assert_int_equal(proctable_stats(t0)->full, 1);
	proctable_free(t0);
}

static void test_strings(void **state)
{
	struct proctable *t = proctable_new(16);
	char *exe = malloc(5000 + 1);
	char services[2 * PROCTABLE_MAX_SERVICES];
	size_t len = 0, boundary = 0;
	struct proc tmpl = mk(1, 1);
	struct proc *p;

	assert_non_null(t);
	assert_non_null(exe);
	memset(exe, 'x', 5000);
	exe[5000] = '\0';
	tmpl.exe = exe;
	p = proctable_insert(t, &tmpl, 0);
	assert_non_null(p);
	assert_int_equal(strlen(p->exe), PROCTABLE_MAX_EXE - 1);
	assert_memory_equal(p->exe, exe, PROCTABLE_MAX_EXE - 1);
	assert_int_equal(proctable_stats(t)->truncated, 1);

	/* Exactly at the limit: kept whole. */
	exe[PROCTABLE_MAX_EXE - 1] = '\0';
	p = proctable_insert(t, &tmpl, 0);
	assert_int_equal(strlen(p->exe), PROCTABLE_MAX_EXE - 1);
	assert_int_equal(proctable_stats(t)->truncated, 1);
	tmpl.exe = NULL;

	/* Names of 20 bytes with their NUL: 12 of them fill 240 of 256 bytes. */
	while (len + 20 <= sizeof(services)) {
		snprintf(services + len, 20, "unit-%02zu-xxx.service", len / 20);
		if (len + 20 <= PROCTABLE_MAX_SERVICES)
			boundary = len + 20;
		len += 20;
	}
	assert_int_equal(boundary, 240);
	tmpl.services = services;
	tmpl.services_len = len;
	p = proctable_insert(t, &tmpl, 0);
	assert_int_equal(p->services_len, boundary);
	assert_memory_equal(p->services, services, boundary);
	assert_int_equal(p->services[boundary - 1], '\0');
	assert_int_equal(proctable_stats(t)->truncated, 2);

	/* Exactly PROCTABLE_MAX_SERVICES bytes ending in NUL: kept whole. */
	memset(services, 'y', PROCTABLE_MAX_SERVICES - 1);
	services[PROCTABLE_MAX_SERVICES - 1] = '\0';
	tmpl.services_len = PROCTABLE_MAX_SERVICES;
	p = proctable_insert(t, &tmpl, 0);
	assert_int_equal(p->services_len, PROCTABLE_MAX_SERVICES);
	assert_int_equal(proctable_stats(t)->truncated, 2);

	/* One name longer than the limit: nothing is kept. */
	memset(services, 'z', sizeof(services));
	services[sizeof(services) - 1] = '\0';
	tmpl.services_len = sizeof(services);
	p = proctable_insert(t, &tmpl, 0);
	assert_null(p->services);
	assert_int_equal(p->services_len, 0);
	assert_int_equal(proctable_stats(t)->truncated, 3);

	/* An unterminated last name is dropped, not kept half. */
	memcpy(services, "a.service\0b.serv", 16);
	tmpl.services_len = 16;
	p = proctable_insert(t, &tmpl, 0);
	assert_int_equal(p->services_len, 10);
	assert_string_equal(p->services, "a.service");
	assert_int_equal(proctable_stats(t)->truncated, 4);
	free(exe);
	proctable_free(t);
}

static uint32_t next_rand(uint32_t *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 1;
}

static void test_many(void **state)
{
	struct proctable *t = proctable_new(2 * MANY);
	struct proc_ref *refs = calloc(MANY, sizeof(*refs));
	uint32_t *pids = calloc(MANY, sizeof(*pids));
	uint32_t *alive = calloc(MANY, sizeof(*alive));
	size_t n_alive = 0, before, per_entry;
	uint32_t seed = 1;
	struct proc tmpl = mk(0, 0);
	static char service[] = TYPICAL_SERVICE;

	assert_non_null(t);
	assert_non_null(refs);
	assert_non_null(pids);
	assert_non_null(alive);
	tmpl.exe = (char *)TYPICAL_EXE;
	tmpl.services = service;
	tmpl.services_len = sizeof(service);
	before = proctable_memory(t);

	/* Half dense pids (like a real pid space), half scattered ones. */
	for (uint32_t i = 0; i < MANY; i++) {
		pids[i] = i < MANY / 2 ? 300 + i : (next_rand(&seed) | (1u << 30)) ^ i;
		tmpl.pid = pids[i];
		tmpl.key.start_ms = i;
		refs[i] = proctable_ref(t, proctable_insert(t, &tmpl, 0));
		assert_int_not_equal(refs[i].slot, 0);
	}
	/* Scattered pids may repeat: the last insert is current. */
	for (uint32_t i = 0; i < MANY; i++) {
		struct proc *p = proctable_get(t, refs[i]);

		assert_non_null(p);
		assert_int_equal(p->key.start_ms, i);
		assert_int_equal(proctable_current(t, pids[i])->pid, pids[i]);
		assert_true(proctable_current(t, pids[i])->key.start_ms >= i);
	}
	assert_int_equal(proctable_size(t), MANY);
	per_entry = (proctable_memory(t) - before) / MANY;
	printf("# proctable: %u entries, %zu bytes, %zu bytes/entry (struct proc %zu, exe %zu, services %zu bytes)\n",
	       MANY, proctable_memory(t), per_entry, sizeof(struct proc), sizeof(TYPICAL_EXE),
	       sizeof(service));
	assert_true(per_entry < 1024);

	/* Every other index stays alive; the rest go, deleting their mappings. */
	for (uint32_t i = 0; i < MANY; i += 2)
		alive[n_alive++] = pids[i];
	proctable_expire(t, alive, n_alive, 1000, 0);
	for (uint32_t i = 0; i < MANY; i++) {
		struct proc *cur = proctable_current(t, pids[i]);
		struct proc *p = proctable_get(t, refs[i]);

		if (p) {
			/* Kept: current for a live pid. */
			assert_ptr_equal(cur, p);
			assert_false(p->gone);
		}
		if (i % 2 == 0) {
			assert_non_null(cur);
			assert_int_equal(cur->pid, pids[i]);
			assert_false(cur->gone);
		} else if (i < MANY / 2) {
			assert_null(p);
			assert_null(cur);
		}
	}
	for (uint32_t i = 0; i < MANY / 2; i += 2)
		assert_non_null(proctable_get(t, refs[i]));

	/* Refill over the holes, then check everything again. */
	for (uint32_t i = 1; i < MANY / 2; i += 2) {
		tmpl.pid = pids[i];
		tmpl.key.start_ms = MANY + i;
		refs[i] = proctable_ref(t, proctable_insert(t, &tmpl, 0));
	}
	for (uint32_t i = 0; i < MANY / 2; i++) {
		struct proc *p = proctable_get(t, refs[i]);

		assert_non_null(p);
		assert_ptr_equal(proctable_current(t, pids[i]), p);
		assert_int_equal(p->key.start_ms, i % 2 ? MANY + i : i);
	}
	proctable_free(t);
	free(refs);
	free(pids);
	free(alive);
}

static void test_memory(void **state)
{
	struct proctable *t = proctable_new(1000);
	struct proc tmpl = mk(0, 0);
	static char service[] = "x.service";
	size_t empty, full;

	assert_non_null(t);
	empty = proctable_memory(t);
	assert_true(empty > 0);
	tmpl.exe = (char *)"/bin/true";
	tmpl.services = service;
	tmpl.services_len = sizeof(service);
	for (uint32_t pid = 1; pid <= 10; pid++) {
		tmpl.pid = pid;
		assert_non_null(proctable_insert(t, &tmpl, 0));
	}
	full = proctable_memory(t);
	/* Ten entries fit the first arrays: the growth is the strings. */
	assert_int_equal(full - empty, 10 * (sizeof("/bin/true") + sizeof(service)));
	proctable_expire(t, NULL, 0, 0, 0);
	assert_int_equal(proctable_size(t), 0);
	assert_int_equal(proctable_memory(t), empty);

	/* Growing the arrays shows up; freeing strings still brings it down. */
	for (uint32_t pid = 1; pid <= 1000; pid++) {
		tmpl.pid = pid;
		assert_non_null(proctable_insert(t, &tmpl, 0));
	}
	full = proctable_memory(t);
	assert_true(full > empty + 1000 * sizeof(struct proc));
	proctable_expire(t, NULL, 0, 0, 0);
	assert_int_equal(proctable_memory(t), full - 1000 * (sizeof("/bin/true") + sizeof(service)));
	proctable_free(t);

	/* A big maximum is not allocated up front. */
	t = proctable_new(1000000);
	assert_non_null(t);
	assert_true(proctable_memory(t) < SMALL_TABLE_BYTES);
	proctable_free(t);
}

static void test_free_null(void **state)
{
	proctable_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_insert_lookup),
		cmocka_unit_test(test_exec_replace),
		cmocka_unit_test(test_pid_reuse),
		cmocka_unit_test(test_stale_ref),
		cmocka_unit_test(test_orphan),
		cmocka_unit_test(test_ancestry),
		cmocka_unit_test(test_long_chain_and_cycle),
		cmocka_unit_test(test_grace),
		cmocka_unit_test(test_reappears),
		cmocka_unit_test(test_evict_longest_gone),
		cmocka_unit_test(test_evict_ancestry_last),
		cmocka_unit_test(test_all_live_refused),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_memory),
		cmocka_unit_test(test_free_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
