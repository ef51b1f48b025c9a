#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# shellcheck source-path=SCRIPTDIR
#
# The agent of a LAN test bed VM (scripts/lib-lan.sh): scripts/vm-run.sh
# runs it as the VM's command, with DIR shared read-write with the host
# (vm-run.sh -S DIR).  The host drives the VM through files in DIR:
#
#   ready         written by the agent once it runs: `uname -r`
#   ID.cmd        a bash script the host wants run (written as ID.tmp, then
#                 renamed, so that the agent never reads half of it); the
#                 agent renames it ID.run and runs it in the background, in
#                 a subshell that has selftests/lib.sh, lib_fdb.sh and
#                 scripts/lan-guest.sh sourced, in /tmp
#   ID.out        its stdout and stderr
#   ID.rc         its exit status, once it is done (written as ID.rc.tmp,
#                 then renamed)
#   quit          the agent's exit status: the agent stops, and with it
#                 the VM (vm-run.sh powers it off)
#
# Scripts run side by side (a receiver waits while the host has another VM
# send), so each one must name its own files.  9p without a cache shows
# each side the other's writes, at the cost of a round trip per look: the
# agent looks every 0.1 s, which costs an idle TCG guest little.
#
# usage: scripts/lan-agent.sh DIR
set -u

DIR=${1:?usage: lan-agent.sh DIR}
SCRIPTS=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$SCRIPTS")
export IP_LIB_DIR=${IP_LIB_DIR:-$REPO/build/ip}
export LAC_REPO=$REPO

[ -d "$DIR" ] || { echo "lan-agent: no $DIR" >&2; exit 2; }
cd /tmp || exit 2

# The helpers, once: sourcing them for each script took half a second of
# the guest's (emulated) CPU.  They are not written for set -u.
set +u
# shellcheck source=../selftests/lib.sh
source "$REPO/selftests/lib.sh" || exit 2
# shellcheck source=../selftests/lib_fdb.sh
source "$REPO/selftests/lib_fdb.sh" || exit 2
# shellcheck source=lan-guest.sh
source "$SCRIPTS/lan-guest.sh" || exit 2

# run ID: the host's ID.run, in a subshell of ours (with the helpers).
run() {
	local id=$1

	# shellcheck disable=SC1090 # the host's script
	(source "$DIR/$id.run") > "$DIR/$id.out" 2>&1 < /dev/null
	echo $? > "$DIR/$id.rc.tmp"
	mv "$DIR/$id.rc.tmp" "$DIR/$id.rc"
}

uname -r > "$DIR/ready.tmp" && mv "$DIR/ready.tmp" "$DIR/ready" || exit 2
echo "lan-agent: $(uname -r) ready in $DIR"
while [ ! -e "$DIR/quit" ]; do
	for f in "$DIR"/*.cmd; do
		[ -e "$f" ] || continue
		id=$(basename "$f" .cmd)
		mv "$f" "$DIR/$id.run" || continue
		run "$id" &
	done
	sleep 0.1
done
rc=$(cat "$DIR/quit")
echo "lan-agent: quit ${rc:-0}"
exit "${rc:-0}"
