// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: the EIM/EIF NAPT table of an instance (see napt.h).
 *
 * Invariant: a mapping that is not SW_MAP_F_DEAD is linked both in its
 * internal bucket and in its external slot, and only the holder of its
 * internal bucket's lock unlinks it (setting DEAD, clearing the slot).
 * Slots go from NULL to a mapping only by cmpxchg(), so two CPUs never
 * hand out one port (RFC 4787 REQ-3: no port overloading), and from a
 * mapping to NULL only by that unlink.
 *
 * Locks: internal bucket locks (BH-safe) may be followed by a per-host
 * counter lock or a remote bucket lock (one at a time); the GC holds a
 * remote-port bucket lock while it takes a remote-address one. Each table
 * has its own lock class, so lockdep checks exactly this order. A second
 * internal bucket lock is only ever *tried* (reclaiming an expired port
 * while allocating), never waited for, so there is no ordering between
 * internal bucket locks. Readers take no lock.
 *
 * Expiry is lazy: every lookup treats an expired mapping as absent; the
 * allocator reclaims an expired mapping when it wants its port, the
 * outbound path revives one whose internal key comes back, and a delayed
 * work frees the rest, GC_SLICE slots per protocol per second.
 *
 * Remotes (ADF/APDF, per-connection TCP state): a record per (mapping,
 * remote address, remote port) the mapping has sent to, in two tables:
 * by (id, address, port) for APDF and TCP, by (id, address) for ADF. A
 * mapping names its records by an id that is never reused while they may
 * exist; unlinking or reviving the mapping leaves them stale, and the GC
 * frees stale records, GC_SLICE remote buckets per second. Nothing walks
 * a mapping's records in softirq.
 *
 * Memory (x86_64, no lockdep): a mapping is one 80-byte object of the
 * "softwire_mapping" cache (51 per 4 KiB slab page), plus per port of the
 * set 3 slot pointers (24 bytes) and about one 16-byte internal bucket,
 * plus one 24-byte kmalloc-32 counter per active LAN host: about
 * 80 + 24 + 16 = 120 bytes per mapping with as many mappings as ports.
 * A remote endpoint is one 72-byte "softwire_remote" object; the two
 * remote tables take 8 bytes per remote the instance may hold.
 */
#include <linux/jiffies.h>
#include <linux/log2.h>
#include <linux/memcontrol.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "softwire.h"
#include "core/portpick.h"
#include "core/tcpstate.h"

#define GC_INTERVAL	HZ
/*
 * Slots per protocol per GC run: a full pass over the largest set (64512
 * ports) takes 16 s, a fraction of the shortest timeout (ICMP, 60 s).
 */
#define GC_SLICE	4096
/*
 * taken() calls per allocation: exhaustive for sets of up to 256 ports
 * (k >= 8 with a = 6, the usual MAP-E sharing ratios), O(1) each.
 */
#define PICK_BUDGET	256
#define HOST_BUCKETS_MIN	16
#define HOST_BUCKETS_MAX	1024
/*
 * Remote records per instance: 16 per port of the set, at least 1024, at
 * most 65536 (72 bytes each on x86_64: under 5 MiB, charged to the
 * memory cgroup of whoever created the instance). A port set of 1024
 * ports gets 16384.
 */
#define REMOTES_PER_PORT	16
#define REMOTES_MIN		1024
#define REMOTES_MAX		65536

struct bucket {
	struct hlist_head head;
	spinlock_t lock;
};

/*
 * A remote endpoint a mapping has sent to, and the TCP state of the
 * connection with it. Immutable but for tcp_state once published.
 */
struct remote {
	struct hlist_node pnode;	/* remote-port bucket: id, addr, port */
	struct hlist_node anode;	/* remote-address bucket: id, addr */
	struct rcu_head rcu;
	u32 id;				/* the mapping's */
	__be32 addr;
	__be16 port;			/* 0 for ICMP */
	__be16 ext_port;		/* with proto: the mapping's slot (GC) */
	u8 proto;
	u32 tcp_state;			/* enum sw_tcp_state; cmpxchg() */
};

/* Mappings of one LAN address (max_per_host). Only used under its lock. */
struct host {
	struct hlist_node node;
	__be32 addr;
	u32 count;
};

struct sw_napt {
	struct sw_portset ps;
	u32 nports;			/* sw_portset_count(&ps), <= 65536 */
	u32 bmask;			/* internal buckets - 1 */
	u32 hmask;			/* host buckets - 1 */
	struct bucket *buckets;
	struct bucket *hosts;
	struct bucket *rports;		/* struct remote by pnode */
	struct bucket *raddrs;		/* struct remote by anode */
	u32 rmask;			/* remote buckets - 1 (each table) */
	u32 max_remotes;
	struct sw_mapping __rcu **slots[SW_NP__MAX];	/* by port ordinal */
	atomic_t ndyn;			/* dynamic mappings, expired included */
	atomic_t nstatic;		/* static forwards */
	atomic_t nremotes;		/* remote records, stale included */
	atomic_t next_id;		/* mapping ids */
	atomic64_t remotes_full;	/* remotes not remembered */
	struct mem_cgroup *memcg;	/* charged for remote records */

	/* sw_napt_set_params(); read locklessly */
	unsigned long tmo_udp, tmo_icmp, tmo_est, tmo_trans;	/* jiffies */
	u32 max_mappings;
	u32 max_per_host;
	u8 filter;

	u32 gc_pos;			/* next ordinal to scan; GC work only */
	u32 rgc_pos;			/* next remote bucket to scan; GC only */
	struct delayed_work gc;
	struct rcu_head rcu;
};

static struct kmem_cache *mapping_cache __read_mostly;
static struct kmem_cache *remote_cache __read_mostly;
/* one lock class per table: see "Locks" above */
static struct lock_class_key int_lock_key, host_lock_key, rport_lock_key,
			     raddr_lock_key;
static siphash_key_t napt_key __read_mostly;

const char *sw_napt_proto_name(u8 proto)
{
	static const char * const names[SW_NP__MAX] = {
		[SW_NP_TCP] = "tcp", [SW_NP_UDP] = "udp", [SW_NP_ICMP] = "icmp",
	};

	return proto < SW_NP__MAX ? names[proto] : "?";
}

/* --- Parameters, keys and expiry --------------------------------------- */

void sw_napt_params_default(struct sw_napt_params *p,
			    const struct sw_portset *ps)
{
	p->timeout_udp = SW_TIMEOUT_UDP;
	p->timeout_tcp_est = SW_TIMEOUT_TCP_EST;
	p->timeout_tcp_trans = SW_TIMEOUT_TCP_TRANS;
	p->timeout_icmp = SW_TIMEOUT_ICMP;
	p->max_mappings = sw_napt_mappings_max(ps);
	p->max_per_host = 0;		/* unlimited */
	p->filter = SOFTWIRE_FILTER_EIF;	/* RFC 4787 REQ-8 recommends EIF */
}

/* Seconds to jiffies, short enough for time_after() to compare. */
static unsigned long secs(u32 s)
{
	return min_t(unsigned long, max(s, 1u), MAX_JIFFY_OFFSET / HZ) * HZ;
}

void sw_napt_set_params(struct sw_napt *t, const struct sw_napt_params *p)
{
	WRITE_ONCE(t->tmo_udp, secs(p->timeout_udp));
	WRITE_ONCE(t->tmo_icmp, secs(p->timeout_icmp));
	WRITE_ONCE(t->tmo_est, secs(p->timeout_tcp_est));
	WRITE_ONCE(t->tmo_trans, secs(p->timeout_tcp_trans));
	WRITE_ONCE(t->max_mappings, p->max_mappings);
	WRITE_ONCE(t->max_per_host, p->max_per_host);
	WRITE_ONCE(t->filter, p->filter);
}

static struct bucket *int_bucket(const struct sw_napt *t, u8 proto,
				 __be32 addr, __be16 port)
{
	u64 h = siphash_2u32((__force u32)addr,
			     (u32)proto << 16 | (__force u16)port, &napt_key);

	return &t->buckets[h & t->bmask];
}

static struct bucket *bucket_of(const struct sw_napt *t,
				const struct sw_mapping *m)
{
	return int_bucket(t, m->proto, m->int_addr, m->int_port);
}

/* The external slot of port, NULL when the port is not in the set. */
static struct sw_mapping __rcu **slot_of(const struct sw_napt *t, u8 proto,
					 u16 port)
{
	s32 ord = sw_portset_index(&t->ps, port);

	return ord < 0 ? NULL : &t->slots[proto][ord];
}

/* RFC 4787 REQ-5, RFC 5382 REQ-5, RFC 5508 REQ-2 (values from params). */
static unsigned long timeout(const struct sw_napt *t,
			     const struct sw_mapping *m)
{
	switch (m->proto) {
	case SW_NP_TCP:
		/* established while any of its connections is */
		if (atomic_read(&m->n_est) > 0)
			return READ_ONCE(t->tmo_est);
		return READ_ONCE(t->tmo_trans);
	case SW_NP_UDP:
		return READ_ONCE(t->tmo_udp);
	default:
		return READ_ONCE(t->tmo_icmp);
	}
}

static bool expired(const struct sw_napt *t, const struct sw_mapping *m,
		    unsigned long now)
{
	if (READ_ONCE(m->flags) & SW_MAP_F_STATIC)
		return false;
	return time_after(now, READ_ONCE(m->last_used) + timeout(t, m));
}

/* What a lookup may return: linked and not expired. */
static bool live(const struct sw_napt *t, const struct sw_mapping *m,
		 unsigned long now)
{
	return !(READ_ONCE(m->flags) & SW_MAP_F_DEAD) && !expired(t, m, now);
}

/* Refresh without dirtying the cache line more than once a jiffy. */
static void refresh(struct sw_mapping *m, unsigned long now)
{
	if (READ_ONCE(m->last_used) != now)
		WRITE_ONCE(m->last_used, now);
}

/* --- Per-host counters (max_per_host) ---------------------------------- */

static struct bucket *host_bucket(const struct sw_napt *t, __be32 addr)
{
	return &t->hosts[siphash_1u32((__force u32)addr, &napt_key) & t->hmask];
}

static struct host *host_find(struct bucket *hb, __be32 addr)
{
	struct host *h;

	hlist_for_each_entry(h, &hb->head, node)
		if (h->addr == addr)
			return h;
	return NULL;
}

/* Count one more mapping for addr. 0 or a SW_DROP_* reason. BH off. */
static int host_get(struct sw_napt *t, __be32 addr)
{
	struct bucket *hb = host_bucket(t, addr);
	u32 max = READ_ONCE(t->max_per_host);
	struct host *h;
	int why = 0;

	spin_lock(&hb->lock);
	h = host_find(hb, addr);
	if (h && max && h->count >= max) {
		why = SW_DROP_LIMIT_HOST;
	} else if (h) {
		h->count++;
	} else {
		h = kmalloc(sizeof(*h), GFP_ATOMIC);
		if (h) {
			h->addr = addr;
			h->count = 1;
			hlist_add_head(&h->node, &hb->head);
		} else {
			why = SW_DROP_NO_MEMORY;
		}
	}
	spin_unlock(&hb->lock);
	return why;
}

static void host_put(struct sw_napt *t, __be32 addr)
{
	struct bucket *hb = host_bucket(t, addr);
	struct host *h;

	spin_lock(&hb->lock);
	h = host_find(hb, addr);
	if (!WARN_ON_ONCE(!h) && !--h->count) {
		hlist_del(&h->node);
		kfree(h);
	}
	spin_unlock(&hb->lock);
}

/* --- Linking and unlinking --------------------------------------------- */

static void mapping_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(mapping_cache, container_of(head, struct sw_mapping, rcu));
}

/*
 * call_rcu() rather than kfree_rcu(): before v6.12 ("rcu/kvfree: Add
 * kvfree_rcu_barrier() API") nothing waits for kfree_rcu()'s batches, so
 * the cache could not be destroyed safely at module exit; rcu_barrier()
 * does wait for call_rcu() callbacks.
 */
static void mapping_free(struct sw_mapping *m)
{
	call_rcu(&m->rcu, mapping_free_rcu);
}

/* The mapping's internal bucket lock held, BH off. */
static void unlink_locked(struct sw_napt *t, struct sw_mapping *m)
{
	struct sw_mapping __rcu **slot = slot_of(t, m->proto, ntohs(m->ext_port));

	WRITE_ONCE(m->flags, m->flags | SW_MAP_F_DEAD);
	hlist_del_rcu(&m->int_node);
	if (!WARN_ON_ONCE(!slot || rcu_access_pointer(*slot) != m))
		RCU_INIT_POINTER(*slot, NULL);
	if (m->flags & SW_MAP_F_STATIC) {
		atomic_dec(&t->nstatic);
	} else {
		atomic_dec(&t->ndyn);
		host_put(t, m->int_addr);
	}
	mapping_free(m);
}

enum reap_result { REAP_DONE, REAP_LIVE, REAP_BUSY };

/* m's bucket lock held. DONE also when someone else unlinked m first. */
static enum reap_result reap_locked(struct sw_napt *t, struct sw_mapping *m,
				    unsigned long now)
{
	if (m->flags & SW_MAP_F_DEAD)
		return REAP_DONE;
	if (!expired(t, m, now))
		return REAP_LIVE;
	unlink_locked(t, m);
	return REAP_DONE;
}

/*
 * Unlink m if it has expired. The caller holds bucket "held" (BH off, RCU
 * read side); m's bucket, when another, is only tried.
 */
static enum reap_result reap(struct sw_napt *t, struct sw_mapping *m,
			     struct bucket *held, unsigned long now)
{
	struct bucket *b = bucket_of(t, m);
	enum reap_result r;

	if (!expired(t, m, now))
		return REAP_LIVE;
	if (b == held)
		return reap_locked(t, m, now);
	if (!spin_trylock(&b->lock))
		return REAP_BUSY;
	r = reap_locked(t, m, now);
	spin_unlock(&b->lock);
	return r;
}

/* Lookup in a bucket: under RCU, or with its lock held. */
static struct sw_mapping *find(struct bucket *b, u8 proto, __be32 addr,
			       __be16 port)
{
	struct sw_mapping *m;

	hlist_for_each_entry_rcu(m, &b->head, int_node,
				 lockdep_is_held(&b->lock)) {
		if (m->int_addr == addr && m->int_port == port &&
		    m->proto == proto && !(READ_ONCE(m->flags) & SW_MAP_F_DEAD))
			return m;
	}
	return NULL;
}

/* --- Remote endpoints (ADF/APDF, TCP connections) ---------------------- */

static struct bucket *rport_bucket(const struct sw_napt *t, u32 id,
				   __be32 addr, __be16 port)
{
	u64 h = siphash_3u32(id, (__force u32)addr, (__force u16)port,
			     &napt_key);

	return &t->rports[h & t->rmask];
}

static struct bucket *raddr_bucket(const struct sw_napt *t, u32 id,
				   __be32 addr)
{
	return &t->raddrs[siphash_2u32(id, (__force u32)addr, &napt_key) &
			  t->rmask];
}

/* ICMP remotes have no port (an echo's identifier names our side). */
static __be16 rport_of(u8 proto, __be16 port)
{
	return proto == SW_NP_ICMP ? 0 : port;
}

/* The record of (id, addr, port). RCU, or that bucket's lock held. */
static struct remote *remote_find(const struct sw_napt *t, u32 id,
				  __be32 addr, __be16 port)
{
	struct bucket *b = rport_bucket(t, id, addr, port);
	struct remote *r;

	hlist_for_each_entry_rcu(r, &b->head, pnode, lockdep_is_held(&b->lock))
		if (r->id == id && r->addr == addr && r->port == port)
			return r;
	return NULL;
}

/* Any record of (id, addr): one bucket walk, whatever the ports. RCU. */
static bool remote_addr_known(const struct sw_napt *t, u32 id, __be32 addr)
{
	struct remote *r;

	hlist_for_each_entry_rcu(r, &raddr_bucket(t, id, addr)->head, anode)
		if (r->id == id && r->addr == addr)
			return true;
	return false;
}

static bool has_remote(const struct sw_napt *t, const struct sw_mapping *m,
		       __be32 addr, __be16 port, bool match_port)
{
	u32 id = READ_ONCE(m->id);

	if (!id)
		return false;
	if (!match_port)
		return remote_addr_known(t, id, addr);
	return !!remote_find(t, id, addr, rport_of(m->proto, port));
}

/*
 * A new record, within the instance's bound, charged to the memory cgroup
 * of the instance's creator (softirq has no task to charge).
 */
static struct remote *remote_alloc(struct sw_napt *t)
{
	struct mem_cgroup *old;
	struct remote *r;

	if ((u32)atomic_inc_return(&t->nremotes) > t->max_remotes)
		goto full;
	old = set_active_memcg(t->memcg);
	r = kmem_cache_alloc(remote_cache,
			     GFP_ATOMIC | __GFP_ACCOUNT | __GFP_NOWARN);
	set_active_memcg(old);
	if (r)
		return r;
full:
	atomic_dec(&t->nremotes);
	atomic64_inc(&t->remotes_full);
	return NULL;
}

static void remote_free_rcu(struct rcu_head *head)
{
	kmem_cache_free(remote_cache, container_of(head, struct remote, rcu));
}

/* A mapping id; 0 stays "none". Its internal bucket lock held. */
static u32 mapping_id_locked(struct sw_napt *t, struct sw_mapping *m)
{
	u32 id = m->id;

	while (!id)
		id = (u32)atomic_inc_return(&t->next_id);
	WRITE_ONCE(m->id, id);
	return id;
}

/*
 * Record a new remote of m (its internal bucket lock held, m linked).
 * The tables' locks are taken one after the other, never nested here.
 */
static void remember_locked(struct sw_napt *t, struct sw_mapping *m,
			    __be32 addr, __be16 port)
{
	u32 id = mapping_id_locked(t, m);
	struct remote *r;
	struct bucket *b;

	port = rport_of(m->proto, port);
	if (remote_find(t, id, addr, port))
		return;
	r = remote_alloc(t);
	if (!r)
		return;	/* counted: its replies meet ADF/APDF as strangers */
	r->id = id;
	r->addr = addr;
	r->port = port;
	r->ext_port = m->ext_port;
	r->proto = m->proto;
	r->tcp_state = SW_TCP_NONE;
	b = rport_bucket(t, id, addr, port);
	spin_lock(&b->lock);
	hlist_add_head_rcu(&r->pnode, &b->head);
	spin_unlock(&b->lock);
	b = raddr_bucket(t, id, addr);
	spin_lock(&b->lock);
	hlist_add_head_rcu(&r->anode, &b->head);
	spin_unlock(&b->lock);
	WRITE_ONCE(m->remote_addr, addr);
	WRITE_ONCE(m->remote_port, port);
	if (!delayed_work_pending(&t->gc))
		queue_delayed_work(system_power_efficient_wq, &t->gc,
				   GC_INTERVAL);
}

/*
 * RFC 4787 REQ-8 (ADF/APDF): inbound packets are matched against the
 * destinations the mapping sent to. A known remote costs no lock.
 */
static void remember(struct sw_napt *t, struct bucket *b, struct sw_mapping *m,
		     __be32 addr, __be16 port)
{
	if (has_remote(t, m, addr, port, true))
		return;
	spin_lock_bh(&b->lock);
	if (!(m->flags & SW_MAP_F_DEAD))
		remember_locked(t, m, addr, port);
	spin_unlock_bh(&b->lock);
}

/*
 * Stale: its mapping is gone or revived (another id in the slot). RCU.
 * Staleness is for good: ids are not reused while records may exist.
 */
static bool remote_stale(const struct sw_napt *t, const struct remote *r)
{
	struct sw_mapping __rcu **slot = slot_of(t, r->proto,
						 ntohs(r->ext_port));
	struct sw_mapping *m = slot ? rcu_dereference(*slot) : NULL;

	return !m || READ_ONCE(m->id) != r->id ||
	       (READ_ONCE(m->flags) & SW_MAP_F_DEAD);
}

/* Free the stale records of one remote-port bucket. GC work. */
static void remote_gc_bucket(struct sw_napt *t, struct bucket *b)
{
	struct hlist_node *tmp;
	struct bucket *ab;
	struct remote *r;

	rcu_read_lock();
	spin_lock_bh(&b->lock);
	hlist_for_each_entry_safe(r, tmp, &b->head, pnode) {
		if (!remote_stale(t, r))
			continue;
		hlist_del_rcu(&r->pnode);
		ab = raddr_bucket(t, r->id, r->addr);
		spin_lock(&ab->lock);
		hlist_del_rcu(&r->anode);
		spin_unlock(&ab->lock);
		atomic_dec(&t->nremotes);
		call_rcu(&r->rcu, remote_free_rcu);
	}
	spin_unlock_bh(&b->lock);
	rcu_read_unlock();
}

/*
 * RFC 5382 REQ-5, RFC 7857 2.2: TCP state is per connection, and only
 * segments of that connection (to or from its remote) change it. The
 * mapping counts its connections in an established-class state.
 */
static void tcp_track(struct sw_napt *t, struct sw_mapping *m, __be32 raddr,
		      __be16 rport, u8 tcp_flags, bool outbound)
{
	u32 id = READ_ONCE(m->id);
	struct remote *r;
	u32 old, new;
	int delta;

	if (!id)
		return;
	r = remote_find(t, id, raddr, rport);
	if (!r)
		return;	/* not a connection of this mapping's */
	old = READ_ONCE(r->tcp_state);
	new = sw_tcp_next(old, tcp_flags, outbound);
	/* a racing CPU may win; the next segment redoes a lost transition */
	if (new == old || cmpxchg(&r->tcp_state, old, new) != old)
		return;
	WRITE_ONCE(m->tcp_state, new);
	delta = sw_tcp_est_delta(old, new);
	/* a revived mapping (new id) starts its count afresh */
	if (delta && READ_ONCE(m->id) == id)
		atomic_add(delta, &m->n_est);
}

u8 sw_napt_tcp_state(const struct sw_mapping *m)
{
	u8 s = READ_ONCE(m->tcp_state);

	if (atomic_read(&m->n_est) > 0 &&
	    sw_tcp_timeout_class(s) != SW_TIMEOUT_ESTABLISHED)
		return SW_TCP_ESTABLISHED;
	return s;
}

/* --- Outbound: find or create ------------------------------------------ */

struct claim {
	struct sw_napt *t;
	struct sw_mapping *m;
	struct bucket *held;
	unsigned long now;
};

/*
 * sw_port_pick()'s taken(): a port is free when its slot is empty or holds
 * an expired mapping we can reclaim, and we win the cmpxchg that claims it
 * for c->m. sw_port_pick() returns the first port taken() says is free,
 * so exactly one slot is claimed on success and none on failure.
 */
static bool claim_taken(void *ctx, u16 port)
{
	struct claim *c = ctx;
	struct sw_mapping __rcu **slot = slot_of(c->t, c->m->proto, port);
	struct sw_mapping *cur;

	if (WARN_ON_ONCE(!slot))
		return true;
	cur = rcu_dereference(*slot);
	if (cur && reap(c->t, cur, c->held, c->now) != REAP_DONE)
		return true;
	c->m->ext_port = htons(port);
	/* fully ordered: m is initialised before readers can see it */
	return cmpxchg(slot, NULL, RCU_INITIALIZER(c->m)) != NULL;
}

/* Reuse an expired mapping of the same internal key, and its port. */
static void revive_locked(struct sw_mapping *m, unsigned long now)
{
	/* a new id on the next remote: the old records go stale */
	WRITE_ONCE(m->id, 0);
	atomic_set(&m->n_est, 0);
	WRITE_ONCE(m->remote_addr, 0);
	WRITE_ONCE(m->remote_port, 0);
	WRITE_ONCE(m->tcp_state, SW_TCP_NONE);
	m->created = now;
	WRITE_ONCE(m->last_used, now);
}

static struct sw_mapping *mapping_alloc(u8 proto, __be32 int_addr,
					__be16 int_port, gfp_t gfp)
{
	struct sw_mapping *m = kmem_cache_zalloc(mapping_cache, gfp);

	if (m) {
		m->proto = proto;
		m->int_addr = int_addr;
		m->int_port = int_port;
		m->tcp_state = SW_TCP_NONE;
		m->created = jiffies;
		m->last_used = m->created;
	}
	return m;
}

/* Check the limits, allocate, pick and claim a port. Bucket lock held. */
static struct sw_mapping *create_locked(struct sw_napt *t, struct bucket *b,
					u8 proto, __be32 int_addr,
					__be16 int_port, unsigned long now,
					int *why)
{
	u32 max = READ_ONCE(t->max_mappings);
	struct sw_mapping *m;
	struct claim c;
	u16 port;

	if ((u32)atomic_inc_return(&t->ndyn) > max && max) {
		*why = SW_DROP_LIMIT_INSTANCE;
		goto err_count;
	}
	*why = host_get(t, int_addr);
	if (*why)
		goto err_count;
	m = mapping_alloc(proto, int_addr, int_port, GFP_ATOMIC);
	if (!m) {
		*why = SW_DROP_NO_MEMORY;
		goto err_host;
	}

	c = (struct claim){ .t = t, .m = m, .held = b, .now = now };
	/*
	 * RFC 4787 4.2.1 / RFC 6056: keep the source port, else random,
	 * of the source port's parity when one is free (RFC 4787 REQ-4)
	 */
	if (sw_port_pick(&t->ps, ntohs(int_port), get_random_u32(),
			 min_t(u32, t->nports, PICK_BUDGET), claim_taken, &c,
			 &port)) {
		*why = SW_DROP_PORT_EXHAUSTED;
		kmem_cache_free(mapping_cache, m);	/* never published */
		goto err_host;
	}
	hlist_add_head_rcu(&m->int_node, &b->head);
	if (!delayed_work_pending(&t->gc))
		queue_delayed_work(system_power_efficient_wq, &t->gc,
				   GC_INTERVAL);
	return m;

err_host:
	host_put(t, int_addr);
err_count:
	atomic_dec(&t->ndyn);
	return NULL;
}

/* Slow path: re-check under the bucket lock, then revive or create. */
static struct sw_mapping *out_slow(struct sw_napt *t, struct bucket *b,
				   u8 proto, __be32 int_addr, __be16 int_port,
				   __be32 daddr, __be16 dport, int *why)
{
	unsigned long now = jiffies;
	struct sw_mapping *m;

	spin_lock_bh(&b->lock);
	m = find(b, proto, int_addr, int_port);
	if (m && expired(t, m, now))
		revive_locked(m, now);
	else if (!m)
		m = create_locked(t, b, proto, int_addr, int_port, now, why);
	if (m) {
		remember_locked(t, m, daddr, dport);
		refresh(m, now);
	}
	spin_unlock_bh(&b->lock);
	return m;
}

struct sw_mapping *sw_napt_out(struct sw_napt *t, u8 proto, __be32 int_addr,
			       __be16 int_port, __be32 daddr, __be16 dport,
			       int *why)
{
	unsigned long now = jiffies;
	struct sw_mapping *m;
	struct bucket *b;

	if (unlikely(proto >= SW_NP__MAX)) {
		*why = SW_DROP_UNSUPPORTED_PROTO;
		return NULL;
	}
	b = int_bucket(t, proto, int_addr, int_port);
	m = find(b, proto, int_addr, int_port);
	if (m && !expired(t, m, now)) {
		/* RFC 4787 REQ-1: the same mapping for every destination */
		remember(t, b, m, daddr, dport);
		refresh(m, now);
		return m;
	}
	return out_slow(t, b, proto, int_addr, int_port, daddr, dport, why);
}

/* --- Inbound and plain lookups ----------------------------------------- */

struct sw_mapping *sw_napt_lookup_int(struct sw_napt *t, u8 proto,
				      __be32 int_addr, __be16 int_port)
{
	struct sw_mapping *m;

	if (unlikely(proto >= SW_NP__MAX))
		return NULL;
	m = find(int_bucket(t, proto, int_addr, int_port), proto, int_addr,
		 int_port);
	return m && live(t, m, jiffies) ? m : NULL;
}

/* RFC 4787 5: EIF lets anyone in; ADF/APDF only remotes sent to. */
static bool filter_pass(const struct sw_napt *t, const struct sw_mapping *m,
			__be32 saddr, __be16 sport)
{
	if (READ_ONCE(m->flags) & SW_MAP_F_STATIC)
		return true;	/* a forward is meant to be reached */
	switch (READ_ONCE(t->filter)) {
	case SOFTWIRE_FILTER_ADF:
		return has_remote(t, m, saddr, sport, false);
	case SOFTWIRE_FILTER_APDF:
		return has_remote(t, m, saddr, sport, true);
	default:
		return true;
	}
}

struct sw_mapping *sw_napt_in(struct sw_napt *t, u8 proto, __be16 ext_port,
			      __be32 saddr, __be16 sport, int *why)
{
	struct sw_mapping __rcu **slot;
	struct sw_mapping *m;

	if (unlikely(proto >= SW_NP__MAX)) {
		*why = SW_DROP_UNSUPPORTED_PROTO;
		return NULL;
	}
	slot = slot_of(t, proto, ntohs(ext_port));
	if (!slot) {
		*why = SW_DROP_PORT_NOT_OURS;
		return NULL;
	}
	m = rcu_dereference(*slot);
	if (!m || !live(t, m, jiffies)) {
		*why = SW_DROP_NO_MAPPING;
		return NULL;
	}
	if (!filter_pass(t, m, saddr, sport)) {
		*why = SW_DROP_FILTERED;
		return NULL;
	}
	return m;
}

void sw_napt_touch(struct sw_napt *t, struct sw_mapping *m, __be32 raddr,
		   __be16 rport, u8 tcp_flags, bool outbound)
{
	if (m->proto == SW_NP_TCP)
		tcp_track(t, m, raddr, rport, tcp_flags, outbound);
	refresh(m, jiffies);
}

/* --- Static forwards --------------------------------------------------- */

/*
 * A live dynamic mapping of the forward's own internal and external
 * endpoints becomes the forward (RFC 4787 REQ-1: one external port per
 * internal endpoint). It stops counting against the limits.
 */
static void make_static_locked(struct sw_napt *t, struct sw_mapping *m)
{
	WRITE_ONCE(m->flags, m->flags | SW_MAP_F_STATIC);
	atomic_dec(&t->ndyn);
	atomic_inc(&t->nstatic);
	host_put(t, m->int_addr);
}

/* 0: m linked; 1: an existing mapping became the forward; or -errno. */
static int forward_locked(struct sw_napt *t, struct bucket *b,
			  struct sw_mapping *m, struct sw_mapping __rcu **slot,
			  const char **why)
{
	unsigned long now = jiffies;
	struct sw_mapping *old, *cur;

	old = find(b, m->proto, m->int_addr, m->int_port);
	if (old && (old->flags & SW_MAP_F_STATIC)) {
		*why = "to address and port are already forwarded";
		return -EBUSY;
	}
	if (old && !expired(t, old, now)) {
		if (old->ext_port != m->ext_port) {
			*why = "to address and port have a mapping on another port";
			return -EBUSY;
		}
		make_static_locked(t, old);
		return 1;
	}
	if (old)
		unlink_locked(t, old);

	cur = rcu_dereference(*slot);
	if (cur && (cur->flags & SW_MAP_F_STATIC)) {
		*why = "port is already forwarded";
		return -EBUSY;
	}
	if (cur) {
		switch (reap(t, cur, b, now)) {
		case REAP_DONE:
			break;
		case REAP_BUSY:
			*why = "port is being reclaimed, try again";
			return -EAGAIN;
		case REAP_LIVE:
			*why = "port is in use by a mapping";
			return -EBUSY;
		}
	}
	if (cmpxchg(slot, NULL, RCU_INITIALIZER(m))) {
		*why = "port is in use by a mapping";
		return -EBUSY;
	}
	hlist_add_head_rcu(&m->int_node, &b->head);
	atomic_inc(&t->nstatic);
	return 0;
}

int sw_napt_forward_add(struct sw_napt *t, u8 proto, __be16 ext_port,
			__be32 int_addr, __be16 int_port, const char **why)
{
	struct sw_mapping __rcu **slot;
	struct sw_mapping *m;
	struct bucket *b;
	int err;

	if (proto >= SW_NP__MAX) {
		*why = "protocol must be tcp, udp or icmp";
		return -EINVAL;
	}
	slot = slot_of(t, proto, ntohs(ext_port));
	if (!slot || !ext_port) {
		*why = "port is not in the port set";
		return -EINVAL;
	}
	m = mapping_alloc(proto, int_addr, int_port, GFP_KERNEL);
	if (!m) {
		*why = "out of memory";
		return -ENOMEM;
	}
	m->flags = SW_MAP_F_STATIC;
	m->ext_port = ext_port;

	b = int_bucket(t, proto, int_addr, int_port);
	rcu_read_lock();
	spin_lock_bh(&b->lock);
	err = forward_locked(t, b, m, slot, why);
	spin_unlock_bh(&b->lock);
	rcu_read_unlock();
	if (err)	/* m was never published */
		kmem_cache_free(mapping_cache, m);
	return err < 0 ? err : 0;
}

int sw_napt_forward_del(struct sw_napt *t, u8 proto, __be16 ext_port)
{
	struct sw_mapping __rcu **slot;
	struct sw_mapping *m;
	struct bucket *b;
	int err = -ENOENT;

	if (proto >= SW_NP__MAX)
		return -EINVAL;
	slot = slot_of(t, proto, ntohs(ext_port));
	if (!slot)
		return -ENOENT;
	rcu_read_lock();
	m = rcu_dereference(*slot);
	if (m && (READ_ONCE(m->flags) & SW_MAP_F_STATIC)) {
		b = bucket_of(t, m);
		spin_lock_bh(&b->lock);
		if (!(m->flags & SW_MAP_F_DEAD)) {
			unlink_locked(t, m);
			err = 0;
		}
		spin_unlock_bh(&b->lock);
	}
	rcu_read_unlock();
	return err;
}

/* --- Dumps and counters ------------------------------------------------ */

/* Cursor: proto << 16 | port ordinal (ordinals are < 65536). */
#define POS(proto, ord)	((unsigned long)(proto) << 16 | (ord))

int sw_napt_walk(struct sw_napt *t, unsigned long *pos,
		 int (*fn)(const struct sw_mapping *m, void *arg), void *arg)
{
	unsigned long now = jiffies;
	u32 proto = *pos >> 16, ord = *pos & 0xffff;
	struct sw_mapping *m;
	int ret = 0;

	rcu_read_lock();
	for (; proto < SW_NP__MAX; proto++, ord = 0) {
		for (; ord < t->nports; ord++) {
			m = rcu_dereference(t->slots[proto][ord]);
			if (!m || !live(t, m, now))
				continue;
			ret = fn(m, arg);
			if (ret) {
				*pos = POS(proto, ord);
				goto out;
			}
		}
	}
	*pos = POS(SW_NP__MAX, 0);
out:
	rcu_read_unlock();
	return ret;
}

/* Expired mappings the GC has not freed yet are included. */
u32 sw_napt_count(const struct sw_napt *t)
{
	return atomic_read(&t->ndyn) + atomic_read(&t->nstatic);
}

u32 sw_napt_count_static(const struct sw_napt *t)
{
	return atomic_read(&t->nstatic);
}

/* Stale records the GC has not freed yet are included. */
u32 sw_napt_remotes(const struct sw_napt *t)
{
	return atomic_read(&t->nremotes);
}

u64 sw_napt_remotes_full(const struct sw_napt *t)
{
	return atomic64_read(&t->remotes_full);
}

u32 sw_napt_remotes_max(const struct sw_napt *t)
{
	return t->max_remotes;
}

/* --- Expiry ------------------------------------------------------------ */

static void gc_slot(struct sw_napt *t, u32 proto, u32 ord, unsigned long now)
{
	struct sw_mapping *m;
	struct bucket *b;

	rcu_read_lock();
	m = rcu_dereference(t->slots[proto][ord]);
	if (m && expired(t, m, now)) {
		b = bucket_of(t, m);
		spin_lock_bh(&b->lock);
		reap_locked(t, m, now);
		spin_unlock_bh(&b->lock);
	}
	rcu_read_unlock();
}

/*
 * Every GC_INTERVAL while dynamic mappings or remote records exist (the
 * allocator and remember_locked() restart it): scan GC_SLICE ordinals of
 * each protocol and GC_SLICE remote buckets, resuming where the last run
 * stopped. Process context, so it may reschedule between slots.
 */
static void gc_work(struct work_struct *work)
{
	struct sw_napt *t = container_of(to_delayed_work(work), struct sw_napt,
					 gc);
	u32 i, p, ord = t->gc_pos, n = min_t(u32, t->nports, GC_SLICE);
	unsigned long now = jiffies;

	for (i = 0; i < n; i++) {
		for (p = 0; p < SW_NP__MAX; p++)
			gc_slot(t, p, ord, now);
		if (++ord == t->nports)
			ord = 0;
		if ((i & 255) == 255)
			cond_resched();
	}
	t->gc_pos = ord;
	for (i = 0; i < min_t(u32, t->rmask + 1, GC_SLICE); i++) {
		remote_gc_bucket(t, &t->rports[t->rgc_pos]);
		t->rgc_pos = (t->rgc_pos + 1) & t->rmask;
		if ((i & 255) == 255)
			cond_resched();
	}
	if (atomic_read(&t->ndyn) || atomic_read(&t->nremotes))
		queue_delayed_work(system_power_efficient_wq, &t->gc,
				   GC_INTERVAL);
}

/* --- Creation and destruction ------------------------------------------ */

static void table_free(struct sw_napt *t)
{
	unsigned int p;

	for (p = 0; p < SW_NP__MAX; p++)
		kvfree(t->slots[p]);
	kvfree(t->raddrs);
	kvfree(t->rports);
	kvfree(t->hosts);
	kvfree(t->buckets);
	kfree(t);
}

/* vfree() defers itself when called from an RCU callback (softirq). */
static void table_free_rcu(struct rcu_head *head)
{
	table_free(container_of(head, struct sw_napt, rcu));
}

/*
 * One lock class per table (key): the nesting of a per-host or remote
 * bucket lock inside an internal bucket lock is then an order between
 * classes, not "recursive locking" of one class.
 */
static void buckets_init(struct bucket *b, u32 n, struct lock_class_key *key)
{
	u32 i;

	for (i = 0; i < n; i++) {
		INIT_HLIST_HEAD(&b[i].head);
		spin_lock_init(&b[i].lock);
		lockdep_set_class(&b[i].lock, key);
	}
}

/* Returns NULL when the port set is empty or memory is short. */
struct sw_napt *sw_napt_create(const struct sw_portset *ps,
			       const struct sw_napt_params *p)
{
	u32 n = sw_portset_count(ps), nb, nh, nr;
	struct sw_napt *t;
	unsigned int i;

	if (!n || n > 65536)
		return NULL;
	t = kzalloc(sizeof(*t), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	t->ps = *ps;
	t->nports = n;
	/* load factor 1 with a mapping per port, 3 with the port set full */
	nb = roundup_pow_of_two(max_t(u32, n, 16));
	nh = clamp_t(u32, nb / 4, HOST_BUCKETS_MIN, HOST_BUCKETS_MAX);
	t->bmask = nb - 1;
	t->hmask = nh - 1;
	/* load factor 4 with the instance's bound of remotes reached */
	t->max_remotes = clamp_t(u32, n * REMOTES_PER_PORT, REMOTES_MIN,
				 REMOTES_MAX);
	nr = roundup_pow_of_two(t->max_remotes) / 4;
	t->rmask = nr - 1;
	t->buckets = kvcalloc(nb, sizeof(*t->buckets), GFP_KERNEL_ACCOUNT);
	t->hosts = kvcalloc(nh, sizeof(*t->hosts), GFP_KERNEL_ACCOUNT);
	t->rports = kvcalloc(nr, sizeof(*t->rports), GFP_KERNEL_ACCOUNT);
	t->raddrs = kvcalloc(nr, sizeof(*t->raddrs), GFP_KERNEL_ACCOUNT);
	for (i = 0; i < SW_NP__MAX; i++)
		t->slots[i] = kvcalloc(n, sizeof(*t->slots[i]),
				       GFP_KERNEL_ACCOUNT);
	if (!t->buckets || !t->hosts || !t->rports || !t->raddrs ||
	    !t->slots[SW_NP_TCP] ||
	    !t->slots[SW_NP_UDP] || !t->slots[SW_NP_ICMP]) {
		table_free(t);
		return NULL;
	}
	buckets_init(t->buckets, nb, &int_lock_key);
	buckets_init(t->hosts, nh, &host_lock_key);
	buckets_init(t->rports, nr, &rport_lock_key);
	buckets_init(t->raddrs, nr, &raddr_lock_key);
	atomic_set(&t->ndyn, 0);
	atomic_set(&t->nstatic, 0);
	atomic_set(&t->nremotes, 0);
	atomic_set(&t->next_id, 0);
	atomic64_set(&t->remotes_full, 0);
	/* remote records are made in softirq: charge them to the creator */
	t->memcg = get_mem_cgroup_from_mm(current->mm);
	INIT_DELAYED_WORK(&t->gc, gc_work);
	sw_napt_set_params(t, p);
	return t;
}

/*
 * Process context, once the data path can no longer reach t. Readers that
 * found it earlier may still run: everything is freed after a grace
 * period.
 */
void sw_napt_destroy(struct sw_napt *t)
{
	struct sw_mapping *m;
	struct hlist_node *tmp;
	struct remote *r;
	struct host *h;
	u32 p, i;

	if (!t)
		return;
	cancel_delayed_work_sync(&t->gc);
	for (p = 0; p < SW_NP__MAX; p++) {
		for (i = 0; i < t->nports; i++) {
			m = rcu_dereference_protected(t->slots[p][i], true);
			if (m)
				mapping_free(m);
			if ((i & 1023) == 1023)
				cond_resched();
		}
	}
	for (i = 0; i <= t->hmask; i++)
		hlist_for_each_entry_safe(h, tmp, &t->hosts[i].head, node)
			kfree(h);
	for (i = 0; i <= t->rmask; i++) {
		hlist_for_each_entry_safe(r, tmp, &t->rports[i].head, pnode)
			call_rcu(&r->rcu, remote_free_rcu);
		if ((i & 1023) == 1023)
			cond_resched();
	}
	mem_cgroup_put(t->memcg);
	call_rcu(&t->rcu, table_free_rcu);
}

/* --- Module ------------------------------------------------------------ */

int sw_napt_init(void)
{
	/* 80 bytes on x86_64: no cache-line alignment, 51 per slab page */
	mapping_cache = kmem_cache_create("softwire_mapping",
					  sizeof(struct sw_mapping), 0, 0, NULL);
	if (!mapping_cache)
		return -ENOMEM;
	/* 72 bytes on x86_64 */
	remote_cache = kmem_cache_create("softwire_remote",
					 sizeof(struct remote), 0, 0, NULL);
	if (!remote_cache) {
		kmem_cache_destroy(mapping_cache);
		return -ENOMEM;
	}
	get_random_bytes(&napt_key, sizeof(napt_key));
	return 0;
}

/*
 * After every instance is gone: wait for the call_rcu() callbacks that
 * free mappings, tables and configurations (they run module code and use
 * the cache).
 */
void sw_napt_exit(void)
{
	rcu_barrier();
	kmem_cache_destroy(remote_cache);
	kmem_cache_destroy(mapping_cache);
}
