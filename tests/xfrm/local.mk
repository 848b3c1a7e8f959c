# tests/xfrm: kernel-xfrm unit tests, netns tests against iproute2, and xfrmtool (also run by
# the VM lab).
check_PROGRAMS += tests/xfrm/xfrmtool
tests_xfrm_xfrmtool_SOURCES = tests/xfrm/xfrmtool.c
tests_xfrm_xfrmtool_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_xfrm_xfrmtool_LDADD = $(LIBXFRM)

# The library side of tests/bench/xfrm (not a test).
check_PROGRAMS += tests/xfrm/xfrmbench
tests_xfrm_xfrmbench_SOURCES = tests/xfrm/xfrmbench.c
tests_xfrm_xfrmbench_CFLAGS = $(AM_CFLAGS) $(MNL_CFLAGS)
tests_xfrm_xfrmbench_LDADD = $(LIBXFRM)

if HAVE_CHECK
XFRM_UNIT_TESTS = tests/xfrm/check_xfrm_codec
check_PROGRAMS += $(XFRM_UNIT_TESTS)
TESTS += $(XFRM_UNIT_TESTS)
tests_xfrm_check_xfrm_codec_SOURCES = tests/xfrm/check_xfrm_codec.c tests/xfrm/captured.h
tests_xfrm_check_xfrm_codec_CFLAGS = $(TEST_CFLAGS) $(MNL_CFLAGS)
tests_xfrm_check_xfrm_codec_LDADD = $(LIBXFRM) $(MNL_LIBS) $(TEST_LIBS)
endif

# Namespace tests (root): iproute2 is the independent reader of what the library wrote.
# states.sh needs ESP in the kernel: it skips on the host and runs in the VM lab.
XFRM_NETNS_TESTS = tests/xfrm/policy.sh tests/xfrm/errors.sh tests/xfrm/kernel.sh \
	tests/xfrm/states.sh
TESTS += $(XFRM_NETNS_TESTS)
EXTRA_DIST += $(XFRM_NETNS_TESTS) tests/xfrm/lib.sh tests/bench/xfrm
