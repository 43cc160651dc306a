// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_record: the record parser. Every line is copied into a heap buffer
 * of exactly its length before parsing, so ASan reports any over-read.
 *
 * Covered: the line header (node=, type=NAME, type=UNKNOWN[n], the
 * stamp), lines that are not records, value kinds kept raw, auditd's
 * ENRICHED tail, repeated keys, msg='...', braced values, SELinux AVC
 * permission lists, bare words, NUL bytes and invalid UTF-8, the field
 * limit, long lines, the netlink front end, record classes and
 * record_tokenize_kv(). Many lines come from LAUREL's and
 * linux-audit-parser's corpora (tests/golden/input).
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "record.h"

/* Must match RECORD_MAX_FIELDS in src/record.c. */
#define MAX_FIELDS 4096

/* ---- helpers ------------------------------------------------------------- */

static int parse_rc(const char *line, size_t len, struct record **ret)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	assert_non_null(copy);
	if (len)
		memcpy(copy, line, len);
	rc = record_parse_line(copy, len, ret);
	/* The record owns a copy: scribbling on the input changes nothing. */
	if (len)
		memset(copy, 'Z', len);
	free(copy);
	return rc;
}

static struct record *parse_n(const char *line, size_t len)
{
	struct record *r = NULL;
	int rc = parse_rc(line, len, &r);

	if (rc != 0)
		fail_msg("record_parse_line(\"%.*s\") = %d", (int)len, line, rc);
	assert_non_null(r);
	return r;
}

static struct record *parse(const char *line)
{
	return parse_n(line, strlen(line));
}

static void expect_bad(const char *line, size_t len)
{
	struct record *r = (struct record *)(uintptr_t)0x1234;
	int rc = parse_rc(line, len, &r);

	if (rc != -EBADMSG)
		fail_msg("record_parse_line(\"%.*s\") = %d, want -EBADMSG", (int)len, line, rc);
	/* *ret is left alone on failure. */
	assert_ptr_equal(r, (struct record *)(uintptr_t)0x1234);
}

#define BAD(s) expect_bad(s, sizeof(s) - 1)

/* Field I of R is KEY=VAL of KIND (ENRICHED or not). */
static void expect_field(const struct record *r, size_t i, const char *key, const char *val,
			 enum value_kind kind, bool enriched)
{
	const struct field *f;

	if (i >= r->n_fields)
		fail_msg("field %zu (%s): only %zu fields", i, key, r->n_fields);
	f = &r->fields[i];
	if (f->key_len != strlen(key) || memcmp(record_key(r, f), key, f->key_len) != 0)
		fail_msg("field %zu: key \"%.*s\", want \"%s\"", i, (int)f->key_len, record_key(r, f), key);
	if (f->val_len != strlen(val) || memcmp(record_val(r, f), val, f->val_len) != 0)
		fail_msg("field %zu (%s): value \"%.*s\", want \"%s\"", i, key, (int)f->val_len,
			 record_val(r, f), val);
	if (f->kind != kind)
		fail_msg("field %zu (%s): kind %d, want %d", i, key, f->kind, kind);
	if (f->enriched != enriched)
		fail_msg("field %zu (%s): enriched %d, want %d", i, key, f->enriched, enriched);
}

static void expect_type_name(const struct record *r, const char *name)
{
	assert_int_equal(r->type_name_len, strlen(name));
	assert_memory_equal(r->text + r->type_name, name, strlen(name));
}

/* ---- header -------------------------------------------------------------- */

static void test_syscall_line(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=SYSCALL msg=audit(1615114232.375:15558): arch=c000003e syscall=59 "
		  "success=yes exit=-2 a0=63b29337fd18 comm=\"whoami\" key=(null)");
	assert_int_equal(r->type, AUDIT_SYSCALL);
	assert_int_equal(r->id.sec, 1615114232);
	assert_int_equal(r->id.msec, 375);
	assert_int_equal(r->id.serial, 15558);
	assert_int_equal(r->node_len, 0);
	expect_type_name(r, "SYSCALL");
	assert_int_equal(r->n_fields, 7);
	assert_int_equal(r->fields_dropped, 0);
	assert_int_equal(r->fields_duplicate, 0);
	assert_null(r->next);
	expect_field(r, 0, "arch", "c000003e", VALUE_BARE, false);
	expect_field(r, 1, "syscall", "59", VALUE_BARE, false);
	expect_field(r, 2, "success", "yes", VALUE_BARE, false);
	expect_field(r, 3, "exit", "-2", VALUE_BARE, false);
	expect_field(r, 4, "a0", "63b29337fd18", VALUE_BARE, false);
	expect_field(r, 5, "comm", "whoami", VALUE_QUOTED, false);
	expect_field(r, 6, "key", "(null)", VALUE_BARE, false);
	/* The text is a NUL-terminated copy. */
	assert_string_equal(r->text + r->fields[6].val, "(null)");
	record_free(r);
}

static void test_node(void **state)
{
	struct record *r;

	(void)state;
	r = parse("node=work type=EOE msg=audit(1.002:3): ");
	assert_int_equal(r->type, AUDIT_EOE);
	assert_int_equal(r->node_len, 4);
	assert_memory_equal(r->text + r->node, "work", 4);
	expect_type_name(r, "EOE");
	assert_int_equal(r->id.sec, 1);
	assert_int_equal(r->id.msec, 2);
	assert_int_equal(r->id.serial, 3);
	assert_int_equal(r->n_fields, 0);
	record_free(r);

	r = parse("node=host.example.com type=CWD msg=audit(1615114232.375:15558): cwd=\"/home/user/tmp\"");
	assert_int_equal(r->type, AUDIT_CWD);
	assert_int_equal(r->node_len, strlen("host.example.com"));
	assert_memory_equal(r->text + r->node, "host.example.com", r->node_len);
	assert_int_equal(r->n_fields, 1);
	expect_field(r, 0, "cwd", "/home/user/tmp", VALUE_QUOTED, false);
	record_free(r);

	/* No trailing space after the stamp. */
	r = parse("type=EOE msg=audit(1615114232.375:15558):");
	assert_int_equal(r->type, AUDIT_EOE);
	assert_int_equal(r->n_fields, 0);
	record_free(r);
}

static void test_type_unknown(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=UNKNOWN[1420] msg=audit(1661853391.646:4486226): subj_apparmor=unconfined");
	assert_int_equal(r->type, 1420);
	expect_type_name(r, "UNKNOWN[1420]");
	assert_int_equal(r->id.sec, 1661853391);
	assert_int_equal(r->id.msec, 646);
	assert_int_equal(r->id.serial, 4486226);
	assert_int_equal(r->n_fields, 1);
	expect_field(r, 0, "subj_apparmor", "unconfined", VALUE_BARE, false);
	record_free(r);

	/* A known type spelt as UNKNOWN[n] is that type. */
	r = parse("type=UNKNOWN[1300] msg=audit(1.000:1): a=b");
	assert_int_equal(r->type, AUDIT_SYSCALL);
	record_free(r);

	/* Names from the message dictionary that libaudit may not know. */
	r = parse("type=MAC_TASK_CONTEXTS msg=audit(1.000:1): a=b");
	assert_int_equal(r->type, 1420);
	record_free(r);

	/* A name libaudit does not know: still a record, with no number. */
	r = parse("type=NO_SUCH_TYPE msg=audit(1.000:1): a=b");
	assert_true(r->type < 0);
	expect_type_name(r, "NO_SUCH_TYPE");
	expect_field(r, 0, "a", "b", VALUE_BARE, false);
	record_free(r);

	/* Out of range or malformed numbers: no number either. */
	r = parse("type=UNKNOWN[99999] msg=audit(1.000:1): a=b");
	assert_true(r->type < 0);
	record_free(r);
	r = parse("type=UNKNOWN[] msg=audit(1.000:1): a=b");
	assert_true(r->type < 0);
	record_free(r);
	r = parse("type=UNKNOWN[0] msg=audit(1.000:1): a=b");
	assert_true(r->type < 0);
	record_free(r);
	r = parse("type=UNKNOWN[12x] msg=audit(1.000:1): a=b");
	assert_true(r->type < 0);
	record_free(r);
}

static void test_bad_lines(void **state)
{
	(void)state;
	BAD("");
	BAD("\n");
	BAD("hello world");
	BAD("# a comment");
	/* no type= */
	BAD("msg=audit(1.002:3): a=b");
	BAD("node=x msg=audit(1.002:3): a=b");
	BAD("node=x");
	/* empty type name */
	BAD("type= msg=audit(1.002:3): a=b");
	/* no msg= */
	BAD("type=SYSCALL a=b");
	BAD("type=SYSCALL");
	BAD("type=SYSCALL audit(1.002:3): a=b");
	/* bad stamps */
	BAD("type=SYSCALL msg=foo(1.002:3): a=b");
	BAD("type=SYSCALL msg=audit(1.002:3) a=b");
	BAD("type=SYSCALL msg=audit(1.002:3)");
	BAD("type=SYSCALL msg=audit(1.002:3");
	BAD("type=SYSCALL msg=audit(1.002:");
	BAD("type=SYSCALL msg=audit(1.002");
	BAD("type=SYSCALL msg=audit(");
	BAD("type=SYSCALL msg=audit");
	BAD("type=SYSCALL msg=audit(x.002:3): a=b");
	BAD("type=SYSCALL msg=audit(1.x:3): a=b");
	BAD("type=SYSCALL msg=audit(1.002:x): a=b");
	BAD("type=SYSCALL msg=audit(1.002): a=b");
	BAD("type=SYSCALL msg=audit(1:3): a=b");
	BAD("type=SYSCALL msg=audit(.002:3): a=b");
	BAD("type=SYSCALL msg=audit(1.:3): a=b");
	BAD("type=SYSCALL msg=audit(1.002:): a=b");
	BAD("type=SYSCALL msg=audit(-1.002:3): a=b");
	/* msec above 999 */
	BAD("type=SYSCALL msg=audit(1.1000:3): a=b");
	BAD("type=SYSCALL msg=audit(1.999999:3): a=b");
	/* numbers beyond 64 bits */
	BAD("type=SYSCALL msg=audit(18446744073709551616.002:3): a=b");
	BAD("type=SYSCALL msg=audit(1.002:18446744073709551616): a=b");
}

static void test_stamp_limits(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=SYSCALL msg=audit(18446744073709551615.999:18446744073709551615): a=b");
	assert_true(r->id.sec == UINT64_MAX);
	assert_int_equal(r->id.msec, 999);
	assert_true(r->id.serial == UINT64_MAX);
	record_free(r);

	r = parse("type=SYSCALL msg=audit(0.000:0): a=b");
	assert_int_equal(r->id.sec, 0);
	assert_int_equal(r->id.msec, 0);
	assert_int_equal(r->id.serial, 0);
	record_free(r);
}

static void test_line_endings(void **state)
{
	struct record *r;

	(void)state;
	/* A line may come with its newline, CR LF, or trailing NULs (netlink padding). */
	r = parse("type=CWD msg=audit(1.002:3): cwd=\"/\" x=1\r\n");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 1, "x", "1", VALUE_BARE, false);
	record_free(r);

	r = parse("type=CWD msg=audit(1.002:3): x=1\r");
	expect_field(r, 0, "x", "1", VALUE_BARE, false);
	record_free(r);

	r = parse_n("type=CWD msg=audit(1.002:3): x=1\0\0\0", sizeof("type=CWD msg=audit(1.002:3): x=1\0\0\0") - 1);
	expect_field(r, 0, "x", "1", VALUE_BARE, false);
	assert_int_equal(r->n_fields, 1);
	record_free(r);

	/* Multiple spaces between fields. */
	r = parse("type=CWD   msg=audit(1.002:3):    a=1     b=2   ");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "a", "1", VALUE_BARE, false);
	expect_field(r, 1, "b", "2", VALUE_BARE, false);
	record_free(r);
}

/* ---- values ------------------------------------------------------------- */

static void test_value_kinds(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=PATH msg=audit(1.002:3): item=0 name=\"/usr/bin/whoami\" nametype=NORMAL "
		  "hex=2F62696E null=(null) q=? empty= emptyq=\"\" mode=0100755 dev=ca:03");
	assert_int_equal(r->n_fields, 10);
	expect_field(r, 0, "item", "0", VALUE_BARE, false);
	expect_field(r, 1, "name", "/usr/bin/whoami", VALUE_QUOTED, false);
	expect_field(r, 2, "nametype", "NORMAL", VALUE_BARE, false);
	expect_field(r, 3, "hex", "2F62696E", VALUE_BARE, false);
	expect_field(r, 4, "null", "(null)", VALUE_BARE, false);
	expect_field(r, 5, "q", "?", VALUE_BARE, false);
	expect_field(r, 6, "empty", "", VALUE_BARE, false);
	expect_field(r, 7, "emptyq", "", VALUE_QUOTED, false);
	expect_field(r, 8, "mode", "0100755", VALUE_BARE, false);
	expect_field(r, 9, "dev", "ca:03", VALUE_BARE, false);
	record_free(r);

	/* A quoted value holds spaces and '='; it ends at the next '"'. */
	r = parse("type=AVC msg=audit(1634728455.294:53732): apparmor=\"STATUS\" "
		  "info=\"same as current profile, skipping\" x=\"a=b c=d\" pid=3981295");
	assert_int_equal(r->n_fields, 4);
	expect_field(r, 0, "apparmor", "STATUS", VALUE_QUOTED, false);
	expect_field(r, 1, "info", "same as current profile, skipping", VALUE_QUOTED, false);
	expect_field(r, 2, "x", "a=b c=d", VALUE_QUOTED, false);
	expect_field(r, 3, "pid", "3981295", VALUE_BARE, false);
	record_free(r);

	/* A bare value with braces and '=' inside (AppArmor, netfilter). */
	r = parse("type=SYSCALL msg=audit(1.002:3): subj=/{,usr/}sbin/dhclient table=?:0;?:0 key=(null)");
	expect_field(r, 0, "subj", "/{,usr/}sbin/dhclient", VALUE_BARE, false);
	expect_field(r, 1, "table", "?:0;?:0", VALUE_BARE, false);
	expect_field(r, 2, "key", "(null)", VALUE_BARE, false);
	record_free(r);

	/* An unterminated quote runs to the end. */
	r = parse("type=CWD msg=audit(1.002:3): a=1 cwd=\"/tmp/x y");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 1, "cwd", "/tmp/x y", VALUE_QUOTED, false);
	record_free(r);
}

static void test_enriched(void **state)
{
	struct record *r;

	(void)state;
	r = parse("node=work type=SYSCALL msg=audit(1615114232.375:15558): arch=c000003e syscall=59 "
		  "uid=0 key=(null)\x1d" "ARCH=x86_64 SYSCALL=execve AUID=\"user\" UID=\"root\"");
	assert_int_equal(r->n_fields, 8);
	expect_field(r, 0, "arch", "c000003e", VALUE_BARE, false);
	expect_field(r, 1, "syscall", "59", VALUE_BARE, false);
	expect_field(r, 2, "uid", "0", VALUE_BARE, false);
	expect_field(r, 3, "key", "(null)", VALUE_BARE, false);
	expect_field(r, 4, "ARCH", "x86_64", VALUE_BARE, true);
	expect_field(r, 5, "SYSCALL", "execve", VALUE_BARE, true);
	expect_field(r, 6, "AUID", "user", VALUE_QUOTED, true);
	expect_field(r, 7, "UID", "root", VALUE_QUOTED, true);
	record_free(r);

	/* The tail right after a quoted value, and a quoted value with a GS inside... */
	r = parse("type=USER_ACCT msg=audit(1.002:3): pid=1 msg='op=x res=success'\x1dUID=\"user\" AUID=\"user\"");
	assert_int_equal(r->n_fields, 4);
	expect_field(r, 0, "pid", "1", VALUE_BARE, false);
	expect_field(r, 1, "msg", "op=x res=success", VALUE_SQUOTED, false);
	expect_field(r, 2, "UID", "user", VALUE_QUOTED, true);
	expect_field(r, 3, "AUID", "user", VALUE_QUOTED, true);
	record_free(r);

	/* ... and right after a hex value, with braces (record-nscd, line-sockaddr-unix). */
	r = parse("type=SOCKADDR msg=audit(1670486666.214:1232): saddr=01002F746D70\x1d"
		  "SADDR={ fam=local path=/tmp/.{FD2DD8D4-F6AA} }");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "saddr", "01002F746D70", VALUE_BARE, false);
	expect_field(r, 1, "SADDR", "fam=local path=/tmp/.{FD2DD8D4-F6AA}", VALUE_BRACED, true);
	record_free(r);

	/* A key present in both parts is kept once: the kernel's. */
	r = parse("type=PATH msg=audit(1.002:3): ouid=0 x=1\x1dOUID=\"root\" x=2");
	assert_int_equal(r->n_fields, 3);
	expect_field(r, 0, "ouid", "0", VALUE_BARE, false);
	expect_field(r, 1, "x", "1", VALUE_BARE, false);
	expect_field(r, 2, "OUID", "root", VALUE_QUOTED, true);
	assert_int_equal(r->fields_duplicate, 1);
	record_free(r);
}

static void test_duplicates(void **state)
{
	struct record *r;

	(void)state;
	/* record-ptrace has "uid=0 uid=0"; we keep the first. */
	r = parse("type=OBJ_PID msg=audit(1.002:3): uid=0 opid=5 uid=1 ocomm=\"x\" uid=2 opid=6");
	assert_int_equal(r->n_fields, 3);
	expect_field(r, 0, "uid", "0", VALUE_BARE, false);
	expect_field(r, 1, "opid", "5", VALUE_BARE, false);
	expect_field(r, 2, "ocomm", "x", VALUE_QUOTED, false);
	assert_int_equal(r->fields_duplicate, 3);
	assert_int_equal(r->fields_dropped, 0);
	assert_ptr_equal(record_find(r, "uid"), &r->fields[0]);
	record_free(r);
}

static void test_msg_squoted(void **state)
{
	struct record *r;

	(void)state;
	/* line-user-acct.txt */
	r = parse("type=USER_ACCT msg=audit(1615113648.981:15220): pid=9460 uid=1000 auid=1000 ses=1 "
		  "msg='op=PAM:accounting grantors=pam_permit acct=\"user\" exe=\"/usr/bin/sudo\" "
		  "hostname=? addr=? terminal=/dev/pts/1 res=success'\x1dUID=\"user\" AUID=\"user\"");
	assert_int_equal(r->type, AUDIT_USER_ACCT);
	assert_int_equal(r->n_fields, 7);
	expect_field(r, 4, "msg",
		     "op=PAM:accounting grantors=pam_permit acct=\"user\" exe=\"/usr/bin/sudo\" "
		     "hostname=? addr=? terminal=/dev/pts/1 res=success",
		     VALUE_SQUOTED, false);
	expect_field(r, 5, "UID", "user", VALUE_QUOTED, true);
	record_free(r);

	/* A quote inside that is not followed by a separator does not end it. */
	r = parse("type=USER_CMD msg=audit(1.002:3): msg='cmd=it's x=\"a'b\" res=1' y=2");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "msg", "cmd=it's x=\"a'b\" res=1", VALUE_SQUOTED, false);
	expect_field(r, 1, "y", "2", VALUE_BARE, false);
	record_free(r);

	/* Empty, and unterminated. */
	r = parse("type=USER_CMD msg=audit(1.002:3): msg='' y=2");
	expect_field(r, 0, "msg", "", VALUE_SQUOTED, false);
	expect_field(r, 1, "y", "2", VALUE_BARE, false);
	record_free(r);
	r = parse("type=USER_CMD msg=audit(1.002:3): msg='op=x res=");
	assert_int_equal(r->n_fields, 1);
	expect_field(r, 0, "msg", "op=x res=", VALUE_SQUOTED, false);
	record_free(r);
}

static void test_braced(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=SOCKADDR msg=audit(1.002:3): SADDR={ saddr_fam=local path=/tmp/.{AB} }");
	assert_int_equal(r->n_fields, 1);
	expect_field(r, 0, "SADDR", "saddr_fam=local path=/tmp/.{AB}", VALUE_BRACED, false);
	record_free(r);

	/* record-service-start: fields continue after the braces. */
	r = parse("type=SOCKADDR msg=audit(1.002:3): a={ fam=netlink nlnk-fam=16 nlnk-pid=0 } b=1");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "a", "fam=netlink nlnk-fam=16 nlnk-pid=0", VALUE_BRACED, false);
	expect_field(r, 1, "b", "1", VALUE_BARE, false);
	record_free(r);

	/* Without inner spaces, empty, unterminated. */
	r = parse("type=SOCKADDR msg=audit(1.002:3): a={x} b=1");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "a", "x", VALUE_BRACED, false);
	expect_field(r, 1, "b", "1", VALUE_BARE, false);
	record_free(r);
	r = parse("type=SOCKADDR msg=audit(1.002:3): b={} c=2");
	expect_field(r, 0, "b", "", VALUE_BRACED, false);
	expect_field(r, 1, "c", "2", VALUE_BARE, false);
	record_free(r);
	r = parse("type=SOCKADDR msg=audit(1.002:3): c={ } d=3");
	expect_field(r, 0, "c", "", VALUE_BRACED, false);
	expect_field(r, 1, "d", "3", VALUE_BARE, false);
	record_free(r);
	r = parse("type=SOCKADDR msg=audit(1.002:3): x=1 d={ open");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 1, "d", "open", VALUE_BRACED, false);
	record_free(r);

	/* A braced path with "} " inside: the end is the "}" after a space. */
	r = parse("type=SOCKADDR msg=audit(1.002:3): a={ path=/x} y } b=2");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "a", "path=/x} y", VALUE_BRACED, false);
	expect_field(r, 1, "b", "2", VALUE_BARE, false);
	record_free(r);
}

/*
 * Parsing is linear: a long line of braced values whose '}' has no space
 * before it must not rescan the rest of the line for every value. A linear
 * parser takes milliseconds here (even under sanitizers).
 */
static void test_braced_linear(void **state)
{
	const size_t n = 256 * 1024;
	char *line = malloc(n + 64);
	size_t len;
	struct record *r;
	clock_t t0;
	double secs;

	(void)state;
	assert_non_null(line);
	len = (size_t)sprintf(line, "type=SOCKADDR msg=audit(1.002:3): ");
	while (len + 6 < n) {
		memcpy(line + len, "a={x} ", 6);
		len += 6;
	}
	t0 = clock();
	r = parse_n(line, len);
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	assert_int_equal(r->n_fields, 1);
	expect_field(r, 0, "a", "x", VALUE_BRACED, false);
	assert_int_equal(r->fields_duplicate, (len - 34) / 6 - 1);
	record_free(r);
	free(line);
	if (secs > 2.0)
		fail_msg("parsing %zu bytes of braced values took %.1f s", len, secs);
}

static void test_avc(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=AVC msg=audit(1.002:3): avc:  denied  { setuid read } for  pid=1 comm=\"x\"");
	assert_int_equal(r->type, AUDIT_AVC);
	assert_int_equal(r->n_fields, 3);
	expect_field(r, 0, "pid", "1", VALUE_BARE, false);
	expect_field(r, 1, "comm", "x", VALUE_QUOTED, false);
	expect_field(r, 2, "denied", "setuid read", VALUE_LIST, false);
	record_free(r);

	/* line-avc-denied.txt */
	r = parse("type=AVC msg=audit(1631798689.083:65686): avc:  denied  { setuid } for  pid=15381 "
		  "comm=\"laurel\" capability=7  scontext=system_u:system_r:auditd_t:s0 "
		  "tcontext=system_u:system_r:auditd_t:s0 tclass=capability permissive=1");
	assert_int_equal(r->n_fields, 8);
	expect_field(r, 0, "pid", "15381", VALUE_BARE, false);
	expect_field(r, 3, "scontext", "system_u:system_r:auditd_t:s0", VALUE_BARE, false);
	expect_field(r, 6, "permissive", "1", VALUE_BARE, false);
	expect_field(r, 7, "denied", "setuid", VALUE_LIST, false);
	record_free(r);

	/* line-avc-granted.txt */
	r = parse("type=AVC msg=audit(1631870323.500:7098): avc:  granted  { setsecparam } for  pid=11209 "
		  "comm=\"tuned\" tclass=security");
	assert_int_equal(r->n_fields, 4);
	expect_field(r, 3, "granted", "setsecparam", VALUE_LIST, false);
	record_free(r);

	/* Not the AVC shape: an ordinary bare word. */
	r = parse("type=AVC msg=audit(1.002:3): avc: pid=1");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "avc", "", VALUE_NONE, false);
	expect_field(r, 1, "pid", "1", VALUE_BARE, false);
	record_free(r);
	r = parse("type=AVC msg=audit(1.002:3): avc:  denied  { open");
	assert_true(r->n_fields >= 1);
	record_free(r);
}

static void test_bare_words(void **state)
{
	struct record *r;

	(void)state;
	/* AppArmor "subj==/usr/sbin/ntpd (enforce)" (line-broken-subj2.txt). */
	r = parse("type=SYSCALL msg=audit(1.002:3): subj==/usr/bin/man//&man_groff (enforce) pid=1");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 0, "subj", "=/usr/bin/man//&man_groff (enforce)", VALUE_BARE, false);
	expect_field(r, 1, "pid", "1", VALUE_BARE, false);
	record_free(r);

	/* TTY records start with a word alone. */
	r = parse("type=TTY msg=audit(1702500511.459:370948): tty pid=260398 uid=0 comm=\"bash\" "
		  "data=72706D0D\x1dUID=\"root\"");
	assert_int_equal(r->type, AUDIT_TTY);
	assert_int_equal(r->n_fields, 6);
	expect_field(r, 0, "tty", "", VALUE_NONE, false);
	expect_field(r, 1, "pid", "260398", VALUE_BARE, false);
	expect_field(r, 4, "data", "72706D0D", VALUE_BARE, false);
	expect_field(r, 5, "UID", "root", VALUE_QUOTED, true);
	record_free(r);

	/* "netlabel:" loses its colon (line-netlabel.txt). */
	r = parse("type=MAC_UNLBL_ALLOW msg=audit(1631783567.248:3): netlabel: auid=0 ses=0 "
		  "unlbl_accept=1 old=0\x1d" "AUID=\"root\"");
	assert_int_equal(r->n_fields, 6);
	expect_field(r, 0, "netlabel", "", VALUE_NONE, false);
	expect_field(r, 4, "old", "0", VALUE_BARE, false);
	expect_field(r, 5, "AUID", "root", VALUE_QUOTED, true);
	record_free(r);

	/* auditd's "SADDR=unknown family" (line-sockaddr-unknown-1.txt). */
	r = parse("type=SOCKADDR msg=audit(1670427457.195:550): saddr=0000\x1dSADDR=unknown family");
	assert_int_equal(r->n_fields, 2);
	expect_field(r, 1, "SADDR", "unknown family", VALUE_BARE, true);
	record_free(r);

	/* A word after the GS does not continue a kernel value. */
	r = parse("type=SOCKADDR msg=audit(1.002:3): a=b\x1dword X=1");
	assert_int_equal(r->n_fields, 3);
	expect_field(r, 0, "a", "b", VALUE_BARE, false);
	expect_field(r, 1, "word", "", VALUE_NONE, true);
	expect_field(r, 2, "X", "1", VALUE_BARE, true);
	record_free(r);

	/* A word after a quoted value is a key of its own. */
	r = parse("type=CWD msg=audit(1.002:3): a=\"b\" word c=1");
	assert_int_equal(r->n_fields, 3);
	expect_field(r, 1, "word", "", VALUE_NONE, false);
	record_free(r);
}

static void test_nul_and_invalid_utf8(void **state)
{
	static const char line[] = "type=PATH msg=audit(1.002:3): name=\"a\0b\" x=\xff\xfe\x80 k\0y=1 "
				   "z=\xc0\x80\xed\xa0\x80 w=2";
	struct record *r;
	const struct field *f;

	(void)state;
	r = parse_n(line, sizeof(line) - 1);
	assert_int_equal(r->n_fields, 5);
	f = &r->fields[0];
	assert_int_equal(f->val_len, 3);
	assert_memory_equal(record_val(r, f), "a\0b", 3);
	expect_field(r, 1, "x", "\xff\xfe\x80", VALUE_BARE, false);
	f = &r->fields[2];
	assert_int_equal(f->key_len, 3);
	assert_memory_equal(record_key(r, f), "k\0y", 3);
	expect_field(r, 3, "z", "\xc0\x80\xed\xa0\x80", VALUE_BARE, false);
	expect_field(r, 4, "w", "2", VALUE_BARE, false);
	record_free(r);

	/* NULs and high bytes in the header parts. */
	/* A type name with a NUL inside is no known type, whatever precedes the NUL. */
	r = parse_n("type=SYSCALL\0X msg=audit(1.002:3): a=b", 38);
	assert_true(r->type < 0);
	assert_int_equal(r->type_name_len, 9);
	assert_memory_equal(r->text + r->type_name, "SYSCALL\0X", 9);
	record_free(r);
	r = parse_n("node=\xff\0x type=EOE msg=audit(1.002:3):", 37);
	assert_int_equal(r->node_len, 3);
	assert_memory_equal(r->text + r->node, "\xff\0x", 3);
	record_free(r);

	/* Every byte value as a value, one per line: never a crash. */
	for (unsigned c = 0; c < 256; c++) {
		char l[64];
		int n = snprintf(l, sizeof(l), "type=CWD msg=audit(1.002:3): a=x%cy b=%c", c, c);
		struct record *rr = NULL;

		assert_int_equal(parse_rc(l, (size_t)n, &rr), 0);
		assert_non_null(rr);
		assert_true(rr->n_fields >= 1);
		record_free(rr);
	}
}

static void test_many_fields(void **state)
{
	const size_t n = 10000;
	struct buf_ {
		char *p;
		size_t len;
	} b = { malloc(n * 16 + 64), 0 };
	struct record *r;

	(void)state;
	assert_non_null(b.p);
	b.len = (size_t)sprintf(b.p, "type=EXECVE msg=audit(1.002:3): argc=%zu", n - 1);
	for (size_t i = 0; i + 1 < n; i++)
		b.len += (size_t)sprintf(b.p + b.len, " a%zu=%zu", i, i);
	r = parse_n(b.p, b.len);
	assert_int_equal(r->n_fields, MAX_FIELDS);
	assert_int_equal(r->fields_dropped, n - MAX_FIELDS);
	assert_int_equal(r->fields_duplicate, 0);
	expect_field(r, 0, "argc", "9999", VALUE_BARE, false);
	expect_field(r, 1, "a0", "0", VALUE_BARE, false);
	expect_field(r, MAX_FIELDS - 1, "a4094", "4094", VALUE_BARE, false);
	assert_null(record_find(r, "a4095"));
	record_free(r);

	/* Exactly the limit: nothing dropped. */
	b.len = (size_t)sprintf(b.p, "type=EXECVE msg=audit(1.002:3):");
	for (size_t i = 0; i < MAX_FIELDS; i++)
		b.len += (size_t)sprintf(b.p + b.len, " a%zu=\"%zu\"", i, i);
	r = parse_n(b.p, b.len);
	assert_int_equal(r->n_fields, MAX_FIELDS);
	assert_int_equal(r->fields_dropped, 0);
	expect_field(r, MAX_FIELDS - 1, "a4095", "4095", VALUE_QUOTED, false);
	record_free(r);
	free(b.p);
}

/* Fields written without a separator between them still all count. */
static void test_glued_fields(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=CWD msg=audit(1.002:3): a=\"1\"b=\"2\"c=\"3\"d=\"4\"e=\"5\"f=\"6\"");
	assert_int_equal(r->n_fields, 6);
	assert_int_equal(r->fields_dropped, 0);
	expect_field(r, 0, "a", "1", VALUE_QUOTED, false);
	expect_field(r, 5, "f", "6", VALUE_QUOTED, false);
	record_free(r);
}

static void test_long_line(void **state)
{
	const size_t vlen = 1 << 20;
	char *line = malloc(vlen + 128);
	size_t len;
	struct record *r;

	(void)state;
	assert_non_null(line);
	len = (size_t)sprintf(line, "type=PROCTITLE msg=audit(1.002:3): proctitle=");
	for (size_t i = 0; i < vlen; i++)
		line[len++] = "0123456789ABCDEF"[i % 16];
	len += (size_t)sprintf(line + len, " x=\"end\"");
	r = parse_n(line, len);
	assert_int_equal(r->type, AUDIT_PROCTITLE);
	assert_int_equal(r->n_fields, 2);
	assert_int_equal(r->fields[0].val_len, vlen);
	assert_memory_equal(record_val(r, &r->fields[0]), "0123456789ABCDEF", 16);
	expect_field(r, 1, "x", "end", VALUE_QUOTED, false);
	record_free(r);

	/* 1 MiB of one quoted value with spaces. */
	len = (size_t)sprintf(line, "type=EXECVE msg=audit(1.002:3): a0=\"");
	memset(line + len, ' ', vlen);
	len += vlen;
	line[len++] = '"';
	r = parse_n(line, len);
	assert_int_equal(r->n_fields, 1);
	assert_int_equal(r->fields[0].val_len, vlen);
	assert_int_equal(r->fields[0].kind, VALUE_QUOTED);
	record_free(r);
	free(line);
}

/* ---- netlink ------------------------------------------------------------ */

static void test_netlink(void **state)
{
	static const char p1[] = "audit(1.002:3): a=b";
	struct record *r = NULL;

	(void)state;
	assert_int_equal(record_parse_netlink(AUDIT_SYSCALL, p1, sizeof(p1) - 1, &r), 0);
	assert_non_null(r);
	assert_int_equal(r->type, AUDIT_SYSCALL);
	assert_int_equal(r->id.sec, 1);
	assert_int_equal(r->id.msec, 2);
	assert_int_equal(r->id.serial, 3);
	assert_int_equal(r->node_len, 0);
	assert_int_equal(r->n_fields, 1);
	expect_field(r, 0, "a", "b", VALUE_BARE, false);
	record_free(r);

	/* The kernel's NUL and newline at the end. */
	r = NULL;
	assert_int_equal(record_parse_netlink(AUDIT_EOE, "audit(1700000000.123:42): \n\0", 28, &r), 0);
	assert_int_equal(r->type, AUDIT_EOE);
	assert_int_equal(r->id.sec, 1700000000);
	assert_int_equal(r->id.msec, 123);
	assert_int_equal(r->id.serial, 42);
	assert_int_equal(r->n_fields, 0);
	record_free(r);

	/* A type= prefix is not expected here. */
	r = (struct record *)(uintptr_t)0x1234;
	assert_int_equal(record_parse_netlink(AUDIT_SYSCALL, "type=SYSCALL msg=audit(1.002:3): a=b", 36, &r),
			 -EBADMSG);
	assert_int_equal(record_parse_netlink(AUDIT_SYSCALL, "", 0, &r), -EBADMSG);
	assert_int_equal(record_parse_netlink(AUDIT_SYSCALL, "audit(1.1000:3): a=b", 20, &r), -EBADMSG);
	assert_int_equal(record_parse_netlink(-1, p1, sizeof(p1) - 1, &r), -EINVAL);
	assert_ptr_equal(r, (struct record *)(uintptr_t)0x1234);
}

/* ---- classes, names, helpers ------------------------------------------- */

static void test_type_classes(void **state)
{
	(void)state;
	/* SYSCALL: kernel, object */
	assert_false(record_type_is_user(AUDIT_SYSCALL));
	assert_true(record_type_is_object(AUDIT_SYSCALL));
	/* PATH: kernel, list */
	assert_false(record_type_is_user(AUDIT_PATH));
	assert_false(record_type_is_object(AUDIT_PATH));
	/* EXECVE, CWD, PROCTITLE: kernel, object */
	assert_true(record_type_is_object(AUDIT_EXECVE));
	assert_true(record_type_is_object(AUDIT_CWD));
	assert_true(record_type_is_object(AUDIT_PROCTITLE));
	assert_false(record_type_is_user(AUDIT_PROCTITLE));
	assert_false(record_type_is_object(AUDIT_SOCKADDR));
	assert_false(record_type_is_object(AUDIT_EOE));
	/* USER_ACCT: user, object */
	assert_true(record_type_is_user(AUDIT_USER_ACCT));
	assert_true(record_type_is_object(AUDIT_USER_ACCT));
	assert_true(record_type_is_user(AUDIT_SERVICE_START));
	assert_true(record_type_is_user(AUDIT_USER_AVC));
	assert_true(record_type_is_user(AUDIT_USER));
	/* LOGIN: kernel (it comes with a SYSCALL and an EOE), and a list */
	assert_false(record_type_is_user(AUDIT_LOGIN));
	assert_false(record_type_is_object(AUDIT_LOGIN));
	/* DAEMON_START: written by auditd, no EOE follows; an object */
	assert_true(record_type_is_user(AUDIT_DAEMON_START));
	assert_true(record_type_is_object(AUDIT_DAEMON_START));
	/* AVC, anomalies, 1420: kernel lists */
	assert_false(record_type_is_user(AUDIT_AVC));
	assert_false(record_type_is_object(AUDIT_AVC));
	assert_false(record_type_is_user(AUDIT_ANOM_PROMISCUOUS));
	assert_false(record_type_is_object(AUDIT_ANOM_PROMISCUOUS));
	assert_false(record_type_is_user(1420));
	assert_false(record_type_is_object(1420));
	assert_false(record_type_is_object(2099));
	assert_false(record_type_is_user(2099));
	/* 2100 and above: user space again (ANOM_LOGIN_*, USER_*), objects */
	assert_true(record_type_is_user(2100));
	assert_true(record_type_is_object(2100));
	assert_true(record_type_is_user(2999));
	assert_true(record_type_is_object(2999));
	assert_true(record_type_is_user(AUDIT_USER_ROLE_CHANGE));
	assert_false(record_type_is_user(3000));
	/* Nonsense types */
	assert_false(record_type_is_user(-1));
	assert_false(record_type_is_object(-1));
	assert_false(record_type_is_object(0));
}

static void test_type_name(void **state)
{
	(void)state;
	assert_string_equal(record_type_name(AUDIT_SYSCALL), "SYSCALL");
	assert_string_equal(record_type_name(AUDIT_USER_ACCT), "USER_ACCT");
	assert_string_equal(record_type_name(AUDIT_EOE), "EOE");
	assert_null(record_type_name(0));
	assert_null(record_type_name(-1));
	assert_null(record_type_name(9999));
	/* Known from the message dictionary even where libaudit is older. */
	assert_string_equal(record_type_name(1420), "MAC_TASK_CONTEXTS");
}

static void test_find(void **state)
{
	struct record *r;

	(void)state;
	r = parse("type=PATH msg=audit(1.002:3): uid=0 ouid=5 u=1\x1dUID=\"root\"");
	assert_ptr_equal(record_find(r, "uid"), &r->fields[0]);
	assert_ptr_equal(record_find(r, "ouid"), &r->fields[1]);
	assert_ptr_equal(record_find(r, "u"), &r->fields[2]);
	assert_ptr_equal(record_find(r, "UID"), &r->fields[3]);
	assert_null(record_find(r, "ui"));
	assert_null(record_find(r, "uidx"));
	assert_null(record_find(r, ""));
	assert_null(record_find(r, "gid"));
	record_free(r);
	record_free(NULL);
}

static void test_event_id_cmp(void **state)
{
	struct event_id a = { 1, 2, 3 }, b = a;

	(void)state;
	assert_int_equal(event_id_cmp(&a, &b), 0);
	b.serial = 4;
	assert_true(event_id_cmp(&a, &b) < 0);
	assert_true(event_id_cmp(&b, &a) > 0);
	b = a;
	b.msec = 1;
	assert_true(event_id_cmp(&a, &b) > 0);
	b = a;
	b.sec = 0;
	b.msec = 999;
	b.serial = 100;
	assert_true(event_id_cmp(&a, &b) > 0);
	b = (struct event_id){ UINT64_MAX, 0, 0 };
	assert_true(event_id_cmp(&a, &b) < 0);
}

static void test_tokenize_kv(void **state)
{
	struct record *r;
	const struct field *m;
	struct field out[16];
	bool irregular = true;
	size_t n;

	(void)state;
	r = parse("type=USER_ACCT msg=audit(1.002:3): pid=1 msg='op=x acct=\"a b\" res=success'");
	m = record_find(r, "msg");
	assert_non_null(m);
	n = record_tokenize_kv(r, m->val, m->val + m->val_len, out, 16, &irregular);
	assert_int_equal(n, 3);
	assert_false(irregular);
	assert_int_equal(out[0].key_len, 2);
	assert_memory_equal(r->text + out[0].key, "op", 2);
	assert_int_equal(out[0].val_len, 1);
	assert_memory_equal(r->text + out[0].val, "x", 1);
	assert_int_equal(out[0].kind, VALUE_BARE);
	assert_int_equal(out[1].val_len, 3);
	assert_memory_equal(r->text + out[1].val, "a b", 3);
	assert_int_equal(out[1].kind, VALUE_QUOTED);
	assert_memory_equal(r->text + out[2].key, "res", 3);
	assert_memory_equal(r->text + out[2].val, "success", 7);
	/* The record itself is untouched. */
	assert_int_equal(r->n_fields, 2);
	record_free(r);

	/* Irregular: free text (line-user-avc-1.txt). */
	r = parse("type=USER_AVC msg=audit(1725140575.109:3128): pid=854 uid=81 "
		  "msg='avc:  received policyload notice (seqno=2)  exe=2F7573722F62696E sauid=81 "
		  "hostname=? addr=? terminal=?'\x1dUID=\"dbus\"");
	m = record_find(r, "msg");
	assert_non_null(m);
	assert_int_equal(m->kind, VALUE_SQUOTED);
	irregular = false;
	(void)record_tokenize_kv(r, m->val, m->val + m->val_len, out, 16, &irregular);
	assert_true(irregular);
	record_free(r);

	/* Irregular: a repeated key, too many fields, an unterminated quote. */
	r = parse("type=USER_CMD msg=audit(1.002:3): msg='a=1 a=2' x='a=1 b=2 c=3' y='a=\"1'");
	m = record_find(r, "msg");
	irregular = false;
	(void)record_tokenize_kv(r, m->val, m->val + m->val_len, out, 16, &irregular);
	assert_true(irregular);
	m = record_find(r, "x");
	irregular = false;
	n = record_tokenize_kv(r, m->val, m->val + m->val_len, out, 2, &irregular);
	assert_int_equal(n, 2);
	assert_true(irregular);
	irregular = true;
	n = record_tokenize_kv(r, m->val, m->val + m->val_len, out, 3, &irregular);
	assert_int_equal(n, 3);
	assert_false(irregular);
	m = record_find(r, "y");
	irregular = false;
	(void)record_tokenize_kv(r, m->val, m->val + m->val_len, out, 16, &irregular);
	assert_true(irregular);

	/* An empty range: no fields, nothing irregular. */
	irregular = true;
	assert_int_equal(record_tokenize_kv(r, m->val, m->val, out, 16, &irregular), 0);
	assert_false(irregular);
	record_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_syscall_line),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_type_unknown),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_stamp_limits),
		cmocka_unit_test(test_line_endings),
		cmocka_unit_test(test_value_kinds),
		cmocka_unit_test(test_enriched),
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_msg_squoted),
		cmocka_unit_test(test_braced),
		cmocka_unit_test(test_braced_linear),
		cmocka_unit_test(test_avc),
		cmocka_unit_test(test_bare_words),
		cmocka_unit_test(test_nul_and_invalid_utf8),
		cmocka_unit_test(test_many_fields),
		cmocka_unit_test(test_glued_fields),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_netlink),
		cmocka_unit_test(test_type_classes),
		cmocka_unit_test(test_type_name),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_event_id_cmp),
		cmocka_unit_test(test_tokenize_kv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
