#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Mapping timers: the RFC floors are accepted and anything lower refused with a
# message (RFC 4787 REQ-5: UDP >= 120 s; RFC 5382 REQ-5: TCP established >=
# 7440 s, transitory >= 240 s; RFC 5508 REQ-1: ICMP >= 60 s); "age" (seconds
# since last use) counts up and restarts on traffic; an ICMP mapping expires
# after the 60 s floor (the only expiry short enough for a TCG guest: about
# 60-70 s, overlapped with the other checks).
#
#  lan 198.51.100.2 -- ce (mape0, 192.0.2.18) -- core -- br (ip6tnl) -- inet 203.0.113.10
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

cleanup() { mape_cleanup; lib_cleanup; }
trap cleanup EXIT
mape_begin
baseline && skip "mapping timers are softwire's"
mape_topo
mape_ce_add rfc timeout-icmp 60 || { _failed "create the CE with timeout-icmp 60"; ksft_exit; }

icmp_mapping() { json_get "$(mape_mappings)" "len([m for m in j if m['proto'] == 'icmp'])"; }
icmp_gone() { [ "$(icmp_mapping)" = 0 ]; }

# The ICMP mapping whose expiry is checked at the end.
check_ok "ping creates an ICMP mapping" nx "$LAN" ping -n -c 1 -W 5 $INET_A
t_icmp=$(date +%s)
check_eq "one ICMP mapping" 1 "$(icmp_mapping)"

# ---- floors and refusals
check_ok "set the floor values" nsw "$CE" map-e set mape0 timeout-udp 120 \
	timeout-tcp-est 7440 timeout-tcp-trans 240 timeout-icmp 60
check_fail_msg "timeout-udp 119 refused" 'udp' nsw "$CE" map-e set mape0 timeout-udp 119
check_fail_msg "timeout-tcp-est 7439 refused" 'tcp|est' nsw "$CE" map-e set mape0 timeout-tcp-est 7439
check_fail_msg "timeout-tcp-trans 239 refused" 'tcp|trans' nsw "$CE" map-e set mape0 timeout-tcp-trans 239
check_fail_msg "timeout-icmp 59 refused" 'icmp' nsw "$CE" map-e set mape0 timeout-icmp 59
check_fail_msg "map-e add with timeout-udp 60 refused" 'udp' nsw "$CE" map-e add mape1 \
	end-user-prefix 2001:db8:12:3500::/56 br $BR6 $RULE_RFC timeout-udp 60
check_eq "the refused add created nothing" "" "$(ip -n "$CE" -o link show mape1 2>/dev/null)"
show=$(nsw "$CE" -j show mape0)
log "show: $show"
check_match "show reports the UDP timeout 120" '"timeout[_-]?udp":[ ]*120' "$show"

# ---- age
udp_bg srv "$INET" --bind $INET_A:5000 --expect 2 --timeout 60
udp_run "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:one
wait_for 20 mape_has_mapping udp $LAN_A:40000
age() { json_get "$(mape_mappings)" "[m['age'] for m in j if m['internal'] == '$LAN_A:40000'][0]"; }
age_ge() { [ "$(age)" -ge "$1" ]; }
check_cond "age counts up to 3 s" wait_for 10 age_ge 3
udp_run "$LAN" --bind $LAN_A:40000 --send $INET_A:5000:two
bg_wait srv 30
check_eq "both datagrams reached inet" 2 "$(bg_out srv | grep -c "^from $CE_V4:")"
check_cond "age restarts on traffic ($(age) s)" test "$(age)" -lt 3

# ---- ICMP expiry
# Poll every 2 s (not 100 ms: each poll is a swctl dump plus python under TCG).
gone_at=""
while [ $(($(date +%s) - t_icmp)) -le 120 ]; do
	icmp_gone && { gone_at=$(($(date +%s) - t_icmp)); break; }
	sleep 2
done
check_cond "the ICMP mapping expires after timeout-icmp 60 (gone after ${gone_at:-never} s)" \
	test -n "$gone_at"
check_cond "not before 60 s" test "${gone_at:-0}" -ge 59

dmesg_check
ksft_exit
