#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers of the lac FDB selftests (lib_fdb.sh), next to lac_util.py.

  lac_fdb_util.py fdb-entries      read `bridge -j [-s] fdb show dev DEV` on
                                   stdin, print one line per entry:
                                   MAC DST PORT STATE USED UPDATED FLAGS
                                   ("-" for a missing field, FLAGS joined
                                   with commas)
  lac_fdb_util.py neigh CMD IFNAME MAC [--state S] [ID:TYPE:VALUE...]
                                   RTM_NEWNEIGH (CMD add) or RTM_DELNEIGH
                                   (del) for AF_BRIDGE, NTF_SELF, with raw
                                   NDA_* attributes (TYPE u8, u16, be16,
                                   u32, in4, in6 or hex: any bytes, so any
                                   length); print "ok" or
                                   "error ERRNO EXTACK-MESSAGE"
  lac_fdb_util.py send-many --bind ADDR:PORT --to ADDR:PORT --count N
                                   [--vni V] [--seed S] [--prefix 02:5a]
                                   N broadcast frames, each from another
                                   (random, distinct) unicast source MAC
                                   starting with the prefix
  lac_fdb_util.py pcap FILE        like lac_util.py pcap, also for captures
                                   on "any" (Linux cooked, SLL and SLL2)
"""

import argparse
import json
import os
import random
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lac_util import describe, nla  # noqa: E402

NETLINK_ROUTE = 0
NETLINK_EXT_ACK = 11
SOL_NETLINK = 270
RTM_NEWNEIGH, RTM_DELNEIGH = 28, 29
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG = 1
AF_BRIDGE = 7
NTF_SELF = 0x02
NUD_STATES = {"permanent": 0x80, "noarp": 0x40, "reachable": 0x02,
              "static": 0x40 | 0x02}

# NDA_* of linux/neighbour.h, by name for readability of the tests.
NDA = {"dst": 1, "lladdr": 2, "cacheinfo": 3, "vlan": 5, "port": 6,
       "vni": 7, "ifindex": 8, "src_vni": 11}


def fdb_entries():
    text = sys.stdin.read().strip()
    for ent in json.loads(text) if text else []:
        fields = [ent.get("mac", "-"), ent.get("dst", "-"),
                  ent.get("port", "-"), ent.get("state", "") or "-",
                  ent.get("used", "-"), ent.get("updated", "-"),
                  ",".join(ent.get("flags", [])) or "-"]
        print(" ".join(str(f) for f in fields))
    return 0


def attr_payload(atype, val):
    if atype == "hex":
        return bytes.fromhex(val)
    if atype == "in4":
        return socket.inet_aton(val)
    if atype == "in6":
        return socket.inet_pton(socket.AF_INET6, val)
    pack = {"u8": "=B", "u16": "=H", "be16": "!H", "u32": "=I"}
    return struct.pack(pack[atype], int(val, 0))


def netlink_talk(msg):
    """Send one request, print "ok" or "error ERRNO MESSAGE"; 0 if ok."""
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
    s.bind((0, 0))
    s.send(msg)
    reply = s.recv(65536)
    length, mtype, mflags = struct.unpack("=IHH", reply[:8])
    if mtype != NLMSG_ERROR:
        print("unexpected reply type %d" % mtype)
        return 2
    err = struct.unpack("=i", reply[16:20])[0]
    if err == 0:
        print("ok")
        return 0
    text = ""
    if mflags & NLM_F_ACK_TLVS:
        # The request is echoed back after the error unless capped.
        off = 20 + (16 if mflags & NLM_F_CAPPED else
                    struct.unpack("=I", reply[20:24])[0])
        while off + 4 <= length:
            alen, atype = struct.unpack("=HH", reply[off:off + 4])
            if alen < 4:
                break
            if atype == NLMSGERR_ATTR_MSG:
                text = reply[off + 4:off + alen].split(b"\0")[0].decode()
            off += (alen + 3) & ~3
    print("error %d %s" % (-err, text))
    return 1


def neigh(argv):
    p = argparse.ArgumentParser(prog="lac_fdb_util.py neigh")
    p.add_argument("cmd", choices=("add", "del"))
    p.add_argument("ifname")
    p.add_argument("mac")
    p.add_argument("--state", default="permanent",
                   help="permanent, static, reachable, noarp or a number")
    p.add_argument("attrs", nargs="*", help="NAME-OR-ID:TYPE:VALUE")
    args = p.parse_intermixed_args(argv)

    state = NUD_STATES.get(args.state)
    if state is None:
        state = int(args.state, 0)
    body = struct.pack("=BxxxiHBB", AF_BRIDGE, socket.if_nametoindex(args.ifname),
                       state, NTF_SELF, 0)
    body += nla(NDA["lladdr"], bytes(int(x, 16) for x in args.mac.split(":")))
    for spec in args.attrs:
        aid, atype, val = spec.split(":", 2)
        aid = NDA[aid] if aid in NDA else int(aid, 0)
        body += nla(aid, attr_payload(atype, val))
    if args.cmd == "add":
        mtype = RTM_NEWNEIGH
        flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    else:
        mtype = RTM_DELNEIGH
        flags = NLM_F_REQUEST | NLM_F_ACK
    msg = struct.pack("=IHHII", 16 + len(body), mtype, flags, 1, 0) + body
    return netlink_talk(msg)


def parse_addr(text):
    addr, _, port = text.rpartition(":")
    if addr.startswith("[") and addr.endswith("]"):
        addr = addr[1:-1]
    return addr, int(port)


def send_many(argv):
    p = argparse.ArgumentParser(prog="lac_fdb_util.py send-many")
    p.add_argument("--bind", required=True)
    p.add_argument("--to", required=True)
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--vni", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--prefix", default="02:5a",
                   help="first two bytes of every source MAC")
    args = p.parse_args(argv)

    pre = bytes(int(x, 16) for x in args.prefix.split(":"))
    if len(pre) != 2 or pre[0] & 1:
        raise SystemExit("bad prefix %s (two bytes, unicast)" % args.prefix)
    rnd = random.Random(args.seed)
    macs = set()
    while len(macs) < args.count:
        macs.add(pre + rnd.getrandbits(32).to_bytes(4, "big"))
    hdr = bytes([0x08, 0, 0, 0]) + args.vni.to_bytes(3, "big") + b"\0"
    tail = b"\xff" * 6
    body = struct.pack("!H", 0x88B5) + b"lac mac flood".ljust(46, b"\0")
    bind = parse_addr(args.bind)
    to = parse_addr(args.to)
    fam = socket.AF_INET6 if ":" in bind[0] else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    else:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
    s.bind(bind)
    sent = 0
    for mac in sorted(macs):
        s.sendto(hdr + tail + mac + body, to)
        sent += 1
    print(sent)
    return 0


LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


def ip_line(etype, pkt):
    """One record for an IPv4 or IPv6 UDP packet, or None."""
    if etype == 0x86DD:
        return udp6_line(pkt)
    if etype != 0x0800 or len(pkt) < 20 or pkt[9] != 17:
        return None
    ihl = (pkt[0] & 0x0F) * 4
    if struct.unpack("!H", pkt[6:8])[0] & 0x1FFF:
        return None
    tot = struct.unpack("!H", pkt[2:4])[0]
    udp = pkt[ihl:tot]
    if len(udp) < 8:
        return None
    sport, dport, ulen = struct.unpack("!HHH", udp[:6])
    return describe(socket.inet_ntoa(pkt[12:16]), sport,
                    socket.inet_ntoa(pkt[16:20]), dport, pkt[8], udp[8:ulen])


def udp6_line(ip6):
    if len(ip6) < 40 or ip6[0] >> 4 != 6:
        return None
    nxt, hops = ip6[6], ip6[7]
    plen = struct.unpack("!H", ip6[4:6])[0]
    body = ip6[40:40 + plen]
    while nxt in (0, 43, 60, 44):
        if len(body) < 8:
            return None
        if nxt == 44:
            if struct.unpack("!H", body[2:4])[0] & 0xFFF8:
                return None
            hlen = 8
        else:
            hlen = (body[1] + 1) * 8
        nxt, body = body[0], body[hlen:]
    if nxt != 17 or len(body) < 8:
        return None
    sport, dport, ulen = struct.unpack("!HHH", body[:6])
    return describe(socket.inet_ntop(socket.AF_INET6, ip6[8:24]), sport,
                    socket.inet_ntop(socket.AF_INET6, ip6[24:40]), dport,
                    hops, body[8:ulen])


def pcap_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    magic = data[:4]
    if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        end = "<"
    elif magic in (b"\xa1\xb2\xc3\xd4", b"\xa1\xb2\x3c\x4d"):
        end = ">"
    else:
        raise SystemExit("%s: not a pcap file" % path)
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype not in (LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL,
                        LINKTYPE_LINUX_SLL2):
        raise SystemExit("%s: link type %d not supported" % (path, linktype))
    out = []
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if linktype == LINKTYPE_LINUX_SLL:
            if len(pkt) < 16:
                continue
            etype, net = struct.unpack("!H", pkt[14:16])[0], pkt[16:]
        elif linktype == LINKTYPE_LINUX_SLL2:
            if len(pkt) < 20:
                continue
            etype, net = struct.unpack("!H", pkt[0:2])[0], pkt[20:]
        else:
            eo = 12
            while len(pkt) >= eo + 2 and \
                    struct.unpack("!H", pkt[eo:eo + 2])[0] == 0x8100:
                eo += 4
            if len(pkt) < eo + 2:
                continue
            etype, net = struct.unpack("!H", pkt[eo:eo + 2])[0], pkt[eo + 2:]
        line = ip_line(etype, net)
        if line:
            out.append(line)
    return out


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "fdb-entries" and not argv:
        return fdb_entries()
    if cmd == "neigh":
        return neigh(argv)
    if cmd == "send-many":
        return send_many(argv)
    if cmd == "pcap" and len(argv) == 1:
        for line in pcap_lines(argv[0]):
            print(line)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
