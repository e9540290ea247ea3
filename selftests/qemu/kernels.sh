#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Print the installed kernels softwire can be built for and booted, oldest
# first: /boot/vmlinuz-VER with headers at /lib/modules/VER/build.
#   kernels.sh           all of them
#   kernels.sh newest    only the newest
set -euo pipefail
list() {
	local f v
	for f in /boot/vmlinuz-*; do
		[ -e "$f" ] || continue
		v=${f#/boot/vmlinuz-}
		[ -e "/lib/modules/$v/build/Makefile" ] && echo "$v"
	done | sort -V
}
case "${1:-all}" in
all) list ;;
newest) list | tail -n1 ;;
*) echo "usage: $0 [all|newest]" >&2; exit 2 ;;
esac
