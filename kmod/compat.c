// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: out-of-line parts of compat.h.
 */
#include <linux/atomic.h>

#include "softwire.h"

#ifndef NETLINK_MAX_FMTMSG_LEN
/*
 * Formatted extack messages before v6.2 (see SW_EXTACK_ATTR_FMT). The
 * module cannot go away while an ack is being built: genl_rcv() holds
 * cb_lock for reading across the handler and netlink_ack(), and
 * genl_unregister_family() takes it for writing.
 */
#define SW_EXTACK_RING	32

static char sw_extack_ring[SW_EXTACK_RING][SW_EXTACK_MSG_LEN];
static atomic_t sw_extack_next = ATOMIC_INIT(0);

char *sw_compat_extack_buf(void)
{
	unsigned int i = (unsigned int)atomic_inc_return(&sw_extack_next);

	return sw_extack_ring[i % SW_EXTACK_RING];
}
#endif
