# ike/crypto.mk: IKE crypto over OpenSSL (DH, PRF, ciphers, IKEv1 key derivation).  Included by the top-level Makefile.am.
# One convenience library, independent of the IKE message code, so IKEv2 links it as it is.
noinst_LIBRARIES += ike/libikecrypto.a
ike_libikecrypto_a_SOURCES = \
	ike/crypto.c ike/crypto.h ike/crypto_int.h \
	ike/crypto_cipher.c \
	ike/crypto_dh.c \
	ike/crypto_alg.c ike/crypto_alg.h \
	ike/v1_keys.c ike/v1_keys.h
ike_libikecrypto_a_CFLAGS = $(AM_CFLAGS) $(CRYPTO_CFLAGS)
LIBIKECRYPTO = ike/libikecrypto.a $(LIBIPPSTORE) $(CRYPTO_LIBS)
