// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * procfs: reads of ROOT/PID/{stat,exe,cgroup,status,environ,root} and the
 * pure parsers for their text. ROOT is "/proc", a fixture tree, or a
 * host's /proc mounted elsewhere; nothing is cached, nothing is logged.
 *
 * Policies:
 * - Every read is bounded: small files are read into a stack buffer of a
 *   named size and cut there; status and environ are streamed in
 *   PROCFS_IO_CHUNK pieces, so a huge Groups: line or environment costs
 *   no memory, and a record split across two pieces is joined again.
 * - A process that is gone answers -ENOENT, whether the kernel says
 *   ENOENT (no such directory) or ESRCH (the task died between open()
 *   and read()).
 * - Files are opened O_NOFOLLOW: under a fixture root, a symlink where a
 *   file belongs is refused (ELOOP) instead of being followed out of the
 *   tree. exe and root are links by nature and are read as links.
 * - The environment is read only for the names asked for; the buffers
 *   that held it are cleared before return (explicit_bzero), so secrets
 *   of other variables do not linger on the stack.
 */
#include "config.h"

#include "procfs.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Longest path built (ROOT/PID/FILE, ROOT/PID/root + PATH): the kernel's own limit. */
#define PROCFS_PATH_MAX PATH_MAX
/* Bytes of stat read: field 22 ends within ~450 bytes (pid, 17-byte comm, 20 numbers). */
#define PROCFS_STAT_READ_MAX 1024
/* Piece size for streamed reads (status, environ): one page, as the kernel serves them. */
#define PROCFS_IO_CHUNK 4096
/* Longest status line looked at: NSpid has at most 33 levels (MAX_PID_NS_LEVEL 32) of 11 bytes. */
#define PROCFS_STATUS_LINE_MAX 512
/* Longest environment variable name matched; longer ones are skipped (real names are short). */
#define PROCFS_ENV_NAME_MAX 256
/* Longest environment record kept: a name, '=', and a value at its limit. */
#define PROCFS_ENV_RECORD_MAX (PROCFS_ENV_NAME_MAX + 1 + PROCFS_ENV_VALUE_MAX)
/* First size of the pid array; it doubles from there. */
#define PROCFS_PIDS_INITIAL 512
/* Most pids listed: the kernel's PID_MAX_LIMIT; a root with more entries is not a /proc. */
#define PROCFS_PIDS_MAX (4u * 1024 * 1024)
/* Fastest clock tick rate accepted: 1 GHz; anything faster is not a USER_HZ. */
#define PROCFS_HZ_MAX 1000000000L

/* openat2(2) ABI (linux/openat2.h), spelled out so no libc's own copy can clash. */
struct procfs_open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
#define PROCFS_RESOLVE_NO_MAGICLINKS 0x02
#define PROCFS_RESOLVE_IN_ROOT 0x10

/* -errno for ERR, with ESRCH (a task that died under us) reported as -ENOENT. */
static int neg_errno(int err)
{
	if (err == ESRCH)
		return -ENOENT;
	return err > 0 ? -err : -EIO;
}

/* Writes ROOT/PID/NAME into BUF (SIZE bytes). -ENAMETOOLONG if it does not fit. */
static int pid_path(char *buf, size_t size, const char *root, uint32_t pid, const char *name)
{
	int n;

	assert(root);
	n = snprintf(buf, size, "%s/%" PRIu32 "/%s", root, pid, name);
	if (n < 0)
		return -EINVAL;
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	return 0;
}

/* Opens ROOT/PID/NAME for reading. Returns the fd, or -errno. */
static int open_pid_file(const char *root, uint32_t pid, const char *name)
{
	char path[PROCFS_PATH_MAX];
	int fd, r;

	r = pid_path(path, sizeof(path), root, pid, name);
	if (r < 0)
		return r;
	fd = openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	if (fd < 0)
		return neg_errno(errno);
	return fd;
}

/*
 * Reads ROOT/PID/NAME into BUF, at most SIZE bytes (the rest is not
 * read), without a NUL. Returns the number of bytes, or -errno.
 */
static int read_pid_file(const char *root, uint32_t pid, const char *name, char *buf, size_t size)
{
	size_t len = 0;
	int fd, r = 0;

	if (size > INT_MAX)
		size = INT_MAX;
	fd = open_pid_file(root, pid, name);
	if (fd < 0)
		return fd;
	/* seq_file hands out its text piece by piece: read until EOF or full. */
	while (len < size) {
		ssize_t n = read(fd, buf + len, size - len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = neg_errno(errno);
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	return r < 0 ? r : (int)len;
}

/*
 * Called by read_records() for each record, REC borrowed; CUT when the
 * record was longer than the record buffer and only its start is in REC.
 * Returns < 0 to stop with that error, > 0 to stop, 0 to go on.
 */
typedef int (*record_fn)(const char *rec, size_t len, bool cut, void *userdata);

/*
 * Streams FD to its end in PROCFS_IO_CHUNK pieces and calls FN for every
 * record ending in SEP (and a last one without), joined in REC (SIZE
 * bytes) when split across pieces. Clears its piece buffer before
 * return; the caller clears REC. Returns 0, or FN's or read()'s -errno.
 */
static int read_records(int fd, char sep, char *rec, size_t size, record_fn fn, void *userdata)
{
	char chunk[PROCFS_IO_CHUNK];
	size_t rec_len = 0;
	bool cut = false;
	int r = 0;

	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		const char *p = chunk, *end;

		if (n < 0) {
			if (errno == EINTR)
				continue;
			r = neg_errno(errno);
			goto out;
		}
		if (n == 0)
			break;
		end = chunk + n;
		while (p < end) {
			const char *s = memchr(p, sep, (size_t)(end - p));
			size_t piece = (size_t)((s ? s : end) - p);
			size_t room = size - rec_len;

			if (piece > room) {
				piece = room;
				cut = true;
			}
			memcpy(rec + rec_len, p, piece);
			rec_len += piece;
			if (!s)
				break;
			r = fn(rec, rec_len, cut, userdata);
			rec_len = 0;
			cut = false;
			if (r != 0)
				goto out;
			p = s + 1;
		}
	}
	if (rec_len > 0 || cut)
		r = fn(rec, rec_len, cut, userdata);
out:
	explicit_bzero(chunk, sizeof(chunk));
	return r < 0 ? r : 0;
}

/* Parses [P, END): decimal digits only, at least one, at most MAX. */
static bool parse_dec(const char *p, const char *end, uint64_t max, uint64_t *ret)
{
	uint64_t v = 0;

	if (p >= end)
		return false;
	for (; p < end; p++) {
		unsigned d;

		if (*p < '0' || *p > '9')
			return false;
		d = (unsigned)(*p - '0');
		if (v > (max - d) / 10)
			return false;
		v = v * 10 + d;
	}
	*ret = v;
	return true;
}

/*
 * Format (proc(5)): "PID (COMM) STATE PPID ... STARTTIME ...", one space
 * between fields. COMM is whatever the process named itself, spaces and
 * ')' included, so it ends at the last ')' of the text: all fields after
 * it are numbers or the one-letter state.
 */
int procfs_parse_stat(const char *text, size_t len, struct procfs_stat *ret)
{
	const char *end = text + len, *p, *comm, *close;
	struct procfs_stat st = { 0 };
	size_t comm_len;
	uint64_t v;

	assert(text || len == 0);
	assert(ret);
	if (len == 0)
		return -EBADMSG;
	p = memchr(text, ' ', len);
	if (!p || !parse_dec(text, p, UINT32_MAX, &v))
		return -EBADMSG;
	st.pid = (uint32_t)v;
	if (++p == end || *p != '(')
		return -EBADMSG;
	comm = p + 1;
	close = memrchr(comm, ')', (size_t)(end - comm));
	if (!close)
		return -EBADMSG;
	comm_len = (size_t)(close - comm);
	if (comm_len > PROCFS_COMM_MAX)
		comm_len = PROCFS_COMM_MAX;
	memcpy(st.comm, comm, comm_len);
	st.comm[comm_len] = '\0';

	p = close + 1;
	for (int field = 3; field <= 22; field++) {
		const char *tok;

		if (p == end || *p != ' ')
			return -EBADMSG;
		tok = ++p;
		while (p < end && *p != ' ' && *p != '\n')
			p++;
		if (p == tok)
			return -EBADMSG;
		if (field == 4) {
			if (!parse_dec(tok, p, UINT32_MAX, &v))
				return -EBADMSG;
			st.ppid = (uint32_t)v;
		} else if (field == 22) {
			if (!parse_dec(tok, p, UINT64_MAX, &st.start_ticks))
				return -EBADMSG;
		}
	}
	*ret = st;
	return 0;
}

int procfs_read_stat(const char *root, uint32_t pid, struct procfs_stat *ret)
{
	char buf[PROCFS_STAT_READ_MAX];
	int n;

	n = read_pid_file(root, pid, "stat", buf, sizeof(buf));
	if (n < 0)
		return n;
	return procfs_parse_stat(buf, (size_t)n, ret);
}

/*
 * The link is returned as the kernel gives it. For an executable that
 * was deleted or replaced after the exec, that ends in " (deleted)": the
 * suffix is kept, as LAUREL keeps it, since it is the only trace of the
 * fact (and a file may really be named so; we cannot tell them apart).
 */
int procfs_read_exe(const char *root, uint32_t pid, char *buf, size_t size)
{
	char path[PROCFS_PATH_MAX];
	ssize_t n;
	int r;

	r = pid_path(path, sizeof(path), root, pid, "exe");
	if (r < 0)
		return r;
	if (size == 0)
		return -ENAMETOOLONG;
	if (size > INT_MAX)
		size = INT_MAX;
	n = readlinkat(AT_FDCWD, path, buf, size);
	if (n < 0)
		return neg_errno(errno);
	/* readlink() does not say whether it cut: a full buffer may have. */
	if ((size_t)n >= size)
		return -ENAMETOOLONG;
	buf[n] = '\0';
	return (int)n;
}

/*
 * Exact integer arithmetic: STARTTIME / HZ seconds after boot is
 * ticks / hz * 1000 + (ticks % hz) * 1000 / hz milliseconds, and
 * realtime - (boottime - that) is computed without a negative step.
 * Returns 0 when it cannot be computed (HZ out of range, a start before
 * the epoch, absurd tick counts).
 */
uint64_t procfs_start_ms(uint64_t start_ticks, long hz, uint64_t realtime_ms, uint64_t boottime_ms)
{
	uint64_t uhz, secs, since_boot, diff;

	if (hz <= 0 || hz > PROCFS_HZ_MAX)
		return 0;
	uhz = (uint64_t)hz;
	secs = start_ticks / uhz;
	if (secs > (UINT64_MAX - 1000) / 1000)
		return 0;
	since_boot = secs * 1000 + start_ticks % uhz * 1000 / uhz;

	if (since_boot >= boottime_ms) {
		/* Started "after now": clocks read before the stat. Saturate. */
		diff = since_boot - boottime_ms;
		return realtime_ms > UINT64_MAX - diff ? UINT64_MAX : realtime_ms + diff;
	}
	diff = boottime_ms - since_boot;
	return diff > realtime_ms ? 0 : realtime_ms - diff;
}

/* Lines come in 256-byte pieces: a longer line (intr) only splits, and no piece of it starts "btime". */
int procfs_read_btime(const char *root, uint64_t *ret)
{
	char path[PROCFS_PATH_MAX], line[256];
	unsigned long long btime = 0;
	bool found = false;
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/stat", root) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return neg_errno(errno);
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "btime %llu", &btime) == 1;
	fclose(f);
	if (!found)
		return -EBADMSG;
	*ret = btime;
	return 0;
}

int procfs_read_cgroup(const char *root, uint32_t pid, char *buf, size_t size)
{
	int n;

	if (size == 0)
		return -EINVAL;
	n = read_pid_file(root, pid, "cgroup", buf, size - 1);
	if (n < 0)
		return n;
	buf[n] = '\0';
	return n;
}

/*
 * The path of the first line of a cgroup file, "ID:CONTROLLERS:PATH"
 * (the path itself may contain ':'), in [*RET_PATH, *RET_END).
 */
static bool cgroup_first_path(const char *cgroup, size_t len, const char **ret_path, const char **ret_end)
{
	const char *eol, *c1, *c2;

	if (!cgroup || len == 0)
		return false;
	eol = memchr(cgroup, '\n', len);
	if (!eol)
		eol = cgroup + len;
	c1 = memchr(cgroup, ':', (size_t)(eol - cgroup));
	if (!c1)
		return false;
	c2 = memchr(c1 + 1, ':', (size_t)(eol - c1 - 1));
	if (!c2)
		return false;
	*ret_path = c2 + 1;
	*ret_end = eol;
	return true;
}

static bool is_lower_hex(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((p[i] >= '0' && p[i] <= '9') || (p[i] >= 'a' && p[i] <= 'f')))
			return false;
	return true;
}

static bool is_any_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/*
 * The id in one path component (".scope" already stripped): its last 64
 * characters (runtime-<id>), else its first 64 (<id>-suffix), when they
 * are lower-case hex and not part of a longer hex run: 65 hex digits are
 * no container id. Returns the start of the id, or NULL.
 */
static const char *component_id(const char *p, size_t n)
{
	const size_t id = PROCFS_CONTAINER_ID_LEN;

	if (n < id)
		return NULL;
	if (is_lower_hex(p + n - id, id) && (n == id || !is_any_hex(p[n - id - 1])))
		return p + n - id;
	if (n > id && is_lower_hex(p, id) && !is_any_hex(p[id]))
		return p;
	return NULL;
}

/*
 * The first component that holds an id wins: for nested containers
 * (/docker/<outer>/docker/<inner>) that is the outermost, the one the
 * host knows, as in LAUREL.
 */
/* The container id in one cgroup path [P, END), as procfs_container_id() describes. */
static bool path_container_id(const char *p, const char *end, char ret[PROCFS_CONTAINER_ID_LEN + 1])
{
	static const char scope[] = ".scope";
	const size_t scope_len = sizeof(scope) - 1;

	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;
		size_t n = (size_t)(stop - p);
		const char *id;

		if (n >= scope_len && memcmp(stop - scope_len, scope, scope_len) == 0)
			n -= scope_len;
		id = component_id(p, n);
		if (id) {
			memcpy(ret, id, PROCFS_CONTAINER_ID_LEN);
			ret[PROCFS_CONTAINER_ID_LEN] = '\0';
			return true;
		}
		p = stop + 1;
	}
	return false;
}

/*
 * Every line is tried, first to last: on cgroup v1 and hybrid hosts the
 * first line is the highest-numbered hierarchy, which may be "/" when the
 * runtime did not place the process in it (LAUREL tries every line too).
 */
bool procfs_container_id(const char *cgroup, size_t len, char ret[PROCFS_CONTAINER_ID_LEN + 1])
{
	const char *p, *end;

	while (len > 0 && cgroup_first_path(cgroup, len, &p, &end)) {
		size_t used;

		if (path_container_id(p, end, ret))
			return true;
		used = (size_t)(end - cgroup) + 1;
		if (used >= len)
			break;
		cgroup += used;
		len -= used;
	}
	return false;
}

/*
 * Names are written in path order, outermost first. The first one that
 * does not fit ends the list, so what is written is always a prefix of
 * the whole list, never with a gap or a partial name.
 */
size_t procfs_systemd_services(const char *cgroup, size_t len, char *buf, size_t size)
{
	static const char service[] = ".service";
	const size_t service_len = sizeof(service) - 1;
	const char *p, *end;
	size_t used = 0, count = 0;

	if (!cgroup_first_path(cgroup, len, &p, &end))
		return 0;
	while (p < end) {
		const char *slash = memchr(p, '/', (size_t)(end - p));
		const char *stop = slash ? slash : end;
		size_t n = (size_t)(stop - p);

		if (n > service_len && memcmp(stop - service_len, service, service_len) == 0) {
			n -= service_len;
			if (n + 1 > size - used)
				break;
			memcpy(buf + used, p, n);
			buf[used + n] = '\0';
			used += n + 1;
			count++;
		}
		p = stop + 1;
	}
	return count;
}

struct nspid_ctx {
	bool found;
	bool is_init;
};

/* "NSpid:\t<pid in the root ns>\t...\t<pid in its own ns>": the last is 1 for an init. */
static int nspid_record(const char *rec, size_t len, bool cut, void *userdata)
{
	static const char key[] = "NSpid:";
	const size_t key_len = sizeof(key) - 1;
	struct nspid_ctx *ctx = userdata;
	const char *p = rec + key_len, *end = rec + len, *last = NULL, *last_end = NULL;
	uint64_t v;

	if (len < key_len || memcmp(rec, key, key_len) != 0)
		return 0;
	if (cut)
		return -EBADMSG;
	while (p < end) {
		const char *tok;

		while (p < end && (*p == '\t' || *p == ' '))
			p++;
		tok = p;
		while (p < end && *p != '\t' && *p != ' ')
			p++;
		if (p > tok) {
			if (!parse_dec(tok, p, UINT32_MAX, &v))
				return -EBADMSG;
			last = tok;
			last_end = p;
		}
	}
	if (!last || !parse_dec(last, last_end, UINT32_MAX, &v))
		return -EBADMSG;
	ctx->found = true;
	ctx->is_init = v == 1;
	return 1;
}

/* Kernels before 4.1 have no NSpid line: the answer is then false, not an error. */
int procfs_read_is_init(const char *root, uint32_t pid, bool *ret)
{
	char line[PROCFS_STATUS_LINE_MAX];
	struct nspid_ctx ctx = { 0 };
	int fd, r;

	assert(ret);
	fd = open_pid_file(root, pid, "status");
	if (fd < 0)
		return fd;
	r = read_records(fd, '\n', line, sizeof(line), nspid_record, &ctx);
	close(fd);
	if (r < 0)
		return r;
	*ret = ctx.found && ctx.is_init;
	return 0;
}

struct env_ctx {
	const char *const *names;
	size_t n_names;
	procfs_env_fn fn;
	void *userdata;
	int matches;
};

/* NAME (LEN bytes) against the exact names and 'PREFIX*' patterns of CTX. */
static bool env_name_wanted(const struct env_ctx *ctx, const char *name, size_t len)
{
	for (size_t i = 0; i < ctx->n_names; i++) {
		const char *pat = ctx->names[i];
		size_t plen = strlen(pat);

		if (plen > 0 && pat[plen - 1] == '*') {
			if (len >= plen - 1 && memcmp(name, pat, plen - 1) == 0)
				return true;
		} else if (len == plen && memcmp(name, pat, len) == 0) {
			return true;
		}
	}
	return false;
}

/* One "NAME=VALUE" record of environ; a cut record keeps its whole name and enough value. */
static int env_record(const char *rec, size_t len, bool cut, void *userdata)
{
	struct env_ctx *ctx = userdata;
	size_t reach = len < PROCFS_ENV_NAME_MAX + 1 ? len : PROCFS_ENV_NAME_MAX + 1;
	const char *eq = memchr(rec, '=', reach);
	size_t name_len, value_len;

	/* No '=' within reach: not a variable, or a name over PROCFS_ENV_NAME_MAX. */
	if (!eq || eq == rec)
		return 0;
	name_len = (size_t)(eq - rec);
	if (!env_name_wanted(ctx, rec, name_len))
		return 0;
	value_len = len - name_len - 1;
	if (value_len > PROCFS_ENV_VALUE_MAX)
		value_len = PROCFS_ENV_VALUE_MAX;
	ctx->fn(rec, name_len, eq + 1, value_len, ctx->userdata);
	ctx->matches++;
	return ctx->matches == INT_MAX ? 1 : 0;
}

int procfs_read_environ(const char *root, uint32_t pid, const char *const *names, size_t n_names,
			procfs_env_fn fn, void *userdata)
{
	char rec[PROCFS_ENV_RECORD_MAX];
	struct env_ctx ctx = {
		.names = names,
		.n_names = n_names,
		.fn = fn,
		.userdata = userdata,
	};
	int fd, r;

	assert(fn);
	assert(names || n_names == 0);
	if (n_names == 0)
		return 0;
	fd = open_pid_file(root, pid, "environ");
	if (fd < 0)
		return fd;
	r = read_records(fd, '\0', rec, sizeof(rec), env_record, &ctx);
	close(fd);
	explicit_bzero(rec, sizeof(rec));
	return r < 0 ? r : ctx.matches;
}

/* A pid directory name: digits, no leading zero (so not "0"), within uint32_t. */
static bool parse_pid_name(const char *name, uint32_t *ret)
{
	uint64_t v;

	if (name[0] < '1' || name[0] > '9')
		return false;
	if (!parse_dec(name, name + strlen(name), UINT32_MAX, &v))
		return false;
	*ret = (uint32_t)v;
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

int procfs_list_pids(const char *root, uint32_t **ret, size_t *ret_n)
{
	size_t n = 0, cap = PROCFS_PIDS_INITIAL, kept;
	uint32_t *pids = NULL;
	DIR *dir;
	int fd, r = 0;

	assert(root && ret && ret_n);
	fd = openat(AT_FDCWD, root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return neg_errno(errno);
	dir = fdopendir(fd);
	if (!dir) {
		r = -errno;
		close(fd);
		return r;
	}
	pids = malloc(cap * sizeof(*pids));
	if (!pids) {
		r = -ENOMEM;
		goto out;
	}
	for (;;) {
		struct dirent *de;
		uint32_t pid;

		errno = 0;
		de = readdir(dir);
		if (!de) {
			if (errno)
				r = neg_errno(errno);
			break;
		}
		if (!parse_pid_name(de->d_name, &pid))
			continue;
		if (n == cap) {
			uint32_t *p;

			if (cap >= PROCFS_PIDS_MAX) {
				r = -E2BIG;
				break;
			}
			p = realloc(pids, 2 * cap * sizeof(*pids));
			if (!p) {
				r = -ENOMEM;
				break;
			}
			pids = p;
			cap *= 2;
		}
		pids[n++] = pid;
	}
	if (r < 0)
		goto out;

	qsort(pids, n, sizeof(*pids), cmp_u32);
	/* A directory changing while it is read may repeat an entry. */
	kept = 0;
	for (size_t i = 0; i < n; i++)
		if (kept == 0 || pids[kept - 1] != pids[i])
			pids[kept++] = pids[i];
	*ret = pids;
	*ret_n = kept;
	pids = NULL;
out:
	free(pids);
	closedir(dir);
	return r;
}

/*
 * ROOT/PID/root is a magic link into the process's root directory, but
 * an absolute symlink met below it would be resolved against OUR root.
 * openat2(RESOLVE_IN_ROOT) keeps the whole walk inside the process's
 * root; without it (kernel < 5.6, or a seccomp filter that says ENOSYS
 * or EPERM) the walk is the plain one, as stat(ROOT/PID/root/PATH).
 */
int procfs_stat_in_root(const char *root, uint32_t pid, const char *path, struct stat *ret)
{
	char dir[PROCFS_PATH_MAX];
	const char *rel;
	int dfd, r;

	assert(ret);
	if (!path || path[0] != '/')
		return -EINVAL;
	r = pid_path(dir, sizeof(dir), root, pid, "root");
	if (r < 0)
		return r;
	if (strlen(dir) + strlen(path) >= sizeof(dir))
		return -ENAMETOOLONG;
	dfd = openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return neg_errno(errno);

#ifdef SYS_openat2
	{
		struct procfs_open_how how = {
			.flags = O_PATH | O_CLOEXEC,
			.resolve = PROCFS_RESOLVE_IN_ROOT | PROCFS_RESOLVE_NO_MAGICLINKS,
		};
		long fd = syscall(SYS_openat2, dfd, path, &how, sizeof(how));

		if (fd >= 0) {
			r = fstat((int)fd, ret) < 0 ? neg_errno(errno) : 0;
			close((int)fd);
			goto out;
		}
		/* EAGAIN: a rename raced the walk; the plain walk has no such check. */
		if (errno != ENOSYS && errno != EPERM && errno != EAGAIN) {
			r = neg_errno(errno);
			goto out;
		}
	}
#endif
	rel = path + strspn(path, "/");
	r = fstatat(dfd, *rel ? rel : ".", ret, 0) < 0 ? neg_errno(errno) : 0;
#ifdef SYS_openat2
out:
#endif
	close(dfd);
	return r;
}
