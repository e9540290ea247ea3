#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""TCP ends for the RFC 5382 selftests (plain sockets, starts fast under TCG).

  tcp.py serve BIND [--n N] [--timeout S] [--ready FILE]
      Listen on BIND; for each of N connections read one line and answer
      "seen IP:PORT LINE" (the peer as this end sees it); print
      "from IP:PORT LINE". Exit 0 when N were served.

  tcp.py connect BIND TO... [--msg M] [--listen] [--accept N] [--timeout S]
                 [--ready FILE] [--again FILE] [--hold]
      Every socket is bound to BIND with SO_REUSEADDR and SO_REUSEPORT, so
      several connections (and a listener, --listen) share one local port.
      For each TO in turn: connect, send "M", read one line, print
      "to TO got LINE" ("to TO error ENAME" on failure). Then write FILE,
      and accept N connections on the listener, serving each as serve does,
      printing "accepted from IP:PORT LINE". --again: then wait for FILE,
      send "again" on each connection, print "to TO again LINE" (and write
      FILE.done). --hold: then keep the
      connections open until the timeout. Exit 0 when all went well.
      Two connect ends aimed at each other make a simultaneous open.
"""
import argparse
import errno
import os
import socket
import sys
import time


def hp(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


def sock(bind):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(hp(bind))
    return s


def ready(path):
    if path:
        with open(path + ".tmp", "w") as f:
            f.write("ready\n")
        os.rename(path + ".tmp", path)


def readline(c):
    buf = b""
    while not buf.endswith(b"\n"):
        d = c.recv(256)
        if not d:
            break
        buf += d
    return buf.decode(errors="replace").strip()


def serve(lst, n, deadline, prefix):
    done = 0
    while done < n:
        lst.settimeout(max(0.1, deadline - time.time()))
        try:
            c, peer = lst.accept()
        except socket.timeout:
            break
        c.settimeout(max(0.1, deadline - time.time()))
        try:
            line = readline(c)
            c.sendall(b"seen %s:%d %s\n" % (peer[0].encode(), peer[1], line.encode()))
        except OSError as e:
            print("%s %s:%d error %s" % (prefix, peer[0], peer[1],
                                        errno.errorcode.get(e.errno, "timeout")), flush=True)
            c.close()
            continue
        print("%s %s:%d %s" % (prefix, peer[0], peer[1], line), flush=True)
        c.close()
        done += 1
    return done == n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["serve", "connect"])
    ap.add_argument("bind")
    ap.add_argument("to", nargs="*")
    ap.add_argument("--n", type=int, default=1)
    ap.add_argument("--msg", default="hello")
    ap.add_argument("--listen", action="store_true")
    ap.add_argument("--accept", type=int, default=0)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--ready")
    ap.add_argument("--hold", action="store_true")
    ap.add_argument("--again")
    a = ap.parse_args()
    deadline = time.time() + a.timeout

    if a.mode == "serve":
        lst = sock(a.bind)
        lst.listen(16)
        ready(a.ready)
        return 0 if serve(lst, a.n, deadline, "from") else 1

    ok = True
    lst = None
    if a.listen:
        lst = sock(a.bind)
        lst.listen(16)
    conns = []
    for to in a.to:
        s = sock(a.bind)
        s.settimeout(max(0.1, deadline - time.time()))
        try:
            s.connect(hp(to))
            s.sendall(a.msg.encode() + b"\n")
            print("to %s got %s" % (to, readline(s)), flush=True)
        except OSError as e:
            print("to %s error %s" % (to, errno.errorcode.get(e.errno, "timeout")),
                  flush=True)
            ok = False
        conns.append(s)		# kept open: the mapping stays in use
    ready(a.ready)
    if a.accept:
        ok = serve(lst, a.accept, deadline, "accepted from") and ok
    if a.again:
        while not os.path.exists(a.again) and time.time() < deadline:
            time.sleep(0.05)
        for to, s in zip(a.to, conns):
            try:
                s.settimeout(max(0.1, deadline - time.time()))
                s.sendall(b"again\n")
                print("to %s again %s" % (to, readline(s)), flush=True)
            except OSError as e:
                print("to %s again error %s" % (to, errno.errorcode.get(e.errno, "timeout")),
                      flush=True)
                ok = False
        ready(a.again + ".done")
    if a.hold:
        time.sleep(max(0, deadline - time.time()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
