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
#  4. ping with TTL 2: the time exceeded quotes the echo request, whose
#     identifier is translated back, so ping matches it.
#  5. TCP SYN with TTL 2: the time exceeded quotes the LAN host's own SYN.
#  6. No route to the BR in the core: its ICMPv6 destination unreachable about
#     our packet becomes an ICMPv4 host unreachable to the LAN socket (RFC 2473 8).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start
mape_ce_up

# Two oracles per error: the capture (addresses, the quoted packet as
# translated, its IPv4 header checksum; not its UDP checksum, which veth's
# checksum offload leaves partial), and the sending socket (IP_RECVERR)
# receiving it, which needs a valid ICMP checksum and a quoted packet naming
# that socket exactly.
PU='icmp[0] = 3 and icmp[1] = 3'
TE='icmp[0] = 11'

# ---- 1
cap_start lan1 "$LAN" eth0 icmp
out=$(udp_run "$LAN" --bind $LAN_A:40060 --send $INET_A:9:probe --recverr --expect 1 --timeout 10)
check_eq "1: the LAN socket gets the port unreachable" "icmp type 3 code 3 from $INET_A info 0" "$out"
wait_for 10 pcap_has lan1 "$PU"
cap_stop lan1 >/dev/null
out=$(tcpdump -nn -v -r "$TMPD/lan1.pcap" "$PU" 2>/dev/null)
check_match "1: port unreachable from 203.0.113.10 reaches the LAN host" \
	"$INET_A > $LAN_A: ICMP $INET_A udp port 9 unreachable" "$out"
check_match "1: embedded packet translated back" "$LAN_A\.40060 > $INET_A\.9: .*UDP" "$out"
check_eq "1: exactly one" 1 "$(pcap_count lan1 "$PU")"
check_eq "1: the quoted IPv4 header checksum is right" 0 "$(grep -c 'bad cksum' <<<"$out")"

# ---- 2
cap_start lan2 "$LAN" eth0 icmp
out=$(udp_run "$LAN" --bind $LAN_A:40061 --ttl 2 --send $INET_A:9:ttl --recverr --expect 1 --timeout 10)
check_eq "2: the LAN socket gets the time exceeded" "icmp type 11 code 0 from 203.0.113.1 info 0" "$out"
wait_for 10 pcap_has lan2 "$TE"
cap_stop lan2 >/dev/null
out=$(tcpdump -nn -v -r "$TMPD/lan2.pcap" "$TE" 2>/dev/null)
check_match "2: time exceeded from the BR reaches the LAN host" \
	"203\.0\.113\.1 > $LAN_A: ICMP time exceeded in-transit" "$out"
check_match "2: embedded packet translated back" "$LAN_A\.40061 > $INET_A\.9: .*UDP" "$out"
check_eq "2: the quoted IPv4 header checksum is right" 0 "$(grep -c 'bad cksum' <<<"$out")"

# ---- 3
udp_bg srv "$INET" --bind $INET_A:5003 --expect 1 --timeout 30
udp_run "$LAN" --bind $LAN_A:40062 --send $INET_A:5003:bye >/dev/null
bg_wait srv 30
ext=$(bg_out srv) ext=${ext#from } ext=${ext%% *}
check_match "3: mapping for 40062" "^$CE_V4:[0-9]+$" "$ext"
cap_start inet3 "$INET" eth0 icmp
out=$(udp_run "$INET" --bind $INET_A:5003 --send "$ext:late" --recverr --expect 1 --timeout 10)
check_eq "3: the inet socket gets the port unreachable from 192.0.2.18" \
	"icmp type 3 code 3 from $CE_V4 info 0" "$out"
wait_for 10 pcap_has inet3 "$PU"
cap_stop inet3 >/dev/null
out=$(tcpdump -nn -v -r "$TMPD/inet3.pcap" "$PU" 2>/dev/null)
check_match "3: the LAN host's port unreachable leaves as 192.0.2.18" \
	"$CE_V4 > $INET_A: ICMP $CE_V4 udp port ${ext#*:} unreachable" "$out"
check_match "3: embedded packet translated" "$INET_A\.5003 > $CE_V4\.${ext#*:}: .*UDP" "$out"
check_eq "3: the quoted IPv4 header checksum is right" 0 "$(grep -c 'bad cksum' <<<"$out")"
# ---- 4
cap_start lan4 "$LAN" eth0 icmp
out=$(nx "$LAN" ping -n -c 1 -t 2 -W 5 $INET_A 2>&1)
check_match "4: ping with TTL 2 reports the BR's time exceeded (its identifier translated back)" \
	"From 203\.0\.113\.1 icmp_seq=1 Time to live exceeded" "$out"
socat_out=$(nx "$LAN" timeout 10 socat -u OPEN:/dev/null \
	TCP4:$INET_A:5009,bind=$LAN_A:40080,ttl=2,connect-timeout=3 2>&1)
wait_for 10 pcap_has lan4 "$TE and icmp[8+9] = 6"
cap_stop lan4 >/dev/null
out=$(tcpdump -nn -v -r "$TMPD/lan4.pcap" "$TE and icmp[8+9] = 6" 2>/dev/null)
check_match "5: time exceeded for a TCP SYN quotes the LAN host's own SYN" \
	"$LAN_A\.40080 > $INET_A\.5009: Flags \[S\]" "$out"
log "socat: $socat_out"

# ---- 6 (not the baseline's: ip6tnl relays it to the translated source)
if ! baseline; then
	ip -n "$CORE" -6 route del 2001:db8:ffff::/48
	out=$(udp_run "$LAN" --bind $LAN_A:40063 --send $INET_A:9:nobr --recverr --expect 1 --timeout 10)
	check_eq "6: the core's ICMPv6 no-route becomes a host unreachable from the CE to the LAN socket" \
		"icmp type 3 code 1 from 198.51.100.1 info 0" "$out"
	ip -n "$CORE" -6 route add 2001:db8:ffff::/48 via 2001:db8:ff00:3::2
fi

baseline || check_eq "no drops" "" "$(mape_drops_nonzero)"

dmesg_check
ksft_exit
