// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: per-CPU drop counters, one per reason.
 *
 * Every packet the module drops is counted under exactly one reason, so
 * the counters explain the device's tx/rx_dropped. Writers run in the
 * data path with bottom halves disabled (ndo_start_xmit, the IPv6 receive
 * hook), so this_cpu_ptr() is stable and u64_stats_sync suffices.
 */
#include <linux/percpu.h>

#include "softwire.h"

static const char * const drop_names[SW_DROP__MAX] = {
	[SW_DROP_NOT_IMPLEMENTED]	= "not-implemented",
	[SW_DROP_NO_CONFIG]		= "no-config",
	[SW_DROP_MALFORMED]		= "malformed",
	[SW_DROP_UNSUPPORTED_PROTO]	= "unsupported-proto",
	[SW_DROP_NO_MAPPING]		= "no-mapping",
	[SW_DROP_FILTERED]		= "filtered",
	[SW_DROP_PORT_EXHAUSTED]	= "port-exhausted",
	[SW_DROP_LIMIT_INSTANCE]	= "limit-instance",
	[SW_DROP_LIMIT_HOST]		= "limit-host",
	[SW_DROP_SPOOFED_SOURCE]	= "spoofed-source",
	[SW_DROP_PORT_NOT_OURS]		= "port-not-ours",
	[SW_DROP_NOT_OUR_ADDRESS]	= "not-our-address",
	[SW_DROP_TOO_BIG]		= "too-big",
	[SW_DROP_NO_ROUTE]		= "no-route",
	[SW_DROP_TTL_EXCEEDED]		= "ttl-exceeded",
	[SW_DROP_NO_MEMORY]		= "no-memory",
	[SW_DROP_FRAGMENT]		= "fragment",
	[SW_DROP_ICMP_UNTRANSLATABLE]	= "icmp-untranslatable",
	[SW_DROP_POLICY]		= "policy",
	[SW_DROP_ICMP_MISDIRECTED]	= "icmp-misdirected",
};

int sw_stats_init(struct sw_dev *sw)
{
	sw->drops = __netdev_alloc_pcpu_stats(struct sw_drop_stats,
					      GFP_KERNEL_ACCOUNT);
	return sw->drops ? 0 : -ENOMEM;
}

void sw_stats_free(struct sw_dev *sw)
{
	free_percpu(sw->drops);
	sw->drops = NULL;
}

void sw_stats_drop(struct sw_dev *sw, enum sw_drop_reason reason)
{
	struct sw_drop_stats *s = this_cpu_ptr(sw->drops);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->count[reason]);
	u64_stats_update_end(&s->syncp);
}

/* Sum over CPUs into count[SW_DROP__MAX]. */
void sw_stats_drops_read(const struct sw_dev *sw, u64 *count)
{
	unsigned int start, cpu, r;

	memset(count, 0, sizeof(*count) * SW_DROP__MAX);
	for_each_possible_cpu(cpu) {
		const struct sw_drop_stats *s = per_cpu_ptr(sw->drops, cpu);
		u64 v[SW_DROP__MAX];

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			for (r = 0; r < SW_DROP__MAX; r++)
				v[r] = u64_stats_read(&s->count[r]);
		} while (u64_stats_fetch_retry(&s->syncp, start));

		for (r = 0; r < SW_DROP__MAX; r++)
			count[r] += v[r];
	}
}

void sw_stats_fastpath(struct sw_dev *sw)
{
	struct sw_drop_stats *s = this_cpu_ptr(sw->drops);

	u64_stats_update_begin(&s->syncp);
	u64_stats_inc(&s->fastpath);
	u64_stats_update_end(&s->syncp);
}

u64 sw_stats_fastpath_read(const struct sw_dev *sw)
{
	unsigned int start, cpu;
	u64 sum = 0, v;

	for_each_possible_cpu(cpu) {
		const struct sw_drop_stats *s = per_cpu_ptr(sw->drops, cpu);

		do {
			start = u64_stats_fetch_begin(&s->syncp);
			v = u64_stats_read(&s->fastpath);
		} while (u64_stats_fetch_retry(&s->syncp, start));
		sum += v;
	}
	return sum;
}

const char *sw_drop_reason_name(enum sw_drop_reason reason)
{
	if ((unsigned int)reason >= SW_DROP__MAX)
		return "unknown";
	return drop_names[reason] ?: "unknown";
}
