/*
 * agent_mem_tune: after it, the small blocks a refresh allocates (here 2 MB of 100-byte
 * blocks, from a second thread as the directory fetch does) come from huge pages, a few
 * page faults instead of about 500, when transparent huge pages are on; and the heap
 * still works as a heap either way (blocks are distinct, freed and reused).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "agent/agent.h"
#include "tests/lib/ipp_check.h"

#define NBLOCKS	20000

static char *blocks[NBLOCKS];

static long
faults(void)
{
	struct rusage r;

	getrusage(RUSAGE_SELF, &r);
	return r.ru_minflt;
}

static void *
fill(void *arg)
{
	(void)arg;
	for (int i = 0; i < NBLOCKS; i++)
		if ((blocks[i] = malloc(100)) != NULL)
			memset(blocks[i], i & 0xff, 100);
	return NULL;
}

/* Transparent huge pages that MADV_HUGEPAGE can get: "[always]" or "[madvise]". */
static bool
thp_on(void)
{
	char line[128] = "";
	FILE *f = fopen("/sys/kernel/mm/transparent_hugepage/enabled", "r");

	if (f == NULL)
		return false;
	if (fgets(line, sizeof(line), f) == NULL)
		line[0] = '\0';
	fclose(f);
	return strstr(line, "[never]") == NULL && line[0] != '\0';
}

static bool
sanitized(void)
{
#if defined(__SANITIZE_ADDRESS__)
	return true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return true;
#endif
#endif
	return false;
}

START_TEST(test_small_blocks_in_huge_pages)
{
	pthread_t t;
	long f0, used;

	agent_mem_tune();
	f0 = faults();
	ck_assert_int_eq(pthread_create(&t, NULL, fill, NULL), 0);
	pthread_join(t, NULL);
	used = faults() - f0;
	for (int i = 0; i < NBLOCKS; i++) {
		ck_assert_ptr_nonnull(blocks[i]);
		ck_assert_int_eq((unsigned char)blocks[i][99], i & 0xff);
	}
	if (thp_on() && !sanitized())
		ck_assert_msg(used < 100, "%ld page faults for 2 MB of small blocks", used);
	for (int i = 0; i < NBLOCKS; i++)
		free(blocks[i]);
	/* Freed memory is reused, not grown into (AddressSanitizer holds freed blocks back). */
	f0 = faults();
	fill(NULL);
	if (!sanitized())
		ck_assert_int_lt(faults() - f0, 50);
	for (int i = 0; i < NBLOCKS; i++)
		free(blocks[i]);
}
END_TEST

static Suite *
mem_suite(void)
{
	Suite *s = suite_create("agent_mem");
	TCase *tc = tcase_create("tune");

	tcase_add_test(tc, test_small_blocks_in_huge_pages);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(mem_suite)
