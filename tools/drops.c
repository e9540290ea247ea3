// SPDX-License-Identifier: GPL-2.0
/*
 * The drop reasons of the module (kmod/stats.c) explained: one line each,
 * name, cause, what to do. The man page's DROP REASONS section says the
 * same at more length; a reason added to the module gets a line here and
 * an entry there.
 */
#include <string.h>
#include "drops.h"
#include "swctl.h"

static const struct sw_drop_doc docs[] = {
	{ "not-implemented", "a packet kind this module version has no translation for", "report it with the packet (tcpdump) if it should be translated" },
	{ "no-config", "a packet sent while the instance was being deleted", "none; it ends when the deletion completes" },
	{ "malformed", "truncated or inconsistent IPv4 or transport headers (from the LAN or decapsulated from the WAN)", "find the sender with tcpdump; a steady count means a broken host or an attack" },
	{ "unsupported-proto", "neither TCP, UDP, ICMP echo nor an ICMP error: the shared port set cannot translate it (RFC 7597 8.2)", "use TCP, UDP or ICMP echo, or a dedicated (non-shared) address for other protocols" },
	{ "no-mapping", "inbound to a port of the set with no mapping: unsolicited, or its mapping expired", "add a forward (map-e forward add) for a service; raise the timeouts if replies arrive late" },
	{ "filtered", "inbound from a remote the mapping has not sent to, refused by filter adf or apdf (RFC 4787 5)", "expected with adf/apdf; use filter eif where peer-to-peer traffic must get in" },
	{ "port-exhausted", "a new flow found no free port of the set within the search budget", "see map-e mappings for the hosts holding ports; lower timeout-udp or set max-per-host" },
	{ "limit-instance", "a new flow refused because the instance has max-mappings mappings", "raise max-mappings (map-e set) or lower the timeouts" },
	{ "limit-host", "a new flow refused because its LAN host has max-per-host mappings", "raise max-per-host, or find the LAN host opening that many flows" },
	{ "spoofed-source", "the outer IPv6 source is neither the BR nor the address an FMR derives for the inner IPv4 source and port (RFC 7597 8.1)", "check the BR address and the FMRs against the ISP's; otherwise spoofed packets" },
	{ "port-not-ours", "inbound to a port outside the instance's port set", "check the rule (ea-len, psid-offset, psid) against the ISP's; otherwise another CE's traffic or a scan" },
	{ "not-our-address", "inbound whose inner IPv4 destination is not the CE's address", "check the rule and end-user-prefix against the ISP's" },
	{ "too-big", "a DF packet larger than the path allows; ICMP Fragmentation Needed was sent back", "normal path MTU discovery; if LAN hosts ignore it, set mss-clamp or lower their MTU" },
	{ "no-route", "no IPv6 route to the BR or the peer CE", "check the WAN's IPv6 route (ip -6 route get BR)" },
	{ "ttl-exceeded", "the IPv4 TTL expired; ICMP Time Exceeded was sent back", "normal for traceroute; a steady count means a routing loop" },
	{ "no-memory", "an allocation or headroom expansion failed", "look for memory pressure (free, dmesg)" },
	{ "fragment", "a fragment that could not be reassembled or translated (timeout, overlap, queue full)", "check the ipfrag sysctls (net.ipv4.ipfrag_*); a steady count means lost or forged fragments" },
	{ "icmp-untranslatable", "an ICMP error that quotes a packet of no mapping of this CE", "none for a few (stale flows); many mean scans or forged errors" },
	{ "policy", "inbound refused by the IPsec (xfrm) input policy", "check ip xfrm policy for the WAN traffic" },
	{ "icmp-misdirected", "a LAN host sent an ICMP error to a host other than the source of the packet it quotes", "find the LAN host that sends it: a broken stack, or one forging errors about other flows" },
};

static const struct sw_drop_doc unknown = {
	NULL, "a reason this swctl does not know (the module is newer)",
	"see the module's swctl(8) or kmod/stats.c",
};

const struct sw_drop_doc *sw_drop_doc(const char *name)
{
	for (size_t i = 0; i < SW_ARRAY_SIZE(docs); i++)
		if (strcmp(docs[i].name, name) == 0)
			return &docs[i];
	return &unknown;
}
