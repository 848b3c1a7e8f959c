# ike/isakmp.mk: ISAKMP codec (RFC 2408 framing and payloads).  Included by the top-level Makefile.am.
# Pure code (no sockets, no crypto): the engine, the tests and the fuzzer link the same objects.
noinst_LIBRARIES += ike/libisakmp.a
ike_libisakmp_a_SOURCES = \
	ike/isakmp.h ike/isakmp_int.h \
	ike/isakmp_parse.c ike/isakmp_sa.c ike/isakmp_payload.c \
	ike/isakmp_build.c ike/isakmp_print.c
LIBISAKMP = ike/libisakmp.a
