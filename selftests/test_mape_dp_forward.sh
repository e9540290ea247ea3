#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Static forwards (port forwarding inside the CE's port set).
#
#  lan 198.51.100.2:6000/udp, :1233/tcp -- ce (mape0, 192.0.2.18, ports 1232-1235, ...) -- core -- br -- inet 203.0.113.10
#
#  forward add udp 1232 to 198.51.100.2:6000  -> inet reaches the LAN socket, the reply
#                                                leaves from 192.0.2.18:1232; listed in show
#                                                and as a static mapping
#  forward add tcp 1233 to 198.51.100.2       -> a TCP connection from inet arrives on :1233
#  forward add udp 1236 (PSID 0x35's port)    -> refused, the message names the port set
#  forward del udp 1232                       -> gone from show; inet's datagram is "no-mapping"
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start "static forwards are softwire's"
mape_ce_up

check_ok "forward add udp 1232" nsw "$CE" map-e forward add mape0 proto udp port 1232 to $LAN_A:6000
check_ok "forward add tcp 1233 (same port)" nsw "$CE" map-e forward add mape0 proto tcp port 1233 to $LAN_A
check_fail_msg "forward of port 1236 (outside the set) refused naming the port set" \
	'port.?set' nsw "$CE" map-e forward add mape0 proto udp port 1236 to $LAN_A:6000
log "refusal: $ERR"
check_fail_msg "forward of port 80 refused" 'port.?set' \
	nsw "$CE" map-e forward add mape0 proto tcp port 80 to $LAN_A

show=$(nsw "$CE" -j show mape0)
check_eq "show lists both forwards" \
	'[{"port":1232,"proto":"udp","to":"198.51.100.2:6000"},{"port":1233,"proto":"tcp","to":"198.51.100.2:1233"}]' \
	"$(json_get "$show" "sorted([dict(sorted(f.items())) for f in (j[0] if isinstance(j, list) else j)['forwards']], key=lambda f: f['port'])")"
check_eq "static UDP mapping" '[["198.51.100.2:6000",true]]' \
	"$(json_get "$(mape_mappings)" "[[m['internal'], m['static']] for m in j if m['proto'] == 'udp' and m['external'] == '$CE_V4:1232']")"

# UDP through the forward, and the reply keeps the static port.
udp_bg lan "$LAN" --bind $LAN_A:6000 --expect 1 --echo --timeout 60
out=$(udp_run "$INET" --bind $INET_A:7000 --send $CE_V4:1232:fwd --expect 1 --timeout 30)
bg_wait lan 30
check_eq "the LAN socket receives inet's datagram" "from $INET_A:7000 fwd" "$(bg_out lan)"
check_eq "the reply comes from 192.0.2.18:1232" "from $CE_V4:1232 echo:fwd" "$out"

# TCP through the forward.
bg tcpl nx "$LAN" socat -u TCP4-LISTEN:1233,bind=$LAN_A,reuseaddr OPEN:"$TMPD/tcp.rcvd",creat,trunc
wait_for 20 tcp_listening "$LAN" 1233
echo "through the forward" >"$TMPD/tcp.sent"
check_ok "TCP connect from inet to 192.0.2.18:1233" \
	nx "$INET" timeout 60 socat -u OPEN:"$TMPD/tcp.sent" TCP4:$CE_V4:1233
bg_wait tcpl 30
check_cond "the LAN listener received the data" cmp -s "$TMPD/tcp.sent" "$TMPD/tcp.rcvd"

# del
check_ok "forward del udp 1232" nsw "$CE" map-e forward del mape0 proto udp port 1232
check_eq "show lists only the TCP forward" '[1233]' \
	"$(json_get "$(nsw "$CE" -j show mape0)" "[f['port'] for f in (j[0] if isinstance(j, list) else j)['forwards']]")"
nm=$(mape_drop no-mapping)
udp_run "$INET" --bind $INET_A:7000 --send $CE_V4:1232:after-del >/dev/null
wait_gt 10 "$nm" mape_drop no-mapping
check_eq "after del, inet's datagram is dropped as no-mapping" $((nm + 1)) "$(mape_drop no-mapping)"
check_fail_msg "forward del of a missing forward fails, naming it" 'no udp forward on port 1232 of mape0' \
	nsw "$CE" map-e forward del mape0 proto udp port 1232
check_ok "forward del tcp 1233" nsw "$CE" map-e forward del mape0 proto tcp port 1233

dmesg_check
ksft_exit
