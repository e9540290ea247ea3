// SPDX-License-Identifier: GPL-2.0
/* Output of a CE's derived IPv4 address, port set and MAP IPv6 address. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "addr.h"
#include "derived.h"
#include "json.h"

#define RANGES_PER_LINE	6

int sw_derived_ranges_from_ps(struct sw_derived *d)
{
	uint32_t i, n = sw_portset_nranges(&d->ps);

	d->ports = sw_portset_count(&d->ps);
	d->nranges = 0;
	d->ranges = calloc(n ? n : 1, sizeof(*d->ranges));
	if (!d->ranges)
		return -1;
	for (i = 0; i < n; i++) {
		if (sw_portset_range(&d->ps, i, &d->ranges[i].first,
				     &d->ranges[i].last))
			break;
	}
	d->nranges = i;
	return 0;
}

int sw_derived_ranges_copy(struct sw_derived *d, const void *data, size_t len)
{
	size_t n = len / sizeof(*d->ranges);

	d->ranges = calloc(n ? n : 1, sizeof(*d->ranges));
	if (!d->ranges)
		return -1;
	memcpy(d->ranges, data, n * sizeof(*d->ranges));
	d->nranges = n;
	return 0;
}

void sw_derived_free(struct sw_derived *d)
{
	free(d->ranges);
	d->ranges = NULL;
	d->nranges = 0;
}

void sw_derived_json(const struct sw_derived *d)
{
	char v4[SW_IPV4_STRLEN], v6[SW_IPV6_STRLEN];

	sw_format_ipv4(d->ipv4, v4);
	sw_format_ipv6(d->ipv6, v6);
	sw_json_str("ipv4_address", v4);
	sw_json_uint("psid", d->ps.psid);
	sw_json_uint("psid_len", d->ps.psid_len);
	sw_json_uint("psid_offset", d->ps.psid_offset);
	sw_json_str("ipv6_address", v6);
	sw_json_uint("ports", d->ports);
	sw_json_arr_start("port_ranges", false);
	for (uint32_t i = 0; i < d->nranges; i++) {
		sw_json_arr_start(NULL, true);
		sw_json_uint(NULL, d->ranges[i].first);
		sw_json_uint(NULL, d->ranges[i].last);
		sw_json_arr_end();
	}
	sw_json_arr_end();
}

static void print_ranges(const struct sw_derived *d, const char *indent)
{
	char cell[16];

	for (uint32_t i = 0; i < d->nranges; i++) {
		const struct softwire_port_range *r = &d->ranges[i];

		if (r->first == r->last)
			snprintf(cell, sizeof(cell), "%u", r->first);
		else
			snprintf(cell, sizeof(cell), "%u-%u", r->first, r->last);
		if (i % RANGES_PER_LINE == 0)
			printf("%s  ", indent);
		/* "65535-65535" is 11 wide: columns line up. */
		if (i % RANGES_PER_LINE == RANGES_PER_LINE - 1 || i + 1 == d->nranges)
			printf("%s\n", cell);
		else
			printf("%-11s  ", cell);
	}
}

void sw_derived_print(const struct sw_derived *d, const char *indent)
{
	char v4[SW_IPV4_STRLEN], v6[SW_IPV6_STRLEN];

	sw_format_ipv4(d->ipv4, v4);
	sw_format_ipv6(d->ipv6, v6);
	if (d->ipv4_plen < 32)
		printf("%sIPv4 address   %s/%u\n", indent, v4, d->ipv4_plen);
	else
		printf("%sIPv4 address   %s\n", indent, v4);
	printf("%sPSID           0x%x (%u)  length %u  offset %u\n", indent,
	       d->ps.psid, d->ps.psid, d->ps.psid_len, d->ps.psid_offset);
	printf("%sMAP address    %s\n", indent, v6);
	printf("%sPorts          %u in %u range%s\n", indent, d->ports,
	       d->nranges, d->nranges == 1 ? "" : "s");
	print_ranges(d, indent);
}
