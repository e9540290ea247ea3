#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The fast path (`fastpath on`): a learned flow skips IPv4 routing and the
# firewall on the CE, and must still look exactly like forwarding from
# outside. Oracles: what the inet host receives (source, TTL, payloads), the
# "fastpath_packets" counter of `swctl -j stats`, and the LAN socket's errors.
#
#  lan 198.51.100.2 -- ce (mape0, fastpath on) -- core -- br (ip6tnl) -- inet 203.0.113.10
#
#  1. Ten datagrams of one flow: each delivered once, from the CE's address and one
#     port of the set; the first takes the full way and is learned, the other
#     nine are counted by the fast path.
#  2. TTL: three datagrams sent with TTL 10 arrive with one TTL (the first by
#     forwarding, the others by the fast path), 10 less the hops (CE and BR).
#  3. A blackhole route to the inet host voids the learned flow at once:
#     nothing arrives and the fast path counts nothing; without it, the flow
#     is delivered and learned again.
#  4. A forward-chain rule dropping the flow applies within the 30 s after
#     which a learned flow takes the full way again; then nothing arrives.
#  5. DF datagram over mape0's MTU, then over a route's smaller MTU:
#     forwarding's Frag Needed, with that MTU, reaches the LAN socket (the
#     fast path leaves it to forwarding).
#  6. A 2 MB TCP transfer (veth GSO super-packets) through the fast path.
#  7. fastpath off: traffic flows, the counter stands still.
#  8. The instance deleted while its fast path carries a flow: gone, its hook
#     with it (the kernel log stays clean).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start "the fast path is softwire's"
require_cmd nft
mape_ce_add rfc fastpath on || { _failed "create the CE with fastpath on"; ksft_exit; }
fp() { mape_stat fastpath_packets; }

# ---- 1
udp_bg srv "$INET" --bind $INET_A:5000 --expect 10 --echo --timeout 60
sends=()
for i in 0 1 2 3 4 5 6 7 8 9; do sends+=(--send "$INET_A:5000:d$i"); done
f0=$(fp)
out=$(udp_run "$LAN" --bind $LAN_A:40000 "${sends[@]}" --expect 10 --timeout 60)
bg_wait srv 30
check_eq "1: the LAN socket gets the ten echoes" 10 "$(grep -c '^from 203.0.113.10:5000 echo:d' <<<"$out")"
# (each once; the first, taking the full way, may be overtaken)
check_eq "1: inet receives the ten datagrams" "d0 d1 d2 d3 d4 d5 d6 d7 d8 d9" \
	"$(bg_out srv | awk '{ print $3 }' | sort | tr '\n' ' ' | sed 's/ $//')"
srcs=$(bg_out srv | awk '{ print $2 }' | sort -u)
check_match "1: all from one source, the CE's address" "^$CE_V4:[0-9]+\$" "$srcs"
port=${srcs##*:}
check_cond "1: its port $port is in the set" port_in_set "${port:-0}"
check_eq "1: the fast path sent all but the first" $((f0 + 9)) "$(fp)"
check_eq "1: one mapping for the flow" "$CE_V4:$port" "$(mape_ext udp $LAN_A:40000)"

# ---- 2
cap_start ttl "$INET" eth0 udp and dst port 5001
udp_bg srv2 "$INET" --bind $INET_A:5001 --expect 3 --timeout 60
f0=$(fp)
udp_run "$LAN" --bind $LAN_A:40001 --ttl 10 --send $INET_A:5001:t0 --send $INET_A:5001:t1 \
	--send $INET_A:5001:t2 >/dev/null
bg_wait srv2 30
cap_stop ttl >/dev/null
check_eq "2: three datagrams arrive" 3 "$(bg_out srv2 | grep -c .)"
check_eq "2: the fast path sent two of them" $((f0 + 2)) "$(fp)"
ttls=$(tcpdump -nn -v -r "$TMPD/ttl.pcap" 2>/dev/null | sed -n 's/.*ttl \([0-9]*\),.*/\1/p' | tr '\n' ' ')
check_eq "2: TTL 10 less two hops, each time" "8 8 8 " "$ttls"

# ---- 3
udp_bg srv3 "$INET" --bind $INET_A:5002 --expect 20 --timeout 120
udp_run "$LAN" --bind $LAN_A:40002 --send $INET_A:5002:a0 --send $INET_A:5002:a1 >/dev/null
wait_ge 10 2 count_lines bg_out srv3
ip -n "$CE" route add blackhole $INET_A/32
f0=$(fp)
udp_run "$LAN" --bind $LAN_A:40002 --send $INET_A:5002:b0 --send $INET_A:5002:b1 >/dev/null
sleep 1
check_eq "3: with a blackhole route nothing more arrives" "a0 a1" \
	"$(bg_out srv3 | awk '{ printf "%s%s", s, $3; s = " " }')"
check_eq "3: and the fast path sent nothing" "$f0" "$(fp)"
ip -n "$CE" route del blackhole $INET_A/32
udp_run "$LAN" --bind $LAN_A:40002 --send $INET_A:5002:c0 --send $INET_A:5002:c1 \
	--send $INET_A:5002:c2 >/dev/null
wait_ge 10 5 count_lines bg_out srv3
check_eq "3: without it the flow is delivered again" "a0 a1 c0 c1 c2" \
	"$(bg_out srv3 | awk '{ printf "%s%s", s, $3; s = " " }')"
check_eq "3: learned again: the fast path sent all but the first" $((f0 + 2)) "$(fp)"

# ---- 4
udp_bg srv4 "$INET" --bind $INET_A:5003 --expect 100 --timeout 200
udp_run "$LAN" --bind $LAN_A:40003 --send $INET_A:5003:w0 --send $INET_A:5003:w1 >/dev/null
wait_ge 10 2 count_lines bg_out srv4
check_ok "4: forward chain drops the flow" nx "$CE" nft -f - <<-EOF
	table inet swfp {
		chain forward_filter {
			type filter hook forward priority filter; policy accept;
			ip daddr $INET_A udp dport 5003 counter drop
		}
	}
	EOF
t0=$(date +%s)
stopped=
for i in $(seq 1 30); do
	n=$(bg_out srv4 | grep -c .)
	udp_run "$LAN" --bind $LAN_A:40003 --send "$INET_A:5003:x$i" >/dev/null
	sleep 1
	if [ "$(bg_out srv4 | grep -c .)" = "$n" ]; then stopped=$i; break; fi
	sleep 1
done
dt=$(($(date +%s) - t0))
check_cond "4: the flow stops (after $dt s, datagram ${stopped:-none})" test -n "$stopped"
check_cond "4: within 30 s and a margin" test "$dt" -le 40
n=$(bg_out srv4 | grep -c .)
udp_run "$LAN" --bind $LAN_A:40003 --send $INET_A:5003:y0 --send $INET_A:5003:y1 >/dev/null
sleep 1
check_eq "4: and stays stopped" "$n" "$(bg_out srv4 | grep -c .)"
check_match "4: the firewall counted the drops" 'packets [1-9]' \
	"$(nx "$CE" nft list chain inet swfp forward_filter)"
nx "$CE" nft delete table inet swfp

# ---- 5
f0=$(fp)
udp_run "$LAN" --bind $LAN_A:40004 --df --send $INET_A:5000:learn0 --send $INET_A:5000:learn1 >/dev/null
wait_gt 10 "$f0" fp
check_eq "5: the DF flow is learned" $((f0 + 1)) "$(fp)"
out=$(udp_run "$LAN" --bind $LAN_A:40004 --df --recverr --pad 1450 \
	--send "$INET_A:5000:big" --expect 1 --timeout 20)
check_match "5: Frag Needed for mape0's MTU reaches the LAN socket" \
	'^icmp type 3 code 4 from [0-9.]+ info 1460$' "$out"
check_eq "5: not by the fast path" $((f0 + 1)) "$(fp)"
# the route's MTU, when it has one, is the one forwarding applies
ip -n "$CE" route replace default dev mape0 mtu 1300
f0=$(fp)
udp_run "$LAN" --bind $LAN_A:40005 --df --send $INET_A:5000:learn0 --send $INET_A:5000:learn1 >/dev/null
wait_gt 10 "$f0" fp
out=$(udp_run "$LAN" --bind $LAN_A:40005 --df --recverr --pad 1350 \
	--send "$INET_A:5000:big" --expect 1 --timeout 20)
check_match "5: with a 1300-byte route MTU, Frag Needed says 1300" \
	'^icmp type 3 code 4 from [0-9.]+ info 1300$' "$out"
check_eq "5: and the fast path sent only the learned flow's second datagram" $((f0 + 1)) "$(fp)"
ip -n "$CE" route replace default dev mape0

# ---- 6
head -c 2097152 /dev/urandom >"$TMPD/blob"
bg tcpsrv nx "$INET" socat -u TCP4-LISTEN:5005,reuseaddr OPEN:"$TMPD/rcvd",creat,trunc
wait_for 20 tcp_listening "$INET" 5005
f0=$(fp)
check_ok "6: 2 MB TCP transfer" \
	nx "$LAN" timeout 120 socat -u OPEN:"$TMPD/blob" TCP4:$INET_A:5005,bind=$LAN_A:41000
bg_wait tcpsrv 30
check_cond "6: received intact" cmp -s "$TMPD/blob" "$TMPD/rcvd"
check_cond "6: the fast path carried it (over 10 packets)" test "$(fp)" -gt $((f0 + 10))

# ---- 7
check_ok "7: fastpath off" nsw "$CE" map-e set mape0 fastpath off
f0=$(fp)
udp_bg srv7 "$INET" --bind $INET_A:5006 --expect 3 --timeout 60
udp_run "$LAN" --bind $LAN_A:40006 --send $INET_A:5006:o0 --send $INET_A:5006:o1 \
	--send $INET_A:5006:o2 >/dev/null
bg_wait srv7 30
check_eq "7: three datagrams arrive" 3 "$(bg_out srv7 | grep -c .)"
check_eq "7: the fast path sent none" "$f0" "$(fp)"
check_eq "no softwire drops" "" "$(mape_drops_nonzero)"

# ---- 8
check_ok "8: fastpath on again" nsw "$CE" map-e set mape0 fastpath on
f0=$(fp)
bg ping8 nx "$LAN" ping -n -q -i 0.01 -c 5000 -W 1 $INET_A
wait_gt 30 $((f0 + 20)) fp
check_cond "8: the fast path carries the echo requests" test "$(fp)" -gt $((f0 + 20))
check_ok "8: ip link del of the instance while its fast path carries a flow" \
	ip -n "$CE" link del mape0
check_cond "8: the instance is gone" test -z "$(sw_devs "$CE")"
kill "$PID_ping8" 2>/dev/null

dmesg_check
ksft_exit
