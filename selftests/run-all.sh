#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The whole softwire test suite, run on the host as root:
#
#   1. dependencies (selftests/install-deps.sh; SOFTWIRE_NO_DEPS=1 skips it)
#   2. swctl, the kmod/core unit tests (ASan/UBSan) and a short fuzz run
#   3. the module, built warning-free against every installed kernel with headers
#   4. dkms add / build / install for every such kernel
#   5. per kernel: boot it under qemu and run selftests/guest-run.sh (TAP)
#   6. the debug kernel (qemu/debug-kernel.sh: KASAN, UBSAN, lockdep, kmemleak),
#      built once and cached: the module built against it, then a guest running
#      the control-plane scenarios, a datapath subset and rmmod, and a kmemleak
#      scan; any splat or leak fails it
#
# Environment: SOFTWIRE_NO_DEPS=1, SOFTWIRE_KERNELS="VER..." (default: all),
# SOFTWIRE_DEBUG_KERNEL=0 skips step 6 (SOFTWIRE_DEBUG_CACHE: its cache),
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

# build_module KVER [KDIR [DIR]]: out-of-tree build against KDIR (default
# /lib/modules/KVER/build) in a scratch copy DIR, any warning fails it.
build_module() {
	local k=$1 kdir=${2:-/lib/modules/$1/build} dir=${3:-/tmp/softwire-build/$1}
	local log=$logdir/build-$1.log ver
	rm -rf "$dir"
	mkdir -p "$dir"
	tar -C "$top" -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod*' \
		Kbuild kmod uapi | tar -C "$dir" -x || return 1
	make -C "$kdir" M="$dir" modules >"$log" 2>&1
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
# The debug kernel builds (under nice) while the other steps run: a guest
# keeps one core busy, the build takes what is left. Its step waits for it.
dk_pid=
if [ "${SOFTWIRE_DEBUG_KERNEL:-1}" != 0 ]; then
	# not niced here: the build, then its guest, is the longest chain of the run
	{ SOFTWIRE_DEBUG_NICE=0 selftests/qemu/debug-kernel.sh >"$logdir/debug-kernel.dir" 2>"$logdir/debug-kernel.log"
	  echo "$?" >"$logdir/debug-kernel.rc"; } &
	dk_pid=$!
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
# A poll must re-run its command: `wait_for T test "$(cmd)" ...` compares one
# value for T seconds (use wait_ge / wait_gt, lib.sh).
poll_lint() {
	! grep -nE '^[^#]*wait_for +[^ ]+ +(test|\[) [^#]*\$\(' selftests/*.sh
}
step "selftests poll commands, not values" "$logdir/lint.log" poll_lint
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

# The debug kernel: what it runs. Under TCG a KASAN + lockdep + kmemleak
# kernel runs a scenario about ten times slower than Debian's (test_instances:
# 373 s against 50 s; test_mape_dp_basic: 582 s), so the list is what fits
# beside the stock guests in CI's hour: netlink validation, the basic datapath
# (every mapping kind, TCP through GSO, both rule variants) and unloading with
# live instances and traffic. SOFTWIRE_DEBUG_TESTS overrides it.
debug_tests=(test_netlink_errors.sh test_mape_dp_basic.sh test_rmmod.sh)
[ -n "${SOFTWIRE_DEBUG_TESTS:-}" ] && read -r -a debug_tests <<<"$SOFTWIRE_DEBUG_TESTS"

debug_kernel_wait() {	# the background build started above (not our child)
	local rc
	while [ ! -s "$logdir/debug-kernel.rc" ]; do sleep 5; done
	rc=$(cat "$logdir/debug-kernel.rc")
	cat "$logdir/debug-kernel.log"
	[ "$rc" -eq 0 ] && cat "$logdir/debug-kernel.dir"
	return "$rc"
}

debug_guest() {
	if step "debug kernel (built in the background, or cached)" "$logdir/debug-kernel-step.log" \
		debug_kernel_wait; then
		ddir=$(cat "$logdir/debug-kernel.dir")
		drel=$(cat "$ddir/release")
		# In the work tree: the guest sees it at the same path.
		if step "module build, no warnings: $drel" "$logdir/build-step-$drel.log" \
			build_module "$drel" "$ddir/build" "$top/.build/$drel"; then
			name="guest $drel (KASAN, UBSAN, lockdep, kmemleak)"
			glog=$logdir/guest-$drel.log
			echo
			echo "=== $name"
			start=$(now)
			SOFTWIRE_QEMU_LOG=$glog SOFTWIRE_QEMU_TIMEOUT=${SOFTWIRE_DEBUG_TIMEOUT:-3600} \
				SOFTWIRE_TEST_TIMEOUT=${SOFTWIRE_DEBUG_TEST_TIMEOUT:-1500} \
				SOFTWIRE_QEMU_KERNEL=$ddir/build/vmlinux \
				SOFTWIRE_QEMU_MODDIR=$ddir/mod/lib/modules/$drel \
				SOFTWIRE_LOCAL_KO=.build/$drel/kmod/softwire.ko \
				SOFTWIRE_TESTS="${debug_tests[*]}" \
				selftests/qemu/run-guest.sh "$drel" selftests/guest-run.sh
			rc=$?
			counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$glog" | tail -n1)
			[ -n "$counts" ] || counts="no TAP summary (guest did not boot or died)"
			record "$name" "$rc" "$counts, $(($(now) - start))s"
		fi
	fi
}

# The debug kernel's guest runs beside the stock kernels' guests (two TCG
# threads on CI's two cores); its steps are reported when it ends.
debug_pid=
if [ -n "$dk_pid" ]; then
	echo "=== debug kernel: build (or cache) and guest in the background, log $logdir/debug-all.log"
	# record() runs in the subshell: hand the summary lines back in a file
	( passed=0 failed=0 summary=(); debug_guest >"$logdir/debug-all.log" 2>&1
	  printf '%s\n' "${summary[@]}" >"$logdir/debug-summary"; [ "$failed" -eq 0 ] ) &
	debug_pid=$!
fi

# The stock kernels' guests run side by side too: each is one TCG thread,
# its console goes to its log, printed whole when it fails.
guest_pids=()
guest_start=$(now)
for k in "${kernels[@]}"; do
	[ "$dkms_ok" -eq 1 ] || break
	echo "=== guest $k: started (console in $logdir/guest-$k.log)"
	SOFTWIRE_QEMU_LOG=$logdir/guest-$k.log \
		SOFTWIRE_QEMU_TIMEOUT=${SOFTWIRE_GUEST_TIMEOUT:-3600} \
		SOFTWIRE_TEST_TIMEOUT=${SOFTWIRE_TEST_TIMEOUT:-900} \
		selftests/qemu/run-guest.sh "$k" selftests/guest-run.sh \
		>"$logdir/guest-run-$k.out" 2>&1 &
	guest_pids+=("$!")
done
for i in "${!kernels[@]}"; do
	k=${kernels[$i]}
	name="guest $k"
	if [ "$dkms_ok" -ne 1 ]; then
		record "$name" 1 "not run: DKMS install failed"
		continue
	fi
	rc=0
	wait "${guest_pids[$i]}" || rc=$?
	glog=$logdir/guest-$k.log
	echo
	echo "=== $name"
	if [ "$rc" -eq 0 ]; then
		grep -E '^(not )?ok [0-9]+ |^[0-9]+ passed' "$glog"
	else
		cat "$glog" "$logdir/guest-run-$k.out"
	fi
	counts=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$glog" | tail -n1)
	[ -n "$counts" ] || counts="no TAP summary (guest did not boot or died)"
	record "$name" "$rc" "$counts, ended $(($(now) - guest_start))s after the start"
done

if [ -n "$debug_pid" ]; then
	rc=0
	wait "$debug_pid" || rc=$?
	echo
	echo "=== debug kernel (log $logdir/debug-all.log)"
	if [ "$rc" -eq 0 ]; then
		grep -E '^(not )?ok [0-9]+ |^[0-9]+ passed' "$logdir"/guest-*swdebug*.log 2>/dev/null
	else
		cat "$logdir/debug-all.log"
	fi
	while IFS= read -r line; do
		summary+=("$line")
		case "$line" in PASS*) passed=$((passed + 1)) ;; FAIL*) failed=$((failed + 1)) ;; esac
	done <"$logdir/debug-summary"
	[ -s "$logdir/debug-summary" ] || record "debug kernel" 1 "no result"
fi

echo
echo "=== summary (logs in $logdir)"
printf '%s\n' "${summary[@]}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
