# tests/ldap/agent.mk: directory tests with a real slapd: the agent's directory source and cache.  Included by the top-level Makefile.am.
# The agent's directory tests run the real agent in a private network namespace against
# a real slapd started in that namespace (tests/ldap/agent-lib.sh).
LDAP_AGENT_TESTS = tests/ldap/agent-directory.sh tests/ldap/agent-outage.sh \
	tests/ldap/agent-cache.sh tests/ldap/agent-tls.sh \
	tests/ldap/agent-cli.sh tests/ldap/agent-replication.sh
TESTS += $(LDAP_AGENT_TESTS)
EXTRA_DIST += $(LDAP_AGENT_TESTS) tests/ldap/agent-lib.sh

# Unit tests of the agent's cache and configuration (no root, no slapd).
if HAVE_CHECK
check_PROGRAMS += tests/ldap/check_cache tests/agent/check_conf
TESTS += tests/ldap/check_cache tests/agent/check_conf
tests_ldap_check_cache_SOURCES = tests/ldap/check_cache.c
# OpenSSL's SHA-256 checks the agent's (GnuTLS) digest independently.
tests_ldap_check_cache_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ldap_check_cache_LDADD = $(LIBIPPAGENT) $(CRYPTO_LIBS) $(TEST_LIBS)
tests_agent_check_conf_SOURCES = tests/agent/check_conf.c
tests_agent_check_conf_CFLAGS = $(TEST_CFLAGS)
tests_agent_check_conf_LDADD = $(LIBIPPAGENT) $(TEST_LIBS)
endif

# fuzz_cache: the agent's cache reader and policy text parser (seeds: tests/fuzz/corpus/cache/).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_cache
tests_fuzz_fuzz_cache_SOURCES = tests/fuzz/fuzz_cache.c
tests_fuzz_fuzz_cache_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
tests_fuzz_fuzz_cache_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_cache_LDADD = $(LIBIPPAGENT) $(CRYPTO_LIBS)
endif
EXTRA_DIST += tests/fuzz/corpus/cache
