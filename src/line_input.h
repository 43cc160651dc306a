/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Raw audit log lines from a file descriptor, of any length: lines are
 * returned whole however long they are (up to LINE_INPUT_MAX_LINE; longer
 * ones are skipped and counted). Bytes are bytes: NUL and invalid UTF-8
 * pass through.
 */

struct line_input;

/* Returns a new reader of FD (borrowed, not closed); NULL on OOM. */
struct line_input *line_input_new(int fd);

/* NULL-safe. */
void line_input_free(struct line_input *in);

/*
 * Reads the next line. Returns 1 and sets *RET_LINE / *RET_LEN (without
 * the newline; borrowed until the next call), 0 at end of input, or
 * -errno on a read error. A final line without a newline is returned.
 */
int line_input_next(struct line_input *in, const char **ret_line, size_t *ret_len);

/* True if a whole line is buffered: the next line_input_next() will not block. */
bool line_input_pending(const struct line_input *in);

/* Lines skipped for being longer than LINE_INPUT_MAX_LINE. */
size_t line_input_too_long(const struct line_input *in);
