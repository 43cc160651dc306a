// SPDX-License-Identifier: GPL-3.0-or-later
/*
 * sockaddr: the kernel's binary struct sockaddr (SOCKADDR saddr=) to the
 * items of LAUREL's SADDR object (add_translated_socketaddr in LAUREL's
 * src/coalesce.rs, parser in its src/sockaddr.rs, v0.8.2).
 *
 * Families, keys in output order:
 *   local   path (bytes)          abstract: the leading NUL is dropped;
 *                                 either way the path ends at the first NUL
 *   inet    addr, port
 *   inet6   addr, port, flowinfo, scope_id
 *   netlink pid, groups ("0x%x")
 *   vsock   cid, port
 *   ax25    call (7 raw bytes)
 *   atmpvc  itf, vpi, vci (signed)
 *   x25     addr (16 raw bytes, trailing NULs included)
 *   ipx     network ("0x%x"), node (12 hex digits), port, type
 * Any other family is -EAFNOSUPPORT: LAUREL then keeps the raw saddr.
 *
 * Limits and policies, all as in LAUREL:
 * - A buffer shorter than the whole struct of its family is -EBADMSG, even
 *   where the kernel accepts less (a sockaddr_un of 2 + strlen(path) bytes,
 *   the 24-byte RFC 2133 sockaddr_in6); bytes past the struct are ignored.
 *   Struct sizes are those of the common Linux ABIs (x86, arm, ppc, s390,
 *   riscv); sparc and ia64 align sockaddr_atmpvc differently.
 * - The family and the fields the kernel keeps in host order (nl_pid,
 *   nl_groups, svm_port, svm_cid, sin6_scope_id, the ATM numbers) are read
 *   in the audited machine's byte order; LAUREL reads them in its own, so
 *   it cannot decode a big-endian machine's records on a little-endian host.
 * - IPv6 text is Rust's Ipv6Addr Display (std >= 1.72, which LAUREL 0.8.2
 *   is built with): RFC 5952, dotted quad only for ::ffff:a.b.c.d. It is
 *   not inet_ntop(), which also writes ::a.b.c.d for IPv4-compatible
 *   addresses, as LAUREL 0.5.1 (older Rust) did.
 * - A negative ATM number becomes a decimal string: SADDR_NUM is unsigned.
 */
#include "config.h"

#include "sockaddr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

/* Whole-struct sizes: LAUREL decodes nothing shorter. */
#define SA_FAMILY_LEN 2
#define SA_LOCAL_LEN 110  /* sockaddr_un: family + sun_path[108] */
#define SA_LOCAL_PATH_MAX 108
#define SA_INET_LEN 16    /* sockaddr_in */
#define SA_INET6_LEN 28   /* sockaddr_in6, with sin6_scope_id */
#define SA_NETLINK_LEN 12 /* sockaddr_nl */
#define SA_VSOCK_LEN 16   /* sockaddr_vm */
#define SA_AX25_LEN 16    /* sockaddr_ax25: family, call[7], pad, ndigis */
#define SA_AX25_CALL_LEN 7
#define SA_ATMPVC_LEN 12  /* sockaddr_atmpvc: family, pad, itf, vpi, vci */
#define SA_X25_LEN 18     /* sockaddr_x25: family, x25_addr[16] */
#define SA_X25_ADDR_LEN 16
#define SA_IPX_LEN 16     /* sockaddr_ipx */
#define SA_IPX_NODE_LEN 6

#define IN6_WORDS 8

/*
 * The longest families (ipx, inet6) have 4 items; the longest string is
 * an IPv6 address, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" plus NUL.
 */
_Static_assert(SADDR_MAX_ITEMS >= 4, "SADDR_MAX_ITEMS too small");
_Static_assert(SADDR_STR_MAX >= 40, "SADDR_STR_MAX too small");

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* A field in the audited machine's byte order. */
static uint16_t get_h16(const uint8_t *p, bool big_endian)
{
	return big_endian ? get_be16(p) : (uint16_t)(p[1] << 8 | p[0]);
}

static uint32_t get_h32(const uint8_t *p, bool big_endian)
{
	if (big_endian)
		return get_be32(p);
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static struct saddr_item *add_item(struct saddr *sa, const char *key, enum saddr_kind kind)
{
	struct saddr_item *it = &sa->items[sa->n++];

	*it = (struct saddr_item){ .key = key, .kind = kind };
	return it;
}

static void add_num(struct saddr *sa, const char *key, uint64_t num)
{
	add_item(sa, key, SADDR_NUM)->num = num;
}

static void add_bytes(struct saddr *sa, const char *key, const uint8_t *p, size_t len)
{
	struct saddr_item *it = add_item(sa, key, SADDR_BYTES);

	it->bytes = p;
	it->len = len;
}

__attribute__((format(printf, 3, 4)))
static void add_strf(struct saddr *sa, const char *key, const char *fmt, ...)
{
	struct saddr_item *it = add_item(sa, key, SADDR_STR);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(it->str, sizeof(it->str), fmt, ap);
	va_end(ap);
}

/* LAUREL writes i64 numbers; SADDR_NUM cannot hold a negative one. */
static void add_signed(struct saddr *sa, const char *key, int64_t v)
{
	if (v >= 0)
		add_num(sa, key, (uint64_t)v);
	else
		add_strf(sa, key, "%" PRId64, v);
}

/* Appends W[0..N) as lower-case hex groups joined by ':'. */
static size_t put_groups(char *out, size_t size, const uint16_t *w, int n)
{
	size_t len = 0;

	for (int i = 0; i < n && len < size; i++)
		len += (size_t)snprintf(out + len, size - len, i ? ":%x" : "%x", w[i]);
	return len;
}

/*
 * Rust's Ipv6Addr Display: ::ffff:a.b.c.d for IPv4-mapped addresses;
 * otherwise lower-case hex groups with the first longest run of two or
 * more zero groups written as "::".
 */
static void format_in6(const uint8_t *a, char *out, size_t size)
{
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	uint16_t w[IN6_WORDS];
	int best = 0, best_len = 0, cur = 0, cur_len = 0;
	size_t len;

	if (memcmp(a, mapped, sizeof(mapped)) == 0) {
		snprintf(out, size, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	for (int i = 0; i < IN6_WORDS; i++) {
		w[i] = get_be16(a + 2 * i);
		if (w[i] != 0) {
			cur_len = 0;
			continue;
		}
		if (cur_len++ == 0)
			cur = i;
		if (cur_len > best_len) {
			best = cur;
			best_len = cur_len;
		}
	}
	if (best_len < 2) {
		put_groups(out, size, w, IN6_WORDS);
		return;
	}
	len = put_groups(out, size, w, best);
	len += (size_t)snprintf(out + len, size - len, "::");
	put_groups(out + len, size - len, w + best + best_len, IN6_WORDS - best - best_len);
}

static void decode_local(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	const uint8_t *path = buf + SA_FAMILY_LEN;
	size_t max = SA_LOCAL_PATH_MAX;
	const uint8_t *nul;

	/* Abstract socket: the name starts after a NUL. */
	if (path[0] == '\0') {
		path++;
		max--;
	}
	nul = memchr(path, '\0', max);
	add_bytes(sa, "path", path, nul ? (size_t)(nul - path) : max);
}

/* family, be16 port, be32 addr, zero[8] */
static void decode_inet(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	struct saddr_item *it = add_item(sa, "addr", SADDR_STR);

	inet_ntop(AF_INET, buf + 4, it->str, sizeof(it->str));
	add_num(sa, "port", get_be16(buf + 2));
}

/* family, be16 port, be32 flowinfo, addr[16], host-order u32 scope_id */
static void decode_inet6(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	struct saddr_item *it = add_item(sa, "addr", SADDR_STR);

	format_in6(buf + 8, it->str, sizeof(it->str));
	add_num(sa, "port", get_be16(buf + 2));
	add_num(sa, "flowinfo", get_be32(buf + 4));
	add_num(sa, "scope_id", get_h32(buf + 24, big_endian));
}

/* family, pad, host-order u32 pid, host-order u32 groups */
static void decode_netlink(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	add_num(sa, "pid", get_h32(buf + 4, big_endian));
	add_strf(sa, "groups", "0x%" PRIx32, get_h32(buf + 8, big_endian));
}

/* family, reserved, host-order u32 port, host-order u32 cid, flags, zero */
static void decode_vsock(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	add_num(sa, "cid", get_h32(buf + 8, big_endian));
	add_num(sa, "port", get_h32(buf + 4, big_endian));
}

static void decode_ax25(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	add_bytes(sa, "call", buf + SA_FAMILY_LEN, SA_AX25_CALL_LEN);
}

/* family, pad, host-order s16 itf, s16 vpi, s32 vci */
static void decode_atmpvc(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	add_signed(sa, "itf", (int16_t)get_h16(buf + 4, big_endian));
	add_signed(sa, "vpi", (int16_t)get_h16(buf + 6, big_endian));
	add_signed(sa, "vci", (int32_t)get_h32(buf + 8, big_endian));
}

static void decode_x25(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	add_bytes(sa, "addr", buf + SA_FAMILY_LEN, SA_X25_ADDR_LEN);
}

/* family, be16 port, be32 network, node[6], type, zero */
static void decode_ipx(const uint8_t *buf, bool big_endian, struct saddr *sa)
{
	const uint8_t *node = buf + 8;

	add_strf(sa, "network", "0x%" PRIx32, get_be32(buf + 4));
	add_strf(sa, "node", "%02x%02x%02x%02x%02x%02x",
		 node[0], node[1], node[2], node[3], node[4], node[5]);
	add_num(sa, "port", get_be16(buf + 2));
	add_num(sa, "type", buf[8 + SA_IPX_NODE_LEN]);
}

static const struct family {
	uint16_t af;
	const char *name;
	size_t min_len;
	void (*decode)(const uint8_t *buf, bool big_endian, struct saddr *sa);
} families[] = {
	{ AF_LOCAL, "local", SA_LOCAL_LEN, decode_local },
	{ AF_INET, "inet", SA_INET_LEN, decode_inet },
	{ AF_AX25, "ax25", SA_AX25_LEN, decode_ax25 },
	{ AF_IPX, "ipx", SA_IPX_LEN, decode_ipx },
	{ AF_ATMPVC, "atmpvc", SA_ATMPVC_LEN, decode_atmpvc },
	{ AF_X25, "x25", SA_X25_LEN, decode_x25 },
	{ AF_INET6, "inet6", SA_INET6_LEN, decode_inet6 },
	{ AF_NETLINK, "netlink", SA_NETLINK_LEN, decode_netlink },
	{ AF_VSOCK, "vsock", SA_VSOCK_LEN, decode_vsock },
};

int sockaddr_decode(const uint8_t *buf, size_t len, bool big_endian, struct saddr *ret)
{
	const struct family *f = NULL;
	uint16_t af;

	ret->family = NULL;
	ret->n = 0;
	if (len < SA_FAMILY_LEN)
		return -EBADMSG;

	af = get_h16(buf, big_endian);
	for (size_t i = 0; i < sizeof(families) / sizeof(families[0]); i++) {
		if (families[i].af == af) {
			f = &families[i];
			break;
		}
	}
	if (!f)
		return -EAFNOSUPPORT;

	ret->family = f->name;
	if (len < f->min_len)
		return -EBADMSG;
	f->decode(buf, big_endian, ret);
	return 0;
}
