#!/bin/busybox sh
# shellcheck shell=dash
# SPDX-License-Identifier: GPL-2.0
#
# /init of the lac test VM.  scripts/vm-run.sh copies this file into a small
# busybox initramfs; it is not meant to be run on a host.
#
# It loads the modules listed in /modules.list (virtio, 9p and the ones every
# test needs), mounts the host root read-only (9p tag "hostroot") on /newroot
# with writable tmpfs on /tmp, /var/tmp and /run, mounts the per-run share
# (9p tag "lacvm", writable) on /run/lac-vm, and runs /run/lac-vm/job.sh
# in the host root (moved over / in a mount namespace of the job's, then
# chrooted) with its output on /dev/ttyS1.  The exit status
# of job.sh is written to /run/lac-vm/rc, then the VM powers off.

R=/newroot
SHARE=$R/run/lac-vm
P9="trans=virtio,version=9p2000.L,msize=512000"

export PATH=/bin:/sbin:/usr/bin:/usr/sbin

log() { echo "vm-init: [$(cut -d' ' -f1 /proc/uptime)] $*"; }

halt_vm() {
	sync
	poweroff -f
	echo o > /proc/sysrq-trigger
	sleep 10
}

die() {
	log "FATAL: $*"
	halt_vm
}

load_modules() {
	local m list

	read -r list < /modules.list
	for m in $list; do
		insmod "/lib/modules/$m" || die "insmod $m failed"
	done
}

# tmpfs on $R/$1 unless it is a symlink (/var/run -> /run on Debian).
tmpfs_on() {
	[ -L "$R/$1" ] && return 0
	mount -t tmpfs -o "mode=${2:-1777}" tmpfs "$R/$1" || die "tmpfs on /$1"
}

mount_root() {
	# The host root is read-only and its files do not change during a run:
	# cache=loose saves most 9p round trips (exec is ~3x faster).
	mount -t 9p -o "ro,$P9,cache=loose" hostroot "$R" ||
		die "cannot mount the host root"
	tmpfs_on tmp
	tmpfs_on var/tmp
	tmpfs_on run 0755
	mkdir -p "$SHARE"
	mount -t 9p -o "rw,$P9" lacvm "$SHARE" || die "cannot mount the run share"

	mount -t proc proc "$R/proc"
	mount -t sysfs sysfs "$R/sys"
	mount -t devtmpfs devtmpfs "$R/dev"
	mkdir -p "$R/dev/pts" "$R/dev/shm"
	mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts "$R/dev/pts"
	mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
	mount -t debugfs debugfs "$R/sys/kernel/debug" 2>/dev/null
	mount -t cgroup2 cgroup2 "$R/sys/fs/cgroup" 2>/dev/null
	ln -sf /proc/self/fd "$R/dev/fd"
	ln -sf /proc/self/fd/0 "$R/dev/stdin"
	ln -sf /proc/self/fd/1 "$R/dev/stdout"
	ln -sf /proc/self/fd/2 "$R/dev/stderr"
}

# Kill what the job left behind, then wait until ttyS1 has sent everything
# (stty sets the attributes with TCSADRAIN).
finish_output() {
	kill -TERM -1 2>/dev/null
	sleep 0.2
	kill -KILL -1 2>/dev/null
	stty -F /dev/ttyS1 -opost -echo
}

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
load_modules
mount_root
hostname lac-vm
# Raw output: no \n -> \r\n translation on the job's channel.
stty -F /dev/ttyS1 -opost -echo

log "running the job"
# The job's output is kept in the share, which the host reads when the VM
# is done: a serial line of a loaded TCG guest can drop bytes.  ttyS1 has
# the same for a live view.
set -o pipefail
# In a mount namespace of its own, the host root is moved over / before the
# chroot, as switch_root does: a plain chroot would leave the job "in a
# chroot", where the kernel refuses new user namespaces (unshare -U).
# shellcheck disable=SC2016 # for the inner sh
unshare -m sh -c 'cd "$1" && mount --move . / && exec chroot . /bin/sh "$2"' \
	init "$R" /run/lac-vm/job.sh </dev/null 2>&1 |
	tee "$SHARE/out" >/dev/ttyS1
rc=$?
log "job exit status $rc"
finish_output
echo "$rc" > "$SHARE/rc.tmp" && mv "$SHARE/rc.tmp" "$SHARE/rc"
halt_vm
