#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send IPv4-in-IPv6 UDP datagrams with arbitrary outer and inner addresses.

  inject.py SRC6,DST6,SRC4,DST4,SPORT,DPORT,PAYLOAD ...

Each argument is one packet, sent in order in the current netns through a raw
IPv6 socket with the header included (IPPROTO_RAW), so the outer source need
not be local. No scapy: it starts fast under TCG.
"""
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ipv4_udp(s4, d4, sp, dp, payload, ident=0x4242, ttl=64):
    src, dst = socket.inet_aton(s4), socket.inet_aton(d4)
    ulen = 8 + len(payload)
    pseudo = src + dst + struct.pack("!BBH", 0, socket.IPPROTO_UDP, ulen)
    udp = struct.pack("!HHHH", sp, dp, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xffff
    udp = udp[:6] + struct.pack("!H", c) + udp[8:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), ident, 0, ttl,
                      socket.IPPROTO_UDP, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + udp


def main(specs):
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for spec in specs:
        s6, d6, s4, d4, sp, dp, pl = spec.split(",", 6)
        inner = ipv4_udp(s4, d4, int(sp), int(dp), pl.encode())
        outer = struct.pack("!IHBB16s16s", 6 << 28, len(inner), 4, 64,
                            socket.inet_pton(socket.AF_INET6, s6),
                            socket.inet_pton(socket.AF_INET6, d6))
        s.sendto(outer + inner, (d6, 0))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
