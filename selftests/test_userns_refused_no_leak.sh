#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# Any local user can own a netns through an unprivileged user namespace,
# and the family admits its root (GENL_UNS_ADMIN_PERM). Refused INST_NEW
# requests must then cost nothing that stays: 2000 of them leave the
# per-CPU memory (Percpu in /proc/meminfo) where it was. Each refused
# configuration owned a per-CPU route cache (2 CPUs x 40 bytes), which a
# kfree() on the parse error path leaked: 160 kB over 2000 requests.
#
#   uid 65534 -> unshare -Urn: root of a fresh user namespace, in a fresh
#   netns it owns; there swnl.py sends INST_NEW with an end-user prefix
#   outside every rule (refused by sw_config_derive(), after the
#   configuration and its route cache were allocated).
#
# Percpu counts populated pages and moves in 4 kB steps; freed memory is
# reused rather than returned. So a first round of 2000 warms the
# allocator up to what RCU-deferred frees of that many need at most; a
# second round of the same size must then stay within 32 kB of where the
# first ended (a fifth of what the leak costs).
. "$(dirname "$0")/lib.sh"

ROUND=2000
TOL_KB=32
lib_begin setpriv unshare
SWNL=$(readlink -f "$LIB_DIR/swnl.py")

as_userns_root() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		unshare --user --map-root-user --net "$@"
}
as_userns_root true ||
	skip "no unprivileged user namespaces here (chroot, or disabled by sysctl)"
as_userns_root test -r "$SWNL" || skip "uid 65534 cannot read $SWNL"

percpu_kb() { awk '/^Percpu:/ { print $2 }' /proc/meminfo; }
percpu_le() { [ "$(percpu_kb)" -le "$1" ]; }

refuse() {	# refuse ROUND: ROUND refused INST_NEW from the user namespace
	check_match "$1: $ROUND INST_NEW from a user namespace root, all refused" \
		"^refused $ROUND: -22 EINVAL: end-user-prefix is not inside any rule" \
		"$(as_userns_root python3 "$SWNL" refuse $ROUND swleak eup-outside-rule 2>&1)"
}

refuse "warm-up"
# let the RCU callbacks of the warm-up run
sleep_until_flat() {
	local prev=-1 cur
	for _ in $(seq 1 20); do
		cur=$(percpu_kb)
		[ "$cur" = "$prev" ] && return 0
		prev=$cur
		sleep 0.5
	done
}
sleep_until_flat
BASE=$(percpu_kb)
log "Percpu after the warm-up: $BASE kB"
refuse "measured"
check_cond "Percpu back within $TOL_KB kB of $BASE kB after $ROUND more refusals" \
	wait_for 20 percpu_le $((BASE + TOL_KB))
log "Percpu now: $(percpu_kb) kB"

log "positive control: the same caller can create an instance"
check_ok "user namespace root: INST_NEW accepted" as_userns_root python3 "$SWNL" new swok ok

dmesg_check
ksft_exit
