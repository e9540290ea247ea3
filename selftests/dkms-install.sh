#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Register this tree with DKMS and build + install the module for each kernel.
#   selftests/dkms-install.sh [KVER...]     (default: every kernel with headers)
# The source is staged to /usr/src/softwire-VERSION (Kbuild, dkms.conf, kmod/,
# uapi/); a stale registration of the same version is removed first.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "dkms-install: must run as root" >&2; exit 1; }
command -v dkms >/dev/null || { echo "dkms-install: dkms not installed" >&2; exit 1; }

name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"/\1/p' "$top/dkms.conf")
ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
hdr_ver=$(sed -n 's/^#define[[:space:]]\+SOFTWIRE_VERSION[[:space:]]\+"\(.*\)".*/\1/p' \
	"$top/kmod/softwire.h" 2>/dev/null || true)
if [ -n "$hdr_ver" ] && [ "$hdr_ver" != "$ver" ]; then
	echo "dkms-install: dkms.conf says $ver but kmod/softwire.h says $hdr_ver" >&2
	exit 1
fi

if [ $# -gt 0 ]; then
	kvers=("$@")
else
	mapfile -t kvers < <("$top/selftests/qemu/kernels.sh")
fi
[ ${#kvers[@]} -gt 0 ] || { echo "dkms-install: no kernel with headers found" >&2; exit 1; }

dkms remove "$name/$ver" --all >/dev/null 2>&1 || true
rm -rf "/var/lib/dkms/$name/$ver"
src=/usr/src/$name-$ver
rm -rf "$src"
mkdir -p "$src"
tar -C "$top" -c \
	--exclude='*.o' --exclude='*.ko' --exclude='*.ko.*' --exclude='*.mod' --exclude='*.mod.c' \
	--exclude='.*.cmd' --exclude='*.a' --exclude='*.d' --exclude=Module.symvers \
	--exclude=modules.order --exclude='.*.o.d' \
	Kbuild dkms.conf kmod uapi | tar -C "$src" -x
dkms add "$name/$ver"

for k in "${kvers[@]}"; do
	echo "dkms-install: $name $ver for $k"
	if ! dkms build -k "$k" "$name/$ver"; then
		log=/var/lib/dkms/$name/$ver/build/make.log
		[ -r "$log" ] && sed 's/^/  make.log: /' "$log" >&2
		exit 1
	fi
	dkms install -k "$k" "$name/$ver"
	got=$(modinfo -k "$k" -F version "$name" 2>/dev/null || true)
	path=$(modinfo -k "$k" -n "$name" 2>/dev/null || true)
	case "$path" in
	*/updates/dkms/*) ;;
	*) echo "dkms-install: $k: modinfo resolves $name to '$path', not updates/dkms" >&2; exit 1 ;;
	esac
	[ "$got" = "$ver" ] || { echo "dkms-install: $k: installed version '$got' != $ver" >&2; exit 1; }
done
dkms status "$name/$ver"
