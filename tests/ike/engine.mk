# tests/ike/engine.mk: tests of the IKEv1 engine.  Included by the top-level Makefile.am.
# Two real engines talk through an in-memory wire (tests/ike/engine_test.c).
if HAVE_CHECK
IKE_ENGINE_TESTS = tests/ike/check_engine
check_PROGRAMS += $(IKE_ENGINE_TESTS)
TESTS += $(IKE_ENGINE_TESTS)
# The in-memory wire, compiled once into an archive every engine-tier program links.
check_LIBRARIES += tests/ike/libenginetest.a
tests_ike_libenginetest_a_SOURCES = tests/ike/engine_test.c tests/ike/engine_test.h
tests_ike_libenginetest_a_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
IKE_ENGINE_TEST_UTIL = tests/ike/engine_test.h
IKE_ENGINE_TEST_LDADD = tests/ike/libenginetest.a $(LIBIKEV1) $(LIBIKECRYPTO) $(LIBISAKMP) \
	$(LIBXFRM) $(LIBIPPSTORE) $(CRYPTO_LIBS) $(MNL_LIBS) $(TEST_LIBS)
tests_ike_check_engine_SOURCES = tests/ike/check_engine.c $(IKE_ENGINE_TEST_UTIL)
tests_ike_check_engine_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_engine_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif
if HAVE_CHECK
# (check_PROGRAMS and TESTS take it through IKE_ENGINE_TESTS, which make expands late.)
IKE_ENGINE_TESTS += tests/ike/check_engine_robust
tests_ike_check_engine_robust_SOURCES = tests/ike/check_engine_robust.c $(IKE_ENGINE_TEST_UTIL)
tests_ike_check_engine_robust_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_engine_robust_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif
# fuzz_engine: datagrams to a responder, and authenticated Quick Mode / Informational chains.
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_engine
tests_fuzz_fuzz_engine_SOURCES = tests/fuzz/fuzz_engine.c
tests_fuzz_fuzz_engine_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_fuzz_fuzz_engine_LDADD = $(LIBIKEV1) $(LIBIKECRYPTO) $(LIBISAKMP) \
	$(LIBIPPSTORE) $(CRYPTO_LIBS)
tests_fuzz_fuzz_engine_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
# ikeperf: the engines' CPU per complete exchange, without a kernel: built by "make check",
# run by hand and by tests/bench/ike (its first line).
if HAVE_CHECK
check_PROGRAMS += tests/bench/bench_ike_exch
tests_bench_bench_ike_exch_SOURCES = tests/bench/bench_ike_exch.c $(IKE_ENGINE_TEST_UTIL)
tests_bench_bench_ike_exch_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_bench_ike_exch_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif
