// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: MAP-E (RFC 7597) and DS-Lite (RFC 6333) for Linux.
 *
 * Registration order: per-netns state first (devices need it), then the
 * rtnl_link_ops (so devices can be deleted), then the generic netlink
 * family (the only way to create them). Exit runs in reverse: once the
 * family is gone nothing can create an instance, rtnl_link_unregister()
 * deletes the remaining ones in every netns, and the per-netns state
 * goes last.
 */
#include <linux/module.h>
#include <net/rtnetlink.h>

#include "softwire.h"

static int __init sw_init(void)
{
	int err;

	err = sw_pernet_init();
	if (err)
		return err;
	err = sw_dev_init();
	if (err)
		goto err_pernet;
	err = sw_nl_init();
	if (err)
		goto err_dev;

	pr_info("softwire " SOFTWIRE_VERSION " loaded\n");
	return 0;

err_dev:
	sw_dev_exit();
err_pernet:
	sw_pernet_exit();
	return err;
}

static void __exit sw_exit(void)
{
	sw_nl_exit();
	sw_dev_exit();
	sw_pernet_exit();
}

module_init(sw_init);
module_exit(sw_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("MAP-E (RFC 7597) and DS-Lite (RFC 6333) softwires");
MODULE_VERSION(SOFTWIRE_VERSION);
MODULE_ALIAS_GENL_FAMILY(SOFTWIRE_GENL_NAME);
MODULE_ALIAS_RTNL_LINK(SOFTWIRE_LINK_KIND);
