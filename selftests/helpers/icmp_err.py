#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send ICMP errors about a flow (raw socket, IP_HDRINCL; no scapy, starts fast).

  icmp_err.py SRC DST PROTO QSRC:QPORT QDST:QPORT TYPE/CODE...

One ICMPv4 error from SRC to DST per TYPE/CODE, each quoting the IPv4
header and first 8 bytes of a PROTO (tcp|udp|icmp) packet QSRC:QPORT ->
QDST:QPORT. For icmp the quoted packet is an echo request with identifier
QPORT (QDST's port is ignored). Type 3 code 4 carries next-hop MTU 1400.
"""
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inject import csum  # noqa: E402

PROTO = {"tcp": 6, "udp": 17, "icmp": 1}


def ipv4(src, dst, proto, payload, ttl=64, ident=0x4d4d):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0, ttl,
                    proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload


def quoted(proto, qs, qsp, qd, qdp):
    if proto == "udp":
        l4 = struct.pack("!HHHH", qsp, qdp, 108, 0)
    elif proto == "tcp":
        l4 = struct.pack("!HHI", qsp, qdp, 0x10000)
    else:
        l4 = struct.pack("!BBHHH", 8, 0, 0, qsp, 1)
        l4 = l4[:2] + struct.pack("!H", csum(l4)) + l4[4:]
    # the quoted datagram claims 128 bytes, as a real one would
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 128, 0x5151, 0, 63, PROTO[proto],
                    0, socket.inet_aton(qs), socket.inet_aton(qd))
    return h[:10] + struct.pack("!H", csum(h)) + h[12:] + l4


def main(argv):
    src, dst, proto = argv[0], argv[1], argv[2]
    (qs, qsp), (qd, qdp) = (x.rsplit(":", 1) for x in argv[3:5])
    q = quoted(proto, qs, int(qsp), qd, int(qdp))
    sk = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for tc in argv[5:]:
        t, c = (int(x) for x in tc.split("/"))
        rest = 1400 if (t, c) == (3, 4) else 0
        icmp = struct.pack("!BBHI", t, c, 0, rest) + q
        icmp = icmp[:2] + struct.pack("!H", csum(icmp)) + icmp[4:]
        sk.sendto(ipv4(src, dst, 1, icmp), (dst, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
