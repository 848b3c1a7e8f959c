# ike: build fragment, included by the top-level Makefile.am
EXTRA_DIST += ike/plan.h
