# tests/agent/compile.mk: the compiler and the apply diff, by golden tables (unit tier).
if HAVE_CHECK
AGENT_COMPILE_TESTS = tests/agent/check_compile tests/agent/check_diff \
	tests/agent/check_compile_kernel
check_PROGRAMS += $(AGENT_COMPILE_TESTS)
TESTS += $(AGENT_COMPILE_TESTS)
# The golden-table helpers, compiled once (tests/ike links them too).
check_LIBRARIES += tests/agent/libcompiletest.a
tests_agent_libcompiletest_a_SOURCES = tests/agent/check_compile_util.c \
	tests/agent/check_compile_util.h
tests_agent_libcompiletest_a_CFLAGS = $(TEST_CFLAGS)
AGENT_COMPILE_TEST_UTIL = tests/agent/check_compile_util.h
AGENT_COMPILE_TEST_LDADD = tests/agent/libcompiletest.a $(LIBIPPCOMPILE) $(LIBIPPSTORE) \
	$(LIBXFRM) $(TEST_LIBS)
tests_agent_check_compile_SOURCES = tests/agent/check_compile.c $(AGENT_COMPILE_TEST_UTIL)
tests_agent_check_compile_CFLAGS = $(TEST_CFLAGS)
tests_agent_check_compile_LDADD = $(AGENT_COMPILE_TEST_LDADD)
tests_agent_check_diff_SOURCES = tests/agent/check_diff.c $(AGENT_COMPILE_TEST_UTIL)
tests_agent_check_diff_CFLAGS = $(TEST_CFLAGS)
tests_agent_check_diff_LDADD = $(AGENT_COMPILE_TEST_LDADD)
# netns tier: the compiled set through the real kernel and back (root, else a skip)
tests_agent_check_compile_kernel_SOURCES = tests/agent/check_compile_kernel.c \
	$(AGENT_COMPILE_TEST_UTIL)
tests_agent_check_compile_kernel_CFLAGS = $(TEST_CFLAGS)
tests_agent_check_compile_kernel_LDADD = $(AGENT_COMPILE_TEST_LDADD)
endif
# tests/bench/compile: compile and diff times for a 10,000-filter policy; built by
# make check, never run by it.
if HAVE_CHECK
check_PROGRAMS += tests/bench/compile
tests_bench_compile_SOURCES = tests/bench/compile.c
tests_bench_compile_CFLAGS = $(AM_CFLAGS)
tests_bench_compile_LDADD = $(LIBIPPCOMPILE) $(LIBIPPSTORE) $(LIBXFRM)
endif
