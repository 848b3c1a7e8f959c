/* Authentication lists: ipsecpol -a (windows-cli.md §2.6) and netsh kerberos=/psk=/rootca=. */
#include "cli/authspec.h"
#include "tests/cli/cli_test.h"
#include "tests/lib/ipp_check.h"

/* Each text gives the methods listed as "K", "P:value", "C:value" joined by '|'. */
static const struct {
	const char *text;
	const char *want;
} good[] = {
	{ "KERBEROS", "K" },
	{ "kerberos", "K" },
	{ "K", "K" },
	{ "k", "K" },
	{ "PRESHARE:\"my key\"", "P:my key" },
	{ "PRESHARE:my key", "P:my key" },		/* the shell ate the quotes */
	{ "p:\"KEY\"", "P:KEY" },
	{ "p:KEY", "P:KEY" },
	{ "Preshare:CaseKept", "P:CaseKept" },
	{ "P:a:b=c", "P:a:b=c" },
	{ "CERT:\"CN=My Test CA\"", "C:CN=My Test CA" },
	{ "CERT:CN=My Test CA", "C:CN=My Test CA" },
	{ "c:\"C=AT,S=Vienna,O=Example,CN=Root\"", "C:C=AT,S=Vienna,O=Example,CN=Root" },
	{ "KERBEROS PRESHARE:\"k\"", "K|P:k" },
	{ "PRESHARE:\"k one\" KERBEROS CERT:\"CN=x\"", "P:k one|K|C:CN=x" },
	{ "  K\tC:\"CN=Root CA\"  ", "K|C:CN=Root CA" },
	{ "K K", "K|K" },
};

static void
joined(const struct ipp_authlist *l, char *buf, size_t len)
{
	static const char kind[] = { [IPP_AUTH_KERBEROS] = 'K', [IPP_AUTH_PSK] = 'P',
	    [IPP_AUTH_CERT] = 'C' };

	buf[0] = '\0';
	for (size_t i = 0; i < l->n; i++) {
		size_t o = strlen(buf);

		snprintf(buf + o, len - o, "%s%c%s%s", i > 0 ? "|" : "", kind[l->v[i].kind],
		    l->v[i].value != NULL ? ":" : "", l->v[i].value != NULL ? l->v[i].value : "");
	}
}

START_TEST(test_good)
{
	struct ipp_authlist l = { 0 };
	struct ipp_err e = { 0 };
	char buf[512];

	ck_assert_msg(ipp_authspec_add(&l, good[_i].text, &e) == 0, "%s: %s", good[_i].text,
	    e.msg);
	joined(&l, buf, sizeof(buf));
	ck_assert_str_eq(buf, good[_i].want);
	ipp_authspec_clear(&l);
}
END_TEST

/* The shell gives -a PRESHARE:"a b" KERBEROS as two arguments; order is preference. */
START_TEST(test_arguments_and_order)
{
	struct ipp_authlist l = { 0 };
	struct ipp_err e = { 0 };
	char buf[512];

	ck_assert_int_eq(ipp_authspec_add(&l, "PRESHARE:a b", &e), 0);
	ck_assert_int_eq(ipp_authspec_add(&l, "KERBEROS", &e), 0);
	ck_assert_int_eq(ipp_authspec_add(&l, "C:CN=Root", &e), 0);
	joined(&l, buf, sizeof(buf));
	ck_assert_str_eq(buf, "P:a b|K|C:CN=Root");
	/* All or nothing. */
	ck_assert_int_eq(ipp_authspec_add(&l, "K P:\"x\" BOGUS", &e), -1);
	ck_assert_uint_eq(l.n, 3);
	ipp_authspec_clear(&l);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

/* A preshared key never shows in a message. */
START_TEST(test_psk_not_echoed)
{
	static const char *const bad[] = {
		"PRESHARE:\"sekrit", "PRESHARE:\"sekrit\"x", "PRESHARE:\"sekrit\" BOGUS",
	};
	struct ipp_authlist l = { 0 };
	struct ipp_err e = { 0 };

	for (size_t i = 0; i < NELEM(bad); i++) {
		ck_assert_int_eq(ipp_authspec_add(&l, bad[i], &e), -1);
		ck_assert_int_eq(e.code, IPP_E_INVAL);
		ck_assert_msg(strstr(e.msg, "sekrit") == NULL, "%s", e.msg);
		ck_assert_uint_eq(l.n, 0);
	}
	ipp_authspec_clear(&l);
}
END_TEST

START_TEST(test_netsh)
{
	struct ipp_authlist l = { 0 };
	struct ipp_err e = { 0 };
	char buf[512];

	ck_assert_int_eq(ipp_authspec_add_kerberos(&l, &e), 0);
	ck_assert_int_eq(ipp_authspec_add_psk(&l, "myPreSharedKey", &e), 0);
	ck_assert_int_eq(ipp_authspec_add_rootca(&l,
	    "CN=Example Root, O=Example certmap:yes excludecaname:no", &e), 0);
	ck_assert_int_eq(ipp_authspec_add_rootca(&l, "CN=Plain", &e), 0);
	ck_assert_int_eq(ipp_authspec_add_rootca(&l,
	    " CN=Quote \\'Q\\' CA  EXCLUDECANAME:Y CertMap:n ", &e), 0);
	joined(&l, buf, sizeof(buf));
	ck_assert_str_eq(buf, "K|P:myPreSharedKey|C:CN=Example Root, O=Example|C:CN=Plain|"
	    "C:CN=Quote \"Q\" CA");
	ck_assert(l.v[2].certmap && !l.v[2].excludecaname);
	ck_assert(!l.v[3].certmap && !l.v[3].excludecaname);
	ck_assert(!l.v[4].certmap && l.v[4].excludecaname);
	ck_assert_int_eq(ipp_authspec_add_psk(&l, "", &e), -1);
	ck_assert_int_eq(ipp_authspec_add_rootca(&l, "certmap:yes", &e), -1);
	ck_assert_int_eq(ipp_authspec_add_rootca(&l, "CN=x certmap:maybe", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "certmap:maybe"));
	ck_assert_int_eq(ipp_authspec_add_rootca(&l, "CN=x certmap:y certmap:n", &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "twice"));
	ck_assert_int_eq(ipp_authspec_add_rootca(&l, "Example Root", &e), -1);
	ck_assert_uint_eq(l.n, 5);
	ipp_authspec_clear(&l);
}
END_TEST

static Suite *
auth_suite(void)
{
	Suite *s = suite_create("authspec");
	TCase *tc = tcase_create("grammar");

	tcase_add_loop_test(tc, test_good, 0, (int)NELEM(good));
	tcase_add_test(tc, test_arguments_and_order);
	tcase_add_test(tc, test_psk_not_echoed);
	tcase_add_test(tc, test_netsh);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(auth_suite)
