#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run the lac selftests out of a kernel tree, with the kselftest runner
# (kselftest/runner.sh) of a kernel source tree, as run_kselftest.sh would:
#
#   run.sh [-t TIMEOUT] [TEST...]     e.g. run.sh lac_basic.sh lac_vxvde.sh
#   run.sh -l                         list TEST_PROGS, one a line
#
# TESTs default to TEST_PROGS of the Makefile.  The framework is looked up
# in $KSFT_DIR, then around this directory (in a kernel tree), then where
# scripts/install-deps.sh unpacks Debian's linux-source-6.12.  Prints KTAP;
# exits 1 if a test failed, else 0.

set -u

HERE=$(dirname "$(readlink -f "$0")")

usage()
{
	echo "usage: $0 [-t TIMEOUT] [TEST...] | -l" >&2
	exit 2
}

# test_progs: TEST_PROGS of the Makefile, one a line.
test_progs()
{
	sed -n '/^TEST_PROGS/,/^$/p' "$HERE/Makefile" |
		tr '\\\t' '  ' | sed 's/TEST_PROGS *:*= *//' | tr ' ' '\n' |
		grep -v '^$'
}

while getopts "t:lh" opt; do
	case $opt in
	t) export kselftest_override_timeout=$OPTARG ;;
	l) test_progs; exit 0 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))

find_ksft()
{
	local d

	for d in "${KSFT_DIR:-}" "$HERE/../../.." \
		 /var/cache/lac/linux-source-6.12/tools/testing/selftests; do
		[ -n "$d" ] && [ -r "$d/kselftest/runner.sh" ] && { readlink -f "$d"; return 0; }
	done
	return 1
}

if ! KSFT=$(find_ksft); then
	echo "run.sh: no kselftest framework (kselftest/runner.sh): set KSFT_DIR or run scripts/install-deps.sh" >&2
	exit 1
fi

if [ $# -gt 0 ]; then
	tests=("$@")
else
	mapfile -t tests < <(test_progs)
fi
for i in "${!tests[@]}"; do
	tests[i]=$(basename "${tests[i]}")
	[ -e "$HERE/${tests[i]}" ] || { echo "run.sh: no test ${tests[i]}" >&2; exit 2; }
done

# runner.sh names a test by its path below BASE_DIR and reads the settings
# file there: give it the in-tree layout through symlinks.
base=$(mktemp -d /tmp/lac-ksft.XXXXXX)
log="$base/log"
trap 'rm -rf "$base"' EXIT
ln -s "$KSFT/kselftest" "$base/kselftest"
mkdir -p "$base/drivers/net"
ln -s "$HERE" "$base/drivers/net/lac"
cd "$base/drivers/net/lac" || exit 1

export BASE_DIR="$base"
set +u	# runner.sh is not written for set -u
# shellcheck source=/dev/null
. "$BASE_DIR/kselftest/runner.sh"
run_many "${tests[@]}" | tee "$log"

# The closing line counts the subtests; a program that failed without a
# failing subtest (bail out, timeout) counts as one failure.
read -r pass fail skip progs progs_ok < <(awk '
	/^# ok [0-9]+ .*# SKIP/ { skip++; next }
	/^# ok [0-9]+ / { pass++; next }
	/^# not ok [0-9]+ / { fail++; sub_fail++; next }
	/^ok [0-9]+ / { progs++; progs_ok++; sub_fail = 0; next }
	/^not ok [0-9]+ / { progs++; if (!sub_fail) fail++; sub_fail = 0; next }
	END { print pass + 0, fail + 0, skip + 0, progs + 0, progs_ok + 0 }' "$log")
echo "# $progs_ok of $progs test programs passed"
echo "selftests: $pass passed, $fail failed, $skip skipped"
[ "$progs_ok" -eq ${#tests[@]} ]
