# tests/agent/local.mk: build fragment, included by the top-level Makefile.am
