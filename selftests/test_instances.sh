#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# Many instances in one netns, and same-named instances in several netns
# that do not see or disturb each other.
#
#   netns $BIG: sw1 .. sw64
#     swI: EUP 2001:db8:I:3400::/56 (I in hex), BR 2001:db8:ffff::1
#          rule 2001:db8::/40 -> 192.0.2.0/24 ea-len 16
#          -> 192.0.2.I, PSID 0x34 (RFC 7597 A ex. 1 shape)
#
#   netns $A, $B, $C: swx0 .. swx3 in each, same names, different config
#     netns #N (N = 1, 2, 3): rule 2001:db8:N00::/40 -> 198.51.100.0/24
#          ea-len 16, swxJ: EUP 2001:db8:N0J:N00::/56 -> 198.51.100.J,
#          PSID N, BR 2001:db8:ffff::N, mtu 1400 + N

. "$(dirname "$0")/lib.sh"

lib_begin
REF0=$(module_refcnt)
COUNT=64

ns_create BIG
ns_create A
ns_create B
ns_create C
NSS=("$A" "$B" "$C")

log "$COUNT instances in one netns"
fails=0
for i in $(seq 1 $COUNT); do
	nsw "$BIG" map-e add "sw$i" end-user-prefix "2001:db8:$(printf %x "$i"):3400::/56" \
		br 2001:db8:ffff::1 $EX1_RULE || fails=$((fails + 1))
done
check_eq "all $COUNT adds succeed" 0 "$fails"
check_eq "ip link: $COUNT softwire devices" $COUNT "$(sw_dev_count "$BIG")"
check_ok "show -j lists them" nsw "$BIG" -j show
ALL=$OUT
check_eq "show -j has $COUNT entries" $COUNT "$(json_get "$ALL" 'len(j)')"
check_eq "names are sw1..sw$COUNT" \
	"$(seq 1 $COUNT | sed 's/^/sw/' | sort | paste -sd,)" \
	"$(json_get "$ALL" '",".join(sorted(i["name"] for i in j))')"
check_eq "ifindexes are distinct" $COUNT \
	"$(json_get "$ALL" 'len({i["ifindex"] for i in j})')"
# Each instance derived its own address: swI -> 192.0.2.I, PSID 0x34,
# CE 2001:db8:I:3400:0:c000:2I:34.
check_eq "every swI has 192.0.2.I, PSID 52" "[]" "$(json_get "$ALL" \
	'[i["name"] for i in j if i["ipv4_address"] != "192.0.2." + i["name"][2:] or i["psid"] != 52]')"
check_eq "every swI has CE 2001:db8:I:3400:0:c000:2xx:34" "[]" "$(python3 -c '
import ipaddress, json, sys
bad = []
for i in json.loads(sys.argv[1]):
    n = int(i["name"][2:])
    want = ipaddress.IPv6Address("2001:db8:%x:3400:0:c000:2%02x:34" % (n, n))
    if ipaddress.IPv6Address(i["ipv6_address"]) != want:
        bad.append(i["name"])
print(json.dumps(bad))' "$ALL")"
check_ok "show sw37 alone" nsw "$BIG" -j show sw37
check_eq "sw37: 192.0.2.37" 192.0.2.37 "$(json_get "$OUT" 'j[0]["ipv4_address"]')"

log "same names in three more netns, each with its own config"
for n in 1 2 3; do
	ns=${NSS[n-1]}
	for jx in 0 1 2 3; do
		check_ok "netns #$n: add swx$jx" nsw "$ns" map-e add "swx$jx" \
			end-user-prefix "2001:db8:${n}0${jx}:${n}00::/56" br "2001:db8:ffff::$n" \
			rule ipv6-prefix "2001:db8:${n}00::/40" ipv4-prefix 198.51.100.0/24 \
			ea-len 16 mtu $((1400 + n))
	done
done

# check_ns N: netns #N shows exactly its own instances with its own config.
check_ns() {
	local n=$1 ns=${NSS[$1-1]} want=$2 out
	out=$(nsw "$ns" -j show)
	check_eq "netns #$n: instances $want" "$want" \
		"$(json_get "$out" '" ".join(sorted(i["name"] for i in j))')"
	check_eq "netns #$n: own br and mtu everywhere" "[[\"2001:db8:ffff::$n\",$((1400 + n))]]" \
		"$(json_get "$out" 'sorted({(i["br"], i["mtu"]) for i in j})')"
	check_eq "netns #$n: ip link agrees" "$want" "$(sw_devs "$ns" | xargs)"
}
for n in 1 2 3; do check_ns $n "swx0 swx1 swx2 swx3"; done
check_ok "netns #2 swx2 detail" nsw "$B" -j show swx2
check_eq "netns #2 swx2: 198.51.100.2 PSID 2 from EUP 2001:db8:202:200::/56" \
	'["198.51.100.2",2,"2001:db8:202:200:0:c633:6402:2"]' \
	"$(json_get "$OUT" '[j[0]["ipv4_address"], j[0]["psid"], j[0]["ipv6_address"]]')"
check_eq "the $COUNT-instance netns still has $COUNT" $COUNT "$(sw_dev_count "$BIG")"

log "deleting in one netns leaves the others alone"
check_ok "netns #2: del swx1" nsw "$B" del swx1
check_fail_msg "netns #2: swx1 is gone" '^swctl: ' nsw "$B" show swx1
check_ns 1 "swx0 swx1 swx2 swx3"
check_ns 2 "swx0 swx2 swx3"
check_ns 3 "swx0 swx1 swx2 swx3"
check_fail_msg "netns #1: deleting sw5 (exists only in the big netns) fails" \
	'^swctl: ' nsw "$A" del sw5
check_ok "big netns: sw5 still there" nsw "$BIG" -j show sw5
for jx in 0 1 2 3; do nsw "$A" del "swx$jx"; done
check_eq "netns #1 empty after deleting its four" "" "$(sw_devs "$A")"
check_ns 2 "swx0 swx2 swx3"
check_ns 3 "swx0 swx1 swx2 swx3"
check_ok "netns #1: swx1 can be re-created" nsw "$A" map-e add swx1 \
	end-user-prefix 2001:db8:101:100::/56 br 2001:db8:ffff::1 \
	rule ipv6-prefix 2001:db8:100::/40 ipv4-prefix 198.51.100.0/24 ea-len 16 mtu 1401
check_ns 1 "swx1"

log "delete the $COUNT instances"
fails=0
for i in $(seq 1 $COUNT); do
	nsw "$BIG" del "sw$i" || fails=$((fails + 1))
done
check_eq "all $COUNT deletes succeed" 0 "$fails"
check_eq "big netns empty" "" "$(sw_devs "$BIG")"
check_eq "show -j is []" "[]" "$(json_get "$(nsw "$BIG" -j show)" 'j')"
check_ns 3 "swx0 swx1 swx2 swx3"

lib_cleanup
check_cond "module refcount back to $REF0 after the netns are gone" \
	wait_for 30 module_refcnt_is "$REF0"
check_eq "no softwire device in the init netns" "" "$(sw_devs "")"
dmesg_check
ksft_exit
