# tests/ike/life.mk: issue #8 (life) tests.  Included by the top-level Makefile.am.
