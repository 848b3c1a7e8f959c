# ike/dpd.mk: issue #8 (dpd).  Included by the top-level Makefile.am.
