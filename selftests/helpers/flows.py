#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Open many UDP flows at once: one socket per source port, one datagram each.

  flows.py --src A --ports LO-HI --dst H:P [--gap MS]

Sends "f<port>" from A:port to H:P for every port in LO..HI, --gap ms apart
(default 0), then closes the sockets. Used to fill the CE's port set.
"""
import argparse
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("--src", required=True)
ap.add_argument("--ports", required=True)
ap.add_argument("--dst", required=True)
ap.add_argument("--gap", type=float, default=0)
a = ap.parse_args()
lo, hi = (int(x) for x in a.ports.split("-"))
h, p = a.dst.rsplit(":", 1)
socks = []
for port in range(lo, hi + 1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((a.src, port))
    s.sendto(b"f%d" % port, (h, int(p)))
    socks.append(s)
    if a.gap:
        time.sleep(a.gap / 1000.0)
for s in socks:
    s.close()
