#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""A TCP connection held open across a test, with an echo on demand.

  tcp_hold.py server A:P --ready FILE [--timeout S]
      accept one connection on A:P and echo it until it closes
  tcp_hold.py client A:P H:P --ready FILE --go FILE [--timeout S]
      connect from A:P to H:P, send "one" and print the echo, write FILE
      (--ready), wait for FILE (--go), send "two" and print the echo, then
      keep the connection open until S seconds have passed
Exit 0 when every echo arrived.
"""
import argparse
import os
import socket
import sys
import time


def hp(s):
    h, p = s.rsplit(":", 1)
    return h, int(p)


def touch(path):
    with open(path + ".tmp", "w") as f:
        f.write("ready\n")
    os.rename(path + ".tmp", path)


def echo(s, msg):
    s.sendall(msg)
    got = b""
    while len(got) < len(msg):
        d = s.recv(len(msg) - len(got))
        if not d:
            break
        got += d
    print(got.decode(errors="replace"), flush=True)
    return got == msg


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("server", "client"))
    ap.add_argument("addr")
    ap.add_argument("peer", nargs="?")
    ap.add_argument("--ready", required=True)
    ap.add_argument("--go")
    ap.add_argument("--timeout", type=float, default=60)
    a = ap.parse_args()
    deadline = time.time() + a.timeout
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(a.timeout)
    s.bind(hp(a.addr))
    if a.mode == "server":
        s.listen(1)
        touch(a.ready)
        c, _ = s.accept()
        c.settimeout(a.timeout)
        while True:
            d = c.recv(4096)
            if not d:
                return 0
            c.sendall(d)
    s.connect(hp(a.peer))
    ok = echo(s, b"one")
    touch(a.ready)
    while not os.path.exists(a.go) and time.time() < deadline:
        time.sleep(0.05)
    ok = echo(s, b"two") and ok
    time.sleep(max(0, deadline - time.time()))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
