#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one UDP datagram as IPv4 fragments (scapy fragment()).

  frag.py SRC:SPORT DST:DPORT SIZE FRAGSIZE

The payload is "frag-" padded with "y" to SIZE bytes.
"""
import sys

from scapy.all import IP, UDP, conf, fragment, send

conf.verb = 0
(s, sp), (d, dp) = (x.rsplit(":", 1) for x in sys.argv[1:3])
size, fsize = int(sys.argv[3]), int(sys.argv[4])
payload = b"frag-" + b"y" * (size - 5)
pkt = IP(src=s, dst=d, id=0x5157) / UDP(sport=int(sp), dport=int(dp)) / payload
for f in fragment(pkt, fragsize=fsize):
    send(f)
