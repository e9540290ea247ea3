#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Raw generic-netlink client for the softwire selftests (stdlib only).

It speaks the ABI of uapi/linux/softwire.h byte by byte, so the tests can
send what swctl never would (wrong lengths, unknown attributes, missing or
out-of-range fields) and read the kernel's answer without swctl's help.

  swnl.py cases               list the INST_NEW mutations
  swnl.py new NAME CASE       send INST_NEW built from RFC 7597 example 1,
                              mutated by CASE ("ok" = unmodified)
  swnl.py refuse N NAME CASE  send that INST_NEW N times; every one must be
                              refused (prints the last refusal on stdout)
  swnl.py del NAME | del-ifindex N
  swnl.py get NAME            INST_GET (do); prints the decoded instance JSON
  swnl.py dump                INST_GET (dump); prints a JSON array

Exit 0 when the kernel acks. Otherwise exit 1 and one stderr line:
  swnl: error -<errno> <ENAME>: <extack message> [offs=N] [miss_type=N] ...
"""
import errno
import ipaddress
import json
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10
SOL_NETLINK = 270
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_DUMP = 1, 2, 4, 0x300
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLA_F_NESTED = 1 << 15
NLA_TYPE_MASK = 0x3fff
NLMSGERR_ATTR = {1: "msg", 2: "offs", 3: "cookie", 4: "policy",
                 5: "miss_type", 6: "miss_nest"}
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 0x10, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2

# uapi/linux/softwire.h
FAMILY, VERSION = b"softwire", 1
CMD_NEW, CMD_DEL, CMD_GET = 1, 2, 3
MODE_MAPE_CE = 1
(A_IFNAME, A_IFINDEX, A_MODE, A_EUP, A_EUP_LEN, A_BR, A_RULES, A_RULE,
 A_FLAGS, A_MTU, A_CE_IPV4, A_CE_IPV4_PLEN, A_PSID, A_PSID_LEN,
 A_PSID_OFFSET, A_PORT_COUNT, A_PORT_RANGES, A_CE_IPV6, A_BMR_INDEX,
 A_PAD) = range(1, 21)
(R_IPV6, R_IPV6_LEN, R_IPV4, R_IPV4_LEN, R_EA_LEN, R_PSID_OFFSET,
 R_PSID_LEN, R_PSID, R_FLAGS) = range(1, 10)
F_LEGACY_IID, R_F_FMR = 1, 1
MAX_RULES = 64
UNKNOWN_TYPE = 200       # far above any attribute the ABI will ever append


# ------------------------------------------------------------------ encoding
def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def nest(atype, parts, nested_flag=True):
    return nla(atype | (NLA_F_NESTED if nested_flag else 0), b"".join(parts))


def u8(v): return struct.pack("=B", v)
def u16(v): return struct.pack("=H", v)
def u32(v): return struct.pack("=I", v)
def v6(s): return ipaddress.IPv6Address(s).packed
def be32(s): return ipaddress.IPv4Address(s).packed
def ifname(s): return s.encode() + b"\0"


def rule(p6, l6, p4, l4, ea, a=None, k=None, psid=None, flags=None):
    """A rule as an ordered dict of attribute type -> payload (None = omit)."""
    return {R_IPV6: v6(p6), R_IPV6_LEN: u8(l6), R_IPV4: be32(p4),
            R_IPV4_LEN: u8(l4), R_EA_LEN: u8(ea),
            R_PSID_OFFSET: None if a is None else u8(a),
            R_PSID_LEN: None if k is None else u8(k),
            R_PSID: None if psid is None else u16(psid),
            R_FLAGS: None if flags is None else u32(flags)}


def base_config(name):
    """RFC 7597 Appendix A example 1, BR 2001:db8:ffff::1."""
    return {
        A_IFNAME: ifname(name), A_MODE: u8(MODE_MAPE_CE),
        A_EUP: v6("2001:db8:12:3400::"), A_EUP_LEN: u8(56),
        A_BR: v6("2001:db8:ffff::1"),
        A_RULES: [rule("2001:db8::", 40, "192.0.2.0", 24, 16, 6)],
        A_FLAGS: None, A_MTU: None,
        "extra": [],            # raw attributes appended verbatim
        "rules_nested_flag": True,
    }


def encode_config(cfg):
    out = []
    for atype, val in cfg.items():
        if not isinstance(atype, int) or val is None:
            continue
        if atype == A_RULES:
            rules = []
            for r in val:
                if isinstance(r, bytes):
                    rules.append(r)
                    continue
                rules.append(nest(A_RULE, [nla(t, p) for t, p in r.items()
                                           if p is not None]))
            out.append(nest(A_RULES, rules, cfg["rules_nested_flag"]))
        else:
            out.append(nla(atype, val))
    return b"".join(out + cfg["extra"])


# ------------------------------------------------------------ INST_NEW cases
def _rule0(c):
    return c[A_RULES][0]


def _many_rules(count):
    """count distinct valid rules; rule 0 is the BMR of the base EUP."""
    rules = [rule("2001:db8::", 40, "192.0.2.0", 24, 16, 6)]
    for i in range(1, count):
        # 2001:db8:XX00::/40 with XX = i, IPv4 198.51.100.(4i)/30 (p = 2,
        # k = 8, o = 10): all distinct, all valid on their own.
        rules.append(rule("2001:db8:%x00::" % i, 40,
                          "198.51.100.%d" % (4 * (i % 64)), 30, 10, 6,
                          flags=R_F_FMR))
    return rules


def _set(key, val):
    def f(c):
        c[key] = val
    return f


def _rset(key, val):
    def f(c):
        _rule0(c)[key] = val
    return f


def _ea0_rule(k, psid):
    def f(c):
        c[A_RULES] = [rule("2001:db8:12:3400::", 56, "192.0.2.1", 32, 0, 6,
                           k=k, psid=psid)]
    return f


def _extra(raw):
    def f(c):
        c["extra"].append(raw)
    return f


def _no_nested_flag(c):
    c["rules_nested_flag"] = False


# name -> (mutation, what it breaks). "ok" and "ok-64-rules" must be accepted.
CASES = {
    "ok": (lambda c: None, "unmodified RFC 7597 example 1"),
    "ok-64-rules": (_set(A_RULES, _many_rules(MAX_RULES)), "64 rules"),
    "eup-15-bytes": (_set(A_EUP, v6("2001:db8:12:3400::")[:15]),
                     "END_USER_PREFIX of 15 bytes"),
    "br-15-bytes": (_set(A_BR, v6("2001:db8:ffff::1")[:15]),
                    "BR_ADDR of 15 bytes"),
    "rule-ipv6-15-bytes": (_rset(R_IPV6, v6("2001:db8::")[:15]),
                           "RULE_A_IPV6_PREFIX of 15 bytes"),
    "rule-ipv4-3-bytes": (_rset(R_IPV4, be32("192.0.2.0")[:3]),
                          "RULE_A_IPV4_PREFIX of 3 bytes"),
    "ea-len-as-u32": (_rset(R_EA_LEN, u32(16)), "u8 EA_LEN sent as 4 bytes"),
    "unknown-attr": (_extra(nla(UNKNOWN_TYPE, u32(1))),
                     "unknown top-level attribute type"),
    "unknown-rule-attr": (_rset(UNKNOWN_TYPE, u32(1)),
                          "unknown rule attribute type"),
    "rules-not-nested": (_no_nested_flag, "RULES without NLA_F_NESTED"),
    "no-mode": (_set(A_MODE, None), "MODE missing"),
    "bad-mode": (_set(A_MODE, u8(99)), "MODE 99"),
    "no-ifname": (_set(A_IFNAME, None), "IFNAME missing"),
    "ifname-too-long": (_set(A_IFNAME, ifname("sw" + "x" * 18)),
                        "IFNAME of 20 characters"),
    "no-eup": (_set(A_EUP, None), "END_USER_PREFIX missing"),
    "no-eup-len": (_set(A_EUP_LEN, None), "END_USER_PREFIX_LEN missing"),
    "no-br": (_set(A_BR, None), "BR_ADDR missing"),
    "no-rules": (_set(A_RULES, None), "RULES missing"),
    "rules-empty": (_set(A_RULES, []), "RULES with no RULE"),
    "rules-65": (_set(A_RULES, _many_rules(MAX_RULES + 1)), "65 rules"),
    "ipv6-len-65": (_rset(R_IPV6_LEN, u8(65)), "rule IPv6 prefix length 65"),
    "ipv4-len-33": (_rset(R_IPV4_LEN, u8(33)), "rule IPv4 prefix length 33"),
    "eup-len-65": (_set(A_EUP_LEN, u8(65)), "end-user prefix length 65"),
    "ea-len-49": (_rset(R_EA_LEN, u8(49)), "EA length 49"),
    "n-plus-o-gt-64": (_set(A_RULES, [rule("2001:db8:12:3400::", 56,
                                           "192.0.2.0", 24, 16, 6)]),
                       "n + o = 72 > 64"),
    "a-plus-k-gt-16": (_rset(R_PSID_OFFSET, u8(10)), "a + k = 18 > 16"),
    "psid-offset-17": (_rset(R_PSID_OFFSET, u8(17)), "psid offset 17"),
    "psid-len-mismatch": (_rset(R_PSID_LEN, u8(4)),
                          "psid-len 4 where ea-len gives 8"),
    "ipv6-host-bits": (_rset(R_IPV6, v6("2001:db8:1::")),
                       "rule IPv6 prefix with bits beyond /40"),
    "ipv4-host-bits": (_rset(R_IPV4, be32("192.0.2.1")),
                       "rule IPv4 prefix with bits beyond /24"),
    "eup-host-bits": (_set(A_EUP, v6("2001:db8:12:3401::")),
                      "end-user prefix with bits beyond /56"),
    "eup-outside-rule": (_set(A_EUP, v6("2001:db8:ff12:3400::")),
                         "end-user prefix outside every rule"),
    "eup-too-short": (_set(A_EUP_LEN, u8(48)),
                      "end-user prefix /48 shorter than n + o = 56"),
    "psid-ge-2k": (_ea0_rule(8, 256), "explicit psid 256 with psid-len 8"),
    "mtu-1000": (_set(A_MTU, u32(1000)), "MTU 1000"),
}


# ------------------------------------------------------------------ socket
class Nl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_GENERIC)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.bind((0, 0))
        self.seq = 1000
        self.family = None

    def request(self, mtype, cmd, version, attrs, flags=0):
        """Send one request; return (error, extack dict, [reply payloads])."""
        self.seq += 1
        body = struct.pack("=BBH", cmd, version, 0) + attrs
        hdr = struct.pack("=IHHII", 16 + len(body), mtype,
                          NLM_F_REQUEST | NLM_F_ACK | flags, self.seq, 0)
        self.s.send(hdr + body)
        replies = []
        while True:
            data = self.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                ln, t, fl, seq, _ = struct.unpack_from("=IHHII", data, off)
                msg = data[off:off + ln]
                off += (ln + 3) & ~3
                if seq != self.seq:
                    continue
                if t == NLMSG_ERROR:
                    return self._err(msg, fl) + (replies,)
                if t == NLMSG_DONE:
                    # A dump error rides in the DONE payload (int error).
                    err = struct.unpack_from("=i", msg, 16)[0] \
                        if ln >= 20 else 0
                    ext = parse_attrs(msg[20:], NLMSGERR_ATTR) \
                        if fl & NLM_F_ACK_TLVS else {}
                    return err, decode_ext(ext), replies
                replies.append(msg[16 + 4:])        # skip genlmsghdr

    @staticmethod
    def _err(msg, flags):
        err = struct.unpack_from("=i", msg, 16)[0]
        ext = {}
        if flags & NLM_F_ACK_TLVS:
            orig_len = struct.unpack_from("=I", msg, 20)[0]
            tlv = 20 + (16 if flags & NLM_F_CAPPED else orig_len)
            ext = parse_attrs(msg[tlv:], NLMSGERR_ATTR)
        return err, decode_ext(ext)

    def resolve(self):
        err, ext, rep = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                                     nla(CTRL_ATTR_FAMILY_NAME,
                                         FAMILY + b"\0"))
        if err:
            fail(err, ext, "resolving family %s" % FAMILY.decode())
        a = parse_attrs(rep[0])
        self.family = struct.unpack("=H", a[CTRL_ATTR_FAMILY_ID][:2])[0]
        return self.family

    def sw(self, cmd, attrs, flags=0):
        if self.family is None:
            self.resolve()
        return self.request(self.family, cmd, VERSION, attrs, flags)


def parse_attrs(buf, names=None):
    out = {}
    off = 0
    while off + 4 <= len(buf):
        ln, t = struct.unpack_from("=HH", buf, off)
        if ln < 4:
            break
        t &= NLA_TYPE_MASK
        val = buf[off + 4:off + ln]
        if names is None and t == A_RULE:
            out.setdefault("rule_list", []).append(val)
        else:
            out.setdefault(names.get(t, t) if names else t, val)
        off += (ln + 3) & ~3
    return out


def decode_ext(ext):
    d = {}
    for k, v in ext.items():
        if k == "msg":
            d[k] = v.rstrip(b"\0").decode(errors="replace")
        elif k in ("offs", "miss_type", "miss_nest") and len(v) >= 4:
            d[k] = struct.unpack("=I", v[:4])[0]
    return d


def uint(v):
    return {1: "=B", 2: "=H", 4: "=I", 8: "=Q"}.get(len(v)) and \
        struct.unpack({1: "=B", 2: "=H", 4: "=I", 8: "=Q"}[len(v)], v)[0]


def decode_instance(payload):
    a = parse_attrs(payload)
    g = a.get

    def pfx6(addr, plen):
        return "%s/%d" % (ipaddress.IPv6Address(addr), uint(plen))

    inst = {"name": g(A_IFNAME, b"").rstrip(b"\0").decode(),
            "ifindex": uint(g(A_IFINDEX, b"")), "mode": uint(g(A_MODE, b"")),
            "flags": uint(g(A_FLAGS, b"\0\0\0\0")),
            "mtu": uint(g(A_MTU, b""))}
    if A_EUP in a:
        inst["end_user_prefix"] = pfx6(a[A_EUP], a[A_EUP_LEN])
    if A_BR in a:
        inst["br"] = str(ipaddress.IPv6Address(a[A_BR]))
    rules = []
    for rbuf in parse_attrs(a.get(A_RULES, b"")).get("rule_list", []):
        r = parse_attrs(rbuf)
        rules.append({
            "ipv6_prefix": pfx6(r[R_IPV6], r[R_IPV6_LEN]),
            "ipv4_prefix": "%s/%d" % (ipaddress.IPv4Address(r[R_IPV4]),
                                      uint(r[R_IPV4_LEN])),
            "ea_len": uint(r[R_EA_LEN]),
            "psid_offset": uint(r.get(R_PSID_OFFSET, b"")),
            "psid_len": uint(r.get(R_PSID_LEN, b"")),
            "psid": uint(r.get(R_PSID, b"")),
            "flags": uint(r.get(R_FLAGS, b"\0\0\0\0"))})
    inst["rules"] = rules
    if A_CE_IPV4 in a:
        inst["ipv4_address"] = str(ipaddress.IPv4Address(a[A_CE_IPV4]))
    if A_CE_IPV6 in a:
        inst["ipv6_address"] = str(ipaddress.IPv6Address(a[A_CE_IPV6]))
    for key, t in (("psid", A_PSID), ("psid_len", A_PSID_LEN),
                   ("psid_offset", A_PSID_OFFSET), ("ports", A_PORT_COUNT),
                   ("bmr_index", A_BMR_INDEX)):
        if t in a:
            inst[key] = uint(a[t])
    if A_PORT_RANGES in a:
        pr = a[A_PORT_RANGES]
        inst["port_ranges"] = [list(struct.unpack_from("=HH", pr, i))
                               for i in range(0, len(pr) - len(pr) % 4, 4)]
        inst["port_ranges_bytes"] = len(pr)
    return inst


def fail(err, ext, what=""):
    extra = " ".join("%s=%s" % (k, ext[k]) for k in
                     ("offs", "miss_type", "miss_nest") if k in ext)
    print("swnl: error %d %s: %s%s%s" % (
        err, errno.errorcode.get(-err, "?"), ext.get("msg", "(no extack)"),
        " " + extra if extra else "", " (%s)" % what if what else ""),
        file=sys.stderr)
    sys.exit(1)


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, args = argv[0], argv[1:]
    if cmd == "cases":
        for name, (_, why) in CASES.items():
            print("%-20s %s" % (name, why))
        return 0
    nl = Nl()
    if cmd == "new":
        cfg = base_config(args[0])
        CASES[args[1]][0](cfg)
        err, ext, _ = nl.sw(CMD_NEW, encode_config(cfg))
    elif cmd == "refuse":
        cfg = base_config(args[1])
        CASES[args[2]][0](cfg)
        msg = encode_config(cfg)
        for i in range(int(args[0])):
            err, ext, _ = nl.sw(CMD_NEW, msg)
            if not err:
                print("swnl: request %d was accepted" % (i + 1),
                      file=sys.stderr)
                return 1
        print("refused %s: %d %s: %s" % (args[0], err,
                                          errno.errorcode.get(-err, "?"),
                                          ext.get("msg", "(no extack)")))
        return 0
    elif cmd == "del":
        err, ext, _ = nl.sw(CMD_DEL, nla(A_IFNAME, ifname(args[0])))
    elif cmd == "del-ifindex":
        err, ext, _ = nl.sw(CMD_DEL, nla(A_IFINDEX, u32(int(args[0]))))
    elif cmd == "get":
        err, ext, rep = nl.sw(CMD_GET, nla(A_IFNAME, ifname(args[0])))
        if not err:
            print(json.dumps([decode_instance(p) for p in rep]))
    elif cmd == "dump":
        err, ext, rep = nl.sw(CMD_GET, b"", NLM_F_DUMP)
        if not err:
            print(json.dumps([decode_instance(p) for p in rep]))
    else:
        print("swnl: unknown command %s" % cmd, file=sys.stderr)
        return 2
    if err:
        fail(err, ext)
    if ext.get("msg"):                 # warnings ride on successful acks too
        print("swnl: ok, extack: %s" % ext["msg"], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
