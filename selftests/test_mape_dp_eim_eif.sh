#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Endpoint-independent mapping and filtering (RFC 4787 REQ-1, REQ-8) of the
# NAPT inside the CE's port set, and the stricter filters.
#
#  lan 198.51.100.2:40000 -- ce (mape0, 192.0.2.18) -- core -- br (ip6tnl) -- inet 203.0.113.10
#                                                                              203.0.113.20
#                                                                              203.0.113.30 (never contacted)
#
#  EIM: one LAN socket sends to .10:5000 and .20:5000 -> the same external port.
#  EIF (default filter eif): .30:7000 (never contacted) and .10:6001 (new port)
#       reach the LAN socket through that external port.
#  filter adf:  .10:6001 (contacted host, new port) passes; .30:7000 is dropped, "filtered" +1.
#  filter apdf: .10:6002 is dropped, "filtered" +1; .10:5000 (contacted) passes.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

INET_C=203.0.113.30
cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "EIM/EIF is softwire's; nft SNAT is not endpoint-independent filtering"
mape_topo
ip -n "$INET" addr add $INET_C/24 dev eth0
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }

# ---- EIM
udp_bg a "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
udp_bg b "$INET" --bind $INET_B:5000 --expect 1 --timeout 30
udp_bg lan "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:to-a --send $INET_B:5000:to-b \
	--expect 2 --timeout 60
bg_wait a 30; bg_wait b 30
pa=$(bg_out a) pb=$(bg_out b)
check_match "inet .10 sees 192.0.2.18" "^from $CE_V4:[0-9]+ to-a$" "$pa"
ext=${pa#from } ext=${ext%% *}
check_eq "EIM: inet .20 sees the same external address:port" "from $ext to-b" "$pb"
check_cond "external port ${ext#*:} is in the port set" port_in_set "${ext#*:}"
check_eq "one mapping for the LAN socket" "$ext" "$(mape_ext udp $LAN_A:40000)"
check_eq "exactly one UDP mapping" 1 \
	"$(json_get "$(mape_mappings)" "len([m for m in j if m['proto'] == 'udp'])")"

# ---- EIF (the default filter)
f0=$(mape_drop filtered)
udp_run "$INET" --bind $INET_C:7000 --send "$ext:from-c" >/dev/null
udp_run "$INET" --bind $INET_A:6001 --send "$ext:from-a-6001" >/dev/null
bg_wait lan 30
check_eq "EIF: unsolicited datagrams reach the LAN socket" \
	"from $INET_C:7000 from-c
from $INET_A:6001 from-a-6001" "$(bg_out lan)"
check_eq "EIF: nothing filtered" "$f0" "$(mape_drop filtered)"

# filter_case MODE LANPORT BLOCKED_SRC BLOCKED_TAG ALLOWED_SRC ALLOWED_TAG
filter_case() {
	local mode=$1 lport=$2 bsrc=$3 btag=$4 asrc=$5 atag=$6 e f
	check_ok "swctl map-e set mape0 filter $mode" nsw "$CE" map-e set mape0 filter "$mode"
	udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
	udp_bg lan "$LAN" --bind $LAN_A:$lport --send $INET_A:5000:open --expect 1 --timeout 60
	bg_wait srv 30
	e=$(bg_out srv) e=${e#from } e=${e%% *}
	check_eq "$mode: mapping for $LAN_A:$lport" "$e" "$(mape_ext udp $LAN_A:$lport)"
	f=$(mape_drop filtered)
	udp_run "$INET" --bind "$bsrc" --send "$e:$btag" >/dev/null
	wait_gt 10 "$f" mape_drop filtered
	check_eq "$mode: $bsrc dropped and counted as filtered" $((f + 1)) "$(mape_drop filtered)"
	udp_run "$INET" --bind "$asrc" --send "$e:$atag" >/dev/null
	bg_wait lan 30
	check_eq "$mode: only $asrc reaches the LAN socket" "from $asrc $atag" "$(bg_out lan)"
}

filter_case adf 40001 $INET_C:7000 blocked-adf $INET_A:6001 allowed-adf
filter_case apdf 40002 $INET_A:6002 blocked-apdf $INET_A:5000 allowed-apdf

check_ok "apdf: ping works (the echo reply comes from the pinged host)" \
	nx "$LAN" ping -n -c 1 -W 5 $INET_A
check_ok "back to filter eif" nsw "$CE" map-e set mape0 filter eif
dmesg_check
ksft_exit
