// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * enrich: keeps the process table current and says what each event
 * gains from it. The encoder (json.c) writes what this module returns.
 *
 * Feeds, in LAUREL's model (docs/json-format.md, "Process enrichment"):
 * - enrich_scan(): every process under the proc root, at start.
 * - Every SYSCALL event: its process and its parent are looked up by pid.
 *   An entry matches the event when its ppid is the event's ppid, or when
 *   the event's parent is init (an orphan re-parented). An execve or
 *   execveat creates a new entry keyed by the event's ID, whose previous
 *   self is the matching entry; a clone/fork/vfork that the rules log
 *   creates the child's entry; any other event of a pid with no matching
 *   entry (or one whose exe differs: an exec we did not see) reads /proc
 *   once and keys the entry by the start time, or, when the process is
 *   gone or is younger than the event (a reused pid), keys it by the event
 *   and takes what the event itself says.
 * - Other *pid fields (OBJ_PID opid, USER_* pid) are looked up the same
 *   way, without creating entries from event data.
 *
 * Policies:
 * - /proc describes processes as they are now: for an event older than
 *   proc_max_age_ms by the wall clock (a replayed log) it is not read at
 *   all, and the event is enriched from the events alone.
 * - No /proc read on the per-event path for a process already in the
 *   table. An exec reads /proc/PID/cgroup (container, systemd service:
 *   a process moves into its container's cgroup before it execs), and
 *   /proc/PID/environ when EXECVE.ENV is on, /proc/PID/status when it
 *   has no previous self (is it init in its PID namespace?), and stats the
 *   executed file when the event may be a script's.
 * - What /proc cannot tell (the process is gone) is inherited from the
 *   previous self, then the parent, and otherwise left out.
 * - Expiry runs every ENRICH_EXPIRE_PERIOD_MS of the pipeline's clock
 *   (for a big table, once it has grown enough: ENRICH_EXPIRE_GROWTH);
 *   entries of processes gone for ENRICH_GONE_GRACE_MS go unless a kept
 *   entry descends from them (proctable_expire()).
 */
#include "config.h"

#include "enrich.h"

#include <errno.h>
#include <libaudit.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "labels.h"
#include "procfs.h"
#include "record.h"
#include "strenc.h"
#include "userdb.h"

/* Expiry: a readdir of the proc root at most this often. */
#define ENRICH_EXPIRE_PERIOD_MS 1000
/*
 * A table larger than this is expired only after it has had 1/GROWTH of
 * its size in new entries: expiry walks every entry, and a replay can
 * pass a second of audit time every few events (amortized O(1) per
 * insert; a live host's table is small, or fills slowly).
 */
#define ENRICH_EXPIRE_SMALL 4096
#define ENRICH_EXPIRE_GROWTH 8
/* Entries of exited processes stay this long for events still in flight. */
#define ENRICH_GONE_GRACE_MS 10000
/* Other *pid fields resolved per event. */
#define ENRICH_MAX_PIDOBJS 16
/* Bytes of /proc/PID/cgroup read (a deep kubepods path is < 1 KiB). */
#define ENRICH_CGROUP_MAX 4096
/* A /proc process younger than its event by more than this is another process. */
#define ENRICH_START_SLACK_MS 1000
/* Environment variables listed per event. */
#define ENRICH_MAX_ENV 64
/* (arch, syscall) -> class cache: a direct-mapped table of this many slots. */
#define ENRICH_SYSCALL_CACHE 256

enum syscall_class {
	SC_UNKNOWN = 0, /* not looked up yet (cache) */
	SC_OTHER,
	SC_EXEC,
	SC_FORK,
};

struct syscall_cache_slot {
	uint64_t key; /* arch << 32 | nr, +1 so 0 is empty */
	uint8_t class;
};

/*
 * The SYSCALL record's fields enrichment reads, found in one pass
 * (record_find() for each would scan the record ten times per event).
 */
enum sc_key { SCF_PID, SCF_PPID, SCF_COMM, SCF_EXE, SCF_KEY, SCF_SYSCALL, SCF_ARCH, SCF_SUCCESS,
	      SCF_EXIT, SCF_UID, SCF_N };
static const char *const sc_key_names[SCF_N] = { "pid", "ppid", "comm", "exe", "key", "syscall",
						 "arch", "success", "exit", "uid" };

struct sc_fields {
	const struct field *f[SCF_N];
};

struct enricher {
	struct enrich_options o;
	char *proc_root;
	struct proctable *table;
	struct enrich_stats stats;
	long hz;
	uint64_t boot_ms;    /* wall-clock time of boot: START_TIME = boot_ms + start ticks */
	uint64_t propagate;  /* label bits children inherit */
	char **label_keys;   /* the keys themselves, and their bits */
	int *label_key_bits;
	bool expired_once;
	uint64_t inserted_at_expire; /* the table's inserts at the last expiry */
	bool stale;          /* the event being enriched is too old for /proc */
	struct sc_fields scf;  /* the SYSCALL record's fields, for the event being enriched */
	uint64_t last_expire_ms;
	struct syscall_cache_slot sc_cache[ENRICH_SYSCALL_CACHE];

	/* The result of the last enrich_event(). */
	struct enrichment out;
	struct enrich_proc ancestors[ENRICH_MAX_ANCESTORS];
	struct enrich_pidobj pids[ENRICH_MAX_PIDOBJS];
	const char *labels[LABELS_MAX];
	const char **groups;
	size_t groups_cap;
	struct enrich_env env[ENRICH_MAX_ENV];
	struct buf env_text;     /* names and values of ENV, offsets in env[] until fixed */
	char *groups_text;   /* the groups of groups_uid, split in place */
	char *groups_src;    /* ... as userdb gave them, to see a change */
	uint32_t groups_uid;
	size_t groups_n;
	char script[PATH_MAX];
};

/* Wall-clock and boot-clock milliseconds, for /proc start times. */
static uint64_t clock_ms(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * The wall-clock time of boot, in ms: the proc root's btime (so
 * START_TIME is stable across restarts and matches other tools), else
 * CLOCK_REALTIME - CLOCK_BOOTTIME.
 */
static uint64_t boot_ms(const char *root)
{
	uint64_t btime;

	if (procfs_read_btime(root, &btime) >= 0 && btime > 0 && btime < UINT64_MAX / 1000)
		return btime * 1000;
	return clock_ms(CLOCK_REALTIME) - clock_ms(CLOCK_BOOTTIME);
}

struct enricher *enrich_new(const struct enrich_options *opts)
{
	struct enricher *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->o = *opts;
	e->proc_root = strdup(opts->proc_root ? opts->proc_root : "/proc");
	e->table = proctable_new(opts->max_processes ? opts->max_processes : 1);
	e->label_keys = calloc(opts->n_label_keys + 1, sizeof(*e->label_keys));
	e->label_key_bits = calloc(opts->n_label_keys + 1, sizeof(*e->label_key_bits));
	if (!e->proc_root || !e->table || !e->label_keys || !e->label_key_bits)
		goto fail;
	e->o.proc_root = e->proc_root;
	if (e->o.ancestors > ENRICH_MAX_ANCESTORS)
		e->o.ancestors = ENRICH_MAX_ANCESTORS;
	e->hz = sysconf(_SC_CLK_TCK);
	e->boot_ms = boot_ms(e->proc_root);
	/* Labels named by keys and propagate-labels need bits even without rules. */
	for (size_t i = 0; i < opts->n_label_keys && opts->labels; i++) {
		e->label_keys[i] = strdup(opts->label_keys[i]);
		if (!e->label_keys[i])
			goto fail;
		e->label_key_bits[i] = labels_intern(opts->labels, opts->label_keys[i]);
	}
	for (size_t i = 0; i < opts->n_propagate && opts->labels; i++) {
		int bit = labels_intern(opts->labels, opts->propagate[i]);

		if (bit >= 0)
			e->propagate |= UINT64_C(1) << bit;
	}
	e->o.label_keys = NULL;
	e->o.propagate = NULL;
	buf_init(&e->env_text);
	return e;
fail:
	enrich_free(e);
	return NULL;
}

void enrich_free(struct enricher *e)
{
	if (!e)
		return;
	for (size_t i = 0; e->label_keys && e->label_keys[i]; i++)
		free(e->label_keys[i]);
	free(e->label_keys);
	free(e->label_key_bits);
	proctable_free(e->table);
	free(e->proc_root);
	free(e->groups);
	free(e->groups_text);
	free(e->groups_src);
	buf_done(&e->env_text);
	free(e);
}

struct proctable *enrich_table(struct enricher *e)
{
	return e->table;
}

const struct enrich_stats *enrich_stats(const struct enricher *e)
{
	return &e->stats;
}

/* ---------------------------------------------------------------------------
 * Reading /proc into an entry template.
 */

/* Container id and systemd services of PID into TMPL. Returns false if unreadable. */
static bool read_cgroup(struct enricher *e, uint32_t pid, struct proc *tmpl, char *services, size_t size)
{
	char text[ENRICH_CGROUP_MAX];
	int n;

	if (!e->o.container && !e->o.systemd)
		return true;
	if (e->stale)
		return false;
	e->stats.proc_reads++;
	n = procfs_read_cgroup(e->proc_root, pid, text, sizeof(text));
	if (n < 0)
		return false;
	tmpl->has_container = procfs_container_id(text, (size_t)n, tmpl->container);
	{
		size_t count = procfs_systemd_services(text, (size_t)n, services, size);
		size_t len = 0;

		for (size_t i = 0; i < count; i++)
			len += strlen(services + len) + 1;
		tmpl->services = count ? services : NULL;
		tmpl->services_len = len;
	}
	return true;
}

/*
 * Container and services from FROM (previous self or parent), when /proc
 * could not tell; the services are copied into SERVICES (SIZE bytes), as
 * the insert that follows may evict FROM.
 */
static void inherit_cgroup(struct proc *tmpl, const struct proc *from, char *services, size_t size)
{
	if (!from)
		return;
	tmpl->has_container = from->has_container;
	memcpy(tmpl->container, from->container, sizeof(tmpl->container));
	tmpl->services = NULL;
	tmpl->services_len = 0;
	if (from->services && from->services_len <= size) {
		memcpy(services, from->services, from->services_len);
		tmpl->services = services;
		tmpl->services_len = from->services_len;
	}
}

static uint64_t event_ms(const struct event_id *id)
{
	return id->sec * 1000 + id->msec;
}

/*
 * Reads process PID from /proc into a new entry (START_TIME key). With
 * NOT_AFTER_MS, a process that started later than that is another
 * process that reuses the pid: -ESRCH. EXE, when not NULL, is the exe
 * as the event saw it, used instead of the exe link (which differs for
 * good in a chroot, and would make every event a new entry). Returns the
 * entry or NULL.
 */
static struct proc *read_proc(struct enricher *e, uint32_t pid, uint64_t not_after_ms, char *exe_seen,
			      uint64_t now_ms)
{
	struct procfs_stat st;
	struct proc tmpl = { 0 };
	char exe[PROCTABLE_MAX_EXE], services[PROCTABLE_MAX_SERVICES];
	struct proc *parent, *p;
	bool is_init = false;

	if (e->stale)
		return NULL;
	e->stats.proc_reads++;
	if (procfs_read_stat(e->proc_root, pid, &st) < 0)
		return NULL;
	/* boot_ms + the start ticks (procfs_start_ms() with a boot clock of 0). */
	tmpl.key.start_ms = procfs_start_ms(st.start_ticks, e->hz, e->boot_ms, 0);
	if (not_after_ms && tmpl.key.start_ms > not_after_ms + ENRICH_START_SLACK_MS)
		return NULL;
	tmpl.pid = st.pid;
	tmpl.ppid = st.ppid;
	tmpl.origin = PROC_FROM_PROC;
	memcpy(tmpl.comm, st.comm, sizeof(tmpl.comm));
	if (exe_seen) {
		tmpl.exe = exe_seen;
	} else {
		e->stats.proc_reads++;
		if (procfs_read_exe(e->proc_root, pid, exe, sizeof(exe)) >= 0)
			tmpl.exe = exe;
	}
	e->stats.proc_reads++;
	if (procfs_read_is_init(e->proc_root, pid, &is_init) >= 0)
		tmpl.is_init = is_init;
	tmpl.is_init |= pid == 1;
	parent = st.ppid ? proctable_current(e->table, st.ppid) : NULL;
	if (parent)
		tmpl.parent = proctable_ref(e->table, parent);
	if (!read_cgroup(e, pid, &tmpl, services, sizeof(services)))
		inherit_cgroup(&tmpl, parent, services, sizeof(services));
	if (parent && !parent->is_init)
		tmpl.labels = parent->labels & e->propagate;
	if (tmpl.exe && e->o.labels && labels_has_rules(e->o.labels, LABEL_EXE))
		tmpl.labels = labels_apply(e->o.labels, LABEL_EXE, tmpl.exe, strlen(tmpl.exe), tmpl.labels);
	p = proctable_insert(e->table, &tmpl, now_ms);
	return p;
}

int enrich_scan(struct enricher *e, uint64_t now_ms)
{
	uint32_t *pids = NULL;
	size_t n = 0;
	int r, count = 0;

	r = procfs_list_pids(e->proc_root, &pids, &n);
	if (r < 0)
		return r;
	e->stats.scans++;
	/* Ascending pids: parents mostly come first; a second pass links the rest. */
	for (size_t i = 0; i < n; i++)
		if (!proctable_current(e->table, pids[i]) && read_proc(e, pids[i], 0, NULL, now_ms))
			count++;
	for (size_t i = 0; i < n; i++) {
		struct proc *p = proctable_current(e->table, pids[i]);
		struct proc *parent;

		if (!p || p->parent.slot || !p->ppid)
			continue;
		parent = proctable_current(e->table, p->ppid);
		if (!parent)
			continue;
		p->parent = proctable_ref(e->table, parent);
		if (!parent->is_init)
			p->labels |= parent->labels & e->propagate;
	}
	/*
	 * Labels propagate down the tree, and pids are not in tree order:
	 * repeat until stable (each pass settles at least one more level).
	 */
	for (bool changed = e->propagate != 0; changed;) {
		changed = false;
		for (size_t i = 0; i < n; i++) {
			struct proc *p = proctable_current(e->table, pids[i]);
			struct proc *parent = p ? proctable_get(e->table, p->parent) : NULL;
			uint64_t add;

			if (!parent || parent->is_init)
				continue;
			add = parent->labels & e->propagate & ~p->labels;
			if (add) {
				p->labels |= add;
				changed = true;
			}
		}
	}
	free(pids);
	e->last_expire_ms = now_ms;
	e->expired_once = true;
	return count;
}

void enrich_tick(struct enricher *e, uint64_t now_ms)
{
	uint64_t inserted = proctable_stats(e->table)->inserted;
	size_t size = proctable_size(e->table);
	uint32_t *pids = NULL;
	size_t n = 0;

	if (e->expired_once && now_ms - e->last_expire_ms < ENRICH_EXPIRE_PERIOD_MS)
		return;
	/* A big table is walked only once it has grown by a fraction of itself. */
	if (e->expired_once && size > ENRICH_EXPIRE_SMALL &&
	    inserted - e->inserted_at_expire < size / ENRICH_EXPIRE_GROWTH)
		return;
	e->inserted_at_expire = inserted;
	e->expired_once = true;
	e->last_expire_ms = now_ms;
	if (procfs_list_pids(e->proc_root, &pids, &n) < 0)
		return;
	e->stats.scans++;
	proctable_expire(e->table, pids, n, now_ms, ENRICH_GONE_GRACE_MS);
	free(pids);
}

/* ---------------------------------------------------------------------------
 * Reading the event.
 */

/* An unsigned decimal field F of R; false if absent (NULL) or not a number. */
static bool fval_u64(const struct record *r, const struct field *f, uint64_t *ret)
{
	const char *v;
	uint64_t n = 0;

	if (!f || f->kind != VALUE_BARE || f->val_len == 0 || f->val_len > 19)
		return false;
	v = record_val(r, f);
	for (size_t i = 0; i < f->val_len; i++) {
		if (v[i] < '0' || v[i] > '9')
			return false;
		n = n * 10 + (uint64_t)(v[i] - '0');
	}
	*ret = n;
	return true;
}

static bool field_u64(const struct record *r, const char *key, uint64_t *ret)
{
	return fval_u64(r, record_find(r, key), ret);
}

static bool fval_pid(const struct record *r, const struct field *f, uint32_t *ret)
{
	uint64_t v;

	if (!fval_u64(r, f, &v) || v > UINT32_MAX)
		return false;
	*ret = (uint32_t)v;
	return true;
}

/*
 * A string field (quoted, or the kernel's hex for untrusted strings) into
 * BUF, NUL-terminated and cut to SIZE - 1. Returns its length, or -1 when
 * absent or "(null)".
 */
static long fval_string(const struct record *r, const struct field *f, char *buf, size_t size)
{
	const char *v;
	size_t len;

	if (!f || size == 0)
		return -1;
	v = record_val(r, f);
	len = f->val_len;
	if (f->kind == VALUE_BARE && strenc_is_hex(v, len)) {
		uint8_t tmp[PATH_MAX];
		long n;

		if (len / 2 > sizeof(tmp))
			return -1;
		n = strenc_hex_decode(v, len, tmp);
		if (n < 0)
			return -1;
		len = (size_t)n < size - 1 ? (size_t)n : size - 1;
		memcpy(buf, tmp, len);
	} else if (f->kind == VALUE_QUOTED || f->kind == VALUE_BARE) {
		if (f->kind == VALUE_BARE && len == 6 && memcmp(v, "(null)", 6) == 0)
			return -1;
		len = len < size - 1 ? len : size - 1;
		memcpy(buf, v, len);
	} else {
		return -1;
	}
	buf[len] = '\0';
	return (long)len;
}

static long field_string(const struct record *r, const char *key, char *buf, size_t size)
{
	return fval_string(r, record_find(r, key), buf, size);
}


static const uint8_t sc_key_lens[SCF_N] = { 3, 4, 4, 3, 3, 7, 4, 7, 4, 3 };

static void sc_fields_find(const struct record *sc, struct sc_fields *ret)
{
	size_t found = 0;

	*ret = (struct sc_fields){ 0 };
	for (size_t i = 0; i < sc->n_fields && found < SCF_N; i++) {
		const struct field *f = &sc->fields[i];
		const char *k = record_key(sc, f);

		if (f->enriched || f->key_len > 7)
			continue;
		for (size_t n = 0; n < SCF_N; n++) {
			if (sc_key_lens[n] == f->key_len && k[0] == sc_key_names[n][0] && !ret->f[n] &&
			    memcmp(k, sc_key_names[n], f->key_len) == 0) {
				ret->f[n] = f;
				found++;
				break;
			}
		}
	}
}

static const struct record *find_record(const struct event *ev, int type)
{
	for (const struct record *r = ev->records; r; r = r->next)
		if (r->type == type)
			return r;
	return NULL;
}

/* Exec, fork or anything else, from the SYSCALL record's arch and number. */
static enum syscall_class syscall_class(struct enricher *e, const struct record *sc)
{
	const struct field *f = e->scf.f[SCF_ARCH];
	uint64_t nr, key;
	unsigned long arch;
	struct syscall_cache_slot *slot;
	const char *name;
	char *end;
	int mach;

	if (!f || f->kind != VALUE_BARE || !fval_u64(sc, e->scf.f[SCF_SYSCALL], &nr) || nr > INT32_MAX)
		return SC_OTHER;
	arch = strtoul(record_val(sc, f), &end, 16);
	if (end != record_val(sc, f) + f->val_len)
		return SC_OTHER;
	key = ((uint64_t)(uint32_t)arch << 32 | nr) + 1;
	slot = &e->sc_cache[(key * 0x9e3779b97f4a7c15ull) >> 56 & (ENRICH_SYSCALL_CACHE - 1)];
	if (slot->key == key)
		return slot->class;
	mach = audit_elf_to_machine((unsigned)arch);
	name = mach >= 0 ? audit_syscall_to_name((int)nr, mach) : NULL;
	slot->key = key;
	if (!name)
		slot->class = SC_OTHER;
	else if (!strcmp(name, "execve") || !strcmp(name, "execveat"))
		slot->class = SC_EXEC;
	else if (!strcmp(name, "clone") || !strcmp(name, "clone3") || !strcmp(name, "fork") ||
		 !strcmp(name, "vfork"))
		slot->class = SC_FORK;
	else
		slot->class = SC_OTHER;
	return slot->class;
}

static bool parent_is_init(struct enricher *e, uint32_t ppid)
{
	struct proc *p;

	if (ppid <= 1)
		return true;
	p = proctable_current(e->table, ppid);
	return p && p->is_init;
}

/* Labels for the rule keys of SC ("a\x01b" for several -k). */
static uint64_t key_labels(struct enricher *e, const struct record *sc)
{
	char key[1024];
	long len = fval_string(sc, e->scf.f[SCF_KEY], key, sizeof(key));
	uint64_t set = 0;

	if (len <= 0 || !e->o.labels)
		return 0;
	for (char *k = key; k;) {
		char *next = strchr(k, '\x01');

		if (next)
			*next++ = '\0';
		for (size_t i = 0; e->label_keys[i]; i++)
			if (e->label_key_bits[i] >= 0 && strcmp(k, e->label_keys[i]) == 0)
				set |= UINT64_C(1) << e->label_key_bits[i];
		k = next;
	}
	return set;
}

/* label-argv: the first label-argv-count args of EXECVE, joined by ' ', cut at label-argv-bytes. */
static uint64_t argv_labels(struct enricher *e, const struct event *ev, uint64_t set)
{
	const struct record *ex = find_record(ev, AUDIT_EXECVE);
	struct buf text;
	uint64_t argc;
	char name[32], arg[PATH_MAX];

	if (!ex || !labels_has_rules(e->o.labels, LABEL_ARGV) || !field_u64(ex, "argc", &argc))
		return set;
	buf_init(&text);
	for (uint64_t i = 0; i < argc && i < e->o.label_argv_count; i++) {
		long len;

		snprintf(name, sizeof(name), "a%llu", (unsigned long long)i);
		len = field_string(ex, name, arg, sizeof(arg));
		if (len < 0)
			break;
		if (i)
			buf_addc(&text, ' ');
		buf_add(&text, arg, (size_t)len);
		if (text.len >= e->o.label_argv_bytes)
			break;
	}
	if (!buf_oom(&text))
		set = labels_apply(e->o.labels, LABEL_ARGV, text.data,
				   text.len < e->o.label_argv_bytes ? text.len : e->o.label_argv_bytes, set);
	buf_done(&text);
	return set;
}

/*
 * SCRIPT: the file named by PATH item 0 of an exec, when it is not the
 * executable that runs (an interpreter ran it). Compared by device and
 * inode: the PATH record's against the exe's, as the process (or its
 * parent) sees it. Writes e->script; false when not a script or unknown.
 */
static bool find_script(struct enricher *e, const struct event *ev, const char *exe, uint32_t pid, uint32_t ppid)
{
	const struct record *path0 = NULL, *cwd = find_record(ev, AUDIT_CWD);
	char name[PATH_MAX], dir[PATH_MAX];
	uint64_t ino;
	struct stat st;
	long len;

	for (const struct record *r = ev->records; r; r = r->next) {
		uint64_t item;

		if (r->type == AUDIT_PATH && field_u64(r, "item", &item) && item == 0) {
			path0 = r;
			break;
		}
	}
	if (!path0 || !exe || (len = field_string(path0, "name", name, sizeof(name))) <= 0)
		return false;
	if (!field_u64(path0, "inode", &ino))
		return false;
	if (strcmp(name, exe) == 0 || e->stale)
		return false;
	e->stats.proc_reads++;
	if (procfs_stat_in_root(e->proc_root, pid, exe, &st) < 0) {
		e->stats.proc_reads++;
		if (procfs_stat_in_root(e->proc_root, ppid, exe, &st) < 0)
			return false;
	}
	/* The same file: same inode on the same device (dev=MAJOR:MINOR in hex, when given). */
	if ((uint64_t)st.st_ino == ino) {
		const struct field *d = record_find(path0, "dev");
		unsigned int major, minor;
		char dev[32];

		if (!d || d->val_len >= sizeof(dev))
			return false;
		memcpy(dev, record_val(path0, d), d->val_len);
		dev[d->val_len] = '\0';
		if (sscanf(dev, "%x:%x", &major, &minor) != 2 || makedev(major, minor) == st.st_dev)
			return false;
	}
	/* A relative name is relative to the CWD record. */
	if (name[0] != '/' && cwd && field_string(cwd, "cwd", dir, sizeof(dir)) > 0) {
		int n = snprintf(e->script, sizeof(e->script), "%s/%s", strcmp(dir, "/") ? dir : "", name);

		if (n < 0 || (size_t)n >= sizeof(e->script))
			return false;
		/* ./x -> x, as LAUREL normalises lexically */
		for (char *p; (p = strstr(e->script, "/./"));)
			memmove(p, p + 2, strlen(p + 2) + 1);
	} else {
		snprintf(e->script, sizeof(e->script), "%s", name);
	}
	return true;
}

/* ENV: the configured variables of PID, copied. */
static void env_add(const char *name, size_t name_len, const char *value, size_t value_len, void *userdata)
{
	struct enricher *e = userdata;
	struct enrich_env *v;

	if (e->out.n_env >= ENRICH_MAX_ENV)
		return;
	v = &e->env[e->out.n_env++];
	/* Offsets into env_text until read_env() fixes them up. */
	v->name = (const char *)(uintptr_t)e->env_text.len;
	v->name_len = name_len;
	buf_add(&e->env_text, name, name_len);
	v->value = (const char *)(uintptr_t)e->env_text.len;
	v->value_len = value_len;
	buf_add(&e->env_text, value, value_len);
}

static void read_env(struct enricher *e, uint32_t pid)
{
	if (e->stale)
		return; /* unknown: no ENV at all, rather than a wrong {} */
	buf_reset(&e->env_text);
	e->stats.proc_reads++;
	/* Gone or unreadable: unknown, so no ENV; {} means "read, none of them set". */
	if (procfs_read_environ(e->proc_root, pid, e->o.env_names, e->o.n_env_names, env_add, e) < 0 ||
	    buf_oom(&e->env_text)) {
		e->out.n_env = 0;
		return;
	}
	e->out.has_env = true;
	for (size_t i = 0; i < e->out.n_env; i++) {
		e->env[i].name = e->env_text.data + (uintptr_t)e->env[i].name;
		e->env[i].value = e->env_text.data + (uintptr_t)e->env[i].value;
	}
	e->out.env = e->env;
}

/* ---------------------------------------------------------------------------
 * Updating the table from a SYSCALL event. Returns the event's process.
 */

struct sc_info {
	uint32_t pid, ppid;
	char comm[16];
	char exe[PROCTABLE_MAX_EXE];
	bool has_exe;
	bool script;
};

static struct proc *handle_exec(struct enricher *e, const struct event *ev, const struct record *sc,
				struct sc_info *si, struct proc *existing, struct proc *parent, uint64_t now_ms)
{
	struct proc tmpl = { 0 };
	char services[PROCTABLE_MAX_SERVICES];
	bool is_init = false;

	tmpl.pid = si->pid;
	tmpl.ppid = si->ppid;
	tmpl.key.is_event = true;
	tmpl.key.event = ev->id;
	tmpl.origin = PROC_FROM_EXEC;
	memcpy(tmpl.comm, si->comm, sizeof(tmpl.comm));
	tmpl.exe = si->has_exe ? si->exe : NULL;
	if (existing) {
		tmpl.previous_self = proctable_ref(e->table, existing);
		/* Re-parented to init: the lineage is the original parent's. */
		tmpl.parent = existing->ppid != si->ppid ? existing->parent : proctable_ref(e->table, parent);
		tmpl.is_init = existing->is_init;
		tmpl.labels = existing->labels & e->propagate;
	} else {
		tmpl.parent = proctable_ref(e->table, parent);
	}
	if (parent && !parent->is_init)
		tmpl.labels |= parent->labels & e->propagate;
	if (!read_cgroup(e, si->pid, &tmpl, services, sizeof(services)))
		inherit_cgroup(&tmpl, existing ? existing : parent, services, sizeof(services));
	/*
	 * Init of its own PID namespace? Only a process that starts a
	 * container (its container differs from its parent's) or whose
	 * parent is unknown can be: the others skip the /proc read.
	 */
	if (!existing) {
		bool same = parent && parent->has_container == tmpl.has_container &&
			    (!tmpl.has_container || strcmp(parent->container, tmpl.container) == 0);

		if ((!same || !e->o.container) && !e->stale) {
			e->stats.proc_reads++;
			if (procfs_read_is_init(e->proc_root, si->pid, &is_init) >= 0)
				tmpl.is_init = is_init;
		}
		tmpl.is_init |= si->pid == 1;
	}
	tmpl.labels |= key_labels(e, sc);
	if (e->o.labels) {
		if (tmpl.exe && labels_has_rules(e->o.labels, LABEL_EXE))
			tmpl.labels = labels_apply(e->o.labels, LABEL_EXE, tmpl.exe, strlen(tmpl.exe), tmpl.labels);
		tmpl.labels = argv_labels(e, ev, tmpl.labels);
	}
	if (e->o.script || (e->o.labels && labels_has_rules(e->o.labels, LABEL_SCRIPT)))
		si->script = find_script(e, ev, tmpl.exe, si->pid, si->ppid);
	if (si->script && e->o.labels && labels_has_rules(e->o.labels, LABEL_SCRIPT))
		tmpl.labels = labels_apply(e->o.labels, LABEL_SCRIPT, e->script, strlen(e->script), tmpl.labels);
	if (e->o.n_env_names)
		read_env(e, si->pid);
	return proctable_insert(e->table, &tmpl, now_ms);
}

/* The child of a logged clone/fork/vfork (exit = the child's pid). */
static void handle_fork(struct enricher *e, const struct event *ev, const struct record *sc, struct proc *self,
			uint64_t now_ms)
{
	struct proc tmpl;
	uint64_t child;
	const struct field *f = e->scf.f[SCF_EXIT];
	char exe[PROCTABLE_MAX_EXE], services[PROCTABLE_MAX_SERVICES];
	struct proc *cur;

	if (!self || !f || f->kind != VALUE_BARE || !fval_u64(sc, e->scf.f[SCF_EXIT], &child) || child == 0 ||
	    child > UINT32_MAX)
		return;
	/*
	 * The child's own events may come first (vfork: the parent resumes
	 * once the child has exec'd); an entry they made, stamped no earlier
	 * than this event (syscall entry), is the child's: keep it.
	 */
	cur = proctable_current(e->table, (uint32_t)child);
	if (cur && cur->ppid == self->pid && cur->key.is_event && event_ms(&cur->key.event) >= event_ms(&ev->id))
		return;
	tmpl = *self;
	/* Copies: the insert may move or evict SELF. */
	tmpl.exe = NULL;
	if (self->exe) {
		snprintf(exe, sizeof(exe), "%s", self->exe);
		tmpl.exe = exe;
	}
	inherit_cgroup(&tmpl, self, services, sizeof(services));
	tmpl.pid = (uint32_t)child;
	tmpl.ppid = self->pid;
	tmpl.key = (struct proc_key){ .is_event = true, .event = ev->id };
	tmpl.origin = PROC_FROM_FORK;
	tmpl.is_init = false;
	tmpl.parent = proctable_ref(e->table, self);
	tmpl.previous_self = (struct proc_ref){ 0 };
	tmpl.labels = self->is_init ? 0 : self->labels & e->propagate;
	proctable_insert(e->table, &tmpl, now_ms);
}

/* Another syscall of a process with no matching entry: /proc, else the event. */
static struct proc *handle_unknown(struct enricher *e, const struct event *ev, const struct record *sc,
				   struct sc_info *si, struct proc_ref parent_ref, uint64_t now_ms)
{
	struct proc tmpl = { 0 };
	struct proc *p = read_proc(e, si->pid, event_ms(&ev->id), si->has_exe ? si->exe : NULL, now_ms);
	struct proc *parent = proctable_get(e->table, parent_ref);
	char services[PROCTABLE_MAX_SERVICES];

	if (p && (p->ppid == si->ppid || parent_is_init(e, si->ppid)))
		return p;
	/* Gone, or a newer process with this pid: what the event says. */
	tmpl.pid = si->pid;
	tmpl.ppid = si->ppid;
	tmpl.key.is_event = true;
	tmpl.key.event = ev->id;
	tmpl.origin = PROC_FROM_EVENT;
	tmpl.is_init = si->pid == 1;
	memcpy(tmpl.comm, si->comm, sizeof(tmpl.comm));
	tmpl.exe = si->has_exe ? si->exe : NULL;
	tmpl.parent = parent_ref;
	inherit_cgroup(&tmpl, parent, services, sizeof(services));
	if (parent && !parent->is_init)
		tmpl.labels = parent->labels & e->propagate;
	if (tmpl.exe && e->o.labels && labels_has_rules(e->o.labels, LABEL_EXE))
		tmpl.labels = labels_apply(e->o.labels, LABEL_EXE, tmpl.exe, strlen(tmpl.exe), tmpl.labels);
	(void)sc;
	return proctable_insert(e->table, &tmpl, now_ms);
}

/*
 * The parent's entry: the one PID's entry already links to (even after
 * the parent exited and stopped answering for its pid), else the current
 * entry of PPID, else read from /proc (it must predate the event). Not
 * read again for PID's entry made from an event with this ppid: the
 * parent was looked up then, and a miss stays a miss (a later process
 * with that pid is not its parent), so no read on every event.
 */
static struct proc *get_parent(struct enricher *e, uint32_t pid, uint32_t ppid, const struct event *ev,
			       uint64_t now_ms)
{
	struct proc *p, *self;

	if (!ppid)
		return NULL;
	self = proctable_current(e->table, pid);
	if (self && self->ppid == ppid) {
		p = proctable_get(e->table, self->parent);
		if (p && p->pid == ppid)
			return p;
	}
	p = proctable_current(e->table, ppid);
	if (p)
		return p;
	if (self && self->ppid == ppid && self->origin != PROC_FROM_PROC)
		return NULL;
	return read_proc(e, ppid, event_ms(&ev->id), NULL, now_ms);
}

static struct proc_ref handle_syscall(struct enricher *e, const struct event *ev, const struct record *sc,
				      struct sc_info *si, uint64_t now_ms)
{
	enum syscall_class class = syscall_class(e, sc);
	struct proc *parent, *existing, *self;
	const struct field *succ = e->scf.f[SCF_SUCCESS];
	bool ok = !succ || (succ->val_len == 3 && memcmp(record_val(sc, succ), "yes", 3) == 0);
	struct proc_ref ref;

	parent = get_parent(e, si->pid, si->ppid, ev, now_ms);
	/* Everything below may insert: hold the parent by reference. */
	ref = proctable_ref(e->table, parent);
	existing = proctable_current(e->table, si->pid);
	if (existing && existing->ppid != si->ppid && !parent_is_init(e, si->ppid))
		existing = NULL;
	if (class == SC_EXEC && ok) {
		self = handle_exec(e, ev, sc, si, existing, proctable_get(e->table, ref), now_ms);
	} else {
		self = existing;
		if (self && si->has_exe && self->exe && strcmp(self->exe, si->exe) != 0)
			self = NULL; /* an exec we did not see */
		if (!self)
			self = handle_unknown(e, ev, sc, si, ref, now_ms);
		if (self) {
			self->labels |= key_labels(e, sc);
			if (class == SC_FORK && ok) {
				struct proc_ref sref = proctable_ref(e->table, self);

				handle_fork(e, ev, sc, self, now_ms);
				self = proctable_get(e->table, sref);
			}
		}
	}
	return self ? proctable_ref(e->table, self) : (struct proc_ref){ 0 };
}

/* ---------------------------------------------------------------------------
 * The result.
 */

static void describe(const struct enricher *e, const struct proc *p, struct enrich_proc *ret)
{
	*ret = (struct enrich_proc){ 0 };
	if (!p)
		return;
	ret->present = true;
	ret->pid = p->pid;
	ret->ppid = p->ppid;
	ret->key = p->key;
	ret->comm = p->comm[0] ? p->comm : NULL;
	ret->exe = p->exe;
	ret->container = p->has_container && e->o.container ? p->container : NULL;
	if (e->o.systemd && p->services) {
		ret->services = p->services;
		for (size_t off = 0; off < p->services_len; off += strlen(p->services + off) + 1)
			ret->n_services++;
	}
}

/* SPAWNED_BY: the pre-exec self when it exec'd without a fork, else the parent. */
static struct proc *spawned_by(struct enricher *e, struct proc *p)
{
	struct proc *prev = proctable_get(e->table, p->previous_self);

	if (p->origin == PROC_FROM_EXEC && prev)
		return prev->origin == PROC_FROM_FORK ? proctable_get(e->table, prev->parent) : prev;
	return proctable_get(e->table, p->parent);
}

static void add_groups(struct enricher *e, uint32_t uid)
{
	const char *list = userdb_user_groups(e->o.userdb, uid);
	size_t n = 1;
	char *s;

	if (!list)
		return;
	/* The same user as the last event's, and the same groups: as split then. */
	if (e->groups_src && e->groups_uid == uid && strcmp(e->groups_src, list) == 0) {
		e->out.uid_groups = e->groups;
		e->out.n_uid_groups = e->groups_n;
		return;
	}
	free(e->groups_src);
	e->groups_src = strdup(list);
	if (!e->groups_src)
		return;
	e->groups_uid = uid;
	e->groups_n = 0;
	free(e->groups_text);
	e->groups_text = strdup(list);
	if (!e->groups_text)
		return;
	for (const char *c = list; *c; c++)
		n += *c == '\n';
	if (!*list)
		n = 0;
	if (n + 1 > e->groups_cap) {
		const char **g = realloc(e->groups, (n + 1) * sizeof(*g));

		if (!g)
			return;
		e->groups = g;
		e->groups_cap = n + 1;
	}
	n = 0;
	for (s = e->groups_text; *list && s;) {
		char *nl = strchr(s, '\n');

		e->groups[n++] = s;
		if (nl)
			*nl++ = '\0';
		s = nl;
	}
	e->groups_n = n;
	e->out.uid_groups = e->groups;
	e->out.n_uid_groups = n;
}

/* Does KEY (LEN bytes) name a process: "pid", "ppid", "opid", ... ? */
static bool is_pid_key(const char *key, size_t len)
{
	return len >= 3 && memcmp(key + len - 3, "pid", 3) == 0;
}

/* Resolves the other *pid fields of EV into e->pids (refs first: lookups may insert). */
static void add_pidobjs(struct enricher *e, const struct event *ev, const struct record *sc, uint64_t now_ms)
{
	struct proc_ref refs[ENRICH_MAX_PIDOBJS];
	size_t n = 0;

	for (const struct record *r = ev->records; r; r = r->next) {
		for (size_t i = 0; i < r->n_fields && n < ENRICH_MAX_PIDOBJS; i++) {
			const struct field *f = &r->fields[i];
			uint64_t pid = 0;
			const char *v = record_val(r, f);
			struct proc *p;
			bool dup = false;

			if (r == sc || f->enriched || !is_pid_key(record_key(r, f), f->key_len) ||
			    f->kind != VALUE_BARE || f->val_len == 0 || f->val_len > 10)
				continue;
			for (size_t k = 0; k < f->val_len; k++)
				pid = v[k] >= '0' && v[k] <= '9' ? pid * 10 + (uint64_t)(v[k] - '0') : UINT64_MAX;
			if (pid == 0 || pid > UINT32_MAX)
				continue;
			for (size_t k = 0; k < n && !dup; k++)
				dup = e->pids[k].pid == pid;
			if (dup)
				continue;
			p = proctable_current(e->table, (uint32_t)pid);
			if (!p)
				p = read_proc(e, (uint32_t)pid, event_ms(&ev->id), NULL, now_ms);
			e->pids[n].pid = (uint32_t)pid;
			refs[n++] = proctable_ref(e->table, p);
		}
	}
	for (size_t k = 0; k < n; k++)
		describe(e, proctable_get(e->table, refs[k]), &e->pids[k].proc);
	e->out.pids = e->pids;
	e->out.n_pids = n;
}

static const struct enrichment *enrich_one(struct enricher *e, const struct event *ev, uint64_t now_ms)
{
	const struct record *sc = find_record(ev, AUDIT_SYSCALL);
	struct sc_info si;      /* not zeroed whole: exe is 4 KiB, set before use */
	struct proc_ref self = { 0 };
	struct proc *p;
	size_t n_labels = 0;
	uint64_t uid;

	si.pid = si.ppid = 0;
	memset(si.comm, 0, sizeof(si.comm));
	si.exe[0] = '\0';
	si.has_exe = false;
	si.script = false;
	if (sc)
		sc_fields_find(sc, &e->scf);
	e->out = (struct enrichment){
		.ppid_verbose = e->o.ppid_verbose,
		.show_container = e->o.container,
		.show_services = e->o.systemd,
	};
	if (sc && fval_pid(sc, e->scf.f[SCF_PID], &si.pid) && fval_pid(sc, e->scf.f[SCF_PPID], &si.ppid)) {
		char comm[64];

		long len = fval_string(sc, e->scf.f[SCF_COMM], comm, sizeof(comm));

		if (len >= 0)
			memcpy(si.comm, comm, (size_t)len < sizeof(si.comm) - 1 ? (size_t)len : sizeof(si.comm) - 1);
		si.has_exe = fval_string(sc, e->scf.f[SCF_EXE], si.exe, sizeof(si.exe)) >= 0;
		self = handle_syscall(e, ev, sc, &si, now_ms);
	}
	if (e->o.pid)
		add_pidobjs(e, ev, sc, now_ms);
	if (!sc)
		return e->out.n_pids ? &e->out : NULL;

	/* No more inserts: entries stay where they are until the next call. */
	e->out.syscall = true;
	p = proctable_get(e->table, self);
	if (p) {
		struct proc *parent = proctable_get(e->table, p->parent);

		if (e->o.pid) {
			describe(e, p, &e->out.pid);
			/*
			 * The event's ppid (init after a re-parenting; ANCESTORS
			 * keep the lineage): the linked parent when it has that
			 * pid, even if it exited, else whoever has the pid now.
			 */
			describe(e, parent && parent->pid == si.ppid ? parent
				    : si.ppid ? proctable_current(e->table, si.ppid) : NULL, &e->out.ppid);
		}
		if (e->o.spawned_by)
			describe(e, spawned_by(e, p), &e->out.spawned_by);
		for (struct proc *a = parent; a && e->out.n_ancestors < e->o.ancestors;
		     a = proctable_get(e->table, a->parent))
			describe(e, a, &e->ancestors[e->out.n_ancestors++]);
		e->out.ancestors = e->ancestors;
		for (unsigned bit = 0; bit < LABELS_MAX && e->o.labels; bit++)
			if (p->labels & UINT64_C(1) << bit)
				e->labels[n_labels++] = labels_name(e->o.labels, bit);
		e->out.labels = e->labels;
		e->out.n_labels = n_labels;
	}
	if (si.script && e->o.script)
		e->out.script = e->script;
	if (e->o.uid_groups && e->o.userdb && fval_u64(sc, e->scf.f[SCF_UID], &uid) && uid <= UINT32_MAX)
		add_groups(e, (uint32_t)uid);
	return &e->out;
}

const struct enrichment *enrich_event(struct enricher *e, const struct event *ev, uint64_t now_ms)
{
	const struct enrichment *out;

	/* An event from the future (a skewed clock) counts as fresh. */
	if (e->o.proc_max_age_ms) {
		uint64_t now = clock_ms(CLOCK_REALTIME), t = event_ms(&ev->id);

		e->stale = now > t && now - t > e->o.proc_max_age_ms;
	}
	out = enrich_one(e, ev, now_ms);
	e->stale = false;
	return out;
}
