// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * auscribe: kernel audit events -> enriched JSON lines.
 *
 * main: options, configuration check, building the pipeline, running it
 * (and, live, dropping privileges once the socket and outputs are open),
 * exit status. Nothing else.
 *
 * Exit status: 0 success (bad input lines are counted, not fatal), 1 a
 * configuration, input or output error, 2 a usage error.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "conf.h"
#include "line_input.h"
#include "live.h"
#include "output.h"
#include "pipeline.h"
#include "privs.h"
#include "sink_journal.h"
#include "stats.h"
#include "usage.inc"

/*
 * Free heap kept before glibc gives it back: the process table frees
 * thousands of entries at each expiry and grows again, and trimming the
 * heap each time cost more CPU (page faults, TLB flushes) than all of
 * enrichment's own work in bench/replay.sh.
 */
#define MAIN_MALLOC_TRIM_THRESHOLD (16 * 1024 * 1024)
/* -o may be given this many times. */
#define MAIN_MAX_OUTPUTS 16
/* Replay: EOE-less events end this long (records' clock) after their first record. */
#define MAIN_REPLAY_TIMEOUT_MS 5000

/* The text is the man page's (docs/auscribe.8, generated into usage.inc). */
static void usage(FILE *f)
{
	fputs(USAGE_TEXT, f);
}

/*
 * Signals during a replay (a pipe can feed us for as long as a daemon
 * runs): taken through a signalfd whenever the input is about to wait, so
 * no code runs in a handler. Returns true when told to stop.
 */
static bool replay_signals(struct pipeline *p, int sfd, int input_fd, const char *name)
{
	struct signalfd_siginfo si;
	struct pollfd fds[2] = { { input_fd, POLLIN, 0 }, { sfd, POLLIN, 0 } };

	/* Wait for input or a signal, whichever comes first. */
	while (poll(fds, 2, -1) < 0 && errno == EINTR)
		;
	while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
		switch (si.ssi_signo) {
		case SIGHUP:
			pipeline_reopen(p);
			break;
		case SIGUSR1:
			pipeline_report_status(p, name, true);
			break;
		default:
			return true;
		}
	}
	return false;
}

static int replay(struct pipeline *p, const char *input)
{
	struct line_input *in;
	const char *line, *name = strcmp(input, "-") == 0 ? "<stdin>" : input;
	size_t len;
	uint64_t lineno = 0;
	int fd = STDIN_FILENO, sfd = -1, r;
	sigset_t ss;

	if (strcmp(input, "-") != 0) {
		fd = open(input, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			fprintf(stderr, "auscribe: Failed to open '%s': %s\n", input, strerror(errno));
			return -errno;
		}
	}
	/* Background jobs start with SIGINT ignored; it still means stop. */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	sigemptyset(&ss);
	sigaddset(&ss, SIGHUP);
	sigaddset(&ss, SIGUSR1);
	sigaddset(&ss, SIGTERM);
	sigaddset(&ss, SIGINT);
	if (sigprocmask(SIG_BLOCK, &ss, NULL) == 0)
		sfd = signalfd(-1, &ss, SFD_NONBLOCK | SFD_CLOEXEC);
	in = line_input_new(fd);
	if (!in || sfd < 0) {
		r = in ? -errno : -ENOMEM;
		fprintf(stderr, "auscribe: Failed to set up the replay: %s\n", strerror(-r));
		goto out;
	}
	for (;;) {
		if (!line_input_pending(in)) {
			/* About to wait for input (a pipe, a slow writer): write what we have. */
			pipeline_flush_outputs(p);
			if (replay_signals(p, sfd, fd, name)) {
				r = 0;
				break;
			}
		}
		r = line_input_next(in, &line, &len);
		if (r <= 0)
			break;
		pipeline_feed_line(p, line, len, name, ++lineno);
	}
	if (r < 0)
		fprintf(stderr, "auscribe: Failed to read '%s' after line %llu: %s\n", name,
			(unsigned long long)lineno, strerror(-r));
	if (line_input_too_long(in))
		fprintf(stderr, "auscribe: %s: %zu lines longer than the line limit were skipped\n", name,
			line_input_too_long(in));
	pipeline_flush(p);
out:
	line_input_free(in);
	if (sfd >= 0)
		close(sfd);
	if (fd != STDIN_FILENO)
		close(fd);
	return r;
}

/* What the daemon keeps after start (and CAP_AUDIT_CONTROL with kernel-lost-counter). */
static const struct {
	cap_value_t cap;
	const char *without; /* what breaks */
} main_kept_caps[] = {
	{ CAP_SYS_PTRACE, "no CAP_SYS_PTRACE: /proc/PID/exe, cwd and environ of other users' processes "
			  "cannot be read, so their events are enriched less" },
	{ CAP_DAC_READ_SEARCH, "no CAP_DAC_READ_SEARCH: /proc files and executables only their owners may "
			       "read (environ, exe hashes) cannot be read for other users' processes" },
};

struct main_privs {
	const struct conf *conf;
	const struct privs_user *user; /* NULL: no 'user' configured */
};

/*
 * live_run()'s callback, once the audit socket is bound and the outputs
 * are open: switches to the configured user when root, keeps only
 * main_kept_caps. Fails closed: a drop that did not happen stops the daemon.
 */
static int drop_privileges(void *userdata)
{
	const struct main_privs *mp = userdata;
	cap_value_t keep[sizeof(main_kept_caps) / sizeof(main_kept_caps[0]) + 1];
	size_t n = 0;
	char *text;
	cap_t caps;
	int r;

	for (size_t i = 0; i < sizeof(main_kept_caps) / sizeof(main_kept_caps[0]); i++)
		keep[n++] = main_kept_caps[i].cap;
	if (mp->conf->kernel_lost_counter)
		keep[n++] = CAP_AUDIT_CONTROL;
	if (mp->user && geteuid() != 0 && geteuid() != mp->user->uid) {
		fprintf(stderr, "auscribe: 'user = %s' is configured, but auscribe runs as uid %u and cannot "
				"switch: start it as root or as that user\n", mp->conf->user, (unsigned)geteuid());
		return -EPERM;
	}
	r = privs_drop(mp->user && geteuid() == 0 ? mp->user : NULL, keep, n);
	if (r < 0) {
		fprintf(stderr, "auscribe: Failed to drop privileges: %s\n", strerror(-r));
		return r;
	}
	if (geteuid() == 0)
		fprintf(stderr, "auscribe: warning: running as root; set 'user' in the config to drop privileges\n");
	for (size_t i = 0; i < sizeof(main_kept_caps) / sizeof(main_kept_caps[0]); i++)
		if (!privs_cap_have(main_kept_caps[i].cap))
			fprintf(stderr, "auscribe: warning: %s\n", main_kept_caps[i].without);
	caps = cap_get_proc();
	text = caps ? cap_to_text(caps, NULL) : NULL;
	fprintf(stderr, "auscribe: running as uid %u, gid %u, capabilities '%s'\n", (unsigned)geteuid(),
		(unsigned)getegid(), text ? text : "?");
	cap_free(text);
	cap_free(caps);
	return 0;
}

/* Prints the counters when something was lost, skipped or failed. */
static void summary(const struct stats *s)
{
	if (s->records_bad || s->fields_dropped || s->events_evicted || s->events_truncated ||
	    s->records_dropped || s->output_errors || s->output_lost || s->lost_socket || s->lost_kernel ||
	    s->lost_serial_gap || s->nl_truncated || s->nl_foreign) {
		fputs("auscribe: ", stderr);
		stats_print(s, stderr);
	}
}

int main(int argc, char **argv)
{
	const char *conf_path = NULL, *input = "netlink", *targets[MAIN_MAX_OUTPUTS];
	size_t n_targets = 0;
	bool check = false, live;
	struct conf *conf = NULL;
	struct output **outputs = NULL;
	struct pipeline *p = NULL;
	struct output_options oo;
	struct privs_user user = { 0 };
	struct main_privs mp;
	char err[512];
	int opt, r, status = 1;

	mallopt(M_TRIM_THRESHOLD, MAIN_MALLOC_TRIM_THRESHOLD);
	while ((opt = getopt(argc, argv, "c:i:o:tVh")) != -1) {
		switch (opt) {
		case 'c':
			conf_path = optarg;
			break;
		case 'i':
			input = optarg;
			break;
		case 'o':
			if (n_targets == MAIN_MAX_OUTPUTS) {
				fprintf(stderr, "auscribe: at most %d outputs (-o)\n", MAIN_MAX_OUTPUTS);
				return 2;
			}
			targets[n_targets++] = optarg;
			break;
		case 't':
			check = true;
			break;
		case 'V':
			printf("auscribe %s\n", PACKAGE_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "auscribe: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 2;
	}

	conf = conf_new();
	if (!conf) {
		fprintf(stderr, "auscribe: out of memory\n");
		return 1;
	}
	r = conf_load(conf, conf_path ? conf_path : CONF_DEFAULT_PATH, err, sizeof(err));
	if (r < 0 && !(r == -ENOENT && !conf_path)) {
		fprintf(stderr, "auscribe: %s\n", err);
		goto out;
	}
	live = strcmp(input, "netlink") == 0;
	if (conf->user) {
		r = privs_user_lookup(conf->user, &user);
		if (r < 0) {
			fprintf(stderr, "auscribe: user '%s': %s\n", conf->user,
				r == -ESRCH ? "no such user" : strerror(-r));
			goto out;
		}
	}
	if (check) {
		printf("configuration OK\n");
		status = 0;
		goto out;
	}

	if (n_targets == 0)
		targets[n_targets++] = conf->auditlog_file ? conf->auditlog_file : "-";
	oo = (struct output_options){ .prefix = conf->line_prefix,
				      .rotate_size = conf->auditlog_size,
				      .generations = (unsigned)conf->auditlog_generations,
				      .journal_wait_ms = strcmp(input, "netlink") == 0 ? 0 : SINK_JOURNAL_REPLAY_WAIT_MS,
				      .group = conf->auditlog_group,
				      .read_users = conf->auditlog_read_users,
				      .read_groups = conf->auditlog_read_groups,
				      .read_other = conf->auditlog_read_other,
				      .has_user = conf->user != NULL,
				      .user_uid = user.uid,
				      .user_gid = user.gid };
	outputs = calloc(n_targets, sizeof(*outputs));
	if (!outputs)
		goto out;
	for (size_t i = 0; i < n_targets; i++) {
		r = output_open(targets[i], &oo, &outputs[i]);
		if (r < 0) {
			fprintf(stderr, "auscribe: Failed to open output '%s': %s\n", targets[i], strerror(-r));
			goto out;
		}
	}
	p = pipeline_new(conf, outputs, n_targets, live ? conf->event_timeout_ms : MAIN_REPLAY_TIMEOUT_MS);
	outputs = NULL; /* owned by the pipeline, even on failure */
	if (!p) {
		fprintf(stderr, "auscribe: out of memory\n");
		goto out;
	}
	if (live) {
		mp = (struct main_privs){ .conf = conf, .user = conf->user ? &user : NULL };
		r = live_run(conf, p, drop_privileges, &mp);
		pipeline_flush(p);
	} else {
		r = replay(p, input);
	}
	pipeline_close_outputs(p);
	summary(pipeline_stats(p));
	status = r < 0 || pipeline_stats(p)->output_lost ? 1 : 0;
out:
	if (outputs) {
		for (size_t i = 0; i < n_targets; i++)
			output_close(outputs[i]);
		free(outputs);
	}
	pipeline_free(p);
	conf_free(conf);
	privs_user_done(&user);
	return status;
}
