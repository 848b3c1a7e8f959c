/* ike_crypto: random bytes, hashes and the HMAC PRF over OpenSSL 3. */
#include <limits.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "ike/crypto.h"
#include "ike/crypto_int.h"

static const struct {
	const char	*ossl;		/* OpenSSL's fetch name */
	size_t		len;
} hashes[IPP_HASH_COUNT] = {
	[IPP_HASH_MD5] = { "MD5", 16 },
	[IPP_HASH_SHA1] = { "SHA1", 20 },
	[IPP_HASH_SHA256] = { "SHA2-256", 32 },
	[IPP_HASH_SHA384] = { "SHA2-384", 48 },
	[IPP_HASH_SHA512] = { "SHA2-512", 64 },
};

int
ike_random(void *buf, size_t len, struct ipp_err *e)
{
	if (len == 0)
		return 0;
	if (len > INT_MAX)
		return ipp_errf(e, IPP_E_INVAL, "random: %zu bytes asked, at most %d", len,
		    INT_MAX);
	if (RAND_bytes(buf, (int)len) != 1)
		return ipp_errf(e, IPP_E_NOMEM, "random: OpenSSL RAND_bytes failed for %zu bytes",
		    len);
	return 0;
}

size_t
ike_hash_len(enum ipp_hash h)
{
	if ((unsigned)h >= IPP_HASH_COUNT)
		return 0;
	return hashes[h].len;
}

const char *
ike_hash_ossl_name(enum ipp_hash h)
{
	if ((unsigned)h >= IPP_HASH_COUNT)
		return NULL;
	return hashes[h].ossl;
}

static int
bad_hash(const char *what, enum ipp_hash h, struct ipp_err *e)
{
	return ipp_errf(e, IPP_E_INVAL, "%s: hash %d is not one of MD5, SHA1, SHA2-256/384/512",
	    what, (int)h);
}

int
ike_hash(enum ipp_hash h, const struct iovec *iov, size_t n, uint8_t *out,
    struct ipp_err *e)
{
	EVP_MD_CTX *ctx;
	EVP_MD *md;
	unsigned int olen;
	int ok;

	if (ike_hash_len(h) == 0)
		return bad_hash("hash", h, e);
	if ((md = EVP_MD_fetch(NULL, hashes[h].ossl, NULL)) == NULL)
		return ipp_errf(e, IPP_E_UNSUPP, "hash: OpenSSL has no %s", hashes[h].ossl);
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		EVP_MD_free(md);
		return ipp_errf(e, IPP_E_NOMEM, "hash %s: out of memory", hashes[h].ossl);
	}
	ok = EVP_DigestInit_ex2(ctx, md, NULL);
	for (size_t i = 0; ok && i < n; i++)
		if (iov[i].iov_len > 0)
			ok = EVP_DigestUpdate(ctx, iov[i].iov_base, iov[i].iov_len);
	if (ok)
		ok = EVP_DigestFinal_ex(ctx, out, &olen) && olen == hashes[h].len;
	EVP_MD_CTX_free(ctx);
	EVP_MD_free(md);
	if (!ok)
		return ipp_errf(e, IPP_E_NOMEM, "hash %s: OpenSSL failed", hashes[h].ossl);
	return 0;
}

static int
prf_run(EVP_MAC_CTX *ctx, enum ipp_hash h, const void *key, size_t klen,
    const struct iovec *iov, size_t n, uint8_t *out)
{
	static const uint8_t nokey;
	OSSL_PARAM params[2];
	size_t olen;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)hashes[h].ossl, 0);
	params[1] = OSSL_PARAM_construct_end();
	/* OpenSSL refuses a NULL key even of length 0; HMAC with an empty key is defined. */
	if (!EVP_MAC_init(ctx, klen > 0 ? key : &nokey, klen, params))
		return -1;
	for (size_t i = 0; i < n; i++)
		if (iov[i].iov_len > 0 && !EVP_MAC_update(ctx, iov[i].iov_base, iov[i].iov_len))
			return -1;
	if (!EVP_MAC_final(ctx, out, &olen, hashes[h].len) || olen != hashes[h].len)
		return -1;
	return 0;
}

int
ike_prf(enum ipp_hash h, const void *key, size_t klen, const struct iovec *iov, size_t n,
    uint8_t *out, struct ipp_err *e)
{
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx = NULL;
	int rc = -1;

	if (ike_hash_len(h) == 0)
		return bad_hash("prf", h, e);
	if ((mac = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL)) == NULL)
		return ipp_errf(e, IPP_E_UNSUPP, "prf: OpenSSL has no HMAC");
	if ((ctx = EVP_MAC_CTX_new(mac)) != NULL)
		rc = prf_run(ctx, h, key, klen, iov, n, out);
	/* The context holds the key's pads; freeing it cleanses them. */
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	if (rc != 0) {
		ike_wipe(out, hashes[h].len);
		return ipp_errf(e, IPP_E_NOMEM, "prf HMAC-%s: OpenSSL failed", hashes[h].ossl);
	}
	return 0;
}

bool
ike_equal(const void *a, const void *b, size_t len)
{
	return CRYPTO_memcmp(a, b, len) == 0;
}

void
ike_wipe(void *p, size_t len)
{
	if (len > 0)
		explicit_bzero(p, len);
}
