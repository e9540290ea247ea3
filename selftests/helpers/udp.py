#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""One UDP socket for the softwire datapath selftests (plain sockets, starts fast).

  udp.py --bind A:P [--send H:P:MSG]... [--expect N] [--timeout S] [--ready FILE]
         [--echo] [--go FILE] [--count-only] [--pad N] [--nodf | --df] [--summary]
         [--ttl T] [--recverr]

Binds A:P, writes FILE (--ready) once bound, waits for FILE (--go) if given, sends
each --send datagram in order, then prints one line "from IP:PORT MSG" per datagram
received until N arrived or S seconds passed; --echo sends each one back as
"echo:MSG". --count-only prints only the number received ("received N"). --pad N pads each sent message to N bytes with "x"; --nodf
clears DF (IP_PMTUDISC_DONT); --ttl T sets the TTL; --summary prints "from IP:PORT len L" instead of
the message. --df sets DF and ignores the path MTU (IP_PMTUDISC_PROBE).
--recverr (IP_RECVERR): ICMP errors the kernel matched to this socket (so their
quoted packet names it) count as received and print as
"icmp type T code C from ADDR info N" (info: the MTU of a Frag Needed).
Exit 0 when N datagrams arrived (or N is 0), 1 otherwise.
"""
import argparse
import os
import select
import socket
import struct
import sys
import time


IP_RECVERR = 11
SO_EE_ORIGIN_ICMP = 2


def read_err(s):
    """One entry of the error queue as a line, or None when it is empty."""
    try:
        _, anc, _, _ = s.recvmsg(2048, 512, socket.MSG_ERRQUEUE | socket.MSG_DONTWAIT)
    except BlockingIOError:
        return None
    for level, typ, d in anc:
        if level != socket.IPPROTO_IP or typ != IP_RECVERR or len(d) < 24:
            continue
        errno_, origin, etype, code, _, info, _ = struct.unpack_from("=IBBBBII", d)
        off = socket.inet_ntoa(d[20:24])
        if origin == SO_EE_ORIGIN_ICMP:
            return "icmp type %d code %d from %s info %d" % (etype, code, off, info)
        return "local errno %d info %d" % (errno_, info)
    return "error without details"


def hp(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bind", required=True)
    ap.add_argument("--send", action="append", default=[])
    ap.add_argument("--expect", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=10)
    ap.add_argument("--ready")
    ap.add_argument("--go")
    ap.add_argument("--echo", action="store_true")
    ap.add_argument("--count-only", action="store_true")
    ap.add_argument("--pad", type=int, default=0)
    ap.add_argument("--nodf", action="store_true")
    ap.add_argument("--summary", action="store_true")
    ap.add_argument("--ttl", type=int, default=0)
    ap.add_argument("--df", action="store_true")
    ap.add_argument("--recverr", action="store_true")
    a = ap.parse_args()

    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if a.nodf:
        s.setsockopt(socket.IPPROTO_IP, 10, 0)	# IP_MTU_DISCOVER = IP_PMTUDISC_DONT
    if a.df:
        s.setsockopt(socket.IPPROTO_IP, 10, 3)	# IP_PMTUDISC_PROBE
    if a.recverr:
        s.setsockopt(socket.IPPROTO_IP, IP_RECVERR, 1)
    if a.ttl:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, a.ttl)
    s.bind(hp(a.bind))
    if a.ready:
        with open(a.ready + ".tmp", "w") as f:
            f.write("%s:%d\n" % s.getsockname())
        os.rename(a.ready + ".tmp", a.ready)
    deadline = time.time() + a.timeout
    if a.go:
        while not os.path.exists(a.go) and time.time() < deadline:
            time.sleep(0.05)
    for spec in a.send:
        h, p, msg = spec.split(":", 2)
        data = msg.encode()
        data += b"x" * max(0, a.pad - len(data))
        try:
            s.sendto(data, (h, int(p)))
        except OSError as e:
            print("send error %s" % e.strerror, flush=True)
    n = 0
    while n < a.expect:
        left = deadline - time.time()
        if left <= 0:
            break
        # readable or an error queued (select counts POLLERR as readable)
        if not select.select([s], [], [], left)[0]:
            break
        err = read_err(s) if a.recverr else None
        if err:
            n += 1
            print(err, flush=True)
            continue
        s.settimeout(left)
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            break
        except OSError as e:    # an error without IP_RECVERR details
            print("error %s" % e.strerror, flush=True)
            continue
        n += 1
        if a.summary:
            print("from %s:%d len %d" % (peer[0], peer[1], len(data)), flush=True)
        elif not a.count_only:
            print("from %s:%d %s" % (peer[0], peer[1], data.decode(errors="replace")),
                  flush=True)
        if a.echo:
            s.sendto(b"echo:" + data, peer)
    if a.count_only:
        print("received %d" % n, flush=True)
    return 0 if n >= a.expect else 1


if __name__ == "__main__":
    sys.exit(main())
