// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * keyset: "have I emitted this key already?" in O(1). The table is sized
 * for twice the expected keys and grows by doubling past 3/4 full.
 */
#include "config.h"

#include "keyset.h"

#include <stdlib.h>
#include <string.h>

static uint32_t fnv1a(const char *s, size_t len)
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)s[i]) * 16777619u;
	return h;
}

static bool keyset_alloc(struct keyset *ks, size_t size)
{
	if (size <= KEYSET_INLINE) {
		memset(ks->inline_slots, 0, sizeof(ks->inline_slots));
		ks->slots = ks->inline_slots;
		ks->mask = KEYSET_INLINE - 1;
		return true;
	}
	ks->slots = calloc(size, sizeof(*ks->slots));
	ks->mask = size - 1;
	return ks->slots != NULL;
}

bool keyset_init(struct keyset *ks, size_t expected)
{
	size_t size = KEYSET_INLINE;

	while (size < expected * 2)
		size *= 2;
	ks->n = 0;
	return keyset_alloc(ks, size);
}

void keyset_done(struct keyset *ks)
{
	if (ks->slots != ks->inline_slots)
		free(ks->slots);
	ks->slots = NULL;
}

static void keyset_insert(struct keyset *ks, const struct keyset_slot *s)
{
	size_t i = s->hash & ks->mask;

	while (ks->slots[i].key)
		i = (i + 1) & ks->mask;
	ks->slots[i] = *s;
	ks->n++;
}

static bool keyset_grow(struct keyset *ks)
{
	struct keyset_slot *old = ks->slots;
	size_t old_size = ks->mask + 1;
	struct keyset_slot *copy = old;

	if (old == ks->inline_slots) {
		copy = malloc(sizeof(ks->inline_slots));
		if (!copy)
			return false;
		memcpy(copy, old, sizeof(ks->inline_slots));
	}
	if (!keyset_alloc(ks, old_size * 2)) {
		if (copy != old)
			free(copy);
		ks->slots = old;
		ks->mask = old_size - 1;
		return false;
	}
	ks->n = 0;
	for (size_t i = 0; i < old_size; i++)
		if (copy[i].key)
			keyset_insert(ks, &copy[i]);
	free(copy);
	return true;
}

bool keyset_add(struct keyset *ks, const char *key, size_t len)
{
	struct keyset_slot s = { key, (uint32_t)len, fnv1a(key, len) };
	size_t i = s.hash & ks->mask;

	for (; ks->slots[i].key; i = (i + 1) & ks->mask)
		if (ks->slots[i].hash == s.hash && ks->slots[i].len == len &&
		    memcmp(ks->slots[i].key, key, len) == 0)
			return false;
	if ((ks->n + 1) * 4 > (ks->mask + 1) * 3) {
		if (!keyset_grow(ks))
			return false;
	}
	keyset_insert(ks, &s);
	return true;
}
