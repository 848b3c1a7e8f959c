/* sqlstore_col: how the model's fields map to columns, both ways. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "store/sqlite.h"

static const char *const addr_kinds[] = {
	[IPP_ADDR_NONE] = NULL, [IPP_ADDR_ME] = "me", [IPP_ADDR_ANY] = "any",
	[IPP_ADDR_NET] = "net", [IPP_ADDR_RANGE] = "range", [IPP_ADDR_DNSNAME] = "dnsname",
	[IPP_ADDR_SRV_DNS] = "dns", [IPP_ADDR_SRV_WINS] = "wins", [IPP_ADDR_SRV_DHCP] = "dhcp",
	[IPP_ADDR_SRV_GATEWAY] = "gateway",
};
#define NADDR_KINDS (sizeof(addr_kinds) / sizeof(addr_kinds[0]))

static const char *const qm_protos[] = {
	[IPP_QM_ESP] = "esp", [IPP_QM_AH] = "ah", [IPP_QM_AH_ESP] = "ah+esp",
};
static const char *const auth_kinds[] = {
	[IPP_AUTH_KERBEROS] = "kerberos", [IPP_AUTH_PSK] = "psk", [IPP_AUTH_CERT] = "cert",
};
static const char *const conntypes[] = {
	[IPP_CONN_ALL] = "all", [IPP_CONN_LAN] = "lan", [IPP_CONN_DIALUP] = "dialup",
};
static const char *const actions[] = {
	[IPP_ACTION_PERMIT] = "permit", [IPP_ACTION_BLOCK] = "block",
	[IPP_ACTION_NEGOTIATE] = "negotiate",
};

static int
bad_value(sqlite3_stmt *stmt, int col, const char *text, struct ipp_err *e)
{
	char shown[IPP_PRINTABLE_MAX];

	/* The text comes from the file, which may have been crafted. */
	return ipp_errf(e, IPP_E_STORE, "the store holds a bad value in column %s: '%s'",
	    sqlite3_column_name(stmt, col),
	    text != NULL ? ipp_str_printable(text, shown, sizeof(shown)) : "NULL");
}

/* The index of the column's text in names, or -1 with e set. */
static int
enum_read(sqlite3_stmt *stmt, int col, const char *const *names, size_t n,
    struct ipp_err *e)
{
	const char *t = (const char *)sqlite3_column_text(stmt, col);

	for (size_t i = 0; t != NULL && i < n; i++)
		if (names[i] != NULL && strcmp(names[i], t) == 0)
			return (int)i;
	return bad_value(stmt, col, t, e);
}

static const char *
enum_name(const char *const *names, size_t n, unsigned v)
{
	return v < n ? names[v] : NULL;
}

#define ENUM_READ(stmt, col, names, e) \
	enum_read(stmt, col, names, sizeof(names) / sizeof(names[0]), e)
#define ENUM_NAME(names, v) enum_name(names, sizeof(names) / sizeof(names[0]), (unsigned)(v))

const char *
sqlstore_conntype_name(enum ipp_conntype c)
{
	return ENUM_NAME(conntypes, c);
}

int
sqlstore_conntype_read(sqlite3_stmt *stmt, int col, enum ipp_conntype *c, struct ipp_err *e)
{
	int v = ENUM_READ(stmt, col, conntypes, e);

	*c = v;
	return v == -1 ? -1 : 0;
}

const char *
sqlstore_action_name(enum ipp_action a)
{
	return ENUM_NAME(actions, a);
}

int
sqlstore_action_read(sqlite3_stmt *stmt, int col, enum ipp_action *a, struct ipp_err *e)
{
	int v = ENUM_READ(stmt, col, actions, e);

	*a = v;
	return v == -1 ? -1 : 0;
}

static int
ip_bind(sqlite3_stmt *stmt, int col, int family, const union ipp_ip *ip)
{
	char buf[INET6_ADDRSTRLEN];

	if (inet_ntop(family, ip, buf, sizeof(buf)) == NULL)
		return sqlite3_bind_null(stmt, col);
	return sqlite3_bind_text(stmt, col, buf, -1, SQLITE_TRANSIENT);
}

int
sqlstore_bind_addr(sqlite3_stmt *stmt, int col, const struct ipp_addr *a)
{
	const char *kind = ENUM_NAME(addr_kinds, a->kind);

	if (kind == NULL)
		return sqlite3_bind_null(stmt, col);
	sqlite3_bind_text(stmt, col, kind, -1, SQLITE_STATIC);
	switch (a->kind) {
	case IPP_ADDR_NET:
		ip_bind(stmt, col + 1, a->family, &a->ip);
		return sqlite3_bind_int(stmt, col + 3, a->prefix);
	case IPP_ADDR_RANGE:
		ip_bind(stmt, col + 1, a->family, &a->ip);
		return ip_bind(stmt, col + 2, a->family, &a->ip_end);
	case IPP_ADDR_DNSNAME:
		return sqlite3_bind_text(stmt, col + 1, a->dns, -1, SQLITE_STATIC);
	default:
		return SQLITE_OK;
	}
}

static int
ip_read(sqlite3_stmt *stmt, int col, int *family, union ipp_ip *ip, struct ipp_err *e)
{
	const char *t = (const char *)sqlite3_column_text(stmt, col);

	if (t == NULL)
		return bad_value(stmt, col, t, e);
	*family = strchr(t, ':') != NULL ? AF_INET6 : AF_INET;
	if (inet_pton(*family, t, ip) != 1)
		return bad_value(stmt, col, t, e);
	return 0;
}

int
sqlstore_read_addr(sqlite3_stmt *stmt, int col, struct ipp_addr *a, struct ipp_err *e)
{
	int kind, family;

	memset(a, 0, sizeof(*a));
	if (sqlite3_column_type(stmt, col) == SQLITE_NULL)
		return 0;	/* IPP_ADDR_NONE */
	if ((kind = ENUM_READ(stmt, col, addr_kinds, e)) == -1)
		return -1;
	a->kind = kind;
	a->family = AF_UNSPEC;
	switch (a->kind) {
	case IPP_ADDR_NET:
		if (ip_read(stmt, col + 1, &a->family, &a->ip, e) == -1)
			return -1;
		a->prefix = (uint8_t)sqlite3_column_int(stmt, col + 3);
		break;
	case IPP_ADDR_RANGE:
		if (ip_read(stmt, col + 1, &a->family, &a->ip, e) == -1 ||
		    ip_read(stmt, col + 2, &family, &a->ip_end, e) == -1)
			return -1;
		if (family != a->family)
			return bad_value(stmt, col + 2, "(other family)", e);
		break;
	case IPP_ADDR_DNSNAME:
		if (sqlstore_text(stmt, col + 1, &a->dns, e) == -1)
			return -1;
		if (a->dns == NULL)
			return bad_value(stmt, col + 1, NULL, e);
		break;
	default:
		break;
	}
	return 0;
}

int
sqlstore_filter_bind(sqlite3_stmt *stmt, int col, const struct ipp_filter *f)
{
	sqlite3_bind_text(stmt, col, f->description, -1, SQLITE_STATIC);
	sqlstore_bind_addr(stmt, col + 1, &f->src);
	sqlstore_bind_addr(stmt, col + 5, &f->dst);
	sqlite3_bind_int(stmt, col + 9, f->proto);
	sqlite3_bind_int(stmt, col + 10, f->sport);
	sqlite3_bind_int(stmt, col + 11, f->dport);
	return sqlite3_bind_int(stmt, col + 12, f->mirrored);
}

int
sqlstore_filter_read(sqlite3_stmt *stmt, int col, struct ipp_filter *f, struct ipp_err *e)
{
	memset(f, 0, sizeof(*f));
	if (sqlstore_text(stmt, col, &f->description, e) == -1 ||
	    sqlstore_read_addr(stmt, col + 1, &f->src, e) == -1 ||
	    sqlstore_read_addr(stmt, col + 5, &f->dst, e) == -1) {
		ipp_filter_clear(f);
		return -1;
	}
	f->proto = (uint8_t)sqlite3_column_int(stmt, col + 9);
	f->sport = (uint16_t)sqlite3_column_int(stmt, col + 10);
	f->dport = (uint16_t)sqlite3_column_int(stmt, col + 11);
	f->mirrored = sqlite3_column_int(stmt, col + 12) != 0;
	return 0;
}

int
sqlstore_qm_put(struct sqlstore *s, const char *sql, sqlite3_int64 owner,
    const struct ipp_qm_offer *v, size_t n, struct ipp_err *e)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *stmt = sqlstore_stmt(s, sql, e);

		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, owner);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		sqlite3_bind_text(stmt, 3, ENUM_NAME(qm_protos, v[i].proto), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, ipp_hash_name(v[i].ah_hash), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 5, ipp_cipher_name(v[i].esp_cipher), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 6, ipp_hash_name(v[i].esp_auth), -1, SQLITE_STATIC);
		sqlite3_bind_int64(stmt, 7, v[i].life_s);
		sqlite3_bind_int64(stmt, 8, v[i].life_kb);
		sqlite3_bind_int(stmt, 9, v[i].pfs);
		sqlite3_bind_int(stmt, 10, v[i].pfs_group);
		if (sqlstore_run(s, stmt, "storing a quick-mode offer", e) == -1)
			return -1;
	}
	return 0;
}

static int
hash_read(sqlite3_stmt *stmt, int col, enum ipp_hash *h, struct ipp_err *e)
{
	const char *t = (const char *)sqlite3_column_text(stmt, col);
	int v = ipp_hash_from_name(t);

	if (v == -1)
		return bad_value(stmt, col, t, e);
	*h = v;
	return 0;
}

static int
cipher_read(sqlite3_stmt *stmt, int col, enum ipp_cipher *c, struct ipp_err *e)
{
	const char *t = (const char *)sqlite3_column_text(stmt, col);
	int v = ipp_cipher_from_name(t);

	if (v == -1)
		return bad_value(stmt, col, t, e);
	*c = v;
	return 0;
}

int
sqlstore_qm_read(sqlite3_stmt *stmt, int col, struct ipp_qm_offer *o, struct ipp_err *e)
{
	int proto;

	memset(o, 0, sizeof(*o));
	if ((proto = ENUM_READ(stmt, col, qm_protos, e)) == -1 ||
	    hash_read(stmt, col + 1, &o->ah_hash, e) == -1 ||
	    cipher_read(stmt, col + 2, &o->esp_cipher, e) == -1 ||
	    hash_read(stmt, col + 3, &o->esp_auth, e) == -1)
		return -1;
	o->proto = proto;
	o->life_s = (uint32_t)sqlite3_column_int64(stmt, col + 4);
	o->life_kb = (uint32_t)sqlite3_column_int64(stmt, col + 5);
	o->pfs = sqlite3_column_int(stmt, col + 6) != 0;
	o->pfs_group = (ipp_dhgroup)sqlite3_column_int(stmt, col + 7);
	return 0;
}

int
sqlstore_mm_put(struct sqlstore *s, sqlite3_int64 policy, const struct ipp_mm_offer *v,
    size_t n, struct ipp_err *e)
{
	static const char sql[] = "INSERT INTO mm_offer (policy_id, pos, cipher, hash, "
	    "dhgroup) VALUES (?1, ?2, ?3, ?4, ?5)";

	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *stmt = sqlstore_stmt(s, sql, e);

		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, policy);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		sqlite3_bind_text(stmt, 3, ipp_cipher_name(v[i].cipher), -1, SQLITE_STATIC);
		sqlite3_bind_text(stmt, 4, ipp_hash_name(v[i].hash), -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 5, v[i].group);
		if (sqlstore_run(s, stmt, "storing a main-mode offer", e) == -1)
			return -1;
	}
	return 0;
}

int
sqlstore_mm_read(sqlite3_stmt *stmt, int col, struct ipp_mm_offer *o, struct ipp_err *e)
{
	memset(o, 0, sizeof(*o));
	if (cipher_read(stmt, col, &o->cipher, e) == -1 ||
	    hash_read(stmt, col + 1, &o->hash, e) == -1)
		return -1;
	o->group = (ipp_dhgroup)sqlite3_column_int(stmt, col + 2);
	return 0;
}

int
sqlstore_auth_put(struct sqlstore *s, const char *sql, sqlite3_int64 owner,
    const struct ipp_auth *v, size_t n, struct ipp_err *e)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *stmt = sqlstore_stmt(s, sql, e);

		if (stmt == NULL)
			return -1;
		sqlite3_bind_int64(stmt, 1, owner);
		sqlite3_bind_int64(stmt, 2, (sqlite3_int64)i);
		sqlite3_bind_text(stmt, 3, ENUM_NAME(auth_kinds, v[i].kind), -1, SQLITE_STATIC);
		/* STATIC: SQLite takes no copy of a preshared key that it would not wipe;
		 * sqlstore_run drops the binding before the caller's buffer goes away. */
		sqlite3_bind_text(stmt, 4, v[i].value, -1, SQLITE_STATIC);
		sqlite3_bind_int(stmt, 5, v[i].certmap);
		sqlite3_bind_int(stmt, 6, v[i].excludecaname);
		if (sqlstore_run(s, stmt, "storing an authentication method", e) == -1)
			return -1;
	}
	return 0;
}

int
sqlstore_auth_read(sqlite3_stmt *stmt, int col, struct ipp_auth *a, struct ipp_err *e)
{
	int kind;

	memset(a, 0, sizeof(*a));
	if ((kind = ENUM_READ(stmt, col, auth_kinds, e)) == -1 ||
	    sqlstore_text(stmt, col + 1, &a->value, e) == -1)
		return -1;
	a->kind = kind;
	a->certmap = sqlite3_column_int(stmt, col + 2) != 0;
	a->excludecaname = sqlite3_column_int(stmt, col + 3) != 0;
	return 0;
}
