#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Port choice inside the port set, exhaustion and the mapping limits, with the
# v6plus-shaped rule (PSID offset 4: 15 ranges of 16 ports = 240 ports).
#
#  lan 198.51.100.2, .3 -- ce (mape0, 192.0.2.18, PSID 0x34) -- core -- br (ip6tnl) -- inet 203.0.113.10:5000
#
#  1. 40 UDP flows (more than one 16-port range): 40 distinct external ports,
#     all in the set, spread over >= 3 ranges; the mappings JSON agrees.
#  2. 200 more flows fill the 240 ports; flow 241 is dropped ("port-exhausted"
#     +1) and the existing mappings are untouched.
#  3. New instance, max-mappings 8 max-per-host 5: host .2's 6th flow is dropped
#     ("limit-host"), host .3 still gets 3 mappings, then "limit-instance".
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "port set allocation is softwire's"
mape_topo
mape_ce_add v6plus || { _failed "create the CE"; ksft_exit; }

flows() {	# flows SRC LO-HI
	nx "$LAN" $PY "$MAPE_HELPERS/flows.py" --src "$1" --ports "$2" --dst $INET_A:5000
}

# udp_ext_ports: the external ports of the UDP mappings, one per line, sorted.
udp_ext_ports() {
	json_get "$(mape_mappings)" \
		"'\n'.join(sorted(m['external'].split(':')[1] for m in j if m['proto'] == 'udp'))"
}
n_udp() { json_get "$(mape_mappings)" "len([m for m in j if m['proto'] == 'udp'])"; }
n_udp_is() { [ "$(n_udp)" = "$1" ]; }

# ---- 1. 40 flows
udp_bg srv "$INET" --bind $INET_A:5000 --expect 40 --timeout 60
flows $LAN_A 41000-41039
bg_wait srv 60
seen=$(bg_out srv | sed -n "s/^from $CE_V4:\([0-9]*\) f[0-9]*\$/\1/p" | sort -n)
check_eq "inet receives 40 datagrams from 192.0.2.18" 40 "$(grep -c . <<<"$seen")"
check_eq "40 distinct external ports" 40 "$(sort -u <<<"$seen" | grep -c .)"
bad=""
for p in $seen; do port_in_set "$p" || bad="$bad $p"; done
check_eq "every external port is in the set" "" "$bad"
ranges=$(for p in $seen; do echo $((p >> 12)); done | sort -u | grep -c .)
check_cond "the ports span $ranges >= 3 ranges of 16" test "$ranges" -ge 3
check_eq "mappings JSON lists the same 40 ports" "$seen" "$(udp_ext_ports | sort -n)"
first=$(mape_ext udp $LAN_A:41000)

# ---- 2. exhaustion of the 240 ports
flows $LAN_A 41040-41239
wait_for 30 n_udp_is 240
check_eq "240 UDP mappings fill the set" 240 "$(n_udp)"
check_eq "240 distinct external ports" 240 "$(udp_ext_ports | sort -u | grep -c .)"
e0=$(mape_drop port-exhausted)
flows $LAN_A 41240-41240
wait_for 10 test "$(mape_drop port-exhausted)" -gt "$e0"
check_eq "flow 241 dropped as port-exhausted" $((e0 + 1)) "$(mape_drop port-exhausted)"
check_eq "still 240 UDP mappings" 240 "$(n_udp)"
check_eq "flow 241 has no mapping" "" "$(mape_ext udp $LAN_A:41240)"
check_eq "the first mapping is untouched" "$first" "$(mape_ext udp $LAN_A:41000)"
check_ok "ping still gets an ICMP mapping (own identifier space)" \
	nx "$LAN" ping -n -c 1 -W 5 $INET_A

# ---- 3. max-mappings / max-per-host
mape_ce_del
mape_ce_add v6plus max-mappings 8 max-per-host 5 || { _failed "create the CE with limits"; ksft_exit; }
h0=$(mape_drop limit-host) i0=$(mape_drop limit-instance)
flows $LAN_A 42000-42005
wait_for 10 test "$(mape_drop limit-host)" -gt "$h0"
check_eq "host .2: 5 mappings" 5 "$(n_udp)"
check_eq "host .2: 6th flow dropped as limit-host" $((h0 + 1)) "$(mape_drop limit-host)"
flows $LAN_B 42000-42003
wait_for 10 test "$(mape_drop limit-instance)" -gt "$i0"
check_eq "host .3: 3 mappings (instance total 8)" 3 \
	"$(json_get "$(mape_mappings)" "len([m for m in j if m['internal'].startswith('$LAN_B:')])")"
check_eq "host .3: 4th flow dropped as limit-instance" $((i0 + 1)) "$(mape_drop limit-instance)"
check_eq "limit-host not counted for host .3" $((h0 + 1)) "$(mape_drop limit-host)"
check_eq "still 8 mappings" 8 "$(n_udp)"

dmesg_check
ksft_exit
