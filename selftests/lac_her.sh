#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac head-end replication between three hosts, each flooding to the two
# others (bridge fdb append 00:00:00:00:00:00 dev lac0 dst HOST self), on
# an underlay whose switch drops every UDP datagram to a multicast address
# (IPv4 224.0.0.0/4 and IPv6 ff00::/8, see lac_mcast_block): with nogroup,
# and with the group.  The datagrams are captured on the switch (every
# port).  lac_her6.sh does the same over an IPv6 underlay.
#
#   Hi: lac0 192.0.2.i/24 on 10.0.0.i, recreated by each test

ALL_TESTS="
	test_her_nogroup
	test_her_group_blocked
"
REQUIRED_CMDS="tcpdump tc"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"
source "$LAC_SELFTEST_DIR/lib_fdb.sh"

setup()
{
	lac_underlay_create 3 || return 1
	lac_mcast_block "$UL" 3 || return 1
	log_info "multicast blocked on the underlay with $LAC_MCAST_BLOCK_TOOL"
}

test_her_nogroup()
{
	fdb_her_nogroup 4 her4n
	log_test "three hosts, nogroup, flood lists, multicast blocked: all pairs ping, no multicast"
}

test_her_group_blocked()
{
	fdb_her_group_blocked 4 her4g
	log_test "three hosts with the group, multicast blocked: all pairs ping via the flood lists"
}

lac_main "$@"
