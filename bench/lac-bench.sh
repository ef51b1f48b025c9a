#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lac benchmark of issue 6: boots one qemu VM (scripts/vm-run.sh) and
# runs bench/guest.sh in it, which measures raw veth, kernel vxlan, lac and
# userland vxvde on the same underlay, then lac's FDB at 1k, 100k and 1M
# entries, and prints the tables and the bars.  Builds nothing: run
# `make modules-all ip` first.  See Documentation/networking/lac-bench.rst.
#
# usage: bench/lac-bench.sh [-k KERNEL] [-r RUNS] [-q] [-d SECS] [-m MB]
#                           [-t SECS] [-o FILE] [guest options...]
#
#   -k KERNEL  as scripts/vm-run.sh: 6.1, 6.12 (default), newest, a release
#   -r RUNS    runs of each measurement, median shown (default 3)
#   -q         quick: by default 1 run, 3 s per iperf3 run, FDB 1k and 100k
#   -d SECS    seconds per iperf3 run (default 8)
#   -m MB      guest memory (default 3072, quick 2048)
#   -t SECS    kill the VM after SECS (default: from the plan)
#   -o FILE    also write the output to FILE
#   --only LIST, --fdb-sizes LIST, --fdb-fill learned|static,
#   --fdb-remotes N, --profile: passed to bench/guest.sh (see there)
#
# The VM runs with one host thread per vCPU (LAC_VM_TCG_THREAD=multi): with
# both vCPUs in one thread, the sender and the receiver of every
# measurement would take turns instead of running side by side.  Run
# nothing else that is heavy meanwhile: the numbers are only as steady as
# the host is quiet.  With -o, or stdout not a terminal, the output comes
# when the VM is done (vm-run.sh prints the guest's copy then; the serial
# line loses bytes on a loaded host).  Exit status: that of the VM run (0
# when the benchmark ran; the bars never make it fail).

set -u

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
CACHE=${LAC_CACHE:-/var/cache/lac}

KERNEL=6.12
RUNS=""
QUICK=0
DUR=""
MEM=""
TIMEOUT=""
OUT=""
GUEST_ARGS=()
FDB_SIZES=""

usage()
{
	sed -n '/^# usage:/,/^#   --fdb-remotes/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

die()
{
	echo "lac-bench: $*" >&2
	exit 2
}

# The release vm-run.sh will boot for -k (the same rules, for the check
# that its lac.ko is built).
release_of()
{
	local k=$1 rel=""

	case $k in
	6.1) rel=$(sed -n 1p "$CACHE/kernels" 2> /dev/null) ;;
	6.12) rel=$(sed -n 2p "$CACHE/kernels" 2> /dev/null) ;;
	newest) rel=$(cat "$CACHE/kernel-newest" 2> /dev/null) ;;
	esac
	if [ -z "$rel" ]; then
		if [ -d "$REPO/build/$k" ]; then
			rel=$k
		else
			rel=$(find "$REPO/build" -maxdepth 1 -name "$k.*" -printf '%f\n' 2> /dev/null |
				sort -V | tail -n 1)
		fi
	fi
	echo "$rel"
}

main()
{
	local arg rel ko qemu tree load0 rc=0 t

	while [ $# -gt 0 ]; do
		arg=$1
		shift
		case $arg in
		-k) KERNEL=${1:-}; shift ;;
		-r) RUNS=${1:-}; shift ;;
		-q) QUICK=1 ;;
		-d) DUR=${1:-}; shift ;;
		-m) MEM=${1:-}; shift ;;
		-t) TIMEOUT=${1:-}; shift ;;
		-o) OUT=${1:-}; shift ;;
		--fdb-sizes) FDB_SIZES=${1:-}; GUEST_ARGS+=("$arg" "${1:-}"); shift ;;
		--only | --fdb-fill | --fdb-remotes) GUEST_ARGS+=("$arg" "${1:-}"); shift ;;
		--profile) GUEST_ARGS+=("$arg") ;;
		-h | --help) usage ;;
		*) usage ;;
		esac
	done
	# -q changes the defaults only: `-q -r 3` makes 3 runs.
	if [ "$QUICK" = 1 ]; then
		RUNS=${RUNS:-1} DUR=${DUR:-3} MEM=${MEM:-2048}
		FDB_SIZES=${FDB_SIZES:-1000,100000}
	fi
	RUNS=${RUNS:-3} DUR=${DUR:-8} MEM=${MEM:-3072}
	FDB_SIZES=${FDB_SIZES:-1000,100000,1000000}
	[[ $RUNS =~ ^[1-9][0-9]*$ && $DUR =~ ^[1-9][0-9]*$ && $MEM =~ ^[0-9]+$ ]] || usage
	# The plan, generously (TCG on a busy shared host): per run 4
	# contenders x 4 metrics of DUR + 30 s at most each, then per FDB size
	# its fill (200 entries/s at least) and 2 pairs x 2 metrics x RUNS.
	t=$(awk -v r="$RUNS" -v d="$DUR" -v s="$FDB_SIZES" 'BEGIN {
		n = split(s, z, ","); f = 0
		for (i = 1; i <= n; i++) f += z[i] / 200 + 4 * r * (d + 30) + 120
		print int(300 + r * 16 * (d + 30) + f) }')
	TIMEOUT=${TIMEOUT:-$t}

	rel=$(release_of "$KERNEL")
	ko="$REPO/build/$rel/lac.ko"
	if [ -z "$rel" ] || [ ! -f "$ko" ]; then
		die "no build/${rel:-<release of $KERNEL>}/lac.ko: run 'make modules-all ip' first"
	fi
	[ -f "$REPO/build/ip/link_lac.so" ] || die "no build/ip/link_lac.so: run 'make ip' first"
	command -v qemu-system-x86_64 > /dev/null || die "no qemu-system-x86_64"

	qemu=$(qemu-system-x86_64 --version | sed -n '1s/^QEMU emulator version //p')
	tree=$(git -C "$REPO" rev-parse --short HEAD 2> /dev/null)
	if [ -n "$tree" ] && [ -n "$(git -C "$REPO" status --porcelain -- 'lac_*.c' '*.h' Kbuild 2> /dev/null)" ]; then
		tree="$tree + uncommitted changes"
	fi
	tree="tree ${tree:-?}; build/$rel/lac.ko of $(date -u -r "$ko" '+%Y-%m-%d %H:%M UTC'), sha256 $(sha256sum "$ko" | cut -c1-12)"
	load0=$(cut -d' ' -f1-3 /proc/loadavg)

	[ "$QUICK" = 0 ] || GUEST_ARGS+=(-q)
	if [ -n "$OUT" ]; then
		: > "$OUT" || die "cannot write $OUT"
		exec > >(tee -a "$OUT") 2>&1
	fi
	echo "host:     $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo), $(nproc) CPUs, load $load0"
	echo "qemu:     $qemu, TCG thread=multi, -smp 2 -m $MEM"
	cd "$REPO" || exit 2
	# slab_nomerge: lac's FDB cache keeps its own line in /proc/slabinfo
	# instead of being merged into another cache of the same size.
	LAC_VM_TCG_THREAD=multi \
	LAC_VM_APPEND="slab_nomerge ${LAC_VM_APPEND:-}" \
	LAC_BENCH_MACHINE="qemu $qemu TCG (thread=multi) on $(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)" \
	LAC_BENCH_TREE="$tree" \
	IP_LIB_DIR="$REPO/build/ip" \
		scripts/vm-run.sh -k "$KERNEL" -m "$MEM" -t "$TIMEOUT" -- \
		bash bench/guest.sh -r "$RUNS" -d "$DUR" "${GUEST_ARGS[@]}" || rc=$?
	echo "host load: $load0 before, $(cut -d' ' -f1-3 /proc/loadavg) after (1, 5, 15 min)"
	[ "$rc" = 0 ] || echo "lac-bench: the VM run failed ($rc): see build/vm-$rel-console.log" >&2
	exit "$rc"
}

main "$@"
