// SPDX-License-Identifier: GPL-2.0
/*
 * Bounded external-port choice for the MAP CE NAPT (see portpick.h).
 *
 * Why not nf_nat's linear probing: linear probing from a random start hands
 * out adjacent ports to successive mappings once the start lands in a busy
 * region, which makes the next external port predictable (RFC 6056 2.1,
 * 3.3.1). Probing with a random stride s coprime with count instead visits
 * start, start+s, start+2s, ... (mod count): a permutation of all ordinals,
 * so with budget >= count the last free port is always found, and each
 * step is a fixed O(1) cost (sw_portset_nth), as softirq context requires.
 *
 * Port parity (RFC 4787 REQ-4): the walk is split in two, the ports of the
 * hint's parity (every other ordinal) first, then the others, each a
 * permutation of its half with its own random start and stride. Both
 * together still ask each port of the set at most once.
 */
#include "portpick.h"

/* Euclid; at most ~24 iterations for 17-bit operands, no recursion. */
static uint32_t gcd(uint32_t a, uint32_t b)
{
	while (b) {
		uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/*
 * Bound on the walk to the next coprime: the Jacobsthal function j(n) is
 * <= 22 for every n <= 65536, so 64 steps always find one; stride 1 (always
 * coprime) remains as a defensive fallback.
 */
#define STRIDE_TRIES	64

uint32_t sw_port_pick_stride(uint32_t count, uint32_t rnd)
{
	uint32_t span, s, i;

	if (count < 5)
		return 1;	/* every coprime stride is +-1 here anyway */
	span = count - 3;	/* strides 2 .. count - 2 */
	s = (rnd >> 16) % span;
	for (i = 0; i < STRIDE_TRIES; i++) {
		if (gcd(s + 2, count) == 1)
			return s + 2;
		s = s + 1 == span ? 0 : s + 1;
	}
	return 1;
}

/* One pick in progress: what has been asked so far, against the budget. */
struct walk {
	const struct sw_portset *ps;
	uint32_t count;
	uint16_t skip;		/* the hint when it was asked already, else 0 */
	unsigned int calls;
	sw_port_taken_fn taken;
	void *ctx;
	bool probed;		/* last is valid */
	uint32_t last;		/* ordinal of the last port asked about */
};

/* Ask taken() about port, charging the budget. */
static bool try_port(struct walk *w, uint16_t port, uint32_t ord)
{
	w->calls++;
	w->probed = true;
	w->last = ord;
	return !w->taken(w->ctx, port);
}

/* ord is next to the last ordinal asked about (mod count). */
static bool next_to_last(const struct walk *w, uint32_t ord)
{
	uint32_t d = ord >= w->last ? ord - w->last : w->last - ord;

	return w->probed && (d == 1 || d == w->count - 1);
}

/*
 * Probe the ordinals base + step * h, h < len, in the order h = start,
 * start + stride, ... (mod len): each once, until one is free or the
 * calls reach limit. Port 0 and the hint cost nothing and are never
 * returned. step 2 walks one parity of the set (see sw_port_pick()).
 */
static int walk(struct walk *w, uint32_t base, uint32_t step, uint32_t len,
		uint32_t rnd, unsigned int limit, uint16_t *out)
{
	uint32_t h, stride, i, ord;
	uint16_t port;

	if (!len)
		return -1;
	h = rnd % len;
	stride = sw_port_pick_stride(len, rnd);
	/* the walk before this one may have ended next to our start */
	if (len >= 5 && next_to_last(w, base + step * h))
		h = h + stride >= len ? h + stride - len : h + stride;
	for (i = 0; i < len && w->calls < limit; i++) {
		ord = base + step * h;
		port = sw_portset_nth(w->ps, ord);
		if (port != 0 && port != w->skip && try_port(w, port, ord)) {
			*out = port;
			return 0;
		}
		h = h + stride >= len ? h + stride - len : h + stride;
	}
	return -1;
}

/*
 * The set's ports alternate parity with their ordinal: true unless every
 * port has the same parity (no contiguous bits, m = 0, and a PSID: then
 * the PSID's low bit is every port's low bit). With m >= 1 a block of
 * 2^m ports starts even, so ordinal and port parity agree throughout;
 * with a = 16, k = 0 port = ordinal + 1.
 */
static bool parity_alternates(const struct sw_portset *ps, uint32_t count)
{
	return count >= 2 &&
	       ((sw_portset_nth(ps, 0) ^ sw_portset_nth(ps, 1)) & 1);
}

/* A second, independent-looking draw from the same 32 bits (bijective). */
static uint32_t redraw(uint32_t rnd)
{
	return rnd * 0x9e3779b1u;
}

int sw_port_pick(const struct sw_portset *ps, uint16_t hint, uint32_t rnd,
		 unsigned int budget, sw_port_taken_fn taken, void *ctx,
		 uint16_t *out)
{
	struct walk w = { .ps = ps, .count = sw_portset_count(ps),
			  .taken = taken, .ctx = ctx };
	uint32_t off, n1, n2, left, share;

	if (!w.count || !budget)
		return -1;
	/* RFC 4787 4.2.1: port preservation when the hint is free */
	if (hint != 0 && sw_port_in_set(ps, hint)) {
		w.skip = hint;
		if (try_port(&w, hint, (uint32_t)sw_portset_index(ps, hint))) {
			*out = hint;
			return 0;
		}
	}
	if (!parity_alternates(ps, w.count))
		return walk(&w, 0, 1, w.count, rnd, budget, out);
	/*
	 * RFC 4787 REQ-4 (port parity preservation, RECOMMENDED): the
	 * ordinals of the hint's parity first (off, off + 2, ...), with the
	 * budget they need when the budget covers the whole set, else at
	 * least half of what is left, so a set whose one parity is full
	 * still finds the other within budget.
	 */
	off = (sw_portset_nth(ps, 0) ^ hint) & 1;
	n1 = (w.count - off + 1) / 2;
	n2 = w.count - n1;
	left = budget - w.calls;
	share = left > n2 ? left - n2 : 0;
	if (share < left - left / 2)
		share = left - left / 2;
	if (!walk(&w, off, 2, n1, rnd, w.calls + share, out))
		return 0;
	return walk(&w, off ^ 1, 2, n2, redraw(rnd), budget, out);
}
