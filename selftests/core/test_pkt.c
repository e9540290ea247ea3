// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/core/pkt.c: IPv4/IPv6 parsing (fields, every rejection reason,
 * truncated packets embedded in ICMP errors, IPv6 extension headers) and
 * checksum arithmetic: RFC 1071 / RFC 1624 vectors, and incremental updates
 * checked against a full recomputation (independent reference) over random
 * TCP/UDP packets with random address+port rewrites, including UDP's zero
 * checksum. Seeded; SW_SEED=n replays.
 */
#include <time.h>
#include <unistd.h>
#include "../../kmod/core/pkt.h"
#include "../../kmod/core/tcpstate.h"
#define TAP_WANT_RNG	/* rnd(), seed, TAP_MAIN_SEEDED */
#include "tap.h"


static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v >> 16);
	put16(p + 2, v);
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Reference RFC 1071 checksum, written independently of pkt.c. */
static uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i < n; i++)
		s += i & 1 ? p[i] : (uint32_t)p[i] << 8;
	return s;
}

static uint16_t ref_fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* --- packet builder -------------------------------------------------- */

#define SADDR	0xc0000201u	/* 192.0.2.1 */
#define DADDR	0xcb007105u	/* 203.0.113.5 */

/* IPv4 header (ihl words) + L4; returns total length. Checksums valid. */
static size_t build_v4(uint8_t *b, unsigned int ihl, uint8_t proto,
		       size_t l4len, uint32_t saddr, uint32_t daddr)
{
	size_t hl = ihl * 4, tot = hl + l4len, i;

	for (i = 0; i < tot; i++)
		b[i] = (uint8_t)rnd();
	b[0] = (uint8_t)(0x40 | ihl);
	put16(b + 2, (uint32_t)tot);
	put16(b + 6, 0x4000);		/* DF, offset 0 */
	b[9] = proto;
	put16(b + 10, 0);
	put32(b + 12, saddr);
	put32(b + 16, daddr);
	put16(b + 10, ref_fold(ref_sum(b, hl, 0)));
	return tot;
}

static uint32_t ref_pseudo(const uint8_t *ip, uint8_t proto, size_t l4len)
{
	uint32_t s = ref_sum(ip + 12, 8, 0);

	return s + proto + (uint32_t)l4len;
}

/* Recompute the L4 checksum of a TCP/UDP packet built by build_v4(). */
static uint16_t ref_l4_csum(uint8_t *b, bool udp_keep_zero)
{
	size_t hl = (b[0] & 15) * 4, tot = get16(b + 2), l4len = tot - hl;
	uint8_t proto = b[9];
	size_t co = hl + (proto == SW_IPPROTO_TCP ? 16 : 6);
	uint16_t saved = get16(b + co), c;

	if (proto == SW_IPPROTO_UDP && udp_keep_zero && saved == 0)
		return 0;
	put16(b + co, 0);
	c = ref_fold(ref_sum(b + hl, l4len, ref_pseudo(b, proto, l4len)));
	put16(b + co, saved);
	if (proto == SW_IPPROTO_UDP && c == 0)
		c = 0xffff;		/* RFC 768 */
	return c;
}

static uint16_t ref_ip_csum(uint8_t *b)
{
	size_t hl = (b[0] & 15) * 4;
	uint16_t saved = get16(b + 10), c;

	put16(b + 10, 0);
	c = ref_fold(ref_sum(b, hl, 0));
	put16(b + 10, saved);
	return c;
}

static size_t build_l4(uint8_t *b, uint8_t proto, size_t payload)
{
	size_t hdr = proto == SW_IPPROTO_TCP ? 20 : 8;
	size_t tot = build_v4(b, 5 + rnd() % 3, proto, hdr + payload, rnd(), rnd());
	size_t hl = (b[0] & 15) * 4;

	if (proto == SW_IPPROTO_UDP)
		put16(b + hl + 4, (uint32_t)(hdr + payload));
	else
		b[hl + 12] = 0x50;
	put16(b + hl + (proto == SW_IPPROTO_TCP ? 16 : 6), ref_l4_csum(b, false));
	return tot;
}

/* --- IPv4 parsing ------------------------------------------------------ */

static void test_ipv4_tcp_fields(void)
{
	uint8_t b[128];
	struct sw_pkt_ipv4 p;
	size_t n = build_v4(b, 6, SW_IPPROTO_TCP, 20 + 10, SADDR, DADDR);

	put16(b + 4, 0x1234);
	b[8] = 63;
	put16(b + 24, 40000);
	put16(b + 26, 443);
	b[24 + 13] = SW_TCPF_SYN | SW_TCPF_ACK;
	put16(b + 10, 0);
	put16(b + 10, ref_fold(ref_sum(b, 24, 0)));
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == SW_PKT_OK, "parse");
	CHECK(p.hdr_len == 24 && p.tot_len == n && p.avail == n && !p.truncated,
	      "lens %u %u %u", p.hdr_len, p.tot_len, p.avail);
	CHECK(p.hdr_csum_ok, "hdr csum");
	CHECK(p.proto == 6 && p.saddr == SADDR && p.daddr == DADDR &&
	      p.id == 0x1234 && p.ttl == 63 && p.df && !p.mf && !p.frag_off,
	      "fields");
	CHECK(p.l4_off == 24 && p.sport == 40000 && p.dport == 443 &&
	      p.sport_off == 24 && p.dport_off == 26 && p.csum_off == 40,
	      "ports/offsets");
	CHECK(p.flags == (SW_PKT_F_PORTS | SW_PKT_F_L4CSUM | SW_PKT_F_TCPFLAGS),
	      "flags %#x", p.flags);
	CHECK(p.tcp_flags == (SW_TCPF_SYN | SW_TCPF_ACK), "tcp flags");
	b[12] ^= 1;
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == 0 && !p.hdr_csum_ok, "bad csum");
}

/* Ethernet padding after tot_len is not packet data. */
static void test_ipv4_udp_padding(void)
{
	uint8_t b[64];
	struct sw_pkt_ipv4 p;

	memset(b, 0xee, sizeof(b));
	build_v4(b, 5, SW_IPPROTO_UDP, 8, SADDR, DADDR);
	put16(b + 20, 53);
	put16(b + 22, 5353);
	CHECK(sw_pkt_parse_ipv4(b, sizeof(b), &p) == 0, "parse");
	CHECK(p.avail == 28 && !p.truncated, "avail %u", p.avail);
	CHECK(p.sport == 53 && p.dport == 5353 && p.csum_off == 26 &&
	      p.flags == (SW_PKT_F_PORTS | SW_PKT_F_L4CSUM), "udp");
}

static void test_ipv4_icmp_echo(void)
{
	uint8_t b[64];
	struct sw_pkt_ipv4 p;
	size_t n = build_v4(b, 5, SW_IPPROTO_ICMP, 16, SADDR, DADDR);

	b[20] = SW_ICMP_ECHO;
	b[21] = 0;
	put16(b + 24, 0xbeef);
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == 0, "parse");
	CHECK(p.icmp_type == 8 && p.icmp_id == 0xbeef && p.icmp_id_off == 24 &&
	      p.csum_off == 22 && p.flags == (SW_PKT_F_ICMP | SW_PKT_F_L4CSUM |
					      SW_PKT_F_ICMP_ID), "echo");
	b[20] = 13;	/* timestamp: not an echo, not an error */
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == 0 &&
	      p.flags == (SW_PKT_F_ICMP | SW_PKT_F_L4CSUM), "type 13");
}

/* RFC 5508 4 / RFC 7597 8.2: an error quoting a truncated TCP packet. */
static void test_ipv4_icmp_error_inner(void)
{
	static const uint8_t types[] = { 3, 11, 12 };
	uint8_t b[200], inner[80];
	struct sw_pkt_ipv4 p, q;
	size_t in = build_v4(inner, 5, SW_IPPROTO_TCP, 60, DADDR, SADDR), n;

	put16(inner + 20, 1234);
	put16(inner + 22, 80);
	for (unsigned int t = 0; t < 3; t++) {
		n = build_v4(b, 5, SW_IPPROTO_ICMP, 8 + 28, 0xc6336401u, SADDR);
		b[20] = types[t];
		b[21] = 4;
		memcpy(b + 28, inner, 28);	/* header + 8 bytes, RFC 792 */
		CHECK(sw_pkt_parse_ipv4(b, n, &p) == 0, "outer");
		CHECK(p.flags & SW_PKT_F_ICMP_ERR && p.inner_off == 28 &&
		      p.icmp_type == types[t] && p.icmp_code == 4, "type %u", types[t]);
		CHECK(sw_pkt_parse_ipv4(b + p.inner_off, n - p.inner_off, &q) == 0,
		      "inner");
		CHECK(q.truncated && q.tot_len == in && q.avail == 28, "inner trunc");
		CHECK(q.sport == 1234 && q.dport == 80 && q.saddr == DADDR &&
		      (q.flags & SW_PKT_F_PORTS), "inner ports");
		CHECK(!(q.flags & (SW_PKT_F_L4CSUM | SW_PKT_F_TCPFLAGS)),
		      "inner TCP csum is not in 8 bytes");
	}
	(void)in;
}

static void test_ipv4_rejects(void)
{
	uint8_t b[64];
	struct sw_pkt_ipv4 p;
	size_t n;

	n = build_v4(b, 5, SW_IPPROTO_UDP, 8, SADDR, DADDR);
	CHECK(sw_pkt_parse_ipv4(b, 19, &p) == SW_PKT_ESHORT, "short");
	CHECK(sw_pkt_parse_ipv4(b, 0, &p) == SW_PKT_ESHORT, "empty");
	b[0] = 0x65;
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == SW_PKT_EVERSION, "version");
	b[0] = 0x44;
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == SW_PKT_EIHL, "ihl 4");
	b[0] = 0x48;	/* 32 bytes of header in a 28-byte buffer */
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == SW_PKT_EHDRLEN, "ihl*4 > len");
	b[0] = 0x45;
	put16(b + 2, 19);
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == SW_PKT_ETOTLEN, "tot_len < 20");
	put16(b + 2, 28);
	put16(b + 6, 0x1fff);	/* 65528 + 8 > 65535 */
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == SW_PKT_EFRAG, "ping of death");
	put16(b + 6, 0x1ffe);	/* 65520 + 8 + 7 stop short of 65536 */
	put16(b + 2, 27);
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == SW_PKT_OK, "max fragment");
}

/* Later fragments carry no L4 header; MF on offset 0 still has one. */
static void test_ipv4_fragments(void)
{
	uint8_t b[64];
	struct sw_pkt_ipv4 p;
	size_t n = build_v4(b, 5, SW_IPPROTO_UDP, 16, SADDR, DADDR);

	put16(b + 6, 0x2000);
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == 0 && p.mf && !p.df &&
	      (p.flags & SW_PKT_F_PORTS), "first fragment");
	put16(b + 6, 0x0003);
	CHECK(sw_pkt_parse_ipv4(b, n, &p) == 0 && p.frag_off == 3 &&
	      p.flags == 0, "later fragment: flags %#x", p.flags);
}

/* Every prefix of every packet: present fields lie inside the buffer. */
static void test_ipv4_all_truncations(void)
{
	static const uint8_t protos[] = { SW_IPPROTO_TCP, SW_IPPROTO_UDP,
					  SW_IPPROTO_ICMP };
	uint8_t b[128];
	struct sw_pkt_ipv4 p;
	size_t n, len;

	for (unsigned int i = 0; i < 3; i++) {
		n = build_v4(b, 5 + i, protos[i], 40, SADDR, DADDR);
		b[4 * (5 + i)] = 3;	/* ICMP: dest unreachable */
		for (len = 0; len <= n; len++) {
			int rc = sw_pkt_parse_ipv4(b, len, &p);

			CHECK((rc == 0) == (len >= 4 * (5 + i)), "len %zu rc %d", len, rc);
			if (rc)
				continue;
			CHECK(p.truncated == (len < n) && p.avail == len, "trunc");
			if (p.flags & SW_PKT_F_PORTS)
				CHECK(p.dport_off + 2 <= len, "dport %zu", len);
			if (p.flags & SW_PKT_F_L4CSUM)
				CHECK(p.csum_off + 2 <= len, "csum %zu", len);
			if (p.flags & SW_PKT_F_TCPFLAGS)
				CHECK(p.l4_off + 14 <= len, "tcpflags %zu", len);
			if (p.flags & SW_PKT_F_ICMP_ERR)
				CHECK(p.inner_off < len, "inner %zu", len);
			if (len == n)
				CHECK(p.flags & SW_PKT_F_L4CSUM, "full packet");
		}
	}
}

/* --- IPv6 parsing ------------------------------------------------------ */

static size_t v6_hdr(uint8_t *b, uint8_t nh, uint32_t plen)
{
	memset(b, 0, 40 + plen);
	b[0] = 0x6a;		/* tclass 0xab, flow label 0xcdef1 */
	b[1] = 0xbc;
	b[2] = 0xde;
	b[3] = 0xf1;
	put16(b + 4, plen);
	b[6] = nh;
	b[7] = 64;
	b[8] = 0x20;
	b[39] = 2;
	return 40 + plen;
}

/* Append an extension header of 8 * (units + 1) bytes at off. */
static uint32_t v6_ext(uint8_t *b, uint32_t off, uint8_t nh, uint8_t units)
{
	b[off] = nh;
	b[off + 1] = units;
	return off + 8 * (units + 1u);
}

static void test_ipv6_plain(void)
{
	uint8_t b[100];
	struct sw_pkt_ipv6 p;
	size_t n = v6_hdr(b, SW_IPPROTO_IPIP, 20);

	CHECK(sw_pkt_parse_ipv6(b, n, &p) == 0, "parse");
	CHECK(p.tclass == 0xab && p.flow_label == 0xcdef1 && p.hop_limit == 64 &&
	      p.payload_len == 20 && p.avail == 60 && !p.truncated, "fields");
	CHECK(p.nexthdr == 4 && p.l4_off == 40 && p.n_ext == 0 && !p.frag, "nh");
	CHECK(p.saddr == b + 8 && p.daddr == b + 24, "addrs");
	CHECK(sw_pkt_parse_ipv6(b, 39, &p) == SW_PKT_ESHORT, "short");
	b[0] = 0x4a;
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == SW_PKT_EVERSION, "version");
}

static void test_ipv6_exthdrs(void)
{
	uint8_t b[200];
	struct sw_pkt_ipv6 p;
	size_t n = v6_hdr(b, SW_IPPROTO_HOPOPTS, 8 + 16 + 8 + 8 + 20);

	/* 40 HBH(8) -> 48 DSTOPTS(16) -> 64 ROUTING(8) -> 72 FRAG -> 80 IPIP */
	v6_ext(b, 40, SW_IPPROTO_DSTOPTS, 0);
	v6_ext(b, 48, SW_IPPROTO_ROUTING, 1);
	v6_ext(b, 64, SW_IPPROTO_FRAGMENT, 0);
	b[72] = SW_IPPROTO_IPIP;
	put16(b + 74, 0x0001);		/* offset 0, M */
	put32(b + 76, 0xdeadbeef);
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == 0, "parse");
	CHECK(p.n_ext == 4 && p.nexthdr == 4 && p.l4_off == 80,
	      "n %u nh %u off %u", p.n_ext, p.nexthdr, p.l4_off);
	CHECK(p.frag && p.frag_hdr_off == 72 && p.frag_off == 0 && p.frag_mf &&
	      p.frag_id == 0xdeadbeef, "frag");
	/* truncated inside the destination options header */
	CHECK(sw_pkt_parse_ipv6(b, 60, &p) == SW_PKT_EEXTHDR, "truncated");
	/* later fragment: stop after the fragment header */
	b[72] = SW_IPPROTO_DSTOPTS;
	put16(b + 74, 0x0008);
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == 0 && p.frag_off == 1 &&
	      !p.frag_mf && p.nexthdr == SW_IPPROTO_DSTOPTS && p.l4_off == 80 &&
	      p.n_ext == 4, "later fragment nh %u off %u", p.nexthdr, p.l4_off);
	put16(b + 74, 0);
	b[72] = SW_IPPROTO_FRAGMENT;		/* two fragment headers */
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == SW_PKT_EEXTORDER, "2 frag");
	b[72] = SW_IPPROTO_HOPOPTS;		/* hop-by-hop not first */
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == SW_PKT_EEXTORDER, "hbh not first");
}

static void test_ipv6_too_many(void)
{
	uint8_t b[200];
	struct sw_pkt_ipv6 p;
	uint32_t off = 40, i;
	size_t n = v6_hdr(b, SW_IPPROTO_DSTOPTS, 9 * 8 + 8);

	for (i = 0; i < 9; i++)
		off = v6_ext(b, off, i < 8 ? SW_IPPROTO_DSTOPTS : SW_IPPROTO_UDP, 0);
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == SW_PKT_EEXTMANY, "9 headers");
	b[40 + 7 * 8] = SW_IPPROTO_UDP;		/* now 8 */
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == 0 && p.n_ext == 8 &&
	      p.nexthdr == SW_IPPROTO_UDP && p.l4_off == 40 + 64, "8 headers");
	/* payload length says less than the buffer: headers past it */
	put16(b + 4, 16);
	CHECK(sw_pkt_parse_ipv6(b, n, &p) == SW_PKT_EEXTHDR, "beyond plen");
}

/* --- checksums ---------------------------------------------------------- */

static void test_csum_vectors(void)
{
	/* RFC 1071 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	/* a well-known IPv4 header, checksum b861 */
	static const uint8_t h[] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
				     0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01,
				     0xc0, 0xa8, 0x00, 0xc7 };
	uint8_t z[20];
	uint32_t s;

	CHECK(sw_csum_fold(sw_csum_partial(v, 8, 0)) == (uint16_t)~0xddf2, "1071");
	memcpy(z, h, 20);
	z[10] = z[11] = 0;
	CHECK(sw_csum_fold(sw_csum_partial(z, 20, 0)) == 0xb861, "ipv4 hdr");
	CHECK(sw_csum_fold(sw_csum_partial(h, 20, 0)) == 0, "verify");
	/* chunks of even length, then an odd tail */
	s = sw_csum_partial(v, 4, 0);
	s = sw_csum_partial(v + 4, 3, s);
	CHECK(sw_csum_fold(s) == ref_fold(ref_sum(v, 7, 0)), "chunked odd");
	/* RFC 1624 4: eqn 3 gives 0x0000 where eqn 2 gave 0xffff */
	CHECK(sw_csum_update16(0xdd2f, 0x5555, 0x3285) == 0x0000, "1624");
	CHECK(sw_csum_udp_update16(0xdd2f, 0x5555, 0x3285) == 0xffff, "udp 0");
	CHECK(sw_csum_udp_update16(0, 0x5555, 0x3285) == 0, "udp none");
	CHECK(sw_csum_udp_update32(0, 1, 2) == 0, "udp none 32");
	CHECK(sw_csum_udp_final(0) == 0xffff && sw_csum_udp_final(7) == 7, "final");
	/* large sums do not lose carries */
	s = 0xffffffffu;
	CHECK(sw_csum_fold(sw_csum_partial(v, 8, s)) ==
	      ref_fold(ref_sum(v, 8, 0) % 0xffff + 0xffffffffu % 0xffff), "carry");
}

static void test_csum_pseudo(void)
{
	uint8_t a[16], c[16], buf[40];
	uint32_t l = 70000;

	for (int i = 0; i < 16; i++) {
		a[i] = (uint8_t)rnd();
		c[i] = (uint8_t)rnd();
	}
	memcpy(buf, a, 16);
	memcpy(buf + 16, c, 16);
	put32(buf + 32, l);
	buf[36] = buf[37] = buf[38] = 0;
	buf[39] = SW_IPPROTO_ICMPV6;
	CHECK(sw_csum_fold(sw_csum_pseudo_v6(a, c, SW_IPPROTO_ICMPV6, l)) ==
	      ref_fold(ref_sum(buf, 40, 0)), "v6 pseudo");
	put32(buf, SADDR);
	put32(buf + 4, DADDR);
	buf[8] = 0;
	buf[9] = SW_IPPROTO_UDP;
	put16(buf + 10, 1480);
	CHECK(sw_csum_fold(sw_csum_pseudo_v4(SADDR, DADDR, SW_IPPROTO_UDP, 1480)) ==
	      ref_fold(ref_sum(buf, 12, 0)), "v4 pseudo");
}

/* Make the UDP checksum computed over b come out as 0 (sent as 0xffff). */
static void force_udp_zero(uint8_t *b)
{
	size_t hl = (b[0] & 15) * 4, l4 = get16(b + 2) - hl;
	uint32_t s;

	put16(b + hl + 6, 0);
	put16(b + hl + 8, 0);		/* first payload word */
	s = ref_sum(b + hl, l4, ref_pseudo(b, SW_IPPROTO_UDP, l4));
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	put16(b + hl + 8, 0xffff - s);	/* sum becomes 0xffff */
	put16(b + hl + 6, 0xffff);
}

/* NAPT rewrite of source address and port, incrementally (RFC 1624). */
static void rewrite(uint8_t *b, uint32_t naddr, uint16_t nport)
{
	struct sw_pkt_ipv4 p;
	uint32_t oaddr;
	uint16_t oport, c;
	bool udp;

	if (sw_pkt_parse_ipv4(b, get16(b + 2), &p) ||
	    !(p.flags & SW_PKT_F_L4CSUM))
		abort();
	udp = p.proto == SW_IPPROTO_UDP;
	oaddr = p.saddr;
	oport = p.sport;
	put16(b + 10, sw_csum_update32(get16(b + 10), oaddr, naddr));
	c = get16(b + p.csum_off);
	c = udp ? sw_csum_udp_update32(c, oaddr, naddr) :
		  sw_csum_update32(c, oaddr, naddr);
	c = udp ? sw_csum_udp_update16(c, oport, nport) :
		  sw_csum_update16(c, oport, nport);
	put16(b + p.csum_off, c);
	put32(b + 12, naddr);
	put16(b + p.sport_off, nport);
}

static void check_rewrite(uint8_t *b, int kind, unsigned int *mism)
{
	uint32_t naddr = rnd();
	uint16_t nport = (uint16_t)rnd(), before;
	bool udp = b[9] == SW_IPPROTO_UDP;
	size_t co = (b[0] & 15) * 4 + (udp ? 6 : 16);

	if (kind == 1)
		put16(b + co, 0);		/* UDP without checksum */
	else if (kind == 2)
		force_udp_zero(b);		/* computed 0, sent 0xffff */
	before = get16(b + co);
	if (kind == 3) {
		/* pick the rewrite so that the result computes to 0 */
		uint8_t t[128];

		memcpy(t, b, get16(b + 2));
		put32(t + 12, naddr);
		put16(t + (b[0] & 15) * 4, nport);
		force_udp_zero(t);
		memcpy(b + (b[0] & 15) * 4 + 8, t + (b[0] & 15) * 4 + 8, 2);
		put16(b + co, ref_l4_csum(b, false));
	}
	rewrite(b, naddr, nport);
	if (get16(b + 10) != ref_ip_csum(b) ||
	    get16(b + co) != ref_l4_csum(b, true) ||
	    (kind == 1 && get16(b + co) != 0) ||
	    (udp && get16(b + co) == 0 && before != 0) ||
	    (kind == 3 && get16(b + co) != 0xffff)) {
		if (++*mism <= 5)
			printf("# kind %d proto %u: ip %04x/%04x l4 %04x/%04x\n",
			       kind, b[9], get16(b + 10), ref_ip_csum(b),
			       get16(b + co), ref_l4_csum(b, true));
	}
}

static void test_csum_incremental_random(void)
{
	uint8_t b[128];
	unsigned int i, mism = 0;

	printf("# seed %llu (SW_SEED=%llu replays)\n", seed, seed);
	for (i = 0; i < 200000; i++) {
		bool udp = i & 1;
		int kind = udp ? (int)(i / 2 % 4) : 0;

		build_l4(b, udp ? SW_IPPROTO_UDP : SW_IPPROTO_TCP,
			 (kind >= 2 ? 2 : 0) + rnd() % 64);
		check_rewrite(b, kind, &mism);
	}
	CHECK(mism == 0, "%u mismatches", mism);
}

static const struct tap_test tests[] = {
	{ "ipv4_tcp_fields_options_csum", test_ipv4_tcp_fields },
	{ "ipv4_udp_ethernet_padding", test_ipv4_udp_padding },
	{ "ipv4_icmp_echo_identifier", test_ipv4_icmp_echo },
	{ "ipv4_icmp_errors_truncated_inner", test_ipv4_icmp_error_inner },
	{ "ipv4_reject_each_reason", test_ipv4_rejects },
	{ "ipv4_fragments_l4_first_only", test_ipv4_fragments },
	{ "ipv4_every_truncation_in_bounds", test_ipv4_all_truncations },
	{ "ipv6_fixed_header", test_ipv6_plain },
	{ "ipv6_extension_headers_fragment", test_ipv6_exthdrs },
	{ "ipv6_extension_header_limit", test_ipv6_too_many },
	{ "csum_rfc1071_rfc1624_vectors", test_csum_vectors },
	{ "csum_pseudo_headers", test_csum_pseudo },
	{ "csum_incremental_vs_full_random_nat", test_csum_incremental_random },
};

TAP_MAIN_SEEDED(tests)
