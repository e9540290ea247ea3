#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Install everything softwire needs to build, run and test, from Debian 12 apt.
# Both test kernels: Debian's default 6.1 and the newest 6.12 from bookworm-backports/security,
# and the source of 6.12 with what building it needs (the debug kernel, qemu/debug-kernel.sh).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo

$SUDO apt-get update -qq
k612=$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' \
	| awk '{print $1}' | sort -V | tail -n1)
pkgs="build-essential pkg-config libmnl-dev dkms kmod
      linux-image-amd64 linux-headers-amd64
      qemu-system-x86 busybox-static cpio
      iproute2 nftables tcpdump socat iperf3 python3-scapy procps sudo xz-utils zstd
      conntrack iputils-ping
      clang
      bc bison flex libelf-dev libssl-dev"
if [ -n "$k612" ]; then
	ver=${k612#linux-image-}; ver=${ver%-unsigned}
	pkgs="$pkgs $k612 linux-headers-$ver linux-source-6.12"
else
	echo "install-deps: no linux-image-6.12 found in apt; testing 6.1 only" >&2
fi
# --no-install-recommends keeps firmware and initramfs-tools churn out of containers.
$SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
echo "install-deps: done"
