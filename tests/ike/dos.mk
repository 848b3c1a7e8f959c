# tests/ike/dos.mk: issue #8 (dos) tests.  Included by the top-level Makefile.am.

# The half-open table under a flood of forged first messages (engine tier, two real
# engines on the in-memory wire of tests/ike/engine_test.c).
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_dos
TESTS += tests/ike/check_dos
tests_ike_check_dos_SOURCES = tests/ike/check_dos.c $(IKE_ENGINE_TEST_UTIL)
tests_ike_check_dos_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_dos_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif

# A flood of forged first messages (raw socket) against the real module in a namespace,
# while a real initiator negotiates with it (root; host namespaces).
check_PROGRAMS += tests/ike/ikeflood
tests_ike_ikeflood_SOURCES = tests/ike/ikeflood.c
tests_ike_ikeflood_LDADD = $(LIBISAKMP)
IKE_DOS_NETNS_TESTS = tests/ike/flood.sh
TESTS += $(IKE_DOS_NETNS_TESTS)
EXTRA_DIST += $(IKE_DOS_NETNS_TESTS)

# The cost of one forged first message by table size: built by "make check", run only by
# tests/bench/ike-flood.
if HAVE_CHECK
check_PROGRAMS += tests/bench/bench_ike_flood
tests_bench_bench_ike_flood_SOURCES = tests/bench/bench_ike_flood.c $(IKE_ENGINE_TEST_UTIL)
tests_bench_bench_ike_flood_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_bench_bench_ike_flood_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif
EXTRA_DIST += tests/bench/ike-flood
VM_GUEST_TESTS += tests/vm/guest/ike-flood.sh
