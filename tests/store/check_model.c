/* Model lifecycle: Windows' defaults, copies, release, GUIDs and the filled-in defaults. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "store/model.h"
#include "tests/lib/ipp_check.h"

static bool
all_zero(const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != 0)
			return false;
	return true;
}

START_TEST(test_init_windows_defaults)
{
	struct ipp_policy p;
	struct ipp_filter f;
	struct ipp_filteraction fa;
	struct ipp_qm_offer o;
	struct ipp_rule r;

	memset(&p, 0xa5, sizeof(p));
	ipp_policy_init(&p);
	ck_assert_uint_eq(p.poll_min, 180);
	ck_assert_uint_eq(p.mm.lifetime_min, 480);
	ck_assert_uint_eq(p.mm.qm_per_mm, 0);
	ck_assert(!p.mm.pfs);
	ck_assert(p.defrule.active);
	ck_assert(!p.assigned);
	ck_assert_ptr_null(p.rules);
	ck_assert_ptr_null(p.name);
	ipp_policy_clear(&p);

	ipp_filter_init(&f);
	ck_assert(f.mirrored);
	ck_assert_int_eq(f.src.kind, IPP_ADDR_NONE);
	ck_assert_uint_eq(f.proto, 0);
	ipp_filter_clear(&f);

	ipp_filteraction_init(&fa);
	ck_assert_int_eq(fa.action, IPP_ACTION_NEGOTIATE);
	ck_assert(!fa.inpass && !fa.soft);
	ipp_filteraction_clear(&fa);

	ipp_qm_offer_init(&o);
	ck_assert_uint_eq(o.life_s, 3600);
	ck_assert_uint_eq(o.life_kb, 100000);
	ck_assert(!o.pfs);

	ipp_rule_init(&r);
	ck_assert(r.active);
	ck_assert_int_eq(r.conntype, IPP_CONN_ALL);
	ck_assert_int_eq(r.tunnel.kind, IPP_ADDR_NONE);
	ipp_rule_clear(&r);
}
END_TEST

START_TEST(test_clear_zeroed_and_twice)
{
	struct ipp_policy_tree t = { 0 };
	struct ipp_filterlist fl = { 0 };
	struct ipp_auth a = { 0 };

	ipp_policy_tree_clear(&t);
	ipp_policy_tree_clear(&t);
	ipp_filterlist_clear(&fl);
	ipp_auth_clear(&a);
	ipp_auth_clear(&a);
	ck_assert(all_zero(&t, sizeof(t)));
}
END_TEST

/* A tree with something in every owned pointer; clearing it must free all (ASan checks). */
START_TEST(test_clear_full_tree)
{
	struct ipp_policy_tree t = { 0 };
	struct ipp_filter f;
	struct ipp_auth a = { .kind = IPP_AUTH_PSK };
	struct ipp_rule r;
	struct ipp_err e;

	t.lists = calloc(1, sizeof(*t.lists));
	t.actions = calloc(1, sizeof(*t.actions));
	ck_assert(t.lists && t.actions);
	t.nlists = t.nactions = 1;
	t.lists[0].name = strdup("L");
	t.lists[0].description = strdup("d");
	for (int i = 0; i < 9; i++) {
		ipp_filter_init(&f);
		f.description = strdup("filter");
		ck_assert(ipp_addr_parse(&f.src, "host.example", NULL, &e) == 0);
		ck_assert(ipp_addr_parse(&f.dst, "peer.example", NULL, &e) == 0);
		ck_assert_ptr_nonnull(ipp_array_push(&t.lists[0].filters, &t.lists[0].nfilters,
		    sizeof(f), &f));
	}
	ipp_filteraction_init(&t.actions[0]);
	t.actions[0].name = strdup("A");
	ipp_policy_init(&t.policy);
	t.policy.name = strdup("P");
	t.policy.description = strdup("D");
	ck_assert(ipp_policy_fill_defaults(&t.policy, &e) == 0);
	ipp_rule_init(&r);
	r.name = strdup("R");
	r.filterlist = strdup("L");
	r.filteraction = strdup("A");
	ck_assert(ipp_addr_parse(&r.tunnel, "gw.example", NULL, &e) == 0);
	a.value = strdup("secret");
	ck_assert_ptr_nonnull(ipp_array_push(&r.auth, &r.nauth, sizeof(a), &a));
	ck_assert_ptr_nonnull(ipp_array_push(&t.policy.rules, &t.policy.nrules, sizeof(r), &r));
	ipp_policy_tree_clear(&t);
	ck_assert(all_zero(&t, sizeof(t)));
}
END_TEST

START_TEST(test_array_push_grows)
{
	int *v = NULL;
	size_t n = 0;

	for (int i = 0; i < 1000; i++) {
		int *slot = ipp_array_push(&v, &n, sizeof(int), &i);

		ck_assert_ptr_nonnull(slot);
		ck_assert_int_eq(*slot, i);
	}
	ck_assert_uint_eq(n, 1000);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(v[i], i);
	free(v);
}
END_TEST

START_TEST(test_copies_are_deep)
{
	struct ipp_filter f, g;
	struct ipp_auth a = { .kind = IPP_AUTH_CERT, .certmap = true }, b;
	struct ipp_addr x, y;
	struct ipp_err e;

	ipp_filter_init(&f);
	f.description = strdup("web");
	ck_assert(ipp_addr_parse(&f.src, "Client.Example", NULL, &e) == 0);
	ck_assert(ipp_addr_parse(&f.dst, "10.0.0.0/8", NULL, &e) == 0);
	f.proto = 6;
	f.dport = 443;
	memset(&g, 0, sizeof(g));
	ck_assert(ipp_filter_copy(&g, &f, &e) == 0);
	ck_assert_ptr_ne(g.description, f.description);
	ck_assert_ptr_ne(g.src.dns, f.src.dns);
	ck_assert_str_eq(g.src.dns, "client.example");
	ck_assert_str_eq(g.description, "web");
	ck_assert_uint_eq(g.dport, 443);
	ck_assert_int_eq(g.dst.prefix, 8);
	ipp_filter_clear(&f);
	/* The copy outlives the original. */
	ck_assert_str_eq(g.src.dns, "client.example");
	ipp_filter_clear(&g);

	a.value = strdup("CN=Root,O=Example");
	memset(&b, 0, sizeof(b));
	ck_assert(ipp_auth_copy(&b, &a, &e) == 0);
	ck_assert_ptr_ne(a.value, b.value);
	ck_assert_str_eq(b.value, "CN=Root,O=Example");
	ck_assert(b.certmap);
	ipp_auth_clear(&a);
	ipp_auth_clear(&b);
	ck_assert(all_zero(&b, sizeof(b)));

	ck_assert(ipp_addr_parse(&x, "me", NULL, &e) == 0);
	memset(&y, 0, sizeof(y));
	ck_assert(ipp_addr_copy(&y, &x, &e) == 0);
	ck_assert_int_eq(y.kind, IPP_ADDR_ME);
	ck_assert_ptr_null(y.dns);
	ipp_addr_clear(&x);
	ipp_addr_clear(&y);
}
END_TEST

START_TEST(test_guid)
{
	char g[IPP_GUID_SIZE], h[IPP_GUID_SIZE];

	ck_assert(ipp_guid_new(g) == 0);
	ck_assert(ipp_guid_new(h) == 0);
	ck_assert(ipp_guid_valid(g));
	ck_assert_str_ne(g, h);
	ck_assert_uint_eq(strlen(g), IPP_GUID_SIZE - 1);
	ck_assert_int_eq(g[15], '4');	/* version 4 */
	ck_assert(ipp_guid_valid("{72385236-70FA-11D1-864C-14A300000000}"));
	ck_assert(!ipp_guid_valid("72385236-70FA-11D1-864C-14A300000000"));
	ck_assert(!ipp_guid_valid("{72385236-70FA-11D1-864C-14A30000000G}"));
	ck_assert(!ipp_guid_valid("{72385236-70FA-11D1-864C-14A3000000000}"));
	ck_assert(!ipp_guid_valid(""));
	ck_assert(!ipp_guid_valid(NULL));
}
END_TEST

START_TEST(test_tree_lookup)
{
	struct ipp_filterlist lists[2] = { { .name = "A" }, { .name = "B" } };
	struct ipp_filteraction acts[1] = { { .name = "Permit" } };
	struct ipp_policy_tree t = { .lists = lists, .nlists = 2, .actions = acts,
	    .nactions = 1 };

	ck_assert_ptr_eq(ipp_tree_filterlist(&t, "B"), &lists[1]);
	ck_assert_ptr_null(ipp_tree_filterlist(&t, "b"));
	ck_assert_ptr_null(ipp_tree_filterlist(&t, NULL));
	ck_assert_ptr_eq(ipp_tree_filteraction(&t, "Permit"), &acts[0]);
	ck_assert_ptr_null(ipp_tree_filteraction(&t, "Block"));
}
END_TEST

START_TEST(test_fill_defaults_windows_2000)
{
	static const struct { enum ipp_cipher c; enum ipp_hash h; unsigned g; } mm[] = {
		{ IPP_CIPHER_3DES, IPP_HASH_SHA1, 2 }, { IPP_CIPHER_3DES, IPP_HASH_MD5, 2 },
		{ IPP_CIPHER_DES, IPP_HASH_SHA1, 1 }, { IPP_CIPHER_DES, IPP_HASH_MD5, 1 },
	};
	struct ipp_policy p;
	struct ipp_err e;

	ipp_policy_init(&p);
	p.name = strdup("Client (Respond Only)");
	ck_assert(ipp_policy_fill_defaults(&p, &e) == 0);
	ck_assert_uint_eq(p.mm.noffers, 4);
	for (size_t i = 0; i < 4; i++) {
		ck_assert_int_eq(p.mm.offers[i].cipher, mm[i].c);
		ck_assert_int_eq(p.mm.offers[i].hash, mm[i].h);
		ck_assert_uint_eq(p.mm.offers[i].group, mm[i].g);
		ck_assert(ipp_mm_offer_is_legacy(&p.mm.offers[i]));
	}
	ck_assert_uint_eq(p.defrule.noffers, 6);
	for (size_t i = 0; i < 4; i++) {
		const struct ipp_qm_offer *o = &p.defrule.offers[i];

		ck_assert_int_eq(o->proto, IPP_QM_ESP);
		ck_assert_int_eq(o->esp_cipher, i < 2 ? IPP_CIPHER_3DES : IPP_CIPHER_DES);
		ck_assert_int_eq(o->esp_auth, i % 2 == 0 ? IPP_HASH_SHA1 : IPP_HASH_MD5);
		ck_assert_uint_eq(o->life_s, IPP_DEF_QM_LIFE_S);
		ck_assert_uint_eq(o->life_kb, IPP_DEF_QM_LIFE_KB);
		ck_assert(!o->pfs);
	}
	ck_assert_int_eq(p.defrule.offers[4].proto, IPP_QM_AH);
	ck_assert_int_eq(p.defrule.offers[4].ah_hash, IPP_HASH_SHA1);
	ck_assert_int_eq(p.defrule.offers[5].proto, IPP_QM_AH);
	ck_assert_int_eq(p.defrule.offers[5].ah_hash, IPP_HASH_MD5);
	ck_assert(!ipp_qm_offer_is_legacy(&p.defrule.offers[0]));	/* ESP 3DES/SHA1 */
	ck_assert(ipp_qm_offer_is_legacy(&p.defrule.offers[1]));	/* MD5 */
	ck_assert(ipp_qm_offer_is_legacy(&p.defrule.offers[2]));	/* DES */
	ck_assert(!ipp_qm_offer_is_legacy(&p.defrule.offers[4]));	/* AH SHA1 */
	ck_assert(ipp_qm_offer_is_legacy(&p.defrule.offers[5]));	/* AH MD5 */
	ck_assert_uint_eq(p.defrule.nauth, 1);
	ck_assert_int_eq(p.defrule.auth[0].kind, IPP_AUTH_KERBEROS);
	ck_assert_ptr_null(p.defrule.auth[0].value);
	/* Windows' own defaults pass validation. */
	ck_assert_msg(ipp_policy_validate(&p, &e) == 0, "%s", e.msg);
	ipp_policy_clear(&p);
}
END_TEST

/* Only what is empty is filled: the administrator's choices stay. */
START_TEST(test_fill_defaults_keeps_settings)
{
	struct ipp_mm_offer mo = { IPP_CIPHER_AES256, IPP_HASH_SHA256, 14 };
	struct ipp_qm_offer qo;
	struct ipp_auth a = { .kind = IPP_AUTH_PSK };
	struct ipp_policy p;
	struct ipp_err e;

	ipp_policy_init(&p);
	ck_assert_ptr_nonnull(ipp_array_push(&p.mm.offers, &p.mm.noffers, sizeof(mo), &mo));
	ck_assert(ipp_policy_fill_defaults(&p, &e) == 0);
	ck_assert_uint_eq(p.mm.noffers, 1);
	ck_assert_int_eq(p.mm.offers[0].cipher, IPP_CIPHER_AES256);
	ck_assert_uint_eq(p.defrule.noffers, 6);
	ipp_policy_clear(&p);

	ipp_policy_init(&p);
	ipp_qm_offer_init(&qo);
	qo.esp_cipher = IPP_CIPHER_AES128GCM16;
	a.value = strdup("k");
	ck_assert_ptr_nonnull(ipp_array_push(&p.defrule.offers, &p.defrule.noffers, sizeof(qo),
	    &qo));
	ck_assert_ptr_nonnull(ipp_array_push(&p.defrule.auth, &p.defrule.nauth, sizeof(a), &a));
	ck_assert(ipp_policy_fill_defaults(&p, &e) == 0);
	ck_assert_uint_eq(p.mm.noffers, 4);
	ck_assert_uint_eq(p.defrule.noffers, 1);
	ck_assert_int_eq(p.defrule.offers[0].esp_cipher, IPP_CIPHER_AES128GCM16);
	ck_assert_uint_eq(p.defrule.nauth, 1);
	ck_assert_int_eq(p.defrule.auth[0].kind, IPP_AUTH_PSK);
	/* A second fill changes nothing. */
	ck_assert(ipp_policy_fill_defaults(&p, &e) == 0);
	ck_assert_uint_eq(p.mm.noffers, 4);
	ck_assert_uint_eq(p.defrule.noffers, 1);
	ipp_policy_clear(&p);
}
END_TEST

START_TEST(test_legacy_marks)
{
	struct ipp_mm_offer m = { IPP_CIPHER_AES128, IPP_HASH_SHA256, 19 };
	struct ipp_qm_offer o;

	ck_assert(!ipp_mm_offer_is_legacy(&m));
	m.group = 2;
	ck_assert(ipp_mm_offer_is_legacy(&m));
	m.group = 14;
	m.hash = IPP_HASH_MD5;
	ck_assert(ipp_mm_offer_is_legacy(&m));
	m.hash = IPP_HASH_SHA1;
	m.cipher = IPP_CIPHER_DES;
	ck_assert(ipp_mm_offer_is_legacy(&m));

	ipp_qm_offer_init(&o);
	o.proto = IPP_QM_ESP;
	o.esp_cipher = IPP_CIPHER_AES256GCM16;
	ck_assert(!ipp_qm_offer_is_legacy(&o));
	o.pfs = true;
	o.pfs_group = 1;
	ck_assert(ipp_qm_offer_is_legacy(&o));
	o.pfs_group = 20;
	ck_assert(!ipp_qm_offer_is_legacy(&o));
	/* A field the protocol does not use does not count. */
	o.ah_hash = IPP_HASH_MD5;
	ck_assert(!ipp_qm_offer_is_legacy(&o));
	o.proto = IPP_QM_AH_ESP;
	ck_assert(ipp_qm_offer_is_legacy(&o));
	o.proto = IPP_QM_AH;
	o.ah_hash = IPP_HASH_SHA512;
	o.esp_cipher = IPP_CIPHER_DES;
	ck_assert(!ipp_qm_offer_is_legacy(&o));
}
END_TEST

static Suite *
model_suite(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("lifecycle");

	tcase_add_test(tc, test_init_windows_defaults);
	tcase_add_test(tc, test_clear_zeroed_and_twice);
	tcase_add_test(tc, test_clear_full_tree);
	tcase_add_test(tc, test_array_push_grows);
	tcase_add_test(tc, test_copies_are_deep);
	tcase_add_test(tc, test_guid);
	tcase_add_test(tc, test_tree_lookup);
	tcase_add_test(tc, test_fill_defaults_windows_2000);
	tcase_add_test(tc, test_fill_defaults_keeps_settings);
	tcase_add_test(tc, test_legacy_marks);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(model_suite)
