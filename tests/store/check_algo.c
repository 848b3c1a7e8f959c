/* Algorithm names: Windows spellings, the modern set and the legacy marks. */
#include "store/model.h"
#include "tests/lib/ipp_check.h"

START_TEST(test_windows_spellings)
{
	ck_assert_int_eq(ipp_hash_from_name("SHA"), IPP_HASH_SHA1);
	ck_assert_int_eq(ipp_hash_from_name("sha1"), IPP_HASH_SHA1);
	ck_assert_int_eq(ipp_hash_from_name("Md5"), IPP_HASH_MD5);
	ck_assert_int_eq(ipp_cipher_from_name("3des"), IPP_CIPHER_3DES);
	ck_assert_int_eq(ipp_cipher_from_name("None"), IPP_CIPHER_NONE);
	ck_assert_int_eq(ipp_cipher_from_name("AES256GCM16"), IPP_CIPHER_AES256GCM16);
	ck_assert_int_eq(ipp_cipher_from_name("BLOWFISH"), -1);
	ck_assert_int_eq(ipp_hash_from_name(""), -1);
}
END_TEST

START_TEST(test_round_trip_names)
{
	for (int c = 0; c < IPP_CIPHER_COUNT; c++)
		ck_assert_int_eq(ipp_cipher_from_name(ipp_cipher_name(c)), c);
	for (int h = 0; h < IPP_HASH_COUNT; h++)
		ck_assert_int_eq(ipp_hash_from_name(ipp_hash_name(h)), h);
}
END_TEST

START_TEST(test_legacy_marks)
{
	ck_assert(ipp_cipher_is_legacy(IPP_CIPHER_DES));
	ck_assert(!ipp_cipher_is_legacy(IPP_CIPHER_3DES));
	ck_assert(ipp_hash_is_legacy(IPP_HASH_MD5));
	ck_assert(!ipp_hash_is_legacy(IPP_HASH_SHA1));
	ck_assert(ipp_group_is_legacy(1) && ipp_group_is_legacy(2));
	ck_assert(!ipp_group_is_legacy(14) && ipp_group_is_known(14));
	ck_assert(!ipp_group_is_known(3));	/* Windows' "3" is translated to 14 by parsers */
	ck_assert(ipp_group_is_known(21) && !ipp_group_is_known(22));
	ck_assert(ipp_cipher_is_aead(IPP_CIPHER_AES128GCM16));
	ck_assert(!ipp_cipher_is_aead(IPP_CIPHER_AES128));
}
END_TEST

static Suite *
algo_suite(void)
{
	Suite *s = suite_create("algo");
	TCase *tc = tcase_create("names");

	tcase_add_test(tc, test_windows_spellings);
	tcase_add_test(tc, test_round_trip_names);
	tcase_add_test(tc, test_legacy_marks);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(algo_suite)
