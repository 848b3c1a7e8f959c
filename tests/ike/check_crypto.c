/*
 * IKE crypto: hashes, the HMAC PRF, CBC ciphers and the kernel algorithm table, against
 * published vectors (FIPS 180 examples, RFC 2202, RFC 4231, RFC 3602, NIST SP 800-38A,
 * FIPS 81).
 */
#include <string.h>

#include "ike/crypto.h"
#include "ike/crypto_alg.h"
#include "tests/ike/check_crypto_util.h"
#include "tests/lib/ipp_check.h"

#define IOV(p, n)	((struct iovec){ .iov_base = (void *)(p), .iov_len = (n) })

/* ---- hashes ---- */

static const struct {
	enum ipp_hash	h;
	const char	*abc;		/* h("abc") */
} abc_vectors[] = {
	{ IPP_HASH_MD5, "900150983cd24fb0d6963f7d28e17f72" },
	{ IPP_HASH_SHA1, "a9993e364706816aba3e25717850c26c9cd0d89d" },
	{ IPP_HASH_SHA256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ IPP_HASH_SHA384, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
	    "8086072ba1e7cc2358baeca134c825a7" },
	{ IPP_HASH_SHA512, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
	    "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f" },
};

START_TEST(test_hash_abc)
{
	uint8_t out[IKE_HASH_MAX], want[IKE_HASH_MAX];
	size_t n = unhex(abc_vectors[_i].abc, want, sizeof(want));
	enum ipp_hash h = abc_vectors[_i].h;
	struct iovec whole = IOV("abc", 3);
	struct iovec split[4] = { IOV("a", 1), IOV(NULL, 0), IOV("bc", 2), IOV("", 0) };
	struct ipp_err e;

	ck_assert_uint_eq(ike_hash_len(h), n);
	ck_assert_int_eq(ike_hash(h, &whole, 1, out, &e), 0);
	ck_assert_mem_eq(out, want, n);
	memset(out, 0, sizeof(out));
	ck_assert_int_eq(ike_hash(h, split, 4, out, &e), 0);
	ck_assert_mem_eq(out, want, n);
}
END_TEST

START_TEST(test_hash_refuses_none)
{
	uint8_t out[IKE_HASH_MAX];
	struct iovec v = IOV("abc", 3);
	struct ipp_err e;

	ck_assert_uint_eq(ike_hash_len(IPP_HASH_NONE), 0);
	ck_assert_uint_eq(ike_hash_len(IPP_HASH_COUNT), 0);
	ck_assert_uint_eq(ike_hash_len((enum ipp_hash)-1), 0);
	ck_assert_int_eq(ike_hash(IPP_HASH_NONE, &v, 1, out, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_int_eq(ike_prf(IPP_HASH_COUNT, "k", 1, &v, 1, out, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "prf"));
}
END_TEST

/* ---- PRF ---- */

#define K_0B20	"0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"
#define K_AA20	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define K_0125	"0102030405060708090a0b0c0d0e0f10111213141516171819"
#define D_HI	"4869205468657265"				/* "Hi There" */
#define D_JEFE	"7768617420646f2079612077616e7420666f72206e6f7468696e673f"
#define D_DD50	"dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd" \
		"dddddddddddddddddddddddddddddddd"
#define D_CD50	"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" \
		"cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"

static const struct {
	const char	*src;
	enum ipp_hash	h;
	const char	*key;		/* hex; "aa*N" below for long keys */
	size_t		aa;		/* key = 0xaa repeated aa times when non-zero */
	const char	*data;		/* hex, or text when text is set */
	bool		text;
	const char	*mac;
} prf_vectors[] = {
	{ "RFC 2202 MD5 1", IPP_HASH_MD5, "0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", 0, D_HI, false,
	    "9294727a3638bb1c13f48ef8158bfc9d" },
	{ "RFC 2202 MD5 2", IPP_HASH_MD5, "4a656665", 0, D_JEFE, false,
	    "750c783e6ab0b503eaa86e310a5db738" },
	{ "RFC 2202 SHA1 1", IPP_HASH_SHA1, K_0B20, 0, D_HI, false,
	    "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ "RFC 2202 SHA1 2", IPP_HASH_SHA1, "4a656665", 0, D_JEFE, false,
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ "RFC 2202 SHA1 3", IPP_HASH_SHA1, K_AA20, 0, D_DD50, false,
	    "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
	{ "RFC 2202 SHA1 6", IPP_HASH_SHA1, NULL, 80,
	    "Test Using Larger Than Block-Size Key - Hash Key First", true,
	    "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ "RFC 2202 SHA1 7", IPP_HASH_SHA1, NULL, 80,
	    "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data", true,
	    "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
	{ "RFC 4231 1 SHA256", IPP_HASH_SHA256, K_0B20, 0, D_HI, false,
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ "RFC 4231 1 SHA384", IPP_HASH_SHA384, K_0B20, 0, D_HI, false,
	    "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
	    "faea9ea9076ede7f4af152e8b2fa9cb6" },
	{ "RFC 4231 1 SHA512", IPP_HASH_SHA512, K_0B20, 0, D_HI, false,
	    "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
	    "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854" },
	{ "RFC 4231 2 SHA256", IPP_HASH_SHA256, "4a656665", 0, D_JEFE, false,
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ "RFC 4231 2 SHA384", IPP_HASH_SHA384, "4a656665", 0, D_JEFE, false,
	    "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	    "8e2240ca5e69e2c78b3239ecfab21649" },
	{ "RFC 4231 2 SHA512", IPP_HASH_SHA512, "4a656665", 0, D_JEFE, false,
	    "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	    "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ "RFC 4231 3 SHA256", IPP_HASH_SHA256, K_AA20, 0, D_DD50, false,
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ "RFC 4231 3 SHA384", IPP_HASH_SHA384, K_AA20, 0, D_DD50, false,
	    "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
	    "2a5ab39dc13814b94e3ab6e101a34f27" },
	{ "RFC 4231 4 SHA256", IPP_HASH_SHA256, K_0125, 0, D_CD50, false,
	    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ "RFC 4231 4 SHA384", IPP_HASH_SHA384, K_0125, 0, D_CD50, false,
	    "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
	    "6801dd23c4a7d679ccf8a386c674cffb" },
	{ "RFC 4231 4 SHA512", IPP_HASH_SHA512, K_0125, 0, D_CD50, false,
	    "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
	    "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd" },
	{ "RFC 4231 6 SHA256", IPP_HASH_SHA256, NULL, 131,
	    "Test Using Larger Than Block-Size Key - Hash Key First", true,
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ "RFC 4231 6 SHA384", IPP_HASH_SHA384, NULL, 131,
	    "Test Using Larger Than Block-Size Key - Hash Key First", true,
	    "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
	    "0c2ef6ab4030fe8296248df163f44952" },
	{ "RFC 4231 7 SHA384", IPP_HASH_SHA384, NULL, 131,
	    "This is a test using a larger than block-size key and a larger than block-size "
	    "data. The key needs to be hashed before being used by the HMAC algorithm.", true,
	    "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
	    "a678cc31e799176d3860e6110c46523e" },
	{ "RFC 4231 7 SHA512", IPP_HASH_SHA512, NULL, 131,
	    "This is a test using a larger than block-size key and a larger than block-size "
	    "data. The key needs to be hashed before being used by the HMAC algorithm.", true,
	    "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
	    "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58" },
};

START_TEST(test_prf_vectors)
{
	uint8_t key[256], data[256], want[IKE_HASH_MAX], out[IKE_HASH_MAX];
	size_t klen, dlen, wlen;
	struct iovec v[3];
	struct ipp_err e;

	if (prf_vectors[_i].aa > 0) {
		klen = prf_vectors[_i].aa;
		memset(key, 0xaa, klen);
	} else {
		klen = unhex(prf_vectors[_i].key, key, sizeof(key));
	}
	if (prf_vectors[_i].text) {
		dlen = strlen(prf_vectors[_i].data);
		memcpy(data, prf_vectors[_i].data, dlen);
	} else {
		dlen = unhex(prf_vectors[_i].data, data, sizeof(data));
	}
	wlen = unhex(prf_vectors[_i].mac, want, sizeof(want));
	ck_assert_uint_eq(wlen, ike_hash_len(prf_vectors[_i].h));
	/* The data in three pieces: the iovec form must equal one concatenation. */
	v[0] = IOV(data, 1);
	v[1] = IOV(data + 1, dlen / 2 - 1);
	v[2] = IOV(data + dlen / 2, dlen - dlen / 2);
	ck_assert_msg(ike_prf(prf_vectors[_i].h, key, klen, v, 3, out, &e) == 0, "%s: %s",
	    prf_vectors[_i].src, e.msg);
	ck_assert_msg(memcmp(out, want, wlen) == 0, "%s: wrong MAC", prf_vectors[_i].src);
}
END_TEST

START_TEST(test_prf_in_place_and_empty_key)
{
	uint8_t k[IKE_HASH_MAX], ref[IKE_HASH_MAX], a[IKE_HASH_MAX];
	struct iovec v;
	struct ipp_err e;

	/* Kn = prf(K, Kn-1) with the output over the input, and over the key. */
	memset(k, 0x5c, sizeof(k));
	v = IOV(k, 32);
	ck_assert_int_eq(ike_prf(IPP_HASH_SHA256, "key", 3, &v, 1, ref, &e), 0);
	ck_assert_int_eq(ike_prf(IPP_HASH_SHA256, "key", 3, &v, 1, k, &e), 0);
	ck_assert_mem_eq(k, ref, 32);
	memcpy(a, "key", 3);
	v = IOV("data", 4);
	ck_assert_int_eq(ike_prf(IPP_HASH_SHA256, a, 3, &v, 1, ref, &e), 0);
	ck_assert_int_eq(ike_prf(IPP_HASH_SHA256, a, 3, &v, 1, a, &e), 0);
	ck_assert_mem_eq(a, ref, 32);
	/* An empty key is HMAC's key of 64 zero bytes (RFC 2104 pads keys with zeros). */
	memset(k, 0, 64);
	ck_assert_int_eq(ike_prf(IPP_HASH_SHA256, NULL, 0, &v, 1, a, &e), 0);
	ck_assert_int_eq(ike_prf(IPP_HASH_SHA256, k, 64, &v, 1, ref, &e), 0);
	ck_assert_mem_eq(a, ref, 32);
}
END_TEST

/* ---- random, comparison ---- */

START_TEST(test_random)
{
	uint8_t a[32], b[32], zero[32] = { 0 };
	struct ipp_err e;

	memset(a, 0, sizeof(a));
	memset(b, 0, sizeof(b));
	ck_assert_int_eq(ike_random(a, sizeof(a), &e), 0);
	ck_assert_int_eq(ike_random(b, sizeof(b), &e), 0);
	ck_assert(memcmp(a, b, sizeof(a)) != 0);
	ck_assert(memcmp(a, zero, sizeof(a)) != 0);
	ck_assert_int_eq(ike_random(NULL, 0, &e), 0);
}
END_TEST

START_TEST(test_equal_and_wipe)
{
	uint8_t a[20], b[20];

	memset(a, 7, sizeof(a));
	memcpy(b, a, sizeof(b));
	ck_assert(ike_equal(a, b, sizeof(a)));
	b[19] ^= 1;
	ck_assert(!ike_equal(a, b, sizeof(a)));
	ike_wipe(a, sizeof(a));
	memset(b, 0, sizeof(b));
	ck_assert_mem_eq(a, b, sizeof(a));
	ike_wipe(NULL, 0);
}
END_TEST

/* ---- CBC ---- */

static const struct {
	const char	*src;
	enum ipp_cipher	c;
	const char	*key, *iv, *pt, *ct;
	bool		text;		/* pt is text */
} cbc_vectors[] = {
	{ "RFC 3602 case 1", IPP_CIPHER_AES128, "06a9214036b8a15b512e03d534120006",
	    "3dafba429d9eb430b422da802c9fac41", "Single block msg",
	    "e353779c1079aeb82708942dbe77181a", true },
	{ "RFC 3602 case 2", IPP_CIPHER_AES128, "c286696d887c9aa0611bbb3e2025a45a",
	    "562e17996d093d28ddb3ba695a2e6f58",
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	    "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1", false },
	{ "RFC 3602 case 3", IPP_CIPHER_AES128, "6c3ea0477630ce21a2ce334aa746c2cd",
	    "c782dc4c098c66cbd9cd27d825682c81",
	    "This is a 48-byte message (exactly 3 AES blocks)",
	    "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
	    "021c19216bad525c8579695d83ba2684", true },
	{ "SP 800-38A F.2.3 CBC-AES192", IPP_CIPHER_AES192,
	    "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
	    "000102030405060708090a0b0c0d0e0f",
	    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	    "4f021db243bc633d7178183a9fa071e8b4d9ada9ad7dedf4e5e738763f69145a"
	    "571b242012fb7ae07fa9baac3df102e008b0e27988598881d920a9e64f5615cd", false },
	{ "SP 800-38A F.2.5 CBC-AES256", IPP_CIPHER_AES256,
	    "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	    "000102030405060708090a0b0c0d0e0f",
	    "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51"
	    "30c81c46a35ce411e5fbc1191a0a52eff69f2445df4f9b17ad2b417be66c3710",
	    "f58c4c04d6e5f1ba779eabfb5f7bfbd69cfc4e967edb808d679f777bc6702c7d"
	    "39f23369a9d9bacfa530e26304231461b2eb05e2c39be9fcda6c19078c6a9d1b", false },
	{ "FIPS 81 appendix C DES-CBC", IPP_CIPHER_DES, "0123456789abcdef", "1234567890abcdef",
	    "Now is the time for all ", "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6",
	    true },
	/* 3DES with K1 = K2 = K3 is single DES (EDE collapses): FIPS 81's vector again. */
	{ "3DES with three equal keys = FIPS 81", IPP_CIPHER_3DES,
	    "0123456789abcdef0123456789abcdef0123456789abcdef", "1234567890abcdef",
	    "Now is the time for all ", "e5c7cdde872bf27c43e934008c389c0f683788499a7c05f6",
	    true },
};

START_TEST(test_cbc_vectors)
{
	uint8_t key[32], iv[16], pt[64], ct[64], out[64], next[16];
	size_t klen, ivlen, len, clen;
	struct ipp_err e;
	enum ipp_cipher c = cbc_vectors[_i].c;
	const char *src = cbc_vectors[_i].src;

	klen = unhex(cbc_vectors[_i].key, key, sizeof(key));
	ivlen = unhex(cbc_vectors[_i].iv, iv, sizeof(iv));
	if (cbc_vectors[_i].text) {
		len = strlen(cbc_vectors[_i].pt);
		memcpy(pt, cbc_vectors[_i].pt, len);
	} else {
		len = unhex(cbc_vectors[_i].pt, pt, sizeof(pt));
	}
	clen = unhex(cbc_vectors[_i].ct, ct, sizeof(ct));
	ck_assert_uint_eq(len, clen);
	ck_assert_uint_eq(klen, ike_cipher_key_len(c));
	ck_assert_uint_eq(ivlen, ike_cipher_block_len(c));

	ck_assert_msg(ike_cbc_encrypt(c, key, klen, iv, pt, out, len, next, &e) == 0, "%s: %s",
	    src, e.msg);
	ck_assert_msg(memcmp(out, ct, len) == 0, "%s: wrong ciphertext", src);
	ck_assert_mem_eq(next, ct + len - ivlen, ivlen);
	/* Decryption in place; the next IV is still the last ciphertext block. */
	memset(next, 0, sizeof(next));
	ck_assert_int_eq(ike_cbc_decrypt(c, key, klen, iv, out, out, len, next, &e), 0);
	ck_assert_msg(memcmp(out, pt, len) == 0, "%s: wrong plaintext", src);
	ck_assert_mem_eq(next, ct + len - ivlen, ivlen);
}
END_TEST

START_TEST(test_cbc_chain)
{
	/* Two calls chained through iv_next equal one call over the whole (IKEv1's chain). */
	uint8_t key[16], iv[16], pt[64], one[64], two[64];
	struct ipp_err e;

	memset(key, 0x11, sizeof(key));
	memset(iv, 0x22, sizeof(iv));
	for (size_t i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)i;
	ck_assert_int_eq(ike_cbc_encrypt(IPP_CIPHER_AES128, key, 16, iv, pt, one, 64, NULL,
	    &e), 0);
	ck_assert_int_eq(ike_cbc_encrypt(IPP_CIPHER_AES128, key, 16, iv, pt, two, 32, iv,
	    &e), 0);
	ck_assert_int_eq(ike_cbc_encrypt(IPP_CIPHER_AES128, key, 16, iv, pt + 32, two + 32,
	    32, NULL, &e), 0);
	ck_assert_mem_eq(one, two, 64);
	/* len 0: nothing to do, the IV carries over. */
	ck_assert_int_eq(ike_cbc_encrypt(IPP_CIPHER_AES128, key, 16, pt, NULL, NULL, 0, iv,
	    &e), 0);
	ck_assert_mem_eq(iv, pt, 16);
}
END_TEST

START_TEST(test_cbc_refusals)
{
	uint8_t key[32] = { 0 }, iv[16] = { 0 }, buf[48] = { 0 }, out[48], copy[48];
	struct ipp_err e;

	memset(out, 0xee, sizeof(out));
	memcpy(copy, out, sizeof(out));
	/* Not a block multiple. */
	ck_assert_int_eq(ike_cbc_encrypt(IPP_CIPHER_AES128, key, 16, iv, buf, out, 17, NULL,
	    &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_ptr_nonnull(strstr(e.msg, "17 bytes is not a multiple of the 16-byte block"));
	ck_assert_int_eq(ike_cbc_decrypt(IPP_CIPHER_3DES, key, 24, iv, buf, out, 12, NULL,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "8-byte block"));
	/* Wrong key length. */
	ck_assert_int_eq(ike_cbc_encrypt(IPP_CIPHER_AES256, key, 16, iv, buf, out, 16, NULL,
	    &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "key of 16 bytes, expected 32"));
	/* ESP-only ciphers and no cipher at all. */
	ck_assert_int_eq(ike_cbc_encrypt(IPP_CIPHER_AES128GCM16, key, 16, iv, buf, out, 16,
	    NULL, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_INVAL);
	ck_assert_int_eq(ike_cbc_decrypt(IPP_CIPHER_NONE, key, 0, iv, buf, out, 16, NULL,
	    &e), -1);
	ck_assert_int_eq(ike_cbc_decrypt(IPP_CIPHER_COUNT, key, 16, iv, buf, out, 16, NULL,
	    &e), -1);
	ck_assert_uint_eq(ike_cipher_key_len(IPP_CIPHER_AES256GCM16), 0);
	ck_assert_uint_eq(ike_cipher_block_len(IPP_CIPHER_NONE), 0);
	/* Refused before any work: out untouched. */
	ck_assert_mem_eq(out, copy, sizeof(out));
}
END_TEST

/* ---- the kernel table ---- */

START_TEST(test_kernel_algs)
{
	const struct ike_kernel_alg *a;

	a = ike_alg_esp_enc(IPP_CIPHER_AES256);
	ck_assert_str_eq(a->name, "cbc(aes)");
	ck_assert_uint_eq(a->key_len, 32);
	ck_assert(!a->aead);
	a = ike_alg_esp_enc(IPP_CIPHER_3DES);
	ck_assert_str_eq(a->name, "cbc(des3_ede)");
	ck_assert_uint_eq(a->key_len, 24);
	a = ike_alg_esp_enc(IPP_CIPHER_AES128GCM16);
	ck_assert_str_eq(a->name, "rfc4106(gcm(aes))");
	ck_assert_uint_eq(a->key_len, 20);
	ck_assert_uint_eq(a->icv_bits, 128);
	ck_assert(a->aead);
	ck_assert_uint_eq(ike_alg_esp_enc(IPP_CIPHER_AES256GCM16)->key_len, 36);
	a = ike_alg_esp_enc(IPP_CIPHER_NONE);
	ck_assert_str_eq(a->name, "ecb(cipher_null)");
	ck_assert_uint_eq(a->key_len, 0);
	ck_assert_ptr_null(ike_alg_esp_enc(IPP_CIPHER_COUNT));

	ck_assert_ptr_null(ike_alg_integ(IPP_HASH_NONE));
	ck_assert_str_eq(ike_alg_integ(IPP_HASH_SHA1)->name, "hmac(sha1)");
	ck_assert_uint_eq(ike_alg_integ(IPP_HASH_SHA1)->icv_bits, 96);
	ck_assert_uint_eq(ike_alg_integ(IPP_HASH_MD5)->icv_bits, 96);
	ck_assert_uint_eq(ike_alg_integ(IPP_HASH_SHA256)->icv_bits, 128);
	ck_assert_uint_eq(ike_alg_integ(IPP_HASH_SHA384)->icv_bits, 192);
	ck_assert_str_eq(ike_alg_integ(IPP_HASH_SHA512)->name, "hmac(sha512)");
	ck_assert_uint_eq(ike_alg_integ(IPP_HASH_SHA512)->icv_bits, 256);
	/* HMAC keys in IPsec are the hash's output length (RFC 2404, 4868). */
	for (int h = IPP_HASH_MD5; h < IPP_HASH_COUNT; h++)
		ck_assert_uint_eq(ike_alg_integ(h)->key_len, ike_hash_len(h));
	/* Every CBC cipher's ESP key is its IKE key. */
	for (int c = IPP_CIPHER_DES; c <= IPP_CIPHER_AES256; c++)
		ck_assert_uint_eq(ike_alg_esp_enc(c)->key_len, ike_cipher_key_len(c));
}
END_TEST

START_TEST(test_keymat_lengths)
{
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_AES128, IPP_HASH_SHA1), 16 + 20);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_AES256, IPP_HASH_SHA512), 32 + 64);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_3DES, IPP_HASH_SHA256), 24 + 32);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_AES128GCM16, IPP_HASH_NONE), 20);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_AES256GCM16, IPP_HASH_NONE), 36);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_NONE, IPP_HASH_SHA1), 20);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_3DES, IPP_HASH_NONE), 24);
	/* Refused combinations. */
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_NONE, IPP_HASH_NONE), 0);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_AES128GCM16, IPP_HASH_SHA1), 0);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_COUNT, IPP_HASH_SHA1), 0);
	ck_assert_uint_eq(ike_alg_esp_keymat_len(IPP_CIPHER_AES128, IPP_HASH_COUNT), 0);
	ck_assert_uint_eq(ike_alg_ah_keymat_len(IPP_HASH_SHA384), 48);
	ck_assert_uint_eq(ike_alg_ah_keymat_len(IPP_HASH_NONE), 0);
}
END_TEST

#define N(a)	((int)(sizeof(a) / sizeof((a)[0])))

static Suite *
crypto_suite(void)
{
	Suite *s = suite_create("ike_crypto");
	TCase *tc = tcase_create("primitives");

	tcase_add_loop_test(tc, test_hash_abc, 0, N(abc_vectors));
	tcase_add_test(tc, test_hash_refuses_none);
	tcase_add_loop_test(tc, test_prf_vectors, 0, N(prf_vectors));
	tcase_add_test(tc, test_prf_in_place_and_empty_key);
	tcase_add_test(tc, test_random);
	tcase_add_test(tc, test_equal_and_wipe);
	tcase_add_loop_test(tc, test_cbc_vectors, 0, N(cbc_vectors));
	tcase_add_test(tc, test_cbc_chain);
	tcase_add_test(tc, test_cbc_refusals);
	tcase_add_test(tc, test_kernel_algs);
	tcase_add_test(tc, test_keymat_lengths);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(crypto_suite)
