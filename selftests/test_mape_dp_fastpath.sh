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
#  9. TTL on every segment of a fast-path GSO TCP transfer: 64 less two hops.
# 10. DF-clear UDP GSO (UDP_SEGMENT) on the fast path: IPv4 IDs in the PSID's
#     range (RFC 7597 8.3.3); over a path needing IPv6 fragments, they arrive whole.
# 11. INVALID TCP ACKs (conntrack looking, tcp_loose 0) take the full way.
# 12. A flow with a conntrack helper (ftp) takes the full way.
# 13. The fast-path table is charged to the caller's memory cgroup.
# 14. With every PRE_ROUTING hook slot taken, a change while on is refused and
#     the fast path stays on, as `show` says.
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

# ---- 9
# RFC 1812 5.3.1 on every segment: a GSO super-packet's TTL is decremented
# once, in the header each segment is cut with.
cap_start ttl9 "$INET" eth0 tcp and dst port 5007 and greater 1000
bg tcpsrv9 nx "$INET" socat -u TCP4-LISTEN:5007,reuseaddr OPEN:/dev/null
wait_for 20 tcp_listening "$INET" 5007
f0=$(fp)
check_ok "9: 2 MB TCP transfer" \
	nx "$LAN" timeout 120 socat -u OPEN:"$TMPD/blob" TCP4:$INET_A:5007,bind=$LAN_A:41009
bg_wait tcpsrv9 30
cap_stop ttl9 >/dev/null
check_cond "9: the fast path carried it (over 10 packets)" test "$(fp)" -gt $((f0 + 10))
ttls=$(tcpdump -nn -v -r "$TMPD/ttl9.pcap" 2>/dev/null | sed -n 's/.*ttl \([0-9]*\),.*/\1/p')
check_cond "9: over 100 full segments seen" test "$(grep -c . <<<"$ttls")" -gt 100
check_eq "9: each with TTL 64 less two hops" 62 "$(sort -u <<<"$ttls" | tr '\n' ' ' | sed 's/ $//')"

# ---- 10
# RFC 7597 8.3.3 on the fast path too: DF-clear UDP GSO super-packets (UDP_SEGMENT,
# IP_PMTUDISC_DONT) get Identifications whose top 8 bits are the PSID (0x34), and
# with mape0's MTU raised, segments too big for the IPv6 path once encapsulated are
# fragmented by the IPv6 output and arrive whole.
cat >"$TMPD/gso.py" <<-'EOF'
	import socket, sys
	dst, port, size, segs, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind((sys.argv[6], 0))
	s.setsockopt(socket.IPPROTO_IP, 10, 0)         # IP_MTU_DISCOVER: IP_PMTUDISC_DONT
	s.setsockopt(socket.IPPROTO_UDP, 103, size)    # UDP_SEGMENT
	for i in range(n):
	    s.sendto(bytes([65 + i % 26]) * (size * segs), (dst, port))
EOF
ids_in_psid() {	# ids_in_psid PCAP: every IPv4 Identification's top byte is 0x34
	local ids
	ids=$(tcpdump -nn -v -r "$1" 2>/dev/null | sed -n 's/.* id \([0-9]*\),.*/\1/p')
	[ -n "$ids" ] && ! awk '{ if (int($1 / 256) != 52) bad = 1 } END { exit !bad }' <<<"$ids"
}
cap_start gso10 "$INET" eth0 udp and dst port 5008
udp_bg srv10 "$INET" --bind $INET_A:5008 --expect 48 --count-only --timeout 60
f0=$(fp)
nx "$LAN" $PY "$TMPD/gso.py" $INET_A 5008 1000 8 6 $LAN_A
bg_wait srv10 60
cap_stop gso10 >/dev/null
check_eq "10: the 48 segments of six super-packets arrive" "received 48" "$(bg_out srv10)"
check_cond "10: the fast path sent five of them" test "$(fp)" -ge $((f0 + 5))
check_cond "10: every Identification has the PSID in its top bits" ids_in_psid "$TMPD/gso10.pcap"
ip -n "$CE" link set mape0 mtu 1500
# UDP GSO sizes its segments by the path MTU even with IP_PMTUDISC_DONT: forget
# what the Frag Needed of the earlier steps taught the LAN host
ip -n "$LAN" route flush cache
cap_start frag10 "$CORE" c1 ip6 and ip6[6] == 44
cap_start gso10b "$INET" eth0 udp and dst port 5009
udp_bg srv10b "$INET" --bind $INET_A:5009 --expect 48 --count-only --timeout 60
f0=$(fp)
nx "$LAN" $PY "$TMPD/gso.py" $INET_A 5009 1450 8 6 $LAN_A
bg_wait srv10b 60
cap_stop gso10b >/dev/null
cap_stop frag10 >/dev/null
check_eq "10: 1450-byte segments over a 1500-byte IPv6 path arrive" "received 48" "$(bg_out srv10b)"
check_cond "10: as IPv6 fragments" pcap_has frag10 "ip6" 96
check_cond "10: by the fast path" test "$(fp)" -ge $((f0 + 5))
check_cond "10: every Identification has the PSID in its top bits" ids_in_psid "$TMPD/gso10b.pcap"
ip -n "$CE" link set mape0 mtu 1460

# ---- 11
# INVALID packets take the full way: with conntrack looking (a ruleset that counts
# them) and nf_conntrack_tcp_loose=0, TCP ACKs without a connection are INVALID;
# the firewall sees each, the fast path none.
check_ok "11: a ruleset counting INVALID packets" nx "$CE" nft -f - <<-EOF
	table inet swinv {
		chain forward_inv {
			type filter hook forward priority filter; policy accept;
			ct state invalid tcp dport 5010 counter
		}
	}
	EOF
nx "$CE" sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
cat >"$TMPD/ack.py" <<-'EOF'
	import socket, struct, sys, time
	src, dst, sport, dport, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
	def csum(b):
	    b += b"\0" * (len(b) % 2)
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16:
	        s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
	for i in range(n):
	    th = struct.pack("!HHIIBBHHH", sport, dport, 1000 + i, 5000, 5 << 4, 0x10, 512, 0, 0)
	    ph = socket.inet_aton(src) + socket.inet_aton(dst) + struct.pack("!BBH", 0, 6, len(th))
	    th = th[:16] + struct.pack("!H", csum(ph + th)) + th[18:]
	    s.sendto(th, (dst, 0))
	    time.sleep(0.05)
EOF
cap_start inv11 "$INET" eth0 tcp and dst port 5010
f0=$(fp)
nx "$LAN" $PY "$TMPD/ack.py" $LAN_A $INET_A 42010 5010 10
wait_for 10 pcap_has inv11 tcp 10
cap_stop inv11 >/dev/null
check_eq "11: the ten ACKs arrive" 10 "$(pcap_count inv11 tcp)"
check_match "11: the firewall saw each as INVALID" 'packets 10 ' \
	"$(nx "$CE" nft list chain inet swinv forward_inv)"
check_eq "11: the fast path sent none" "$f0" "$(fp)"
nx "$CE" nft delete table inet swinv

# ---- 12
# A flow with a conntrack helper (ftp, assigned by the ruleset) keeps the full way:
# the helper works in the postrouting confirm hook, which the fast path skips.
if nx "$CE" nft -f - <<-EOF
	table inet swhelp {
		ct helper ftp-std { type "ftp" protocol tcp; }
		chain pre {
			type filter hook prerouting priority filter; policy accept;
			tcp dport 5011 ct helper set "ftp-std"
		}
	}
	EOF
then
	bg tcpsrv12 nx "$INET" socat -u TCP4-LISTEN:5011,reuseaddr OPEN:"$TMPD/rcvd12",creat,trunc
	wait_for 20 tcp_listening "$INET" 5011
	f0=$(fp)
	check_ok "12: 2 MB TCP transfer with the ftp helper" \
		nx "$LAN" timeout 120 socat -u OPEN:"$TMPD/blob" TCP4:$INET_A:5011,bind=$LAN_A:41011
	bg_wait tcpsrv12 30
	check_cond "12: received intact" cmp -s "$TMPD/blob" "$TMPD/rcvd12"
	# conntrack's own view (an nft "ct helper" match does not see a helper
	# that a ct helper object assigned)
	check_match "12: the flow had the helper" 'dport=5011 .*helper=ftp' \
		"$(nx "$CE" conntrack -L -p tcp --dport 5011 2>/dev/null)"
	check_eq "12: the fast path sent none of it" "$f0" "$(fp)"
	nx "$CE" nft delete table inet swhelp
else
	log "SKIP 12: no ftp conntrack helper"
fi

# ---- 13
# The fast-path table is charged to the memory cgroup of who turns it on and
# uncharged when it goes: an instance of a sharing-ratio-1 rule (64512 ports)
# with max-mappings 65536 has 512 KiB of slots.
cg=/sys/fs/cgroup
[ -e $cg/cgroup.controllers ] || mount -t cgroup2 none $cg 2>/dev/null
if grep -qw memory $cg/cgroup.controllers 2>/dev/null && mkdir $cg/swfp.$$ 2>/dev/null; then
	echo +memory >$cg/cgroup.subtree_control 2>/dev/null
	ns_create MEMNS
	check_ok "13: an instance with max-mappings 65536, fastpath off" \
		nsw "$MEMNS" map-e add mc0 end-user-prefix 2001:db8:12:3400::/56 br $BR6 \
		rule ipv6-prefix 2001:db8:12::/48 ipv4-prefix 192.0.2.0/24 ea-len 8 \
		max-mappings 65536
	m0=$(cat $cg/swfp.$$/memory.current)
	check_ok "13: fastpath on from a memory cgroup" sh -c \
		"echo \$\$ >$cg/swfp.$$/cgroup.procs && exec ip netns exec $MEMNS $SWCTL map-e set mc0 fastpath on"
	m1=$(cat $cg/swfp.$$/memory.current)
	log "13: memory.current $m0 -> $m1"
	check_cond "13: the cgroup was charged the table" test $((m1 - m0)) -ge 524288
	check_ok "13: fastpath off" nsw "$MEMNS" map-e set mc0 fastpath off
	mem_below() { [ "$(cat $cg/swfp.$$/memory.current)" -lt "$1" ]; }
	check_cond "13: and uncharged when it goes" wait_for 10 mem_below $((m1 - 300000))
	rmdir $cg/swfp.$$
else
	log "SKIP 13: no memory cgroup"
fi

# ---- 14
# A change the fast path cannot follow is refused and leaves it as it was: with
# every PRE_ROUTING hook slot taken (1024) the new table's hook cannot be
# registered beside the old one; `show` still says on, and it still carries flows.
nchain=0
chains_add() {	# chains_add N: N more prerouting base chains, all or none
	local s=$nchain j
	nchain=$((nchain + $1))
	for j in $(seq 1 "$1"); do
		echo "add chain ip swfull c$((s + j)) { type filter hook prerouting priority 100; }"
	done | nx "$CE" nft -f - 2>/dev/null
}
check_ok "14: a table for the filler chains" nx "$CE" nft add table ip swfull
for b in 256 64 16 4 1; do
	while chains_add $b; do :; done
done
log "14: $(nx "$CE" nft list table ip swfull | grep -c 'hook prerouting') filler chains"
check_fail_msg "14: a change while on is refused" "fastpath: could not be turned on" \
	nsw "$CE" map-e set mape0 max-mappings 500
check_match "14: show still says fastpath on" 'fastpath on' "$(nsw "$CE" map-e show mape0)"
udp_bg srv14 "$INET" --bind $INET_A:5012 --expect 3 --timeout 60
f0=$(fp)
udp_run "$LAN" --bind $LAN_A:40012 --send $INET_A:5012:f0 --send $INET_A:5012:f1 \
	--send $INET_A:5012:f2 >/dev/null
bg_wait srv14 30
check_eq "14: and the fast path still carries flows" $((f0 + 2)) "$(fp)"
nx "$CE" nft delete table ip swfull

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
