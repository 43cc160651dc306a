// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * serialgap: a sliding bitmap of the last SERIALGAP_WINDOW serials. When a
 * serial beyond the window arrives the window slides, and every serial
 * leaving it unseen is counted missing. Serials wrap at 2^32 (signed
 * distance); a jump of more than SERIALGAP_MAX_JUMP restarts the window
 * without counting, since it is more likely a reset than a real loss of
 * millions of records. Records older than the window are ignored.
 */
#include "config.h"

#include "serialgap.h"

#include <string.h>

/* Beyond this distance a jump restarts the window instead of counting. */
#define SERIALGAP_MAX_JUMP (1u << 24)

static void mark(struct serialgap *g, uint32_t s)
{
	uint32_t i = s % SERIALGAP_WINDOW;

	g->seen[i / 64] |= 1ull << (i % 64);
}

static void restart(struct serialgap *g, uint32_t serial)
{
	memset(g->seen, 0, sizeof(g->seen));
	g->base = serial;
	g->started = true;
	mark(g, serial);
}

uint64_t serialgap_see(struct serialgap *g, uint32_t serial)
{
	int32_t d = (int32_t)(serial - g->base);
	uint64_t missing = 0;

	if (!g->started || d < -(int32_t)SERIALGAP_MAX_JUMP || d > (int32_t)SERIALGAP_MAX_JUMP) {
		restart(g, serial);
		return 0;
	}
	if (d < 0)
		return 0; /* late: older than the window */
	while ((uint32_t)d >= SERIALGAP_WINDOW) {
		uint32_t i = g->base % SERIALGAP_WINDOW;
		uint64_t bit = 1ull << (i % 64);

		if (!(g->seen[i / 64] & bit))
			missing++;
		g->seen[i / 64] &= ~bit;
		g->base++;
		d--;
	}
	mark(g, serial);
	return missing;
}
