#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# RFC 4787 REQ-4 (RECOMMENDED): port parity preservation. An even LAN port
# gets an even external port, an odd one an odd port, when the port set has
# a free port of that parity (kmod/core/portpick.c; its unit tests cover the
# budget and the full-set cases).
#
#  lan 198.51.100.2 -- l0 198.51.100.1  ce (mape0, 192.0.2.18, PSID 0x34: 252 ports,
#                      4 per range, both parities)
#                      w0 2001:db8:ff00:1::2 -- core -- br (ip6tnl) -- inet 203.0.113.10:5000
#
#  16 UDP flows from LAN ports 41000-41015 (none in the set, so none is kept
#  as is): each external port is in the set and has its LAN port's parity.
#  A random choice would pass with probability 2^-16.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/lib_mape.sh"

mape_start "port parity is softwire's port choice"
mape_ce_up

bad=""
for p in $(seq 41000 41015); do port_in_set "$p" && bad="$bad $p"; done
check_eq "LAN ports 41000-41015 are outside the set" "" "$bad"
udp_bg srv "$INET" --bind $INET_A:5000 --expect 16 --timeout 60
nx "$LAN" $PY "$MAPE_HELPERS/flows.py" --src $LAN_A --ports 41000-41015 --dst $INET_A:5000
bg_wait srv 60
check_eq "16 datagrams arrive" 16 "$(bg_out srv | grep -c "^from $CE_V4:")"
# "from 192.0.2.18:EXT fLANPORT" -> "LANPORT EXT"
pairs=$(bg_out srv | sed -n "s/^from $CE_V4:\([0-9]*\) f\([0-9]*\)\$/\2 \1/p" | sort -n)
check_eq "16 distinct external ports" 16 "$(awk '{ print $2 }' <<<"$pairs" | sort -u | grep -c .)"
bad="" kept=0
while read -r lp ep; do
	port_in_set "$ep" || bad="$bad $lp->$ep(not in set)"
	if [ $((lp % 2)) -eq $((ep % 2)) ]; then
		kept=$((kept + 1))
	else
		bad="$bad $lp->$ep"
	fi
done <<<"$pairs"
check_eq "REQ-4: every external port in the set, with its LAN port's parity" "16 " "$kept $bad"
check_eq "the mappings agree" "$pairs" \
	"$(json_get "$(mape_mappings)" "'\n'.join('%s %s' % (m['internal'].split(':')[1], m['external'].split(':')[1]) for m in sorted(j, key=lambda m: m['internal']) if m['proto'] == 'udp')")"

dmesg_check
ksft_exit
