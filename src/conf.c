// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * conf: the configuration file, an INI file read with libinih that uses
 * LAUREL's section and key names, so a LAUREL config.toml ports with few
 * edits.
 *
 * Every key LAUREL has is in conf_keys[]. Keys auscribe implements have a
 * type and a field in struct conf; the others are rejected as "not
 * supported yet" instead of being ignored, so a ported file never loses a
 * setting without a word. Unknown sections and keys are errors too. The
 * first error stops the load; its message starts with "PATH:LINE: ".
 *
 * Debian's libinih calls the handler without a line number, so
 * conf_read_line() feeds ini_parse_stream() one physical line at a time
 * and counts them. The reader also
 *  - strips leading white space, so an indented line is never taken for a
 *    continuation of the previous value (inih's multi-line mode);
 *  - checks section headers, so an unknown section is an error even when
 *    it holds no keys, and lines inih would reject, so the first error is
 *    the one reported;
 *  - rejects lines inih would split (longer than its line buffer) or cut
 *    short (a NUL byte), which would throw the line count off.
 *
 * Values may be "double-quoted" (escapes \" \\ \t) or 'single-quoted'
 * (literal), as in TOML; list keys take comma-separated items, optionally
 * in [brackets]. A load is all or nothing: the file is read into a copy of
 * the configuration, which replaces the caller's only on success.
 */
#include "config.h"

#include "conf.h"

#include <assert.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ini.h>

#include "labels.h"

/*
 * Longest line read, indentation included, before the reader gives up.
 * inih's own buffer (200 bytes in Debian's build) limits what is left
 * once the indentation is stripped.
 */
#define CONF_MAX_RAW_LINE 4096

enum conf_type {
	CONF_TODO,	   /* LAUREL has it, auscribe does not yet: an error */
	CONF_STRING,	   /* char *; empty means unset (NULL) */
	CONF_PATH,	   /* char *; must not be empty */
	CONF_BOOL,	   /* bool */
	CONF_SIZE,	   /* size_t, a non-negative decimal integer */
	CONF_ARGV_FORMATS, /* execve-argv: a list of "array", "string" */
	CONF_NAMES,	   /* char *: user or group names, joined by ',' */
	CONF_LIST,	   /* char *: a list of words, joined by '\n'; replaces */
	CONF_LABEL_RULE,   /* a [label-process] regex table entry */
};

/*
 * A LAUREL TOML table (label-exe, [debug.inputlog], ...): may also be
 * written as a section [SECTION.NAME] or as dotted keys NAME.x = ... .
 */
#define CONF_TABLE 0x1u

struct conf_key {
	const char *section; /* "" for the top level */
	const char *name;
	enum conf_type type;
	unsigned int flags;
	size_t offset; /* of the field in struct conf; 0 for CONF_TODO */
};

#define KEY(s, n, t, field) { s, n, t, 0, offsetof(struct conf, field) }
#define TODO(s, n) { s, n, CONF_TODO, 0, 0 }
#define TODO_TABLE(s, n) { s, n, CONF_TODO, CONF_TABLE, 0 }
#define LABEL_TABLE(n) { "label-process", n, CONF_LABEL_RULE, CONF_TABLE, 0 }

/* The one keyword table: every key of LAUREL 0.8.2, in its order. */
static const struct conf_key conf_keys[] = {
	KEY("", "user", CONF_STRING, user),
	TODO("", "directory"),
	KEY("", "statusreport-period", CONF_SIZE, status_period),
	TODO("", "input"),
	TODO("", "marker"),

	KEY("auditlog", "file", CONF_PATH, auditlog_file),
	KEY("auditlog", "size", CONF_SIZE, auditlog_size),
	KEY("auditlog", "generations", CONF_SIZE, auditlog_generations),
	KEY("auditlog", "read-users", CONF_NAMES, auditlog_read_users),
	KEY("auditlog", "read-groups", CONF_NAMES, auditlog_read_groups),
	KEY("auditlog", "read-other", CONF_BOOL, auditlog_read_other),
	KEY("auditlog", "group", CONF_STRING, auditlog_group),
	KEY("auditlog", "line-prefix", CONF_STRING, line_prefix),

	TODO("filterlog", "file"),
	TODO("filterlog", "size"),
	TODO("filterlog", "generations"),
	TODO("filterlog", "read-users"),
	TODO("filterlog", "read-groups"),
	TODO("filterlog", "read-other"),
	TODO("filterlog", "line-prefix"),

	TODO("state", "file"),
	TODO("state", "generations"),
	TODO("state", "max-age"),
	TODO("state", "write-state-period"),

	TODO_TABLE("debug", "parse-error-log"),
	TODO_TABLE("debug", "inputlog"),

	KEY("transform", "execve-argv", CONF_ARGV_FORMATS, argv_array),
	KEY("transform", "execve-argv-limit-bytes", CONF_SIZE,
	    argv_limit_bytes),

	KEY("translate", "universal", CONF_BOOL, universal),
	KEY("translate", "user-db", CONF_BOOL, user_db),
	TODO("translate", "drop-raw"),

	KEY("enrich", "pid", CONF_BOOL, enrich_pid),
	KEY("enrich", "ppid-verbose", CONF_BOOL, ppid_verbose),
	KEY("enrich", "spawned-by", CONF_BOOL, spawned_by),
	KEY("enrich", "execve-env", CONF_LIST, execve_env),
	KEY("enrich", "container", CONF_BOOL, enrich_container),
	TODO("enrich", "container_info"),
	KEY("enrich", "systemd", CONF_BOOL, enrich_systemd),
	KEY("enrich", "script", CONF_BOOL, enrich_script),
	KEY("enrich", "uid-groups", CONF_BOOL, uid_groups),
	TODO("enrich", "prefix"),
	TODO("enrich", "exe-hash"),
	TODO("enrich", "exe-hash-size-limit"),
	TODO("enrich", "exe-hash-cache-entries"),

	KEY("label-process", "label-keys", CONF_LIST, label_keys),
	LABEL_TABLE("label-exe"),
	LABEL_TABLE("unlabel-exe"),
	LABEL_TABLE("label-argv"),
	LABEL_TABLE("unlabel-argv"),
	KEY("label-process", "label-argv-count", CONF_SIZE, label_argv_count),
	KEY("label-process", "label-argv-bytes", CONF_SIZE, label_argv_bytes),
	LABEL_TABLE("label-script"),
	LABEL_TABLE("unlabel-script"),
	KEY("label-process", "propagate-labels", CONF_LIST, propagate_labels),

	TODO("filter", "filter-keys"),
	TODO("filter", "filter-labels"),
	TODO("filter", "filter-null-keys"),
	TODO("filter", "filter-raw-lines"),
	TODO("filter", "filter-sockaddr"),
	TODO("filter", "keep-first-per-process"),
	TODO("filter", "filter-action"),

	/* auscribe's own: process enrichment beyond LAUREL's. */
	KEY("enrich", "ancestors", CONF_SIZE, ancestors),
	KEY("enrich", "max-processes", CONF_SIZE, max_processes),
	KEY("enrich", "proc-root", CONF_PATH, proc_root),

	/* auscribe's own: the live kernel input. */
	KEY("netlink", "receive-buffer", CONF_SIZE, netlink_rcvbuf),
	KEY("netlink", "event-timeout", CONF_SIZE, event_timeout_ms),
	KEY("netlink", "kernel-lost-counter", CONF_BOOL, kernel_lost_counter),
};

/* The state of one conf_load(). */
struct conf_parser {
	struct conf *conf; /* the copy being filled */
	const char *path;
	FILE *file;
	char raw[CONF_MAX_RAW_LINE]; /* the line being read */
	unsigned int lineno;	     /* of the line inih works on */

	int err; /* the first error, or 0; stops the reader */
	unsigned int err_line;
	char *msg; /* the caller's RET_ERR */
	size_t msg_size;

	const struct conf_key *argv_key; /* the first execve-argv, which */
	unsigned int argv_line;		 /* replaced the earlier value */

	struct labels *labels; /* the rules so far, compiled to check them */
};

typedef int (*conf_item_fn)(struct conf_parser *p, const struct conf_key *k,
			    const char *item);

static bool conf_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

static const char *conf_skip_space(const char *s)
{
	while (conf_is_space(*s))
		s++;
	return s;
}

static bool conf_eq(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && memcmp(s, word, len) == 0;
}

static const struct conf_key *conf_lookup(const char *section,
					  size_t section_len, const char *name,
					  size_t name_len)
{
	for (size_t i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		const struct conf_key *k = &conf_keys[i];

		if (conf_eq(section, section_len, k->section) &&
		    conf_eq(name, name_len, k->name))
			return k;
	}
	return NULL;
}

/* The top level ("") is not a section: it has no header. */
static bool conf_section_known(const char *name, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++)
		if (conf_eq(name, len, conf_keys[i].section))
			return true;
	return false;
}

/*
 * Records the first error: "PATH:LINE: [SECTION] KEY: message", without
 * LINE when it is 0 and without the key when K is NULL. Returns ERR, or the
 * earlier error if there was one.
 */
__attribute__((format(printf, 5, 0))) static int
conf_verror(struct conf_parser *p, int err, unsigned int line,
	    const struct conf_key *k, const char *fmt, va_list ap)
{
	size_t n = 0;
	int w;

	if (p->err)
		return p->err;
	p->err = err;
	p->err_line = line;
	if (p->msg_size == 0)
		return err;

	if (line)
		w = snprintf(p->msg, p->msg_size, "%s:%u: ", p->path, line);
	else
		w = snprintf(p->msg, p->msg_size, "%s: ", p->path);
	n = w > 0 ? (size_t)w : 0;
	if (k && n < p->msg_size) {
		w = snprintf(p->msg + n, p->msg_size - n, "%s%s%s%s: ",
			     *k->section ? "[" : "", k->section,
			     *k->section ? "] " : "", k->name);
		n += w > 0 ? (size_t)w : 0;
	}
	if (n < p->msg_size)
		vsnprintf(p->msg + n, p->msg_size - n, fmt, ap);
	return err;
}

__attribute__((format(printf, 5, 6))) static int
conf_error(struct conf_parser *p, int err, unsigned int line,
	   const struct conf_key *k, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = conf_verror(p, err, line, k, fmt, ap);
	va_end(ap);
	return r;
}

/* A bad file at the current line; K (may be NULL) names the key. */
__attribute__((format(printf, 3, 4))) static int
conf_fail(struct conf_parser *p, const struct conf_key *k, const char *fmt,
	  ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = conf_verror(p, -EINVAL, p->lineno, k, fmt, ap);
	va_end(ap);
	return r;
}

/* An error that is not the file's fault: "PATH[:LINE]: strerror". */
static int conf_fail_errno(struct conf_parser *p, int err)
{
	return conf_error(p, err, p->lineno, NULL, "%s", strerror(-err));
}

/* White space, or a '#' comment: what may follow a quoted value or a list. */
static bool conf_at_end(const char *s)
{
	s = conf_skip_space(s);
	return *s == '\0' || *s == '#';
}

/*
 * Reads one value at *POS into OUT, which has room for strlen(*POS) + 1
 * bytes: a "basic" string (escapes \" \\ \t), a 'literal' string, or bare
 * text up to the end or, in a list, up to the next ',' (or ']' when
 * BRACKETED), trailing white space trimmed. Leaves *POS after the value.
 * Returns NULL, or what is wrong with the value.
 */
static const char *conf_scan_item(const char **pos, bool in_list,
				  bool bracketed, char *out)
{
	const char *s = conf_skip_space(*pos);
	char *o = out;

	if (*s == '"') {
		for (s++; *s != '"'; s++) {
			if (!*s)
				return "has no closing quote";
			if (*s != '\\') {
				*o++ = *s;
				continue;
			}
			s++;
			if (*s == '"' || *s == '\\')
				*o++ = *s;
			else if (*s == 't')
				*o++ = '\t';
			else
				return "has an unknown escape (only \\\", \\\\, \\t)";
		}
		s++;
	} else if (*s == '\'') {
		for (s++; *s != '\''; s++) {
			if (!*s)
				return "has no closing quote";
			*o++ = *s;
		}
		s++;
	} else {
		char *end = o;

		for (; *s; s++) {
			if (in_list && (*s == ',' || (bracketed && *s == ']')))
				break;
			*o++ = *s;
			if (!conf_is_space(*s))
				end = o;
		}
		o = end;
	}
	*o = '\0';
	*pos = s;
	return NULL;
}

/* One value, quotes removed, into OUT (room for strlen(VALUE) + 1). */
static int conf_scalar(struct conf_parser *p, const struct conf_key *k,
		       const char *value, char *out)
{
	const char *s = value;
	const char *why;

	if (*value == '[')
		return conf_fail(p, k, "'%s' is a list, expected one value",
				 value);
	why = conf_scan_item(&s, false, false, out);
	if (!why && !conf_at_end(s))
		why = "has text after the closing quote";
	if (why)
		return conf_fail(p, k, "'%s' %s", value, why);
	return 0;
}

/*
 * A list: "a, b", "[a, b]" or '["a", "b"]'; items may be quoted. Calls FN
 * for each item, in OUT (room for strlen(VALUE) + 1). An empty value and
 * "[]" are empty lists; inside brackets a trailing comma is allowed.
 */
static int conf_list(struct conf_parser *p, const struct conf_key *k,
		     const char *value, char *out, conf_item_fn fn)
{
	const char *s = conf_skip_space(value);
	const char *why = NULL;
	bool bracketed = *s == '[';
	int r;

	if (bracketed)
		s++;
	else if (!*s)
		return 0;
	for (;;) {
		const char *item;

		s = conf_skip_space(s);
		if (bracketed && *s == ']')
			break;
		item = s;
		why = conf_scan_item(&s, true, bracketed, out);
		if (why)
			break;
		if (!*out && *item != '"' && *item != '\'') {
			why = "has an empty item";
			break;
		}
		r = fn(p, k, out);
		if (r < 0)
			return r;
		s = conf_skip_space(s);
		if (*s == ',') {
			s++;
			continue;
		}
		if (bracketed ? *s == ']' : conf_at_end(s))
			break;
		why = *s ? "has text after a quoted item" :
			   "has no closing ']'";
		break;
	}
	if (!why && bracketed && !conf_at_end(s + 1))
		why = "has text after the closing ']'";
	if (why)
		return conf_fail(p, k, "'%s' %s", value, why);
	return 0;
}

static int conf_parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

/*
 * Decimal digits; '_' may separate two digits, as in TOML (1_000_000);
 * a final K, M or G multiplies by 1024, 1024^2 or 1024^3.
 */
static int conf_parse_size(const char *s, size_t *ret)
{
	size_t v = 0, mult = 1, len = strlen(s);
	char digits[64];

	if (len && strchr("KMG", s[len - 1])) {
		mult = s[len - 1] == 'K' ? 1024u : s[len - 1] == 'M' ? 1024u * 1024 : 1024u * 1024 * 1024;
		if (len - 1 >= sizeof(digits))
			return -ERANGE;
		memcpy(digits, s, len - 1);
		digits[len - 1] = '\0';
		s = digits;
	}
	if (!*s)
		return -EINVAL;
	for (const char *c = s; *c; c++) {
		unsigned int d;

		if (*c == '_' && c > s && c[-1] >= '0' && c[-1] <= '9' &&
		    c[1] >= '0' && c[1] <= '9')
			continue;
		if (*c < '0' || *c > '9')
			return -EINVAL;
		d = (unsigned int)(*c - '0');
		if (v > (SIZE_MAX - d) / 10)
			return -ERANGE;
		v = v * 10 + d;
	}
	if (v > SIZE_MAX / mult)
		return -ERANGE;
	*ret = v * mult;
	return 0;
}

static int conf_add_argv_format(struct conf_parser *p,
				const struct conf_key *k, const char *item)
{
	if (strcmp(item, "array") == 0)
		p->conf->argv_array = true;
	else if (strcmp(item, "string") == 0)
		p->conf->argv_string = true;
	else
		return conf_fail(p, k, "'%s' is not one of 'array', 'string'",
				 item);
	return 0;
}

/* Appends ITEM to K's SEP-joined string list. */
static int conf_append(struct conf_parser *p, const struct conf_key *k, const char *item, char sep)
{
	char **field = (char **)(void *)((char *)p->conf + k->offset);
	size_t old = *field ? strlen(*field) : 0;
	char *joined;

	joined = realloc(*field, old + strlen(item) + 2);
	if (!joined)
		return conf_fail_errno(p, -ENOMEM);
	if (old)
		joined[old++] = sep;
	strcpy(joined + old, item);
	*field = joined;
	return 0;
}

/* A user or group name for an ACL: appended to the ','-joined list. */
static int conf_add_name(struct conf_parser *p, const struct conf_key *k, const char *item)
{
	if (!*item || strspn(item, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-$") !=
			      strlen(item))
		return conf_fail(p, k, "'%s' is not a user or group name", item);
	return conf_append(p, k, item, ',');
}

/* A word of a CONF_LIST: appended to the '\n'-joined list. */
static int conf_add_word(struct conf_parser *p, const struct conf_key *k, const char *item)
{
	if (!*item || strchr(item, '\n'))
		return conf_fail(p, k, "'%s' is not a valid item", item);
	return conf_append(p, k, item, '\n');
}

/* The subject and direction of a label table key ("unlabel-argv"). */
static void conf_label_kind(const struct conf_key *k, int *ret_subject, bool *ret_unlabel)
{
	const char *n = k->name;

	*ret_unlabel = strncmp(n, "unlabel-", 8) == 0;
	n += *ret_unlabel ? 8 : 6;
	*ret_subject = strcmp(n, "exe") == 0 ? LABEL_EXE : strcmp(n, "argv") == 0 ? LABEL_ARGV : LABEL_SCRIPT;
}

/*
 * One label table entry: ENTRY (the regex, as written after the dot or in
 * the [label-process.label-exe] section, maybe quoted) = VALUE (the label).
 * The regex is compiled here, so a bad one is reported with its line.
 */
static int conf_add_label_rule(struct conf_parser *p, const struct conf_key *k, const char *entry,
			       const char *value)
{
	struct conf_label_rule rule = { 0 }, *rules;
	char *regex = NULL, *label = NULL, err[256];
	int r;

	regex = malloc(strlen(entry) + 1);
	label = malloc(strlen(value) + 1);
	if (!regex || !label) {
		r = conf_fail_errno(p, -ENOMEM);
		goto out;
	}
	r = conf_scalar(p, k, entry, regex);
	if (r < 0)
		goto out;
	r = conf_scalar(p, k, value, label);
	if (r < 0)
		goto out;
	if (!*regex || !*label) {
		r = conf_fail(p, k, "expected '%s.REGEX = LABEL'", k->name);
		goto out;
	}
	conf_label_kind(k, &rule.subject, &rule.unlabel);
	if (!p->labels && !(p->labels = labels_new())) {
		r = conf_fail_errno(p, -ENOMEM);
		goto out;
	}
	r = labels_add_rule(p->labels, rule.subject, rule.unlabel, label, regex, err, sizeof(err));
	if (r == -EINVAL) {
		r = conf_fail(p, k, "'%s': %s", regex, err);
		goto out;
	} else if (r == -ENOSPC) {
		r = conf_fail(p, k, "too many labels or rules (at most %d labels)", LABELS_MAX);
		goto out;
	} else if (r < 0) {
		r = conf_fail_errno(p, r);
		goto out;
	}
	rules = realloc(p->conf->label_rules, (p->conf->n_label_rules + 1) * sizeof(*rules));
	if (!rules) {
		r = conf_fail_errno(p, -ENOMEM);
		goto out;
	}
	p->conf->label_rules = rules;
	rule.regex = regex;
	rule.label = label;
	rules[p->conf->n_label_rules++] = rule;
	return 0;
out:
	free(regex);
	free(label);
	return r;
}

static int conf_set_string(struct conf_parser *p, const struct conf_key *k,
			   const char *value, char *out, char **field)
{
	char *copy = NULL;
	int r;

	r = conf_scalar(p, k, value, out);
	if (r < 0)
		return r;
	if (*out) {
		copy = strdup(out);
		if (!copy)
			return conf_fail_errno(p, -ENOMEM);
	} else if (k->type == CONF_PATH) {
		return conf_fail(p, k, "empty value");
	}
	free(*field);
	*field = copy;
	return 0;
}

static int conf_set(struct conf_parser *p, const struct conf_key *k,
		    const char *value)
{
	void *field = (char *)p->conf + k->offset;
	char *out;
	int r;

	out = malloc(strlen(value) + 1);
	if (!out)
		return conf_fail_errno(p, -ENOMEM);

	switch (k->type) {
	case CONF_TODO:
		r = conf_fail(p, k, "not supported yet");
		break;
	case CONF_STRING:
	case CONF_PATH:
		r = conf_set_string(p, k, value, out, field);
		break;
	case CONF_BOOL:
		r = conf_scalar(p, k, value, out);
		if (r == 0 && conf_parse_bool(out, field) < 0)
			r = conf_fail(p, k,
				      "'%s' is not a boolean (true/false, yes/no, on/off, 1/0)",
				      out);
		break;
	case CONF_SIZE:
		r = conf_scalar(p, k, value, out);
		if (r < 0)
			break;
		r = conf_parse_size(out, field);
		if (r == -ERANGE)
			r = conf_fail(p, k, "'%s' is out of range", out);
		else if (r < 0)
			r = conf_fail(p, k,
				      "'%s' is not a non-negative integer",
				      out);
		break;
	case CONF_NAMES:
		r = conf_list(p, k, value, out, conf_add_name);
		break;
	case CONF_LIST: {
		/* A list is assigned whole, as in TOML: the last one counts. */
		char **list = (char **)field;

		free(*list);
		*list = NULL;
		r = conf_list(p, k, value, out, conf_add_word);
		break;
	}
	case CONF_LABEL_RULE:
		r = conf_fail(p, k, "expected '%s.REGEX = LABEL'", k->name);
		break;
	case CONF_ARGV_FORMATS:
		/* The file's first execve-argv replaces; later ones add. */
		if (!p->argv_key) {
			p->argv_key = k;
			p->argv_line = p->lineno;
			p->conf->argv_array = false;
			p->conf->argv_string = false;
		}
		r = conf_list(p, k, value, out, conf_add_argv_format);
		break;
	default:
		assert(!"unknown conf_type");
		r = -EINVAL;
	}
	free(out);
	return r;
}

/* The ini_handler: returns nonzero on success, as inih wants. */
static int conf_handle(void *user, const char *section, const char *name,
		       const char *value)
{
	struct conf_parser *p = user;
	const struct conf_key *k;
	const char *dot;

	if (p->err)
		return 0;
	if (!*name) {
		conf_fail(p, NULL, "missing key name");
		return 0;
	}
	dot = strchr(section, '.');
	if (dot) {
		/* In a table's section: [label-process.label-exe] 'REGEX' = LABEL */
		k = conf_lookup(section, (size_t)(dot - section), dot + 1, strlen(dot + 1));
		assert(k && (k->flags & CONF_TABLE) && k->type == CONF_LABEL_RULE);
		return conf_add_label_rule(p, k, name, value ? value : "") == 0;
	}
	k = conf_lookup(section, strlen(section), name, strlen(name));
	dot = strchr(name, '.');
	if (!k && dot) {
		/* A TOML dotted key into a table: label-exe.'^/bin/x' = ... */
		k = conf_lookup(section, strlen(section), name,
				(size_t)(dot - name));
		if (k && !(k->flags & CONF_TABLE))
			k = NULL;
		if (k && k->type == CONF_LABEL_RULE)
			return conf_add_label_rule(p, k, dot + 1, value ? value : "") == 0;
	}
	if (!k) {
		if (*section)
			conf_fail(p, NULL, "unknown key '%s' in [%s]", name,
				  section);
		else
			conf_fail(p, NULL, "unknown key '%s' at the top level",
				  name);
		return 0;
	}
	return conf_set(p, k, value ? value : "") == 0;
}

/* "[name]", with nothing but a comment after it. */
static int conf_check_section(struct conf_parser *p, const char *s)
{
	const char *name = s + 1;
	const char *close = strchr(name, ']');
	const struct conf_key *k;
	const char *dot, *rest;
	size_t len;

	if (!close)
		return conf_fail(p, NULL, "missing ']' after section name");
	len = (size_t)(close - name);
	if (!conf_section_known(name, len)) {
		/* A LAUREL subtable such as [label-process.label-exe]. */
		dot = memchr(name, '.', len);
		k = !dot ? NULL :
			   conf_lookup(name, (size_t)(dot - name), dot + 1,
				       (size_t)(close - dot - 1));
		if (k && (k->flags & CONF_TABLE) && k->type == CONF_TODO)
			return conf_fail(p, k, "not supported yet");
		if (k && (k->flags & CONF_TABLE))
			goto known;
		return conf_fail(p, NULL, "unknown section [%.*s]", (int)len,
				 name);
	}
known:
	rest = conf_skip_space(close + 1);
	if (*rest && *rest != '#' && *rest != ';')
		return conf_fail(p, NULL, "unexpected '%s' after [%.*s]", rest,
				 (int)len, name);
	return 0;
}

/*
 * What inih would reject, checked here so the first error is the one
 * reported: a line is blank, a comment, a section header, or has '=' or
 * ':' before any inline comment (white space, then ';').
 */
static int conf_check_line(struct conf_parser *p, const char *s)
{
	if (!*s || *s == ';' || *s == '#')
		return 0;
	if (*s == '[')
		return conf_check_section(p, s);
	for (const char *c = s; *c; c++) {
		if (*c == '=' || *c == ':')
			return 0;
		if (*c == ';' && c > s && conf_is_space(c[-1]))
			break;
	}
	return conf_fail(p, NULL,
			 "expected '[section]', 'key = value' or a comment");
}

/*
 * The ini_reader: hands inih one physical line in STR (NUM bytes), without
 * its leading white space and line end. Returns NULL at the end of the
 * file and after any error, which ends the parse.
 */
static char *conf_read_line(char *str, int num, void *stream)
{
	struct conf_parser *p = stream;
	bool too_long = false;
	size_t n = 0;
	char *s, *end;
	int ch;

	if (p->err)
		return NULL;
	errno = 0;
	while ((ch = getc(p->file)) != EOF && ch != '\n') {
		if (n == sizeof(p->raw) - 1) {
			too_long = true;
			break;
		}
		p->raw[n++] = (char)ch;
	}
	if (ch == EOF && ferror(p->file)) {
		ch = errno > 0 ? errno : EIO;
		conf_error(p, -ch, 0, NULL, "%s", strerror(ch));
		return NULL;
	}
	if (ch == EOF && n == 0)
		return NULL;
	p->lineno++;
	s = p->raw;
	end = s + n;
	*end = '\0';
	if (memchr(s, '\0', n)) {
		conf_fail(p, NULL, "NUL byte in line");
		return NULL;
	}
	while (end > s && end[-1] == '\r')
		*--end = '\0';
	if (p->lineno == 1 && strncmp(s, "\xEF\xBB\xBF", 3) == 0)
		s += 3; /* UTF-8 byte order mark */
	while (conf_is_space(*s))
		s++;
	if (too_long || end - s >= num) {
		conf_fail(p, NULL, "line longer than %d bytes", num - 1);
		return NULL;
	}
	if (conf_check_line(p, s) < 0)
		return NULL;
	memcpy(str, s, (size_t)(end - s) + 1);
	return str;
}

static bool conf_is_string(const struct conf_key *k)
{
	return k->type == CONF_STRING || k->type == CONF_PATH || k->type == CONF_NAMES || k->type == CONF_LIST;
}

static char **conf_string_field(struct conf *c, const struct conf_key *k)
{
	return (void *)((char *)c + k->offset);
}

/* Frees the strings C owns, not C. */
static void conf_done(struct conf *c)
{
	for (size_t i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		if (conf_is_string(&conf_keys[i])) {
			char **field = conf_string_field(c, &conf_keys[i]);

			free(*field);
			*field = NULL;
		}
	}
	for (size_t i = 0; i < c->n_label_rules; i++) {
		free(c->label_rules[i].regex);
		free(c->label_rules[i].label);
	}
	free(c->label_rules);
	c->label_rules = NULL;
	c->n_label_rules = 0;
}

/* A deep copy of SRC into DST; on OOM, DST holds nothing to free. */
static int conf_copy(struct conf *dst, struct conf *src)
{
	const size_t n = sizeof(conf_keys) / sizeof(conf_keys[0]);

	*dst = *src;
	for (size_t i = 0; i < n; i++)
		if (conf_is_string(&conf_keys[i]))
			*conf_string_field(dst, &conf_keys[i]) = NULL;
	dst->label_rules = NULL;
	dst->n_label_rules = 0;
	if (src->n_label_rules) {
		dst->label_rules = calloc(src->n_label_rules, sizeof(*dst->label_rules));
		if (!dst->label_rules)
			return -ENOMEM;
		dst->n_label_rules = src->n_label_rules;
		for (size_t i = 0; i < src->n_label_rules; i++) {
			dst->label_rules[i] = src->label_rules[i];
			dst->label_rules[i].regex = strdup(src->label_rules[i].regex);
			dst->label_rules[i].label = strdup(src->label_rules[i].label);
			if (!dst->label_rules[i].regex || !dst->label_rules[i].label) {
				conf_done(dst);
				return -ENOMEM;
			}
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct conf_key *k = &conf_keys[i];
		char *from;

		if (!conf_is_string(k))
			continue;
		from = *conf_string_field(src, k);
		if (!from)
			continue;
		*conf_string_field(dst, k) = strdup(from);
		if (!*conf_string_field(dst, k)) {
			conf_done(dst);
			return -ENOMEM;
		}
	}
	return 0;
}

struct conf *conf_new(void)
{
	struct conf *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	/* LAUREL's defaults; the rest is false, 0 or NULL. */
	c->argv_array = true;
	c->argv_string = false;
	c->argv_limit_bytes = 0;
	c->universal = false;
	c->user_db = false;
	c->netlink_rcvbuf = CONF_DEFAULT_NETLINK_RCVBUF;
	c->status_period = CONF_DEFAULT_STATUS_PERIOD;
	c->event_timeout_ms = CONF_DEFAULT_EVENT_TIMEOUT_MS;
	c->enrich_pid = true;
	c->ppid_verbose = true;
	c->spawned_by = true;
	c->enrich_container = true;
	c->enrich_systemd = true;
	c->enrich_script = true;
	c->uid_groups = true;
	c->ancestors = CONF_DEFAULT_ANCESTORS;
	c->max_processes = CONF_DEFAULT_MAX_PROCESSES;
	c->label_argv_count = 32;
	c->label_argv_bytes = 4096;
	c->execve_env = strdup("LD_PRELOAD\nLD_LIBRARY_PATH");
	if (!c->execve_env) {
		free(c);
		return NULL;
	}
	return c;
}

void conf_free(struct conf *c)
{
	if (!c)
		return;
	conf_done(c);
	free(c);
}

/*
 * A configuration names the user the daemon becomes and the files it
 * writes: whoever can change it runs code as root in effect. So only root
 * (or, for a daemon that is not root, the user it runs as) may be able to
 * write it. Group write is allowed for group root (gid 0) only: its
 * members are root in all but name (and a checkout made with umask 002
 * is 0664 root:root). A symbolic link is judged by the file it leads to;
 * the directories above it are the administrator's business.
 */
int conf_file_trusted(const struct stat *st, uid_t euid)
{
	if ((st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0))
		return -EPERM;
	if (st->st_uid != 0 && (euid == 0 || st->st_uid != euid))
		return -EPERM;
	return 0;
}

/* conf_file_trusted() on the open file, with the error message. */
static int conf_check_trusted(struct conf_parser *p)
{
	struct stat st;
	uid_t euid = geteuid();

	if (fstat(fileno(p->file), &st) < 0)
		return conf_fail_errno(p, -errno);
	if (conf_file_trusted(&st, euid) == 0)
		return 0;
	if (euid == 0)
		return conf_error(p, -EPERM, 0, NULL,
				  "refusing a configuration file that others than root may write (owner uid %u, "
				  "gid %u, mode %04o): it must be owned by root and writable by nobody else (group write only "
				  "for group root)",
				  (unsigned int)st.st_uid, (unsigned int)st.st_gid, (unsigned int)(st.st_mode & 07777));
	return conf_error(p, -EPERM, 0, NULL,
			  "refusing a configuration file that others than root or uid %u may write (owner uid "
			  "%u, gid %u, mode %04o): it must be owned by one of them and writable by nobody else (group "
			  "write only for group root)",
			  (unsigned int)euid, (unsigned int)st.st_uid, (unsigned int)st.st_gid,
			  (unsigned int)(st.st_mode & 07777));
}

int conf_load(struct conf *c, const char *path, char *ret_err, size_t errlen)
{
	struct conf_parser p = {
		.path = path,
		.msg = ret_err,
		.msg_size = errlen,
	};
	struct conf next;
	int r;

	assert(c);
	assert(path);
	if (errlen > 0)
		ret_err[0] = '\0';

	p.file = fopen(path, "re");
	if (!p.file)
		return conf_fail_errno(&p, -errno);
	r = conf_check_trusted(&p);
	if (r < 0) {
		fclose(p.file);
		return r;
	}
	r = conf_copy(&next, c);
	if (r < 0) {
		fclose(p.file);
		return conf_fail_errno(&p, r);
	}
	p.conf = &next;

	r = ini_parse_stream(conf_read_line, &p, conf_handle, &p);
	if (r > 0 && (!p.err || (unsigned int)r < p.err_line)) {
		/* inih found an error before ours (should not happen). */
		p.err = 0;
		conf_error(&p, -EINVAL, (unsigned int)r, NULL, "syntax error");
	} else if (r < 0) {
		conf_fail_errno(&p, -ENOMEM);
	}
	if (!p.err && p.argv_key && !next.argv_array && !next.argv_string)
		conf_error(&p, -EINVAL, p.argv_line, p.argv_key,
			   "empty list, expected 'array' and/or 'string'");

	labels_free(p.labels);
	if (p.err) {
		conf_done(&next);
	} else {
		conf_done(c);
		*c = next;
	}
	fclose(p.file);
	return p.err;
}

int conf_split_list(const char *list, char ***ret, size_t *ret_n)
{
	size_t n = 0, len = list ? strlen(list) : 0;
	char **v, *copy;

	for (size_t i = 0; i < len; i++)
		n += list[i] == '\n';
	n += len > 0;
	/* One allocation: the pointers, then a copy of the text. */
	v = malloc((n + 1) * sizeof(*v) + len + 1);
	if (!v)
		return -ENOMEM;
	copy = (char *)(v + n + 1);
	memcpy(copy, list ? list : "", len + 1);
	n = 0;
	for (char *s = copy; len && s;) {
		char *nl = strchr(s, '\n');

		v[n++] = s;
		if (nl)
			*nl++ = '\0';
		s = nl;
	}
	v[n] = NULL;
	*ret = v;
	*ret_n = n;
	return 0;
}
