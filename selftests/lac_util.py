#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Helpers for the lac selftests.

  lac_util.py link-dump            read `ip -j -d link show DEV` on stdin, print
                                   "KEY VALUE" lines: ifindex, address, mtu,
                                   kind, info.KEY for each key of info_data
  lac_util.py fdb-get MAC          read `bridge -j fdb show` on stdin, print
                                   "DST PORT" of the entry for MAC ("-" for a
                                   missing port); exit 1 if there is none
  lac_util.py pcap FILE [--time]   decode the UDP datagrams of a pcap file,
                                   one line each (see pcap_lines()); --time
                                   appends the capture time (s since epoch)
  lac_util.py send OPTIONS         send one VXVDE datagram from a given
                                   address:port (see send())
  lac_util.py newlink NAME KIND ID:TYPE:VALUE...
                                   RTM_NEWLINK with raw info_data attributes,
                                   print "ok" or "error ERRNO EXTACK-MESSAGE"
  lac_util.py recv BIND TIMEOUT    wait for one datagram on BIND (ADDR:PORT),
                                   print it like `pcap` does
  lac_util.py addr-hex ADDR [host] ADDR in hex as /proc/net/igmp6 prints it
                                   (network order); with "host", an IPv4
                                   address as /proc/net/igmp prints it

ADDR:PORT is 10.0.0.1:7777, fd00::1:7777 or [fd00::1]:7777; an address with
a colon is IPv6 (sockets, pcap records).
"""

import argparse
import json
import os
import socket
import struct
import sys

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
    if linktype != 1:
        raise SystemExit("%s: link type %d, want Ethernet" % (path, linktype))
    out = []
    off = 24
    while off + 16 <= len(data):
        sec, sub, incl = struct.unpack(end + "III", data[off:off + 12])
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        stamp = " %.6f" % (sec + sub * frac) if with_time else ""
        etype_off = 12
        while len(pkt) >= etype_off + 2 and \
                struct.unpack("!H", pkt[etype_off:etype_off + 2])[0] == 0x8100:
            etype_off += 4
        if len(pkt) < etype_off + 2:
            continue
        etype = struct.unpack("!H", pkt[etype_off:etype_off + 2])[0]
        if etype == ETH_P_IPV6:
            line = udp6_line(pkt[etype_off + 2:])
            if line:
                out.append(line + stamp)
            continue
        if etype != ETH_P_IP:
            continue
        ip = pkt[etype_off + 2:]
        if len(ip) < 20 or ip[9] != 17:
            continue
        ihl = (ip[0] & 0x0F) * 4
        frag = struct.unpack("!H", ip[6:8])[0]
        if frag & 0x1FFF:
            continue  # not the first fragment: no UDP header
        tot = struct.unpack("!H", ip[2:4])[0]
        udp = ip[ihl:tot]
        if len(udp) < 8:
            continue
        sport, dport, ulen = struct.unpack("!HHH", udp[:6])
        payload = udp[8:ulen]
        out.append(describe(socket.inet_ntoa(ip[12:16]), sport,
                            socket.inet_ntoa(ip[16:20]), dport, ip[8],
                            payload) + stamp)
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


def send(args):
    """Send one datagram: the VXVDE header, then (unless --leave) a frame."""
    hdr = bytes([0x08, 0, 0, 0]) + args.vni.to_bytes(3, "big") + b"\0"
    payload = hdr
    if not args.leave:
        payload += parse_mac(args.dst) + parse_mac(args.src)
        payload += struct.pack("!H", args.ethertype) + b"lac selftest".ljust(46, b"\0")
    bind = parse_addr(args.bind)
    fam = addr_family(bind[0])
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if fam == socket.AF_INET6:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
        if args.ifname:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF,
                         socket.if_nametoindex(args.ifname))
    else:
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
    s.bind(bind)
    for _ in range(args.count):
        s.sendto(payload, parse_addr(args.to))
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


def nla(atype, payload):
    """A netlink attribute, padded to 4 bytes."""
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * (-len(payload) % 4)


def newlink(name, kind, attrs):
    """RTM_NEWLINK NAME of KIND with info_data attributes "ID:TYPE:VALUE"
    (TYPE u8, u32, be16, in4 or in6).  Prints "ok" or "error ERRNO MESSAGE", the
    message being the kernel's extack; exit status 0 if the link was made."""
    NETLINK_ROUTE, NETLINK_EXT_ACK = 0, 11
    RTM_NEWLINK, NLMSG_ERROR = 16, 2
    NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
    NLM_F_ACK_TLVS, NLMSGERR_ATTR_MSG = 0x200, 1
    IFLA_IFNAME, IFLA_LINKINFO = 3, 18
    IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
    pack = {"u8": "=B", "u32": "=I", "be16": "!H"}

    data = b""
    for spec in attrs:
        aid, atype, val = spec.split(":", 2)
        if atype == "in4":
            payload = socket.inet_aton(val)
        elif atype == "in6":
            payload = socket.inet_pton(socket.AF_INET6, val)
        else:
            payload = struct.pack(pack[atype], int(val, 0))
        data += nla(int(aid), payload)
    linkinfo = nla(IFLA_INFO_KIND, kind.encode()) + nla(IFLA_INFO_DATA | 0x8000, data)
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0, 0, 0)
    body += nla(IFLA_IFNAME, name.encode() + b"\0")
    body += nla(IFLA_LINKINFO | 0x8000, linkinfo)
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    msg = struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, flags, 1, 0) + body

    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    s.setsockopt(270, NETLINK_EXT_ACK, 1)  # SOL_NETLINK
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
        off = 20 + (16 if mflags & 0x100 else struct.unpack("=I", reply[20:24])[0])
        while off + 4 <= length:
            alen, atype = struct.unpack("=HH", reply[off:off + 4])
            if alen < 4:
                break
            if atype == NLMSGERR_ATTR_MSG:
                text = reply[off + 4:off + alen].split(b"\0")[0].decode()
            off += (alen + 3) & ~3
    print("error %d %s" % (-err, text))
    return 1


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    cmd, argv = sys.argv[1], sys.argv[2:]
    if cmd == "link-dump" and not argv:
        return link_dump()
    if cmd == "fdb-get" and len(argv) == 1:
        return fdb_get(argv[0])
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
