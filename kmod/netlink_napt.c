// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the generic netlink commands of the NAPT (RFC 7597 8.2 with
 * the behaviour of RFC 4787, RFC 5382 and RFC 5508): its parameters
 * (INST_NEW, INST_SET, INST_GET), static forwards (FWD_ADD, FWD_DEL), the
 * mapping table (MAP_GET, a dump) and the counters (STATS_GET).
 *
 * Locking as everywhere (softwire.h): RTNL, then sw_net.lock. Holding
 * both, a device found by name or index still has its configuration and
 * its mapping table. The mapping dump finds its device again by ifindex
 * on every call, so nothing is pinned between calls.
 *
 * Extack messages name the swctl keyword ("timeout-udp: ...") and fit in
 * 80 bytes.
 */
#include <linux/in.h>
#include <linux/moduleparam.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "softwire.h"
#include "netlink.h"
#include "core/tcpstate.h"

static bool allow_short_timeouts;
module_param(allow_short_timeouts, bool, 0644);
MODULE_PARM_DESC(allow_short_timeouts,
		 "testing only: accept NAPT timeouts from 1 s, below the RFC minimums");

#define SW_TIMEOUT_MAX		604800	/* a week; keeps jiffies arithmetic small */
#define SW_MSS_MIN		536	/* RFC 9293 3.7.1: the default send MSS */
#define SW_MSS_MAX		65495	/* largest IPv4 packet minus 40 bytes */

const struct nla_policy sw_nl_fwd_policy[SOFTWIRE_FWD_A_MAX + 1] = {
	[SOFTWIRE_FWD_A_PROTO]		= { .type = NLA_U8 },
	[SOFTWIRE_FWD_A_PORT]		= { .type = NLA_U16 },
	[SOFTWIRE_FWD_A_TO_ADDR]	= { .type = NLA_BE32 },
	[SOFTWIRE_FWD_A_TO_PORT]	= { .type = NLA_U16 },
};

/* --- Protocols: IPPROTO_* on the wire, enum sw_napt_proto inside ------- */

static u8 sw_ipproto(u8 np)
{
	switch (np) {
	case SW_NP_TCP:		return IPPROTO_TCP;
	case SW_NP_UDP:		return IPPROTO_UDP;
	default:		return IPPROTO_ICMP;
	}
}

/* Static forwards: TCP and UDP only (an ICMP echo id is not a service). */
static int sw_fwd_proto(u8 ipproto)
{
	switch (ipproto) {
	case IPPROTO_TCP:	return SW_NP_TCP;
	case IPPROTO_UDP:	return SW_NP_UDP;
	default:		return -1;
	}
}

/* --- Parameters -------------------------------------------------------- */

struct sw_timeout_desc {
	int type;
	size_t off;		/* in struct sw_napt_params */
	u32 floor;		/* the RFC's minimum */
	const char *kw;
	const char *rfc;
};

static const struct sw_timeout_desc sw_timeouts[] = {
	{ SOFTWIRE_A_TIMEOUT_UDP, offsetof(struct sw_napt_params, timeout_udp),
	  SW_TIMEOUT_UDP_MIN, "timeout-udp", "RFC 4787 REQ-5" },
	{ SOFTWIRE_A_TIMEOUT_TCP_EST,
	  offsetof(struct sw_napt_params, timeout_tcp_est),
	  SW_TIMEOUT_TCP_EST, "timeout-tcp-est", "RFC 5382 REQ-5" },
	{ SOFTWIRE_A_TIMEOUT_TCP_TRANS,
	  offsetof(struct sw_napt_params, timeout_tcp_trans),
	  SW_TIMEOUT_TCP_TRANS, "timeout-tcp-trans", "RFC 5382 REQ-5" },
	{ SOFTWIRE_A_TIMEOUT_ICMP, offsetof(struct sw_napt_params, timeout_icmp),
	  SW_TIMEOUT_ICMP, "timeout-icmp", "RFC 5508 REQ-2" },
};

/* The RFC minimums hold unless the test knob allow_short_timeouts is set. */
static int sw_parse_timeout(const struct sw_timeout_desc *d,
			    const struct nlattr *nla, struct sw_napt_params *p,
			    struct netlink_ext_ack *extack)
{
	u32 floor = READ_ONCE(allow_short_timeouts) ? 1 : d->floor;
	u32 v = nla_get_u32(nla);

	if (v < floor) {
		SW_EXTACK_ATTR_FMT(extack, nla, "timeout: below the RFC minimum",
				   "%s: must be at least %u s%s%s%s", d->kw, floor,
				   floor > 1 ? " (" : "", floor > 1 ? d->rfc : "",
				   floor > 1 ? ")" : "");
		return -EINVAL;
	}
	if (v > SW_TIMEOUT_MAX) {
		SW_EXTACK_ATTR_FMT(extack, nla, "timeout: above 604800 s",
				   "%s: must be at most %u s", d->kw,
				   SW_TIMEOUT_MAX);
		return -EINVAL;
	}
	*(u32 *)((u8 *)p + d->off) = v;
	return 0;
}

static int sw_parse_timeouts(struct nlattr **attrs, struct sw_napt_params *p,
			     struct netlink_ext_ack *extack)
{
	unsigned int i;
	int err;

	for (i = 0; i < ARRAY_SIZE(sw_timeouts); i++) {
		const struct nlattr *nla = attrs[sw_timeouts[i].type];

		if (!nla)
			continue;
		err = sw_parse_timeout(&sw_timeouts[i], nla, p, extack);
		if (err)
			return err;
	}
	return 0;
}

/* RFC 4787 5: EIF (default), ADF or APDF. */
static int sw_parse_filter(const struct nlattr *nla, struct sw_napt_params *p,
			   struct netlink_ext_ack *extack)
{
	if (!nla)
		return 0;
	if (nla_get_u8(nla) > SOFTWIRE_FILTER_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "filter: must be eif, adf or apdf");
		return -EINVAL;
	}
	p->filter = nla_get_u8(nla);
	return 0;
}

/*
 * TCP, UDP and ICMP each have the whole port set: the table holds at most
 * sw_napt_mappings_max() mappings, which is also the default (and 0).
 */
static int sw_parse_limits(struct nlattr **attrs, const struct sw_config *cfg,
			   struct sw_napt_params *p,
			   struct netlink_ext_ack *extack)
{
	const struct nlattr *nla = attrs[SOFTWIRE_A_MAX_MAPPINGS];
	u32 max = sw_napt_mappings_max(&cfg->ce.ps);

	if (nla) {
		p->max_mappings = nla_get_u32(nla) ?: max;
		if (p->max_mappings > max) {
			SW_EXTACK_ATTR_FMT(extack, nla,
					   "max-mappings: above what the port set holds",
					   "max-mappings: must be 0..%u (0: the maximum, %u x %u ports)",
					   max, SW_NP__MAX,
					   sw_portset_count(&cfg->ce.ps));
			return -EINVAL;
		}
	}
	nla = attrs[SOFTWIRE_A_MAX_PER_HOST];
	if (nla)
		p->max_per_host = nla_get_u32(nla);	/* 0: unlimited */
	return 0;
}

static int sw_parse_mss(const struct nlattr *nla, struct sw_config *cfg,
			struct netlink_ext_ack *extack)
{
	u16 v;

	if (!nla)
		return 0;
	v = nla_get_u16(nla);
	if (v && (v < SW_MSS_MIN || v > SW_MSS_MAX)) {
		NL_SET_ERR_MSG_ATTR(extack, nla,
				    "mss-clamp: must be 0 (off) or 536..65495");
		return -EINVAL;
	}
	cfg->mss_clamp = v;
	return 0;
}

/* The NAPT attributes present in @attrs onto @cfg (derived already). */
static int sw_parse_params(struct sw_config *cfg, struct nlattr **attrs,
			   struct netlink_ext_ack *extack)
{
	int err;

	err = sw_parse_filter(attrs[SOFTWIRE_A_FILTER], &cfg->napt, extack);
	if (!err)
		err = sw_parse_timeouts(attrs, &cfg->napt, extack);
	if (!err)
		err = sw_parse_limits(attrs, cfg, &cfg->napt, extack);
	if (!err)
		err = sw_parse_mss(attrs[SOFTWIRE_A_MSS_CLAMP], cfg, extack);
	if (!err && attrs[SOFTWIRE_A_MARK])
		cfg->mark = nla_get_u32(attrs[SOFTWIRE_A_MARK]);
	if (!err && attrs[SOFTWIRE_A_FASTPATH])
		cfg->fastpath = nla_get_u8(attrs[SOFTWIRE_A_FASTPATH]);
	return err;
}

int sw_nl_params_new(struct sw_config *cfg, struct nlattr **attrs,
		     struct netlink_ext_ack *extack)
{
	if (attrs[SOFTWIRE_A_FORWARD]) {
		NL_SET_ERR_MSG_ATTR(extack, attrs[SOFTWIRE_A_FORWARD],
				    "forward: add forwards once the instance exists");
		return -EINVAL;
	}
	/* sw_config_derive() set the defaults; mark and mss-clamp are 0, fastpath off */
	return sw_parse_params(cfg, attrs, extack);
}

/* --- INST_GET: parameters and static forwards -------------------------- */

static size_t sw_fwd_size(void)
{
	return nla_total_size(0) +			/* FORWARD */
	       nla_total_size(sizeof(u8)) +		/* PROTO */
	       nla_total_size(sizeof(u16)) * 2 +	/* PORT, TO_PORT */
	       nla_total_size(sizeof(__be32));		/* TO_ADDR */
}

size_t sw_nl_params_size(void)
{
	return nla_total_size(sizeof(u8)) * 2 +	/* FILTER, FASTPATH */
	       nla_total_size(sizeof(u32)) * 7 +	/* TIMEOUT_*, MAX_*, MARK */
	       nla_total_size(sizeof(u16)) +		/* MSS_CLAMP */
	       nla_total_size(0) +			/* FORWARDS */
	       SOFTWIRE_MAX_FORWARDS * sw_fwd_size();
}

static int sw_put_fwd(const struct sw_mapping *m, void *arg)
{
	struct sk_buff *skb = arg;
	struct nlattr *nest;

	if (!(m->flags & SW_MAP_F_STATIC))
		return 0;
	nest = nla_nest_start(skb, SOFTWIRE_A_FORWARD);
	if (!nest ||
	    nla_put_u8(skb, SOFTWIRE_FWD_A_PROTO, sw_ipproto(m->proto)) ||
	    nla_put_u16(skb, SOFTWIRE_FWD_A_PORT, ntohs(m->ext_port)) ||
	    nla_put_in_addr(skb, SOFTWIRE_FWD_A_TO_ADDR, m->int_addr) ||
	    nla_put_u16(skb, SOFTWIRE_FWD_A_TO_PORT, ntohs(m->int_port)))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int sw_put_fwds(struct sk_buff *skb, struct sw_napt *napt)
{
	unsigned long pos = 0;
	struct nlattr *nest;
	int err;

	nest = nla_nest_start(skb, SOFTWIRE_A_FORWARDS);
	if (!nest)
		return -EMSGSIZE;
	if (napt) {
		rcu_read_lock();
		err = sw_napt_walk(napt, &pos, sw_put_fwd, skb);
		rcu_read_unlock();
		if (err)
			return err;
	}
	nla_nest_end(skb, nest);
	return 0;
}

/* RTNL and sw_net.lock held (sw_fill_inst). */
int sw_nl_params_put(struct sk_buff *skb, const struct sw_dev *sw,
		     const struct sw_config *cfg)
{
	const struct sw_napt_params *p = &cfg->napt;

	if (nla_put_u8(skb, SOFTWIRE_A_FILTER, p->filter) ||
	    nla_put_u32(skb, SOFTWIRE_A_TIMEOUT_UDP, p->timeout_udp) ||
	    nla_put_u32(skb, SOFTWIRE_A_TIMEOUT_TCP_EST, p->timeout_tcp_est) ||
	    nla_put_u32(skb, SOFTWIRE_A_TIMEOUT_TCP_TRANS, p->timeout_tcp_trans) ||
	    nla_put_u32(skb, SOFTWIRE_A_TIMEOUT_ICMP, p->timeout_icmp) ||
	    nla_put_u32(skb, SOFTWIRE_A_MAX_MAPPINGS, p->max_mappings) ||
	    nla_put_u32(skb, SOFTWIRE_A_MAX_PER_HOST, p->max_per_host) ||
	    nla_put_u32(skb, SOFTWIRE_A_MARK, cfg->mark) ||
	    nla_put_u16(skb, SOFTWIRE_A_MSS_CLAMP, cfg->mss_clamp) ||
	    nla_put_u8(skb, SOFTWIRE_A_FASTPATH, cfg->fastpath))
		return -EMSGSIZE;
	return sw_put_fwds(skb, sw->napt);
}

/*
 * Under RTNL a device that was found has its configuration and table; this
 * is for the window of an unregistration in progress.
 */
static int sw_gone(struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG(extack, "the instance is being deleted");
	return -ENODEV;
}

/* --- INST_SET ---------------------------------------------------------- */

/* What only delete + add can change, and how swctl spells it. */
static const struct {
	int type;
	const char *msg;
} sw_set_fixed[] = {
	{ SOFTWIRE_A_MODE, "mode: cannot be changed; delete and add the instance" },
	{ SOFTWIRE_A_END_USER_PREFIX,
	  "end-user-prefix: cannot be changed; delete and add the instance" },
	{ SOFTWIRE_A_END_USER_PREFIX_LEN,
	  "end-user-prefix: cannot be changed; delete and add the instance" },
	{ SOFTWIRE_A_BR_ADDR, "br: cannot be changed; delete and add the instance" },
	{ SOFTWIRE_A_RULES, "rule: cannot be changed; delete and add the instance" },
	{ SOFTWIRE_A_FLAGS,
	  "legacy-iid: cannot be changed; delete and add the instance" },
	{ SOFTWIRE_A_MTU, "mtu: change it with ip link set NAME mtu MTU" },
	{ SOFTWIRE_A_FORWARD, "forward: use forward add / forward del" },
};

static int sw_set_check_fixed(struct genl_info *info)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sw_set_fixed); i++) {
		const struct nlattr *nla = info->attrs[sw_set_fixed[i].type];

		if (nla) {
			sw_nl_extack(info->extack, nla, sw_set_fixed[i].msg);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * A copy of the live configuration with the changes, published in its
 * place (softwire.h: immutable, RCU). RTNL and sw_net.lock held.
 */
static int sw_set(struct sw_dev *sw, struct sw_net *sn, struct genl_info *info)
{
	struct sw_config *old = sw_dev_cfg(sw, sn), *cfg;
	int err;

	if (!old || !sw->napt)
		return sw_gone(info->extack);
	cfg = sw_config_dup(old);
	if (!cfg)
		return -ENOMEM;
	err = sw_parse_params(cfg, info->attrs, info->extack);
	if (!err) {
		/* on error the fast path is left as @old has it */
		err = sw_fp_apply(sw, cfg);
		if (err)
			NL_SET_ERR_MSG_ATTR(info->extack,
					    info->attrs[SOFTWIRE_A_FASTPATH],
					    "fastpath: could not be turned on");
	}
	if (err) {
		sw_config_free(cfg);	/* never published */
		return err;
	}
	rcu_assign_pointer(sw->cfg, cfg);
	sw_napt_set_params(sw->napt, &cfg->napt);
	sw_config_free(old);
	return 0;
}

/*
 * The instance the request names, with RTNL and then sn->lock taken;
 * sw_nl_unlock() releases both. On error nothing is held.
 */
static struct net_device *sw_nl_lock_dev(struct genl_info *info,
					 struct sw_net *sn)
{
	struct net_device *dev;

	rtnl_lock();
	dev = sw_nl_lookup(genl_info_net(info), info);
	if (IS_ERR(dev)) {
		rtnl_unlock();
		return dev;
	}
	mutex_lock(&sn->lock);
	return dev;
}

static void sw_nl_unlock(struct sw_net *sn)
{
	mutex_unlock(&sn->lock);
	rtnl_unlock();
}

int sw_nl_inst_set(struct sk_buff *skb, struct genl_info *info)
{
	struct sw_net *sn = sw_net(genl_info_net(info));
	struct net_device *dev;
	int err;

	err = sw_set_check_fixed(info);
	if (err)
		return err;
	dev = sw_nl_lock_dev(info, sn);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	err = sw_set(netdev_priv(dev), sn, info);
	sw_nl_unlock(sn);
	return err;
}

/* --- FWD_ADD / FWD_DEL ------------------------------------------------- */

struct sw_fwd {
	const struct nlattr *nest;	/* SOFTWIRE_A_FORWARD */
	u8 proto;		/* enum sw_napt_proto */
	u16 port;
	__be32 to_addr;
	u16 to_port;
};

static const char * const sw_fwd_missing[SOFTWIRE_FWD_A_MAX + 1] = {
	[SOFTWIRE_FWD_A_PROTO]		= "missing attribute: forward proto",
	[SOFTWIRE_FWD_A_PORT]		= "missing attribute: forward port",
	[SOFTWIRE_FWD_A_TO_ADDR]	= "missing attribute: forward to",
};

static bool sw_fwd_require(struct nlattr **tb, const struct nlattr *nest,
			   int type, struct netlink_ext_ack *extack)
{
	if (tb[type])
		return true;
	NL_SET_ERR_ATTR_MISS(extack, nest, type);
	sw_nl_extack(extack, nest, sw_fwd_missing[type]);
	return false;
}

static int sw_fwd_parse_to(struct nlattr **tb, struct sw_fwd *f,
			   struct netlink_ext_ack *extack)
{
	const struct nlattr *nla = tb[SOFTWIRE_FWD_A_TO_ADDR];

	f->to_addr = nla_get_in_addr(nla);
	if (ipv4_is_zeronet(f->to_addr) || ipv4_is_multicast(f->to_addr) ||
	    ipv4_is_lbcast(f->to_addr) || ipv4_is_loopback(f->to_addr)) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "to: must be a unicast IPv4 address");
		return -EINVAL;
	}
	/* TO_PORT defaults to PORT, which the port set check vets */
	nla = tb[SOFTWIRE_FWD_A_TO_PORT];
	f->to_port = nla ? nla_get_u16(nla) : f->port;
	if (nla && !f->to_port) {
		NL_SET_ERR_MSG_ATTR(extack, nla, "to: port must be 1..65535");
		return -EINVAL;
	}
	return 0;
}

/* SOFTWIRE_A_FORWARD of FWD_ADD (@add) or FWD_DEL. */
static int sw_fwd_parse(struct genl_info *info, bool add, struct sw_fwd *f,
			struct nlattr **tb)
{
	const struct nlattr *nest = info->attrs[SOFTWIRE_A_FORWARD];
	struct netlink_ext_ack *extack = info->extack;
	int err, np;

	if (!nest) {
		NL_SET_ERR_ATTR_MISS(extack, NULL, SOFTWIRE_A_FORWARD);
		NL_SET_ERR_MSG(extack, "missing attribute: forward");
		return -EINVAL;
	}
	err = nla_parse_nested(tb, SOFTWIRE_FWD_A_MAX, nest, sw_nl_fwd_policy,
			       extack);
	if (err)
		return err;
	f->nest = nest;
	if (!sw_fwd_require(tb, nest, SOFTWIRE_FWD_A_PROTO, extack) ||
	    !sw_fwd_require(tb, nest, SOFTWIRE_FWD_A_PORT, extack) ||
	    (add && !sw_fwd_require(tb, nest, SOFTWIRE_FWD_A_TO_ADDR, extack)))
		return -EINVAL;

	np = sw_fwd_proto(nla_get_u8(tb[SOFTWIRE_FWD_A_PROTO]));
	if (np < 0) {
		NL_SET_ERR_MSG_ATTR(extack, tb[SOFTWIRE_FWD_A_PROTO],
				    "proto: must be tcp or udp");
		return -EINVAL;
	}
	f->proto = np;
	f->port = nla_get_u16(tb[SOFTWIRE_FWD_A_PORT]);
	if (!add && (tb[SOFTWIRE_FWD_A_TO_ADDR] || tb[SOFTWIRE_FWD_A_TO_PORT])) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "to: not used to delete a forward");
		return -EINVAL;
	}
	return add ? sw_fwd_parse_to(tb, f, extack) : 0;
}

/* RFC 7597 8.2: the CE may only use ports of its own set. */
static int sw_fwd_check_port(const struct net_device *dev,
			     const struct sw_config *cfg, const struct sw_fwd *f,
			     const struct nlattr *nla,
			     struct netlink_ext_ack *extack)
{
	const struct sw_portset *ps = &cfg->ce.ps;

	if (f->port && sw_port_in_set(ps, f->port))
		return 0;
	SW_EXTACK_ATTR_FMT(extack, nla, "port: not in the instance's port set",
			   "port %u is not in the port set of %s (PSID 0x%x, %u ports)",
			   f->port, dev->name, ps->psid, sw_portset_count(ps));
	return -ERANGE;
}

static int sw_count_static(const struct sw_mapping *m, void *arg)
{
	if (m->flags & SW_MAP_F_STATIC)
		++*(u32 *)arg;
	return 0;
}

static u32 sw_fwd_count(struct sw_napt *napt)
{
	unsigned long pos = 0;
	u32 n = 0;

	rcu_read_lock();
	sw_napt_walk(napt, &pos, sw_count_static, &n);
	rcu_read_unlock();
	return n;
}

/* RTNL and sw_net.lock held; @tb is the parsed SOFTWIRE_A_FORWARD. */
static int sw_fwd_add(struct net_device *dev, struct sw_net *sn,
		      const struct sw_fwd *f, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	struct sw_dev *sw = netdev_priv(dev);
	const struct sw_config *cfg = sw_dev_cfg(sw, sn);
	const char *why = NULL;
	int err;

	if (!cfg || !sw->napt)
		return sw_gone(extack);
	err = sw_fwd_check_port(dev, cfg, f, tb[SOFTWIRE_FWD_A_PORT], extack);
	if (err)
		return err;
	if (sw_fwd_count(sw->napt) >= SOFTWIRE_MAX_FORWARDS) {
		NL_SET_ERR_MSG_ATTR(extack, f->nest,
				    "forward: at most 256 forwards per instance");
		return -ENOSPC;
	}
	err = sw_napt_forward_add(sw->napt, f->proto, htons(f->port), f->to_addr,
				  htons(f->to_port), &why);
	if (err)
		SW_EXTACK_ATTR_FMT(extack, tb[SOFTWIRE_FWD_A_PORT],
				   "port: cannot be forwarded",
				   "%s port %u of %s: %s",
				   sw_napt_proto_name(f->proto), f->port, dev->name,
				   why ?: "cannot be forwarded");
	return err;
}

static int sw_fwd_del(struct net_device *dev, struct sw_net *sn,
		      const struct sw_fwd *f, struct nlattr **tb,
		      struct netlink_ext_ack *extack)
{
	struct sw_dev *sw = netdev_priv(dev);
	int err;

	if (!sw_dev_cfg(sw, sn) || !sw->napt)
		return sw_gone(extack);
	err = sw_napt_forward_del(sw->napt, f->proto, htons(f->port));
	if (err)
		SW_EXTACK_ATTR_FMT(extack, tb[SOFTWIRE_FWD_A_PORT],
				   "port: no such forward",
				   "no %s forward on port %u of %s",
				   sw_napt_proto_name(f->proto), f->port, dev->name);
	return err;
}

static int sw_fwd_do(struct genl_info *info, bool add)
{
	struct nlattr *tb[SOFTWIRE_FWD_A_MAX + 1];
	struct sw_net *sn = sw_net(genl_info_net(info));
	struct net_device *dev;
	struct sw_fwd f = {};
	int err;

	err = sw_fwd_parse(info, add, &f, tb);
	if (err)
		return err;
	dev = sw_nl_lock_dev(info, sn);
	if (IS_ERR(dev))
		return PTR_ERR(dev);
	err = add ? sw_fwd_add(dev, sn, &f, tb, info->extack) :
		    sw_fwd_del(dev, sn, &f, tb, info->extack);
	sw_nl_unlock(sn);
	return err;
}

int sw_nl_fwd_add(struct sk_buff *skb, struct genl_info *info)
{
	return sw_fwd_do(info, true);
}

int sw_nl_fwd_del(struct sk_buff *skb, struct genl_info *info)
{
	return sw_fwd_do(info, false);
}

/* --- MAP_GET: the mapping table, one message per mapping ---------------- */

/* cb->args[] of a mapping dump */
enum { SW_MD_IFINDEX, SW_MD_POS, SW_MD_DONE };

struct sw_map_msg {
	struct sk_buff *skb;
	u32 portid;
	u32 seq;
	int ifindex;
	__be32 ext_addr;
};

static int sw_put_mapping(struct sk_buff *skb, const struct sw_mapping *m,
			  __be32 ext_addr)
{
	unsigned long idle = jiffies - READ_ONCE(m->last_used);
	u8 state = sw_napt_tcp_state(m);
	struct nlattr *nest;

	nest = nla_nest_start(skb, SOFTWIRE_A_MAPPING);
	if (!nest ||
	    nla_put_u8(skb, SOFTWIRE_MAP_A_PROTO, sw_ipproto(m->proto)) ||
	    nla_put_in_addr(skb, SOFTWIRE_MAP_A_INT_ADDR, m->int_addr) ||
	    nla_put_u16(skb, SOFTWIRE_MAP_A_INT_PORT, ntohs(m->int_port)) ||
	    nla_put_in_addr(skb, SOFTWIRE_MAP_A_EXT_ADDR, ext_addr) ||
	    nla_put_u16(skb, SOFTWIRE_MAP_A_EXT_PORT, ntohs(m->ext_port)) ||
	    (READ_ONCE(m->remote_addr) &&
	     (nla_put_in_addr(skb, SOFTWIRE_MAP_A_REMOTE_ADDR,
			      READ_ONCE(m->remote_addr)) ||
	      nla_put_u16(skb, SOFTWIRE_MAP_A_REMOTE_PORT,
			  ntohs(READ_ONCE(m->remote_port))))) ||
	    nla_put_u32(skb, SOFTWIRE_MAP_A_AGE, min_t(unsigned long,
						       idle / HZ, U32_MAX)) ||
	    (m->proto == SW_NP_TCP &&
	     nla_put_string(skb, SOFTWIRE_MAP_A_STATE, sw_tcp_state_name(state))) ||
	    nla_put_u32(skb, SOFTWIRE_MAP_A_FLAGS, m->flags & SW_MAP_F_STATIC ?
			SOFTWIRE_MAP_F_STATIC : 0))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

/* sw_napt_walk() callback, under RCU: non-zero stops at @m, to resume. */
static int sw_map_fill(const struct sw_mapping *m, void *arg)
{
	struct sw_map_msg *mm = arg;
	void *hdr;

	hdr = sw_nl_msg_put(mm->skb, mm->portid, mm->seq, NLM_F_MULTI,
			    SOFTWIRE_CMD_MAP_GET);
	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(mm->skb, SOFTWIRE_A_IFINDEX, mm->ifindex) ||
	    sw_put_mapping(mm->skb, m, mm->ext_addr)) {
		genlmsg_cancel(mm->skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(mm->skb, hdr);
	return 0;
}

/*
 * First call: resolve NAME (or IFINDEX); later calls go by ifindex. Not
 * in ->start(), which has no extack before v6.2 (compat.h).
 */
static int sw_map_dump_resolve(struct netlink_callback *cb)
{
	struct net *net = sock_net(cb->skb->sk);
	struct net_device *dev;
	struct genl_info tmp;

	rtnl_lock();
	dev = sw_nl_lookup(net, sw_compat_dump_info(cb, &tmp));
	if (!IS_ERR(dev))
		cb->args[SW_MD_IFINDEX] = dev->ifindex;
	rtnl_unlock();
	return PTR_ERR_OR_ZERO(dev);
}

/* RTNL and sw_net.lock held. 0 when the walk completed. */
static int sw_map_walk(struct net_device *dev, struct sw_net *sn,
		       struct sw_map_msg *mm, unsigned long *pos)
{
	struct sw_dev *sw = netdev_priv(dev);
	const struct sw_config *cfg = sw_dev_cfg(sw, sn);
	int err;

	if (!cfg || !sw->napt)
		return -ENODEV;
	mm->ext_addr = htonl(cfg->ce.ipv4);
	rcu_read_lock();
	err = sw_napt_walk(sw->napt, pos, sw_map_fill, mm);
	rcu_read_unlock();
	return err;
}

int sw_nl_map_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct sw_map_msg mm = { .skb = skb, .seq = cb->nlh->nlmsg_seq,
				 .portid = NETLINK_CB(cb->skb).portid,
				 .ifindex = cb->args[SW_MD_IFINDEX] };
	struct net *net = sock_net(skb->sk);
	struct sw_net *sn = sw_net(net);
	unsigned long pos = cb->args[SW_MD_POS];
	struct net_device *dev;
	int err;

	if (cb->args[SW_MD_DONE])
		return 0;
	if (!mm.ifindex) {
		err = sw_map_dump_resolve(cb);
		if (err)
			return err;
		mm.ifindex = cb->args[SW_MD_IFINDEX];
	}
	err = -ENODEV;
	rtnl_lock();
	dev = __dev_get_by_index(net, mm.ifindex);
	if (dev && sw_dev_is_softwire(dev)) {
		mutex_lock(&sn->lock);
		err = sw_map_walk(dev, sn, &mm, &pos);
		mutex_unlock(&sn->lock);
	}
	rtnl_unlock();

	if (err == -ENODEV) {
		NL_SET_ERR_MSG(cb->extack, "the instance was deleted during the dump");
		return err;
	}
	cb->args[SW_MD_POS] = pos;
	if (!err)
		cb->args[SW_MD_DONE] = 1;
	else if (!skb->len)
		return err;	/* one mapping larger than a whole skb */
	return skb->len;
}

/* --- STATS_GET --------------------------------------------------------- */

static size_t sw_stats_size(void)
{
	size_t size = nla_total_size(IFNAMSIZ) +	/* IFNAME */
		      nla_total_size(sizeof(u32)) +	/* IFINDEX */
		      nla_total_size(0) +		/* STATS */
		      nla_total_size_64bit(sizeof(u64)) * 5 +
		      nla_total_size(sizeof(u32)) +	/* MAPPINGS */
		      nla_total_size(0);		/* DROPS */
	unsigned int r;

	for (r = 0; r < SW_DROP__MAX; r++)
		size += nla_total_size(0) +		/* DROP */
			nla_total_size(strlen(sw_drop_reason_name(r)) + 1) +
			nla_total_size_64bit(sizeof(u64));
	return size;
}

/* Every reason, zero or not: the names are the tools' only list. */
static int sw_put_drops(struct sk_buff *skb, const struct sw_dev *sw)
{
	u64 count[SW_DROP__MAX];
	struct nlattr *drops, *d;
	unsigned int r;

	sw_stats_drops_read(sw, count);
	drops = nla_nest_start(skb, SOFTWIRE_STATS_A_DROPS);
	if (!drops)
		return -EMSGSIZE;
	for (r = 0; r < SW_DROP__MAX; r++) {
		d = nla_nest_start(skb, SOFTWIRE_STATS_A_DROP);
		if (!d ||
		    nla_put_string(skb, SOFTWIRE_DROP_A_NAME,
				   sw_drop_reason_name(r)) ||
		    nla_put_u64_64bit(skb, SOFTWIRE_DROP_A_COUNT, count[r],
				      SOFTWIRE_DROP_A_PAD))
			return -EMSGSIZE;
		nla_nest_end(skb, d);
	}
	nla_nest_end(skb, drops);
	return 0;
}

/* RTNL held: the device, its counters and its table are alive. */
static int sw_put_stats(struct sk_buff *skb, struct net_device *dev)
{
	struct sw_dev *sw = netdev_priv(dev);
	struct rtnl_link_stats64 st;
	struct nlattr *nest;

	dev_get_stats(dev, &st);
	nest = nla_nest_start(skb, SOFTWIRE_A_STATS);
	if (!nest ||
	    nla_put_u64_64bit(skb, SOFTWIRE_STATS_A_TX_PACKETS, st.tx_packets,
			      SOFTWIRE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, SOFTWIRE_STATS_A_TX_BYTES, st.tx_bytes,
			      SOFTWIRE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, SOFTWIRE_STATS_A_RX_PACKETS, st.rx_packets,
			      SOFTWIRE_STATS_A_PAD) ||
	    nla_put_u64_64bit(skb, SOFTWIRE_STATS_A_RX_BYTES, st.rx_bytes,
			      SOFTWIRE_STATS_A_PAD) ||
	    nla_put_u32(skb, SOFTWIRE_STATS_A_MAPPINGS,
			sw->napt ? sw_napt_count(sw->napt) : 0) ||
	    nla_put_u64_64bit(skb, SOFTWIRE_STATS_A_FASTPATH_PACKETS,
			      sw_stats_fastpath_read(sw), SOFTWIRE_STATS_A_PAD) ||
	    (sw->napt &&
	     (nla_put_u32(skb, SOFTWIRE_STATS_A_REMOTES,
			  sw_napt_remotes(sw->napt)) ||
	      nla_put_u32(skb, SOFTWIRE_STATS_A_REMOTES_MAX,
			  sw_napt_remotes_max(sw->napt)) ||
	      nla_put_u64_64bit(skb, SOFTWIRE_STATS_A_REMOTES_FULL,
				sw_napt_remotes_full(sw->napt),
				SOFTWIRE_STATS_A_PAD))) ||
	    sw_put_drops(skb, sw))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static struct sk_buff *sw_build_stats(struct net_device *dev,
				      struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(sw_stats_size(), GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);
	hdr = sw_nl_msg_put(msg, info->snd_portid, info->snd_seq, 0,
			    SOFTWIRE_CMD_STATS_GET);
	if (!hdr ||
	    nla_put_string(msg, SOFTWIRE_A_IFNAME, dev->name) ||
	    nla_put_u32(msg, SOFTWIRE_A_IFINDEX, dev->ifindex) ||
	    sw_put_stats(msg, dev)) {
		nlmsg_free(msg);
		return ERR_PTR(-EMSGSIZE);
	}
	genlmsg_end(msg, hdr);
	return msg;
}

int sw_nl_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	struct sk_buff *msg;

	rtnl_lock();
	dev = sw_nl_lookup(genl_info_net(info), info);
	msg = IS_ERR(dev) ? ERR_CAST(dev) : sw_build_stats(dev, info);
	rtnl_unlock();
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	return genlmsg_reply(msg, info);
}
