/* Helpers for the store tests (store_test.h). */
#include <arpa/inet.h>
#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/store/store_test.h"

static char tmpdir[256];

const char *
st_tmp_path(const char *name)
{
	static char buf[4][512];
	static int at;

	if (tmpdir[0] == '\0') {
		const char *base = getenv("TMPDIR");

		snprintf(tmpdir, sizeof(tmpdir), "%s/ipp-store-XXXXXX",
		    base != NULL ? base : "/tmp");
		ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	}
	at = (at + 1) % 4;
	snprintf(buf[at], sizeof(buf[at]), "%s/%s", tmpdir, name);
	return buf[at];
}

void
st_tmp_cleanup(void)
{
	DIR *d;
	struct dirent *de;
	char p[600];

	if (tmpdir[0] == '\0' || (d = opendir(tmpdir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", tmpdir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(tmpdir);
	tmpdir[0] = '\0';
}

const char *
st_journal(const char *path)
{
	static char buf[600];

	snprintf(buf, sizeof(buf), "%s-journal", path);
	return buf;
}

bool
st_has(const char *msg, const char *needle)
{
	return needle == NULL || strstr(msg, needle) != NULL;
}

const char *
st_or(const char *s)
{
	return s != NULL ? s : "(none)";
}

struct ipp_store *
st_open(const char *path, int flags)
{
	struct ipp_store_opts o = { .flags = flags };
	struct ipp_store *st;
	struct ipp_err e = { 0 };

	ck_assert_msg(ipp_store_open_local(&st, path, &o, &e) == 0, "open %s: %s", path, e.msg);
	return st;
}

bool
st_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

unsigned char *
st_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *b = NULL;
	long n;

	*len = 0;
	if (f == NULL)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		b = malloc((size_t)n + 1);
		ck_assert_ptr_nonnull(b);
		*len = fread(b, 1, (size_t)n, f);
	}
	fclose(f);
	return b;
}

/* ---- the canonical dump ---- */

struct buf {
	char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n + 1);
	b->len += n;
}

static int
dump_row(void *arg, int n, char **v, char **cols)
{
	struct buf *b = arg;

	for (int i = 0; i < n; i++) {
		buf_add(b, i > 0 ? "|" : "");
		buf_add(b, v[i] != NULL ? v[i] : "NULL");
	}
	buf_add(b, "\n");
	(void)cols;
	return 0;
}

/* Every table, in name order, every row in a total order: the SQL of each row's quote()d
 * columns; plus the schema, the version and the application id. */
char *
st_dump(const char *path)
{
	struct buf b = { 0 }, tables = { 0 };
	sqlite3 *db;
	char *p, *save;

	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	sqlite3_busy_timeout(db, 10000);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA user_version; PRAGMA application_id; "
	    "SELECT type, name, sql FROM sqlite_schema ORDER BY name", dump_row, &b, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
	    "ORDER BY name", dump_row, &tables, NULL), SQLITE_OK);
	for (p = strtok_r(tables.p, "\n", &save); p != NULL; p = strtok_r(NULL, "\n", &save)) {
		char sql[256];

		snprintf(sql, sizeof(sql), "SELECT * FROM \"%s\" ORDER BY 1, 2, 3", p);
		buf_add(&b, "-- ");
		buf_add(&b, p);
		buf_add(&b, "\n");
		ck_assert_int_eq(sqlite3_exec(db, sql, dump_row, &b, NULL), SQLITE_OK);
	}
	free(tables.p);
	sqlite3_close(db);
	return b.p;
}

void
st_snap_take(struct st_snap *s, const char *path)
{
	s->bytes = st_read_file(path, &s->len);
	ck_assert_ptr_nonnull(s->bytes);
	s->dump = st_dump(path);
}

void
st_snap_free(struct st_snap *s)
{
	free(s->bytes);
	free(s->dump);
}

bool
st_snap_same_dump(const struct st_snap *a, const struct st_snap *b)
{
	return strcmp(a->dump, b->dump) == 0;
}

bool
st_snap_same_bytes(const struct st_snap *a, const struct st_snap *b)
{
	return a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* ---- builders ---- */

struct ipp_addr
st_addr(enum ipp_addr_kind kind)
{
	struct ipp_addr a = { .kind = kind, .family = AF_UNSPEC };

	return a;
}

static int
parse_ip(const char *s, union ipp_ip *ip)
{
	int family = strchr(s, ':') != NULL ? AF_INET6 : AF_INET;

	ck_assert_int_eq(inet_pton(family, s, ip), 1);
	return family;
}

struct ipp_addr
st_net(const char *ip, int prefix)
{
	struct ipp_addr a = { .kind = IPP_ADDR_NET };

	a.family = parse_ip(ip, &a.ip);
	a.prefix = (uint8_t)prefix;
	return a;
}

struct ipp_addr
st_range(const char *from, const char *to)
{
	struct ipp_addr a = { .kind = IPP_ADDR_RANGE };

	a.family = parse_ip(from, &a.ip);
	ck_assert_int_eq(parse_ip(to, &a.ip_end), a.family);
	return a;
}

struct ipp_addr
st_dns(const char *name)
{
	struct ipp_addr a = { .kind = IPP_ADDR_DNSNAME, .family = AF_UNSPEC };

	a.dns = strdup(name);
	ck_assert_ptr_nonnull(a.dns);
	return a;
}

struct ipp_filter
st_filter(struct ipp_addr src, struct ipp_addr dst, int proto, int sport, int dport,
    bool mirrored, const char *desc)
{
	struct ipp_filter f;

	ipp_filter_init(&f);
	f.src = src;
	f.dst = dst;
	f.proto = (uint8_t)proto;
	f.sport = (uint16_t)sport;
	f.dport = (uint16_t)dport;
	f.mirrored = mirrored;
	f.description = desc != NULL ? strdup(desc) : NULL;
	return f;
}

void
st_push_filter(struct ipp_filterlist *fl, struct ipp_filter f)
{
	ck_assert_ptr_nonnull(ipp_array_push(&fl->filters, &fl->nfilters, sizeof(f), &f));
}

void
st_list(struct ipp_filterlist *fl, const char *name, size_t n)
{
	memset(fl, 0, sizeof(*fl));
	fl->name = strdup(name);
	for (size_t i = 0; i < n; i++) {
		char ip[32];

		snprintf(ip, sizeof(ip), "10.%zu.%zu.%zu", (i >> 16) & 0xff, (i >> 8) & 0xff,
		    i & 0xff);
		st_push_filter(fl, st_filter(st_addr(IPP_ADDR_ME), st_net(ip, 32), 17,
		    0, (int)(i % 65535) + 1, true, NULL));
	}
}

void
st_push_qm(struct ipp_qm_offer **v, size_t *n, struct ipp_qm_offer o)
{
	ck_assert_ptr_nonnull(ipp_array_push(v, n, sizeof(o), &o));
}

void
st_action(struct ipp_filteraction *fa, const char *name, enum ipp_action action)
{
	ipp_filteraction_init(fa);
	fa->name = strdup(name);
	fa->action = action;
	if (action == IPP_ACTION_NEGOTIATE) {
		struct ipp_qm_offer o;

		ipp_qm_offer_init(&o);
		o.proto = IPP_QM_ESP;
		o.esp_cipher = IPP_CIPHER_AES256;
		o.esp_auth = IPP_HASH_SHA256;
		st_push_qm(&fa->offers, &fa->noffers, o);
	}
}

void
st_push_auth(struct ipp_auth **v, size_t *n, enum ipp_auth_kind kind, const char *value)
{
	struct ipp_auth a = { .kind = kind };

	a.value = value != NULL ? strdup(value) : NULL;
	ck_assert_ptr_nonnull(ipp_array_push(v, n, sizeof(a), &a));
}

void
st_rule(struct ipp_rule *r, const char *name, const char *list, const char *action)
{
	ipp_rule_init(r);
	r->name = strdup(name);
	r->filterlist = strdup(list);
	r->filteraction = strdup(action);
	st_push_auth(&r->auth, &r->nauth, IPP_AUTH_KERBEROS, NULL);
}

void
st_push_rule(struct ipp_policy *p, struct ipp_rule r)
{
	ck_assert_ptr_nonnull(ipp_array_push(&p->rules, &p->nrules, sizeof(r), &r));
}

void
st_policy(struct ipp_policy *p, const char *name)
{
	struct ipp_mm_offer mo = { IPP_CIPHER_AES128, IPP_HASH_SHA256, 14 };
	struct ipp_qm_offer qo;

	ipp_policy_init(p);
	p->name = strdup(name);
	ck_assert_ptr_nonnull(ipp_array_push(&p->mm.offers, &p->mm.noffers, sizeof(mo), &mo));
	ipp_qm_offer_init(&qo);
	qo.esp_cipher = IPP_CIPHER_AES128;
	qo.esp_auth = IPP_HASH_SHA1;
	st_push_qm(&p->defrule.offers, &p->defrule.noffers, qo);
	st_push_auth(&p->defrule.auth, &p->defrule.nauth, IPP_AUTH_KERBEROS, NULL);
}

/* ---- equality ---- */

#define DIFF(...) (snprintf(why, len, __VA_ARGS__), false)

static bool
str_eq(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool
addr_eq(const struct ipp_addr *a, const struct ipp_addr *b)
{
	size_t n = a->family == AF_INET6 ? 16 : 4;

	if (a->kind != b->kind || a->family != b->family || !str_eq(a->dns, b->dns))
		return false;
	if (a->kind == IPP_ADDR_NET)
		return a->prefix == b->prefix && memcmp(&a->ip, &b->ip, n) == 0;
	if (a->kind == IPP_ADDR_RANGE)
		return memcmp(&a->ip, &b->ip, n) == 0 && memcmp(&a->ip_end, &b->ip_end, n) == 0;
	return true;
}

static bool
filter_eq(const struct ipp_filter *a, const struct ipp_filter *b)
{
	return str_eq(a->description, b->description) && addr_eq(&a->src, &b->src) &&
	    addr_eq(&a->dst, &b->dst) && a->proto == b->proto && a->sport == b->sport &&
	    a->dport == b->dport && a->mirrored == b->mirrored;
}

bool
st_list_eq(const struct ipp_filterlist *a, const struct ipp_filterlist *b, char *why,
    size_t len)
{
	if (strcmp(a->guid, b->guid) != 0)
		return DIFF("list %s: guid %s != %s", a->name, a->guid, b->guid);
	if (!str_eq(a->name, b->name) || !str_eq(a->description, b->description))
		return DIFF("list %s: name or description differ", a->name);
	if (a->nfilters != b->nfilters)
		return DIFF("list %s: %zu filters != %zu", a->name, a->nfilters, b->nfilters);
	for (size_t i = 0; i < a->nfilters; i++)
		if (!filter_eq(&a->filters[i], &b->filters[i]))
			return DIFF("list %s: filter %zu differs", a->name, i);
	return true;
}

static bool
qm_eq(const struct ipp_qm_offer *a, const struct ipp_qm_offer *b)
{
	return a->proto == b->proto && a->ah_hash == b->ah_hash &&
	    a->esp_cipher == b->esp_cipher && a->esp_auth == b->esp_auth &&
	    a->life_s == b->life_s && a->life_kb == b->life_kb && a->pfs == b->pfs &&
	    a->pfs_group == b->pfs_group;
}

static bool
qms_eq(const struct ipp_qm_offer *a, size_t na, const struct ipp_qm_offer *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!qm_eq(&a[i], &b[i]))
			return false;
	return true;
}

bool
st_action_eq(const struct ipp_filteraction *a, const struct ipp_filteraction *b, char *why,
    size_t len)
{
	if (strcmp(a->guid, b->guid) != 0 || !str_eq(a->name, b->name) ||
	    !str_eq(a->description, b->description))
		return DIFF("action %s: guid, name or description differ", a->name);
	if (a->action != b->action || a->inpass != b->inpass || a->soft != b->soft)
		return DIFF("action %s: action/inpass/soft differ", a->name);
	if (!qms_eq(a->offers, a->noffers, b->offers, b->noffers))
		return DIFF("action %s: offers differ", a->name);
	return true;
}

static bool
auths_eq(const struct ipp_auth *a, size_t na, const struct ipp_auth *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].kind != b[i].kind || !str_eq(a[i].value, b[i].value) ||
		    a[i].certmap != b[i].certmap || a[i].excludecaname != b[i].excludecaname)
			return false;
	return true;
}

static bool
rule_eq(const struct ipp_rule *a, const struct ipp_rule *b, char *why, size_t len)
{
	if (strcmp(a->guid, b->guid) != 0 || !str_eq(a->name, b->name) ||
	    !str_eq(a->description, b->description))
		return DIFF("rule %s: guid, name or description differ", a->name);
	if (!str_eq(a->filterlist, b->filterlist) || !str_eq(a->filteraction, b->filteraction))
		return DIFF("rule %s: references differ", a->name);
	if (!auths_eq(a->auth, a->nauth, b->auth, b->nauth))
		return DIFF("rule %s: authentication differs", a->name);
	if (!addr_eq(&a->tunnel, &b->tunnel))
		return DIFF("rule %s: tunnel differs", a->name);
	if (a->conntype != b->conntype || a->active != b->active)
		return DIFF("rule %s: conntype or active differ", a->name);
	return true;
}

bool
st_policy_eq(const struct ipp_policy *a, const struct ipp_policy *b, char *why, size_t len)
{
	if (strcmp(a->guid, b->guid) != 0 || !str_eq(a->name, b->name) ||
	    !str_eq(a->description, b->description))
		return DIFF("policy %s: guid, name or description differ", a->name);
	if (a->poll_min != b->poll_min || a->mm.lifetime_min != b->mm.lifetime_min ||
	    a->mm.qm_per_mm != b->mm.qm_per_mm || a->mm.pfs != b->mm.pfs)
		return DIFF("policy %s: settings differ", a->name);
	if (a->mm.noffers != b->mm.noffers)
		return DIFF("policy %s: %zu mm offers != %zu", a->name, a->mm.noffers,
		    b->mm.noffers);
	for (size_t i = 0; i < a->mm.noffers; i++)
		if (a->mm.offers[i].cipher != b->mm.offers[i].cipher ||
		    a->mm.offers[i].hash != b->mm.offers[i].hash ||
		    a->mm.offers[i].group != b->mm.offers[i].group)
			return DIFF("policy %s: mm offer %zu differs", a->name, i);
	if (a->defrule.active != b->defrule.active ||
	    !qms_eq(a->defrule.offers, a->defrule.noffers, b->defrule.offers,
	    b->defrule.noffers) || !auths_eq(a->defrule.auth, a->defrule.nauth,
	    b->defrule.auth, b->defrule.nauth))
		return DIFF("policy %s: default response rule differs", a->name);
	if (a->nrules != b->nrules)
		return DIFF("policy %s: %zu rules != %zu", a->name, a->nrules, b->nrules);
	for (size_t i = 0; i < a->nrules; i++)
		if (!rule_eq(&a->rules[i], &b->rules[i], why, len))
			return false;
	return true;
}
