/* sqlstore_names: finding objects by name or GUID, listing them, and who uses them. */
#include <stdio.h>
#include <string.h>

#include "store/sqlite.h"

#define KINDS 3

static const char *const kind_names[KINDS] = {
	[IPP_OBJ_POLICY] = "policy",
	[IPP_OBJ_FILTERLIST] = "filter list",
	[IPP_OBJ_FILTERACTION] = "filter action",
};

static const char *const by_name[KINDS] = {
	[IPP_OBJ_POLICY] = "SELECT id FROM policy WHERE name = ?1",
	[IPP_OBJ_FILTERLIST] = "SELECT id FROM filterlist WHERE name = ?1",
	[IPP_OBJ_FILTERACTION] = "SELECT id FROM filteraction WHERE name = ?1",
};

static const char *const by_guid[KINDS] = {
	[IPP_OBJ_POLICY] = "SELECT id FROM policy WHERE guid = upper(?1)",
	[IPP_OBJ_FILTERLIST] = "SELECT id FROM filterlist WHERE guid = upper(?1)",
	[IPP_OBJ_FILTERACTION] = "SELECT id FROM filteraction WHERE guid = upper(?1)",
};

static const char *const clash[KINDS] = {
	[IPP_OBJ_POLICY] = "SELECT name, guid FROM policy "
	    "WHERE (name = ?1 OR guid = upper(?2)) AND id != ?3",
	[IPP_OBJ_FILTERLIST] = "SELECT name, guid FROM filterlist "
	    "WHERE (name = ?1 OR guid = upper(?2)) AND id != ?3",
	[IPP_OBJ_FILTERACTION] = "SELECT name, guid FROM filteraction "
	    "WHERE (name = ?1 OR guid = upper(?2)) AND id != ?3",
};

static const char *const listing[KINDS] = {
	[IPP_OBJ_POLICY] = "SELECT name FROM policy ORDER BY name",
	[IPP_OBJ_FILTERLIST] = "SELECT name FROM filterlist ORDER BY name",
	[IPP_OBJ_FILTERACTION] = "SELECT name FROM filteraction ORDER BY name",
};

static const char *const using_rules[KINDS] = {
	[IPP_OBJ_POLICY] = NULL,
	[IPP_OBJ_FILTERLIST] = "SELECT r.name, p.name FROM rule r "
	    "JOIN policy p ON p.id = r.policy_id WHERE r.filterlist_id = ?1 "
	    "ORDER BY p.name, r.name",
	[IPP_OBJ_FILTERACTION] = "SELECT r.name, p.name FROM rule r "
	    "JOIN policy p ON p.id = r.policy_id WHERE r.action_id = ?1 "
	    "ORDER BY p.name, r.name",
};

const char *
sqlstore_kind_name(enum ipp_objkind kind)
{
	return kind_names[kind];
}

int
sqlstore_id(struct sqlstore *s, enum ipp_objkind kind, const char *key, sqlite3_int64 *id,
    struct ipp_err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	stmt = sqlstore_stmt(s, ipp_guid_valid(key) ? by_guid[kind] : by_name[kind], e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(stmt, 0);
	else if (rc != SQLITE_DONE)
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "looking up an object", e);
	sqlstore_done(stmt);
	if (rc == SQLITE_DONE)
		return ipp_errf(e, IPP_E_NOENT, "%s '%s' does not exist", kind_names[kind], key);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
sqlstore_unique(struct sqlstore *s, enum ipp_objkind kind, const char *name,
    const char *guid, sqlite3_int64 self, struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, clash[kind], e);
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, guid, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 3, self);
	rc = sqlite3_step(stmt);
	if (rc == SQLITE_ROW) {
		const char *other = (const char *)sqlite3_column_text(stmt, 0);

		if (strcmp(other, name) == 0)
			ipp_errf(e, IPP_E_EXIST, "%s '%s' already exists", kind_names[kind],
			    name);
		else
			ipp_errf(e, IPP_E_EXIST, "%s '%s': GUID %s is already used by %s '%s'",
			    kind_names[kind], name, guid, kind_names[kind], other);
	} else if (rc != SQLITE_DONE)
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "checking names", e);
	sqlstore_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
sqlstore_list(struct ipp_store *st, enum ipp_objkind kind, struct ipp_names *out,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt = sqlstore_stmt(s, listing[kind], e);
	int rc;

	if (stmt == NULL)
		return -1;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(stmt, 0);

		/* A damaged file can hold a NULL name (found by fuzz_store_file). */
		if (name == NULL) {
			ipp_errf(e, IPP_E_STORE, "%s: a %s without a name; the store is damaged",
			    st->where, kind_names[kind]);
			break;
		}
		if (ipp_names_push(out, name, e) == -1)
			break;
	}
	sqlstore_done(stmt);
	if (rc == SQLITE_ROW)
		return -1;
	if (rc != SQLITE_DONE)
		return sqlstore_err(s, sqlite3_extended_errcode(s->db), "listing", e);
	return 0;
}

static int
users_collect(struct sqlstore *s, sqlite3_stmt *stmt, struct ipp_users *out,
    struct ipp_err *e)
{
	char buf[2 * IPP_NAME_MAX + 32];
	int rc;

	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		const char *rule = (const char *)sqlite3_column_text(stmt, 0);
		const char *pol = (const char *)sqlite3_column_text(stmt, 1);
		struct ipp_names *p = &out->policies;

		snprintf(buf, sizeof(buf), "'%s' (policy '%s')", rule, pol);
		if (ipp_names_push(&out->rules, buf, e) == -1)
			return -1;
		/* Rows come sorted by policy: each policy once. */
		if ((p->n == 0 || strcmp(p->v[p->n - 1], pol) != 0) &&
		    ipp_names_push(p, pol, e) == -1)
			return -1;
	}
	if (rc != SQLITE_DONE)
		return sqlstore_err(s, sqlite3_extended_errcode(s->db), "finding users", e);
	return 0;
}

int
sqlstore_users(struct ipp_store *st, enum ipp_objkind kind, const char *key,
    struct ipp_users *out, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;
	int rc;

	if (sqlstore_id(s, kind, key, &id, e) == -1)
		return -1;
	if (using_rules[kind] == NULL)
		return 0;
	if ((stmt = sqlstore_stmt(s, using_rules[kind], e)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = users_collect(s, stmt, out, e);
	sqlstore_done(stmt);
	return rc;
}
