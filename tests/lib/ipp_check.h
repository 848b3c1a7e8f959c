/* Shared main for check-based unit tests: results go out as TAP, one point per test. */
#ifndef IPP_CHECK_H
#define IPP_CHECK_H

#include <check.h>
#include <stdlib.h>

/* Runs the suite with TAP on stdout (automake's tap-driver counts each test). */
static inline int
ipp_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_set_tap(sr, "-");
	srunner_run_all(sr, CK_SILENT);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#define IPP_CHECK_MAIN(suite_fn) \
	int main(void) { return ipp_check_run(suite_fn()); }

#endif
