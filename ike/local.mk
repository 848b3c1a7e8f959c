# ike: the IKE module ipsecpol-iked.  The plan decoder is a library of its own (the fuzz
# target and the unit tests link it alone); the daemon is a convenience library the tests
# link too, and a tiny main.c.
noinst_LTLIBRARIES += ike/libikeplan.la
ike_libikeplan_la_SOURCES = ike/plan.c ike/plan.h
ike_libikeplan_la_LIBADD = agent/libippctl.la store/libippstore.la
