/* sqlstore_policy: policies (their own settings, main mode, default rule) and assignment. */
#include <time.h>

#include "store/sqlite.h"

static const char defrule_offer_insert[] = "INSERT INTO defrule_offer (policy_id, pos, "
    SQLSTORE_QM_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
static const char defrule_auth_insert[] = "INSERT INTO defrule_auth (policy_id, pos, "
    SQLSTORE_AUTH_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

/* Binds ?2.. ?10 of the policy's own columns; ?1 is the id or GUID. */
static void
policy_bind(sqlite3_stmt *stmt, const struct ipp_policy *p)
{
	sqlite3_bind_text(stmt, 2, p->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, p->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, p->poll_min);
	sqlite3_bind_int64(stmt, 5, p->mm.lifetime_min);
	sqlite3_bind_int64(stmt, 6, p->mm.qm_per_mm);
	sqlite3_bind_int(stmt, 7, p->mm.pfs);
	sqlite3_bind_int(stmt, 8, p->defrule.active);
	sqlite3_bind_int64(stmt, 9, (sqlite3_int64)time(NULL));
	sqlite3_bind_int64(stmt, 10, p->mm.soft_expire_s);
}

static int
children_put(struct sqlstore *s, sqlite3_int64 id, const struct ipp_policy *p,
    struct ipp_err *e)
{
	if (sqlstore_mm_put(s, id, p->mm.offers, p->mm.noffers, e) == -1 ||
	    sqlstore_qm_put(s, defrule_offer_insert, id, p->defrule.offers,
	    p->defrule.noffers, e) == -1 ||
	    sqlstore_auth_put(s, defrule_auth_insert, id, p->defrule.auth, p->defrule.nauth,
	    e) == -1)
		return -1;
	return 0;
}

int
sqlstore_policy_create(struct ipp_store *st, const struct ipp_policy *p, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;

	if (sqlstore_unique(s, IPP_OBJ_POLICY, p->name, p->guid, 0, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "INSERT INTO policy (guid, name, description, poll_min, "
	    "mm_life_min, mm_qm_per_mm, mm_pfs, defrule_active, changed, mm_soft_expire_s) "
	    "VALUES (upper(?1), ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, p->guid, -1, SQLITE_STATIC);
	policy_bind(stmt, p);
	if (sqlstore_run(s, stmt, "storing a policy", e) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	if (children_put(s, id, p, e) == -1)
		return -1;
	for (size_t i = 0; i < p->nrules; i++)
		if (sqlstore_rule_insert(s, id, (sqlite3_int64)i, &p->rules[i], e) == -1)
			return ipp_err_prefix(e, "policy '%s'", p->name);
	return 0;
}

static int
children_drop(struct sqlstore *s, sqlite3_int64 id, struct ipp_err *e)
{
	static const char *const sql[] = {
		"DELETE FROM mm_offer WHERE policy_id = ?1",
		"DELETE FROM defrule_offer WHERE policy_id = ?1",
		"DELETE FROM defrule_auth WHERE policy_id = ?1",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *stmt = sqlstore_stmt(s, sql[i], e);

		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, id);
		if (sqlstore_run(s, stmt, "updating a policy", e) == -1)
			return -1;
	}
	return 0;
}

int
sqlstore_policy_update(struct ipp_store *st, const char *key, const struct ipp_policy *p,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;

	if (sqlstore_id(s, IPP_OBJ_POLICY, key, &id, e) == -1 || (p->name != NULL &&
	    sqlstore_unique(s, IPP_OBJ_POLICY, p->name, "", id, e) == -1))
		return -1;
	/* A NULL name keeps the old one. */
	stmt = sqlstore_stmt(s, "UPDATE policy SET name = coalesce(?2, name), description = ?3, "
	    "poll_min = ?4, mm_life_min = ?5, mm_qm_per_mm = ?6, mm_pfs = ?7, "
	    "defrule_active = ?8, changed = ?9, mm_soft_expire_s = ?10 WHERE id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	policy_bind(stmt, p);
	if (sqlstore_run(s, stmt, "updating a policy", e) == -1 ||
	    children_drop(s, id, e) == -1)
		return -1;
	return children_put(s, id, p, e);
}

static int
run_id(struct sqlstore *s, const char *sql, sqlite3_int64 id, const char *what,
    struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, sql, e);

	if (stmt == NULL)
		return -1;
	if (id != 0)
		sqlite3_bind_int64(stmt, 1, id);
	return sqlstore_run(s, stmt, what, e);
}

int
sqlstore_policy_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_int64 id;

	if (sqlstore_id(s, IPP_OBJ_POLICY, key, &id, e) == -1 ||
	    run_id(s, "DELETE FROM policy WHERE id = ?1 AND assigned = 0", id,
	    "deleting a policy", e) == -1)
		return -1;
	/* The agent would lose its policy without notice: unassigning is a step of its own. */
	if (sqlite3_changes(s->db) == 0)
		return ipp_errf(e, IPP_E_INUSE, "policy '%s' is assigned; unassign it before "
		    "deleting it", key);
	return 0;
}

int
sqlstore_unassign(struct ipp_store *st, struct ipp_err *e)
{
	return run_id(sqlstore_of(st), "UPDATE policy SET assigned = 0 WHERE assigned = 1", 0,
	    "unassigning", e);
}

int
sqlstore_assign(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_int64 id;

	if (sqlstore_id(s, IPP_OBJ_POLICY, key, &id, e) == -1 ||
	    sqlstore_unassign(st, e) == -1)
		return -1;
	return run_id(s, "UPDATE policy SET assigned = 1 WHERE id = ?1", id, "assigning", e);
}

int
sqlstore_assigned(struct ipp_store *st, char **name, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt = sqlstore_stmt(s, "SELECT name FROM policy WHERE assigned = 1", e);
	int rc, ret = 0;

	*name = NULL;
	if (stmt == NULL)
		return -1;
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		ret = sqlstore_text(stmt, 0, name, e);
	else if (rc != SQLITE_DONE)
		ret = sqlstore_err(s, sqlite3_extended_errcode(s->db), "reading assignment", e);
	sqlstore_done(stmt);
	return ret;
}
