// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * fieldtype: how to type a field's value, from the Linux audit field
 * dictionary. The table is generated at build time (gperf), so a lookup is
 * one hash and one compare, with no start-up cost and no state.
 */
#include "config.h"

#include "fieldtype.h"

#include <string.h>

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#include "fieldtab.inc"
#pragma GCC diagnostic pop

enum field_format fieldtype_lookup(const char *key, size_t len)
{
	const struct fieldtab_entry *e = fieldtab_lookup(key, len);

	return e ? (enum field_format)e->format : FIELD_UNKNOWN;
}
