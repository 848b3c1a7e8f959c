# tests/ike/dpd.mk: issue #8 (dpd) tests.  Included by the top-level Makefile.am.
if HAVE_CHECK
IKE_ENGINE_TESTS += tests/ike/check_engine_dpd
check_PROGRAMS += tests/ike/check_engine_dpd
TESTS += tests/ike/check_engine_dpd
tests_ike_check_engine_dpd_SOURCES = tests/ike/check_engine_dpd.c $(IKE_ENGINE_TEST_UTIL)
tests_ike_check_engine_dpd_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_engine_dpd_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif
