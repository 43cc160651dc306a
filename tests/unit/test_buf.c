// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_buf: the growable byte buffer. Growth by doubling from the first
 * allocation, reset keeping the allocation, many small appends, appends of
 * zero bytes, and data surviving every reallocation byte for byte.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static void test_init_done(void **state)
{
	struct buf b;

	(void)state;
	memset(&b, 0x5a, sizeof(b));
	buf_init(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);
	assert_false(buf_oom(&b));
	buf_done(&b);
	assert_null(b.data);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.cap, 0);

	/* done twice, and done on a used buffer, are fine. */
	buf_adds(&b, "x");
	buf_done(&b);
	buf_done(&b);
	assert_null(b.data);
}

static void test_growth(void **state)
{
	struct buf b;
	size_t cap;

	(void)state;
	buf_init(&b);
	buf_addc(&b, 'a');
	assert_non_null(b.data);
	assert_int_equal(b.len, 1);
	assert_true(b.cap >= 1);
	cap = b.cap;

	/* Fill exactly to capacity: no reallocation. */
	for (size_t i = 1; i < cap; i++)
		buf_addc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, cap);
	assert_int_equal(b.cap, cap);

	/* One more byte: capacity doubles. */
	buf_addc(&b, '!');
	assert_int_equal(b.len, cap + 1);
	assert_int_equal(b.cap, cap * 2);
	assert_int_equal(b.data[0], 'a');
	assert_int_equal(b.data[cap - 1], (char)('a' + (cap - 1) % 26));
	assert_int_equal(b.data[cap], '!');

	/* A single big append grows by doubling until it fits. */
	{
		size_t big = cap * 5;
		char *p = malloc(big);

		assert_non_null(p);
		memset(p, 'z', big);
		buf_add(&b, p, big);
		assert_int_equal(b.len, cap + 1 + big);
		assert_true(b.cap >= b.len);
		/* a power-of-two multiple of the first capacity */
		assert_int_equal(b.cap % cap, 0);
		assert_int_equal((b.cap / cap) & (b.cap / cap - 1), 0);
		assert_int_equal(b.data[cap], '!');
		assert_int_equal(b.data[cap + 1], 'z');
		assert_int_equal(b.data[b.len - 1], 'z');
		free(p);
	}
	assert_false(buf_oom(&b));
	buf_done(&b);
}

static void test_reserve(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	assert_true(buf_reserve(&b, 10000));
	assert_true(b.cap >= 10000);
	assert_int_equal(b.len, 0);
	buf_adds(&b, "hello");
	assert_true(buf_reserve(&b, 0));
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "hello", 5);

	/* An impossible size marks the buffer and leaves its content. */
	assert_false(buf_reserve(&b, SIZE_MAX - 1));
	assert_true(buf_oom(&b));
	assert_int_equal(b.len, 5);
	assert_memory_equal(b.data, "hello", 5);
	/* The mark sticks until reset, even across appends that fit. */
	buf_add(&b, "0123456789", 10);
	assert_true(buf_oom(&b));
	assert_false(buf_reserve(&b, 1));
	/* Reset clears the mark and keeps the allocation. */
	buf_reset(&b);
	assert_false(buf_oom(&b));
	buf_adds(&b, "ok");
	assert_int_equal(b.len, 2);
	assert_memory_equal(b.data, "ok", 2);
	buf_done(&b);
}

static void test_reset(void **state)
{
	struct buf b;
	char *data;
	size_t cap;

	(void)state;
	buf_init(&b);
	for (int i = 0; i < 10000; i++)
		buf_adds(&b, "0123456789");
	assert_int_equal(b.len, 100000);
	data = b.data;
	cap = b.cap;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_ptr_equal(b.data, data);
	assert_int_equal(b.cap, cap);
	buf_adds(&b, "again");
	assert_int_equal(b.len, 5);
	assert_ptr_equal(b.data, data);
	assert_memory_equal(b.data, "again", 5);
	buf_done(&b);
}

static void test_many_appends(void **state)
{
	struct buf b;
	const size_t n = 1000000;

	(void)state;
	buf_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i % 3 == 0)
			buf_addc(&b, (char)(i & 0xff));
		else if (i % 3 == 1)
			buf_add(&b, (const char[]){ (char)(i & 0xff) }, 1);
		else
			buf_adds(&b, (const char[]){ (char)((i & 0x7f) | 1), 0 });
	}
	assert_int_equal(b.len, n);
	assert_true(b.cap >= n);
	assert_true(b.cap < 4 * n);
	for (size_t i = 0; i < n; i++) {
		char want = i % 3 == 2 ? (char)((i & 0x7f) | 1) : (char)(i & 0xff);

		if (b.data[i] != want)
			fail_msg("byte %zu: %d, want %d", i, b.data[i], want);
	}
	assert_false(buf_oom(&b));
	buf_done(&b);
}

static void test_add_zero(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	/* Zero bytes from NULL: nothing happens, no allocation. */
	buf_add(&b, NULL, 0);
	assert_int_equal(b.len, 0);
	assert_null(b.data);
	assert_int_equal(b.cap, 0);
	buf_adds(&b, "");
	assert_int_equal(b.len, 0);
	assert_null(b.data);

	buf_adds(&b, "abc");
	buf_add(&b, "zzz", 0);
	buf_add(&b, NULL, 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.data, "abc", 3);

	/* At exactly full capacity, a 0-byte append does not grow. */
	{
		size_t cap = b.cap;

		while (b.len < cap)
			buf_addc(&b, 'x');
		buf_add(&b, "y", 0);
		assert_int_equal(b.cap, cap);
		assert_int_equal(b.len, cap);
	}
	assert_false(buf_oom(&b));
	buf_done(&b);
}

static void test_binary(void **state)
{
	struct buf b;
	char all[256];

	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (char)i;
	buf_init(&b);
	buf_add(&b, all, sizeof(all));
	buf_add(&b, all, sizeof(all));
	assert_int_equal(b.len, 512);
	assert_memory_equal(b.data, all, 256);
	assert_memory_equal(b.data + 256, all, 256);
	buf_done(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_done),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_reserve),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_many_appends),
		cmocka_unit_test(test_add_zero),
		cmocka_unit_test(test_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
