/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The daemon: reads the kernel's audit multicast group into a pipeline
 * until SIGTERM or SIGINT, in one sd-event loop.
 */

struct conf;
struct pipeline;

/*
 * Called once, when the audit sockets are open and bound and before the
 * loop starts: the moment to drop privileges. Returns >= 0, or -errno to
 * stop (the callback says why on stderr).
 */
typedef int (*live_opened_fn)(void *userdata);

/*
 * Runs until a stop signal. Problems that prevent reading at all are
 * reported on stderr (one line saying what to do) and returned as -errno;
 * 0 after a clean stop. OPENED (may be NULL) gets USERDATA. The caller
 * flushes and frees P.
 */
int live_run(const struct conf *conf, struct pipeline *p, live_opened_fn opened, void *userdata);
