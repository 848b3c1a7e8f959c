# ike/cert.mk: issue #8 (cert).  Included by the top-level Makefile.am.
