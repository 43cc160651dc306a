/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>

/*
 * Field formats from the Linux audit field dictionary
 * (data/audit-field-dictionary.csv), looked up through a perfect hash.
 */
enum field_format {
	FIELD_UNKNOWN,  /* not in the dictionary */
	FIELD_DEC,      /* numeric decimal: a JSON number when it is one */
	FIELD_HEX,      /* numeric hexadecimal: "0x..." */
	FIELD_OCT,      /* numeric octal: "0o..." */
	FIELD_ENCODED,  /* quoted string, or hex-encoded bytes, or (null) */
	FIELD_NUMERIC,  /* numeric, base unspecified: a number only if decimal */
	FIELD_STRING,   /* alphanumeric and friends: kept as text */
};

/* The format of field KEY (LEN bytes). */
enum field_format fieldtype_lookup(const char *key, size_t len);
