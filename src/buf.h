/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/*
 * A growable byte buffer, embedded in its owner (buf_init()/buf_done()).
 * Appends never fail silently: on OOM the buffer is marked and stays
 * empty-safe; buf_oom() tells the caller.
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

void buf_init(struct buf *b);
void buf_done(struct buf *b);

/* Makes room for N more bytes; returns false (and marks the buffer) on OOM. */
bool buf_reserve(struct buf *b, size_t n);

static inline void buf_reset(struct buf *b)
{
	b->len = 0;
	b->oom = false;
}

static inline bool buf_oom(const struct buf *b)
{
	return b->oom;
}

static inline void buf_add(struct buf *b, const void *p, size_t n)
{
	if (n == 0)
		return;
	if (b->cap - b->len < n && !buf_reserve(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static inline void buf_addc(struct buf *b, char c)
{
	if (b->cap == b->len && !buf_reserve(b, 1))
		return;
	b->data[b->len++] = c;
}

static inline void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}
