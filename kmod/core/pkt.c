// SPDX-License-Identifier: GPL-2.0
/*
 * Bounds-checked IPv4/IPv6 header parsing and ones'-complement checksum
 * arithmetic (see pkt.h). Every read is preceded by a length check against
 * the bytes of the packet that are actually in the buffer.
 */
#include "pkt.h"

static uint16_t rd16(const uint8_t *p)
{
	return (uint16_t)((uint32_t)p[0] << 8 | p[1]);
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* --- IPv4 (RFC 791) ---------------------------------------------------- */

/* Fixed header and sanity checks. */
static int ipv4_hdr(const uint8_t *buf, size_t len, struct sw_pkt_ipv4 *o)
{
	uint16_t frag;

	if (len < SW_IPV4_HDR_MIN)
		return SW_PKT_ESHORT;
	if (buf[0] >> 4 != 4)
		return SW_PKT_EVERSION;
	o->hdr_len = (uint32_t)(buf[0] & 0x0f) * 4;
	if (o->hdr_len < SW_IPV4_HDR_MIN)
		return SW_PKT_EIHL;
	if (o->hdr_len > len)
		return SW_PKT_EHDRLEN;
	o->tot_len = rd16(buf + 2);
	if (o->tot_len < o->hdr_len)
		return SW_PKT_ETOTLEN;
	frag = rd16(buf + 6);
	o->frag_off = frag & 0x1fff;
	/* RFC 791 3.1: a fragment may not reach past 65535 (ping of death) */
	if ((uint32_t)o->frag_off * 8 + o->tot_len - o->hdr_len > 0xffff)
		return SW_PKT_EFRAG;
	o->mf = frag & 0x2000;
	o->df = frag & 0x4000;
	o->avail = len < o->tot_len ? (uint32_t)len : o->tot_len;
	o->truncated = len < o->tot_len;
	o->tos = buf[1];
	o->id = rd16(buf + 4);
	o->ttl = buf[8];
	o->proto = buf[9];
	o->saddr = rd32(buf + 12);
	o->daddr = rd32(buf + 16);
	o->l4_off = o->hdr_len;
	o->hdr_csum_ok = sw_csum_fold(sw_csum_partial(buf, o->hdr_len, 0)) == 0;
	return SW_PKT_OK;
}

/* TCP (RFC 9293 3.1) and UDP (RFC 768): ports, flags, checksum. */
static void ipv4_ports(const uint8_t *buf, struct sw_pkt_ipv4 *o,
		       uint32_t rem)
{
	uint32_t l4 = o->l4_off;
	bool tcp = o->proto == SW_IPPROTO_TCP;

	if (rem < 4)
		return;
	o->sport_off = l4;
	o->dport_off = l4 + 2;
	o->sport = rd16(buf + l4);
	o->dport = rd16(buf + l4 + 2);
	o->flags |= SW_PKT_F_PORTS;
	if (tcp && rem >= 14) {
		o->tcp_flags = buf[l4 + 13];
		o->flags |= SW_PKT_F_TCPFLAGS;
	}
	if (rem >= (tcp ? 18u : 8u)) {
		o->csum_off = l4 + (tcp ? 16 : 6);
		o->flags |= SW_PKT_F_L4CSUM;
	}
}

static bool icmp_is_error(uint8_t type)
{
	return type == SW_ICMP_DEST_UNREACH || type == SW_ICMP_TIME_EXCEEDED ||
	       type == SW_ICMP_PARAMETERPROB;
}

/*
 * ICMP (RFC 792): echo identifier (RFC 7597 8.2 rewrites it), or for the
 * errors RFC 5508 4 translates, where the embedded packet starts (after the
 * 8-byte ICMP header).
 */
static void ipv4_icmp(const uint8_t *buf, struct sw_pkt_ipv4 *o,
		      uint32_t rem)
{
	uint32_t l4 = o->l4_off;
	uint8_t type;

	if (rem < 2)
		return;
	type = buf[l4];
	o->icmp_type = type;
	o->icmp_code = buf[l4 + 1];
	o->flags |= SW_PKT_F_ICMP;
	if (rem >= 4) {
		o->csum_off = l4 + 2;
		o->flags |= SW_PKT_F_L4CSUM;
	}
	if ((type == SW_ICMP_ECHO || type == SW_ICMP_ECHOREPLY) && rem >= 6) {
		o->icmp_id_off = l4 + 4;
		o->icmp_id = rd16(buf + l4 + 4);
		o->flags |= SW_PKT_F_ICMP_ID;
	}
	if (icmp_is_error(type) && rem > 8) {
		o->inner_off = l4 + 8;
		o->flags |= SW_PKT_F_ICMP_ERR;
	}
}

int sw_pkt_parse_ipv4(const uint8_t *buf, size_t len, struct sw_pkt_ipv4 *out)
{
	uint32_t rem;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = ipv4_hdr(buf, len, out);
	if (rc)
		return rc;
	/* Only the first fragment carries the L4 header (RFC 791 2.3). */
	if (out->frag_off != 0)
		return SW_PKT_OK;
	rem = out->avail - out->l4_off;
	if (out->proto == SW_IPPROTO_TCP || out->proto == SW_IPPROTO_UDP)
		ipv4_ports(buf, out, rem);
	else if (out->proto == SW_IPPROTO_ICMP)
		ipv4_icmp(buf, out, rem);
	return SW_PKT_OK;
}

/* --- IPv6 (RFC 8200) ----------------------------------------------------- */

static bool ipv6_is_ext(uint8_t nh)
{
	return nh == SW_IPPROTO_HOPOPTS || nh == SW_IPPROTO_ROUTING ||
	       nh == SW_IPPROTO_DSTOPTS || nh == SW_IPPROTO_FRAGMENT;
}

/* RFC 8200 4.5: the Fragment header is 8 bytes. */
static int ipv6_frag(const uint8_t *p, uint32_t off, struct sw_pkt_ipv6 *o)
{
	uint16_t fo;

	if (o->frag)
		return SW_PKT_EEXTORDER;	/* never two in one packet */
	fo = rd16(p + 2);
	o->frag = true;
	o->frag_hdr_off = off;
	o->frag_off = fo >> 3;
	o->frag_mf = fo & 1;
	o->frag_id = rd32(p + 4);
	return SW_PKT_OK;
}

/* Skip the extension header at *off whose type is *nh (RFC 8200 4). */
static int ipv6_ext(const uint8_t *buf, struct sw_pkt_ipv6 *o,
		    uint32_t *off, uint8_t *nh)
{
	const uint8_t *p = buf + *off;
	uint32_t hlen = 8;
	int rc;

	/* RFC 8200 4.3: hop-by-hop only immediately after the IPv6 header */
	if (*nh == SW_IPPROTO_HOPOPTS && o->n_ext != 0)
		return SW_PKT_EEXTORDER;
	/* every extension header is at least 8 bytes (RFC 8200 4.3-4.6) */
	if (o->avail - *off < 8)
		return SW_PKT_EEXTHDR;
	if (*nh == SW_IPPROTO_FRAGMENT) {
		rc = ipv6_frag(p, *off, o);
		if (rc)
			return rc;
	} else {
		hlen = ((uint32_t)p[1] + 1) * 8;
		if (hlen > o->avail - *off)
			return SW_PKT_EEXTHDR;
	}
	*nh = p[0];
	*off += hlen;
	return SW_PKT_OK;
}

int sw_pkt_parse_ipv6(const uint8_t *buf, size_t len, struct sw_pkt_ipv6 *out)
{
	uint32_t off = SW_IPV6_HDR_LEN;
	uint8_t nh;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < SW_IPV6_HDR_LEN)
		return SW_PKT_ESHORT;
	if (buf[0] >> 4 != 6)
		return SW_PKT_EVERSION;
	out->tclass = (uint8_t)(buf[0] << 4 | buf[1] >> 4);
	out->flow_label = rd32(buf) & 0xfffff;
	out->payload_len = rd16(buf + 4);
	out->hop_limit = buf[7];
	out->saddr = buf + 8;
	out->daddr = buf + 24;
	out->avail = SW_IPV6_HDR_LEN + out->payload_len;
	out->truncated = len < out->avail;
	if (out->truncated)
		out->avail = (uint32_t)len;
	nh = buf[6];
	/* bounded: at most SW_PKT_MAX_EXTHDRS iterations */
	while (ipv6_is_ext(nh) && !(out->frag && out->frag_off != 0)) {
		if (out->n_ext == SW_PKT_MAX_EXTHDRS)
			return SW_PKT_EEXTMANY;
		rc = ipv6_ext(buf, out, &off, &nh);
		if (rc)
			return rc;
		out->n_ext++;
	}
	out->nexthdr = nh;
	out->l4_off = off;
	return SW_PKT_OK;
}

/* --- Checksums (RFC 1071, RFC 1624) -------------------------------------- */

/* 2^32 == 1 (mod 0xffff): end-around carry at bit 32 keeps the sum. */
static uint32_t fold64(uint64_t s)
{
	s = (s & 0xffffffffu) + (s >> 32);
	s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

static uint16_t fold16(uint32_t s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

uint32_t sw_csum_partial(const uint8_t *buf, size_t len, uint32_t sum)
{
	uint64_t s = sum;
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += rd16(buf + i);
	if (len & 1)
		s += (uint32_t)buf[len - 1] << 8;
	return fold64(s);
}

uint16_t sw_csum_fold(uint32_t sum)
{
	return (uint16_t)~fold16(sum);
}

uint16_t sw_csum_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
	return sw_csum_fold((uint32_t)(uint16_t)~csum + (uint16_t)~old + new_);
}

uint16_t sw_csum_update32(uint16_t csum, uint32_t old, uint32_t new_)
{
	uint32_t s = (uint16_t)~csum;

	s += (uint16_t)~(old >> 16) + (uint16_t)~old;
	s += (new_ >> 16) + (new_ & 0xffff);
	return sw_csum_fold(s);
}

uint16_t sw_csum_udp_final(uint16_t csum)
{
	return csum ? csum : 0xffff;
}

uint16_t sw_csum_udp_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
	if (!csum)	/* RFC 768: no checksum; leave it off */
		return 0;
	return sw_csum_udp_final(sw_csum_update16(csum, old, new_));
}

uint16_t sw_csum_udp_update32(uint16_t csum, uint32_t old, uint32_t new_)
{
	if (!csum)
		return 0;
	return sw_csum_udp_final(sw_csum_update32(csum, old, new_));
}

uint32_t sw_csum_pseudo_v4(uint32_t saddr, uint32_t daddr, uint8_t proto,
			   uint32_t l4_len)
{
	uint64_t s = (uint64_t)(saddr >> 16) + (saddr & 0xffff) +
		     (daddr >> 16) + (daddr & 0xffff) + proto +
		     (l4_len >> 16) + (l4_len & 0xffff);

	return fold64(s);
}

uint32_t sw_csum_pseudo_v6(const uint8_t *saddr, const uint8_t *daddr,
			   uint8_t nexthdr, uint32_t l4_len)
{
	uint32_t s = sw_csum_partial(saddr, 16, 0);

	s = sw_csum_partial(daddr, 16, s);
	return fold64((uint64_t)s + (l4_len >> 16) + (l4_len & 0xffff) +
		      nexthdr);
}
