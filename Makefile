# netrun — one Makefile for the library, the tools, the tests and the lab.
# `make` builds; `make check` installs what is missing, builds and tests;
# `make demo` shows the tools on the example inventories.

PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR  ?= $(PREFIX)/bin
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
MANDIR  ?= $(PREFIX)/share/man
DATADIR ?= $(PREFIX)/share/netrun

BUILD   ?= build
CC      ?= cc
FUZZCC  ?= clang
FUZZ_SECONDS ?= 60

VERSION := 0.1.0
SOVER   := 0

# Every library the project links, by pkg-config name.
PKGS := yaml-0.1 libpcre2-8 libssh netsnmp

# Debian packages for building, testing and the lab. `make deps` installs
# the missing ones; later modules add theirs here.
DEB_BUILD := build-essential pkg-config libyaml-dev libpcre2-dev \
             libjansson-dev libssh-dev libsnmp-dev libnetconf2-dev \
             libyang2-dev libxml2-dev libcurl4-openssl-dev libcmocka-dev
DEB_TEST  := clang libclang-rt-14-dev ansible-core python3-textfsm jq \
             man-db groff-base pssh python3-netmiko bc time
# The lab: a real sshd (with the simulated devices as forced commands),
# its client, and sshpass for password logins in the tests; snmpd and
# snmpsim for SNMP, with net-snmp's own tools for the benchmark.
DEB_LAB   := openssh-server openssh-client sshpass snmpd snmp snmpsim
DEB_ALL   := $(DEB_BUILD) $(DEB_TEST) $(DEB_LAB)

WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
           -Wmissing-prototypes -Wformat=2 -Wvla
OPT     ?= -O2 -g
SAN     ?=
CFLAGS  ?=
BASE_CFLAGS = -std=gnu11 $(OPT) $(WARN) $(SAN) -fvisibility=hidden \
              -Ilib $(shell pkg-config --cflags $(PKGS) 2>/dev/null) \
              -DNR_DATADIR='"$(DATADIR)"' -DNR_SRCDIR='"$(CURDIR)"' \
              -DNR_VERSION='"$(VERSION)"'
ALL_CFLAGS  = $(BASE_CFLAGS) $(CFLAGS)
DEP_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

LIB_SRC   := $(sort $(wildcard lib/*.c))
TOOL_SRC  := $(sort $(wildcard tools/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
LAB_SRC   := $(sort $(wildcard tests/lab/*.c))
LAB_SIM_SRC := $(sort $(wildcard tests/lab/sim/*.c))

LIB_OBJ   := $(patsubst lib/%.c,$(BUILD)/obj/lib/%.o,$(LIB_SRC))
TOOLS     := $(patsubst tools/%.c,$(BUILD)/bin/%,$(TOOL_SRC))
UNITS     := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
REPLAYS   := $(patsubst tests/fuzz/%.c,$(BUILD)/tests/replay_%,$(FUZZ_SRC))
FUZZERS   := $(patsubst tests/fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))
LABBINS   := $(patsubst tests/lab/%.c,$(BUILD)/lab/%,$(LAB_SRC))
LAB_SIM_OBJ := $(patsubst tests/lab/sim/%.c,$(BUILD)/obj/lab/sim/%.o,$(LAB_SIM_SRC))
SSH_LIBS  = $(shell pkg-config --libs libssh 2>/dev/null)

SO        := $(BUILD)/lib/libnetrun.so
AR_LIB    := $(BUILD)/lib/libnetrun.a

.PHONY: all deps check test asan fuzz bench demo install uninstall clean \
        tests-build lint-boundary lab-build

all: $(SO) $(AR_LIB) $(TOOLS) $(BUILD)/lib/netrun.pc

deps:
	@sh tests/deps.sh $(DEB_ALL)

$(BUILD)/obj/lib/%.o: lib/%.c $(wildcard lib/*.h) Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -fPIC -c $< -o $@

$(SO): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	$(CC) $(SAN) -shared -Wl,-soname,libnetrun.so.$(SOVER) -o $@.$(VERSION) \
	    $(LIB_OBJ) $(DEP_LIBS)
	ln -sf libnetrun.so.$(VERSION) $@.$(SOVER)
	ln -sf libnetrun.so.$(VERSION) $@

$(AR_LIB): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@
	ar rcs $@ $(LIB_OBJ)

# Tools see only the public header and link only libnetrun; the rpath
# makes build/bin and an installed PREFIX/bin both find their library.
$(BUILD)/bin/%: tools/%.c $(wildcard tools/*.h) lib/netrun.h $(SO) | lint-boundary
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itools $< -o $@ -L$(BUILD)/lib -lnetrun \
	    -Wl,-rpath,'$$ORIGIN/../lib'

# netparse alone takes libnetrun.a: its runs are often short, and through
# the shared library each one would first load and relocate libssh,
# libcrypto, net-snmp and the rest (several ms), none of which a parse
# uses.  --as-needed keeps only the libraries the parser's objects need.
$(BUILD)/bin/netparse: tools/netparse.c $(wildcard tools/*.h) lib/netrun.h $(AR_LIB) | lint-boundary
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itools $< -o $@ $(AR_LIB) -Wl,--as-needed \
	    $(DEP_LIBS)

$(BUILD)/lib/netrun.pc: Makefile
	@mkdir -p $(dir $@)
	printf 'prefix=%s\nlibdir=%s\nincludedir=%s\n\nName: netrun\nDescription: network automation library\nVersion: %s\nRequires.private: %s\nLibs: -L$${libdir} -lnetrun\nCflags: -I$${includedir}\n' \
	    '$(PREFIX)' '$(LIBDIR)' '$(INCDIR)' '$(VERSION)' '$(PKGS)' > $@

# Unit tests link the static library so they can reach internal symbols.
$(BUILD)/tests/test_%: tests/unit/test_%.c $(wildcard tests/unit/*.h) $(AR_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/unit $< -o $@ $(TEST_EXTRA) $(AR_LIB) \
	    $(DEP_LIBS) $(shell pkg-config --libs cmocka)

# The lab simulator's unit test links the simulator core.
$(BUILD)/tests/test_labsim: $(LAB_SIM_OBJ)
$(BUILD)/tests/test_labsim: TEST_EXTRA = -Itests/lab/sim $(LAB_SIM_OBJ)

# Fuzz targets are also built with the normal compiler and a small driver
# so `make check` replays their corpora without clang.
$(BUILD)/tests/replay_%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) tests/fuzz/replay.c $(AR_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $< tests/fuzz/replay.c -o $@ $(AR_LIB) $(DEP_LIBS)

# The lab programs share the device simulator core in tests/lab/sim;
# simd also speaks SSH through libssh's server API.
$(BUILD)/obj/lab/sim/%.o: tests/lab/sim/%.c $(wildcard tests/lab/sim/*.h) lib/buf.h Makefile
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(ALL_CFLAGS) -Itests/lab/sim -c $< -o $@

$(BUILD)/lab/%: tests/lab/%.c $(wildcard tests/lab/sim/*.h) $(LAB_SIM_OBJ) $(AR_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/lab/sim $< -o $@ $(LAB_SIM_OBJ) $(AR_LIB) \
	    $(DEP_LIBS) $(LAB_LIBS)

$(BUILD)/lab/simd: LAB_LIBS = $(SSH_LIBS) -lpthread

lab-build: $(LABBINS)

lint-boundary:
	@if grep -nE '#include *<(libssh|net-snmp|nc_client|libnetconf2|libyang|curl|pcre2|libxml|yaml|jansson)' tools/*.c tools/*.h 2>/dev/null; then \
	    echo "tools/ must not include protocol or parser libraries: use lib/netrun.h" >&2; exit 1; fi

tests-build: all $(UNITS) $(REPLAYS) $(LABBINS)

test: tests-build
	@BUILD=$(BUILD) bash tests/run

check: deps
	$(MAKE) test

asan:
	$(MAKE) BUILD=build/asan OPT='-O1 -g -fno-omit-frame-pointer' \
	    SAN='-fsanitize=address,undefined -fno-sanitize-recover=all' test

build/fuzz/%: tests/fuzz/%.c $(wildcard tests/fuzz/*.h) $(LIB_SRC) $(wildcard lib/*.h)
	@mkdir -p $(dir $@)
	$(FUZZCC) -std=gnu11 -O1 -g -fsanitize=fuzzer,address,undefined \
	    -fvisibility=hidden -Ilib $(shell pkg-config --cflags $(PKGS)) \
	    -DNR_DATADIR='"$(DATADIR)"' -DNR_SRCDIR='"$(CURDIR)"' \
	    -DNR_VERSION='"$(VERSION)"' $< $(LIB_SRC) -o $@ $(DEP_LIBS)

fuzz: $(FUZZERS)
	@for f in $(FUZZERS); do \
	    n=$$(basename $$f); mkdir -p build/fuzz/corpus/$$n; \
	    echo "== $$n for $(FUZZ_SECONDS) s"; \
	    $$f -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	        -artifact_prefix=build/fuzz/$$n- -print_final_stats=1 \
	        build/fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>build/fuzz/$$n.log \
	        || { tail -40 build/fuzz/$$n.log; exit 1; }; \
	    grep -E 'stat::number_of_executed_units|stat::peak_rss' build/fuzz/$$n.log; \
	done

bench: all
	@BUILD=$(BUILD) bash tests/bench/run

demo: deps all
	@BUILD=$(BUILD) bash tests/demo

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR)/pkgconfig \
	    $(DESTDIR)$(INCDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
	    $(DESTDIR)$(DATADIR)
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -m 755 $(SO).$(VERSION) $(DESTDIR)$(LIBDIR)/
	ln -sf libnetrun.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnetrun.so.$(SOVER)
	ln -sf libnetrun.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnetrun.so
	install -m 644 $(AR_LIB) $(DESTDIR)$(LIBDIR)/
	install -m 644 lib/netrun.h $(DESTDIR)$(INCDIR)/
	install -m 644 $(BUILD)/lib/netrun.pc $(DESTDIR)$(LIBDIR)/pkgconfig/
	for m in man/*.1; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man1/ || true; done
	for m in man/*.5; do [ -e "$$m" ] && install -m 644 $$m $(DESTDIR)$(MANDIR)/man5/ || true; done
	cp -R templates/. $(DESTDIR)$(DATADIR)/templates/ 2>/dev/null || \
	    { install -d $(DESTDIR)$(DATADIR)/templates && cp -R templates/. $(DESTDIR)$(DATADIR)/templates/; }

uninstall:
	for t in $(notdir $(TOOLS)); do rm -f $(DESTDIR)$(BINDIR)/$$t; done
	rm -f $(DESTDIR)$(LIBDIR)/libnetrun.so $(DESTDIR)$(LIBDIR)/libnetrun.so.$(SOVER) \
	    $(DESTDIR)$(LIBDIR)/libnetrun.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libnetrun.a \
	    $(DESTDIR)$(LIBDIR)/pkgconfig/netrun.pc $(DESTDIR)$(INCDIR)/netrun.h
	for m in man/*.1; do rm -f $(DESTDIR)$(MANDIR)/man1/$$(basename $$m); done
	for m in man/*.5; do rm -f $(DESTDIR)$(MANDIR)/man5/$$(basename $$m); done
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build
