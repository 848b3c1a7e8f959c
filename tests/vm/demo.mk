# tests/vm/demo.mk: the two-host demo and the IKE benchmark (issue #8).  Included by the top-level Makefile.am.
