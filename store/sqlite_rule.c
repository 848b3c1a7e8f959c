/* sqlstore_rule: the rules of a policy. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "store/sqlite.h"

static const char auth_insert[] = "INSERT INTO rule_auth (rule_id, pos, "
    SQLSTORE_AUTH_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6)";

int
sqlstore_policy_touch(struct sqlstore *s, sqlite3_int64 policy, struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "UPDATE policy SET changed = ?2 WHERE id = ?1",
	    e);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, policy);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)time(NULL));
	return sqlstore_run(s, stmt, "updating a policy", e);
}

/* Rule names are unique within their policy, rule GUIDs within the store. */
static int
rule_unique(struct sqlstore *s, sqlite3_int64 policy, const struct ipp_rule *r,
    struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "SELECT name FROM rule WHERE "
	    "(policy_id = ?1 AND name = ?2) OR guid = upper(?3)", e);
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, policy);
	sqlite3_bind_text(stmt, 2, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, r->guid, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *other = (const char *)sqlite3_column_text(stmt, 0);

		if (strcmp(other, r->name) == 0)
			ipp_errf(e, IPP_E_EXIST, "rule '%s' already exists in this policy",
			    r->name);
		else
			ipp_errf(e, IPP_E_EXIST, "rule '%s': GUID %s is already used by rule "
			    "'%s'", r->name, r->guid, other);
	} else if (rc != SQLITE_DONE)
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "checking rule names", e);
	sqlstore_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
reference(struct sqlstore *s, enum ipp_objkind kind, const struct ipp_rule *r,
    const char *name, sqlite3_int64 *id, struct ipp_err *e)
{
	if (sqlstore_id(s, kind, name != NULL ? name : "", id, e) == -1)
		return ipp_err_prefix(e, "rule '%s'", r->name);
	return 0;
}

int
sqlstore_rule_insert(struct sqlstore *s, sqlite3_int64 policy, sqlite3_int64 pos,
    const struct ipp_rule *r, struct ipp_err *e)
{
	sqlite3_int64 list, action;
	sqlite3_stmt *stmt;

	if (reference(s, IPP_OBJ_FILTERLIST, r, r->filterlist, &list, e) == -1 ||
	    reference(s, IPP_OBJ_FILTERACTION, r, r->filteraction, &action, e) == -1 ||
	    rule_unique(s, policy, r, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "INSERT INTO rule (policy_id, pos, guid, name, description, "
	    "filterlist_id, action_id, tunnel_kind, tunnel_addr, tunnel_end, tunnel_prefix, "
	    "conntype, active) VALUES (?1, ?2, upper(?3), ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
	    "?12, ?13)", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, policy);
	sqlite3_bind_int64(stmt, 2, pos);
	sqlite3_bind_text(stmt, 3, r->guid, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 4, r->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 5, r->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 6, list);
	sqlite3_bind_int64(stmt, 7, action);
	sqlstore_bind_addr(stmt, 8, &r->tunnel);
	sqlite3_bind_text(stmt, 12, sqlstore_conntype_name(r->conntype), -1, SQLITE_STATIC);
	sqlite3_bind_int(stmt, 13, r->active);
	if (sqlstore_run(s, stmt, "storing a rule", e) == -1)
		return -1;
	return sqlstore_auth_put(s, auth_insert, sqlite3_last_insert_rowid(s->db), r->auth,
	    r->nauth, e);
}

int
sqlstore_rule_create(struct ipp_store *st, const char *policy, const struct ipp_rule *r,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 pid, pos;
	int rc;

	if (sqlstore_id(s, IPP_OBJ_POLICY, policy, &pid, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "SELECT coalesce(max(pos) + 1, 0) FROM rule "
	    "WHERE policy_id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, pid);
	rc = sqlite3_step(stmt);
	pos = sqlite3_column_int64(stmt, 0);
	sqlstore_done(stmt);
	if (rc != SQLITE_ROW)
		return sqlstore_err(s, sqlite3_extended_errcode(s->db), "adding a rule", e);
	if (sqlstore_rule_insert(s, pid, pos, r, e) == -1)
		return ipp_err_prefix(e, "policy '%s'", policy);
	return sqlstore_policy_touch(s, pid, e);
}

/* The rule of policy pid named key (a name or GUID): its id, position and GUID. */
static int
rule_find(struct sqlstore *s, sqlite3_int64 pid, const char *policy, const char *key,
    sqlite3_int64 *id, sqlite3_int64 *pos, char guid[IPP_GUID_SIZE], struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "SELECT id, pos, guid FROM rule "
	    "WHERE policy_id = ?1 AND (name = ?2 OR guid = upper(?2))", e);
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, pid);
	sqlite3_bind_text(stmt, 2, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(stmt, 0);
		*pos = sqlite3_column_int64(stmt, 1);
		snprintf(guid, IPP_GUID_SIZE, "%s", sqlite3_column_text(stmt, 2));
	} else if (rc == SQLITE_DONE) {
		ipp_errf(e, IPP_E_NOENT, "policy '%s' has no rule '%s'", policy, key);
	} else {
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "finding a rule", e);
	}
	sqlstore_done(stmt);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int
rule_remove(struct sqlstore *s, sqlite3_int64 id, struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "DELETE FROM rule WHERE id = ?1", e);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return sqlstore_run(s, stmt, "deleting a rule", e);
}

int
sqlstore_rule_update(struct ipp_store *st, const char *policy, const char *key,
    const struct ipp_rule *r, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_int64 pid, id, pos;
	struct ipp_rule nr = *r;

	if (sqlstore_id(s, IPP_OBJ_POLICY, policy, &pid, e) == -1 ||
	    rule_find(s, pid, policy, key, &id, &pos, nr.guid, e) == -1)
		return -1;
	/* Replace the row in place: same position, same GUID, new settings. */
	if (rule_remove(s, id, e) == -1)
		return -1;
	if (sqlstore_rule_insert(s, pid, pos, &nr, e) == -1)
		return ipp_err_prefix(e, "policy '%s'", policy);
	return sqlstore_policy_touch(s, pid, e);
}

int
sqlstore_rule_delete(struct ipp_store *st, const char *policy, const char *key,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_int64 pid, id, pos;
	char guid[IPP_GUID_SIZE];

	if (sqlstore_id(s, IPP_OBJ_POLICY, policy, &pid, e) == -1 ||
	    rule_find(s, pid, policy, key, &id, &pos, guid, e) == -1 ||
	    rule_remove(s, id, e) == -1)
		return -1;
	return sqlstore_policy_touch(s, pid, e);
}
