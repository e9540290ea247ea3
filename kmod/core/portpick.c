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

/* Ask taken() about port, charging the budget. */
static bool try_port(uint16_t port, unsigned int *calls,
		     sw_port_taken_fn taken, void *ctx)
{
	(*calls)++;
	return !taken(ctx, port);
}

int sw_port_pick(const struct sw_portset *ps, uint16_t hint, uint32_t rnd,
		 unsigned int budget, sw_port_taken_fn taken, void *ctx,
		 uint16_t *out)
{
	uint32_t count = sw_portset_count(ps);
	uint32_t ord, stride, i;
	unsigned int calls = 0;
	bool hint_ok;
	uint16_t port;

	if (!count || !budget)
		return -1;
	/* RFC 4787 4.2.1: port preservation when the hint is free */
	hint_ok = hint != 0 && sw_port_in_set(ps, hint);
	if (hint_ok && try_port(hint, &calls, taken, ctx)) {
		*out = hint;
		return 0;
	}
	ord = rnd % count;
	stride = sw_port_pick_stride(count, rnd);
	/* count steps of a stride coprime with count visit each ordinal once */
	for (i = 0; i < count && calls < budget; i++) {
		port = sw_portset_nth(ps, ord);
		/* port 0 is never valid; the hint was already asked about */
		if (port != 0 && !(hint_ok && port == hint) &&
		    try_port(port, &calls, taken, ctx)) {
			*out = port;
			return 0;
		}
		ord += stride;
		if (ord >= count)
			ord -= count;
	}
	return -1;
}
