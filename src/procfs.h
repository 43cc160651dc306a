/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/*
 * Reads of /proc/PID/... under a root directory given by the caller
 * ("/proc", or a fixture tree in tests, or a host's /proc mounted in a
 * container). No caching, no logging, no globals. Pure parsers are
 * separate from the reads so tests and fuzzers can call them directly.
 *
 * Return convention: >= 0 on success, -ENOENT when the process (or the
 * file) is gone, -EACCES/-EPERM when not allowed, -EBADMSG when the
 * content cannot be parsed, other -errno.
 */

/* Longest comm, as the kernel keeps it (TASK_COMM_LEN - 1). */
#define PROCFS_COMM_MAX 15
/* Length of a container id: 64 lower-case hex digits. */
#define PROCFS_CONTAINER_ID_LEN 64

struct procfs_stat {
	uint32_t pid;
	uint32_t ppid;
	char comm[PROCFS_COMM_MAX + 1];  /* NUL-terminated, as in the file */
	uint64_t start_ticks;             /* field 22: clock ticks after boot */
};

/* Pure: parses the text of /proc/PID/stat (LEN bytes). */
int procfs_parse_stat(const char *text, size_t len, struct procfs_stat *ret);

/* Reads ROOT/PID/stat. */
int procfs_read_stat(const char *root, uint32_t pid, struct procfs_stat *ret);

/*
 * Reads the ROOT/PID/exe link into BUF (SIZE bytes, NUL-terminated).
 * Returns the length; -ENAMETOOLONG if it does not fit.
 */
int procfs_read_exe(const char *root, uint32_t pid, char *buf, size_t size);

/*
 * Start time of a process in milliseconds since the epoch, from its
 * START_TICKS, the clock tick rate HZ and the current CLOCK_REALTIME and
 * CLOCK_BOOTTIME in milliseconds (parameters, so tests are exact):
 * realtime - (boottime - ticks / hz).
 */
uint64_t procfs_start_ms(uint64_t start_ticks, long hz, uint64_t realtime_ms, uint64_t boottime_ms);

/*
 * The boot time in whole seconds since the epoch: the "btime" line of
 * ROOT/stat (the same for every reader, unlike CLOCK_REALTIME minus
 * CLOCK_BOOTTIME, which moves with NTP). -EBADMSG if the line is missing.
 */
int procfs_read_btime(const char *root, uint64_t *ret);

/*
 * Reads ROOT/PID/cgroup into BUF (SIZE bytes, NUL-terminated; longer
 * content is cut). Returns the length.
 */
int procfs_read_cgroup(const char *root, uint32_t pid, char *buf, size_t size);

/*
 * Pure: the container id in the text of a cgroup file: each line's path
 * in turn (cgroup v2 "0::/...", v1 "N:controllers:/..."), split at '/',
 * a ".scope" suffix stripped, and the component's first or last 64
 * characters when they are lower-case hex (docker-<id>.scope,
 * libpod-<id>.scope, cri-containerd-<id>.scope, crio-<id>.scope,
 * /docker/<id>, kubepods .../<id>). Writes 64 hex digits and a NUL into
 * RET and returns true, or returns false.
 */
bool procfs_container_id(const char *cgroup, size_t len, char ret[PROCFS_CONTAINER_ID_LEN + 1]);

/*
 * Pure: the systemd services in the text of a cgroup file: every path
 * component of the first line ending in ".service", without the suffix
 * ("user@1000", "emacs"), written to BUF as NUL-terminated strings one
 * after another (SIZE bytes; what does not fit is left out). Returns the
 * number of names written.
 */
size_t procfs_systemd_services(const char *cgroup, size_t len, char *buf, size_t size);

/*
 * Reads ROOT/PID/status and tells whether the process is init in its
 * own PID namespace (the last NSpid field is 1).
 */
int procfs_read_is_init(const char *root, uint32_t pid, bool *ret);

/*
 * Called for each environment variable that matched, NAME and VALUE not
 * NUL-terminated, borrowed until the callback returns.
 */
typedef void (*procfs_env_fn)(const char *name, size_t name_len, const char *value, size_t value_len,
			      void *userdata);

/*
 * Reads ROOT/PID/environ and calls FN for each variable whose name is in
 * NAMES (N_NAMES entries; an entry ending in '*' matches names starting
 * with what comes before it). Values longer than PROCFS_ENV_VALUE_MAX
 * bytes are cut there. Nothing else of the environment is kept: the read
 * buffer is cleared before return. Returns the number of matches.
 */
#define PROCFS_ENV_VALUE_MAX 4096
int procfs_read_environ(const char *root, uint32_t pid, const char *const *names, size_t n_names,
			procfs_env_fn fn, void *userdata);

/*
 * The numeric entries of ROOT (the live pids), sorted ascending, into a
 * new array in *RET (free with free()), their number in *RET_N.
 */
int procfs_list_pids(const char *root, uint32_t **ret, size_t *ret_n);

/*
 * stat() of PATH (absolute) as process PID sees it: ROOT/PID/root/PATH.
 */
int procfs_stat_in_root(const char *root, uint32_t pid, const char *path, struct stat *ret);
