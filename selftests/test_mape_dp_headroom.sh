#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Forwarding into the instance must not copy the head of every packet: the
# device asks forwarding (ip_forward()'s skb_cow()) for the headroom the
# outer IPv6 header and the WAN's link header need, not for LL_MAX_HEADER,
# so a packet with a NIC's headroom (about 64 bytes, as pktgen builds them)
# is encapsulated in place. Oracle: the hits of a kprobe on
# pskb_expand_head() while pktgen sends 2000 packets through the CE.
#
#  gen (pktgen, eth0 198.51.100.2) -- l0 dut 198.51.100.1, mape0 (softwire),
#      s0 2001:db8:ff00:1::2 + MAP address -- sink (tc ingress drop)
#
#  1. pktgen's skbs not shared: all 2000 reach the sink, the kprobe counts
#     fewer than 200 (not one per packet). Skipped before pktgen has
#     "flag !SHARED" (6.3): a shared skb is cloned by ip_rcv() and copied
#     whatever the headroom.
#  2. Control, shared skbs: every packet is copied, and the kprobe counts at
#     least 2000.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

N=2000
KP=/sys/kernel/tracing
[ -d $KP ] || KP=/sys/kernel/debug/tracing
cleanup() {
	echo 0 >$KP/events/kprobes/sw_headroom/enable 2>/dev/null
	echo '-:sw_headroom' >>$KP/kprobe_events 2>/dev/null
	lib_cleanup
}
lib_begin tc
modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || skip "pktgen not available"
mountpoint -q $KP || mount -t tracefs nodev $KP 2>/dev/null
[ -w $KP/kprobe_events ] || skip "no kprobe events (tracefs)"
echo 'p:sw_headroom pskb_expand_head' >>$KP/kprobe_events || skip "cannot probe pskb_expand_head"
echo 1 >$KP/events/kprobes/sw_headroom/enable

ns_create GEN; ns_create DUT; ns_create SINK
_veth "$GEN" eth0 "$DUT" l0
_veth "$DUT" s0 "$SINK" eth0
_router "$DUT"
ip -n "$GEN" addr add $LAN_A/24 dev eth0
ip -n "$DUT" addr add 198.51.100.1/24 dev l0
nx "$SINK" tc qdisc add dev eth0 clsact
nx "$SINK" tc filter add dev eth0 ingress matchall action drop
ip -n "$DUT" addr add 2001:db8:ff00:1::2/64 dev s0 nodad
ip -n "$DUT" -6 neigh add 2001:db8:ff00:1::1 lladdr "$(nx "$SINK" cat /sys/class/net/eth0/address)" \
	dev s0 nud permanent
ip -n "$DUT" -6 route add default via 2001:db8:ff00:1::1
mape_variant rfc
nsw "$DUT" map-e add mape0 end-user-prefix $EUP br $BR6 $RULE_RFC
nx "$DUT" sysctl -qw net.ipv6.conf.mape0.disable_ipv6=1
ip -n "$DUT" link set mape0 up
ip -n "$DUT" addr add "$MAP6/128" dev s0 nodad
ip -n "$DUT" route add default dev mape0

pg() { echo "$2" | nx "$GEN" tee "/proc/net/pktgen/$1" >/dev/null; }
pg kpktgend_0 rem_device_all
pg kpktgend_0 "add_device eth0"
for c in "count $N" "clone_skb 0" "burst 1" "pkt_size 60" "delay 0" "dst $INET_A" \
	"dst_mac $(nx "$DUT" cat /sys/class/net/l0/address)" "src_min $LAN_A" "src_max $LAN_A" \
	"udp_src_min 10000" "udp_src_max 10100" "udp_dst_min 5000" "udp_dst_max 5000"; do
	pg eth0 "$c"
done
hits() { awk '$1 == "sw_headroom" { print $2 }' $KP/kprobe_profile; }
rx() { nx "$SINK" cat /sys/class/net/eth0/statistics/rx_packets; }
# blast: pktgen sends its $N packets (the write returns when it is done);
# prints "received copies"
blast() {
	local h0 r0
	h0=$(hits) r0=$(rx)
	echo start | nx "$GEN" tee /proc/net/pktgen/pgctrl >/dev/null
	echo "$(($(rx) - r0)) $(($(hits) - h0))"
}

# ---- 1
pg eth0 "flag !SHARED" 2>/dev/null
# before 6.3 pktgen has no SHARED flag (it always shares) and says so in Result:
{ ! nx "$GEN" grep -q '^Result: OK' /proc/net/pktgen/eth0 ||
	nx "$GEN" grep -q '^ *Flags:.*SHARED' /proc/net/pktgen/eth0; } &&
	skip_expected "pktgen shares its skbs (no \"flag !SHARED\" before 6.3): every one is copied"
read -r got h <<<"$(blast)"
check_eq "1: the sink gets the $N packets" $N "$got"
log "pskb_expand_head() ran $h times for $N packets with a NIC's headroom"
check_cond "1: forwarding into mape0 copied fewer than $((N / 10)) heads ($h)" test "$h" -lt $((N / 10))

# ---- 2
pg eth0 "flag SHARED"
read -r got h <<<"$(blast)"
check_eq "2: the sink gets the $N shared packets" $N "$got"
check_cond "2: control: the kprobe counts every shared packet's copy ($h)" test "$h" -ge $N
dmesg_check
ksft_exit
