/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The kernel's audit multicast group (AUDIT_NLGRP_READLOG) through libmnl:
 * a non-blocking NETLINK_AUDIT socket with a large receive buffer, read in
 * recvmmsg() batches. Hands out (type, payload) pairs; the payload is
 * "audit(SEC.MSEC:SERIAL): body" without a trailing NUL.
 */

struct nl_input;

struct nl_input_counters {
	uint64_t datagrams;     /* received */
	uint64_t records;       /* handed to the callback */
	uint64_t truncated;     /* larger than NL_INPUT_DATAGRAM: lost */
	uint64_t foreign;       /* not sent by the kernel: ignored */
	uint64_t control;       /* control / non-record types: ignored */
	uint64_t malformed;     /* bad netlink framing: ignored */
	uint64_t enobufs;       /* receive-buffer overrun episodes */
};

/* Borrowed until the callback returns. */
typedef void (*nl_input_record_fn)(int type, const char *payload, size_t len, void *userdata);

/*
 * Opens the socket, sizes its receive buffer to RCVBUF bytes
 * (SO_RCVBUFFORCE, else SO_RCVBUF) and joins the group. Returns 0 and a
 * new reader in *RET, with the buffer size the kernel granted in
 * *RET_RCVBUF and whether it was forced in *RET_FORCED; or -errno:
 * -EPROTONOSUPPORT (no audit in the kernel), -EPERM (no CAP_AUDIT_READ,
 * or not in the initial user namespace), others from socket()/bind().
 */
int nl_input_open(size_t rcvbuf, struct nl_input **ret, size_t *ret_rcvbuf, bool *ret_forced);

/* NULL-safe. */
void nl_input_free(struct nl_input *in);

int nl_input_fd(const struct nl_input *in);

/*
 * Reads up to MAX_DATAGRAMS datagrams that are waiting, calling CB for
 * each record. Returns the number of datagrams read (0: none waiting), or
 * -errno on an unexpected error. A receive-buffer overrun (ENOBUFS) is
 * counted, not returned.
 */
int nl_input_read(struct nl_input *in, unsigned max_datagrams, nl_input_record_fn cb, void *userdata);

/* Datagrams the socket dropped so far (SO_MEMINFO SK_MEMINFO_DROPS); -errno. */
int64_t nl_input_drops(const struct nl_input *in);

const struct nl_input_counters *nl_input_counters(const struct nl_input *in);
