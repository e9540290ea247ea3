#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Only validated packets of the right remote change NAPT state.
#
#  lan 198.51.100.2 -- ce (mape0, 192.0.2.18) -- core -- br (ip6tnl) -- inet 203.0.113.10 (server)
#                                                  |                     203.0.113.20 (attacker)
#                                            injects IPv4-in-IPv6 as if from the BR
#
#  1. RFC 5382 REQ-5, RFC 7857 2.2: LAN :41000 holds a TCP connection to
#     .10:8080 (mapping "established"). Three RSTs with the right ports
#     from another internet host (.20:8080 -> the external port) cross the CE
#     (seen on the LAN) but the mapping stays "established" and the
#     connection carries data afterwards. A RST from the real peer (out of
#     the LAN host's window, so the host ignores it) moves the mapping to
#     "closed", the transitory timeout.
#  2. A datagram with a bad IPv4 header checksum, tunnelled from the BR to a
#     live UDP mapping, is dropped as "malformed" without refreshing the
#     mapping (its age keeps counting) and never reaches the LAN socket; the
#     same datagram with a good checksum does.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "the NAPT state is softwire's"
mape_topo
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }

# map_field INTERNAL FIELD: a field of the mapping of INTERNAL ("" when none).
map_field() {
	json_get "$(mape_mappings)" "([m['$2'] for m in j if m['internal'] == '$1'] + [''])[0]"
}
state_is() { [ "$(map_field "$1" state)" = "$2" ]; }
age_ge() { [ "$(map_field "$1" age)" -ge "$2" ] 2>/dev/null; }
drop_is() { [ "$(mape_drop "$1")" = "$2" ]; }

# tcp_hold_bg NAME NS ARGS...: helpers/tcp_hold.py, returns once it is ready.
tcp_hold_bg() {
	local name=$1 ns=$2
	shift 2
	rm -f "$TMPD/$name.ready"
	bg "$name" nx "$ns" $PY "$MAPE_HELPERS/tcp_hold.py" "$@" --ready "$TMPD/$name.ready"
	wait_for 30 test -e "$TMPD/$name.ready" || log "tcp_hold_bg $name: not ready"
}

# ---- 1. spoofed RSTs
ip -n "$INET" addr show dev eth0 | grep -q "$INET_B/" || ip -n "$INET" addr add $INET_B/24 dev eth0
tcp_hold_bg srv "$INET" server $INET_A:8080 --timeout 120
tcp_hold_bg cli "$LAN" client $LAN_A:41000 $INET_A:8080 --go "$TMPD/go" --timeout 60
check_eq "the connection carries data" "one" "$(bg_out cli)"
check_cond "the mapping is established" wait_for 10 state_is $LAN_A:41000 established
ext=$(map_field $LAN_A:41000 external)
check_match "external endpoint of $LAN_A:41000" "^$CE_V4:[0-9]+$" "$ext"

cap_start lan "$LAN" eth0 "tcp"
for seq in 0 1 4242; do
	nx "$INET" $PY "$MAPE_HELPERS/pkt4.py" rst $INET_B:8080 "$ext" $seq
done
rst_seen() { pcap_has lan "src host $INET_B and tcp[tcpflags] & tcp-rst != 0" 3; }
check_cond "the spoofed RSTs crossed the CE to the LAN host" wait_for 10 rst_seen
cap_stop lan >/dev/null
check_eq "spoofed RSTs from another host leave the mapping established" \
	established "$(map_field $LAN_A:41000 state)"
touch "$TMPD/go"
cli_got_two() { [ "$(bg_out cli)" = "$(printf 'one\ntwo')" ]; }
check_cond "the connection carries data after them" wait_for 20 cli_got_two
check_eq "still established" established "$(map_field $LAN_A:41000 state)"

# out of the LAN host's window: it drops the RST without a challenge ACK
nx "$INET" $PY "$MAPE_HELPERS/pkt4.py" rst $INET_A:8080 "$ext" $(( (RANDOM << 16) ^ 0x80000000 ))
check_cond "a RST from the real peer moves the mapping to closed (transitory)" \
	wait_for 10 state_is $LAN_A:41000 closed

# ---- 2. IPv4 header checksum before any state
udp_bg srv2 "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
udp_bg lan "$LAN" --bind $LAN_A:40030 --send $INET_A:5000:open --expect 1 --timeout 60
bg_wait srv2 30
ext=$(map_field $LAN_A:40030 external)
check_match "UDP mapping of $LAN_A:40030" "^$CE_V4:[0-9]+$" "$ext"
check_cond "its age counts up to 2 s" wait_for 10 age_ge $LAN_A:40030 2
m0=$(mape_drop malformed)
nx "$CORE" $PY "$MAPE_HELPERS/pkt4.py" encap $BR6 $MAP6_RFC $INET_A:5000 "$ext" bad badsum
check_cond "bad IPv4 header checksum: dropped as malformed" wait_for 10 drop_is malformed $((m0 + 1))
check_cond "and the mapping was not refreshed" age_ge $LAN_A:40030 2
nx "$CORE" $PY "$MAPE_HELPERS/pkt4.py" encap $BR6 $MAP6_RFC $INET_A:5000 "$ext" good
bg_wait lan 30
check_eq "only the datagram with a good checksum reaches the LAN socket" \
	"from $INET_A:5000 good" "$(bg_out lan)"
dmesg_check
ksft_exit
