// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 7597 MAP address and port-set arithmetic.
 *
 * Pure C on sw_types.h only: this file is compiled into softwire.ko and into
 * the userspace tools, unit tests and fuzzers. No floating point, no division,
 * no loops over ports: every port-set query is O(1) arithmetic.
 *
 * Notation (RFC 7597 5): n = Rule IPv6 prefix length, r = Rule IPv4 prefix
 * length, o = EA-bits length, a = PSID offset, k = PSID length,
 * m = 16 - a - k contiguous ports per range.
 */
#include "mapcalc.h"

/* Low @bits bits set; @bits <= 64. */
static uint64_t low_mask(unsigned int bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* IPv4 netmask of length @len <= 32, host order. */
static uint32_t v4_mask(unsigned int len)
{
	return len == 0 ? 0 : ~0U << (32 - len);
}

/* Netmask over the upper 64 bits of an IPv6 address, @len <= 64. */
static uint64_t v6_mask64(unsigned int len)
{
	return len == 0 ? 0 : ~0ULL << (64 - len);
}

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)v;
		v >>= 8;
	}
}

static void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Bits [len, 128) of @addr are zero; @len <= 64. */
static bool v6_host_zero64(const uint8_t *addr, unsigned int len)
{
	return (load_be64(addr) & ~v6_mask64(len)) == 0 &&
	       load_be64(addr + 8) == 0;
}

static int fail(const char **why, const char *reason)
{
	if (why)
		*why = reason;
	return -1;
}

/* --- Rule validation (RFC 7597 5) ------------------------------------- */

unsigned int sw_rule_psid_len(const struct sw_map_rule *rule)
{
	unsigned int o = rule->ea_len, r = rule->ipv4_prefix_len;

	/* RFC 7597 5.2 / Appendix A ex. 5: with no EA bits k is provisioned */
	if (o == 0)
		return (rule->flags & SW_RULE_PSID_LEN_SET) ? rule->psid_len : 0;
	/* RFC 7597 5.2: o + r > 32 means a shared address, k = o - (32 - r) */
	if (o + r > 32)
		return o - (32 - r);
	return 0;
}

static const char *check_lengths(const struct sw_map_rule *rule)
{
	if (rule->ipv6_prefix_len > 64)
		return "ipv6-prefix: length must be at most 64";
	if (rule->ipv4_prefix_len > 32)
		return "ipv4-prefix: length must be at most 32";
	if (rule->ea_len > 48)
		return "ea-len: must be at most 48";
	/* RFC 7597 5.2: the EA bits live inside the first 64 bits */
	if (rule->ipv6_prefix_len + rule->ea_len > 64)
		return "ea-len: ipv6-prefix length + ea-len must be at most 64";
	if (rule->psid_offset > 15)
		return "psid-offset: must be at most 15";
	return NULL;
}

static const char *check_prefixes(const struct sw_map_rule *rule)
{
	if (!v6_host_zero64(rule->ipv6_prefix, rule->ipv6_prefix_len))
		return "ipv6-prefix: bits set past the prefix length";
	if (rule->ipv4_prefix & ~v4_mask(rule->ipv4_prefix_len))
		return "ipv4-prefix: bits set past the prefix length";
	return NULL;
}

/* Explicit psid-len / psid, and the derived k (RFC 7597 5.1, 5.2). */
static const char *check_explicit(const struct sw_map_rule *rule)
{
	unsigned int o = rule->ea_len, r = rule->ipv4_prefix_len;

	if (o + r > 32 && o - (32 - r) > 16)
		return "ea-len: more than 16 PSID bits (ea-len + ipv4-prefix length - 32 > 16)";
	if (o > 0 && (rule->flags & SW_RULE_PSID_SET))
		return "psid: only allowed with ea-len 0 (otherwise the EA bits carry the PSID)";
	if (o > 0 && (rule->flags & SW_RULE_PSID_LEN_SET) &&
	    rule->psid_len != sw_rule_psid_len(rule))
		return "psid-len: does not match ea-len + ipv4-prefix length - 32";
	if (o == 0 && (rule->flags & SW_RULE_PSID_LEN_SET) && rule->psid_len > 16)
		return "psid-len: must be at most 16";
	return NULL;
}

static const char *check_psid(const struct sw_map_rule *rule)
{
	unsigned int k = sw_rule_psid_len(rule);

	/* RFC 7597 5.1: a + k <= 16 leaves m = 16 - a - k >= 0 */
	if (rule->psid_offset + k > 16)
		return "psid-offset: psid-offset + psid-len must be at most 16";
	if (rule->ea_len == 0 && k > 0 && rule->ipv4_prefix_len < 32)
		return "psid-len: an ea-len 0 rule with psid-len needs a /32 ipv4-prefix";
	if (rule->ea_len == 0 && k > 0 && !(rule->flags & SW_RULE_PSID_SET))
		return "ea-len 0 rule with psid-len needs an explicit psid";
	if ((rule->flags & SW_RULE_PSID_SET) && rule->psid >= (1U << k))
		return "psid: does not fit in psid-len bits";
	return NULL;
}

int sw_rule_validate(const struct sw_map_rule *rule, const char **why)
{
	const char *err;

	err = check_lengths(rule);
	if (!err)
		err = check_prefixes(rule);
	if (!err)
		err = check_explicit(rule);
	if (!err)
		err = check_psid(rule);
	return err ? fail(why, err) : 0;
}

/* Cheap subset of validation that keeps the data path free of UB. */
static bool rule_shape_ok(const struct sw_map_rule *rule)
{
	if (check_lengths(rule) || check_explicit(rule))
		return false;
	return rule->psid_offset + sw_rule_psid_len(rule) <= 16;
}

bool sw_rule_match_v6(const struct sw_map_rule *rule, const uint8_t *ipv6,
		      unsigned int plen)
{
	unsigned int n = rule->ipv6_prefix_len;

	if (n > 64 || plen < n)
		return false;
	return ((load_be64(ipv6) ^ load_be64(rule->ipv6_prefix)) &
		v6_mask64(n)) == 0;
}

bool sw_rule_match_v4(const struct sw_map_rule *rule, uint32_t ipv4)
{
	if (rule->ipv4_prefix_len > 32)
		return false;
	return ((ipv4 ^ rule->ipv4_prefix) & v4_mask(rule->ipv4_prefix_len)) == 0;
}

/* --- Interface identifier (RFC 7597 6) -------------------------------- */

void sw_map_iid(uint8_t *ipv6, uint32_t ipv4, uint16_t psid,
		enum sw_iid_format iid)
{
	memset(ipv6 + 8, 0, 8);
	if (iid == SW_IID_LEGACY) {
		/* draft-ietf-softwire-map-03: 0(8) v4(32) psid(16) 0(8) */
		store_be32(ipv6 + 9, ipv4);
		ipv6[13] = psid >> 8;
		ipv6[14] = psid;
	} else {
		/* RFC 7597 6: 0(16) v4(32) psid(16), PSID right-aligned */
		store_be32(ipv6 + 10, ipv4);
		ipv6[14] = psid >> 8;
		ipv6[15] = psid;
	}
}

/* --- CE side (RFC 7597 5.2, 6) ---------------------------------------- */

static const char *check_eup(const struct sw_map_rule *rule, const uint8_t *eup,
			     unsigned int eup_len)
{
	if (eup_len > 64)
		return "end-user-prefix: length must be at most 64";
	if (eup_len < (unsigned int)rule->ipv6_prefix_len + rule->ea_len)
		return "end-user-prefix: shorter than ipv6-prefix length + ea-len";
	if (!sw_rule_match_v6(rule, eup, eup_len))
		return "end-user-prefix: not inside ipv6-prefix";
	if (!v6_host_zero64(eup, eup_len))
		return "end-user-prefix: bits set past the prefix length";
	return NULL;
}

/* RFC 7597 5.2: the EA bits are bits [n, n + o) of the End-user prefix. */
static uint64_t ea_bits(const uint8_t *eup, unsigned int n, unsigned int o)
{
	if (o == 0)
		return 0;
	return (load_be64(eup) >> (64 - n - o)) & low_mask(o);
}

static void ce_ipv4(const struct sw_map_rule *rule, uint64_t ea,
		    struct sw_map_ce *out)
{
	unsigned int o = rule->ea_len, r = rule->ipv4_prefix_len;
	unsigned int k = sw_rule_psid_len(rule);

	out->ps.psid_len = k;
	out->ps.psid_offset = rule->psid_offset;
	if (o + r >= 32) {
		/* RFC 7597 5.2: EA = IPv4 suffix (32 - r bits) . PSID (k bits) */
		out->ipv4 = rule->ipv4_prefix | (uint32_t)(ea >> k);
		out->ipv4_prefix_len = 32;
		if (o > 0)
			out->ps.psid = (uint16_t)(ea & low_mask(k));
		else if (rule->flags & SW_RULE_PSID_SET)
			out->ps.psid = rule->psid;	/* Appendix A ex. 5 */
		return;
	}
	/* RFC 7597 5.2: o + r < 32, the CE gets an IPv4 prefix of r + o bits */
	if (o > 0)
		out->ipv4 = rule->ipv4_prefix | (uint32_t)(ea << (32 - r - o));
	else
		out->ipv4 = rule->ipv4_prefix;
	out->ipv4_prefix_len = r + o;
}

int sw_map_ce_derive(const struct sw_map_rule *rule, const uint8_t *eup,
		     unsigned int eup_len, enum sw_iid_format iid,
		     struct sw_map_ce *out, const char **why)
{
	const char *err;

	if (sw_rule_validate(rule, why))
		return -1;
	err = check_eup(rule, eup, eup_len);
	if (err)
		return fail(why, err);
	if (iid != SW_IID_RFC7597 && iid != SW_IID_LEGACY)
		return fail(why, "iid: unknown interface-identifier format");

	memset(out, 0, sizeof(*out));
	ce_ipv4(rule, ea_bits(eup, rule->ipv6_prefix_len, rule->ea_len), out);
	/* RFC 7597 6: End-user prefix, subnet ID zero up to /64, then IID */
	store_be64(out->ipv6, load_be64(eup) & v6_mask64(eup_len));
	sw_map_iid(out->ipv6, out->ipv4, out->ps.psid, iid);
	return 0;
}

/* --- BR / FMR side (RFC 7597 5.3, 7.2) -------------------------------- */

static uint16_t port_psid(unsigned int a, unsigned int k, uint16_t port)
{
	/* RFC 7597 5.1: PSID = (port >> m) & (2^k - 1) */
	return (uint16_t)((port >> (16 - a - k)) & low_mask(k));
}

int sw_map_ipv6_for(const struct sw_map_rule *rule, uint32_t ipv4,
		    uint16_t port, enum sw_iid_format iid, uint8_t *ipv6_out)
{
	unsigned int n = rule->ipv6_prefix_len, o = rule->ea_len;
	unsigned int r = rule->ipv4_prefix_len, k;
	uint32_t suffix, iid_v4 = ipv4;
	uint16_t psid = 0;
	uint64_t ea = 0;

	if (!rule_shape_ok(rule) || !sw_rule_match_v4(rule, ipv4))
		return -1;
	if (iid != SW_IID_RFC7597 && iid != SW_IID_LEGACY)
		return -1;
	k = sw_rule_psid_len(rule);
	suffix = ipv4 & ~v4_mask(r);
	if (o + r >= 32) {
		/* RFC 7597 5.3: EA = IPv4 suffix . PSID of the port */
		psid = port_psid(rule->psid_offset, k, port);
		if (o > 0)
			ea = (uint64_t)suffix << k | psid;
	} else if (o > 0) {
		/* IPv4 prefix delegation: EA = top o bits of the suffix */
		ea = suffix >> (32 - r - o);
		iid_v4 = ipv4 & v4_mask(r + o);
	} else {
		iid_v4 = rule->ipv4_prefix;
	}
	store_be64(ipv6_out, (load_be64(rule->ipv6_prefix) & v6_mask64(n)) |
			     (o ? ea << (64 - n - o) : 0));
	sw_map_iid(ipv6_out, iid_v4, psid, iid);
	return 0;
}

/* --- Port sets (RFC 7597 5.1) ----------------------------------------- */

/*
 * RFC 7597 5.1: port = A << (16 - a) | PSID << m | M. With a > 0, A = 0 is
 * excluded (the system ports 0 .. 2^(16-a) - 1); with a = 0, A is always 0.
 * The exclusion keeps the system ports away from CEs that SHARE an address;
 * with k = 0 nothing is shared (RFC 7597 5.1, sharing ratio 1, Appendix A
 * example 4), so the CE owns the whole port space, system ports included,
 * and can forward e.g. port 80.
 */
static bool ps_ok(const struct sw_portset *ps)
{
	return ps->psid_offset + ps->psid_len <= 16 &&
	       ps->psid <= low_mask(ps->psid_len);
}

static unsigned int ps_m(const struct sw_portset *ps)
{
	return 16 - ps->psid_offset - ps->psid_len;
}

static uint32_t ps_amin(const struct sw_portset *ps)
{
	return ps->psid_offset > 0 && ps->psid_len > 0 ? 1 : 0;
}

/* Number of A values, i.e. raw (unmerged) ranges. */
static uint32_t ps_nblocks(const struct sw_portset *ps)
{
	return (1U << ps->psid_offset) - ps_amin(ps);
}

static uint32_t port_a(const struct sw_portset *ps, uint16_t port)
{
	return (uint32_t)port >> (16 - ps->psid_offset);
}

uint16_t sw_port_psid(const struct sw_portset *ps, uint16_t port)
{
	if (ps->psid_offset + ps->psid_len > 16)
		return 0;
	return port_psid(ps->psid_offset, ps->psid_len, port);
}

bool sw_port_in_set(const struct sw_portset *ps, uint16_t port)
{
	if (!ps_ok(ps))
		return false;
	return port_psid(ps->psid_offset, ps->psid_len, port) == ps->psid &&
	       port_a(ps, port) >= ps_amin(ps);
}

uint32_t sw_portset_count(const struct sw_portset *ps)
{
	if (!ps_ok(ps))
		return 0;
	return ps_nblocks(ps) << ps_m(ps);
}

uint32_t sw_portset_nranges(const struct sw_portset *ps)
{
	if (!ps_ok(ps))
		return 0;
	/*
	 * Block A ends at A.PSID.1..1 and block A+1 starts at (A+1).PSID.0..0:
	 * they touch only when there are no PSID bits, so k = 0 gives one
	 * merged range and k > 0 one range per A.
	 */
	return ps->psid_len == 0 ? 1 : ps_nblocks(ps);
}

int sw_portset_range(const struct sw_portset *ps, uint32_t idx,
		     uint16_t *first, uint16_t *last)
{
	uint32_t base;

	if (idx >= sw_portset_nranges(ps))
		return -1;
	if (ps->psid_len == 0) {
		*first = 0;
		*last = 0xffff;
		return 0;
	}
	base = (ps_amin(ps) + idx) << (16 - ps->psid_offset) |
	       (uint32_t)ps->psid << ps_m(ps);
	*first = (uint16_t)base;
	*last = (uint16_t)(base + low_mask(ps_m(ps)));
	return 0;
}

uint16_t sw_portset_nth(const struct sw_portset *ps, uint32_t n)
{
	unsigned int m;
	uint32_t a;

	if (n >= sw_portset_count(ps))
		return 0;
	m = ps_m(ps);
	a = ps_amin(ps) + (n >> m);
	return (uint16_t)(a << (16 - ps->psid_offset) |
			  (uint32_t)ps->psid << m | (n & low_mask(m)));
}

int32_t sw_portset_index(const struct sw_portset *ps, uint16_t port)
{
	unsigned int m;

	if (!sw_port_in_set(ps, port))
		return -1;
	m = ps_m(ps);
	return (int32_t)((port_a(ps, port) - ps_amin(ps)) << m |
			 (port & low_mask(m)));
}
