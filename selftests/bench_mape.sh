#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Benchmark (prints figures, never fails on time): UDP forwarding rate of a CE
# under pktgen, new mappings per second, and memory per mapping. Run by
# `make bench` in a qemu guest; under TCG only the ratios within one boot mean
# anything.
#
#  gen (pktgen on eth0) ---- dut ---- sink (tc ingress matchall drop)
#  198.51.100.2/24       l0 198.51.100.1/24
#  UDP from 198.51.100.2  (a) plain IPv4 forwarding, s0 203.0.113.1/24 -> 203.0.113.10
#  source ports 10000..   (b) ip6tnl + nftables SNAT into the 63 port-set ranges
#  (one per flow)             (numgen inc mod 63 map { i : 192.0.2.18 . range_i }, one
#  -> 203.0.113.10:5000       range per flow, the closest "today's Linux" gets to a port set)
#                             (b2) for reference, the same ip6tnl without NAT
#                         (c) softwire mape0 (RFC 7597 rule, PSID 0x34, 252 ports),
#                             then (c2) the same with `fastpath on`
#                         s0 2001:db8:ff00:1::2/64 -> sink (static neighbour, no BR: the sink
#                         drops everything so that only the DUT's cost is measured)
#
#  A router as deployed: (a), (b), (c) and (c2) again ("+fw") with the
#  stateful firewall of the README's "Firewall and conntrack" section (inet
#  filter forward and input chains, policy drop, ct state
#  established,related accept, LAN accept, the instance's mark accepted),
#  so that conntrack tracks the IPv4 flows and, for the tunnels, the
#  encapsulated IPv6 packets.
#
#  Profiles (SOFTWIRE_BENCH_PROFILE):
#   router (default)  60-byte frames, 100 flows, 6 s windows, 5 rounds, skbs
#                     not shared (pktgen's "flag !SHARED", 6.3 and later)
#   short             64-byte frames, 199 flows, 4 s windows, 3 rounds, skbs
#                     shared (pktgen's default, the only mode on 6.1)
#  Both: pktgen with clone_skb 0 (a new skb per packet), burst 1, delay 0,
#  source ports walked in order. A shared skb (pktgen holds a second
#  reference while it transmits) is cloned by ip_rcv() and then has its head
#  copied by forwarding's skb_cow(): work that a router fed by a NIC never
#  does, added to every setup alike, which pulls every ratio towards 1.
#  SOFTWIRE_BENCH_SECONDS, SOFTWIRE_BENCH_ROUNDS, SOFTWIRE_BENCH_FLOWS,
#  SOFTWIRE_BENCH_PKT_SIZE and SOFTWIRE_BENCH_SHARED (0 or 1) override a
#  profile; SOFTWIRE_BENCH_SETUPS="plain sw ..." measures only
#  those (and the generator alone); SOFTWIRE_BENCH_PERF="sw ..." samples
#  those setups with `perf record -a -g` for one more window each and prints
#  the top symbols (SOFTWIRE_BENCH_PERF_DIR=DIR keeps the data).
#
#  pps = packets the sink's veth received per second (what the DUT managed
#  to send), the median of the rounds. pktgen's own count is printed too:
#  pktgen, the DUT and the sink share the guest's CPU, and a packet pktgen
#  sends is processed to the end (DUT and sink) in the softirq pktgen's
#  transmit raises, before pktgen builds the next one.
#
#  So the pps ratios understate every difference between DUT setups (a DUT
#  that cost nothing would still be capped by pktgen). "drop" measures the
#  generator alone (the DUT drops everything at l0's ingress) and the bench
#  also prints the DUT's own cost per packet, 1/pps - 1/pps(drop), and the
#  ratios of those costs, which is what a router whose traffic comes from
#  elsewhere sees. Both are printed; neither is a pass/fail.
#  New mappings/s: softwire with a sharing-ratio-1 rule (ea-len 8: the whole
#  address, ports 1024-65535); pktgen sends 64511 packets walking the source
#  ports 1024-65534 in order, so each needs a new mapping until the set is full; the rate is
#  the growth of swctl's "mappings" counter between samples taken while it grows.
#  Bytes per mapping: the growth of the kernel's unreclaimable slab (SUnreclaim in
#  /proc/meminfo, after dropping caches) while those mappings were made, over their
#  number: the mapping objects and per-host counters. The per-instance arrays
#  (port-indexed slots, hash buckets) are allocated at creation and reported
#  separately per port of the set (SUnreclaim + VmallocUsed growth at creation).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

case ${SOFTWIRE_BENCH_PROFILE:-router} in
router)	P_SECS=6 P_ROUNDS=5 P_FLOWS=100 P_SIZE=60 P_SHARED=0 ;;
short)	P_SECS=4 P_ROUNDS=3 P_FLOWS=199 P_SIZE=64 P_SHARED=1 ;;
*)	echo "SOFTWIRE_BENCH_PROFILE: router or short" >&2; exit 2 ;;
esac
SECS=${SOFTWIRE_BENCH_SECONDS:-$P_SECS}
ROUNDS=${SOFTWIRE_BENCH_ROUNDS:-$P_ROUNDS}
FLOWS=${SOFTWIRE_BENCH_FLOWS:-$P_FLOWS}
PKT_SIZE=${SOFTWIRE_BENCH_PKT_SIZE:-$P_SIZE}
SHARED=${SOFTWIRE_BENCH_SHARED:-$P_SHARED}
SW_MARK=0x5357
cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
require_root
require_swctl
modprobe pktgen 2>/dev/null
[ -d /proc/net/pktgen ] || skip "pktgen not available"

pg() { echo "$2" | nx "$GEN" tee "/proc/net/pktgen/$1" >/dev/null; }
rx_packets() { nx "$SINK" cat /sys/class/net/eth0/statistics/rx_packets; }

# topo: fresh gen/dut/sink namespaces (the earlier ones stay)
topo() {
	ns_create GEN; ns_create DUT; ns_create SINK
	_veth "$GEN" eth0 "$DUT" l0
	_veth "$DUT" s0 "$SINK" eth0
	_router "$DUT"
	ip -n "$GEN" addr add $LAN_A/24 dev eth0
	ip -n "$DUT" addr add 198.51.100.1/24 dev l0
	nx "$SINK" tc qdisc add dev eth0 clsact
	nx "$SINK" tc filter add dev eth0 ingress matchall action drop
	SINK_MAC=$(nx "$SINK" cat /sys/class/net/eth0/address)
	DUT_MAC=$(nx "$DUT" cat /sys/class/net/l0/address)
	ip -n "$DUT" addr add 2001:db8:ff00:1::2/64 dev s0 nodad
	ip -n "$DUT" -6 neigh add 2001:db8:ff00:1::1 lladdr "$SINK_MAC" dev s0 nud permanent
	ip -n "$DUT" -6 route add default via 2001:db8:ff00:1::1
}

# pg_setup COUNT SPORT_MIN SPORT_MAX: pktgen on the generator's eth0,
# $PKT_SIZE-byte UDP from $LAN_A:SPORT_MIN..SPORT_MAX to $INET_A:5000 (COUNT
# 0: no end). pktgen wraps at SPORT_MAX without using it.
pg_setup() {
	local c
	pg kpktgend_0 rem_device_all
	pg kpktgend_0 "add_device eth0"
	for c in "count $1" "clone_skb 0" "burst 1" "pkt_size $PKT_SIZE" "delay 0" \
		"dst $INET_A" "dst_mac $DUT_MAC" "src_min $LAN_A" "src_max $LAN_A" \
		"udp_src_min $2" "udp_src_max $3" "udp_dst_min 5000" "udp_dst_max 5000"; do
		pg eth0 "$c"
	done
	[ "$SHARED" = 1 ] || pg eth0 "flag !SHARED" 2>/dev/null
}

# pg_shared: whether pktgen's skbs reach the DUT shared (SHARED in its flags)
pg_shared() { nx "$GEN" grep -q '^ *Flags:.*SHARED' /proc/net/pktgen/eth0 && echo yes || echo no; }

pg_start() {
	echo start | nx "$GEN" tee /proc/net/pktgen/pgctrl >/dev/null &
	PG_PID=$!
}
pg_stop() {
	echo stop | nx "$GEN" tee /proc/net/pktgen/pgctrl >/dev/null
	wait "$PG_PID"
}

# blast: pktgen over $FLOWS flows for $SECS s; prints "sent received"
blast() {
	local r0 r1 sent
	pg_setup 0 10000 $((10000 + FLOWS))
	r0=$(rx_packets)
	pg_start
	sleep "$SECS"
	pg_stop
	r1=$(rx_packets)
	sent=$(nx "$GEN" sed -n 's/.*pkts-sofar: \([0-9]*\).*/\1/p' /proc/net/pktgen/eth0 | head -1)
	echo "${sent:-?} $((r1 - r0))"
}

# profile NAME: pktgen for $SECS s while perf samples every CPU; the top symbols
profile() {
	local data=$TMPD/perf.$1.data
	pg_setup 0 10000 $((10000 + FLOWS))
	pg_start
	perf record -q -a -g -F 999 -o "$data" -- sleep "$SECS" >/dev/null 2>&1
	pg_stop
	echo "perf profile of $1: self time, symbols above 0.5% (the idle CPU halts in *safe_halt)"
	perf report -q -i "$data" --no-children --sort sym -g none --percent-limit 0.5 \
		--stdio 2>/dev/null | sed -n '/%/p' | head -n 40
	echo "perf profile of $1: with callees (children), above 2%"
	perf report -q -i "$data" --children --sort sym -g none --percent-limit 2 \
		--stdio 2>/dev/null | sed -n '/%/p' | head -n 60
	# SOFTWIRE_BENCH_PERF_DIR=DIR keeps perf.NAME.data and the kallsyms to read it with
	if [ -n "${SOFTWIRE_BENCH_PERF_DIR:-}" ]; then
		mkdir -p "$SOFTWIRE_BENCH_PERF_DIR"
		cp "$data" "$SOFTWIRE_BENCH_PERF_DIR/"
		cat /proc/kallsyms >"$SOFTWIRE_BENCH_PERF_DIR/kallsyms"
	fi
}

echo "# bench_mape: profile ${SOFTWIRE_BENCH_PROFILE:-router}: $ROUNDS rounds of ${SECS}s per setup," \
	"$FLOWS flows, pkt_size $PKT_SIZE, clone_skb 0; kernel $(uname -r), $(nproc) CPUs"

# fw: the README's stateful firewall (section "Firewall and conntrack") in the DUT
fw() {
	nx "$DUT" nft -f - <<-EOF
	table inet filter {
		chain forward {
			type filter hook forward priority filter; policy drop;
			ct state established,related accept
			iifname "l0" accept
			meta mark $SW_MARK accept
		}
		chain input {
			type filter hook input priority filter; policy drop;
			ct state established,related accept
			icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert } accept
			ip6 daddr $MAP6_RFC meta l4proto ipencap accept
		}
	}
	EOF
}

# Every setup is built once, in namespaces of its own, then measured in turn,
# ROUNDS times: a slow moment of the host (TCG) then hits one sample of each
# setup rather than all of one. The figures are the medians.
#
# setup NAME: build a topology for NAME, keep its namespaces as NAME's.
setup() {
	local name=$1
	topo
	case $name in
	drop)	# the generator alone: the DUT drops at l0's ingress
		nx "$DUT" tc qdisc add dev l0 clsact
		nx "$DUT" tc filter add dev l0 ingress matchall action drop ;;
	plain*)	# (a)
		ip -n "$DUT" addr add 203.0.113.1/24 dev s0
		ip -n "$DUT" neigh add $INET_A lladdr "$SINK_MAC" dev s0 nud permanent ;;
	snat* | tnl)	# (b) ip6tnl + nftables SNAT over the 63 ranges; (b2) no NAT
		mape_variant rfc
		ip -n "$DUT" addr add "$MAP6/128" dev s0 nodad
		ip -n "$DUT" -6 tunnel add ce0 mode ipip6 local "$MAP6" remote $BR6 encaplimit none
		ip -n "$DUT" link set ce0 up
		ip -n "$DUT" route add default dev ce0
		local elems
		elems=$(for i in $(seq 1 63); do printf '%d : %s . %s, ' $((i - 1)) $CE_V4 "$(port_range "$i")"; done)
		[ "$name" = tnl ] || nx "$DUT" nft -f - <<-EOF || return 1
		table ip swnat {
			chain post {
				type nat hook postrouting priority srcnat; policy accept;
				oifname "ce0" meta l4proto { tcp, udp, icmp } snat ip to numgen inc mod 63 map { ${elems%, } }
			}
		}
		EOF
		;;
	sw*)	# (c) softwire; (c2) with its fast path
		local fp=off
		case $name in swfp*) fp=on ;; esac
		mape_variant rfc
		nsw "$DUT" map-e add mape0 end-user-prefix $EUP br $BR6 $RULE_RFC fmr fastpath $fp \
			mark $SW_MARK || return 1
		nx "$DUT" sysctl -qw net.ipv6.conf.mape0.disable_ipv6=1
		ip -n "$DUT" link set mape0 up
		ip -n "$DUT" addr add "$MAP6/128" dev s0 nodad
		ip -n "$DUT" route add default dev mape0 ;;
	esac
	case $name in *_fw) fw || return 1 ;; esac
	printf -v "NS_$name" '%s %s %s %s' "$GEN" "$DUT" "$SINK" "$DUT_MAC"
}
use() { local v="NS_$1"; read -r GEN DUT SINK DUT_MAC <<<"${!v}"; }

ALL="drop plain snat tnl sw swfp plain_fw snat_fw sw_fw swfp_fw"
declare -A TITLE=(
	[drop]="generator alone (DUT drops)"
	[plain]="plain IPv4 forwarding"
	[snat]="ip6tnl + nft SNAT (63 ranges)"
	[tnl]="ip6tnl alone, no NAT"
	[sw]="softwire"
	[swfp]="softwire, fastpath on"
	[plain_fw]="plain IPv4 forwarding +fw"
	[snat_fw]="ip6tnl + nft SNAT +fw"
	[sw_fw]="softwire +fw"
	[swfp_fw]="softwire, fastpath on +fw"
)
want=" drop ${SOFTWIRE_BENCH_SETUPS:-$ALL} "
have_sw=
if modprobe softwire 2>/dev/null && mape_have_datapath; then
	have_sw=1
else
	echo "softwire: no datapath (module or swctl without map-e mappings); not measured"
fi
ok=
for n in $ALL; do
	[[ $want == *" $n "* ]] || continue
	[[ $n == sw* && -z $have_sw ]] && continue
	if setup "$n"; then ok+=" $n"; else echo "setup $n failed; not measured"; fi
done
declare -A per_round per_sent v
for r in $(seq 1 "$ROUNDS"); do
	for n in $ok; do
		use "$n"
		read -r sent rcvd <<<"$(blast)"
		case "$sent" in *[!0-9]* | "") sent=0 ;; esac
		case "$rcvd" in *[!0-9]* | "") rcvd=0 ;; esac
		# the generator alone: what pktgen sent; the others: what the sink got
		[ "$n" = drop ] && rcvd=$sent
		v[$n,$r]=$((rcvd / SECS))
		per_round[$n]+=" ${v[$n,$r]}"
		per_sent[$n]+=" $((sent / SECS))"
	done
done
use drop
echo "pktgen's skbs shared with the DUT: $(pg_shared)"
median() { tr ' ' '\n' <<<"$1" | grep -v -e '^$' -e n/a | sort -g | awk '{ v[NR] = $1 } END { print NR ? v[int((NR + 1) / 2)] : "n/a" }'; }
ratio() { [ "${1:-0}" -gt 0 ] && [ "${2:-0}" -gt 0 ] && awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }' || echo n/a; }
# The DUT's own cost per packet, ns: 1e9/pps - 1e9/pps(drop); "n/a" when
# either is unknown or the difference is not positive.
dut_ns() {
	awk -v p="${1:-0}" -v g="${2:-0}" 'BEGIN {
		if (p <= 0 || g <= 0 || 1e9 / p <= 1e9 / g) { print "n/a"; exit }
		printf "%d", 1e9 / p - 1e9 / g }'
}
# a rate ratio is the inverse cost ratio: softwire/plain = cost(plain)/cost(softwire)
cratio() { case "$1$2" in *n/a*) echo n/a ;; *) ratio "$1" "$2" ;; esac; }
# against plain forwarding without, and (+fw) with the firewall
base() { case $1 in *_fw) echo plain_fw ;; *) echo plain ;; esac; }
# pair_ratios A B: the median over the rounds of A/B by pps and by DUT
# cost, each from the same round (a slow host moment hits both)
pair_ratios() {
	local r rr='' cr=''
	for r in $(seq 1 "$ROUNDS"); do
		rr+=" $(ratio "${v[$1,$r]:-0}" "${v[$2,$r]:-0}")"
		cr+=" $(cratio "$(dut_ns "${v[$2,$r]:-0}" "${v[drop,$r]:-0}")" \
			"$(dut_ns "${v[$1,$r]:-0}" "${v[drop,$r]:-0}")")"
	done
	echo "$(median "$rr") $(median "$cr")"
}
declare -A pps ns
for n in $ok; do pps[$n]=$(median "${per_round[$n]}"); done
for n in $ok; do ns[$n]=$(dut_ns "${pps[$n]}" "${pps[drop]:-0}"); done
printf '%-28s %8s %7s %7s %7s  %s\n' setup "pps" "DUT ns" "x plain" "by cost" "rounds at the sink (pktgen sent)"
for n in $ok; do
	b=$(base "$n")
	rx=- cx=-
	[ "$n" = drop ] || [ -z "${pps[$b]:-}" ] || read -r rx cx <<<"$(pair_ratios "$n" "$b")"
	printf '%-28s %8s %7s %7s %7s  %s (%s)\n' "${TITLE[$n]}" "${pps[$n]}" "${ns[$n]}" "$rx" "$cx" \
		"${per_round[$n]# }" "${per_sent[$n]# }"
done
echo "(pps, DUT ns: medians; DUT ns = 1e9/pps - 1e9/pps(generator alone), TCG ns. x plain: pps over"
echo " plain forwarding's (plain +fw's for +fw), by cost: plain's DUT cost over this one's; both the"
echo " median of the ratios within each round)"
for s in "" _fw; do
	for n in sw swfp; do
		[ -n "${pps[$n$s]:-}" ] && [ -n "${pps[snat$s]:-}" ] || continue
		read -r rx cx <<<"$(pair_ratios "$n$s" "snat$s")"
		echo "${TITLE[$n$s]} / ${TITLE[snat$s]}: $rx by pps, $cx by DUT cost"
	done
done
for n in swfp swfp_fw; do
	[ -n "$(eval echo "\${NS_$n:-}")" ] || continue
	use $n
	echo "${TITLE[$n]}: $(json_get "$(mape_stats "$DUT")" "j['fastpath_packets']") packets by the fast path," \
		"$(json_get "$(mape_stats "$DUT")" "j['tx_packets']") sent in all"
done
for n in sw swfp sw_fw swfp_fw; do
	[ -n "$(eval echo "\${NS_$n:-}")" ] || continue
	use $n
	d=$(mape_drops_nonzero "$DUT")
	echo "$n drops: ${d:-none}"
done
for n in ${SOFTWIRE_BENCH_PERF:-}; do
	[[ " $ok " == *" $n "* ]] || { echo "perf: setup $n not measured"; continue; }
	command -v perf >/dev/null || { echo "perf: not installed (linux-perf)"; break; }
	use "$n"
	profile "$n"
done
pps_c=${pps[sw]:-0}
lib_cleanup

# New mappings per second and bytes per mapping (sharing ratio 1: 64512 ports).
# pktgen walks the source ports 1024..65534 in order: every packet needs a new
# mapping. The rate is the growth of the "mappings"
# counter (swctl stats) between samples taken while it is still growing.
meminfo() { awk -v k="$1:" '$1 == k { print $2 }' /proc/meminfo; }
kmem() { echo $(($(meminfo SUnreclaim) + $(meminfo VmallocUsed))); }	# KiB
stat_mappings() { json_get "$(mape_stats "$DUT")" "j['mappings']"; }
if [ "$pps_c" -gt 0 ]; then
	topo
	sync; echo 2 >/proc/sys/vm/drop_caches
	k0=$(kmem)
	nsw "$DUT" map-e add mape0 end-user-prefix 2001:db8:12:3400::/56 br $BR6 \
		rule ipv6-prefix 2001:db8:12::/48 ipv4-prefix 192.0.2.0/24 ea-len 8
	nx "$DUT" sysctl -qw net.ipv6.conf.mape0.disable_ipv6=1
	ip -n "$DUT" link set mape0 up
	ip -n "$DUT" route add default dev mape0
	k1=$(kmem)
	s1=$(meminfo SUnreclaim)
	# pktgen wraps at udp_src_max without using it: 1024..65534, 64511 ports
	pg_setup 64511 1024 65535
	# samples "ms count", every 0.5 s, until every flow is mapped or pktgen is
	# done and the count stopped growing
	samples=("$(($(date +%s%N) / 1000000)) 0")
	echo start | nx "$GEN" tee /proc/net/pktgen/pgctrl >/dev/null &
	p=$!
	for _ in $(seq 1 $((SECS * 4))); do
		samples+=("$(($(date +%s%N) / 1000000)) $(stat_mappings)")
		n=${samples[-1]#* }
		[ "$n" -ge 64511 ] && break
		if [ ${#samples[@]} -ge 3 ] && [ "$n" = "${samples[-2]#* }" ] && ! kill -0 $p 2>/dev/null; then
			break
		fi
		sleep 0.5
	done
	echo stop | nx "$GEN" tee /proc/net/pktgen/pgctrl >/dev/null
	wait $p
	n=$(stat_mappings)
	# Rate from the last sample without mappings (the first is taken before
	# pktgen starts) to the last one before the count reached its final
	# value (or to that one, if the growth fits in one interval).
	rate=$(printf '%s\n' "${samples[@]}" | awk '
		{ t[NR] = $1; c[NR] = $2 }
		END {
			a = 1; for (i = 1; i <= NR; i++) if (c[i] == 0) a = i
			b = NR; for (i = 1; i <= NR; i++) if (c[i] == c[NR]) { b = i; break }
			if (b - 1 > a) b--
			if (b <= a || t[b] == t[a]) { print "n/a"; exit }
			printf "%d", (c[b] - c[a]) * 1000 / (t[b] - t[a])
		}')
	d=$(mape_drops_nonzero "$DUT")
	echo "new mappings: $rate per second ($n mappings from 64511 new flows; drops: ${d:-none})"
	sync; echo 2 >/proc/sys/vm/drop_caches
	s2=$(meminfo SUnreclaim)
	if [ "$n" -gt 0 ]; then
		echo "memory: $(((s2 - s1) * 1024 / n)) bytes per mapping (growth of SUnreclaim while $n mappings were made, over $n)"
		echo "memory: $(((k1 - k0) * 1024 / 64512)) bytes per port of the set, allocated with the instance (growth of SUnreclaim + VmallocUsed at creation, over 64512 ports)"
	fi
	sl=/sys/kernel/slab/softwire_mapping
	[ -r $sl/object_size ] &&
		echo "memory: slab softwire_mapping: object_size $(cat $sl/object_size), slab_size $(cat $sl/slab_size) bytes"
fi
exit 0
