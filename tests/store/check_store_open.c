/* Opening: files that are not ours, damaged or newer are refused and left untouched;
 * the schema script and its migrations. */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite.h"
#include "store/store.h"
#include "tests/lib/ipp_check.h"
#include "tests/store/store_test.h"

static void
teardown(void)
{
	st_tmp_cleanup();
}

static void
write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

static void
raw_sql(const char *path, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s: %s", sql,
	    sqlite3_errmsg(db));
	ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

static const char *
sidecar(const char *path, const char *suffix)
{
	static char buf[600];

	snprintf(buf, sizeof(buf), "%s%s", path, suffix);
	return buf;
}

/* Opening path must fail with IPP_E_STORE naming the path and why, whatever the flags,
 * and leave the file byte for byte as it was, with no journal, WAL or shm beside it. */
static void
refused_by(const char *path, const char *why, size_t nflags)
{
	static const int flags[] = { 0, IPP_STORE_CREATE, IPP_STORE_RDONLY };
	unsigned char *before, *after;
	size_t blen, alen;

	before = st_read_file(path, &blen);
	ck_assert_ptr_nonnull(before);
	for (size_t i = 0; i < nflags; i++) {
		struct ipp_store_opts o = { .flags = flags[i] };
		struct ipp_store *st = NULL;
		struct ipp_err e = { 0 };

		ck_assert_msg(ipp_store_open_local(&st, path, &o, &e) == -1,
		    "%s opened with flags %d", path, flags[i]);
		ck_assert_ptr_null(st);
		ck_assert_int_eq(e.code, IPP_E_STORE);
		ck_assert_msg(strstr(e.msg, path) != NULL, "no path in '%s'", e.msg);
		ck_assert_msg(strstr(e.msg, why) != NULL, "'%s' lacks '%s'", e.msg, why);
		after = st_read_file(path, &alen);
		ck_assert_ptr_nonnull(after);
		ck_assert_msg(alen == blen && memcmp(before, after, blen) == 0,
		    "%s was modified", path);
		free(after);
		ck_assert(!st_exists(sidecar(path, "-journal")));
		ck_assert(!st_exists(sidecar(path, "-wal")));
		ck_assert(!st_exists(sidecar(path, "-shm")));
	}
	free(before);
}

static void
refused(const char *path, const char *why)
{
	refused_by(path, why, 3);
}

static const char *
new_store(const char *name, int flags)
{
	const char *path = st_tmp_path(name);

	ipp_store_close(st_open(path, IPP_STORE_CREATE | flags));
	return path;
}

START_TEST(test_refuse_garbage)
{
	const char *path = st_tmp_path("garbage.db");
	char text[4096];

	memset(text, 'x', sizeof(text));
	write_file(path, text, sizeof(text));
	refused(path, "not an SQLite database");
}
END_TEST

START_TEST(test_refuse_truncated)
{
	const char *path = new_store("trunc.db", 0);
	unsigned char *b;
	size_t len;

	b = st_read_file(path, &len);
	write_file(path, b, 60);
	free(b);
	refused(path, "not an SQLite database");
}
END_TEST

START_TEST(test_refuse_foreign)
{
	const char *path = st_tmp_path("foreign.db");
	const char *path2 = st_tmp_path("foreign2.db");

	raw_sql(path, "CREATE TABLE t (x); INSERT INTO t VALUES (1)");
	refused(path, "another program (application_id 0x00000000");
	raw_sql(path2, "PRAGMA application_id = 1234; CREATE TABLE policy (x)");
	refused(path2, "application_id 0x000004d2");
}
END_TEST

START_TEST(test_refuse_newer)
{
	const char *path = new_store("newer.db", IPP_STORE_NOSEED);

	raw_sql(path, "PRAGMA user_version = 99");
	refused(path, "schema version 99 is newer");
}
END_TEST

START_TEST(test_refuse_corrupt)
{
	const char *path = new_store("corrupt.db", 0);
	unsigned char *b;
	size_t len, page;

	b = st_read_file(path, &len);
	page = (size_t)b[16] << 8 | b[17];
	ck_assert_uint_ge(len, 4 * page);
	/* Pages 2 and 3 (table roots) overwritten; the header stays intact. */
	memset(b + page, 0xa5, 2 * page);
	write_file(path, b, len);
	free(b);
	refused(path, "corrupt");
}
END_TEST

START_TEST(test_refuse_bad_size)
{
	const char *path = new_store("size.db", 0);
	unsigned char *b;
	size_t len;

	b = st_read_file(path, &len);
	write_file(path, b, len - 100);
	free(b);
	refused(path, "not a multiple of the page size");
}
END_TEST

START_TEST(test_refuse_wal)
{
	const char *path = new_store("wal.db", IPP_STORE_NOSEED);

	raw_sql(path, "PRAGMA journal_mode = WAL");
	ck_assert(!st_exists(sidecar(path, "-wal")));
	refused(path, "WAL");
}
END_TEST

START_TEST(test_refuse_damaged_schema)
{
	const char *path = new_store("damaged.db", IPP_STORE_NOSEED);

	raw_sql(path, "DROP TABLE defrule_auth");
	refused(path, "table 'defrule_auth' is missing");
}
END_TEST

START_TEST(test_refuse_no_version)
{
	const char *path = new_store("nover.db", IPP_STORE_NOSEED);

	raw_sql(path, "PRAGMA user_version = 0");
	refused(path, "no schema version");
}
END_TEST

START_TEST(test_refuse_directory)
{
	const char *path = st_tmp_path("dir.db");
	struct ipp_store_opts o = { .flags = IPP_STORE_CREATE };
	struct ipp_store *st;
	struct ipp_err e = { 0 };

	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(ipp_store_open_local(&st, path, &o, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ck_assert(strstr(e.msg, "not a regular file") != NULL);
	rmdir(path);
}
END_TEST

START_TEST(test_empty_file)
{
	const char *path = st_tmp_path("empty.db");
	struct ipp_store_opts o = { 0 };
	struct ipp_store *st;
	struct ipp_err e = { 0 };
	struct ipp_names n;

	write_file(path, "", 0);
	ck_assert_int_eq(ipp_store_open_local(&st, path, &o, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ck_assert(strstr(e.msg, "empty") != NULL);
	/* With CREATE an empty file is a store being made (another process may have just
	 * created it): it is initialised. */
	st = st_open(path, IPP_STORE_CREATE);
	ck_assert_int_eq(ipp_store_policy_list(st, &n, &e), 0);
	ck_assert_uint_eq(n.n, 3);
	ipp_names_free(&n);
	ipp_store_close(st);
}
END_TEST

START_TEST(test_new_file_is_marked)
{
	const char *path = new_store("marked.db", IPP_STORE_NOSEED);
	unsigned char *b;
	size_t len;

	b = st_read_file(path, &len);
	ck_assert_uint_ge(len, 100);
	ck_assert_mem_eq(b + 68, "IPSP", 4);
	ck_assert_uint_eq((unsigned)b[60] << 24 | b[61] << 16 | b[62] << 8 | b[63],
	    (unsigned)sqlstore_script_version(sqlstore_schema_sql));
	ck_assert_int_eq(sqlstore_script_version(sqlstore_schema_sql), 2);
	/* Rollback-journal mode: no WAL. */
	ck_assert_uint_eq(b[18], 1);
	ck_assert_uint_eq(b[19], 1);
	free(b);
}
END_TEST

static int
version_of(sqlite3 *db)
{
	sqlite3_stmt *s;
	int v;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(s), SQLITE_ROW);
	v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

static bool
has_table(sqlite3 *db, const char *name)
{
	sqlite3_stmt *s;
	bool found;

	ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE name = ?1",
	    -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_text(s, 1, name, -1, SQLITE_STATIC);
	found = sqlite3_step(s) == SQLITE_ROW;
	sqlite3_finalize(s);
	return found;
}

START_TEST(test_migrations_forward)
{
	static const char script[] = "-- header comment\n"
	    "-- @version 1\nCREATE TABLE a (x);\n"
	    "-- @version 2\nCREATE TABLE b (y);\nINSERT INTO a VALUES ('moved');\n"
	    "-- @version 3\nALTER TABLE b ADD COLUMN z;\n";
	struct ipp_err e = { 0 };
	sqlite3 *db;
	int to;

	ck_assert_int_eq(sqlstore_script_version(script), 3);
	/* From nothing: every section. */
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlstore_migrate(db, script, 0, &to, &e), 0);
	ck_assert_int_eq(to, 3);
	ck_assert_int_eq(version_of(db), 3);
	ck_assert(has_table(db, "a") && has_table(db, "b"));
	sqlite3_close(db);
	/* From version 1: only the later sections. */
	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE a (x); PRAGMA user_version = 1", NULL,
	    NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlstore_migrate(db, script, 1, &to, &e), 0);
	ck_assert_int_eq(to, 3);
	ck_assert(has_table(db, "b"));
	ck_assert_int_eq(sqlite3_exec(db, "SELECT z FROM b", NULL, NULL, NULL), SQLITE_OK);
	/* Up to date: nothing to do. */
	ck_assert_int_eq(sqlstore_migrate(db, script, 3, &to, &e), 0);
	ck_assert_int_eq(to, 3);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_migrations_errors)
{
	struct ipp_err e = { 0 };
	sqlite3 *db;
	int to;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlstore_migrate(db, "-- @version 1\nCREATE TABLE a (x);\n"
	    "-- @version 3\nCREATE TABLE c (x);\n", 0, &to, &e), -1);
	ck_assert(strstr(e.msg, "section 3 where 2") != NULL);
	ck_assert_int_eq(sqlstore_migrate(db, "-- @version 1\nCREATE TABLE a (x);\n"
	    "-- @version 2\nNOT SQL AT ALL;\n", 1, &to, &e), -1);
	ck_assert(strstr(e.msg, "section 2 failed") != NULL);
	sqlite3_close(db);
}
END_TEST

START_TEST(test_embedded_schema_applies)
{
	struct ipp_err e = { 0 };
	sqlite3 *db;
	int to;

	ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
	ck_assert_int_eq(sqlstore_migrate(db, sqlstore_schema_sql, 0, &to, &e), 0);
	ck_assert_int_eq(to, sqlstore_script_version(sqlstore_schema_sql));
	ck_assert(has_table(db, "policy") && has_table(db, "filter") &&
	    has_table(db, "rule_auth") && has_table(db, "policy_assigned"));
	sqlite3_close(db);
}
END_TEST

START_TEST(test_foreign_keys_enforced)
{
	const char *path = new_store("fk.db", 0);
	sqlite3 *db;

	/* The schema itself refuses a dangling rule, even to a writer that bypasses the
	 * library, once foreign keys are on (as the library turns them on). */
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA foreign_keys = ON", NULL, NULL, NULL),
	    SQLITE_OK);
	ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM filterlist WHERE name = "
	    "'All IP Traffic'", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_errcode(db), SQLITE_CONSTRAINT);
	ck_assert(strstr(sqlite3_errmsg(db), "FOREIGN KEY") != NULL);
	ck_assert_int_ne(sqlite3_exec(db, "UPDATE policy SET assigned = 1", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
}
END_TEST

/* Content that SQLite accepts but the model does not: what a hand edit or a crafted file
 * could hold.  Loading it fails with IPP_E_STORE; nothing invalid reaches the caller. */
static void
load_refused(const char *sql, const char *why)
{
	const char *path = new_store("crafted.db", 0);
	struct ipp_store *st;
	struct ipp_policy_tree t;
	struct ipp_filterlist fl;
	struct ipp_err e = { 0 };

	raw_sql(path, sql);
	st = st_open(path, 0);
	ck_assert_int_eq(ipp_store_policy_get(st, "Server (Request Security)", &t, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ck_assert_msg(strstr(e.msg, why) != NULL, "'%s' lacks '%s'", e.msg, why);
	ck_assert_ptr_null(t.policy.name);
	ck_assert_int_eq(ipp_store_filterlist_get(st, "All IP Traffic", &fl, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ipp_store_close(st);
	unlink(path);
}

START_TEST(test_crafted_content_refused)
{
	/* Within the schema's CHECKs, outside the model: an IPv4 prefix of 99. */
	load_refused("UPDATE filter SET dst_kind = 'net', dst_addr = '10.0.0.0', "
	    "dst_prefix = 99", "as stored is invalid");
	load_refused("UPDATE filter SET src_kind = 'range', src_addr = '10.0.0.1', "
	    "src_end = 'fe80::1'", "src_end");
	load_refused("UPDATE filter SET dst_kind = 'net', dst_addr = 'not an address', "
	    "dst_prefix = 8", "dst_addr");
}
END_TEST

START_TEST(test_check_violation_refused)
{
	const char *path = new_store("checks.db", 0);

	struct ipp_store *st;
	struct ipp_filterlist fl;
	struct ipp_err e = { 0 };

	/* Rows that break the schema's own CHECKs fail the integrity check at open... */
	raw_sql(path, "PRAGMA ignore_check_constraints = ON; UPDATE filter SET src_kind = 'moon'");
	refused_by(path, "CHECK constraint failed", 2);
	/* ... except read-only, where SQLite's check skips CHECKs: then loading refuses. */
	st = st_open(path, IPP_STORE_RDONLY);
	ck_assert_int_eq(ipp_store_filterlist_get(st, "All IP Traffic", &fl, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ck_assert(strstr(e.msg, "src_kind") != NULL);
	ck_assert(strstr(e.msg, path) != NULL);
	ipp_store_close(st);
}
END_TEST

START_TEST(test_crafted_name_refused_by_list)
{
	const char *path = new_store("names.db", 0);
	struct ipp_store *st;
	struct ipp_names n;
	struct ipp_err e = { 0 };

	/* A name no lookup would accept (not UTF-8) must not be listed as fetchable: the
	 * fuzzer found lists handing out names that get then refused as bad input. */
	raw_sql(path, "UPDATE filteraction SET name = CAST(X'5065728A6974' AS TEXT) "
	    "WHERE name = 'Permit'");
	st = st_open(path, 0);
	ck_assert_int_eq(ipp_store_filteraction_list(st, &n, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ck_assert_msg(strstr(e.msg, "a stored name is invalid") != NULL, "%s", e.msg);
	ck_assert_msg(strstr(e.msg, "\\x8a") != NULL, "raw byte in '%s'", e.msg);
	ck_assert_int_eq(ipp_store_filterlist_list(st, &n, &e), 0);
	ipp_names_free(&n);
	ipp_store_close(st);
}
END_TEST

START_TEST(test_crafted_algorithm_refused)
{
	const char *path = new_store("algo.db", 0);
	struct ipp_store *st;
	struct ipp_policy_tree t;
	struct ipp_filteraction fa;
	struct ipp_err e = { 0 };

	raw_sql(path, "UPDATE action_offer SET esp_cipher = 'ROT13'; "
	    "UPDATE mm_offer SET dhgroup = 3");
	st = st_open(path, 0);
	ck_assert_int_eq(ipp_store_filteraction_get(st, "Require Security", &fa, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ck_assert(strstr(e.msg, "ROT13") != NULL);
	/* Group 3 is no group: the policy as stored is invalid. */
	ck_assert_int_eq(ipp_store_policy_get(st, "Client (Respond Only)", &t, &e), -1);
	ck_assert_int_eq(e.code, IPP_E_STORE);
	ipp_store_close(st);
}
END_TEST

static Suite *
open_suite(void)
{
	Suite *s = suite_create("store_open");
	TCase *tc = tcase_create("open");

	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, test_refuse_garbage);
	tcase_add_test(tc, test_refuse_truncated);
	tcase_add_test(tc, test_refuse_foreign);
	tcase_add_test(tc, test_refuse_newer);
	tcase_add_test(tc, test_refuse_corrupt);
	tcase_add_test(tc, test_refuse_bad_size);
	tcase_add_test(tc, test_refuse_wal);
	tcase_add_test(tc, test_refuse_damaged_schema);
	tcase_add_test(tc, test_refuse_no_version);
	tcase_add_test(tc, test_refuse_directory);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_new_file_is_marked);
	tcase_add_test(tc, test_migrations_forward);
	tcase_add_test(tc, test_migrations_errors);
	tcase_add_test(tc, test_embedded_schema_applies);
	tcase_add_test(tc, test_foreign_keys_enforced);
	tcase_add_test(tc, test_crafted_content_refused);
	tcase_add_test(tc, test_check_violation_refused);
	tcase_add_test(tc, test_crafted_algorithm_refused);
	tcase_add_test(tc, test_crafted_name_refused_by_list);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(open_suite)
