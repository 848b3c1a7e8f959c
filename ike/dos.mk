# ike/dos.mk: issue #8 (dos).  Included by the top-level Makefile.am.
# The half-open table under pressure (ipsecpol-iked(8) DENIAL OF SERVICE): part of the engine.
ike_libikev1_a_SOURCES += ike/dos.c ike/dos.h
# The daemon's -l options (the limits, from ipsecpold.conf through the agent).
ike_libiked_a_SOURCES += ike/iked_limits.c
# The negotiate policies of the SPD, read once per plan (at most a second old), not once
# per first message.
ike_libiked_a_SOURCES += ike/iked_spdcache.c
