/*
 * ike_v1_keys: the IKEv1 key derivations of RFC 2409 over ike/crypto.h: SKEYID and its
 * three children, the Phase 1 encryption key (Appendix B expansion) and IVs, the
 * authentication hashes HASH_I/HASH_R, the Quick Mode and Informational hashes, and the
 * Quick Mode KEYMAT.
 *
 * The PRF is HMAC over the negotiated hash (no IKEv1 PRF attribute is ever negotiated).
 * "_b" means a payload's body, without its 4-byte generic header (RFC 2409 section 3.2).
 *
 * Errors as in ike/crypto.h (struct ipp_err, -1).  Every function that derives secrets
 * wipes its intermediate buffers; outputs that are secrets are the caller's to wipe
 * (ike_v1_keys_wipe(), ike_wipe()).
 */
#ifndef IPP_IKE_V1_KEYS_H
#define IPP_IKE_V1_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ike/crypto.h"

#define IKE_V1_COOKIE_LEN	8

/* The Phase 1 (Main Mode) values the derivations read.  Pointers are borrowed. */
struct ike_v1_p1_in {
	enum ipp_hash	hash;			/* negotiated hash: PRF = HMAC-hash */
	enum ipp_cipher	cipher;			/* negotiated IKE cipher (ike_cipher_key_len) */
	const uint8_t	*cky_i;			/* initiator cookie, 8 bytes */
	const uint8_t	*cky_r;			/* responder cookie, 8 bytes */
	const uint8_t	*ni_b;			/* initiator's nonce payload body */
	size_t		ni_len;
	const uint8_t	*nr_b;			/* responder's nonce payload body */
	size_t		nr_len;
	const uint8_t	*gxi;			/* initiator's KE payload body (public value) */
	size_t		gxi_len;
	const uint8_t	*gxr;			/* responder's KE payload body */
	size_t		gxr_len;
	const uint8_t	*gxy;			/* DH shared secret (ike_dh_derive) */
	size_t		gxy_len;
};

/* The Phase 1 keying state.  Holds secrets: wipe with ike_v1_keys_wipe(). */
struct ike_v1_keys {
	enum ipp_hash	hash;
	enum ipp_cipher	cipher;
	size_t		hash_len;			/* bytes of each SKEYID* */
	uint8_t		skeyid[IKE_HASH_MAX];
	uint8_t		skeyid_d[IKE_HASH_MAX];
	uint8_t		skeyid_a[IKE_HASH_MAX];
	uint8_t		skeyid_e[IKE_HASH_MAX];
	size_t		enc_key_len;			/* ike_cipher_key_len(cipher) */
	uint8_t		enc_key[IKE_CIPHER_KEY_MAX];	/* Phase 1 encryption key */
	size_t		block_len;			/* ike_cipher_block_len(cipher) */
	uint8_t		iv[IKE_BLOCK_MAX];		/* Phase 1 IV, hash(g^xi | g^xr) */
};

/*
 * Derives all of k from in, with SKEYID for preshared keys:
 *   SKEYID   = prf(pre-shared-key, Ni_b | Nr_b)
 *   SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 *   SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 *   SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 *   enc_key  = SKEYID_e truncated, or when shorter than the key, K1 | K2 | ... truncated
 *              with K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1) (Appendix B)
 *   iv       = hash(g^xi | g^xr) truncated to the block length (the plain hash, not HMAC)
 * psk: the preshared key's bytes, psk_len > 0.  Every pointer of in must be set.
 * Errors: an unknown hash or a cipher that is not an IKE CBC cipher, a missing input, an
 * empty key (IPP_E_INVAL).  On error k is wiped.
 */
int	ike_v1_keys_psk(struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
	    const void *psk, size_t psk_len, struct ipp_err *e);

/*
 * As ike_v1_keys_psk() with SKEYID for signature authentication (certificates):
 *   SKEYID = prf(Ni_b | Nr_b, g^xy)
 */
int	ike_v1_keys_sig(struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
	    struct ipp_err *e);

/*
 * The authentication hashes of Main Mode (RFC 2409 section 5):
 *   HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b)
 *   HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b)
 * sai_b: the body of the SA payload the initiator sent (both hashes use the initiator's);
 * id_b: the ID payload body of the side whose hash it is (IDii_b for HASH_I, IDir_b for
 * HASH_R).  in supplies gxi, gxr and the cookies (its gxy and nonces are not read).
 * out receives k->hash_len bytes.
 */
int	ike_v1_hash_i(const struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
	    const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len,
	    uint8_t *out, struct ipp_err *e);
int	ike_v1_hash_r(const struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
	    const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len,
	    uint8_t *out, struct ipp_err *e);

/*
 * The IV of a Quick Mode or Informational exchange (RFC 2409 Appendix B):
 *   iv = hash(last CBC block of Phase 1 | M-ID) truncated to the block length
 * last_block: k->block_len bytes, the last ciphertext block of the last Phase 1 message
 * (the Phase 1 CBC chain's current IV); msgid: the exchange's message ID in host order (it
 * is hashed as the 4 big-endian bytes of the header).  iv receives k->block_len bytes.
 */
int	ike_v1_iv_phase2(const struct ike_v1_keys *k, const uint8_t *last_block,
	    uint32_t msgid, uint8_t *iv, struct ipp_err *e);

/*
 * The Quick Mode and Informational hashes (RFC 2409 sections 5.5 and 5.7), each
 * k->hash_len bytes into out.  msgid is in host order, hashed big-endian.
 *   HASH(1) = prf(SKEYID_a, M-ID | payloads): payloads are the message's bytes that follow
 *     the HASH payload, generic headers included (SA | Ni [| KE] [| IDci | IDcr] in Quick
 *     Mode, the N or D payload in an Informational exchange).
 *   HASH(2) = prf(SKEYID_a, M-ID | Ni_b | payloads): payloads as above from the
 *     responder's message; ni_b the initiator's nonce body.
 *   HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b)
 */
int	ike_v1_qm_hash1(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *payloads,
	    size_t len, uint8_t *out, struct ipp_err *e);
int	ike_v1_qm_hash2(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *ni_b,
	    size_t ni_len, const uint8_t *payloads, size_t len, uint8_t *out,
	    struct ipp_err *e);
int	ike_v1_qm_hash3(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *ni_b,
	    size_t ni_len, const uint8_t *nr_b, size_t nr_len, uint8_t *out,
	    struct ipp_err *e);
/* Informational HASH(1): the same formula as ike_v1_qm_hash1(). */
int	ike_v1_info_hash(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *payloads,
	    size_t len, uint8_t *out, struct ipp_err *e);

/* The Quick Mode inputs of one SA's KEYMAT.  Pointers are borrowed. */
struct ike_v1_qm_in {
	const uint8_t	*gxy;		/* Quick Mode PFS shared secret, or NULL without PFS */
	size_t		gxy_len;
	uint8_t		protocol;	/* IPsec protocol ID of the proposal: 2 AH, 3 ESP */
	uint32_t	spi;		/* host order; hashed as 4 big-endian bytes */
	const uint8_t	*ni_b;		/* Quick Mode initiator nonce body */
	size_t		ni_len;
	const uint8_t	*nr_b;		/* Quick Mode responder nonce body */
	size_t		nr_len;
};

/*
 * KEYMAT for one SA (RFC 2409 section 5.5), len bytes into out:
 *   K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 *   Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)
 *   KEYMAT = K1 | K2 | ... truncated to len
 * spi is the SPI of the SA being keyed, i.e. the one its receiving side chose: our inbound
 * SA uses the SPI we offered, our outbound SA the peer's.  len comes from
 * ike_alg_esp_keymat_len() or ike_alg_ah_keymat_len() (ike/crypto_alg.h); 1..255 *
 * k->hash_len.  out is the caller's to wipe.
 * Errors: len 0 or too long, protocol not AH or ESP, a missing nonce (IPP_E_INVAL).
 */
int	ike_v1_keymat(const struct ike_v1_keys *k, const struct ike_v1_qm_in *in,
	    uint8_t *out, size_t len, struct ipp_err *e);

/* Wipes every secret of k (all of it); k may be NULL. */
void	ike_v1_keys_wipe(struct ike_v1_keys *k);

#endif
