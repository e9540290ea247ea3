#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2086,SC2317
#
# Every command that changes or reveals state needs CAP_NET_ADMIN over the
# netns: callers without it get EPERM and a non-zero exit, nothing changes.
# The offline calculator needs no privilege.
#
#   netns $NS: sw0  EUP 2001:db8:12:3400::/56, BR 2001:db8:ffff::1,
#                   rule 2001:db8::/40 -> 192.0.2.0/24 ea-len 16
#   callers: (a) uid/gid 65534, no capabilities
#            (b) uid 0 with empty bounding and inheritable sets
#            (c) root of a fresh user namespace (caps there, none over $NS)

. "$(dirname "$0")/lib.sh"

lib_begin setpriv unshare nsenter
ns_create NS
EPERM_RE='^swctl: .*(not permitted|permission|EPERM)'

# The unprivileged callers must be able to exec swctl.
SW=$(readlink -f "$SWCTL")
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	test -x "$SW" || skip "uid 65534 cannot execute $SW"

check_ok "root: add sw0" nsw "$NS" map-e add sw0 end-user-prefix 2001:db8:12:3400::/56 \
	br 2001:db8:ffff::1 $EX1_RULE
BEFORE=$(nsw "$NS" -j show)

# Callers: each runs "$@" inside $NS.
as_nobody() {
	ip netns exec "$NS" setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=-all --bounding-set=-all "$@"
}
as_capless_root() {
	ip netns exec "$NS" setpriv --inh-caps=-all --bounding-set=-all "$@"
}
as_userns_root() {
	# A new user namespace maps us to root with a full capability set over
	# that user namespace only; $NS is owned by the initial one.
	ip netns exec "$NS" unshare --user --map-root-user "$@"
}

CALLERS="as_nobody as_capless_root"
# CLONE_NEWUSER is refused inside a chroot or when user namespaces are
# disabled: then that caller is skipped, except in the qemu guest, whose
# init switches root (not chroot) so that this case runs.
if as_userns_root true 2>/dev/null; then
	CALLERS="$CALLERS as_userns_root"
elif [ "${SOFTWIRE_GUEST:-0}" = 1 ]; then
	_failed "user namespaces work in the test guest (unshare --user)"
else
	log "user namespaces unavailable here: as_userns_root not tested"
fi
for who in $CALLERS; do
	log "$who"
	check_fail_msg "$who: show" "$EPERM_RE" $who "$SW" show
	check_fail_msg "$who: show -j" "$EPERM_RE" $who "$SW" -j show
	check_fail_msg "$who: show sw0" "$EPERM_RE" $who "$SW" show sw0
	check_fail_msg "$who: add" "$EPERM_RE" $who "$SW" map-e add swx \
		end-user-prefix 2001:db8:12:3500::/56 br 2001:db8:ffff::1 $EX1_RULE
	check_fail_msg "$who: del sw0" "$EPERM_RE" $who "$SW" del sw0
	check_ok "$who: offline calc needs no privilege" $who "$SW" -j map-e calc \
		end-user-prefix 2001:db8:12:3400::/56 $EX1_RULE
	check_eq "$who: calc result" 192.0.2.18 "$(json_get "$OUT" 'j["ipv4_address"]')"
done

log "raw netlink from an unprivileged caller is refused too"
as_nobody test -r "$LIB_DIR/swnl.py" || skip "uid 65534 cannot read swnl.py"
check_fail_msg "nobody: raw INST_GET dump" '^swnl: error -1 EPERM' \
	as_nobody python3 "$LIB_DIR/swnl.py" dump
check_fail_msg "nobody: raw INST_NEW" '^swnl: error -1 EPERM' \
	as_nobody python3 "$LIB_DIR/swnl.py" new swraw ok
check_fail_msg "nobody: raw INST_DEL" '^swnl: error -1 EPERM' \
	as_nobody python3 "$LIB_DIR/swnl.py" del sw0

log "nothing changed"
check_eq "show -j identical to before" "$BEFORE" "$(nsw "$NS" -j show)"
check_eq "only sw0 exists" sw0 "$(sw_devs "$NS")"
check_ok "root: del sw0" nsw "$NS" del sw0

dmesg_check
ksft_exit
