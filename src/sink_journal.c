// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * sink_journal: one journal entry per event. MESSAGE is the JSON line;
 * AUSCRIBE_* fields (ID, NODE, RECORD, KEY, SYSCALL, SUCCESS, EXIT, PID,
 * PPID, EXE, COMM, AUID, UID) make events queryable without parsing it
 * (journalctl AUSCRIBE_KEY=exec). docs/journald.md lists them.
 *
 * The wire format is journald's native protocol, byte for byte what
 * sd_journal_sendv() writes ("NAME=value\n", or "NAME\n" + 64-bit LE
 * length + value + "\n" when the value holds a newline). We do not call
 * sd_journal_sendv() itself, because:
 *  - it returns 0 when journald's socket does not exist ("fail silently if
 *    the journal is not available"): an entry sent while journald is away
 *    or restarting would be gone without a trace;
 *  - its socket blocks when journald's queue is full (net.unix.
 *    max_dgram_qlen, 10 without systemd's sysctl), which would stall the
 *    one loop that also reads the kernel.
 * So the sink owns a connected, non-blocking datagram socket, and, like
 * sd_journal_sendv(), passes a sealed memfd when an entry is too big for a
 * datagram (EMSGSIZE, ENOBUFS); journald takes entries of hundreds of MiB
 * that way (DATA_SIZE_MAX, 768 MiB on 64-bit).
 *
 * Policies:
 *  - Entries journald does not take (socket missing or refused, EAGAIN,
 *    any send error) wait in a FIFO of at most SINK_JOURNAL_MAX_QUEUED
 *    entries and SINK_JOURNAL_MAX_QUEUED_BYTES, retried in order on every
 *    write and flush. An entry that does not fit is dropped and counted
 *    (the newest go: what is queued stays in order). When journald takes
 *    entries again, an in-band loss entry goes first:
 *    {"ID":"SEC.MSEC:0","AUSCRIBE_LOSS":{"signal":"journal_queue","events":N,"total":T}}
 *  - stderr: one line when an outage starts, one when the queue has
 *    drained. journald merely pushing back (EAGAIN) is reported only when
 *    it lasts SINK_JOURNAL_QUIET_MS or costs an entry.
 *  - With wait_ms (replay), a write blocks while journald pushes back,
 *    up to wait_ms per entry; after a whole wait in vain it stops waiting
 *    until journald takes an entry again (a stopped journald costs one
 *    wait, a slow one only time).
 *  - sink_journal_free() tries once more, waiting up to
 *    SINK_JOURNAL_EXIT_WAIT_MS for a journald that pushes back; what is
 *    left is dropped and counted.
 *  - Not detectable: entries journald's socket accepted but journald never
 *    read because it died. Under systemd the socket belongs to
 *    systemd-journald.socket and outlives journald, so none are lost.
 *
 * The fields (sink_journal_fields()) come from the SYSCALL record when the
 * event has one, otherwise from the first record that has each, then from
 * user messages' msg='...'. AUSCRIBE_LABEL (one per label),
 * AUSCRIBE_CONTAINER and AUSCRIBE_UNIT (one per systemd service) come
 * from process enrichment: the SYSCALL process's, or a user message's pid.
 */
#include "config.h"

#include "sink_journal.h"

#include <assert.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <libaudit.h>

#include "assembler.h"
#include "buf.h"
#include "enrich.h"
#include "fieldtype.h"
#include "record.h"
#include "strenc.h"

/* Entries waiting for journald: about a minute of a busy host's events. */
#define SINK_JOURNAL_MAX_QUEUED 65536
/* Bytes they may hold: the bound that matters when events are large. */
#define SINK_JOURNAL_MAX_QUEUED_BYTES (64u << 20)
/* Send buffer, as libsystemd's: bursts in flight without push back. */
#define SINK_JOURNAL_SNDBUF (8 << 20)
/* How long sink_journal_free() waits for a journald that pushes back. */
#define SINK_JOURNAL_EXIT_WAIT_MS 2000
/* Push back (EAGAIN) shorter than this, losing nothing, is not reported. */
#define SINK_JOURNAL_QUIET_MS 1000
/* AUSCRIBE_RECORD fields per entry; journald takes 1024 fields in all. */
#define SINK_JOURNAL_MAX_TYPES 64
/* AUSCRIBE_KEY fields per entry; the kernel's keys total 256 bytes. */
#define SINK_JOURNAL_MAX_KEYS 32
/* Fields of a user message's msg='...' searched for EXE, SUCCESS... */
#define SINK_JOURNAL_MAX_NESTED 128

/* One "NAME=value" field: an offset and length in fieldset.data. */
struct span {
	size_t off;
	size_t len;
};

/* An entry's fields as they are built: reused from event to event. */
struct fieldset {
	struct buf data;   /* "NAME=value" back to back */
	struct buf spans;  /* struct span, one per field */
	struct buf tmp;    /* one decoded value */
	struct field nested[SINK_JOURNAL_MAX_NESTED];
};

/* A queued entry: the serialized fields, and their memfd once made. */
struct entry {
	struct entry *next;
	int memfd;
	size_t len;
	char data[];
};

struct sink_journal {
	struct sink_journal_counters c;
	char *path;
	size_t max_queued;
	size_t max_queued_bytes;
	unsigned wait_ms;
	int fd;                    /* connected to journald; -1: not now */
	struct entry *head, *tail;
	size_t queued_bytes;
	uint64_t loss_unreported;  /* dropped since the last in-band loss entry */
	bool outage;               /* entries wait or were dropped */
	bool outage_reported;      /* its stderr line is out */
	uint64_t outage_start_ms;
	uint64_t outage_sent;      /* queued entries sent since it started */
	uint64_t outage_dropped;
	int last_err;
	bool stuck;                /* pushed back for a whole wait: do not wait again until it moves */
	struct fieldset fs;
	struct buf wire;           /* the serialized entry being written */
};

/* ---- fields ---------------------------------------------------------------- */

static void fieldset_init(struct fieldset *fs)
{
	buf_init(&fs->data);
	buf_init(&fs->spans);
	buf_init(&fs->tmp);
}

static void fieldset_done(struct fieldset *fs)
{
	buf_done(&fs->data);
	buf_done(&fs->spans);
	buf_done(&fs->tmp);
}

static void fieldset_reset(struct fieldset *fs)
{
	buf_reset(&fs->data);
	buf_reset(&fs->spans);
	buf_reset(&fs->tmp);
}

static void add_field(struct fieldset *fs, const char *name, const void *val, size_t len)
{
	struct span s = { .off = fs->data.len };

	buf_adds(&fs->data, name);
	buf_addc(&fs->data, '=');
	buf_add(&fs->data, val, len);
	s.len = fs->data.len - s.off;
	buf_add(&fs->spans, &s, sizeof(s));
}

static void add_field_str(struct fieldset *fs, const char *name, const char *val)
{
	add_field(fs, name, val, strlen(val));
}

static bool is_null_token(const char *v, size_t len)
{
	return len == 0 || (len == 1 && v[0] == '?') || (len == 6 && memcmp(v, "(null)", 6) == 0);
}

/*
 * The bytes of field F of R, as json.c types them: (null), ? and empty bare
 * values are null (false); encoded fields are hex-decoded when they are
 * hex (into FS->tmp); quoted values are their text.
 */
static bool value_bytes(struct fieldset *fs, const struct record *r, const struct field *f,
			const char **ret, size_t *ret_len)
{
	const char *v = record_val(r, f);

	*ret = v;
	*ret_len = f->val_len;
	if (f->kind != VALUE_BARE)
		return f->kind == VALUE_QUOTED || f->kind == VALUE_SQUOTED;
	if (is_null_token(v, f->val_len))
		return false;
	if (fieldtype_lookup(record_key(r, f), f->key_len) == FIELD_ENCODED && strenc_is_hex(v, f->val_len)) {
		buf_reset(&fs->tmp);
		if (!buf_reserve(&fs->tmp, f->val_len / 2 + 1))
			return false;
		fs->tmp.len = (size_t)strenc_hex_decode(v, f->val_len, (uint8_t *)fs->tmp.data);
		*ret = fs->tmp.data;
		*ret_len = fs->tmp.len;
	}
	return true;
}

/* One AUSCRIBE_RECORD per record type, named as the JSON keys are. */
static void add_record_types(struct fieldset *fs, const struct event *ev)
{
	const struct record *seen[SINK_JOURNAL_MAX_TYPES];
	size_t n = 0;

	for (const struct record *r = ev->records; r && n < SINK_JOURNAL_MAX_TYPES; r = r->next) {
		const char *name;
		size_t len;
		bool dup = false;
		char scratch[32];

		for (size_t i = 0; i < n && !dup; i++)
			dup = record_same_type(seen[i], r);
		if (dup)
			continue;
		seen[n++] = r;
		record_type_label(r, scratch, &name, &len);
		add_field(fs, "AUSCRIBE_RECORD", name, len);
	}
}

/* AUSCRIBE_KEY for each rule key in F: the kernel joins several with 0x01 (hex-encoded then). */
static void add_keys(struct fieldset *fs, const struct record *r, const struct field *f)
{
	const char *v, *end, *p;
	size_t len, n = 0;

	if (!value_bytes(fs, r, f, &v, &len))
		return;
	end = v + len;
	for (p = v; p < end && n < SINK_JOURNAL_MAX_KEYS;) {
		const char *sep = memchr(p, AUDIT_KEY_SEPARATOR, (size_t)(end - p));
		const char *e = sep ? sep : end;

		if (e > p) {
			add_field(fs, "AUSCRIBE_KEY", p, (size_t)(e - p));
			n++;
		}
		p = e + 1;
	}
}

/* AUSCRIBE_SYSCALL: the name for the record's arch, else the number. */
static void add_syscall(struct fieldset *fs, const struct record *r, const struct field *f)
{
	const struct field *a = record_find(r, "arch");
	const char *v = record_val(r, f), *name = NULL;
	char *end;
	long nr;

	if (f->kind != VALUE_BARE || is_null_token(v, f->val_len))
		return;
	nr = strtol(v, &end, 10);
	if (a && a->kind == VALUE_BARE && end == v + f->val_len && nr >= 0 && nr <= INT32_MAX) {
		unsigned long arch = strtoul(record_val(r, a), &end, 16);
		int mach = end == record_val(r, a) + a->val_len ? audit_elf_to_machine((unsigned)arch) : -1;

		if (mach >= 0)
			name = audit_syscall_to_name((int)nr, mach);
	}
	if (name)
		add_field_str(fs, "AUSCRIBE_SYSCALL", name);
	else
		add_field(fs, "AUSCRIBE_SYSCALL", v, f->val_len);
}

/* SUCCESS from a record's res=: success/failed (user messages), 1/0 (kernel). */
static void add_res(struct fieldset *fs, const struct record *r, const struct field *f)
{
	const char *v;
	size_t len;

	if (!value_bytes(fs, r, f, &v, &len))
		return;
	if ((len == 7 && memcmp(v, "success", 7) == 0) || (len == 1 && v[0] == '1'))
		add_field_str(fs, "AUSCRIBE_SUCCESS", "yes");
	else if ((len == 6 && memcmp(v, "failed", 6) == 0) || (len == 1 && v[0] == '0'))
		add_field_str(fs, "AUSCRIBE_SUCCESS", "no");
}

enum how {
	HOW_VALUE,   /* the value's bytes (decoded when encoded) */
	HOW_SYSCALL, /* the syscall's name */
	HOW_KEYS,    /* one field per rule key */
	HOW_RES,     /* SUCCESS from res=, if there was no success= */
};

/* Process fields: record field -> journal field, in the order they are written. */
static const struct {
	const char *key;
	const char *name;
	enum how how;
} proc_fields[] = {
	{ "key", "AUSCRIBE_KEY", HOW_KEYS },
	{ "syscall", "AUSCRIBE_SYSCALL", HOW_SYSCALL },
	{ "success", "AUSCRIBE_SUCCESS", HOW_VALUE },
	{ "res", "AUSCRIBE_SUCCESS", HOW_RES },
	{ "exit", "AUSCRIBE_EXIT", HOW_VALUE },
	{ "pid", "AUSCRIBE_PID", HOW_VALUE },
	{ "ppid", "AUSCRIBE_PPID", HOW_VALUE },
	{ "exe", "AUSCRIBE_EXE", HOW_VALUE },
	{ "comm", "AUSCRIBE_COMM", HOW_VALUE },
	{ "auid", "AUSCRIBE_AUID", HOW_VALUE },
	{ "uid", "AUSCRIBE_UID", HOW_VALUE },
	/* AUSCRIBE_LABEL, AUSCRIBE_CONTAINER, AUSCRIBE_UNIT: add_enriched_fields(). */
};
#define N_PROC_FIELDS (sizeof(proc_fields) / sizeof(proc_fields[0]))

struct found {
	const struct record *r;
	struct field f;   /* a copy: nested fields live in a reused array */
	bool ok;
};

static void find_in(struct found *found, const struct record *r, const struct field *fields, size_t n)
{
	for (size_t k = 0; k < N_PROC_FIELDS; k++) {
		size_t klen = strlen(proc_fields[k].key);

		if (found[k].ok)
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct field *f = &fields[i];

			if (!f->enriched && f->key_len == klen && memcmp(record_key(r, f), proc_fields[k].key, klen) == 0) {
				found[k] = (struct found){ r, *f, true };
				break;
			}
		}
	}
}

static void add_proc_fields(struct fieldset *fs, const struct event *ev)
{
	struct found found[N_PROC_FIELDS] = { 0 };
	const struct record *sc = NULL;
	bool success = false;

	for (const struct record *r = ev->records; r && !sc; r = r->next)
		if (r->type == AUDIT_SYSCALL)
			sc = r;
	if (sc) {
		find_in(found, sc, sc->fields, sc->n_fields);
	} else {
		for (const struct record *r = ev->records; r; r = r->next)
			find_in(found, r, r->fields, r->n_fields);
		/* User messages: exe=, res=... inside msg='...', when it is plain k=v. */
		for (const struct record *r = ev->records; r; r = r->next) {
			const struct field *m = record_find(r, "msg");
			bool irregular;
			size_t n;

			if (!m || m->kind != VALUE_SQUOTED)
				continue;
			n = record_tokenize_kv(r, m->val, m->val + m->val_len, fs->nested, SINK_JOURNAL_MAX_NESTED,
					       &irregular);
			if (!irregular)
				find_in(found, r, fs->nested, n);
		}
	}
	for (size_t k = 0; k < N_PROC_FIELDS; k++) {
		const struct found *x = &found[k];
		const char *v;
		size_t len;

		if (!x->ok)
			continue;
		switch (proc_fields[k].how) {
		case HOW_KEYS:
			add_keys(fs, x->r, &x->f);
			break;
		case HOW_SYSCALL:
			add_syscall(fs, x->r, &x->f);
			break;
		case HOW_RES:
			if (!success) /* success= (SYSCALL) wins */
				add_res(fs, x->r, &x->f);
			break;
		case HOW_VALUE:
			if (!value_bytes(fs, x->r, &x->f, &v, &len))
				break;
			add_field(fs, proc_fields[k].name, v, len);
			success = success || strcmp(proc_fields[k].key, "success") == 0;
			break;
		}
	}
}

/* The first key after "ID" of a line we wrote ({"ID":"...","KEY":...); false if none. */
static bool top_key(const char *json, size_t len, const char **ret, size_t *ret_len)
{
	const char *p, *q, *end = json + len;

	if (len < 7 || memcmp(json, "{\"ID\":\"", 7) != 0)
		return false;
	q = memchr(json + 7, '"', len - 7);
	if (!q || end - q < 4 || q[1] != ',' || q[2] != '"')
		return false;
	p = q + 3;
	q = memchr(p, '"', (size_t)(end - p));
	if (!q || q == p || memchr(p, '\\', (size_t)(q - p)))
		return false;
	*ret = p;
	*ret_len = (size_t)(q - p);
	return true;
}

/* The event's process as enrichment knows it: labels, container, systemd units. */
static void add_enriched_fields(struct fieldset *fs, const struct enrichment *enr)
{
	const struct enrich_proc *p;

	if (!enr)
		return;
	p = enr->syscall ? &enr->pid : enr->n_pids ? &enr->pids[0].proc : NULL;
	for (size_t i = 0; enr->syscall && i < enr->n_labels; i++)
		add_field_str(fs, "AUSCRIBE_LABEL", enr->labels[i]);
	if (!p || !p->present)
		return;
	if (p->container)
		add_field_str(fs, "AUSCRIBE_CONTAINER", p->container);
	for (size_t i = 0, off = 0; i < p->n_services; i++) {
		add_field_str(fs, "AUSCRIBE_UNIT", p->services + off);
		off += strlen(p->services + off) + 1;
	}
}

static void build_fields(struct fieldset *fs, const struct event *ev, const struct enrichment *enr,
			 const char *json, size_t len)
{
	fieldset_reset(fs);
	add_field(fs, "MESSAGE", json, len);
	add_field_str(fs, "SYSLOG_IDENTIFIER", "auscribe");
	if (!ev) {
		const char *k;
		size_t klen;

		add_field_str(fs, "PRIORITY", "4");
		if (top_key(json, len, &k, &klen))
			add_field(fs, "AUSCRIBE_RECORD", k, klen);
		return;
	}
	add_field_str(fs, "PRIORITY", "6");
	{
		char id[64];
		int n = snprintf(id, sizeof(id), "%llu.%03u:%llu", (unsigned long long)ev->id.sec, ev->id.msec,
				 (unsigned long long)ev->id.serial);

		add_field(fs, "AUSCRIBE_ID", id, (size_t)n);
	}
	if (ev->node_len)
		add_field(fs, "AUSCRIBE_NODE", ev->node, ev->node_len);
	add_record_types(fs, ev);
	add_proc_fields(fs, ev);
	add_enriched_fields(fs, enr);
}

static bool fieldset_oom(const struct fieldset *fs)
{
	return buf_oom(&fs->data) || buf_oom(&fs->spans) || buf_oom(&fs->tmp);
}

int sink_journal_fields(const struct event *ev, const struct enrichment *enr, const char *json, size_t len,
			struct iovec **ret_iov, size_t *ret_n)
{
	struct fieldset *fs = malloc(sizeof(*fs));
	const struct span *s;
	struct iovec *iov;
	size_t n;
	char *data;

	assert(json || len == 0);
	if (!fs)
		return -ENOMEM;
	fieldset_init(fs);
	build_fields(fs, ev, enr, json, len);
	if (fieldset_oom(fs))
		goto oom;
	n = fs->spans.len / sizeof(*s);
	s = (const struct span *)(void *)fs->spans.data;
	iov = malloc(n * sizeof(*iov) + fs->data.len + 1);
	if (!iov)
		goto oom;
	data = (char *)(iov + n);
	memcpy(data, fs->data.data, fs->data.len);
	for (size_t i = 0; i < n; i++)
		iov[i] = (struct iovec){ data + s[i].off, s[i].len };
	*ret_iov = iov;
	*ret_n = n;
	fieldset_done(fs);
	free(fs);
	return 0;
oom:
	fieldset_done(fs);
	free(fs);
	return -ENOMEM;
}

/* journald's native protocol, as sd_journal_sendv() writes it. */
static void serialize(struct buf *out, const struct fieldset *fs)
{
	const struct span *s = (const struct span *)(void *)fs->spans.data;
	size_t n = fs->spans.len / sizeof(*s);

	buf_reset(out);
	for (size_t i = 0; i < n; i++) {
		const char *p = fs->data.data + s[i].off;
		const char *eq = memchr(p, '=', s[i].len);
		size_t vlen = s[i].len - (size_t)(eq - p) - 1;

		if (memchr(eq + 1, '\n', vlen)) {
			uint64_t le = htole64(vlen);

			buf_add(out, p, (size_t)(eq - p));
			buf_addc(out, '\n');
			buf_add(out, &le, sizeof(le));
			buf_add(out, eq + 1, vlen);
		} else {
			buf_add(out, p, s[i].len);
		}
		buf_addc(out, '\n');
	}
}

/* ---- transport ------------------------------------------------------------- */

static uint64_t now_ms(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void close_socket(struct sink_journal *j)
{
	if (j->fd >= 0)
		close(j->fd);
	j->fd = -1;
}

static int connect_socket(struct sink_journal *j)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd, size = SINK_JOURNAL_SNDBUF, r;

	if (j->fd >= 0)
		return 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	/* As libsystemd: forced past net.core.wmem_max when we may (CAP_NET_ADMIN). */
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &size, sizeof(size)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof(size));
	memcpy(sa.sun_path, j->path, strlen(j->path));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		close(fd);
		return r;
	}
	j->fd = fd;
	return 0;
}

/* A sealed memfd holding DATA: journald maps it and takes it as one entry. */
static int make_memfd(const char *data, size_t len)
{
	int fd = memfd_create("auscribe-journal", MFD_CLOEXEC | MFD_ALLOW_SEALING), r;
	size_t off = 0;

	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t n = write(fd, data + off, len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		goto fail;
	return fd;
fail:
	r = errno ? -errno : -EIO;
	close(fd);
	return r;
}

/* An empty datagram carrying MEMFD, as journald expects a passed entry. */
static int send_memfd(int sock, int memfd)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr mh = { .msg_control = &control, .msg_controllen = sizeof(control) };
	struct cmsghdr *c;

	memset(&control, 0, sizeof(control));
	c = CMSG_FIRSTHDR(&mh);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &memfd, sizeof(int));
	return sendmsg(sock, &mh, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -errno : 0;
}

/* Waits up to *BUDGET_MS for the socket to take more; spends the budget. */
static bool wait_writable(int fd, unsigned *budget_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLOUT };
	uint64_t t0 = now_ms(CLOCK_MONOTONIC), spent;
	int r;

	if (*budget_ms == 0)
		return false;
	r = poll(&p, 1, (int)*budget_ms);
	spent = now_ms(CLOCK_MONOTONIC) - t0;
	*budget_ms = spent >= *budget_ms ? 0 : *budget_ms - (unsigned)spent;
	return r > 0 || (r < 0 && errno == EINTR);
}

/*
 * Sends one serialized entry: a datagram, or its memfd (*MEMFD, made here
 * when the datagram is too big, kept for retries). When journald pushes
 * back, waits for it up to WAIT_MS, unless a whole wait was already spent
 * in vain (J->stuck). Returns 0 or -errno; the socket is dropped on any
 * error but EAGAIN, so the next try connects afresh (a journald restarted
 * by hand has a new socket at the same path).
 */
static int send_entry(struct sink_journal *j, const char *data, size_t len, int *memfd, unsigned wait_ms)
{
	unsigned budget = j->stuck ? 0 : wait_ms;
	int r = connect_socket(j);

	if (r < 0)
		return r;
	for (;;) {
		if (*memfd < 0) {
			r = send(j->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ? -errno : 0;
			if (r == -EMSGSIZE || r == -ENOBUFS) {
				r = make_memfd(data, len);
				if (r < 0)
					return r;
				*memfd = r;
				continue;
			}
		} else {
			r = send_memfd(j->fd, *memfd);
		}
		if (r == 0) {
			j->stuck = false;
			return 0;
		}
		if (r == -EINTR)
			continue;
		if (r == -EAGAIN && wait_writable(j->fd, &budget))
			continue;
		if (r == -EAGAIN)
			j->stuck = wait_ms > 0;
		else
			close_socket(j);
		return r;
	}
}

/* journald gone or busy, rather than something we did wrong. */
static bool is_unavailable(int err)
{
	switch (-err) {
	case ENOENT:
	case ECONNREFUSED:
	case ENOTCONN:
	case ECONNRESET:
	case EPIPE:
	case EAGAIN:
	case ENOBUFS:
		return true;
	}
	return false;
}

static void report_outage(struct sink_journal *j)
{
	if (!j->outage || j->outage_reported)
		return;
	if (j->last_err == -EAGAIN && !j->outage_dropped &&
	    now_ms(CLOCK_MONOTONIC) - j->outage_start_ms < SINK_JOURNAL_QUIET_MS)
		return;
	fprintf(stderr, "auscribe: journald not reachable (%s): queueing up to %zu events\n",
		strerror(-j->last_err), j->max_queued);
	j->outage_reported = true;
}

static void note_failure(struct sink_journal *j, int err)
{
	if (!is_unavailable(err))
		j->c.errors++;
	j->last_err = err;
	if (!j->outage) {
		j->outage = true;
		j->outage_reported = false;
		j->outage_start_ms = now_ms(CLOCK_MONOTONIC);
		j->outage_sent = 0;
		j->outage_dropped = 0;
	}
	report_outage(j);
}

static void drop(struct sink_journal *j, int memfd)
{
	if (memfd >= 0)
		close(memfd);
	j->c.dropped++;
	j->loss_unreported++;
	j->outage_dropped++;
	report_outage(j);
}

/* Queues DATA (and its MEMFD, taken over), or drops it when it does not fit. */
static int enqueue(struct sink_journal *j, const char *data, size_t len, int memfd)
{
	struct entry *e;

	if (j->c.queued_now >= j->max_queued || len > j->max_queued_bytes - j->queued_bytes) {
		drop(j, memfd);
		return 0;
	}
	e = malloc(sizeof(*e) + len);
	if (!e) {
		drop(j, memfd);
		return -ENOMEM;
	}
	e->next = NULL;
	e->memfd = memfd;
	e->len = len;
	memcpy(e->data, data, len);
	if (j->tail)
		j->tail->next = e;
	else
		j->head = e;
	j->tail = e;
	j->queued_bytes += len;
	j->c.queued_now++;
	return 0;
}

static void dequeue(struct sink_journal *j)
{
	struct entry *e = j->head;

	j->head = e->next;
	if (!j->head)
		j->tail = NULL;
	j->queued_bytes -= e->len;
	j->c.queued_now--;
	if (e->memfd >= 0)
		close(e->memfd);
	free(e);
}

/* The in-band loss entry, built in J->fs and J->wire. */
static int send_loss(struct sink_journal *j, unsigned wait_ms)
{
	uint64_t t = now_ms(CLOCK_REALTIME);
	char line[192];
	int n, memfd = -1, r;

	n = snprintf(line, sizeof(line),
		     "{\"ID\":\"%" PRIu64 ".%03u:0\",\"AUSCRIBE_LOSS\":{\"signal\":\"journal_queue\",\"events\":%" PRIu64
		     ",\"total\":%" PRIu64 "}}",
		     t / 1000, (unsigned)(t % 1000), j->loss_unreported, j->c.dropped);
	build_fields(&j->fs, NULL, NULL, line, (size_t)n);
	serialize(&j->wire, &j->fs);
	if (fieldset_oom(&j->fs) || buf_oom(&j->wire))
		return -ENOMEM;
	r = send_entry(j, j->wire.data, j->wire.len, &memfd, wait_ms);
	if (memfd >= 0)
		close(memfd);
	if (r == 0) {
		j->loss_unreported = 0;
		j->c.sent++;
	}
	return r;
}

/* Sends the loss entry, then the queue, in order, until one fails. */
static int drain(struct sink_journal *j, unsigned wait_ms)
{
	int r = 0;

	if (j->loss_unreported) {
		r = send_loss(j, wait_ms);
		if (r < 0)
			goto fail;
	}
	while (j->head) {
		r = send_entry(j, j->head->data, j->head->len, &j->head->memfd, wait_ms);
		if (r < 0)
			goto fail;
		dequeue(j);
		j->c.sent++;
		j->c.retried++;
		j->outage_sent++;
	}
	if (j->outage) {
		if (j->outage_reported)
			fprintf(stderr, "auscribe: journald back: %" PRIu64 " queued events sent, %" PRIu64 " dropped\n",
				j->outage_sent, j->outage_dropped);
		j->outage = false;
	}
	return 0;
fail:
	note_failure(j, r);
	return r;
}

int sink_journal_open_with(const struct sink_journal_options *o, struct sink_journal **ret)
{
	const char *path = o && o->socket_path ? o->socket_path : SINK_JOURNAL_SOCKET;
	struct sink_journal *j;

	if (strlen(path) >= sizeof(((struct sockaddr_un *)NULL)->sun_path))
		return -EINVAL;
	j = calloc(1, sizeof(*j));
	if (!j)
		return -ENOMEM;
	j->fd = -1;
	j->path = strdup(path);
	if (!j->path) {
		free(j);
		return -ENOMEM;
	}
	j->max_queued = o && o->max_queued ? o->max_queued : SINK_JOURNAL_MAX_QUEUED;
	j->max_queued_bytes = o && o->max_queued_bytes ? o->max_queued_bytes : SINK_JOURNAL_MAX_QUEUED_BYTES;
	j->wait_ms = o ? o->wait_ms : 0;
	fieldset_init(&j->fs);
	buf_init(&j->wire);
	*ret = j;
	return 0;
}

int sink_journal_open(struct sink_journal **ret)
{
	return sink_journal_open_with(NULL, ret);
}

uint64_t sink_journal_close(struct sink_journal *j)
{
	uint64_t dropped;

	if (!j)
		return 0;
	if (j->head || j->loss_unreported) {
		/* One more try, with a wait even if the last one was in vain. */
		j->stuck = false;
		(void)drain(j, j->wait_ms > SINK_JOURNAL_EXIT_WAIT_MS ? j->wait_ms : SINK_JOURNAL_EXIT_WAIT_MS);
	}
	if (j->head) {
		fprintf(stderr, "auscribe: journald not reachable at exit (%s): %" PRIu64 " queued events dropped\n",
			strerror(-j->last_err), j->c.queued_now);
		while (j->head) {
			dequeue(j);
			j->c.dropped++;
		}
	}
	dropped = j->c.dropped;
	close_socket(j);
	fieldset_done(&j->fs);
	buf_done(&j->wire);
	free(j->path);
	free(j);
	return dropped;
}

void sink_journal_free(struct sink_journal *j)
{
	(void)sink_journal_close(j);
}

int sink_journal_write(struct sink_journal *j, const struct event *ev, const struct enrichment *enr,
		       const char *json, size_t len)
{
	int memfd = -1, r;

	assert(j && (json || len == 0));
	if (j->head || j->loss_unreported)
		(void)drain(j, j->wait_ms);
	build_fields(&j->fs, ev, enr, json, len);
	serialize(&j->wire, &j->fs);
	if (fieldset_oom(&j->fs) || buf_oom(&j->wire)) {
		/* Lost, but not silently: the next entry is a loss record. */
		j->c.errors++;
		j->c.dropped++;
		j->loss_unreported++;
		return -ENOMEM;
	}
	if (j->head || j->loss_unreported)
		return enqueue(j, j->wire.data, j->wire.len, -1);
	r = send_entry(j, j->wire.data, j->wire.len, &memfd, j->wait_ms);
	if (r == 0) {
		if (memfd >= 0)
			close(memfd);
		j->c.sent++;
		return 0;
	}
	note_failure(j, r);
	return enqueue(j, j->wire.data, j->wire.len, memfd);
}

int sink_journal_flush(struct sink_journal *j)
{
	if (!j->head && !j->loss_unreported)
		return 0;
	return drain(j, j->wait_ms);
}

const struct sink_journal_counters *sink_journal_counters(const struct sink_journal *j)
{
	return &j->c;
}
