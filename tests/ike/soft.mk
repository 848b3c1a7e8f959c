# tests/ike/soft.mk: issue #8 (soft) tests.  Included by the top-level Makefile.am.
# Soft associations with peers that run no IKE, and a require rule that never lets a
# packet through in the clear (root, host namespaces).
TESTS += tests/ike/soft.sh
EXTRA_DIST += tests/ike/soft.sh
