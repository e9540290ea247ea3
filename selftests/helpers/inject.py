#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send IPv4-in-IPv6 UDP datagrams built by scapy (one interpreter start for all).

  inject.py SRC6,DST6,SRC4,DST4,SPORT,DPORT,PAYLOAD ...

Each argument is one packet, sent at layer 3 in the current netns, in order.
"""
import sys

from scapy.all import IP, IPv6, UDP, conf, send

conf.verb = 0
for spec in sys.argv[1:]:
    s6, d6, s4, d4, sp, dp, pl = spec.split(",", 6)
    send(IPv6(src=s6, dst=d6, nh=4) / IP(src=s4, dst=d4) / UDP(sport=int(sp), dport=int(dp)) /
         pl.encode())
