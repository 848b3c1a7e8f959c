/* Main mode: -1s / mmsecmethods, -1k and -p (windows-cli.md §2.3, §2.7, §4.1). */
#include <stdlib.h>

#include "cli/mmspec.h"
#include "tests/cli/cli_test.h"
#include "tests/lib/ipp_check.h"

static const struct {
	const char *text;
	const char *want;	/* canonical methods joined by ' ' */
} good[] = {
	{ "3DES-SHA-2", "3DES-SHA1-2" },
	{ "DES-SHA-1", "DES-SHA1-1" },
	{ "3des-md5-2", "3DES-MD5-2" },
	{ "3DES-SHA-2 3DES-MD5-2 DES-SHA-1 DES-MD5-1",
	  "3DES-SHA1-2 3DES-MD5-2 DES-SHA1-1 DES-MD5-1" },
	{ "3DES-SHA1-2 3DES-SHA1-3", "3DES-SHA1-2 3DES-SHA1-14" },
	{ "AES256-SHA256-19", "AES256-SHA256-19" },
	{ "AES128-SHA1-14", "AES128-SHA1-14" },
	{ "AES192-SHA384-15", "AES192-SHA384-15" },
	{ "aes256-sha512-20", "AES256-SHA512-20" },
	{ "AES256-SHA512-21", "AES256-SHA512-21" },
	{ "AES128-SHA256-3", "AES128-SHA256-14" },
	{ "\t3DES-SHA-2  AES256-SHA256-19 ", "3DES-SHA1-2 AES256-SHA256-19" },
};

START_TEST(test_methods)
{
	struct ipp_mm mm = { 0 };
	struct ipp_err e = { 0 };
	char buf[512] = "", one[64];

	ck_assert_msg(ipp_mmspec_add(&mm, good[_i].text, &e) == 0, "%s: %s", good[_i].text,
	    e.msg);
	for (size_t i = 0; i < mm.noffers; i++) {
		if (i > 0)
			strcat(buf, " ");
		strcat(buf, t_mm(&mm.offers[i], one, sizeof(one)));
	}
	ck_assert_str_eq(buf, good[_i].want);
	/* The canonical form reads back the same. */
	for (size_t i = 0; i < mm.noffers; i++) {
		struct ipp_mm_offer o;

		ck_assert_int_eq(ipp_mmspec_format_offer(&mm.offers[i], one, sizeof(one)), 0);
		ck_assert_int_eq(ipp_mmspec_offer(one, &o, &e), 0);
		ck_assert(o.cipher == mm.offers[i].cipher && o.hash == mm.offers[i].hash &&
		    o.group == mm.offers[i].group);
		ck_assert_int_eq(ipp_mmspec_format_offer(&mm.offers[i], one, 6), -1);
	}
	free(mm.offers);
}
END_TEST

START_TEST(test_all_or_nothing)
{
	struct ipp_mm mm = { 0 };
	struct ipp_err e = { 0 };

	ck_assert_int_eq(ipp_mmspec_add(&mm, "3DES-SHA-2", &e), 0);
	ck_assert_int_eq(ipp_mmspec_add(&mm, "AES256-SHA256-19 AES256-SHA256-16", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "'AES256-SHA256-16'"));
	ck_assert_uint_eq(mm.noffers, 1);
	free(mm.offers);
}
END_TEST

static const struct {
	const char *text;
	uint32_t qm, min;
} rekeys[] = {
	{ "10Q", 10, 480 }, { "28800S", 0, 480 }, { "3600s", 0, 60 }, { "5q/600S", 5, 10 },
	{ "600S/5Q", 5, 10 }, { "0Q", 0, 480 }, { "1Q/172800S", 1, 2880 }, { "300S", 0, 5 },
};

START_TEST(test_rekey)
{
	struct ipp_mm mm = { .lifetime_min = IPP_DEF_MM_LIFE_MIN };
	struct ipp_err e = { 0 };

	ck_assert_msg(ipp_mmspec_rekey(&mm, rekeys[_i].text, &e) == 0, "%s: %s",
	    rekeys[_i].text, e.msg);
	ck_assert_uint_eq(mm.qm_per_mm, rekeys[_i].qm);
	ck_assert_uint_eq(mm.lifetime_min, rekeys[_i].min);
}
END_TEST

START_TEST(test_policy)
{
	struct ipp_err e = { 0 };
	uint32_t poll;
	char *name;

	ck_assert_int_eq(ipp_mmspec_policy("MyPol", &name, &poll, &e), 0);
	ck_assert_str_eq(name, "MyPol");
	ck_assert_uint_eq(poll, 0);
	free(name);
	ck_assert_int_eq(ipp_mmspec_policy("Block UDP 1434 Filter:30", &name, &poll, &e), 0);
	ck_assert_str_eq(name, "Block UDP 1434 Filter");
	ck_assert_uint_eq(poll, 30);
	free(name);
	ck_assert_int_eq(ipp_mmspec_policy("a:b:180", &name, &poll, &e), 0);
	ck_assert_str_eq(name, "a:b");
	ck_assert_uint_eq(poll, 180);
	free(name);
	ck_assert_int_eq(ipp_mmspec_policy("Pol:abc", &name, &poll, &e), -1);
	ck_assert_ptr_null(name);
	ck_assert_ptr_nonnull(strstr(e.msg, "'abc'"));
}
END_TEST

static Suite *
mm_suite(void)
{
	Suite *s = suite_create("mmspec");
	TCase *tc = tcase_create("grammar");

	tcase_add_loop_test(tc, test_methods, 0, (int)NELEM(good));
	tcase_add_test(tc, test_all_or_nothing);
	tcase_add_loop_test(tc, test_rekey, 0, (int)NELEM(rekeys));
	tcase_add_test(tc, test_policy);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(mm_suite)
