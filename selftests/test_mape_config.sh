#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# MAP-E instance add / show / del round trip, checked field by field against
# RFC 7597 Appendix A, an independent oracle (maporacle.py), `ip link` and
# the raw netlink attributes (swnl.py).
#
#   netns $NS (CE side only, no traffic)
#   +----------------------------------------------------------------------+
#   | sw0  EUP 2001:db8:12:3400::/56  BR 2001:db8:ffff::1  mtu 1460 (dflt)  |
#   |      BMR 2001:db8::/40 -> 192.0.2.0/24 ea-len 16 (RFC 7597 A ex. 1)  |
#   |      -> 192.0.2.18 PSID 0x34, CE 2001:db8:12:3400:0:c000:212:34       |
#   | sw1  EUP 2001:db8:d2e1:8000::/49  BR 2001:db8:ffff::2  mtu 1400       |
#   |      FMR 2001:db8:100::/40 -> 198.51.100.0/24 ea-len 16              |
#   |      BMR 2001:db8:8000::/33 -> 203.0.113.0/24 ea-len 16 a=4 (+fmr),  |
#   |      legacy IID (v6plus-shaped: 15 ranges of 16 ports)               |
#   | sw2  EUP 2001:db8:12:3500::/56  rule = EUP -> 192.0.2.1/32 ea-len 0  |
#   |      psid-len 8 psid 0x34 (RFC 7597 A ex. 5)                        |
#   +----------------------------------------------------------------------+

. "$(dirname "$0")/lib.sh"

lib_begin
ns_create NS
ORACLE=$LIB_DIR/maporacle.py
SWNL=$LIB_DIR/swnl.py

# sw1's EUP: BMR 2001:db8:8000::/33, EA bits 0xa5c3 at bits 33..48.
SW1_EUP=2001:db8:d2e1:8000::/49
SW1_BMR="ipv6-prefix 2001:db8:8000::/33 ipv4-prefix 203.0.113.0/24 ea-len 16 psid-offset 4"
SW1_FMR="ipv6-prefix 2001:db8:100::/40 ipv4-prefix 198.51.100.0/24 ea-len 16"
SW2_RULE="rule ipv6-prefix 2001:db8:12:3500::/56 ipv4-prefix 192.0.2.1/32 ea-len 0 psid-len 8 psid 0x34"

# show_one NAME: `swctl -j show NAME` in $NS; the single object -> $J.
show_one() {
	check_ok "show -j $1 exits 0" nsw "$NS" -j show "$1" || { J="{}"; return 1; }
	check_eq "show -j $1 is an array of one" 1 "$(json_get "$OUT" 'len(j)')"
	J=$(json_get "$OUT" 'j[0]')
}

# derived NAME ORACLE-ARGS...: derived fields of $J equal the oracle's.
derived() {
	local name=$1 want key
	shift
	want=$("$ORACLE" "$@") || { _failed "$name: oracle rejects $*"; return 1; }
	for key in ipv4_address psid psid_len psid_offset ipv6_address ports \
		   port_ranges; do
		check_eq "$name: $key as the oracle" \
			"$(json_get "$want" "j[\"$key\"]")" "$(json_get "$J" "j.get(\"$key\")")"
	done
}

# rule_of PREFIX: the rule object of $J whose ipv6_prefix is PREFIX.
rule_of() {
	json_get "$J" "[r for r in j[\"rules\"] if r[\"ipv6_prefix\"] == \"$1\"][0]"
}

ifindex_of() { ip -n "$NS" -o link show "$1" | awk -F': ' '{ print $1; exit }'; }

log "empty netns: show lists nothing"
check_ok "show -j on an empty netns" nsw "$NS" -j show
check_eq "show -j is []" "[]" "$(json_get "$OUT" 'j')"

log "sw0: RFC 7597 Appendix A example 1, defaults"
# shellcheck disable=SC2086
check_ok "add sw0" nsw "$NS" map-e add sw0 end-user-prefix 2001:db8:12:3400::/56 \
	br 2001:db8:ffff::1 $EX1_RULE
check_match "ip -d link: sw0 is kind softwire" '^ +softwire' \
	"$(ip -n "$NS" -d link show sw0)"
check_match "ip link: sw0 default mtu 1460" ' mtu 1460 ' \
	"$(ip -n "$NS" link show sw0)"
show_one sw0
check_eq "sw0: name" sw0 "$(json_get "$J" 'j["name"]')"
check_eq "sw0: ifindex as ip link" "$(ifindex_of sw0)" "$(json_get "$J" 'j["ifindex"]')"
check_eq "sw0: mode" map-e "$(json_get "$J" 'j["mode"]')"
check_eq "sw0: end_user_prefix" 2001:db8:12:3400::/56 "$(json_get "$J" 'j["end_user_prefix"]')"
check_eq "sw0: br" 2001:db8:ffff::1 "$(json_get "$J" 'j["br"]')"
check_eq "sw0: mtu" 1460 "$(json_get "$J" 'j["mtu"]')"
check_eq "sw0: legacy_iid" false "$(json_get "$J" 'j["legacy_iid"]')"
check_eq "sw0: one rule" 1 "$(json_get "$J" 'len(j["rules"])')"
check_eq "sw0: rule fields" \
	'{"bmr":true,"ea_len":16,"fmr":false,"ipv4_prefix":"192.0.2.0/24","ipv6_prefix":"2001:db8::/40","psid_offset":6}' \
	"$(json_get "$J" '{k: v for k, v in sorted(j["rules"][0].items()) if k not in ("psid_len", "psid")}')"
check_eq "sw0: ipv4_address (RFC)" 192.0.2.18 "$(json_get "$J" 'j["ipv4_address"]')"
check_eq "sw0: psid (RFC)" 52 "$(json_get "$J" 'j["psid"]')"
check_eq "sw0: ipv6_address (RFC)" 2001:db8:12:3400:0:c000:212:34 \
	"$(json_get "$J" 'j["ipv6_address"]')"
check_eq "sw0: ports (RFC)" 252 "$(json_get "$J" 'j["ports"]')"
# shellcheck disable=SC2086
derived sw0 end-user-prefix 2001:db8:12:3400::/56 $EX1_RULE
SW0=$J

log "sw0: the kernel's raw attributes agree with swctl"
check_ok "swnl get sw0" ip netns exec "$NS" "$SWNL" get sw0
RAW=$(json_get "$OUT" 'j[0]')
for key in ifindex ipv4_address ipv6_address psid psid_len psid_offset \
	   ports port_ranges mtu end_user_prefix br; do
	check_eq "sw0 raw: $key" "$(json_get "$SW0" "j[\"$key\"]")" \
		"$(json_get "$RAW" "j.get(\"$key\")")"
done
check_eq "sw0 raw: PORT_RANGES is 63 x struct softwire_port_range" 252 \
	"$(json_get "$RAW" 'j.get("port_ranges_bytes")')"
check_eq "sw0 raw: MODE is MAPE_CE" 1 "$(json_get "$RAW" 'j["mode"]')"

log "sw1: two rules (FMR first), v6plus-shaped BMR, legacy IID, mtu 1400"
# shellcheck disable=SC2086
check_ok "add sw1" nsw "$NS" map-e add sw1 end-user-prefix $SW1_EUP \
	br 2001:db8:ffff::2 rule $SW1_FMR fmr rule $SW1_BMR fmr legacy-iid mtu 1400
check_match "ip link: sw1 mtu 1400" ' mtu 1400 ' "$(ip -n "$NS" link show sw1)"
show_one sw1
check_eq "sw1: mtu" 1400 "$(json_get "$J" 'j["mtu"]')"
check_eq "sw1: legacy_iid" true "$(json_get "$J" 'j["legacy_iid"]')"
check_eq "sw1: two rules" 2 "$(json_get "$J" 'len(j["rules"])')"
check_eq "sw1: FMR is fmr, not bmr" '[true,false,6]' \
	"$(json_get "$(rule_of 2001:db8:100::/40)" '[j["fmr"], j["bmr"], j["psid_offset"]]')"
check_eq "sw1: BMR is bmr and fmr, a = 4" '[true,true,4,"203.0.113.0/24"]' \
	"$(json_get "$(rule_of 2001:db8:8000::/33)" '[j["fmr"], j["bmr"], j["psid_offset"], j["ipv4_prefix"]]')"
check_eq "sw1: 15 ranges of 16 ports" '[15,240,[16]]' \
	"$(json_get "$J" '[len(j["port_ranges"]), j["ports"], sorted({l - f + 1 for f, l in j["port_ranges"]})]')"
# shellcheck disable=SC2086
derived sw1 end-user-prefix $SW1_EUP rule $SW1_BMR legacy-iid

log "sw2: ea-len 0 rule with explicit psid (RFC 7597 Appendix A example 5)"
# shellcheck disable=SC2086
check_ok "add sw2" nsw "$NS" map-e add sw2 end-user-prefix 2001:db8:12:3500::/56 \
	br 2001:db8:ffff::1 $SW2_RULE
show_one sw2
check_eq "sw2: rule carries psid_len 8 and psid 52" '[0,8,52]' \
	"$(json_get "$J" '[j["rules"][0]["ea_len"], j["rules"][0].get("psid_len"), j["rules"][0].get("psid")]')"
# shellcheck disable=SC2086
derived sw2 end-user-prefix 2001:db8:12:3500::/56 $SW2_RULE

log "show without a name lists all three; text show works"
check_ok "show -j (all)" nsw "$NS" -j show
check_eq "show -j lists sw0 sw1 sw2" '["sw0","sw1","sw2"]' \
	"$(json_get "$OUT" 'sorted(i["name"] for i in j)')"
check_eq "every instance is map-e" '["map-e"]' \
	"$(json_get "$OUT" 'sorted({i["mode"] for i in j})')"
check_ok "show (text)" nsw "$NS" show
check_match "text show names sw0" 'sw0' "$OUT"
check_match "text show names sw1" 'sw1' "$OUT"
check_match "text show gives sw0's IPv4" '192\.0\.2\.18' "$OUT"
check_eq "ip link: three softwire devices" "sw0 sw1 sw2" "$(sw_devs "$NS" | xargs)"

log "del sw0: gone from ip link and show, the others untouched"
check_ok "del sw0" nsw "$NS" del sw0
check_eq "ip link: sw1 sw2 remain" "sw1 sw2" "$(sw_devs "$NS" | xargs)"
check_fail_msg "show sw0 after del fails" '^swctl: ' nsw "$NS" show sw0
check_fail_msg "del sw0 twice fails" '^swctl: ' nsw "$NS" del sw0
show_one sw1
check_eq "sw1 unchanged by del sw0" 2001:db8:ffff::2 "$(json_get "$J" 'j["br"]')"

log "re-add sw0 with a different mtu"
# shellcheck disable=SC2086
check_ok "re-add sw0" nsw "$NS" map-e add sw0 end-user-prefix 2001:db8:12:3400::/56 \
	br 2001:db8:ffff::1 $EX1_RULE mtu 1280
show_one sw0
check_eq "sw0 re-added: mtu 1280" 1280 "$(json_get "$J" 'j["mtu"]')"
check_eq "sw0 re-added: derived values as before" \
	"$(json_get "$SW0" '[j["ipv6_address"], j["port_ranges"]]')" \
	"$(json_get "$J" '[j["ipv6_address"], j["port_ranges"]]')"

log "a second instance with sw0's MAP address is refused, naming sw0"
# (the receive path finds an instance by its MAP address: the second would
# never receive a packet)
check_fail_msg "add swdup, same EUP and rule as sw0, other BR" \
	'^swctl: end-user-prefix: MAP address in use by sw0$' \
	nsw "$NS" map-e add swdup end-user-prefix 2001:db8:12:3400::/56 \
	br 2001:db8:ffff::9 $EX1_RULE
check_fail_msg "raw INST_NEW with sw0's MAP address" \
	'^swnl: error -98 EADDRINUSE: end-user-prefix: MAP address in use by sw0 offs=[0-9]+$' \
	ip netns exec "$NS" "$SWNL" new swdup ok
check_eq "ip link: still sw0 sw1 sw2 only" "sw0 sw1 sw2" "$(sw_devs "$NS" | xargs)"
ns_create NS2
check_ok "the same configuration in another netns is accepted" \
	ip netns exec "$NS2" "$SWNL" new swdup ok
check_eq "swdup exists in the other netns" swdup "$(sw_devs "$NS2")"

log "delete everything"
for d in sw0 sw1 sw2; do
	check_ok "del $d" nsw "$NS" del "$d"
done
check_ok "show -j after deleting all" nsw "$NS" -j show
check_eq "show -j is [] again" "[]" "$(json_get "$OUT" 'j')"
check_eq "no softwire device left" "" "$(sw_devs "$NS")"

dmesg_check
ksft_exit
