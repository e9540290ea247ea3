#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Build (or reuse) the debug test kernel: Debian's linux-source-6.12 with
# KASAN, UBSAN, lockdep, DEBUG_ATOMIC_SLEEP and kmemleak (debug-kernel.config).
#
#   selftests/qemu/debug-kernel.sh     prints the cache directory on stdout
#
# The cache lives outside the work tree, one directory per source version and
# configuration, so a changed fragment rebuilds and every clone shares it:
#   $SOFTWIRE_DEBUG_CACHE (default /var/cache/softwire)/
#     debug-kernel-<source version>-<hash of the config>/
#       build/                 the O= build tree: vmlinux, and headers for M= builds
#       mod/lib/modules/KREL/  make modules_install
#       release                the kernel release (KREL)
#       build.log
# A changed configuration starts from the previous build tree of the same
# source, so only what the change touches is rebuilt.
# The source is extracted from /usr/src/linux-source-6.12.tar.xz (package
# linux-source-6.12) into the cache once; SOFTWIRE_DEBUG_SRC=DIR uses an
# already extracted, clean tree of the same version instead. The first build
# takes 7-10 minutes on 2 cores; it runs under nice, as guests share the host.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${SOFTWIRE_DEBUG_CACHE:-/var/cache/softwire}
tarball=${SOFTWIRE_DEBUG_SRC_TAR:-/usr/src/linux-source-6.12.tar.xz}
fragment=$here/debug-kernel.config

[ -r "$tarball" ] ||
	{ echo "debug-kernel: $tarball not found (apt-get install linux-source-6.12)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
	stat -L -c '%s-%Y' "$tarball")
srcver=${srcver//[^A-Za-z0-9.+-]/_}
key=$({
	echo "$srcver"
	cat "$fragment"
	gcc --version | head -n1
} | sha256sum | cut -c1-12)
dir=$root/debug-kernel-$srcver-$key
src=${SOFTWIRE_DEBUG_SRC:-$root/linux-source-$srcver}
mkdir -p "$root"

exec 9>"$root/.lock"
flock 9
if [ -s "$dir/release" ] && [ -e "$dir/build/vmlinux" ]; then
	echo "debug-kernel: cached $(cat "$dir/release") in $dir" >&2
	echo "$dir"
	exit 0
fi

if [ -z "${SOFTWIRE_DEBUG_SRC:-}" ] && [ ! -e "$src/.extracted" ]; then
	echo "debug-kernel: extracting $tarball into $src" >&2
	rm -rf "$src" "$src.tmp"
	mkdir -p "$src.tmp"
	tar -C "$src.tmp" --strip-components=1 -xf "$tarball"
	touch "$src.tmp/.extracted"
	mv "$src.tmp" "$src"
fi

# A build of the same source under an older configuration becomes this one's
# starting point (kbuild rebuilds only what the changed options touch), and
# the older cache entry goes. An interrupted build of this one resumes.
if [ ! -e "$dir/build/.config" ]; then
	rm -rf "$dir"
	mkdir -p "$dir"
	old=$(find "$root" -maxdepth 2 -path "$root/debug-kernel-$srcver-*/build" \
		-printf '%T@ %p\n' | sort -rn | head -n1 | cut -d' ' -f2-)
	if [ -n "$old" ] && [ -e "$old/.config" ]; then
		echo "debug-kernel: starting from $old" >&2
		mv "$old" "$dir/build"
		rm -rf "$(dirname "$old")"
	fi
fi
mkdir -p "$dir/build"
log=$dir/build.log
echo "debug-kernel: building in $dir (log: $log)" >&2
start=$(date +%s)
jobs=$(nproc)
kmake() { nice -n "${SOFTWIRE_DEBUG_NICE:-10}" make -s -C "$src" O="$dir/build" -j"$jobs" "$@"; }
{
	kmake defconfig
	(cd "$dir/build" && "$src/scripts/kconfig/merge_config.sh" -m -O . \
		.config "$src/kernel/configs/kvm_guest.config" "$fragment")
	kmake olddefconfig
} >>"$log" 2>&1 || { tail -n 30 "$log" >&2; exit 1; }

# Every option the fragment sets must have survived olddefconfig (a missing
# dependency silently drops it).
missing=$(grep -E '^CONFIG_[A-Z0-9_]+=' "$fragment" | while IFS= read -r line; do
	grep -qxF "$line" "$dir/build/.config" || echo "$line"
done)
if [ -n "$missing" ]; then
	echo "debug-kernel: options of $fragment not in the resulting .config:" >&2
	echo "$missing" >&2
	exit 1
fi

kmake vmlinux bzImage modules >>"$log" 2>&1 || { tail -n 40 "$log" >&2; exit 1; }
kmake modules_install INSTALL_MOD_PATH="$dir/mod" INSTALL_MOD_STRIP=1 >>"$log" 2>&1 ||
	{ tail -n 20 "$log" >&2; exit 1; }
kmake -s kernelrelease >"$dir/release.tmp"
mv "$dir/release.tmp" "$dir/release"
echo "debug-kernel: built $(cat "$dir/release") in $(($(date +%s) - start))s" >&2
echo "$dir"
