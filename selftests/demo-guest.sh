#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# The softwire demo proper; selftests/demo.sh runs it on the host or in a
# qemu guest. Needs root, the installed module, iproute2, ping and socat.
# Exits non-zero when the LAN host cannot reach the internet host.
#
#  swdemo-lan        swdemo-ce                       swdemo-br                    swdemo-inet
#  eth0 ------------ l0    [mape0]    w0 ----------- b0    [br0 ip6tnl]   i0 ----- eth0
#  198.51.100.2/24   198.51.100.1/24  2001:db8:ff00::2/64  2001:db8:ff00::1/64     203.0.113.10/24
#                    MAP address on w0:                    2001:db8:ffff::1 (lo)
#                    2001:db8:12:3400:0:c000:212:34        203.0.113.1/24
#
#  mape0: MAP-E CE, RFC 7597 Appendix A example 1
#    end-user prefix 2001:db8:12:3400::/56    BR 2001:db8:ffff::1
#    BMR/FMR 2001:db8::/40 <-> 192.0.2.0/24, 16 EA bits, PSID offset 6
#    => IPv4 192.0.2.18, PSID 0x34, ports 1232-1235, 2256-2259, ...
#  br0: the kernel's own ip6tnl (ipip6) from the BR address to the MAP address,
#  with the route 192.0.2.18/32 into it, stands in for the BR.
#
#   demo-guest.sh [--keep]     --keep leaves the namespaces for you to explore
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
export PATH="$top/tools:$PATH"
keep=0
[ "${1:-}" = --keep ] && keep=1

LAN=swdemo-lan CE=swdemo-ce BR=swdemo-br INET=swdemo-inet
EUP=2001:db8:12:3400::/56
RULE="rule ipv6-prefix 2001:db8::/40 ipv4-prefix 192.0.2.0/24 ea-len 16"
MAP6=2001:db8:12:3400:0:c000:212:34
BR6=2001:db8:ffff::1
CE4=192.0.2.18
INET4=203.0.113.10
pids=()

run() {	# run NS CMD...: show the command with its namespace, then run it there
	local ns=$1
	shift
	printf '\n%s# %s\n' "$ns" "$*"
	ip netns exec "$ns" "$@"
}
say() { printf '\n== %s\n' "$*"; }
q() { ip -n "$@" >/dev/null; }	# quiet ip -n NS ...

cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	[ "$keep" -eq 1 ] && return
	for p in $LAN $CE $BR $INET; do ip netns del "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

fail() {
	echo
	echo "demo: FAILED: $*"
	echo "demo: the instance's counters, for diagnosis:"
	ip netns exec $CE swctl stats mape0 || true
	exit 1
}

# RFC 7597 5.1: PORT belongs to PSID 0x34 (offset 6, PSID length 8) and is
# not in the first 1024 (i >= 1).
in_port_set() { (( $1 >> 10 >= 1 && ($1 >> 2 & 0xff) == 0x34 )); }

# until_ok TIMEOUT_S CMD...: poll CMD every 100 ms
until_ok() {
	local n=$(($1 * 10))
	shift
	until "$@"; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.1
	done
}
listening() { ip netns exec "$1" ss -Hln "$2" "sport = :$3" | grep -q .; }

[ -d /sys/module/softwire ] || modprobe softwire
echo "softwire $(cat /sys/module/softwire/version) loaded on $(uname -r)"

# ------------------------------------------------------------ topology
say "topology: LAN host -> CE (softwire mape0) -> BR (ip6tnl) -> internet host $INET4"
for ns in $LAN $CE $BR $INET; do
	ip netns del "$ns" 2>/dev/null || true
	ip netns add "$ns"
	q "$ns" link set lo up
done
veth() {	# veth NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	q "$1" link set "$2" up
	q "$3" link set "$4" up
}
veth $LAN eth0 $CE l0
veth $CE w0 $BR b0
veth $BR i0 $INET eth0
for ns in $CE $BR; do
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
done
q $LAN addr add 198.51.100.2/24 dev eth0
q $LAN route add default via 198.51.100.1
q $CE addr add 198.51.100.1/24 dev l0
q $CE addr add 2001:db8:ff00::2/64 dev w0 nodad
q $CE -6 route add default via 2001:db8:ff00::1
q $BR addr add 2001:db8:ff00::1/64 dev b0 nodad
q $BR addr add $BR6/128 dev lo nodad
q $BR -6 route add 2001:db8:12:3400::/56 via 2001:db8:ff00::2
q $BR addr add 203.0.113.1/24 dev i0
q $BR -6 tunnel add br0 mode ipip6 local $BR6 remote $MAP6 encaplimit none
q $BR link set br0 up
q $BR route add $CE4/32 dev br0
q $INET addr add $INET4/24 dev eth0
q $INET route add default via 203.0.113.1
echo "namespaces $LAN $CE $BR $INET"

# ------------------------------------------------------------ the CE
say "the MAP-E instance: IPv4 address, PSID and ports derived from the rule"
# shellcheck disable=SC2086
run $CE swctl map-e add mape0 end-user-prefix $EUP br $BR6 $RULE fmr
run $CE swctl show mape0

say "route IPv4 into mape0 and put the MAP address on the WAN interface"
# mape0 carries IPv4 only: without IPv6 on it, no router solicitations to drop.
ip netns exec $CE sysctl -qw net.ipv6.conf.mape0.disable_ipv6=1
run $CE ip link set mape0 up
run $CE ip addr add $MAP6/128 dev w0 nodad
run $CE ip route add default dev mape0

# ------------------------------------------------------------ traffic
say "the LAN host reaches $INET4 through the CE and the BR"
run $LAN ping -n -c 3 -i 0.2 -W 5 $INET4 || fail "ping from the LAN host to $INET4"

# The internet host answers with the address and port it sees: the CE's
# shared IPv4 address and a port of its set. (socat's SYSTEM shell expands
# SOCAT_PEER*, not this one.)
# shellcheck disable=SC2016
timeout 20 ip netns exec $INET socat -T 10 TCP4-LISTEN:8080,reuseaddr \
	SYSTEM:'echo "hello from 203.0.113.10, you are $SOCAT_PEERADDR:$SOCAT_PEERPORT"' &
pids+=($!)
# shellcheck disable=SC2016
timeout 20 ip netns exec $INET socat -T 10 UDP4-RECVFROM:5353 \
	SYSTEM:'read -r l; echo "$l: you are $SOCAT_PEERADDR:$SOCAT_PEERPORT"' &
pids+=($!)
until_ok 10 listening $INET -t 8080 || fail "TCP server on $INET4 did not start"
until_ok 10 listening $INET -u 5353 || fail "UDP server on $INET4 did not start"

check_seen() {	# check_seen PROTO REPLY: the peer is 192.0.2.18 with a port of the set
	local seen=${2##* you are } port
	port=${seen##*:}
	if [ "${seen%:*}" != "$CE4" ] || [[ ! "$port" =~ ^[0-9]+$ ]] || ! in_port_set "$port"; then
		fail "$1: $INET4 saw '$seen', not $CE4 with a port of PSID 0x34"
	fi
	echo "ok: $1 left as $CE4:$port, a port of PSID 0x34"
}
printf '\n%s# %s\n' $LAN "socat - TCP4:$INET4:8080"
out=$(ip netns exec $LAN socat -T 5 - TCP4:$INET4:8080 </dev/null) ||
	fail "TCP from the LAN host to $INET4:8080"
echo "$out"
check_seen TCP "$out"
printf '\n%s# %s\n' $LAN "echo hello | socat - UDP4:$INET4:5353"
out=$(echo hello | ip netns exec $LAN socat -t 2 -T 5 - UDP4:$INET4:5353) || true
[ -n "$out" ] || fail "no UDP answer from $INET4:5353"
echo "$out"
check_seen UDP "$out"

say "the NAPT mappings and counters of the instance"
run $CE swctl map-e mappings mape0
run $CE swctl stats mape0

echo
echo "demo: OK, the LAN host reached $INET4 (ping, TCP, UDP) through softwire"
if [ "$keep" -eq 1 ]; then
	echo "The namespaces are still there, e.g.:"
	echo "  ip netns exec $LAN ping $INET4"
	echo "  ip netns exec $CE swctl map-e mappings mape0"
	echo "Remove them with: for n in $LAN $CE $BR $INET; do ip netns del \$n; done"
fi
