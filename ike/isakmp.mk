# ike/isakmp.mk: ISAKMP codec (RFC 2408 framing and payloads).  Included by the top-level Makefile.am.
noinst_HEADERS += ike/isakmp.h
