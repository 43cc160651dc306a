// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_assembler: records -> events. Records are made with
 * record_parse_line(); the callback copies what it is given (IDs, node,
 * record types in order, flags) so tests compare exact sequences.
 *
 * Covered: EOE, arrival in any order, nodes, the timeout (to the
 * millisecond), flush order, lone user-space records (64-record window
 * and 100 ms grace), a user record joined by kernel records with the same
 * ID (LAUREL's record-service-start case) becoming one event, EOE for an
 * unknown event, the per-event record limit, the open-event limit, and
 * assembler_next_deadline().
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"
#include "record.h"
#include "stats.h"

/* Must match src/assembler.c. */
#define MAX_RECORDS 4096
#define USER_WINDOW 64
#define USER_GRACE_MS 100
#define MAX_OPEN 65536

#define TIMEOUT 5000

#define MAX_EMITTED 256
#define MAX_TYPES 8

struct emitted {
	struct event_id id;
	char node[32];
	size_t node_len;
	size_t n_records;
	size_t records_dropped;
	bool timed_out;
	int types[MAX_TYPES];
};

struct sink {
	struct emitted ev[MAX_EMITTED];
	size_t n;
	size_t total; /* every event, also beyond MAX_EMITTED */
};

struct fixture {
	struct sink sink;
	struct stats stats;
	struct assembler *a;
};

static void on_emit(const struct event *ev, void *userdata)
{
	struct sink *s = userdata;
	struct emitted *e;
	size_t n = 0;

	s->total++;
	/* The list and the count agree, and every record has the event's ID. */
	for (const struct record *r = ev->records; r; r = r->next) {
		assert_int_equal(event_id_cmp(&r->id, &ev->id), 0);
		assert_int_equal(r->node_len, ev->node_len);
		n++;
	}
	assert_int_equal(n, ev->n_records);
	if (s->n == MAX_EMITTED)
		return;
	e = &s->ev[s->n++];
	*e = (struct emitted){ .id = ev->id, .n_records = ev->n_records,
			       .records_dropped = ev->records_dropped, .timed_out = ev->timed_out };
	if (ev->node) {
		assert_true(ev->node_len < sizeof(e->node));
		memcpy(e->node, ev->node, ev->node_len);
		e->node_len = ev->node_len;
	} else {
		assert_int_equal(ev->node_len, 0);
	}
	n = 0;
	for (const struct record *r = ev->records; r && n < MAX_TYPES; r = r->next)
		e->types[n++] = r->type;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->a = assembler_new(TIMEOUT, on_emit, &f->sink, &f->stats);
	if (!f->a) {
		free(f);
		return -1;
	}
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	assembler_free(f->a);
	free(f);
	return 0;
}

/* A record of TYPE_NAME with ID SEC.MSEC:SERIAL, on NODE (NULL: none). */
static struct record *rec(const char *type_name, uint64_t sec, unsigned msec, uint64_t serial,
			  const char *node)
{
	char line[256];
	int n;
	struct record *r = NULL;

	if (node)
		n = snprintf(line, sizeof(line), "node=%s type=%s msg=audit(%llu.%03u:%llu): a=1", node,
			     type_name, (unsigned long long)sec, msec, (unsigned long long)serial);
	else
		n = snprintf(line, sizeof(line), "type=%s msg=audit(%llu.%03u:%llu): a=1", type_name,
			     (unsigned long long)sec, msec, (unsigned long long)serial);
	assert_true(n > 0 && (size_t)n < sizeof(line));
	assert_int_equal(record_parse_line(line, (size_t)n, &r), 0);
	return r;
}

static void push(struct fixture *f, const char *type, uint64_t serial, uint64_t now)
{
	assembler_push(f->a, rec(type, 1700000000, 123, serial, NULL), now);
}

static void expect_event(const struct fixture *f, size_t i, uint64_t serial, bool timed_out,
			 size_t n_records, const int *types)
{
	const struct emitted *e;

	if (i >= f->sink.n)
		fail_msg("event %zu (serial %llu) not emitted: %zu events", i, (unsigned long long)serial,
			 f->sink.n);
	e = &f->sink.ev[i];
	if (e->id.serial != serial)
		fail_msg("event %zu: serial %llu, want %llu", i, (unsigned long long)e->id.serial,
			 (unsigned long long)serial);
	assert_int_equal(e->timed_out, timed_out);
	assert_int_equal(e->n_records, n_records);
	/* TYPES (0-terminated) is a prefix of the event's record types. */
	for (size_t k = 0; types && types[k] && k < n_records && k < MAX_TYPES; k++)
		if (e->types[k] != types[k])
			fail_msg("event %zu record %zu: type %d, want %d", i, k, e->types[k], types[k]);
}

/* ---- tests -------------------------------------------------------------- */

static void test_eoe_ends_event(void **state)
{
	struct fixture *f = *state;
	static const int types[] = { AUDIT_SYSCALL, AUDIT_PATH, AUDIT_PROCTITLE, 0 };

	push(f, "SYSCALL", 7, 0);
	push(f, "PATH", 7, 0);
	push(f, "PROCTITLE", 7, 1);
	assert_int_equal(f->sink.n, 0);
	assert_int_equal(assembler_open(f->a), 1);
	push(f, "EOE", 7, 2);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 7, false, 3, types);
	assert_int_equal(f->sink.ev[0].id.sec, 1700000000);
	assert_int_equal(f->sink.ev[0].id.msec, 123);
	assert_int_equal(f->sink.ev[0].node_len, 0);
	assert_int_equal(assembler_open(f->a), 0);
	assert_int_equal(f->stats.events_timed_out, 0);
	assert_int_equal(f->stats.records_ignored, 0);
	/* Nothing left for later. */
	assembler_expire(f->a, 1000000);
	assembler_flush(f->a);
	assert_int_equal(f->sink.n, 1);
}

static void test_any_order(void **state)
{
	struct fixture *f = *state;
	static const int a_types[] = { AUDIT_PATH, AUDIT_SYSCALL, AUDIT_CWD, 0 };
	static const int b_types[] = { AUDIT_PROCTITLE, AUDIT_SYSCALL, 0 };

	push(f, "PATH", 1, 0);
	push(f, "PROCTITLE", 2, 0);
	push(f, "SYSCALL", 1, 0);
	push(f, "SYSCALL", 2, 0);
	push(f, "CWD", 1, 0);
	assert_int_equal(assembler_open(f->a), 2);
	push(f, "EOE", 2, 0);
	push(f, "EOE", 1, 0);
	assert_int_equal(f->sink.n, 2);
	expect_event(f, 0, 2, false, 2, b_types);
	expect_event(f, 1, 1, false, 3, a_types);

	/* Same serial, different second or millisecond: different events. */
	assembler_push(f->a, rec("SYSCALL", 10, 1, 5, NULL), 0);
	assembler_push(f->a, rec("SYSCALL", 10, 2, 5, NULL), 0);
	assembler_push(f->a, rec("SYSCALL", 11, 1, 5, NULL), 0);
	assert_int_equal(assembler_open(f->a), 3);
	assembler_push(f->a, rec("EOE", 10, 2, 5, NULL), 0);
	assert_int_equal(f->sink.n, 3);
	assert_int_equal(f->sink.ev[2].id.sec, 10);
	assert_int_equal(f->sink.ev[2].id.msec, 2);
	assert_int_equal(assembler_open(f->a), 2);
}

static void test_nodes_separate(void **state)
{
	struct fixture *f = *state;

	assembler_push(f->a, rec("SYSCALL", 1, 0, 9, "alpha"), 0);
	assembler_push(f->a, rec("SYSCALL", 1, 0, 9, "beta"), 0);
	assembler_push(f->a, rec("SYSCALL", 1, 0, 9, NULL), 0);
	assembler_push(f->a, rec("PATH", 1, 0, 9, "beta"), 0);
	assembler_push(f->a, rec("PATH", 1, 0, 9, "alph"), 0);
	assert_int_equal(assembler_open(f->a), 4);

	assembler_push(f->a, rec("EOE", 1, 0, 9, "beta"), 0);
	assert_int_equal(f->sink.n, 1);
	assert_int_equal(f->sink.ev[0].node_len, 4);
	assert_memory_equal(f->sink.ev[0].node, "beta", 4);
	assert_int_equal(f->sink.ev[0].n_records, 2);

	assembler_push(f->a, rec("EOE", 1, 0, 9, NULL), 0);
	assert_int_equal(f->sink.n, 2);
	assert_int_equal(f->sink.ev[1].node_len, 0);
	assert_int_equal(f->sink.ev[1].n_records, 1);

	assembler_push(f->a, rec("EOE", 1, 0, 9, "alpha"), 0);
	assert_int_equal(f->sink.n, 3);
	assert_int_equal(f->sink.ev[2].node_len, 5);
	assert_memory_equal(f->sink.ev[2].node, "alpha", 5);
	assert_int_equal(f->sink.ev[2].n_records, 1);
	assert_int_equal(assembler_open(f->a), 1);

	/* A node that is a prefix of another is another node. */
	assembler_flush(f->a);
	assert_int_equal(f->sink.n, 4);
	assert_int_equal(f->sink.ev[3].node_len, 4);
	assert_memory_equal(f->sink.ev[3].node, "alph", 4);
}

static void test_timeout(void **state)
{
	struct fixture *f = *state;
	const uint64_t t0 = 1000;

	push(f, "SYSCALL", 1, t0);
	push(f, "PATH", 1, t0 + 10);
	push(f, "SYSCALL", 2, t0 + 2000);
	assert_int_equal(assembler_next_deadline(f->a), t0 + TIMEOUT);

	assembler_expire(f->a, t0);
	assembler_expire(f->a, t0 + TIMEOUT - 1);
	assert_int_equal(f->sink.n, 0);
	assert_int_equal(f->stats.events_timed_out, 0);

	/* The deadline counts from the first record, not the last. */
	assembler_expire(f->a, t0 + TIMEOUT);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 1, true, 2, (const int[]){ AUDIT_SYSCALL, AUDIT_PATH, 0 });
	assert_int_equal(f->stats.events_timed_out, 1);
	assert_int_equal(assembler_next_deadline(f->a), t0 + 2000 + TIMEOUT);

	/* A late EOE for the timed-out event is ignored. */
	push(f, "EOE", 1, t0 + TIMEOUT + 1);
	assert_int_equal(f->stats.records_ignored, 1);
	assert_int_equal(f->sink.n, 1);

	assembler_expire(f->a, t0 + 2000 + TIMEOUT - 1);
	assert_int_equal(f->sink.n, 1);
	assembler_expire(f->a, UINT64_MAX);
	assert_int_equal(f->sink.n, 2);
	expect_event(f, 1, 2, true, 1, NULL);
	assert_int_equal(f->stats.events_timed_out, 2);
	assert_int_equal(assembler_next_deadline(f->a), UINT64_MAX);
}

static void test_flush(void **state)
{
	struct fixture *f = *state;

	push(f, "SYSCALL", 30, 0);
	push(f, "SYSCALL", 10, 1);
	push(f, "PATH", 30, 2);
	push(f, "SYSCALL", 20, 3);
	push(f, "SYSCALL", 40, 4);
	push(f, "EOE", 40, 5);
	assert_int_equal(f->sink.n, 1);
	assembler_flush(f->a);
	assert_int_equal(f->sink.n, 4);
	expect_event(f, 1, 30, true, 2, NULL);
	expect_event(f, 2, 10, true, 1, NULL);
	expect_event(f, 3, 20, true, 1, NULL);
	assert_int_equal(f->stats.events_timed_out, 3);
	assert_int_equal(assembler_open(f->a), 0);
	assembler_flush(f->a);
	assert_int_equal(f->sink.n, 4);
}

static void test_user_window(void **state)
{
	struct fixture *f = *state;

	push(f, "USER_ACCT", 1, 0);
	assert_int_equal(f->sink.n, 0);
	/* 63 records of other events: still waiting for kernel records. */
	for (uint64_t i = 0; i < USER_WINDOW - 1; i++)
		push(f, "SYSCALL", 100 + i, 0);
	assert_int_equal(f->sink.n, 0);
	assert_int_equal(assembler_open(f->a), USER_WINDOW);
	/* The 64th: done. */
	push(f, "SYSCALL", 1000, 0);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 1, false, 1, (const int[]){ AUDIT_USER_ACCT, 0 });
	assert_int_equal(f->stats.events_timed_out, 0);
	assert_int_equal(assembler_open(f->a), USER_WINDOW);
}

static void test_user_grace(void **state)
{
	struct fixture *f = *state;

	push(f, "USER_ACCT", 1, 1000);
	push(f, "SYSCALL", 2, 1050);
	assert_int_equal(assembler_next_deadline(f->a), 1000 + USER_GRACE_MS);
	assembler_expire(f->a, 1000 + USER_GRACE_MS - 1);
	assert_int_equal(f->sink.n, 0);
	assembler_expire(f->a, 1000 + USER_GRACE_MS);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 1, false, 1, (const int[]){ AUDIT_USER_ACCT, 0 });
	assert_int_equal(f->stats.events_timed_out, 0);
	assert_int_equal(assembler_next_deadline(f->a), 1050 + TIMEOUT);

	/* Other user-space types: auditd's own records, 2100+. */
	push(f, "DAEMON_START", 3, 2000);
	push(f, "ANOM_LOGIN_FAILURES", 4, 2010);
	assembler_expire(f->a, 2000 + USER_GRACE_MS);
	assert_int_equal(f->sink.n, 2);
	expect_event(f, 1, 3, false, 1, (const int[]){ AUDIT_DAEMON_START, 0 });
	assembler_expire(f->a, 2010 + USER_GRACE_MS);
	assert_int_equal(f->sink.n, 3);
	expect_event(f, 2, 4, false, 1, NULL);
}

/* record-service-start.txt: SERVICE_START, then SYSCALL, SOCKADDR, 1420, EOE. */
static void test_user_then_kernel(void **state)
{
	struct fixture *f = *state;
	static const int types[] = { AUDIT_SERVICE_START, AUDIT_SYSCALL, AUDIT_SOCKADDR, 1420, 0 };

	push(f, "SERVICE_START", 4486226, 0);
	push(f, "SYSCALL", 4486226, 1);
	/* Now a kernel event: neither the window nor the grace time ends it. */
	for (uint64_t i = 0; i < 2 * USER_WINDOW; i++)
		push(f, "SYSCALL", 100 + i, 2);
	assembler_expire(f->a, 2 * USER_GRACE_MS);
	assert_int_equal(f->sink.n, 0);
	push(f, "SOCKADDR", 4486226, 3);
	push(f, "UNKNOWN[1420]", 4486226, 3);
	push(f, "EOE", 4486226, 4);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 4486226, false, 4, types);
	assert_int_equal(f->stats.records_ignored, 0);
	assert_int_equal(f->stats.events_timed_out, 0);
}

static void test_user_then_kernel_timeout(void **state)
{
	struct fixture *f = *state;

	/* The joined event ends by its timeout (from the user record) if no EOE comes. */
	push(f, "USER_ACCT", 1, 1000);
	push(f, "SYSCALL", 1, 1010);
	assembler_expire(f->a, 1000 + TIMEOUT - 1);
	assert_int_equal(f->sink.n, 0);
	assembler_expire(f->a, 1000 + TIMEOUT);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 1, true, 2, (const int[]){ AUDIT_USER_ACCT, AUDIT_SYSCALL, 0 });

	/* A user record joining an open kernel event just joins it. */
	push(f, "SYSCALL", 2, 7000);
	push(f, "USER_AVC", 2, 7000);
	push(f, "EOE", 2, 7001);
	assert_int_equal(f->sink.n, 2);
	expect_event(f, 1, 2, false, 2, (const int[]){ AUDIT_SYSCALL, AUDIT_USER_AVC, 0 });
}

static void test_user_eoe(void **state)
{
	struct fixture *f = *state;

	/* An EOE for a pending user record ends it at once. */
	push(f, "USER_CMD", 1, 0);
	push(f, "EOE", 1, 0);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 1, false, 1, (const int[]){ AUDIT_USER_CMD, 0 });
	assert_int_equal(assembler_next_deadline(f->a), UINT64_MAX);
	assert_int_equal(assembler_open(f->a), 0);
}

static void test_eoe_unknown(void **state)
{
	struct fixture *f = *state;

	push(f, "EOE", 1, 0);
	assert_int_equal(f->stats.records_ignored, 1);
	assert_int_equal(f->sink.n, 0);
	assert_int_equal(assembler_open(f->a), 0);

	push(f, "SYSCALL", 2, 0);
	push(f, "EOE", 2, 0);
	push(f, "EOE", 2, 0);
	assert_int_equal(f->sink.n, 1);
	assert_int_equal(f->stats.records_ignored, 2);
	assert_int_equal(assembler_open(f->a), 0);
}

static void test_too_many_records(void **state)
{
	struct fixture *f = *state;

	push(f, "SYSCALL", 1, 0);
	for (size_t i = 1; i < MAX_RECORDS + 3; i++)
		push(f, "EXECVE", 1, 0);
	assert_int_equal(f->sink.n, 0);
	assert_int_equal(f->stats.records_dropped, 3);
	push(f, "PATH", 1, 0);
	assert_int_equal(f->stats.records_dropped, 4);
	push(f, "EOE", 1, 0);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 1, false, MAX_RECORDS, (const int[]){ AUDIT_SYSCALL, AUDIT_EXECVE, 0 });
	assert_int_equal(f->sink.ev[0].records_dropped, 4);
	assert_int_equal(f->stats.events_truncated, 1);
	assert_int_equal(f->stats.records_dropped, 4);

	/* Exactly the limit: nothing dropped or truncated. */
	for (size_t i = 0; i < MAX_RECORDS; i++)
		push(f, "EXECVE", 2, 0);
	push(f, "EOE", 2, 0);
	expect_event(f, 1, 2, false, MAX_RECORDS, NULL);
	assert_int_equal(f->sink.ev[1].records_dropped, 0);
	assert_int_equal(f->stats.events_truncated, 1);
	assert_int_equal(f->stats.records_dropped, 4);
}

static void test_next_deadline(void **state)
{
	struct fixture *f = *state;

	assert_true(assembler_next_deadline(f->a) == UINT64_MAX);
	push(f, "SYSCALL", 1, 10);
	assert_int_equal(assembler_next_deadline(f->a), 10 + TIMEOUT);
	push(f, "SYSCALL", 2, 20);
	assert_int_equal(assembler_next_deadline(f->a), 10 + TIMEOUT);
	push(f, "USER_LOGIN", 3, 30);
	assert_int_equal(assembler_next_deadline(f->a), 30 + USER_GRACE_MS);
	push(f, "USER_LOGIN", 4, 40);
	assert_int_equal(assembler_next_deadline(f->a), 30 + USER_GRACE_MS);
	assembler_expire(f->a, 30 + USER_GRACE_MS);
	assert_int_equal(f->sink.n, 1);
	assert_int_equal(assembler_next_deadline(f->a), 40 + USER_GRACE_MS);
	push(f, "EOE", 1, 100);
	assert_int_equal(assembler_next_deadline(f->a), 40 + USER_GRACE_MS);
	assembler_expire(f->a, 40 + USER_GRACE_MS);
	assert_int_equal(assembler_next_deadline(f->a), 20 + TIMEOUT);
	push(f, "EOE", 2, 200);
	assert_true(assembler_next_deadline(f->a) == UINT64_MAX);
	assert_int_equal(f->sink.n, 4);
}

static void test_too_many_open(void **state)
{
	struct fixture *f = *state;

	for (uint64_t i = 0; i < MAX_OPEN; i++)
		push(f, "SYSCALL", i, i / 64);
	assert_int_equal(assembler_open(f->a), MAX_OPEN);
	assert_int_equal(f->sink.total, 0);
	/* One more: the oldest goes early. */
	push(f, "SYSCALL", MAX_OPEN, 2000);
	assert_int_equal(assembler_open(f->a), MAX_OPEN);
	assert_int_equal(f->stats.events_evicted, 1);
	assert_int_equal(f->sink.n, 1);
	expect_event(f, 0, 0, true, 1, NULL);
	/* The rest still complete normally. */
	push(f, "EOE", 1, 2000);
	expect_event(f, 1, 1, false, 1, NULL);
	push(f, "EOE", MAX_OPEN, 2000);
	expect_event(f, 2, MAX_OPEN, false, 1, NULL);
	assert_int_equal(assembler_open(f->a), MAX_OPEN - 2);
}

static void test_free_open(void **state)
{
	struct sink sink = { 0 };
	struct stats stats = { 0 };
	struct assembler *a = assembler_new(TIMEOUT, on_emit, &sink, &stats);

	(void)state;
	assert_non_null(a);
	assembler_push(a, rec("SYSCALL", 1, 0, 1, "n"), 0);
	assembler_push(a, rec("PATH", 1, 0, 1, "n"), 0);
	assembler_push(a, rec("USER_ACCT", 1, 0, 2, NULL), 0);
	assert_int_equal(assembler_open(a), 2);
	assembler_free(a);
	assert_int_equal(sink.total, 0);
	assembler_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_eoe_ends_event),
		T(test_any_order),
		T(test_nodes_separate),
		T(test_timeout),
		T(test_flush),
		T(test_user_window),
		T(test_user_grace),
		T(test_user_then_kernel),
		T(test_user_then_kernel_timeout),
		T(test_user_eoe),
		T(test_eoe_unknown),
		T(test_too_many_records),
		T(test_next_deadline),
		T(test_too_many_open),
		cmocka_unit_test(test_free_open),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
