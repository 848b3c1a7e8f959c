# tests/agent: the Policy Agent in private network namespaces, with test tools that write
# the store (storetool), speak the control protocol (ctltool) and stand in for the IKE
# module (ike-standin).
check_PROGRAMS += tests/agent/storetool tests/agent/ctltool tests/agent/ike-standin
tests_agent_storetool_SOURCES = tests/agent/storetool.c
tests_agent_storetool_LDADD = store/libippstore.la
tests_agent_ctltool_SOURCES = tests/agent/ctltool.c
tests_agent_ctltool_LDADD = agent/libippctl.la store/libippstore.la
tests_agent_ike_standin_SOURCES = tests/agent/ike-standin.c
tests_agent_ike_standin_LDADD = agent/libippctl.la store/libippstore.la

# The agent's own executable under test, built for check as for install.
AGENT_NETNS_TESTS =
TESTS += $(AGENT_NETNS_TESTS)
EXTRA_DIST += tests/agent/lib.sh tests/bench/agent
