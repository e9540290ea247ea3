#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the uncompressed ELF vmlinux from /boot/vmlinuz-KVER.
#   extract-vmlinux.sh KVER OUT
# Under TCG, the bzImage decompressor alone takes seconds (xz on Debian's 6.1);
# qemu boots an ELF vmlinux with a PVH entry note (CONFIG_PVH) directly.
# Exits non-zero when there is no usable payload; callers fall back to the bzImage.
set -euo pipefail

kver=$1 out=$2
img=/boot/vmlinuz-$kver
try() {	# try MAGIC DECOMPRESSOR...
	local magic=$1 off
	shift
	for off in $(LC_ALL=C grep -obUaP "$magic" "$img" | cut -d: -f1); do
		tail -c +$((off + 1)) "$img" | "$@" >"$out.tmp" 2>/dev/null || true
		if [ "$(head -c 4 "$out.tmp" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] &&
			readelf -n "$out.tmp" 2>/dev/null | grep -q 'Xen.*0x00000012\|PHYS32_ENTRY'; then
			mv "$out.tmp" "$out"
			return 0
		fi
	done
	return 1
}
trap 'rm -f "$out.tmp"' EXIT
try '\xfd7zXZ\x00' xz -dcq --single-stream && exit 0
try '\x28\xb5\x2f\xfd' zstd -dcq && exit 0
try '\x1f\x8b\x08' gzip -dcq && exit 0
echo "extract-vmlinux: no PVH-bootable vmlinux inside $img" >&2
exit 1
