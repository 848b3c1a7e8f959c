# tests/ldap/agent.mk: directory tests with a real slapd: the agent's directory source and cache.  Included by the top-level Makefile.am.
# The agent's directory tests run the real agent in a private network namespace against
# a real slapd started in that namespace (tests/ldap/agent-lib.sh).
LDAP_AGENT_TESTS = tests/ldap/agent-directory.sh tests/ldap/agent-outage.sh \
	tests/ldap/agent-cache.sh tests/ldap/agent-tls.sh
TESTS += $(LDAP_AGENT_TESTS)
EXTRA_DIST += $(LDAP_AGENT_TESTS) tests/ldap/agent-lib.sh
