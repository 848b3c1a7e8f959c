# tests/ike/soft.mk: issue #8 (soft) tests.  Included by the top-level Makefile.am.
