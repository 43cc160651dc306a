// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * kstatus: asks the kernel for its audit status and rule count on a socket
 * of its own, never on the multicast reader. Requests go without NLM_F_ACK,
 * so the answer is the data (or an NLMSG_ERROR when refused), not an ACK
 * followed by data. The kernel's `lost` counter is global, cumulative and
 * resettable (auditctl --reset-lost): callers treat a decrease as a reset.
 */
#include "config.h"

#include "kstatus.h"

#include <errno.h>
#include <libmnl/libmnl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Room for one answer: AUDIT_LIST_RULES entries are ~1 kB each, batched. */
#define KSTATUS_BUF (64 * 1024)

struct kstatus {
	struct mnl_socket *nl;
	unsigned seq;
	char buf[KSTATUS_BUF];
};

int kstatus_open(struct kstatus **ret)
{
	struct kstatus *k = calloc(1, sizeof(*k));

	if (!k)
		return -ENOMEM;
	k->nl = mnl_socket_open2(NETLINK_AUDIT, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (!k->nl) {
		int r = -errno;

		free(k);
		return r;
	}
	*ret = k;
	return 0;
}

void kstatus_free(struct kstatus *k)
{
	if (!k)
		return;
	mnl_socket_close(k->nl);
	free(k);
}

int kstatus_fd(const struct kstatus *k)
{
	return mnl_socket_get_fd(k->nl);
}

static int send_request(struct kstatus *k, int type)
{
	char buf[MNL_NLMSG_HDRLEN];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = ++k->seq;
	return mnl_socket_sendto(k->nl, nlh, nlh->nlmsg_len) < 0 ? -errno : 0;
}

int kstatus_request(struct kstatus *k)
{
	return send_request(k, AUDIT_GET);
}

/*
 * Reads one datagram without blocking and walks it: counts rule entries in
 * *RULES (may be NULL), copies a status into *ST. Returns 1 for a status,
 * 2 for the end of a rule list, 3 for something else, 0 if nothing waits,
 * -errno for an error answer or a failed read.
 */
static int read_one(struct kstatus *k, struct audit_status *st, int *rules)
{
	ssize_t n = recv(kstatus_fd(k), k->buf, sizeof(k->buf), MSG_DONTWAIT);
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)k->buf;
	int left, r = 3;

	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	left = (int)n;
	for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left)) {
		switch (nlh->nlmsg_type) {
		case NLMSG_ERROR: {
			const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);

			if (mnl_nlmsg_get_payload_len(nlh) >= sizeof(*e) && e->error)
				return e->error;
			break;
		}
		case NLMSG_DONE:
			r = 2;
			break;
		case AUDIT_GET:
			if (st) {
				memset(st, 0, sizeof(*st));
				memcpy(st, mnl_nlmsg_get_payload(nlh),
				       mnl_nlmsg_get_payload_len(nlh) < sizeof(*st) ? mnl_nlmsg_get_payload_len(nlh)
										    : sizeof(*st));
			}
			r = 1;
			break;
		case AUDIT_LIST_RULES:
			if (rules)
				(*rules)++;
			break;
		}
	}
	return r;
}

int kstatus_receive(struct kstatus *k, struct audit_status *ret)
{
	for (;;) {
		int r = read_one(k, ret, NULL);

		if (r <= 1)
			return r;
	}
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for answers until WANT is read (1 status, 2 end of rules) or the deadline. */
static int wait_for(struct kstatus *k, int want, struct audit_status *st, int *rules, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct pollfd p = { kstatus_fd(k), POLLIN, 0 };
		int64_t left = deadline - now_ms();
		int r;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&p, 1, (int)left) < 0 && errno != EINTR)
			return -errno;
		while ((r = read_one(k, st, rules)) > 0)
			if (r == want)
				return 0;
		if (r < 0)
			return r;
	}
}

int kstatus_get(struct kstatus *k, struct audit_status *ret, int timeout_ms)
{
	int r = send_request(k, AUDIT_GET);

	return r < 0 ? r : wait_for(k, 1, ret, NULL, timeout_ms);
}

int kstatus_count_rules(struct kstatus *k, int timeout_ms)
{
	int rules = 0, r = send_request(k, AUDIT_LIST_RULES);

	if (r < 0)
		return r;
	r = wait_for(k, 2, NULL, &rules, timeout_ms);
	return r < 0 ? r : rules;
}
