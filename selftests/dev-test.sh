#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Developer loop: build this tree's module and swctl, boot KVER under qemu
# with that module (not the DKMS one) and run some selftests.
#
#   selftests/dev-test.sh [-k KVER] [test_a.sh ...]
#
# KVER defaults to the newest installed kernel with headers; "debug" is the
# debug kernel of qemu/debug-kernel.sh (built first if not cached). The module is
# built in .build/KVER/ and copied into the guest's (tmpfs-backed)
# /lib/modules/KVER/updates/dkms/, so nothing on the host changes and several
# work trees can test at once. At most SOFTWIRE_DEV_SLOTS guests (default 2)
# run at the same time on one host; further runs wait for a free slot.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
kver=
if [ "${1:-}" = -k ]; then kver=$2; shift 2; fi
[ -n "$kver" ] || kver=$(selftests/qemu/kernels.sh newest)
kdir=/lib/modules/$kver/build
if [ "$kver" = debug ]; then
	d=$(selftests/qemu/debug-kernel.sh)
	kver=$(cat "$d/release") kdir=$d/build
	export SOFTWIRE_QEMU_KERNEL=$d/build/vmlinux SOFTWIRE_QEMU_MODDIR=$d/mod/lib/modules/$kver
	export SOFTWIRE_QEMU_TIMEOUT=${SOFTWIRE_QEMU_TIMEOUT:-2700}
fi
build=$top/.build/$kver
rm -rf "$build"
mkdir -p "$build"
tar -c --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' --exclude='*.mod*' \
	Kbuild kmod uapi | tar -C "$build" -x
make -s -C "$kdir" M="$build" modules
make -s -C tools
export SOFTWIRE_LOCAL_KO=.build/$kver/kmod/softwire.ko
[ $# -gt 0 ] && export SOFTWIRE_TESTS="$*"

slots=${SOFTWIRE_DEV_SLOTS:-2}
lockdir=/tmp/softwire-dev-slots
mkdir -p "$lockdir"
while :; do
	for i in $(seq 1 "$slots"); do
		exec 8>"$lockdir/$i"
		if flock -n 8; then
			echo "dev-test: slot $i, kernel $kver, tests: ${SOFTWIRE_TESTS:-all}"
			SOFTWIRE_QEMU_LOG=${SOFTWIRE_QEMU_LOG:-$top/.build/console-$kver.log} \
				selftests/qemu/run-guest.sh "$kver" selftests/guest-run.sh
			exit $?
		fi
		exec 8>&-
	done
	sleep 5
done
