/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
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
 * writes to OUTPUTS (N_OUTPUTS, ownership taken) and ends EOE-less events
 * TIMEOUT_MS after their first record. NULL on OOM.
 */
struct pipeline *pipeline_new(const struct conf *conf, struct output **outputs, size_t n_outputs,
			      uint64_t timeout_ms);

/* Flushes open events and outputs, frees. NULL-safe. */
void pipeline_free(struct pipeline *p);

/*
 * Feeds one raw audit line (replay). LINENO and SOURCE name it in
 * messages about bad input. Time is the records' own clock.
 */
void pipeline_feed_line(struct pipeline *p, const char *line, size_t len,
			const char *source, uint64_t lineno);

/*
 * Feeds one record from the kernel (live): TYPE and its payload
 * "audit(...): body". NOW_MS is the loop's monotonic clock.
 */
void pipeline_feed_record(struct pipeline *p, int type, const char *payload, size_t len, uint64_t now_ms);

/*
 * Live housekeeping at NOW_MS: ends timed-out events, reports serial gaps
 * seen since the last tick, flushes the outputs.
 */
void pipeline_tick(struct pipeline *p, uint64_t now_ms);

/*
 * Writes an in-band loss record: SIGNAL ("receive_buffer", "kernel_lost",
 * "serial_gap") lost COUNT UNITs ("records", "serials") since the last
 * report; TOTAL so far. RESET: the kernel's counter went down.
 */
void pipeline_report_loss(struct pipeline *p, const char *signal, const char *unit, uint64_t count,
			  uint64_t total, bool reset);

/*
 * Writes an in-band AUSCRIBE_STATUS record into every output (and, with
 * TO_STDERR, the counters on stderr): version, uptime, records and events
 * in and out, losses by signal, per-output queue depth and errors, CPU
 * and memory. INPUT names the input ("netlink", a file).
 */
void pipeline_report_status(struct pipeline *p, const char *input, bool to_stderr);

/* Reopens file outputs (SIGHUP: logrotate moved them). */
void pipeline_reopen(struct pipeline *p);

/*
 * Closes the outputs (after pipeline_flush()), adding what they could not
 * write to the counters; later events go nowhere.
 */
void pipeline_close_outputs(struct pipeline *p);

/* Writes what the outputs hold (the input is about to wait). */
void pipeline_flush_outputs(struct pipeline *p);

/* Ends all open events (end of input) and flushes the outputs. */
void pipeline_flush(struct pipeline *p);

const struct stats *pipeline_stats(const struct pipeline *p);

/* The counters, for the inputs to add theirs (lost_socket, nl_*). */
struct stats *pipeline_stats_mut(struct pipeline *p);
