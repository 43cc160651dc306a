// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * output: JSON lines to stdout or to a file opened for appending (0640,
 * never through a symlink). Lines are collected in a buffer and written
 * in OUTPUT_FLUSH_BYTES chunks, so a replay costs one write() per chunk,
 * not per event; the pipeline flushes when input goes idle and at exit.
 */
#include "config.h"

#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"

/* Write once this much is queued. */
#define OUTPUT_FLUSH_BYTES (256 * 1024)

struct output {
	int fd;
	bool owned;
	char *name;
	char *prefix;
	size_t prefix_len;
	struct buf queue;
};

static int open_file(const char *path)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);

	return fd < 0 ? -errno : fd;
}

int output_open(const char *target, const char *prefix, struct output **ret)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	buf_init(&o->queue);
	o->name = strdup(target);
	o->prefix = prefix ? strdup(prefix) : NULL;
	if (!o->name || (prefix && !o->prefix)) {
		output_close(o);
		return -ENOMEM;
	}
	o->prefix_len = prefix ? strlen(prefix) : 0;
	if (strcmp(target, "-") == 0) {
		o->fd = STDOUT_FILENO;
	} else {
		o->fd = open_file(target);
		if (o->fd < 0) {
			int r = o->fd;

			output_close(o);
			return r;
		}
		o->owned = true;
	}
	*ret = o;
	return 0;
}

int output_flush(struct output *o)
{
	size_t off = 0;
	int r = 0;

	while (off < o->queue.len) {
		ssize_t n = write(o->fd, o->queue.data + off, o->queue.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			break;
		}
		off += (size_t)n;
	}
	buf_reset(&o->queue);
	return r;
}

void output_close(struct output *o)
{
	if (!o)
		return;
	if (o->queue.len)
		output_flush(o);
	if (o->owned)
		close(o->fd);
	buf_done(&o->queue);
	free(o->name);
	free(o->prefix);
	free(o);
}

int output_write(struct output *o, const char *line, size_t len)
{
	buf_add(&o->queue, o->prefix, o->prefix_len);
	buf_add(&o->queue, line, len);
	buf_addc(&o->queue, '\n');
	if (buf_oom(&o->queue)) {
		buf_reset(&o->queue);
		return -ENOMEM;
	}
	if (o->queue.len >= OUTPUT_FLUSH_BYTES)
		return output_flush(o);
	return 0;
}

int output_reopen(struct output *o)
{
	int fd;

	if (!o->owned)
		return 0;
	fd = open_file(o->name);
	if (fd < 0)
		return fd;
	close(o->fd);
	o->fd = fd;
	return 0;
}

const char *output_name(const struct output *o)
{
	return o->name;
}
