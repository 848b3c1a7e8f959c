# tests/ldap/agent.mk: directory tests with a real slapd: the agent's directory source and cache.  Included by the top-level Makefile.am.
