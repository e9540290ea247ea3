/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What each drop reason of the module means and what to do about it, for
 * "swctl stats --explain". The kernel reports reasons by name; a name this
 * table does not know (a newer module) gets a generic explanation.
 */
#ifndef SWCTL_DROPS_H
#define SWCTL_DROPS_H

struct sw_drop_doc {
	const char *name;	/* as the kernel names it (kmod/stats.c) */
	const char *cause;	/* which packets are counted */
	const char *action;	/* what the operator can do */
};

/* The explanation of reason name; the generic one if unknown. */
const struct sw_drop_doc *sw_drop_doc(const char *name);

#endif
