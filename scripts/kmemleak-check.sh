#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak around a VM run (scripts/vm-run.sh calls it in the guest when the
# kernel has CONFIG_DEBUG_KMEMLEAK, i.e. the debug kernel; not a selftest).
#
# usage: scripts/kmemleak-check.sh start|end
#
#   start  before lac is loaded: scan, then `clear`, so that what the boot
#          left unreferenced (early allocations kmemleak cannot follow) is
#          never reported: only what is lost from now on counts
#   end    after the run: unload lac (what it failed to free becomes
#          unreferenced once its module memory is gone), scan twice with a
#          pause, then report.  One scan is not enough (mm/kmemleak.c): an
#          object younger than 5 s (MSECS_MIN_AGE) or whose contents changed
#          since the previous scan (its checksum) is not reported yet, and
#          Documentation/dev-tools/kmemleak.rst warns that a pointer in
#          flight in registers or on a stack makes transient "leaks"
#
# Only lac is loaded from a file in the debug kernel (everything else is
# built in), so an address in module space that no longer resolves (lac was
# unloaded) is lac's: such frames are marked, with the name they have in the
# last loaded lac (right if it was loaded at the same address, as a reload
# usually is).
#
# `end` fails (1) on ANY unreferenced object, not only those whose backtrace
# names lac: what lac leaks is mostly allocated by the core on its behalf
# (alloc_netdev_mqs() under rtnl_newlink(), the skbs of its rx and tx, the
# dst and socket objects of its underlay, net namespaces it pinned), with no
# lac function in the allocation trace.  The boot is excluded by `start`, so
# what remains happened during the run.  The summary says how many records
# name lac.  The whole report goes to stdout and to /run/lac-vm/kmemleak
# (vm-run.sh copies it to build/vm-ABI-kmemleak.log).
#
# LAC_KMEMLEAK_RMMOD=0 keeps lac loaded at `end`.
set -euo pipefail

KML=/sys/kernel/debug/kmemleak
TMPD=/tmp/kmemleak-check
OUT=/run/lac-vm/kmemleak
# Seconds between the two scans: more than kmemleak's minimum object age.
PAUSE=6

log() { echo "kmemleak-check: $*"; }
die() { log "$*"; exit 1; }

# Write a command to kmemleak; fails when kmemleak is disabled (it turns
# itself off when it runs out of metadata memory: that must not pass).
kml() {
	echo "$1" > "$KML" 2>/dev/null ||
		die "'echo $1 > $KML' failed: kmemleak is disabled (see the console log)"
}

scan() {
	local t0 t1

	t0=$(cut -d' ' -f1 /proc/uptime)
	kml scan
	t1=$(cut -d' ' -f1 /proc/uptime)
	log "scan took $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s"
}

start() {
	# The run scans when it ends; the scan thread's scans every 10 min
	# (20 s or more each under TCG) would only slow the tests.
	kml scan=off
	scan
	kml clear
	log "baseline taken: earlier objects are not reported"
}

# Mark the frames of report $1 that are unresolved module addresses, with
# the names of kallsyms snapshot $2.
annotate() {
	python3 - "$1" "$2" <<'EOT'
import re, sys
syms = []
for line in open(sys.argv[2]):
    f = line.split()
    if len(f) >= 3 and f[1] in "tT":
        syms.append((int(f[0], 16), f[2]))
syms.sort()
# "[<%pK>] %pS": %pS is 0xADDR when the address resolves to no symbol.
raw = re.compile(r"^(\s*\[<[0-9a-f]+>\]) 0x([0-9a-f]+)$")
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    m = raw.match(line)
    if m and int(m.group(2), 16) >= 0xffffffffa0000000:
        addr, name = int(m.group(2), 16), "?"
        for a, n in syms:
            if a > addr:
                break
            name = "%s+0x%x" % (n, addr - a)
        line = "%s 0x%x [lac, unloaded: %s in the last load]" % (m.group(1), addr, name)
    print(line)
EOT
}

end() {
	local n lac status=0

	rm -rf "$TMPD" && mkdir -p "$TMPD"
	grep '\[lac\]' /proc/kallsyms > "$TMPD/lac.syms" || true
	if [ "${LAC_KMEMLEAK_RMMOD:-1}" != 0 ] && [ -d /sys/module/lac ]; then
		if ! timeout 60 rmmod lac; then
			log "rmmod lac failed: its memory cannot be checked"
			status=1
		fi
	fi
	# Namespaces die in a workqueue: let the teardown of the run finish.
	sleep 2
	scan
	sleep "$PAUSE"
	scan
	cat "$KML" > "$TMPD/raw"
	annotate "$TMPD/raw" "$TMPD/lac.syms" > "$TMPD/report"
	n=$(grep -c '^unreferenced object' "$TMPD/report" || true)
	if [ "$n" = 0 ]; then
		log "no unreferenced object"
		return "$status"
	fi
	# Records whose backtrace or comm names lac.
	lac=$(awk '/^unreferenced object/ { if (hit) c++; hit = 0 }
		   /\[lac[],]|[ <]lac_[a-z0-9_]+\+/ { hit = 1 }
		   END { if (hit) c++; print c + 0 }' "$TMPD/report")
	if [ -d "${OUT%/*}" ]; then
		cp "$TMPD/report" "$OUT"
	fi
	log "$n unreferenced objects ($lac with lac in their backtrace):"
	sed 's/^/kmemleak: /' "$TMPD/report"
	return 1
}

case ${1:-} in
start) start ;;
end) end ;;
*) echo "usage: $0 start|end" >&2; exit 2 ;;
esac
