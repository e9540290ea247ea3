/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softwire: internal declarations shared by the files of softwire.ko.
 *
 * Locking (one rule for the whole module):
 *
 *   rtnl_lock  ->  sw_net.lock
 *
 * An instance is a net_device, so creating, deleting, renaming and
 * changing the MTU of one is serialised by RTNL, and three of the paths
 * that remove instances (ip link del, netns exit, module unload) already
 * run under RTNL. sw_net.lock nests inside RTNL and protects what is ours:
 * the per-netns instance list (and its generation count, for consistent
 * dumps) and the publication of each instance's configuration. Every
 * control-plane path takes RTNL first, then sw_net.lock; nothing takes
 * them in the other order. The data path takes neither: it reads the
 * configuration under RCU (sw_dev.cfg).
 */
#ifndef SW_SOFTWIRE_H
#define SW_SOFTWIRE_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/netdevice.h>
#include <linux/rcupdate.h>
#include <linux/u64_stats_sync.h>
#include <linux/in6.h>
#include <net/ipv6.h>
#include <net/dst_cache.h>
#include <net/genetlink.h>
#include <net/gro_cells.h>
#include <linux/softwire.h>

#include "compat.h"
#include "core/mapcalc.h"
#include "napt.h"

#define SOFTWIRE_VERSION	"0.1.0"

/* RFC 7597 8.3.1: 1500-byte IPv6 path minus the 40-byte outer header. */
#define SW_MTU_DEFAULT		1460
#define SW_MTU_MIN		IPV6_MIN_MTU
/* The IPv6 payload length field bounds the encapsulated IPv4 packet. */
#define SW_MTU_MAX		(IPV6_MAXPLEN - (int)sizeof(struct ipv6hdr))

/*
 * An instance's configuration. Immutable once published: a change builds
 * a new one, publishes it with rcu_assign_pointer() under sw_net.lock and
 * frees the old one with kfree_rcu().
 */
struct sw_config {
	struct rcu_head rcu;
	u8 mode;			/* enum softwire_mode */
	u32 flags;			/* SOFTWIRE_F_* */
	struct in6_addr eup;		/* End-user IPv6 prefix (RFC 7597 3) */
	u8 eup_len;
	struct in6_addr br;		/* BR address, the DMR /128 (RFC 7597 5.4) */
	struct dst_cache br_dst;	/* per-CPU route to br from ce.ipv6 (xmit.c) */
	struct sw_map_ce ce;		/* derived from eup and the BMR */
	struct sw_napt_params napt;	/* timeouts, limits, filtering */
	u32 mark;			/* skb->mark of translated inbound packets, 0 = none */
	u16 mss_clamp;			/* TCP MSS clamp, 0 = off */
	bool fastpath;			/* fastpath.c: on when set */
	u32 bmr;			/* index of the BMR in rules[] */
	u32 nr_rules;
	struct sw_map_rule rules[] __counted_by(nr_rules);
};

/* Per-netns state (pernet.c). */
struct sw_net {
	struct mutex lock;		/* see the locking rule above */
	struct list_head instances;	/* sw_dev.node */
	unsigned int gen;		/* bumped on every list change */
	/* the same instances for the receive path: RCU readers (rcv.c) */
	struct list_head rcv_list;	/* sw_dev.rcv_node */
};

/* netdev_priv() of a softwire device. */
struct sw_dev {
	struct net_device *dev;
	struct sw_config __rcu *cfg;	/* NULL once the device is uninit */
	struct list_head node;		/* in sw_net.instances; empty if not */
	struct sw_drop_stats __percpu *drops;
	struct sw_napt *napt;		/* mapping table, for cfg->ce.ps; owned */
	struct list_head rcv_node;	/* in sw_net.rcv_list iff node is listed */
	struct gro_cells gro_cells;	/* decapsulated packets into the stack */
	struct sw_fp __rcu *fp;		/* fast path, while on (fastpath.c) */
};

/* pernet.c */
int sw_pernet_init(void);
void sw_pernet_exit(void);
struct sw_net *sw_net(const struct net *net);

/* dev.c */
int sw_dev_init(void);
void sw_dev_exit(void);
bool sw_dev_is_softwire(const struct net_device *dev);
struct net_device *sw_dev_create(struct net *net, const char *name,
				 struct sw_config *cfg, u32 mtu,
				 struct netlink_ext_ack *extack);
void sw_dev_delete(struct net_device *dev, struct list_head *head);
void sw_dev_unregister_all(struct net *net, struct list_head *head);

/* Configuration of an instance, with sw_net.lock held. */
static inline struct sw_config *sw_dev_cfg(const struct sw_dev *sw,
					   const struct sw_net *sn)
{
	return rcu_dereference_protected(sw->cfg, lockdep_is_held(&sn->lock));
}

/* rules.c */
struct sw_config *sw_config_alloc(u32 nr_rules);
struct sw_config *sw_config_dup(const struct sw_config *old);
void sw_config_free(struct sw_config *cfg);
int sw_config_derive(struct sw_config *cfg, const char **why);
u32 sw_config_nranges(const struct sw_config *cfg);
int sw_config_find_dup(const struct sw_config *cfg, u32 *first);

/* stats.c: every drop is counted under exactly one reason. */
enum sw_drop_reason {
	SW_DROP_NOT_IMPLEMENTED,	/* no data path yet */
	SW_DROP_NO_CONFIG,		/* device is being torn down */
	SW_DROP_MALFORMED,		/* truncated / inconsistent headers */
	SW_DROP_UNSUPPORTED_PROTO,	/* not TCP, UDP or ICMP (echo/error) */
	SW_DROP_NO_MAPPING,		/* inbound to a port with no mapping */
	SW_DROP_FILTERED,		/* ADF/APDF filter refused the remote */
	SW_DROP_PORT_EXHAUSTED,		/* no free port in the set (budget) */
	SW_DROP_LIMIT_INSTANCE,		/* max-mappings reached */
	SW_DROP_LIMIT_HOST,		/* max-per-host reached */
	SW_DROP_SPOOFED_SOURCE,		/* RFC 7597 8.1 outer source check */
	SW_DROP_PORT_NOT_OURS,		/* inbound dst port outside the set */
	SW_DROP_NOT_OUR_ADDRESS,	/* inbound inner dst not the CE IPv4 */
	SW_DROP_TOO_BIG,		/* DF and over the MTU: Frag Needed sent */
	SW_DROP_NO_ROUTE,		/* no IPv6 route to the BR / peer CE */
	SW_DROP_TTL_EXCEEDED,		/* TTL expired: Time Exceeded sent */
	SW_DROP_NO_MEMORY,		/* allocation / headroom failure */
	SW_DROP_FRAGMENT,		/* fragment that cannot be translated */
	SW_DROP_ICMP_UNTRANSLATABLE,	/* ICMP error whose inner packet is not ours */
	SW_DROP_POLICY,			/* inbound refused by the IPsec (xfrm) policy */
	SW_DROP_ICMP_MISDIRECTED,	/* LAN ICMP error not sent to the source it quotes */
	SW_DROP__MAX,
};

struct sw_drop_stats {
	u64_stats_t count[SW_DROP__MAX];
	u64_stats_t fastpath;		/* packets the fast path sent */
	struct u64_stats_sync syncp;
};

int sw_stats_init(struct sw_dev *sw);
void sw_stats_free(struct sw_dev *sw);
void sw_stats_drop(struct sw_dev *sw, enum sw_drop_reason reason);
void sw_stats_drops_read(const struct sw_dev *sw, u64 *count);
void sw_stats_fastpath(struct sw_dev *sw);
u64 sw_stats_fastpath_read(const struct sw_dev *sw);
const char *sw_drop_reason_name(enum sw_drop_reason reason);

/* xmit.c, rcv.c: the MAP-E CE packet path (datapath.h) */
netdev_tx_t sw_xmit(struct sk_buff *skb, struct net_device *dev);
int sw_rcv_init(void);
void sw_rcv_exit(void);

/* fastpath.c */
struct sw_fp;
int sw_fp_apply(struct sw_dev *sw, const struct sw_config *cfg);
void sw_fp_disable(struct sw_dev *sw);

/* netlink.c */
int sw_nl_init(void);
void sw_nl_exit(void);
void sw_nl_notify(struct net_device *dev, u8 event);

#endif /* SW_SOFTWIRE_H */
