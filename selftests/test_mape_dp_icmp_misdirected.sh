#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# An ICMP error from the LAN is translated (RFC 5508 4.2) only when it goes
# back to the source of the packet it quotes, as conntrack requires of an
# error: otherwise a LAN host could have the CE send, from 192.0.2.18,
# errors about any mapping to any host. Such errors are dropped and counted
# as icmp-misdirected.
#
#  lan 198.51.100.2 -- ce (mape0) -- core -- br (ip6tnl) -- inet 203.0.113.10 .20
#  (full plan in lib_mape.sh)
#
#  A mapping 198.51.100.2:40130 <-> 192.0.2.18:P for 203.0.113.10:5000. The LAN
#  host then sends Port Unreachable quoting 203.0.113.10:5000 -> 198.51.100.2:40130
#  (a packet that came in through that mapping):
#  1. addressed to 203.0.113.20: dropped, icmp-misdirected +1, nothing reaches inet;
#  2. addressed to 203.0.113.10 (legitimate): translated, the inet host sees
#     Port Unreachable from 192.0.2.18 quoting 203.0.113.10:5000 -> 192.0.2.18:P.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start "checks softwire's own ICMP error filter"
mape_ce_up

udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --echo --timeout 30
check_eq "the mapping carries a reply" "from $INET_A:5000 echo:hi" \
	"$(udp_run "$LAN" --bind $LAN_A:40130 --send $INET_A:5000:hi --expect 1 --timeout 20)"
bg_wait srv 10
ext=$(mape_ext udp $LAN_A:40130)
port=${ext#*:}
check_match "mapping for $LAN_A:40130" "^$CE_V4:[0-9]+$" "$ext"

# port_unreach TO: Port Unreachable from the LAN host to TO, quoting
# INET_A:5000 -> LAN_A:40130 (the kernel builds the IPv4 header).
port_unreach() {
	nx "$LAN" $PY - "$1" "$INET_A" "$LAN_A" 40130 <<-'EOF'
	import socket, struct, sys

	to, q_src, q_dst, q_dport = sys.argv[1:]


	def csum(b):
	    if len(b) % 2:
	        b += b"\0"
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    while s >> 16:
	        s = (s & 0xffff) + (s >> 16)
	    return ~s & 0xffff


	udp = struct.pack("!HHHH", 5000, int(q_dport), 8 + 4, 0) + b"echo"
	ip4 = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 7, 0, 62, 17, 0,
	                  socket.inet_aton(q_src), socket.inet_aton(q_dst))
	ip4 = ip4[:10] + struct.pack("!H", csum(ip4)) + ip4[12:]
	body = ip4 + udp
	icmp = struct.pack("!BBHI", 3, 3, 0, 0) + body
	icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
	s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
	s.sendto(icmp, (to, 0))
	EOF
}

drop_is() { [ "$(mape_drop "$1")" = "$2" ]; }

cap_start inet "$INET" eth0 icmp
# ---- 1
m0=$(mape_drop icmp-misdirected)
port_unreach $INET_B
check_cond "1: misdirected error counted as icmp-misdirected ($m0 -> $((m0 + 1)))" \
	wait_for 10 drop_is icmp-misdirected $((m0 + 1))
# ---- 2 (also the positive control of the capture)
port_unreach $INET_A
check_cond "2: the legitimate error reaches $INET_A from $CE_V4" \
	wait_for 10 pcap_has inet "icmp[0] = 3 and icmp[1] = 3 and src host $CE_V4 and dst host $INET_A"
cap_stop inet >/dev/null
check_eq "2: it quotes $INET_A.5000 > $CE_V4.$port" 1 \
	"$(pcap_lines inet "icmp[0] = 3 and dst host $INET_A" |
		grep -c "$CE_V4 udp port $port unreachable")"
check_eq "1: nothing reached $INET_B" 0 "$(pcap_count inet "dst host $INET_B")"
check_eq "only the misdirected error was dropped" "icmp-misdirected=1" "$(mape_drops_nonzero)"

dmesg_check
ksft_exit
