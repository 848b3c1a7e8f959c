/* Shared between the ike/crypto*.c files only; not part of the public API. */
#ifndef IPP_IKE_CRYPTO_INT_H
#define IPP_IKE_CRYPTO_INT_H

#include "store/model.h"

/* OpenSSL's fetch name of h ("SHA2-256"), NULL outside the enum or for NONE. */
const char *ike_hash_ossl_name(enum ipp_hash h);

#endif
