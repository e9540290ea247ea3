#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MTU and fragmentation through the CE (RFC 7597 8.3.1, RFC 2473 7,
# ip6_tunnel-style ICMPv6 Packet Too Big -> ICMPv4 Fragmentation Needed).
#
#  lan 198.51.100.2 -- ce (mape0 mtu 1460) -- core --[c3/b0 mtu 1400]-- br (ip6tnl) -- inet .10 .20 .30
#
#  1. DF 1500-byte IPv4 > mape0's 1460: Frag Needed (mtu 1460) back to the LAN host.
#  2. DF 1460-byte IPv4 (fits mape0, outer 1500 > the core's 1400): the core's
#     ICMPv6 Packet Too Big reaches the CE, the LAN host gets Frag Needed with
#     mtu 1360 and its own packet (translated back) embedded.
#  3. With that path MTU known, a DF 1460 to a new destination: the CE answers
#     Frag Needed mtu 1360 itself, "too-big" +1.
#  4. Non-DF 1460 to .30: carried as outer IPv6 fragments (<= 1400), reassembled
#     by the BR, delivered whole from 192.0.2.18.
#  5. LAN IPv4 fragments of a 3000-byte UDP datagram (scapy fragment()) are
#     delivered to the inet host whole, from 192.0.2.18 and a port of the set.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

INET_C=203.0.113.30
cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
mape_topo
ip -n "$INET" addr add $INET_C/24 dev eth0
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }
ip -n "$CORE" link set c3 mtu 1400
ip -n "$BR" link set b0 mtu 1400

# fn_lines NAME: the ICMP Frag Needed packets of capture NAME, decoded (-v).
fn_lines() { tcpdump -nn -v -r "$TMPD/$1.pcap" 'icmp[0] = 3 and icmp[1] = 4' 2>/dev/null; }

# ---- 1
cap_start lan1 "$LAN" eth0 icmp
nx "$LAN" ping -n -c 1 -W 3 -M "do" -s 1472 $INET_A >/dev/null 2>&1
cap_stop lan1 >/dev/null
check_match "1: Frag Needed mtu 1460 for a 1500-byte DF packet" 'need to frag \(mtu 1460\)' "$(fn_lines lan1)"

# ---- 2
cap_start lan2 "$LAN" eth0 icmp
cap_start ptb "$CORE" c1 icmp6
for i in 1 2 3; do
	nx "$LAN" ping -n -c 1 -W 3 -M "do" -s 1432 $INET_A >/dev/null 2>&1
	fn_lines lan2 | grep -q 'mtu 1360' && break
done
cap_stop lan2 >/dev/null; cap_stop ptb >/dev/null
check_eq "2: the core sent Packet Too Big (mtu 1400) to the MAP address" 1 \
	"$(pcap_lines ptb "icmp6 and ip6[40] = 2 and ip6 dst $MAP6" | grep -c 'mtu 1400' | sed 's/^[1-9][0-9]*$/1/')"
fn=$(fn_lines lan2)
check_match "2: the LAN host gets Frag Needed with mtu 1360" 'need to frag \(mtu 1360\)' "$fn"
check_match "2: the embedded packet is the LAN host's own (translated back)" \
	"$LAN_A > $INET_A: ICMP echo request" "$fn"

# ---- 3
tb0=$(baseline && echo 0 || mape_drop too-big)
cap_start lan3 "$LAN" eth0 icmp
nx "$LAN" ping -n -c 1 -W 3 -M "do" -s 1432 $INET_B >/dev/null 2>&1
cap_stop lan3 >/dev/null
check_match "3: Frag Needed mtu 1360 for a new destination" 'need to frag \(mtu 1360\)' "$(fn_lines lan3)"
baseline || check_eq "3: counted as too-big" $((tb0 + 1)) "$(mape_drop too-big)"

# ---- 4
cap_start frag6 "$CORE" c1 "ip6 src $MAP6 and ip6 dst $BR6"
udp_bg big "$INET" --bind $INET_C:5000 --expect 1 --summary --timeout 30
udp_run "$LAN" --bind $LAN_A:40040 --nodf --pad 1432 --send $INET_C:5000:big >/dev/null
bg_wait big 30
check_match "4: the inet host receives the 1432-byte datagram whole from 192.0.2.18" \
	"^from $CE_V4:[0-9]+ len 1432\$" "$(bg_out big)"
cap_stop frag6 >/dev/null
nfrag=$(pcap_count frag6 "ip6[6] = 44")
check_cond "4: carried as $nfrag outer IPv6 fragments" test "$nfrag" -ge 2
check_eq "4: no outer packet larger than 1400" 0 \
	"$(pcap_count frag6 "ip6 and ip6[4:2] > 1360")"

# ---- 5
udp_bg frag "$INET" --bind $INET_A:5002 --expect 1 --summary --timeout 60
nx "$LAN" $PY "$MAPE_HELPERS/frag.py" $LAN_A:40050 $INET_A:5002 3000 800
bg_wait frag 60
out=$(bg_out frag)
check_match "5: fragmented LAN datagram delivered whole from 192.0.2.18" "^from $CE_V4:[0-9]+ len 3000\$" "$out"
p=${out#from $CE_V4:} p=${p%% *}
check_cond "5: its source port $p is in the set" port_in_set "${p:-0}"
baseline || check_eq "5: mapping for the fragmented flow" "$CE_V4:$p" "$(mape_ext udp $LAN_A:40050)"

dmesg_check
ksft_exit
