// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_fieldtype: lookups in the field dictionary's perfect hash. One
 * name per format, names whose first dictionary row wins, lengths that
 * are not the C string's, and names that must not be found.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "fieldtype.h"

static enum field_format lookup(const char *name)
{
	return fieldtype_lookup(name, strlen(name));
}

static void test_formats(void **state)
{
	(void)state;
	assert_int_equal(lookup("pid"), FIELD_DEC);
	assert_int_equal(lookup("arch"), FIELD_HEX);
	assert_int_equal(lookup("mode"), FIELD_OCT);
	assert_int_equal(lookup("exe"), FIELD_ENCODED);
	assert_int_equal(lookup("old"), FIELD_NUMERIC);
	assert_int_equal(lookup("tty"), FIELD_STRING);
	assert_int_equal(lookup("no_such_field"), FIELD_UNKNOWN);
}

static void test_more_names(void **state)
{
	(void)state;
	/* numeric decimal */
	assert_int_equal(lookup("uid"), FIELD_DEC);
	assert_int_equal(lookup("auid"), FIELD_DEC);
	assert_int_equal(lookup("exit"), FIELD_DEC);
	assert_int_equal(lookup("inode"), FIELD_DEC);
	assert_int_equal(lookup("argc"), FIELD_DEC);
	assert_int_equal(lookup("cap_fe"), FIELD_DEC);
	assert_int_equal(lookup("syscall"), FIELD_DEC);
	assert_int_equal(lookup("res"), FIELD_DEC);
	/* numeric hexadecimal */
	assert_int_equal(lookup("cap_fp"), FIELD_HEX);
	assert_int_equal(lookup("cap_fi"), FIELD_HEX);
	assert_int_equal(lookup("cap_fver"), FIELD_HEX);
	/* encoded */
	assert_int_equal(lookup("comm"), FIELD_ENCODED);
	assert_int_equal(lookup("cwd"), FIELD_ENCODED);
	assert_int_equal(lookup("name"), FIELD_ENCODED);
	assert_int_equal(lookup("key"), FIELD_ENCODED);
	assert_int_equal(lookup("proctitle"), FIELD_ENCODED);
	assert_int_equal(lookup("saddr"), FIELD_ENCODED);
	assert_int_equal(lookup("acct"), FIELD_ENCODED);
	assert_int_equal(lookup("data"), FIELD_ENCODED);
	/* numeric, base unspecified */
	assert_int_equal(lookup("new"), FIELD_NUMERIC);
	/* alphanumeric, alphabet, hexadecimal-tuple: text */
	assert_int_equal(lookup("success"), FIELD_STRING);
	assert_int_equal(lookup("subj"), FIELD_STRING);
	assert_int_equal(lookup("nametype"), FIELD_STRING);
	assert_int_equal(lookup("rdev"), FIELD_STRING);
	/* dev: the first row ("numeric hexadecimal-tuple") wins over "alphanumeric". */
	assert_int_equal(lookup("dev"), FIELD_STRING);
}

static void test_not_found(void **state)
{
	(void)state;
	assert_int_equal(fieldtype_lookup("", 0), FIELD_UNKNOWN);
	assert_int_equal(lookup("PID"), FIELD_UNKNOWN);  /* case matters */
	assert_int_equal(lookup("ARCH"), FIELD_UNKNOWN);
	assert_int_equal(lookup("px"), FIELD_UNKNOWN);
	assert_int_equal(lookup("pidd"), FIELD_UNKNOWN);
	assert_int_equal(lookup(" pid"), FIELD_UNKNOWN);
	/* Patterns are handled in code, never matched literally. */
	assert_int_equal(lookup("a[0-3]"), FIELD_UNKNOWN);
	assert_int_equal(lookup("a0"), FIELD_UNKNOWN);
	assert_int_equal(lookup("a1[0]"), FIELD_UNKNOWN);
	/* Something long. */
	assert_int_equal(lookup("a_very_long_field_name_that_is_in_no_dictionary_at_all_0123456789"),
			 FIELD_UNKNOWN);
}

static void test_length_not_nul(void **state)
{
	(void)state;
	/* Only LEN bytes count: no reliance on a terminating NUL. */
	assert_int_equal(fieldtype_lookup("pidfoo", 3), FIELD_DEC);
	assert_int_equal(fieldtype_lookup("mode=0100755", 4), FIELD_OCT);
	assert_int_equal(fieldtype_lookup("exe\0zzz", 3), FIELD_ENCODED);
	/* "pi" (inherited capabilities) is a field of its own. */
	assert_int_equal(fieldtype_lookup("pid", 2), FIELD_HEX);
	assert_int_equal(fieldtype_lookup("exe", 2), FIELD_UNKNOWN);
	assert_int_equal(fieldtype_lookup("pid\0", 4), FIELD_UNKNOWN);
	{
		/* A buffer of exactly the name's length (ASan catches over-reads). */
		char k[4];

		memcpy(k, "arch", 4);
		assert_int_equal(fieldtype_lookup(k, 4), FIELD_HEX);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formats),
		cmocka_unit_test(test_more_names),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_length_not_nul),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
