#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MTU and fragmentation through the CE (RFC 7597 8.3, RFC 2473 7,
# ip6_tunnel-style ICMPv6 Packet Too Big -> ICMPv4 Fragmentation Needed).
#
#  lan 198.51.100.2 -- ce (mape0 mtu 1460) -- core --[c3/b0 mtu 1400]-- br (ip6tnl) -- inet .10 .20 .30
#
#  DF datagrams are sent by UDP sockets with IP_PMTUDISC_PROBE (DF set, the
#  sender's own path MTU ignored) and IP_RECVERR: the Frag Needed must reach
#  the very socket (valid checksum, quoted packet naming it), with its MTU.
#  1. DF 1500 bytes > mape0's 1460: Frag Needed mtu 1460 (the CE's IPv4 forwarding).
#  2. DF 1460 (fits mape0, outer 1500 > the core's 1400): the core's ICMPv6
#     Packet Too Big reaches the CE, the LAN socket gets Frag Needed mtu 1360
#     with its own packet (translated back) quoted.
#  3. With that path MTU known, DF 1460 to a new destination: the CE answers
#     Frag Needed mtu 1360 itself, "too-big" +1.
#  4. Non-DF 1460 to .30: carried as outer IPv6 fragments (<= 1400), reassembled
#     by the BR, delivered whole from 192.0.2.18.
#  5. Non-DF 1500 > mape0's MTU: fragmented by the CE's IPv4 forwarding, gathered
#     by softwire, then IPv6-fragmented; delivered whole.
#  6. LAN IPv4 fragments of a 3000-byte UDP datagram (helpers/frag.py) are
#     delivered to the inet host whole, from 192.0.2.18 and a port of the set.
#  7. Inbound: a non-DF 3000-byte datagram from inet is fragmented by the BR's
#     IPv4 forwarding into br0 (mtu 1360, so that each fits the 1400 link);
#     softwire gathers the inner fragments and the LAN socket receives it whole.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

INET_C=203.0.113.30
GW=198.51.100.1		# the CE, source of its own Frag Needed
cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
mape_topo
ip -n "$INET" addr add $INET_C/24 dev eth0
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }
ip -n "$CORE" link set c3 mtu 1400
ip -n "$BR" link set b0 mtu 1400

# df_probe LANPORT DST:PORT PAD: one DF datagram of PAD bytes of UDP payload;
# prints what the socket gets back (one ICMP error expected).
df_probe() {
	udp_run "$LAN" --bind "$LAN_A:$1" --df --recverr --pad "$3" --send "$2:df" \
		--expect 1 --timeout 10
}

# ---- 1
check_eq "1: Frag Needed mtu 1460 for a 1500-byte DF datagram" \
	"icmp type 3 code 4 from $GW info 1460" "$(df_probe 40031 $INET_A:5000 1472)"

# ---- 2
# (ip6tnl + SNAT, the baseline, cannot do the checks marked sw: its relayed
# Frag Needed goes to the translated source, and it answers non-DF packets
# too big for the path with Frag Needed instead of fragmenting them.)
sw() { baseline || "$@"; }
cap_start ptb "$CORE" c1 icmp6
cap_start lan2 "$LAN" eth0 icmp
out=$(df_probe 40032 $INET_A:5000 1432)
sw check_eq "2: Frag Needed mtu 1360 from the core's Packet Too Big" \
	"icmp type 3 code 4 from $GW info 1360" "$out"
sw wait_for 10 pcap_has lan2 'icmp[0] = 3 and icmp[1] = 4'
cap_stop ptb >/dev/null; cap_stop lan2 >/dev/null
check_eq "2: the core sent one Packet Too Big (mtu 1400) to the MAP address" 1 \
	"$(pcap_lines ptb "icmp6 and ip6[40] = 2 and ip6 dst $MAP6" | grep -c 'mtu 1400')"
out=$(tcpdump -nn -v -r "$TMPD/lan2.pcap" 'icmp[0] = 3 and icmp[1] = 4' 2>/dev/null)
sw check_match "2: the quoted packet is the LAN host's own (translated back)" \
	"$LAN_A\.40032 > $INET_A\.5000: UDP, length 1432" "$out"
check_eq "2: the quoted IPv4 header checksum is right" 0 "$(grep -c 'bad cksum' <<<"$out")"

# ---- 3
tb0=$(baseline && echo -1 || mape_drop too-big)
check_eq "3: Frag Needed mtu 1360 for a new destination, from the CE" \
	"icmp type 3 code 4 from $GW info 1360" "$(df_probe 40033 $INET_B:5000 1432)"
sw check_eq "3: counted as too-big" $((tb0 + 1)) "$(mape_drop too-big)"

# ---- 4
cap_start frag6 "$CORE" c1 "ip6 src $MAP6 and ip6 dst $BR6"
udp_bg big "$INET" --bind $INET_C:5000 --expect 1 --summary --timeout 30
udp_run "$LAN" --bind $LAN_A:40040 --nodf --pad 1432 --send $INET_C:5000:big >/dev/null
sw bg_wait big 30
sw check_match "4: the inet host receives the 1432-byte datagram whole from 192.0.2.18" \
	"^from $CE_V4:[0-9]+ len 1432\$" "$(bg_out big)"
cap_stop frag6 >/dev/null
sw check_eq "4: carried as 2 outer IPv6 fragments" 2 "$(pcap_count frag6 "ip6[6] = 44")"
check_cond "4: the capture holds the outer packets" pcap_has frag6 ip6
check_eq "4: no outer packet larger than 1400" 0 "$(pcap_count frag6 "ip6 and ip6[4:2] > 1360")"

# ---- 5
udp_bg big5 "$INET" --bind $INET_C:5001 --expect 1 --summary --timeout 30
udp_run "$LAN" --bind $LAN_A:40041 --nodf --pad 1472 --send $INET_C:5001:big >/dev/null
bg_wait big5 30
check_match "5: a non-DF 1500-byte datagram (> mape0's MTU) arrives whole" \
	"^from $CE_V4:[0-9]+ len 1472\$" "$(bg_out big5)"

# ---- 6
udp_bg frag "$INET" --bind $INET_A:5002 --expect 1 --summary --timeout 60
nx "$LAN" $PY "$MAPE_HELPERS/frag.py" $LAN_A:40050 $INET_A:5002 3000 800
bg_wait frag 60
out=$(bg_out frag)
check_match "6: fragmented LAN datagram delivered whole from 192.0.2.18" "^from $CE_V4:[0-9]+ len 3000\$" "$out"
p=${out#from $CE_V4:} p=${p%% *}
check_cond "6: its source port $p is in the set" port_in_set "${p:-0}"
baseline || check_eq "6: mapping for the fragmented flow" "$CE_V4:$p" "$(mape_ext udp $LAN_A:40050)"

# ---- 7
# (ip6tnl answers Frag Needed even without DF rather than fragment in IPv6:
# give br0 an MTU whose encapsulated packets fit the core link.)
ip -n "$BR" link set br0 mtu 1360
udp_bg srv7 "$INET" --bind $INET_A:5006 --expect 1 --timeout 30
udp_bg lan7 "$LAN" --bind $LAN_A:40070 --send $INET_A:5006:open --expect 1 --summary --timeout 60
bg_wait srv7 30
ext=$(bg_out srv7) ext=${ext#from } ext=${ext%% *}
check_match "7: mapping for 40070" "^$CE_V4:[0-9]+$" "$ext"
fr0=$(baseline && echo 0 || mape_drop fragment)
udp_run "$INET" --bind $INET_A:5006 --nodf --pad 3000 --send "$ext:in" >/dev/null
bg_wait lan7 30
check_eq "7: the inbound 3000-byte datagram reaches the LAN socket whole" \
	"from $INET_A:5006 len 3000" "$(bg_out lan7)"
if ! baseline; then
	check_eq "7: no fragment drops" "$fr0" "$(mape_drop fragment)"
	check_eq "no drops but the too-big of 3" "too-big=1" "$(mape_drops_nonzero)"
fi

dmesg_check
ksft_exit
