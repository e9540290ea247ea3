#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send one UDP datagram as IPv4 fragments (raw socket, IP_HDRINCL).

  frag.py SRC:SPORT DST:DPORT SIZE FRAGSIZE [ORDER]

The payload is "frag-" padded with "y" to SIZE bytes; each fragment carries at
most FRAGSIZE bytes of the UDP datagram (rounded down to a multiple of 8),
identification 0x5157, sent in order, or in ORDER: "reverse" or the fragment
indexes in sending order, e.g. "2,0,3,1". No scapy: it starts fast under TCG.
"""
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inject import csum, ipv4_udp  # noqa: E402


def main(argv):
    (s, sp), (d, dp) = (x.rsplit(":", 1) for x in argv[0:2])
    size, fsize = int(argv[2]), int(argv[3]) & ~7
    payload = b"frag-" + b"y" * (size - 5)
    whole = ipv4_udp(s, d, int(sp), int(dp), payload, ident=0x5157)
    hdr, data = bytearray(whole[:20]), whole[20:]
    sk = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    frags = []
    for off in range(0, len(data), fsize):
        chunk = data[off:off + fsize]
        more = off + fsize < len(data)
        h = bytearray(hdr)
        struct.pack_into("!H", h, 2, 20 + len(chunk))
        struct.pack_into("!H", h, 6, (0x2000 if more else 0) | (off >> 3))
        struct.pack_into("!H", h, 10, 0)
        struct.pack_into("!H", h, 10, csum(bytes(h)))
        frags.append(bytes(h) + chunk)
    order = range(len(frags))
    if len(argv) > 4:
        order = (reversed(order) if argv[4] == "reverse" else
                 [int(i) for i in argv[4].split(",")])
    for i in order:
        sk.sendto(frags[i], (d, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
