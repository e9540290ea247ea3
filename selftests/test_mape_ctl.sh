#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# Control plane of the MAP-E CE's NAPT, no traffic: parameters at add time
# and on a live instance (map-e set), static forwards, the mapping dump and
# the counters, each rejection with its exact extack text, and the
# permission check of every new command.
#
#   netns $NS (CE side only; the devices stay down, so no packet is sent)
#   +-----------------------------------------------------------------------+
#   | mape0  EUP 2001:db8:12:3400::/56  BR 2001:db8:ffff::1                 |
#   |        rule 2001:db8::/40 -> 192.0.2.0/24 ea-len 16 (RFC 7597 A ex. 1)|
#   |        -> 192.0.2.18, PSID 0x34 (a 6, k 8): 252 ports                 |
#   |           (i << 10) | 0xd0 | j, i = 1..63, j = 0..3: 1232..1235, 2256..|
#   | mape1  EUP 2001:db8:12:3500::/56 (PSID 0x35: two instances of a netns |
#   |        cannot share a MAP address), created with every parameter given |
#   | veth0 -- veth1   not softwire devices: every command must refuse them |
#   | LAN hosts (forward targets only): 198.51.100.2, 198.51.100.3          |
#   +-----------------------------------------------------------------------+

. "$(dirname "$0")/lib.sh"

PARAM=/sys/module/softwire/parameters/allow_short_timeouts
SHORT0=""
cleanup() {
	[ -n "$SHORT0" ] && echo "$SHORT0" >"$PARAM" 2>/dev/null
	lib_cleanup
}
trap cleanup EXIT

require_root
require_swctl
require_module
require_cmd ip python3 setpriv
[ -w "$PARAM" ] || skip "module has no allow_short_timeouts parameter"
"$SWCTL" map-e help 2>&1 | grep -q mappings || skip "swctl has no map-e mappings"
dmesg_mark
ns_create NS
SHORT0=$(cat "$PARAM")
echo N >"$PARAM"
RAW=$LIB_DIR/helpers/napt_raw.py
EUP=2001:db8:12:3400::/56
EUP1=2001:db8:12:3500::/56
BR=2001:db8:ffff::1
RULE="rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 16"
SET_MSG='port 80 is not in the port set of mape0 (PSID 0x34, 252 ports)'
ip -n "$NS" link add veth0 type veth peer name veth1

raw() { ip netns exec "$NS" python3 "$RAW" "$@"; }
add() {
	local n=$1 eup=$EUP
	shift
	[ "$n" = mape0 ] || eup=$EUP1
	nsw "$NS" map-e add "$n" end-user-prefix $eup br $BR $RULE "$@"
}

# show_j NAME: the show -j object of NAME -> $J
show_j() {
	J=$(nsw "$NS" -j show "$1" | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)[0]))') ||
		J="{}"
}

# params_are NAME "filter udp est trans icmp maxmap maxhost mark mss"
params_are() {
	local got
	show_j "$1"
	got=$(json_get "$J" '" ".join(str(x) for x in [j["filter"], j["timeouts"]["udp"],
		j["timeouts"]["tcp_est"], j["timeouts"]["tcp_trans"], j["timeouts"]["icmp"],
		j["max_mappings"], j["max_per_host"], j["mark"], j["mss_clamp"]])')
	check_eq "$1: params are $2" "$2" "$got"
}

# rejected DESC MESSAGE CMD...: exit 1 and exactly "swctl: MESSAGE" first.
rejected() {
	local desc=$1 msg=$2 re
	shift 2
	re="^swctl: $(printf '%s' "$msg" | sed 's/[][().*+?^$|\\{}]/\\&/g')\$"
	check_fail_msg "$desc" "$re" "$@"
}

# no_dev DESC NAME CMD...: the lookup's refusal (swctl names the attribute).
no_dev() {
	local desc=$1 name=$2
	shift 2
	check_fail_msg "$desc" "^swctl: (ifname: )?device $name does not exist\$" "$@"
}

# raw_rejected DESC ERRNO MESSAGE ARGS...: napt_raw.py refused with exactly that.
raw_rejected() {
	local desc=$1 errno=$2 msg=$3 re
	shift 3
	re="^swnl: error -[0-9]+ $errno: $(printf '%s' "$msg" | sed 's/[][().*+?^$|\\{}]/\\&/g')( |\$)"
	check_fail_msg "$desc" "$re" raw "$@"
}

# ---------------------------------------------------------------- defaults
# max-mappings: TCP, UDP and ICMP each have the 252 ports: at most (and by default) 756.
log "add with defaults: RFC 4787/5382/5508 timeouts, EIF, max-mappings 3 x 252"
check_ok "add mape0" add mape0
params_are mape0 "eif 300 7440 240 60 756 0 0 0"
check_eq "mape0: no forwards" "[]" "$(json_get "$J" 'j["forwards"]')"
check_eq "mape0: show keys of the NAPT" \
	"filter forwards mark max_mappings max_per_host mss_clamp timeouts" \
	"$(json_get "$J" '" ".join(k for k in sorted(j) if k in ("filter","timeouts",
		"max_mappings","max_per_host","mark","mss_clamp","forwards"))')"
check_eq "mape0: timeouts keys" "icmp tcp_est tcp_trans udp" \
	"$(json_get "$J" '" ".join(sorted(j["timeouts"]))')"

log "add with every parameter"
check_ok "add mape1 with parameters" add mape1 filter apdf timeout-udp 600 \
	timeout-tcp-est 8000 timeout-tcp-trans 300 timeout-icmp 90 max-mappings 100 \
	max-per-host 10 mss-clamp 1400 mark 0x2a
params_are mape1 "apdf 600 8000 300 90 100 10 42 1400"
check_ok "show mape1 (text)" nsw "$NS" show mape1
check_match "text: filter and timeouts line" \
	'^    filter apdf timeout-udp 600 timeout-tcp-est 8000 timeout-tcp-trans 300 timeout-icmp 90$' "$OUT"
check_match "text: limits line" \
	'^    max-mappings 100 max-per-host 10 mss-clamp 1400 mark 0x2a fastpath off$' "$OUT"
check_ok "del mape1" nsw "$NS" del mape1

log "fastpath: off by default, on at add, off and on again with set"
show_j mape0
check_eq "mape0: fastpath off by default" false "$(json_get "$J" 'j["fastpath"]')"
check_ok "add mape1 fastpath on" add mape1 fastpath on
show_j mape1
check_eq "mape1: fastpath on" true "$(json_get "$J" 'j["fastpath"]')"
check_ok "set mape1 fastpath off" nsw "$NS" map-e set mape1 fastpath off
show_j mape1
check_eq "mape1: fastpath off" false "$(json_get "$J" 'j["fastpath"]')"
check_ok "set mape1 fastpath on" nsw "$NS" map-e set mape1 fastpath on
show_j mape1
check_eq "mape1: fastpath on again" true "$(json_get "$J" 'j["fastpath"]')"
check_fail_msg "fastpath maybe: usage error" '^swctl: invalid fastpath "maybe"$' \
	nsw "$NS" map-e set mape1 fastpath maybe
check_ok "del mape1 (with its fast path)" nsw "$NS" del mape1

log "add: each out-of-range parameter refused, no device left behind"
rejected "add timeout-udp 119" 'timeout-udp: must be at least 120 s (RFC 4787 REQ-5)' \
	add mape1 timeout-udp 119
rejected "add timeout-tcp-est 7439" \
	'timeout-tcp-est: must be at least 7440 s (RFC 5382 REQ-5)' add mape1 timeout-tcp-est 7439
rejected "add timeout-tcp-trans 239" \
	'timeout-tcp-trans: must be at least 240 s (RFC 5382 REQ-5)' add mape1 timeout-tcp-trans 239
rejected "add timeout-icmp 59" 'timeout-icmp: must be at least 60 s (RFC 5508 REQ-2)' \
	add mape1 timeout-icmp 59
rejected "add timeout-udp 604801" 'timeout-udp: must be at most 604800 s' \
	add mape1 timeout-udp 604801
rejected "add max-mappings 757" 'max-mappings: must be 0..756 (0: the maximum, 3 x 252 ports)' \
	add mape1 max-mappings 757
rejected "add mss-clamp 535" 'mss-clamp: must be 0 (off) or 536..65495' add mape1 mss-clamp 535
rejected "add mss-clamp 65496" 'mss-clamp: must be 0 (off) or 536..65495' add mape1 mss-clamp 65496
check_fail_msg "add filter xyz: usage error" '^swctl: invalid filter "xyz"$' add mape1 filter xyz
check_eq "only mape0 exists" mape0 "$(sw_devs "$NS")"

# ---------------------------------------------------------------- set
log "map-e set: a new configuration, the other fields kept"
check_ok "set filter adf timeout-udp 150" nsw "$NS" map-e set mape0 filter adf timeout-udp 150
params_are mape0 "adf 150 7440 240 60 756 0 0 0"
check_ok "set the rest" nsw "$NS" map-e set mape0 timeout-tcp-est 9000 timeout-tcp-trans 250 \
	timeout-icmp 61 max-mappings 7 max-per-host 3 mark 4294967295 mss-clamp 536
params_are mape0 "adf 150 9000 250 61 7 3 4294967295 536"
check_ok "set max-mappings 0 (= 756), mss-clamp 0, mark 0, filter eif" \
	nsw "$NS" map-e set mape0 max-mappings 0 mss-clamp 0 mark 0 filter eif
params_are mape0 "eif 150 9000 250 61 756 3 0 0"
check_eq "derived fields unchanged" "192.0.2.18 52 252" \
	"$(json_get "$J" '"%s %d %d" % (j["ipv4_address"], j["psid"], j["ports"])')"

log "map-e set: rejections leave the configuration as it was"
rejected "set timeout-udp 119" 'timeout-udp: must be at least 120 s (RFC 4787 REQ-5)' \
	nsw "$NS" map-e set mape0 timeout-udp 119
rejected "set timeout-icmp 59 with a valid filter" \
	'timeout-icmp: must be at least 60 s (RFC 5508 REQ-2)' \
	nsw "$NS" map-e set mape0 filter apdf timeout-icmp 59
rejected "set max-mappings 757" 'max-mappings: must be 0..756 (0: the maximum, 3 x 252 ports)' \
	nsw "$NS" map-e set mape0 max-mappings 757
rejected "set mss-clamp 100" 'mss-clamp: must be 0 (off) or 536..65495' \
	nsw "$NS" map-e set mape0 mss-clamp 100
params_are mape0 "eif 150 9000 250 61 756 3 0 0"
no_dev "set on a missing instance" nosuch \
	nsw "$NS" map-e set nosuch filter adf
rejected "set on veth0" 'veth0 is not a softwire device' nsw "$NS" map-e set veth0 filter adf
check_fail_msg "set without parameters: usage error" '^swctl: map-e set: nothing to change$' \
	nsw "$NS" map-e set mape0
for w in br mtu mode flags eup rules forward; do
	case $w in
	br) m='br: cannot be changed; delete and add the instance' ;;
	mtu) m='mtu: change it with ip link set NAME mtu MTU' ;;
	mode) m='mode: cannot be changed; delete and add the instance' ;;
	flags) m='legacy-iid: cannot be changed; delete and add the instance' ;;
	eup) m='end-user-prefix: cannot be changed; delete and add the instance' ;;
	rules) m='rule: cannot be changed; delete and add the instance' ;;
	forward) m='forward: use forward add / forward del' ;;
	esac
	raw_rejected "raw INST_SET with $w refused" EINVAL "$m" set-fixed mape0 "$w"
done
params_are mape0 "eif 150 9000 250 61 756 3 0 0"

log "allow_short_timeouts (test knob): 1 s and up accepted only while set"
echo Y >"$PARAM"
check_ok "knob on: set timeout-udp 2 timeout-tcp-est 3 timeout-tcp-trans 1 timeout-icmp 1" \
	nsw "$NS" map-e set mape0 timeout-udp 2 timeout-tcp-est 3 timeout-tcp-trans 1 timeout-icmp 1
params_are mape0 "eif 2 3 1 1 756 3 0 0"
rejected "knob on: timeout-udp 0" 'timeout-udp: must be at least 1 s' \
	nsw "$NS" map-e set mape0 timeout-udp 0
echo N >"$PARAM"
rejected "knob off: timeout-udp 2" 'timeout-udp: must be at least 120 s (RFC 4787 REQ-5)' \
	nsw "$NS" map-e set mape0 timeout-udp 2
check_ok "back to the defaults" nsw "$NS" map-e set mape0 timeout-udp 300 \
	timeout-tcp-est 7440 timeout-tcp-trans 240 timeout-icmp 60 max-per-host 0
params_are mape0 "eif 300 7440 240 60 756 0 0 0"

# ---------------------------------------------------------------- forwards
log "static forwards: only ports of the set; shown in show and in mappings"
rejected "forward port 80 (not in the set)" "$SET_MSG" \
	nsw "$NS" map-e forward add mape0 proto tcp port 80 to 198.51.100.2
rejected "forward port 1236 (next PSID)" \
	'port 1236 is not in the port set of mape0 (PSID 0x34, 252 ports)' \
	nsw "$NS" map-e forward add mape0 proto udp port 1236 to 198.51.100.2
check_ok "forward add tcp 1232 to 198.51.100.2:8080" \
	nsw "$NS" map-e forward add mape0 proto tcp port 1232 to 198.51.100.2:8080
check_ok "forward add udp 1233 to 198.51.100.3 (port kept)" \
	nsw "$NS" map-e forward add mape0 proto udp port 1233 to 198.51.100.3
show_j mape0
check_eq "show: forwards" 'tcp 1232 198.51.100.2:8080, udp 1233 198.51.100.3:1233' \
	"$(json_get "$J" '", ".join("%s %d %s" % (f["proto"], f["port"], f["to"])
		for f in sorted(j["forwards"], key=lambda f: f["port"]))')"
check_eq "show: forward keys" "port proto to" "$(json_get "$J" '" ".join(sorted(j["forwards"][0]))')"
check_ok "show mape0 (text)" nsw "$NS" show mape0
check_match "text: tcp forward line" '^    forward tcp port 1232 to 198\.51\.100\.2:8080$' "$OUT"
check_ok "mappings -j" nsw "$NS" -j map-e mappings mape0
check_eq "mappings: the two forwards, static, no remote yet" \
	'tcp 198.51.100.2:8080 192.0.2.18:1232 None none True int, udp 198.51.100.3:1233 192.0.2.18:1233 None - True int' \
	"$(json_get "$OUT" '", ".join("%s %s %s %s %s %s %s" % (m["proto"], m["internal"],
		m["external"], m["last_remote"], m["state"], m["static"], type(m["age"]).__name__)
		for m in sorted(j, key=lambda m: m["external"]))')"
check_eq "mappings: exactly the documented keys" \
	"age external internal last_remote proto state static" \
	"$(json_get "$OUT" '" ".join(sorted(j[0]))')"
check_ok "mappings (text)" nsw "$NS" map-e mappings mape0
check_match "text: header" '^PROTO +INTERNAL +EXTERNAL +LAST-REMOTE +AGE +STATE +STATIC$' "$OUT"
check_match "text: udp row" '^udp +198\.51\.100\.3:1233 +192\.0\.2\.18:1233 +- +[0-9]+ +- +yes$' "$OUT"
check_eq "stats: mappings 2" 2 "$(json_get "$(nsw "$NS" -j stats mape0)" 'j[0]["mappings"]')"

rejected "forward the same port again" 'tcp port 1232 of mape0: port is already forwarded' \
	nsw "$NS" map-e forward add mape0 proto tcp port 1232 to 198.51.100.3
rejected "forward the same LAN endpoint on another port" \
	'tcp port 1234 of mape0: to address and port are already forwarded' \
	nsw "$NS" map-e forward add mape0 proto tcp port 1234 to 198.51.100.2:8080
rejected "forward to multicast" 'to: must be a unicast IPv4 address' \
	nsw "$NS" map-e forward add mape0 proto tcp port 1234 to 224.0.0.1
rejected "forward to 0.0.0.0" 'to: must be a unicast IPv4 address' \
	nsw "$NS" map-e forward add mape0 proto tcp port 1234 to 0.0.0.0
no_dev "forward on a missing instance" nosuch \
	nsw "$NS" map-e forward add nosuch proto tcp port 1234 to 198.51.100.2
rejected "forward on veth0" 'veth0 is not a softwire device' \
	nsw "$NS" map-e forward add veth0 proto tcp port 1234 to 198.51.100.2
check_fail_msg "forward proto icmp: usage error" '^swctl: invalid proto "icmp"$' \
	nsw "$NS" map-e forward add mape0 proto icmp port 1234 to 198.51.100.2
check_fail_msg "forward without to: usage error" '^swctl: map-e forward add: missing to$' \
	nsw "$NS" map-e forward add mape0 proto tcp port 1234
raw_rejected "raw FWD_ADD proto icmp" EINVAL 'proto: must be tcp or udp' fwd mape0 proto-icmp
raw_rejected "raw FWD_ADD without FORWARD" EINVAL 'missing attribute: forward' fwd mape0 no-forward
raw_rejected "raw FWD_ADD without port" EINVAL 'missing attribute: forward port' fwd mape0 no-port
raw_rejected "raw FWD_ADD without to" EINVAL 'missing attribute: forward to' fwd mape0 no-to
raw_rejected "raw FWD_ADD port 0" ERANGE \
	'port 0 is not in the port set of mape0 (PSID 0x34, 252 ports)' fwd mape0 port-0
raw_rejected "raw FWD_ADD to port 0" EINVAL 'to: port must be 1..65535' fwd mape0 to-port-0
raw_rejected "raw FWD_ADD port as u32" EINVAL 'invalid attribute length' fwd mape0 port-as-u32
raw_rejected "raw FWD_ADD unknown nested attribute" EINVAL 'unknown attribute type' \
	fwd mape0 unknown-fwd-attr
raw_rejected "raw FWD_DEL with to" EINVAL 'to: not used to delete a forward' fwd mape0 del-with-to

check_ok "forward del tcp 1232" nsw "$NS" map-e forward del mape0 proto tcp port 1232
rejected "forward del tcp 1232 again" 'no tcp forward on port 1232 of mape0' \
	nsw "$NS" map-e forward del mape0 proto tcp port 1232
rejected "forward del udp 1232 (only tcp was there)" 'no udp forward on port 1232 of mape0' \
	nsw "$NS" map-e forward del mape0 proto udp port 1232
check_eq "one mapping left" 1 "$(json_get "$(nsw "$NS" -j map-e mappings mape0)" 'len(j)')"
check_ok "forward del udp 1233" nsw "$NS" map-e forward del mape0 proto udp port 1233
check_eq "mappings -j is []" "[]" "$(json_get "$(nsw "$NS" -j map-e mappings mape0)" 'j')"

log "256 forwards at most; the mapping dump resumes across skbs"
# Every tcp port of the set (252), then 4 udp: 256, one swctl each.
# shellcheck disable=SC2016
ip netns exec "$NS" bash -c '
	for i in $(seq 1 63); do for j in 0 1 2 3; do
		p=$(((i << 10) | 0xd0 | j))
		"$SWCTL" map-e forward add mape0 proto tcp port $p to 198.51.100.2 || exit 1
	done; done
	for p in 1232 1233 1234 1235; do
		"$SWCTL" map-e forward add mape0 proto udp port $p to 198.51.100.3 || exit 1
	done'
check_eq "256 forwards added" 0 $?
rejected "forward 257 refused" 'forward: at most 256 forwards per instance' \
	nsw "$NS" map-e forward add mape0 proto udp port 2256 to 198.51.100.3
show_j mape0
check_eq "show lists 256 forwards" 256 "$(json_get "$J" 'len(j["forwards"])')"
check_ok "raw dump, 8 KiB reads" raw map-dump mape0 8192
check_eq "raw dump: 256 distinct static mappings" "256 256 True" \
	"$(json_get "$OUT" '"%d %d %s" % (len(j["mappings"]),
		len(set((m["proto"], m["external"]) for m in j["mappings"])),
		all(m["static"] for m in j["mappings"]))')"
check_cond "raw dump: more than one skb ($(json_get "$OUT" 'j["datagrams"]') reads)" \
	test "$(json_get "$OUT" 'j["datagrams"]')" -gt 2
check_eq "swctl: 256 mappings" 256 "$(json_get "$(nsw "$NS" -j map-e mappings mape0)" 'len(j)')"
check_eq "stats: mappings 256" 256 "$(json_get "$(nsw "$NS" -j stats mape0)" 'j[0]["mappings"]')"

# ---------------------------------------------------------------- stats
log "stats: device counters, mapping count, every drop reason by name"
check_ok "stats -j" nsw "$NS" -j stats mape0
OUT=$(json_get "$OUT" 'j[0]')	# show's shape: an array
check_eq "stats: exactly the documented keys" \
	"drops fastpath_packets mappings name remotes remotes_full remotes_max rx_bytes rx_packets tx_bytes tx_packets" "$(json_get "$OUT" '" ".join(sorted(j))')"
check_eq "stats: no traffic" "0 0 0 0" \
	"$(json_get "$OUT" '"%d %d %d %d" % (j["tx_packets"], j["tx_bytes"], j["rx_packets"], j["rx_bytes"])')"
# The oracle: the names in kmod/stats.c, in enum order.
REASONS=$(sed -n 's/^[[:space:]]*\[SW_DROP_[A-Z_]*\][[:space:]]*= "\([a-z-]*\)",$/\1/p' \
	"$LIB_DIR/../kmod/stats.c" | tr '\n' ' ')
check_cond "kmod/stats.c names some reasons" test -n "$REASONS"
check_eq "stats: every reason of kmod/stats.c, in order" "$REASONS" \
	"$(json_get "$OUT" '"".join(k + " " for k in j["drops"])')"
check_eq "stats: all drop counters zero" 0 "$(json_get "$OUT" 'sum(j["drops"].values())')"
check_ok "stats (text)" nsw "$NS" stats mape0
check_match "text: mappings line" '^mape0: mappings 256$' "$OUT"
check_match "text: no drops shown" '^    drops: none$' "$OUT"
check_ok "stats -s (text)" nsw "$NS" stats mape0 -s
check_eq "text -s: one line per reason" "$(echo $REASONS | wc -w)" \
	"$(printf '%s\n' "$OUT" | grep -cE '^        [a-z-]+ +0$')"
check_ok "stats -s NAME (text)" nsw "$NS" stats -s mape0
check_eq "stats -s NAME: one line per reason" "$(echo $REASONS | wc -w)" \
	"$(printf '%s\n' "$OUT" | grep -cE '^        [a-z-]+ +0$')"
check_fail_msg "stats with two names" '^swctl: stats: unexpected "mape0"$' nsw "$NS" stats mape0 mape0
no_dev "stats of a missing instance" nosuch nsw "$NS" stats nosuch
rejected "stats of veth0" 'veth0 is not a softwire device' nsw "$NS" stats veth0
no_dev "mappings of a missing instance" nosuch \
	nsw "$NS" map-e mappings nosuch
rejected "mappings of veth0" 'veth0 is not a softwire device' nsw "$NS" map-e mappings veth0

# ---------------------------------------------------------------- permission
log "every new command needs CAP_NET_ADMIN"
SW=$(readlink -f "$SWCTL")
as_nobody() {
	ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$SW" "$@"
}
BEFORE=$(nsw "$NS" -j show mape0)
for c in "map-e set mape0 filter apdf" "map-e forward del mape0 proto tcp port 1232" \
	"map-e forward add mape0 proto udp port 2256 to 198.51.100.2" \
	"map-e mappings mape0" "stats mape0"; do
	# shellcheck disable=SC2086
	check_fail_msg "nobody: $c" '^swctl: .*needs CAP_NET_ADMIN' as_nobody $c
done
check_eq "nothing changed" "$BEFORE" "$(nsw "$NS" -j show mape0)"

log "a mapping dump whose instance is deleted between two reads fails cleanly"
raw_rejected "dump interrupted by del" ENODEV 'the instance was deleted during the dump' \
	map-dump-del mape0 8192
check_eq "mape0 is gone, no softwire device left" "" "$(sw_devs "$NS")"
dmesg_check
ksft_exit
