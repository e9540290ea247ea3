#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# An ICMPv6 Packet Too Big about our tunnel traffic becomes a Frag Needed to
# the LAN host (RFC 7597 8.3.1), but never with an MTU below 1280 - 40 =
# 1240: every IPv6 link carries 1280 bytes and the CE fragments the tunnel
# packet for smaller path MTUs, so a lower value can only be forged. Relayed
# as is, a forged Packet Too Big would set the LAN host's IPv4 path MTU as
# low as 68 (552 after its min_pmtu).
#
#  lan 198.51.100.2 -- ce (mape0) -- core --[c3/b0]-- br (ip6tnl) -- inet .10 .20
#  (full plan in lib_mape.sh)
#
#  1. c3/b0 at the IPv6 minimum MTU 1280: a DF 1432-byte datagram draws the
#     core's real Packet Too Big (mtu 1280); the LAN socket reads Frag
#     Needed mtu 1240.
#  2. core forges a Packet Too Big with mtu 600 to the MAP address, quoting
#     our encapsulated datagram of an existing mapping (LAN .2:40120 ->
#     203.0.113.20:5000): the LAN socket reads Frag Needed mtu 1240, not 560.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

GW=198.51.100.1		# the CE, source of the Frag Needed it relays
CORE6=2001:db8:ff00:1::1
mape_start "checks softwire's own Packet Too Big relay"
mape_ce_up

# ---- 1
ip -n "$CORE" link set c3 mtu 1280
ip -n "$BR" link set b0 mtu 1280
udp_bg sink1 "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
check_eq "1: a real Packet Too Big mtu 1280 is relayed as Frag Needed mtu 1240" \
	"icmp type 3 code 4 from $GW info 1240" \
	"$(udp_run "$LAN" --bind $LAN_A:40110 --df --recverr --pad 1432 \
		--send $INET_A:5000:big --expect 1 --timeout 20)"

# ---- 2
# (a sink that neither answers nor lets the inet host send Port Unreachable)
udp_bg sink2 "$INET" --bind $INET_B:5000 --expect 1 --timeout 60
udp_bg lan2 "$LAN" --bind $LAN_A:40120 --df --recverr --send $INET_B:5000:small \
	--expect 1 --timeout 60
check_cond "2: mapping for $LAN_A:40120" wait_for 20 mape_has_mapping udp $LAN_A:40120
ext=$(mape_ext udp $LAN_A:40120)
port=${ext#*:}
log "2: external $ext"
nx "$CORE" $PY - "$CORE6" "$MAP6" "$BR6" "$CE_V4" "$INET_B" "${port:-0}" 600 <<'EOF'
import socket, struct, sys

src6, map6, br6, ce4, dst4, port, mtu = sys.argv[1:]


def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


udp = struct.pack("!HHHH", int(port), 5000, 8 + 5, 0) + b"small"
ip4 = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 63, 17, 0,
                  socket.inet_aton(ce4), socket.inet_aton(dst4))
ip4 = ip4[:10] + struct.pack("!H", csum(ip4)) + ip4[12:]
ip6 = struct.pack("!IHBB16s16s", 6 << 28, len(ip4 + udp), 4, 63,
                  socket.inet_pton(socket.AF_INET6, map6),
                  socket.inet_pton(socket.AF_INET6, br6))
# type 2 Packet Too Big; the kernel fills in the ICMPv6 checksum
ptb = struct.pack("!BBHI", 2, 0, 0, int(mtu)) + ip6 + ip4 + udp
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
s.bind((src6, 0))
s.sendto(ptb, (map6, 0))
EOF
bg_wait lan2 30
check_eq "2: a forged Packet Too Big mtu 600 is relayed as Frag Needed mtu 1240" \
	"icmp type 3 code 4 from $GW info 1240" "$(bg_out lan2)"
check_eq "2: LAN host's path MTU to $INET_B is not below 1240" 1240 \
	"$(nx "$LAN" ip -o route get $INET_B | sed -n 's/.* mtu \([0-9]*\).*/\1/p')"

dmesg_check
ksft_exit
