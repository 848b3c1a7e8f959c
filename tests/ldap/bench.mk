# tests/ldap/bench.mk: issue #6 directory fetch speed.  Included by the top-level Makefile.am.
# tests/bench/directory (not part of make check) times dirfetch, one refresh of the agent
# from the directory (fetch and compile), against ldapsearch; make check builds it.
check_PROGRAMS += tests/bench/dirfetch
tests_bench_dirfetch_SOURCES = tests/bench/dirfetch.c
tests_bench_dirfetch_CPPFLAGS = $(AM_CPPFLAGS) $(LDAP_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_dirfetch_LDADD = $(LIBIPPAGENT)
EXTRA_DIST += tests/bench/directory
