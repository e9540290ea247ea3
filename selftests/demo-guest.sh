#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The softwire demo proper; selftests/demo.sh runs it on the host or in a
# qemu guest. Needs root and the installed module.
#
#   netns "swdemo":  mape0 = MAP-E CE, RFC 7597 Appendix A example 1
#     end-user prefix 2001:db8:12:3400::/56    BR 2001:db8:ffff::1
#     BMR/FMR 2001:db8::/40 <-> 192.0.2.0/24, 16 EA bits, PSID offset 6
#     => IPv4 192.0.2.18, PSID 0x34, ports 1232-1235, 2256-2259, ...
#
#   demo-guest.sh [--keep]     --keep leaves the namespace for you to explore
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$top/tools:$PATH"
keep=0
[ "${1:-}" = --keep ] && keep=1
ns=swdemo

run() {
	printf '\n# %s\n' "$*"
	"$@"
}
run_ns() {
	printf '\n%s# %s\n' "$ns" "$*"
	ip netns exec "$ns" "$@"
}

[ -d /sys/module/softwire ] || modprobe softwire
echo "softwire $(cat /sys/module/softwire/version) loaded on $(uname -r)"

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns"
[ "$keep" -eq 1 ] || trap 'ip netns del "$ns" 2>/dev/null' EXIT
ip -n "$ns" link set lo up

run_ns swctl map-e add mape0 end-user-prefix 2001:db8:12:3400::/56 br 2001:db8:ffff::1 \
	rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 16 fmr
run_ns swctl show mape0
run_ns swctl -j show mape0
run_ns ip -d link show mape0
run swctl map-e calc end-user-prefix 2001:db8:12:3400::/56 \
	rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 16
# The same arithmetic shaped like a v6plus deployment: PSID offset 4 and the
# legacy (draft-03) interface identifier.
run swctl map-e calc end-user-prefix 2001:db8:12:3400::/56 \
	rule ipv6-prefix 2001:db8::/40 ipv4-prefix 198.51.100.0/24 ea-len 16 psid-offset 4 legacy-iid

echo
if [ "$keep" -eq 1 ]; then
	echo "The namespace '$ns' is still there: ip netns exec $ns swctl show"
	echo "Remove it with: ip netns del $ns"
else
	echo "demo done"
fi
