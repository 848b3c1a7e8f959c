# tests/fuzz: build fragment, included by the top-level Makefile.am
# fuzz_addr: ipp_addr_parse (address text, NUL, mask).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_addr
tests_fuzz_fuzz_addr_SOURCES = tests/fuzz/fuzz_addr.c
tests_fuzz_fuzz_addr_LDADD = store/libippstore.la
tests_fuzz_fuzz_addr_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
# fuzz_ctl: the agent's control-message decoder (agent/ctl_proto.c).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_ctl
tests_fuzz_fuzz_ctl_SOURCES = tests/fuzz/fuzz_ctl.c
tests_fuzz_fuzz_ctl_LDADD = agent/libippctl.la store/libippstore.la
tests_fuzz_fuzz_ctl_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif

# Seeds of fuzz_ctl: a dynamic-add request and a status reply.
EXTRA_DIST += tests/fuzz/corpus/ctl
