/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Decodes the kernel's binary struct sockaddr (the SOCKADDR record's
 * saddr= blob, already hex-decoded) into ordered (key, value) items in
 * LAUREL's SADDR shape. Pure: no I/O, no allocation.
 */

#define SADDR_MAX_ITEMS 8
#define SADDR_STR_MAX 64

enum saddr_kind {
	SADDR_NUM,   /* num: a JSON number */
	SADDR_STR,   /* str: NUL-terminated ASCII, needs no escaping */
	SADDR_BYTES, /* bytes/len: borrowed from the input, needs escaping */
};

struct saddr_item {
	const char *key;     /* static string */
	enum saddr_kind kind;
	uint64_t num;
	const uint8_t *bytes;
	size_t len;
	char str[SADDR_STR_MAX];
};

struct saddr {
	const char *family;  /* value of "saddr_fam", static string */
	unsigned n;
	struct saddr_item items[SADDR_MAX_ITEMS];
};

/*
 * Decodes BUF (LEN bytes). The address family is in the audited machine's
 * byte order: BIG_ENDIAN is true for big-endian arches (the AUDIT_ARCH
 * value lacks __AUDIT_ARCH_LE). Ports and IP addresses are network order.
 * Returns 0 on success, -EBADMSG when BUF is too short for its family
 * (RET still holds the family when at least 2 bytes were given).
 * RET borrows from BUF for SADDR_BYTES items.
 */
int sockaddr_decode(const uint8_t *buf, size_t len, bool big_endian, struct saddr *ret);
