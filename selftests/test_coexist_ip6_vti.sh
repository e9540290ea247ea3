#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# softwire shares net/ipv6/tunnel6.c's IPv4-in-IPv6 handler list with
# ip6_vti (priority 0), ip6_tunnel (1), xfrm_interface (2) and xfrm6_tunnel
# (3); tunnel6 refuses a second handler of the same priority. In both load
# orders with ip6_vti (which pulls in xfrm6_tunnel) and next to ip6_tunnel,
# every module loads, none logs "failed to register", each receives its own
# packets, and unloading them in either order leaves the kernel log clean.
#
#  lan 198.51.100.2 -- ce -- core -- br (ip6tnl) -- inet 203.0.113.10
#                      |    (full plan in lib_mape.sh)
#                      w0 2001:db8:ff00:1::2, MAP address 2001:db8:12:3400:0:c000:212:34
#                      mape0  softwire, receives from the BR's ip6tnl
#                      vti0   vti6 local 2001:db8:ff00:1::2 remote 2001:db8:ff00:1::99
#                             (::99 is also local, on lo: vti6 claims a packet
#                             from ::99 and, the remote being local, counts it
#                             in rx_dropped; an exact sign it got the packet)
#                      t6     ip6tnl ipip6 local 2001:db8:ff00:1::2 remote 2001:db8:ff00:1::1
#                             (rx_packets counts what it decapsulates)
#  core injects IPv4-in-IPv6 from ::99 and from ::1 to ::2 (helpers/inject.py).
#
# Order 1: modprobe ip6_vti, modprobe softwire; rmmod softwire, rmmod ip6_vti.
# Order 2: modprobe softwire, modprobe ip6_vti; rmmod ip6_vti, rmmod softwire.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

W0=2001:db8:ff00:1::2
CORE6=2001:db8:ff00:1::1
VTI_REMOTE=2001:db8:ff00:1::99
N=3

cleanup() {
	mape_cleanup
	lib_cleanup
	rmmod ip6_vti 2>/dev/null
	module_loaded || modprobe softwire	# for the tests that follow
}
trap cleanup EXIT
mape_begin
require_cmd modprobe rmmod
modinfo ip6_vti >/dev/null 2>&1 || skip "no ip6_vti module in this kernel"
[ "$(module_refcnt)" = 0 ] || skip "softwire refcount is $(module_refcnt): something holds it"
if [ -d /sys/module/ip6_vti ]; then
	rmmod ip6_vti || skip "ip6_vti is loaded and in use"
fi

stat_of() { nx "$CE" cat "/sys/class/net/$1/statistics/$2"; }
stat_is() { [ "$(stat_of "$1" "$2")" = "$3" ]; }

# inject FROM6 N: N IPv4-in-IPv6 datagrams from FROM6 to the CE's w0, from
# core; inside, 203.0.113.10 -> the LAN host's port 7000.
inject() {
	local i specs=()
	for ((i = 0; i < $2; i++)); do
		specs+=("$1,$W0,$INET_A,$LAN_A,$((6000 + i)),7000,$2")
	done
	nx "$CORE" $PY "$MAPE_HELPERS/inject.py" "${specs[@]}"
}

registered_clean() {	# registered_clean ROUND: no tunnel6 registration failed
	local bad
	bad=$(dmesg | awk -v m="$_dmesg_marker" 'f; index($0, m) { f = 1 }' |
		grep -E 'failed to register|softwire.*(-17|File exists)' || true)
	check_eq "$1: no module logged a failed registration" "" "$bad"
}

# Each module receives its own packets.
traffic() {	# traffic ROUND
	local r=$1 out d0 p0
	mape_topo
	mape_ce_add rfc || { _failed "$r: create the CE"; return; }
	nx "$CE" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$CE" addr add $VTI_REMOTE/128 dev lo nodad
	check_ok "$r: vti6 device created" \
		ip -n "$CE" link add vti0 type vti6 local $W0 remote $VTI_REMOTE
	ip -n "$CE" link set vti0 up
	check_ok "$r: ip6tnl device created" \
		ip -n "$CE" -6 tunnel add t6 mode ipip6 local $W0 remote $CORE6 encaplimit none
	ip -n "$CE" link set t6 up

	udp_bg srv "$INET" --bind $INET_A:5000 --expect 1 --echo --timeout 30
	out=$(udp_run "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:hi --expect 1 --timeout 20)
	check_eq "$r: softwire: the reply through the BR's ip6tnl reaches the LAN socket" \
		"from $INET_A:5000 echo:hi" "$out"
	bg_wait srv 10

	# (a sink: without it the LAN host's Port Unreachable for what ip6tnl
	# delivers would go out through mape0, a drop that is no one's fault)
	udp_bg sink "$LAN" --bind $LAN_A:7000 --expect $N --count-only --timeout 30
	d0=$(stat_of vti0 rx_dropped)
	inject $VTI_REMOTE $N
	check_cond "$r: vti6 received its $N packets (rx_dropped $d0 -> $((d0 + N)))" \
		wait_for 10 stat_is vti0 rx_dropped $((d0 + N))
	p0=$(stat_of t6 rx_packets)
	inject $CORE6 $N
	check_cond "$r: ip6tnl received its $N packets (rx_packets $p0 -> $((p0 + N)))" \
		wait_for 10 stat_is t6 rx_packets $((p0 + N))
	bg_wait sink 30
	check_eq "$r: the LAN host got what ip6tnl decapsulated" "received $N" "$(bg_out sink)"
	check_eq "$r: softwire dropped nothing" 0 "$(mape_drops_total)"
}

unload() {	# unload ROUND MODULE...: rmmod each, in order
	local r=$1 m
	shift
	for m in "$@"; do
		check_ok "$r: rmmod $m" rmmod $m
	done
}

# ---- order 1
rmmod softwire || { _failed "rmmod softwire before the test"; ksft_exit; }
check_ok "1: modprobe ip6_vti" modprobe ip6_vti
check_ok "1: modprobe softwire after ip6_vti" modprobe softwire
registered_clean 1
traffic 1
unload 1 softwire ip6_vti
lib_cleanup
dmesg_check

# ---- order 2
dmesg_mark
check_ok "2: modprobe softwire" modprobe softwire
check_ok "2: modprobe ip6_vti after softwire" modprobe ip6_vti
registered_clean 2
traffic 2
unload 2 ip6_vti softwire
lib_cleanup
check_ok "2: modprobe softwire again" modprobe softwire
dmesg_check
ksft_exit
