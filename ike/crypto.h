/*
 * ike_crypto: the cryptography IKE needs, over OpenSSL 3's libcrypto: random bytes, hashes
 * and HMAC PRFs, the CBC ciphers of IKE's own encryption, and Diffie-Hellman on the MODP and
 * ECP groups.  Nothing here knows IKEv1 or IKEv2 messages (ike/v1_keys.h holds RFC 2409's
 * derivations), so IKEv2 reuses it unchanged.
 *
 * Algorithms are the policy model's (store/model.h): enum ipp_hash, enum ipp_cipher and the
 * IANA Diffie-Hellman group numbers (ipp_dhgroup).
 *
 * Errors: every call that can fail takes a struct ipp_err *e (may be NULL) and returns -1
 * (or NULL) with e filled: IPP_E_INVAL for bad input (unknown algorithm, wrong length, a
 * peer's bad public value), IPP_E_UNSUPP when OpenSSL lacks the algorithm (DES without the
 * legacy provider), IPP_E_NOMEM when OpenSSL fails to allocate or fails internally.
 * Nothing prints or exits.
 *
 * Secrets: every buffer here that held a key, a private value or a shared secret is wiped
 * before it is released, on every path.  Callers wipe their own copies (ike_wipe()).
 *
 * Threads: every call may be made from any thread; the legacy provider is loaded once.
 */
#ifndef IPP_IKE_CRYPTO_H
#define IPP_IKE_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "store/err.h"
#include "store/model.h"

/* Bounds, in bytes, for callers' fixed buffers. */
#define IKE_HASH_MAX		64	/* SHA-512 output */
#define IKE_BLOCK_MAX		16	/* AES block */
#define IKE_CIPHER_KEY_MAX	32	/* AES-256 key */
#define IKE_DH_PUBLIC_MAX	512	/* MODP 4096 public value; ECP 521 x||y is 132 */
#define IKE_DH_SECRET_MAX	512	/* MODP 4096 shared secret */

/* ---- ike/crypto.c: random bytes, hashes, PRF, helpers ---- */

/* Fills buf with len bytes from OpenSSL's RAND_bytes (for nonces, cookies, IVs, SPIs). */
int	ike_random(void *buf, size_t len, struct ipp_err *e);

/* Bytes of hash h's output (MD5 16, SHA1 20, SHA2-256/384/512 32/48/64); 0 for
 * IPP_HASH_NONE and values outside the enum. */
size_t	ike_hash_len(enum ipp_hash h);

/*
 * out = h(iov[0] | iov[1] | ... | iov[n-1]).  out must hold ike_hash_len(h) bytes.  An
 * iov with iov_len 0 may have iov_base NULL.  Errors: h not a hash (IPP_E_INVAL).
 */
int	ike_hash(enum ipp_hash h, const struct iovec *iov, size_t n, uint8_t *out,
	    struct ipp_err *e);

/*
 * The HMAC PRF of IKE (RFC 2104 over hash h): out = HMAC-h(key, iov[0] | ... | iov[n-1]).
 * out must hold ike_hash_len(h) bytes; it may be the memory of the key or of an input
 * (all input is read before out is written), so Kn = prf(K, Kn-1) can run in place.  A key
 * of klen 0 is allowed (key may then be NULL).  Errors as ike_hash(); on error out is
 * wiped.
 * MD5 is accepted only because legacy policies name it; the caller decides whether legacy
 * algorithms are allowed.
 */
int	ike_prf(enum ipp_hash h, const void *key, size_t klen, const struct iovec *iov,
	    size_t n, uint8_t *out, struct ipp_err *e);

/* Constant-time comparison of len bytes (for received hashes); true when equal. */
bool	ike_equal(const void *a, const void *b, size_t len);

/* Wipes len bytes at p so the compiler cannot drop it (explicit_bzero); p may be NULL
 * when len is 0. */
void	ike_wipe(void *p, size_t len);

/* ---- ike/crypto_cipher.c: IKE's CBC encryption, no padding ---- */

/*
 * The ciphers IKE itself encrypts with: IPP_CIPHER_AES128/192/256 (AES-CBC),
 * IPP_CIPHER_3DES (3DES-EDE-CBC) and IPP_CIPHER_DES (DES-CBC, legacy: needs OpenSSL's
 * legacy provider, loaded on DES's first use).  The GCM ciphers and IPP_CIPHER_NONE are ESP
 * only (ike/crypto_alg.h) and are refused here.
 */

/* Key bytes of c (AES 16/24/32, 3DES 24, DES 8); 0 if c is not an IKE CBC cipher. */
size_t	ike_cipher_key_len(enum ipp_cipher c);
/* Block (and IV) bytes of c (AES 16, DES and 3DES 8); 0 if c is not an IKE CBC cipher. */
size_t	ike_cipher_block_len(enum ipp_cipher c);

/*
 * CBC encryption or decryption of len bytes, without padding (IKE pads its own messages):
 *   key, klen: klen must equal ike_cipher_key_len(c);
 *   iv: ike_cipher_block_len(c) bytes;
 *   in, out: len bytes each; out == in (in place) is allowed, other overlaps are not;
 *   len: a multiple of the block length, may be 0;
 *   iv_next: NULL, or ike_cipher_block_len(c) bytes that receive the last ciphertext
 *     block (the next IV of IKEv1's CBC chain; iv itself when len is 0).  It may be iv.
 * Errors: c not an IKE cipher, a wrong key length, len not a block multiple (IPP_E_INVAL);
 * DES without the legacy provider (IPP_E_UNSUPP).  On error out and iv_next are untouched
 * when the error is found before any work, else out is wiped.
 */
int	ike_cbc_encrypt(enum ipp_cipher c, const uint8_t *key, size_t klen, const uint8_t *iv,
	    const uint8_t *in, uint8_t *out, size_t len, uint8_t *iv_next, struct ipp_err *e);
int	ike_cbc_decrypt(enum ipp_cipher c, const uint8_t *key, size_t klen, const uint8_t *iv,
	    const uint8_t *in, uint8_t *out, size_t len, uint8_t *iv_next, struct ipp_err *e);

/* ---- ike/crypto_dh.c: Diffie-Hellman ---- */

/*
 * Groups: MODP 1 (768 bit, legacy), 2 (1024 bit, legacy) of RFC 2409; MODP 5 (1536),
 * 14 (2048), 15 (3072), 16 (4096) of RFC 3526; ECP 19 (P-256), 20 (P-384), 21 (P-521) of
 * RFC 5903.  Whether legacy groups are allowed is the caller's policy decision.
 *
 * Wire forms (IKEv1 KE payload data and IKEv2 KE data alike):
 *   MODP public value g^x mod p: big-endian, left-padded with zeros to the prime's length.
 *   ECP public value: x | y, each big-endian and padded to the field length, no 0x04 prefix
 *     (RFC 5903 section 7).
 *   Shared secret: MODP g^xy mod p left-padded to the prime's length; ECP the x coordinate of
 *     the shared point, padded to the field length (RFC 5903 section 7).
 */
struct ike_dh;

/* Bytes of group's public value (MODP: prime length; ECP: 2 * field length) and shared
 * secret (MODP: prime length; ECP: field length); 0 if the group is unknown. */
size_t	ike_dh_public_len(ipp_dhgroup group);
size_t	ike_dh_secret_len(ipp_dhgroup group);

/*
 * A new key pair for group with a fresh random private value.  Free with ike_dh_free().
 * Errors: unknown group (IPP_E_INVAL), OpenSSL failure (IPP_E_NOMEM).
 */
struct ike_dh *ike_dh_new(ipp_dhgroup group, struct ipp_err *e);

/*
 * FOR KNOWN-ANSWER TESTS ONLY: a key pair with the given private value (big-endian,
 * any length up to the prime or order length; MODP: 1 < x < p-1; ECP: 0 < x < order).
 * The daemon never calls this.  Errors: unknown group, private value out of range
 * (IPP_E_INVAL).
 */
struct ike_dh *ike_dh_new_private(ipp_dhgroup group, const uint8_t *priv, size_t len,
	    struct ipp_err *e);

/* The group of dh. */
ipp_dhgroup ike_dh_group(const struct ike_dh *dh);

/* Our public value, ike_dh_public_len(group) bytes, owned by dh and valid until
 * ike_dh_free(). */
const uint8_t *ike_dh_public(const struct ike_dh *dh);

/*
 * secret = the shared secret of dh's private value and the peer's public value.
 *   peer, plen: the peer's public value in the wire form above; plen must equal
 *     ike_dh_public_len(group);
 *   secret, slen: slen must equal ike_dh_secret_len(group).  The caller owns and wipes it.
 * The peer's value is validated: MODP 1 < y < p-1; ECP a point on the curve, not the point
 * at infinity, coordinates below the field prime.
 * Errors: wrong length, invalid peer value (IPP_E_INVAL, naming the group and the check
 * that failed); OpenSSL failure (IPP_E_NOMEM).  On error secret is zeroed.  dh stays usable.
 */
int	ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t plen,
	    uint8_t *secret, size_t slen, struct ipp_err *e);

/* Wipes the private value and frees dh.  NULL is allowed. */
void	ike_dh_free(struct ike_dh *dh);

#endif
