#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Allocation failures under lac's code, one at a time, for lac_faults.sh.

Each command repeats one operation with /proc/thread-self/fail-nth set to
1, 2, 3, ...: the Nth slab allocation of the operation that has lac's code
on its stack fails (lac_faults.sh sets failslab's stack filter), until a
run has no allocation left to fail.  After an injected failure the
operation must either fail and leave nothing behind, or succeed (the
failure was tolerated) and leave what it made working; the run is then
undone, and the next one fails the next allocation.  After each run the
netns has the UDP sockets it had before the first.  What the last run made
stays, for lac_faults.sh to use.  Leaks and splats are for kmemleak and
KASAN/lockdep to find.

  lac_faults.py newlink DEV [up]  ip link add DEV type lac [up]
  lac_faults.py open DEV          ip link set DEV up (DEV is down)
  lac_faults.py fdb DEV           a static entry for MAC_STATIC
  lac_faults.py flood DEV         a flood target, 10.0.0.2 port FLOOD_PORT
  lac_faults.py dellink DEV       ip link del DEV, up with an entry and a
                                  flood target, made again after each run
  lac_faults.py load KO           load the module (which is not loaded)

Each prints "OP: N runs, F failed cleanly, T tolerated" and what broke the
rules; exit status 1 if anything did.
"""

import ctypes
import os
import socket
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# pylint: disable=wrong-import-position
from lac_util import nla  # noqa: E402
from lac_nlabuse import (  # noqa: E402
    IFF_UP, LAC, NDA, NLM_F_APPEND, NLM_F_CREATE, NUD_PERMANENT, RTM_DELNEIGH,
    RTM_GETNEIGH, RTM_NEWLINK, RTM_NEWNEIGH, Rtnl, be16, in4, u8, u32)

FAIL_NTH = "/proc/thread-self/fail-nth"
# No operation of lac makes this many allocations.
MAX_RUNS = 3000
MAC_STATIC = bytes.fromhex("02fa00000001")
FLOOD_PORT = 7411
SYS_FINIT_MODULE, SYS_DELETE_MODULE = 313, 176   # x86_64
O_NONBLOCK = os.O_NONBLOCK

LIBC = ctypes.CDLL(None, use_errno=True)


def write_fail_nth(n):
    with open(FAIL_NTH, "w", encoding="ascii") as f:
        f.write("%d" % n)


def injected(n, op):
    """op() with the nth allocation under lac failing: (op's result,
    whether the failure was injected).  Nothing but op runs armed."""
    write_fail_nth(n)
    try:
        res = op()
        with open(FAIL_NTH, encoding="ascii") as f:
            left = int(f.read())
    finally:
        write_fail_nth(0)
    return res, left == 0


def run_all(name, op, gone, works, undo, prepare=None):
    """Fail each allocation of op() in turn.  op returns (errno, message);
    gone() and works() return None when the state is right, else why not;
    undo() takes back a run that succeeded, prepare() sets up each run."""
    runs = failed = tolerated = 0
    problems = []
    socks = udp_sockets()
    for n in range(1, MAX_RUNS + 1):
        if prepare:
            prepare()
        (err, text), hit = injected(n, op)
        runs += 1
        if not hit:
            if err:
                problems.append("with no failure left: error %d %s" % (err, text))
            elif works():
                problems.append("with no failure left: " + works())
            break
        if err:
            failed += 1
            why = gone()
        else:
            tolerated += 1
            why = works()
            undo()
        # A socket left bound would not show as a leak: the table holds it.
        if not why and udp_sockets() != socks:
            why = "UDP sockets before: %s, now: %s" % (socks, udp_sockets())
        if why:
            problems.append("allocation %d failed, op %s: %s" %
                            (n, "refused (%d %s)" % (err, text) if err
                             else "succeeded", why))
        if len(problems) > 10:
            break
    else:
        problems.append("still failing allocations after %d runs" % MAX_RUNS)
    print("%s: %d runs, %d failed cleanly, %d tolerated" %
          (name, runs, failed, tolerated))
    for p in problems:
        print("FAIL " + p)
    return 1 if problems else 0


def udp_sockets():
    """The local addresses of the UDP sockets of this netns."""
    socks = []
    for name in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(name, encoding="ascii") as f:
                socks += [line.split()[1] for line in f.readlines()[1:]]
        except FileNotFoundError:   # no IPv6
            pass
    return sorted(socks)


def dev_flags(dev):
    try:
        with open("/sys/class/net/%s/flags" % dev) as f:
            return int(f.read(), 0)
    except OSError:
        return None


def dev_gone(dev):
    return None if dev_flags(dev) is None else "%s exists" % dev


def dev_there(dev, up):
    flags = dev_flags(dev)
    if flags is None:
        return "%s does not exist" % dev
    if bool(flags & IFF_UP) != up:
        return "%s is %s" % (dev, "down" if up else "up")
    return None


def set_up(rt, dev, up):
    """ip link set DEV up|down: flags and the change mask."""
    body = struct.pack("=BxHiII", socket.AF_UNSPEC, 0, 0,
                       IFF_UP if up else 0, IFF_UP)
    body += nla(3, dev.encode() + b"\0")   # IFLA_IFNAME
    return rt.request(RTM_NEWLINK, 0, body)


def neigh_args(dev, mac, port):
    dst = nla(NDA["DST"], in4("10.0.0.2")) + nla(NDA["PORT"], be16(port))
    return socket.if_nametoindex(dev), mac, dst


def static_entry(rt, dev, mtype):
    idx, mac, attrs = neigh_args(dev, MAC_STATIC, 7410)
    if mtype == RTM_NEWNEIGH:
        return rt.neigh(mtype, idx, mac, attrs)
    # A get takes no state and no attribute but the MAC.
    state = 0 if mtype == RTM_GETNEIGH else NUD_PERMANENT
    return rt.neigh(mtype, idx, mac, b"", state=state, flags=0)


def flood_target(rt, dev, mtype):
    idx, mac, attrs = neigh_args(dev, bytes(6), FLOOD_PORT)
    flags = NLM_F_CREATE | NLM_F_APPEND if mtype == RTM_NEWNEIGH else 0
    return rt.neigh(mtype, idx, mac, attrs, flags=flags)


def expect(res, want, what):
    return None if res[0] == want else "%s: errno %d, want %d" % (what, res[0], want)


LINK_DATA = nla(LAC["VNI"], u32(1)) + nla(LAC["TTL"], u8(1)) + \
    nla(LAC["AGEING"], u32(3600))


def cmd_newlink(dev, up=False):
    rt = Rtnl()
    flags = IFF_UP if up else 0
    return run_all("newlink" + (" up" if up else ""),
                   lambda: rt.link(dev, LINK_DATA, ifi_flags=flags),
                   lambda: dev_gone(dev),
                   lambda: dev_there(dev, up),
                   lambda: rt.dellink(dev))


def cmd_open(dev):
    rt = Rtnl()
    return run_all("open",
                   lambda: set_up(rt, dev, True),
                   lambda: dev_there(dev, False),
                   lambda: dev_there(dev, True),
                   lambda: set_up(rt, dev, False))


def cmd_fdb(dev):
    rt = Rtnl()
    return run_all("fdb add",
                   lambda: static_entry(rt, dev, RTM_NEWNEIGH),
                   lambda: expect(static_entry(rt, dev, RTM_GETNEIGH), 2,
                                  "fdb get"),
                   lambda: expect(static_entry(rt, dev, RTM_GETNEIGH), 0,
                                  "fdb get"),
                   lambda: static_entry(rt, dev, RTM_DELNEIGH))


def flood_listed(dev):
    """Whether bridge fdb lists the flood target (RTM_GETNEIGH looks up
    the MAC table only)."""
    out = subprocess.run(["bridge", "fdb", "show", "dev", dev],
                         capture_output=True, text=True, check=False).stdout
    return "00:00:00:00:00:00 dst 10.0.0.2 port %d " % FLOOD_PORT in out


def cmd_flood(dev):
    rt = Rtnl()
    return run_all("flood add",
                   lambda: flood_target(rt, dev, RTM_NEWNEIGH),
                   lambda: "listed" if flood_listed(dev) else None,
                   lambda: None if flood_listed(dev) else "not listed",
                   lambda: flood_target(rt, dev, RTM_DELNEIGH))


def cmd_dellink(dev):
    rt = Rtnl()

    def prepare():
        for res, what in ((rt.link(dev, LINK_DATA, ifi_flags=IFF_UP), "newlink"),
                          (static_entry(rt, dev, RTM_NEWNEIGH), "fdb add"),
                          (flood_target(rt, dev, RTM_NEWNEIGH), "flood add")):
            if res[0]:
                raise RuntimeError("%s: %d %s" % (what, res[0], res[1]))

    # An unregistration cannot fail: every run succeeds and is checked.
    return run_all("dellink",
                   lambda: rt.dellink(dev),
                   lambda: "dellink failed",
                   lambda: dev_gone(dev),
                   lambda: None,
                   prepare)


def module_loaded():
    return os.path.exists("/sys/module/lac/initstate")


def cmd_load(ko):
    def load():
        fd = os.open(ko, os.O_RDONLY)
        try:
            ret = LIBC.syscall(SYS_FINIT_MODULE, fd, b"", 0)
        finally:
            os.close(fd)
        err = ctypes.get_errno() if ret else 0
        return err, os.strerror(err) if err else ""

    def unload():
        if LIBC.syscall(SYS_DELETE_MODULE, b"lac", O_NONBLOCK):
            raise RuntimeError("delete_module: " +
                               os.strerror(ctypes.get_errno()))

    if module_loaded():
        print("FAIL lac is loaded")
        return 1
    return run_all("module load",
                   load,
                   lambda: "lac is loaded" if module_loaded() else None,
                   lambda: None if module_loaded() else "lac is not loaded",
                   unload)


def main():
    cmds = {"newlink": cmd_newlink, "open": cmd_open, "fdb": cmd_fdb,
            "flood": cmd_flood, "dellink": cmd_dellink, "load": cmd_load}
    argv = sys.argv[1:]
    if len(argv) < 2 or argv[0] not in cmds or \
            len(argv) > (3 if argv[0] == "newlink" else 2) or \
            (len(argv) == 3 and argv[2] != "up"):
        print(__doc__, file=sys.stderr)
        return 2
    if argv[0] == "newlink":
        return cmd_newlink(argv[1], len(argv) == 3)
    return cmds[argv[0]](argv[1])


if __name__ == "__main__":
    sys.exit(main())
