#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Run inside the test guest (as root): load the DKMS-installed softwire module,
# run every executable selftests/test_*.sh, then check the kernel log and that
# the module unloads. Output is TAP 13 (kselftest style, exit 4 = skip).
#
# Environment: SOFTWIRE_TESTS="test_a.sh test_b.sh" runs only those;
# SOFTWIRE_TEST_TIMEOUT (seconds per test, default 600).
#
# A skip is not a pass in CI (CI set and not "false"): a test that skips fails
# the run unless the skip is expected on this kernel, because the test said so
# (lib.sh skip_expected prints "SKIP-EXPECTED: reason") or it is listed in
# expected_skips below.
#
# On a kernel with kmemleak (the debug kernel, qemu/debug-kernel.sh), the
# leaks found after the tests and the unload fail the run too.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
export PATH="$top/tools:$PATH"
per_test_timeout=${SOFTWIRE_TEST_TIMEOUT:-600}
want_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")

if [ -n "${SOFTWIRE_TESTS:-}" ]; then
	read -r -a tests <<<"$SOFTWIRE_TESTS"
else
	tests=()
	while IFS= read -r t; do
		[ -x "$here/$t" ] && tests+=("$t")
	done < <(cd "$here" && LC_ALL=C ls test_*.sh 2>/dev/null)
fi

# Expected skips, one "TEST KERNEL-RELEASE-GLOB" per entry (no entry today).
expected_skips=(
)

ci=0
case "${CI:-}" in "" | false | 0) ;; *) ci=1 ;; esac

# skip_ok NAME OUTPUT-FILE: the skip of test NAME is expected on this kernel.
skip_ok() {
	local e
	grep -q 'SKIP-EXPECTED:' "$2" && return 0
	for e in "${expected_skips[@]}"; do
		# shellcheck disable=SC2053  # the kernel part is a glob
		[ "${e%% *}" = "$1" ] && [[ $(uname -r) == ${e#* } ]] && return 0
	done
	return 1
}

n=0 passed=0 failed=0 skipped=0
indent() { sed -u 's/^/# /'; }
result() {	# result RC NAME
	n=$((n + 1))
	case "$1" in
	0) echo "ok $n $2"; passed=$((passed + 1)) ;;
	4) echo "ok $n $2 # SKIP"; skipped=$((skipped + 1)) ;;
	*) echo "not ok $n $2"; failed=$((failed + 1)) ;;
	esac
}
summary() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
	exit
}

echo "TAP version 13"
kmemleak=/sys/kernel/debug/kmemleak
[ -w "$kmemleak" ] && nleak=1 || nleak=0
echo "1..$((${#tests[@]} + 3 + nleak))"
echo "# kernel $(uname -r), softwire $want_ver"
if [ "$nleak" = 1 ]; then
	# What boot leaked is not ours: find it (two scans, see below) and forget it.
	echo scan >"$kmemleak"
	echo scan >"$kmemleak"
	echo clear >"$kmemleak"
fi

# Everything this run logs comes after this marker; boot messages are not ours.
marker="softwire-selftests: start $$ $(date +%s)"
echo "$marker" >/dev/kmsg

# SOFTWIRE_LOCAL_KO=path (relative to the tree): a module built by
# selftests/dev-test.sh replaces the DKMS one in this guest's overlay.
if [ -n "${SOFTWIRE_LOCAL_KO:-}" ]; then
	d=/lib/modules/$(uname -r)/updates/dkms
	mkdir -p "$d"
	rm -f "$d"/softwire.ko*
	cp "$top/$SOFTWIRE_LOCAL_KO" "$d/softwire.ko"
	depmod -a
fi

# 1: the module loads, and it is the DKMS build of this version.
load() {
	modprobe softwire || { echo "modprobe softwire failed"; return 1; }
	local path ver
	path=$(modinfo -n softwire)
	ver=$(cat /sys/module/softwire/version 2>/dev/null)
	echo "loaded $path, version $ver"
	case "$path" in
	*/updates/dkms/*) ;;
	*) echo "not the DKMS module (expected .../updates/dkms/)"; return 1 ;;
	esac
	[ "$ver" = "$want_ver" ] || { echo "version $ver, expected $want_ver"; return 1; }
	[ "$(modinfo -F version softwire)" = "$want_ver" ]
}
load 2>&1 | indent
rc=${PIPESTATUS[0]}
result "$rc" "load softwire module"
if [ "$rc" -ne 0 ]; then
	echo "Bail out! softwire did not load"
	dmesg | tail -n 20 | indent
	summary
fi

out=$(mktemp)
for t in "${tests[@]}"; do
	name=${t%.sh}
	echo "# $name"
	start=$(date +%s)
	(cd "$here" && timeout --kill-after=10 "$per_test_timeout" "./$t") </dev/null 2>&1 |
		tee "$out" | indent
	rc=${PIPESTATUS[0]}
	[ "$rc" -eq 124 ] && echo "# $name: timed out after ${per_test_timeout}s"
	echo "# $name: exit $rc in $(($(date +%s) - start))s"
	if [ "$rc" -eq 4 ] && [ "$ci" = 1 ] && ! skip_ok "$name" "$out"; then
		echo "# $name: a skip that is not expected on $(uname -r) fails in CI"
		rc=1
	fi
	result "$rc" "$name"
done

# Unloading must succeed once the tests have cleaned up (and is itself
# checked by the dmesg test below).
if out=$(rmmod softwire 2>&1) && [ ! -d /sys/module/softwire ]; then
	result 0 "rmmod softwire"
else
	echo "$out" | indent
	echo "# refcnt $(cat /sys/module/softwire/refcnt 2>/dev/null)"
	result 1 "rmmod softwire"
fi

# kmemleak (debug kernel): the leak suspects since the tests began, after the
# module is gone. An object is reported once unreferenced for 5 s and unchanged
# between two scans, hence the second scan after a pause.
if [ "$nleak" = 1 ]; then
	echo scan >"$kmemleak"
	sleep 6
	echo scan >"$kmemleak"
	leaks=$(cat "$kmemleak")
	if [ -n "$leaks" ]; then
		echo "# kmemleak: $(grep -c '^unreferenced object' <<<"$leaks") suspected leaks"
		head -n 200 <<<"$leaks" | indent
		result 1 "kmemleak clean"
	else
		result 0 "kmemleak clean"
	fi
fi

# The kernel log since the marker must be free of splats (lockdep and RCU
# reports start with WARNING:, sleeping in atomic context with BUG:).
bad='WARNING:|BUG:|Oops|KASAN|UBSAN|refcount_t|list_add corruption|list_del corruption|general protection|unregister_netdevice: waiting|kmemleak:.*leak|possible .*locking|suspicious RCU'
splats=$(dmesg | sed -n "/$marker/,\$p" | grep -E "$bad")
if [ -n "$splats" ]; then
	echo "$splats" | indent
	dmesg | sed -n "/$marker/,\$p" | tail -n 60 | indent
	result 1 "dmesg clean"
else
	result 0 "dmesg clean"
fi
summary
