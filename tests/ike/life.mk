# tests/ike/life.mk: issue #8 (life) tests.  Included by the top-level Makefile.am.
# Lifetimes, rekey and DELETE: two real engines on the in-memory wire, with a clock.
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_life
TESTS += tests/ike/check_life
tests_ike_check_life_SOURCES = tests/ike/check_life.c $(IKE_ENGINE_TEST_UTIL)
tests_ike_check_life_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_life_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif
# VM lab: rekey under traffic and DELETE each way, against strongSwan and ours.
VM_GUEST_TESTS += tests/vm/guest/ike-rekey.sh tests/vm/guest/ike-delete.sh
