// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * nl_input: the kernel audit multicast group, read beside auditd.
 *
 * The kernel multicasts every record before its unicast to auditd and
 * never waits for multicast readers: when our receive buffer is full it
 * drops (sk_drops++), reports ENOBUFS once, and drops everything until the
 * queue is drained. So: a large buffer (SO_RCVBUFFORCE), reads drained in
 * recvmmsg() batches of NL_INPUT_BATCH, and every drop counted from
 * SO_MEMINFO. Datagrams not from the kernel (nl_pid != 0) are ignored and
 * counted, as journald does. Each datagram has room for NL_INPUT_DATAGRAM
 * bytes; a larger one is detected (MSG_TRUNC), counted and dropped.
 */
#include "config.h"

#include "nl_input.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Per datagram: far above the largest record the kernel writes (~9 kB). */
#define NL_INPUT_DATAGRAM (64 * 1024)
/* Datagrams per recvmmsg() call. */
#define NL_INPUT_BATCH 64

struct nl_input {
	struct mnl_socket *nl;
	struct nl_input_counters c;
	struct mmsghdr msgs[NL_INPUT_BATCH];
	struct iovec iov[NL_INPUT_BATCH];
	struct sockaddr_nl from[NL_INPUT_BATCH];
	char *bufs;
};

int nl_input_open(size_t rcvbuf, struct nl_input **ret, size_t *ret_rcvbuf, bool *ret_forced)
{
	struct nl_input *in = calloc(1, sizeof(*in));
	int fd, size, r;
	socklen_t sl = sizeof(size);

	if (!in)
		return -ENOMEM;
	in->bufs = malloc((size_t)NL_INPUT_BATCH * NL_INPUT_DATAGRAM);
	if (!in->bufs) {
		r = -ENOMEM;
		goto fail;
	}
	in->nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!in->nl) {
		r = -errno;
		goto fail;
	}
	fd = mnl_socket_get_fd(in->nl);
	size = rcvbuf > INT32_MAX / 2 ? INT32_MAX / 2 : (int)rcvbuf;
	*ret_forced = setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0;
	if (!*ret_forced)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	/* The kernel doubles what it is given, for its bookkeeping. */
	*ret_rcvbuf = getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &sl) == 0 ? (size_t)size / 2 : 0;
	if (mnl_socket_bind(in->nl, 1U << (AUDIT_NLGRP_READLOG - 1), MNL_SOCKET_AUTOPID) < 0) {
		r = -errno;
		goto fail;
	}
	for (unsigned i = 0; i < NL_INPUT_BATCH; i++) {
		in->iov[i] = (struct iovec){ in->bufs + (size_t)i * NL_INPUT_DATAGRAM, NL_INPUT_DATAGRAM };
		in->msgs[i].msg_hdr = (struct msghdr){ .msg_name = &in->from[i],
						       .msg_namelen = sizeof(in->from[i]),
						       .msg_iov = &in->iov[i],
						       .msg_iovlen = 1 };
	}
	*ret = in;
	return 0;
fail:
	nl_input_free(in);
	return r;
}

void nl_input_free(struct nl_input *in)
{
	if (!in)
		return;
	if (in->nl)
		mnl_socket_close(in->nl);
	free(in->bufs);
	free(in);
}

int nl_input_fd(const struct nl_input *in)
{
	return mnl_socket_get_fd(in->nl);
}

const struct nl_input_counters *nl_input_counters(const struct nl_input *in)
{
	return &in->c;
}

int64_t nl_input_drops(const struct nl_input *in)
{
	uint32_t mem[SK_MEMINFO_VARS];
	socklen_t len = sizeof(mem);

	if (getsockopt(nl_input_fd(in), SOL_SOCKET, SO_MEMINFO, mem, &len) < 0)
		return -errno;
	if (len < sizeof(uint32_t) * (SK_MEMINFO_DROPS + 1))
		return -EOPNOTSUPP;
	return mem[SK_MEMINFO_DROPS];
}

/* One datagram: normally one record, but walk the netlink messages anyway. */
static void datagram(struct nl_input *in, const char *buf, size_t len, nl_input_record_fn cb, void *userdata)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
	int left = (int)len;

	while (mnl_nlmsg_ok(nlh, left)) {
		int type = nlh->nlmsg_type;

		/* Records: 1100-2999, plus AUDIT_USER (1005, auditctl -m) and AUDIT_LOGIN (1006). */
		if (!(type == AUDIT_USER || type == AUDIT_LOGIN ||
		      (type >= AUDIT_FIRST_USER_MSG && type <= AUDIT_LAST_USER_MSG2))) {
			in->c.control++;
		} else {
			in->c.records++;
			cb(type, mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh), userdata);
		}
		nlh = mnl_nlmsg_next(nlh, &left);
	}
	if (left != 0)
		in->c.malformed++;
}

int nl_input_read(struct nl_input *in, unsigned max_datagrams, nl_input_record_fn cb, void *userdata)
{
	unsigned done = 0;

	while (done < max_datagrams) {
		unsigned want = max_datagrams - done < NL_INPUT_BATCH ? max_datagrams - done : NL_INPUT_BATCH;
		int n;

		for (unsigned i = 0; i < want; i++)
			in->msgs[i].msg_hdr.msg_namelen = sizeof(in->from[i]);
		n = recvmmsg(nl_input_fd(in), in->msgs, want, MSG_DONTWAIT, NULL);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				break;
			if (errno == ENOBUFS) {
				/* Overrun: the drops are counted from SO_MEMINFO. */
				in->c.enobufs++;
				continue;
			}
			return -errno;
		}
		for (int i = 0; i < n; i++) {
			const struct msghdr *h = &in->msgs[i].msg_hdr;

			in->c.datagrams++;
			if (h->msg_flags & MSG_TRUNC) {
				in->c.truncated++;
				continue;
			}
			if (h->msg_namelen < sizeof(struct sockaddr_nl) || in->from[i].nl_pid != 0) {
				in->c.foreign++;
				continue;
			}
			datagram(in, in->iov[i].iov_base, in->msgs[i].msg_len, cb, userdata);
		}
		done += (unsigned)n;
		if ((unsigned)n < want)
			break;
	}
	return (int)done;
}
