#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# Bad configuration is refused, each time with an extack message, both
# through swctl and as raw generic netlink (swnl.py) that swctl cannot
# produce. Afterwards no device leaked and the module refcount is unchanged.
#
#   netns $NS
#   +---------------------------------------------------------------+
#   | lo                                                            |
#   | veth0 -- veth1       (non-softwire devices DEL must refuse)   |
#   | swok                 valid instance, RFC 7597 A ex. 1:        |
#   |                      EUP 2001:db8:12:3400::/56, BR 2001:db8:ffff::1 |
#   |                      rule 2001:db8::/40 -> 192.0.2.0/24 ea 16 |
#   +---------------------------------------------------------------+
#   Base of every raw case: the swok configuration with one field broken.

. "$(dirname "$0")/lib.sh"

lib_begin
ns_create NS
SWNL=$LIB_DIR/swnl.py
REF0=$(module_refcnt)
EUP=2001:db8:12:3400::/56
BR=2001:db8:ffff::1

raw() { ip netns exec "$NS" "$SWNL" "$@"; }
ip -n "$NS" link add veth0 type veth peer name veth1

# ---------------------------------------------------------------- raw netlink
log "raw netlink: positive controls (the base message is accepted)"
check_ok "raw INST_NEW, unmodified base" raw new rawok ok
check_eq "rawok exists as softwire" rawok "$(sw_devs "$NS")"
check_ok "raw INST_DEL rawok" raw del rawok
check_ok "raw INST_NEW with 64 rules" raw new raw64 ok-64-rules
check_ok "raw INST_GET raw64" raw get raw64
check_eq "raw64 has 64 rules" 64 "$(json_get "$OUT" 'len(j[0]["rules"])')"
check_ok "raw INST_DEL raw64" raw del raw64
check_eq "no device left after positive controls" "" "$(sw_devs "$NS")"

# case -> ERE the extack must match (kmod/netlink.c, kmod/core/mapcalc.c).
# Policy-level rejections carry the kernel's generic wording plus the offset
# of the bad attribute; the others name the field as the CLI spells it.
# Range checks accept either form while kmod/netlink.c moves them out of
# the policy into field-named messages.
declare -A RAW_RE=(
	[eup-15-bytes]='binary attribute size out of range offs='
	[br-15-bytes]='binary attribute size out of range offs='
	[rule-ipv6-15-bytes]='binary attribute size out of range offs='
	[rule-ipv4-3-bytes]='invalid attribute length offs='
	[ea-len-as-u32]='invalid attribute length offs='
	[unknown-attr]='unknown attribute type offs='
	[unknown-rule-attr]='unknown attribute type offs='
	[rules-not-nested]='NLA_F_NESTED is missing'
	[no-mode]='missing attribute: mode'
	[bad-mode]='mode: only map-e'
	[no-ifname]='missing attribute: name'
	[ifname-too-long]='name: not a valid interface name|policy validation offs='
	[no-eup]='missing attribute: end-user-prefix'
	[no-eup-len]='missing attribute: end-user-prefix length'
	[no-br]='missing attribute: br'
	[no-rules]='missing attribute: rule'
	[rules-empty]='rule: between 1 and 64 rules'
	[rules-65]='rule: between 1 and 64 rules'
	[ipv6-len-65]='ipv6-prefix: length must be at most 64|integer out of range offs='
	[ipv4-len-33]='ipv4-prefix: length must be at most 32|integer out of range offs='
	[eup-len-65]='end-user-prefix: length must be at most 64|integer out of range offs='
	[ea-len-49]='ea-len: must be at most 48|integer out of range offs='
	[n-plus-o-gt-64]='ea-len: ipv6-prefix length \+ ea-len must be at most 64'
	[a-plus-k-gt-16]='psid-offset: psid-offset \+ psid-len must be at most 16'
	[psid-offset-17]='psid-offset: must be at most 15|integer out of range offs='
	[psid-len-mismatch]='psid-len: does not match'
	[ipv6-host-bits]='ipv6-prefix: bits set past'
	[ipv4-host-bits]='ipv4-prefix: bits set past'
	[eup-host-bits]='end-user-prefix: bits set past'
	[eup-outside-rule]='end-user-prefix is not inside'
	[eup-too-short]='end-user-prefix: shorter than'
	[psid-ge-2k]='psid: does not fit'
	[mtu-1000]='mtu: .*1280\.\.65495'
)

log "raw netlink: malformed INST_NEW, each refused with errno + extack"
for c in $(raw cases | awk '{ print $1 }'); do
	case $c in ok*) continue ;; esac
	re=${RAW_RE[$c]:-}
	if [ -z "$re" ]; then
		_failed "raw $c: no expectation in this test"
		continue
	fi
	# "(no extack)" never matches: every rejection must carry a message.
	check_fail_msg "raw $c refused" "^swnl: error -[0-9]+ E[A-Z]+: .*($re)" \
		raw new "bad$RANDOM" "$c"
	check_match "raw $c: extack message present" '^swnl: error -[0-9]+ E[A-Z]+: [^(]' "$ERR"
	log "  $ERR"
done
check_eq "no device leaked by malformed INST_NEW" "" "$(sw_devs "$NS")"

log "raw netlink: duplicate name, DEL of foreign devices, GET of a missing name"
check_ok "raw INST_NEW dup" raw new dup ok
check_fail_msg "raw INST_NEW dup again: EEXIST with message" \
	'^swnl: error -17 EEXIST: [^(]' raw new dup ok
check_eq "dup exists once" dup "$(sw_devs "$NS")"
check_fail_msg "raw INST_DEL lo refused with message" \
	'^swnl: error -[0-9]+ E[A-Z]+: [^(]' raw del lo
check_fail_msg "raw INST_DEL veth0 refused with message" \
	'^swnl: error -[0-9]+ E[A-Z]+: [^(]' raw del veth0
check_fail_msg "raw INST_DEL ifindex of lo refused with message" \
	'^swnl: error -[0-9]+ E[A-Z]+: [^(]' raw del-ifindex 1
check_fail_msg "raw INST_DEL missing name: ENODEV with message" \
	'^swnl: error -19 ENODEV: [^(]' raw del nosuchsw
check_fail_msg "raw INST_GET missing name: ENODEV with message" \
	'^swnl: error -19 ENODEV: [^(]' raw get nosuchsw
check_fail_msg "raw INST_GET of veth0 refused with message" \
	'^swnl: error -[0-9]+ E[A-Z]+: [^(]' raw get veth0
check_match "lo still up" '<([A-Z_]+,)*UP[,>]' "$(ip -n "$NS" -o link show lo)"
check_cond "veth0 still there" ip -n "$NS" link show veth0
check_ok "raw INST_DEL dup" raw del dup

# ---------------------------------------------------------------- swctl
log "swctl: the same mistakes through the CLI name the field"
# add_bad DESC ERE ARGS...: `swctl map-e add swbad ARGS` must fail with ERE.
add_bad() {
	local desc=$1 re=$2
	shift 2
	check_fail_msg "swctl $desc" "^swctl: .*($re)" nsw "$NS" map-e add swbad "$@"
}
# shellcheck disable=SC2086
{
add_bad "ipv6-prefix /65" 'ipv6-prefix' end-user-prefix $EUP br $BR \
	rule ipv6-prefix 2001:db8::/65 ipv4-prefix 192.0.2.0/24 ea-len 16
add_bad "ipv4-prefix /33" 'ipv4-prefix' end-user-prefix $EUP br $BR \
	rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/33 ea-len 16
add_bad "ea-len 49" 'ea-len' end-user-prefix $EUP br $BR \
	rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 49
add_bad "n + o > 64" 'ea-len' end-user-prefix $EUP br $BR \
	rule ipv6-prefix 2001:db8:12:3400::/56 ipv4-prefix 192.0.2.0/24 ea-len 16
add_bad "a + k > 16" 'psid-offset' end-user-prefix $EUP br $BR $EX1_RULE \
	psid-offset 10
add_bad "ipv6-prefix host bits" 'ipv6-prefix.*bits' end-user-prefix $EUP br $BR \
	rule ipv6-prefix 2001:db8:1::/32 ipv4-prefix 192.0.2.0/24 ea-len 16
add_bad "ipv4-prefix host bits" 'ipv4-prefix.*bits' end-user-prefix $EUP br $BR \
	rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.1/24 ea-len 16
add_bad "EUP host bits" 'end-user-prefix.*bits' \
	end-user-prefix 2001:db8:12:3401::/56 br $BR $EX1_RULE
add_bad "EUP outside the rule" 'end-user-prefix' \
	end-user-prefix 2001:db8:ff12:3400::/56 br $BR $EX1_RULE
add_bad "psid >= 2^psid-len" 'psid' end-user-prefix $EUP br $BR \
	rule ipv6-prefix $EUP ipv4-prefix 192.0.2.1/32 ea-len 0 psid-len 8 psid 256
add_bad "psid-len inconsistent" 'psid-len' end-user-prefix $EUP br $BR \
	$EX1_RULE psid-len 4
add_bad "mtu 1000" 'mtu' end-user-prefix $EUP br $BR $EX1_RULE mtu 1000
add_bad "br not an address" 'br' end-user-prefix $EUP br 2001:db8::zz $EX1_RULE
add_bad "missing br" 'br' end-user-prefix $EUP $EX1_RULE
add_bad "missing end-user-prefix" 'end-user-prefix' br $BR $EX1_RULE
add_bad "no rule" 'rule' end-user-prefix $EUP br $BR
rules65=""
for i in $(seq 1 65); do
	rules65="$rules65 rule ipv6-prefix 2001:db8:$(printf %x $i)00::/40 ipv4-prefix 198.51.100.$((4 * (i % 64)))/30 ea-len 10 fmr"
done
add_bad "65 rules" 'rule' end-user-prefix 2001:db8:100::/50 br $BR $rules65
}
check_ok "swctl add swok" nsw "$NS" map-e add swok end-user-prefix "$EUP" br "$BR" $EX1_RULE
# shellcheck disable=SC2086
check_fail_msg "swctl duplicate name" '^swctl: .*(exist|swok)' \
	nsw "$NS" map-e add swok end-user-prefix $EUP br $BR $EX1_RULE
check_fail_msg "swctl del lo" '^swctl: .*(softwire|not|lo)' nsw "$NS" del lo
check_fail_msg "swctl del veth0" '^swctl: .*(softwire|not|veth0)' nsw "$NS" del veth0
check_fail_msg "swctl del missing" '^swctl: ' nsw "$NS" del nosuchsw
check_fail_msg "swctl show missing" '^swctl: ' nsw "$NS" show nosuchsw
check_fail_msg "swctl show veth0" '^swctl: ' nsw "$NS" show veth0
check_cond "veth0 survived swctl del" ip -n "$NS" link show veth0
check_ok "swctl del swok" nsw "$NS" del swok

log "nothing leaked"
check_eq "no softwire device in the netns" "" "$(sw_devs "$NS")"
check_ok "show -j" nsw "$NS" -j show
check_eq "show -j is []" "[]" "$(json_get "$OUT" 'j')"
check_eq "module refcount unchanged" "$REF0" "$(module_refcnt)"

dmesg_check
ksft_exit
