# tests/ike/dos.mk: issue #8 (dos) tests.  Included by the top-level Makefile.am.
