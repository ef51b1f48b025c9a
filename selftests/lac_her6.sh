#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac head-end replication between three hosts, each flooding to the two
# others (bridge fdb append 00:00:00:00:00:00 dev lac0 dst HOST self), on
# an underlay whose switch drops every UDP datagram to a multicast address
# (IPv4 224.0.0.0/4 and IPv6 ff00::/8, see lac_mcast_block): with nogroup,
# and with the group, over an IPv6 underlay (lac_her.sh: IPv4).  The
# datagrams are captured on the switch (every port).
#
#   Hi: lac0 192.0.2.i/24 on fd00::i (local fd00::i), recreated by each test

ALL_TESTS="
	test_her6_nogroup
	test_her6_group_blocked
"
REQUIRED_CMDS="tcpdump tc"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

setup()
{
	lac_underlay_create 3 6 || return 1
	lac_mcast_block "$UL" 3 || return 1
	log_info "multicast blocked on the underlay with $LAC_MCAST_BLOCK_TOOL"
}

test_her6_nogroup()
{
	fdb_her_nogroup 6 her6n
	log_test "IPv6 underlay, nogroup, flood lists, multicast blocked: all pairs ping, no multicast"
}

test_her6_group_blocked()
{
	fdb_her_group_blocked 6 her6g
	log_test "IPv6 underlay with the group, multicast blocked: all pairs ping via the flood lists"
}

lac_main "$@"
