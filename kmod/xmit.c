// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the outbound (LAN -> WAN) path of a MAP-E CE, the device's
 * ndo_start_xmit (BH disabled, RCU).
 *
 * RFC 7597 8.2: the source address and port of an IPv4 packet routed into
 * the device are translated by the NAPT into the CE's address and a port
 * of its set, then the packet is encapsulated IPv4-in-IPv6 (RFC 2473)
 * from the CE's MAP address to the BR, or, when a Forwarding Mapping Rule
 * covers the destination, straight to the CE that owns it (mesh, RFC 7597
 * 5.2, 7.2). A packet to one of our own external ports turns around inside
 * the CE (hairpinning, RFC 4787 REQ-9).
 *
 * Order of the steps: the mapping first (for an echo request its
 * identifier picks the mesh peer), then the outer destination and its
 * route, so that a DF packet too big for the path is reported to the LAN
 * host with the addresses it sent (RFC 1191), and only then the rewrite.
 */
#include <linux/icmp.h>
#include <linux/jhash.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip6_route.h>
#include <net/ip_tunnels.h>
#include <net/ip6_tunnel.h>

#include "datapath.h"

/*
 * RFC 7597 5.2, 7.2: the Forwarding Mapping Rule with the longest IPv4
 * prefix containing @addr, or NULL. At most SOFTWIRE_MAX_RULES iterations.
 */
const struct sw_map_rule *sw_fmr_find(const struct sw_config *cfg,
				      __be32 addr)
{
	const struct sw_map_rule *best = NULL;
	u32 v4 = ntohl(addr), i;

	for (i = 0; i < cfg->nr_rules; i++) {
		const struct sw_map_rule *r = &cfg->rules[i];

		if (!(r->flags & SW_RULE_FMR) || !sw_rule_match_v4(r, v4))
			continue;
		if (!best || r->ipv4_prefix_len > best->ipv4_prefix_len)
			best = r;
	}
	return best;
}

/*
 * RFC 7597 5.2, 7.2: with an FMR covering @daddr, straight to the CE that
 * owns @daddr:@port (mesh); without one, to the BR (RFC 7597 5.4).
 */
void sw_outer_dst(const struct sw_config *cfg, __be32 daddr, __be16 port,
		  struct in6_addr *dst6)
{
	const struct sw_map_rule *fmr = sw_fmr_find(cfg, daddr);

	if (fmr && !sw_map_ipv6_for(fmr, ntohl(daddr), ntohs(port),
				    sw_iid(cfg), dst6->s6_addr))
		return;
	*dst6 = cfg->br;
}

/*
 * The IPv6 route from our MAP address to @daddr, or NULL. The route to
 * the BR, which nearly every packet takes, comes from a per-CPU cache
 * that the IPv6 routing code invalidates (route cookie) whenever the
 * table changes; packets with a mark may be routed by policy, so they
 * always look up.
 */
struct dst_entry *sw_encap_route(struct sw_dev *sw, const struct sw_config *cfg,
				 struct sk_buff *skb, const struct in6_addr *daddr,
				 struct flowi6 *fl6)
{
	struct dst_cache *cache = (struct dst_cache *)&cfg->br_dst;
	struct net *net = dev_net(sw->dev);
	struct dst_entry *dst;
	bool use_cache;

	memset(fl6, 0, sizeof(*fl6));
	fl6->daddr = *daddr;
	memcpy(&fl6->saddr, cfg->ce.ipv6, sizeof(fl6->saddr));
	fl6->flowi6_proto = IPPROTO_IPIP;
	fl6->flowi6_mark = skb->mark;
	use_cache = !skb->mark && ipv6_addr_equal(daddr, &cfg->br);
	if (use_cache) {
		dst = dst_cache_get_ip6(cache, &fl6->saddr);
		if (dst)
			return dst;
	}
	fl6->flowi6_uid = sock_net_uid(net, NULL);
	dst = ip6_dst_lookup_flow(net, NULL, fl6, NULL);
	if (IS_ERR(dst))
		return NULL;
	/* the way to the BR must not lead back into the softwire */
	if (dst_dev(dst) == sw->dev) {
		dst_release(dst);
		return NULL;
	}
	if (use_cache)
		dst_cache_set_ip6(cache, dst, &fl6->saddr);
	return dst;
}

/*
 * RFC 6438: the flow label of the outer header comes from the skb's flow
 * hash. A forwarded packet rarely has one, and the flow dissector would
 * parse the headers again: hash the 5-tuple we already have.
 */
static void sw_flow_hash_set(struct sk_buff *skb, const struct sw_flow *f)
{
	static u32 seed __read_mostly;

	if (skb->l4_hash || skb->sw_hash)
		return;
	net_get_random_once(&seed, sizeof(seed));
	__skb_set_sw_hash(skb, jhash_3words((__force u32)f->saddr,
					    (__force u32)f->daddr,
					    (__force u32)f->sport << 16 |
					    (__force u32)f->dport,
					    seed ^ f->proto), true);
}

/*
 * RFC 7597 8.3.1, RFC 2473 7.2: an IPv4 packet that does not fit the IPv6
 * path once encapsulated is fragmented in IPv6 (sw_encap_send()), unless
 * its DF bit is set: then the sender learns the MTU (RFC 1191) and the
 * packet is dropped. GSO packets are judged by their segments.
 */
static int encap_mtu(struct dst_entry *dst)
{
	return max((int)dst_mtu(dst) - (int)sizeof(struct ipv6hdr),
		   IPV4_MIN_MTU);
}

static bool encap_fits(const struct sk_buff *skb, struct dst_entry *dst)
{
	int mtu;

	if (!(ip_hdr(skb)->frag_off & htons(IP_DF)))
		return true;
	mtu = encap_mtu(dst);
	return skb_is_gso(skb) ? skb_gso_validate_network_len(skb, mtu) :
				 skb->len <= mtu;
}

int sw_encap_mtu_check(struct sk_buff *skb, struct dst_entry *dst)
{
	int mtu;

	if (encap_fits(skb, dst))
		return SW_OK;
	mtu = encap_mtu(dst);
	skb_dst_update_pmtu_no_confirm(skb, mtu);
	icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED, htonl(mtu));
	return SW_DROP_TOO_BIG;
}

/* Hand the IPv6 packet to the stack and count it. */
static int encap_output(struct net_device *dev, struct sk_buff *skb,
			unsigned int len)
{
	unsigned int segs = sw_skb_segs(skb);
	int err;

	err = ip6_local_out(dev_net(dev), NULL, skb);
	if (unlikely(net_xmit_eval(err)))
		DEV_STATS_INC(dev, tx_errors);
	else
		sw_tstats_add(dev, true, segs, len);
	return SW_DONE;
}

/*
 * RFC 2473 3, RFC 7597 8.2: prepend the IPv6 header and send. Traffic
 * class from the inner TOS with RFC 6040 normal-mode ECN; flow label from
 * the inner flow's hash (RFC 6438); hop limit from the route. Consumes
 * @dst, and the skb unless a reason is returned.
 */
int sw_encap_send(struct sw_dev *sw, struct sk_buff *skb,
		  struct dst_entry *dst, struct flowi6 *fl6)
{
	struct net *net = dev_net(sw->dev);
	const struct iphdr *iph = ip_hdr(skb);
	bool df = iph->frag_off & htons(IP_DF);
	unsigned int len = skb->len, headroom;
	struct ipv6hdr *ip6h;
	u8 tos = iph->tos;

	if (iptunnel_handle_offloads(skb, SKB_GSO_IPXIP6))
		goto nomem;
	skb_set_inner_ipproto(skb, IPPROTO_IPIP);
	skb_get_hash(skb);
	skb_scrub_packet(skb, false);
	/* what the next packets get from forwarding (as ip6_tunnel) */
	headroom = LL_RESERVED_SPACE(dst_dev(dst)) + sizeof(*ip6h) +
		   dst->header_len;
	ip_tunnel_adj_headroom(sw->dev, headroom);
	if (skb_cow_head(skb, headroom))
		goto nomem;

	skb_push(skb, sizeof(*ip6h));
	skb_reset_network_header(skb);
	ip6h = ipv6_hdr(skb);
	ip6_flow_hdr(ip6h, INET_ECN_encapsulate(tos, tos),
		     ip6_make_flowlabel(net, skb, 0, true, fl6));
	ip6h->payload_len = 0;		/* ip6_local_out() */
	ip6h->nexthdr = IPPROTO_IPIP;
	ip6h->hop_limit = ip6_dst_hoplimit(dst);
	ip6h->saddr = fl6->saddr;
	ip6h->daddr = fl6->daddr;

	skb->protocol = htons(ETH_P_IPV6);
	memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
	/* RFC 2473 7.2: without DF, fragment the IPv6 packet if need be */
	skb->ignore_df = !df;
	skb_dst_set(skb, dst);
	return encap_output(sw->dev, skb, len);

nomem:
	dst_release(dst);
	return SW_DROP_NO_MEMORY;
}

/*
 * The packet fits the route @dst: translate its source to our address and
 * @ext, and send it. Consumes @dst, and the skb unless a reason is
 * returned. Shared by xmit_encap() and the fast path.
 */
static int xlat_encap_send(struct sw_dev *sw, const struct sw_config *cfg,
			   struct sk_buff *skb, const struct sw_flow *f,
			   struct dst_entry *dst, struct flowi6 *fl6,
			   __be16 ext)
{
	int r;

	r = sw_xlat_src(skb, f, sw_ce_ipv4(cfg), ext);
	if (r != SW_OK) {
		dst_release(dst);
		return r;
	}
	sw_xlat_ipid(dev_net(sw->dev), skb, cfg);
	sw_xlat_mss_clamp(skb, f, cfg->mss_clamp);
	sw_flow_hash_set(skb, f);
	return sw_encap_send(sw, skb, dst, fl6);
}

/* Translate the source and send towards @daddr6. */
static int xmit_encap(struct sw_dev *sw, const struct sw_config *cfg,
		      struct sk_buff *skb, const struct sw_flow *f,
		      const struct in6_addr *daddr6, __be16 ext)
{
	struct dst_entry *dst;
	struct flowi6 fl6;
	int r;

	dst = sw_encap_route(sw, cfg, skb, daddr6, &fl6);
	if (!dst)
		return SW_DROP_NO_ROUTE;
	r = sw_encap_mtu_check(skb, dst);
	if (r != SW_OK) {
		dst_release(dst);
		return r;
	}
	return xlat_encap_send(sw, cfg, skb, f, dst, &fl6, ext);
}

/*
 * RFC 5508 REQ-8: a new flow that gets no mapping because of the port set
 * or a limit is answered with Destination Unreachable, communication
 * administratively prohibited (code 13), so that the LAN host gives up at
 * once instead of retrying into the drop. icmp_send() rate-limits it
 * (net.ipv4.icmp_ratelimit, per destination, and the global limit) and
 * never answers an ICMP error or a non-first fragment.
 */
static void xmit_refused(struct sk_buff *skb, int why)
{
	if (why == SW_DROP_PORT_EXHAUSTED || why == SW_DROP_LIMIT_INSTANCE ||
	    why == SW_DROP_LIMIT_HOST)
		icmp_ndo_send(skb, ICMP_DEST_UNREACH, ICMP_PKT_FILTERED, 0);
}

/* The outbound mapping of @f (made if need be), used now: its external port. */
static int xmit_map(struct sw_dev *sw, struct sk_buff *skb,
		    const struct sw_flow *f, __be16 *ext)
{
	struct sw_mapping *m;
	int why;

	m = sw_napt_out(sw->napt, f->proto, f->saddr, f->sport, f->daddr,
			f->dport, &why);
	if (!m) {
		xmit_refused(skb, why);
		return why;
	}
	*ext = m->ext_port;
	sw_napt_touch(sw->napt, m, f->daddr, f->dport, f->tcp_flags, true);
	return SW_OK;
}

/* RFC 7597 8.2: NAPT, then encapsulation to the BR or an FMR's CE. */
static int xmit_napt(struct sw_dev *sw, const struct sw_config *cfg,
		     struct sk_buff *skb, const struct sw_flow *f)
{
	struct in6_addr daddr6;
	__be16 ext;
	int r;

	r = xmit_map(sw, skb, f, &ext);
	if (r != SW_OK)
		return r;
	/* not to our own address: sw_fp_xmit() leaves those to xmit_self() */
	if (cfg->fastpath && f->daddr != sw_ce_ipv4(cfg))
		sw_fp_learn(sw, skb, f);
	/*
	 * The port that selects a mesh peer: the destination port; for an
	 * echo request, its identifier as it leaves (RFC 7597 8.2).
	 */
	sw_outer_dst(cfg, f->daddr, f->proto == SW_NP_ICMP ? ext : f->dport,
		     &daddr6);
	return xmit_encap(sw, cfg, skb, f, &daddr6, ext);
}

/*
 * The fast path (fastpath.c), from the IPv4 PRE_ROUTING hook, RCU: a
 * packet of a learned flow goes through the same NAPT and encapsulation
 * as xmit_napt(), with the TTL decremented as forwarding would. Every
 * check that could send the packet the full way comes before the first
 * change to it or to the mapping. True when the packet was consumed.
 */
bool sw_fp_xmit(struct sw_dev *sw, const struct sw_config *cfg,
		const struct sw_fp *fp, struct sk_buff *skb)
{
	struct net_device *dev = sw->dev;
	struct dst_entry *dst;
	struct sw_mapping *m;
	struct in6_addr daddr6;
	struct flowi6 fl6;
	struct sw_flow f;
	__be16 ext;
	u32 mtu;
	int r;

	if (sw_gso_must_segment(skb, cfg) ||
	    sw_flow_parse(skb, &f, true) != SW_OK || f.icmp_err ||
	    f.daddr == sw_ce_ipv4(cfg))
		return false;
	mtu = sw_fp_known(fp, dev_net(dev), skb->dev->ifindex, &f);
	if (!mtu)
		return false;
	/* forwarding would fragment it, or answer Frag Needed */
	if (skb->len > mtu &&
	    !(skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu)))
		return false;
	m = sw_napt_out(sw->napt, f.proto, f.saddr, f.sport, f.daddr,
			f.dport, &r);
	if (!m)		/* the full path counts it and answers (xmit_refused()) */
		return false;
	ext = m->ext_port;
	sw_outer_dst(cfg, f.daddr, f.proto == SW_NP_ICMP ? ext : f.dport,
		     &daddr6);
	dst = sw_encap_route(sw, cfg, skb, &daddr6, &fl6);
	if (!dst)
		return false;
	/*
	 * One copy at most: a writable head with room for the outer
	 * header, as forwarding's skb_cow() would have left it.
	 */
	if (!encap_fits(skb, dst) ||
	    skb_cow(skb, LL_RESERVED_SPACE(dst_dev(dst)) +
			 sizeof(struct ipv6hdr) + dst->header_len)) {
		dst_release(dst);
		return false;
	}

	/* committed: from here on the packet is ours */
	ip_decrease_ttl(ip_hdr(skb));
	skb->dev = dev;
	sw_napt_touch(sw->napt, m, f.daddr, f.dport, f.tcp_flags, true);
	r = xlat_encap_send(sw, cfg, skb, &f, dst, &fl6, ext);
	if (r != SW_DONE)
		sw_dp_drop(sw, skb, r, true);
	else
		sw_stats_fastpath(sw);
	return true;
}

/*
 * RFC 4787 REQ-9 (RFC 5382 REQ-8): a LAN host reaching another through
 * our external address and port. Both mappings apply: the receiver sees
 * the sender's external address and port, as from outside, and the
 * packet goes back into the stack as if it had come out of the tunnel.
 */
static int xmit_hairpin(struct sw_dev *sw, const struct sw_config *cfg,
			struct sk_buff *skb, const struct sw_flow *f)
{
	__be32 ce = sw_ce_ipv4(cfg);
	struct sw_mapping *m;
	__be32 int_addr;
	__be16 ext, int_port;
	int why, r;

	r = xmit_map(sw, skb, f, &ext);
	if (r != SW_OK)
		return r;
	m = sw_napt_in(sw->napt, f->proto, f->dport, ce, ext, &why);
	if (!m)
		return why;
	int_addr = m->int_addr;
	int_port = m->int_port;
	sw_napt_touch(sw->napt, m, ce, ext, f->tcp_flags, false);

	r = sw_xlat_src(skb, f, ce, ext);
	if (r == SW_OK)
		r = sw_xlat_dst(skb, f, int_addr, int_port);
	if (r != SW_OK)
		return r;
	sw_tstats_add(sw->dev, true, sw_skb_segs(skb), skb->len);
	sw_dp_deliver(sw, cfg, skb);
	return SW_DONE;
}

/*
 * To our own IPv4 address. RFC 7597 5.2: a port outside our set belongs to
 * another CE sharing the address, reached through the FMR (or the BR),
 * never delivered here. An echo request has no destination port to tell
 * the owner by.
 */
static int xmit_self(struct sw_dev *sw, const struct sw_config *cfg,
		     struct sk_buff *skb, const struct sw_flow *f)
{
	if (f->proto == SW_NP_ICMP)
		return SW_DROP_UNSUPPORTED_PROTO;
	if (sw_port_ours(cfg, f->dport))
		return xmit_hairpin(sw, cfg, skb, f);
	return xmit_napt(sw, cfg, skb, f);
}

/* A whole IPv4 packet that sw_ipv4_pull() accepted. */
static int xmit_whole(struct sw_dev *sw, const struct sw_config *cfg,
		      struct sk_buff *skb)
{
	struct sw_flow f;
	int r;

	r = sw_flow_parse(skb, &f, true);
	if (r != SW_OK)
		return r;
	if (f.icmp_err)
		return sw_icmp_out(sw, cfg, skb, &f);
	if (f.daddr == sw_ce_ipv4(cfg))
		return xmit_self(sw, cfg, skb, &f);
	return xmit_napt(sw, cfg, skb, &f);
}

/*
 * A GSO packet that is segmented here, in software, rather than carried
 * whole to the IPv6 output: one already encapsulated (no GSO type for two
 * tunnel layers), a fraglist (a chain of packets, each with its own
 * header, that the translation would not reach), or one with DF clear and
 * more segments than the IPv4 Identifications of the PSID have room for
 * (sw_xlat_ipid()). DF-clear segments too big for the IPv6 path once
 * encapsulated are fragmented by the IPv6 output, GSO or not (RFC 7597
 * 8.3.1; ip6_finish_output_gso_slowpath_drop(), since 5.11).
 */
bool sw_gso_must_segment(const struct sk_buff *skb,
			 const struct sw_config *cfg)
{
	return skb_is_gso(skb) &&
	       (skb->encapsulation ||
		(skb_shinfo(skb)->gso_type & SKB_GSO_FRAGLIST) ||
		!sw_xlat_ipid_gso_ok(skb, cfg));
}

static int xmit_segment(struct sw_dev *sw, const struct sw_config *cfg,
			struct sk_buff *skb)
{
	struct sk_buff *segs, *seg, *next;
	int r;

	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs))
		return SW_DROP_MALFORMED;
	consume_skb(skb);
	skb_list_walk_safe(segs, seg, next) {
		skb_mark_not_on_list(seg);
		r = sw_ipv4_pull(seg);
		if (r == SW_OK)
			r = xmit_whole(sw, cfg, seg);
		if (r != SW_DONE)
			sw_dp_drop(sw, seg, r, true);
	}
	return SW_DONE;
}

static int xmit_skb(struct sw_dev *sw, const struct sw_config *cfg,
		    struct sk_buff *skb)
{
	int r;

	if (skb->protocol != htons(ETH_P_IP))
		return SW_DROP_UNSUPPORTED_PROTO;
	r = sw_ipv4_pull(skb);
	if (r != SW_OK)
		return r;
	/*
	 * RFC 1812 5.3.1: forwarding has decremented the TTL and answered
	 * an expiring one already; what is left are local senders' zeros.
	 */
	if (!ip_hdr(skb)->ttl) {
		icmp_ndo_send(skb, ICMP_TIME_EXCEEDED, ICMP_EXC_TTL, 0);
		return SW_DROP_TTL_EXCEEDED;
	}
	if (ip_is_fragment(ip_hdr(skb))) {
		r = sw_frag_gather(sw, skb, true);
		if (r != SW_OK)
			return r;
	}
	if (sw_gso_must_segment(skb, cfg))
		return xmit_segment(sw, cfg, skb);
	return xmit_whole(sw, cfg, skb);
}

/* ndo_start_xmit. */
netdev_tx_t sw_xmit(struct sk_buff *skb, struct net_device *dev)
{
	struct sw_dev *sw = netdev_priv(dev);
	const struct sw_config *cfg;
	int r;

	rcu_read_lock();
	cfg = rcu_dereference(sw->cfg);
	r = cfg ? xmit_skb(sw, cfg, skb) : SW_DROP_NO_CONFIG;
	if (r != SW_DONE)
		sw_dp_drop(sw, skb, r, true);
	rcu_read_unlock();
	return NETDEV_TX_OK;
}
