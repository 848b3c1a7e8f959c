# tests/ike/engine.mk: tests of the IKEv1 engine.  Included by the top-level Makefile.am.
