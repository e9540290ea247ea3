/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Bounded choice of an external port (or ICMP echo identifier) from the
 * CE's MAP port set for the endpoint-independent NAPT. Pure C: compiled
 * into softwire.ko (called in softirq) and into unit tests and fuzzers.
 */
#ifndef SW_CORE_PORTPICK_H
#define SW_CORE_PORTPICK_H

#include "sw_types.h"
#include "mapcalc.h"

/*
 * Returns true when port is already in use (held by another mapping of the
 * same protocol). Called with whatever lock the caller holds; must not sleep.
 */
typedef bool (*sw_port_taken_fn)(void *ctx, uint16_t port);

/*
 * Choose a free port of *ps.
 *
 * RFC 4787 4.2.1 (port preservation MAY be attempted; REQ-3 forbids
 * port overloading, which the taken() check rules out): first try hint,
 * the internal source port, when it is in the set. Otherwise probe the
 * ordinal space 0 .. count-1 of the set (RFC 7597 5.1, through
 * sw_portset_nth(), so every range of the set is reachable) from a random
 * start with a random stride coprime with the space (RFC 6056 2.1, 3:
 * unpredictable ephemeral ports); see portpick.c.
 *
 * RFC 4787 REQ-4 (port parity preservation, RECOMMENDED): the ports of the
 * hint's parity are probed first, and get all the budget they need when
 * the budget covers the set (then a port of the hint's parity is returned
 * whenever one is free), else at least half of it (rounded up, after the
 * hint), so that a set whose one parity is full still yields a port of the
 * other. Sets whose ports all have one parity (no contiguous bits) cannot
 * preserve it and are probed in one walk.
 *
 * rnd: 32 random bits (get_random_u32() in the module). The low bits pick
 * the start ordinal, the high 16 bits the stride.
 * budget: maximum number of taken() calls in total, hint included.
 *
 * Returns 0 with *out set to a port in the set, never 0, for which taken()
 * returned false; -1 when the set is empty/invalid or the budget is spent.
 *
 * ICMP: RFC 7597 8.2 - the CE's NAT44 MUST rewrite the ICMP Identifier
 * to a value from its port set, so echo identifiers are chosen with this
 * same function (hint = the internal identifier; a separate taken() over
 * the ICMP mapping table, since RFC 5508 3.1 keys queries per protocol).
 */
int sw_port_pick(const struct sw_portset *ps, uint16_t hint, uint32_t rnd,
		 unsigned int budget, sw_port_taken_fn taken, void *ctx,
		 uint16_t *out);

/*
 * The stride sw_port_pick() uses for count ports and random bits rnd:
 * coprime with count (so count steps visit every ordinal exactly once) and,
 * when count >= 5, in [2, count - 2] so consecutive probes are never
 * adjacent ports of a range. Exposed for the unit tests.
 */
uint32_t sw_port_pick_stride(uint32_t count, uint32_t rnd);

#endif /* SW_CORE_PORTPICK_H */
