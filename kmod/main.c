// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: MAP-E (RFC 7597) and DS-Lite (RFC 6333) for Linux.
 *
 * Registration order: the NAPT's mapping cache and hash key first, then
 * per-netns state (devices need both), the IPv4-in-IPv6 receive handler
 * (after the per-netns state it reads, removed before it; it claims
 * nothing until an instance exists), then the rtnl_link_ops (so devices
 * can be deleted), then the generic netlink family (the only way to
 * create them). Exit runs in reverse: once the
 * family is gone nothing can create an instance, rtnl_link_unregister()
 * deletes the remaining ones in every netns, the per-netns state follows,
 * and the mapping cache goes last, after the RCU callbacks that free
 * mappings.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "softwire.h"

static int __init sw_init(void)
{
	int err;

	err = sw_napt_init();
	if (err)
		return err;
	err = sw_pernet_init();
	if (err)
		goto err_napt;
	err = sw_rcv_init();
	if (err)
		goto err_pernet;
	err = sw_dev_init();
	if (err)
		goto err_rcv;
	err = sw_nl_init();
	if (err)
		goto err_dev;

	pr_info("softwire " SOFTWIRE_VERSION " loaded\n");
	return 0;

err_dev:
	sw_dev_exit();
err_rcv:
	sw_rcv_exit();
err_pernet:
	sw_pernet_exit();
err_napt:
	sw_napt_exit();
	return err;
}

static void __exit sw_exit(void)
{
	sw_nl_exit();
	sw_dev_exit();
	sw_rcv_exit();	/* synchronize_net(): no handler runs past here */
	sw_pernet_exit();
	sw_napt_exit();	/* rcu_barrier(), then the mapping cache */
}

module_init(sw_init);
module_exit(sw_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("MAP-E (RFC 7597) and DS-Lite (RFC 6333) softwires");
MODULE_VERSION(SOFTWIRE_VERSION);
MODULE_ALIAS_GENL_FAMILY(SOFTWIRE_GENL_NAME);
MODULE_ALIAS_RTNL_LINK(SOFTWIRE_LINK_KIND);
