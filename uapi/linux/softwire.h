/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * softwire: MAP-E / DS-Lite generic netlink ABI.
 *
 * Shared verbatim by the kernel module (kmod/) and swctl (tools/).
 * SOFTWIRE_GENL_VERSION is the compatibility contract: attributes and
 * commands are only ever appended, never renumbered or reused.
 *
 * Byte order: IPv6 addresses are 16-byte binary (network order); IPv4
 * addresses are NLA_BE32 (network order); every other integer is host order.
 */
#ifndef _UAPI_LINUX_SOFTWIRE_H
#define _UAPI_LINUX_SOFTWIRE_H

#include <linux/types.h>

#define SOFTWIRE_GENL_NAME	"softwire"
#define SOFTWIRE_GENL_VERSION	1
#define SOFTWIRE_MCGRP_EVENTS	"events"

/* rtnl_link kind of the per-instance network device */
#define SOFTWIRE_LINK_KIND	"softwire"

enum softwire_cmd {
	SOFTWIRE_CMD_UNSPEC,
	SOFTWIRE_CMD_INST_NEW,		/* create instance (and its netdev) */
	SOFTWIRE_CMD_INST_DEL,		/* delete instance by IFNAME/IFINDEX */
	SOFTWIRE_CMD_INST_GET,		/* do: one instance; dump: all in netns */
	SOFTWIRE_CMD_INST_NOTIFY,	/* multicast: instance added/removed */
	SOFTWIRE_CMD_INST_SET,		/* change NAPT params, MARK, MSS_CLAMP */
	SOFTWIRE_CMD_FWD_ADD,		/* add the static forward SOFTWIRE_A_FORWARD */
	SOFTWIRE_CMD_FWD_DEL,		/* remove it (PROTO and PORT) */
	SOFTWIRE_CMD_MAP_GET,		/* dump: one SOFTWIRE_A_MAPPING per message */
	SOFTWIRE_CMD_STATS_GET,		/* do: SOFTWIRE_A_STATS */
	__SOFTWIRE_CMD_MAX,
};
#define SOFTWIRE_CMD_MAX (__SOFTWIRE_CMD_MAX - 1)

enum softwire_mode {
	SOFTWIRE_MODE_UNSPEC,
	SOFTWIRE_MODE_MAPE_CE,
	__SOFTWIRE_MODE_MAX,
};
#define SOFTWIRE_MODE_MAX (__SOFTWIRE_MODE_MAX - 1)

/* SOFTWIRE_A_EVENT: what a SOFTWIRE_CMD_INST_NOTIFY reports */
enum softwire_event {
	SOFTWIRE_EVENT_UNSPEC,
	SOFTWIRE_EVENT_INST_ADDED,
	SOFTWIRE_EVENT_INST_REMOVED,
};

/* Inbound filtering of the NAPT (RFC 4787 5): SOFTWIRE_A_FILTER */
enum softwire_filter {
	SOFTWIRE_FILTER_EIF,	/* endpoint-independent (default, "full cone") */
	SOFTWIRE_FILTER_ADF,	/* address-dependent */
	SOFTWIRE_FILTER_APDF,	/* address-and-port-dependent */
	__SOFTWIRE_FILTER_MAX,
};
#define SOFTWIRE_FILTER_MAX (__SOFTWIRE_FILTER_MAX - 1)

/* SOFTWIRE_A_FLAGS */
#define SOFTWIRE_F_LEGACY_IID	(1U << 0)	/* draft-ietf-softwire-map-03 IID */

/* SOFTWIRE_RULE_A_FLAGS */
#define SOFTWIRE_RULE_F_FMR	(1U << 0)	/* also a Forwarding Mapping Rule */

enum softwire_attr {
	SOFTWIRE_A_UNSPEC,
	SOFTWIRE_A_IFNAME,		/* string: instance / netdev name */
	SOFTWIRE_A_IFINDEX,		/* u32, output (and DEL/GET input) */
	SOFTWIRE_A_MODE,		/* u8, enum softwire_mode */
	SOFTWIRE_A_END_USER_PREFIX,	/* binary[16] */
	SOFTWIRE_A_END_USER_PREFIX_LEN,	/* u8, 0..64 */
	SOFTWIRE_A_BR_ADDR,		/* binary[16]: MAP-E BR (DMR /128) */
	SOFTWIRE_A_RULES,		/* nested: SOFTWIRE_A_RULE, ... */
	SOFTWIRE_A_RULE,		/* nested: SOFTWIRE_RULE_A_* */
	SOFTWIRE_A_FLAGS,		/* u32: SOFTWIRE_F_* */
	SOFTWIRE_A_MTU,			/* u32: device MTU, default 1460 */
	/* derived, output only */
	SOFTWIRE_A_CE_IPV4,		/* be32 */
	SOFTWIRE_A_CE_IPV4_PREFIX_LEN,	/* u8: 32 unless a prefix is delegated */
	SOFTWIRE_A_PSID,		/* u16 */
	SOFTWIRE_A_PSID_LEN,		/* u8 */
	SOFTWIRE_A_PSID_OFFSET,		/* u8 */
	SOFTWIRE_A_PORT_COUNT,		/* u32: ports in the set */
	SOFTWIRE_A_PORT_RANGES,		/* binary: struct softwire_port_range[] */
	SOFTWIRE_A_CE_IPV6,		/* binary[16]: MAP IPv6 address */
	SOFTWIRE_A_BMR_INDEX,		/* u32: index of the BMR in RULES */
	SOFTWIRE_A_PAD,
	SOFTWIRE_A_EVENT,		/* u8: enum softwire_event (INST_NOTIFY) */
	/* NAPT parameters: INST_NEW, INST_SET, INST_GET (defaults if absent) */
	SOFTWIRE_A_FILTER,		/* u8: enum softwire_filter, default EIF */
	SOFTWIRE_A_TIMEOUT_UDP,		/* u32 s, >= 120 (RFC 4787 REQ-5) */
	SOFTWIRE_A_TIMEOUT_TCP_EST,	/* u32 s, >= 7440 (RFC 5382 REQ-5) */
	SOFTWIRE_A_TIMEOUT_TCP_TRANS,	/* u32 s, >= 240 (RFC 5382 REQ-5) */
	SOFTWIRE_A_TIMEOUT_ICMP,	/* u32 s, >= 60 (RFC 5508 REQ-2) */
	SOFTWIRE_A_MAX_MAPPINGS,	/* u32: 1..3 * PORT_COUNT, 0 = the max */
	SOFTWIRE_A_MAX_PER_HOST,	/* u32: per LAN address, 0 = unlimited */
	SOFTWIRE_A_MARK,		/* u32: skb->mark of decapsulated packets */
	SOFTWIRE_A_MSS_CLAMP,		/* u16: 0 (off) or 536..65495 */
	SOFTWIRE_A_FORWARDS,		/* nested: SOFTWIRE_A_FORWARD... (INST_GET) */
	SOFTWIRE_A_FORWARD,		/* nested: SOFTWIRE_FWD_A_* */
	SOFTWIRE_A_MAPPING,		/* nested: SOFTWIRE_MAP_A_* (MAP_GET) */
	SOFTWIRE_A_STATS,		/* nested: SOFTWIRE_STATS_A_* (STATS_GET) */
	SOFTWIRE_A_FASTPATH,		/* u8: 1 = established flows skip IPv4 routing
					 * and netfilter (revalidated every 30 s), 0 = off */
	__SOFTWIRE_A_MAX,
};
#define SOFTWIRE_A_MAX (__SOFTWIRE_A_MAX - 1)

enum softwire_rule_attr {
	SOFTWIRE_RULE_A_UNSPEC,
	SOFTWIRE_RULE_A_IPV6_PREFIX,	/* binary[16] */
	SOFTWIRE_RULE_A_IPV6_PREFIX_LEN,/* u8, 0..64 */
	SOFTWIRE_RULE_A_IPV4_PREFIX,	/* be32 */
	SOFTWIRE_RULE_A_IPV4_PREFIX_LEN,/* u8, 0..32 */
	SOFTWIRE_RULE_A_EA_LEN,		/* u8, 0..48 */
	SOFTWIRE_RULE_A_PSID_OFFSET,	/* u8, 0..15, default 6 */
	SOFTWIRE_RULE_A_PSID_LEN,	/* u8, 0..16: explicit (ea-len 0 rules) */
	SOFTWIRE_RULE_A_PSID,		/* u16: explicit PSID (ea-len 0 rules) */
	SOFTWIRE_RULE_A_FLAGS,		/* u32: SOFTWIRE_RULE_F_* */
	__SOFTWIRE_RULE_A_MAX,
};
#define SOFTWIRE_RULE_A_MAX (__SOFTWIRE_RULE_A_MAX - 1)

/* Element of SOFTWIRE_A_PORT_RANGES (host byte order, inclusive). */
struct softwire_port_range {
	__u16 first;
	__u16 last;
};

/* At most this many rules per instance (BMR + FMRs). */
#define SOFTWIRE_MAX_RULES	64

/*
 * A static forward (port forwarding, RFC 7597 8.2's NAPT with a fixed
 * mapping): external PORT of the CE's address, which must be in its port
 * set, to TO_ADDR:TO_PORT on the LAN. Never expires.
 */
enum softwire_fwd_attr {
	SOFTWIRE_FWD_A_UNSPEC,
	SOFTWIRE_FWD_A_PROTO,		/* u8: IPPROTO_TCP or IPPROTO_UDP */
	SOFTWIRE_FWD_A_PORT,		/* u16: external port */
	SOFTWIRE_FWD_A_TO_ADDR,		/* be32: LAN host (FWD_ADD) */
	SOFTWIRE_FWD_A_TO_PORT,		/* u16: LAN port, default PORT (FWD_ADD) */
	__SOFTWIRE_FWD_A_MAX,
};
#define SOFTWIRE_FWD_A_MAX (__SOFTWIRE_FWD_A_MAX - 1)

/* At most this many static forwards per instance. */
#define SOFTWIRE_MAX_FORWARDS	256

/* One NAPT mapping (MAP_GET dump). Ports are host order. */
enum softwire_map_attr {
	SOFTWIRE_MAP_A_UNSPEC,
	SOFTWIRE_MAP_A_PROTO,		/* u8: IPPROTO_TCP, _UDP or _ICMP */
	SOFTWIRE_MAP_A_INT_ADDR,	/* be32: LAN host */
	SOFTWIRE_MAP_A_INT_PORT,	/* u16 (ICMP: echo identifier) */
	SOFTWIRE_MAP_A_EXT_ADDR,	/* be32: the CE's IPv4 address */
	SOFTWIRE_MAP_A_EXT_PORT,	/* u16 */
	SOFTWIRE_MAP_A_REMOTE_ADDR,	/* be32: last remote; absent if none */
	SOFTWIRE_MAP_A_REMOTE_PORT,	/* u16 */
	SOFTWIRE_MAP_A_AGE,		/* u32: seconds since last use */
	SOFTWIRE_MAP_A_STATE,		/* string: TCP state; absent otherwise */
	SOFTWIRE_MAP_A_FLAGS,		/* u32: SOFTWIRE_MAP_F_* */
	__SOFTWIRE_MAP_A_MAX,
};
#define SOFTWIRE_MAP_A_MAX (__SOFTWIRE_MAP_A_MAX - 1)

/* SOFTWIRE_MAP_A_FLAGS */
#define SOFTWIRE_MAP_F_STATIC	(1U << 0)	/* a static forward */

/* Counters of an instance (STATS_GET). */
enum softwire_stats_attr {
	SOFTWIRE_STATS_A_UNSPEC,
	SOFTWIRE_STATS_A_PAD,
	SOFTWIRE_STATS_A_TX_PACKETS,	/* u64: the device's counters */
	SOFTWIRE_STATS_A_TX_BYTES,	/* u64 */
	SOFTWIRE_STATS_A_RX_PACKETS,	/* u64 */
	SOFTWIRE_STATS_A_RX_BYTES,	/* u64 */
	SOFTWIRE_STATS_A_MAPPINGS,	/* u32: current NAPT mappings */
	SOFTWIRE_STATS_A_DROPS,		/* nested: SOFTWIRE_STATS_A_DROP... */
	SOFTWIRE_STATS_A_DROP,		/* nested: SOFTWIRE_DROP_A_* */
	SOFTWIRE_STATS_A_FASTPATH_PACKETS, /* u64: sent by the fast path */
	/*
	 * Remote endpoints the mappings have sent to (ADF/APDF filtering and
	 * per-connection TCP state), at most REMOTES_MAX per instance: 16 per
	 * port of the set, between 1024 and 65536.
	 */
	SOFTWIRE_STATS_A_REMOTES,	/* u32: remembered now */
	SOFTWIRE_STATS_A_REMOTES_MAX,	/* u32: the instance's bound */
	SOFTWIRE_STATS_A_REMOTES_FULL,	/* u64: new remotes not remembered
					 * (bound reached or out of memory) */
	__SOFTWIRE_STATS_A_MAX,
};
#define SOFTWIRE_STATS_A_MAX (__SOFTWIRE_STATS_A_MAX - 1)

/*
 * One drop reason: every reason the module has is reported, by name, so
 * tools need no list of their own.
 */
enum softwire_drop_attr {
	SOFTWIRE_DROP_A_UNSPEC,
	SOFTWIRE_DROP_A_PAD,
	SOFTWIRE_DROP_A_NAME,		/* string, e.g. "no-mapping" */
	SOFTWIRE_DROP_A_COUNT,		/* u64 */
	__SOFTWIRE_DROP_A_MAX,
};
#define SOFTWIRE_DROP_A_MAX (__SOFTWIRE_DROP_A_MAX - 1)

#endif /* _UAPI_LINUX_SOFTWIRE_H */
