// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * live: the daemon's event loop (sd-event), around nl_input and the
 * pipeline. No code runs in signal handlers: signals arrive through the
 * loop.
 *
 *   netlink readable  -> read at most LIVE_BATCH datagrams, feed them, tick
 *   every LIVE_TICK_MS -> end timed-out events, flush outputs
 *   every LIVE_LOSS_MS -> socket drops (SO_MEMINFO; also at the next tick
 *                         after an ENOBUFS) and the kernel's lost
 *                         counter (AUDIT_GET, with [netlink]
 *                         kernel-lost-counter and CAP_AUDIT_CONTROL):
 *                         any increase becomes an in-band loss record
 *   SIGTERM, SIGINT   -> leave the loop (the caller flushes open events)
 *   SIGHUP            -> reopen file outputs
 *   every statusreport-period seconds, and on SIGUSR1
 *                     -> an in-band AUSCRIBE_STATUS record (SIGUSR1: and the
 *                        counters on stderr)
 * Reads are bounded per wakeup so timers and signals stay responsive at
 * the kernel's highest rate; the loop comes straight back to the socket
 * while data is waiting. Readiness and the watchdog go to systemd through
 * sd_notify when it started us.
 */
#include "config.h"

#include "live.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <systemd/sd-daemon.h>
#include <systemd/sd-event.h>

#include "conf.h"
#include "kstatus.h"
#include "nl_input.h"
#include "pipeline.h"
#include "stats.h"

/* Datagrams read per wakeup before timers and signals get a turn. */
#define LIVE_BATCH 1024
/* Housekeeping period: event timeouts are checked this often. */
#define LIVE_TICK_MS 100
/* Loss counters are checked this often. */
#define LIVE_LOSS_MS 1000
/* How long start-up waits for the kernel's answers. */
#define LIVE_STATUS_TIMEOUT_MS 1000

struct live {
	struct pipeline *p;
	struct stats *stats;
	struct nl_input *in;
	struct kstatus *ks;         /* NULL without kernel-lost-counter or CAP_AUDIT_CONTROL */
	live_opened_fn opened;      /* sockets open: drop privileges */
	void *opened_data;
	sd_event *loop;
	uint64_t tick_usec;
	uint64_t next_loss_check;
	bool loss_check_due;        /* an overrun was seen: check at the next tick */
	uint64_t status_ms;         /* period of in-band status records; 0: off */
	uint64_t next_status;
	uint64_t drops_seen;        /* SO_MEMINFO drops already reported */
	uint64_t truncated_seen;
	bool have_kernel_lost;
	uint32_t kernel_lost;       /* last value of the kernel's counter */
};

static uint64_t now_ms(struct live *l)
{
	uint64_t usec = 0;

	sd_event_now(l->loop, CLOCK_MONOTONIC, &usec);
	return usec / 1000;
}

static void on_record(int type, const char *payload, size_t len, void *userdata)
{
	struct live *l = userdata;

	pipeline_feed_record(l->p, type, payload, len, now_ms(l));
}

/* Socket drops and truncations since the last check, reported in-band. */
static void check_socket_loss(struct live *l)
{
	const struct nl_input_counters *c = nl_input_counters(l->in);
	int64_t drops = nl_input_drops(l->in);

	if (drops >= 0 && (uint64_t)drops > l->drops_seen) {
		uint64_t n = (uint64_t)drops - l->drops_seen;

		l->drops_seen = (uint64_t)drops;
		l->stats->lost_socket += n;
		pipeline_report_loss(l->p, "receive_buffer", "records", n, l->stats->lost_socket, false);
	}
	if (c->truncated > l->truncated_seen) {
		uint64_t n = c->truncated - l->truncated_seen;

		l->truncated_seen = c->truncated;
		l->stats->nl_truncated += n;
		pipeline_report_loss(l->p, "truncated", "records", n, l->stats->nl_truncated, false);
	}
	l->stats->nl_foreign = c->foreign;
}

static int on_netlink(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct live *l = userdata;
	uint64_t enobufs = nl_input_counters(l->in)->enobufs;
	int r = nl_input_read(l->in, LIVE_BATCH, on_record, l);

	if (r < 0)
		fprintf(stderr, "auscribe: Failed to read from the audit socket: %s; retrying\n", strerror(-r));
	if (nl_input_counters(l->in)->enobufs != enobufs)
		l->loss_check_due = true; /* report an overrun at the next tick */
	pipeline_tick(l->p, now_ms(l));
	return 0;
}

static void kernel_lost(struct live *l, uint32_t lost)
{
	if (!l->have_kernel_lost) {
		l->have_kernel_lost = true; /* the baseline: what was lost before us is not ours */
	} else if (lost > l->kernel_lost) {
		l->stats->lost_kernel += lost - l->kernel_lost;
		pipeline_report_loss(l->p, "kernel_lost", "records", lost - l->kernel_lost, l->stats->lost_kernel,
				     false);
	} else if (lost < l->kernel_lost) {
		l->stats->lost_kernel += lost;
		pipeline_report_loss(l->p, "kernel_lost", "records", lost, l->stats->lost_kernel, true);
	}
	l->kernel_lost = lost;
}

static int on_kstatus(sd_event_source *s, int fd, uint32_t revents, void *userdata)
{
	struct live *l = userdata;
	struct audit_status st;
	int r;

	while ((r = kstatus_receive(l->ks, &st)) > 0)
		kernel_lost(l, st.lost);
	return 0;
}

static int on_tick(sd_event_source *s, uint64_t usec, void *userdata)
{
	struct live *l = userdata;
	uint64_t now = usec / 1000;

	pipeline_tick(l->p, now);
	if (l->status_ms && now >= l->next_status) {
		if (l->next_status)
			pipeline_report_status(l->p, "netlink", false);
		l->next_status = now + l->status_ms;
	}
	if (l->loss_check_due) {
		l->loss_check_due = false;
		check_socket_loss(l);
	}
	if (now >= l->next_loss_check) {
		l->next_loss_check = now + LIVE_LOSS_MS;
		check_socket_loss(l);
		if (l->ks)
			kstatus_request(l->ks);
	}
	sd_event_source_set_time(s, usec + l->tick_usec);
	sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
	return 0;
}

static void print_stats(struct live *l)
{
	check_socket_loss(l);
	pipeline_report_status(l->p, "netlink", true);
}

static int on_signal(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata)
{
	struct live *l = userdata;

	switch (si->ssi_signo) {
	case SIGHUP:
		pipeline_reopen(l->p);
		break;
	case SIGUSR1:
		print_stats(l);
		break;
	default:
		sd_event_exit(l->loop, 0);
	}
	return 0;
}

/* True unless /proc says we are in a user namespace other than the initial one. */
static bool initial_userns(void)
{
	unsigned long a, b, c;
	FILE *f = fopen("/proc/self/uid_map", "re");
	bool init = true;

	if (!f)
		return true;
	if (fscanf(f, "%lu %lu %lu", &a, &b, &c) == 3)
		init = a == 0 && b == 0 && c == 4294967295ul;
	fclose(f);
	return init;
}

/*
 * Warnings about a kernel that will send us little or nothing, while
 * start-up privileges allow asking; the lost counter's baseline. Without
 * kernel-lost-counter the status socket is closed again: watching the
 * counter means keeping CAP_AUDIT_CONTROL, which can also change rules.
 */
static void check_kernel(struct live *l, const struct conf *conf)
{
	struct audit_status st;
	int r = kstatus_open(&l->ks);

	if (r >= 0)
		r = kstatus_get(l->ks, &st, LIVE_STATUS_TIMEOUT_MS);
	if (!conf->kernel_lost_counter)
		fprintf(stderr, "auscribe: the kernel's lost counter is not tracked ([netlink] kernel-lost-counter "
				"is off: it needs CAP_AUDIT_CONTROL, which also allows changing audit rules); "
				"socket drops and serial gaps still are\n");
	else if (r < 0)
		fprintf(stderr, "auscribe: cannot read the kernel's audit status (%s): the kernel's lost "
				"counter is not watched (that needs CAP_AUDIT_CONTROL); socket drops and "
				"serial gaps still are\n", strerror(-r));
	if (r >= 0) {
		if (conf->kernel_lost_counter)
			kernel_lost(l, st.lost);
		if (st.enabled == 0)
			fprintf(stderr, "auscribe: warning: kernel auditing is disabled (enabled 0): no syscall "
					"records will arrive until it is enabled ('auditctl -e 1')\n");
		r = kstatus_count_rules(l->ks, LIVE_STATUS_TIMEOUT_MS);
		if (r == 0)
			fprintf(stderr, "auscribe: warning: no audit rules are loaded: only records that need no "
					"rule (logins, AVCs, configuration changes) will arrive; load rules with "
					"auditctl or augenrules\n");
		if (conf->kernel_lost_counter)
			return;
	}
	kstatus_free(l->ks);
	l->ks = NULL;
}

static int setup(struct live *l, const struct conf *conf)
{
	size_t got = 0;
	bool forced = false;
	sigset_t ss;
	int r;

	if (!initial_userns()) {
		fprintf(stderr, "auscribe: not in the initial user namespace: the kernel lets only the "
				"initial namespace read audit records; run auscribe on the host\n");
		return -EPERM;
	}
	r = nl_input_open(conf->netlink_rcvbuf, &l->in, &got, &forced);
	if (r == -EPROTONOSUPPORT || r == -EAFNOSUPPORT) {
		fprintf(stderr, "auscribe: the kernel offers no audit (built without CONFIG_AUDIT, or "
				"booted with audit=0)\n");
		return r;
	}
	if (r == -EPERM || r == -EACCES) {
		fprintf(stderr, "auscribe: cannot join the kernel's audit multicast group: run as root or "
				"grant CAP_AUDIT_READ\n");
		return r;
	}
	if (r < 0) {
		fprintf(stderr, "auscribe: Failed to open the audit netlink socket: %s\n", strerror(-r));
		return r;
	}
	if (!forced || got < conf->netlink_rcvbuf)
		fprintf(stderr, "auscribe: warning: receive buffer is %zu bytes, not the %zu configured%s\n",
			got, conf->netlink_rcvbuf,
			forced ? "" : " (SO_RCVBUFFORCE needs CAP_NET_ADMIN; SO_RCVBUF is capped by "
				      "net.core.rmem_max)");
	check_kernel(l, conf);
	if (l->opened) {
		r = l->opened(l->opened_data);
		if (r < 0)
			return r;
	}

	/*
	 * A shell starts background jobs with SIGINT ignored; we are told to
	 * stop by it all the same. Default dispositions, then blocked: the
	 * signals reach us only through the loop.
	 */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	sigemptyset(&ss);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	sigaddset(&ss, SIGHUP);
	sigaddset(&ss, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
		return -errno;
	r = sd_event_new(&l->loop);
	if (r < 0)
		return r;
	/* Signals and timers first: they must not starve behind a busy socket. */
	if ((r = sd_event_add_signal(l->loop, NULL, SIGTERM, on_signal, l)) < 0 ||
	    (r = sd_event_add_signal(l->loop, NULL, SIGINT, on_signal, l)) < 0 ||
	    (r = sd_event_add_signal(l->loop, NULL, SIGHUP, on_signal, l)) < 0 ||
	    (r = sd_event_add_signal(l->loop, NULL, SIGUSR1, on_signal, l)) < 0)
		return r;
	{
		sd_event_source *io, *tick;
		uint64_t now;

		r = sd_event_add_io(l->loop, &io, nl_input_fd(l->in), EPOLLIN, on_netlink, l);
		if (r < 0)
			return r;
		sd_event_source_set_priority(io, SD_EVENT_PRIORITY_NORMAL + 1);
		sd_event_source_set_floating(io, true);
		sd_event_source_unref(io);
		if (l->ks) {
			r = sd_event_add_io(l->loop, NULL, kstatus_fd(l->ks), EPOLLIN, on_kstatus, l);
			if (r < 0)
				return r;
		}
		l->tick_usec = LIVE_TICK_MS * 1000;
		sd_event_now(l->loop, CLOCK_MONOTONIC, &now);
		r = sd_event_add_time(l->loop, &tick, CLOCK_MONOTONIC, now + l->tick_usec, 10 * 1000, on_tick, l);
		if (r < 0)
			return r;
		sd_event_source_set_priority(tick, SD_EVENT_PRIORITY_NORMAL);
		sd_event_source_set_floating(tick, true);
		sd_event_source_unref(tick);
	}
	fprintf(stderr, "auscribe: listening on the kernel's audit multicast group (receive buffer %zu bytes)\n",
		got);
	sd_notify(0, "READY=1\nSTATUS=Reading the kernel's audit multicast group");
	/* After READY=1: the watchdog pings a service that is up. */
	sd_event_set_watchdog(l->loop, true);
	return 0;
}

int live_run(const struct conf *conf, struct pipeline *p, live_opened_fn opened, void *userdata)
{
	struct live l = { .p = p,
			  .stats = pipeline_stats_mut(p),
			  .status_ms = conf->status_period * 1000,
			  .opened = opened,
			  .opened_data = userdata };
	int r = setup(&l, conf);

	if (r >= 0)
		r = sd_event_loop(l.loop);
	if (r < 0 && l.loop)
		fprintf(stderr, "auscribe: event loop failed: %s\n", strerror(-r));
	if (l.in) {
		/* Drain what is still queued, so a stop loses nothing already sent to us. */
		while (nl_input_read(l.in, LIVE_BATCH, on_record, &l) > 0)
			;
		check_socket_loss(&l);
	}
	sd_notify(0, "STOPPING=1");
	sd_event_unref(l.loop);
	nl_input_free(l.in);
	kstatus_free(l.ks);
	return r < 0 ? r : 0;
}
