#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build, install (DKMS) and load softwire, then run the demo
# (selftests/demo-guest.sh): a MAP-E CE instance, and a LAN host reaching an
# IPv4 host behind the BR through it (ping, TCP, UDP). Exits non-zero when it
# cannot. When this host cannot load kernel modules (container, no
# CAP_SYS_MODULE, modules disabled, no headers for the running kernel), the
# demo runs inside a qemu guest booting the newest installed kernel.
#
#   sudo ./selftests/demo.sh          (SOFTWIRE_NO_DEPS=1 skips the apt step)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (sudo $0)" >&2; exit 1; }

[ "${SOFTWIRE_NO_DEPS:-0}" = 1 ] || selftests/install-deps.sh
make -C tools

# Why the running kernel cannot take the module, or nothing if it can.
cannot_load() {
	local cap
	if [ "$(cat /proc/sys/kernel/modules_disabled 2>/dev/null || echo 0)" = 1 ]; then
		echo "module loading is disabled (kernel.modules_disabled=1)"; return
	fi
	cap=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
	if (( (0x$cap >> 16 & 1) == 0 )); then
		echo "no CAP_SYS_MODULE (a container?)"; return
	fi
	if [ ! -f "/lib/modules/$(uname -r)/build/Makefile" ]; then
		echo "no headers for the running kernel $(uname -r)"; return
	fi
}

guest() {	# guest REASON
	local k
	k=$(selftests/qemu/kernels.sh newest)
	[ -n "$k" ] || { echo "demo: no installed kernel with headers to boot" >&2; exit 1; }
	echo
	echo "this host cannot load kernel modules ($1);"
	echo "running the demo inside a qemu guest booting $k"
	echo
	# Every kernel: dkms-install.sh re-registers the package, which would
	# otherwise leave the other kernels without the module.
	selftests/dkms-install.sh
	exec selftests/qemu/run-guest.sh "$k" selftests/demo-guest.sh
}

why=$(cannot_load)
[ -z "$why" ] || guest "$why"

selftests/dkms-install.sh "$(uname -r)"
# A previous demo's instances (--keep) would hold the old module.
for n in swdemo-lan swdemo-ce swdemo-br swdemo-inet swdemo; do ip netns del "$n" 2>/dev/null || true; done
rmmod softwire 2>/dev/null || true
modprobe softwire || guest "modprobe softwire failed"
exec selftests/demo-guest.sh --keep
