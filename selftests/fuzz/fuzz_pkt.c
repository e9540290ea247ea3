// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kmod/core/pkt.c. Any input: no crash, no ASan/UBSan
 * report, and the parsers' invariants hold (every offset they report lies
 * inside the bytes they were given), else abort(). The checksum helpers
 * are cross-checked against each other on the same bytes.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I kmod/core \
 *	selftests/fuzz/fuzz_pkt.c kmod/core/pkt.c -o fuzz_pkt
 *   ./fuzz_pkt -max_total_time=30
 */
#include <stdint.h>
#include <stdlib.h>
#include "pkt.h"

#define REQUIRE(c) do { if (!(c)) abort(); } while (0)

/* A field of size bytes at off is inside the first lim bytes. */
static void inside(uint32_t off, uint32_t size, uint32_t lim)
{
	REQUIRE(off <= lim && size <= lim - off);
}

static void check_v4(const struct sw_pkt_ipv4 *p, size_t len)
{
	REQUIRE(p->avail <= len && p->avail <= p->tot_len);
	REQUIRE(p->hdr_len >= 20 && p->hdr_len <= 60 && p->hdr_len <= p->avail);
	REQUIRE(p->l4_off == p->hdr_len);
	REQUIRE(p->truncated == (len < p->tot_len));
	REQUIRE((uint32_t)p->frag_off * 8 + p->tot_len - p->hdr_len <= 0xffff);
	if (p->frag_off)
		REQUIRE(p->flags == 0);
	if (p->flags & SW_PKT_F_PORTS) {
		inside(p->sport_off, 2, p->avail);
		inside(p->dport_off, 2, p->avail);
	}
	if (p->flags & SW_PKT_F_L4CSUM)
		inside(p->csum_off, 2, p->avail);
	if (p->flags & SW_PKT_F_TCPFLAGS)
		inside(p->l4_off + 13, 1, p->avail);
	if (p->flags & SW_PKT_F_ICMP)
		inside(p->l4_off, 2, p->avail);
	if (p->flags & SW_PKT_F_ICMP_ID)
		inside(p->icmp_id_off, 2, p->avail);
	if (p->flags & SW_PKT_F_ICMP_ERR)
		inside(p->inner_off, 1, p->avail);
}

static void fuzz_v4(const uint8_t *data, size_t size)
{
	struct sw_pkt_ipv4 p, q;
	int rc = sw_pkt_parse_ipv4(data, size, &p);

	REQUIRE(rc <= 0 && rc >= SW_PKT_EEXTMANY);
	if (rc)
		return;
	check_v4(&p, size);
	/* RFC 5508 4: the embedded packet, one level deep, as icmp.c will */
	if (!(p.flags & SW_PKT_F_ICMP_ERR))
		return;
	rc = sw_pkt_parse_ipv4(data + p.inner_off, p.avail - p.inner_off, &q);
	if (rc == 0)
		check_v4(&q, p.avail - p.inner_off);
}

static bool is_ext(uint8_t nh)
{
	return nh == SW_IPPROTO_HOPOPTS || nh == SW_IPPROTO_ROUTING ||
	       nh == SW_IPPROTO_DSTOPTS || nh == SW_IPPROTO_FRAGMENT;
}

static void fuzz_v6(const uint8_t *data, size_t size)
{
	struct sw_pkt_ipv6 p;
	int rc = sw_pkt_parse_ipv6(data, size, &p);

	REQUIRE(rc <= 0 && rc >= SW_PKT_EEXTMANY);
	if (rc)
		return;
	REQUIRE(p.avail <= size && p.avail <= 40 + p.payload_len);
	REQUIRE(p.l4_off >= 40 && p.l4_off <= p.avail);
	REQUIRE(p.n_ext <= SW_PKT_MAX_EXTHDRS);
	REQUIRE(p.saddr == data + 8 && p.daddr == data + 24);
	if (p.frag)
		inside(p.frag_hdr_off, 8, p.avail);
	if (is_ext(p.nexthdr))
		REQUIRE(p.frag && p.frag_off != 0);
}

/* Whole-buffer sum == sum of an even-length split; RFC 1624 == full. */
static void fuzz_csum(const uint8_t *data, size_t size)
{
	uint32_t whole, split;
	size_t cut = (size / 2) & ~(size_t)1;
	uint16_t c0, c1, m, m2;

	whole = sw_csum_partial(data, size, 0);
	split = sw_csum_partial(data + cut, size - cut,
				sw_csum_partial(data, cut, 0));
	REQUIRE(sw_csum_fold(whole) == sw_csum_fold(split));
	if (size < 4)
		return;
	/* replace the first word by the second; compare with a full sum */
	m = (uint16_t)(data[0] << 8 | data[1]);
	m2 = (uint16_t)(data[2] << 8 | data[3]);
	c0 = sw_csum_fold(whole);
	c1 = sw_csum_fold(sw_csum_partial(data + 2, size - 2, m2));
	/* equal as ones'-complement numbers (0 and 0xffff are both zero) */
	REQUIRE(sw_csum_update16(c0, m, m2) % 0xffff == c1 % 0xffff);
	REQUIRE(sw_csum_udp_update16(0, m, m2) == 0);
	REQUIRE(sw_csum_udp_update16(c0 | 1, m, m2) != 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_v4(data, size);
	fuzz_v6(data, size);
	fuzz_csum(data, size);
	return 0;
}
