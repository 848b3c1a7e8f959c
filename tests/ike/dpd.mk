# tests/ike/dpd.mk: issue #8 (dpd) tests.  Included by the top-level Makefile.am.
if HAVE_CHECK
IKE_ENGINE_TESTS += tests/ike/check_engine_dpd
tests_ike_check_engine_dpd_SOURCES = tests/ike/check_engine_dpd.c $(IKE_ENGINE_TEST_UTIL)
tests_ike_check_engine_dpd_CFLAGS = $(TEST_CFLAGS) $(CRYPTO_CFLAGS)
tests_ike_check_engine_dpd_LDADD = $(IKE_ENGINE_TEST_LDADD)
endif

# VM lab: DPD against strongSwan and against ours (tests/vm/guest/ike-dpd.sh).
VM_GUEST_TESTS += tests/vm/guest/ike-dpd.sh

# ipsecpold.conf's DPD keys through the compile environment and the plan to the module.
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_dpd_conf
TESTS += tests/ike/check_dpd_conf
tests_ike_check_dpd_conf_SOURCES = tests/ike/check_dpd_conf.c \
	tests/agent/check_compile_util.h
tests_ike_check_dpd_conf_CFLAGS = $(TEST_CFLAGS) $(LDAP_CFLAGS)
tests_ike_check_dpd_conf_LDADD = tests/agent/libcompiletest.a $(LIBIKEPLAN) $(LIBIPPAGENT) \
	$(LIBIPPCOMPILE) $(LIBXFRM) $(LIBIPPSTORE) $(TEST_LIBS)
endif
