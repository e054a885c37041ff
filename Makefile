# novagate: one non-recursive Makefile.
#
#   make            build ./novagate
#   make check      run every test; the last line is "N passed, N failed"
#   make asan       the same tests under AddressSanitizer + UBSan
#   make valgrind   the CLI tests under valgrind --error-exitcode
#   make bench      the benchmarks in bench/
#   make demo       check the canary gate on shipped recorded samples
#   make deps       install missing Debian packages (apt-get); no-op when present
#   make deps-build only those the build needs (no test servers)
#   make install    PREFIX=/usr/local DESTDIR=
#   V=1             show full commands;  SANITIZE=address,undefined  instrument
.DELETE_ON_ERROR:
.SUFFIXES:
.DEFAULT_GOAL := all

PREFIX  ?= /usr/local
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
LIBDIR  ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
BUILD   ?= build
CC      ?= cc
BISON   ?= bison
RE2C    ?= re2c
PKG_CONFIG ?= pkg-config
LD      ?= ld
AR      ?= ar
OBJCOPY ?= objcopy

PKGS    := libcurl jansson yaml-0.1
CLI_PKGS := libmicrohttpd	# novagate serve; the library does without
comma   := ,

CFLAGS  ?= -O2 -g
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
	   -Wmissing-prototypes -Wpointer-arith -Wvla -Wformat=2
# Generated code is held to the same warnings except the ones its
# generators cannot help.
GENWARN := -Wno-unused-function -Wno-missing-prototypes -Wno-unused-but-set-variable \
	   -Wno-implicit-fallthrough -Wno-sign-compare -Wno-unreachable-code

ifneq ($(SANITIZE),)
  ifneq ($(filter-out address undefined,$(subst $(comma), ,$(SANITIZE))),)
    $(error SANITIZE takes address and/or undefined (comma-separated), not '$(SANITIZE)')
  endif
  SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
endif

# The libraries' flags come from pkg-config, asked once into a generated
# settings file that GNU make re-reads after making it (as redis does), so a
# missing library stops the build with one line instead of a link that fails
# later; and `make deps all` installs the packages before it is asked.
# libcurl is loaded with dlopen when a query first needs it (src/curl_load.h):
# only its headers are used at build time.
CONFIG_MK := $(BUILD)/config.mk
NOCONFIG_GOALS := deps deps-build clean
ifneq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
  include $(CONFIG_MK)
endif

# Only on make's first pass: a phony prerequisite would remake it forever.
$(CONFIG_MK): Makefile $(if $(and $(filter deps deps-build,$(MAKECMDGOALS)),$(if $(MAKE_RESTARTS),,1)),$(filter deps deps-build,$(MAKECMDGOALS)))
	@mkdir -p $(@D)
	@cflags=$$($(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) && \
	libs=$$($(PKG_CONFIG) --libs $(filter-out libcurl,$(PKGS)) 2>/dev/null) && \
	clicflags=$$($(PKG_CONFIG) --cflags $(CLI_PKGS) 2>/dev/null) && \
	clilibs=$$($(PKG_CONFIG) --libs $(CLI_PKGS) 2>/dev/null) || { \
		echo "novagate: pkg-config cannot find $(PKGS) $(CLI_PKGS) (Debian: $(BUILD_PKGS)): run 'make deps-build' or 'make deps'" >&2; \
		exit 1; }; \
	printf 'PKG_CFLAGS := %s\nPKG_LIBS := %s\nCLI_PKG_CFLAGS := %s\nCLI_PKG_LIBS := %s\n' \
		"$$cflags" "$$libs" "$$clicflags" "$$clilibs" >$@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

STD_CFLAGS  = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
ALL_CFLAGS  = $(STD_CFLAGS) -Iinclude -Isrc -I$(BUILD)/gen $(PKG_CFLAGS) $(WARN) $(CFLAGS) $(SANFLAGS)
# The command line sees the public header alone, and links the library as
# an embedder does: a use of anything else fails to compile or to link.
CLI_CFLAGS  = $(STD_CFLAGS) -pthread -Iinclude -Icli $(PKG_CFLAGS) $(CLI_PKG_CFLAGS) $(WARN) $(CFLAGS) $(SANFLAGS)
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS        = $(PKG_LIBS) -ldl -lm

ifeq ($(V),1)
  Q :=
  say :=
else
  Q := @
  say = @printf '  %-6s %s\n' $(1) $(2);
endif

# --- sources ---------------------------------------------------------------
GEN_C   := $(BUILD)/gen/parser.c $(BUILD)/gen/lexer.c $(BUILD)/gen/promql_parser.c $(BUILD)/gen/promql_lexer.c
GEN_H   := $(BUILD)/gen/parser.h $(BUILD)/gen/promql_parser.h
SRC_C   := $(wildcard src/*.c)
CLI_C   := $(wildcard cli/*.c)
# The engine (src/, the generated front end) is libnovagate; the command
# line (cli/) is its first user.
LIBOBJS := $(SRC_C:src/%.c=$(BUILD)/obj/%.o) $(GEN_C:$(BUILD)/gen/%.c=$(BUILD)/obj/gen_%.o)
CLIOBJS := $(CLI_C:cli/%.c=$(BUILD)/obj/cli/%.o)
OBJS    := $(LIBOBJS) $(CLIOBJS)
LIBA    := $(BUILD)/libnovagate.a
VERSION := 0.1.0
TEST_C  := $(wildcard tests/unit/test_*.c)
TESTS   := $(TEST_C:tests/unit/%.c=$(BUILD)/tests/%)
# Each fuzz entry point is also linked with a plain main() that replays the
# inputs kept in tests/fuzz/crashes/TARGET/.
FUZZ_C  := $(wildcard tests/fuzz/fuzz_*.c)
REPLAYS := $(FUZZ_C:tests/fuzz/fuzz_%.c=$(BUILD)/fuzz/replay_%)
FLAGS_STAMP := $(BUILD)/flags

all: novagate

novagate: $(BUILD)/novagate
	$(Q)cp $< $@

$(BUILD)/novagate: $(CLIOBJS) $(LIBA)
	$(call say,LINK,$@)$(CC) $(ALL_LDFLAGS) -pthread -o $@ $(CLIOBJS) $(LIBA) $(CLI_PKG_LIBS) $(LIBS)

# One relocatable object whose only global symbols are the API's (ng_*), so
# that the engine's internal names cannot clash with an embedder's.
$(LIBA): $(LIBOBJS)
	$(call say,AR,$@)$(LD) -r -o $(BUILD)/novagate.o $(LIBOBJS) && \
	$(OBJCOPY) -w --keep-global-symbol='ng_*' $(BUILD)/novagate.o && \
	rm -f $@ && $(AR) rcs $@ $(BUILD)/novagate.o

# Only a static library is installed, so its dependencies are in Libs and
# Requires: a plain `pkg-config --libs novagate` links.  Remade when PREFIX
# changes.
$(BUILD)/novagate.pc: FORCE
	@mkdir -p $(@D)
	@printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' 'includedir=$(INCLUDEDIR)' '' \
		'Name: novagate' 'Description: deployment gates over Prometheus samples' 'Version: $(VERSION)' \
		'Requires: jansson yaml-0.1' 'Cflags: -I$${includedir}' \
		'Libs: -L$${libdir} -lnovagate -ldl -lm' >$@.tmp && \
	if cmp -s $@.tmp $@; then rm -f $@.tmp; else mv $@.tmp $@; fi

# A changed compiler or flags rebuilds everything.
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' | cmp -s - $@ || \
		echo '$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS)' > $@

# Every object may include the generated parser header (the lexer does),
# so it exists before any of them is compiled.
$(BUILD)/obj/%.o: src/%.c $(FLAGS_STAMP) | $(GEN_H)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/cli/%.o: cli/%.c $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(CLI_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/obj/gen_%.o: $(BUILD)/gen/%.c $(FLAGS_STAMP) | $(GEN_H)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) $(GENWARN) -MMD -MP -c -o $@ $<

$(BUILD)/gen/parser.c $(BUILD)/gen/parser.h &: grammar/parser.y
	@mkdir -p $(@D)
	$(call say,BISON,$<)$(BISON) -Wall -Werror --defines=$(BUILD)/gen/parser.h -o $(BUILD)/gen/parser.c $<

$(BUILD)/gen/lexer.c: grammar/lexer.re
	@mkdir -p $(@D)
	$(call say,RE2C,$<)$(RE2C) -W -Werror --no-generation-date -o $@ $<

$(BUILD)/gen/promql_parser.c $(BUILD)/gen/promql_parser.h &: grammar/promql.y
	@mkdir -p $(@D)
	$(call say,BISON,$<)$(BISON) -Wall -Werror --defines=$(BUILD)/gen/promql_parser.h -o $(BUILD)/gen/promql_parser.c $<

$(BUILD)/gen/promql_lexer.c: grammar/promql.re
	@mkdir -p $(@D)
	$(call say,RE2C,$<)$(RE2C) -W -Werror --no-generation-date -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(LIBOBJS) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -Itests/unit -MMD -MP -o $@ $< $(LIBOBJS) $(ALL_LDFLAGS) $(LIBS)

$(BUILD)/fuzz/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(LIBOBJS) $(FLAGS_STAMP)
	@mkdir -p $(@D)
	$(call say,CC,$<)$(CC) $(ALL_CFLAGS) -MMD -MP -o $@ $< tests/fuzz/replay.c $(LIBOBJS) $(ALL_LDFLAGS) $(LIBS)

# A program that embeds the library as a user would: installed into a
# prefix of its own, built with that prefix's pkg-config file alone.
EMBED_PREFIX = $(abspath $(BUILD))/embed/prefix
$(BUILD)/embed/embed: tests/embed/embed.c $(LIBA) include/novagate.h
	$(Q)$(MAKE) --no-print-directory -s install PREFIX=$(EMBED_PREFIX) BUILD=$(BUILD) >/dev/null
	$(call say,CC,$<)$(CC) $(WARN) $(CFLAGS) $(SANFLAGS) -o $@ $< \
		$$(PKG_CONFIG_PATH=$(EMBED_PREFIX)/lib/pkgconfig $(PKG_CONFIG) --cflags --libs novagate)

-include $(OBJS:.o=.d) $(TESTS:=.d) $(REPLAYS:=.d)

# --- tests -----------------------------------------------------------------
check: $(BUILD)/novagate $(TESTS) $(REPLAYS) $(BUILD)/embed/embed
	@BUILD=$(BUILD) NOVAGATE=$(BUILD)/novagate CC='$(CC)' SANFLAGS='$(SANFLAGS)' sh tests/run.sh

asan:
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined BUILD=build/asan CFLAGS='-O1 -g' check

valgrind: $(BUILD)/novagate $(TESTS) $(REPLAYS) $(BUILD)/embed/embed
	@BUILD=$(BUILD) NOVAGATE=$(BUILD)/novagate CC='$(CC)' NG_VALGRIND=1 sh tests/run.sh

bench: $(BUILD)/novagate
	@BUILD=$(BUILD) NOVAGATE=$(BUILD)/novagate sh bench/run.sh

demo: novagate
	@echo '$$ novagate check rules/canary.gate --input tests/rules/canary/healthy.prom --format human'
	@./novagate check rules/canary.gate --input tests/rules/canary/healthy.prom --format human
	@echo '$$ novagate check rules/canary.gate --input tests/rules/canary/healthy.prom'
	@./novagate check rules/canary.gate --input tests/rules/canary/healthy.prom; echo "exit status $$?"

# --- fuzzing ---------------------------------------------------------------
# make fuzz [FUZZ_SECONDS=60] [FUZZ_TARGETS='prom testrun']: every libFuzzer
# entry point tests/fuzz/fuzz_TARGET.c, built with clang into
# $(BUILD)/fuzz/fuzz_TARGET over the library compiled with clang and the
# sanitizers in a build directory of its own ($(BUILD)/fuzz, by one sub-make
# as asan: does), run for FUZZ_SECONDS each over a copy of its seeds
# (tests/fuzz/corpus/TARGET/, made by tests/fuzz/mkcorpus.sh) by
# tests/fuzz/run.sh, which fails on a crash, leak, timeout or out-of-memory
# and keeps the input in tests/fuzz/crashes/TARGET/ (`make check` replays
# those).  -j2 runs two targets at a time.  On Debian the compiler and its
# libFuzzer runtime (only recommended by clang) are installed when missing,
# as by `make deps`.
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_TARGETS ?= $(FUZZ_C:tests/fuzz/fuzz_%.c=%)
FUZZ_FLAGS   ?= -timeout=25 -rss_limit_mb=2048 -max_len=16384
FUZZ_PKGS     = $(if $(shell command -v dpkg-query 2>/dev/null),clang libclang-rt-14-dev)

fuzz:
	$(call install-missing,$(if $(filter clang,$(FUZZ_CC)),$(FUZZ_PKGS)))
	$(Q)$(MAKE) --no-print-directory BUILD=$(BUILD)/fuzz CC=$(FUZZ_CC) SANITIZE=address,undefined \
		CFLAGS='-O1 -g -fsanitize=fuzzer-no-link' FUZZING=1 $(FUZZ_TARGETS:%=fuzz-run-%)

ifneq ($(FUZZING),)
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(LIBOBJS) $(FLAGS_STAMP)
	$(call say,LINK,$@)$(CC) $(ALL_CFLAGS) -fsanitize=fuzzer -MMD -MP -o $@ $< $(LIBOBJS) $(ALL_LDFLAGS) $(LIBS)

fuzz-run-%: $(BUILD)/fuzz_%
	@sh tests/fuzz/run.sh $* $< $(BUILD)/run/$* $(FUZZ_SECONDS) $(FUZZ_FLAGS)

.SECONDARY: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)	# kept: not intermediates of fuzz-run-%
-include $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%.d)
endif
.PHONY: fuzz
# --- end of fuzzing ----------------------------------------------------------

# What `make deps` installs: the compiler, generators and libraries of the
# build (BUILD_PKGS, also `make deps-build` alone), and the tools the tests
# use: jq and mandoc read outputs and man pages, valgrind runs `make
# valgrind`, a real Prometheus and VictoriaMetrics answer the live tests,
# curl and openssl serve the fault and TLS tests, python3-yaml reads the
# YAML of examples/ (tests/examples/examples.py), zsh checks `novagate
# completion zsh`, chromium renders the HTML reports (tests/html).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
BUILD_PKGS := build-essential bison re2c pkg-config libcurl4-openssl-dev libjansson-dev libyaml-dev \
	      libmicrohttpd-dev
TEST_PKGS  := jq mandoc valgrind prometheus victoria-metrics curl openssl python3-yaml zsh chromium poppler-utils
define install-missing
	@missing=$$(for p in $(1); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | \
		grep -q 'install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
endef
deps:
	$(call install-missing,$(BUILD_PKGS) $(TEST_PKGS) $(FUZZ_PKGS))
deps-build:
	$(call install-missing,$(BUILD_PKGS))

# From $(BUILD), not ./novagate: an install of build/asan must not replace the top-level binary.
install: $(BUILD)/novagate $(LIBA) $(BUILD)/novagate.pc
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(INCLUDEDIR)
	install -m 755 $(BUILD)/novagate $(DESTDIR)$(BINDIR)/novagate
	install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/libnovagate.a
	install -m 644 $(BUILD)/novagate.pc $(DESTDIR)$(LIBDIR)/pkgconfig/novagate.pc
	install -m 644 include/novagate.h $(DESTDIR)$(INCLUDEDIR)/novagate.h
	install -m 644 man/*.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 644 man/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -d $(DESTDIR)$(MANDIR)/man3
	install -m 644 man/*.3 $(DESTDIR)$(MANDIR)/man3/

clean:
	rm -rf build novagate

FORCE:
.PHONY: all check asan valgrind bench demo deps deps-build install clean FORCE

# novagate test against promtool test rules on the same generated cases (bench/testrun/README.md)
bench-test: $(BUILD)/novagate
	@NOVAGATE=$(BUILD)/novagate sh bench/testrun/run.sh
.PHONY: bench-test
