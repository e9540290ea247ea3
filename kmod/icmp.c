// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: ICMP errors across the NAPT and the tunnel.
 *
 *  - ICMPv4 errors through the NAPT (RFC 5508 4.2, RFC 7597 8.2): the
 *    packet an error quotes went the other way through the same mapping,
 *    so its address and port are translated back along with the error's
 *    own address; the quoted packet's checksums are updated incrementally
 *    (it may be truncated) and the ICMP checksum is recomputed.
 *  - ICMPv6 errors about our IPv4-in-IPv6 packets (RFC 2473 8, as
 *    ip4ip6_err() in net/ipv6/ip6_tunnel.c does for ip6tnl): Packet Too
 *    Big lowers the path MTU and, for a DF packet, becomes a Fragmentation
 *    Needed to the LAN host (RFC 7597 8.3.1); unreachable destinations and
 *    expired hop limits become Host Unreachable.
 *
 * The quoted IPv4 packet is parsed with kmod/core/pkt.h from a bounded
 * copy: it is usually truncated, so the skb helpers that expect a whole
 * packet do not apply.
 */
#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <net/icmp.h>
#include <net/ip6_route.h>
#include <net/route.h>

#include "datapath.h"
#include "core/pkt.h"

/* IPv4 header with options and the 8 L4 bytes an error must quote. */
#define SW_QUOTE_MAX	(60 + 8)

/*
 * The lowest MTU a Packet Too Big makes us relay to a LAN host. Every IPv6
 * link carries 1280 bytes (RFC 8200 5) and we fragment the tunnel packet
 * to fit any smaller path MTU (RFC 7597 8.3.1, RFC 2473 7), so the IPv4
 * path never needs less than 1280 minus our IPv6 header. A lower value is
 * forged or broken: relayed as is, it would set the LAN host's path MTU
 * to as little as 68 (the IPv6 path MTU itself stays >= 1280).
 */
#define SW_ICMP_MTU_MIN	(IPV6_MIN_MTU - (int)sizeof(struct ipv6hdr))

/*
 * The NAPT view of the (possibly truncated) IPv4 packet at @off. An echo
 * identifier is both its "ports". Only first fragments quote ports.
 */
static int quote_parse(struct sk_buff *skb, unsigned int off,
		       struct sw_flow *q)
{
	u8 buf[SW_QUOTE_MAX];
	struct sw_pkt_ipv4 p;
	unsigned int len;

	if (skb->len <= off)
		return SW_DROP_MALFORMED;
	len = min_t(unsigned int, skb->len - off, sizeof(buf));
	if (skb_copy_bits(skb, off, buf, len) ||
	    sw_pkt_parse_ipv4(buf, len, &p) != SW_PKT_OK)
		return SW_DROP_MALFORMED;

	memset(q, 0, sizeof(*q));
	q->saddr = htonl(p.saddr);
	q->daddr = htonl(p.daddr);
	q->ihl = p.hdr_len;
	q->df = p.df;
	if (p.proto == IPPROTO_TCP || p.proto == IPPROTO_UDP) {
		if (!(p.flags & SW_PKT_F_PORTS))
			return SW_DROP_ICMP_UNTRANSLATABLE;
		q->proto = p.proto == IPPROTO_TCP ? SW_NP_TCP : SW_NP_UDP;
		q->sport = htons(p.sport);
		q->dport = htons(p.dport);
		return SW_OK;
	}
	if (p.proto == IPPROTO_ICMP && (p.flags & SW_PKT_F_ICMP_ID)) {
		q->proto = SW_NP_ICMP;
		q->sport = htons(p.icmp_id);
		q->dport = q->sport;
		return SW_OK;
	}
	return SW_DROP_ICMP_UNTRANSLATABLE;
}

/* Offset of the packet an ICMP error quotes (RFC 792: after 8 bytes). */
static unsigned int quote_off(const struct sk_buff *skb,
			      const struct sw_flow *f)
{
	return skb_network_offset(skb) + f->ihl + sizeof(struct icmphdr);
}

/*
 * For the source check of an inbound error (rcv.c): the port the quoted
 * packet of ours was sent to (@peer_port) or from.
 */
int sw_icmp_in_port(struct sk_buff *skb, const struct sw_flow *f,
		    bool peer_port, __be16 *port)
{
	struct sw_flow q;
	int r;

	r = quote_parse(skb, quote_off(skb, f), &q);
	if (r == SW_OK)
		*port = peer_port ? q.dport : q.sport;
	return r;
}

/*
 * The mapping a WAN error about our packet @q is for, if the instance's
 * filter admits the remote that packet went to (RFC 4787 5, REQ-8): with
 * ADF/APDF, an error about a remote the mapping never sent to is dropped as
 * "filtered", as that remote's own packets would be.
 */
static int quote_mapping(struct sw_dev *sw, const struct sw_flow *q,
			 struct sw_mapping **m)
{
	int why;

	*m = sw_napt_in(sw->napt, q->proto, q->sport, q->daddr, q->dport, &why);
	if (*m)
		return SW_OK;
	return why == SW_DROP_FILTERED ? why : SW_DROP_ICMP_UNTRANSLATABLE;
}

/* L4 half of a quoted-packet rewrite; @avail bytes of L4 are present. */
static void quote_l4(u8 *l4, unsigned int avail, const struct sw_flow *q,
		     bool src, __be32 old_addr, __be32 addr, __be16 port)
{
	__be16 *pp = (__be16 *)l4 + (src ? 0 : 1);
	__sum16 *check;

	if (q->proto == SW_NP_ICMP) {
		struct icmphdr *ic = (struct icmphdr *)l4;

		csum_replace2(&ic->checksum, ic->un.echo.id, port);
		ic->un.echo.id = port;
		return;
	}
	check = q->proto == SW_NP_TCP ? (__sum16 *)(l4 + 16) :
					(__sum16 *)(l4 + 6);
	/* a truncated TCP quote may stop before its checksum (RFC 792) */
	if ((u8 *)check + sizeof(*check) <= l4 + avail &&
	    (q->proto == SW_NP_TCP || *check)) {
		csum_replace4(check, old_addr, addr);
		csum_replace2(check, *pp, port);
		if (q->proto == SW_NP_UDP && !*check)
			*check = CSUM_MANGLED_0;
	}
	*pp = port;
}

/* Rewrite the source or destination of the quoted packet at @off. */
static int quote_rewrite(struct sk_buff *skb, unsigned int off,
			 const struct sw_flow *q, bool src, __be32 addr,
			 __be16 port)
{
	unsigned int l4off = off + q->ihl;
	unsigned int avail = min_t(unsigned int, skb->len - l4off, 18);
	struct iphdr *iph;
	__be32 *pa;

	if (skb_ensure_writable(skb, l4off + avail))
		return SW_DROP_NO_MEMORY;
	iph = (struct iphdr *)(skb->data + off);
	pa = src ? &iph->saddr : &iph->daddr;
	quote_l4(skb->data + l4off, avail, q, src, *pa, addr, port);
	csum_replace4(&iph->check, *pa, addr);
	*pa = addr;
	return SW_OK;
}

/* The error's own source or destination address (its header is writable). */
static void set_addr(struct sk_buff *skb, bool src, __be32 addr)
{
	struct iphdr *iph = ip_hdr(skb);
	__be32 *pa = src ? &iph->saddr : &iph->daddr;

	csum_replace4(&iph->check, *pa, addr);
	*pa = addr;
}

/*
 * RFC 5508 4.2, RFC 7597 8.2: an error from the WAN about a packet we
 * sent. It quotes our address and external port: both become the LAN
 * host's, and the error goes to that host.
 */
int sw_icmp_in(struct sw_dev *sw, const struct sw_config *cfg,
	       struct sk_buff *skb, const struct sw_flow *f)
{
	unsigned int off = quote_off(skb, f);
	struct sw_mapping *m;
	__be32 int_addr;
	__be16 int_port;
	struct sw_flow q;
	int r;

	r = quote_parse(skb, off, &q);
	if (r != SW_OK)
		return r;
	if (q.saddr != sw_ce_ipv4(cfg) || !sw_port_ours(cfg, q.sport))
		return SW_DROP_ICMP_UNTRANSLATABLE;
	r = quote_mapping(sw, &q, &m);
	if (r != SW_OK)
		return r;
	int_addr = m->int_addr;
	int_port = m->int_port;
	if (!sw_icmp_csum_ok(skb, skb_network_offset(skb) + f->ihl))
		return SW_DROP_MALFORMED;

	r = quote_rewrite(skb, off, &q, true, int_addr, int_port);
	if (r != SW_OK)
		return r;
	set_addr(skb, false, int_addr);
	sw_icmp_csum_set(skb, skb_network_offset(skb) + f->ihl);
	return SW_OK;
}

/*
 * RFC 5508 4.2: an error from a LAN host (or the CE's own stack) about a
 * packet we delivered. It quotes the LAN host's address and port: both
 * become ours, the error's source too, and it is encapsulated like any
 * packet to its destination. The quoted source port is the one the peer
 * owns, which selects a mesh peer (RFC 7597 5.2).
 *
 * The error must go back to the source of the packet it quotes (as
 * conntrack requires of an ICMP error, nf_conntrack_inet_error()):
 * otherwise a LAN host could have the CE send, from its own address,
 * errors about any mapping to any host.
 */
int sw_icmp_out(struct sw_dev *sw, const struct sw_config *cfg,
		struct sk_buff *skb, const struct sw_flow *f)
{
	unsigned int off = quote_off(skb, f);
	__be32 ce = sw_ce_ipv4(cfg);
	struct in6_addr daddr6;
	struct dst_entry *dst;
	struct sw_mapping *m;
	struct flowi6 fl6;
	struct sw_flow q;
	__be16 ext;
	int r;

	r = quote_parse(skb, off, &q);
	if (r != SW_OK)
		return r;
	if (f->daddr != q.saddr)
		return SW_DROP_ICMP_MISDIRECTED;
	m = sw_napt_lookup_int(sw->napt, q.proto, q.daddr, q.dport);
	if (!m)
		return SW_DROP_ICMP_UNTRANSLATABLE;
	ext = m->ext_port;
	if (!sw_icmp_csum_ok(skb, skb_network_offset(skb) + f->ihl))
		return SW_DROP_MALFORMED;

	sw_outer_dst(cfg, f->daddr, q.sport, &daddr6);
	dst = sw_encap_route(sw, cfg, skb, &daddr6, &fl6);
	if (!dst)
		return SW_DROP_NO_ROUTE;
	r = sw_encap_mtu_check(skb, dst);
	if (r == SW_OK)
		r = quote_rewrite(skb, off, &q, false, ce, ext);
	if (r != SW_OK) {
		dst_release(dst);
		return r;
	}
	set_addr(skb, true, ce);
	sw_icmp_csum_set(skb, skb_network_offset(skb) + f->ihl);
	sw_xlat_ipid(dev_net(sw->dev), skb, cfg);
	return sw_encap_send(sw, skb, dst, &fl6);
}

/* --- ICMPv6 errors about our tunnel packets ------------------------------ */

/*
 * Give @skb2 (the quoted IPv4 packet, now addressed from the LAN host) the
 * route it had when it entered the CE, as ip4ip6_err() does, so that
 * icmp_send() answers like the CE's forwarding path would. It must have
 * been routed into our device.
 */
static bool quote_route(struct sw_dev *sw, struct sk_buff *skb2)
{
	struct net *net = dev_net(sw->dev);
	const struct iphdr *iph = ip_hdr(skb2);
	u8 tos = iph->tos & INET_DSCP_MASK;
	struct flowi4 fl4;
	struct rtable *rt;

	rt = ip_route_output_ports(net, &fl4, NULL, iph->saddr, 0, 0, 0,
				   IPPROTO_IPIP, tos, 0);
	if (IS_ERR(rt))
		return false;
	skb2->dev = rt->dst.dev;
	if (rt->rt_flags & RTCF_LOCAL) {
		/* the CE itself sent the packet */
		ip_rt_put(rt);
		rt = ip_route_output_ports(net, &fl4, NULL, iph->daddr,
					   iph->saddr, 0, 0, IPPROTO_IPIP,
					   tos, 0);
		if (IS_ERR(rt))
			return false;
		skb_dst_set(skb2, &rt->dst);
	} else {
		ip_rt_put(rt);
		if (ip_route_input_noref(skb2, iph->daddr, iph->saddr, tos,
					 skb2->dev))
			return false;
	}
	return skb_dst(skb2) && dst_dev(skb_dst(skb2)) == sw->dev;
}

/*
 * The quoted IPv4 packet of an ICMPv6 error, translated back to the LAN
 * host's address and port, in a copy of its own. NULL with *why set, or
 * NULL with *why == SW_OK when there is nothing to report (@frag: a Frag
 * Needed for a packet without DF, which IPv6 fragments instead).
 */
static struct sk_buff *quote6_take(struct sw_dev *sw,
				   const struct sw_config *cfg,
				   struct sk_buff *skb, int offset, bool frag,
				   int *why)
{
	struct sk_buff *skb2;
	struct sw_mapping *m;
	struct sw_flow q;

	*why = quote_parse(skb, offset, &q);
	if (*why != SW_OK)
		return NULL;
	if (q.saddr != sw_ce_ipv4(cfg) || !sw_port_ours(cfg, q.sport)) {
		*why = SW_DROP_ICMP_UNTRANSLATABLE;
		return NULL;
	}
	if (frag && !q.df)
		return NULL;
	*why = quote_mapping(sw, &q, &m);
	if (*why != SW_OK)
		return NULL;
	skb2 = skb_clone(skb, GFP_ATOMIC);
	if (!skb2 || !pskb_pull(skb2, offset)) {
		kfree_skb(skb2);
		*why = SW_DROP_NO_MEMORY;
		return NULL;
	}
	skb_reset_network_header(skb2);
	skb_dst_drop(skb2);
	memset(IPCB(skb2), 0, sizeof(*IPCB(skb2)));
	skb2->ip_summed = CHECKSUM_NONE;
	*why = quote_rewrite(skb2, 0, &q, true, m->int_addr, m->int_port);
	if (*why != SW_OK) {
		kfree_skb(skb2);
		return NULL;
	}
	return skb2;
}

/*
 * RFC 2473 8.1/8.2, RFC 7597 8.3.1: relay an ICMPv6 error about a packet
 * we encapsulated to the LAN host that sent it. The ICMPv6 packet itself
 * is left to the IPv6 stack (it also goes to raw sockets).
 */
void sw_icmp6_err(struct sw_dev *sw, const struct sw_config *cfg,
		  struct sk_buff *skb, u8 type, u8 code, int offset,
		  __be32 info)
{
	struct net *net = dev_net(skb->dev);
	struct sk_buff *skb2;
	int mtu = 0, why;
	u8 code4;

	switch (type) {
	case ICMPV6_PKT_TOOBIG:
		ip6_update_pmtu(skb, net, info, 0, 0, sock_net_uid(net, NULL));
		mtu = max_t(int, (int)ntohl(info) - offset, SW_ICMP_MTU_MIN);
		code4 = ICMP_FRAG_NEEDED;
		break;
	case ICMPV6_DEST_UNREACH:
		code4 = ICMP_HOST_UNREACH;
		break;
	case ICMPV6_TIME_EXCEED:
		if (code != ICMPV6_EXC_HOPLIMIT)
			return;
		code4 = ICMP_HOST_UNREACH;
		break;
	case NDISC_REDIRECT:
		ip6_redirect(skb, net, skb->dev->ifindex, 0,
			     sock_net_uid(net, NULL));
		return;
	default:
		return;
	}

	skb2 = quote6_take(sw, cfg, skb, offset, code4 == ICMP_FRAG_NEEDED,
			   &why);
	if (!skb2) {
		if (why != SW_OK)
			sw_stats_drop(sw, why);
		return;
	}
	if (!quote_route(sw, skb2)) {
		sw_stats_drop(sw, SW_DROP_ICMP_UNTRANSLATABLE);
	} else {
		if (code4 == ICMP_FRAG_NEEDED)
			skb_dst_update_pmtu_no_confirm(skb2, mtu);
		icmp_send(skb2, ICMP_DEST_UNREACH, code4, htonl(mtu));
	}
	kfree_skb(skb2);
}
