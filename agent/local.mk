# agent/: the Policy Agent ipsecpold, a convenience library (linked by the tests too) and a
# tiny main.c; the control-protocol client library that ipsecpol links.
noinst_LIBRARIES += agent/libippctl.a agent/libippagent.a
AGENT_CPPFLAGS = $(AM_CPPFLAGS) -DIPP_SBINDIR='"$(sbindir)"'

# The control protocol: codec and client, all a client needs.  The logger is here too: the
# agent and the IKE module both use it, and one archive holds one copy.
agent_libippctl_a_SOURCES = \
	agent/ctl_proto.c agent/ctl_proto.h \
	agent/ctl_client.c agent/ctl_client.h \
	agent/conf.c agent/conf.h \
	agent/log.c agent/log.h
agent_libippctl_a_CPPFLAGS = $(AGENT_CPPFLAGS)
LIBIPPCTL = agent/libippctl.a $(LIBIPPSTORE)

agent_libippagent_a_SOURCES = \
	agent/agent.c agent/agent.h \
	agent/agent_ctl.c \
	agent/apply.c agent/apply.h \
	agent/daemon.c \
	agent/dyn.c agent/dyn.h \
	agent/env.c agent/env.h \
	agent/ike.c agent/ike.h \
	agent/ike_plan.c agent/ike_plan.h \
	agent/mem.c \
	agent/source.c agent/source.h
agent_libippagent_a_CPPFLAGS = $(AGENT_CPPFLAGS)
LIBIPPAGENT = agent/libippagent.a $(LIBIPPCTL) $(LIBIPPCOMPILE) \
	$(LIBXFRM) $(LIBIPPSTORE)

sbin_PROGRAMS += agent/ipsecpold
agent_ipsecpold_SOURCES = agent/main.c
agent_ipsecpold_CPPFLAGS = $(AGENT_CPPFLAGS)
agent_ipsecpold_LDADD = $(LIBIPPAGENT)

# The systemd unit, with the configured paths.
systemdsystemunit_DATA = agent/ipsecpold.service
EXTRA_DIST += agent/ipsecpold.service.in
CLEANFILES += agent/ipsecpold.service
agent/ipsecpold.service: agent/ipsecpold.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) agent && sed -e 's|@sbindir[@]|$(sbindir)|g' \
	    -e 's|@sysconfdir[@]|$(sysconfdir)|g' -e 's|@rundir[@]|$(rundir)|g' \
	    -e 's|@statedir[@]|$(statedir)|g' -e 's|@cachedir[@]|$(cachedir)|g' \
	    $(srcdir)/agent/ipsecpold.service.in > $@

# The directory source: the offline cache and the canonical text of a policy (ldap-agent).
agent_libippagent_a_SOURCES += agent/cache.c agent/cache.h agent/cache_tree.c
# GnuTLS (libldap's own TLS library on Debian: no second TLS stack to load at start) for
# the cache's SHA-256 and the diagnosis of a refused ldaps:// server (agent/dir_tls.c).
AGENT_CPPFLAGS += $(LDAP_CFLAGS) $(GNUTLS_CFLAGS)
LIBIPPAGENT += $(LDAP_LIBS) $(GNUTLS_LIBS)
agent_libippagent_a_SOURCES += agent/source_directory.c agent/dir_tls.c
# The configuration reader is shared with the CLI (--config): it lives in libippctl.
LIBIPPCTL += $(LDAP_LIBS)
