/* ike_alg: the kernel's ESP and AH algorithm names and key sizes for the model's algorithms. */
#include "ike/crypto_alg.h"

/*
 * Names as the Linux crypto API registers them (and as strongSwan's kernel-netlink plugin
 * sends them).  The kernel also knows "cipher_null" as an alias of "ecb(cipher_null)".
 */
static const struct ike_kernel_alg enc[IPP_CIPHER_COUNT] = {
	[IPP_CIPHER_NONE] = { "ecb(cipher_null)", 0, 0, false },
	[IPP_CIPHER_DES] = { "cbc(des)", 8, 0, false },
	[IPP_CIPHER_3DES] = { "cbc(des3_ede)", 24, 0, false },
	[IPP_CIPHER_AES128] = { "cbc(aes)", 16, 0, false },
	[IPP_CIPHER_AES192] = { "cbc(aes)", 24, 0, false },
	[IPP_CIPHER_AES256] = { "cbc(aes)", 32, 0, false },
	/* RFC 4106 section 8.1: the key is followed by a 4-byte salt from the same KEYMAT. */
	[IPP_CIPHER_AES128GCM16] = { "rfc4106(gcm(aes))", 16 + 4, 128, true },
	[IPP_CIPHER_AES256GCM16] = { "rfc4106(gcm(aes))", 32 + 4, 128, true },
};

/* RFC 2403 (MD5-96), RFC 2404 (SHA1-96), RFC 4868 (SHA2: half the output). */
static const struct ike_kernel_alg integ[IPP_HASH_COUNT] = {
	[IPP_HASH_MD5] = { "hmac(md5)", 16, 96, false },
	[IPP_HASH_SHA1] = { "hmac(sha1)", 20, 96, false },
	[IPP_HASH_SHA256] = { "hmac(sha256)", 32, 128, false },
	[IPP_HASH_SHA384] = { "hmac(sha384)", 48, 192, false },
	[IPP_HASH_SHA512] = { "hmac(sha512)", 64, 256, false },
};

const struct ike_kernel_alg *
ike_alg_esp_enc(enum ipp_cipher c)
{
	if ((unsigned)c >= IPP_CIPHER_COUNT)
		return NULL;
	return &enc[c];
}

const struct ike_kernel_alg *
ike_alg_integ(enum ipp_hash h)
{
	if ((unsigned)h >= IPP_HASH_COUNT || integ[h].name == NULL)
		return NULL;
	return &integ[h];
}

size_t
ike_alg_esp_keymat_len(enum ipp_cipher c, enum ipp_hash auth)
{
	const struct ike_kernel_alg *ea = ike_alg_esp_enc(c), *ia = ike_alg_integ(auth);

	if (ea == NULL)
		return 0;
	if (ea->aead)
		return auth == IPP_HASH_NONE ? ea->key_len : 0;
	if (auth == IPP_HASH_NONE)
		/* Confidentiality only, as Windows allows; null encryption needs integrity. */
		return c == IPP_CIPHER_NONE ? 0 : ea->key_len;
	if (ia == NULL)
		return 0;
	return ea->key_len + ia->key_len;
}

size_t
ike_alg_ah_keymat_len(enum ipp_hash h)
{
	const struct ike_kernel_alg *ia = ike_alg_integ(h);

	return ia == NULL ? 0 : ia->key_len;
}
