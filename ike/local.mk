# ike: the IKE module ipsecpol-iked.  The plan decoder is a library of its own (the fuzz
# target and the unit tests link it alone); the daemon is a convenience library the tests
# link too, and a tiny main.c.
noinst_LIBRARIES += ike/libikeplan.a
ike_libikeplan_a_SOURCES = ike/plan.c ike/plan.h
LIBIKEPLAN = ike/libikeplan.a $(LIBIPPCTL) $(LIBIPPSTORE)

# The daemon around the engine (ike/engine.h).  The agent's logger comes with libippctl.
noinst_LIBRARIES += ike/libiked.a
ike_libiked_a_SOURCES = ike/iked.h \
	ike/iked_acq.c ike/iked_agent.c ike/iked_caps.c ike/iked_events.c ike/iked_kernel.c \
	ike/iked_loop.c ike/iked_net.c ike/iked_show.c ike/iked_spd.c
LIBIKED = ike/libiked.a $(LIBIKEV1) $(LIBIKEPLAN) $(LIBXFRM) \
	$(LIBIPPCTL) $(LIBIPPSTORE)

sbin_PROGRAMS += ike/ipsecpol-iked
ike_ipsecpol_iked_SOURCES = ike/main.c
ike_ipsecpol_iked_LDADD = $(LIBIKED)
