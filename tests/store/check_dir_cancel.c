/*
 * ipp_dir_cancel: a read blocked in another thread ends when the canceller fires, a
 * socket watched after the firing is shut down at once, and an unwatched socket (closed
 * by its owner, its number perhaps reused) is never touched.
 */
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/lib/ipp_check.h"

struct reader {
	int	fd;
	ssize_t	n;
};

static void *
reader_run(void *arg)
{
	struct reader *r = arg;
	char c;

	r->n = read(r->fd, &c, 1);
	return NULL;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

START_TEST(test_fire_ends_blocked_read)
{
	struct ipp_dir_cancel *c = ipp_dir_cancel_new();
	struct reader r = { .n = -2 };
	pthread_t t;
	int sv[2];
	double t0;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	r.fd = sv[0];
	ipp_dir_cancel_watch(c, sv[0]);
	ck_assert(!ipp_dir_cancel_fired(c));
	ck_assert_int_eq(pthread_create(&t, NULL, reader_run, &r), 0);
	usleep(100 * 1000);
	ck_assert_int_eq(r.n, -2);	/* still blocked: the peer said nothing */
	t0 = now_s();
	ipp_dir_cancel_fire(c);
	pthread_join(t, NULL);
	ck_assert_int_eq(r.n, 0);	/* end of file, as from a server that went away */
	ck_assert(now_s() - t0 < 1.0);
	ck_assert(ipp_dir_cancel_fired(c));
	close(sv[0]);
	close(sv[1]);
	ipp_dir_cancel_free(c);
}
END_TEST

START_TEST(test_watch_after_fire)
{
	struct ipp_dir_cancel *c = ipp_dir_cancel_new();
	int sv[2];
	char b;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ipp_dir_cancel_fire(c);
	ipp_dir_cancel_watch(c, sv[0]);
	ck_assert_int_eq(read(sv[0], &b, 1), 0);
	close(sv[0]);
	close(sv[1]);
	ipp_dir_cancel_free(c);
}
END_TEST

START_TEST(test_unwatched_left_alone)
{
	struct ipp_dir_cancel *c = ipp_dir_cancel_new();
	int sv[2], other[2];
	char b = 'x';

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ipp_dir_cancel_watch(c, sv[0]);
	ipp_dir_cancel_unwatch(c, sv[0]);
	close(sv[0]);
	close(sv[1]);
	/* The numbers come back for another connection, which the firing must not touch. */
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, other), 0);
	ipp_dir_cancel_fire(c);
	ck_assert_int_eq(write(other[1], &b, 1), 1);
	ck_assert_int_eq(read(other[0], &b, 1), 1);
	close(other[0]);
	close(other[1]);
	ipp_dir_cancel_free(c);
}
END_TEST

START_TEST(test_free_closes_duplicates)
{
	struct ipp_dir_cancel *c = ipp_dir_cancel_new();
	int sv[2];
	char b;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	ipp_dir_cancel_watch(c, sv[0]);
	close(sv[0]);
	/* The watcher's duplicate keeps the socket; once freed, the peer sees the end. */
	ipp_dir_cancel_free(c);
	ck_assert_int_eq(read(sv[1], &b, 1), 0);
	close(sv[1]);
}
END_TEST

static Suite *
dir_cancel_suite(void)
{
	Suite *s = suite_create("dir_cancel");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_fire_ends_blocked_read);
	tcase_add_test(tc, test_watch_after_fire);
	tcase_add_test(tc, test_unwatched_left_alone);
	tcase_add_test(tc, test_free_closes_duplicates);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(dir_cancel_suite)
