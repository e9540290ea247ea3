#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# rmmod with live instances in several netns (one of them up, addressed,
# routed and holding a UDP socket bound to its address) removes every
# instance cleanly; modprobe brings back a working, empty module.
#
#   netns $N1: sw0..sw3   netns $N2: sw0..sw3   netns $N3: sw0 (up)
#   swI: EUP 2001:db8:I:3400::/56, BR 2001:db8:ffff::1,
#        rule 2001:db8::/40 -> 192.0.2.0/24 ea-len 16 -> 192.0.2.I PSID 0x34
#   $N3 sw0: 192.0.2.0/32, default route dev sw0, UDP socket on 192.0.2.0:1232

. "$(dirname "$0")/lib.sh"

SOCK_PID=""
cleanup() {
	[ -n "$SOCK_PID" ] && kill "$SOCK_PID" 2>/dev/null
	lib_cleanup
	# Leave the module loaded for the tests that follow.
	module_loaded || modprobe softwire
}
trap cleanup EXIT

require_root
require_swctl
require_module
require_cmd ip python3 rmmod modprobe
dmesg_mark
EX1_RULE="rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 16"
REF0=$(module_refcnt)
[ "$REF0" = 0 ] || skip "softwire refcount is $REF0 before the test: something else holds it"

ns_create N1
ns_create N2
ns_create N3

add() {	# add NS I
	nsw "$1" map-e add "sw$2" end-user-prefix "2001:db8:$2:3400::/56" \
		br 2001:db8:ffff::1 $EX1_RULE
}

for round in 1 2; do
	log "round $round: populate three netns"
	fails=0
	for ns in "$N1" "$N2"; do
		for i in 0 1 2 3; do add "$ns" $i || fails=$((fails + 1)); done
	done
	add "$N3" 0 || fails=$((fails + 1))
	check_eq "round $round: 9 instances created" 0 "$fails"
	ip -n "$N3" link set sw0 up
	ip -n "$N3" addr add 192.0.2.0/32 dev sw0
	ip -n "$N3" route add default dev sw0
	ip netns exec "$N3" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("192.0.2.0", 1232))
time.sleep(120)' &
	SOCK_PID=$!
	# rmmod only once the socket is bound to the instance's address.
	check_cond "round $round: UDP socket bound to 192.0.2.0:1232" \
		wait_for 20 udp_bound "$N3" 1232
	check_eq "round $round: devices per netns 4/4/1" "4/4/1" \
		"$(sw_dev_count "$N1")/$(sw_dev_count "$N2")/$(sw_dev_count "$N3")"

	log "round $round: rmmod with live instances"
	check_ok "round $round: rmmod softwire" rmmod softwire
	check_cond "round $round: module gone" wait_for 10 sh -c '! test -d /sys/module/softwire'
	check_eq "round $round: no softwire device left (N1/N2/N3/init)" "///" \
		"$(sw_devs "$N1")/$(sw_devs "$N2")/$(sw_devs "$N3")/$(sw_devs "")"
	check_eq "round $round: N3's default route via sw0 is gone" "" \
		"$(ip -n "$N3" route show default)"
	kill "$SOCK_PID" 2>/dev/null; wait "$SOCK_PID" 2>/dev/null; SOCK_PID=""

	log "round $round: modprobe again, the module works and is empty"
	check_ok "round $round: modprobe softwire" modprobe softwire
	for ns in "$N1" "$N2" "$N3"; do
		check_ok "round $round: show -j in $ns" nsw "$ns" -j show
		check_eq "round $round: $ns starts empty" "[]" "$(json_get "$OUT" 'j')"
	done
	check_ok "round $round: add works after reload" add "$N1" 9
	check_ok "round $round: show the new instance" nsw "$N1" -j show sw9
	check_eq "round $round: it derived 192.0.2.9" 192.0.2.9 \
		"$(json_get "$OUT" 'j[0]["ipv4_address"]')"
	check_ok "round $round: del it" nsw "$N1" del sw9
done

log "deleting the netns after a reload leaves the module unloadable"
lib_cleanup
check_cond "refcount back to 0" wait_for 30 module_refcnt_is 0
check_ok "final rmmod" rmmod softwire
check_ok "final modprobe" modprobe softwire
dmesg_check
ksft_exit
