#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A debug kernel for lac's VM tests: Debian's linux-source-6.12 built with a
# small config (what scripts/vm-run.sh and the selftests need) plus KASAN,
# lockdep, PROVE_RCU, KMEMLEAK, DEBUG_OBJECTS, UBSAN and the networking
# debug checks.  Everything lives in $LAC_CACHE/debug-kernel (default
# /var/cache/lac), outside the repo:
#
#   src-PKGVER/        the linux-source-6.12 tarball of package version
#                      PKGVER, unpacked whole (the tree install-deps.sh
#                      unpacks in $LAC_CACHE/linux-source-6.12 is partial)
#   VER-HASH/build/    the O= build directory of kernel VER with the config
#                      whose hash is HASH: bzImage, .config, Module.symvers;
#                      `make -C VER-HASH/build M=DIR modules` builds a module
#   VER-HASH/modroot/  modules_install'ed tree: lib/modules/RELEASE (the VM
#                      bind-mounts its lib/modules over /lib/modules)
#   VER-HASH/release   the kernel release (written last: the build is done)
#   VER-HASH/build-time  seconds the build took
#   current            symlink to the VER-HASH that the last run built
#
# HASH covers the requested options, the package version and the compiler,
# so changing any of them builds a new kernel; an unchanged one is reused
# (a second run takes a second).
#
# usage: scripts/debug-kernel.sh [-q] [-p builddir|release|dir|image|modroot]
#
#   (no option)  build what is missing; print the build directory
#   -p WHAT      print WHAT of the current build and exit (fails if none)
#   -q           no progress messages
#
# The build runs as `nice -n 19 make -j$LAC_DEBUG_JOBS` (default 2): the
# machine's cores are shared.  Its log is VER-HASH/build.log.
set -euo pipefail

CACHE=${LAC_CACHE:-/var/cache/lac}
TOP=$CACHE/debug-kernel
JOBS=${LAC_DEBUG_JOBS:-2}
QUIET=0

log() { [ "$QUIET" = 1 ] || echo "debug-kernel: $*" >&2; }
die() { echo "debug-kernel: $*" >&2; exit 1; }

usage() {
	sed -n '/^# usage:/,/^#   -q/s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# ---- the configuration ----------------------------------------------------

# Options set on top of x86_64 defconfig, one per line: NAME=y, NAME=n or
# NAME=VALUE (strings quoted).  Each is checked after olddefconfig: an option
# that a dependency silently dropped fails the build instead of giving a
# kernel that checks less than it claims.  Everything is built in (=y), so
# the initramfs needs no module and only lac is loaded from a file.
options() {
	cat <<'EOT'
LOCALVERSION="-lacdebug"
LOCALVERSION_AUTO=n
MODULES=y
MODULE_UNLOAD=y
MODULE_SIG=n
HYPERVISOR_GUEST=y
PARAVIRT=y
PVH=y
PCI=y
VIRTIO_MENU=y
VIRTIO=y
VIRTIO_PCI=y
NET_9P=y
NET_9P_VIRTIO=y
NETWORK_FILESYSTEMS=y
9P_FS=y
NETFS_SUPPORT=y
BLK_DEV_INITRD=y
RD_GZIP=y
DEVTMPFS=y
TMPFS=y
PROC_FS=y
SYSFS=y
DEBUG_FS=y
CGROUPS=y
UNIX98_PTYS=y
TTY=y
SERIAL_8250=y
SERIAL_8250_CONSOLE=y
BINFMT_ELF=y
BINFMT_SCRIPT=y
NET=y
INET=y
IPV6=y
NET_NS=y
UNIX=y
PACKET=y
IP_MULTICAST=y
VETH=y
BRIDGE=y
BRIDGE_IGMP_SNOOPING=y
TUN=y
NET_UDP_TUNNEL=y
VXLAN=y
NETFILTER=y
NF_TABLES=y
NF_TABLES_INET=y
NF_TABLES_IPV4=y
NF_TABLES_IPV6=y
NF_TABLES_BRIDGE=y
NFT_BRIDGE_META=y
NF_TABLES_NETDEV=y
NET_SCHED=y
NET_CLS_ACT=y
NET_SCH_INGRESS=y
NET_CLS_FLOWER=y
NET_ACT_GACT=y
ETHTOOL_NETLINK=y
PREEMPT=y
PREEMPT_VOLUNTARY=n
PREEMPT_NONE=n
DEBUG_KERNEL=y
DEBUG_INFO_NONE=n
DEBUG_INFO_DWARF_TOOLCHAIN_DEFAULT=y
DEBUG_INFO_REDUCED=y
KALLSYMS=y
KALLSYMS_ALL=y
KASAN=y
KASAN_GENERIC=y
KASAN_INLINE=y
KASAN_OUTLINE=n
KASAN_VMALLOC=y
VMAP_STACK=y
PROVE_LOCKING=y
LOCKDEP=y
PROVE_RCU=y
RCU_EXPERT=y
PROVE_RCU_LIST=y
DEBUG_ATOMIC_SLEEP=y
DEBUG_KMEMLEAK=y
DEBUG_KMEMLEAK_DEFAULT_OFF=n
DEBUG_KMEMLEAK_AUTO_SCAN=n
DEBUG_OBJECTS=y
DEBUG_OBJECTS_FREE=y
DEBUG_OBJECTS_RCU_HEAD=y
DEBUG_OBJECTS_WORK=y
DEBUG_OBJECTS_TIMERS=y
UBSAN=y
UBSAN_BOUNDS=y
UBSAN_SHIFT=y
UBSAN_TRAP=n
DEBUG_LIST=y
DEBUG_NET=y
NET_DEV_REFCNT_TRACKER=y
NET_NS_REFCNT_TRACKER=y
FAULT_INJECTION=y
FAILSLAB=y
FAULT_INJECTION_DEBUG_FS=y
FAULT_INJECTION_STACKTRACE_FILTER=y
DRM=n
FB=n
SOUND=n
USB_SUPPORT=n
HID_SUPPORT=n
AGP=n
PCCARD=n
WLAN=n
WIRELESS=n
RFKILL=n
ETHERNET=n
ATA=n
SCSI=n
MD=n
NFS_FS=n
INPUT_JOYSTICK=n
INPUT_TABLET=n
INPUT_TOUCHSCREEN=n
INPUT_MISC=n
EFI=n
HIBERNATION=n
SUSPEND=n
EXT4_FS=n
ISO9660_FS=n
MSDOS_FS=n
VFAT_FS=n
AUTOFS_FS=n
QUOTA=n
NF_CONNTRACK=n
IP_NF_IPTABLES=n
IP6_NF_IPTABLES=n
NETFILTER_XTABLES=n
SECURITY_SELINUX=n
AUDIT=n
WERROR=n
EOT
}
# Why some of them:
# - PVH: vm-run.sh boots the bzImage's vmlinux through its PVH entry (no
#   decompression in the guest).
# - PREEMPT: a fully preemptible kernel makes lockdep, PROVE_RCU and
#   DEBUG_ATOMIC_SLEEP see sleeping and preemption in RCU/BH sections.
# - DEBUG_INFO_REDUCED: line tables for scripts/faddr2line on lac.ko and
#   vmlinux, without the full type info (build time and size).
# - KASAN_VMALLOC: checks vmalloc memory, and VMAP_STACK (guard pages on
#   kernel stacks) needs it with KASAN.
# - RCU_EXPERT: needed by PROVE_RCU_LIST (lockdep conditions of
#   list_for_each_entry_rcu, which the FDB uses).
# - FAILSLAB, FAULT_INJECTION_STACKTRACE_FILTER: for lac_faults.sh, which
#   fails each slab allocation made under lac's code in turn
#   (/proc/thread-self/fail-nth) to walk every error unwind.  Not
#   FAIL_PAGE_ALLOC: a failed page allocation under percpu or vmalloc
#   dumps a stack, which the console check cannot tell from a bug.
# - DEBUG_KMEMLEAK_AUTO_SCAN=n: no scan at random points of the suite (one
#   costs seconds of a TCG vCPU); scripts/kmemleak-check.sh scans when told.
# - DEBUG_NET, NET_{DEV,NS}_REFCNT_TRACKER: the networking core's own checks,
#   and a stack trace for every leaked netdev/netns reference.
# - The =n lines only cut build time (graphics, sound, USB, NICs, disks,
#   local file systems, iptables and conntrack, SELinux, EFI, suspend): the
#   VM and the tests use none of them.  At nice 19 on two cores shared with
#   running VMs, every object file counts.
# - WERROR=n: a new warning of gcc in some KASAN-instrumented core file
#   must not stop an hour-long build (lac itself still builds with W=1 and
#   fails on any warning, see the Makefile).

# ---- the build ------------------------------------------------------------

pkg_version() {
	dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null ||
		die "linux-source-6.12 is not installed: run scripts/install-deps.sh"
}

tarball() {
	local t

	for t in /usr/src/linux-source-6.12*.tar.xz; do :; done
	[ -f "$t" ] || die "no /usr/src/linux-source-6.12*.tar.xz: run scripts/install-deps.sh"
	echo "$t"
}

# The whole source tree of package version $1, unpacked once.
unpack_source() {
	local ver=$1 src

	src="$TOP/src-$(echo "$ver" | tr -c 'A-Za-z0-9.\n-' '_')"
	if [ ! -f "$src/.unpacked" ]; then
		log "unpacking $(tarball) into $src"
		rm -rf "$src" && mkdir -p "$src"
		nice -n 19 tar -C "$src" --strip-components=1 -xJf "$(tarball)"
		echo "$ver" > "$src/.unpacked"
	fi
	echo "$src"
}

# scripts/config arguments for the options.
config_args() {
	local line name val

	while IFS= read -r line; do
		name=${line%%=*} val=${line#*=}
		case $val in
		y) echo "--enable $name" ;;
		n) echo "--disable $name" ;;
		\"*) echo "--set-str $name ${val//\"/}" ;;
		*) echo "--set-val $name $val" ;;
		esac
	done < <(options)
}

# Fail, naming them, if options of the list are not what was asked.
verify_config() {
	local cfg=$1 line name val bad=""

	while IFS= read -r line; do
		name=${line%%=*} val=${line#*=}
		case $val in
		n) grep -qE "^CONFIG_$name=" "$cfg" && bad="$bad $line(is $(grep -E "^CONFIG_$name=" "$cfg"))" ;;
		*) grep -qxF "CONFIG_$line" "$cfg" ||
			bad="$bad $line(is $(grep -E "^(# )?CONFIG_${name}[= ]" "$cfg" || echo unset))" ;;
		esac
	done < <(options)
	[ -z "$bad" ] || die "olddefconfig did not keep:$bad"
}

kmake() {
	nice -n 19 make -C "$SRC" O="$OUT" -j"$JOBS" "$@"
}

# A new configuration of the same source starts from a copy of the current
# build: kbuild then rebuilds only what the changed options touch (minutes,
# not the better part of an hour).  Not across source versions: the copied
# objects would look newer than the new sources.
seed_build() {
	local out=$1 cur

	cur=$(readlink -f "$TOP/current" 2> /dev/null) || return 0
	[ -f "$cur/release" ] && [ ! -e "$out" ] || return 0
	[ "$(readlink -f "$cur/build/source")" = "$(readlink -f "$SRC")" ] || return 0
	log "seeding $out from $cur/build"
	mkdir -p "$(dirname "$out")"
	cp -a "$cur/build" "$out.tmp" && mv "$out.tmp" "$out"
}

build() {
	local dir=$1 t0 t1 rel

	OUT="$dir/build"
	seed_build "$OUT"
	mkdir -p "$OUT"
	log "configuring $OUT"
	kmake -s x86_64_defconfig > /dev/null
	# shellcheck disable=SC2046 # one word per argument
	"$SRC/scripts/config" --file "$OUT/.config" $(config_args)
	kmake -s olddefconfig > /dev/null
	verify_config "$OUT/.config"

	log "building (nice -n 19 make -j$JOBS; log: $dir/build.log); this takes a while"
	t0=$(date +%s)
	# Everything, i.e. vmlinux, bzImage, the (few) modules and
	# Module.symvers: what `make M=` needs to build lac against it.
	if ! kmake all > "$dir/build.log" 2>&1; then
		tail -n 30 "$dir/build.log" >&2
		die "build failed: $dir/build.log"
	fi
	rel=$(kmake -s kernelrelease)
	rm -rf "$dir/modroot"
	kmake INSTALL_MOD_PATH="$dir/modroot" INSTALL_MOD_STRIP=1 \
	      modules_install >> "$dir/build.log" 2>&1 ||
		die "modules_install failed: $dir/build.log"
	# No `build` link in the installed tree (it would point at $OUT, but
	# lac is loaded from build/RELEASE, never from /lib/modules).
	rm -f "$dir/modroot/lib/modules/$rel/build"
	t1=$(date +%s)
	echo $((t1 - t0)) > "$dir/build-time"
	echo "$rel" > "$dir/release"
	log "built $rel in $((t1 - t0)) s"
}

print_current() {
	local cur=$TOP/current

	[ -f "$cur/release" ] || die "no debug kernel built: run scripts/debug-kernel.sh"
	cur=$(readlink -f "$cur")
	case $1 in
	dir) echo "$cur" ;;
	builddir) echo "$cur/build" ;;
	release) cat "$cur/release" ;;
	image) echo "$cur/build/arch/x86/boot/bzImage" ;;
	modroot) echo "$cur/modroot" ;;
	*) usage ;;
	esac
}

main() {
	local opt what="" ver key dir lock

	while getopts "qp:h" opt; do
		case $opt in
		q) QUIET=1 ;;
		p) what=$OPTARG ;;
		*) usage ;;
		esac
	done
	[ -z "$what" ] || { print_current "$what"; return; }

	mkdir -p "$TOP"
	# One build at a time (make check-debug from several shells).
	exec {lock}> "$TOP/.lock"
	flock "$lock"

	ver=$(pkg_version)
	# 6.12.95-1~bpo12+1: the kernel version, then the hash.
	key=${ver%%-*}-$({ options; echo "$ver"; gcc --version | head -n 1; } |
		sha256sum | cut -c1-12)
	dir="$TOP/$key"
	if [ ! -f "$dir/release" ]; then
		SRC=$(unpack_source "$ver")
		build "$dir"
	else
		log "reusing $dir ($(cat "$dir/release"), built in $(cat "$dir/build-time" 2>/dev/null || echo '?') s)"
	fi
	ln -sfn "$key" "$TOP/current"
	echo "$dir/build"
}

SRC=""
OUT=""
main "$@"
