# ike/engine.mk: IKEv1 exchange engine (Main Mode, Quick Mode, Informational).  Included by the top-level Makefile.am.
# No sockets, no kernel: the daemon and the tests drive the same library through ike/engine.h.
noinst_LIBRARIES += ike/libikev1.a
ike_libikev1_a_SOURCES = \
	ike/engine.c ike/engine.h \
	ike/sa.c ike/sa.h ike/sa_auth.c ike/sa_auth.h ike/sa_child.c \
	ike/prop.c ike/prop.h \
	ike/v1.h ike/v1_msg.c ike/v1_sa.c ike/v1_mm.c ike/v1_qm.c ike/v1_info.c
ike_libikev1_a_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
LIBIKEV1 = ike/libikev1.a $(LIBIKECRYPTO) $(LIBISAKMP) $(LIBIPPSTORE)
