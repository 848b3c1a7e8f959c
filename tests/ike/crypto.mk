# tests/ike/crypto.mk: tests of the IKE crypto.  Included by the top-level Makefile.am.
if HAVE_CHECK
IKE_CRYPTO_TESTS = tests/ike/check_crypto
check_PROGRAMS += $(IKE_CRYPTO_TESTS)
TESTS += $(IKE_CRYPTO_TESTS)
IKE_CRYPTO_TEST_UTIL = tests/ike/check_crypto_util.c tests/ike/check_crypto_util.h
IKE_CRYPTO_TEST_LDADD = ike/libikecrypto.la store/libippstore.la $(CRYPTO_LIBS) $(TEST_LIBS)
tests_ike_check_crypto_SOURCES = tests/ike/check_crypto.c $(IKE_CRYPTO_TEST_UTIL)
tests_ike_check_crypto_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_crypto_LDADD = $(IKE_CRYPTO_TEST_LDADD)
endif
