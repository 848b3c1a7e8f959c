/* sqlstore_action: filter actions and their quick-mode offers. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/sqlite.h"

static const char offer_insert[] = "INSERT INTO action_offer (action_id, pos, "
    SQLSTORE_QM_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

static int
offers_read(struct sqlstore *s, sqlite3_int64 id, struct ipp_filteraction *fa,
    struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "SELECT " SQLSTORE_QM_COLS
	    " FROM action_offer WHERE action_id = ?1 ORDER BY pos", e);
	struct ipp_qm_offer o;
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (sqlstore_qm_read(stmt, 0, &o, e) == -1)
			break;
		if (ipp_array_push(&fa->offers, &fa->noffers, sizeof(o), &o) == NULL) {
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "reading offers", e);
	sqlstore_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
sqlstore_action_row(sqlite3_stmt *stmt, struct ipp_filteraction *fa, struct ipp_err *e)
{
	snprintf(fa->guid, sizeof(fa->guid), "%s", sqlite3_column_text(stmt, 0));
	fa->inpass = sqlite3_column_int(stmt, 4) != 0;
	fa->soft = sqlite3_column_int(stmt, 5) != 0;
	fa->changed = (time_t)sqlite3_column_int64(stmt, 6);
	if (sqlstore_text(stmt, 1, &fa->name, e) == -1 ||
	    sqlstore_text(stmt, 2, &fa->description, e) == -1 ||
	    sqlstore_action_read(stmt, 3, &fa->action, e) == -1)
		return -1;
	return 0;
}

int
sqlstore_filteraction_get(struct ipp_store *st, const char *key,
    struct ipp_filteraction *out, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;
	int rc = -1;

	if (sqlstore_id(s, IPP_OBJ_FILTERACTION, key, &id, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "SELECT guid, name, description, action, inpass, soft, "
	    "changed FROM filteraction WHERE id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_ROW)
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "reading a filter action", e);
	else
		rc = sqlstore_action_row(stmt, out, e);
	sqlstore_done(stmt);
	if (rc == 0)
		rc = offers_read(s, id, out, e);
	if (rc == -1) {
		sqlstore_err_where(sqlstore_of(st), e);
		ipp_filteraction_clear(out);
	}
	return rc;
}

static int
action_bind_run(struct sqlstore *s, sqlite3_stmt *stmt, const struct ipp_filteraction *fa,
    struct ipp_err *e)
{
	sqlite3_bind_text(stmt, 2, fa->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, fa->description, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, sqlstore_action_name(fa->action), -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 5, fa->inpass);
	sqlite3_bind_int(stmt, 6, fa->soft);
	sqlite3_bind_int64(stmt, 7, (sqlite3_int64)time(NULL));
	return sqlstore_run(s, stmt, "storing a filter action", e);
}

int
sqlstore_filteraction_create(struct ipp_store *st, const struct ipp_filteraction *fa,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;

	if (sqlstore_unique(s, IPP_OBJ_FILTERACTION, fa->name, fa->guid, 0, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "INSERT INTO filteraction (guid, name, description, action, "
	    "inpass, soft, changed) VALUES (upper(?1), ?2, ?3, ?4, ?5, ?6, ?7)", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, fa->guid, -1, SQLITE_STATIC);
	if (action_bind_run(s, stmt, fa, e) == -1)
		return -1;
	return sqlstore_qm_put(s, offer_insert, sqlite3_last_insert_rowid(s->db), fa->offers,
	    fa->noffers, e);
}

int
sqlstore_filteraction_update(struct ipp_store *st, const char *key,
    const struct ipp_filteraction *fa, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;

	if (sqlstore_id(s, IPP_OBJ_FILTERACTION, key, &id, e) == -1 ||
	    sqlstore_unique(s, IPP_OBJ_FILTERACTION, fa->name, "", id, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "UPDATE filteraction SET name = ?2, description = ?3, "
	    "action = ?4, inpass = ?5, soft = ?6, changed = ?7 WHERE id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (action_bind_run(s, stmt, fa, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "DELETE FROM action_offer WHERE action_id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlstore_run(s, stmt, "replacing offers", e) == -1)
		return -1;
	return sqlstore_qm_put(s, offer_insert, id, fa->offers, fa->noffers, e);
}

int
sqlstore_filteraction_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;

	if (sqlstore_id(s, IPP_OBJ_FILTERACTION, key, &id, e) == -1)
		return -1;
	if ((stmt = sqlstore_stmt(s, "DELETE FROM filteraction WHERE id = ?1", e)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return sqlstore_run(s, stmt, "deleting a filter action", e);
}
