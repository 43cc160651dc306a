// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * proctable: the process table as a pure data structure (no I/O).
 *
 * Entries live in a slot array; slot 0 is never used, so the zero
 * proc_ref is "none". Each slot has a generation, bumped when its entry is
 * freed, so a reference to a freed entry is stale (proctable_get() returns
 * NULL) even after the slot is reused. Freed slots go on a free list. The
 * array starts at PROCTABLE_INITIAL_SLOTS and doubles up to max_entries + 1;
 * it never shrinks (its high-water mark is what the host needed once and
 * may need again). Growing moves the entries: pointers are valid until the
 * next insert or expire, references forever.
 *
 * pid -> current entry is an open-addressing hash with linear probing,
 * kept at most half full (PROCTABLE_MAP_MAX_LOAD), doubling as needed;
 * deletion shifts the following run back, so there are no tombstones.
 *
 * Policies:
 * - Insert makes the new entry current for its pid; the entry it replaces
 *   stays until expiry (it may be a parent or a previous self).
 * - Expiry marks gone every entry that is not the current entry of a pid in
 *   ALIVE. An entry marked gone whose pid is alive again and that is still
 *   current is live again (gone = false): it is the same process, seen
 *   missing by a racy scan. Entries stay for GRACE_MS after they were first
 *   seen gone, and for as long as a kept entry reaches them through parent
 *   or previous_self (transitively), so a live process keeps its ancestry.
 *   A clock that goes backwards keeps entries (their age counts as 0).
 * - Expiry is O(entries + alive): ALIVE is matched through the hash (so
 *   it need not even be sorted), reachability is a mark phase with an
 *   explicit stack threaded through the slots (no recursion, no
 *   allocation), and only the gone entries are swept.
 * - When the table is full, insert evicts the entry that was marked gone
 *   first (for a clock that does not go backwards: the oldest
 *   gone_since_ms), in O(1): gone entries are kept on a list in the order
 *   they were marked. An entry current for a live pid is never gone, so
 *   never evicted; with no gone entry the insert is refused (stats.full).
 * - Strings are copied and cut: exe to PROCTABLE_MAX_EXE - 1 bytes,
 *   services to PROCTABLE_MAX_SERVICES bytes at a name boundary (no partial
 *   name is kept); each cut counts in stats.truncated.
 *
 * Memory per entry on x86_64 (glibc): struct proc is 208 bytes, its slot
 * 224 (struct pt_slot adds generation, flags and two list links); the hash
 * costs 8 bytes a bucket at 2-4 buckets per pid, 16-32 bytes; strings are
 * their bytes (path + NUL, the services list), plus malloc's 8-byte header
 * and 16-byte rounding, which proctable_memory() does not count. With full
 * arrays that is 224 + 16 + strings, about 300 bytes; right after a doubling
 * the arrays are up to half empty. Measured by test_proctable: 373 bytes
 * an entry at 100,000 entries (slot array at 131,072, hash at 262,144
 * buckets, a 34-byte exe and a 25-byte services list), i.e. 37 MB; a
 * 1,000,000-entry maximum can reach 300-450 MB.
 */
#include "config.h"

#include "proctable.h"

#include <assert.h>
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* Slots allocated by proctable_new(): enough for a quiet container. */
#define PROCTABLE_INITIAL_SLOTS 64
/* Hash buckets at first; the hash doubles to stay at most half full. */
#define PROCTABLE_MAP_INITIAL 128
/* Mappings per bucket, at most 1/PROCTABLE_MAP_MAX_LOAD: short probe runs. */
#define PROCTABLE_MAP_MAX_LOAD 2
/* Largest max_entries honoured: slot numbers are 32 bits, and this many
 * entries would take hundreds of GB anyway. */
#define PROCTABLE_MAX_ENTRIES_LIMIT (UINT32_MAX / 4)
/* Fibonacci hashing: pids are dense and sequential. */
#define PROCTABLE_HASH_MULT 2654435769u

/* pt_slot.flags */
#define SLOT_USED (1u << 0)  /* holds an entry */
#define SLOT_GONE (1u << 1)  /* on the gone list; mirrored in p.gone */
#define SLOT_ALIVE (1u << 2) /* expire: current entry of a pid in ALIVE */
#define SLOT_MARK (1u << 3)  /* expire: kept */

struct pt_slot {
	struct proc p; /* first: proctable_ref() maps back from &p */
	uint32_t gen;
	uint32_t flags;
	uint32_t next; /* gone list, or free list; 0 ends either */
	uint32_t link; /* expire's mark stack */
};

struct pt_bucket {
	uint32_t pid;
	uint32_t slot; /* 0: empty */
};

struct proctable {
	struct pt_slot *slots;
	size_t n_slots;  /* slots handed out at least once, slot 0 included */
	size_t cap;      /* slots allocated */
	size_t max;      /* entries allowed */
	size_t size;     /* entries */
	uint32_t free_head;
	uint32_t gone_head, gone_tail;

	struct pt_bucket *map;
	size_t map_cap;  /* power of two */
	unsigned map_bits;
	size_t n_mapped;

	size_t string_bytes;
	struct proctable_stats stats;
};

static size_t map_home(const struct proctable *t, uint32_t pid)
{
	return (uint32_t)(pid * PROCTABLE_HASH_MULT) >> (32 - t->map_bits);
}

static bool map_alloc(struct proctable *t, unsigned bits)
{
	struct pt_bucket *old = t->map;
	size_t old_cap = t->map_cap;

	t->map = calloc((size_t)1 << bits, sizeof(*t->map));
	if (!t->map) {
		t->map = old;
		return false;
	}
	t->map_cap = (size_t)1 << bits;
	t->map_bits = bits;
	for (size_t i = 0; i < old_cap; i++) {
		size_t j;

		if (!old[i].slot)
			continue;
		j = map_home(t, old[i].pid);
		while (t->map[j].slot)
			j = (j + 1) & (t->map_cap - 1);
		t->map[j] = old[i];
	}
	free(old);
	return true;
}

/* The bucket of PID, or the empty bucket where it would go. */
static size_t map_find(const struct proctable *t, uint32_t pid)
{
	size_t i = map_home(t, pid);

	while (t->map[i].slot && t->map[i].pid != pid)
		i = (i + 1) & (t->map_cap - 1);
	return i;
}

static uint32_t map_get(const struct proctable *t, uint32_t pid)
{
	return t->map[map_find(t, pid)].slot;
}

/* Needs room for one more mapping (map_reserve()). */
static void map_set(struct proctable *t, uint32_t pid, uint32_t slot)
{
	size_t i = map_find(t, pid);

	if (!t->map[i].slot)
		t->n_mapped++;
	assert(t->n_mapped * PROCTABLE_MAP_MAX_LOAD <= t->map_cap);
	t->map[i] = (struct pt_bucket){ .pid = pid, .slot = slot };
}

/* Backward-shift deletion: later members of the run move up into the hole
 * unless their home lies cyclically in (hole, their position]. */
static void map_del(struct proctable *t, uint32_t pid)
{
	size_t mask = t->map_cap - 1;
	size_t i = map_find(t, pid);
	size_t j = i;

	if (!t->map[i].slot)
		return;
	for (;;) {
		size_t k;

		j = (j + 1) & mask;
		if (!t->map[j].slot)
			break;
		k = map_home(t, t->map[j].pid);
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->map[i] = t->map[j];
		i = j;
	}
	t->map[i].slot = 0;
	t->n_mapped--;
}

static bool map_reserve(struct proctable *t)
{
	if ((t->n_mapped + 1) * PROCTABLE_MAP_MAX_LOAD <= t->map_cap)
		return true;
	return map_alloc(t, t->map_bits + 1);
}

/*
 * Returns a new, empty table of at most MAX_ENTRIES entries (clamped to
 * PROCTABLE_MAX_ENTRIES_LIMIT); free with proctable_free(). NULL only on
 * OOM.
 */
struct proctable *proctable_new(size_t max_entries)
{
	struct proctable *t = calloc(1, sizeof(*t));
	unsigned bits = 0;

	if (!t)
		return NULL;
	if (max_entries > PROCTABLE_MAX_ENTRIES_LIMIT)
		max_entries = PROCTABLE_MAX_ENTRIES_LIMIT;
	t->max = max_entries;
	t->cap = PROCTABLE_INITIAL_SLOTS;
	if (t->cap > max_entries + 1)
		t->cap = max_entries + 1;
	t->slots = malloc(t->cap * sizeof(*t->slots));
	if (!t->slots)
		goto fail;
	memset(&t->slots[0], 0, sizeof(t->slots[0]));
	t->n_slots = 1;
	while (((size_t)1 << bits) < PROCTABLE_MAP_INITIAL)
		bits++;
	if (!map_alloc(t, bits))
		goto fail;
	return t;
fail:
	free(t->slots);
	free(t);
	return NULL;
}

/* Frees T and every entry's strings. NULL-safe. */
void proctable_free(struct proctable *t)
{
	if (!t)
		return;
	for (size_t i = 1; i < t->n_slots; i++) {
		if (t->slots[i].flags & SLOT_USED) {
			free(t->slots[i].p.exe);
			free(t->slots[i].p.services);
		}
	}
	free(t->slots);
	free(t->map);
	free(t);
}

/* The entry PID maps to now, or NULL; borrowed until the next insert or expire. */
struct proc *proctable_current(struct proctable *t, uint32_t pid)
{
	uint32_t slot = map_get(t, pid);

	return slot ? &t->slots[slot].p : NULL;
}

/* The entry REF names, or NULL when REF is none or stale; borrowed like proctable_current(). */
struct proc *proctable_get(struct proctable *t, struct proc_ref ref)
{
	struct pt_slot *s;

	if (ref.slot == 0 || ref.slot >= t->n_slots)
		return NULL;
	s = &t->slots[ref.slot];
	if (!(s->flags & SLOT_USED) || s->gen != ref.gen)
		return NULL;
	return &s->p;
}

/* A reference to P, an entry of T (returned by this table, not yet moved); none for NULL. */
struct proc_ref proctable_ref(const struct proctable *t, const struct proc *p)
{
	const struct pt_slot *s;
	size_t i;

	if (!p)
		return (struct proc_ref){ 0, 0 };
	s = (const struct pt_slot *)((const char *)p - offsetof(struct pt_slot, p));
	i = (size_t)(s - t->slots);
	assert(i > 0 && i < t->n_slots && (s->flags & SLOT_USED));
	return (struct proc_ref){ .slot = (uint32_t)i, .gen = s->gen };
}

static void gone_append(struct proctable *t, uint32_t i)
{
	t->slots[i].next = 0;
	if (t->gone_tail)
		t->slots[t->gone_tail].next = i;
	else
		t->gone_head = i;
	t->gone_tail = i;
}

/* Frees entry I's strings, drops its mapping if it is current, bumps the
 * generation and puts the slot on the free list. Its gone-list link must
 * already be dropped by the caller. */
static void entry_free(struct proctable *t, uint32_t i)
{
	struct pt_slot *s = &t->slots[i];

	if (s->p.exe)
		t->string_bytes -= strlen(s->p.exe) + 1;
	if (s->p.services)
		t->string_bytes -= s->p.services_len;
	free(s->p.exe);
	free(s->p.services);
	if (map_get(t, s->p.pid) == i)
		map_del(t, s->p.pid);
	memset(&s->p, 0, sizeof(s->p));
	s->gen++;
	if (s->gen == 0) /* never 0, so {slot, 0} is never valid */
		s->gen = 1;
	s->flags = 0;
	s->next = t->free_head;
	t->free_head = i;
	t->size--;
}

/* Copies EXE, cut to PROCTABLE_MAX_EXE - 1 bytes. 0 or -ENOMEM. */
static int copy_exe(struct proctable *t, const char *exe, char **ret)
{
	size_t len;

	*ret = NULL;
	if (!exe)
		return 0;
	len = strnlen(exe, PROCTABLE_MAX_EXE);
	if (len >= PROCTABLE_MAX_EXE) {
		len = PROCTABLE_MAX_EXE - 1;
		t->stats.truncated++;
	}
	*ret = malloc(len + 1);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, exe, len);
	(*ret)[len] = '\0';
	return 0;
}

/*
 * Copies the first LEN bytes of the NUL-separated list SERVICES, cut to
 * PROCTABLE_MAX_SERVICES bytes after the last whole name (a list that
 * does not end in NUL loses its unterminated tail too, and counts as
 * cut). 0 or -ENOMEM; an empty result is NULL with length 0.
 */
static int copy_services(struct proctable *t, const char *services, size_t len, char **ret,
			 size_t *ret_len)
{
	size_t keep = len;

	*ret = NULL;
	*ret_len = 0;
	if (!services || len == 0)
		return 0;
	if (keep > PROCTABLE_MAX_SERVICES)
		keep = PROCTABLE_MAX_SERVICES;
	while (keep > 0 && services[keep - 1] != '\0')
		keep--;
	if (keep < len)
		t->stats.truncated++;
	if (keep == 0)
		return 0;
	*ret = malloc(keep);
	if (!*ret)
		return -ENOMEM;
	memcpy(*ret, services, keep);
	*ret_len = keep;
	return 0;
}

/* A slot for a new entry: from the free list, fresh, or after growing. 0 on OOM. */
static uint32_t slot_take(struct proctable *t)
{
	uint32_t i = t->free_head;

	if (i) {
		t->free_head = t->slots[i].next;
		return i;
	}
	if (t->n_slots == t->cap) {
		size_t cap = t->cap * 2;
		struct pt_slot *slots;

		if (cap > t->max + 1)
			cap = t->max + 1;
		assert(cap > t->cap);
		slots = realloc(t->slots, cap * sizeof(*slots));
		if (!slots)
			return 0;
		t->slots = slots;
		t->cap = cap;
	}
	i = (uint32_t)t->n_slots++;
	t->slots[i].gen = 1;
	return i;
}

/*
 * Adds a copy of TMPL (strings copied and cut, bookkeeping reset, refs as
 * given) as the current entry of TMPL->pid; TMPL may be an entry of T.
 * When full, evicts the longest-gone entry, or refuses (stats.full).
 * Returns the new entry (borrowed until the next insert or expire), or
 * NULL when refused or on OOM.
 */
struct proc *proctable_insert(struct proctable *t, const struct proc *tmpl, uint64_t now_ms)
{
	struct proc p = *tmpl; /* TMPL may be evicted or moved below */
	char *exe = NULL, *services = NULL;
	size_t services_len = 0;
	struct pt_slot *s;
	uint32_t i;

	(void)now_ms; /* entries are born live; time matters once they are gone */
	if (t->size >= t->max && !t->gone_head) {
		t->stats.full++;
		return NULL;
	}
	if (copy_exe(t, p.exe, &exe) < 0 ||
	    copy_services(t, p.services, p.services_len, &services, &services_len) < 0 ||
	    !map_reserve(t))
		goto fail;
	if (t->size >= t->max) {
		/* Nothing below can fail once an entry is gone for good. */
		i = t->gone_head;
		t->gone_head = t->slots[i].next;
		if (!t->gone_head)
			t->gone_tail = 0;
		entry_free(t, i);
		t->stats.evicted++;
	}
	i = slot_take(t);
	if (!i)
		goto fail;

	s = &t->slots[i];
	s->p = p;
	s->p.exe = exe;
	s->p.services = services;
	s->p.services_len = services_len;
	s->p.gone = false;
	s->p.gone_since_ms = 0;
	s->flags = SLOT_USED;
	s->next = 0;
	s->link = 0;
	if (exe)
		t->string_bytes += strlen(exe) + 1;
	t->string_bytes += services_len;
	map_set(t, p.pid, i);
	t->size++;
	t->stats.inserted++;
	return &s->p;
fail:
	free(exe);
	free(services);
	return NULL;
}

/* Marks slot I kept and pushes it on the mark stack, unless it already is. */
static void mark_push(struct proctable *t, uint32_t i, uint32_t *stack)
{
	struct pt_slot *s = &t->slots[i];

	if (s->flags & SLOT_MARK)
		return;
	s->flags |= SLOT_MARK;
	s->link = *stack;
	*stack = i;
}

/* Pushes what REF names, when it is a valid entry. */
static void mark_ref(struct proctable *t, struct proc_ref ref, uint32_t *stack)
{
	if (proctable_get(t, ref))
		mark_push(t, ref.slot, stack);
}

/*
 * Marks gone what is not the current entry of a pid in ALIVE (N_ALIVE
 * pids; sorted or not), then frees the entries gone GRACE_MS or longer
 * at NOW_MS that no kept entry reaches through parent or previous_self.
 * O(entries + N_ALIVE).
 */
void proctable_expire(struct proctable *t, const uint32_t *alive, size_t n_alive, uint64_t now_ms,
		      uint64_t grace_ms)
{
	uint32_t stack = 0, prev = 0, i;

	/* 1. Gone or not: flag the current entries of alive pids. */
	for (size_t k = 0; k < n_alive; k++) {
		i = map_get(t, alive[k]);
		if (i)
			t->slots[i].flags |= SLOT_ALIVE;
	}
	for (i = 1; i < t->n_slots; i++) {
		struct pt_slot *s = &t->slots[i];

		if (!(s->flags & SLOT_USED))
			continue;
		if (s->flags & SLOT_ALIVE) {
			/* Stays on the gone list until the sweep drops it. */
			s->flags &= ~SLOT_GONE;
			s->p.gone = false;
			s->p.gone_since_ms = 0;
		} else if (!(s->flags & SLOT_GONE)) {
			s->flags |= SLOT_GONE;
			s->p.gone = true;
			s->p.gone_since_ms = now_ms;
			gone_append(t, i);
		}
		s->flags &= ~(SLOT_ALIVE | SLOT_MARK);
	}

	/* 2. Mark: roots are live or recently gone; then their ancestry. */
	for (i = 1; i < t->n_slots; i++) {
		struct pt_slot *s = &t->slots[i];

		if (!(s->flags & SLOT_USED))
			continue;
		if (!(s->flags & SLOT_GONE) || now_ms < s->p.gone_since_ms ||
		    now_ms - s->p.gone_since_ms < grace_ms)
			mark_push(t, i, &stack);
		while (stack) {
			struct pt_slot *top = &t->slots[stack];

			stack = top->link;
			mark_ref(t, top->p.parent, &stack);
			mark_ref(t, top->p.previous_self, &stack);
		}
	}

	/*
	 * 3. Sweep the gone list, keeping its order, except that entries
	 * kept only as the ancestry of live ones move behind the others:
	 * eviction takes them last, so a burst of short-lived processes
	 * cannot erase a live process's parents.
	 */
	{
		uint32_t anc_head = 0, anc_tail = 0;

		i = t->gone_head;
		while (i) {
			struct pt_slot *s = &t->slots[i];
			uint32_t next = s->next;
			bool drop = !(s->flags & SLOT_GONE) || !(s->flags & SLOT_MARK);
			bool ancestry = !drop && now_ms >= s->p.gone_since_ms &&
					now_ms - s->p.gone_since_ms >= grace_ms;

			if (drop || ancestry) {
				if (prev)
					t->slots[prev].next = next;
				else
					t->gone_head = next;
			}
			if (drop) {
				if (s->flags & SLOT_GONE) {
					entry_free(t, i);
					t->stats.expired++;
				}
			} else if (ancestry) {
				/*
				 * Past the grace period it no longer answers for its
				 * pid, which a new process may have by now.
				 */
				if (map_get(t, s->p.pid) == i)
					map_del(t, s->p.pid);
				s->next = 0;
				if (anc_tail)
					t->slots[anc_tail].next = i;
				else
					anc_head = i;
				anc_tail = i;
			} else {
				prev = i;
			}
			i = next;
		}
		t->gone_tail = prev;
		if (anc_head) {
			if (prev)
				t->slots[prev].next = anc_head;
			else
				t->gone_head = anc_head;
			t->gone_tail = anc_tail;
		}
	}
}

/* Number of entries, live and gone. */
size_t proctable_size(const struct proctable *t)
{
	return t->size;
}

/* Bytes held: the table, its slot array and hash as allocated, and the strings. */
size_t proctable_memory(const struct proctable *t)
{
	return sizeof(*t) + t->cap * sizeof(*t->slots) + t->map_cap * sizeof(*t->map) +
	       t->string_bytes;
}

/* Counters since proctable_new(); borrowed for T's lifetime. */
const struct proctable_stats *proctable_stats(const struct proctable *t)
{
	return &t->stats;
}
