# ike/soft.mk: issue #8 (soft).  Included by the top-level Makefile.am.
# Soft associations: the engine decides (a Main Mode that got no answer at all), the daemon
# installs the clear-text allowance with a kernel expiry.
ike_libikev1_a_SOURCES += ike/v1_soft.c
ike_libiked_a_SOURCES += ike/iked_soft.c
