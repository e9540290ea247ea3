#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# Offline `swctl map-e calc` against RFC 7597 Appendix A and an independent
# oracle (maporacle.py, written from the RFC, sharing no code with swctl).
# No kernel module, no netns: runs on the build host too.
#
#   RFC 7597 A ex.1/2:  rule 2001:db8::/40 -> 192.0.2.0/24, ea-len 16, a = 6
#                       EUP 2001:db8:12:3400::/56 -> 192.0.2.18 PSID 0x34
#                       CE  2001:db8:12:3400:0:c000:212:34, 63 x 4 ports
#   RFC 7597 A ex.3:    FMR side, 192.0.2.34 -> EUP 2001:db8:22:1400::/56
#   RFC 7597 A ex.4/5:  rule = EUP 2001:db8:12:3400::/56 -> 192.0.2.1/32,
#                       ea-len 0 (no sharing / explicit psid-len 8 psid 0x34)
#   v6plus-shaped:      rule 2001:db8::/32 -> 203.0.113.0/24, ea-len 16, a = 4,
#                       EUP 2001:db8:a5c3::/48, legacy IID
#                       -> 203.0.113.165 PSID 0xc3, 15 x 16 ports,
#                       CE 2001:db8:a5c3:0:cb:71:a500:c300
#   matrix:             198.51.100.0/24 rules over a = 0..10, k = 0..10

. "$(dirname "$0")/lib.sh"

cleanup() { lib_cleanup; }
trap cleanup EXIT

require_swctl
require_cmd python3
ORACLE=$LIB_DIR/maporacle.py

# calc_json DESC ARGS...: run `swctl -j map-e calc ARGS`, leave JSON in $J.
calc_json() {
	local desc=$1
	shift
	check_ok "$desc: swctl -j map-e calc exits 0" \
		"$SWCTL" -j map-e calc "$@" || { J=""; return 1; }
	J=$OUT
	check_eq "$desc: one JSON object with exactly the contract keys" \
		'["ipv4_address","ipv6_address","port_ranges","ports","psid","psid_len","psid_offset"]' \
		"$(json_get "$J" 'sorted(j.keys()) if isinstance(j, dict) else "not an object"' 2>&1)"
}

# field DESC KEY EXPECTED: compare one key of $J.
field() { check_eq "$1: $2" "$3" "$(json_get "$J" "j[\"$2\"]" 2>&1)"; }

# vs_oracle DESC ARGS...: every key equal to maporacle.py's answer.
vs_oracle() {
	local desc=$1 want key
	shift
	want=$("$ORACLE" "$@") || { _failed "$desc: oracle rejects $*"; return 1; }
	calc_json "$desc" "$@" || return 1
	for key in ipv4_address psid psid_len psid_offset ipv6_address ports \
		   port_ranges; do
		field "$desc" "$key" "$(json_get "$want" "j[\"$key\"]")"
	done
}

log "RFC 7597 Appendix A example 1 (CE, BMR), literal values from the RFC"
# shellcheck disable=SC2086
calc_json "ex1" end-user-prefix 2001:db8:12:3400::/56 $EX1_RULE psid-offset 6
field ex1 ipv4_address 192.0.2.18
field ex1 psid 52
field ex1 psid_len 8
field ex1 psid_offset 6
field ex1 ipv6_address 2001:db8:12:3400:0:c000:212:34
field ex1 ports 252
check_eq "ex1: 63 port ranges" 63 "$(json_get "$J" 'len(j["port_ranges"])')"
check_eq "ex1: first ranges 1232-1235, 2256-2259" "[[1232,1235],[2256,2259]]" \
	"$(json_get "$J" 'j["port_ranges"][:2]')"
check_eq "ex1: last ranges 63696-63699, 64720-64723" \
	"[[63696,63699],[64720,64723]]" "$(json_get "$J" 'j["port_ranges"][-2:]')"
# psid-offset 6 is the RFC 7597 5.1 default: omitting it changes nothing.
ex1=$J
# shellcheck disable=SC2086
calc_json "ex1 default a" end-user-prefix 2001:db8:12:3400::/56 $EX1_RULE
check_eq "ex1: psid-offset defaults to 6" "$ex1" "$J"

log "RFC 7597 Appendix A example 2 (BR, FMR): 192.0.2.18 port 1232"
# The BR derives the CE address from (IPv4, port); the CE that owns
# 192.0.2.18 with PSID 0x34 is the example 1 CE, port 1232 is in its set.
check_eq "ex2: port 1232 in the example 1 set, PSID (1232 >> 2) & 0xff = 0x34" \
	"True 52" "$(json_get "$ex1" 'str(any(f <= 1232 <= l for f, l in j["port_ranges"])) + " " + str((1232 >> 2) & 0xff)')"

log "RFC 7597 Appendix A example 3 (FMR): 192.0.2.34 -> EA bits 0x2214"
# shellcheck disable=SC2086
calc_json "ex3" end-user-prefix 2001:db8:22:1400::/56 $EX1_RULE
field ex3 ipv4_address 192.0.2.34
field ex3 psid 20
field ex3 ipv6_address 2001:db8:22:1400:0:c000:222:14

log "RFC 7597 Appendix A example 4: no EA bits, no sharing"
R45="rule ipv6-prefix 2001:db8:12:3400::/56 ipv4-prefix 192.0.2.1/32 ea-len 0"
# shellcheck disable=SC2086
calc_json "ex4" end-user-prefix 2001:db8:12:3400::/56 $R45
field ex4 ipv4_address 192.0.2.1
field ex4 psid_len 0
field ex4 ipv6_address 2001:db8:12:3400:0:c000:201:0
# RFC 7597 5.2: o + r = 32 assigns a full IPv4 address, so no port is
# withheld; psid-offset means nothing without PSID bits (k = 0).
field ex4 ports 65536
field ex4 port_ranges "[[0,65535]]"

log "RFC 7597 Appendix A example 5: no EA bits, sharing 256, PSID 0x34"
# shellcheck disable=SC2086
calc_json "ex5" end-user-prefix 2001:db8:12:3400::/56 $R45 psid-len 8 psid 0x34
field ex5 ipv4_address 192.0.2.1
field ex5 psid 52
field ex5 psid_len 8
field ex5 ipv6_address 2001:db8:12:3400:0:c000:201:34
field ex5 ports 252
check_eq "ex5: same port set as example 1" \
	"$(json_get "$ex1" 'j["port_ranges"]')" "$(json_get "$J" 'j["port_ranges"]')"

log "v6plus-shaped rule, psid-offset 4, legacy IID, values computed by hand"
V6P="rule ipv6-prefix 2001:db8::/32 ipv4-prefix 203.0.113.0/24 ea-len 16 psid-offset 4"
# EA bits = 0xa5c3: IPv4 suffix 0xa5 = 165, PSID 0xc3 = 195, k = 8, m = 4.
# Ports A << 12 | 195 << 4 | j for A = 1..15: 7216-7231 ... 64560-64575.
# Legacy IID bytes 8..15 = 00 cb 00 71 a5 00 c3 00.
# shellcheck disable=SC2086
calc_json "v6plus" end-user-prefix 2001:db8:a5c3::/48 $V6P legacy-iid
field v6plus ipv4_address 203.0.113.165
field v6plus psid 195
field v6plus psid_len 8
field v6plus psid_offset 4
field v6plus ipv6_address 2001:db8:a5c3:0:cb:71:a500:c300
field v6plus ports 240
ranges=$(for A in $(seq 1 15); do
	printf '[%d,%d]\n' $((A << 12 | 195 << 4)) $((A << 12 | 195 << 4 | 15))
done | paste -sd, -)
field v6plus port_ranges "[$ranges]"
# Same EUP without legacy-iid: RFC 7597 6 IID 0:cb00:71a5:c3, and RFC 5952
# compresses the two zero hextets before it.
# shellcheck disable=SC2086
calc_json "v6plus rfc iid" end-user-prefix 2001:db8:a5c3::/48 $V6P
field "v6plus rfc iid" ipv6_address 2001:db8:a5c3::cb00:71a5:c3

log "oracle matrix: a = 0..10 x k = 0..10 (a + k <= 16), shifting EUPs"
# rule 2001:db8:100::/40 -> 198.51.100.0/24, o = 8 + k; the EUP carries
# EA bits 0x5a then PSID 0x2b7 masked to k bits, n + o <= 56.
for a in 0 1 4 6 10; do
	for k in 0 1 3 8 10; do
		[ $((a + k)) -le 16 ] || continue
		o=$((8 + k)) plen=$((40 + 8 + k))
		ea=$(( (0x5a << k) | (0x2b7 & ((1 << k) - 1)) ))
		eup=$(python3 -c "import ipaddress as i
n = int(i.IPv6Address('2001:db8:100::')) | ($ea << (128 - $plen))
print('%s/%d' % (i.IPv6Address(n), $plen))")
		vs_oracle "a=$a k=$k" end-user-prefix "$eup" rule ipv6-prefix \
			2001:db8:100::/40 ipv4-prefix 198.51.100.0/24 ea-len $o \
			psid-offset $a
	done
done

log "invalid input: message on stderr starting 'swctl: ', naming the field"
# refused DESC FIELD_ERE ARGS...: `swctl map-e calc ARGS` fails, stderr naming the field.
refused() { check_fail_msg "$1" "^swctl: .*$2" "$SWCTL" map-e calc "${@:3}"; }
# bad_rule DESC FIELD_ERE IPV6_PREFIX IPV4_PREFIX EA_LEN: refused with EUP
# 2001:db8:12:3400::/56 and that rule.
bad_rule() {
	refused "$1" "$2" $EUP1 rule ipv6-prefix "$3" ipv4-prefix "$4" ea-len "$5"
}
EUP1="end-user-prefix 2001:db8:12:3400::/56"
refused "EUP outside the rule" end-user-prefix end-user-prefix 2001:db8:ff12:3400::/56 $EX1_RULE
refused "EUP shorter than n + o" end-user-prefix end-user-prefix 2001:db8:12::/48 $EX1_RULE
refused "EUP with host bits" end-user-prefix end-user-prefix 2001:db8:12:3401::/56 $EX1_RULE
bad_rule "ea-len 49" ea-len 2001:db8::/40 192.0.2.0/24 49
bad_rule "n + o > 64" '(ea-len|ipv6-prefix)' 2001:db8:12:3400::/56 192.0.2.0/24 16
refused "a + k > 16" psid $EUP1 $EX1_RULE psid-offset 10
bad_rule "ipv6-prefix /65" ipv6-prefix 2001:db8::/65 192.0.2.0/24 16
bad_rule "ipv4-prefix /33" ipv4-prefix 2001:db8::/40 192.0.2.0/33 16
bad_rule "ipv6-prefix host bits" ipv6-prefix 2001:db8:1::/32 192.0.2.0/24 16
bad_rule "ipv4-prefix host bits" ipv4-prefix 2001:db8::/40 192.0.2.1/24 16
refused "psid >= 2^psid-len" psid $EUP1 $R45 psid-len 8 psid 256
refused "psid-len inconsistent with ea-len" psid-len $EUP1 $EX1_RULE psid-len 4
bad_rule "garbage ipv4-prefix" ipv4-prefix 2001:db8::/40 192.0.2/24 16
refused "missing rule" "" $EUP1
refused "unknown keyword" "" $EUP1 $EX1_RULE bogus 1

log "plain-text output mentions the derived values"
# shellcheck disable=SC2086
check_ok "text calc exits 0" "$SWCTL" map-e calc \
	end-user-prefix 2001:db8:12:3400::/56 $EX1_RULE
check_match "text calc shows the IPv4 address" '192\.0\.2\.18' "$OUT"
check_match "text calc shows the CE IPv6 address" \
	'2001:db8:12:3400:0:c000:212:34' "$OUT"

ksft_exit
