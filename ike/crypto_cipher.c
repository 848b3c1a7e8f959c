/* ike_cbc: IKE's own CBC encryption (AES, 3DES, legacy DES) without padding. */
#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include "ike/crypto.h"

static const struct {
	const char	*ossl;
	size_t		key_len;
	size_t		block_len;
} ciphers[IPP_CIPHER_COUNT] = {
	[IPP_CIPHER_DES] = { "DES-CBC", 8, 8 },
	[IPP_CIPHER_3DES] = { "DES-EDE3-CBC", 24, 8 },
	[IPP_CIPHER_AES128] = { "AES-128-CBC", 16, 16 },
	[IPP_CIPHER_AES192] = { "AES-192-CBC", 24, 16 },
	[IPP_CIPHER_AES256] = { "AES-256-CBC", 32, 16 },
};

/*
 * DES lives in OpenSSL 3's legacy provider.  It is loaded into a library context of its own,
 * and only when DES is first used, so a process that never allows DES never loads it and the
 * default context's algorithm set stays as the system configured it.
 */
static CRYPTO_ONCE legacy_once = CRYPTO_ONCE_STATIC_INIT;
static OSSL_LIB_CTX *legacy_ctx;

static void
legacy_load(void)
{
	OSSL_LIB_CTX *ctx;

	if ((ctx = OSSL_LIB_CTX_new()) == NULL)
		return;
	if (OSSL_PROVIDER_load(ctx, "legacy") == NULL) {
		OSSL_LIB_CTX_free(ctx);
		return;
	}
	legacy_ctx = ctx;
}

size_t
ike_cipher_key_len(enum ipp_cipher c)
{
	if ((unsigned)c >= IPP_CIPHER_COUNT)
		return 0;
	return ciphers[c].key_len;
}

size_t
ike_cipher_block_len(enum ipp_cipher c)
{
	if ((unsigned)c >= IPP_CIPHER_COUNT)
		return 0;
	return ciphers[c].block_len;
}

static EVP_CIPHER *
cipher_fetch(enum ipp_cipher c, struct ipp_err *e)
{
	EVP_CIPHER *ciph;

	if (c != IPP_CIPHER_DES) {
		if ((ciph = EVP_CIPHER_fetch(NULL, ciphers[c].ossl, NULL)) == NULL)
			ipp_errf(e, IPP_E_UNSUPP, "cipher %s: not available in OpenSSL",
			    ciphers[c].ossl);
		return ciph;
	}
	if (!CRYPTO_THREAD_run_once(&legacy_once, legacy_load) || legacy_ctx == NULL) {
		ipp_errf(e, IPP_E_UNSUPP, "cipher DES-CBC: needs OpenSSL's legacy provider, "
		    "which could not be loaded (is ossl-modules/legacy.so installed?)");
		return NULL;
	}
	if ((ciph = EVP_CIPHER_fetch(legacy_ctx, ciphers[c].ossl, NULL)) == NULL)
		ipp_errf(e, IPP_E_UNSUPP, "cipher DES-CBC: OpenSSL's legacy provider lacks it");
	return ciph;
}

static int
cbc_check(const char *what, enum ipp_cipher c, size_t klen, size_t len, struct ipp_err *e)
{
	if (ike_cipher_key_len(c) == 0)
		return ipp_errf(e, IPP_E_INVAL, "%s: cipher %d (%s) is not an IKE CBC cipher "
		    "(AES-128/192/256, 3DES, DES)", what, (int)c, ipp_cipher_name(c) ?
		    ipp_cipher_name(c) : "unknown");
	if (klen != ciphers[c].key_len)
		return ipp_errf(e, IPP_E_INVAL, "%s %s: key of %zu bytes, expected %zu", what,
		    ciphers[c].ossl, klen, ciphers[c].key_len);
	if (len % ciphers[c].block_len != 0)
		return ipp_errf(e, IPP_E_INVAL, "%s %s: %zu bytes is not a multiple of the "
		    "%zu-byte block", what, ciphers[c].ossl, len, ciphers[c].block_len);
	if (len > INT_MAX)
		return ipp_errf(e, IPP_E_INVAL, "%s %s: %zu bytes, at most %d", what,
		    ciphers[c].ossl, len, INT_MAX);
	return 0;
}

static int
cbc_run(EVP_CIPHER *ciph, int enc, const uint8_t *key, const uint8_t *iv, const uint8_t *in,
    uint8_t *out, size_t len)
{
	EVP_CIPHER_CTX *ctx;
	int olen, flen, ok;

	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	ok = EVP_CipherInit_ex2(ctx, ciph, key, iv, enc, NULL) &&
	    EVP_CIPHER_CTX_set_padding(ctx, 0) &&
	    EVP_CipherUpdate(ctx, out, &olen, in, (int)len) &&
	    EVP_CipherFinal_ex(ctx, out + olen, &flen) &&
	    (size_t)olen + (size_t)flen == len;
	/* Freeing the context cleanses its key schedule. */
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

static int
cbc(const char *what, int enc, enum ipp_cipher c, const uint8_t *key, size_t klen,
    const uint8_t *iv, const uint8_t *in, uint8_t *out, size_t len, uint8_t *iv_next,
    struct ipp_err *e)
{
	uint8_t last[IKE_BLOCK_MAX];
	EVP_CIPHER *ciph;
	size_t bl;
	int rc;

	if (cbc_check(what, c, klen, len, e) != 0)
		return -1;
	bl = ciphers[c].block_len;
	if (len == 0) {
		if (iv_next != NULL)
			memmove(iv_next, iv, bl);
		return 0;
	}
	if ((ciph = cipher_fetch(c, e)) == NULL)
		return -1;
	/* Decrypting in place overwrites the last ciphertext block: keep it first. */
	if (!enc)
		memcpy(last, in + len - bl, bl);
	rc = cbc_run(ciph, enc, key, iv, in, out, len);
	EVP_CIPHER_free(ciph);
	if (rc != 0) {
		ike_wipe(out, len);
		return ipp_errf(e, IPP_E_NOMEM, "%s %s: OpenSSL failed", what, ciphers[c].ossl);
	}
	if (iv_next != NULL)
		memcpy(iv_next, enc ? out + len - bl : last, bl);
	return 0;
}

int
ike_cbc_encrypt(enum ipp_cipher c, const uint8_t *key, size_t klen, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t len, uint8_t *iv_next, struct ipp_err *e)
{
	return cbc("encrypt", 1, c, key, klen, iv, in, out, len, iv_next, e);
}

int
ike_cbc_decrypt(enum ipp_cipher c, const uint8_t *key, size_t klen, const uint8_t *iv,
    const uint8_t *in, uint8_t *out, size_t len, uint8_t *iv_next, struct ipp_err *e)
{
	return cbc("decrypt", 0, c, key, klen, iv, in, out, len, iv_next, e);
}
