// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the inbound (WAN -> LAN) path of a MAP-E CE.
 *
 * IPv4-in-IPv6 packets (next header 4) addressed to a local IPv6 address
 * reach the tunnel46 handlers of net/ipv6/tunnel6.c, the IPv6 stack having
 * reassembled outer fragments already (RFC 2473 7.1, RFC 7597 8.3.2).
 * The handlers run in ascending priority, and tunnel6.c refuses a second
 * handler of the same priority (-EEXIST). The in-tree users of the
 * IPv4-in-IPv6 list are ip6_vti (0), ip6_tunnel (1), xfrm_interface (2)
 * and xfrm6_tunnel (3); ours (-1) is none of those and runs first, so it
 * sees the packets for a MAP address before ip6_tunnel (whose wildcard
 * ip6tnl devices would take them) and before ip6_vti. It claims a packet
 * only when its outer destination is the MAP address of an instance in
 * that netns; anything else is returned untouched for the others, so
 * ip6tnl and vti6 devices keep working next to softwire ones.
 *
 * The instances of a netns are found on sw_net.rcv_list, an RCU list the
 * control plane maintains under sw_net.lock (dev.c). A netns without
 * instances costs one load per packet.
 */
#include <linux/icmpv6.h>
#include <net/dst.h>
#include <net/inet_ecn.h>
#include <net/ip_tunnels.h>
#include <net/ip6_route.h>
#include <net/xfrm.h>

#include "datapath.h"

/* The instance whose MAP address is @a, with its configuration. RCU. */
struct sw_dev *sw_rcv_find(const struct sw_net *sn, const struct in6_addr *a,
			   const struct sw_config **cfgp)
{
	struct sw_dev *sw;

	list_for_each_entry_rcu(sw, &sn->rcv_list, rcv_node) {
		const struct sw_config *cfg = rcu_dereference(sw->cfg);

		if (cfg && !memcmp(cfg->ce.ipv6, a, sizeof(*a))) {
			*cfgp = cfg;
			return sw;
		}
	}
	return NULL;
}

/*
 * Hand a translated IPv4 packet to the stack as received on the device
 * (then forwarded to the LAN by routing), through the device's GRO cells
 * so that the segments of a TCP flow out of the tunnel are coalesced
 * before routing. A packet that is already a GSO super-packet or carries
 * a partial checksum (from a veth, or hairpinned from our own xmit) is
 * no GRO material and takes the backlog. The core counts a full queue in
 * rx_dropped.
 */
void sw_dp_deliver(struct sw_dev *sw, const struct sw_config *cfg,
		   struct sk_buff *skb)
{
	struct net_device *dev = sw->dev;
	unsigned int segs = sw_skb_segs(skb), len = skb->len;
	int r;

	__skb_tunnel_rx(skb, dev, dev_net(dev));
	skb->protocol = htons(ETH_P_IP);
	skb->pkt_type = PACKET_HOST;
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	if (cfg->mark)
		skb->mark = cfg->mark;
	if (skb_is_gso(skb) || skb->ip_summed == CHECKSUM_PARTIAL)
		r = netif_rx(skb);
	else
		r = gro_cells_receive(&sw->gro_cells, skb);
	if (r == NET_RX_SUCCESS)
		sw_tstats_add(dev, false, segs, len);
}

/*
 * RFC 7597 8.1: the outer source must be the BR, or the CE that the FMR
 * covering the inner source assigns that source address and port to
 * (mesh). The port is the one the sender owns: TCP/UDP source port, an
 * echo reply's identifier (RFC 7597 8.2), or for an ICMP error the
 * destination port of the packet of ours it quotes.
 */
static int rcv_check_source(const struct sw_config *cfg, struct sk_buff *skb,
			    const struct sw_flow *f,
			    const struct in6_addr *saddr6)
{
	const struct sw_map_rule *fmr;
	struct in6_addr want;
	__be16 port;
	int r;

	if (ipv6_addr_equal(saddr6, &cfg->br))
		return SW_OK;
	fmr = sw_fmr_find(cfg, f->saddr);
	if (!fmr)
		return SW_DROP_SPOOFED_SOURCE;
	if (f->icmp_err) {
		r = sw_icmp_in_port(skb, f, true, &port);
		if (r != SW_OK)
			return r;
	} else {
		port = f->proto == SW_NP_ICMP ? f->dport : f->sport;
	}
	if (sw_map_ipv6_for(fmr, ntohl(f->saddr), ntohs(port), sw_iid(cfg),
			    want.s6_addr) ||
	    !ipv6_addr_equal(&want, saddr6))
		return SW_DROP_SPOOFED_SOURCE;
	return SW_OK;
}

/* RFC 7597 8.2: back through the mapping that owns the port. */
static int rcv_napt(struct sw_dev *sw, const struct sw_config *cfg,
		    struct sk_buff *skb, const struct sw_flow *f)
{
	struct sw_mapping *m;
	__be32 int_addr;
	__be16 int_port;
	int why, r;

	if (!sw_port_ours(cfg, f->dport))
		return SW_DROP_PORT_NOT_OURS;
	m = sw_napt_in(sw->napt, f->proto, f->dport, f->saddr,
		       f->proto == SW_NP_ICMP ? 0 : f->sport, &why);
	if (!m)
		return why;
	int_addr = m->int_addr;
	int_port = m->int_port;
	sw_napt_touch(sw->napt, m, f->saddr, f->sport, f->tcp_flags, false);
	r = sw_xlat_dst(skb, f, int_addr, int_port);
	if (r != SW_OK)
		return r;
	sw_xlat_mss_clamp(skb, f, cfg->mss_clamp);
	return SW_OK;
}

/*
 * RFC 7597 8.3.2: an inner fragment is reassembled before translation;
 * the full RFC 7597 8.1 check then runs on the datagram (with the outer
 * source of its last fragment). Before, without ports, only as much of it
 * as the address allows: from anyone but the BR, an FMR must cover the
 * inner source, so a source that cannot be a mesh peer at all does not
 * get to add fragments to a datagram.
 */
static int rcv_fragment(struct sw_dev *sw, const struct sw_config *cfg,
			struct sk_buff *skb, const struct ipv6hdr *outer)
{
	if (!ipv6_addr_equal(&outer->saddr, &cfg->br) &&
	    !sw_fmr_find(cfg, ip_hdr(skb)->saddr))
		return SW_DROP_SPOOFED_SOURCE;
	return sw_frag_gather(sw, skb, false);
}

/* The inner IPv4 packet, outer header already removed. */
static int rcv_inner(struct sw_dev *sw, const struct sw_config *cfg,
		     struct sk_buff *skb, const struct ipv6hdr *outer)
{
	struct sw_flow f;
	int r;

	r = sw_ipv4_pull(skb);
	if (r != SW_OK)
		return r;
	/* as ip_rcv_core() would, before any NAPT state is looked at */
	if (unlikely(ip_fast_csum(skb_network_header(skb), ip_hdr(skb)->ihl)))
		return SW_DROP_MALFORMED;
	if (ip_hdr(skb)->daddr != sw_ce_ipv4(cfg))
		return SW_DROP_NOT_OUR_ADDRESS;
	if (ip_is_fragment(ip_hdr(skb))) {
		r = rcv_fragment(sw, cfg, skb, outer);
		if (r != SW_OK)
			return r;
	}
	r = sw_flow_parse(skb, &f, false);
	if (r != SW_OK)
		return r;
	r = rcv_check_source(cfg, skb, &f, &outer->saddr);
	if (r != SW_OK)
		return r;
	r = f.icmp_err ? sw_icmp_in(sw, cfg, skb, &f) :
			 rcv_napt(sw, cfg, skb, &f);
	if (r != SW_OK)
		return r;
	/* RFC 6040 4.2: CE on a Not-ECT inner packet is dropped */
	if (IP6_ECN_decapsulate(outer, skb) > 1)
		return SW_DROP_MALFORMED;
	sw_dp_deliver(sw, cfg, skb);
	return SW_DONE;
}

static int rcv_skb(struct sw_dev *sw, const struct sw_config *cfg,
		   struct sk_buff *skb)
{
	/* the outer header is gone once the inner one is pulled */
	struct ipv6hdr outer = *ipv6_hdr(skb);

	if (!xfrm6_policy_check(NULL, XFRM_POLICY_IN, skb))
		return SW_DROP_POLICY;
	if (iptunnel_pull_header(skb, 0, htons(ETH_P_IP), false))
		return SW_DROP_NO_MEMORY;
	return rcv_inner(sw, cfg, skb, &outer);
}

/* tunnel46 handler: 0 when the packet was ours (consumed), else -1. */
static int sw_rcv(struct sk_buff *skb)
{
	const struct sw_net *sn = sw_net(dev_net(skb->dev));
	const struct sw_config *cfg;
	struct sw_dev *sw;
	int r;

	if (list_empty(&sn->rcv_list))
		return -1;
	rcu_read_lock();
	sw = sw_rcv_find(sn, &ipv6_hdr(skb)->daddr, &cfg);
	if (!sw) {
		rcu_read_unlock();
		return -1;
	}
	r = rcv_skb(sw, cfg, skb);
	if (r != SW_DONE)
		sw_dp_drop(sw, skb, r, false);
	rcu_read_unlock();
	return 0;
}

/*
 * ICMPv6 error about an IPv4-in-IPv6 packet: skb->data is the IPv6 header
 * we sent (RFC 4443 2.4 (c)), @offset the inner IPv4 header. Ours when
 * its source is one of our MAP addresses.
 */
static int sw_rcv_err(struct sk_buff *skb, struct inet6_skb_parm *opt,
		      u8 type, u8 code, int offset, __be32 info)
{
	const struct ipv6hdr *ip6h = (const struct ipv6hdr *)skb->data;
	const struct sw_net *sn = sw_net(dev_net(skb->dev));
	const struct sw_config *cfg;
	struct sw_dev *sw;

	if (list_empty(&sn->rcv_list))
		return -ENOENT;
	rcu_read_lock();
	sw = sw_rcv_find(sn, &ip6h->saddr, &cfg);
	if (sw)
		sw_icmp6_err(sw, cfg, skb, type, code, offset, info);
	rcu_read_unlock();
	return sw ? 0 : -ENOENT;
}

/* No in-tree tunnel46 handler has a negative priority: see the top. */
#define SW_RCV_PRIORITY		-1

static struct xfrm6_tunnel sw_rcv_handler __read_mostly = {
	.handler	= sw_rcv,
	.err_handler	= sw_rcv_err,
	.priority	= SW_RCV_PRIORITY,
};

int sw_rcv_init(void)
{
	return xfrm6_tunnel_register(&sw_rcv_handler, AF_INET);
}

/* Returns after a grace period (synchronize_net()): no handler runs. */
void sw_rcv_exit(void)
{
	xfrm6_tunnel_deregister(&sw_rcv_handler, AF_INET);
}
