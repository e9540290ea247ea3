/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounds-checked header parsing on a linear buffer and ones'-complement
 * checksum arithmetic. Pure C: compiled into softwire.ko and into the unit
 * tests and libFuzzer harnesses.
 *
 * The module parses outer headers with skb helpers; these parsers are for
 * the IPv4 packet embedded in an ICMP error (RFC 5508 4, RFC 7597 8.2),
 * which is copied or linearised first, and for the outer IPv6 header of a
 * MAP-E / DS-Lite packet.
 *
 * Conventions: every offset is from buf[0] and every "present" offset is
 * strictly inside the buffer (offset + field size <= len); addresses,
 * ports, identifiers and checksums are HOST-order values read big-endian.
 */
#ifndef SW_CORE_PKT_H
#define SW_CORE_PKT_H

#include "sw_types.h"

/* Distinct reasons, so the module can count each drop under one reason. */
enum sw_pkt_err {
	SW_PKT_OK		=  0,
	SW_PKT_ESHORT		= -1,	/* shorter than the fixed header */
	SW_PKT_EVERSION		= -2,	/* IP version field wrong */
	SW_PKT_EIHL		= -3,	/* IPv4 IHL < 5 */
	SW_PKT_EHDRLEN		= -4,	/* IPv4 IHL * 4 > buffer length */
	SW_PKT_ETOTLEN		= -5,	/* IPv4 total length < IHL * 4 */
	SW_PKT_EFRAG		= -6,	/* fragment ends beyond 65535 */
	SW_PKT_EEXTHDR		= -7,	/* IPv6 ext header truncated */
	SW_PKT_EEXTORDER	= -8,	/* hop-by-hop not first / 2nd frag hdr */
	SW_PKT_EEXTMANY		= -9,	/* more than SW_PKT_MAX_EXTHDRS */
};

/* struct sw_pkt_ipv4.flags: which optional fields are present. */
#define SW_PKT_F_PORTS		(1u << 0)	/* TCP/UDP sport/dport */
#define SW_PKT_F_L4CSUM		(1u << 1)	/* csum_off (TCP, UDP, ICMP) */
#define SW_PKT_F_TCPFLAGS	(1u << 2)	/* tcp_flags */
#define SW_PKT_F_ICMP		(1u << 3)	/* icmp_type / icmp_code */
#define SW_PKT_F_ICMP_ID	(1u << 4)	/* echo identifier */
#define SW_PKT_F_ICMP_ERR	(1u << 5)	/* inner_off: embedded IPv4 */

#define SW_IPV4_HDR_MIN		20
#define SW_IPV6_HDR_LEN		40
#define SW_PKT_MAX_EXTHDRS	8

#define SW_IPPROTO_HOPOPTS	0
#define SW_IPPROTO_ICMP		1
#define SW_IPPROTO_IPIP		4
#define SW_IPPROTO_TCP		6
#define SW_IPPROTO_UDP		17
#define SW_IPPROTO_ROUTING	43
#define SW_IPPROTO_FRAGMENT	44
#define SW_IPPROTO_ICMPV6	58
#define SW_IPPROTO_NONE		59
#define SW_IPPROTO_DSTOPTS	60

#define SW_ICMP_ECHOREPLY	0
#define SW_ICMP_DEST_UNREACH	3
#define SW_ICMP_ECHO		8
#define SW_ICMP_TIME_EXCEEDED	11
#define SW_ICMP_PARAMETERPROB	12

struct sw_pkt_ipv4 {
	uint32_t hdr_len;	/* IHL * 4 */
	uint32_t tot_len;	/* Total Length field */
	uint32_t avail;		/* bytes of this packet in buf: min(len, tot_len) */
	bool	 truncated;	/* len < tot_len (normal inside ICMP errors) */
	bool	 hdr_csum_ok;	/* RFC 791 header checksum verifies */
	uint8_t	 tos;
	uint8_t	 ttl;
	uint8_t	 proto;
	uint16_t id;
	uint16_t frag_off;	/* in 8-byte units */
	bool	 mf;
	bool	 df;
	uint32_t saddr;
	uint32_t daddr;
	uint32_t l4_off;	/* == hdr_len */
	uint32_t flags;		/* SW_PKT_F_* */
	uint16_t sport, dport;
	uint32_t sport_off, dport_off;
	uint32_t csum_off;	/* TCP/UDP/ICMP checksum field */
	uint8_t	 tcp_flags;	/* byte 13: SW_TCPF_* (tcpstate.h) */
	uint8_t	 icmp_type, icmp_code;
	uint16_t icmp_id;
	uint32_t icmp_id_off;
	uint32_t inner_off;	/* embedded IPv4 header (ICMP errors) */
};

struct sw_pkt_ipv6 {
	uint32_t payload_len;	/* Payload Length field */
	uint32_t avail;		/* min(len, 40 + payload_len) */
	bool	 truncated;	/* len < 40 + payload_len */
	uint8_t	 tclass;
	uint32_t flow_label;
	uint8_t	 hop_limit;
	const uint8_t *saddr;	/* 16 bytes inside buf */
	const uint8_t *daddr;
	uint8_t	 nexthdr;	/* after the extension headers we skip */
	uint32_t l4_off;	/* offset of that header (may equal avail) */
	unsigned int n_ext;	/* extension headers skipped */
	bool	 frag;		/* a Fragment header was seen */
	uint32_t frag_hdr_off;
	uint16_t frag_off;	/* in 8-byte units */
	bool	 frag_mf;
	uint32_t frag_id;
};

/*
 * Parse the IPv4 packet in buf[0..len). Rejects: len < 20, version != 4,
 * IHL < 5, IHL * 4 > len, total length < IHL * 4, fragment end > 65535.
 * L4 fields are parsed on first fragments only (offset 0) and only when
 * present in the first min(len, tot_len) bytes. Returns SW_PKT_OK or a
 * negative enum sw_pkt_err; *out is fully written either way.
 */
int sw_pkt_parse_ipv4(const uint8_t *buf, size_t len, struct sw_pkt_ipv4 *out);

/*
 * Parse an IPv6 header and skip up to SW_PKT_MAX_EXTHDRS hop-by-hop,
 * routing, destination-options and fragment headers (RFC 8200 4). Stops at
 * the first other header, or after a Fragment header of a non-first
 * fragment (the rest is not in this packet). Returns SW_PKT_OK or a
 * negative enum sw_pkt_err.
 */
int sw_pkt_parse_ipv6(const uint8_t *buf, size_t len, struct sw_pkt_ipv6 *out);

/* --- RFC 1071 / RFC 1624 ones'-complement checksum arithmetic --------- */

/*
 * Sum buf as big-endian 16-bit words onto sum (RFC 1071 4.1); an odd
 * trailing byte is padded with zero, so only the last piece of a
 * multi-piece sum may have odd length. The result is not folded.
 */
uint32_t sw_csum_partial(const uint8_t *buf, size_t len, uint32_t sum);

/*
 * Fold a 32-bit partial sum to 16 bits with end-around carry and return
 * its complement: the value for the checksum field (like csum_fold()).
 */
uint16_t sw_csum_fold(uint32_t sum);

/* RFC 1624 3, eqn 3: HC' = ~(~HC + ~m + m') for one 16-bit word m -> m'. */
uint16_t sw_csum_update16(uint16_t csum, uint16_t old, uint16_t new_);

/* The same for a 32-bit field (an IPv4 address), as two 16-bit words. */
uint16_t sw_csum_update32(uint16_t csum, uint32_t old, uint32_t new_);

/*
 * UDP (RFC 768, RFC 1122 4.1.3.4): a zero checksum field means "none" and
 * must stay zero; a computed zero is transmitted as 0xffff.
 */
uint16_t sw_csum_udp_update16(uint16_t csum, uint16_t old, uint16_t new_);
uint16_t sw_csum_udp_update32(uint16_t csum, uint32_t old, uint32_t new_);
/* Map a freshly computed UDP checksum: 0 -> 0xffff. */
uint16_t sw_csum_udp_final(uint16_t csum);

/* Pseudo-header partial sums (RFC 793 3.1 / RFC 768; RFC 8200 8.1). */
uint32_t sw_csum_pseudo_v4(uint32_t saddr, uint32_t daddr, uint8_t proto,
			   uint32_t l4_len);
uint32_t sw_csum_pseudo_v6(const uint8_t *saddr, const uint8_t *daddr,
			   uint8_t nexthdr, uint32_t l4_len);

#endif /* SW_CORE_PKT_H */
