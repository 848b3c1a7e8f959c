/* sqlstore_filter: filter lists and their filters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "store/sqlite.h"

static const char filter_insert[] = "INSERT INTO filter (list_id, pos, "
    SQLSTORE_FILTER_COLS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, "
    "?14, ?15)";

static int
filter_insert_one(struct sqlstore *s, sqlite3_int64 list, sqlite3_int64 pos,
    const struct ipp_filter *f, struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, filter_insert, e);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, list);
	sqlite3_bind_int64(stmt, 2, pos);
	sqlstore_filter_bind(stmt, 3, f);
	return sqlstore_run(s, stmt, "storing a filter", e);
}

static int
touch(struct sqlstore *s, sqlite3_int64 id, struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "UPDATE filterlist SET changed = ?2 WHERE id = ?1",
	    e);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, (sqlite3_int64)time(NULL));
	return sqlstore_run(s, stmt, "updating a filter list", e);
}

static int
filters_read(struct sqlstore *s, sqlite3_int64 id, struct ipp_filterlist *fl,
    struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "SELECT " SQLSTORE_FILTER_COLS
	    " FROM filter WHERE list_id = ?1 ORDER BY pos", e);
	struct ipp_filter f;
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if (sqlstore_filter_read(stmt, 0, &f, e) == -1)
			break;
		if (ipp_array_push(&fl->filters, &fl->nfilters, sizeof(f), &f) == NULL) {
			ipp_filter_clear(&f);
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "reading filters", e);
	sqlstore_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
sqlstore_filterlist_get(struct ipp_store *st, const char *key, struct ipp_filterlist *out,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;
	int rc = -1;

	if (sqlstore_id(s, IPP_OBJ_FILTERLIST, key, &id, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "SELECT guid, name, description, changed FROM filterlist "
	    "WHERE id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	if (sqlite3_step(stmt) != SQLITE_ROW) {
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "reading a filter list", e);
	} else {
		snprintf(out->guid, sizeof(out->guid), "%s", sqlite3_column_text(stmt, 0));
		out->changed = (time_t)sqlite3_column_int64(stmt, 3);
		if (sqlstore_text(stmt, 1, &out->name, e) == 0 &&
		    sqlstore_text(stmt, 2, &out->description, e) == 0)
			rc = 0;
	}
	sqlstore_done(stmt);
	if (rc == 0)
		rc = filters_read(s, id, out, e);
	if (rc == -1) {
		sqlstore_err_where(sqlstore_of(st), e);
		ipp_filterlist_clear(out);
	}
	return rc;
}

int
sqlstore_filterlist_create(struct ipp_store *st, const struct ipp_filterlist *fl,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;

	if (sqlstore_unique(s, IPP_OBJ_FILTERLIST, fl->name, fl->guid, 0, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "INSERT INTO filterlist (guid, name, description, changed) "
	    "VALUES (upper(?1), ?2, ?3, ?4)", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_text(stmt, 1, fl->guid, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 2, fl->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, fl->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)time(NULL));
	if (sqlstore_run(s, stmt, "storing a filter list", e) == -1)
		return -1;
	id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < fl->nfilters; i++)
		if (filter_insert_one(s, id, (sqlite3_int64)i, &fl->filters[i], e) == -1)
			return -1;
	return 0;
}

int
sqlstore_filterlist_update(struct ipp_store *st, const char *key,
    const struct ipp_filterlist *fl, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;

	if (sqlstore_id(s, IPP_OBJ_FILTERLIST, key, &id, e) == -1 ||
	    sqlstore_unique(s, IPP_OBJ_FILTERLIST, fl->name, "", id, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "UPDATE filterlist SET name = ?2, description = ?3, "
	    "changed = ?4 WHERE id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_text(stmt, 2, fl->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(stmt, 3, fl->description, -1, SQLITE_STATIC);
	sqlite3_bind_int64(stmt, 4, (sqlite3_int64)time(NULL));
	return sqlstore_run(s, stmt, "updating a filter list", e);
}

int
sqlstore_filterlist_delete(struct ipp_store *st, const char *key, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id;

	if (sqlstore_id(s, IPP_OBJ_FILTERLIST, key, &id, e) == -1)
		return -1;
	if ((stmt = sqlstore_stmt(s, "DELETE FROM filterlist WHERE id = ?1", e)) == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	return sqlstore_run(s, stmt, "deleting a filter list", e);
}

int
sqlstore_filter_add(struct ipp_store *st, const char *list, const struct ipp_filter *f,
    struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_stmt *stmt;
	sqlite3_int64 id, pos;
	int rc;

	if (sqlstore_id(s, IPP_OBJ_FILTERLIST, list, &id, e) == -1)
		return -1;
	stmt = sqlstore_stmt(s, "SELECT coalesce(max(pos) + 1, 0) FROM filter "
	    "WHERE list_id = ?1", e);
	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	rc = sqlite3_step(stmt);
	pos = sqlite3_column_int64(stmt, 0);
	sqlstore_done(stmt);
	if (rc != SQLITE_ROW)
		return sqlstore_err(s, sqlite3_extended_errcode(s->db), "adding a filter", e);
	if (filter_insert_one(s, id, pos, f, e) == -1)
		return -1;
	return touch(s, id, e);
}

static bool
addr_equal(const struct ipp_addr *a, const struct ipp_addr *b)
{
	size_t len = a->family == AF_INET6 ? 16 : 4;

	if (a->kind != b->kind)
		return false;
	switch (a->kind) {
	case IPP_ADDR_NET:
		return a->family == b->family && a->prefix == b->prefix &&
		    memcmp(&a->ip, &b->ip, len) == 0;
	case IPP_ADDR_RANGE:
		return a->family == b->family && memcmp(&a->ip, &b->ip, len) == 0 &&
		    memcmp(&a->ip_end, &b->ip_end, len) == 0;
	case IPP_ADDR_DNSNAME:
		return a->dns != NULL && b->dns != NULL && strcasecmp(a->dns, b->dns) == 0;
	default:
		return true;
	}
}

/* netsh's "delete filter" matches on the traffic a filter selects, not its description. */
static bool
filter_equal(const struct ipp_filter *a, const struct ipp_filter *b)
{
	return addr_equal(&a->src, &b->src) && addr_equal(&a->dst, &b->dst) &&
	    a->proto == b->proto && a->sport == b->sport && a->dport == b->dport &&
	    a->mirrored == b->mirrored;
}

static int
delete_at(struct sqlstore *s, sqlite3_int64 id, sqlite3_int64 pos, struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "DELETE FROM filter WHERE list_id = ?1 "
	    "AND pos = ?2", e);

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	sqlite3_bind_int64(stmt, 2, pos);
	return sqlstore_run(s, stmt, "deleting a filter", e);
}

/* Positions of the filters of list id equal to match; *n of them. */
static int
matching(struct sqlstore *s, sqlite3_int64 id, const struct ipp_filter *match,
    sqlite3_int64 **pos, size_t *n, struct ipp_err *e)
{
	sqlite3_stmt *stmt = sqlstore_stmt(s, "SELECT pos, " SQLSTORE_FILTER_COLS
	    " FROM filter WHERE list_id = ?1 ORDER BY pos", e);
	struct ipp_filter f;
	int rc;

	if (stmt == NULL)
		return -1;
	sqlite3_bind_int64(stmt, 1, id);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		sqlite3_int64 p = sqlite3_column_int64(stmt, 0);
		bool eq;

		if (sqlstore_filter_read(stmt, 1, &f, e) == -1)
			break;
		eq = filter_equal(&f, match);
		ipp_filter_clear(&f);
		if (eq && ipp_array_push(pos, n, sizeof(p), &p) == NULL) {
			ipp_errf(e, IPP_E_NOMEM, "out of memory");
			break;
		}
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		sqlstore_err(s, sqlite3_extended_errcode(s->db), "reading filters", e);
	sqlstore_done(stmt);
	return rc == SQLITE_DONE ? 0 : -1;
}

int
sqlstore_filter_delete(struct ipp_store *st, const char *list,
    const struct ipp_filter *match, struct ipp_err *e)
{
	struct sqlstore *s = sqlstore_of(st);
	sqlite3_int64 id, *pos = NULL;
	size_t n = 0;
	int rc;

	if (sqlstore_id(s, IPP_OBJ_FILTERLIST, list, &id, e) == -1 ||
	    matching(s, id, match, &pos, &n, e) == -1) {
		free(pos);
		return -1;
	}
	if (n == 0) {
		char src[IPP_ADDR_STRLEN], dst[IPP_ADDR_STRLEN];

		rc = ipp_errf(e, IPP_E_NOENT, "filter list '%s' has no filter %s -> %s "
		    "protocol %u ports %u -> %u%s", list,
		    ipp_addr_format(&match->src, src, sizeof(src)),
		    ipp_addr_format(&match->dst, dst, sizeof(dst)), match->proto,
		    match->sport, match->dport, match->mirrored ? " mirrored" : "");
	} else {
		rc = 0;
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = delete_at(s, id, pos[i], e);
		if (rc == 0)
			rc = touch(s, id, e);
	}
	free(pos);
	return rc;
}
