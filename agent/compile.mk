# agent/compile.mk: build fragment, included by the top-level Makefile.am
