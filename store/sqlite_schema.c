/* sqlstore_schema: recognising our file, creating its schema, migrating it forward. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/sqlite.h"

/* The tables a store of the current version has; a file without them is not usable. */
static const char *const schema_tables[] = {
	"policy", "mm_offer", "filterlist", "filter", "filteraction", "action_offer",
	"defrule_offer", "rule", "rule_auth", "defrule_auth",
};

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int
refuse(struct sqlstore *s, struct ipp_err *e, const char *why, ...)
    __attribute__((format(printf, 3, 4)));

static int
refuse(struct sqlstore *s, struct ipp_err *e, const char *why, ...)
{
	char buf[384];
	va_list ap;

	va_start(ap, why);
	vsnprintf(buf, sizeof(buf), why, ap);
	va_end(ap);
	return ipp_errf(e, IPP_E_STORE, "%s: %s; the file was left untouched",
	    s->base.where, buf);
}

static bool
hot_journal(struct sqlstore *s)
{
	char path[PATH_MAX];
	struct stat sb;

	if (snprintf(path, sizeof(path), "%s-journal", s->path) >= (int)sizeof(path))
		return false;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

int
sqlstore_header_check(struct sqlstore *s, int fd, bool *empty, struct ipp_err *e)
{
	static const char magic[16] = "SQLite format 3";
	unsigned char h[100];
	unsigned pagesize;
	uint32_t appid, version;
	struct stat sb;
	ssize_t n;

	*empty = false;
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode))
		return refuse(s, e, "not a regular file");
	if (sb.st_size == 0) {
		*empty = true;
		return 0;
	}
	n = pread(fd, h, sizeof(h), 0);
	if (n != (ssize_t)sizeof(h) || memcmp(h, magic, sizeof(magic)) != 0)
		return refuse(s, e, "not an SQLite database (no SQLite header): the file is "
		    "corrupt or not an ipsecpol store");
	appid = be32(h + 68);
	version = be32(h + 60);
	if (appid != SQLSTORE_APP_ID)
		return refuse(s, e, "an SQLite database of another program (application_id "
		    "0x%08x, ipsecpol's is 0x%08x)", appid, SQLSTORE_APP_ID);
	if (version > (uint32_t)sqlstore_script_version(sqlstore_schema_sql))
		return refuse(s, e, "schema version %u is newer than version %d, the newest "
		    "this ipsecpol knows; use a newer ipsecpol", version,
		    sqlstore_script_version(sqlstore_schema_sql));
	/* Our stores never use WAL; opening one would create -wal and -shm files. */
	if (h[18] != 1 || h[19] != 1)
		return refuse(s, e, "the file is in WAL or an unknown journal mode (header "
		    "bytes %u,%u), which ipsecpol does not use", h[18], h[19]);
	pagesize = (unsigned)h[16] << 8 | h[17];
	if (pagesize == 1)
		pagesize = 65536;
	if (pagesize < 512 || (pagesize & (pagesize - 1)) != 0)
		return refuse(s, e, "the file is corrupt (page size %u)", pagesize);
	/* A writer that crashed may have left a torn tail that its hot journal will
	 * undo when SQLite opens the file: the size says nothing then. */
	if (sb.st_size % pagesize != 0 && !hot_journal(s))
		return refuse(s, e, "the file is corrupt (size %jd is not a multiple of the "
		    "page size %u)", (intmax_t)sb.st_size, pagesize);
	return 0;
}

static int
pragma_int(struct sqlstore *s, const char *sql, int *out, struct ipp_err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(s->db, sql, -1, &stmt, NULL);
	if (rc == SQLITE_OK) {
		rc = sqlite3_step(stmt);
		if (rc == SQLITE_ROW) {
			*out = sqlite3_column_int(stmt, 0);
			rc = SQLITE_OK;
		}
		sqlite3_finalize(stmt);
	}
	if (rc != SQLITE_OK)
		return sqlstore_err(s, sqlite3_extended_errcode(s->db), sql, e);
	return 0;
}

/* PRAGMA quick_check: reads every page, so a damaged file is refused at open rather
 * than failing half-way through some later write. */
static int
quick_check(struct sqlstore *s, struct ipp_err *e)
{
	sqlite3_stmt *stmt;
	int rc;

	rc = sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &stmt, NULL);
	if (rc != SQLITE_OK)
		return refuse(s, e, "the file is corrupt (%s)", sqlite3_errmsg(s->db));
	rc = sqlite3_step(stmt);
	if (rc != SQLITE_ROW) {
		refuse(s, e, "the file is corrupt (%s)", sqlite3_errmsg(s->db));
		sqlite3_finalize(stmt);
		return -1;
	}
	if (strcmp((const char *)sqlite3_column_text(stmt, 0), "ok") != 0) {
		refuse(s, e, "the file is corrupt (integrity check: %s)",
		    (const char *)sqlite3_column_text(stmt, 0));
		sqlite3_finalize(stmt);
		return -1;
	}
	sqlite3_finalize(stmt);
	return 0;
}

static int
tables_check(struct sqlstore *s, struct ipp_err *e)
{
	sqlite3_stmt *stmt;
	int rc, present;

	for (size_t i = 0; i < sizeof(schema_tables) / sizeof(schema_tables[0]); i++) {
		rc = sqlite3_prepare_v2(s->db, "SELECT count(*) FROM sqlite_schema "
		    "WHERE type = 'table' AND name = ?1", -1, &stmt, NULL);
		if (rc != SQLITE_OK)
			return sqlstore_err(s, rc, "reading the schema", e);
		sqlite3_bind_text(stmt, 1, schema_tables[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(stmt);
		present = rc == SQLITE_ROW ? sqlite3_column_int(stmt, 0) : -1;
		sqlite3_finalize(stmt);
		if (present == -1)
			return sqlstore_err(s, rc, "reading the schema", e);
		if (present == 0)
			return refuse(s, e, "the file is damaged: table '%s' is missing",
			    schema_tables[i]);
	}
	return 0;
}

static int
read_check(struct sqlstore *s, int *version, struct ipp_err *e)
{
	int appid, latest = sqlstore_script_version(sqlstore_schema_sql);

	/* The header said the same, but SQLite's view is the one that counts (a hot
	 * journal, had there been one, was rolled back by now). */
	if (pragma_int(s, "PRAGMA application_id", &appid, e) == -1 ||
	    pragma_int(s, "PRAGMA user_version", version, e) == -1)
		return -1;
	if ((uint32_t)appid != SQLSTORE_APP_ID)
		return refuse(s, e, "an SQLite database of another program (application_id "
		    "0x%08x)", (uint32_t)appid);
	if (*version > latest)
		return refuse(s, e, "schema version %d is newer than version %d, the newest "
		    "this ipsecpol knows; use a newer ipsecpol", *version, latest);
	if (*version < 1)
		return refuse(s, e, "the file is damaged: it has no schema version");
	if (quick_check(s, e) == -1)
		return -1;
	if (*version == latest)
		return tables_check(s, e);
	return 0;
}

int
sqlstore_schema_check(struct sqlstore *s, struct ipp_err *e)
{
	int version, latest = sqlstore_script_version(sqlstore_schema_sql);
	int rc;

	if (sqlstore_exec(s, "BEGIN", e) == -1)
		return -1;
	rc = read_check(s, &version, e);
	sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == -1 || version == latest)
		return rc;
	if (s->base.flags & IPP_STORE_RDONLY)
		return refuse(s, e, "schema version %d is older than %d; open the store "
		    "read-write once to upgrade it", version, latest);
	if (sqlstore_exec(s, "BEGIN IMMEDIATE", e) == -1)
		return -1;
	/* Read the version again under the lock: another process may have upgraded. */
	if (pragma_int(s, "PRAGMA user_version", &version, e) == -1 ||
	    sqlstore_migrate(s->db, sqlstore_schema_sql, version, &version, e) == -1 ||
	    tables_check(s, e) == -1 || sqlstore_exec(s, "COMMIT", e) == -1) {
		ipp_err_prefix(e, "%s: upgrading the schema", s->base.where);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

int
sqlstore_schema_create(struct sqlstore *s, bool *created, struct ipp_err *e)
{
	int version, appid, ntables;
	char sql[64];

	*created = false;
	if (pragma_int(s, "PRAGMA user_version", &version, e) == -1 ||
	    pragma_int(s, "PRAGMA application_id", &appid, e) == -1 ||
	    pragma_int(s, "SELECT count(*) FROM sqlite_schema", &ntables, e) == -1)
		return -1;
	if (version != 0 || appid != 0 || ntables != 0)
		return 0;	/* someone else made it meanwhile; the checks follow */
	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d", (int)SQLSTORE_APP_ID);
	if (sqlstore_exec(s, sql, e) == -1 ||
	    sqlstore_migrate(s->db, sqlstore_schema_sql, 0, &version, e) == -1)
		return ipp_err_prefix(e, "%s: creating the schema", s->base.where);
	*created = true;
	return 0;
}

/* The next "-- @version N" line at or after p: its number, and where its section starts. */
static const char *
next_section(const char *p, int *version, const char **body)
{
	static const char tag[] = "-- @version ";

	for (;;) {
		if (strncmp(p, tag, sizeof(tag) - 1) == 0) {
			*version = atoi(p + sizeof(tag) - 1);
			*body = strchr(p, '\n');
			if (*body == NULL)
				*body = p + strlen(p);
			return p;
		}
		if ((p = strchr(p, '\n')) == NULL)
			return NULL;
		p++;
	}
}

int
sqlstore_script_version(const char *script)
{
	const char *p = script, *body;
	int v, last = 0;

	while ((p = next_section(p, &v, &body)) != NULL) {
		last = v;
		p = body;
	}
	return last;
}

static int
run_section(sqlite3 *db, const char *body, size_t len, int version, struct ipp_err *e)
{
	char *sql, pragma[48];
	int rc;

	if ((sql = strndup(body, len)) == NULL)
		return ipp_errf(e, IPP_E_NOMEM, "out of memory");
	rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	free(sql);
	if (rc == SQLITE_OK) {
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %d", version);
		rc = sqlite3_exec(db, pragma, NULL, NULL, NULL);
	}
	if (rc != SQLITE_OK)
		return ipp_errf(e, IPP_E_STORE, "schema section %d failed: %s", version,
		    sqlite3_errmsg(db));
	return 0;
}

int
sqlstore_migrate(sqlite3 *db, const char *script, int from, int *to, struct ipp_err *e)
{
	const char *p, *body, *next, *nbody = NULL;
	int v, nv = 0, expect = 1;

	*to = from;
	for (p = next_section(script, &v, &body); p != NULL; p = next, v = nv, body = nbody) {
		next = next_section(body, &nv, &nbody);
		if (v != expect++)
			return ipp_errf(e, IPP_E_STORE, "schema script: section %d where %d "
			    "was expected", v, expect - 1);
		if (v <= from)
			continue;
		if (run_section(db, body, next != NULL ? (size_t)(next - body) : strlen(body),
		    v, e) == -1)
			return -1;
		*to = v;
	}
	return 0;
}
