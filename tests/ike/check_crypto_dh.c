/*
 * IKE Diffie-Hellman: RFC 5903 section 8's ECP vectors, MODP answers derived by reasoning
 * (Fermat), both sides agreeing on every group, and the refusal of bad peer values.
 */
#include <string.h>

#include <openssl/bn.h>

#include "ike/crypto.h"
#include "tests/ike/check_crypto_util.h"
#include "tests/lib/ipp_check.h"

static const ipp_dhgroup all_groups[] = { 1, 2, 5, 14, 15, 16, 19, 20, 21 };
static const ipp_dhgroup modp_groups[] = { 1, 2, 5, 14, 15, 16 };

/* RFC 5903 section 8: i, g^i, r, g^r, and g^ir's x (the IKE shared secret). */
static const struct {
	ipp_dhgroup	group;
	const char	*i, *gix, *giy, *r, *grx, *gry, *girx;
} ecp_vectors[] = {
	{ 19,
	    "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
	    "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180",
	    "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
	    "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
	    "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63",
	    "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
	    "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
	{ 20,
	    "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
	    "e35b538041e649ee3faef896783ab194",
	    "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
	    "de3ac808acb4bdb4c88732aee95f41aa",
	    "9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38e"
	    "eb9fcff3c2c947dae69b4c634573a81c",
	    "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
	    "e0308312916b8ed2960e4bd55a7448fc",
	    "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"
	    "0d1ac43a0336def96fda41d0774a3571",
	    "dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1ff"
	    "f83fa40142209dff5eaad96db9e6386c",
	    "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
	    "d603135569b9e9d09cf5d4a270f59746" },
	{ 21,
	    "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a0"
	    "95aa85a30fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d4a52",
	    "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbe"
	    "e1e3bf42e00b8e380aeae57c2d107564941885942af5a7f4601723c4195d176ced3e",
	    "017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10a"
	    "d8a788015ac405d7799dc75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3926f9582",
	    "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e"
	    "9c677d600b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb151685eb9",
	    "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a21"
	    "9b97c356436adc6e95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9460f",
	    "015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87"
	    "220b6536c5c408a1d2aebb8e86d678ae49cb57091f4732296579ab44fcd17f0fc56a",
	    "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04"
	    "d1427e73ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3ddea" },
};

/* x | y of a vector into out; returns its length. */
static size_t
point(const char *x, const char *y, uint8_t *out, size_t max)
{
	size_t n = unhex(x, out, max);

	return n + unhex(y, out + n, max - n);
}

START_TEST(test_ecp_rfc5903)
{
	uint8_t priv[80], gi[160], gr[160], girx[80], s[IKE_DH_SECRET_MAX];
	size_t plen, gilen, grlen, slen;
	struct ike_dh *a, *b;
	struct ipp_err e;
	ipp_dhgroup g = ecp_vectors[_i].group;

	gilen = point(ecp_vectors[_i].gix, ecp_vectors[_i].giy, gi, sizeof(gi));
	grlen = point(ecp_vectors[_i].grx, ecp_vectors[_i].gry, gr, sizeof(gr));
	slen = unhex(ecp_vectors[_i].girx, girx, sizeof(girx));
	ck_assert_uint_eq(ike_dh_public_len(g), gilen);
	ck_assert_uint_eq(ike_dh_secret_len(g), slen);

	plen = unhex(ecp_vectors[_i].i, priv, sizeof(priv));
	a = ike_dh_new_private(g, priv, plen, &e);
	ck_assert_msg(a != NULL, "%s", e.msg);
	plen = unhex(ecp_vectors[_i].r, priv, sizeof(priv));
	b = ike_dh_new_private(g, priv, plen, &e);
	ck_assert_msg(b != NULL, "%s", e.msg);
	ck_assert_uint_eq(ike_dh_group(a), g);
	ck_assert_mem_eq(ike_dh_public(a), gi, gilen);
	ck_assert_mem_eq(ike_dh_public(b), gr, grlen);

	ck_assert_int_eq(ike_dh_derive(a, gr, grlen, s, slen, &e), 0);
	ck_assert_mem_eq(s, girx, slen);
	memset(s, 0, sizeof(s));
	ck_assert_int_eq(ike_dh_derive(b, gi, gilen, s, slen, &e), 0);
	ck_assert_mem_eq(s, girx, slen);
	ike_dh_free(a);
	ike_dh_free(b);
}
END_TEST

/* The group's prime, from OpenSSL's RFC 2409/3526 constants (independent of crypto_dh.c's
 * table only in that the test names them again). */
static BIGNUM *
prime(ipp_dhgroup g)
{
	switch (g) {
	case 1: return BN_get_rfc2409_prime_768(NULL);
	case 2: return BN_get_rfc2409_prime_1024(NULL);
	case 5: return BN_get_rfc3526_prime_1536(NULL);
	case 14: return BN_get_rfc3526_prime_2048(NULL);
	case 15: return BN_get_rfc3526_prime_3072(NULL);
	case 16: return BN_get_rfc3526_prime_4096(NULL);
	}
	ck_abort_msg("no prime for group %u", (unsigned)g);
	return NULL;
}

static void
bn_bytes(const BIGNUM *n, uint8_t *out, size_t len)
{
	ck_assert_int_eq(BN_bn2binpad(n, out, (int)len), (int)len);
}

START_TEST(test_modp_known_answers)
{
	ipp_dhgroup g = modp_groups[_i];
	size_t len = ike_dh_public_len(g);
	uint8_t priv[IKE_DH_PUBLIC_MAX], want[IKE_DH_PUBLIC_MAX], peer[IKE_DH_PUBLIC_MAX];
	uint8_t s[IKE_DH_SECRET_MAX];
	BIGNUM *p = prime(g), *t = BN_new();
	BN_CTX *bn = BN_CTX_new();
	struct ike_dh *dh;
	struct ipp_err e;

	ck_assert_uint_eq(len, (size_t)BN_num_bytes(p));
	ck_assert_uint_eq(ike_dh_secret_len(g), len);

	/* x = 256: g^x = 2^256, a 1 followed by 32 zero bytes, left-padded. */
	priv[0] = 1;
	priv[1] = 0;
	dh = ike_dh_new_private(g, priv, 2, &e);
	ck_assert_msg(dh != NULL, "%s", e.msg);
	memset(want, 0, len);
	want[len - 33] = 1;
	ck_assert_mem_eq(ike_dh_public(dh), want, len);
	ike_dh_free(dh);

	/* x = p-2: 2^(p-1) = 1 mod p (Fermat), so g^x = 2^-1 = (p+1)/2. */
	ck_assert(BN_copy(t, p) && BN_sub_word(t, 2));
	bn_bytes(t, priv, len);
	dh = ike_dh_new_private(g, priv, len, &e);
	ck_assert_msg(dh != NULL, "%s", e.msg);
	ck_assert(BN_copy(t, p) && BN_add_word(t, 1) && BN_rshift1(t, t));
	bn_bytes(t, want, len);
	ck_assert_mem_eq(ike_dh_public(dh), want, len);
	/* And with the peer's y = 4: y^x = 4^(p-2) = 4^-1 mod p. */
	memset(peer, 0, len);
	peer[len - 1] = 4;
	ck_assert_int_eq(ike_dh_derive(dh, peer, len, s, len, &e), 0);
	ck_assert(BN_set_word(t, 4) && BN_mod_inverse(t, t, p, bn));
	bn_bytes(t, want, len);
	ck_assert_mem_eq(s, want, len);
	ike_dh_free(dh);
	BN_free(t);
	BN_free(p);
	BN_CTX_free(bn);
}
END_TEST

START_TEST(test_both_sides_agree)
{
	ipp_dhgroup g = all_groups[_i];
	size_t plen = ike_dh_public_len(g), slen = ike_dh_secret_len(g);
	uint8_t sa[IKE_DH_SECRET_MAX], sb[IKE_DH_SECRET_MAX];
	struct ike_dh *a, *b;
	struct ipp_err e;

	ck_assert_uint_gt(plen, 0);
	a = ike_dh_new(g, &e);
	ck_assert_msg(a != NULL, "%s", e.msg);
	b = ike_dh_new(g, &e);
	ck_assert_msg(b != NULL, "%s", e.msg);
	ck_assert(memcmp(ike_dh_public(a), ike_dh_public(b), plen) != 0);
	ck_assert_int_eq(ike_dh_derive(a, ike_dh_public(b), plen, sa, slen, &e), 0);
	ck_assert_int_eq(ike_dh_derive(b, ike_dh_public(a), plen, sb, slen, &e), 0);
	ck_assert_mem_eq(sa, sb, slen);
	ike_dh_free(a);
	ike_dh_free(b);
}
END_TEST

static void
expect_refused(const struct ike_dh *dh, const uint8_t *peer, size_t len, const char *why)
{
	uint8_t s[IKE_DH_SECRET_MAX];
	size_t slen = ike_dh_secret_len(ike_dh_group(dh));
	struct ipp_err e;

	memset(s, 0xa5, sizeof(s));
	ck_assert_int_eq(ike_dh_derive(dh, peer, len, s, slen, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_msg(strstr(e.msg, why) != NULL, "'%s' lacks '%s'", e.msg, why);
	for (size_t i = 0; i < slen; i++)
		ck_assert_uint_eq(s[i], 0);
}

START_TEST(test_modp_bad_peer)
{
	ipp_dhgroup g = modp_groups[_i];
	size_t len = ike_dh_public_len(g);
	uint8_t y[IKE_DH_PUBLIC_MAX + 1];
	BIGNUM *p = prime(g), *t = BN_new();
	struct ike_dh *dh;
	struct ipp_err e;
	const char *range = "is not in the range 1 < y < p-1";

	dh = ike_dh_new(g, &e);
	ck_assert_ptr_nonnull(dh);
	memset(y, 0, sizeof(y));
	expect_refused(dh, y, len, range);		/* 0 */
	y[len - 1] = 1;
	expect_refused(dh, y, len, range);		/* 1 */
	ck_assert(BN_copy(t, p) && BN_sub_word(t, 1));
	bn_bytes(t, y, len);
	expect_refused(dh, y, len, range);		/* p-1 */
	bn_bytes(p, y, len);
	expect_refused(dh, y, len, range);		/* p */
	memset(y, 0xff, len);
	expect_refused(dh, y, len, range);		/* 2^n - 1 > p */
	y[len - 1] = 2;
	expect_refused(dh, y, len - 1, "expected");	/* short */
	expect_refused(dh, y, len + 1, "expected");	/* long */
	/* 2 and p-2 are in range and accepted. */
	memset(y, 0, len);
	y[len - 1] = 2;
	{
		uint8_t s[IKE_DH_SECRET_MAX];

		ck_assert_int_eq(ike_dh_derive(dh, y, len, s, len, &e), 0);
		ck_assert_int_eq(ike_dh_derive(dh, y, len, s, len - 1, &e), -1);
		ck_assert_ptr_nonnull(strstr(e.msg, "secret buffer"));
	}
	ike_dh_free(dh);
	BN_free(t);
	BN_free(p);
}
END_TEST

START_TEST(test_ecp_bad_peer)
{
	ipp_dhgroup g = ecp_vectors[_i].group;
	size_t len = ike_dh_public_len(g), f = len / 2;
	uint8_t pt[IKE_DH_PUBLIC_MAX + 1];
	struct ike_dh *dh;
	struct ipp_err e;
	const char *off = "is not a point on the curve";

	dh = ike_dh_new(g, &e);
	ck_assert_ptr_nonnull(dh);
	/* The RFC's g^r with y changed by one bit is off the curve. */
	point(ecp_vectors[_i].grx, ecp_vectors[_i].gry, pt, sizeof(pt));
	pt[len - 1] ^= 1;
	expect_refused(dh, pt, len, off);
	/* (0, 0): how some encode infinity; not on these curves. */
	memset(pt, 0, len);
	expect_refused(dh, pt, len, off);
	/* Coordinates at or above the field prime (all ones). */
	memset(pt, 0xff, len);
	expect_refused(dh, pt, len, off);
	/* x of a valid point with y replaced by y + p would need y >= p: refused as well. */
	point(ecp_vectors[_i].grx, ecp_vectors[_i].gry, pt, sizeof(pt));
	memset(pt + f, 0xff, f);
	expect_refused(dh, pt, len, off);
	/* Wrong lengths, including the 0x04-prefixed SEC1 form. */
	pt[0] = 0x04;
	point(ecp_vectors[_i].grx, ecp_vectors[_i].gry, pt + 1, sizeof(pt) - 1);
	expect_refused(dh, pt, len + 1, "expected");
	expect_refused(dh, pt + 1, len - 1, "expected");
	ike_dh_free(dh);
}
END_TEST

START_TEST(test_private_range_and_groups)
{
	uint8_t x[IKE_DH_PUBLIC_MAX];
	struct ipp_err e;
	BIGNUM *p = prime(14), *o = BN_new();
	BN_CTX *bn = BN_CTX_new();

	/* Unknown groups, including Windows' "3" (parsers map it to 14). */
	ck_assert_uint_eq(ike_dh_public_len(3), 0);
	ck_assert_uint_eq(ike_dh_secret_len(0), 0);
	ck_assert_ptr_null(ike_dh_new(3, &e));
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "DH group 3: unknown"));
	ck_assert_ptr_null(ike_dh_new(22, &e));
	/* MODP: x in [2, p-2]. */
	x[0] = 0;
	ck_assert_ptr_null(ike_dh_new_private(14, x, 1, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "out of range"));
	x[0] = 1;
	ck_assert_ptr_null(ike_dh_new_private(14, x, 1, &e));
	ck_assert(BN_sub_word(p, 1));
	bn_bytes(p, x, 256);
	ck_assert_ptr_null(ike_dh_new_private(14, x, 256, &e));
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	/* ECP: x in [1, order-1]; the order of P-256 itself is refused. */
	ck_assert(BN_hex2bn(&o,
	    "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551"));
	bn_bytes(o, x, 32);
	ck_assert_ptr_null(ike_dh_new_private(19, x, 32, &e));
	ck_assert(BN_sub_word(o, 1));
	bn_bytes(o, x, 32);
	{
		struct ike_dh *dh = ike_dh_new_private(19, x, 32, &e);

		/* order-1 = -1: the public value is -G, G's x with y negated. */
		ck_assert_ptr_nonnull(dh);
		ck_assert_mem_eq(ike_dh_public(dh), hexbuf(
		    "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
		    &(size_t){ 0 }), 32);
		ike_dh_free(dh);
	}
	memset(x, 0, 32);
	ck_assert_ptr_null(ike_dh_new_private(19, x, 32, &e));
	ike_dh_free(NULL);
	BN_free(p);
	BN_free(o);
	BN_CTX_free(bn);
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
dh_suite(void)
{
	Suite *s = suite_create("ike_dh");
	TCase *tc = tcase_create("dh");

	tcase_add_loop_test(tc, test_ecp_rfc5903, 0, N(ecp_vectors));
	tcase_add_loop_test(tc, test_modp_known_answers, 0, N(modp_groups));
	tcase_add_loop_test(tc, test_both_sides_agree, 0, N(all_groups));
	tcase_add_loop_test(tc, test_modp_bad_peer, 0, N(modp_groups));
	tcase_add_loop_test(tc, test_ecp_bad_peer, 0, N(ecp_vectors));
	tcase_add_test(tc, test_private_range_and_groups);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(dh_suite)
