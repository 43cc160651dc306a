/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * audit-capture: a development tool that joins the kernel audit multicast
 * group (AUDIT_NLGRP_READLOG) and writes every record to stdout as a raw
 * auditd log line, "type=NAME msg=audit(SEC.MSEC:SERIAL): body", EOE
 * included. It feeds the differential test data (tests/data/live/) and the
 * benchmark corpus; it is not part of the daemon.
 *
 * Kernel quirks handled here (see the peers study, reference/peers.md,
 * sections 2 and 4):
 * - On the multicast socket nlmsg_len is correct, so mnl_cb_run() can walk
 *   the datagram. The payload has no "type=" prefix (the type is
 *   nlmsg_type) and normally no trailing NUL; a trailing NUL or newline is
 *   stripped anyway so every record is exactly one line.
 * - Only the kernel (nl_pid 0) may speak: anything else is ignored, as are
 *   netlink and audit control types (below AUDIT_FIRST_USER_MSG).
 * - Multicast is best effort: when our receive queue is full the kernel
 *   drops records for us, reports ENOBUFS once per overrun episode and
 *   counts the drops in sk_drops (SO_MEMINFO). Both are reported at exit.
 *
 * Limits: CAPTURE_RCVBUF for the socket, CAPTURE_BUF_SIZE per datagram
 * (larger ones are counted as truncated and skipped).
 * Needs CAP_AUDIT_READ (bind) and CAP_NET_ADMIN (SO_RCVBUFFORCE; without it
 * the buffer is capped by net.core.rmem_max).
 */
#include "config.h"

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <libaudit.h>
#include <libmnl/libmnl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

/* Big enough to ride out a burst while stdout is slow (a pipe, a disk). */
#define CAPTURE_RCVBUF (64 * 1024 * 1024)
/* One datagram; the kernel has no record size limit, EXECVE chunks are ~7.5 kB. */
#define CAPTURE_BUF_SIZE (1024 * 1024)
/* Datagrams read per wakeup before checking signals and the deadline again. */
#define CAPTURE_BATCH 256

struct capture {
	struct mnl_socket *nl;
	int sigfd;
	uint64_t max_records;	/* 0: no limit */
	uint64_t records;
	uint64_t overruns;	/* ENOBUFS */
	uint64_t truncated;	/* MSG_TRUNC */
	uint64_t foreign;	/* sender nl_pid != 0 */
	bool write_error;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: audit-capture [-k SECONDS] [-n COUNT]\n"
		"Writes the kernel audit multicast stream (AUDIT_NLGRP_READLOG) to stdout\n"
		"as raw auditd lines: type=NAME msg=audit(SEC.MSEC:SERIAL): body\n"
		"\n"
		"  -k SECONDS  stop SECONDS after start (total wall-clock time, not idle time)\n"
		"  -n COUNT    stop after COUNT records have been written\n"
		"  -h          this help\n"
		"\n"
		"Stops cleanly on SIGINT or SIGTERM. At exit, prints the number of records,\n"
		"of ENOBUFS overruns and of kernel-side socket drops (SO_MEMINFO) on stderr.\n"
		"Needs CAP_AUDIT_READ; audit must be enabled (auditctl -e 1) for syscall rules.\n");
}

static int parse_u64(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		return -EINVAL;
	*ret = v;
	return 0;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static int on_record(const struct nlmsghdr *nlh, void *data)
{
	struct capture *c = data;
	const char *payload = mnl_nlmsg_get_payload(nlh);
	size_t len = mnl_nlmsg_get_payload_len(nlh);
	const char *name;

	if (nlh->nlmsg_type < AUDIT_FIRST_USER_MSG)
		return MNL_CB_OK;
	if (c->max_records && c->records >= c->max_records)
		return MNL_CB_STOP;

	while (len > 0 && (payload[len - 1] == '\0' || payload[len - 1] == '\n'))
		len--;

	name = audit_msg_type_to_name(nlh->nlmsg_type);
	if (name)
		printf("type=%s msg=", name);
	else
		printf("type=UNKNOWN[%u] msg=", (unsigned int)nlh->nlmsg_type);
	fwrite(payload, 1, len, stdout);
	putchar('\n');
	c->records++;
	return MNL_CB_OK;
}

/*
 * Reads up to CAPTURE_BATCH datagrams. Returns 1 if the queue may hold more,
 * 0 when it is empty, -errno on a fatal error.
 */
static int read_batch(struct capture *c, char *buf)
{
	int fd = mnl_socket_get_fd(c->nl);

	for (int i = 0; i < CAPTURE_BATCH; i++) {
		struct sockaddr_nl addr;
		struct iovec iov = { .iov_base = buf, .iov_len = CAPTURE_BUF_SIZE };
		struct msghdr msg = {
			.msg_name = &addr,
			.msg_namelen = sizeof(addr),
			.msg_iov = &iov,
			.msg_iovlen = 1,
		};
		ssize_t n;
		int r;

		n = recvmsg(fd, &msg, 0);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return 0;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				/* Records were dropped; the queue is readable again. */
				c->overruns++;
				continue;
			}
			return -errno;
		}
		if (msg.msg_flags & MSG_TRUNC) {
			c->truncated++;
			continue;
		}
		if (msg.msg_namelen != sizeof(addr) || addr.nl_pid != 0) {
			c->foreign++;
			continue;
		}
		r = mnl_cb_run(buf, n, 0, 0, on_record, c);
		if (r == MNL_CB_STOP && c->max_records && c->records >= c->max_records)
			return 0;
		/* A malformed datagram is data, not a reason to stop. */
	}
	return 1;
}

static int open_socket(struct capture *c)
{
	int fd, sz = CAPTURE_RCVBUF;

	c->nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!c->nl) {
		fprintf(stderr, "audit-capture: Failed to open NETLINK_AUDIT: %s\n", strerror(errno));
		return -errno;
	}
	fd = mnl_socket_get_fd(c->nl);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz)) < 0) {
		fprintf(stderr, "audit-capture: SO_RCVBUFFORCE failed (%s), using SO_RCVBUF capped by rmem_max\n",
			strerror(errno));
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	}
	/* mnl_socket_bind() takes a group mask. Binding checks CAP_AUDIT_READ. */
	if (mnl_socket_bind(c->nl, 1U << (AUDIT_NLGRP_READLOG - 1), MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		fprintf(stderr, "audit-capture: Failed to join the audit multicast group: %s%s\n",
			strerror(-r), r == -EPERM ? " (needs CAP_AUDIT_READ)" : "");
		return r;
	}
	return 0;
}

static int open_signals(struct capture *c)
{
	sigset_t mask;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
		return -errno;
	c->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	if (c->sigfd < 0)
		return -errno;
	/* A closed stdout pipe shows up as a write error instead of killing us. */
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

static uint32_t socket_drops(struct capture *c)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t len = sizeof(mem);

	if (getsockopt(mnl_socket_get_fd(c->nl), SOL_SOCKET, SO_MEMINFO, mem, &len) < 0 ||
	    len <= SK_MEMINFO_DROPS * sizeof(mem[0]))
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

static int run(struct capture *c, uint64_t deadline)
{
	char *buf = malloc(CAPTURE_BUF_SIZE);
	int r = 0;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		struct pollfd p[2] = {
			{ .fd = mnl_socket_get_fd(c->nl), .events = POLLIN },
			{ .fd = c->sigfd, .events = POLLIN },
		};
		int timeout = -1;

		if (deadline) {
			uint64_t now = now_ms();

			if (now >= deadline)
				break;
			timeout = deadline - now > INT_MAX ? INT_MAX : (int)(deadline - now);
		}
		r = poll(p, 2, timeout);
		if (r < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		if (r > 0 && p[1].revents) {
			r = 0;
			break;
		}
		r = 0;
		if (p[0].revents) {
			do
				r = read_batch(c, buf);
			while (r > 0 && !(c->max_records && c->records >= c->max_records) &&
			       poll(&p[1], 1, 0) == 0);
			if (r < 0) {
				fprintf(stderr, "audit-capture: Failed to receive: %s\n", strerror(-r));
				break;
			}
		}
		/* Flush while idle, so a reader of the pipe sees records promptly. */
		if (fflush(stdout) != 0) {
			c->write_error = true;
			break;
		}
		if (c->max_records && c->records >= c->max_records)
			break;
	}
	free(buf);
	return r;
}

int main(int argc, char **argv)
{
	struct capture c = { .sigfd = -1 };
	uint64_t seconds = 0, deadline = 0;
	int opt, r;

	while ((opt = getopt(argc, argv, "k:n:h")) != -1) {
		switch (opt) {
		case 'k':
			if (parse_u64(optarg, &seconds) < 0 || seconds > UINT32_MAX) {
				fprintf(stderr, "audit-capture: invalid -k '%s'\n", optarg);
				return 2;
			}
			break;
		case 'n':
			if (parse_u64(optarg, &c.max_records) < 0) {
				fprintf(stderr, "audit-capture: invalid -n '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

	r = open_signals(&c);
	if (r < 0) {
		fprintf(stderr, "audit-capture: Failed to set up signals: %s\n", strerror(-r));
		return 1;
	}
	r = open_socket(&c);
	if (r < 0)
		goto out;
	if (seconds)
		deadline = now_ms() + seconds * 1000;

	r = run(&c, deadline);
	if (fflush(stdout) != 0 || ferror(stdout))
		c.write_error = true;
	if (c.write_error)
		fprintf(stderr, "audit-capture: Failed to write to stdout: %s\n", strerror(errno));

	fprintf(stderr,
		"audit-capture: %" PRIu64 " records, %" PRIu64 " overruns (ENOBUFS), "
		"%" PRIu32 " socket drops, %" PRIu64 " truncated, %" PRIu64 " foreign\n",
		c.records, c.overruns, socket_drops(&c), c.truncated, c.foreign);
out:
	if (c.nl)
		mnl_socket_close(c.nl);
	close(c.sigfd);
	return r < 0 || c.write_error ? 1 : 0;
}
