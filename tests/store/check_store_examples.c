/* A new store holds Windows' example policies, lists and actions, as Windows ships them
 * (windows-cli.md §1.4-1.5, ad-schema.md §6.4). */
#include <string.h>

#include "store/store.h"
#include "tests/lib/ipp_check.h"
#include "tests/store/store_test.h"

static const char *path;
static struct ipp_store *st;

static void
setup(void)
{
	path = st_tmp_path("seeded.db");
	st = st_open(path, IPP_STORE_CREATE);
}

static void
teardown(void)
{
	ipp_store_close(st);
	st_tmp_cleanup();
}

static void
names_are(int (*fn)(struct ipp_store *, struct ipp_names *, struct ipp_err *),
    const char *const *want, size_t n)
{
	struct ipp_names got;

	ST_OK(fn(st, &got, e));
	ck_assert_uint_eq(got.n, n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(got.v[i], want[i]);
	ipp_names_free(&got);
}

START_TEST(test_names)
{
	static const char *const policies[] = {
		"Client (Respond Only)", "Secure Server (Require Security)",
		"Server (Request Security)",
	};
	static const char *const lists[] = { "All ICMP Traffic", "All IP Traffic" };
	static const char *const actions[] = {
		"Permit", "Request Security (Optional)", "Require Security",
	};
	char *assigned = (char *)1;

	names_are(ipp_store_policy_list, policies, 3);
	names_are(ipp_store_filterlist_list, lists, 2);
	names_are(ipp_store_filteraction_list, actions, 3);
	ST_OK(ipp_store_assigned(st, &assigned, e));
	ck_assert_ptr_null(assigned);
}
END_TEST

static void
check_list(const char *name, const char *guid, int proto)
{
	struct ipp_filterlist fl;
	const struct ipp_filter *f;

	ST_OK(ipp_store_filterlist_get(st, name, &fl, e));
	ck_assert_str_eq(fl.guid, guid);
	ck_assert_ptr_nonnull(fl.description);
	ck_assert_uint_eq(fl.nfilters, 1);
	f = &fl.filters[0];
	ck_assert_int_eq(f->src.kind, IPP_ADDR_ME);
	ck_assert_int_eq(f->dst.kind, IPP_ADDR_ANY);
	ck_assert_int_eq(f->proto, proto);
	ck_assert_int_eq(f->sport, 0);
	ck_assert_int_eq(f->dport, 0);
	ck_assert(f->mirrored);
	ipp_filterlist_clear(&fl);
}

START_TEST(test_filter_lists)
{
	struct ipp_filterlist fl;

	check_list("All IP Traffic", "{7238523A-70FA-11D1-864C-14A300000000}", 0);
	check_list("All ICMP Traffic", "{72385235-70FA-11D1-864C-14A300000000}", 1);
	ST_OK(ipp_store_filterlist_get(st, "All IP Traffic", &fl, e));
	/* Windows' description names what the driver exempts. */
	ck_assert(strstr(fl.description, "Kerberos") != NULL);
	ipp_filterlist_clear(&fl);
}
END_TEST

struct want_offer {
	enum ipp_qm_proto proto;
	enum ipp_cipher cipher;
	enum ipp_hash hash;
	uint32_t life_s;
};

static void
check_action(const char *name, const char *guid, enum ipp_action action, bool inpass,
    bool soft, const struct want_offer *want, size_t n)
{
	struct ipp_filteraction fa;

	ST_OK(ipp_store_filteraction_get(st, name, &fa, e));
	ck_assert_str_eq(fa.guid, guid);
	ck_assert_int_eq(fa.action, action);
	ck_assert_int_eq(fa.inpass, inpass);
	ck_assert_int_eq(fa.soft, soft);
	ck_assert_uint_eq(fa.noffers, n);
	for (size_t i = 0; i < n; i++) {
		const struct ipp_qm_offer *o = &fa.offers[i];

		ck_assert_int_eq(o->proto, want[i].proto);
		if (o->proto == IPP_QM_ESP) {
			ck_assert_int_eq(o->esp_cipher, want[i].cipher);
			ck_assert_int_eq(o->esp_auth, want[i].hash);
		} else {
			ck_assert_int_eq(o->ah_hash, want[i].hash);
		}
		ck_assert_uint_eq(o->life_s, want[i].life_s);
		ck_assert_uint_eq(o->life_kb, 100000);
		ck_assert(!o->pfs);
	}
	ipp_filteraction_clear(&fa);
}

START_TEST(test_filter_actions)
{
	static const struct want_offer request[] = {
		{ IPP_QM_ESP, IPP_CIPHER_3DES, IPP_HASH_SHA1, 900 },
		{ IPP_QM_ESP, IPP_CIPHER_DES, IPP_HASH_SHA1, 900 },
		{ IPP_QM_AH, IPP_CIPHER_NONE, IPP_HASH_SHA1, 300 },
		{ IPP_QM_AH, IPP_CIPHER_NONE, IPP_HASH_MD5, 300 },
	};
	static const struct want_offer require[] = {
		{ IPP_QM_ESP, IPP_CIPHER_3DES, IPP_HASH_SHA1, 900 },
		{ IPP_QM_ESP, IPP_CIPHER_3DES, IPP_HASH_MD5, 900 },
		{ IPP_QM_ESP, IPP_CIPHER_DES, IPP_HASH_SHA1, 900 },
		{ IPP_QM_ESP, IPP_CIPHER_DES, IPP_HASH_MD5, 900 },
	};

	check_action("Permit", "{7238523B-70FA-11D1-864C-14A300000000}", IPP_ACTION_PERMIT,
	    false, false, NULL, 0);
	/* Both negotiate with inbound passthrough; only the optional one falls back. */
	check_action("Request Security (Optional)", "{72385233-70FA-11D1-864C-14A300000000}",
	    IPP_ACTION_NEGOTIATE, true, true, request, 4);
	check_action("Require Security", "{7238523F-70FA-11D1-864C-14A300000000}",
	    IPP_ACTION_NEGOTIATE, true, false, require, 4);
}
END_TEST

static void
check_common(const struct ipp_policy *p)
{
	static const struct ipp_mm_offer mm[] = {
		{ IPP_CIPHER_3DES, IPP_HASH_SHA1, 2 }, { IPP_CIPHER_3DES, IPP_HASH_MD5, 2 },
		{ IPP_CIPHER_DES, IPP_HASH_SHA1, 1 }, { IPP_CIPHER_DES, IPP_HASH_MD5, 1 },
	};
	static const struct { enum ipp_qm_proto proto; enum ipp_cipher c; enum ipp_hash h; }
	    dr[] = {
		{ IPP_QM_ESP, IPP_CIPHER_3DES, IPP_HASH_SHA1 },
		{ IPP_QM_ESP, IPP_CIPHER_3DES, IPP_HASH_MD5 },
		{ IPP_QM_ESP, IPP_CIPHER_DES, IPP_HASH_SHA1 },
		{ IPP_QM_ESP, IPP_CIPHER_DES, IPP_HASH_MD5 },
		{ IPP_QM_AH, IPP_CIPHER_NONE, IPP_HASH_SHA1 },
		{ IPP_QM_AH, IPP_CIPHER_NONE, IPP_HASH_MD5 },
	};

	ck_assert_uint_eq(p->poll_min, 180);
	ck_assert_uint_eq(p->mm.lifetime_min, 480);
	ck_assert_uint_eq(p->mm.qm_per_mm, 0);
	ck_assert(!p->mm.pfs);
	ck_assert(!p->assigned);
	ck_assert_uint_eq(p->mm.noffers, 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(p->mm.offers[i].cipher, mm[i].cipher);
		ck_assert_int_eq(p->mm.offers[i].hash, mm[i].hash);
		ck_assert_int_eq(p->mm.offers[i].group, mm[i].group);
	}
	ck_assert(p->defrule.active);
	ck_assert_uint_eq(p->defrule.noffers, 6);
	for (size_t i = 0; i < 6; i++) {
		const struct ipp_qm_offer *o = &p->defrule.offers[i];

		ck_assert_int_eq(o->proto, dr[i].proto);
		ck_assert_int_eq(o->proto == IPP_QM_AH ? o->ah_hash : o->esp_auth, dr[i].h);
		if (o->proto == IPP_QM_ESP)
			ck_assert_int_eq(o->esp_cipher, dr[i].c);
		ck_assert_uint_eq(o->life_s, 0);	/* the system default */
	}
	ck_assert_uint_eq(p->defrule.nauth, 1);
	ck_assert_int_eq(p->defrule.auth[0].kind, IPP_AUTH_KERBEROS);
}

static void
check_rule(const struct ipp_rule *r, const char *list, const char *action)
{
	ck_assert_str_eq(r->filterlist, list);
	ck_assert_str_eq(r->filteraction, action);
	ck_assert(r->active);
	ck_assert_int_eq(r->conntype, IPP_CONN_ALL);
	ck_assert_int_eq(r->tunnel.kind, IPP_ADDR_NONE);
	ck_assert_uint_eq(r->nauth, 1);
	ck_assert_int_eq(r->auth[0].kind, IPP_AUTH_KERBEROS);
	ck_assert(ipp_guid_valid(r->guid));
}

START_TEST(test_policies)
{
	struct ipp_policy_tree t;

	ST_OK(ipp_store_policy_get(st, "Client (Respond Only)", &t, e));
	ck_assert_str_eq(t.policy.guid, "{72385236-70FA-11D1-864C-14A300000000}");
	check_common(&t.policy);
	ck_assert_uint_eq(t.policy.nrules, 0);
	ck_assert_uint_eq(t.nlists, 0);
	ipp_policy_tree_clear(&t);

	ST_OK(ipp_store_policy_get(st, "{72385230-70FA-11D1-864C-14A300000000}", &t, e));
	ck_assert_str_eq(t.policy.name, "Server (Request Security)");
	check_common(&t.policy);
	ck_assert_uint_eq(t.policy.nrules, 2);
	check_rule(&t.policy.rules[0], "All IP Traffic", "Request Security (Optional)");
	check_rule(&t.policy.rules[1], "All ICMP Traffic", "Permit");
	ck_assert_uint_eq(t.nlists, 2);
	ck_assert_uint_eq(t.nactions, 2);
	ipp_policy_tree_clear(&t);

	ST_OK(ipp_store_policy_get(st, "Secure Server (Require Security)", &t, e));
	ck_assert_str_eq(t.policy.guid, "{7238523C-70FA-11D1-864C-14A300000000}");
	check_common(&t.policy);
	ck_assert_uint_eq(t.policy.nrules, 2);
	check_rule(&t.policy.rules[0], "All IP Traffic", "Require Security");
	check_rule(&t.policy.rules[1], "All ICMP Traffic", "Permit");
	ipp_policy_tree_clear(&t);
}
END_TEST

START_TEST(test_seed_twice_refused)
{
	ST_FAILS(path, ipp_store_seed_examples(st, e), IPP_E_EXIST, "already exists");
}
END_TEST

START_TEST(test_seed_into_empty_store)
{
	const char *p2 = st_tmp_path("empty.db");
	struct ipp_store *s2 = st_open(p2, IPP_STORE_CREATE | IPP_STORE_NOSEED);
	struct ipp_names n;

	ST_OK(ipp_store_seed_examples(s2, e));
	ST_OK(ipp_store_policy_list(s2, &n, e));
	ck_assert_uint_eq(n.n, 3);
	ipp_names_free(&n);
	ipp_store_close(s2);
}
END_TEST

START_TEST(test_examples_deletable_in_order)
{
	/* The examples are ordinary objects: in use while their policies exist. */
	ST_FAILS(path, ipp_store_filteraction_delete(st, "Permit", e), IPP_E_INUSE,
	    "'All ICMP Traffic' (policy 'Secure Server (Require Security)')");
	ST_OK(ipp_store_policy_delete(st, "Server (Request Security)", e));
	ST_OK(ipp_store_policy_delete(st, "Secure Server (Require Security)", e));
	ST_OK(ipp_store_filteraction_delete(st, "Permit", e));
	ST_OK(ipp_store_filterlist_delete(st, "All IP Traffic", e));
}
END_TEST

static Suite *
examples_suite(void)
{
	Suite *s = suite_create("store_examples");
	TCase *tc = tcase_create("examples");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_filter_lists);
	tcase_add_test(tc, test_filter_actions);
	tcase_add_test(tc, test_policies);
	tcase_add_test(tc, test_seed_twice_refused);
	tcase_add_test(tc, test_seed_into_empty_store);
	tcase_add_test(tc, test_examples_deletable_in_order);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(examples_suite)
