// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: per network namespace state.
 *
 * Registered as a pernet *device* subsystem: device ops exit in reverse
 * order of registration, so ours run before the core's
 * default_device_exit_batch() and the instances are gone (together with
 * their configuration) before the namespace's loopback device is.
 */
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <linux/rtnetlink.h>

#include "softwire.h"

static unsigned int sw_net_id __read_mostly;

struct sw_net *sw_net(const struct net *net)
{
	return net_generic(net, sw_net_id);
}

static int __net_init sw_net_init(struct net *net)
{
	struct sw_net *sn = sw_net(net);

	mutex_init(&sn->lock);
	INIT_LIST_HEAD(&sn->instances);
	INIT_LIST_HEAD(&sn->rcv_list);
	sn->gen = 1;	/* a dump's cb->seq of 0 would disable its check */
	return 0;
}

/*
 * Unregister every instance of the dying namespaces in one batch. When the
 * module is unloaded rtnl_link_unregister() has already removed them all
 * and the lists are empty.
 */
static void __net_exit sw_net_exit_batch(struct list_head *net_list)
{
	struct net *net;
	LIST_HEAD(kill);

	rtnl_lock();
	list_for_each_entry(net, net_list, exit_list)
		sw_dev_unregister_all(net, &kill);
	unregister_netdevice_many(&kill);
	rtnl_unlock();

	list_for_each_entry(net, net_list, exit_list) {
		struct sw_net *sn = sw_net(net);

		WARN_ON_ONCE(!list_empty(&sn->instances));
		mutex_destroy(&sn->lock);
	}
}

static struct pernet_operations sw_net_ops = {
	.init		= sw_net_init,
	.exit_batch	= sw_net_exit_batch,
	.id		= &sw_net_id,
	.size		= sizeof(struct sw_net),
};

int sw_pernet_init(void)
{
	return register_pernet_device(&sw_net_ops);
}

void sw_pernet_exit(void)
{
	unregister_pernet_device(&sw_net_ops);
}
