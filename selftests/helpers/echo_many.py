#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""UDP echo on many address:port pairs at once (one process, starts fast).

  echo_many.py --addrs A[,A...] --ports LO-HI --ready FILE [--timeout S]

Binds every address x port, writes FILE once all are bound, and answers each
datagram with "echo:MSG" from the socket it arrived on, until S seconds pass.
"""
import argparse
import os
import select
import socket
import time

ap = argparse.ArgumentParser()
ap.add_argument("--addrs", required=True)
ap.add_argument("--ports", required=True)
ap.add_argument("--ready", required=True)
ap.add_argument("--timeout", type=float, default=60)
a = ap.parse_args()
lo, hi = (int(x) for x in a.ports.split("-"))
socks = []
for addr in a.addrs.split(","):
    for port in range(lo, hi + 1):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port))
        socks.append(s)
with open(a.ready + ".tmp", "w") as f:
    f.write("%d\n" % len(socks))
os.rename(a.ready + ".tmp", a.ready)
deadline = time.time() + a.timeout
while time.time() < deadline:
    for s in select.select(socks, [], [], max(0, deadline - time.time()))[0]:
        data, peer = s.recvfrom(65535)
        s.sendto(b"echo:" + data, peer)
