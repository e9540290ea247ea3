/* SPDX-License-Identifier: GPL-2.0 */
/*
 * softwire: the EIM/EIF NAPT of a MAP-E CE (RFC 4787, RFC 5382, RFC 5508,
 * RFC 7597 8.2). LAN (internal) address:port pairs are translated into the
 * CE's single IPv4 address and a port of its port set.
 *
 * Two indexes over one struct sw_mapping:
 *  - internal: siphash(proto, int_addr, int_port) with a boot-time key ->
 *    bucket (hlist_head + spinlock per bucket, RCU readers);
 *  - external: the CE owns one address, so the external key is just
 *    (proto, ext_port), and the index is an array of RCU pointers indexed
 *    by the port's ordinal in the port set (sw_portset_index()): O(1), no
 *    hashing, and "is this port free" for the allocator is a single load.
 *    A slot is claimed with cmpxchg(), so two CPUs never hand out one port.
 * ICMP echo uses the identifier as its "port" (RFC 5508 3.1, RFC 7597 8.2).
 *
 * Lifetime: mappings are freed after an RCU grace period (call_rcu(), so
 * that rcu_barrier() at module exit covers them on 6.1); callers of the
 * lookup functions hold rcu_read_lock() (the data path runs in softirq /
 * with BH disabled) and must not keep the pointer past it.
 *
 * Expiry: a per-instance delayed work scans a bounded slice of the external
 * arrays per run (never the whole table in one go, never in softirq).
 */
#ifndef SW_NAPT_H
#define SW_NAPT_H

#include <linux/types.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <linux/siphash.h>

#include "core/mapcalc.h"

struct sw_dev;
struct sk_buff;

enum sw_napt_proto { SW_NP_TCP, SW_NP_UDP, SW_NP_ICMP, SW_NP__MAX };

const char *sw_napt_proto_name(u8 proto);

/*
 * Inbound filtering (RFC 4787 5): SOFTWIRE_FILTER_* in the uapi. ADF and
 * APDF admit every remote endpoint a mapping has sent to while it lives
 * (RFC 4787 REQ-8): each is a record of a per-instance table (napt.c),
 * at most sw_napt_remotes_max() per instance; past that bound a new remote
 * is not remembered (counted, sw_napt_remotes_full()). The same records
 * carry the TCP state of each connection (RFC 5382 REQ-5, RFC 7857 2.2).
 */
struct sw_mapping {
	struct hlist_node int_node;	/* in the internal-key bucket */
	struct rcu_head rcu;
	__be32 int_addr;
	__be16 int_port;
	__be16 ext_port;
	u8 proto;			/* enum sw_napt_proto */
	u8 tcp_state;			/* last change of any connection's state */
	u8 flags;			/* SW_MAP_F_* */
	u32 id;				/* names its remote records; 0: none yet */
	atomic_t n_est;			/* connections in an established state */
	unsigned long last_used;	/* jiffies; READ_ONCE/WRITE_ONCE */
	unsigned long created;		/* jiffies */
	__be32 remote_addr;		/* the newest remote, for dumps; 0: none */
	__be16 remote_port;
};
#define SW_MAP_F_STATIC		(1u << 0)	/* static forward: never expires */
#define SW_MAP_F_DEAD		(1u << 1)	/* unlinked, waiting for RCU */

struct sw_napt_params {
	u32 timeout_udp;		/* seconds, >= 120 (RFC 4787 REQ-5) */
	u32 timeout_tcp_est;		/* seconds, >= 7440 (RFC 5382 REQ-5) */
	u32 timeout_tcp_trans;		/* seconds, >= 240 (RFC 5382 REQ-5) */
	u32 timeout_icmp;		/* seconds, >= 60 (RFC 5508 REQ-2) */
	u32 max_mappings;		/* per instance, all protocols */
	u32 max_per_host;		/* per LAN IPv4 address */
	u8 filter;			/* SOFTWIRE_FILTER_* */
};

struct sw_napt;		/* opaque: napt.c */

/* Module init / exit: the mapping slab cache (exit after every destroy). */
int sw_napt_init(void);
void sw_napt_exit(void);

/*
 * The most mappings the port set can hold: TCP, UDP and ICMP each have
 * their own space of sw_portset_count() ports (identifiers). The default,
 * and the useful maximum, of max_mappings: a lower value lets one
 * protocol's mappings refuse another's before its own ports run out.
 */
static inline u32 sw_napt_mappings_max(const struct sw_portset *ps)
{
	return SW_NP__MAX * sw_portset_count(ps);
}

/*
 * Defaults: SW_TIMEOUT_* of core/tcpstate.h, max_mappings =
 * sw_napt_mappings_max(), max_per_host = 0 (unlimited), EIF filtering.
 */
void sw_napt_params_default(struct sw_napt_params *p,
			    const struct sw_portset *ps);

/*
 * Create / destroy the table of an instance for its port set. Create
 * returns NULL when out of memory. Destroy: process context, once no
 * sw_napt_* call on t can be running or start (e.g. from the netdev's
 * priv_destructor); what RCU readers may still see is freed after a grace
 * period.
 */
struct sw_napt *sw_napt_create(const struct sw_portset *ps,
			       const struct sw_napt_params *p);
void sw_napt_destroy(struct sw_napt *t);	/* process context */
void sw_napt_set_params(struct sw_napt *t, const struct sw_napt_params *p);

/*
 * Outbound (LAN -> WAN): the mapping of (proto, int_addr, int_port), created
 * when absent (EIM: the same mapping for every destination, RFC 4787 REQ-1;
 * port preserved when in the set and free, else a random pick over the whole
 * set, RFC 6056). Records (daddr, dport) as a remote for ADF/APDF and
 * refreshes the timer. Returns NULL with *why set (a SW_DROP_* reason) when
 * the set, the instance limit or the per-host limit is exhausted: existing
 * mappings are never evicted.
 */
struct sw_mapping *sw_napt_out(struct sw_napt *t, u8 proto, __be32 int_addr,
			       __be16 int_port, __be32 daddr, __be16 dport,
			       int *why);

/*
 * Inbound (WAN -> LAN): the mapping owning (proto, ext_port) if the filter
 * lets (saddr, sport) in (EIF by default, RFC 4787 REQ-8). NULL with *why.
 */
struct sw_mapping *sw_napt_in(struct sw_napt *t, u8 proto, __be16 ext_port,
			      __be32 saddr, __be16 sport, int *why);

/* Lookup without creating, filtering or refreshing (LAN ICMP errors, hairpin). */
struct sw_mapping *sw_napt_lookup_int(struct sw_napt *t, u8 proto,
				      __be32 int_addr, __be16 int_port);

/*
 * Timer refresh for a packet seen on m, and for TCP the state of its
 * connection with the remote (raddr, rport): from the remote when inbound,
 * to it when outbound. A segment of a connection the mapping has no record
 * of (a remote never sent to) changes no state (RFC 5382 REQ-5, RFC 7857
 * 2.2: a RST or FIN from another host cannot end the connection).
 */
void sw_napt_touch(struct sw_napt *t, struct sw_mapping *m, __be32 raddr,
		   __be16 rport, u8 tcp_flags, bool outbound);

/*
 * The TCP state shown for m: established while any of its connections is
 * (the mapping then has the established timeout), else the last change.
 */
u8 sw_napt_tcp_state(const struct sw_mapping *m);

/* Static forwards (process context, config lock held). */
int sw_napt_forward_add(struct sw_napt *t, u8 proto, __be16 ext_port,
			__be32 int_addr, __be16 int_port, const char **why);
int sw_napt_forward_del(struct sw_napt *t, u8 proto, __be16 ext_port);

/*
 * Iterate for dumps: calls fn for each live mapping starting at *pos (an
 * opaque cursor, 0 to start); stops early when fn returns non-zero and
 * leaves *pos so the next call resumes with that mapping. Under RCU.
 */
int sw_napt_walk(struct sw_napt *t, unsigned long *pos,
		 int (*fn)(const struct sw_mapping *m, void *arg), void *arg);
u32 sw_napt_count(const struct sw_napt *t);	/* forwards included */
u32 sw_napt_count_static(const struct sw_napt *t);	/* forwards only */
u32 sw_napt_remotes(const struct sw_napt *t);	/* remote records held */
u64 sw_napt_remotes_full(const struct sw_napt *t);	/* not remembered */
u32 sw_napt_remotes_max(const struct sw_napt *t);

#endif /* SW_NAPT_H */
