/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The record parser: one audit record's text -> struct record. Pure: no
 * I/O, no logging. Two front ends share the body parser:
 *  - record_parse_line(): a raw audit log line, as auditd writes it and
 *    audisp plugins receive it:
 *      [node=NAME ]type=NAME msg=audit(SEC.MSEC:SERIAL): k=v ...[\x1d K=V ...]
 *  - record_parse_netlink(): a netlink payload, "audit(SEC.MSEC:SERIAL): body",
 *    with the type taken from nlmsg_type.
 */

/* Identity of an event: the kernel's (timestamp, serial). */
struct event_id {
	uint64_t sec;
	uint32_t msec;
	uint64_t serial;
};

enum value_kind {
	VALUE_BARE,    /* unquoted token, e.g. 1000, c000003e, (null), 2F62 */
	VALUE_QUOTED,  /* "..." */
	VALUE_SQUOTED, /* '...' (user messages' msg=) */
	VALUE_BRACED,  /* { ... } */
	VALUE_NONE,    /* a bare word with no '=' (e.g. "tty" in TTY records) */
	VALUE_LIST,    /* AVC permission list "{ a b }": space-separated words */
};

/* Offsets and lengths into record->text. */
struct field {
	uint32_t key;
	uint32_t key_len;
	uint32_t val;
	uint32_t val_len;
	uint8_t kind;          /* enum value_kind */
	bool enriched;         /* came from auditd's ENRICHED tail (after 0x1d) */
};

struct record {
	int type;              /* numeric record type (AUDIT_SYSCALL...) */
	struct event_id id;
	uint32_t node;         /* node name: offset into text */
	uint32_t node_len;     /* 0: no node= prefix */
	uint32_t type_name;    /* offset into text of the type's name, as given */
	uint32_t type_name_len;
	size_t n_fields;
	size_t fields_dropped; /* fields beyond RECORD_MAX_FIELDS */
	size_t fields_duplicate; /* repeated keys skipped */
	struct field *fields;  /* points into the same allocation */
	char *text;            /* owned copy of the record's text, NUL-terminated */
	struct record *next;   /* for the assembler's lists; NULL when alone */
};

/* The text of a field's key and value. */
static inline const char *record_key(const struct record *r, const struct field *f)
{
	return r->text + f->key;
}

static inline const char *record_val(const struct record *r, const struct field *f)
{
	return r->text + f->val;
}

/* Finds the first field named KEY (exact, NUL-terminated); NULL if none. */
const struct field *record_find(const struct record *r, const char *key);

/*
 * Parses one raw audit log line (LEN bytes, no trailing newline needed,
 * may contain NUL bytes). Returns 0 and a new record in *RET (free with
 * record_free()), -EBADMSG if the line is not an audit record, -ENOMEM.
 */
int record_parse_line(const char *line, size_t len, struct record **ret);

/*
 * Parses a netlink audit payload of type TYPE: "audit(SEC.MSEC:SERIAL): body".
 * Same contract as record_parse_line().
 */
int record_parse_netlink(int type, const char *payload, size_t len, struct record **ret);

/* NULL-safe. Frees R only, not R->next. */
void record_free(struct record *r);

/* Record classes that drive event assembly. */
bool record_type_is_user(int type);       /* user-space message: no EOE follows */
bool record_type_is_object(int type);     /* one JSON object per event, not a list */

/*
 * The canonical name of TYPE for JSON keys ("SYSCALL", "MAC_TASK_CONTEXTS"),
 * or NULL if it has none (the caller writes "UNKNOWN[n]").
 */
const char *record_type_name(int type);

/* Same record type: by number, or by the name as written when unknown. */
bool record_same_type(const struct record *a, const struct record *b);

/*
 * The name R's type goes by in output ("SYSCALL", "MAC_TASK_CONTEXTS", a
 * name we do not know as written, or "UNKNOWN[n]"): LEN bytes at *RET,
 * which may point into R or into SCRATCH (at least 32 bytes).
 */
void record_type_label(const struct record *r, char *scratch, const char **ret, size_t *ret_len);

/* Compare two event IDs: <0, 0, >0. */
int event_id_cmp(const struct event_id *a, const struct event_id *b);

/*
 * Tokenizes R->text[START, END) (e.g. a user message's msg='...' value)
 * into OUT (MAX fields, offsets into R->text). Returns the number of
 * fields; *RET_IRREGULAR is true if the text was not plain k=v pairs.
 */
size_t record_tokenize_kv(const struct record *r, size_t start, size_t end, struct field *out, size_t max,
			  bool *ret_irregular);
