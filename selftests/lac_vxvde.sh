#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck disable=SC2016,SC2317 # awk programs; functions run by lac_main
#
# lac interoperates with vdeplug4's userland vxvde:// (vde_plug):
#
#   H1: lac0 192.0.2.1/24
#   H2: lac0 192.0.2.2/24
#   H3: vde_plug vxvde://239.0.0.1 tap://tap0, tap0 192.0.2.3/24
#       vde_plug vxvde://239.1.2.3/port=5555/vni=42 tap://tap1,
#       tap1 198.51.100.3/24 (against H1's lac1 198.51.100.1/24)

ALL_TESTS="
	test_lac_to_vde
	test_vde_to_lac
	test_fdb_vde
	test_all_pairs
	test_vde_leave
	test_vde_settings
"
REQUIRED_CMDS="vde_plug ss setsid"

set -u
source "$(dirname "$(readlink -f "$0")")/lib.sh"

setup()
{
	lac_underlay_create 3 || return 1
	lac_setup "$H1" lac0 192.0.2.1/24 || return 1
	lac_setup "$H2" lac0 192.0.2.2/24 || return 1
	lac_vde_start "$H3" tap0 192.0.2.3/24 || return 1
	M1=$(dev_mac "$H1" lac0) && M2=$(dev_mac "$H2" lac0) &&
		MV=$(dev_mac "$H3" tap0) || return 1
	LP1=$(lac_localport "$H1" lac0) && LP2=$(lac_localport "$H2" lac0) &&
		VP=$(lac_vde_uport "$H3" tap0) || return 1
	log_info "H1 lac0 $M1 10.0.0.1:$LP1, H2 lac0 $M2 10.0.0.2:$LP2, H3 vde_plug tap0 $MV 10.0.0.3:$VP"
}

test_lac_to_vde()
{
	lac_ping "$H1" 192.0.2.3
	check_err $? "lac (H1) cannot ping vde_plug (H3)"
	log_test "ping lac -> vde_plug"
}

test_vde_to_lac()
{
	lac_ping "$H3" 192.0.2.1
	check_err $? "vde_plug (H3) cannot ping lac (H1)"
	log_test "ping vde_plug -> lac"
}

test_fdb_vde()
{
	lac_fdb_check "$H1" lac0 "$MV" 10.0.0.3 "$VP"
	check_err $? "H1 did not learn vde_plug's tap0 at 10.0.0.3:$VP"
	log_test "lac learns vde_plug's MAC with its unicast port"
}

test_all_pairs()
{
	local src dst ns

	for src in 1 2 3; do
		ns="H$src"
		ns=${!ns}
		for dst in 1 2 3; do
			[ "$src" = "$dst" ] && continue
			lac_ping "$ns" "192.0.2.$dst"
			check_err $? "192.0.2.$src cannot ping 192.0.2.$dst"
		done
	done
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" &&
		lac_fdb_check "$H2" lac0 "$M1" 10.0.0.1 "$LP1" &&
		lac_fdb_check "$H2" lac0 "$MV" 10.0.0.3 "$VP"
	check_err $? "the lac devices did not learn each other and vde_plug"
	log_test "two lac and one vde_plug endpoint ping all pairs"
}

test_vde_leave()
{
	local ms

	lac_fdb_has "$H1" lac0 "$MV" && lac_fdb_has "$H2" lac0 "$MV"
	check_err $? "vde_plug is not in the fdb of H1 and H2"
	lac_vde_stop "$H3" tap0 TERM
	check_err $? "cannot stop vde_plug"
	ms=$(lac_fdb_wait_gone "$H1" lac0 "$MV" 1000)
	check_err $? "vde_plug's entry still in H1's fdb 1 s after it stopped"
	log_info "vde_plug's entry left H1's fdb after $ms ms"
	lac_fdb_wait_gone "$H2" lac0 "$MV" 1000 > /dev/null
	check_err $? "vde_plug's entry still in H2's fdb 1 s after it stopped"
	lac_fdb_check "$H1" lac0 "$M2" 10.0.0.2 "$LP2" &&
		lac_fdb_check "$H2" lac0 "$M1" 10.0.0.1 "$LP1"
	check_err $? "the lac entries did not stay"
	log_test "vde_plug's leave (SIGTERM) removes its entries, others stay"
}

test_vde_settings()
{
	local lp vp mac

	lac_setup "$H1" lac1 198.51.100.1/24 group 239.1.2.3 port 5555 vni 42
	check_err $? "cannot create lac1"
	lac_vde_start "$H3" tap1 198.51.100.3/24 vxvde://239.1.2.3/port=5555/vni=42
	check_err $? "cannot start vde_plug on 239.1.2.3 port 5555 vni 42"
	lac_ping "$H1" 198.51.100.3 && lac_ping "$H3" 198.51.100.1
	check_err $? "lac1 and vde_plug cannot ping each other"
	lp=$(lac_localport "$H1" lac1)
	vp=$(lac_vde_uport "$H3" tap1)
	mac=$(dev_mac "$H3" tap1)
	lac_fdb_check "$H1" lac1 "$mac" 10.0.0.3 "$vp"
	check_err $? "lac1 did not learn vde_plug at 10.0.0.3:$vp"
	log_info "lac1 localport $lp, vde_plug unicast port $vp"
	log_test "interop with group 239.1.2.3 port 5555 vni 42"
}

lac_main "$@"
