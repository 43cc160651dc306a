/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/*
 * Byte-string codecs, all linear in their input: the kernel's hex
 * encoding of untrusted strings, and LAUREL's output escaping.
 */

/* True if S (LEN bytes) is a non-empty, even-length run of hex digits. */
bool strenc_is_hex(const char *s, size_t len);

/*
 * Decodes LEN hex digits from S into OUT (at least LEN / 2 bytes).
 * Returns the number of bytes written, or -EBADMSG if S is not valid
 * even-length hex.
 */
long strenc_hex_decode(const char *s, size_t len, uint8_t *out);

/*
 * Appends P (LEN bytes) to B as the body of a JSON string in LAUREL's
 * encoding: '%', '+', bytes below 0x20, 0x7f, bytes that are not part of a
 * valid UTF-8 sequence and U+FEFF are percent-encoded (lowercase hex);
 * then '"' and '\\' are JSON-escaped. No surrounding quotes.
 */
void strenc_json_escape(struct buf *b, const void *p, size_t len);
