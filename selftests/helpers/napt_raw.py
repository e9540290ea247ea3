#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic netlink for the NAPT commands (INST_SET, FWD_ADD/DEL, MAP_GET),
built on selftests/swnl.py: what swctl never sends, and dumps read with a
small receive buffer so that they must resume across several skbs.

  napt_raw.py set-fixed NAME WHAT   INST_SET carrying WHAT (br|mtu|rules|mode|
                                    flags|eup|forward), which it must refuse
  napt_raw.py fwd NAME CASE         FWD_ADD/FWD_DEL mutations (see CASES)
  napt_raw.py map-dump NAME BUFSIZE MAP_GET dump read with recv(BUFSIZE);
                                    prints {"datagrams": N, "mappings": [...]}
  napt_raw.py map-dump-del NAME BUFSIZE
                                    the same, deleting NAME ($SWCTL del) after
                                    the first read: the dump must then fail

Exit 0 when the kernel acks; else exit 1 with swnl.py's one stderr line:
  swnl: error -<errno> <ENAME>: <extack message> [offs=N] ...
"""
import ipaddress
import json
import os
import socket
import struct
import subprocess
import sys

sys.dont_write_bytecode = True     # no __pycache__ in the work tree
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import swnl  # noqa: E402
from swnl import nla, nest, u8, u16, u32, v6, be32, ifname  # noqa: E402

# uapi/linux/softwire.h, appended after swnl.py's part
CMD_SET, CMD_FWD_ADD, CMD_FWD_DEL, CMD_MAP_GET = 5, 6, 7, 8
A_FORWARD, A_MAPPING = 32, 33
FWD_PROTO, FWD_PORT, FWD_TO_ADDR, FWD_TO_PORT = 1, 2, 3, 4
(M_PROTO, M_INT_ADDR, M_INT_PORT, M_EXT_ADDR, M_EXT_PORT, M_REMOTE_ADDR,
 M_REMOTE_PORT, M_AGE, M_STATE, M_FLAGS) = range(1, 11)
TCP, UDP, ICMP = 6, 17, 1
PORT_IN_SET = 1232      # RFC 7597 A example 1: PSID 0x34, a = 6

FIXED = {
    "br": nla(swnl.A_BR, v6("2001:db8:ffff::2")),
    "mtu": nla(swnl.A_MTU, u32(1400)),
    "mode": nla(swnl.A_MODE, u8(1)),
    "flags": nla(swnl.A_FLAGS, u32(0)),
    "eup": nla(swnl.A_EUP, v6("2001:db8:12:3500::")),
    "rules": nest(swnl.A_RULES, []),
    "forward": nest(A_FORWARD, [nla(FWD_PROTO, u8(TCP)),
                                nla(FWD_PORT, u16(PORT_IN_SET))]),
}


def fwd(*parts):
    return nest(A_FORWARD, list(parts))


# case -> (command, attributes after IFNAME)
CASES = {
    "proto-icmp": (CMD_FWD_ADD, fwd(nla(FWD_PROTO, u8(ICMP)),
                                    nla(FWD_PORT, u16(PORT_IN_SET)),
                                    nla(FWD_TO_ADDR, be32("198.51.100.2")))),
    "no-forward": (CMD_FWD_ADD, b""),
    "no-port": (CMD_FWD_ADD, fwd(nla(FWD_PROTO, u8(TCP)),
                                 nla(FWD_TO_ADDR, be32("198.51.100.2")))),
    "no-to": (CMD_FWD_ADD, fwd(nla(FWD_PROTO, u8(TCP)),
                               nla(FWD_PORT, u16(PORT_IN_SET)))),
    "port-0": (CMD_FWD_ADD, fwd(nla(FWD_PROTO, u8(TCP)), nla(FWD_PORT, u16(0)),
                                nla(FWD_TO_ADDR, be32("198.51.100.2")))),
    "to-port-0": (CMD_FWD_ADD, fwd(nla(FWD_PROTO, u8(TCP)),
                                   nla(FWD_PORT, u16(PORT_IN_SET)),
                                   nla(FWD_TO_ADDR, be32("198.51.100.2")),
                                   nla(FWD_TO_PORT, u16(0)))),
    "port-as-u32": (CMD_FWD_ADD, fwd(nla(FWD_PROTO, u8(TCP)),
                                     nla(FWD_PORT, u32(PORT_IN_SET)),
                                     nla(FWD_TO_ADDR, be32("198.51.100.2")))),
    "unknown-fwd-attr": (CMD_FWD_ADD, fwd(nla(FWD_PROTO, u8(TCP)),
                                          nla(FWD_PORT, u16(PORT_IN_SET)),
                                          nla(FWD_TO_ADDR, be32("198.51.100.2")),
                                          nla(9, u32(0)))),
    "del-with-to": (CMD_FWD_DEL, fwd(nla(FWD_PROTO, u8(TCP)),
                                     nla(FWD_PORT, u16(PORT_IN_SET)),
                                     nla(FWD_TO_ADDR, be32("198.51.100.2")))),
}


def addrport(a, addr_t, port_t):
    if addr_t not in a:
        return None
    return "%s:%d" % (ipaddress.IPv4Address(a[addr_t]), swnl.uint(a[port_t]))


def decode_mapping(payload):
    a = swnl.parse_attrs(swnl.parse_attrs(payload).get(A_MAPPING, b""), {})
    return {"proto": {TCP: "tcp", UDP: "udp", ICMP: "icmp"}.get(
                swnl.uint(a.get(M_PROTO, b"\0")), "?"),
            "internal": addrport(a, M_INT_ADDR, M_INT_PORT),
            "external": addrport(a, M_EXT_ADDR, M_EXT_PORT),
            "last_remote": addrport(a, M_REMOTE_ADDR, M_REMOTE_PORT),
            "static": bool(swnl.uint(a.get(M_FLAGS, b"\0\0\0\0")) & 1)}


def map_dump(name, bufsize, after_first=None):
    """MAP_GET dump, reading with recv(bufsize): (error, ext, datagrams, maps).

    The kernel sizes dump skbs after the largest read so far on the socket
    (netlink_recvmsg: max_recvmsg_len), so the family is resolved on another
    socket and this one only ever reads bufsize bytes.
    """
    nl = swnl.Nl()
    nl.family = swnl.Nl().resolve()
    nl.seq += 1
    body = struct.pack("=BBH", CMD_MAP_GET, swnl.VERSION, 0) + \
        nla(swnl.A_IFNAME, ifname(name))
    nl.s.send(struct.pack("=IHHII", 16 + len(body), nl.family,
                          swnl.NLM_F_REQUEST | swnl.NLM_F_DUMP, nl.seq, 0)
              + body)
    datagrams, maps = 0, []
    while True:
        data, _, flags, _ = nl.s.recvmsg(bufsize)
        if flags & socket.MSG_TRUNC:
            print("napt_raw: a dump skb exceeded %d bytes" % bufsize,
                  file=sys.stderr)
            return -90, {}, datagrams, maps
        datagrams += 1
        if datagrams == 1 and after_first:
            after_first()
        off = 0
        while off + 16 <= len(data):
            ln, t, fl, seq, _ = struct.unpack_from("=IHHII", data, off)
            msg = data[off:off + ln]
            off += (ln + 3) & ~3
            if t == swnl.NLMSG_ERROR:
                return swnl.Nl._err(msg, fl) + (datagrams, maps)
            if t == swnl.NLMSG_DONE:
                err = struct.unpack_from("=i", msg, 16)[0]
                ext = swnl.parse_attrs(msg[20:], swnl.NLMSGERR_ATTR) \
                    if fl & swnl.NLM_F_ACK_TLVS else {}
                return err, swnl.decode_ext(ext), datagrams, maps
            maps.append(decode_mapping(msg[20:]))


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    what, name, arg = argv
    nl = swnl.Nl()
    if what == "set-fixed":
        err, ext, _ = nl.sw(CMD_SET, nla(swnl.A_IFNAME, ifname(name)) +
                            FIXED[arg])
    elif what == "fwd":
        cmd, attrs = CASES[arg]
        err, ext, _ = nl.sw(cmd, nla(swnl.A_IFNAME, ifname(name)) + attrs)
    elif what in ("map-dump", "map-dump-del"):
        def delete():
            subprocess.run([os.environ["SWCTL"], "del", name], check=True)
        err, ext, n, maps = map_dump(name, int(arg), delete
                                     if what == "map-dump-del" else None)
        if not err:
            print(json.dumps({"datagrams": n, "mappings": maps}))
    else:
        print("napt_raw: unknown command %s" % what, file=sys.stderr)
        return 2
    if err:
        swnl.fail(err, ext)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
