// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the fast path of an instance (`fastpath on`), for the LAN's
 * established flows, in the spirit of an nftables flowtable.
 *
 * The first packets of a flow take the full way: IPv4 routing, the
 * forward and postrouting chains, the device. When one of them reaches
 * the device through a route to it (a forwarded packet, without options,
 * IPsec or mark), the device learns the flow: (input device, addresses,
 * protocol, ports) with the routing generation of that route and the time.
 * From then on an IPv4 PRE_ROUTING hook, just after conntrack, sends the
 * flow's packets straight into the device's translation and encapsulation
 * (xmit.c sw_fp_xmit()): the TTL is decremented as forwarding does, and
 * routing, the forward and postrouting chains and the device queue are
 * skipped.
 *
 * What keeps that correct:
 *  - any IPv4 routing change (routes, rules, addresses, links) bumps the
 *    netns's routing generation, which voids every learned flow;
 *  - a learned flow is good for SW_FP_REVALIDATE only: then one packet
 *    takes the full way again (and is learned again if the firewall still
 *    lets it through), so a changed firewall applies within that time;
 *  - the flow is matched as it is before NAT (the hook runs before
 *    destination NAT and was learned after all of it): a flow that any
 *    NAT rewrites never matches, and keeps the full way;
 *  - conntrack (when loaded) still sees every packet, so its entries stay
 *    alive; a packet whose conntrack entry is not confirmed yet takes the
 *    full way, which confirms it; so do INVALID packets (for the
 *    firewall) and the flows of a conntrack helper or with sequence
 *    adjustment (their work is in the postrouting confirm hook);
 *  - whatever the fast path cannot do as forwarding would (TTL about to
 *    expire, options, fragments, too big for the device or, with DF, for
 *    the tunnel, no mapping, a GSO packet the device segments in software)
 *    takes the full way, which answers with the right ICMP or counts the
 *    drop. A GSO packet's TTL is decremented once, in the header its
 *    segments are cut with.
 *
 * The learned flows live in a 4-way set-associative table of RCU pointers
 * sized from max-mappings: a learn takes a free or stale way of its set,
 * else the oldest; lookups take no lock. A flow pushed out by another just
 * takes the full way until it is learned again. The hook and the table
 * exist only while the instance has `fastpath on`.
 */
#include <linux/log2.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/siphash.h>
#include <linux/slab.h>
#include <net/netfilter/nf_conntrack_extend.h>
#include <net/netfilter/nf_conntrack.h>
#include <net/route.h>
#include <net/xfrm.h>

#include "datapath.h"

/* how long a learned flow skips routing and the firewall */
#define SW_FP_REVALIDATE	(30 * HZ)
#define SW_FP_MIN_SLOTS		256U
#define SW_FP_MAX_SLOTS		65536U
#define SW_FP_WAYS		4	/* slots of a set, consecutive */

struct sw_fp_flow {
	struct rcu_head rcu;
	unsigned long born;		/* jiffies when learned */
	int iif;			/* input device */
	int genid;			/* rt_genid_ipv4() of the route */
	u32 mtu;			/* what forwarding on that route allows */
	__be32 saddr, daddr;
	__be16 sport, dport;		/* ICMP echo: identifier, 0 */
	u8 proto;			/* enum sw_napt_proto */
};

struct sw_fp {
	struct nf_hook_ops ops;
	siphash_key_t key;
	u32 mask;			/* slots - 1, a power of two less one */
	u32 set_mask;			/* mask & ~(SW_FP_WAYS - 1) */
	struct sw_fp_flow __rcu *slot[];
};

/* The first slot of the set of a flow. */
static u32 fp_set(const struct sw_fp *fp, int iif, const struct sw_flow *f)
{
	return siphash_4u32((__force u32)f->saddr, (__force u32)f->daddr,
			    (u32)ntohs(f->sport) << 16 | ntohs(f->dport),
			    (u32)iif << 8 | f->proto, &fp->key) & fp->set_mask;
}

static bool fp_match(const struct sw_fp_flow *e, int iif,
		     const struct sw_flow *f)
{
	return e->iif == iif && e->saddr == f->saddr && e->daddr == f->daddr &&
	       e->sport == f->sport && e->dport == f->dport &&
	       e->proto == f->proto;
}

static bool fp_fresh(const struct sw_fp_flow *e, const struct net *net)
{
	return e->genid == rt_genid_ipv4(net) &&
	       time_before(jiffies, e->born + SW_FP_REVALIDATE);
}

/*
 * RCU: was the flow of @f from device @iif learned, and is it still good?
 * Then the MTU forwarding applies to it, else 0.
 */
u32 sw_fp_known(const struct sw_fp *fp, const struct net *net, int iif,
		const struct sw_flow *f)
{
	u32 set = fp_set(fp, iif, f), w;
	const struct sw_fp_flow *e;

	for (w = 0; w < SW_FP_WAYS; w++) {
		e = rcu_dereference(fp->slot[set + w]);
		if (e && fp_match(e, iif, f))
			return fp_fresh(e, net) ? e->mtu : 0;
	}
	return 0;
}

/*
 * The way of @set for a learn of @f: the flow's own, else a free one,
 * else a stale one, else the oldest. NULL when the flow is there and good.
 */
static struct sw_fp_flow __rcu **fp_way(struct sw_fp *fp, u32 set, int iif,
					const struct sw_flow *f,
					const struct net *net)
{
	struct sw_fp_flow __rcu **pick = NULL;
	unsigned long oldest = 0;
	struct sw_fp_flow *e;
	u32 w;

	for (w = 0; w < SW_FP_WAYS; w++) {
		e = rcu_dereference(fp->slot[set + w]);
		if (e && fp_match(e, iif, f))
			return fp_fresh(e, net) ? NULL : &fp->slot[set + w];
	}
	for (w = 0; w < SW_FP_WAYS; w++) {
		e = rcu_dereference(fp->slot[set + w]);
		if (!e || !fp_fresh(e, net))
			return &fp->slot[set + w];
		if (!pick || time_before(e->born, oldest)) {
			pick = &fp->slot[set + w];
			oldest = e->born;
		}
	}
	return pick;
}

/*
 * The device's transmit path, RCU: @skb, whose 5-tuple is @f and which the
 * NAPT mapped, made it through routing and the firewall to this device.
 * Learn its flow if the fast path is on and may take it.
 */
void sw_fp_learn(struct sw_dev *sw, const struct sk_buff *skb,
		 const struct sw_flow *f)
{
	struct sw_fp *fp = rcu_dereference(sw->fp);
	const struct dst_entry *dst = skb_dst(skb);
	struct net *net = dev_net(sw->dev);
	struct sw_fp_flow __rcu **way;
	struct sw_fp_flow *e, *old;
	const struct rtable *rt;

	if (!fp || !dst || dst->ops->family != AF_INET || dst->dev != sw->dev)
		return;
	rt = (const struct rtable *)dst;
	/* forwarded here by a route that is still current */
	if (!rt_is_input_route(rt) || rt->rt_genid != rt_genid_ipv4(net) ||
	    !skb->skb_iif)
		return;
	/* what the hook could not treat as the full way did */
	if (skb->mark || skb_sec_path(skb) || ip_hdr(skb)->ihl != 5 ||
	    f->icmp_err)
		return;
	way = fp_way(fp, fp_set(fp, skb->skb_iif, f), skb->skb_iif, f, net);
	if (!way)
		return;
	e = kmalloc(sizeof(*e), GFP_ATOMIC | __GFP_NOWARN);
	if (!e)
		return;
	e->born = jiffies;
	e->iif = skb->skb_iif;
	e->genid = rt->rt_genid;
	/* ip_forward()'s MTU: the route's, a learned path MTU only by sysctl */
	e->mtu = ip_dst_mtu_maybe_forward(dst, true);
	e->saddr = f->saddr;
	e->daddr = f->daddr;
	e->sport = f->sport;
	e->dport = f->dport;
	e->proto = f->proto;
	/* CPUs learning into one way at once: each frees what it replaced */
	old = unrcu_pointer(xchg(way, RCU_INITIALIZER(e)));
	if (old)
		kfree_rcu(old, rcu);
}

/*
 * RCU: did conntrack look at the packets of @net before this hook? The
 * PRE_ROUTING hooks run in priority order; conntrack's is the one at
 * NF_IP_PRI_CONNTRACK (an nftables base chain there counts too: its
 * packets without an entry then take the full way, which is safe). At most
 * the hooks up to that priority are looked at.
 */
static bool fp_ct_hooked(const struct net *net)
{
	const struct nf_hook_entries *e;
	struct nf_hook_ops **ops;
	unsigned int i;

	e = rcu_dereference(net->nf.hooks_ipv4[NF_INET_PRE_ROUTING]);
	if (!e)
		return false;
	ops = nf_hook_entries_get_hook_ops(e);
	for (i = 0; i < e->num_hook_entries &&
		    ops[i]->priority <= NF_IP_PRI_CONNTRACK; i++)
		if (ops[i]->priority == NF_IP_PRI_CONNTRACK)
			return true;
	return false;
}

/*
 * What conntrack made of the packet allows the fast path: no entry because
 * conntrack does not run here, an untracked (notrack) packet, or a
 * confirmed entry (one not yet confirmed takes the full way, which
 * confirms it). INVALID (conntrack looked and found no connection) is for
 * the firewall to judge. A helper (FTP, SIP ...) and sequence adjustment
 * work in the postrouting confirm hook, which the fast path skips.
 */
static bool fp_ct_ok(const struct sk_buff *skb, const struct net *net)
{
	enum ip_conntrack_info ctinfo;
	const struct nf_conn *ct;

	if (!skb_nfct(skb))
		return !fp_ct_hooked(net);
	ct = nf_ct_get(skb, &ctinfo);
	if (!ct)
		return ctinfo == IP_CT_UNTRACKED;
	if (!nf_ct_is_confirmed(ct) ||
	    test_bit(IPS_SEQ_ADJUST_BIT, &ct->status) ||
	    nf_ct_ext_exist(ct, NF_CT_EXT_HELPER))
		return false;
#if IS_ENABLED(CONFIG_NF_NAT)
	if (nf_ct_ext_exist(ct, NF_CT_EXT_SEQADJ))
		return false;
#endif
	return true;
}

/*
 * RFC 1812 5.2.3-5.3.1 stay with forwarding: only a packet that forwarding
 * would pass on unchanged but for its TTL is taken here. A fraglist GSO
 * packet is a chain of packets, each with its own header that the TTL
 * decrement and the translation would not reach: the full way segments it.
 */
static bool fp_candidate(const struct sk_buff *skb, const struct net *net)
{
	const struct iphdr *iph = ip_hdr(skb);

	if (skb->pkt_type != PACKET_HOST || skb->mark || iph->ihl != 5 ||
	    iph->ttl <= 1 || ip_is_fragment(iph) || skb_sec_path(skb))
		return false;
	if (skb_is_gso(skb) &&
	    (skb_shinfo(skb)->gso_type & SKB_GSO_FRAGLIST))
		return false;
	return fp_ct_ok(skb, net);
}

static unsigned int sw_fp_hook(void *priv, struct sk_buff *skb,
			       const struct nf_hook_state *state)
{
	struct sw_dev *sw = priv;
	const struct sw_config *cfg = rcu_dereference(sw->cfg);
	const struct sw_fp *fp = rcu_dereference(sw->fp);

	/* out of the tunnel (ours or another instance's) or not a candidate */
	if (!cfg || !fp || sw_dev_is_softwire(skb->dev) ||
	    !fp_candidate(skb, state->net))
		return NF_ACCEPT;
	return sw_fp_xmit(sw, cfg, fp, skb) ? NF_STOLEN : NF_ACCEPT;
}

/*
 * A new, empty table with its hook registered, not yet published (the hook
 * takes nothing until it is). RTNL held. The table is charged to the
 * memory cgroup of the caller, who chose max-mappings.
 */
static struct sw_fp *fp_new(struct sw_dev *sw, const struct sw_config *cfg)
{
	u32 n = cfg->napt.max_mappings;
	struct sw_fp *fp;
	int err;

	n = clamp(n, SW_FP_MIN_SLOTS, SW_FP_MAX_SLOTS);
	n = roundup_pow_of_two(n);
	fp = kvzalloc(struct_size(fp, slot, n), GFP_KERNEL_ACCOUNT);
	if (!fp)
		return ERR_PTR(-ENOMEM);
	fp->mask = n - 1;
	fp->set_mask = fp->mask & ~(SW_FP_WAYS - 1U);
	get_random_bytes(&fp->key, sizeof(fp->key));
	fp->ops.hook = sw_fp_hook;
	fp->ops.pf = NFPROTO_IPV4;
	fp->ops.hooknum = NF_INET_PRE_ROUTING;
	/* after conntrack has seen it, before destination NAT and mangle */
	fp->ops.priority = NF_IP_PRI_CONNTRACK + 1;
	fp->ops.priv = sw;
	err = nf_register_net_hook(dev_net(sw->dev), &fp->ops);
	if (err) {
		kvfree(fp);	/* never published: nothing learned into it */
		return ERR_PTR(err);
	}
	return fp;
}

/*
 * RTNL held; @fp no longer published. Its hook and table go; nothing can
 * be using them after.
 */
static void fp_free(struct sw_dev *sw, struct sw_fp *fp)
{
	u32 i;

	if (!fp)
		return;
	nf_unregister_net_hook(dev_net(sw->dev), &fp->ops);
	synchronize_net();	/* hooks and learners that saw fp are done */
	for (i = 0; i <= fp->mask; i++)
		kfree(rcu_dereference_protected(fp->slot[i], 1));
	kvfree(fp);
}

/* RTNL held. */
void sw_fp_disable(struct sw_dev *sw)
{
	struct sw_fp *fp = rtnl_dereference(sw->fp);

	RCU_INIT_POINTER(sw->fp, NULL);
	fp_free(sw, fp);
}

/*
 * Make the fast path what @cfg says. RTNL held. Turning it on again, or
 * any change while on, starts from an empty table. The new table and hook
 * are made before the old ones go: on error the fast path stays as it
 * was, so the caller keeps its old configuration with nothing to undo.
 */
int sw_fp_apply(struct sw_dev *sw, const struct sw_config *cfg)
{
	struct sw_fp *fp = NULL, *old = rtnl_dereference(sw->fp);

	if (cfg->fastpath) {
		fp = fp_new(sw, cfg);
		if (IS_ERR(fp))
			return PTR_ERR(fp);
	}
	/* both hooks look at sw->fp: the packets go by the new table now */
	rcu_assign_pointer(sw->fp, fp);
	fp_free(sw, old);
	return 0;
}
