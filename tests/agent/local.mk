# tests/agent: the Policy Agent in private network namespaces, with test tools that write
# the store (storetool), speak the control protocol (ctltool) and stand in for the IKE
# module (ike-standin).
check_PROGRAMS += tests/agent/storetool tests/agent/ctltool tests/agent/ike-standin
tests_agent_storetool_SOURCES = tests/agent/storetool.c
tests_agent_storetool_LDADD = $(LIBIPPSTORE)
tests_agent_ctltool_SOURCES = tests/agent/ctltool.c
tests_agent_ctltool_LDADD = $(LIBIPPCTL) $(LIBIPPSTORE)
tests_agent_ike_standin_SOURCES = tests/agent/ike-standin.c
tests_agent_ike_standin_LDADD = $(LIBIPPCTL) $(LIBIPPSTORE)

# The daemon under test is agent/ipsecpold itself.  conf.sh needs no root; the others
# run the agent in private network namespaces (root).
AGENT_NETNS_TESTS = tests/agent/conf.sh tests/agent/examples.sh tests/agent/custom.sh \
	tests/agent/follow.sh tests/agent/restart.sh tests/agent/ctl.sh tests/agent/ike.sh
TESTS += $(AGENT_NETNS_TESTS)
EXTRA_DIST += $(AGENT_NETNS_TESTS) tests/agent/lib.sh tests/bench/agent

# The floor of tests/bench/agent (not a test).
check_PROGRAMS += tests/agent/applybench
tests_agent_applybench_SOURCES = tests/agent/applybench.c
tests_agent_applybench_CPPFLAGS = $(AM_CPPFLAGS) -DIPP_SBINDIR='"$(sbindir)"'
tests_agent_applybench_LDADD = $(LIBIPPAGENT)

# The control protocol's codec (no root).
if HAVE_CHECK
check_PROGRAMS += tests/agent/check_ctl_proto
TESTS += tests/agent/check_ctl_proto
tests_agent_check_ctl_proto_SOURCES = tests/agent/check_ctl_proto.c
tests_agent_check_ctl_proto_CFLAGS = $(TEST_CFLAGS)
tests_agent_check_ctl_proto_LDADD = $(LIBIPPCTL) $(LIBIPPSTORE) $(TEST_LIBS)
# The heap in huge pages (agent/mem.c).
check_PROGRAMS += tests/agent/check_mem
TESTS += tests/agent/check_mem
tests_agent_check_mem_SOURCES = tests/agent/check_mem.c
tests_agent_check_mem_CFLAGS = $(TEST_CFLAGS)
tests_agent_check_mem_LDADD = $(LIBIPPAGENT) $(TEST_LIBS)
endif
