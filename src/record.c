// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * record: the audit record parser. Pure: no I/O, no logging, no state.
 *
 * A record is copied once into a single allocation (struct, field array,
 * text) and tokenized in one pass; fields are offsets into the copy, so the
 * assembler can keep records without further copies. Values are not
 * decoded here: typing and decoding happen once, at output (json.c).
 *
 * The body is "k=v k=v ...", with irregular forms the kernel and user
 * space really produce:
 *  - values: bare, "quoted", 'quoted' (user messages' msg=), { braced };
 *  - auditd's ENRICHED tail after a 0x1d byte (fields marked enriched);
 *  - SELinux "avc:  denied  { perm ... } for  k=v ...";
 *  - bare words: "tty pid=..." (TTY), "netlabel: ..." -> a key without a
 *    value; a word after a bare value continues it, as in AppArmor's
 *    "subj=/usr/bin/man (enforce)" or auditd's "SADDR=unknown family".
 * Repeated keys are kept once (the first); the rest are counted.
 *
 * Limits: RECORD_MAX_FIELDS fields per record, the rest counted and dropped.
 */
#include "config.h"

#include "record.h"

#include <errno.h>
#include <libaudit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keyset.h"

struct msgtab_entry {
	int type;
	const char *name;
};
#include "msgtab.inc"

/*
 * Fields kept per record. The kernel caps an EXECVE record's arguments at
 * about 7.5 kB (MAX_EXECVE_AUDIT_LEN), i.e. at most ~1500 "aN=x" fields.
 */
#define RECORD_MAX_FIELDS 4096

/* Bytes searched past a '}' for the one that balances the braces: auditd's
 * braced values (SADDR={ ... }) are a few hundred bytes at most. */
#define RECORD_BRACE_LOOKAHEAD 512

/* Longest type name we accept ("UNKNOWN[1234]", "USER_ROLE_CHANGE"...). */
#define RECORD_MAX_TYPE_NAME 64

#define GS '\x1d'

static bool is_sep(char c)
{
	return c == ' ' || c == GS;
}

const struct field *record_find(const struct record *r, const char *key)
{
	size_t len = strlen(key);

	for (size_t i = 0; i < r->n_fields; i++) {
		const struct field *f = &r->fields[i];

		if (f->key_len == len && memcmp(r->text + f->key, key, len) == 0)
			return f;
	}
	return NULL;
}

int event_id_cmp(const struct event_id *a, const struct event_id *b)
{
	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->msec != b->msec)
		return a->msec < b->msec ? -1 : 1;
	if (a->serial != b->serial)
		return a->serial < b->serial ? -1 : 1;
	return 0;
}

/* Parses decimal digits at S[*I]; false if none or on overflow. */
static bool parse_u64(const char *s, size_t len, size_t *i, uint64_t *ret)
{
	uint64_t v = 0;
	size_t start = *i;

	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		unsigned d = (unsigned)(s[*i] - '0');

		if (v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
		(*i)++;
	}
	*ret = v;
	return *i > start;
}

/* "audit(SEC.MSEC:SERIAL):" at S[*I], then spaces. */
static bool parse_stamp(const char *s, size_t len, size_t *i, struct event_id *id)
{
	uint64_t msec;

	if (len - *i < 6 || memcmp(s + *i, "audit(", 6) != 0)
		return false;
	*i += 6;
	if (!parse_u64(s, len, i, &id->sec) || *i >= len || s[*i] != '.')
		return false;
	(*i)++;
	if (!parse_u64(s, len, i, &msec) || msec > 999 || *i >= len || s[*i] != ':')
		return false;
	id->msec = (uint32_t)msec;
	(*i)++;
	if (!parse_u64(s, len, i, &id->serial) || len - *i < 2 || s[*i] != ')' || s[*i + 1] != ':')
		return false;
	*i += 2;
	while (*i < len && s[*i] == ' ')
		(*i)++;
	return true;
}

bool record_type_is_user(int type)
{
	return type == AUDIT_USER || (type >= AUDIT_FIRST_USER_MSG && type < AUDIT_FIRST_EVENT) ||
	       (type >= AUDIT_FIRST_USER_MSG2 && type <= AUDIT_LAST_USER_MSG2);
}

bool record_type_is_object(int type)
{
	switch (type) {
	case AUDIT_SYSCALL:
	case AUDIT_EXECVE:
	case AUDIT_CWD:
	case AUDIT_PROCTITLE:
		return true;
	case AUDIT_LOGIN:
		return false;
	}
	/* LAUREL: user-space types (outside 1300-2099) are objects. */
	return type > 0 && (type < AUDIT_FIRST_EVENT || type >= AUDIT_FIRST_USER_MSG2);
}

static int msgtab_cmp(const void *key, const void *elem)
{
	int t = *(const int *)key, e = ((const struct msgtab_entry *)elem)->type;

	return t < e ? -1 : t > e;
}

/*
 * Names come from the message dictionary (data/), which knows types newer
 * than the installed libaudit (MAC_TASK_CONTEXTS, 1420); libaudit fills in
 * the rest.
 */
const char *record_type_name(int type)
{
	const struct msgtab_entry *e;

	if (type <= 0)
		return NULL;
	e = bsearch(&type, msgtab, sizeof(msgtab) / sizeof(msgtab[0]), sizeof(msgtab[0]), msgtab_cmp);
	return e ? e->name : audit_msg_type_to_name(type);
}

bool record_same_type(const struct record *a, const struct record *b)
{
	if (a->type != b->type)
		return false;
	if (a->type >= 0)
		return true;
	return a->type_name_len == b->type_name_len &&
	       memcmp(a->text + a->type_name, b->text + b->type_name, a->type_name_len) == 0;
}

void record_type_label(const struct record *r, char *scratch, const char **ret, size_t *ret_len)
{
	const char *name = record_type_name(r->type);

	if (!name && r->type_name_len &&
	    !(r->type_name_len > 8 && memcmp(r->text + r->type_name, "UNKNOWN[", 8) == 0)) {
		*ret = r->text + r->type_name;
		*ret_len = r->type_name_len;
		return;
	}
	if (!name) {
		snprintf(scratch, 32, "UNKNOWN[%d]", r->type);
		name = scratch;
	}
	*ret = name;
	*ret_len = strlen(name);
}

/* The type from its name: "SYSCALL" or "UNKNOWN[1420]"; -1 if unknown. */
static int type_from_name(const char *s, size_t len)
{
	char name[RECORD_MAX_TYPE_NAME + 1];
	size_t i = 8;
	uint64_t v;
	int t;

	if (len >= 8 && memcmp(s, "UNKNOWN[", 8) == 0) {
		if (len < 10 || s[len - 1] != ']' || !parse_u64(s, len - 1, &i, &v) || i != len - 1 ||
		    v == 0 || v > 65535)
			return -1;
		return (int)v;
	}
	if (len == 0 || len > RECORD_MAX_TYPE_NAME || memchr(s, '\0', len))
		return -1;
	memcpy(name, s, len);
	name[len] = '\0';
	t = audit_name_to_msg_type(name);
	if (t > 0)
		return t;
	for (size_t j = 0; j < sizeof(msgtab) / sizeof(msgtab[0]); j++)
		if (strcmp(msgtab[j].name, name) == 0)
			return msgtab[j].type;
	return -1;
}

struct tokenizer {
	struct record *r;
	size_t max;          /* capacity of r->fields */
	struct keyset keys;
	bool irregular;      /* saw a bare word or an unterminated quote */
};

static void add_field(struct tokenizer *t, size_t k, size_t klen, size_t v, size_t vlen,
		      enum value_kind kind, bool enriched)
{
	struct record *r = t->r;

	if (r->n_fields >= t->max) {
		r->fields_dropped++;
		return;
	}
	if (!keyset_add(&t->keys, r->text + k, klen)) {
		r->fields_duplicate++;
		return;
	}
	r->fields[r->n_fields++] = (struct field){
		.key = (uint32_t)k, .key_len = (uint32_t)klen,
		.val = (uint32_t)v, .val_len = (uint32_t)vlen,
		.kind = (uint8_t)kind, .enriched = enriched,
	};
}

/*
 * SELinux "avc:  denied  { a b } for  ...": returns the position after it
 * and the list in *LIST, or START if the text does not have that shape.
 */
static size_t parse_avc(const char *s, size_t start, size_t end, struct field *list)
{
	size_t i = start + 4, verb, verb_end, open, close;

	while (i < end && s[i] == ' ')
		i++;
	verb = i;
	while (i < end && s[i] != ' ' && s[i] != '{')
		i++;
	verb_end = i;
	while (i < end && s[i] == ' ')
		i++;
	if (verb == verb_end || i >= end || s[i] != '{')
		return start;
	open = ++i;
	while (i < end && s[i] != '}')
		i++;
	if (i >= end)
		return start;
	close = i++;
	while (open < close && s[open] == ' ')
		open++;
	while (close > open && s[close - 1] == ' ')
		close--;
	while (i < end && s[i] == ' ')
		i++;
	if (end - i >= 3 && memcmp(s + i, "for", 3) == 0 && (end - i == 3 || s[i + 3] == ' '))
		i += 3;
	*list = (struct field){ .key = (uint32_t)verb, .key_len = (uint32_t)(verb_end - verb),
				.val = (uint32_t)open, .val_len = (uint32_t)(close - open),
				.kind = VALUE_LIST };
	return i;
}

/* Tokenizes text[start, end) into t->r->fields. */
static void tokenize(struct tokenizer *t, size_t start, size_t end)
{
	struct record *r = t->r;
	const char *s = r->text;
	struct field avc = { 0 };
	bool enriched = false, have_avc = false, first = true;
	size_t i = start;

	while (i < end) {
		size_t k, klen, v, vlen;
		enum value_kind kind;

		if (s[i] == ' ') {
			i++;
			continue;
		}
		if (s[i] == GS) {
			enriched = true;
			i++;
			continue;
		}
		if (first && end - i >= 4 && memcmp(s + i, "avc:", 4) == 0) {
			size_t next = parse_avc(s, i, end, &avc);

			first = false;
			if (next != i) {
				have_avc = true;
				i = next;
				continue;
			}
		}
		first = false;
		k = i;
		while (i < end && s[i] != '=' && !is_sep(s[i]))
			i++;
		klen = i - k;
		if (i >= end || s[i] != '=') {
			/* A bare word: continues a bare value, or is a key alone. */
			struct field *prev = r->n_fields ? &r->fields[r->n_fields - 1] : NULL;

			t->irregular = true;
			if (prev && prev->kind == VALUE_BARE && prev->enriched == enriched &&
			    prev->val + prev->val_len <= k) {
				prev->val_len = (uint32_t)(i - prev->val);
				continue;
			}
			if (klen > 1 && s[k + klen - 1] == ':')
				klen--;
			add_field(t, k, klen, k, 0, VALUE_NONE, enriched);
			continue;
		}
		i++; /* '=' */
		if (i < end && (s[i] == '"' || s[i] == '\'')) {
			char q = s[i++];

			v = i;
			if (q == '"') {
				while (i < end && s[i] != '"')
					i++;
			} else {
				/* msg='...' holds quotes of its own: end at a quote before a separator. */
				while (i < end && !(s[i] == '\'' && (i + 1 == end || is_sep(s[i + 1]))))
					i++;
			}
			vlen = i - v;
			if (i < end)
				i++;
			else
				t->irregular = true;
			kind = q == '"' ? VALUE_QUOTED : VALUE_SQUOTED;
		} else if (i < end && s[i] == '{') {
			size_t close = end, cand = end, depth = 1;

			/*
			 * auditd writes "{ k=v ... }": when the value opens with a
			 * space, it ends at the first " }" before a separator, so a
			 * path inside may hold braces of any kind. Otherwise it ends
			 * where the braces balance before a separator, else at the
			 * first '}' before a separator, else at the end of the text.
			 * Each search looks at most RECORD_BRACE_LOOKAHEAD bytes past
			 * its start or its first candidate, and what is scanned up to
			 * the end chosen is consumed, so any line parses in linear time.
			 */
			v = ++i;
			if (i < end && s[i] == ' ') {
				for (size_t j = i + 1; j < end && j - i < RECORD_BRACE_LOOKAHEAD; j++)
					if (s[j] == '}' && s[j - 1] == ' ' && (j + 1 == end || is_sep(s[j + 1]))) {
						close = j;
						break;
					}
			}
			for (size_t j = i; close == end && j < end; j++) {
				bool at_sep = j + 1 == end || is_sep(s[j + 1]);

				if (s[j] == '{') {
					depth++;
				} else if (s[j] == '}') {
					depth--;
					if (at_sep && cand == end)
						cand = j;
					if (depth == 0 && at_sep) {
						close = j;
						break;
					}
				}
				if (cand != end && j - cand >= RECORD_BRACE_LOOKAHEAD)
					break;
			}
			if (close == end)
				close = cand;
			i = close < end ? close + 1 : end;
			while (v < close && s[v] == ' ')
				v++;
			while (close > v && s[close - 1] == ' ')
				close--;
			vlen = close - v;
			kind = VALUE_BRACED;
		} else {
			v = i;
			while (i < end && !is_sep(s[i]))
				i++;
			vlen = i - v;
			kind = VALUE_BARE;
		}
		add_field(t, k, klen, v, vlen, kind, enriched);
	}
	if (have_avc)
		add_field(t, avc.key, avc.key_len, avc.val, avc.val_len, VALUE_LIST, false);
}

/*
 * Upper bound of the fields in S: every field has a '=' or is a bare word
 * after a separator ("a=\"1\"b=\"2\"" has no separator at all).
 */
static size_t count_tokens(const char *s, size_t len)
{
	size_t n = 2;

	for (size_t i = 0; i < len; i++)
		n += s[i] == ' ' || s[i] == GS || s[i] == '=';
	return n;
}

/*
 * Copies LINE into a new record with room for its fields, parses the
 * header with HEADER (line or netlink form) and tokenizes the body.
 */
static int record_build(const char *line, size_t len, int type, struct record **ret)
{
	struct record *r;
	struct tokenizer t = { 0 };
	size_t maxf, i = 0, body;
	char *block;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r' || line[len - 1] == '\0'))
		len--;
	if (len > UINT32_MAX)
		return -EBADMSG;
	maxf = count_tokens(line, len);
	if (maxf > RECORD_MAX_FIELDS)
		maxf = RECORD_MAX_FIELDS;
	block = malloc(sizeof(*r) + maxf * sizeof(struct field) + len + 1);
	if (!block)
		return -ENOMEM;
	r = (struct record *)block;
	*r = (struct record){ .type = type };
	r->fields = (struct field *)(block + sizeof(*r));
	r->text = block + sizeof(*r) + maxf * sizeof(struct field);
	memcpy(r->text, line, len);
	r->text[len] = '\0';

	if (type < 0) {
		/* Line form: [node=NAME ]type=NAME msg=audit(...): */
		const char *s = r->text;

		if (len - i >= 5 && memcmp(s + i, "node=", 5) == 0) {
			i += 5;
			r->node = (uint32_t)i;
			while (i < len && s[i] != ' ')
				i++;
			r->node_len = (uint32_t)(i - r->node);
			while (i < len && s[i] == ' ')
				i++;
		}
		if (len - i < 5 || memcmp(s + i, "type=", 5) != 0)
			goto bad;
		i += 5;
		r->type_name = (uint32_t)i;
		while (i < len && s[i] != ' ')
			i++;
		r->type_name_len = (uint32_t)(i - r->type_name);
		r->type = type_from_name(s + r->type_name, r->type_name_len);
		if (r->type_name_len == 0)
			goto bad;
		while (i < len && s[i] == ' ')
			i++;
		if (len - i < 4 || memcmp(s + i, "msg=", 4) != 0)
			goto bad;
		i += 4;
	}
	if (!parse_stamp(r->text, len, &i, &r->id))
		goto bad;
	body = i;
	t.r = r;
	t.max = maxf;
	if (!keyset_init(&t.keys, maxf)) {
		free(block);
		return -ENOMEM;
	}
	tokenize(&t, body, len);
	keyset_done(&t.keys);
	*ret = r;
	return 0;
bad:
	free(block);
	return -EBADMSG;
}

int record_parse_line(const char *line, size_t len, struct record **ret)
{
	return record_build(line, len, -1, ret);
}

int record_parse_netlink(int type, const char *payload, size_t len, struct record **ret)
{
	if (type < 0)
		return -EINVAL;
	return record_build(payload, len, type, ret);
}

size_t record_tokenize_kv(const struct record *r, size_t start, size_t end, struct field *out, size_t max,
			  bool *ret_irregular)
{
	struct record view = *r;
	struct tokenizer t = { .r = &view, .max = max };

	view.fields = out;
	view.n_fields = 0;
	if (!keyset_init(&t.keys, max)) {
		*ret_irregular = true;
		return 0;
	}
	tokenize(&t, start, end);
	keyset_done(&t.keys);
	*ret_irregular = t.irregular || view.fields_dropped || view.fields_duplicate;
	return view.n_fields;
}

void record_free(struct record *r)
{
	free(r);
}
