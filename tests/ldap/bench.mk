# tests/ldap/bench.mk: issue #6 directory fetch speed.  Included by the top-level Makefile.am.
