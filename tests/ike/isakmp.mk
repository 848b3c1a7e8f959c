# tests/ike/isakmp.mk: tests of the ISAKMP codec.  Included by the top-level Makefile.am.
if HAVE_CHECK
ISAKMP_TESTS = tests/ike/check_isakmp tests/ike/check_isakmp_real
check_PROGRAMS += $(ISAKMP_TESTS)
TESTS += $(ISAKMP_TESTS)
tests_ike_check_isakmp_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_isakmp_LDADD = $(LIBISAKMP) $(TEST_LIBS)
tests_ike_check_isakmp_real_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_isakmp_real_LDADD = $(LIBISAKMP) $(TEST_LIBS)
endif

# Seeds of fuzz_isakmp, captured between two strongSwan charons (capture.sh there);
# check_isakmp_real parses every one of them.
EXTRA_DIST += tests/fuzz/corpus/isakmp

# fuzz_isakmp: header, chain, every typed decoder and the printer over arbitrary bytes.
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_isakmp
tests_fuzz_fuzz_isakmp_SOURCES = tests/fuzz/fuzz_isakmp.c
tests_fuzz_fuzz_isakmp_LDADD = $(LIBISAKMP)
tests_fuzz_fuzz_isakmp_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
