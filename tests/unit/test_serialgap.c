// SPDX-License-Identifier: GPL-3.0-or-later
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "serialgap.h"

/* Feeds FROM..TO (inclusive) except SKIP; returns the missing count reported. */
static uint64_t feed(struct serialgap *g, uint32_t from, uint32_t to, uint32_t skip)
{
	uint64_t missing = 0;

	for (uint32_t s = from; s != to + 1; s++)
		if (s != skip)
			missing += serialgap_see(g, s);
	return missing;
}

static void test_no_gap(void **state)
{
	struct serialgap g = { 0 };

	(void)state;
	assert_int_equal(feed(&g, 100, 100 + 3 * SERIALGAP_WINDOW, 0), 0);
}

static void test_one_gap_counted_once_window_later(void **state)
{
	struct serialgap g = { 0 };

	(void)state;
	/* 150 never comes: not counted while it could still arrive... */
	assert_int_equal(feed(&g, 100, 100 + SERIALGAP_WINDOW, 150), 0);
	/* ...counted once the window has passed it, and only once. */
	assert_int_equal(feed(&g, 101 + SERIALGAP_WINDOW, 200 + 3 * SERIALGAP_WINDOW, 0), 1);
}

static void test_reordered_is_not_a_gap(void **state)
{
	struct serialgap g = { 0 };
	uint64_t missing = 0;

	(void)state;
	serialgap_see(&g, 1000);
	/* Pairs swapped: 1002 1001 1004 1003 ... */
	for (uint32_t s = 1001; s < 1001 + 4 * SERIALGAP_WINDOW; s += 2) {
		missing += serialgap_see(&g, s + 1);
		missing += serialgap_see(&g, s);
	}
	assert_int_equal(missing, 0);
}

static void test_burst_loss(void **state)
{
	struct serialgap g = { 0 };
	uint64_t missing;

	(void)state;
	serialgap_see(&g, 10);
	/* 10000 serials lost, then traffic resumes. */
	missing = serialgap_see(&g, 10011);
	missing += feed(&g, 10012, 10011 + 2 * SERIALGAP_WINDOW, 0);
	assert_int_equal(missing, 10000);
}

static void test_wraparound(void **state)
{
	struct serialgap g = { 0 };

	(void)state;
	assert_int_equal(feed(&g, UINT32_MAX - 100, 200 + 2 * SERIALGAP_WINDOW, 7), 1);
}

static void test_huge_jump_restarts(void **state)
{
	struct serialgap g = { 0 };

	(void)state;
	serialgap_see(&g, 5);
	assert_int_equal(serialgap_see(&g, 5 + (1u << 30)), 0);
	assert_int_equal(feed(&g, 6 + (1u << 30), 6 + (1u << 30) + 2 * SERIALGAP_WINDOW, 0), 0);
}

static void test_late_is_ignored(void **state)
{
	struct serialgap g = { 0 };

	(void)state;
	feed(&g, 100, 100 + 2 * SERIALGAP_WINDOW, 0);
	assert_int_equal(serialgap_see(&g, 50), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_gap),
		cmocka_unit_test(test_one_gap_counted_once_window_later),
		cmocka_unit_test(test_reordered_is_not_a_gap),
		cmocka_unit_test(test_burst_loss),
		cmocka_unit_test(test_wraparound),
		cmocka_unit_test(test_huge_jump_restarts),
		cmocka_unit_test(test_late_is_ignored),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
