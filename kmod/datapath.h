/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softwire: declarations shared by the files of the MAP-E CE packet path:
 *
 *   xmit.c   LAN -> WAN: NAPT, encapsulation, hairpinning (RFC 7597 8.2)
 *   rcv.c    WAN -> LAN: the IPv4-in-IPv6 receive handler, source check,
 *            NAPT, decapsulation (RFC 7597 8.1, 8.2)
 *   icmp.c   ICMP error translation both ways, ICMPv6 errors about our
 *            tunnel packets (RFC 5508 4, RFC 7597 8.2, RFC 2473 8)
 *   frag.c   reassembly of IPv4 fragments before translation (RFC 7597
 *            8.3.2, 8.3.3)
 *   xlat.c   parsing of the NAPT 5-tuple and the header rewrites with their
 *            checksum updates, shared by all of the above
 *
 * Conventions: the packet-path functions return SW_DONE once the skb has
 * been sent, delivered, queued or freed (a drop already counted), SW_OK
 * from a step after which the caller carries on, and an enum
 * sw_drop_reason otherwise, in which case the caller still owns the skb
 * and drops it under that reason (sw_dp_drop()).
 */
#ifndef SW_DATAPATH_H
#define SW_DATAPATH_H

#include <linux/skbuff.h>
#include <linux/ip.h>
#include <net/ip.h>

#include "softwire.h"

/*
 * Not drop reasons: SW_OK from a step that leaves the skb to its caller to
 * carry on with, SW_DONE from one that consumed it (a step may return
 * either, e.g. sw_frag_gather()).
 */
#define SW_OK		(-1)
#define SW_DONE		(-2)

/* The NAPT's view of an IPv4 packet (xlat.c). Network byte order. */
struct sw_flow {
	__be32 saddr, daddr;
	/*
	 * TCP/UDP ports. ICMP echo (RFC 5508 3.1, RFC 7597 8.2): the
	 * identifier, in sport for a request (it names the querier, the
	 * LAN host outbound), in dport for a reply (inbound).
	 */
	__be16 sport, dport;
	u8 proto;		/* enum sw_napt_proto */
	u8 tcp_flags;		/* TCP byte 13, SW_TCPF_* */
	u8 icmp_type;
	bool icmp_err;		/* ICMP error: the embedded packet matters */
	bool df;
	u16 ihl;		/* IPv4 header length, bytes */
};

/* xlat.c */
int sw_ipv4_pull(struct sk_buff *skb);
int sw_flow_parse(struct sk_buff *skb, struct sw_flow *f, bool outbound);
int sw_xlat_src(struct sk_buff *skb, const struct sw_flow *f, __be32 addr,
		__be16 port);
int sw_xlat_dst(struct sk_buff *skb, const struct sw_flow *f, __be32 addr,
		__be16 port);
bool sw_xlat_ipid_gso_ok(const struct sk_buff *skb,
			 const struct sw_config *cfg);
void sw_xlat_ipid(struct net *net, struct sk_buff *skb,
		  const struct sw_config *cfg);
void sw_xlat_mss_clamp(struct sk_buff *skb, const struct sw_flow *f,
		       u16 mss);
bool sw_icmp_csum_ok(struct sk_buff *skb, unsigned int thoff);
void sw_icmp_csum_set(struct sk_buff *skb, unsigned int thoff);

/* xmit.c */
const struct sw_map_rule *sw_fmr_find(const struct sw_config *cfg,
				      __be32 addr);
void sw_outer_dst(const struct sw_config *cfg, __be32 daddr, __be16 port,
		  struct in6_addr *dst6);
struct dst_entry *sw_encap_route(struct sw_dev *sw, const struct sw_config *cfg,
				 struct sk_buff *skb, const struct in6_addr *daddr,
				 struct flowi6 *fl6);
int sw_encap_mtu_check(struct sk_buff *skb, struct dst_entry *dst);
int sw_encap_send(struct sw_dev *sw, struct sk_buff *skb,
		  struct dst_entry *dst, struct flowi6 *fl6);
bool sw_gso_must_segment(const struct sk_buff *skb,
			 const struct sw_config *cfg);

/* rcv.c */
void sw_dp_deliver(struct sw_dev *sw, const struct sw_config *cfg,
		   struct sk_buff *skb);
struct sw_dev *sw_rcv_find(const struct sw_net *sn, const struct in6_addr *a,
			   const struct sw_config **cfgp);

/* icmp.c */
int sw_icmp_out(struct sw_dev *sw, const struct sw_config *cfg,
		struct sk_buff *skb, const struct sw_flow *f);
int sw_icmp_in(struct sw_dev *sw, const struct sw_config *cfg,
	       struct sk_buff *skb, const struct sw_flow *f);
int sw_icmp_in_port(struct sk_buff *skb, const struct sw_flow *f,
		    bool peer_port, __be16 *port);
void sw_icmp6_err(struct sw_dev *sw, const struct sw_config *cfg,
		  struct sk_buff *skb, u8 type, u8 code, int offset,
		  __be32 info);

/* fastpath.c, xmit.c */
u32 sw_fp_known(const struct sw_fp *fp, const struct net *net, int iif,
		const struct sw_flow *f);
void sw_fp_learn(struct sw_dev *sw, const struct sk_buff *skb,
		 const struct sw_flow *f);
bool sw_fp_xmit(struct sw_dev *sw, const struct sw_config *cfg,
		const struct sw_fp *fp, struct sk_buff *skb);

/* frag.c */
int sw_frag_gather(struct sw_dev *sw, struct sk_buff *skb, bool tx);

/* Count a drop under one reason, and in the device's rx/tx_dropped. */
static inline void sw_dp_count(struct sw_dev *sw, int reason, bool tx)
{
	if (WARN_ON_ONCE(reason < 0 || reason >= SW_DROP__MAX))
		reason = SW_DROP_MALFORMED;
	sw_stats_drop(sw, reason);
	if (tx)
		DEV_STATS_INC(sw->dev, tx_dropped);
	else
		DEV_STATS_INC(sw->dev, rx_dropped);
}

static inline void sw_dp_drop(struct sw_dev *sw, struct sk_buff *skb,
			      int reason, bool tx)
{
	sw_dp_count(sw, reason, tx);
	kfree_skb(skb);
}

/*
 * The device's packet counters count packets on the wire: a GSO
 * super-packet is its segments. Read before the skb is handed on.
 */
static inline unsigned int sw_skb_segs(const struct sk_buff *skb)
{
	return skb_is_gso(skb) ? skb_shinfo(skb)->gso_segs : 1;
}

static inline void sw_tstats_add(struct net_device *dev, bool tx,
				 unsigned int segs, unsigned int len)
{
	struct pcpu_sw_netstats *t = this_cpu_ptr(dev->tstats);

	u64_stats_update_begin(&t->syncp);
	if (tx) {
		u64_stats_add(&t->tx_packets, segs);
		u64_stats_add(&t->tx_bytes, len);
	} else {
		u64_stats_add(&t->rx_packets, segs);
		u64_stats_add(&t->rx_bytes, len);
	}
	u64_stats_update_end(&t->syncp);
}

/* RFC 7597 5.2: the IID format of this instance's MAP addresses. */
static inline enum sw_iid_format sw_iid(const struct sw_config *cfg)
{
	return cfg->flags & SOFTWIRE_F_LEGACY_IID ? SW_IID_LEGACY :
						    SW_IID_RFC7597;
}

static inline __be32 sw_ce_ipv4(const struct sw_config *cfg)
{
	return htonl(cfg->ce.ipv4);
}

static inline bool sw_port_ours(const struct sw_config *cfg, __be16 port)
{
	return sw_port_in_set(&cfg->ce.ps, ntohs(port));
}

#endif /* SW_DATAPATH_H */
