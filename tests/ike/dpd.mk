# tests/ike/dpd.mk: issue #8 (dpd) tests.  Included by the top-level Makefile.am.
