/*
 * Main Mode authenticated by certificates, engine against engine on the in-memory wire
 * (tests/ike/engine_test.c): RSA and ECDSA, a responder choosing the certificate method
 * from a list, and the refusals: a certificate of another CA, a revoked one, no
 * certificate configured.  The PKI is made by tests/ike/certgen.sh when the test runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/cert.h"
#include "tests/ike/cert_pki.h"
#include "tests/ike/engine_test.h"
#include "tests/lib/ipp_check.h"

#define ROOT	"CN=Test Root CA, O=ipsecpol test, C=CH"

struct certs_pair {
	struct ike_certs *c[2];
};

static void
setup(void)
{
	pki_dir("10.0.0.1", "10.0.0.2");
}

static struct ike_certs *
load(const char *host, const char *ca, const char *crl)
{
	char c[64], k[64];
	struct ike_cert_conf conf = { 0 };
	struct ike_certs *cs = NULL;
	struct ipp_err e;

	snprintf(c, sizeof(c), "%s.pem", host);
	snprintf(k, sizeof(k), "%s.key", host);
	conf.cert_file = pki_path(c);
	conf.key_file = pki_path(k);
	conf.ca_file = pki_path(ca);
	conf.crl_file = crl != NULL ? pki_path(crl) : NULL;
	ck_assert_msg(ike_certs_load(&conf, &cs, &e) == 0, "%s: %s", host, e.msg);
	return cs;
}

/* Both sides authenticate by certificate from ROOT (rule and default response rule). */
static struct et_lab *
lab_cert(void)
{
	struct et_lab *l = et_new();

	for (int i = 0; i < 2; i++) {
		struct et_peer *p = &l->p[i];

		p->auth[0] = (struct ipp_auth){ .kind = IPP_AUTH_CERT, .value = (char *)ROOT };
		p->def_auth[0] = p->auth[0];
	}
	return l;
}

static void
start(struct et_lab *l, struct certs_pair *cp)
{
	et_start(l);
	for (int i = 0; i < 2; i++)
		ike_engine_set_certs(l->p[i].e, cp->c[i]);
}

static void
pair_free(struct certs_pair *cp)
{
	ike_certs_free(cp->c[0]);
	ike_certs_free(cp->c[1]);
}

static void
expect_ok(struct et_lab *l, const char *a_sees, const char *b_sees)
{
	struct ike_stats a, b;

	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	a = et_stats(l, 0);
	b = et_stats(l, 1);
	if (a.qm_ok != 1 || b.qm_ok != 1)
		ck_abort_msg("negotiation failed; A log:\n%s\nB log:\n%s", l->p[0].log,
		    l->p[1].log);
	ck_assert_uint_eq(a.mm_ok, 1);
	ck_assert_uint_eq(b.mm_ok, 1);
	ck_assert_uint_eq(a.auth_failed + b.auth_failed + a.malformed + b.malformed, 0);
	et_check_mirror(l);
	ck_assert_msg(strstr(l->p[0].log, a_sees) != NULL, "A log:\n%s", l->p[0].log);
	ck_assert_msg(strstr(l->p[1].log, b_sees) != NULL, "B log:\n%s", l->p[1].log);
}

START_TEST(test_rsa)
{
	struct et_lab *l = lab_cert();
	struct certs_pair cp = { { load("rsa-a", "ca.pem", NULL),
	    load("rsa-b", "ca.pem", NULL) } };

	start(l, &cp);
	expect_ok(l, "(ID C=CH, O=ipsecpol test, CN=rsa-b) as initiator",
	    "(ID C=CH, O=ipsecpol test, CN=rsa-a) as responder");
	et_free(l);
	pair_free(&cp);
}
END_TEST

START_TEST(test_ecdsa)
{
	struct et_lab *l = lab_cert();
	struct certs_pair cp = { { load("ec-a", "ca.pem", NULL),
	    load("ec-b", "ca.pem", "crl.pem") } };

	start(l, &cp);
	expect_ok(l, "CN=ec-b) as initiator", "CN=ec-a) as responder");
	et_free(l);
	pair_free(&cp);
}
END_TEST

/* A responder whose list puts a preshared key first still serves a certificate initiator;
 * and an initiator whose rule trusts two CAs accepts the one the responder's chains to. */
START_TEST(test_responder_picks_method)
{
	struct et_lab *l = lab_cert();
	struct certs_pair cp = { { load("rsa-a", "cas.pem", NULL),
	    load("rsa-b", "ca.pem", NULL) } };
	struct et_peer *a = &l->p[0], *b = &l->p[1];

	a->auth[1] = a->auth[0];
	a->auth[0].value = (char *)"CN=Other Root CA, O=ipsecpol test, C=CH";
	a->rule.nauth = 2;
	b->def_auth[1] = b->def_auth[0];
	b->def_auth[0] = (struct ipp_auth){ .kind = IPP_AUTH_PSK, .value = b->psk };
	b->plan.main.defrule.nauth = 2;
	start(l, &cp);
	expect_ok(l, "CN=rsa-b) as initiator", "CN=rsa-a) as responder");
	et_free(l);
	pair_free(&cp);
}
END_TEST

static void
expect_refused(struct et_lab *l, int refuser, const char *why)
{
	struct ike_stats st;

	ck_assert_int_eq(et_acquire(l, 0), 0);
	et_pump(l);
	et_advance(l, 70000);
	ck_assert_uint_eq(l->p[0].ninstalled + l->p[1].ninstalled, 0);
	st = et_stats(l, refuser);
	ck_assert_uint_eq(st.mm_current, 0);
	ck_assert_uint_ge(st.auth_failed, 1);
	ck_assert_msg(strstr(l->p[refuser].log, why) != NULL, "log:\n%s",
	    l->p[refuser].log);
}

/* B's certificate is from another CA: A, the initiator, refuses it. */
START_TEST(test_other_ca_refused_by_initiator)
{
	struct et_lab *l = lab_cert();
	struct certs_pair cp = { { load("rsa-a", "cas.pem", NULL),
	    load("other-a", "ca.pem", NULL) } };

	start(l, &cp);
	expect_refused(l, 0, "authentication failed: certificate 'C=CH, O=ipsecpol test, "
	    "CN=other-a': refused: wrong CA");
	et_free(l);
	pair_free(&cp);
}
END_TEST

/* A's certificate is from a CA B does not trust at all: B, the responder, refuses it. */
START_TEST(test_other_ca_refused_by_responder)
{
	struct et_lab *l = lab_cert();
	struct certs_pair cp = { { load("other-a", "cas.pem", NULL),
	    load("rsa-b", "ca.pem", NULL) } };

	start(l, &cp);
	expect_refused(l, 1, "CN=other-a': refused: wrong CA: issued by 'C=CH, "
	    "O=ipsecpol test, CN=Other Root CA', which is not a trusted CA");
	ck_assert_uint_eq(et_stats(l, 0).mm_ok, 0);
	et_free(l);
	pair_free(&cp);
}
END_TEST

START_TEST(test_revoked_refused)
{
	struct et_lab *l = lab_cert();
	struct certs_pair cp = { { load("revoked", "ca.pem", NULL),
	    load("rsa-b", "ca.pem", "crl.pem") } };

	start(l, &cp);
	expect_refused(l, 1, "CN=revoked': refused: revoked");
	et_free(l);
	pair_free(&cp);
}
END_TEST

/* A certificate rule with no certificate configured: no negotiation, a clear reason. */
START_TEST(test_no_certificate_configured)
{
	struct et_lab *l = lab_cert();

	et_start(l);
	ck_assert_int_eq(et_acquire(l, 0), -EPERM);
	ck_assert_msg(strstr(l->p[0].log, "no ike_cert_file/ike_key_file is configured") !=
	    NULL, "%s", l->p[0].log);
	ck_assert_uint_eq(et_pump(l), 0);
	et_free(l);
}
END_TEST

static Suite *
engine_cert_suite(void)
{
	Suite *s = suite_create("ike_engine_cert");
	TCase *tc = tcase_create("cert");

	tcase_add_unchecked_fixture(tc, setup, pki_remove);
	tcase_add_test(tc, test_rsa);
	tcase_add_test(tc, test_ecdsa);
	tcase_add_test(tc, test_responder_picks_method);
	tcase_add_test(tc, test_other_ca_refused_by_initiator);
	tcase_add_test(tc, test_other_ca_refused_by_responder);
	tcase_add_test(tc, test_revoked_refused);
	tcase_add_test(tc, test_no_certificate_configured);
	suite_add_tcase(s, tc);
	return s;
}

IPP_CHECK_MAIN(engine_cert_suite)
