/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softwire: the one place that knows kernel versions. Floor: 6.1.
 *
 * Each block names the kernel change it bridges. Tests are on the symbol
 * itself (#ifdef of a macro) where possible, because distribution kernels
 * (Debian's 6.1 and 6.12 among them) carry backports that a
 * LINUX_VERSION_CODE test would get wrong; struct members cannot be
 * tested by the preprocessor, so kmod/Kbuild probes the headers for those
 * and passes -DSW_HAVE_* here.
 */
#ifndef SW_COMPAT_H
#define SW_COMPAT_H

#include <linux/netdevice.h>
#include <linux/netlink.h>
#include <net/genetlink.h>

/*
 * v6.12 "netdev_features: convert NETIF_F_LLTX to dev->lltx": lockless
 * transmit moved from a feature bit to a net_device bit.
 */
static inline void sw_compat_set_lltx(struct net_device *dev)
{
#ifdef NETIF_F_LLTX
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
}

/*
 * v6.12 "netdev_features: convert NETIF_F_NETNS_LOCAL to dev->netns_local",
 * then v6.15 "net: rename netns_local to netns_immutable" (backported to
 * later 6.12.y, Debian's among them): a device that must not change netns.
 */
static inline void sw_compat_set_netns_local(struct net_device *dev)
{
#if defined(NETIF_F_NETNS_LOCAL)
	dev->features |= NETIF_F_NETNS_LOCAL;
#elif defined(SW_HAVE_NETNS_IMMUTABLE)
	dev->netns_immutable = true;
#else
	dev->netns_local = true;
#endif
}

/*
 * v6.2 "netlink: add support for formatted extack messages": extack grew
 * an 80-byte _msg_buf. Before it, or when the text would not fit (the
 * kernel would truncate it and warn), report the static fallback; the
 * offending attribute is reported either way, so the offset still
 * locates the problem.
 */
#ifdef NETLINK_MAX_FMTMSG_LEN
#define SW_EXTACK_ATTR_FMT(extack, attr, fallback, fmt, ...) do {	\
	struct netlink_ext_ack *__e = (extack);				\
									\
	if (!__e)							\
		break;							\
	if (snprintf(__e->_msg_buf, NETLINK_MAX_FMTMSG_LEN, fmt,	\
		     ##__VA_ARGS__) < NETLINK_MAX_FMTMSG_LEN)		\
		__e->_msg = __e->_msg_buf;				\
	else								\
		__e->_msg = (fallback);					\
	__e->bad_attr = (attr);						\
} while (0)
#else
/*
 * Before v6.2 the text goes into one of a ring of static buffers
 * (compat.c): the ack that reads it is sent before genl_rcv() returns, and
 * a buffer is only reused after SW_EXTACK_RING later formatted rejections.
 */
#define SW_EXTACK_MSG_LEN	80
char *sw_compat_extack_buf(void);
#define SW_EXTACK_ATTR_FMT(extack, attr, fallback, fmt, ...) do {	\
	struct netlink_ext_ack *__e = (extack);				\
	char *__b;							\
									\
	if (!__e)							\
		break;							\
	__b = sw_compat_extack_buf();					\
	if (snprintf(__b, SW_EXTACK_MSG_LEN, fmt, ##__VA_ARGS__) <	\
	    SW_EXTACK_MSG_LEN)						\
		__e->_msg = __b;					\
	else								\
		__e->_msg = (fallback);					\
	__e->bad_attr = (attr);						\
} while (0)
#endif

/*
 * v6.6 "genetlink: add struct genl_info to struct genl_dumpit_info": dumps
 * see a genl_info like doit handlers. Before it, only the parsed
 * attributes. Either way @tmp gets the attributes and the extack of the
 * current ->dumpit() call (the one kept from ->start() is stale by then;
 * and before v6.2 "netlink: support extack in dump ->start()" ->start()
 * had none, so errors are better reported from ->dumpit()).
 */
static inline const struct genl_info *
sw_compat_dump_info(struct netlink_callback *cb, struct genl_info *tmp)
{
#ifdef SW_HAVE_GENL_INFO_DUMP
	*tmp = *genl_info_dump(cb);
#else
	memset(tmp, 0, sizeof(*tmp));
	tmp->attrs = genl_dumpit_info(cb)->attrs;
	tmp->snd_seq = cb->nlh->nlmsg_seq;
	tmp->snd_portid = NETLINK_CB(cb->skb).portid;
#endif
	tmp->extack = cb->extack;
	return tmp;
}

/*
 * v6.7 "genetlink: add CAP_NET_ADMIN test for multicast bind": before it
 * any process could listen to a family's multicast groups.
 */
#ifdef GENL_MCAST_CAP_NET_ADMIN
#define SW_MCGRP(grp)	{ .name = (grp), .flags = GENL_MCAST_CAP_NET_ADMIN }
#else
#define SW_MCGRP(grp)	{ .name = (grp) }
#endif

/*
 * v6.6 "net: add DEV_STATS_INC()" (backported to 6.1.y): atomic updates of
 * dev->stats from lockless paths. Before it only the core's per-CPU
 * counters were safe there (rx_dropped, tx_dropped, rx_nohandler).
 */
#ifndef DEV_STATS_INC
#define DEV_STATS_INC(dev, field)	dev_core_stats_##field##_inc(dev)
#endif

/*
 * v6.5 "net: move gso declarations and functions to their own files":
 * skb_gso_segment() and skb_gso_validate_network_len() left
 * <linux/netdevice.h> and <linux/skbuff.h> for <net/gso.h>.
 */
#ifdef SW_HAVE_NET_GSO_H
#include <net/gso.h>
#endif

/* v6.5 "Compiler Attributes: Add __counted_by macro" */
#ifndef __counted_by
#define __counted_by(member)
#endif

#endif /* SW_COMPAT_H */
