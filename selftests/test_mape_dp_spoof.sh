#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Inbound checks of RFC 7597 8.1 and the shared IPv4 address, with a second CE
# (ce2) that owns PSID 0x35 of the same 192.0.2.18.
#
#  lan 198.51.100.2:40000 -- ce (mape0, PSID 0x34) --+-- core (scapy injects here) -- br (ip6tnl) -- inet
#                                                   |
#  lan2 198.51.100.2:6000 -- ce2 (mape0, PSID 0x35) +
#     ce2: forward udp 1236 to 198.51.100.2:6000
#
#  Injected IPv4-in-IPv6 towards ce's MAP address, inner dst = the LAN socket's
#  external port P:
#   from a non-BR, non-MAP source (core 2001:db8:ff00:1::1)  -> "spoofed-source"
#   from the BR, inner dst port 1236 (ce2's, not ours)       -> "port-not-ours"
#   from the BR, inner dst 192.0.2.19                        -> "not-our-address"
#   from ce2's MAP address, inner src 192.0.2.18:1240 (PSID 0x36, not ce2's) -> "spoofed-source"
#   from ce2's MAP address, inner src 203.0.113.10 (no FMR: only the BR may) -> "spoofed-source"
#   from PSID 0x36's MAP address, inner src 192.0.2.18:1236 (ce2's port)     -> "spoofed-source"
#   from ce2's MAP address, inner src 192.0.2.18:1236 (ce2's) -> delivered to the LAN socket
#  The good one is injected last: the LAN socket's first datagram must be it.
#  FMR mesh: lan -> 192.0.2.18:1236 leaves ce towards ce2's MAP address (not the
#  BR, never delivered locally) and reaches lan2 through ce2's forward.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "RFC 7597 8.1 checks are softwire's"
mape_topo ce2
mape_ce_add rfc || { _failed "create ce"; ksft_exit; }
mape_ce_add ce2 || { _failed "create ce2"; ksft_exit; }
mape_variant rfc
check_ok "ce2: forward udp 1236 to lan2" \
	nsw "$CE2" map-e forward add mape0 proto udp port 1236 to $LAN_A:6000

# The LAN socket and its mapping.
udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
udp_bg lan "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:open --expect 1 --timeout 90
bg_wait srv 30
ext=$(bg_out srv) ext=${ext#from } ext=${ext%% *}
P=${ext#*:}
check_match "LAN socket mapped" "^$CE_V4:[0-9]+$" "$ext"

# The MAP address PSID 0x36 would have (RFC 7597 5.2 IID: 0, v4, PSID).
MAP6_PSID36=2001:db8:12:3600:0:c000:212:36
sp0=$(mape_drop spoofed-source) pn0=$(mape_drop port-not-ours) na0=$(mape_drop not-our-address)
nx "$CORE" $PY "$MAPE_HELPERS/inject.py" \
	"2001:db8:ff00:1::1,$MAP6,$INET_A,$CE_V4,5000,$P,spoof-core" \
	"$BR6,$MAP6,$INET_A,$CE_V4,5000,1236,not-ours" \
	"$BR6,$MAP6,$INET_A,192.0.2.19,5000,$P,not-our-addr" \
	"$MAP6_CE2,$MAP6,$CE_V4,$CE_V4,1240,$P,spoof-ce2-port" \
	"$MAP6_CE2,$MAP6,$INET_A,$CE_V4,5000,$P,spoof-ce2-inet" \
	"$MAP6_PSID36,$MAP6,$CE_V4,$CE_V4,1236,$P,spoof-psid36" \
	"$MAP6_CE2,$MAP6,$CE_V4,$CE_V4,1236,$P,from-ce2"
bg_wait lan 60
wait_ge 10 $((sp0 + 4)) mape_drop spoofed-source
check_eq "only the datagram from ce2's own port reaches the LAN socket" \
	"from $CE_V4:1236 from-ce2" "$(bg_out lan)"
check_eq "spoofed-source: non-BR source, ce2 with a foreign port or a non-FMR source, another CE with ce2's port" \
	$((sp0 + 4)) "$(mape_drop spoofed-source)"
check_eq "port outside the set counted as port-not-ours" $((pn0 + 1)) "$(mape_drop port-not-ours)"
check_eq "other IPv4 address counted as not-our-address" $((na0 + 1)) "$(mape_drop not-our-address)"

# ---- FMR mesh, shared address
cap_start core "$CORE" c1 ip6
udp_bg lan2 "$LAN2" --bind $LAN_A:6000 --expect 1 --echo --timeout 60
out=$(udp_run "$LAN" --bind $LAN_A:40001 --send $CE_V4:1236:to-ce2 --expect 1 --timeout 30)
bg_wait lan2 30
in2=$(bg_out lan2)
check_match "lan2 receives it from 192.0.2.18 via ce2's forward" "^from $CE_V4:[0-9]+ to-ce2$" "$in2"
p1=${in2#from $CE_V4:} p1=${p1%% *}
check_cond "source port $p1 is in ce's set" port_in_set "${p1:-0}"
check_eq "the echo comes back to the LAN socket from 192.0.2.18:1236" "from $CE_V4:1236 echo:to-ce2" "$out"
cap_stop core >/dev/null
check_eq "ce sends it straight to ce2's MAP address (FMR)" 1 \
	"$(pcap_lines core "ip6 src $MAP6 and ip6 dst $MAP6_CE2" | grep -c "IP $CE_V4\.$p1 > $CE_V4\.1236: UDP")"
check_eq "nothing of it went to the BR" 0 \
	"$(pcap_lines core "ip6 dst $BR6" | grep -c "> $CE_V4\.1236: UDP")"

dmesg_check
ksft_exit
