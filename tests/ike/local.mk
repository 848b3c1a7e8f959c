# tests/ike/local.mk: tests of the IKE daemon.  Included by the top-level Makefile.am.

# The plan decoder against the agent's encoder (unit tier).
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_plan
TESTS += tests/ike/check_plan
tests_ike_check_plan_SOURCES = tests/ike/check_plan.c \
	tests/agent/check_compile_util.h
tests_ike_check_plan_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_plan_LDADD = tests/agent/libcompiletest.a $(LIBIKEPLAN) $(LIBIPPAGENT) \
	$(LIBIPPCOMPILE) $(LIBXFRM) $(LIBIPPSTORE) $(TEST_LIBS)
endif

# The kernel side: SPD lookups and ALLOCSPI in a private namespace (root), selectors (pure).
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_iked_spd
TESTS += tests/ike/check_iked_spd
tests_ike_check_iked_spd_SOURCES = tests/ike/check_iked_spd.c \
	tests/agent/check_compile_util.h
tests_ike_check_iked_spd_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_iked_spd_LDADD = tests/agent/libcompiletest.a $(LIBIKED) $(LIBIPPAGENT) \
	$(LIBIPPCOMPILE) $(LIBXFRM) $(LIBIPPSTORE) $(TEST_LIBS)
endif

# The IKE SA listing's decoder (what the CLI reads from the agent).
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_ctl_sa
TESTS += tests/ike/check_ctl_sa
tests_ike_check_ctl_sa_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_ctl_sa_LDADD = $(LIBIPPCTL) $(LIBIPPSTORE) $(TEST_LIBS)
endif

# The plan decoder reads what arrives on the IKE socket (seed: a whole plan, framed as the
# target reads it: each message after its 16-bit length).
if ENABLE_FUZZER
noinst_PROGRAMS += tests/fuzz/fuzz_ike_plan
tests_fuzz_fuzz_ike_plan_SOURCES = tests/fuzz/fuzz_ike_plan.c
tests_fuzz_fuzz_ike_plan_LDFLAGS = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_fuzz_ike_plan_LDADD = $(LIBIKEPLAN) $(LIBIPPCTL) $(LIBIPPSTORE)
endif
EXTRA_DIST += tests/fuzz/corpus/ike_plan

# The real module under the real agent in two namespaces (root): plan, capabilities,
# ACQUIRE -> Main Mode to the peer, nothing in the clear, malformed UDP, kill -9, show.
check_PROGRAMS += tests/ike/ikepeer
tests_ike_ikepeer_SOURCES = tests/ike/ikepeer.c
tests_ike_ikepeer_LDADD = $(LIBISAKMP)
IKE_NETNS_TESTS = tests/ike/iked.sh tests/ike/pair.sh tests/ike/acq.sh
TESTS += $(IKE_NETNS_TESTS)
EXTRA_DIST += $(IKE_NETNS_TESTS)

# The table of ACQUIREs that wait for a plan with their rule (unit tier).
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_acq
TESTS += tests/ike/check_acq
tests_ike_check_acq_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_acq_LDADD = $(LIBIKED) $(TEST_LIBS)
endif
# VM lab: an ACQUIRE before the module's plan, with real ESP traffic.
VM_GUEST_TESTS += tests/vm/guest/ike-acq.sh

# A plan change that adds a rule, with a packet between the agent's install and its plan:
# the module holds the ACQUIRE and the plan serves it (private namespace, root).
if HAVE_CHECK
check_PROGRAMS += tests/ike/check_iked_acq
TESTS += tests/ike/check_iked_acq
tests_ike_check_iked_acq_SOURCES = tests/ike/check_iked_acq.c \
	tests/agent/check_compile_util.h
tests_ike_check_iked_acq_CFLAGS = $(TEST_CFLAGS)
tests_ike_check_iked_acq_LDADD = tests/agent/libcompiletest.a $(LIBIKED) $(LIBIPPAGENT) \
	$(LIBIPPCOMPILE) $(LIBXFRM) $(LIBIPPSTORE) $(TEST_LIBS)
endif
