// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_sink_journal: the journal fields of events built from raw lines
 * (record_parse_line()), and the transport against a fake journald: a
 * datagram socket of our own in a temporary directory that we bind,
 * close, rebind and leave unread, so outages, restarts and push back are
 * tested without root and without journald. Entries are received and
 * parsed back from journald's native protocol (datagrams or memfds).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "event_util.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "assembler.h"
#include "enrich.h"
#include "record.h"
#include "sink_journal.h"

#define LINES(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* ---- events and fields ----------------------------------------------------- */


struct fields {
	struct iovec *iov;
	size_t n;
};

static void fields_of(const char *const *lines, const char *json, struct fields *out)
{
	struct event ev;

	build_event(lines, &ev);
	assert_int_equal(sink_journal_fields(&ev, NULL, json, strlen(json), &out->iov, &out->n), 0);
	free_event(&ev);
}

/* The values of field NAME, in order; returns how many (at most MAX). */
static size_t values(const struct fields *f, const char *name, const char **val, size_t *len, size_t max)
{
	size_t nlen = strlen(name), k = 0;

	for (size_t i = 0; i < f->n; i++) {
		const char *p = f->iov[i].iov_base;

		if (f->iov[i].iov_len > nlen && memcmp(p, name, nlen) == 0 && p[nlen] == '=') {
			if (k < max) {
				val[k] = p + nlen + 1;
				len[k] = f->iov[i].iov_len - nlen - 1;
			}
			k++;
		}
	}
	return k;
}

/* Field NAME has exactly the NULL-terminated values WANT, in order (none: absent). */
static void check_values(const struct fields *f, const char *name, const char *const *want)
{
	const char *val[64];
	size_t len[64], n = values(f, name, val, len, 64), w = 0;

	while (want[w])
		w++;
	if (n != w)
		fail_msg("%s: %zu values, want %zu", name, n, w);
	for (size_t i = 0; i < n; i++)
		if (len[i] != strlen(want[i]) || memcmp(val[i], want[i], len[i]) != 0)
			fail_msg("%s #%zu: \"%.*s\", want \"%s\"", name, i, (int)len[i], val[i], want[i]);
}

static void check_value(const struct fields *f, const char *name, const char *want)
{
	check_values(f, name, want ? (const char *const[]){ want, NULL } : (const char *const[]){ NULL });
}

/* ---- field tests ----------------------------------------------------------- */

/* AUSCRIBE_LABEL (each), AUSCRIBE_CONTAINER and AUSCRIBE_UNIT (each) come from the enrichment. */
static void test_fields_enriched(void **state)
{
	static const char *const lines[] = {
		"type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=2 comm=\"x\" exe=\"/x\" key=(null)",
		NULL,
	};
	static const char *const labels[] = { "software_mgmt", "web" };
	static const char cid[] = "4d3c2b1a00112233445566778899aabbccddeeff00112233445566778899aabb";
	static const char services[] = "user@1000\0emacs";
	struct enrichment enr = { .syscall = true, .labels = labels, .n_labels = 2 };
	struct enrich_pidobj obj = { .pid = 7 };
	struct fields f;
	struct event ev;

	enr.pid = (struct enrich_proc){ .present = true, .pid = 2, .container = cid, .services = services, .n_services = 2 };
	build_event(lines, &ev);
	assert_int_equal(sink_journal_fields(&ev, &enr, "{}", 2, &f.iov, &f.n), 0);
	check_values(&f, "AUSCRIBE_LABEL", LINES("software_mgmt", "web"));
	check_value(&f, "AUSCRIBE_CONTAINER", cid);
	check_values(&f, "AUSCRIBE_UNIT", LINES("user@1000", "emacs"));
	free(f.iov);

	/* Nothing known: none of them. */
	enr = (struct enrichment){ .syscall = true };
	assert_int_equal(sink_journal_fields(&ev, &enr, "{}", 2, &f.iov, &f.n), 0);
	check_value(&f, "AUSCRIBE_LABEL", NULL);
	check_value(&f, "AUSCRIBE_CONTAINER", NULL);
	check_value(&f, "AUSCRIBE_UNIT", NULL);
	free(f.iov);

	/* A user message: its pid's process (no labels: those are SYSCALL's). */
	obj.proc = (struct enrich_proc){ .present = true, .pid = 7, .container = cid };
	enr = (struct enrichment){ .pids = &obj, .n_pids = 1, .labels = labels, .n_labels = 1 };
	assert_int_equal(sink_journal_fields(&ev, &enr, "{}", 2, &f.iov, &f.n), 0);
	check_value(&f, "AUSCRIBE_CONTAINER", cid);
	check_value(&f, "AUSCRIBE_LABEL", NULL);
	free(f.iov);
	free_event(&ev);
}

/* tests/golden/input/record-execve.txt */
static const char *const execve_lines[] = {
	"node=work type=SYSCALL msg=audit(1615114232.375:15558): arch=c000003e syscall=59 success=yes exit=0 a0=63b29337fd18 a1=63b293387d58 a2=63b293375640 a3=fffffffffffff000 items=2 ppid=10883 pid=10884 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts1 ses=1 comm=\"whoami\" exe=\"/usr/bin/whoami\" key=(null)\x1d"
	"ARCH=x86_64 SYSCALL=execve AUID=\"user\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"",
	"node=work type=EXECVE msg=audit(1615114232.375:15558): argc=1 a0=\"whoami\"",
	"node=work type=CWD msg=audit(1615114232.375:15558): cwd=\"/home/user/tmp\"",
	"node=work type=PATH msg=audit(1615114232.375:15558): item=0 name=\"/usr/bin/whoami\" inode=261214 dev=ca:03 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0000000000000000 cap_fi=0000000000000000 cap_fe=0 cap_fver=0\x1dOUID=\"root\" OGID=\"root\"",
	"node=work type=PATH msg=audit(1615114232.375:15558): item=1 name=\"/lib64/ld-linux-x86-64.so.2\" inode=262146 dev=ca:03 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0000000000000000 cap_fi=0000000000000000 cap_fe=0 cap_fver=0\x1dOUID=\"root\" OGID=\"root\"",
	"node=work type=PROCTITLE msg=audit(1615114232.375:15558): proctitle=\"whoami\"",
	NULL,
};

static void test_fields_execve(void **state)
{
	const char *json = "{\"ID\":\"1615114232.375:15558\",\"NODE\":\"work\",\"SYSCALL\":{}}";
	struct fields f;

	(void)state;
	fields_of(execve_lines, json, &f);
	/* The fixed fields come first, MESSAGE byte for byte. */
	assert_true(f.n >= 3);
	assert_int_equal(f.iov[0].iov_len, 8 + strlen(json));
	assert_memory_equal(f.iov[0].iov_base, "MESSAGE=", 8);
	assert_memory_equal((char *)f.iov[0].iov_base + 8, json, strlen(json));
	check_value(&f, "SYSLOG_IDENTIFIER", "auscribe");
	check_value(&f, "PRIORITY", "6");
	check_value(&f, "AUSCRIBE_ID", "1615114232.375:15558");
	check_value(&f, "AUSCRIBE_NODE", "work");
	check_values(&f, "AUSCRIBE_RECORD", LINES("SYSCALL", "EXECVE", "CWD", "PATH", "PROCTITLE"));
	check_value(&f, "AUSCRIBE_KEY", NULL); /* key=(null) */
	check_value(&f, "AUSCRIBE_SYSCALL", "execve");
	check_value(&f, "AUSCRIBE_SUCCESS", "yes");
	check_value(&f, "AUSCRIBE_EXIT", "0");
	check_value(&f, "AUSCRIBE_PID", "10884");
	check_value(&f, "AUSCRIBE_PPID", "10883");
	check_value(&f, "AUSCRIBE_EXE", "/usr/bin/whoami");
	check_value(&f, "AUSCRIBE_COMM", "whoami");
	check_value(&f, "AUSCRIBE_AUID", "1000");
	check_value(&f, "AUSCRIBE_UID", "0");
	/* Nothing else, and no field journald would drop or trust. */
	assert_int_equal(f.n, 3 + 2 + 5 + 9);
	for (size_t i = 0; i < f.n; i++)
		assert_int_not_equal(((const char *)f.iov[i].iov_base)[0], '_');
	free(f.iov);
}

static void test_fields_id_and_node(void **state)
{
	struct fields f;

	(void)state;
	/* Milliseconds zero-padded; no node= prefix, no AUSCRIBE_NODE. */
	fields_of(LINES("type=SYSCALL msg=audit(1678282381.052:7): arch=c000003e syscall=1 success=no exit=-13 pid=5 uid=0 auid=4294967295 comm=\"cat\" exe=\"/usr/bin/cat\" key=(null)"),
		  "{}", &f);
	check_value(&f, "AUSCRIBE_ID", "1678282381.052:7");
	check_value(&f, "AUSCRIBE_NODE", NULL);
	check_value(&f, "AUSCRIBE_SYSCALL", "write");
	check_value(&f, "AUSCRIBE_SUCCESS", "no");
	check_value(&f, "AUSCRIBE_EXIT", "-13");
	check_value(&f, "AUSCRIBE_AUID", "4294967295");
	check_value(&f, "AUSCRIBE_PPID", NULL);
	free(f.iov);

	fields_of(LINES("type=SYSCALL msg=audit(5.000:0): syscall=1"), "{}", &f);
	check_value(&f, "AUSCRIBE_ID", "5.000:0");
	check_value(&f, "AUSCRIBE_SYSCALL", "1"); /* no arch: the number */
	free(f.iov);
}

static void test_fields_keys(void **state)
{
	struct fields f;

	(void)state;
	/* tests/golden/input/record-syscall-key.txt */
	fields_of(LINES("type=SYSCALL msg=audit(1628602815.266:2365): arch=c000003e syscall=59 success=yes exit=0 a0=2557470 a1=247b510 a2=2565820 a3=5bb items=2 ppid=3193 pid=6382 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=1 comm=\"cat\" exe=\"/usr/bin/cat\" key=\"filter-this\""),
		  "{}", &f);
	check_value(&f, "AUSCRIBE_KEY", "filter-this");
	free(f.iov);

	/* Several keys: joined by 0x01, so hex-encoded: "exec" 0x01 "priv" 0x01 0x01 "x y". */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 key=657865630170726976010178207920"),
		  "{}", &f);
	check_values(&f, "AUSCRIBE_KEY", LINES("exec", "priv", "x y "));
	free(f.iov);

	/* One key with a space: hex-encoded too, not split. */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:2): arch=c000003e syscall=59 key=6120622063"), "{}", &f);
	check_value(&f, "AUSCRIBE_KEY", "a b c");
	free(f.iov);

	/* Odd-length or non-hex bare values are kept as written. */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:3): arch=c000003e syscall=59 key=abc"), "{}", &f);
	check_value(&f, "AUSCRIBE_KEY", "abc");
	free(f.iov);

	/* key=? and an empty value are null, as in the JSON. */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:4): arch=c000003e syscall=59 key=? comm="), "{}", &f);
	check_value(&f, "AUSCRIBE_KEY", NULL);
	check_value(&f, "AUSCRIBE_COMM", NULL);
	free(f.iov);
}

static void test_fields_syscall_names(void **state)
{
	struct fields f;

	(void)state;
	/* i386: 11 is execve there. */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:1): arch=40000003 syscall=11 success=yes exit=0"), "{}", &f);
	check_value(&f, "AUSCRIBE_SYSCALL", "execve");
	free(f.iov);
	/* aarch64: 221 is execve. */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:2): arch=c00000b7 syscall=221"), "{}", &f);
	check_value(&f, "AUSCRIBE_SYSCALL", "execve");
	free(f.iov);
	/* Unknown number, unknown arch: the number. */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:3): arch=c000003e syscall=99999"), "{}", &f);
	check_value(&f, "AUSCRIBE_SYSCALL", "99999");
	free(f.iov);
	fields_of(LINES("type=SYSCALL msg=audit(1.000:4): arch=deadbeef syscall=59"), "{}", &f);
	check_value(&f, "AUSCRIBE_SYSCALL", "59");
	free(f.iov);
}

static void test_fields_decoded(void **state)
{
	struct fields f;
	const char *v;
	size_t len;

	(void)state;
	/* comm and exe hex-encoded (spaces, a newline): decoded to their bytes. */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 comm=6120636F6D6D exe=2F746D702F610A62 key=(null)"),
		  "{}", &f);
	check_value(&f, "AUSCRIBE_COMM", "a comm");
	assert_int_equal(values(&f, "AUSCRIBE_EXE", &v, &len, 1), 1);
	assert_int_equal(len, 8);
	assert_memory_equal(v, "/tmp/a\nb", 8);
	free(f.iov);
	/* A numeric field is never hex-decoded (pid=10 is 10, not "\x10"). */
	fields_of(LINES("type=SYSCALL msg=audit(1.000:2): arch=c000003e syscall=59 pid=10 uid=00"), "{}", &f);
	check_value(&f, "AUSCRIBE_PID", "10");
	check_value(&f, "AUSCRIBE_UID", "00");
	free(f.iov);
}

static void test_fields_user_records(void **state)
{
	struct fields f;

	(void)state;
	/* tests/golden/input/line-user-acct.txt: pid, uid, auid at the top, exe and res in msg='...'. */
	fields_of(LINES("type=USER_ACCT msg=audit(1615113648.981:15220): pid=9460 uid=1000 auid=1000 ses=1 msg='op=PAM:accounting grantors=pam_permit acct=\"user\" exe=\"/usr/bin/sudo\" hostname=? addr=? terminal=/dev/pts/1 res=success'\x1dUID=\"user\" AUID=\"user\""),
		  "{}", &f);
	check_value(&f, "AUSCRIBE_ID", "1615113648.981:15220");
	check_values(&f, "AUSCRIBE_RECORD", LINES("USER_ACCT"));
	check_value(&f, "AUSCRIBE_PID", "9460");
	check_value(&f, "AUSCRIBE_UID", "1000");
	check_value(&f, "AUSCRIBE_AUID", "1000");
	check_value(&f, "AUSCRIBE_EXE", "/usr/bin/sudo");
	check_value(&f, "AUSCRIBE_SUCCESS", "yes");
	check_value(&f, "AUSCRIBE_SYSCALL", NULL);
	check_value(&f, "AUSCRIBE_KEY", NULL);
	free(f.iov);

	/* A failed login; exe hex-encoded inside msg='...'. */
	fields_of(LINES("type=USER_LOGIN msg=audit(1.000:9): pid=1 uid=0 auid=4294967295 ses=4294967295 msg='op=login acct=\"x\" exe=2F7573722F7362696E2F737368640A hostname=h addr=1.2.3.4 terminal=sshd res=failed'"),
		  "{}", &f);
	check_value(&f, "AUSCRIBE_EXE", "/usr/sbin/sshd\n");
	check_value(&f, "AUSCRIBE_SUCCESS", "no");
	free(f.iov);
}

static void test_fields_syscall_wins(void **state)
{
	struct fields f;

	(void)state;
	/* auditctl adding a rule: the SYSCALL record's fields, not CONFIG_CHANGE's key. */
	fields_of(LINES("type=CONFIG_CHANGE msg=audit(1.000:1): auid=1000 ses=2 op=add_rule key=\"exec\" list=4 res=1",
			"type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=44 success=yes exit=1080 ppid=1 pid=2 auid=1000 uid=0 comm=\"auditctl\" exe=\"/usr/sbin/auditctl\" key=(null)"),
		  "{}", &f);
	check_values(&f, "AUSCRIBE_RECORD", LINES("CONFIG_CHANGE", "SYSCALL"));
	check_value(&f, "AUSCRIBE_KEY", NULL);
	check_value(&f, "AUSCRIBE_SYSCALL", "sendto");
	check_value(&f, "AUSCRIBE_PID", "2");
	free(f.iov);

	/* Without SYSCALL: the first record that has each field; res=1 is success. */
	fields_of(LINES("type=CONFIG_CHANGE msg=audit(1.000:2): auid=1000 ses=2 op=add_rule key=\"exec\" list=4 res=1"), "{}",
		  &f);
	check_value(&f, "AUSCRIBE_KEY", "exec");
	check_value(&f, "AUSCRIBE_AUID", "1000");
	check_value(&f, "AUSCRIBE_SUCCESS", "yes");
	check_value(&f, "AUSCRIBE_PID", NULL);
	free(f.iov);
}

static void test_fields_record_types(void **state)
{
	struct fields f;

	(void)state;
	fields_of(LINES("type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59",
			"type=UNKNOWN[1420] msg=audit(1.000:1): subj_prim=x",
			"type=PATH msg=audit(1.000:1): item=0",
			"type=UNKNOWN[9999] msg=audit(1.000:1): x=1",
			"type=PATH msg=audit(1.000:1): item=1",
			"type=MY_OWN_TYPE msg=audit(1.000:1): y=2",
			"type=UNKNOWN[9999] msg=audit(1.000:1): x=2"),
		  "{}", &f);
	check_values(&f, "AUSCRIBE_RECORD",
		      LINES("SYSCALL", "MAC_TASK_CONTEXTS", "PATH", "UNKNOWN[9999]", "MY_OWN_TYPE"));
	free(f.iov);
}

static void test_fields_not_events(void **state)
{
	const char *loss = "{\"ID\":\"1732300000.123:0\",\"AUSCRIBE_LOSS\":{\"signal\":\"receive_buffer\",\"records\":12,\"total\":40}}";
	struct fields f;

	(void)state;
	assert_int_equal(sink_journal_fields(NULL, NULL, loss, strlen(loss), &f.iov, &f.n), 0);
	assert_int_equal(f.n, 4);
	assert_int_equal(f.iov[0].iov_len, 8 + strlen(loss));
	assert_memory_equal((char *)f.iov[0].iov_base + 8, loss, strlen(loss));
	check_value(&f, "SYSLOG_IDENTIFIER", "auscribe");
	check_value(&f, "PRIORITY", "4");
	check_value(&f, "AUSCRIBE_RECORD", "AUSCRIBE_LOSS");
	free(f.iov);

	/* Not our shape: no AUSCRIBE_RECORD rather than a wrong one. */
	assert_int_equal(sink_journal_fields(NULL, NULL, "hello", 5, &f.iov, &f.n), 0);
	assert_int_equal(f.n, 3);
	check_value(&f, "AUSCRIBE_RECORD", NULL);
	free(f.iov);
	assert_int_equal(sink_journal_fields(NULL, NULL, "{\"ID\":\"1.000:0\"}", 16, &f.iov, &f.n), 0);
	assert_int_equal(f.n, 3);
	free(f.iov);
}

/* ---- a fake journald --------------------------------------------------------- */

static char tmpdir[64];
static char sockpath[128];

struct fake {
	int fd;
};

static void fake_up(struct fake *fk)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	unlink(sockpath);
	fk->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fk->fd >= 0);
	strcpy(sa.sun_path, sockpath);
	assert_int_equal(bind(fk->fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
}

/* journald dies: its socket closes; UNLINK: and the file goes too. */
static void fake_down(struct fake *fk, bool unlink_it)
{
	close(fk->fd);
	fk->fd = -1;
	if (unlink_it)
		unlink(sockpath);
}

/* One received entry, parsed: "NAME=value" fields, and how it came. */
struct got {
	struct fields f;
	bool memfd;
	bool binary;    /* some field used the binary (length-prefixed) form */
	char *store;
};

static void got_free(struct got *g)
{
	free(g->f.iov);
	free(g->store);
	*g = (struct got){ 0 };
}

/* Parses journald's native protocol the way journald-native.c does. */
static void parse_native(const char *p, size_t len, struct got *g)
{
	const char *end = p + len;
	size_t cap = 64, w = 0;

	g->f.iov = calloc(cap, sizeof(*g->f.iov));
	g->store = malloc(len + 1);
	assert_non_null(g->f.iov);
	assert_non_null(g->store);
	g->f.n = 0;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p)), *eq;
		char *dst = g->store + w;

		if (!e)
			fail_msg("trailing noise in entry");
		if (e == p)
			fail_msg("empty line in entry");
		if (g->f.n == cap) {
			cap *= 2;
			g->f.iov = realloc(g->f.iov, cap * sizeof(*g->f.iov));
			assert_non_null(g->f.iov);
		}
		eq = memchr(p, '=', (size_t)(e - p));
		if (eq) {
			memcpy(dst, p, (size_t)(e - p));
			g->f.iov[g->f.n++] = (struct iovec){ dst, (size_t)(e - p) };
			w += (size_t)(e - p);
			p = e + 1;
		} else {
			uint64_t l;

			assert_true((size_t)(end - e) >= 1 + 8 + 1);
			memcpy(&l, e + 1, 8);
			l = le64toh(l);
			assert_true(l <= (uint64_t)(end - e) - 1 - 8 - 1);
			assert_int_equal(e[1 + 8 + l], '\n');
			memcpy(dst, p, (size_t)(e - p));
			dst[e - p] = '=';
			memcpy(dst + (e - p) + 1, e + 1 + 8, l);
			g->f.iov[g->f.n++] = (struct iovec){ dst, (size_t)(e - p) + 1 + l };
			w += (size_t)(e - p) + 1 + l;
			p = e + 1 + 8 + l + 1;
			g->binary = true;
		}
	}
}

/* Receives one entry within TIMEOUT_MS; false if none came. */
static bool fake_recv(struct fake *fk, int timeout_ms, struct got *g)
{
	struct pollfd pfd = { .fd = fk->fd, .events = POLLIN };
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov;
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
			     .msg_controllen = sizeof(control) };
	int avail = 0;
	ssize_t n;
	char *buf;

	*g = (struct got){ 0 };
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return false;
	assert_int_equal(ioctl(fk->fd, FIONREAD, &avail), 0);
	buf = malloc((size_t)avail + 1);
	assert_non_null(buf);
	iov = (struct iovec){ buf, (size_t)avail + 1 };
	n = recvmsg(fk->fd, &mh, MSG_CMSG_CLOEXEC);
	assert_true(n >= 0);
	assert_int_equal(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC), 0);
	if (mh.msg_controllen) {
		struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
		struct stat st;
		int memfd, seals;
		void *m;

		/* As journald wants it: an empty datagram, one sealed memfd. */
		assert_int_equal(n, 0);
		assert_int_equal(c->cmsg_type, SCM_RIGHTS);
		assert_int_equal(c->cmsg_len, CMSG_LEN(sizeof(int)));
		memcpy(&memfd, CMSG_DATA(c), sizeof(int));
		seals = fcntl(memfd, F_GET_SEALS);
		assert_int_equal(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL),
				 F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL);
		assert_int_equal(fstat(memfd, &st), 0);
		assert_true(st.st_size > 0);
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, memfd, 0);
		assert_true(m != MAP_FAILED);
		parse_native(m, (size_t)st.st_size, g);
		munmap(m, (size_t)st.st_size);
		close(memfd);
		g->memfd = true;
	} else {
		parse_native(buf, (size_t)n, g);
	}
	free(buf);
	return true;
}

/* The AUSCRIBE_ID's serial of a received entry; -1 if it has none. */
static long got_serial(const struct got *g)
{
	const char *v;
	size_t len;
	char s[64];

	if (values(&g->f, "AUSCRIBE_ID", &v, &len, 1) != 1 || len >= sizeof(s))
		return -1;
	memcpy(s, v, len);
	s[len] = '\0';
	return strchr(s, ':') ? atol(strchr(s, ':') + 1) : -1;
}

static bool got_is(const struct got *g, const char *name, const char *val)
{
	const char *v[8];
	size_t len[8], n = values(&g->f, name, v, len, 8);

	for (size_t i = 0; i < n && i < 8; i++)
		if (len[i] == strlen(val) && memcmp(v[i], val, len[i]) == 0)
			return true;
	return false;
}

/* Writes a small event with serial SERIAL; PAD bytes of padding in its JSON. */
static void write_event(struct sink_journal *j, unsigned serial, size_t pad)
{
	char line[256];
	struct event ev;
	char *json;
	int n;

	snprintf(line, sizeof(line),
		 "type=SYSCALL msg=audit(1700000000.001:%u): arch=c000003e syscall=59 success=yes exit=0 pid=42 uid=0 auid=1000 comm=\"t\" exe=\"/t\" key=\"k\"",
		 serial);
	build_event(LINES(line), &ev);
	json = malloc(pad + 64);
	assert_non_null(json);
	n = snprintf(json, 64, "{\"ID\":\"1700000000.001:%u\",\"PAD\":\"", serial);
	memset(json + n, 'p', pad);
	memcpy(json + n + pad, "\"}", 2);
	assert_int_equal(sink_journal_write(j, &ev, NULL, json, (size_t)n + pad + 2), 0);
	free(json);
	free_event(&ev);
}

static struct sink_journal *open_sink(size_t max_queued, size_t max_bytes, unsigned wait_ms)
{
	struct sink_journal_options o = { .socket_path = sockpath, .max_queued = max_queued,
					  .max_queued_bytes = max_bytes, .wait_ms = wait_ms };
	struct sink_journal *j = NULL;

	assert_int_equal(sink_journal_open_with(&o, &j), 0);
	assert_non_null(j);
	return j;
}

static void check_counters(struct sink_journal *j, uint64_t sent, uint64_t queued, uint64_t retried,
			    uint64_t dropped)
{
	const struct sink_journal_counters *c = sink_journal_counters(j);

	if (c->sent != sent || c->queued_now != queued || c->retried != retried || c->dropped != dropped)
		fail_msg("counters sent=%llu queued_now=%llu retried=%llu dropped=%llu, want %llu %llu %llu %llu",
			 (unsigned long long)c->sent, (unsigned long long)c->queued_now,
			 (unsigned long long)c->retried, (unsigned long long)c->dropped, (unsigned long long)sent,
			 (unsigned long long)queued, (unsigned long long)retried, (unsigned long long)dropped);
}

/* Receives the events FIRST..LAST, in order, and nothing else. */
static void check_serials(struct fake *fk, unsigned first, unsigned last)
{
	struct got g;

	for (unsigned s = first; s <= last; s++) {
		if (!fake_recv(fk, 1000, &g))
			fail_msg("event %u never arrived", s);
		if (got_serial(&g) != (long)s)
			fail_msg("got serial %ld, want %u", got_serial(&g), s);
		got_free(&g);
	}
	assert_false(fake_recv(fk, 0, &g));
}

/* Receives an in-band loss entry of EVENTS (TOTAL so far). */
static void check_loss(struct fake *fk, unsigned events, unsigned total)
{
	char want[128];
	const char *v;
	size_t len;
	struct got g;

	assert_true(fake_recv(fk, 1000, &g));
	assert_true(got_is(&g, "PRIORITY", "4"));
	assert_true(got_is(&g, "SYSLOG_IDENTIFIER", "auscribe"));
	assert_true(got_is(&g, "AUSCRIBE_RECORD", "AUSCRIBE_LOSS"));
	assert_int_equal(g.f.n, 4);
	assert_int_equal(values(&g.f, "MESSAGE", &v, &len, 1), 1);
	snprintf(want, sizeof(want), "\",\"AUSCRIBE_LOSS\":{\"signal\":\"journal_queue\",\"events\":%u,\"total\":%u}}",
		 events, total);
	/* {"ID":"SEC.MSEC:0",...: the ID is the wall clock, serial 0. */
	assert_true(len > 7 + strlen(want));
	assert_memory_equal(v, "{\"ID\":\"", 7);
	assert_memory_equal(v + len - strlen(want), want, strlen(want));
	assert_memory_equal(v + len - strlen(want) - 6, ".", 1);
	assert_memory_equal(v + len - strlen(want) - 2, ":0", 2);
	got_free(&g);
}

/* ---- transport tests ------------------------------------------------------- */

static void test_wire_roundtrip(void **state)
{
	const char *json = "{\"ID\":\"1615114232.375:15558\"}";
	struct sink_journal *j = open_sink(0, 0, 0);
	struct fields want;
	struct event ev;
	struct fake fk;
	struct got g;

	(void)state;
	fake_up(&fk);
	build_event(execve_lines, &ev);
	assert_int_equal(sink_journal_write(j, &ev, NULL, json, strlen(json)), 0);
	assert_int_equal(sink_journal_fields(&ev, NULL, json, strlen(json), &want.iov, &want.n), 0);
	free_event(&ev);
	assert_true(fake_recv(&fk, 1000, &g));
	assert_false(g.memfd);
	assert_false(g.binary);
	assert_int_equal(g.f.n, want.n);
	for (size_t i = 0; i < want.n; i++) {
		assert_int_equal(g.f.iov[i].iov_len, want.iov[i].iov_len);
		assert_memory_equal(g.f.iov[i].iov_base, want.iov[i].iov_base, want.iov[i].iov_len);
	}
	got_free(&g);
	free(want.iov);

	/* A value with a newline goes in the binary form, intact. */
	build_event(LINES("type=SYSCALL msg=audit(1.000:1): arch=c000003e syscall=59 exe=2F746D702F610A62"), &ev);
	assert_int_equal(sink_journal_write(j, &ev, NULL, "{}", 2), 0);
	free_event(&ev);
	assert_true(fake_recv(&fk, 1000, &g));
	assert_true(g.binary);
	assert_true(got_is(&g, "AUSCRIBE_EXE", "/tmp/a\nb"));
	assert_true(got_is(&g, "MESSAGE", "{}"));
	got_free(&g);
	check_counters(j, 2, 0, 0, 0);
	assert_int_equal(sink_journal_counters(j)->errors, 0);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static void test_wire_large(void **state)
{
	static const size_t sizes[] = { 1 << 20, 17 << 20 };
	struct sink_journal *j = open_sink(0, 0, 0);
	struct fake fk;

	(void)state;
	fake_up(&fk);
	for (size_t i = 0; i < 2; i++) {
		size_t len = sizes[i];
		char *json = malloc(len);
		const char *v;
		size_t vlen;
		struct event ev;
		struct got g;

		assert_non_null(json);
		for (size_t k = 0; k < len; k++)
			json[k] = (char)('a' + k % 26);
		build_event(LINES("type=EXECVE msg=audit(1.000:1): argc=1 a0=\"x\""), &ev);
		assert_int_equal(sink_journal_write(j, &ev, NULL, json, len), 0);
		free_event(&ev);
		assert_true(fake_recv(&fk, 5000, &g));
		/* Beyond any datagram our send buffer allows: a memfd. */
		if (len > (16u << 20))
			assert_true(g.memfd);
		assert_int_equal(values(&g.f, "MESSAGE", &v, &vlen, 1), 1);
		assert_int_equal(vlen, len);
		assert_memory_equal(v, json, len);
		assert_true(got_is(&g, "AUSCRIBE_RECORD", "EXECVE"));
		got_free(&g);
		free(json);
	}
	check_counters(j, 2, 0, 0, 0);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static void test_absent_then_up(void **state)
{
	struct sink_journal *j = open_sink(0, 0, 0);
	struct fake fk;

	(void)state;
	unlink(sockpath);
	for (unsigned s = 1; s <= 3; s++)
		write_event(j, s, 10);
	check_counters(j, 0, 3, 0, 0);
	assert_int_equal(sink_journal_flush(j), -ENOENT);
	check_counters(j, 0, 3, 0, 0);
	/* Push back and absence are not errors. */
	assert_int_equal(sink_journal_counters(j)->errors, 0);

	fake_up(&fk);
	assert_int_equal(sink_journal_flush(j), 0);
	check_counters(j, 3, 0, 3, 0);
	check_serials(&fk, 1, 3); /* no loss entry: nothing was lost */
	write_event(j, 4, 10);
	check_serials(&fk, 4, 4);
	check_counters(j, 4, 0, 3, 0);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static void test_overflow(void **state)
{
	struct sink_journal *j = open_sink(2, 0, 0);
	struct fake fk;

	(void)state;
	unlink(sockpath);
	for (unsigned s = 1; s <= 5; s++)
		write_event(j, s, 10);
	check_counters(j, 0, 2, 0, 3);
	fake_up(&fk);
	/* The loss entry first, then the queue, in order. */
	assert_int_equal(sink_journal_flush(j), 0);
	check_loss(&fk, 3, 3);
	check_serials(&fk, 1, 2);
	check_counters(j, 3, 0, 2, 3);
	write_event(j, 6, 10);
	check_serials(&fk, 6, 6);
	check_counters(j, 4, 0, 2, 3);
	fake_down(&fk, true);

	/* A second outage: counted from the last report, total since the start. */
	for (unsigned s = 7; s <= 9; s++)
		write_event(j, s, 10);
	check_counters(j, 4, 2, 2, 4);
	fake_up(&fk);
	assert_int_equal(sink_journal_flush(j), 0);
	check_loss(&fk, 1, 4);
	check_serials(&fk, 7, 8);
	check_counters(j, 7, 0, 4, 4);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static void test_overflow_bytes(void **state)
{
	/* Entries of about 1300 bytes: two fit in 3000. */
	struct sink_journal *j = open_sink(0, 3000, 0);
	struct fake fk;

	(void)state;
	unlink(sockpath);
	for (unsigned s = 1; s <= 4; s++)
		write_event(j, s, 1000);
	check_counters(j, 0, 2, 0, 2);
	/* An entry larger than the whole bound is dropped, not queued. */
	write_event(j, 5, 4000);
	check_counters(j, 0, 2, 0, 3);
	fake_up(&fk);
	assert_int_equal(sink_journal_flush(j), 0);
	check_loss(&fk, 3, 3);
	check_serials(&fk, 1, 2);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static void test_restart(void **state)
{
	struct sink_journal *j = open_sink(0, 0, 0);
	struct fake fk;

	(void)state;
	fake_up(&fk);
	write_event(j, 1, 10);
	check_serials(&fk, 1, 1);
	/* Killed: the socket file stays, nobody listens (ECONNREFUSED). */
	fake_down(&fk, false);
	write_event(j, 2, 10);
	write_event(j, 3, 10);
	check_counters(j, 1, 2, 0, 0);
	assert_int_equal(sink_journal_flush(j), -ECONNREFUSED);
	/* Started again: a new socket at the same path. */
	fake_up(&fk);
	write_event(j, 4, 10);
	check_serials(&fk, 2, 4);
	check_counters(j, 4, 0, 2, 0);
	assert_int_equal(sink_journal_counters(j)->errors, 0);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static void test_push_back(void **state)
{
	struct sink_journal *j = open_sink(0, 0, 0);
	unsigned s = 0, received = 0;
	struct fake fk;
	struct got g;

	(void)state;
	fake_up(&fk);
	/* Nobody reads: the socket's queue fills (net.unix.max_dgram_qlen), then we queue. */
	while (sink_journal_counters(j)->queued_now == 0 && s < 100000)
		write_event(j, ++s, 10);
	assert_true(sink_journal_counters(j)->queued_now > 0);
	for (unsigned i = 0; i < 20; i++)
		write_event(j, ++s, 10);
	/* Reading makes room; flushes send the rest, in order, nothing lost. */
	while (received < s) {
		if (!fake_recv(&fk, 1000, &g)) {
			assert_int_equal(sink_journal_flush(j), 0);
			continue;
		}
		if (got_serial(&g) != (long)received + 1)
			fail_msg("got serial %ld, want %u", got_serial(&g), received + 1);
		received++;
		got_free(&g);
		(void)sink_journal_flush(j);
	}
	assert_false(fake_recv(&fk, 0, &g));
	assert_int_equal(sink_journal_counters(j)->dropped, 0);
	assert_int_equal(sink_journal_counters(j)->queued_now, 0);
	assert_int_equal(sink_journal_counters(j)->sent, s);
	assert_int_equal(sink_journal_counters(j)->errors, 0);
	sink_journal_free(j);
	fake_down(&fk, true);
}

/* With wait_ms (replay), writes wait for a slow reader instead of queueing. */
static void test_wait(void **state)
{
	struct sink_journal *j = open_sink(0, 0, 5000);
	int pfd[2], status;
	unsigned count = 0;
	struct fake fk;
	pid_t pid;

	(void)state;
	fake_up(&fk);
	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct got g;
		unsigned n = 0;

		close(pfd[0]);
		usleep(200 * 1000);
		while (fake_recv(&fk, 1000, &g)) {
			got_free(&g);
			n++;
			if (n % 16 == 0)
				usleep(10 * 1000);
		}
		if (write(pfd[1], &n, sizeof(n)) != sizeof(n))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	for (unsigned s = 1; s <= 200; s++) {
		write_event(j, s, 10);
		assert_int_equal(sink_journal_counters(j)->queued_now, 0);
	}
	check_counters(j, 200, 0, 0, 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(read(pfd[0], &count, sizeof(count)), sizeof(count));
	assert_int_equal(count, 200);
	close(pfd[0]);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A journald that takes nothing for a whole wait costs one wait, not one per event. */
static void test_wait_stuck(void **state)
{
	struct sink_journal *j = open_sink(0, 0, 300);
	unsigned s = 0, received = 0;
	uint64_t t0;
	struct fake fk;
	struct got g;

	(void)state;
	fake_up(&fk);
	t0 = mono_ms();
	while (sink_journal_counters(j)->queued_now == 0 && s < 100000)
		write_event(j, ++s, 10);
	assert_true(mono_ms() - t0 >= 290); /* the first push back was waited for */
	t0 = mono_ms();
	for (unsigned i = 0; i < 50; i++)
		write_event(j, ++s, 10);
	assert_true(mono_ms() - t0 < 290); /* the others were not */
	assert_int_equal(sink_journal_counters(j)->queued_now, 51);
	/* Moving again: everything arrives, in order. */
	while (received < s) {
		if (!fake_recv(&fk, 1000, &g)) {
			assert_int_equal(sink_journal_flush(j), 0);
			continue;
		}
		assert_int_equal(got_serial(&g), (long)received + 1);
		received++;
		got_free(&g);
		(void)sink_journal_flush(j); /* -EAGAIN once it has filled the socket again */
	}
	assert_int_equal(sink_journal_counters(j)->dropped, 0);
	sink_journal_free(j);
	fake_down(&fk, true);
}

static void test_free_sends_queued(void **state)
{
	struct sink_journal *j = open_sink(0, 0, 0);
	struct fake fk;

	(void)state;
	unlink(sockpath);
	write_event(j, 1, 10);
	write_event(j, 2, 10);
	check_counters(j, 0, 2, 0, 0);
	fake_up(&fk);
	sink_journal_free(j); /* one more try: both go */
	check_serials(&fk, 1, 2);
	fake_down(&fk, true);

	/* Still absent at the end: dropped and counted, the ones dropped before too. */
	j = open_sink(2, 0, 0);
	for (unsigned s = 3; s <= 6; s++)
		write_event(j, s, 10);
	check_counters(j, 0, 2, 0, 2);
	assert_int_equal(sink_journal_close(j), 4);
	assert_int_equal(sink_journal_close(NULL), 0);
	sink_journal_free(NULL);
}

static void test_open(void **state)
{
	struct sink_journal_options o = { 0 };
	struct sink_journal *j = NULL;
	char longpath[200];

	(void)state;
	/* The default sink opens whether or not journald runs. */
	assert_int_equal(sink_journal_open(&j), 0);
	check_counters(j, 0, 0, 0, 0);
	sink_journal_free(j);
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[sizeof(longpath) - 1] = '\0';
	o.socket_path = longpath;
	assert_int_equal(sink_journal_open_with(&o, &j), -EINVAL);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_sink_journal.XXXXXX");
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(sockpath, sizeof(sockpath), "%s/socket", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(sockpath);
	rmdir(tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields_execve),
		cmocka_unit_test(test_fields_enriched),
		cmocka_unit_test(test_fields_id_and_node),
		cmocka_unit_test(test_fields_keys),
		cmocka_unit_test(test_fields_syscall_names),
		cmocka_unit_test(test_fields_decoded),
		cmocka_unit_test(test_fields_user_records),
		cmocka_unit_test(test_fields_syscall_wins),
		cmocka_unit_test(test_fields_record_types),
		cmocka_unit_test(test_fields_not_events),
		cmocka_unit_test(test_wire_roundtrip),
		cmocka_unit_test(test_wire_large),
		cmocka_unit_test(test_absent_then_up),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_overflow_bytes),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_push_back),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_wait_stuck),
		cmocka_unit_test(test_free_sends_queued),
		cmocka_unit_test(test_open),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
