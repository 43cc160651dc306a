/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * Unit-test helpers: files and directories of a fixture tree (a proc
 * root) built in a temporary directory. Include after <cmocka.h>; every
 * failure is a test failure.
 */

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* snprintf() into BUF that must not be cut. */
__attribute__((format(printf, 3, 4))) static inline void fmt(char *buf, size_t size, const char *format, ...)
{
	va_list ap;
	int n;

	va_start(ap, format);
	n = vsnprintf(buf, size, format, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < size);
}

/* mkdir -p DIR/REL's parent directories. */
static inline void make_parents(const char *dir, const char *rel)
{
	char path[PATH_MAX];

	fmt(path, sizeof(path), "%s/%s", dir, rel);
	for (char *p = path + strlen(dir) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		assert_true(mkdir(path, 0755) == 0 || errno == EEXIST);
		*p = '/';
	}
}

/* Writes DIR/REL with DATA (LEN bytes), creating its directories. */
static inline void put_file(const char *dir, const char *rel, const void *data, size_t len)
{
	char path[PATH_MAX];
	int fd;

	make_parents(dir, rel);
	fmt(path, sizeof(path), "%s/%s", dir, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)data + off, len - off);

		assert_true(n > 0);
		off += (size_t)n;
	}
	assert_int_equal(close(fd), 0);
}

static inline void put_text(const char *dir, const char *rel, const char *text)
{
	put_file(dir, rel, text, strlen(text));
}

/* Makes DIR/REL a symlink to TARGET. */
static inline void put_link(const char *dir, const char *rel, const char *target)
{
	char path[PATH_MAX];

	make_parents(dir, rel);
	fmt(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(symlink(target, path), 0);
}

static inline int fixture_rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -r DIR, without following symlinks. */
static inline void rm_tree(const char *dir)
{
	assert_int_equal(nftw(dir, fixture_rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
}
