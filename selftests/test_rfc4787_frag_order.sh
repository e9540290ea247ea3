#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-14: a NAT MUST support fragments arriving out of order. The
# CE gathers them (kmod/frag.c) in both directions.
#
#  lan 198.51.100.2 -- l0 198.51.100.1  ce (mape0, 192.0.2.18)
#                      w0 2001:db8:ff00:1::2 -- core -- br (ip6tnl, 203.0.113.1) -- inet 203.0.113.10
#
#  1. LAN -> WAN: a 3000-byte UDP datagram from .2:40500 to .10:5010 sent as 4
#     IPv4 fragments, last first (helpers/frag.py): they reach the CE's l0 in
#     that order (offsets 2400 1600 800 0) and .10 receives the datagram whole
#     from 192.0.2.18.
#  2. WAN -> LAN: .2:40501 opens a mapping; .10 sends 3000 bytes to its
#     external port as 4 fragments in the order 2,0,3,1: the BR's ip6tnl carries
#     each alone, they come out of the tunnel in that order (offsets 1600 0
#     2400 800 inside IPv6 on the CE's w0) and the LAN socket receives the
#     datagram whole.
#  No fragment drops in either direction.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start
mape_ce_up

# frag_offsets NAME FILTER: the IPv4 fragment offsets of the capture, in order
# (tcpdump -v prints the inner IPv4 header of IPv4-in-IPv6 as well).
frag_offsets() {
	tcpdump -nn -v -r "$TMPD/$1.pcap" "$2" 2>/dev/null |
		sed -n 's/.*IP (tos [^)]*, id [0-9]*, offset \([0-9]*\),.*/\1/p' | tr '\n' ' '
}
fr0=$(baseline && echo 0 || mape_drop fragment)

# ---- 1. LAN -> WAN
udp_bg out "$INET" --bind $INET_A:5010 --expect 1 --summary --timeout 60
cap_start l0 "$CE" l0 "ip and src $LAN_A and dst $INET_A"
nx "$LAN" $PY "$MAPE_HELPERS/frag.py" $LAN_A:40500 $INET_A:5010 3000 800 reverse
bg_wait out 60
wait_for 10 pcap_has l0 "ip[6:2] & 0x1fff = 0" 1
cap_stop l0 >/dev/null
check_eq "1: the fragments reach the CE last first" "2400 1600 800 0 " "$(frag_offsets l0 ip)"
check_match "1: .10 receives 3000 bytes whole from 192.0.2.18" "^from $CE_V4:[0-9]+ len 3000\$" "$(bg_out out)"

# ---- 2. WAN -> LAN
udp_bg srv "$INET" --bind $INET_A:5011 --expect 1 --timeout 30
udp_bg lan "$LAN" --bind $LAN_A:40501 --send $INET_A:5011:open --expect 1 --summary --timeout 60
bg_wait srv 30
ext=$(bg_out srv) ext=${ext#from } ext=${ext%% *}
check_match "2: mapping for $LAN_A:40501" "^$CE_V4:[0-9]+\$" "$ext"
cap_start w0 "$CE" w0 "ip6 and ip6[6] = 4"
nx "$INET" $PY "$MAPE_HELPERS/frag.py" $INET_A:5011 "$ext" 3000 800 2,0,3,1
bg_wait lan 60
wait_for 10 pcap_has w0 "ip6" 4
cap_stop w0 >/dev/null
check_eq "2: the fragments come out of the tunnel in the order 2,0,3,1" \
	"1600 0 2400 800 " "$(frag_offsets w0 ip6)"
check_eq "2: the LAN socket receives 3000 bytes whole from .10" \
	"from $INET_A:5011 len 3000" "$(bg_out lan)"
baseline || check_eq "no fragment drops" "$fr0" "$(mape_drop fragment)"

dmesg_check
ksft_exit
