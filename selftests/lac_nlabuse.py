#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink abuse of lac devices, for lac_nlabuse.sh (raw rtnetlink, no ip).

  lac_nlabuse.py link-cases create UNDERLAY
                 every IFLA_LAC_* (and IFLA_ADDRESS, IFLA_MTU) with a wrong
                 length, type or value on RTM_NEWLINK of a new device: each
                 must be refused with an extack message and leave no device
  lac_nlabuse.py link-cases down|up DEV UNDERLAY
                 the same on an existing device (changelink), plus what may
                 not change in that state
  lac_nlabuse.py fdb-cases DEV
                 NDA_* and ndmsg abuse on RTM_NEWNEIGH, RTM_DELNEIGH and
                 RTM_GETNEIGH (bridge fdb ... self)
  lac_nlabuse.py change DEV NAME:TYPE:VALUE...
                 changelink with these IFLA_LAC_NAME attributes (TYPE u8,
                 u32, be16), e.g. NOGROUP:u8:0, which ip cannot say
  lac_nlabuse.py churn-link COUNT SECONDS [UP_EVERY]
                 create and delete a lac device COUNT times (at most
                 SECONDS), every UP_EVERY-th one created up; they are
                 deleted a hundred at a time, one by name and the rest by
                 their interface group
  lac_nlabuse.py churn-fdb DEV COUNT SECONDS
                 add and delete a static entry and a flood target COUNT
                 times (at most SECONDS)

The case commands print "ok NAME: ERRNO MESSAGE" or "FAIL NAME: why" per
case, then "cases N failed M"; the churn commands print "done N in S s".
Exit status 0 if every case passed (churn: every operation succeeded).
"""

import os
import re
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from lac_util import nla, nlmsgerr  # noqa: E402

NETLINK_ROUTE = 0
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_GET_STRICT_CHK = 12
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK = 0x1, 0x4
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800
NLA_F_NESTED = 0x8000
RTM_NEWLINK, RTM_DELLINK = 16, 17
RTM_NEWNEIGH, RTM_DELNEIGH, RTM_GETNEIGH = 28, 29, 30
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINKINFO = 1, 3, 4, 18
IFLA_GROUP = 27
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFF_UP = 1
AF_BRIDGE = 7
NTF_SELF = 0x02
NUD_REACHABLE, NUD_STALE, NUD_NOARP, NUD_PERMANENT = 0x02, 0x04, 0x40, 0x80

# include/uapi/linux/if_lac.h
LAC = dict(GROUP=1, GROUP6=2, VNI=3, PORT=4, LINK=5, LOCAL=6, LOCAL6=7,
           TTL=8, AGEING=9, LOCAL_PORT=10, LEARNING=11, MAXADDR=12,
           NOGROUP=13, FLUSH=14)
# linux/neighbour.h
NDA = dict(DST=1, LLADDR=2, CACHEINFO=3, PROBES=4, VLAN=5, PORT=6, VNI=7,
           IFINDEX=8, MASTER=9, LINK_NETNSID=10, SRC_VNI=11, PROTOCOL=12,
           NH_ID=13, FDB_EXT_ATTRS=14, FLAGS_EXT=15)
NTF_EXT_LOCKED = 1 << 1


def u8(v):
    return struct.pack("=B", v)


def u16(v):
    return struct.pack("=H", v)


def be16(v):
    return struct.pack("!H", v)


def u32(v):
    return struct.pack("=I", v)


def in4(a):
    return socket.inet_aton(a)


def in6(a):
    return socket.inet_pton(socket.AF_INET6, a)


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


class Rtnl:
    def __init__(self):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                               NETLINK_ROUTE)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.s.bind((0, 0))
        self.seq = 0

    def request(self, mtype, flags, body):
        """Send one request with NLM_F_ACK; return (errno, extack message)
        of its ack (errno 0: success)."""
        self.seq += 1
        msg = struct.pack("=IHHII", 16 + len(body), mtype,
                          flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0) + body
        self.s.send(msg)
        while True:
            data = self.s.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                length, rtype, rflags, seq = struct.unpack("=IHHI", data[off:off + 12])
                if length < 16:
                    break
                if rtype == NLMSG_ERROR and seq == self.seq:
                    return nlmsgerr(data[off:off + length], rflags)
                off += (length + 3) & ~3

    def link(self, name, data=b"", flags=NLM_F_CREATE | NLM_F_EXCL,
             ifi_flags=0, extra=b"", kind=b"lac"):
        body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, ifi_flags,
                           ifi_flags)
        body += nla(IFLA_IFNAME, name.encode() + b"\0") + extra
        info = nla(IFLA_INFO_KIND, kind)
        if data is not None:
            info += nla(IFLA_INFO_DATA | NLA_F_NESTED, data)
        body += nla(IFLA_LINKINFO | NLA_F_NESTED, info)
        return self.request(RTM_NEWLINK, flags, body)

    def dellink(self, name):
        body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
        body += nla(IFLA_IFNAME, name.encode() + b"\0")
        return self.request(RTM_DELLINK, 0, body)

    def neigh(self, mtype, ifindex, lladdr, attrs=b"", state=NUD_PERMANENT,
              flags=NLM_F_CREATE | NLM_F_EXCL, ntf=NTF_SELF):
        body = struct.pack("=BxxxiHBB", AF_BRIDGE, ifindex, state, ntf, 0)
        if lladdr is not None:
            body += nla(NDA["LLADDR"], lladdr)
        body += attrs
        return self.request(mtype, flags, body)


def ifindex(name):
    try:
        return socket.if_nametoindex(name)
    except OSError:
        return 0


class Cases:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def check(self, name, res, pattern=".", after=None):
        """res: (errno, message) of a request that must be refused with a
        message matching pattern (case-insensitive); after() may add a
        reason to fail (something the request must not have done)."""
        self.n += 1
        err, text = res
        why = None
        if err == 0:
            why = "accepted"
        elif not text:
            why = "refused (errno %d) without an extack message" % err
        elif not re.search(pattern, text, re.I):
            why = "message '%s' does not match '%s'" % (text, pattern)
        # after() also cleans up what an accepted request made.
        left = after() if after else None
        if left:
            why = "%s; %s" % (why, left) if why else left
        if why:
            self.failed += 1
            print("FAIL %s: %s" % (name, why))
        else:
            print("ok %s: %d %s" % (name, err, text))

    def expect_ok(self, name, res):
        self.n += 1
        if res[0]:
            self.failed += 1
            print("FAIL %s: refused: %d %s" % (name, res[0], res[1]))
        else:
            print("ok %s: accepted" % name)

    def finish(self):
        print("cases %d failed %d" % (self.n, self.failed))
        return 1 if self.failed else 0


POLICY = r"attribute|policy|length|range|invalid|size"

# IFLA_LAC_* abuse: (name, attributes, pattern of the message).  The same
# table serves RTM_NEWLINK of a new device and changelink of a down one.
def link_table(under):
    L = LAC
    t = [
        ("group-len0", nla(L["GROUP"], b""), POLICY),
        ("group-len3", nla(L["GROUP"], b"\xef\0\0"), POLICY),
        ("group-len5", nla(L["GROUP"], in4("239.0.0.9") + b"\0"), POLICY),
        ("group-len16", nla(L["GROUP"], in6("ff05::9")), POLICY),
        ("group-unicast", nla(L["GROUP"], in4("10.1.2.3")), "multicast"),
        ("group-zero", nla(L["GROUP"], in4("0.0.0.0")), "multicast"),
        ("group-bcast", nla(L["GROUP"], in4("255.255.255.255")), "multicast"),
        ("group6-len4", nla(L["GROUP6"], in4("239.0.0.9")), POLICY),
        ("group6-len15", nla(L["GROUP6"], in6("ff05::9")[:15]), POLICY),
        ("group6-len17", nla(L["GROUP6"], in6("ff05::9") + b"\0"), POLICY),
        ("group6-unicast", nla(L["GROUP6"], in6("fd00::9")), "multicast"),
        ("group6-any", nla(L["GROUP6"], in6("::")), "multicast"),
        ("vni-len0", nla(L["VNI"], b""), POLICY),
        ("vni-len3", nla(L["VNI"], b"\1\0\0"), POLICY),
        ("vni-len8", nla(L["VNI"], u32(5) + u32(0)), POLICY),
        ("vni-2^24", nla(L["VNI"], u32(1 << 24)), "VNI|2\\^24"),
        ("vni-u32max", nla(L["VNI"], u32(0xFFFFFFFF)), "VNI|2\\^24"),
        ("vni-nested-flag", nla(L["VNI"] | NLA_F_NESTED, u32(5)), POLICY + "|nested"),
        ("port-len0", nla(L["PORT"], b""), POLICY),
        ("port-len1", nla(L["PORT"], b"\1"), POLICY),
        ("port-len4", nla(L["PORT"], be16(7000) + b"\0\0"), POLICY),
        ("port-0", nla(L["PORT"], be16(0)), "port"),
        ("link-len2", nla(L["LINK"], u16(under)), POLICY),
        ("link-0", nla(L["LINK"], u32(0)), "device|not found"),
        ("link-missing", nla(L["LINK"], u32(999999)), "device|not found"),
        ("link-u32max", nla(L["LINK"], u32(0xFFFFFFFF)), "device|not found"),
        ("link-len8", nla(L["LINK"], u32(under) + u32(0)), POLICY),
        ("local-len3", nla(L["LOCAL"], b"\x0a\0\0"), POLICY),
        ("local-len5", nla(L["LOCAL"], in4("10.0.0.1") + b"\0"), POLICY),
        ("local-len16", nla(L["LOCAL"], in6("fd00::1")), POLICY),
        ("local-mcast", nla(L["LOCAL"], in4("224.0.0.1")), "unicast"),
        ("local-bcast", nla(L["LOCAL"], in4("255.255.255.255")), "unicast"),
        ("local6-len4", nla(L["LOCAL6"], in4("10.0.0.1")), POLICY),
        ("local6-mcast", nla(L["LOCAL6"], in6("ff02::1")), "unicast"),
        ("ttl-len0", nla(L["TTL"], b""), POLICY),
        ("ttl-len4", nla(L["TTL"], u32(3)), POLICY),
        ("ttl-0", nla(L["TTL"], u8(0)), "TTL"),
        ("ageing-len2", nla(L["AGEING"], u16(5)), POLICY),
        ("ageing-len8", nla(L["AGEING"], u32(5) + u32(0)), POLICY),
        ("localport-any", nla(L["LOCAL_PORT"], be16(4242)), "chosen by the kernel"),
        ("localport-len0", nla(L["LOCAL_PORT"], b""), "chosen by the kernel"),
        ("learning-2", nla(L["LEARNING"], u8(2)), POLICY),
        ("learning-255", nla(L["LEARNING"], u8(255)), POLICY),
        ("learning-len0", nla(L["LEARNING"], b""), POLICY),
        ("learning-len4", nla(L["LEARNING"], u32(1)), POLICY),
        ("maxaddr-len2", nla(L["MAXADDR"], u16(5)), POLICY),
        ("maxaddr-len8", nla(L["MAXADDR"], u32(5) + u32(0)), POLICY),
        ("nogroup-2", nla(L["NOGROUP"], u8(2)), POLICY),
        ("nogroup-len0", nla(L["NOGROUP"], b""), POLICY),
        ("flush-payload", nla(L["FLUSH"], u32(1)), POLICY),
        ("group+group6", nla(L["GROUP"], in4("239.0.0.9")) +
         nla(L["GROUP6"], in6("ff05::9")), "family"),
        ("group+local6", nla(L["GROUP"], in4("239.0.0.9")) +
         nla(L["LOCAL6"], in6("fd00::1")), "family"),
        ("local+group6", nla(L["LOCAL"], in4("10.0.0.1")) +
         nla(L["GROUP6"], in6("ff05::9")), "family"),
    ]
    return t


# Link-level attributes (ifinfomsg), the same for both.
def link_extra_table(under):
    return [
        ("address-len4", nla(IFLA_ADDRESS, b"\2\0\0\1"), b"", "Ethernet|address"),
        ("address-mcast", nla(IFLA_ADDRESS, mac("01:00:5e:00:00:01")), b"", "unicast|address"),
        ("address-zero", nla(IFLA_ADDRESS, bytes(6)), b"", "unicast|address"),
        ("mtu-over-dev", nla(IFLA_MTU, u32(9000)), nla(LAC["LINK"], u32(under)), "MTU|mtu"),
        ("mtu-tiny", nla(IFLA_MTU, u32(10)), b"", "MTU|mtu"),
        ("mtu-max", nla(IFLA_MTU, u32(65535)), b"", "MTU|mtu"),
    ]


def link_cases(argv):
    state = argv[0]
    rt = Rtnl()
    cases = Cases()
    if state == "create":
        under = ifindex(argv[1])
        name = "lacabuse%d" % os.getpid()
        name = name[:15]

        def gone():
            if ifindex(name):
                rt.dellink(name)
                return "device %s made" % name
            return None
        for cname, data, pat in link_table(under):
            cases.check("create/" + cname, rt.link(name, data), pat, gone)
        cases.check("create/flush", rt.link(name, nla(LAC["FLUSH"], b"")),
                    "nothing to flush", gone)
        for cname, extra, data, pat in link_extra_table(under):
            cases.check("create/" + cname, rt.link(name, data, extra=extra),
                        pat, gone)
        # And the same name with sane attributes is accepted: the
        # refusals above were about the attributes.
        res = rt.link(name, nla(LAC["VNI"], u32(5)))
        cases.expect_ok("create/sane", res)
        if not res[0]:
            rt.dellink(name)
        return cases.finish()

    dev = argv[1]
    under = ifindex(argv[2])
    change = 0      # changelink: RTM_NEWLINK on an existing name
    for cname, data, pat in link_table(under):
        if state == "up" and cname.startswith(("group", "vni", "port", "link",
                                                "local-", "local6", "local+")):
            # Up, these are refused for being socket settings; the
            # checks of their values must still come first or after:
            # either message will do.
            pat = pat + "|down|address family"
        cases.check("%s/%s" % (state, cname), rt.link(dev, data, flags=change), pat)
    fam = "family|down"
    cases.check(state + "/family-change",
                rt.link(dev, nla(LAC["GROUP6"], in6("ff05::9")), flags=change), fam)
    cases.check(state + "/family-change-local",
                rt.link(dev, nla(LAC["LOCAL6"], in6("fd00::1")), flags=change), fam)
    for cname, extra, data, pat in link_extra_table(under):
        # mtu-over-dev would give the device a dev: not the point.  The
        # core checks the address length of an existing device before
        # the driver does, and 6.1 says nothing: not lac's to test.
        if cname.startswith("mtu-over") or cname == "address-len4":
            continue
        cases.check("%s/%s" % (state, cname),
                    rt.link(dev, data, flags=change, extra=extra), pat)
    if state == "up":
        for cname, data in (("vni", nla(LAC["VNI"], u32(77))),
                            ("port", nla(LAC["PORT"], be16(7777))),
                            ("group", nla(LAC["GROUP"], in4("239.0.0.77"))),
                            ("link", nla(LAC["LINK"], u32(under))),
                            ("local", nla(LAC["LOCAL"], in4("10.0.0.1"))),
                            ("nogroup", nla(LAC["NOGROUP"], u8(1)))):
            cases.check("up/busy-" + cname, rt.link(dev, data, flags=change),
                        "down")
    return cases.finish()


def fdb_cases(argv):
    dev = argv[0]
    idx = ifindex(dev)
    rt = Rtnl()
    cases = Cases()
    N = NDA
    m = mac("02:ab:00:00:00:01")
    dst = nla(N["DST"], in4("10.0.0.3"))
    add = lambda attrs, **kw: rt.neigh(RTM_NEWNEIGH, idx, kw.pop("lladdr", m), attrs, **kw)
    dele = lambda attrs, **kw: rt.neigh(RTM_DELNEIGH, idx, kw.pop("lladdr", m), attrs, flags=0, **kw)
    table = [
        ("lladdr-missing", lambda: add(dst, lladdr=None), "address"),
        ("lladdr-len5", lambda: add(dst, lladdr=m[:5]), "address"),
        ("lladdr-len8", lambda: add(dst, lladdr=m + b"\0\0"), "address"),
        ("dst-missing", lambda: add(b""), "dst|destination"),
        ("dst-len0", lambda: add(nla(N["DST"], b"")), "length"),
        ("dst-len5", lambda: add(nla(N["DST"], in4("10.0.0.3") + b"\1")), "length"),
        ("dst-len16-on-v4", lambda: add(nla(N["DST"], in6("fd00::3"))), "family"),
        ("dst-zero", lambda: add(nla(N["DST"], in4("0.0.0.0"))), "unicast"),
        ("dst-mcast", lambda: add(nla(N["DST"], in4("239.1.1.1"))), "unicast"),
        ("dst-bcast", lambda: add(nla(N["DST"], in4("255.255.255.255"))), "unicast"),
        ("port-len0", lambda: add(dst + nla(N["PORT"], b"")), "port"),
        ("port-len1", lambda: add(dst + nla(N["PORT"], b"\7")), "port"),
        ("port-len4", lambda: add(dst + nla(N["PORT"], be16(7000) + b"\0\0")), "port"),
        ("port-0", lambda: add(dst + nla(N["PORT"], be16(0))), "port"),
        ("vlan-5", lambda: add(dst + nla(N["VLAN"], u16(5))), "VLAN"),
        ("vlan-len1", lambda: add(dst + nla(N["VLAN"], b"\5")), "vlan"),
        ("vlan-4095", lambda: add(dst + nla(N["VLAN"], u16(4095))), "vlan"),
        ("vni", lambda: add(dst + nla(N["VNI"], u32(5))), "support"),
        ("src-vni", lambda: add(dst + nla(N["SRC_VNI"], u32(5))), "support"),
        ("ifindex", lambda: add(dst + nla(N["IFINDEX"], u32(1))), "support"),
        ("nh-id", lambda: add(dst + nla(N["NH_ID"], u32(1))), "support"),
        ("link-netnsid", lambda: add(dst + nla(N["LINK_NETNSID"], u32(0))), "support"),
        ("flags-ext-locked", lambda: add(dst + nla(N["FLAGS_EXT"], u32(NTF_EXT_LOCKED))),
         "support|locked"),
        # NDA_* come unvalidated (rtnl_fdb_add() parses them with no
        # policy): a short NDA_FLAGS_EXT must not be read as a u32 (here
        # its padding would make it 0 and the request pass).
        ("flags-ext-len2", lambda: add(dst + nla(N["FLAGS_EXT"], b"\0\0")),
         "length|support|flags"),
        ("flags-ext-len8", lambda: add(dst + nla(N["FLAGS_EXT"], u32(0) + u32(NTF_EXT_LOCKED))),
         "length|support|flags"),
        ("state-none", lambda: add(dst, state=0), "state"),
        ("state-stale", lambda: add(dst, state=NUD_STALE), "state"),
        ("mac-mcast", lambda: add(dst, lladdr=mac("01:00:5e:00:00:01")), "multicast"),
        ("mac-bcast", lambda: add(dst, lladdr=b"\xff" * 6), "multicast|broadcast"),
        ("replace-missing", lambda: add(dst, flags=NLM_F_REPLACE), "no entry"),
        ("del-missing", lambda: dele(b""), "no entry"),
        ("del-vlan", lambda: dele(nla(N["VLAN"], u16(5))), "VLAN"),
        ("del-vni", lambda: dele(nla(N["VNI"], u32(5))), "support"),
        ("del-flood-no-dst", lambda: dele(b"", lladdr=bytes(6)), "dst|destination"),
        ("del-flood-missing", lambda: dele(dst, lladdr=bytes(6)), "flood list|no such"),
        ("del-flood-dst-len3", lambda: dele(nla(N["DST"], b"\1\2\3"), lladdr=bytes(6)), "length"),
    ]
    def cleanup():
        # What an accepted request made must not spoil the next cases.
        if rt.neigh(RTM_DELNEIGH, idx, m, b"", flags=0)[0] == 0:
            return "an entry for %s was made" % ":".join("%02x" % b for b in m)
        return None
    for name, req, pat in table:
        cases.check("fdb/" + name, req(), pat,
                    None if name.startswith("del") else cleanup)

    # Exclusive adds of what exists; a full flood list.
    cases.expect_ok("fdb/add", add(dst))
    cases.check("fdb/add-excl-again", add(dst), "replace|entry")
    cases.expect_ok("fdb/del", dele(b""))
    flood = lambda i, flags: rt.neigh(
        RTM_NEWNEIGH, idx, bytes(6),
        nla(N["DST"], in4("10.9.%d.%d" % (i // 250, i % 250 + 1))), flags=flags)
    ok = all(flood(i, NLM_F_CREATE | NLM_F_APPEND)[0] == 0 for i in range(256))
    cases.n += 1
    print(("ok" if ok else "FAIL") + " fdb/flood-256: 256 flood targets added")
    cases.failed += 0 if ok else 1
    cases.check("fdb/flood-excl-again",
                flood(0, NLM_F_CREATE | NLM_F_EXCL), "flood list|destination")
    cases.check("fdb/flood-257", flood(256, NLM_F_CREATE | NLM_F_APPEND), "full")
    for i in range(257):
        rt.neigh(RTM_DELNEIGH, idx, bytes(6),
                 nla(N["DST"], in4("10.9.%d.%d" % (i // 250, i % 250 + 1))), flags=0)

    # RTM_GETNEIGH (bridge fdb get ... self).
    rt.s.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
    get = lambda lladdr, attrs=b"": rt.request(
        RTM_GETNEIGH, 0,
        struct.pack("=BxxxiHBB", AF_BRIDGE, idx, 0, NTF_SELF, 0) +
        nla(N["LLADDR"], lladdr) + attrs)
    cases.check("fdb/get-missing", get(m), "no entry")
    cases.expect_ok("fdb/add-for-get", add(dst))
    res = get(m)
    cases.n += 1
    if res[0]:
        cases.failed += 1
        print("FAIL fdb/get: %d %s" % res)
    else:
        print("ok fdb/get: found")
    cases.check("fdb/get-vlan", get(m, nla(N["VLAN"], u16(5))), "VLAN")
    dele(b"")
    return cases.finish()


def change(argv):
    rt = Rtnl()
    data = b""
    pack = {"u8": u8, "u32": u32, "be16": be16}
    for spec in argv[1:]:
        name, atype, val = spec.split(":", 2)
        data += nla(LAC[name], pack[atype](int(val, 0)))
    err, text = rt.link(argv[0], data, flags=0)
    print("ok" if not err else "error %d %s" % (err, text))
    return 1 if err else 0


# Devices made by churn-link are deleted a batch at a time: one by name (a
# dellink of its own), the rest with one RTM_DELLINK for their interface
# group, which unregisters them together as a dying netns does.  Each
# unregistration waits for RCU once, not once a device: what makes 10 000
# rounds take seconds rather than minutes.
CHURN_BATCH = 100
CHURN_GROUP = 0x1ac


def dellink_group(rt, group):
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    body += nla(IFLA_GROUP, u32(group))
    return rt.request(RTM_DELLINK, 0, body)


def churn_link(argv):
    count, seconds = int(argv[0]), float(argv[1])
    up_every = int(argv[2]) if len(argv) > 2 else 0
    rt = Rtnl()
    prefix = "lch%d." % (os.getpid() % 1000000)
    start = time.monotonic()
    done = 0
    errors = []
    data = nla(LAC["VNI"], u32(4242)) + nla(LAC["TTL"], u8(3)) + \
        nla(LAC["MAXADDR"], u32(10))
    group = nla(IFLA_GROUP, u32(CHURN_GROUP))
    while done < count and time.monotonic() - start < seconds and \
            len(errors) <= 5:
        names = []
        for i in range(min(CHURN_BATCH, count - done)):
            up = IFF_UP if up_every and (done + i) % up_every == 0 else 0
            err, text = rt.link(prefix + str(i), data, ifi_flags=up,
                                extra=group)
            if err:
                errors.append("create %d: %d %s" % (done + i, err, text))
                break
            names.append(prefix + str(i))
        if names:
            err, text = rt.dellink(names[0])
            if err:
                errors.append("delete %d: %d %s" % (done, err, text))
        if len(names) > 1:
            err, text = dellink_group(rt, CHURN_GROUP)
            if err:
                errors.append("delete group at %d: %d %s" % (done, err, text))
        done += len(names)
    for line in errors:
        print(line)
    print("done %d in %.1f s" % (done, time.monotonic() - start))
    return 1 if errors else 0


def churn_fdb(argv):
    dev, count, seconds = argv[0], int(argv[1]), float(argv[2])
    idx = ifindex(dev)
    rt = Rtnl()
    start = time.monotonic()
    done = 0
    errors = 0
    while done < count and time.monotonic() - start < seconds:
        m = bytes([2, 0xcd]) + (done % 4096).to_bytes(4, "big")
        dst = nla(NDA["DST"], in4("10.0.%d.%d" % (done % 7 + 1, done % 250 + 1)))
        port = nla(NDA["PORT"], be16(7000 + done % 1000))
        for res in (rt.neigh(RTM_NEWNEIGH, idx, m, dst + port),
                    rt.neigh(RTM_NEWNEIGH, idx, bytes(6), dst + port,
                             flags=NLM_F_CREATE | NLM_F_APPEND),
                    rt.neigh(RTM_DELNEIGH, idx, m, b"", flags=0),
                    rt.neigh(RTM_DELNEIGH, idx, bytes(6), dst + port, flags=0)):
            if res[0]:
                errors += 1
                print("op %d: %d %s" % (done, res[0], res[1]))
        done += 1
        if errors > 5:
            break
    print("done %d in %.1f s" % (done, time.monotonic() - start))
    return 1 if errors else 0


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "link-cases" and argv[0] == "create" and len(argv) == 2:
        return link_cases(argv)
    if cmd == "link-cases" and argv[0] in ("down", "up") and len(argv) == 3:
        return link_cases(argv)
    if cmd == "fdb-cases" and len(argv) == 1:
        return fdb_cases(argv)
    if cmd == "change" and len(argv) >= 2:
        return change(argv)
    if cmd == "churn-link" and len(argv) in (2, 3):
        return churn_link(argv)
    if cmd == "churn-fdb" and len(argv) == 3:
        return churn_fdb(argv)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
