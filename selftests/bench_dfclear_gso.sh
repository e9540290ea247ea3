#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark (prints figures, never fails on time): throughput of DF-clear GSO
# traffic from a LAN host through a CE, the case where the device could either
# segment in software or hand the super-packet whole to the IPv6 output (which
# fragments segments too big for the path). Under TCG only ratios within one
# boot mean anything.
#
#  lan 198.51.100.2 -- ce (mape0) -- core -- br (ip6tnl) -- inet 203.0.113.10
#  (lib_mape.sh's topology; the LAN host has net.ipv4.ip_no_pmtu_disc=1, so its
#  TCP and UDP leave with DF clear)
#
#  tcp: iperf3 -t SECONDS, the receiver's rate.
#  udp: UDP_SEGMENT super-packets of 8 x 1400 bytes for SECONDS, the bytes the
#       inet socket received per second.
#  Each with mape0 at MTU 1460 (segments fit the 1500-byte IPv6 path once
#  encapsulated) and 1500 (every full segment becomes two IPv6 fragments), with
#  fastpath off and on.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

SECS=${SOFTWIRE_BENCH_SECONDS:-5}
mape_start "benchmarks softwire"
require_cmd iperf3
mape_ce_up
nx "$LAN" sysctl -qw net.ipv4.ip_no_pmtu_disc=1

cat >"$TMPD/udpsink.py" <<-'PY'
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind((sys.argv[1], int(sys.argv[2])))
	s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
	open(sys.argv[4], "w").close()
	s.settimeout(2)
	n, t0, t1 = 0, None, None
	end = time.time() + float(sys.argv[3]) + 10
	while time.time() < end:
	    try:
	        b = s.recv(65536)
	    except socket.timeout:
	        if t0:
	            break
	        continue
	    t1 = time.time()
	    t0 = t0 or t1
	    n += len(b)
	print("%.1f" % (n * 8 / max(t1 - t0, 1e-3) / 1e6 if t0 else 0))
PY
cat >"$TMPD/udpgso.py" <<-'PY'
	import socket, sys, time
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	s.bind((sys.argv[4], 0))
	s.setsockopt(socket.IPPROTO_UDP, 103, 1400)    # UDP_SEGMENT
	buf = b"x" * 1400 * 8
	end = time.time() + float(sys.argv[3])
	while time.time() < end:
	    try:
	        s.sendto(buf, (sys.argv[1], int(sys.argv[2])))
	    except OSError:
	        pass
PY

tcp_rate() {
	bg iperfd nx "$INET" iperf3 -s -1 -B $INET_A -p 5201
	wait_for 20 tcp_listening "$INET" 5201
	nx "$LAN" iperf3 -c $INET_A -p 5201 -B $LAN_A -t "$SECS" -J >"$TMPD/iperf.json" 2>/dev/null
	bg_wait iperfd 30
	json_get "$(cat "$TMPD/iperf.json")" "'%.1f' % (j['end']['sum_received']['bits_per_second'] / 1e6)"
}

udp_rate() {
	rm -f "$TMPD/sink.ready"
	bg sink nx "$INET" $PY "$TMPD/udpsink.py" $INET_A 5300 "$SECS" "$TMPD/sink.ready"
	wait_for 20 test -e "$TMPD/sink.ready"
	nx "$LAN" $PY "$TMPD/udpgso.py" $INET_A 5300 "$SECS" $LAN_A
	bg_wait sink 40
	bg_out sink
}

log "DF-clear GSO throughput, Mbit/s (${SECS} s each)"
for mtu in 1460 1500; do
	ip -n "$CE" link set mape0 mtu $mtu
	for fpo in off on; do
		nsw "$CE" map-e set mape0 fastpath $fpo
		t=$(tcp_rate); u=$(udp_rate)
		log "mtu $mtu fastpath $fpo: tcp $t udp $u (fastpath_packets $(mape_stat fastpath_packets))"
	done
done
check_eq "no softwire drops" "" "$(mape_drops_nonzero)"
dmesg_check
ksft_exit
