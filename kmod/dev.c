// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the network device of an instance.
 *
 * The IPv4 side of a MAP-E CE (RFC 7597 4): IPv4 routed into the device
 * is to be encapsulated towards the BR or, under an FMR, another CE. A
 * device is created only through the generic netlink family (swctl),
 * never with `ip link add`; it is removed by any of INST_DEL,
 * `ip link del`, deletion of its netns or unloading of the module.
 *
 * Lifetime of what a device owns:
 *   ndo_init       per-CPU tstats and drop counters, the NAPT table, the
 *                  GRO cells that deliver decapsulated packets
 *   ndo_uninit     removes the fast path's hook, unlinks the instance,
 *                  retires the configuration
 *   priv_destructor frees the GRO cells, the NAPT table and the per-CPU
 *                  counters (after the last reference, so no packet can
 *                  still reach them)
 * Whoever holds CAP_NET_ADMIN over a netns (the root of an unprivileged
 * user namespace too) can create devices: what they allocate is charged
 * to the caller's memory cgroup (GFP_KERNEL_ACCOUNT; the core charges the
 * net_device itself), except the GRO cells, whose gro_cells_init() takes
 * no allocation flags.
 * The configuration is published before register_netdevice(), so
 * ndo_uninit, which the core calls on every path that undoes an ndo_init
 * (failed registration included), is its one owner from then on.
 */
#include <linux/if_arp.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>

#include "softwire.h"

static struct rtnl_link_ops sw_link_ops __read_mostly;

/*
 * Without fraglist GSO: its segments keep headers of their own, which a
 * rewrite of the head's would not reach; the core segments those first.
 */
#define SW_DEV_FEATURES	(NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_HIGHDMA | \
			 NETIF_F_HW_CSUM | \
			 (NETIF_F_GSO_SOFTWARE & ~NETIF_F_GSO_FRAGLIST))

/* RTNL held; sw->cfg is published before register_netdevice(). */
static int sw_dev_ndo_init(struct net_device *dev)
{
	struct sw_dev *sw = netdev_priv(dev);
	const struct sw_config *cfg = rtnl_dereference(sw->cfg);
	int err;

	dev->tstats = __netdev_alloc_pcpu_stats(struct pcpu_sw_netstats,
						GFP_KERNEL_ACCOUNT);
	if (!dev->tstats)
		return -ENOMEM;
	err = sw_stats_init(sw);
	if (err)
		goto err_tstats;
	sw->napt = sw_napt_create(&cfg->ce.ps, &cfg->napt);
	if (!sw->napt) {
		err = -ENOMEM;
		goto err_stats;
	}
	err = gro_cells_init(&sw->gro_cells, dev);
	if (err)
		goto err_napt;
	return 0;

err_napt:
	sw_napt_destroy(sw->napt);
	sw->napt = NULL;
err_stats:
	sw_stats_free(sw);
err_tstats:
	free_percpu(dev->tstats);
	dev->tstats = NULL;
	return err;
}

static void sw_dev_ndo_uninit(struct net_device *dev)
{
	struct sw_net *sn = sw_net(dev_net(dev));
	struct sw_dev *sw = netdev_priv(dev);
	struct sw_config *cfg;

	sw_fp_disable(sw);
	mutex_lock(&sn->lock);
	if (!list_empty(&sw->node)) {
		list_del_init(&sw->node);
		list_del_rcu(&sw->rcv_node);	/* freed after synchronize_net() */
		sn->gen++;
	}
	cfg = rcu_replace_pointer(sw->cfg, NULL, lockdep_is_held(&sn->lock));
	mutex_unlock(&sn->lock);
	sw_config_free(cfg);
}

/* After the last reference is gone (netdev_run_todo). */
static void sw_dev_destructor(struct net_device *dev)
{
	struct sw_dev *sw = netdev_priv(dev);

	gro_cells_destroy(&sw->gro_cells);
	sw_napt_destroy(sw->napt);
	sw->napt = NULL;
	sw_stats_free(sw);
	free_percpu(dev->tstats);
	dev->tstats = NULL;
}

/* The outbound packet path: xmit.c. */
static netdev_tx_t sw_dev_xmit(struct sk_buff *skb, struct net_device *dev)
{
	return sw_xmit(skb, dev);
}

static const struct net_device_ops sw_netdev_ops = {
	.ndo_init		= sw_dev_ndo_init,
	.ndo_uninit		= sw_dev_ndo_uninit,
	.ndo_start_xmit		= sw_dev_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
};

/*
 * Also the rtnl_link_ops setup, so it must not allocate: `ip link add`
 * builds a device with it only to have sw_link_newlink() refuse it.
 */
static void sw_dev_setup(struct net_device *dev)
{
	struct sw_dev *sw = netdev_priv(dev);

	dev->netdev_ops = &sw_netdev_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = sw_dev_destructor;

	/* A layer-3 tunnel end: no link-layer header, address or ARP. */
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP | IFF_POINTOPOINT;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	/*
	 * Room for the outer IPv6 header over an Ethernet WAN, as ip6_tunnel
	 * starts with; xmit.c raises it when the way to the BR needs more.
	 * Not LL_MAX_HEADER: forwarding copies the head of every packet with
	 * less headroom than the device asks for (ip_forward()'s skb_cow()),
	 * and a NIC's or a veth's packets have about 64 bytes.
	 */
	dev->needed_headroom = ETH_HLEN + sizeof(struct ipv6hdr);
	/*
	 * GSO super-packets and partial checksums pass through: xmit.c
	 * rewrites them with the partial-checksum helpers and hands them to
	 * IPv6 as SKB_GSO_IPXIP6 (as ip6_tunnel's IPXIPX_FEATURES).
	 */
	dev->features |= SW_DEV_FEATURES;
	dev->hw_features |= SW_DEV_FEATURES;
	/* the route stays on the skb: xmit.c answers Frag Needed with it */
	netif_keep_dst(dev);

	dev->mtu = SW_MTU_DEFAULT;
	dev->min_mtu = SW_MTU_MIN;
	dev->max_mtu = SW_MTU_MAX;

	sw_compat_set_lltx(dev);
	/* The configuration (BR, prefixes) is meaningful in one netns only. */
	sw_compat_set_netns_local(dev);

	sw->dev = dev;
	INIT_LIST_HEAD(&sw->node);
}

bool sw_dev_is_softwire(const struct net_device *dev)
{
	return dev->netdev_ops == &sw_netdev_ops;
}

/*
 * Create and register the device of a new instance named @name in @net,
 * publishing @cfg. Consumes @cfg on success and on failure. RTNL held.
 */
struct net_device *sw_dev_create(struct net *net, const char *name,
				 struct sw_config *cfg, u32 mtu,
				 struct netlink_ext_ack *extack)
{
	struct sw_net *sn = sw_net(net);
	struct net_device *dev;
	struct sw_dev *sw;
	int err;

	ASSERT_RTNL();
	dev = alloc_netdev(sizeof(*sw), name, NET_NAME_USER, sw_dev_setup);
	if (!dev) {
		sw_config_free(cfg);
		return ERR_PTR(-ENOMEM);
	}
	dev_net_set(dev, net);
	dev->rtnl_link_ops = &sw_link_ops;
	dev->mtu = mtu;
	sw = netdev_priv(dev);
	RCU_INIT_POINTER(sw->cfg, cfg);

	err = register_netdevice(dev);
	if (err) {
		NL_SET_ERR_MSG(extack, "could not register the device");
		/* NULL if ndo_uninit already retired it */
		sw_config_free(rtnl_dereference(sw->cfg));
		free_netdev(dev);
		return ERR_PTR(err);
	}

	mutex_lock(&sn->lock);
	list_add_tail(&sw->node, &sn->instances);
	list_add_tail_rcu(&sw->rcv_node, &sn->rcv_list);
	sn->gen++;
	mutex_unlock(&sn->lock);
	return dev;
}

/*
 * Tell listeners, then unregister (now if @head is NULL, else batched by
 * the caller). RTNL held.
 */
void sw_dev_delete(struct net_device *dev, struct list_head *head)
{
	ASSERT_RTNL();
	sw_nl_notify(dev, SOFTWIRE_EVENT_INST_REMOVED);
	unregister_netdevice_queue(dev, head);
}

/* Queue every instance of @net on @head (netns exit). RTNL held. */
void sw_dev_unregister_all(struct net *net, struct list_head *head)
{
	struct sw_net *sn = sw_net(net);
	struct sw_dev *sw;

	ASSERT_RTNL();
	mutex_lock(&sn->lock);
	list_for_each_entry(sw, &sn->instances, node)
		unregister_netdevice_queue(sw->dev, head);
	mutex_unlock(&sn->lock);
}

static int sw_link_newlink(struct net *src_net, struct net_device *dev,
			   struct nlattr *tb[], struct nlattr *data[],
			   struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "create softwire devices with swctl");
	return -EOPNOTSUPP;
}

/* ip link del, and rtnl_link_unregister() at module unload. */
static void sw_link_dellink(struct net_device *dev, struct list_head *head)
{
	sw_dev_delete(dev, head);
}

static struct rtnl_link_ops sw_link_ops __read_mostly = {
	.kind		= SOFTWIRE_LINK_KIND,
	.priv_size	= sizeof(struct sw_dev),
	.setup		= sw_dev_setup,
	.newlink	= sw_link_newlink,
	.dellink	= sw_link_dellink,
};

int sw_dev_init(void)
{
	return rtnl_link_register(&sw_link_ops);
}

void sw_dev_exit(void)
{
	rtnl_link_unregister(&sw_link_ops);
}
