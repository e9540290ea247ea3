/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softwire: what the two halves of the generic netlink family share.
 * netlink.c owns the family, the instance commands and the policy;
 * netlink_napt.c the NAPT's parameters, forwards, mappings and counters.
 */
#ifndef SW_NETLINK_H
#define SW_NETLINK_H

#include <net/genetlink.h>
#include <linux/softwire.h>

struct sw_config;
struct sw_dev;

/* netlink.c */
struct net_device *sw_nl_lookup(struct net *net, const struct genl_info *info);
void *sw_nl_msg_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		    u8 cmd);

/* A static but non-literal reason (NL_SET_ERR_MSG() wants a literal). */
static inline void sw_nl_extack(struct netlink_ext_ack *extack,
				const struct nlattr *attr, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

/* netlink_napt.c: SOFTWIRE_A_FORWARD */
extern const struct nla_policy sw_nl_fwd_policy[SOFTWIRE_FWD_A_MAX + 1];

/* INST_NEW: the NAPT attributes given, over sw_config_derive()'s defaults. */
int sw_nl_params_new(struct sw_config *cfg, struct nlattr **attrs,
		     struct netlink_ext_ack *extack);
/* INST_GET: the parameters and the static forwards. */
size_t sw_nl_params_size(void);
int sw_nl_params_put(struct sk_buff *skb, const struct sw_dev *sw,
		     const struct sw_config *cfg);

int sw_nl_inst_set(struct sk_buff *skb, struct genl_info *info);
int sw_nl_fwd_add(struct sk_buff *skb, struct genl_info *info);
int sw_nl_fwd_del(struct sk_buff *skb, struct genl_info *info);
int sw_nl_map_dump(struct sk_buff *skb, struct netlink_callback *cb);
int sw_nl_stats_get(struct sk_buff *skb, struct genl_info *info);

#endif /* SW_NETLINK_H */
