/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A set of byte-string keys, to emit each key once. Open addressing on an
 * FNV-1a hash; keys are borrowed (the caller keeps them alive). Small sets
 * live in the embedded array, larger ones on the heap.
 */

#define KEYSET_INLINE 64

struct keyset_slot {
	const char *key;
	uint32_t len;
	uint32_t hash;
};

struct keyset {
	struct keyset_slot *slots;
	size_t mask;
	size_t n;
	struct keyset_slot inline_slots[KEYSET_INLINE];
};

/* Prepares an empty set for about EXPECTED keys; false on OOM. */
bool keyset_init(struct keyset *ks, size_t expected);
void keyset_done(struct keyset *ks);

/* Adds KEY; returns true if it was new, false if already present (or OOM). */
bool keyset_add(struct keyset *ks, const char *key, size_t len);
