#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# Deleting a network namespace that still holds softwire instances (some of
# them up, addressed and routed) frees them: nothing is moved to the init
# netns, nothing leaks, a netns of the same name can be rebuilt with the
# same instances, and instances in a neighbouring netns are untouched.
#
#   netns $GONE (deleted while live)       netns $KEEP (must survive)
#   +-------------------------------+      +--------------------------+
#   | sw0..sw7 EUP 2001:db8:I:3400::/56 |  | sw0  EUP 2001:db8:12:3400::/56 |
#   |   rule 2001:db8::/40 ->       |      |   same rule, BR ::1      |
#   |   192.0.2.0/24 ea-len 16      |      +--------------------------+
#   | sw0 up, 192.0.2.1/32,         |
#   |   default route via sw0       |
#   | veth0 2001:db8:ffff::2/64 --- veth1 (peer in $KEEP)
#   +-------------------------------+

. "$(dirname "$0")/lib.sh"

lib_begin
REF0=$(module_refcnt)
INIT_DEVS0=$(sw_devs "")

# populate NS: sw0..sw7, sw0 up with an address and a default route.
populate() {
	local ns=$1 i fails=0
	for i in 0 1 2 3 4 5 6 7; do
		nsw "$ns" map-e add "sw$i" end-user-prefix "2001:db8:$i:3400::/56" \
			br 2001:db8:ffff::1 $EX1_RULE || fails=$((fails + 1))
	done
	check_eq "8 instances created in $ns" 0 "$fails"
	check_ok "sw0 up" ip -n "$ns" link set sw0 up
	ip -n "$ns" addr add 192.0.2.0/32 dev sw0 2>/dev/null
	check_ok "default route via sw0" ip -n "$ns" route add default dev sw0
}

ns_create GONE
ns_create KEEP
NAME=$GONE
ip -n "$KEEP" link add veth1 type veth peer name veth0 netns "$GONE"
ip -n "$GONE" addr add 2001:db8:ffff::2/64 dev veth0 nodad
ip -n "$GONE" link set veth0 up
ip -n "$KEEP" link set veth1 up
check_ok "neighbour netns: add sw0" nsw "$KEEP" map-e add sw0 \
	end-user-prefix 2001:db8:12:3400::/56 br 2001:db8:ffff::1 $EX1_RULE

log "round 1: live instances, then ip netns del"
populate "$GONE"
check_eq "ip link: 8 softwire devices" 8 "$(sw_dev_count "$GONE")"
check_ok "ip netns del with live instances" ip netns del "$GONE"
ns_forget "$GONE"
# The veth peer dies with the netns: a cheap signal that cleanup_net ran.
check_cond "veth1 in the neighbour disappears" \
	wait_for 30 sh -c "! ip -n '$KEEP' link show veth1 >/dev/null 2>&1"
check_cond "module refcount back to $REF0" \
	wait_for 30 module_refcnt_is "$REF0"
check_eq "no softwire device moved to the init netns" "$INIT_DEVS0" "$(sw_devs "")"
check_ok "neighbour: show sw0" nsw "$KEEP" -j show sw0
check_eq "neighbour: sw0 untouched" 192.0.2.18 "$(json_get "$OUT" 'j[0]["ipv4_address"]')"
check_eq "neighbour: still exactly sw0" sw0 "$(sw_devs "$KEEP")"

log "round 2: a netns of the same name, same instances"
ip netns add "$NAME" && ip -n "$NAME" link set lo up
_ns_list+=("$NAME")
check_ok "show -j in the new netns" nsw "$NAME" -j show
check_eq "new netns starts empty (no state from the old one)" "[]" "$(json_get "$OUT" 'j')"
populate "$NAME"
check_ok "show -j sw3" nsw "$NAME" -j show sw3
check_eq "sw3 derived 192.0.2.3" 192.0.2.3 "$(json_get "$OUT" 'j[0]["ipv4_address"]')"

log "round 3: delete again, this time with the module busy in two netns"
check_ok "ip netns del again" ip netns del "$NAME"
ns_forget "$NAME"
check_cond "module refcount back to $REF0 again" \
	wait_for 30 module_refcnt_is "$REF0"
check_eq "still no softwire device in the init netns" "$INIT_DEVS0" "$(sw_devs "")"
check_ok "neighbour: del sw0" nsw "$KEEP" del sw0
check_eq "neighbour empty" "" "$(sw_devs "$KEEP")"

lib_cleanup
check_cond "module refcount back to $REF0 at the end" \
	wait_for 30 module_refcnt_is "$REF0"
dmesg_check
ksft_exit
