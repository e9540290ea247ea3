#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-8 with ADF and APDF: a mapping admits every remote endpoint it
# has sent to while it lives, not only the last few; the instance's bound of
# remembered remotes is reported and its overflow counted; ICMP errors meet
# the same filter as the remote they are about.
#
#  lan 198.51.100.2 -- ce (mape0, 192.0.2.18) -- core -- br (ip6tnl) -- inet 203.0.113.10
#                                                          |            203.0.113.101..110
#                                                          |            203.0.113.30 (never contacted)
#                                                          blackhole 203.0.113.99
#
#  1. filter apdf: LAN :40020 sends to .10:5001..5010 (10 remotes, one host):
#     all 10 echoes come back (a fixed array of 4 kept only the last 4).
#  2. filter adf: LAN :40021 sends to .101...110:5000 (10 hosts): all 10 echoes.
#  3. filter apdf: ICMP errors about LAN :40022's packets (ICMPv4 from the
#     internet, ICMPv6 from the core about the tunnel packet): those quoting
#     a remote never sent to (.30:7000) are dropped as "filtered"; those
#     quoting the contacted .10:5000 reach the LAN socket.
#  4. LAN :40023 sends to more remotes than the instance may remember
#     (blackholed at the BR): "remotes" stops at "remotes_max" (16 per port:
#     252 x 16 = 4032), "remotes_full" counts the rest.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

N=10
INET_C=203.0.113.30
cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "ADF/APDF are softwire's"
mape_topo
for i in $(seq 101 $((100 + N))); do ip -n "$INET" addr add 203.0.113.$i/24 dev eth0; done
ip -n "$INET" addr add $INET_C/24 dev eth0
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }

test_filtered_is() { [ "$(mape_drop filtered)" = "$1" ]; }
test_stat_is() { [ "$(mape_stat "$1")" = "$2" ]; }

# echo_bg NAME ADDRS PORTS: echo_many.py in INET, returns once every socket is bound.
echo_bg() {
	rm -f "$TMPD/$1.ready"
	bg "$1" nx "$INET" $PY "$MAPE_HELPERS/echo_many.py" --addrs "$2" --ports "$3" \
		--ready "$TMPD/$1.ready" --timeout 120
	wait_for 20 test -e "$TMPD/$1.ready" || log "echo_bg $1: not ready"
}

# peers_case MODE LANPORT PEER...: the LAN socket sends to every PEER; all echo.
peers_case() {
	local mode=$1 lport=$2 p sends=() want=()
	shift 2
	for p in "$@"; do
		sends+=(--send "$p:to-$p")
		want+=("from $p echo:to-$p")
	done
	udp_bg lan "$LAN" --bind $LAN_A:"$lport" "${sends[@]}" --expect $# --timeout 60
	bg_wait lan 60
	check_eq "REQ-8 $mode: the replies of all $# remotes reach the LAN socket" \
		"$(printf '%s\n' "${want[@]}" | sort)" "$(bg_out lan | sort)"
}

f0=$(mape_drop filtered)

# ---- 1. APDF, 10 ports of one host
check_ok "filter apdf" nsw "$CE" map-e set mape0 filter apdf
echo_bg apdf $INET_A 5001-$((5000 + N))
mapfile -t peers < <(for i in $(seq 1 $N); do echo $INET_A:$((5000 + i)); done)
peers_case apdf 40020 "${peers[@]}"

# ---- 2. ADF, 10 hosts
check_ok "filter adf" nsw "$CE" map-e set mape0 filter adf
echo_bg adf "$(seq -s, -f '203.0.113.%g' 101 $((100 + N)))" 5000-5000
mapfile -t peers < <(for i in $(seq 101 $((100 + N))); do echo "203.0.113.$i:5000"; done)
peers_case adf 40021 "${peers[@]}"
check_eq "no reply was filtered" "$f0" "$(mape_drop filtered)"
check_cond "the instance remembers at least $((2 * N)) remotes" \
	test "$(mape_stat remotes)" -ge $((2 * N))

# ---- 3. ICMP errors meet the filter (APDF): ICMPv4 from the internet,
# ICMPv6 from a core router about the tunnel packet
check_ok "filter apdf" nsw "$CE" map-e set mape0 filter apdf
udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --timeout 30
udp_bg lan "$LAN" --bind $LAN_A:40022 --send $INET_A:5000:open --recverr --expect 2 --timeout 60
bg_wait srv 30
ext=$(mape_ext udp $LAN_A:40022)
check_match "mapping for $LAN_A:40022" "^$CE_V4:[0-9]+$" "$ext"
err4() { nx "$INET" $PY "$MAPE_HELPERS/pkt4.py" icmp-unreach "$1" "$ext" "$1:$2"; }
err6() {
	nx "$CORE" $PY "$MAPE_HELPERS/pkt4.py" icmp6-unreach 2001:db8:ff00:1::1 $MAP6_RFC $BR6 \
		"$ext" "$1:$2"
}
f=$(mape_drop filtered)
err4 $INET_C 7000
check_cond "ICMP error about a remote never sent to: dropped as filtered" \
	wait_for 10 test_filtered_is $((f + 1))
err6 $INET_C 7000
check_cond "ICMPv6 error about a packet to a remote never sent to: dropped as filtered" \
	wait_for 10 test_filtered_is $((f + 2))
err4 $INET_A 5000
lan_lines() { [ "$(bg_out lan | grep -c .)" -ge "$1" ]; }
wait_for 10 lan_lines 1
err6 $INET_A 5000
bg_wait lan 30
check_eq "ICMP and ICMPv6 errors about the contacted remote reach the LAN socket (and only they)" \
	"icmp type 3 code 3 from $INET_A info 0
icmp type 3 code 1 from 198.51.100.1 info 0" "$(bg_out lan)"
check_eq "filtered counted twice" $((f + 2)) "$(mape_drop filtered)"

# ---- 4. the bound and its overflow
ip -n "$BR" route add blackhole 203.0.113.99/32
max=$(mape_stat remotes_max)
check_eq "remotes_max: 16 per port of the 252-port set" 4032 "$max"
check_eq "remotes_full: nothing lost yet" 0 "$(mape_stat remotes_full)"
nx "$LAN" $PY -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("'$LAN_A'", 40023))
for p in range(10000, 10000 + int(sys.argv[1])):
    s.sendto(b"x", ("203.0.113.99", p))
' $((max + 100))
check_cond "remotes reach remotes_max" wait_for 20 test_stat_is remotes "$max"
check_cond "remotes_full counts those not remembered" \
	test "$(mape_stat remotes_full)" -ge 100
check_ok "back to filter eif" nsw "$CE" map-e set mape0 filter eif
dmesg_check
ksft_exit
