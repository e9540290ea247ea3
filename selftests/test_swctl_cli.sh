#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# swctl's own command line, no traffic: `monitor` names each event
# (created / deleted, text and JSON), the options of the usage text in
# every spelling ip(8) accepts (-j, -json, --json, unique prefixes) with
# errors that name the bad option, `stats` of every instance as show's
# array shape, and every drop reason of the module explained by
# `stats --explain` and documented in swctl(8).
#
#   netns $NS (devices stay down, so no packet is sent)
#   +-----------------------------------------------------------------------+
#   | mape0  EUP 2001:db8:12:3400::/56 BR 2001:db8:ffff::1                  |
#   |        rule 2001:db8::/40 -> 192.0.2.0/24 ea-len 16 -> 192.0.2.18     |
#   | mape1  EUP 2001:db8:12:3500::/56 (same rule)       -> 192.0.2.18 0x35 |
#   | sync0  EUP 2001:db8:12:3600::/56: until the monitors print its event  |
#   | swctl monitor >mon.txt, swctl -j monitor >mon.json (background)      |
#   +-----------------------------------------------------------------------+

. "$(dirname "$0")/lib.sh"

TMPD=$(mktemp -d)
MON_PIDS=()
cleanup() {
	local p
	for p in "${MON_PIDS[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$TMPD"
	lib_cleanup
}
trap cleanup EXIT

require_root
require_swctl
require_module
require_cmd ip python3
dmesg_mark
ns_create NS
BR=2001:db8:ffff::1
RULE="rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 16"
add() { nsw "$NS" map-e add "$1" end-user-prefix "$2" br $BR $RULE; }
ifindex() { ip -n "$NS" -o link show "$1" | cut -d: -f1; }
MON=$TMPD/mon.txt
MONJ=$TMPD/mon.json
STATS_C=$LIB_DIR/../kmod/stats.c
MAN=$LIB_DIR/../tools/swctl.8

# ---------------------------------------------------------------- monitor
log "monitor: each event by kind, text and JSON"
ip netns exec "$NS" "$SWCTL" monitor >"$MON" 2>&1 &
MON_PIDS+=($!)
ip netns exec "$NS" "$SWCTL" -j monitor >"$MONJ" 2>&1 &
MON_PIDS+=($!)

# Until both monitors have joined the group: add sync0 (again) until both
# print its creation.
sync_once() {
	nsw "$NS" del sync0 2>/dev/null
	add sync0 2001:db8:12:3600::/56 >/dev/null 2>&1
	grep -q '^\[created\] sync0: ' "$MON" && grep -q '"name":"sync0"' "$MONJ"
}
check_cond "both monitors report events" wait_for 20 sync_once
nsw "$NS" del sync0 2>/dev/null
check_cond "sync0 deleted" wait_for 10 grep -q '^\[deleted\] sync0: ' "$MON"
M0=$(wc -l <"$MON")
J0=$(wc -l <"$MONJ")
# lines after the synchronisation
mon_new() { tail -n +$((M0 + 1)) "$MON"; }
monj_new() { tail -n +$((J0 + 1)) "$MONJ"; }
mon_has() { mon_new | grep -qxF -- "$1"; }
monj_has() { monj_new | grep -q "^$(printf '%s' "$1" | sed 's/[][\.*^$]/\\&/g')"; }

check_ok "add mape0" add mape0 2001:db8:12:3400::/56
IDX=$(ifindex mape0)
check_cond "monitor: [created] mape0" \
	wait_for 10 mon_has "[created] mape0: ifindex $IDX mode map-e mtu 1460"
check_cond "monitor -j: created mape0" \
	wait_for 10 monj_has "{\"event\":\"created\",\"name\":\"mape0\",\"ifindex\":$IDX,"
check_ok "del mape0" nsw "$NS" del mape0
check_cond "monitor: [deleted] mape0" \
	wait_for 10 mon_has "[deleted] mape0: ifindex $IDX mode map-e mtu 1460"
check_cond "monitor -j: deleted mape0" \
	wait_for 10 monj_has "{\"event\":\"deleted\",\"name\":\"mape0\",\"ifindex\":$IDX,"
check_eq "monitor: exactly the two events, in order" \
	"[created] mape0: ifindex $IDX mode map-e mtu 1460|[deleted] mape0: ifindex $IDX mode map-e mtu 1460" \
	"$(mon_new | grep '^\[' | paste -sd '|')"
check_eq "monitor -j: one object per line, events in order" "created mape0 deleted mape0" \
	"$(monj_new | python3 -c 'import json, sys
print(" ".join("%s %s" % (o["event"], o["name"]) for o in map(json.loads, sys.stdin)))')"
check_eq "monitor: no stderr, no error" "" "$(grep -i 'swctl:' "$MON" "$MONJ")"

# ---------------------------------------------------------------- options
log "options: -j, -json, --json, -p, -pretty, prefixes, grouped letters"
check_ok "add mape0" add mape0 2001:db8:12:3400::/56
check_ok "add mape1" add mape1 2001:db8:12:3500::/56
check_ok "-j show mape0" nsw "$NS" -j show mape0
J=$OUT
for o in -json --json -js -jso; do
	check_ok "$o show mape0" nsw "$NS" $o show mape0
	check_eq "$o: the JSON of -j" "$J" "$OUT"
done
check_ok "-j -p show mape0" nsw "$NS" -j -p show mape0
P=$OUT
check_eq "-p indents" '    {' "$(printf '%s\n' "$P" | sed -n 2p)"
check_eq "-p is the same document" "$(json_get "$J" j)" "$(json_get "$P" j)"
for o in "-json -pretty" "--json --pretty" "-jp" "-pj" "-pre -j" "--pr --js"; do
	check_ok "$o show mape0" nsw "$NS" $o show mape0
	check_eq "$o: the output of -j -p" "$P" "$OUT"
done
check_ok "-- show mape0" nsw "$NS" -- show mape0
check_match "--: text output" '^mape0: ifindex ' "$OUT"

log "options: every error names the bad option, usage exit 2"
bad_opt() {
	local opt=$1
	shift
	check_fail_msg "$opt: refused, named" \
		"^swctl: invalid option \"$(printf '%s' "$opt" | sed 's/[][\.*^$]/\\&/g')\"; try \"swctl -h\"\$" \
		nsw "$NS" "$@"
	check_eq "$opt: exit 2" 2 "$(nsw "$NS" "$@" >/dev/null 2>&1; echo $?)"
}
bad_opt -x -x show
bad_opt -jx -jx show
bad_opt -jsonx -jsonx show
bad_opt --bogus --bogus show
bad_opt --s --s show
bad_opt - - show
bad_opt -q stats -q mape0
bad_opt --explainx stats mape0 --explainx

# ---------------------------------------------------------------- stats
log "stats: show's array shape, named, every instance without NAME"
KEYS="drops fastpath_packets mappings name remotes remotes_full remotes_max rx_bytes rx_packets tx_bytes tx_packets"
check_ok "-j stats mape0" nsw "$NS" -j stats mape0
check_eq "-j stats mape0: an array of one, named" "1 mape0" \
	"$(json_get "$OUT" '"%d %s" % (len(j), j[0]["name"])')"
check_eq "-j stats mape0: exactly the documented keys" "$KEYS" \
	"$(json_get "$OUT" '" ".join(sorted(j[0]))')"
check_ok "-j stats" nsw "$NS" -j stats
check_eq "-j stats: every instance, like -j show" \
	"$(json_get "$(nsw "$NS" -j show)" '" ".join(i["name"] for i in j)')" \
	"$(json_get "$OUT" '" ".join(i["name"] for i in j)')"
check_eq "-j stats: two instances" 2 "$(json_get "$OUT" 'len(j)')"
check_eq "-j stats: keys of each" "$KEYS|$KEYS" \
	"$(json_get "$OUT" '"|".join(" ".join(sorted(i)) for i in j)')"
check_ok "stats (text)" nsw "$NS" stats
check_eq "stats: one block per instance" "mape0: mappings 0|mape1: mappings 0" \
	"$(printf '%s\n' "$OUT" | grep '^[a-z]' | paste -sd '|')"
check_ok "stats -s --explain, options after the object" nsw "$NS" stats -s --explain
check_eq "stats -s --explain: both instances" 2 "$(printf '%s\n' "$OUT" | grep -c '^mape.: ')"

log "stats --explain: every reason of the module explained, swctl(8) documents it"
# The oracle: the names in kmod/stats.c.
REASONS=$(sed -n 's/^[[:space:]]*\[SW_DROP_[A-Z_]*\][[:space:]]*= "\([a-z0-9-]*\)",$/\1/p' "$STATS_C")
NREASONS=$(printf '%s\n' "$REASONS" | grep -c .)
check_cond "kmod/stats.c names some reasons" test "$NREASONS" -gt 0
check_ok "stats mape0 -s --explain" nsw "$NS" stats mape0 -s --explain
EXP=$OUT
check_eq "one why: line per reason" "$NREASONS" "$(printf '%s\n' "$EXP" | grep -c '^            why: ')"
check_eq "one do: line per reason" "$NREASONS" "$(printf '%s\n' "$EXP" | grep -c '^            do:  ')"
check_eq "no reason unknown to swctl" 0 "$(printf '%s\n' "$EXP" | grep -c 'does not know')"
for r in $REASONS; do
	check_eq "$r: counter, then its explanation" "$r 0|why|do" \
		"$(printf '%s\n' "$EXP" | grep -A2 "^        $r " |
			sed -E 's/^ +([a-z0-9-]+) +([0-9]+)$/\1 \2/; s/^ +(why|do):.*/\1/' | paste -sd '|')"
done
check_ok "-e stats mape0 (global -e, no drops)" nsw "$NS" -e stats mape0
check_match "-e: no drops, nothing to explain" '^    drops: none$' "$OUT"
check_ok "stats mape0 -se" nsw "$NS" stats mape0 -se
check_eq "-se: the output of -s --explain" "$EXP" "$OUT"
# swctl(8): ".B reason" heads an entry of the DROP REASONS section.
DOC=$(sed -n '/^\.SH DROP REASONS/,/^\.SH /p' "$MAN")
for r in $REASONS; do
	check_cond "swctl(8) documents $r" grep -qxF ".B $r" <<<"${DOC//\\-/-}"
done

log "stats of a netns without instances: an empty list"
check_ok "del mape0" nsw "$NS" del mape0
check_ok "del mape1" nsw "$NS" del mape1
check_ok "-j stats, no instance" nsw "$NS" -j stats
check_eq "-j stats: []" "[]" "$OUT"
check_ok "stats, no instance" nsw "$NS" stats
check_eq "stats: no output" "" "$OUT"

dmesg_check
ksft_exit
