#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Forge single IPv4 packets for the NAPT state tests (no scapy: starts fast).

  pkt4.py rst SRC:SPORT DST:DPORT [SEQ]
      a TCP RST (seq SEQ, default 0) from SRC:SPORT, through a raw IPv4
      socket bound to SRC (SRC must be local: the kernel writes the header)
  pkt4.py icmp-unreach SRC QSRC:QSPORT QDST:QDPORT
      an ICMP Port Unreachable from SRC to QSRC quoting a UDP datagram
      QSRC:QSPORT -> QDST:QDPORT (an error about a packet QSRC sent)
  pkt4.py icmp6-unreach SRC6 DST6 PEER6 QSRC:QSPORT QDST:QDPORT
      an ICMPv6 Destination Unreachable from SRC6 (local) to DST6 quoting an
      IPv4-in-IPv6 packet DST6 -> PEER6 that carries a UDP datagram
      QSRC:QSPORT -> QDST:QDPORT (as a router in the IPv6 core would send)
  pkt4.py encap SRC6 DST6 SRC4:SPORT DST4:DPORT PAYLOAD [badsum]
      a UDP datagram in IPv6 (raw IPv6 socket, header included, so SRC6
      need not be local); "badsum" breaks the inner IPv4 header checksum
"""
import os
import socket
import struct
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inject import csum  # noqa: E402


def hp(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


def ipv4(src, dst, proto, payload, badsum=False):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), 0x4242, 0,
                      64, proto, 0, socket.inet_aton(src), socket.inet_aton(dst))
    c = csum(hdr) ^ (0x5555 if badsum else 0)
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def udp(src, dst, sp, dp, payload):
    ulen = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_UDP, ulen)
    u = struct.pack("!HHHH", sp, dp, ulen, 0) + payload
    c = csum(pseudo + u) or 0xffff
    return u[:6] + struct.pack("!H", c) + u[8:]


def rst(a):
    (src, sp), (dst, dp) = hp(a[0]), hp(a[1])
    seq = int(a[2]) if len(a) > 2 else 0
    tcp = struct.pack("!HHIIBBHHH", sp, dp, seq, 0, 5 << 4, 0x04, 0, 0, 0)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_TCP)
    s.bind((src, 0))
    s.sendto(tcp, (dst, 0))


def icmp_unreach(a):
    src = a[0]
    (qs, qsp), (qd, qdp) = hp(a[1]), hp(a[2])
    quote = ipv4(qs, qd, socket.IPPROTO_UDP, udp(qs, qd, qsp, qdp, b"q"))[:28]
    ic = struct.pack("!BBHI", 3, 3, 0, 0) + quote
    ic = ic[:2] + struct.pack("!H", csum(ic)) + ic[4:]
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.bind((src, 0))
    s.sendto(ic, (qs, 0))


def icmp6_unreach(a):
    s6, d6, peer6 = a[0], a[1], a[2]
    (qs, qsp), (qd, qdp) = hp(a[3]), hp(a[4])
    inner = ipv4(qs, qd, socket.IPPROTO_UDP, udp(qs, qd, qsp, qdp, b"q"))
    quote = struct.pack("!IHBB16s16s", 6 << 28, len(inner), 4, 63,
                        socket.inet_pton(socket.AF_INET6, d6),
                        socket.inet_pton(socket.AF_INET6, peer6)) + inner
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
    s.bind((s6, 0))
    # the kernel fills in the ICMPv6 checksum of a raw ICMPv6 socket
    s.sendto(struct.pack("!BBHI", 1, 3, 0, 0) + quote, (d6, 0))


def encap(a):
    s6, d6 = a[0], a[1]
    (s4, sp), (d4, dp) = hp(a[2]), hp(a[3])
    inner = ipv4(s4, d4, socket.IPPROTO_UDP, udp(s4, d4, sp, dp, a[4].encode()),
                 badsum=len(a) > 5 and a[5] == "badsum")
    outer = struct.pack("!IHBB16s16s", 6 << 28, len(inner), 4, 64,
                        socket.inet_pton(socket.AF_INET6, s6),
                        socket.inet_pton(socket.AF_INET6, d6))
    s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.sendto(outer + inner, (d6, 0))


CMDS = {"rst": rst, "icmp-unreach": icmp_unreach, "icmp6-unreach": icmp6_unreach,
        "encap": encap}

if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] not in CMDS:
        sys.exit(__doc__)
    CMDS[sys.argv[1]](sys.argv[2:])
