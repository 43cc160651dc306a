// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * strenc: byte-string codecs, each a single linear pass.
 *
 * Hex: the kernel writes "untrusted" strings (anything with a space, quote,
 * control byte or byte >= 0x7f) as upper-case hex without quotes.
 *
 * Output escaping follows LAUREL (src/quote.rs there): URI-style
 * percent-encoding of '%', '+', C0 controls, DEL, bytes that are not part
 * of a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF) and the invisible U+FEFF; then JSON escaping of
 * '"' and '\\'. The result is valid UTF-8 JSON whatever the input bytes.
 */
#include "config.h"

#include "strenc.h"

#include <errno.h>

static const char hexdigits[] = "0123456789abcdef";

/* -1 for a non-hex character. */
static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool strenc_is_hex(const char *s, size_t len)
{
	if (len == 0 || len % 2)
		return false;
	for (size_t i = 0; i < len; i++)
		if (hexval((unsigned char)s[i]) < 0)
			return false;
	return true;
}

long strenc_hex_decode(const char *s, size_t len, uint8_t *out)
{
	if (len % 2)
		return -EBADMSG;
	for (size_t i = 0; i < len; i += 2) {
		int hi = hexval((unsigned char)s[i]), lo = hexval((unsigned char)s[i + 1]);

		if (hi < 0 || lo < 0)
			return -EBADMSG;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(len / 2);
}

/* Length of the well-formed UTF-8 sequence at P (N bytes left), 0 if none. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t need;
	uint8_t lo = 0x80, hi = 0xbf;

	if (c >= 0xc2 && c <= 0xdf)
		need = 1;
	else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if (n < need + 1 || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i <= need; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return need + 1;
}

static void add_pct(struct buf *b, uint8_t c)
{
	char e[3] = { '%', hexdigits[c >> 4], hexdigits[c & 15] };

	buf_add(b, e, 3);
}

void strenc_json_escape(struct buf *b, const void *p, size_t len)
{
	const uint8_t *s = p;
	size_t i = 0, run = 0; /* s[run..i) is copied verbatim */

	if (len == 0 || !buf_reserve(b, len + 2))
		return;
	while (i < len) {
		uint8_t c = s[i];
		size_t n;

		if (c >= 0x20 && c < 0x7f && c != '%' && c != '+' && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80) {
			n = utf8_len(s + i, len - i);
			if (n && !(n == 3 && c == 0xef && s[i + 1] == 0xbb && s[i + 2] == 0xbf)) {
				i += n;
				continue;
			}
		}
		buf_add(b, s + run, i - run);
		if (c == '"' || c == '\\') {
			buf_addc(b, '\\');
			buf_addc(b, (char)c);
			i++;
		} else if (c == 0xef && i + 2 < len && s[i + 1] == 0xbb && s[i + 2] == 0xbf) {
			add_pct(b, 0xef);
			add_pct(b, 0xbb);
			add_pct(b, 0xbf);
			i += 3;
		} else {
			add_pct(b, c);
			i++;
		}
		run = i;
	}
	buf_add(b, s + run, i - run);
}
