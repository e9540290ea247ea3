// SPDX-License-Identifier: GPL-2.0
/*
 * Property tests for kmod/core/mapcalc.c.
 *
 * 1. Exhaustively for every (a, k) with a + k <= 16: the port sets of all
 *    2^k PSIDs are pairwise disjoint, together cover exactly the ports with
 *    A >= 1 (all ports when a = 0), ranges are ascending and merged, every
 *    enumerated port maps back to its PSID, and nth/index are inverse.
 * 2. Over random valid rules (seeded, the seed is printed; SW_SEED=n
 *    replays): CE derivation is consistent with the rule, EA bits map
 *    one-to-one onto (IPv4, PSID), and sw_map_ipv6_for() returns the CE's
 *    MAP address for ports of its set (derive -> FMR round trip).
 */
#include <time.h>
#include <unistd.h>
#include "../../kmod/core/mapcalc.h"
#define TAP_WANT_RNG	/* rnd(), seed, TAP_MAIN_SEEDED */
#include "tap.h"

#define NRULES	3000


static uint32_t rnd_below(uint32_t n)
{
	return n ? rnd() % n : 0;
}

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static void store_be64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 7; i >= 0; i--, v >>= 8)
		p[i] = (uint8_t)v;
}

static uint64_t mask_hi(unsigned int len)
{
	return len ? ~0ULL << (64 - len) : 0;
}

/* Host part of an IPv4 prefix of length len (len 0 is the whole space). */
static uint32_t v4_host(unsigned int len)
{
	return (uint32_t)(0xffffffffULL >> len);
}

static int32_t owner[65536];

/* One PSID's set: enumerate its ranges and check every port. */
static void check_one_set(unsigned int a, unsigned int k, uint32_t psid)
{
	struct sw_portset ps = { (uint16_t)psid, (uint8_t)k, (uint8_t)a };
	uint32_t i, ord = 0, nr = sw_portset_nranges(&ps);
	int32_t prev_last = -2;
	uint16_t f, l;
	uint32_t p;

	for (i = 0; i < nr; i++) {
		CHECK(sw_portset_range(&ps, i, &f, &l) == 0, "range %u", i);
		CHECK(f <= l && (int32_t)f > prev_last + 1,
		      "a %u k %u psid %u range %u (%u-%u) not ascending/merged",
		      a, k, psid, i, f, l);
		for (p = f; p <= l; p++, ord++) {
			CHECK(owner[p] == -1, "port %u in psid %d and %u", p,
			      owner[p], psid);
			owner[p] = (int32_t)psid;
			CHECK(sw_port_psid(&ps, (uint16_t)p) == psid &&
			      sw_port_in_set(&ps, (uint16_t)p),
			      "a %u k %u port %u psid", a, k, p);
			CHECK(sw_portset_index(&ps, (uint16_t)p) == (int32_t)ord &&
			      sw_portset_nth(&ps, ord) == p,
			      "a %u k %u port %u ordinal %u", a, k, p, ord);
		}
		prev_last = l;
	}
	CHECK(sw_portset_range(&ps, nr, &f, &l) == -1, "range past the end");
	CHECK(ord == sw_portset_count(&ps), "a %u k %u psid %u count %u sum %u",
	      a, k, psid, sw_portset_count(&ps), ord);
}

/*
 * After all PSIDs: exact cover of the ports with A >= 1 (a > 0 and k > 0);
 * an unshared address (k = 0) owns every port.
 */
static void check_cover(unsigned int a, unsigned int k)
{
	uint32_t p, amin = a && k ? 1 : 0;

	for (p = 0; p < 65536; p++) {
		bool usable = (p >> (16 - a)) >= amin;
		struct sw_portset ps = { 0, (uint8_t)k, (uint8_t)a };

		CHECK((owner[p] != -1) == usable, "a %u k %u port %u cover", a, k, p);
		ps.psid = sw_port_psid(&ps, (uint16_t)p);
		CHECK(sw_port_in_set(&ps, (uint16_t)p) == usable,
		      "a %u k %u port %u in_set", a, k, p);
		if (k > 0) {	/* any other PSID must not claim it */
			ps.psid = (uint16_t)((ps.psid + 1 + rnd_below((1U << k) - 1)) &
					     ((1U << k) - 1));
			CHECK(!sw_port_in_set(&ps, (uint16_t)p) &&
			      sw_portset_index(&ps, (uint16_t)p) == -1,
			      "a %u k %u port %u claimed by psid %u", a, k, p, ps.psid);
		}
	}
}

static void test_portsets_exhaustive(void)
{
	unsigned int a, k;
	uint32_t psid, total;

	for (a = 0; a <= 15; a++) {
		for (k = 0; a + k <= 16; k++) {
			memset(owner, 0xff, sizeof(owner));
			total = 0;
			for (psid = 0; psid < (1U << k); psid++) {
				struct sw_portset ps = { (uint16_t)psid, (uint8_t)k,
							 (uint8_t)a };

				check_one_set(a, k, psid);
				total += sw_portset_count(&ps);
			}
			check_cover(a, k);
			CHECK(total == (a && k ? 65536U - (1U << (16 - a)) : 65536U),
			      "a %u k %u total %u", a, k, total);
		}
	}
}

/* --- random rules ------------------------------------------------------ */

static void rand_prefix(struct sw_map_rule *r)
{
	uint32_t i;

	for (i = 0; i < 8; i++)
		r->ipv6_prefix[i] = (uint8_t)rnd();
	store_be64(r->ipv6_prefix, load_be64(r->ipv6_prefix) &
		   mask_hi(r->ipv6_prefix_len));
	r->ipv4_prefix = r->ipv4_prefix_len ?
		rnd() << 8 ^ rnd() : 0;
	if (r->ipv4_prefix_len)
		r->ipv4_prefix &= ~0U << (32 - r->ipv4_prefix_len);
}

static void gen_shape(struct sw_map_rule *r, unsigned int a)
{
	unsigned int k, mode = rnd_below(4);

	if (mode == 0 && a < 16) {		/* shared address: o + r > 32 */
		k = 1 + rnd_below(16 - a);
		r->ipv4_prefix_len = (uint8_t)rnd_below(33);
		r->ea_len = (uint8_t)(32 - r->ipv4_prefix_len + k);
	} else if (mode == 1) {			/* full address: o + r = 32 */
		r->ipv4_prefix_len = (uint8_t)rnd_below(33);
		r->ea_len = (uint8_t)(32 - r->ipv4_prefix_len);
	} else if (mode == 2) {			/* IPv4 prefix: o + r < 32 */
		r->ipv4_prefix_len = (uint8_t)rnd_below(32);
		r->ea_len = (uint8_t)rnd_below(32 - r->ipv4_prefix_len);
	} else {				/* ea-len 0, provisioned PSID */
		r->ipv4_prefix_len = 32;
		r->psid_len = (uint8_t)rnd_below(17 - a);
		r->psid = (uint16_t)(rnd() & ((1U << r->psid_len) - 1));
		r->flags = SW_RULE_PSID_LEN_SET | SW_RULE_PSID_SET;
	}
}

static void gen_rule(struct sw_map_rule *r)
{
	unsigned int a, pick = rnd_below(10);

	memset(r, 0, sizeof(*r));
	a = pick < 4 ? 6 : pick < 6 ? 4 : rnd_below(16);
	r->psid_offset = (uint8_t)a;
	gen_shape(r, a);
	r->ipv6_prefix_len = (uint8_t)rnd_below(65 - r->ea_len);
	if (r->ea_len && rnd_below(3) == 0) {
		r->flags |= SW_RULE_PSID_LEN_SET;
		r->psid_len = (uint8_t)sw_rule_psid_len(r);
	}
	if (rnd_below(10) == 0)
		r->flags |= SW_RULE_FMR;
	rand_prefix(r);
}

/* End-user prefix with EA bits ea, length L, zero subnet bits. */
static unsigned int make_eup(const struct sw_map_rule *r, uint64_t ea,
			     uint8_t *eup)
{
	unsigned int n = r->ipv6_prefix_len, o = r->ea_len;
	uint64_t up = load_be64(r->ipv6_prefix);

	if (o)
		up |= ea << (64 - n - o);
	memset(eup, 0, 16);
	store_be64(eup, up);
	return n + o + rnd_below(65 - n - o);
}

static uint64_t rand_ea(unsigned int o)
{
	uint64_t v = (uint64_t)rnd() << 32 ^ rnd() << 8 ^ rnd();

	return o ? v & (~0ULL >> (64 - o)) : 0;
}

static void check_ce(const struct sw_map_rule *r, const uint8_t *eup,
		     unsigned int L, const struct sw_map_ce *ce)
{
	unsigned int k = sw_rule_psid_len(r);
	unsigned int want_len = r->ea_len + r->ipv4_prefix_len >= 32 ? 32 :
				r->ea_len + r->ipv4_prefix_len;

	CHECK(sw_rule_match_v4(r, ce->ipv4), "ipv4 outside the rule");
	CHECK(ce->ipv4_prefix_len == want_len, "plen %u", ce->ipv4_prefix_len);
	CHECK((ce->ipv4 & v4_host(ce->ipv4_prefix_len)) == 0,
	      "CE prefix has host bits");
	CHECK(ce->ps.psid_len == k && ce->ps.psid_offset == r->psid_offset &&
	      ce->ps.psid < (1U << k), "portset");
	CHECK(((load_be64(ce->ipv6) ^ load_be64(eup)) & mask_hi(L)) == 0 &&
	      (load_be64(ce->ipv6) & ~mask_hi(L)) == 0, "MAP prefix");
	CHECK(sw_rule_match_v6(r, ce->ipv6, 128), "MAP address outside rule");
}

/* FMR round trip for ports of the set (or any address of a CE prefix). */
static void check_roundtrip(const struct sw_map_rule *r, const struct sw_map_ce *ce,
			    enum sw_iid_format iid)
{
	uint32_t cnt = sw_portset_count(&ce->ps), i, v4 = ce->ipv4;
	uint8_t v6[16];
	uint16_t port;

	CHECK(cnt > 0, "empty port set");
	for (i = 0; i < 10 && cnt; i++) {
		port = sw_portset_nth(&ce->ps,
				      i == 0 ? 0 : i == 1 ? cnt - 1 : rnd_below(cnt));
		if (ce->ipv4_prefix_len < 32)
			v4 = ce->ipv4 | ((rnd() << 8 ^ rnd()) & v4_host(ce->ipv4_prefix_len));
		CHECK(sw_port_psid(&ce->ps, port) == ce->ps.psid &&
		      sw_port_in_set(&ce->ps, port), "port %u", port);
		CHECK(sw_map_ipv6_for(r, v4, port, iid, v6) == 0 &&
		      memcmp(v6, ce->ipv6, 16) == 0,
		      "FMR for port %u differs from the CE address", port);
	}
}

/* Every port of the CE's set maps back to its PSID (full enumeration). */
static void check_ce_ports(const struct sw_portset *ps)
{
	uint32_t i, nr = sw_portset_nranges(ps), ord = 0, p;
	uint16_t f = 0, l = 0;

	for (i = 0; i < nr; i++) {
		sw_portset_range(ps, i, &f, &l);
		for (p = f; p <= l; p++, ord++)
			if (sw_port_psid(ps, (uint16_t)p) != ps->psid ||
			    sw_portset_index(ps, (uint16_t)p) != (int32_t)ord) {
				CHECK(0, "port %u of psid %u", p, ps->psid);
				return;
			}
	}
	CHECK(ord == sw_portset_count(ps), "count");
}

static void one_rule(const struct sw_map_rule *r)
{
	struct sw_map_ce ce, ce2;
	uint8_t eup[16], eup2[16];
	const char *why = NULL;
	enum sw_iid_format iid = rnd_below(2) ? SW_IID_LEGACY : SW_IID_RFC7597;
	uint64_t ea = rand_ea(r->ea_len), ea2 = rand_ea(r->ea_len);
	unsigned int L, L2;

	if (sw_rule_validate(r, &why)) {
		CHECK(0, "generated rule rejected: %s", why);
		return;
	}
	L = make_eup(r, ea, eup);
	L2 = make_eup(r, ea2, eup2);
	if (sw_map_ce_derive(r, eup, L, iid, &ce, &why) ||
	    sw_map_ce_derive(r, eup2, L2, iid, &ce2, &why)) {
		CHECK(0, "derive: %s", why);
		return;
	}
	check_ce(r, eup, L, &ce);
	check_roundtrip(r, &ce, iid);
	check_ce_ports(&ce.ps);
	/* RFC 7597 5.2: EA bits <-> (IPv4 address or prefix, PSID) is 1:1 */
	CHECK((ea == ea2) == (ce.ipv4 == ce2.ipv4 && ce.ps.psid == ce2.ps.psid),
	      "EA 0x%llx/0x%llx vs CE", (unsigned long long)ea,
	      (unsigned long long)ea2);
	CHECK((ea == ea2) == (memcmp(ce.ipv6, ce2.ipv6, 8) == 0),
	      "EA vs MAP prefix");
}

static void test_random_rules(void)
{
	struct sw_map_rule r;
	int i;

	printf("# seed %llu (SW_SEED=%llu replays), %d random rules\n", seed,
	       seed, NRULES);
	for (i = 0; i < NRULES; i++) {
		gen_rule(&r);
		one_rule(&r);
	}
}

/* Subnet bits past n + o stay in the CE address and change nothing else. */
static void test_random_subnet_bits(void)
{
	struct sw_map_rule r;
	struct sw_map_ce ce, ce2;
	uint8_t eup[16];
	unsigned int L, i, nbits;
	uint64_t up;

	for (i = 0; i < NRULES; i++) {
		gen_rule(&r);
		L = make_eup(&r, rand_ea(r.ea_len), eup);
		nbits = L - r.ipv6_prefix_len - r.ea_len;
		if (sw_map_ce_derive(&r, eup, L, SW_IID_RFC7597, &ce, NULL))
			continue;
		up = load_be64(eup) | (((uint64_t)rnd() << 32 ^ rnd() << 8 ^ rnd()) &
				       mask_hi(L) & ~mask_hi(L - nbits));
		store_be64(eup, up);
		CHECK(sw_map_ce_derive(&r, eup, L, SW_IID_RFC7597, &ce2, NULL) == 0,
		      "derive");
		CHECK(ce.ipv4 == ce2.ipv4 && ce.ps.psid == ce2.ps.psid &&
		      load_be64(ce2.ipv6) == up &&
		      memcmp(ce.ipv6 + 8, ce2.ipv6 + 8, 8) == 0, "subnet bits");
	}
}

static const struct tap_test tests[] = {
	{ "portsets_exhaustive_all_a_k", test_portsets_exhaustive },
	{ "random_rules_derive_fmr_roundtrip", test_random_rules },
	{ "random_rules_subnet_bits", test_random_subnet_bits },
};

TAP_MAIN_SEEDED(tests)
