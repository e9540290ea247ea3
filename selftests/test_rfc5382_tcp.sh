#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 5382 (NAT behaviour for TCP) through the CE: REQ-1 endpoint-independent
# mapping, REQ-3 endpoint-independent filtering (TCP hole punching), REQ-4
# unsolicited SYNs, REQ-2 simultaneous open, both ways round.
#
#  lan 198.51.100.2 -- l0 198.51.100.1  ce (mape0, 192.0.2.18, PSID 0x34)
#                      w0 2001:db8:ff00:1::2 -- core -- br (ip6tnl) -- inet 203.0.113.10
#                                                                           203.0.113.20
#                                                                           203.0.113.30
#  REQ-1  .2:40100 connects to .10:5001 and .20:5001 (SO_REUSEADDR/REUSEPORT):
#         both servers see 192.0.2.18 and the same external port.
#  REQ-3  .2:40200 listens on 40200 and connects from it to .10:5002; .30, never
#         contacted, connects to that external port: the LAN listener accepts
#         it, seeing .30's own address, and the data goes both ways.
#  REQ-4  a. .2:40300 connected out, nothing listening on 40300: .30's SYN to
#         its external port still reaches the host, whose RST refuses it
#         (ECONNREFUSED); the CE adds nothing.
#         b. .20:6001 connects to 192.0.2.18:P (P in the set, no mapping): the
#         CE answers nothing, no RST or ICMP, while 4 SYNs arrive over 7 s
#         (REQ-4: silent for at least 6 s; softwire never answers, REQ-4a:
#         a shared address reveals nothing); each is counted as no-mapping.
#         Then .2:P (kept as P, RFC 4787 4.2.1) connects to .20:6001: the
#         outbound SYN meets .20's pending connect (simultaneous open at .20)
#         and the connection completes.
#  REQ-2  .2:40400 connects to .20:6002 while .20's nftables drops bare SYNs
#         to 6002, so only .20's SYN to the external port gets through: the
#         LAN end, in SYN-SENT, receives a SYN (simultaneous open at the LAN)
#         and the connection completes; the mapping is established.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

INET_C=203.0.113.30
mape_start "RFC 5382 EIM/EIF behaviour is softwire's"
require_cmd nft
ip -n "$INET" addr add $INET_C/24 dev eth0
mape_ce_up

tcpx() { local ns=$1; shift; nx "$ns" $PY "$MAPE_HELPERS/tcp.py" "$@"; }
ready() { test -e "$TMPD/$1.ready"; }
drop_ge() { [ "$(mape_drop "$1")" -ge "$2" ]; }
tcp_ext() { mape_ext tcp "$1"; }

# ---- REQ-1
bg srva nx "$INET" $PY "$MAPE_HELPERS/tcp.py" serve $INET_A:5001 --ready "$TMPD/srva.ready"
bg srvb nx "$INET" $PY "$MAPE_HELPERS/tcp.py" serve $INET_B:5001 --ready "$TMPD/srvb.ready"
wait_for 20 ready srva; wait_for 20 ready srvb
out=$(tcpx "$LAN" connect $LAN_A:40100 $INET_A:5001 $INET_B:5001 --msg eim)
ext=$(tcp_ext $LAN_A:40100)
check_match "REQ-1: a TCP mapping for $LAN_A:40100" "^$CE_V4:[0-9]+\$" "$ext"
check_eq "REQ-1: both servers see $ext" \
	"to $INET_A:5001 got seen $ext eim
to $INET_B:5001 got seen $ext eim" "$out"
check_eq "REQ-1: one TCP mapping" 1 "$(json_get "$(mape_mappings)" "len([m for m in j if m['proto'] == 'tcp'])")"
bg_wait srva 10; bg_wait srvb 10

# ---- REQ-3
f0=$(mape_drop filtered) n0=$(mape_drop no-mapping)
bg srv2 nx "$INET" $PY "$MAPE_HELPERS/tcp.py" serve $INET_A:5002 --ready "$TMPD/srv2.ready"
wait_for 20 ready srv2
bg punch nx "$LAN" $PY "$MAPE_HELPERS/tcp.py" connect $LAN_A:40200 $INET_A:5002 \
	--listen --accept 1 --msg punch --ready "$TMPD/punch.ready" --timeout 60
wait_for 30 ready punch
ext=$(tcp_ext $LAN_A:40200)
check_match "REQ-3: a TCP mapping for $LAN_A:40200" "^$CE_V4:[0-9]+\$" "$ext"
out=$(tcpx "$INET" connect $INET_C:7000 "$ext" --msg from-c)
check_eq "REQ-3: .30 (never contacted) connects to $ext; the LAN end sees .30" \
	"to $ext got seen $INET_C:7000 from-c" "$out"
bg_wait punch 30
check_eq "REQ-3: the LAN host connected out and accepted .30 on one port" \
	"to $INET_A:5002 got seen $ext punch
accepted from $INET_C:7000 from-c" "$(bg_out punch)"
check_eq "REQ-3: nothing filtered or unmapped" "$f0 $n0" "$(mape_drop filtered) $(mape_drop no-mapping)"

# ---- REQ-4 a: a mapping, nothing listening
bg srv3 nx "$INET" $PY "$MAPE_HELPERS/tcp.py" serve $INET_A:5003 --ready "$TMPD/srv3.ready"
wait_for 20 ready srv3
bg held nx "$LAN" $PY "$MAPE_HELPERS/tcp.py" connect $LAN_A:40300 $INET_A:5003 \
	--ready "$TMPD/held.ready" --hold --timeout 120
wait_for 30 ready held
ext=$(tcp_ext $LAN_A:40300)
check_match "REQ-4a: a TCP mapping for $LAN_A:40300" "^$CE_V4:[0-9]+\$" "$ext"
out=$(tcpx "$INET" connect $INET_C:7001 "$ext" --timeout 20)
check_eq "REQ-4a: .30's SYN reaches the host, which refuses it" "to $ext error ECONNREFUSED" "$out"
check_eq "REQ-4a: nothing dropped by the CE" "$f0 $n0" "$(mape_drop filtered) $(mape_drop no-mapping)"

# ---- REQ-4 b: no mapping, then the outbound SYN
P=$(($(port_nth_range_lo 7) + 2))
check_cond "REQ-4b: port $P is in the set" port_in_set $P
check_eq "REQ-4b: no mapping on $P yet" "" "$(tcp_ext $LAN_A:$P)"
# SYN retransmissions 1, 2, 4 s apart (6.5+ makes the first ones 1 s apart
# unless tcp_syn_linear_timeouts is 0)
nx "$INET" sysctl -qw net.ipv4.tcp_syn_linear_timeouts=0 2>/dev/null || true
cap_start unsol "$INET" eth0 "host $CE_V4"
n0=$(mape_drop no-mapping)
bg early nx "$INET" $PY "$MAPE_HELPERS/tcp.py" connect $INET_B:6001 $CE_V4:$P --msg inet --timeout 90
# SYNs leave at 0, 1, 3 and 7 s (initial RTO 1 s, doubling)
wait_for 30 drop_ge no-mapping $((n0 + 4))
wait_for 10 pcap_has unsol "src $INET_B and tcp[tcpflags] == tcp-syn" 4
nsyn=$(pcap_count unsol "src $INET_B and tcp[tcpflags] == tcp-syn")
check_eq "REQ-4b: 4 unsolicited SYNs over 7 s, each dropped as no-mapping" \
	"4 $((n0 + 4))" "$nsyn $(mape_drop no-mapping)"
check_eq "REQ-4b: nothing came from $CE_V4 (no RST, no ICMP)" 0 \
	"$(pcap_count unsol "src $CE_V4")"
span=$(tcpdump -tt -nn -r "$TMPD/unsol.pcap" "src $INET_B and tcp[tcpflags] == tcp-syn" 2>/dev/null |
	awk 'NR == 1 { f = $1 } { l = $1 } END { printf "%d", l - f }')
check_cond "REQ-4b: ... for at least 6 s (first to last SYN: $span s)" test "$span" -ge 6
out=$(tcpx "$LAN" connect $LAN_A:$P $INET_B:6001 --msg lan --timeout 30)
check_eq "REQ-4b: the outbound SYN completes the connection (LAN end)" \
	"to $INET_B:6001 got inet" "$out"
bg_wait early 30
check_eq "REQ-4b: ... and .20's pending connect to $CE_V4:$P" \
	"to $CE_V4:$P got lan" "$(bg_out early)"
check_eq "REQ-4b: the mapping kept port $P" "$CE_V4:$P" "$(tcp_ext $LAN_A:$P)"
cap_stop unsol >/dev/null

# ---- REQ-2: simultaneous open seen by the LAN end
nx "$INET" nft -f - <<-EOF
	table inet rfc5382 {
		chain input {
			type filter hook input priority 0; policy accept;
			tcp dport 6002 tcp flags & (syn | ack) == syn counter drop
		}
	}
EOF
nft_dropped() { nx "$INET" nft list table inet rfc5382 | grep -Eq 'packets [1-9]'; }
bg simul nx "$LAN" $PY "$MAPE_HELPERS/tcp.py" connect $LAN_A:40400 $INET_B:6002 --msg lan \
	--ready "$TMPD/simul.ready" --hold --timeout 90
wait_for 30 mape_has_mapping tcp $LAN_A:40400
wait_for 30 nft_dropped
check_cond "REQ-2: the LAN's SYN to .20:6002 was dropped at .20" nft_dropped
ext=$(tcp_ext $LAN_A:40400)
tcp_state() {
	json_get "$(mape_mappings)" "([m['state'] for m in j if m['proto'] == 'tcp' and m['internal'] == '$1'] + ['none'])[0]"
}
check_eq "REQ-2: the mapping is in syn-sent" "syn-sent" "$(tcp_state $LAN_A:40400)"
# both ends keep the connection open (--hold) once their data went through
bg late nx "$INET" $PY "$MAPE_HELPERS/tcp.py" connect $INET_B:6002 "$ext" --msg inet \
	--ready "$TMPD/late.ready" --hold --timeout 60
wait_for 30 ready late; wait_for 30 ready simul
check_eq "REQ-2: .20 connects to $ext and reads the LAN's data" "to $ext got lan" "$(bg_out late)"
check_eq "REQ-2: the LAN end (SYN-SENT, then a SYN in) reads .20's data" \
	"to $INET_B:6002 got inet" "$(bg_out simul)"
check_eq "REQ-2: the mapping is established" "established" "$(tcp_state $LAN_A:40400)"

dmesg_check
ksft_exit
