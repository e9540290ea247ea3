/* SPDX-License-Identifier: GPL-2.0 */
/* What a MAP-E CE derives (RFC 7597 5.2), printed the same by calc and show. */
#ifndef SWCTL_DERIVED_H
#define SWCTL_DERIVED_H

#include <linux/softwire.h>
#include "mapcalc.h"

struct sw_derived {
	uint32_t ipv4;			/* host order */
	uint8_t ipv4_plen;		/* 32 unless a prefix is delegated */
	struct sw_portset ps;
	uint8_t ipv6[16];
	uint32_t ports;
	uint32_t nranges;
	struct softwire_port_range *ranges;	/* malloc'd, ascending */
};

/* Compute count and ranges from d->ps with the kmod/core code. 0 or -1. */
int sw_derived_ranges_from_ps(struct sw_derived *d);
/* Copy ranges given by the kernel (SOFTWIRE_A_PORT_RANGES). 0 or -1. */
int sw_derived_ranges_copy(struct sw_derived *d, const void *data, size_t len);
void sw_derived_free(struct sw_derived *d);

/* JSON members ipv4_address .. port_ranges, into the current object. */
void sw_derived_json(const struct sw_derived *d);
/* Human table; every line starts with indent. */
void sw_derived_print(const struct sw_derived *d, const char *indent);

#endif
