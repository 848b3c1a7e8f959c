/*
 * ike_dh: Diffie-Hellman on the MODP groups (RFC 2409, RFC 3526) and the ECP groups
 * (RFC 5903).  IKE's wire forms are raw: a padded integer for MODP, x | y for ECP, and the
 * x coordinate as the ECP secret.  The arithmetic is done on OpenSSL's BIGNUM and EC_POINT
 * directly, so each validation IKE requires of a peer's value is an explicit step here.
 * Secret scalars carry BN_FLG_CONSTTIME; EC scalar multiplication of one point uses
 * OpenSSL's constant-time ladder.
 */
#include <string.h>

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include "ike/crypto.h"

enum dh_kind { DH_MODP, DH_ECP };

struct dh_group {
	ipp_dhgroup	id;
	enum dh_kind	kind;
	size_t		len;			/* MODP: prime bytes; ECP: field bytes */
	BIGNUM		*(*prime)(BIGNUM *);	/* MODP; generator 2 */
	int		nid;			/* ECP */
	const char	*name;
};

static const struct dh_group groups[] = {
	{ 1, DH_MODP, 96, BN_get_rfc2409_prime_768, 0, "MODP-768" },
	{ 2, DH_MODP, 128, BN_get_rfc2409_prime_1024, 0, "MODP-1024" },
	{ 5, DH_MODP, 192, BN_get_rfc3526_prime_1536, 0, "MODP-1536" },
	{ 14, DH_MODP, 256, BN_get_rfc3526_prime_2048, 0, "MODP-2048" },
	{ 15, DH_MODP, 384, BN_get_rfc3526_prime_3072, 0, "MODP-3072" },
	{ 16, DH_MODP, 512, BN_get_rfc3526_prime_4096, 0, "MODP-4096" },
	{ 19, DH_ECP, 32, NULL, NID_X9_62_prime256v1, "ECP-256" },
	{ 20, DH_ECP, 48, NULL, NID_secp384r1, "ECP-384" },
	{ 21, DH_ECP, 66, NULL, NID_secp521r1, "ECP-521" },
};

struct ike_dh {
	const struct dh_group	*g;
	BIGNUM			*x;		/* private value */
	BIGNUM			*p;		/* MODP */
	BN_MONT_CTX		*mont;		/* MODP */
	EC_GROUP		*ec;		/* ECP */
	size_t			pub_len;
	uint8_t			pub[IKE_DH_PUBLIC_MAX];
};

static const struct dh_group *
group_find(ipp_dhgroup id)
{
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++)
		if (groups[i].id == id)
			return &groups[i];
	return NULL;
}

size_t
ike_dh_public_len(ipp_dhgroup group)
{
	const struct dh_group *g = group_find(group);

	if (g == NULL)
		return 0;
	return g->kind == DH_ECP ? 2 * g->len : g->len;
}

size_t
ike_dh_secret_len(ipp_dhgroup group)
{
	const struct dh_group *g = group_find(group);

	return g == NULL ? 0 : g->len;
}

ipp_dhgroup
ike_dh_group(const struct ike_dh *dh)
{
	return dh->g->id;
}

const uint8_t *
ike_dh_public(const struct ike_dh *dh)
{
	return dh->pub;
}

void
ike_dh_free(struct ike_dh *dh)
{
	if (dh == NULL)
		return;
	BN_clear_free(dh->x);
	BN_free(dh->p);
	BN_MONT_CTX_free(dh->mont);
	EC_GROUP_free(dh->ec);
	OPENSSL_clear_free(dh, sizeof(*dh));
}

/* The group's parameters, with no private value yet. */
static struct ike_dh *
dh_alloc(ipp_dhgroup group, struct ipp_err *e)
{
	const struct dh_group *g = group_find(group);
	struct ike_dh *dh;
	BN_CTX *bn = NULL;
	int ok;

	if (g == NULL) {
		ipp_errf(e, IPP_E_INVAL, "DH group %u: unknown (known: 1, 2, 5, 14, 15, 16, "
		    "19, 20, 21)", (unsigned)group);
		return NULL;
	}
	if ((dh = OPENSSL_zalloc(sizeof(*dh))) == NULL)
		goto nomem;
	dh->g = g;
	dh->pub_len = ike_dh_public_len(group);
	if (g->kind == DH_ECP)
		ok = (dh->ec = EC_GROUP_new_by_curve_name(g->nid)) != NULL;
	else
		ok = (bn = BN_CTX_new()) != NULL &&
		    (dh->p = g->prime(NULL)) != NULL &&
		    (dh->mont = BN_MONT_CTX_new()) != NULL &&
		    BN_MONT_CTX_set(dh->mont, dh->p, bn);
	BN_CTX_free(bn);
	if (ok && (dh->x = BN_secure_new()) != NULL) {
		BN_set_flags(dh->x, BN_FLG_CONSTTIME);
		return dh;
	}
nomem:
	ike_dh_free(dh);
	ipp_errf(e, IPP_E_NOMEM, "DH group %u: OpenSSL could not set up the group",
	    (unsigned)group);
	return NULL;
}

/* pub = g^x mod p, left-padded. */
static int
modp_public(struct ike_dh *dh, BN_CTX *bn)
{
	BIGNUM *gen, *y;
	int ok;

	BN_CTX_start(bn);
	ok = (gen = BN_CTX_get(bn)) != NULL && (y = BN_CTX_get(bn)) != NULL &&
	    BN_set_word(gen, 2) &&
	    BN_mod_exp_mont_consttime(y, gen, dh->x, dh->p, bn, dh->mont) &&
	    BN_bn2binpad(y, dh->pub, (int)dh->pub_len) == (int)dh->pub_len;
	BN_CTX_end(bn);
	return ok ? 0 : -1;
}

/* Writes point pt as x | y (no 0x04 prefix) into out of 2 * field bytes. */
static int
ecp_encode(const struct ike_dh *dh, const EC_POINT *pt, uint8_t *out, BN_CTX *bn)
{
	BIGNUM *x, *y;
	int flen = (int)dh->g->len, ok;

	BN_CTX_start(bn);
	ok = (x = BN_CTX_get(bn)) != NULL && (y = BN_CTX_get(bn)) != NULL &&
	    EC_POINT_get_affine_coordinates(dh->ec, pt, x, y, bn) &&
	    BN_bn2binpad(x, out, flen) == flen &&
	    BN_bn2binpad(y, out + flen, flen) == flen;
	BN_CTX_end(bn);
	return ok ? 0 : -1;
}

/* pub = x * G as x | y. */
static int
ecp_public(struct ike_dh *dh, BN_CTX *bn)
{
	EC_POINT *pt;
	int rc = -1;

	if ((pt = EC_POINT_new(dh->ec)) == NULL)
		return -1;
	if (EC_POINT_mul(dh->ec, pt, dh->x, NULL, NULL, bn))
		rc = ecp_encode(dh, pt, dh->pub, bn);
	EC_POINT_free(pt);
	return rc;
}

/*
 * The range private values must lie in: MODP [2, p-2], ECP [1, order-1].  lo and hi are
 * set so that lo <= x <= hi.
 */
static int
private_range(const struct ike_dh *dh, BIGNUM *lo, BIGNUM *hi)
{
	if (dh->g->kind == DH_ECP)
		return BN_one(lo) && BN_copy(hi, EC_GROUP_get0_order(dh->ec)) != NULL &&
		    BN_sub_word(hi, 1);
	return BN_set_word(lo, 2) && BN_copy(hi, dh->p) != NULL && BN_sub_word(hi, 2);
}

static int
dh_finish(struct ike_dh *dh, BN_CTX *bn)
{
	return dh->g->kind == DH_ECP ? ecp_public(dh, bn) : modp_public(dh, bn);
}

struct ike_dh *
ike_dh_new(ipp_dhgroup group, struct ipp_err *e)
{
	struct ike_dh *dh;
	BN_CTX *bn;
	BIGNUM *lo, *hi, *span;
	int ok;

	if ((dh = dh_alloc(group, e)) == NULL)
		return NULL;
	if ((bn = BN_CTX_secure_new()) == NULL)
		goto fail;
	BN_CTX_start(bn);
	/* x = lo + r with r uniform in [0, hi - lo]. */
	ok = (lo = BN_CTX_get(bn)) != NULL && (hi = BN_CTX_get(bn)) != NULL &&
	    (span = BN_CTX_get(bn)) != NULL && private_range(dh, lo, hi) &&
	    BN_sub(span, hi, lo) && BN_add_word(span, 1) &&
	    BN_priv_rand_range_ex(dh->x, span, 0, bn) && BN_add(dh->x, dh->x, lo) &&
	    dh_finish(dh, bn) == 0;
	BN_CTX_end(bn);
	BN_CTX_free(bn);
	if (ok)
		return dh;
fail:
	ike_dh_free(dh);
	ipp_errf(e, IPP_E_NOMEM, "DH group %u: OpenSSL failed to make a key pair",
	    (unsigned)group);
	return NULL;
}

struct ike_dh *
ike_dh_new_private(ipp_dhgroup group, const uint8_t *priv, size_t len, struct ipp_err *e)
{
	struct ike_dh *dh;
	BN_CTX *bn;
	BIGNUM *lo, *hi;
	int ok, inrange = 0;

	if ((dh = dh_alloc(group, e)) == NULL)
		return NULL;
	if ((bn = BN_CTX_secure_new()) == NULL)
		goto fail;
	BN_CTX_start(bn);
	ok = (lo = BN_CTX_get(bn)) != NULL && (hi = BN_CTX_get(bn)) != NULL &&
	    private_range(dh, lo, hi) && len <= 1024 &&
	    BN_bin2bn(priv, (int)len, dh->x) != NULL;
	if (ok)
		inrange = BN_cmp(dh->x, lo) >= 0 && BN_cmp(dh->x, hi) <= 0;
	ok = ok && inrange && dh_finish(dh, bn) == 0;
	BN_CTX_end(bn);
	BN_CTX_free(bn);
	if (ok)
		return dh;
	if (!inrange) {
		ike_dh_free(dh);
		ipp_errf(e, IPP_E_INVAL, "DH group %u: private value of %zu bytes is out of "
		    "range", (unsigned)group, len);
		return NULL;
	}
fail:
	ike_dh_free(dh);
	ipp_errf(e, IPP_E_NOMEM, "DH group %u: OpenSSL failed to make the key pair",
	    (unsigned)group);
	return NULL;
}

/* 0 on success, -1 for an OpenSSL failure, -2 for an invalid peer value (why is set). */
static int
modp_derive(const struct ike_dh *dh, const uint8_t *peer, uint8_t *secret, BN_CTX *bn,
    const char **why)
{
	BIGNUM *y, *z, *pm1;
	int len = (int)dh->g->len, rc = -1;

	BN_CTX_start(bn);
	if ((y = BN_CTX_get(bn)) == NULL || (z = BN_CTX_get(bn)) == NULL ||
	    (pm1 = BN_CTX_get(bn)) == NULL || BN_bin2bn(peer, len, y) == NULL ||
	    BN_copy(pm1, dh->p) == NULL || !BN_sub_word(pm1, 1))
		goto out;
	/* 1 < y < p-1: excludes 0, 1 and p-1, the values that fix the secret. */
	if (BN_cmp(y, BN_value_one()) <= 0 || BN_cmp(y, pm1) >= 0) {
		*why = "is not in the range 1 < y < p-1";
		rc = -2;
		goto out;
	}
	if (!BN_mod_exp_mont_consttime(z, y, dh->x, dh->p, bn, dh->mont))
		goto out;
	if (BN_is_one(z)) {
		*why = "gives the shared secret 1";
		rc = -2;
		goto out;
	}
	if (BN_bn2binpad(z, secret, len) == len)
		rc = 0;
out:
	BN_CTX_end(bn);
	return rc;
}

static int
ecp_derive(const struct ike_dh *dh, const uint8_t *peer, uint8_t *secret, BN_CTX *bn,
    const char **why)
{
	uint8_t enc[1 + IKE_DH_PUBLIC_MAX];
	EC_POINT *pt = NULL, *shared = NULL;
	BIGNUM *x, *y;
	int flen = (int)dh->g->len, rc = -1;

	BN_CTX_start(bn);
	if ((x = BN_CTX_get(bn)) == NULL || (y = BN_CTX_get(bn)) == NULL ||
	    (pt = EC_POINT_new(dh->ec)) == NULL || (shared = EC_POINT_new(dh->ec)) == NULL)
		goto out;
	/* oct2point refuses coordinates >= the field prime and points off the curve. */
	enc[0] = POINT_CONVERSION_UNCOMPRESSED;
	memcpy(enc + 1, peer, dh->pub_len);
	if (!EC_POINT_oct2point(dh->ec, pt, enc, 1 + dh->pub_len, bn) ||
	    EC_POINT_is_on_curve(dh->ec, pt, bn) != 1) {
		*why = "is not a point on the curve";
		rc = -2;
		goto out;
	}
	if (EC_POINT_is_at_infinity(dh->ec, pt)) {
		*why = "is the point at infinity";
		rc = -2;
		goto out;
	}
	if (!EC_POINT_mul(dh->ec, shared, NULL, pt, dh->x, bn))
		goto out;
	if (EC_POINT_is_at_infinity(dh->ec, shared)) {
		*why = "gives the point at infinity";
		rc = -2;
		goto out;
	}
	if (EC_POINT_get_affine_coordinates(dh->ec, shared, x, y, bn) &&
	    BN_bn2binpad(x, secret, flen) == flen)
		rc = 0;
out:
	EC_POINT_clear_free(shared);
	EC_POINT_free(pt);
	BN_CTX_end(bn);
	return rc;
}

int
ike_dh_derive(const struct ike_dh *dh, const uint8_t *peer, size_t plen, uint8_t *secret,
    size_t slen, struct ipp_err *e)
{
	const char *why = NULL;
	BN_CTX *bn;
	int rc;

	if (plen != dh->pub_len)
		return ipp_errf(e, IPP_E_INVAL, "DH group %u (%s): peer's public value of %zu "
		    "bytes, expected %zu", (unsigned)dh->g->id, dh->g->name, plen, dh->pub_len);
	if (slen != dh->g->len)
		return ipp_errf(e, IPP_E_INVAL, "DH group %u (%s): secret buffer of %zu bytes, "
		    "expected %zu", (unsigned)dh->g->id, dh->g->name, slen, dh->g->len);
	if ((bn = BN_CTX_secure_new()) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "DH group %u: out of memory",
		    (unsigned)dh->g->id);
	if (dh->g->kind == DH_ECP)
		rc = ecp_derive(dh, peer, secret, bn, &why);
	else
		rc = modp_derive(dh, peer, secret, bn, &why);
	/* The context's temporaries held the shared value; freeing clears them. */
	BN_CTX_free(bn);
	if (rc == 0)
		return 0;
	ike_wipe(secret, slen);
	if (rc == -2)
		return ipp_errf(e, IPP_E_INVAL, "DH group %u (%s): peer's public value %s",
		    (unsigned)dh->g->id, dh->g->name, why);
	return ipp_errf(e, IPP_E_NOMEM, "DH group %u (%s): OpenSSL failed to derive the "
	    "shared secret", (unsigned)dh->g->id, dh->g->name);
}
