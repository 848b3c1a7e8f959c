# tests/fuzz: build fragment, included by the top-level Makefile.am

# kernel-xfrm: decoders of kernel messages (seeds: tests/fuzz/corpus/xfrm_msg/).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_xfrm_msg
tests_fuzz_fuzz_xfrm_msg_SOURCES = tests/fuzz/fuzz_xfrm_msg.c
tests_fuzz_fuzz_xfrm_msg_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_fuzz_fuzz_xfrm_msg_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_xfrm_msg_LDADD = kernel-xfrm/libxfrm.la $(MNL_LIBS)
endif
EXTRA_DIST += tests/fuzz/corpus/xfrm_msg
