# ike/life.mk: issue #8 (life).  Included by the top-level Makefile.am.
