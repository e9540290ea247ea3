// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/core/mapcalc.c: RFC 7597 Appendix A vectors, a v6plus-shaped
 * (draft-ietf-softwire-map-03 IID) vector, and one rejection per reason.
 */
#include "../../kmod/core/mapcalc.h"
#include "../../kmod/core/addr.h"
#include "tap.h"

static struct sw_map_rule rule(const char *v6, const char *v4, int ea, int a)
{
	struct sw_map_rule r;

	memset(&r, 0, sizeof(r));
	if (sw_parse_ipv6_prefix(v6, r.ipv6_prefix, &r.ipv6_prefix_len) ||
	    sw_parse_ipv4_prefix(v4, &r.ipv4_prefix, &r.ipv4_prefix_len)) {
		printf("# bad test rule %s %s\n", v6, v4);
		abort();
	}
	r.ea_len = (uint8_t)ea;
	r.psid_offset = (uint8_t)a;
	return r;
}

static void check_v6(const uint8_t *got, const char *want)
{
	char buf[SW_IPV6_STRLEN];
	uint8_t w[16];

	sw_format_ipv6(got, buf);
	CHECK(sw_parse_ipv6(want, w) == 0 && memcmp(got, w, 16) == 0,
	      "ipv6 %s want %s", buf, want);
}

static void check_v4(uint32_t got, const char *want)
{
	char buf[SW_IPV4_STRLEN];
	uint32_t w = 0;

	sw_format_ipv4(got, buf);
	CHECK(sw_parse_ipv4(want, &w) == 0 && got == w, "ipv4 %s want %s",
	      buf, want);
}

/* Derive the CE for eup; returns 0 and fills *ce, or reports. */
static int derive(const struct sw_map_rule *r, const char *eup,
		  enum sw_iid_format iid, struct sw_map_ce *ce)
{
	const char *why = NULL;
	uint8_t p[16], plen;
	int rc;

	if (sw_parse_ipv6_prefix(eup, p, &plen))
		abort();
	rc = sw_map_ce_derive(r, p, plen, iid, ce, &why);
	CHECK(rc == 0, "derive %s: %s", eup, why ? why : "?");
	return rc;
}

/* RFC 7597 Appendix A, Example 1: Basic Mapping Rule. */
static void test_rfc_example1(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 16, 6);
	struct sw_map_ce ce;

	CHECK(sw_rule_validate(&r, NULL) == 0, "valid");
	CHECK(sw_rule_psid_len(&r) == 8, "k %u", sw_rule_psid_len(&r));
	if (derive(&r, "2001:db8:0012:3400::/56", SW_IID_RFC7597, &ce))
		return;
	check_v4(ce.ipv4, "192.0.2.18");
	CHECK(ce.ipv4_prefix_len == 32, "plen %u", ce.ipv4_prefix_len);
	CHECK(ce.ps.psid == 0x34, "psid 0x%x", ce.ps.psid);
	CHECK(ce.ps.psid_len == 8 && ce.ps.psid_offset == 6, "k/a");
	check_v6(ce.ipv6, "2001:db8:0012:3400:0000:c000:0212:0034");
}

/*
 * RFC 7597 Appendix A, Example 2: Forwarding Mapping Rule, destination
 * 192.0.2.18 and a port of PSID 0x34. 9030 is also checked: RFC 7597 5.1
 * gives it PSID (9030 >> 2) & 0xff = 0xd1, i.e. a different CE.
 */
static void test_rfc_example2(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 16, 6);
	static const uint16_t ports[] = { 1232, 1235, 2256, 8400, 64723 };
	uint8_t v6[16];
	unsigned int i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		CHECK(sw_map_ipv6_for(&r, 0xc0000212, ports[i], SW_IID_RFC7597,
				      v6) == 0, "port %u", ports[i]);
		check_v6(v6, "2001:db8:12:3400:0:c000:212:34");
	}
	CHECK(sw_map_ipv6_for(&r, 0xc0000212, 9030, SW_IID_RFC7597, v6) == 0,
	      "9030");
	check_v6(v6, "2001:db8:12:d100:0:c000:212:d1");
	CHECK(sw_map_ipv6_for(&r, 0xc0000312, 1232, SW_IID_RFC7597, v6) == -1,
	      "192.0.3.18 is outside the rule");
}

/* RFC 7597 Appendix A, Example 3: the port set of PSID 0x34. */
static void test_rfc_example3(void)
{
	struct sw_portset ps = { .psid = 0x34, .psid_len = 8, .psid_offset = 6 };
	static const uint16_t want[][2] = {
		{ 1232, 1235 }, { 2256, 2259 }, { 3280, 3283 },
	};
	uint16_t f = 0, l = 0;
	unsigned int i;

	CHECK(sw_portset_nranges(&ps) == 63, "nranges %u", sw_portset_nranges(&ps));
	CHECK(sw_portset_count(&ps) == 252, "count %u", sw_portset_count(&ps));
	for (i = 0; i < 3; i++) {
		CHECK(sw_portset_range(&ps, i, &f, &l) == 0 && f == want[i][0] &&
		      l == want[i][1], "range %u: %u-%u", i, f, l);
	}
	CHECK(sw_portset_range(&ps, 61, &f, &l) == 0 && f == 63696 && l == 63699,
	      "range 61: %u-%u", f, l);
	CHECK(sw_portset_range(&ps, 62, &f, &l) == 0 && f == 64720 && l == 64723,
	      "range 62: %u-%u", f, l);
	CHECK(sw_portset_range(&ps, 63, &f, &l) == -1, "range 63 exists");
	CHECK(sw_portset_nth(&ps, 0) == 1232 && sw_portset_nth(&ps, 251) == 64723,
	      "nth");
	CHECK(sw_portset_index(&ps, 2257) == 5, "index 2257 %d",
	      sw_portset_index(&ps, 2257));
	CHECK(sw_portset_index(&ps, 1236) == -1 && !sw_port_in_set(&ps, 208),
	      "outside");
	CHECK(sw_port_psid(&ps, 9030) == 0xd1, "psid of 9030");
}

/* RFC 7597 Appendix A, Example 4: no EA bits, no sharing. */
static void test_rfc_example4(void)
{
	struct sw_map_rule r = rule("2001:db8:12:3400::/56", "192.0.2.1/32", 0, 6);
	struct sw_map_ce ce;
	uint16_t f = 0, l = 0;
	uint8_t v6[16];

	CHECK(sw_rule_validate(&r, NULL) == 0, "valid");
	if (derive(&r, "2001:db8:0012:3400::/56", SW_IID_RFC7597, &ce))
		return;
	check_v4(ce.ipv4, "192.0.2.1");
	CHECK(ce.ipv4_prefix_len == 32 && ce.ps.psid_len == 0 && ce.ps.psid == 0,
	      "plen %u k %u", ce.ipv4_prefix_len, ce.ps.psid_len);
	check_v6(ce.ipv6, "2001:db8:0012:3400:0000:c000:0201:0000");
	/* k = 0: nothing shared, the CE owns every port, as one range */
	CHECK(sw_portset_nranges(&ce.ps) == 1 && sw_portset_count(&ce.ps) == 65536,
	      "ranges %u count %u", sw_portset_nranges(&ce.ps),
	      sw_portset_count(&ce.ps));
	CHECK(sw_portset_range(&ce.ps, 0, &f, &l) == 0 && f == 0 && l == 65535,
	      "range %u-%u", f, l);
	CHECK(sw_port_in_set(&ce.ps, 80), "system port 80 owned");
	CHECK(sw_map_ipv6_for(&r, 0xc0000201, 80, SW_IID_RFC7597, v6) == 0, "fmr");
	check_v6(v6, "2001:db8:12:3400:0:c000:201:0");
}

/* RFC 7597 Appendix A, Example 5: no EA bits, provisioned PSID. */
static void test_rfc_example5(void)
{
	struct sw_map_rule r = rule("2001:db8:12:3400::/56", "192.0.2.1/32", 0, 6);
	struct sw_map_ce ce;
	uint16_t f = 0, l = 0;
	uint8_t v6[16];

	r.psid_len = 8;
	r.psid = 0x34;
	r.flags = SW_RULE_PSID_LEN_SET | SW_RULE_PSID_SET;
	CHECK(sw_rule_validate(&r, NULL) == 0, "valid");
	if (derive(&r, "2001:db8:0012:3400::/56", SW_IID_RFC7597, &ce))
		return;
	check_v4(ce.ipv4, "192.0.2.1");
	CHECK(ce.ps.psid == 0x34 && ce.ps.psid_len == 8 && ce.ps.psid_offset == 6,
	      "psid 0x%x k %u", ce.ps.psid, ce.ps.psid_len);
	check_v6(ce.ipv6, "2001:db8:0012:3400:0000:c000:0201:0034");
	CHECK(sw_portset_nranges(&ce.ps) == 63, "63 ranges");
	CHECK(sw_portset_range(&ce.ps, 0, &f, &l) == 0 && f == 1232 && l == 1235,
	      "first %u-%u", f, l);
	CHECK(sw_portset_range(&ce.ps, 62, &f, &l) == 0 && f == 64720 &&
	      l == 64723, "last %u-%u", f, l);
	CHECK(sw_map_ipv6_for(&r, 0xc0000201, 1232, SW_IID_RFC7597, v6) == 0,
	      "fmr");
	check_v6(v6, "2001:db8:12:3400:0:c000:201:34");
}

/*
 * v6plus-shaped rule (a = 4, k = 8, legacy IID): 2001:db8::/32,
 * 203.0.113.0/24, ea-len 16. EUP 2001:db8:7134:5600::/56 has EA bits
 * 0x7134: IPv4 suffix 0x71 (203.0.113.113), PSID 0x34.
 */
static void test_v6plus_legacy(void)
{
	struct sw_map_rule r = rule("2001:db8::/32", "203.0.113.0/24", 16, 4);
	static const uint8_t want[16] = {
		0x20, 0x01, 0x0d, 0xb8, 0x71, 0x34, 0x56, 0x00,	/* EUP, 0 to /64 */
		0x00,				/* byte 8: zero */
		0xcb, 0x00, 0x71, 0x71,		/* bytes 9-12: IPv4 */
		0x00, 0x34,			/* bytes 13-14: PSID */
		0x00,				/* byte 15: zero */
	};
	struct sw_map_ce ce;
	uint16_t f = 0, l = 0;
	uint8_t v6[16];
	int i;

	if (derive(&r, "2001:db8:7134:5600::/56", SW_IID_LEGACY, &ce))
		return;
	check_v4(ce.ipv4, "203.0.113.113");
	CHECK(ce.ps.psid == 0x34 && ce.ps.psid_len == 8 && ce.ps.psid_offset == 4,
	      "psid");
	for (i = 0; i < 16; i++)
		CHECK(ce.ipv6[i] == want[i], "byte %d: %02x want %02x", i,
		      ce.ipv6[i], want[i]);
	check_v6(ce.ipv6, "2001:db8:7134:5600:cb:71:7100:3400");
	CHECK(sw_portset_nranges(&ce.ps) == 15 && sw_portset_count(&ce.ps) == 240,
	      "15 ranges of 16");
	for (i = 0; i < 15; i++) {
		CHECK(sw_portset_range(&ce.ps, (uint32_t)i, &f, &l) == 0 &&
		      f == (((i + 1) << 12) | 0x340) && l == f + 15,
		      "range %d: %u-%u", i, f, l);
	}
	/*
	 * RFC 7597 5.3: the FMR only knows the n + o = 48 rule bits, so the
	 * BR's address has a zero subnet (byte 6), unlike this /56 CE.
	 */
	CHECK(sw_map_ipv6_for(&r, 0xcb007171, 4928, SW_IID_LEGACY, v6) == 0 &&
	      v6[6] == 0 && memcmp(v6, want, 6) == 0 &&
	      memcmp(v6 + 7, want + 7, 9) == 0, "fmr legacy");
	check_v6(v6, "2001:db8:7134:0:cb:71:7100:3400");
	CHECK(sw_map_ipv6_for(&r, 0xcb007171, 62287, SW_IID_RFC7597, v6) == 0,
	      "fmr rfc");
	check_v6(v6, "2001:db8:7134::cb00:7171:34");
}

/* o + r == 32: a full IPv4 address per CE, no PSID. */
static void test_full_address(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 8, 6);
	struct sw_map_ce ce;
	uint8_t v6[16];

	if (derive(&r, "2001:db8:12::/48", SW_IID_RFC7597, &ce))
		return;
	check_v4(ce.ipv4, "192.0.2.18");
	CHECK(ce.ipv4_prefix_len == 32 && ce.ps.psid_len == 0, "plen/k");
	check_v6(ce.ipv6, "2001:db8:12::c000:212:0");
	CHECK(sw_map_ipv6_for(&r, 0xc0000212, 7, SW_IID_RFC7597, v6) == 0, "fmr");
	check_v6(v6, "2001:db8:12::c000:212:0");
}

/* o + r < 32: the CE gets an IPv4 prefix; the IID uses its first address. */
static void test_prefix_delegation(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "198.51.100.0/22", 6, 6);
	struct sw_map_ce ce;
	uint8_t v6[16];

	if (derive(&r, "2001:db8:b4::/46", SW_IID_RFC7597, &ce))
		return;
	check_v4(ce.ipv4, "198.51.102.208");
	CHECK(ce.ipv4_prefix_len == 28 && ce.ps.psid_len == 0, "plen %u",
	      ce.ipv4_prefix_len);
	check_v6(ce.ipv6, "2001:db8:b4::c633:66d0:0");
	CHECK(sw_map_ipv6_for(&r, 0xc63366dd, 4000, SW_IID_RFC7597, v6) == 0,
	      "fmr");
	check_v6(v6, "2001:db8:b4::c633:66d0:0");
}

/* The CE keeps the subnet bits of a longer End-user prefix (RFC 7597 6). */
static void test_eup_subnet_bits(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 16, 6);
	struct sw_map_ce ce;

	if (derive(&r, "2001:db8:12:3456::/64", SW_IID_RFC7597, &ce))
		return;
	CHECK(ce.ps.psid == 0x34, "psid");
	check_v6(ce.ipv6, "2001:db8:12:3456:0:c000:212:34");
}

static void check_derive_reject(const struct sw_map_rule *r, const char *eup,
				const char *want)
{
	struct sw_map_ce ce;
	const char *why = NULL;
	uint8_t p[16], plen;

	if (sw_parse_ipv6_prefix(eup, p, &plen))
		abort();
	CHECK(sw_map_ce_derive(r, p, plen, SW_IID_RFC7597, &ce, &why) == -1,
	      "%s accepted", eup);
	CHECK_STR(why, want);
}

static void test_derive_rejects(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 16, 6);

	check_derive_reject(&r, "2001:db8:12::/48",
			    "end-user-prefix: shorter than ipv6-prefix length + ea-len");
	check_derive_reject(&r, "2001:db8:12:3400::1/128",
			    "end-user-prefix: length must be at most 64");
	check_derive_reject(&r, "2001:db9:12:3400::/56",
			    "end-user-prefix: not inside ipv6-prefix");
	check_derive_reject(&r, "2001:db8:12:3401::/56",
			    "end-user-prefix: bits set past the prefix length");
	r.ea_len = 49;
	check_derive_reject(&r, "2001:db8:12:3400::/56",
			    "ea-len: must be at most 48");
}

struct reject_case {
	const char *v6, *v4;
	int ea, a, k, psid;
	unsigned int flags;
	const char *why;
};

static const struct reject_case rejects[] = {
	{ "2001:db8::/65", "192.0.2.0/24", 0, 6, 0, 0, 0,
	  "ipv6-prefix: length must be at most 64" },
	{ "2001:db8::/40", "192.0.2.0/24", 49, 6, 0, 0, 0,
	  "ea-len: must be at most 48" },
	{ "2001:db8::/56", "192.0.2.0/24", 16, 6, 0, 0, 0,
	  "ea-len: ipv6-prefix length + ea-len must be at most 64" },
	{ "2001:db8::/40", "192.0.2.0/24", 16, 16, 0, 0, 0,
	  "psid-offset: must be at most 15" },
	{ "2001:db8::1/40", "192.0.2.0/24", 16, 6, 0, 0, 0,
	  "ipv6-prefix: bits set past the prefix length" },
	{ "2001:db8::/40", "192.0.2.1/24", 16, 6, 0, 0, 0,
	  "ipv4-prefix: bits set past the prefix length" },
	{ "2001:db8::/32", "192.0.2.0/24", 25, 6, 0, 0, 0,
	  "ea-len: more than 16 PSID bits (ea-len + ipv4-prefix length - 32 > 16)" },
	{ "2001:db8::/40", "192.0.2.0/24", 16, 6, 0, 1, SW_RULE_PSID_SET,
	  "psid: only allowed with ea-len 0 (otherwise the EA bits carry the PSID)" },
	{ "2001:db8::/40", "192.0.2.0/24", 16, 6, 7, 0, SW_RULE_PSID_LEN_SET,
	  "psid-len: does not match ea-len + ipv4-prefix length - 32" },
	{ "2001:db8::/56", "192.0.2.1/32", 0, 0, 17, 0,
	  SW_RULE_PSID_LEN_SET | SW_RULE_PSID_SET,
	  "psid-len: must be at most 16" },
	{ "2001:db8::/40", "192.0.2.0/24", 16, 10, 0, 0, 0,
	  "psid-offset: psid-offset + psid-len must be at most 16" },
	{ "2001:db8::/56", "192.0.2.0/24", 0, 6, 8, 1,
	  SW_RULE_PSID_LEN_SET | SW_RULE_PSID_SET,
	  "psid-len: an ea-len 0 rule with psid-len needs a /32 ipv4-prefix" },
	{ "2001:db8::/56", "192.0.2.1/32", 0, 6, 8, 0, SW_RULE_PSID_LEN_SET,
	  "ea-len 0 rule with psid-len needs an explicit psid" },
	{ "2001:db8::/56", "192.0.2.1/32", 0, 6, 8, 256,
	  SW_RULE_PSID_LEN_SET | SW_RULE_PSID_SET,
	  "psid: does not fit in psid-len bits" },
};

/* One rejection per reason; the reason names the field as swctl spells it. */
static void test_validate_rejects(void)
{
	static const char *const fields[] = {
		"ipv6-prefix", "ipv4-prefix", "ea-len", "psid-offset",
		"psid-len", "psid",
	};
	unsigned int i, j;

	for (i = 0; i < sizeof(rejects) / sizeof(rejects[0]); i++) {
		const struct reject_case *c = &rejects[i];
		struct sw_map_rule r = rule(c->v6, c->v4, c->ea, c->a);
		const char *why = NULL;
		int named = 0;

		r.psid_len = (uint8_t)c->k;
		r.psid = (uint16_t)c->psid;
		r.flags = c->flags;
		CHECK(sw_rule_validate(&r, &why) == -1, "case %u accepted", i);
		CHECK_STR(why, c->why);
		for (j = 0; why && j < sizeof(fields) / sizeof(fields[0]); j++)
			named |= strncmp(why, fields[j], strlen(fields[j])) == 0;
		CHECK(named, "case %u: reason names no field", i);
		CHECK(sw_rule_validate(&r, NULL) == -1, "NULL why");
	}
}

/* r > 32 cannot come from the parser: set it by hand. */
static void test_validate_v4_len(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 16, 6);
	const char *why = NULL;

	r.ipv4_prefix_len = 33;
	CHECK(sw_rule_validate(&r, &why) == -1, "accepted");
	CHECK_STR(why, "ipv4-prefix: length must be at most 32");
	CHECK(!sw_rule_match_v4(&r, 0xc0000201), "match with r 33");
}

static void test_validate_accepts(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 16, 6);
	const char *why = NULL;

	r.psid_len = 8;
	r.flags = SW_RULE_PSID_LEN_SET | SW_RULE_FMR;
	CHECK(sw_rule_validate(&r, &why) == 0, "%s", why);
	r = rule("::/0", "0.0.0.0/0", 48, 0);	/* k = 16, a = 0, m = 0 */
	CHECK(sw_rule_validate(&r, &why) == 0, "%s", why);
	CHECK(sw_rule_psid_len(&r) == 16, "k");
	r = rule("2001:db8::/64", "192.0.2.7/32", 0, 15);
	CHECK(sw_rule_validate(&r, &why) == 0, "%s", why);
	r.psid_len = 1;
	r.psid = 1;
	r.flags = SW_RULE_PSID_LEN_SET | SW_RULE_PSID_SET;
	CHECK(sw_rule_validate(&r, &why) == 0, "a 15 k 1: %s", why);
}

static void test_match(void)
{
	struct sw_map_rule r = rule("2001:db8::/40", "192.0.2.0/24", 16, 6);
	uint8_t a[16];

	sw_parse_ipv6("2001:db8:ff::1", a);
	CHECK(sw_rule_match_v6(&r, a, 128) && sw_rule_match_v6(&r, a, 40), "in");
	CHECK(!sw_rule_match_v6(&r, a, 39), "shorter prefix");
	sw_parse_ipv6("2001:db8:100::1", a);
	CHECK(!sw_rule_match_v6(&r, a, 128), "out");
	CHECK(sw_rule_match_v4(&r, 0xc00002ff) && !sw_rule_match_v4(&r, 0xc0000300),
	      "v4");
}

/* Port sets at the edges: a = 0, m = 0, k = 0, bad input. */
static void test_portset_edges(void)
{
	struct sw_portset all = { 0, 0, 0 }, one = { 0xbeef, 16, 0 };
	struct sw_portset top = { 1, 1, 15 }, bad = { 4, 2, 6 };
	uint16_t f = 0, l = 0;

	CHECK(sw_portset_count(&all) == 65536 && sw_portset_nranges(&all) == 1,
	      "a=0 k=0");
	CHECK(sw_portset_range(&all, 0, &f, &l) == 0 && f == 0 && l == 65535,
	      "all");
	CHECK(sw_portset_nth(&all, 65535) == 65535 &&
	      sw_portset_index(&all, 0) == 0, "all nth");
	CHECK(sw_portset_count(&one) == 1 && sw_portset_nth(&one, 0) == 0xbeef &&
	      sw_portset_index(&one, 0xbeef) == 0 && sw_port_in_set(&one, 0xbeef),
	      "single port");
	/* a = 15, k = 1, m = 0: the odd ports from 3 upward */
	CHECK(sw_portset_count(&top) == 32767 && sw_portset_nranges(&top) == 32767,
	      "a15 count %u", sw_portset_count(&top));
	CHECK(sw_portset_nth(&top, 0) == 3 && sw_portset_nth(&top, 32766) == 65535,
	      "a15 nth");
	CHECK(sw_portset_count(&bad) == 0 && !sw_port_in_set(&bad, 1100) &&
	      sw_portset_index(&bad, 1100) == -1 && sw_portset_nranges(&bad) == 0 &&
	      sw_portset_range(&bad, 0, &f, &l) == -1, "psid >= 2^k rejected");
}

static void test_iid_layouts(void)
{
	uint8_t v6[16];

	memset(v6, 0xaa, sizeof(v6));
	sw_map_iid(v6, 0xc0000212, 0x0034, SW_IID_RFC7597);
	check_v6(v6, "aaaa:aaaa:aaaa:aaaa:0:c000:212:34");
	memset(v6, 0xaa, sizeof(v6));
	sw_map_iid(v6, 0xc0000212, 0x1234, SW_IID_LEGACY);
	check_v6(v6, "aaaa:aaaa:aaaa:aaaa:c0:2:1212:3400");
}

static const struct tap_test tests[] = {
	{ "rfc7597_example1_bmr", test_rfc_example1 },
	{ "rfc7597_example2_fmr", test_rfc_example2 },
	{ "rfc7597_example3_portset", test_rfc_example3 },
	{ "rfc7597_example4_no_ea_no_sharing", test_rfc_example4 },
	{ "rfc7597_example5_no_ea_explicit_psid", test_rfc_example5 },
	{ "v6plus_a4_k8_legacy_iid", test_v6plus_legacy },
	{ "full_address_o_plus_r_32", test_full_address },
	{ "prefix_delegation_o_plus_r_lt_32", test_prefix_delegation },
	{ "eup_subnet_bits_kept", test_eup_subnet_bits },
	{ "derive_rejects", test_derive_rejects },
	{ "validate_rejects_one_per_reason", test_validate_rejects },
	{ "validate_rejects_ipv4_len", test_validate_v4_len },
	{ "validate_accepts_edges", test_validate_accepts },
	{ "rule_match", test_match },
	{ "portset_edges", test_portset_edges },
	{ "iid_layouts", test_iid_layouts },
};

TAP_MAIN(tests)
