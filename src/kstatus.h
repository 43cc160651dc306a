/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <linux/audit.h>

/*
 * The kernel audit status (AUDIT_GET: enabled, lost, backlog...) and the
 * number of loaded rules, through a second, unbound NETLINK_AUDIT socket.
 * Both need CAP_AUDIT_CONTROL; without it the kernel answers -EPERM.
 */

struct kstatus;

/* Returns 0 and a new handle in *RET, or -errno. */
int kstatus_open(struct kstatus **ret);

/* NULL-safe. */
void kstatus_free(struct kstatus *k);

int kstatus_fd(const struct kstatus *k);

/* Sends an AUDIT_GET request; the answer comes through kstatus_receive(). */
int kstatus_request(struct kstatus *k);

/*
 * Reads a waiting answer without blocking: 1 and the status in *RET,
 * 0 if nothing (more) is waiting, or -errno (-EPERM: no CAP_AUDIT_CONTROL).
 */
int kstatus_receive(struct kstatus *k, struct audit_status *ret);

/* AUDIT_GET, waiting up to TIMEOUT_MS. 0, or -errno (-ETIMEDOUT). */
int kstatus_get(struct kstatus *k, struct audit_status *ret, int timeout_ms);

/* The number of loaded rules (AUDIT_LIST_RULES), waiting up to TIMEOUT_MS; -errno. */
int kstatus_count_rules(struct kstatus *k, int timeout_ms);
