#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ICMP error translation (RFC 5508, RFC 7597 8.2) both ways: the packet
# embedded in an ICMP error is translated like the flow it belongs to.
#
#  lan 198.51.100.2 -- ce (mape0, 192.0.2.18) -- core -- br (ip6tnl, 203.0.113.1) -- inet 203.0.113.10
#
#  1. LAN UDP 40060 -> inet:9 (closed): the port unreachable comes back to the LAN
#     host with the embedded packet 198.51.100.2.40060 > 203.0.113.10.9.
#  2. LAN UDP 40061 with TTL 2 expires at the BR: time exceeded from 203.0.113.1
#     reaches the LAN host with 198.51.100.2.40061 embedded.
#  3. inet -> the mapped port of a closed LAN socket (40062): the LAN host's port
#     unreachable leaves the CE as 192.0.2.18 with 203.0.113.10.5003 > 192.0.2.18.P
#     embedded.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
mape_topo
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }

# ---- 1
cap_start lan1 "$LAN" eth0 icmp
udp_run "$LAN" --bind $LAN_A:40060 --send $INET_A:9:probe --expect 1 --timeout 5 >/dev/null
cap_stop lan1 >/dev/null
out=$(tcpdump -nn -v -r "$TMPD/lan1.pcap" 'icmp[0] = 3 and icmp[1] = 3' 2>/dev/null)
check_match "1: port unreachable from 203.0.113.10 reaches the LAN host" \
	"$INET_A > $LAN_A: ICMP $INET_A udp port 9 unreachable" "$out"
check_match "1: embedded packet translated back" "$LAN_A\.40060 > $INET_A\.9: .*UDP" "$out"

# ---- 2
cap_start lan2 "$LAN" eth0 icmp
udp_run "$LAN" --bind $LAN_A:40061 --ttl 2 --send $INET_A:9:ttl --expect 1 --timeout 5 >/dev/null
cap_stop lan2 >/dev/null
out=$(tcpdump -nn -v -r "$TMPD/lan2.pcap" 'icmp[0] = 11' 2>/dev/null)
check_match "2: time exceeded from the BR reaches the LAN host" \
	"203\.0\.113\.1 > $LAN_A: ICMP time exceeded in-transit" "$out"
check_match "2: embedded packet translated back" "$LAN_A\.40061 > $INET_A\.9: .*UDP" "$out"

# ---- 3
udp_bg srv "$INET" --bind $INET_A:5003 --expect 1 --timeout 30
udp_run "$LAN" --bind $LAN_A:40062 --send $INET_A:5003:bye >/dev/null
bg_wait srv 30
ext=$(bg_out srv) ext=${ext#from } ext=${ext%% *}
check_match "3: mapping for 40062" "^$CE_V4:[0-9]+$" "$ext"
cap_start inet3 "$INET" eth0 icmp
udp_run "$INET" --bind $INET_A:5003 --send "$ext:late" --expect 1 --timeout 5 >/dev/null
cap_stop inet3 >/dev/null
out=$(tcpdump -nn -v -r "$TMPD/inet3.pcap" 'icmp[0] = 3 and icmp[1] = 3' 2>/dev/null)
check_match "3: the LAN host's port unreachable leaves as 192.0.2.18" \
	"$CE_V4 > $INET_A: ICMP $CE_V4 udp port ${ext#*:} unreachable" "$out"
check_match "3: embedded packet translated" "$INET_A\.5003 > $CE_V4\.${ext#*:}: .*UDP" "$out"
baseline || check_eq "no drops" "" "$(mape_drops_nonzero)"

dmesg_check
ksft_exit
