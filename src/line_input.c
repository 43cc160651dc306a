// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * line_input: raw audit lines from a file descriptor. Reads in large
 * blocks and hands out lines in place; a line longer than the buffer grows
 * it (doubling) up to LINE_INPUT_MAX_LINE, beyond which the line is
 * skipped to its end and counted, never truncated into a neighbour.
 */
#include "config.h"

#include "line_input.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Read size. */
#define LINE_INPUT_BLOCK (256 * 1024)
/* Longest line kept: far above any record the kernel or auditd writes. */
#define LINE_INPUT_MAX_LINE (64 * 1024 * 1024)

struct line_input {
	int fd;
	char *buf;
	size_t cap;
	size_t start;  /* first unread byte */
	size_t end;    /* end of valid data */
	bool eof;
	bool skipping; /* inside a too-long line */
	size_t too_long;
};

struct line_input *line_input_new(int fd)
{
	struct line_input *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->fd = fd;
	in->cap = LINE_INPUT_BLOCK;
	in->buf = malloc(in->cap);
	if (!in->buf) {
		free(in);
		return NULL;
	}
	return in;
}

void line_input_free(struct line_input *in)
{
	if (!in)
		return;
	free(in->buf);
	free(in);
}

bool line_input_pending(const struct line_input *in)
{
	return in->eof || memchr(in->buf + in->start, '\n', in->end - in->start) != NULL;
}

size_t line_input_too_long(const struct line_input *in)
{
	return in->too_long;
}

/* Reads more data after what is buffered; 0 at EOF, 1 on data, -errno. */
static int fill(struct line_input *in)
{
	ssize_t n;

	if (in->start > 0) {
		memmove(in->buf, in->buf + in->start, in->end - in->start);
		in->end -= in->start;
		in->start = 0;
	}
	if (in->end == in->cap) {
		if (in->skipping || in->cap >= LINE_INPUT_MAX_LINE) {
			/* Too long: forget what we have, keep skipping to the newline. */
			if (!in->skipping)
				in->too_long++;
			in->skipping = true;
			in->end = 0;
		} else {
			char *p = realloc(in->buf, in->cap * 2);

			if (!p)
				return -ENOMEM;
			in->buf = p;
			in->cap *= 2;
		}
	}
	do
		n = read(in->fd, in->buf + in->end, in->cap - in->end);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (n == 0) {
		in->eof = true;
		return 0;
	}
	in->end += (size_t)n;
	return 1;
}

int line_input_next(struct line_input *in, const char **ret_line, size_t *ret_len)
{
	size_t scanned = 0;

	for (;;) {
		char *nl = memchr(in->buf + in->start + scanned, '\n', in->end - in->start - scanned);
		int r;

		if (nl) {
			size_t len = (size_t)(nl - (in->buf + in->start));
			const char *line = in->buf + in->start;

			in->start += len + 1;
			if (in->skipping) {
				in->skipping = false;
				scanned = 0;
				continue;
			}
			*ret_line = line;
			*ret_len = len;
			return 1;
		}
		if (in->eof) {
			size_t len = in->end - in->start;

			if (len == 0 || in->skipping) {
				in->start = in->end;
				return 0;
			}
			*ret_line = in->buf + in->start;
			*ret_len = len;
			in->start = in->end;
			return 1;
		}
		scanned = in->end - in->start;
		r = fill(in);
		if (r < 0)
			return r;
		if (in->skipping)
			scanned = 0;
		else
			scanned = in->end - in->start < scanned ? 0 : scanned;
	}
}
