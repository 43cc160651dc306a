// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * floor: the cheapest possible reader of the kernel audit multicast group,
 * the floor any real reader's cost is measured against (bench/live.sh).
 *
 *   floor [-m recv|mmsg] [-b BYTES] [-k KEY]
 *
 * Joins AUDIT_NLGRP_READLOG with a SO_RCVBUFFORCE buffer of BYTES (default
 * 64 MiB; 0 keeps the system default, net.core.rmem_default), prints "floor: listening" on stderr, then only counts: datagrams,
 * records by type, EOE records, SYSCALL records whose key is KEY (the
 * kernel puts key= last, so only the tail is searched), ENOBUFS errors and
 * truncated datagrams. Mode recv reads one datagram per recv(); mode mmsg
 * (default) reads up to FLOOR_BATCH per recvmmsg(). On SIGTERM or SIGINT it
 * prints one summary line of name=value pairs on stdout, including the
 * socket's SK_MEMINFO_DROPS and its own CPU time (getrusage).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

/* Datagrams per recvmmsg(), as auscribe's netlink input. */
#define FLOOR_BATCH 64
/* Per datagram: far above the largest record the kernel writes. */
#define FLOOR_DATAGRAM (64 * 1024)
/* Record types counted one by one; audit types are below 3000. */
#define FLOOR_TYPES 3000
/* Bytes at the end of a SYSCALL record searched for key="KEY". */
#define FLOOR_KEY_TAIL 256
/* recv() timeout, so a signal between the flag check and recv() is seen. */
#define FLOOR_TIMEOUT_MS 200

static volatile sig_atomic_t stop;
static uint64_t by_type[FLOOR_TYPES];
static uint64_t datagrams, records, other_types, enobufs, truncated, keyed;
static char key_pat[300];
static size_t key_len;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void count(const char *buf, size_t len)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;

	datagrams++;
	while (mnl_nlmsg_ok(nlh, left)) {
		unsigned type = nlh->nlmsg_type;
		size_t plen = mnl_nlmsg_get_payload_len(nlh);
		const char *p = mnl_nlmsg_get_payload(nlh);

		records++;
		if (type < FLOOR_TYPES)
			by_type[type]++;
		else
			other_types++;
		if (key_len && type == AUDIT_SYSCALL) {
			size_t off = plen > FLOOR_KEY_TAIL ? plen - FLOOR_KEY_TAIL : 0;

			if (memmem(p + off, plen - off, key_pat, key_len))
				keyed++;
		}
		nlh = mnl_nlmsg_next(nlh, &left);
	}
}

static uint64_t sk_drops(int fd)
{
	uint32_t mem[SK_MEMINFO_VARS] = { 0 };
	socklen_t sl = sizeof(mem);

	if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, mem, &sl) < 0)
		return 0;
	return mem[SK_MEMINFO_DROPS];
}

static void on_error(int err)
{
	if (err == ENOBUFS)
		enobufs++;
	else if (err != EINTR && err != EAGAIN) {
		fprintf(stderr, "floor: receive: %s\n", strerror(err));
		stop = 1;
	}
}

int main(int argc, char **argv)
{
	static struct mmsghdr msgs[FLOOR_BATCH];
	static struct iovec iov[FLOOR_BATCH];
	struct sigaction sa = { .sa_handler = on_signal };
	struct timeval tv = { 0, FLOOR_TIMEOUT_MS * 1000 };
	struct mnl_socket *nl;
	struct rusage ru;
	int batched = 1, size = 64 << 20, forced, fd, opt;
	socklen_t sl = sizeof(size);
	uint64_t drops0;
	char *bufs;
	double user_us, sys_us, events;

	while ((opt = getopt(argc, argv, "m:b:k:")) != -1) {
		switch (opt) {
		case 'm':
			batched = strcmp(optarg, "recv") != 0;
			break;
		case 'b':
			size = atoi(optarg);
			break;
		case 'k':
			key_len = (size_t)snprintf(key_pat, sizeof(key_pat), "key=\"%s\"", optarg);
			break;
		default:
			fprintf(stderr, "usage: floor [-m recv|mmsg] [-b BYTES] [-k KEY]\n");
			return 2;
		}
	}
	bufs = malloc((size_t)FLOOR_BATCH * FLOOR_DATAGRAM);
	nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_CLOEXEC);
	if (!bufs || !nl) {
		perror("floor: socket");
		return 1;
	}
	fd = mnl_socket_get_fd(nl);
	forced = size == 0 || setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0;
	if (!forced)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &sl);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (mnl_socket_bind(nl, 1U << (AUDIT_NLGRP_READLOG - 1), MNL_SOCKET_AUTOPID) < 0) {
		perror("floor: bind to the audit multicast group");
		return 1;
	}
	for (int i = 0; i < FLOOR_BATCH; i++) {
		iov[i] = (struct iovec){ bufs + (size_t)i * FLOOR_DATAGRAM, FLOOR_DATAGRAM };
		msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
	}
	sigaction(SIGTERM, &sa, NULL); /* no SA_RESTART: recv() returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	drops0 = sk_drops(fd);
	fprintf(stderr, "floor: listening, mode=%s rcvbuf=%d%s\n", batched ? "mmsg" : "recv", size / 2,
		forced ? "" : " (SO_RCVBUFFORCE refused)");

	while (!stop) {
		if (batched) {
			int n = recvmmsg(fd, msgs, FLOOR_BATCH, MSG_WAITFORONE, NULL);

			if (n < 0) {
				on_error(errno);
				continue;
			}
			for (int i = 0; i < n; i++) {
				if (msgs[i].msg_hdr.msg_flags & MSG_TRUNC)
					truncated++;
				else
					count(bufs + (size_t)i * FLOOR_DATAGRAM, msgs[i].msg_len);
			}
		} else {
			ssize_t n = recv(fd, bufs, FLOOR_DATAGRAM, MSG_TRUNC);

			if (n < 0) {
				on_error(errno);
				continue;
			}
			if (n > FLOOR_DATAGRAM)
				truncated++;
			else
				count(bufs, (size_t)n);
		}
	}

	getrusage(RUSAGE_SELF, &ru);
	user_us = (double)ru.ru_utime.tv_sec * 1e6 + (double)ru.ru_utime.tv_usec;
	sys_us = (double)ru.ru_stime.tv_sec * 1e6 + (double)ru.ru_stime.tv_usec;
	events = (double)(key_len ? keyed : by_type[AUDIT_EOE]);
	printf("floor mode=%s datagrams=%llu records=%llu eoe=%llu syscall=%llu keyed=%llu enobufs=%llu "
	       "drops=%llu truncated=%llu cpu_us=%.0f user_us=%.0f sys_us=%.0f us_per_event=%.3f",
	       batched ? "mmsg" : "recv", (unsigned long long)datagrams, (unsigned long long)records,
	       (unsigned long long)by_type[AUDIT_EOE], (unsigned long long)by_type[AUDIT_SYSCALL],
	       (unsigned long long)keyed, (unsigned long long)enobufs,
	       (unsigned long long)(sk_drops(fd) - drops0), (unsigned long long)truncated,
	       user_us + sys_us, user_us, sys_us, events > 0 ? (user_us + sys_us) / events : 0.0);
	printf(" types=");
	for (int t = 0, first = 1; t < FLOOR_TYPES; t++)
		if (by_type[t]) {
			printf("%s%d:%llu", first ? "" : ",", t, (unsigned long long)by_type[t]);
			first = 0;
		}
	printf("\n");
	mnl_socket_close(nl);
	free(bufs);
	return 0;
}
