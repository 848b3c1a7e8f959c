# tests/ike/isakmp.mk: tests of the ISAKMP codec.  Included by the top-level Makefile.am.
