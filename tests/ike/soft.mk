# tests/ike/soft.mk: issue #8 (soft) tests.  Included by the top-level Makefile.am.
# Soft associations with peers that run no IKE, and a require rule that never lets a
# packet through in the clear (root, host namespaces).
TESTS += tests/ike/soft.sh
EXTRA_DIST += tests/ike/soft.sh

# The engine's fallback decision on the in-memory wire, and the allowance's policies.
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_soft
TESTS += tests/ike/check_soft
tests_ike_check_soft_SOURCES = tests/ike/check_soft.c $(IKE_ENGINE_TEST_UTIL)
tests_ike_check_soft_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_soft_LDADD = $(LIBIKED) $(IKE_ENGINE_TEST_LDADD)
endif

# inpass against strongSwan in the VM lab: clear inbound taken in, replies negotiate.
VM_GUEST_TESTS += tests/vm/guest/ike-inpass.sh

# ipsecpol status and the module's half-open figures: the stand-in answers as the module
# does, a plan just sent costs no figures (stand-in and real module), a silent module costs
# the 500 ms wait and no more (root, host namespace).
TESTS += tests/ike/agent-status.sh
EXTRA_DIST += tests/ike/agent-status.sh

# The host namespace tests' shared helpers (pair.sh, flood.sh, soft.sh source it).
EXTRA_DIST += tests/ike/netns-lib.sh
