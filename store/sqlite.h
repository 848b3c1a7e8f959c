/*
 * Internals of the SQLite backend, shared by store/sqlite*.c only.
 *
 * The file is an ordinary SQLite database in rollback-journal mode, marked as ours with
 * PRAGMA application_id and versioned with PRAGMA user_version (schema/ipsecpol.sql).
 */
#ifndef IPP_SQLITE_H
#define IPP_SQLITE_H

#include <sqlite3.h>

#include "store/backend.h"

#define SQLSTORE_APP_ID		0x49505350	/* "IPSP" */
#define SQLSTORE_BUSY_MS	5000
#define SQLSTORE_NSTMT		128	/* the backend has about 60 distinct queries */

struct sqlstore {
	struct ipp_store base;		/* first: what the front sees */
	sqlite3 *db;
	char *path;
	int busy_ms;
	bool made;			/* this open made the file; unlink it unless committed */
	struct {
		const char *sql;	/* the literal itself is the key */
		sqlite3_stmt *stmt;
	} stmts[SQLSTORE_NSTMT];
};

static inline struct sqlstore *
sqlstore_of(struct ipp_store *st)
{
	return (struct sqlstore *)st;
}

/* ---- store/sqlite.c: connection, statements, errors ---- */
/* The cached prepared statement for sql (a string literal), reset and unbound. */
sqlite3_stmt *sqlstore_stmt(struct sqlstore *s, const char *sql, struct ipp_err *e);
/* Resets a statement and drops its bindings (which may point at a preshared key). */
void sqlstore_done(sqlite3_stmt *stmt);
/* Maps an SQLite result code to an ipp_err naming the file and what was being done. */
int sqlstore_err(struct sqlstore *s, int rc, const char *what, struct ipp_err *e);
/* Names the file in a store error that does not yet (a bad value read from a column). */
void sqlstore_err_where(struct sqlstore *s, struct ipp_err *e);
int sqlstore_exec(struct sqlstore *s, const char *sql, struct ipp_err *e);
/* Steps a statement that returns no row, then sqlstore_done. */
int sqlstore_run(struct sqlstore *s, sqlite3_stmt *stmt, const char *what, struct ipp_err *e);
/* A copy of a text column, NULL for NULL; -1 only when out of memory. */
int sqlstore_text(sqlite3_stmt *stmt, int col, char **out, struct ipp_err *e);
/* The row id of the object of that kind named key (a name or a braced GUID). */
int sqlstore_id(struct sqlstore *s, enum ipp_objkind kind, const char *key,
    sqlite3_int64 *id, struct ipp_err *e);
/* IPP_E_EXIST if another object of that kind (not self, 0 for none) has the name or guid. */
int sqlstore_unique(struct sqlstore *s, enum ipp_objkind kind, const char *name,
    const char *guid, sqlite3_int64 self, struct ipp_err *e);
const char *sqlstore_kind_name(enum ipp_objkind kind);

/* ---- store/sqlite_schema.c: file checks, creation, migrations ---- */
/* Checks the file header without SQLite, so nothing is written to a file that is not
 * ours.  *empty is set for a zero-length file (a store being created). */
int sqlstore_header_check(struct sqlstore *s, int fd, bool *empty, struct ipp_err *e);
/* Checks what SQLite sees (application id, version, integrity), then upgrades an older
 * schema unless read-only. */
int sqlstore_schema_check(struct sqlstore *s, struct ipp_err *e);
/* Inside a write transaction on an empty file: creates the schema. */
int sqlstore_schema_create(struct sqlstore *s, bool *created, struct ipp_err *e);
/* Runs the "-- @version N" sections of script with N > from, in order, setting
 * user_version after each; *to is the last version applied.  For the tests too. */
int sqlstore_migrate(sqlite3 *db, const char *script, int from, int *to, struct ipp_err *e);
/* The highest version in script, 0 if none. */
int sqlstore_script_version(const char *script);
extern const char sqlstore_schema_sql[];

/* The columns of a filter, in the order sqlstore_filter_read and _bind expect. */
#define SQLSTORE_FILTER_COLS "description, src_kind, src_addr, src_end, src_prefix, " \
	"dst_kind, dst_addr, dst_end, dst_prefix, proto, sport, dport, mirrored"
#define SQLSTORE_QM_COLS "proto, ah_hash, esp_cipher, esp_auth, life_s, life_kb, pfs, pfs_group"
#define SQLSTORE_AUTH_COLS "kind, value, certmap, excludecaname"

/* ---- store/sqlite_col.c: how model fields map to columns ---- */
/* An address is four columns: kind, addr, addr_end, prefix. */
int sqlstore_bind_addr(sqlite3_stmt *stmt, int col, const struct ipp_addr *a);
int sqlstore_read_addr(sqlite3_stmt *stmt, int col, struct ipp_addr *a, struct ipp_err *e);
/* Quick-mode offers, main-mode offers and authentication methods of one owner. */
int sqlstore_qm_put(struct sqlstore *s, const char *sql, sqlite3_int64 owner,
    const struct ipp_qm_offer *v, size_t n, struct ipp_err *e);
int sqlstore_qm_read(sqlite3_stmt *stmt, int col, struct ipp_qm_offer *o, struct ipp_err *e);
int sqlstore_mm_put(struct sqlstore *s, sqlite3_int64 policy, const struct ipp_mm_offer *v,
    size_t n, struct ipp_err *e);
int sqlstore_mm_read(sqlite3_stmt *stmt, int col, struct ipp_mm_offer *o, struct ipp_err *e);
int sqlstore_auth_put(struct sqlstore *s, const char *sql, sqlite3_int64 owner,
    const struct ipp_auth *v, size_t n, struct ipp_err *e);
int sqlstore_auth_read(sqlite3_stmt *stmt, int col, struct ipp_auth *a, struct ipp_err *e);
const char *sqlstore_conntype_name(enum ipp_conntype c);
int sqlstore_conntype_read(sqlite3_stmt *stmt, int col, enum ipp_conntype *c,
    struct ipp_err *e);
const char *sqlstore_action_name(enum ipp_action a);
int sqlstore_action_read(sqlite3_stmt *stmt, int col, enum ipp_action *a, struct ipp_err *e);
int sqlstore_filter_read(sqlite3_stmt *stmt, int col, struct ipp_filter *f,
    struct ipp_err *e);
int sqlstore_filter_bind(sqlite3_stmt *stmt, int col, const struct ipp_filter *f);

/* ---- the operations, one file per object kind ---- */
int sqlstore_list(struct ipp_store *st, enum ipp_objkind kind, struct ipp_names *out,
    struct ipp_err *e);
int sqlstore_users(struct ipp_store *st, enum ipp_objkind kind, const char *key,
    struct ipp_users *out, struct ipp_err *e);

/* store/sqlite_policy.c */
int sqlstore_policy_create(struct ipp_store *st, const struct ipp_policy *p,
    struct ipp_err *e);
int sqlstore_policy_update(struct ipp_store *st, const char *key, const struct ipp_policy *p,
    struct ipp_err *e);
int sqlstore_policy_delete(struct ipp_store *st, const char *key, struct ipp_err *e);
int sqlstore_assign(struct ipp_store *st, const char *key, struct ipp_err *e);
int sqlstore_unassign(struct ipp_store *st, struct ipp_err *e);
int sqlstore_assigned(struct ipp_store *st, char **name, struct ipp_err *e);

/* store/sqlite_load.c */
int sqlstore_policy_get(struct ipp_store *st, const char *key, struct ipp_policy_tree *out,
    struct ipp_err *e);

/* store/sqlite_filter.c */
int sqlstore_filterlist_get(struct ipp_store *st, const char *key, struct ipp_filterlist *out,
    struct ipp_err *e);
int sqlstore_filterlist_create(struct ipp_store *st, const struct ipp_filterlist *fl,
    struct ipp_err *e);
int sqlstore_filterlist_update(struct ipp_store *st, const char *key,
    const struct ipp_filterlist *fl, struct ipp_err *e);
int sqlstore_filterlist_delete(struct ipp_store *st, const char *key, struct ipp_err *e);
int sqlstore_filter_add(struct ipp_store *st, const char *list, const struct ipp_filter *f,
    struct ipp_err *e);
int sqlstore_filter_delete(struct ipp_store *st, const char *list,
    const struct ipp_filter *match, struct ipp_err *e);

/* store/sqlite_action.c */
int sqlstore_filteraction_get(struct ipp_store *st, const char *key,
    struct ipp_filteraction *out, struct ipp_err *e);
int sqlstore_filteraction_create(struct ipp_store *st, const struct ipp_filteraction *fa,
    struct ipp_err *e);
int sqlstore_filteraction_update(struct ipp_store *st, const char *key,
    const struct ipp_filteraction *fa, struct ipp_err *e);
int sqlstore_filteraction_delete(struct ipp_store *st, const char *key, struct ipp_err *e);

/* The action's own columns from a row of SQLSTORE_ACTION_COLS. */
#define SQLSTORE_ACTION_COLS "guid, name, description, action, inpass, soft, changed"
int sqlstore_action_row(sqlite3_stmt *stmt, struct ipp_filteraction *fa, struct ipp_err *e);

/* store/sqlite_rule.c */
int sqlstore_rule_insert(struct sqlstore *s, sqlite3_int64 policy, sqlite3_int64 pos,
    const struct ipp_rule *r, struct ipp_err *e);
int sqlstore_policy_touch(struct sqlstore *s, sqlite3_int64 policy, struct ipp_err *e);
int sqlstore_rule_create(struct ipp_store *st, const char *policy, const struct ipp_rule *r,
    struct ipp_err *e);
int sqlstore_rule_update(struct ipp_store *st, const char *policy, const char *key,
    const struct ipp_rule *r, struct ipp_err *e);
int sqlstore_rule_delete(struct ipp_store *st, const char *policy, const char *key,
    struct ipp_err *e);

#endif
