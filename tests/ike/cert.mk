# tests/ike/cert.mk: issue #8 (cert) tests.  Included by the top-level Makefile.am.
# The PKI is made when a test runs (tests/ike/certgen.sh, openssl CLI); no key is committed.
EXTRA_DIST += tests/ike/certgen.sh
if HAVE_CHECK
check_LIBRARIES += tests/ike/libcerttest.a
tests_ike_libcerttest_a_SOURCES = tests/ike/cert_pki.c tests/ike/cert_pki.h
tests_ike_libcerttest_a_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
IKE_CERT_TEST_UTIL = tests/ike/cert_pki.h
check_PROGRAMS += tests/ike/check_cert
TESTS += tests/ike/check_cert
tests_ike_check_cert_SOURCES = tests/ike/check_cert.c $(IKE_CERT_TEST_UTIL)
tests_ike_check_cert_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_cert_LDADD = tests/ike/libcerttest.a $(LIBIKEV1) $(LIBIKECRYPTO) $(LIBISAKMP) \
	$(LIBIPPSTORE) $(CRYPTO_LIBS) $(TEST_LIBS)
endif
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_engine_cert
TESTS += tests/ike/check_engine_cert
tests_ike_check_engine_cert_SOURCES = tests/ike/check_engine_cert.c $(IKE_CERT_TEST_UTIL) \
	$(IKE_ENGINE_TEST_UTIL)
tests_ike_check_engine_cert_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_engine_cert_LDADD = tests/ike/libcerttest.a $(IKE_ENGINE_TEST_LDADD)
endif
# The VM lab's certificate interop script (run by tests/vm/lab.sh).
VM_GUEST_TESTS += tests/vm/guest/ike-cert.sh
EXTRA_DIST += tests/vm/strongswan/swanctl-cert.conf.in
# fuzz_ike_cert: CERT chains, SIG values, IDs and DN text against ike/cert*.c.
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_ike_cert
tests_fuzz_fuzz_ike_cert_SOURCES = tests/fuzz/fuzz_ike_cert.c
tests_fuzz_fuzz_ike_cert_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_fuzz_fuzz_ike_cert_LDADD = $(LIBIKEV1) $(LIBIKECRYPTO) $(LIBISAKMP) \
	$(LIBIPPSTORE) $(CRYPTO_LIBS)
tests_fuzz_fuzz_ike_cert_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
endif
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_conf_cert
TESTS += tests/ike/check_conf_cert
tests_ike_check_conf_cert_SOURCES = tests/ike/check_conf_cert.c
tests_ike_check_conf_cert_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_conf_cert_LDADD = $(LIBIPPAGENT) $(LIBIPPCOMPILE) \
	$(LIBXFRM) $(LIBIPPSTORE) $(TEST_LIBS)
endif
