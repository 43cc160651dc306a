// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_keyset: the "emitted this key already?" set. New and repeated keys,
 * growth from the inline table to the heap and on, sizing from the
 * expected count, and keys that differ only in length, in their last
 * byte, or after a NUL.
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

#include "keyset.h"

static bool add(struct keyset *ks, const char *k)
{
	return keyset_add(ks, k, strlen(k));
}

static void test_add_duplicate(void **state)
{
	struct keyset ks;

	(void)state;
	assert_true(keyset_init(&ks, 0));
	assert_ptr_equal(ks.slots, ks.inline_slots);
	assert_int_equal(ks.n, 0);
	assert_true(add(&ks, "uid"));
	assert_false(add(&ks, "uid"));
	assert_true(add(&ks, "gid"));
	assert_false(add(&ks, "uid"));
	assert_false(add(&ks, "gid"));
	assert_int_equal(ks.n, 2);
	/* Same text at another address is the same key. */
	{
		char copy[] = "uid";

		assert_false(keyset_add(&ks, copy, 3));
	}
	/* The empty key is a key. */
	assert_true(keyset_add(&ks, "", 0));
	assert_false(keyset_add(&ks, "", 0));
	assert_false(keyset_add(&ks, "x", 0));
	assert_int_equal(ks.n, 3);
	keyset_done(&ks);
}

static void test_same_prefix_length(void **state)
{
	struct keyset ks;
	const char *s = "abcdef";

	(void)state;
	assert_true(keyset_init(&ks, 8));
	/* Prefixes of one buffer: only the length tells them apart. */
	for (size_t len = 1; len <= 6; len++)
		assert_true(keyset_add(&ks, s, len));
	for (size_t len = 1; len <= 6; len++)
		assert_false(keyset_add(&ks, s, len));
	assert_false(keyset_add(&ks, "abc", 3));
	assert_true(keyset_add(&ks, "abd", 3));

	/* Same length, different last or first byte. */
	assert_true(add(&ks, "a0"));
	assert_true(add(&ks, "a1"));
	assert_true(add(&ks, "a2"));
	assert_true(add(&ks, "b0"));
	assert_false(add(&ks, "a1"));

	/* Bytes after a NUL count. */
	assert_true(keyset_add(&ks, "k\0x", 3));
	assert_true(keyset_add(&ks, "k\0y", 3));
	assert_false(keyset_add(&ks, "k\0x", 3));
	assert_true(keyset_add(&ks, "k", 1));
	assert_true(keyset_add(&ks, "k\0", 2));

	/* Case matters: UID is auditd's, uid the kernel's. */
	assert_true(add(&ks, "UID"));
	assert_true(add(&ks, "uid"));
	assert_int_equal(ks.n, 6 + 1 + 4 + 4 + 2);
	keyset_done(&ks);
}

#define MANY 1000

static void test_growth(void **state)
{
	static char keys[MANY][16];
	struct keyset ks;
	bool left_inline = false;

	(void)state;
	for (int i = 0; i < MANY; i++)
		snprintf(keys[i], sizeof(keys[i]), "a%d", i);
	assert_true(keyset_init(&ks, 0));
	for (int i = 0; i < MANY; i++) {
		assert_true(add(&ks, keys[i]));
		assert_int_equal(ks.n, (size_t)i + 1);
		/* Never more than 3/4 full. */
		assert_true(ks.n * 4 <= (ks.mask + 1) * 3);
		left_inline |= ks.slots != ks.inline_slots;
		/* Keys added before the last growth are still there. */
		if (i % 97 == 0)
			for (int j = 0; j <= i; j++)
				assert_false(add(&ks, keys[j]));
	}
	assert_true(left_inline);
	assert_true(ks.slots != ks.inline_slots);
	/* Power-of-two size. */
	assert_int_equal((ks.mask + 1) & ks.mask, 0);
	assert_true(ks.mask + 1 >= MANY * 4 / 3);
	for (int i = 0; i < MANY; i++)
		assert_false(add(&ks, keys[i]));
	/* Near misses are new. */
	assert_true(add(&ks, "a1000"));
	assert_true(add(&ks, "a"));
	assert_true(add(&ks, "a01"));
	assert_int_equal(ks.n, MANY + 3);
	keyset_done(&ks);
}

/* Growth exactly across the inline size: 48 keys fit (3/4 of 64), the 49th moves. */
static void test_inline_boundary(void **state)
{
	static char keys[64][8];
	struct keyset ks;

	(void)state;
	for (int i = 0; i < 64; i++)
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
	assert_true(keyset_init(&ks, 0));
	for (int i = 0; i < 48; i++)
		assert_true(add(&ks, keys[i]));
	assert_ptr_equal(ks.slots, ks.inline_slots);
	assert_int_equal(ks.mask, KEYSET_INLINE - 1);
	assert_true(add(&ks, keys[48]));
	assert_true(ks.slots != ks.inline_slots);
	assert_int_equal(ks.mask, 2 * KEYSET_INLINE - 1);
	for (int i = 0; i <= 48; i++)
		assert_false(add(&ks, keys[i]));
	for (int i = 49; i < 64; i++)
		assert_true(add(&ks, keys[i]));
	assert_int_equal(ks.n, 64);
	keyset_done(&ks);
}

static void test_expected_size(void **state)
{
	static char keys[MANY][16];
	struct keyset ks;
	size_t size;

	(void)state;
	assert_true(keyset_init(&ks, 32));
	assert_ptr_equal(ks.slots, ks.inline_slots);
	keyset_done(&ks);

	/* Room for the expected keys from the start: no growth while adding them. */
	assert_true(keyset_init(&ks, MANY));
	assert_true(ks.slots != ks.inline_slots);
	size = ks.mask + 1;
	assert_true(size >= 2 * MANY);
	assert_int_equal(size & (size - 1), 0);
	for (int i = 0; i < MANY; i++) {
		snprintf(keys[i], sizeof(keys[i]), "key-%d", i);
		assert_true(add(&ks, keys[i]));
	}
	assert_int_equal(ks.mask + 1, size);
	for (int i = 0; i < MANY; i++)
		assert_false(add(&ks, keys[i]));
	keyset_done(&ks);
}

/* A set is reusable after keyset_done(), grown or not, and starts empty. */
static void test_reuse(void **state)
{
	static char keys[200][8];
	struct keyset ks;

	(void)state;
	for (int i = 0; i < 200; i++)
		snprintf(keys[i], sizeof(keys[i]), "%d", i);
	for (int round = 0; round < 3; round++) {
		assert_true(keyset_init(&ks, 0));
		for (int i = 0; i < 200; i++)
			assert_true(add(&ks, keys[i]));
		assert_false(add(&ks, keys[199]));
		assert_int_equal(ks.n, 200);
		keyset_done(&ks);
		assert_null(ks.slots);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_duplicate),
		cmocka_unit_test(test_same_prefix_length),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_inline_boundary),
		cmocka_unit_test(test_expected_size),
		cmocka_unit_test(test_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
