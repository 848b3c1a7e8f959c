# ike/cert.mk: issue #8 (cert).  Included by the top-level Makefile.am.
# Certificate authentication: the OpenSSL side (ike/cert*.c) and its auth ops table.
ike_libikev1_a_SOURCES += ike/cert.c ike/cert.h ike/cert_int.h ike/cert_dn.c \
	ike/cert_peer.c ike/sa_auth_cert.c
