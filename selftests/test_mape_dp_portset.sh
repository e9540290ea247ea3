#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Port choice inside the port set, exhaustion and the mapping limits, with the
# v6plus-shaped rule (PSID offset 4: 15 ranges of 16 ports = 240 ports) and the
# RFC 7597 example rule (offset 6: 63 ranges of 4 ports = 252 ports).
#
#  lan 198.51.100.2, .3 -- ce (mape0, 192.0.2.18, PSID 0x34) -- core -- br (ip6tnl) -- inet 203.0.113.10:5000
#
#  Per rule (N = 240 or 252 ports):
#  0. show: "ports" N and the default max_mappings 3 x N (TCP, UDP, ICMP each
#     have the whole set).
#  1. A LAN source port that is in the set and free is kept (port preservation,
#     RFC 4787 4.2.1); then 40 UDP flows (more than one range holds): 40
#     distinct external ports, all in the set, spread over >= 3 ranges; the
#     mappings JSON agrees.
#  2. N - 41 more flows: N UDP mappings whose external ports are exactly the
#     port set (every port of every range); flow N+1 is dropped
#     ("port-exhausted" +1) and the mappings are untouched; ICMP and TCP still
#     get mappings (their own spaces).
#  3. (v6plus) New instance, max-mappings 8 max-per-host 5: host .2's 6th flow
#     and a ping are dropped ("limit-host"), host .3 still gets 3 mappings, then
#     its 4th flow and a ping are "limit-instance".
#  4. Once those expire (allow_short_timeouts, timeout-udp 1) and the GC frees
#     them, both hosts get as many new mappings again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "port set allocation is softwire's"
mape_topo

flows() {	# flows SRC LO-HI
	nx "$LAN" $PY "$MAPE_HELPERS/flows.py" --src "$1" --ports "$2" --dst $INET_A:5000
}

# udp_ext_ports: the external ports of the UDP mappings, one per line, ascending.
udp_ext_ports() {
	json_get "$(mape_mappings)" \
		"'\n'.join(str(p) for p in sorted(int(m['external'].split(':')[1]) for m in j if m['proto'] == 'udp'))"
}
n_udp() { json_get "$(mape_mappings)" "len([m for m in j if m['proto'] == 'udp'])"; }
n_udp_is() { [ "$(n_udp)" = "$1" ]; }
snapshot() { json_get "$(mape_mappings)" "sorted([m['proto'], m['internal'], m['external']] for m in j)"; }

bg tcpsrv nx "$INET" socat -u TCP4-LISTEN:5001,reuseaddr,fork OPEN:/dev/null
wait_for 20 tcp_listening "$INET" 5001

portset_case() {
	local v=$1 tport=$2 n nr keep seen bad ranges snap e0 tp
	log "--- variant $v"
	mape_ce_add "$v" || { _failed "$v: create the CE"; return; }
	n=$(port_set_all | grep -c .)
	nr=$(((1 << PSID_OFFSET) - 1))
	check_eq "$v: show: $n ports, max_mappings 3 x $n" "[$n,$((3 * n))]" \
		"$(json_get "$(nsw "$CE" -j show mape0)" "[j[0]['ports'], j[0]['max_mappings']]")"

	# ---- 0. port preservation
	keep=$(($(port_nth_range_lo 9) + 1))
	udp_bg keep "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
	flows $LAN_B "$keep-$keep"
	bg_wait keep 30
	check_eq "$v: LAN source port $keep (in the set, free) is kept" "from $CE_V4:$keep f$keep" "$(bg_out keep)"

	# ---- 1. 40 flows
	udp_bg srv "$INET" --bind $INET_A:5000 --expect 40 --timeout 60
	flows $LAN_A 41000-41039
	bg_wait srv 60
	seen=$(bg_out srv | sed -n "s/^from $CE_V4:\([0-9]*\) f[0-9]*\$/\1/p" | sort -n)
	check_eq "$v: inet receives 40 datagrams from 192.0.2.18" 40 "$(grep -c . <<<"$seen")"
	check_eq "$v: 40 distinct external ports" 40 "$(sort -u <<<"$seen" | grep -c .)"
	bad=""
	for p in $seen; do port_in_set "$p" || bad="$bad $p"; done
	check_eq "$v: every external port is in the set" "" "$bad"
	ranges=$(for p in $seen; do port_range_of "$p"; done | sort -u | grep -c .)
	check_cond "$v: the 40 ports span $ranges >= 3 of the $nr ranges" test "$ranges" -ge 3
	check_eq "$v: mappings JSON lists the same 41 ports" \
		"$(sort -n <<<"$seen
$keep")" "$(udp_ext_ports)"

	# ---- 2. exhaustion
	flows $LAN_A 41040-$((41040 + n - 42))
	wait_for 30 n_udp_is "$n"
	check_eq "$v: $n UDP mappings" "$n" "$(n_udp)"
	check_eq "$v: their external ports are exactly the port set (all $nr ranges)" \
		"$(port_set_all)" "$(udp_ext_ports)"
	snap=$(snapshot)
	e0=$(mape_drop port-exhausted)
	flows $LAN_A 42999-42999
	wait_gt 10 "$e0" mape_drop port-exhausted
	check_eq "$v: flow $((n + 1)) dropped as port-exhausted" $((e0 + 1)) "$(mape_drop port-exhausted)"
	check_eq "$v: it has no mapping" "" "$(mape_ext udp $LAN_A:42999)"
	check_eq "$v: the $n mappings are untouched" "$snap" "$(snapshot)"
	check_ok "$v: ping still gets an ICMP mapping (own identifier space)" \
		nx "$LAN" ping -n -c 1 -W 5 $INET_A
	check_ok "$v: TCP still gets a mapping (own port space)" \
		nx "$LAN" timeout 30 socat -u OPEN:/dev/null TCP4:$INET_A:5001,bind=$LAN_A:$tport
	tp=$(mape_ext tcp $LAN_A:$tport)
	check_cond "$v: TCP mapping of $LAN_A:$tport ($tp) in the set" port_in_set "${tp#*:}"
	check_eq "$v: only the exhaustion was dropped" "port-exhausted=$((e0 + 1))" "$(mape_drops_nonzero)"
	mape_ce_del
}

portset_case v6plus 43000
portset_case rfc 43001

# ---- 3. max-mappings / max-per-host
log "--- limits"
mape_ce_add v6plus max-mappings 8 max-per-host 5 || { _failed "create the CE with limits"; ksft_exit; }
h0=$(mape_drop limit-host) i0=$(mape_drop limit-instance)
flows $LAN_A 42000-42005
wait_gt 10 "$h0" mape_drop limit-host
check_eq "host .2: 5 mappings" 5 "$(n_udp)"
check_eq "host .2: 6th flow dropped as limit-host" $((h0 + 1)) "$(mape_drop limit-host)"
nx "$LAN" ping -n -c 1 -W 1 $INET_A >/dev/null
check_eq "host .2: a ping is refused too (the limit spans the protocols)" \
	$((h0 + 2)) "$(mape_drop limit-host)"
flows $LAN_B 42000-42003
wait_gt 10 "$i0" mape_drop limit-instance
check_eq "host .3: 3 mappings (instance total 8)" 3 \
	"$(json_get "$(mape_mappings)" "len([m for m in j if m['internal'].startswith('$LAN_B:')])")"
check_eq "host .3: 4th flow dropped as limit-instance" $((i0 + 1)) "$(mape_drop limit-instance)"
nx "$LAN" ping -n -I $LAN_B -c 1 -W 1 $INET_A >/dev/null
check_eq "host .3: a ping is refused as limit-instance too" $((i0 + 2)) "$(mape_drop limit-instance)"
check_eq "limit-host not counted for host .3" $((h0 + 2)) "$(mape_drop limit-host)"
check_eq "still 8 mappings, all UDP" "8 8" "$(n_udp) $(mape_n_mappings)"

# ---- 4. the limits count live mappings only
short_timeouts 1 || _failed "$SHORT_TIMEOUTS is not writable"
check_ok "timeout-udp 1 (allow_short_timeouts)" nsw "$CE" map-e set mape0 timeout-udp 1
stats_mappings_is() { [ "$(mape_stat mappings)" = "$1" ]; }
wait_for 20 stats_mappings_is 0
check_eq "the 8 mappings expired and were freed" 0 "$(mape_stat mappings)"
check_ok "timeout-udp 8" nsw "$CE" map-e set mape0 timeout-udp 8
flows $LAN_A 42100-42104
flows $LAN_B 42100-42102
check_eq "host .2 gets 5 new mappings, host .3 3" "5 3" \
	"$(json_get "$(mape_mappings)" "'%d %d' % (len([m for m in j if m['internal'].startswith('$LAN_A:')]), len([m for m in j if m['internal'].startswith('$LAN_B:')]))")"
check_eq "no limit drop for them" "$((h0 + 2)) $((i0 + 2))" "$(mape_drop limit-host) $(mape_drop limit-instance)"

dmesg_check
ksft_exit
