// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * test_conf: conf_load() on small files written with mkstemp(): defaults,
 * every supported key, TOML-style quoting and lists, and every kind of
 * error with its exact "PATH:LINE: " message.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "conf.h"
#include "labels.h"

struct fixture {
	struct conf *conf;
	char path[PATH_MAX];
	bool created; /* path names a file to remove */
	char err[512];
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	const char *tmp = getenv("TMPDIR");

	if (!f)
		return -1;
	f->conf = conf_new();
	if (!f->conf) {
		free(f);
		return -1;
	}
	snprintf(f->path, sizeof(f->path), "%s/test_conf.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (f->created)
		unlink(f->path);
	conf_free(f->conf);
	free(f);
	return 0;
}

/* Writes LEN bytes of TEXT to a new temporary file named in f->path. */
static void write_file(struct fixture *f, const char *text, size_t len)
{
	int fd;

	if (f->created) {
		unlink(f->path);
		strcpy(strrchr(f->path, '.') + 1, "XXXXXX");
		f->created = false;
	}
	fd = mkstemp(f->path);
	assert_true(fd >= 0);
	f->created = true;
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* Loads TEXT; the error text lands in f->err. */
static int load(struct fixture *f, const char *text)
{
	write_file(f, text, strlen(text));
	return conf_load(f->conf, f->path, f->err, sizeof(f->err));
}

/* Loads TEXT and expects success with an empty message. */
static void load_ok(struct fixture *f, const char *text)
{
	int r = load(f, text);

	if (r != 0)
		print_error("unexpected error: %s\n", f->err);
	assert_int_equal(r, 0);
	assert_string_equal(f->err, "");
}

/* Loads TEXT and expects -EINVAL with "PATH:" followed by WANT. */
static void load_bad(struct fixture *f, const char *text, const char *want)
{
	char expect[sizeof(f->err) + PATH_MAX];

	assert_int_equal(load(f, text), -EINVAL);
	snprintf(expect, sizeof(expect), "%s:%s", f->path, want);
	assert_string_equal(f->err, expect);
}

static void test_defaults(void **state)
{
	struct fixture *f = *state;

	assert_true(f->conf->argv_array);
	assert_false(f->conf->argv_string);
	assert_int_equal(f->conf->argv_limit_bytes, 0);
	assert_false(f->conf->universal);
	assert_false(f->conf->user_db);
	assert_null(f->conf->auditlog_file);
	assert_null(f->conf->line_prefix);
	conf_free(NULL);
}

static void test_empty_file(void **state)
{
	struct fixture *f = *state;

	strcpy(f->err, "junk");
	load_ok(f, "");
	load_ok(f, "# only a comment\n\n; another\n[transform]\n[auditlog]\n");
	assert_true(f->conf->argv_array);
	assert_false(f->conf->argv_string);
	assert_null(f->conf->auditlog_file);
}

static void test_auditlog(void **state)
{
	struct fixture *f = *state;

	load_ok(f, "[auditlog]\nfile = /var/log/auscribe/audit.log\n"
		   "line-prefix = @cee:\n");
	assert_string_equal(f->conf->auditlog_file,
			    "/var/log/auscribe/audit.log");
	assert_string_equal(f->conf->line_prefix, "@cee:");

	/* Quotes keep the trailing space inih would strip. */
	load_ok(f, "[auditlog]\nfile = \"audit.log\"\nline-prefix = \"@cee: \"\n");
	assert_string_equal(f->conf->auditlog_file, "audit.log");
	assert_string_equal(f->conf->line_prefix, "@cee: ");

	load_ok(f, "[auditlog]\nfile = '-'\nline-prefix = ''\n");
	assert_string_equal(f->conf->auditlog_file, "-");
	assert_null(f->conf->line_prefix);

	/* A repeated scalar: the last one wins. */
	load_ok(f, "[auditlog]\nfile = a\nfile = b\nline-prefix = x\n"
		   "line-prefix =\n");
	assert_string_equal(f->conf->auditlog_file, "b");
	assert_null(f->conf->line_prefix);

	/* Escapes in "basic" strings; none in 'literal' ones. */
	load_ok(f, "[auditlog]\nfile = \"a\\\"b\\\\c\\td\"\n"
		   "line-prefix = 'x\\ty'\n");
	assert_string_equal(f->conf->auditlog_file, "a\"b\\c\td");
	assert_string_equal(f->conf->line_prefix, "x\\ty");

	/* Commas are not lists in a string key; ':' separates too. */
	load_ok(f, "[auditlog]\nfile: a,b.log\n");
	assert_string_equal(f->conf->auditlog_file, "a,b.log");
}

static void test_later_file_keeps_earlier(void **state)
{
	struct fixture *f = *state;

	load_ok(f, "[auditlog]\nfile = one\n[translate]\nuniversal = yes\n");
	load_ok(f, "[translate]\nuser-db = yes\n");
	assert_string_equal(f->conf->auditlog_file, "one");
	assert_true(f->conf->universal);
	assert_true(f->conf->user_db);
}

static void test_execve_argv(void **state)
{
	struct fixture *f = *state;

	/* The first occurrence replaces the default. */
	load_ok(f, "[transform]\nexecve-argv = string\n");
	assert_false(f->conf->argv_array);
	assert_true(f->conf->argv_string);

	load_ok(f, "[transform]\nexecve-argv = array, string\n");
	assert_true(f->conf->argv_array);
	assert_true(f->conf->argv_string);

	load_ok(f, "[transform]\nexecve-argv = array\n");
	assert_true(f->conf->argv_array);
	assert_false(f->conf->argv_string);

	load_ok(f, "[transform]\nexecve-argv = [\"string\", \"array\"]\n");
	assert_true(f->conf->argv_array);
	assert_true(f->conf->argv_string);

	load_ok(f, "[transform]\nexecve-argv = ['string',]  # TOML\n");
	assert_false(f->conf->argv_array);
	assert_true(f->conf->argv_string);

	load_ok(f, "[transform]\nexecve-argv = 'string', \"array\" # both\n");
	assert_true(f->conf->argv_array);
	assert_true(f->conf->argv_string);

	load_ok(f, "[transform]\nexecve-argv = \"array\"\n");
	assert_true(f->conf->argv_array);
	assert_false(f->conf->argv_string);

	/* Repeated keys add. */
	load_ok(f, "[transform]\nexecve-argv = string\nexecve-argv = array\n");
	assert_true(f->conf->argv_array);
	assert_true(f->conf->argv_string);

	/* An empty first occurrence, filled by a later one. */
	load_ok(f, "[transform]\nexecve-argv = []\nexecve-argv = string\n");
	assert_false(f->conf->argv_array);
	assert_true(f->conf->argv_string);

	/* Duplicates are harmless. */
	load_ok(f, "[transform]\nexecve-argv = string, string\n");
	assert_false(f->conf->argv_array);
	assert_true(f->conf->argv_string);
}

static void test_execve_argv_errors(void **state)
{
	struct fixture *f = *state;

	load_bad(f, "[transform]\nexecve-argv = array, bogus\n",
		 "2: [transform] execve-argv: 'bogus' is not one of 'array', 'string'");
	load_bad(f, "[transform]\n\nexecve-argv = []\n",
		 "3: [transform] execve-argv: empty list, expected 'array' and/or 'string'");
	load_bad(f, "[transform]\nexecve-argv =\n# nothing\n",
		 "2: [transform] execve-argv: empty list, expected 'array' and/or 'string'");
	load_bad(f, "[transform]\nexecve-argv = array,\n",
		 "2: [transform] execve-argv: 'array,' has an empty item");
	load_bad(f, "[transform]\nexecve-argv = array,,string\n",
		 "2: [transform] execve-argv: 'array,,string' has an empty item");
	load_bad(f, "[transform]\nexecve-argv = [\"array\", \"string\"\n",
		 "2: [transform] execve-argv: '[\"array\", \"string\"' has no closing ']'");
	load_bad(f, "[transform]\nexecve-argv = [\"array\" \"string\"]\n",
		 "2: [transform] execve-argv: '[\"array\" \"string\"]' has text after a quoted item");
	load_bad(f, "[transform]\nexecve-argv = [array] x\n",
		 "2: [transform] execve-argv: '[array] x' has text after the closing ']'");
	load_bad(f, "[transform]\nexecve-argv = [\"array]\n",
		 "2: [transform] execve-argv: '[\"array]' has no closing quote");
	load_bad(f, "[transform]\nexecve-argv = ARRAY\n",
		 "2: [transform] execve-argv: 'ARRAY' is not one of 'array', 'string'");
}

static void test_limit_bytes(void **state)
{
	struct fixture *f = *state;

	load_ok(f, "[transform]\nexecve-argv-limit-bytes = 4096\n");
	assert_int_equal(f->conf->argv_limit_bytes, 4096);
	load_ok(f, "[transform]\nexecve-argv-limit-bytes = 0\n");
	assert_int_equal(f->conf->argv_limit_bytes, 0);
	load_ok(f, "[transform]\nexecve-argv-limit-bytes = 1_000_000\n");
	assert_int_equal(f->conf->argv_limit_bytes, 1000000);
	load_ok(f, "[transform]\nexecve-argv-limit-bytes = \"65536\"\n");
	assert_int_equal(f->conf->argv_limit_bytes, 65536);
	load_ok(f, "[transform]\nexecve-argv-limit-bytes = 18446744073709551615\n");
	assert_true(f->conf->argv_limit_bytes == SIZE_MAX);
}

static void test_sizes_rotation_netlink(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(f->conf->netlink_rcvbuf, 64u * 1024 * 1024);
	assert_int_equal(f->conf->event_timeout_ms, 500);
	assert_int_equal(f->conf->auditlog_size, 0);
	load_ok(f, "[auditlog]\nfile = /tmp/x.log\nsize = 10M\ngenerations = 5\n"
		   "[netlink]\nreceive-buffer = 4K\nevent-timeout = 250\n");
	assert_int_equal(f->conf->auditlog_size, 10u * 1024 * 1024);
	assert_int_equal(f->conf->auditlog_generations, 5);
	assert_int_equal(f->conf->netlink_rcvbuf, 4096);
	assert_int_equal(f->conf->event_timeout_ms, 250);
	load_ok(f, "[netlink]\nreceive-buffer = 1G\n");
	assert_true(f->conf->netlink_rcvbuf == 1024u * 1024 * 1024);
	load_bad(f, "[netlink]\nreceive-buffer = 4k\n",
		 "2: [netlink] receive-buffer: '4k' is not a non-negative integer");
	load_bad(f, "[netlink]\nreceive-buffer = M\n",
		 "2: [netlink] receive-buffer: 'M' is not a non-negative integer");
	load_bad(f, "[netlink]\nbuffer = 1\n", "2: unknown key 'buffer' in [netlink]");
}

static void test_read_acl_names(void **state)
{
	struct fixture *f = *state;

	load_ok(f, "[auditlog]\nread-users = alice, bob\nread-users = carol\nread-groups = [\"adm\"]\n"
		   "read-other = yes\ngroup = adm\n");
	assert_string_equal(f->conf->auditlog_read_users, "alice,bob,carol");
	assert_string_equal(f->conf->auditlog_read_groups, "adm");
	assert_true(f->conf->auditlog_read_other);
	assert_string_equal(f->conf->auditlog_group, "adm");
	load_bad(f, "[auditlog]\nread-users = a:b\n",
		 "2: [auditlog] read-users: 'a:b' is not a user or group name");
}

static void test_limit_bytes_errors(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *value, *shown;
	} bad[] = {
		{ "abc", "abc" }, { "-1", "-1" },     { "12abc", "12abc" },
		{ "+5", "+5" },	  { "1__0", "1__0" }, { "_1", "_1" },
		{ "1_", "1_" },	  { "0x10", "0x10" }, { "1 000", "1 000" },
		{ "", "" },	  { "\"\"", "" },     { "4.5", "4.5" },
	};
	char text[128], want[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(text, sizeof(text),
			 "[transform]\nexecve-argv-limit-bytes = %s\n",
			 bad[i].value);
		snprintf(want, sizeof(want),
			 "2: [transform] execve-argv-limit-bytes: '%s' is not a non-negative integer",
			 bad[i].shown);
		load_bad(f, text, want);
	}
	load_bad(f, "[transform]\nexecve-argv-limit-bytes = 18446744073709551616\n",
		 "2: [transform] execve-argv-limit-bytes: '18446744073709551616' is out of range");
	load_bad(f, "[transform]\nexecve-argv-limit-bytes = [1]\n",
		 "2: [transform] execve-argv-limit-bytes: '[1]' is a list, expected one value");
	assert_int_equal(f->conf->argv_limit_bytes, 0);
}

static void test_translate(void **state)
{
	struct fixture *f = *state;
	static const char *const yes[] = { "true", "True", "YES", "yes", "on",
					   "On", "1", "\"true\"" };
	static const char *const no[] = { "false", "FALSE", "no", "No", "off",
					  "OFF", "0", "'no'" };
	char text[128];

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		snprintf(text, sizeof(text),
			 "[translate]\nuniversal = %s\nuser-db = %s\n", yes[i],
			 yes[i]);
		load_ok(f, text);
		assert_true(f->conf->universal);
		assert_true(f->conf->user_db);

		snprintf(text, sizeof(text),
			 "[translate]\nuniversal = %s\nuser-db = %s\n", no[i],
			 no[i]);
		load_ok(f, text);
		assert_false(f->conf->universal);
		assert_false(f->conf->user_db);
	}

	load_bad(f, "[translate]\nuniversal = maybe\n",
		 "2: [translate] universal: 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)");
	load_bad(f, "[translate]\nuser-db = 2\n",
		 "2: [translate] user-db: '2' is not a boolean (true/false, yes/no, on/off, 1/0)");
	load_bad(f, "[translate]\nuser-db =\n",
		 "2: [translate] user-db: '' is not a boolean (true/false, yes/no, on/off, 1/0)");
	/* '#' is a comment only at the start of a line or after quotes. */
	load_bad(f, "[translate]\nuniversal = true # yes\n",
		 "2: [translate] universal: 'true # yes' is not a boolean (true/false, yes/no, on/off, 1/0)");
}

static void test_comments(void **state)
{
	struct fixture *f = *state;

	/* ';' after white space starts a comment, also inside quotes. */
	load_ok(f, "[auditlog]\nfile = a.log ; comment\n");
	assert_string_equal(f->conf->auditlog_file, "a.log");
	load_ok(f, "[auditlog]\nfile = a.log\t; comment\n");
	assert_string_equal(f->conf->auditlog_file, "a.log");
	load_ok(f, "[auditlog]\nfile = a;b.log\n");
	assert_string_equal(f->conf->auditlog_file, "a;b.log");
	load_ok(f, "[auditlog]\nfile = a # b.log\n");
	assert_string_equal(f->conf->auditlog_file, "a # b.log");
	load_ok(f, "[auditlog]\nfile = \"a.log\" # comment\n");
	assert_string_equal(f->conf->auditlog_file, "a.log");
	load_ok(f, "[auditlog]\nfile = \"a #b.log\"\n");
	assert_string_equal(f->conf->auditlog_file, "a #b.log");
	load_ok(f, "[auditlog] ; comment\nfile = x\n[translate] # comment\n"
		   "universal = 1\n");
	assert_string_equal(f->conf->auditlog_file, "x");
	assert_true(f->conf->universal);
	load_bad(f, "[auditlog]\nfile = \"a ; b\"\n",
		 "2: [auditlog] file: '\"a' has no closing quote");
}

static void test_layout(void **state)
{
	struct fixture *f = *state;

	/* Indented lines are ordinary lines, not continuations. */
	load_ok(f, "[auditlog]\n  file = a\n    line-prefix = p\n"
		   "  [translate]\n\tuniversal = on\n");
	assert_string_equal(f->conf->auditlog_file, "a");
	assert_string_equal(f->conf->line_prefix, "p");
	assert_true(f->conf->universal);

	/* CRLF line ends and a UTF-8 byte order mark. */
	load_ok(f, "\xEF\xBB\xBF[auditlog]\r\nfile = crlf.log\r\n");
	assert_string_equal(f->conf->auditlog_file, "crlf.log");

	/* A last line without '\n'; sections may repeat. */
	load_ok(f, "[translate]\nuniversal = 1\n[auditlog]\nfile = x\n"
		   "[translate]\nuser-db = 1");
	assert_true(f->conf->user_db);
}

static void test_line_numbers(void **state)
{
	struct fixture *f = *state;

	load_bad(f,
		 "# comment\n"
		 "\n"
		 "; comment\n"
		 "[auditlog]\n"
		 "   # indented comment\n"
		 "file = x ; inline\n"
		 "\n"
		 "[enrich]\n"
		 "exe-hash = false\n",
		 "9: [enrich] exe-hash: not supported yet");
	load_bad(f, "\xEF\xBB\xBF\r\n\r\n[x]\r\n", "3: unknown section [x]");
	/* The first error is the one reported. */
	load_bad(f, "[auditlog]\nbad = 1\n[nope]\n", "2: unknown key 'bad' in [auditlog]");
	load_bad(f, "[auditlog]\nfile = \"x\n[nope]\n",
		 "2: [auditlog] file: '\"x' has no closing quote");
}

static void test_not_supported(void **state)
{
	struct fixture *f = *state;

	load_bad(f, "directory = /var/lib/auscribe\n", "1: directory: not supported yet");
	load_bad(f, "[filterlog]\nsize = 1\n",
		 "2: [filterlog] size: not supported yet");
	load_bad(f, "[filterlog]\nfile = filtered.log\n",
		 "2: [filterlog] file: not supported yet");
	load_bad(f, "[translate]\ndrop-raw = true\n",
		 "2: [translate] drop-raw: not supported yet");
	load_bad(f, "[filter]\nfilter-action = drop\n",
		 "2: [filter] filter-action: not supported yet");
	load_bad(f, "[state]\nmax-age = 60\n", "2: [state] max-age: not supported yet");
	/* LAUREL's TOML tables: as a section or as a dotted key. */
	load_bad(f, "[debug.inputlog]\n", "1: [debug] inputlog: not supported yet");
	load_bad(f, "\n[debug.parse-error-log]\nfile = x\n",
		 "2: [debug] parse-error-log: not supported yet");
	load_bad(f, "[debug]\nparse-error-log.file = x\n",
		 "2: [debug] parse-error-log: not supported yet");
	load_bad(f, "[debug]\ninputlog = x\n",
		 "2: [debug] inputlog: not supported yet");
}

/* Joins a '\n' list with ',' for comparison; NULL stays "(null)". */
static const char *joined(const char *list, char *buf, size_t size)
{
	if (!list)
		return "(null)";
	snprintf(buf, size, "%s", list);
	for (char *c = buf; *c; c++)
		if (*c == '\n')
			*c = ',';
	return buf;
}

static void test_enrich(void **state)
{
	struct fixture *f = *state;
	char b[256];

	/* LAUREL's defaults, plus ours. */
	assert_true(f->conf->enrich_pid);
	assert_true(f->conf->ppid_verbose);
	assert_true(f->conf->spawned_by);
	assert_true(f->conf->enrich_container);
	assert_true(f->conf->enrich_systemd);
	assert_true(f->conf->enrich_script);
	assert_true(f->conf->uid_groups);
	assert_int_equal(f->conf->ancestors, CONF_DEFAULT_ANCESTORS);
	assert_int_equal(f->conf->max_processes, CONF_DEFAULT_MAX_PROCESSES);
	assert_string_equal(joined(f->conf->execve_env, b, sizeof(b)), "LD_PRELOAD,LD_LIBRARY_PATH");

	load_ok(f, "[enrich]\npid = no\nppid-verbose = false\nspawned-by = off\ncontainer = 0\n"
		   "systemd = false\nscript = false\nuid-groups = false\nancestors = 3\n"
		   "max-processes = 1000\nexecve-env = [\"LD_*\", \"HOME\"]\n");
	assert_false(f->conf->enrich_pid);
	assert_false(f->conf->ppid_verbose);
	assert_false(f->conf->spawned_by);
	assert_false(f->conf->enrich_container);
	assert_false(f->conf->enrich_systemd);
	assert_false(f->conf->enrich_script);
	assert_false(f->conf->uid_groups);
	assert_int_equal(f->conf->ancestors, 3);
	assert_int_equal(f->conf->max_processes, 1000);
	assert_string_equal(joined(f->conf->execve_env, b, sizeof(b)), "LD_*,HOME");
	/* A list is assigned whole: an empty one switches ENV off. */
	load_ok(f, "[enrich]\nexecve-env = []\n");
	assert_null(f->conf->execve_env);
}

static void test_labels(void **state)
{
	struct fixture *f = *state;
	char b[256];
	char **v;
	size_t n;

	assert_null(f->conf->label_keys);
	assert_int_equal(f->conf->label_argv_count, 32);
	assert_int_equal(f->conf->label_argv_bytes, 4096);
	load_ok(f, "[label-process]\n"
		   "label-keys = software_mgmt, other\n"
		   "propagate-labels = [\"software_mgmt\"]\n"
		   "label-argv-count = 4\n"
		   "label-exe.'^/usr/bin/(apt|dpkg)$' = software_mgmt\n"
		   "unlabel-argv.'--version' = software_mgmt\n"
		   "[label-process.label-script]\n"
		   "'\\.php$' = php\n");
	assert_string_equal(joined(f->conf->label_keys, b, sizeof(b)), "software_mgmt,other");
	assert_string_equal(joined(f->conf->propagate_labels, b, sizeof(b)), "software_mgmt");
	assert_int_equal(f->conf->label_argv_count, 4);
	assert_int_equal(f->conf->n_label_rules, 3);
	assert_int_equal(f->conf->label_rules[0].subject, LABEL_EXE);
	assert_false(f->conf->label_rules[0].unlabel);
	assert_string_equal(f->conf->label_rules[0].regex, "^/usr/bin/(apt|dpkg)$");
	assert_string_equal(f->conf->label_rules[0].label, "software_mgmt");
	assert_int_equal(f->conf->label_rules[1].subject, LABEL_ARGV);
	assert_true(f->conf->label_rules[1].unlabel);
	assert_int_equal(f->conf->label_rules[2].subject, LABEL_SCRIPT);
	assert_string_equal(f->conf->label_rules[2].regex, "\\.php$");
	assert_string_equal(f->conf->label_rules[2].label, "php");

	assert_int_equal(conf_split_list(f->conf->label_keys, &v, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0], "software_mgmt");
	assert_string_equal(v[1], "other");
	assert_null(v[2]);
	free(v);
	assert_int_equal(conf_split_list(NULL, &v, &n), 0);
	assert_int_equal(n, 0);
	assert_null(v[0]);
	free(v);

	/* A bad regex is reported with its line and PCRE2's words; nothing changes. */
	assert_int_equal(load(f, "[label-process]\n\nlabel-exe.'(x' = y\n"), -EINVAL);
	assert_non_null(strstr(f->err, ":3: [label-process] label-exe: '(x': "));
	assert_non_null(strstr(f->err, "offset"));
	assert_int_equal(f->conf->n_label_rules, 3);
	load_bad(f, "[label-process]\nlabel-exe = x\n",
		 "2: [label-process] label-exe: expected 'label-exe.REGEX = LABEL'");
	load_bad(f, "[label-process]\nlabel-exe.'x' = \n",
		 "2: [label-process] label-exe: expected 'label-exe.REGEX = LABEL'");
}

static void test_unknown(void **state)
{
	struct fixture *f = *state;

	load_bad(f, "[auditlog]\nfiles = x\n",
		 "2: unknown key 'files' in [auditlog]");
	load_bad(f, "[translate]\nuserdb = true\n",
		 "2: unknown key 'userdb' in [translate]");
	load_bad(f, "bogus = 1\n", "1: unknown key 'bogus' at the top level");
	load_bad(f, "[auditlog]\n[bogus]\n", "2: unknown section [bogus]");
	load_bad(f, "[ auditlog ]\n", "1: unknown section [ auditlog ]");
	load_bad(f, "[Auditlog]\n", "1: unknown section [Auditlog]");
	load_bad(f, "[]\n", "1: unknown section []");
	load_bad(f, "[[auditlog]]\n", "1: unknown section [[auditlog]");
	load_bad(f, "[transform.execve-argv]\n",
		 "1: unknown section [transform.execve-argv]");
	load_bad(f, "[translate]\nuniversal.x = 1\n",
		 "2: unknown key 'universal.x' in [translate]");
}

static void test_syntax(void **state)
{
	struct fixture *f = *state;

	load_bad(f, "[auditlog]\nfile\n",
		 "2: expected '[section]', 'key = value' or a comment");
	load_bad(f, "[auditlog]\nfile ; = x\n",
		 "2: expected '[section]', 'key = value' or a comment");
	load_bad(f, "[auditlog\nfile = x\n", "1: missing ']' after section name");
	load_bad(f, "[auditlog] file = x\n",
		 "1: unexpected 'file = x' after [auditlog]");
	load_bad(f, "[auditlog]\n= x\n", "2: missing key name");
	load_bad(f, "[auditlog]\nfile = \"x\\q\"\n",
		 "2: [auditlog] file: '\"x\\q\"' has an unknown escape (only \\\", \\\\, \\t)");
	load_bad(f, "[auditlog]\nfile = \"x\" y\n",
		 "2: [auditlog] file: '\"x\" y' has text after the closing quote");
	load_bad(f, "[auditlog]\nfile = 'x\n",
		 "2: [auditlog] file: ''x' has no closing quote");
	load_bad(f, "[auditlog]\nfile = [\"a\", \"b\"]\n",
		 "2: [auditlog] file: '[\"a\", \"b\"]' is a list, expected one value");
	load_bad(f, "[auditlog]\nfile =\n", "2: [auditlog] file: empty value");
	load_bad(f, "[auditlog]\nfile = \"\"\n", "2: [auditlog] file: empty value");
}

static void test_long_line(void **state)
{
	struct fixture *f = *state;
	char text[512];
	int n;

	/* 199 bytes fit inih's 200-byte buffer; leading blanks are free. */
	n = snprintf(text, sizeof(text), "[auditlog]\n    file = %0192d\n", 0);
	assert_int_equal(n, 11 + 4 + 199 + 1);
	load_ok(f, text);
	assert_int_equal(strlen(f->conf->auditlog_file), 192);

	snprintf(text, sizeof(text), "[auditlog]\nfile = %0193d\n", 0);
	load_bad(f, text, "2: line longer than 199 bytes");
}

/* Past 4095 bytes of a raw line the reader stops, whatever they hold. */
static void test_huge_line(void **state)
{
	struct fixture *f = *state;
	char *text = malloc(8192);

	assert_non_null(text);
	memset(text, ' ', 8192);
	memcpy(text, "[auditlog]\n", 11);
	memcpy(text + 11 + 4000, "file = x\n", 10);
	text[11 + 4000 + 10] = '\0';
	load_ok(f, text);
	assert_string_equal(f->conf->auditlog_file, "x");

	/* Exactly 4095 bytes, then the line end. */
	memset(text, ' ', 8192);
	memcpy(text, "[auditlog]\n", 11);
	memcpy(text + 11 + 4095 - 8, "file = z\n", 10);
	text[11 + 4095 + 1] = '\0';
	load_ok(f, text);
	assert_string_equal(f->conf->auditlog_file, "z");

	memset(text, ' ', 8192);
	memcpy(text, "; c\n[auditlog]\n", 15);
	memcpy(text + 15 + 4100, "file = y\n", 10);
	text[15 + 4100 + 10] = '\0';
	load_bad(f, text, "3: line longer than 199 bytes");
	assert_string_equal(f->conf->auditlog_file, "z");
	free(text);
}

static void test_nul_byte(void **state)
{
	struct fixture *f = *state;
	static const char text[] = "[auditlog]\nfile = a\0b\n";
	char expect[PATH_MAX + 64];

	write_file(f, text, sizeof(text) - 1);
	assert_int_equal(conf_load(f->conf, f->path, f->err, sizeof(f->err)),
			 -EINVAL);
	snprintf(expect, sizeof(expect), "%s:2: NUL byte in line", f->path);
	assert_string_equal(f->err, expect);
}

/* A bad file leaves the configuration as it was. */
static void test_all_or_nothing(void **state)
{
	struct fixture *f = *state;

	load_ok(f, "[auditlog]\nfile = keep\n");
	load_bad(f,
		 "[auditlog]\nfile = other\nline-prefix = p\n"
		 "[transform]\nexecve-argv = string\n"
		 "execve-argv-limit-bytes = 10\n"
		 "[translate]\nuniversal = yes\n[enrich]\nprefix = x\n",
		 "10: [enrich] prefix: not supported yet");
	assert_string_equal(f->conf->auditlog_file, "keep");
	assert_null(f->conf->line_prefix);
	assert_true(f->conf->argv_array);
	assert_false(f->conf->argv_string);
	assert_int_equal(f->conf->argv_limit_bytes, 0);
	assert_false(f->conf->universal);
}

static void test_missing_file(void **state)
{
	struct fixture *f = *state;
	char absent[PATH_MAX + 8], expect[PATH_MAX + 64];

	load_ok(f, "[auditlog]\nfile = keep\n[transform]\nexecve-argv = string\n");
	snprintf(absent, sizeof(absent), "%s.absent", f->path);
	assert_int_equal(conf_load(f->conf, absent, f->err, sizeof(f->err)),
			 -ENOENT);
	snprintf(expect, sizeof(expect), "%s: No such file or directory",
		 absent);
	assert_string_equal(f->err, expect);
	assert_string_equal(f->conf->auditlog_file, "keep");
	assert_false(f->conf->argv_array);
	assert_true(f->conf->argv_string);
}

static void test_directory(void **state)
{
	struct fixture *f = *state;
	char dir[PATH_MAX], expect[PATH_MAX + 64];
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, sizeof(dir), "%s/test_conf.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(conf_load(f->conf, dir, f->err, sizeof(f->err)),
			 -EISDIR);
	snprintf(expect, sizeof(expect), "%s: Is a directory", dir);
	assert_string_equal(f->err, expect);
	assert_int_equal(rmdir(dir), 0);
}

static void test_small_error_buffer(void **state)
{
	struct fixture *f = *state;
	char small[8];

	write_file(f, "[bogus]\n", 8);
	memset(small, 'x', sizeof(small));
	assert_int_equal(conf_load(f->conf, f->path, small, sizeof(small)),
			 -EINVAL);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, f->path, sizeof(small) - 1);

	/* No buffer at all. */
	assert_int_equal(conf_load(f->conf, f->path, NULL, 0), -EINVAL);
}

static void test_user_kernel_lost(void **state)
{
	struct fixture *f = *state;

	assert_null(f->conf->user);
	assert_false(f->conf->kernel_lost_counter);
	load_ok(f, "user = auscribe\n[netlink]\nkernel-lost-counter = true\n");
	assert_string_equal(f->conf->user, "auscribe");
	assert_true(f->conf->kernel_lost_counter);
	load_ok(f, "user = ''\n[netlink]\nkernel-lost-counter = off\n");
	assert_null(f->conf->user);
	assert_false(f->conf->kernel_lost_counter);
	load_bad(f, "[netlink]\nkernel-lost-counter = maybe\n",
		 "2: [netlink] kernel-lost-counter: 'maybe' is not a boolean (true/false, yes/no, on/off, 1/0)");
}

/* conf_file_trusted(): only root, or the daemon's own user, may write; group write only for group root. */
static void test_trusted_rule(void **state)
{
	static const struct {
		uid_t owner;
		gid_t group;
		mode_t mode;
		uid_t euid;
		int want;
	} cases[] = {
		{ 0, 0, 0644, 0, 0 },	       { 0, 0, 0600, 0, 0 },	       { 0, 100, 0444, 1000, 0 },
		{ 0, 100, 0664, 0, -EPERM },   { 0, 0, 0664, 0, 0 },	       { 0, 0, 0646, 0, -EPERM },
		{ 0, 0, 0666, 1000, -EPERM },  { 1000, 0, 0644, 0, -EPERM },   { 1000, 0, 0600, 0, -EPERM },
		{ 1000, 100, 0644, 1000, 0 },  { 1000, 100, 0620, 1000, -EPERM }, { 1001, 100, 0644, 1000, -EPERM },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct stat st = { .st_uid = cases[i].owner, .st_gid = cases[i].group,
				   .st_mode = S_IFREG | cases[i].mode };

		assert_int_equal(conf_file_trusted(&st, cases[i].euid), cases[i].want);
	}
}

/* Loads f->path after chmod MODE; expects WANT and, if refused, the message. */
static void load_mode(struct fixture *f, const char *path, mode_t mode, int want)
{
	char expect[PATH_MAX + 64];

	assert_int_equal(chmod(f->path, mode), 0);
	assert_int_equal(conf_load(f->conf, path, f->err, sizeof(f->err)), want);
	if (want == 0) {
		assert_string_equal(f->err, "");
		return;
	}
	snprintf(expect, sizeof(expect), "%s: refusing a configuration file that others than root", path);
	assert_memory_equal(f->err, expect, strlen(expect));
	assert_non_null(strstr(f->err, "writable by nobody else"));
}

/* conf_load() refuses a file others may write, also through a symlink. */
static void test_refuse_writable(void **state)
{
	struct fixture *f = *state;
	char link[PATH_MAX + 8];

	write_file(f, "[auditlog]\nfile = x\n", 20);
	/* Group write is refused unless the group is root: a group of its own. */
	if (geteuid() == 0)
		assert_int_equal(chown(f->path, 0, 100), 0);
	else if (getegid() == 0)
		skip();
	load_mode(f, f->path, 0664, -EPERM);
	assert_null(f->conf->auditlog_file);
	load_mode(f, f->path, 0646, -EPERM);
	load_mode(f, f->path, 0666, -EPERM);
	load_mode(f, f->path, 0644, 0);
	assert_string_equal(f->conf->auditlog_file, "x");
	load_mode(f, f->path, 0400, 0);

	snprintf(link, sizeof(link), "%s.link", f->path);
	assert_int_equal(symlink(f->path, link), 0);
	load_mode(f, link, 0620, -EPERM);
	load_mode(f, link, 0600, 0);
	if (geteuid() == 0) {
		/* Root trusts only root's files. */
		assert_int_equal(chown(f->path, 65534, 65534), 0);
		load_mode(f, f->path, 0644, -EPERM);
		assert_non_null(strstr(f->err, "(owner uid 65534, gid 65534, mode 0644)"));
		/* Group root may write. */
		assert_int_equal(chown(f->path, 0, 0), 0);
		load_mode(f, f->path, 0664, 0);
	}
	assert_int_equal(unlink(link), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
		T(test_defaults),
		T(test_empty_file),
		T(test_auditlog),
		T(test_later_file_keeps_earlier),
		T(test_execve_argv),
		T(test_execve_argv_errors),
		T(test_limit_bytes),
		T(test_limit_bytes_errors),
		T(test_sizes_rotation_netlink),
		T(test_read_acl_names),
		T(test_translate),
		T(test_comments),
		T(test_layout),
		T(test_line_numbers),
		T(test_not_supported),
		T(test_unknown),
		T(test_enrich),
		T(test_labels),
		T(test_syntax),
		T(test_long_line),
		T(test_huge_line),
		T(test_nul_byte),
		T(test_all_or_nothing),
		T(test_missing_file),
		T(test_directory),
		T(test_small_error_buffer),
		T(test_user_kernel_lost),
		T(test_trusted_rule),
		T(test_refuse_writable),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
