// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * json: event -> one JSON line in LAUREL's shape (docs/json-format.md).
 *
 * Written straight into a reused buffer rather than through a cJSON tree:
 * cJSON keeps numbers as doubles (inodes, capabilities and 64-bit values
 * would lose digits) and would cost several allocations per field on the
 * hot path. cJSON is used where JSON is read: the tests and the fuzzer
 * parse every line we write.
 *
 * Typing: the field dictionary (fieldtype.c) decides. Decimal numbers are
 * JSON numbers; hexadecimal ones "0x..." (lowercase, no leading zeros);
 * octal ones "0o..."; encoded strings are hex-decoded when they are hex,
 * and only they are: a numeric field is never hex-decoded. (null) and ?
 * are null. Every string goes through strenc_json_escape().
 *
 * Each key is written once per object: records are deduplicated when
 * parsed, and keys we add (ARGV, ARCH, names...) give way to keys auditd's
 * ENRICHED tail already has.
 *
 * Linear in the event's size: EXECVE arguments are sorted once
 * (O(n log n) in the number of fragments), everything else is one pass.
 */
#include "config.h"

#include "json.h"

#include <errno.h>
#include <libaudit.h>
#include <stdlib.h>
#include <string.h>

#include "enrich.h"
#include "fieldtype.h"
#include "keyset.h"
#include "record.h"
#include "sockaddr.h"
#include "strenc.h"
#include "userdb.h"

/* Fields of a user message's nested msg='...' object. */
#define JSON_MAX_NESTED 256
/* Missing arguments (below argc) written as null holes, at most. */
#define JSON_MAX_ARGV_HOLES 65536
/* Distinct record types per event tracked without rescanning. */
#define JSON_MAX_TYPES 64

struct argv_part {
	uint64_t argno;
	int64_t frag;              /* -1: the whole argument (aN=) */
	size_t seq;                /* arrival order: the first copy of a repeat wins */
	const struct record *r;
	const struct field *f;
};

struct json_encoder {
	struct json_options o;
	struct buf bytes;          /* decoded bytes of one value */
	struct buf sabytes;        /* decoded saddr of the current SOCKADDR record */
	struct saddr sa;           /* its decoded form, borrowing sabytes */
	bool sa_ok;                /* sa holds a decoded address */
	struct buf argbuf;         /* decoded EXECVE arguments, back to back */
	struct argv_part *parts;
	size_t parts_cap;
	size_t *arg_off;           /* per argument: offset in argbuf, or SIZE_MAX for null */
	size_t *arg_len;
	size_t args_cap;
	struct field nested[JSON_MAX_NESTED];
	const struct enrichment *enr; /* of the event being encoded; NULL: none */
};

struct json_encoder *json_encoder_new(const struct json_options *opts)
{
	struct json_encoder *enc = calloc(1, sizeof(*enc));

	if (!enc)
		return NULL;
	enc->o = *opts;
	buf_init(&enc->bytes);
	buf_init(&enc->sabytes);
	buf_init(&enc->argbuf);
	/* Never NULL, so empty values never mean pointer arithmetic on NULL. */
	if (!buf_reserve(&enc->bytes, 1) || !buf_reserve(&enc->sabytes, 1) || !buf_reserve(&enc->argbuf, 1)) {
		json_encoder_free(enc);
		return NULL;
	}
	return enc;
}

void json_encoder_free(struct json_encoder *enc)
{
	if (!enc)
		return;
	buf_done(&enc->bytes);
	buf_done(&enc->sabytes);
	buf_done(&enc->argbuf);
	free(enc->parts);
	free(enc->arg_off);
	free(enc->arg_len);
	free(enc);
}

/* ---- primitives --------------------------------------------------------- */

static void put_str(struct buf *b, const void *p, size_t len)
{
	buf_addc(b, '"');
	strenc_json_escape(b, p, len);
	buf_addc(b, '"');
}

static void put_key(struct buf *b, bool *first, const char *k, size_t len)
{
	if (!*first)
		buf_addc(b, ',');
	*first = false;
	put_str(b, k, len);
	buf_addc(b, ':');
}

static bool is_null_token(const char *v, size_t len)
{
	return (len == 1 && v[0] == '?') || (len == 6 && memcmp(v, "(null)", 6) == 0);
}

/* A canonical JSON integer that fits in 64 bits (signed or unsigned). */
static bool is_json_int(const char *v, size_t len)
{
	size_t i = 0, digits;

	if (len && v[0] == '-')
		i = 1;
	digits = len - i;
	if (digits == 0 || digits > 20 || (digits > 1 && v[i] == '0'))
		return false;
	for (size_t j = i; j < len; j++)
		if (v[j] < '0' || v[j] > '9')
			return false;
	if (digits == 20) /* above 18446744073709551615, or negative and that long */
		return i == 0 && memcmp(v, "18446744073709551615", 20) <= 0;
	if (digits == 19 && i == 1)
		return memcmp(v + 1, "9223372036854775808", 19) <= 0;
	return true;
}

/* "0x" + lowercase hex without leading zeros; false if V is not hex. */
static bool put_hex_number(struct buf *b, const char *v, size_t len)
{
	size_t i = 0;

	if (len > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X'))
		i = 2;
	if (i == len)
		return false;
	for (size_t j = i; j < len; j++) {
		char c = v[j];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return false;
	}
	while (i + 1 < len && v[i] == '0')
		i++;
	buf_add(b, "\"0x", 3);
	for (; i < len; i++)
		buf_addc(b, (char)(v[i] | (v[i] >= 'A' && v[i] <= 'F' ? 0x20 : 0)));
	buf_addc(b, '"');
	return true;
}

/* "0o" + octal digits without leading zeros; false if V is not octal. */
static bool put_oct_number(struct buf *b, const char *v, size_t len)
{
	size_t i = 0;

	if (len == 0)
		return false;
	for (size_t j = 0; j < len; j++)
		if (v[j] < '0' || v[j] > '7')
			return false;
	while (i + 1 < len && v[i] == '0')
		i++;
	buf_add(b, "\"0o", 3);
	buf_add(b, v + i, len - i);
	buf_addc(b, '"');
	return true;
}

/*
 * Decodes a string-ish value into ENC->bytes: quoted text as is, hex
 * decoded when HEX_OK and it is hex. Returns false for a null token.
 */
static bool decode_bytes(struct json_encoder *enc, const struct record *r, const struct field *f,
			 bool hex_ok)
{
	const char *v = record_val(r, f);

	buf_reset(&enc->bytes);
	if (f->kind == VALUE_BARE) {
		if (is_null_token(v, f->val_len))
			return false;
		if (hex_ok && strenc_is_hex(v, f->val_len)) {
			if (buf_reserve(&enc->bytes, f->val_len / 2))
				enc->bytes.len = (size_t)strenc_hex_decode(v, f->val_len,
									   (uint8_t *)enc->bytes.data);
			return true;
		}
	}
	buf_add(&enc->bytes, v, f->val_len);
	return true;
}

static void put_nested_msg(struct json_encoder *enc, struct buf *b, const struct record *r,
			   const struct field *f);

/* Writes the value of field F of record R. */
static void put_value(struct json_encoder *enc, struct buf *b, const struct record *r,
		      const struct field *f)
{
	const char *v = record_val(r, f);
	size_t len = f->val_len;

	switch (f->kind) {
	case VALUE_NONE:
		buf_add(b, "null", 4);
		return;
	case VALUE_LIST: {
		size_t i = 0;
		bool first = true;

		buf_addc(b, '[');
		while (i < len) {
			size_t w;

			while (i < len && v[i] == ' ')
				i++;
			w = i;
			while (i < len && v[i] != ' ')
				i++;
			if (i > w) {
				if (!first)
					buf_addc(b, ',');
				first = false;
				put_str(b, v + w, i - w);
			}
		}
		buf_addc(b, ']');
		return;
	}
	case VALUE_BRACED:
		buf_add(b, "\"{", 2);
		strenc_json_escape(b, v, len);
		buf_add(b, "}\"", 2);
		return;
	case VALUE_SQUOTED:
		if (f->key_len == 3 && memcmp(record_key(r, f), "msg", 3) == 0) {
			put_nested_msg(enc, b, r, f);
			return;
		}
		/* fall through */
	case VALUE_QUOTED:
		put_str(b, v, len);
		return;
	}

	/* VALUE_BARE; "k=" with nothing after it is null, as (null) is. */
	if (len == 0 || is_null_token(v, len)) {
		buf_add(b, "null", 4);
		return;
	}
	switch (f->enriched ? FIELD_STRING : fieldtype_lookup(record_key(r, f), f->key_len)) {
	case FIELD_HEX:
		if (put_hex_number(b, v, len))
			return;
		break;
	case FIELD_OCT:
		if (put_oct_number(b, v, len))
			return;
		break;
	case FIELD_ENCODED:
		decode_bytes(enc, r, f, true);
		put_str(b, enc->bytes.data, enc->bytes.len);
		return;
	case FIELD_DEC:
	case FIELD_NUMERIC:
	case FIELD_UNKNOWN:
		if (is_json_int(v, len)) {
			buf_add(b, v, len);
			return;
		}
		break;
	case FIELD_STRING:
		break;
	}
	put_str(b, v, len);
}

/* msg='k=v ...' as an object when it is plain k=v pairs, else a string. */
static void put_nested_msg(struct json_encoder *enc, struct buf *b, const struct record *r,
			   const struct field *f)
{
	bool irregular, first = true;
	size_t n = record_tokenize_kv(r, f->val, f->val + f->val_len, enc->nested, JSON_MAX_NESTED,
				      &irregular);

	if (irregular || n == 0) {
		put_str(b, record_val(r, f), f->val_len);
		return;
	}
	buf_addc(b, '{');
	for (size_t i = 0; i < n; i++) {
		const struct field *nf = &enc->nested[i];

		put_key(b, &first, record_key(r, nf), nf->key_len);
		put_value(enc, b, r, nf);
	}
	buf_addc(b, '}');
}

/* ---- per record type ------------------------------------------------------ */

static bool key_is(const struct record *r, const struct field *f, const char *k)
{
	size_t len = strlen(k);

	return f->key_len == len && memcmp(record_key(r, f), k, len) == 0;
}

/*
 * Has R a key K? Keys we add give way to keys the record has: auditd's
 * ENRICHED tail, or the same keys where a forwarder turned its 0x1d into
 * a space. Only upper-case keys are asked for, and the kernel's are lower
 * case, so this is a short scan in practice.
 */
static bool record_has(const struct record *r, const char *k)
{
	return record_find(r, k) != NULL;
}

/* SYSCALL a0..a3: replaced by ARGV. */
static bool is_syscall_arg(const struct record *r, const struct field *f)
{
	const char *k = record_key(r, f);

	return !f->enriched && f->key_len == 2 && k[0] == 'a' && k[1] >= '0' && k[1] <= '3';
}

/* Should field F of R be left out of the object? */
static bool skip_field(const struct json_encoder *enc, const struct record *r, const struct field *f)
{
	switch (r->type) {
	case AUDIT_SYSCALL:
		if (is_syscall_arg(r, f))
			return true;
		/* auditd's names (ENRICHED tail, or glued on) give way to ours. */
		return enc->o.universal && (key_is(r, f, "ARCH") || key_is(r, f, "SYSCALL"));
	case AUDIT_PROCTITLE:
		return !f->enriched && key_is(r, f, "proctitle");
	case AUDIT_SOCKADDR:
		/* auditd's SADDR gives way to ours; the raw saddr only if we decoded it. */
		if (!enc->o.universal)
			return false;
		return key_is(r, f, "SADDR") || (enc->sa_ok && key_is(r, f, "saddr"));
	}
	return false;
}

/* Writes R's fields into the open object; KS (may be NULL) dedupes across records. */
static void put_fields(struct json_encoder *enc, struct buf *b, bool *first, const struct record *r,
		       struct keyset *ks)
{
	for (size_t i = 0; i < r->n_fields; i++) {
		const struct field *f = &r->fields[i];

		if (skip_field(enc, r, f))
			continue;
		if (ks && !keyset_add(ks, record_key(r, f), f->key_len))
			continue;
		put_key(b, first, record_key(r, f), f->key_len);
		put_value(enc, b, r, f);
	}
}

/* The machine (MACH_*) of the event's SYSCALL record; -1 if unknown. */
static int event_machine(const struct event *ev, unsigned *ret_arch)
{
	for (const struct record *r = ev->records; r; r = r->next) {
		const struct field *f;
		char *end;
		unsigned long arch;

		if (r->type != AUDIT_SYSCALL && r->type != AUDIT_URINGOP)
			continue;
		f = record_find(r, "arch");
		if (!f || f->kind != VALUE_BARE)
			return -1;
		arch = strtoul(record_val(r, f), &end, 16);
		if (end != record_val(r, f) + f->val_len)
			return -1;
		*ret_arch = (unsigned)arch;
		return audit_elf_to_machine((unsigned)arch);
	}
	return -1;
}

/* SYSCALL extras: ARGV from a0..a3; ARCH and SYSCALL names (universal). */
static void put_syscall_extras(struct json_encoder *enc, struct buf *b, bool *first,
			       const struct event *ev, const struct record *r)
{
	bool afirst = true;
	unsigned arch = 0;
	int mach;

	if (!record_has(r, "ARGV")) {
		put_key(b, first, "ARGV", 4);
		buf_addc(b, '[');
		for (size_t i = 0; i < r->n_fields; i++) {
			const struct field *f = &r->fields[i];

			if (!is_syscall_arg(r, f))
				continue;
			if (!afirst)
				buf_addc(b, ',');
			afirst = false;
			if (!put_hex_number(b, record_val(r, f), f->val_len))
				put_str(b, record_val(r, f), f->val_len);
		}
		buf_addc(b, ']');
	}
	if (!enc->o.universal)
		return;
	mach = event_machine(ev, &arch);
	if (mach >= 0) {
		const char *name = audit_machine_to_name(mach);
		const struct field *sc = record_find(r, "syscall");

		if (name) {
			put_key(b, first, "ARCH", 4);
			put_str(b, name, strlen(name));
		}
		if (sc && sc->kind == VALUE_BARE) {
			char *end;
			long nr = strtol(record_val(r, sc), &end, 10);
			const char *scname = end == record_val(r, sc) + sc->val_len && nr >= 0 && nr <= INT32_MAX
						     ? audit_syscall_to_name((int)nr, mach)
						     : NULL;

			if (scname) {
				put_key(b, first, "SYSCALL", 7);
				put_str(b, scname, strlen(scname));
			}
		}
	}
}

/* UID / AUID / OGID... names for every *uid / *gid field (user-db). */
static void put_user_names(struct json_encoder *enc, struct buf *b, bool *first, const struct record *r)
{
	char key[64];

	for (size_t i = 0; i < r->n_fields; i++) {
		const struct field *f = &r->fields[i];
		const char *k = record_key(r, f), *v = record_val(r, f), *name;
		bool is_uid;

		if (f->enriched || f->kind != VALUE_BARE || f->key_len < 3 || f->key_len >= sizeof(key))
			continue;
		if (memcmp(k + f->key_len - 3, "uid", 3) == 0)
			is_uid = true;
		else if (memcmp(k + f->key_len - 3, "gid", 3) == 0)
			is_uid = false;
		else
			continue;
		if (!is_json_int(v, f->val_len) || v[0] == '-')
			continue;
		for (size_t j = 0; j < f->key_len; j++)
			key[j] = (char)(k[j] >= 'a' && k[j] <= 'z' ? k[j] - 0x20 : k[j]);
		key[f->key_len] = '\0';
		if (record_has(r, key))
			continue;
		{
			unsigned long id = strtoul(v, NULL, 10);

			name = is_uid ? userdb_user(enc->o.userdb, (uint32_t)id)
				      : userdb_group(enc->o.userdb, (uint32_t)id);
		}
		put_key(b, first, key, f->key_len);
		put_str(b, name, strlen(name));
	}
}

/*
 * Decodes R's saddr into ENC->sa (universal). Where it cannot be decoded
 * (unknown family, short address) the raw saddr stays, as in LAUREL.
 */
static void decode_saddr(struct json_encoder *enc, const struct event *ev, const struct record *r)
{
	const struct field *f = record_find(r, "saddr");
	unsigned arch = 0;
	bool big_endian = false;

	enc->sa_ok = false;
	if (!f || f->enriched || !decode_bytes(enc, r, f, true))
		return;
	buf_reset(&enc->sabytes);
	buf_add(&enc->sabytes, enc->bytes.data, enc->bytes.len);
	if (buf_oom(&enc->sabytes))
		return;
	if (event_machine(ev, &arch) >= 0)
		big_endian = !(arch & __AUDIT_ARCH_LE);
	enc->sa = (struct saddr){ 0 };
	enc->sa_ok = sockaddr_decode((const uint8_t *)enc->sabytes.data, enc->sabytes.len, big_endian,
				     &enc->sa) >= 0 && enc->sa.family;
}

/* SOCKADDR's SADDR object from ENC->sa. */
static void put_saddr(struct json_encoder *enc, struct buf *b, bool *first)
{
	const struct saddr *sa = &enc->sa;

	if (!enc->sa_ok)
		return;
	put_key(b, first, "SADDR", 5);
	buf_add(b, "{\"saddr_fam\":", 13);
	put_str(b, sa->family, strlen(sa->family));
	for (unsigned i = 0; i < sa->n && i < SADDR_MAX_ITEMS; i++) {
		const struct saddr_item *it = &sa->items[i];
		bool dummy = false;

		put_key(b, &dummy, it->key, strlen(it->key));
		switch (it->kind) {
		case SADDR_NUM: {
			char num[24];
			int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)it->num);

			buf_add(b, num, (size_t)n);
			break;
		}
		case SADDR_STR:
			put_str(b, it->str, strlen(it->str));
			break;
		case SADDR_BYTES:
			put_str(b, it->bytes, it->len);
			break;
		}
	}
	buf_addc(b, '}');
}

/* PROCTITLE's ARGV: the title split at NUL bytes. */
static void put_proctitle_argv(struct json_encoder *enc, struct buf *b, bool *first,
			       const struct record *r)
{
	const struct field *f = record_find(r, "proctitle");
	const char *p, *end;

	if (!f || f->enriched || record_has(r, "ARGV"))
		return;
	put_key(b, first, "ARGV", 4);
	if (!decode_bytes(enc, r, f, true)) {
		buf_add(b, "null", 4);
		return;
	}
	p = enc->bytes.data;
	end = p + enc->bytes.len;
	if (end > p && end[-1] == '\0')
		end--; /* a trailing NUL ends the last argument, it does not start one */
	buf_addc(b, '[');
	while (p && p <= end) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));
		const char *e = nul ? nul : end;

		if (p != enc->bytes.data)
			buf_addc(b, ',');
		put_str(b, p, (size_t)(e - p));
		if (!nul)
			break;
		p = nul + 1;
	}
	buf_addc(b, ']');
}

static int part_cmp(const void *a, const void *b)
{
	const struct argv_part *x = a, *y = b;

	if (x->argno != y->argno)
		return x->argno < y->argno ? -1 : 1;
	if (x->frag != y->frag)
		return x->frag < y->frag ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* "a12" -> 12, "a12[3]" -> 12 and frag 3; false for other keys (argc, a12_len). */
static bool parse_argkey(const char *k, size_t len, uint64_t *argno, int64_t *frag)
{
	size_t i = 1;
	uint64_t n = 0, fr = 0;

	if (len < 2 || k[0] != 'a' || k[1] < '0' || k[1] > '9')
		return false;
	while (i < len && k[i] >= '0' && k[i] <= '9' && n < (1ull << 40))
		n = n * 10 + (uint64_t)(k[i++] - '0');
	*argno = n;
	*frag = -1;
	if (i == len)
		return true;
	if (k[i] != '[' || k[len - 1] != ']' || i + 2 >= len)
		return false;
	for (i++; i < len - 1; i++) {
		if (k[i] < '0' || k[i] > '9' || fr >= (1ull << 40))
			return false;
		fr = fr * 10 + (uint64_t)(k[i] - '0');
	}
	*frag = (int64_t)fr;
	return true;
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

/*
 * EXECVE: one object for all EXECVE records: argc, then ARGV (and/or
 * ARGV_STR) rebuilt from aN, aN[i] fragments in index order; aN_len dropped.
 */
static int put_execve(struct json_encoder *enc, struct buf *b, const struct event *ev)
{
	size_t n_parts = 0, n_args = 0, total = 0, head, tail, skipped_bytes = 0;
	uint64_t argc = 0;
	bool first = true, have_argc = false;
	struct keyset ks;

	if (!keyset_init(&ks, 8))
		return -ENOMEM;
	buf_addc(b, '{');
	for (const struct record *r = ev->records; r; r = r->next) {
		if (r->type != AUDIT_EXECVE)
			continue;
		for (size_t i = 0; i < r->n_fields; i++) {
			const struct field *f = &r->fields[i];
			uint64_t argno;
			int64_t frag;

			if (!f->enriched && parse_argkey(record_key(r, f), f->key_len, &argno, &frag)) {
				if (!grow((void **)&enc->parts, &enc->parts_cap, n_parts + 1, sizeof(*enc->parts)))
					goto oom;
				enc->parts[n_parts] = (struct argv_part){ argno, frag, n_parts, r, f };
				n_parts++;
				continue;
			}
			if (!f->enriched && f->key_len > 4 &&
			    memcmp(record_key(r, f) + f->key_len - 4, "_len", 4) == 0 &&
			    parse_argkey(record_key(r, f), f->key_len - 4, &argno, &frag))
				continue;
			if (key_is(r, f, "argc") && f->kind == VALUE_BARE && is_json_int(record_val(r, f), f->val_len)) {
				argc = strtoull(record_val(r, f), NULL, 10);
				have_argc = true;
			}
			if (!keyset_add(&ks, record_key(r, f), f->key_len))
				continue;
			put_key(b, &first, record_key(r, f), f->key_len);
			put_value(enc, b, r, f);
		}
	}
	/*
	 * Arguments are numbered by the record, so their count is bounded by
	 * what we hold: at most JSON_MAX_ARGV_HOLES missing ones (nulls), up
	 * to argc. Indexes beyond that bound are nonsense and left out (the
	 * kernel never writes an aN at or above argc).
	 */
	{
		uint64_t bound = (uint64_t)n_parts + JSON_MAX_ARGV_HOLES;
		size_t kept = 0;

		if (have_argc && argc < bound)
			bound = argc > n_parts ? argc : n_parts;
		for (size_t i = 0; i < n_parts; i++) {
			if (enc->parts[i].argno >= bound)
				continue;
			if (enc->parts[i].argno + 1 > n_args)
				n_args = (size_t)enc->parts[i].argno + 1;
			enc->parts[kept++] = enc->parts[i];
		}
		n_parts = kept;
		if (have_argc && argc > n_args && argc <= bound)
			n_args = (size_t)argc;
	}
	if (n_args > enc->args_cap) {
		size_t cap = enc->args_cap ? enc->args_cap : 64;
		size_t *off, *len;

		while (cap < n_args)
			cap *= 2;
		off = realloc(enc->arg_off, cap * sizeof(*off));
		if (off)
			enc->arg_off = off;
		len = realloc(enc->arg_len, cap * sizeof(*len));
		if (len)
			enc->arg_len = len;
		if (!off || !len)
			goto oom;
		enc->args_cap = cap;
	}
	if (n_parts)
		qsort(enc->parts, n_parts, sizeof(*enc->parts), part_cmp);
	buf_reset(&enc->argbuf);
	for (size_t a = 0; a < n_args; a++)
		enc->arg_off[a] = SIZE_MAX, enc->arg_len[a] = 0;
	for (size_t i = 0; i < n_parts; i++) {
		struct argv_part *p = &enc->parts[i];
		size_t a = (size_t)p->argno;

		if (i > 0 && p->argno == enc->parts[i - 1].argno && p->frag == enc->parts[i - 1].frag)
			continue; /* repeated fragment: first wins */
		if (!decode_bytes(enc, p->r, p->f, true))
			continue; /* (null) */
		if (enc->arg_off[a] == SIZE_MAX) {
			enc->arg_off[a] = enc->argbuf.len;
		} else if (enc->arg_off[a] + enc->arg_len[a] != enc->argbuf.len) {
			continue; /* a whole aN= after fragments of the same argument */
		}
		buf_add(&enc->argbuf, enc->bytes.data, enc->bytes.len);
		enc->arg_len[a] += enc->bytes.len;
		total += enc->bytes.len;
	}
	if (buf_oom(&enc->argbuf) || buf_oom(&enc->bytes))
		goto oom;

	/* execve-argv-limit-bytes: keep the head and the tail, skip the middle. */
	head = n_args;
	tail = n_args;
	if (enc->o.argv_limit_bytes && total > enc->o.argv_limit_bytes) {
		size_t budget = enc->o.argv_limit_bytes, used = 0;

		head = 0;
		while (head < n_args && used + enc->arg_len[head] <= budget / 2)
			used += enc->arg_len[head++];
		tail = n_args;
		while (tail > head && used + enc->arg_len[tail - 1] <= budget)
			used += enc->arg_len[--tail];
		skipped_bytes = total - used;
	}
	if (enc->o.argv_array && keyset_add(&ks, "ARGV", 4)) {
		put_key(b, &first, "ARGV", 4);
		buf_addc(b, '[');
		for (size_t a = 0; a < n_args; a++) {
			if (a == head && head < tail) {
				char m[96];
				int n = snprintf(m, sizeof(m), "{\"skipped_args\":%zu,\"skipped_bytes\":%zu}",
						 tail - head, skipped_bytes);

				if (a)
					buf_addc(b, ',');
				buf_add(b, m, (size_t)n);
				a = tail - 1;
				continue;
			}
			if (a)
				buf_addc(b, ',');
			if (enc->arg_off[a] == SIZE_MAX)
				buf_add(b, "null", 4);
			else
				put_str(b, enc->argbuf.data + enc->arg_off[a], enc->arg_len[a]);
		}
		buf_addc(b, ']');
	}
	if (enc->o.argv_string && keyset_add(&ks, "ARGV_STR", 8)) {
		put_key(b, &first, "ARGV_STR", 8);
		buf_addc(b, '"');
		for (size_t a = 0; a < n_args; a++) {
			if (a)
				buf_addc(b, ' ');
			if (a == head && head < tail) {
				char m[96];
				int n = snprintf(m, sizeof(m), "<<< Skipped: args=%zu, bytes=%zu >>>", tail - head,
						 skipped_bytes);

				buf_add(b, m, (size_t)n);
				a = tail - 1;
				continue;
			}
			if (enc->arg_off[a] != SIZE_MAX)
				strenc_json_escape(b, enc->argbuf.data + enc->arg_off[a], enc->arg_len[a]);
		}
		buf_addc(b, '"');
	}
	if (enc->enr && enc->enr->has_env && keyset_add(&ks, "ENV", 3)) {
		bool efirst = true;

		put_key(b, &first, "ENV", 3);
		buf_addc(b, '{');
		for (size_t i = 0; i < enc->enr->n_env; i++) {
			put_key(b, &efirst, enc->enr->env[i].name, enc->enr->env[i].name_len);
			put_str(b, enc->enr->env[i].value, enc->enr->env[i].value_len);
		}
		buf_addc(b, '}');
	}
	buf_addc(b, '}');
	keyset_done(&ks);
	return 0;
oom:
	keyset_done(&ks);
	return -ENOMEM;
}

/* ---- process enrichment (enrich.c) -------------------------------------- */

/*
 * KEY (a literal: no escaping needed) as an object key: ,"KEY": . The
 * enrichment objects write a dozen per event; put_key() escapes each byte.
 */
#define put_lit_key(b, first, key) put_lit_key_(b, first, "\"" key "\":", sizeof(key) + 2)
static void put_lit_key_(struct buf *b, bool *first, const char *quoted, size_t len)
{
	if (!*first)
		buf_addc(b, ',');
	*first = false;
	buf_add(b, quoted, len);
}

/* V in decimal at P (room for 20 digits); returns the length. snprintf is slow here. */
static size_t fmt_u64(char *p, uint64_t v)
{
	char tmp[20];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		p[i] = tmp[n - 1 - i];
	return n;
}

/* "EVENT_ID":"sec.msec:serial" or "START_TIME":"sec.msec". */
static void put_proc_key(struct buf *b, bool *first, const struct enrich_proc *p)
{
	char v[64];
	uint64_t sec = p->key.is_event ? p->key.event.sec : p->key.start_ms / 1000;
	unsigned msec = p->key.is_event ? p->key.event.msec : (unsigned)(p->key.start_ms % 1000);
	size_t n = fmt_u64(v, sec);

	v[n++] = '.';
	v[n++] = (char)('0' + msec / 100 % 10);
	v[n++] = (char)('0' + msec / 10 % 10);
	v[n++] = (char)('0' + msec % 10);
	if (p->key.is_event) {
		v[n++] = ':';
		n += fmt_u64(v + n, p->key.event.serial);
		put_lit_key(b, first, "EVENT_ID");
	} else {
		put_lit_key(b, first, "START_TIME");
	}
	buf_addc(b, '"');
	buf_add(b, v, n);
	buf_addc(b, '"');
}

static void put_uint(struct buf *b, uint64_t v)
{
	char n[20];

	buf_add(b, n, fmt_u64(n, v));
}

#define put_opt_str(b, first, k, v) put_opt_str_(b, first, "\"" k "\":", sizeof(k) + 2, v)
static void put_opt_str_(struct buf *b, bool *first, const char *quoted, size_t len, const char *v)
{
	if (!v)
		return;
	put_lit_key_(b, first, quoted, len);
	put_str(b, v, strlen(v));
}

enum proc_shape {
	SHAPE_SELF,     /* PID: key, container, systemd_service */
	SHAPE_PARENT,   /* PPID, OPID ...: key, comm, exe, ppid */
	SHAPE_KEY,      /* PPID without ppid-verbose: the key alone */
	SHAPE_SPAWNER,  /* SPAWNED_BY: key, pid, comm, exe */
	SHAPE_ANCESTOR, /* ANCESTORS[]: pid, exe, comm, key */
};

static void put_proc(struct buf *b, const struct enrich_proc *p, enum proc_shape shape)
{
	bool first = true;

	buf_addc(b, '{');
	if (shape != SHAPE_ANCESTOR)
		put_proc_key(b, &first, p);
	switch (shape) {
	case SHAPE_SELF:
		if (p->container) {
			put_lit_key(b, &first, "container");
			buf_adds(b, "{\"id\":");
			put_str(b, p->container, strlen(p->container));
			buf_addc(b, '}');
		}
		if (p->n_services) {
			const char *s = p->services;

			put_lit_key(b, &first, "systemd_service");
			buf_addc(b, '[');
			for (size_t i = 0; i < p->n_services; i++, s += strlen(s) + 1) {
				if (i)
					buf_addc(b, ',');
				put_str(b, s, strlen(s));
			}
			buf_addc(b, ']');
		}
		break;
	case SHAPE_PARENT:
		put_opt_str(b, &first, "comm", p->comm);
		put_opt_str(b, &first, "exe", p->exe);
		put_lit_key(b, &first, "ppid");
		put_uint(b, p->ppid);
		break;
	case SHAPE_KEY:
		break;
	case SHAPE_SPAWNER:
		put_lit_key(b, &first, "pid");
		put_uint(b, p->pid);
		put_opt_str(b, &first, "comm", p->comm);
		put_opt_str(b, &first, "exe", p->exe);
		break;
	case SHAPE_ANCESTOR:
		put_lit_key(b, &first, "pid");
		put_uint(b, p->pid);
		put_opt_str(b, &first, "exe", p->exe);
		put_opt_str(b, &first, "comm", p->comm);
		put_proc_key(b, &first, p);
		break;
	}
	buf_addc(b, '}');
}

static void put_str_list(struct buf *b, bool *first, const char *k, const char *const *v, size_t n)
{
	put_key(b, first, k, strlen(k));
	buf_addc(b, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_addc(b, ',');
		put_str(b, v[i], strlen(v[i]));
	}
	buf_addc(b, ']');
}

/* SYSCALL.PID and PPID (before the user-db names, as LAUREL orders them). */
static void put_syscall_pids(const struct enrichment *en, struct buf *b, bool *first)
{
	if (en->pid.present) {
		put_key(b, first, "PID", 3);
		put_proc(b, &en->pid, SHAPE_SELF);
	}
	if (en->ppid.present) {
		put_key(b, first, "PPID", 4);
		put_proc(b, &en->ppid, en->ppid_verbose ? SHAPE_PARENT : SHAPE_KEY);
	}
}

/* The rest of SYSCALL's enrichment, after the user-db names. */
static void put_syscall_enrichment(const struct enrichment *en, struct buf *b, bool *first)
{
	if (en->uid_groups)
		put_str_list(b, first, "UID_GROUPS", en->uid_groups, en->n_uid_groups);
	put_opt_str(b, first, "SCRIPT", en->script);
	if (en->spawned_by.present) {
		put_key(b, first, "SPAWNED_BY", 10);
		put_proc(b, &en->spawned_by, SHAPE_SPAWNER);
	}
	if (en->n_ancestors) {
		put_key(b, first, "ANCESTORS", 9);
		buf_addc(b, '[');
		for (size_t i = 0; i < en->n_ancestors; i++) {
			if (i)
				buf_addc(b, ',');
			put_proc(b, &en->ancestors[i], SHAPE_ANCESTOR);
		}
		buf_addc(b, ']');
	}
	if (en->n_labels)
		put_str_list(b, first, "LABELS", en->labels, en->n_labels);
}

/* OPID, PID ... objects for R's other *pid fields (not SYSCALL's pid and ppid). */
static void put_pid_objects(struct json_encoder *enc, struct buf *b, bool *first, const struct record *r)
{
	const struct enrichment *en = enc->enr;
	char key[64];

	if (!en || !en->n_pids || r->type == AUDIT_SYSCALL)
		return;
	for (size_t i = 0; i < r->n_fields; i++) {
		const struct field *f = &r->fields[i];
		const char *k = record_key(r, f), *v = record_val(r, f);
		unsigned long pid;
		char *end;

		if (f->enriched || f->kind != VALUE_BARE || f->key_len < 3 || f->key_len >= sizeof(key) ||
		    memcmp(k + f->key_len - 3, "pid", 3) != 0)
			continue;
		pid = strtoul(v, &end, 10);
		if (end != v + f->val_len)
			continue;
		for (size_t j = 0; j < f->key_len; j++)
			key[j] = (char)(k[j] >= 'a' && k[j] <= 'z' ? k[j] - 0x20 : k[j]);
		key[f->key_len] = '\0';
		if (record_has(r, key))
			continue;
		for (size_t j = 0; j < en->n_pids; j++) {
			if (en->pids[j].pid != pid || !en->pids[j].proc.present)
				continue;
			put_key(b, first, key, f->key_len);
			put_proc(b, &en->pids[j].proc, f->key_len == 3 ? SHAPE_SELF : SHAPE_PARENT);
			break;
		}
	}
}

/* The JSON key of R's record type. */
static void put_type_key(struct buf *b, bool *first, const struct record *r)
{
	char scratch[32];
	const char *name;
	size_t len;

	record_type_label(r, scratch, &name, &len);
	put_key(b, first, name, len);
}

/* One record type's object: fields of every record of that type, then extras. */
static int put_object(struct json_encoder *enc, struct buf *b, const struct event *ev, const struct record *r0)
{
	size_t n = 0;
	bool first = true;
	struct keyset ks;

	for (const struct record *r = r0; r; r = r->next)
		n += record_same_type(r, r0);
	if (n > 1 && !keyset_init(&ks, 64))
		return -ENOMEM;
	buf_addc(b, '{');
	for (const struct record *r = r0; r; r = r->next) {
		if (!record_same_type(r, r0))
			continue;
		put_fields(enc, b, &first, r, n > 1 ? &ks : NULL);
	}
	if (n > 1)
		keyset_done(&ks);
	if (r0->type == AUDIT_SYSCALL) {
		put_syscall_extras(enc, b, &first, ev, r0);
		if (enc->enr && enc->enr->syscall)
			put_syscall_pids(enc->enr, b, &first);
	} else if (r0->type == AUDIT_PROCTITLE) {
		put_proctitle_argv(enc, b, &first, r0);
	}
	if (enc->o.userdb)
		put_user_names(enc, b, &first, r0);
	if (r0->type == AUDIT_SYSCALL && enc->enr && enc->enr->syscall)
		put_syscall_enrichment(enc->enr, b, &first);
	else
		put_pid_objects(enc, b, &first, r0);
	buf_addc(b, '}');
	return 0;
}

static void put_list(struct json_encoder *enc, struct buf *b, const struct event *ev, const struct record *r0)
{
	bool lfirst = true;

	buf_addc(b, '[');
	for (const struct record *r = r0; r; r = r->next) {
		bool first = true;

		if (!record_same_type(r, r0))
			continue;
		if (!lfirst)
			buf_addc(b, ',');
		lfirst = false;
		buf_addc(b, '{');
		enc->sa_ok = false;
		if (r->type == AUDIT_SOCKADDR && enc->o.universal)
			decode_saddr(enc, ev, r);
		put_fields(enc, b, &first, r, NULL);
		put_saddr(enc, b, &first);
		if (enc->o.userdb)
			put_user_names(enc, b, &first, r);
		put_pid_objects(enc, b, &first, r);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

int json_encode_event(struct json_encoder *enc, const struct event *ev, const struct enrichment *enr,
		      struct buf *out)
{
	const struct record *types[JSON_MAX_TYPES];
	size_t n_types = 0;
	char id[80];
	bool first = false;
	int n;

	enc->enr = enr;
	n = snprintf(id, sizeof(id), "{\"ID\":\"%llu.%03u:%llu\"", (unsigned long long)ev->id.sec,
		     ev->id.msec, (unsigned long long)ev->id.serial);
	buf_add(out, id, (size_t)n);
	if (ev->node_len) {
		put_key(out, &first, "NODE", 4);
		put_str(out, ev->node, ev->node_len);
	}
	/* Each record type once, in the order its first record arrived. */
	for (const struct record *r = ev->records; r; r = r->next) {
		bool seen = false;

		if (n_types < JSON_MAX_TYPES) {
			for (size_t i = 0; i < n_types && !seen; i++)
				seen = record_same_type(types[i], r);
		} else {
			for (const struct record *p = ev->records; p != r && !seen; p = p->next)
				seen = record_same_type(p, r);
		}
		if (seen)
			continue;
		if (n_types < JSON_MAX_TYPES)
			types[n_types++] = r;
		put_type_key(out, &first, r);
		if (r->type == AUDIT_EXECVE) {
			if (put_execve(enc, out, ev) < 0)
				return -ENOMEM;
		} else if (record_type_is_object(r->type)) {
			if (put_object(enc, out, ev, r) < 0)
				return -ENOMEM;
		} else {
			put_list(enc, out, ev, r);
		}
	}
	buf_addc(out, '}');
	return buf_oom(out) || buf_oom(&enc->bytes) ? -ENOMEM : 0;
}
