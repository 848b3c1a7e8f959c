/*
 * ike_alg: the kernel's names and sizes of the ESP and AH algorithms IKE negotiates, so the
 * exchange code knows how much KEYMAT to derive and the daemon can fill struct xfrm_alg
 * (kernel-xfrm/xfrm.h) without a second table.  Keys of one SA are laid out as the kernel
 * and RFC 2409/4106 agree: the encryption key (with its salt for GCM) first, then the
 * integrity key.
 */
#ifndef IPP_IKE_CRYPTO_ALG_H
#define IPP_IKE_CRYPTO_ALG_H

#include <stdbool.h>
#include <stddef.h>

#include "store/model.h"

struct ike_kernel_alg {
	const char	*name;		/* XFRM algorithm name, e.g. "cbc(aes)" */
	size_t		key_len;	/* bytes of key the kernel takes (GCM: key + 4-byte salt) */
	unsigned	icv_bits;	/* integrity: truncation length; AEAD: ICV length; else 0 */
	bool		aead;		/* goes into XFRMA_ALG_AEAD, not XFRMA_ALG_CRYPT */
};

/*
 * ESP encryption for c: "cbc(aes)" 16/24/32, "cbc(des3_ede)" 24, "cbc(des)" 8,
 * "rfc4106(gcm(aes))" 20/36 with a 128-bit ICV (AEAD), and "ecb(cipher_null)" with no key
 * for IPP_CIPHER_NONE.  NULL for values outside the enum.
 */
const struct ike_kernel_alg *ike_alg_esp_enc(enum ipp_cipher c);

/*
 * ESP or AH integrity for h: "hmac(md5)" 16/96, "hmac(sha1)" 20/96, "hmac(sha256)" 32/128,
 * "hmac(sha384)" 48/192, "hmac(sha512)" 64/256 (key bytes / truncation bits, RFC 2403,
 * 2404, 4868).  NULL for IPP_HASH_NONE (an AEAD cipher or no integrity) and values outside
 * the enum.
 */
const struct ike_kernel_alg *ike_alg_integ(enum ipp_hash h);

/*
 * Bytes of KEYMAT one ESP SA needs: the encryption key (salt included) followed by the
 * integrity key.  auth must be IPP_HASH_NONE with an AEAD cipher; with null encryption it
 * must be a hash; with a CBC cipher it may be IPP_HASH_NONE (confidentiality only, which
 * Windows policies allow).  0 for a combination that is not valid, so callers refuse it.
 */
size_t	ike_alg_esp_keymat_len(enum ipp_cipher c, enum ipp_hash auth);

/* Bytes of KEYMAT one AH SA needs (the integrity key); 0 if h is not a hash. */
size_t	ike_alg_ah_keymat_len(enum ipp_hash h);

#endif
