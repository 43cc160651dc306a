/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Serial-number gaps in the live record stream: a heuristic loss signal.
 * The kernel numbers records (and syscall events) from one global
 * counter; a serial that never arrives while later ones do was lost
 * somewhere (rate limit, our socket). Arrival order is not serial order,
 * so a serial counts as missing only once SERIALGAP_WINDOW later serials
 * have been seen. Embedded; zero-initialised is ready to use.
 */

#define SERIALGAP_WINDOW 4096

struct serialgap {
	bool started;
	uint32_t base;           /* lowest serial still in the window */
	uint64_t seen[SERIALGAP_WINDOW / 64];
};

/* Notes SERIAL; returns how many serials this declares missing. */
uint64_t serialgap_see(struct serialgap *g, uint32_t serial);
