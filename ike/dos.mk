# ike/dos.mk: issue #8 (dos).  Included by the top-level Makefile.am.
