#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-syms.sh PLUGIN [IP [IPROUTE2_SRC]]
#
# Check that the ip link plugin PLUGIN (link_lac.so) can be loaded by the
# ip(8) binary IP (default /usr/bin/ip):
#  - every symbol PLUGIN leaves undefined is exported by IP (built with
#    -export-dynamic) or by a shared library IP or PLUGIN loads; a missing
#    one would make dlopen() fail and "ip link add ... type lac" report
#    "Unknown device type" instead of failing the build;
#  - PLUGIN defines lac_link_util;
#  - the iproute2 headers in IPROUTE2_SRC are those of IP's version, so
#    struct link_util has the layout IP expects;
#  - IP really loads it: "IP_LIB_DIR=... IP link help lac" prints its usage.
set -euo pipefail

plugin=${1:?usage: check-syms.sh PLUGIN [IP [IPROUTE2_SRC]]}
ip=${2:-/usr/bin/ip}
src=${3:-}
me=check-syms

fail() { echo "$me: $*" >&2; exit 1; }

[ -f "$plugin" ] || fail "no $plugin"
ip=$(command -v "$ip") || fail "no ip binary"

# Shared libraries an object pulls in, as the dynamic loader resolves them.
libs_of() {
	ldd "$1" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			$1 ~ /^\// { print $1 }'
}

# Defined dynamic symbols, version suffix stripped.
defined() {
	nm -D --defined-only "$@" 2>/dev/null |
		awk 'NF >= 3 { sub(/@.*/, "", $3); print $3 }'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Undefined symbols: strong ones only ("w" ones such as __cxa_finalize or
# __gmon_start__ may legitimately stay unresolved).
nm -D --undefined-only "$plugin" |
	awk '$1 == "U" { sub(/@.*/, "", $2); print $2 }' | sort -u > "$tmp/need"

# shellcheck disable=SC2046
defined "$ip" $(libs_of "$ip") $(libs_of "$plugin") | sort -u > "$tmp/have"

missing=$(comm -23 "$tmp/need" "$tmp/have")
if [ -n "$missing" ]; then
	echo "$me: $plugin uses symbols that $ip does not export:" >&2
	while read -r sym; do echo "  $sym"; done <<< "$missing" >&2
	exit 1
fi

defined "$plugin" | grep -qx lac_link_util || fail "$plugin lacks lac_link_util"

if [ -n "$src" ]; then
	hver=$(sed -n 's/.*version\[\] = "\(.*\)".*/\1/p' "$src/include/version.h")
	iver=$("$ip" -V | sed -n 's/.*iproute2-\([^ ,]*\).*/\1/p')
	# ip -V may carry a suffix (6.1.0-rc1, 6.1.0-3...): compare x.y.z
	[ "${iver%%-*}" = "${hver%%-*}" ] ||
		fail "headers of iproute2 $hver ($src) but $ip is iproute2 $iver"
fi

mkdir "$tmp/lib"
cp "$plugin" "$tmp/lib/link_lac.so"
IP_LIB_DIR=$tmp/lib "$ip" link help lac 2>&1 | grep -q '^Usage: \.\.\. lac ' ||
	fail "$ip does not load $plugin (IP_LIB_DIR=... ip link help lac)"

echo "$me: $(basename "$plugin"): $(wc -l < "$tmp/need") symbols, all provided by $ip ($(basename "$ip") ${iver:-?})"
