#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# ICMP errors never end or shorten a mapping: RFC 4787 REQ-12 (UDP), RFC 5382
# REQ-10 (TCP: neither the mapping nor the connection), RFC 5508 REQ-6 (ICMP
# query mappings). Errors in both directions are translated (the positive
# control: each one reaches the other side), and afterwards every mapping is
# still there with the same external port, the same state, and an age that
# went on growing (its remaining lifetime neither reset nor cut).
#
#  lan 198.51.100.2 -- l0 198.51.100.1  ce (mape0, 192.0.2.18)
#                      w0 2001:db8:ff00:1::2 -- core -- br (ip6tnl) -- inet 203.0.113.10
#
#  Mappings: UDP .2:40600 -> .10:5020, TCP .2:40601 -> .10:5021 (established,
#  both ends kept open), ICMP echo (ping -c 1 -p, identifier from the kernel).
#  Inbound: .10 sends Destination Unreachable (host 1, port 3, frag needed 4,
#  admin prohibited 13) and Time Exceeded about each (helpers/icmp_err.py):
#  15 errors reach the LAN host.
#  Outbound: the LAN host sends port unreachable and admin prohibited about
#  each UDP/TCP flow (quoting the packet .10 sent it): 4 errors leave as
#  192.0.2.18.
#  Then: the same TCP connection still carries data both ways.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start "ICMP error handling of the NAPT is softwire's"
mape_ce_up

ERRS="3/1 3/3 3/4 3/13 11/0"
icmp_err() { local ns=$1; shift; nx "$ns" $PY "$MAPE_HELPERS/icmp_err.py" "$@"; }
ready() { test -e "$TMPD/$1.ready"; }
# snapshot: "proto internal external state" of every mapping, sorted
snapshot() {
	json_get "$(mape_mappings)" \
		"'\n'.join(sorted('%s %s %s %s' % (m['proto'], m['internal'], m['external'], m['state']) for m in j))"
}
# ages: "proto internal age" of every mapping, sorted
ages() {
	json_get "$(mape_mappings)" \
		"'\n'.join(sorted('%s %s %d' % (m['proto'], m['internal'], m['age']) for m in j))"
}
min_age_ge() { [ "$(json_get "$(mape_mappings)" "min(m['age'] for m in j)")" -ge "$1" ]; }

# ---- the three mappings
udp_bg udp "$LAN" --bind $LAN_A:40600 --send $INET_A:5020:open --timeout 120
bg echo nx "$INET" socat TCP4-LISTEN:5021,reuseaddr EXEC:cat
wait_for 20 tcp_listening "$INET" 5021
bg tcp nx "$LAN" $PY "$MAPE_HELPERS/tcp.py" connect $LAN_A:40601 $INET_A:5021 --msg before \
	--ready "$TMPD/tcp.ready" --again "$TMPD/again" --hold --timeout 180
wait_for 30 ready tcp
check_eq "TCP: the connection works" "to $INET_A:5021 got before" "$(bg_out tcp)"
check_ok "ping makes an ICMP mapping" nx "$LAN" ping -n -c 1 -W 5 $INET_A
wait_for 20 mape_has_mapping udp $LAN_A:40600
udp_ext=$(mape_ext udp $LAN_A:40600) tcp_ext=$(mape_ext tcp $LAN_A:40601)
icmp_m=$(json_get "$(mape_mappings)" "[m['internal'] + ' ' + m['external'] for m in j if m['proto'] == 'icmp'][0]")
icmp_ext=${icmp_m#* }
check_match "three mappings: udp, tcp, icmp" "^$CE_V4:[0-9]+ $CE_V4:[0-9]+ $CE_V4:[0-9]+\$" \
	"$udp_ext $tcp_ext $icmp_ext"
check_eq "the TCP mapping is established" "established" \
	"$(json_get "$(mape_mappings)" "[m['state'] for m in j if m['proto'] == 'tcp'][0]")"
# ages of at least 3 s, so that a refresh (age back to 0) shows
wait_for 20 min_age_ge 3
before=$(snapshot) ages0=$(ages) t0=$(date +%s)

# ---- inbound errors
cap_start lan "$LAN" eth0 icmp
# shellcheck disable=SC2086
{
icmp_err "$INET" $INET_A $CE_V4 udp "$udp_ext" $INET_A:5020 $ERRS
icmp_err "$INET" $INET_A $CE_V4 tcp "$tcp_ext" $INET_A:5021 $ERRS
icmp_err "$INET" $INET_A $CE_V4 icmp "$icmp_ext" $INET_A:0 $ERRS
}
wait_for 20 pcap_has lan "icmp[0] != 0 and icmp[0] != 8" 15
cap_stop lan >/dev/null
check_eq "inbound: the 15 errors reach the LAN host" 15 \
	"$(pcap_count lan "dst $LAN_A and icmp[0] != 0 and icmp[0] != 8")"

# ---- outbound errors (the LAN host about what .10 sent it)
cap_start inet "$INET" eth0 icmp
icmp_err "$LAN" $LAN_A $INET_A udp $INET_A:5020 $LAN_A:40600 3/3 3/13
icmp_err "$LAN" $LAN_A $INET_A tcp $INET_A:5021 $LAN_A:40601 3/3 3/13
wait_for 20 pcap_has inet "src $CE_V4 and icmp[0] = 3" 4
cap_stop inet >/dev/null
check_eq "outbound: the 4 errors leave as $CE_V4" 4 "$(pcap_count inet "src $CE_V4 and icmp[0] = 3")"

# ---- the mappings
check_eq "every mapping is still there, same external port and state" "$before" "$(snapshot)"
ages1=$(ages) t1=$(date +%s)
bad=$(paste -d' ' <(echo "$ages0") <(echo "$ages1") |
	awk -v dt=$((t1 - t0)) '$3 + dt - 2 > $6 { print $1, $2, $3 "->" $6 " in " dt " s" }')
check_eq "no mapping's age was reset (remaining lifetime not changed)" "" "$bad"
check_eq "the TCP mapping is still established" "established" \
	"$(json_get "$(mape_mappings)" "[m['state'] for m in j if m['proto'] == 'tcp'][0]")"
touch "$TMPD/again"
wait_for 30 ready again.done
check_eq "TCP: the same connection still carries data both ways" \
	"to $INET_A:5021 got before
to $INET_A:5021 again again" "$(bg_out tcp)"
check_eq "no drops" "" "$(mape_drops_nonzero)"

dmesg_check
ksft_exit
