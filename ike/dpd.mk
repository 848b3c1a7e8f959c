# ike/dpd.mk: issue #8 (dpd).  Included by the top-level Makefile.am.
# Dead peer detection (RFC 3706) in the engine; the daemon reads the kernel's counters.
ike_libikev1_a_SOURCES += ike/v1_dpd.c
ike_libiked_a_SOURCES += ike/iked_dpd.c
