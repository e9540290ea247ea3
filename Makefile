# SPDX-License-Identifier: GPL-2.0
#
# softwire: human entry point. The kernel build itself is driven by ./Kbuild
# (obj-m += kmod/), which is also what DKMS uses.
#
#   make [KDIR=/lib/modules/VER/build]   module + swctl
#   make install                         module (modules_install) + swctl + man page
#   make check                           core unit tests (ASan/UBSan) + short fuzz run
#   make test                            whole suite: host builds, DKMS, qemu guests
#   make demo                            build, install and run the demo
#   make bench                           benchmarks inside a qemu guest
#   make dkms-install [KVERS="V1 V2"]    register with DKMS, build + install
#   make clean

# The version is defined once, in kmod/softwire.h; dkms.conf repeats it
# statically and `make version-check` (part of check) keeps them equal.
VERSION := $(shell sed -n 's/^.define[[:space:]]*SOFTWIRE_VERSION[[:space:]]*"\(.*\)".*/\1/p' \
		kmod/softwire.h 2>/dev/null)
DKMS_VERSION := $(shell sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' dkms.conf)

KDIR ?= /lib/modules/$(shell uname -r)/build
KVERS ?=
FUZZ_SECONDS ?= 10

PREFIX ?= /usr/local
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
COMPLETIONDIR ?= $(PREFIX)/share/bash-completion/completions

.PHONY: all modules tools install modules_install tools_install check version-check \
	test demo bench dkms-install dkms-remove clean kdir-check

all: modules tools

kdir-check:
	@if [ ! -f "$(KDIR)/Makefile" ]; then \
		echo "No kernel build tree at $(KDIR)."; \
		echo "The running kernel ($$(uname -r)) has no headers installed here."; \
		echo "Build against an installed kernel with one of:"; \
		for k in $$(selftests/qemu/kernels.sh); do \
			echo "    make KDIR=/lib/modules/$$k/build"; done; \
		echo "or install headers (selftests/install-deps.sh)."; \
		exit 1; \
	fi

modules: kdir-check
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

tools:
	$(MAKE) -C tools

modules_install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	depmod -a $$(cat $(KDIR)/include/config/kernel.release)

tools_install: tools
	install -D -m 0755 tools/swctl $(DESTDIR)$(SBINDIR)/swctl
	@for m in tools/*.8; do [ -e "$$m" ] || continue; \
		echo "install $$m"; \
		install -D -m 0644 "$$m" "$(DESTDIR)$(MANDIR)/man8/$$(basename $$m)"; done
	@for c in tools/swctl.bash tools/swctl.bash-completion tools/completion/swctl; do \
		[ -e "$$c" ] || continue; \
		echo "install $$c"; \
		install -D -m 0644 "$$c" "$(DESTDIR)$(COMPLETIONDIR)/swctl"; done

install: modules_install tools_install

version-check:
	@test -n "$(VERSION)" || { echo "SOFTWIRE_VERSION not found in kmod/softwire.h"; exit 1; }
	@test "$(VERSION)" = "$(DKMS_VERSION)" || \
		{ echo "version mismatch: kmod/softwire.h $(VERSION), dkms.conf $(DKMS_VERSION)"; exit 1; }
	@echo "version $(VERSION): kmod/softwire.h and dkms.conf agree"

check: version-check
	$(MAKE) -C selftests/core run
	$(MAKE) -C selftests/fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

test:
	selftests/run-all.sh

demo:
	selftests/demo.sh

# Benchmarks print figures and never fail on time; they need the module, so
# they run in a guest booting the newest installed kernel (BENCH_KVER=...
# for another) with this tree's module (selftests/dev-test.sh builds it). The
# guest's clock counts executed instructions (qemu -icount, BENCH_ICOUNT=
# to turn it off), so the figures do not follow the host's load.
BENCH_ICOUNT ?= shift=2
BENCH_KVER ?=
bench:
	@set -e; \
	if ! ls selftests/bench*.sh >/dev/null 2>&1; then \
		echo "no benchmarks yet"; exit 0; fi; \
	SOFTWIRE_QEMU_ICOUNT='$(BENCH_ICOUNT)' SOFTWIRE_TEST_TIMEOUT=3000 \
	SOFTWIRE_QEMU_TIMEOUT=3600 SOFTWIRE_QEMU_LOG=$(CURDIR)/.build/console-bench.log \
		selftests/dev-test.sh $(if $(BENCH_KVER),-k $(BENCH_KVER)) \
		$(notdir $(wildcard selftests/bench*.sh))

dkms-install:
	selftests/dkms-install.sh $(KVERS)

dkms-remove:
	-dkms remove softwire/$(DKMS_VERSION) --all

clean:
	@if [ -f "$(KDIR)/Makefile" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	find kmod uapi \( -name '*.o' -o -name '*.ko' -o -name '*.mod' -o -name '*.mod.c' \
		-o -name '.*.cmd' -o -name '*.o.d' -o -name '*.a' \) -delete
	rm -f Module.symvers modules.order kmod/Module.symvers kmod/modules.order
	if [ -f tools/Makefile ]; then $(MAKE) -C tools clean; fi
	if [ -f selftests/core/Makefile ]; then $(MAKE) -C selftests/core clean; fi
	if [ -f selftests/fuzz/Makefile ]; then $(MAKE) -C selftests/fuzz clean; fi
