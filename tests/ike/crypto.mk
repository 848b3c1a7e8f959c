# tests/ike/crypto.mk: tests of the IKE crypto.  Included by the top-level Makefile.am.
IKE_KAT_FILES = \
	tests/ike/kat/mm-aes128-sha1-modp2048-qm-aes128-sha1.kat \
	tests/ike/kat/mm-aes256-sha1-modp2048-qm-aes256-sha256-pfs.kat \
	tests/ike/kat/mm-aes256-sha256-ecp256-qm-aes128gcm16-pfs.kat \
	tests/ike/kat/mm-aes192-sha384-ecp384-qm-3des-sha512.kat \
	tests/ike/kat/mm-3des-md5-modp1024-qm-null-sha1.kat \
	tests/ike/kat/mm-aes128-sha512-modp3072-qm-aes256gcm16-pfs.kat
if HAVE_CHECK
IKE_CRYPTO_TESTS = tests/ike/check_crypto tests/ike/check_crypto_dh tests/ike/check_v1_keys
check_PROGRAMS += $(IKE_CRYPTO_TESTS)
TESTS += $(IKE_CRYPTO_TESTS)
check_LIBRARIES += tests/ike/libcryptotest.a
tests_ike_libcryptotest_a_SOURCES = tests/ike/check_crypto_util.c tests/ike/check_crypto_util.h
tests_ike_libcryptotest_a_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
IKE_CRYPTO_TEST_UTIL = tests/ike/check_crypto_util.h
IKE_CRYPTO_TEST_LDADD = tests/ike/libcryptotest.a $(LIBIKECRYPTO) $(LIBIPPSTORE) $(CRYPTO_LIBS) $(TEST_LIBS)
tests_ike_check_crypto_SOURCES = tests/ike/check_crypto.c $(IKE_CRYPTO_TEST_UTIL)
tests_ike_check_crypto_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_crypto_LDADD = $(IKE_CRYPTO_TEST_LDADD)
tests_ike_check_crypto_dh_SOURCES = tests/ike/check_crypto_dh.c $(IKE_CRYPTO_TEST_UTIL)
tests_ike_check_crypto_dh_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_crypto_dh_LDADD = $(IKE_CRYPTO_TEST_LDADD)
tests_ike_check_v1_keys_SOURCES = tests/ike/check_v1_keys.c $(IKE_CRYPTO_TEST_UTIL)
tests_ike_check_v1_keys_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_v1_keys_LDADD = $(IKE_CRYPTO_TEST_LDADD)
endif
# strongSwan captures (README says how they were made) and the scripts that made them.
dist_check_DATA += tests/ike/kat/README $(IKE_KAT_FILES)
EXTRA_DIST += tests/ike/kat/capture.sh tests/ike/kat/capture-all.sh tests/ike/kat/extract.py
# fuzz_ike_dh: peers' DH public values against ike_dh_derive on every group.
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_ike_dh
tests_fuzz_fuzz_ike_dh_SOURCES = tests/fuzz/fuzz_ike_dh.c
tests_fuzz_fuzz_ike_dh_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_fuzz_fuzz_ike_dh_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ike_dh_LDADD = $(LIBIKECRYPTO) $(LIBIPPSTORE) $(CRYPTO_LIBS)
endif
# The crypto benchmark's program: built by "make check", run only by tests/bench/ike-crypto.
check_PROGRAMS += tests/bench/bench_ike_crypto
tests_bench_bench_ike_crypto_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_bench_ike_crypto_LDADD = $(LIBIKECRYPTO) $(LIBIPPSTORE) $(CRYPTO_LIBS)
EXTRA_DIST += tests/bench/ike-crypto
