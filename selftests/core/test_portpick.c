// SPDX-License-Identifier: GPL-2.0
/*
 * kmod/core/portpick.c: the NAPT port allocator never exceeds its budget,
 * returns only free ports of the set (never 0), preserves the hint, finds
 * the last free port with budget == count, spreads over all ranges of the
 * set, does not hand out sequential ports, and keeps the internal port's
 * parity (RFC 4787 REQ-4) whenever a port of that parity is free within the
 * share of the budget it promises. Seeded; SW_SEED=n replays.
 */
#include <time.h>
#include <unistd.h>
#include "../../kmod/core/portpick.h"
#define TAP_WANT_RNG	/* rnd(), seed, TAP_MAIN_SEEDED */
#include "tap.h"


/* The fake mapping table taken() consults, and a log of what was asked. */
struct table {
	uint8_t used[65536];
	uint8_t asked[65536];
	unsigned int calls;
	unsigned int dup_asks;
	uint16_t log[65536 + 8];
};

static struct table T;

static bool taken(void *ctx, uint16_t port)
{
	struct table *t = ctx;

	if (t->asked[port])
		t->dup_asks++;
	t->asked[port] = 1;
	if (t->calls < sizeof(t->log) / sizeof(t->log[0]))
		t->log[t->calls] = port;
	t->calls++;
	return t->used[port];
}

static void reset_asks(void)
{
	memset(T.asked, 0, sizeof(T.asked));
	T.calls = 0;
	T.dup_asks = 0;
}

static void clear_table(void)
{
	memset(T.used, 0, sizeof(T.used));
	reset_asks();
}

static struct sw_portset pset(unsigned int a, unsigned int k, unsigned int psid)
{
	struct sw_portset ps = { .psid = (uint16_t)psid, .psid_len = (uint8_t)k,
				 .psid_offset = (uint8_t)a };
	return ps;
}

static struct sw_portset random_set(void)
{
	unsigned int a = rnd() % 16, k = rnd() % (17 - a);

	return pset(a, k, k ? rnd() % (1u << k) : 0);
}

/* Mark a random fraction (0..100 %) of the set as used. */
static void fill_random(const struct sw_portset *ps, unsigned int pct)
{
	uint32_t i, n = sw_portset_count(ps);

	clear_table();
	for (i = 0; i < n; i++)
		if (rnd() % 100 < pct)
			T.used[sw_portset_nth(ps, i)] = 1;
}

/* One pick with all the per-call invariants checked. */
static int pick_checked(const struct sw_portset *ps, uint16_t hint,
			uint32_t r, unsigned int budget, uint16_t *out)
{
	int rc;

	reset_asks();
	*out = 0;
	rc = sw_port_pick(ps, hint, r, budget, taken, &T, out);
	CHECK(T.calls <= budget, "calls %u > budget %u (a=%u k=%u)", T.calls,
	      budget, ps->psid_offset, ps->psid_len);
	CHECK(T.dup_asks == 0, "%u duplicate asks", T.dup_asks);
	CHECK(!T.asked[0], "port 0 was asked");
	if (rc == 0) {
		CHECK(*out != 0, "returned port 0");
		CHECK(sw_port_in_set(ps, *out), "port %u not in set", *out);
		CHECK(!T.used[*out], "port %u is taken", *out);
		CHECK(T.asked[*out], "port %u returned unasked", *out);
	} else {
		CHECK(rc == -1, "rc %d", rc);
	}
	return rc;
}

static void test_budget_and_validity(void)
{
	unsigned int i, budget;
	struct sw_portset ps;
	uint16_t port;

	printf("# seed %llu (SW_SEED=%llu replays)\n", seed, seed);
	for (i = 0; i < 3000; i++) {
		ps = random_set();
		fill_random(&ps, rnd() % 101);
		budget = rnd() % (sw_portset_count(&ps) + 16);
		if (sw_portset_count(&ps) > 4096)
			budget = rnd() % 300;	/* keep the run short */
		pick_checked(&ps, (uint16_t)rnd(), rnd(), budget, &port);
	}
}

static void test_empty_and_zero_budget(void)
{
	struct sw_portset bad1 = pset(10, 7, 0), bad2 = pset(6, 4, 16);
	struct sw_portset ok = pset(6, 8, 0x34);
	uint16_t port;

	clear_table();
	CHECK(pick_checked(&bad1, 4000, 1, 100, &port) == -1, "a + k > 16");
	CHECK(pick_checked(&bad2, 4000, 1, 100, &port) == -1, "psid >= 2^k");
	CHECK(T.calls == 0, "asked %u on invalid set", T.calls);
	CHECK(pick_checked(&ok, 0, 1, 0, &port) == -1, "budget 0");
	CHECK(T.calls == 0, "asked %u with budget 0", T.calls);
}

static void test_hint(void)
{
	struct sw_portset ps = pset(6, 8, 0x34);	/* RFC 7597 A, ex. 1 */
	uint16_t hint = sw_portset_nth(&ps, 100), port;
	int rc;

	clear_table();
	rc = pick_checked(&ps, hint, rnd(), 1, &port);
	CHECK(rc == 0 && port == hint && T.calls == 1, "hint %u got %u",
	      hint, port);
	T.used[hint] = 1;
	rc = pick_checked(&ps, hint, rnd(), 1, &port);
	CHECK(rc == -1 && T.calls == 1, "budget 1, hint taken: rc %d", rc);
	rc = pick_checked(&ps, hint, rnd(), 64, &port);
	CHECK(rc == 0 && port != hint, "hint taken: got %u", port);
	/* hint outside the set: never returned, not asked */
	rc = pick_checked(&ps, 5000, rnd(), 64, &port);
	CHECK(rc == 0 && port != 5000 && !T.asked[5000], "hint 5000 not in set");
}

/* 240 ports (a = 4, k = 8, m = 4), 239 taken: budget = count finds it. */
static void test_last_free_port(void)
{
	struct sw_portset ps = pset(4, 8, 0xa5);
	uint32_t n = sw_portset_count(&ps), f, j;
	uint16_t port, hint;
	int rc;

	CHECK(n == 240, "count %u", n);
	for (f = 0; f < n; f++) {
		for (j = 0; j < 8; j++) {
			clear_table();
			for (uint32_t i = 0; i < n; i++)
				T.used[sw_portset_nth(&ps, i)] = i != f;
			/* hint: in the set and taken, or outside the set */
			hint = j & 1 ? sw_portset_nth(&ps, (f + 1 + rnd() % (n - 1)) % n)
				     : (uint16_t)(rnd() | 1);
			rc = pick_checked(&ps, hint, rnd(), n, &port);
			CHECK(rc == 0 && port == sw_portset_nth(&ps, f),
			      "free ordinal %u: rc %d port %u", f, rc, port);
		}
	}
}

/* With a = 0 the set contains port 0: it is skipped and costs nothing. */
static void test_port_zero_in_set(void)
{
	struct sw_portset ps = pset(0, 4, 0);	/* ports 0 .. 4095 */
	uint32_t n = sw_portset_count(&ps), i, f;
	uint16_t port;
	int rc;

	for (f = 1; f < n; f += 97) {
		clear_table();
		for (i = 0; i < n; i++)
			T.used[sw_portset_nth(&ps, i)] = i != f;
		rc = pick_checked(&ps, 0, rnd(), n - 1, &port);
		CHECK(rc == 0 && port == f, "free %u: rc %d port %u", f, rc, port);
	}
}

/* Budget >= count, nothing free: every port asked exactly once. */
static void test_full_permutation(void)
{
	unsigned int i, n;
	struct sw_portset ps;
	uint16_t port;

	for (i = 0; i < 300; i++) {
		ps = random_set();
		n = sw_portset_count(&ps);
		if (n > 8192)
			continue;
		clear_table();
		memset(T.used, 1, sizeof(T.used));
		CHECK(pick_checked(&ps, 0, rnd(), n + 5, &port) == -1, "full");
		CHECK(T.calls == n - sw_port_in_set(&ps, 0),
		      "a=%u k=%u: %u asks for %u ports", ps.psid_offset,
		      ps.psid_len, T.calls, n);
	}
}

/*
 * Half of the set taken (every other ordinal, so each range has 8 free
 * ports): picks reach every range, evenly.
 */
static void test_covers_all_ranges(void)
{
	struct sw_portset ps = pset(6, 6, 0x2b);	/* 63 ranges x 16 */
	uint32_t hits[64] = { 0 }, n = sw_portset_count(&ps), i, a, lo = ~0u, hi = 0;
	uint16_t port;

	clear_table();
	for (i = 0; i < n; i += 2)
		T.used[sw_portset_nth(&ps, i)] = 1;
	for (i = 0; i < 63 * 400; i++) {
		if (pick_checked(&ps, 0, rnd(), 64, &port) == 0)
			hits[port >> 10]++;
	}
	for (a = 1; a < 64; a++) {
		lo = hits[a] < lo ? hits[a] : lo;
		hi = hits[a] > hi ? hits[a] : hi;
	}
	CHECK(hits[0] == 0, "range A=0 used");
	CHECK(lo > 0, "a range was never picked (n=%u)", n);
	printf("# per-range picks: min %u max %u (expected ~400)\n", lo, hi);
	CHECK(lo > 150 && hi < 800, "uneven: min %u max %u", lo, hi);
}

/* Consecutive probes are never adjacent ports; nor are successive picks. */
static void test_not_sequential(void)
{
	struct sw_portset ps = pset(6, 8, 0x34);
	uint32_t n = sw_portset_count(&ps), i, adjacent = 0, picks = 0;
	uint16_t port, prev = 0;

	clear_table();
	for (i = 0; i < n - 8; i++) {
		if (pick_checked(&ps, 0, rnd(), n, &port))
			break;
		for (uint32_t c = 1; c < T.calls; c++) {
			int32_t d = sw_portset_index(&ps, T.log[c]) -
				    sw_portset_index(&ps, T.log[c - 1]);

			CHECK(d != 1 && d != -1 && d != (int32_t)n - 1 &&
			      d != 1 - (int32_t)n, "adjacent probes %u %u",
			      T.log[c - 1], T.log[c]);
		}
		adjacent += prev && (port == prev + 1 || port + 1 == prev);
		prev = port;
		T.used[port] = 1;
		picks++;
	}
	printf("# %u successive picks, %u adjacent\n", picks, adjacent);
	CHECK(picks == n - 8, "filled only %u of %u", picks, n - 8);
	CHECK(adjacent * 20 < picks, "%u of %u picks adjacent", adjacent, picks);
}

/*
 * The oracle of test_stride: portpick.c's gcd() is static and is what the
 * stride choice trusts, so the test checks coprimality with its own.
 */
static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Stride: coprime with count, in [2, count - 2] whenever one exists. */
static void test_stride(void)
{
	uint32_t count, s, j, x;
	bool exists;

	for (count = 1; count <= 65536; count++) {
		for (j = 0; j < 4; j++) {
			s = sw_port_pick_stride(count, rnd());
			CHECK(s >= 1 && (count == 1 || s < count) &&
			      gcd(s, count) == 1, "count %u stride %u", count, s);
			if (count < 5 || s != 1)
				continue;
			for (exists = false, x = 2; x <= count - 2; x++)
				exists |= gcd(x, count) == 1;
			CHECK(!exists, "count %u: fell back to stride 1", count);
		}
	}
}


/* The ports of the set alternate parity (some contiguous bits, or k = 0). */
static bool alternating(const struct sw_portset *ps)
{
	uint32_t n = sw_portset_count(ps), i;
	int p0;

	if (n < 2)
		return false;
	p0 = sw_portset_nth(ps, 0) & 1;
	for (i = 1; i < n; i++)
		if ((sw_portset_nth(ps, i) & 1) == p0)
			return false;
	return true;
}

/* Free ports of the set with parity par, the hint and port 0 excepted. */
static uint32_t free_of_parity(const struct sw_portset *ps, unsigned int par,
			       uint16_t hint)
{
	uint32_t n = sw_portset_count(ps), i, c = 0;
	uint16_t p;

	for (i = 0; i < n; i++) {
		p = sw_portset_nth(ps, i);
		c += p && p != hint && (p & 1) == par && !T.used[p];
	}
	return c;
}

/* Ports of the set with parity par that cost a call (not 0, not the hint). */
static uint32_t askable_of_parity(const struct sw_portset *ps,
				  unsigned int par, uint16_t hint)
{
	uint32_t n = sw_portset_count(ps), i, c = 0;
	uint16_t p;

	for (i = 0; i < n; i++) {
		p = sw_portset_nth(ps, i);
		c += p && p != hint && (p & 1) == par;
	}
	return c;
}

/* A random set small enough to scan, whose ports alternate parity. */
static struct sw_portset random_alternating_set(void)
{
	struct sw_portset ps;

	do
		ps = random_set();
	while (sw_portset_count(&ps) > 8192 || !alternating(&ps));
	return ps;
}

/*
 * RFC 4787 REQ-4: with budget >= count, the port has the internal port's
 * parity whenever a port of that parity is free, and a port is found
 * whenever any is free.
 */
static void test_parity_budget_count(void)
{
	unsigned int i, par, kept = 0, other = 0;
	struct sw_portset ps;
	uint16_t hint, port;
	uint32_t n;
	int rc;

	for (i = 0; i < 2000; i++) {
		ps = random_alternating_set();
		n = sw_portset_count(&ps);
		fill_random(&ps, i % 4 == 0 ? 100 - rnd() % 5 : rnd() % 101);
		/* half the hints in the set (possibly taken), half anywhere */
		hint = i & 1 ? sw_portset_nth(&ps, rnd() % n) : (uint16_t)rnd();
		par = hint & 1;
		rc = pick_checked(&ps, hint, rnd(), n + rnd() % 4, &port);
		if (free_of_parity(&ps, par, hint) ||
		    (sw_port_in_set(&ps, hint) && hint && !T.used[hint])) {
			CHECK(rc == 0 && (port & 1) == par,
			      "a=%u k=%u hint %u: rc %d port %u", ps.psid_offset,
			      ps.psid_len, hint, rc, port);
			kept++;
		} else if (free_of_parity(&ps, !par, hint)) {
			CHECK(rc == 0 && (port & 1) != par,
			      "only the other parity free: rc %d port %u", rc, port);
			other++;
		} else {
			CHECK(rc == -1, "nothing free: rc %d port %u", rc, port);
		}
	}
	printf("# %u picks kept parity, %u had only the other parity free\n",
	       kept, other);
	CHECK(kept > 500 && other > 20, "cases not covered: %u %u", kept, other);
}

/*
 * Any budget: the calls after the hint start with the hint's parity, at
 * least half of them (rounded up) or all the ports of that parity; the
 * other parity is asked only after those were all taken. Never over the
 * budget (pick_checked()).
 */
static void test_parity_half_budget_first(void)
{
	unsigned int i, c, par, first, hc, budget, want, same, reached = 0;
	struct sw_portset ps;
	uint16_t hint, port;
	uint32_t n;
	int rc;

	for (i = 0; i < 3000; i++) {
		ps = random_alternating_set();
		n = sw_portset_count(&ps);
		fill_random(&ps, rnd() % 101);
		hint = i & 1 ? sw_portset_nth(&ps, rnd() % n) : (uint16_t)rnd();
		par = hint & 1;
		budget = rnd() % (n + 8);
		rc = pick_checked(&ps, hint, rnd(), budget, &port);
		hc = hint && sw_port_in_set(&ps, hint) && budget;
		CHECK(!hc || T.log[0] == hint, "hint %u not asked first", hint);
		for (first = hc; first < T.calls; first++)
			if ((T.log[first] & 1) != par)
				break;
		for (c = first; c < T.calls; c++)
			CHECK((T.log[c] & 1) != par,
			      "hint's parity asked after the other's");
		if (first == T.calls)
			continue;	/* never reached the other parity */
		reached++;
		same = first - hc;
		want = askable_of_parity(&ps, par, hint);
		CHECK(same == want || same >= (budget - hc + 1) / 2,
		      "a=%u k=%u budget %u: %u of %u same-parity asks first",
		      ps.psid_offset, ps.psid_len, budget, same, want);
		CHECK(rc != 0 || (port & 1) != par, "found %u in phase 2", port);
	}
	printf("# %u picks reached the other parity\n", reached);
	CHECK(reached > 100, "other parity reached only %u times", reached);
}

/* Every port of the set has one parity: picks still work, within budget. */
static void test_parity_fixed_set(void)
{
	struct sw_portset ps = pset(6, 10, 0x35);	/* m = 0: all odd */
	uint32_t n = sw_portset_count(&ps), i;
	uint16_t port;

	CHECK(!alternating(&ps), "set alternates");
	clear_table();
	for (i = 0; i + 1 < n; i++) {
		CHECK(pick_checked(&ps, 40000, rnd(), n, &port) == 0 &&
		      (port & 1), "pick %u: port %u", i, port);
		T.used[port] = 1;
	}
}

static const struct tap_test tests[] = {
	{ "budget_never_exceeded_ports_valid", test_budget_and_validity },
	{ "empty_set_and_zero_budget", test_empty_and_zero_budget },
	{ "hint_preserved_when_free", test_hint },
	{ "last_free_port_of_240_with_budget_count", test_last_free_port },
	{ "port_zero_skipped_without_cost", test_port_zero_in_set },
	{ "budget_count_asks_every_port_once", test_full_permutation },
	{ "picks_cover_all_ranges_evenly", test_covers_all_ranges },
	{ "probes_and_picks_not_sequential", test_not_sequential },
	{ "stride_coprime_not_adjacent", test_stride },
	{ "rfc4787_req4_parity_kept_with_budget_count", test_parity_budget_count },
	{ "rfc4787_req4_parity_gets_half_budget_first", test_parity_half_budget_first },
	{ "rfc4787_req4_one_parity_set_still_picks", test_parity_fixed_set },
};

TAP_MAIN_SEEDED(tests)
