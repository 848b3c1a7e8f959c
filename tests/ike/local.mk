# tests/ike/local.mk: tests of the IKE daemon.  Included by the top-level Makefile.am.
