# tests/ldap/local.mk: directory tests with a real slapd: the LDAP store.  Included by the top-level Makefile.am.
# slapd.sh is the shared harness (sourced, not run); schema.sh checks the schema itself.
EXTRA_DIST += tests/ldap/slapd.sh
dist_check_SCRIPTS += tests/ldap/schema.sh
TESTS += tests/ldap/schema.sh
# The LDAP store against a real slapd, through the ipsecpol program.
EXTRA_DIST += tests/ldap/ldap_env.sh tests/ldap/gen_big.awk tests/ldap/refcheck.sh
dist_check_SCRIPTS += tests/ldap/store.sh tests/ldap/assign.sh tests/ldap/failures.sh \
	tests/ldap/searches.sh tests/ldap/connect.sh tests/ldap/malformed.sh
TESTS += tests/ldap/store.sh tests/ldap/assign.sh tests/ldap/failures.sh \
	tests/ldap/searches.sh tests/ldap/connect.sh tests/ldap/malformed.sh
# The directory store's value and entry decoders (seeds: tests/fuzz/corpus/ldap_values/).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_ldap_values
tests_fuzz_fuzz_ldap_values_SOURCES = tests/fuzz/fuzz_ldap_values.c
tests_fuzz_fuzz_ldap_values_CFLAGS = $(AM_CFLAGS) $(LDAP_CFLAGS)
tests_fuzz_fuzz_ldap_values_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ldap_values_LDADD = $(LIBIPPSTORE) $(LDAP_LIBS)
endif
EXTRA_DIST += tests/fuzz/corpus/ldap_values
# The benchmark's fetcher (tests/bench/ldap/run, not part of make check).
noinst_PROGRAMS += tests/bench/ldap/ldapfetch
tests_bench_ldap_ldapfetch_SOURCES = tests/bench/ldap/ldapfetch.c
tests_bench_ldap_ldapfetch_LDADD = $(LIBIPPSTORE)
EXTRA_DIST += tests/bench/ldap/run tests/bench/ldap/gen_ldif.awk
