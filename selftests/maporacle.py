#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Independent RFC 7597 oracle for the selftests (never calls softwire code).

Written from the RFC text, bit by bit on Python integers, so that a shared
bug in kmod/core cannot hide in both the tool and the expectation.

  maporacle.py end-user-prefix P rule ipv6-prefix P6 ipv4-prefix P4 ea-len N
               [psid-offset A] [psid-len K] [psid P] [legacy-iid]

prints the object `swctl -j map-e calc` must print (keys ipv4_address, psid,
psid_len, psid_offset, ipv6_address, ports, port_ranges), or exits 1 with a
reason when RFC 7597 says the parameters are invalid.
"""
import ipaddress
import json
import sys


def derive(eup, rule6, rule4, ea_len, psid_offset=6, psid_len=None,
           psid=None, legacy_iid=False):
    eup = ipaddress.IPv6Network(eup)                  # strict: host bits zero
    rule6 = ipaddress.IPv6Network(rule6)
    rule4 = ipaddress.IPv4Network(rule4)
    n, r, o, a = rule6.prefixlen, rule4.prefixlen, ea_len, psid_offset
    if n > 64 or o > 48 or n + o > 64 or not 0 <= a <= 16:
        raise ValueError("rule out of range")
    if eup.prefixlen > 64 or not eup.subnet_of(rule6):
        raise ValueError("end-user-prefix not inside the rule")
    if eup.prefixlen < n + o:
        raise ValueError("end-user-prefix shorter than n + o")
    p = 32 - r                                          # IPv4 suffix bits
    e = int(eup.network_address) >> (128 - n - o) & ((1 << o) - 1)  # EA bits
    if o > 0:
        if o < p:
            raise ValueError("IPv4 prefix delegation not modelled")
        k = o - p                                       # RFC 7597 5.2
        if psid_len is not None and psid_len != k:
            raise ValueError("psid-len inconsistent with ea-len")
        v4 = int(rule4.network_address) | (e >> k)
        ps = e & ((1 << k) - 1)
        if psid is not None and psid != ps:
            raise ValueError("psid inconsistent with EA bits")
    else:
        k = psid_len or 0
        ps = psid or 0
        v4 = int(rule4.network_address)
    if a + k > 16 or ps >= (1 << k):
        raise ValueError("psid does not fit")
    m = 16 - a - k
    # RFC 7597 5.1: port = A(a) | PSID(k) | j(m), A > 0 when a > 0, so that
    # the system ports 0-1023 (a = 6) are never in a shared set.
    ranges = []
    if k == 0:
        ranges = [[0, 65535]]           # no sharing: the whole address
    else:
        for A in range(1 if a > 0 else 0, 1 << a):
            first = A << (16 - a) | ps << m
            ranges.append([first, first + (1 << m) - 1])
    merged = []
    for f, l in ranges:
        if merged and merged[-1][1] + 1 == f:
            merged[-1][1] = l
        else:
            merged.append([f, l])
    ports = sum(l - f + 1 for f, l in merged)
    # RFC 7597 5.2 / 6: prefix (subnet-id bits zero) + interface identifier.
    if legacy_iid:   # draft-ietf-softwire-map-03: 0(8) v4(32) psid(16) 0(8)
        iid = v4 << 24 | ps << 8
    else:            # RFC 7597 6: 0(16) v4(32) psid(16)
        iid = v4 << 16 | ps
    v6 = int(eup.network_address) | iid
    return {
        "ipv4_address": str(ipaddress.IPv4Address(v4)),
        "psid": ps,
        "psid_len": k,
        "psid_offset": a,
        "ipv6_address": str(ipaddress.IPv6Address(v6)),
        "ports": ports,
        "port_ranges": merged,
    }


def parse(argv):
    kw = {"legacy_iid": False}
    it = iter(argv)
    names = {"end-user-prefix": ("eup", str), "ipv6-prefix": ("rule6", str),
             "ipv4-prefix": ("rule4", str), "ea-len": ("ea_len", int),
             "psid-offset": ("psid_offset", int),
             "psid-len": ("psid_len", int), "psid": ("psid", int)}
    for tok in it:
        if tok == "rule":
            continue
        if tok == "legacy-iid":
            kw["legacy_iid"] = True
            continue
        key, conv = names[tok]
        v = next(it)
        kw[key] = int(v, 0) if conv is int else v
    return kw


def main():
    try:
        print(json.dumps(derive(**parse(sys.argv[1:]))))
    except (ValueError, KeyError, StopIteration) as e:
        print("maporacle: %s" % e, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
