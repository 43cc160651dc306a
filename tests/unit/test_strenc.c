// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_strenc: hex detection and decoding, and LAUREL's output escaping
 * (laurel src/quote.rs; see reference/laurel.md §2.3): percent-encoding of
 * '%', '+', C0 controls, DEL, bytes outside well-formed UTF-8 (RFC 3629)
 * and U+FEFF, then JSON escaping of '"' and '\\'.
 *
 * Besides the exact cases, every single byte, every byte pair and a
 * pseudo-random corpus are checked for two properties: the output is
 * valid UTF-8 without control bytes, and decoding it gives the input back.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "strenc.h"

/* ---- helpers ------------------------------------------------------------- */

/* Escapes LEN bytes of P; returns a NUL-terminated copy (free it). */
static char *esc(const void *p, size_t len)
{
	struct buf b;
	char *s;

	buf_init(&b);
	strenc_json_escape(&b, p, len);
	assert_false(buf_oom(&b));
	s = malloc(b.len + 1);
	assert_non_null(s);
	if (b.len)
		memcpy(s, b.data, b.len);
	s[b.len] = '\0';
	buf_done(&b);
	return s;
}

#define ESC_EQ(in, want)                                  \
	do {                                              \
		char *got_ = esc(in, sizeof(in) - 1);     \
		assert_string_equal(got_, want);          \
		free(got_);                               \
	} while (0)

/* Strict RFC 3629 check, written independently of strenc.c. */
static bool valid_utf8(const uint8_t *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint32_t cp;
		size_t n;

		if (s[i] < 0x80) {
			i++;
			continue;
		} else if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			cp = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			cp = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			cp = s[i] & 0x07;
		} else {
			return false;
		}
		if (len - i <= n) /* truncated */
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000))
			return false; /* overlong */
		if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

static int unhex1(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1; /* upper case is not what we write */
}

/*
 * Checks OUT (the escaping of IN) and decodes it: JSON unescape, then
 * percent-decode; the result must equal IN.
 */
static void check_roundtrip(const uint8_t *in, size_t len)
{
	struct buf b;
	uint8_t *dec;
	size_t n = 0;

	buf_init(&b);
	strenc_json_escape(&b, in, len);
	assert_false(buf_oom(&b));
	if (!valid_utf8((const uint8_t *)b.data, b.len))
		fail_msg("output of a %zu-byte input is not valid UTF-8", len);
	dec = malloc(b.len + 1);
	assert_non_null(dec);
	for (size_t i = 0; i < b.len; i++) {
		uint8_t c = (uint8_t)b.data[i];

		if (c < 0x20 || c == 0x7f)
			fail_msg("raw control byte 0x%02x in output", c);
		if (c == '+')
			fail_msg("raw '+' in output");
		if (c == '"')
			fail_msg("unescaped '\"' in output");
		if (c == '\\') {
			assert_true(i + 1 < b.len);
			c = (uint8_t)b.data[++i];
			if (c != '"' && c != '\\')
				fail_msg("bad escape \\%c", c);
			dec[n++] = c;
		} else if (c == '%') {
			int hi, lo;

			assert_true(i + 2 < b.len);
			hi = unhex1(b.data[i + 1]);
			lo = unhex1(b.data[i + 2]);
			if (hi < 0 || lo < 0)
				fail_msg("bad percent escape %%%c%c", b.data[i + 1], b.data[i + 2]);
			dec[n++] = (uint8_t)(hi << 4 | lo);
			i += 2;
		} else {
			dec[n++] = c;
		}
	}
	assert_int_equal(n, len);
	if (len)
		assert_memory_equal(dec, in, len);
	free(dec);
	buf_done(&b);
}

/* The checker above must itself reject what it is meant to catch. */
static void test_validator(void **state)
{
	(void)state;
	assert_true(valid_utf8((const uint8_t *)"a\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", 10));
	assert_true(valid_utf8((const uint8_t *)"\xf4\x8f\xbf\xbf", 4));
	assert_false(valid_utf8((const uint8_t *)"\xff", 1));
	assert_false(valid_utf8((const uint8_t *)"\x80", 1));
	assert_false(valid_utf8((const uint8_t *)"\xc3", 1));
	assert_false(valid_utf8((const uint8_t *)"\xc0\x80", 2));
	assert_false(valid_utf8((const uint8_t *)"\xe0\x80\x80", 3));
	assert_false(valid_utf8((const uint8_t *)"\xed\xa0\x80", 3));
	assert_false(valid_utf8((const uint8_t *)"\xf4\x90\x80\x80", 4));
	assert_false(valid_utf8((const uint8_t *)"\xf0\x9f\x98", 3));
}

/* ---- hex ----------------------------------------------------------------- */

static void test_is_hex(void **state)
{
	(void)state;
	assert_false(strenc_is_hex("", 0));
	assert_false(strenc_is_hex("a", 1));
	assert_false(strenc_is_hex("abc", 3));
	assert_true(strenc_is_hex("00", 2));
	assert_true(strenc_is_hex("2F62696E", 8));
	assert_true(strenc_is_hex("2f62696e", 8));
	assert_true(strenc_is_hex("aBcDeF", 6));
	assert_false(strenc_is_hex("0g", 2));
	assert_false(strenc_is_hex("g0", 2));
	assert_false(strenc_is_hex("0G", 2));
	assert_false(strenc_is_hex("  ", 2));
	assert_false(strenc_is_hex("0x1f", 4));
	assert_false(strenc_is_hex("12 4", 4));
	assert_false(strenc_is_hex("1\0" "2", 3));
	assert_false(strenc_is_hex("12\0" "3", 4));
	/* The length is what counts, not a NUL. */
	assert_true(strenc_is_hex("12zz", 2));
	/* Characters just outside the hex ranges. */
	assert_false(strenc_is_hex("/0", 2));
	assert_false(strenc_is_hex(":0", 2));
	assert_false(strenc_is_hex("@0", 2));
	assert_false(strenc_is_hex("`0", 2));
	assert_false(strenc_is_hex("\xc1" "0", 2)); /* 'A' | 0x80 */
}

static void test_hex_decode(void **state)
{
	uint8_t out[16];

	(void)state;
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(strenc_hex_decode("2F62696E", 8, out), 4);
	assert_memory_equal(out, "/bin", 4);
	assert_int_equal(out[4], 0xaa);

	memset(out, 0xaa, sizeof(out));
	assert_int_equal(strenc_hex_decode("2f62696e", 8, out), 4);
	assert_memory_equal(out, "/bin", 4);

	assert_int_equal(strenc_hex_decode("FFfe00aB", 8, out), 4);
	assert_memory_equal(out, "\xff\xfe\x00\xab", 4);

	assert_int_equal(strenc_hex_decode("", 0, out), 0);

	/* Odd length. */
	assert_int_equal(strenc_hex_decode("abc", 3, out), -EBADMSG);
	assert_int_equal(strenc_hex_decode("a", 1, out), -EBADMSG);
	/* Non-hex in the high or the low nibble, anywhere. */
	assert_int_equal(strenc_hex_decode("0G", 2, out), -EBADMSG);
	assert_int_equal(strenc_hex_decode("G0", 2, out), -EBADMSG);
	assert_int_equal(strenc_hex_decode("00zz", 4, out), -EBADMSG);
	assert_int_equal(strenc_hex_decode("0 ", 2, out), -EBADMSG);
	assert_int_equal(strenc_hex_decode("-1", 2, out), -EBADMSG);

	/* Every byte value. */
	for (unsigned v = 0; v < 256; v++) {
		static const char up[] = "0123456789ABCDEF", lo[] = "0123456789abcdef";
		char h[2] = { up[v >> 4], lo[v & 15] };

		assert_int_equal(strenc_hex_decode(h, 2, out), 1);
		assert_int_equal(out[0], v);
	}
}

/* ---- escaping ------------------------------------------------------------- */

static void test_escape_plain(void **state)
{
	(void)state;
	ESC_EQ("", "");
	ESC_EQ("abc", "abc");
	ESC_EQ("/usr/bin/whoami", "/usr/bin/whoami");
	ESC_EQ(" !#$&'()*,-./09:;<=>?@AZ[]^_`az{|}~", " !#$&'()*,-./09:;<=>?@AZ[]^_`az{|}~");
}

static void test_escape_percent_plus(void **state)
{
	(void)state;
	ESC_EQ("%", "%25");
	ESC_EQ("+", "%2b");
	ESC_EQ("100%+1", "100%25%2b1");
	ESC_EQ("%%", "%25%25");
	ESC_EQ("%25", "%2525");
}

static void test_escape_controls(void **state)
{
	(void)state;
	ESC_EQ("\t", "%09");
	ESC_EQ("\n", "%0a");
	ESC_EQ("\r", "%0d");
	ESC_EQ("\x7f", "%7f");
	ESC_EQ("\x01", "%01");
	ESC_EQ("\x1f", "%1f");
	ESC_EQ("\x1d", "%1d");
	ESC_EQ("\x1b[0m", "%1b[0m");
	ESC_EQ("a b\tc\nd", "a b%09c%0ad");
	ESC_EQ("\x7f\x01", "%7f%01");
	/* NUL is a byte like any other. */
	ESC_EQ("\0", "%00");
	ESC_EQ("a\0b\0", "a%00b%00");
}

static void test_escape_json(void **state)
{
	(void)state;
	ESC_EQ("\"", "\\\"");
	ESC_EQ("\\", "\\\\");
	ESC_EQ("q\"uote\\bs", "q\\\"uote\\\\bs");
	ESC_EQ("\\\\\"\"", "\\\\\\\\\\\"\\\"");
	/* '/' is not escaped. */
	ESC_EQ("a/b", "a/b");
}

static void test_escape_invalid_utf8(void **state)
{
	(void)state;
	ESC_EQ("\xff", "%ff");
	ESC_EQ("\xfe", "%fe");
	ESC_EQ("\xc3\xa4\xff\xfe", "\xc3\xa4%ff%fe");
	/* Lone continuation bytes. */
	ESC_EQ("\x80", "%80");
	ESC_EQ("\xbf", "%bf");
	ESC_EQ("a\x80\x80z", "a%80%80z");
	/* Sequences truncated by the end of the value. */
	ESC_EQ("a\xc3", "a%c3");
	ESC_EQ("\xe2\x82", "%e2%82");
	ESC_EQ("\xe2", "%e2");
	ESC_EQ("\xf0\x9f\x98", "%f0%9f%98");
	ESC_EQ("\xf0\x9f", "%f0%9f");
	/* ... and by a byte that is not a continuation. */
	ESC_EQ("\xc3(", "%c3(");
	ESC_EQ("\xe2\x28\xa1", "%e2(%a1");
	ESC_EQ("\xe2\x82z", "%e2%82z");
	ESC_EQ("\xf0\x9f\x98z", "%f0%9f%98z");
	ESC_EQ("\xc3\xc3\xa4", "%c3\xc3\xa4");
	/* Overlong encodings. */
	ESC_EQ("\xc0\x80", "%c0%80");
	ESC_EQ("\xc1\xbf", "%c1%bf");
	ESC_EQ("\xe0\x80\x80", "%e0%80%80");
	ESC_EQ("\xe0\x9f\xbf", "%e0%9f%bf");
	ESC_EQ("\xf0\x80\x80\x80", "%f0%80%80%80");
	ESC_EQ("\xf0\x8f\xbf\xbf", "%f0%8f%bf%bf");
	/* UTF-16 surrogates. */
	ESC_EQ("\xed\xa0\x80", "%ed%a0%80");
	ESC_EQ("\xed\xbf\xbf", "%ed%bf%bf");
	ESC_EQ("\xed\xa0\xbd\xed\xb8\x80", "%ed%a0%bd%ed%b8%80");
	/* Above U+10FFFF, and bytes that never start a sequence. */
	ESC_EQ("\xf4\x90\x80\x80", "%f4%90%80%80");
	ESC_EQ("\xf5\x80\x80\x80", "%f5%80%80%80");
	ESC_EQ("\xf8\x88\x80\x80\x80", "%f8%88%80%80%80");
}

static void test_escape_valid_utf8(void **state)
{
	(void)state;
	ESC_EQ("\xc2\x80", "\xc2\x80");                  /* U+0080 */
	ESC_EQ("\xc3\xa4", "\xc3\xa4");                  /* ä */
	ESC_EQ("\xdf\xbf", "\xdf\xbf");                  /* U+07FF */
	ESC_EQ("\xe0\xa0\x80", "\xe0\xa0\x80");          /* U+0800 */
	ESC_EQ("\xe2\x82\xac", "\xe2\x82\xac");          /* € */
	ESC_EQ("\xed\x9f\xbf", "\xed\x9f\xbf");          /* U+D7FF */
	ESC_EQ("\xee\x80\x80", "\xee\x80\x80");          /* U+E000 */
	ESC_EQ("\xef\xbb\xbe", "\xef\xbb\xbe");          /* U+FEFE */
	ESC_EQ("\xef\xbf\xbf", "\xef\xbf\xbf");          /* U+FFFF */
	ESC_EQ("\xf0\x90\x80\x80", "\xf0\x90\x80\x80");  /* U+10000 */
	ESC_EQ("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");  /* 😀 */
	ESC_EQ("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf");  /* U+10FFFF */
	ESC_EQ("gr\xc3\xbc\xc3\x9f \xe2\x82\xac+%", "gr\xc3\xbc\xc3\x9f \xe2\x82\xac%2b%25");
}

static void test_escape_bom(void **state)
{
	(void)state;
	ESC_EQ("\xef\xbb\xbf", "%ef%bb%bf");
	ESC_EQ("\xef\xbb\xbf" "bom", "%ef%bb%bfbom");
	ESC_EQ("x\xef\xbb\xbfy", "x%ef%bb%bfy");
	ESC_EQ("\xef\xbb\xbf\xef\xbb\xbf", "%ef%bb%bf%ef%bb%bf");
	/* A truncated BOM is just invalid UTF-8. */
	ESC_EQ("\xef\xbb", "%ef%bb");
}

/* LAUREL 0.8.2's output for crafted/escaping-execve.txt, argument by argument. */
static void test_escape_laurel_example(void **state)
{
	(void)state;
	ESC_EQ("printf", "printf");
	ESC_EQ("a b\tc\nd", "a b%09c%0ad");
	ESC_EQ("100%+1", "100%25%2b1");
	ESC_EQ("\xc3\xa4\xff\xfe", "\xc3\xa4%ff%fe");
	ESC_EQ("\xef\xbb\xbf" "bom", "%ef%bb%bfbom");
	ESC_EQ("q\"uote\\bs", "q\\\"uote\\\\bs");
	ESC_EQ("\x7f\x01", "%7f%01");
}

static void test_escape_appends(void **state)
{
	struct buf b;

	(void)state;
	buf_init(&b);
	buf_adds(&b, "[\"");
	strenc_json_escape(&b, "a+b", 3);
	buf_adds(&b, "\",\"");
	strenc_json_escape(&b, "", 0);
	strenc_json_escape(&b, "\xff", 1);
	buf_adds(&b, "\"]");
	buf_addc(&b, '\0');
	assert_string_equal(b.data, "[\"a%2bb\",\"%ff\"]");
	buf_done(&b);
}

static void test_escape_every_byte(void **state)
{
	(void)state;
	for (unsigned c = 0; c < 256; c++) {
		uint8_t in[1] = { (uint8_t)c };
		char *got = esc(in, 1);

		if (c >= 0x20 && c < 0x7f && c != '%' && c != '+' && c != '"' && c != '\\') {
			assert_int_equal(strlen(got), 1);
			assert_int_equal((uint8_t)got[0], c);
		} else if (c == '"' || c == '\\') {
			assert_int_equal(strlen(got), 2);
			assert_int_equal(got[0], '\\');
		} else {
			char want[4];

			snprintf(want, sizeof(want), "%%%02x", c);
			assert_string_equal(got, want);
		}
		free(got);
		check_roundtrip(in, 1);
	}
}

static void test_escape_roundtrip(void **state)
{
	uint8_t in[64];
	uint32_t x = 12345;

	(void)state;
	/* Every pair and triple prefix of interesting bytes. */
	for (unsigned a = 0; a < 256; a++)
		for (unsigned b = 0; b < 256; b++) {
			in[0] = (uint8_t)a;
			in[1] = (uint8_t)b;
			check_roundtrip(in, 2);
		}
	/* Random strings biased to UTF-8 lead and continuation bytes. */
	for (int iter = 0; iter < 20000; iter++) {
		size_t len = 1 + iter % 63;

		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			switch ((x >> 16) % 6) {
			case 0: in[i] = (uint8_t)(0x80 | ((x >> 8) & 0x3f)); break;
			case 1: in[i] = (uint8_t)(0xc0 | ((x >> 8) & 0x3f)); break;
			case 2: in[i] = (uint8_t)(0xe0 | ((x >> 8) & 0x1f)); break;
			case 3: in[i] = (uint8_t)(x >> 8); break;
			default: in[i] = (uint8_t)(0x20 + ((x >> 8) % 0x60)); break;
			}
		}
		check_roundtrip(in, len);
	}
}

static void test_escape_long(void **state)
{
	const size_t n = 1 << 20;
	uint8_t *in = malloc(n);
	struct buf b;

	(void)state;
	assert_non_null(in);
	for (size_t i = 0; i < n; i++)
		in[i] = (uint8_t)(i % 3 == 0 ? '%' : 'a');
	buf_init(&b);
	strenc_json_escape(&b, in, n);
	assert_false(buf_oom(&b));
	/* A third of the bytes (rounded up) become three bytes. */
	assert_int_equal(b.len, n + 2 * ((n + 2) / 3));
	assert_memory_equal(b.data, "%25aa%25aa", 10);
	buf_done(&b);
	check_roundtrip(in, n);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validator),
		cmocka_unit_test(test_is_hex),
		cmocka_unit_test(test_hex_decode),
		cmocka_unit_test(test_escape_plain),
		cmocka_unit_test(test_escape_percent_plus),
		cmocka_unit_test(test_escape_controls),
		cmocka_unit_test(test_escape_json),
		cmocka_unit_test(test_escape_invalid_utf8),
		cmocka_unit_test(test_escape_valid_utf8),
		cmocka_unit_test(test_escape_bom),
		cmocka_unit_test(test_escape_laurel_example),
		cmocka_unit_test(test_escape_appends),
		cmocka_unit_test(test_escape_every_byte),
		cmocka_unit_test(test_escape_roundtrip),
		cmocka_unit_test(test_escape_long),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
