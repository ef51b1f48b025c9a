#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers for the lac selftests.

  lac_util.py link-dump            read `ip -j -d link show DEV` on stdin, print
                                   "KEY VALUE" lines: ifindex, address, mtu,
                                   kind, info.KEY for each key of info_data
  lac_util.py fdb-get MAC          read `bridge -j fdb show` on stdin, print
                                   "DST PORT" of the entry for MAC ("-" for a
                                   missing port); exit 1 if there is none
  lac_util.py fdb-entries          read `bridge -j [-s] fdb show dev DEV` on
                                   stdin, print one line per entry:
                                   MAC DST PORT STATE USED UPDATED FLAGS
                                   ("-" for a missing field, FLAGS joined
                                   with commas)
  lac_util.py pcap FILE [--time]   decode the UDP datagrams of a pcap file
                                   (Ethernet, or "any": Linux cooked SLL and
                                   SLL2), one line each (see pcap_lines());
                                   --time appends the capture time (s since
                                   the epoch)
  lac_util.py send OPTIONS         send VXVDE datagrams from a given
                                   address:port (see send())
  lac_util.py send-many --bind ADDR:PORT --to ADDR:PORT --count N
                                   [--vni V] [--seed S] [--prefix 02:5a]
                                   N broadcast frames, each from another
                                   (random, distinct) unicast source MAC
                                   starting with the prefix
  lac_util.py replay FILE --from ADDR --bind ADDR:PORT [--len N] [--flip OFF]
                                   send again, from BIND to where they went,
                                   the UDP payloads that ADDR sent in a pcap
                                   file (IPv4; only those of N bytes), with
                                   bit 0 of payload byte OFF flipped if given;
                                   print how many
  lac_util.py recv BIND TIMEOUT    wait for one datagram on BIND (ADDR:PORT),
                                   print it like `pcap` does
  lac_util.py addr-hex ADDR [host] ADDR in hex as /proc/net/igmp6 prints it
                                   (network order); with "host", an IPv4
                                   address as /proc/net/igmp prints it
  lac_util.py newlink NAME KIND ID:TYPE:VALUE...
                                   RTM_NEWLINK with raw info_data attributes
  lac_util.py neigh CMD IFNAME MAC [--state S] [ID:TYPE:VALUE...]
                                   RTM_NEWNEIGH (CMD add) or RTM_DELNEIGH
                                   (del) for AF_BRIDGE, NTF_SELF, with raw
                                   NDA_* attributes (ID a number, or a name
                                   of NDA below)

newlink and neigh print "ok" or "error ERRNO EXTACK-MESSAGE".  An attribute
is ID:TYPE:VALUE with TYPE u8, u16, be16, u32, in4, in6 or hex (any bytes,
so any length).  ADDR:PORT is 10.0.0.1:7777, fd00::1:7777 or
[fd00::1]:7777; an address with a colon is IPv6 (sockets, pcap records).
"""

import argparse
import json
import os
import random
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
ETH_P_ARP = 0x0806
ETH_P_IPV6 = 0x86DD
VXVDE_HDR_LEN = 8

def link_dump():
    """`ip -j -d link show DEV` on stdin: print "KEY VALUE" lines."""
    link = json.load(sys.stdin)[0]
    for key in ("ifindex", "address", "mtu"):
        if key in link:
            print(key, link[key])
    info = link.get("linkinfo", {})
    if "info_kind" in info:
        print("kind", info["info_kind"])
    for key, val in info.get("info_data", {}).items():
        print("info." + key, json.dumps(val) if isinstance(val, (dict, list)) else val)
    return 0


def fdb_get(mac):
    text = sys.stdin.read().strip()
    entries = json.loads(text) if text else []
    for ent in entries:
        if ent.get("mac", "").lower() != mac.lower() or "dst" not in ent:
            continue
        print(ent["dst"], ent.get("port", "-"))
        return 0
    return 1


def fdb_entries():
    text = sys.stdin.read().strip()
    for ent in json.loads(text) if text else []:
        fields = [ent.get("mac", "-"), ent.get("dst", "-"),
                  ent.get("port", "-"), ent.get("state", "") or "-",
                  ent.get("used", "-"), ent.get("updated", "-"),
                  ",".join(ent.get("flags", [])) or "-"]
        print(" ".join(str(f) for f in fields))
    return 0


def mac_str(raw):
    return ":".join("%02x" % b for b in raw)


def inner_kind(frame):
    """Classify the Ethernet frame carried by a VXVDE datagram."""
    if len(frame) < 14:
        return "short"
    etype = struct.unpack("!H", frame[12:14])[0]
    if etype == ETH_P_ARP:
        return "arp"
    if etype == ETH_P_IPV6:
        return inner_kind6(frame[14:])
    if etype != ETH_P_IP:
        return "eth-%04x" % etype
    ip = frame[14:]
    if len(ip) < 20:
        return "ip-short"
    proto = ip[9]
    if proto != 1:
        return "ip-%d" % proto
    icmp = ip[(ip[0] & 0x0F) * 4:]
    if not icmp:
        return "icmp"
    return {8: "echo-request", 0: "echo-reply"}.get(icmp[0], "icmp-%d" % icmp[0])


def inner_kind6(ip6):
    """Classify an inner IPv6 packet: ICMPv6 echo and neighbour discovery."""
    if len(ip6) < 40:
        return "ip6-short"
    if ip6[6] != 58:
        return "ip6-%d" % ip6[6]
    if len(ip6) < 41:
        return "icmp6"
    return {128: "echo6-request", 129: "echo6-reply", 135: "ns",
            136: "na"}.get(ip6[40], "icmp6-%d" % ip6[40])


def describe(src, sport, dst, dport, ttl, payload):
    """One line: SRC SPORT DST DPORT TTL HDR VNI KIND INNER_SRC INNER_DST.

    HDR is the first 8 payload bytes in hex, VNI is decoded from them,
    KIND is "leave" for a header-only datagram, else the inner frame kind.
    """
    if len(payload) < VXVDE_HDR_LEN:
        hdr, vni, kind, isrc, idst = payload.hex() or "-", "-", "raw", "-", "-"
    else:
        hdr = payload[:VXVDE_HDR_LEN].hex()
        vni = str(int.from_bytes(payload[4:7], "big"))
        frame = payload[VXVDE_HDR_LEN:]
        if not frame:
            kind, isrc, idst = "leave", "-", "-"
        else:
            kind = inner_kind(frame)
            idst = mac_str(frame[0:6]) if len(frame) >= 6 else "-"
            isrc = mac_str(frame[6:12]) if len(frame) >= 12 else "-"
    return " ".join(str(x) for x in (src, sport, dst, dport, ttl, hdr, vni,
                                     kind, isrc, idst))


LINKTYPE_ETHERNET = 1
LINKTYPE_LINUX_SLL = 113
LINKTYPE_LINUX_SLL2 = 276


def ip_line(etype, pkt):
    """One record for an IPv4 or IPv6 UDP packet, or None."""
    if etype == ETH_P_IPV6:
        return udp6_line(pkt)
    if etype != ETH_P_IP or len(pkt) < 20 or pkt[9] != 17:
        return None
    ihl = (pkt[0] & 0x0F) * 4
    if struct.unpack("!H", pkt[6:8])[0] & 0x1FFF:
        return None  # not the first fragment: no UDP header
    tot = struct.unpack("!H", pkt[2:4])[0]
    udp = pkt[ihl:tot]
    if len(udp) < 8:
        return None
    sport, dport, ulen = struct.unpack("!HHH", udp[:6])
    return describe(socket.inet_ntoa(pkt[12:16]), sport,
                    socket.inet_ntoa(pkt[16:20]), dport, pkt[8], udp[8:ulen])


def link_payload(linktype, pkt):
    """(ethertype, network packet) of a captured frame, or None."""
    if linktype == LINKTYPE_LINUX_SLL:
        if len(pkt) < 16:
            return None
        return struct.unpack("!H", pkt[14:16])[0], pkt[16:]
    if linktype == LINKTYPE_LINUX_SLL2:
        if len(pkt) < 20:
            return None
        return struct.unpack("!H", pkt[0:2])[0], pkt[20:]
    eo = 12
    while len(pkt) >= eo + 2 and \
            struct.unpack("!H", pkt[eo:eo + 2])[0] == 0x8100:
        eo += 4
    if len(pkt) < eo + 2:
        return None
    return struct.unpack("!H", pkt[eo:eo + 2])[0], pkt[eo + 2:]


def pcap_lines(path, with_time=False):
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
    frac = 1e-9 if magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d") else 1e-6
    linktype = struct.unpack(end + "I", data[20:24])[0]
    if linktype not in (LINKTYPE_ETHERNET, LINKTYPE_LINUX_SLL,
                        LINKTYPE_LINUX_SLL2):
        raise SystemExit("%s: link type %d not supported" % (path, linktype))
    out = []
    off = 24
    while off + 16 <= len(data):
        sec, sub, incl = struct.unpack(end + "III", data[off:off + 12])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        net = link_payload(linktype, pkt)
        line = ip_line(*net) if net else None
        if line:
            out.append(line + (" %.6f" % (sec + sub * frac) if with_time else ""))
    return out


# IPv6 extension headers that may come before UDP, (len + 1) * 8 bytes long:
# hop-by-hop, routing, destination options; the fragment header has 8.
IPV6_EXT = (0, 43, 60)
IPPROTO_FRAGMENT = 44


def udp6_line(ip6):
    """One pcap record of an IPv6 packet, or None if it is not UDP (or not
    the first fragment)."""
    if len(ip6) < 40 or ip6[0] >> 4 != 6:
        return None
    nxt, hops = ip6[6], ip6[7]
    plen = struct.unpack("!H", ip6[4:6])[0]
    body = ip6[40:40 + plen]
    while nxt in IPV6_EXT or nxt == IPPROTO_FRAGMENT:
        if len(body) < 8:
            return None
        if nxt == IPPROTO_FRAGMENT:
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


def parse_addr(text):
    addr, _, port = text.rpartition(":")
    if addr.startswith("[") and addr.endswith("]"):
        addr = addr[1:-1]
    return addr, int(port)


def addr_family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def parse_mac(text):
    raw = bytes(int(x, 16) for x in text.split(":"))
    if len(raw) != 6:
        raise SystemExit("bad MAC %s" % text)
    return raw


def vxvde_socket(bind, ifname=None):
    """A UDP socket bound to BIND (ADDR:PORT) that sends multicast like
    VXVDE (TTL 1) but does not loop it back to this host."""
    baddr = parse_addr(bind)
    fam = addr_family(baddr[0])
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        if ifname:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF,
                         socket.if_nametoindex(ifname))
    else:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.bind(baddr)
    return s


def vxvde_header(vni):
    return bytes([0x08, 0, 0, 0]) + vni.to_bytes(3, "big") + b"\0"


LAC_SEALHDR_LEN = 24
LAC_TAG_LEN = 16


def forged_sealed(vni, keyid):
    """A sealed leave message as lac sends it, but sealed with no key: a
    current time, a random nonce and a random tag."""
    hdr = bytes([0x08, 0x4C, 0, keyid]) + vni.to_bytes(3, "big") + b"\0"
    hdr += struct.pack("!I", int(time.time())) + os.urandom(12)
    return hdr + os.urandom(LAC_TAG_LEN)


def send(args):
    """Send datagrams: the VXVDE header, then (unless --leave) a frame."""
    payload = vxvde_header(args.vni)
    if args.forge_sealed is not None:
        payload = forged_sealed(args.vni, args.forge_sealed)
    elif not args.leave:
        payload += parse_mac(args.dst) + parse_mac(args.src)
        payload += struct.pack("!H", args.ethertype) + b"lac selftest".ljust(46, b"\0")
    s = vxvde_socket(args.bind, args.ifname)
    for _ in range(args.count):
        s.sendto(payload, parse_addr(args.to))
    return 0


def send_many(argv):
    p = argparse.ArgumentParser(prog="lac_util.py send-many")
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
    hdr = vxvde_header(args.vni) + b"\xff" * 6
    body = struct.pack("!H", 0x88B5) + b"lac mac flood".ljust(46, b"\0")
    s = vxvde_socket(args.bind)
    to = parse_addr(args.to)
    sent = 0
    for mac in sorted(macs):
        s.sendto(hdr + mac + body, to)
        sent += 1
    print(sent)
    return 0


def pcap_udp4(path):
    """(src, dst, dport, payload) of each IPv4 UDP datagram of a pcap file."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        return []
    end = "<" if data[:4] in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    linktype = struct.unpack(end + "I", data[20:24])[0]
    out = []
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(end + "I", data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        net = link_payload(linktype, pkt)
        if not net or net[0] != ETH_P_IP:
            continue
        ip = net[1]
        if len(ip) < 20 or ip[9] != 17:
            continue
        ihl = (ip[0] & 0x0F) * 4
        udp = ip[ihl:struct.unpack("!H", ip[2:4])[0]]
        if len(udp) < 8:
            continue
        dport, ulen = struct.unpack("!HH", udp[2:6])
        out.append((socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]),
                    dport, udp[8:ulen]))
    return out


def replay(argv):
    p = argparse.ArgumentParser(prog="lac_util.py replay")
    p.add_argument("file")
    p.add_argument("--from", dest="src", required=True)
    p.add_argument("--bind", required=True)
    p.add_argument("--len", type=int)
    p.add_argument("--flip", type=int)
    args = p.parse_args(argv)

    s = vxvde_socket(args.bind)
    sent = 0
    for src, dst, dport, payload in pcap_udp4(args.file):
        if src != args.src or (args.len is not None and
                               len(payload) != args.len):
            continue
        if args.flip is not None:
            if args.flip >= len(payload):
                continue
            payload = bytearray(payload)
            payload[args.flip] ^= 1
        s.sendto(bytes(payload), (dst, dport))
        sent += 1
    print(sent)
    return 0


def recv(bind, timeout):
    baddr = parse_addr(bind)
    s = socket.socket(addr_family(baddr[0]), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(baddr)
    s.settimeout(float(timeout))
    print("ready", flush=True)
    try:
        data, peer = s.recvfrom(65535)
    except socket.timeout:
        print("timeout", flush=True)
        return 1
    addr, port = peer[0], peer[1]
    laddr, lport = s.getsockname()[:2]
    print(describe(addr, port, laddr, lport, "-", data), flush=True)
    return 0


def addr_hex(addr, host_order):
    raw = socket.inet_pton(addr_family(addr), addr)
    if host_order:
        raw = raw[::-1] if sys.byteorder == "little" else raw
    print(raw.hex().upper() if host_order else raw.hex())
    return 0


NETLINK_ROUTE = 0
NETLINK_EXT_ACK = 11
SOL_NETLINK = 270
RTM_NEWLINK = 16
RTM_NEWNEIGH, RTM_DELNEIGH = 28, 29
NLMSG_ERROR = 2
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
NLM_F_CAPPED, NLM_F_ACK_TLVS = 0x100, 0x200
NLMSGERR_ATTR_MSG = 1
NLA_F_NESTED = 0x8000
IFLA_IFNAME, IFLA_LINKINFO = 3, 18
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
AF_BRIDGE = 7
NTF_SELF = 0x02
NUD_STATES = {"permanent": 0x80, "noarp": 0x40, "reachable": 0x02,
              "static": 0x40 | 0x02}

# NDA_* of linux/neighbour.h, by name for readability of the tests.
NDA = {"dst": 1, "lladdr": 2, "cacheinfo": 3, "vlan": 5, "port": 6,
       "vni": 7, "ifindex": 8, "src_vni": 11}


def nla(atype, payload):
    """A netlink attribute, padded to 4 bytes."""
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def attr_payload(atype, val):
    if atype == "hex":
        return bytes.fromhex(val)
    if atype == "in4":
        return socket.inet_aton(val)
    if atype == "in6":
        return socket.inet_pton(socket.AF_INET6, val)
    pack = {"u8": "=B", "u16": "=H", "be16": "!H", "u32": "=I"}
    return struct.pack(pack[atype], int(val, 0))


def attrs_payload(specs, names=None):
    """Attributes from "ID:TYPE:VALUE" strings; ID may be a key of names."""
    out = b""
    for spec in specs:
        aid, atype, val = spec.split(":", 2)
        aid = names[aid] if names and aid in names else int(aid, 0)
        out += nla(aid, attr_payload(atype, val))
    return out


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
    err, text = nlmsgerr(reply[:length], mflags)
    if err == 0:
        print("ok")
        return 0
    print("error %d %s" % (err, text))
    return 1


def nlmsgerr(msg, flags):
    """(errno, extack message) of the NLMSG_ERROR message MSG (from its
    header on, FLAGS its header's flags); errno 0: success."""
    err = -struct.unpack("=i", msg[16:20])[0]
    text = ""
    if flags & NLM_F_ACK_TLVS:
        # The request is echoed back after the error unless capped.
        off = 20 + (16 if flags & NLM_F_CAPPED else
                    struct.unpack("=I", msg[20:24])[0])
        while off + 4 <= len(msg):
            alen, atype = struct.unpack("=HH", msg[off:off + 4])
            if alen < 4:
                break
            if atype == NLMSGERR_ATTR_MSG:
                text = msg[off + 4:off + alen].split(b"\0")[0].decode()
            off += (alen + 3) & ~3
    return err, text


def newlink(name, kind, attrs):
    """RTM_NEWLINK NAME of KIND with info_data attributes "ID:TYPE:VALUE";
    exit status 0 if the link was made."""
    linkinfo = nla(IFLA_INFO_KIND, kind.encode())
    linkinfo += nla(IFLA_INFO_DATA | NLA_F_NESTED, attrs_payload(attrs))
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    body += nla(IFLA_IFNAME, name.encode() + b"\0")
    body += nla(IFLA_LINKINFO | NLA_F_NESTED, linkinfo)
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    msg = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, flags, 1, 0) + body
    return netlink_talk(msg)


def neigh(argv):
    p = argparse.ArgumentParser(prog="lac_util.py neigh")
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
    # Any length: the tests also send malformed addresses.
    body += nla(NDA["lladdr"], bytes(int(x, 16) for x in args.mac.split(":")))
    body += attrs_payload(args.attrs, NDA)
    if args.cmd == "add":
        mtype = RTM_NEWNEIGH
        flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    else:
        mtype = RTM_DELNEIGH
        flags = NLM_F_REQUEST | NLM_F_ACK
    msg = struct.pack("=IHHII", 16 + len(body), mtype, flags, 1, 0) + body
    return netlink_talk(msg)


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "link-dump" and not argv:
        return link_dump()
    if cmd == "fdb-get" and len(argv) == 1:
        return fdb_get(argv[0])
    if cmd == "fdb-entries" and not argv:
        return fdb_entries()
    if cmd == "neigh":
        return neigh(argv)
    if cmd == "send-many":
        return send_many(argv)
    if cmd == "replay":
        return replay(argv)
    if cmd == "pcap" and len(argv) in (1, 2) and argv[1:] in ([], ["--time"]):
        for line in pcap_lines(argv[0], argv[1:] == ["--time"]):
            print(line)
        return 0
    if cmd == "newlink" and len(argv) >= 2:
        return newlink(argv[0], argv[1], argv[2:])
    if cmd == "recv" and len(argv) == 2:
        return recv(argv[0], argv[1])
    if cmd == "addr-hex" and len(argv) in (1, 2):
        return addr_hex(argv[0], argv[1:] == ["host"])
    if cmd == "send":
        p = argparse.ArgumentParser(prog="lac_util.py send")
        p.add_argument("--bind", required=True, help="ADDR:PORT to send from")
        p.add_argument("--to", required=True, help="ADDR:PORT to send to")
        p.add_argument("--vni", type=int, default=1)
        p.add_argument("--src", default="02:00:00:00:00:01")
        p.add_argument("--dst", default="ff:ff:ff:ff:ff:ff")
        p.add_argument("--ethertype", type=lambda x: int(x, 0), default=0x88B5)
        p.add_argument("--count", type=int, default=1)
        p.add_argument("--leave", action="store_true",
                       help="send the 8-byte header alone")
        p.add_argument("--ifname", help="IPv6: send multicast out of it")
        p.add_argument("--forge-sealed", type=int, metavar="KEYID",
                       help="a sealed leave of KEYID with a random tag")
        return send(p.parse_args(argv))
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenPipeError:
        # The reader (awk '... exit') had what it wanted: not an error.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)
