#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Hairpinning (RFC 4787 REQ-9): LAN host B reaches host A through A's external
# address:port, and A sees B's external (translated) address:port, not B's
# private one. Both directions.
#
#  lan 198.51.100.2:40000 (A) --+
#  lan 198.51.100.3:40010 (B) --+-- ce (mape0, 192.0.2.18) -- core -- br (ip6tnl) -- inet 203.0.113.10
#
#  1. A -> 203.0.113.10:5000 creates A's mapping 192.0.2.18:PA
#  2. B -> 192.0.2.18:PA arrives at A from 192.0.2.18:PB (PB = B's mapping, in the set)
#  3. A echoes to 192.0.2.18:PB, B receives it from 192.0.2.18:PA
#  4. TCP: forward tcp 7376 to A:41100; B (40011) sends 256 KiB to 192.0.2.18:7376,
#     A's listener sees B's external address:port
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start "hairpinning is softwire's"
mape_ce_up

udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
udp_bg a "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:open --expect 1 --echo --timeout 60
bg_wait srv 30
pa=$(bg_out srv) pa=${pa#from } pa=${pa%% *}
check_match "A's external address" "^$CE_V4:[0-9]+$" "$pa"

cap_start core "$CORE" c1 ip6
out=$(udp_run "$LAN" --bind $LAN_B:40010 --send "$pa:from-b" --expect 1 --timeout 30)
bg_wait a 30
ina=$(bg_out a)
check_match "A receives B's datagram from 192.0.2.18" "^from $CE_V4:[0-9]+ from-b$" "$ina"
pb=${ina#from } pb=${pb%% *}
check_cond "B's external port ${pb#*:} is in the port set" port_in_set "${pb#*:}"
check_eq "B's mapping is the source A saw" "$pb" "$(mape_ext udp $LAN_B:40010)"
check_eq "A's mapping is unchanged" "$pa" "$(mape_ext udp $LAN_A:40000)"
check_eq "B gets A's echo from A's external address:port" "from $pa echo:from-b" "$out"
# Positive control in the same capture: a ping to inet leaves as IPv4-in-IPv6.
nx "$LAN" ping -n -c 1 -W 5 $INET_A >/dev/null
cap_stop core >/dev/null
check_eq "the capture holds the ping's echo request to the BR" 1 \
	"$(pcap_count core "ip6 and ip6[6] = 4 and ip6 src $MAP6 and ip6[40+9] = 1 and ip6[40+20] = 8")"
# Turned around inside the CE: nothing to 192.0.2.18 went out to the BR.
check_eq "no hairpinned packet left the CE" 0 \
	"$(pcap_count core "ip6 and ip6[6] = 4 and ip6 src $MAP6 and ip6[40+16:4] = 0xc0000212")"

# ---- TCP (RFC 5382 REQ-8) through a static forward to A: B's GSO segments
# with partial checksums are translated twice inside the CE.
FP=$(port_nth_range_lo 7)
check_ok "forward add tcp $FP to A:41100" \
	nsw "$CE" map-e forward add mape0 proto tcp port "$FP" to $LAN_A:41100
head -c 262144 /dev/urandom >"$TMPD/blob"
bg tcpa nx "$LAN" socat -d -d -u TCP4-LISTEN:41100,bind=$LAN_A,reuseaddr OPEN:"$TMPD/rcvd",creat,trunc
wait_for 20 tcp_listening "$LAN" 41100
check_ok "B connects to 192.0.2.18:$FP and sends 256 KiB" \
	nx "$LAN" timeout 60 socat -u OPEN:"$TMPD/blob" TCP4:$CE_V4:$FP,bind=$LAN_B:40011
bg_wait tcpa 30
check_cond "A received it intact" cmp -s "$TMPD/blob" "$TMPD/rcvd"
peer=$(grep -o 'accepting connection from AF=2 [0-9.]*:[0-9]*' "$TMPD/tcpa.err")
check_eq "A's peer is B's external TCP address:port" \
	"accepting connection from AF=2 $(mape_ext tcp $LAN_B:40011)" "$peer"
check_cond "B's external TCP port ${peer##*:} is in the port set" port_in_set "${peer##*:}"
check_eq "no drops" "" "$(mape_drops_nonzero)"

dmesg_check
ksft_exit
