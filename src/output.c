// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * output: JSON lines to stdout or to a file.
 *
 * Lines are collected in a queue and written in OUTPUT_FLUSH_BYTES chunks
 * (one write() per chunk, not per event); the pipeline flushes on every
 * loop tick and at exit.
 *
 * Files are opened for appending, created 0640, never through a symbolic
 * link; each time one is opened (start, rotation, SIGHUP) it gets the
 * configured group and, with read-users / read-groups / read-other, a POSIX
 * ACL granting read access (libacl), as LAUREL does; while root with a
 * user configured, files go to that user, who reopens them after the drop.
 *
 * A file's directory is opened once (O_PATH, O_NOFOLLOW) and kept: opens,
 * renames and unlinks are relative to it, so a path swapped under us
 * later cannot redirect them. It is created 0750 when missing (the last
 * component only) and refused when it is a symbolic link, belongs to
 * someone other than root, us or the configured user, or is writable by
 * group or others: whoever can write it can plant the next NAME or NAME.N
 * a rotation renames or reopens. Sticky world-writable directories (/tmp)
 * are refused too: another user can still plant names there first.
 *
 * With a rotation size, a file is rotated before a line would take it
 * past that size (never in the middle of a line): NAME.N-1 -> NAME.N, ...,
 * NAME -> NAME.1, then a new NAME; with 0 generations the old file is
 * removed. A single line larger than the size gets a file of its own.
 *
 * A failed write (ENOSPC, EIO...) keeps what was not written and retries on
 * the next flush; it is reported once per outage. While failing, the queue
 * grows to OUTPUT_MAX_QUEUED bytes; beyond that its lines are dropped and
 * counted. When writing works again, an AUSCRIBE_LOSS line saying how many
 * lines this output lost comes first.
 */
#include "config.h"

#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/acl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "sink_journal.h"

/* Write once this much is queued. */
#define OUTPUT_FLUSH_BYTES (256 * 1024)
/* While an output fails, queue at most this much; the rest is counted lost. */
#define OUTPUT_MAX_QUEUED (16 * 1024 * 1024)
/* Longest rotated name suffix: ".4294967295". */
#define OUTPUT_SUFFIX_MAX 12

struct output {
	struct sink_journal *journal; /* "journal": everything goes there */
	gid_t gid;               /* (gid_t)-1: leave the group alone */
	bool has_user;           /* root gives what it creates to this user */
	uid_t user_uid;
	gid_t user_gid;
	int dirfd;               /* the file's directory (O_PATH), or -1 */
	const char *base;        /* the file's name in it: points into NAME */
	char *acl_text;          /* NULL: no ACL, plain 0640 */
	int fd;
	bool owned;
	char *name;
	char *prefix;
	size_t prefix_len;
	uint64_t rotate_size;
	unsigned generations;
	uint64_t size;           /* of the file, as far as we wrote it */
	struct buf queue;
	size_t queued_lines;
	int failing;             /* the error of the current outage, or 0 */
	bool mid_line;           /* the file ends in the middle of the queue's first line */
	uint64_t lost_unreported;
	struct output_counters c;
};

/* The owner for what we create: the configured user while we are root, else ours. */
static void owner(const struct output *o, uid_t *ret_uid, gid_t *ret_gid)
{
	*ret_uid = o->has_user && geteuid() == 0 ? o->user_uid : (uid_t)-1;
	*ret_gid = o->gid != (gid_t)-1 ? o->gid : *ret_uid != (uid_t)-1 ? o->user_gid : (gid_t)-1;
}

/* Owner, group and ACL for a freshly opened file. */
static int set_access(const struct output *o, int fd)
{
	acl_t acl;
	uid_t uid;
	gid_t gid;
	int r = 0;

	owner(o, &uid, &gid);
	if ((uid != (uid_t)-1 || gid != (gid_t)-1) && fchown(fd, uid, gid) < 0)
		return -errno;
	if (!o->acl_text)
		return 0;
	acl = acl_from_text(o->acl_text);
	if (!acl)
		return -errno;
	if (acl_set_fd(fd, acl) < 0)
		r = -errno;
	acl_free(acl);
	return r;
}

static int open_file(const struct output *o, uint64_t *ret_size)
{
	int fd = openat(o->dirfd, o->base, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
	struct stat st;
	int r;

	if (fd < 0)
		return -errno;
	r = set_access(o, fd);
	if (r < 0) {
		fprintf(stderr, "auscribe: Failed to set the group or read ACL of '%s': %s\n", o->name, strerror(-r));
		close(fd);
		return r;
	}
	*ret_size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
	return fd;
}

/* Whether the directory DIR (status ST) of O may hold its files; says why not. */
static int check_dir(const struct output *o, const char *dir, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode))
		return -ENOTDIR;
	if (st->st_uid != 0 && st->st_uid != geteuid() && !(o->has_user && st->st_uid == o->user_uid)) {
		fprintf(stderr, "auscribe: refusing '%s': its directory '%s' belongs to uid %u, not to root or "
				"the user auscribe runs as\n", o->name, dir, (unsigned)st->st_uid);
		return -EPERM;
	}
	if (st->st_mode & (S_IWGRP | S_IWOTH)) {
		fprintf(stderr, "auscribe: refusing '%s': its directory '%s' is writable by %s (mode %04o); "
				"use a directory of its own that only its owner may write\n", o->name, dir,
			st->st_mode & S_IWOTH ? "everyone" : "its group", (unsigned)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/*
 * Opens the directory of O's file into o->dirfd, never through a symbolic
 * link, creating it 0750 (and giving it to the configured user while we
 * are root) when it is missing.
 */
static int open_dir(struct output *o)
{
	const char *slash = strrchr(o->name, '/');
	char *dir;
	bool created = false;
	struct stat st;
	uid_t uid;
	gid_t gid;
	int fd, r = 0;

	o->base = slash ? slash + 1 : o->name;
	if (!*o->base)
		return -EISDIR;
	dir = !slash ? strdup(".") : slash == o->name ? strdup("/") : strndup(o->name, (size_t)(slash - o->name));
	if (!dir)
		return -ENOMEM;
	fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		if (mkdir(dir, 0750) == 0)
			created = true;
		else if (errno != EEXIST)
			goto fail;
		fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0) {
		if ((errno == ENOTDIR || errno == ELOOP) && lstat(dir, &st) == 0 && S_ISLNK(st.st_mode)) {
			fprintf(stderr, "auscribe: refusing '%s': its directory '%s' is a symbolic link\n", o->name,
				dir);
			errno = ELOOP;
		}
		goto fail;
	}
	owner(o, &uid, &gid);
	if (created && (uid != (uid_t)-1 || gid != (gid_t)-1) && fchownat(fd, "", uid, gid, AT_EMPTY_PATH) < 0) {
		r = -errno;
		fprintf(stderr, "auscribe: Failed to set the owner of the new directory '%s': %s\n", dir, strerror(-r));
	} else if (fstat(fd, &st) < 0) {
		r = -errno;
	} else {
		r = check_dir(o, dir, &st);
	}
	if (r < 0) {
		close(fd);
		free(dir);
		return r;
	}
	o->dirfd = fd;
	free(dir);
	return 0;
fail:
	r = -errno;
	free(dir);
	return r;
}

/*
 * The ACL text for OPTS ("u::rw-,g::r--,o::---,u:NAME:r--,...,m::r--"), or
 * NULL when no read grant is configured. Names must exist: they are
 * checked here, so a typo is an error at start, not a silent no-op.
 */
static int acl_text(const struct output_options *opts, char **ret)
{
	const char *lists[2] = { opts->read_users, opts->read_groups };
	size_t size = 64;
	char *t, *p;

	*ret = NULL;
	if (!opts->read_users && !opts->read_groups && !opts->read_other)
		return 0;
	for (int i = 0; i < 2; i++)
		size += lists[i] ? strlen(lists[i]) * 2 + 16 : 0;
	t = malloc(size);
	if (!t)
		return -ENOMEM;
	p = t + sprintf(t, "u::rw-,g::r--,o::%s", opts->read_other ? "r--" : "---");
	for (int i = 0; i < 2; i++) {
		const char *s = lists[i];

		while (s && *s) {
			size_t n = strcspn(s, ",");
			char name[256];

			if (n >= sizeof(name)) {
				free(t);
				return -ENAMETOOLONG;
			}
			memcpy(name, s, n);
			name[n] = '\0';
			if (i == 0 ? !getpwnam(name) : !getgrnam(name)) {
				fprintf(stderr, "auscribe: read-%s: no %s '%s'\n", i == 0 ? "users" : "groups",
					i == 0 ? "user" : "group", name);
				free(t);
				return -ENOENT;
			}
			p += sprintf(p, ",%c:%s:r--", i == 0 ? 'u' : 'g', name);
			s += n + (s[n] == ',');
		}
	}
	strcpy(p, ",m::r--");
	*ret = t;
	return 0;
}

int output_open(const char *target, const struct output_options *opts, struct output **ret)
{
	struct output *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	buf_init(&o->queue);
	o->fd = -1;
	o->dirfd = -1;
	o->name = strdup(target);
	o->prefix = opts->prefix ? strdup(opts->prefix) : NULL;
	if (!o->name || (opts->prefix && !o->prefix)) {
		output_close(o);
		return -ENOMEM;
	}
	o->prefix_len = opts->prefix ? strlen(opts->prefix) : 0;
	if (strcmp(target, "journal") == 0) {
		/* The line prefix is for text logs; journald gets plain JSON in MESSAGE. */
		struct sink_journal_options jo = { .wait_ms = opts->journal_wait_ms };
		int r = sink_journal_open_with(&jo, &o->journal);

		if (r < 0) {
			output_close(o);
			return r;
		}
	} else if (strcmp(target, "-") == 0) {
		o->fd = STDOUT_FILENO;
	} else {
		int r;

		o->rotate_size = opts->rotate_size;
		o->generations = opts->generations;
		o->gid = (gid_t)-1;
		o->has_user = opts->has_user;
		o->user_uid = opts->user_uid;
		o->user_gid = opts->user_gid;
		if (opts->group) {
			const struct group *g = getgrnam(opts->group);

			if (!g) {
				fprintf(stderr, "auscribe: [auditlog] group: no group '%s'\n", opts->group);
				output_close(o);
				return -ENOENT;
			}
			o->gid = g->gr_gid;
		}
		r = acl_text(opts, &o->acl_text);
		if (r >= 0)
			r = open_dir(o);
		if (r < 0) {
			output_close(o);
			return r;
		}
		o->fd = open_file(o, &o->size);
		if (o->fd < 0) {
			r = o->fd;
			output_close(o);
			return r;
		}
		o->owned = true;
	}
	*ret = o;
	return 0;
}

/* Writes BUF[0, LEN) fully or returns -errno with *DONE bytes written. */
static int write_all(int fd, const char *buf, size_t len, size_t *done)
{
	*done = 0;
	while (*done < len) {
		ssize_t n = write(fd, buf + *done, len - *done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		*done += (size_t)n;
	}
	return 0;
}

/* The in-band line for lines this output lost during an outage. */
static int write_loss_line(struct output *o)
{
	struct timespec ts;
	char line[256];
	size_t done;
	int n, r;

	clock_gettime(CLOCK_REALTIME, &ts);
	n = snprintf(line, sizeof(line),
		     "%s{\"ID\":\"%lld.%03ld:0\",\"AUSCRIBE_LOSS\":{\"signal\":\"output_error\","
		     "\"events\":%" PRIu64 ",\"total\":%" PRIu64 "}}\n",
		     o->prefix ? o->prefix : "", (long long)ts.tv_sec, ts.tv_nsec / 1000000, o->lost_unreported,
		     o->c.lost);
	if (n < 0 || (size_t)n >= sizeof(line))
		return -EINVAL;
	r = write_all(o->fd, line, (size_t)n, &done);
	o->size += done;
	if (r == 0)
		o->lost_unreported = 0;
	return r;
}

/* Writes the queue's first N bytes, holding LINES lines; keeps what did not go. */
static int write_queued(struct output *o, size_t n, size_t lines)
{
	size_t done;
	int r = write_all(o->fd, o->queue.data, n, &done);

	o->size += done;
	if (r == 0) {
		o->c.lines += lines;
		o->queued_lines -= lines;
		o->mid_line = false;
	} else if (done) {
		/* The retry completes the line cut in two; nothing may come between. */
		o->mid_line = o->queue.data[done - 1] != '\n';
	}
	memmove(o->queue.data, o->queue.data + done, o->queue.len - done);
	o->queue.len -= done;
	return r;
}

int output_flush(struct output *o)
{
	int r = 0;

	if (o->journal) {
		/* A negative answer means "still queued"; drops are counted by the sink. */
		sink_journal_flush(o->journal);
		o->c.lost = sink_journal_counters(o->journal)->dropped;
		return 0;
	}
	if (o->mid_line) {
		const char *nl = memchr(o->queue.data, '\n', o->queue.len);

		r = write_queued(o, (size_t)(nl - o->queue.data) + 1, 1);
	}
	if (r == 0 && o->lost_unreported)
		r = write_loss_line(o);
	if (r == 0 && o->queue.len)
		r = write_queued(o, o->queue.len, o->queued_lines);
	if (r < 0) {
		o->c.errors++;
		if (o->failing != r)
			fprintf(stderr, "auscribe: Failed to write to '%s': %s; retrying, counting what "
					"cannot be kept\n", o->name, strerror(-r));
		o->failing = r;
	} else if (o->failing) {
		fprintf(stderr, "auscribe: writing to '%s' works again\n", o->name);
		o->failing = 0;
	}
	return r;
}

/* Drops the queued lines (counted lost), but not the rest of a line cut in two. */
static void drop_queue(struct output *o, size_t extra)
{
	size_t keep = 0, kept_lines = 0;

	if (o->mid_line) {
		keep = (size_t)((const char *)memchr(o->queue.data, '\n', o->queue.len) - o->queue.data) + 1;
		kept_lines = 1;
	}
	o->lost_unreported += o->queued_lines - kept_lines + extra;
	o->c.lost += o->queued_lines - kept_lines + extra;
	o->queued_lines = kept_lines;
	o->queue.len = keep;
}

static int rotated_name(const struct output *o, unsigned gen, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s.%u", o->base, gen);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* NAME.N-1 -> NAME.N ... NAME -> NAME.1 (or NAME removed), then a new NAME. */
static int rotate(struct output *o)
{
	size_t len = strlen(o->base) + OUTPUT_SUFFIX_MAX;
	char *from = malloc(len), *to = malloc(len);
	int fd, r = 0;
	uint64_t size;

	if (!from || !to) {
		r = -ENOMEM;
		goto out;
	}
	for (unsigned g = o->generations; g > 1; g--) {
		if (rotated_name(o, g - 1, from, len) < 0 || rotated_name(o, g, to, len) < 0) {
			r = -ENAMETOOLONG;
			goto out;
		}
		if (renameat(o->dirfd, from, o->dirfd, to) < 0 && errno != ENOENT) {
			r = -errno;
			goto out;
		}
	}
	if (o->generations) {
		rotated_name(o, 1, to, len);
		if (renameat(o->dirfd, o->base, o->dirfd, to) < 0)
			r = -errno;
	} else if (unlinkat(o->dirfd, o->base, 0) < 0) {
		r = -errno;
	}
	if (r < 0)
		goto out;
	fd = open_file(o, &size);
	if (fd < 0) {
		r = fd;
		goto out;
	}
	close(o->fd);
	o->fd = fd;
	o->size = size;
	o->c.rotations++;
out:
	if (r < 0)
		fprintf(stderr, "auscribe: Failed to rotate '%s': %s; still writing to it\n", o->name,
			strerror(-r));
	free(from);
	free(to);
	return r;
}

int output_write(struct output *o, const struct event *ev, const struct enrichment *enr, const char *line,
		 size_t len)
{
	size_t need = o->prefix_len + len + 1;
	int r = 0;

	if (o->journal) {
		r = sink_journal_write(o->journal, ev, enr, line, len);
		o->c.lost = sink_journal_counters(o->journal)->dropped;
		if (r == 0)
			o->c.lines++;
		return r;
	}
	if (o->rotate_size && o->size + o->queue.len > 0 && o->size + o->queue.len + need > o->rotate_size &&
	    !o->failing) {
		r = output_flush(o);
		if (r == 0)
			rotate(o);
	}
	if (o->failing && o->queue.len + need > OUTPUT_MAX_QUEUED) {
		/* Still failing and no room: these lines are lost, and counted. */
		drop_queue(o, 1);
		return o->failing;
	}
	buf_add(&o->queue, o->prefix, o->prefix_len);
	buf_add(&o->queue, line, len);
	buf_addc(&o->queue, '\n');
	if (buf_oom(&o->queue)) {
		o->queue.oom = false;
		drop_queue(o, 1);
		return -ENOMEM;
	}
	o->queued_lines++;
	if (o->queue.len >= OUTPUT_FLUSH_BYTES && !o->failing)
		r = output_flush(o);
	return r < 0 ? r : o->failing;
}

uint64_t output_close(struct output *o)
{
	uint64_t lost;

	if (!o)
		return 0;
	if (o->journal)
		o->c.lost = sink_journal_close(o->journal);
	if (o->fd >= 0 && (o->queue.len || o->lost_unreported) && output_flush(o) < 0) {
		o->c.lost += o->queued_lines;
		fprintf(stderr, "auscribe: '%s': %" PRIu64 " lines could not be written before exit\n", o->name,
			(uint64_t)o->queued_lines);
	}
	lost = o->c.lost;
	if (o->owned)
		close(o->fd);
	if (o->dirfd >= 0)
		close(o->dirfd);
	buf_done(&o->queue);
	free(o->name);
	free(o->prefix);
	free(o->acl_text);
	free(o);
	return lost;
}

int output_reopen(struct output *o)
{
	uint64_t size;
	int fd;

	if (!o->owned)
		return 0; /* stdout, journald */
	fd = open_file(o, &size);
	if (fd < 0)
		return fd;
	close(o->fd);
	o->fd = fd;
	o->size = size;
	return 0;
}

const char *output_name(const struct output *o)
{
	return o->name;
}

const struct output_counters *output_counters(struct output *o)
{
	o->c.queued = o->journal ? sink_journal_counters(o->journal)->queued_now : o->queued_lines;
	return &o->c;
}
