// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * buf: a growable byte buffer. Capacity doubles, so appends are amortised
 * O(1); the buffer is kept between uses (buf_reset()) so the hot path does
 * not allocate once it has grown to the largest event seen.
 */
#include "config.h"

#include "buf.h"

#include <stdint.h>
#include <stdlib.h>

/* The first allocation: big enough for a typical event line. */
#define BUF_MIN_CAP 4096

void buf_init(struct buf *b)
{
	*b = (struct buf){ 0 };
}

void buf_done(struct buf *b)
{
	free(b->data);
	*b = (struct buf){ 0 };
}

bool buf_reserve(struct buf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : BUF_MIN_CAP;
	char *p;

	if (b->oom)
		return false;
	if (n > SIZE_MAX / 2 - b->len)
		goto oom;
	while (cap - b->len < n)
		cap *= 2;
	if (cap == b->cap)
		return true;
	p = realloc(b->data, cap);
	if (!p)
		goto oom;
	b->data = p;
	b->cap = cap;
	return true;
oom:
	b->oom = true;
	return false;
}
