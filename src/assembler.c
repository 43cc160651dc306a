// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * assembler: records -> events, keyed by (node, timestamp, serial).
 *
 * Policy:
 *  - an event ends at its EOE record;
 *  - a user-space record that opens an event (user messages get no EOE
 *    unless the sender was inside an audited syscall, in which case its
 *    SYSCALL/... records and an EOE follow with the same ID) stays open
 *    only until ASSEMBLER_USER_WINDOW records of other events have
 *    arrived, or ASSEMBLER_USER_GRACE_MS have passed; if a kernel record
 *    joins it within that window it becomes an ordinary event. This is how
 *    we avoid LAUREL's two events with one ID;
 *  - any other event ends TIMEOUT_MS after its first record;
 *  - at most ASSEMBLER_MAX_OPEN_EVENTS are open: opening one more emits the
 *    oldest early (counted as evicted);
 *  - at most ASSEMBLER_MAX_RECORDS records per event: the rest are dropped
 *    and counted, and the event is emitted with what it has.
 * Open events sit in a hash table and in a list in creation order, which is
 * also deadline order, so expiry looks only at the head.
 */
#include "config.h"

#include "assembler.h"

#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

/* Open events; beyond this the oldest is emitted early. */
#define ASSEMBLER_MAX_OPEN_EVENTS 65536
/* Records per event: a 2 MiB command line is ~300 EXECVE records. */
#define ASSEMBLER_MAX_RECORDS 4096
/* Records of other events after which a lone user-space record is done. */
#define ASSEMBLER_USER_WINDOW 64
/* Time after which a lone user-space record is done. */
#define ASSEMBLER_USER_GRACE_MS 100
/* Hash buckets (power of two). */
#define ASSEMBLER_BUCKETS 65536

struct open_event {
	struct event pub;
	struct record *tail;
	uint64_t deadline;
	uint64_t user_until;       /* arrivals count that ends a user-pending event */
	uint64_t user_deadline;
	bool user_pending;
	uint32_t hash;
	struct open_event *hnext;  /* hash chain */
	struct open_event *prev, *next;   /* all open events, creation order */
	struct open_event *uprev, *unext; /* user-pending events, creation order */
};

struct list {
	struct open_event *head, *tail;
};

struct assembler {
	uint64_t timeout_ms;
	assembler_emit_fn emit;
	void *userdata;
	struct stats *stats;
	size_t n_open;
	uint64_t arrivals;
	struct list all;
	struct list user;
	struct open_event *buckets[ASSEMBLER_BUCKETS];
};

struct assembler *assembler_new(uint64_t timeout_ms, assembler_emit_fn emit, void *userdata,
				struct stats *stats)
{
	struct assembler *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	a->timeout_ms = timeout_ms;
	a->emit = emit;
	a->userdata = userdata;
	a->stats = stats;
	return a;
}

static void free_records(struct record *r)
{
	while (r) {
		struct record *next = r->next;

		record_free(r);
		r = next;
	}
}

void assembler_free(struct assembler *a)
{
	struct open_event *e, *next;

	if (!a)
		return;
	for (e = a->all.head; e; e = next) {
		next = e->next;
		free_records(e->pub.records);
		free(e);
	}
	free(a);
}

static uint32_t event_hash(const struct event_id *id, const char *node, size_t node_len)
{
	uint64_t h = id->serial * 0x9e3779b97f4a7c15ull ^ (id->sec * 1000 + id->msec);

	for (size_t i = 0; i < node_len; i++)
		h = (h ^ (uint8_t)node[i]) * 0x100000001b3ull;
	h ^= h >> 29;
	return (uint32_t)h;
}

static struct open_event *lookup(struct assembler *a, uint32_t hash, const struct event_id *id,
				 const char *node, size_t node_len)
{
	for (struct open_event *e = a->buckets[hash & (ASSEMBLER_BUCKETS - 1)]; e; e = e->hnext)
		if (e->hash == hash && event_id_cmp(&e->pub.id, id) == 0 &&
		    e->pub.node_len == node_len && (!node_len || memcmp(e->pub.node, node, node_len) == 0))
			return e;
	return NULL;
}

#define LIST_APPEND(l, e, P, N)            \
	do {                               \
		(e)->P = (l)->tail;        \
		(e)->N = NULL;             \
		if ((l)->tail)             \
			(l)->tail->N = (e); \
		else                       \
			(l)->head = (e);   \
		(l)->tail = (e);           \
	} while (0)

#define LIST_REMOVE(l, e, P, N)            \
	do {                               \
		if ((e)->P)                \
			(e)->P->N = (e)->N; \
		else                       \
			(l)->head = (e)->N; \
		if ((e)->N)                \
			(e)->N->P = (e)->P; \
		else                       \
			(l)->tail = (e)->P; \
	} while (0)

static void user_done(struct assembler *a, struct open_event *e)
{
	if (e->user_pending) {
		LIST_REMOVE(&a->user, e, uprev, unext);
		e->user_pending = false;
	}
}

/* Unlinks E, hands it to the callback, frees it. */
static void emit(struct assembler *a, struct open_event *e, bool timed_out)
{
	struct open_event **pp = &a->buckets[e->hash & (ASSEMBLER_BUCKETS - 1)];

	while (*pp != e)
		pp = &(*pp)->hnext;
	*pp = e->hnext;
	LIST_REMOVE(&a->all, e, prev, next);
	user_done(a, e);
	a->n_open--;

	e->pub.timed_out = timed_out;
	if (timed_out)
		a->stats->events_timed_out++;
	if (e->pub.records_dropped)
		a->stats->events_truncated++;
	a->emit(&e->pub, a->userdata);
	free_records(e->pub.records);
	free(e);
}

static void append(struct assembler *a, struct open_event *e, struct record *rec)
{
	if (e->pub.n_records >= ASSEMBLER_MAX_RECORDS) {
		e->pub.records_dropped++;
		a->stats->records_dropped++;
		record_free(rec);
		return;
	}
	rec->next = NULL;
	if (e->tail)
		e->tail->next = rec;
	else
		e->pub.records = rec;
	e->tail = rec;
	e->pub.n_records++;
}

void assembler_push(struct assembler *a, struct record *rec, uint64_t now_ms)
{
	const char *node = rec->node_len ? rec->text + rec->node : NULL;
	uint32_t hash = event_hash(&rec->id, node, rec->node_len);
	struct open_event *e = lookup(a, hash, &rec->id, node, rec->node_len);
	bool user = record_type_is_user(rec->type);

	a->arrivals++;
	if (rec->type == AUDIT_EOE) {
		if (e)
			emit(a, e, false);
		else
			a->stats->records_ignored++; /* an EOE for an event already gone */
		record_free(rec);
		goto done;
	}
	if (!e) {
		if (a->n_open >= ASSEMBLER_MAX_OPEN_EVENTS) {
			a->stats->events_evicted++;
			emit(a, a->all.head, true);
		}
		e = calloc(1, sizeof(*e));
		if (!e) {
			a->stats->records_dropped++;
			record_free(rec);
			goto done;
		}
		e->pub.id = rec->id;
		e->pub.node = node;
		e->pub.node_len = rec->node_len;
		e->hash = hash;
		e->deadline = now_ms + a->timeout_ms;
		e->hnext = a->buckets[hash & (ASSEMBLER_BUCKETS - 1)];
		a->buckets[hash & (ASSEMBLER_BUCKETS - 1)] = e;
		LIST_APPEND(&a->all, e, prev, next);
		a->n_open++;
		if (user) {
			e->user_pending = true;
			e->user_until = a->arrivals + ASSEMBLER_USER_WINDOW;
			e->user_deadline = now_ms + ASSEMBLER_USER_GRACE_MS;
			LIST_APPEND(&a->user, e, uprev, unext);
		}
	} else if (!user) {
		user_done(a, e); /* kernel records joined: wait for the EOE */
	}
	append(a, e, rec);
done:
	while (a->user.head && a->user.head->user_until <= a->arrivals)
		emit(a, a->user.head, false);
}

void assembler_expire(struct assembler *a, uint64_t now_ms)
{
	while (a->user.head && a->user.head->user_deadline <= now_ms)
		emit(a, a->user.head, false);
	while (a->all.head && a->all.head->deadline <= now_ms)
		emit(a, a->all.head, !a->all.head->user_pending);
}

void assembler_flush(struct assembler *a)
{
	while (a->all.head)
		emit(a, a->all.head, !a->all.head->user_pending);
}

size_t assembler_open(const struct assembler *a)
{
	return a->n_open;
}

uint64_t assembler_next_deadline(const struct assembler *a)
{
	uint64_t d = a->all.head ? a->all.head->deadline : UINT64_MAX;

	if (a->user.head && a->user.head->user_deadline < d)
		d = a->user.head->user_deadline;
	return d;
}
