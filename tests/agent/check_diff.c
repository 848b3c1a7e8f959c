/* The apply diff. */
#include "agent/diff.h"
#include "tests/agent/check_compile_util.h"
#include "tests/lib/ipp_check.h"

START_TEST(test_placeholder)
{
	ck_assert(1);
}
END_TEST

static Suite *
diff_suite(void)
{
	Suite *s = suite_create("diff");
	TCase *tc = tcase_create("diff");

	tcase_add_test(tc, test_placeholder);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(diff_suite)
