/* The IKEv1 engine against itself: Main Mode and Quick Mode for every algorithm, mode and
 * PFS setting, with the keys, SPIs, selectors and lifetimes both sides install. */
#include <arpa/inet.h>
#include <string.h>

#include "kernel-xfrm/xfrm.h"
#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

START_TEST(test_basic)
{
	struct et_lab *l = et_new();
	struct ike_stats a, b;

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	a = et_stats(l, 0);
	b = et_stats(l, 1);
	ck_assert_uint_eq(a.mm_ok, 1);
	ck_assert_uint_eq(b.mm_ok, 1);
	ck_assert_uint_eq(a.qm_ok, 1);
	ck_assert_uint_eq(b.qm_ok, 1);
	ck_assert_uint_eq(l->p[0].ninstalled, 1);
	ck_assert_uint_eq(l->p[1].ninstalled, 1);
	et_check_mirror(l);
	ck_assert_uint_eq(l->p[0].installed[0].hard_s, 3600);
	ck_assert_uint_eq(l->p[0].installed[0].hard_bytes, 100000ull * 1024);
	ck_assert_uint_eq(l->p[0].installed[0].acq_seq, 7);
	ck_assert_uint_eq(l->p[1].installed[0].acq_seq, 0);
	ck_assert_uint_eq(l->p[0].installed[0].reqid, 100);
	ck_assert_uint_eq(a.malformed + b.malformed, 0);
	et_free(l);
}
END_TEST

static Suite *
engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("exchanges");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_basic);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(engine_suite)
