/* Negotiation policies (-n, windows-cli.md §2.5) and netsh qmsecmethods (§4.1). */
#include "cli/negpol.h"
#include "tests/cli/cli_test.h"
#include "tests/lib/ipp_check.h"

#define I IPP_NEGPOL_IPSECPOL
#define NS IPP_NEGPOL_NETSH
#define NEG IPP_ACTION_NEGOTIATE

/* Each text parses to the action, inpass flag and offers (joined by ' ') given. */
static const struct {
	const char *text;
	enum ipp_negpol_syntax syn;
	enum ipp_action action;
	bool inpass;
	const char *offers;
} good[] = {
	{ "ESP[3DES,SHA]", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s" },
	{ "esp[3des,sha]", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s" },
	{ "ESP[DES,MD5]", I, NEG, false, "ESP[DES,MD5]:100000k/3600s" },
	{ "ESP[NONE,SHA]", I, NEG, false, "ESP[NONE,SHA1]:100000k/3600s" },
	{ "ESP[3DES,NONE]", I, NEG, false, "ESP[3DES,NONE]:100000k/3600s" },
	{ "AH[MD5]", I, NEG, false, "AH[MD5]:100000k/3600s" },
	{ "ah[sha]", I, NEG, false, "AH[SHA1]:100000k/3600s" },
	{ "AH[SHA]+ESP[3DES,SHA]", I, NEG, false, "AH[SHA1]+ESP[3DES,SHA1]:100000k/3600s" },
	{ "AH[MD5]+ESP[NONE,SHA1]", I, NEG, false, "AH[MD5]+ESP[NONE,SHA1]:100000k/3600s" },
	{ "AH[SHA1]+ESP[3DES,NONE]", I, NEG, false, "AH[SHA1]+ESP[3DES,NONE]:100000k/3600s" },
	/* rekey, every order and alone */
	{ "ESP[3DES,SHA]3600S/50000K", I, NEG, false, "ESP[3DES,SHA1]:50000k/3600s" },
	{ "ESP[3DES,SHA]50000K/3600S", I, NEG, false, "ESP[3DES,SHA1]:50000k/3600s" },
	{ "ESP[3DES,SHA]900S", I, NEG, false, "ESP[3DES,SHA1]:100000k/900s" },
	{ "ESP[3DES,SHA]25000k", I, NEG, false, "ESP[3DES,SHA1]:25000k/3600s" },
	{ "esp[3des,sha] 3600S/100000K", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s" },
	{ "esp[3des,sha] 7200s", I, NEG, false, "ESP[3DES,SHA1]:100000k/7200s" },
	/* PFS */
	{ "ESP[3DES,SHA]3600S/50000KPFS", I, NEG, false, "ESP[3DES,SHA1]:50000k/3600s:pfs" },
	{ "ESP[3DES,SHA]PFS", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s:pfs" },
	{ "ESP[3DES,SHA]P", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s:pfs" },
	{ "ESP[3DES,SHA]PFS1", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s:pfs1" },
	{ "ESP[3DES,SHA]P2", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s:pfs2" },
	{ "ESP[3DES,SHA]pfs2", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s:pfs2" },
	{ "ESP[AES128,SHA256]PFS3", I, NEG, false, "ESP[AES128,SHA256]:100000k/3600s:pfs14" },
	{ "ESP[AES128,SHA256]PFS14", I, NEG, false, "ESP[AES128,SHA256]:100000k/3600s:pfs14" },
	{ "ESP[AES256,SHA384]4000S/30000KPFS19", I, NEG, false,
	  "ESP[AES256,SHA384]:30000k/4000s:pfs19" },
	{ "ESP[AES256,SHA512]P21", I, NEG, false, "ESP[AES256,SHA512]:100000k/3600s:pfs21" },
	{ "ESP[3DES,SHA] PFS", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s:pfs" },
	{ "ESP[3DES,SHA] 3600S P2", I, NEG, false, "ESP[3DES,SHA1]:100000k/3600s:pfs2" },
	/* modern algorithms */
	{ "ESP[AES256,SHA256]", I, NEG, false, "ESP[AES256,SHA256]:100000k/3600s" },
	{ "ESP[AES192,SHA1]", I, NEG, false, "ESP[AES192,SHA1]:100000k/3600s" },
	{ "ESP[AES128GCM16]", I, NEG, false, "ESP[AES128GCM16,NONE]:100000k/3600s" },
	{ "ESP[AES256GCM16,NONE]", I, NEG, false, "ESP[AES256GCM16,NONE]:100000k/3600s" },
	{ "esp[aes256gcm16]pfs20", I, NEG, false, "ESP[AES256GCM16,NONE]:100000k/3600s:pfs20" },
	{ "AH[SHA256]+ESP[AES128GCM16]", I, NEG, false,
	  "AH[SHA256]+ESP[AES128GCM16,NONE]:100000k/3600s" },
	{ "AH[SHA512]", I, NEG, false, "AH[SHA512]:100000k/3600s" },
	/* lists, keywords */
	{ "ESP[3DES,SHA] ESP[3DES,MD5] ESP[DES,SHA] ESP[DES,MD5]", I, NEG, false,
	  "ESP[3DES,SHA1]:100000k/3600s ESP[3DES,MD5]:100000k/3600s "
	  "ESP[DES,SHA1]:100000k/3600s ESP[DES,MD5]:100000k/3600s" },
	{ "AH[MD5] ESP[DES,SHA]300S", I, NEG, false,
	  "AH[MD5]:100000k/3600s ESP[DES,SHA1]:100000k/300s" },
	{ "BLOCK", I, IPP_ACTION_BLOCK, false, "" },
	{ "block", I, IPP_ACTION_BLOCK, false, "" },
	{ "PASS", I, IPP_ACTION_PERMIT, false, "" },
	{ "Pass", I, IPP_ACTION_PERMIT, false, "" },
	{ "INPASS", I, NEG, true, "" },
	{ "INPASS ESP[3DES,SHA]", I, NEG, true, "ESP[3DES,SHA1]:100000k/3600s" },
	{ "ESP[3DES,SHA] inpass", I, NEG, true, "ESP[3DES,SHA1]:100000k/3600s" },
	/* netsh qmsecmethods */
	{ "ESP[3DES,SHA1]:100000k/3600s", NS, NEG, false, "ESP[3DES,SHA1]:100000k/3600s" },
	{ "AH[MD5]:204800k/300s ESP[DES,SHA1]:30000k/480s", NS, NEG, false,
	  "AH[MD5]:204800k/300s ESP[DES,SHA1]:30000k/480s" },
	{ "AH[MD5]:100000k/1000s AH[SHA1]:100000k/1000s", NS, NEG, false,
	  "AH[MD5]:100000k/1000s AH[SHA1]:100000k/1000s" },
	{ "ESP[3DES,SHA1]:3600s/100000k", NS, NEG, false, "ESP[3DES,SHA1]:100000k/3600s" },
	{ "ESP[3DES,SHA1]:7200s", NS, NEG, false, "ESP[3DES,SHA1]:100000k/7200s" },
	{ "ESP[3DES,SHA1]:50000K", NS, NEG, false, "ESP[3DES,SHA1]:50000k/3600s" },
	{ "ESP[3DES,SHA1] ESP[3DES,MD5]", NS, NEG, false,
	  "ESP[3DES,SHA1]:100000k/3600s ESP[3DES,MD5]:100000k/3600s" },
	{ "AH[SHA1]+ESP[3DES,SHA1]:100000k/3600s", NS, NEG, false,
	  "AH[SHA1]+ESP[3DES,SHA1]:100000k/3600s" },
	{ "ESP[None,SHA1]", NS, NEG, false, "ESP[NONE,SHA1]:100000k/3600s" },
	{ "esp[aes256,sha256]:100000k/3600s", NS, NEG, false, "ESP[AES256,SHA256]:100000k/3600s" },
};

static void
joined(const struct ipp_negpol *np, char *buf, size_t len)
{
	char one[128];

	buf[0] = '\0';
	for (size_t i = 0; i < np->noffers; i++) {
		if (i > 0)
			strncat(buf, " ", len - strlen(buf) - 1);
		strncat(buf, t_offer(&np->offers[i], one, sizeof(one)), len - strlen(buf) - 1);
	}
}

START_TEST(test_good)
{
	struct ipp_negpol np;
	struct ipp_err e = { 0 };
	char buf[1024];

	ipp_negpol_init(&np);
	ck_assert_msg(ipp_negpol_add(&np, good[_i].text, good[_i].syn, &e) == 0, "%s: %s",
	    good[_i].text, e.msg);
	ck_assert_int_eq(np.action, good[_i].action);
	ck_assert_int_eq(np.inpass, good[_i].inpass);
	joined(&np, buf, sizeof(buf));
	ck_assert_str_eq(buf, good[_i].offers);
	ipp_negpol_clear(&np);
}
END_TEST

/* -n may come as several arguments; a lifetime word continues the offer before it. */
START_TEST(test_several_arguments)
{
	struct ipp_negpol np;
	struct ipp_err e = { 0 };
	char buf[1024];

	ipp_negpol_init(&np);
	ck_assert_int_eq(ipp_negpol_add(&np, "esp[3des,sha]", I, &e), 0);
	ck_assert_int_eq(ipp_negpol_add(&np, "3600S/100000K", I, &e), 0);
	ck_assert_int_eq(ipp_negpol_add(&np, "AH[MD5]", I, &e), 0);
	ck_assert_int_eq(ipp_negpol_add(&np, "PFS2", I, &e), 0);
	joined(&np, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ESP[3DES,SHA1]:100000k/3600s AH[MD5]:100000k/3600s:pfs2");
	/* A second lifetime for the same offer is refused and changes nothing. */
	ck_assert_int_eq(ipp_negpol_add(&np, "ESP[DES,SHA] 900S/30000K 600S", I, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "'600S'"));
	joined(&np, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ESP[3DES,SHA1]:100000k/3600s AH[MD5]:100000k/3600s:pfs2");
	/* A failed qualifier of the last offer leaves it untouched. */
	ck_assert_int_eq(ipp_negpol_add(&np, "3600S/30000KPFS99", I, &e), -1);
	joined(&np, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ESP[3DES,SHA1]:100000k/3600s AH[MD5]:100000k/3600s:pfs2");
	ck_assert_int_eq(ipp_negpol_add(&np, "BLOCK", I, &e), -1);
	ck_assert_int_eq(np.action, IPP_ACTION_NEGOTIATE);
	ipp_negpol_clear(&np);
}
END_TEST

START_TEST(test_defaults)
{
	struct ipp_negpol np;
	struct ipp_err e = { 0 };
	char buf[1024];

	ipp_negpol_init(&np);
	ck_assert_int_eq(ipp_negpol_defaults(&np, &e), 0);
	joined(&np, buf, sizeof(buf));
	ck_assert_str_eq(buf, "ESP[3DES,SHA1]:100000k/3600s ESP[3DES,MD5]:100000k/3600s "
	    "ESP[DES,SHA1]:100000k/3600s ESP[DES,MD5]:100000k/3600s");
	ipp_negpol_clear(&np);
	/* INPASS alone negotiates with the defaults; BLOCK keeps no offers. */
	ck_assert_int_eq(ipp_negpol_add(&np, "INPASS", I, &e), 0);
	ck_assert_int_eq(ipp_negpol_defaults(&np, &e), 0);
	ck_assert_uint_eq(np.noffers, 4);
	ck_assert(np.inpass);
	ipp_negpol_clear(&np);
	ck_assert_int_eq(ipp_negpol_add(&np, "BLOCK", I, &e), 0);
	ck_assert_int_eq(ipp_negpol_defaults(&np, &e), 0);
	ck_assert_uint_eq(np.noffers, 0);
	ipp_negpol_clear(&np);
	/* Explicit offers are kept as given. */
	ck_assert_int_eq(ipp_negpol_add(&np, "AH[SHA]", I, &e), 0);
	ck_assert_int_eq(ipp_negpol_defaults(&np, &e), 0);
	ck_assert_uint_eq(np.noffers, 1);
	ipp_negpol_clear(&np);
}
END_TEST

START_TEST(test_single_offer)
{
	struct ipp_qm_offer o;
	struct ipp_err e = { 0 };
	char buf[128];

	ck_assert_int_eq(ipp_negpol_offer("AH[SHA1]+ESP[AES128,SHA256]:30000k/900s", NS, &o,
	    &e), 0);
	ck_assert_str_eq(t_offer(&o, buf, sizeof(buf)),
	    "AH[SHA1]+ESP[AES128,SHA256]:30000k/900s");
	ck_assert_int_eq(o.proto, IPP_QM_AH_ESP);
	ck_assert_int_eq(ipp_negpol_offer("BLOCK", I, &o, &e), -1);
	ck_assert_int_eq(ipp_negpol_offer("ESP[3DES,SHA]PFS", NS, &o, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "qmpfs"));
}
END_TEST

static void
assert_same_offer(const struct ipp_qm_offer *a, const struct ipp_qm_offer *b, bool pfs)
{
	ck_assert_int_eq(a->proto, b->proto);
	ck_assert_int_eq(a->ah_hash, b->ah_hash);
	ck_assert_int_eq(a->esp_cipher, b->esp_cipher);
	ck_assert_int_eq(a->esp_auth, b->esp_auth);
	ck_assert_uint_eq(a->life_s, b->life_s);
	ck_assert_uint_eq(a->life_kb, b->life_kb);
	if (pfs) {
		ck_assert_int_eq(a->pfs, b->pfs);
		ck_assert_uint_eq(a->pfs_group, b->pfs_group);
	}
}

/* Every offer of the table, written in both syntaxes, reads back the same. */
START_TEST(test_round_trip)
{
	struct ipp_negpol np;
	struct ipp_qm_offer o;
	struct ipp_err e = { 0 };
	char buf[128];

	ipp_negpol_init(&np);
	ck_assert_int_eq(ipp_negpol_add(&np, good[_i].text, good[_i].syn, &e), 0);
	for (size_t i = 0; i < np.noffers; i++) {
		ck_assert_int_eq(ipp_negpol_format_offer(&np.offers[i], NS, buf, sizeof(buf)), 0);
		ck_assert_msg(ipp_negpol_offer(buf, NS, &o, &e) == 0, "%s: %s", buf, e.msg);
		assert_same_offer(&np.offers[i], &o, false);
		ck_assert_int_eq(ipp_negpol_format_offer(&np.offers[i], I, buf, sizeof(buf)), 0);
		ck_assert_msg(ipp_negpol_offer(buf, I, &o, &e) == 0, "%s: %s", buf, e.msg);
		assert_same_offer(&np.offers[i], &o, true);
		ck_assert_int_eq(ipp_negpol_format_offer(&np.offers[i], I, buf, 8), -1);
	}
	ipp_negpol_clear(&np);
}
END_TEST

START_TEST(test_format_forms)
{
	struct ipp_qm_offer o;
	struct ipp_err e = { 0 };
	char buf[128];

	ck_assert_int_eq(ipp_negpol_offer("ah[sha]+esp[3des,sha]3600s/50000kpfs2", I, &o, &e), 0);
	ck_assert_int_eq(ipp_negpol_format_offer(&o, I, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "AH[SHA1]+ESP[3DES,SHA1]3600S/50000KPFS2");
	ck_assert_int_eq(ipp_negpol_format_offer(&o, NS, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "AH[SHA1]+ESP[3DES,SHA1]:50000k/3600s");
	ck_assert_int_eq(ipp_negpol_offer("ESP[AES128GCM16]P", I, &o, &e), 0);
	ck_assert_int_eq(ipp_negpol_format_offer(&o, I, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ESP[AES128GCM16,NONE]3600S/100000KPFS");
}
END_TEST

START_TEST(test_message_form)
{
	struct ipp_negpol np;
	struct ipp_err e = { 0 };

	ipp_negpol_init(&np);
	ck_assert_int_eq(ipp_negpol_add(&np, "ESP[NONE,NONE]", I, &e), -1);
	ck_assert_str_eq(e.msg, "negotiation policy 'ESP[NONE,NONE]': ESP needs a cipher or an "
	    "authentication algorithm");
	ck_assert_uint_eq(np.noffers, 0);
	ipp_negpol_clear(&np);
}
END_TEST

static Suite *
negpol_suite(void)
{
	Suite *s = suite_create("negpol");
	TCase *tc = tcase_create("grammar");

	tcase_add_loop_test(tc, test_good, 0, (int)NELEM(good));
	tcase_add_loop_test(tc, test_round_trip, 0, (int)NELEM(good));
	tcase_add_test(tc, test_format_forms);
	tcase_add_test(tc, test_several_arguments);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_single_offer);
	tcase_add_test(tc, test_message_form);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(negpol_suite)
