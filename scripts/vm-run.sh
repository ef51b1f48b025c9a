#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command inside a throw-away qemu (TCG) VM booted on a Debian kernel,
# with the host root shared read-only over 9p and the lac module loaded.
#
# usage: scripts/vm-run.sh [-k KERNEL] [-t TIMEOUT_S] [-m MEM_MB] [-M 'mod ...']
#                          [-p CPUS] [-n 'QEMU ARGS'] [-S DIR] [-c] -- CMD [ARGS...]
#
#   -k KERNEL  6.1, 6.12 (default), newest, debug, or a release: installed
#              (/boot/vmlinuz-ABI), prepared by scripts/newest-kernel.sh or
#              built by scripts/debug-kernel.sh
#   -t SECS    kill the VM after SECS seconds (default 600); exit status 124
#   -m MB      guest memory (default 2048; 3072 for the debug kernel)
#   -M MODS    extra modules to modprobe before lac.ko is loaded
#   -p CPUS    vCPUs (default 2; scripts/lan.sh runs several VMs of 1)
#   -n ARGS    extra qemu arguments, split at white space: NICs, e.g.
#              '-netdev tap,id=n0,ifname=tap1,script=no,downscript=no
#              -device virtio-net-pci,netdev=n0' (a tap of the network
#              namespace vm-run.sh runs in) or '-net nic -net vde,sock=URL';
#              repeatable
#   -S DIR     share the host directory DIR read-write (9p, no cache: both
#              sides see each other's writes) at the same path in the guest;
#              repeatable (scripts/lan.sh talks to its VMs through one)
#   -c         show the kernel console live (on stderr)
#
# CMD runs with /bin/sh in the caller's working directory (the host root is
# the guest's root, read-only; /tmp, /var/tmp and /run are tmpfs).  A
# checkout below one of those (a clone in /tmp) is hidden by the tmpfs: it
# is shared on its own, read-only, at its own path, so the guest sees it and
# its build/ wherever it was cloned.  Several
# arguments are run as one command (exec-like); a single argument is a shell
# script: `vm-run.sh -- 'cd selftests && ./lac.sh'`.  CMD's stdout and
# stderr are streamed to our stdout; the kernel console goes to
# build/vm-ABI-console.log (with LAC_VM_LIVE=0, the default when stdout is
# not a terminal, CMD's output is printed when the VM is done, from a copy
# that does not go through the lossy serial line).  Environment passed on:
# CI, V, TERM, IP_LIB_DIR,
# KSFT_*, LAC_* and the names listed in $VM_ENV.
#
# Before CMD the guest loads veth bridge tun vxlan udp_tunnel ip6_udp_tunnel,
# the -M modules, then the modules lac.ko depends on (modinfo -F depends)
# and build/ABI/lac.ko (unless LAC_VM_NO_LAC=1), and sets lo up.  Exit status: CMD's; 124 on timeout; 125 when the VM stopped without
# reporting one (panic, init failure).  Kernel BUG/WARNING/Oops/... lines
# are summarized on stderr; with LAC_VM_STRICT=1 they make the run fail (1).
#
# TCG runs both vCPUs in one host thread unless LAC_VM_TCG_THREAD=multi (for
# benchmarks): with one thread per vCPU, kernel text patching (static keys,
# e.g. when ping turns on timestamps) can leave a vCPU running a stale int3
# and the guest oopses ("Oops: int3") now and then.
#
# `-k newest` boots the kernel scripts/newest-kernel.sh prepared (run it
# first): its image and modules are in $LAC_CACHE/kernel-ABI, and the guest
# bind-mounts that modules tree over /lib/modules before loading anything.
#
# `-k debug` boots the kernel scripts/debug-kernel.sh built last (run it
# first; KASAN, lockdep, KMEMLEAK...), its modules tree bind-mounted the same
# way, with panic_on_warn=1 and acpi=noirq before LAC_VM_APPEND
# (LAC_VM_APPEND=panic_on_warn=0 goes on after a WARN: the last one wins).
# When the kernel has kmemleak (and LAC_VM_KMEMLEAK is not 0),
# scripts/kmemleak-check.sh takes a baseline before lac is loaded and checks
# after CMD (unloading lac first): a leak fails a run that passed (1), and
# the report is copied to build/vm-ABI-kmemleak.log.
#
# Also: LAC_VM_APPEND (extra kernel parameters), LAC_VM_LOGDIR (where the
# console log goes, default build/), LAC_VM_LOGNAME (the logs' name before
# -console.log and -kmemleak.log, default vm-ABI: runs that may overlap, or
# boot one kernel twice, need names of their own).  The initramfs
# (scripts/vm-init.sh is its /init) and the kernel's vmlinux are cached in
# $LAC_CACHE.
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(git -C "$SCRIPTS" rev-parse --show-toplevel 2>/dev/null || dirname "$SCRIPTS")
CACHE=${LAC_CACHE:-/var/cache/lac}
GUEST_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
DEFAULT_MODS="veth bridge tun vxlan udp_tunnel ip6_udp_tunnel"
# Modules loaded by the initramfs, with their dependencies (built-ins are
# skipped): 9p for the root, then what every test needs (kmod 30 would
# decompress the .ko.xz in TCG-emulated user space: slow).
INITRD_MODS="virtio_pci 9pnet_virtio 9p veth bridge tun udp_tunnel ip6_udp_tunnel vxlan"
OOPS_RE='BUG:|WARNING:|Oops|Call Trace|[Pp]anic|KASAN|lockdep|UBSAN|general protection fault|RCU stall'

KERNEL=6.12
# Where the kernel's image, config and modules are (set by set_kernel_paths).
KIMAGE=""
KCONFIG=""
KMODS=""
# The lib/modules tree the guest bind-mounts over /lib/modules (empty: the
# host's one is right), and whether this is scripts/debug-kernel.sh's kernel.
KMODROOT=""
DEBUG_KERNEL=0
# Debug kernel boot lines that look like problems and are not.
DEBUG_BENIGN_RE='RCU lockdep checking is enabled'
# 1: scripts/kmemleak-check.sh runs around CMD (a kernel with kmemleak).
KMEMLEAK=0
TIMEOUT=600
MEM=""
EXTRA_MODS=""
LIVE_CONSOLE=0
CPUS=2
# -n: extra qemu arguments; -S: directories shared read-write, and the
# checkout when the guest's tmpfs would hide it (ro).
QEMU_EXTRA=()
SHARE_RW=()
SHARE_RO=()
TMP=""
QPID=""
QRC=0

log() { echo "vm-run: $*" >&2; }
die() { log "$*"; exit 2; }

usage() {
	sed -n '/^# usage:/,/^#   -c/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# ---- kernel and initramfs -------------------------------------------------

# The release of the kernel scripts/debug-kernel.sh built last, or nothing.
debug_release() {
	cat "$CACHE/debug-kernel/current/release" 2>/dev/null || true
}

# guest_hidden PATH: PATH is below a directory that is a tmpfs in the guest.
guest_hidden() {
	case $1 in
	/tmp | /tmp/* | /var/tmp | /var/tmp/* | /run | /run/*) return 0 ;;
	esac
	return 1
}

# The cache must be visible in the guest when the kernel lives there.
check_cache_visible() {
	! guest_hidden "$CACHE" ||
		die "LAC_CACHE=$CACHE is not visible in the guest (tmpfs there)"
}

resolve_kernel() {
	local k=$1 line=0 abi

	case $k in
	6.1) line=1 ;;
	6.12) line=2 ;;
	esac
	if [ $line != 0 ] && [ -f "$CACHE/kernels" ]; then
		abi=$(sed -n "${line}p" "$CACHE/kernels")
		[ -n "$abi" ] && [ -e "/boot/vmlinuz-$abi" ] && { echo "$abi"; return; }
	fi
	if [ "$k" = debug ] || { [ -n "$k" ] && [ "$k" = "$(debug_release)" ]; }; then
		abi=$(debug_release)
		[ -n "$abi" ] || die "no debug kernel built: run scripts/debug-kernel.sh"
		echo "$abi"
		return
	fi
	if [ "$k" = newest ]; then
		abi=$(cat "$CACHE/kernel-newest" 2>/dev/null || true)
		if [ -z "$abi" ] || [ ! -f "$CACHE/kernel-$abi/.lac-ready" ]; then
			die "no newest kernel prepared: run scripts/newest-kernel.sh"
		fi
		echo "$abi"
		return
	fi
	[ -e "/boot/vmlinuz-$k" ] && { echo "$k"; return; }
	abi=$(printf '%s\n' /boot/vmlinuz-"$k".* | sort -V | tail -n 1)
	if [ ! -e "$abi" ]; then
		# A kernel scripts/newest-kernel.sh prepared.
		abi=$(for f in "$CACHE/kernel-$k"/.lac-ready "$CACHE/kernel-$k".*/.lac-ready; do
			[ -f "$f" ] && echo "$f"
		      done | sort -V | tail -n 1)
		[ -n "$abi" ] || die "no kernel matching '$k' in /boot or $CACHE"
		abi=${abi%/.lac-ready}
		echo "${abi#"$CACHE/kernel-"}"
		return
	fi
	echo "${abi#/boot/vmlinuz-}"
}

# Set KIMAGE, KCONFIG, KMODS (the modules of the kernel) and KMODROOT (the
# tree to bind-mount over /lib/modules, empty for an installed kernel); for
# the debug kernel, DEBUG_KERNEL=1.
set_kernel_paths() {
	local abi=$1 d="$CACHE/kernel-$1" f

	if [ ! -e "/boot/vmlinuz-$abi" ] && [ "$abi" = "$(debug_release)" ]; then
		d=$(readlink -f "$CACHE/debug-kernel/current")
		DEBUG_KERNEL=1
		KIMAGE="$d/build/arch/x86/boot/bzImage"
		KCONFIG="$d/build/.config"
		KMODROOT="$d/modroot/lib/modules"
		KMODS="$KMODROOT/$abi"
		[ -f "$KIMAGE" ] || die "no kernel image $KIMAGE: run scripts/debug-kernel.sh"
		check_cache_visible
	elif [ ! -e "/boot/vmlinuz-$abi" ] && [ -f "$d/.lac-ready" ]; then
		KMODROOT="$d/usr/lib/modules"
		KMODS="$d/usr/lib/modules/$abi"
		# 7.x: vmlinuz(.unsigned) and config beside the modules.
		for f in "$d/boot/vmlinuz-$abi" "$KMODS"/vmlinuz*; do
			[ -f "$f" ] && KIMAGE=$f
		done
		for f in "$d/boot/config-$abi" "$KMODS/config"; do
			[ -f "$f" ] && KCONFIG=$f
		done
		[ -n "$KIMAGE" ] || die "no kernel image in $d"
		check_cache_visible
	else
		KIMAGE="/boot/vmlinuz-$abi"
		KCONFIG="/boot/config-$abi"
		KMODS="/lib/modules/$abi"
	fi
}

# Print the initramfs modules of kernel $1 in load order, as paths relative
# to /lib/modules/$1 (modules.dep lists dependencies last-loaded first).
initrd_modules() {
	local abi=$1 m

	for m in $INITRD_MODS; do
		awk -v m="$m" '
			{ n = $1; sub(/:$/, "", n); sub(/.*\//, "", n); sub(/\.ko.*/, "", n) }
			n == m {
				for (i = NF; i > 1; i--) print $i
				t = $1; sub(/:$/, "", t); print t
			}' "$KMODS/modules.dep"
	done | awk '!seen[$0]++'
}

build_initramfs() {
	local abi=$1 out=$2 dir f mod name list=""

	dir=$(mktemp -d "${TMPDIR:-/tmp}/lac-initrd.XXXXXX")
	mkdir -p "$dir/bin" "$dir/dev" "$dir/proc" "$dir/sys" "$dir/newroot" \
		 "$dir/lib/modules"
	cp /bin/busybox "$dir/bin/busybox"
	for f in $(/bin/busybox --list-full); do
		[ -e "$dir/$f" ] || { mkdir -p "$dir/${f%/*}"; ln -s /bin/busybox "$dir/$f"; }
	done
	install -m 0755 "$SCRIPTS/vm-init.sh" "$dir/init"
	mknod -m 600 "$dir/dev/console" c 5 1
	for mod in $(initrd_modules "$abi"); do
		name=$(basename "$mod")
		name=${name%.xz}; name=${name%.zst}; name=${name%.gz}
		case $mod in
		*.xz) xz -dc "$KMODS/$mod" > "$dir/lib/modules/$name" ;;
		*.zst) zstd -qdc "$KMODS/$mod" > "$dir/lib/modules/$name" ;;
		*.gz) gzip -dc "$KMODS/$mod" > "$dir/lib/modules/$name" ;;
		*) cp "$KMODS/$mod" "$dir/lib/modules/$name" ;;
		esac
		list="$list $name"
	done
	echo "$list" > "$dir/modules.list"
	(cd "$dir" && find . | cpio -o -H newc --quiet | gzip -1) > "$out.tmp.$$"
	mv "$out.tmp.$$" "$out"
	rm -rf "$dir"
	log "built $out:$list"
}

# The cached initramfs for kernel $1, rebuilt when an input is newer.
initramfs() {
	local abi=$1 out f

	out="$CACHE/initramfs-$abi.cpio.gz"
	mkdir -p "$CACHE"
	for f in "${BASH_SOURCE[0]}" "$SCRIPTS/vm-init.sh" "$KIMAGE" \
		 "$KMODS/modules.dep" /bin/busybox; do
		if [ ! -f "$out" ] || [ "$f" -nt "$out" ]; then
			build_initramfs "$abi" "$out"
			break
		fi
	done
	echo "$out"
}

# The kernel image to boot: the bzImage's vmlinux, extracted once, boots
# through its PVH entry with no decompression in the guest (saves ~1.5 s on
# 6.12, zstd, and ~4.5 s on 6.1, xz); the bzImage when that is not possible.
kernel_image() {
	local abi=$1 bz=$KIMAGE out x

	out="$CACHE/vmlinux-$abi"
	x="$CACHE/linux-source-6.12/scripts/extract-vmlinux"
	if [ ! -s "$out" ] || [ "$bz" -nt "$out" ]; then
		if [ -f "$x" ] && sh "$x" "$bz" > "$out.tmp.$$" 2>/dev/null &&
		   readelf -n "$out.tmp.$$" 2>/dev/null | grep -q 'Xen.*(0x00000012)'; then
			mv "$out.tmp.$$" "$out"
		else
			rm -f "$out.tmp.$$"
			echo "$bz"
			return
		fi
	fi
	echo "$out"
}

# ---- the job the guest runs -----------------------------------------------

# Single-quote $1 for sh.
shquote() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

job_env() {
	local name

	echo "export PATH=$GUEST_PATH HOME=/root TERM=$(shquote "${TERM:-dumb}")"
	# shellcheck disable=SC2086
	for name in $(compgen -e) ${VM_ENV:-}; do
		case $name in
		CI | V | KSFT_* | LAC_* | IP_LIB_DIR) ;;
		*) case " ${VM_ENV:-} " in *" $name "*) ;; *) continue ;; esac ;;
		esac
		[ -n "${!name+set}" ] || continue
		echo "export $name=$(shquote "${!name}")"
	done | sort -u
}

# The job's mounts of the shared directories: the checkout first (lac.ko is
# in it), at their own paths (tags lacro0.., lacrw0..; see run_qemu).
job_mounts() {
	local i p9="trans=virtio,version=9p2000.L,msize=512000"

	for i in "${!SHARE_RO[@]}"; do
		# Read-only and unchanged during a run, like the root: cached.
		echo "mkdir -p $(shquote "${SHARE_RO[i]}") && mount -t 9p -o ro,$p9,cache=loose lacro$i $(shquote "${SHARE_RO[i]}") || exit 1"
	done
	for i in "${!SHARE_RW[@]}"; do
		echo "mkdir -p $(shquote "${SHARE_RW[i]}") && mount -t 9p -o rw,$p9 lacrw$i $(shquote "${SHARE_RW[i]}") || exit 1"
	done
}

# lac_deps KO: the guest's modprobe of the modules KO depends on (crypto
# ones, for the encryption).  insmod does not load them, and the guest
# cannot autoload them either (no usermode helper in the chroot).
lac_deps() {
	local deps

	deps=$(modinfo -F depends "$1" 2>/dev/null | tr , ' ')
	[ -n "${deps// /}" ] || return 0
	echo "modprobe -a $deps || { echo 'vm-run: modprobe of lac.ko dependencies ($deps) failed' >&2; exit 1; }"
}

job_setup() {
	local abi=$1 ko="$REPO/build/$1/lac.ko"

	job_mounts
	# An extracted or debug kernel's modules are not in the host's
	# /lib/modules.
	[ -z "$KMODROOT" ] ||
		echo "mount --bind $(shquote "$KMODROOT") /lib/modules || exit 1"
	cat <<EOT
cut -d' ' -f1 /proc/uptime > /run/lac-vm/boot
modprobe -a $EXTRA_MODS $DEFAULT_MODS || { echo "vm-run: modprobe failed" >&2; exit 1; }
EOT
	# The leak baseline comes before lac is loaded: everything lac
	# allocates is then checked at the end.
	[ "$KMEMLEAK" = 0 ] ||
		echo "$(shquote "$SCRIPTS/kmemleak-check.sh") start || exit 1"
	if [ "${LAC_VM_NO_LAC:-0}" = 1 ]; then
		log "LAC_VM_NO_LAC=1: not loading lac.ko"
	elif [ ! -f "$ko" ]; then
		log "$ko not built: running without the lac module"
	else
		lac_deps "$ko"
		echo "insmod $(shquote "$ko") || { echo 'vm-run: insmod lac.ko failed' >&2; exit 1; }"
	fi
	echo "ip link set lo up"
}

# guest_shared PATH: PATH is in a directory shared at its own path.
guest_shared() {
	local d

	for d in "${SHARE_RO[@]}" "${SHARE_RW[@]}"; do
		case $1 in "$d" | "$d"/*) return 0 ;; esac
	done
	return 1
}

write_job() {
	local abi=$1 job=$2 cwd=$PWD script

	shift 2
	if [ $# = 1 ]; then
		script=$1
	else
		script=$(for a in "$@"; do printf '%s ' "$(shquote "$a")"; done)
	fi
	if [ ! -d "$cwd" ] || { guest_hidden "$cwd" && ! guest_shared "$cwd"; }; then
		log "warning: $cwd is not visible in the guest, running in /"
		cwd=/
	fi
	{
		echo "# generated by vm-run.sh"
		job_env
		job_setup "$abi"
		echo "cd $(shquote "$cwd") || exit 1"
		echo "/bin/sh -c $(shquote "$script")"
		if [ "$KMEMLEAK" = 1 ]; then
			# A leak fails a run that passed; a failed run keeps its
			# status (and its leaks are reported all the same).
			# shellcheck disable=SC2016 # expanded by the guest
			echo 'rc=$?'
			echo "$(shquote "$SCRIPTS/kmemleak-check.sh") end || { [ \$rc != 0 ] || rc=1; }"
			# shellcheck disable=SC2016
			echo 'exit $rc'
		fi
	} > "$job"
}

# ---- running qemu ---------------------------------------------------------

# Loops per jiffy for the guest (same TSC as the host): saves the ~1 s
# delay-loop calibration of the second CPU.
guest_lpj() {
	local hz

	hz=$(sed -n 's/^CONFIG_HZ=//p' "$KCONFIG" 2>/dev/null)
	awk -v hz="${hz:-250}" '/^cpu MHz/ { printf "lpj=%d", $4 * 1000000 / hz; exit }' /proc/cpuinfo
}

run_qemu() {
	local abi=$1 kernel=$2 initrd=$3 append i
	local -a shares=()

	# no_timer_check: the boot's IO-APIC timer check waits a fixed delay
	# loop for timer ticks; when the host's CPU is stolen, TCG delivers
	# them late and the kernel panics ("IO-APIC + timer doesn't work!",
	# the debug kernel on 2026-11-22 with 77 % steal).
	append="console=ttyS0 panic=-1 $(guest_lpj "$abi") no_timer_check"
	append="$append i8042.noaux i8042.nokbd i8042.nopnp"
	# The debug kernel stops at the first WARN, KASAN or UBSAN report (the
	# console keeps it; nothing runs on a kernel in an unknown state).
	# acpi=noirq: its AML interpreter is so slow under TCG that each PCI
	# _PRT evaluation hits ACPICA's 30 s loop timeout (two of them per
	# boot, for nothing: virtio-pci uses MSI-X).
	[ "$DEBUG_KERNEL" = 0 ] || append="$append panic_on_warn=1 acpi=noirq"
	append="$append ${LAC_VM_APPEND:-}"
	for i in "${!SHARE_RO[@]}"; do
		shares+=(-virtfs "local,path=${SHARE_RO[i]},mount_tag=lacro$i,security_model=none,readonly=on,multidevs=remap")
	done
	for i in "${!SHARE_RW[@]}"; do
		shares+=(-virtfs "local,path=${SHARE_RW[i]},mount_tag=lacrw$i,security_model=none,multidevs=remap")
	done

	exec timeout -k 10 "$TIMEOUT" qemu-system-x86_64 \
		-nodefaults -no-user-config -display none -no-reboot \
		-accel "tcg,thread=${LAC_VM_TCG_THREAD:-single}" -cpu max -smp "$CPUS" -m "$MEM" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "$append" \
		-chardev "file,id=con,path=$TMP/console" -serial chardev:con \
		-chardev "file,id=out,path=$TMP/out" -serial chardev:out \
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap \
		-virtfs "local,path=$TMP/share,mount_tag=lacvm,security_model=none" \
		"${shares[@]}" "${QEMU_EXTRA[@]}" \
		</dev/null >"$TMP/qemu.log" 2>&1
}

# Print the console's oops/WARN/... lines; fails if there are any.
oops_summary() {
	local hits

	hits=$(grep -aE "$OOPS_RE" "$1" | grep -avE 'Kernel command line|panic=' |
		{ if [ "$DEBUG_KERNEL" = 1 ]; then grep -avE "$DEBUG_BENIGN_RE"; else cat; fi; } || true)
	[ -n "$hits" ] || return 0
	log "kernel problems in $1:"
	echo "$hits" | head -n 50 | sed 's/^/  /' >&2
	return 1
}

# On exit (normal or not), stop the VM if it still runs and clean up.
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	[ -z "$QPID" ] || kill -TERM "$QPID" 2>/dev/null || true
	[ -z "$TMP" ] || rm -rf "$TMP"
}

# Boot the VM and stream the job's output until qemu exits; sets QRC.
# Without LAC_VM_LIVE=1 (the default when stdout is not a terminal), the
# output is printed once the VM is done, from the copy the guest wrote to
# the share: the serial stream can lose bytes when the host is loaded.
boot_vm() {
	local tpid="" cpid="" live=${LAC_VM_LIVE:-}

	[ -n "$live" ] || { [ -t 1 ] && live=1 || live=0; }
	run_qemu "$@" &
	QPID=$!
	if [ "$live" = 1 ]; then
		tail -n +1 -s 0.1 -f --pid="$QPID" "$TMP/out" &
		tpid=$!
	fi
	if [ "$LIVE_CONSOLE" = 1 ]; then
		tail -n +1 -s 0.1 -f --pid="$QPID" "$TMP/console" >&2 &
		cpid=$!
	fi
	QRC=0
	wait "$QPID" || QRC=$?
	QPID=""
	wait $tpid $cpid || true
	if [ "$live" != 1 ]; then
		cat "$TMP/share/out" 2>/dev/null || cat "$TMP/out"
	fi
}

# The job's exit status, or 124 (timeout) or 125 (no status) with a console tail.
job_status() {
	local console=$1

	if grep -qxE '[0-9]+' "$TMP/share/rc" 2>/dev/null; then
		cat "$TMP/share/rc"
		return
	fi
	if [ "$QRC" = 124 ] || [ "$QRC" = 137 ]; then
		log "timeout after $TIMEOUT s: VM killed; console tail:"
		echo 124
	else
		log "the VM stopped without an exit status (qemu status $QRC); console tail:"
		sed 's/^/  qemu: /' "$TMP/qemu.log" >&2
		echo 125
	fi
	tail -n 40 "$console" | sed 's/^/  /' >&2
}

main() {
	local opt abi kernel initrd rc t0 t1 boot console d
	local -a words

	while getopts "k:t:m:M:p:n:S:ch" opt; do
		case $opt in
		k) KERNEL=$OPTARG ;;
		t) TIMEOUT=$OPTARG ;;
		m) MEM=$OPTARG ;;
		M) EXTRA_MODS=$OPTARG ;;
		p) CPUS=$OPTARG ;;
		n) read -r -a words <<< "$OPTARG"; QEMU_EXTRA+=("${words[@]}") ;;
		S) d=$(cd "$OPTARG" 2>/dev/null && pwd) || die "-S $OPTARG: no such directory"
		   SHARE_RW+=("$d") ;;
		c) LIVE_CONSOLE=1 ;;
		*) usage ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -gt 0 ] || usage
	case $TIMEOUT$MEM$CPUS in *[!0-9]*) die "-t, -m and -p take numbers" ;; esac
	# A checkout in /tmp (or /var/tmp, /run) is under the guest's tmpfs.
	if guest_hidden "$REPO" && ! guest_shared "$REPO"; then
		SHARE_RO+=("$REPO")
	fi

	abi=$(resolve_kernel "$KERNEL")
	set_kernel_paths "$abi"
	# KASAN's shadow (1/8), kmemleak's and lockdep's tables need room.
	if [ -z "$MEM" ]; then
		MEM=2048
		[ "$DEBUG_KERNEL" = 0 ] || MEM=3072
	fi
	if [ "${LAC_VM_KMEMLEAK:-1}" != 0 ] && grep -qx 'CONFIG_DEBUG_KMEMLEAK=y' "$KCONFIG" 2>/dev/null; then
		KMEMLEAK=1
	fi
	kernel=$(kernel_image "$abi")
	initrd=$(initramfs "$abi")
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/lac-vm.XXXXXX")
	mkdir "$TMP/share"
	: > "$TMP/console"
	: > "$TMP/out"
	write_job "$abi" "$TMP/share/job.sh" "$@"

	t0=$(date +%s.%N)
	boot_vm "$abi" "$kernel" "$initrd"
	t1=$(date +%s.%N)

	console="${LAC_VM_LOGDIR:-$REPO/build}/${LAC_VM_LOGNAME:-vm-$abi}-console.log"
	mkdir -p "$(dirname "$console")"
	cp "$TMP/console" "$console"
	rc=$(job_status "$console")
	if [ "$KMEMLEAK" = 1 ]; then
		rm -f "${console%-console.log}-kmemleak.log"
		if [ -s "$TMP/share/kmemleak" ]; then
			cp "$TMP/share/kmemleak" "${console%-console.log}-kmemleak.log"
			log "kmemleak report: ${console%-console.log}-kmemleak.log"
		fi
	fi
	if ! oops_summary "$console" && [ "${LAC_VM_STRICT:-0}" = 1 ] && [ "$rc" = 0 ]; then
		log "LAC_VM_STRICT=1: failing the run"
		rc=1
	fi
	boot=$(cat "$TMP/share/boot" 2>/dev/null || echo "?")
	[ "$rc" = 0 ] || log "console log: $console"
	log "$abi exit $rc in $(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }') s (guest boot $boot s)"
	exit "$rc"
}

main "$@"
