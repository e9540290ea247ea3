#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mapping timers.
#
#  lan 198.51.100.2 -- ce (mape0, 192.0.2.18) -- core -- br (ip6tnl) -- inet 203.0.113.10
#
#  1. The RFC floors (RFC 4787 REQ-5: UDP >= 120 s; RFC 5382 REQ-5: TCP
#     established >= 7440 s, transitory >= 240 s; RFC 5508 REQ-2: ICMP >= 60 s)
#     are accepted, anything lower is refused with a message naming the keyword,
#     the floor and the RFC; `show` reports them under "timeouts".
#  2. With the module's test knob allow_short_timeouts=1 (put back on exit) the
#     floor is 1 s: timeout-udp 6, timeout-tcp-est 10, timeout-tcp-trans 3,
#     timeout-icmp 2. Then real expiry, bracketed by the dumps around it and
#     the times around each flow's last packet (independent of the guest's speed):
#       UDP (refreshed once by outbound traffic: "age" restarts, and the
#       mapping outlives the first packet's deadline), an idle established TCP
#       connection (the established timer, not the transitory one), a closed
#       TCP connection in time-wait (the transitory timer), a ping (ICMP).
#     After expiry a datagram to the old UDP port is "no-mapping", and the GC
#     frees the expired mappings (stats "mappings" 0).
#  3. Knob off again: short values are refused again.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "mapping timers are softwire's"
short_timeouts 0 || { _failed "$SHORT_TIMEOUTS is not writable"; ksft_exit; }
mape_topo
mape_ce_add rfc || { _failed "create the CE"; ksft_exit; }

timeouts() { json_get "$(nsw "$CE" -j show mape0)" "j[0]['timeouts']"; }

# ---- 1. floors, knob off
check_eq "default timeouts" '{"udp":300,"tcp_est":7440,"tcp_trans":240,"icmp":60}' "$(timeouts)"
check_ok "set the floor values" nsw "$CE" map-e set mape0 timeout-udp 120 \
	timeout-tcp-est 7440 timeout-tcp-trans 240 timeout-icmp 60
check_eq "show reports the floors" '{"udp":120,"tcp_est":7440,"tcp_trans":240,"icmp":60}' "$(timeouts)"
check_fail_msg "timeout-udp 119 refused" 'timeout-udp: must be at least 120 s \(RFC 4787 REQ-5\)' \
	nsw "$CE" map-e set mape0 timeout-udp 119
check_fail_msg "timeout-tcp-est 7439 refused" 'timeout-tcp-est: must be at least 7440 s \(RFC 5382 REQ-5\)' \
	nsw "$CE" map-e set mape0 timeout-tcp-est 7439
check_fail_msg "timeout-tcp-trans 239 refused" 'timeout-tcp-trans: must be at least 240 s \(RFC 5382 REQ-5\)' \
	nsw "$CE" map-e set mape0 timeout-tcp-trans 239
check_fail_msg "timeout-icmp 59 refused" 'timeout-icmp: must be at least 60 s \(RFC 5508 REQ-2\)' \
	nsw "$CE" map-e set mape0 timeout-icmp 59
check_fail_msg "timeout-udp 4 refused while the knob is off" 'timeout-udp: must be at least 120 s' \
	nsw "$CE" map-e set mape0 timeout-udp 4
check_fail_msg "map-e add with timeout-udp 60 refused" 'timeout-udp: must be at least 120 s' \
	nsw "$CE" map-e add mape1 end-user-prefix 2001:db8:12:3500::/56 br $BR6 $RULE_RFC timeout-udp 60
check_eq "the refused add created nothing" "" "$(ip -n "$CE" -o link show mape1 2>/dev/null)"
check_eq "the refused sets changed nothing" '{"udp":120,"tcp_est":7440,"tcp_trans":240,"icmp":60}' "$(timeouts)"

# ---- 2. short timers, knob on
T_UDP=6 T_EST=10 T_TRANS=3 T_ICMP=2
short_timeouts 1
check_fail_msg "timeout-udp 0 refused with the knob on" 'timeout-udp: must be at least 1 s' \
	nsw "$CE" map-e set mape0 timeout-udp 0
check_ok "short timeouts accepted with the knob on" nsw "$CE" map-e set mape0 \
	timeout-udp $T_UDP timeout-tcp-est $T_EST timeout-tcp-trans $T_TRANS timeout-icmp $T_ICMP
check_eq "show reports them" "{\"udp\":$T_UDP,\"tcp_est\":$T_EST,\"tcp_trans\":$T_TRANS,\"icmp\":$T_ICMP}" \
	"$(timeouts)"

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# live: "proto/internal=state" of every live mapping, space separated
live() { json_get "$(mape_mappings)" "' '.join(sorted('%s/%s=%s' % (m['proto'], m['internal'], m['state']) for m in j))"; }
has() { [[ " $(live) " == *" $1 "* ]]; }
age() { json_get "$(mape_mappings)" "([m['age'] for m in j if m['internal'] == '$LAN_A:40000'] + [-1])[0]"; }
age_ge() { [ "$(age)" -ge "$1" ]; }

K_UDP=udp/$LAN_A:40000=- K_EST=tcp/$LAN_A:41001=established
K_TRANS=tcp/$LAN_A:41002=time-wait K_ICMP=""

bg est_srv nx "$INET" socat -u TCP4-LISTEN:5001,reuseaddr OPEN:/dev/null
bg trans_srv nx "$INET" socat -u TCP4-LISTEN:5002,reuseaddr OPEN:/dev/null
udp_bg srv "$INET" --bind $INET_A:5000 --expect 2 --timeout 60
wait_for 20 tcp_listening "$INET" 5001 && wait_for 20 tcp_listening "$INET" 5002

# Each flow: t_X before its first packet, t_X_end once its last packet is
# known to have passed the CE. The short timers go last, so that the polling
# below starts before anything can expire.
declare -A gone seen
# seen_now KEY: if KEY is listed, record the start of that dump
seen_now() { local t; t=$(now_ms); has "$1" && seen[$1]=$t; }

t_u1=$(now_ms)
udp_run "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:one
# an idle established TCP connection (nothing is sent for 60 s)
t_est=$(now_ms)
bg est nx "$LAN" socat -u EXEC:"sleep 60" TCP4:$INET_A:5001,bind=$LAN_A:41001
wait_for 10 has "$K_EST"
t_est_end=$(now_ms)
check_cond "idle TCP connection: mapping $K_EST" seen_now "$K_EST"
# UDP: age counts up, and the second datagram restarts it
check_cond "UDP age counts up to 2 s" wait_for 10 age_ge 2
t_u2=$(now_ms)
udp_run "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:two
t_u2_end=$(now_ms)
a=$(age)
check_cond "UDP age restarts on outbound traffic (age $a)" test "$a" -ge 0 -a "$a" -le 1
seen_now "$K_UDP"
ext=$(mape_ext udp $LAN_A:40000)
# a TCP connection closed by both ends
t_trans=$(now_ms)
check_ok "short TCP connection" nx "$LAN" timeout 20 socat -u OPEN:/dev/null TCP4:$INET_A:5002,bind=$LAN_A:41002
wait_for 10 has "$K_TRANS"
t_trans_end=$(now_ms)
check_cond "closed TCP connection: mapping $K_TRANS" seen_now "$K_TRANS"
# ICMP
t_icmp=$(now_ms)
check_ok "ping" nx "$LAN" ping -n -c 1 -W 5 $INET_A
t_icmp_end=$(now_ms)
K_ICMP=$(json_get "$(mape_mappings)" "(['icmp/%s=-' % m['internal'] for m in j if m['proto'] == 'icmp'] + [''])[0]")
[ -n "$K_ICMP" ] && seen[$K_ICMP]=$t_icmp_end
check_match "ICMP mapping" "^icmp/$LAN_A:[0-9]+=-$" "$K_ICMP"
K_ICMP=${K_ICMP:-icmp/missing}

# Poll until each is gone. For each: the start of the last dump that listed
# it, and the end of the first dump that did not.
deadline=$(($(now_ms) + 30000))
while [ "$(now_ms)" -lt "$deadline" ]; do
	s=$(now_ms) l=" $(live) " e=$(now_ms)
	for k in "$K_UDP" "$K_EST" "$K_TRANS" "$K_ICMP"; do
		[ -n "${gone[$k]:-}" ] && continue
		if [[ "$l" == *" $k "* ]]; then seen[$k]=$s; else gone[$k]=$e; fi
	done
	[ ${#gone[@]} -eq 4 ] && break
	sleep 0.1
done

# expiry DESC KEY T_FIRST T_LAST TIMEOUT_S: the kernel expires a mapping
# TIMEOUT after its last packet, which passed between T_FIRST and T_LAST:
# not gone from a dump that ended before T_FIRST + TIMEOUT, and not listed
# by a dump that started after T_LAST + TIMEOUT (+ 250 ms: jiffies, and a
# last ACK right after the state was observed).
expiry() {
	local g=${gone[$2]:-} s=${seen[$2]:-} lo=$(($3 + $5 * 1000)) hi=$(($4 + $5 * 1000 + 250))
	if [ -z "$g" ]; then _failed "$1: not gone after 30 s"; return; fi
	if [ -z "$s" ]; then _failed "$1: never listed"; return; fi
	check_cond "$1: not before $(($5 * 1000)) ms (gone $((g - $3)) ms after the first packet)" \
		test "$g" -ge "$lo"
	check_cond "$1: not kept past it (last listed $((s - $4)) ms after the last packet)" \
		test "$s" -le "$hi"
}
expiry "UDP (timeout-udp $T_UDP, refreshed)" "$K_UDP" "$t_u2" "$t_u2_end" $T_UDP
check_cond "UDP outlived its first datagram's deadline (refresh)" \
	test "${gone[$K_UDP]:-0}" -ge $((t_u1 + (T_UDP + 2) * 1000))
expiry "idle established TCP (timeout-tcp-est $T_EST)" "$K_EST" "$t_est" "$t_est_end" $T_EST
expiry "time-wait TCP (timeout-tcp-trans $T_TRANS)" "$K_TRANS" "$t_trans" "$t_trans_end" $T_TRANS
expiry "ICMP (timeout-icmp $T_ICMP)" "$K_ICMP" "$t_icmp" "$t_icmp_end" $T_ICMP

bg_wait srv 30
check_eq "both UDP datagrams reached inet" 2 "$(bg_out srv | grep -c "^from $CE_V4:")"
nm=$(mape_drop no-mapping)
udp_run "$INET" --bind $INET_A:5000 --send "$ext:after-expiry"
wait_gt 10 "$nm" mape_drop no-mapping
check_eq "a datagram to the expired UDP port $ext is no-mapping" $((nm + 1)) "$(mape_drop no-mapping)"
stats_mappings_is() { [ "$(mape_stat mappings)" = "$1" ]; }
wait_for 10 stats_mappings_is 0
check_eq "the GC freed the expired mappings (stats mappings)" 0 "$(mape_stat mappings)"
check_eq "no other drops" "no-mapping=$((nm + 1))" "$(mape_drops_nonzero)"

# ---- 3. knob off again
short_timeouts 0
check_fail_msg "knob off: timeout-icmp 2 refused again" 'timeout-icmp: must be at least 60 s' \
	nsw "$CE" map-e set mape0 timeout-icmp 2

dmesg_check
ksft_exit
