/* sqlstore: the SQLite backend's connection: open, transactions, statements, errors. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite.h"

static void sqlstore_close(struct ipp_store *st);
static int sqlstore_tx_begin(struct ipp_store *st, bool write, struct ipp_err *e);
static int sqlstore_tx_commit(struct ipp_store *st, struct ipp_err *e);
static void sqlstore_tx_rollback(struct ipp_store *st);
static int sqlstore_sp_begin(struct ipp_store *st, struct ipp_err *e);
static int sqlstore_sp_release(struct ipp_store *st, struct ipp_err *e);
static void sqlstore_sp_rollback(struct ipp_store *st);

static const struct ipp_store_backend sqlstore_backend = {
	.name = "sqlite",
	.close = sqlstore_close,
	.tx_begin = sqlstore_tx_begin,
	.tx_commit = sqlstore_tx_commit,
	.tx_rollback = sqlstore_tx_rollback,
	.sp_begin = sqlstore_sp_begin,
	.sp_release = sqlstore_sp_release,
	.sp_rollback = sqlstore_sp_rollback,
	.list = sqlstore_list,
	.users = sqlstore_users,
	.policy_get = sqlstore_policy_get,
	.policy_create = sqlstore_policy_create,
	.policy_update = sqlstore_policy_update,
	.policy_delete = sqlstore_policy_delete,
	.assign = sqlstore_assign,
	.unassign = sqlstore_unassign,
	.assigned = sqlstore_assigned,
	.filterlist_get = sqlstore_filterlist_get,
	.filterlist_create = sqlstore_filterlist_create,
	.filterlist_update = sqlstore_filterlist_update,
	.filterlist_delete = sqlstore_filterlist_delete,
	.filter_add = sqlstore_filter_add,
	.filter_delete = sqlstore_filter_delete,
	.filteraction_get = sqlstore_filteraction_get,
	.filteraction_create = sqlstore_filteraction_create,
	.filteraction_update = sqlstore_filteraction_update,
	.filteraction_delete = sqlstore_filteraction_delete,
	.rule_create = sqlstore_rule_create,
	.rule_update = sqlstore_rule_update,
	.rule_delete = sqlstore_rule_delete,
};

int
sqlstore_err(struct sqlstore *s, int rc, const char *what, struct ipp_err *e)
{
	const char *msg = s->db != NULL ? sqlite3_errmsg(s->db) : sqlite3_errstr(rc);

	switch (rc & 0xff) {
	case SQLITE_NOMEM:
		return ipp_errf(e, IPP_E_NOMEM, "%s: %s: out of memory", s->base.where, what);
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return ipp_errf(e, IPP_E_STORE, "%s: %s: still locked by another process "
		    "after %d ms; try again", s->base.where, what, s->busy_ms);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return ipp_errf(e, IPP_E_STORE, "%s: %s: the file is corrupt (%s); restore it "
		    "from a backup", s->base.where, what, msg);
	case SQLITE_READONLY:
		return ipp_errf(e, IPP_E_STORE, "%s: %s: the store is read-only (%s)",
		    s->base.where, what, msg);
	case SQLITE_CONSTRAINT:
		if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
			return ipp_errf(e, IPP_E_EXIST, "%s: %s: %s", s->base.where, what, msg);
		if (rc == SQLITE_CONSTRAINT_FOREIGNKEY)
			return ipp_errf(e, IPP_E_INUSE, "%s: %s: still referenced (%s)",
			    s->base.where, what, msg);
		break;
	default:
		break;
	}
	return ipp_errf(e, IPP_E_STORE, "%s: %s: %s", s->base.where, what, msg);
}

void
sqlstore_err_where(struct sqlstore *s, struct ipp_err *e)
{
	size_t n = strlen(s->base.where);

	if (e != NULL && e->code == IPP_E_STORE && strncmp(e->msg, s->base.where, n) != 0)
		ipp_err_prefix(e, "%s", s->base.where);
}

sqlite3_stmt *
sqlstore_stmt(struct sqlstore *s, const char *sql, struct ipp_err *e)
{
	size_t i;
	int rc;

	for (i = 0; i < SQLSTORE_NSTMT && s->stmts[i].sql != NULL; i++)
		if (s->stmts[i].sql == sql)
			return s->stmts[i].stmt;
	if (i == SQLSTORE_NSTMT)
		abort();	/* more distinct statements than the cache was sized for */
	rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s->stmts[i].stmt,
	    NULL);
	if (rc != SQLITE_OK) {
		sqlstore_err(s, rc, "preparing a query", e);
		return NULL;
	}
	s->stmts[i].sql = sql;
	return s->stmts[i].stmt;
}

void
sqlstore_done(sqlite3_stmt *stmt)
{
	if (stmt == NULL)
		return;
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
}

int
sqlstore_exec(struct sqlstore *s, const char *sql, struct ipp_err *e)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);

	if (rc != SQLITE_OK)
		return sqlstore_err(s, rc, sql, e);
	return 0;
}

int
sqlstore_run(struct sqlstore *s, sqlite3_stmt *stmt, const char *what, struct ipp_err *e)
{
	int rc = sqlite3_step(stmt);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		rc = sqlite3_extended_errcode(s->db);
		sqlstore_err(s, rc, what, e);
		sqlstore_done(stmt);
		return -1;
	}
	sqlstore_done(stmt);
	return 0;
}

int
sqlstore_text(sqlite3_stmt *stmt, int col, char **out, struct ipp_err *e)
{
	const unsigned char *t = sqlite3_column_text(stmt, col);

	*out = NULL;
	if (t == NULL)
		return 0;
	if ((*out = strdup((const char *)t)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	return 0;
}

static int
sqlstore_tx_begin(struct ipp_store *st, bool write, struct ipp_err *e)
{
	/* A writer takes the lock at once: a deferred transaction that upgrades later could
	 * meet another writer and fail with SQLITE_BUSY that no waiting resolves. */
	return sqlstore_exec(sqlstore_of(st), write ? "BEGIN IMMEDIATE" : "BEGIN", e);
}

static int
sqlstore_tx_commit(struct ipp_store *st, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);

	if (sqlstore_exec(s, "COMMIT", e) == -1)
		return -1;
	s->made = false;
	return 0;
}

static void
sqlstore_tx_rollback(struct ipp_store *st)
{
	struct sqlstore *s = sqlstore_of(st);

	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
sqlstore_sp_begin(struct ipp_store *st, struct ipp_err *e)
{
	return sqlstore_exec(sqlstore_of(st), "SAVEPOINT ipp_op", e);
}

static int
sqlstore_sp_release(struct ipp_store *st, struct ipp_err *e)
{
	return sqlstore_exec(sqlstore_of(st), "RELEASE ipp_op", e);
}

static void
sqlstore_sp_rollback(struct ipp_store *st)
{
	struct sqlstore *s = sqlstore_of(st);

	sqlite3_exec(s->db, "ROLLBACK TO ipp_op", NULL, NULL, NULL);
	sqlite3_exec(s->db, "RELEASE ipp_op", NULL, NULL, NULL);
}

static void
sqlstore_close(struct ipp_store *st)
{
	struct sqlstore *s = sqlstore_of(st);

	for (size_t i = 0; i < SQLSTORE_NSTMT && s->stmts[i].sql != NULL; i++)
		sqlite3_finalize(s->stmts[i].stmt);
	if (s->db != NULL) {
		sqlstore_tx_rollback(st);
		sqlite3_close(s->db);
	}
	/* A store this process made but never committed holds nothing: leave no empty
	 * file that a later open would mistake for one being created. */
	if (s->made)
		unlink(s->path);
	free(s->path);
	free(s);
}

/* Settings of every connection; none of them writes to the file. */
static int
sqlstore_configure(struct sqlstore *s, struct ipp_err *e)
{
	int rc;

	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_busy_timeout(s->db, s->busy_ms);
	/* The file may come from elsewhere: no schema tricks, no writable sqlite_schema. */
	rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_db_config(s->db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
	if (rc != SQLITE_OK)
		return sqlstore_err(s, rc, "configuring the connection", e);
	/* secure_delete: a removed preshared key must not linger in free pages;
	 * temp_store: nor in a temporary file (statement journals hold old rows). */
	return sqlstore_exec(s, "PRAGMA foreign_keys = ON; PRAGMA secure_delete = ON; "
	    "PRAGMA temp_store = MEMORY; PRAGMA cell_size_check = ON", e);
}

/* Creates the file 0600 if it does not exist; *made tells whether this call made it. */
static int
sqlstore_create_file(struct sqlstore *s, bool *made, struct ipp_err *e)
{
	int fd;

	*made = false;
	fd = open(s->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1) {
		if (errno == EEXIST)
			return 0;	/* another process was first: open it as it is */
		return ipp_errf(e, IPP_E_STORE, "%s: cannot create: %s", s->base.where,
		    strerror(errno));
	}
	/* The umask could only narrow 0600, but make the mode exact anyway. */
	if (fchmod(fd, 0600) == -1) {
		ipp_errf(e, IPP_E_STORE, "%s: cannot set mode 0600: %s", s->base.where,
		    strerror(errno));
		close(fd);
		unlink(s->path);
		return -1;
	}
	close(fd);
	*made = true;
	return 0;
}

static int
sqlstore_open_file(struct sqlstore *s, const struct ipp_store_opts *opts, bool *created,
    bool *made, struct ipp_err *e)
{
	bool rdonly = opts->flags & IPP_STORE_RDONLY, empty = false;
	int fd, rc;

	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd == -1 && errno == ENOENT && (opts->flags & IPP_STORE_CREATE) && !rdonly) {
		if (sqlstore_create_file(s, made, e) == -1)
			return -1;
		fd = open(s->path, O_RDONLY | O_CLOEXEC);
	}
	if (fd == -1) {
		if (errno == ENOENT)
			return ipp_errf(e, IPP_E_NOENT, "%s does not exist", s->base.where);
		return ipp_errf(e, IPP_E_STORE, "%s: cannot open: %s", s->base.where,
		    strerror(errno));
	}
	rc = sqlstore_header_check(s, fd, &empty, e);
	close(fd);
	if (rc == -1)
		return -1;
	if (empty && (rdonly || !(opts->flags & IPP_STORE_CREATE)))
		return ipp_errf(e, IPP_E_STORE, "%s is an empty file, not an ipsecpol store",
		    s->base.where);

	/* NOMUTEX: a store handle belongs to one thread at a time (ipsecpol-store(5)). */
	rc = sqlite3_open_v2(s->path, &s->db, (rdonly ? SQLITE_OPEN_READONLY :
	    SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX, NULL);
	if (rc != SQLITE_OK)
		return sqlstore_err(s, rc, "opening", e);
	if (sqlstore_configure(s, e) == -1)
		return -1;
	if (empty) {
		if (sqlstore_tx_begin(&s->base, true, e) == -1 ||
		    sqlstore_schema_create(s, created, e) == -1)
			return -1;
		if (*created) {
			s->base.in_tx = true;
			return 0;
		}
		/* Another process made the schema while we waited for the lock. */
		if (sqlstore_tx_commit(&s->base, e) == -1)
			return -1;
	}
	return sqlstore_schema_check(s, e);
}

int
sqlstore_open(struct ipp_store **out, const char *path, const struct ipp_store_opts *opts,
    bool *created, struct ipp_err *e)
{
	struct sqlstore *s;

	*out = NULL;
	*created = false;
	if ((s = calloc(1, sizeof(*s))) == NULL || (s->path = strdup(path)) == NULL) {
		free(s);
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	}
	s->base.be = &sqlstore_backend;
	s->base.kind = IPP_STORE_LOCAL;
	s->base.flags = opts->flags;
	s->busy_ms = opts->busy_timeout_ms > 0 ? opts->busy_timeout_ms : SQLSTORE_BUSY_MS;
	snprintf(s->base.where, sizeof(s->base.where), "local store %s", path);
	if (sqlstore_open_file(s, opts, created, &s->made, e) == -1) {
		sqlstore_close(&s->base);
		*created = false;
		return -1;
	}
	*out = &s->base;
	return 0;
}
