# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2034  # variables are read by the sourcing test
#
# Topology helpers for the softwire MAP-E datapath selftests (test_mape_dp_*.sh,
# bench_mape.sh). Source lib.sh first, then this file.
#
#  lan                 ce                      core                     br                   inet
#  eth0 ------------- l0   mape0 (softwire)    c1 ------------------------------------------
#  198.51.100.2/24    198.51.100.1/24          2001:db8:ff00:1::1/64                      |
#  198.51.100.3/24    w0 2001:db8:ff00:1::2/64 c3 2001:db8:ff00:3::1/64 -- b0 2001:db8:ff00:3::2/64
#  (second LAN host)  + MAP address /128 nodad c2 2001:db8:ff00:2::1/64     lo 2001:db8:ffff::1 (BR)
#                                               |                          br0 ip6tnl ipip6
#  lan2               ce2                       |                          i0 203.0.113.1/24 -- eth0
#  eth0 ------------- l0, mape0                 |                                              203.0.113.10/24
#  198.51.100.2/24    w0 2001:db8:ff00:2::2/64 -+                                              203.0.113.20/24
#
#  core routes 2001:db8:12:3400::/56 and 2001:db8:1234::/48 to ce, 2001:db8:12:3500::/56
#  to ce2, 2001:db8:ffff::/48 to br. The BR is the kernel's own ip6tnl (the independent
#  interop check): a plain tunnel cannot compute per-port CE addresses, so it has one
#  tunnel whose remote is ce's MAP address and a route 192.0.2.18/32 into it.
#
#  Rules (192.0.2.18 shared by ce and ce2):
#   rfc:    EUP 2001:db8:12:3400::/56, rule 2001:db8::/40 -> 192.0.2.0/24 ea-len 16 (offset 6)
#           -> 192.0.2.18, PSID 0x34, MAP address 2001:db8:12:3400:0:c000:212:34, 252 ports
#   ce2:    EUP 2001:db8:12:3500::/56, same rule -> PSID 0x35, 2001:db8:12:3500:0:c000:212:35
#   v6plus: EUP 2001:db8:1234::/48, rule 2001:db8::/32 -> 192.0.2.0/24 ea-len 16 psid-offset 4
#           legacy-iid -> 192.0.2.18, PSID 0x34, MAP address 2001:db8:1234:0:c0:2:1200:3400,
#           240 ports in 15 ranges of 16
#
# Usage: mape_start [REASON] (or mape_begin; mape_topo [ce2]); mape_ce_up;
# mape_br_tunnel ADDR; mape_ce_add VARIANT [OPTIONS...]
# (or mape_ce_baseline VARIANT: ip6tnl + nftables SNAT, no softwire); cap_start/cap_stop;
# udp_bg / bg_wait; mape_stats/mape_drop/mape_mappings; port_in_set.

MAPE_HELPERS=$LIB_DIR/helpers
PY=/usr/bin/python3		# the system python has scapy; a pyenv one may not
BR6=2001:db8:ffff::1
CE_V4=192.0.2.18
LAN_A=198.51.100.2
LAN_B=198.51.100.3
INET_A=203.0.113.10
INET_B=203.0.113.20
RULE_RFC=$EX1_RULE
RULE_V6P="rule ipv6-prefix 2001:db8::/32 ipv4-prefix 192.0.2.0/24 ea-len 16 psid-offset 4"
MAP6_RFC=2001:db8:12:3400:0:c000:212:34
MAP6_CE2=2001:db8:12:3500:0:c000:212:35
MAP6_V6P=2001:db8:1234:0:c0:2:1200:3400

_mape_pids=()
_mape_tmp=$(mktemp -d /tmp/sw-dp.XXXXXX)
TMPD=$_mape_tmp

nx() { ip netns exec "$@"; }

# ---------------------------------------------------------------- gates
# The datapath CLI exists (swctl lists the mappings command).
mape_have_datapath() {
	"$SWCTL" map-e help 2>&1 | grep -q mappings
}

require_datapath() {
	[ "${SOFTWIRE_DP_BASELINE:-0}" = 1 ] && return 0
	mape_have_datapath || skip "swctl has no datapath commands yet (map-e mappings)"
}

# Baseline mode: the CE is ip6tnl + nftables SNAT; swctl-specific oracles are skipped.
baseline() { [ "${SOFTWIRE_DP_BASELINE:-0}" = 1 ]; }

# ---------------------------------------------------------------- topology
_veth() {	# _veth NS1 IF1 NS2 IF2
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
}

_router() {
	nx "$1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 \
		net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0
}

# _ce_site LAN CE N EUP...: a LAN host and a CE on core link N (CE w0
# 2001:db8:ff00:N::2 -- core cN ::1): links, addresses, default routes, and the
# core's routes of the EUPs to the CE. $CORE exists.
_ce_site() {
	local lan=$1 ce=$2 n=$3 eup
	shift 3
	_veth "$lan" eth0 "$ce" l0
	_veth "$ce" w0 "$CORE" "c$n"
	_router "$ce"
	ip -n "$lan" addr add $LAN_A/24 dev eth0
	ip -n "$lan" route add default via 198.51.100.1
	ip -n "$ce" addr add 198.51.100.1/24 dev l0
	ip -n "$ce" addr add "2001:db8:ff00:$n::2/64" dev w0 nodad
	ip -n "$ce" -6 route add default via "2001:db8:ff00:$n::1"
	ip -n "$CORE" addr add "2001:db8:ff00:$n::1/64" dev "c$n" nodad
	for eup in "$@"; do
		ip -n "$CORE" -6 route add "$eup" via "2001:db8:ff00:$n::2"
	done
}

# shellcheck disable=SC2120  # ce2: test_mape_dp_spoof.sh
mape_topo() {
	local with_ce2=${1:-}
	ns_create LAN; ns_create CE; ns_create CORE; ns_create BR; ns_create INET
	_ce_site "$LAN" "$CE" 1 2001:db8:12:3400::/56 2001:db8:1234::/48
	ip -n "$LAN" addr add $LAN_B/24 dev eth0
	_veth "$CORE" c3 "$BR" b0
	_veth "$BR" i0 "$INET" eth0
	_router "$CORE"; _router "$BR"
	ip -n "$CORE" addr add 2001:db8:ff00:3::1/64 dev c3 nodad
	ip -n "$CORE" -6 route add 2001:db8:ffff::/48 via 2001:db8:ff00:3::2
	ip -n "$BR" addr add 2001:db8:ff00:3::2/64 dev b0 nodad
	ip -n "$BR" addr add $BR6/128 dev lo nodad
	ip -n "$BR" -6 route add default via 2001:db8:ff00:3::1
	ip -n "$BR" addr add 203.0.113.1/24 dev i0
	ip -n "$INET" addr add $INET_A/24 dev eth0
	ip -n "$INET" addr add $INET_B/24 dev eth0
	ip -n "$INET" route add default via 203.0.113.1

	if [ "$with_ce2" = ce2 ]; then
		ns_create CE2; ns_create LAN2
		_ce_site "$LAN2" "$CE2" 2 2001:db8:12:3500::/56
	fi
}

# mape_br_tunnel CE_MAP_ADDR: (re)create the BR's ip6tnl towards one CE.
mape_br_tunnel() {
	ip -n "$BR" link del br0 2>/dev/null
	ip -n "$BR" -6 tunnel add br0 mode ipip6 local $BR6 remote "$1" encaplimit none
	ip -n "$BR" link set br0 up
	ip -n "$BR" route replace $CE_V4/32 dev br0
}

# mape_variant VARIANT: set MAP6 PSID_OFFSET PSID_LEN PSID EUP RULE for rfc|v6plus|ce2.
mape_variant() {
	PSID_LEN=8
	case "$1" in
	rfc) MAP6=$MAP6_RFC PSID_OFFSET=6 PSID=52 EUP=2001:db8:12:3400::/56 RULE=$RULE_RFC LEGACY= ;;
	ce2) MAP6=$MAP6_CE2 PSID_OFFSET=6 PSID=53 EUP=2001:db8:12:3500::/56 RULE=$RULE_RFC LEGACY= ;;
	v6plus) MAP6=$MAP6_V6P PSID_OFFSET=4 PSID=52 EUP=2001:db8:1234::/48 RULE=$RULE_V6P
		LEGACY=legacy-iid ;;
	*) echo "mape_variant: unknown $1" >&2; return 1 ;;
	esac
}

# mape_ce_add VARIANT [SWCTL OPTIONS...]: softwire instance mape0 in $CE (ce2: in $CE2),
# MAP address on w0, default IPv4 route into mape0, BR tunnel towards it.
mape_ce_add() {
	local v=$1 ns=$CE
	shift
	[ "$v" = ce2 ] && ns=$CE2
	mape_variant "$v" || return 1
	if baseline; then mape_ce_baseline "$v"; return; fi
	# shellcheck disable=SC2086
	nsw "$ns" map-e add mape0 end-user-prefix $EUP br $BR6 $RULE fmr $LEGACY "$@" || return 1
	# No IPv6 on the IPv4 side: router solicitations and MLD would only be drops.
	nx "$ns" sysctl -qw net.ipv6.conf.mape0.disable_ipv6=1
	ip -n "$ns" link set mape0 up
	ip -n "$ns" addr add "$MAP6/128" dev w0 nodad
	ip -n "$ns" route replace default dev mape0
	[ "$v" = ce2 ] || mape_br_tunnel "$MAP6"
}

mape_ce_del() {
	local ns=${1:-$CE}
	if baseline; then
		ip -n "$ns" link del ce0 2>/dev/null
		nx "$ns" nft delete table ip swnat 2>/dev/null
		nx "$ns" conntrack -F 2>/dev/null
	else
		nsw "$ns" del mape0
	fi
	ip -n "$ns" -6 addr flush dev w0 scope global
	ip -n "$ns" addr add 2001:db8:ff00:1::2/64 dev w0 nodad
	ip -n "$ns" -6 route replace default via 2001:db8:ff00:1::1
}

# Today's Linux: ip6tnl + nftables SNAT into the first range(s) of the port set.
mape_ce_baseline() {
	mape_variant "$1" || return 1
	ip -n "$CE" addr add "$MAP6/128" dev w0 nodad
	ip -n "$CE" -6 tunnel add ce0 mode ipip6 local "$MAP6" remote $BR6 encaplimit none
	ip -n "$CE" link set ce0 up
	ip -n "$CE" route replace default dev ce0
	local r1 r2
	r1=$(port_range 1) r2=$(port_range 2)
	nx "$CE" nft -f - <<-EOF
	table ip swnat {
		chain post {
			type nat hook postrouting priority srcnat; policy accept;
			oifname "ce0" meta l4proto { tcp, udp, icmp } snat ip to numgen inc mod 2 map { 0 : $CE_V4 . $r1, 1 : $CE_V4 . $r2 }
			oifname "ce0" snat ip to $CE_V4
		}
	}
	EOF
	mape_br_tunnel "$MAP6"
}

# ---------------------------------------------------------------- port set math
# Independent of swctl/kmod/core: RFC 7597 5.1, port = (i << (16-a)) | (PSID << m) | j,
# m = 16 - a - k, i >= 1. Uses PSID_OFFSET/PSID_LEN/PSID of the current variant.
port_in_set() {	# port_in_set PORT [OFFSET LEN PSID]
	local p=$1 a=${2:-$PSID_OFFSET} k=${3:-$PSID_LEN} psid=${4:-$PSID} m
	m=$((16 - a - k))
	[ "$p" -ge 0 ] && [ "$p" -le 65535 ] || return 1
	[ $((p >> (16 - a))) -ge 1 ] && [ $(((p >> m) & ((1 << k) - 1))) -eq "$psid" ]
}

# port_range I: "lo-hi" of the I-th range (I >= 1) of the current variant's set.
port_range() {
	local i=$1 a=$PSID_OFFSET k=$PSID_LEN m lo
	m=$((16 - a - k))
	lo=$(((i << (16 - a)) | (PSID << m)))
	echo "$lo-$((lo + (1 << m) - 1))"
}

# port_set_all: every port of the current variant's set, ascending, one per line.
port_set_all() {
	local m=$((16 - PSID_OFFSET - PSID_LEN)) i j
	for ((i = 1; i < (1 << PSID_OFFSET); i++)); do
		for ((j = 0; j < (1 << m); j++)); do
			echo $(((i << (16 - PSID_OFFSET)) | (PSID << m) | j))
		done
	done
}

# port_range_of PORT: the index I (>= 1) of the range PORT belongs to.
port_range_of() { echo $(($1 >> (16 - PSID_OFFSET))); }

# First port of the I-th range.
port_nth_range_lo() { local r; r=$(port_range "$1"); echo "${r%-*}"; }

# A port outside the set (of the same range index, next PSID).
port_not_ours() { echo $(($(port_nth_range_lo 1) + (1 << (16 - PSID_OFFSET - PSID_LEN)))); }

# ---------------------------------------------------------------- swctl JSON
mape_stats() { json_get "$(nsw "${1:-$CE}" -j stats mape0)" 'j[0]'; }

# mape_drop REASON [NS]: the drop counter (0 when absent).
mape_drop() {
	local j
	j=$(mape_stats "${2:-$CE}") || { echo -1; return; }
	json_get "$j" "j.get('drops', {}).get('$1', 0)"
}

# mape_stat FIELD [NS]
mape_stat() { json_get "$(mape_stats "${2:-$CE}")" "j['$1']"; }

mape_mappings() { nsw "${1:-$CE}" -j map-e mappings mape0; }

# mape_ext PROTO INTERNAL [NS]: external "a.b.c.d:port" of the mapping of INTERNAL, or "".
mape_ext() {
	local j
	j=$(mape_mappings "${3:-$CE}") || return 1
	json_get "$j" "([m['external'] for m in j if m['proto'] == '$1' and m['internal'] == '$2'] + [''])[0]"
}

mape_has_mapping() { [ -n "$(mape_ext "$@")" ]; }

mape_n_mappings() { json_get "$(mape_mappings "${1:-$CE}")" "len(j)"; }

# ---------------------------------------------------------------- processes
# bg NAME CMD...: run CMD in the background, stdout/stderr to $TMPD/NAME.{out,err}.
bg() {
	local name=$1
	shift
	# Run the program itself as the job (not a subshell running a function), so
	# that its pid is the one signalled and waited for.
	[ "$1" = nx ] && { shift; set -- ip netns exec "$@"; }
	"$@" >"$TMPD/$name.out" 2>"$TMPD/$name.err" &
	_mape_pids+=("$!")
	eval "PID_$name=$!"
}

# bg_wait NAME [TIMEOUT_S]: wait for it to exit; its exit code (124 if killed).
bg_wait() {
	local name=$1 t=${2:-30} pidvar pid
	pidvar=PID_$name
	pid=${!pidvar}
	if ! wait_for "$t" _gone "$pid"; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		return 124
	fi
	wait "$pid"
}
_gone() { ! kill -0 "$1" 2>/dev/null; }

bg_out() { cat "$TMPD/$1.out"; }

# udp_bg NAME NS ARGS...: helpers/udp.py in NS, returns once its socket is bound.
udp_bg() {
	local name=$1 ns=$2
	shift 2
	rm -f "$TMPD/$name.ready"
	bg "$name" nx "$ns" $PY "$MAPE_HELPERS/udp.py" --ready "$TMPD/$name.ready" "$@"
	wait_for 20 test -e "$TMPD/$name.ready" || { log "udp_bg $name: not ready"; cat "$TMPD/$name.err" >&2; }
}

# udp_run NS ARGS...: helpers/udp.py in the foreground; prints its output.
udp_run() { local ns=$1; shift; nx "$ns" $PY "$MAPE_HELPERS/udp.py" "$@"; }

# cap_start NAME NS IFACE FILTER...: tcpdump into $TMPD/NAME.pcap, returns once listening.
cap_start() {
	local name=$1 ns=$2 ifc=$3
	shift 3
	# -Z root: Debian's tcpdump drops to user tcpdump before opening the file.
	# --immediate-mode: otherwise packets wait in a TPACKET_V3 block for up to
	# a second and are lost when tcpdump is stopped right after the traffic.
	bg "cap_$name" nx "$ns" tcpdump -Z root --immediate-mode -i "$ifc" -nn -U -s 2000 -w "$TMPD/$name.pcap" "$@"
	wait_for 20 grep -q "listening on" "$TMPD/cap_$name.err" ||
		log "cap_start $name: tcpdump not listening: $(cat "$TMPD/cap_$name.err")"
}

# cap_stop NAME: stop it (SIGTERM: a background job ignores SIGINT), print the
# decoded packets (-v).
cap_stop() {
	local pidvar=PID_cap_$1
	kill -TERM "${!pidvar}" 2>/dev/null
	wait "${!pidvar}" 2>/dev/null
	[ -s "$TMPD/$1.pcap" ] || log "cap_stop $1: no capture: $(cat "$TMPD/cap_$1.err")"
	tcpdump -nn -v -r "$TMPD/$1.pcap" 2>/dev/null
}

# cap_text NAME: the decoded packets again (after cap_stop), one line per packet.
cap_text() { tcpdump -nn -r "$TMPD/$1.pcap" 2>/dev/null; }

# wait until NS listens on TCP PORT
tcp_listening() { nx "$1" ss -Hltn "sport = :$2" | grep -q .; }

# ---------------------------------------------------------------- short timers
# The module's test knob: NAPT timeouts from 1 s instead of the RFC minimums.
SHORT_TIMEOUTS=/sys/module/softwire/parameters/allow_short_timeouts
_short_saved=""

# short_timeouts 0|1: set the knob; mape_cleanup puts the original value back.
short_timeouts() {
	[ -w "$SHORT_TIMEOUTS" ] || return 1
	[ -n "$_short_saved" ] || _short_saved=$(cat "$SHORT_TIMEOUTS")
	echo "$1" >"$SHORT_TIMEOUTS"
}

mape_cleanup() {
	local p
	for p in "${_mape_pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${_mape_pids[@]}"; do wait "$p" 2>/dev/null; done
	[ -z "$_short_saved" ] || echo "$_short_saved" >"$SHORT_TIMEOUTS"
	rm -rf "$_mape_tmp"
}

# Common start of a datapath test.
mape_begin() {
	require_root
	require_swctl
	baseline || require_module
	require_cmd tcpdump socat ip
	[ -x $PY ] || skip "$PY not found"
	require_datapath
	dmesg_mark
}

# The EXIT handler mape_start installs (over lib.sh's). A test with more to
# undo defines its own after sourcing this file, ending with these two.
cleanup() { mape_cleanup; lib_cleanup; }

# mape_start [REASON]: EXIT trap, mape_begin, mape_topo. With REASON the test
# is of softwire's own behaviour and skips in baseline mode, saying why.
mape_start() {
	trap cleanup EXIT
	mape_begin
	[ -z "${1:-}" ] || ! baseline || skip "$1"
	mape_topo
}

# mape_ce_up: the rfc CE (mape_ce_add rfc), or the test ends here.
mape_ce_up() { mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }; }

# mape_drops_total [NS]: sum of all drop counters.
mape_drops_total() { json_get "$(mape_stats "${1:-$CE}")" "sum(j.get('drops', {}).values())"; }

# mape_drops_nonzero [NS]: "reason=count ..." of the non-zero drop counters.
mape_drops_nonzero() {
	json_get "$(mape_stats "${1:-$CE}")" \
		"' '.join('%s=%d' % (k, v) for k, v in sorted(j.get('drops', {}).items()) if v)"
}

# pcap_count NAME FILTER: packets of $TMPD/NAME.pcap matching the BPF filter (exact bytes).
pcap_count() { tcpdump -nn -r "$TMPD/$1.pcap" "$2" 2>/dev/null | grep -c .; }

# pcap_has NAME FILTER [N]: at least N (default 1) packets of the capture so far
# match (tcpdump writes each packet as it comes: -U). For wait_for.
pcap_has() { [ "$(pcap_count "$1" "$2")" -ge "${3:-1}" ]; }

# pcap_lines NAME FILTER: those packets, one line each.
pcap_lines() { tcpdump -nn -r "$TMPD/$1.pcap" "$2" 2>/dev/null; }

# iid_filter ADDR: BPF over the outer IPv6 source's interface identifier bytes.
iid_filter() {
	local hex
	hex=$($PY -c 'import ipaddress,sys; print(ipaddress.IPv6Address(sys.argv[1]).packed[8:].hex())' "$1")
	echo "ip6[16:4] = 0x${hex:0:8} and ip6[20:4] = 0x${hex:8:8}"
}
