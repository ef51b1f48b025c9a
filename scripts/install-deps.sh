#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install everything lac needs on a Debian bookworm machine.  Idempotent and
# quick when everything is present.  Backports and deb-src are added by
# reusing the URIs already configured for bookworm: no mirror is named here.
set -euo pipefail

STAMP_DIR=${LAC_CACHE:-/var/cache/lac}
SRC_FILE=/etc/apt/sources.list.d/debian.sources
LAC_SOURCES=/etc/apt/sources.list.d/lac-extra.sources

PKGS="build-essential bc bison flex libelf-dev libssl-dev dwarves kmod cpio xz-utils
      busybox-static qemu-system-x86 iproute2 iputils-ping iperf3 tcpdump
      ethtool vdeplug libvdeplug2 sparse dpkg-dev libmnl-dev libcap-dev
      libbsd-dev pkg-config python3 python3-docutils debootstrap nftables
      man-db groff-base jq shellcheck vdens libvdeplug-agno wireguard-tools"

log() { echo "install-deps: $*" >&2; }

# The deb822 stanza that carries the plain bookworm suite: print its URIs.
bookworm_uris() {
	awk 'BEGIN { RS = ""; FS = "\n" }
	     /(^|\n)Suites:[^\n]*[ \t]bookworm([ \t]|$|\n)/ {
		for (i = 1; i <= NF; i++)
			if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/, "", $i); print $i }
	     }' "$SRC_FILE" | head -n 1
}

add_sources() {
	local uris keyring

	[ -f "$LAC_SOURCES" ] && return 1
	[ -f "$SRC_FILE" ] || { log "no $SRC_FILE"; exit 1; }
	uris=$(bookworm_uris)
	[ -n "$uris" ] || { log "no bookworm URIs in $SRC_FILE"; exit 1; }
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	cat > "$LAC_SOURCES" <<EOT
# Added by lac's scripts/install-deps.sh (same URIs as $SRC_FILE)
Types: deb deb-src
URIs: $uris
Suites: bookworm-backports
Components: main
Signed-By: $keyring

Types: deb-src
URIs: $uris
Suites: bookworm bookworm-updates
Components: main
Signed-By: $keyring
EOT
	log "added backports and deb-src ($LAC_SOURCES)"
	return 0
}

apt_updated=0
apt_update() {
	[ $apt_updated = 1 ] && return
	apt-get update -qq
	apt_updated=1
}

# Name of the flavour package a metapackage points to in a given suite.
kernel_abi() {
	local suite=$1

	apt-cache show "linux-image-amd64/$suite" 2>/dev/null |
		sed -n 's/^Depends: *\(linux-image-[^ ,]*\).*/\1/p' | head -n 1 |
		sed 's/^linux-image-//'
}

missing() {
	local p out=""

	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed' || out="$out $p"
	done
	echo "$out"
}

export DEBIAN_FRONTEND=noninteractive
mkdir -p "$STAMP_DIR"

if add_sources; then
	apt_update
fi

# Kernels: the bookworm one (6.1) and the newest bookworm-backports one.
if [ ! -f "$STAMP_DIR/kernels" ] || ! (
	while read -r abi; do
		[ -e "/boot/vmlinuz-$abi" ] && [ -d "/usr/src/linux-headers-$abi" ] || exit 1
	done < "$STAMP_DIR/kernels"); then
	apt_update
	k61=$(kernel_abi bookworm)
	k612=$(kernel_abi bookworm-backports)
	[ -n "$k61" ] && [ -n "$k612" ] || { log "cannot resolve kernel versions"; exit 1; }
	pkgs=$(missing "linux-image-$k61" "linux-headers-$k61" \
		       "linux-image-$k612" "linux-headers-$k612")
	if [ -n "$pkgs" ]; then
		log "installing kernels:$pkgs"
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends -t bookworm-backports $pkgs >/dev/null
	fi
	printf '%s\n%s\n' "$k61" "$k612" > "$STAMP_DIR/kernels"
fi

# linux-source-6.12: checkpatch.pl and the kselftest framework.
if [ -z "$(ls -d /usr/src/linux-source-6.12* 2>/dev/null)" ]; then
	apt_update
	apt-get install -y -qq --no-install-recommends -t bookworm-backports linux-source-6.12 >/dev/null
fi

# perf, for bench/ --profile: the backports one reads 6.12's perf data.
if ! command -v perf > /dev/null; then
	apt_update
	apt-get install -y -qq --no-install-recommends -t bookworm-backports linux-perf >/dev/null
fi

# shellcheck disable=SC2086
pkgs=$(missing $PKGS)
if [ -n "$pkgs" ]; then
	apt_update
	log "installing:$pkgs"
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $pkgs >/dev/null
fi

# The linux-source tarball, unpacked once outside the repo.
src=$(ls -d /usr/src/linux-source-6.12*.tar.xz 2>/dev/null | tail -n 1)
ksrc="$STAMP_DIR/linux-source-6.12"
if [ ! -f "$ksrc/.unpacked" ]; then
	log "unpacking $src"
	rm -rf "$ksrc" && mkdir -p "$ksrc"
	tar -C "$ksrc" --strip-components=1 -xJf "$src" \
		--wildcards '*/scripts/*' '*/tools/testing/selftests/*' \
		'*/drivers/net/vxlan/*' '*/drivers/net/wireguard/*' \
		'*/drivers/net/geneve.c' '*/drivers/net/bareudp.c'
	touch "$ksrc/.unpacked"
fi

# iproute2 6.1 source: headers for the ip plugin.
ipsrc="$STAMP_DIR/iproute2"
if [ ! -f "$ipsrc/.unpacked" ]; then
	apt_update
	rm -rf "$ipsrc" && mkdir -p "$ipsrc"
	(cd "$ipsrc" && apt-get source -qq --download-only iproute2=6.1.0-3 >/dev/null &&
	 dpkg-source -x --skip-patches iproute2_6.1.0-3.dsc src >/dev/null)
	touch "$ipsrc/.unpacked"
fi
log "ok"
