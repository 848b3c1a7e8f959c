# ike/soft.mk: issue #8 (soft).  Included by the top-level Makefile.am.
