# tests/fuzz: build fragment, included by the top-level Makefile.am
# fuzz_addr: ipp_addr_parse (address text, NUL, mask).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_addr
tests_fuzz_fuzz_addr_SOURCES = tests/fuzz/fuzz_addr.c
tests_fuzz_fuzz_addr_LDADD = $(LIBIPPSTORE)
tests_fuzz_fuzz_addr_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif

# kernel-xfrm: decoders of kernel messages (seeds: tests/fuzz/corpus/xfrm_msg/).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_xfrm_msg
tests_fuzz_fuzz_xfrm_msg_SOURCES = tests/fuzz/fuzz_xfrm_msg.c
tests_fuzz_fuzz_xfrm_msg_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_fuzz_fuzz_xfrm_msg_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_xfrm_msg_LDADD = $(LIBXFRM) $(MNL_LIBS)
endif
EXTRA_DIST += tests/fuzz/corpus/xfrm_msg
# cli grammar parsers (cli/libippcli.a)
noinst_HEADERS += tests/fuzz/fuzz_cli.h
EXTRA_DIST += tests/fuzz/cli.dict
if ENABLE_FUZZER
CLI_FUZZERS = tests/fuzz/fuzz_filterspec tests/fuzz/fuzz_negpol tests/fuzz/fuzz_authspec \
	tests/fuzz/fuzz_mmspec tests/fuzz/fuzz_netsh_args
noinst_PROGRAMS += $(CLI_FUZZERS)
CLI_FUZZ_LIBS = $(LIBIPPCLI) $(LIBIPPSTORE)
tests_fuzz_fuzz_filterspec_SOURCES = tests/fuzz/fuzz_filterspec.c
tests_fuzz_fuzz_filterspec_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_filterspec_LDADD = $(CLI_FUZZ_LIBS)
tests_fuzz_fuzz_negpol_SOURCES = tests/fuzz/fuzz_negpol.c
tests_fuzz_fuzz_negpol_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_negpol_LDADD = $(CLI_FUZZ_LIBS)
tests_fuzz_fuzz_authspec_SOURCES = tests/fuzz/fuzz_authspec.c
tests_fuzz_fuzz_authspec_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_authspec_LDADD = $(CLI_FUZZ_LIBS)
tests_fuzz_fuzz_mmspec_SOURCES = tests/fuzz/fuzz_mmspec.c
tests_fuzz_fuzz_mmspec_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_mmspec_LDADD = $(CLI_FUZZ_LIBS)
tests_fuzz_fuzz_netsh_args_SOURCES = tests/fuzz/fuzz_netsh_args.c
tests_fuzz_fuzz_netsh_args_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_netsh_args_LDADD = $(CLI_FUZZ_LIBS)
endif
# fuzz_ctl: the agent's control-message decoder (agent/ctl_proto.c).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_ctl
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz_ctl.c
tests_fuzz_fuzz_ctl_LDADD = $(LIBIPPCTL) $(LIBIPPSTORE)
tests_fuzz_fuzz_ctl_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif

# Seeds of fuzz_ctl: a dynamic-add request and a status reply.
EXTRA_DIST += tests/fuzz/corpus/ctl
# fuzz_import: the import-script reader and the whole static command layer behind it.
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_import
tests_fuzz_fuzz_import_SOURCES = tests/fuzz/fuzz_import.c
tests_fuzz_fuzz_import_LDADD = $(LIBIPPCLI) $(LIBIPPSTORE)
tests_fuzz_fuzz_import_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
