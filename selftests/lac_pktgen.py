#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Hostile input for lac devices: a generator of VXVDE datagrams, good and bad.

  lac_pktgen.py [OPTIONS] MODE

Every datagram is sent to each --to in turn (the group port, the group
port by unicast, a device's unicast port).  For each run it prints what the
receiving lac device must do with it, as lines for the test to check:

  sent N                  datagrams sent (to the lac sockets)
  expect COUNTER N        how many of them COUNTER must count; COUNTER is one
                          of CLASSES, or two joined by "|" when either may
                          (their sum must then be N)
  learn MAC ADDR PORT     MAC must be learned behind ADDR:PORT
  nolearn MAC             MAC must not be in the FDB
  port A|B PORT           the source ports used (A: frames, B: leaves)

Modes (what is sent):
  lengths       every UDP payload length 0..64: a valid header and frame cut
                to that length, and random bytes with wrong flags
  flags         every value of the first header byte but 0x08, each reserved
                bit of the flags word, all ones
  vni           wrong VNIs (the reserved low byte of the VNI word: --vni-rsvd)
  short-eth     a valid header and 1..13 bytes: no Ethernet header
  short-ip      IPv4 (0x0800) and IPv6 (0x86dd) frames cut inside their IP
                header, each from its own source MAC, and one whole of each
  bad-src       frames from --own (the device's MAC), from multicast,
                broadcast and all-zero MACs
  static        frames from --mac, a MAC with a static entry elsewhere
  frames        --count valid frames from --src
  leave         --count leave messages (from socket A: it forgets A)
  macflood      --count valid frames, each from another random unicast MAC
                (--max-seconds S: at most S seconds)
  random        --count random datagrams of every class (fuzzing); with
                --duration S, keep sending for S seconds instead; with
                --max-seconds S, stop after S seconds if not done
  learnleave    a frame from --src, then a leave, from one socket, --count
                times (or for --duration S): learning and leaving at once
  frag          --count frames of --size bytes, fragmented by the kernel
  raw           raw IPv4 (IP_HDRINCL) from a spoofed --spoof ADDR:PORT:
                --kind leave, frame, echo (a frame, counted as our echo),
                tinyfrag (a frame in two IP fragments, the first carrying
                only the UDP and lac headers), badcsum (a frame with a wrong
                UDP checksum: UDP drops it, lac never sees it)

The source MACs of frames that must be learned come from --src (frames,
lengths, random: --src-count MACs starting there).  Leave messages of the
random mode come from a second socket (B) so that they never race with the
learning of socket A's MACs.  --pace N sleeps a little every N datagrams so
that the receiving softirq keeps up (datagrams dropped before lac, in a
backlog, would break the accounting).
"""

import argparse
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from lac_util import addr_family, mac_str, parse_addr  # noqa: E402
from lac_util import parse_mac as mac_bytes  # noqa: E402

CLASSES = ("rx_packets", "rx_length_errors", "rx_frame_errors",
           "rx_other_vni", "rx_leave", "rx_echo", "rx_own_mac",
           "rx_bad_source", "rx_static_conflict")
# Either may count a header whose flags are right and whose VNI word has
# our VNI with reserved low bits set: "reserved bits" or "another VNI".
VNI_RSVD = "rx_frame_errors|rx_other_vni"

FLAGS = 0x08000000
HLEN = 8
ETH_HLEN = 14
# Ethertypes that lac delivers and that no protocol of the receiving host
# answers (no IP, ARP or VLAN).
SAFE_TYPES = (0x88B5, 0x88B6, 0x1234, 0xABCD, 0x05DC, 0x0101)
# Inner destination of delivered frames: not the receiver's MAC, so that its
# stack drops them at once (PACKET_OTHERHOST) and never answers.
OTHER_DST = bytes.fromhex("020000000099")


def header(vni, flags=FLAGS, rsvd=0):
    return struct.pack("!II", flags, (vni << 8) | rsvd)


def frame(src, dst=OTHER_DST, etype=0x88B5, body=b"", length=60):
    """An Ethernet frame (no FCS) of at least `length` bytes."""
    eth = dst + src + struct.pack("!H", etype) + body
    return eth.ljust(length, b"\0")


class Run:
    """The sockets, the expectations and the bookkeeping of one run."""

    def __init__(self, args):
        self.args = args
        self.rnd = random.Random(args.seed)
        self.to = [parse_addr(t) for t in args.to]
        bind = parse_addr(args.bind)
        self.fam = addr_family(bind[0])
        self.sock_a = self.udp_socket(bind)
        self.sock_b = None
        self.expect = dict.fromkeys(CLASSES, 0)
        self.learn = {}
        self.nolearn = set()
        self.sent = 0
        self.n = 0
        self.sources = {}
        srcs = []
        base = int.from_bytes(mac_bytes(args.src), "big")
        for i in range(args.src_count):
            srcs.append((base + i).to_bytes(6, "big"))
        self.srcs = srcs

    def udp_socket(self, bind):
        s = socket.socket(addr_family(bind[0]), socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if addr_family(bind[0]) == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, 1)
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_LOOP, 0)
            if self.args.ifname:
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF,
                             socket.if_nametoindex(self.args.ifname))
        else:
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        s.bind(bind)
        return s

    def port(self, sock):
        return sock.getsockname()[1]

    def source(self, sock):
        """The address and port the datagrams of sock come from: the
        address routing picks when the socket is bound to the wildcard."""
        addr, port = sock.getsockname()[:2]
        if addr not in ("0.0.0.0", "::"):
            return addr, port
        if sock in self.sources:
            return self.sources[sock]
        probe = socket.socket(self.fam, socket.SOCK_DGRAM)
        if self.fam == socket.AF_INET6 and self.args.ifname:
            probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF,
                             socket.if_nametoindex(self.args.ifname))
        probe.connect(self.to[0])
        addr = probe.getsockname()[0]
        probe.close()
        self.sources[sock] = (addr, port)
        return addr, port

    def leave_sock(self):
        if not self.sock_b:
            addr = self.sock_a.getsockname()[0]
            self.sock_b = self.udp_socket((addr, 0))
        return self.sock_b

    def pace(self):
        self.n += 1
        if self.args.pace and self.n % self.args.pace == 0:
            time.sleep(0.001)

    def send(self, payload, cls, sock=None, learn=None, nolearn=None):
        """payload to every destination (--spread: to the next one); each
        copy is counted by cls."""
        sock = sock or self.sock_a
        if self.args.spread:
            dsts = (self.to[self.sent % len(self.to)],)
        else:
            dsts = self.to
        for dst in dsts:
            try:
                sock.sendto(payload, dst)
            except BlockingIOError:
                time.sleep(0.01)
                sock.sendto(payload, dst)
            except OSError:
                # Floods under races: the route or the peer may go away.
                if not self.args.keep_going:
                    raise
                time.sleep(0.01)
                continue
            self.sent += 1
            self.expect[cls] = self.expect.get(cls, 0) + 1
            self.pace()
        if learn:
            self.learn[learn] = self.source(sock)
        if nolearn:
            self.nolearn.add(nolearn)

    def vni(self):
        return self.args.vni

    def other_vni(self):
        while True:
            v = self.rnd.choice((0, 1, self.vni() - 1, self.vni() + 1,
                                 0xFFFFFF, self.vni() ^ 0x800000,
                                 self.rnd.randrange(1 << 24)))
            if 0 <= v < 1 << 24 and v != self.vni():
                return v

    def report(self):
        print("sent %d" % self.sent)
        for cls, n in self.expect.items():
            print("expect %s %d" % (cls, n))
        for mac, (addr, port) in sorted(self.learn.items()):
            print("learn %s %s %d" % (mac_str(mac), addr, port))
        for mac in sorted(self.nolearn - set(self.learn)):
            print("nolearn %s" % mac_str(mac))
        print("port A %d" % self.port(self.sock_a))
        if self.sock_b:
            print("port B %d" % self.port(self.sock_b))


def gen_lengths(run):
    src = run.srcs[0]
    good = header(run.vni()) + frame(src, length=64)
    for n in range(65):
        pl = good[:n]
        if n < HLEN:
            run.send(pl, "rx_length_errors")
        elif n == HLEN:
            run.send(pl, "rx_leave", sock=run.leave_sock())
        elif n < HLEN + ETH_HLEN:
            run.send(pl, "rx_length_errors")
        else:
            run.send(pl, "rx_packets", learn=src)
    for n in range(65):
        pl = bytearray(run.rnd.randbytes(n))
        if n:
            # Any first byte but the I flag's: the flags are wrong.
            pl[0] = run.rnd.choice([b for b in range(256) if b != 0x08])
        run.send(bytes(pl), "rx_length_errors" if n < HLEN else "rx_frame_errors")


def gen_flags(run):
    body = frame(run.srcs[0])
    for b in range(256):
        if b != 0x08:
            run.send(header(run.vni(), flags=b << 24) + body, "rx_frame_errors")
    for bit in range(24):
        run.send(header(run.vni(), flags=FLAGS | 1 << bit) + body,
                 "rx_frame_errors")
    run.send(header(run.vni(), flags=0xFFFFFFFF) + body, "rx_frame_errors")
    run.nolearn.add(run.srcs[0])


def gen_vni(run):
    body = frame(run.srcs[0])
    for v in sorted({0, 1, 2, run.vni() - 1, run.vni() + 1, 0xFFFFFF,
                     run.vni() ^ 0x800000, run.vni() ^ 1} - {run.vni()}):
        if 0 <= v < 1 << 24:
            run.send(header(v) + body, "rx_other_vni")
    for _ in range(16):
        run.send(header(run.other_vni()) + body, "rx_other_vni")
    if run.args.vni_rsvd:
        for bit in range(8):
            run.send(header(run.vni(), rsvd=1 << bit) + body, VNI_RSVD)
    run.nolearn.add(run.srcs[0])


def gen_short_eth(run):
    full = frame(run.srcs[0])
    for n in range(1, ETH_HLEN):
        run.send(header(run.vni()) + full[:n], "rx_length_errors")
    run.nolearn.add(run.srcs[0])


def gen_short_ip(run):
    """Frames cut inside the inner IP header: each from its own MAC, none of
    which may be learned; then one whole header of each, which is."""
    base = int.from_bytes(run.srcs[0], "big")
    i = 0
    ip4 = bytes.fromhex("4500001c0000400040010000c0000201c0000202")
    ip6 = bytes.fromhex("6000000000003a40") + bytes(15) + b"\1" + bytes(15) + b"\2"
    for etype, hdr in ((0x0800, ip4), (0x86DD, ip6)):
        for n in range(len(hdr) + 1):
            src = (base + i).to_bytes(6, "big")
            i += 1
            eth = OTHER_DST + src + struct.pack("!H", etype) + hdr[:n]
            if n < len(hdr):
                run.send(header(run.vni()) + eth, "rx_length_errors",
                         nolearn=src)
            else:
                run.send(header(run.vni()) + eth, "rx_packets", learn=src)


def gen_bad_src(run):
    own = mac_bytes(run.args.own) if run.args.own else None
    if own:
        for etype in SAFE_TYPES:
            run.send(header(run.vni()) + frame(own, etype=etype), "rx_own_mac")
    bad = [bytes(6), b"\xff" * 6, bytes.fromhex("01005e000001"),
           bytes.fromhex("333300000001"), bytes.fromhex("0180c2000000"),
           bytes.fromhex("030000000000")]
    for _ in range(4):
        bad.append(bytes([run.rnd.randrange(256) | 1]) + run.rnd.randbytes(5))
    for mac in bad:
        run.send(header(run.vni()) + frame(mac), "rx_bad_source", nolearn=mac)


def gen_static(run):
    mac = mac_bytes(run.args.mac)
    for etype in SAFE_TYPES:
        run.send(header(run.vni()) + frame(mac, etype=etype),
                 "rx_static_conflict")


def gen_frames(run):
    for i in range(run.args.count):
        src = run.srcs[i % len(run.srcs)]
        run.send(header(run.vni()) + frame(src), "rx_packets", learn=src)


def gen_leave(run):
    for _ in range(run.args.count):
        run.send(header(run.vni()), "rx_leave")


def gen_macflood(run):
    pre = mac_bytes(run.args.src)[:2]
    macs = set()
    while len(macs) < run.args.count:
        macs.add(pre + run.rnd.randbytes(4))
    hdr = header(run.vni())
    tail = frame(bytes(6))[12:]
    end = deadline(run.args)
    for i, mac in enumerate(macs):
        if end and i % 64 == 0 and time.monotonic() >= end:
            break
        run.send(hdr + OTHER_DST + mac + tail, "rx_packets")


class RandomMix:
    """Random datagrams of every class, cheap to make: an emulated machine
    runs this loop 100 000 times."""

    def __init__(self, run):
        self.run = run
        rnd = self.rnd = run.rnd
        vni = run.vni()
        self.hdr = header(vni)
        self.others = [header(run.other_vni()) for _ in range(64)]
        self.own = frame(mac_bytes(run.args.own)) if run.args.own else None
        self.static = frame(mac_bytes(run.args.mac)) if run.args.mac else None
        self.bad = [bytes(6)] + [bytes([rnd.randrange(256) | 1]) +
                                 rnd.randbytes(5) for _ in range(63)]
        self.srcs = run.srcs

    def next(self):
        """(payload, class, socket or None, MAC learned or None)"""
        rnd = self.rnd
        r = rnd.random()
        hdr = self.hdr
        if r < 0.15:
            # Noise: anything at all.
            pl = rnd.randbytes(rnd.randrange(100))
            if len(pl) < HLEN:
                return pl, "rx_length_errors", None, None
            if pl[:4] != hdr[:4]:
                return pl, "rx_frame_errors", None, None
            return pl[:4] + b"\xff" + pl[5:], "rx_other_vni", None, None
        if r < 0.25:
            flags = rnd.getrandbits(32)
            if flags == FLAGS:
                flags ^= 1
            return (struct.pack("!I", flags) + hdr[4:] +
                    rnd.randbytes(rnd.randrange(80)), "rx_frame_errors",
                    None, None)
        if r < 0.35:
            return (rnd.choice(self.others) + rnd.randbytes(rnd.randrange(80)),
                    "rx_other_vni", None, None)
        if r < 0.45:
            return (hdr + rnd.randbytes(rnd.randrange(1, ETH_HLEN)),
                    "rx_length_errors", None, None)
        src = self.srcs[int(r * 1000) % len(self.srcs)]
        if r < 0.50:
            if r < 0.475:
                eth = OTHER_DST + src + b"\x08\x00" + rnd.randbytes(rnd.randrange(20))
            else:
                eth = OTHER_DST + src + b"\x86\xdd" + rnd.randbytes(rnd.randrange(40))
            return hdr + eth, "rx_length_errors", None, None
        if r < 0.80:
            if r < 0.56:
                # An inner IP packet that lac delivers (the stack drops it).
                etype = b"\x08\x00" if r < 0.53 else b"\x86\xdd"
                body = rnd.randbytes(rnd.randrange(40, 200))
            else:
                etype = struct.pack("!H", SAFE_TYPES[int(r * 997) % len(SAFE_TYPES)])
                body = rnd.randbytes(rnd.randrange(200))
            return hdr + OTHER_DST + src + etype + body, "rx_packets", None, src
        if r < 0.85 and self.own:
            return hdr + self.own, "rx_own_mac", None, None
        if r < 0.90:
            return (hdr + frame(self.bad[int(r * 10007) % len(self.bad)]),
                    "rx_bad_source", None, None)
        if r < 0.94 and self.static:
            return hdr + self.static, "rx_static_conflict", None, None
        if r < 0.98:
            return hdr, "rx_leave", self.run.leave_sock(), None
        return hdr + OTHER_DST + src + b"\x88\xb5", "rx_packets", None, src


def deadline(args):
    """When to stop: --duration (keep sending), or --max-seconds (a cap on
    --count; what was sent is reported as usual)."""
    limit = args.duration or args.max_seconds
    return time.monotonic() + limit if limit else None


def gen_random(run):
    mix = RandomMix(run)
    end = deadline(run.args)
    i = 0
    while True:
        if end and i % 64 == 0 and time.monotonic() >= end:
            break
        if not run.args.duration and i >= run.args.count:
            break
        i += 1
        pl, cls, sock, learn = mix.next()
        run.send(pl, cls, sock=sock, learn=learn)


def gen_learnleave(run):
    deadline = time.monotonic() + run.args.duration if run.args.duration else None
    hdr = header(run.vni())
    i = 0
    while (time.monotonic() < deadline) if deadline else i < run.args.count:
        src = run.srcs[i % len(run.srcs)]
        run.send(hdr + frame(src), "rx_packets")
        run.send(hdr, "rx_leave")
        i += 1


def gen_frag(run):
    size = run.args.size
    for i in range(run.args.count):
        src = run.srcs[i % len(run.srcs)]
        body = bytes((j * 7 + i) & 0xFF for j in range(size - ETH_HLEN))
        run.send(header(run.vni()) + frame(src, body=body, length=size),
                 "rx_packets", learn=src)


# Raw IPv4, with our own IP and UDP headers.

def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def udp4(src, sport, dst, dport, payload, bad_csum=False):
    ulen = 8 + len(payload)
    pseudo = socket.inet_aton(src) + socket.inet_aton(dst) + \
        struct.pack("!BBH", 0, socket.IPPROTO_UDP, ulen)
    udp = struct.pack("!HHHH", sport, dport, ulen, 0) + payload
    c = csum(pseudo + udp) or 0xFFFF
    if bad_csum:
        c = (c + 1) & 0xFFFF or 1
    return udp[:6] + struct.pack("!H", c) + udp[8:]


def ip4(src, dst, data, ident, frag=0, more=False):
    off = (frag // 8) | (0x2000 if more else 0)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), ident, off,
                      1, socket.IPPROTO_UDP, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + data


def gen_raw(run):
    args = run.args
    saddr, sport = parse_addr(args.spoof)
    raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    kind = args.kind
    if kind in ("frame", "echo", "tinyfrag", "badcsum"):
        src = run.srcs[0]
        payload = header(run.vni()) + frame(src, length=args.size or 60)
    else:
        payload = header(run.vni())
        src = None
    cls = {"leave": "rx_leave", "frame": "rx_packets", "echo": "rx_echo",
           "tinyfrag": "rx_packets", "badcsum": None}[kind]
    for i in range(args.count):
        for daddr, dport in run.to:
            udp = udp4(saddr, sport, daddr, dport, payload,
                       bad_csum=kind == "badcsum")
            # Not 0: the kernel would pick one per fragment.
            ident = (os.getpid() + i * 7 + dport) & 0xFFFF or 1
            if kind == "tinyfrag":
                # The first fragment: the UDP header and the lac header
                # only, so that the inner Ethernet header is not in the
                # linear data of the reassembled skb.
                pkts = [ip4(saddr, daddr, udp[:16], ident, 0, True),
                        ip4(saddr, daddr, udp[16:], ident, 16, False)]
            else:
                pkts = [ip4(saddr, daddr, udp, ident)]
            for p in pkts:
                raw.sendto(p, (daddr, 0))
            if cls:
                run.sent += 1
                run.expect[cls] += 1
            run.pace()
    if src and kind in ("frame", "tinyfrag"):
        run.learn[src] = (saddr, sport)
    elif src:
        run.nolearn.add(src)


MODES = {
    "lengths": gen_lengths, "flags": gen_flags, "vni": gen_vni,
    "short-eth": gen_short_eth, "short-ip": gen_short_ip,
    "bad-src": gen_bad_src, "static": gen_static, "frames": gen_frames,
    "leave": gen_leave, "macflood": gen_macflood, "random": gen_random,
    "frag": gen_frag, "raw": gen_raw, "learnleave": gen_learnleave,
}


def main():
    p = argparse.ArgumentParser(
        prog="lac_pktgen.py", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("mode", choices=sorted(MODES))
    p.add_argument("--to", action="append", required=True,
                   help="ADDR:PORT, repeatable: each datagram goes to each")
    p.add_argument("--bind", default="0.0.0.0:0", help="ADDR:PORT of socket A")
    p.add_argument("--vni", type=int, default=1)
    p.add_argument("--src", default="02:a5:00:00:00:01",
                   help="source MAC of frames that are to be learned")
    p.add_argument("--src-count", type=int, default=1,
                   help="random: how many source MACs, from --src on")
    p.add_argument("--own", help="the receiving device's MAC")
    p.add_argument("--mac", help="a MAC with a static entry elsewhere")
    p.add_argument("--count", type=int, default=1)
    p.add_argument("--duration", type=float, default=0,
                   help="random, learnleave: send for this long, not --count")
    p.add_argument("--max-seconds", type=float, default=0,
                   help="random, macflood: stop early after this long")
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--pace", type=int, default=32)
    p.add_argument("--vni-rsvd", action="store_true")
    p.add_argument("--spread", action="store_true",
                   help="each datagram to one --to, in turn, not to all")
    p.add_argument("--keep-going", action="store_true",
                   help="ignore send errors (floods under races)")
    p.add_argument("--spoof", help="raw: source ADDR:PORT")
    p.add_argument("--kind", default="frame",
                   choices=("leave", "frame", "echo", "tinyfrag", "badcsum"))
    p.add_argument("--ifname", help="IPv6: send multicast out of it")
    args = p.parse_args()
    if args.mode == "raw" and not args.spoof:
        p.error("raw needs --spoof")
    if args.mode == "frag" and args.size < 64:
        p.error("frag needs --size of at least 64")
    if args.mode in ("random", "learnleave") and args.duration:
        args.count = 0

    run = Run(args)
    start = time.monotonic()
    MODES[args.mode](run)
    run.report()
    print("time %.2f" % (time.monotonic() - start))
    return 0


if __name__ == "__main__":
    sys.exit(main())
