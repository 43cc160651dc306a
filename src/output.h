/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>

/*
 * Where JSON lines go: stdout ("-") or a file opened for appending.
 * Writes are buffered and flushed by output_flush() (the pipeline calls it
 * when input goes idle and at exit). Rotation and journald come later.
 */

struct output;

/*
 * Opens TARGET ("-" for stdout, otherwise a file path, created 0640).
 * PREFIX (may be NULL) is written before each line. Returns 0 and a new
 * output in *RET, or -errno.
 */
int output_open(const char *target, const char *prefix, struct output **ret);

/* Flushes and closes. NULL-safe. */
void output_close(struct output *o);

/* Queues one line (a newline is added). Returns 0 or -errno. */
int output_write(struct output *o, const char *line, size_t len);

/* Writes what is queued. Returns 0 or -errno. */
int output_flush(struct output *o);

/*
 * Reopens a file output by name (after logrotate moved it); stdout is left
 * alone. On failure the old file stays in use. Returns 0 or -errno.
 */
int output_reopen(struct output *o);

/* The target's name, for messages. */
const char *output_name(const struct output *o);
