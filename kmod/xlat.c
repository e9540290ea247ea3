// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the NAPT's view of an IPv4 packet and the header rewrites.
 *
 * Every rewrite makes the bytes it touches writable first
 * (skb_ensure_writable()), re-reads its header pointers, and updates the
 * checksums incrementally with the helpers that understand
 * CHECKSUM_PARTIAL (a GSO super-packet from a veth or a NIC carries only
 * the pseudo-header sum in its TCP/UDP checksum field) and
 * CHECKSUM_COMPLETE (RFC 1624; the IPv4 header sums to a constant, so
 * address changes in it never disturb skb->csum).
 */
#include <linux/icmp.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/tcp.h>

#include "datapath.h"

/*
 * Validate the IPv4 header at skb->data (RFC 791 3.1, RFC 1812 5.2.2) and
 * drop link-layer padding beyond Total Length. Sets the network and
 * transport headers.
 */
int sw_ipv4_pull(struct sk_buff *skb)
{
	const struct iphdr *iph;
	unsigned int ihl, len;

	skb_reset_network_header(skb);
	if (!pskb_may_pull(skb, sizeof(*iph)))
		return SW_DROP_MALFORMED;
	iph = ip_hdr(skb);
	ihl = iph->ihl * 4;
	if (iph->version != 4 || ihl < sizeof(*iph))
		return SW_DROP_MALFORMED;
	if (!pskb_may_pull(skb, ihl))
		return SW_DROP_MALFORMED;
	iph = ip_hdr(skb);
	len = ntohs(iph->tot_len);
	if (len < ihl || skb->len < len)
		return SW_DROP_MALFORMED;
	if (pskb_trim_rcsum(skb, len))
		return SW_DROP_NO_MEMORY;
	skb_set_transport_header(skb, ihl);
	return SW_OK;
}

/*
 * ICMP (RFC 792): echo requests leave (the identifier names the LAN host,
 * RFC 5508 3.1), echo replies come back, errors of the three kinds RFC 5508
 * 4 translates go both ways. Anything else has no mapping to follow.
 */
static int parse_icmp(struct sk_buff *skb, struct sw_flow *f, bool outbound)
{
	const struct icmphdr *ic;

	if (!pskb_may_pull(skb, f->ihl + sizeof(*ic)))
		return SW_DROP_MALFORMED;
	ic = (const struct icmphdr *)(skb_network_header(skb) + f->ihl);
	f->icmp_type = ic->type;
	switch (ic->type) {
	case ICMP_ECHO:
		if (!outbound)
			return SW_DROP_UNSUPPORTED_PROTO;
		f->sport = ic->un.echo.id;
		return SW_OK;
	case ICMP_ECHOREPLY:
		if (outbound)
			return SW_DROP_UNSUPPORTED_PROTO;
		f->dport = ic->un.echo.id;
		return SW_OK;
	case ICMP_DEST_UNREACH:
	case ICMP_TIME_EXCEEDED:
	case ICMP_PARAMETERPROB:
		f->icmp_err = true;
		return SW_OK;
	default:
		return SW_DROP_UNSUPPORTED_PROTO;
	}
}

/* TCP (RFC 9293 3.1) or UDP (RFC 768): the ports, TCP's flags. */
static int parse_ports(struct sk_buff *skb, struct sw_flow *f)
{
	unsigned int need = f->proto == SW_NP_TCP ? sizeof(struct tcphdr) :
						    sizeof(struct udphdr);
	const u8 *l4;

	if (!pskb_may_pull(skb, f->ihl + need))
		return SW_DROP_MALFORMED;
	l4 = skb_network_header(skb) + f->ihl;
	f->sport = ((const __be16 *)l4)[0];
	f->dport = ((const __be16 *)l4)[1];
	if (f->proto == SW_NP_TCP)
		f->tcp_flags = tcp_flag_byte((const struct tcphdr *)l4);
	return SW_OK;
}

/*
 * The NAPT view of a whole (non-fragment) IPv4 packet that sw_ipv4_pull()
 * accepted. May reallocate the header: pointers into it are stale after.
 */
int sw_flow_parse(struct sk_buff *skb, struct sw_flow *f, bool outbound)
{
	const struct iphdr *iph = ip_hdr(skb);

	memset(f, 0, sizeof(*f));
	f->saddr = iph->saddr;
	f->daddr = iph->daddr;
	f->ihl = iph->ihl * 4;
	f->df = iph->frag_off & htons(IP_DF);
	switch (iph->protocol) {
	case IPPROTO_TCP:
		f->proto = SW_NP_TCP;
		return parse_ports(skb, f);
	case IPPROTO_UDP:
		f->proto = SW_NP_UDP;
		return parse_ports(skb, f);
	case IPPROTO_ICMP:
		f->proto = SW_NP_ICMP;
		return parse_icmp(skb, f, outbound);
	default:
		return SW_DROP_UNSUPPORTED_PROTO;
	}
}

/* Bytes of the L4 header a rewrite touches: up to the checksum field. */
static unsigned int l4_rewrite_len(u8 proto)
{
	switch (proto) {
	case SW_NP_TCP:
		return offsetofend(struct tcphdr, check);
	case SW_NP_UDP:
		return sizeof(struct udphdr);
	default:
		return sizeof(struct icmphdr);
	}
}

/* The L4 half of a rewrite: the port (or echo identifier) and checksum. */
static void xlat_l4(struct sk_buff *skb, u8 *l4, u8 proto, bool src,
		    __be32 old_addr, __be32 addr, __be16 port)
{
	__be16 *pp = (__be16 *)l4 + (src ? 0 : 1);
	struct udphdr *uh;
	struct tcphdr *th;
	struct icmphdr *ic;

	switch (proto) {
	case SW_NP_TCP:
		th = (struct tcphdr *)l4;
		inet_proto_csum_replace4(&th->check, skb, old_addr, addr, true);
		inet_proto_csum_replace2(&th->check, skb, *pp, port, false);
		*pp = port;
		break;
	case SW_NP_UDP:
		uh = (struct udphdr *)l4;
		/* RFC 768: a zero checksum means none, and stays zero */
		if (uh->check || skb->ip_summed == CHECKSUM_PARTIAL) {
			inet_proto_csum_replace4(&uh->check, skb, old_addr,
						 addr, true);
			inet_proto_csum_replace2(&uh->check, skb, *pp, port,
						 false);
			if (!uh->check)
				uh->check = CSUM_MANGLED_0;
		}
		*pp = port;
		break;
	case SW_NP_ICMP:
		/* echo: no pseudo-header; the identifier is the "port" */
		ic = (struct icmphdr *)l4;
		inet_proto_csum_replace2(&ic->checksum, skb, ic->un.echo.id,
					 port, false);
		ic->un.echo.id = port;
		break;
	}
}

/* RFC 7597 8.2 / RFC 4787: rewrite one end of the packet's 5-tuple. */
static int xlat(struct sk_buff *skb, const struct sw_flow *f, bool src,
		__be32 addr, __be16 port)
{
	unsigned int thoff = skb_network_offset(skb) + f->ihl;
	struct iphdr *iph;
	__be32 *pa;

	if (skb_ensure_writable(skb, thoff + l4_rewrite_len(f->proto)))
		return SW_DROP_NO_MEMORY;
	iph = ip_hdr(skb);
	pa = src ? &iph->saddr : &iph->daddr;
	xlat_l4(skb, skb->data + thoff, f->proto, src, *pa, addr, port);
	csum_replace4(&iph->check, *pa, addr);
	*pa = addr;
	return SW_OK;
}

int sw_xlat_src(struct sk_buff *skb, const struct sw_flow *f, __be32 addr,
		__be16 port)
{
	return xlat(skb, f, true, addr, port);
}

int sw_xlat_dst(struct sk_buff *skb, const struct sw_flow *f, __be32 addr,
		__be16 port)
{
	return xlat(skb, f, false, addr, port);
}

/*
 * RFC 6864 4.1, RFC 7597 8.3.3: a translated packet that may still be
 * fragmented (DF clear) gets an Identification chosen by the CE for its
 * own address, not the LAN host's (the host's counter would collide with
 * the other LAN hosts' and other CEs' behind the same address at the
 * reassembling end). The kernel's generator keyed by (saddr, daddr,
 * proto), then, when the address is shared, the PSID's low bits (at most
 * 8) in the top bits: CEs sharing the address draw from disjoint ranges.
 */
static unsigned int ipid_psid_bits(const struct sw_config *cfg)
{
	return min_t(unsigned int, cfg->ce.ps.psid_len, 8);
}

/*
 * The segments of a GSO packet count up from its Identification
 * (inet_gso_segment()): all of them must stay in the PSID's range. Room
 * is left for two tries at a run that does not cross the range's end;
 * a packet with more segments, or whose count is not known yet (0, from
 * an untrusted source such as a tap), is segmented by the caller.
 */
bool sw_xlat_ipid_gso_ok(const struct sk_buff *skb, const struct sw_config *cfg)
{
	unsigned int n;

	if (!skb_is_gso(skb) || (ip_hdr(skb)->frag_off & htons(IP_DF)))
		return true;
	n = skb_shinfo(skb)->gso_segs;
	return n && n <= 0x8000U >> ipid_psid_bits(cfg);
}

/* Call after the header was made writable (sw_xlat_src()). */
void sw_xlat_ipid(struct net *net, struct sk_buff *skb,
		  const struct sw_config *cfg)
{
	struct iphdr *iph = ip_hdr(skb);
	unsigned int k = ipid_psid_bits(cfg), n = 1;
	u16 low = 0xffff >> k, id;
	__be16 old = iph->id;

	if (iph->frag_off & htons(IP_DF))
		return;
	if (skb_is_gso(skb))
		n = max_t(unsigned int, skb_shinfo(skb)->gso_segs, 1);
	__ip_select_ident(net, iph, n);
	if (k) {
		id = ntohs(iph->id) & low;
		/*
		 * A run that would cross into the next PSID's range: the next
		 * one from the generator starts past it, near the range's
		 * start (sw_xlat_ipid_gso_ok() keeps n within half the range).
		 */
		if (id + n - 1 > low) {
			__ip_select_ident(net, iph, n);
			id = ntohs(iph->id) & low;
			if (id + n - 1 > low)
				id = low + 1 - n;
		}
		id |= (cfg->ce.ps.psid & ((1u << k) - 1)) << (16 - k);
		iph->id = htons(id);
	}
	csum_replace2(&iph->check, old, iph->id);
}

/* Checksum update for a 16-bit value at any offset of the TCP segment. */
static void tcp_csum_replace(struct tcphdr *th, struct sk_buff *skb,
			     unsigned int off, u16 old, u16 new)
{
	__be16 from = htons(old), to = htons(new);

	/* RFC 1071: a value at an odd offset is summed byte-swapped */
	if (off & 1) {
		from = (__force __be16)swab16((__force u16)from);
		to = (__force __be16)swab16((__force u16)to);
	}
	inet_proto_csum_replace2(&th->check, skb, from, to, false);
}

/*
 * Lower the MSS option of a SYN to @mss (RFC 9293 3.7.1; RFC 4459 3.2:
 * the tunnel's 40 bytes would otherwise fragment every full segment).
 * The option walk is bounded by the 40 bytes of TCP options.
 */
void sw_xlat_mss_clamp(struct sk_buff *skb, const struct sw_flow *f, u16 mss)
{
	unsigned int thoff = skb_network_offset(skb) + f->ihl, doff, i;
	struct tcphdr *th;
	u8 *opt;

	if (f->proto != SW_NP_TCP || !(f->tcp_flags & TCPHDR_SYN) || !mss)
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	doff = th->doff * 4;
	if (doff <= sizeof(*th) || skb_ensure_writable(skb, thoff + doff))
		return;
	th = (struct tcphdr *)(skb->data + thoff);
	opt = (u8 *)th;
	for (i = sizeof(*th); i + 1 < doff;) {
		u8 kind = opt[i], len;

		if (kind == TCPOPT_EOL)
			return;
		if (kind == TCPOPT_NOP) {
			i++;
			continue;
		}
		len = opt[i + 1];
		if (len < 2 || i + len > doff)
			return;
		if (kind == TCPOPT_MSS && len == TCPOLEN_MSS) {
			u16 old = opt[i + 2] << 8 | opt[i + 3];

			if (old > mss) {
				opt[i + 2] = mss >> 8;
				opt[i + 3] = mss & 0xff;
				tcp_csum_replace(th, skb, i + 2, old, mss);
			}
			return;
		}
		i += len;
	}
}

/* The ICMP message after the IPv4 header verifies (RFC 792). */
bool sw_icmp_csum_ok(struct sk_buff *skb, unsigned int thoff)
{
	if (skb->ip_summed == CHECKSUM_PARTIAL || skb_csum_unnecessary(skb))
		return true;
	return !csum_fold(skb_checksum(skb, thoff, skb->len - thoff, 0));
}

/*
 * Recompute the ICMP checksum over the whole message (RFC 5508 4.2: the
 * embedded packet changed): errors are rare and short (576 bytes from
 * routers, RFC 1812 4.3.2.3), and the message must have verified before
 * (sw_icmp_csum_ok()). The ICMP header must be writable.
 */
void sw_icmp_csum_set(struct sk_buff *skb, unsigned int thoff)
{
	struct icmphdr *ic = (struct icmphdr *)(skb->data + thoff);

	ic->checksum = 0;
	ic->checksum = csum_fold(skb_checksum(skb, thoff, skb->len - thoff, 0));
	skb->ip_summed = CHECKSUM_NONE;
}
