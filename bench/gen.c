// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * gen: makes audit events as fast as it can, for bench/live.sh.
 *
 *   gen syscall|exec SECONDS UID [RATE]
 *
 * Switches to UID (real, effective and saved; pick one no other process
 * uses) so that a rule with "-F uid=UID" matches this generator and its
 * children and nothing else on the host. Then, until SECONDS have passed:
 *   syscall  a tight loop of getsid(0), one cheap syscall per event;
 *   exec     vfork() + execve("/bin/true") + waitpid(), one execve per event
 *            (vfork: about 1.5x the rate of fork() on the 2-vCPU test VM).
 * RATE, if given and > 0, paces the loop to about RATE calls per second.
 * Prints "gen MODE calls=N seconds=S rate=R" on stdout. A blocked syscall
 * (the kernel throttles audited tasks when its backlog is full) counts
 * when it returns, so calls is the number of events the kernel made.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Iterations between two looks at the clock when pacing. */
#define GEN_PACE_CHECK 64

static volatile sig_atomic_t stop;

static void on_alarm(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Sleeps while more than rate * elapsed calls have been made. */
static void pace(double rate, double t0, unsigned long n)
{
	double ahead;

	if (rate <= 0)
		return;
	ahead = (double)n / rate - (now() - t0);
	if (ahead > 0) {
		struct timespec ts = { (time_t)ahead, (long)((ahead - (double)(time_t)ahead) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

static int run_exec(void)
{
	static char *const argv[] = { "true", NULL };
	static char *const envp[] = { NULL };
	pid_t pid = vfork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execve("/bin/true", argv, envp);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned long n = 0;
	double t0, t1, rate;
	int exec_mode, seconds;
	uid_t uid;

	if (argc < 4 || argc > 5 || (strcmp(argv[1], "syscall") && strcmp(argv[1], "exec"))) {
		fprintf(stderr, "usage: gen syscall|exec SECONDS UID [RATE]\n");
		return 2;
	}
	exec_mode = !strcmp(argv[1], "exec");
	seconds = atoi(argv[2]);
	uid = (uid_t)strtoul(argv[3], NULL, 10);
	rate = argc == 5 ? atof(argv[4]) : 0;
	if (seconds <= 0)
		return 2;
	if (setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0) {
		fprintf(stderr, "gen: cannot switch to uid %u: %s\n", (unsigned)uid, strerror(errno));
		return 1;
	}
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART: waitpid() returns EINTR */
	t0 = now();
	alarm((unsigned)seconds);
	if (exec_mode) {
		while (!stop) {
			if (run_exec() < 0) {
				fprintf(stderr, "gen: fork/exec: %s\n", strerror(errno));
				break;
			}
			n++;
			pace(rate, t0, n);
		}
	} else {
		while (!stop) {
			for (int i = 0; i < GEN_PACE_CHECK; i++)
				syscall(SYS_getsid, 0);
			n += GEN_PACE_CHECK;
			pace(rate, t0, n);
		}
	}
	t1 = now();
	printf("gen %s calls=%lu seconds=%.3f rate=%.0f\n", argv[1], n, t1 - t0, (double)n / (t1 - t0));
	return 0;
}
