// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * privs: least privilege after start.
 *
 * The daemon needs root, or a few capabilities, only to set itself up:
 * joining the audit multicast group (CAP_AUDIT_READ, checked at bind) and
 * forcing its receive buffer (CAP_NET_ADMIN). Once the socket and the
 * outputs are open it keeps only what the remaining work needs, which the
 * caller names. Two ways to get there:
 *  - started as root with a user configured: PR_SET_KEEPCAPS, then the
 *    user's supplementary groups, gid and uid (real, effective, saved),
 *    then the capability sets cut down to the kept ones;
 *  - started as that user already (systemd User= with ambient
 *    capabilities), or as root without a user: the capability sets only.
 * Inheritable and ambient sets are always cleared: auscribe runs nothing,
 * and nothing it might be tricked into running should inherit a
 * capability. The result is read back and compared; a mismatch is an
 * error, and the caller stops (fail closed).
 *
 * Capability sets are per thread: this must run while the process has one
 * thread, which the daemon's single sd-event loop guarantees.
 */
#include "config.h"

#include "privs.h"

#include <assert.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* getpwnam_r()'s buffer grows up to this before the lookup gives up. */
#define PRIVS_MAX_PWBUF (1024 * 1024)
/* Supplementary groups of the user: Linux's NGROUPS_MAX. */
#define PRIVS_MAX_GROUPS 65536
/* Capabilities a caller may keep; the daemon keeps three at most. */
#define PRIVS_MAX_KEEP 16

/* The passwd entry of NAME into *PW, its strings in *BUF (freed by the caller). */
static int lookup_passwd(const char *name, struct passwd *pw, char **buf)
{
	struct passwd *res = NULL;
	size_t size = 1024;
	int r;

	for (;;) {
		char *b = realloc(*buf, size);

		if (!b)
			return -ENOMEM;
		*buf = b;
		r = getpwnam_r(name, pw, b, size, &res);
		if (r != ERANGE)
			break;
		if (size >= PRIVS_MAX_PWBUF)
			return -ERANGE;
		size *= 2;
	}
	/* Older NSS modules say "not found" with one of these. */
	if (!res && (r == 0 || r == ENOENT || r == ESRCH || r == EBADF || r == EPERM))
		return -ESRCH;
	return r ? -r : 0;
}

int privs_user_lookup(const char *name, struct privs_user *ret)
{
	struct passwd pw;
	char *buf = NULL;
	gid_t *groups = NULL;
	int n = 16, r;

	*ret = (struct privs_user){ 0 };
	if (!name || !*name)
		return -EINVAL;
	r = lookup_passwd(name, &pw, &buf);
	if (r < 0)
		goto out;
	for (;;) {
		int got = n;
		gid_t *g = realloc(groups, (size_t)n * sizeof(*g));

		if (!g) {
			r = -ENOMEM;
			goto out;
		}
		groups = g;
		if (getgrouplist(name, pw.pw_gid, groups, &got) >= 0) {
			n = got;
			break;
		}
		/* Too small: GOT is now the number needed. */
		if (got <= n || got > PRIVS_MAX_GROUPS) {
			r = -E2BIG;
			goto out;
		}
		n = got;
	}
	ret->uid = pw.pw_uid;
	ret->gid = pw.pw_gid;
	ret->groups = groups;
	ret->n_groups = (size_t)n;
	groups = NULL;
	r = 0;
out:
	free(groups);
	free(buf);
	return r;
}

void privs_user_done(struct privs_user *u)
{
	if (!u)
		return;
	free(u->groups);
	u->groups = NULL;
	u->n_groups = 0;
}

bool privs_cap_have(cap_value_t cap)
{
	cap_flag_value_t v = CAP_CLEAR;
	cap_t c = cap_get_proc();

	if (!c)
		return false;
	if (cap_get_flag(c, cap, CAP_EFFECTIVE, &v) < 0)
		v = CAP_CLEAR;
	cap_free(c);
	return v == CAP_SET;
}

static bool is_kept(cap_value_t c, const cap_value_t *kept, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (kept[i] == c)
			return true;
	return false;
}

/* Removes all but KEPT from the bounding set, when CAP_SETPCAP allows. */
static int drop_bounding(const cap_value_t *kept, size_t n)
{
	if (!privs_cap_have(CAP_SETPCAP))
		return 0;
	for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++) {
		if (is_kept(c, kept, n) || cap_get_bound(c) <= 0)
			continue;
		if (cap_drop_bound(c) < 0)
			return -errno;
	}
	return 0;
}

/* USER's groups, exactly: the same number, each of them present. */
static bool groups_are(const struct privs_user *user)
{
	int n = getgroups(0, NULL);
	gid_t *now;
	bool same;

	if (n < 0 || (size_t)n != user->n_groups)
		return false;
	now = calloc((size_t)n + 1, sizeof(*now));
	if (!now)
		return false;
	n = getgroups(n, now);
	same = n >= 0 && (size_t)n == user->n_groups;
	for (int i = 0; same && i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < user->n_groups && !found; j++)
			found = user->groups[j] == now[i];
		same = found;
	}
	free(now);
	return same;
}

/* Reads the result back: ids, groups, capability sets, ambient set. */
static int verify(const struct privs_user *user, cap_t want)
{
	cap_t now;
	int diff;

	if (user) {
		uid_t ru, eu, su;
		gid_t rg, eg, sg;

		if (getresuid(&ru, &eu, &su) < 0 || getresgid(&rg, &eg, &sg) < 0)
			return -errno;
		if (ru != user->uid || eu != user->uid || su != user->uid || rg != user->gid ||
		    eg != user->gid || sg != user->gid)
			return -EPERM;
		if (!groups_are(user))
			return -EPERM;
		/* No way back: these must fail now. */
		if (user->uid != 0 && (setuid(0) == 0 || seteuid(0) == 0))
			return -EPERM;
		if (user->gid != 0 && (setgid(0) == 0 || setegid(0) == 0))
			return -EPERM;
	}
	now = cap_get_proc();
	if (!now)
		return -errno;
	diff = cap_compare(now, want);
	cap_free(now);
	if (diff != 0)
		return -EPERM;
	if (CAP_AMBIENT_SUPPORTED()) {
		for (cap_value_t c = 0; c < (cap_value_t)cap_max_bits(); c++)
			if (cap_get_ambient(c) > 0)
				return -EPERM;
	}
	return 0;
}

/* Switches groups, gid and uid to USER's; capabilities stay permitted (KEEPCAPS). */
static int switch_user(const struct privs_user *user)
{
	if (setgroups(user->n_groups, user->groups) < 0)
		return -errno;
	if (setresgid(user->gid, user->gid, user->gid) < 0)
		return -errno;
	if (setresuid(user->uid, user->uid, user->uid) < 0)
		return -errno;
	return 0;
}

int privs_drop(const struct privs_user *user, const cap_value_t *keep, size_t n_keep)
{
	cap_value_t kept[PRIVS_MAX_KEEP];
	size_t n = 0;
	cap_t now, want = NULL;
	int r;

	assert(n_keep <= PRIVS_MAX_KEEP);
	if (user && geteuid() != 0)
		return -EPERM;
	now = cap_get_proc();
	if (!now)
		return -errno;
	/* Only what we have can be kept. */
	for (size_t i = 0; i < n_keep; i++) {
		cap_flag_value_t v = CAP_CLEAR;

		if (cap_get_flag(now, keep[i], CAP_PERMITTED, &v) == 0 && v == CAP_SET &&
		    !is_kept(keep[i], kept, n))
			kept[n++] = keep[i];
	}
	want = cap_init();
	if (!want) {
		r = -errno;
		goto out;
	}
	if (n && (cap_set_flag(want, CAP_PERMITTED, (int)n, kept, CAP_SET) < 0 ||
		  cap_set_flag(want, CAP_EFFECTIVE, (int)n, kept, CAP_SET) < 0)) {
		r = -errno;
		goto out;
	}
	if (user && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0) {
		r = -errno;
		goto out;
	}
	r = drop_bounding(kept, n);
	if (r >= 0 && user)
		r = switch_user(user);
	if (r >= 0 && cap_set_proc(want) < 0)
		r = -errno;
	if (r >= 0 && CAP_AMBIENT_SUPPORTED() && cap_reset_ambient() < 0)
		r = -errno;
	if (user && prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0 && r >= 0)
		r = -errno;
	if (r >= 0)
		r = verify(user, want);
out:
	cap_free(want);
	cap_free(now);
	return r;
}
