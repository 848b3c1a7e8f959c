# ike/crypto.mk: IKE crypto over OpenSSL (DH, PRF, ciphers, IKEv1 key derivation).  Included by the top-level Makefile.am.
noinst_HEADERS += ike/crypto.h ike/crypto_alg.h ike/v1_keys.h
