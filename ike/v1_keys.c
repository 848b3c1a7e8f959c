/* ike_v1_keys: RFC 2409's key derivations for IKEv1 Phase 1 and Quick Mode. */
#include <string.h>

#include "ike/v1_keys.h"

#define IOV(p, n)	((struct iovec){ .iov_base = (void *)(p), .iov_len = (n) })

static void
put32(uint8_t b[4], uint32_t v)
{
	b[0] = v >> 24;
	b[1] = v >> 16;
	b[2] = v >> 8;
	b[3] = v;
}

void
ike_v1_keys_wipe(struct ike_v1_keys *k)
{
	if (k != NULL)
		ike_wipe(k, sizeof(*k));
}

static int
p1_check(const struct ike_v1_p1_in *in, struct ipp_err *e)
{
	if (ike_hash_len(in->hash) == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 keys: hash %d is not one of MD5, SHA1, "
		    "SHA2-256/384/512", (int)in->hash);
	if (ike_cipher_key_len(in->cipher) == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 keys: cipher %d is not an IKE CBC cipher",
		    (int)in->cipher);
	if (in->cky_i == NULL || in->cky_r == NULL || in->ni_b == NULL || in->nr_b == NULL ||
	    in->gxi == NULL || in->gxr == NULL || in->gxy == NULL)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 keys: a cookie, nonce, public value or "
		    "the shared secret is missing");
	if (in->ni_len == 0 || in->nr_len == 0 || in->gxi_len == 0 || in->gxr_len == 0 ||
	    in->gxy_len == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 keys: an empty nonce, public value or "
		    "shared secret");
	return 0;
}

/*
 * Appendix B: a key longer than SKEYID_e is K1 | K2 | ... with K1 = prf(SKEYID_e, 0) and
 * Kn = prf(SKEYID_e, Kn-1); one no longer is SKEYID_e's first bytes.
 */
static int
enc_key(struct ike_v1_keys *k, struct ipp_err *e)
{
	uint8_t kn[IKE_HASH_MAX], zero = 0;
	size_t have;

	if (k->hash_len >= k->enc_key_len) {
		memcpy(k->enc_key, k->skeyid_e, k->enc_key_len);
		return 0;
	}
	if (ike_prf(k->hash, k->skeyid_e, k->hash_len, &IOV(&zero, 1), 1, kn, e) != 0)
		return -1;
	for (have = 0;;) {
		size_t n = k->enc_key_len - have < k->hash_len ? k->enc_key_len - have :
		    k->hash_len;

		memcpy(k->enc_key + have, kn, n);
		if ((have += n) == k->enc_key_len)
			break;
		if (ike_prf(k->hash, k->skeyid_e, k->hash_len, &IOV(kn, k->hash_len), 1, kn,
		    e) != 0) {
			ike_wipe(kn, sizeof(kn));
			return -1;
		}
	}
	ike_wipe(kn, sizeof(kn));
	return 0;
}

/* k->skeyid is set; derives SKEYID_d/a/e, the encryption key and the Phase 1 IV. */
static int
derive_rest(struct ike_v1_keys *k, const struct ike_v1_p1_in *in, struct ipp_err *e)
{
	uint8_t ivh[IKE_HASH_MAX];
	const uint8_t n0 = 0, n1 = 1, n2 = 2;
	struct iovec v[5] = {
		IOV(NULL, 0), IOV(in->gxy, in->gxy_len), IOV(in->cky_i, IKE_V1_COOKIE_LEN),
		IOV(in->cky_r, IKE_V1_COOKIE_LEN), IOV(&n0, 1),
	};

	if (ike_prf(k->hash, k->skeyid, k->hash_len, v + 1, 4, k->skeyid_d, e) != 0)
		return -1;
	v[0] = IOV(k->skeyid_d, k->hash_len);
	v[4] = IOV(&n1, 1);
	if (ike_prf(k->hash, k->skeyid, k->hash_len, v, 5, k->skeyid_a, e) != 0)
		return -1;
	v[0] = IOV(k->skeyid_a, k->hash_len);
	v[4] = IOV(&n2, 1);
	if (ike_prf(k->hash, k->skeyid, k->hash_len, v, 5, k->skeyid_e, e) != 0)
		return -1;
	if (enc_key(k, e) != 0)
		return -1;
	v[0] = IOV(in->gxi, in->gxi_len);
	v[1] = IOV(in->gxr, in->gxr_len);
	if (ike_hash(k->hash, v, 2, ivh, e) != 0)
		return -1;
	memcpy(k->iv, ivh, k->block_len);
	return 0;
}

static void
keys_init(struct ike_v1_keys *k, const struct ike_v1_p1_in *in)
{
	memset(k, 0, sizeof(*k));
	k->hash = in->hash;
	k->cipher = in->cipher;
	k->hash_len = ike_hash_len(in->hash);
	k->enc_key_len = ike_cipher_key_len(in->cipher);
	k->block_len = ike_cipher_block_len(in->cipher);
}

int
ike_v1_keys_psk(struct ike_v1_keys *k, const struct ike_v1_p1_in *in, const void *psk,
    size_t psk_len, struct ipp_err *e)
{
	struct iovec v[2];

	memset(k, 0, sizeof(*k));
	if (p1_check(in, e) != 0)
		return -1;
	if (psk == NULL || psk_len == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 keys: empty preshared key");
	keys_init(k, in);
	v[0] = IOV(in->ni_b, in->ni_len);
	v[1] = IOV(in->nr_b, in->nr_len);
	if (ike_prf(k->hash, psk, psk_len, v, 2, k->skeyid, e) != 0 ||
	    derive_rest(k, in, e) != 0) {
		ike_v1_keys_wipe(k);
		return -1;
	}
	return 0;
}

int
ike_v1_keys_sig(struct ike_v1_keys *k, const struct ike_v1_p1_in *in, struct ipp_err *e)
{
	uint8_t nonces[2 * 256];
	size_t nlen;
	int rc;

	memset(k, 0, sizeof(*k));
	if (p1_check(in, e) != 0)
		return -1;
	/* RFC 2409 section 5: nonces are 8 to 256 bytes. */
	if (in->ni_len > 256 || in->nr_len > 256)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 keys: nonce of %zu bytes, at most 256",
		    in->ni_len > 256 ? in->ni_len : in->nr_len);
	keys_init(k, in);
	nlen = in->ni_len + in->nr_len;
	memcpy(nonces, in->ni_b, in->ni_len);
	memcpy(nonces + in->ni_len, in->nr_b, in->nr_len);
	rc = ike_prf(k->hash, nonces, nlen, &IOV(in->gxy, in->gxy_len), 1, k->skeyid, e);
	ike_wipe(nonces, nlen);
	if (rc != 0 || derive_rest(k, in, e) != 0) {
		ike_v1_keys_wipe(k);
		return -1;
	}
	return 0;
}

static int
hash_auth(const struct ike_v1_keys *k, const struct ike_v1_p1_in *in, bool initiator,
    const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len, uint8_t *out,
    struct ipp_err *e)
{
	struct iovec v[6];

	if (k->hash_len == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 HASH_%c: no keys derived",
		    initiator ? 'I' : 'R');
	if (in->gxi == NULL || in->gxr == NULL || in->cky_i == NULL || in->cky_r == NULL ||
	    (sai_b == NULL && sai_len > 0) || (id_b == NULL && id_len > 0))
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 HASH_%c: an input is missing",
		    initiator ? 'I' : 'R');
	v[0] = initiator ? IOV(in->gxi, in->gxi_len) : IOV(in->gxr, in->gxr_len);
	v[1] = initiator ? IOV(in->gxr, in->gxr_len) : IOV(in->gxi, in->gxi_len);
	v[2] = IOV(initiator ? in->cky_i : in->cky_r, IKE_V1_COOKIE_LEN);
	v[3] = IOV(initiator ? in->cky_r : in->cky_i, IKE_V1_COOKIE_LEN);
	v[4] = IOV(sai_b, sai_len);
	v[5] = IOV(id_b, id_len);
	return ike_prf(k->hash, k->skeyid, k->hash_len, v, 6, out, e);
}

int
ike_v1_hash_i(const struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
    const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len, uint8_t *out,
    struct ipp_err *e)
{
	return hash_auth(k, in, true, sai_b, sai_len, id_b, id_len, out, e);
}

int
ike_v1_hash_r(const struct ike_v1_keys *k, const struct ike_v1_p1_in *in,
    const uint8_t *sai_b, size_t sai_len, const uint8_t *id_b, size_t id_len, uint8_t *out,
    struct ipp_err *e)
{
	return hash_auth(k, in, false, sai_b, sai_len, id_b, id_len, out, e);
}

int
ike_v1_iv_phase2(const struct ike_v1_keys *k, const uint8_t *last_block, uint32_t msgid,
    uint8_t *iv, struct ipp_err *e)
{
	uint8_t mid[4], h[IKE_HASH_MAX];
	struct iovec v[2];

	if (k->block_len == 0 || k->block_len > k->hash_len)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 phase 2 IV: no keys derived");
	put32(mid, msgid);
	v[0] = IOV(last_block, k->block_len);
	v[1] = IOV(mid, 4);
	if (ike_hash(k->hash, v, 2, h, e) != 0)
		return -1;
	memcpy(iv, h, k->block_len);
	return 0;
}

/* prf(SKEYID_a, [pre] | M-ID | [a] | [b]); absent parts have length 0. */
static int
hash_a(const struct ike_v1_keys *k, const char *what, bool zero, uint32_t msgid,
    const uint8_t *a, size_t alen, const uint8_t *b, size_t blen, uint8_t *out,
    struct ipp_err *e)
{
	const uint8_t z = 0;
	uint8_t mid[4];
	struct iovec v[4];

	if (k->hash_len == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 %s: no keys derived", what);
	if ((a == NULL && alen > 0) || (b == NULL && blen > 0))
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 %s: an input is missing", what);
	put32(mid, msgid);
	v[0] = IOV(&z, zero ? 1 : 0);
	v[1] = IOV(mid, 4);
	v[2] = IOV(a, alen);
	v[3] = IOV(b, blen);
	return ike_prf(k->hash, k->skeyid_a, k->hash_len, v, 4, out, e);
}

int
ike_v1_qm_hash1(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *payloads,
    size_t len, uint8_t *out, struct ipp_err *e)
{
	return hash_a(k, "Quick Mode HASH(1)", false, msgid, payloads, len, NULL, 0, out, e);
}

int
ike_v1_qm_hash2(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *ni_b,
    size_t ni_len, const uint8_t *payloads, size_t len, uint8_t *out, struct ipp_err *e)
{
	if (ni_b == NULL || ni_len == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 Quick Mode HASH(2): no initiator nonce");
	return hash_a(k, "Quick Mode HASH(2)", false, msgid, ni_b, ni_len, payloads, len, out,
	    e);
}

int
ike_v1_qm_hash3(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *ni_b,
    size_t ni_len, const uint8_t *nr_b, size_t nr_len, uint8_t *out, struct ipp_err *e)
{
	if (ni_b == NULL || ni_len == 0 || nr_b == NULL || nr_len == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 Quick Mode HASH(3): a nonce is missing");
	return hash_a(k, "Quick Mode HASH(3)", true, msgid, ni_b, ni_len, nr_b, nr_len, out, e);
}

int
ike_v1_info_hash(const struct ike_v1_keys *k, uint32_t msgid, const uint8_t *payloads,
    size_t len, uint8_t *out, struct ipp_err *e)
{
	return hash_a(k, "Informational HASH(1)", false, msgid, payloads, len, NULL, 0, out, e);
}

int
ike_v1_keymat(const struct ike_v1_keys *k, const struct ike_v1_qm_in *in, uint8_t *out,
    size_t len, struct ipp_err *e)
{
	uint8_t kn[IKE_HASH_MAX], spi[4];
	struct iovec v[6];
	size_t have = 0;

	if (k->hash_len == 0)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 KEYMAT: no keys derived");
	if (len == 0 || len > 255 * k->hash_len)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 KEYMAT: %zu bytes asked, expected 1..%zu",
		    len, 255 * k->hash_len);
	if (in->protocol != 2 && in->protocol != 3)
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 KEYMAT: protocol %u, expected 2 (AH) or "
		    "3 (ESP)", in->protocol);
	if (in->ni_b == NULL || in->ni_len == 0 || in->nr_b == NULL || in->nr_len == 0 ||
	    (in->gxy == NULL && in->gxy_len > 0))
		return ipp_errf(e, IPP_E_INVAL, "IKEv1 KEYMAT: a nonce or the PFS secret is "
		    "missing");
	put32(spi, in->spi);
	v[0] = IOV(NULL, 0);
	v[1] = IOV(in->gxy, in->gxy_len);
	v[2] = IOV(&in->protocol, 1);
	v[3] = IOV(spi, 4);
	v[4] = IOV(in->ni_b, in->ni_len);
	v[5] = IOV(in->nr_b, in->nr_len);
	for (;;) {
		size_t n = len - have < k->hash_len ? len - have : k->hash_len;

		if (ike_prf(k->hash, k->skeyid_d, k->hash_len, v, 6, kn, e) != 0) {
			ike_wipe(kn, sizeof(kn));
			ike_wipe(out, have);
			return -1;
		}
		memcpy(out + have, kn, n);
		if ((have += n) == len)
			break;
		v[0] = IOV(kn, k->hash_len);
	}
	ike_wipe(kn, sizeof(kn));
	return 0;
}
