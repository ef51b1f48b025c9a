#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The newest Debian kernel (the newest linux-headers-*-amd64 in
# trixie-backports), prepared for lac's build and VM tests.  Everything
# lives in $LAC_CACHE (default /var/cache/lac), outside the repo:
#
#   trixie-chroot/   trixie (minbase + build-essential) with the kernel's
#                    linux-headers: its kbuild tools need glibc 2.38 and
#                    gcc 14, which bookworm lacks
#   kernel-REL/      linux-binary-unsigned, linux-modules and linux-base of
#                    REL, extracted, modules.dep made by the host's depmod
#                    (the VM runs the host's kmod); vm-run.sh boots it
#   kernel-newest    REL
#
# usage: scripts/newest-kernel.sh [-r]
#        scripts/newest-kernel.sh run [-C DIR] -- CMD [ARGS...]
#
#   (no command)  prepare what is missing, print REL; quick when all is there
#   -r            look for a newer release now (otherwise at most once in
#                 $LAC_NEWEST_TTL seconds, default 3600; LAC_NEWEST_TTL=-1
#                 never looks again once something is prepared)
#   run           run CMD in the chroot (as /bin/sh would, PATH set) in DIR
#                 (default: the current directory), with the repo
#                 bind-mounted at its own path and /proc mounted, in a
#                 private mount namespace: nothing stays mounted afterwards
#
# The chroot's apt uses the URIs of the bookworm stanza of the machine's
# /etc/apt/sources.list.d/debian.sources and the host's Acquire:: settings;
# the host's own apt state is not touched.  Only host package added:
# debootstrap (scripts/install-deps.sh installs it too).
set -euo pipefail

SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(git -C "$SCRIPTS" rev-parse --show-toplevel 2>/dev/null || dirname "$SCRIPTS")
CACHE=${LAC_CACHE:-/var/cache/lac}
CHROOT=$CACHE/trixie-chroot
SRC_FILE=/etc/apt/sources.list.d/debian.sources
SUITE=trixie
BPO=trixie-backports
CHROOT_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# In the chroot: the package lists, then what this script has done.
RESOLVED=$CHROOT/var/lib/lac-resolved

log() { echo "newest-kernel: $*" >&2; }
die() { log "$*"; exit 1; }

usage() {
	sed -n '/^# usage:/,/^#   run /s/^# \{0,1\}//p' "${BASH_SOURCE[0]}" >&2
	exit 2
}

# The URIs of the deb822 stanza that carries the plain bookworm suite.
bookworm_uris() {
	[ -f "$SRC_FILE" ] || die "no $SRC_FILE"
	awk 'BEGIN { RS = ""; FS = "\n" }
	     /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|$|\n)/ {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); print $i }
	     }' "$SRC_FILE" | head -n 1
}

# Run CMD... in the chroot with /proc, /dev and the repo mounted, in a
# private mount namespace (nothing is left mounted, even on a kill).
in_chroot() {
	local dir=$1

	shift
	[ -d "$dir" ] || dir=/
	# shellcheck disable=SC2016 # expanded by that shell
	unshare --mount --propagation private /bin/sh -c '
		set -e
		c=$1 repo=$2 dir=$3 path=$4
		shift 4
		mount -t proc proc "$c/proc"
		mount --bind /dev "$c/dev"
		mkdir -p "$c$repo"
		mount --bind "$repo" "$c$repo"
		export PATH="$path"
		exec chroot "$c" /bin/sh -c "cd \"\$0\" && exec \"\$@\"" "$dir" "$@"
	' sh "$CHROOT" "$REPO" "$dir" "$CHROOT_PATH" "$@"
}

chroot_apt() {
	in_chroot / env DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o Dpkg::Use-Pty=0 "$@"
}

make_chroot() {
	local uris tmp=$CHROOT.tmp t0

	uris=$(bookworm_uris)
	[ -n "$uris" ] || die "no bookworm URIs in $SRC_FILE"
	command -v debootstrap >/dev/null || {
		log "installing debootstrap"
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			--no-install-recommends debootstrap >/dev/null
	}
	t0=$(date +%s)
	log "debootstrap $SUITE into $CHROOT"
	rm -rf "$tmp"
	# Its own mount namespace: a killed debootstrap leaves no mounts.
	unshare --mount --propagation private debootstrap --variant=minbase \
		--include=build-essential,kmod,xz-utils "$SUITE" "$tmp" \
		"$uris" > "$CACHE/debootstrap.log" 2>&1 ||
		die "debootstrap failed: see $CACHE/debootstrap.log"
	rm -f "$tmp/etc/apt/sources.list"
	cat > "$tmp/etc/apt/sources.list.d/debian.sources" <<EOT
# Written by lac's scripts/newest-kernel.sh (same URIs as the host's $SRC_FILE)
Types: deb
URIs: $uris
Suites: $SUITE $SUITE-updates $BPO
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOT
	mv "$tmp" "$CHROOT"
	log "chroot ready in $(($(date +%s) - t0)) s"
}

# The host's apt proxy and validity-check settings and its resolv.conf, so
# the chroot's apt reaches the archive the way the host's does.
sync_net_config() {
	apt-config dump 2>/dev/null |
		grep -E '^Acquire::((https?|ftp)::Proxy|Check-Valid-Until |Check-Date )' \
		> "$CHROOT/etc/apt/apt.conf.d/50lac-host" || true
	cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf" 2>/dev/null || true
}

# The newest linux-headers-*-amd64 of trixie-backports (the generic
# flavour), from the chroot's package lists.  Not linux-headers-amd64's
# dependency: the metapackage can lag a release behind.
newest_release() {
	# apt-helper reads the lists whatever their compression.
	# shellcheck disable=SC2016 # expanded in the chroot
	in_chroot / /bin/sh -c 'for f in /var/lib/apt/lists/*_dists_"$1"_main_binary-amd64_Packages*; do
		[ -e "$f" ] && /usr/lib/apt/apt-helper cat-file "$f"
	done' sh "$BPO" | sed -n 's/^Package: linux-headers-\([0-9][^ ]*[0-9]-amd64\)$/\1/p' |
		grep -v -e '-cloud-' -e '-rt-' | sort -uV | tail -n 1
}

# The extracted kernel REL in $CACHE/kernel-REL (atomically).
extract_kernel() {
	local rel=$1 out=$CACHE/kernel-$1 dl=/var/cache/lac-debs f

	log "downloading and extracting the $rel image and modules"
	# shellcheck disable=SC2016 # expanded in the chroot
	in_chroot / /bin/sh -c 'set -e; rm -rf "$1"; mkdir -p "$1"; cd "$1"
		chown _apt . 2>/dev/null || true; shift
		apt-get -qq download "$@"' sh "$dl" \
		"linux-binary-unsigned-$rel" "linux-modules-$rel" "linux-base-$rel" >&2
	rm -rf "$out.tmp"
	mkdir -p "$out.tmp"
	for f in "$CHROOT$dl"/*.deb; do
		dpkg-deb -x "$f" "$out.tmp"
	done
	rm -rf "${CHROOT:?}$dl"
	# depmod -b wants DIR/lib/modules; trixie's packages use /usr/lib.
	[ -e "$out.tmp/lib" ] || ln -s usr/lib "$out.tmp/lib"
	[ -d "$out.tmp/lib/modules/$rel/kernel" ] || die "no modules of $rel in the packages"
	depmod -b "$out.tmp" "$rel"
	touch "$out.tmp/.lac-ready"
	rm -rf "$out"
	mv "$out.tmp" "$out"
}

# Drop the headers and extracted trees of releases other than $1.
forget_others() {
	local rel=$1 d old

	for d in "$CACHE"/kernel-*/; do
		d=${d%/}
		if [ "$d" = "$CACHE/kernel-$rel" ] || [ ! -f "$d/.lac-ready" ]; then
			continue
		fi
		log "removing $d"
		rm -rf "$d"
	done
	for d in "$CHROOT"/var/lib/lac-headers-*; do
		[ "$d" = "$CHROOT/var/lib/lac-headers-$rel" ] || rm -f "$d"
	done
	# shellcheck disable=SC2016 # a dpkg-query format
	old=$(in_chroot / dpkg-query -W -f '${db:Status-Abbrev} ${Package}\n' \
		'linux-headers-*' 'linux-kbuild-*' 2>/dev/null |
	      awk '$1 == "ii" { print $2 }' | grep -v -F -e "${rel%-amd64}" || true)
	if [ -n "$old" ]; then
		# shellcheck disable=SC2086
		chroot_apt purge $old >/dev/null
	fi
}

# Resolution and headers for the chroot; prints the release.
prepare() {
	local refresh=$1 rel="" age ttl=${LAC_NEWEST_TTL:-3600} kdir

	[ -f "$CHROOT/.lac-ready" ] || {
		[ -d "$CHROOT" ] && rm -rf "$CHROOT"
		make_chroot
		touch "$CHROOT/.lac-ready"
	}
	[ -f "$RESOLVED" ] && rel=$(cat "$RESOLVED")
	if [ -n "$rel" ] && [ "$refresh" = 0 ]; then
		age=$(($(date +%s) - $(stat -c %Y "$RESOLVED")))
		if [ "$ttl" -lt 0 ] || [ "$age" -lt "$ttl" ]; then
			refresh=0
		else
			refresh=1
		fi
	else
		refresh=1
	fi
	if [ "$refresh" = 1 ]; then
		sync_net_config
		if chroot_apt update >/dev/null 2>"$CACHE/apt-update.log"; then
			rel=$(newest_release)
			[ -n "$rel" ] || die "no linux-headers-*-amd64 in $BPO"
			echo "$rel" > "$RESOLVED"
		elif [ -n "$rel" ]; then
			log "apt-get update failed (see $CACHE/apt-update.log): keeping $rel"
			touch "$RESOLVED"	# and not trying again for a while
		else
			die "apt-get update failed in the chroot: see $CACHE/apt-update.log"
		fi
	fi

	kdir=$CHROOT/usr/src/linux-headers-$rel
	if [ ! -f "$CHROOT/var/lib/lac-headers-$rel" ]; then
		log "installing linux-headers-$rel in the chroot"
		sync_net_config
		chroot_apt install --no-install-recommends -t "$BPO" \
			"linux-headers-$rel" > "$CACHE/apt-install.log" 2>&1 ||
			die "cannot install linux-headers-$rel: see $CACHE/apt-install.log"
		[ -f "$kdir/include/generated/utsrelease.h" ] ||
			die "no $kdir/include/generated/utsrelease.h"
		touch "$CHROOT/var/lib/lac-headers-$rel"
	fi
	[ -f "$CACHE/kernel-$rel/.lac-ready" ] || extract_kernel "$rel"
	if [ "$(cat "$CACHE/kernel-newest" 2>/dev/null)" != "$rel" ]; then
		forget_others "$rel"
		echo "$rel" > "$CACHE/kernel-newest"
	fi
	echo "$rel"
}

main() {
	local refresh=0 dir=$PWD

	if [ "${1:-}" = run ]; then
		shift
		while [ $# -gt 0 ]; do
			case $1 in
			-C) dir=$2; shift 2 ;;
			--) shift; break ;;
			*) break ;;
			esac
		done
		[ $# -gt 0 ] || usage
		[ -f "$CHROOT/.lac-ready" ] || die "no chroot: run scripts/newest-kernel.sh"
		in_chroot "$dir" "$@"
		return
	fi
	case ${1:-} in
	-r) refresh=1 ;;
	"") ;;
	*) usage ;;
	esac
	[ "$(id -u)" = 0 ] || die "must run as root (debootstrap, chroot)"
	mkdir -p "$CACHE"
	exec 9> "$CACHE/newest-kernel.lock"
	flock 9
	prepare "$refresh"
}

main "$@"
