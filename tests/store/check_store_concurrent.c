/* Several processes writing one store at once: serialised by the busy timeout, nothing
 * lost, nothing corrupt. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/lib/ipp_check.h"
#include "tests/store/store_test.h"

#define NPROC	4
#define NOPS	60

static void
teardown(void)
{
	st_tmp_cleanup();
}

static int
open_busy(struct ipp_store **st, const char *path, int flags, int busy_ms,
    struct ipp_err *e)
{
	struct ipp_store_opts o = { .flags = flags, .busy_timeout_ms = busy_ms };

	return ipp_store_open_local(st, path, &o, e);
}

static int
child_fail(const char *what, const struct ipp_err *e)
{
	fprintf(stderr, "child %d: %s: %s\n", (int)getpid(), what, e->msg);
	return 1;
}

/* One writer: lists of its own, filters into the shared list, and some two-step
 * transactions; every third op is a transaction of two writes. */
static int
writer(const char *path, int k)
{
	struct ipp_store *st;
	struct ipp_err e = { 0 };
	char name[64];

	if (open_busy(&st, path, 0, 30000, &e) == -1)
		return child_fail("open", &e);
	for (int i = 0; i < NOPS; i++) {
		struct ipp_filterlist fl;
		struct ipp_filter f;
		int rc;

		snprintf(name, sizeof(name), "w%d-%d", k, i);
		st_list(&fl, name, 3);
		f = st_filter(st_addr(IPP_ADDR_ME), st_net("192.0.2.1", 32), 6, 0,
		    k * 1000 + i + 1, true, NULL);
		switch (i % 3) {
		case 0:
			rc = ipp_store_filterlist_create(st, &fl, &e);
			break;
		case 1:
			rc = ipp_store_filter_add(st, "Shared", &f, &e);
			break;
		default:
			rc = ipp_store_begin(st, &e);
			if (rc == 0)
				rc = ipp_store_filterlist_create(st, &fl, &e);
			if (rc == 0)
				rc = ipp_store_filter_add(st, "Shared", &f, &e);
			if (rc == 0)
				rc = ipp_store_commit(st, &e);
			else
				ipp_store_rollback(st);
			break;
		}
		ipp_filterlist_clear(&fl);
		ipp_filter_clear(&f);
		if (rc == -1)
			return child_fail(name, &e);
	}
	ipp_store_close(st);
	return 0;
}

static void
wait_all(pid_t *pids, int n)
{
	for (int i = 0; i < n; i++) {
		int status;

		ck_assert_int_eq(waitpid(pids[i], &status, 0), pids[i]);
		ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "child %d failed (status 0x%x)", i, status);
	}
}

static long long
scalar(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *s;
	long long v;

	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

START_TEST(test_concurrent_writers)
{
	const char *path = st_tmp_path("conc.db");
	struct ipp_store *st = st_open(path, IPP_STORE_CREATE | IPP_STORE_NOSEED);
	struct ipp_filterlist shared;
	pid_t pids[NPROC];
	sqlite3 *db;
	sqlite3_stmt *s;
	int per = NOPS / 3;

	st_list(&shared, "Shared", 1);
	ST_OK(ipp_store_filterlist_create(st, &shared, e));
	ipp_filterlist_clear(&shared);
	ipp_store_close(st);

	for (int k = 0; k < NPROC; k++) {
		pids[k] = fork();
		ck_assert_int_ne(pids[k], -1);
		if (pids[k] == 0)
			_exit(writer(path, k));
	}
	wait_all(pids, NPROC);

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
	ck_assert_int_eq(scalar(db, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
	/* Every write of every process is there, once. */
	ck_assert_int_eq(scalar(db, "SELECT count(*) FROM filterlist"), 1 + NPROC * 2 * per);
	ck_assert_int_eq(scalar(db, "SELECT count(*) FROM filter f JOIN filterlist l ON "
	    "l.id = f.list_id WHERE l.name = 'Shared'"), 1 + NPROC * 2 * per);
	ck_assert_int_eq(scalar(db, "SELECT count(*) FROM filter"),
	    1 + NPROC * 2 * per * 3 + NPROC * 2 * per);
	ck_assert_int_eq(scalar(db, "SELECT count(DISTINCT dport) FROM filter f JOIN "
	    "filterlist l ON l.id = f.list_id WHERE l.name = 'Shared'"), 1 + NPROC * 2 * per);
	sqlite3_close(db);
	ck_assert(!st_exists(st_journal(path)));
}
END_TEST

START_TEST(test_concurrent_creation)
{
	const char *path = st_tmp_path("race.db");
	pid_t pids[NPROC];
	int go[2];
	struct ipp_store *st;
	struct ipp_names n;

	ck_assert_int_eq(pipe(go), 0);
	for (int k = 0; k < NPROC; k++) {
		pids[k] = fork();
		ck_assert_int_ne(pids[k], -1);
		if (pids[k] == 0) {
			struct ipp_err e = { 0 };
			char c;

			close(go[1]);
			if (read(go[0], &c, 1) != 0)
				_exit(2);
			if (open_busy(&st, path, IPP_STORE_CREATE, 30000, &e) == -1)
				_exit(child_fail("create", &e));
			ipp_store_close(st);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]);	/* all start now */
	wait_all(pids, NPROC);
	/* Created and seeded exactly once. */
	st = st_open(path, 0);
	ST_OK(ipp_store_policy_list(st, &n, e));
	ck_assert_uint_eq(n.n, 3);
	ipp_names_free(&n);
	ST_OK(ipp_store_filterlist_list(st, &n, e));
	ck_assert_uint_eq(n.n, 2);
	ipp_names_free(&n);
	ipp_store_close(st);
}
END_TEST

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
xwrite(int fd)
{
	ck_assert_int_eq(write(fd, "x", 1), 1);
}

static int
xread(int fd)
{
	char c;

	return read(fd, &c, 1) == 1 ? 0 : -1;
}

/* Holds the write lock from "locked" until told to let go.  SQLite's locks are per
 * process, so the holder and the waiters are all children: no connection crosses a
 * fork. */
static int
holder(const char *path, int locked, int release)
{
	struct ipp_store *st;
	struct ipp_filterlist fl;
	struct ipp_err e = { 0 };

	if (open_busy(&st, path, 0, 1000, &e) == -1 || ipp_store_begin(st, &e) == -1)
		return child_fail("holder", &e);
	st_list(&fl, "Holder", 1);
	if (ipp_store_filterlist_create(st, &fl, &e) == -1)
		return child_fail("holder write", &e);
	ipp_filterlist_clear(&fl);
	xwrite(locked);
	if (xread(release) == -1 || ipp_store_commit(st, &e) == -1)
		return child_fail("holder commit", &e);
	ipp_store_close(st);
	return 0;
}

static int
waiter(const char *path, int busy_ms, const char *name, bool expect_busy)
{
	struct ipp_store *st;
	struct ipp_filterlist fl;
	struct ipp_err e = { 0 };
	double t0;
	int rc;

	if (open_busy(&st, path, 0, busy_ms, &e) == -1)
		return child_fail("open", &e);
	st_list(&fl, name, 1);
	t0 = now();
	rc = ipp_store_filterlist_create(st, &fl, &e);
	ipp_filterlist_clear(&fl);
	if (!expect_busy)
		return rc == 0 ? 0 : child_fail(name, &e);
	/* It waited for the timeout, then gave up with a clear message. */
	if (rc != -1 || e.code != IPP_E_STORE || strstr(e.msg, "locked") == NULL ||
	    strstr(e.msg, path) == NULL || now() - t0 < 0.25)
		return child_fail("expected a busy failure", &e);
	return 0;
}

START_TEST(test_busy_timeout)
{
	const char *path = st_tmp_path("busy.db");
	struct ipp_filterlist fl;
	struct ipp_store *st;
	int locked[2], release[2];
	pid_t pids[3];

	ipp_store_close(st_open(path, IPP_STORE_CREATE | IPP_STORE_NOSEED));
	ck_assert_int_eq(pipe(locked), 0);
	ck_assert_int_eq(pipe(release), 0);
	if ((pids[0] = fork()) == 0)
		_exit(holder(path, locked[1], release[0]));
	ck_assert_int_eq(xread(locked[0]), 0);
	if ((pids[1] = fork()) == 0)
		_exit(waiter(path, 300, "Impatient", true));
	wait_all(&pids[1], 1);
	/* A writer that waits long enough gets through once the lock is released. */
	if ((pids[2] = fork()) == 0)
		_exit(waiter(path, 20000, "Patient", false));
	usleep(300000);
	xwrite(release[1]);
	wait_all(&pids[0], 1);
	wait_all(&pids[2], 1);

	st = st_open(path, 0);
	ST_OK(ipp_store_filterlist_get(st, "Holder", &fl, e));
	ipp_filterlist_clear(&fl);
	ST_OK(ipp_store_filterlist_get(st, "Patient", &fl, e));
	ipp_filterlist_clear(&fl);
	ST_FAILS(path, ipp_store_filterlist_get(st, "Impatient", &fl, e), IPP_E_NOENT, NULL);
	ipp_store_close(st);
}
END_TEST

static Suite *
concurrent_suite(void)
{
	Suite *s = suite_create("store_concurrent");
	TCase *tc = tcase_create("concurrent");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_concurrent_writers);
	tcase_add_test(tc, test_concurrent_creation);
	tcase_add_test(tc, test_busy_timeout);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(concurrent_suite)
