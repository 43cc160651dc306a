// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_json: events built from raw lines (record_parse_line(), linked in
 * the given order) are encoded and compared byte for byte with the
 * expected line; every output is also parsed with cJSON, and every object
 * in it is checked for repeated keys (we promise each key once).
 *
 * Expected lines are LAUREL's where LAUREL is right (its golden files and
 * runs of 0.5.1 in tests/golden/laurel-0.5.1, with 0.7.0+ BOM escaping),
 * and ours where we deliberately differ: numeric fields are never
 * hex-decoded (old=64 stays 64), user messages' msg= becomes an object
 * (LAUREL >= 0.6.4), and EXECVE fragments are ordered by index.
 */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "event_util.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assembler.h"
#include "buf.h"
#include "json.h"
#include "record.h"

/* auditd's ENRICHED separator, as a string to concatenate. */
#define GS "\x1d"

/* Must match JSON_MAX_ARGV_HOLES in src/json.c. */
#define MAX_ARGV_HOLES 65536

static const struct json_options defaults = { .argv_array = true };

/* ---- helpers ------------------------------------------------------------- */

/* Fails if any object in J has a key twice. */
static void check_unique_keys(const cJSON *j)
{
	if (cJSON_IsObject(j)) {
		for (const cJSON *a = j->child; a; a = a->next)
			for (const cJSON *b = a->next; b; b = b->next)
				if (strcmp(a->string, b->string) == 0)
					fail_msg("key \"%s\" twice in one object", a->string);
	}
	for (const cJSON *c = j->child; c; c = c->next)
		check_unique_keys(c);
}


/* Encodes EV with OPTS; returns the NUL-terminated line (free it). Checks it with cJSON. */
static char *encode_event(const struct json_options *opts, const struct event *ev)
{
	struct json_encoder *enc = json_encoder_new(opts);
	struct buf b;
	cJSON *j;
	char *s;

	assert_non_null(enc);
	buf_init(&b);
	assert_int_equal(json_encode_event(enc, ev, NULL, &b), 0);
	assert_false(buf_oom(&b));
	buf_addc(&b, '\0');
	s = strdup(b.data);
	assert_non_null(s);
	/* No NUL inside the line. */
	assert_int_equal(strlen(s), b.len - 1);
	assert_null(memchr(s, '\n', b.len - 1));
	j = cJSON_ParseWithOpts(s, NULL, true);
	if (!j)
		fail_msg("not JSON: %s", s);
	check_unique_keys(j);
	cJSON_Delete(j);
	buf_done(&b);
	json_encoder_free(enc);
	return s;
}

static char *encode_lines(const struct json_options *opts, const char *const *lines)
{
	struct event ev;
	char *s;

	build_event(lines, &ev);
	s = encode_event(opts, &ev);
	free_event(&ev);
	return s;
}

static void expect_json(const struct json_options *opts, const char *want, const char *const *lines)
{
	char *got = encode_lines(opts, lines);

	if (strcmp(got, want) != 0) {
		size_t i = 0;

		while (got[i] && got[i] == want[i])
			i++;
		print_error("want: %s\n got: %s\n first difference at byte %zu: ...%.40s\n", want, got, i,
			    got + i);
		free(got);
		fail();
	}
	free(got);
}

#define LINES(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define EXPECT(opts, want, ...) expect_json(opts, want, LINES(__VA_ARGS__))

/* ---- ID, NODE, order ------------------------------------------------------ */

static void test_id(void **state)
{
	(void)state;
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"CWD\":{\"cwd\":\"/\"}}",
	       "type=CWD msg=audit(1.005:7): cwd=\"/\"");
	EXPECT(&defaults, "{\"ID\":\"1700000000.050:0\",\"CWD\":{\"cwd\":\"/\"}}",
	       "type=CWD msg=audit(1700000000.050:0): cwd=\"/\"");
	EXPECT(&defaults, "{\"ID\":\"0.000:18446744073709551615\",\"CWD\":{\"cwd\":\"/\"}}",
	       "type=CWD msg=audit(0.000:18446744073709551615): cwd=\"/\"");
	EXPECT(&defaults, "{\"ID\":\"1615114232.999:1\",\"CWD\":{\"cwd\":\"/\"}}",
	       "type=CWD msg=audit(1615114232.999:1): cwd=\"/\"");
}

static void test_node(void **state)
{
	(void)state;
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"NODE\":\"work\",\"CWD\":{\"cwd\":\"/tmp\"}}",
	       "node=work type=CWD msg=audit(1.005:7): cwd=\"/tmp\"");
	/* NODE is escaped like any string. */
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"NODE\":\"a%2bb%25\",\"CWD\":{\"cwd\":\"/\"}}",
	       "node=a+b% type=CWD msg=audit(1.005:7): cwd=\"/\"");
}

static void test_type_order(void **state)
{
	(void)state;
	/* Record types appear in the order their first record arrived. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"PROCTITLE\":{\"ARGV\":[\"ls\"]},"
	       "\"PATH\":[{\"item\":0,\"name\":\"/a\"},{\"item\":1,\"name\":\"/b\"}],"
	       "\"CWD\":{\"cwd\":\"/\"}}",
	       "type=PROCTITLE msg=audit(1.005:7): proctitle=\"ls\"",
	       "type=PATH msg=audit(1.005:7): item=0 name=\"/a\"",
	       "type=CWD msg=audit(1.005:7): cwd=\"/\"",
	       "type=PATH msg=audit(1.005:7): item=1 name=\"/b\"");
}

/* ---- whole events from LAUREL's corpus -------------------------------------- */

static void test_record_execve(void **state)
{
	(void)state;
	/* record-execve.txt -> record-execve.json, byte for byte. */
	EXPECT(&defaults,
	       "{\"ID\":\"1615114232.375:15558\",\"NODE\":\"work\",\"SYSCALL\":{\"arch\":\"0xc000003e\","
	       "\"syscall\":59,\"success\":\"yes\",\"exit\":0,\"items\":2,\"ppid\":10883,\"pid\":10884,"
	       "\"auid\":1000,\"uid\":0,\"gid\":0,\"euid\":0,\"suid\":0,\"fsuid\":0,\"egid\":0,\"sgid\":0,"
	       "\"fsgid\":0,\"tty\":\"pts1\",\"ses\":1,\"comm\":\"whoami\",\"exe\":\"/usr/bin/whoami\","
	       "\"key\":null,\"ARCH\":\"x86_64\",\"SYSCALL\":\"execve\",\"AUID\":\"user\",\"UID\":\"root\","
	       "\"GID\":\"root\",\"EUID\":\"root\",\"SUID\":\"root\",\"FSUID\":\"root\",\"EGID\":\"root\","
	       "\"SGID\":\"root\",\"FSGID\":\"root\",\"ARGV\":[\"0x63b29337fd18\",\"0x63b293387d58\","
	       "\"0x63b293375640\",\"0xfffffffffffff000\"]},\"EXECVE\":{\"argc\":1,\"ARGV\":[\"whoami\"]},"
	       "\"CWD\":{\"cwd\":\"/home/user/tmp\"},\"PATH\":[{\"item\":0,\"name\":\"/usr/bin/whoami\","
	       "\"inode\":261214,\"dev\":\"ca:03\",\"mode\":\"0o100755\",\"ouid\":0,\"ogid\":0,"
	       "\"rdev\":\"00:00\",\"nametype\":\"NORMAL\",\"cap_fp\":\"0x0\",\"cap_fi\":\"0x0\","
	       "\"cap_fe\":0,\"cap_fver\":\"0x0\",\"OUID\":\"root\",\"OGID\":\"root\"},{\"item\":1,"
	       "\"name\":\"/lib64/ld-linux-x86-64.so.2\",\"inode\":262146,\"dev\":\"ca:03\","
	       "\"mode\":\"0o100755\",\"ouid\":0,\"ogid\":0,\"rdev\":\"00:00\",\"nametype\":\"NORMAL\","
	       "\"cap_fp\":\"0x0\",\"cap_fi\":\"0x0\",\"cap_fe\":0,\"cap_fver\":\"0x0\",\"OUID\":\"root\","
	       "\"OGID\":\"root\"}],\"PROCTITLE\":{\"ARGV\":[\"whoami\"]}}",
	       "node=work type=SYSCALL msg=audit(1615114232.375:15558): arch=c000003e syscall=59 success=yes "
	       "exit=0 a0=63b29337fd18 a1=63b293387d58 a2=63b293375640 a3=fffffffffffff000 items=2 "
	       "ppid=10883 pid=10884 auid=1000 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 "
	       "tty=pts1 ses=1 comm=\"whoami\" exe=\"/usr/bin/whoami\" key=(null)" GS "ARCH=x86_64 "
	       "SYSCALL=execve AUID=\"user\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" "
	       "FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"",
	       "node=work type=EXECVE msg=audit(1615114232.375:15558): argc=1 a0=\"whoami\"",
	       "node=work type=CWD msg=audit(1615114232.375:15558): cwd=\"/home/user/tmp\"",
	       "node=work type=PATH msg=audit(1615114232.375:15558): item=0 name=\"/usr/bin/whoami\" "
	       "inode=261214 dev=ca:03 mode=0100755 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL "
	       "cap_fp=0000000000000000 cap_fi=0000000000000000 cap_fe=0 cap_fver=0" GS "OUID=\"root\" "
	       "OGID=\"root\"",
	       "node=work type=PATH msg=audit(1615114232.375:15558): item=1 "
	       "name=\"/lib64/ld-linux-x86-64.so.2\" inode=262146 dev=ca:03 mode=0100755 ouid=0 ogid=0 "
	       "rdev=00:00 nametype=NORMAL cap_fp=0000000000000000 cap_fi=0000000000000000 cap_fe=0 "
	       "cap_fver=0" GS "OUID=\"root\" OGID=\"root\"",
	       "node=work type=PROCTITLE msg=audit(1615114232.375:15558): proctitle=\"whoami\"");
}

/* crafted/escaping-execve.txt: LAUREL 0.5.1's bytes, with 0.7.0's BOM escaping. */
static void test_escaping_execve(void **state)
{
	static const char argv[] = "[\"printf\",\"a b%09c%0ad\",\"100%25%2b1\",\"\xc3\xa4%ff%fe\","
				   "\"%ef%bb%bfbom\",\"q\\\"uote\\\\bs\",\"%7f%01\"]";

	(void)state;
	{
		char want[2048];

		snprintf(want, sizeof(want),
			 "{\"ID\":\"1700000000.123:42\",\"SYSCALL\":{\"arch\":\"0xc000003e\",\"syscall\":59,"
			 "\"success\":\"yes\",\"exit\":0,\"items\":1,\"ppid\":1,\"pid\":999999,"
			 "\"auid\":4294967295,\"uid\":0,\"gid\":0,\"euid\":0,\"suid\":0,\"fsuid\":0,\"egid\":0,"
			 "\"sgid\":0,\"fsgid\":0,\"tty\":\"(none)\",\"ses\":4294967295,\"comm\":\"printf\","
			 "\"exe\":\"/usr/bin/printf\",\"subj\":\"unconfined\",\"key\":null,"
			 "\"ARGV\":[\"0x1\",\"0x2\",\"0x3\",\"0x4\"]},\"EXECVE\":{\"argc\":7,\"ARGV\":%s},"
			 "\"PROCTITLE\":{\"ARGV\":%s}}",
			 argv, argv);
		EXPECT(&defaults, want,
		       "type=SYSCALL msg=audit(1700000000.123:42): arch=c000003e syscall=59 success=yes exit=0 "
		       "a0=1 a1=2 a2=3 a3=4 items=1 ppid=1 pid=999999 auid=4294967295 uid=0 gid=0 euid=0 "
		       "suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 comm=\"printf\" "
		       "exe=\"/usr/bin/printf\" subj=unconfined key=(null)",
		       "type=EXECVE msg=audit(1700000000.123:42): argc=7 a0=\"printf\" a1=61206209630A64 "
		       "a2=\"100%+1\" a3=C3A4FFFE a4=EFBBBF626F6D a5=7122756F74655C6273 a6=7F01",
		       "type=PROCTITLE msg=audit(1700000000.123:42): proctitle=7072696E74660061206209630A6400"
		       "313030252B3100C3A4FFFE00EFBBBF626F6D007122756F74655C6273007F01");
	}
}

/* record-connect.txt, first event, with and without universal. */
static void test_record_connect(void **state)
{
	static const char syscall_json[] =
		"\"SYSCALL\":{\"arch\":\"0xc000003e\",\"syscall\":42,\"success\":\"yes\",\"exit\":0,"
		"\"items\":0,\"ppid\":1074250,\"pid\":1074252,\"auid\":4294967295,\"uid\":48,\"gid\":48,"
		"\"euid\":48,\"suid\":48,\"fsuid\":48,\"egid\":48,\"sgid\":48,\"fsgid\":48,\"tty\":\"(none)\","
		"\"ses\":4294967295,\"comm\":\"php\",\"exe\":\"/usr/bin/php\",\"key\":null,"
		"\"ARGV\":[\"0x8\",\"0x5556eca10aa0\",\"0x10\",\"0x4\"]";
	const char *const lines[] = {
		"type=SYSCALL msg=audit(1723819442.459:2482681): arch=c000003e syscall=42 success=yes exit=0 "
		"a0=8 a1=5556eca10aa0 a2=10 a3=4 items=0 ppid=1074250 pid=1074252 auid=4294967295 uid=48 "
		"gid=48 euid=48 suid=48 fsuid=48 egid=48 sgid=48 fsgid=48 tty=(none) ses=4294967295 "
		"comm=\"php\" exe=\"/usr/bin/php\" key=(null)",
		"type=SOCKADDR msg=audit(1723819442.459:2482681): saddr=02002BCB7F0000010000000000000000",
		NULL
	};
	struct json_options universal = defaults;
	char want[2048];

	(void)state;
	snprintf(want, sizeof(want),
		 "{\"ID\":\"1723819442.459:2482681\",%s},\"SOCKADDR\":[{\"saddr\":"
		 "\"%%02%%00%%2b%%cb%%7f%%00%%00%%01%%00%%00%%00%%00%%00%%00%%00%%00\"}]}",
		 syscall_json);
	expect_json(&defaults, want, lines);

	universal.universal = true;
	snprintf(want, sizeof(want),
		 "{\"ID\":\"1723819442.459:2482681\",%s,\"ARCH\":\"x86_64\",\"SYSCALL\":\"connect\"},"
		 "\"SOCKADDR\":[{\"SADDR\":{\"saddr_fam\":\"inet\",\"addr\":\"127.0.0.1\",\"port\":11211}}]}",
		 syscall_json);
	expect_json(&universal, want, lines);
}

/* ---- value typing ----------------------------------------------------------- */

static void test_syscall_values(void **state)
{
	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0xc000003e\",\"syscall\":2,\"success\":\"no\","
	       "\"exit\":-2,\"items\":1,\"ppid\":1,\"pid\":2,\"auid\":4294967295,\"uid\":0,"
	       "\"tty\":\"(none)\",\"ses\":4294967295,\"comm\":\"cat\",\"exe\":\"/bin/cat\","
	       "\"subj\":null,\"key\":null,\"ARGV\":[\"0x7ffd\",\"0x0\",\"0x1b6\",\"0x0\"]}}",
	       "type=SYSCALL msg=audit(1.005:7): arch=c000003e syscall=2 success=no exit=-2 a0=7ffd a1=0 "
	       "a2=1B6 a3=0000 items=1 ppid=1 pid=2 auid=4294967295 uid=0 tty=(none) ses=4294967295 "
	       "comm=\"cat\" exe=2F62696E2F636174 subj=? key=(null)");
	/* Keys written as hex are decoded; a key with a \x01 (several rules) is escaped. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0x40000003\",\"key\":\"a%01b\","
	       "\"ARGV\":[]}}",
	       "type=SYSCALL msg=audit(1.005:7): arch=40000003 key=610162");
}

static void test_path_values(void **state)
{
	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"PATH\":[{\"item\":0,\"name\":\"/usr/bin/whoami\","
	       "\"inode\":18446744073709551615,\"dev\":\"ca:03\",\"mode\":\"0o100755\",\"ouid\":0,"
	       "\"nametype\":\"NORMAL\",\"cap_fp\":\"0x0\",\"cap_fi\":\"0x1\",\"cap_fe\":0,"
	       "\"cap_fver\":\"0x2\"},{\"item\":1,\"name\":\"/tmp/a b%2b\","
	       "\"inode\":\"18446744073709551616\",\"mode\":\"0o40000\",\"cap_fp\":\"0xabcdef\"}]}",
	       "type=PATH msg=audit(1.005:7): item=0 name=\"/usr/bin/whoami\" inode=18446744073709551615 "
	       "dev=ca:03 mode=0100755 ouid=0 nametype=NORMAL cap_fp=0000000000000000 "
	       "cap_fi=0000000000000001 cap_fe=0 cap_fver=2",
	       "type=PATH msg=audit(1.005:7): item=1 name=2F746D702F6120622B inode=18446744073709551616 "
	       "mode=0040000 cap_fp=ABCDEF");
}

static void test_numeric_values(void **state)
{
	(void)state;
	/* crafted/numeric-field-hexdecode.txt: LAUREL writes "d" and "%10"; we keep the numbers. */
	EXPECT(&defaults,
	       "{\"ID\":\"1700000000.000:1\",\"CONFIG_CHANGE\":[{\"op\":\"set\","
	       "\"audit_backlog_limit\":8192,\"old\":64,\"auid\":0,\"ses\":1,\"subj\":\"unconfined\","
	       "\"res\":1}]}",
	       "type=CONFIG_CHANGE msg=audit(1700000000.000:1): op=set audit_backlog_limit=8192 old=64 "
	       "auid=0 ses=1 subj=unconfined res=1");
	EXPECT(&defaults,
	       "{\"ID\":\"1700000000.001:2\",\"FEATURE_CHANGE\":[{\"pid\":1,\"uid\":0,\"auid\":0,"
	       "\"tty\":\"pts0\",\"ses\":1,\"subj\":\"unconfined\",\"comm\":\"x\",\"exe\":\"/x\","
	       "\"feature\":\"loginuid_immutable\",\"old\":0,\"new\":10,\"old_lock\":0,\"new_lock\":1,"
	       "\"res\":1}]}",
	       "type=FEATURE_CHANGE msg=audit(1700000000.001:2): pid=1 uid=0 auid=0 tty=pts0 ses=1 "
	       "subj=unconfined comm=\"x\" exe=\"/x\" feature=loginuid_immutable old=0 new=10 old_lock=0 "
	       "new_lock=1 res=1");
	/* Not canonical JSON integers: strings. Unknown fields are never hex-decoded. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.000:1\",\"CONFIG_CHANGE\":[{\"old\":\"007\",\"new\":-5,\"pid\":\"0x10\","
	       "\"ses\":-1,\"unknownfield\":12,\"unk2\":\"1e5\",\"unk3\":\"ab\",\"unk4\":\"%2b1\","
	       "\"unk5\":\"-\",\"unk6\":\"1.5\"}]}",
	       "type=CONFIG_CHANGE msg=audit(1.000:1): old=007 new=-5 pid=0x10 ses=-1 unknownfield=12 "
	       "unk2=1e5 unk3=ab unk4=+1 unk5=- unk6=1.5");
	/* 64-bit limits, signed and unsigned. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.000:1\",\"OBJ_PID\":[{\"opid\":-9223372036854775808,"
	       "\"oauid\":\"-9223372036854775809\",\"ouid\":18446744073709551615,"
	       "\"oses\":\"99999999999999999999\",\"ocomm\":\"x\"}]}",
	       "type=OBJ_PID msg=audit(1.000:1): opid=-9223372036854775808 oauid=-9223372036854775809 "
	       "ouid=18446744073709551615 oses=99999999999999999999 ocomm=\"x\"");
}

static void test_null_values(void **state)
{
	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"tty\":\"(none)\",\"key\":null,\"subj\":null,"
	       "\"exe\":null,\"comm\":\"?\",\"pid\":null,\"ARGV\":[]}}",
	       "type=SYSCALL msg=audit(1.005:7): tty=(none) key=(null) subj=? exe=(null) comm=\"?\" pid=");
}

static void test_tty_and_bare_words(void **state)
{
	(void)state;
	/* line-tty.txt: the word "tty" alone is a key without a value. */
	EXPECT(&defaults,
	       "{\"ID\":\"1702500511.459:370948\",\"TTY\":[{\"tty\":null,\"pid\":260398,\"uid\":0,"
	       "\"auid\":4294967295,\"ses\":4294967295,\"major\":136,\"minor\":1,\"comm\":\"bash\","
	       "\"data\":\"rpm -qa | grep syslog%0d\",\"UID\":\"root\",\"AUID\":\"unset\"}]}",
	       "type=TTY msg=audit(1702500511.459:370948): tty pid=260398 uid=0 auid=4294967295 "
	       "ses=4294967295 major=136 minor=1 comm=\"bash\" "
	       "data=72706D202D7161207C2067726570207379736C6F670D" GS "UID=\"root\" AUID=\"unset\"");
	/* line-broken-subj2.txt: AppArmor's "(enforce)" stays with the value. */
	EXPECT(&defaults,
	       "{\"ID\":\"1634623555.431:13835339\",\"SYSCALL\":{\"subj\":\"=/usr/sbin/ntpd (enforce)\","
	       "\"key\":null,\"ARGV\":[]}}",
	       "type=SYSCALL msg=audit(1634623555.431:13835339): subj==/usr/sbin/ntpd (enforce) key=(null)");
}

/* ---- EXECVE ----------------------------------------------------------------- */

static void test_execve_args(void **state)
{
	(void)state;
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":3,\"ARGV\":[\"ls\",\"-l\",\"/tmp\"]}}",
	       "type=EXECVE msg=audit(1.005:7): argc=3 a0=\"ls\" a1=2D6C a2=\"/tmp\"");
	/* Arguments above a9 sort as numbers, not as text. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":12,\"ARGV\":[\"0\",\"1\",\"2\",\"3\",\"4\",\"5\","
	       "\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}}",
	       "type=EXECVE msg=audit(1.005:7): argc=12 a0=\"0\" a1=\"1\" a10=\"10\" a11=\"11\" a2=\"2\" "
	       "a3=\"3\" a4=\"4\" a5=\"5\" a6=\"6\" a7=\"7\" a8=\"8\" a9=\"9\"");
}

static void test_execve_fragments(void **state)
{
	static const char want[] =
		"{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":3,\"ARGV\":[\"cat\",\"abcdefghijklmno\",\"z\"]}}";

	(void)state;
	/* In order, over three records (record-execve-long.txt's shape). */
	EXPECT(&defaults, want,
	       "type=EXECVE msg=audit(1.005:7): argc=3 a0=\"cat\" a1_len=15 a1[0]=6162636465",
	       "type=EXECVE msg=audit(1.005:7):  a1[1]=666768696A",
	       "type=EXECVE msg=audit(1.005:7):  a1[2]=\"klmno\" a2=\"z\"");
	/* Records out of order. */
	EXPECT(&defaults, want,
	       "type=EXECVE msg=audit(1.005:7):  a1[2]=\"klmno\" a2=\"z\"",
	       "type=EXECVE msg=audit(1.005:7): argc=3 a0=\"cat\" a1_len=15 a1[0]=6162636465",
	       "type=EXECVE msg=audit(1.005:7):  a1[1]=666768696A");
	/* Fragments out of order inside one record. */
	EXPECT(&defaults, want,
	       "type=EXECVE msg=audit(1.005:7): argc=3 a0=\"cat\" a1_len=15 a1[2]=\"klmno\" "
	       "a1[0]=6162636465 a1[1]=666768696A a2=\"z\"");
	/* A fragment index above 9. */
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":1,\"ARGV\":[\"abcdefghijk\"]}}",
	       "type=EXECVE msg=audit(1.005:7): argc=1 a0_len=11 a0[0]=\"a\" a0[1]=\"b\" a0[2]=\"c\" "
	       "a0[3]=\"d\" a0[4]=\"e\" a0[5]=\"f\" a0[6]=\"g\" a0[7]=\"h\" a0[8]=\"i\" a0[9]=\"j\" "
	       "a0[10]=\"k\"");
}

static void test_execve_holes(void **state)
{
	(void)state;
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":4,\"ARGV\":[\"x\",null,\"z\",null]}}",
	       "type=EXECVE msg=audit(1.005:7): argc=4 a0=\"x\" a2=\"z\"");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":2,\"ARGV\":[null,\"y\"]}}",
	       "type=EXECVE msg=audit(1.005:7): argc=2 a0=(null) a1=\"y\"");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":0,\"ARGV\":[]}}",
	       "type=EXECVE msg=audit(1.005:7): argc=0");
}

/*
 * An argument index far above argc must not make the encoder write
 * millions of null holes: JSON_MAX_ARGV_HOLES bounds them for argc, and
 * the same bound must hold for an index that comes from the record.
 */
static void test_execve_huge_index(void **state)
{
	struct event ev;
	char *s;
	cJSON *j, *argv;

	(void)state;
	build_event(LINES("type=EXECVE msg=audit(1.005:7): argc=2 a0=\"x\" a1=\"y\" a1000000=\"z\""), &ev);
	s = encode_event(&defaults, &ev);
	free_event(&ev);
	j = cJSON_Parse(s);
	assert_non_null(j);
	argv = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "EXECVE"), "ARGV");
	assert_true(cJSON_IsArray(argv));
	assert_string_equal(cJSON_GetArrayItem(argv, 0)->valuestring, "x");
	assert_string_equal(cJSON_GetArrayItem(argv, 1)->valuestring, "y");
	if (cJSON_GetArraySize(argv) > MAX_ARGV_HOLES + 2)
		fail_msg("ARGV has %d elements for argc=2 (%zu bytes of JSON)", cJSON_GetArraySize(argv),
			 strlen(s));
	cJSON_Delete(j);
	free(s);
}

static void test_execve_argv_string(void **state)
{
	struct json_options str_only = { .argv_string = true };
	struct json_options both = { .argv_array = true, .argv_string = true };
	struct json_options none = { 0 };

	(void)state;
	EXPECT(&str_only, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":3,\"ARGV_STR\":\"ls -l a\\\"b%2b\"}}",
	       "type=EXECVE msg=audit(1.005:7): argc=3 a0=\"ls\" a1=\"-l\" a2=6122622B");
	EXPECT(&both,
	       "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":3,\"ARGV\":[\"ls\",\"-l\",\"a\\\"b%2b\"],"
	       "\"ARGV_STR\":\"ls -l a\\\"b%2b\"}}",
	       "type=EXECVE msg=audit(1.005:7): argc=3 a0=\"ls\" a1=\"-l\" a2=6122622B");
	EXPECT(&none, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":3}}",
	       "type=EXECVE msg=audit(1.005:7): argc=3 a0=\"ls\" a1=\"-l\" a2=6122622B");
}

static void test_execve_limit(void **state)
{
	struct json_options o = { .argv_array = true, .argv_string = true, .argv_limit_bytes = 10 };
	const char *line = "type=EXECVE msg=audit(1.005:7): argc=5 a0=\"a0123\" a1=\"b0123\" a2=\"c0123\" "
			   "a3=\"d0123\" a4=\"e0123\"";

	(void)state;
	/* 25 bytes, 10 allowed: the first half-budget from the head, the rest from the tail. */
	EXPECT(&o,
	       "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":5,\"ARGV\":[\"a0123\","
	       "{\"skipped_args\":3,\"skipped_bytes\":15},\"e0123\"],"
	       "\"ARGV_STR\":\"a0123 <<< Skipped: args=3, bytes=15 >>> e0123\"}}",
	       line);
	/* Exactly at the limit: nothing skipped. */
	o.argv_limit_bytes = 25;
	EXPECT(&o,
	       "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":5,\"ARGV\":[\"a0123\",\"b0123\",\"c0123\","
	       "\"d0123\",\"e0123\"],\"ARGV_STR\":\"a0123 b0123 c0123 d0123 e0123\"}}",
	       line);
	/* One byte less. */
	o.argv_limit_bytes = 24;
	EXPECT(&o,
	       "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":5,\"ARGV\":[\"a0123\",\"b0123\","
	       "{\"skipped_args\":1,\"skipped_bytes\":5},\"d0123\",\"e0123\"],"
	       "\"ARGV_STR\":\"a0123 b0123 <<< Skipped: args=1, bytes=5 >>> d0123 e0123\"}}",
	       line);
}

/* ---- PROCTITLE ----------------------------------------------------------------- */

static void test_proctitle(void **state)
{
	(void)state;
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"PROCTITLE\":{\"ARGV\":[\"ls\",\"-l\"]}}",
	       "type=PROCTITLE msg=audit(1.005:7): proctitle=6C73002D6C00");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"PROCTITLE\":{\"ARGV\":[\"ls\",\"-l\"]}}",
	       "type=PROCTITLE msg=audit(1.005:7): proctitle=6C73002D6C");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"PROCTITLE\":{\"ARGV\":[\"ls\",\"\",\"-l\"]}}",
	       "type=PROCTITLE msg=audit(1.005:7): proctitle=6C7300002D6C");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"PROCTITLE\":{\"ARGV\":[\"whoami\"]}}",
	       "type=PROCTITLE msg=audit(1.005:7): proctitle=\"whoami\"");
	/* auditd's own ARGV wins over ours. */
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"PROCTITLE\":{\"ARGV\":\"y\"}}",
	       "type=PROCTITLE msg=audit(1.005:7): proctitle=\"x\"" GS "ARGV=\"y\"");
}

/* ---- user messages, AVC ----------------------------------------------------------- */

static void test_user_msg(void **state)
{
	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"USER_ACCT\":{\"pid\":1,\"uid\":0,"
	       "\"msg\":{\"op\":\"x\",\"acct\":\"a b\",\"res\":\"success\"}}}",
	       "type=USER_ACCT msg=audit(1.005:7): pid=1 uid=0 msg='op=x acct=\"a b\" res=success'");
	/* line-user-acct.txt, as linux-audit-parser >= 0.2.0 reads it. */
	EXPECT(&defaults,
	       "{\"ID\":\"1615113648.981:15220\",\"USER_ACCT\":{\"pid\":9460,\"uid\":1000,\"auid\":1000,"
	       "\"ses\":1,\"msg\":{\"op\":\"PAM:accounting\",\"grantors\":\"pam_permit\",\"acct\":\"user\","
	       "\"exe\":\"/usr/bin/sudo\",\"hostname\":null,\"addr\":null,\"terminal\":\"/dev/pts/1\","
	       "\"res\":\"success\"},\"UID\":\"user\",\"AUID\":\"user\"}}",
	       "type=USER_ACCT msg=audit(1615113648.981:15220): pid=9460 uid=1000 auid=1000 ses=1 "
	       "msg='op=PAM:accounting grantors=pam_permit acct=\"user\" exe=\"/usr/bin/sudo\" hostname=? "
	       "addr=? terminal=/dev/pts/1 res=success'" GS "UID=\"user\" AUID=\"user\"");
	/* Hex-encoded values inside msg are decoded too. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"USER_CMD\":{\"msg\":{\"cwd\":\"/root\",\"cmd\":\"ls -l\",\"res\":\"success\"}}}",
	       "type=USER_CMD msg=audit(1.005:7): msg='cwd=\"/root\" cmd=6C73202D6C res=success'");
}

static void test_user_msg_irregular(void **state)
{
	(void)state;
	/* line-user-avc-1.txt: free text stays one string (LAUREL 0.5.1's bytes). */
	EXPECT(&defaults,
	       "{\"ID\":\"1725140575.109:3128\",\"USER_AVC\":{\"pid\":854,\"uid\":81,\"auid\":4294967295,"
	       "\"ses\":4294967295,\"subj\":\"system_u:system_r:system_dbusd_t:s0-s0:c0.c1023\","
	       "\"msg\":\"avc:  received policyload notice (seqno=2)  "
	       "exe=2F7573722F62696E2F646275732D6461656D6F6E202864656C6574656429 sauid=81 hostname=? "
	       "addr=? terminal=?\",\"UID\":\"dbus\",\"AUID\":\"unset\",\"SAUID\":\"dbus\"}}",
	       "type=USER_AVC msg=audit(1725140575.109:3128): pid=854 uid=81 auid=4294967295 "
	       "ses=4294967295 subj=system_u:system_r:system_dbusd_t:s0-s0:c0.c1023 msg='avc:  received "
	       "policyload notice (seqno=2)  exe=2F7573722F62696E2F646275732D6461656D6F6E202864656C6574656429 "
	       "sauid=81 hostname=? addr=? terminal=?'" GS "UID=\"dbus\" AUID=\"unset\" SAUID=\"dbus\"");
	/* Repeated keys make it irregular, and so does a lone word. */
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"USER_CMD\":{\"msg\":\"a=1 a=2\"}}",
	       "type=USER_CMD msg=audit(1.005:7): msg='a=1 a=2'");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"USER_CMD\":{\"msg\":\"hello world\"}}",
	       "type=USER_CMD msg=audit(1.005:7): msg='hello world'");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"USER_CMD\":{\"msg\":\"\"}}",
	       "type=USER_CMD msg=audit(1.005:7): msg=''");
	/* Only msg= becomes an object; another single-quoted value is a string. */
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"USER_CMD\":{\"x\":\"a=1\"}}",
	       "type=USER_CMD msg=audit(1.005:7): x='a=1'");
}

static void test_avc(void **state)
{
	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"AVC\":[{\"pid\":1,\"comm\":\"x\",\"denied\":[\"setuid\",\"read\"]}]}",
	       "type=AVC msg=audit(1.005:7): avc:  denied  { setuid read } for  pid=1 comm=\"x\"");
	/* line-avc-denied.txt: LAUREL 0.5.1's bytes. */
	EXPECT(&defaults,
	       "{\"ID\":\"1631798689.083:65686\",\"AVC\":[{\"pid\":15381,\"comm\":\"laurel\","
	       "\"capability\":7,\"scontext\":\"system_u:system_r:auditd_t:s0\","
	       "\"tcontext\":\"system_u:system_r:auditd_t:s0\",\"tclass\":\"capability\","
	       "\"permissive\":1,\"denied\":[\"setuid\"]}]}",
	       "type=AVC msg=audit(1631798689.083:65686): avc:  denied  { setuid } for  pid=15381 "
	       "comm=\"laurel\" capability=7  scontext=system_u:system_r:auditd_t:s0 "
	       "tcontext=system_u:system_r:auditd_t:s0 tclass=capability permissive=1");
}

/* ---- ENRICHED and universal ------------------------------------------------------ */

static void test_enriched_not_duplicated(void **state)
{
	struct json_options universal = defaults;
	const char *line = "type=SYSCALL msg=audit(1.005:7): arch=c000003e syscall=59 a0=1 a1=2 a2=3 a3=4 "
			   "key=(null)" GS "ARCH=x86_64 SYSCALL=execve AUID=\"user\"";

	(void)state;
	/* Without universal, auditd's names stay where they are. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0xc000003e\",\"syscall\":59,\"key\":null,"
	       "\"ARCH\":\"x86_64\",\"SYSCALL\":\"execve\",\"AUID\":\"user\","
	       "\"ARGV\":[\"0x1\",\"0x2\",\"0x3\",\"0x4\"]}}",
	       line);
	/* With it, ours replace them: each once. */
	universal.universal = true;
	EXPECT(&universal,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0xc000003e\",\"syscall\":59,\"key\":null,"
	       "\"AUID\":\"user\",\"ARGV\":[\"0x1\",\"0x2\",\"0x3\",\"0x4\"],\"ARCH\":\"x86_64\","
	       "\"SYSCALL\":\"execve\"}}",
	       line);
	/* An ARGV in the tail wins over ours (SYSCALL, EXECVE). */
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0xc000003e\",\"ARGV\":\"t\"}}",
	       "type=SYSCALL msg=audit(1.005:7): arch=c000003e a0=1" GS "ARGV=\"t\"");
}

/* EXECVE: an ARGV (or ARGV_STR) in the ENRICHED tail wins over ours, as for SYSCALL and PROCTITLE. */
static void test_enriched_argv_execve(void **state)
{
	struct json_options both = { .argv_array = true, .argv_string = true };

	(void)state;
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":1,\"ARGV\":\"t\"}}",
	       "type=EXECVE msg=audit(1.005:7): argc=1 a0=\"x\"" GS "ARGV=\"t\"");
	EXPECT(&both, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":1,\"ARGV_STR\":\"s\",\"ARGV\":[\"x\"]}}",
	       "type=EXECVE msg=audit(1.005:7): argc=1 a0=\"x\"" GS "ARGV_STR=\"s\"");
}

static void test_universal_names(void **state)
{
	struct json_options u = defaults;

	(void)state;
	u.universal = true;
	EXPECT(&u,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0xc00000b7\",\"syscall\":64,"
	       "\"ARGV\":[\"0x7\"],\"ARCH\":\"aarch64\",\"SYSCALL\":\"write\"}}",
	       "type=SYSCALL msg=audit(1.005:7): arch=c00000b7 syscall=64 a0=7");
	EXPECT(&u,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0x40000003\",\"syscall\":11,"
	       "\"ARGV\":[],\"ARCH\":\"i386\",\"SYSCALL\":\"execve\"}}",
	       "type=SYSCALL msg=audit(1.005:7): arch=40000003 syscall=11");
	/* Unknown machine or syscall number: no name, no key. */
	EXPECT(&u, "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0xdeadbeef\",\"syscall\":59,\"ARGV\":[]}}",
	       "type=SYSCALL msg=audit(1.005:7): arch=deadbeef syscall=59");
	EXPECT(&u,
	       "{\"ID\":\"1.005:7\",\"SYSCALL\":{\"arch\":\"0xc000003e\",\"syscall\":99999,\"ARGV\":[],"
	       "\"ARCH\":\"x86_64\"}}",
	       "type=SYSCALL msg=audit(1.005:7): arch=c000003e syscall=99999");
}

static void test_universal_saddr(void **state)
{
	struct json_options u = defaults;
	const char *inet = "type=SOCKADDR msg=audit(1.005:7): saddr=02002BCB7F0000010000000000000000" GS
			   "SADDR={ saddr_fam=inet laddr=127.0.0.1 lport=11211 }";

	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"SOCKADDR\":[{\"saddr\":\"%02%00%2b%cb%7f%00%00%01%00%00%00%00%00%00"
	       "%00%00\",\"SADDR\":\"{saddr_fam=inet laddr=127.0.0.1 lport=11211}\"}]}",
	       inet);
	u.universal = true;
	/* The raw saddr and auditd's SADDR make way for our object. */
	EXPECT(&u,
	       "{\"ID\":\"1.005:7\",\"SOCKADDR\":[{\"SADDR\":{\"saddr_fam\":\"inet\",\"addr\":\"127.0.0.1\","
	       "\"port\":11211}}]}",
	       inet);
	/* record-connect.txt, second event: IPv6 (LAUREL's verified output). */
	EXPECT(&u,
	       "{\"ID\":\"1.005:7\",\"SOCKADDR\":[{\"SADDR\":{\"saddr_fam\":\"inet6\",\"addr\":\"::1\","
	       "\"port\":11211,\"flowinfo\":0,\"scope_id\":0}}]}",
	       "type=SOCKADDR msg=audit(1.005:7): saddr=0A002BCB000000000000000000000000000000000000000100000000");
	/* Two SOCKADDR records, each decoded on its own. */
	EXPECT(&u,
	       "{\"ID\":\"1.005:7\",\"SOCKADDR\":[{\"SADDR\":{\"saddr_fam\":\"inet\",\"addr\":\"127.0.0.1\","
	       "\"port\":11211}},{\"SADDR\":{\"saddr_fam\":\"inet\",\"addr\":\"10.0.0.2\",\"port\":80}}]}",
	       "type=SOCKADDR msg=audit(1.005:7): saddr=02002BCB7F0000010000000000000000",
	       "type=SOCKADDR msg=audit(1.005:7): saddr=020000500A0000020000000000000000");
}

/*
 * auditd's SADDR without the GS before it (a log whose 0x1d became a
 * space on the way): still one SADDR key, ours.
 */
static void test_universal_saddr_no_gs(void **state)
{
	struct json_options u = defaults;

	(void)state;
	u.universal = true;
	EXPECT(&u,
	       "{\"ID\":\"1.005:7\",\"SOCKADDR\":[{\"SADDR\":{\"saddr_fam\":\"inet\",\"addr\":\"127.0.0.1\","
	       "\"port\":11211}}]}",
	       "type=SOCKADDR msg=audit(1.005:7): saddr=02002BCB7F0000010000000000000000 "
	       "SADDR={ saddr_fam=inet laddr=127.0.0.1 lport=11211 }");
}

/* ---- type names ------------------------------------------------------------------- */

static void test_type_names(void **state)
{
	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1661853391.646:4486226\",\"MAC_TASK_CONTEXTS\":[{\"subj_apparmor\":\"unconfined\"}]}",
	       "type=UNKNOWN[1420] msg=audit(1661853391.646:4486226): subj_apparmor=unconfined");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"UNKNOWN[1999]\":[{\"a\":\"b\"}]}",
	       "type=UNKNOWN[1999] msg=audit(1.005:7): a=b");
	EXPECT(&defaults, "{\"ID\":\"1.005:7\",\"NO_SUCH_TYPE\":[{\"a\":\"b\"},{\"a\":\"c\"}]}",
	       "type=NO_SUCH_TYPE msg=audit(1.005:7): a=b", "type=NO_SUCH_TYPE msg=audit(1.005:7): a=c");
	/* LOGIN is a list, user-space types are objects. */
	EXPECT(&defaults,
	       "{\"ID\":\"1.005:7\",\"LOGIN\":[{\"pid\":1,\"old-auid\":4294967295,\"auid\":0}],"
	       "\"DAEMON_START\":{\"op\":\"start\"}}",
	       "type=LOGIN msg=audit(1.005:7): pid=1 old-auid=4294967295 auid=0",
	       "type=DAEMON_START msg=audit(1.005:7): op=start");
}

/* More record types in one event than the encoder tracks in its small table. */
static void test_many_types(void **state)
{
	char lines_buf[80][96];
	const char *lines[82];
	struct event ev;
	char *s;
	cJSON *j;
	int n = 0;

	(void)state;
	for (int i = 0; i < 80; i++) {
		snprintf(lines_buf[i], sizeof(lines_buf[i]), "type=T%d msg=audit(1.005:7): a=%d", i, i);
		lines[n++] = lines_buf[i];
	}
	/* T0 and T79 again at the end: they join their lists. */
	lines[n++] = "type=T0 msg=audit(1.005:7): a=x";
	lines[n++] = "type=T79 msg=audit(1.005:7): a=y";
	assert_true(n <= 82);
	{
		const char *all[83];

		memcpy(all, lines, sizeof(lines));
		all[82] = NULL;
		build_event(all, &ev);
	}
	s = encode_event(&defaults, &ev);
	free_event(&ev);
	j = cJSON_Parse(s);
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(j), 81); /* ID + 80 types */
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "T0")), 2);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "T70")), 1);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(j, "T79")), 2);
	assert_string_equal(cJSON_GetArrayItem(j, 80)->string, "T79");
	cJSON_Delete(j);
	free(s);
}

/* record-service-start.txt: one event (LAUREL makes two with the same ID). */
static void test_service_start(void **state)
{
	(void)state;
	EXPECT(&defaults,
	       "{\"ID\":\"1661853391.646:4486226\",\"SERVICE_START\":{\"pid\":1,\"uid\":0,"
	       "\"auid\":4294967295,\"ses\":4294967295,\"subj\":null,\"msg\":{\"unit\":\"apt-daily\","
	       "\"comm\":\"systemd\",\"exe\":\"/usr/lib/systemd/systemd\",\"hostname\":null,\"addr\":null,"
	       "\"terminal\":null,\"res\":\"success\"},\"UID\":\"root\",\"AUID\":\"unset\"},"
	       "\"SYSCALL\":{\"arch\":\"0xc000003e\",\"syscall\":44,\"success\":\"yes\",\"exit\":120,"
	       "\"items\":0,\"ppid\":0,\"pid\":1,\"auid\":4294967295,\"uid\":0,\"gid\":0,\"euid\":0,"
	       "\"suid\":0,\"fsuid\":0,\"egid\":0,\"sgid\":0,\"fsgid\":0,\"tty\":\"(none)\","
	       "\"ses\":4294967295,\"comm\":\"systemd\",\"exe\":\"/usr/lib/systemd/systemd\",\"subj\":null,"
	       "\"key\":null,\"ARCH\":\"x86_64\",\"SYSCALL\":\"sendto\",\"AUID\":\"unset\",\"UID\":\"root\","
	       "\"GID\":\"root\",\"EUID\":\"root\",\"SUID\":\"root\",\"FSUID\":\"root\",\"EGID\":\"root\","
	       "\"SGID\":\"root\",\"FSGID\":\"root\",\"ARGV\":[\"0x2e\",\"0x7fff698a0190\",\"0x78\",\"0x0\"]},"
	       "\"SOCKADDR\":[{\"saddr\":\"%10%00%00%00%00%00%00%00%00%00%00%00\","
	       "\"SADDR\":\"{fam=netlink nlnk-fam=16 nlnk-pid=0}\"}],"
	       "\"MAC_TASK_CONTEXTS\":[{\"subj_apparmor\":\"unconfined\"}]}",
	       "type=SERVICE_START msg=audit(1661853391.646:4486226): pid=1 uid=0 auid=4294967295 "
	       "ses=4294967295 subj=? msg='unit=apt-daily comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" "
	       "hostname=? addr=? terminal=? res=success'" GS "UID=\"root\" AUID=\"unset\"",
	       "type=SYSCALL msg=audit(1661853391.646:4486226): arch=c000003e syscall=44 success=yes "
	       "exit=120 a0=2e a1=7fff698a0190 a2=78 a3=0 items=0 ppid=0 pid=1 auid=4294967295 uid=0 "
	       "gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=(none) ses=4294967295 "
	       "comm=\"systemd\" exe=\"/usr/lib/systemd/systemd\" subj=? key=(null)" GS "ARCH=x86_64 "
	       "SYSCALL=sendto AUID=\"unset\" UID=\"root\" GID=\"root\" EUID=\"root\" SUID=\"root\" "
	       "FSUID=\"root\" EGID=\"root\" SGID=\"root\" FSGID=\"root\"",
	       "type=SOCKADDR msg=audit(1661853391.646:4486226): saddr=100000000000000000000000" GS
	       "SADDR={ fam=netlink nlnk-fam=16 nlnk-pid=0 }",
	       "type=UNKNOWN[1420] msg=audit(1661853391.646:4486226): subj_apparmor=unconfined");
}

/* The encoder and the output buffer are reused between events. */
static void test_reuse(void **state)
{
	struct json_encoder *enc = json_encoder_new(&defaults);
	struct buf b;
	struct event ev;

	(void)state;
	assert_non_null(enc);
	buf_init(&b);
	build_event(LINES("type=EXECVE msg=audit(1.005:7): argc=2 a0=\"aaaa\" a1=\"bbbb\""), &ev);
	assert_int_equal(json_encode_event(enc, &ev, NULL, &b), 0);
	free_event(&ev);
	buf_addc(&b, '\n');
	build_event(LINES("type=EXECVE msg=audit(2.005:8): argc=1 a0=\"c\""), &ev);
	assert_int_equal(json_encode_event(enc, &ev, NULL, &b), 0);
	free_event(&ev);
	buf_addc(&b, '\0');
	assert_string_equal(b.data, "{\"ID\":\"1.005:7\",\"EXECVE\":{\"argc\":2,\"ARGV\":[\"aaaa\",\"bbbb\"]}}\n"
				    "{\"ID\":\"2.005:8\",\"EXECVE\":{\"argc\":1,\"ARGV\":[\"c\"]}}");
	buf_done(&b);
	json_encoder_free(enc);
	json_encoder_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id),
		cmocka_unit_test(test_node),
		cmocka_unit_test(test_type_order),
		cmocka_unit_test(test_record_execve),
		cmocka_unit_test(test_escaping_execve),
		cmocka_unit_test(test_record_connect),
		cmocka_unit_test(test_syscall_values),
		cmocka_unit_test(test_path_values),
		cmocka_unit_test(test_numeric_values),
		cmocka_unit_test(test_null_values),
		cmocka_unit_test(test_tty_and_bare_words),
		cmocka_unit_test(test_execve_args),
		cmocka_unit_test(test_execve_fragments),
		cmocka_unit_test(test_execve_holes),
		cmocka_unit_test(test_execve_huge_index),
		cmocka_unit_test(test_execve_argv_string),
		cmocka_unit_test(test_execve_limit),
		cmocka_unit_test(test_proctitle),
		cmocka_unit_test(test_user_msg),
		cmocka_unit_test(test_user_msg_irregular),
		cmocka_unit_test(test_avc),
		cmocka_unit_test(test_enriched_not_duplicated),
		cmocka_unit_test(test_enriched_argv_execve),
		cmocka_unit_test(test_universal_names),
		cmocka_unit_test(test_universal_saddr),
		cmocka_unit_test(test_universal_saddr_no_gs),
		cmocka_unit_test(test_type_names),
		cmocka_unit_test(test_many_types),
		cmocka_unit_test(test_service_start),
		cmocka_unit_test(test_reuse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
