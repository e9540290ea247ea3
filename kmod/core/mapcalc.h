/* SPDX-License-Identifier: GPL-2.0 */
/*
 * RFC 7597 MAP address and port-set arithmetic. Pure C: compiled into
 * softwire.ko and into the userspace tools, unit tests and fuzzers.
 *
 * Conventions: IPv6 addresses are 16 network-order bytes; IPv4 addresses
 * and ports are HOST-order integers (callers convert at the edges).
 */
#ifndef SW_CORE_MAPCALC_H
#define SW_CORE_MAPCALC_H

#include "sw_types.h"

#define SW_PSID_OFFSET_DEFAULT	6	/* RFC 7597 5.1: a = 6 */

/* struct sw_map_rule.flags */
#define SW_RULE_PSID_LEN_SET	(1u << 0)	/* psid_len given explicitly */
#define SW_RULE_PSID_SET	(1u << 1)	/* psid given explicitly */
#define SW_RULE_FMR		(1u << 2)	/* usable as Forwarding Mapping Rule */

/* A Basic or Forwarding Mapping Rule (RFC 7597 5). */
struct sw_map_rule {
	uint8_t  ipv6_prefix[16];
	uint8_t  ipv6_prefix_len;	/* n, 0..64 */
	uint32_t ipv4_prefix;		/* host order */
	uint8_t  ipv4_prefix_len;	/* r, 0..32 */
	uint8_t  ea_len;		/* o, 0..48 */
	uint8_t  psid_offset;		/* a, 0..15 */
	uint8_t  psid_len;		/* k, explicit when SW_RULE_PSID_LEN_SET */
	uint16_t psid;			/* explicit when SW_RULE_PSID_SET */
	uint32_t flags;
};

/* Interface-identifier format of the MAP CE IPv6 address. */
enum sw_iid_format {
	SW_IID_RFC7597 = 0,	/* RFC 7597 5.2: 0:v4(32):psid(16) */
	SW_IID_LEGACY  = 1,	/* draft-ietf-softwire-map-03: 0(8):v4(32):psid(16):0(8) */
};

/* A port set: PSID with length k at offset a (RFC 7597 5.1). */
struct sw_portset {
	uint16_t psid;
	uint8_t  psid_len;	/* k */
	uint8_t  psid_offset;	/* a */
};

/* What a CE derives from its End-user IPv6 prefix and its BMR. */
struct sw_map_ce {
	uint32_t ipv4;			/* host order; first address if a prefix */
	uint8_t  ipv4_prefix_len;	/* 32, or < 32 when o + r < 32 */
	struct sw_portset ps;
	uint8_t  ipv6[16];		/* MAP CE IPv6 address */
};

/*
 * Validate a rule on its own. Returns 0, or -1 with *why set to a static
 * human-readable reason (naming the offending field) when why != NULL.
 * Checks: n <= 64, r <= 32, a <= 16, o <= 48, n + o <= 64, bits of the
 * prefixes beyond their length are zero, psid_len consistency
 * (k = o - (32 - r) when o + r > 32), a + k <= 16, explicit psid < 2^k.
 */
int sw_rule_validate(const struct sw_map_rule *rule, const char **why);

/* PSID length k the rule gives its CEs (0 when no address sharing). */
unsigned int sw_rule_psid_len(const struct sw_map_rule *rule);

/* True when ipv6[0..plen) lies inside the rule's IPv6 prefix. */
bool sw_rule_match_v6(const struct sw_map_rule *rule, const uint8_t *ipv6,
		      unsigned int plen);
/* True when ipv4 lies inside the rule's IPv4 prefix. */
bool sw_rule_match_v4(const struct sw_map_rule *rule, uint32_t ipv4);

/*
 * CE side (RFC 7597 5.2, 6): derive IPv4 address, PSID and MAP IPv6 address
 * from the End-user IPv6 prefix. The prefix must be inside the rule prefix,
 * at least n + o bits long and at most 64. Returns 0 or -1 with *why.
 */
int sw_map_ce_derive(const struct sw_map_rule *rule, const uint8_t *eup,
		     unsigned int eup_len, enum sw_iid_format iid,
		     struct sw_map_ce *out, const char **why);

/*
 * BR / FMR side (RFC 7597 5.3, 7.2): the CE IPv6 address that owns
 * ipv4:port under this rule. ipv4 must match the rule. Returns 0 or -1.
 */
int sw_map_ipv6_for(const struct sw_map_rule *rule, uint32_t ipv4,
		    uint16_t port, enum sw_iid_format iid, uint8_t *ipv6_out);

/* PSID of a port in a port set (RFC 7597 5.1). */
uint16_t sw_port_psid(const struct sw_portset *ps, uint16_t port);

/* True when port belongs to the set (A = 0 excluded when a > 0). */
bool sw_port_in_set(const struct sw_portset *ps, uint16_t port);

/* Number of ports in the set. */
uint32_t sw_portset_count(const struct sw_portset *ps);

/* Number of contiguous ranges in the set (after merging adjacent ones). */
uint32_t sw_portset_nranges(const struct sw_portset *ps);

/*
 * Range idx (0 <= idx < nranges), ascending order, inclusive bounds.
 * Returns 0, or -1 when idx is out of bounds.
 */
int sw_portset_range(const struct sw_portset *ps, uint32_t idx,
		     uint16_t *first, uint16_t *last);

/*
 * The n-th port of the set (0 <= n < count), ascending. Used by the NAPT
 * allocator to pick uniformly over ALL ranges from a random start.
 */
uint16_t sw_portset_nth(const struct sw_portset *ps, uint32_t n);

/* Index of port within the set (inverse of sw_portset_nth); -1 if absent. */
int32_t sw_portset_index(const struct sw_portset *ps, uint16_t port);

/* Build the 64-bit interface identifier into ipv6[8..15]. */
void sw_map_iid(uint8_t *ipv6, uint32_t ipv4, uint16_t psid,
		enum sw_iid_format iid);

#endif /* SW_CORE_MAPCALC_H */
