#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5508 REQ-8: a new flow that cannot get a mapping (max-per-host,
# max-mappings, port set exhausted) is dropped, counted as today, and the LAN
# host gets ICMP Destination Unreachable code 13 (communication
# administratively prohibited), rate-limited.
#
#  lan 198.51.100.2, .3 -- l0 198.51.100.1  ce (mape0, 192.0.2.18, PSID 0x34)
#                          w0 2001:db8:ff00:1::2 -- core -- br (ip6tnl) -- inet 203.0.113.10
#
#  1. max-per-host 2, max-mappings 4: .2 has 2 UDP mappings; its 3rd flow, a
#     UDP socket with IP_RECVERR, reads "type 3 code 13 from 198.51.100.1";
#     limit-host +1, no mapping made.
#  2. .3 takes the other 2; its 3rd flow: code 13 as well, limit-instance +1;
#     a TCP connect() from .3 fails at once with EHOSTUNREACH (code 13 is a
#     hard error for TCP) instead of timing out; limit-instance +1.
#  3. Default limits, the 252 UDP ports of the set taken: the 253rd flow gets
#     code 13, port-exhausted +1.
#  4. 50 refused datagrams in a burst: port-exhausted +50 exactly, and fewer
#     than 50 (but at least one) code-13 errors reach the LAN (icmp_send's
#     rate limit: net.ipv4.icmp_ratelimit, burst 6 per destination).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start "ICMP code 13 for a refused mapping is softwire's"
CODE13="icmp type 3 code 13 from 198.51.100.1 info 0"

flows() {	# flows SRC LO-HI
	nx "$LAN" $PY "$MAPE_HELPERS/flows.py" --src "$1" --ports "$2" --dst $INET_A:5000
}
n_udp() { json_get "$(mape_mappings)" "len([m for m in j if m['proto'] == 'udp'])"; }
n_udp_is() { [ "$(n_udp)" = "$1" ]; }
drop_is() { [ "$(mape_drop "$1")" = "$2" ]; }

# refused TAG SRC:PORT REASON: one datagram from a socket with IP_RECVERR;
# it must read exactly one code-13 error, REASON +1, and no mapping appear.
refused() {
	local tag=$1 src=$2 why=$3 d0 out
	d0=$(mape_drop "$why")
	out=$(udp_run "$LAN" --bind "$src" --recverr --send $INET_A:5000:refused \
		--expect 1 --timeout 20)
	check_eq "$tag: the LAN socket reads ICMP type 3 code 13 from the CE" "$CODE13" "$out"
	wait_for 10 drop_is "$why" $((d0 + 1))
	check_eq "$tag: counted as $why" $((d0 + 1)) "$(mape_drop "$why")"
	check_eq "$tag: no mapping for $src" "" "$(mape_ext udp "$src")"
}

# ---- 1. max-per-host
mape_ce_add rfc max-mappings 4 max-per-host 2 || { _failed "create the CE with limits"; ksft_exit; }
flows $LAN_A 42000-42001
wait_for 20 n_udp_is 2
check_eq ".2 has 2 UDP mappings" 2 "$(n_udp)"
refused "1 limit-host" $LAN_A:42002 limit-host

# ---- 2. max-mappings
flows $LAN_B 42000-42001
wait_for 20 n_udp_is 4
check_eq ".3 has 2 more (instance total 4)" 4 "$(n_udp)"
refused "2 limit-instance" $LAN_B:42002 limit-instance
i0=$(mape_drop limit-instance)
tcp_err=$(nx "$LAN" $PY - <<-'EOF'
	import errno, socket, time
	s = socket.socket()
	s.bind(("198.51.100.3", 42003))
	s.settimeout(30)
	t = time.time()
	try:
	    s.connect(("203.0.113.10", 5001))
	    print("connected")
	except OSError as e:
	    print(errno.errorcode.get(e.errno, e.errno) if e.errno else "timeout",
	          "fast" if time.time() - t < 10 else "slow")
	EOF
)
check_eq "2 TCP: connect() fails at once with EHOSTUNREACH" "EHOSTUNREACH fast" "$tcp_err"
check_eq "2 TCP: its SYN counted as limit-instance" $((i0 + 1)) "$(mape_drop limit-instance)"
check_eq "2: still exactly the 4 UDP mappings" "4 4" "$(n_udp) $(mape_n_mappings)"
check_eq "1-2: only refusals were dropped" "limit-host=1 limit-instance=2" "$(mape_drops_nonzero)"
mape_ce_del

# ---- 3. port set exhausted
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }
n=$(port_set_all | grep -c .)
flows $LAN_A 41000-$((41000 + n - 1))
wait_for 60 n_udp_is "$n"
check_eq "3: $n UDP mappings fill the port set" "$n" "$(n_udp)"
refused "3 port-exhausted" $LAN_A:43000 port-exhausted

# ---- 4. rate limit
e0=$(mape_drop port-exhausted)
cap_start c13 "$LAN" eth0 icmp
flows $LAN_A 43100-43149
wait_for 20 drop_is port-exhausted $((e0 + 50))
check_eq "4: 50 refused datagrams, port-exhausted +50" $((e0 + 50)) "$(mape_drop port-exhausted)"
# positive control: the first of the burst is always answered
wait_for 10 pcap_has c13 "icmp[0] = 3 and icmp[1] = 13"
cap_stop c13 >/dev/null
answered=$(pcap_count c13 "icmp[0] = 3 and icmp[1] = 13")
check_cond "4: rate-limited: $answered of 50 answered with code 13 (1..49)" \
	test "$answered" -ge 1 -a "$answered" -lt 50
check_eq "4: no other ICMP to the LAN" "$answered" "$(pcap_count c13 icmp)"
check_eq "only refusals were dropped" "port-exhausted=$((e0 + 50))" "$(mape_drops_nonzero)"

dmesg_check
ksft_exit
