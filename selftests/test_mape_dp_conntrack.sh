#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# softwire under a stateful nftables firewall on the CE (nf_conntrack loaded):
# conntrack sees the LAN-side (untranslated) flows, replies are established,
# and `mark M` lets endpoint-independent-filtering traffic through a
# default-drop forward chain.
#
#  lan 198.51.100.2:40000 -- ce (mape0 mark 42, nft: forward policy drop) -- core -- br -- inet .10 .20 .30
#
#  ce forward chain: ct state established,related accept; iifname l0 accept;
#                    meta mark 42 accept; counter drop
#  1. UDP LAN -> .10:5000 and the echo back: established; conntrack lists the
#     flow with its LAN tuple.
#  2. .30:7000 (never contacted) -> the external port: ct state new, accepted by
#     the mark rule (its counter +1) and delivered.
#  3. Rule changed to mark 43: an unsolicited datagram hits the drop counter and
#     never reaches the LAN socket (whose next datagram is one sent after the
#     rule is back to 42).
#  4. A 2 MB TCP transfer and ping through the CE with conntrack loaded.
#  5. The README's input chain (policy drop for new traffic to the CE): after
#     conntrack forgets the tunnel (flushed, as after a quiet period), an EIF
#     datagram is dropped there without the ipencap rule, and delivered with
#     it.
#  6. With the fast path on, a TCP transfer through the stateful firewall:
#     intact, carried by the fast path, followed by conntrack.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

INET_C=203.0.113.30
MARK=42
cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "mark is softwire's"
require_cmd nft conntrack
modprobe nf_conntrack 2>/dev/null
mape_topo
ip -n "$INET" addr add $INET_C/24 dev eth0
mape_ce_add rfc mark $MARK || { _failed "create the CE with mark $MARK"; ksft_exit; }

fw() {	# fw MARK: (re)load the CE's firewall accepting that mark
	nx "$CE" nft -f - <<-EOF
	table inet swfw
	delete table inet swfw
	table inet swfw {
		counter marked { }
		counter dropped { }
		chain forward_filter {
			type filter hook forward priority filter; policy drop;
			ct state established,related accept
			iifname "l0" accept
			meta mark $1 counter name "marked" accept
			counter name "dropped" drop
		}
	}
	EOF
}
nft_counter() { nx "$CE" nft list counter inet swfw "$1" | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
check_ok "stateful firewall loaded" fw $MARK

# ---- 1
udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --echo --timeout 30
udp_bg lan "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:open --expect 2 --timeout 90
bg_wait srv 30
ext=$(bg_out srv) ext=${ext#from } ext=${ext%% *}
check_match "mapped through the firewall" "^$CE_V4:[0-9]+$" "$ext"
ct=$(nx "$CE" conntrack -L -p udp --orig-src $LAN_A --orig-port-src 40000 2>/dev/null)
log "conntrack: $ct"
check_match "conntrack tracks the LAN tuple" "src=$LAN_A dst=$INET_A sport=40000 dport=5000" "$ct"

# ---- 2
m0=$(nft_counter marked)
udp_run "$INET" --bind $INET_C:7000 --send "$ext:eif" >/dev/null
bg_wait lan 60
check_eq "the echo (established) and the EIF datagram (marked) reach the LAN socket" \
	"from $INET_A:5000 echo:open
from $INET_C:7000 eif" "$(bg_out lan)"
check_eq "the EIF datagram was accepted by the mark rule" $((m0 + 1)) "$(nft_counter marked)"
ct=$(nx "$CE" conntrack -L -p udp --orig-src $LAN_A --orig-port-src 40000 --orig-dst $INET_A 2>/dev/null)
log "conntrack: $ct"
check_match "the echo was tracked as the reply of the LAN tuple" \
	"src=$INET_A dst=$LAN_A sport=5000 dport=40000" "$ct"
check_eq "so the entry is not unreplied" 0 "$(grep -c UNREPLIED <<<"$ct")"
ct=$(nx "$CE" conntrack -L -p udp --orig-src $INET_C 2>/dev/null)
check_match "the EIF datagram is tracked as a new inbound flow to the LAN host" \
	"src=$INET_C dst=$LAN_A sport=7000 dport=40000" "$ct"

# ---- 3
check_ok "firewall now accepts mark 43 only" fw 43
d0=$(nft_counter dropped)
udp_bg lan2 "$LAN" --bind $LAN_A:40000 --expect 1 --timeout 60
udp_run "$INET" --bind $INET_B:7001 --send "$ext:unmarked" >/dev/null
wait_gt 10 "$d0" nft_counter dropped
check_eq "without the matching mark it is dropped by the firewall" $((d0 + 1)) "$(nft_counter dropped)"
check_ok "firewall back to mark $MARK" fw $MARK
udp_run "$INET" --bind $INET_B:7002 --send "$ext:marked-again" >/dev/null
bg_wait lan2 30
check_eq "the LAN socket's next datagram is the one sent after the fix, not the dropped one" \
	"from $INET_B:7002 marked-again" "$(bg_out lan2)"

# ---- 4
head -c 2097152 /dev/urandom >"$TMPD/blob"
# tcp_xfer PORT LANPORT WHAT: the blob LAN -> inet:PORT, checked intact
tcp_xfer() {
	bg "tcpsrv$1" nx "$INET" socat -u TCP4-LISTEN:"$1",reuseaddr OPEN:"$TMPD/rcvd$1",creat,trunc
	wait_for 20 tcp_listening "$INET" "$1"
	check_ok "2 MB TCP transfer $3" \
		nx "$LAN" timeout 120 socat -u OPEN:"$TMPD/blob" TCP4:$INET_A:"$1",bind=$LAN_A:"$2"
	bg_wait "tcpsrv$1" 30
	check_cond "received intact" cmp -s "$TMPD/blob" "$TMPD/rcvd$1"
}
tcp_xfer 5001 41000 "with conntrack"
check_ok "ping with conntrack" nx "$LAN" ping -n -c 2 -i 0.3 -W 5 $INET_A
check_eq "no softwire drops" "" "$(mape_drops_nonzero)"

# ---- 5
fw_input() {	# fw_input yes|no: the README's input chain, with or without the ipencap rule
	local encap=
	[ "$1" = yes ] && encap="ip6 daddr $MAP6 meta l4proto ipencap accept"
	nx "$CE" nft -f - <<-EOF
	table inet swin
	delete table inet swin
	table inet swin {
		counter encap_dropped { }
		chain input_filter {
			type filter hook input priority filter; policy drop;
			ct state established,related accept
			icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
			$encap
			meta l4proto ipencap counter name "encap_dropped" drop
		}
	}
	EOF
}
encap_dropped() { nx "$CE" nft list counter inet swin encap_dropped | sed -n 's/.*packets \([0-9]*\).*/\1/p'; }
check_ok "input chain without the ipencap rule" fw_input no
udp_bg lan3 "$LAN" --bind $LAN_A:40000 --expect 1 --timeout 90
nx "$CE" conntrack -F >/dev/null 2>&1
udp_run "$INET" --bind $INET_C:7003 --send "$ext:no-encap-rule" >/dev/null
wait_gt 10 0 encap_dropped
check_eq "the tunnel packet is dropped by the input chain" 1 "$(encap_dropped)"
check_ok "input chain with the README's ipencap rule" fw_input yes
nx "$CE" conntrack -F >/dev/null 2>&1
udp_run "$INET" --bind $INET_C:7004 --send "$ext:encap-rule" >/dev/null
bg_wait lan3 60
check_eq "the LAN socket's next datagram is the one the ipencap rule let in" \
	"from $INET_C:7004 encap-rule" "$(bg_out lan3)"
check_eq "nothing reached the drop rule" 0 "$(encap_dropped)"
nx "$CE" nft delete table inet swin

# ---- 6
check_ok "fastpath on" nsw "$CE" map-e set mape0 fastpath on
f0=$(mape_stat fastpath_packets)
tcp_xfer 5002 41001 "with conntrack and the fast path"
check_cond "the fast path carried it" test "$(mape_stat fastpath_packets)" -gt $((f0 + 10))
ct=$(nx "$CE" conntrack -L -p tcp --orig-src $LAN_A --orig-port-src 41001 2>/dev/null)
log "conntrack: $ct"
check_match "conntrack followed the connection (assured)" "dport=5002 .*\[ASSURED\]" "$ct"

dmesg_check
ksft_exit
