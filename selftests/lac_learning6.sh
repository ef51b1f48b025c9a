#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lac_learning.sh over an IPv6 underlay.

LAC_FAM=6 exec "$(dirname "$(readlink -f "$0")")/lac_learning.sh" "$@"
