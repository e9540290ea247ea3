// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the "softwire" generic netlink family (uapi/linux/softwire.h).
 *
 * Every command needs CAP_NET_ADMIN in the caller's user namespace, the
 * GETs included: a configuration reveals the subscriber's prefixes. All
 * policies are strict. Extack messages name the offending attribute in
 * swctl's words ("br", "rule 2: ea-len: ...") and carry no module prefix:
 * formatted messages must fit in 80 bytes.
 */
#include <linux/ipv6.h>
#include <linux/rtnetlink.h>
#include <net/addrconf.h>
#include <net/genetlink.h>
#include <net/ipv6.h>
#include <net/netlink.h>

#include "softwire.h"
#include "netlink.h"

/* Above this many ranges the reply omits them; swctl computes them. */
#define SW_NL_MAX_RANGES	1024

enum sw_nl_mcgrp {
	SW_NL_MCGRP_EVENTS,
};

static struct genl_family sw_nl_family __ro_after_init;

/* Written under RTNL; see sw_nl_exit(). */
static bool sw_nl_live;

/*
 * Ranges a field has on its own are the policy's (the kernel reports the
 * bounds with the offending attribute's offset); the relations between
 * fields are sw_rule_validate()'s, whose reasons name the field the way
 * swctl spells it.
 */
static const struct nla_policy sw_rule_policy[SOFTWIRE_RULE_A_MAX + 1] = {
	[SOFTWIRE_RULE_A_IPV6_PREFIX]	  = NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[SOFTWIRE_RULE_A_IPV6_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 64),
	[SOFTWIRE_RULE_A_IPV4_PREFIX]	  = { .type = NLA_BE32 },
	[SOFTWIRE_RULE_A_IPV4_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 32),
	[SOFTWIRE_RULE_A_EA_LEN]	  = NLA_POLICY_MAX(NLA_U8, 48),
	[SOFTWIRE_RULE_A_PSID_OFFSET]	  = NLA_POLICY_MAX(NLA_U8, 15),
	[SOFTWIRE_RULE_A_PSID_LEN]	  = NLA_POLICY_MAX(NLA_U8, 16),
	[SOFTWIRE_RULE_A_PSID]		  = { .type = NLA_U16 },
	[SOFTWIRE_RULE_A_FLAGS]		  = NLA_POLICY_MASK(NLA_U32, SOFTWIRE_RULE_F_FMR),
};

/* SOFTWIRE_A_RULES holds SOFTWIRE_A_RULE entries and nothing else. */
static const struct nla_policy sw_rules_policy[SOFTWIRE_A_RULE + 1] = {
	[SOFTWIRE_A_RULE]	= NLA_POLICY_NESTED(sw_rule_policy),
};

/* Output-only attributes are left NLA_UNSPEC: strict parsing rejects them. */
static const struct nla_policy sw_policy[SOFTWIRE_A_MAX + 1] = {
	[SOFTWIRE_A_IFNAME]		= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[SOFTWIRE_A_IFINDEX]		= { .type = NLA_U32 },
	[SOFTWIRE_A_MODE]		= { .type = NLA_U8 },
	[SOFTWIRE_A_END_USER_PREFIX]	= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[SOFTWIRE_A_END_USER_PREFIX_LEN] = NLA_POLICY_MAX(NLA_U8, 64),
	[SOFTWIRE_A_BR_ADDR]		= NLA_POLICY_EXACT_LEN(sizeof(struct in6_addr)),
	[SOFTWIRE_A_RULES]		= NLA_POLICY_NESTED(sw_rules_policy),
	[SOFTWIRE_A_FLAGS]		= NLA_POLICY_MASK(NLA_U32, SOFTWIRE_F_LEGACY_IID),
	[SOFTWIRE_A_MTU]		= { .type = NLA_U32 },
	/* NAPT: ranges depend on the module parameter and the port set */
	[SOFTWIRE_A_FILTER]		= { .type = NLA_U8 },
	[SOFTWIRE_A_TIMEOUT_UDP]	= { .type = NLA_U32 },
	[SOFTWIRE_A_TIMEOUT_TCP_EST]	= { .type = NLA_U32 },
	[SOFTWIRE_A_TIMEOUT_TCP_TRANS]	= { .type = NLA_U32 },
	[SOFTWIRE_A_TIMEOUT_ICMP]	= { .type = NLA_U32 },
	[SOFTWIRE_A_MAX_MAPPINGS]	= { .type = NLA_U32 },
	[SOFTWIRE_A_MAX_PER_HOST]	= { .type = NLA_U32 },
	[SOFTWIRE_A_MARK]		= { .type = NLA_U32 },
	[SOFTWIRE_A_MSS_CLAMP]		= { .type = NLA_U16 },
	[SOFTWIRE_A_FASTPATH]		= NLA_POLICY_MAX(NLA_U8, 1),
	[SOFTWIRE_A_FORWARD]		= NLA_POLICY_NESTED(sw_nl_fwd_policy),
};

static const char * const sw_missing_msg[SOFTWIRE_A_MAX + 1] = {
	[SOFTWIRE_A_IFNAME]		= "missing attribute: name",
	[SOFTWIRE_A_MODE]		= "missing attribute: mode",
	[SOFTWIRE_A_END_USER_PREFIX]	= "missing attribute: end-user-prefix",
	[SOFTWIRE_A_END_USER_PREFIX_LEN] = "missing attribute: end-user-prefix length",
	[SOFTWIRE_A_BR_ADDR]		= "missing attribute: br",
	[SOFTWIRE_A_RULES]		= "missing attribute: rule",
};

static const char * const sw_rule_missing_msg[SOFTWIRE_RULE_A_MAX + 1] = {
	[SOFTWIRE_RULE_A_IPV6_PREFIX]	  = "missing attribute: ipv6-prefix",
	[SOFTWIRE_RULE_A_IPV6_PREFIX_LEN] = "missing attribute: ipv6-prefix length",
	[SOFTWIRE_RULE_A_IPV4_PREFIX]	  = "missing attribute: ipv4-prefix",
	[SOFTWIRE_RULE_A_IPV4_PREFIX_LEN] = "missing attribute: ipv4-prefix length",
	[SOFTWIRE_RULE_A_EA_LEN]	  = "missing attribute: ea-len",
};

static u8 sw_get_u8(const struct nlattr *nla, u8 dflt)
{
	return nla ? nla_get_u8(nla) : dflt;
}

static u32 sw_get_u32(const struct nlattr *nla, u32 dflt)
{
	return nla ? nla_get_u32(nla) : dflt;
}

/* Report a static but non-literal reason (e.g. from kmod/core). */
static void sw_extack(struct netlink_ext_ack *extack,
		      const struct nlattr *attr, const char *msg)
{
	if (extack) {
		extack->_msg = msg;
		extack->bad_attr = attr;
	}
}

static bool sw_require(struct genl_info *info, int type)
{
	if (info->attrs[type])
		return true;
	NL_SET_ERR_ATTR_MISS(info->extack, NULL, type);
	sw_extack(info->extack, NULL, sw_missing_msg[type]);
	return false;
}

static bool sw_rule_require(struct nlattr **tb, const struct nlattr *nest,
			    u32 idx, int type, struct netlink_ext_ack *extack)
{
	const char *msg = sw_rule_missing_msg[type];

	if (tb[type])
		return true;
	SW_EXTACK_ATTR_FMT(extack, NULL, msg, "rule %u: %s", idx, msg);
	NL_SET_ERR_ATTR_MISS(extack, nest, type);
	return false;
}

/* --- INST_NEW: attributes to configuration ------------------------------ */

static const int sw_rule_required[] = {
	SOFTWIRE_RULE_A_IPV6_PREFIX, SOFTWIRE_RULE_A_IPV6_PREFIX_LEN,
	SOFTWIRE_RULE_A_IPV4_PREFIX, SOFTWIRE_RULE_A_IPV4_PREFIX_LEN,
	SOFTWIRE_RULE_A_EA_LEN,
};

static void sw_rule_from_attrs(struct nlattr **tb, struct sw_map_rule *r)
{
	nla_memcpy(r->ipv6_prefix, tb[SOFTWIRE_RULE_A_IPV6_PREFIX],
		   sizeof(r->ipv6_prefix));
	r->ipv6_prefix_len = nla_get_u8(tb[SOFTWIRE_RULE_A_IPV6_PREFIX_LEN]);
	r->ipv4_prefix = ntohl(nla_get_in_addr(tb[SOFTWIRE_RULE_A_IPV4_PREFIX]));
	r->ipv4_prefix_len = nla_get_u8(tb[SOFTWIRE_RULE_A_IPV4_PREFIX_LEN]);
	r->ea_len = nla_get_u8(tb[SOFTWIRE_RULE_A_EA_LEN]);
	/* RFC 7597 5.1: a = 6 unless provisioned otherwise */
	r->psid_offset = sw_get_u8(tb[SOFTWIRE_RULE_A_PSID_OFFSET],
				   SW_PSID_OFFSET_DEFAULT);
	if (tb[SOFTWIRE_RULE_A_PSID_LEN]) {
		r->psid_len = nla_get_u8(tb[SOFTWIRE_RULE_A_PSID_LEN]);
		r->flags |= SW_RULE_PSID_LEN_SET;
	}
	if (tb[SOFTWIRE_RULE_A_PSID]) {
		r->psid = nla_get_u16(tb[SOFTWIRE_RULE_A_PSID]);
		r->flags |= SW_RULE_PSID_SET;
	}
	if (sw_get_u32(tb[SOFTWIRE_RULE_A_FLAGS], 0) &
	    SOFTWIRE_RULE_F_FMR)
		r->flags |= SW_RULE_FMR;
}

static int sw_parse_rule(const struct nlattr *nest, u32 idx,
			 struct sw_map_rule *r, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[SOFTWIRE_RULE_A_MAX + 1];
	const char *why = NULL;
	unsigned int i;
	int err;

	err = nla_parse_nested(tb, SOFTWIRE_RULE_A_MAX, nest, sw_rule_policy,
			       extack);
	if (err)
		return err;
	for (i = 0; i < ARRAY_SIZE(sw_rule_required); i++)
		if (!sw_rule_require(tb, nest, idx, sw_rule_required[i], extack))
			return -EINVAL;

	sw_rule_from_attrs(tb, r);
	if (sw_rule_validate(r, &why)) {
		SW_EXTACK_ATTR_FMT(extack, nest, why, "rule %u: %s", idx, why);
		return -EINVAL;
	}
	return 0;
}

static int sw_parse_rules(const struct nlattr *rules, struct sw_config *cfg,
			  struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	u32 i = 0, first;
	int rem, dup, err;

	nla_for_each_nested(nla, rules, rem) {
		err = sw_parse_rule(nla, i, &cfg->rules[i], extack);
		if (err)
			return err;
		i++;
	}

	dup = sw_config_find_dup(cfg, &first);
	if (dup >= 0) {
		SW_EXTACK_ATTR_FMT(extack, rules, "rule: duplicate ipv6-prefix",
				   "rule %d: same ipv6-prefix as rule %u",
				   dup, first);
		return -EINVAL;
	}
	return 0;
}

/* Count the rules; the policy has already checked each one's type. */
static int sw_count_rules(const struct nlattr *rules,
			  struct netlink_ext_ack *extack)
{
	const struct nlattr *nla;
	int rem, n = 0;

	nla_for_each_nested(nla, rules, rem)
		n++;
	if (n < 1 || n > SOFTWIRE_MAX_RULES) {
		NL_SET_ERR_MSG_ATTR(extack, rules,
				    "rule: between 1 and 64 rules are required");
		return -EINVAL;
	}
	return n;
}

static int sw_parse_br(const struct nlattr *nla, struct in6_addr *br,
		       struct netlink_ext_ack *extack)
{
	*br = nla_get_in6_addr(nla);
	/* RFC 7597 5.4: the DMR prefix here is the BR's unicast /128. */
	if (ipv6_addr_any(br) || ipv6_addr_is_multicast(br)) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "br: must be a unicast address");
		return -EINVAL;
	}
	return 0;
}

static const int sw_new_required[] = {
	SOFTWIRE_A_END_USER_PREFIX, SOFTWIRE_A_END_USER_PREFIX_LEN,
	SOFTWIRE_A_BR_ADDR, SOFTWIRE_A_RULES,
};

/* The attributes into @cfg, then the BMR and what the CE derives from it. */
static int sw_config_from_attrs(struct sw_config *cfg, struct nlattr **attrs,
				struct netlink_ext_ack *extack)
{
	const char *why;
	int err;

	cfg->mode = nla_get_u8(attrs[SOFTWIRE_A_MODE]);
	cfg->flags = sw_get_u32(attrs[SOFTWIRE_A_FLAGS], 0);
	cfg->eup = nla_get_in6_addr(attrs[SOFTWIRE_A_END_USER_PREFIX]);
	cfg->eup_len = nla_get_u8(attrs[SOFTWIRE_A_END_USER_PREFIX_LEN]);

	err = sw_parse_br(attrs[SOFTWIRE_A_BR_ADDR], &cfg->br, extack);
	if (!err)
		err = sw_parse_rules(attrs[SOFTWIRE_A_RULES], cfg, extack);
	if (err)
		return err;

	err = sw_config_derive(cfg, &why);
	if (err) {
		sw_extack(extack, attrs[SOFTWIRE_A_END_USER_PREFIX], why);
		return err;
	}
	return sw_nl_params_new(cfg, attrs, extack);
}

/* MODE and IFNAME have been checked. Returns a configuration or ERR_PTR. */
static struct sw_config *sw_parse_config(struct genl_info *info)
{
	struct sw_config *cfg;
	unsigned int i;
	int n, err;

	for (i = 0; i < ARRAY_SIZE(sw_new_required); i++)
		if (!sw_require(info, sw_new_required[i]))
			return ERR_PTR(-EINVAL);
	n = sw_count_rules(info->attrs[SOFTWIRE_A_RULES], info->extack);
	if (n < 0)
		return ERR_PTR(n);

	cfg = sw_config_alloc(n);
	if (!cfg)
		return ERR_PTR(-ENOMEM);
	err = sw_config_from_attrs(cfg, info->attrs, info->extack);
	if (err) {
		sw_config_free(cfg);	/* never published; owns per-CPU memory */
		return ERR_PTR(err);
	}
	return cfg;
}

static int sw_parse_mode(struct genl_info *info)
{
	const struct nlattr *nla = info->attrs[SOFTWIRE_A_MODE];

	if (!sw_require(info, SOFTWIRE_A_MODE))
		return -EINVAL;
	if (nla_get_u8(nla) != SOFTWIRE_MODE_MAPE_CE) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "mode: only map-e (CE) is supported");
		return -EOPNOTSUPP;
	}
	return 0;
}

static int sw_parse_name(struct genl_info *info)
{
	const struct nlattr *nla = info->attrs[SOFTWIRE_A_IFNAME];

	if (!sw_require(info, SOFTWIRE_A_IFNAME))
		return -EINVAL;
	/* No "%d" templates: the instance is addressed by the name given. */
	if (!dev_valid_name(nla_data(nla)) || strchr(nla_data(nla), '%')) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla,
				    "name: not a valid interface name");
		return -EINVAL;
	}
	return 0;
}

static int sw_parse_mtu(struct genl_info *info, u32 *mtu)
{
	const struct nlattr *nla = info->attrs[SOFTWIRE_A_MTU];

	BUILD_BUG_ON(SW_MTU_MIN != 1280 || SW_MTU_MAX != 65495);
	*mtu = sw_get_u32(nla, SW_MTU_DEFAULT);
	if (*mtu < SW_MTU_MIN || *mtu > SW_MTU_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, nla, "mtu: must be 1280..65495");
		return -EINVAL;
	}
	return 0;
}

/* --- Replies and notifications ----------------------------------------- */

static size_t sw_rule_size(void)
{
	return nla_total_size(0) +			/* RULE */
	       nla_total_size(sizeof(struct in6_addr)) +	/* IPV6_PREFIX */
	       nla_total_size(sizeof(u8)) +		/* IPV6_PREFIX_LEN */
	       nla_total_size(sizeof(__be32)) +		/* IPV4_PREFIX */
	       nla_total_size(sizeof(u8)) * 4 +	/* IPV4_PREFIX_LEN .. PSID_LEN */
	       nla_total_size(sizeof(u16)) +		/* PSID */
	       nla_total_size(sizeof(u32));		/* FLAGS */
}

static u32 sw_nranges_in_reply(const struct sw_config *cfg)
{
	u32 n = sw_config_nranges(cfg);

	return n <= SW_NL_MAX_RANGES ? n : 0;
}

static size_t sw_inst_size(const struct sw_config *cfg, bool ranges)
{
	size_t size;

	size = nla_total_size(IFNAMSIZ) +		/* IFNAME */
	       nla_total_size(sizeof(u32)) +		/* IFINDEX */
	       nla_total_size(sizeof(u8)) +		/* MODE */
	       nla_total_size(sizeof(struct in6_addr)) +	/* END_USER_PREFIX */
	       nla_total_size(sizeof(u8)) +		/* END_USER_PREFIX_LEN */
	       nla_total_size(sizeof(struct in6_addr)) +	/* BR_ADDR */
	       nla_total_size(0) +			/* RULES */
	       cfg->nr_rules * sw_rule_size() +
	       nla_total_size(sizeof(u32)) * 2 +	/* FLAGS, MTU */
	       nla_total_size(sizeof(__be32)) +		/* CE_IPV4 */
	       nla_total_size(sizeof(u8)) +		/* CE_IPV4_PREFIX_LEN */
	       nla_total_size(sizeof(u16)) +		/* PSID */
	       nla_total_size(sizeof(u8)) * 2 +	/* PSID_LEN, PSID_OFFSET */
	       nla_total_size(sizeof(u32)) +		/* PORT_COUNT */
	       nla_total_size(sizeof(struct in6_addr)) +	/* CE_IPV6 */
	       nla_total_size(sizeof(u32)) +		/* BMR_INDEX */
	       nla_total_size(sizeof(u8)) +		/* EVENT */
	       sw_nl_params_size();			/* NAPT, FORWARDS */
	if (ranges)
		size += nla_total_size(sw_nranges_in_reply(cfg) *
				       sizeof(struct softwire_port_range));
	return size;
}

static int sw_put_rule(struct sk_buff *skb, const struct sw_map_rule *r)
{
	struct nlattr *nest;
	u32 flags = 0;

	if (r->flags & SW_RULE_FMR)
		flags |= SOFTWIRE_RULE_F_FMR;
	nest = nla_nest_start(skb, SOFTWIRE_A_RULE);
	if (!nest ||
	    nla_put(skb, SOFTWIRE_RULE_A_IPV6_PREFIX, sizeof(r->ipv6_prefix),
		    r->ipv6_prefix) ||
	    nla_put_u8(skb, SOFTWIRE_RULE_A_IPV6_PREFIX_LEN, r->ipv6_prefix_len) ||
	    nla_put_in_addr(skb, SOFTWIRE_RULE_A_IPV4_PREFIX,
			    htonl(r->ipv4_prefix)) ||
	    nla_put_u8(skb, SOFTWIRE_RULE_A_IPV4_PREFIX_LEN, r->ipv4_prefix_len) ||
	    nla_put_u8(skb, SOFTWIRE_RULE_A_EA_LEN, r->ea_len) ||
	    nla_put_u8(skb, SOFTWIRE_RULE_A_PSID_OFFSET, r->psid_offset) ||
	    ((r->flags & SW_RULE_PSID_LEN_SET) &&
	     nla_put_u8(skb, SOFTWIRE_RULE_A_PSID_LEN, r->psid_len)) ||
	    ((r->flags & SW_RULE_PSID_SET) &&
	     nla_put_u16(skb, SOFTWIRE_RULE_A_PSID, r->psid)) ||
	    nla_put_u32(skb, SOFTWIRE_RULE_A_FLAGS, flags))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int sw_put_rules(struct sk_buff *skb, const struct sw_config *cfg)
{
	struct nlattr *nest;
	u32 i;

	nest = nla_nest_start(skb, SOFTWIRE_A_RULES);
	if (!nest)
		return -EMSGSIZE;
	for (i = 0; i < cfg->nr_rules; i++)
		if (sw_put_rule(skb, &cfg->rules[i]))
			return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* RFC 7597 5.1: the port set as ascending, inclusive ranges. */
static int sw_put_ranges(struct sk_buff *skb, const struct sw_portset *ps,
			 u32 n)
{
	struct softwire_port_range *pr;
	struct nlattr *nla;
	u16 first, last;
	u32 i;

	nla = nla_reserve(skb, SOFTWIRE_A_PORT_RANGES, n * sizeof(*pr));
	if (!nla)
		return -EMSGSIZE;
	pr = nla_data(nla);
	for (i = 0; i < n; i++) {
		if (WARN_ON_ONCE(sw_portset_range(ps, i, &first, &last)))
			return -EINVAL;
		pr[i].first = first;
		pr[i].last = last;
	}
	return 0;
}

/* What the CE derived from its BMR (RFC 7597 5.2, 6). */
static int sw_put_derived(struct sk_buff *skb, const struct sw_config *cfg,
			  bool ranges)
{
	const struct sw_map_ce *ce = &cfg->ce;
	u32 n = sw_config_nranges(cfg);

	if (nla_put_in_addr(skb, SOFTWIRE_A_CE_IPV4, htonl(ce->ipv4)) ||
	    nla_put_u8(skb, SOFTWIRE_A_CE_IPV4_PREFIX_LEN, ce->ipv4_prefix_len) ||
	    nla_put_u16(skb, SOFTWIRE_A_PSID, ce->ps.psid) ||
	    nla_put_u8(skb, SOFTWIRE_A_PSID_LEN, ce->ps.psid_len) ||
	    nla_put_u8(skb, SOFTWIRE_A_PSID_OFFSET, ce->ps.psid_offset) ||
	    nla_put_u32(skb, SOFTWIRE_A_PORT_COUNT, sw_portset_count(&ce->ps)) ||
	    nla_put(skb, SOFTWIRE_A_CE_IPV6, sizeof(ce->ipv6), ce->ipv6) ||
	    nla_put_u32(skb, SOFTWIRE_A_BMR_INDEX, cfg->bmr))
		return -EMSGSIZE;
	if (ranges && n <= SW_NL_MAX_RANGES)
		return sw_put_ranges(skb, &ce->ps, n);
	return 0;
}

/* A message header of our family (for netlink_napt.c). */
void *sw_nl_msg_put(struct sk_buff *skb, u32 portid, u32 seq, int flags,
		    u8 cmd)
{
	return genlmsg_put(skb, portid, seq, &sw_nl_family, flags, cmd);
}

struct sw_msg {
	u32 portid;
	u32 seq;
	int flags;
	u8 cmd;
	u8 event;	/* SOFTWIRE_EVENT_*, INST_NOTIFY only */
	bool ranges;	/* include SOFTWIRE_A_PORT_RANGES if short enough */
	struct netlink_callback *cb;	/* dumps only */
};

/* One instance as a message. RTNL (dev->name) and sw_net.lock held. */
static int sw_fill_inst(struct sk_buff *skb, const struct net_device *dev,
			const struct sw_config *cfg, const struct sw_msg *m)
{
	void *hdr;

	hdr = genlmsg_put(skb, m->portid, m->seq, &sw_nl_family, m->flags,
			  m->cmd);
	if (!hdr)
		return -EMSGSIZE;
	if (m->cb)
		genl_dump_check_consistent(m->cb, hdr);

	if (nla_put_string(skb, SOFTWIRE_A_IFNAME, dev->name) ||
	    nla_put_u32(skb, SOFTWIRE_A_IFINDEX, dev->ifindex) ||
	    nla_put_u8(skb, SOFTWIRE_A_MODE, cfg->mode) ||
	    nla_put_in6_addr(skb, SOFTWIRE_A_END_USER_PREFIX, &cfg->eup) ||
	    nla_put_u8(skb, SOFTWIRE_A_END_USER_PREFIX_LEN, cfg->eup_len) ||
	    nla_put_in6_addr(skb, SOFTWIRE_A_BR_ADDR, &cfg->br) ||
	    sw_put_rules(skb, cfg) ||
	    nla_put_u32(skb, SOFTWIRE_A_FLAGS, cfg->flags) ||
	    nla_put_u32(skb, SOFTWIRE_A_MTU, READ_ONCE(dev->mtu)) ||
	    sw_put_derived(skb, cfg, m->ranges) ||
	    sw_nl_params_put(skb, netdev_priv(dev), cfg) ||
	    (m->event && nla_put_u8(skb, SOFTWIRE_A_EVENT, m->event))) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* A message for one instance, sized for it. RTNL and sw_net.lock held. */
static struct sk_buff *sw_build_inst(const struct net_device *dev,
				     const struct sw_config *cfg,
				     const struct sw_msg *m)
{
	struct sk_buff *skb;
	int err;

	skb = genlmsg_new(sw_inst_size(cfg, m->ranges), GFP_KERNEL);
	if (!skb)
		return ERR_PTR(-ENOMEM);
	err = sw_fill_inst(skb, dev, cfg, m);
	if (err) {
		nlmsg_free(skb);
		return ERR_PTR(err);
	}
	return skb;
}

/* Multicast an INST_NOTIFY about @dev, if anyone listens. RTNL held. */
void sw_nl_notify(struct net_device *dev, u8 event)
{
	struct sw_msg m = { .cmd = SOFTWIRE_CMD_INST_NOTIFY, .event = event,
			    .ranges = true };
	struct net *net = dev_net(dev);
	struct sw_net *sn = sw_net(net);
	const struct sw_config *cfg;
	struct sk_buff *skb = NULL;

	ASSERT_RTNL();
	if (!sw_nl_live ||
	    !genl_has_listeners(&sw_nl_family, net, SW_NL_MCGRP_EVENTS))
		return;

	mutex_lock(&sn->lock);
	cfg = sw_dev_cfg(netdev_priv(dev), sn);
	if (cfg)
		skb = sw_build_inst(dev, cfg, &m);
	mutex_unlock(&sn->lock);

	if (!IS_ERR_OR_NULL(skb))
		genlmsg_multicast_netns(&sw_nl_family, net, skb, 0,
					SW_NL_MCGRP_EVENTS, GFP_KERNEL);
}

/* --- Commands ---------------------------------------------------------- */

/*
 * The receive path finds an instance by its MAP IPv6 address (rcv.c), so
 * two instances of a netns with the same one would leave the second deaf:
 * refuse it, naming the owner. RTNL held: instances are only added under
 * it, so the answer holds until sw_dev_create() has listed the new one.
 * The address cannot change afterwards (INST_SET refuses what it derives
 * from: end-user-prefix, rule, legacy-iid).
 */
static int sw_check_map_addr(struct net *net, const struct sw_config *cfg,
			     struct genl_info *info)
{
	struct sw_net *sn = sw_net(net);
	const struct sw_config *other;
	struct sw_dev *sw;
	int err = 0;

	ASSERT_RTNL();
	mutex_lock(&sn->lock);
	list_for_each_entry(sw, &sn->instances, node) {
		other = sw_dev_cfg(sw, sn);
		if (!other || memcmp(other->ce.ipv6, cfg->ce.ipv6,
				     sizeof(cfg->ce.ipv6)))
			continue;
		SW_EXTACK_ATTR_FMT(info->extack,
				   info->attrs[SOFTWIRE_A_END_USER_PREFIX],
				   "end-user-prefix: MAP address already in use",
				   "end-user-prefix: MAP address in use by %s",
				   sw->dev->name);
		err = -EADDRINUSE;
		break;
	}
	mutex_unlock(&sn->lock);
	return err;
}

/* Create the device and announce it. RTNL held; consumes @cfg. */
static int sw_create(struct net *net, struct genl_info *info,
		     struct sw_config *cfg, u32 mtu)
{
	const struct nlattr *name = info->attrs[SOFTWIRE_A_IFNAME];
	struct net_device *dev;
	struct sw_dev *sw;
	int err;

	if (__dev_get_by_name(net, nla_data(name))) {
		SW_EXTACK_ATTR_FMT(info->extack, name,
				   "name: device already exists",
				   "device %s already exists",
				   (const char *)nla_data(name));
		sw_config_free(cfg);
		return -EEXIST;
	}
	err = sw_check_map_addr(net, cfg, info);
	if (err) {
		sw_config_free(cfg);
		return err;
	}
	dev = sw_dev_create(net, nla_data(name), cfg, mtu, info->extack);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	sw = netdev_priv(dev);
	err = sw_fp_apply(sw, rtnl_dereference(sw->cfg));
	if (err) {
		NL_SET_ERR_MSG_ATTR(info->extack, info->attrs[SOFTWIRE_A_FASTPATH],
				    "fastpath: could not be turned on");
		unregister_netdevice(dev);
		return err;
	}
	sw_nl_notify(dev, SOFTWIRE_EVENT_INST_ADDED);
	return 0;
}

static int sw_nl_inst_new(struct sk_buff *skb, struct genl_info *info)
{
	struct sw_config *cfg;
	u32 mtu;
	int err;

	err = sw_parse_mode(info);
	if (!err)
		err = sw_parse_name(info);
	if (!err)
		err = sw_parse_mtu(info, &mtu);
	if (err)
		return err;
	cfg = sw_parse_config(info);
	if (IS_ERR(cfg))
		return PTR_ERR(cfg);

	rtnl_lock();
	err = sw_create(genl_info_net(info), info, cfg, mtu);
	rtnl_unlock();
	return err;
}

static struct net_device *sw_lookup_by_index(struct net *net,
					     const struct genl_info *info)
{
	const struct nlattr *idx = info->attrs[SOFTWIRE_A_IFINDEX];
	const struct nlattr *name = info->attrs[SOFTWIRE_A_IFNAME];
	struct net_device *dev;

	dev = __dev_get_by_index(net, nla_get_u32(idx));
	if (!dev) {
		NL_SET_ERR_MSG_ATTR(info->extack, idx, "ifindex: no such device");
		return ERR_PTR(-ENODEV);
	}
	if (name && nla_strcmp(name, dev->name)) {
		NL_SET_ERR_MSG_ATTR(info->extack, name,
				    "name and ifindex are different devices");
		return ERR_PTR(-EINVAL);
	}
	return dev;
}

static struct net_device *sw_lookup_by_name(struct net *net,
					    const struct genl_info *info)
{
	const struct nlattr *name = info->attrs[SOFTWIRE_A_IFNAME];
	struct net_device *dev;

	dev = __dev_get_by_name(net, nla_data(name));
	if (!dev) {
		SW_EXTACK_ATTR_FMT(info->extack, name, "name: no such device",
				   "device %s does not exist",
				   (const char *)nla_data(name));
		return ERR_PTR(-ENODEV);
	}
	return dev;
}

/* The softwire device named by IFINDEX or IFNAME. RTNL held. */
struct net_device *sw_nl_lookup(struct net *net, const struct genl_info *info)
{
	struct net_device *dev;

	ASSERT_RTNL();
	if (info->attrs[SOFTWIRE_A_IFINDEX]) {
		dev = sw_lookup_by_index(net, info);
	} else if (info->attrs[SOFTWIRE_A_IFNAME]) {
		dev = sw_lookup_by_name(net, info);
	} else {
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, SOFTWIRE_A_IFNAME);
		NL_SET_ERR_MSG(info->extack, "missing attribute: name or ifindex");
		return ERR_PTR(-EINVAL);
	}
	if (IS_ERR(dev) || sw_dev_is_softwire(dev))
		return dev;
	SW_EXTACK_ATTR_FMT(info->extack, NULL, "not a softwire device",
			   "%s is not a softwire device", dev->name);
	return ERR_PTR(-EOPNOTSUPP);
}

static int sw_nl_inst_del(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;

	rtnl_lock();
	dev = sw_nl_lookup(genl_info_net(info), info);
	if (!IS_ERR(dev))
		sw_dev_delete(dev, NULL);
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(dev);
}

static int sw_nl_inst_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sw_msg m = { .portid = info->snd_portid, .seq = info->snd_seq,
			    .cmd = SOFTWIRE_CMD_INST_GET, .ranges = true };
	struct net *net = genl_info_net(info);
	struct sw_net *sn = sw_net(net);
	const struct sw_config *cfg;
	struct net_device *dev;
	struct sk_buff *msg;

	rtnl_lock();
	dev = sw_nl_lookup(net, info);
	if (IS_ERR(dev)) {
		rtnl_unlock();
		return PTR_ERR(dev);
	}
	mutex_lock(&sn->lock);
	cfg = sw_dev_cfg(netdev_priv(dev), sn);
	msg = cfg ? sw_build_inst(dev, cfg, &m) : ERR_PTR(-ENODEV);
	mutex_unlock(&sn->lock);
	rtnl_unlock();

	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return genlmsg_reply(msg, info);
}

/*
 * Ask netlink_dump() for skbs big enough for the largest instance, so one
 * always fits on its own (swctl reads with a large buffer).
 */
static int sw_nl_inst_dump_start(struct netlink_callback *cb)
{
	struct sw_net *sn = sw_net(sock_net(cb->skb->sk));
	size_t size = 0;
	struct sw_dev *sw;

	mutex_lock(&sn->lock);
	list_for_each_entry(sw, &sn->instances, node)
		size = max(size, sw_inst_size(sw_dev_cfg(sw, sn), true));
	mutex_unlock(&sn->lock);

	cb->min_dump_alloc = nlmsg_total_size(GENL_HDRLEN + size);
	return 0;
}

/*
 * One message per instance of the caller's netns; cb->args[0] is the index
 * to resume from. The list's generation number flags dumps that raced
 * with a change (NLM_F_DUMP_INTR). An instance that does not fit an empty
 * skb is sent without its port ranges, which swctl can compute itself.
 */
static int sw_nl_inst_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sw_msg m = { .portid = NETLINK_CB(cb->skb).portid,
			    .seq = cb->nlh->nlmsg_seq, .flags = NLM_F_MULTI,
			    .cmd = SOFTWIRE_CMD_INST_GET, .ranges = true,
			    .cb = cb };
	struct sw_net *sn = sw_net(sock_net(skb->sk));
	unsigned long idx = 0;
	struct sw_dev *sw;
	int err = 0;

	rtnl_lock();
	mutex_lock(&sn->lock);
	cb->seq = sn->gen;
	list_for_each_entry(sw, &sn->instances, node) {
		const struct sw_config *cfg = sw_dev_cfg(sw, sn);

		if (idx < cb->args[0]) {
			idx++;
			continue;
		}
		m.ranges = true;
		err = sw_fill_inst(skb, sw->dev, cfg, &m);
		if (err && !skb->len) {
			m.ranges = false;
			err = sw_fill_inst(skb, sw->dev, cfg, &m);
		}
		if (err)
			break;
		idx++;
	}
	mutex_unlock(&sn->lock);
	rtnl_unlock();

	cb->args[0] = idx;
	if (err && !skb->len)
		return err;
	return skb->len;
}

static const struct genl_ops sw_nl_ops[] = {
	{
		.cmd	= SOFTWIRE_CMD_INST_NEW,
		.doit	= sw_nl_inst_new,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SOFTWIRE_CMD_INST_DEL,
		.doit	= sw_nl_inst_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SOFTWIRE_CMD_INST_GET,
		.doit	= sw_nl_inst_get,
		.start	= sw_nl_inst_dump_start,
		.dumpit	= sw_nl_inst_dump,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	/* netlink_napt.c */
	{
		.cmd	= SOFTWIRE_CMD_INST_SET,
		.doit	= sw_nl_inst_set,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SOFTWIRE_CMD_FWD_ADD,
		.doit	= sw_nl_fwd_add,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SOFTWIRE_CMD_FWD_DEL,
		.doit	= sw_nl_fwd_del,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SOFTWIRE_CMD_MAP_GET,
		.dumpit	= sw_nl_map_dump,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= SOFTWIRE_CMD_STATS_GET,
		.doit	= sw_nl_stats_get,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group sw_nl_mcgrps[] = {
	[SW_NL_MCGRP_EVENTS] = SW_MCGRP(SOFTWIRE_MCGRP_EVENTS),
};

/* Commands are serialised by RTNL and sw_net.lock, not by genl_mutex. */
static struct genl_family sw_nl_family __ro_after_init = {
	.name		= SOFTWIRE_GENL_NAME,
	.version	= SOFTWIRE_GENL_VERSION,
	.maxattr	= SOFTWIRE_A_MAX,
	.policy		= sw_policy,
	.netnsok	= true,
	.parallel_ops	= true,
	.module		= THIS_MODULE,
	.ops		= sw_nl_ops,
	.n_ops		= ARRAY_SIZE(sw_nl_ops),
	.mcgrps		= sw_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(sw_nl_mcgrps),
};

int sw_nl_init(void)
{
	int err;

	err = genl_register_family(&sw_nl_family);
	if (err)
		return err;
	rtnl_lock();
	sw_nl_live = true;
	rtnl_unlock();
	return 0;
}

/*
 * Notifications stop, under RTNL, before the family goes: the dellinks
 * that rtnl_link_unregister() runs afterwards must not multicast on a
 * family that no longer exists.
 */
void sw_nl_exit(void)
{
	rtnl_lock();
	sw_nl_live = false;
	rtnl_unlock();
	genl_unregister_family(&sw_nl_family);
}
