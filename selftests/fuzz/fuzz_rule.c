// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer harness for kmod/core/mapcalc.c: fuzz bytes become a rule, an
 * End-user prefix, an IPv4 address, a port and a raw port set. Rejected
 * rules must come with a reason; accepted ones must derive and enumerate
 * without UB and satisfy the RFC 7597 invariants. Violations abort().
 *
 * Layout (short inputs are zero-padded):
 *  0..15 ipv6 prefix  16 n  17..20 ipv4 (BE)  21 r  22 o  23 a  24 k
 *  25..26 psid  27 flags  28..43 eup  44 eup_len  45..46 port  47 iid
 *  48 mode: bit0 clamp fields into range, bit1 put eup inside the rule
 *  49..52 raw port set (psid, psid, k, a)  53..56 second ipv4
 */
#include <stdio.h>
#include <stdlib.h>
#include "../../kmod/core/mapcalc.h"

#define MUST(c) do { if (!(c)) { fprintf(stderr, "violated: %s\n", #c); abort(); } } while (0)
#define IN_LEN 57

struct input {
	struct sw_map_rule rule;
	uint8_t eup[16], eup_len, mode;
	uint16_t port;
	uint32_t ipv4;
	enum sw_iid_format iid;
	struct sw_portset raw;
};

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

static uint64_t be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t hi(unsigned int len)
{
	return len ? ~0ULL << (64 - (len > 64 ? 64 : len)) : 0;
}

static void clamp(struct input *in)
{
	struct sw_map_rule *r = &in->rule;

	r->ipv6_prefix_len %= 65;
	r->ipv4_prefix_len %= 33;
	r->ea_len %= 49;
	if (r->ipv6_prefix_len + r->ea_len > 64)
		r->ipv6_prefix_len = (uint8_t)(64 - r->ea_len);
	r->psid_offset %= 16;
	r->psid_len %= 17;
	put64(r->ipv6_prefix, be64(r->ipv6_prefix) & hi(r->ipv6_prefix_len));
	memset(r->ipv6_prefix + 8, 0, 8);
	r->ipv4_prefix &= (uint32_t)(~0ULL << (32 - r->ipv4_prefix_len));
	r->psid &= (uint16_t)((1U << (r->psid_len > 16 ? 16 : r->psid_len)) - 1);
	in->eup_len %= 65;
}

static void eup_inside(struct input *in)
{
	unsigned int n = in->rule.ipv6_prefix_len > 64 ? 64 : in->rule.ipv6_prefix_len;
	uint64_t up = (be64(in->rule.ipv6_prefix) & hi(n)) | (be64(in->eup) & ~hi(n));

	put64(in->eup, up & hi(in->eup_len));
	memset(in->eup + 8, 0, 8);
}

static void decode(const uint8_t *d, struct input *in)
{
	memset(in, 0, sizeof(*in));
	memcpy(in->rule.ipv6_prefix, d, 16);
	in->rule.ipv6_prefix_len = d[16];
	in->rule.ipv4_prefix = be32(d + 17);
	in->rule.ipv4_prefix_len = d[21];
	in->rule.ea_len = d[22];
	in->rule.psid_offset = d[23];
	in->rule.psid_len = d[24];
	in->rule.psid = (uint16_t)(d[25] << 8 | d[26]);
	in->rule.flags = d[27] & 7;
	memcpy(in->eup, d + 28, 16);
	in->eup_len = d[44];
	in->port = (uint16_t)(d[45] << 8 | d[46]);
	in->iid = (enum sw_iid_format)(d[47] & 1);
	in->mode = d[48];
	in->raw.psid = (uint16_t)(d[49] << 8 | d[50]);
	in->raw.psid_len = d[51];
	in->raw.psid_offset = d[52];
	in->ipv4 = be32(d + 53);
	if (in->mode & 1)
		clamp(in);
	if (in->mode & 2)
		eup_inside(in);
}

/* Ranges ascending, never adjacent, sizes summing to the count. */
static void check_portset(const struct sw_portset *ps, uint16_t port)
{
	uint32_t i, nr = sw_portset_nranges(ps), sum = 0, cnt = sw_portset_count(ps);
	int32_t prev = -2, idx;
	uint16_t f, l;

	for (i = 0; i < nr; i++) {
		MUST(sw_portset_range(ps, i, &f, &l) == 0);
		MUST(f <= l && (int32_t)f > prev + 1);
		MUST(sw_port_in_set(ps, f) && sw_port_in_set(ps, l));
		sum += (uint32_t)(l - f) + 1;
		prev = l;
	}
	MUST(sum == cnt);
	MUST(sw_portset_range(ps, nr, &f, &l) == -1);
	idx = sw_portset_index(ps, port);
	MUST((idx >= 0) == sw_port_in_set(ps, port));
	if (idx >= 0)
		MUST(sw_portset_nth(ps, (uint32_t)idx) == port &&
		     sw_port_psid(ps, port) == ps->psid);
	if (cnt) {
		uint16_t p = sw_portset_nth(ps, port % cnt);

		MUST(sw_port_in_set(ps, p) && sw_portset_index(ps, p) == (int32_t)(port % cnt));
	}
}

static void check_ce(const struct input *in, const struct sw_map_ce *ce)
{
	const struct sw_map_rule *r = &in->rule;
	unsigned int k = sw_rule_psid_len(r), no = r->ipv6_prefix_len + r->ea_len;
	uint8_t v6[16];

	MUST(sw_rule_match_v4(r, ce->ipv4) && sw_rule_match_v6(r, ce->ipv6, 128));
	MUST(ce->ps.psid_len == k && ce->ps.psid_offset == r->psid_offset);
	MUST(ce->ps.psid < (1U << k) && ce->ipv4_prefix_len <= 32);
	check_portset(&ce->ps, in->port);
	/* RFC 7597 5.3: with no subnet bits the FMR finds this CE */
	if ((be64(in->eup) & ~hi(no)) == 0 && sw_portset_count(&ce->ps)) {
		uint16_t p = sw_portset_nth(&ce->ps, in->port % sw_portset_count(&ce->ps));

		MUST(sw_map_ipv6_for(r, ce->ipv4, p, in->iid, v6) == 0);
		MUST(memcmp(v6, ce->ipv6, 16) == 0);
	}
}

static void check_rule(const struct input *in)
{
	const struct sw_map_rule *r = &in->rule;
	const char *why = NULL;
	struct sw_map_ce ce;
	uint8_t v6[16];
	int valid = sw_rule_validate(r, &why) == 0;

	MUST(valid || (why && *why));
	why = NULL;
	if (sw_map_ce_derive(r, in->eup, in->eup_len, in->iid, &ce, &why) == 0) {
		MUST(valid);
		check_ce(in, &ce);
	} else {
		MUST(why && *why);
	}
	if (sw_map_ipv6_for(r, in->ipv4, in->port, in->iid, v6) == 0)
		MUST(sw_rule_match_v4(r, in->ipv4) && sw_rule_match_v6(r, v6, 128));
	else if (valid)
		MUST(!sw_rule_match_v4(r, in->ipv4));
	if (valid)
		MUST(sw_rule_psid_len(r) <= 16 &&
		     r->psid_offset + sw_rule_psid_len(r) <= 16);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t buf[IN_LEN] = { 0 };
	struct input in;

	memcpy(buf, data, size < IN_LEN ? size : IN_LEN);
	decode(buf, &in);
	check_rule(&in);
	check_portset(&in.raw, in.port);	/* arbitrary, maybe invalid */
	return 0;
}
