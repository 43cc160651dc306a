// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_line_input: lines from pipes and temporary files. Several lines, a
 * last line without newline, empty lines, CR LF kept, NUL bytes, lines
 * around the read-block size, a 3 MiB line between two short ones, a
 * line beyond the 64 MiB limit (skipped and counted, neighbours intact),
 * a writer that trickles bytes through a pipe, and read errors.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "line_input.h"

/* Must match src/line_input.c. */
#define BLOCK (256 * 1024)
#define MAX_LINE (64 * 1024 * 1024)

/* ---- helpers ------------------------------------------------------------- */

static void write_all(int fd, const void *p, size_t len)
{
	const char *c = p;

	while (len) {
		ssize_t n = write(fd, c, len);

		if (n < 0 && errno == EINTR)
			continue;
		assert_true(n > 0);
		c += n;
		len -= (size_t)n;
	}
}

/* A pipe holding DATA (small enough for the pipe buffer), write end closed. */
static int pipe_with(const void *data, size_t len)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_true(len <= 4096);
	write_all(p[1], data, len);
	close(p[1]);
	return p[0];
}

/* A temporary file holding DATA, unlinked, positioned at its start. */
static int file_with(const void *data, size_t len)
{
	const char *tmp = getenv("TMPDIR");
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/test_line_input.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	unlink(path);
	write_all(fd, data, len);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* The next line must be WANT (LEN bytes). */
static void expect_line(struct line_input *in, const void *want, size_t len)
{
	const char *line = NULL;
	size_t got = 0;
	int r = line_input_next(in, &line, &got);

	if (r != 1)
		fail_msg("line_input_next() = %d, want a %zu-byte line", r, len);
	if (got != len)
		fail_msg("line of %zu bytes, want %zu", got, len);
	if (len)
		assert_memory_equal(line, want, len);
}

#define EXPECT_LINE(in, s) expect_line(in, s, sizeof(s) - 1)

static void expect_eof(struct line_input *in)
{
	const char *line = NULL;
	size_t len = 0;

	assert_int_equal(line_input_next(in, &line, &len), 0);
	/* And it stays at the end. */
	assert_int_equal(line_input_next(in, &line, &len), 0);
}

/* Byte I of a long test line: varied, never a newline. */
static char pattern(size_t i)
{
	return (char)('!' + (i * 7 + i / 251) % 90);
}

static void check_pattern(const char *line, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (line[i] != pattern(i))
			fail_msg("byte %zu of the long line: 0x%02x, want 0x%02x", i, (uint8_t)line[i],
				 (uint8_t)pattern(i));
}

/* ---- tests ---------------------------------------------------------------- */

static void test_lines(void **state)
{
	static const char data[] = "type=EOE msg=audit(1.002:3): \nbb\nccc\n";
	int fd = pipe_with(data, sizeof(data) - 1);
	struct line_input *in = line_input_new(fd);

	(void)state;
	assert_non_null(in);
	EXPECT_LINE(in, "type=EOE msg=audit(1.002:3): ");
	EXPECT_LINE(in, "bb");
	EXPECT_LINE(in, "ccc");
	expect_eof(in);
	assert_int_equal(line_input_too_long(in), 0);
	line_input_free(in);
	line_input_free(NULL);
	close(fd);
}

static void test_last_line_without_newline(void **state)
{
	static const char data[] = "first\nlast";
	int fd = pipe_with(data, sizeof(data) - 1);
	struct line_input *in = line_input_new(fd);

	(void)state;
	EXPECT_LINE(in, "first");
	EXPECT_LINE(in, "last");
	expect_eof(in);
	line_input_free(in);
	close(fd);

	/* Only a fragment. */
	fd = pipe_with("x", 1);
	in = line_input_new(fd);
	EXPECT_LINE(in, "x");
	expect_eof(in);
	line_input_free(in);
	close(fd);
}

static void test_empty(void **state)
{
	int fd = pipe_with("", 0);
	struct line_input *in = line_input_new(fd);

	(void)state;
	expect_eof(in);
	line_input_free(in);
	close(fd);

	/* Empty lines are lines; nothing after the last newline is not one. */
	fd = pipe_with("\n\na\n\n", 5);
	in = line_input_new(fd);
	EXPECT_LINE(in, "");
	EXPECT_LINE(in, "");
	EXPECT_LINE(in, "a");
	EXPECT_LINE(in, "");
	expect_eof(in);
	line_input_free(in);
	close(fd);
}

static void test_crlf_kept(void **state)
{
	static const char data[] = "x\r\ny\r\n\r\nz\r";
	int fd = pipe_with(data, sizeof(data) - 1);
	struct line_input *in = line_input_new(fd);

	(void)state;
	EXPECT_LINE(in, "x\r");
	EXPECT_LINE(in, "y\r");
	EXPECT_LINE(in, "\r");
	EXPECT_LINE(in, "z\r");
	expect_eof(in);
	line_input_free(in);
	close(fd);
}

static void test_nul_bytes(void **state)
{
	static const char data[] = "a\0b\n\0\n\xff\xfe\0\n";
	int fd = pipe_with(data, sizeof(data) - 1);
	struct line_input *in = line_input_new(fd);

	(void)state;
	EXPECT_LINE(in, "a\0b");
	EXPECT_LINE(in, "\0");
	EXPECT_LINE(in, "\xff\xfe\0");
	expect_eof(in);
	line_input_free(in);
	close(fd);
}

/* A 3 MiB line between two short ones, from a file. */
static void test_long_line(void **state)
{
	const size_t big = 3 * 1024 * 1024;
	size_t len = 0;
	char *data = malloc(big + 64);
	struct line_input *in;
	const char *line;
	size_t got;
	int fd;

	(void)state;
	assert_non_null(data);
	memcpy(data, "short one\n", 10);
	len = 10;
	for (size_t i = 0; i < big; i++)
		data[len++] = pattern(i);
	data[len++] = '\n';
	memcpy(data + len, "short two\n", 10);
	len += 10;
	fd = file_with(data, len);
	in = line_input_new(fd);
	assert_non_null(in);
	EXPECT_LINE(in, "short one");
	assert_int_equal(line_input_next(in, &line, &got), 1);
	assert_int_equal(got, big);
	check_pattern(line, got);
	EXPECT_LINE(in, "short two");
	expect_eof(in);
	assert_int_equal(line_input_too_long(in), 0);
	line_input_free(in);
	close(fd);
	free(data);
}

/* Lines of about the read-block size, back to back, ending at every offset near it. */
static void test_block_boundaries(void **state)
{
	static const size_t sizes[] = { BLOCK - 2, BLOCK - 1, BLOCK, BLOCK + 1, 1, 0, BLOCK * 2 - 1, 3 };
	const size_t n = sizeof(sizes) / sizeof(sizes[0]);
	size_t total = 0, len = 0;
	char *data;
	struct line_input *in;
	int fd;

	(void)state;
	for (size_t k = 0; k < n; k++)
		total += sizes[k] + 1;
	data = malloc(total);
	assert_non_null(data);
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < sizes[k]; i++)
			data[len++] = pattern(i + k);
		data[len++] = '\n';
	}
	fd = file_with(data, len);
	in = line_input_new(fd);
	for (size_t k = 0; k < n; k++) {
		const char *line;
		size_t got;

		assert_int_equal(line_input_next(in, &line, &got), 1);
		if (got != sizes[k])
			fail_msg("line %zu: %zu bytes, want %zu", k, got, sizes[k]);
		for (size_t i = 0; i < got; i++)
			if (line[i] != pattern(i + k))
				fail_msg("line %zu byte %zu differs", k, i);
	}
	expect_eof(in);
	line_input_free(in);
	close(fd);
	free(data);
}

/* Many lines of varying length through the reused buffer. */
static void test_many_lines(void **state)
{
	const size_t n = 50000;
	size_t total = 0, len = 0;
	char *data;
	struct line_input *in;
	int fd;

	(void)state;
	for (size_t k = 0; k < n; k++)
		total += k % 300 + 12;
	data = malloc(total);
	assert_non_null(data);
	for (size_t k = 0; k < n; k++) {
		int m = sprintf(data + len, "%010zu", k);

		len += (size_t)m;
		for (size_t i = 0; i < k % 300; i++)
			data[len++] = pattern(i);
		data[len++] = '\n';
	}
	assert_int_equal(len + n, total);
	fd = file_with(data, len);
	in = line_input_new(fd);
	for (size_t k = 0; k < n; k++) {
		const char *line;
		size_t got;
		char num[16];

		assert_int_equal(line_input_next(in, &line, &got), 1);
		snprintf(num, sizeof(num), "%010zu", k);
		if (got != 10 + k % 300 || memcmp(line, num, 10) != 0)
			fail_msg("line %zu: %zu bytes \"%.10s\"", k, got, line);
		check_pattern(line + 10, got - 10);
	}
	expect_eof(in);
	line_input_free(in);
	close(fd);
	free(data);
}

/* Beyond the limit: the line is skipped whole and counted; its neighbours are intact. */
static void test_too_long(void **state)
{
	const size_t big = MAX_LINE + 1024 * 1024;
	size_t len = 0;
	char *data = malloc(big + 64);
	struct line_input *in;
	int fd;

	(void)state;
	assert_non_null(data);
	memcpy(data, "before\n", 7);
	len = 7;
	memset(data + len, 'x', big);
	len += big;
	data[len++] = '\n';
	memcpy(data + len, "after\nend", 9);
	len += 9;
	fd = file_with(data, len);
	free(data);
	in = line_input_new(fd);
	EXPECT_LINE(in, "before");
	EXPECT_LINE(in, "after");
	EXPECT_LINE(in, "end");
	expect_eof(in);
	assert_int_equal(line_input_too_long(in), 1);
	line_input_free(in);
	close(fd);
}

/* A writer that sends a few bytes at a time, with pauses, through a pipe. */
static void test_trickle(void **state)
{
	static const char *const pieces[] = { "li", "ne1\nline", "2", "\n", "\n", "type=EOE", " x\nlast" };
	int p[2];
	pid_t pid;
	struct line_input *in;
	int status;

	(void)state;
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
			struct timespec ts = { 0, 20 * 1000 * 1000 };
			size_t n = strlen(pieces[i]);

			if (write(p[1], pieces[i], n) != (ssize_t)n)
				_exit(1);
			nanosleep(&ts, NULL);
		}
		_exit(0);
	}
	close(p[1]);
	in = line_input_new(p[0]);
	EXPECT_LINE(in, "line1");
	EXPECT_LINE(in, "line2");
	EXPECT_LINE(in, "");
	EXPECT_LINE(in, "type=EOE x");
	EXPECT_LINE(in, "last");
	expect_eof(in);
	line_input_free(in);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_read_error(void **state)
{
	struct line_input *in = line_input_new(-1);
	const char *line;
	size_t len;
	int fd;

	(void)state;
	assert_non_null(in);
	assert_int_equal(line_input_next(in, &line, &len), -EBADF);
	line_input_free(in);

	/* A directory: read() fails with EISDIR. */
	fd = open("/", 0);
	assert_true(fd >= 0);
	in = line_input_new(fd);
	assert_int_equal(line_input_next(in, &line, &len), -EISDIR);
	line_input_free(in);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_last_line_without_newline),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_crlf_kept),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_block_boundaries),
		cmocka_unit_test(test_many_lines),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_trickle),
		cmocka_unit_test(test_read_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
