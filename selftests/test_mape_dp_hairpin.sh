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
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "hairpinning is softwire's"
mape_topo
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }

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
check_eq "B gets A's echo from A's external address:port" "from $pa echo:from-b" "$out"
cap_stop core >/dev/null
log "hairpin packets seen on the core link: $(pcap_count core "ip6 and ip6[6] = 4 and ip6 dst $BR6 and ip6[40+16:4] = 0xc0000212")"
check_eq "no drops" "" "$(mape_drops_nonzero)"

dmesg_check
ksft_exit
