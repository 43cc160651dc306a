/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/*
 * The data path:
 *
 *   line_input ──(line)── record ── assembler ── json ── outputs
 *
 * One pipeline per run; it owns the assembler, the encoder and the outputs.
 */

struct conf;
struct output;
struct pipeline;

/*
 * Returns a new pipeline built from CONF (borrowed for the call) that
 * writes to OUTPUTS (N_OUTPUTS, ownership taken). NULL on OOM.
 */
struct pipeline *pipeline_new(const struct conf *conf, struct output **outputs, size_t n_outputs);

/* Flushes open events and outputs, frees. NULL-safe. */
void pipeline_free(struct pipeline *p);

/*
 * Feeds one raw audit line (replay). LINENO and SOURCE name it in
 * messages about bad input. Time is the records' own clock.
 */
void pipeline_feed_line(struct pipeline *p, const char *line, size_t len,
			const char *source, uint64_t lineno);

/* Ends all open events (end of input) and flushes the outputs. */
void pipeline_flush(struct pipeline *p);

const struct stats *pipeline_stats(const struct pipeline *p);
