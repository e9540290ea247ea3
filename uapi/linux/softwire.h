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

#endif /* _UAPI_LINUX_SOFTWIRE_H */
