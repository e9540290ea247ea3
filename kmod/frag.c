// SPDX-License-Identifier: GPL-2.0
/*
 * softwire: IPv4 fragments meet the NAPT.
 *
 * Only a first fragment carries the ports the NAPT translates by (RFC 791
 * 2.3); the others can only follow it. RFC 7597 8.3.2 and 8.3.3 allow a CE
 * to reassemble, and it is the simple correct choice: the fragments of a
 * datagram, from the LAN or out of the tunnel, are put back together with
 * the kernel's IPv4 reassembly (bounded by the netns's ipfrag_high_thresh
 * and ipfrag_time), and the whole datagram is translated. Outbound, IPv6
 * fragments it again if the path needs it (sw_encap_send(), RFC 2473 7.2);
 * inbound, IPv4 forwarding to the LAN does (DF is clear on fragments).
 *
 * The reassembly queues are keyed by (saddr, daddr, id, protocol, user,
 * VRF). The user must be one no other consumer feeds with copies of the
 * same fragments, or a datagram could be completed by the other consumer
 * and lost to us. IP_DEFRAG_VS_FWD belongs to IPVS's FORWARD hook, which
 * consumes the fragments it gathers: a fragment it saw never reaches our
 * device, and our inbound fragments come out of the tunnel, where IPVS
 * does not look. (IP_DEFRAG_AF_PACKET would collide with PACKET_FANOUT
 * sockets that defragment the LAN's traffic; IP_DEFRAG_LOCAL_DELIVER with
 * the host's own reassembly.)
 *
 * A queue that times out is dropped without a Time Exceeded reaching the
 * internet sender (RFC 792 makes that message a MAY): ip_expire() answers
 * only after routing the first fragment as if it had come in on the
 * queue's input device, which inbound is the WAN device (usually without
 * IPv4, so there is no route), and such an answer would quote a packet to
 * our external address and port, which the NAPT does not translate back
 * (sw_icmp_out() drops it as icmp-untranslatable).
 */
#include <net/ip.h>

#include "datapath.h"

#define SW_DEFRAG_USER	IP_DEFRAG_VS_FWD

/*
 * SW_OK with @skb now the whole datagram (validated IPv4 header at
 * skb->data); SW_DONE: queued until the rest arrives, or dropped by the
 * reassembly (overlap, over the memory limit) and counted; or a reason.
 */
int sw_frag_gather(struct sw_dev *sw, struct sk_buff *skb, bool tx)
{
	struct net_device *dev = skb->dev;
	int err;

	/* the IPCB / IP6CB of the path so far is not the reassembly's */
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	err = ip_defrag(dev_net(sw->dev), skb, SW_DEFRAG_USER);
	if (err == -EINPROGRESS)
		return SW_DONE;
	if (err) {
		sw_dp_count(sw, SW_DROP_FRAGMENT, tx);
		return SW_DONE;
	}
	skb->dev = dev;
	return sw_ipv4_pull(skb);
}
