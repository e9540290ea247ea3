#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build the busybox initramfs that boots a test guest for kernel KVER.
#   mkinitramfs.sh KVER OUT.cpio.gz [MODDIR]
# Modules come from MODDIR (default: the host's /lib/modules/KVER),
# decompressed here (busybox insmod does not read .ko.xz/.ko.zst) and listed
# in /modules.order.
set -euo pipefail

kver=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
moddir=${3:-/lib/modules/$kver}
# Needed to mount the host root over virtio-9p under an overlay; each is
# skipped when it is built in or absent for this kernel.
wanted="virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci
	netfs fscache 9pnet 9pnet_virtio 9p overlay"

busybox=$(command -v busybox || true)
[ -x "$busybox" ] || { echo "mkinitramfs: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$busybox" >/dev/null 2>&1; then
	echo "mkinitramfs: $busybox is dynamically linked; install busybox-static" >&2
	exit 1
fi
[ -r "$moddir/modules.dep" ] || { echo "mkinitramfs: $moddir/modules.dep missing" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,sbin,proc,sys,dev,lib/modules,etc}
cp "$busybox" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
install -m 0755 "$here/init" "$tmp/init"

declare -A added=()
order=()
add_path() {	# a path relative to $moddir, as in modules.dep
	local rel=$1 name
	name=$(basename "$rel"); name=${name%%.ko*}
	[ -z "${added[$name]:-}" ] || return 0
	added[$name]=1
	case "$rel" in
	*.ko.xz) xz -dc "$moddir/$rel" >"$tmp/lib/modules/$name.ko" ;;
	*.ko.zst) zstd -qdc "$moddir/$rel" >"$tmp/lib/modules/$name.ko" ;;
	*.ko.gz) gzip -dc "$moddir/$rel" >"$tmp/lib/modules/$name.ko" ;;
	*.ko) cp "$moddir/$rel" "$tmp/lib/modules/$name.ko" ;;
	*) echo "mkinitramfs: unknown module format $rel" >&2; exit 1 ;;
	esac
	order+=("$name.ko")
}
for m in $wanted; do
	line=$(grep -E "(^|/)$m\.ko(\.[a-z]+)?:" "$moddir/modules.dep" || true)
	[ -n "$line" ] || continue	# built in, or not in this kernel
	read -r -a deps <<<"${line#*:}"
	# modules.dep lists the whole closure, most dependent first: load in reverse.
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do add_path "${deps[i]}"; done
	add_path "${line%%:*}"
done
printf '%s\n' "${order[@]}" >"$tmp/modules.order"

(cd "$tmp" && find . -print0 | LC_ALL=C sort -z | cpio --null -o -H newc --quiet -R 0:0) |
	gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
