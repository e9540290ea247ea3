#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# MAP-E CE datapath, the basics: UDP, a TCP transfer of a few MB (veth GSO
# super-packets), ping, through softwire and the kernel's ip6tnl as the BR.
# Done with the RFC 7597 rule and with the v6plus-shaped rule (offset 4,
# legacy IID). Oracles: the inet host sees 192.0.2.18 and a port of the set;
# on the core link the outer IPv6 source is the MAP address (exact bytes, IID
# included) and the destination the BR; `swctl -j map-e mappings` lists the
# flows; the drop counters stay at zero.
#
#  lan 198.51.100.2 -- ce (mape0) -- core -- br (ip6tnl, 2001:db8:ffff::1) -- inet 203.0.113.10
#  (full plan in lib_mape.sh)
#
# SOFTWIRE_DP_BASELINE=1 runs the same traffic through ip6tnl + nft SNAT instead.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start

dd if=/dev/urandom of="$TMPD/blob" bs=1M count=4 status=none

udp_case() {
	local v=$1 lp=$2 out peer port
	udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --echo --timeout 30
	cap_start core "$CORE" c1 ip6
	out=$(udp_run "$LAN" --bind $LAN_A:$lp --send $INET_A:5000:hello-$v --expect 1 --timeout 20)
	check_eq "$v: UDP reply reaches the LAN socket" "from $INET_A:5000 echo:hello-$v" "$out"
	bg_wait srv 10
	peer=$(bg_out srv)
	check_match "$v: inet sees the CE address" "^from $CE_V4:[0-9]+ hello-$v\$" "$peer"
	port=$(sed -n 's/^from [0-9.]*:\([0-9]*\) .*/\1/p' <<<"$peer")
	check_cond "$v: external UDP port $port is in the port set" port_in_set "${port:-0}"
	cap_stop core >/dev/null
	check_eq "$v: outer IPv6 MAP address -> BR carries the datagram" 1 \
		"$(pcap_lines core "ip6 src $MAP6 and ip6 dst $BR6 and ip6[6] = 4" |
			grep -c "IP $CE_V4\.$port > $INET_A\.5000: UDP")"
	check_eq "$v: outer source IID bytes are $MAP6's" 1 \
		"$(pcap_lines core "ip6 dst $BR6 and $(iid_filter "$MAP6")" | grep -c "hello\|UDP")"
	check_eq "$v: reply comes from the BR to the MAP address" 1 \
		"$(pcap_lines core "ip6 src $BR6 and ip6 dst $MAP6" |
			grep -c "IP $INET_A\.5000 > $CE_V4\.$port: UDP")"
	baseline && return
	local j
	j=$(mape_mappings) || { _failed "$v: swctl -j map-e mappings"; return; }
	check_eq "$v: mapping udp $LAN_A:$lp -> external" "$CE_V4:$port" "$(mape_ext udp $LAN_A:$lp)"
	check_eq "$v: mapping last_remote, static, age" "[[\"$INET_A:5000\",false,true]]" \
		"$(json_get "$j" "[[m['last_remote'], m['static'], isinstance(m['age'], int) and 0 <= m['age'] < 60] for m in j if m['internal'] == '$LAN_A:$lp']")"
}

tcp_case() {
	local v=$1 lp=$2 peer port
	rm -f "$TMPD/rcvd"
	bg tcpsrv nx "$INET" socat -d -d -u TCP4-LISTEN:5001,reuseaddr OPEN:"$TMPD/rcvd",creat,trunc
	wait_for 20 tcp_listening "$INET" 5001 || log "tcp listener not up"
	check_ok "$v: 4 MB TCP transfer LAN -> inet" \
		nx "$LAN" timeout 120 socat -u OPEN:"$TMPD/blob" TCP4:$INET_A:5001,bind=$LAN_A:$lp
	bg_wait tcpsrv 30
	check_cond "$v: the inet host received the file intact" cmp -s "$TMPD/blob" "$TMPD/rcvd"
	peer=$(grep -o 'accepting connection from AF=2 [0-9.]*:[0-9]*' "$TMPD/tcpsrv.err")
	check_match "$v: TCP peer is the CE address" "AF=2 $CE_V4:[0-9]+\$" "$peer"
	port=${peer##*:}
	check_cond "$v: external TCP port $port is in the port set" port_in_set "${port:-0}"
	baseline && return
	check_eq "$v: mapping tcp $LAN_A:$lp -> external" "$CE_V4:$port" "$(mape_ext tcp $LAN_A:$lp)"
	# Both ends closed (FIN each way): sw_tcp_state_name(SW_TCP_TIME_WAIT).
	# The inet side's FIN may still be on its way when socat exits: poll.
	wait_for 10 tcp_state_is "$lp" time-wait
	check_eq "$v: TCP mapping state after both FINs" time-wait "$(tcp_state "$lp")"
}
tcp_state() {	# tcp_state LANPORT: "state" of the TCP mapping of $LAN_A:LANPORT
	json_get "$(mape_mappings)" \
		"([m['state'] for m in j if m['proto'] == 'tcp' and m['internal'] == '$LAN_A:$1'] + [''])[0]"
}
tcp_state_is() { [ "$(tcp_state "$1")" = "$2" ]; }

ping_case() {
	local v=$1 id
	cap_start icmp "$INET" eth0 icmp
	check_ok "$v: ping LAN -> inet" nx "$LAN" ping -n -c 2 -i 0.3 -W 5 $INET_A
	cap_stop icmp >/dev/null
	id=$(pcap_lines icmp "icmp[icmptype] = icmp-echo and src host $CE_V4" |
		sed -n 's/.*ICMP echo request, id \([0-9]*\),.*/\1/p' | sort -u)
	check_match "$v: inet sees echo requests from $CE_V4 with one identifier" '^[0-9]+$' "$id"
	check_cond "$v: ICMP identifier $id is in the port set" port_in_set "${id:-0}"
	baseline && return
	check_eq "$v: icmp mapping external" "$CE_V4:$id" \
		"$(json_get "$(mape_mappings)" "([m['external'] for m in j if m['proto'] == 'icmp'] + [''])[0]")"
}

lp=40000
for v in rfc v6plus; do
	lp=$((lp + 1))
	log "--- variant $v"
	mape_ce_add $v || { _failed "$v: create the CE"; continue; }
	udp_case $v $lp
	tcp_case $v $lp
	ping_case $v
	if ! baseline; then
		check_eq "$v: no drops" "" "$(mape_drops_nonzero)"
		# tx counts GSO super-packets as one, so judge by bytes: the 4 MiB
		# went out (inner IPv4 bytes), and at least the UDP echo, the ACKs
		# and the 2 echo replies came back.
		check_cond "$v: tx_bytes $(mape_stat tx_bytes) >= the 4 MiB sent" \
			test "$(mape_stat tx_bytes)" -ge 4194304
		check_cond "$v: rx_packets $(mape_stat rx_packets) >= 4" \
			test "$(mape_stat rx_packets)" -ge 4
	fi
	mape_ce_del
done

dmesg_check
ksft_exit
