/* The local store: every operation, round trips, and every failure path leaving the file
 * exactly as it was. */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/store.h"
#include "tests/lib/ipp_check.h"
#include "tests/store/store_test.h"

static const char *path;
static struct ipp_store *st;

static void
setup(void)
{
	path = st_tmp_path("local.db");
	st = st_open(path, IPP_STORE_CREATE | IPP_STORE_NOSEED);
}

static void
teardown(void)
{
	ipp_store_close(st);
	st = NULL;
	st_tmp_cleanup();
}

/* A list "L<n>" of n filters and the actions "Permit"/"Block"/"Secure". */
static void
make_list(const char *name, size_t n)
{
	struct ipp_filterlist fl;

	st_list(&fl, name, n);
	ST_OK(ipp_store_filterlist_create(st, &fl, e));
	ipp_filterlist_clear(&fl);
}

static void
make_action(const char *name, enum ipp_action a)
{
	struct ipp_filteraction fa;

	st_action(&fa, name, a);
	ST_OK(ipp_store_filteraction_create(st, &fa, e));
	ipp_filteraction_clear(&fa);
}

static void
make_policy(const char *name, const char *list, const char *action)
{
	struct ipp_policy p;
	struct ipp_rule r;

	st_policy(&p, name);
	if (list != NULL) {
		st_rule(&r, "r1", list, action);
		st_push_rule(&p, r);
	}
	ST_OK(ipp_store_policy_create(st, &p, e));
	ipp_policy_clear(&p);
}

static size_t
count(int (*fn)(struct ipp_store *, struct ipp_names *, struct ipp_err *))
{
	struct ipp_names n;
	size_t c;

	ST_OK(fn(st, &n, e));
	c = n.n;
	ipp_names_free(&n);
	return c;
}

/* ---- creation ---- */

START_TEST(test_new_store_mode_and_empty)
{
	struct stat sb;
	char *name = (char *)1;

	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	ck_assert_uint_eq(count(ipp_store_policy_list), 0);
	ck_assert_uint_eq(count(ipp_store_filterlist_list), 0);
	ck_assert_uint_eq(count(ipp_store_filteraction_list), 0);
	ST_OK(ipp_store_assigned(st, &name, e));
	ck_assert_ptr_null(name);
	ck_assert_int_eq(ipp_store_kind(st), IPP_STORE_LOCAL);
	ck_assert(strstr(ipp_store_where(st), path) != NULL);
}
END_TEST

START_TEST(test_new_store_0600_despite_umask)
{
	const char *p2 = st_tmp_path("umask.db");
	mode_t old = umask(0);
	struct ipp_store *s2;
	struct stat sb;

	s2 = st_open(p2, IPP_STORE_CREATE);
	umask(old);
	ck_assert_int_eq(stat(p2, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	ipp_store_close(s2);
}
END_TEST

START_TEST(test_journal_is_0600)
{
	struct stat sb;

	ST_OK(ipp_store_begin(st, e));
	make_list("L", 3);
	/* The write transaction is open: the rollback journal exists now. */
	ck_assert_int_eq(stat(st_journal(path), &sb), 0);
	ck_assert_int_eq(sb.st_mode & 07777, 0600);
	ST_OK(ipp_store_commit(st, e));
	ck_assert(!st_exists(st_journal(path)));
	ck_assert(!st_exists(st_tmp_path("local.db-wal")));
	ck_assert(!st_exists(st_tmp_path("local.db-shm")));
}
END_TEST

START_TEST(test_open_missing_without_create)
{
	const char *p2 = st_tmp_path("missing.db");
	struct ipp_store_opts o = { 0 };
	struct ipp_store *s2;
	struct ipp_err err = { 0 };

	ck_assert_int_eq(ipp_store_open_local(&s2, p2, &o, &err), -1);
	ck_assert_int_eq(err.code, IPP_E_NOENT);
	ck_assert(strstr(err.msg, p2) != NULL);
	ck_assert(!st_exists(p2));
	ck_assert_int_eq(ipp_store_open_local(&s2, "", NULL, &err), -1);
	ck_assert_int_eq(err.code, IPP_E_INVAL);
}
END_TEST

START_TEST(test_reopen_keeps_content)
{
	struct ipp_filterlist fl;

	make_list("Kept", 5);
	ipp_store_close(st);
	st = st_open(path, 0);
	ST_OK(ipp_store_filterlist_get(st, "Kept", &fl, e));
	ck_assert_uint_eq(fl.nfilters, 5);
	ipp_filterlist_clear(&fl);
}
END_TEST

/* ---- round trips ---- */

static void
full_list(struct ipp_filterlist *fl)
{
	memset(fl, 0, sizeof(*fl));
	fl->name = strdup("Everything");
	fl->description = strdup("every kind of address");
	st_push_filter(fl, st_filter(st_addr(IPP_ADDR_ME), st_addr(IPP_ADDR_ANY), 0, 0, 0,
	    true, "me to any"));
	st_push_filter(fl, st_filter(st_net("192.0.2.7", 32), st_net("198.51.100.0", 24), 6,
	    1024, 443, false, NULL));
	st_push_filter(fl, st_filter(st_net("2001:db8::1", 128), st_net("2001:db8:1::", 48),
	    17, 500, 500, true, "v6"));
	st_push_filter(fl, st_filter(st_range("10.0.0.1", "10.0.0.9"), st_addr(IPP_ADDR_ME),
	    1, 0, 0, true, NULL));
	st_push_filter(fl, st_filter(st_range("fe80::1", "fe80::ff"), st_addr(IPP_ADDR_ANY),
	    58, 0, 0, true, NULL));
	st_push_filter(fl, st_filter(st_addr(IPP_ADDR_ME), st_dns("host.example.com"), 6, 0,
	    22, true, NULL));
	st_push_filter(fl, st_filter(st_addr(IPP_ADDR_ME), st_addr(IPP_ADDR_SRV_DNS), 17, 0,
	    53, true, NULL));
	st_push_filter(fl, st_filter(st_addr(IPP_ADDR_ME), st_addr(IPP_ADDR_SRV_WINS), 0, 0,
	    0, true, NULL));
	st_push_filter(fl, st_filter(st_addr(IPP_ADDR_SRV_DHCP), st_addr(IPP_ADDR_ME), 0, 0,
	    0, true, NULL));
	st_push_filter(fl, st_filter(st_addr(IPP_ADDR_ME), st_addr(IPP_ADDR_SRV_GATEWAY), 0,
	    0, 0, true, NULL));
	st_push_filter(fl, st_filter(st_net("0.0.0.0", 0), st_net("10.0.0.0", 8), 0, 0, 0, true,
	    NULL));
	st_push_filter(fl, st_filter(st_net("::", 0), st_net("2001:db8::", 32), 0, 0, 0, true,
	    NULL));
}

static void
full_action(struct ipp_filteraction *fa)
{
	struct ipp_qm_offer o;

	ipp_filteraction_init(fa);
	fa->name = strdup("Strong");
	fa->description = strdup("all offer shapes");
	fa->inpass = true;
	fa->soft = true;
	ipp_qm_offer_init(&o);
	o.proto = IPP_QM_ESP;
	o.esp_cipher = IPP_CIPHER_AES256GCM16;
	o.esp_auth = IPP_HASH_NONE;
	o.life_s = 7200;
	o.life_kb = 50000;
	o.pfs = true;
	o.pfs_group = 20;
	st_push_qm(&fa->offers, &fa->noffers, o);
	ipp_qm_offer_init(&o);
	o.proto = IPP_QM_AH;
	o.ah_hash = IPP_HASH_SHA512;
	o.life_s = 0;
	o.life_kb = 0;
	st_push_qm(&fa->offers, &fa->noffers, o);
	ipp_qm_offer_init(&o);
	o.proto = IPP_QM_AH_ESP;
	o.ah_hash = IPP_HASH_SHA256;
	o.esp_cipher = IPP_CIPHER_AES128;
	o.esp_auth = IPP_HASH_SHA384;
	o.pfs = true;
	st_push_qm(&fa->offers, &fa->noffers, o);
}

static void
full_policy(struct ipp_policy *p)
{
	struct ipp_mm_offer mo[] = {
		{ IPP_CIPHER_AES256, IPP_HASH_SHA512, 21 }, { IPP_CIPHER_3DES, IPP_HASH_SHA1, 2 },
	};
	struct ipp_rule r;
	struct ipp_auth *a;

	ipp_policy_init(p);
	p->name = strdup("Full");
	p->description = strdup("every field set");
	p->poll_min = 60;
	p->mm.lifetime_min = 600;
	p->mm.qm_per_mm = 1;	/* master-key PFS: one quick mode per main mode */
	p->mm.pfs = true;
	for (size_t i = 0; i < 2; i++)
		ck_assert_ptr_nonnull(ipp_array_push(&p->mm.offers, &p->mm.noffers,
		    sizeof(mo[i]), &mo[i]));
	p->defrule.active = false;
	st_push_qm(&p->defrule.offers, &p->defrule.noffers, (struct ipp_qm_offer){
	    .proto = IPP_QM_ESP, .esp_cipher = IPP_CIPHER_AES192, .esp_auth = IPP_HASH_SHA256,
	    .life_s = 900, .life_kb = 30000 });
	st_push_auth(&p->defrule.auth, &p->defrule.nauth, IPP_AUTH_PSK, "default-rule psk");

	st_rule(&r, "transport", "Everything", "Strong");
	r.description = strdup("psk, cert and kerberos");
	r.conntype = IPP_CONN_LAN;
	st_push_auth(&r.auth, &r.nauth, IPP_AUTH_PSK, "s3cr3t 'quoted' \"psk\"");
	st_push_auth(&r.auth, &r.nauth, IPP_AUTH_CERT, "CN=Root CA, O=Example, C=DE");
	a = &r.auth[r.nauth - 1];
	a->certmap = true;
	a->excludecaname = true;
	st_push_rule(p, r);

	st_rule(&r, "tunnel4", "Tunnel", "Strong");
	r.tunnel = st_net("203.0.113.9", 32);
	r.conntype = IPP_CONN_DIALUP;
	r.active = false;
	st_push_rule(p, r);

	st_rule(&r, "tunnel6", "Tunnel", "Permit");
	r.tunnel = st_net("2001:db8::99", 128);
	st_push_rule(p, r);
}

static void
make_full(struct ipp_policy *p, struct ipp_filterlist *fl, struct ipp_filteraction *fa)
{
	struct ipp_filterlist tl = { 0 };

	full_list(fl);
	ST_OK(ipp_store_filterlist_create(st, fl, e));
	full_action(fa);
	ST_OK(ipp_store_filteraction_create(st, fa, e));
	/* Tunnel rules take unmirrored filters. */
	tl.name = strdup("Tunnel");
	st_push_filter(&tl, st_filter(st_net("192.0.2.0", 24), st_net("198.51.100.0", 24), 0,
	    0, 0, false, NULL));
	ST_OK(ipp_store_filterlist_create(st, &tl, e));
	ipp_filterlist_clear(&tl);
	make_action("Permit", IPP_ACTION_PERMIT);
	full_policy(p);
	ST_OK(ipp_store_policy_create(st, p, e));
}

START_TEST(test_round_trip_everything)
{
	struct ipp_policy p;
	struct ipp_filterlist fl, got_fl;
	struct ipp_filteraction fa, got_fa;
	struct ipp_policy_tree t;
	char why[256] = "";

	make_full(&p, &fl, &fa);
	ck_assert(ipp_guid_valid(p.guid) && ipp_guid_valid(fl.guid) && ipp_guid_valid(fa.guid));
	for (size_t i = 0; i < p.nrules; i++)
		ck_assert(ipp_guid_valid(p.rules[i].guid));

	ST_OK(ipp_store_policy_get(st, "Full", &t, e));
	ck_assert_msg(st_policy_eq(&p, &t.policy, why, sizeof(why)), "%s", why);
	ck_assert(!t.policy.assigned);
	ck_assert(t.policy.changed > 0);
	/* Each referenced list and action once, with everything in it. */
	ck_assert_uint_eq(t.nlists, 2);
	ck_assert_uint_eq(t.nactions, 2);
	ck_assert_msg(st_list_eq(&fl, ipp_tree_filterlist(&t, "Everything"), why, sizeof(why)),
	    "%s", why);
	ck_assert_msg(st_action_eq(&fa, ipp_tree_filteraction(&t, "Strong"), why, sizeof(why)),
	    "%s", why);
	ck_assert_ptr_nonnull(ipp_tree_filterlist(&t, "Tunnel"));
	ck_assert_ptr_nonnull(ipp_tree_filteraction(&t, "Permit"));
	ipp_policy_tree_clear(&t);

	ST_OK(ipp_store_filterlist_get(st, fl.guid, &got_fl, e));
	ck_assert_msg(st_list_eq(&fl, &got_fl, why, sizeof(why)), "%s", why);
	ST_OK(ipp_store_filteraction_get(st, "Strong", &got_fa, e));
	ck_assert_msg(st_action_eq(&fa, &got_fa, why, sizeof(why)), "%s", why);

	ipp_filterlist_clear(&got_fl);
	ipp_filteraction_clear(&got_fa);
	ipp_filterlist_clear(&fl);
	ipp_filteraction_clear(&fa);
	ipp_policy_clear(&p);
}
END_TEST

START_TEST(test_round_trip_survives_reopen)
{
	struct ipp_policy p;
	struct ipp_filterlist fl;
	struct ipp_filteraction fa;
	struct ipp_policy_tree t;
	char why[256] = "";

	make_full(&p, &fl, &fa);
	ipp_store_close(st);
	st = st_open(path, IPP_STORE_RDONLY);
	ST_OK(ipp_store_policy_get(st, p.guid, &t, e));
	ck_assert_msg(st_policy_eq(&p, &t.policy, why, sizeof(why)), "%s", why);
	ipp_policy_tree_clear(&t);
	ipp_filterlist_clear(&fl);
	ipp_filteraction_clear(&fa);
	ipp_policy_clear(&p);
}
END_TEST

START_TEST(test_get_by_name_and_guid)
{
	struct ipp_policy p;
	struct ipp_policy_tree t;
	char lower[IPP_GUID_SIZE];

	make_list("L", 1);
	make_action("A", IPP_ACTION_BLOCK);
	st_policy(&p, "P");
	/* A given GUID is kept (upper-cased). */
	strcpy(p.guid, "{0a1b2c3d-0000-4000-8000-00000000abcd}");
	ST_OK(ipp_store_policy_create(st, &p, e));
	ck_assert_str_eq(p.guid, "{0A1B2C3D-0000-4000-8000-00000000ABCD}");
	ST_OK(ipp_store_policy_get(st, p.guid, &t, e));
	ck_assert_str_eq(t.policy.name, "P");
	ipp_policy_tree_clear(&t);
	strcpy(lower, "{0a1b2c3d-0000-4000-8000-00000000abcd}");
	ST_OK(ipp_store_policy_get(st, lower, &t, e));
	ck_assert_str_eq(t.policy.guid, p.guid);
	ipp_policy_tree_clear(&t);
	ST_OK(ipp_store_policy_get(st, "P", &t, e));
	ck_assert_uint_eq(t.policy.nrules, 0);
	ck_assert_uint_eq(t.nlists, 0);
	ipp_policy_tree_clear(&t);
	ST_FAILS(path, ipp_store_policy_get(st, "nope", &t, e), IPP_E_NOENT, "'nope'");
	ck_assert_ptr_null(t.policy.name);
	ST_FAILS(path, ipp_store_policy_get(st, "{00000000-0000-4000-8000-000000000000}", &t, e),
	    IPP_E_NOENT, "does not exist");
	ST_FAILS(path, ipp_store_policy_get(st, NULL, &t, e), IPP_E_INVAL, NULL);
	ipp_policy_clear(&p);
}
END_TEST

START_TEST(test_lists_sorted)
{
	struct ipp_names n;

	make_list("b", 1);
	make_list("a", 1);
	make_list("C", 1);
	ST_OK(ipp_store_filterlist_list(st, &n, e));
	ck_assert_uint_eq(n.n, 3);
	ck_assert_str_eq(n.v[0], "C");
	ck_assert_str_eq(n.v[1], "a");
	ck_assert_str_eq(n.v[2], "b");
	ipp_names_free(&n);
	make_action("z", IPP_ACTION_PERMIT);
	make_action("y", IPP_ACTION_BLOCK);
	ST_OK(ipp_store_filteraction_list(st, &n, e));
	ck_assert_uint_eq(n.n, 2);
	ck_assert_str_eq(n.v[0], "y");
	ipp_names_free(&n);
	make_policy("p2", NULL, NULL);
	make_policy("p1", "a", "z");
	ST_OK(ipp_store_policy_list(st, &n, e));
	ck_assert_uint_eq(n.n, 2);
	ck_assert_str_eq(n.v[0], "p1");
	ipp_names_free(&n);
}
END_TEST

/* ---- filter lists and filters ---- */

START_TEST(test_filterlist_update_delete)
{
	struct ipp_filterlist fl, got;

	make_list("Old", 2);
	ST_OK(ipp_store_filterlist_get(st, "Old", &fl, e));
	free(fl.name);
	fl.name = strdup("New");
	free(fl.description);
	fl.description = strdup("renamed");
	ST_OK(ipp_store_filterlist_update(st, "Old", &fl, e));
	ST_OK(ipp_store_filterlist_get(st, fl.guid, &got, e));
	ck_assert_str_eq(got.name, "New");
	ck_assert_str_eq(got.description, "renamed");
	ck_assert_uint_eq(got.nfilters, 2);
	ipp_filterlist_clear(&got);
	ST_FAILS(path, ipp_store_filterlist_get(st, "Old", &got, e), IPP_E_NOENT, "'Old'");
	ST_FAILS(path, ipp_store_filterlist_update(st, "Old", &fl, e), IPP_E_NOENT, "'Old'");
	make_list("Other", 1);
	ST_FAILS(path, ipp_store_filterlist_update(st, "Other", &fl, e), IPP_E_EXIST, "'New'");
	ST_OK(ipp_store_filterlist_delete(st, "New", e));
	ck_assert_uint_eq(count(ipp_store_filterlist_list), 1);
	ST_FAILS(path, ipp_store_filterlist_delete(st, "New", e), IPP_E_NOENT, "'New'");
	ipp_filterlist_clear(&fl);
}
END_TEST

START_TEST(test_filter_add_delete)
{
	struct ipp_filterlist got;
	struct ipp_filter f, g;

	make_list("L", 2);
	f = st_filter(st_addr(IPP_ADDR_ME), st_net("2001:db8::", 32), 6, 0, 80, true, "web");
	ST_OK(ipp_store_filter_add(st, "L", &f, e));
	ST_OK(ipp_store_filter_add(st, "L", &f, e));
	g = st_filter(st_addr(IPP_ADDR_ANY), st_addr(IPP_ADDR_ME), 0, 0, 0, true, NULL);
	ST_OK(ipp_store_filter_add(st, "L", &g, e));
	ST_OK(ipp_store_filterlist_get(st, "L", &got, e));
	ck_assert_uint_eq(got.nfilters, 5);
	ck_assert_str_eq(got.filters[2].description, "web");
	ck_assert_int_eq(got.filters[4].src.kind, IPP_ADDR_ANY);
	ipp_filterlist_clear(&got);

	/* Both copies go; the description does not take part in matching. */
	free(f.description);
	f.description = NULL;
	ST_OK(ipp_store_filter_delete(st, "L", &f, e));
	ST_OK(ipp_store_filterlist_get(st, "L", &got, e));
	ck_assert_uint_eq(got.nfilters, 3);
	ck_assert_int_eq(got.filters[2].src.kind, IPP_ADDR_ANY);
	ipp_filterlist_clear(&got);

	ST_FAILS(path, ipp_store_filter_delete(st, "L", &f, e), IPP_E_NOENT, "'L'");
	ST_FAILS(path, ipp_store_filter_add(st, "none", &g, e), IPP_E_NOENT, "'none'");
	ST_FAILS(path, ipp_store_filter_delete(st, "none", &g, e), IPP_E_NOENT, "'none'");
	/* Adding after a delete appends after the last one still there. */
	ST_OK(ipp_store_filter_add(st, "L", &f, e));
	ST_OK(ipp_store_filterlist_get(st, "L", &got, e));
	ck_assert_uint_eq(got.nfilters, 4);
	ck_assert_int_eq(got.filters[3].dst.family, AF_INET6);
	ipp_filterlist_clear(&got);
	ipp_filter_clear(&f);
	ipp_filter_clear(&g);
}
END_TEST

START_TEST(test_filter_invalid_refused)
{
	struct ipp_filter f;

	make_list("L", 1);
	/* A port with ICMP. */
	f = st_filter(st_addr(IPP_ADDR_ME), st_addr(IPP_ADDR_ANY), 1, 0, 80, true, NULL);
	ST_FAILS(path, ipp_store_filter_add(st, "L", &f, e), IPP_E_INVAL, NULL);
	ipp_filter_clear(&f);
	/* A range running backwards. */
	f = st_filter(st_range("10.0.0.9", "10.0.0.1"), st_addr(IPP_ADDR_ME), 0, 0, 0, true,
	    NULL);
	ST_FAILS(path, ipp_store_filter_add(st, "L", &f, e), IPP_E_INVAL, NULL);
	ipp_filter_clear(&f);
}
END_TEST

/* ---- filter actions ---- */

START_TEST(test_filteraction_update_delete)
{
	struct ipp_filteraction fa, got;
	char why[256] = "";

	make_action("A", IPP_ACTION_PERMIT);
	full_action(&fa);
	ST_OK(ipp_store_filteraction_update(st, "A", &fa, e));
	ST_OK(ipp_store_filteraction_get(st, "Strong", &got, e));
	/* The GUID stays; everything else is replaced. */
	strcpy(fa.guid, got.guid);
	ck_assert_msg(st_action_eq(&fa, &got, why, sizeof(why)), "%s", why);
	ipp_filteraction_clear(&got);
	ST_FAILS(path, ipp_store_filteraction_get(st, "A", &got, e), IPP_E_NOENT, "'A'");
	make_action("B", IPP_ACTION_BLOCK);
	ST_FAILS(path, ipp_store_filteraction_update(st, "B", &fa, e), IPP_E_EXIST, "'Strong'");
	ST_FAILS(path, ipp_store_filteraction_update(st, "A", &fa, e), IPP_E_NOENT, "'A'");
	ST_OK(ipp_store_filteraction_delete(st, "B", e));
	ST_FAILS(path, ipp_store_filteraction_delete(st, "B", e), IPP_E_NOENT, "'B'");
	ck_assert_uint_eq(count(ipp_store_filteraction_list), 1);
	ipp_filteraction_clear(&fa);
}
END_TEST

START_TEST(test_filteraction_invalid_refused)
{
	struct ipp_filteraction fa;

	st_action(&fa, "Bad", IPP_ACTION_NEGOTIATE);
	/* ESP with neither cipher nor authentication. */
	fa.offers[0].esp_cipher = IPP_CIPHER_NONE;
	fa.offers[0].esp_auth = IPP_HASH_NONE;
	ST_FAILS(path, ipp_store_filteraction_create(st, &fa, e), IPP_E_INVAL, NULL);
	ck_assert_uint_eq(count(ipp_store_filteraction_list), 0);
	ipp_filteraction_clear(&fa);
}
END_TEST

/* ---- names ---- */

START_TEST(test_names_unique)
{
	struct ipp_filterlist fl;
	struct ipp_filteraction fa;
	struct ipp_policy p;

	make_list("L", 1);
	make_action("A", IPP_ACTION_PERMIT);
	make_policy("P", "L", "A");
	st_list(&fl, "L", 1);
	ST_FAILS(path, ipp_store_filterlist_create(st, &fl, e), IPP_E_EXIST, "'L'");
	ipp_filterlist_clear(&fl);
	st_action(&fa, "A", IPP_ACTION_BLOCK);
	ST_FAILS(path, ipp_store_filteraction_create(st, &fa, e), IPP_E_EXIST, "'A'");
	ipp_filteraction_clear(&fa);
	st_policy(&p, "P");
	ST_FAILS(path, ipp_store_policy_create(st, &p, e), IPP_E_EXIST, "'P'");
	ipp_policy_clear(&p);

	/* A filter list may share its name with an action or policy: unique per kind. */
	st_list(&fl, "A", 1);
	ST_OK(ipp_store_filterlist_create(st, &fl, e));
	/* ... but not a GUID with another list. */
	free(fl.name);
	fl.name = strdup("Z");
	ST_FAILS(path, ipp_store_filterlist_create(st, &fl, e), IPP_E_EXIST, fl.guid);
	ipp_filterlist_clear(&fl);
}
END_TEST

START_TEST(test_bad_guid_refused)
{
	struct ipp_filterlist fl;

	st_list(&fl, "L", 1);
	strcpy(fl.guid, "{not-a-guid}");
	ST_FAILS(path, ipp_store_filterlist_create(st, &fl, e), IPP_E_INVAL, "{not-a-guid}");
	ipp_filterlist_clear(&fl);
}
END_TEST

/* ---- rules and references ---- */

START_TEST(test_rule_create_update_delete)
{
	struct ipp_policy_tree t;
	struct ipp_rule r;
	char guid[IPP_GUID_SIZE];

	make_list("L1", 1);
	make_list("L2", 2);
	make_action("A1", IPP_ACTION_PERMIT);
	make_action("A2", IPP_ACTION_BLOCK);
	make_policy("P", "L1", "A1");
	st_rule(&r, "r2", "L2", "A2");
	st_push_auth(&r.auth, &r.nauth, IPP_AUTH_PSK, "pre-shared");
	ST_OK(ipp_store_rule_create(st, "P", &r, e));
	strcpy(guid, r.guid);
	ST_FAILS(path, ipp_store_rule_create(st, "P", &r, e), IPP_E_EXIST, "'r2'");
	ipp_rule_clear(&r);

	ST_OK(ipp_store_policy_get(st, "P", &t, e));
	ck_assert_uint_eq(t.policy.nrules, 2);
	ck_assert_str_eq(t.policy.rules[1].name, "r2");
	ck_assert_str_eq(t.policy.rules[1].auth[1].value, "pre-shared");
	ck_assert_uint_eq(t.nlists, 2);
	ck_assert_uint_eq(t.nactions, 2);
	ipp_policy_tree_clear(&t);

	/* Update by GUID: renamed, re-pointed, same place, same GUID. */
	st_rule(&r, "r2-renamed", "L1", "A1");
	r.active = false;
	ST_OK(ipp_store_rule_update(st, "P", guid, &r, e));
	ipp_rule_clear(&r);
	ST_OK(ipp_store_policy_get(st, "P", &t, e));
	ck_assert_uint_eq(t.policy.nrules, 2);
	ck_assert_str_eq(t.policy.rules[1].name, "r2-renamed");
	ck_assert_str_eq(t.policy.rules[1].guid, guid);
	ck_assert(!t.policy.rules[1].active);
	ck_assert_uint_eq(t.policy.rules[1].nauth, 1);
	ck_assert_uint_eq(t.nlists, 1);
	ipp_policy_tree_clear(&t);

	st_rule(&r, "x", "L1", "A1");
	ST_FAILS(path, ipp_store_rule_update(st, "P", "r2", &r, e), IPP_E_NOENT, "'r2'");
	ST_FAILS(path, ipp_store_rule_update(st, "Q", "r1", &r, e), IPP_E_NOENT, "'Q'");
	ST_FAILS(path, ipp_store_rule_create(st, "Q", &r, e), IPP_E_NOENT, "'Q'");
	ipp_rule_clear(&r);
	/* Renaming onto a sibling's name. */
	st_rule(&r, "r1", "L1", "A1");
	ST_FAILS(path, ipp_store_rule_update(st, "P", "r2-renamed", &r, e), IPP_E_EXIST, "'r1'");
	ipp_rule_clear(&r);

	ST_OK(ipp_store_rule_delete(st, "P", "r1", e));
	ST_FAILS(path, ipp_store_rule_delete(st, "P", "r1", e), IPP_E_NOENT, "'r1'");
	ST_OK(ipp_store_policy_get(st, "P", &t, e));
	ck_assert_uint_eq(t.policy.nrules, 1);
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_missing_references)
{
	struct ipp_policy p;
	struct ipp_rule r;

	make_list("L", 1);
	make_action("A", IPP_ACTION_PERMIT);
	make_policy("P", NULL, NULL);
	st_rule(&r, "r", "Nolist", "A");
	ST_FAILS(path, ipp_store_rule_create(st, "P", &r, e), IPP_E_NOENT, "filter list 'Nolist'");
	ipp_rule_clear(&r);
	st_rule(&r, "r", "L", "Noaction");
	ST_FAILS(path, ipp_store_rule_create(st, "P", &r, e), IPP_E_NOENT,
	    "filter action 'Noaction'");
	ipp_rule_clear(&r);

	/* A policy whose second rule is broken: nothing of it is stored. */
	st_policy(&p, "Q");
	st_rule(&r, "good", "L", "A");
	st_push_rule(&p, r);
	st_rule(&r, "bad", "L", "Gone");
	st_push_rule(&p, r);
	ST_FAILS(path, ipp_store_policy_create(st, &p, e), IPP_E_NOENT, "'Gone'");
	ipp_policy_clear(&p);
	ck_assert_uint_eq(count(ipp_store_policy_list), 1);
}
END_TEST

START_TEST(test_delete_in_use)
{
	struct ipp_err err = { 0 };
	struct ipp_policy_tree t;

	make_list("Shared", 1);
	make_list("Free", 1);
	make_action("Act", IPP_ACTION_PERMIT);
	make_policy("P1", "Shared", "Act");
	make_policy("P2", "Shared", "Act");
	ST_FAILS(path, ipp_store_filterlist_delete(st, "Shared", e), IPP_E_INUSE,
	    "'r1' (policy 'P1'), 'r1' (policy 'P2')");
	ST_FAILS(path, ipp_store_filteraction_delete(st, "Act", e), IPP_E_INUSE,
	    "used by 2 rules");
	ck_assert_int_eq(ipp_store_filterlist_delete(st, "Shared", &err), -1);
	ck_assert(strstr(err.msg, "filter list 'Shared'") != NULL);
	ST_OK(ipp_store_filterlist_delete(st, "Free", e));

	/* Deleting the policy removes its rules but not the shared objects. */
	ST_OK(ipp_store_policy_delete(st, "P1", e));
	ST_FAILS(path, ipp_store_policy_get(st, "P1", &t, e), IPP_E_NOENT, NULL);
	ST_FAILS(path, ipp_store_filterlist_delete(st, "Shared", e), IPP_E_INUSE, "'P2'");
	ST_OK(ipp_store_rule_delete(st, "P2", "r1", e));
	ST_OK(ipp_store_filterlist_delete(st, "Shared", e));
	ST_OK(ipp_store_filteraction_delete(st, "Act", e));
	ST_FAILS(path, ipp_store_policy_delete(st, "P1", e), IPP_E_NOENT, "'P1'");
}
END_TEST

START_TEST(test_shared_change_rechecked)
{
	struct ipp_policy p;
	struct ipp_rule r;
	struct ipp_filter f;

	/* A tunnel rule over an unmirrored list: a mirrored filter may not join the list. */
	make_action("A", IPP_ACTION_NEGOTIATE);
	{
		struct ipp_filterlist fl = { 0 };

		fl.name = strdup("T");
		st_push_filter(&fl, st_filter(st_net("192.0.2.0", 24), st_net("198.51.100.0", 24),
		    0, 0, 0, false, NULL));
		ST_OK(ipp_store_filterlist_create(st, &fl, e));
		ipp_filterlist_clear(&fl);
	}
	st_policy(&p, "P");
	st_rule(&r, "tun", "T", "A");
	r.tunnel = st_net("203.0.113.1", 32);
	st_push_rule(&p, r);
	ST_OK(ipp_store_policy_create(st, &p, e));
	ipp_policy_clear(&p);
	f = st_filter(st_net("192.0.2.0", 24), st_net("198.51.100.0", 24), 6, 0, 0, true, NULL);
	ST_FAILS(path, ipp_store_filter_add(st, "T", &f, e), IPP_E_INVAL, "'P'");
	f.mirrored = false;
	ST_OK(ipp_store_filter_add(st, "T", &f, e));
	ipp_filter_clear(&f);
}
END_TEST

/* ---- policies ---- */

START_TEST(test_policy_update)
{
	struct ipp_policy p, u;
	struct ipp_policy_tree t;
	char why[256] = "";

	make_list("L", 1);
	make_action("A", IPP_ACTION_PERMIT);
	make_policy("P", "L", "A");
	ST_OK(ipp_store_policy_get(st, "P", &t, e));
	full_policy(&u);
	ST_OK(ipp_store_policy_update(st, "P", &u, e));
	ipp_policy_tree_clear(&t);
	ST_OK(ipp_store_policy_get(st, "Full", &t, e));
	/* Own settings replaced; rules kept (the update's rules are not looked at). */
	ck_assert_uint_eq(t.policy.nrules, 1);
	ck_assert_str_eq(t.policy.rules[0].name, "r1");
	p = t.policy;
	strcpy(u.guid, p.guid);
	{
		struct ipp_rule *rules = u.rules;
		size_t n = u.nrules;

		u.rules = p.rules;
		u.nrules = p.nrules;
		ck_assert_msg(st_policy_eq(&u, &p, why, sizeof(why)), "%s", why);
		u.rules = rules;
		u.nrules = n;
	}
	ipp_policy_tree_clear(&t);

	/* A NULL name keeps the name. */
	free(u.name);
	u.name = NULL;
	u.poll_min = 99;
	ST_OK(ipp_store_policy_update(st, "Full", &u, e));
	ST_OK(ipp_store_policy_get(st, "Full", &t, e));
	ck_assert_uint_eq(t.policy.poll_min, 99);
	ipp_policy_tree_clear(&t);

	make_policy("Other", NULL, NULL);
	u.name = strdup("Other");
	ST_FAILS(path, ipp_store_policy_update(st, "Full", &u, e), IPP_E_EXIST, "'Other'");
	ST_FAILS(path, ipp_store_policy_update(st, "Nope", &u, e), IPP_E_NOENT, "'Nope'");
	ipp_policy_clear(&u);
}
END_TEST

START_TEST(test_policy_defaults_filled)
{
	struct ipp_policy p;
	struct ipp_policy_tree t;

	ipp_policy_init(&p);
	p.name = strdup("Bare");
	ST_OK(ipp_store_policy_create(st, &p, e));
	ST_OK(ipp_store_policy_get(st, "Bare", &t, e));
	ck_assert_uint_gt(t.policy.mm.noffers, 0);
	ck_assert_uint_gt(t.policy.defrule.noffers, 0);
	ck_assert_uint_eq(t.policy.defrule.nauth, 1);
	ck_assert_int_eq(t.policy.defrule.auth[0].kind, IPP_AUTH_KERBEROS);
	ck_assert_uint_eq(t.policy.poll_min, IPP_DEF_POLL_MIN);
	ck_assert_uint_eq(t.policy.mm.lifetime_min, IPP_DEF_MM_LIFE_MIN);
	ck_assert(t.policy.defrule.active);
	ipp_policy_tree_clear(&t);
	ipp_policy_clear(&p);
}
END_TEST

START_TEST(test_policy_invalid_refused)
{
	struct ipp_policy p;
	struct ipp_mm_offer bad = { IPP_CIPHER_AES128, IPP_HASH_SHA256, 3 };

	st_policy(&p, "P");
	p.mm.offers[0] = bad;	/* no DH group 3 */
	ST_FAILS(path, ipp_store_policy_create(st, &p, e), IPP_E_INVAL, NULL);
	ipp_policy_clear(&p);
	ck_assert_uint_eq(count(ipp_store_policy_list), 0);
}
END_TEST

START_TEST(test_invalid_inputs_change_nothing)
{
	struct ipp_policy p;
	struct ipp_rule r;
	struct ipp_filterlist fl;

	make_list("L", 1);
	make_action("A", IPP_ACTION_PERMIT);
	make_policy("P", "L", "A");

	st_rule(&r, "r", "L", "A");
	free(r.name);
	r.name = strdup("");
	ST_FAILS(path, ipp_store_rule_create(st, "P", &r, e), IPP_E_INVAL, "'P'");
	ST_FAILS(path, ipp_store_rule_update(st, "P", "r1", &r, e), IPP_E_INVAL, "'P'");
	ipp_rule_clear(&r);

	st_rule(&r, "r", "L", "A");
	strcpy(r.guid, "{12345678-1234-1234-1234-12345678901Z}");
	ST_FAILS(path, ipp_store_rule_create(st, "P", &r, e), IPP_E_INVAL, "GUID");
	ipp_rule_clear(&r);

	st_policy(&p, "P");
	p.poll_min = 0;
	ST_FAILS(path, ipp_store_policy_update(st, "P", &p, e), IPP_E_INVAL, NULL);
	free(p.name);
	p.name = strdup("Q");
	ST_FAILS(path, ipp_store_policy_create(st, &p, e), IPP_E_INVAL, NULL);
	ipp_policy_clear(&p);

	st_list(&fl, "", 0);
	ST_FAILS(path, ipp_store_filterlist_update(st, "L", &fl, e), IPP_E_INVAL, NULL);
	ST_FAILS(path, ipp_store_filterlist_create(st, &fl, e), IPP_E_INVAL, NULL);
	ipp_filterlist_clear(&fl);

	ST_FAILS(path, ipp_store_rule_delete(st, "P", NULL, e), IPP_E_INVAL, NULL);
	/* A key that could name nothing is refused, and echoed only in printable form. */
	ST_FAILS(path, ipp_store_policy_delete(st, "bad\x01key", e), IPP_E_INVAL, "\\x01");
	ST_FAILS(path, ipp_store_assign(st, "bad\nkey", e), IPP_E_INVAL, "control");
	ST_FAILS(path, ipp_store_filterlist_delete(st, "", e), IPP_E_INVAL, NULL);
}
END_TEST

START_TEST(test_assign)
{
	struct ipp_policy_tree t;
	char *name;

	make_policy("P1", NULL, NULL);
	make_policy("P2", NULL, NULL);
	ST_OK(ipp_store_assign(st, "P1", e));
	ST_OK(ipp_store_assigned(st, &name, e));
	ck_assert_str_eq(name, "P1");
	free(name);
	ST_OK(ipp_store_policy_get(st, "P1", &t, e));
	ck_assert(t.policy.assigned);
	ipp_policy_tree_clear(&t);

	/* Assigning another unassigns the first: only one is ever assigned. */
	ST_OK(ipp_store_assign(st, "P2", e));
	ST_OK(ipp_store_assigned(st, &name, e));
	ck_assert_str_eq(name, "P2");
	free(name);
	ST_OK(ipp_store_policy_get(st, "P1", &t, e));
	ck_assert(!t.policy.assigned);
	ipp_policy_tree_clear(&t);

	ST_FAILS(path, ipp_store_assign(st, "P3", e), IPP_E_NOENT, "'P3'");
	ST_FAILS(path, ipp_store_policy_delete(st, "P2", e), IPP_E_INUSE, "unassign");
	ST_OK(ipp_store_unassign(st, e));
	ST_OK(ipp_store_assigned(st, &name, e));
	ck_assert_ptr_null(name);
	ST_OK(ipp_store_unassign(st, e));
	ST_OK(ipp_store_policy_delete(st, "P2", e));
}
END_TEST

/* ---- transactions ---- */

START_TEST(test_tx_commit_rollback)
{
	struct ipp_err err = { 0 };
	char *before = st_dump(path), *after;

	ST_OK(ipp_store_begin(st, e));
	make_list("A", 1);
	make_list("B", 1);
	ck_assert_uint_eq(count(ipp_store_filterlist_list), 2);
	ipp_store_rollback(st);
	ck_assert_uint_eq(count(ipp_store_filterlist_list), 0);
	after = st_dump(path);
	ck_assert_str_eq(before, after);
	free(after);

	ST_OK(ipp_store_begin(st, e));
	ck_assert_int_eq(ipp_store_begin(st, &err), -1);
	ck_assert_int_eq(err.code, IPP_E_INVAL);
	make_list("A", 1);
	ST_OK(ipp_store_commit(st, e));
	ck_assert_uint_eq(count(ipp_store_filterlist_list), 1);
	ck_assert_int_eq(ipp_store_commit(st, &err), -1);
	ck_assert_int_eq(err.code, IPP_E_INVAL);
	ipp_store_rollback(st);	/* without a transaction: nothing happens */
	ck_assert_uint_eq(count(ipp_store_filterlist_list), 1);
	free(before);
}
END_TEST

START_TEST(test_tx_failed_op_undoes_only_itself)
{
	struct ipp_filterlist fl, before, after;
	struct ipp_rule r;
	struct ipp_err err = { 0 };
	char why[256] = "";

	make_action("Act", IPP_ACTION_PERMIT);
	make_policy("P", NULL, NULL);
	ST_OK(ipp_store_begin(st, e));
	make_list("A", 2);
	ST_OK(ipp_store_filterlist_get(st, "A", &before, e));
	st_list(&fl, "A", 5);
	ck_assert_int_eq(ipp_store_filterlist_create(st, &fl, &err), -1);
	ck_assert_int_eq(err.code, IPP_E_EXIST);
	ipp_filterlist_clear(&fl);
	ck_assert_int_eq(ipp_store_filter_delete(st, "A", &(struct ipp_filter){ 0 }, &err), -1);
	ck_assert_int_eq(err.code, IPP_E_NOENT);
	st_rule(&r, "r", "A", "Missing");
	ck_assert_int_eq(ipp_store_rule_create(st, "P", &r, &err), -1);
	ck_assert_int_eq(err.code, IPP_E_NOENT);
	ipp_rule_clear(&r);
	/* The earlier write of the transaction is intact. */
	ST_OK(ipp_store_filterlist_get(st, "A", &after, e));
	ck_assert_msg(st_list_eq(&before, &after, why, sizeof(why)), "%s", why);
	ipp_filterlist_clear(&after);
	ST_OK(ipp_store_commit(st, e));
	ST_OK(ipp_store_filterlist_get(st, "A", &after, e));
	ck_assert_msg(st_list_eq(&before, &after, why, sizeof(why)), "%s", why);
	ck_assert_uint_eq(count(ipp_store_filterlist_list), 1);
	ipp_filterlist_clear(&after);
	ipp_filterlist_clear(&before);
}
END_TEST

START_TEST(test_readonly)
{
	struct ipp_store_opts o = { .flags = IPP_STORE_RDONLY };
	struct ipp_store *ro;
	struct ipp_err err = { 0 };
	struct ipp_filterlist fl;

	make_list("L", 1);
	ck_assert_int_eq(ipp_store_open_local(&ro, path, &o, &err), 0);
	st_list(&fl, "M", 1);
	{
		struct ipp_store *keep = st;

		st = ro;
		ST_FAILS(path, ipp_store_filterlist_create(st, &fl, e), IPP_E_STORE, "read-only");
		ST_FAILS(path, ipp_store_begin(st, e), IPP_E_STORE, "read-only");
		ST_FAILS(path, ipp_store_unassign(st, e), IPP_E_STORE, "read-only");
		ck_assert_uint_eq(count(ipp_store_filterlist_list), 1);
		st = keep;
	}
	ipp_filterlist_clear(&fl);
	ipp_store_close(ro);
	/* Read-only does not create. */
	o.flags = IPP_STORE_RDONLY | IPP_STORE_CREATE;
	ck_assert_int_eq(ipp_store_open_local(&ro, st_tmp_path("ro.db"), &o, &err), -1);
	ck_assert(!st_exists(st_tmp_path("ro.db")));
}
END_TEST

START_TEST(test_deleted_psk_leaves_no_trace)
{
	static const char marker[] = "PSK-MARKER-7f3a9c-do-not-keep";
	struct ipp_policy p;
	struct ipp_rule r;
	unsigned char *b;
	size_t len;

	make_list("L", 1);
	make_action("A", IPP_ACTION_NEGOTIATE);
	st_policy(&p, "P");
	st_rule(&r, "r", "L", "A");
	st_push_auth(&r.auth, &r.nauth, IPP_AUTH_PSK, marker);
	st_push_rule(&p, r);
	ST_OK(ipp_store_policy_create(st, &p, e));
	ipp_policy_clear(&p);
	b = st_read_file(path, &len);
	ck_assert_ptr_nonnull(memmem(b, len, marker, strlen(marker)));
	free(b);
	ST_OK(ipp_store_policy_delete(st, "P", e));
	b = st_read_file(path, &len);
	ck_assert_ptr_null(memmem(b, len, marker, strlen(marker)));
	free(b);
}
END_TEST

static Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("store");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_new_store_mode_and_empty);
	tcase_add_test(tc, test_new_store_0600_despite_umask);
	tcase_add_test(tc, test_journal_is_0600);
	tcase_add_test(tc, test_open_missing_without_create);
	tcase_add_test(tc, test_reopen_keeps_content);
	tcase_add_test(tc, test_round_trip_everything);
	tcase_add_test(tc, test_round_trip_survives_reopen);
	tcase_add_test(tc, test_get_by_name_and_guid);
	tcase_add_test(tc, test_lists_sorted);
	tcase_add_test(tc, test_filterlist_update_delete);
	tcase_add_test(tc, test_filter_add_delete);
	tcase_add_test(tc, test_filter_invalid_refused);
	tcase_add_test(tc, test_filteraction_update_delete);
	tcase_add_test(tc, test_filteraction_invalid_refused);
	tcase_add_test(tc, test_names_unique);
	tcase_add_test(tc, test_bad_guid_refused);
	tcase_add_test(tc, test_rule_create_update_delete);
	tcase_add_test(tc, test_missing_references);
	tcase_add_test(tc, test_delete_in_use);
	tcase_add_test(tc, test_shared_change_rechecked);
	tcase_add_test(tc, test_policy_update);
	tcase_add_test(tc, test_policy_defaults_filled);
	tcase_add_test(tc, test_policy_invalid_refused);
	tcase_add_test(tc, test_invalid_inputs_change_nothing);
	tcase_add_test(tc, test_assign);
	tcase_add_test(tc, test_tx_commit_rollback);
	tcase_add_test(tc, test_tx_failed_op_undoes_only_itself);
	tcase_add_test(tc, test_readonly);
	tcase_add_test(tc, test_deleted_psk_leaves_no_trace);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(store_suite)
