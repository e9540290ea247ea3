// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: an instance's configuration object: the Mapping Rule table,
 * the choice of the Basic Mapping Rule and what the CE derives from it.
 * The arithmetic itself lives in kmod/core (shared with swctl and tests).
 */
#include <linux/overflow.h>
#include <linux/slab.h>
#include <net/dst_cache.h>

#include "softwire.h"

/*
 * Configurations are made on request of whoever holds CAP_NET_ADMIN over
 * a netns, an unprivileged user namespace included: charged to the
 * caller's memory cgroup (GFP_KERNEL_ACCOUNT), the per-CPU route cache too.
 *
 * A configuration is freed by sw_config_free() only, published or not:
 * it owns per-CPU memory that a kfree() would leak.
 */
struct sw_config *sw_config_alloc(u32 nr_rules)
{
	struct sw_config *cfg;

	cfg = kzalloc(struct_size(cfg, rules, nr_rules), GFP_KERNEL_ACCOUNT);
	if (!cfg)
		return NULL;
	cfg->nr_rules = nr_rules;
	if (dst_cache_init(&cfg->br_dst, GFP_KERNEL_ACCOUNT)) {
		kfree(cfg);	/* owns nothing yet */
		return NULL;
	}
	return cfg;
}

/*
 * A copy of @old to be changed and published in its place, with a route
 * cache of its own (the BR may change with it).
 */
struct sw_config *sw_config_dup(const struct sw_config *old)
{
	struct sw_config *cfg;

	cfg = kmemdup(old, struct_size(old, rules, old->nr_rules),
		      GFP_KERNEL_ACCOUNT);
	if (!cfg)
		return NULL;
	if (dst_cache_init(&cfg->br_dst, GFP_KERNEL_ACCOUNT)) {
		kfree(cfg);	/* owns nothing yet: br_dst is @old's */
		return NULL;
	}
	return cfg;
}

/*
 * After the readers: the cached routes go with the configuration.
 * call_rcu() from module code: sw_napt_exit() runs rcu_barrier() last.
 */
static void sw_config_free_rcu(struct rcu_head *head)
{
	struct sw_config *cfg = container_of(head, struct sw_config, rcu);

	dst_cache_destroy(&cfg->br_dst);
	kfree(cfg);
}

/*
 * The one way to free a configuration, on every path: safe for a
 * published one (readers may still hold it) and for one never published.
 */
void sw_config_free(struct sw_config *cfg)
{
	if (cfg)
		call_rcu(&cfg->rcu, sw_config_free_rcu);
}

/*
 * RFC 7597 5: the BMR is found by a longest match between the End-user
 * IPv6 prefix and the Rule IPv6 prefixes of the table.
 */
static int pick_bmr(const struct sw_config *cfg)
{
	int best = -1;
	u32 i;

	for (i = 0; i < cfg->nr_rules; i++) {
		const struct sw_map_rule *r = &cfg->rules[i];

		if (!sw_rule_match_v6(r, cfg->eup.s6_addr, cfg->eup_len))
			continue;
		if (best < 0 || r->ipv6_prefix_len > cfg->rules[best].ipv6_prefix_len)
			best = i;
	}
	return best;
}

/*
 * Pick the BMR and derive the CE's IPv4 address or prefix, PSID and MAP
 * IPv6 address (RFC 7597 5.2, 6), and set the NAPT defaults for that port
 * set. The rules must have been validated.
 * Returns 0, or -EINVAL with a static reason in *why.
 */
int sw_config_derive(struct sw_config *cfg, const char **why)
{
	enum sw_iid_format iid = SW_IID_RFC7597;
	int bmr;

	bmr = pick_bmr(cfg);
	if (bmr < 0) {
		*why = "end-user-prefix is not inside any rule's ipv6-prefix";
		return -EINVAL;
	}
	cfg->bmr = bmr;

	if (cfg->flags & SOFTWIRE_F_LEGACY_IID)
		iid = SW_IID_LEGACY;
	if (sw_map_ce_derive(&cfg->rules[bmr], cfg->eup.s6_addr, cfg->eup_len,
			     iid, &cfg->ce, why))
		return -EINVAL;
	/* NAPT defaults for this port set; explicit parameters go on top */
	sw_napt_params_default(&cfg->napt, &cfg->ce.ps);
	return 0;
}

/* Number of contiguous port ranges the CE may use (RFC 7597 5.1). */
u32 sw_config_nranges(const struct sw_config *cfg)
{
	return sw_portset_nranges(&cfg->ce.ps);
}

static bool same_v6_prefix(const struct sw_map_rule *a,
			   const struct sw_map_rule *b)
{
	return a->ipv6_prefix_len == b->ipv6_prefix_len &&
	       !memcmp(a->ipv6_prefix, b->ipv6_prefix, sizeof(a->ipv6_prefix));
}

/*
 * Two rules with the same Rule IPv6 prefix make the longest match of
 * RFC 7597 5 ambiguous. Returns the index of the later duplicate (and its
 * twin in *first), or -1. At most SOFTWIRE_MAX_RULES^2 / 2 comparisons.
 */
int sw_config_find_dup(const struct sw_config *cfg, u32 *first)
{
	u32 i, j;

	for (i = 1; i < cfg->nr_rules; i++) {
		for (j = 0; j < i; j++) {
			if (same_v6_prefix(&cfg->rules[i], &cfg->rules[j])) {
				*first = j;
				return i;
			}
		}
	}
	return -1;
}
