# tests/ike/crypto.mk: tests of the IKE crypto.  Included by the top-level Makefile.am.
