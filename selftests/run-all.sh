#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole softwire test suite, run on the host as root:
#
#   1. dependencies (selftests/install-deps.sh; SOFTWIRE_NO_DEPS=1 skips it)
#   2. swctl, the kmod/core unit tests (ASan/UBSan) and a short fuzz run
#   3. the module, built warning-free against every installed kernel with headers
#   4. dkms add / build / install for every such kernel
#   5. per kernel: boot it under qemu and run selftests/guest-run.sh (TAP)
#
# Environment: SOFTWIRE_NO_DEPS=1, SOFTWIRE_KERNELS="VER..." (default: all),
# FUZZ_SECONDS (default 10), SOFTWIRE_LOG_DIR (default /tmp/softwire-test-logs),
# SOFTWIRE_TESTS / SOFTWIRE_TEST_TIMEOUT (see guest-run.sh),
# SOFTWIRE_QEMU_* (see qemu/run-guest.sh).
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logdir=${SOFTWIRE_LOG_DIR:-/tmp/softwire-test-logs}
rm -rf "$logdir"
mkdir -p "$logdir"
export CI=${CI:-}

if [ "$(id -u)" -ne 0 ]; then
	echo "run-all: must run as root (DKMS installs into /lib/modules)" >&2
	exit 1
fi

passed=0 failed=0
summary=()
now() { date +%s; }

# step NAME LOG CMD...: run CMD, output to the terminal and LOG; record the result.
step() {
	local name=$1 log=$2 start rc
	shift 2
	echo
	echo "=== $name"
	start=$(now)
	"$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	record "$name" "$rc" "$(($(now) - start))s"
	return "$rc"
}

record() {	# record NAME RC DETAIL
	if [ "$2" -eq 0 ]; then
		passed=$((passed + 1))
		summary+=("$(printf 'PASS  %-52s %s' "$1" "$3")")
	else
		failed=$((failed + 1))
		summary+=("$(printf 'FAIL  %-52s %s' "$1" "$3")")
	fi
}

# build_module KVER: out-of-tree build in a scratch copy, any warning fails it.
build_module() {
	local k=$1 dir=/tmp/softwire-build/$1 log=$logdir/build-$1.log ver
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -C "$top" -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod*' \
		Kbuild kmod uapi | tar -C "$dir" -x || return 1
	make -C "/lib/modules/$k/build" M="$dir" modules >"$log" 2>&1
	local rc=$?
	cat "$log"
	[ "$rc" -eq 0 ] || { echo "run-all: module build for $k failed"; return 1; }
	if grep -n 'warning:' "$log"; then
		echo "run-all: module build for $k has compiler warnings"
		return 1
	fi
	ver=$(modinfo -F version "$dir/kmod/softwire.ko")
	echo "run-all: built $dir/kmod/softwire.ko, version $ver, vermagic $(modinfo -F vermagic "$dir/kmod/softwire.ko")"
}

if [ -n "${SOFTWIRE_KERNELS:-}" ]; then
	read -r -a kernels <<<"$SOFTWIRE_KERNELS"
fi

if [ "${SOFTWIRE_NO_DEPS:-0}" != 1 ]; then
	step "install dependencies" "$logdir/deps.log" selftests/install-deps.sh
fi
if [ -z "${SOFTWIRE_KERNELS:-}" ]; then
	mapfile -t kernels < <(selftests/qemu/kernels.sh)
fi
if [ ${#kernels[@]} -eq 0 ]; then
	echo "run-all: no installed kernel with headers (/boot/vmlinuz-VER + /lib/modules/VER/build)" >&2
	record "find kernels" 1 "none found"
fi
echo "run-all: kernels: ${kernels[*]}"

step "version (kmod/softwire.h = dkms.conf)" "$logdir/version.log" make -s version-check
step "build swctl" "$logdir/tools.log" make -C tools
[ -d selftests/core ] &&
	step "core unit tests (ASan/UBSan)" "$logdir/core.log" make -C selftests/core run
# Offline port-set math (swctl map-e calc) needs no module: run it here,
# where it is an order of magnitude faster than under TCG.
PATH=$PWD/tools:$PATH step "swctl map-e calc vs RFC 7597 (host)" \
	"$logdir/calc.log" selftests/host_test_calc.sh
step "swctl bash completion (host)" "$logdir/completion.log" selftests/host_test_completion.sh
[ -d selftests/fuzz ] &&
	step "fuzz (${FUZZ_SECONDS:-10}s)" "$logdir/fuzz.log" \
		make -C selftests/fuzz run FUZZ_SECONDS="${FUZZ_SECONDS:-10}"

for k in "${kernels[@]}"; do
	step "module build, no warnings: $k" "$logdir/build-step-$k.log" build_module "$k"
done

dkms_ok=0
[ ${#kernels[@]} -gt 0 ] &&
	step "dkms add/build/install: ${kernels[*]}" "$logdir/dkms.log" \
		selftests/dkms-install.sh "${kernels[@]}" && dkms_ok=1

for k in "${kernels[@]}"; do
	name="guest $k"
	if [ "$dkms_ok" -ne 1 ]; then
		record "$name" 1 "not run: DKMS install failed"
		continue
	fi
	glog=$logdir/guest-$k.log
	echo
	echo "=== $name"
	start=$(now)
	SOFTWIRE_QEMU_LOG=$glog selftests/qemu/run-guest.sh "$k" selftests/guest-run.sh
	rc=$?
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$glog" | tail -n1)
	[ -n "$counts" ] || counts="no TAP summary (guest did not boot or died)"
	record "$name" "$rc" "$counts, $(($(now) - start))s"
done

echo
echo "=== summary (logs in $logdir)"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
