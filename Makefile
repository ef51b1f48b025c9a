# SPDX-License-Identifier: GPL-2.0
#
# lac: Local Area Cloud device.
#
#   make                 module for KDIR + the ip plugin
#   make demo            install what is missing, build, show a LAC in a VM
#   make check           lint + build for every Debian kernel + selftests in a VM on each
#   make lint            checkpatch --strict and sparse on the module sources,
#                        the iproute2 series checks, docs, and shellcheck of
#                        the selftests and of the host's test scripts
#   make docs            every .rst under Documentation/ through docutils'
#                        rst2html, any warning fails; HTML in build/docs/
#   make modules-all     the module for every kernel the VM tests use
#   make module-newest   the module for the newest Debian kernel (trixie-backports)
#   make bench           lac against veth, vxlan and vxvde, and the FDB at 1M
#                        entries, in a VM (BENCH_ARGS=-q: the quick run);
#                        then between two VMs over virtio-net
#                        (bench/lan-bench.sh, LAN_BENCH_ARGS)
#   make lan             the LAN test bed (scripts/lan.sh): separate VMs on
#                        6.1, 6.12 and the newest kernel, qemu's vde peer,
#                        vdens and vde_plug on a bridge of the host's; in
#                        check (LAC_CHECK_LAN=0 leaves it out)
#   make check-newest    build + selftests in a VM on the newest kernel
#                        (LAC_NEWEST=1 adds the newest kernel to modules-all
#                        and check)
#   make check-debug     the debug kernel (KASAN, lockdep, UBSAN, kmemleak;
#                        scripts/debug-kernel.sh), lac against it, selftests
#                        in a VM on it (slow: not part of check)

REPO := $(CURDIR)
BUILD := $(REPO)/build
export LAC_CACHE ?= /var/cache/lac

# The running kernel's build dir, else the newest installed Debian headers.
KDIR ?= $(firstword $(wildcard /lib/modules/$(shell uname -r)/build) \
	 $(shell ls -d /usr/src/linux-headers-*-amd64 2>/dev/null | sort -V | tail -n 1))
# Debian's 6.1 kernel.release holds the upstream version: use UTS_RELEASE.
KREL = $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"/\1/p' \
	 $(1)/include/generated/utsrelease.h 2>/dev/null)

# Kernels of the VM tests: 6.1 (bookworm) and 6.12 (bookworm-backports).
TEST_KERNELS = $(shell cat $(LAC_CACHE)/kernels 2>/dev/null)

# The newest Debian kernel (trixie-backports): its kbuild needs a trixie
# userland, so it builds in the chroot scripts/newest-kernel.sh prepares.
NEWEST_SH := $(REPO)/scripts/newest-kernel.sh
NEWEST_KERNEL = $(shell cat $(LAC_CACHE)/kernel-newest 2>/dev/null)
LAC_NEWEST ?= 0

# The LAN test bed runs on the host (root: a network namespace, a bridge and
# taps of its own) and boots a VM per kernel of LAN_KERNELS, the newest
# one (scripts/newest-kernel.sh) included by default.
LAC_CHECK_LAN ?= 1
export LAN_KERNELS ?= 6.1 6.12 newest

MOD_SRCS := Kbuild lac_main.c lac_fdb.c lac_netlink.c lac_sock.c lac_crypto.c \
	    lac.h lac_compat.h
LINT_SRCS := lac_main.c lac_fdb.c lac_netlink.c lac_sock.c lac_crypto.c lac.h \
	     lac_compat.h \
	     include/uapi/linux/if_lac.h
CHECKPATCH = $(LAC_CACHE)/linux-source-6.12/scripts/checkpatch.pl
# The host-side scripts kept shellcheck clean (make lint).
SHELL_SCRIPTS := scripts/vm-run.sh scripts/check.sh scripts/demo.sh \
		 scripts/lan.sh scripts/lib-lan.sh scripts/lan-guest.sh \
		 scripts/lan-agent.sh bench/lan-bench.sh

.PHONY: all module modules-all module-newest module-chroot ip deps demo bench \
	check check-newest check-debug lan lan-build lint checkpatch sparse selftests \
	docs install uninstall clean

all: module ip

# build_module KDIR OUTDIR [extra make args] [ROOT]: one kernel, its own tree
# of links to the sources, so several kernels build side by side.  With ROOT,
# KDIR is inside the chroot ROOT and make runs there (the repo is mounted at
# its own path).
define build_module
	@test -d "$(4)$(1)" || { echo "no kernel headers at '$(4)$(1)': run scripts/install-deps.sh" >&2; exit 1; }
	@mkdir -p $(2)
	@for f in $(MOD_SRCS) include scripts; do ln -sfn $(REPO)/$$f $(2)/$$f; done
	@$(if $(4),$(NEWEST_SH) run --) $(MAKE) -s -C $(1) M=$(2) W=1 $(3) modules 2>&1 | tee $(2)/build.log
	@! grep -E 'warning:|error:' $(2)/build.log
	@test -f $(2)/lac.ko
endef

module:
	$(call build_module,$(KDIR),$(BUILD)/$(call KREL,$(KDIR)))

modules-all:
	@test -n "$(TEST_KERNELS)" || { echo "no test kernels: run scripts/install-deps.sh" >&2; exit 1; }
	@set -e; for k in $(TEST_KERNELS); do \
		$(MAKE) -s --no-print-directory module KDIR=/usr/src/linux-headers-$$k; \
		echo "built build/$$k/lac.ko"; \
	done
	@if [ "$(LAC_NEWEST)" = 1 ]; then $(MAKE) -s --no-print-directory module-newest; fi

# Prepares the newest kernel first (quick when done: scripts/newest-kernel.sh).
module-newest:
	@$(NEWEST_SH) > /dev/null
	@$(MAKE) -s --no-print-directory module-chroot
	@echo "built build/$$(cat $(LAC_CACHE)/kernel-newest)/lac.ko"

module-chroot:
	$(call build_module,/usr/src/linux-headers-$(NEWEST_KERNEL),$(BUILD)/$(NEWEST_KERNEL),,$(LAC_CACHE)/trixie-chroot)

ip:
	@$(MAKE) -s -C iproute2-patch O=$(BUILD)/ip

deps:
	@scripts/install-deps.sh

demo: deps
	@$(MAKE) -s --no-print-directory modules-all ip
	@scripts/demo.sh

lint: checkpatch sparse docs
	@$(MAKE) -s --no-print-directory -C iproute2-patch check
	@$(MAKE) -s --no-print-directory -C selftests check > /dev/null
	@echo "selftests: shellcheck and python syntax clean"
	@cd $(REPO) && shellcheck -x $(SHELL_SCRIPTS)
	@echo "scripts: shellcheck clean"

# Debian's python3-docutils (scripts/install-deps.sh): /usr/bin/rst2html runs
# the system python3, whatever python3 comes first in PATH.
RST2HTML ?= /usr/bin/rst2html

docs:
	@test -x $(RST2HTML) || { echo "no $(RST2HTML): run scripts/install-deps.sh" >&2; exit 1; }
	@set -e; n=0; for f in $$(cd $(REPO) && find Documentation -name '*.rst' | sort); do \
		out=$(BUILD)/docs/$${f#Documentation/}; out=$${out%.rst}.html; \
		mkdir -p "$$(dirname "$$out")"; \
		$(RST2HTML) --halt=warning --report=warning $(REPO)/$$f "$$out" || \
			{ echo "docs: $$f has warnings" >&2; exit 1; }; \
		n=$$((n + 1)); \
	done; echo "docs: $$n file(s) without a warning, HTML in build/docs/"

checkpatch:
	@test -x $(CHECKPATCH) || { echo "no $(CHECKPATCH): run scripts/install-deps.sh" >&2; exit 1; }
	@$(CHECKPATCH) --strict --no-tree --quiet --show-types -f $(LINT_SRCS)
	@echo "checkpatch --strict: clean"

# sparse (C=2: every file, not only the rebuilt ones) on each test kernel.
sparse:
	@set -e; for k in $(TEST_KERNELS); do \
		d=$(BUILD)/sparse-$$k; mkdir -p $$d; \
		for f in $(MOD_SRCS) include scripts; do ln -sfn $(REPO)/$$f $$d/$$f; done; \
		$(MAKE) -s -C /usr/src/linux-headers-$$k M=$$d C=2 CHECK=sparse W=1 modules > $$d/sparse.log 2>&1 || \
			{ cat $$d/sparse.log; exit 1; }; \
		if grep -E 'warning|error' $$d/sparse.log; then exit 1; fi; \
		echo "sparse ($$k): clean"; \
	done

check: deps
	@$(MAKE) -s --no-print-directory lint
	@$(MAKE) -s --no-print-directory modules-all ip
	@if [ "$(LAC_CHECK_LAN)" = 1 ]; then $(MAKE) -s --no-print-directory lan-build; fi
	@LAC_CHECK_LAN=$(LAC_CHECK_LAN) scripts/check.sh $(TEST_KERNELS) $(if $(filter 1,$(LAC_NEWEST)),newest)

lan-build:
	@$(MAKE) -s --no-print-directory modules-all ip
	@if [ -n "$(filter newest,$(LAN_KERNELS))" ]; then $(MAKE) -s --no-print-directory module-newest; fi

lan: deps
	@$(MAKE) -s --no-print-directory lan-build
	@scripts/lan.sh

# Documentation/networking/lac-bench.rst: a table, not a test.  Then the
# same contenders between two VMs over virtio-net (bench/lan-bench.sh; -q
# of BENCH_ARGS makes both quick).
LAN_BENCH_ARGS ?= $(filter -q,$(BENCH_ARGS))

bench: deps
	@$(MAKE) -s --no-print-directory modules-all ip
	@bench/lac-bench.sh $(BENCH_ARGS)
	@bench/lan-bench.sh $(LAN_BENCH_ARGS)

check-newest: deps
	@$(MAKE) -s --no-print-directory module-newest ip
	@scripts/check.sh newest

# The debug kernel is built once and cached ($(LAC_CACHE)/debug-kernel);
# lac builds against its build dir like against any headers, with W=1, into
# build/<debug release>/.  vm-run.sh -k debug adds panic_on_warn=1 and the
# kmemleak check.  Everything runs 5-10 times slower than on a Debian
# kernel, so the suite is split over two VMs side by side (one host core
# each), each VM gets 8 h, each test LAC_DEBUG_TEST_TIMEOUT seconds instead
# of the 600 of selftests/settings (lac_hostile.sh takes over 30 min; on a
# slow day lac_races.sh took more than an hour for 5 of its 6 cases), the
# tests' helpers (tcpdump, vde_plug, Python receivers) LAC_WAIT seconds to
# start instead of 10, and lac_hostile_bulk.sh's generator 600 s instead of
# 75 (it sends about 120 random datagrams, 40 flood frames a second there:
# not the 100 k of each it sends on Debian kernels, but more than the tenth
# it must), and lac_nlabuse.sh's churn 300 s instead of 120 (it makes about
# 9 devices and 46 entries a second there; the leak check needs 100 and 1000
# rounds).  Learned entries live LAC_AGEING (3600) seconds instead of the
# default 128: minutes pass there between the traffic that taught an entry
# and the check that reads it.  This run looks for memory and locking bugs,
# not for speed.  The whole suite takes more than a 3-hour session there
# (2026-11-21: 9 programs of each half in 2 h): LAC_CHECK_PART=I/N runs
# part I of N (every Nth program from the Ith; `make check-debug
# LAC_CHECK_PART=1/3`, then 2/3 and 3/3 on the same commit).
DEBUG_SH := $(REPO)/scripts/debug-kernel.sh
LAC_DEBUG_TEST_TIMEOUT ?= 7200

check-debug: deps
	@$(DEBUG_SH) > /dev/null
	@$(MAKE) -s --no-print-directory module ip KDIR="$$($(DEBUG_SH) -p builddir)"
	@LAC_CHECK_TIMEOUT=$${LAC_CHECK_TIMEOUT:-28800} \
		LAC_WAIT=$${LAC_WAIT:-120} \
		LAC_AGEING=$${LAC_AGEING:-3600} \
		LAC_CHECK_SPLIT=$${LAC_CHECK_SPLIT:-2} \
		LAC_CHECK_EXTRA="$${LAC_CHECK_EXTRA-lac_faults.sh}" \
		HOSTILE_MAX_SECONDS=$${HOSTILE_MAX_SECONDS:-600} \
		NLABUSE_SECONDS=$${NLABUSE_SECONDS:-300} \
		VM_ENV="$${VM_ENV:-} kselftest_override_timeout HOSTILE_MAX_SECONDS NLABUSE_SECONDS" \
		kselftest_override_timeout=$(LAC_DEBUG_TEST_TIMEOUT) \
		scripts/check.sh debug

# make install [KDIR=...] [DESTDIR=...]: the module for KDIR's kernel in
# updates/ (then depmod), the ip plugin where Debian's ip looks for it, and
# the documentation.  dkms.conf rebuilds the module on kernel upgrades.
IP_PLUGIN_DIR ?= /usr/lib/x86_64-linux-gnu/ip
DOC_DIR ?= /usr/share/doc/lac

install: module ip
	@$(MAKE) -s -C $(KDIR) M=$(BUILD)/$(call KREL,$(KDIR)) \
		INSTALL_MOD_DIR=updates INSTALL_MOD_PATH=$(DESTDIR) \
		CONFIG_MODULE_SIG_ALL= modules_install 2>&1 | \
		grep -v "missing 'System.map'" || true
	test -n "$(DESTDIR)" || depmod -a $(call KREL,$(KDIR))
	install -D -m 0644 $(BUILD)/ip/link_lac.so $(DESTDIR)$(IP_PLUGIN_DIR)/link_lac.so
	install -D -m 0644 Documentation/networking/lac.rst $(DESTDIR)$(DOC_DIR)/lac.rst

uninstall:
	rm -f $(DESTDIR)/lib/modules/$(call KREL,$(KDIR))/updates/lac.ko*
	test -n "$(DESTDIR)" || depmod -a $(call KREL,$(KDIR))
	rm -f $(DESTDIR)$(IP_PLUGIN_DIR)/link_lac.so
	rm -rf $(DESTDIR)$(DOC_DIR)

clean:
	rm -rf $(BUILD)
