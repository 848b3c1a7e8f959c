# ike: the IKE module ipsecpol-iked.  The plan decoder is a library of its own (the fuzz
# target and the unit tests link it alone); the daemon is a convenience library the tests
# link too, and a tiny main.c.
noinst_LTLIBRARIES += ike/libikeplan.la
ike_libikeplan_la_SOURCES = ike/plan.c ike/plan.h
ike_libikeplan_la_LIBADD = agent/libippctl.la store/libippstore.la

# The daemon around the engine (ike/engine.h).  agent/log.c is the agent's logger, reused.
noinst_LTLIBRARIES += ike/libiked.la
ike_libiked_la_SOURCES = ike/iked.h \
	ike/iked_agent.c ike/iked_caps.c ike/iked_events.c ike/iked_kernel.c \
	ike/iked_loop.c ike/iked_net.c ike/iked_show.c ike/iked_spd.c \
	agent/log.c agent/log.h
ike_libiked_la_LIBADD = ike/libikev1.la ike/libikeplan.la kernel-xfrm/libxfrm.la \
	agent/libippctl.la store/libippstore.la

sbin_PROGRAMS += ike/ipsecpol-iked
ike_ipsecpol_iked_SOURCES = ike/main.c
ike_ipsecpol_iked_LDADD = ike/libiked.la
