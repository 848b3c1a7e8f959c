# tests/ike/cert.mk: issue #8 (cert) tests.  Included by the top-level Makefile.am.
